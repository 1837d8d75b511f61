"""HTML pages: the search page at / (``/?q=…``)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from search_web.data import search_data

bp = Blueprint("pages", __name__)


@bp.get("/")
def search() -> str:
    return render_template("search.html", **search_data(request.args))
