"""Each segment's report and region columns as integer codes, and the other values per
record the query path reads, written once when the segment is committed and
memory-mapped by every process that opens it.

Facets count hits by report and region, and the query path needs each record's code for
both. Coded from the columns at every opening, that was a pass over every record (0.15 s
of a cold query at 200 MB, five times that at 1 GB); a segment never changes once
written, so the writer codes it once, into a file named as the segment's own
(``MAIN_<id>.codes``), which Whoosh deletes with the segment. The same held for the
snapshot's other per-record arrays (``RECORDS``: which records are paragraphs, years,
weights, shapes, copies' hashes, lead lengths), decoded from Whoosh's pickled posting
blocks and big-endian columns at every opening (0.15 s at 1 GB): they are in the file
too, as the snapshot uses them, and so is where each record's match key ends in the key
column (``key_ends``: summed from the column's lengths at every opening, 3.5 M of them
at 1 GB, they cost another 0.1 s). A segment without a file of this version (lost, or
written before) is read from its columns, as the writer does, and given one at the next
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer import bulk, mapped
from indexer.arrays import narrow
from indexer.schema import (
    BOOST_TYPECODE,
    LEAD_TYPECODE,
    PARAGRAPH,
    SAME_TYPECODE,
    SHAPE_TYPECODE,
)

CODED = ("doc", "region")  # the string columns facets count
EXTENSION = ".codes"
_MAGIC = b"PSCODE03"  # 02: with RECORDS; 03: with key_ends
_BEFORE = (b"PSCODE01", b"PSCODE02")  # read from the columns, rewritten at a commit

Coded = tuple[np.ndarray, list[str]]  # each record's code, each code's value ("" is 0)


@dataclass
class SegmentCodes:
    """What a segment's codes file offers a snapshot."""

    coded: dict[str, Coded]  # by name of ``CODED``
    records: dict[str, np.ndarray]  # by name of ``RECORDS``
    paragraph_key_bytes: int  # the length of its paragraphs' match keys, summed

    @classmethod
    def from_columns(cls, reader: Any) -> SegmentCodes:
        records = {name: compute(reader) for name, compute in RECORDS.items()}
        coded = {name: _from_columns(reader, name) for name in CODED}
        return cls(coded, records, _key_bytes(records))


def _key_bytes(records: dict[str, np.ndarray]) -> int:
    ends = records["key_ends"].astype(np.int64)
    lengths = np.diff(ends, prepend=0)
    return int(lengths[records["paragraphs"]].sum())


def _paragraphs(reader: Any) -> np.ndarray:
    mask = np.zeros(reader.doc_count_all(), dtype=bool)
    mask[bulk.postings(reader, "kind", PARAGRAPH)[0]] = True
    return mask


# Each per-record array of the snapshot, computed from a segment's columns.
RECORDS: dict[str, Callable[[Any], np.ndarray]] = {
    "paragraphs": _paragraphs,
    "years": lambda r: bulk.int_column(r, "year", r.schema["year"]),
    "boosts": lambda r: bulk.numeric_column(r, "boost", BOOST_TYPECODE, 1.0),
    "shapes": lambda r: bulk.numeric_column(r, "shape", SHAPE_TYPECODE, 0),
    "same": lambda r: bulk.numeric_column(r, "same", SAME_TYPECODE, 0),
    "leads": lambda r: bulk.numeric_column(r, "lead", LEAD_TYPECODE, 0),
    "key_ends": lambda r: narrow(bulk.value_ends(r, "key")),
}


def file_name(segment: Any) -> str:
    return segment.make_filename(EXTENSION)


def _path(reader: Any) -> Path:
    return mapped.segment_path(reader, EXTENSION)


def write(reader: Any, storage: Any) -> None:
    """Code a segment's columns into its codes file in ``storage``, whole or not at all
    (a reader may map the file it replaces)."""
    found = SegmentCodes.from_columns(reader)
    parts: list[mapped.Part] = [(name, found.coded[name][0]) for name in CODED]
    parts += list(found.records.items())
    values = {name: found.coded[name][1] for name in CODED}
    name = file_name(reader.segment())
    header = {"values": values, "paragraph_key_bytes": found.paragraph_key_bytes}
    mapped.write(storage.create_file, f"{name}.tmp", _MAGIC, parts, **header)
    storage.rename_file(f"{name}.tmp", name)


def read(reader: Any) -> SegmentCodes:
    """A segment's codes for each of ``CODED`` and its arrays of ``RECORDS``, in place
    (from its columns where it has no codes file of this version)."""
    try:
        found = mapped.Mapped(_path(reader), _MAGIC)
    except (FileNotFoundError, ValueError):
        return SegmentCodes.from_columns(reader)
    coded = {name: (found.arrays[name], found.header["values"][name]) for name in CODED}
    records = {name: found.arrays[name] for name in RECORDS}
    return SegmentCodes(coded, records, found.header["paragraph_key_bytes"])


def verify(reader: Any) -> None:
    """ValueError unless the segment's codes file holds what its columns say (a file of
    an earlier version holds less: no damage, only not yet rewritten)."""
    path = _path(reader)
    version = mapped.magic(path)
    current = version not in _BEFORE
    found = mapped.Mapped(path, _MAGIC if current else version)
    try:
        found.verify()
        want = SegmentCodes.from_columns(reader)
        for name in CODED:
            codes, values = want.coded[name]
            stored = found.arrays[name]
            if found.header["values"][name] != values or not np.array_equal(stored, codes):
                raise ValueError(f"{found.path.name}: the {name} codes differ from the column")
        for name, array in want.records.items():
            stored = found.arrays.get(name)
            if stored is None and not current:  # not written by that version
                continue
            if stored is None or stored.dtype != array.dtype or not np.array_equal(stored, array):
                raise ValueError(f"{found.path.name}: its {name} differ from the columns")
        if current and found.header.get("paragraph_key_bytes") != want.paragraph_key_bytes:
            raise ValueError(f"{found.path.name}: its paragraphs' key bytes differ")
    finally:
        found.close()


def _from_columns(reader: Any, name: str) -> Coded:
    values: dict[bytes, int] = {b"": 0}
    column = bulk.BytesColumn(reader, name)
    codes = run_codes(column.buffer, *column.bounds(np.arange(column.size)), values)
    return codes, [v.decode("utf-8") for v in values]


def run_codes(
    buffer: Any, starts: np.ndarray, ends: np.ndarray, names: dict[bytes, int]
) -> np.ndarray:
    """Each record's code for its value in a column (``buffer[starts[i]:ends[i]]``;
    ``names`` gives each value its code, new values the next one), coded run by run: a
    report's records are consecutive and hold the same value, so a run is found by
    comparing a stretch of the column's bytes (values lie back to back) with the value
    repeated — not by reading each of hundreds of thousands of records in Python."""
    size = len(starts)
    codes = np.zeros(size, dtype=np.int32)
    # Where each stretch of equal-length values ends: a run never crosses one.
    lengths = ends - starts
    breaks = np.append(np.flatnonzero(np.diff(lengths)) + 1, size)
    stretch_ends = np.repeat(breaks, np.diff(np.concatenate(([0], breaks))))
    at = 0
    while at < size:
        start = int(starts[at])
        value = bytes(buffer[start : int(ends[at])])
        run = _run_length(buffer, start, value, int(stretch_ends[at]) - at)
        codes[at : at + run] = names.setdefault(value, len(names))
        at += run
    return codes


def _run_length(buffer: Any, start: int, value: bytes, limit: int) -> int:
    """How many values from ``start`` on (at most ``limit``, all of ``value``'s length)
    equal ``value``: doubling, then halving the count tried.

    >>> _run_length(b"abababcd", 0, b"ab", 4), _run_length(b"aaa", 0, b"", 3)
    (3, 3)
    """
    if not value:
        return limit
    width = len(value)

    def same(count: int) -> bool:
        return count <= limit and buffer[start : start + width * count] == value * count

    run = 1
    while same(run * 2):
        run *= 2
    step = run // 2
    while step:
        if same(run + step):
            run += step
        step //= 2
    return run


def write_missing(storage: Any, schema: Any, segments: list[Any]) -> None:
    """Code each of ``segments`` that has no codes file of this version yet (the ones a
    commit adds, new and merged, and those written before): part of ``BulkWriter``'s
    ``before_commit``."""
    mapped.write_missing(storage, schema, segments, EXTENSION, _MAGIC, write)
