"""JSON twins of the pages, mounted at /api; every one answers GET only."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request, stream_with_context

from indexer.output import hits_csv
from search_web.data import (
    compare_data,
    docs_data,
    document_data,
    glossary_data,
    new_terms_data,
    search_data,
    search_export,
    suggest_data,
    targets_data,
)
from search_web.openapi import openapi_spec

bp = Blueprint("api", __name__)


@bp.get("/search")
def search() -> Response:
    return jsonify(search_data(request.args))


@bp.get("/search.csv")
def search_csv() -> Response:
    """Every hit of the query, as a spreadsheet reads it; each hit is read from the index
    as the response is sent."""
    hits, name = search_export(request.args)
    return Response(
        stream_with_context(hits_csv(hits)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.csv"},
    )


@bp.get("/doc/<path:doc>")
def document(doc: str) -> Response:
    return jsonify(document_data(doc, request.args))


@bp.get("/docs")
def docs() -> Response:
    return jsonify(docs_data())


@bp.get("/glossary")
def glossary() -> Response:
    return jsonify(glossary_data(request.args))


@bp.get("/new")
def new_terms() -> Response:
    return jsonify(new_terms_data(request.args))


@bp.get("/compare")
def compare() -> Response:
    return jsonify(compare_data(request.args))


@bp.get("/targets")
def targets() -> Response:
    return jsonify(targets_data(request.args))


@bp.get("/suggest")
def suggest() -> Response:
    return jsonify(suggest_data(request.args))


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_spec())
