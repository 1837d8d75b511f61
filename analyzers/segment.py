"""Split folded text into words: Han runs go to jieba, Latin and number runs to a regex.

One private jieba model per user dictionary (never a global one), so the words the corpus
taught us at index time are the words the query is cut into, in any process. Whoosh pickles
analyzers into the schema, so the analyzers hold no segmenter: they ask
:func:`active_segmenter`, which the caller owning the index scopes with :func:`using`.

Han runs are cut by rjieba (jieba-rs) when it is installed and passes a self-check at
construction: the words and offsets of jieba 0.42.1 at about 7x the speed and a third of the
load time. Python jieba stays the reference. It computes the frequency of a learned word
(jieba-rs rounds ``suggest_freq`` differently), so indexing new jargon loads it and serving
does not; and it cuts when rjieba is missing or fails the check, once a word is added with a
frequency below 1, and whenever ``POLICY_SEARCH_SEGMENTER=jieba`` is set (``auto``, the
default, prefers rjieba).

>>> seg = Segmenter()
>>> [w for w, _, _ in seg.words("“六稳”，1+17+N 与 PM2.5 下降 5.1%")]
['六', '稳', '1+17+n', '与', 'pm2.5', '下降', '5.1%']
>>> seg.learn("六稳"), [w for w, _, _ in seg.words("“六稳”")]
(True, ['六稳'])
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

from analyzers.charsets import HAN
from analyzers.normalize import fold
from analyzers.route import RouteCutter, WordTable

log = logging.getLogger(__name__)

CACHED_TEXTS = 4096
CACHED_WORDS = 1 << 16  # long words whose subwords are remembered
# What a process cuts from the mapped table before it builds jieba-rs (0.1 s, what the
# table takes for some 15,000 characters): a query's few, not a report's thousands.
ROUTED_CHARACTERS = 4096

# What jieba cuts (the Han part of its re_han_default, U+4E00–U+9FD5); other Han characters
# are a word each, as jieba 0.42.1 leaves them, or jieba-rs would cut them too. A Latin or
# number run is kept whole with its inner operators: 1+17+N, PM2.5, 5.1%, 2021-2025,
# COVID-19. Everything else (punctuation, quotes, spaces) separates words.
_RUNS = re.compile(
    r"(?P<han>[\u4e00-\u9fd5]+)"
    r"|(?P<rare>[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f])"
    r"|(?P<latin>[0-9a-z]+(?:[.+\-/][0-9a-z]+)*%?)"
)
_DICTIONARY_LINE = re.compile(r"^(\S+) (\d+)(?: (\S+))?", re.MULTILINE)
_HAN_CLASS = f"[{HAN}]"
_HAN = re.compile(rf"^{_HAN_CLASS}+$")
HAN_RUN = re.compile(rf"{_HAN_CLASS}+")

ENGINE_VARIABLE = "POLICY_SEARCH_SEGMENTER"

# jieba 0.42.1 sums every line of its dict.txt into the total frequency; jieba-rs sums each
# word once (B超 is listed twice, with 3). Python jieba also adds a re-added word's new
# frequency to the total without taking the old one off, where jieba-rs replaces it. Routes
# score ln(freq / total), so jieba-rs gets the difference as the frequency of a word no cut
# text contains.
_PY_TOTAL = 60101967
_RS_TOTAL = 60101964
_SURPLUS = "\x00"
_PROBE = 10**10
# Strings whose jieba 0.42.1 cut (HMM off) a jieba-rs build must reproduce.
_CHECKS = {
    "我们中出了一个叛徒": ["我们", "中", "出", "了", "一个", "叛徒"],
    "结婚的和尚未结婚的": ["结婚", "的", "和", "尚未", "结婚", "的"],
    "南京市长江大桥": ["南京市", "长江大桥"],
    "抓实六稳六保推进放管服改革": [*"抓实六稳六保", "推进", *"放管服", "改革"],
}


@lru_cache(maxsize=1 << 18)  # asked for every word the corpus is cut into
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


def _rust_model() -> Any | None:
    """A fresh jieba-rs model that passed the self-check, or None to use Python jieba."""
    engine = os.environ.get(ENGINE_VARIABLE, "auto")
    if engine not in ("auto", "jieba"):
        raise ValueError(f"{ENGINE_VARIABLE}={engine!r}: expected 'jieba' or 'auto'")
    if engine == "jieba":
        return None
    try:
        import rjieba
    except ImportError:
        return None
    model = _unused_model(rjieba)
    # suggest_freq of a planted word reveals the total: it must be jieba-rs's copy of dict.txt.
    model.add_word(_SURPLUS, _PROBE, None)
    total = _RS_TOTAL + _PROBE
    probed = model.suggest_freq(_SURPLUS * 2)
    model.add_word(_SURPLUS, _PY_TOTAL - _RS_TOTAL, None)
    if probed != int(math.exp(2 * math.log(_PROBE) - math.log(total))) + 1 or any(
        model.cut(text, False) != words for text, words in _CHECKS.items()
    ):
        log.warning("rjieba does not cut like jieba 0.42.1 here: using Python jieba")
        return None
    return model


_IMPORT_MODEL_TAKEN = threading.Lock()  # acquired, never released, by its first taker


def _unused_model(rjieba: Any) -> Any:
    """A jieba-rs model no one has taught a word. Importing rjieba builds one for its
    module-level ``cut`` (0.1 s: dict.txt into a trie), which nothing here calls: the
    first model a process asks for is that one, so a command-line query builds one
    model, not two; later ones are built."""
    first = _IMPORT_MODEL_TAKEN.acquire(blocking=False)
    found = getattr(rjieba, "_DEFAULT_JIEBA", None) if first else None
    return found if found is not None else rjieba.Jieba()


def dictionary_file() -> Path:
    """jieba's dict.txt, found without importing jieba (0.2 s)."""
    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "dict.txt"


@lru_cache(maxsize=1)
def _dictionary_table() -> dict[str, tuple[int, str]]:
    """Each word of jieba's dict.txt with its frequency and part of speech (the last of
    two lines wins, as in both models), read once per process from the file, not loaded
    as a model."""
    text = dictionary_file().read_text(encoding="utf-8")
    return {word: (int(freq), tag) for word, freq, tag in _DICTIONARY_LINE.findall(text)}


def dictionary_words() -> dict[str, int]:
    """Every word of jieba's dict.txt with its frequency, as both models hold them."""
    return {word: freq for word, (freq, _) in _dictionary_table().items()}


def dictionary_frequencies(words: Iterable[str]) -> dict[str, int]:
    """The frequencies jieba's dict.txt gives those of ``words`` it lists: how common
    each is in general Chinese text (a coined term is rare there or absent)."""
    table = _dictionary_table()
    return {word: table[word][0] for word in words if word in table}


def dictionary_tags(words: Iterable[str]) -> dict[str, str]:
    """The part of speech jieba's dict.txt gives those of ``words`` it lists (``nr`` a
    person's name, ``ns`` a place's, ``n`` a noun, …)."""
    table = _dictionary_table()
    return {word: table[word][1] for word in words if word in table}


def _rust_stores(word: str, freq: int) -> bool:
    """True if jieba-rs keeps ``word`` as Python jieba does: it ignores an empty word, a word
    of frequency 0, which Python jieba leaves out of the route, stays in its own, and its
    total is a usize (kept below 2**53, where floats still count every unit)."""
    return bool(word) and word != _SURPLUS and 1 <= int(freq) < 2**53


class Segmenter:
    """jieba plus a user dictionary of corpus jargon; words come with their offsets."""

    def __init__(
        self,
        user_words: Iterable[tuple[str, int]] = (),
        surplus: int | None = None,
        route: RouteCutter | None = None,
    ) -> None:
        """``surplus``: what ``self.surplus`` was when these words were last taught (the
        index keeps it with them), so that jieba's dict.txt need not be read again.
        ``route``: jieba-rs's cut of these words from a mapped table, which cuts until
        this process has cut ``ROUTED_CHARACTERS`` or learns a word (then jieba-rs is
        built, and cuts the same)."""
        self._lock = threading.RLock()
        # Section paths and titles repeat on every paragraph, and the lexicon counts the
        # words that indexing cut a moment before: remember recent texts.
        self._cut = lru_cache(maxsize=CACHED_TEXTS)(self._cut_uncached)
        self._subwords = lru_cache(maxsize=CACHED_WORDS)(self._subwords_uncached)
        if os.environ.get(ENGINE_VARIABLE) == "jieba":
            route = None  # the reference asked for: Python jieba cuts everything
        self._route, self._routed = route, 0
        self._reference: Any = None
        self._rust: Any = None
        if route is None:
            self._start(user_words, surplus)
        else:
            self.user_words = dict(user_words)
            self._surplus = surplus

    def _start(self, user_words: Iterable[tuple[str, int]], surplus: int | None) -> None:
        """Build the model (jieba-rs, else Python jieba) and teach it ``user_words``."""
        self.user_words = {}
        # Every add_word call in order: jieba's model after add_word calls with explicit
        # frequencies depends on that sequence alone, so a reference loaded late replays it.
        self._added: list[tuple[str, int]] = []
        self._rust = _rust_model()
        self._surplus = _PY_TOTAL - _RS_TOTAL  # the frequency _rust_model gave _SURPLUS
        if self._rust is None:
            self._python()
        self.add_words(user_words, surplus)

    def _model(self) -> None:
        """Leave the mapped table for a model (caller holds the lock): to learn, or to
        cut much, which jieba-rs does 16 times faster (0.4 against 6.5 µs a character
        on the seeds)."""
        if self._route is not None:
            self._route = None
            self._start(list(self.user_words.items()), self._surplus)

    @property
    def surplus(self) -> int | None:
        """The frequency jieba-rs's total lacks against Python jieba's (the old frequencies
        of re-added words), or None when Python jieba cuts."""
        return None if self._rust is None and self._route is None else self._surplus

    @property
    def engine(self) -> str:
        """What cuts: ``route`` (the mapped table), ``rjieba`` or ``jieba``."""
        if self._route is not None:
            return "route"
        return "jieba" if self._rust is None else "rjieba"

    def _python(self) -> Any:
        """The Python jieba reference, loaded on first use with every word added so far."""
        with self._lock:
            if self._reference is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.tmp_dir = _cache_dir()
                tok.initialize()
                for word, freq in self._added:
                    tok.add_word(word, freq)
                self._reference = tok
            return self._reference

    def add_words(self, words: Iterable[tuple[str, int]], surplus: int | None = None) -> None:
        """Teach jieba words with the frequencies recorded in the user dictionary
        (``surplus``: as for ``__init__``, when these are all its words)."""
        batch = list(words)
        with self._lock:
            self._model()
            if self._rust is not None:
                self._teach_rust(batch, surplus)
            self._added += batch
            if self._reference is not None:
                for word, freq in batch:
                    self._reference.add_word(word, freq)
            elif self._rust is None:
                self._python()
            self.user_words.update(batch)
            self._cut.cache_clear()
            self._subwords.cache_clear()

    def _teach_rust(self, batch: list[tuple[str, int]], surplus: int | None) -> None:
        """Add words to jieba-rs, and to the surplus the old frequencies it forgets (or
        take the ``surplus`` recorded with them); drop jieba-rs if it cannot store a word
        as Python jieba does."""
        if surplus is not None and all(_rust_stores(w, f) for w, f in batch):
            for word, freq in batch:
                self._rust.add_word(word, int(freq), None)
            self._surplus = surplus
            self._rust.add_word(_SURPLUS, self._surplus, None)
            return
        known = {w for w, _ in batch if w not in self.user_words and self._rust.has_word(w)}
        if self._reference is None:
            old = dictionary_frequencies(known)
        else:  # learning: no need to read dict.txt again for every word
            old = {w: self._reference.FREQ[w] for w in known if self._reference.FREQ.get(w)}
        if len(old) < len(known) or not all(_rust_stores(w, f) for w, f in batch):
            self._rust = None
            return
        for word, freq in batch:
            self._surplus += old.get(word, int(self.user_words.get(word, 0)))
            old[word] = int(freq)
            self._rust.add_word(word, int(freq), None)
        self._rust.add_word(_SURPLUS, self._surplus, None)

    def learn(self, word: str) -> bool:
        """Add a new Han jargon word with a frequency that keeps it whole; True if new."""
        if word in self.user_words or not is_han_word(word) or len(word) < 2:
            return False
        with self._lock:
            self._model()
            if self._rust is None or self._reference is not None:
                freq = self._python().suggest_freq(word, False)
            else:  # the same sum without loading Python jieba (0.8 s for one new word)
                freq = self._suggest_freq(word)
            self.add_words([(word, max(freq, 1))])
        return True

    def _suggest_freq(self, word: str) -> int:
        """Python jieba's ``suggest_freq(word, False)`` from jieba-rs's cut, dict.txt and
        the words added since: the frequency that keeps ``word`` whole. Its total sums
        dict.txt and every frequency ever added; a piece it does not list counts 1. (Its
        ``FREQ`` gives 0 for a prefix that is no word, but a word cut in two or more pieces
        then gets ``int(f1 * f2 / total) + 1`` either way: 1.)"""
        total = _PY_TOTAL + sum(freq for _, freq in self._added)
        pieces = self._rust.cut(word, False)
        listed = {**dictionary_frequencies([word, *pieces]), **self.user_words}
        share = 1.0
        for piece in pieces:
            share *= listed.get(piece, 1) / float(total)
        return max(int(share * total) + 1, int(listed.get(word, 1)))

    def model_total(self, dictionary: WordTable) -> int | None:
        """The total frequency jieba-rs cuts with (None when Python jieba cuts): dict.txt's
        (``dictionary``, its table), with the user words' frequencies in place of those it
        lists, and the surplus — what a ``RouteCutter`` of these words needs."""
        if self.surplus is None:
            return None
        words = list(self.user_words)
        listed = dictionary.frequencies(words)
        added = sum(self.user_words[w] - old for w, old in zip(words, listed, strict=True))
        return _RS_TOTAL + self.surplus + added

    def is_known(self, word: str) -> bool:
        """A dictionary word with a non-zero frequency (jieba also stores prefixes, at 0)."""
        with self._lock:
            if self._route is not None:
                return word != _SURPLUS and self._route.frequencies([word])[0] > 0
            if self._rust is None:
                return bool(self._python().FREQ.get(word))
            return word != _SURPLUS and self._rust.has_word(word)

    def words(self, text: str) -> Iterator[tuple[str, int, int]]:
        """Words of ``text`` (folded, lower case) with start/end offsets into ``text``."""
        return iter(self._cut(text))

    def _cut_uncached(self, text: str) -> tuple[tuple[str, int, int], ...]:
        folded = fold(text)
        found: list[tuple[str, int, int]] = []
        with self._lock:
            cut: Callable[[str], Iterable[str]]
            if self._route is not None and self._routed + len(folded) > ROUTED_CHARACTERS:
                self._model()
            if self._route is not None:
                self._routed += len(folded)
                cut = self._route.cut
            elif self._rust is None:
                cut = partial(self._python().cut, HMM=False)
            else:
                cut = partial(self._rust.cut, hmm=False)
            for run in _RUNS.finditer(folded):
                start = run.start()
                if run.lastgroup != "han":
                    found.append((run.group(), start, run.end()))
                    continue
                for word in cut(run.group()):
                    end = start + len(word)
                    found.append((word, start, end))
                    start = end
        return tuple(found)

    def subwords(self, word: str) -> tuple[str, ...]:
        """Dictionary bigrams and trigrams inside a long word, as jieba's search mode finds."""
        if len(word) <= 2 or not is_han_word(word):
            return ()
        return self._subwords(word)

    def _subwords_uncached(self, word: str) -> tuple[str, ...]:
        return tuple(
            gram
            for n in (2, 3)
            for gram in (word[i : i + n] for i in range(len(word) - n + 1))
            if gram != word and self.is_known(gram)
        )

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


_ACTIVE: ContextVar[Segmenter | None] = ContextVar("segmenter", default=None)


@contextmanager
def using(segmenter: Segmenter) -> Iterator[Segmenter]:
    """Make ``segmenter`` the one the analyzers use within this block, in this thread or
    task (and in processes forked inside it); the caller that owns an index's dictionary
    (a search, a build) scopes it, so two indexes in one process never share theirs."""
    token = _ACTIVE.set(segmenter)
    try:
        yield segmenter
    finally:
        _ACTIVE.reset(token)


def active_segmenter() -> Segmenter:
    """The segmenter in scope (``using``), or a plain one (jieba's dictionary only)."""
    return _ACTIVE.get() or _plain()


@cache
def _plain() -> Segmenter:
    return Segmenter()
