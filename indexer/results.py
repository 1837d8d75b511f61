"""What a search, a glossary lookup and a usage query return: typed results with the JSON
they are printed and served as, and the one function that turns a stored paragraph into a
hit."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from indexer.highlight import highlight_spans, html_snippet
from indexer.lookup import TermEntry
from indexer.schema import PARAGRAPH


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

    def as_dict(self) -> dict[str, Any]:
        data = dict(vars(self))  # flat fields: dataclasses.asdict's deep copy costs more
        data["highlights"] = [list(span) for span in self.highlights]
        return data


@dataclass(frozen=True)
class SearchResult:
    """Paragraph hits, preceded on the first page by glossary entries of the query's terms."""

    query: str
    total: int  # matching paragraphs (glossary entries come on top)
    hits: list[Hit] | Iterator[Hit]  # an iterator when searched with stream=True
    limit: int | None
    offset: int
    parsed: str = ""
    glossary: list[TermEntry] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    interpreted: dict[str, Any] | None = None  # pinyin or traditional read as ...
    suggestions: list[str] = field(default_factory=list)
    partial: bool = False  # the time budget ran out before every match was scored

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "hits": [e.as_dict() for e in self.glossary] + [hit.as_dict() for hit in self.hits],
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
    labels: dict[str, str],
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
