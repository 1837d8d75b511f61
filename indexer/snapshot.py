"""What the query path needs of one commit, read once and shared by every query on it.

Built when the searcher moves to a new commit: for every record (global document
number, as Whoosh numbers them across segments) whether it is a live paragraph, its
report, region, year, ranking weight, shape, the hash copies of one text share and the
length of its first sentence, each as the segments' mapped arrays in place
(``indexer.segmented``: opening reads none of them, a query gathers its matches'); each
segment's match-key column in place, from which with its slim stored record a
paragraph is read whole (``stored_fields``); the field lengths BM25F needs, on first
use; and an LRU of posting lists as numpy arrays, so a term read once costs nothing the
next time. Arrays, not millions of Python objects: they are compact, and a forked
process shares them without copying.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer import bulk, codes, grams, paragraph_record
from indexer.arrays import distinct
from indexer.schema import document_id
from indexer.segmented import Segmented, places

TERM_CACHE_BYTES = 64 * 2**20  # posting lists kept per process, by their arrays' size
TERM_FREQUENCIES = 1 << 16  # document frequencies kept per commit
RECORDS_AT_ONCE = 4096  # paragraphs whose keys a reader of many records holds at once
Postings = tuple[np.ndarray, np.ndarray | None]  # global document numbers, weights


class Snapshot:
    """One commit's columns and posting lists; safe to share between threads."""

    def __init__(
        self,
        searcher: Searcher,
        cache_bytes: int = TERM_CACHE_BYTES,
        previous: Snapshot | None = None,
    ) -> None:
        """``previous``: the snapshot of an earlier commit of the index, whose arrays and
        posting lists this one takes over for the segments both hold (``_Carried``)."""
        self.searcher = searcher
        # An empty index has one reader without segment files: nothing to read there.
        leaves = [(leaf, at) for leaf, at in searcher.leaf_searchers() if leaf.doc_count_all()]
        self.readers = [leaf.reader() for leaf, _ in leaves]
        self.offsets = np.array([offset for _, offset in leaves], dtype=np.int64)
        self.segments = [reader.segment().segment_id() for reader in self.readers]
        sizes = [reader.doc_count_all() for reader in self.readers]
        self.size = int(sum(sizes))  # records, deleted ones included (Whoosh's doc_count_all)
        self._carried = _Carried(previous, self.segments)
        alive = np.ones(self.size, dtype=bool)
        dead = [bulk.deleted(reader) for reader in self.readers]
        for gone, offset in zip(dead, self.offsets, strict=True):
            alive[gone + offset] = False
        self.alive = alive
        found = [codes.read(reader) for reader in self.readers]
        self.doc_codes, self.doc_names, self.doc_ranks = self._codes(found, "doc")
        self.region_codes, self.region_names, self.region_ranks = self._codes(found, "region")

        def mapped(name: str) -> Segmented:
            return Segmented([f.records[name] for f in found], self.offsets)

        # A live paragraph: a segment's own array where it has no deletions.
        flags = [f.records["paragraphs"] for f in found]
        for segment, (gone, offset, size) in enumerate(zip(dead, self.offsets, sizes, strict=True)):
            if len(gone):
                flags[segment] = flags[segment] & alive[offset : offset + size]
        self.paragraphs = Segmented(flags, self.offsets)
        self.years = mapped("years")
        self.boosts = mapped("boosts")
        self.shapes = mapped("shapes")
        self.same = mapped("same")
        self.leads = mapped("leads")
        self.keys = [
            bulk.BytesColumn(reader, "key", f.records["key_ends"])
            for reader, f in zip(self.readers, found, strict=True)
        ]
        # The mean match key of the live paragraphs (BM25 over keys): each segment's
        # paragraphs' total, written with its codes, less its deleted paragraphs'.
        count = key_bytes = 0
        for f, gone, keys in zip(found, dead, self.keys, strict=True):
            count += int(np.count_nonzero(f.records["paragraphs"]))
            key_bytes += f.paragraph_key_bytes
            if len(gone):
                gone = gone[f.records["paragraphs"][gone]]
                starts, ends = keys.bounds(gone)
                count -= len(gone)
                key_bytes -= int((ends - starts).sum())
        self.avg_key_bytes = key_bytes / count if count else 1.0
        self._doc_code: dict[str, int] | None = None
        self._lengths: dict[str, Segmented] = {}
        self._numbers: Segmented | None = None
        self._reports: dict[int, dict[str, Any]] = {}  # by doc code, as read
        self._grams: list[grams.Grams | None] = [None] * len(self.readers)  # on first use
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._cache_bytes, self._cache_limit = 0, cache_bytes
        self._lock = threading.Lock()
        self.doc_frequency = lru_cache(maxsize=TERM_FREQUENCIES)(self._doc_frequency)

    def _per_record(self, name: str, read: Callable[[Any], np.ndarray]) -> Segmented:
        """One value per record: what the previous snapshot's ``name`` holds for a
        segment it held, ``read(reader)`` for the others."""
        return Segmented(
            [
                self._carried.records(name, segment, read, reader)
                for reader, segment in zip(self.readers, self.segments, strict=True)
            ],
            self.offsets,
        )

    def _codes(
        self, found: list[codes.SegmentCodes], name: str
    ) -> tuple[Segmented, list[str], np.ndarray]:
        """A string column as integer codes per record (0 is "none"), the names, and
        each name's place in sorted order (facets break ties by name, in numpy): each
        segment's codes (``indexer.codes``), read through a table into one numbering."""
        numbers: dict[str, int] = {"": 0}
        parts, tables = [], []
        for segment in found:
            local, values = segment.coded[name]
            parts.append(local)
            renumber = [numbers.setdefault(value, len(numbers)) for value in values]
            tables.append(np.asarray(renumber, dtype=np.int32))
        names = list(numbers)
        ranks = np.empty(len(names), dtype=np.int64)
        # numpy orders strings by code point as Python does (names hold no NUL, which
        # numpy would drop from the end): 45,000 report names sort in 5 ms, not 25
        ranks[np.argsort(np.array(names))] = np.arange(len(names))
        return Segmented(parts, self.offsets, tables), names, ranks

    def stored_fields(self, docnum: int, key: str | None = None) -> dict[str, Any]:
        """A record's stored fields, a paragraph's whole (``indexer.paragraph_record``): from
        its record, its match key (``key``, if the caller has it) and its report's."""
        stored = self.searcher.stored_fields(docnum)
        if not paragraph_record.is_slim(stored):
            return stored
        if key is None:
            key = self.match_keys(np.array([docnum]))[0].decode("utf-8")
        return paragraph_record.whole(stored, key, self._report(int(self.doc_codes[docnum])))

    def paragraph_records(self, docs: np.ndarray | None = None) -> Iterator[dict[str, Any]]:
        """The stored fields of paragraphs ``docs`` (sorted global numbers; all live
        ones if None), in order, their keys read ``RECORDS_AT_ONCE`` at a time."""
        if docs is None:
            docs = np.flatnonzero(self.paragraphs.whole())
        for at in range(0, len(docs), RECORDS_AT_ONCE):
            chunk = docs[at : at + RECORDS_AT_ONCE]
            keys = (key.decode("utf-8") for key in self.match_keys(chunk))
            for docnum, key in zip(chunk.tolist(), keys, strict=True):
                yield self.stored_fields(docnum, key)

    def _report(self, code: int) -> dict[str, Any]:
        """The stored fields of the report coded ``code``, read once per snapshot."""
        found = self._reports.get(code)
        if found is None:
            record = self.searcher.document(id=document_id(self.doc_names[code]))
            found = self._reports[code] = record or {"doc": self.doc_names[code]}
        return found

    def paragraphs_of(self, doc: str) -> np.ndarray:
        """The live paragraphs of one report (document numbers, sorted)."""
        if self._doc_code is None:
            self._doc_code = {name: code for code, name in enumerate(self.doc_names) if code}
        code = self._doc_code.get(doc)
        if code is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.paragraphs.whole() & (self.doc_codes.whole() == code))

    def _read(self, field: str, text: str) -> Postings:
        """A term's live global document numbers, from every segment (from the previous
        snapshot's list of the term for a segment it held, if it had read it)."""
        carried = self._carried.postings((field, text))
        ids, weights = [], []
        for index, (reader, segment, offset) in enumerate(
            zip(self.readers, self.segments, self.offsets, strict=True)
        ):
            local, local_weights = self._carried.slice(carried, segment)
            if local is None and field == grams.FIELD:
                local, local_weights = self._segment_grams(index).postings(text), None
            elif local is None:
                local, local_weights = bulk.postings(reader, field, text)
            if len(local):
                ids.append(local + offset)
                weights.append(local_weights)
        if not ids:
            return np.zeros(0, dtype=np.int64), None
        all_ids = np.concatenate(ids)
        all_weights = None
        if any(w is not None for w in weights):
            all_weights = np.concatenate(
                [
                    np.ones(len(i), np.float32) if w is None else w
                    for i, w in zip(ids, weights, strict=True)
                ]
            )
        live = self.alive[all_ids]
        if not live.all():
            all_ids = all_ids[live]
            all_weights = None if all_weights is None else all_weights[live]
        return all_ids, all_weights

    def postings(self, field: str, text: str) -> Postings:
        """A term's live global document numbers (sorted) and weights, cached."""
        found = self.lookup((field, text))
        if found is None:
            found = self.remember((field, text), self._read(field, text))
        return found

    def lookup(self, key: tuple[str, str]) -> Any:
        """What the LRU of arrays holds under ``key``, or None."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        return None

    def remember(self, key: tuple[str, str], value: Any) -> Any:
        """Keep ``value`` (an array or a tuple of them) in the LRU; returns it."""
        size = sum(a.nbytes for a in _arrays(value))
        with self._lock:
            if key not in self._cache and size <= self._cache_limit:
                self._cache[key] = value
                self._cache_bytes += size
                while self._cache_bytes > self._cache_limit:
                    _, dropped = self._cache.popitem(last=False)
                    self._cache_bytes -= sum(a.nbytes for a in _arrays(dropped))
        return value

    def handover(self) -> tuple[dict[str, Segmented], dict[tuple[str, str], Any]]:
        """The per-record values it has read from the columns, by name, and the posting
        lists it has read: what the next commit's snapshot takes over (``_Carried``)."""
        arrays: dict[str, Segmented] = {}
        with self._lock:
            if self._numbers is not None:
                arrays["numbers"] = self._numbers
            arrays.update((f"lengths:{f}", a) for f, a in self._lengths.items())
            return arrays, dict(self._cache)

    def _doc_frequency(self, field: str, text: str) -> int:  # cached as doc_frequency
        """Records holding the term (deleted ones included, as in Whoosh's idf): a lookup
        in every segment's term table, or its grams (asked for each pair of characters
        of every longer literal)."""
        if field == grams.FIELD:
            return sum(self._segment_grams(i).count(text) for i in range(len(self.readers)))
        return self.searcher.doc_frequency(field, text)

    def _segment_grams(self, index: int) -> grams.Grams:
        """Segment ``index``'s grams, mapped on first use (a cold query that asks none,
        a word's, opens none)."""
        found = self._grams[index]
        if found is None:
            found = self._grams[index] = grams.read(self.readers[index])
        return found

    def numbers(self) -> Segmented:
        """Each record's paragraph number in its report (the ``n`` column), read on first
        use: where a hit's copies are is named without reading their stored fields."""
        with self._lock:
            numbers = self._numbers
        if numbers is None:
            field = self.searcher.schema["n"]
            numbers = self._per_record("numbers", lambda r: bulk.int_column(r, "n", field))
            with self._lock:
                self._numbers = numbers
        return numbers

    def field_length_bytes(self, field: str) -> Segmented:
        """Each record's length byte in ``field`` (``bulk.BYTE_TO_LENGTH`` of it is its
        length as BM25F sees it), read on first use: a byte a record, decoded for the
        matches only (decoding all 3.5 M records of 1 GB took a cold query 0.05 s);
        in place where the storage maps the column."""
        with self._lock:
            lengths = self._lengths.get(field)
        if lengths is None:
            lengths = self._per_record(
                f"lengths:{field}", lambda r: bulk.field_length_bytes(r, field)
            )
            with self._lock:
                self._lengths[field] = lengths
        return lengths

    def key_slices(
        self, docs: np.ndarray
    ) -> Iterator[tuple[Any, np.ndarray, list[int], list[int]]]:
        """For sorted global document numbers, segment by segment: the key column's
        buffer, the documents, and where each one's match key starts and ends in it."""
        for segment, where, local in places(self.offsets, docs):
            keys = self.keys[segment]
            starts, ends = keys.bounds(local)
            yield keys.buffer, docs[where], starts.tolist(), ends.tolist()

    def key_lengths(self, docs: np.ndarray) -> np.ndarray:
        """The length (UTF-8 bytes) of the match key of each of ``docs`` (global numbers)."""
        lengths = np.zeros(len(docs), dtype=np.int64)
        for segment, where, local in places(self.offsets, docs):
            starts, ends = self.keys[segment].bounds(local)
            lengths[where] = ends - starts
        return lengths

    def match_keys_of(self, docs: np.ndarray) -> dict[int, str]:
        """The match keys of ``docs`` (global numbers, any order), decoded."""
        ordered = distinct(docs)
        keys = (key.decode("utf-8") for key in self.match_keys(ordered))
        return dict(zip(ordered.tolist(), keys, strict=True))

    def match_keys(self, docs: np.ndarray) -> list[bytes]:
        """The match key (UTF-8) of each of ``docs`` (sorted global numbers), in order."""
        return [
            buffer[start:end]
            for buffer, _, starts, ends in self.key_slices(docs)
            for start, end in zip(starts, ends, strict=True)
        ]


def _arrays(value: Any) -> list[np.ndarray]:
    items = value if isinstance(value, tuple) else (value,)
    return [a for a in items if isinstance(a, np.ndarray)]


class _Carried:
    """What a snapshot takes over from the previous commit's: the per-record values it
    had read from the columns and the posting lists it had read, for the segments both
    commits hold. A segment never changes once written (only deletions, which each
    snapshot reads), so after a commit that adds a report, the next query reads the new
    report's segment and nothing else. Taken at construction and kept until the next commit: a copy of the previous
    LRU's index (its arrays are shared), never the previous snapshot itself, whose
    searcher and files go when its last query ends."""

    def __init__(self, previous: Snapshot | None, segments: list[str]) -> None:
        held = (
            {
                segment: (index, start, reader.doc_count_all())
                for index, (segment, start, reader) in enumerate(
                    zip(previous.segments, previous.offsets.tolist(), previous.readers, strict=True)
                )
            }
            if previous
            else {}
        )
        # Each segment both commits hold: its place among the previous one's segments,
        # and where its records lay in that one's numbering.
        self._index = {segment: held[segment][0] for segment in segments if segment in held}
        self._places = {segment: held[segment][1:] for segment in segments if segment in held}
        self._arrays, self._postings = (
            previous.handover() if previous and self._places else ({}, {})
        )

    def records(
        self, name: str, segment: str, read: Callable[[Any], np.ndarray], reader: Any
    ) -> np.ndarray:
        """A segment's values of the per-record ``name`` (else ``read(reader)``)."""
        index, values = self._index.get(segment), self._arrays.get(name)
        if index is None or values is None:
            return read(reader)
        return values.parts[index]

    def postings(self, key: tuple[str, str]) -> Postings | None:
        """The previous snapshot's postings of a term, if it had read them."""
        found = self._postings.get(key)
        return found if isinstance(found, tuple) else None

    def slice(self, carried: Postings | None, segment: str) -> Postings | tuple[None, None]:
        """A segment's part of ``carried`` (local numbers; live ones at the previous
        commit), or ``(None, None)`` when it must be read."""
        place = self._places.get(segment) if carried is not None else None
        if place is None:
            return None, None
        start, size = place
        ids, weights = carried
        lo, hi = np.searchsorted(ids, [start, start + size]).tolist()
        return ids[lo:hi] - start, None if weights is None else weights[lo:hi]
