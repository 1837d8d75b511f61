"""JSON twins of the pages, mounted at /api; every one answers GET only."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from search_web.data import docs_data, document_data, glossary_data, search_data, suggest_data
from search_web.openapi import openapi_spec

bp = Blueprint("api", __name__)


@bp.get("/search")
def search() -> Response:
    return jsonify(search_data(request.args))


@bp.get("/doc/<path:doc>")
def document(doc: str) -> Response:
    return jsonify(document_data(doc, request.args))


@bp.get("/docs")
def docs() -> Response:
    return jsonify(docs_data())


@bp.get("/glossary")
def glossary() -> Response:
    return jsonify(glossary_data(request.args))


@bp.get("/suggest")
def suggest() -> Response:
    return jsonify(suggest_data(request.args))


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_spec())
