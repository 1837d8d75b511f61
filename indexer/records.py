"""What one document becomes in the index: its record, its glossary entries and its
paragraphs with their matching and ranking fields, and its word counts for the lexicon.
The update pipeline (``indexer.build``) and its forked writers (``indexer.parallel``)
both write documents through ``add_document``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.writing import IndexWriter

from analyzers.normalize import match_key
from analyzers.segment import active_segmenter
from analyzers.terms import index_words
from indexer.ingest.document import ParsedDocument
from indexer.ingest.entries import bare
from indexer.lexicon import Counts, count_words
from indexer.paragraph_record import report_sections, section_numbers, slim
from indexer.ranking import lead_bytes, paragraph_boost, paragraph_shape, same_text
from indexer.schema import DOCUMENT, GLOSSARY_ENTRY, PARAGRAPH, document_id

# Whoosh reads a compound segment file by copying each part into memory (190 MB for a
# 20 MB corpus); separate files are memory-mapped in place (see storage.py).
COMPOUND = False


@dataclass(frozen=True)
class Source:
    path: Path
    doc: str
    sha256: str
    parsed: ParsedDocument
    size: int  # bytes of the file, for the progress bar and for dealing work out


@dataclass(frozen=True)
class Brief:
    """What an index run's parent keeps of a document to write: what the commit needs of
    it (its jargon, its lists, its paragraph count) and either the parsed document
    itself (a run written here) or where a reader process spilled it for the writer
    processes (``indexer.parallel``), so that the parent never holds a large run's
    parsed text (2.7 GB at 1 GB, most of its memory peak even after it was freed)."""

    path: Path
    doc: str
    size: int
    paragraphs: int
    jargon: list[str]
    lists: dict[str, Any]
    source: Source | None = None
    spilled: tuple[str, int] | None = None  # the spill file and the offset in it

    @classmethod
    def of(cls, source: Source, spilled: tuple[str, int] | None = None) -> Brief:
        """``source``'s brief, holding it unless it was ``spilled``."""
        parsed = source.parsed
        return cls(
            source.path,
            source.doc,
            source.size,
            len(parsed.paragraphs),
            parsed.jargon(),
            document_lists(source),
            None if spilled else source,
            spilled,
        )


def doc_words(source: Source, keys: list[str]) -> Counts:
    """A document's word counts for the lexicon (cutting its paragraphs, which the
    segmenter then remembers for the tokenizer); ``keys``: its paragraphs' match keys."""
    return count_words(
        [p.text for p in source.parsed.paragraphs],
        active_segmenter(),
        [bare(e.term) for e in source.parsed.glossary],
        keys,
    )


def document_lists(source: Source) -> dict[str, Any]:
    """What the document gives the corpus's expansions (``indexer.expanding``): its
    name and year, its closed lists, the abbreviations it mentions and where, and where
    it defines terms itself."""
    parsed = source.parsed
    defined: dict[str, list[int]] = {}
    for entry in parsed.glossary:
        for key in entry.keys:
            defined.setdefault(key, []).append(entry.paragraph)
    return {
        "doc": source.doc,
        "year": parsed.meta.year,
        "lists": parsed.lists,
        "mentions": {term: list(paragraphs) for term, paragraphs in parsed.mentions},
        "quoted": list(parsed.quoted),
        "defined": defined,
    }


def match_fields(
    text: str, heading: bool, section: str, title: str, key: str | None = None
) -> dict[str, Any]:
    """A paragraph's fields for literal matching (its match key, computed unless given:
    its segment's writer takes its characters and pairs from the key column,
    ``indexer.grams``) and ranking (its words; its weight: a boost on each word field's
    frequencies, and a column; its shape and the hash its copies share), with their
    terms computed directly (``_terms``)."""
    boost = paragraph_boost(section)
    key = match_key(text) if key is None else key
    terms: dict[str, tuple[Any, int]] = {}
    for name, value in (("text", text), ("section", section), ("title", title)):
        if value:
            words = index_words(value)
            terms[name] = (words, sum(words.values()))
    return {
        "key": key.encode("utf-8"),
        "boost": boost,
        "shape": paragraph_shape(text, key, heading, section),
        "same": same_text(key),
        "lead": lead_bytes(key),
        "_text_boost": boost,
        "_section_boost": boost,
        "_title_boost": boost,
        "_terms": terms,
    }


def add_document(writer: IndexWriter, source: Source) -> Counts:
    """The document record, its glossary entries and its paragraphs, all with its
    metadata; returns its word counts, which only the lexicon's totals keep (a document's
    own are recounted from its stored paragraphs when it changes)."""
    meta = source.parsed.meta
    keys = [match_key(p.text) for p in source.parsed.paragraphs]  # for counts and fields
    words = doc_words(source, keys)
    common: dict[str, Any] = {"doc": meta.doc, "title": meta.title}
    common.update(
        (k, v) for k, v in (("region", meta.region), ("year", meta.year), ("date", meta.date)) if v
    )
    sections = section_numbers(p.section_path for p in source.parsed.paragraphs)
    writer.add_document(
        id=document_id(meta.doc),
        kind=DOCUMENT,
        data={
            **meta.as_dict(),
            "path": str(source.path),
            "sha256": source.sha256,
            "paragraphs": len(source.parsed.paragraphs),
            "targets": [t.as_dict() for t in source.parsed.targets],
        },
        **report_sections(sections),
        **common,
    )
    for i, entry in enumerate(source.parsed.glossary, 1):
        writer.add_document(
            id=f"{meta.doc}#g{i}",
            kind=GLOSSARY_ENTRY,
            n=entry.paragraph,
            text=entry.definition,
            glossary_keys="\n".join(entry.keys),
            data={
                "term": entry.term,
                "aliases": list(entry.aliases),
                "keys": list(entry.keys),
                "source": entry.source,
            },
            **common,
        )
    for p, key in zip(source.parsed.paragraphs, keys, strict=True):
        section = (p.section_path, sections[p.section_path])
        add_paragraph(writer, common, p.n, p.heading, section, p.text, key)
    return words


def add_paragraph(
    writer: IndexWriter,
    report: dict[str, Any],
    n: int,
    heading: bool,
    section: tuple[str, int],
    text: str,
    key: str | None = None,
) -> None:
    """A paragraph's record: indexed with ``report``'s fields (``REPORT_FIELDS``), and
    stored slim (``indexer.paragraph_record``); ``section``: its path and number in the
    report; ``key``: its match key, computed unless given."""
    path, number = section
    writer.add_document(
        kind=PARAGRAPH,
        n=n,
        heading=heading,
        section=path,
        text=text,
        **match_fields(text, heading, path, report.get("title", ""), key),
        **report,
        **slim(text, heading, number),
    )
