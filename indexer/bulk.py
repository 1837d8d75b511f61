"""Whoosh 2.7.4 segments read and written in bulk: whole posting lists as numpy arrays.

Whoosh hands out postings one at a time through ``matcher.id()/next()`` and takes them
one at a time through ``add_posting`` (a microsecond or more each, in Python); the
query path needs whole lists, to intersect and score them in numpy, and indexing has
millions of postings to write. This module reads posting lists and columns block by
block straight from the segment files, and writes segments whose postings it sorts and
blocks with numpy (:class:`BulkWriter`). It is the only place that uses Whoosh's
private names (``tests/indexer/test_bulk.py`` guards it: it fails loudly if Whoosh is
not 2.7.4, if a bulk read disagrees with Whoosh's own matcher or column reader, or if
a segment written or merged in bulk differs from the one Whoosh's writer makes).

The codec (``whoosh/codec/whoosh3.py``): a term's info (statistics, then either the
extent of its posting list or, for short lists, the pickled postings themselves) sits
in the terms file; a posting list starts with the magic ``W3Bl``, then blocks of
``int32 length`` (negative for the last block), a pickled info tuple, and
``pickle((ids, weights, values))``, compressed when the info says so; ids are
delta-coded within a block (the first absolute), weights are ``None`` (all 1.0), one
float, or one per posting. A fixed-size column is a packed big-endian array; a
variable-bytes column is the values back to back, then their lengths (and offsets,
for large columns) as arrays.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.columns import VarBytesColumn
from whoosh.formats import Frequency
from whoosh.system import pack_ushort
from whoosh.util.numeric import _length_byte_cache, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.segmented import GATHERS_BEFORE_JOIN
from indexer.storage import remove_uncommitted

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
    return _postings(reader._terms.term_info(field, btext), reader)


def sorted_postings(reader: Any, field: str) -> SortedPostings:
    """Every term of ``field`` in one segment with its document numbers (deleted ones
    included), as the segment's writer had them."""
    terms, lists = [], []
    for btext in reader.lexicon(field):
        terms.append(btext)
        lists.append(_postings(reader._terms.term_info(field, btext), reader)[0])
    ends = np.cumsum([len(ids) for ids in lists], dtype=np.int64)
    starts = ends - np.array([len(ids) for ids in lists], dtype=np.int64)
    docs = np.concatenate(lists) if lists else _EMPTY_IDS
    return SortedPostings(terms, starts, ends, docs)


def check_segment(reader: Any) -> Counter[str]:
    """Read everything one segment holds — every term's posting list (its length checked
    against the term's document frequency), every stored record, every match key — and
    say how much was read; a damaged file raises as its bad bytes are read."""
    read: Counter[str] = Counter()
    for (field, text), info in reader._terms.items():
        ids, _ = _postings(info, reader)
        if len(ids) != info.doc_frequency():
            raise ValueError(f"{field}:{text!r} has {len(ids)} of {info.doc_frequency()} postings")
        read["postings"] += len(ids)
    for docnum in range(reader.doc_count_all()):
        reader.stored_fields(docnum)
        read["records"] += 1
    for key in BytesColumn(reader, "key").values():
        key.decode("utf-8")  # a match key is text: a damaged one rarely decodes
        read["keys"] += 1
    return read


def live_records(reader: Any) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """Each live record of a segment that may be damaged: its report id (from the
    segment's ``doc`` column: a paragraph stores none) and its stored fields, or None
    where those cannot be read; if the column cannot be read either, this raises."""
    docs = reader.column_reader("doc")
    for docnum in range(reader.doc_count_all()):
        if reader.is_deleted(docnum):
            continue
        try:
            fields = reader.stored_fields(docnum)
        except Exception:  # noqa: BLE001 - whatever a damaged file raises
            fields = None
        yield docs[docnum], fields


def drop_segments(writer: SegmentWriter, ids: set[str]) -> None:
    """Leave the segments ``ids`` out of the commit the writer makes (their files are
    deleted when it commits), as if they had never been written."""
    writer.segments = [s for s in writer.segments if s.segment_id() not in ids]
    writer._setup_doc_offsets()


def _postings(info: Any, reader: Any) -> tuple[np.ndarray, np.ndarray | None]:
    if info.is_inlined():
        ids, weights, _ = info.inlined_postings()
        if weights is not None:
            weights = np.asarray(weights, dtype=np.float32)
        return np.asarray(ids, dtype=np.int64), weights
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


def field_length_bytes(reader: Any, field: str) -> np.ndarray:
    """Each document's length byte in ``field``: ``BYTE_TO_LENGTH`` of it is its length
    as Whoosh's scorers see it (0 where the field is empty). In place where the storage
    maps the column and it holds every document (a query reads a few of them)."""
    name, size = f"_{field}_len", reader.doc_count_all()
    found = _column_file(reader, name)
    if found is not None:
        colfile, offset, length = found
        mapped = getattr(colfile, "_buf", None)
        if mapped is not None and length >= size:
            return np.frombuffer(mapped, dtype=np.uint8, count=size, offset=offset)
    return numeric_column(reader, name, "B", 0)


def value_ends(reader: Any, name: str) -> np.ndarray:
    """Where each document's value in a variable-bytes column ends, counted from the
    column's start (its lengths, summed)."""
    if not reader._perdoc.has_column(name):
        return np.zeros(reader.doc_count_all(), dtype=np.int64)
    column = reader._perdoc.column_reader(name, VarBytesColumn())
    return np.cumsum(np.frombuffer(column._lengths, dtype=column._lengths.typecode), dtype=np.int64)


class BytesColumn:
    """A variable-bytes column read in place: document ``i``'s value lies in ``buffer``
    between the ``bounds`` of ``i``. ``buffer`` is the mapped column file where the
    storage maps files (shared by every process through the page cache), else the
    column's bytes."""

    def __init__(self, reader: Any, name: str, ends: np.ndarray | None = None) -> None:
        """``ends``: ``value_ends`` of the column, if the caller has them (the codes file
        keeps the key column's: summing 3.5 M lengths cost every opening at 1 GB)."""
        self.size = reader.doc_count_all()
        found = _column_file(reader, name)
        self.base = 0  # where the column starts in ``buffer``
        self._calls = 0
        self._placed: tuple[np.ndarray, np.ndarray] | None = None  # starts and ends, kept
        if found is None:
            self.buffer: Any = b""
            self.ends = np.zeros(self.size, dtype=np.int64)
            return
        colfile, offset, length = found
        self.ends = value_ends(reader, name) if ends is None else ends
        mapped = getattr(colfile, "_buf", None)
        if mapped is not None:  # offsets into the whole mapped file
            self.buffer, self.base = mapped, offset
        else:
            self.buffer = colfile.get(offset, length)

    def bounds(self, local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the values of documents ``local`` start and end in ``buffer``. A process
        that keeps asking (a server) gets both from arrays kept after
        ``GATHERS_BEFORE_JOIN`` calls: two gathers, without the shift and the fix."""
        if self._placed is None:
            self._calls += 1
            if self._calls > GATHERS_BEFORE_JOIN:
                ends = self.ends.astype(np.int64) + self.base
                starts = np.concatenate(([self.base], ends[:-1]))
                self._placed = starts, ends
        if self._placed is not None:
            return self._placed[0][local], self._placed[1][local]
        ends = self.ends[local].astype(np.int64)
        starts = self.ends[np.maximum(local - 1, 0)].astype(np.int64)
        starts[local == 0] = 0
        return starts + self.base, ends + self.base

    def values(self) -> list[bytes]:
        """Every document's value (for small columns: document ids, regions)."""
        buffer = self.buffer
        starts, ends = self.bounds(np.arange(self.size))
        return [buffer[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def int_column(reader: Any, name: str, field: Any) -> np.ndarray:
    """A sortable ``NUMERIC(int)`` field's values for every document of the segment,
    0 where a document has none (Whoosh stores them shifted to unsigned, with the
    type's maximum for "none")."""
    raw = numeric_column(reader, name, field.sortable_typecode, field.default).astype(np.int64)
    values = raw - (1 << (field.bits - 1)) if field.signed else raw
    values[raw == field.default] = 0
    return values


# Writing ------------------------------------------------------------------------------

BLOCK_POSTINGS = 1024  # postings per block: Whoosh writes 128; larger blocks read faster
PICKLE_PROTOCOL = 5  # arrays pickle as raw bytes (protocol 2 spells them out per item)
INLINE_POSTINGS = 4  # posting lists this short live in the term info (most terms)
SMALL_BLOCK = 32  # below this many postings, ids pickle as a tuple
SMALL_DATA = 64  # bytes below which a block is not worth compressing (Whoosh's reader
# honours the block's compression flag)
_COMPRESSION = 3  # zlib level, as Whoosh's writer
REMEMBERED_VALUES = 4096  # indexed field values kept for reuse
# A 4 KB window and small state: deflate's default 256 KB state took ~100 µs to set up
# per block, more than compressing it; inflate reads any window size.
_WBITS, _MEMLEVEL = 12, 4
_TERM_INFO = W3TermInfo._struct  # flags, weight, doc freq, min/max length byte, ...
_EXTENT = struct.Struct("!qi")  # ... then the posting list's offset and length


@dataclass(frozen=True)
class SortedPostings:
    """One field's postings as its segment is written: the terms in order, and term
    ``t``'s documents ``docs[starts[t]:ends[t]]`` (ascending)."""

    terms: list[bytes]
    starts: np.ndarray
    ends: np.ndarray
    docs: np.ndarray


@dataclass(frozen=True)
class Watch:
    """What a segment's writer hands on when it writes the segment: ``field``'s sorted
    postings and each document's value of the ``column`` (an int field; 0 for none), to
    ``written(storage, segment, postings, values)`` — what the per-segment files made
    from a segment's postings are written from, for new and merged segments alike."""

    field: str
    column: str
    written: Callable[[Any, Any, SortedPostings, np.ndarray], None]


class BulkWriter(SegmentWriter):
    """A Whoosh segment writer that keeps postings in arrays and writes whole blocks.

    Whoosh's writer sends every posting through a sorting pool and then, one at a time,
    through ``add_posting`` with a field-length lookup each (about 25 µs per posting in
    Python). This writer appends each document's postings to per-field arrays and, at
    flush, sorts them with numpy and writes each term's blocks at once, in the W3
    codec's own format, so stock Whoosh reads the segment. Stored fields, columns and
    lengths go through Whoosh's per-document writer as before.

    ``add_document`` takes Whoosh's arguments plus ``_unstored``, names of fields to
    index and keep in their columns but not store (Whoosh's writer stores them), and
    ``_terms``: for a field named there,
    ``(terms, length)`` replaces running its analyzer (``terms`` maps each term to its
    frequency for a ``Frequency`` field, or lists the distinct terms of a field that
    keeps none; ``length`` is the token count Whoosh would record). Document-level
    fields keep no weights, so document boosts apply only to frequency fields: give
    them as field boosts (``_text_boost``).
    """

    def __init__(
        self,
        ix: Any,
        before_commit: Callable[[Any, Any, list[Any]], None] | None = None,
        watch: Watch | None = None,
        **kwargs: Any,
    ) -> None:
        self._before_commit = before_commit  # with the storage, schema and segments to commit
        self._watch = watch
        self._watched = array("i")  # each document's value of the watched column
        try:
            super().__init__(ix, **kwargs)  # takes the lock, then writes file headers
        except OSError:
            discard(self)
            raise
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"bulk writing has no vectors or spelling ({name})")
        self._buffers: dict[str, _FieldPostings] = {}
        self._indexed: dict[tuple[str, Any], list[Any]] = {}
        # Stored fields are compressed one record at a time: with a small window too.
        self.perdocwriter._colwriters["_stored"]._child._compress = _compress

    def _index(self, name: str, field: Any, value: Any) -> Any:
        """``field.index(value)``, remembered for values that repeat from record to
        record (a report's name, region and year; paragraph numbers)."""
        if field.unique:
            return field.index(value)
        found = self._indexed.get((name, value))
        if found is None:
            if len(self._indexed) >= REMEMBERED_VALUES:
                self._indexed.clear()
            found = self._indexed[name, value] = list(field.index(value))
        return found

    def _buffer(self, name: str) -> _FieldPostings:
        buffer = self._buffers.get(name)
        if buffer is None:
            buffer = self._buffers[name] = _FieldPostings(self.schema[name])
        return buffer

    def add_document(self, **fields: Any) -> None:  # as SegmentWriter.add_document
        self._check_state()
        given = fields.get("_terms", {})
        unstored = fields.get("_unstored", ())
        docboost = self._doc_boost(fields)
        perdoc, docnum = self.perdocwriter, self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            if field.indexed:
                buffer = self._buffer(name)
                boost = self._field_boost(fields, name, docboost)
                if name in given:
                    terms, length = given[name]
                    buffer.add_terms(docnum, terms, boost)
                else:
                    length = buffer.add_items(docnum, self._index(name, field, value), boost)
                if not field.scorable:
                    length = 0
                buffer.set_length(docnum, length)
            stored = fields.get(f"_stored_{name}", value)
            if self._watch is not None and name == self._watch.column:
                self._watch_value(docnum, int(value))
            kept = field.stored and name not in unstored
            perdoc.add_field(name, field, stored if kept else None, length)
            if field.column_type and stored is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_postings_to_pool(self, reader: Any, startdoc: int, docmap: Any) -> None:
        """Postings of a segment merged into this one go to the arrays too (``docmap``
        renumbers a segment with deletions; its deleted documents have no postings)."""
        schema = self.schema
        if self._watch is not None:
            column = self._watch.column
            values = int_column(reader, column, schema[column]).tolist()
            for old, value in enumerate(values):
                new = startdoc + old if docmap is None else docmap.get(old)
                if new is not None and value:
                    self._watch_value(new, value)
        for name, btext, old, weight, value in reader.iter_postings():
            if name not in schema:
                continue
            docnum = startdoc + old if docmap is None else docmap[old]
            buffer = self._buffer(name)
            buffer.add_items(docnum, [(btext, 1, weight, value)], 1.0)
            buffer.set_length(docnum, reader.doc_field_length(old, name) or 0)

    def _watch_value(self, docnum: int, value: int) -> None:
        missing = docnum + 1 - len(self._watched)
        if missing > 0:
            self._watched.extend([0] * missing)
        self._watched[docnum] = value

    def _commit_toc(self, segments: list[Any]) -> None:
        """What the segments need besides their own files (``before_commit``), Whoosh's
        commit, then what it leaves: TOCs that runs died writing."""
        if self._before_commit is not None:
            self._before_commit(self.storage, self.schema, segments)
        super()._commit_toc(segments)
        remove_uncommitted(Path(self.storage.folder))

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        watched = SortedPostings([], _EMPTY_IDS, _EMPTY_IDS, _EMPTY_IDS)
        for name in sorted(self._buffers):
            buffer = self._buffers.pop(name)
            if buffer.docs:  # Whoosh starts no field that has no terms
                fieldwriter.start_field(name, self.schema[name])
                written = buffer.write(fieldwriter)
                fieldwriter.finish_field()
                if self._watch is not None and name == self._watch.field:
                    watched = written
        fieldwriter.close()
        if self._watch is not None and self.docnum:  # a segment without the field too
            values = np.zeros(self.docnum, dtype=np.int32)
            values[: len(self._watched)] = np.frombuffer(self._watched, dtype=np.int32)
            self._watch.written(self.storage, self.newsegment, watched, values)


def finish_segment(writer: SegmentWriter) -> Any:
    """Write out a segment of a writer that does not commit (a worker's): the parent
    commits it with its own."""
    return writer._finalize_segment()


def abandon_segment(writer: SegmentWriter) -> None:
    """Close a worker's writer after a failure, whatever closing raises (on a full disk
    it fails too). Not ``cancel()``: it deletes the temp folder all writers share. The
    parent discards the run, and this segment's files with it."""
    with suppress(OSError):
        writer._close_segment()
    writer.storage.close_written()


def discard(writer: SegmentWriter) -> None:
    """``cancel()`` for a run that failed, even in its writer's constructor: close the
    writer's files whatever they raise (on a full disk their last writes fail too),
    delete every file the last commit does not name (this run's segments and its
    workers'), then let go of the temp folder and the lock. The error that stopped the
    run is the one to report: none of these may replace it."""
    with suppress(OSError, AttributeError):  # AttributeError: files not made yet
        writer._close_segment()
    with suppress(AttributeError):
        writer.storage.close_written()  # what _close_segment did not reach, scratch too
    with suppress(OSError, AttributeError):
        remove_uncommitted(Path(writer.storage.folder))
    with suppress(OSError, AttributeError):
        writer._tempstorage.destroy()
    if writer.writelock:
        writer.writelock.release()


def commit_segments(writer: SegmentWriter, segments: list[Any]) -> None:
    """Commit the writer's own segment and the workers' ``segments`` in one TOC
    (``MpWriter._commit`` with ``multisegment``, for segments our own processes wrote)."""
    if not segments:
        writer.commit()
        return
    final = writer._merge_segments(None, False, True)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + segments)
    writer._finish()


def _compress(data: bytes, level: int = _COMPRESSION) -> bytes:
    """``zlib.compress`` with a small window and state: zlib's default 256 KB state
    takes ~100 µs to set up per call, more than compressing a block or a record takes;
    ``zlib.decompress`` reads any window size."""
    packer = zlib.compressobj(level, zlib.DEFLATED, _WBITS, _MEMLEVEL)
    return packer.compress(data) + packer.flush()


class _TermNumbers(dict):  # type: ignore[type-arg]
    """Term -> number in order of first sight; ``map(numbers.__getitem__, terms)``
    numbers known terms at C speed and calls Python only for a new one."""

    def __missing__(self, term: Any) -> int:
        number = self[term] = len(self)
        return number


class _FieldPostings:
    """One field's postings in the order they were added: term numbers, document
    numbers (ascending) and, where the field keeps them, frequencies and weights."""

    def __init__(self, field: Any) -> None:
        self.format = field.format
        self.frequencies = isinstance(self.format, Frequency)
        if not self.frequencies and self.format.fixed_value_size() != 0:
            raise ValueError(f"bulk writing keeps frequencies or nothing, not {self.format}")
        self.numbers = _TermNumbers()
        self.term_numbers = array("I")
        self.docs = array("I")
        self.freqs = array("I")
        self.weights = array("f")
        self.length_bytes = array("B")  # per document: its length as Whoosh encodes it

    def add_terms(self, docnum: int, terms: Any, boost: float) -> None:
        """A document's terms: a mapping to frequencies, or distinct terms."""
        keys = list(terms)
        self.term_numbers.extend(map(self.numbers.__getitem__, keys))
        self.docs.extend([docnum] * len(keys))
        if self.frequencies:
            freqs = list(terms.values())
            self.freqs.extend(freqs)
            boost *= self.format.field_boost
            self.weights.extend([f * boost for f in freqs])

    def add_items(self, docnum: int, items: Any, boost: float) -> int:
        """A document's ``(btext, freq, weight, value)`` items as ``Field.index`` makes
        them; returns the token count."""
        length = 0
        for btext, freq, weight, value in items:
            length += freq
            self.term_numbers.append(self.numbers[btext])
            self.docs.append(docnum)
            if self.frequencies:
                self.freqs.append(self.format.decode_frequency(value))
                self.weights.append(weight * boost)
        return length

    def set_length(self, docnum: int, length: int) -> None:
        missing = docnum + 1 - len(self.length_bytes)
        if missing > 0:
            self.length_bytes.extend(bytes(missing))
        self.length_bytes[docnum] = length_to_byte(length)

    def write(self, fieldwriter: Any) -> SortedPostings:
        """Every term's posting list, in term order, to the segment being written."""
        texts = [t if isinstance(t, bytes) else t.encode("utf-8") for t in self.numbers]
        ordered = sorted(set(texts))
        rank = dict(zip(ordered, range(len(ordered)), strict=True))
        ranks = np.fromiter(map(rank.__getitem__, texts), dtype=np.uint64, count=len(texts))
        keys = ranks[np.frombuffer(self.term_numbers, dtype=np.uint32)] << np.uint64(32)
        del ranks
        self.term_numbers = array("I")
        keys |= np.frombuffer(self.docs, dtype=np.uint32)
        self.docs = array("I")
        # Each (term, document) pair is one key: a field that keeps no frequencies needs
        # only the keys, sorted in place (the largest fields, kept lean in memory).
        if self.frequencies:
            order = np.argsort(keys)
            keys = keys[order]
            freqs = np.frombuffer(self.freqs, dtype=np.uint32)[order].astype(">u4").tobytes()
            weights = np.frombuffer(self.weights, dtype=np.float32)[order]
            del order
        else:
            keys.sort()
            freqs = weights = None
        docs = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        keys >>= np.uint64(32)  # the terms' ranks
        starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts = np.concatenate([np.zeros(1, dtype=starts.dtype), starts])
        ends = np.append(starts[1:], len(keys))
        term_ranks = keys[starts].tolist()
        del keys
        lengths = np.frombuffer(self.length_bytes, np.uint8)
        blocks = _Blocks(docs, starts, ends, weights, freqs, lengths)
        postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
        prefix = pack_ushort(fieldwriter._fieldid)
        for t, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            key = prefix + ordered[term_ranks[t]]
            if end - start <= INLINE_POSTINGS:
                tindex.add(
                    key, blocks.info(t, start, end, inlined=True) + blocks.inline(start, end)
                )
                continue
            offset = postfile.tell()
            postings = blocks.postings(t, start, end)
            postfile.write(postings)
            tindex.add(key, blocks.info(t, start, end) + _EXTENT.pack(offset, len(postings)))
        return SortedPostings([ordered[r] for r in term_ranks], starts, ends, docs)


class _Blocks:
    """Every block of one field's sorted postings, in the W3 codec's layout, with the
    statistics Whoosh keeps per block and per term (computed for all terms at once)."""

    def __init__(
        self,
        docs: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        weights: np.ndarray | None,
        freqs: bytes | None,
        length_bytes: np.ndarray,
    ) -> None:
        self.docs, self.freqs = docs, freqs  # frequencies as big-endian uint32
        per_term = (ends - starts + BLOCK_POSTINGS - 1) // BLOCK_POSTINGS
        first = np.cumsum(per_term) - per_term  # each term's first block
        term_of = np.repeat(np.arange(len(starts)), per_term)
        bstarts = starts[term_of] + (np.arange(len(term_of)) - first[term_of]) * BLOCK_POSTINGS
        bends = np.minimum(bstarts + BLOCK_POSTINGS, ends[term_of])
        self.first = first.tolist()
        self.bounds = list(zip(bstarts.tolist(), bends.tolist(), strict=True))
        self.first_ids = docs[bstarts].tolist()
        self.last_ids = docs[bends - 1].tolist()
        deltas = docs.astype(np.int64)
        deltas[1:] -= docs[:-1]
        deltas[bstarts] = docs[bstarts]
        self.deltas = deltas.astype(np.uint32)
        # Whoosh leaves a posting's length out of the statistics when its byte is 0.
        lengths = length_bytes[docs].astype(np.int16)
        low = np.minimum.reduceat(np.where(lengths == 0, 256, lengths), bstarts)
        self.min_lengths = np.where(low == 256, 0, low).tolist()
        self.max_lengths = np.maximum.reduceat(lengths, bstarts).tolist()
        if weights is None:
            self.weights = None
            self.min_weights = self.max_weights = [1.0] * len(bstarts)
            self.total_weights = (ends - starts).astype(np.float64).tolist()
        else:
            self.weights = weights
            self.max_weights = np.maximum.reduceat(weights, bstarts).astype(np.float64).tolist()
            self.min_weights = np.minimum.reduceat(weights, bstarts).astype(np.float64).tolist()
            self.total_weights = np.add.reduceat(weights.astype(np.float64), starts).tolist()

    def postings(self, term: int, start: int, end: int) -> bytes:
        """A term's posting list, as the W3 codec lays it out in the postings file."""
        first = self.first[term]
        last = first + (end - start + BLOCK_POSTINGS - 1) // BLOCK_POSTINGS
        parts = [WHOOSH3_HEADER_MAGIC]
        for b in range(first, last):
            bstart, bend = self.bounds[b]
            count = bend - bstart
            if count < SMALL_BLOCK:  # a tuple pickles faster; an array loads faster
                ids: Any = tuple(self.deltas[bstart:bend].tolist())
            else:
                ids = array("I", self.deltas[bstart:bend].tobytes())
            values = None if self.freqs is None else self.freqs[4 * bstart : 4 * bend]
            data = pickle.dumps((ids, self._weights(b), values), PICKLE_PROTOCOL)
            compression = _COMPRESSION if len(data) >= SMALL_DATA else 0
            if compression:
                data = _compress(data)
            info = pickle.dumps(
                (
                    count,
                    self.last_ids[b],
                    self.max_weights[b],
                    compression,
                    self.min_lengths[b],
                    self.max_lengths[b],
                ),
                2,
            )
            size = len(info) + len(data)
            parts += (_INT.pack(-size if b == last - 1 else size), info, data)
        return b"".join(parts)

    def inline(self, start: int, end: int) -> bytes:
        """A short posting list inside its term info, as ``W3TermInfo`` reads it back:
        no block to find in the postings file, and ~40 bytes smaller."""
        ids = self.docs[start:end].tolist()
        if self.weights is None:  # Whoosh's matcher reads no weights as 1.0
            return pickle.dumps((tuple(ids), None, (None,) * len(ids)), 2)
        weights = tuple(self.weights[start:end].tolist())
        values = tuple(self.freqs[4 * i : 4 * i + 4] for i in range(start, end))
        # Protocol 2 spells each frequency's bytes as a call (~30 bytes); a later one
        # writes them raw: 121 -> 71 bytes for three postings, read by pickle all the same.
        return pickle.dumps((tuple(ids), weights, values), PICKLE_PROTOCOL)

    def info(self, term: int, start: int, end: int, inlined: bool = False) -> bytes:
        """A term's statistics as ``W3TermInfo`` packs them (its extent or inlined
        postings follow)."""
        first = self.first[term]
        last = first + (end - start + BLOCK_POSTINGS - 1) // BLOCK_POSTINGS
        low = [m for m in self.min_lengths[first:last] if m]
        return _TERM_INFO.pack(
            inlined,
            self.total_weights[term],
            end - start,
            min(low) if low else 0,
            max(self.max_lengths[first:last]),
            max(self.max_weights[first:last]),
            self.first_ids[first],
            self.last_ids[last - 1],
        )

    def _weights(self, b: int) -> Any:
        """``None`` when every weight is 1.0, one float when all are equal, else all."""
        low, high = self.min_weights[b], self.max_weights[b]
        if low == high:
            return None if low == 1.0 else low
        bstart, bend = self.bounds[b]
        return array("f", self.weights[bstart:bend].tobytes())
