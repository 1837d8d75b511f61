"""PDF text layers with pypdfium2 (accurate and fast); scans without text are refused."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from indexer.errors import ReaderError
from indexer.ingest.readers.base import ReadResult


def read_pdf(path: Path) -> ReadResult:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason or "security" in reason:
            raise ReaderError("encrypted PDF (password required)") from None
        raise ReaderError(f"cannot open PDF: {_one_line(exc)}") from None
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise ReaderError(f"cannot read PDF: {_one_line(exc)}") from None
    finally:
        pdf.close()
    text = "\n".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in pages)
    if not text.strip():
        raise ReaderError("no text layer (scanned image?)")
    return ReadResult(text)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
