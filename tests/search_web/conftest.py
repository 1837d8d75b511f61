"""The web app's fixtures: the app and its test client on the seeds' index, and the app
served by `policy-search serve` in a child process on a free loopback port."""

from __future__ import annotations

import subprocess
import sys

import pytest

from search_web import create_app


@pytest.fixture(scope="module")
def app(seed_index_dir):
    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index_dir)})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def server(seed_index_dir, tmp_path_factory, free_port, wait_for_server):
    """The seeds' index served on loopback: its base URL; stopped, and its log checked,
    when the module is done."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    log = log_path.open("w")  # a pipe nobody reads would fill up and block the server
    command = [sys.executable, "-m", "indexer.cli", "--index", str(seed_index_dir), "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_server(base + "/", process, log_path)
    yield base
    process.terminate()
    process.wait(timeout=15)
    log.close()
    output = log_path.read_text(encoding="utf-8")
    assert process.returncode == 0, output
    assert "GET / 200" in output and "stopped" in output  # request log, clean stop
