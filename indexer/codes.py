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
too, as the snapshot uses them. A segment without a file of this version (lost, or
written before) is read from its columns, as the writer does, and given one at the next
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.reading import SegmentReader

from indexer import bulk, mapped
from indexer.schema import (
    BOOST_TYPECODE,
    LEAD_TYPECODE,
    PARAGRAPH,
    SAME_TYPECODE,
    SHAPE_TYPECODE,
)

CODED = ("doc", "region")  # the string columns facets count
EXTENSION = ".codes"
_MAGIC = b"PSCODE02"  # 02: with RECORDS
_BEFORE = b"PSCODE01"  # the codes alone: read from the columns, rewritten at a commit

Coded = tuple[np.ndarray, list[str]]  # each record's code, each code's value ("" is 0)


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
}


def file_name(segment: Any) -> str:
    return segment.make_filename(EXTENSION)


def _path(reader: Any) -> Path:
    return mapped.segment_path(reader, EXTENSION)


def write(reader: Any, storage: Any) -> None:
    """Code a segment's columns into its codes file in ``storage``, whole or not at all
    (a reader may map the file it replaces)."""
    parts: list[mapped.Part] = []
    values = {}
    for name in CODED:
        codes, values[name] = _from_columns(reader, name)
        parts.append((name, codes))
    parts += [(name, compute(reader)) for name, compute in RECORDS.items()]
    name = file_name(reader.segment())
    mapped.write(storage.create_file, f"{name}.tmp", _MAGIC, parts, values=values)
    storage.rename_file(f"{name}.tmp", name)


def read(reader: Any) -> tuple[dict[str, Coded], dict[str, np.ndarray]]:
    """A segment's codes for each of ``CODED`` and its arrays of ``RECORDS``, in place
    (from its columns where it has no codes file of this version)."""
    try:
        found = mapped.Mapped(_path(reader), _MAGIC)
    except (FileNotFoundError, ValueError):
        coded = {name: _from_columns(reader, name) for name in CODED}
        return coded, {name: compute(reader) for name, compute in RECORDS.items()}
    coded = {name: (found.arrays[name], found.header["values"][name]) for name in CODED}
    return coded, {name: found.arrays[name] for name in RECORDS}


def verify(reader: Any) -> None:
    """ValueError unless the segment's codes file holds what its columns say (a file of
    the version before holds the codes alone: no damage, only not yet rewritten)."""
    path = _path(reader)
    before = _version(path) == _BEFORE
    found = mapped.Mapped(path, _BEFORE if before else _MAGIC)
    try:
        found.verify()
        for name in CODED:
            codes, values = _from_columns(reader, name)
            stored = found.arrays[name]
            if found.header["values"][name] != values or not np.array_equal(stored, codes):
                raise ValueError(f"{found.path.name}: the {name} codes differ from the column")
        for name, compute in () if before else RECORDS.items():
            want, stored = compute(reader), found.arrays[name]
            if stored.dtype != want.dtype or not np.array_equal(stored, want):
                raise ValueError(f"{found.path.name}: its {name} differ from the columns")
    finally:
        found.close()


def _from_columns(reader: Any, name: str) -> Coded:
    values: dict[bytes, int] = {b"": 0}
    codes = run_codes(bulk.BytesColumn(reader, name), values)
    return codes, [v.decode("utf-8") for v in values]


def run_codes(column: bulk.BytesColumn, names: dict[bytes, int]) -> np.ndarray:
    """Each record's code for its value in ``column`` (``names`` gives each value its
    code, new values the next one), coded run by run: a report's records are consecutive
    and hold the same value, so a run is found by comparing a stretch of the column's
    bytes (values lie back to back) with the value repeated — not by reading each of
    hundreds of thousands of records in Python."""
    starts, ends, buffer = column.starts, column.ends, column.buffer
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
    commit adds, new and merged, and those written before): ``BulkWriter``'s
    ``before_commit``."""
    for segment in segments:
        if segment.doc_count_all() and not _current(storage, file_name(segment)):
            reader = SegmentReader(storage, schema, segment)
            try:
                write(reader, storage)
            finally:
                reader.close()


def _current(storage: Any, name: str) -> bool:
    try:
        return _version(Path(storage.folder) / name) == _MAGIC
    except FileNotFoundError:
        return False


def _version(path: Path) -> bytes:
    """A codes file's magic: which version wrote it."""
    with open(path, "rb") as f:
        return f.read(len(_MAGIC))
