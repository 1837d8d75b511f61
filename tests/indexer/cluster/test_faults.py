"""What goes wrong with a cluster says so in one line (exit 2, or a 503 JSON error) and
loses nothing: unreachable, wrong credentials, red, an index of another schema."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest

from indexer.api import PolicyIndex
from indexer.cli import cli
from indexer.cluster.connection import connect
from indexer.cluster.layout import META_ID
from indexer.cluster.publish import publish_to
from indexer.errors import IndexUnavailable
from search_web import create_app

UNREACHABLE = "http://127.0.0.1:9"  # discard: nothing listens


def _one_line(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    for word in words:
        assert word in result.output


@pytest.fixture()
def served(cluster, seed_index_dir: Path, published):
    """The seeds published under their own prefix; the CLI's and the app's view of it."""
    published(seed_index_dir, "faults")
    return cluster.url


def _cli(runner, url: str, *args: str):
    return runner.invoke(
        cli, [*args, "--opensearch", url], env={"POLICY_SEARCH_OPENSEARCH_PREFIX": "faults"}
    )


def test_an_unreachable_cluster(runner, tmp_path, seed_files, seed_index_dir):
    for args in (["search", "发展"], ["glossary", "六稳"], ["docs"], ["serve", "--get", "/"]):
        _one_line(runner.invoke(cli, [*args, "--opensearch", UNREACHABLE]), "cannot reach")
    _one_line(runner.invoke(cli, ["docs", "--opensearch", "ftp://x"]), "no http(s)://")
    # Indexing: the local index is written, the cluster's failure said in one line.
    index_dir = tmp_path / "index"
    result = runner.invoke(
        cli, ["index", str(seed_files[0]), "--index", str(index_dir), "--opensearch", UNREACHABLE]
    )
    _one_line(result, "cannot reach")
    with PolicyIndex.open(index_dir) as ix:
        assert len(ix.documents()) == 1


class _Refusing(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = json.dumps({"error": {"type": "security_exception", "reason": "unauthorized"}})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    do_HEAD = do_POST = do_PUT = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


def test_wrong_credentials(runner, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_AUTH", "reader:wrong")
        _one_line(runner.invoke(cli, ["search", "发展", "--opensearch", url]), "credentials")
        monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_AUTH", "no-colon")
        _one_line(runner.invoke(cli, ["search", "发展", "--opensearch", url]), "user:password")
    finally:
        server.shutdown()
        server.server_close()


def test_a_red_cluster_then_its_return(cluster, seed_index_dir, runner, monkeypatch):
    """No replicas, and a node holding a shard dies: red until it is back, with all."""
    monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_PREFIX", "red")
    publish_to(seed_index_dir, cluster.url, shards=2, replicas=0)
    app = create_app({"TESTING": True, "OPENSEARCH": cluster.url, "RESULT_CACHE": 0})
    web = app.test_client()
    before = _comparable(web.get("/api/search?q=三个一批").get_json())
    client = connect(cluster.url)
    try:
        manager = client.cat.cluster_manager(format="json")[0]["node"]
        victim = 2 if manager == "node-1" else 1
        shards = client.cat.shards(index="red-paragraphs-g1", format="json")
        if f"node-{victim}" not in {s["node"] for s in shards}:  # the balancer put both away
            move = {"index": "red-paragraphs-g1", "shard": int(shards[0]["shard"])}
            move.update(from_node=shards[0]["node"], to_node=f"node-{victim}")
            client.cluster.reroute(body={"commands": [{"move": move}]})
            client.cluster.health(
                index="red-paragraphs-g1",
                wait_for_status="green",
                wait_for_no_relocating_shards=True,
                request_timeout=60,
            )
        cluster.kill_node(victim)
        _one_line(runner.invoke(cli, ["search", "三个一批", "--opensearch", cluster.url]), "red")
        answer = web.get("/api/search?q=三个一批")
        assert answer.status_code == 503 and "red" in answer.get_json()["error"]
        cluster.start_node(victim)
    finally:
        client.close()
    # Back, with everything it held.
    assert _comparable(web.get("/api/search?q=三个一批").get_json()) == before
    app.extensions["policy_search"].close()


def test_an_index_of_another_schema(served, seed_index_dir, runner, monkeypatch):
    monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_PREFIX", "faults")
    client = connect(served)
    meta = "faults-meta"
    try:
        client.update(index=meta, id=META_ID, body={"doc": {"schema": 1}}, refresh=True)
        _one_line(_cli(runner, served, "docs"), "schema 1", "--rebuild")
        with pytest.raises(IndexUnavailable, match="schema 1"):
            create_app({"TESTING": True, "OPENSEARCH": served})
        # Indexing into it again writes a generation of this schema, whole.
        report = publish_to(seed_index_dir, served)
        assert report.generation == 2 and len(report.written) == 5
        assert _cli(runner, served, "search", "三个一批").exit_code == 0
    finally:
        client.close()


def _comparable(answer: dict) -> dict:
    """A JSON answer without what differs by store: time taken, scores and the order
    they give, the query written otherwise (``variants``: the local index's alone)."""
    answer = {k: v for k, v in answer.items() if k not in ("elapsed_ms", "variants")}
    if "hits" in answer:
        hits = [{k: v for k, v in hit.items() if k != "score"} for hit in answer["hits"]]
        answer["hits"] = sorted(hits, key=lambda hit: json.dumps(hit, sort_keys=True))
    return answer


def test_the_web_app_from_the_cluster(served, seed_index_dir, monkeypatch):
    monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_PREFIX", "faults")
    app = create_app({"TESTING": True, "OPENSEARCH": served})
    web = app.test_client()
    local = create_app({"TESTING": True, "INDEX_DIR": str(seed_index_dir)}).test_client()
    for path in ("/api/search?q=三个一批", "/api/search?q=六稳 OR 六保&year=2022", "/api/docs"):
        theirs, ours = web.get(path).get_json(), local.get(path).get_json()
        assert _comparable(theirs) == _comparable(ours), path
    assert (
        web.get("/api/glossary?term=13710").get_json()
        == local.get("/api/glossary?term=13710").get_json()
    )
    assert web.get("/?q=三个一批").status_code == 200
    doc = web.get("/api/docs").get_json()["documents"][0]["doc"]
    assert web.get(f"/doc/{doc}?q=三个一批").status_code == 200
    for path in ("/api/new?year=2022", "/api/targets", "/api/compare?a=x&b=y"):
        answer = web.get(path)
        assert answer.status_code == 501, path
        assert "local index" in answer.get_json()["error"]
    app.extensions["policy_search"].close()
