"""Shared fixtures: the seeds, their parsed form, and one index built from them per run."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.api import PolicyIndex
from indexer.ingest.document import ParsedDocument, parse_document
from indexer.ingest.readers import read_document
from indexer.storage import MappedStorage

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# benchmarks/ is not an installed package and --import-mode=importlib leaves the
# checkout off sys.path: without this, `.venv/bin/pytest` (not `python -m pytest`)
# could not import it in tests.
sys.path.insert(0, str(ROOT))


def _run_benchmark(script: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_base(span: int = 2, offset: int = 100) -> int:
    """An HTTP port base whose ``span`` ports and their transport ports (+``offset``)
    are free: for a cluster's nodes (``scripts/opensearch``)."""
    for _ in range(50):
        base = random.randrange(20000, 40000)
        ports = [base + i for i in range(span)] + [base + offset + i for i in range(span)]
        try:
            for port in ports:
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


def _wait_for_server(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Return once ``url`` answers (any status); fail the test with the server's log if
    the server exits first or does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # an error page is an answer
        except OSError:
            time.sleep(0.1)
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    pytest.fail(f"the server did not answer {url}; its log:\n{log.read_text(encoding='utf-8')}")


@pytest.fixture(scope="session")
def free_port():
    """``free_port()``: a loopback port nothing listens on, for a server under test."""
    return _free_port


@pytest.fixture(scope="session")
def cluster_port_base():
    """``cluster_port_base()``: ``free_port_base`` for a two-node cluster."""
    return free_port_base


@pytest.fixture(scope="session")
def wait_for_server():
    """``wait_for_server(url, process, log)``: a started server, or a failed test with its log."""
    return _wait_for_server


@pytest.fixture()
def index_of(tmp_path: Path):
    """Builds an index of a few files given as ``{name: text}``; returns its directory."""

    def build(files: dict[str, str], name: str = "index") -> Path:
        folder = tmp_path / f"{name}-docs"
        folder.mkdir()
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")
        PolicyIndex.update(tmp_path / name, [folder], progress=False)
        return tmp_path / name

    return build


def _seed_variants(folder: Path, copies: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(copies):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8-sig")
        (folder / f"copy{i:03d}.txt").write_text(text + f"\n独有标记第{i}号。\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def seed_variants():
    """``seed_variants(folder, n)``: n variants of the seeds under new names in
    ``folder``, each with a phrase of its own (独有标记第i号); returns the folder."""
    return _seed_variants


def _segment_files(index_dir: Path, extension: str) -> tuple[set[str], set[str]]:
    """The ids of an index's live segments that hold records, and of the segments that
    have a file with ``extension`` (a codes or grams file)."""
    ix = MappedStorage(str(index_dir)).open_index()
    with ix.searcher() as searcher:
        readers = [leaf.reader() for leaf, _ in searcher.leaf_searchers()]
        live = {reader.segment().segment_id() for reader in readers if reader.doc_count_all()}
    ix.close()
    present = {path.name.split(".")[0] for path in index_dir.glob(f"*{extension}")}
    return live, present


@pytest.fixture(scope="session")
def segment_files():
    return _segment_files


@pytest.fixture()
def run_benchmark():
    """Runs a benchmarks/ script in a fresh interpreter, warnings as errors."""
    return _run_benchmark


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5
    return files


@pytest.fixture(scope="session")
def parsed_seeds(seed_files: list[Path]) -> dict[str, ParsedDocument]:
    return {f.name: parse_document(f.name, read_document(f)) for f in seed_files}


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seeds, built once per run; tests must not write to it."""
    path = tmp_path_factory.mktemp("seed-index") / "index"
    PolicyIndex.update(path, [SEEDS], progress=False)
    return path


@pytest.fixture(scope="session")
def seed_index(seed_index_dir: Path) -> PolicyIndex:
    ix = PolicyIndex.open(seed_index_dir)
    yield ix
    ix.close()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()
