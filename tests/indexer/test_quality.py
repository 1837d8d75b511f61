"""Search quality beyond literal recall: traditional characters, pinyin, suggestions,
facets and ranking, on the seed index."""

import threading
from collections import Counter

import pytest

from analyzers.pinyin import typed_pinyin, word_pinyin
from indexer import api
from indexer.api import PolicyIndex
from indexer.lexicon import PinyinLexicon, lexicon_table


def refs(result):
    return [(h.doc, h.paragraph) for h in result.hits]


@pytest.mark.parametrize(
    "traditional, simplified",
    [("營商環境", "营商环境"), ("三個一批", "三个一批"), ("優化營商環境", "优化营商环境")],
)
def test_traditional_queries_find_simplified_text(seed_index, traditional, simplified):
    a = seed_index.search(traditional, limit=None)
    b = seed_index.search(simplified, limit=None)
    assert a.total == b.total > 0 and refs(a) == refs(b)
    assert a.interpreted == {"query": traditional, "as": simplified, "via": "traditional"}
    hit = a.hits[0]
    assert [hit.text[s:e] for s, e in hit.highlights][0] == simplified


def test_traditional_documents_are_found_by_simplified_queries(index_of):
    text = "政府工作報告\n各位代表：\n持續優化營商環境，推進「三個一批」項目建設。\n"
    with PolicyIndex.open(index_of({"tw.txt": text})) as ix:
        hit = ix.search("优化营商环境").hits[0]
        start, end = hit.highlights[0]
        assert hit.text[start:end] == "優化營商環境"
        assert ix.search("三个一批").total == 1 and ix.search("三個一批").total == 1


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("sangeyipi", "三个一批"),
        ("san ge yi pi", "三个一批"),
        ("san1 ge4 yi1 pi1", "三个一批"),
        ("sgyp", "三个一批"),
        ("sangeyi", "三个一批"),
        ("fangguanfu", "放管服"),
        ("fgf", "放管服"),
        ("yingshanghuanjing", "营商环境"),
        ("yshj", "营商环境"),
        ("liuwen", "六稳"),
    ],
)
def test_pinyin_queries_search_the_hanzi(seed_index, typed, meant):
    result = seed_index.search(typed, limit=None)
    assert result.interpreted["as"] == meant and result.interpreted["via"] == "pinyin"
    direct = seed_index.search(meant, limit=None)
    assert result.total == direct.total > 0 and refs(result) == refs(direct)
    for hit in (h for h in result.hits if h.exact):  # related ones hold its parts apart
        assert all(hit.text[s:e].replace("”", "").replace("“", "") for s, e in hit.highlights)
        assert meant in "".join(hit.text[s:e] for s, e in hit.highlights).replace("”“", "")


def test_ambiguous_initials_offer_alternatives_most_useful_first(seed_index):
    result = seed_index.search("lw")
    assert result.interpreted["as"] == "六稳"  # jargon first, then frequency
    assert len(result.interpreted["alternatives"]) >= 2


def test_pinyin_keeps_filters(seed_index):
    result = seed_index.search("sgyp region:红旗区", limit=None)
    assert result.interpreted["as"] == "三个一批"
    assert result.hits and {h.region for h in result.hits} == {"红旗区"}


def test_ascii_queries_with_hits_are_not_read_as_pinyin(seed_index):
    result = seed_index.search("PM2.5")
    assert result.total > 0 and result.interpreted is None


def test_whole_word_readings():
    assert word_pinyin("重点") == ("zhongdian", "zd")
    assert word_pinyin("银行") == ("yinhang", "yh")
    assert word_pinyin("长江") == ("changjiang", "cj")
    assert typed_pinyin("Ying'shang") == "yingshang" and typed_pinyin("营商") is None


def test_lexicon_tiers():
    table = {
        w: [f, *word_pinyin(w)]
        for w, f in [("三个", 9), ("三个一批", 3), ("四个一批", 5), ("重点", 20)]
    }
    lexicon = PinyinLexicon(table, jargon=["三个一批"])
    assert [w.text for w in lexicon.candidates("sange")] == ["三个", "三个一批"]
    assert [w.text for w in lexicon.candidates("sgyp")] == ["三个一批", "四个一批"]  # jargon first
    assert [w.text for w in lexicon.candidates("gyp")] == []
    assert [w.text for w in lexicon.candidates("zd")] == ["重点"]


def test_suggestions_for_no_hits(seed_index):
    result = seed_index.search("营商环竟")
    assert result.total == 0 and "营商环境" in result.suggestions
    assert seed_index.search("三个一北").suggestions[:1] == ["三个一批"]
    assert seed_index.search("营商环境").suggestions == []


def test_facets_count_every_match(seed_index):
    result = seed_index.search("发展", limit=3)
    everything = [hit for _, hit in seed_index.search("发展", limit=None).every_paragraph()]
    for name in ("region", "year", "doc"):
        counts = {}
        for hit in everything:
            key = str(getattr(hit, name))
            counts[key] = counts.get(key, 0) + 1
        assert result.facets[name] == counts
        assert sum(result.facets[name].values()) == result.total
    assert list(result.facets["region"].values()) == sorted(
        result.facets["region"].values(), reverse=True
    )


def test_glossary_definition_ranks_first(seed_index):
    for term in ["三个一批", "六稳", "专精特新", "三社联动"]:
        top = seed_index.search(term).hits[0]
        assert "解释" in top.section, (term, top.section)


def test_exact_sequence_ranks_above_scattered_terms(seed_index):
    hits = seed_index.search("优化 营商环境", limit=None).hits
    exact = [("优化营商环境" in h.text) for h in hits]
    assert exact.index(False) > 0 and all(exact[: exact.index(False)])
    assert sum(exact) == len(seed_index.search('"优化营商环境"', limit=None).hits)


def test_ties_go_to_the_newer_report(seed_index):
    sections = seed_index.search('"政府工作报告"', limit=None).sections
    titles = [h for h in sections if h.text == "政府工作报告"]
    assert len(titles) == 4 and len({h.score for h in titles}) == 1  # equal as text goes
    assert [h.year for h in titles] == sorted((h.year for h in titles), reverse=True)
    assert titles[0].year == 2023


def test_close_terms_rank_above_distant_ones(tmp_path):
    filler = "坚持稳中求进工作总基调统筹疫情防控和经济社会发展全面深化改革扩大开放"
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "near.txt").write_text(
        f"各位代表：\n{filler}，持续优化政务服务营商环境。{filler}。\n", encoding="utf-8"
    )
    (folder / "far.txt").write_text(
        f"各位代表：\n持续优化政务服务，{filler}{filler}，营商环境。\n", encoding="utf-8"
    )
    PolicyIndex.update(tmp_path / "index", [folder], progress=False)
    with PolicyIndex.open(tmp_path / "index") as ix:
        hits = ix.search("优化 营商环境").hits
        assert [h.doc for h in hits] == ["near.txt", "far.txt"]
        assert hits[0].score > hits[1].score


def test_the_lexicon_keeps_jargon_words_and_pairs_seen_twice():
    counts = Counter({"营商环境": 1, "抓好落实": 1, "三个一批": 1, "推动项目": 2, "旧词": 0})
    known = {"推动项目": [5, "tuidongxiangmu", "tdxm"]}  # pinyin computed once, kept
    table = lexicon_table(counts, known, jargon=["三个一批"], is_word=lambda w: w == "营商环境")
    assert table == {
        "营商环境": [1, "yingshanghuanjing", "yshj"],
        "三个一批": [1, "sangeyipi", "sgyp"],
        "推动项目": [2, "tuidongxiangmu", "tdxm"],
    }  # not the pair seen once, nor the word no document uses any more


def test_many_new_words_get_the_same_pinyin_from_worker_processes(monkeypatch):
    from indexer import lexicon

    words = ["重点", "银行"] + [
        a + b for a in "营商环境三个一批推动项目" for b in "重点银行绿色发展"
    ]
    counts = Counter(dict.fromkeys(words, 2))
    serial = lexicon_table(counts, {}, jargon=[], is_word=bool)
    monkeypatch.setattr(lexicon, "PARALLEL_PINYIN", 10)
    monkeypatch.setattr(lexicon.os, "cpu_count", lambda: 2)
    assert lexicon_table(counts, {}, jargon=[], is_word=bool) == serial
    assert serial["重点"] == [2, "zhongdian", "zd"] and len(serial) == len(set(words))


def test_one_off_pairs_stay_counted_for_later_runs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("各位代表：\n抓好落实。\n", encoding="utf-8")
    PolicyIndex.update(tmp_path / "index", [folder], progress=False)
    with PolicyIndex.open(tmp_path / "index") as ix:
        assert "抓好落实" not in ix.lexicon().words
    (folder / "b.txt").write_text("各位代表：\n抓好落实。\n推进改革。\n", encoding="utf-8")
    PolicyIndex.update(tmp_path / "index", [folder], progress=False)
    with PolicyIndex.open(tmp_path / "index") as ix:
        assert ix.lexicon().words["抓好落实"].freq == 2


def test_searches_go_on_while_the_lexicon_loads(seed_index_dir, monkeypatch):
    """Loading the lexicon takes seconds on a large corpus; it must not hold the lock
    every search takes."""
    inner: list[int] = []
    build_lexicon = api.load_lexicon

    def slow(*args):
        search = threading.Thread(target=lambda: inner.append(ix.search("六稳").total))
        search.start()
        search.join(10)
        return build_lexicon(*args)

    monkeypatch.setattr(api, "load_lexicon", slow)
    with PolicyIndex.open(seed_index_dir) as ix:
        assert "三个一批" in ix.lexicon().words
        assert inner and inner[0] > 0
