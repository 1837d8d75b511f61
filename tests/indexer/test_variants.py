"""The query as the corpus also writes it (issue 24): conjunctions put in or taken out,
and abbreviations paired with their full forms by how the corpus uses them."""

from collections import Counter

from analyzers.segment import Segmenter
from indexer import abbreviations
from indexer.api import PolicyIndex
from indexer.variants import spellings


def counts(text: str, *words: str) -> Counter:
    """Word and adjacent-pair counts as the lexicon keeps them, for a few phrases."""
    found: Counter = Counter()
    for phrase in text.split():
        found.update(phrase.split("+"))
        found["".join(phrase.split("+"))] += 1
    found.update(words)
    return found


def test_an_abbreviation_is_paired_when_both_forms_share_their_neighbours():
    seen = counts(
        "农村+电商 农村+电子商务 电商+平台 电子商务+平台 发展+电商 发展+电子商务 "
        "电商+企业 电子商务+企业 跨境+电商 跨境+电子商务",
        "电商",
        "电子商务",
    )
    assert abbreviations.learn(seen) == [("电商", "电子商务")]


def test_a_shape_met_by_chance_is_not_paired():
    # 建设 fits 建筑设计's shape, but the two are seen in no common company
    seen = counts("加快+建设 建设+项目 建筑设计+规范 建筑设计+方案 建设+规范", "建设", "建设")
    assert abbreviations.learn(seen) == []
    # one shared neighbour is not enough evidence
    seen = counts("推进+电商 推进+电子商务 电商+平台 电子商务+规划", "电商", "电子商务")
    assert abbreviations.learn(seen) == []
    # a prefix is no abbreviation (工作 / 工作作风), nor numbers (第三 / 第三十三)
    seen = counts("加强+工作 加强+工作作风 改进+工作 改进+工作作风 转变+工作 转变+工作作风")
    assert abbreviations.learn(seen) == []


def test_both_forms_give_each_other():
    table = abbreviations.table([("电商", "电子商务"), ("医保", "医疗保险"), ("医保", "医疗保障")])
    assert table["医保"] == ("医疗保险", "医疗保障") and table["医疗保障"] == ("医保",)


def test_conjunctions_go_between_two_nouns_only():
    segmenter = Segmenter()
    assert ("文化和旅游", "conjunction") in spellings("文化旅游", segmenter, {})
    assert spellings("文化与旅游", segmenter, {}) == [("文化旅游", "conjunction")]
    assert spellings("工一批", segmenter, {}) == []  # 工 is no noun of its own
    assert spellings("发展", segmenter, {}) == []


def test_variants_are_offered_with_their_counts_and_never_counted(index_of):
    body = (
        "政府工作报告\n各位代表：\n"
        "推动文化旅游融合发展。\n"
        "深化文化和旅游融合，建设文化和旅游消费示范城市。\n"
        "文化和旅游部门要加强监管，文化旅游市场持续繁荣。\n"
    )
    with PolicyIndex.open(index_of({"a.txt": body})) as ix:
        result = ix.search("文化旅游")
        assert result.total == 2  # as written: the variant is offered, never counted
        (variant,) = result.variants
        assert (variant["text"], variant["paragraphs"], variant["new"]) == ("文化和旅游", 2, 1)
        assert ix.search(variant["query"]).total == 3
        assert ix.search("文化旅游 -市场").variants[0]["paragraphs"] == 1  # the query's terms hold
        assert ix.search('"文化旅游"', literal=True).variants == []  # --literal: the string
