"""Ranking every match exactly, in numpy: BM25F over words, then bounded bonuses for the top.

A paragraph's score has two parts.

- The *base*, computed for every match at once from posting lists read in bulk: BM25F
  (Whoosh's formula, parameters and statistics) of each ranked literal's jieba words in
  ``text``, ``section`` and ``title``, weighted per field.
- The *bonus*, read from the paragraph's match key: how often each literal occurs (BM25
  over occurrences, a small weight: it ranks substrings that are no word), whether the
  query's terms occur as one exact sequence, and how close together they occur.

The bonus has a known ceiling, so it is computed only for paragraphs that can still
reach the requested page: take the best by base, compute their final scores, then
every paragraph whose base plus the ceiling reaches the page's last score. The page is
therefore exactly the prefix of the fully ranked list (a test checks it). Of two equal
scores the newer report comes first, then the lower document number.

Glossary definitions weigh more (their record's boost multiplies every frequency, as
Whoosh's document boost does).

Before any score comes a paragraph's *shape*, decided when it is indexed: content (a
paragraph that treats something), a fragment (a label, a table cell, a date, a one-line
list entry) or a heading. Content ranks before fragments; headings are navigation and
are ranked apart, for the sections of a result. A ranking is tiered by shape, and within
a tier by score, so a page is still the prefix of the full ranking.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterator
from typing import Any, AnyStr

import numpy as np

from analyzers.charsets import SENTENCE_END
from indexer.bulk import BYTE_TO_LENGTH
from indexer.ingest.entries import is_glossary_heading
from indexer.ingest.paragraphs import SECTION_SEPARATOR
from indexer.matching import Matcher, Matches, merged
from indexer.query import CompiledQuery, loose_units

GLOSSARY_BOOST = 1.5  # a glossary definition is the reference for its term
K1, B = 1.2, 0.75  # Whoosh's BM25F defaults
# How much each field's word matches count; occurrences of the literal itself count
# little, so ranking is driven by words, sequence and proximity.
RANK_BOOSTS = {"text": 1.0, "section": 0.5, "title": 0.3}
OCCURRENCE_BOOST = 0.2
SEQUENCE_BOOST = 2.0
PROXIMITY_BOOST = 1.5
PROXIMITY_MAX_TERMS = 6  # closeness of more terms than this tells little
PROXIMITY_BYTES = 24  # gap (UTF-8 bytes, ~8 characters) between terms that still counts as close
FIRST_CANDIDATES = 64  # paragraphs whose bonus is computed first, to find the page's bar
USE_BOOST = 2.0  # the running text uses the term (not only lists it, nor in parentheses)
LEAD_BOOST = 0.5  # the first sentence holds the term
# ... when that sentence is a lead-in, at most this share of the paragraph: where a
# paragraph of one long sentence names the term says nothing of what it is about.
LEAD_SHARE = 0.25
_EMPTY = np.zeros(0, dtype=np.int64)
# Shapes, in ranking order (the ``shape`` column).
CONTENT, FRAGMENT, HEADING = 0, 1, 2
FRAGMENT_CHARS = 16  # a paragraph shorter than this (match key) says too little to rank first
FRAGMENT_LINE = 40  # a line up to this long without a sentence end: a cell, an entry, a caption
_SENTENCE = re.compile(f"[{SENTENCE_END}；;]")


def in_glossary(section: str) -> bool:
    return any(is_glossary_heading(title) for title in section.split(SECTION_SEPARATOR))


def paragraph_boost(section: str) -> float:
    """The weight a paragraph is indexed with (headings need none: they are ranked
    apart, as sections)."""
    return GLOSSARY_BOOST if in_glossary(section) else 1.0


def paragraph_shape(text: str, key: str, heading: bool, section: str) -> int:
    """Whether a paragraph is content, a fragment or a heading (see the module's text).
    A glossary definition is content however short: it is the reference for its term.

    >>> paragraph_shape("ABB网络安全", "ABB网络安全", False, "")
    1
    >>> paragraph_shape("双碳：碳达峰与碳中和。", "双碳：碳达峰与碳中和。", False, "附件 › 名词解释")
    0
    """
    if heading:
        return HEADING
    if in_glossary(section):
        return CONTENT
    if len(key) < FRAGMENT_CHARS or (len(key) <= FRAGMENT_LINE and not _SENTENCE.search(text)):
        return FRAGMENT
    return CONTENT


def lead_bytes(key: str) -> int:
    """How many UTF-8 bytes of the match key its first sentence takes (capped for the
    column): a term found before it opens the paragraph.

    >>> lead_bytes("（六）加快发展。实施项目。")
    21
    """
    first = _SENTENCE.search(key)
    return min(len(key[: first.start()].encode("utf-8")) if first else len(key.encode()), 65535)


def same_text(key: str) -> int:
    """64 bits of the match key's hash: equal for the same paragraph printed twice."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def idf(records: int, frequency: int) -> float:
    """Whoosh's inverse document frequency (of an empty index too)."""
    return math.log(max(records, 1) / (frequency + 1)) + 1


def bm25(idf_: float, tf: Any, length: Any, average: float) -> Any:
    """Whoosh's ``scoring.bm25``, over numbers or arrays."""
    return idf_ * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average))


class Ranker:
    """Scores the matches of one query on one snapshot."""

    def __init__(
        self,
        matcher: Matcher,
        compiled: CompiledQuery,
        matches: Matches,
        related: np.ndarray | None = None,
    ) -> None:
        self.snapshot = snapshot = matcher.snapshot
        self.compiled = compiled
        self.related = _EMPTY if related is None else related
        self.docs = merged(matches.docs, self.related)
        records = snapshot.size
        counts = matches.literal_counts
        self.key_idf = {r.key: idf(records, counts.get(r.key, 0)) for r in compiled.ranked}
        together = compiled.together
        if len(together) == 1 and not len(self.related):
            together = ()  # one term, every match holds it: its words and occurrences rank
        self.together_idf = (
            sum(self.key_idf.get(k, idf(records, 0)) for k in together) / len(together)
            if together
            else 0.0
        )
        self.close = [k.encode("utf-8") for k in together]
        # A related paragraph holds each term of several words as its parts.
        self.loose_close = [u.encode("utf-8") for k in together for u in loose_units(k) or (k,)]
        self.sequence = "".join(together).encode("utf-8")
        # The paragraphs holding the terms as one sequence: a literal match, so a set
        # operation finds them (for the sequence bonus, and they are as close as can be).
        self.in_order = matcher.literal("".join(together)) if together else self.docs[:0]
        self.parts: list[tuple[float | np.ndarray, Callable[[np.ndarray], np.ndarray]]] = []
        # (ceiling, scorer) of the parts computed only where they can still change the
        # page: each part's score is at most its ceiling (one number, or one per match);
        # the largest and cheapest first, so that fewer matches can still reach the page
        # when the costlier ones come.
        if self.key_idf:
            self.mean_idf = sum(self.key_idf.values()) / len(self.key_idf)
            ceiling = sum(OCCURRENCE_BOOST * v * (K1 + 1) for v in self.key_idf.values())
            # Only a paragraph whose lead-in is short can have the lead bonus (its
            # columns say so); an aside costs: the part can only lower a score by it,
            # so it widens no bound.
            docs = self.docs
            lead_in = snapshot.leads[docs] < LEAD_SHARE * snapshot.key_lengths(docs)
            self.parts.append((ceiling + LEAD_BOOST * self.mean_idf * lead_in, self.in_text))
        if together and len(together) <= PROXIMITY_MAX_TERMS:
            self.parts.append((PROXIMITY_BOOST * self.together_idf, self.closeness))
        self.ceiling = sum(c for c, _ in self.parts)
        self._base: np.ndarray | None = None

    def _base_scores(self) -> np.ndarray:
        snapshot, docs = self.snapshot, self.docs
        scores = self.in_sequence(docs)
        words = dict.fromkeys(w for r in self.compiled.ranked for w in r.words)
        for field, weight in RANK_BOOSTS.items():
            average = snapshot.searcher.avg_field_length(field) or 1
            lengths = None
            for word in words:
                ids, tf = snapshot.postings(field, word)
                if not len(ids):
                    continue
                at = np.searchsorted(docs, ids)
                inside = at < len(docs)
                inside[inside] = docs[at[inside]] == ids[inside]
                if not inside.any():
                    continue
                if lengths is None:
                    lengths = snapshot.field_length_bytes(field)
                hit = ids[inside]
                freq = np.ones(len(hit)) if tf is None else tf[inside]
                word_idf = idf(snapshot.size, snapshot.doc_frequency(field, word))
                length = BYTE_TO_LENGTH[lengths[hit]]
                scores[at[inside]] += weight * bm25(word_idf, freq, length, average)
        return scores

    def _keys(self, docs: np.ndarray) -> Iterator[tuple[bytes, float]]:
        """The match key (UTF-8) and the weight of each of ``docs`` (sorted)."""
        return zip(self.snapshot.match_keys(docs), self.snapshot.boosts[docs].tolist(), strict=True)

    def in_text(self, docs: np.ndarray) -> np.ndarray:
        """What each paragraph's match key says of the query's terms, read once: how
        often each occurs (BM25, a small weight: it ranks substrings that are no word),
        whether its running text uses each (not only as an item of an enumeration, A、B、C
        or …等, nor only inside parentheses: an aside; one it does not costs, and the
        terms written as one sequence only in such places earn no sequence bonus:
        （牵头单位：市民营经济局） says nothing of 民营经济), and whether a lead-in first
        sentence holds each (a run-in heading, an article's opening clause: the
        paragraph opens with the topic)."""
        keys = self.snapshot.match_keys(docs)
        lead_ends = self.snapshot.leads[docs].tolist()
        needles = [(k.encode("utf-8"), v) for k, v in self.key_idf.items()]
        counts = [[0] * len(keys) for _ in needles]
        used = [0] * len(keys)
        held = [0] * len(keys)
        leads = [0] * len(keys)
        aside = []  # the terms as one sequence in asides only
        sequence = self.sequence
        apart = bool(sequence) and all(needle != sequence for needle, _ in needles)
        for i, key in enumerate(keys):
            for j, (needle, _) in enumerate(needles):
                first = key.find(needle)
                if first != -1:
                    counts[j][i] = key.count(needle)
                    held[i] += 1
                    use = _used(key, needle, first)
                    used[i] += use
                    leads[i] += first < lead_ends[i] < LEAD_SHARE * len(key)
                    if needle == sequence and not use:
                        aside.append(i)
            if apart and (at := key.find(sequence)) != -1 and not _used(key, sequence, at):
                aside.append(i)
        asides = np.array(held, dtype=np.float64) - np.array(used, dtype=np.float64)
        leads_ = np.array(leads, dtype=np.float64)
        boosts = self.snapshot.boosts[docs].astype(np.float64)
        lengths = np.fromiter(map(len, keys), dtype=np.float64, count=len(keys))
        average = self.snapshot.avg_key_bytes
        scores = (LEAD_BOOST * leads_ - USE_BOOST * asides) * self.mean_idf
        scores /= len(needles)
        for (_, weight), count in zip(needles, counts, strict=True):
            tf = np.array(count, dtype=np.float64) * boosts
            scores += OCCURRENCE_BOOST * bm25(weight, tf, lengths, average)
        if aside:
            scores[aside] -= self.in_sequence(docs[aside])
        return scores

    def in_sequence(self, docs: np.ndarray) -> np.ndarray:
        """How often the query's terms occur as one exact sequence (saturated); counted
        only in the paragraphs known to hold it. One term holds itself once: what every
        match has and a related paragraph has not (how often is the occurrence part's)."""
        tfs = np.zeros(len(docs))
        holding = np.isin(docs, self.in_order, assume_unique=True)
        if len(self.close) == 1:
            tfs[holding] = 1.0
        elif holding.any():
            tfs[holding] = np.fromiter(
                (key.count(self.sequence) * boost for key, boost in self._keys(docs[holding])),
                dtype=np.float64,
                count=int(holding.sum()),
            )
        return SEQUENCE_BOOST * self.together_idf * tfs * (K1 + 1) / (tfs + K1)

    def closeness(self, docs: np.ndarray) -> np.ndarray:
        """How close together the query's terms occur: 1 within a short window (always
        where they occur as one sequence), less the farther apart they are."""
        closeness = np.ones(len(docs))
        apart = ~np.isin(docs, self.in_order, assume_unique=True)
        if apart.any():
            loose = np.isin(docs[apart], self.related, assume_unique=True).tolist()
            closeness[apart] = np.fromiter(
                (
                    _closeness(key, self.loose_close if related else self.close)
                    for (key, _), related in zip(self._keys(docs[apart]), loose, strict=True)
                ),
                dtype=np.float64,
                count=int(apart.sum()),
            )
        return PROXIMITY_BOOST * self.together_idf * closeness

    def finals(self, positions: np.ndarray, base: np.ndarray) -> np.ndarray:
        """Final scores of the matches at ``positions`` (sorted): base, then each part."""
        scores = base[positions]
        for _, part in self.parts:
            scores = scores + part(self.docs[positions])
        return scores

    def base(self) -> np.ndarray:
        """BM25F of the ranked literals' words and the sequence bonus, for every match
        (computed once)."""
        if self._base is None:
            self._base = self._base_scores()
        return self._base

    def top(
        self, wanted: int | None, pool: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The positions in ``docs`` of the best ``wanted`` matches of ``pool`` (positions;
        all matches if None), best first, and their scores (all of them if ``wanted`` is
        None).

        A part is computed only for matches that can still reach the page: those whose
        score so far, plus the ceilings of the parts still to come, reaches the score
        of the page's last place among the best first candidates.
        """
        base = self.base()
        pool = np.arange(len(base)) if pool is None else pool
        first_count = max(FIRST_CANDIDATES, wanted or 0)
        if wanted is None or first_count >= len(pool):
            return self.ordered(pool, self.finals(pool, base), wanted)
        first = pool[np.sort(np.argpartition(-base[pool], first_count - 1)[:first_count])]
        known = self.finals(first, base)
        bar = np.partition(known, first_count - wanted)[first_count - wanted]
        scores, remaining = base[pool], self.ceiling
        for ceiling, part in self.parts:
            bound = remaining[pool] if isinstance(remaining, np.ndarray) else remaining
            reachable = scores + bound * (1 + 1e-9) >= bar
            pool, scores = pool[reachable], scores[reachable]
            scores = scores + part(self.docs[pool])
            remaining = remaining - ceiling
        return self.ordered(pool, scores, wanted)

    def by_base(self, pool: np.ndarray, wanted: int | None) -> tuple[np.ndarray, np.ndarray]:
        """The best ``wanted`` of ``pool`` by their base score alone: a heading is a line
        that names its section, with little for the bonuses to weigh; a short page's
        fillers hold none of the terms as written, and are ranked as plain word search
        ranks (the bonuses of thousands of them would cost more than the page)."""
        return self.ordered(pool, self.base()[pool], wanted)

    def tiered(self, wanted: int | None, tiers: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The best ``wanted`` of the positions in ``tiers``: every one of a tier ranks
        before any of the next."""
        positions, scores = [], []
        for pool in tiers:
            need = None if wanted is None else wanted - sum(map(len, positions))
            if need == 0:
                break
            if len(pool):
                found = self.top(need, pool)
                positions.append(found[0])
                scores.append(found[1])
        if not positions:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(positions), np.concatenate(scores)

    def once(self, pool: np.ndarray, same: np.ndarray, shared: np.ndarray) -> np.ndarray:
        """``pool`` (sorted positions) with each text once: of the copies of a text
        (``same``: each match's text hash; ``shared``: whether another paragraph of the
        corpus has its text), the one ranked first. Copies have one match key, so every
        part of their score but the base is equal: the best base is the best copy."""
        copies = pool[shared[pool]]
        if not len(copies):
            return pool
        docs = self.docs[copies]
        best = np.lexsort((docs, -self.snapshot.years[docs], -self.base()[copies], same[copies]))
        texts = same[copies][best]
        first = np.ones(len(best), dtype=bool)
        first[1:] = texts[1:] != texts[:-1]
        return np.sort(np.concatenate((pool[~shared[pool]], copies[best[first]])))

    def ordered(
        self, pool: np.ndarray, finals: np.ndarray, wanted: int | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``pool`` (positions in ``docs``) best first: by score, then the newer report,
        then the lower document number; the first ``wanted`` of them and their scores."""
        docs = self.docs[pool]
        order = np.lexsort((docs, -self.snapshot.years[docs], -finals))[:wanted]
        return pool[order], finals[order]


def _closeness(key: bytes, needles: list[bytes]) -> float:
    """1 when the terms occur within a short window of each other, less the farther apart
    they are: the smallest window holding an occurrence of each, against their length."""
    spots = sorted(
        (at, at + len(needle), which)
        for which, needle in enumerate(needles)
        for at in occurrences(key, needle)
    )
    best = math.inf
    latest: dict[int, tuple[int, int]] = {}
    for start, end, which in spots:
        latest[which] = (start, end)
        if len(latest) == len(needles):
            window = max(e for _, e in latest.values()) - min(s for s, _ in latest.values())
            best = min(best, window)
    if best == math.inf:
        return 0.0
    return min(1.0, (sum(len(n) for n in needles) + PROXIMITY_BYTES) / best)


_ENUMERATION = "、".encode()
_LISTED_AFTER = (_ENUMERATION, "等".encode())
_OPEN, _CLOSE = "（".encode(), "）".encode()


def _used(key: bytes, needle: bytes, at: int) -> bool:
    """Whether ``needle`` (first at ``at``) occurs in ``key`` at least once in the running
    text: not as an item of an enumeration (next to 、, or before 等: 公安、应急管理、交通等
    部门) nor inside parentheses (an aside: （牵头单位：市民营经济局）)."""
    parentheses = _OPEN in key or b"(" in key
    while at != -1:
        end = at + len(needle)
        if not (key.endswith(_ENUMERATION, 0, at) or key.startswith(_LISTED_AFTER, end)):
            if not parentheses:
                return True
            opened = max(key.rfind(_OPEN, 0, at), key.rfind(b"(", 0, at))
            if opened == -1 or opened < max(key.rfind(_CLOSE, 0, at), key.rfind(b")", 0, at)):
                return True
        at = key.find(needle, end)
    return False


def occurrences(key: AnyStr, needle: AnyStr) -> list[int]:
    """Where ``needle`` starts in ``key``, overlapping occurrences included."""
    found, at = [], key.find(needle)
    while at != -1:
        found.append(at)
        at = key.find(needle, at + 1)
    return found
