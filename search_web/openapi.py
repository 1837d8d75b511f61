"""The OpenAPI description of the /api endpoints, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from indexer.output import HIT_COLUMNS
from indexer.query import MAX_QUERY_LENGTH
from search_web.data import MAX_LIMIT, MAX_NEW_TERMS, MAX_OFFSET

_TEXT = {"type": "string"}
_YEARS = {"type": "string", "pattern": r"^(\d{4}([-–~]\d{4})?)?$"}  # empty: no filter
# A term or id to look up: something besides the spaces and quotes lookups ignore.
_LOOKED_UP = {"type": "string", "pattern": "[^\\s\"'“”‘’「」『』]"}
_TERM = {"type": "string"}  # one that is all spaces and quotes asks for every entry
_OBJECT = {"type": "object"}


def _param(
    name: str, description: str, schema: dict[str, Any] | None = None, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or _TEXT,
    }


def _get(
    summary: str, parameters: list[dict[str, Any]], errors: tuple[int, ...] = (400,)
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": _OBJECT}}}
    }
    for status in errors:
        responses[str(status)] = {
            "description": "error: {ok: false, error, status}",
            "content": {"application/json": {"schema": _OBJECT}},
        }
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


_LISTED = _param(
    "limit",
    "terms listed (each way, for a comparison)",
    {"type": "integer", "minimum": 1, "maximum": MAX_NEW_TERMS, "default": 50},
)


def _linked(operation: dict[str, Any], links: dict[str, dict[str, str]]) -> dict[str, Any]:
    """``operation`` with OpenAPI links from its answer to other operations (by
    operationId, with their parameters taken from the answer): how a client, or a
    schema-driven tester, reaches a document's id from the list of documents."""
    operation["get"]["responses"]["200"]["links"] = {
        name: {"operationId": name, "parameters": parameters} for name, parameters in links.items()
    }
    return operation


def _operation_id(path: str) -> str:
    """``/api/doc/{doc}`` -> ``document``, ``/api/search.csv`` -> ``search_csv``."""
    name = path.removeprefix("/api/").split("/")[0].replace(".", "_")
    return {"doc": "document", "new": "new_terms"}.get(name, name)


def openapi_spec() -> dict[str, Any]:
    spec = _spec()
    for path, item in spec["paths"].items():
        item["get"]["operationId"] = _operation_id(path)
    return spec


def _spec() -> dict[str, Any]:
    filters = [
        _param("region", "only this region, e.g. 新华区"),
        _param("year", "only this year or range, e.g. 2022 or 2021-2023", _YEARS),
        _param("doc", "only this document (file name or its prefix)"),
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "policy-search",
            "version": "1",
            "description": "Search Chinese policy documents.",
        },
        "paths": {
            "/api/search": _get(
                "Paragraph hits (glossary entries first, then hits; matching headings as "
                "sections; a text printed twice as one hit naming its copies; related "
                "paragraphs marked exact=false, never counted; fewer hits than a page "
                "filled with paragraphs of some of its words, some_words=true, never "
                "counted), facets, variants of the "
                "query, interpretation and suggestions",
                [
                    _param(
                        "q",
                        'query: words AND-ed, "phrase", OR, -word, region:/year:/doc: (absent'
                        " or empty: no hits)",
                        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                    ),
                    _param(
                        "limit",
                        "hits per page",
                        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10},
                    ),
                    _param(
                        "offset",
                        "hits to skip",
                        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
                    ),
                    _param(
                        "exact",
                        "1: only paragraphs holding the query as written (no related ones)",
                        {"type": "integer", "enum": [0, 1], "default": 0},
                    ),
                    *filters,
                ],
            ),
            "/api/search.csv": {
                "get": {
                    **_get(
                        "Every matching paragraph as CSV (hits, copies, headings), streamed", [], ()
                    )["get"],
                    "parameters": [
                        _param(
                            "q",
                            "query, as for /api/search",
                            {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH},
                            required=True,
                        ),
                        *filters,
                    ],
                    "responses": {
                        "200": {
                            "description": "UTF-8 CSV with a byte-order mark: "
                            + ", ".join(HIT_COLUMNS),
                            "content": {"text/csv": {"schema": _TEXT}},
                        },
                        "400": {
                            "description": "error: {ok: false, error, status}",
                            "content": {"application/json": {"schema": _OBJECT}},
                        },
                    },
                }
            },
            "/api/doc/{doc}": {
                "get": {
                    **_get(
                        "A document with every paragraph",
                        [_param("q", "query whose matches are marked")],
                        (404,),
                    )["get"],
                    "parameters": [
                        {"name": "doc", "in": "path", "required": True, "schema": _TEXT},
                        _param("q", "query whose matches are marked"),
                    ],
                }
            },
            "/api/docs": _linked(
                _get("Every indexed document with its metadata", [], ()),
                {
                    "document": {"doc": "$response.body#/documents/0/doc"},
                    "compare": {
                        "a": "$response.body#/documents/0/doc",
                        "b": "$response.body#/documents/1/doc",
                    },
                },
            ),
            "/api/glossary": _get(
                "One term's definitions (appendix, inline, then the corpus's lists it abbreviates) and "
                "usage, or all entries grouped by report and the abbreviations lists explain",
                [
                    _param(
                        "term",
                        "the term to look up (quotes, width and case ignored); none: all",
                        _TERM,
                    )
                ],
                (),
            ),
            "/api/new": _get(
                "New terms of a year: what its reports (of a region) say that no earlier "
                "report did (none there: zero occurrences before the year, as search "
                "counts them), most salient first, with the years and regions indexed",
                [
                    _param(
                        "year",
                        "the year, e.g. 2023 (default: the latest indexed)",
                        {"type": "integer", "minimum": 1, "maximum": 9999},
                    ),
                    _param("region", "compare with this region's earlier reports only"),
                    _LISTED,
                ],
                (400, 404),
            ),
            "/api/compare": _get(
                "Report b against report a: terms b uses and a never does (added), the "
                "reverse (dropped), each with where it stands, and both reports' targets "
                "side by side",
                [
                    _param("a", "a document id, as /api/docs lists them", _LOOKED_UP, True),
                    _param("b", "another document id", _LOOKED_UP, True),
                    _LISTED,
                ],
                (400, 404),
            ),
            "/api/targets": _get(
                "The targets each report states for its year (主要预期目标), one row per "
                "indicator (value as printed, low, high, unit, modifier), and grouped by "
                "indicator over the reports",
                [
                    *filters,
                    _param("indicator", "only indicators holding this text, e.g. 生产总值"),
                ],
            ),
            "/api/suggest": _get(
                "Autocomplete: glossary terms, corpus words, pinyin",
                [_param("q", "what was typed so far")],
                (),
            ),
        },
    }
