"""Indexing: incremental by content hash, prune, rebuild, failures that lose nothing."""

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import index as whoosh_index

from indexer import build, parallel, progress
from indexer.api import PolicyIndex
from indexer.errors import IndexNotFound, PolicySearchError, UsageError
from indexer.ingest.document import ParsedDocument
from indexer.records import Source
from indexer.storage import SPILL_PREFIX

REPORT = (
    "政府工作报告\n——2022年1月5日在某某县第一届人民代表大会第一次会议上\n县长王明\n各位代表：\n"
)


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(REPORT + body, encoding="utf-8")
    return path


def files_state(index_dir: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in index_dir.iterdir()}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    write(folder, "a.txt", "一、工作回顾\n推进三个一批活动取得成效。\n")
    write(folder, "b.md", "一、工作安排\n优化营商环境，深化放管服改革。\n")
    return folder


def test_seeds_reindex_does_no_work(seed_files, tmp_path):
    index_dir = tmp_path / "index"
    first = PolicyIndex.update(index_dir, seed_files, progress=False)
    assert len(first.indexed) == 5 and not first.failed
    before = files_state(index_dir)
    second = PolicyIndex.update(index_dir, seed_files, progress=False)
    assert len(second.unchanged) == 5 and not second.indexed and second.new_words == 0
    assert files_state(index_dir) == before  # no writer was even opened


def test_changed_file_replaces_its_paragraphs(corpus, tmp_path):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    write(corpus, "a.txt", "一、工作回顾\n全面完成年度目标任务。\n")
    report = PolicyIndex.update(index_dir, [corpus], progress=False)
    assert [Path(p).name for p in report.indexed] == ["a.txt"] and len(report.unchanged) == 1
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("三个一批").total == 0
        assert ix.search("年度目标").hits[0].doc == "a.txt"
        assert ix.search("政府工作报告").total == 2  # one title per document, no duplicates


def test_prune_drops_deleted_files_only_when_asked(corpus, tmp_path):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    (corpus / "b.md").unlink()
    PolicyIndex.update(index_dir, [corpus], progress=False)
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("营商环境").total == 1
    report = PolicyIndex.update(index_dir, [corpus], prune=True, progress=False)
    assert report.removed == ["b.md"]
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("营商环境").total == 0
        assert [d["doc"] for d in ix.documents()] == ["a.txt"]


def test_rebuild_starts_over(corpus, tmp_path):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    report = PolicyIndex.update(index_dir, [corpus / "a.txt"], rebuild=True, progress=False)
    assert len(report.indexed) == 1
    with PolicyIndex.open(index_dir) as ix:
        assert [d["doc"] for d in ix.documents()] == ["a.txt"]
    assert not list(tmp_path.glob("index.*"))  # no leftovers of the swap


def test_unreadable_files_are_reported_and_the_rest_indexed(corpus, tmp_path):
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "gbk.txt").write_bytes("政府工作报告".encode("gbk"))
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (corpus / "image.png").write_bytes(b"\x89PNG")  # not a supported suffix: reported
    report = PolicyIndex.update(tmp_path / "index", [corpus], progress=False)
    reasons = {Path(p).name: r for p, r in report.failed}
    assert reasons == {
        "empty.txt": "empty file",
        "binary.txt": "binary data, not text",
        "image.png": "unsupported file type .png",
    }
    assert len(report.indexed) == 3  # a.txt, b.md and the GBK file


def test_missing_path_is_a_usage_error_and_touches_nothing(corpus, tmp_path):
    with pytest.raises(UsageError):
        PolicyIndex.update(tmp_path / "index", [corpus, tmp_path / "nope"], progress=False)
    assert not (tmp_path / "index").exists()
    with pytest.raises(IndexNotFound):
        PolicyIndex.open(tmp_path / "index")


def test_failure_mid_write_keeps_the_last_commit(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    write(corpus, "c.txt", "一、新内容\n建设智慧城市。\n")
    write(corpus, "a.txt", "一、改写\n全部改写。\n")
    calls = []

    def explode(writer, source):
        calls.append(source.doc)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(writer, source)

    original = build.add_document
    monkeypatch.setattr(build, "add_document", explode)
    with pytest.raises(RuntimeError):
        PolicyIndex.update(index_dir, [corpus], progress=False)
    monkeypatch.setattr(build, "add_document", original)
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("三个一批").total == 1  # the old a.txt, intact
        assert ix.search("智慧城市").total == 0
    report = PolicyIndex.update(index_dir, [corpus], progress=False)  # the next run completes it
    assert sorted(Path(p).name for p in report.indexed) == ["a.txt", "c.txt"]


def test_a_second_writer_gets_a_clear_error(corpus, tmp_path):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    write(corpus, "c.txt", "一、新内容\n建设智慧城市。\n")
    ix = whoosh_index.open_dir(str(index_dir))
    writer = ix.writer()
    try:
        with pytest.raises(PolicySearchError, match="another"):
            PolicyIndex.update(index_dir, [corpus], progress=False)
    finally:
        writer.cancel()
        ix.close()


def test_new_jargon_retokenizes_paragraphs_already_indexed(corpus, tmp_path):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus / "a.txt"], progress=False)
    with PolicyIndex.open(index_dir) as ix:
        assert not ix.searcher().document(text="三个一批")
    write(corpus, "glossary.txt", "部分词语解释\n三个一批：签约一批、开工一批、投产一批。\n")
    report = PolicyIndex.update(index_dir, [corpus], progress=False)
    assert report.retokenized >= 1
    with PolicyIndex.open(index_dir) as ix:
        docs = _docs_holding(ix, "三个一批")
        assert {"a.txt", "glossary.txt"} <= docs


def test_an_edit_reindexes_its_file_and_only_the_paragraphs_a_new_word_touches(corpus, tmp_path):
    write(corpus, "c.txt", "一、工作安排\n推进数字乡村建设。\n稳住农业基本盘。\n")
    write(corpus, "d.txt", "一、工作安排\n数字乡村试点扩面。\n其他工作。\n数字乡村和智慧城市。\n")
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)

    (corpus / "b.meta.json").write_text('{"region": "乙县"}', encoding="utf-8")
    report = PolicyIndex.update(index_dir, [corpus], progress=False)
    assert [Path(p).name for p in report.indexed] == ["b.md"] and len(report.unchanged) == 3
    assert (report.new_words, report.retokenized) == (0, 0)
    assert "0 indexed paragraph(s) re-tokenized" in report.summary()

    # A new glossary teaches 数字乡村: the two paragraphs of d.txt and the one of c.txt
    # that hold it are re-tokenized, nothing else.
    write(corpus, "e.txt", "部分词语解释\n数字乡村：以信息化推动农业农村现代化。\n")
    report = PolicyIndex.update(index_dir, [corpus], progress=False)
    assert [Path(p).name for p in report.indexed] == ["e.txt"] and report.new_words == 1
    assert report.retokenized == 3
    assert "1 new dictionary word(s), 3 indexed paragraph(s) re-tokenized" in report.summary()
    with PolicyIndex.open(index_dir) as ix:
        docs = _docs_holding(ix, "数字乡村")
        assert docs == {"c.txt", "d.txt", "e.txt"}
    # The word counts kept up to date paragraph by paragraph are a fresh build's, and so
    # are the paragraphs: each re-tokenized one replaced, none lost or doubled.
    fresh = tmp_path / "fresh"
    PolicyIndex.update(fresh, [corpus], progress=False)
    assert _word_counts(index_dir) == _word_counts(fresh)
    assert sorted(_paragraphs(index_dir)) == sorted(_paragraphs(fresh))

    # An edited file's old counts and a removed file's come off (recounted from their
    # stored paragraphs), in a run that also learns a word: still a fresh build's counts.
    write(corpus, "d.txt", "一、工作安排\n数字乡村试点扩面。\n推进营商环境优化。\n")
    (corpus / "c.txt").unlink()
    write(corpus, "f.txt", "部分词语解释\n营商环境优化：持续优化营商环境。\n")
    report = PolicyIndex.update(index_dir, [corpus], prune=True, progress=False)
    assert report.removed == ["c.txt"] and report.new_words == 1
    fresh = tmp_path / "fresh-2"
    PolicyIndex.update(fresh, [corpus], progress=False)
    assert _word_counts(index_dir) == _word_counts(fresh)


def _word_counts(index_dir: Path) -> dict[str, Any]:
    """Every table of the corpus's ledger, whole (by key hashes), and the abbreviations."""
    from indexer.schema import TABLES, WORD_TOTALS
    from indexer.store import load_abbreviation_pairs, open_ledger

    with PolicyIndex.open(index_dir) as ix:
        ledger = open_ledger(ix.searcher(), index_dir)
        assert ledger.table(WORD_TOTALS).values(["数字乡村"])[0] > 0
        tables = {}
        for name in TABLES:
            whole = ledger.table(name).entries()
            rows = zip(
                whole.groups.tolist(), whole.members.tolist(), whole.values.tolist(), strict=True
            )
            tables[name] = ({(g, m): v for g, m, v in rows}, sorted(whole.payloads or []))
        tables["abbreviations"] = load_abbreviation_pairs(ix.searcher())
    assert tables["bigrams"][0][ord("乡") << 21 | ord("村"), 0] > 0
    return tables


def test_dictionary_is_used_by_a_fresh_process(seed_index_dir):
    code = (
        "import sys\n"
        "from indexer.api import PolicyIndex\n"
        "from analyzers.segment import active_segmenter\n"
        "with PolicyIndex.open(sys.argv[1]).segmenting():\n"
        "    print('|'.join(w for w, _, _ in active_segmenter().words('抓好三个一批和六稳六保')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(seed_index_dir)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    words = out.stdout.strip().split("|")
    assert "三个一批" in words and "六稳" in words and "六保" in words


def test_index_is_self_contained(seed_index_dir, tmp_path):
    copy = tmp_path / "moved"
    shutil.copytree(seed_index_dir, copy)
    with PolicyIndex.open(copy) as ix:
        assert ix.search("三个一批").total > 0


def test_metadata_from_meta_file_and_sidecar(corpus, tmp_path, runner):
    import json

    from indexer.cli import cli

    meta = tmp_path / "meta.json"
    meta.write_text(
        json.dumps({"a.txt": {"region": "甲区", "year": 2019}}, ensure_ascii=False),
        encoding="utf-8",
    )
    (corpus / "b.meta.json").write_text(
        json.dumps({"title": "乙县工作报告", "date": "2018-03-01"}, ensure_ascii=False),
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    result = runner.invoke(
        cli, ["--index", str(index_dir), "index", str(corpus), "--meta", str(meta)]
    )
    assert result.exit_code == 0, result.output
    with PolicyIndex.open(index_dir) as ix:
        docs = {d["doc"]: d for d in ix.documents()}
    assert (docs["a.txt"]["region"], docs["a.txt"]["year"]) == ("甲区", 2019)
    assert (docs["b.md"]["title"], docs["b.md"]["date"], docs["b.md"]["year"]) == (
        "乙县工作报告",
        "2018-03-01",
        2018,
    )
    # a corrected sidecar re-indexes its file, and only that file
    (corpus / "b.meta.json").write_text('{"title": "乙县报告"}', encoding="utf-8")
    again = PolicyIndex.update(
        index_dir, [corpus], meta={"a.txt": {"region": "甲区", "year": 2019}}, progress=False
    )
    assert [Path(p).name for p in again.indexed] == ["b.md"]


def test_bad_metadata_is_reported(corpus, tmp_path, runner):
    from indexer.cli import cli

    bad = tmp_path / "meta.json"
    bad.write_text('{"a.txt": {"regoin": "x"}}', encoding="utf-8")
    result = runner.invoke(
        cli, ["--index", str(tmp_path / "i"), "index", str(corpus), "--meta", str(bad)]
    )
    assert result.exit_code == 2 and "unknown field(s) regoin" in result.output
    (corpus / "a.meta.json").write_text('{"year": "soon"}', encoding="utf-8")
    report = PolicyIndex.update(tmp_path / "i", [corpus], progress=False)
    assert [(Path(p).name, r) for p, r in report.failed] == [
        ("a.txt", "sidecar a.meta.json: year must be a number, not 'soon'")
    ]


def _summary(index_dir: Path) -> dict:
    with PolicyIndex.open(index_dir) as ix:
        searches = {q: ix.search(q, limit=3) for q in ("发展", "三个一批", "地", "工一批")}
        return {
            "searches": {
                q: (r.total, r.facets, [(h.doc, h.paragraph) for h in r.hits])
                for q, r in searches.items()
            },
            "documents": [{k: v for k, v in d.items() if k != "path"} for d in ix.documents()],
            "lexicon": ix.lexicon().candidates("sgyp"),
            "glossary": len(ix.glossary_entries()),
        }


def _segment_count(index_dir: Path) -> int:
    return len(whoosh_index.open_dir(str(index_dir))._segments())


def test_worker_processes_build_the_same_index(seed_files, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    serial, forked = tmp_path / "serial", tmp_path / "parallel"
    PolicyIndex.update(serial, seed_files, progress=False)  # 5 documents: one process
    monkeypatch.setattr(build, "PARALLEL_FROM", 2)
    PolicyIndex.update(forked, seed_files, progress=False)
    assert _segment_count(forked) > _segment_count(serial)  # the workers' own segments
    assert _summary(forked) == _summary(serial)
    assert not list(forked.glob(f"{SPILL_PREFIX}*"))  # the spilled shares are gone


def test_each_worker_holds_its_own_share_of_the_parsed_sources(seed_files, tmp_path, monkeypatch):
    """The readers spill what they parse: the parent never holds a parsed document, and
    a worker holds the sources it indexes, never the whole run's (and a killed run's
    spill goes at the next run)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build, "PARALLEL_FROM", 2)
    index_dir = tmp_path / "index"
    index, deal = parallel.add_document, parallel.IndexWorkers.index

    def holding_its_share(writer, source):
        held = sum(isinstance(o, Source) for o in gc.get_objects())
        if held >= len(seed_files):
            raise RuntimeError(f"a worker holds {held} parsed sources")
        return index(writer, source)

    def parsed() -> set[int]:
        return {id(o) for o in gc.get_objects() if isinstance(o, (Source, ParsedDocument))}

    def holding_none(workers, briefs, *args):
        assert len(briefs) == len(seed_files) and all(b.spilled for b in briefs)
        assert not parsed() - before  # other tests' fixtures may hold parsed seeds
        return deal(workers, briefs, *args)

    monkeypatch.setattr(parallel, "add_document", holding_its_share)
    monkeypatch.setattr(parallel.IndexWorkers, "index", holding_none)
    before = parsed()
    assert len(PolicyIndex.update(index_dir, seed_files, progress=False).indexed) == 5
    killed = index_dir / f"{SPILL_PREFIX}killed"
    killed.mkdir()
    (killed / "0.pickle").write_bytes(b"left by a killed run")
    more = tmp_path / "more.txt"
    more.write_text("一、总体要求\n持续优化营商环境。\n", encoding="utf-8")
    assert len(PolicyIndex.update(index_dir, [more], progress=False).indexed) == 1
    assert not list(index_dir.glob(f"{SPILL_PREFIX}*"))


def test_workers_cut_segments_by_size_and_keep_document_order(seed_files, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build, "PARALLEL_FROM", 2)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    PolicyIndex.update(whole, seed_files, progress=False)
    monkeypatch.setattr(parallel, "SEGMENT_BYTES", 1)  # a segment per document
    PolicyIndex.update(cut, seed_files, progress=False)
    assert _segment_count(cut) == len(seed_files) + 1  # and the parent's own
    assert _summary(cut) == _summary(whole)
    # Segments are committed worker by worker, segment by segment, whichever finishes
    # first: records keep their numbers, which break ranking ties.
    assert _record_ids(cut) == _record_ids(whole)


def _record_ids(index_dir: Path) -> list[str]:
    with PolicyIndex.open(index_dir) as ix:
        snapshot = ix.snapshot()
        return [snapshot.stored_fields(d)["id"] for d in np.flatnonzero(snapshot.alive).tolist()]


def _paragraphs(index_dir: Path) -> list[tuple[str, ...]]:
    """Every live paragraph's fields as read, as sortable tuples."""
    with PolicyIndex.open(index_dir) as ix:
        return [tuple(map(str, p.items())) for p in ix.snapshot().paragraph_records()]


def _docs_holding(ix: PolicyIndex, word: str) -> set[str]:
    """The reports of the paragraphs whose ``text`` field holds ``word`` (as jieba cut it)."""
    snapshot = ix.snapshot()
    return {snapshot.stored_fields(d)["doc"] for d in snapshot.searcher.document_numbers(text=word)}


def test_a_failing_worker_process_loses_nothing(seed_files, corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus], progress=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build, "PARALLEL_FROM", 2)

    def explode(writer, source):
        raise RuntimeError("disk full")

    monkeypatch.setattr(parallel, "add_document", explode)  # the forked workers inherit it
    with pytest.raises(PolicySearchError, match="indexing process failed: RuntimeError"):
        PolicyIndex.update(index_dir, seed_files, progress=False)
    monkeypatch.undo()
    with PolicyIndex.open(index_dir) as ix:
        assert [d["doc"] for d in ix.documents()] == ["a.txt", "b.md"]
    report = PolicyIndex.update(index_dir, seed_files, progress=False)  # no lock left behind
    assert len(report.indexed) == 5
    live = {s.segment_id() for s in whoosh_index.open_dir(str(index_dir))._segments()}
    on_disk = {p.name.split(".")[0] for p in index_dir.glob("MAIN_*.*")}
    assert on_disk == live  # the failed run's segment files are gone
    assert not list(index_dir.glob(f"{SPILL_PREFIX}*"))


@pytest.mark.parametrize("workers", [False, True])
def test_progress_is_shown_in_bytes_with_a_rate(seed_files, tmp_path, monkeypatch, capsys, workers):
    if workers:
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        monkeypatch.setattr(build, "PARALLEL_FROM", 2)
    bars = []
    make_bar = progress.bar
    monkeypatch.setattr(progress, "bar", lambda *args: bars.append(make_bar(*args)) or bars[-1])
    PolicyIndex.update(tmp_path / "index", seed_files, progress=True)
    total = sum(f.stat().st_size for f in seed_files)
    assert [(b.desc, b.total, b.n) for b in bars] == [
        ("reading", total, total),
        ("indexing", total, total),  # every byte counted, from the workers too
    ]
    shown = capsys.readouterr().err
    assert "reading" in shown and "indexing" in shown and "B/s" in shown


def test_an_open_index_sees_a_new_commit_at_once_and_stats_a_settled_one(
    corpus, tmp_path, monkeypatch
):
    import indexer.api

    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [corpus / "a.txt"], progress=False)
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("营商环境").total == 0
        PolicyIndex.update(index_dir, [corpus], progress=False)  # another writer, same second
        assert ix.search("营商环境").total == 1 and ix.commit_number() == 1

        full_checks = []
        snapshot = ix.snapshot()
        real = snapshot.searcher.up_to_date
        monkeypatch.setattr(
            snapshot.searcher, "up_to_date", lambda: full_checks.append(1) or real()
        )
        monkeypatch.setattr(indexer.api, "MTIME_SETTLED_NS", 0)  # the directory is old enough
        ix.snapshot(), ix.snapshot(), ix.snapshot()
        assert len(full_checks) == 1  # then the directory's unchanged mtime answers

        write(corpus, "c.txt", "一、工作安排\n营商环境再优化。\n")
        PolicyIndex.update(index_dir, [corpus], progress=False)
        assert ix.search("营商环境").total == 2 and ix.commit_number() == 2
