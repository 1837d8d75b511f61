"""Jargon the corpus teaches jieba: quoted slogans, glossary headwords and their aliases.

Without them 六稳六保 is cut into 六 / 稳六保 and 三个一批 into 三个 / 一批. The words go to
the index's user dictionary, so index-time and query-time segmentation agree.

>>> jargon_words(["抓实“六稳”“六保”，推进“放管服效”改革。"], ["三个一批", "1+17+N"])
['六稳', '六保', '放管服效', '三个一批']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analyzers.segment import is_han_word

_QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』]{2,12})[”\"」』]")


def jargon_words(texts: Iterable[str], terms: Iterable[str]) -> list[str]:
    """Han words worth adding to the user dictionary, in first-seen order, unique."""
    found: list[str] = []
    for text in texts:
        found.extend(_QUOTED.findall(text))
    found.extend(terms)
    unique = dict.fromkeys(w for w in found if is_han_word(w) and len(w) >= 2)
    return list(unique)
