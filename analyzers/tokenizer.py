"""WordTokenizer: jieba words as Whoosh tokens.

Positions are word ordinals, so phrase queries work (jieba's own ChineseAnalyzer uses
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


class WordTokenizer(Tokenizer):
    """Words from the active segmenter (the open index's jieba and user dictionary)."""

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
        for pos, (word, start, end) in enumerate(active_segmenter().words(value), start_pos):
            token.text, token.boost, token.stopped = word, 1.0, False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token
