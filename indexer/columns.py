"""Sortable-field values by global document number, across segments.

Whoosh's multi-segment column reader leaves out segments that have no such column
(one that holds only the lexicon and dictionary records, say), which shifts every
later document number; reading segment by segment keeps them aligned.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from whoosh.searching import Searcher


class AlignedColumn:
    """``column[docnum]``: the field's value, ``None`` where a segment lacks the column."""

    def __init__(self, searcher: Searcher, name: str) -> None:
        self._starts: list[int] = []
        self._sizes: list[int] = []
        self._readers: list[Any] = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            self._starts.append(offset)
            self._sizes.append(reader.doc_count_all())
            has = reader.has_column(name)
            self._readers.append(reader.column_reader(name, translate=True) if has else None)

    def __getitem__(self, docnum: int) -> Any:
        i = bisect_right(self._starts, docnum) - 1
        reader = self._readers[i]
        return None if reader is None else reader[docnum - self._starts[i]]

    def values(self) -> list[Any]:
        """Every document's value, in document order: for counting many documents."""
        values: list[Any] = []
        for reader, size in zip(self._readers, self._sizes, strict=True):
            values.extend(reader if reader is not None else [None] * size)
        return values
