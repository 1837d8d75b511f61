"""Cleaned paragraphs to records that know their document, ordinal and section path.

Every line of a report stays searchable: header lines (title, subtitle, speaker) and
section headings are paragraphs of their own with ``heading=True``; headings also name
the section of the paragraphs below them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.charsets import SENTENCE_END
from indexer.ingest.headings import HEADING_LEVELS, MARKDOWN_HEADING

SECTION_SEPARATOR = " › "

# Numbered headings, outermost first: 一、 › （一） › 1. › （1）.
_LEVELS = [re.compile("^" + level) for level in HEADING_LEVELS]
_APPENDIX = re.compile(r"^附\s*件\s*\d*[：:]?$")
# A regulation's parts: 第一章总则, 第二节, 第三编 (headings by their form, even in a row).
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇\d]+[编章节]")
# The printer's lines at the end of a report: "…秘书处2022年4月25日印", "（共印410份）", a date.
COLOPHON = re.compile(r"(?:印发?|[（(]共印\d+份[)）])$|^\d{4}年\d{1,2}月\d{1,2}日$")
_SENTENCE_END = re.compile(f"[{SENTENCE_END}]")
_ITEM_ENDS = ("；", ";")  # how the items of an enumeration end, but its last
_RUN_IN_LEVELS = 2  # "（一）抓项目…。全年…" opens a section; "1.完成…。" is a list item
_HEADING_MAX = 40  # a heading line is short; a longer line is a paragraph with a lead-in
_HEADER_MAX = 60  # header lines (title, subtitle, speaker) are short too
_BODY_OPENERS = ("各位代表", "同志们", "各位委员")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document, with the headings it sits under."""

    doc: str
    n: int  # 1-based ordinal within the document
    text: str
    section: tuple[str, ...]
    heading: bool

    @property
    def section_path(self) -> str:
        return SECTION_SEPARATOR.join(self.section)


def heading_level(text: str) -> int | None:
    """The level of the numbered heading that ``text`` starts with, if any (1 = 一、)."""
    for level, pattern in enumerate(_LEVELS, 1):
        if pattern.match(text):
            return level
    return None


def is_heading_line(text: str) -> bool:
    """A short line with no sentence inside it: a title or a heading, not body text."""
    return len(text) <= _HEADING_MAX and not _SENTENCE_END.search(text)


def header_length(texts: list[str]) -> int:
    """How many leading paragraphs are the header (title, subtitle, speaker...)."""
    for i, text in enumerate(texts[:12]):
        if (
            len(text) > _HEADER_MAX
            or text.startswith(_BODY_OPENERS)
            or heading_level(text) is not None
            or _SENTENCE_END.search(text)
        ):
            return i
    return 0


def split_paragraphs(doc: str, texts: list[str]) -> list[Paragraph]:
    """Attach section paths and heading flags to a document's cleaned paragraphs.

    A short unnumbered line is a heading when it stands alone; two or more in a row are
    the entries of a list or the cells of a table (a supplier list, a directory), which
    name nothing below them. Likewise a numbered line ending in ；, and the next one of its
    level, are the items of an enumeration (an article's （一）…； （二）…。), not headings."""
    header = header_length(texts)
    listed = _listed(texts, header)
    section: list[tuple[int, str]] = []  # (level, heading text), outermost first
    out: list[Paragraph] = []
    item_level = None  # the level of the enumeration the last paragraph was an item of
    for i, raw in enumerate(texts):
        markdown = MARKDOWN_HEADING.match(raw)
        text = raw[markdown.end() :] if markdown else raw
        if not text:
            continue
        if i < header:
            out.append(Paragraph(doc, len(out) + 1, text, (), True))
            continue
        level = heading_level(text)
        if level is not None and (level == item_level or text.endswith(_ITEM_ENDS)):
            item_level = level
            out.append(Paragraph(doc, len(out) + 1, text, tuple(t for _, t in section), False))
            continue
        item_level = None
        # A section's numbered line of one short sentence is a heading too:
        # （六）加快建设文化强省。 (a list item, 1.完成安置房建设。, says something).
        short = is_heading_line(text) or (
            level is not None and level <= _RUN_IN_LEVELS and _one_sentence(text)
        )
        if level is None and (
            markdown or (short and i not in listed and _is_unnumbered_heading(text))
        ):
            level = min(len(markdown.group(1)), 4) if markdown else 1
            if out and _APPENDIX.match(out[-1].text) and not _APPENDIX.match(text):
                level = 2  # the title of an appendix, under its "附件2" label
            elif (chapter := _CHAPTER.match(text)) and chapter.group().endswith("节"):
                level = 2  # 第一节 under 第五章
        if level is not None and (short or level <= _RUN_IN_LEVELS):
            title = text.rstrip("：:") if short else _lead_sentence(text)
            section = [(lv, t) for lv, t in section if lv < level] + [(level, title)]
        out.append(
            Paragraph(
                doc, len(out) + 1, text, tuple(t for _, t in section), short and level is not None
            )
        )
    return out


def _listed(texts: list[str], header: int) -> set[int]:
    """The body lines that would pass for an unnumbered heading next to another such line
    (an appendix label and its title, and a regulation's chapters, excepted: 附件2 /
    名词解释, 第五章 / 第一节)."""
    bare = [
        i >= header
        and not MARKDOWN_HEADING.match(text)
        and heading_level(text) is None
        and is_heading_line(text)
        and _is_unnumbered_heading(text)
        and not _APPENDIX.match(text)
        and not _CHAPTER.match(text)
        for i, text in enumerate(texts)
    ]
    return {
        i
        for i, alone in enumerate(bare)
        if alone and ((i > 0 and bare[i - 1]) or (i + 1 < len(bare) and bare[i + 1]))
    }


def _is_unnumbered_heading(text: str) -> bool:
    """Appendix titles and glossary headings: short, no punctuation, not a colophon."""
    if _APPENDIX.match(text):
        return True
    return not re.search(r"[，、；,;：:]", text) and not COLOPHON.search(text)


def _one_sentence(text: str) -> bool:
    """Short, and no sentence ends before its last character."""
    return len(text) <= _HEADING_MAX and not _SENTENCE_END.search(text[:-1])


def _lead_sentence(text: str) -> str:
    """The run-in heading of a paragraph: "（一）抓项目、强产业，发展支撑更加坚实。…"."""
    match = _SENTENCE_END.search(text)
    return text[: match.start()] if match else text[:_HEADING_MAX]
