from analyzers.chains import positional_bigram_analyzer, word_analyzer
from analyzers.normalize import fold


def tokens(analyzer, text, mode="index"):
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer(text, positions=True, chars=True, mode=mode)
    ]


def test_positions_are_word_ordinals_and_subwords_share_them():
    toks = tokens(word_analyzer(), "建设中华人民共和国")
    positions = {text: pos for text, pos, _, _ in toks}
    assert positions["建设"] == 0
    assert positions["中华人民共和国"] == 1
    assert positions["人民"] == 1 and positions["共和国"] == 1


def test_offsets_are_offsets_into_the_original_text():
    text = "完成安置房建设 2183套，ＰＭ２．５下降"
    for word, _, start, end in tokens(word_analyzer(), text, mode="query"):
        assert fold(text[start:end]) == word


def test_percentages_are_also_indexed_as_bare_numbers():
    index_words = [t[0] for t in tokens(word_analyzer(), "增长5.1%")]
    query_words = [t[0] for t in tokens(word_analyzer(), "增长5.1%", mode="query")]
    assert index_words == ["增长", "5.1%", "5.1"]
    assert query_words == ["增长", "5.1%"]


def test_bigrams_skip_whitespace_and_quotes_with_consecutive_positions():
    toks = tokens(positional_bigram_analyzer(), "“四上” 企业")
    assert [t[0] for t in toks] == ["四上", "上企", "企业", "业"]
    assert [t[1] for t in toks] == [0, 1, 2, 3]
    assert toks[1][2:] == (2, 6)  # 上 … 企 spans the closing quote and the space


def test_empty_and_punctuation_only_text_give_no_tokens():
    assert tokens(word_analyzer(), "") == []
    assert tokens(word_analyzer(), "，。！") == []
    assert tokens(positional_bigram_analyzer(), "") == []
    assert [t[0] for t in tokens(positional_bigram_analyzer(), " 地")] == ["地"]
