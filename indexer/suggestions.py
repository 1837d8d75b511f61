"""What a user may have meant, or is typing: suggestions for a query with few or no hits
and completions of a prefix, from the pinyin lexicon (``indexer.lexicon``, with any other
string of the corpus by its reading, ``indexer.readings``) and the glossary."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

import numpy as np

from analyzers.normalize import match_key
from analyzers.pinyin import typed_pinyin
from indexer.ingest.entries import bare
from indexer.ledger import Ledger
from indexer.lexicon import LexiconTable, PinyinLexicon, lexicon_entry
from indexer.lookup import GlossaryLookup
from indexer.matching import LiteralCounts
from indexer.readings import BigramGraph, pack_bigrams
from indexer.schema import BIGRAM_TOTALS, LEXICON_WORDS
from indexer.snapshot import Snapshot

TYPO_RATIO = 5  # with a few hits, only a sound-alike this many times as frequent is a typo


def load_lexicon(ledger: Ledger, jargon: Iterable[str], snapshot: Snapshot) -> PinyinLexicon:
    """The commit's lexicon and bigrams (``ledger``), counted against its ``snapshot``."""
    lexicon = ledger.table(LEXICON_WORDS).entries()
    pairs = zip(lexicon.payloads or (), lexicon.values.tolist(), strict=True)
    table = dict(lexicon_entry(payload, freq) for payload, freq in pairs)
    return PinyinLexicon(table, jargon, partial(load_bigrams, ledger), LiteralCounts(snapshot))


def load_bigrams(ledger: Ledger) -> BigramGraph:
    """The commit's Han bigrams with their paragraph counts."""
    return BigramGraph(packed_bigrams(ledger))


def packed_bigrams(ledger: Ledger) -> dict[str, bytes | str]:
    """The commit's Han bigrams as ``BigramGraph`` reads them (``pack_bigrams``)."""
    bigrams = ledger.table(BIGRAM_TOTALS).entries()
    return pack_bigrams(bigrams.groups.astype(np.int64), bigrams.values)


def suggestions(
    lexicon: Callable[[], PinyinLexicon],
    words: LexiconTable,
    glossary: GlossaryLookup,
    text: str,
    *,
    hits: int = 0,
    n: int = 5,
) -> list[str]:
    """Corpus terms the user may have meant: same sound, close spelling, or a glossary
    term; with some hits, only terms far more common than the query (a likely typo).
    A typed reading asks the ``lexicon`` (loaded on first use); anything else, the
    lexicon's table (``words``) and the glossary's keys, in place."""
    typed = typed_pinyin(text)
    if typed:
        return [w.text for w in lexicon().candidates(typed, n)]
    key = match_key(text)
    if not key:
        return []
    sounds = words.homophones(key)
    if hits:
        floor = TYPO_RATIO * max(hits, 1)
        return [w.text for w in sounds if w.freq >= floor][:n]
    found = [w.text for w in sounds] + words.similar(key, n) + glossary.closest(key, n)
    return [w for w in dict.fromkeys(found) if match_key(w) != key][:n]


def completions(
    lexicon: PinyinLexicon, glossary: GlossaryLookup, prefix: str, n: int = 8
) -> list[dict[str, str]]:
    """What a user typing ``prefix`` may want: glossary terms and corpus words that
    start with it, or, for letters, the strings that pinyin or initials stand for."""
    key = match_key(prefix)
    if not key:
        return []
    found: dict[str, str] = {}
    for entry in glossary.lookup(prefix):
        found.setdefault(bare(entry.term), "glossary")
    typed = typed_pinyin(prefix)
    words = lexicon.candidates(typed, n) if typed else lexicon.starting_with(key, n)
    for word in words:
        found.setdefault(word.text, "pinyin" if typed else "word")
    return [{"text": t, "kind": k} for t, k in list(found.items())[:n]]
