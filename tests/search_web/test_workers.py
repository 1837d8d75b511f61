"""`serve --workers N`: gunicorn processes on loopback answer like one process, and stop."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from indexer.cli import cli

CLI = [sys.executable, "-m", "indexer.cli"]
HOST = "127.0.0.1"
QUERIES = ["三个一批", "优化 营商环境", "sgyp", "發展"]
# One access log line per request, with the pid of the worker that answered it.
ACCESS_LINE = re.compile(r"^\S+ \S+ \[(\d+)\] GET /api/search\?q=\S+ 200 \d+\.\dms$", re.MULTILINE)


class Server:
    """`policy-search serve` in a child process, its log in a file (a pipe nobody reads
    would fill up and block it)."""

    def __init__(self, index_dir: Path, log: Path, port: int, *options: str) -> None:
        self.port = port
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [*CLI, "--index", str(index_dir), "serve", "--host", HOST]
                + ["--port", str(self.port), *options],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONWARNINGS": "error"},
            )

    def get(self, path: str) -> dict:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request("GET", urllib.parse.quote(path, safe="/?=&"))
            response = connection.getresponse()
            assert response.status == 200, response.read()
            return json.loads(response.read())
        finally:
            connection.close()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except OSError:
            pass
    return found


def pids_answering(server: Server, connections: int) -> set[int]:
    """Search on ``connections`` connections at once; which processes answered, by the
    access log's ``[pid]`` (a response closes its connection: the next one is accepted
    by whichever worker is free)."""
    opened = [http.client.HTTPConnection(HOST, server.port, timeout=30) for _ in range(connections)]
    try:
        for connection in opened:
            connection.request("GET", "/api/search?q=" + urllib.parse.quote("三个一批"))
        for connection in opened:
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("Connection") == "close"
    finally:
        for connection in opened:
            connection.close()
    return {int(pid) for pid in ACCESS_LINE.findall(server.log.read_text())}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gunicorn runs on Linux")
def test_workers_answer_like_one_process_and_stop_on_sigterm(
    seed_index_dir, seed_index, tmp_path, free_port, wait_for_server
):
    options = ("--workers", "2", "--threads", "2")
    server = Server(seed_index_dir, tmp_path / "workers.log", free_port(), *options)
    try:
        wait_for_server(f"http://{HOST}:{server.port}/api/docs", server.process, server.log)
        for query in QUERIES:  # the one-process answer: test_web checks /api/search is it
            expected = seed_index.search(query, limit=10).as_dict()
            got = server.get(f"/api/search?q={query}&limit=10")
            assert (got["total"], got["hits"]) == (expected["total"], expected["hits"]), query
        assert server.get("/api/search?q=三个一批")["total"] >= 8

        deadline = time.monotonic() + 20
        workers = children(server.process.pid)
        while len(workers) < 2 and time.monotonic() < deadline:  # the second may boot later
            time.sleep(0.1)
            workers = children(server.process.pid)
        assert len(workers) == 2, server.log.read_text()
        answered: set[int] = set()
        while len(answered) < 2 and time.monotonic() < deadline:
            answered = pids_answering(server, connections=6)
        assert answered == workers, f"answers only from {answered} of {workers}"
    finally:
        status = server.stop()
    log = server.log.read_text()
    assert status == 0, log
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], log
    assert not children(server.process.pid)
    assert "policy-search serving on http://127.0.0.1:" in log and "with 2 workers" in log
    assert len(ACCESS_LINE.findall(log)) >= len(QUERIES) + 2, log  # one line per request
    assert "Exception" not in log and "Traceback" not in log, log
    assert log.rstrip().endswith("stopped"), log  # the master closed its index last


@pytest.mark.parametrize("broken", ["platform", "import"])
def test_workers_without_gunicorn_fail_with_one_line(monkeypatch, runner, tmp_path, broken):
    if broken == "platform":
        monkeypatch.setattr(sys, "platform", "darwin")
    else:
        monkeypatch.setitem(sys.modules, "gunicorn.app.base", None)  # import fails
    result = runner.invoke(cli, ["--index", str(tmp_path), "serve", "--workers", "2"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: --workers 2 needs gunicorn on Linux: ")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_get_ignores_workers(monkeypatch, runner, seed_index_dir):
    monkeypatch.setattr(sys, "platform", "darwin")  # --get runs no server at all
    result = runner.invoke(
        cli, ["--index", str(seed_index_dir), "serve", "--workers", "2", "--get", "/api/docs"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)
