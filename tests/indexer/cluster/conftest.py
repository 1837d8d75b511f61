"""A real two-node OpenSearch cluster for the cluster store's tests, started once per run
by ``scripts/opensearch`` (Maven Central's jars, cached in ~/.m2) and stopped after."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.cluster.publish import publish_to
from indexer.cluster.search import ClusterIndex

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "opensearch"

pytestmark = pytest.mark.skipif(
    not (shutil.which("java") and shutil.which("mvn")), reason="needs Java 17 and Maven"
)


class Cluster:
    """The running cluster: its nodes' URLs, and a node killed and brought back."""

    def __init__(self, folder: Path, base: int) -> None:
        self.folder, self.base = folder, base
        # Both nodes: the client goes on through the other when one is down.
        self.url = f"http://127.0.0.1:{base},http://127.0.0.1:{base + 1}"

    def script(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), *args, "--dir", str(self.folder)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()

    def kill_node(self, node: int) -> None:
        self.script("kill-node", str(node))

    def start_node(self, node: int) -> None:
        self.script("start-node", str(node))


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory, cluster_port_base) -> Iterator[Cluster]:
    if not (shutil.which("java") and shutil.which("mvn")):
        pytest.skip("needs Java 17 and Maven")
    base = cluster_port_base()
    running = Cluster(tmp_path_factory.mktemp("opensearch") / "cluster", base)
    running.script("start", "--nodes", "2", "--http-port", str(base))
    yield running
    running.script("stop")


@pytest.fixture()
def published(cluster: Cluster, monkeypatch: pytest.MonkeyPatch):
    """``published(index_dir, prefix)``: the local index published to the cluster under
    its own name prefix (2 shards, 1 replica), opened as a ``ClusterIndex``."""
    opened: list[ClusterIndex] = []

    def publish(index_dir: Path, prefix: str) -> ClusterIndex:
        monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_PREFIX", prefix)
        publish_to(index_dir, cluster.url, shards=2, replicas=1, progress=False)
        opened.append(ClusterIndex.open(cluster.url))
        return opened[-1]

    yield publish
    for ix in opened:
        ix.close()
