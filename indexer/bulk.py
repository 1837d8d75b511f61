"""Whole posting lists and columns of a Whoosh 2.7.4 segment as numpy arrays.

Whoosh hands out postings one at a time through ``matcher.id()/next()`` (a microsecond or
more each, in Python); the query path needs whole lists, to intersect and score them in
numpy. This module reads them in bulk, block by block, straight from the segment files,
and is the only place in the query path that uses Whoosh's private names
(``tests/indexer/test_bulk.py`` guards it: it fails loudly if Whoosh is not 2.7.4, or
if a bulk read disagrees with Whoosh's own matcher or column reader).

The codec (``whoosh/codec/whoosh3.py``): a posting list starts with the magic
``W3Bl``, then blocks of ``int32 length`` (negative for the last block), a pickled info
tuple, and ``zlib(pickle((ids, weights, values)))``; ids are delta-coded within a block
(the first absolute), weights are ``None`` (all 1.0), one float, or one per posting. A
fixed-size column is a packed big-endian array; a variable-bytes column is the values
back to back, then their lengths (and offsets, for large columns) as arrays.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from typing import Any

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.columns import VarBytesColumn
from whoosh.util.numeric import _length_byte_cache

WHOOSH_VERSION = (2, 7, 4)
if whoosh.__version__ != WHOOSH_VERSION:  # the block and column layouts below are 2.7.4's
    raise ImportError(
        f"policy-search reads Whoosh 2.7.4 segments; found Whoosh {whoosh.versionstring()}"
    )

_INT = struct.Struct("!i")
# Whoosh stores a field's length per document as one byte on a log scale.
BYTE_TO_LENGTH = np.asarray(_length_byte_cache, dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)


def postings(reader: Any, field: str, text: str) -> tuple[np.ndarray, np.ndarray | None]:
    """A term's document numbers in one segment (sorted, deleted ones included) and
    their weights (``None`` when every weight is 1.0)."""
    btext = text.encode("utf-8")
    if (field, btext) not in reader._terms:
        return _EMPTY_IDS, None
    info = reader._terms.term_info(field, btext)
    if info.is_inlined():
        ids, weights, _ = info.inlined_postings()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps unpack_int's tuple
        (length,) = length
    data = reader._terms._postfile.get(offset, length)
    return _read_blocks(memoryview(data))


def _read_blocks(data: memoryview) -> tuple[np.ndarray, np.ndarray | None]:
    if bytes(data[:4]) != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a Whoosh 3 posting list")
    ids: list[np.ndarray] = []
    weights: list[Any] = []
    any_weight = False
    pos, last = 4, False
    while not last:
        (size,) = _INT.unpack_from(data, pos)
        last, size = size < 0, abs(size)
        block = io.BytesIO(data[pos + 4 : pos + 4 + size])
        count, _maxid, _maxweight, compression, *_ = pickle.load(block)
        raw = block.read()
        block_ids, block_weights, _values = pickle.loads(
            zlib.decompress(raw) if compression else raw
        )
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))
        if block_weights is None:
            weights.append(count)
        else:
            any_weight = True
            weights.append(
                np.full(count, block_weights, dtype=np.float32)
                if isinstance(block_weights, float)
                else np.asarray(block_weights, dtype=np.float32)
            )
        pos += 4 + size
    all_ids = np.concatenate(ids) if len(ids) > 1 else ids[0]
    if not any_weight:
        return all_ids, None
    parts = [w if isinstance(w, np.ndarray) else np.ones(w, dtype=np.float32) for w in weights]
    return all_ids, np.concatenate(parts)


def deleted(reader: Any) -> np.ndarray:
    """The segment's deleted document numbers."""
    if not reader.has_deletions():
        return _EMPTY_IDS
    return np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64)


def _column_file(reader: Any, name: str) -> tuple[Any, int, int] | None:
    """The file holding a column, the column's offset in it and its length."""
    perdoc = reader._perdoc
    if not perdoc.has_column(name):
        return None
    if name not in perdoc._colfiles:
        perdoc._colfiles[name] = perdoc._get_column_file(name)
    return perdoc._colfiles[name]


def numeric_column(reader: Any, name: str, typecode: str, default: float) -> np.ndarray:
    """A fixed-size numeric column (``NumericColumn(typecode)``) for every document of
    the segment; ``default`` where nothing was written (Whoosh leaves trailing defaults
    out of the file)."""
    size = reader.doc_count_all()
    dtype = np.dtype(">" + typecode)
    out = np.full(size, default, dtype=dtype.newbyteorder("="))
    found = _column_file(reader, name)
    if found is None:
        return out
    colfile, offset, length = found
    count = min(size, length // dtype.itemsize)
    if count:
        out[:count] = np.frombuffer(colfile.get(offset, count * dtype.itemsize), dtype=dtype)
    return out


def field_lengths(reader: Any, field: str) -> np.ndarray:
    """Each document's length in ``field`` as Whoosh's scorers see it (its length byte
    decoded; 0 where the field is empty)."""
    encoded = numeric_column(reader, f"_{field}_len", "B", 0)
    return BYTE_TO_LENGTH[encoded]


class BytesColumn:
    """A variable-bytes column read in place: ``buffer[starts[i]:ends[i]]`` is document
    ``i``'s value. ``buffer`` is the mapped column file where the storage maps files
    (shared by every process through the page cache), else the column's bytes."""

    def __init__(self, reader: Any, name: str) -> None:
        size = reader.doc_count_all()
        found = _column_file(reader, name)
        if found is None:
            self.buffer: Any = b""
            self.starts = self.ends = np.zeros(size, dtype=np.int64)
            return
        colfile, offset, length = found
        column = reader._perdoc.column_reader(name, VarBytesColumn())
        lengths = np.frombuffer(column._lengths, dtype=column._lengths.typecode).astype(np.int64)
        self.starts = np.zeros(size, dtype=np.int64)
        np.cumsum(lengths[:-1], out=self.starts[1:])
        mapped = getattr(colfile, "_buf", None)
        if mapped is not None:  # offsets into the whole mapped file
            self.buffer = mapped
            self.starts += offset
        else:
            self.buffer = colfile.get(offset, length)
        self.ends = self.starts + lengths

    def values(self) -> list[bytes]:
        """Every document's value (for small columns: document ids, regions)."""
        buffer = self.buffer
        return [buffer[s:e] for s, e in zip(self.starts.tolist(), self.ends.tolist(), strict=True)]


def int_column(reader: Any, name: str, field: Any) -> np.ndarray:
    """A sortable ``NUMERIC(int)`` field's values for every document of the segment,
    0 where a document has none (Whoosh stores them shifted to unsigned, with the
    type's maximum for "none")."""
    raw = numeric_column(reader, name, field.sortable_typecode, field.default).astype(np.int64)
    values = raw - (1 << (field.bits - 1)) if field.signed else raw
    values[raw == field.default] = 0
    return values
