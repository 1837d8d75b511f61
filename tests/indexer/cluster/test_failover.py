"""``serve --opensearch``: a node going down under load costs no failed request (the
client retries on the other node, the cluster answers from the replicas), and the
node's return is picked up.

The node that dies is the one not elected cluster manager: with two nodes, losing the
elected one leaves no quorum to elect another (reads go on, allocation does not), which
is why a production cluster has three manager-eligible nodes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.load import PATHS, run_load
from indexer.cluster.connection import connect


def test_a_node_dies_under_load_and_comes_back(
    cluster, seed_index_dir: Path, published, free_port, wait_for_server, tmp_path, monkeypatch
):
    ix = published(seed_index_dir, "failover")
    client = connect(cluster.url)
    try:
        manager = client.cat.cluster_manager(format="json")[0]["node"]
    finally:
        client.close()
    victim = 2 if manager == "node-1" else 1
    doc = ix.documents()[0]["doc"]
    paths = [path.format(doc=doc) for path in PATHS]
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "indexer.cli", "serve", "--opensearch", cluster.url]
    command += ["--port", str(port), "--threads", "4", "--result-cache", "0"]
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_server(f"http://127.0.0.1:{port}/api/docs", server, log)
        report: dict = {}
        load = threading.Thread(
            target=lambda: report.update(run_load(port, paths, 4, 100_000, 40)), daemon=True
        )
        load.start()
        time.sleep(5)
        cluster.kill_node(victim)
        time.sleep(10)  # searches go on, on the other node alone
        cluster.start_node(victim)  # back, and the cluster green again with both
        load.join()
        assert report["requests"] > 100
        assert report["errors"] == 0 and report["non_2xx"] == 0, (report, log.read_text()[-3000:])
    finally:
        server.terminate()
        server.wait(timeout=15)
    client = connect(cluster.url)
    try:
        health = client.cluster.health(wait_for_status="green", request_timeout=60)
        assert health["number_of_nodes"] == 2 and health["status"] == "green"
    finally:
        client.close()
    assert ix.search("三个一批").total == 8
