"""Report against report (``indexer.comparison``): added and dropped terms exact both
ways, targets side by side, the previous report of a region."""

from __future__ import annotations

import pytest

from analyzers.normalize import match_key
from indexer.errors import DocumentNotFound

OLD, NEW = "004_5d529a9f9b0992bb.txt", "000_930e0c23bba17279.txt"  # 新华区 2021, 2022


def _keys(ix, doc):
    snapshot = ix.snapshot()
    return [match_key(p["text"]) for p in snapshot.paragraph_records(snapshot.paragraphs_of(doc))]


def test_added_and_dropped_are_exact_both_ways(seed_index):
    found = seed_index.compare(OLD, NEW, limit=200)
    old, new = _keys(seed_index, OLD), _keys(seed_index, NEW)
    assert found.added and found.dropped
    for terms, here, there in ((found.added, new, old), (found.dropped, old, new)):
        for term in terms:
            assert not [k for k in there if term.key in k], term.term
            assert sum(k.count(term.key) for k in here) == term.occurrences >= 1
    added = [t.term for t in found.added]
    assert {"三个一批", "两个确保", "双减"} <= set(added[:6])
    assert "远景目标" in [t.term for t in found.dropped]  # 2021 set out the 2035 goals
    assert "年远景目标" not in [t.term for t in found.dropped]  # 2035年 is a date
    assert found.a["year"] == 2021 and found.b["label"] == "新华区 2022 政府工作报告"


def test_targets_side_by_side(seed_index):
    rows = {r["indicator"]: (r["a"], r["b"]) for r in seed_index.compare(OLD, NEW).targets}
    assert rows["固定资产投资增长"] == ("7%左右", "11%以上")
    assert rows["生产总值增长"] == ("7%以上", None)  # 2022 writes 经济增长
    assert rows["经济增长"] == (None, "7.6%以上")
    assert rows["城乡居民收入与经济发展保持同步"] == ("", None)


def test_the_previous_report_of_a_region(seed_index):
    assert seed_index.previous_report(NEW) == OLD
    assert seed_index.previous_report(OLD) is None  # its region's first
    assert seed_index.previous_report("003_34a82b390ab8d00e.txt") is None


def test_an_unknown_report_is_named(seed_index):
    with pytest.raises(DocumentNotFound, match="nope"):
        seed_index.compare("nope", NEW)
