"""Files to text: one small reader per format, in a plain registry by suffix.

Every reader returns the document's text (paragraphs on their own lines) for the one
cleaning step all formats share, plus metadata hints the format itself carries (an HTML
page's <title> and meta tags). Every failure is a ``ReaderError`` with a one-line reason.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

from indexer.errors import ReaderError
from indexer.ingest.readers.base import ReadResult

Reader = Callable[[Path], ReadResult]

# suffix -> "module:function"; a reader's libraries (pypdfium2, python-docx) are imported
# only when a file of its kind turns up, so a search never pays for them.
READERS: dict[str, str] = {
    ".txt": "text:read_text",
    ".text": "text:read_text",
    ".md": "text:read_text",
    ".markdown": "text:read_text",
    ".pdf": "pdf:read_pdf",
    ".docx": "docx:read_docx",
    ".html": "html:read_html",
    ".htm": "html:read_html",
}


def reader_for(path: Path) -> Reader:
    """The reader registered for ``path``'s suffix, or ReaderError."""
    target = READERS.get(path.suffix.lower())
    if target is None:
        raise ReaderError(f"unsupported file type {path.suffix or '(none)'}")
    module, function = target.split(":")
    return getattr(importlib.import_module(f"indexer.ingest.readers.{module}"), function)


DEFAULT_MAX_MB = 50
MAX_MB_ENV = "POLICY_SEARCH_MAX_FILE_MB"


def max_file_bytes() -> int:
    """The size cap: ``$POLICY_SEARCH_MAX_FILE_MB`` megabytes, 50 by default."""
    raw = os.environ.get(MAX_MB_ENV, "")
    megabytes = float(raw) if raw.replace(".", "", 1).isdigit() else DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def read_with_meta(path: Path) -> ReadResult:
    """The text of ``path`` and its format's metadata hints, or ReaderError."""
    reader = reader_for(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReaderError(exc.strerror or str(exc)) from None
    cap = max_file_bytes()
    if size > cap:
        raise ReaderError(f"file too large ({size / 2**20:.1f} MB > cap {cap / 2**20:.0f} MB)")
    if size == 0:
        raise ReaderError("empty file")
    try:
        return reader(path)
    except OSError as exc:
        raise ReaderError(exc.strerror or str(exc)) from None


def read_document(path: Path) -> str:
    """The text of ``path``, or ReaderError with a one-line reason."""
    return read_with_meta(path).text
