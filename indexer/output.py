"""How results are printed: JSON (non-ASCII kept) or text for people, coloured on a TTY."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO

from indexer.api import SearchResult
from indexer.highlight import terminal_snippet


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return stream.isatty() and "NO_COLOR" not in os.environ


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def format_search(result: SearchResult, color: bool) -> str:
    """Hits as a reader sees them: where each comes from, then the highlighted snippet."""
    if not result.hits:
        return f"no hits for {result.query}"
    first = result.offset + 1
    lines = [
        f"{result.total} hit(s) for {result.query}; showing {first}–{first + len(result.hits) - 1}"
    ]
    bold, dim, reset = ("\x1b[1m", "\x1b[2m", "\x1b[0m") if color else ("", "", "")
    for rank, hit in enumerate(result.hits, first):
        source = " · ".join(str(x) for x in (hit.title, hit.region, hit.year) if x)
        lines.append("")
        lines.append(f"{bold}[{rank}] {source}{reset} {dim}{hit.doc} ¶{hit.paragraph}{reset}")
        if hit.section:
            lines.append(f"    {dim}{hit.section}{reset}")
        lines.append("    " + terminal_snippet(hit.text, hit.highlights, color))
    return "\n".join(lines)


def format_documents(documents: list[dict[str, Any]]) -> str:
    if not documents:
        return "no documents indexed"
    rows = []
    for d in documents:
        who = f"{d.get('role', '')}{d.get('speaker', '')}"
        fields = (d["doc"], d["title"], d["region"], d["date"] or d["year"], who, d["paragraphs"])
        rows.append("\t".join(str(f) if f not in (None, "") else "-" for f in fields))
    return "\n".join(rows)


def echo(text: str, stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout)
