"""The Flask front end: a thin layer over ``indexer.api.PolicyIndex``.

Every HTML page has a JSON twin under ``/api`` built by the same data function.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.api import default_index_dir, open_store
from indexer.errors import DocumentNotFound, IndexUnavailable, LocalOnly, PolicySearchError
from search_web.cache import ResultCache
from search_web.jsonio import OrjsonProvider

LEXICON_LOADS = ("start", "first use")
CSP = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'"


def create_app(config: Mapping[str, Any] | str | PathLike[str] | None = None) -> Flask:
    """Build the app; the index (jieba with its dictionary, the pinyin lexicon) is opened
    once, here.

    ``config`` is a mapping of settings, or just the index directory; ``OPENSEARCH``, a
    cluster's URL, serves that cluster instead (``indexer.cluster.search``). ``LEXICON``: when
    the pinyin lexicon is read — ``"start"`` (here: processes forked later share it) or
    ``"first use"`` (by the first request for a typed reading or a completion: seconds
    at 1 GB, which searches need not wait for; read in a thread instead, it held the
    interpreter's lock in long sorts and the first search took 16 s, not 3).
    """
    if isinstance(config, (str, PathLike)):
        config = {"INDEX_DIR": str(config)}
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.from_mapping(
        INDEX_DIR=str(default_index_dir()),
        PER_PAGE=10,
        RESULT_CACHE=512,  # search results kept per server (0: none)
        MAX_CONTENT_LENGTH=64 * 1024,  # a read-only API takes no bodies worth the name
        LEXICON="start",
    )
    if config:
        app.config.from_mapping(config)
    when = app.config["LEXICON"]
    if when not in LEXICON_LOADS:
        raise ValueError(f"LEXICON={when!r}: expected one of {', '.join(LEXICON_LOADS)}")
    index = app.extensions["policy_search"] = open_store(
        app.config["INDEX_DIR"], app.config.get("OPENSEARCH")
    )
    if when == "start":  # not on the first autocomplete
        index.lexicon()
    app.extensions["policy_search_results"] = ResultCache(app.config["RESULT_CACHE"])

    from search_web import api, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_error_handler(PolicySearchError, _bad_request)
    app.register_error_handler(DocumentNotFound, _not_found)
    app.register_error_handler(IndexUnavailable, _unavailable)
    app.register_error_handler(LocalOnly, _local_only)
    app.register_error_handler(OSError, _unreadable)
    app.register_error_handler(HTTPException, _http_error)
    app.after_request(_security_headers)
    return app


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error(status: int, message: str) -> tuple[Any, int]:
    if _wants_json():
        return jsonify(ok=False, error=message, status=status), status
    return render_template("error.html", status=status, message=message), status


def _bad_request(exc: PolicySearchError) -> tuple[Any, int]:
    return _error(400, str(exc))


def _not_found(exc: DocumentNotFound) -> tuple[Any, int]:
    return _error(404, str(exc))


def _local_only(exc: LocalOnly) -> tuple[Any, int]:
    return _error(501, str(exc))


def _unavailable(exc: IndexUnavailable) -> tuple[Any, int]:
    return _error(503, str(exc))


def _unreadable(exc: OSError) -> tuple[Any, int]:
    """A file of the index could not be read (vanished, unreadable): worth a retry."""
    reason = exc.strerror or type(exc).__name__
    return _error(503, f"the index cannot be read just now ({reason}); try again")


def _http_error(exc: HTTPException) -> tuple[Any, int, list[tuple[str, str]]]:
    """The error as JSON or a page, keeping what its status requires: a 405 says which
    methods the URL allows (``Allow``, RFC 9110)."""
    body, status = _error(exc.code or 500, exc.description or exc.name)
    return body, status, [(k, v) for k, v in exc.get_headers() if k == "Allow"]


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
