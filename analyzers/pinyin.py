"""Pinyin of whole words and of single characters, and the forms users type it in.

A word's reading comes from the whole word (``lazy_pinyin(word)``), never from its
characters one by one, so 重点 is zhongdian and 银行 is yinhang: that is the reading the
lexicon files it under. A character's readings are all of them (长 chang and zhang), so a
typed reading can find any string of the corpus, read either way: the typed one decides.
Users type full pinyin with or without spaces and tone numbers (``san1 ge4 yi1 pi1``),
initials (``sgyp``), or a prefix of either.

>>> word_pinyin("三个一批"), word_pinyin("银行"), word_pinyin("绿色")
(('sangeyipi', 'sgyp'), ('yinhang', 'yh'), ('lvse', 'ls'))
>>> typed_pinyin("San1 Ge4 yi pi"), typed_pinyin("PM2.5")
('sangeyipi', None)
>>> char_readings("长"), syllable_splits("xian")
(('zhang', 'chang'), [('xian',), ('xi', 'an')])
>>> syllable_splits("zuodaz", partial=True)[0]
('zuo', 'da', 'z')
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache

_TYPED = re.compile(r"^(?:[a-zü]+[1-5]?[\s']*)+$")
_VOWEL = re.compile("[aeiouvê]")
MAX_SPLITS = 16  # readings of one typed string worth trying (xian: xi'an or xian)
_IMPORT_LOCK = threading.Lock()


def _import_pypinyin() -> None:
    """Import pypinyin (0.2 s: only when a reading is needed), one thread at a time. Its
    modules import one another, and two threads importing them first at once can
    deadlock: Python then raises ``_DeadlockError`` in one of them (a pinyin search's
    500 while another request read the lexicon's syllables, one run of the load test in
    five). Once imported, the lock is taken and let go at once."""
    with _IMPORT_LOCK:
        import pypinyin.pinyin_dict  # noqa: F401  the package, its core and its segmenter


@lru_cache(maxsize=65536)
def word_pinyin(word: str) -> tuple[str, str]:
    """Full toneless pinyin (ü as v) and the initial letter of each syllable.

    ``lazy_pinyin(word)`` cuts the word into pieces by its phrase dictionary and reads
    each piece on its own; we do the same, remembering each piece's reading: a corpus's
    hundreds of thousands of words are made of a few thousand pieces (发展, 高质量), and
    pypinyin's per-call overhead was most of an index run's pinyin time (5.7 s -> 2.0 s
    for 136,000 words, the same readings)."""
    _import_pypinyin()
    from pypinyin.seg.simpleseg import seg

    syllables = [s for piece in seg(word) for s in _piece_pinyin(piece)]
    return "".join(syllables), "".join(s[0] for s in syllables if s)


@lru_cache(maxsize=65536)
def _piece_pinyin(piece: str) -> tuple[str, ...]:
    _import_pypinyin()
    from pypinyin import Style, lazy_pinyin

    # A list is taken as already cut: the piece is read whole, as lazy_pinyin(word) would.
    readings = lazy_pinyin([piece], style=Style.NORMAL, v_to_u=False)
    return tuple(s.replace("ü", "v") for s in readings)


def typed_pinyin(text: str) -> str | None:
    """What the user typed, as a bare pinyin string; None if it cannot be pinyin."""
    lowered = text.strip().lower()
    if not lowered or not _TYPED.match(lowered):
        return None
    return re.sub(r"[\s'1-5]", "", lowered).replace("ü", "v")


@lru_cache(maxsize=4096)  # some 1,600 marked readings, 42,000 characters
def toneless(reading: str) -> str:
    """``zhǎng`` -> ``zhang``, ``lǜ`` -> ``lv``: the marks dropped, ü written v."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def char_readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one character, most common first; () if none.

    Readings without a vowel (嗯 n, ng; 呣 m; 哼 hng) are interjections' only: left out,
    they would split a typed ``n`` or ``m`` off every syllable that ends in one."""
    _import_pypinyin()
    from pypinyin.pinyin_dict import pinyin_dict

    listed = pinyin_dict.get(ord(char), "")
    readings = (toneless(r) for r in listed.split(",") if r)
    return tuple(dict.fromkeys(r for r in readings if _VOWEL.search(r)))


@cache
def syllables() -> frozenset[str]:
    """Every toneless syllable a character is read as (about 420)."""
    _import_pypinyin()
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(s for cp in pinyin_dict for s in char_readings(chr(cp)))


@cache
def _syllable_prefixes() -> frozenset[str]:
    return frozenset(s[:i] for s in syllables() for i in range(1, len(s) + 1))


@lru_cache(maxsize=4096)
def syllable_splits(typed: str, partial: bool = False) -> list[tuple[str, ...]]:
    """The ways to read ``typed`` as a run of syllables (``MAX_SPLITS`` at most), longest
    syllables first (the likely reading: xian before xi'an); with ``partial``, the last one may be the start of a syllable, as
    when someone is still typing it."""
    whole, starts = syllables(), _syllable_prefixes()
    longest = max(map(len, whole))
    found: list[tuple[str, ...]] = []

    def walk(at: int, taken: tuple[str, ...]) -> None:
        if len(found) >= MAX_SPLITS:
            return
        for end in range(min(len(typed), at + longest), at, -1):
            piece = typed[at:end]
            if end == len(typed):
                if piece in whole or (partial and piece in starts):
                    found.append((*taken, piece))
            elif piece in whole:
                walk(end, (*taken, piece))

    walk(0, ())
    return found
