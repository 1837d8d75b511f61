"""Saved web pages: the article body without navigation, scripts or styles.

Government sites wrap the article in <article>, <main> or a container whose id or class
says content/article/TRS_Editor/zoom; the longest such container is the document, else
the whole <body>. Block elements become line breaks for the shared cleaning step. The
<title> and common meta tags (ArticleTitle, PubDate, ContentSource) are metadata hints.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from indexer.errors import ReaderError
from indexer.ingest.readers.base import ReadResult
from indexer.ingest.readers.text import decode

_SKIP = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "iframe",
    "svg",
    "template",
    "select",
    "button",
}
_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "main",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "hr",
    "td",
    "th",
}
_CONTAINER = re.compile(r"content|article|trs_editor|zoom|detail|正文", re.I)
_VOID = {
    "br",
    "hr",
    "img",
    "meta",
    "link",
    "input",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "wbr",
}
_META_NAMES = {
    "articletitle": "title",
    "pubdate": "date",
    "contentsource": "authority",
    "description": "description",
}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
MIN_ARTICLE = 100  # characters: a shorter "content" box is a teaser, not the article


class _PageText(HTMLParser):
    """Collects the body text, each candidate container's text, the title and metas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.body: list[str] = []
        self.containers: list[list[str]] = []
        self._open: list[tuple[str, int | None]] = []  # (tag, index of its container)
        self._skipping = 0
        self._in_title = False
        self.title = ""
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            name = _META_NAMES.get(values.get("name", "").lower())
            if name and values.get("content", "").strip():
                self.meta[name] = values["content"].strip()
            return
        if tag == "title":
            self._in_title = True
        if tag in _VOID:
            if tag in _BLOCKS:
                self._text("\n")
            return
        container = None
        if tag in ("article", "main") or _CONTAINER.search(
            values.get("id", "") + " " + values.get("class", "")
        ):
            self.containers.append([])
            container = len(self.containers) - 1
        self._open.append((tag, container))
        if tag in _SKIP:
            self._skipping += 1
        if tag in _BLOCKS:
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        for i in range(len(self._open) - 1, -1, -1):  # tolerate unclosed inner tags
            if self._open[i][0] == tag:
                for closed, _ in self._open[i:]:
                    if closed in _SKIP:
                        self._skipping -= 1
                del self._open[i:]
                break
        if tag in _BLOCKS:
            self._text("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skipping:
            self._text(data)

    def _text(self, data: str) -> None:
        self.body.append(data)
        for index in {c for _, c in self._open if c is not None}:
            self.containers[index].append(data)


def read_html(path: Path) -> ReadResult:
    data = path.read_bytes()
    charset = _CHARSET.search(data[:4096])
    try:
        html = data.decode(charset.group(1).decode()) if charset else decode(data)
    except (LookupError, UnicodeDecodeError):
        html = decode(data)
    page = _PageText()
    page.feed(html)
    page.close()
    body = "".join(page.body)
    articles = ["".join(parts) for parts in page.containers]
    best = max(articles, key=lambda t: len(t.strip()), default="")
    text = best if len(best.strip()) >= MIN_ARTICLE else body
    if not text.strip():
        raise ReaderError("no text in the page")
    meta = dict(page.meta)
    if page.title.strip() and "title" not in meta:
        meta["title"] = " ".join(page.title.split())
    return ReadResult(text, meta)
