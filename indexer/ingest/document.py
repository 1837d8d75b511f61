"""One source file to a parsed document: cleaned paragraphs, header metadata, glossary,
the lists and abbreviations the corpus's expansions are made of, and its targets."""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.segment import active_segmenter
from indexer.ingest.clean import clean_text
from indexer.ingest.entries import bare
from indexer.ingest.enumerations import enumerations, mentions, packed
from indexer.ingest.glossary import GlossaryEntry, extract_entries
from indexer.ingest.jargon import jargon_words
from indexer.ingest.metadata import DocMeta, extract_metadata
from indexer.ingest.paragraphs import Paragraph, split_paragraphs
from indexer.ingest.targets import Target, targets

CLOSING_LINES = 6  # where a signature block (authority, date of issue) can be
OPENING_PARAGRAPHS = 2  # where a report says whom it speaks for


@dataclass(frozen=True)
class ParsedDocument:
    meta: DocMeta
    paragraphs: tuple[Paragraph, ...]
    glossary: tuple[GlossaryEntry, ...]
    lists: str = ""  # its closed lists (enumerations.packed): what abbreviations stand for
    mentions: tuple[tuple[str, tuple[int, ...]], ...] = ()  # abbreviations it uses, where
    quoted: tuple[str, ...] = ()  # those of them it quotes somewhere: names
    targets: tuple[Target, ...] = ()  # its targets statement, read

    def jargon(self) -> list[str]:
        """Quoted slogans, glossary headwords and aliases for the user dictionary."""
        terms = [bare(t) for e in self.glossary for t in (e.term, *e.aliases)]
        return jargon_words((p.text for p in self.paragraphs), terms)


def parse_document(doc: str, text: str) -> ParsedDocument:
    """Clean raw text, split it into paragraphs, read the header and the glossary."""
    paragraphs = tuple(split_paragraphs(doc, clean_text(text)))
    header = [p.text for p in paragraphs if p.heading and not p.section]
    closing = [p.text for p in paragraphs[-CLOSING_LINES:]]
    opening = [p.text for p in paragraphs if not p.heading][:OPENING_PARAGRAPHS]
    meta = extract_metadata(doc, header, closing, opening)
    used: dict[str, list[int]] = {}
    quoted: set[str] = set()
    cut = active_segmenter().words
    for p in paragraphs:
        for term, in_quotes in mentions(p.text, cut):
            used.setdefault(term, []).append(p.n)
            if in_quotes:
                quoted.add(term)
    return ParsedDocument(
        meta,
        paragraphs,
        tuple(extract_entries(doc, paragraphs)),
        packed(e for p in paragraphs for e in enumerations(p.n, p.text)),
        tuple((term, tuple(ns)) for term, ns in used.items()),
        tuple(sorted(quoted)),
        tuple(targets([(p.n, p.text) for p in paragraphs])),
    )
