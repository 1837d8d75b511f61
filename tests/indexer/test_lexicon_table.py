"""Suggestions read the lexicon in place (``LexiconTable``): the same words as a scan
of the whole lexicon, through commits that change and delete entries."""

from __future__ import annotations

import difflib

from analyzers.pinyin import word_pinyin
from indexer.api import PolicyIndex
from indexer.ledger import ENTRY_START, Entries, Kind, Ledger, LedgerWriter
from indexer.lexicon import LexiconTable
from indexer.schema import LEXICON_WORDS
from indexer.storage import MappedStorage


def test_homophones_and_similar_words_equal_a_scan_of_the_whole_lexicon(tmp_path, seed_variants):
    folder = seed_variants(tmp_path / "docs", 5)
    index_dir = tmp_path / "index"
    PolicyIndex.update(index_dir, [folder], progress=False)
    first, second = sorted(folder.iterdir())[:2]
    original = first.read_text(encoding="utf-8")
    added = "\n\n数字乡村试点和智慧岛建设全面铺开，低空经济示范区挂牌。\n"
    first.write_text(original + added, encoding="utf-8")  # new words: a small run
    PolicyIndex.update(index_dir, [folder], progress=False)
    first.write_text(original, encoding="utf-8")  # gone again: deletions in a newer run
    second.write_text(second.read_text(encoding="utf-8") + added[:14], encoding="utf-8")
    PolicyIndex.update(index_dir, [folder], progress=False)
    with PolicyIndex.open(index_dir) as ix:
        whole = ix.lexicon().words
        ledger, jargon = ix._ledger, ix._segmenter.user_words
        assert len(ledger.manifest[LEXICON_WORDS]) > 1
        table = LexiconTable(ledger.table(LEXICON_WORDS), jargon)
        for text in [*list(whole)[::7], "营商环竟", "三个一北", "设1", "发展a"]:
            full = word_pinyin(text)[0]
            sounds = [w for w in whole.values() if w.full == full and w.text != text]
            assert table.homophones(text) == sorted(sounds, key=lambda w: (-w.freq, w.text))
            near = [
                w
                for w in whole
                if (w[0] == text[0] or w[-1] == text[-1]) and abs(len(w) - len(text)) <= 1
            ]
            assert table.similar(text) == difflib.get_close_matches(text, near, n=5, cutoff=0.6)


def test_payloads_are_found_where_they_start_and_end(tmp_path):
    kind = Kind(additive=False, dtype="<i4", payloads=True)
    ledger = Ledger(tmp_path, {}, {"t": kind})
    writer = LedgerWriter(ledger, 1, MappedStorage(str(tmp_path)).create_file)
    words = ["甲乙", "乙丙", "丙甲", "甲"]
    writer.add("t", Entries.of(words, [1, 2, 3, 4], [f"{w}\tx" for w in words]))
    table = Ledger(tmp_path, writer.manifest, {"t": kind}).table("t")
    (run,) = table.runs
    first = run.payloads(0, 1)[0].split("\t")[0]  # whichever entry the run sorted first
    starting = {p.split("\t")[0] for p in table.payloads_with((ENTRY_START + first[0]).encode())}
    assert starting == {w for w in words if w[0] == first[0]}
    assert {p.split("\t")[0] for p in table.payloads_with("甲\t".encode())} == {"丙甲", "甲"}
    assert table.payloads_with("丁".encode()) == set()
