"""Files to text: one reader per suffix, in a plain registry.

Text is decoded as UTF-8 (with or without a BOM); anything else is refused with a clear
reason rather than silently garbled.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from indexer.errors import ReaderError

Reader = Callable[[Path], str]


def read_plain_text(path: Path) -> str:
    """UTF-8 text or markdown; markup is handled by cleaning, like any other artifact."""
    data = path.read_bytes()
    if not data.strip():
        raise ReaderError("empty file")
    if b"\x00" in data[:4096]:
        raise ReaderError("binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReaderError(f"not UTF-8 text (byte {exc.start})") from None


READERS: dict[str, Reader] = {
    ".txt": read_plain_text,
    ".md": read_plain_text,
    ".markdown": read_plain_text,
    ".text": read_plain_text,
}


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read_document(path: Path) -> str:
    """The text of ``path``, or ReaderError with a one-line reason."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReaderError(f"unsupported file type {path.suffix or '(none)'}")
    try:
        return reader(path)
    except OSError as exc:
        raise ReaderError(exc.strerror or str(exc)) from None
