"""The search interface answered by an OpenSearch cluster (``--opensearch URL``).

Matching is the local index's, expressed as bool queries: a literal is the phrase of its
match key's bigrams over ``grams`` (a substring of the key, exactly as grep finds it),
a one-character literal a term of ``chars``; AND, OR, NOT and the filters are ``bool``
clauses. Totals are exact (``track_total_hits``); facets are terms aggregations sized
past the number of reports (so no shard cuts a bucket, which each answer checks).
Ranking is BM25 over our jieba word fields (text, section, title weighted as locally),
the glossary sections' boost, the query's literals in sequence, content before
fragments, newer reports first on ties; the copies of a text collapse into one hit.
Snippets and highlight offsets come from our own highlighter on the stored text.

The generation's dictionary, glossary and lexicon are read from the cluster when it is
opened, and again when a publish moves the aliases (looked at once a second at most).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from analyzers.ngrams import grams
from analyzers.normalize import match_key
from analyzers.segment import Segmenter, using
from indexer.cluster.blobs import read_blob, scan
from indexer.cluster.connection import answering_red, connect, describe, prefix, red, reported
from indexer.cluster.layout import (
    META_ID,
    alias,
    expected_versions,
    generation_index,
    versions_of,
)
from indexer.errors import DocumentNotFound, IndexUnavailable, LocalOnly
from indexer.interface import SearchInterface, document_page, facet_counts, segmented
from indexer.lexicon import (
    PinyinLexicon,
    Word,
    homophones_of,
    lexicon_entry,
    near_spellings,
)
from indexer.lookup import Glossary, TermEntry
from indexer.query import (
    AnyOf,
    CompiledQuery,
    Filter,
    Literal,
    Node,
    Not,
    compile_query,
    key_of,
    passes,
    year_range,
)
from indexer.ranking import RANK_BOOSTS, SEQUENCE_BOOST
from indexer.readings import BigramGraph
from indexer.results import Hit, SearchResult, paragraph_hit
from indexer.store import REPORT_FIELDS
from indexer.suggestions import suggestions

HEADING_TIER = 2
WORD_FIELDS = {"text": "words", "section": "section_words", "title": "title_words"}
NOT_HEADING = {"range": {"tier": {"lt": HEADING_TIER}}}
HEADINGS = {"term": {"tier": HEADING_TIER}}
SECTIONS = 5
REFRESH_SECONDS = 1.0  # how stale a server's view of the aliases may be
PAGE = 1000  # hits per request when every hit is wanted
ATTEMPTS = 4  # a request failed by a node going down or coming back, tried again
RETRY_SECONDS = 0.5  # after 0.5, 1, 1.5 s: a node's loss is noticed in about that
# Not tried again: the credentials. Anything else our queries meet is a node going down
# or coming back ("node not connected", a shard recovering, "this Analyzer is closed").
REFUSED = (401, 403)
# Rank order; the last two make it total, for paging with search_after.
ORDER = [
    {"tier": "asc"},
    {"_score": "desc"},
    {"year": {"order": "desc", "missing": "_last"}},
    {"doc": "asc"},
    {"n": "asc"},
]
IN_TEXT_ORDER = [{"doc": "asc"}, {"n": "asc"}]
COPY_ORDER = [{"year": {"order": "desc", "missing": "_last"}}, *IN_TEXT_ORDER]  # as locally
SOURCE = ["doc", "n", "heading", "text", "title", "section", "region", "year", "date", "group"]


def literal_query(node: Literal) -> dict[str, Any]:
    """A literal as the cluster matches it: the phrase of its key's bigrams, or for one
    character the character."""
    key = key_of(node)
    if len(key) == 1:
        return {"term": {"chars": key}}
    return {"match_phrase": {"grams": " ".join(grams(key, 2))}}


def match_query(node: Node) -> dict[str, Any]:
    """The query tree as bool queries that score nothing: what matches."""
    if isinstance(node, Literal):
        return literal_query(node)
    if isinstance(node, Filter):
        return filter_query(node)
    if isinstance(node, Not):
        return {"bool": {"must_not": [match_query(node.child)]}}
    if isinstance(node, AnyOf):
        return {
            "bool": {"should": [match_query(c) for c in node.children], "minimum_should_match": 1}
        }
    positive = [match_query(c) for c in node.children if not isinstance(c, Not)]
    negative = [match_query(c.child) for c in node.children if isinstance(c, Not)]
    return {"bool": {"filter": positive, "must_not": negative}}


def filter_query(node: Filter) -> dict[str, Any]:
    if node.name == "year":
        low, high = year_range(node.value)
        return {"range": {"year": {"gte": low, "lte": high}}}
    if node.name == "doc":
        return {"prefix": {"doc": node.value}}
    return {"term": {"region": node.value}}


def scored_query(compiled: CompiledQuery) -> dict[str, Any]:
    """What matches, scored: BM25 of each literal's words over the text, section and
    title word fields, the literals of the top-level AND in sequence, the paragraph's
    boost (a glossary section's)."""
    fields = [f"{WORD_FIELDS[name]}^{weight}" for name, weight in RANK_BOOSTS.items()]
    should: list[dict[str, Any]] = [
        {"multi_match": {"query": " ".join(r.words), "fields": fields, "type": "most_fields"}}
        for r in compiled.ranked
        if r.words
    ]
    if len(compiled.together) > 1:
        together = "".join(compiled.together)
        should.append(
            {
                "match_phrase": {
                    "grams": {"query": " ".join(grams(together, 2)), "boost": SEQUENCE_BOOST}
                }
            }
        )
    return {
        "function_score": {
            "query": {"bool": {"filter": [match_query(compiled.root)], "should": should}},
            "functions": [{"field_value_factor": {"field": "boost", "missing": 1}}],
            "boost_mode": "multiply",
        }
    }


@dataclass
class Generation:
    """What a server reads of one generation besides the paragraphs."""

    number: int
    paragraphs_index: str
    shared_texts: int
    segmenter: Segmenter
    glossary: Glossary
    reports: dict[str, dict[str, Any]]  # each report's record, its label included
    lexicon_rows: list[list[Any]] = field(default_factory=list)
    bigrams: dict[str, str] = field(default_factory=dict)
    counts: ClusterCounts | None = None  # how often a string occurs, asked of the cluster

    @cached_property
    def lexicon(self) -> PinyinLexicon:
        table = dict(lexicon_entry(payload, freq) for payload, freq in self.lexicon_rows)
        return PinyinLexicon(table, self.segmenter.user_words, self._graph, self.counts)

    def _graph(self) -> BigramGraph:
        packed = self.bigrams
        return BigramGraph(
            {
                "chars": packed.get("chars", ""),
                **{k: base64.b64decode(packed.get(k, "")) for k in ("pairs", "counts")},
            }
        )


class ClusterCounts:
    """How often a literal occurs (``matching.LiteralCounts``), counted by the cluster:
    what ranks the strings a pinyin reads."""

    def __init__(self, owner: ClusterIndex) -> None:
        self._owner = owner

    def paragraphs(self, key: str) -> int:
        found = self._owner._call("count", body={"query": literal_query(Literal(key))})
        return int(found["count"])

    def occurrences(self, key: str) -> int:
        return sum(text.count(key) for _, text in self._owner._paragraphs_holding(Literal(key)))


class _Labels(Mapping[str, str]):
    def __init__(self, owner: ClusterIndex) -> None:
        self._owner = owner

    def __getitem__(self, doc: str) -> str:
        return self._owner.generation().reports[doc]["label"]

    def __iter__(self) -> Iterator[str]:
        return iter(self._owner.generation().reports)

    def __len__(self) -> int:
        return len(self._owner.generation().reports)


class _LoadedWords:
    """The lexicon's words for a suggestion, from the lexicon the cluster stores."""

    def __init__(self, lexicon: PinyinLexicon) -> None:
        self._words = lexicon.words.values()

    def homophones(self, text: str) -> list[Word]:
        return homophones_of(text, self._words)

    def similar(self, text: str, n: int = 5) -> list[str]:
        return near_spellings(text, self._words, n)


class ClusterIndex(SearchInterface):
    """A cluster's served generation: search it, look up its jargon, list its reports."""

    def __init__(self, url: str, client: Any) -> None:
        self.url, self.client, self.prefix = url, client, prefix()
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._checked = 0.0
        self._commits = 0
        self._labels = _Labels(self)
        self.generation()

    @classmethod
    def open(cls, url: str) -> ClusterIndex:
        """Connect to the cluster at ``url`` and read its served generation."""
        client = connect(url)
        try:
            return cls(url, client)
        except BaseException:
            client.close()
            raise

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> ClusterIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _glossary(self) -> Glossary:  # type: ignore[override]
        return self.generation().glossary

    def generation(self, force: bool = False) -> Generation:
        """The served generation, read again when the aliases have moved. If the
        cluster cannot say just now (a node is going down), the generation already read
        goes on answering, and the aliases are looked at again on the next query."""
        with self._lock:
            now = time.monotonic()
            if self._generation is not None and not force and now - self._checked < REFRESH_SECONDS:
                return self._generation
            try:
                with reported(self.url):
                    record = self._generation_record()
                    if self._generation is None or record["generation"] != self._generation.number:
                        generation = self._retried(
                            lambda _: self._read_generation(record), missing_is_transient=False
                        )
                        self._commits += self._generation is not None
                        self._generation = generation
            except IndexUnavailable:
                if self._generation is None or force:
                    raise
            self._checked = now
            return self._generation

    def _generation_record(self) -> dict[str, Any]:
        from opensearchpy.exceptions import NotFoundError

        meta = alias(self.prefix, "meta")

        def fetch(attempt: int) -> Any:
            return self.client.get(index=meta, id=META_ID)

        try:
            record = self._retried(fetch, missing_is_transient=False)["_source"]
        except NotFoundError:
            raise IndexUnavailable(
                f"the OpenSearch cluster at {self.url} holds no policy-search index "
                f"({meta}); index into it with: policy-search index PATHS --opensearch URL"
            ) from None
        wanted, found = expected_versions(), versions_of(record)
        if found != wanted:
            raise IndexUnavailable(
                f"the cluster's index has schema {found['schema']} (layout {found['layout']}); "
                f"this policy-search reads schema {wanted['schema']} (layout {wanted['layout']}): "
                "index into it again with --rebuild"
            )
        return record

    def _read_generation(self, record: dict[str, Any]) -> Generation:
        number = record["generation"]
        meta = generation_index(self.prefix, "meta", number)
        dictionary = read_blob(self.client, meta, "dictionary") or {}
        words = [(w, f) for w, f in dictionary.get("words", ())]
        reports = {}
        documents = generation_index(self.prefix, "documents", number)
        for hit in scan(self.client, documents, ["label", "data"]):
            data = hit["_source"]["data"]
            reports[data["doc"]] = {**data, "label": hit["_source"]["label"]}
        entries = [entry_from(e) for e in read_blob(self.client, meta, "glossary") or ()]
        return Generation(
            number,
            generation_index(self.prefix, "paragraphs", number),
            record.get("shared_texts", 0),
            Segmenter(words, dictionary.get("surplus")),
            Glossary(entries),
            reports,
            read_blob(self.client, meta, "lexicon") or [],
            read_blob(self.client, meta, "bigrams") or {},
            ClusterCounts(self),
        )

    def refresh(self) -> None:
        self.generation()

    def commit_number(self) -> int:
        """Changes whenever the aliases move to a new generation (results may differ)."""
        self.generation()
        return self._commits

    @contextmanager
    def segmenting(self) -> Iterator[Segmenter]:
        with using(self.generation().segmenter) as segmenter:
            yield segmenter

    def _call(self, method: str, **kwargs: Any) -> Any:
        """A request on the served generation's paragraphs (``_retried``; on the next
        generation if a publish deleted this one meanwhile)."""

        def request(attempt: int) -> Any:
            index = self.generation(force=attempt > 0).paragraphs_index
            return getattr(self.client, method)(index=index, **kwargs)

        return self._retried(request, missing_is_transient=True)

    def _retried(self, request: Callable[[int], Any], missing_is_transient: bool) -> Any:
        """``request(attempt)`` (a request, or a whole read of several), tried again while
        a node going down or coming back fails it or leaves some shard unanswered (an
        answer without every shard would not be exact); refused credentials and, unless
        ``missing_is_transient``, a missing index are not tried again."""
        from opensearchpy.exceptions import (
            ConnectionError,
            ConnectionTimeout,
            NotFoundError,
            TransportError,
        )
        from opensearchpy.helpers import ScanError

        failure, unreachable = "", False
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(RETRY_SECONDS * attempt)
            try:
                answer = request(attempt)
            except ScanError:  # a scroll some shard could not answer
                failure, unreachable = red(self.url), False
                continue
            except TransportError as exc:
                if isinstance(exc, NotFoundError) and not missing_is_transient:
                    raise
                if exc.status_code in REFUSED:
                    raise IndexUnavailable(describe(exc, self.url)) from None
                failure = describe(exc, self.url)
                unreachable = isinstance(exc, ConnectionError) and not isinstance(
                    exc, ConnectionTimeout
                )
                continue
            if not isinstance(answer, dict) or all(
                map(_complete, answer.get("responses", [answer]))
            ):
                return answer
            failure, unreachable = red(self.url), False
        if unreachable and answering_red(self.url):
            failure = red(self.url)
        raise IndexUnavailable(failure)

    # The search interface's primitives.

    def _search(
        self,
        query: str,
        node: Node,
        limit: int | None,
        offset: int,
        facets: bool,
        stream: bool = False,
        related: bool = True,
    ) -> SearchResult:
        compiled = compile_query(node)
        generation = self.generation()
        scored = scored_query(compiled)
        documents = max(1, len(generation.reports))
        aggs: dict[str, Any] = {
            "headings": {"filter": HEADINGS},
            "shared": {
                "filter": NOT_HEADING,
                "aggs": {
                    "texts": {
                        "terms": {
                            "field": "group",
                            "min_doc_count": 2,
                            "shard_min_doc_count": 2,  # copies share a shard (routing)
                            "size": generation.shared_texts + 1,
                        }
                    }
                },
            },
        }
        if facets:
            for name in ("region", "year", "doc"):
                aggs[name] = {"terms": {"field": name, "size": documents + 1}}
        page: dict[str, Any] = {
            "query": scored,
            "post_filter": NOT_HEADING,
            "track_total_hits": True,
            "sort": ORDER,
            "aggs": aggs,
            "_source": SOURCE,
        }
        if limit is None:
            page["size"] = 0
        else:
            page.update({"from": offset, "size": limit, "collapse": {"field": "group"}})
        searches: list[dict[str, Any]] = [{}, page]
        if offset == 0 and limit is not None:  # the best headings, in the same round trip
            searches += [{}, {**_sorted_body(scored, ORDER, HEADINGS), "size": SECTIONS}]
        answers = self._call("msearch", body=searches, request_timeout=60)["responses"]
        answer = answers[0]
        listed = answer["hits"]["total"]["value"]
        shared = answer["aggregations"]["shared"]["texts"]
        if len(shared["buckets"]) > generation.shared_texts:  # more than the corpus has
            raise IndexUnavailable("the cluster's copies came back incomplete; try again")
        headings = answer["aggregations"]["headings"]["doc_count"]
        hits_total = listed - sum(b["doc_count"] - 1 for b in shared["buckets"])
        hits: list[Hit] | Iterator[Hit]
        if limit is None:
            hits = self._every_hit(scored, compiled.highlights)
            if not stream:
                hits = list(hits)
        else:
            rows = answer["hits"]["hits"]
            copied = {b["key"] for b in shared["buckets"]}
            groups = [r["_source"]["group"] for r in rows if r["_source"]["group"] in copied]
            copies = self._copies(node, groups)
            hits = [
                self._hit(r, compiled.highlights, copies.get(r["_source"]["group"], []))
                for r in rows
            ]
        glossary, sections = [], []
        if offset == 0:
            glossary = [
                e
                for e in generation.glossary.terms_in(" ".join(compiled.highlights))
                if all(passes(f, e.region, e.year, e.doc) for f in compiled.filters)
            ]
            if limit is None:
                rows = list(self._in_order(scored, ORDER, HEADINGS))
            else:
                rows = answers[1]["hits"]["hits"]
            sections = [self._hit(row, compiled.highlights) for row in rows]
        return SearchResult(
            query,
            listed + headings,
            hits,
            limit,
            offset,
            str(compiled),
            glossary,
            _facets(answer["aggregations"]) if facets else {},
            hits_total=hits_total,
            headings=headings,
            sections=sections,
        )

    def _copies(self, node: Node, groups: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The matching paragraphs of each of ``groups`` (texts a page shows that other
        matches print too), newest report first: one request, and only when there are."""
        found: dict[str, list[dict[str, Any]]] = {}
        if groups:
            query = {"bool": {"filter": [match_query(node), {"terms": {"group": groups}}]}}
            for row in self._in_order(query, COPY_ORDER):
                found.setdefault(row["_source"]["group"], []).append(row)
        return found

    def _hit(
        self,
        found: dict[str, Any],
        literals: tuple[str, ...],
        copies: list[dict[str, Any]] | tuple[()] = (),
    ) -> Hit:
        """A row as a hit, naming the other paragraphs of its text (``copies``)."""
        source = found["_source"]
        score = found.get("_score") or found["sort"][1]
        hit = paragraph_hit(source, score, literals, None, self._labels)
        where = tuple(
            self._where(c["_source"]["doc"], c["_source"]["n"])
            for c in copies
            if (c["_source"]["doc"], c["_source"]["n"]) != (source["doc"], source["n"])
        )
        return replace(hit, copies=where) if where else hit

    def _where(self, doc: str, paragraph: int) -> dict[str, Any]:
        report = self.generation().reports[doc]
        return {**{k: report.get(k) for k in REPORT_FIELDS}, "paragraph": paragraph}

    def _every_hit(self, scored: dict[str, Any], literals: tuple[str, ...]) -> Iterator[Hit]:
        """Every matching paragraph but headings, in rank order, each text once with its
        copies (grouped here: a collapsed search cannot be paged through to its end)."""
        rows = list(self._in_order(scored, ORDER, NOT_HEADING))
        by_group: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_group.setdefault(row["_source"]["group"], []).append(row)
        for row in rows:
            group = by_group[row["_source"]["group"]]
            if group[0] is row:
                yield self._hit(row, literals, sorted(group, key=_copy_order))

    def _in_order(
        self, query: dict[str, Any], order: list[Any], only: dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every match of ``query`` that passes ``only``, in ``order`` (which must end in
        a unique key), a page at a time: each page a request tried again on failure."""
        after = None
        while True:
            body = {**_sorted_body(query, order, only), "size": PAGE}
            if after is not None:
                body["search_after"] = after
            rows = self._call("search", body=body, request_timeout=60)["hits"]["hits"]
            yield from rows
            if len(rows) < PAGE:
                return
            after = rows[-1]["sort"]

    def _variants(self, node: Node) -> list[dict[str, Any]]:
        return []  # the local index's alone for now (see README)

    def _paragraphs_holding(self, node: Node) -> Iterator[tuple[dict[str, Any], str]]:
        for hit in self._in_order({"bool": {"filter": [match_query(node)]}}, IN_TEXT_ORDER):
            yield hit["_source"], match_key(hit["_source"]["text"])

    def lexicon(self) -> PinyinLexicon:
        return self.generation().lexicon

    @segmented
    def suggest(self, text: str, *, hits: int = 0, n: int = 5) -> list[str]:
        lexicon = self.lexicon()
        return suggestions(
            lambda: lexicon, _LoadedWords(lexicon), self._glossary, text, hits=hits, n=n
        )

    def glossary_entries(self) -> list[TermEntry]:
        return list(self._glossary.entries)

    # Reports.

    def documents(self) -> list[dict[str, Any]]:
        reports = self.generation().reports
        return [reports[doc] for doc in sorted(reports)]

    @segmented
    def document(self, doc: str, *, highlight: str = "") -> dict[str, Any]:
        record = self.generation().reports.get(doc)
        if record is None:
            raise DocumentNotFound(f"no document {doc!r} in the index")
        rows = [
            (hit["_source"], match_key(hit["_source"]["text"]))
            for hit in self._in_order({"bool": {"filter": [{"term": {"doc": doc}}]}}, IN_TEXT_ORDER)
        ]
        data = {k: v for k, v in record.items() if k != "label"}
        return document_page(data, rows, highlight)

    def label(self, doc: str) -> str:
        report = self.generation().reports.get(doc)
        return report["label"] if report else doc

    def years(self) -> list[int]:
        return sorted({r["year"] for r in self.generation().reports.values() if r.get("year")})

    def regions(self) -> list[str]:
        return sorted({r["region"] for r in self.generation().reports.values() if r.get("region")})

    def previous_report(self, doc: str) -> str | None:
        return None  # comparisons are the local index's alone for now

    def new_terms(self, *args: Any, **kwargs: Any) -> Any:
        raise _local_only("new terms")

    def compare(self, *args: Any, **kwargs: Any) -> Any:
        raise _local_only("compare")

    def targets(self, *args: Any, **kwargs: Any) -> Any:
        raise _local_only("targets")


def _local_only(what: str) -> LocalOnly:
    return LocalOnly(f"{what}: computed from the local index only; serve it without --opensearch")


def _copy_order(row: dict[str, Any]) -> tuple[int, str, int]:
    source = row["_source"]
    return -(source.get("year") or 0), source["doc"], source["n"]


def _sorted_body(
    query: dict[str, Any], order: list[Any], only: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A search of the matches of ``query`` that pass ``only``, in ``order``."""
    body = {"query": query, "sort": order, "_source": SOURCE}
    return body if only is None else {**body, "post_filter": only}


def _complete(answer: dict[str, Any]) -> bool:
    """Whether every shard answered (an unassigned one may be counted as failed, or only
    missing from the total); a search of an ``msearch`` may have failed whole."""
    shards = answer.get("_shards", {})
    done = shards.get("successful", 0) + shards.get("skipped", 0)
    return "error" not in answer and done >= shards.get("total", 0)


def _check_complete(terms: dict[str, Any]) -> None:
    """A terms aggregation that left buckets out would be a count that is not exact."""
    if terms.get("sum_other_doc_count") or terms.get("doc_count_error_upper_bound"):
        raise IndexUnavailable("the cluster's counts came back incomplete; try again")


def _facets(aggregations: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Region, year and report counts, ordered as the local index orders them."""
    facets = {}
    for name in ("region", "year", "doc"):
        terms = aggregations[name]
        _check_complete(terms)
        facets[name] = facet_counts({b["key"]: b["doc_count"] for b in terms["buckets"]})
    return facets


def entry_from(record: dict[str, Any]) -> TermEntry:
    """A glossary entry from ``publish.entry_record``'s JSON."""
    return TermEntry(**{k: tuple(v) if isinstance(v, list) else v for k, v in record.items()})
