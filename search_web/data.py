"""The one source of each page's data, shared by the HTML pages and their /api twins."""

from __future__ import annotations

from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from indexer.api import PolicyIndex
from indexer.errors import UsageError

MAX_LIMIT = 100


def policy_index() -> PolicyIndex:
    return current_app.extensions["policy_search"]


def _int_arg(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise UsageError(f"{name} must be between {low} and {high}")
    return value


def search_data(args: MultiDict[str, str]) -> dict[str, Any]:
    """``{"query", "total", "offset", "limit", "hits"}`` — the CLI's ``--json`` object."""
    query = args.get("q", "").strip()
    limit = _int_arg(args, "limit", current_app.config["PER_PAGE"], 1, MAX_LIMIT)
    offset = _int_arg(args, "offset", 0, 0, 1_000_000)
    if not query:
        return {"query": "", "total": 0, "offset": offset, "limit": limit, "hits": []}
    filters = {name: args.get(name, "") for name in ("region", "year", "doc")}
    result = policy_index().search(query, limit=limit, offset=offset, filters=filters)
    return result.as_dict()


def docs_data() -> dict[str, Any]:
    keys = ("doc", "title", "region", "year", "date", "speaker", "role", "meeting", "paragraphs")
    return {"documents": [{k: d.get(k) for k in keys} for d in policy_index().documents()]}
