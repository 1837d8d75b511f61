"""Abbreviations and their full forms, learned from the corpus: 电商 ↔ 电子商务.

A Chinese abbreviation of a four-character term keeps the first character of each half
(电子商务 → 电商, 环境保护 → 环保) or, less often, its first and last (加大力度 → 加力).
Many word pairs fit that shape by chance (建设 and 建筑设计), so a pair is kept only when
the corpus uses the two forms alike: they share at least ``MIN_SHARED`` neighbouring
words (农村电商 and 农村电子商务, 电商平台 and 电子商务平台), those make up a fair part of
the rarer form's neighbours, and neither form is so much commoner that it is plainly a
word of its own. Neighbours come from the word pairs the lexicon counts (two adjacent
words of six characters at most), so learning costs one pass over the word counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Set
from typing import Any

from analyzers.segment import is_han_word

MIN_SHARED = 3  # neighbouring words both forms are seen with
MIN_OVERLAP = 0.2  # of the rarer form's neighbours
MAX_RATIO = 30  # one form this much commoner than the other is a word of its own
MIN_COUNT = 2  # occurrences of each form
NUMERALS = frozenset("零一二三四五六七八九十百千万亿两第")  # 第三十三 is no abbreviation
MIN_NEIGHBOUR = 2  # characters: a one-character neighbour (和, 的) says nothing


def shapes(term: str) -> tuple[str, ...]:
    """The abbreviations a four-character term may have.

    >>> shapes("电子商务")
    ('电商', '电务')
    """
    return (term[0] + term[2], term[0] + term[3])


def qualifies(term: str) -> bool:
    """Whether ``term`` may be the full form of an abbreviation."""
    return len(term) == 4 and is_han_word(term) and not NUMERALS & set(term)


def pairs_of(term: str) -> list[tuple[str, str]]:
    """The ``(abbreviation, full form)`` pairs a term may be part of, if it qualifies."""
    return [(short, term) for short in shapes(term) if short not in term] if qualifies(term) else []


def contexts(text: str) -> Iterator[tuple[str, str]]:
    """``(form, neighbour)`` for each way ``text`` is a form with a neighbouring word
    (农村电商: 电商 after 农村_), for the forms an abbreviation or a full form can be."""
    for cut in range(MIN_NEIGHBOUR, len(text) - 1):
        head, tail = text[:cut], text[cut:]
        if len(tail) in (2, 4) and not NUMERALS & set(tail):
            yield tail, head + "_"
        if len(head) in (2, 4) and not NUMERALS & set(head):
            yield head, "_" + tail


def alike(counts: tuple[int, int], neighbours: tuple[Set[Any], Set[Any]]) -> bool:
    """Whether two forms seen ``counts`` times, with these neighbours, are used alike."""
    if min(counts) < MIN_COUNT:
        return False
    shared = len(neighbours[0] & neighbours[1])
    fewer = min(map(len, neighbours))
    return (
        shared >= MIN_SHARED
        and shared >= MIN_OVERLAP * fewer
        and max(counts) / min(counts) <= MAX_RATIO
    )


def learn(counts: Mapping[str | int, int]) -> list[tuple[str, str]]:
    """``(abbreviation, full form)`` pairs the word counts support, sorted: the whole
    corpus's, as the index learns them commit by commit (``indexer.tally``)."""
    texts = [w for w in counts if isinstance(w, str) and counts[w] > 0]
    candidates = [pair for term in texts for pair in pairs_of(term)]
    wanted = {w for pair in candidates for w in pair}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for text in texts:  # a pair seen once is a context seen all the same
        for form, neighbour in contexts(text):
            if form in wanted:
                neighbours[form].add(neighbour)
    return sorted(
        {
            (short, term)
            for short, term in candidates
            if alike((counts.get(short, 0), counts[term]), (neighbours[short], neighbours[term]))
        }
    )


def table(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Each form's other forms, both ways.

    >>> table([("电商", "电子商务")])
    {'电商': ('电子商务',), '电子商务': ('电商',)}
    """
    others: dict[str, list[str]] = defaultdict(list)
    for short, term in pairs:
        others[short].append(term)
        others[term].append(short)
    return {form: tuple(forms) for form, forms in others.items()}
