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
64-bit number), where each gram's records end, and the records, as gaps (``Table``).
Records are local numbers, deleted ones included (as in Whoosh's postings). A segment
without its file (lost, or of an earlier version) is computed from its column at
reading, and written at the next commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer import bulk, mapped
from indexer.arrays import narrow

FIELD = "grams"  # the name the query side asks postings of: characters and pairs
EXTENSION = ".grams"
_MAGIC = b"PSGRAM03"  # 01: records as 32-bit numbers; 02: as gaps; 03: with samples
_EMPTY = np.zeros(0, dtype=np.uint32)


@dataclass
class Table:
    """One gram length's sorted codes, where each one's records end, and the records as
    gaps: each record's distance from the one before it (the first's from 0) in a byte
    (``gaps``), the gaps of 256 and more where they are (``wide_at``) and what they are
    (``wide``), and how many wide gaps the lists up to each code's hold (``wide_ends``).
    At 1 GB 90% of the gaps fit a byte: 1.2 bytes a record instead of 4, the index 3.0×
    the text instead of 4.2×; a list decodes with one cumulative sum.

    A cold process pays a page fault for every page it touches (4–80 µs here): a binary
    search over 300,000 codes touched 18 pages, and 18 segments' searches for the pairs
    of a literal cost a cold query 0.2 s. So a code is found in ``sample`` (every
    ``SAMPLE``-th code: a page or two) and then in one page of ``codes``, and a list's
    wide gaps are counted by ``wide_ends``, beside its end: five pages a lookup."""

    codes: np.ndarray
    sample: np.ndarray
    ends: np.ndarray
    gaps: np.ndarray
    wide_at: np.ndarray
    wide: np.ndarray
    wide_ends: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray, ends: np.ndarray, docs: np.ndarray) -> Table:
        """The table of each code's sorted records ``docs[ends[i-1]:ends[i]]``."""
        gaps = docs.copy()
        gaps[1:] -= docs[:-1]  # wraps between two codes' lists: set right below
        firsts = np.concatenate(([0], ends[:-1])).astype(np.int64) if len(ends) else _EMPTY
        gaps[firsts] = docs[firsts]
        wide_at = np.flatnonzero(gaps > 255)
        wide_ends = np.searchsorted(wide_at, ends.astype(np.int64))
        return cls(
            codes,
            codes[::SAMPLE].copy(),
            ends,
            gaps.astype(np.uint8),
            narrow(wide_at),
            gaps[wide_at],
            narrow(wide_ends),
        )

    def postings(self, code: int) -> np.ndarray:
        """The records (sorted local numbers) holding the gram coded ``code``."""
        at = self._find(code)
        return _EMPTY if at is None else self.records(at)

    def count(self, code: int) -> int:
        """How many records hold the gram coded ``code`` (none decoded)."""
        at = self._find(code)
        return 0 if at is None else int(self.ends[at]) - (int(self.ends[at - 1]) if at else 0)

    def _find(self, code: int) -> int | None:
        block = int(np.searchsorted(self.sample, code, side="right")) - 1
        if block < 0:
            return None
        first = block * SAMPLE
        at = first + int(np.searchsorted(self.codes[first : first + SAMPLE], code))
        return at if at < len(self.codes) and int(self.codes[at]) == code else None

    def records(self, at: int) -> np.ndarray:
        """The records of the ``at``-th code."""
        start, end = int(self.ends[at - 1]) if at else 0, int(self.ends[at])
        gaps = self.gaps[start:end].astype(np.int64)
        lo, hi = int(self.wide_ends[at - 1]) if at else 0, int(self.wide_ends[at])
        gaps[self.wide_at[lo:hi].astype(np.int64) - start] = self.wide[lo:hi]
        return np.cumsum(gaps).astype(np.uint32)


SAMPLE = 512  # codes a page of ``Table.codes`` holds


@dataclass
class Grams:
    """A segment's characters (``chars``) and pairs (``pairs``)."""

    chars: Table
    pairs: Table

    def postings(self, gram: str) -> np.ndarray:
        """The records whose match key holds ``gram`` (one or two characters)."""
        table, code = self._coded(gram)
        return table.postings(code)

    def count(self, gram: str) -> int:
        """How many records hold ``gram``."""
        table, code = self._coded(gram)
        return table.count(code)

    def _coded(self, gram: str) -> tuple[Table, int]:
        if len(gram) == 1:
            return self.chars, ord(gram)
        return self.pairs, ord(gram[0]) << 32 | ord(gram[1])


def compute(keys: bytes, ends: np.ndarray) -> Grams:
    """The grams of match keys lying back to back in ``keys`` (UTF-8), record ``i``'s
    ending at byte ``ends[i]``. Each (gram, record) pair is one 64-bit number, sorted in
    place: about 30 bytes a character at the peak (a writer's 64 MB segment of text:
    some 600 MB for a second)."""
    text = np.frombuffer(keys.decode("utf-8").encode("utf-32-le"), dtype=np.uint32)
    docs = np.repeat(np.arange(len(ends), dtype=np.uint32), _char_lengths(keys, ends))
    pairs = text.astype(np.uint64) << np.uint64(32)
    pairs |= docs
    chars = _table(pairs)
    del pairs
    if not len(chars.codes):
        return Grams(chars, chars)
    within = docs[1:] == docs[:-1]  # a pair never spans two records
    count = len(chars.codes)
    named: Callable[[np.ndarray], np.ndarray]  # a pair's code from its rank
    if count <= DENSE_CHARS:  # the pair of two characters' ranks fits 32 bits
        dense = np.zeros(int(chars.codes[-1]) + 1, dtype=np.uint32)
        dense[chars.codes] = np.arange(count, dtype=np.uint32)
        ranks = dense[text]
        del dense
        ranked = ranks[:-1].astype(np.uint64)
        ranked *= np.uint64(count)
        ranked += ranks[1:]
        del ranks

        def named(ranks: np.ndarray) -> np.ndarray:
            firsts, seconds = np.divmod(ranks, np.uint64(count))
            return (chars.codes[firsts] << np.uint64(32)) | chars.codes[seconds]

    else:  # rank the pairs themselves: slower, more memory
        codes = (text[:-1].astype(np.uint64) << np.uint64(32)) | text[1:]
        distinct, inverse = np.unique(codes[within], return_inverse=True)
        ranked = np.zeros(len(codes), dtype=np.uint64)
        ranked[within] = inverse
        del codes, inverse
        named = distinct.__getitem__
    ranked <<= np.uint64(32)
    ranked |= docs[1:]
    del text, docs
    ranked = ranked[within]
    del within
    return Grams(chars, _table(ranked, named))


DENSE_CHARS = 1 << 16  # distinct characters of a segment whose pairs are ranked directly


def _char_lengths(keys: bytes, ends: np.ndarray) -> np.ndarray:
    """Each record's key length in characters: the bytes that do not continue a
    UTF-8 character, summed record by record (records without a key have none)."""
    ends = np.asarray(ends, dtype=np.int64)
    starts = np.concatenate(([0], ends[:-1]))
    lengths = np.zeros(len(ends), dtype=np.int64)
    filled = np.flatnonzero(ends > starts)
    if len(filled):
        first = (np.frombuffer(keys, dtype=np.uint8) & 0xC0) != 0x80
        lengths[filled] = np.add.reduceat(first, starts[filled], dtype=np.int64)
    return lengths


def _table(
    pairs: np.ndarray, named: Callable[[np.ndarray], np.ndarray] = lambda codes: codes
) -> Table:
    """The distinct (code, record) numbers of ``pairs`` (sorted in place) as a table:
    each distinct code (the high 32 bits, as ``named`` names them), where its records
    end, and the records."""
    pairs.sort()
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    halves = pairs.view(np.uint32)  # each number's low and high half, in place
    low, high = (halves[0::2], halves[1::2]) if np.little_endian else (halves[1::2], halves[0::2])
    change = np.flatnonzero(high[1:] != high[:-1]) + 1
    codes = high[np.concatenate(([0], change))] if len(high) else _EMPTY
    ends = np.append(change, len(pairs))[: len(codes)]
    return Table.of(named(codes.astype(np.uint64)), narrow(ends), np.ascontiguousarray(low))


def from_column(reader: Any) -> Grams:
    """A segment's grams, computed from its ``key`` column."""
    column = bulk.BytesColumn(reader, "key")
    size = int(column.ends[-1]) if len(column.ends) else 0
    keys = bytes(column.buffer[column.base : column.base + size])
    return compute(keys, column.ends)


def file_name(segment: Any) -> str:
    return segment.make_filename(EXTENSION)


_PARTS = ("codes", "sample", "ends", "gaps", "wide_at", "wide", "wide_ends")


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


def write_missing(storage: Any, schema: Any, segments: list[Any]) -> None:
    """Write the grams file of each of ``segments`` that has none of this version (a
    worker's just written, the commit's own segment, merged ones, lost files): part of
    ``BulkWriter``'s ``before_commit``."""
    mapped.write_missing(storage, schema, segments, EXTENSION, _MAGIC, write)


def read(reader: Any) -> Grams:
    """A segment's grams, mapped; computed from its column if its file is gone (or of
    another version)."""
    try:
        found = mapped.Mapped(mapped.segment_path(reader, EXTENSION), _MAGIC)
    except (FileNotFoundError, ValueError):
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
