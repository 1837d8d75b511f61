"""JSON twins of the pages, mounted at /api."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from search_web.data import docs_data, search_data

bp = Blueprint("api", __name__)


@bp.get("/search")
def search() -> Response:
    return jsonify(search_data(request.args))


@bp.get("/docs")
def docs() -> Response:
    return jsonify(docs_data())
