"""The relevance harness runs and holds the floor: grep-exact recall and precision."""

import json


def test_harness_reports_perfect_literal_recall(tmp_path, run_benchmark):
    out = tmp_path / "quality.json"
    run_benchmark("quality.py", "--sample", "40", "--json", str(out))
    rows = {row["set"]: row for row in json.loads(out.read_text(encoding="utf-8"))["rows"]}
    for name in ("substrings 1–6 chars", "vocabulary words", "glossary terms", "two-word AND"):
        assert rows[name]["recall"] == rows[name]["precision"] == 1.0, rows[name]
    assert rows["glossary ranking"]["top_hit_has_exact_term"] == 1.0
    assert rows["pinyin → glossary term"]["full_top5"] >= 0.95
    assert rows["pinyin → glossary term"]["initials_top5"] >= 0.85
    # Every Han string of 2-6 characters seen 3 times, by its pinyin (issue 15's bars).
    reach = rows["pinyin → frequent strings"]
    assert reach["full_queries"] > 10_000 and reach["initials_queries"] > 3_000
    assert reach["full_top5"] >= 0.98 and reach["initials_top5"] >= 0.85
