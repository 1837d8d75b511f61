"""Matching on numpy arrays gives exactly what a substring scan of the paragraphs gives."""

from __future__ import annotations

import random

import numpy as np
import pytest

from analyzers.normalize import compact
from indexer.matching import Matcher, intersect
from indexer.query import parse


def test_intersect_equals_numpy_intersect():
    rng = np.random.default_rng(1)
    for _ in range(300):
        a = np.unique(rng.integers(0, 500, rng.integers(0, 40)))
        b = np.unique(rng.integers(0, 500, rng.integers(0, 400)))
        assert intersect(a, b).tolist() == np.intersect1d(a, b).tolist()


@pytest.fixture(scope="module")
def paragraphs(seed_index):
    """Every live paragraph's document number, match key, report, region and year."""
    snapshot = seed_index.snapshot()
    stored = snapshot.stored_fields
    rows = {}
    for docnum in np.flatnonzero(snapshot.paragraphs.whole()).tolist():
        fields = stored(docnum)
        rows[docnum] = (compact(fields["text"])[0], fields["doc"], fields.get("region", ""))
    return rows


def _scan(paragraphs, test) -> list[int]:
    return sorted(d for d, row in paragraphs.items() if test(*row))


def _cases(a: str, b: str, c: str) -> dict:
    """Queries over three literals and what each means for (key, report, region)."""
    return {
        f'"{a}" "{b}"': lambda k, d, r: a in k and b in k,
        f'"{a}" OR "{b}"': lambda k, d, r: a in k or b in k,
        f'"{a}" NOT "{b}"': lambda k, d, r: a in k and b not in k,
        f'("{a}" OR "{b}") NOT "{c}"': lambda k, d, r: (a in k or b in k) and c not in k,
        f'"{a}" region:新华区': lambda k, d, r: a in k and r == "新华区",
        f'"{a}" doc:00': lambda k, d, r: a in k and d.startswith("00"),
        "region:新华区": lambda k, d, r: r == "新华区",  # a filter alone: every paragraph it passes
        f'doc:00 NOT "{a}"': lambda k, d, r: d.startswith("00") and a not in k,
    }


def test_boolean_queries_equal_a_scan(seed_index, paragraphs):
    keys = [row[0] for row in paragraphs.values()]
    picker = random.Random(7)

    def substring() -> str:
        key = picker.choice([k for k in keys if len(k) > 8])
        size = picker.choice([1, 2, 3, 4, 6])
        start = picker.randrange(len(key) - size)
        return key[start : start + size]

    matcher = Matcher(seed_index.snapshot())
    for _ in range(60):
        for query, test in _cases(substring(), substring(), substring()).items():
            got = matcher.match(parse(query)).docs.tolist()
            assert got == _scan(paragraphs, test), query
