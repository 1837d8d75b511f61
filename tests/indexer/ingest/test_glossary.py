"""Glossary extraction from the seeds and from synthetic reports in every entry format."""

import re

import pytest

from analyzers.normalize import compact
from analyzers.segment import Segmenter
from indexer.ingest.document import parse_document
from indexer.ingest.entries import GLOSSARY, INLINE
from indexer.ingest.glossary import aliases_of, inline_entries

PAGE_LINE = re.compile(r"^\s*\S?\s*[—–-]\s*\d+\s*[—–-]\s*\S?\s*$")
HEADING = re.compile(r"^(?:部分词语解释|名词解释)$")
# The test's own idea of an entry's first line: a short headword then "：", or "N. ".
ENTRY_LINE = re.compile(r"^\s*(?:\d{1,2}\.(?!\d)|[^，。；：]{1,20}：)")
COLOPHON = re.compile(r"印$|^（共印\d+份）$")


def raw_glossary(path) -> list[str]:
    """The printed glossary: raw lines after its (last) heading, page numbers dropped."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    starts = [i for i, line in enumerate(lines) if HEADING.match(line.replace(" ", "").strip())]
    if not starts:
        return []
    body = [line for line in lines[starts[-1] + 1 :] if line.strip() and not PAGE_LINE.match(line)]
    return [line for line in body if not COLOPHON.search(line.replace(" ", "").strip())]


def appendix_entries(parsed):
    return [e for e in parsed.glossary if e.source == GLOSSARY]


def test_entry_count_equals_the_printed_headwords(seed_files, parsed_seeds):
    counts = {}
    for path in seed_files:
        printed = sum(1 for line in raw_glossary(path) if ENTRY_LINE.match(line))
        counts[path.name[:3]] = printed
        assert len(appendix_entries(parsed_seeds[path.name])) == printed, path.name
    assert counts == {"000": 22, "001": 0, "002": 15, "003": 31, "004": 0}


def test_definitions_start_and_end_where_printed(seed_files, parsed_seeds):
    """Entries tile the printed glossary: nothing between them but the N. numbering."""
    for path in seed_files:
        printed = compact("".join(raw_glossary(path)))[0]
        pos = 0
        for entry in appendix_entries(parsed_seeds[path.name]):
            piece = compact(entry.term)[0]
            start = printed.find(piece, pos)
            assert re.fullmatch(r"(?:\d{1,2}\.)?", printed[pos:start]), (path.name, entry.term)
            pos = start + len(piece) + 1  # the "：" or "。" after the headword
            definition = compact(entry.definition)[0]
            assert printed[pos : pos + len(definition)] == definition, (path.name, entry.term)
            pos += len(definition)
        assert pos == len(printed), path.name


def test_no_page_numbers_or_wraps_in_definitions(parsed_seeds):
    for parsed in parsed_seeds.values():
        for entry in parsed.glossary:
            assert not re.search(r"[—–]\s*\d+\s*[—–]", entry.definition)
            assert "\n" not in entry.definition and "  " not in entry.definition


def test_headwords_with_quotes_prefixes_and_lists(parsed_seeds):
    terms = {e.term: e for p in parsed_seeds.values() for e in p.glossary}
    assert "环保“777”工作机制" in terms and "777" in terms["环保“777”工作机制"].aliases
    assert "13710" in terms["“13710”工作法"].aliases
    assert "13710" in terms["13710工作制度"].aliases
    listed = terms["治理六乱、开展六清"]
    assert {"治理六乱", "开展六清"} <= set(listed.aliases)
    assert terms["1+17+N"].definition.startswith("成立服务保障平煤神马集团")


def test_inline_definitions_inside_definitions(parsed_seeds):
    inline = {
        e.term: e for e in parsed_seeds["000_930e0c23bba17279.txt"].glossary if e.source == INLINE
    }
    assert inline["六乱"].definition == "乱堆乱放、乱倒乱扔、乱搭乱建"
    assert inline["一校"].definition == "区委党校"


@pytest.mark.parametrize(
    "text, term, definition",
    [
        ("实施“六稳”（稳就业、稳金融、稳外贸）工作。", "六稳", "稳就业、稳金融、稳外贸"),
        (
            "深化“放管服”改革，即简政放权、放管结合、优化服务。",
            "“放管服”改革",
            "简政放权、放管结合、优化服务",
        ),
        (
            "落实“放管服”，即简政放权、放管结合、优化服务。",
            "放管服",
            "简政放权、放管结合、优化服务",
        ),
        ("推进“三变”改革（即资源变股产、资金变股金）。", "“三变”改革", "资源变股产、资金变股金"),
        ("“双碳”是指碳达峰与碳中和。", "双碳", "碳达峰与碳中和"),
        ("全面推行，三清两建（即清资产、清矛盾）。", "三清两建", "清资产、清矛盾"),
    ],
)
def test_inline_definition_forms(text, term, definition):
    [entry] = inline_entries("d.txt", 7, text)
    assert (entry.term, entry.definition, entry.paragraph, entry.source) == (
        term,
        definition,
        7,
        INLINE,
    )


def test_aliases():
    assert aliases_of("三个一批") == ("“三个一批”",)
    assert aliases_of("“13710”工作法") == ("13710工作法", "13710", "１３７１０")
    assert "1+3" in aliases_of("“1+3”组织架构")


SYNTHETIC = {
    "colon-letter-spaced": (
        "政府工作报告\n——2020年1月2日在甲县第一届人民代表大会第一次会议上\n各位代表：\n"
        "今年要做好“六稳六保”工作，深化“放管服”改革。\n"
        "部 分 词 语 解 释\n"
        "六稳六保：稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期，保居民就业、保基本\n"
        "— 9 —\n"
        "民生、保市场主体。\n"
        "放管服：简政放权、放管结合、优化服务。\n",
        [
            (
                "六稳六保",
                "稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期，保居民就业、保基本民生、保市场主体。",
            ),
            ("放管服", "简政放权、放管结合、优化服务。"),
        ],
    ),
    "numbered-appendix": (
        "2019年乙市政府工作报告\n各位代表：\n全年工作取得成效。\n"
        "附件2\n名 词 解 释\n"
        "1. 三个一批。即签约一批、开工一批、投产一批。\n"
        "2. “春笋”计划。即扶持科技型中小企业发展的计划。\n"
        "附件3\n重点项目表\n1. 甲项目：总投资10亿元。\n",
        [
            ("三个一批", "即签约一批、开工一批、投产一批。"),
            ("“春笋”计划", "即扶持科技型中小企业发展的计划。"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_synthetic_glossaries(name):
    text, expected = SYNTHETIC[name]
    parsed = parse_document(f"{name}.txt", text)
    assert [(e.term, e.definition) for e in appendix_entries(parsed)] == expected


def test_headwords_and_aliases_feed_the_user_dictionary():
    text, _ = SYNTHETIC["colon-letter-spaced"]
    parsed = parse_document("a.txt", text)
    seg = Segmenter()
    for word in parsed.jargon():
        seg.learn(word)
    assert [w for w, _, _ in seg.words("落实六稳六保和放管服")] == [
        "落实",
        "六稳六保",
        "和",
        "放管服",
    ]


def test_terms_in_finds_each_occurring_term_longest_first():
    """``terms_in`` enumerates the query's substrings; it finds what searching every key
    of the glossary in the query finds (codes only as the whole query)."""
    import random

    from indexer.lookup import Glossary, TermEntry, _is_code

    terms = ["三个一批", "一批", "六稳", "六稳六保", "13710", "放管服", "营商环境", "商环"]
    entries = [
        TermEntry(t, "定义", (), (t,), f"{i}.txt", "", "", 2020, "", 1, GLOSSARY)
        for i, t in enumerate(terms)
    ]
    glossary = Glossary(entries)

    def reference(key):
        found = [
            (start, start + len(k), k)
            for k in terms
            if not (_is_code(k) and k != key)
            for start in range(len(key))
            if key.startswith(k, start)
        ]
        covered, chosen = set(), []
        for start, end, k in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if covered.isdisjoint(range(start, end)):
                covered.update(range(start, end))
                chosen.append(k)
        return list(dict.fromkeys(chosen))

    rng = random.Random(3)
    pieces = [*terms, "和", "发展", "1", "三", "批", "稳"]
    for _ in range(300):
        query = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        assert [e.term for e in glossary.terms_in(query)] == reference(query), query
