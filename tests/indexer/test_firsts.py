"""Each segment's first years of its words (``indexer.firsts``) are written with the
segment, new or merged, go with it, and answer as its postings do."""

from __future__ import annotations

import numpy as np

from indexer import bulk, codes, firsts
from indexer.api import PolicyIndex
from indexer.bulk import BulkWriter
from indexer.storage import MappedStorage


def _segments(index_dir):
    ix = MappedStorage(str(index_dir)).open_index()
    searcher = ix.searcher()
    return ix, searcher, [leaf.reader() for leaf, _ in searcher.leaf_searchers()]


def test_every_segment_has_its_first_years_new_and_merged(tmp_path, seed_variants):
    folder = seed_variants(tmp_path / "docs", 6)
    index_dir = tmp_path / "index"
    files = sorted(folder.iterdir())
    for file in files[:4]:  # a commit each, a segment each
        PolicyIndex.update(index_dir, [file], progress=False)
    # A report replaced: its old records stay, deleted, in the first segment, which the
    # merge renumbers without them.
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    PolicyIndex.update(index_dir, [files[0]], progress=False)
    # Whoosh merges segments as their number grows; here, all at once.
    ix = MappedStorage(str(index_dir)).open_index()
    merger = BulkWriter(ix, before_commit=codes.write_missing, watch=firsts.WATCH, compound=False)
    merger.commit(optimize=True)
    ix.close()
    PolicyIndex.update(index_dir, files[4:], progress=False)
    ix, searcher, readers = _segments(index_dir)
    try:
        live = {r.segment().segment_id() for r in readers if r.doc_count_all()}
        present = {p.name.split(".")[0] for p in index_dir.glob(f"*{firsts.EXTENSION}")}
        assert len(live) == 2 and present == live  # the merged one and the last run's
        for reader in readers:
            firsts.verify(reader)  # the file holds what the postings say
            table = firsts.read(reader)
            years = firsts.years_of(reader)
            for i in range(0, len(table.hashes), 97):  # a sample, against the postings
                docs = bulk.postings(reader, firsts.FIELD, table.word(i))[0]
                used = years[docs][years[docs] > 0]
                assert table.first[i] == used.min()
                assert table.count[i] == int((used == used.min()).sum())
                assert years[table.witness[i]] == table.first[i] and table.witness[i] in docs
    finally:
        searcher.close()
        ix.close()


def test_a_segment_without_its_file_answers_from_its_postings(seed_index_dir, tmp_path):
    copy = tmp_path / "index"
    copy.mkdir()
    for path in seed_index_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    with PolicyIndex.open(copy) as ix:
        mapped = ix.new_terms(2023).as_dict()
        (reader,) = ix.snapshot().readers
        table = firsts.read(reader)
        hashes, first = np.array(table.hashes), np.array(table.first)
    for path in copy.glob(f"*{firsts.EXTENSION}"):
        path.unlink()
    with PolicyIndex.open(copy) as ix:
        assert ix.new_terms(2023).as_dict() == mapped
        computed = firsts.read(ix.snapshot().readers[0])
        assert np.array_equal(computed.hashes, hashes) and np.array_equal(computed.first, first)
