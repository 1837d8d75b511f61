"""Golden answers: a fixed set of queries whose results must not change when the index is
written differently (a new writer, a faster tokenizer): the safety net of such rewrites.

    python -m benchmarks.golden write --index DIR [--index DIR2 ...] --out FILE [--digest]
    python -m benchmarks.golden check --index DIR --golden FILE

``write`` runs every query of the set against the index at DIR and stores, per query, the
canonical JSON of its full answer (``json.dumps(sort_keys=True, ensure_ascii=False)``);
with ``--digest``, its SHA-256 with the hit count and the first hits instead (for large
corpora, where the full answers would make a large file). ``check`` runs the same queries
and exits 1, printing the first query whose answer differs with a short diff of its JSON
(and naming the others), when any answer differs from FILE; it reads either form. Given
several indexes (builds of one corpus), ``write`` keeps each distinct set of answers as
a variant, and ``check`` passes when one variant matches in full.

The goldens in the repository were written by the engine of commit 6fde2f6 and
re-written at schema 6, which dropped the per-document word-count records: BM25's idf
counts every record of the index (Whoosh's ``doc_count_all``), so every score moved by
under 1% while every other byte of every answer stayed the same (checked on the seeds
and at 20 MB by comparing the answers of both indexes with the scores left out), and
again when hits, glossary entries, usage rows and documents gained a ``label`` (the
report as people cite it; every other byte checked unchanged the same way), and when pinyin
came to reach any string of the corpus by any reading of its characters (schema 7: one
answer changed, the alternatives of ``search fgf``, which now include strings read by
their initials through another reading of a character, 不辜负 and 份高分), and when the
corpus's lists came to explain abbreviations (schema 9: glossary answers gained ``items``
and, after every definition, the expansions; the term list gained ``expansions``; the
new glossary records moved scores by idf alone: with the scores, ``items: []``, the
``expansions`` counts and the expansion entries left out, every answer was checked
byte-equal, hit order included, on the seeds and at 20 MB; the term list only gained
terms), and when ranking was judged by people (issue 24's second round: an aside earns
no sequence bonus, a lead-in counts when it is short, a paragraph is charged only for
the asides it holds, and a page of fewer than 10 hits is filled with paragraphs of some
of the query's words, ``some_words``): scores and hit order moved; every answer's
``total``, facets, headings, related count, variants, glossary entries, interpretation
and suggestions were checked unchanged on the seeds, and ``hits_total`` grew by the
fillers alone):

- ``tests/data/golden_seeds.json``: full answers on an index of ``seeds/`` built as
  ``policy-search index seeds`` builds it; ``tests/indexer/test_golden.py`` checks them.
- ``benchmarks/golden_20mb.json``: digests on the 20 MB generated corpus (re-written
  when the generator came to follow real text's vocabulary, 2026-12-05)
  (``python benchmarks/corpus.py --mb 20 --out benchmarks/corpus/20mb``). Check a new
  engine against it with::

      policy-search --index /tmp/idx-20mb index benchmarks/corpus/20mb
      python -m benchmarks.golden check --index /tmp/idx-20mb --golden benchmarks/golden_20mb.json

  Build exactly as the default CLI does, on a machine with 2 cores (``os.cpu_count()``):
  document numbers, which break ranking ties, follow from how documents are dealt to
  the writer processes (the engine of 6fde2f6 committed segments in the order its
  workers finished, a race, so its golden had two variants; segments are committed in
  worker order now).
  The goldens were written with::

      python -m benchmarks.golden write --index /tmp/seeds-index \\
          --out tests/data/golden_seeds.json
      python -m benchmarks.golden write --digest --index /tmp/idx-20mb \\
          --out benchmarks/golden_20mb.json

What is left out of an answer: nothing that the search JSON holds varies between runs (no
timings there; the web API's ``elapsed_ms`` is added outside ``PolicyIndex``), and the
document page already drops the source path. The one run-dependent field is the
absolute source ``path`` of ``documents()``, kept here as its file name. The index is
opened with a time budget long enough that no answer is ``partial`` on a slow machine.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script, not with -m
    sys.path.insert(0, str(ROOT))

from indexer.api import PolicyIndex  # noqa: E402
from indexer.errors import PolicySearchError  # noqa: E402

GOLDEN_SECONDS = 3600.0  # a query's time budget here: never a partial answer
TOP = 10  # hits named in a digest, to say where two answers part
DIFF_LINES = 40  # lines of a diff shown per differing query

# (query, options of PolicyIndex.search). "{doc}" and "{prefix}" stand for a document of
# the index (the middle one by id) and a prefix of its id, so the set fits any corpus;
# the document page is the shortest document's.
SEARCHES: list[tuple[str, dict[str, Any]]] = [
    # single characters and two-character words, with pages of several sizes
    ("地", {"limit": 10}),
    ("地", {"limit": 5, "offset": 40}),
    ("发展", {}),
    ("发展", {"limit": 5, "offset": 10}),
    ("项目", {"limit": 3, "offset": 70}),
    ("项目", {"limit": 3, "offset": 9997}),
    ("改革", {"limit": 1}),
    # literals that cross jieba's word boundaries
    ("工一批", {"limit": 20}),
    ("营商环", {"limit": 3}),
    ("环境建设", {"limit": 3}),
    ("设1", {"limit": 3}),
    # jargon, numbers and formulas
    ("三个一批", {"limit": 10}),
    ("放管服", {"limit": 3}),
    ("13710", {"limit": 3}),
    ("1+17+N", {"limit": 3}),
    ("1+19+N", {"limit": 3}),
    ("PM2.5", {"limit": 3}),
    ("pm２.５", {"limit": 2}),
    ("5.1%", {"limit": 3}),
    ("5.1", {"limit": 3}),
    ("2183套", {"limit": 3}),
    ("四上企业", {"limit": 3}),
    ("“四上”企业", {"limit": 2}),
    ("六稳六保", {"limit": 3}),
    ("治理六乱、开展六清", {"limit": 3}),
    # boolean queries
    ("优化 营商环境", {"limit": 3}),
    ('"优化 营商环境"', {"limit": 3}),
    ("六稳 OR 六保", {"limit": 20}),
    ("营商环境 -优化", {"limit": 3}),
    ("营商环境 NOT 优化", {"limit": 2}),
    ("(六稳 OR 六保) -三个一批", {"limit": 3}),
    ("项目 AND 建设 投资", {"limit": 3}),
    ("双碳 OR 碳达峰 OR 碳中和", {"limit": 3}),
    # filters, in the query and as options
    ("发展 region:新华区", {"limit": 3}),
    ("发展 year:2022", {"limit": 3}),
    ("发展 year:2021-2023", {"limit": 5, "offset": 5}),
    ("项目 doc:{prefix}", {"limit": 3}),
    ("项目", {"limit": 3, "filters": {"doc": "{doc}"}}),
    ("乡村振兴", {"limit": 3, "filters": {"region": "红旗区", "year": "2023"}}),
    ('营商环境 region:"新华区" year:2020-2022', {"limit": 3}),
    ("三个一批 year:2023", {"limit": 3}),
    # pinyin, traditional characters, typos, no hits
    ("sgyp", {"limit": 3}),
    ("sangeyipi", {"limit": 3}),
    ("san1 ge4 yi1 pi1", {"limit": 3}),
    ("yingshanghuanjing", {"limit": 3}),
    ("fgf", {"limit": 3}),
    ("sgyp region:新华区", {"limit": 3}),
    ("營商環境", {"limit": 3}),
    ("营商环竟", {}),
    ("量子计算机芯片", {}),
    ("营商环境 -营商", {}),
    # every hit, no facets, the literal flag
    ("双减", {"limit": None}),
    ("高质量发展", {"limit": 5, "facets": False}),
    ("(六稳 OR 六保)", {"literal": True}),
    # refused: the error is the answer
    ('"优化 营商环境', {}),
    ("发展 year:二〇二二", {}),
    ("发展", {"limit": 0}),
]
GLOSSARY = ["13710", "三个一批", "六稳", "“四上”企业", "治理六乱", "三", "营商环竟"]
USAGE = ["三个一批", "治理六乱、开展六清", "13710", "2183套"]
SUGGEST = ["营商环竟", "三个一比", "sgyp", "yingshang"]
COMPLETE = ["三", "营商", "sg", "ying", "13"]
DOCUMENT_HIGHLIGHT = "三个一批 OR 营商环境"


@dataclass(frozen=True)
class Case:
    """One query of the set: its label (the key in a golden file) and how to answer it."""

    label: str
    answer: Callable[[PolicyIndex], Any]


def _search(query: str, options: dict[str, Any]) -> Case:
    shown = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in options.items())
    return Case(
        f"search {query}" + (f" [{shown}]" if shown else ""),
        lambda ix: ix.search(query, **options).as_dict(),
    )


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def _documents(ix: PolicyIndex) -> list[dict[str, Any]]:
    """The document list, each source path cut to its file name (the rest is the machine's)."""
    return [{**d, "path": Path(d["path"]).name} for d in ix.documents()]


def cases(ix: PolicyIndex) -> list[Case]:
    """The query set for the index ``ix`` (the document queries name one of its documents)."""
    documents = ix.documents()
    doc = documents[len(documents) // 2]["doc"] if documents else "none"
    names = {"doc": doc, "prefix": doc.rsplit(".", 1)[0][:-1]}
    shortest = (
        min(documents, key=lambda d: (d["paragraphs"], d["doc"]))["doc"] if documents else doc
    )
    found = [_search(_fill(q, names), _fill(o, names)) for q, o in SEARCHES]
    found += [Case(f"glossary {t}", lambda ix, t=t: ix.glossary(t).as_dict()) for t in GLOSSARY]
    found += [Case(f"usage {t}", lambda ix, t=t: ix.usage(t).as_dict()) for t in USAGE]
    found += [
        Case("suggest " + " | ".join(SUGGEST), lambda ix: {t: ix.suggest(t) for t in SUGGEST}),
        Case("complete " + " | ".join(COMPLETE), lambda ix: {t: ix.complete(t) for t in COMPLETE}),
        Case(
            f"document {shortest} [highlight={DOCUMENT_HIGHLIGHT}]",
            lambda ix: ix.document(shortest, highlight=DOCUMENT_HIGHLIGHT),
        ),
        Case("document no-such-document.txt", lambda ix: ix.document("no-such-document.txt")),
        Case("glossary --list", lambda ix: ix.glossary_terms()),
        Case("glossary entries", lambda ix: [e.as_dict() for e in ix.glossary_entries()]),
        Case("docs", _documents),
    ]
    return found


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def golden_answers(ix: PolicyIndex) -> dict[str, str]:
    """{label: canonical JSON of the answer} for every query of the set, in set order.
    A refused query (bad syntax, unknown document) answers with its error."""
    answers: dict[str, str] = {}
    for case in cases(ix):
        try:
            data = case.answer(ix)
        except PolicySearchError as exc:
            data = {"error": type(exc).__name__, "message": str(exc)}
        answers[case.label] = canonical(data)
    return answers


def digest(answer: str) -> dict[str, Any]:
    """A short stand-in for a canonical answer: its SHA-256, and for a search its hit
    count and first hits (``doc ¶n score``), which show where two answers part."""
    data = json.loads(answer)
    found: dict[str, Any] = {"sha256": hashlib.sha256(answer.encode("utf-8")).hexdigest()}
    if isinstance(data, dict) and "total" in data and "hits" in data:
        found["total"] = data["total"]
        found["top"] = [_hit_name(h) for h in data["hits"][:TOP]]
    return found


def _hit_name(hit: dict[str, Any]) -> str:
    if hit.get("kind") == "glossary":
        return f"glossary {hit['term']} {hit['doc']} ¶{hit['paragraph']}"
    return f"{hit['doc']} ¶{hit['paragraph']} {hit['score']}"


def compare(expected: dict[str, Any], actual: dict[str, str]) -> list[str]:
    """One message per query whose answer differs, in the golden's order: a short diff
    of the two JSON answers (of the two digests, for a golden in digest form).

    ``expected`` is a golden file's content (see ``golden_file``) or, like ``actual``,
    ``{label: canonical JSON}`` as ``golden_answers`` returns it. A golden with variants
    (builds of one corpus that legitimately differ) is met when one variant matches in
    full; otherwise the messages are those of the closest variant.
    """
    form, variants = _golden_form(expected)
    found = [_compare_one(form, answers, actual) for answers in variants]
    return min(found, key=len)


def _compare_one(form: str, answers: dict[str, Any], actual: dict[str, str]) -> list[str]:
    problems = []
    for label, want in answers.items():
        if label not in actual:
            problems.append(f"{label}: no longer in the query set")
            continue
        got = actual[label]
        if form == "digest":
            now = digest(got)
            if now["sha256"] != want["sha256"]:
                problems.append(f"{label}:\n{_diff(want, now)}\n  now: {_short(got)}")
        elif got != want:
            problems.append(f"{label}:\n{_diff(json.loads(want), json.loads(got))}")
    problems += [f"{label}: not in the golden" for label in actual if label not in answers]
    return problems


def _golden_form(golden: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The golden's form and its answer sets: [{label: canonical JSON}] (full) or
    [{label: digest}] (digest), one set per variant."""
    if "answers" in golden:
        variants = [golden["answers"]]
    elif "variants" in golden:
        variants = golden["variants"]
    else:  # {label: canonical JSON}, as golden_answers returns it
        return "full", [golden]
    if golden["form"] == "digest":
        return "digest", variants
    return "full", [{k: canonical(v) for k, v in answers.items()} for answers in variants]


def golden_file(
    answers: dict[str, str] | list[dict[str, str]], *, as_digest: bool
) -> dict[str, Any]:
    """What a golden file holds: ``{"form": "full" | "digest", "answers": {label: …}}``,
    each answer as a JSON value (not a string holding JSON, whose escaping would double
    the file) or as its digest. Given the answers of several builds of one corpus, the
    distinct answer sets become ``"variants": [{label: …}, …]`` instead of ``"answers"``."""
    sets = answers if isinstance(answers, list) else [answers]
    form = "digest" if as_digest else "full"
    encoded: list[dict[str, Any]] = []
    for found in sets:
        if as_digest:
            values = {k: digest(a) for k, a in found.items()}
        else:
            values = {k: json.loads(a) for k, a in found.items()}
            if any(canonical(values[k]) != a for k, a in found.items()):
                raise ValueError("an answer does not survive a JSON round trip unchanged")
        if values not in encoded:
            encoded.append(values)
    if len(encoded) == 1:
        return {"form": form, "answers": encoded[0]}
    return {"form": form, "variants": encoded}


def dumps_golden(golden: dict[str, Any]) -> str:
    """A golden file's text: one line per query (a changed answer is a one-line diff)."""

    def block(answers: dict[str, Any], indent: str) -> str:
        lines = [
            f"{indent}{json.dumps(label, ensure_ascii=False)}: {canonical(answer)}"
            for label, answer in answers.items()
        ]
        return "{\n" + ",\n".join(lines) + "\n" + indent[:-1] + "}"

    head = f'{{"form": {json.dumps(golden["form"])}, '
    if "answers" in golden:
        return head + f'"answers": {block(golden["answers"], "  ")}}}\n'
    variants = ",\n".join(" " + block(answers, "  ") for answers in golden["variants"])
    return head + f'"variants": [\n{variants}\n]}}\n'


def _diff(want: Any, got: Any) -> str:
    """A unified diff of two JSON values, pretty-printed, cut to DIFF_LINES lines."""
    lines = list(
        difflib.unified_diff(
            json.dumps(want, sort_keys=True, ensure_ascii=False, indent=1).splitlines(),
            json.dumps(got, sort_keys=True, ensure_ascii=False, indent=1).splitlines(),
            "golden",
            "now",
            n=1,
            lineterm="",
        )
    )
    more = len(lines) - DIFF_LINES
    return "\n".join(lines[:DIFF_LINES] + ([f"... {more} more diff lines"] if more > 0 else []))


def _short(text: str, width: int = 300) -> str:
    return text if len(text) <= width else text[:width] + "…"


def open_index(path: Path) -> PolicyIndex:
    """The index at ``path``, with a time budget no query of the set reaches."""
    ix = PolicyIndex.open(path)
    ix.time_budget = GOLDEN_SECONDS
    return ix


def write(indexes: list[Path], out: Path, *, as_digest: bool) -> dict[str, Any]:
    """Answer the query set on each index (builds of one corpus) and write the golden."""
    found = []
    for index in indexes:
        with open_index(index) as ix:
            found.append(golden_answers(ix))
    golden = golden_file(found, as_digest=as_digest)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps_golden(golden), encoding="utf-8")
    return golden


def check(index: Path, golden_path: Path) -> list[str]:
    expected = json.loads(golden_path.read_text(encoding="utf-8"))
    with open_index(index) as ix:
        return compare(expected, golden_answers(ix))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    do_write = commands.add_parser("write", help="answer the query set and store the answers")
    do_write.add_argument(
        "--index",
        type=Path,
        action="append",
        required=True,
        help="the index; repeat it for builds of one corpus that may legitimately differ",
    )
    do_write.add_argument("--out", type=Path, required=True)
    do_write.add_argument(
        "--digest", action="store_true", help="store SHA-256 digests, not full answers"
    )
    do_check = commands.add_parser("check", help="answer the query set and compare")
    do_check.add_argument("--index", type=Path, required=True)
    do_check.add_argument("--golden", type=Path, required=True)
    args = parser.parse_args(argv)
    import indexer

    print(f"engine: {Path(indexer.__file__).parent}", file=sys.stderr)
    try:
        if args.command == "write":
            golden = write(args.index, args.out, as_digest=args.digest)
            size = args.out.stat().st_size
            sets = golden.get("variants", [golden.get("answers")])
            print(
                f"wrote {len(sets[0])} answers ({len(sets)} variant(s)) to {args.out} "
                f"({size:,} bytes)"
            )
            return 0
        problems = check(args.index, args.golden)
    except PolicySearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not problems:
        print(f"OK: every answer matches {args.golden}")
        return 0
    golden = json.loads(args.golden.read_text(encoding="utf-8"))
    closest = (
        f" (its closest of {len(golden['variants'])} variants)" if "variants" in golden else ""
    )
    print(f"FAIL: {len(problems)} answer(s) differ from {args.golden}{closest}; the first:\n")
    print(problems[0])
    if len(problems) > 1:
        print("\nalso differing:")
        for problem in problems[1:]:
            print("  " + problem.split("\n", 1)[0])
    return 1


if __name__ == "__main__":
    sys.exit(main())
