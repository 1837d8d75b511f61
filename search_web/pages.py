"""HTML pages: search (/?q=), a document (/doc/<doc>), the glossary (/glossary), the
document list (/docs). Each renders the same data its /api twin returns."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from search_web.data import docs_data, document_data, glossary_data, search_data

bp = Blueprint("pages", __name__)


@bp.app_template_global()
def search_url(query: str, filters: dict[str, str], **changes: object) -> str:
    """The search page for ``query`` with the current filters, some of them changed."""
    args = {"q": query, **filters, **changes}
    return url_for("pages.search", **{k: v for k, v in args.items() if v not in ("", None, 0)})


@bp.get("/")
def search() -> str:
    return render_template("search.html", **search_data(request.args))


@bp.get("/doc/<path:doc>")
def document(doc: str) -> str:
    q = request.args.get("q", "")
    return render_template("doc.html", q=q, query=q, **document_data(doc, request.args))


@bp.get("/glossary")
def glossary() -> str:
    return render_template("glossary.html", **glossary_data(request.args))


@bp.get("/docs")
def docs() -> str:
    return render_template("docs.html", **docs_data())
