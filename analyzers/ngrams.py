"""Character n-grams of the match key, so any literal substring is found the way grep finds it.

Word segmentation loses strings that cut across word boundaries (工一批 inside 开工一批);
n-grams do not. Grams are taken from :func:`compact`, which drops whitespace and quote
marks, so 2183套 matches 2183 套 and 四上企业 matches “四上”企业. The index keeps, per
paragraph, the set of its characters and the set of its bigrams (no positions): a
one- or two-character literal is one posting list, a longer one the intersection of
its bigrams' lists, checked against the paragraph's match key. With ``tail``, every
character starts a gram (the last ones start shorter grams), so that a single
character is a prefix query on the same field: the positional form the export writes
for a search cluster. ``startchar`` and ``endchar`` index the original text.

>>> [(t.text, t.pos) for t in CompactGramTokenizer(2, tail=True)("PM 2.5", positions=True)]
[('pm', 0), ('m2', 1), ('2.', 2), ('.5', 3), ('5', 4)]
>>> [t.text for t in CompactGramTokenizer(2)("PM 2.5")]
['pm', 'm2', '2.', '.5']
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.normalize import compact
from analyzers.tokenizer import OffsetTokenizer, Piece


def grams(key: str, size: int) -> list[str]:
    """The overlapping ``size``-grams of a match key (none if it is shorter)."""
    return [key[i : i + size] for i in range(len(key) - size + 1)]


class CompactGramTokenizer(OffsetTokenizer):
    """The ``size``-character grams of the whitespace- and quote-free match key; with
    ``tail``, also the shorter grams starting at its last characters."""

    def __init__(self, size: int, tail: bool = False) -> None:
        self.size = size
        self.tail = tail

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CompactGramTokenizer)
            and other.size == self.size
            and other.tail == self.tail
        )

    def pieces(self, value: str) -> Iterator[Piece]:
        key, offsets = compact(value)
        last = len(key) if self.tail else len(key) - self.size + 1
        for i in range(last):
            gram = key[i : i + self.size]
            yield gram, offsets[i], offsets[i + len(gram) - 1] + 1
