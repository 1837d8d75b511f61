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
from indexer import bulk, grams
from indexer.errors import PolicySearchError
from indexer.paragraph_record import UNSTORED, is_slim, whole
from indexer.schema import BOOST_TYPECODE, DOCUMENT, PARAGRAPH
from indexer.segmented import GATHERS_BEFORE_JOIN
from indexer.snapshot import Snapshot
from indexer.store import open_whoosh

FIELDS = ("text", "section", "title", "kind")


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
    assert sum(_read_as_whoosh_does(reader)[0] for reader in readers) > 30_000


def _read_as_whoosh_does(reader) -> tuple[int, int]:
    """Check every posting list of ``reader`` read in bulk against Whoosh's matcher; how
    many postings, and the longest list."""
    checked = longest = 0
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
            longest = max(longest, len(ids))
    return checked, longest


def test_columns_read_as_whoosh_reads_them(segments):
    searcher, readers = segments
    for reader in readers:
        size = reader.doc_count_all()
        stored = _written(reader)
        years = list(reader.column_reader("year", translate=True))
        assert bulk.int_column(reader, "year", searcher.schema["year"]).tolist() == [
            years[d] if "year" in fields else 0 for d, fields in enumerate(stored)
        ]
        assert bulk.numeric_column(reader, "boost", BOOST_TYPECODE, 1.0).tolist() == list(
            reader.column_reader("boost")
        )
        for field in ("text", "section", "title"):
            expected = [reader.doc_field_length(d, field, 0) or 0 for d in range(size)]
            lengths = bulk.BYTE_TO_LENGTH[bulk.field_length_bytes(reader, field)]
            assert lengths.tolist() == expected
        keys = bulk.BytesColumn(reader, "key").values()
        assert keys == list(reader.column_reader("key"))
        ends = bulk.value_ends(reader, "key").astype(np.uint32)  # as the codes file keeps them
        column = bulk.BytesColumn(reader, "key", ends)
        assert column.values() == keys
        some = np.arange(0, size, 3)
        first = [a.tolist() for a in column.bounds(some)]
        for _ in range(GATHERS_BEFORE_JOIN):  # a server's reads: starts and ends are kept
            column.bounds(some)
        assert column._placed is not None and [a.tolist() for a in column.bounds(some)] == first
        assert column.values() == keys
        for docnum, fields in enumerate(stored):
            if fields["kind"] == PARAGRAPH:
                assert keys[docnum] == compact(fields["text"])[0].encode("utf-8")


def _written(reader):
    """Each record's fields as written (a paragraph's whole, ``indexer.paragraph_record``):
    Whoosh's stored fields, with the report's name from its column."""
    stored = list(reader.all_stored_fields())
    docs, keys = reader.column_reader("doc"), bulk.BytesColumn(reader, "key").values()
    reports = {fields["doc"]: fields for fields in stored if fields.get("kind") == DOCUMENT}
    return [
        whole(fields, keys[d].decode("utf-8"), reports[docs[d]]) if is_slim(fields) else fields
        for d, fields in enumerate(stored)
    ]


def test_a_snapshot_drops_deleted_records(tmp_path, seed_files):
    from indexer.api import PolicyIndex

    index = tmp_path / "index"
    PolicyIndex.update(index, seed_files[:2], progress=False)
    ix = open_whoosh(index)
    with ix.searcher() as searcher:
        before = Snapshot(searcher)
        alive_before = int(before.paragraphs.whole().sum())
        assert len(before.postings(grams.FIELD, "发")[0]) > 0
    writer = ix.writer()
    writer.delete_by_term("doc", seed_files[0].name)
    writer.commit()
    with ix.searcher() as searcher:
        after = Snapshot(searcher)
        assert not after.alive.all()  # the records are deleted, not yet merged away
        dropped = after.doc_codes[np.flatnonzero(~after.alive)]
        assert {after.doc_names[c] for c in dropped.tolist()} == {seed_files[0].name}
        docs = after.postings(grams.FIELD, "发")[0]
        assert after.alive[docs].all() and len(docs) < len(before.postings(grams.FIELD, "发")[0])
        assert 0 < int(after.paragraphs.whole().sum()) < alive_before
        # The mean key of the live paragraphs: each segment's total less its deleted ones'.
        live = np.flatnonzero(after.paragraphs.whole())
        lengths = [len(key) for key in after.match_keys(live)]
        assert after.avg_key_bytes == pytest.approx(sum(lengths) / len(lengths), rel=1e-12)
        assert after.key_lengths(live).tolist() == lengths
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


# Writing: a segment written in bulk is the segment Whoosh's own writer writes.


def _records(parsed_seeds, seed_files):
    from indexer.records import Source

    return [
        Source(path, path.name, "sha", parsed_seeds[path.name], path.stat().st_size)
        for path in seed_files
    ]


@pytest.fixture()
def small_blocks(monkeypatch):
    """Blocks of a few postings, so terms span many blocks, both pickled forms of ids
    occur and most blocks are compressed."""
    monkeypatch.setattr(bulk, "BLOCK_POSTINGS", 16)
    monkeypatch.setattr(bulk, "SMALL_BLOCK", 4)
    monkeypatch.setattr(bulk, "SMALL_DATA", 16)


@pytest.fixture()
def seed_segmenter(parsed_seeds):
    """The segmenter an index of the seeds would use, in scope for this test only."""
    from analyzers import segment

    segmenter = segment.Segmenter()
    for parsed in parsed_seeds.values():
        for word in parsed.jargon():
            segmenter.learn(word)
    with segment.using(segmenter):
        yield segmenter


def _write(directory, writer_class, batches):
    """An index of ``batches`` of sources, one commit each, the second deleting the first
    source, the last merging all."""
    from whoosh import index as whoosh_index

    from indexer.records import add_document
    from indexer.schema import build_schema

    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), build_schema())
    for i, batch in enumerate(batches):
        writer = writer_class(ix)
        for source in batch:
            add_document(writer, source)
        if i == 1:
            writer.delete_by_term("doc", batches[0][0].doc)
        writer.commit(optimize=i == len(batches) - 1)
    return ix


def _postings(reader, field, btext):
    matcher = reader.postings(field, btext)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def _term_statistics(reader, field, btext):
    info = reader.term_info(field, btext)
    stats = (info.doc_frequency(), info.min_length(), info.max_length(), info.min_id())
    return (*stats, info.max_id(), info.weight(), info.max_weight())


def _bulk_stored(fields):
    """What the bulk writer stores of a record Whoosh's writer stores: it honours
    ``_unstored``, which Whoosh's ignores."""
    if fields.get("kind") != PARAGRAPH:
        return fields
    return {name: value for name, value in fields.items() if name not in UNSTORED}


def _assert_same_segments(expected, actual):
    from indexer.schema import build_schema

    assert expected.doc_count_all() == actual.doc_count_all()
    assert list(map(_bulk_stored, expected.all_stored_fields())) == list(actual.all_stored_fields())
    checked = 0
    for field in build_schema().names():
        terms = list(expected.lexicon(field)) if field in expected.indexed_field_names() else []
        assert terms == (list(actual.lexicon(field)) if terms else []), field
        for btext in terms:
            postings = _postings(expected, field, btext)
            assert _postings(actual, field, btext) == postings, (field, btext)
            stats = _term_statistics(expected, field, btext)
            assert _term_statistics(actual, field, btext) == stats, (field, btext)
            checked += len(postings)
    for field in ("text", "section", "title", "id"):
        assert expected.field_length(field) == actual.field_length(field)
        for docnum in range(expected.doc_count_all()):
            length = expected.doc_field_length(docnum, field)
            assert actual.doc_field_length(docnum, field) == length
    for column in ("key", "boost", "doc", "n", "region", "year"):
        assert list(actual.column_reader(column)) == list(expected.column_reader(column))
    return checked


def test_a_bulk_written_segment_is_the_segment_whoosh_writes(
    tmp_path, parsed_seeds, seed_files, seed_segmenter, small_blocks
):
    from whoosh.writing import SegmentWriter

    sources = _records(parsed_seeds, seed_files)
    expected = _write(tmp_path / "whoosh", SegmentWriter, [sources])
    actual = _write(tmp_path / "bulk", bulk.BulkWriter, [sources])
    with expected.reader() as ours, actual.reader() as theirs:
        assert _assert_same_segments(ours, theirs) > 40_000
        _, longest = _read_as_whoosh_does(theirs)
        assert longest > 10 * bulk.BLOCK_POSTINGS  # lists of many blocks read in bulk


def test_segments_merged_in_bulk_are_the_segments_whoosh_merges(
    tmp_path, parsed_seeds, seed_files, seed_segmenter, small_blocks
):
    from whoosh.writing import SegmentWriter

    sources = _records(parsed_seeds, seed_files)
    batches = [sources[:2], sources[2:4], sources[4:]]
    expected = _write(tmp_path / "whoosh", SegmentWriter, batches)
    actual = _write(tmp_path / "bulk", bulk.BulkWriter, batches)
    with expected.reader() as ours, actual.reader() as theirs:
        assert len(list(theirs.leaf_readers())) == 1 and not theirs.has_deletions()
        assert batches[0][0].doc not in set(theirs.column_reader("doc"))
        assert _assert_same_segments(ours, theirs) > 30_000
