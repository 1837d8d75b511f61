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
