"""The golden answers: the seeds index answers a fixed query set (searches, glossary,
usage, suggestions, completion, a document page) exactly as the engine of commit 6fde2f6
did, byte for byte, with schema 6's scores and the reports' labels (see benchmarks/golden.py; it was
written from an index built as the ``seed_index`` fixture builds it)."""

import json
from pathlib import Path

from benchmarks.golden import (
    canonical,
    compare,
    digest,
    dumps_golden,
    golden_answers,
    golden_file,
)

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_seeds.json"


def test_seed_answers_match_the_golden(seed_index):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden["form"] == "full"
    problems = compare(golden, golden_answers(seed_index))
    assert problems == [], f"{len(problems)} answer(s) differ:\n\n" + "\n\n".join(problems)


def _hit(paragraph: int) -> dict:
    return {"kind": "paragraph", "doc": "a.txt", "paragraph": paragraph, "score": 1.5}


def test_compare_names_the_query_and_shows_the_diff():
    golden = {
        "search a": canonical({"hits": [_hit(1), _hit(2)], "total": 2}),
        "search b": canonical({"hits": [], "total": 0}),
    }
    now = {**golden, "search a": canonical({"hits": [_hit(1), _hit(3)], "total": 2})}
    assert compare(golden, golden) == []
    [problem] = compare(golden, now)
    assert problem.startswith("search a:")
    assert '-   "paragraph": 2,' in problem and '+   "paragraph": 3,' in problem
    for form in (golden_file(golden, as_digest=False), golden_file(golden, as_digest=True)):
        assert compare(form, golden) == []
        assert [p.split("\n")[0] for p in compare(form, now)] == ["search a:"]
    assert compare(golden, {**now, "search c": "{}"})[-1] == "search c: not in the golden"
    assert digest(now["search a"])["top"] == ["a.txt ¶1 1.5", "a.txt ¶3 1.5"]


def test_a_golden_with_variants_is_met_by_any_one_of_them():
    first = {"search a": canonical({"hits": [_hit(1)], "total": 1}), "usage b": canonical([1])}
    second = {**first, "search a": canonical({"hits": [_hit(2)], "total": 1})}
    mixed = {**second, "usage b": canonical([2])}
    for as_digest in (False, True):
        golden = json.loads(dumps_golden(golden_file([first, second], as_digest=as_digest)))
        assert len(golden["variants"]) == 2
        assert compare(golden, first) == compare(golden, second) == []
        assert [p.split("\n")[0] for p in compare(golden, mixed)] == ["usage b:"]
        assert "variants" not in golden_file([first, first], as_digest=as_digest)
