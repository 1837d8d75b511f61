"""Scoring: BM25F, with equal scores ordered newest report first, and paragraph boosts.

Ranking is BM25F over the word fields (``text``, ``section``, ``title``), as built by
``indexer.query``; here are the two things BM25F alone does not know: that headings and
glossary definitions say more per word than body text, and that of two equally good
paragraphs a researcher wants the newer one first.
"""

from __future__ import annotations

from typing import Any

from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from indexer.columns import AlignedColumn
from indexer.glossary import is_glossary_heading
from indexer.paragraphs import SECTION_SEPARATOR

HEADING_BOOST = 1.5  # a heading is a summary of what follows
GLOSSARY_BOOST = 1.5  # a glossary definition is the reference for its term
RECENCY_STEP = 1e-6  # per year: far below any real score difference, so only ties move


def paragraph_boost(heading: bool, section: str) -> float:
    """The document boost a paragraph is indexed with."""
    boost = HEADING_BOOST if heading else 1.0
    if any(is_glossary_heading(title) for title in section.split(SECTION_SEPARATOR)):
        boost *= GLOSSARY_BOOST
    return boost


class RecencyBM25F(BM25F):
    """BM25F whose ties go to the paragraph of the more recent report."""

    use_final = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._years: tuple[Any, AlignedColumn] | None = None  # (reader, its years)

    def final(self, searcher: Searcher, docnum: int, score: float) -> float:
        reader = searcher.reader()
        cached = self._years
        if cached is None or cached[0] is not reader:
            cached = self._years = (reader, AlignedColumn(searcher, "year"))
        return score + (cached[1][docnum] or 0) * RECENCY_STEP
