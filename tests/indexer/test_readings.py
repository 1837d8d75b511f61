"""Any string of the corpus by its pinyin: the bigram walk against a brute-force scan."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from analyzers.pinyin import char_readings, syllables, word_pinyin
from analyzers.segment import HAN_RUN
from indexer import readings
from indexer.matching import LiteralCounts
from indexer.readings import BigramGraph, pack_bigrams
from indexer.store import open_ledger
from indexer.suggestions import load_bigrams


@pytest.fixture(scope="module")
def keys(seed_index) -> list[str]:
    snapshot = seed_index.snapshot()
    live = np.flatnonzero(snapshot.paragraphs.whole() & snapshot.alive)
    return [key.decode("utf-8") for key in snapshot.match_keys(live)]


@pytest.fixture(scope="module")
def graph(seed_index) -> BigramGraph:
    return load_bigrams(open_ledger(seed_index.searcher(), seed_index.path))


def _count(seed_index):
    return LiteralCounts(seed_index.snapshot()).paragraphs


def test_graph_holds_every_han_bigram_with_its_paragraphs(seed_index, keys, graph):
    expected: Counter[str] = Counter()
    for key in keys:
        expected.update(
            {run[i : i + 2] for run in HAN_RUN.findall(key) for i in range(len(run) - 1)}
        )
    pairs = {
        a + b: int(n)
        for a, b, n in zip(
            graph.chars[graph.firsts], graph.chars[graph.seconds], graph.counts, strict=True
        )
    }
    assert pairs == dict(expected) and len(pairs) > 10_000
    count = _count(seed_index)
    for pair in random.Random(3).sample(sorted(pairs), 300):
        assert pairs[pair] == count(pair)  # the index's own posting list agrees


def _brute_force(keys: list[str], walk: readings.Walk, n: int) -> dict[str, int]:
    """The top ``n`` strings the walk reads, by scanning every paragraph."""

    def reads(char: str, piece: readings.Piece) -> bool:
        text, whole = piece
        return any(r == text if whole else r.startswith(text) for r in char_readings(char))

    paragraphs: Counter[str] = Counter()
    size = len(walk)
    for key in keys:
        seen = set()
        for run in HAN_RUN.findall(key):
            for at in range(len(run) - size + 1):
                text = run[at : at + size]
                if all(reads(c, p) for c, p in zip(text, walk, strict=True)):
                    seen.add(text)
        paragraphs.update(seen)
    return dict(sorted(paragraphs.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def _walks(keys: list[str]) -> list[readings.Walk]:
    """Readings of strings of the corpus: in full, by initials, with an unfinished end."""
    rng = random.Random(7)
    runs = [r for key in keys for r in HAN_RUN.findall(key) if len(r) >= 6]
    walks: list[readings.Walk] = []
    for _ in range(40):
        run = rng.choice(runs)
        size = rng.randint(2, 5)
        at = rng.randint(0, len(run) - size)
        text = run[at : at + size]
        full = [rng.choice(char_readings(c)) for c in text]
        walks.append(tuple((s, True) for s in full))
        walks.append(tuple((s[0], False) for s in full))
        walks.append((*((s, True) for s in full[:-1]), (full[-1][:2], False)))
    return walks


@pytest.mark.parametrize("limit", [readings.WALK_LIMIT, 0], ids=["whole", "by-floors"])
def test_top_strings_are_exactly_the_scans(seed_index, keys, graph, monkeypatch, limit):
    """Whether the walk lists every string or lowers a floor round by round, the top
    strings and their paragraph counts are the brute-force scan's."""
    monkeypatch.setattr(readings, "WALK_LIMIT", limit)
    monkeypatch.setattr(readings, "MAX_CHECKS", 10**6)
    count = _count(seed_index)
    for walk in _walks(keys):
        assert graph.top([walk], count, 5) == _brute_force(keys, walk, 5), walk


@pytest.mark.parametrize(
    "limits",
    [{"MAX_CHECKS": 3}, {"WALK_LIMIT": 0, "ROUND_LIMIT": 3}],
    ids=["few-checks", "small-walks"],
)
def test_bounded_lookups_return_real_strings_counted_exactly(
    seed_index, keys, graph, monkeypatch, limits
):
    """With few checks, or walks cut short, what is returned still occurs, as often as
    it says (it may miss a string the unbounded lookup would find)."""
    for name, value in limits.items():
        monkeypatch.setattr(readings, name, value)
    count = _count(seed_index)
    for walk in _walks(keys)[:30]:
        for text, n in graph.top([walk], count, 5).items():
            assert count(text) == n > 0


def test_an_empty_corpus_reads_nothing():
    none = np.zeros(0, dtype=np.int64)
    graph = BigramGraph(pack_bigrams(none, none))
    assert graph.top([(("zuo", True), ("da", True))], lambda t: 1, 5) == {}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("zuodazuoqiang", "做大做强"),  # cut by jieba into 做大 / 做强: no lexicon word
        ("zuo4 da4 zuo4 qiang2", "做大做强"),
        ("zdzq", "做大做强"),
        ("wenlvxiangmu", "文旅项目"),
        ("changsanjiao", "长三角"),  # pypinyin reads it zhangsanjiao
        ("changzhouqi", "长周期"),
    ],
)
def test_strings_no_lexicon_lists_are_found_by_their_reading(seed_index, typed, meant):
    result = seed_index.search(typed)
    assert result.interpreted["as"] == meant and result.total > 0
    assert result.total == seed_index.search(meant).total
    assert meant in [c["text"] for c in seed_index.complete(typed)]


def test_the_typed_reading_of_a_heteronym_decides(seed_index):
    assert word_pinyin("长三角")[0] == "zhangsanjiao"  # the word-level guess
    for typed in ("changsanjiao", "zhangsanjiao"):
        assert seed_index.lexicon().candidates(typed)[0].text == "长三角"
    assert "长三角" in [c["text"] for c in seed_index.complete("changsanj")]


def test_unfinished_reading_completes(seed_index):
    assert "做大做强" in [c["text"] for c in seed_index.complete("zuodazuoq")]
    assert "长三角" in [c["text"] for c in seed_index.complete("changsan")]


def test_every_character_reading_is_a_syllable():
    assert {"zhang", "chang", "lv", "nv", "er"} <= syllables()
    assert not {"n", "m", "ng", "hm"} & syllables()  # interjections split nothing


def test_a_string_seen_twice_is_read_one_seen_once_is_noise(index_of):
    from indexer.api import PolicyIndex

    text = "政府工作报告\n\n蔺豫翀说，蔺豫翀来了。\n\n另有蔺豫翎一人。\n"
    with PolicyIndex.open(index_of({"a.txt": text})) as ix:
        lexicon = ix.lexicon()
        assert "蔺豫翀" not in lexicon.words  # jieba never cut it out: found by the walk
        assert [w.text for w in lexicon.candidates("linyuchong")][:1] == ["蔺豫翀"]  # twice
        assert "蔺豫翎" not in [w.text for w in lexicon.candidates("linyuling")]  # once
        assert ix.search("linyuchong").interpreted["as"] == "蔺豫翀"


def test_typed_syllables_are_not_read_as_initials(seed_index):
    """fang is a syllable: its four letters are not the initials of a string."""
    lexicon = seed_index.lexicon()
    assert lexicon._read(1, "fang", 5) == {}
    assert lexicon._read(1, "zdzq", 5)  # no syllable: initials
