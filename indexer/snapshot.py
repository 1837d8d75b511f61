"""What the query path needs of one commit, read once and shared by every query on it.

Built when the searcher moves to a new commit: for every record (global document
number, as Whoosh numbers them across segments) whether it is a live paragraph, its
report, region, year, ranking weight, shape, the hash copies of one text share and the
length of its first sentence, as numpy arrays; each segment's match-key
column in place (mapped, so worker processes share its pages), from which with its slim
stored record a paragraph is read whole (``stored_fields``); the field lengths
BM25F needs, on first use; and an LRU of posting lists as numpy arrays, so a term read
once costs nothing the next time. Arrays, not millions of Python objects: they are
compact, and a forked process shares them without copying.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer import bulk, codes, paragraph_record
from indexer.arrays import distinct
from indexer.schema import document_id

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
        for reader, offset in zip(self.readers, self.offsets, strict=True):
            alive[bulk.deleted(reader) + offset] = False
        self.alive = alive
        coded, records = zip(*map(codes.read, self.readers), strict=True) if leaves else ((), ())
        self.doc_codes, self.doc_names, self.doc_ranks = self._codes(coded, "doc")
        self._doc_code = {name: code for code, name in enumerate(self.doc_names) if code}
        self.region_codes, self.region_names, self.region_ranks = self._codes(coded, "region")
        # Each segment's arrays, mapped from its codes file (or a previous snapshot's).
        where = {id(reader): found for reader, found in zip(self.readers, records, strict=True)}

        def mapped(name: str) -> np.ndarray:
            return self._per_record(name, lambda reader: where[id(reader)][name])

        self.paragraphs = mapped("paragraphs") & alive
        self.years = mapped("years")
        self.boosts = mapped("boosts")
        self.shapes = mapped("shapes")
        self.same = mapped("same")
        self.leads = mapped("leads")
        self.keys = [bulk.BytesColumn(reader, "key") for reader in self.readers]
        self.key_bytes = self._concat([k.ends - k.starts for k in self.keys])
        count = int(self.paragraphs.sum())
        paragraph_bytes = self.key_bytes[self.paragraphs].sum()
        self.avg_key_bytes = float(paragraph_bytes / count) if count else 1.0
        self._lengths: dict[str, np.ndarray] = {}
        self._numbers: np.ndarray | None = None
        self._reports: dict[int, dict[str, Any]] = {}  # by doc code, as read
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._cache_bytes, self._cache_limit = 0, cache_bytes
        self._lock = threading.Lock()
        self.doc_frequency = lru_cache(maxsize=TERM_FREQUENCIES)(self._doc_frequency)

    def _per_record(self, name: str, read: Callable[[Any], np.ndarray]) -> np.ndarray:
        """One value per record: what the previous snapshot's array ``name`` holds for a
        segment it held, ``read(reader)`` for the others."""
        return self._concat(
            [
                self._carried.records(name, segment, read, reader)
                for reader, segment in zip(self.readers, self.segments, strict=True)
            ]
        )

    @staticmethod
    def _concat(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def _codes(
        self, coded: list[dict[str, codes.Coded]], name: str
    ) -> tuple[np.ndarray, list[str], np.ndarray]:
        """A string column as integer codes per record (0 is "none"), the names, and
        each name's place in sorted order (facets break ties by name, in numpy): each
        segment's codes (``indexer.codes``) renumbered into one numbering."""
        numbers: dict[str, int] = {"": 0}
        parts = []
        for segment in coded:
            local, values = segment[name]
            renumber = [numbers.setdefault(value, len(numbers)) for value in values]
            parts.append(np.asarray(renumber, dtype=np.int32)[local])
        names = list(numbers)
        ranks = np.empty(len(names), dtype=np.int64)
        # numpy orders strings by code point as Python does (names hold no NUL, which
        # numpy would drop from the end): 45,000 report names sort in 5 ms, not 25
        ranks[np.argsort(np.array(names))] = np.arange(len(names))
        return self._concat(parts).astype(np.int32, copy=False), names, ranks

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
            docs = np.flatnonzero(self.paragraphs)
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
        code = self._doc_code.get(doc)
        if code is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.paragraphs & (self.doc_codes == code))

    def _read(self, field: str, text: str) -> Postings:
        """A term's live global document numbers, from every segment (from the previous
        snapshot's list of the term for a segment it held, if it had read it)."""
        carried = self._carried.postings((field, text))
        ids, weights = [], []
        for reader, segment, offset in zip(self.readers, self.segments, self.offsets, strict=True):
            local, local_weights = self._carried.slice(carried, segment)
            if local is None:
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

    def handover(self) -> tuple[dict[str, np.ndarray], dict[tuple[str, str], Any]]:
        """Its per-record arrays, by name, and the posting lists it has read: what the
        next commit's snapshot takes over (``_Carried``)."""
        arrays = {name: getattr(self, name) for name in codes.RECORDS}
        with self._lock:
            if self._numbers is not None:
                arrays["numbers"] = self._numbers
            arrays.update((f"lengths:{f}", a) for f, a in self._lengths.items())
            return arrays, dict(self._cache)

    def _doc_frequency(self, field: str, text: str) -> int:  # cached as doc_frequency
        """Records holding the term (deleted ones included, as in Whoosh's idf): a lookup
        in every segment's term table, asked for each bigram of every longer literal."""
        return self.searcher.doc_frequency(field, text)

    def numbers(self) -> np.ndarray:
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

    def field_length_bytes(self, field: str) -> np.ndarray:
        """Each record's length byte in ``field`` (``bulk.BYTE_TO_LENGTH`` of it is its
        length as BM25F sees it), read on first use: a byte a record, decoded for the
        matches only (decoding all 3.5 M records of 1 GB took a cold query 0.05 s)."""
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
        bounds = np.searchsorted(docs, np.append(self.offsets[1:], self.size)[: len(self.keys)])
        start = 0
        for keys, offset, end in zip(self.keys, self.offsets, bounds.tolist(), strict=True):
            if end > start:
                chunk = docs[start:end]
                local = chunk - offset
                yield keys.buffer, chunk, keys.starts[local].tolist(), keys.ends[local].tolist()
            start = end

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
    """What a snapshot takes over from the previous commit's: its per-record arrays and
    the posting lists it had read, for the segments both commits hold. A segment never
    changes once written (only deletions, which each snapshot reads), so after a commit
    that adds a report, the next query reads the new report's segment and nothing
    else. Taken at construction and kept until the next commit: a copy of the previous
    LRU's index (its arrays are shared), never the previous snapshot itself, whose
    searcher and files go when its last query ends."""

    def __init__(self, previous: Snapshot | None, segments: list[str]) -> None:
        places = (
            {
                segment: (start, reader.doc_count_all())
                for segment, start, reader in zip(
                    previous.segments, previous.offsets.tolist(), previous.readers, strict=True
                )
            }
            if previous
            else {}
        )
        # Where each segment both commits hold lay in the previous one's numbering.
        self._places = {segment: places[segment] for segment in segments if segment in places}
        self._arrays, self._postings = (
            previous.handover() if previous and self._places else ({}, {})
        )

    def records(
        self, name: str, segment: str, read: Callable[[Any], np.ndarray], reader: Any
    ) -> np.ndarray:
        """A segment's values of the per-record array ``name`` (else ``read(reader)``)."""
        place, array = self._places.get(segment), self._arrays.get(name)
        if place is None or array is None:
            return read(reader)
        start, size = place
        return array[start : start + size]

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
