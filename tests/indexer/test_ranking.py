"""Substance first (issue 24): headings are sections, fragments rank after content, the
same text printed twice is one hit, and paragraphs that treat a topic in other words come
after every match without being counted."""

import pytest

from indexer.api import PolicyIndex
from indexer.ranking import CONTENT, FRAGMENT, HEADING, paragraph_shape

HEADER = "政府工作报告\n——2022年3月1日在某市人民代表大会上\n各位代表：\n"
SECURITY = (
    "二、加强数据和网络安全管理\n"
    "网络安全是发展的前提。各部门要落实网络安全责任制，健全网络安全监测预警和应急处置机制，"
    "开展关键信息基础设施安全保护，定期组织攻防演练，提升全社会网络安全防护能力。\n"
    "供应商名录\nABB网络安全\nABB网络安全AB安全\n"
    "推进数字政府建设，统筹网络安全和信息化工作，保障政务数据安全。\n"
)
SHARED = (
    "全面落实网络安全责任制，压实各级党委政府和行业主管部门的网络安全主体责任，确保不发生重大事件。"
)


@pytest.fixture()
def corpus(index_of):
    return PolicyIndex.open(
        index_of(
            {
                "a.txt": HEADER + SECURITY + SHARED + "\n",
                "b.txt": HEADER.replace("某市", "另一市")
                + "一、工作回顾\n"
                + SHARED
                + "\n推行绿色低碳发展，建设低碳社区，推广新能源公交车。\n"
                + "倡导绿色、低碳的生活方式，推进低碳转型，发展节能环保产业，培育新的增长点。\n"
                + "坚持绿色发展理念，推进节能降耗，力争低碳城市试点取得突破。\n",
            }
        )
    )


@pytest.mark.parametrize(
    "text, heading, section, shape",
    [
        ("二、加强数据和网络安全管理", True, "", HEADING),
        ("ABB网络安全", False, "", FRAGMENT),
        ("中小企业数字化转型指南", False, "", FRAGMENT),  # a directory entry
        ("2022年4月23日", False, "", FRAGMENT),
        ("全面推进乡村振兴。", False, "", FRAGMENT),  # a one-line slogan
        ("4.完成蔡侯路小学和新区体育馆建设。", False, "", CONTENT),  # a list item says something
        ("双碳：碳达峰与碳中和。", False, "附件 › 名词解释", CONTENT),  # a definition
        (SHARED, False, "", CONTENT),
    ],
)
def test_shapes(text, heading, section, shape):
    assert paragraph_shape(text, text, heading, section) == shape


def test_content_first_then_fragments_and_headings_are_sections(corpus):
    result = corpus.search("网络安全", limit=None)
    texts = [h.text for h in result.hits]
    # A supplier list's entries after every paragraph that treats the topic.
    assert set(texts[-2:]) == {"ABB网络安全AB安全", "ABB网络安全"}
    assert texts[0].startswith("网络安全是发展的前提")  # five mentions, in its lead
    assert [h.text for h in result.sections] == ["二、加强数据和网络安全管理"]
    assert not any(h.heading for h in result.hits) and result.headings == 1
    assert result.hits[0].section == "二、加强数据和网络安全管理"  # shown as their section


def test_the_same_paragraph_twice_is_one_hit_naming_both(corpus):
    result = corpus.search("网络安全", limit=None)
    shared = [h for h in result.hits if h.text == SHARED]
    assert len(shared) == 1
    (copy,) = shared[0].copies
    assert {shared[0].doc, copy["doc"]} == {"a.txt", "b.txt"}
    assert copy["label"] and copy["paragraph"] > 0
    # Totals and facets count every paragraph, hits each text once.
    assert result.total == 7 == sum(result.facets["doc"].values())
    assert result.hits_total == len(result.hits) == 5 and result.headings == 1
    every = [(kind, h.doc) for kind, h in result.every_paragraph()]
    assert len(every) == result.total
    assert [kind for kind, _ in every].count("copy") == 1
    assert [kind for kind, _ in every].count("heading") == 1


def test_a_page_is_the_prefix_of_the_ranking_of_distinct_texts(corpus):
    everything = corpus.search("网络安全", limit=None).hits
    for offset in range(len(everything)):
        page = corpus.search("网络安全", limit=1, offset=offset)
        assert [h.text for h in page.hits] == [everything[offset].text]
        assert page.hits_total == len(everything)


def test_related_paragraphs_come_after_matches_and_are_never_counted(corpus):
    result = corpus.search("绿色低碳", limit=None)
    assert result.total == 1 and result.related == 2
    assert [h.exact for h in result.hits] == [True, False, False]
    related = result.hits[1]  # the two words close together before them far apart
    assert related.text.startswith("倡导绿色、低碳") and "绿色低碳" not in related.text
    assert {related.text[s:e] for s, e in related.highlights} == {"绿色", "低碳"}
    assert sum(result.facets["doc"].values()) == result.total == 1
    assert [kind for kind, _ in result.every_paragraph()] == ["paragraph"]  # exports: matches


def test_only_a_term_of_several_words_has_related_paragraphs(corpus):
    assert corpus.search("低碳社区", limit=None).related == 0  # 低碳 + 社区: none apart
    assert corpus.search("工作", limit=None).related == 0  # one word
    assert corpus.search("碳排放", limit=None).related == 0  # 碳 is one character: stays whole


@pytest.fixture()
def topics(index_of):
    """Paragraphs naming a topic as an aside, in one long sentence, in a lead-in, or not
    at all but in some of its words."""
    return PolicyIndex.open(
        index_of(
            {
                "c.txt": HEADER.replace("某市", "丙市")
                + "推进中小企业数字化转型试点（责任单位：市民营经济局、市财政局），培育一批标杆示范企业。\n"
                + "民营科技企业是发展科技事业和经济建设的重要力量，各级政府应当支持民营科技企业发展。\n"
                + "提升养老服务水平，加大就业支持力度，改善群众生活条件。\n"
                + "提升养老服务。加大就业支持力度，推进老旧小区改造，完善社区设施，"
                + "扩大公共服务供给，改善群众生活条件，推动社会事业全面进步。\n"
                + "全面实施河长制，落实河流管护责任。\n"
                + "实施联合河湖长制，协调统一主要水体的功能目标和考核制度。\n"
                + "推行积分制管理，完善考核办法。\n",
            }
        )
    )


def test_a_term_only_in_an_aside_ranks_after_a_paragraph_about_it(topics):
    """（责任单位：市民营经济局） names a bureau: holding 民营经济 only there earns no
    sequence bonus, and the paragraph on private enterprises in the economy comes first."""
    result = topics.search("民营经济", limit=None)
    assert result.total == 1 and result.related == 1
    assert [h.exact for h in result.hits[:2]] == [False, True]
    assert result.hits[0].text.startswith("民营科技企业")


def test_a_lead_in_holding_the_term_outranks_one_long_sentence_naming_it(topics):
    texts = [h.text for h in topics.search("养老服务", limit=2).hits]
    assert texts[0].startswith("提升养老服务。") and texts[1].startswith("提升养老服务水平")


def test_a_short_page_is_filled_with_paragraphs_of_some_words_never_counted(topics):
    result = topics.search("河长制", limit=None)
    assert result.total == 1 and result.related == 0 and result.some_words >= 2
    assert result.hits[0].exact and not result.hits[0].some_words
    fillers = result.hits[1:]
    assert all(not h.exact and h.some_words for h in fillers)
    assert fillers[0].text.startswith("实施联合河湖长制")  # 长 and 制 together, 河湖
    assert result.hits_total == len(result.hits) <= 10
    assert sum(result.facets["doc"].values()) == result.total == 1
    assert [kind for kind, _ in result.every_paragraph()] == ["paragraph"]
    assert not topics.search("河长制", limit=None, related=False).some_words  # --exact
    assert not topics.search("不存在的词语", limit=None).hits  # none: suggestions, not filler
    paged = [topics.search("河长制", limit=1, offset=i).hits[0].text for i in range(3)]
    assert paged == [h.text for h in result.hits[:3]]
