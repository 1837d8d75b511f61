"""rjieba cuts like the Python jieba reference: the same words at the same offsets on the
seeds, a generated corpus and random dictionary strings, after words are added at runtime,
in a forked process, and through every fallback to Python jieba."""

from __future__ import annotations

import logging
import multiprocessing
import random
import sys
import types

import pytest

from analyzers import segment
from analyzers.segment import Segmenter
from benchmarks.corpus import dictionary_words, generate

rjieba = pytest.importorskip("rjieba", reason="rjieba is not installed: Python jieba cuts alone")

# 了 (883,634 in dict.txt) added again: Python jieba's total grows by the new frequency,
# jieba-rs's does not, and this sentence is cut on the difference.
TOTAL_SENSITIVE = "协同开展科技研发和技术成果转移转化"


def make(monkeypatch: pytest.MonkeyPatch, engine: str, words=()) -> Segmenter:
    monkeypatch.setenv(segment.ENGINE_VARIABLE, engine)
    seg = Segmenter(words)
    assert seg.engine == ("jieba" if engine == "jieba" else "rjieba")
    return seg


@pytest.fixture(scope="module")
def taught(parsed_seeds) -> tuple[Segmenter, Segmenter]:
    """rjieba and Python jieba, each taught the jargon that indexing the seeds learns."""
    with pytest.MonkeyPatch.context() as mp:
        fast, ref = make(mp, "auto"), make(mp, "jieba")
    for name in sorted(parsed_seeds):
        for word in parsed_seeds[name].jargon():
            assert fast.learn(word) == ref.learn(word)
    assert fast.engine == "rjieba" and len(fast.user_words) > 100
    return fast, ref


@pytest.fixture(scope="module")
def plain() -> tuple[Segmenter, Segmenter]:
    """rjieba and Python jieba (forced by the environment), with no user words."""
    with pytest.MonkeyPatch.context() as mp:
        return make(mp, "auto"), make(mp, "jieba")


@pytest.fixture(scope="module")
def seed_texts(parsed_seeds, seed_files) -> list[str]:
    paragraphs = [p.text for d in parsed_seeds.values() for p in d.paragraphs]
    lines = [line for f in seed_files for line in f.read_text(encoding="utf-8").splitlines()]
    return paragraphs + lines


def test_learned_frequencies_match(taught):
    """learn() asks Python jieba: rjieba's suggest_freq is off by one on many words."""
    fast, ref = taught
    assert fast.user_words == ref.user_words
    assert fast.user_words["一体化"] == 1179  # dict.txt has 1178: rjieba would suggest 1178


def test_seeds_cut_identically(taught, seed_texts, first_difference):
    assert first_difference(*taught, seed_texts) is None


def test_generated_corpus_cuts_identically(taught, tmp_path, first_difference):
    files = generate(tmp_path, 0.3, seed=7)
    texts = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert sum(map(len, texts)) > 90_000
    assert first_difference(*taught, texts) is None


def test_random_dictionary_strings_cut_identically(taught, first_difference, dictionary_strings):
    fast, ref = taught
    texts = dictionary_strings(20240601, list(fast.user_words), 5000, 8)
    assert first_difference(fast, ref, texts) is None


def test_words_added_at_runtime(monkeypatch, seed_texts, first_difference):
    fast, ref = make(monkeypatch, "auto"), make(monkeypatch, "jieba")
    batches = [
        [("了", 883634)],  # a dictionary word again: only its total changes
        [("成果转", 7), ("研发和", 2000), ("转移转化", 10), ("转移转化", 500)],
        [("甲乙", 3), ("丙", 4), ("甲", 2), ("乙丙", 6)],  # a tie: 3·4 = 2·6
        # jieba 0.42.1 cuts U+4E00–U+9FD5 only and leaves rarer Han a character each;
        # jieba-rs would cut them too, and join these words
        [("㐀文", 100), ("好𠀀", 100), ("鿖字", 100)],
    ]
    for batch in batches:
        fast.add_words(batch)
        ref.add_words(batch)
        assert first_difference(fast, ref, [TOTAL_SENSITIVE]) is None
    for word in ["技术成果转移", "科技研发和", "六稳六保", "放管服"]:  # overlapping words
        assert fast.learn(word) and ref.learn(word)
    fast.add_words([("的", 318825)])  # again, now that learning loaded Python jieba
    ref.add_words([("的", 318825)])
    assert fast.user_words == ref.user_words
    assert [w for w, _, _ in ref.words("甲乙丙")] == ["甲乙", "丙"]  # ties: the longer word
    assert [w for w, _, _ in ref.words("中㐀文鿖字")] == list("中㐀文鿖字")
    texts = [
        TOTAL_SENSITIVE,
        "甲乙丙",
        "六稳六保放管服",
        "中㐀文鿖字",
        "好𠀀𠀁的",
        "城镇居民人均可支配收入突破",  # 可支配, or 可 / 支配 on a total that drifted
        *seed_texts[::5],
    ]
    assert first_difference(fast, ref, texts) is None
    assert fast.engine == "rjieba"


def test_jieba_total_is_kept(monkeypatch):
    """jieba-rs on its own drifts from Python jieba's total frequency; the Segmenter does not
    (test_words_added_at_runtime checks it against Python jieba)."""
    fast = make(monkeypatch, "auto", [("了", 883634)])
    raw = rjieba.Jieba()
    raw.add_word("了", 883634, None)
    assert "技术成果" in [w for w, _, _ in fast.words(TOTAL_SENSITIVE)]
    assert "技术成果" not in raw.cut(TOTAL_SENSITIVE, False)


def test_known_words_and_subwords_match(taught):
    """jieba's FREQ holds prefixes at 0; rjieba.has_word holds no prefixes."""
    fast, ref = taught
    freq = ref._python().FREQ
    assert any(f == 0 for f in freq.values())
    assert [w for w in freq if fast.is_known(w) != bool(freq[w])] == []
    assert not fast.is_known("") and not fast.is_known("\x00") and not fast.is_known("不存在的词")
    long_words = [w for w in freq if len(w) >= 4][::50] + list(fast.user_words)
    assert [list(fast.subwords(w)) for w in long_words] == [
        list(ref.subwords(w)) for w in long_words
    ]


def test_self_check_data_is_jieba_0_42_1(plain, taught):
    _, ref = taught
    assert ref._python().total == segment._PY_TOTAL + sum(ref.user_words.values())
    tok = plain[1]._python()
    assert tok.total == segment._PY_TOTAL
    for text, words in segment._CHECKS.items():
        assert tok.lcut(text, HMM=False) == words
    sample = ["b超", "B超", "一体化", "的", "AT&T", "十四五", "不存在的词"]
    listed = {w: tok.FREQ[w] for w in sample if tok.FREQ.get(w)}
    assert segment.dictionary_frequencies(sample) == listed and listed["B超"] == 3


def _cut_in_child(seg: Segmenter, texts: list[str], conn) -> None:
    first = [seg._cut_uncached(t) for t in texts]
    seg.learn("稳六保")
    conn.send((first, [w for w, _, _ in seg.words("六稳六保")]))
    conn.close()


def test_forked_child_cuts_like_its_parent(taught, seed_texts):
    fast, _ = taught
    texts = seed_texts[::3]
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    child = context.Process(target=_cut_in_child, args=(fast, texts, child_end))
    child.start()
    in_child, learned = parent_end.recv()
    child.join()
    assert child.exitcode == 0
    assert in_child == [fast._cut_uncached(t) for t in texts]
    assert "稳六保" in learned and "稳六保" not in fast.user_words  # nothing shared back


def test_environment_forces_python_jieba(monkeypatch, plain, seed_texts, first_difference):
    assert plain[1].engine == "jieba"
    assert first_difference(*plain, seed_texts[::2]) is None
    monkeypatch.setenv(segment.ENGINE_VARIABLE, "rust")
    with pytest.raises(ValueError, match="POLICY_SEARCH_SEGMENTER"):
        Segmenter()


def test_missing_rjieba_falls_back(monkeypatch, taught, seed_texts, first_difference):
    fast, _ = taught
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba raises ImportError
    monkeypatch.delenv(segment.ENGINE_VARIABLE, raising=False)
    fallback = Segmenter(fast.user_words.items())
    assert fallback.engine == "jieba"
    assert first_difference(fast, fallback, seed_texts[::4]) is None


def test_failed_self_check_falls_back(monkeypatch, caplog):
    class Splitter(rjieba.Jieba):
        def cut(self, text, hmm=True):
            return list(text)

    monkeypatch.setitem(sys.modules, "rjieba", types.SimpleNamespace(Jieba=Splitter))
    monkeypatch.delenv(segment.ENGINE_VARIABLE, raising=False)
    with caplog.at_level(logging.WARNING, logger=segment.__name__):
        seg = Segmenter()
    assert seg.engine == "jieba" and "using Python jieba" in caplog.text
    assert [w for w, _, _ in seg.words("南京市长江大桥")] == ["南京市", "长江大桥"]


def test_zero_frequency_falls_back(monkeypatch, seed_texts, first_difference):
    """A word at 0 stays out of Python jieba's route but not out of jieba-rs's: for such a
    dictionary the Segmenter switches to Python jieba, with every word added before."""
    words = [("技术成果转移", 9), ("发展", 0)]
    fast, ref = make(monkeypatch, "auto", words[:1]), make(monkeypatch, "jieba", words)
    fast.add_words(words[1:])
    assert fast.engine == "jieba" and not fast.is_known("发展")
    assert first_difference(fast, ref, [TOTAL_SENSITIVE, *seed_texts[::6]]) is None


def test_a_dictionary_loaded_with_its_surplus_cuts_as_one_that_reads_dict_txt(
    monkeypatch, first_difference
):
    """The index keeps the surplus with its words: a process that opens it does not read
    jieba's dict.txt for the old frequencies of re-added words, and cuts the same."""
    words = [("了", 5), ("三个一批", 200), ("科技研发", 3000)]
    read = make(monkeypatch, "auto", words)
    monkeypatch.setattr(
        segment, "dictionary_frequencies", lambda words: pytest.fail("read dict.txt")
    )
    kept = Segmenter(words, read.surplus)
    assert kept.surplus == read.surplus > segment._PY_TOTAL - segment._RS_TOTAL
    texts = [TOTAL_SENSITIVE, "抓好三个一批推进科技研发了"]
    assert first_difference(kept, read, texts) is None


def test_learning_needs_no_python_jieba_and_suggests_its_frequencies(monkeypatch, first_difference):
    """A new word's frequency is Python jieba's suggest_freq, computed from jieba-rs's cut,
    dict.txt and the words added so far (prefixes count 0, as in its FREQ): indexing one
    report with new jargon no longer loads Python jieba (0.8 s)."""
    rng = random.Random(5)
    pool = dictionary_words()
    # 仫 and 蒺 only begin words of dict.txt (仫佬族, 蒺藜): prefixes, of frequency 0 there.
    words = [
        "一体化",
        "三个一批",
        "放管服",
        "稳六保",
        "六稳",
        "一带一路",
        "仫发展",
        "新蒺",
        "蒺藜园",
    ]
    for _ in range(400):  # joined dictionary words, word fragments and single characters
        parts = rng.sample(pool, rng.randint(1, 3))
        word = "".join(p if rng.random() < 0.7 else p[: rng.randint(1, len(p))] for p in parts)
        words.append(word[:8])
    fast, ref = make(monkeypatch, "auto"), make(monkeypatch, "jieba")
    for word in words:
        assert fast.learn(word) == ref.learn(word)
        assert fast.user_words == ref.user_words, word
    assert fast._reference is None and fast.engine == "rjieba"
    assert first_difference(fast, ref, words) is None
