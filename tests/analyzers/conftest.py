"""What the segmenter tests share: comparing two segmenters' cuts, and strings on which
jieba's routes compete."""

from __future__ import annotations

import random

import pytest

from analyzers.segment import Segmenter
from benchmarks.corpus import dictionary_words


@pytest.fixture(scope="session")
def first_difference():
    """The first text two segmenters cut differently, with both cuts; None if all agree
    word for word."""

    def first_difference(fast: Segmenter, ref: Segmenter, texts) -> tuple | None:
        for text in texts:
            got, want = fast._cut_uncached(text), ref._cut_uncached(text)
            if got != want:
                return text, got, want
        return None

    return first_difference


@pytest.fixture(scope="session")
def dictionary_strings():
    """``dictionary_strings(seed, jargon, count, longest)``: ``count`` strings of 1 to
    ``longest`` pieces, each a dictionary word, a word of ``jargon`` or a single
    character: where words overlap, routes compete."""

    def dictionary_strings(seed: int, jargon: list[str], count: int, longest: int) -> list[str]:
        rng = random.Random(seed)
        vocabulary = dictionary_words()
        chars = [w[0] for w in rng.sample(vocabulary, 500)]
        return [
            "".join(rng.choice((vocabulary, jargon, chars)[rng.randrange(3)]) for _ in range(k))
            for k in (rng.randint(1, longest) for _ in range(count))
        ]

    return dictionary_strings
