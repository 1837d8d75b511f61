"""Paragraph records and header metadata of the seeds."""

import pytest

from indexer.ingest.document import parse_document
from indexer.ingest.labels import document_label
from indexer.ingest.metadata import extract_metadata, region_of

EXPECTED = {
    "000_930e0c23bba17279.txt": (
        "政府工作报告",
        "新华区",
        2022,
        "2022-04-26",
        "张伟民",
        "区长",
        "新华区第十一届人民代表大会第一次会议",
    ),
    "001_9ed11ab6f5e0d4fe.txt": (
        "政府工作报告",
        "卫东区",
        2022,
        "2022-04-24",
        "宋建立",
        "代区长",
        "卫东区第十一届人民代表大会第一次会议",
    ),
    "002_5a73e9331882e665.txt": (
        "政府工作报告",
        "偃师区",
        2022,
        "2022-04-10",
        "赵玉勋",
        "代区长",
        "洛阳市偃师区第二届人民代表大会第一次会议",
    ),
    "003_34a82b390ab8d00e.txt": (
        "政府工作报告",
        "红旗区",
        2023,
        "2023-02-26",
        "刘怀斌",
        "区长",
        "红旗区第十五届人民代表大会第三次会议",
    ),
    "004_5d529a9f9b0992bb.txt": (
        "2021年政府工作报告",
        "新华区",
        2021,
        "2021-06-07",
        "张伟民",
        "代区长",
        "新华区第十届人民代表大会第六次会议",
    ),
}


@pytest.mark.parametrize("doc", sorted(EXPECTED))
def test_seed_metadata(parsed_seeds, doc):
    meta = parsed_seeds[doc].meta
    got = (meta.title, meta.region, meta.year, meta.date, meta.speaker, meta.role, meta.meeting)
    assert got == EXPECTED[doc]


def test_header_lines_are_heading_paragraphs(parsed_seeds):
    paragraphs = parsed_seeds["003_34a82b390ab8d00e.txt"].paragraphs
    header = [p.text for p in paragraphs if p.heading and not p.section]
    assert "政府工作报告" in header
    assert "——2023年2月26日在红旗区第十五届人民代表大会第三次会议上" in header
    assert "红旗区人民政府区长刘怀斌" in header


def test_section_paths(parsed_seeds):
    by_text = {p.text: p for p in parsed_seeds["000_930e0c23bba17279.txt"].paragraphs}
    heading = by_text["（二）坚持项目为王，夯实发展基础"]
    assert heading.heading
    assert heading.section == ("三、2022年工作安排", "（二）坚持项目为王，夯实发展基础")
    body = next(p for p in by_text.values() if p.text.startswith("强化项目建设。"))
    assert not body.heading and body.section == heading.section
    glossary = next(p for p in by_text.values() if p.text.startswith("三个一批："))
    assert glossary.section == ("部分词语解释",)


def test_run_in_heading_opens_a_section(parsed_seeds):
    paragraphs = parsed_seeds["003_34a82b390ab8d00e.txt"].paragraphs
    p = next(p for p in paragraphs if p.text.startswith("（一）抓项目、强产业"))
    assert not p.heading
    assert p.section == ("一、2022年工作回顾", "（一）抓项目、强产业，发展支撑更加坚实")


def test_markdown_headings_are_stripped_and_leveled(parsed_seeds):
    paragraphs = parsed_seeds["001_9ed11ab6f5e0d4fe.txt"].paragraphs
    assert paragraphs[1].text == "政府工作报告"
    third = next(p for p in paragraphs if p.text == "三、2022年工作安排")
    assert third.heading and third.section == ("三、2022年工作安排",)


def test_ordinals_are_consecutive(parsed_seeds):
    for parsed in parsed_seeds.values():
        assert [p.n for p in parsed.paragraphs] == list(range(1, len(parsed.paragraphs) + 1))


def test_date_written_with_spaces_and_wrapped():
    text = "政 府 工 作 报 告\n——2023 年 2 月 26 日在某某县第十五届人民代表大会\n\n第三次会议上\n县长 王小明\n各位代表：\n"
    meta = parse_document("x.txt", text).meta
    assert (meta.date, meta.year, meta.region) == ("2023-02-26", 2023, "某某县")
    assert meta.meeting == "某某县第十五届人民代表大会第三次会议"
    assert (meta.role, meta.speaker) == ("县长", "王小明")


def test_year_from_title_and_fallbacks():
    meta = extract_metadata("report-2019.txt", ["2019年某某市政府工作报告"])
    assert (meta.title, meta.year, meta.date) == ("2019年某某市政府工作报告", 2019, "")
    other = parse_document("notes.md", "会议纪要若干条。\n第二条内容。\n").meta
    assert (other.title, other.region, other.year, other.speaker) == ("notes", "", None, "")


@pytest.mark.parametrize(
    "place, region",
    [("洛阳市偃师区", "偃师区"), ("红旗区", "红旗区"), ("河南省郑州市", "郑州市"), ("区", "")],
)
def test_region_of(place, region):
    assert region_of(place) == region


def test_jargon_for_the_user_dictionary(parsed_seeds):
    jargon = set()
    for parsed in parsed_seeds.values():
        jargon.update(parsed.jargon())
    assert {"六稳", "六保", "三个一批", "放管服效", "四上", "春笋", "十四五"} <= jargon
    assert {"治理六乱", "开展六清", "三大改造", "专精特新", "四上企业"} <= jargon  # glossary


NOTICE = """国务院关于印发“十四五”数字经济发展规划的通知
国发〔2021〕29号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现将《“十四五”数字经济发展规划》印发给你们，请认真贯彻执行。
国务院
2021年12月12日
（此件公开发布）
"""
OPINION = """河南省人民政府办公厅关于进一步优化营商环境的实施意见
豫政办［2022］15号
各市、县人民政府，省人民政府各部门：
为深入贯彻落实党中央决策部署，现提出如下意见。
一、总体要求
坚持稳中求进。
河南省人民政府办公厅
2022年3月1日
"""


def test_official_document_metadata():
    notice = parse_document("notice.txt", NOTICE).meta
    assert (notice.doc_number, notice.authority, notice.doc_type) == (
        "国发〔2021〕29号",
        "国务院",
        "通知",
    )
    assert (notice.date, notice.year, notice.region) == ("2021-12-12", 2021, "")
    opinion = parse_document("opinion.txt", OPINION).meta
    assert (opinion.doc_number, opinion.authority) == ("豫政办［2022］15号", "河南省人民政府办公厅")
    assert (opinion.doc_type, opinion.region, opinion.date) == ("实施意见", "河南省", "2022-03-01")


def test_work_reports_have_no_authority_guess(parsed_seeds):
    for parsed in parsed_seeds.values():
        assert parsed.meta.doc_number == "" and parsed.meta.authority == ""
        assert parsed.meta.doc_type == "报告"


# Headers of every level of government, as such reports print them (the national
# shapes written here after the description in issue 27, not copied from a report).
LEVELS = {
    "national": (
        "政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n"
        "国务院总理　李　强\n各位代表：\n现在，我代表国务院，向大会报告政府工作。\n",
        ("政府工作报告", "全国", 2024, "2024-03-05", "李强", "总理"),
        "全国 2024 政府工作报告",
    ),
    "national, the year in the title": (
        "2024年国务院政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n"
        "国务院总理 李强\n各位代表：\n正文。\n",
        ("2024年国务院政府工作报告", "全国", 2024, "2024-03-05", "李强", "总理"),
        "全国 2024年国务院政府工作报告",
    ),
    "a summary": (
        "2024年政府工作报告（摘要）\n各位代表：\n过去一年成绩显著。\n",
        ("2024年政府工作报告（摘要）", "", 2024, "", "", ""),
        "2024年政府工作报告（摘要）",
    ),
    "province": (
        "政府工作报告\n——2024年1月21日在河南省第十四届人民代表大会第二次会议上\n"
        "河南省人民政府省长　王　凯\n各位代表：\n正文。\n",
        ("政府工作报告", "河南省", 2024, "2024-01-21", "王凯", "省长"),
        "河南省 2024 政府工作报告",
    ),
    "city": (
        "政府工作报告\n——2023年1月8日在洛阳市第十六届人民代表大会第二次会议上\n"
        "市长　徐　某\n各位代表：\n正文。\n",
        ("政府工作报告", "洛阳市", 2023, "2023-01-08", "徐某", "市长"),
        "洛阳市 2023 政府工作报告",
    ),
    "province, the subtitle in parentheses": (
        "政府工作报告\n（2026年1月27日在某某省第十四届人民代表大会第四次会议上）\n"
        "省长 张某某\n各位代表：\n正文。\n",
        ("政府工作报告", "某某省", 2026, "2026-01-27", "张某某", "省长"),
        "某某省 2026 政府工作报告",
    ),
    "province, the subtitle bare": (
        "2026年某某省政府工作报告\n2026年1月14日在某某省第十四届人民代表大会第四次会议上\n"
        "某某省省长 刘某\n各位代表：\n正文。\n",
        ("2026年某某省政府工作报告", "某某省", 2026, "2026-01-14", "刘某", "省长"),
        "2026年某某省政府工作报告",
    ),
    "a county, no header: whom it speaks for": (
        "各位代表：\n现在，我代表某某县人民政府，向大会作政府工作报告，请予审议。\n一、过去一年工作回顾\n正文。\n",
        ("2020_某某县_政府工作报告", "某某县", 2020, "", "", ""),
        "2020_某某县_政府工作报告",
    ),
    "a county, no place in the text: the file name's": (
        "政府工作报告\n（2008年3月27日）\n各位代表：\n现在，我代表县政府向大会作政府工作报告。\n正文。\n",
        ("政府工作报告", "清苑区", 2008, "2008-03-27", "", ""),
        "清苑区 2008 政府工作报告",
    ),
    "a resolution on the report": (
        "第十四届全国人民代表大会第二次会议关于政府工作报告的决议\n"
        "（2024年3月11日第十四届全国人民代表大会第二次会议通过）\n"
        "会议听取和审议了政府工作报告，决定批准这个报告。\n",
        (
            "第十四届全国人民代表大会第二次会议关于政府工作报告的决议",
            "全国",
            2024,
            "2024-03-11",
            "",
            "",
        ),
        "2024 第十四届全国人民代表大会第二次会议关于政府工作报告的决议",  # 全国 is in the title
    ),
}


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_region_year_and_speaker_on_every_level(level):
    text, expected, label = LEVELS[level]
    name = {
        "a county, no header: whom it speaks for": "2020_某某县_政府工作报告.txt",
        "a county, no place in the text: the file name's": "2008_河北省保定市清苑区_报告.txt",
    }.get(level, "x.txt")
    meta = parse_document(name, text).meta
    assert (meta.title, meta.region, meta.year, meta.date, meta.speaker, meta.role) == expected
    assert document_label(meta.as_dict()) == label


def test_a_label_never_repeats_the_title():
    assert document_label(
        {"doc": "x", "title": "2021年政府工作报告", "region": "新华区", "year": 2021}
    ) == ("新华区 2021年政府工作报告")
    assert document_label(
        {"doc": "x", "title": "新华区政府工作报告", "region": "新华区", "year": 2021}
    ) == ("2021 新华区政府工作报告")
