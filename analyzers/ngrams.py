"""Character n-grams of the match key, so any literal substring is found the way grep finds it.

Word segmentation loses strings that cut across word boundaries (工一批 inside 开工一批);
a phrase of overlapping bigrams does not. Grams are taken from :func:`compact`, which
drops whitespace and quote marks, so 2183套 matches 2183 套 and 四上企业 matches “四上”企业.
Every character starts a gram (the last ones start shorter grams), so a single
character is a prefix query on the same field, and no separate character field is
needed. Positions are key offsets (consecutive grams are consecutive positions);
``startchar`` and ``endchar`` index the original text.

>>> [(t.text, t.pos) for t in CompactGramTokenizer(2)("PM 2.5", positions=True)]
[('pm', 0), ('m2', 1), ('2.', 2), ('.5', 3), ('5', 4)]
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.normalize import compact
from analyzers.tokenizer import OffsetTokenizer, Piece


def grams(key: str, size: int) -> list[str]:
    """The overlapping ``size``-grams of a match key (none if it is shorter)."""
    return [key[i : i + size] for i in range(len(key) - size + 1)]


class CompactGramTokenizer(OffsetTokenizer):
    """The ``size``-character gram starting at each character of the whitespace- and
    quote-free match key (shorter at its end)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CompactGramTokenizer) and other.size == self.size

    def pieces(self, value: str) -> Iterator[Piece]:
        key, offsets = compact(value)
        for i in range(len(key)):
            gram = key[i : i + self.size]
            yield gram, offsets[i], offsets[i + len(gram) - 1] + 1
