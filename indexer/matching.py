"""Which paragraphs match a query: exact like grep, as sorted numpy arrays of documents.

A one-character literal is the posting list of that character, a two-character one the
list of that bigram (each segment's, ``indexer.grams``). A longer literal intersects
the lists of its rarest bigrams (the trick of zoekt and of PostgreSQL's
pg_trgm/pg_bigm) and checks each candidate against the paragraph's match key in place
(``key in paragraph``, on the mapped key column): no positions are read, and what comes
back is exactly what a substring scan finds. AND, OR and NOT are set operations on the
arrays, filters tests of the matches' per-commit values.

Besides the matches, a plain query (terms and filters) has *related* paragraphs: those
that hold every part of a term of several words (``query.loose_units``) where the term
itself does not occur (绿色、低碳 for 绿色低碳). Ranking shows them after the matches;
they are never counted as matches.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from analyzers.ngrams import grams
from indexer.arrays import distinct
from indexer.grams import FIELD as GRAMS
from indexer.query import (
    AllOf,
    AnyOf,
    Filter,
    Literal,
    Node,
    Not,
    key_of,
    loose_units,
    query_words,
    year_range,
)
from indexer.snapshot import Snapshot

# Intersect another bigram's list only while it is this many times the candidates at
# most: past that, checking the candidates against their keys is cheaper than reading it.
INTERSECT_RATIO = 8
CHECK_CHUNK = 4096  # candidates checked between two looks at the clock
FILL_WORD_LIMIT = 20_000  # paragraphs a word may be in and still find a short page's fillers
_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class Matches:
    """The matching paragraphs, and per literal how many paragraphs contain it (its
    document frequency, for ranking)."""

    docs: np.ndarray
    literal_counts: dict[str, int] = field(default_factory=dict)


class Matcher:
    """Evaluates query trees on one snapshot, within a deadline (``time.monotonic``)."""

    def __init__(self, snapshot: Snapshot, deadline: float = float("inf")) -> None:
        self.snapshot = snapshot
        self.deadline = deadline
        self.counts: dict[str, int] = {}
        self.partial = False  # the time budget ran out while checking candidates

    def match(self, node: Node) -> Matches:
        docs = self.docs(node)
        return Matches(docs, self.counts)

    def docs(self, node: Node) -> np.ndarray:
        if isinstance(node, Literal):
            key = key_of(node)
            docs = self.literal(key)
            self.counts[key] = len(docs)
            return docs
        if isinstance(node, AnyOf):
            return _union([self.docs(c) for c in node.children])
        if isinstance(node, AllOf):
            return self.all_of(node)
        # A lone filter: every paragraph that passes; a lone NOT: checked out by compile_query.
        return self.docs(AllOf((node,)))

    def all_of(self, node: AllOf) -> np.ndarray:
        positives = [c for c in node.children if not isinstance(c, Not | Filter)]
        filters = [c for c in node.children if isinstance(c, Filter)]
        negatives = [c.child for c in node.children if isinstance(c, Not)]
        if positives:
            arrays = sorted((self.docs(c) for c in positives), key=len)
            docs = arrays[0]
            for other in arrays[1:]:
                docs = intersect(docs, other)
        else:
            docs = np.flatnonzero(self.snapshot.paragraphs.whole())
        for node_filter in filters:
            docs = docs[self.passes(node_filter, docs)]
        if negatives and len(docs):
            excluded = np.zeros(self.snapshot.size, dtype=bool)
            for negative in negatives:
                excluded[self.docs(negative)] = True
            docs = docs[~excluded[docs]]
        return docs

    def related(self, node: Node) -> np.ndarray:
        """The live paragraphs that hold every part of each (unquoted) term of several
        words and every other term as written, and pass the filters, but do not match
        ``node``."""
        children = node.children if isinstance(node, AllOf) else (node,)
        if not all(isinstance(c, Literal | Filter) for c in children):
            return _EMPTY
        sets, loosened = [], False
        for child in children:
            if isinstance(child, Filter):
                continue
            key = key_of(child)
            exact = self.literal(key)
            units = () if child.quoted else loose_units(key)
            if units:
                holding = sorted((self.literal(u) for u in units), key=len)
                loose = holding[0]
                for other in holding[1:]:
                    loose = intersect(loose, other)
                exact = merged(exact, without(loose, exact, self.snapshot.size))
                loosened = True
            sets.append(exact)
        if not loosened:
            return _EMPTY
        docs = sets[0]
        for other in sets[1:]:
            docs = intersect(docs, other)
        for child in children:
            if isinstance(child, Filter):
                docs = docs[self.passes(child, docs)]
        return without(docs, self.docs(node), self.snapshot.size)

    def some_words(self, node: Node, taken: np.ndarray) -> np.ndarray:
        """The live paragraphs whose text holds at least one jieba word of the query's
        terms and that pass the filters, less ``taken``: what fills the first page of a
        query with fewer hits (河长制 also finds 河湖长制 through 长 and 制), as a plain
        word search ranks. None for a query of quoted phrases only, or with OR/NOT. A
        word that more than ``FILL_WORD_LIMIT`` paragraphs hold (发展 in a large corpus)
        finds none: alone it says little of the topic, and its list would cost more
        than the page."""
        children = node.children if isinstance(node, AllOf) else (node,)
        if not all(isinstance(c, Literal | Filter) for c in children):
            return _EMPTY
        words = {
            word
            for child in children
            if isinstance(child, Literal) and not child.quoted
            for word in query_words(key_of(child))
        }
        lists = [self.snapshot.postings("text", word)[0] for word in sorted(words)]
        lists = [ids for ids in lists if len(ids) <= FILL_WORD_LIMIT]
        if not lists:
            return _EMPTY
        docs = _union(lists)
        docs = docs[self.snapshot.paragraphs[docs]]  # glossary records hold text too
        for child in children:
            if isinstance(child, Filter):
                docs = docs[self.passes(child, docs)]
        return without(docs, taken, self.snapshot.size)

    def passes(self, node: Filter, docs: np.ndarray) -> np.ndarray:
        """Which of ``docs`` pass a filter (``region:``, ``year:``, ``doc:`` prefix)."""
        snapshot = self.snapshot
        if node.name == "year":
            low, high = year_range(node.value)
            years = snapshot.years[docs]
            return (years >= low) & (years <= high)
        if node.name == "doc":
            codes, names = snapshot.doc_codes, snapshot.doc_names
            table = np.array([name.startswith(node.value) for name in names])
        else:
            codes, names = snapshot.region_codes, snapshot.region_names
            table = np.array([name == node.value for name in names])
        table[0] = False  # records without the field
        return table[codes[docs]]

    def literal(self, key: str) -> np.ndarray:
        """Live paragraphs whose match key contains ``key`` (cached per commit)."""
        snapshot = self.snapshot
        if len(key) <= 2:
            return snapshot.postings(GRAMS, key)[0]
        found = snapshot.lookup(("literal", key))
        if found is None:
            found = self._checked(key)
            if not self.partial:  # a list cut short by the deadline is not the answer
                snapshot.remember(("literal", key), found)
        return found

    def _checked(self, key: str) -> np.ndarray:
        snapshot = self.snapshot
        pairs = sorted(set(grams(key, 2)), key=lambda g: snapshot.doc_frequency(GRAMS, g))
        docs = snapshot.postings(GRAMS, pairs[0])[0]
        for pair in pairs[1:]:
            if not len(docs) or (
                pair != pairs[1]
                and snapshot.doc_frequency(GRAMS, pair) > INTERSECT_RATIO * len(docs)
            ):
                break
            docs = intersect(docs, snapshot.postings(GRAMS, pair)[0])
        return self._containing(docs, key.encode("utf-8"))

    def _containing(self, docs: np.ndarray, needle: bytes) -> np.ndarray:
        """The documents whose match key contains ``needle`` (UTF-8 is self-synchronizing,
        so a byte match is a character match)."""
        kept: list[np.ndarray] = []
        for buffer, chunk, starts, ends in self.snapshot.key_slices(docs):
            find = buffer.find
            for at in range(0, len(chunk), CHECK_CHUNK):
                if time.monotonic() > self.deadline:
                    self.partial = True
                    return _concat(kept)
                part = slice(at, at + CHECK_CHUNK)
                hits = [
                    i
                    for i, (s, e) in enumerate(zip(starts[part], ends[part], strict=True))
                    if find(needle, s, e) != -1
                ]
                kept.append(chunk[part][hits])
        return _concat(kept)


class LiteralCounts:
    """How often a literal occurs in one commit: what ranks the strings a pinyin reads."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def paragraphs(self, key: str) -> int:
        """Live paragraphs whose match key contains ``key``."""
        return len(Matcher(self.snapshot).literal(key))

    def occurrences(self, key: str) -> int:
        """Times ``key`` occurs in the live paragraphs' match keys."""
        docs = Matcher(self.snapshot).literal(key)
        needle = key.encode("utf-8")
        return sum(text.count(needle) for text in self.snapshot.match_keys(docs))


def intersect(small: np.ndarray, large: np.ndarray) -> np.ndarray:
    """The common elements of two sorted arrays of distinct numbers: the smaller one
    looked up in the larger by binary search (no merge sort of both)."""
    if len(small) > len(large):
        small, large = large, small
    at = np.searchsorted(large, small)
    at[at == len(large)] = 0
    return small[large[at] == small] if len(large) else small[:0]


def without(docs: np.ndarray, taken: np.ndarray, size: int) -> np.ndarray:
    """``docs`` less ``taken`` (document numbers below ``size``), order kept: a mask,
    not a sort."""
    if not len(taken) or not len(docs):
        return docs
    mask = np.zeros(size, dtype=bool)
    mask[taken] = True
    return docs[~mask[docs]]


def merged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two sorted arrays with nothing in common, as one sorted array (a stable sort of
    two runs is a merge)."""
    if not len(b):
        return a
    return np.sort(np.concatenate((a, b)), kind="stable")


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    return distinct(np.concatenate(arrays)) if arrays else np.zeros(0, dtype=np.int64)
