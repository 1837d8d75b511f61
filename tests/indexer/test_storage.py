"""Segment files are memory-mapped in place, and read exactly as Whoosh reads them."""

import sys
import threading

from whoosh import index as whoosh_index
from whoosh.filedb.structfile import BufferFile
from whoosh.query import Term

from indexer.schema import DICTIONARY_ID
from indexer.storage import MappedFile, MappedStorage
from indexer.store import open_whoosh


def test_segment_files_are_mapped_and_read_like_plain_files(seed_index_dir):
    mapped, plain = open_whoosh(seed_index_dir), whoosh_index.open_dir(str(seed_index_dir))
    with mapped.searcher() as ours, plain.searcher() as theirs:
        postings = ours.reader().leaf_readers()[0][0]._terms._postfile
        assert isinstance(postings, MappedFile)
        for term in (Term("text", "发展"), Term("section", "总体"), Term("kind", "paragraph")):
            got = [(h.docnum, h.score) for h in ours.search(term, limit=None)]
            assert got and got == [(h.docnum, h.score) for h in theirs.search(term, limit=None)]
        dictionary = ours.document(id=DICTIONARY_ID)
        assert dictionary and dictionary == theirs.document(id=DICTIONARY_ID)
    mapped.close()
    plain.close()


def test_an_empty_file_is_read_without_a_descriptor(tmp_path):
    """Searchers of old commits are dropped, not closed (a query may still use one): an
    empty column file must not leave an open file behind for the collector to find."""
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "data").write_bytes(b"\x00\x01")
    storage = MappedStorage(str(tmp_path))
    with storage.open_file("empty") as empty, storage.open_file("data") as data:
        assert type(empty) is BufferFile and empty.read() == b""
        assert isinstance(data, MappedFile) and data.read_byte() == 0 and data.read(1) == b"\x01"


def test_threads_sharing_one_searcher_read_their_own_positions(seed_index):
    """The server's threads share a searcher; with one file position between them,
    queries read each other's posting blocks (unpickling errors, wrong hits)."""
    queries = ["放管服", "地", "优化 营商环境", "三个一批", "发展", "改革 -发展"]

    def answer(query):
        result = seed_index.search(query)
        return result.total, [(h.doc, h.paragraph) for h in result.hits]

    expected = {q: answer(q) for q in queries}
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads between a seek and its read
    failures: list[str] = []

    def client(k: int) -> None:
        for i in range(40):
            query = queries[(i + k) % len(queries)]
            try:
                if answer(query) != expected[query]:
                    failures.append(f"{query}: other hits")
            except Exception as exc:  # a corrupt read surfaces as any error
                failures.append(f"{query}: {exc!r}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
