"""What a result shows of a ranking: paragraphs by shape, each text once, headings apart.

Content ranks before fragments (``ranking``'s shapes); a heading is navigation, shown as a
section of the result, not as a hit; of the paragraphs with one text (a report printed
twice, a paragraph two reports share) the best-ranked is the hit and names the others,
its copies. Related paragraphs (``matching.Matcher.related``) are hits like the matches,
marked as not holding the query as written. A query with fewer hits than a page has the
page filled with the best paragraphs that hold some of its words
(``matching.Matcher.some_words``), after every other hit, marked too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from indexer.ranking import CONTENT, FRAGMENT, HEADING, Ranker
from indexer.results import Hit, paragraph_hit
from indexer.snapshot import Snapshot

HIT_CHUNK = 1024  # hits whose match keys are read at once (a page is one chunk)
FILL = 10  # fewer hits than this (a first page): filled with paragraphs of some words
_NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Arrangement:
    """The ranked paragraphs of one query, by position in ``docs``."""

    docs: np.ndarray  # matches and related paragraphs, sorted document numbers
    exact: np.ndarray  # whether each holds the query as written
    filler: np.ndarray  # whether each holds only some of the query's words
    same: np.ndarray  # each one's text hash
    shared: np.ndarray  # whether another match has its text
    listed: np.ndarray  # the positions a hit may stand for: all but headings
    tiers: list[np.ndarray]  # the hits, each text once: content, fragments, fillers
    headings: np.ndarray

    @property
    def hits_total(self) -> int:
        return sum(map(len, self.tiers))

    @property
    def fillers(self) -> int:
        """Hits that hold only some of the query's words."""
        return len(self.tiers[2]) if len(self.tiers) > 2 else 0


def arrange(ranker: Ranker, related: np.ndarray, some: np.ndarray = _NONE) -> Arrangement:
    """The ranker's paragraphs in tiers of shape, each text once, and the headings; of
    ``some`` (paragraphs of some of the query's words, in the ranker's docs), the best
    that fill the hits up to ``FILL``."""
    snapshot, docs = ranker.snapshot, ranker.docs
    shapes, same = snapshot.shapes[docs], snapshot.same[docs]
    # Copies of a matching text match too (the same match key): whether a text is
    # shared is decided among the matches, not by sorting the corpus's 1.5 M hashes.
    _, inverse, counts = np.unique(same, return_inverse=True, return_counts=True)
    shared = counts[inverse] > 1
    exact = np.ones(len(docs), dtype=bool)
    exact[np.searchsorted(docs, related)] = False
    filler = np.zeros(len(docs), dtype=bool)
    filler[np.searchsorted(docs, some)] = True
    exact &= ~filler
    listed = [np.flatnonzero((shapes == shape) & ~filler) for shape in (CONTENT, FRAGMENT)]
    tiers = [ranker.once(tier, same, shared) for tier in listed]
    room = FILL - sum(map(len, tiers))
    if room > 0 and len(some):
        pool = ranker.once(np.flatnonzero(filler & (shapes != HEADING)), same, shared)
        tiers.append(np.sort(ranker.by_base(pool, room)[0]))
    return Arrangement(
        docs,
        exact,
        filler,
        same,
        shared,
        np.concatenate(listed),
        tiers,
        np.flatnonzero(shapes == HEADING),
    )


class HitReader:
    """Ranked positions as hits: stored fields, highlights, copies, exactness."""

    def __init__(
        self, snapshot: Snapshot, labels: Mapping[str, str], reports: Mapping[str, dict[str, Any]]
    ) -> None:
        self.snapshot = snapshot
        self.labels = labels  # each report's label
        self.reports = reports  # each report's metadata, for where a copy is

    def hits(
        self,
        found: Arrangement,
        positions: np.ndarray,
        scores: np.ndarray,
        literals: tuple[str, ...],
        loose: tuple[str, ...] = (),
        copies: bool = True,
    ) -> Iterator[Hit]:
        """``positions`` as hits, read ``HIT_CHUNK`` at a time with their match keys from
        the mapped column (highlighting then folds no stored text); each names its
        copies (unless not ``copies``); a related paragraph marks the parts it holds
        (``loose``)."""
        snapshot, docs = self.snapshot, found.docs
        stored = snapshot.stored_fields
        for at in range(0, len(positions), HIT_CHUNK):
            chunk = positions[at : at + HIT_CHUNK]
            keys = snapshot.match_keys_of(docs[chunk])
            others = self._copies(found, chunk) if copies else {}
            for position, score in zip(
                chunk.tolist(), scores[at : at + HIT_CHUNK].tolist(), strict=True
            ):
                doc = int(docs[position])
                exact = bool(found.exact[position])
                marked = literals if exact else loose
                hit = paragraph_hit(stored(doc, keys[doc]), score, marked, keys[doc], self.labels)
                where = tuple(self._where(int(docs[p])) for p in others.get(position, ()))
                if where or not exact:
                    some = bool(found.filler[position])
                    hit = replace(hit, exact=exact, some_words=some, copies=where)
                yield hit

    def _where(self, doc: int) -> dict[str, Any]:
        """Where a copy of a hit's text is: its report and paragraph (from per-commit
        arrays: a paragraph a hundred reports print reads no stored record)."""
        snapshot = self.snapshot
        report = snapshot.doc_names[snapshot.doc_codes[doc]]
        return {**self.reports[report], "paragraph": int(snapshot.numbers()[doc])}

    def _copies(self, found: Arrangement, shown: np.ndarray) -> dict[int, list[int]]:
        """For each of the ``shown`` positions whose text other listed positions share:
        those positions, the newer report first."""
        if not found.shared[shown].any():  # nothing printed twice: the usual case
            return {}
        docs, same, listed = found.docs, found.same, found.listed
        candidates = listed[found.shared[listed]]
        candidates = candidates[np.isin(same[candidates], same[shown])]
        by_text: dict[int, list[int]] = {}
        order = np.lexsort((docs[candidates], -self.snapshot.years[docs[candidates]]))
        for position in candidates[order].tolist():
            by_text.setdefault(int(same[position]), []).append(position)
        return {
            p: [c for c in by_text[int(same[p])] if c != p]
            for p in shown.tolist()
            if len(by_text.get(int(same[p]), ())) > 1
        }
