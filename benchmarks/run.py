"""Speed harness: our engine against the naive Whoosh + jieba baseline, same corpus, one run.

    python benchmarks/run.py --sizes 1 20 [--corpus DIR...] [--json OUT] [--quick]
                             [--ours-only] [--no-server] [--previous CHECKOUT]

For each size (MB) it generates a corpus (benchmarks/corpus.py, cached under
benchmarks/corpus/) and measures, for ours and for the baseline (Whoosh 2.7.4 with
``jieba.analyse.ChineseAnalyzer``, one stored TEXT field, the default single writer, one
document per blank-line-separated block of each file: the naive paragraph, so both
engines answer with paragraphs): build MB/s, peak RSS of the build process, index size /
text size, warm query latency p50/p95 over a fixed mix, hits versus a plain substring
scan for substring queries (the recall gap), and, for ours, the peak total PSS of the
build's process tree (its forked workers included, sampled every 0.5 s: peak RSS is one
process's), the cold start of the CLI and the server on loopback (throughput and peak
RSS under benchmarks/load.py's mix, uncached with one and two workers, and cached). It
prints a table with ours/baseline ratios and writes JSON with every query's median and
max. Times are wall-clock on a shared machine: compare the ratios of one run, not
seconds across runs.

Options:

    --sizes MB...  corpus sizes in MB (default 1 20); any size works, 1000 included: the
                   corpus is written file by file (~45 KB each, ~20 MB/s) and cached.
    --corpus DIR...
                   folders of real reports (``*.txt``) measured like a size, after the
                   sizes (``--sizes --corpus DIR`` for that folder alone): real text has
                   several times the distinct words and bigrams per MB of the generated
                   corpus, which is what the build pays for.
    --quick        one timed repetition of each query instead of five (smoke test).
    --json OUT     where the JSON report goes (default benchmarks/out/bench-DATE.json).
    --ours-only    no baseline at all, at every size: no Whoosh build (hours at 200 MB
                   and more on two cores), no baseline queries, no baseline substring
                   truth. The table shows "-" for the baseline and the ratios; the JSON
                   has no base_* keys. Everything of ours (build MB/s, peak RSS and PSS,
                   index/text, latencies, the rg/grep anchor, recall, cold start,
                   server) still runs.
    --no-server    skip the server rows (minutes each at 200 MB); the table says so and
                   the JSON has no ours_server* keys.
    --previous CHECKOUT
                   also build the same corpus with an earlier engine and load its server
                   (uncached, one process) in this run: CHECKOUT is a work tree of an
                   earlier commit with its own .venv, e.g. the engine before the
                   vectorized query path: `git worktree add ../previous 678e894`, then
                   `python3 -m venv ../previous/.venv && ../previous/.venv/bin/pip
                   install -e ../previous`. The table prints our uncached throughput as a
                   multiple of its throughput, both measured minutes apart on one machine.

The exact anchor: what a user runs instead of this tool is ``rg -c -F -- LITERAL
FILES...`` (``grep -c -F`` when ripgrep is not installed). For the queries of the mix
that are plain literals (LITERALS: the table says which, and which string), the harness
times that command as a process over the corpus's text files, warm and repeated like the
engine's queries, and reports its p50/p95 against ours on the same subset.
"""

from __future__ import annotations

import argparse
import inspect
import json
import multiprocessing
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import write_report  # noqa: E402
from benchmarks.corpus import generate  # noqa: E402
from benchmarks.load import serve_and_load, tree_pss_mb  # noqa: E402

QUERIES = {
    "word": ["发展", "项目", "改革"],
    "jargon": ["三个一批", "放管服", "六稳"],
    "phrase": ['"优化营商环境"', '"高质量发展"'],
    "substring": ["工一批", "营商环", "地", "设1"],
    "multi": ["优化 营商环境", "项目 建设 投资"],
    "pinyin": ["sgyp", "yingshanghuanjing"],
    "filtered": ["发展 year:2015-2020"],
}
SUBSTRINGS = ["工一批", "营商环", "放管服", "六稳"]
# Typed letter by letter into autocomplete: words, strings no lexicon lists (做大做强),
# a heteronym (长三角 read changsanjiao), initials.
PINYIN_TYPED = [
    "zuodazuoqiang",
    "changsanjiao",
    "fangguanfu",
    "yingshanghuanjing",
    "sgyp",
    "zdzq",
    "xczx",
]
# Each query of the mix: the fixed string a user would give rg/grep for it, or None when
# it has no literal equivalent (pinyin, several terms, filters, query syntax). Quoted
# phrases are the phrase without its quotes.
LITERALS: dict[str, str | None] = {
    "发展": "发展",
    "项目": "项目",
    "改革": "改革",
    "三个一批": "三个一批",
    "放管服": "放管服",
    "六稳": "六稳",
    '"优化营商环境"': "优化营商环境",
    '"高质量发展"': "高质量发展",
    "工一批": "工一批",
    "营商环": "营商环",
    "地": "地",
    "设1": "设1",
    "优化 营商环境": None,
    "项目 建设 投资": None,
    "sgyp": None,
    "yingshanghuanjing": None,
    "发展 year:2015-2020": None,
}
MIX = [q for qs in QUERIES.values() for q in qs]
assert sorted(LITERALS) == sorted(MIX), "every query of the mix needs a LITERALS entry"


def naive_paragraphs(text: str) -> list[str]:
    """The baseline's documents: blocks between blank lines, as a naive indexer splits."""
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]


def corpus_dir(size: float) -> Path:
    path = ROOT / "benchmarks" / "corpus" / f"{size:g}mb"
    if not (path / ".done").exists():
        generate(path, size, seed=1)
        (path / ".done").write_text("", encoding="utf-8")
    return path


def corpus_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.glob("*.txt"))


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed_child(
    args: list[str], pss: list[float] | None = None, ok: tuple[int, ...] = (0, 3)
) -> tuple[float, int, str]:
    """Run a child process; its wall time, peak RSS (KiB) and output (an exit status
    outside ``ok`` is an error).

    The peak RSS is that of the largest single process (the child or a descendant it
    waited for), not the sum of processes running at once, such as the build's forked
    workers. With ``pss`` (a list) the total PSS of the child's process tree is sampled
    every 0.5 s meanwhile, and its peak in MiB appended to ``pss``."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    done = threading.Event()
    peak = [0.0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], tree_pss_mb(process.pid))
            if done.wait(0.5):
                return

    sampler = threading.Thread(target=sample, daemon=True) if pss is not None else None
    if sampler:
        sampler.start()
    try:
        output = ""
        if process.stdout:
            with process.stdout:
                output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        done.set()
        if sampler:
            sampler.join()
    if pss is not None:
        pss.append(peak[0])
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in ok:
        raise RuntimeError(f"{args[:4]} exited {process.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss, output


# ---- work done inside child processes -------------------------------------------------


def _baseline_build(index_dir: str, corpus: str) -> None:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    os.makedirs(index_dir, exist_ok=True)
    schema = Schema(path=ID(stored=True), content=TEXT(stored=True, analyzer=ChineseAnalyzer()))
    writer = index.create_in(index_dir, schema).writer()
    for path in sorted(Path(corpus).glob("*.txt")):
        for i, block in enumerate(naive_paragraphs(path.read_text(encoding="utf-8"))):
            writer.add_document(path=f"{path}#{i}", content=block)
    writer.commit()


def _latencies(run: Any, queries: list[str], repeat: int) -> dict[str, list[float]]:
    """Each query's warm times in ms: one untimed run, then ``repeat`` timed ones."""
    times: dict[str, list[float]] = {}
    for query in queries:
        run(query)  # warm-up
        times[query] = []
        for _ in range(repeat):
            started = time.perf_counter()
            run(query)
            times[query].append((time.perf_counter() - started) * 1000)
    return times


def _query_ours(index_dir: str, repeat: int) -> None:
    from indexer.api import PolicyIndex

    ix = PolicyIndex.open(index_dir)
    pinyin = _pinyin_ours(ix)
    times = _latencies(lambda q: ix.search(q, limit=10), MIX, repeat)
    hits = {q: ix.search(q, limit=None, literal=True).total for q in SUBSTRINGS}
    print(json.dumps({"times": times, "hits": hits, "pinyin": pinyin}))


CLUSTER_PREFIX = "policy-search-bench"


def _publish_cluster(index_dir: str, url: str) -> None:
    """Publish the local index to the cluster at ``url``, a generation written whole."""
    from indexer.cluster.publish import publish_to

    os.environ["POLICY_SEARCH_OPENSEARCH_PREFIX"] = CLUSTER_PREFIX
    report = publish_to(Path(index_dir), url, rebuild=True, progress=False)
    print(json.dumps(report.as_dict()))


def _query_cluster(index_dir: str, url: str, repeat: int) -> None:
    """The mix's warm times against the cluster; per query, whether its total and facets
    equal the local index's, and how many of the local top 10 the cluster's top 10 holds."""
    from indexer.api import PolicyIndex
    from indexer.cluster.search import ClusterIndex

    os.environ["POLICY_SEARCH_OPENSEARCH_PREFIX"] = CLUSTER_PREFIX
    local, cluster = PolicyIndex.open(index_dir), ClusterIndex.open(url)
    times = _latencies(lambda q: cluster.search(q, limit=10), MIX, repeat)
    agreement = {}
    for query in MIX:
        ours, theirs = local.search(query, related=False), cluster.search(query, related=False)
        top = {(h.doc, h.paragraph) for h in ours.hits}
        agreement[query] = {
            "same_counts": (ours.total, ours.facets) == (theirs.total, theirs.facets),
            "top10_overlap": round(
                len(top & {(h.doc, h.paragraph) for h in theirs.hits}) / len(top), 2
            )
            if top
            else None,
        }
    print(json.dumps({"times": times, "agreement": agreement}))


def cluster_row(index_dir: Path, megabytes: float, build_s: float, url: str, repeat: int) -> dict:
    """The cluster's figures for one corpus: publishing the local index (MB/s of text,
    alone and with the local build), the mix's latencies, the agreement with the local
    index (exact counts, top-10 overlap)."""
    me = [sys.executable, str(Path(__file__).resolve())]
    seconds, _, _ = timed_child([*me, "_publish_cluster", str(index_dir), url])
    _, _, out = timed_child([*me, "_query_cluster", str(index_dir), url, str(repeat)])
    data = json.loads(out)
    mix_times = [t for ts in data["times"].values() for t in ts]
    overlaps = [a["top10_overlap"] for a in data["agreement"].values() if a["top10_overlap"]]
    return {
        "cluster_publish_mbps": round(megabytes / seconds, 3),
        "cluster_build_mbps": round(megabytes / (build_s + seconds), 3),
        "cluster_p50_ms": percentile(mix_times, 50),
        "cluster_p95_ms": percentile(mix_times, 95),
        "cluster_same_counts": all(a["same_counts"] for a in data["agreement"].values()),
        "cluster_top10_overlap": round(statistics.mean(overlaps), 2) if overlaps else None,
        "cluster_per_query": data["agreement"],
    }


def _pinyin_ours(ix: Any) -> dict[str, float]:
    """The pinyin lexicon's load (seconds, and how much the peak RSS grew), then
    autocomplete on every prefix of ``PINYIN_TYPED`` as someone types it: the first ask
    of each prefix (nothing of it cached yet) and a repeated one."""
    ix.search("发展")  # the commit's arrays, which every query needs, are not the lexicon's
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    ix.lexicon()
    load = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    first, again = [], []
    for typed in PINYIN_TYPED:
        for end in range(1, len(typed) + 1):
            for times in (first, again):
                started = time.perf_counter()
                ix.complete(typed[:end])
                times.append((time.perf_counter() - started) * 1000)
    return {
        "lexicon_load_s": round(load, 2),
        "lexicon_rss_mb": round(grown / 1024),
        "complete_first_p50_ms": percentile(first, 50),
        "complete_first_p95_ms": percentile(first, 95),
        "complete_first_max_ms": round(max(first), 2),
        "complete_again_p95_ms": percentile(again, 95),
    }


def _query_baseline(index_dir: str, repeat: int) -> None:
    from whoosh import index
    from whoosh.qparser import QueryParser

    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    parser = QueryParser("content", ix.schema)
    times = _latencies(lambda q: searcher.search(parser.parse(q), limit=10), MIX, repeat)
    hits = {q: len(searcher.search(parser.parse(q), limit=None)) for q in SUBSTRINGS}
    print(json.dumps({"times": times, "hits": hits}))


# ---- the harness ----------------------------------------------------------------------


def _grep_file(path: Path, engines: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """One file's units (our paragraphs, the baseline's blocks) containing each substring."""
    from analyzers.normalize import match_key
    from indexer.ingest.document import parse_document

    text = path.read_text(encoding="utf-8")
    units = {
        "ours": lambda: [match_key(p.text) for p in parse_document(path.name, text).paragraphs],
        "base": lambda: [match_key(block) for block in naive_paragraphs(text)],
    }
    counts: dict[str, dict[str, int]] = {}
    for engine in engines:
        keys = units[engine]()
        counts[engine] = {q: sum(1 for k in keys if match_key(q) in k) for q in SUBSTRINGS}
    return counts


def _grep_files(job: tuple[list[Path], tuple[str, ...]]) -> list[dict[str, dict[str, int]]]:
    files, engines = job
    return [_grep_file(path, engines) for path in files]


def grep_counts(
    corpus: Path, engines: tuple[str, ...] = ("ours", "base")
) -> dict[str, dict[str, int]]:
    """Our paragraphs and the baseline's blocks containing each substring, whitespace
    ignored: the truth each engine's hits are held to. Parsing costs ~0.7 s a MB, so a
    corpus of many files is read in forked processes, one per CPU (~6 min at 1 GB on two)."""
    files = sorted(corpus.glob("*.txt"))
    if files:  # load the parser's data here, shared by the forked readers
        _grep_file(files[0], engines)
    procs = min(os.cpu_count() or 1, len(files) // 100)
    chunks = [(files[i : i + 20], engines) for i in range(0, len(files), 20)]
    if procs > 1 and threading.active_count() == 1:  # fork only a single-threaded harness
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            results = [c for chunk in pool.imap(_grep_files, chunks) for c in chunk]
    else:
        results = [c for chunk in map(_grep_files, chunks) for c in chunk]
    counts: dict[str, dict[str, int]] = {engine: dict.fromkeys(SUBSTRINGS, 0) for engine in engines}
    for found in results:
        for engine, by_query in found.items():
            for q, n in by_query.items():
                counts[engine][q] += n
    return counts


def percentile(values: list[float], p: int) -> float:
    """The p-th percentile; held within the values (the default "exclusive" method
    extrapolates past the largest value when there are fewer than ~100/(100-p) of them,
    as in --quick, which printed a p95 above the max)."""
    if len(values) < 2:
        return round(values[0], 2) if values else 0.0
    cut = statistics.quantiles(values, n=100)[p - 1]
    return round(min(max(cut, min(values)), max(values)), 2)


def literal_tool() -> str:
    """``rg`` when ripgrep is on PATH, else ``grep``."""
    return "rg" if shutil.which("rg") else "grep"


def literal_times(corpus: Path, repeat: int, tool: str) -> dict[str, dict[str, Any]]:
    """``TOOL -c -F -- LITERAL FILES...`` over the corpus's text files, as a process, for
    each literal query: warm (one untimed run first, as the engine's queries), then
    ``repeat`` timed runs of wall time in ms; also the matching lines it counted. Files
    are named relative to the corpus (run there), so 1 GB's ~23k names fit one command."""
    files = sorted(p.name for p in corpus.glob("*.txt"))
    env = {k: v for k, v in os.environ.items() if k != "RIPGREP_CONFIG_PATH"}
    out: dict[str, dict[str, Any]] = {}
    for query, literal in LITERALS.items():
        if literal is None:
            continue
        command = [tool, "-c", "-F", "--", literal, *files]
        times = []
        for i in range(repeat + 1):
            started = time.perf_counter()
            done = subprocess.run(command, cwd=corpus, env=env, capture_output=True, text=True)
            elapsed = (time.perf_counter() - started) * 1000
            if done.returncode not in (0, 1):  # 1: no line matched
                raise RuntimeError(f"{tool} exited {done.returncode}: {done.stderr[:200]}")
            if i:
                times.append(elapsed)
        lines = sum(int(line.rsplit(":", 1)[1]) for line in done.stdout.splitlines())
        out[query] = {"times": times, "lines": lines}
    return out


def cold_queries(cli: list[str], queries: list[str]) -> list[float]:
    """Wall seconds of a new ``policy-search search QUERY --json --limit 10`` process
    for each query (those the literal anchor ran, page cache warm from its runs; three
    with --quick): what a user pays per query from the shell, set against the anchor's
    own process."""
    search = [*cli, "search"]
    # exit 1 says no hit: an answer like any other
    return [timed_child([*search, q, "--json", "--limit", "10"], ok=(0, 1))[0] for q in queries]


def what_changed_times(cli: list[str]) -> dict[str, Any]:
    """Seconds of a new process for "what is new this year" (``new-terms --year Y
    --json`` for each of the two latest years indexed) and "what changed against last
    year" (``compare A B --json``, a region's two latest reports): set against a cold
    search in the same run."""
    _, _, out = timed_child([*cli, "docs", "--json"])
    documents = [d for d in json.loads(out)["documents"] if d["year"]]
    years = sorted({d["year"] for d in documents})
    # exit 1 says nothing new, or nothing earlier to compare with: an answer too
    new_terms = {
        str(year): round(
            timed_child([*cli, "new-terms", "--year", str(year), "--json"], ok=(0, 1))[0], 2
        )
        for year in years[-2:]
    }
    by_region: dict[str, list[dict[str, Any]]] = {}
    for d in documents:
        by_region.setdefault(d["region"], []).append(d)
    pairs = [sorted(ds, key=lambda d: (d["year"], d["doc"]))[-2:] for ds in by_region.values()]
    pairs = [p for p in pairs if len(p) == 2]
    if not pairs:
        return {"new_terms": new_terms, "compare": None}
    a, b = max(pairs, key=lambda p: (p[1]["year"], p[1]["paragraphs"]))
    seconds = timed_child([*cli, "compare", a["doc"], b["doc"], "--json"])[0]
    return {"new_terms": new_terms, "compare": round(seconds, 2)}


UPDATES = 3  # reports added one at a time, a process each


def update_times(cli: list[str], corpus: Path, folder: Path) -> list[float]:
    """Seconds to add one new report to the index, as a process (``index FILE``), for
    ``UPDATES`` reports one after another: each a copy of a report of the corpus under a
    new name with a new first line, so it is new to the index but speaks its language.
    Run last: the index has these reports afterwards."""
    folder.mkdir()
    times = []
    for i, source in enumerate(sorted(corpus.glob("*.txt"))[:UPDATES]):
        added = folder / f"added_{i}.txt"
        added.write_text(f"增补材料{i}\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
        seconds, _, _ = timed_child([*cli, "index", str(added)])
        times.append(round(seconds, 2))
    return times


def per_query_rows(
    times: dict[str, dict[str, list[float]]],
) -> dict[str, dict[str, Any]]:
    """Each query's literal and, per engine ("ours", "base", "rg"), median and max ms
    (None for rg on a query without a literal)."""
    rows: dict[str, dict[str, Any]] = {}
    for query in MIX:
        row: dict[str, Any] = {"literal": LITERALS[query]}
        for engine, by_query in times.items():
            values = by_query.get(query)
            row[f"{engine}_median_ms"] = round(statistics.median(values), 2) if values else None
            row[f"{engine}_max_ms"] = round(max(values), 2) if values else None
        rows[query] = row
    return rows


def server_row(load: dict[str, Any], workers: int) -> dict[str, Any]:
    keys = ("throughput_rps", "p50_ms", "p95_ms", "non_2xx", "server_peak_rss_mb")
    row = {k: load.get(k) for k in keys}
    row["start_to_first_answer_s"] = load.get("start_to_first_answer_s")
    row["server_pss_mb"] = load.get("server_pss_mb")  # None before load.py reports it
    row["workers"] = workers
    return row


# JSON key, --result-cache (0: every request searches; None: the server's default), workers
SERVER_ROWS = [
    ("ours_server", 0, 1),
    ("ours_server_w2", 0, 2),
    ("ours_server_cached", None, 1),
]
SERVER_LABELS = {
    "ours_server": "uncached, 1 worker",
    "ours_server_w2": "uncached, 2 workers",
    "ours_server_cached": "cached, 1 worker",
}


def previous_server(checkout: Path, corpus: Path, work: Path, requests: int) -> dict[str, Any]:
    """An earlier engine's build time and uncached server row on ``corpus``, run with that
    checkout's own interpreter, CLI and load test (the mix has not changed since)."""
    python = str(checkout / ".venv" / "bin" / "python")
    index_dir, report = work / "previous", work / "previous-load.json"
    build = [python, "-m", "indexer.cli", "--index", str(index_dir), "index", str(corpus)]
    started = time.perf_counter()
    subprocess.run(build, cwd=checkout, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    load = [python, "benchmarks/load.py", "--index", str(index_dir), "--clients", "4"]
    load += ["--requests", str(requests), "--max-seconds", "120", "--threads", "4"]
    load += ["--result-cache", "0", "--json", str(report)]
    subprocess.run(load, cwd=checkout, check=True, capture_output=True)
    row = server_row(json.loads(report.read_text(encoding="utf-8")), 1)
    row["build_s"] = round(seconds, 1)
    row["commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True
    ).stdout.strip()
    return row


def measure(
    corpus: Path,
    repeat: int,
    *,
    baseline: bool = True,
    server: bool = True,
    previous: Path | None = None,
    opensearch: str | None = None,
) -> dict[str, Any]:
    """One corpus's row. ``baseline=False`` (--ours-only) leaves out everything of the
    baseline (no base_* keys); ``server=False`` (--no-server) the server rows;
    ``previous`` adds an earlier engine's server row (``previous_server``);
    ``opensearch`` the figures of that cluster (``cluster_row``)."""
    text_bytes = corpus_bytes(corpus)
    megabytes = text_bytes / 2**20
    me = [sys.executable, str(Path(__file__).resolve())]
    row: dict[str, Any] = {
        "corpus": corpus.name,
        "mb": round(megabytes, 2),
        "files": len(list(corpus.glob("*.txt"))),
    }
    engines = ("ours", "base") if baseline else ("ours",)
    with tempfile.TemporaryDirectory() as tmp:
        ours, base = Path(tmp) / "ours", Path(tmp) / "baseline"
        build = [sys.executable, "-m", "indexer.cli", "--index", str(ours), "index", str(corpus)]
        pss: list[float] = []
        seconds, rss, _ = timed_child(build, pss)
        row["ours_build_mbps"] = round(megabytes / seconds, 3)
        row["ours_build_s"] = round(seconds, 1)
        row["ours_rss_mb"] = round(rss / 1024)
        row["ours_tree_pss_mb"] = round(pss[0])
        row["ours_size_ratio"] = round(du(ours) / text_bytes, 2)
        if baseline:
            seconds, rss, _ = timed_child([*me, "_baseline_build", str(base), str(corpus)])
            row["base_build_mbps"] = round(megabytes / seconds, 3)
            row["base_build_s"] = round(seconds, 1)
            row["base_rss_mb"] = round(rss / 1024)
            row["base_size_ratio"] = round(du(base) / text_bytes, 2)
        times: dict[str, dict[str, list[float]]] = {}
        for name in engines:
            index_dir = ours if name == "ours" else base
            _, _, out = timed_child([*me, f"_query_{name}", str(index_dir), str(repeat)])
            data = json.loads(out)
            times[name] = data["times"]
            mix_times = [t for ts in data["times"].values() for t in ts]
            row[f"{name}_p50_ms"] = percentile(mix_times, 50)
            row[f"{name}_p95_ms"] = percentile(mix_times, 95)
            row[f"{name}_max_query_ms"] = round(max(mix_times), 2)
            row[f"{name}_substring_hits"] = data["hits"]
            if "pinyin" in data:
                row[f"{name}_pinyin"] = data["pinyin"]
        if opensearch:
            row.update(cluster_row(ours, megabytes, row["ours_build_s"], opensearch, repeat))
        tool = literal_tool()
        anchor = literal_times(corpus, repeat, tool)
        times["rg"] = {q: a["times"] for q, a in anchor.items()}
        row["literal_tool"] = tool
        row["literal_queries"] = list(anchor)
        row["rg_lines"] = {q: a["lines"] for q, a in anchor.items()}
        for name in (*engines, "rg"):
            subset = [t for q in anchor for t in times[name][q]]
            row[f"{name}_literal_p50_ms"] = percentile(subset, 50)
            row[f"{name}_literal_p95_ms"] = percentile(subset, 95)
        for p in ("p50", "p95"):
            rg = row[f"rg_literal_{p}_ms"]
            row[f"ours_rg_literal_{p}_ratio"] = (
                round(row[f"ours_literal_{p}_ms"] / rg, 2) if rg else None
            )
        row["per_query"] = per_query_rows(times)
        by_median = sorted(MIX, key=lambda q: -row["per_query"][q]["ours_median_ms"])
        row["ours_slowest"] = [
            {"query": q, "median_ms": row["per_query"][q]["ours_median_ms"]} for q in by_median[:3]
        ]
        cold = cold_queries(build[:5], list(anchor)[: 3 if repeat == 1 else None])
        row["ours_cold_query_s"] = round(statistics.median(cold), 2)
        for p in (50, 95):
            ours_ms = percentile([s * 1000 for s in cold], p)
            row[f"ours_cold_p{p}_ms"] = ours_ms
            rg = row[f"rg_literal_p{p}_ms"]
            row[f"ours_cold_rg_p{p}_ratio"] = round(ours_ms / rg, 1) if rg else None
        row["ours_what_changed_s"] = what_changed_times(build[:5])
        has_workers = "workers" in inspect.signature(serve_and_load).parameters
        for key, cache, workers in SERVER_ROWS if server else []:
            if workers > 1 and not has_workers:
                print(f"note: serve_and_load has no `workers` keyword yet; skipping {key}")
                continue
            load = serve_and_load(
                ours,
                clients=4,
                requests=200 * repeat,
                max_seconds=120,
                threads=4,
                result_cache=cache,
                **({"workers": workers} if workers > 1 else {}),
            )
            row[key] = server_row(load, workers)
        if previous is not None:
            row["previous_server"] = previous_server(previous, corpus, Path(tmp), 200 * repeat)
        row["ours_update_s"] = update_times(build[:5], corpus, Path(tmp) / "added")
    row["grep"] = grep_counts(corpus, engines)
    return row


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else "-"


def print_table(rows: list[dict[str, Any]]) -> None:
    """The rows as text; "-" where a number was not measured (--ours-only, --no-server)."""
    metrics = [
        ("build MB/s", "build_mbps"),
        ("build s", "build_s"),
        ("peak RSS MB", "rss_mb"),
        ("tree PSS MB", "tree_pss_mb"),
        ("index/text", "size_ratio"),
        ("query p50 ms", "p50_ms"),
        ("query p95 ms", "p95_ms"),
        ("max query ms", "max_query_ms"),
    ]
    for row in rows:
        print(f"\n{row.get('corpus', '')}: {row['mb']} MB, {row['files']} files")
        print(f"  {'metric':<18}{'ours':>10}{'baseline':>10}{'ours/base':>11}")
        for label, key in metrics:
            ours, base = row.get(f"ours_{key}"), row.get(f"base_{key}")
            shown = ["-" if v is None else v for v in (ours, base)]
            print(f"  {label:<18}{shown[0]:>10}{shown[1]:>10}{ratio(ours, base):>11}")
        tool = row["literal_tool"]
        n = len(row["literal_queries"])
        print(f"  {f'literal ({n} q)':<18}{'ours':>10}{tool:>10}{f'ours/{tool}':>11}")
        for p in ("p50", "p95"):
            ours, rg = row[f"ours_literal_{p}_ms"], row[f"rg_literal_{p}_ms"]
            print(f"  {f'literal {p} ms':<18}{ours:>10}{rg:>10}{ratio(ours, rg):>11}")
        slowest = ", ".join(f"{s['query']} {s['median_ms']} ms" for s in row["ours_slowest"])
        print(f"  slowest (ours, median): {slowest}")
        tool = row["literal_tool"]
        print(
            f"  cold CLI query ({len(row['literal_queries'])} q, --json --limit 10):"
            f" p50 {row['ours_cold_p50_ms']} ms, p95 {row['ours_cold_p95_ms']} ms;"
            f" ours/{tool} {row['ours_cold_rg_p50_ratio']} / {row['ours_cold_rg_p95_ratio']}"
        )
        if changed := row.get("ours_what_changed_s"):
            print(
                "  what changed (a process each, --json): new-terms "
                + ", ".join(f"{y} {t:.2f} s" for y, t in changed["new_terms"].items())
                + f"; compare two reports {changed['compare']} s"
            )
        if updates := row.get("ours_update_s"):
            print(
                f"  add one report (a process each, {len(updates)} in turn): median"
                f" {statistics.median(updates):.2f} s, max {max(updates):.2f} s"
            )
        if pinyin := row.get("ours_pinyin"):
            print(
                f"  pinyin: lexicon load {pinyin['lexicon_load_s']} s"
                f" (+{pinyin['lexicon_rss_mb']} MB peak RSS); autocomplete, first ask"
                f" p50/p95/max {pinyin['complete_first_p50_ms']}/"
                f"{pinyin['complete_first_p95_ms']}/{pinyin['complete_first_max_ms']} ms,"
                f" asked again p95 {pinyin['complete_again_p95_ms']} ms"
            )
        if "cluster_p50_ms" in row:
            print(
                f"  OpenSearch: publish {row['cluster_publish_mbps']} MB/s"
                f" (with the local build {row['cluster_build_mbps']} MB/s); query p50"
                f" {row['cluster_p50_ms']} ms, p95 {row['cluster_p95_ms']} ms"
                f" (local {row['ours_p50_ms']} / {row['ours_p95_ms']} ms); counts and"
                f" facets equal: {row['cluster_same_counts']}; top-10 overlap"
                f" {row['cluster_top10_overlap']}"
            )
        if not any(key in row for key in SERVER_LABELS):
            print("  server on loopback: not measured (--no-server)")
            labels = {}
        else:
            labels = SERVER_LABELS
        for key, label in labels.items():
            server = row.get(key)
            if server is None:
                print(f"  server on loopback, {label}: not measured")
                continue
            pss = server.get("server_pss_mb")
            print(
                f"  server on loopback, {label}: {server['throughput_rps']} req/s,"
                f" p50 {server['p50_ms']} ms, p95 {server['p95_ms']} ms,"
                f" peak RSS {server['server_peak_rss_mb']} MB"
                + (f", PSS {pss} MB" if pss is not None else "")
                + f", {server['non_2xx']} non-2xx"
                + f"; started to first answer {server.get('start_to_first_answer_s')} s"
            )
        if old := row.get("previous_server"):
            print(
                f"  previous engine ({old['commit']}), uncached, 1 process: build"
                f" {old['build_s']} s, {old['throughput_rps']} req/s, p50 {old['p50_ms']} ms,"
                f" p95 {old['p95_ms']} ms, {old['non_2xx']} non-2xx; ours uncached /"
                " previous: "
                + " / ".join(
                    f"{ratio(row[key]['throughput_rps'], old['throughput_rps'])}x"
                    f" ({SERVER_LABELS[key]})"
                    for key in ("ours_server", "ours_server_w2")
                    if key in row
                )
            )
        truth = row["grep"]
        for q in SUBSTRINGS:
            base = (
                f"{row['base_substring_hits'][q]}/{truth['base'][q]} blocks"
                if "base" in truth
                else "- (not measured)"
            )
            print(
                f"  {q}: ours {row['ours_substring_hits'][q]}/{truth['ours'][q]} paragraphs,"
                f" baseline {base}"
            )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        worker = {
            "_baseline_build": _baseline_build,
            "_query_ours": _query_ours,
            "_query_base": _query_baseline,
            "_publish_cluster": _publish_cluster,
            "_query_cluster": _query_cluster,
        }
        name, *args = sys.argv[1:]
        worker[name](*(int(a) if a.isdigit() else a for a in args))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="*", default=[1, 20])
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        default=[],
        help="folders of .txt reports to measure too (real text: see README)",
    )
    parser.add_argument("--quick", action="store_true", help="few query repetitions (smoke test)")
    parser.add_argument(
        "--ours-only",
        action="store_true",
        help="skip the naive baseline (build, queries, recall) at every size",
    )
    parser.add_argument("--no-server", action="store_true", help="skip the server rows")
    parser.add_argument(
        "--previous",
        type=Path,
        help="a work tree of an earlier engine (with its .venv) whose server to load too",
    )
    parser.add_argument(
        "--opensearch",
        metavar="URL",
        help="also publish each corpus to this cluster and query it (scripts/opensearch)",
    )
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "out" / f"bench-{date.today()}.json"
    )
    args = parser.parse_args()
    rows = [
        measure(
            corpus,
            1 if args.quick else 5,
            baseline=not args.ours_only,
            server=not args.no_server,
            previous=args.previous,
            opensearch=args.opensearch,
        )
        for corpus in [*map(corpus_dir, args.sizes), *args.corpus]
    ]
    print_table(rows)
    report = {
        "date": str(date.today()),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "options": {
            "quick": args.quick,
            "ours_only": args.ours_only,
            "server": not args.no_server,
            "previous": str(args.previous) if args.previous else None,
            "opensearch": args.opensearch,
        },
        "rows": rows,
    }
    write_report(args.json, report)


if __name__ == "__main__":
    main()
