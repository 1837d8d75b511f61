"""Pinyin of whole words, and the forms users type it in.

Readings come from whole words (``lazy_pinyin(word)``), never from single characters, so
重点 is zhongdian and 银行 is yinhang. Users type full pinyin with or without spaces and
tone numbers (``san1 ge4 yi1 pi1``), initials (``sgyp``), or a prefix of either.

>>> word_pinyin("三个一批"), word_pinyin("银行"), word_pinyin("绿色")
(('sangeyipi', 'sgyp'), ('yinhang', 'yh'), ('lvse', 'ls'))
>>> typed_pinyin("San1 Ge4 yi pi"), typed_pinyin("PM2.5")
('sangeyipi', None)
"""

from __future__ import annotations

import re
from functools import lru_cache

_TYPED = re.compile(r"^(?:[a-zü]+[1-5]?[\s']*)+$")


@lru_cache(maxsize=65536)
def word_pinyin(word: str) -> tuple[str, str]:
    """Full toneless pinyin (ü as v) and the initial letter of each syllable."""
    from pypinyin import Style, lazy_pinyin  # 0.2 s to import: only when pinyin is needed

    syllables = [s.replace("ü", "v") for s in lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)]
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def typed_pinyin(text: str) -> str | None:
    """What the user typed, as a bare pinyin string; None if it cannot be pinyin."""
    lowered = text.strip().lower()
    if not lowered or not _TYPED.match(lowered):
        return None
    return re.sub(r"[\s'1-5]", "", lowered).replace("ü", "v")
