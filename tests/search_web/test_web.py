"""The Flask app through its test client: every page, its /api twin, errors, safety."""

import json
import re

import pytest

from indexer.errors import IndexNotFound
from search_web import create_app, pages


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_api_search_returns_the_cli_json_object(client, seed_index):
    data = client.get("/api/search?q=三个一批&limit=3").get_json()
    expected = seed_index.search("三个一批", limit=3).as_dict()
    assert {k: v for k, v in data.items() if k not in ("elapsed_ms", "filters")} == expected
    assert data["filters"] == {"region": "", "year": "", "doc": ""}
    timed = client.get("/api/search?q=营商环境+项目&limit=3").get_json()  # asked nowhere else
    assert isinstance(timed["elapsed_ms"], float) and 0 < timed["elapsed_ms"] < 60_000


def test_search_page_marks_every_occurrence(client):
    html = page(client, "/?q=三个一批&limit=100")
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert snippets
    for snippet in snippets:
        unmarked = re.sub(r"<mark>.*?</mark>", "", snippet)
        assert "三个一批" not in unmarked
    assert 'lang="zh-CN"' in html and "找到 8 个段落" in html and "毫秒" in html


def test_search_page_has_glossary_card_facets_trend_and_links(client):
    html = page(client, "/?q=三个一批")
    assert 'class="card"' in html and "签约一批" in html  # the definitions
    assert 'href="/glossary?term=' in html
    assert "region=" in html and "year=" in html  # facet links
    assert "<svg" in html and "各年份匹配段落数" in html
    assert re.search(r'href="/doc/[^"]+\?q=[^"]+#p\d+"', html)
    assert "/api/search?q=" in html


def test_json_is_what_the_standard_library_writes(client):
    """orjson encodes the answers; the bytes are Flask's default provider's (sorted keys,
    UTF-8, compact), numbers, escapes and non-string keys included."""
    for url in ("/api/search?q=三个一批&limit=20", "/api/glossary?term=13710", "/api/docs"):
        response = client.get(url)
        data = json.loads(response.get_data())
        standard = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert response.get_data(as_text=True) == standard + "\n"
        assert response.mimetype == "application/json"
    with client.application.app_context():
        text = client.application.json.dumps({2024: 1.5, "a": "\u2028<\n>", "b": None})
    assert text == '{"2024":1.5,"a":"\u2028<\\n>","b":null}'


def test_facets_show_the_largest_values_and_link_to_all(client, monkeypatch):
    counts = client.get("/api/search?q=发展").get_json()["facets"]["doc"]
    everything = sorted(counts, key=lambda doc: (-counts[doc], doc))  # largest first
    assert len(everything) > 2
    monkeypatch.setattr(pages, "FACET_SHOWN", 2)
    html = page(client, "/?q=发展")
    facet = r'<li><a href="[^"]*doc=([^"&]*)" title="([^"]+)">([^<]+)</a>'
    listed = re.findall(facet, html)
    assert [doc for _, doc, _ in listed] == everything[:2]
    for linked, doc, shown in listed:  # linked by id, shown as the report is cited
        assert linked == doc and shown == client.application.extensions["policy_search"].label(doc)
        assert shown != doc and re.match(r"\S+ (20\d\d \S|20\d\d年)", shown)
    assert f"全部 {len(everything)} 项" in html and "more=doc" in html
    expanded = page(client, "/?q=发展&more=doc")
    assert [doc for _, doc, _ in re.findall(facet, expanded)] == everything
    assert "more=doc" not in expanded


def test_glossary_card_shows_the_newest_definitions_and_links_to_all(client, monkeypatch):
    entries = [
        h
        for h in client.get("/api/search?q=三个一批").get_json()["hits"]
        if h["kind"] == "glossary"
    ]
    assert len(entries) >= 2
    monkeypatch.setattr(pages, "CARD_DEFINITIONS", 1)
    html = page(client, "/?q=三个一批")
    card = re.search(r'<article class="card">(.*?)</article>', html, re.S).group(1)
    assert card.count("原文</a>") == 1 and entries[0]["definition"] in card
    assert f"全部 {len(entries)} 条释义、用法与出处" in card


def test_facet_link_narrows_the_results(client):
    everything = client.get("/api/search?q=发展").get_json()
    region, count = next(iter(everything["facets"]["region"].items()))
    narrowed = client.get(f"/api/search?q=发展&region={region}&limit=100").get_json()
    assert narrowed["total"] == count and {h["region"] for h in narrowed["hits"]} == {region}
    html = page(client, f"/?q=发展&region={region}")
    assert "✕ " + region in html


def test_paging_links(client):
    html = page(client, "/?q=发展&limit=5")
    assert "offset=5" in html and "下一页" in html and "上一页" not in html
    second = page(client, "/?q=发展&limit=5&offset=5")
    assert "上一页" in second


def test_pinyin_and_traditional_notes_and_suggestions(client):
    assert "显示“<strong>三个一批</strong>”的结果（拼音：sgyp）" in page(client, "/?q=sgyp")
    assert "繁体：營商環境" in page(client, "/?q=營商環境")
    html = page(client, "/?q=营商环竟")
    assert "您是不是要找" in html and "营商环境" in html


def test_document_page(client):
    html = page(client, "/doc/000_930e0c23bba17279.txt?q=三个一批")
    assert 'id="p75"' in html and "<mark>三个一批</mark>" in html
    assert 'class="toc"' in html and 'href="#p7"' in html  # 一、过去五年工作回顾
    assert "新华区" in html and "2022-04-26" in html and "张伟民" in html
    data = client.get("/api/doc/000_930e0c23bba17279.txt").get_json()
    assert data["region"] == "新华区" and len(data["paragraph_list"]) == data["paragraphs"]
    assert "path" not in data and "words" not in data


@pytest.mark.parametrize(
    "url",
    [
        "/doc/nope.txt",
        "/doc/../../etc/passwd",
        "/doc/%2e%2e/pyproject.toml",
        "/api/doc/..%2fpyproject.toml",
    ],
)
def test_unknown_documents_are_404_and_nothing_is_read_from_disk(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "build-system" not in response.get_data(as_text=True)


def test_glossary_pages(client):
    listing = page(client, "/glossary")
    assert 'id="glossary-filter"' in listing and listing.count('class="entry"') >= 60
    term = page(client, "/glossary?term=13710")
    assert term.count('class="card"') == 3 and "出现" in term
    data = client.get("/api/glossary?term=三个一批").get_json()
    assert len(data["entries"]) == 3 and data["usage"]["occurrences"] >= 9
    data = client.get("/api/glossary").get_json()
    assert len(data["reports"]) == 3  # the reports that define terms
    assert {e["source"] for r in data["reports"] for e in r["entries"]} == {"glossary", "inline"}
    expanded = {e["term"]: e for e in data["expansions"]}  # then what the lists explain
    assert expanded["三项重点工作"]["items"] == ["产业发展", "城市提质", "乡村振兴"]
    assert "据语料中的列举推得" in listing and "产业发展、城市提质、乡村振兴" in listing


def test_a_term_nothing_explains_gets_its_uses_and_one_the_corpus_lacks_suggestions(client):
    unexplained = client.get("/api/glossary?term=六稳六保").get_json()
    assert unexplained["entries"] == [] and unexplained["suggestions"][:2] == ["六稳", "六保"]
    assert unexplained["usage"]["occurrences"] > 0  # where it is used is the answer
    html = page(client, "/glossary?term=六稳六保")
    assert "没有报告解释“六稳六保”" in html and "出现" in html and 'href="/?q=' in html
    absent = client.get("/api/glossary?term=六稳六保九").get_json()
    assert absent["entries"] == [] and absent["usage"] is None
    assert "您是不是要找" in page(client, "/glossary?term=六稳六保九")


def test_glossary_page_lists_the_first_uses_and_links_to_the_search(client, monkeypatch):
    usage = client.get("/api/glossary?term=三个一批").get_json()["usage"]
    assert usage["paragraphs"] == len(usage["hits"]) > 2  # the JSON lists every one
    monkeypatch.setattr(pages, "USAGE_SHOWN", 2)
    html = page(client, "/glossary?term=三个一批")
    assert html.count('<li class="hit">') == 2
    assert f"检索全部 {usage['paragraphs']} 个段落" in html and 'href="/?q=' in html


def test_reports_are_named_as_people_cite_them(client, seed_index):
    """Region, year and title (and the 文号 of an official document) wherever a report is
    named; the id stays in links and in the JSON's ``doc``."""
    documents = {d["doc"]: d for d in client.get("/api/docs").get_json()["documents"]}
    label = {doc: d["label"] for doc, d in documents.items()}
    for doc, d in documents.items():
        said = (
            f"{d['region']} {d['year']} " if str(d["year"]) not in d["title"] else f"{d['region']} "
        )
        assert d["label"] == said + d["title"] == seed_index.label(doc)  # the year said once

    hits = client.get("/api/search?q=三个一批&limit=50").get_json()["hits"]
    assert hits and all(hit["label"] == label[hit["doc"]] for hit in hits)
    usage = client.get("/api/glossary?term=13710").get_json()
    assert all(e["label"] == label[e["doc"]] for e in usage["entries"])
    assert all(d["label"] == label[d["doc"]] for d in usage["usage"]["by_doc"])

    term = page(client, "/glossary?term=13710")
    for d in usage["usage"]["by_doc"]:
        assert f'?q=13710">{d["label"]}</a></td>' in term  # the usage table
    doc = next(iter(documents))
    html = page(client, f"/doc/{doc}")
    assert (
        f"<title>{label[doc]} - 政策文件检索</title>" in html and f"<h1>{label[doc]}</h1>" in html
    )
    assert client.get(f"/api/doc/{doc}").get_json()["label"] == label[doc]
    listing = page(client, "/glossary")
    assert all(f"<h2>{label[e]}</h2>" in listing for e in {e["doc"] for e in usage["entries"]})


def test_docs_pages(client):
    assert page(client, "/docs").count("<tr>") == 6
    documents = client.get("/api/docs").get_json()["documents"]
    assert len(documents) == 5 and documents[0]["region"] == "新华区"


def test_suggest(client):
    assert client.get("/api/suggest?q=sgyp").get_json()["suggestions"][0]["text"] == "三个一批"
    first = client.get("/api/suggest?q=三个").get_json()["suggestions"][0]
    assert first == {"text": "三个一批", "kind": "glossary"}
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {p.replace("{doc}", "<path:doc>") for p in spec["paths"]}
    routes = {
        r.rule
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/") and r.rule != "/api/openapi.json"
    }
    assert routes == documented


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=a)",
        "/api/search?q=x&limit=0",
        "/api/search?q=x&offset=-1",
        "/api/search?q=x&limit=abc",
        "/api/search?q=x&year=abc",
        "/api/search?q=" + "长" * 1200,
        "/api/new?year=abc",
        "/api/new?year=2022&limit=0",
    ],
)
def test_bad_requests_are_400_json(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 400 and body["error"]


def test_bad_query_on_the_page_is_a_400_page(client):
    response = client.get("/?q=(a")
    assert response.status_code == 400 and "unbalanced" in response.get_data(as_text=True)


def test_unknown_api_path_is_json_404_and_post_is_405(client):
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.get_json()["status"] == 404
    assert client.post("/api/search?q=x").status_code == 405


def test_script_in_a_query_is_escaped(client):
    html = client.get("/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_script_in_a_document_is_escaped(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "x.txt").write_text(
        '各位代表：\n<script>alert(1)</script><img src=x onerror="alert(2)">推进三个一批。\n',
        encoding="utf-8",
    )
    from indexer.api import PolicyIndex

    PolicyIndex.update(tmp_path / "index", [folder], progress=False)
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    for url in ["/?q=三个一批", "/?q=script", "/doc/x.txt?q=onerror"]:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, url


def test_cached_results_end_with_their_commit(tmp_path):
    from indexer.api import PolicyIndex

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("各位代表：\n推进三个一批。\n", encoding="utf-8")
    PolicyIndex.update(tmp_path / "index", [folder], progress=False)
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")})
    ix, searches = app.extensions["policy_search"], []
    search = ix.search
    ix.search = lambda *args, **kw: searches.append(args) or search(*args, **kw)
    client = app.test_client()
    first = client.get("/api/search?q=三个一批").get_json()
    assert first["total"] == 1
    assert client.get("/api/search?q=三个一批").get_json()["hits"] == first["hits"]
    assert len(searches) == 1  # the second answer came from the cache
    (folder / "b.txt").write_text("各位代表：\n再推进三个一批。\n", encoding="utf-8")
    PolicyIndex.update(tmp_path / "index", [folder], progress=False)
    assert client.get("/api/search?q=三个一批").get_json()["total"] == 2  # the new commit
    assert len(searches) == 2


def test_result_cache_keeps_the_most_recent_complete_results():
    from search_web.cache import ResultCache

    cache, computed = ResultCache(2), []

    def get(key, partial=False):
        return cache.get(key, lambda: computed.append(key) or key, keep=lambda _: not partial)

    get("a"), get("b"), get("a"), get("c")  # "b" is now the least recently used
    get("a"), get("b"), get("p", partial=True), get("p")
    assert computed == ["a", "b", "c", "b", "p", "p"]
    disabled = ResultCache(0)
    disabled.get("a", lambda: computed.append("z"), keep=lambda _: True)
    disabled.get("a", lambda: computed.append("z"), keep=lambda _: True)
    assert computed[-2:] == ["z", "z"]


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_static_assets_are_served_locally(client):
    html = page(client, "/")
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) == 2
    for asset in assets:
        with client.get(asset) as response:  # file responses hold the file open until closed
            assert response.status_code == 200
    assert "http://" not in html and "https://" not in html


def test_factory_takes_an_index_directory(seed_index_dir):
    assert create_app(seed_index_dir).test_client().get("/api/docs").status_code == 200


@pytest.mark.parametrize("when", ["start", "first use"])
def test_the_lexicon_is_read_when_the_settings_say(seed_index_dir, when):
    """At start (forked workers share it) or when a request first needs it: searches
    and suggestions for text need it not, a typed reading does; the answers are the same."""
    app = create_app({"INDEX_DIR": str(seed_index_dir), "LEXICON": when})
    index = app.extensions["policy_search"]
    assert (index._lexicon is not None) == (when == "start")
    client = app.test_client()
    assert client.get("/api/search?q=营商环竟").get_json()["suggestions"][:1] == ["营商环境"]
    assert (index._lexicon is not None) == (when == "start")
    suggested = client.get("/api/suggest?q=sgyp").get_json()["suggestions"]
    assert suggested[0]["text"] == "三个一批" and index._lexicon is not None
    with pytest.raises(ValueError, match="LEXICON"):
        create_app({"INDEX_DIR": str(seed_index_dir), "LEXICON": "later"})


def test_missing_index_fails_at_startup(tmp_path):
    with pytest.raises(IndexNotFound):
        create_app({"INDEX_DIR": str(tmp_path / "none")})


def test_every_hit_downloads_as_csv(client):
    import csv
    import io

    data = client.get("/api/search?q=发展&region=新华区").get_json()
    response = client.get("/api/search.csv?q=发展&region=新华区")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == data["total"] > 10 and {r["region"] for r in rows} == {"新华区"}
    first = [(h["doc"], h["paragraph"]) for h in data["hits"] if h["kind"] == "paragraph"]
    assert [(r["doc"], int(r["paragraph"])) for r in rows[: len(first)]] == first  # ranked
    html = page(client, "/?q=发展&region=新华区")
    assert f"CSV（全部 {data['total']} 个段落）" in html and "/api/search.csv?q=" in html
    refused = client.get("/api/search.csv?q=")
    assert refused.status_code == 400 and refused.get_json()["ok"] is False


def test_new_terms_page_and_its_json_twin(client):
    data = client.get("/api/new?year=2022&limit=5").get_json()
    assert data["year"] == 2022 and data["earlier"]["reports"] == 1 and len(data["terms"]) == 5
    assert data["years"] == [2021, 2022, 2023] and "红旗区" in data["regions"]
    latest = client.get("/api/new").get_json()  # the latest year unless asked
    assert latest["year"] == 2023 and latest["terms"]
    page = client.get("/new?year=2022").get_data(as_text=True)
    for term in data["terms"]:
        assert f">{term['term']}</a>" in page
    assert "与此前 1 份报告（2021–2021）比较" in page
    first = data["terms"][0]["first"]
    assert f"/doc/{first['doc']}?q=" in page and f"#p{first['paragraph']}" in page
    alone = client.get("/new?year=2021").get_data(as_text=True)
    assert "此前没有可比较的报告" in alone and "<table" not in alone


def test_a_document_page_links_to_its_years_new_terms(client):
    page = client.get("/doc/003_34a82b390ab8d00e.txt").get_data(as_text=True)
    assert "/new?year=2023&amp;region=%E7%BA%A2%E6%97%97%E5%8C%BA" in page


def test_targets_page_and_its_json_twin(client):
    data = client.get("/api/targets?region=新华区&indicator=固定资产").get_json()
    assert data["reports"] == 2 and [r["value"] for r in data["targets"]] == ["7%左右", "11%以上"]
    (group,) = data["indicators"]
    assert group["indicator"] == "固定资产投资增长" and group["chart"] == [
        ["2021", 7.0],
        ["2022", 11.0],
    ]
    page = client.get("/targets?region=新华区").get_data(as_text=True)
    assert "2 份报告，17 项目标" in page and "固定资产投资增长" in page and "<svg" in page
    assert "11%以上" in page and "/doc/000_930e0c23bba17279.txt#p28" in page
    one = client.get("/targets?doc=003").get_data(as_text=True)
    assert "1 份报告，8 项目标" in one and "GDP增长" in one
    assert client.get("/api/targets?year=abc").status_code == 400
    doc = client.get("/doc/003_34a82b390ab8d00e.txt").get_data(as_text=True)
    assert "/targets?doc=003_34a82b390ab8d00e.txt" in doc


def test_compare_page_and_its_json_twin(client):
    old, new = "004_5d529a9f9b0992bb.txt", "000_930e0c23bba17279.txt"
    data = client.get(f"/api/compare?a={old}&b={new}&limit=3").get_json()
    assert [t["term"] for t in data["added"]][:2] == ["三个一批", "两个确保"]
    page = client.get(f"/compare?a={old}&b={new}").get_data(as_text=True)
    assert "新增提法" in page and "三个一批" in page and "远景目标" in page
    assert (
        '<tr class="changed"><td>固定资产投资增长</td><td>7%左右</td><td>11%以上</td></tr>' in page
    )
    doc = client.get(f"/doc/{new}").get_data(as_text=True)
    assert f"/compare?a={old}&amp;b={new}" in doc
    assert client.get(f"/api/doc/{new}").get_json()["previous"] == old
    assert client.get(f"/api/compare?a=nope&b={new}").status_code == 404
    assert client.get("/api/compare?a=x").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=a&exact=2",
        "/api/search?q=a&limit=%205",  # int() would take it
        "/api/search?q=a&limit=５",
        "/api/search?q=a&q=b",
        "/api/search?year=20x",  # without a query too
        "/api/search.csv?q=a" + "%1F" * 1000,
    ],
)
def test_what_the_openapi_description_forbids_is_refused(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.get_json()["error"]


@pytest.mark.parametrize("url", ["/api/new?year=2030", "/api/new?year=2022&region=无此区"])
def test_new_terms_of_no_report_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and "no report" in response.get_json()["error"]


def test_a_405_says_which_methods_are_allowed(client):
    response = client.post("/api/new")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_the_document_list_links_to_a_document_and_a_comparison(client):
    spec = client.get("/api/openapi.json").get_json()
    links = spec["paths"]["/api/docs"]["get"]["responses"]["200"]["links"]
    assert links["document"]["parameters"] == {"doc": "$response.body#/documents/0/doc"}
    assert spec["paths"]["/api/doc/{doc}"]["get"]["operationId"] == "document"
    assert spec["paths"]["/api/compare"]["get"]["operationId"] == "compare"
