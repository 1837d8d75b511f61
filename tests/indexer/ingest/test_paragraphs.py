"""Which lines are headings: they name the section of the paragraphs below them and are
shown as sections, never as hits (issue 24), so lists and tables must not pass for them."""

from indexer.ingest.paragraphs import split_paragraphs

HEADER = ["政府工作报告", "各位代表："]


def flags(texts: list[str]) -> list[tuple[str, bool, str]]:
    return [(p.text, p.heading, p.section_path) for p in split_paragraphs("a.txt", texts)]


def test_a_short_line_alone_is_a_heading_a_run_of_them_is_a_list():
    lines = flags(
        [
            *HEADER,
            "网络安全",
            "各部门要落实网络安全责任制，健全监测预警机制。",
            "供应商名录",
            "ABB网络安全",
            "西门子工业控制",
            "推进数字政府建设，统筹网络安全和信息化工作。",
        ]
    )
    assert lines[2] == ("网络安全", True, "网络安全")
    assert lines[3][1:] == (False, "网络安全")
    assert [heading for _, heading, _ in lines[4:7]] == [False, False, False]
    assert lines[7][2] == "网络安全"  # the list names no section


def test_a_regulations_chapters_are_headings_even_in_a_row():
    lines = flags(
        [*HEADER, "第五章特别规定", "第一节集体合同", "第五十条集体合同由工会代表职工订立。"]
    )
    assert [heading for _, heading, _ in lines[2:4]] == [True, True]
    assert lines[4][2] == "第五章特别规定 › 第一节集体合同"


def test_the_items_of_an_enumeration_are_no_headings():
    lines = flags(
        [
            *HEADER,
            "第十条职业介绍机构应当具备下列条件：",
            "（一）有明确的业务范围和章程；",
            "（二）有固定的服务场所；",
            "（三）法律、法规规定的其他条件。",
            "第十一条职业介绍机构应当公开服务项目。",
        ]
    )
    assert [heading for _, heading, _ in lines[3:6]] == [False, False, False]
    assert {section for _, _, section in lines[2:]} == {""}  # no item became a section


def test_a_numbered_line_of_one_short_sentence_is_a_heading():
    lines = flags(
        [
            *HEADER,
            "（六）深入推进文化强省建设，加快打造文化旅游目的地。",
            "加快发展文化产业和旅游业。实施重大文化产业项目带动战略。",
            "1.完成安置房建设2183套。",
        ]
    )
    assert lines[2][1] is True and lines[3][2].startswith("（六）深入推进文化强省建设")
    assert lines[4][1] is False  # a list item says something: content
