"""The index as the search side reads it: opening it (checking its schema), the
dictionary it was segmented with, and its document and glossary records.

Nothing here writes: searching imports this module, never the update pipeline
(``indexer.build``), which a test checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index

from analyzers.segment import Segmenter
from indexer.errors import PolicySearchError
from indexer.ingest.metadata import document_label
from indexer.lookup import TermEntry
from indexer.schema import DICTIONARY_ID, DOCUMENT, GLOSSARY_ENTRY, SCHEMA_VERSION, build_schema
from indexer.storage import MappedStorage


def is_index(index_dir: Path) -> bool:
    return index_dir.is_dir() and whoosh_index.exists_in(str(index_dir))


def open_whoosh(index_dir: Path) -> Index:
    """Open an existing index, checking it was built by this schema version."""
    ix = MappedStorage(str(index_dir)).open_index()
    if ix.schema.names() != build_schema().names() or _schema_version(ix) != SCHEMA_VERSION:
        ix.close()
        raise PolicySearchError(
            f"the index at {index_dir} was built by another version; rebuild it with "
            "`policy-search index --rebuild PATHS`"
        )
    return ix


def _schema_version(ix: Index) -> int | None:
    with ix.searcher() as searcher:
        record = searcher.document(id=DICTIONARY_ID)
    return record["data"].get("schema") if record else SCHEMA_VERSION


def load_segmenter(ix: Index) -> Segmenter:
    """The segmenter with the user dictionary committed in this index."""
    with ix.searcher() as searcher:
        record = searcher.document(id=DICTIONARY_ID)
    words = record["data"]["words"] if record else []
    return Segmenter((w, f) for w, f in words)


def iter_glossary(ix: Index, labels: dict[str, str]) -> Iterator[TermEntry]:
    """Every glossary entry in the index, with its report's metadata and its label
    (``labels``: ``document_labels(ix)``)."""
    with ix.searcher() as searcher:
        for rec in searcher.documents(kind=GLOSSARY_ENTRY):
            data = rec["data"]
            yield TermEntry(
                term=data["term"],
                definition=rec["text"],
                aliases=tuple(data["aliases"]),
                keys=tuple(data["keys"]),
                doc=rec["doc"],
                title=rec.get("title", ""),
                region=rec.get("region", ""),
                year=rec.get("year"),
                date=rec.get("date", ""),
                paragraph=rec["n"],
                source=data["source"],
                label=labels.get(rec["doc"], rec["doc"]),
            )


def iter_documents(ix: Index) -> Iterator[dict[str, Any]]:
    """Document records (metadata, label, path, hash, paragraph count), by doc id."""
    with ix.searcher() as searcher:
        records = [rec["data"] for rec in searcher.documents(kind=DOCUMENT)]
    for record in sorted(records, key=lambda r: r["doc"]):
        yield {**record, "label": document_label(record)}


def document_labels(ix: Index) -> dict[str, str]:
    """Each document's id to its label (``metadata.document_label``)."""
    return {record["doc"]: record["label"] for record in iter_documents(ix)}
