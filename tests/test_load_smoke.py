"""The load test runs against a real server on loopback, bounded, and sees no errors."""

import json


def test_load_smoke(tmp_path, seed_index_dir, run_benchmark):
    out = tmp_path / "load.json"
    args = [
        "--index",
        str(seed_index_dir),
        "--clients",
        "4",
        "--requests",
        "60",
        "--json",
        str(out),
    ]
    run_benchmark("load.py", *args)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["requests"] == 60 and report["errors"] == 0 and report["non_2xx"] == 0
    assert report["throughput_rps"] > 0 and report["p50_ms"] <= report["p99_ms"]
    assert report["workers"] == 1 and report["server_pss_mb"] > 0
