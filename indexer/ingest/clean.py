"""Undo the artifacts of PDF extraction and saved web pages, and cut text into paragraphs.

Rules are about layout, never about particular files: hard wraps are found from the
document's own typical line width, page numbers by their dashes, letter spacing by the
spaces between CJK characters. The result reads like the original report: one string per
paragraph, no sentence split across two, no two glued together.

>>> clean_text("一、回顾\\n\\n面对严峻复杂经济形势，艰巨繁\\n\\n重发展任务。— 3 —\\n")
['一、回顾', '面对严峻复杂经济形势，艰巨繁重发展任务。']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from analyzers.charsets import FULLWIDTH_ASCII, FULLWIDTH_SHIFT, HAN, SENTENCE_END
from analyzers.segment import active_segmenter
from indexer.ingest.headings import HEADING_LEVELS, MARKDOWN_HEADING

# Characters that carry nothing: zero-width, bidi controls, soft hyphen, other controls.
_INVISIBLE = re.compile(
    r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    r"\x00-\x08\x0b\x0e-\x1f\x7f]"
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Full-width letters, digits and the symbols that go with numbers (５％, ２．５): folded in
# the stored text. Full-width CJK punctuation (，：（）) is normal Chinese and stays.
_FULLWIDTH_ALNUM = {
    c: c - FULLWIDTH_SHIFT
    for c in FULLWIDTH_ASCII
    if chr(c - FULLWIDTH_SHIFT).isalnum() or chr(c - FULLWIDTH_SHIFT) in "%+./@&=<>#*"
}
_DASH = "—–－-"
# Page numbers: "— 12—", "- 3 -", "地— 16 —地" (a decoration glyph on both sides), "第 3 页".
_PAGE_LINE = re.compile(
    rf"^(?:(\S?)\s*[{_DASH}]{{1,2}}\s*\d{{1,4}}\s*[{_DASH}]{{1,2}}\s*\1"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?)$"
)
_RULE_LINE = re.compile(r"^(?:[-*_=]\s*){3,}$")  # markdown and plain-text horizontal rules
_PAGE_INLINE = re.compile(r"(\S)[—–] \d{1,4} ?[—–]\1|[—–] \d{1,4} ?[—–]")
_SPACED_DIGITS = re.compile(r"(?<![\d.])\d(?: \d){2,}(?![\d.])")
_ASCII_WORD = re.compile(r"[!-~]")

MAX_PARAGRAPH = 2000  # characters: longer "paragraphs" are cut after a sentence end
# A line longer than this is body text, never a heading, even with a paragraph per line.
_LONG_LINE = 40
# A finished sentence inside a line: the line is body text, not a heading or a title.
_INNER_SENTENCE_END = re.compile(f"[{SENTENCE_END}]")
# Markdown emphasis markers, which carry no words.
_EMPHASIS = re.compile(r"\*\*|__")
# What ends a sentence (before closing quotes and brackets); "：" ends a lead-in line.
# "；" does not: it separates clauses and list items inside one paragraph.
_SENTENCE_END = set(SENTENCE_END + "…：:")
_CLOSERS = "”’」』）)》】"
# What opens a new block: numbered headings, list markers, the "——" of a subtitle or dash list.
BLOCK_START = re.compile(
    r"^(?:#{1,6}\s|"
    + "|".join(HEADING_LEVELS)
    + r"|[①-⑳]|——|第[一二三四五六七八九十百\d]+[章节条部分])"
)
# A run-in label that opens an entry: "六保：…", "“七抓”工作：…" (glossaries, lists).
_LABEL = re.compile(r"^[^，。；：、！？,.;:!?]{1,16}[：:]")
_HAN = re.compile(f"[{HAN}]")


def normalize_chars(text: str) -> str:
    """Line endings to \\n, invisible characters out, odd spaces to plain ones."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).translate(_FULLWIDTH_ALNUM)


def fix_spaces(line: str) -> str:
    """Drop spaces next to CJK text (PDF letter spacing, "2021 年"), keep one between ASCII.

    >>> fix_spaces("政 府 工 作 报 告  PM 2.5 在 2021 年，1 9 9 3 年")
    '政府工作报告PM 2.5在2021年，1993年'
    """
    line = _SPACED_DIGITS.sub(lambda m: m.group().replace(" ", ""), line.strip())
    parts = line.split(" ")
    out = parts[0]
    for part in parts[1:]:
        if not part:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]):
            out += " "
        out += part
    return out


def strip_page_numbers(line: str) -> str:
    """Remove page-number and rule lines entirely, and page numbers inside a sentence."""
    if _PAGE_LINE.match(line) or _RULE_LINE.match(line):
        return ""
    return _PAGE_INLINE.sub("", line)


def display_width(line: str) -> float:
    """Width in CJK cells: an ASCII character takes half a cell in PDF text."""
    return len(line) - 0.5 * len(line.encode("ascii", "ignore"))


def wrap_width(lines: list[str]) -> float | None:
    """The width a hard-wrapped document was cut at, or None if lines are paragraphs.

    Hard-wrapped text has most of its lines close to one width; text with a paragraph
    per line has widths all over the place.
    """
    widths = [round(w) for w in map(display_width, lines) if w >= 8]
    if len(widths) < 10:
        return None
    mode, _ = Counter(widths).most_common(1)[0]
    near = sum(1 for w in widths if 0.85 * mode <= w <= mode + 2)
    return float(mode) if mode >= 12 and near >= 0.4 * len(widths) else None


def ends_sentence(line: str) -> bool:
    """True if the line ends with sentence-final punctuation (closing quotes aside)."""
    body = line.rstrip(_CLOSERS)
    return bool(body) and body[-1] in _SENTENCE_END


def _splits_a_word(before: str, after: str) -> bool:
    """True if a dictionary word runs across the break, like 政府工作报|告."""
    if not (_HAN.match(before[-1:]) and _HAN.match(after[:1])):
        return False
    head, tail = before[-4:], after[:4]
    cut = len(head)
    return any(
        start < cut < end and end - start > 1
        for _, start, end in active_segmenter().words(head + tail)
    )


# The subtitle of a speech: "——2022年4月26日在…会议上", sometimes wrapped over two lines.
_SUBTITLE = re.compile(r"^——\d{4}年\d{1,2}月\d{1,2}日在")
# Punctuation that a PDF line may carry past its right margin (hanging punctuation).
_OVERHANG = "。，、；：！？”’）"


def _indented(line: str, width: float) -> bool:
    """True if ``line`` looks like the first line of a paragraph: about two cells short."""
    body = line[:-1] if line[-1] in _OVERHANG else line
    return width - 3 <= display_width(body) <= width - 1.5


@dataclass(frozen=True)
class _Layout:
    """What a document's own lines tell about its layout."""

    width: float | None  # the hard-wrap width, None if each line is a paragraph
    blanks_matter: bool  # whether a blank line is a paragraph break

    @classmethod
    def of(cls, raw: list[str]) -> _Layout:
        lines = [line for line in raw if line]
        # PDF extraction often puts a blank line after every line; then blanks say nothing.
        adjacent = sum(1 for a, b in zip(raw, raw[1:], strict=False) if a and b)
        return cls(wrap_width(lines), adjacent > 0.5 * len(lines))

    def is_full(self, line: str) -> bool:
        """True if ``line`` runs to the margin (or, without wrapping, is body-text long)."""
        if self.width is None:
            return len(line) > _LONG_LINE
        return display_width(line) >= 0.85 * self.width


def _continues(line: str, nxt: str, layout: _Layout, first: str, blank_between: bool) -> bool:
    """Does ``nxt`` continue the paragraph whose first line is ``first`` and last ``line``?"""
    if MARKDOWN_HEADING.match(line) or MARKDOWN_HEADING.match(nxt):
        return False
    if _SUBTITLE.match(line):
        return not line.endswith("上") and len(nxt) <= 20 and nxt.endswith("上")
    full = layout.is_full(line)
    if first is line and not full and BLOCK_START.match(line):
        return False  # a numbered heading on a line of its own
    if _LABEL.match(first) and _LABEL.match(nxt):
        return False  # the next entry of a "TERM：definition" list
    if not ends_sentence(line):
        if full or _INNER_SENTENCE_END.search(line):
            return True  # a sentence runs on: a hard wrap, or a page break in a paragraph
        return not BLOCK_START.match(nxt) and _splits_a_word(line, nxt)
    if blank_between and layout.blanks_matter:
        return False
    return (
        full
        and layout.width is not None
        and not BLOCK_START.match(nxt)
        and not _LABEL.match(nxt)
        and not _indented(nxt, layout.width or 0)
    )


def join_lines(text: str) -> list[str]:
    """Join wrapped lines into paragraphs (input: normalized text, page numbers removed)."""
    raw = [fix_spaces(line) for line in text.split("\n")]
    if not any(raw):
        return []
    layout = _Layout.of(raw)
    paragraphs: list[str] = []
    current = first = last = ""
    blank_between = False
    for line in raw:
        if not line:
            blank_between = True
            continue
        if current and _continues(last, line, layout, first, blank_between):
            current = _glue(current, line)
        else:
            if current:
                paragraphs.append(current)
            current = first = line
        last = line
        blank_between = False
    paragraphs.append(current)
    return paragraphs


def _glue(left: str, right: str) -> str:
    """Join two pieces of one paragraph; a space only between two ASCII words."""
    if _ASCII_WORD.match(left[-1]) and _ASCII_WORD.match(right[0]):
        return f"{left} {right}"
    return left + right


def clean_text(text: str) -> list[str]:
    """Raw extracted text to cleaned paragraphs."""
    text = _EMPHASIS.sub("", normalize_chars(text))
    lines = [strip_page_numbers(line.strip()) for line in text.split("\n")]
    return [piece for p in join_lines("\n".join(lines)) for piece in split_long(p)]


def split_long(paragraph: str, limit: int = MAX_PARAGRAPH) -> list[str]:
    """Cut an overlong "paragraph" (a page saved without line breaks) after sentence
    ends, so every hit stays readable; a text without any is cut at ``limit``.

    >>> [len(p) for p in split_long("一句话。" * 5, limit=9)]
    [8, 8, 4]
    """
    pieces = []
    while len(paragraph) > limit:
        cut = max(paragraph.rfind(end, 0, limit) for end in "。！？!?；;") + 1
        cut = cut if cut > limit // 4 else limit
        pieces.append(paragraph[:cut])
        paragraph = paragraph[cut:]
    return [*pieces, paragraph] if paragraph else pieces
