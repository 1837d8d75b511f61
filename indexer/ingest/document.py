"""One source file to a parsed document: cleaned paragraphs, header metadata, glossary."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.ingest.clean import clean_text
from indexer.ingest.glossary import GlossaryEntry, bare, extract_entries
from indexer.ingest.jargon import jargon_words
from indexer.ingest.metadata import DocMeta, extract_metadata
from indexer.ingest.paragraphs import Paragraph, split_paragraphs

CLOSING_LINES = 6  # where a signature block (authority, date of issue) can be


@dataclass(frozen=True)
class ParsedDocument:
    meta: DocMeta
    paragraphs: tuple[Paragraph, ...]
    glossary: tuple[GlossaryEntry, ...]

    def jargon(self) -> list[str]:
        """Quoted slogans, glossary headwords and aliases for the user dictionary."""
        terms = [bare(t) for e in self.glossary for t in (e.term, *e.aliases)]
        return jargon_words((p.text for p in self.paragraphs), terms)


def parse_document(doc: str, text: str) -> ParsedDocument:
    """Clean raw text, split it into paragraphs, read the header and the glossary."""
    paragraphs = tuple(split_paragraphs(doc, clean_text(text)))
    header = [p.text for p in paragraphs if p.heading and not p.section]
    closing = [p.text for p in paragraphs[-CLOSING_LINES:]]
    meta = extract_metadata(doc, header, closing)
    return ParsedDocument(meta, paragraphs, tuple(extract_entries(doc, paragraphs)))
