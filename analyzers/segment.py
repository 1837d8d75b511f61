"""Split folded text into words: Han runs go to jieba, Latin and number runs to a regex.

One private ``jieba.Tokenizer`` per user dictionary (never jieba's global one), so the
words the corpus taught us at index time are the words the query is cut into, in any
process. Whoosh pickles analyzers into the schema, so the analyzers hold no segmenter:
they ask :func:`active_segmenter`, which the index sets with :func:`activate`.

>>> seg = Segmenter()
>>> [w for w, _, _ in seg.words("“六稳”，1+17+N 与 PM2.5 下降 5.1%")]
['六', '稳', '1+17+n', '与', 'pm2.5', '下降', '5.1%']
>>> seg.learn("六稳"), [w for w, _, _ in seg.words("“六稳”")]
(True, ['六稳'])
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import jieba

from analyzers.normalize import fold

jieba.setLogLevel(logging.WARNING)

CACHED_TEXTS = 4096

# A Han run, or a Latin/number run kept whole with its inner operators: 1+17+N, PM2.5,
# 5.1%, 2021-2025, COVID-19. Everything else (punctuation, quotes, spaces) separates words.
_RUNS = re.compile(
    r"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+)"
    r"|(?P<latin>[0-9a-z]+(?:[.+\-/][0-9a-z]+)*%?)"
)
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+$")


def is_han_word(word: str) -> bool:
    """True for words jieba can learn: Han characters only."""
    return bool(_HAN.match(word))


def _cache_dir() -> str:
    """A jieba cache directory this user owns (jieba's default in /tmp may belong to another)."""
    path = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "policy-search"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        path = Path(tempfile.mkdtemp(prefix="policy-search-jieba-"))
    return str(path)


class Segmenter:
    """jieba plus a user dictionary of corpus jargon; words come with their offsets."""

    def __init__(self, user_words: Iterable[tuple[str, int]] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = _cache_dir()
        self._lock = threading.Lock()
        self.user_words: dict[str, int] = {}
        # Section paths and titles repeat on every paragraph, and the lexicon counts the
        # words that indexing cut a moment before: remember recent texts.
        self._cut = lru_cache(maxsize=CACHED_TEXTS)(self._cut_uncached)
        self.add_words(user_words)

    def _ready(self) -> jieba.Tokenizer:
        if not self._jieba.initialized:
            with self._lock:
                self._jieba.initialize()
        return self._jieba

    def add_words(self, words: Iterable[tuple[str, int]]) -> None:
        """Teach jieba words with the frequencies recorded in the user dictionary."""
        tok = self._ready()
        for word, freq in words:
            tok.add_word(word, freq)
            self.user_words[word] = freq
        self._cut.cache_clear()

    def learn(self, word: str) -> bool:
        """Add a new Han jargon word with a frequency that keeps it whole; True if new."""
        if word in self.user_words or not is_han_word(word) or len(word) < 2:
            return False
        tok = self._ready()
        freq = max(tok.suggest_freq(word, False), 1)
        self.add_words([(word, freq)])
        return True

    def is_known(self, word: str) -> bool:
        return bool(self._ready().FREQ.get(word))

    def words(self, text: str) -> Iterator[tuple[str, int, int]]:
        """Words of ``text`` (folded, lower case) with start/end offsets into ``text``."""
        return iter(self._cut(text))

    def _cut_uncached(self, text: str) -> tuple[tuple[str, int, int], ...]:
        folded = fold(text)
        tok = self._ready()
        found: list[tuple[str, int, int]] = []
        for run in _RUNS.finditer(folded):
            start = run.start()
            if run.lastgroup == "latin":
                found.append((run.group(), start, run.end()))
                continue
            found.extend(
                (w, start + ws, start + we) for w, ws, we in tok.tokenize(run.group(), HMM=False)
            )
        return tuple(found)

    def subwords(self, word: str) -> Iterator[str]:
        """Dictionary bigrams and trigrams inside a long word, as jieba's search mode finds."""
        if len(word) <= 2 or not is_han_word(word):
            return
        freq = self._ready().FREQ
        for n in (2, 3):
            for i in range(len(word) - n + 1):
                gram = word[i : i + n]
                if gram != word and freq.get(gram):
                    yield gram

    def save(self, path: Path) -> None:
        """Write the user dictionary atomically (``word freq`` lines, in insertion order)."""
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(f"{w} {f}\n" for w, f in self.user_words.items()), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Segmenter:
        words: list[tuple[str, int]] = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                word, _, freq = line.rpartition(" ")
                if word:
                    words.append((word, int(freq)))
        return cls(words)


_active: Segmenter | None = None


def activate(segmenter: Segmenter) -> None:
    """Make ``segmenter`` the one the analyzers use (the open index's dictionary)."""
    global _active
    _active = segmenter


def active_segmenter() -> Segmenter:
    """The segmenter of the open index, or a plain one when no index is open."""
    global _active
    if _active is None:
        _active = Segmenter()
    return _active
