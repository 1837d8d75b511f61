"""Cleaning: PDF and web artifacts are undone, and no text is lost or glued on the way."""

import re

import pytest

from indexer.ingest.clean import clean_text, ends_sentence, fix_spaces, strip_page_numbers
from indexer.ingest.paragraphs import is_heading_line

HAN = re.compile(r"[\u4e00-\u9fff]")
# The test's own idea of a page-number line, independent of the cleaner's.
PAGE_LINE = re.compile(r"^\s*\S?\s*[—–-]\s*\d+\s*[—–-]\s*\S?\s*$")


def han_only(text: str) -> str:
    return "".join(HAN.findall(text))


def test_every_han_character_survives_cleaning(seed_files):
    """Nothing lost, nothing duplicated: only page-number lines may disappear."""
    for path in seed_files:
        raw = path.read_text(encoding="utf-8-sig")
        kept = "\n".join(line for line in raw.splitlines() if not PAGE_LINE.match(line))
        assert han_only("".join(clean_text(raw))) == han_only(kept), path.name


def test_no_page_numbers_or_letter_spacing_remain(parsed_seeds):
    for parsed in parsed_seeds.values():
        for p in parsed.paragraphs:
            assert not re.search(r"[—–]\s*\d{1,3}\s*[—–]", p.text), p.text
            assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", p.text), p.text
            assert not re.search(r"[\u4e00-\u9fff] \d|\d [\u4e00-\u9fff]", p.text), p.text
            assert "\n" not in p.text and p.text == p.text.strip()


def test_body_paragraphs_end_sentences(parsed_seeds):
    """A hard wrap that was not undone shows as a paragraph ending mid-sentence."""
    for parsed in parsed_seeds.values():
        for p in parsed.paragraphs:
            if not (p.heading or is_heading_line(p.text)):
                assert ends_sentence(p.text), f"{p.doc} ¶{p.n}: …{p.text[-20:]}"


def test_paragraphs_are_not_glued(parsed_seeds):
    """Known paragraph starts of the seeds begin paragraphs of their own."""
    starts = {
        "000_930e0c23bba17279.txt": [
            "过去五年，是发展方式加快转变",
            "六保：保居民就业",
            "1+17+N：",
        ],
        "002_5a73e9331882e665.txt": ["——五年来，我们力促转型升级", "3.三个一批。", "附件2"],
        "003_34a82b390ab8d00e.txt": ["“七抓”工作：", "环保“777”工作机制：", "第三次会议上"],
    }
    for doc, prefixes in starts.items():
        texts = [p.text for p in parsed_seeds[doc].paragraphs]
        for prefix in prefixes:
            if prefix == "第三次会议上":  # the wrapped subtitle is joined, not split
                assert any(t.endswith("第十五届人民代表大会第三次会议上") for t in texts)
                continue
            assert any(t.startswith(prefix) for t in texts), prefix


def test_hard_wraps_inside_words_are_joined(parsed_seeds):
    texts = "\n".join(p.text for d in parsed_seeds.values() for p in d.paragraphs)
    assert "中国特色社会主义思想" in texts
    assert "并请各位政协委员" in texts


@pytest.mark.parametrize(
    "line",
    ["— 12—", "地— 16 —地", "- 3 -", "第 3 页", "第3页 共20页", "* * *", "---"],
)
def test_page_number_and_rule_lines_are_dropped(line):
    assert strip_page_numbers(line) == ""


def test_page_number_inside_a_sentence_is_dropped():
    assert strip_page_numbers("务实重干地— 17 —地、艰苦奋斗") == "务实重干、艰苦奋斗"
    assert strip_page_numbers("2021—2025年规划") == "2021—2025年规划"


def test_spacing_rules():
    assert fix_spaces("政 府 工 作 报 告") == "政府工作报告"
    assert fix_spaces("完成安置房建设 2183套") == "完成安置房建设2183套"
    assert fix_spaces("PM 2.5 and 5G") == "PM 2.5 and 5G"
    assert fix_spaces("1 9 9 3 年") == "1993年"


def test_web_page_artifacts():
    raw = (
        "\ufeff关于\u200b印发\u200d政府工作报\n\n告的通知\n"
        "１９５５年，　全区人口增长１０％。\n"
        "1 9 9 3 年实现增长。\n"
    )
    text = "\n".join(clean_text(raw))
    assert "关于印发政府工作报告的通知" in text
    assert "1955年，全区人口增长10%。" in text
    assert "1993年实现增长。" in text
    assert "\u200b" not in text and "\u3000" not in text


def test_markdown_markup_is_removed_but_headings_kept():
    raw = "# 政府工作报告\n\n## 一、回顾\n\n**过去五年，成绩显著。**其他内容。\n\n---\n"
    # Heading markers stay for the paragraph splitter, which reads and strips them.
    assert clean_text(raw) == ["#政府工作报告", "##一、回顾", "过去五年，成绩显著。其他内容。"]


def test_one_paragraph_per_line_text_keeps_its_paragraphs():
    raw = "第一段说明了情况。\n第二段提出了要求。\n\n第三段作出了部署。\n"
    assert clean_text(raw) == ["第一段说明了情况。", "第二段提出了要求。", "第三段作出了部署。"]


def test_wrapped_text_without_blank_lines():
    line = "这是一个很长的句子被硬换行切开了需要重新连接起来才能读懂"
    raw = "\n".join([line] * 12) + "\n最后一行。\n下一段。\n"
    assert clean_text(raw) == [line * 12 + "最后一行。", "下一段。"]
