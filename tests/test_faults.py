"""Faults a laptop meets: a full disk, a power cut at every step of a commit, a read-only
or vanished index directory. After each, the last commit answers as before, nothing the
failed run wrote is left behind, and the next run completes."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer import build, faults
from indexer.api import PolicyIndex
from indexer.cli import cli
from indexer.errors import IndexWriteError
from indexer.storage import DurableFile, MappedStorage, swap_directories
from search_web import create_app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CLI = [sys.executable, "-m", "indexer.cli"]
SEEDED = {"三个一批": 8, "独有标记": 0}  # what the seeds' index answers
DISK_FULL = r"^disk full while writing .+; the index keeps its last commit$"


def answers(index_dir: Path) -> dict[str, int]:
    with PolicyIndex.open(index_dir) as ix:
        return {query: ix.search(query).total for query in SEEDED}


def listing(index_dir: Path) -> set[str]:
    return set(os.listdir(index_dir))


@pytest.fixture()
def seeded(seed_index_dir, tmp_path):
    """A writable copy of the seeds' index."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index_dir, index_dir)
    return index_dir


# --- disk full -------------------------------------------------------------------


def test_disk_full_at_any_write_keeps_the_last_commit(seeded, tmp_path, monkeypatch, seed_variants):
    """ENOSPC from the N-th write on, for N from the first write of the run to its last:
    each time one line, nothing of the run left on disk, the last commit intact; then
    the run completes once there is space."""
    extra = seed_variants(tmp_path / "extra", 2)  # two files: indexed in this process
    before, listed = answers(seeded), listing(seeded)
    probe = tmp_path / "probe"
    shutil.copytree(seeded, probe)
    monkeypatch.setenv(faults.DISK_FULL_VARIABLE, str(10**12))  # counted, never full
    monkeypatch.setattr(faults, "_writes", 0)
    PolicyIndex.update(probe, [extra], progress=False)
    total, expected = faults._writes, answers(probe)
    assert total > 100  # segment files, records, TOC: the whole run's writes
    points = sorted({1, 2, 3, *(total * k // 12 for k in range(1, 12)), total - 1, total})
    for at in points:
        monkeypatch.setenv(faults.DISK_FULL_VARIABLE, str(at))
        monkeypatch.setattr(faults, "_writes", 0)
        with pytest.raises(IndexWriteError, match=DISK_FULL):
            PolicyIndex.update(seeded, [extra], progress=False)
        assert listing(seeded) == listed, at  # no segment, temp TOC or temp folder left
        assert answers(seeded) == before, at
    monkeypatch.delenv(faults.DISK_FULL_VARIABLE)
    PolicyIndex.update(seeded, [extra], progress=False)
    assert answers(seeded) == expected and expected["独有标记"] == 2


def test_disk_full_in_a_worker_process(seeded, tmp_path, monkeypatch, runner, seed_variants):
    """Enough files for worker processes: the worker's ENOSPC reaches the user as the
    same one line (exit 2), and the workers' segments are deleted."""
    extra = seed_variants(tmp_path / "extra", 9)
    before, listed = answers(seeded), listing(seeded)
    monkeypatch.setenv(faults.DISK_FULL_VARIABLE, "200")  # past the parent's own writes
    monkeypatch.setattr(faults, "_writes", 0)
    result = runner.invoke(cli, ["--index", str(seeded), "index", str(extra)])
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: disk full while writing ") and "MAIN_" in line
    assert line.endswith("; the index keeps its last commit")
    assert listing(seeded) == listed and answers(seeded) == before
    monkeypatch.delenv(faults.DISK_FULL_VARIABLE)
    assert runner.invoke(cli, ["--index", str(seeded), "index", str(extra)]).exit_code == 0
    assert answers(seeded)["独有标记"] == 9


def test_disk_full_during_a_rebuild_removes_the_half_built_index(seeded, tmp_path, monkeypatch):
    before = answers(seeded)
    monkeypatch.setenv(faults.DISK_FULL_VARIABLE, "500")
    monkeypatch.setattr(faults, "_writes", 0)
    with pytest.raises(IndexWriteError, match=DISK_FULL):
        PolicyIndex.update(seeded, [SEEDS], rebuild=True, progress=False)
    assert not seeded.with_name("index.rebuilding").exists()  # its space given back
    assert answers(seeded) == before


@contextmanager
def mounted_tmpfs(folder: Path, size: str):
    """A tmpfs of ``size`` at ``folder`` (root only; skips the test elsewhere)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small file system needs root")
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True)


def test_a_real_full_disk(seed_index_dir, tmp_path, seed_variants):
    """A file system that is really full: the CLI says so in one line and exits 2; once
    the file system grows, the same command completes."""
    with mounted_tmpfs(tmp_path / "disk", "64m") as disk:
        index_dir = disk / "index"
        shutil.copytree(seed_index_dir, index_dir)
        before, listed = answers(index_dir), listing(index_dir)
        used = shutil.disk_usage(disk).used
        remount(disk, f"size={used + (1 << 20)}")  # 1 MB free: too little for 40 reports
        extra = seed_variants(tmp_path / "extra", 40)
        command = [*CLI, "--index", str(index_dir), "index", str(extra)]
        full = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert full.returncode == 2, full.stderr
        [line] = full.stderr.strip().splitlines()
        assert "disk full while writing" in line and "keeps its last commit" in line
        assert listing(index_dir) == listed and answers(index_dir) == before
        remount(disk, "size=256m")
        grown = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert grown.returncode == 0, grown.stderr
        assert answers(index_dir)["独有标记"] == 40


# --- power cut at every step of a commit ------------------------------------------


def test_power_cut_after_every_step_of_a_run(seeded, tmp_path, seed_variants):
    """The run killed (its whole process group, as a power cut) right after each of its
    durable steps in turn — every file written and synced, every rename — until a run
    completes: each time the index opens at the last commit or the new one."""
    extra = seed_variants(tmp_path / "extra", 1)
    old, probe = answers(seeded), tmp_path / "probe"
    shutil.copytree(seeded, probe)
    PolicyIndex.update(probe, [extra], progress=False)
    new = answers(probe)
    assert new != old
    command = [*CLI, "--index", str(seeded), "index", str(extra)]
    seen = []
    for step in range(1, 200):
        env = {**os.environ, faults.CRASH_VARIABLE: f"{faults.STEP}{step}"}
        run = subprocess.run(
            command, env=env, start_new_session=True, capture_output=True, timeout=120
        )
        now = answers(seeded)
        assert now in (old, new), (step, now)
        seen.append(now == new)
        if run.returncode == 0:
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
    else:
        pytest.fail("the run never completed")
    assert step > 10  # every segment file, the TOC and its rename were steps
    assert seen == sorted(seen)  # the new commit appears once, and stays
    assert seen[-1]
    leftovers = {n for n in listing(seeded) if ".toc." in n or n.endswith(".tmp")}
    assert not leftovers  # what the killed runs left was cleaned by the one that finished


def test_files_reach_the_disk_before_the_commit_names_them(
    seeded, tmp_path, monkeypatch, seed_variants
):
    """fsync order, as SQLite and Lucene keep it: every file of the new commit (its
    segments and its tables' runs), and the new TOC, is synced before the TOC is renamed
    into place (under its name, or a temporary one renamed to it before); the directory
    right after."""
    events: list[str] = []
    real_fsync, real_rename = os.fsync, MappedStorage.rename_file

    def fsync(fd: int) -> None:
        events.append(f"sync {os.path.basename(os.readlink(f'/proc/self/fd/{fd}'))}")
        real_fsync(fd)

    def rename(self, old: str, new: str, safe: bool = False) -> None:
        events.append(f"rename {old} {new}")
        real_rename(self, old, new, safe=safe)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(MappedStorage, "rename_file", rename)
    listed = listing(seeded)
    PolicyIndex.update(seeded, [seed_variants(tmp_path / "extra", 1)], progress=False)
    [publish] = [i for i, event in enumerate(events) if event.startswith("rename _MAIN_")]
    _, temporary, toc = events[publish].split()
    renamed = dict(e.split()[1:] for e in events[:publish] if e.startswith("rename "))
    synced = [event.split()[1] for event in events[:publish] if event.startswith("sync")]
    synced_before = {renamed.get(name, name) for name in synced}
    new_files = listing(seeded) - listed - {toc}
    assert new_files and all(name.startswith(("MAIN_", "ledger-")) for name in new_files)
    assert any(name.startswith("ledger-") for name in new_files)  # the tables' new runs
    assert new_files | {temporary} <= synced_before
    assert events[publish + 1] == f"sync {seeded.name}"  # the rename itself made durable


def test_rebuild_swaps_the_index_in_one_step(tmp_path):
    """Between the old and the new index there is no moment without one: the folders
    are exchanged in one rename (renameat2), not moved aside and back."""
    live, fresh = tmp_path / "index", tmp_path / "index.rebuilding"
    live.mkdir(), fresh.mkdir()
    (live / "which").write_text("old"), (fresh / "which").write_text("new")
    swap_directories(fresh, live)
    assert (live / "which").read_text() == "new"
    assert (fresh / "which").read_text() == "old"


def test_a_durable_file_is_synced_when_closed(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    file = DurableFile(str(tmp_path / "f"), "wb", exclusive=True)
    file.write(b"data")
    assert not synced
    file.close()
    assert len(synced) == 1 and (tmp_path / "f").read_bytes() == b"data"
    with pytest.raises(FileExistsError):
        DurableFile(str(tmp_path / "f"), "wb", exclusive=True)


# --- read-only or vanished index directory ---------------------------------------


@contextmanager
def read_only(folder: Path, tmp_path: Path, seed_index_dir: Path):
    """An index in a read-only directory: a read-only mount as root, file modes
    otherwise (root ignores them)."""
    if os.geteuid() == 0:
        with mounted_tmpfs(tmp_path / "ro", "64m") as disk:
            shutil.copytree(seed_index_dir, disk / "index")
            remount(disk, "ro")
            yield disk / "index"
            remount(disk, "rw")
        return
    shutil.copytree(seed_index_dir, folder)
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


def test_an_index_run_on_a_read_only_directory_refuses_at_once(
    seed_index_dir, tmp_path, runner, monkeypatch, seed_variants
):
    def not_reached(*args, **kwargs):
        raise AssertionError("the run read files before finding it cannot write")

    monkeypatch.setattr(build, "_read_changed", not_reached)
    extra = seed_variants(tmp_path / "extra", 1)
    with read_only(tmp_path / "index", tmp_path, seed_index_dir) as index_dir:
        result = runner.invoke(cli, ["--index", str(index_dir), "index", str(extra)])
        assert result.exit_code == 2, result.output
        [line] = result.output.strip().splitlines()
        assert line.startswith(f"Error: cannot write to {index_dir} (")
        assert line.endswith("; the index keeps its last commit")
        assert answers(index_dir) == SEEDED  # and it still answers


def test_a_server_keeps_answering_from_a_read_only_directory(seed_index_dir, tmp_path):
    with read_only(tmp_path / "index", tmp_path, seed_index_dir) as index_dir:
        client = create_app({"INDEX_DIR": str(index_dir), "RESULT_CACHE": 0}).test_client()
        response = client.get("/api/search?q=三个一批")
        assert response.status_code == 200 and response.json["total"] == 8


def timeless(response) -> str:
    """A response's body without the time it took."""
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.sub(r'"elapsed_ms":[0-9.]+|用时 [0-9.]+ 毫秒', "", response.get_data(as_text=True))


def in_a_new_thread(client, url):
    """A request from a thread the server has not used: its reads map files anew."""
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("r", client.get(url)))
    thread.start()
    thread.join()
    return out["r"]


def test_a_server_outlives_its_vanished_directory(seeded, tmp_path, seed_variants):
    """The index directory is moved away under a running server: searches, pages and
    lookups go on answering from what is mapped, new threads included; when it comes
    back with a new commit, the server moves to that commit."""
    client = create_app({"INDEX_DIR": str(seeded), "RESULT_CACHE": 0}).test_client()
    urls = ["/api/search?q=三个一批", "/api/glossary?term=三个一批", "/?q=营商环境", "/api/docs"]
    first = [timeless(client.get(url)) for url in urls]
    aside = tmp_path / "moved-away"
    os.rename(seeded, aside)
    for url, body in zip(urls, first, strict=True):
        assert timeless(client.get(url)) == body, url
        assert timeless(in_a_new_thread(client, url)) == body, url
    assert client.get("/api/search?q=工一批").status_code == 200  # a query not asked before
    PolicyIndex.update(aside, [seed_variants(tmp_path / "extra", 1)], progress=False)
    os.rename(aside, seeded)
    assert client.get("/api/search?q=独有标记").json["total"] == 1


def test_an_unreadable_index_is_a_503_not_a_traceback(seed_index_dir, monkeypatch):
    app = create_app({"INDEX_DIR": str(seed_index_dir), "RESULT_CACHE": 0})
    client = app.test_client()

    def unreadable(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(seed_index_dir / "MAIN_x.pst"))

    monkeypatch.setattr(PolicyIndex, "search", unreadable)
    response = client.get("/api/search?q=三个一批")
    assert response.status_code == 503
    assert response.json == {
        "ok": False,
        "error": f"the index cannot be read just now ({os.strerror(errno.EIO)}); try again",
        "status": 503,
    }
    page = client.get("/?q=三个一批")
    assert page.status_code == 503 and "try again" in page.get_data(as_text=True)
