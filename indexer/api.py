"""The library API: everything the CLI and the web app do goes through ``PolicyIndex``.

It opens the index and its jieba dictionary once and keeps one searcher, refreshed when
a newer commit appears, so each query pays only for itself.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from whoosh.index import Index
from whoosh.index import IndexError as WhooshIndexError
from whoosh.searching import Searcher

from analyzers.segment import Segmenter, using
from indexer.arrange import FILL, HitReader, arrange
from indexer.arrays import distinct
from indexer.errors import DocumentNotFound, IndexUnavailable
from indexer.interface import (
    SearchInterface,
    children,
    document_page,
    facet_counts,
    segmented,
)
from indexer.lexicon import LexiconTable, PinyinLexicon
from indexer.lookup import TermEntry
from indexer.matching import Matcher, merged
from indexer.query import (
    AllOf,
    AnyOf,
    Literal,
    Node,
    compile_query,
    key_of,
    passes,
    query_text,
)
from indexer.ranking import HEADING, Ranker
from indexer.results import Hit, SearchResult
from indexer.schema import DOCUMENT, LEXICON_WORDS
from indexer.snapshot import Snapshot
from indexer.store import (
    IndexedGlossary,
    Labels,
    Reports,
    iter_documents,
    load_abbreviations,
    load_segmenter,
    open_ledger,
    open_whoosh,
    require_index,
)
from indexer.suggestions import load_lexicon, packed_bigrams, suggestions
from indexer.targets import TargetsTable, targets_table
from indexer.variants import SHOWN as VARIANTS
from indexer.variants import offered

if TYPE_CHECKING:
    from indexer.build import IndexReport
    from indexer.comparison import Comparison
    from indexer.formulations import NewTerms

T = TypeVar("T")

FACETS = ("region", "year", "doc")  # counted over all matching paragraphs
INDEX_ENV = "POLICY_SEARCH_INDEX"
MTIME_SETTLED_NS = 2 * 10**9  # file times this old are past any clock tick's ambiguity
QUERY_SECONDS = 5.0  # a query's time budget; past it the matches so far come back as partial
SECTIONS = 5  # matching headings the first page shows (all of them with no limit)


def default_index_dir() -> Path:
    """``$POLICY_SEARCH_INDEX``, else ``index`` in the per-user data directory."""
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV])
    from platformdirs import user_data_dir  # 5 ms of imports a query given its index skips

    return Path(user_data_dir("policy-search")) / "index"


def open_store(index_dir: str | Path, opensearch: str | None = None) -> SearchInterface:
    """The local index at ``index_dir``, or the OpenSearch cluster at ``opensearch``."""
    if opensearch:
        from indexer.cluster.search import ClusterIndex  # the client loads only for a cluster

        return ClusterIndex.open(opensearch)
    return PolicyIndex.open(index_dir)


class PolicyIndex(SearchInterface):
    """An open index: search it, look up its jargon, list its documents, add files to it."""

    def __init__(self, path: Path, ix: Index, time_budget: float = QUERY_SECONDS) -> None:
        self.path = path
        self.time_budget = time_budget
        self._ix = ix
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._commits = 0  # commits seen since opening: a key for caches of results
        self._seen_mtime = 0  # the directory's mtime when its commit was last checked
        self._lexicon: PinyinLexicon | None = None
        self._lexicon_lock = threading.Lock()
        self._segmenter: Segmenter | None = None
        self._move_to_newest()

    @classmethod
    def open(cls, path: str | Path) -> PolicyIndex:
        """Open the index at ``path``; IndexNotFound if there is none."""
        path = Path(path)
        require_index(path)
        return cls(path, open_whoosh(path))

    @staticmethod
    def update(path: str | Path, files: list[Path], **options: Any) -> IndexReport:
        """Index new and changed files (see ``indexer.build.update_index``)."""
        from indexer.build import update_index  # the writer: searching never loads it

        return update_index(Path(path), files, **options)

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.searcher.close()
                self._snapshot = None
            self._ix.close()

    def __enter__(self) -> PolicyIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def searcher(self) -> Searcher:
        """The long-lived searcher, moved to the newest commit if there is one."""
        return self.snapshot().searcher

    def snapshot(self) -> Snapshot:
        """The current commit's searcher and arrays, moved to the newest commit if there
        is one. A query keeps the snapshot it started with: the old searcher is not
        closed under it, but dropped, and its files close when its last query ends.

        If the directory has vanished, or its newest commit cannot be read, queries go
        on answering from the commit already mapped, and the directory is looked at
        again on the next query (it may come back)."""
        with self._lock:
            if self._snapshot is None or not self._current():
                try:
                    self._move_to_newest()
                except (OSError, WhooshIndexError) as exc:
                    self._seen_mtime = 0
                    if self._snapshot is None:
                        raise IndexUnavailable(
                            f"the index at {self.path} cannot be read ({exc}); try again"
                        ) from None
            return self._snapshot

    def _move_to_newest(self) -> None:
        """Open the newest commit whole, then switch to it: a commit that fails to open
        leaves the current one in place."""
        searcher = self._ix.searcher()
        try:
            # The previous commit's arrays and posting lists serve the segments it shares
            # with this one, and its dictionary if this commit's is the same.
            snapshot = Snapshot(searcher, previous=self._snapshot)
            # What comes with a commit besides postings: the dictionary; the reports'
            # metadata and labels (where a hit, a copy or an expansion is) and the
            # glossary, both read from the index as queries ask: nothing read yet.
            segmenter = load_segmenter(searcher, self._segmenter, self.path)
            reports = Reports(searcher, snapshot)
            labels = Labels(reports)
            glossary = IndexedGlossary(searcher, reports)
            abbreviations = load_abbreviations(searcher)
            ledger = open_ledger(searcher, self.path)
        except BaseException:
            searcher.close()
            raise
        if self._snapshot is not None:
            self._lexicon = None
            self._commits += 1
        self._segmenter, self._labels, self._glossary = segmenter, labels, glossary
        self._reports = reports
        self._abbreviations, self._ledger = abbreviations, ledger
        self._snapshot = snapshot

    @contextmanager
    def segmenting(self) -> Iterator[Segmenter]:
        """This index's dictionary, at its newest commit, in scope for the analyzers
        (``analyzers.segment.using``): queries are cut as the index's text was."""
        self.snapshot()
        with using(self._segmenter) as segmenter:
            yield segmenter

    def _current(self) -> bool:
        """Whether the snapshot is still the newest commit. A commit renames a new TOC
        file into the directory, which changes the directory's mtime: while that stays
        what it was at the last full check (and is old enough that a commit in the same
        clock tick would show, as git trusts file times), one ``stat`` answers instead
        of Whoosh's listing of the directory, which every request would pay."""
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError:
            mtime = 0
        if mtime and mtime == self._seen_mtime:
            return True
        try:
            current = self._snapshot.searcher.up_to_date()
        except OSError:  # the directory is gone: what is mapped still answers
            self._seen_mtime = 0
            return True
        settled = time.time_ns() - mtime > MTIME_SETTLED_NS
        self._seen_mtime = mtime if current and settled else 0
        return current

    def refresh(self) -> None:
        self.searcher()

    def commit_number(self) -> int:
        """Changes whenever the searcher moves to a newer commit (results may differ)."""
        self.searcher()
        return self._commits

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
        snapshot = self.snapshot()
        compiled = compile_query(node)
        matcher = Matcher(snapshot, time.monotonic() + self.time_budget)
        matches = matcher.match(node)
        # An export (stream) is every match, like grep's lines: related paragraphs are none.
        related = related and not stream
        loose = matcher.related(node) if related else matches.docs[:0]
        loose = loose[snapshot.shapes[loose] != HEADING]
        ranker = Ranker(matcher, compiled, matches, loose)
        found = arrange(ranker, loose)
        if related and 0 < found.hits_total < FILL:  # a short page (none: suggestions)
            some = matcher.some_words(node, merged(matches.docs, loose))
            some = some[snapshot.shapes[some] != HEADING]
            if len(some):
                ranker = Ranker(matcher, compiled, matches, merged(loose, some))
                found = arrange(ranker, loose, some)
        reader = HitReader(snapshot, self._labels, self._reports)
        wanted = None if limit is None else offset + limit
        order, scores = ranker.tiered(wanted, found.tiers)
        hits: list[Hit] | Iterator[Hit] = reader.hits(
            found, order[offset:], scores[offset:], compiled.highlights, compiled.loose_highlights
        )
        if not stream:  # else each hit is read when it is taken: a common word has many
            hits = list(hits)
        glossary, sections = [], []
        if offset == 0:
            glossary = [
                e
                for e in self._glossary.terms_in(" ".join(compiled.highlights))
                if all(passes(f, e.region, e.year, e.doc) for f in compiled.filters)
            ]
            shown = ranker.by_base(found.headings, None if limit is None else SECTIONS)
            sections = list(reader.hits(found, *shown, compiled.highlights, copies=False))
        return SearchResult(
            query,
            len(matches.docs),
            hits,
            limit,
            offset,
            str(compiled),
            glossary,
            _facets(snapshot, matches.docs) if facets else {},
            partial=matcher.partial,  # the sequence bonus may check candidates too
            hits_total=found.hits_total,
            headings=len(found.headings),
            sections=sections,
            related=len(loose),
            some_words=found.fillers,
        )

    def _variants(self, node: Node) -> list[dict[str, Any]]:
        """The query's literals as the corpus also writes them (``indexer.variants``),
        each with the paragraphs it finds instead, those not found already, the query
        that includes them and the query written that way only."""
        parts = children(node)
        matcher = Matcher(self.snapshot(), time.monotonic() + self.time_budget)
        found = matcher.docs(node)
        rows: list[dict[str, Any]] = []
        for i, child in enumerate(parts):
            if not isinstance(child, Literal):
                continue

            def swapped(by: Node, at: int = i) -> Node:
                return AllOf((*parts[:at], by, *parts[at + 1 :]))

            def count(text: str, swapped: Callable[[Node], Node] = swapped) -> tuple[int, int]:
                docs = matcher.docs(swapped(Literal(text)))
                return len(docs), len(np.setdiff1d(docs, found, assume_unique=True))

            for row in offered(key_of(child), self._segmenter, self._abbreviations, count):
                include = swapped(AnyOf((child, Literal(row["text"]))))
                rows.append(
                    {
                        **row,
                        "literal": child.text,
                        "query": query_text(include),
                        "only": query_text(swapped(Literal(row["text"]))),
                    }
                )
        return sorted(rows, key=lambda row: -row["paragraphs"])[:VARIANTS]

    def lexicon(self) -> PinyinLexicon:
        """The corpus vocabulary with pinyin, loaded on first use: by one thread at a
        time (another asking meanwhile waits for it, not reading a second copy), outside
        the index's lock (seconds on a large corpus): searches go on."""
        self.searcher()  # the newest commit
        with self._lexicon_lock:
            with self._lock:
                lexicon, commit = self._lexicon, self._commits
                jargon, ledger = self._segmenter.user_words, self._ledger
            if lexicon is None:
                lexicon = load_lexicon(ledger, jargon, self.snapshot())
                with self._lock:
                    if self._commits == commit:  # still the commit it was read from
                        self._lexicon = lexicon
        return lexicon

    def lexicon_rows(self) -> list[tuple[str, int]]:
        """The lexicon table's rows (``lexicon_payload``, frequency): what a cluster stores."""
        self.searcher()
        with self._lock:
            table = self._ledger.table(LEXICON_WORDS).entries()
        return list(zip(table.payloads or (), table.values.tolist(), strict=True))

    def bigram_table(self) -> dict[str, bytes | str]:
        """The Han bigrams a typed reading walks (``suggestions.packed_bigrams``)."""
        self.searcher()
        with self._lock:
            ledger = self._ledger
        return packed_bigrams(ledger)

    @segmented
    def suggest(self, text: str, *, hits: int = 0, n: int = 5) -> list[str]:
        """Corpus terms the user may have meant (``indexer.suggestions.suggestions``)."""
        self.searcher()  # the newest commit
        with self._lock:
            words = LexiconTable(self._ledger.table(LEXICON_WORDS), self._segmenter.user_words)
        return suggestions(self.lexicon, words, self._glossary, text, hits=hits, n=n)

    def glossary_entries(self) -> list[TermEntry]:
        """Every glossary entry, newest report first."""
        self.searcher()
        return list(self._glossary.entries)

    def _paragraphs_holding(self, node: Node) -> Iterator[tuple[dict[str, Any], str]]:
        snapshot = self.snapshot()
        matched = Matcher(snapshot).match(node).docs
        texts = [key.decode("utf-8") for key in snapshot.match_keys(matched)]
        stored = snapshot.stored_fields
        return ((stored(d, key), key) for d, key in zip(matched.tolist(), texts, strict=True))

    @segmented
    def document(self, doc: str, *, highlight: str = "") -> dict[str, Any]:
        """One document: its metadata and every paragraph, ``html`` marked with the
        literals of the query ``highlight`` (if any).

        :raises DocumentNotFound: no indexed document has the id ``doc``.
        """
        snapshot = self.snapshot()
        record = snapshot.searcher.document(kind=DOCUMENT, doc=doc)
        if record is None:
            raise DocumentNotFound(f"no document {doc!r} in the index")
        docs = snapshot.paragraphs_of(doc)
        # The mapped key column gives each paragraph's key: no paragraph's text is folded.
        keys = [key.decode("utf-8") for key in snapshot.match_keys(docs)]
        stored = [
            (snapshot.stored_fields(d, key), key)
            for d, key in zip(docs.tolist(), keys, strict=True)
        ]
        return document_page(record["data"], stored, highlight)

    def targets(
        self,
        *,
        year: str | None = None,
        region: str | None = None,
        doc: str | None = None,
        indicator: str | None = None,
    ) -> TargetsTable:
        """The targets the reports state (``indexer.targets``), filtered like a search:
        ``year`` (``2023`` or ``2021-2023``), ``region``, ``doc`` (a name or its prefix),
        and the indicator's text."""
        return targets_table(
            self.snapshot(), year=year, region=region, doc=doc, indicator=indicator
        )

    @segmented
    def compare(self, a: str, b: str, *, limit: int = 50) -> Comparison:
        """Report ``b`` against report ``a`` (``indexer.comparison``): the terms added
        and dropped, most salient first, and the targets side by side.

        :raises DocumentNotFound: either is no indexed report.
        """
        from indexer.comparison import compare

        return compare(self.snapshot(), a, b, limit, self._reports, self._glossary)

    def previous_report(self, doc: str) -> str | None:
        """The report of ``doc``'s region from the latest year before its own, if any."""
        from indexer.comparison import previous_report

        return previous_report(self.snapshot(), self._reports, doc)

    def years(self) -> list[int]:
        """The years of the indexed reports, ascending."""
        return sorted(int(y) for y in distinct(self.snapshot().years.whole()) if y > 0)

    def regions(self) -> list[str]:
        """The regions of the indexed reports, sorted."""
        return sorted(name for name in self.snapshot().region_names if name)

    @segmented
    def new_terms(self, year: int, *, region: str | None = None, limit: int = 50) -> NewTerms:
        """What the reports of ``year`` (of ``region``) say that no earlier report did
        (``indexer.formulations``).

        :raises DocumentNotFound: no report of that year (or region) is indexed.
        """
        from indexer.formulations import new_terms

        snapshot = self.snapshot()
        if region is not None and region not in snapshot.region_names:
            raise DocumentNotFound(f"no report of region {region!r} in the index")
        found = new_terms(snapshot, year, region, limit, self._reports, self._glossary)
        if not found.reports:
            years = self.years()
            known = f"{years[0]}–{years[-1]}" if years else "none"
            where = f" of {region}" if region else ""
            raise DocumentNotFound(f"no report{where} of {year} in the index (years: {known})")
        return found

    def label(self, doc: str) -> str:
        """The document ``doc`` as people cite it (``metadata.document_label``)."""
        self.searcher()
        return self._labels.get(doc, doc)

    def documents(self) -> list[dict[str, Any]]:
        """Each document's metadata, source path, hash and paragraph count."""
        return list(iter_documents(self.searcher()))


def _facets(snapshot: Snapshot, docs: np.ndarray) -> dict[str, dict[str, int]]:
    """Region, year and report counts over the matching paragraphs."""
    years, counts = np.unique(snapshot.years[docs], return_counts=True)
    return {
        "region": _named(snapshot.region_codes[docs], snapshot.region_names, snapshot.region_ranks),
        "year": facet_counts(dict(zip(years.tolist(), counts.tolist(), strict=True))),
        "doc": _named(snapshot.doc_codes[docs], snapshot.doc_names, snapshot.doc_ranks),
    }


def _named(codes: np.ndarray, names: list[str], ranks: np.ndarray) -> dict[str, int]:
    """Counts per name as ``facet_counts`` orders them, sorted in numpy: a common word matches
    thousands of reports."""
    counts = np.bincount(codes, minlength=len(names))
    counts[0] = 0  # no name
    present = np.flatnonzero(counts)
    order = present[np.lexsort((ranks[present], -counts[present]))]
    return dict(zip([names[i] for i in order.tolist()], counts[order].tolist(), strict=True))
