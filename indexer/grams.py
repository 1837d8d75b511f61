"""Each segment's characters and character pairs, with the records whose match key holds
them: computed at once when the segment is written, mapped by the query side.

A literal is found by the records holding its characters' pairs (a one-character literal
by the character), then checked against the match keys. As Whoosh fields, every distinct
pair was a term: a term-dictionary entry, a pickled posting block and Python work for
every paragraph that holds it. Real text has 90,000 distinct pairs in 2 MB, and they
cost a quarter of its build's CPU and a third of its index (20 of 61 MB for 3.8 MB of
reports). A segment's match keys lie back to back in its ``key`` column, so the process
that writes a segment computes every (gram, record) pair of it at once with numpy, and
writes them sorted to a file named as the segment's own (``MAIN_<id>.grams``, deleted
by Whoosh with the segment): grams as sorted codes (a pair is its two code points in one
64-bit number), where each gram's records end, and the records. Records are local
numbers, deleted ones included (as in Whoosh's postings). A segment without its file
(lost) is computed from its column at reading, and written at the next commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.reading import SegmentReader

from indexer import bulk, mapped

FIELD = "grams"  # the name the query side asks postings of: characters and pairs
EXTENSION = ".grams"
_MAGIC = b"PSGRAM01"
_EMPTY = np.zeros(0, dtype=np.uint32)
_LOW = np.uint64(0xFFFFFFFF)


@dataclass
class Table:
    """One gram length's sorted codes, where each one's records end, and the records."""

    codes: np.ndarray
    ends: np.ndarray
    docs: np.ndarray

    def postings(self, code: int) -> np.ndarray:
        """The records (sorted local numbers) holding the gram coded ``code``."""
        at = int(np.searchsorted(self.codes, code))
        if at == len(self.codes) or int(self.codes[at]) != code:
            return _EMPTY
        return self.docs[int(self.ends[at - 1]) if at else 0 : int(self.ends[at])]


@dataclass
class Grams:
    """A segment's characters (``chars``) and pairs (``pairs``)."""

    chars: Table
    pairs: Table

    def postings(self, gram: str) -> np.ndarray:
        """The records whose match key holds ``gram`` (one or two characters)."""
        if len(gram) == 1:
            return self.chars.postings(ord(gram))
        return self.pairs.postings(ord(gram[0]) << 32 | ord(gram[1]))


def compute(keys: bytes, ends: np.ndarray) -> Grams:
    """The grams of match keys lying back to back in ``keys`` (UTF-8), record ``i``'s
    ending at byte ``ends[i]``."""
    raw = np.frombuffer(keys, dtype=np.uint8)
    text = np.frombuffer(keys.decode("utf-8").encode("utf-32-le"), dtype=np.uint32)
    # How many characters start before each byte offset: a key's length in characters.
    before = np.concatenate(([0], np.cumsum((raw & 0xC0) != 0x80)))
    lengths = np.diff(before[np.asarray(ends, dtype=np.int64)], prepend=0)
    docs = np.repeat(np.arange(len(lengths), dtype=np.uint64), lengths)
    chars = _table(text.astype(np.uint64), docs)
    within = docs[1:] == docs[:-1]  # a pair never spans two records
    pairs = (text[:-1].astype(np.uint64) << np.uint64(32)) | text[1:]
    return Grams(chars, _table(pairs[within], docs[1:][within]))


def _table(codes: np.ndarray, docs: np.ndarray) -> Table:
    """Each distinct code of ``codes`` with the distinct records of ``docs`` it occurs in
    (both sorted): one sort of (code rank, record) numbers."""
    distinct, rank = np.unique(codes, return_inverse=True)
    pairs = (rank.astype(np.uint64) << np.uint64(32)) | docs
    del rank
    pairs.sort()
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    counts = np.bincount((pairs >> np.uint64(32)).astype(np.int64), minlength=len(distinct))
    ends = np.cumsum(counts)
    return Table(distinct, _narrow(ends), (pairs & _LOW).astype(np.uint32))


def _narrow(ends: np.ndarray) -> np.ndarray:
    return ends.astype(np.uint32) if not len(ends) or ends[-1] < 2**32 else ends


def from_column(reader: Any) -> Grams:
    """A segment's grams, computed from its ``key`` column."""
    column = bulk.BytesColumn(reader, "key")
    size = int(column.ends[-1]) if len(column.ends) else 0
    keys = bytes(column.buffer[column.base : column.base + size])
    return compute(keys, column.ends)


def file_name(segment: Any) -> str:
    return segment.make_filename(EXTENSION)


_PARTS = ("codes", "ends", "docs")


def write(reader: Any, storage: Any) -> None:
    """Write a segment's grams file in ``storage``, whole or not at all."""
    found = from_column(reader)
    parts: list[mapped.Part] = [
        (f"{length}_{part}", getattr(table, part))
        for length, table in (("chars", found.chars), ("pairs", found.pairs))
        for part in _PARTS
    ]
    name = file_name(reader.segment())
    mapped.write(storage.create_file, f"{name}.tmp", _MAGIC, parts)
    storage.rename_file(f"{name}.tmp", name)


def write_segment(storage: Any, schema: Any, segment: Any) -> None:
    """Write the grams file of a segment just written (by a worker, or a commit)."""
    if not segment.doc_count_all():
        return
    reader = SegmentReader(storage, schema, segment)
    try:
        write(reader, storage)
    finally:
        reader.close()


def write_missing(storage: Any, schema: Any, segments: list[Any]) -> None:
    """Write the grams file of each of ``segments`` that has none (the commit's own
    segment, merged ones, lost files): part of ``BulkWriter``'s ``before_commit``."""
    folder = Path(storage.folder)
    for segment in segments:
        if not (folder / file_name(segment)).exists():
            write_segment(storage, schema, segment)


def read(reader: Any) -> Grams:
    """A segment's grams, mapped; computed from its column if its file is gone."""
    try:
        found = mapped.Mapped(mapped.segment_path(reader, EXTENSION), _MAGIC)
    except FileNotFoundError:
        return from_column(reader)
    arrays = found.arrays
    tables = [
        Table(*(arrays[f"{length}_{part}"] for part in _PARTS)) for length in ("chars", "pairs")
    ]
    return Grams(*tables)


def verify(reader: Any) -> None:
    """ValueError unless the segment's grams file holds what its key column says."""
    found = mapped.Mapped(mapped.segment_path(reader, EXTENSION), _MAGIC)
    try:
        found.verify()
        expected = from_column(reader)
        for length, table in (("chars", expected.chars), ("pairs", expected.pairs)):
            for part in _PARTS:
                stored, want = found.arrays[f"{length}_{part}"], getattr(table, part)
                if stored.dtype != want.dtype or not np.array_equal(stored, want):
                    raise ValueError(f"{found.path.name}: its {length} {part} differ")
    finally:
        found.close()
