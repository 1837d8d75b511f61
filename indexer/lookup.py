"""Jargon lookup over the glossary entries of the whole index, held in memory.

Lookups compare match keys (no quote marks, full-width folded, case-insensitive), so
“13710”, 13710 and １３７１０ are one key. The same term defined by several reports gives
one entry per report, newest first; appendix entries rank above inline definitions, and
those above expansions (lists of the corpus an abbreviation stands for).
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from analyzers.normalize import match_key
from indexer.ingest.entries import EXPANSION, GLOSSARY, INLINE


@dataclass(frozen=True, eq=False)
class TermEntry:
    """A glossary entry with the metadata of the report that defines it. One object per
    entry of the index (the ``Glossary`` holds them), compared and hashed by identity:
    a common term's hundreds of definitions are de-duplicated per query."""

    term: str
    definition: str
    aliases: tuple[str, ...]
    keys: tuple[str, ...]
    doc: str
    title: str
    region: str
    year: int | None
    date: str
    paragraph: int
    source: str
    label: str = ""  # the report as people cite it (metadata.document_label)
    items: tuple[str, ...] = ()  # an expansion's items, as the list writes them
    rank: int = 0  # an expansion's place among the term's (the nearer to its use, the lower)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._as_dict)  # a copy: the caller may change it

    @cached_property
    def _as_dict(self) -> dict[str, Any]:
        """Built once per entry: a term defined by thousands of reports puts every one of
        its entries on the first page of a search."""
        return {
            "kind": "glossary",
            "term": self.term,
            "definition": self.definition,
            "text": self.definition,
            "aliases": list(self.aliases),
            "doc": self.doc,
            "label": self.label,
            "title": self.title,
            "region": self.region,
            "year": self.year,
            "date": self.date,
            "paragraph": self.paragraph,
            "source": self.source,
            "items": list(self.items),
        }


_SOURCES = {GLOSSARY: 0, INLINE: 1, EXPANSION: 2}


def _newest_first(entry: TermEntry) -> tuple[int, int, int, str, str]:
    """Appendix entries, then inline definitions, then expansions (the nearest to where
    the term is used first); of each, the newest report first."""
    return (
        _SOURCES[entry.source],
        entry.rank,
        -(entry.year or 0),
        _invert(entry.date),
        entry.doc,
    )


_LATER_FIRST = str.maketrans("0123456789", "9876543210")


def _invert(date: str) -> str:
    """A string that sorts the later ISO date first (a table lookup: a large glossary
    sorts tens of thousands of entries when a commit opens).

    >>> sorted(["2021-03-01", "2023-02-26", "2022-12-31"], key=_invert)
    ['2023-02-26', '2022-12-31', '2021-03-01']
    """
    return date.translate(_LATER_FIRST)


def _is_code(key: str) -> bool:
    """Bare numbers and codes (13710, 1+3) are aliases for lookup, too ambiguous in prose."""
    return key.isascii()


_place = itemgetter(0)


def ordered(entries: Iterable[TermEntry]) -> list[TermEntry]:
    """Entries in the glossary's order (``_newest_first``; ties keep their order)."""
    return [entry for _, entry in sorted(((_newest_first(e), e) for e in entries), key=_place)]


LONGEST_KEY = 32  # characters: no term is looked for in a query beyond this length


class GlossaryLookup:
    """Lookups over whatever finds a key's entries (``entries_of``, in glossary order),
    says whether a key has any (``has_key``) and lists keys by prefix (``keys_from``):
    the glossary in memory, or one looked up in the index (``store.IndexedGlossary``)."""

    longest = LONGEST_KEY

    def entries_of(self, key: str) -> list[TermEntry]:
        raise NotImplementedError

    def has_key(self, key: str) -> bool:
        raise NotImplementedError

    def keys_from(self, prefix: str) -> list[str]:
        """Every key that starts with ``prefix``, in order."""
        raise NotImplementedError

    @property
    def whole(self) -> Glossary:
        raise NotImplementedError

    @property
    def entries(self) -> list[TermEntry]:
        return self.whole.entries

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, text: str) -> list[TermEntry]:
        """Exact term or alias matches first, then terms that start with ``text``;
        definitions of either before any expansion (what the corpus says a term means
        outranks what its lists suggest)."""
        key = match_key(text)
        if not key:
            return []
        exact = self.entries_of(key)
        prefixed = [e for k in self.keys_from(key) if k != key for e in self.entries_of(k)]
        found = dict.fromkeys(exact + ordered(prefixed))
        return sorted(found, key=lambda entry: entry.source == EXPANSION)

    def terms_in(self, text: str) -> list[TermEntry]:
        """Entries whose term occurs in ``text``; where terms overlap, the longest wins."""
        key = match_key(text)
        found: list[tuple[int, int, str]] = []
        # Every substring of the (short) query that is a key, rather than every key of
        # the glossary searched in the query: a large glossary has thousands.
        for start in range(len(key)):
            for end in range(start + 2, min(len(key), start + self.longest) + 1):
                k = key[start:end]
                if not (_is_code(k) and k != key) and self.has_key(k):
                    found.append((start, end, k))
        covered: set[int] = set()
        chosen: list[str] = []
        for start, end, k in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if covered.isdisjoint(range(start, end)):
                covered.update(range(start, end))
                chosen.append(k)
        return list(dict.fromkeys(e for k in chosen for e in self.entries_of(k)))

    def closest(self, text: str, n: int = 5) -> list[str]:
        """Terms that look like ``text``: a key (term or alias, not a bare number) that
        contains it (the shortest first), is contained in it (in the order it is written
        there) or is spelled alike (the likest first) names its entry's term. Found
        among the keys alone, then the entries of the first few are read: a glossary of
        tens of thousands of entries is not read for a query with no hits."""
        key = match_key(text)
        if not key:
            return []
        keys = [k for k in self.keys_from("") if not _is_code(k)]
        near = sorted((k for k in keys if key in k), key=len)
        near += sorted((k for k in keys if len(k) >= 2 and k in key), key=key.index)
        near += difflib.get_close_matches(key, keys, n=n, cutoff=0.5)
        terms: dict[str, None] = {}
        for k in dict.fromkeys(near):
            terms.update(dict.fromkeys(entry.term for entry in self.entries_of(k)[:1]))
            if len(terms) >= n:
                break
        return list(terms)[:n]

    def grouped(self) -> dict[str, list[TermEntry]]:
        return self.whole.grouped()


class Glossary(GlossaryLookup):
    """All entries in memory, indexed by every key of their term and aliases."""

    def __init__(self, entries: Iterable[TermEntry]) -> None:
        self._entries = ordered(entries)
        self._by_key: dict[str, list[TermEntry]] = defaultdict(list)
        for entry in self._entries:
            for key in entry.keys:
                self._by_key[key].append(entry)
        self._keys = sorted(self._by_key)  # for prefix lookups by bisection
        self.longest = max(map(len, self._keys), default=0)

    @property
    def whole(self) -> Glossary:
        return self

    @property
    def entries(self) -> list[TermEntry]:
        return self._entries

    def entries_of(self, key: str) -> list[TermEntry]:
        return list(dict.fromkeys(self._by_key.get(key, ())))

    def has_key(self, key: str) -> bool:
        return key in self._by_key

    def keys_from(self, prefix: str) -> list[str]:
        keys, at = self._keys, bisect_left(self._keys, prefix)
        found = []
        while at < len(keys) and keys[at].startswith(prefix):
            found.append(keys[at])
            at += 1
        return found

    def grouped(self) -> dict[str, list[TermEntry]]:
        """Entries grouped by their bare term, in term order."""
        groups: dict[str, list[TermEntry]] = defaultdict(list)
        for entry in self.entries:
            groups[entry.keys[0]].append(entry)
        return dict(sorted(groups.items()))
