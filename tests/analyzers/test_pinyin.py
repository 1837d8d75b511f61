"""Readings of characters and of what people type."""

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
