"""The load test runs against a real server on loopback, bounded, and sees no errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_load_smoke(tmp_path, seed_index_dir):
    out = tmp_path / "load.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "load.py"),
            "--index",
            str(seed_index_dir),
            "--clients",
            "4",
            "--requests",
            "60",
            "--max-seconds",
            "60",
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["requests"] == 60 and report["errors"] == 0 and report["non_2xx"] == 0
    assert report["throughput_rps"] > 0 and report["p50_ms"] <= report["p99_ms"]
