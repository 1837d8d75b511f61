"""The search page and its JSON twin show headings as sections, name a hit's copies, offer
the query as the corpus also writes it and mark related paragraphs (issue 24)."""

import re

import pytest

from search_web import create_app

HEADER = "政府工作报告\n——2022年3月1日在{}人民代表大会上\n各位代表：\n"


@pytest.fixture()
def written_otherwise(index_of):
    """Reports that write 文化旅游 and 文化和旅游, 电商 and 电子商务 in the same contexts."""
    body = (
        "推动文化旅游融合发展，打造文化旅游精品线路，提升文化旅游消费。\n"
        "深化文化和旅游融合，建设文化和旅游消费示范城市。\n"
        "发展农村电商，建设电商平台，培育电商企业，完善电商物流。\n"
        "发展农村电子商务，建设电子商务平台，培育电子商务企业，完善电子商务物流。\n"
        "倡导绿色、低碳的生活方式，推进低碳转型。\n"
    )
    files = {f"{city}.txt": HEADER.format(city) + body for city in ("甲市", "乙市")}
    files["丙市.txt"] = HEADER.format("丙市") + "推行绿色低碳发展，建设低碳社区。\n"
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_of(files))})
    return app.test_client()


def test_headings_are_a_sections_card_not_hits(client):
    html = client.get("/?q=工作回顾").get_data(as_text=True)
    card = re.search(r'<article class="card sections">(.*?)</article>', html, re.S).group(1)
    assert card.count('href="/doc/') == 4 and "<mark>工作回顾</mark>" in card
    assert "找到 4 个段落" in html and "其中 4 个章节标题" in html and "条结果" not in html
    assert 'class="snippet"' not in html  # no hit: only the headings matched
    data = client.get("/api/search?q=工作回顾").get_json()
    assert data["total"] == data["headings"] == len(data["sections"]) == 4
    assert data["hits"] == [] and data["hits_total"] == 0


def test_a_hit_names_the_reports_that_print_the_same_text(client):
    data = client.get("/api/search?q=各位代表：").get_json()
    hit = data["hits"][0]
    assert hit["text"] == "各位代表：" and len(hit["copies"]) == 4 and data["copies"] == 4
    assert {c["doc"] for c in hit["copies"]} | {hit["doc"]} == {
        d["doc"] for d in client.get("/api/docs").get_json()["documents"]
    }
    html = client.get("/?q=各位代表：").get_data(as_text=True)
    line = re.search(r'<p class="copies">(.*?)</p>', html, re.S).group(1)
    assert line.startswith("同一段文字也见于") and line.count('href="/doc/') == 4
    assert "4 段与某条结果文字相同，并入该结果" in html


def test_the_query_as_the_corpus_also_writes_it(written_otherwise):
    data = written_otherwise.get("/api/search?q=文化旅游").get_json()
    assert data["total"] == 2  # exact matches only
    (variant,) = data["variants"]
    assert variant["text"] == "文化和旅游" and variant["via"] == "conjunction"
    assert variant["paragraphs"] == variant["new"] == 2
    assert variant["query"] == "(文化旅游 OR 文化和旅游)" and variant["only"] == "文化和旅游"
    assert written_otherwise.get("/api/search?q=" + variant["query"]).get_json()["total"] == 4
    html = written_otherwise.get("/?q=文化旅游").get_data(as_text=True)
    assert "也写作“<a" in html and "一并检索" in html
    abbreviation = written_otherwise.get("/api/search?q=农村电商").get_json()["variants"]
    assert [(v["text"], v["via"]) for v in abbreviation] == [("农村电子商务", "abbreviation")]


def test_related_paragraphs_are_marked_and_not_counted(written_otherwise):
    data = written_otherwise.get("/api/search?q=绿色低碳").get_json()
    assert data["total"] == 1 and data["related"] == 2  # 甲市 and 乙市 print it
    assert [h["exact"] for h in data["hits"]] == [True, False]
    assert len(data["hits"][1]["copies"]) == 1
    html = written_otherwise.get("/?q=绿色低碳").get_data(as_text=True)
    assert html.count('class="hit related"') == 1 and "另有 2 个相关段落" in html
    csv = written_otherwise.get("/api/search.csv?q=绿色低碳").get_data(as_text=True)
    assert csv.count("\r\n") == 2  # the header and the one match: related rows are none


def test_a_short_page_is_filled_and_says_so(client):
    """2183套 is in two paragraphs: the page goes on with paragraphs holding some of its
    words, marked, and the count says they are not in the total."""
    data = client.get("/api/search?q=2183套").get_json()
    assert data["total"] == 2 and data["some_words"] >= 1
    assert data["hits_total"] == data["total"] + data["some_words"]  # no copy, no heading
    fillers = [h for h in data["hits"] if h["some_words"]]
    assert len(fillers) == data["some_words"] and not any(h["exact"] for h in fillers)
    assert all(h["some_words"] for h in data["hits"][-len(fillers) :])  # after every hit
    html = client.get("/?q=2183套").get_data(as_text=True)
    assert f"另列 {data['some_words']} 个仅含其部分词语的段落（不计入总数）" in html
    assert html.count("仅含“2183套”的部分词语") == len(fillers)
    exact = client.get("/api/search?q=2183套&exact=1").get_json()
    assert exact["some_words"] == 0 and exact["hits_total"] == 2
