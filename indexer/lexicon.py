"""The corpus vocabulary with its pinyin: what pinyin queries and suggestions map to.

Built at index time from the words jieba cuts the corpus into (user dictionary included,
so jargon such as 三个一批 is one word), with how often each occurs. Each document record
keeps its own counts, so a changed or removed document is subtracted exactly.
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from analyzers.normalize import match_key
from analyzers.pinyin import word_pinyin
from analyzers.segment import Segmenter, is_han_word

MIN_WORD = 2  # single characters are too ambiguous to be a pinyin answer
MAX_PAIR = 6  # two adjacent words up to this length count as one term: 营商 + 环境
MIN_PAIR_FREQ = 2  # a word pair seen once is noise for pinyin and suggestions
PARALLEL_PINYIN = 20_000  # new words per process worth forking for


def count_words(texts: list[str], segmenter: Segmenter, terms: Iterable[str] = ()) -> Counter[str]:
    """How often each Han word (two or more characters) and short word pair occurs.

    Pairs make phrases that jieba cuts in two (营商环境 -> 营商 / 环境) reachable by
    their pinyin, yingshanghuanjing, as people type them. Glossary ``terms`` count too,
    as literal strings: quotes cut “三变”改革 into runs jieba never sees whole.
    """
    counts: Counter[str] = Counter()
    counted = {t: None for t in terms if is_han_word(t) and len(t) >= MIN_WORD}  # ordered
    if counted:
        keys = [match_key(text) for text in texts]
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
    freq: int
    full: str  # toneless pinyin
    initials: str
    jargon: bool  # from the user dictionary: glossary terms, quoted slogans


def lexicon_table(
    counts: Counter[str],
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
        if freq > 0 and (freq >= MIN_PAIR_FREQ or word in special or is_word(word))
    ]
    new = [word for word, _ in wanted if word not in known]
    readings = dict(zip(new, _readings(new), strict=True))
    return {
        word: [freq, *(readings[word] if word in readings else known[word][1:])]
        for word, freq in wanted
    }


def _readings(words: list[str]) -> Iterable[tuple[str, str]]:
    """The pinyin of ``words`` (~0.1 ms each: a large corpus has hundreds of thousands
    of new words), in forked processes when there are many."""
    procs = min(os.cpu_count() or 1, len(words) // PARALLEL_PINYIN)
    if procs < 2:
        return map(word_pinyin, words)
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        return pool.map(word_pinyin, words, chunksize=PARALLEL_PINYIN // 4)


class PinyinLexicon:
    """Words by full pinyin and by initials, exact or prefix, most useful first."""

    def __init__(self, table: dict[str, list[Any]], jargon: Iterable[str] = ()) -> None:
        special = set(jargon)
        self.words = {w: Word(w, f, full, ini, w in special) for w, (f, full, ini) in table.items()}
        self._full = sorted((w.full, w.text) for w in self.words.values())
        self._initials = sorted((w.initials, w.text) for w in self.words.values())
        self._texts = sorted((w, w) for w in self.words)  # for prefixes of the words
        # Words by first and by last character: a typo keeps one of them, most often.
        self._by_end: dict[tuple[int, str], list[str]] = defaultdict(list)
        for w in self.words:
            self._by_end[0, w[0]].append(w)
            self._by_end[-1, w[-1]].append(w)

    def __len__(self) -> int:
        return len(self.words)

    @staticmethod
    def _with_prefix(table: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
        """The entries whose key starts with ``prefix``: a contiguous run of the sorted
        table, found by bisecting both of its ends (no copy of the table's tail)."""
        start = bisect_left(table, (prefix, ""))
        end = bisect_left(table, (prefix + "\U0010ffff", ""), start)
        return [entry for entry in table[start:end] if entry[0].startswith(prefix)]

    def candidates(self, typed: str, n: int = 5) -> list[Word]:
        """Words for a typed pinyin: full exact, initials exact, then prefixes of either.

        Within a tier jargon comes first (it is what people look up), then frequency.
        """
        ranked: dict[str, tuple[int, bool, int]] = {}
        tiers = [
            (0, self._full, True),
            (1, self._initials, True),
            (2, self._full, False),
            (3, self._initials, False),
        ]
        for tier, table, exact in tiers:
            if not exact and len(typed) < 2:
                continue
            for key, text in self._with_prefix(table, typed):
                if (key == typed) == exact and text not in ranked:
                    word = self.words[text]
                    ranked[text] = (tier, not word.jargon, -word.freq)
        return [self.words[t] for t in sorted(ranked, key=ranked.__getitem__)[:n]]

    def starting_with(self, prefix: str, n: int = 8) -> list[Word]:
        """Words that start with ``prefix``, the most frequent first."""
        found = [self.words[t] for t, _ in self._with_prefix(self._texts, prefix)]
        return sorted(found, key=lambda w: (-w.freq, not w.jargon, w.text))[:n]

    def homophones(self, text: str) -> list[Word]:
        """Other words read exactly like ``text`` (a typo by sound), most frequent first."""
        full = word_pinyin(text)[0]
        found = [self.words[w] for key, w in self._with_prefix(self._full, full) if key == full]
        return sorted((w for w in found if w.text != text), key=lambda w: -w.freq)

    def similar(self, text: str, n: int = 5) -> list[str]:
        """Words of about the same length that differ in a character or two."""
        ends = self._by_end.get((0, text[0]), []) + self._by_end.get((-1, text[-1]), [])
        pool = [w for w in dict.fromkeys(ends) if abs(len(w) - len(text)) <= 1]
        return difflib.get_close_matches(text, pool, n=n, cutoff=0.6)
