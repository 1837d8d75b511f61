"""The word table in the index (``indexer.wordtable``): written once, named by the
dictionary record with the commit's total, and what a reader cuts queries from, giving
the answers jieba-rs gives."""

from __future__ import annotations

import shutil

import pytest

from indexer.api import PolicyIndex
from indexer.schema import DICTIONARY_ID
from indexer.store import open_whoosh
from indexer.wordtable import table_name

pytest.importorskip("rjieba", reason="rjieba is not installed: the table is not written")

QUERIES = ["营商环境", "三个一批", "放管服改革", "乡村振兴战略", "zuodazuoqiang", "发展 NOT 经济"]


def dictionary_record(index_dir):
    ix = open_whoosh(index_dir)
    try:
        with ix.searcher() as searcher:
            return searcher.document(id=DICTIONARY_ID)["data"]
    finally:
        ix.close()


def answers(index_dir) -> tuple[str, list]:
    ix = PolicyIndex.open(index_dir)
    try:
        found = [ix.search(q, limit=20) for q in QUERIES]
        return ix._segmenter.engine, [(r.total, [h.as_dict() for h in r.hits]) for r in found]
    finally:
        ix.close()


def test_readers_cut_from_the_table_and_answer_as_jieba_rs(seed_index_dir, tmp_path):
    record = dictionary_record(seed_index_dir)
    assert record["table"] == table_name() and (seed_index_dir / record["table"]).exists()
    assert record["total"] > 60_101_967  # dict.txt's, and the words the seeds taught
    engine, routed = answers(seed_index_dir)
    assert engine == "route"
    without = tmp_path / "index"
    shutil.copytree(seed_index_dir, without)
    (without / record["table"]).unlink()
    engine, modelled = answers(without)
    assert engine == "rjieba" and modelled == routed
    assert all(total for total, _ in routed[:4])


def test_a_later_commit_keeps_the_table_and_records_its_total(index_of):
    index_dir = index_of({"a.txt": "二、主要工作\n推进“放管服”改革，优化营商环境。\n"})
    first = dictionary_record(index_dir)
    table = index_dir / first["table"]
    written = table.stat().st_mtime_ns, table.stat().st_ino
    folder = index_dir.parent / "more"
    folder.mkdir()
    (folder / "b.txt").write_text(
        "一、工作回顾\n落实“三个一批”，推动“新质生产力”发展。\n", encoding="utf-8"
    )
    PolicyIndex.update(index_dir, [folder], progress=False)
    second = dictionary_record(index_dir)
    assert second["table"] == first["table"]
    assert (table.stat().st_mtime_ns, table.stat().st_ino) == written
    assert len(second["words"]) > len(first["words"]) and second["total"] > first["total"]
    assert [p.name for p in index_dir.glob("jieba-*")] == [first["table"]]
