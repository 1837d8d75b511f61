import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers.normalize import (
    QUOTES,
    ZERO_WIDTH,
    compact,
    find_spans,
    fold,
    key_offsets,
    match_key,
    restore,
    text_patch,
)


def test_fold_is_length_preserving_and_maps_full_width():
    text = "ＰＭ２．５　１３７１０，Ａｂ"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "pm2.5 13710,ab"


def test_fold_leaves_cjk_alone():
    assert fold("优化营商环境。") == "优化营商环境。"


@pytest.mark.parametrize(
    "text, key",
    [
        ("“四上”企业", "四上企业"),
        ("2183 套", "2183套"),
        ("１ 9\u200b93年", "1993年"),
        ("PM 2.5", "pm2.5"),
    ],
)
def test_compact_drops_whitespace_quotes_and_zero_width(text, key):
    assert compact(text)[0] == key


def test_compact_offsets_point_into_the_original():
    text = "  “四上” 企业"
    key, offsets = compact(text)
    assert "".join(fold(text)[i] for i in offsets) == key


def test_find_spans_cover_the_match_across_spaces_and_quotes():
    text = "新入库“四上” 企业56家，“四上”企业"
    spans = find_spans(text, ["四上企业"])
    assert [compact(text[s:e])[0] for s, e in spans] == ["四上企业", "四上企业"]
    assert text[spans[0][0]] == "四" and text[spans[0][1] - 1] == "业"


def test_find_spans_merges_overlaps():
    assert find_spans("一批一批", ["一批", "批一"]) == [(0, 4)]


@given(st.text(st.characters(max_codepoint=0x3100) | st.sampled_from("“”‘’「」\u200b\ufeff")))
def test_match_key_is_compacts_key(text):
    assert match_key(text) == compact(text)[0]


@given(st.text(st.characters(max_codepoint=0x3100) | st.sampled_from("“”‘’「」\u200b\ufeff")))
def test_compact_is_the_kept_characters_of_the_folded_text(text):
    """The key skips whole runs of left-out characters at once: same as keeping, one by
    one, every folded character that is not whitespace, a quote or zero-width."""
    folded = fold(text)
    kept = [
        i for i, ch in enumerate(folded) if not (ch.isspace() or ch in QUOTES or ch in ZERO_WIDTH)
    ]
    assert compact(text) == ("".join(folded[i] for i in kept), kept)


@given(
    st.text(
        st.characters(max_codepoint=0x3100)
        | st.characters(min_codepoint=0xFF00, max_codepoint=0xFF65)  # full-width forms
        | st.sampled_from("“”‘’「」\u200b\ufeff營商環境")
    )
)
def test_the_unfolded_text_tells_which_characters_the_key_keeps(text):
    """Highlighting takes the key from the index and the offsets from the stored text
    without folding it: folding must never move a character in or out of the key."""
    key, offsets = compact(text)
    assert key_offsets(text, len(key)) == offsets
    assert find_spans(text, [key[:2], key[-3:]], key) == find_spans(text, [key[:2], key[-3:]])


def test_the_traditional_table_is_each_character_converted_on_its_own():
    """One OpenCC call over every character, a line each, gives what one call per
    character gives: no phrase mapping leaks across the lines."""
    import opencc

    from analyzers.traditional import _CJK_RANGES, t2s_table

    converter = opencc.OpenCC("t2s")
    one_by_one = {}
    for low, high in _CJK_RANGES:
        for code in range(low, high):
            simplified = converter.convert(chr(code))
            if len(simplified) == 1 and simplified != chr(code):
                one_by_one[code] = ord(simplified)
    assert t2s_table() == one_by_one and len(one_by_one) > 4000


# Every character the patch writes or passes over: folded ones (full-width, upper case,
# traditional), left-out ones (whitespace of every kind, quotes, zero-width), digits,
# which the patch's counts are written in, and plain Chinese.
_PATCH_ALPHABET = (
    st.sampled_from(
        list(
            "ＰＭ２．５　，：营商環境“”‘’「」『』 \t\n\r\x0b\u2028\u200b\ufeffABab0123456789丨〔】"
        )
    )
    | st.characters()
)


@given(st.text(_PATCH_ALPHABET))
def test_restore_gives_back_the_text_from_its_key_and_patch(text):
    assert restore(match_key(text), text_patch(text)) == text


def test_restore_gives_back_every_seed_paragraph_from_a_short_patch(seed_files, parsed_seeds):
    raw = [line for f in seed_files for line in f.read_text(encoding="utf-8-sig").splitlines()]
    for line in raw:  # the seeds' own lines, stray whitespace and all
        assert restore(match_key(line), text_patch(line)) == line
    lines = [p.text for parsed in parsed_seeds.values() for p in parsed.paragraphs]
    patches = [text_patch(line) for line in lines]
    for line, patch in zip(lines, patches, strict=True):
        assert restore(match_key(line), patch) == line
    # what a stored paragraph costs beyond its key: its full-width punctuation, mostly
    patch_bytes = sum(len(p.encode("utf-8")) for p in patches)
    assert patch_bytes < 0.12 * sum(len(line.encode("utf-8")) for line in lines)


def test_text_without_folded_or_left_out_characters_has_no_patch():
    assert text_patch("优化营商环境。2023年") == ""
    assert restore("优化营商环境。2023年", "") == "优化营商环境。2023年"
