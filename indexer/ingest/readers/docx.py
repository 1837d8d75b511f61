"""Word documents with python-docx: paragraphs and tables, in document order."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from indexer.errors import ReaderError
from indexer.ingest.readers.base import ReadResult

CELL_SEPARATOR = " | "  # cleaning keeps it visible; tabs would vanish between CJK cells


def read_docx(path: Path) -> ReadResult:
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReaderError(
            f"cannot open DOCX: {' '.join(str(exc).split()) or 'not a Word file'}"
        ) from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    text = "\n".join(lines)
    if not text.strip():
        raise ReaderError("no text in the document")
    title = (document.core_properties.title or "").strip()
    return ReadResult(text, {"title": title} if title else {})


def _table_lines(table: Table) -> list[str]:
    """One line per row, cells separated by a bar; merged cells are not repeated."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or text != cells[-1]:
                cells.append(text)
        lines.append(CELL_SEPARATOR.join(cells))
    return lines
