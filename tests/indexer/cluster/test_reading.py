"""Serving from a cluster loads neither writer: not the local index's, nor the publisher."""

from __future__ import annotations

import json
import os
import subprocess
import sys

WRITERS = ("indexer.build", "indexer.parallel", "indexer.records", "indexer.cluster.publish")

SEARCH_EVERYTHING = """
import json, sys
from search_web import create_app

client = create_app({"OPENSEARCH": sys.argv[1]}).test_client()
for url in ("/?q=三个一批", "/api/search?q=sgyp", "/glossary?term=13710", "/api/suggest?q=sgy",
            "/docs", "/api/glossary?term=营商环竟"):
    assert client.get(url).status_code == 200, url
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("indexer", "search_web")))))
"""


def test_serving_from_a_cluster_never_imports_a_writer(cluster, seed_index_dir, published):
    published(seed_index_dir, "reading")
    out = subprocess.run(
        [sys.executable, "-c", SEARCH_EVERYTHING, cluster.url],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error", "POLICY_SEARCH_OPENSEARCH_PREFIX": "reading"},
    )
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout)
    assert "indexer.cluster.search" in loaded  # it did read from the cluster
    assert not [name for name in WRITERS if name in loaded], loaded
