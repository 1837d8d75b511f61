"""Each word's first year in a segment: written with the segment, mapped by the query side.

"What is new in year Y" needs, for every word the corpus indexes, the earliest year a
report uses it. Read from the posting lists at query time that is a pass over every
posting of the corpus; the segment's writer has each word's postings sorted in memory
when it writes them (``bulk.Watch``), so it writes, for each word, the first year of its
records, one record of that year (the *witness*) and how many records that year holds
it, into a file named as the segment's own (``MAIN_<id>.firsts``, deleted by Whoosh with
the segment). Merged segments are written the same way, from their merged postings.

A segment never changes, but its records can be deleted (a report replaced or pruned).
A word whose witness is deleted may have had its first year only there: its year is
then read again from its posting list, over the live records — exact, and in proportion
to what was deleted. The words are the ``text`` field's (jieba's, with the index's
dictionary: quoted slogans and glossary headwords are words there); the query side
(``indexer.formulations``) checks every answer against the literal matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from xxhash import xxh3_64_intdigest

from indexer import bulk, mapped

FIELD, COLUMN = "text", "year"
EXTENSION = ".firsts"
_MAGIC = b"PSFRST01"
_NO_YEAR = np.iinfo(np.int32).max


def file_name(segment: Any) -> str:
    return segment.make_filename(EXTENSION)


@dataclass
class Firsts:
    """One segment's words with a year: hashes, first years, witnesses (segment document
    numbers), records in the first year, and the words themselves (``word(i)``)."""

    hashes: np.ndarray
    first: np.ndarray
    witness: np.ndarray
    count: np.ndarray
    ends: np.ndarray
    blob: Any

    def word(self, i: int) -> str:
        start = int(self.ends[i - 1]) if i else 0
        return bytes(self.blob[start : int(self.ends[i])]).decode("utf-8")


def compute(postings: bulk.SortedPostings, years: np.ndarray) -> Firsts:
    """Each word's first year among its records, a record of that year, how many."""
    lengths = postings.ends - postings.starts
    found = years[postings.docs].astype(np.int64)
    found[found <= 0] = _NO_YEAR
    first = np.minimum.reduceat(found, postings.starts) if len(found) else found
    at_first = found == np.repeat(first, lengths)
    count = np.add.reduceat(at_first, postings.starts) if len(found) else found
    term_of = np.repeat(np.arange(len(lengths)), lengths)
    hits = np.flatnonzero(at_first)
    _, where = np.unique(term_of[hits], return_index=True)
    witness = np.zeros(len(lengths), dtype=np.uint32)
    witness[term_of[hits[where]]] = postings.docs[hits[where]]
    kept = np.flatnonzero(first != _NO_YEAR)
    words = [postings.terms[i] for i in kept.tolist()]
    return Firsts(
        hashes=np.fromiter((xxh3_64_intdigest(w) for w in words), np.uint64, len(words)),
        first=first[kept].astype(np.int32),
        witness=witness[kept],
        count=count[kept].astype(np.uint32),
        ends=np.cumsum([len(w) for w in words], dtype=np.uint64),
        blob=b"".join(words),
    )


def written(storage: Any, segment: Any, postings: bulk.SortedPostings, years: Any) -> None:
    """``bulk.Watch``'s callback: write the segment's file."""
    found = compute(postings, years)
    parts: list[mapped.Part] = [
        ("hashes", found.hashes),
        ("first", found.first),
        ("witness", found.witness),
        ("count", found.count),
        ("ends", found.ends),
        ("words", found.blob),
    ]
    mapped.write(storage.create_file, file_name(segment), _MAGIC, parts)


WATCH = bulk.Watch(FIELD, COLUMN, written)


def read(reader: Any) -> Firsts:
    """A segment's first years, mapped; computed from its postings if its file is gone."""
    try:
        found = mapped.Mapped(mapped.segment_path(reader, EXTENSION), _MAGIC)
    except FileNotFoundError:
        return compute(bulk.sorted_postings(reader, FIELD), years_of(reader))
    arrays = found.arrays
    return Firsts(
        arrays["hashes"],
        arrays["first"],
        arrays["witness"],
        arrays["count"],
        arrays["ends"],
        found.blob("words"),
    )


def years_of(reader: Any) -> np.ndarray:
    return bulk.int_column(reader, COLUMN, reader.schema[COLUMN])


def verify(reader: Any) -> None:
    """ValueError unless the segment's file holds what its postings say."""
    found = mapped.Mapped(mapped.segment_path(reader, EXTENSION), _MAGIC)
    try:
        found.verify()
        expected = compute(bulk.sorted_postings(reader, FIELD), years_of(reader))
        for name in ("hashes", "first", "witness", "count", "ends"):
            if not np.array_equal(found.arrays[name], getattr(expected, name)):
                raise ValueError(f"{found.path.name}: the {name} differ from the postings")
    finally:
        found.close()
