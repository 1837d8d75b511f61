"""The search side reads the index without loading the writer (issue 16): opening,
searching and every page's data come from ``indexer.store`` and the query modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys

WRITERS = ("indexer.build", "indexer.parallel", "indexer.records", "indexer.faults")

SEARCH_EVERYTHING = """
import json, sys
from indexer.api import PolicyIndex
from search_web import create_app

ix = PolicyIndex.open(sys.argv[1])
ix.search("三个一批"); ix.search("sgyp"); ix.search("zuodazuoqiang")
ix.glossary("三个一批"); ix.usage("三个一批"); ix.complete("san"); ix.suggest("营商环竟")
ix.document(ix.documents()[0]["doc"], highlight="项目")
client = create_app({"INDEX_DIR": sys.argv[1]}).test_client()
for url in ("/?q=三个一批", "/glossary", "/api/suggest?q=sgy", "/docs"):
    assert client.get(url).status_code == 200, url
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("indexer", "search_web")))))
"""


def test_searching_never_imports_the_writer(seed_index_dir):
    out = subprocess.run(
        [sys.executable, "-c", SEARCH_EVERYTHING, str(seed_index_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout)
    assert "indexer.store" in loaded and "search_web.pages" in loaded  # it did read
    assert not [name for name in WRITERS if name in loaded], loaded
