"""The targets table (``indexer.targets``): every seed report's statement read, results
left out, rows filtered like a search."""

from __future__ import annotations

SEED_TARGETS = {
    # report: (the statement's paragraph, every (indicator, value) it states, in order)
    "000_930e0c23bba17279.txt": (
        28,
        [
            ("经济增长", "7.6%以上"),
            ("全员劳动生产率增长", "7.6%以上"),
            ("规模以上工业增加值增长", "8.5%以上"),
            ("固定资产投资增长", "11%以上"),
            ("社会消费品零售总额增长", "8.6%以上"),
            ("一般公共预算收入增长", "9.8%"),
            ("人均GDP增长", "7.6%"),
            ("研发经费投入强度", "2%"),
            ("居民收入与经济增长协调同步", ""),
            ("单位生产总值能耗与“十四五”控制目标统筹衔接", ""),
        ],
    ),
    "001_9ed11ab6f5e0d4fe.txt": (
        30,
        [
            ("生产总值增长", "7.8%以上"),
            ("人均GDP增长", "7.8%"),
            ("全员劳动生产率增长", "7.7%以上"),
            ("研发经费投入强度", "2%"),
            ("居民收入与经济增长协调同步", ""),
            ("规模以上工业增加值增长", "9%以上"),
            ("固定资产投资增长", "11%以上"),
            ("社会消费品零售总额增长", "9%以上"),
            ("进出口总额保持平稳增长", ""),
            ("一般公共预算收入增长", "10%"),
            ("城镇新增就业", "1万人"),
            ("城镇调查失业率", "4.5%以内"),
            ("单位生产总值能耗与“十四五”控制目标统筹衔接", ""),
        ],
    ),
    "002_5a73e9331882e665.txt": (
        29,
        [
            ("地区生产总值增速", "7.5%以上"),
            ("人均GDP增速", "7.5%以上"),
            ("全员劳动生产率增速", "7.5%以上"),
            ("研发经费投入强度", "1.5%以上"),
            ("规模以上工业增加值增长", "9%以上"),
            ("固定资产投资增长", "12%以上"),
            ("社会消费品零售总额增长", "8%以上"),
            ("进出口总值保持稳定增长", ""),
            ("一般公共预算收入增长", "6%左右"),
            ("人均可支配收入与经济增长协调同步", ""),
            ("常住人口城镇化率提高", "1个百分点"),
            ("城镇调查失业率", "5.5%以内"),
            ("单位GDP能耗强度与“十四五”控制目标统筹衔接", ""),
            ("CPI涨幅", "3%左右"),
        ],
    ),
    "003_34a82b390ab8d00e.txt": (
        24,
        [
            ("GDP增长", "8.5%以上"),
            ("人均GDP、全员劳动生产率、人均可支配收入与经济增长协调同步", ""),
            ("研发经费投入增长", "20%以上"),
            ("规模以上工业增加值增长", "10%以上"),
            ("固定资产投资增长", "15%以上"),
            ("社会消费品零售总额增长", "10%以上"),
            ("一般公共预算收入增长", "8%以上"),
            ("其他各项经济指标均高于全市平均水平", ""),
        ],
    ),
    "004_5d529a9f9b0992bb.txt": (
        31,
        [
            ("生产总值增长", "7%以上"),
            ("规模以上工业增加值增长", "7.5%左右"),
            ("固定资产投资增长", "7%左右"),
            ("社会消费品零售总额增长", "10%左右"),
            ("一般公共预算收入增长", "5%以上"),
            ("城乡居民收入与经济发展保持同步", ""),
            ("节能减排和环境保护等约束性指标完成市定任务", ""),
        ],
    ),
}


def test_each_seed_report_states_its_targets(seed_index):
    table = seed_index.targets()
    assert table.reports == 5 and table.without == []
    for doc, (paragraph, stated) in SEED_TARGETS.items():
        rows = [row for row in table.targets if row["doc"] == doc]
        assert [(row["indicator"], row["value"]) for row in rows] == stated, doc
        assert {row["paragraph"] for row in rows} == {paragraph}
        assert "主要预期目标是：" in rows[0]["text"]
    # Last year's results, quoted in the same words, are not read: 2021's report says
    # 生产总值 grew 3.2% (a result) and targets 7% or more.
    values = [
        r["value"]
        for r in table.targets
        if r["doc"].startswith("004") and "生产总值" in r["indicator"]
    ]
    assert values == ["7%以上"]


def test_targets_are_filtered_like_a_search(seed_index):
    rows = seed_index.targets(region="新华区", indicator="固定资产").targets
    assert [(r["year"], r["value"]) for r in rows] == [(2021, "7%左右"), (2022, "11%以上")]
    assert {r["doc"] for r in seed_index.targets(year="2022").targets} == {
        "000_930e0c23bba17279.txt",
        "001_9ed11ab6f5e0d4fe.txt",
        "002_5a73e9331882e665.txt",
    }
    assert seed_index.targets(doc="003").reports == 1
    assert seed_index.targets(year="2030").reports == 0
