"""Hostile documents and requests: indexed safely, shown escaped, bounded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.api import PolicyIndex
from indexer.highlight import SNIPPET_CHARS
from search_web import create_app

SENTENCE = "坚持稳中求进工作总基调，统筹疫情防控和经济社会发展。"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "html.txt").write_text(
        '各位代表：\n<script>alert(1)</script>推进脚本测试。\n<img src=x onerror="alert(2)">图片测试。\n',
        encoding="utf-8",
    )
    (folder / "long.txt").write_text(
        SENTENCE * 12000 + "长行结尾标记。", encoding="utf-8"
    )  # 300k chars
    (folder / "repeat.txt").write_text("啊" * 50000 + "。重复测试。\n", encoding="utf-8")
    (folder / "bidi.txt").write_text("双向\u202e控制\u2066字符\u200b测试。\n", encoding="utf-8")
    (folder / "surrogate.txt").write_bytes("坏字节".encode() + b"\xed\xa0\x80")
    index_dir = folder / "index"
    report = PolicyIndex.update(index_dir, [folder], progress=False)
    return index_dir, report


def test_bad_bytes_are_refused_and_the_rest_indexed(hostile):
    _, report = hostile
    assert sorted(Path(p).name for p in report.indexed) == [
        "bidi.txt",
        "html.txt",
        "long.txt",
        "repeat.txt",
    ]
    assert [(Path(p).name, reason) for p, reason in report.failed] == [
        ("surrogate.txt", "not UTF-8 text (byte 9)")
    ]


def test_hostile_text_is_searchable_and_clean(hostile):
    with PolicyIndex.open(hostile[0]) as ix:
        assert ix.search("长行结尾标记").total == 1
        hit = ix.search("长行结尾标记").hits[0]
        assert len(hit.snippet) < SNIPPET_CHARS + 40  # a window, not the 300k-char line
        assert ix.search("重复测试").total == 1
        # 50,000 characters, cut into 25 paragraphs of one text: one hit naming the others
        repeated = ix.search("啊啊啊", limit=None)
        assert repeated.total == 25 and len(repeated.hits) == 1
        assert len(repeated.hits[0].copies) == 24
        assert {h.doc for _, h in repeated.every_paragraph()} == {"repeat.txt"}
        bidi = ix.search("双向控制字符测试").hits[0]
        assert not re.search("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", bidi.text)


@pytest.mark.parametrize(
    "url",
    [
        "/?q=脚本测试",
        "/?q=图片测试",
        "/?q=script",
        "/?q=onerror",
        "/doc/html.txt?q=alert",
        "/glossary?term=<script>",
    ],
)
def test_hostile_text_is_escaped_on_every_page(hostile, url):
    client = create_app({"TESTING": True, "INDEX_DIR": str(hostile[0])}).test_client()
    html = client.get(url).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;" in html  # shown, escaped: the query echoed or the text itself


def test_time_budget_returns_partial_results(hostile):
    """Checking a long literal's candidates is the step that can take time: past the
    budget it stops, says so, and keeps nothing of the cut-short list for later."""
    with PolicyIndex.open(hostile[0]) as ix:
        ix.time_budget = 0.0
        result = ix.search("脚本测试")
        assert result.partial and result.as_dict()["partial"] is True
        assert result.total == 0
        ix.time_budget = 5.0
        complete = ix.search("脚本测试")
        assert not complete.partial and complete.total == 1


def test_http_hardening(hostile):
    app = create_app({"INDEX_DIR": str(hostile[0])})
    client = app.test_client()
    assert not app.debug
    assert client.get("/static/").status_code == 404  # no directory listing
    response = client.post("/api/search", data="x" * 100_000)
    assert response.status_code in (405, 413) and response.get_json()["ok"] is False
    assert client.get("/api/search?q=" + "长" * 2000).status_code == 400
