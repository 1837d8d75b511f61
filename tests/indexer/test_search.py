"""Search on the seed index: recall like grep, real ranking, highlights, syntax."""

import numpy as np
import pytest

from analyzers.normalize import compact
from indexer.errors import QuerySyntaxError
from indexer.matching import Matcher
from indexer.query import MAX_QUERY_LENGTH, compile_query, parse
from indexer.ranking import Ranker


def grep(parsed_seeds, needle: str) -> set[tuple[str, int]]:
    """Paragraphs whose cleaned text contains ``needle`` (whitespace and quotes ignored)."""
    key = compact(needle)[0]
    return {
        (p.doc, p.n)
        for parsed in parsed_seeds.values()
        for p in parsed.paragraphs
        if key in compact(p.text)[0]
    }


def found(index, query: str, **kw) -> set[tuple[str, int]]:
    result = index.search(query, limit=None, **kw)
    return {(h.doc, h.paragraph) for _, h in result.every_paragraph()}


@pytest.mark.parametrize(
    "needle",
    [
        "三个一批",
        "工一批",
        "营商环",
        "放管服",
        "六稳",
        "1+17+N",
        "PM2.5",
        "5G",
        "2183套",
        "5.1",
        "地",
        "“四上”企业",
    ],
)
def test_literal_recall_equals_grep(seed_index, parsed_seeds, needle):
    expected = grep(parsed_seeds, needle)
    assert expected, needle
    assert found(seed_index, needle) == expected


def test_three_batches_finds_every_occurrence(seed_index, parsed_seeds):
    result = seed_index.search("三个一批", limit=None)
    assert result.total == len(grep(parsed_seeds, "三个一批")) == len(result.hits)
    # the glossary definitions come first: they are about the term itself
    assert all("三个一批" in h.text for h in result.hits)


def test_formulas_are_not_confused(seed_index, parsed_seeds):
    a, b = found(seed_index, "1+17+N"), found(seed_index, "1+19+N")
    assert a and b and not a & b
    assert a == grep(parsed_seeds, "1+17+N")
    assert found(seed_index, "17") > a  # a bare 17 finds more, but 1+17+N is not 17


def test_number_spacing_and_percent(seed_index, parsed_seeds):
    assert (
        found(seed_index, "2183 套") == found(seed_index, "2183套") == grep(parsed_seeds, "2183套")
    )
    assert found(seed_index, "5.1") >= found(seed_index, "5.1%")
    assert found(seed_index, "2021 年") == grep(parsed_seeds, "2021年")


def test_phrase_and_and(seed_index, parsed_seeds):
    phrase = found(seed_index, '"优化营商环境"')
    assert phrase == grep(parsed_seeds, "优化营商环境") and phrase
    both = found(seed_index, "优化 营商环境")
    assert phrase <= both
    assert both == grep(parsed_seeds, "优化") & grep(parsed_seeds, "营商环境")


def test_or_and_not(seed_index, parsed_seeds):
    assert found(seed_index, "六稳 OR 三个一批") == grep(parsed_seeds, "六稳") | grep(
        parsed_seeds, "三个一批"
    )
    minus = found(seed_index, "营商环境 -优化")
    assert minus == grep(parsed_seeds, "营商环境") - grep(parsed_seeds, "优化")
    assert found(seed_index, "营商环境 NOT 优化") == minus
    grouped = found(seed_index, "(六稳 OR 六保) -三个一批")
    assert grouped == (grep(parsed_seeds, "六稳") | grep(parsed_seeds, "六保")) - grep(
        parsed_seeds, "三个一批"
    )


def test_field_filters(seed_index, parsed_seeds):
    hits = seed_index.search("三个一批 region:新华区", limit=None).hits
    assert hits and {h.region for h in hits} == {"新华区"}
    assert {h.year for h in seed_index.search("六稳 year:2021", limit=None).hits} == {2021}
    years = {h.year for h in seed_index.search("六稳 year:2022-2023", limit=None).hits}
    assert years and years <= {2022, 2023}
    doc_hits = seed_index.search("三个一批", limit=None, filters={"doc": "003_"}).hits
    assert doc_hits and {h.doc for h in doc_hits} == {"003_34a82b390ab8d00e.txt"}
    assert found(seed_index, "三个一批", filters={"region": "卫东区"}) == found(
        seed_index, "三个一批 region:卫东区"
    )


def test_headings_and_header_lines_are_sections_not_hits(seed_index):
    result = seed_index.search('"政府工作报告"', limit=None)
    header = [h for h in result.sections if h.heading and h.text == "政府工作报告"]
    assert len(header) >= 4 and not any(h.heading for h in result.hits)
    assert result.headings == len(result.sections)
    speaker = seed_index.search("刘怀斌")  # only a header line names him
    assert speaker.total == speaker.headings == 1 and not speaker.hits and not speaker.hits_total
    assert speaker.sections[0].heading and speaker.sections[0].doc.startswith("003")


def test_ranking_prefers_the_definition_and_close_terms(seed_index):
    top = seed_index.search("三个一批", limit=3).hits
    assert any(h.text.startswith(("三个一批", "3.三个一批")) for h in top)
    near = seed_index.search("招商 引资", limit=1).hits[0]
    assert "招商引资" in near.text


def test_highlights_cover_exactly_the_matched_text(seed_index):
    for query, needles in [
        ("三个一批", ["三个一批"]),
        ("优化 营商环境", ["优化", "营商环境"]),
        ("2183套", ["2183套"]),
    ]:
        keys = [compact(n)[0] for n in needles]
        for hit in seed_index.search(query, limit=None).hits:
            if hit.some_words:  # a short page's fillers mark the words they hold
                continue
            assert hit.highlights, hit
            for start, end in hit.highlights:
                key = compact(hit.text[start:end])[0]
                # a span is one match, or adjacent matches merged: it starts and ends on one
                assert any(key.startswith(k) for k in keys) and any(key.endswith(k) for k in keys)
                assert hit.text[start] == key[0] and hit.text[end - 1] == key[-1]
            assert "<mark>" in hit.snippet


def test_snippet_escapes_everything_but_mark(seed_index):
    hit = seed_index.search("三个一批").hits[0]
    without_marks = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks


def test_paging(seed_index):
    everything = seed_index.search("发展", limit=None)
    page = seed_index.search("发展", limit=5, offset=5)
    assert page.total == everything.total > 10
    assert [h.paragraph for h in page.hits] == [h.paragraph for h in everything.hits[5:10]]


@pytest.mark.parametrize(
    "query", ["发展", "工作", "100", "项目 -建设", "项目 year:2022", "地", "设 -地", "地 OR 区"]
)
def test_a_page_counts_every_match_and_facets_cover_them(seed_index, query):
    """Whoosh's top-N collector prunes what it thinks cannot reach the top: neither the
    total nor the top hits may change with the page size."""
    everything = seed_index.search(query, limit=None)
    shown = [(h.doc, h.paragraph) for _, h in everything.every_paragraph()]
    page = seed_index.search(query, limit=3, facets=False)
    faceted = seed_index.search(query, limit=1, facets=True)
    assert page.total == faceted.total == len(shown) == len(set(shown)) > 2
    assert page.hits_total == len(everything.hits) and page.headings == len(everything.sections)
    assert sum(faceted.facets["doc"].values()) == page.total
    assert [(h.doc, h.paragraph) for h in page.hits] == [
        (h.doc, h.paragraph) for h in everything.hits[:3]
    ]


RANKED_QUERIES = [
    "发展",
    "地",
    "项目 建设 投资",
    "优化 营商环境",
    "地 OR 区",
    "设 -地",
    "高质量 发展",
    "工一批",
    "year:2022",
]


@pytest.mark.parametrize("query", RANKED_QUERIES)
@pytest.mark.parametrize("wanted", [1, 3, 10, 65, 200])
def test_the_page_is_the_prefix_of_the_exhaustive_ranking(seed_index, query, wanted):
    """The bonus is computed only where it can still change the page: the page must be
    exactly what scoring every match fully gives, in the same order, with equal scores."""
    snapshot = seed_index.snapshot()
    node = parse(query)
    matcher = Matcher(snapshot)
    matches = matcher.match(node)
    ranker = Ranker(matcher, compile_query(node), matches)
    everything = np.arange(len(matches.docs))
    for ceiling, part in ranker.parts:
        assert (part(matches.docs) <= ceiling).all()
    finals = ranker.finals(everything, ranker.base())
    exhaustive, _ = ranker.ordered(everything, finals, None)
    order, scores = ranker.top(wanted)
    assert order.tolist() == exhaustive[:wanted].tolist()
    assert scores.tolist() == finals[order].tolist()


def test_a_paragraph_that_holds_the_terms_together_ranks_first(seed_index):
    top = seed_index.search("优化 营商环境", limit=1).hits[0]
    assert "优化营商环境" in compact(top.text)[0]
    top = seed_index.search("乡村 振兴", limit=1).hits[0]
    assert "乡村振兴" in compact(top.text)[0]


@pytest.mark.parametrize(
    "query", ["", "   ", "a)", "(a", '"abc', "OR a", "a OR", "-a", "NOT", "year:x", "region:", "“”"]
)
def test_bad_queries_raise_a_clear_error(seed_index, query):
    with pytest.raises(QuerySyntaxError) as info:
        seed_index.search(query)
    assert str(info.value) and "\n" not in str(info.value)


def test_literal_mode_searches_syntax_characters(seed_index, parsed_seeds):
    result = seed_index.search("(一)", literal=True, limit=None)  # （一） folds to (一)
    shown = {(h.doc, h.paragraph) for _, h in result.every_paragraph()}
    assert shown == grep(parsed_seeds, "(一)")
    assert result.total > 0
    with pytest.raises(QuerySyntaxError):
        seed_index.search("x" * (MAX_QUERY_LENGTH + 1))


def test_glossary_entries_follow_the_filters_and_the_first_page(seed_index):
    entries = seed_index.search("三个一批 region:红旗区").glossary
    assert [(e.term, e.region) for e in entries] == [("三个一批", "红旗区")]
    assert len(seed_index.search("三个一批").glossary) == 3
    assert seed_index.search("三个一批", offset=2).glossary == []
    assert seed_index.search("三个一批", filters={"year": "2021"}).glossary == []


def test_longest_term_wins_in_glossary_matching(seed_index):
    terms = [e.term for e in seed_index.search("三区三线").glossary]
    assert terms == ["三区三线"]
    assert [e.term for e in seed_index.search("六稳 -三个一批").glossary] == ["六稳"]


def test_facet_counts_are_sorted_in_numpy_as_in_python():
    """Largest first, ties by name, no entry for "no name" (code 0): ``_named`` orders
    in numpy what ``facet_counts`` orders in Python."""
    from indexer.api import _named
    from indexer.interface import facet_counts

    names = ["", "乙", "甲", "b", "a", "丙", "c"]
    ranks = np.empty(len(names), dtype=np.int64)
    ranks[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    rng = np.random.default_rng(7)
    for _ in range(50):
        codes = rng.integers(0, len(names), size=int(rng.integers(0, 40)))
        counted = {}
        for code in codes.tolist():
            counted[names[code]] = counted.get(names[code], 0) + 1
        expected = facet_counts(counted)
        got = _named(codes, names, ranks)
        assert list(got.items()) == list(expected.items())
