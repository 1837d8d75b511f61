"""scripts/opensearch starts a real two-node OpenSearch cluster from Maven Central's jars
(issue 28): green with both nodes, an index with a replica answers exact totals, and it
keeps answering every document when a node dies; `stop` leaves nothing running."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "opensearch"

pytestmark = pytest.mark.skipif(
    not (shutil.which("java") and shutil.which("mvn")), reason="needs Java 17 and Maven"
)


def _call(url: str, method: str = "GET", body: object = None) -> dict:
    data = None
    if body is not None:
        lines = body if isinstance(body, str) else json.dumps(body)
        data = lines.encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header(
        "Content-Type", "application/x-ndjson" if isinstance(body, str) else "application/json"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def test_a_two_node_cluster_from_maven_central_survives_a_node(tmp_path, cluster_port_base):
    folder = tmp_path / "cluster"
    base = cluster_port_base()
    started = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "start",
            "--nodes",
            "2",
            "--http-port",
            str(base),
            "--dir",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert started.returncode == 0, started.stderr[-3000:]
    url = started.stdout.strip()
    assert url == f"http://127.0.0.1:{base}"
    pids = json.loads((folder / "cluster.json").read_text(encoding="utf-8"))["pids"]
    try:
        health = _call(f"{url}/_cluster/health")
        assert health["status"] == "green" and health["number_of_nodes"] == 2
        _call(
            f"{url}/paragraphs",
            "PUT",
            {"settings": {"number_of_shards": 2, "number_of_replicas": 1}},
        )
        docs = "".join(
            json.dumps({"index": {"_id": str(i)}})
            + "\n"
            + json.dumps({"text": f"营商 环境 {i}"})
            + "\n"
            for i in range(200)
        )
        assert not _call(f"{url}/paragraphs/_bulk?refresh=true", "POST", docs)["errors"]
        _call(f"{url}/_cluster/health?wait_for_status=green&timeout=60s")
        query = {"query": {"match": {"text": "营商"}}, "track_total_hits": True, "size": 0}
        assert _call(f"{url}/paragraphs/_search", "POST", query)["hits"]["total"]["value"] == 200
        # The second node dies: the first answers every document from the replicas.
        os.kill(pids[1], signal.SIGKILL)
        answer = _call(f"{url}/paragraphs/_search", "POST", query)
        assert answer["hits"]["total"] == {"value": 200, "relation": "eq"}
    finally:
        stopped = subprocess.run(
            [sys.executable, str(SCRIPT), "stop", "--dir", str(folder)],
            capture_output=True,
            text=True,
        )
    assert stopped.returncode == 0, stopped.stderr
    assert not folder.exists()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
