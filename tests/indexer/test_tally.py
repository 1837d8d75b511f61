"""The corpus's tables changed commit by commit (``indexer.tally``) hold what the whole
corpus's counts give: the lexicon of ``lexicon_table`` and the pairs of
``abbreviations.learn``, whatever order words come and go in."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from indexer import abbreviations, tally
from indexer.ledger import Ledger, LedgerWriter, remove_runs
from indexer.lexicon import lexicon_table
from indexer.schema import LEXICON_WORDS, TABLES
from indexer.storage import MappedStorage

STEMS = ["电子商务", "电商", "环境保护", "环保", "科技创新", "科创", "加大力度", "加力", "三农工作"]
NEIGHBOURS = ["农村", "发展", "平台", "加强", "推动", "企业", "治理", "体系"]
JARGON = ["三农工作"]


def _vocabulary() -> list[str]:
    words = list(STEMS) + NEIGHBOURS
    for stem in STEMS:
        words += [n + stem for n in NEIGHBOURS] + [stem + n for n in NEIGHBOURS]
    return words


def _commit(folder: Path, manifest: dict, generation: int, delta: Counter, pairs: list) -> tuple:
    ledger = Ledger(folder, manifest, TABLES)
    writer = LedgerWriter(ledger, generation, MappedStorage(str(folder)).create_file)
    pairs = tally.record(writer, delta, [], JARGON, lambda w: w in NEIGHBOURS, pairs)
    writer.close()
    ledger.close()
    remove_runs(folder, writer.files)
    return writer.manifest, pairs


def test_commits_give_the_whole_corpus_lexicon_and_abbreviations(tmp_path):
    rng = random.Random(3)
    words = _vocabulary()
    counts: Counter = Counter()
    manifest: dict = {}
    pairs: list = []
    seen_pairs, changes = set(), 0
    for generation in range(1, 60):
        delta = Counter()
        for word in rng.sample(words, rng.randint(1, 40)):
            delta[word] = max(rng.randint(-4, 4), -counts[word])
        delta[rng.randint(1, 1 << 40)] = 1  # a bigram code
        counts.update(delta)
        before = pairs
        manifest, pairs = _commit(tmp_path, manifest, generation, delta, pairs)
        changes += pairs != before
        live = +Counter({w: n for w, n in counts.items() if isinstance(w, str)})
        assert pairs == abbreviations.learn(live)
        seen_pairs.update(pairs)
        ledger = Ledger(tmp_path, manifest, TABLES)
        lexicon = ledger.table(LEXICON_WORDS).entries()
        held = {
            p.split("\t")[0]: [v, *p.split("\t")[1:]]
            for p, v in zip(lexicon.payloads or [], lexicon.values.tolist(), strict=True)
        }
        assert held == lexicon_table(live, {}, JARGON, lambda w: w in NEIGHBOURS)
        ledger.close()
    assert len(seen_pairs) >= 2 and changes >= 3  # pairs came and went: decided again
