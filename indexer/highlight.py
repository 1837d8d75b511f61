"""Highlighting: where the query's literals occur in a paragraph, and three ways to show it.

Spans are computed on the match key (the same one search uses), so a highlight covers
exactly the text that matched, across PDF spaces and jargon quotes. One fragment picker
serves the HTML snippet (``<mark>``, everything else escaped), the terminal (ANSI colour)
and JSON (character offsets).
"""

from __future__ import annotations

from html import escape

from analyzers.normalize import find_spans

Span = tuple[int, int]
SNIPPET_CHARS = 160
ANSI_MARK, ANSI_RESET = "\x1b[1;31m", "\x1b[0m"


def highlight_spans(
    text: str, literals: tuple[str, ...] | list[str], key: str | None = None
) -> list[Span]:
    """Sorted, non-overlapping spans of ``text`` where any literal occurs (``key``:
    ``text``'s match key, if known)."""
    return find_spans(text, list(literals), key)


def fragment(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> tuple[int, int]:
    """The window of ``width`` characters holding the most highlights, from the first one."""
    if len(text) <= width:
        return 0, len(text)
    best_start, best_count = 0, -1
    for start, _ in spans:
        window_start = max(0, start - width // 4)
        count = sum(1 for s, e in spans if s >= window_start and e <= window_start + width)
        if count > best_count:
            best_start, best_count = window_start, count
    end = min(len(text), best_start + width)
    return max(0, end - width), end


def _render(
    text: str, spans: list[Span], window: tuple[int, int], mark: tuple[str, str], esc: bool
) -> str:
    start, end = window
    out: list[str] = ["…"] if start > 0 else []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]) if esc else text[pos:s])
        piece = escape(text[s:e]) if esc else text[s:e]
        out.append(f"{mark[0]}{piece}{mark[1]}")
        pos = e
    out.append(escape(text[pos:end]) if esc else text[pos:end])
    if end < len(text):
        out.append("…")
    return "".join(out)


def html_snippet(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> str:
    """HTML whose only markup is ``<mark>``; everything else is escaped."""
    return _render(text, spans, fragment(text, spans, width), ("<mark>", "</mark>"), True)


def html_marked(text: str, spans: list[Span]) -> str:
    """The whole text as HTML, every span in ``<mark>``, everything else escaped."""
    return _render(text, spans, (0, len(text)), ("<mark>", "</mark>"), True)


def terminal_snippet(text: str, spans: list[Span], color: bool, width: int = SNIPPET_CHARS) -> str:
    """The snippet as text, the matches in bold red when ``color`` is on, else plain."""
    mark = (ANSI_MARK, ANSI_RESET) if color else ("", "")
    return _render(text, spans, fragment(text, spans, width), mark, False)
