"""Publishing to the cluster: incremental like the local index, a new generation behind
the aliases each time, and a run that dies leaves the previous one answering."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.api import PolicyIndex
from indexer.cluster import publish as publishing
from indexer.cluster.connection import connect
from indexer.cluster.publish import publish_to
from indexer.cluster.search import ClusterIndex
from indexer.errors import IndexUnavailable

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(seed, folder / seed.name)
    return folder


def _indices(url: str, prefix: str) -> set[str]:
    client = connect(url)
    try:
        return set(client.indices.get(index=f"{prefix}-*"))
    finally:
        client.close()


def test_a_changed_file_is_answered_with_its_new_text(cluster, corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_PREFIX", "pub-update")
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    first = publish_to(index_dir, cluster.url, shards=2, replicas=1)
    assert len(first.written) == 3 and first.generation == 1
    with ClusterIndex.open(cluster.url) as ix:
        assert ix.search("旧版独有的说法").total == 0

        # One file changes: only it is sent again; the others are copied in the cluster.
        changed = sorted(corpus.iterdir())[0]
        text = changed.read_text(encoding="utf-8-sig")
        changed.write_text(text + "\n旧版独有的说法已改为新版独有的说法。\n", encoding="utf-8")
        PolicyIndex.update(index_dir, [corpus], progress=False)
        second = publish_to(index_dir, cluster.url)
        assert second.written == [changed.name] and second.kept == 2
        assert second.generation == 2
        assert ix.generation(force=True).number == 2
        found = ix.search("新版独有的说法")
        assert found.total == 1 and found.hits[0].doc == changed.name
        assert ix.commit_number() == 1  # a new generation: cached pages are stale

        # The old text is gone: replaced, not added beside.
        changed.write_text(text, encoding="utf-8")
        PolicyIndex.update(index_dir, [corpus], progress=False)
        publish_to(index_dir, cluster.url)
        assert ix.generation(force=True).number == 3
        assert ix.search("新版独有的说法").total == 0
        with PolicyIndex.open(index_dir) as local:
            assert ix.search("发展").facets == local.search("发展").facets

        # Nothing changed: nothing written, no new generation.
        again = publish_to(index_dir, cluster.url)
        assert again.unchanged and again.generation == 3

        # A file deleted and --prune: its report leaves the cluster too.
        gone = sorted(corpus.iterdir())[-1]
        gone.unlink()
        PolicyIndex.update(index_dir, [corpus], prune=True, progress=False)
        pruned = publish_to(index_dir, cluster.url)
        assert pruned.removed == [gone.name] and not pruned.written
        assert gone.name not in {d["doc"] for d in ix.documents()}
        assert ix.search("发展", filters={"doc": gone.name}).total == 0
    # Only the served generation is left: three indices behind three aliases.
    assert _indices(cluster.url, "pub-update") == {
        f"pub-update-{role}-g4" for role in ("paragraphs", "documents", "meta")
    }


def test_a_run_that_dies_leaves_the_previous_generation(cluster, corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_PREFIX", "pub-dies")
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    publish_to(index_dir, cluster.url)
    with ClusterIndex.open(cluster.url) as ix:
        before = ix.search("发展").as_dict()
        changed = sorted(corpus.iterdir())[0]
        changed.write_text("半路中断的新内容。\n", encoding="utf-8")
        PolicyIndex.update(index_dir, [corpus], progress=False)

        def dies(*args, **kwargs):
            raise IndexUnavailable("the run dies before the switch")

        monkeypatch.setattr(publishing, "_switch", dies)
        with pytest.raises(IndexUnavailable):
            publish_to(index_dir, cluster.url)
        # The half-written generation is there, unserved; queries answer the old one.
        assert "pub-dies-paragraphs-g2" in _indices(cluster.url, "pub-dies")
        assert ix.generation(force=True).number == 1
        assert ix.search("发展").as_dict() == before
        assert ix.search("半路中断的新内容").total == 0

        # The next run deletes what was left and publishes.
        monkeypatch.undo()
        monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_PREFIX", "pub-dies")
        report = publish_to(index_dir, cluster.url)
        assert report.generation == 2 and report.written == [changed.name]
        assert ix.search("半路中断的新内容").total == 1


def test_one_publisher_at_a_time(cluster, corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_SEARCH_OPENSEARCH_PREFIX", "pub-lock")
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    client = connect(cluster.url)
    try:
        # Another host's run holds the lock: this one says so and writes nothing.
        client.indices.create(
            index="pub-lock-writer", body={"mappings": {"_meta": {"host": "elsewhere", "pid": 1}}}
        )
        with pytest.raises(IndexUnavailable, match="another index run"):
            publish_to(index_dir, cluster.url)
        assert not client.indices.exists_alias(name="pub-lock-paragraphs")
        # A lock this host's dead process left is taken over.
        client.indices.delete(index="pub-lock-writer")
        client.indices.create(
            index="pub-lock-writer",
            body={
                "mappings": {"_meta": {"host": publishing.socket.gethostname(), "pid": 2**22 + 1}}
            },
        )
        assert publish_to(index_dir, cluster.url).generation == 1
        assert not client.indices.exists(index="pub-lock-writer")
    finally:
        client.close()
