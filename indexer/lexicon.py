"""The corpus vocabulary with its pinyin: what pinyin queries and suggestions map to.

Built at index time from the words jieba cuts the corpus into (user dictionary included,
so jargon such as 三个一批 is one word), with how often each occurs, and from the Han
bigrams with the number of paragraphs holding each: the walk that finds any other string of
the corpus by its reading (``indexer.readings``). A changed or removed document's counts
are recounted from its stored paragraphs and subtracted exactly.
"""

from __future__ import annotations

import difflib
import heapq
import os
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from analyzers.normalize import match_key
from analyzers.pinyin import syllable_splits, word_pinyin
from analyzers.segment import Segmenter, is_han_word
from indexer.ledger import ENTRY_START, Table
from indexer.matching import LiteralCounts
from indexer.readings import BigramGraph, bigram_paragraphs

MIN_WORD = 2  # single characters are too ambiguous to be a pinyin answer
MAX_READ = 8  # characters a typed reading stands for, when no word is read so
MAX_PAIR = 6  # two adjacent words up to this length count as one term: 营商 + 环境
MIN_PAIR_FREQ = 2  # a word pair seen once is noise for pinyin and suggestions
PARALLEL_PINYIN = 20_000  # new words per process worth forking for


Counts = Counter[str | int]  # a word's occurrences; a Han bigram's paragraphs, by its code


def count_words(
    texts: list[str],
    segmenter: Segmenter,
    terms: Iterable[str] = (),
    keys: list[str] | None = None,
) -> Counts:
    """How often each Han word (two or more characters) and short word pair occurs, and
    in how many of the paragraphs ``texts`` each pair of adjacent Han characters is.

    Pairs make phrases that jieba cuts in two (营商环境 -> 营商 / 环境) reachable by
    their pinyin, yingshanghuanjing, as people type them. Glossary ``terms`` count too,
    as literal strings: quotes cut “三变”改革 into runs jieba never sees whole. Bigrams
    (integer codes, never confused with a word) are counted in the match key, as each
    segment's grams hold them (``keys``: the texts' match keys, if the caller has them).
    """
    keys = [match_key(text) for text in texts] if keys is None else keys
    counts: Counts = Counter(bigram_paragraphs(keys))
    counted = {t: None for t in terms if is_han_word(t) and len(t) >= MIN_WORD}  # ordered
    for term in counted:
        counts[term] = sum(key.count(term) for key in keys)
    for text in texts:
        # Han words only, each with whether it touches the one before (Counter.update
        # counts a list at C speed: a loop of += per word cost twice as much).
        cut = [(w, s, e) for w, s, e in segmenter.words(text) if is_han_word(w)]
        counts.update([w for w, _, _ in cut if len(w) >= MIN_WORD and w not in counted])
        counts.update(
            [
                a + b
                for (a, _, end), (b, start, _) in zip(cut, cut[1:], strict=False)
                if end == start and 2 < len(a) + len(b) <= MAX_PAIR
            ]
        )
    return counts


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    freq: int  # occurrences; for a string no lexicon lists, the paragraphs holding it
    full: str  # toneless pinyin
    initials: str
    jargon: bool  # from the user dictionary: glossary terms, quoted slogans


def lexicon_table(
    counts: Counts,
    known: dict[str, list[Any]],
    jargon: Iterable[str],
    is_word: Callable[[str], bool],
) -> dict[str, list[Any]]:
    """``{word: [freq, full, initials]}`` for the words worth a pinyin lookup: jargon,
    dictionary words, and pairs seen at least ``MIN_PAIR_FREQ`` times. Pinyin is
    computed once per word (``known`` is the previous table)."""
    special = set(jargon)
    wanted = [
        (word, freq)
        for word, freq in counts.items()
        if isinstance(word, str)
        and freq > 0
        and (freq >= MIN_PAIR_FREQ or word in special or is_word(word))
    ]
    new = [word for word, _ in wanted if word not in known]
    readings = dict(zip(new, _readings(new), strict=True))
    return {
        word: [freq, *(readings[word] if word in readings else known[word][1:])]
        for word, freq in wanted
    }


def lexicon_payload(word: str, entry: list[Any]) -> str:
    """A lexicon entry (``lexicon_table``'s) as the lexicon table keeps its text: the word,
    its pinyin and initials; its frequency is the entry's value."""
    return "\t".join([word, *entry[1:]])


def lexicon_entry(payload: str, freq: int) -> tuple[str, list[Any]]:
    """The word and its ``lexicon_table`` entry, from ``lexicon_payload`` and its value."""
    word, full, initials = payload.split("\t")
    return word, [freq, full, initials]


def _readings(words: list[str]) -> Iterable[tuple[str, str]]:
    """The pinyin of ``words`` (~0.1 ms each: a large corpus has hundreds of thousands
    of new words), in forked processes when there are many."""
    procs = min(os.cpu_count() or 1, len(words) // PARALLEL_PINYIN)
    if procs < 2:
        return map(word_pinyin, words)
    import multiprocessing  # the writer's: a reader never loads it

    with multiprocessing.get_context("fork").Pool(procs) as pool:
        return pool.map(word_pinyin, words, chunksize=PARALLEL_PINYIN // 4)


class PinyinLexicon:
    """Words by full pinyin and by initials, exact or prefix, most useful first; with the
    corpus's bigrams (``strings``) and its literal ``counts``, any other string of the
    corpus by any reading of its characters too."""

    def __init__(
        self,
        table: dict[str, list[Any]],
        jargon: Iterable[str] = (),
        strings: Callable[[], BigramGraph] | None = None,
        counts: LiteralCounts | None = None,
    ) -> None:
        """``strings`` loads the bigram graph when a typed reading first needs it."""
        special = set(jargon)
        self.words = {w: Word(w, f, full, ini, w in special) for w, (f, full, ini) in table.items()}
        self._load_strings, self._counts = strings, counts
        self._read = lru_cache(maxsize=1024)(self._read_strings)  # per commit, as self is

    # Each view of the words is built on first use: a typed reading needs readings and
    # the bigrams, a prefix the words in order.
    @cached_property
    def _full(self) -> list[tuple[str, str]]:
        return sorted((w.full, w.text) for w in self.words.values())

    @cached_property
    def _initials(self) -> list[tuple[str, str]]:
        return sorted((w.initials, w.text) for w in self.words.values())

    @cached_property
    def _texts(self) -> list[tuple[str, str]]:
        return sorted((w, w) for w in self.words)  # for prefixes of the words

    @cached_property
    def _strings(self) -> BigramGraph | None:
        return None if self._load_strings is None else self._load_strings()

    def __len__(self) -> int:
        return len(self.words)

    @staticmethod
    def _with_prefix(table: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
        """The entries whose key starts with ``prefix``: a contiguous run of the sorted
        table, found by bisecting both of its ends (no copy of the table's tail)."""
        start = bisect_left(table, (prefix, ""))
        end = bisect_left(table, (prefix + "\U0010ffff", ""), start)
        return [entry for entry in table[start:end] if entry[0].startswith(prefix)]

    @staticmethod
    def _exactly(table: list[tuple[str, str]], key: str) -> list[tuple[str, str]]:
        """The entries whose key is ``key``."""
        start = bisect_left(table, (key, ""))
        return table[start : bisect_left(table, (key, "\U0010ffff"), start)]

    def candidates(self, typed: str, n: int = 5) -> list[Word]:
        """Corpus strings for a typed pinyin: read exactly by it in full, then by its
        initials, then those whose reading (full, then initials) it starts.

        Within a tier jargon comes first (it is what people look up), then words by
        frequency, then other strings of the corpus by the paragraphs they are in
        (``_tier``). A later tier is searched only while fewer than ``n`` are found."""
        ranked: dict[str, Word] = {}
        for tier in range(4):
            if len(ranked) >= n:
                break
            for word in self._tier(tier, typed, n):
                ranked.setdefault(word.text, word)
        return list(ranked.values())[:n]

    def _tier(self, tier: int, typed: str, n: int) -> list[Word]:
        """One tier's strings, best first: words whose own reading ``typed`` matches;
        then words it matches by another reading of a character (长三角 read changsanjiao,
        where pypinyin says zhangsanjiao); then other strings, each after the likeliest
        word that starts with it (三个一 -> 三个一批)."""
        exact, table = tier < 2, (self._full, self._initials)[tier % 2]
        if not exact and len(typed) < 2:
            return []
        matched = self._exactly(table, typed) if exact else self._with_prefix(table, typed)
        own = _likeliest((self.words[t] for key, t in matched if (key == typed) == exact), n)
        others = self._read(tier, typed, n)
        also = {t: self.words[t] for t in others if t in self.words}
        if tier == 2:  # words that start with a string read so: 长三 -> 长三角 (changsan…)
            read = [*self._read(0, typed, n), *others]
            also.update((w.text, w) for text in read for w in self.starting_with(text, n))
        fragments = []
        for text, paragraphs in others.items():
            # A string seen once is noise here, as a word pair seen once is.
            if text not in self.words and (
                paragraphs >= MIN_PAIR_FREQ or self._counts.occurrences(text) >= MIN_PAIR_FREQ
            ):
                fragments += sorted(self.starting_with(text), key=lambda w: not w.jargon)[:1]
                fragments.append(Word(text, paragraphs, *word_pinyin(text), jargon=False))
        return [*own, *_likeliest(also.values(), n), *fragments]

    def _read_strings(self, tier: int, typed: str, n: int) -> dict[str, int]:
        """The corpus strings of ``MIN_WORD`` to ``MAX_READ`` characters that ``typed``
        reads (tier 0: in full; 1: by initials; 2: in full, the last syllable maybe
        unfinished), with their paragraph counts, the ``n`` most frequent."""
        graph, counts = self._strings, self._counts
        if graph is None or counts is None or tier == 3:  # unfinished initials: words only
            return {}
        if tier == 1:
            if syllable_splits(typed):  # fang is a syllable, not four initials
                return {}
            walks = [tuple((c, False) for c in typed)]
        else:
            walks = [
                (*((s, True) for s in split[:-1]), (split[-1], tier == 0))
                for split in syllable_splits(typed, partial=tier == 2)
            ]
        walks = [w for w in walks if MIN_WORD <= len(w) <= MAX_READ]
        return graph.top(walks, counts.paragraphs, n) if walks else {}

    def starting_with(self, prefix: str, n: int = 8) -> list[Word]:
        """Words that start with ``prefix``, the most frequent first."""
        found = [self.words[t] for t, _ in self._with_prefix(self._texts, prefix)]
        return sorted(found, key=lambda w: (-w.freq, not w.jargon, w.text))[:n]


class LexiconTable:
    """The lexicon where it lies, in its table: the words a suggestion for a query with
    no hits asks for (read like it, spelled like it), found by searching the table's
    text in place — never the whole lexicon loaded (seconds at 1 GB) for one query."""

    def __init__(self, table: Table, jargon: Container[str]) -> None:
        self._table, self._jargon = table, jargon

    def _words(self, needle: str) -> list[Word]:
        """The live words whose entry (``lexicon_payload``, the separator before it)
        holds ``needle``."""
        texts = sorted({lexicon_entry(p, 0)[0] for p in self._table.payloads_with(needle.encode())})
        return [
            Word(word, freq, *lexicon_entry(payload, freq)[1][1:], word in self._jargon)
            for word, (freq, payload) in self._table.lookup(texts).items()
        ]

    def homophones(self, text: str) -> list[Word]:
        """Other words read exactly like ``text`` (a typo by sound), most frequent first."""
        return homophones_of(text, self._words(f"\t{word_pinyin(text)[0]}\t"))

    def similar(self, text: str, n: int = 5) -> list[str]:
        """Words of about the same length that differ in a character or two: among those
        that keep its first or its last character (a typo keeps one of them, most often)."""
        first, last = text[0], text[-1]
        pool = self._words(ENTRY_START + first) if is_han_word(first) else []
        pool += self._words(last + "\t") if is_han_word(last) else []
        return near_spellings(text, pool, n)


def homophones_of(text: str, words: Iterable[Word]) -> list[Word]:
    """The ``words`` read exactly like ``text`` but for it, most frequent first."""
    full = word_pinyin(text)[0]
    found = [w for w in words if w.full == full and w.text != text]
    return sorted(found, key=lambda w: (-w.freq, w.text))


def near_spellings(text: str, pool: Iterable[Word], n: int) -> list[str]:
    """The words of ``pool`` of about ``text``'s length, keeping its first or last
    character, closest in spelling."""
    first, last = text[0], text[-1]
    near = {
        w.text
        for w in pool
        if (w.text[0] == first or w.text[-1] == last) and abs(len(w.text) - len(text)) <= 1
    }
    return difflib.get_close_matches(text, near, n=n, cutoff=0.6)


def _likeliest(words: Iterable[Word], n: int) -> list[Word]:
    """The ``n`` likeliest: jargon first, then the most frequent (ties keep their order,
    by reading). A prefix such as ``xi`` has tens of thousands of words: not sorted."""
    return heapq.nsmallest(n, words, key=lambda w: (not w.jargon, -w.freq))
