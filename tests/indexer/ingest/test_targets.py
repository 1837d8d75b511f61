"""A report's targets statement read into rows (``indexer.ingest.targets``)."""

from __future__ import annotations

import pytest

from indexer.ingest.targets import targets


def _rows(text: str) -> list[tuple]:
    return [(t.indicator, t.value, t.low, t.high, t.unit, t.modifier) for t in targets([(7, text)])]


NATIONAL = (
    "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上，"
    "城镇调查失业率5.5%左右；居民消费价格涨幅3%左右；居民收入增长和经济增长同步；"
    "粮食产量保持在1.3万亿斤以上；单位国内生产总值能耗降低2.5%左右。"
)


def test_a_statement_reads_into_one_row_per_indicator():
    assert _rows(NATIONAL) == [
        ("国内生产总值增长", "5%左右", 5.0, 5.0, "%", "左右"),
        ("城镇新增就业", "1200万人以上", 1200.0, 1200.0, "万人", "以上"),
        ("城镇调查失业率", "5.5%左右", 5.5, 5.5, "%", "左右"),
        ("居民消费价格涨幅", "3%左右", 3.0, 3.0, "%", "左右"),
        ("居民收入增长和经济增长同步", "", None, None, "", ""),
        ("粮食产量", "1.3万亿斤以上", 1.3, 1.3, "万亿斤", "以上"),
        ("单位国内生产总值能耗降低", "2.5%左右", 2.5, 2.5, "%", "左右"),
    ]


@pytest.mark.parametrize(
    ("clause", "row"),
    [
        ("地区生产总值增长6%－6.5%", ("地区生产总值增长", "6%－6.5%", 6.0, 6.5, "%", "")),
        ("GDP 增长 8.5%以上", ("GDP 增长", "8.5%以上", 8.5, 8.5, "%", "以上")),
        ("城镇登记失业率控制在4.6%以内", ("城镇登记失业率", "4.6%以内", 4.6, 4.6, "%", "以内")),
        (
            "城镇新增就业不低于900万人",
            ("城镇新增就业", "不低于900万人", 900.0, 900.0, "万人", "不低于"),
        ),
        (
            "常住人口城镇化率提高1个百分点",
            ("常住人口城镇化率提高", "1个百分点", 1.0, 1.0, "个百分点", ""),
        ),
    ],
)
def test_ranges_modifiers_and_units(clause, row):
    assert _rows(f"主要目标为：{clause}。") == [row]


def test_lists_of_indicators_share_or_split_their_values():
    assert _rows("主要预期目标是：地区生产总值、人均GDP增速7.5%以上。") == [
        ("地区生产总值增速", "7.5%以上", 7.5, 7.5, "%", "以上"),
        ("人均GDP增速", "7.5%以上", 7.5, 7.5, "%", "以上"),
    ]
    assert _rows("主要预期目标是：一般公共预算收入、税收收入分别增长5%、6%。") == [
        ("一般公共预算收入增长", "5%", 5.0, 5.0, "%", ""),
        ("税收收入增长", "6%", 6.0, 6.0, "%", ""),
    ]


def test_results_are_not_targets():
    paragraphs = [
        (3, "过去一年，地区生产总值增长3%，城镇新增就业1206万人，奋斗目标是：建设现代化强区。"),
        (9, "今年主要预期目标是：地区生产总值增长5%左右。其他工作目标是：全面完成。"),
    ]
    found = targets(paragraphs)
    assert [(t.indicator, t.value, t.paragraph) for t in found] == [
        ("地区生产总值增长", "5%左右", 9)
    ]
    assert targets([(1, "地区生产总值增长3%，城镇新增就业1206万人。")]) == []
