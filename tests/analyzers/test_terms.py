"""The terms indexing computes directly are exactly the terms the analyzer chains give."""

from __future__ import annotations

from collections import Counter

import pytest

from analyzers import segment
from analyzers.chains import word_analyzer
from analyzers.terms import index_words
from benchmarks.corpus import generate
from indexer.ingest.document import parse_document
from indexer.ingest.readers import read_document


@pytest.fixture(scope="module")
def texts(parsed_seeds, tmp_path_factory):
    """Paragraphs, section paths and titles of the seeds and of a generated corpus."""
    generated = generate(tmp_path_factory.mktemp("corpus"), 0.3)
    documents = list(parsed_seeds.values()) + [
        parse_document(p.name, read_document(p)) for p in generated
    ]
    found = {d.meta.title for d in documents}
    for document in documents:
        for paragraph in document.paragraphs:
            found.update((paragraph.text, paragraph.section_path))
    found.update(["增长5.1%", "PM2.5 下降 12%，1+17+N", "", "  ", "“四上”企业"])
    return sorted(found)


@pytest.fixture(scope="module")
def learned(parsed_seeds):
    """A segmenter that learned the seeds' jargon (long user words have subwords)."""
    segmenter = segment.Segmenter()
    for document in parsed_seeds.values():
        for word in document.jargon():
            segmenter.learn(word)
    return segmenter


def test_index_words_are_the_word_chains_terms(texts, learned):
    analyzer = word_analyzer()
    subwords = 0
    with segment.using(learned):
        for text in texts:
            expected = Counter(t.text for t in analyzer(text, mode="index"))
            assert index_words(text) == expected, text
            subwords += sum(expected.values()) - len(list(analyzer(text)))
    assert subwords > 1000  # the filters' variants were exercised
