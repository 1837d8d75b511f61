"""Each segment's characters and pairs (``indexer.grams``): the gram tokenizer's terms
of every paragraph, written by whichever process writes the segment, merged segments
included, read in place, and checked by ``check``."""

from __future__ import annotations

import os
from collections import defaultdict

import numpy as np
import pytest

from analyzers.ngrams import CompactGramTokenizer
from analyzers.normalize import match_key
from benchmarks.corpus import generate
from indexer import build, grams, mapped
from indexer.api import PolicyIndex
from indexer.ingest.document import parse_document
from indexer.ingest.readers import read_document
from indexer.store import check_index


def _expected(texts: list[str], length: int) -> dict[str, list[int]]:
    """Each gram of the tokenizer's, with the records (text numbers) that hold it."""
    found: dict[str, set[int]] = defaultdict(set)
    tokenizer = CompactGramTokenizer(length)
    for doc, text in enumerate(texts):
        for token in tokenizer(text, mode="index"):
            found[token.text].add(doc)
    return {gram: sorted(docs) for gram, docs in found.items()}


def _table(table: grams.Table, length: int) -> dict[str, list[int]]:
    """A table's grams as text, with their records."""
    found = {}
    for at, code in enumerate(table.codes.tolist()):
        text = chr(code) if length == 1 else chr(code >> 32) + chr(code & 0xFFFFFFFF)
        found[text] = table.records(at).tolist()
    return found


@pytest.fixture(scope="module")
def texts(parsed_seeds, tmp_path_factory) -> list[str]:
    """The seeds' paragraphs and a generated corpus's, and texts with no grams at all."""
    generated = generate(tmp_path_factory.mktemp("corpus"), 0.3)
    documents = list(parsed_seeds.values()) + [
        parse_document(p.name, read_document(p)) for p in generated
    ]
    found = [p.text for d in documents for p in d.paragraphs]
    return [*found, "", "  ", "“四上” 企业", "PM2.5 下降 12%，1+17+N", "地", "𠀀𠀁 ok"]


@pytest.mark.parametrize("dense", [grams.DENSE_CHARS, 4])  # pairs of ranks; pairs ranked
def test_the_grams_are_the_gram_tokenizers_terms_of_every_record(texts, dense, monkeypatch):
    monkeypatch.setattr(grams, "DENSE_CHARS", dense)
    monkeypatch.setattr(grams, "SAMPLE", 7)  # many blocks of codes
    keys = [match_key(text).encode("utf-8") for text in texts]
    found = grams.compute(b"".join(keys), np.cumsum([len(k) for k in keys]))
    assert _table(found.chars, 1) == _expected(texts, 1)
    assert _table(found.pairs, 2) == _expected(texts, 2)
    assert len(found.pairs.wide) and len(found.chars.wide)  # gaps beyond a byte too
    for length in (1, 2):  # every gram found through the sample, and nothing else
        for gram, docs in _expected(texts, length).items():
            assert found.postings(gram).tolist() == docs and found.count(gram) == len(docs)
    four = len(texts) - 4  # “四上” 企业: the match key's characters and whole pairs
    assert [gram for gram, docs in _table(found.pairs, 2).items() if four in docs] == [
        "上企",
        "企业",
        "四上",
    ]
    assert found.postings("企业").tolist() == _expected(texts, 2)["企业"]
    assert found.count("企业") == len(_expected(texts, 2)["企业"]) and not found.count("地𠀀")
    assert found.postings("𠀀").tolist() == [len(texts) - 1]  # beyond 16 bits
    assert not len(found.postings("地𠀀")) and not len(found.postings("\x00"))
    empty = grams.compute(b"", np.zeros(3, dtype=np.int64))
    assert not len(empty.chars.codes) and not len(empty.postings("地"))


def _literals(index_dir) -> dict[str, tuple[int, list]]:
    with PolicyIndex.open(index_dir) as ix:
        found = {}
        for query in ("发", "营商", "营商环境", "地", "三个一批"):
            result = ix.search(query, limit=None, literal=True)
            found[query] = (result.total, [(h.doc, h.paragraph) for h in result.hits])
        return found


def test_every_segment_has_its_grams_written_where_it_is_written(
    tmp_path, seed_files, seed_variants, segment_files, monkeypatch
):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build, "PARALLEL_FROM", 2)
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, seed_files, progress=False)  # two workers' segments
    live, present = segment_files(index_dir, grams.EXTENSION)
    assert len(live) == 3 and present == live
    for file in sorted(seed_variants(tmp_path / "more", 4).iterdir()):
        PolicyIndex.update(index_dir, [file], progress=False)  # Whoosh merges on the way
    live, present = segment_files(index_dir, grams.EXTENSION)
    assert present == live
    serial = tmp_path / "serial"
    monkeypatch.setattr(build, "PARALLEL_FROM", 100)
    PolicyIndex.update(serial, [*seed_files, tmp_path / "more"], progress=False)
    assert _literals(index_dir) == _literals(serial)
    assert check_index(index_dir)[0] == {}


def test_a_lost_grams_file_is_computed_then_written_and_damage_is_found(
    tmp_path, seed_files, segment_files
):
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, seed_files, progress=False)
    answers = _literals(index_dir)
    lost = sorted(index_dir.glob(f"*{grams.EXTENSION}"))
    for path in lost:
        path.unlink()
    assert _literals(index_dir) == answers  # from the key columns
    problems, _ = check_index(index_dir)
    assert problems and all("FileNotFoundError" in line for line in problems.values())
    extra = tmp_path / "extra.txt"
    extra.write_text("一、总体要求\n持续优化营商环境。\n", encoding="utf-8")
    PolicyIndex.update(index_dir, [extra], progress=False)  # the next commit writes them
    live, present = segment_files(index_dir, grams.EXTENSION)
    assert present == live
    assert check_index(index_dir)[0] == {}
    path = sorted(index_dir.glob(f"*{grams.EXTENSION}"), key=lambda p: -p.stat().st_size)[0]
    found = mapped.Mapped(path, grams._MAGIC)
    offset, _ = found._parts["pairs_gaps"]
    found.close()
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    problems, _ = check_index(index_dir)
    assert [line for line in problems.values() if "checksum" in line]
