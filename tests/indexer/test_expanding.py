"""Expansions kept commit by commit (``indexer.expanding``) are those resolved from the
whole corpus at once (``expansions.resolve``), whatever documents come, change and go."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from indexer import expanding
from indexer.expansions import resolve
from indexer.ledger import Ledger, LedgerWriter, remove_runs
from indexer.schema import TABLES
from indexer.storage import MappedStorage

LISTS = [
    ("稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期", "着力", "，"),
    ("稳就业、稳物价、稳增长、稳外贸、稳投资、稳预期", "", ""),
    ("去产能、去库存、去杠杆、降成本、补短板", "抓好", ""),
    ("防范化解重大风险、精准脱贫、污染防治", "", "的攻坚战"),
    ("简政放权、放管结合、优化服务", "深入推进", ""),
    ("稳就业、稳金融", "", ""),
    ("新情况、新问题", "", ""),
    ("社区、街区", "", ""),
    ("提高学生、家长心理", "", "健康教育素养"),
]
TERMS = [
    "六稳",
    "三去一降一补",
    "三大攻坚战",
    "放管服",
    "双稳",
    "双新",
    "两区",
    "两个健康",
    "三大攻坚",
]


def _document(rng: random.Random, doc: str) -> dict[str, Any]:
    if rng.random() < 0.15:  # a glossary only: it defines 六稳, and nothing else
        return {"doc": doc, "year": 2020, "lists": "", "mentions": {}, "defined": {"六稳": [1]}}
    lines = [
        f"{joined}\t{rng.randint(1, 6)}\t{before}\t{after}"
        for joined, before, after in rng.sample(LISTS, rng.randint(0, 4))
    ]
    mentions = {
        t: sorted(rng.sample(range(1, 8), rng.randint(1, 2)))
        for t in rng.sample(TERMS, rng.randint(0, 3))
    }
    return {
        "doc": doc,
        "year": rng.choice([None, 2010, 2015, 2018, 2019, 2020]),
        "lists": "\n".join(lines),
        "mentions": mentions,
        "quoted": [t for t in mentions if rng.random() < 0.5],
        "defined": {"六稳": [rng.randint(1, 6)]} if rng.random() < 0.2 else {},
    }


def _commit(folder: Path, manifest: dict, generation: int, state: dict, changed, documents):
    ledger = Ledger(folder, manifest, TABLES)
    writer = LedgerWriter(ledger, generation, MappedStorage(str(folder)).create_file)
    state, entries = expanding.update(writer, state, changed, documents, lambda text: ())
    writer.close()
    ledger.close()
    remove_runs(folder, writer.files)
    return writer.manifest, state, entries


def test_commits_resolve_what_the_whole_corpus_resolves(tmp_path):
    rng = random.Random(11)
    corpus: dict[str, dict[str, Any]] = {}
    manifest: dict = {}
    state: dict = {}
    nonempty = 0
    for generation in range(1, 50):
        names = [f"d{i}" for i in range(12)]
        changed = rng.sample(names, rng.randint(1, 4))
        documents = {}
        for doc in changed:
            if doc in corpus and rng.random() < 0.3:
                del corpus[doc]  # removed
            else:
                corpus[doc] = documents[doc] = _document(rng, doc)
        manifest, state, entries = _commit(
            tmp_path, manifest, generation, state, changed, documents
        )
        assert entries == resolve(corpus)
        nonempty += bool(entries)
    assert nonempty > 30  # terms were resolved, and resolved again


def test_a_definition_alone_changes_where_a_term_takes_its_lists(tmp_path):
    six = "稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期"
    corpus = {
        "a": {"doc": "a", "year": 2020, "lists": "", "mentions": {"六稳": [1, 2]}, "defined": {}},
        "b": {"doc": "b", "year": 2019, "lists": f"{six}\t3\t\t", "mentions": {}, "defined": {}},
    }
    manifest, state, entries = _commit(tmp_path, {}, 1, {}, list(corpus), corpus)
    assert [e["doc"] for e in entries] == ["b"] and entries == resolve(corpus)
    glossary = {"doc": "g", "year": 2020, "lists": "", "mentions": {}, "defined": {"六稳": [1]}}
    corpus["g"] = glossary  # explained now: lists only where the term is used
    manifest, state, entries = _commit(tmp_path, manifest, 2, state, ["g"], {"g": glossary})
    assert entries == resolve(corpus) == []
    del corpus["g"]
    manifest, state, entries = _commit(tmp_path, manifest, 3, state, ["g"], {})
    assert [e["doc"] for e in entries] == ["b"]
