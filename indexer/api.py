"""The library API: everything the CLI and the web app do goes through ``PolicyIndex``.

It opens the index and its jieba dictionary once and keeps one searcher, refreshed when
a newer commit appears, so each query pays only for itself.
"""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from whoosh.index import Index
from whoosh.query import Term
from whoosh.searching import Searcher

from analyzers.segment import Segmenter, activate
from indexer.build import (
    IndexReport,
    is_index,
    iter_documents,
    load_segmenter,
    open_whoosh,
    update_index,
)
from indexer.errors import IndexNotFound, UsageError
from indexer.highlight import highlight_spans, html_snippet
from indexer.query import AllOf, Filter, compile_query, parse
from indexer.schema import PARAGRAPH

DEFAULT_LIMIT = 10
INDEX_ENV = "POLICY_SEARCH_INDEX"


def default_index_dir() -> Path:
    """``$POLICY_SEARCH_INDEX``, else ``index`` in the per-user data directory."""
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV])
    return Path(user_data_dir("policy-search")) / "index"


@dataclass(frozen=True)
class Hit:
    """One matching paragraph, with its document's metadata and its highlights."""

    kind: str
    doc: str
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
        data = asdict(self)
        data["highlights"] = [list(span) for span in self.highlights]
        return data


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    limit: int | None
    offset: int
    parsed: str = field(default="")

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "hits": [hit.as_dict() for hit in self.hits],
        }


class PolicyIndex:
    """An open index: search it, list its documents, add files to it."""

    def __init__(self, path: Path, ix: Index, segmenter: Segmenter) -> None:
        self.path = path
        self._ix = ix
        self._segmenter = segmenter
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path) -> PolicyIndex:
        """Open the index at ``path``; IndexNotFound if there is none."""
        path = Path(path)
        if not is_index(path):
            raise IndexNotFound(
                f"no index at {path}; create one with `policy-search index PATHS --index {path}`"
            )
        ix = open_whoosh(path)
        return cls(path, ix, load_segmenter(ix))

    @staticmethod
    def update(path: str | Path, files: list[Path], **options: Any) -> IndexReport:
        """Index new and changed files (see ``indexer.build.update_index``)."""
        return update_index(Path(path), files, **options)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._ix.close()

    def __enter__(self) -> PolicyIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def searcher(self) -> Searcher:
        """The long-lived searcher, moved to the newest commit if there is one."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self._ix.searcher()
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
                self._segmenter = load_segmenter(self._ix)
            activate(self._segmenter)
            return self._searcher

    def search(
        self,
        query: str,
        *,
        limit: int | None = DEFAULT_LIMIT,
        offset: int = 0,
        literal: bool = False,
        filters: dict[str, str] | None = None,
    ) -> SearchResult:
        """Paragraphs matching ``query``, best first.

        :param query: query syntax (see ``indexer.query``), or any string with ``literal``.
        :param limit: hits to return; None for all of them.
        :param offset: hits to skip, for paging.
        :param filters: ``{"region": …, "year": …, "doc": …}``, as the ``name:value`` syntax.
        :raises QuerySyntaxError: the query cannot be parsed.
        """
        if offset < 0 or (limit is not None and limit < 1):
            raise UsageError("limit must be at least 1 and offset at least 0")
        searcher = self.searcher()
        node = parse(query, literal=literal)
        extra = tuple(Filter(k, str(v)) for k, v in (filters or {}).items() if v not in (None, ""))
        compiled = compile_query(AllOf((node, *extra)) if extra else node)
        wanted = None if limit is None else offset + limit
        results = searcher.search(compiled.query, limit=wanted, filter=Term("kind", PARAGRAPH))
        hits = []
        for result in results[offset:wanted]:
            text = result["text"]
            spans = highlight_spans(text, compiled.highlights)
            hits.append(
                Hit(
                    kind=PARAGRAPH,
                    doc=result["doc"],
                    title=result.get("title", ""),
                    region=result.get("region", ""),
                    year=result.get("year"),
                    date=result.get("date", ""),
                    section=result.get("section", ""),
                    paragraph=result["n"],
                    heading=result["heading"],
                    text=text,
                    snippet=html_snippet(text, spans),
                    score=round(result.score or 0.0, 4),
                    highlights=spans,
                )
            )
        return SearchResult(query, len(results), hits, limit, offset, str(compiled))

    def documents(self) -> list[dict[str, Any]]:
        """Each document's metadata, source path, hash and paragraph count."""
        self.searcher()
        return list(iter_documents(self._ix))
