"""The glossary looked up in the index (issue 26): opening a commit reads no entry, and
every lookup answers exactly as the whole glossary held in memory does."""

from indexer import store
from indexer.api import PolicyIndex


def _seen(entries):
    return [(e.term, e.doc, e.paragraph, e.source) for e in entries]


def test_lookups_in_the_index_answer_as_the_glossary_in_memory(seed_index):
    seed_index.snapshot()
    indexed = seed_index._glossary
    whole = indexed.whole
    keys = sorted({k for e in whole.entries for k in e.keys})
    assert keys and not any("\n" in k for k in keys)  # one key a line in the index
    asked = {*keys, *(k[:i] for k in keys for i in range(1, len(k)))}
    asked |= {"推进三个一批和13710工作制度", "做好六稳六保", "营商环境", "无此术语"}
    for text in sorted(asked):
        assert _seen(indexed.lookup(text)) == _seen(whole.lookup(text)), text
        assert _seen(indexed.terms_in(text)) == _seen(whole.terms_in(text)), text
    assert len(indexed) == len(whole.entries)


def test_opening_reads_no_glossary_entry_nor_every_report(seed_index_dir, monkeypatch):
    read, expanded = [], []
    original, expansion = store._definition, store._expansion
    monkeypatch.setattr(
        store, "_definition", lambda rec, reports: read.append(1) or original(rec, reports)
    )
    monkeypatch.setattr(
        store, "_expansion", lambda found, reports: expanded.append(1) or expansion(found, reports)
    )

    def every_report(searcher):
        raise AssertionError("a query read every document record")

    monkeypatch.setattr(store, "iter_documents", every_report)
    with PolicyIndex.open(seed_index_dir) as ix:
        ix.snapshot()
        assert read == [] and expanded == []  # nor an expansion's report
        hits = ix.search("高质量发展", limit=3).hits
        assert read == [] and expanded == []  # no glossary term in the query: nothing read
        assert hits and all(h.label.endswith("政府工作报告") for h in hits)  # read as named
        assert ix.glossary("三个一批").entries and 0 < len(read) < 10


def test_a_replaced_report_takes_its_entries_with_it(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    report = folder / "2022_甲市.txt"
    header = "2022年甲市政府工作报告\n——2022年3月1日在甲市人民代表大会上\n各位代表：\n"
    report.write_text(header + "推进智能仓储。\n名词解释\n1.智能仓储：旧的说法。\n", "utf-8")
    index = tmp_path / "index"
    PolicyIndex.update(index, [folder], progress=False)
    report.write_text(header + "推进智能仓储。\n名词解释\n1.智能仓储：新的说法。\n", "utf-8")
    PolicyIndex.update(index, [folder], progress=False)
    with PolicyIndex.open(index) as ix:
        assert [e.definition for e in ix.glossary("智能仓储").entries] == ["新的说法。"]
        assert [e.definition for e in ix.search("推进智能仓储").glossary] == ["新的说法。"]
