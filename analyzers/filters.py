"""Index-time filters that add variants of a word at the same position.

Added tokens share the position of their word, so phrase queries still line up; they are
added only in ``mode="index"``, so a query is always the plain words the user typed.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Filter, Token

from analyzers.segment import active_segmenter


class SubwordFilter(Filter):
    """Also index the dictionary words inside a long word: 营商环境 also as 营商, 环境.

    >>> from analyzers.tokenizer import WordTokenizer
    >>> [t.text for t in (WordTokenizer() | SubwordFilter())("中华人民共和国", mode="index")]
    ['中华人民共和国', '中华', '华人', '人民', '共和', '共和国']
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        segmenter = active_segmenter()
        for token in tokens:
            yield token
            if token.mode != "index":
                continue
            word = token.text
            for sub in segmenter.subwords(word):
                token.text = sub
                yield token
            token.text = word


class NumberFilter(Filter):
    """Also index a percentage as its bare number: 5.1% is found by the query 5.1.

    >>> from analyzers.tokenizer import WordTokenizer
    >>> [t.text for t in (WordTokenizer() | NumberFilter())("增长5.1%", mode="index")]
    ['增长', '5.1%', '5.1']
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            yield token
            word = token.text
            if token.mode == "index" and len(word) > 1 and word.endswith("%"):
                token.text = word[:-1]
                yield token
                token.text = word
