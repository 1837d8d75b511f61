"""What the query path needs of one commit, read once and shared by every query on it.

Built when the searcher moves to a new commit: for every record (global document
number, as Whoosh numbers them across segments) whether it is a live paragraph, its
report, region, year, ranking weight, shape, the hash copies of one text share and the
length of its first sentence, as numpy arrays; each segment's match-key
column in place (mapped, so worker processes share its pages); the field lengths
BM25F needs, on first use; and an LRU of posting lists as numpy arrays, so a term read
once costs nothing the next time. Arrays, not millions of Python objects: they are
compact, and a forked process shares them without copying.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer import bulk, codes
from indexer.schema import (
    BOOST_TYPECODE,
    LEAD_TYPECODE,
    PARAGRAPH,
    SAME_TYPECODE,
    SHAPE_TYPECODE,
)

TERM_CACHE_BYTES = 64 * 2**20  # posting lists kept per process, by their arrays' size
TERM_FREQUENCIES = 1 << 16  # document frequencies kept per commit
Postings = tuple[np.ndarray, np.ndarray | None]  # global document numbers, weights


class Snapshot:
    """One commit's columns and posting lists; safe to share between threads."""

    def __init__(self, searcher: Searcher, cache_bytes: int = TERM_CACHE_BYTES) -> None:
        self.searcher = searcher
        # An empty index has one reader without segment files: nothing to read there.
        leaves = [(leaf, at) for leaf, at in searcher.leaf_searchers() if leaf.doc_count_all()]
        self.readers = [leaf.reader() for leaf, _ in leaves]
        self.offsets = np.array([offset for _, offset in leaves], dtype=np.int64)
        sizes = [reader.doc_count_all() for reader in self.readers]
        self.size = int(sum(sizes))  # records, deleted ones included (Whoosh's doc_count_all)
        alive = np.ones(self.size, dtype=bool)
        for reader, offset in zip(self.readers, self.offsets, strict=True):
            alive[bulk.deleted(reader) + offset] = False
        self.alive = alive
        self.paragraphs = np.zeros(self.size, dtype=bool)  # live ones: _read drops the rest
        self.paragraphs[self._read("kind", PARAGRAPH)[0]] = True
        coded = [codes.read(reader) for reader in self.readers]
        self.doc_codes, self.doc_names, self.doc_ranks = self._codes(coded, "doc")
        self._doc_code = {name: code for code, name in enumerate(self.doc_names) if code}
        self.region_codes, self.region_names, self.region_ranks = self._codes(coded, "region")
        year = searcher.schema["year"]
        self.years = self._concat([bulk.int_column(r, "year", year) for r in self.readers])
        self.boosts = self._concat(
            [bulk.numeric_column(r, "boost", BOOST_TYPECODE, 1.0) for r in self.readers]
        )
        self.shapes = self._concat(
            [bulk.numeric_column(r, "shape", SHAPE_TYPECODE, 0) for r in self.readers]
        )
        self.same = self._concat(
            [bulk.numeric_column(r, "same", SAME_TYPECODE, 0) for r in self.readers]
        )
        self.leads = self._concat(
            [bulk.numeric_column(r, "lead", LEAD_TYPECODE, 0) for r in self.readers]
        )
        self.keys = [bulk.BytesColumn(reader, "key") for reader in self.readers]
        key_bytes = self._concat([k.ends - k.starts for k in self.keys])
        count = int(self.paragraphs.sum())
        self.avg_key_bytes = float(key_bytes[self.paragraphs].sum() / count) if count else 1.0
        self._lengths: dict[str, np.ndarray] = {}
        self._shared: np.ndarray | None = None
        self._numbers: np.ndarray | None = None
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._cache_bytes, self._cache_limit = 0, cache_bytes
        self._lock = threading.Lock()
        self.doc_frequency = lru_cache(maxsize=TERM_FREQUENCIES)(self._doc_frequency)

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
        ranks[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
        return self._concat(parts).astype(np.int32), names, ranks

    def paragraphs_of(self, doc: str) -> np.ndarray:
        """The live paragraphs of one report (document numbers, sorted)."""
        code = self._doc_code.get(doc)
        if code is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.paragraphs & (self.doc_codes == code))

    def _read(self, field: str, text: str) -> Postings:
        """A term's live global document numbers, from every segment."""
        ids, weights = [], []
        for reader, offset in zip(self.readers, self.offsets, strict=True):
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

    def _doc_frequency(self, field: str, text: str) -> int:  # cached as doc_frequency
        """Records holding the term (deleted ones included, as in Whoosh's idf): a lookup
        in every segment's term table, asked for each bigram of every longer literal."""
        return self.searcher.doc_frequency(field, text)

    def shared(self) -> np.ndarray:
        """Which records are live paragraphs whose text another live paragraph has too
        (the same report printed twice, a paragraph two reports share), found on first use:
        the rest need no grouping of copies."""
        with self._lock:
            shared = self._shared
        if shared is None:
            live = np.flatnonzero(self.paragraphs)
            _, inverse, counts = np.unique(self.same[live], return_inverse=True, return_counts=True)
            shared = np.zeros(self.size, dtype=bool)
            shared[live] = counts[inverse] > 1
            with self._lock:
                self._shared = shared
        return shared

    def numbers(self) -> np.ndarray:
        """Each record's paragraph number in its report (the ``n`` column), read on first
        use: where a hit's copies are is named without reading their stored fields."""
        with self._lock:
            numbers = self._numbers
        if numbers is None:
            field = self.searcher.schema["n"]
            numbers = self._concat([bulk.int_column(r, "n", field) for r in self.readers])
            with self._lock:
                self._numbers = numbers
        return numbers

    def field_lengths(self, field: str) -> np.ndarray:
        """Each record's length in ``field`` as BM25F sees it, read on first use."""
        with self._lock:
            lengths = self._lengths.get(field)
        if lengths is None:
            lengths = self._concat([bulk.field_lengths(r, field) for r in self.readers])
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
        ordered = np.unique(docs)
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
