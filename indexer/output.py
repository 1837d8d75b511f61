"""How results are printed: JSON (non-ASCII kept) or text for people, coloured on a TTY."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

import orjson

from indexer.highlight import terminal_snippet
from indexer.ingest.entries import EXPANSION, GLOSSARY, INLINE
from indexer.lookup import TermEntry
from indexer.results import GlossaryResult, Hit, SearchResult, Usage
from indexer.targets import COLUMNS as TARGET_COLUMNS
from indexer.targets import TargetsTable

if TYPE_CHECKING:  # what only new-terms and compare print: a search never imports them
    from indexer.comparison import Comparison
    from indexer.formulations import NewTerms

CONTEXT_CHARS = 24  # what a new term's line shows before it (and twice that after)
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
    if result.some_words:
        parts.append(f"{result.some_words} more hold only some of its words (few hits)")
    return "; ".join(parts)


def _hit_lines(hit: Hit, prefix: str, color: bool) -> list[str]:
    """Where a paragraph comes from, its section, the highlighted snippet, and where else
    the same text is printed."""
    bold, dim, reset = _styles(color)
    source = " · ".join(str(x) for x in (hit.title, hit.region, hit.year) if x)
    kind = ""
    if not hit.exact:
        said = "only some of its words" if hit.some_words else "related: its words, not as written"
        kind = f" {dim}({said}){reset}"
    lines = [f"{bold}{prefix}{source}{reset} {dim}{hit.doc} ¶{hit.paragraph}{reset}{kind}"]
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


# A new term in a spreadsheet: what the JSON says, its first paragraph flattened.
NEW_TERM_COLUMNS = (
    "term",
    "occurrences",
    "paragraphs",
    "reports",
    "first_doc",
    "first_label",
    "first_paragraph",
    "first_text",
    "later_years",
    "quoted",
    "heading",
    "defined",
    "regions",
    "salience",
)


def new_terms_csv(found: NewTerms) -> Iterator[str]:
    rows = []
    for term in found.terms:
        row = term.as_dict()
        first = row.pop("first")
        row.update({f"first_{k}": v for k, v in first.items()})
        row["later_years"] = " ".join(map(str, row["later_years"]))
        rows.append([row[c] for c in NEW_TERM_COLUMNS])
    return csv_lines(NEW_TERM_COLUMNS, rows)


def format_new_terms(found: NewTerms, color: bool) -> str:
    """The year's new terms, one block each: counts, where first said, later years."""
    bold, dim, reset = _styles(color)
    where = f"{found.region} " if found.region else ""
    reports = f"{found.reports} report(s)"
    if not found.earlier.reports:
        return (
            f"{where}{found.year}: {reports}, and no earlier report to compare with: "
            "every term would be new"
        )
    first, last = found.earlier.years
    head = (
        f"{where}{found.year}: {reports} against {found.earlier.reports} earlier ({first}–{last})"
    )
    if not found.terms:
        return f"{head}: no new terms"
    lines = [f"{head}: {len(found.terms)} new term(s), most salient first"]
    for term in found.terms:
        shown = (("quoted", term.quoted), ("heading", term.heading), ("defined", term.defined))
        marks = [mark for mark, on in shown if on]
        later = ", ".join(map(str, term.later_years)) or "-"
        lines.append(
            f"{bold}{term.term}{reset}\t{term.occurrences} time(s) in {term.paragraphs} "
            f"paragraph(s), {term.reports} report(s); later: {later}"
            + (f"; {', '.join(marks)}" if marks else "")
        )
        text = term.first["text"]
        at = max(text.find(term.term) - CONTEXT_CHARS, 0)
        lines.append(
            f"    {dim}{term.first['label']} ¶{term.first['paragraph']}{reset} "
            + ("…" if at else "")
            + _shorten(text[at:], 3 * CONTEXT_CHARS)
        )
    return "\n".join(lines)


def format_comparison(found: Comparison, color: bool) -> str:
    """Added and dropped terms, each with where it stands, then the targets side by side."""
    bold, dim, reset = _styles(color)
    lines = [f"{bold}{found.b['label']}{reset} against {bold}{found.a['label']}{reset}"]
    for title, terms in (("added", found.added), ("dropped", found.dropped)):
        lines.append(f"{title}: {len(terms)} term(s)")
        for term in terms:
            lines.append(
                f"    {bold}{term.term}{reset}\t{term.occurrences} time(s)"
                f" {dim}¶{term.first['paragraph']}{reset}"
            )
    if found.targets:
        lines.append("targets:")
        for row in found.targets:
            a = "-" if row["a"] is None else row["a"] or "(stated)"
            b = "-" if row["b"] is None else row["b"] or "(stated)"
            lines.append(f"    {row['indicator']}\t{a} → {b}")
    return "\n".join(lines)


def targets_csv(table: TargetsTable) -> Iterator[str]:
    return csv_lines(TARGET_COLUMNS, ([row[c] for c in TARGET_COLUMNS] for row in table.targets))


def format_targets(table: TargetsTable) -> str:
    """Each report's targets under its label: indicator and value as printed."""
    lines: list[str] = []
    label = None
    for row in table.targets:
        if row["label"] != label:
            label = row["label"]
            lines.append(f"{label} ¶{row['paragraph']}")
        lines.append(f"    {row['indicator']}\t{row['value'] or '-'}")
    if table.without:
        lines.append(f"no targets statement: {', '.join(table.without)}")
    return "\n".join(lines) if lines else "no reports"


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
