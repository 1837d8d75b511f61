"""The policy-search command: output contracts and exit statuses."""

import io
import json
import re

import pytest

from indexer.cli import cli
from indexer.output import format_search, use_color

HIT_KEYS = {
    "kind",
    "doc",
    "title",
    "region",
    "year",
    "date",
    "section",
    "paragraph",
    "text",
    "snippet",
    "score",
}
DOC_KEYS = {"doc", "title", "region", "year", "date", "speaker", "meeting", "paragraphs"}


def run(runner, index_dir, *args, env=None):
    return runner.invoke(cli, ["--index", str(index_dir), *args], env=env)


def test_search_json_contract(runner, seed_index_dir, parsed_seeds):
    result = run(runner, seed_index_dir, "search", "三个一批", "--json", "--all")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    paragraphs = [h for h in data["hits"] if h["kind"] == "paragraph"]
    assert data["query"] == "三个一批" and data["total"] == len(paragraphs) > 0
    for hit in paragraphs:
        assert HIT_KEYS <= set(hit)
        assert hit["kind"] == "paragraph" and "<mark>三个一批</mark>" in hit["snippet"]
        assert len(hit["date"]) == 10 and isinstance(hit["paragraph"], int)
        source = parsed_seeds[hit["doc"]].paragraphs[hit["paragraph"] - 1]
        assert source.text == hit["text"]
    assert "三个一批" in result.output  # non-ASCII kept, not \u-escaped


def test_search_human_output_plain_without_tty(runner, seed_index_dir):
    result = run(runner, seed_index_dir, "search", "优化", "营商环境", "--limit", "2")
    assert result.exit_code == 0
    assert "\x1b[" not in result.output
    assert (
        "paragraph(s) for 优化 营商环境: 10 hit(s), showing 1–2; "
        "1 more hold only some of its words (few hits)"
        in result.output
        and "[2]" in result.output
        and "[3]" not in result.output
    )


def test_minus_word_is_a_query_term_not_an_option(runner, seed_index_dir):
    result = run(runner, seed_index_dir, "search", "营商环境", "-优化", "--json", "--all")
    assert result.exit_code == 0, result.output
    assert all("优化" not in h["text"] for h in json.loads(result.output)["hits"])


def test_no_hits_exits_1(runner, seed_index_dir):
    result = run(runner, seed_index_dir, "search", "不存在的词语组合")
    assert result.exit_code == 1 and "no hits" in result.output


@pytest.mark.parametrize("query", ["a)", '"open', "year:abc", "-only"])
def test_bad_query_exits_2_with_one_line(runner, seed_index_dir, query):
    result = run(runner, seed_index_dir, "search", query)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_missing_index_exits_2(runner, tmp_path):
    result = run(runner, tmp_path / "none", "search", "三个一批")
    assert result.exit_code == 2 and "no index at" in result.output


def test_filters_as_options(runner, seed_index_dir):
    result = run(
        runner,
        seed_index_dir,
        "search",
        "三个一批",
        "--region",
        "新华区",
        "--year",
        "2022",
        "--json",
    )
    hits = json.loads(result.output)["hits"]
    assert hits and {(h["region"], h["year"]) for h in hits} == {("新华区", 2022)}


def test_show_query(runner, seed_index_dir):
    result = run(runner, seed_index_dir, "search", "工一批", "--show-query")
    assert result.exit_code == 0
    assert "bigrams:工一 & bigrams:一批 & key contains '工一批'" in result.output


def test_docs_json(runner, seed_index_dir):
    result = run(runner, seed_index_dir, "docs", "--json")
    documents = json.loads(result.output)["documents"]
    assert [d["doc"][:3] for d in documents] == ["000", "001", "002", "003", "004"]
    for d in documents:
        assert DOC_KEYS <= set(d) and d["paragraphs"] > 40


def test_index_command_summary_and_exit_codes(runner, tmp_path, seed_files):
    index_dir = tmp_path / "index"
    first = run(runner, index_dir, "index", *map(str, seed_files))
    assert first.exit_code == 0 and "indexed 5 file(s)" in first.output
    again = run(runner, index_dir, "index", str(seed_files[0].parent))
    assert again.exit_code == 0 and "unchanged 5" in again.output
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x81\x30\xff\xff" * 50)  # no encoding we accept
    partly = run(runner, index_dir, "index", str(bad))
    assert partly.exit_code == 3 and f"skipped: {bad}" in partly.output
    missing = run(runner, index_dir, "index", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_index_dir_from_environment(runner, seed_index_dir):
    result = runner.invoke(
        cli, ["search", "三个一批"], env={"POLICY_SEARCH_INDEX": str(seed_index_dir)}
    )
    assert result.exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["search", "三个一批", "--json"],
        ["search", "-地", "发展", "--limit", "3"],  # a NOT term before it
        ["docs", "--json"],
        ["glossary", "13710", "--usage", "--json"],
        ["glossary", "--list"],
        ["serve", "--get", "/api/search?q=六稳"],
    ],
)
def test_index_after_the_subcommand_answers_as_before_it(runner, seed_index_dir, tmp_path, args):
    def answer(result):  # the web API's timing aside
        return result.exit_code, re.sub(r'"elapsed_ms":[\d.]+', "", result.output)

    before = runner.invoke(cli, ["--index", str(seed_index_dir), *args])
    after = runner.invoke(cli, [*args, "--index", str(seed_index_dir)])
    assert before.exit_code == 0, before.output
    assert answer(after) == answer(before)
    # after the subcommand it wins over the one before it and over the environment
    elsewhere = str(tmp_path / "no-index")
    over = runner.invoke(
        cli,
        ["--index", elsewhere, *args, "--index", str(seed_index_dir)],
        env={"POLICY_SEARCH_INDEX": elsewhere},
    )
    assert answer(over) == answer(before)


def test_the_missing_index_hint_is_a_command_that_works(runner, tmp_path, seed_files):
    """The error names ``policy-search index PATHS --index DIR``: that form works."""
    index_dir = tmp_path / "index"
    missing = runner.invoke(cli, ["search", "三个一批", "--index", str(index_dir)])
    assert missing.exit_code == 2
    assert f"policy-search index PATHS --index {index_dir}" in missing.output
    made = runner.invoke(cli, ["index", *map(str, seed_files), "--index", str(index_dir)])
    assert made.exit_code == 0 and "indexed 5 file(s)" in made.output
    exported = runner.invoke(cli, ["export", str(tmp_path / "out"), "--index", str(index_dir)])
    assert exported.exit_code == 0, exported.output
    found = runner.invoke(cli, ["search", "三个一批", "--index", str(index_dir), "--json"])
    assert found.exit_code == 0 and json.loads(found.output)["total"] >= 8


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_unless_no_color(monkeypatch, seed_index):
    result = seed_index.search("三个一批", limit=1)
    assert "\x1b[1;31m三个一批\x1b[0m" in format_search(result, color=True)
    assert "\x1b[" not in format_search(result, color=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(FakeTerminal()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(FakeTerminal())


GLOSSARY_KEYS = {"term", "definition", "doc", "region", "year", "aliases"}


@pytest.mark.parametrize("query", ["13710", "“13710”", "１３７１０"])
def test_glossary_lookup_finds_every_report_that_defines_it(runner, seed_index_dir, query):
    result = run(runner, seed_index_dir, "glossary", query, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == query
    entries = data["entries"]
    assert {e["doc"][:3] for e in entries} == {"000", "002", "003"}
    assert all(GLOSSARY_KEYS <= set(e) for e in entries)
    assert [e["year"] for e in entries] == sorted((e["year"] for e in entries), reverse=True)


def test_glossary_three_batches(runner, seed_index_dir):
    data = json.loads(run(runner, seed_index_dir, "glossary", "三个一批", "--json").output)
    assert [e["region"] for e in data["entries"]] == ["红旗区", "新华区", "偃师区"]  # newest first
    assert data["entries"][0]["definition"].startswith("即签约一批、开工一批、投产一批")


def test_glossary_of_a_term_nothing_explains_shows_its_uses(runner, seed_index_dir, parsed_seeds):
    result = run(runner, seed_index_dir, "glossary", "六稳六保")
    assert result.exit_code == 0
    assert result.output.startswith("nothing in the corpus explains 六稳六保; where it is used:")
    assert "search every use: policy-search search 六稳六保; closest: 六稳、六保" in result.output
    data = json.loads(run(runner, seed_index_dir, "glossary", "六稳六保", "--json").stdout)
    assert data["entries"] == [] and data["suggestions"][:2] == ["六稳", "六保"]
    expected = sum(
        p.text.replace("”“", "").count("六稳六保")
        for d in parsed_seeds.values()
        for p in d.paragraphs
    )
    assert data["usage"]["occurrences"] == expected > 0


def test_glossary_of_a_term_the_corpus_lacks_exits_1_with_hints(runner, seed_index_dir):
    result = run(runner, seed_index_dir, "glossary", "六稳六保九")
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        "no glossary entry for 六稳六保九, nor any use of it; closest: 六稳、六保" in result.output
    )
    data = json.loads(run(runner, seed_index_dir, "glossary", "六稳六保九", "--json").stdout)
    assert data["entries"] == [] and "usage" not in data


def test_glossary_needs_a_term_or_list(runner, seed_index_dir):
    assert run(runner, seed_index_dir, "glossary").exit_code == 2
    assert run(runner, seed_index_dir, "glossary", "x", "--list").exit_code == 2


def test_glossary_list(runner, seed_index_dir, parsed_seeds):
    terms = json.loads(run(runner, seed_index_dir, "glossary", "--list", "--json").output)["terms"]
    by_term = {t["term"]: t for t in terms}
    assert by_term["三个一批"]["definitions"] == 3 and by_term["三个一批"]["reports"] == 4
    assert by_term["三个一批"]["occurrences"] == sum(
        p.text.count("三个一批") for d in parsed_seeds.values() for p in d.paragraphs
    )
    # 六个偃师 nothing defines: the list of six …偃师 the report prints explains it
    assert by_term["六个偃师"]["definitions"] == 0 and by_term["六个偃师"]["expansions"] == 1
    human = run(runner, seed_index_dir, "glossary", "--list").output
    assert human.splitlines()[0] == "term\tdefinitions\texpansions\toccurrences\treports"


def test_glossary_usage(runner, seed_index_dir, parsed_seeds):
    data = json.loads(
        run(runner, seed_index_dir, "glossary", "三个一批", "--usage", "--json").output
    )
    usage = data["usage"]
    counts = {
        name: sum(p.text.count("三个一批") for p in d.paragraphs)
        for name, d in parsed_seeds.items()
    }
    assert {d["doc"]: d["occurrences"] for d in usage["by_doc"]} == {
        k: v for k, v in counts.items() if v
    }
    assert usage["by_year"] == {
        "2022": counts["000_930e0c23bba17279.txt"]
        + counts["001_9ed11ab6f5e0d4fe.txt"]
        + counts["002_5a73e9331882e665.txt"],
        "2023": counts["003_34a82b390ab8d00e.txt"],
    }
    assert usage["paragraphs"] == len(usage["hits"])


def test_search_puts_glossary_entries_first(runner, seed_index_dir, parsed_seeds):
    data = json.loads(run(runner, seed_index_dir, "search", "六稳六保", "--json", "--all").output)
    kinds = [h["kind"] for h in data["hits"]]
    assert kinds[:2] == ["glossary", "glossary"] and set(kinds[2:]) == {"paragraph"}
    assert [h["term"] for h in data["hits"][:2]] == ["六稳", "六保"]
    assert data["hits"][0]["text"] == data["hits"][0]["definition"]
    expected = {
        (p.doc, p.n)
        for d in parsed_seeds.values()
        for p in d.paragraphs
        if "六稳六保" in p.text.replace("”“", "")
    }
    matches = [h for h in data["hits"][2:] if h["exact"]]
    shown = {(h["doc"], h["paragraph"]) for h in matches}
    copies = {(c["doc"], c["paragraph"]) for h in matches for c in h["copies"]}
    assert shown | copies == expected and data["total"] == len(expected)
    # 004 ¶7 writes “六稳”“六保” apart: a related hit, after the matches, not counted;
    # then, the hits being fewer than a page, paragraphs of some of its words
    kinds = [(h["exact"], h["some_words"]) for h in data["hits"][2:]]
    fillers = data["some_words"]
    assert fillers and len(kinds) <= 10
    assert kinds == [(True, False)] * len(matches) + [(False, False)] + [(False, True)] * fillers
    human = run(runner, seed_index_dir, "search", "六稳六保").output
    assert human.startswith("┃ 六稳 新华区 · 2022  稳就业")


def test_serve_answers_one_request_with_or_without_a_result_cache(runner, seed_index_dir):
    for cache in ("0", "16"):
        result = run(
            runner, seed_index_dir, "serve", "--result-cache", cache, "--get", "/api/search?q=六稳"
        )
        assert result.exit_code == 0 and json.loads(result.output)["total"] > 0
    bad = run(runner, seed_index_dir, "serve", "--result-cache", "-1", "--get", "/")
    assert bad.exit_code == 2 and "--result-cache" in bad.output


def _csv_rows(text):
    import csv

    assert text.startswith("\ufeff")  # spreadsheets read UTF-8 after a byte-order mark
    return list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))


def test_search_as_csv_and_ndjson_round_trip(runner, seed_index_dir, seed_index):
    every = list(seed_index.search("发展", limit=None).every_paragraph())
    result = run(runner, seed_index_dir, "search", "发展", "--all", "--format", "csv")
    assert result.exit_code == 0
    rows = _csv_rows(result.output)
    assert len(rows) == seed_index.search("发展", limit=1).total == len(every) > 100
    assert list(rows[0]) == "doc label region year date section paragraph text score kind".split()
    assert {kind for kind, _ in every} == {"paragraph", "heading"}
    for row, (kind, hit) in zip(rows, every, strict=True):
        assert (row["kind"], row["doc"], row["label"], row["text"]) == (
            kind,
            hit.doc,
            hit.label,
            hit.text,
        )
        assert (int(row["paragraph"]), float(row["score"])) == (hit.paragraph, hit.score)
        assert row["year"] == str(hit.year or "")
    lines = run(runner, seed_index_dir, "search", "发展", "--all", "--format", "ndjson").output
    records = [json.loads(line) for line in lines.splitlines()]
    assert [(r["kind"], r["doc"], r["paragraph"]) for r in records] == [
        (kind, h.doc, h.paragraph) for kind, h in every
    ]
    page = _csv_rows(run(runner, seed_index_dir, "search", "发展", "--format", "csv").output)
    assert 10 <= len(page) < 30  # without --all, one page (its hits' copies, the sections)
    assert [r["kind"] for r in page].count("paragraph") == 10
    interpreted = _csv_rows(run(runner, seed_index_dir, "search", "sgyp", "--format", "csv").output)
    assert interpreted and all(
        "三个一批" in r["text"].replace("“", "").replace("”", "") for r in interpreted
    )


def test_counts_are_the_exact_facets(runner, seed_index_dir, seed_index):
    facets = seed_index.search("发展 -地").facets
    for by in ("year", "region", "doc"):
        table = run(runner, seed_index_dir, "search", "发展", "-地", "--counts", by)
        assert table.exit_code == 0
        parsed = dict(line.rsplit("\t", 1) for line in table.output.splitlines())
        assert {k.rstrip(): int(v) for k, v in parsed.items()} == facets[by]
        rows = _csv_rows(
            run(
                runner, seed_index_dir, "search", "发展", "-地", "--counts", by, "--format", "csv"
            ).output
        )
        assert {r[by]: int(r["paragraphs"]) for r in rows} == facets[by]
        as_json = run(
            runner, seed_index_dir, "search", "发展", "-地", "--counts", by, "--json"
        ).output
        assert json.loads(as_json) == facets[by]


def test_streamed_hits_are_the_listed_hits(seed_index, monkeypatch):
    import indexer.arrange

    listed = seed_index.search("三个一批 OR 六稳", limit=None)
    monkeypatch.setattr(indexer.arrange, "HIT_CHUNK", 3)  # hits read a few at a time
    streamed = seed_index.search("三个一批 OR 六稳", limit=None, stream=True)
    assert not isinstance(streamed.hits, list)
    assert list(streamed.hits) == listed.hits and streamed.total == listed.total


NEW_TERM_KEYS = {"term", "occurrences", "paragraphs", "reports", "first", "later_years"}


def test_new_terms_json_csv_and_text(runner, seed_index_dir):
    result = run(runner, seed_index_dir, "new-terms", "--year", "2022", "--json", "--limit", "5")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["year"] == 2022 and data["region"] is None and data["reports"] == 3
    assert data["earlier"] == {"reports": 1, "years": [2021, 2021]}
    assert len(data["terms"]) == 5 and NEW_TERM_KEYS <= set(data["terms"][0])
    assert {"doc", "label", "paragraph", "text"} == set(data["terms"][0]["first"])
    assert data["terms"][0]["term"] in data["terms"][0]["first"]["text"]
    csv_out = run(runner, seed_index_dir, "new-terms", "--year", "2022", "--format", "csv")
    lines = csv_out.output.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("term,occurrences,paragraphs,reports,first_doc")
    assert len(lines) == 1 + len(
        json.loads(run(runner, seed_index_dir, "new-terms", "--year", "2022", "--json").output)[
            "terms"
        ]
    )
    text = run(runner, seed_index_dir, "new-terms", "--year", "2023", "--limit", "3")
    assert text.exit_code == 0 and text.output.startswith("2023: 1 report(s) against 4 earlier")


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["--year", "2021"], 1, "no earlier report to compare with"),
        (["--year", "2030"], 2, "no report of 2030 in the index (years: 2021–2023)"),
        (["--year", "2022", "--region", "无此区"], 2, "no report of region"),
        (["--year", "abc"], 2, "is not a valid integer"),
        ([], 2, "Missing option '--year'"),
    ],
)
def test_new_terms_without_an_answer_says_why(runner, seed_index_dir, args, code, said):
    result = run(runner, seed_index_dir, "new-terms", *args)
    assert result.exit_code == code and said in result.output
    assert "Traceback" not in result.output


def test_targets_text_json_and_csv(runner, seed_index_dir):
    result = run(runner, seed_index_dir, "targets", "--region", "新华区", "--year", "2022")
    assert result.exit_code == 0 and result.output.startswith("新华区 2022 政府工作报告 ¶28\n")
    assert "    经济增长\t7.6%以上\n" in result.output
    data = json.loads(run(runner, seed_index_dir, "targets", "--doc", "003", "--json").output)
    assert data["reports"] == 1 and data["without"] == [] and len(data["targets"]) == 8
    assert data["targets"][0] == {
        **data["targets"][0],
        "indicator": "GDP增长",
        "value": "8.5%以上",
        "low": 8.5,
        "high": 8.5,
        "unit": "%",
        "modifier": "以上",
        "paragraph": 24,
        "region": "红旗区",
        "year": 2023,
    }
    lines = run(runner, seed_index_dir, "targets", "--format", "csv").output.splitlines()
    assert (
        lines[0]
        == "\ufeffdoc,label,region,year,indicator,value,low,high,unit,modifier,paragraph,text"
    )
    assert len(lines) == 1 + 52
    none = run(runner, seed_index_dir, "targets", "--year", "2030")
    assert none.exit_code == 1 and none.output == "no reports\n"
    bad = run(runner, seed_index_dir, "targets", "--year", "20x")
    assert bad.exit_code == 2 and "is not a year" in bad.output


def test_compare_text_and_json(runner, seed_index_dir):
    old, new = "004_5d529a9f9b0992bb.txt", "000_930e0c23bba17279.txt"
    text = run(runner, seed_index_dir, "compare", old, new, "--limit", "3")
    assert text.exit_code == 0
    assert text.output.startswith("新华区 2022 政府工作报告 against 新华区 2021年政府工作报告\n")
    assert "added: 3 term(s)\n    三个一批\t2 time(s) ¶36\n" in text.output
    assert "    固定资产投资增长\t7%左右 → 11%以上\n" in text.output
    data = json.loads(run(runner, seed_index_dir, "compare", old, new, "--json").output)
    assert set(data) == {"a", "b", "added", "dropped", "targets"}
    assert data["a"]["doc"] == old and data["targets"][0] == {
        "indicator": "生产总值增长",
        "a": "7%以上",
        "b": None,
    }
    missing = run(runner, seed_index_dir, "compare", "nope", new)
    assert missing.exit_code == 2 and "no document 'nope'" in missing.output
