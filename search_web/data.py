"""The one source of each page's data, shared by the HTML pages and their /api twins."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from analyzers.normalize import match_key
from indexer.api import FACETS, PolicyIndex
from indexer.errors import UsageError
from indexer.ingest.entries import EXPANSION
from indexer.ingest.labels import FIELDS
from indexer.query import MAX_QUERY_LENGTH, year_range
from indexer.results import Hit

MAX_LIMIT = 100
MAX_OFFSET = 100_000
_WHOLE = re.compile(r"-?[0-9]+")


def policy_index() -> PolicyIndex:
    return current_app.extensions["policy_search"]


def _arg(args: MultiDict[str, str], name: str, strip: bool = True) -> str:
    """A parameter's one value ("" if absent); given twice, a bad request rather than one
    of its values taken."""
    values = args.getlist(name)
    if len(values) > 1:
        raise UsageError(f"{name} is given {len(values)} times; give it once")
    value = values[0] if values else ""
    return value.strip() if strip else value


def _query(args: MultiDict[str, str]) -> str:
    """``q``, held to the query's length before spaces are trimmed (control characters
    trim away too: 1,000 of them are no short query)."""
    raw = _arg(args, "q", strip=False)
    if len(raw) > MAX_QUERY_LENGTH:
        raise UsageError(f"q is too long ({len(raw)} characters, at most {MAX_QUERY_LENGTH})")
    return raw.strip()


def _int_arg(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _arg(args, name, strip=False)
    if raw == "":
        return default
    if not _WHOLE.fullmatch(raw):  # int() also takes " 5", "1_0" and full-width digits
        raise UsageError(f"{name} must be a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise UsageError(f"{name} must be between {low} and {high}")
    return value


def search_data(args: MultiDict[str, str]) -> dict[str, Any]:
    """The CLI's ``search --json`` object, plus the filters applied and the time taken."""
    query = _query(args)
    limit = _int_arg(args, "limit", current_app.config["PER_PAGE"], 1, MAX_LIMIT)
    offset = _int_arg(args, "offset", 0, 0, MAX_OFFSET)
    filters = {name: _arg(args, name) for name in FACETS}
    related = not _int_arg(args, "exact", 0, 0, 1)
    base = {"query": query, "filters": filters, "offset": offset, "limit": limit}
    if filters["year"]:
        year_range(filters["year"])  # a bad year is a bad request, with or without a query
    if not query:
        return {
            **base,
            "total": 0,
            "hits_total": 0,
            "headings": 0,
            "related": 0,
            "some_words": 0,
            "copies": 0,
            "hits": [],
            "sections": [],
            "variants": [],
            "facets": {},
            "interpreted": None,
            "suggestions": [],
            "elapsed_ms": 0,
        }
    started = time.perf_counter()
    ix = policy_index()
    key = (ix.commit_number(), query, limit, offset, tuple(sorted(filters.items())), related)
    result = current_app.extensions["policy_search_results"].get(
        key,
        lambda: ix.search(
            query, limit=limit, offset=offset, filters=filters, related=related
        ).as_dict(),
        keep=lambda found: not found["partial"],  # a slow query gets its full answer later
    )
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return {**base, **result, "elapsed_ms": elapsed}


def search_export(args: MultiDict[str, str]) -> tuple[Iterator[tuple[str, Hit]], str]:
    """Every matching paragraph of ``q`` with the filters (``every_paragraph``), streamed;
    and a file name for them."""
    query = _query(args)
    if not query:
        raise UsageError("q is required")
    filters = {name: _arg(args, name) for name in FACETS}
    result = policy_index().search(query, limit=None, filters=filters, facets=False, stream=True)
    return result.every_paragraph(), "policy-search " + " ".join(
        [query, *filter(None, filters.values())]
    )


def document_data(doc: str, args: MultiDict[str, str]) -> dict[str, Any]:
    """A document's metadata and paragraphs, the query's matches marked, and the report
    of its region from the year before (``previous``, to compare it with), if any."""
    ix = policy_index()
    found = ix.document(doc, highlight=_query(args))
    return {**found, "previous": ix.previous_report(doc)}


def glossary_data(args: MultiDict[str, str]) -> dict[str, Any]:
    """One term's definitions and usage (``?term=``), or every entry grouped by the report
    that defines it, and the abbreviations the corpus's lists explain (the best list each).
    A term of nothing but spaces and quote marks, which lookups ignore, asks for all."""
    term = _arg(args, "term")
    ix = policy_index()
    if match_key(term):
        found = ix.glossary(term)
        usage = ix.usage(term)  # with no explanation, where the term is used is the answer
        return {**found.as_dict(), "usage": usage.as_dict() if usage.occurrences else None}
    reports: dict[str, dict[str, Any]] = {}
    entries = defaultdict(list)
    expanded: dict[str, dict[str, Any]] = {}  # the best list per term, after the reports'
    for entry in ix.glossary_entries():
        if entry.source == EXPANSION:
            expanded.setdefault(entry.term, entry.as_dict())
            continue
        reports.setdefault(
            entry.doc,
            {
                "doc": entry.doc,
                "label": entry.label,
                "title": entry.title,
                "region": entry.region,
                "year": entry.year,
            },
        )
        entries[entry.doc].append(entry.as_dict())
    ordered = sorted(reports.values(), key=lambda r: (-(r["year"] or 0), r["doc"]))
    return {
        "query": "",
        "reports": [{**r, "entries": entries[r["doc"]]} for r in ordered],
        "expansions": sorted(expanded.values(), key=lambda e: e["term"]),
    }


NEW_TERMS_LIMIT = 50
MAX_NEW_TERMS = 500


def new_terms_data(args: MultiDict[str, str]) -> dict[str, Any]:
    """What the reports of ``year`` (the latest, if not given; of ``region``) say that no
    earlier report did, and the years and regions there are to ask about."""
    ix = policy_index()
    years, regions = ix.years(), ix.regions()
    if not years:
        raise UsageError("no report with a year is indexed")
    year = _int_arg(args, "year", years[-1], 1, 9999)
    limit = _int_arg(args, "limit", NEW_TERMS_LIMIT, 1, MAX_NEW_TERMS)
    region = _arg(args, "region") or None
    found = ix.new_terms(year, region=region, limit=limit).as_dict()
    return {**found, "years": years, "regions": regions}


def compare_data(args: MultiDict[str, str]) -> dict[str, Any]:
    """Report ``b`` against report ``a``: terms added and dropped, targets side by side."""
    a, b = _arg(args, "a"), _arg(args, "b")
    if not a or not b:
        raise UsageError("a and b (two document ids) are required")
    limit = _int_arg(args, "limit", NEW_TERMS_LIMIT, 1, MAX_NEW_TERMS)
    return policy_index().compare(a, b, limit=limit).as_dict()


def targets_data(args: MultiDict[str, str]) -> dict[str, Any]:
    """The targets the reports state, filtered (``year``, ``region``, ``doc``,
    ``indicator``), and grouped by indicator: each indicator's values over the reports,
    the numbers charted where they share a unit."""
    ix = policy_index()
    asked = {k: _arg(args, k) or None for k in ("year", "region", "doc", "indicator")}
    table = ix.targets(**asked).as_dict()
    groups: dict[str, dict[str, Any]] = {}
    for row in table["targets"]:
        group = groups.setdefault(
            match_key(row["indicator"]), {"indicator": row["indicator"], "rows": []}
        )
        group["rows"].append(row)
    for group in groups.values():
        numbered = [r for r in group["rows"] if r["low"] is not None]
        units = {r["unit"] for r in numbered}
        many = len({r["region"] for r in numbered}) > 1
        group["chart"] = (
            [[f"{r['region']} {r['year']}" if many else str(r["year"]), r["low"]] for r in numbered]
            if len(numbered) > 1 and len(units) == 1
            else []
        )
        group["unit"] = units.pop() if len(units) == 1 else ""
    ordered = sorted(groups.values(), key=lambda g: (-len(g["rows"]), g["indicator"]))
    return {**asked, **table, "indicators": ordered, "regions": ix.regions()}


def docs_data() -> dict[str, Any]:
    keys = ("doc", "label", *FIELDS, "paragraphs")
    return {"documents": [{k: d.get(k) for k in keys} for d in policy_index().documents()]}


def suggest_data(args: MultiDict[str, str]) -> dict[str, Any]:
    """Autocomplete: glossary terms and corpus words for a prefix, pinyin or initials."""
    query = _arg(args, "q")[:50]
    return {"query": query, "suggestions": policy_index().complete(query) if query else []}
