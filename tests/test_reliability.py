"""Reliability: kill -9 while indexing, indexing while serving, concurrent writers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from indexer.api import PolicyIndex
from indexer.bulk import live_records
from indexer.cli import cli
from indexer.faults import CRASH_VARIABLE, LOCK_HELD, PAUSE_VARIABLE, SEGMENT_WRITTEN

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CLI = [sys.executable, "-m", "indexer.cli"]


def test_kill_9_while_indexing_keeps_the_last_commit(tmp_path, seed_variants):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [SEEDS], progress=False)
    corpus = tmp_path / "corpus"
    seed_variants(corpus, 24)
    committed = {p.name for p in index_dir.iterdir()}
    killed = subprocess.run(  # dies with its workers once a worker's segment is on disk
        [*CLI, "--index", str(index_dir), "index", str(corpus)],
        env={**os.environ, CRASH_VARIABLE: SEGMENT_WRITTEN},
        start_new_session=True,  # its own process group: the crash kills nothing else
        capture_output=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = {p.name for p in index_dir.iterdir()} - committed
    assert any(name.startswith("MAIN_") for name in left)  # a segment, never committed
    with PolicyIndex.open(index_dir) as ix:  # opens, answers with the last commit
        assert ix.search("三个一批").total == 8
        assert ix.search("独有标记").total == 0  # none of the killed run
    finished = subprocess.run(
        [*CLI, "--index", str(index_dir), "index", str(corpus)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr  # no stale lock, no --rebuild needed
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("独有标记").total == 24


def test_second_writer_fails_with_one_line(seed_index_dir, tmp_path, runner, seed_variants):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    extra = tmp_path / "extra"
    seed_variants(extra, 1)
    ix = whoosh_index.open_dir(str(index_dir))
    writer = ix.writer()
    try:
        result = runner.invoke(cli, ["--index", str(index_dir), "index", str(extra)])
    finally:
        writer.cancel()
        ix.close()
    assert result.exit_code == 2
    assert "another `policy-search index` is writing" in result.output
    assert result.output.count("\n") == 1


def get_json(url: str, timeout: float = 30) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_index_while_serving(seed_index_dir, tmp_path, free_port, wait_for_server, seed_variants):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")  # a file, not a pipe nobody reads: a full
    server = subprocess.Popen(  # pipe would block the server's access log, and it
        [*CLI, "--index", str(index_dir), "serve", "--port", str(port)],  # with it
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/api/search?q="
    try:
        wait_for_server(base + "x", server, tmp_path / "serve.log")
        statuses: list[int] = []
        slow: list[str] = []
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    statuses.append(get_json(base + urllib.parse.quote("三个一批"))[0])
                except OSError as exc:
                    statuses.append(-1)
                    slow.append(f"{exc} after {time.monotonic() - started:.1f}s")

        poller = threading.Thread(target=poll)
        poller.start()
        corpus = tmp_path / "new"
        seed_variants(corpus, 6)
        subprocess.run(
            [*CLI, "--index", str(index_dir), "index", str(corpus)], check=True, capture_output=True
        )
        time.sleep(0.3)
        stop.set()
        poller.join()
        assert statuses and set(statuses) == {200}, slow
        status, data = get_json(base + urllib.parse.quote("独有标记"))
        assert status == 200 and data["total"] == 6  # the new commit, without a restart
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def _stopped(pid: int) -> bool:
    """Whether ``pid`` is stopped (SIGSTOP): the state after the command name in stat."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T"


def test_a_second_writer_names_the_first_and_a_dead_one_never_blocks(
    seed_index_dir, tmp_path, seed_variants
):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    corpus = tmp_path / "corpus"
    seed_variants(corpus, 1)
    first = subprocess.Popen(  # stops itself while holding the write lock
        [*CLI, "--index", str(index_dir), "index", str(corpus)],
        env={**os.environ, PAUSE_VARIABLE: LOCK_HELD},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _stopped(first.pid):
            assert time.monotonic() < deadline and first.poll() is None, "never held the lock"
            time.sleep(0.05)
        for args in (["index", str(corpus)], ["index", "--rebuild", str(SEEDS)]):
            second = subprocess.run(
                [*CLI, "--index", str(index_dir), *args], capture_output=True, text=True
            )
            assert second.returncode == 2, second.stderr
            assert f"(pid {first.pid}, started " in second.stderr, second.stderr
            assert second.stderr.count("\n") == 1
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # dies holding the lock: the kernel frees it
        first.wait(timeout=10)
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("独有标记").total == 0 and ix.search("三个一批").total == 8
    third = subprocess.run(
        [*CLI, "--index", str(index_dir), "index", str(corpus)], capture_output=True, text=True
    )
    assert third.returncode == 0, third.stderr
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("独有标记").total == 1


def _flip(path: Path) -> None:
    """Invert 64 bytes a third of the way into ``path``, as a failing disk might."""
    data = bytearray(path.read_bytes())
    start = len(data) // 3
    data[start : start + 64] = bytes(b ^ 0xFF for b in data[start : start + 64])
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


@pytest.mark.parametrize(
    ("pattern", "damage"),
    [
        ("*.pst", _truncate),
        ("*.pst", _flip),
        ("*._stored.col", _flip),
        ("*.key.col", _flip),
        ("*.codes", _flip),
        ("*.codes", os.remove),
        ("*.firsts", _flip),
        ("*.firsts", os.remove),
    ],
    ids=[
        "postings-truncated",
        "postings-flipped",
        "records-flipped",
        "keys-flipped",
        "codes-flipped",
        "codes-missing",
        "firsts-flipped",
        "firsts-missing",
    ],
)
def test_check_names_the_damaged_segment(seed_index_dir, tmp_path, runner, pattern, damage):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    clean = runner.invoke(cli, ["check", "--index", str(index_dir)])
    assert clean.exit_code == 0 and clean.output.startswith("ok: "), clean.output
    (target,) = index_dir.glob(pattern)
    damage(target)
    damaged = runner.invoke(cli, ["check", "--index", str(index_dir), "--json"])
    report = json.loads(damaged.stdout)
    assert damaged.exit_code == 2 and report["ok"] is False
    (problem,) = report["problems"]
    assert problem.startswith(str(index_dir / target.name.split(".")[0])) and "damaged" in problem


@pytest.mark.parametrize("damage", [_truncate, _flip], ids=["truncated", "flipped"])
def test_check_names_a_damaged_table_run_and_repair_refuses_it(
    seed_index_dir, tmp_path, runner, damage
):
    """The corpus's tables (``indexer.ledger``) are read whole and checksummed; a damaged
    run is named, and only a rebuild mends it (it sums every report)."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    clean = json.loads(runner.invoke(cli, ["check", "--index", str(index_dir), "--json"]).stdout)
    assert clean["runs"] >= 9
    target = max(index_dir.glob("ledger-contexts-*.run"), key=lambda p: p.stat().st_size)
    damage(target)
    damaged = runner.invoke(cli, ["check", "--index", str(index_dir), "--json"])
    assert damaged.exit_code == 2
    (problem,) = json.loads(damaged.stdout)["problems"]
    assert problem.startswith(str(target)) and "damaged" in problem
    before = {p.name: p.stat().st_mtime_ns for p in index_dir.iterdir()}
    refused = runner.invoke(cli, ["check", "--repair", "--index", str(index_dir)])
    assert refused.exit_code == 2
    [line] = refused.output.strip().splitlines()
    assert target.name in line and "index --rebuild" in line, line
    assert {p.name: p.stat().st_mtime_ns for p in index_dir.iterdir()} == before


@pytest.mark.parametrize(
    "damage", [_truncate, _flip, os.remove], ids=["truncated", "flipped", "missing"]
)
def test_check_names_a_damaged_word_table_and_repair_writes_it_again(
    seed_index_dir, tmp_path, runner, damage
):
    """The word table readers cut queries from (``indexer.wordtable``) is checksummed by
    ``check``; jieba's dictionary alone makes it, so ``--repair`` writes it again, and
    searching meanwhile falls back to jieba-rs where it cannot be mapped."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    (target,) = index_dir.glob("jieba-*.words")
    whole = target.read_bytes()
    want = runner.invoke(cli, ["search", "营商环境", "--json", "--index", str(index_dir)]).stdout
    damage(target)
    damaged = runner.invoke(cli, ["check", "--index", str(index_dir), "--json"])
    assert damaged.exit_code == 2
    (problem,) = json.loads(damaged.stdout)["problems"]
    assert problem.startswith(str(target)) and "damaged" in problem
    if damage is not _flip:  # cannot be mapped: jieba-rs cuts
        got = runner.invoke(cli, ["search", "营商环境", "--json", "--index", str(index_dir)])
        assert got.exit_code == 0 and got.stdout == want
    repaired = runner.invoke(cli, ["check", "--repair", "--index", str(index_dir)])
    assert repaired.exit_code == 0, repaired.output
    assert repaired.output.startswith("repaired: 0 damaged segment(s) dropped, 0 report(s)")
    assert "the word table written again" in repaired.output
    assert target.read_bytes() == whole


REPAIR_QUERIES = ["三个一批", "独有标记", "营商环境", "发展", "工一批"]


def everything_found(index_dir: Path) -> dict[str, Any]:
    """Every matching paragraph (report, paragraph; which copy of a text is the hit
    follows the document numbers) and the facets of a few queries."""
    with PolicyIndex.open(index_dir) as ix:
        found = {}
        for query in REPAIR_QUERIES:
            result = ix.search(query, limit=None)
            shown = sorted((h.doc, h.paragraph) for _, h in result.every_paragraph())
            found[query] = (result.total, result.facets, result.hits_total, shown)
        return found


def segment_of_reports_only(index_dir: Path, named: str = "") -> str:
    """A segment of the last commit whose live records are all of reports (no dictionary)
    whose ids start with ``named``."""
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.searcher() as searcher:
            for leaf, _ in searcher.leaf_searchers():
                reader = leaf.reader()
                docs = {doc for doc, _ in live_records(reader)}
                if docs and "" not in docs and all(d.startswith(named) for d in docs):
                    return reader.segment().segment_id()
    finally:
        ix.close()
    raise AssertionError("no segment holds only reports")


@pytest.fixture()
def two_runs(seed_index_dir, tmp_path, seed_variants):
    """The seeds' index plus nine variants indexed by worker processes (their segments
    hold reports only); and an untouched copy of it."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    PolicyIndex.update(index_dir, [seed_variants(tmp_path / "variants", 9)], progress=False)
    shutil.copytree(index_dir, tmp_path / "intact")
    return index_dir, tmp_path / "intact"


def test_check_repair_reindexes_only_the_damaged_segments_reports(two_runs, runner):
    index_dir, intact = two_runs
    segment = segment_of_reports_only(index_dir)
    _flip(index_dir / f"{segment}.pst")
    assert runner.invoke(cli, ["check", "--index", str(index_dir)]).exit_code == 2
    repaired = runner.invoke(cli, ["check", "--repair", "--index", str(index_dir)])
    assert repaired.exit_code == 0, repaired.output
    lines = repaired.output.strip().splitlines()
    assert lines[0].startswith("repaired: 1 damaged segment(s) dropped, ")
    assert "re-indexed from their source files" in lines[0] and lines[1].startswith("ok: ")
    assert not list(index_dir.glob(f"{segment}.*"))  # the damaged files are gone
    assert everything_found(index_dir) == everything_found(intact)
    with PolicyIndex.open(index_dir) as fixed, PolicyIndex.open(intact) as whole:
        assert fixed.complete("sgyp") == whole.complete("sgyp")  # lexicon untouched


def test_check_repair_refuses_what_it_cannot_mend(two_runs, seed_index_dir, tmp_path, runner):
    """A segment holding the dictionary, or reports whose source changed: one line that
    says to rebuild, exit 2, the index as it was."""
    index_dir, _ = two_runs
    segment = segment_of_reports_only(index_dir, named="copy")  # a variant's: ours to edit
    _flip(index_dir / f"{segment}.pst")
    for path in (tmp_path / "variants").iterdir():
        path.write_text(path.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    before = {p.name for p in index_dir.iterdir()}
    refused = runner.invoke(cli, ["check", "--repair", "--index", str(index_dir)])
    assert refused.exit_code == 2, refused.output
    [line] = refused.output.strip().splitlines()
    assert "has changed since it was indexed" in line and "index --rebuild" in line, line
    assert {p.name for p in index_dir.iterdir()} == before

    single = tmp_path / "single"  # one run, one segment: the dictionary is in it too
    shutil.copytree(seed_index_dir, single)
    (pst,) = single.glob("*.pst")
    _flip(pst)
    refused = runner.invoke(cli, ["check", "--repair", "--index", str(single)])
    assert refused.exit_code == 2
    [line] = refused.output.strip().splitlines()
    assert "holds the index's dictionary" in line and "index --rebuild" in line, line
