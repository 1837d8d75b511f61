"""Jargon the corpus teaches jieba: quoted slogans and glossary headwords.

Without them 六稳六保 is cut into 六 / 稳六保 and 三个一批 into 三个 / 一批. The words go to
the index's user dictionary, so index-time and query-time segmentation agree.

>>> jargon_words(["抓实“六稳”“六保”，推进“放管服效”改革。"], [])
['六稳', '六保', '放管服效']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analyzers.normalize import QUOTES
from analyzers.segment import is_han_word

_QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』]{2,12})[”\"」』]")
# A glossary entry: "六稳：…", "3. 三个一批。即…", "环保“777”工作机制：…".
_ENTRY = re.compile(r"^(?:\d{1,3}[.．、]\s*)?(?P<term>[^：:。，,；;]{2,20})[：:。]")
_GLOSSARY_HEADING = re.compile(r"(?:名词|词语)解释|术语")


def _bare(term: str) -> str:
    return "".join(ch for ch in term if ch not in QUOTES)


def glossary_headwords(section_texts: Iterable[str]) -> list[str]:
    """Headwords of ``TERM：definition`` entries; a list headword yields each item."""
    words: list[str] = []
    for text in section_texts:
        if found := _ENTRY.match(text):
            words.extend(_bare(part) for part in re.split(r"[、，,]", found.group("term")))
    return words


def jargon_words(texts: Iterable[str], glossary_texts: Iterable[str]) -> list[str]:
    """Han words worth adding to the user dictionary, in first-seen order, unique."""
    found: list[str] = []
    for text in texts:
        found.extend(_QUOTED.findall(text))
    found.extend(glossary_headwords(glossary_texts))
    unique = dict.fromkeys(w for w in found if is_han_word(w) and len(w) >= 2)
    return list(unique)


def is_glossary_section(section: tuple[str, ...]) -> bool:
    return any(_GLOSSARY_HEADING.search(title) for title in section)
