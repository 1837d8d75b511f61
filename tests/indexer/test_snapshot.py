"""The writer codes a string column run by run (a report's records are consecutive):
the codes must be those of coding every record on its own."""

import random
from types import SimpleNamespace

import numpy as np

from indexer.codes import run_codes


def _column(values: list[bytes]) -> SimpleNamespace:
    lengths = np.array([len(v) for v in values], dtype=np.int64)
    ends = np.cumsum(lengths) + 3  # values lie back to back after some other bytes
    return SimpleNamespace(buffer=b"xyz" + b"".join(values), starts=ends - lengths, ends=ends)


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
        assert run_codes(_column(values), names).tolist() == codes, values
        assert names == expected
