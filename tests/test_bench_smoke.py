"""The speed harness and the corpus generator run end to end on a tiny corpus (no timing
assertions: speed lives in the benchmark's ratios, not in tests)."""

import inspect
import json
import shutil
from numbers import Real

import pytest

from benchmarks.corpus import (
    REAL_BIGRAMS,
    REAL_WORDS,
    SOURCES,
    generate,
    vocabulary_growth,
)
from benchmarks.load import serve_and_load
from benchmarks.run import LITERALS, MIX, ROOT, literal_times, previous_server


def is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def test_generator_is_deterministic_and_grows_vocabulary(tmp_path):
    first = generate(tmp_path / "a", 0.2, seed=5)
    second = generate(tmp_path / "b", 0.2, seed=5)
    assert [p.read_text(encoding="utf-8") for p in first] == [
        p.read_text(encoding="utf-8") for p in second
    ]
    assert sum(p.stat().st_size for p in first) >= 0.2 * 2**20
    texts = {p.read_text(encoding="utf-8")[:200] for p in first}
    assert len(texts) == len(first)  # every file differs (region, year, speaker, numbers)


def _real(curve: tuple[int, float], megabytes: float) -> float:
    k, beta = curve
    return k * megabytes**beta


def test_generated_vocabulary_grows_like_the_real_reports(tmp_path):
    """Issue 26: distinct words and bigrams of a generated corpus are those of real
    text of its size (the curves are measured on the real sources, and stay true)."""
    for row in vocabulary_growth(list(SOURCES), (1, 2))[:2]:
        assert abs(row["words"] / _real(REAL_WORDS, row["mb"]) - 1) < 0.1, row
        assert abs(row["bigrams"] / _real(REAL_BIGRAMS, row["mb"]) - 1) < 0.1, row
    generate(tmp_path, 4.0)
    [whole] = vocabulary_growth([tmp_path], ())
    assert abs(whole["words"] / _real(REAL_WORDS, whole["mb"]) - 1) < 0.05, whole
    assert abs(whole["bigrams"] / _real(REAL_BIGRAMS, whole["mb"]) - 1) < 0.05, whole


def test_harness_smoke(tmp_path, run_benchmark):
    """The 1 MB row, as the README's table has it (CI's smoke run of the harness)."""
    out = tmp_path / "bench.json"
    run_benchmark("run.py", "--sizes", "1", "--quick", "--json", str(out))
    [row] = json.loads(out.read_text(encoding="utf-8"))["rows"]
    for key in (
        "ours_build_mbps",
        "base_build_mbps",
        "ours_p95_ms",
        "base_p50_ms",
        "ours_cold_query_s",
        "ours_cold_p50_ms",
        "ours_cold_rg_p50_ratio",
        "ours_rss_mb",
    ):
        assert row[key] > 0, key
    assert row["ours_substring_hits"] == row["grep"]["ours"]  # literal recall
    servers = [row["ours_server"], row["ours_server_cached"]]
    if "workers" in inspect.signature(serve_and_load).parameters:
        servers.append(row["ours_server_w2"])
        assert row["ours_server_w2"]["workers"] == 2
    for server in servers:
        assert server["throughput_rps"] > 0 and server["server_peak_rss_mb"] > 0
        assert server["non_2xx"] == 0
        assert server["server_pss_mb"] is None or is_number(server["server_pss_mb"])

    # the exact anchor: rg (or grep) over the literal subset, ours on the same subset
    assert row["literal_tool"] in ("rg", "grep")
    assert row["literal_queries"] == [q for q in MIX if LITERALS[q] is not None]
    for key in ("ours_max_query_ms", "rg_literal_p50_ms", "rg_literal_p95_ms"):
        assert is_number(row[key]) and row[key] > 0, key
    for key in ("ours_literal_p50_ms", "ours_literal_p95_ms", "base_literal_p50_ms"):
        assert is_number(row[key]) and row[key] > 0, key
    for key in ("ours_rg_literal_p50_ratio", "ours_rg_literal_p95_ratio"):
        assert is_number(row[key]), key
    assert all(isinstance(n, int) for n in row["rg_lines"].values())
    pinyin = row["ours_pinyin"]  # the lexicon's load and autocomplete as letters are typed
    assert pinyin["lexicon_load_s"] > 0 and pinyin["lexicon_rss_mb"] >= 0
    assert 0 < pinyin["complete_first_p50_ms"] <= pinyin["complete_first_max_ms"]

    # per-query medians and maxima, and the slowest three of ours
    assert list(row["per_query"]) == MIX
    for query, stats in row["per_query"].items():
        assert stats["literal"] == LITERALS[query]
        engines = ("ours", "base", "rg") if stats["literal"] else ("ours", "base")
        for engine in engines:
            median, most = stats[f"{engine}_median_ms"], stats[f"{engine}_max_ms"]
            assert is_number(median) and is_number(most) and 0 < median <= most, (query, engine)
        if not stats["literal"]:
            assert stats["rg_median_ms"] is None
    assert len(row["ours_slowest"]) == 3
    assert row["ours_slowest"][0]["median_ms"] == max(
        s["ours_median_ms"] for s in row["per_query"].values()
    )


def test_harness_ours_only_no_server(tmp_path, run_benchmark):
    """--ours-only --no-server (the 200 MB and 1 GB runs): our build, queries, anchor and
    recall are measured; nothing of the baseline and no server row is."""
    out = tmp_path / "bench.json"
    run_benchmark(
        "run.py", "--sizes", "0.2", "--quick", "--ours-only", "--no-server", "--json", str(out)
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["options"] == {
        "quick": True,
        "ours_only": True,
        "server": False,
        "previous": None,
        "opensearch": None,
    }
    [row] = report["rows"]
    for key in (
        "ours_build_mbps",
        "ours_build_s",
        "ours_rss_mb",
        "ours_tree_pss_mb",
        "ours_size_ratio",
        "ours_p50_ms",
        "ours_p95_ms",
        "ours_max_query_ms",
        "ours_literal_p50_ms",
        "rg_literal_p50_ms",
        "ours_cold_query_s",
    ):
        assert is_number(row[key]) and row[key] > 0, key
    assert row["ours_substring_hits"] == row["grep"]["ours"]  # literal recall, still checked
    assert list(row["grep"]) == ["ours"]  # no baseline truth computed
    # no baseline number anywhere: not in the row, not in the per-query stats
    assert not [key for key in row if key.startswith("base")]
    assert list(row["per_query"]) == MIX
    for stats in row["per_query"].values():
        assert not [key for key in stats if key.startswith("base")]
        assert is_number(stats["ours_median_ms"])
    assert not [key for key in row if key.startswith("ours_server")]


@pytest.mark.parametrize("tool", ["grep", "rg"])
def test_literal_anchor_counts_lines(tmp_path, tool):
    """rg and its grep fallback time every literal query and count the same lines."""
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed")
    corpus = tmp_path / "corpus"
    files = generate(corpus, 0.05, seed=2)
    result = literal_times(corpus, 2, tool)
    assert list(result) == [q for q in MIX if LITERALS[q] is not None]
    for query, timing in result.items():
        assert len(timing["times"]) == 2 and all(t > 0 for t in timing["times"])
        literal = LITERALS[query]
        expected = sum(
            literal in line
            for path in files
            for line in path.read_text(encoding="utf-8").splitlines()
        )
        assert timing["lines"] == expected, query


def test_previous_engine_row(tmp_path):
    """--previous builds the corpus and loads the server of another checkout with that
    checkout's own interpreter and load test; this checkout stands in for an earlier one."""
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("this checkout has no .venv (scripts/test makes one)")
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    row = previous_server(ROOT, corpus, tmp_path, requests=20)
    assert list((tmp_path / "previous").glob("_MAIN_*.toc"))  # a committed index
    assert row["workers"] == 1 and row["non_2xx"] == 0
    assert row["throughput_rps"] > 0 and row["build_s"] > 0
    assert len(row["commit"]) >= 7
