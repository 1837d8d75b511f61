"""The OpenAPI description of the /api endpoints, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from indexer.output import HIT_COLUMNS

_TEXT = {"type": "string"}
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


def openapi_spec() -> dict[str, Any]:
    filters = [
        _param("region", "only this region, e.g. 新华区"),
        _param("year", "only this year or range, e.g. 2022 or 2021-2023"),
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
                "paragraphs marked exact=false, never counted), facets, variants of the "
                "query, interpretation and suggestions",
                [
                    _param(
                        "q",
                        'query: words AND-ed, "phrase", OR, -word, region:/year:/doc:',
                        required=True,
                    ),
                    _param("limit", "hits per page (1-100)", {"type": "integer", "default": 10}),
                    _param("offset", "hits to skip", {"type": "integer", "default": 0}),
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
                        _param("q", "query, as for /api/search", required=True),
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
            "/api/docs": _get("Every indexed document with its metadata", [], ()),
            "/api/glossary": _get(
                "One term's definitions (appendix, inline, then the corpus's lists it abbreviates) and "
                "usage, or all entries grouped by report and the abbreviations lists explain",
                [_param("term", "the term to look up (quotes, width and case ignored)")],
                (),
            ),
            "/api/new": _get(
                "New terms of a year: what its reports (of a region) say that no earlier "
                "report did (none there: zero occurrences before the year, as search "
                "counts them), most salient first, with the years and regions indexed",
                [
                    _param(
                        "year",
                        "the year, e.g. 2023",
                        {"type": "integer", "minimum": 1, "maximum": 9999},
                    ),
                    _param("region", "compare with this region's earlier reports only"),
                    _param(
                        "limit",
                        "terms listed (1-500)",
                        {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                    ),
                ],
            ),
            "/api/compare": _get(
                "Report b against report a: terms b uses and a never does (added), the "
                "reverse (dropped), each with where it stands, and both reports' targets "
                "side by side",
                [
                    _param("a", "a document id, as /api/docs lists them", required=True),
                    _param("b", "another document id", required=True),
                    _param(
                        "limit",
                        "terms listed each way (1-500)",
                        {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                    ),
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
