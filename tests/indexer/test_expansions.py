"""Jargon explained where no appendix defines it (issue 25): abbreviations resolved to the
lists of the corpus they stand for, by structure alone, nearest to their use first."""

import json
from pathlib import Path

import pytest

from indexer.api import PolicyIndex
from indexer.cli import cli
from indexer.expansions import (
    ELSEWHERE,
    SAME_DOCUMENT,
    SAME_PARAGRAPH,
    STRONG,
    WEAK,
    fits,
    resolve,
    shape,
)
from indexer.ingest.enumerations import enumerations, mentions

HEADER = "{year}年{region}政府工作报告\n——{year}年3月1日在{region}人民代表大会上\n各位代表：\n"

REPORTS = {
    # The lists, in reports that never name them by their abbreviation.
    "2015_甲市.txt": ("甲市", 2015, "抓好去产能、去库存、去杠杆、降成本、补短板，推动产业升级。"),
    "2017_甲市.txt": ("甲市", 2017, "坚决打好防范化解重大风险、精准脱贫、污染防治的攻坚战。"),
    "2018_甲市.txt": (
        "甲市",
        2018,
        "着力稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期，经济运行总体平稳。\n"
        "深入推进简政放权、放管结合、优化服务，企业开办时间压缩一半。",
    ),
    "2010_乙市.txt": (
        "乙市",
        2010,
        "着力稳就业、稳物价、稳增长、稳外贸、稳投资、稳预期，守住底线。",
    ),
    # Near misses: five items; the characters out of order.
    "2016_乙市.txt": (
        "乙市",
        2016,
        "继续稳就业、稳金融、稳外贸、稳外资、稳投资，保持定力。\n"
        "统筹优化服务、放管结合、简政放权，便利群众办事。",
    ),
    # The abbreviations, used where no list spells them out, but one.
    "2019_甲市.txt": (
        "甲市",
        2019,
        "扎实做好“六稳”工作，深化“放管服”改革，推进“三去一降一补”。\n"
        "三大攻坚战取得关键进展。\n"
        "持续做好“六保”工作，强化保居民就业、保基本民生、保市场主体、保粮食能源安全、保产业链供应链稳定、保基层运转。\n"
        "打好三大攻坚战，守牢安全底线。\n"
        "推广AGV（无人搬运车）和智能仓储。",
    ),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("expansions") / "docs"
    folder.mkdir()
    for name, (region, year, body) in REPORTS.items():
        (folder / name).write_text(HEADER.format(year=year, region=region) + body + "\n", "utf-8")
    index = folder.parent / "index"
    PolicyIndex.update(index, [folder], progress=False)
    return index


def expansions(ix: PolicyIndex, term: str) -> list:
    return [e for e in ix.glossary(term).entries if e.source == "expansion" and e.term == term]


def test_a_numeral_abbreviation_is_the_list_of_that_many_items_with_its_character(corpus):
    with PolicyIndex.open(corpus) as ix:
        found = expansions(ix, "六稳")
        assert found[0].items == ("稳就业", "稳金融", "稳外贸", "稳外资", "稳投资", "稳预期")
        assert (found[0].doc, found[0].year) == ("2018_甲市.txt", 2018)  # nearest in time
        assert found[1].doc == "2010_乙市.txt"  # also a fit, ranked after
        assert all(len(e.items) == 6 for e in found)  # the five-item list is none


def test_a_list_in_the_paragraph_that_uses_the_term_comes_first(corpus):
    with PolicyIndex.open(corpus) as ix:
        (found,) = expansions(ix, "六保")
        assert found.items[0] == "保居民就业" and len(found.items) == 6
        assert (found.doc, found.paragraph) == ("2019_甲市.txt", 6)
        assert found.definition == "、".join(found.items)


def test_a_compound_numeral_counts_each_character(corpus):
    with PolicyIndex.open(corpus) as ix:
        (found,) = expansions(ix, "三去一降一补")
        assert found.items == ("去产能", "去库存", "去杠杆", "降成本", "补短板")
        assert found.year == 2015  # an earlier year's report


def test_an_acronym_takes_its_characters_in_order(corpus):
    with PolicyIndex.open(corpus) as ix:
        (found,) = expansions(ix, "放管服")  # 优化服务、放管结合、简政放权 is out of order
        # The first item keeps its verb when the others do not start alike (a limit).
        assert found.items[0].endswith("简政放权") and found.items[1:] == ("放管结合", "优化服务")


def test_a_counted_head_next_to_the_list(corpus):
    with PolicyIndex.open(corpus) as ix:
        (found,) = expansions(ix, "三大攻坚战")
        assert found.items[1:] == ("精准脱贫", "污染防治")


def test_appendix_entries_stay_first_and_expansions_reach_every_surface(seed_index):
    entries = seed_index.glossary("三个一批").entries
    assert [e.source for e in entries][:3] == ["glossary"] * 3
    # 三区 as one report defines it, 三区三线 as another does, then the report that writes
    # “三区”同建 beside its own three 区
    entries = seed_index.glossary("三区").entries
    assert [e.source for e in entries] == ["glossary", "glossary", "expansion"]
    assert entries[2].items == ("信访工作示范区", "平安建设先进区", "三零创建样板区")
    # 六个偃师 nothing defines: its list is the card of a search and a completion
    assert "六个偃师" in {e.term for e in seed_index.search("六个偃师").glossary}
    assert any(c["text"] == "六个偃师" for c in seed_index.complete("六个"))


def test_a_defined_term_takes_lists_only_where_it_is_used(seed_index):
    """碳达峰、碳中和 stands in a report that never writes 双碳, which another report's
    appendix defines: the definition answers, not a list from elsewhere."""
    assert [e.source for e in seed_index.glossary("双碳").entries] == ["glossary"]


def test_an_abbreviation_and_its_name_find_each_other(corpus):
    with PolicyIndex.open(corpus) as ix:
        (entry,) = ix.glossary("AGV").entries
        assert (entry.term, entry.definition, entry.source) == ("AGV", "无人搬运车", "inline")
        assert ix.glossary("无人搬运车").entries == [entry]


def test_a_term_nothing_explains_shows_where_it_is_used(corpus, runner):
    result = runner.invoke(cli, ["glossary", "智能仓储", "--index", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "nothing in the corpus explains 智能仓储" in result.output
    assert "2019_甲市.txt" in result.output and "policy-search search 智能仓储" in result.output
    data = json.loads(
        runner.invoke(cli, ["glossary", "智能仓储", "--json", "--index", str(corpus)]).output
    )
    assert data["entries"] == [] and data["usage"]["occurrences"] == 1
    absent = runner.invoke(cli, ["glossary", "量子计算机", "--index", str(corpus)])
    assert absent.exit_code == 1 and "nor any use of it" in absent.output


def test_the_lists_of_a_removed_report_go_with_it(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, (region, year, body) in REPORTS.items():
        (folder / name).write_text(HEADER.format(year=year, region=region) + body, "utf-8")
    index = tmp_path / "index"
    PolicyIndex.update(index, [folder], progress=False)
    (folder / "2015_甲市.txt").unlink()
    PolicyIndex.update(index, [folder], progress=False, prune=True)
    with PolicyIndex.open(index) as ix:
        assert expansions(ix, "三去一降一补") == []  # its only list went with its report
        assert expansions(ix, "六稳")  # the others stay


@pytest.mark.parametrize(
    "term, items, fit",
    [
        ("六稳", ("稳就业", "稳金融", "稳外贸", "稳外资", "稳投资"), False),  # five items
        ("六稳", ("保就业", "保金融", "保外贸", "保外资", "保投资", "保预期"), False),
        ("三岛", ("智慧岛", "创新岛", "金融岛"), True),  # ending alike
        ("三去一降一补", ("去产能", "去库存", "降成本", "补短板", "补弱项"), False),  # 2 去
        ("三去一降一补", ("降成本", "去产能", "去库存", "去杠杆", "补短板"), False),  # order
        ("一带一路", ("丝绸之路经济带", "21世纪海上丝绸之路"), True),
        ("放管服", ("放管结合", "简政放权", "优化服务"), False),  # 管 not in the 2nd
        ("两个确保", ("确保高质量建设现代化", "确保高水平实现现代化"), True),
    ],
)
def test_fits_and_near_misses(term, items, fit):
    assert bool(fits(shape(term), items, "", "")) is fit


@pytest.mark.parametrize(
    "text, items",
    [
        # how a clause is numbered or set off is no part of its first item
        ("——扎实抓好稳增长、防风险、保民生三项基本任务。", ("扎实抓好稳增长", "防风险", "保民生")),
        (
            "（四）外商投资、国外贷款、赠款、捐款建设的项目。",
            ("外商投资", "国外贷款", "赠款", "捐款建设"),
        ),
        ("一是稳就业、稳金融、稳外贸。", ("稳就业", "稳金融", "稳外贸")),
        # the first item's clause ends at its 的 when no other item has one
        (
            "分别对应划定的城镇开发边界、永久基本农田保护红线、生态保护红线三条控制线。",
            ("城镇开发边界", "永久基本农田保护红线", "生态保护红线"),
        ),
        ("推进扶贫产品进机关、进学校、进医院。", ("进机关", "进学校", "进医院")),
        ("指摘帽不摘责任、摘帽不摘政策。", ("摘帽不摘责任", "摘帽不摘政策")),
        # a last item that runs on by one character is whole; by two, cut to its peers
        ("深入开展名医、名院、名诊所“三名”工程。", ("名医", "名院", "名诊所")),
        ("推进碳达峰、碳中和工作。", ("碳达峰", "碳中和")),
        # a fragment that runs into a clause is no list
        ("（二）市、区财政部门按规定及时下达残疾人两项补贴资金。", None),
    ],
)
def test_how_a_list_is_read(text, items):
    found = enumerations(1, text)
    assert (found[0].items if found else None) == items


def test_an_article_number_is_no_count():
    assert mentions("第二条本市户籍居民，第三条各级政府应当…") == []


def test_a_list_is_named_by_a_count_or_a_de_and_merely_runs_on_otherwise():
    assert (
        fits(shape("三大攻坚战"), ("防范化解重大风险", "精准脱贫", "污染防治"), "", "的攻坚战")
        == STRONG
    )
    form, items = shape("两个健康"), ("提高学生", "家长心理")
    assert fits(form, items, "", "两个健康") == STRONG
    assert fits(form, items, "", "的健康教育") == WEAK  # a common word after 的
    assert fits(form, items, "", "健康教育素养") == WEAK  # …家长心理健康教育素养
    lists = {"lists": "提高学生、家长心理\t3\t\t健康教育素养", "mentions": {}, "defined": {}}
    documents = {
        "a": {**lists, "year": 2020},
        "b": {"lists": "", "year": 2020, "mentions": {"两个健康": [1, 2]}, "defined": {}},
    }
    assert resolve(documents) == []  # a weak fit counts only where the term is used
    documents["a"]["mentions"] = {"两个健康": [7]}
    (found,) = resolve(documents)
    assert found["doc"] == "a"


def test_the_nearest_use_ranks_first():
    lists = {"lists": "稳就业、稳金融\t2\t\t", "mentions": {}, "defined": {}}
    documents = {
        "a": {**lists, "year": 2020, "mentions": {"双稳": [2]}},
        "b": {**lists, "year": 2020, "mentions": {"双稳": [5]}},
        "c": {**lists, "year": 2012},
        "d": {**lists, "year": 2019},
    }
    for data in documents.values():
        data["quoted"] = ["双稳"]
    (found,) = resolve(documents)  # one list, printed in four places
    assert (found["doc"], found["rank"] // 1000, found["places"]) == ("a", SAME_PARAGRAPH, 4)
    del documents["a"], documents["b"]["mentions"]
    documents["b"]["mentions"] = {}
    documents["d"]["mentions"] = {"双稳": [9]}
    (found,) = resolve(documents)
    assert (found["doc"], found["rank"] // 1000) == ("d", SAME_DOCUMENT)
    documents["d"]["mentions"] = {}
    documents["b"]["mentions"] = {"双稳": [9]}
    documents["b"]["lists"] = ""
    (found,) = resolve(documents)
    assert (found["doc"], found["rank"]) == ("d", ELSEWHERE * 1000 + 1)  # 2019, a year away
