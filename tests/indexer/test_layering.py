"""Layering (issue 16): the search side reads the index without loading the writer, and
only the modules that own the risk reach into Whoosh's private names."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import whoosh

WRITERS = (
    "indexer.build",
    "indexer.parallel",
    "indexer.records",
    "indexer.faults",
    "indexer.cluster.publish",
)

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
print(json.dumps("multiprocessing" in sys.modules))
print(json.dumps(sorted({"rjieba", "numpy.ma"} & set(sys.modules))))
"""


def test_searching_never_imports_the_writer(seed_index_dir):
    """Nor multiprocessing (issue 26): what forks workers is the writer's; nor jieba-rs,
    whose model takes longer to build than the index's word table takes to cut a query
    (``analyzers.route``); nor numpy.ma, which ``np.unique`` imports (``arrays.distinct``)."""
    out = subprocess.run(
        [sys.executable, "-c", SEARCH_EVERYTHING, str(seed_index_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert out.returncode == 0, out.stderr
    modules, pool, slow_imports = out.stdout.splitlines()
    loaded = json.loads(modules)
    assert "indexer.store" in loaded and "search_web.pages" in loaded  # it did read
    assert not [name for name in WRITERS if name in loaded], loaded
    assert json.loads(pool) is False  # the lexicon's worker pool belongs to the writer
    assert json.loads(slow_imports) == []


WHOOSH_INTERNALS = {
    "indexer/bulk.py",
    "indexer/storage.py",
    "indexer/parallel.py",
    "indexer/store.py",
}


def test_whoosh_internals_are_touched_in_one_place():
    """Whoosh's private names (any ``self._name`` of its source, and the writer's ``_lk``
    keyword) are read only by the modules that own that risk, which the bulk guard tests
    cover: another module reaching into Whoosh would break silently on its next release."""
    private = {"_lk"}
    for source in Path(whoosh.__path__[0]).rglob("*.py"):
        private.update(re.findall(r"self\.(_[a-z]\w*)", source.read_text("utf-8", "replace")))
    root = Path(__file__).resolve().parents[2]
    touching = set()
    for module in [*root.glob("indexer/**/*.py"), *root.glob("search_web/**/*.py")]:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            foreign = isinstance(node, ast.Attribute) and node.attr in private
            foreign = foreign and not (isinstance(node.value, ast.Name) and node.value.id == "self")
            if foreign or (isinstance(node, ast.keyword) and node.arg in private):
                touching.add(module.relative_to(root).as_posix())
    assert "indexer/bulk.py" in touching  # the scan sees them where they are
    assert touching <= WHOOSH_INTERNALS, touching - WHOOSH_INTERNALS


COMMAND_LINE_SEARCH = """
import contextlib, io, json, sys
from indexer.cli import cli

with contextlib.redirect_stdout(io.StringIO()) as out:
    cli(["--index", sys.argv[1], "search", "三个一批", "--json", "--limit", "10"],
        standalone_mode=False)
assert json.loads(out.getvalue())["total"] > 0
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("indexer.ingest", "urllib")))))
"""


def test_a_command_line_search_imports_no_parser(seed_index_dir):
    """A search pays for no import it does not use (issue 26): not the glossary parser
    nor the metadata extractor (their patterns compile at import: 14 ms of every
    command), whose kinds and labels it reads from ``entries`` and ``labels``."""
    out = subprocess.run(
        [sys.executable, "-c", COMMAND_LINE_SEARCH, str(seed_index_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(out.stdout)
    assert "indexer.ingest.entries" in loaded and "indexer.ingest.labels" in loaded
    assert not {"indexer.ingest.glossary", "indexer.ingest.metadata"} & set(loaded), loaded
    assert "urllib.request" not in loaded  # analyzers.whoosh_import
