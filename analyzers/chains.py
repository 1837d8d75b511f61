"""The only analyzer chains. Whoosh pickles them into the schema by this import path:
never move or rename this module or the classes it composes once an index exists."""

from __future__ import annotations

from whoosh.analysis import Analyzer

from analyzers.filters import NumberFilter, SubwordFilter
from analyzers.ngrams import CompactGramTokenizer
from analyzers.tokenizer import WordTokenizer


def word_analyzer() -> Analyzer:
    """jieba words for ranking (BM25F, phrases); variants added at index time only."""
    return WordTokenizer() | SubwordFilter() | NumberFilter()


def bigram_analyzer() -> Analyzer:
    """Bigrams of the match key: literal (grep-like) matching of any string."""
    return CompactGramTokenizer(2)
