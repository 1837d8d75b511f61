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

Headings and glossary definitions weigh more (their record's boost multiplies every
frequency, as Whoosh's document boost does).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from indexer.ingest.glossary import is_glossary_heading
from indexer.ingest.paragraphs import SECTION_SEPARATOR
from indexer.matching import Matcher, Matches
from indexer.query import CompiledQuery

HEADING_BOOST = 1.5  # a heading is a summary of what follows
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


def paragraph_boost(heading: bool, section: str) -> float:
    """The weight a paragraph is indexed with."""
    boost = HEADING_BOOST if heading else 1.0
    if any(is_glossary_heading(title) for title in section.split(SECTION_SEPARATOR)):
        boost *= GLOSSARY_BOOST
    return boost


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
    ) -> None:
        self.snapshot = snapshot = matcher.snapshot
        self.compiled = compiled
        self.docs = matches.docs
        records = snapshot.size
        counts = matches.literal_counts
        self.key_idf = {r.key: idf(records, counts.get(r.key, 0)) for r in compiled.ranked}
        together = compiled.together
        self.together_idf = (
            sum(self.key_idf.get(k, idf(records, 0)) for k in together) / len(together)
            if together
            else 0.0
        )
        self.close = [k.encode("utf-8") for k in together]
        self.sequence = "".join(together).encode("utf-8")
        # The paragraphs holding the terms as one sequence: a literal match, so a set
        # operation finds them (for the sequence bonus, and they are as close as can be).
        self.in_order = matcher.literal("".join(together)) if together else self.docs[:0]
        # (ceiling, scorer) of the parts computed only where they can still change the
        # page: each part's score is at most its ceiling; the cheaper part first.
        self.parts: list[tuple[float, Callable[[np.ndarray], np.ndarray]]] = []
        if self.key_idf:
            ceiling = sum(OCCURRENCE_BOOST * v * (K1 + 1) for v in self.key_idf.values())
            self.parts.append((ceiling, self.occurrences))
        if together and len(together) <= PROXIMITY_MAX_TERMS:
            self.parts.append((PROXIMITY_BOOST * self.together_idf, self.closeness))
        self.ceiling = sum(c for c, _ in self.parts)

    def base(self) -> np.ndarray:
        """BM25F of the ranked literals' words and the sequence bonus, for every match."""
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
                    lengths = snapshot.field_lengths(field)
                hit = ids[inside]
                freq = np.ones(len(hit)) if tf is None else tf[inside]
                word_idf = idf(snapshot.size, snapshot.doc_frequency(field, word))
                scores[at[inside]] += weight * bm25(word_idf, freq, lengths[hit], average)
        return scores

    def _keys(self, docs: np.ndarray) -> Iterator[tuple[bytes, float]]:
        """The match key (UTF-8) and the weight of each of ``docs`` (sorted)."""
        return zip(self.snapshot.match_keys(docs), self.snapshot.boosts[docs].tolist(), strict=True)

    def occurrences(self, docs: np.ndarray) -> np.ndarray:
        """BM25 of how often each literal occurs in the key (it ranks substrings that
        are no word), at a small weight."""
        keys = self.snapshot.match_keys(docs)
        boosts = self.snapshot.boosts[docs].astype(np.float64)
        lengths = np.fromiter(map(len, keys), dtype=np.float64, count=len(keys))
        average = self.snapshot.avg_key_bytes
        scores = np.zeros(len(docs))
        for literal, weight in self.key_idf.items():
            needle = literal.encode("utf-8")
            counts = np.fromiter((key.count(needle) for key in keys), np.float64, len(keys))
            scores += OCCURRENCE_BOOST * bm25(weight, counts * boosts, lengths, average)
        return scores

    def in_sequence(self, docs: np.ndarray) -> np.ndarray:
        """How often the query's terms occur as one exact sequence (saturated); counted
        only in the paragraphs known to hold it."""
        tfs = np.zeros(len(docs))
        holding = np.isin(docs, self.in_order, assume_unique=True)
        if holding.any():
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
            closeness[apart] = np.fromiter(
                (_closeness(key, self.close) for key, _ in self._keys(docs[apart])),
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

    def top(self, wanted: int | None) -> tuple[np.ndarray, np.ndarray]:
        """The positions in ``docs`` of the best ``wanted`` matches (all if None), best
        first, and their scores.

        A part is computed only for matches that can still reach the page: those whose
        score so far, plus the ceilings of the parts still to come, reaches the score
        of the page's last place among the best first candidates.
        """
        base = self.base()
        pool = np.arange(len(base))
        first_count = max(FIRST_CANDIDATES, wanted or 0)
        if wanted is None or first_count >= len(base):
            return self.ordered(pool, self.finals(pool, base), wanted)
        first = np.sort(np.argpartition(-base, first_count - 1)[:first_count])
        known = self.finals(first, base)
        bar = np.partition(known, first_count - wanted)[first_count - wanted]
        scores, remaining = base, self.ceiling
        for ceiling, part in self.parts:
            reachable = scores + remaining * (1 + 1e-9) >= bar
            pool, scores = pool[reachable], scores[reachable]
            scores = scores + part(self.docs[pool])
            remaining -= ceiling
        return self.ordered(pool, scores, wanted)

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
        for at in _occurrences(key, needle)
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


def _occurrences(key: bytes, needle: bytes) -> list[int]:
    found, at = [], key.find(needle)
    while at != -1:
        found.append(at)
        at = key.find(needle, at + 1)
    return found
