"""The snapshot: the writer codes a string column run by run (a report's records are
consecutive), as coding every record on its own would; a new commit's snapshot takes
over the previous one's arrays and postings for the segments both hold."""

import random

import numpy as np

from indexer import bulk
from indexer.api import PolicyIndex
from indexer.codes import run_codes


def _column(values: list[bytes]) -> tuple[bytes, np.ndarray, np.ndarray]:
    lengths = np.array([len(v) for v in values], dtype=np.int64)
    ends = np.cumsum(lengths) + 3  # values lie back to back after some other bytes
    return b"xyz" + b"".join(values), ends - lengths, ends


def test_run_codes_are_the_codes_of_every_record():
    rng = random.Random(25)
    pool = [b"", b"a", b"b", b"ab", b"ba", b"aba", b"\xe5\x8c\xba", b"report_1", b"report_2"]
    for _ in range(300):
        values = [
            v for v in rng.choices(pool, k=rng.randint(1, 12)) for _ in range(rng.randint(1, 9))
        ]
        expected: dict[bytes, int] = {b"": 0}
        codes = [expected.setdefault(v, len(expected)) for v in values]
        names: dict[bytes, int] = {b"": 0}
        assert run_codes(*_column(values), names).tolist() == codes, values
        assert names == expected


def test_a_new_commit_reads_only_the_segments_it_adds(tmp_path, seed_variants, monkeypatch):
    """After a commit that adds a report, a query reads postings of the new segment
    alone (the rest come from the previous snapshot) and answers as a fresh process."""
    folder = seed_variants(tmp_path / "docs", 3)
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [folder], progress=False)
    queries = ["营商环境", "乡村振兴 OR 独有标记", "三个一批 -改革"]
    with PolicyIndex.open(index_dir) as ix:
        for query in queries:
            ix.search(query, limit=5)
        before = ix.snapshot()
        segmenter = ix._segmenter
        added = seed_variants(tmp_path / "more", 6) / "copy005.txt"  # seed 0 again
        PolicyIndex.update(index_dir, [added], progress=False)
        read: list[str] = []
        real = bulk.postings

        def counted(reader, field, text):
            read.append(reader.segment().segment_id())
            return real(reader, field, text)

        monkeypatch.setattr(bulk, "postings", counted)
        after = ix.snapshot()
        assert after is not before
        kept = set(before.segments) & set(after.segments)
        answers = [ix.search(query, limit=5).as_dict() for query in queries]
        monkeypatch.setattr(bulk, "postings", real)
        assert kept and read and not kept & set(read)
        assert ix._segmenter is segmenter  # the report taught no word
    with PolicyIndex.open(index_dir) as fresh:
        assert [fresh.search(query, limit=5).as_dict() for query in queries] == answers
