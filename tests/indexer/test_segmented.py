"""Per-record values kept as each segment's array (``indexer.segmented``) read as the
joined array would, for any record numbers."""

import numpy as np
import pytest

from indexer import segmented
from indexer.segmented import Segmented


def _values(rng: np.random.Generator, with_tables: bool) -> tuple[Segmented, np.ndarray]:
    sizes = rng.integers(0, 40, size=rng.integers(1, 6))
    sizes[0] = max(sizes[0], 1)
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    parts = [rng.integers(0, 9, size=int(n)).astype(np.int32) for n in sizes]
    if not with_tables:
        return Segmented(parts, offsets), np.concatenate(parts)
    tables = [rng.permutation(50)[:9].astype(np.int32) for _ in parts]
    joined = np.concatenate([t[p] for t, p in zip(tables, parts, strict=True)])
    return Segmented(parts, offsets, tables), joined


@pytest.mark.parametrize("with_tables", [False, True])
@pytest.mark.parametrize("gathers_before_join", [0, 3, 10**9])  # joined at once, midway, never
def test_gathered_values_are_the_joined_arrays(with_tables, gathers_before_join, monkeypatch):
    monkeypatch.setattr(segmented, "GATHERS_BEFORE_JOIN", gathers_before_join)
    rng = np.random.default_rng(26)
    for _ in range(200):
        values, joined = _values(rng, with_tables)
        assert len(values) == len(joined)
        docs = rng.integers(0, len(joined), size=rng.integers(0, 60))
        for order in (np.sort(docs), np.unique(docs), docs):  # sorted, distinct, any order
            got = values[order]
            assert np.array_equal(got, joined[order]) and got.dtype == values.dtype, order
        doc = int(rng.integers(0, len(joined)))
        assert values[doc] == joined[doc] and values[np.int64(doc)] == joined[doc]
        assert np.array_equal(values.whole(), joined) and values.whole().dtype == values.dtype
        assert np.array_equal(values[docs], joined[docs])  # after the join, indexed in it


def test_a_mask_is_refused_not_read_as_numbers():
    values = Segmented([np.arange(3), np.arange(4)], np.array([0, 3]))
    with pytest.raises(TypeError, match="not a mask"):
        values[np.ones(7, dtype=bool)]
    assert values[np.zeros(0, dtype=np.int64)].tolist() == []
