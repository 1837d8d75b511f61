"""How results are printed: JSON (non-ASCII kept) or text for people, coloured on a TTY."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import orjson

from indexer.highlight import terminal_snippet
from indexer.ingest.glossary import EXPANSION, GLOSSARY, INLINE
from indexer.lookup import TermEntry
from indexer.results import GlossaryResult, Hit, SearchResult, Usage

BOX_CHARS = 60  # how much of a definition the box above search hits shows
# What an entry's headword says of where its explanation comes from.
_SOURCE_NOTES = {GLOSSARY: "", INLINE: "（正文中的解释）", EXPANSION: "（据语料中的列举）"}


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return stream.isatty() and "NO_COLOR" not in os.environ


def to_json(data: Any) -> str:
    """Indented JSON, as ``json.dumps(data, ensure_ascii=False, indent=2)`` writes it,
    through orjson: a common word's answer at 1 GB lists 23,000 report facets, which the
    standard library took 0.1 s to encode."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()


def _styles(color: bool) -> tuple[str, str, str]:
    return ("\x1b[1m", "\x1b[2m", "\x1b[0m") if color else ("", "", "")


def _source(entry: TermEntry | Hit) -> str:
    return " · ".join(str(x) for x in (entry.region, entry.year) if x)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_search(result: SearchResult, color: bool) -> str:
    """A definition box for the query's glossary terms, the matching headings, then the
    paragraph hits, each naming where else its text is printed."""
    bold, dim, reset = _styles(color)
    lines = [
        f"┃ {bold}{e.term}{reset} {dim}{_source(e)}{reset}  {_shorten(e.definition, BOX_CHARS)}"
        for e in result.glossary
    ]
    note = result.interpreted
    if note:
        also = f"; also: {'、'.join(note['alternatives'])}" if note.get("alternatives") else ""
        source = f"{note['via']} {note['query']}{also}"
        lines.insert(0, f"{dim}showing results for {note['as']} ({source}){reset}")
    if result.suggestions:
        lines.append(f"did you mean: {'、'.join(result.suggestions)}?")
    for variant in result.variants:
        lines.append(
            f"also written {variant['text']}: {variant['paragraphs']} paragraph(s)"
            f" (search: {variant['query']})"
        )
    if result.sections:
        lines.append(f"{bold}sections{reset}")
        lines.extend(
            f"  § {terminal_snippet(h.text, h.highlights, color)}  "
            f"{dim}{_source(h)} · {h.doc} ¶{h.paragraph}{reset}"
            for h in result.sections
        )
    if not result.total and not result.hits:
        return "\n".join([*lines, f"no hits for {result.query}"])
    if lines:
        lines.append("")
    lines.append(f"{result.total} paragraph(s) for {result.query}: {_counted(result)}")
    for rank, hit in enumerate(result.hits, result.offset + 1):
        lines.extend(["", *_hit_lines(hit, f"[{rank}] ", color)])
    return "\n".join(lines)


def _counted(result: SearchResult) -> str:
    """What the total holds: hits (and which of them are shown), copies, headings."""
    parts = [f"{result.hits_total} hit(s)"]
    if result.hits:
        first = result.offset + 1
        parts[0] += f", showing {first}–{first + len(result.hits) - 1}"
    if result.copies:
        parts.append(f"{result.copies} more with the same text as a hit")
    if result.headings:
        parts.append(f"{result.headings} heading(s)")
    if result.related:
        parts.append(f"{result.related} related paragraph(s) hold its words, not as written")
    return "; ".join(parts)


def _hit_lines(hit: Hit, prefix: str, color: bool) -> list[str]:
    """Where a paragraph comes from, its section, the highlighted snippet, and where else
    the same text is printed."""
    bold, dim, reset = _styles(color)
    source = " · ".join(str(x) for x in (hit.title, hit.region, hit.year) if x)
    related = "" if hit.exact else f" {dim}(related: its words, not as written){reset}"
    lines = [f"{bold}{prefix}{source}{reset} {dim}{hit.doc} ¶{hit.paragraph}{reset}{related}"]
    if hit.section:
        lines.append(f"    {dim}{hit.section}{reset}")
    lines.append("    " + terminal_snippet(hit.text, hit.highlights, color))
    if hit.copies:
        where = "、".join(f"{c['label']} ¶{c['paragraph']}" for c in hit.copies)
        lines.append(f"    {dim}also in: {where}{reset}")
    return lines


def format_glossary(result: GlossaryResult, color: bool) -> str:
    """Every definition of the term, newest report first."""
    bold, dim, reset = _styles(color)
    lines: list[str] = []
    for entry in result.entries:
        kind = _SOURCE_NOTES[entry.source]
        lines.append(
            f"{bold}{entry.term}{reset}{kind}  {dim}{_source(entry)} · {entry.doc} ¶{entry.paragraph}{reset}"
        )
        lines.append(f"    {entry.definition}")
        if entry.aliases:
            lines.append(f"    {dim}also: {'、'.join(entry.aliases)}{reset}")
    return "\n".join(lines)


def format_usage(usage: Usage, color: bool) -> str:
    """Occurrences per report and per year, then each paragraph that uses the term."""
    bold, _, reset = _styles(color)
    lines = [
        f"{bold}{usage.term}{reset}: {usage.occurrences} occurrence(s) in {len(usage.hits)} paragraph(s)"
    ]
    for d in usage.by_doc:
        lines.append(
            f"    {d['doc']}\t{d['region'] or '-'}\t{d['year'] or '-'}\t{d['occurrences']}"
        )
    if usage.by_year:
        lines.append(
            "    by year: " + ", ".join(f"{y}: {n}" for y, n in sorted(usage.by_year.items()))
        )
    for hit in usage.hits:
        lines.extend(["", *_hit_lines(hit, "", color)])
    return "\n".join(lines)


def format_terms(terms: list[dict[str, Any]]) -> str:
    """One line per term: definitions, expansions, occurrences in the corpus, reports
    using it."""
    if not terms:
        return "no glossary terms indexed"
    columns = ("term", "definitions", "expansions", "occurrences", "reports")
    rows = ["\t".join(columns)]
    rows += ["\t".join(str(t[c]) for c in columns) for t in terms]
    return "\n".join(rows)


def format_documents(documents: list[dict[str, Any]]) -> str:
    if not documents:
        return "no documents indexed"
    rows = []
    for d in documents:
        who = f"{d.get('role', '')}{d.get('speaker', '')}"
        fields = (d["doc"], d["title"], d["region"], d["date"] or d["year"], who, d["paragraphs"])
        rows.append("\t".join(str(f) if f not in (None, "") else "-" for f in fields))
    return "\n".join(rows)


# What a matching paragraph is in a spreadsheet or a line of NDJSON; ``kind`` says whether
# it is a hit, a copy of the hit above it, or a heading.
HIT_COLUMNS = (
    "doc",
    "label",
    "region",
    "year",
    "date",
    "section",
    "paragraph",
    "text",
    "score",
    "kind",
)
BOM = "\ufeff"  # spreadsheet programs read a CSV as UTF-8 only after it


def hit_records(rows: Iterable[tuple[str, Hit]]) -> Iterator[dict[str, Any]]:
    """``(kind, hit)`` rows (``SearchResult.every_paragraph``) as flat records."""
    for kind, hit in rows:
        yield {column: kind if column == "kind" else getattr(hit, column) for column in HIT_COLUMNS}


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text a line at a time, starting with a byte-order mark and the header: Excel
    and its kin then read the Chinese as UTF-8, and Python reads it with utf-8-sig."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if value is None else value for value in row])
        yield buffer.getvalue()


def hits_csv(rows: Iterable[tuple[str, Hit]]) -> Iterator[str]:
    records = hit_records(rows)
    return csv_lines(HIT_COLUMNS, (record.values() for record in records))


def hits_ndjson(rows: Iterable[tuple[str, Hit]]) -> Iterator[str]:
    for record in hit_records(rows):
        yield json.dumps(record, ensure_ascii=False) + "\n"


def counts_table(counts: dict[str, int], by: str, fmt: str) -> Iterator[str]:
    """Exact facet counts: aligned text, JSON, CSV (with a byte-order mark) or NDJSON."""
    if fmt == "json":
        yield to_json(counts) + "\n"
    elif fmt == "csv":
        yield from csv_lines((by, "paragraphs"), counts.items())
    elif fmt == "ndjson":
        for value, count in counts.items():
            yield json.dumps({by: value, "paragraphs": count}, ensure_ascii=False) + "\n"
    else:
        width = max((len(value) for value in counts), default=0)
        for value, count in counts.items():
            yield f"{value}{' ' * (width - len(value))}\t{count}\n"


def echo(text: str, stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout)
