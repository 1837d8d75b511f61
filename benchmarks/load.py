"""Bounded load test of `policy-search serve` on loopback.

    python benchmarks/load.py [--index DIR] [--clients 8] [--requests 2000] [--max-seconds 60]
                              [--result-cache N] [--workers N]

Starts the server on 127.0.0.1 (never another address), sends a fixed number of requests
from N concurrent clients over a fixed mix of valid queries, stops by itself when the
requests are done or the time is up, and reports throughput, latency percentiles, errors
and non-2xx answers, and the server's memory: the total PSS of its processes (master and
workers) and the master's peak RSS. Without --index it indexes the embedded seeds in a temp
dir first.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import write_report  # noqa: E402
from indexer.api import PolicyIndex  # noqa: E402

HOST = "127.0.0.1"
PATHS = [
    "/api/search?q=三个一批",
    "/api/search?q=优化 营商环境",
    "/api/search?q=工一批",
    "/api/search?q=sgyp",
    "/api/search?q=發展&region=新华区",
    '/api/search?q="1+17+N"',
    "/api/suggest?q=三个",
    "/api/glossary?term=13710",
    "/?q=六稳六保",
    "/doc/{doc}?q=三个一批",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def quoted(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&")


def get(port: int, path: str, timeout: float = 60) -> int:
    """One request's status, its body read."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            get(port, "/api/docs", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def run_load(
    port: int, paths: list[str], clients: int, requests: int, max_seconds: float
) -> dict[str, Any]:
    tickets = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < deadline:
            ticket = next(tickets)
            if ticket >= requests:
                break
            path = quoted(paths[ticket % len(paths)])
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{path}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "clients": clients,
        "requests": len(latencies) + len(errors),
        "seconds": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "errors": len(errors),
        "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 300),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "first_errors": errors[:5],
    }


def peak_rss_mb(pid: int) -> int:
    """A live process's peak resident set (Linux ``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (Linux ``/proc``)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo.extend(children.get(tree[-1], []))
    return tree


def tree_pss_mb(pid: int) -> float:
    """The proportional set size of ``pid`` and its descendants, in MiB: pages shared
    between them (forked workers, memory-mapped segments) are counted once in total."""
    kib = 0
    for member in process_tree(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        kib += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return round(kib / 1024, 1)


def serve_and_load(
    index_dir: Path,
    *,
    clients: int,
    requests: int,
    max_seconds: float,
    threads: int,
    result_cache: int | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """Start `policy-search serve --workers N` on loopback over ``index_dir``, load it,
    stop it; the report includes the seconds from starting the server to its first
    search answered (a search of the mix, right when it listens) and the server's
    memory after the load: the total PSS of its processes and the master's peak RSS.
    ``result_cache=0`` makes every request search (the query mix repeats, so the
    server's result cache would otherwise answer most)."""
    with PolicyIndex.open(index_dir) as ix:
        doc = ix.documents()[0]["doc"]
    paths = [path.format(doc=doc) for path in PATHS]
    port = free_port()
    command = [sys.executable, "-m", "indexer.cli", "--index", str(index_dir), "serve"]
    if result_cache is not None:
        command += ["--result-cache", str(result_cache)]
    started = time.perf_counter()
    server = subprocess.Popen(
        [*command, "--host", HOST, "--port", str(port), "--threads", str(threads)]
        + ["--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(port)
        if get(port, quoted(paths[0])) != 200:
            raise RuntimeError(f"the server failed {paths[0]}")
        first_answer = time.perf_counter() - started
        report = run_load(port, paths, clients, requests, max_seconds)
        report["start_to_first_answer_s"] = round(first_answer, 2)
        report["workers"] = workers
        report["server_pss_mb"] = tree_pss_mb(server.pid)
        report["server_peak_rss_mb"] = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=15)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--index", type=Path, help="an existing index (default: the seeds, indexed now)"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--result-cache",
        type=int,
        help="the server's result cache size (0: every request searches)",
    )
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            PolicyIndex.update(index_dir, [ROOT / "seeds"], progress=False)
        report = serve_and_load(
            index_dir,
            clients=args.clients,
            requests=args.requests,
            max_seconds=args.max_seconds,
            threads=args.threads,
            result_cache=args.result_cache,
            workers=args.workers,
        )
    for key, value in report.items():
        print(f"{key:>18}: {value}")
    if args.json:
        write_report(args.json, report)


if __name__ == "__main__":
    main()
