"""One value per record of a commit, kept as each segment's own array, in place.

A snapshot's per-record values (which records are paragraphs, years, weights, report
codes…) lie in each segment's codes file, memory-mapped. Joined into one array per
value at every opening, they cost a cold query at 1 GB 0.3 s and 40,000 page faults:
each join writes fresh memory the size of the corpus's records, while a query reads
the values of its matches only. So a query gathers what it needs, segment by segment,
from the mapped arrays (``values[docs]``); the few readers of every record (all
paragraphs, the list of years) ask for ``whole()``, joined once on first use. A process
that keeps asking (a server) joins an array once it has gathered from it
``GATHERS_BEFORE_JOIN`` times, and then indexes it: warm queries on a 3-segment index
took 16% longer gathering segment by segment every time, 7% once joined.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

GATHERS_BEFORE_JOIN = 64  # a query gathers from an array a few times; a server, thousands


class Segmented:
    """Per-record values of a commit, as each segment's array (``parts``) and where the
    segment's records start in the commit's numbering (``offsets``). ``tables``: per
    segment, what its values stand for (a segment's own report codes renumbered into
    the commit's numbering), else the values themselves."""

    def __init__(
        self,
        parts: list[np.ndarray],
        offsets: np.ndarray,
        tables: list[np.ndarray] | None = None,
    ) -> None:
        self.parts = parts
        self.offsets = offsets
        self.tables = tables
        self.size = int(offsets[-1]) + len(parts[-1]) if parts else 0
        kinds = tables if tables is not None else parts
        self.dtype = np.result_type(*kinds) if kinds else np.dtype(np.int64)
        self._whole: np.ndarray | None = None
        self._gathers = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, docs: np.ndarray | int) -> np.ndarray | Any:
        """The values of records ``docs`` (global numbers: an integer array, in order,
        or one number)."""
        docs = np.asarray(docs)
        if docs.dtype == bool:  # numpy would read a mask as the numbers 0 and 1
            raise TypeError("give record numbers, not a mask (np.flatnonzero of it)")
        whole = self._whole
        if whole is None:
            self._gathers += 1  # a count: a race between threads only joins a little later
            if self._gathers > GATHERS_BEFORE_JOIN:
                whole = self.whole()
        if whole is not None:  # a server's queries: as quick as indexing one array
            return whole[docs]
        if docs.ndim == 0:
            return self[docs.reshape(1)][0]
        docs = docs.astype(np.int64, copy=False)
        out = np.empty(len(docs), dtype=self.dtype)
        for segment, where, local in places(self.offsets, docs):
            values = self.parts[segment][local]
            out[where] = values if self.tables is None else self.tables[segment][values]
        return out

    def whole(self) -> np.ndarray:
        """Every record's value, as one array (joined on first use, then kept)."""
        with self._lock:
            if self._whole is None:
                parts = (
                    self.parts
                    if self.tables is None
                    else [t[p] for t, p in zip(self.tables, self.parts, strict=True)]
                )
                joined = np.concatenate(parts) if parts else np.zeros(0, dtype=self.dtype)
                self._whole = joined.astype(self.dtype, copy=False)
            return self._whole


def places(
    offsets: np.ndarray, docs: np.ndarray
) -> Iterator[tuple[int, slice | np.ndarray, np.ndarray]]:
    """Per segment (starting at ``offsets``) holding some of ``docs``: the segment, where
    those docs are in ``docs`` and their numbers in the segment. Sorted docs (most are:
    posting lists are) are cut into runs by binary search; others grouped by segment."""
    if not len(docs):
        return
    if len(docs) == 1 or bool((docs[1:] >= docs[:-1]).all()):
        start = 0
        for segment, end in enumerate([*np.searchsorted(docs, offsets[1:]).tolist(), len(docs)]):
            if end > start:
                yield segment, slice(start, end), docs[start:end] - offsets[segment]
            start = end
        return
    segments = np.searchsorted(offsets, docs, side="right") - 1
    for segment in np.unique(segments).tolist():
        where = np.flatnonzero(segments == segment)
        yield segment, where, docs[where] - offsets[segment]
