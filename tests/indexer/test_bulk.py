"""The guard on Whoosh's internals: bulk reads agree with Whoosh's own readers.

``indexer.bulk`` reads posting blocks and columns straight from segment files. If Whoosh
changes (another version, another block layout), these tests fail loudly instead of the
engine silently misreading the index.
"""

from __future__ import annotations

import numpy as np
import pytest
import whoosh

from analyzers.normalize import compact
from indexer import bulk
from indexer.build import open_whoosh
from indexer.errors import PolicySearchError
from indexer.schema import BOOST_TYPECODE, PARAGRAPH
from indexer.snapshot import Snapshot

FIELDS = ("chars", "bigrams", "text", "section", "title", "kind")


def test_whoosh_is_the_version_whose_layout_we_read():
    assert whoosh.__version__ == bulk.WHOOSH_VERSION == (2, 7, 4)


@pytest.fixture(scope="module")
def segments(seed_index_dir):
    ix = open_whoosh(seed_index_dir)
    with ix.searcher() as searcher:
        yield searcher, [leaf.reader() for leaf, _ in searcher.leaf_searchers()]
    ix.close()


def test_every_posting_list_reads_as_whoosh_matches_it(segments):
    _, readers = segments
    checked = 0
    for reader in readers:
        for field in FIELDS:
            for text in reader.lexicon(field):
                term = text.decode("utf-8")
                matcher = reader.postings(field, term)
                ids, weights = [], []
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    matcher.next()
                got_ids, got_weights = bulk.postings(reader, field, term)
                assert got_ids.tolist() == ids, (field, term)
                expected = np.asarray(weights, dtype=np.float32)
                assert np.array_equal(
                    np.ones(len(ids), np.float32) if got_weights is None else got_weights,
                    expected,
                ), (field, term)
                checked += len(ids)
    assert checked > 100_000


def test_columns_read_as_whoosh_reads_them(segments):
    searcher, readers = segments
    for reader in readers:
        size = reader.doc_count_all()
        stored = list(reader.all_stored_fields())
        years = list(reader.column_reader("year", translate=True))
        assert bulk.int_column(reader, "year", searcher.schema["year"]).tolist() == [
            years[d] if "year" in fields else 0 for d, fields in enumerate(stored)
        ]
        assert bulk.numeric_column(reader, "boost", BOOST_TYPECODE, 1.0).tolist() == list(
            reader.column_reader("boost")
        )
        for field in ("text", "section", "title"):
            expected = [reader.doc_field_length(d, field, 0) or 0 for d in range(size)]
            assert bulk.field_lengths(reader, field).tolist() == expected
        keys = bulk.BytesColumn(reader, "key").values()
        assert keys == list(reader.column_reader("key"))
        for docnum, fields in enumerate(stored):
            if fields["kind"] == PARAGRAPH:
                assert keys[docnum] == compact(fields["text"])[0].encode("utf-8")


def test_a_snapshot_drops_deleted_records(tmp_path, seed_files):
    from indexer.api import PolicyIndex

    index = tmp_path / "index"
    PolicyIndex.update(index, seed_files[:2], progress=False)
    ix = open_whoosh(index)
    with ix.searcher() as searcher:
        before = Snapshot(searcher)
        alive_before = int(before.paragraphs.sum())
        assert len(before.postings("chars", "发")[0]) > 0
    writer = ix.writer()
    writer.delete_by_term("doc", seed_files[0].name)
    writer.commit()
    with ix.searcher() as searcher:
        after = Snapshot(searcher)
        assert not after.alive.all()  # the records are deleted, not yet merged away
        dropped = after.doc_codes[~after.alive]
        assert {after.doc_names[c] for c in dropped.tolist()} == {seed_files[0].name}
        docs = after.postings("chars", "发")[0]
        assert after.alive[docs].all() and len(docs) < len(before.postings("chars", "发")[0])
        assert 0 < int(after.paragraphs.sum()) < alive_before
    ix.close()


def test_an_index_of_the_previous_schema_is_refused_with_the_fix(tmp_path, seed_files):
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    old = tmp_path / "old"
    old.mkdir()
    schema = Schema(id=ID(unique=True, stored=True), grams=TEXT(), text=TEXT(stored=True))
    whoosh_index.create_in(str(old), schema).close()
    with pytest.raises(PolicySearchError, match="--rebuild"):
        open_whoosh(old)
