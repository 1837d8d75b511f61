"""HTML pages: search (/?q=), a document (/doc/<doc>), the glossary (/glossary), the
document list (/docs), a year's new terms (/new), the reports' targets (/targets), report
against report (/compare). Each renders the same data its /api twin returns."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

from flask import Blueprint, g, render_template, request, url_for

from search_web.data import (
    compare_data,
    docs_data,
    document_data,
    glossary_data,
    new_terms_data,
    policy_index,
    search_data,
    targets_data,
)

bp = Blueprint("pages", __name__)

# A facet lists its largest values; ``more=<facet>`` lists all of them (the JSON twin
# always does). A common term matches thousands of reports at 200 MB: a link each made
# the page ~1 MB and its rendering slower than the search.
FACET_SHOWN = 12
CARD_DEFINITIONS = 3  # per term on the search page; the glossary page has every one
USAGE_SHOWN = 20  # paragraphs using a term on its glossary page; the search pages them all
SAFE_IN_QUERY = "!$'()*,/:;?@"  # what werkzeug's url_for leaves unescaped in a query


@bp.app_template_global()
def search_url(query: str, filters: dict[str, str], **changes: object) -> str:
    """The search page for ``query`` with the current filters, some of them changed.

    Built the way ``url_for`` encodes query arguments, from the page's path looked up
    once per request: a facet list asks for one link per value."""
    if "search_path" not in g:
        g.search_path = url_for("pages.search")
    args = {"q": query, **filters, **changes}
    kept = [f"{k}={_quoted(str(v))}" for k, v in args.items() if v not in ("", None, 0)]
    return f"{g.search_path}?{'&'.join(kept)}" if kept else g.search_path


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    """A query argument as ``urlencode`` writes it (the query, facet names and numbers
    repeat from link to link and from page to page)."""
    return quote_plus(value, safe=SAFE_IN_QUERY)


@bp.app_template_global()
def doc_label(doc: str) -> str:
    """A document id as people cite the report (region, year, title, 文号)."""
    return policy_index().label(doc)


@bp.get("/")
def search() -> str:
    data = search_data(request.args)
    cards: dict[str, list[dict[str, Any]]] = {}
    for hit in data["hits"]:
        if hit["kind"] == "glossary":
            cards.setdefault(hit["term"], []).append(hit)
    return render_template(
        "search.html",
        more=request.args.get("more", ""),
        facet_shown=FACET_SHOWN,
        cards=[(term, entries[:CARD_DEFINITIONS], len(entries)) for term, entries in cards.items()],
        paragraphs=[hit for hit in data["hits"] if hit["kind"] == "paragraph"],
        **data,
    )


@bp.get("/doc/<path:doc>")
def document(doc: str) -> str:
    q = request.args.get("q", "")
    return render_template("doc.html", q=q, query=q, **document_data(doc, request.args))


@bp.get("/glossary")
def glossary() -> str:
    return render_template("glossary.html", usage_shown=USAGE_SHOWN, **glossary_data(request.args))


@bp.get("/new")
def new_terms() -> str:
    return render_template("new.html", **new_terms_data(request.args))


@bp.get("/compare")
def compare() -> str:
    return render_template("compare.html", **compare_data(request.args))


@bp.get("/targets")
def targets() -> str:
    return render_template("targets.html", **targets_data(request.args))


@bp.get("/docs")
def docs() -> str:
    return render_template("docs.html", **docs_data())
