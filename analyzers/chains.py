"""The only analyzer chains. Whoosh pickles them into the schema by the import paths of
the classes they compose (``analyzers.tokenizer``, ``analyzers.filters``,
``analyzers.ngrams``): never move or rename those once an index exists."""

from __future__ import annotations

from whoosh.analysis import Analyzer

from analyzers.filters import NumberFilter, SubwordFilter
from analyzers.ngrams import CompactGramTokenizer
from analyzers.tokenizer import WordTokenizer


def word_analyzer() -> Analyzer:
    """jieba words for ranking (BM25F); variants added at index time only."""
    return WordTokenizer() | SubwordFilter() | NumberFilter()


def positional_bigram_analyzer() -> Analyzer:
    """A gram starting at every character of the match key, in order: what a search
    cluster needs for the same literal matching as phrase and prefix queries."""
    return CompactGramTokenizer(2, tail=True)
