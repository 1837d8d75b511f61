"""A reader's cut from the index's word table (``analyzers.route``) is jieba-rs's: the
same words on the seeds, a generated corpus, random dictionary strings and a dictionary
taught words again, with the total the writer records; and it gives way to jieba-rs when
a process cuts much or learns."""

from __future__ import annotations

import pytest

from analyzers import segment
from analyzers.route import RouteCutter, WordTable, table_parts
from analyzers.segment import Segmenter
from benchmarks.corpus import generate

pytest.importorskip("rjieba", reason="rjieba is not installed: the table is not written")

TOTAL_SENSITIVE = "协同开展科技研发和技术成果转移转化"  # cut on the total's last units


@pytest.fixture(scope="module")
def table() -> tuple[WordTable, int]:
    """jieba's dict.txt as the writer puts it in an index, and its longest word."""
    words = segment.dictionary_words()
    return WordTable(dict(table_parts(words))), max(map(len, words))


def routed(model: Segmenter, table: tuple[WordTable, int]) -> Segmenter:
    """What a reader of ``model``'s commit gets: its words, cut from the table."""
    words, longest = table
    cutter = RouteCutter(words, longest, model.user_words, model.model_total(words))
    reader = Segmenter(list(model.user_words.items()), model.surplus, cutter)
    assert reader.engine == "route"
    return reader


@pytest.fixture(scope="module")
def taught(parsed_seeds) -> Segmenter:
    model = Segmenter()
    for name in sorted(parsed_seeds):
        for word in parsed_seeds[name].jargon():
            model.learn(word)
    assert model.engine == "rjieba" and len(model.user_words) > 100
    return model


@pytest.fixture(autouse=True)
def never_gives_way(monkeypatch):
    monkeypatch.setattr(segment, "ROUTED_CHARACTERS", 10**9)


def test_seeds_and_generated_text_cut_as_jieba_rs(
    taught, table, parsed_seeds, tmp_path, first_difference
):
    reader = routed(taught, table)
    texts = [p.text for d in parsed_seeds.values() for p in d.paragraphs]
    files = generate(tmp_path, 0.3, seed=11)
    texts += [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert sum(map(len, texts)) > 150_000
    assert first_difference(reader, taught, texts) is None
    assert reader.engine == "route"


def test_random_dictionary_strings(taught, table, first_difference, dictionary_strings):
    reader = routed(taught, table)
    jargon = list(taught.user_words)
    assert first_difference(reader, taught, dictionary_strings(20261205, jargon, 3000, 12)) is None
    words = ["营商环境", "放管服", "的", "不是一个词", *jargon[:50]]
    assert [reader.is_known(w) for w in words] == [taught.is_known(w) for w in words]


def test_words_taught_again_keep_the_total(table, monkeypatch, first_difference):
    """Re-adding a dictionary word or a user word changes jieba's total in its own way;
    the total the writer records is Python jieba's, and the cuts follow it."""
    model = Segmenter()
    for batch in (
        [("了", 883634)],
        [("成果转", 7), ("研发和", 2000), ("转移转化", 10), ("转移转化", 500)],
        [("甲乙", 3), ("丙", 4), ("甲", 2), ("乙丙", 6)],
    ):
        model.add_words(batch)
    for word in ["技术成果转移", "科技研发和", "六稳六保"]:
        assert model.learn(word)
    with monkeypatch.context() as jieba_only:
        jieba_only.setenv(segment.ENGINE_VARIABLE, "jieba")
        reference = Segmenter(model._added)  # Python jieba, taught the same calls in order
    assert model.model_total(table[0]) == reference._python().total
    reader = routed(model, table)
    texts = [TOTAL_SENSITIVE, "甲乙丙", "六稳六保放管服", "城镇居民人均可支配收入突破"]
    assert first_difference(reader, model, texts) is None
    assert [w for w, _, _ in reader.words("甲乙丙")] == ["甲乙", "丙"]  # a tie: the longer


def test_gives_way_to_jieba_rs(taught, table, monkeypatch):
    """Past ROUTED_CHARACTERS, or to learn, the reader builds jieba-rs with the same words
    and surplus, and cuts as before."""
    monkeypatch.setattr(segment, "ROUTED_CHARACTERS", 40)
    reader = routed(taught, table)
    text = "深化放管服改革，持续优化营商环境"
    first = list(reader.words(text))
    assert reader.engine == "route"
    list(reader.words(text * 3))
    assert reader.engine == "rjieba"
    assert reader.surplus == taught.surplus and reader.user_words == taught.user_words
    reader._cut.cache_clear()
    assert list(reader.words(text)) == first
    learner = routed(taught, table)
    assert learner.learn("新词汇甲乙") and learner.engine == "rjieba"
    assert learner.user_words["新词汇甲乙"] == Segmenter(taught._added)._suggest_freq("新词汇甲乙")


def test_the_reference_asked_for_cuts(taught, table, monkeypatch):
    cutter = routed(taught, table)._route
    monkeypatch.setenv(segment.ENGINE_VARIABLE, "jieba")
    assert Segmenter(list(taught.user_words.items()), taught.surplus, cutter).engine == "jieba"


def test_word_table_lookups(table):
    words, _ = table
    assert words.frequencies([]) == []
    found = words.frequencies(["营商", "营商环境", "营", "不存在的词语", "的"])
    assert found[0] > 0 and found[2] > 0 and found[3] == 0 and found[4] == 318825
    small = WordTable(dict(table_parts({"甲": 1, "甲乙": 5, "乙": 0})))
    assert small.frequencies(["甲乙", "乙", "丙", "甲乙丙"]) == [5, 0, 0, 0]
