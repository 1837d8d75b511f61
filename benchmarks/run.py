"""Speed harness: our engine against the naive Whoosh + jieba baseline, same corpus, one run.

    python benchmarks/run.py --sizes 1 20 [--json OUT] [--quick]

For each size (MB) it generates a corpus (benchmarks/corpus.py, cached under
benchmarks/corpus/) and measures, for ours and for the baseline (Whoosh 2.7.4 with
``jieba.analyse.ChineseAnalyzer``, one stored TEXT field, the default single writer, one
document per blank-line-separated block of each file: the naive paragraph, so both
engines answer with paragraphs): build MB/s, peak RSS of the build process, index size /
text size, warm query latency p50/p95 over a fixed mix, hits versus a plain substring
scan for substring queries (the recall gap), and, for ours, the cold start of the CLI
and the server on loopback (throughput and peak RSS under benchmarks/load.py's mix). It
prints a table with ours/baseline ratios and writes JSON. Times are wall-clock on a
shared machine: compare the ratios of one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402
from benchmarks.load import serve_and_load  # noqa: E402

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


def timed_child(args: list[str]) -> tuple[float, int, str]:
    """Run a child process; its wall time, peak RSS (KiB) and output."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 3):
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


def _latencies(run: Any, queries: list[str], repeat: int) -> list[float]:
    times = []
    for query in queries:
        run(query)  # warm-up
        for _ in range(repeat):
            started = time.perf_counter()
            run(query)
            times.append((time.perf_counter() - started) * 1000)
    return times


def _query_ours(index_dir: str, repeat: int) -> None:
    from indexer.api import PolicyIndex

    ix = PolicyIndex.open(index_dir)
    mix = [q for qs in QUERIES.values() for q in qs]
    times = _latencies(lambda q: ix.search(q, limit=10), mix, repeat)
    hits = {q: ix.search(q, limit=None, literal=True).total for q in SUBSTRINGS}
    print(json.dumps({"times": times, "hits": hits}))


def _query_baseline(index_dir: str, repeat: int) -> None:
    from whoosh import index
    from whoosh.qparser import QueryParser

    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    parser = QueryParser("content", ix.schema)
    mix = [q for qs in QUERIES.values() for q in qs]
    times = _latencies(lambda q: searcher.search(parser.parse(q), limit=10), mix, repeat)
    hits = {q: len(searcher.search(parser.parse(q), limit=None)) for q in SUBSTRINGS}
    print(json.dumps({"times": times, "hits": hits}))


# ---- the harness ----------------------------------------------------------------------


def grep_counts(corpus: Path) -> dict[str, dict[str, int]]:
    """Our paragraphs and the baseline's blocks containing each substring, whitespace
    ignored: the truth each engine's hits are held to."""
    from analyzers.normalize import compact
    from indexer.document import parse_document

    counts: dict[str, dict[str, int]] = {"ours": {}, "base": {}}
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        units = {
            "ours": [compact(p.text)[0] for p in parse_document(path.name, text).paragraphs],
            "base": [compact(block)[0] for block in naive_paragraphs(text)],
        }
        for engine, keys in units.items():
            for q in SUBSTRINGS:
                found = sum(1 for k in keys if compact(q)[0] in k)
                counts[engine][q] = counts[engine].get(q, 0) + found
    return counts


def percentile(values: list[float], p: int) -> float:
    return round(statistics.quantiles(values, n=100)[p - 1], 2) if len(values) > 1 else 0.0


def measure(size: float, repeat: int) -> dict[str, Any]:
    corpus = corpus_dir(size)
    megabytes = corpus_bytes(corpus) / 2**20
    me = [sys.executable, str(Path(__file__).resolve())]
    row: dict[str, Any] = {"mb": round(megabytes, 2), "files": len(list(corpus.glob("*.txt")))}
    with tempfile.TemporaryDirectory() as tmp:
        ours, base = Path(tmp) / "ours", Path(tmp) / "baseline"
        build = [sys.executable, "-m", "indexer.cli", "--index", str(ours), "index", str(corpus)]
        seconds, rss, _ = timed_child(build)
        row["ours_build_mbps"], row["ours_rss_mb"] = (
            round(megabytes / seconds, 3),
            round(rss / 1024),
        )
        seconds, rss, _ = timed_child([*me, "_baseline_build", str(base), str(corpus)])
        row["base_build_mbps"], row["base_rss_mb"] = (
            round(megabytes / seconds, 3),
            round(rss / 1024),
        )
        row["ours_size_ratio"] = round(du(ours) / corpus_bytes(corpus), 2)
        row["base_size_ratio"] = round(du(base) / corpus_bytes(corpus), 2)
        for name, index_dir in (("ours", ours), ("base", base)):
            _, _, out = timed_child([*me, f"_query_{name}", str(index_dir), str(repeat)])
            data = json.loads(out)
            row[f"{name}_p50_ms"] = percentile(data["times"], 50)
            row[f"{name}_p95_ms"] = percentile(data["times"], 95)
            row[f"{name}_substring_hits"] = data["hits"]
        cold = [timed_child([*build[:5], "search", "三个一批"])[0] for _ in range(3)]
        row["ours_cold_query_s"] = round(statistics.median(cold), 2)
        for key, cache in (("ours_server", 0), ("ours_server_cached", None)):
            load = serve_and_load(
                ours,
                clients=4,
                requests=200 * repeat,
                max_seconds=120,
                threads=4,
                result_cache=cache,
            )
            row[key] = {
                k: load[k]
                for k in ("throughput_rps", "p50_ms", "p95_ms", "non_2xx", "server_peak_rss_mb")
            }
    row["grep"] = grep_counts(corpus)
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    metrics = [
        ("build MB/s", "build_mbps"),
        ("peak RSS MB", "rss_mb"),
        ("index/text", "size_ratio"),
        ("query p50 ms", "p50_ms"),
        ("query p95 ms", "p95_ms"),
    ]
    for row in rows:
        print(f"\n{row['mb']} MB, {row['files']} files")
        print(f"  {'metric':<14}{'ours':>10}{'baseline':>10}{'ours/base':>11}")
        for label, key in metrics:
            ours, base = row[f"ours_{key}"], row[f"base_{key}"]
            ratio = f"{ours / base:.2f}" if base else "-"
            print(f"  {label:<14}{ours:>10}{base:>10}{ratio:>11}")
        print(f"  cold CLI query: {row['ours_cold_query_s']} s")
        for key, label in (("ours_server", "no result cache"), ("ours_server_cached", "cached")):
            server = row[key]
            print(
                f"  server on loopback, {label}: {server['throughput_rps']} req/s,"
                f" p50 {server['p50_ms']} ms, p95 {server['p95_ms']} ms,"
                f" peak RSS {server['server_peak_rss_mb']} MB, {server['non_2xx']} non-2xx"
            )
        truth = row["grep"]
        for q in SUBSTRINGS:
            print(
                f"  {q}: ours {row['ours_substring_hits'][q]}/{truth['ours'][q]} paragraphs,"
                f" baseline {row['base_substring_hits'][q]}/{truth['base'][q]} blocks"
            )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        worker = {
            "_baseline_build": _baseline_build,
            "_query_ours": _query_ours,
            "_query_base": _query_baseline,
        }
        name, *args = sys.argv[1:]
        worker[name](*(int(a) if a.isdigit() else a for a in args))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 20])
    parser.add_argument("--quick", action="store_true", help="few query repetitions (smoke test)")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "out" / f"bench-{date.today()}.json"
    )
    args = parser.parse_args()
    rows = [measure(size, 1 if args.quick else 5) for size in args.sizes]
    print_table(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "date": str(date.today()),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "rows": rows,
    }
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
