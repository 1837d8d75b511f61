"""benchmarks/run.py --opensearch URL: the cluster's figures next to the local index's."""

from __future__ import annotations

import json


def test_the_harness_measures_the_cluster(cluster, tmp_path, run_benchmark):
    out = tmp_path / "bench.json"
    run_benchmark(
        "run.py", "--sizes", "0.2", "--quick", "--ours-only", "--no-server",
        "--opensearch", cluster.url, "--json", str(out),
    )  # fmt: skip
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["options"]["opensearch"] == cluster.url
    row = report["rows"][0]
    assert row["cluster_publish_mbps"] > 0 and row["cluster_build_mbps"] > 0
    assert 0 < row["cluster_p50_ms"] <= row["cluster_p95_ms"]
    assert row["cluster_same_counts"] is True  # every query's total and facets
    assert 0 < row["cluster_top10_overlap"] <= 1
