"""Whoosh tokenizers over pieces of text that know their offsets in the original.

Positions are piece ordinals, so phrase queries work (jieba's own ChineseAnalyzer uses
character offsets as positions and breaks them); ``startchar``/``endchar`` index the
original text, because every fold before segmentation preserves length.

>>> [(t.text, t.pos, t.startchar) for t in WordTokenizer()("优化 营商环境", positions=True, chars=True)]
[('优化', 0, 0), ('营商', 1, 3), ('环境', 2, 5)]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

from analyzers.segment import active_segmenter

Piece = tuple[str, int, int]  # text, start offset, end offset


class OffsetTokenizer(Tokenizer):
    """Turns ``pieces(value)`` into Whoosh tokens; subclasses say what the pieces are."""

    def pieces(self, value: str) -> Iterator[Piece]:
        raise NotImplementedError

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (text, start, end) in enumerate(self.pieces(value), start_pos):
            token.text, token.boost, token.stopped = text, 1.0, False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class WordTokenizer(OffsetTokenizer):
    """Words from the active segmenter (the open index's jieba and user dictionary)."""

    def pieces(self, value: str) -> Iterator[Piece]:
        return active_segmenter().words(value)
