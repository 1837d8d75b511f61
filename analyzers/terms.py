"""The terms the analyzer chains index, computed directly: what bulk indexing writes.

Whoosh asks an analyzer for a ``Token`` per term (about 12 µs each through the word
chain's filters); indexing needs only each term and how often it occurs. These functions
give exactly the terms and counts of :mod:`analyzers.chains` in index mode (a test
compares them on the seeds and a generated corpus); queries still go through the chains.

>>> sorted(index_words("增长5.1%").items())
[('5.1', 1), ('5.1%', 1), ('增长', 1)]
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter

from analyzers.segment import active_segmenter


def index_words(text: str) -> Counter[str]:
    """``word_analyzer()`` in index mode: jieba's words, the dictionary words inside long
    ones, and percentages also as bare numbers, with their counts."""
    segmenter = active_segmenter()
    counts = Counter(map(itemgetter(0), segmenter.words(text)))
    for word, n in list(counts.items()):
        if len(word) > 2:
            for sub in segmenter.subwords(word):
                counts[sub] += n
        if len(word) > 1 and word.endswith("%"):
            counts[word[:-1]] += n
    return counts
