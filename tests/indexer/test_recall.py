"""The engine against a plain substring scan: recall 1.0 and no false hits.

Queries are a sample of the seeds' own vocabulary (jieba words) and random substrings of
random paragraphs, which cut across word boundaries the way 工一批 cuts 开工一批.
"""

import random

import pytest

from analyzers.normalize import compact
from analyzers.segment import Segmenter

SAMPLES = 150


@pytest.fixture(scope="module")
def corpus(parsed_seeds) -> list[tuple[tuple[str, int], str]]:
    return [((p.doc, p.n), compact(p.text)[0]) for d in parsed_seeds.values() for p in d.paragraphs]


def scan(corpus, needle: str) -> set[tuple[str, int]]:
    key = compact(needle)[0]
    return {ref for ref, text in corpus if key in text}


def check(seed_index, corpus, queries: list[str], literal: bool) -> None:
    misses = []
    for query in queries:
        expected = scan(corpus, query)
        result = seed_index.search(query, limit=None, literal=literal)
        got = {(h.doc, h.paragraph) for _, h in result.every_paragraph()}
        if got != expected:
            misses.append((query, len(expected - got), len(got - expected)))
    assert not misses, f"(query, missed, false hits): {misses}"


def test_vocabulary_sample(seed_index, parsed_seeds, corpus):
    seg = Segmenter()
    vocabulary = sorted(
        {w for d in parsed_seeds.values() for p in d.paragraphs for w, _, _ in seg.words(p.text)}
    )
    queries = random.Random(20261124).sample(vocabulary, SAMPLES)
    check(seed_index, corpus, queries, literal=False)


def test_random_substrings(seed_index, parsed_seeds, corpus):
    rng = random.Random(7)
    texts = [p.text for d in parsed_seeds.values() for p in d.paragraphs]
    queries = []
    while len(queries) < SAMPLES:
        text = rng.choice(texts)
        size = rng.choice([1, 2, 2, 3, 3, 4, 5, 8])
        start = rng.randrange(max(1, len(text) - size))
        piece = text[start : start + size]
        if compact(piece)[0]:
            queries.append(piece)
    check(seed_index, corpus, queries, literal=True)
