"""Files to text: one small reader per format, in a plain registry by suffix.

Every reader returns the document's text (paragraphs on their own lines) for the one
cleaning step all formats share, plus metadata hints the format itself carries (an HTML
page's <title> and meta tags). Every failure is a ``ReaderError`` with a one-line reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from indexer.errors import ReaderError
from indexer.readers.base import ReadResult
from indexer.readers.docx import read_docx
from indexer.readers.html import read_html
from indexer.readers.pdf import read_pdf
from indexer.readers.text import read_text

Reader = Callable[[Path], ReadResult]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".html": read_html,
    ".htm": read_html,
}
DEFAULT_MAX_MB = 50
MAX_MB_ENV = "POLICY_SEARCH_MAX_FILE_MB"


def max_file_bytes() -> int:
    """The size cap: ``$POLICY_SEARCH_MAX_FILE_MB`` megabytes, 50 by default."""
    raw = os.environ.get(MAX_MB_ENV, "")
    megabytes = float(raw) if raw.replace(".", "", 1).isdigit() else DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def read_with_meta(path: Path) -> ReadResult:
    """The text of ``path`` and its format's metadata hints, or ReaderError."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReaderError(f"unsupported file type {path.suffix or '(none)'}")
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
