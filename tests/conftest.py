"""Shared fixtures: the seeds, their parsed form, and one index built from them per run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.api import PolicyIndex
from indexer.document import ParsedDocument, parse_document
from indexer.readers import read_document

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


@pytest.fixture()
def index_of(tmp_path: Path):
    """Builds an index of a few files given as ``{name: text}``; returns its directory."""

    def build(files: dict[str, str]) -> Path:
        folder = tmp_path / "docs"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        PolicyIndex.update(tmp_path / "index", [folder], progress=False)
        return tmp_path / "index"

    return build


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
