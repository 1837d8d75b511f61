"""What a search, a glossary lookup and a usage query return: typed results with the JSON
they are printed and served as, and the one function that turns a stored paragraph into a
hit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from indexer.highlight import highlight_spans, html_snippet
from indexer.lookup import TermEntry
from indexer.schema import PARAGRAPH

COPY, HEADING_KIND = "copy", "heading"  # what a row of an export is, besides a hit


@dataclass(frozen=True)
class Hit:
    """One matching paragraph, with its document's metadata and its highlights."""

    kind: str
    doc: str
    label: str  # the report as people cite it (metadata.document_label)
    title: str
    region: str
    year: int | None
    date: str
    section: str
    paragraph: int
    heading: bool
    text: str
    snippet: str
    score: float
    highlights: list[tuple[int, int]]
    # The same text in other paragraphs (another report printing it too): where each is.
    copies: tuple[dict[str, Any], ...] = ()
    exact: bool = True  # holds the query as written; else a related paragraph (its words)
    some_words: bool = False  # holds only some of the query's words: fills a short page

    def as_dict(self) -> dict[str, Any]:
        data = dict(vars(self))  # flat fields: dataclasses.asdict's deep copy costs more
        data["highlights"] = [list(span) for span in self.highlights]
        data["copies"] = list(self.copies)
        return data

    def copy_hits(self) -> Iterator[Hit]:
        """This hit as each of its copies: the same text, found where the copy is (its
        report and paragraph; its section is not read)."""
        for where in self.copies:
            yield replace(self, **{"section": "", **where}, copies=())


@dataclass(frozen=True)
class SearchResult:
    """Paragraph hits, preceded on the first page by glossary entries of the query's terms
    and the headings that match (``sections``).

    Every matching paragraph is one of: a hit, a copy of a hit (the same text in another
    paragraph, named by the hit), or a heading. ``total`` and the facets count them all,
    like grep; ``hits_total`` counts the hits, which pages page through.
    """

    query: str
    total: int  # matching paragraphs: hits, their copies and headings
    hits: list[Hit] | Iterator[Hit]  # an iterator when searched with stream=True
    limit: int | None
    offset: int
    parsed: str = ""
    glossary: list[TermEntry] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    interpreted: dict[str, Any] | None = None  # pinyin or traditional read as ...
    suggestions: list[str] = field(default_factory=list)
    partial: bool = False  # the time budget ran out before every match was scored
    hits_total: int = 0  # distinct texts of the paragraphs that are no heading
    headings: int = 0  # matching headings
    related: int = 0  # paragraphs holding the words of a term but not the term: no match
    some_words: int = 0  # hits filling a short page, holding some of the query's words
    sections: list[Hit] = field(default_factory=list)  # the best of them, first page only
    variants: list[dict[str, Any]] = field(default_factory=list)  # the query written otherwise

    @property
    def copies(self) -> int:
        """Paragraphs folded into a hit because another shows their text."""
        return self.total + self.related + self.some_words - self.hits_total - self.headings

    def every_paragraph(self) -> Iterator[tuple[str, Hit]]:
        """Every matching paragraph of the hits taken (all of them with no limit), as
        ``(kind, hit)``: each hit (``paragraph``), then its ``copy``s, then the
        ``heading``s of ``sections``: what an export of all hits holds, like grep's lines
        (related paragraphs, which do not hold the query as written, are left out)."""
        for hit in self.hits:
            if not hit.exact:
                continue  # related paragraphs are no match
            yield PARAGRAPH, hit
            for copy in hit.copy_hits():
                yield COPY, copy
        for heading in self.sections:
            yield HEADING_KIND, heading

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "hits_total": self.hits_total,
            "headings": self.headings,
            "related": self.related,
            "some_words": self.some_words,
            "copies": self.copies,
            "offset": self.offset,
            "limit": self.limit,
            "hits": [e.as_dict() for e in self.glossary] + [hit.as_dict() for hit in self.hits],
            "sections": [hit.as_dict() for hit in self.sections],
            "variants": self.variants,
            "facets": self.facets,
            "interpreted": self.interpreted,
            "suggestions": self.suggestions,
            "partial": self.partial,
        }


@dataclass(frozen=True)
class GlossaryResult:
    """The entries found for a looked-up term, or suggestions when there are none."""

    query: str
    entries: list[TermEntry]
    suggestions: list[str]

    def as_dict(self) -> dict[str, Any]:
        keys = (
            "term",
            "definition",
            "aliases",
            "doc",
            "label",
            "title",
            "region",
            "year",
            "date",
            "paragraph",
            "source",
            "items",
        )
        entries = [{k: e.as_dict()[k] for k in keys} for e in self.entries]
        data: dict[str, Any] = {"query": self.query, "entries": entries}
        if not self.entries:
            data["suggestions"] = self.suggestions
        return data


@dataclass(frozen=True)
class Usage:
    """Where a term is used: occurrences per report and per year, and the paragraphs."""

    term: str
    keys: list[str]
    occurrences: int
    by_doc: list[dict[str, Any]]
    by_year: dict[int, int]
    hits: list[Hit]

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "keys": self.keys,
            "occurrences": self.occurrences,
            "paragraphs": len(self.hits),
            "by_doc": self.by_doc,
            "by_year": {str(y): n for y, n in sorted(self.by_year.items())},
            "hits": [h.as_dict() for h in self.hits],
        }


def paragraph_hit(
    result: dict[str, Any],
    score: float | None,
    literals: tuple[str, ...],
    key: str | None,
    labels: Mapping[str, str],
) -> Hit:
    """A paragraph's stored fields as a hit, highlighted with the query's literals
    (``key``: the paragraph's match key, if known), labelled as its report is cited."""
    text = result["text"]
    spans = highlight_spans(text, literals, key)
    return Hit(
        kind=PARAGRAPH,
        doc=result["doc"],
        label=labels.get(result["doc"], result["doc"]),
        title=result.get("title", ""),
        region=result.get("region", ""),
        year=result.get("year"),
        date=result.get("date", ""),
        section=result.get("section", ""),
        paragraph=result["n"],
        heading=result["heading"],
        text=text,
        snippet=html_snippet(text, spans),
        score=round(score or 0.0, 4),
        highlights=spans,
    )
