"""New formulations of a year (``indexer.formulations``): exact by construction (every
listed term checked here against a scan of every paragraph), read sensibly on the seeds
and on a multi-year corpus of two regions, and kept exact when reports are replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.normalize import match_key
from indexer.api import PolicyIndex
from indexer.errors import DocumentNotFound


def report(region: str, year: int, speaker: str, paragraphs: list[str]) -> str:
    """A work report as a region prints one: title, date and meeting, speaker, body."""
    head = [
        f"{region}{year}年政府工作报告",
        f"——{year}年1月10日在{region}第十五届人民代表大会第三次会议上",
        f"{region}人民政府区长 {speaker}",
        "各位代表：",
    ]
    return "\n\n".join(head + paragraphs) + "\n"


BASE = "过去一年，我们坚持稳中求进工作总基调，经济运行总体平稳，城乡居民收入持续增长。"
YEARS = {
    "a2019.txt": report("东城区", 2019, "王建国", ["一、过去一年工作回顾", BASE]),
    "a2020.txt": report(
        "东城区",
        2020,
        "王建国",
        [
            "一、过去一年工作回顾",
            BASE + "实施“三链同构”行动，推动产业链、创新链、人才链深度融合。",
            "“三链同构”行动带动新增企业一百二十家，新质生产力加快培育。",
            "发展新质生产力，建设智能制造基地，新质生产力成为增长新动能。",
        ],
    ),
    "a2021.txt": report(
        "东城区",
        2021,
        "王建国",
        ["一、过去一年工作回顾", "继续实施“三链同构”行动，新质生产力持续壮大。"],
    ),
    "b2020.txt": report("西城区", 2020, "李红", ["一、过去一年工作回顾", BASE]),
    "b2021.txt": report(
        "西城区",
        2021,
        "李红",
        [
            "一、过去一年工作回顾",
            "学习东城区经验，实施“三链同构”行动，推进“数智西城”建设。",
            "“数智西城”建设全面启动，新乡考察团来访交流，李红同志出席。",
        ],
    ),
}


@pytest.fixture(scope="module")
def years_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("years-docs")
    for name, text in YEARS.items():
        (folder / name).write_text(text, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("years") / "index"
    PolicyIndex.update(index_dir, [folder], progress=False)
    return index_dir


def _paragraphs(ix: PolicyIndex) -> list[tuple[str, int, str]]:
    """Every live paragraph's match key, year and region, read one by one."""
    return [
        (match_key(p["text"]), p.get("year") or 0, p.get("region", ""))
        for p in ix.snapshot().paragraph_records()
    ]


def _assert_exact(ix: PolicyIndex, year: int, region: str | None) -> list[str]:
    """Every listed term: none of the earlier paragraphs (of the region) holds it, the
    year's hold it as often as reported; returns the terms."""
    found = ix.new_terms(year, region=region, limit=500)
    paragraphs = _paragraphs(ix)
    scoped = [(k, y) for k, y, r in paragraphs if region is None or r == region]
    for term in found.terms:
        key = match_key(term.term)
        assert key == term.key
        assert not [k for k, y in scoped if 0 < y < year and key in k], term.term
        now = [k for k, y in scoped if y == year and key in k]
        assert len(now) == term.paragraphs >= 1
        assert sum(k.count(key) for k in now) == term.occurrences
        later = sorted({y for k, y, _ in paragraphs if y > year and key in k})
        assert term.later_years == later
    return [t.term for t in found.terms]


@pytest.mark.parametrize(("year", "region"), [(2022, None), (2023, None), (2022, "新华区")])
def test_every_new_term_of_the_seeds_is_exactly_new(seed_index, year, region):
    assert _assert_exact(seed_index, year, region)


def test_seeds_new_terms_read_as_an_analyst_lists_them(seed_index):
    terms = [t.term for t in seed_index.new_terms(2023).terms]
    # 2023's own slogans, quoted and defined in its appendix, come first.
    assert {"三区三线", "一带两圈十街", "一站两员"} <= set(terms[:12])
    assert "13710" not in terms  # two 2022 reports use it
    assert not {"红旗区", "红旗", "新乡", "刘怀斌"} & set(terms)  # places, the speaker
    found = seed_index.new_terms(2022)
    first = {t.term: t for t in found.terms}
    assert {"三个一批", "两个确保"} <= set(list(first)[:5])
    assert first["三个一批"].later_years == [2023] and first["三个一批"].quoted
    assert found.earlier.reports == 1 and found.earlier.years == [2021, 2021]


def test_a_first_report_has_nothing_to_compare_with(seed_index):
    found = seed_index.new_terms(2021)
    assert found.reports == 1 and found.earlier.reports == 0 and found.terms == []


def test_a_year_or_region_without_reports_is_not_found(seed_index):
    with pytest.raises(DocumentNotFound, match="no report of 2030"):
        seed_index.new_terms(2030)
    with pytest.raises(DocumentNotFound, match="region"):
        seed_index.new_terms(2022, region="无此区")


def test_new_terms_over_years_and_regions(years_index):
    with PolicyIndex.open(years_index) as ix:
        terms = _assert_exact(ix, 2020, None)
        # Quoted first; jieba cuts 新质/生产力, the whole string is what is new.
        assert terms[:2] == ["三链同构", "新质生产力"]
        assert "新质" not in terms and "王建国" not in terms
        # Everyday words new to so small a corpus (产业链, 智能) are no formulations.
        assert not {"产业链", "智能", "发展"} & set(terms)
        whole = _assert_exact(ix, 2021, None)
        assert whole[0] == "数智西城" and "三链同构" not in whole  # 东城区 said it in 2020
        region = _assert_exact(ix, 2021, "西城区")
        assert region[:2] == ["数智西城", "三链同构"]  # new to 西城区, from 东城区
        assert not {"新乡", "李红", "东城区"} & set(region)
        first = ix.new_terms(2020).terms[0]
        assert first.first["doc"] == "a2020.txt" and "实施“三链同构”行动" in first.first["text"]
        assert first.later_years == [2021] and first.regions == 2


def test_new_terms_stay_exact_when_the_earliest_use_is_removed(tmp_path, index_of):
    files = {name: YEARS[name] for name in ("a2019.txt", "a2020.txt", "a2021.txt")}
    index_dir = index_of(files)
    folder = tmp_path / "index-docs"
    with PolicyIndex.open(index_dir) as ix:
        assert "三链同构" not in [t.term for t in ix.new_terms(2021).terms]
    # The 2020 report is replaced by one that no longer says it: 2021 is its first year,
    # though the segment's file still names a 2020 record as its first use.
    (folder / "a2020.txt").write_text(report("东城区", 2020, "王建国", [BASE]), encoding="utf-8")
    PolicyIndex.update(index_dir, [folder], progress=False)
    with PolicyIndex.open(index_dir) as ix:
        assert not ix.snapshot().alive.all()  # the first segment keeps the old records
        assert _assert_exact(ix, 2021, None)[0] == "三链同构"
        assert "三链同构" not in _assert_exact(ix, 2020, None)


def test_reports_of_a_year_in_several_segments_said_in_date_order(tmp_path):
    """A year's reports indexed in turn (a segment each), the later-dated first: the
    first use is the earliest report's, whatever the segments' order."""
    folder = tmp_path / "docs"
    folder.mkdir()
    late = report("西城区", 2020, "李红", ["推进“数智西城”建设。", "“数智西城”全面启动。"])
    early = report("东城区", 2020, "王建国", ["学习“数智西城”经验。", "“数智西城”经验推广。"])
    files = {"b2019.txt": YEARS["b2020.txt"].replace("2020", "2019"), "z.txt": late, "a.txt": early}
    index_dir = tmp_path / "index"
    for name, text in files.items():  # a commit each
        (folder / name).write_text(
            text.replace("1月10日", "3月2日") if name == "z.txt" else text, encoding="utf-8"
        )
        PolicyIndex.update(index_dir, [folder / name], progress=False)
    with PolicyIndex.open(index_dir) as ix:
        assert len(ix.snapshot().readers) >= 2
        (term,) = [t for t in ix.new_terms(2020).terms if t.term == "数智西城"]
        assert term.first["doc"] == "a.txt" and term.paragraphs == 4 and term.reports == 2
