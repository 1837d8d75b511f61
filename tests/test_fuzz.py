"""Property-based fuzzing of queries: the library, the CLI and the HTTP API never let an
exception escape; bad queries are one clear line or a 400 with JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.cli import cli
from indexer.errors import PolicySearchError
from search_web import create_app

FRAGMENTS = [
    '"',
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    "-",
    "*",
    "?",
    "~",
    "^",
    ":",
    "region:",
    "year:",
    "doc:",
    "[a TO",
    "}",
    "\\",
    "“",
    "”",
    "三个一批",
    "营商环境",
    "1+17+N",
    "PM2.5",
    "sgyp",
    "營商",
    "\u200b",
    "\u202e",
    "\x00",
    "\x1b[31m",
    "<script>",
    "%",
    "&",
    " ",
    "  ",
    "\t",
    "\n",
    "\ud800",
]
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=14).map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join),
    st.text(alphabet=st.sampled_from('的一是了发展三个批(")-: OR'), min_size=900, max_size=1100),
)
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(query=queries, literal=st.booleans())
def test_library(seed_index, query, literal):
    try:
        result = seed_index.search(query, literal=literal)
    except PolicySearchError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    json.dumps(result.as_dict(), ensure_ascii=False).encode("utf-8")  # always serializable
    for hit in result.hits:
        assert all(0 <= s < e <= len(hit.text) for s, e in hit.highlights)


@pytest.fixture(scope="module")
def web(seed_index_dir):
    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index_dir)}).test_client()


def no_surrogates(text: str) -> bool:
    return not any("\ud800" <= ch <= "\udfff" for ch in text)


@FUZZ
@given(query=queries.filter(no_surrogates))  # a URL cannot carry them; see the test below
def test_http_api(web, query):
    for url in ("/api/search", "/api/suggest", "/api/glossary"):
        response = web.get(url, query_string={"q": query, "term": query})
        assert response.status_code in (200, 400), (url, query)
        body = response.get_json()
        assert body is not None and (response.status_code == 200 or body["ok"] is False)
    page = web.get("/", query_string={"q": query})
    assert page.status_code in (200, 400)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries.filter(lambda q: "\x00" not in q))
def test_cli(seed_index_dir, query):
    result = CliRunner().invoke(
        cli, ["--index", str(seed_index_dir), "search", "--json", "--", query]
    )
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%E4%B8", "%00", "%C0%AF"])
def test_http_api_with_undecodable_bytes(web, raw):
    response = web.get(f"/api/search?q={raw}")
    assert response.status_code in (200, 400) and response.get_json() is not None
