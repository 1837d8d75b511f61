"""Glossary entries: the 名词解释 appendices of a report, and definitions inline in its body.

A glossary section is any section whose heading says 名词解释 / 词语解释 / 术语解释
(letter-spaced or not: cleaning has joined it). Its entries are ``TERM：definition`` or
``N. TERM。definition``; an entry runs until the next one begins, over as many cleaned
paragraphs as the PDF split it into. In the body (and inside definitions), quoted jargon
followed by an explanation — ``“TERM”（…）``, ``“TERM”即…``, ``“TERM”是指…``,
``TERM（即…）`` — yields entries of lower rank.

>>> [(e.term, e.definition) for e in inline_entries("d", 3, "推进“三变”改革（即资源变股产）。")]
[('“三变”改革', '资源变股产')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from analyzers.charsets import FULLWIDTH_SHIFT, HAN
from analyzers.normalize import fold, match_key
from indexer.ingest.entries import GLOSSARY, INLINE, bare, is_glossary_heading
from indexer.ingest.paragraphs import COLOPHON, Paragraph

_TERM_CHARS = r"[^。：:，,；;！？!?\s]"
_NUMBERED_ENTRY = re.compile(
    rf"^(?P<num>\d{{1,3}})[.．、]\s*(?P<term>{_TERM_CHARS}{{1,24}}?)[。：:](?P<definition>.+)$"
)
_COLON_ENTRY = re.compile(rf"^(?P<term>{_TERM_CHARS}{{1,20}})[：:](?P<definition>.+)$")
# Quoted jargon, perhaps with a short suffix (“三变”改革), then its explanation.
_QUOTED_TERM = rf"“(?P<quoted>[^“”]{{2,14}})”(?P<suffix>[{HAN}]{{0,4}})"
_INLINE = [
    re.compile(_QUOTED_TERM + r"[（(](?:即|是指|指)?(?P<definition>[^（）()]{4,200})[）)]"),
    re.compile(_QUOTED_TERM + r"[，,]?(?:即|是指|指的是)(?P<definition>[^。；;]{4,200})"),
    # TERM（即…）with an unquoted term: only a whole short clause can be told apart
    re.compile(
        rf"(?:^|(?<=[，。；：、,;:]))(?P<clause>[{HAN}]{{2,8}})（即(?P<definition>[^（）]{{4,200}})）"
    ),
]
# An abbreviation beside its name: AGV（无人搬运车）, 无人搬运车（AGV）.
_ABBREVIATION = r"[A-Z][A-Za-z0-9]*(?:[+\-.][A-Za-z0-9]+)*"
# A name of three characters or more, not a count (PPP（三期） is a phase, not a name).
_NAME = rf"(?![一二两三四五六七八九十第])[{HAN}]{{3,20}}"
_NAMED = [
    re.compile(rf"(?<![A-Za-z0-9])(?P<term>{_ABBREVIATION})[（(](?P<name>{_NAME})[）)]"),
    re.compile(rf"(?P<name>{_NAME})[（(](?P<term>{_ABBREVIATION})[）)]"),
]
# What either needs, looked for first: most paragraphs have no Latin beside a parenthesis.
_NAMED_HINT = re.compile(r"[A-Za-z0-9][（(]|[（(][A-Z]")
_HEADWORD_NAMED = re.compile(r"^(?P<head>[^（()）]+)[（(](?P<name>[^（()）]+)[）)]$")
# Numbers and formulas inside a headword are aliases of their own: “13710”工作法 -> 13710.
_CODE = re.compile(r"[0-9A-Za-z]+(?:[+\-.][0-9A-Za-z]+)*")
_QUOTED = re.compile(r"“([^“”]{2,})”")


@dataclass(frozen=True)
class GlossaryEntry:
    """One definition of one term in one document."""

    term: str  # the headword as printed, quotes included
    definition: str
    aliases: tuple[str, ...]
    doc: str
    paragraph: int  # where the entry starts
    source: str  # GLOSSARY (an appendix entry) or INLINE (a definition in running text)

    @property
    def keys(self) -> tuple[str, ...]:
        """Match keys of the term and its aliases: what lookups compare against."""
        return tuple(
            dict.fromkeys(k for k in (match_key(a) for a in (self.term, *self.aliases)) if k)
        )


def headword(term: str) -> tuple[str, tuple[str, ...]]:
    """An appendix headword that names what it abbreviates, AGV（无人搬运车）, as the
    abbreviation and the name that finds it too; any other headword as it is.

    >>> headword("AGV（无人搬运车）"), headword("三个一批")
    (('AGV', ('无人搬运车',)), ('三个一批', ()))
    """
    named = _HEADWORD_NAMED.match(term)
    if named and any(p.fullmatch(term) for p in _NAMED):
        return named.group("head").strip(), (named.group("name").strip(),)
    return term, ()


def aliases_of(term: str) -> tuple[str, ...]:
    """Other ways to write ``term``: without/with quotes, list items, numbers, full-width.

    >>> aliases_of("“13710”工作法")
    ('13710工作法', '13710', '１３７１０')
    >>> aliases_of("治理六乱、开展六清")
    ('“治理六乱、开展六清”', '治理六乱', '开展六清')
    """
    plain = bare(term)
    found = [plain] if plain != term else [f"“{plain}”"]
    if "、" in plain:
        found.extend(part for part in plain.split("、") if len(part) >= 2)
    found.extend(q for q in _QUOTED.findall(term) if q != plain)
    for code in _CODE.findall(plain):
        if code != plain and (len(code) >= 3 or "+" in code):
            found.append(code)
    for alias in list(found):
        wide = _to_full_width(alias)
        if wide != alias and fold(wide) != alias.lower() or (wide != alias and alias.isdigit()):
            found.append(wide)
    return tuple(a for a in dict.fromkeys(found) if a != term)


def _to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + FULLWIDTH_SHIFT) if "!" <= c <= "~" else c for c in text)


def glossary_entries(doc: str, paragraphs: Iterable[Paragraph]) -> list[GlossaryEntry]:
    """Entries of the document's glossary sections, each definition complete."""
    entries: list[list] = []  # [term, definition, paragraph]
    for p in paragraphs:
        if p.heading or not any(is_glossary_heading(t) for t in p.section):
            continue
        if COLOPHON.search(p.text):
            continue
        found = _NUMBERED_ENTRY.match(p.text) or _COLON_ENTRY.match(p.text)
        if found:
            entries.append([found.group("term").strip(), found.group("definition").strip(), p.n])
        elif entries:  # the entry goes on in another paragraph
            entries[-1][1] += p.text
    found = []
    for printed, definition, n in entries:
        term, names = headword(printed)
        aliases = tuple(dict.fromkeys((*names, *aliases_of(term))))
        found.append(GlossaryEntry(term, definition, aliases, doc, n, GLOSSARY))
    return found


def inline_entries(doc: str, n: int, text: str) -> list[GlossaryEntry]:
    """Definitions given in running text: “TERM”（…）, “TERM”即…, TERM（即…）, and an
    abbreviation beside its name, AGV（无人搬运车） or 无人搬运车（AGV）: the abbreviation
    defined by the name, which finds it too.

    >>> [(e.term, e.definition, e.aliases[0]) for e in inline_entries("d", 1, "引进AGV（无人搬运车）。")]
    [('AGV', '无人搬运车', '无人搬运车')]
    """
    found: dict[str, GlossaryEntry] = {}
    for pattern in _INLINE:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            if parts.get("quoted"):
                quoted, suffix = parts["quoted"], parts["suffix"]
                term = f"“{quoted}”{suffix}" if suffix else quoted
            else:
                term = parts["clause"]
            definition = match.group("definition").strip("，, ")
            if term not in found:
                found[term] = GlossaryEntry(term, definition, aliases_of(term), doc, n, INLINE)
    named = ("（" in text or "(" in text) and _NAMED_HINT.search(text)
    for pattern in _NAMED if named else ():
        for match in pattern.finditer(text):
            term, name = match.group("term"), match.group("name")
            if term not in found and len(term) >= 2:
                aliases = (name, *aliases_of(term))
                found[term] = GlossaryEntry(term, name, aliases, doc, n, INLINE)
    return list(found.values())


def extract_entries(doc: str, paragraphs: tuple[Paragraph, ...]) -> list[GlossaryEntry]:
    """Appendix entries first, then inline definitions of terms the appendix lacks."""
    entries = glossary_entries(doc, paragraphs)
    defined = {k for e in entries for k in e.keys}
    for p in paragraphs:
        for entry in inline_entries(doc, p.n, p.text):
            if not defined & set(entry.keys[:1]):
                entries.append(entry)
                defined.update(entry.keys[:1])
    return entries
