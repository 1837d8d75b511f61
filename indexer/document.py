"""One source file to a parsed document: cleaned paragraphs plus header metadata."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.clean import clean_text
from indexer.jargon import is_glossary_section, jargon_words
from indexer.metadata import DocMeta, extract_metadata
from indexer.paragraphs import Paragraph, split_paragraphs


@dataclass(frozen=True)
class ParsedDocument:
    meta: DocMeta
    paragraphs: tuple[Paragraph, ...]

    def jargon(self) -> list[str]:
        """Quoted slogans and glossary headwords for the user dictionary."""
        glossary = [p.text for p in self.paragraphs if is_glossary_section(p.section)]
        return jargon_words((p.text for p in self.paragraphs), glossary)


def parse_document(doc: str, text: str) -> ParsedDocument:
    """Clean raw text, split it into paragraphs and read the header's metadata."""
    paragraphs = split_paragraphs(doc, clean_text(text))
    header = [p.text for p in paragraphs if p.heading and not p.section]
    return ParsedDocument(extract_metadata(doc, header), tuple(paragraphs))
