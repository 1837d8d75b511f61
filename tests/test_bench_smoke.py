"""The speed harness and the corpus generator run end to end on a tiny corpus (no timing
assertions: speed lives in the benchmark's ratios, not in tests)."""

import json

from benchmarks.corpus import generate


def test_generator_is_deterministic_and_grows_vocabulary(tmp_path):
    first = generate(tmp_path / "a", 0.2, seed=5)
    second = generate(tmp_path / "b", 0.2, seed=5)
    assert [p.read_text(encoding="utf-8") for p in first] == [
        p.read_text(encoding="utf-8") for p in second
    ]
    assert sum(p.stat().st_size for p in first) >= 0.2 * 2**20
    texts = {p.read_text(encoding="utf-8")[:200] for p in first}
    assert len(texts) == len(first)  # every file differs (region, year, speaker, numbers)


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
        "ours_rss_mb",
    ):
        assert row[key] > 0, key
    assert row["ours_substring_hits"] == row["grep"]["ours"]  # literal recall
    for server in (row["ours_server"], row["ours_server_cached"]):
        assert server["throughput_rps"] > 0 and server["server_peak_rss_mb"] > 0
        assert server["non_2xx"] == 0
