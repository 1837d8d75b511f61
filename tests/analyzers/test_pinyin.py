"""Readings of characters and of what people type."""

import subprocess
import sys

import pytest

from analyzers.pinyin import char_readings, syllable_splits, toneless, typed_pinyin, word_pinyin
from analyzers.segment import Segmenter


def test_a_character_has_every_reading():
    assert set(char_readings("长")) == {"chang", "zhang"}
    assert {"xing", "hang"} <= set(char_readings("行"))
    assert {"zhong", "chong"} <= set(char_readings("重"))
    assert char_readings("绿")[0] == "lv" and char_readings("a") == ()


@pytest.mark.parametrize(
    ("marked", "plain"), [("zhǎng", "zhang"), ("lǜ", "lv"), ("nǚ", "nv"), ("ér", "er")]
)
def test_tone_marks_are_dropped(marked, plain):
    assert toneless(marked) == plain


def test_typed_pinyin_splits_into_syllables_likeliest_first():
    assert syllable_splits("xian")[0] == ("xian",) and ("xi", "an") in syllable_splits("xian")
    assert syllable_splits("zuodazuoqiang")[0] == ("zuo", "da", "zuo", "qiang")
    assert syllable_splits("changsanjiao")[0] == ("chang", "san", "jiao")
    assert syllable_splits("zuodazuoq") == []  # q is no syllable
    assert syllable_splits("zuodazuoq", partial=True)[0] == ("zuo", "da", "zuo", "q")
    assert syllable_splits(typed_pinyin("Zuo4 da4 zuo4 qiang2")) == syllable_splits("zuodazuoqiang")
    assert len(syllable_splits("a" * 40)) <= 16  # bounded however ambiguous


def test_a_word_reads_as_pypinyin_reads_it_whole(parsed_seeds):
    """Piece by piece, remembered, is how lazy_pinyin reads a word too: the same readings."""
    from pypinyin import Style, lazy_pinyin

    cut = Segmenter().words
    words = {w for d in parsed_seeds.values() for p in d.paragraphs for w, _, _ in cut(p.text)}
    words |= {"三个一批", "重点", "银行", "绿色", "长江经济带", "PM2.5浓度", "5G基站", "女儿"}
    for word in sorted(words):
        whole = [s.replace("ü", "v") for s in lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)]
        assert word_pinyin(word) == ("".join(whole), "".join(s[0] for s in whole if s)), word


def test_pypinyin_is_first_imported_by_one_thread_at_a_time():
    """Two requests reading pinyin first at once (the lexicon's syllables, a word's
    reading) imported pypinyin's interdependent modules concurrently and one of them got
    Python's import _DeadlockError (a 500 under load): every first import goes through
    one lock. Checked in a fresh interpreter, where pypinyin is not yet imported."""
    code = (
        "import sys\n"
        "from analyzers import pinyin\n"
        "seen = []\n"
        "class Recording:\n"
        "    def __enter__(self): seen.append('pypinyin' in sys.modules)\n"
        "    def __exit__(self, *exc): seen.append('pypinyin.seg.simpleseg' in sys.modules)\n"
        "pinyin._IMPORT_LOCK = Recording()\n"
        "pinyin.word_pinyin('发展'); pinyin.syllables(); pinyin.char_readings('长')\n"
        "print(seen[:2], len(seen))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, count = done.stdout.strip().rsplit(" ", 1)
    assert first == "[False, True]" and int(count) >= 6  # imported inside, every site locked
