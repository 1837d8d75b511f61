"""The search interface both stores answer: the local Whoosh index (``indexer.api``) and
an OpenSearch cluster (``indexer.cluster.search``).

What a query means beyond its matches is decided here, once: the filters of the
options, a pinyin query read as the corpus term it most likely means, the notes on
traditional characters and the suggestions on no hits, glossary lookups and
completions. Each store supplies the primitives: ``_search`` (matches, ranking,
facets), ``_variants``, ``lexicon``, ``suggest``, ``usage``, its glossary and its
dictionary in scope (``segmenting``).
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any, TypeVar

from analyzers.normalize import match_key
from analyzers.pinyin import typed_pinyin
from analyzers.segment import Segmenter
from analyzers.traditional import t2s_table
from indexer.errors import QuerySyntaxError, UsageError
from indexer.highlight import highlight_spans, html_marked
from indexer.ingest.entries import EXPANSION, bare
from indexer.ingest.labels import document_label
from indexer.lexicon import PinyinLexicon
from indexer.lookup import GlossaryLookup, TermEntry
from indexer.query import (
    FILTER_FIELDS,
    AllOf,
    AnyOf,
    Filter,
    Literal,
    Node,
    Not,
    compile_query,
    literals_of,
    parse,
    sanitize,
)
from indexer.results import GlossaryResult, SearchResult, Usage, paragraph_hit
from indexer.suggestions import completions

T = TypeVar("T")

DEFAULT_LIMIT = 10
LIKELY_TYPO_HITS = 2  # with this few hits, a much more common sound-alike is suggested


def segmented(method: Callable[..., T]) -> Callable[..., T]:
    """A query method run with its store's dictionary in scope (``segmenting``)."""

    @functools.wraps(method)
    def scoped(self: SearchInterface, *args: Any, **kwargs: Any) -> T:
        with self.segmenting():
            return method(self, *args, **kwargs)

    return scoped


def children(node: Node) -> tuple[Node, ...]:
    return node.children if isinstance(node, AllOf) else (node,)


class SearchInterface(ABC):
    """Search, glossary lookups and completions over a store's primitives."""

    _glossary: GlossaryLookup
    _labels: Mapping[str, str]  # each report's label

    @abstractmethod
    def segmenting(self) -> AbstractContextManager[Segmenter]:
        """The store's jieba dictionary in scope: queries are cut as its text was."""

    @abstractmethod
    def refresh(self) -> None:
        """Move to the store's newest commit or generation, if there is one."""

    @abstractmethod
    def _search(
        self,
        query: str,
        node: Node,
        limit: int | None,
        offset: int,
        facets: bool,
        stream: bool = False,
        related: bool = True,
    ) -> SearchResult: ...

    @abstractmethod
    def _variants(self, node: Node) -> list[dict[str, Any]]: ...

    @abstractmethod
    def lexicon(self) -> PinyinLexicon: ...

    @abstractmethod
    def suggest(self, text: str, *, hits: int = 0, n: int = 5) -> list[str]: ...

    @abstractmethod
    def _paragraphs_holding(self, node: Node) -> Iterator[tuple[dict[str, Any], str]]:
        """Every paragraph ``node`` matches: its stored fields and its match key."""

    @segmented
    def usage(self, term: str, *, with_hits: bool = True) -> Usage:
        """Where ``term`` is used: occurrences per report and year, and the paragraphs.

        A defined term counts its headword without quotes and, for a list headword
        (治理六乱、开展六清), each item; anything else counts as the literal string.
        """
        self.refresh()
        term_key = match_key(term)
        own = [e for e in self._glossary.lookup(term) if term_key in e.keys]
        keys = sorted({k for e in own for k in _usage_keys(e.term)}) or [term_key]
        if not keys[0]:
            raise QuerySyntaxError("nothing to look up")
        node = AnyOf(tuple(Literal(k) for k in keys)) if len(keys) > 1 else Literal(keys[0])
        compiled = compile_query(node)
        results = sorted(
            (
                (stored, text_key, sum(text_key.count(k) for k in keys))
                for stored, text_key in self._paragraphs_holding(node)
            ),
            key=lambda found: (found[0]["doc"], found[0]["n"]),
        )
        by_doc: dict[str, dict[str, Any]] = {}
        by_year: dict[int, int] = {}
        hits = []
        for result, text_key, count in results:
            doc = by_doc.setdefault(
                result["doc"],
                {
                    "doc": result["doc"],
                    "label": self._labels.get(result["doc"], result["doc"]),
                    "region": result.get("region", ""),
                    "year": result.get("year"),
                    "paragraphs": 0,
                    "occurrences": 0,
                },
            )
            doc["paragraphs"] += 1
            doc["occurrences"] += count
            if result.get("year"):
                by_year[result["year"]] = by_year.get(result["year"], 0) + count
            if with_hits:
                hits.append(paragraph_hit(result, 0.0, compiled.highlights, text_key, self._labels))
        total = sum(d["occurrences"] for d in by_doc.values())
        return Usage(term, keys, total, list(by_doc.values()), by_year, hits)

    @abstractmethod
    def glossary_entries(self) -> list[TermEntry]: ...

    @segmented
    def search(
        self,
        query: str,
        *,
        limit: int | None = DEFAULT_LIMIT,
        offset: int = 0,
        literal: bool = False,
        filters: dict[str, str | None] | None = None,
        facets: bool = True,
        stream: bool = False,
        related: bool = True,
    ) -> SearchResult:
        """Paragraphs matching ``query``, best first; glossary entries of its terms and
        the matching headings (``sections``) on top.

        A query with no hits that can be read as pinyin (``sgyp``, ``sangeyipi``) is
        searched as the corpus term it most likely means, and says so in ``interpreted``;
        one still without hits gets ``suggestions``.

        :param query: query syntax (see ``indexer.query``), or any string with ``literal``.
        :param limit: hits to return; None for all of them.
        :param offset: hits to skip, for paging (glossary entries come with offset 0 only).
        :param filters: ``{"region": …, "year": …, "doc": …}``, as the ``name:value`` syntax.
        :param facets: count region/year/doc over all matches (visits every match: slower).
        :param stream: ``hits`` is an iterator that reads each hit when it is taken (for
            exporting every match without holding them all; no related paragraphs).
        :param related: also rank the paragraphs that hold the words of a term of several
            words apart (绿色、低碳 for 绿色低碳), and fill a page of fewer hits than
            ``arrange.FILL`` with paragraphs of some of its words (``some_words``): marked
            ``exact=False``, never counted.
        :raises QuerySyntaxError: the query cannot be parsed.
        """
        if offset < 0 or (limit is not None and limit < 1):
            raise UsageError("limit must be at least 1 and offset at least 0")
        query = sanitize(query)
        node = parse(query, literal=literal)
        extra = tuple(Filter(k, str(v)) for k, v in (filters or {}).items() if v not in (None, ""))
        if extra:
            node = AllOf((*children(node), *extra))
        related = related and not literal  # a literal search wants the string as written
        result = self._search(query, node, limit, offset, facets, stream, related)
        literals = [c.text for c in children(node) if isinstance(c, Literal)]
        plain = len(literals) == sum(1 for c in children(node) if not isinstance(c, Filter))
        if not literal and all(isinstance(c, Literal | Filter | Not) for c in children(node)):
            result = replace(result, variants=self._variants(node))
        if result.total or not literals or not plain:
            return self._with_notes(result, literals)
        # The query's own words, repeats kept (the parse reads zuo4 da4 zuo4 as two terms).
        spelled = " ".join(w for w in query.split() if w.partition(":")[0] not in FILTER_FIELDS)
        typed = typed_pinyin(spelled)
        words = self.lexicon().candidates(typed) if typed else []
        if not words:
            return self._with_notes(result, literals)
        kept = tuple(c for c in children(node) if isinstance(c, Filter))
        meant = self._search(
            query, AllOf((Literal(words[0].text), *kept)), limit, offset, facets, stream, related
        )
        interpreted = {
            "query": spelled,
            "as": words[0].text,
            "via": "pinyin",
            "alternatives": [w.text for w in words[1:]],
        }
        return replace(self._with_notes(meant, [words[0].text]), interpreted=interpreted)

    def _with_notes(self, result: SearchResult, literals: list[str]) -> SearchResult:
        """Say when traditional characters were read as simplified; suggest on no hits."""
        notes: dict[str, Any] = {}
        simplified = result.query.translate(t2s_table())
        if simplified != result.query:
            notes["interpreted"] = {"query": result.query, "as": simplified, "via": "traditional"}
        if len(literals) == 1 and result.total <= LIKELY_TYPO_HITS:
            notes["suggestions"] = self.suggest(literals[0], hits=result.total)
        return replace(result, **notes)

    @segmented
    def glossary(self, term: str) -> GlossaryResult:
        """Definitions of ``term`` (or of terms it is a prefix of), newest first.

        Matching ignores quote marks, full-width forms and case; a bare number finds
        the terms built on it (13710 finds “13710”工作法 and 13710工作制度).
        """
        self.refresh()
        entries = self._glossary.lookup(term)
        return GlossaryResult(term, entries, [] if entries else self._glossary.closest(term))

    def glossary_terms(self) -> list[dict[str, Any]]:
        """Every explained term: its definitions, the lists it abbreviates (expansions),
        and how often the corpus uses it."""
        self.refresh()
        terms = []
        for entries in self._glossary.grouped().values():
            usage = self.usage(entries[0].term, with_hits=False)
            defined = [e for e in entries if e.source != EXPANSION]
            terms.append(
                {
                    "term": bare(entries[0].term),
                    "aliases": sorted(
                        {a for e in entries for a in e.aliases} - {bare(entries[0].term)}
                    ),
                    "definitions": len(defined),
                    "defined_in": sorted({e.doc for e in defined}),
                    "expansions": len(entries) - len(defined),
                    "occurrences": usage.occurrences,
                    "reports": len(usage.by_doc),
                }
            )
        return terms

    @segmented
    def complete(self, prefix: str, n: int = 8) -> list[dict[str, str]]:
        """What a user typing ``prefix`` may want (``indexer.suggestions.completions``)."""
        return completions(self.lexicon(), self._glossary, prefix, n)


def _usage_keys(term: str) -> list[str]:
    """What counts as a use of a term: its bare headword, or each item of a list headword."""
    items = bare(term).split("、")
    return [key for key in (match_key(item) for item in items) if len(key) >= 2]


def document_page(
    record: dict[str, Any], paragraphs: list[tuple[dict[str, Any], str]], highlight: str
) -> dict[str, Any]:
    """A report's metadata and every paragraph (stored fields and match key), ``html``
    marked with the literals of the query ``highlight`` (if any)."""
    literals = literals_of(highlight) if highlight else ()
    needles = [key for key in map(match_key, literals) if key]
    rows = []
    for p, key in sorted(paragraphs, key=lambda found: found[0]["n"]):
        holds = any(n in key for n in needles)  # else no span to find: no text folded
        spans = highlight_spans(p["text"], literals, key) if holds else []
        rows.append(
            {
                "paragraph": p["n"],
                "heading": p["heading"],
                "section": p.get("section", ""),
                "text": p["text"],
                "html": html_marked(p["text"], spans),
                "highlights": [list(span) for span in spans],
            }
        )
    meta = {k: v for k, v in record.items() if k not in ("path", "sha256", "targets")}
    return {**meta, "label": document_label(meta), "paragraph_list": rows}


def facet_counts(groups: dict[Any, int]) -> dict[str, int]:
    """Facet counts, largest first, ties by name, with string keys (JSON object keys are
    strings); no entry for no region or no year."""
    known = [(k, n) for k, n in groups.items() if k not in (None, "", 0)]
    return {str(k): n for k, n in sorted(known, key=lambda kv: (-kv[1], str(kv[0])))}
