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
from collections.abc import Iterable, Mapping

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


def learn(counts: Mapping[str | int, int]) -> list[tuple[str, str]]:
    """``(abbreviation, full form)`` pairs the word counts support, sorted."""
    texts = [w for w in counts if isinstance(w, str)]
    words = {w: counts[w] for w in texts if counts[w] >= MIN_COUNT}
    candidates = [
        (short, term)
        for term in words
        if len(term) == 4 and is_han_word(term) and not NUMERALS & set(term)
        for short in shapes(term)
        if short in words and short not in term
    ]
    wanted = {w for pair in candidates for w in pair}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for text in texts:  # a pair seen once is a context seen all the same
        for cut in range(MIN_NEIGHBOUR, len(text) - 1):
            head, tail = text[:cut], text[cut:]
            if tail in wanted:
                neighbours[tail].add(head + "_")
            if head in wanted and len(tail) >= MIN_NEIGHBOUR:
                neighbours[head].add("_" + tail)
    kept = []
    for short, term in candidates:
        shared = len(neighbours[short] & neighbours[term])
        fewer = min(len(neighbours[short]), len(neighbours[term]))
        common = max(words[short], words[term]) / min(words[short], words[term])
        if shared >= MIN_SHARED and shared >= MIN_OVERLAP * fewer and common <= MAX_RATIO:
            kept.append((short, term))
    return sorted(set(kept))


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
