"""Length-preserving folds applied before segmentation, and the whitespace-free match key.

Every fold maps one character to one character, so token offsets computed on the folded
text are valid offsets into the original (stored) text and highlights stay exact.

>>> fold("ＰＭ２．５　Ｎ"), fold("營商環境")
('pm2.5 n', '营商环境')
>>> compact("“四上” 企业")
('四上企业', [1, 2, 5, 6])
"""

from __future__ import annotations

import re
from functools import cache

from analyzers.charsets import FULLWIDTH_ASCII, FULLWIDTH_SHIFT
from analyzers.traditional import t2s_table

# Full-width ASCII (FF01–FF5E) to ASCII, the ideographic space to a space, A–Z to a–z.
_FOLD = {c: c - FULLWIDTH_SHIFT for c in FULLWIDTH_ASCII}
_FOLD[0x3000] = 0x20
_FOLD.update({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})
_FOLD.update({c + FULLWIDTH_SHIFT: c + 32 for c in range(ord("A"), ord("Z") + 1)})
_FOLD.update(t2s_table())  # 營商環境 is searched as 营商环境, both ways
_FOLD.update({ord("〔"): ord("["), ord("〕"): ord("]"), ord("【"): ord("["), ord("】"): ord("]")})

# Quote marks are decoration around jargon: “四上”企业 must match 四上企业.
QUOTES = frozenset("\"'“”‘’「」『』〝〞＂＇")
# Invisible characters that cleaning removes but text from elsewhere may still carry.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def fold(text: str) -> str:
    """Fold full-width forms to ASCII, ASCII to lower case and traditional characters to
    simplified ones, one char for one char."""
    return text.translate(_FOLD)


# What the match key leaves out, as a ``str.translate`` table: every character that
# ``str.isspace`` calls whitespace (all lie below U+3001), quote marks, zero-width ones.
_UNKEYED = dict.fromkeys(
    [c for c in range(0x3001) if chr(c).isspace()] + [ord(c) for c in QUOTES | ZERO_WIDTH]
)


def match_key(text: str) -> str:
    """The match key alone (``compact(text)[0]``), in two C-speed passes: what indexing
    needs for every paragraph.

    >>> match_key("“四上” 企业")
    '四上企业'
    """
    return fold(text).translate(_UNKEYED)


# What a text holds beyond its match key: the characters folding changes or the key
# leaves out (never an ASCII digit, which the patch's gaps are written in).
_CHANGED = sorted({c for c, to in _FOLD.items() if to != c} | set(_UNKEYED))
_LEFT_OUT = frozenset(chr(c) for c in _CHANGED if _FOLD.get(c, c) in _UNKEYED)


@cache
def _patched() -> re.Pattern[str]:
    """The characters ``text_patch`` writes, as a pattern (compiled on first use: only
    the writer asks, and 4,000 characters take a process 4 ms to compile)."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in _CHANGED) + "]")


_PATCH_ITEM = re.compile("([0-9]*)([^0-9])", re.DOTALL)


def text_patch(text: str) -> str:
    """What ``restore`` needs besides ``text``'s match key to give ``text`` back: each
    character the key folds or leaves out, after the count of characters the key keeps
    as they are since the one before (in decimal, left out when 0). An index keeps the
    key anyway, so a paragraph's stored text is this: a few characters in a hundred.

    >>> text_patch("“四上” 企业：ＰＭ２．５")
    '“2” 2：ＰＭ２．５'
    """
    parts, kept_from = [], 0
    for found in _patched().finditer(text):
        at = found.start()
        parts.append(f"{at - kept_from or ''}{text[at]}")
        kept_from = at + 1
    return "".join(parts)


def restore(key: str, patch: str) -> str:
    """The text whose match key is ``key`` and patch ``patch`` (``text_patch``).

    >>> restore("四上企业:pm2.5", "“2” 2：ＰＭ２．５")
    '“四上” 企业：ＰＭ２．５'
    """
    if not patch:
        return key
    parts, at = [], 0
    for kept, char in _PATCH_ITEM.findall(patch):
        if kept:
            parts.append(key[at : at + int(kept)])
            at += int(kept)
        parts.append(char)
        if char not in _LEFT_OUT:
            at += 1  # the key holds it folded
    parts.append(key[at:])
    return "".join(parts)


# The same characters as a pattern: where the key's offsets skip ahead.
_UNKEYED_RUN = re.compile("[" + "".join(re.escape(chr(c)) for c in _UNKEYED) + "]+")


def compact(text: str) -> tuple[str, list[int]]:
    """The match key of ``text``: folded, without whitespace and quote marks.

    Returns the key and, for each of its characters, the offset of that character in
    ``text``, so a match found in the key maps back to a span of the original text.
    Literal search is substring search on this key, the way grep would search it.
    """
    folded = fold(text)
    key = folded.translate(_UNKEYED)
    return key, key_offsets(text, len(key))


def key_offsets(text: str, key_length: int) -> list[int]:
    """For each character of ``text``'s match key (``key_length`` of them), its offset
    in ``text``. Folding never turns a kept character into a left-out one or back (the
    full-width space and quotes are left out as well), so the unfolded text tells which
    characters the key keeps: with the key at hand, nothing needs folding."""
    if key_length == len(text):  # nothing left out, the usual paragraph
        return list(range(key_length))
    offsets: list[int] = []
    kept_from = 0
    for gap in _UNKEYED_RUN.finditer(text):
        offsets.extend(range(kept_from, gap.start()))
        kept_from = gap.end()
    offsets.extend(range(kept_from, len(text)))
    return offsets


def find_spans(text: str, needles: list[str], key: str | None = None) -> list[tuple[int, int]]:
    """Spans of ``text`` where any needle occurs, compared on their match keys (``key``
    is ``text``'s, when the caller has it: the index keeps every paragraph's).

    Overlapping spans are merged; spans are sorted and index the original text.
    """
    if key is None:
        key, offsets = compact(text)
    else:
        offsets = key_offsets(text, len(key))
    spans: list[tuple[int, int]] = []
    for needle in needles:
        pattern = match_key(needle)
        if not pattern:
            continue
        start = key.find(pattern)
        while start != -1:
            end = start + len(pattern)
            spans.append((offsets[start], offsets[end - 1] + 1))
            start = key.find(pattern, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
