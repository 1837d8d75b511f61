"""Forked writer processes: an index run's documents tokenized and written as segments
on every core, committed by the parent in one commit."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import queue
import signal
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from whoosh.index import Index

from indexer import firsts
from indexer import progress as progress_bars
from indexer.bulk import BulkWriter, abandon_segment, finish_segment
from indexer.errors import PolicySearchError
from indexer.faults import SEGMENT_WRITTEN, crash_point
from indexer.lexicon import Counts
from indexer.records import COMPOUND, Source, add_document
from indexer.storage import SPILL_PREFIX

WORKER_CHECK_SECONDS = 1.0  # how often the parent checks that silent workers are alive
SEGMENT_BYTES = 64 << 20  # source text per segment a worker writes: bounds its memory


def index_in_workers(
    ix: Index, sources: list[Source], procs: int, progress: bool | None
) -> tuple[list[Any], Counts]:
    """Tokenize and write the sources in ``procs`` forked processes, a segment each;
    takes the sources (the list is empty when it returns).

    Each worker's share of the parsed sources goes to a file in the index directory,
    and the parent lets go of them before forking: a forked child maps all of its
    parent's memory (its RSS counts it, and reference counts and the collector copy
    the pages they touch), so workers forked with the whole parsed corpus each held it
    (3.8 GiB at 1 GB, 2.6 of it the parent's documents). Each loads its own share, and
    inherits the segmenter with this run's new words; it reports the bytes it has done
    (for the progress bar) and sends back each finished segment with its documents'
    word counts, which the parent adds up as they come. The parent's writer holds the
    lock and commits their segments with its own, in one commit (as Whoosh's
    ``MpWriter`` does).
    """
    global _writer_parent
    _writer_parent = os.getpid()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    total = sum(s.size for s in sources)
    spill = tempfile.TemporaryDirectory(prefix=SPILL_PREFIX, dir=ix.storage.folder)
    shares = _spilled(_shares(sources, procs), Path(spill.name))
    sources.clear()
    return_freed_memory()
    workers = [
        context.Process(target=_worker, args=(ix, share, number, results), daemon=True)
        for number, share in enumerate(shares)
    ]
    bar = progress_bars.bar("indexing", total, progress)
    try:
        for worker in workers:
            worker.start()
        segments, words, finished = [], Counter(), 0
        while finished < len(workers):
            try:
                kind, outcome = results.get(timeout=WORKER_CHECK_SECONDS)
            except queue.Empty:
                _require_alive(workers)
                continue
            if kind == "failed":
                message, code, filename = outcome
                if code is not None:  # a full disk, a read-only one: reported as such
                    raise OSError(code, os.strerror(code), filename)
                raise PolicySearchError(f"an indexing process failed: {message}")
            if kind == "done":
                bar.update(outcome)
            elif kind == "segment":
                segments.append(outcome)  # (worker, segment number, segment)
            elif kind == "words":
                words.update(outcome)
            else:
                finished += 1
        for worker in workers:
            worker.join()
        segments = [segment for *_, segment in sorted(segments, key=lambda s: s[:2])]
    finally:
        bar.close()
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join()  # gone before the parent deletes what the run wrote
        spill.cleanup()
    return segments, words


def return_freed_memory() -> None:
    """Give the system back the free pages of the C heap (glibc's ``malloc_trim``; a
    no-op elsewhere): freed paragraph texts leave holes that later, larger blocks do
    not reuse, which the process would otherwise keep resident."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)


def _require_alive(workers: list[Any]) -> None:
    """A worker that died without a word (killed, out of memory) fails the run instead
    of leaving the parent waiting for it forever."""
    for worker in workers:
        if worker.exitcode not in (None, 0):
            raise PolicySearchError(f"an indexing process died (exit code {worker.exitcode})")


def _shares(sources: list[Source], procs: int) -> list[list[Source]]:
    """Sources dealt to ``procs`` workers, largest first to the least loaded."""
    shares: list[list[Source]] = [[] for _ in range(procs)]
    loads = [0] * procs
    for source in sorted(sources, key=lambda s: -s.size):
        least = loads.index(min(loads))
        shares[least].append(source)
        loads[least] += source.size
    return [share for share in shares if share]


def _spilled(shares: list[list[Source]], folder: Path) -> list[Path]:
    """Each share of the sources pickled to a file of ``folder``."""
    paths = []
    for number, share in enumerate(shares):
        paths.append(folder / f"{number}.pickle")
        with open(paths[-1], "wb") as out:
            pickle.dump(share, out, protocol=pickle.HIGHEST_PROTOCOL)
    return paths


def _worker(ix: Index, share: Path, number: int, results: Any) -> None:
    """In a forked process: write the sources pickled in ``share`` to new segments of at
    most about
    ``SEGMENT_BYTES`` of text each (postings wait in memory until their segment is
    written); send each segment, numbered so that the commit orders them (and so
    document numbers) the same in every run, with its documents' word counts, then
    "finished", or the error. Counts go with each segment, not at the end: a worker's
    share of 1 GB counted whole held millions of entries in each worker, and again
    while the parent unpickled them (11.4 GB PSS at 1 GB)."""
    writer = None
    written = 0
    try:
        with open(share, "rb") as spilled:
            sources: list[Source] = pickle.load(spilled)
        words: Counts = Counter()
        size = 0
        for source in sources:
            if writer is None:
                writer, size = BulkWriter(ix, _lk=False, watch=firsts.WATCH, compound=COMPOUND), 0
            words.update(add_document(writer, source))
            size += source.size
            results.put(("done", source.size))
            if size >= SEGMENT_BYTES:
                results.put(("segment", (number, written, _finish(writer))))
                results.put(("words", words))
                writer, written, words = None, written + 1, Counter()
        if writer is not None:
            results.put(("segment", (number, written, _finish(writer))))
            results.put(("words", words))
        results.put(("finished", None))
    except BaseException as exc:
        if writer is not None:
            abandon_segment(writer)
        code, filename = (exc.errno, exc.filename) if isinstance(exc, OSError) else (None, None)
        results.put(("failed", (f"{type(exc).__name__}: {exc}", code, filename)))


def _finish(writer: BulkWriter) -> Any:
    """A worker's segment, written to its files (not yet part of any commit)."""
    segment = finish_segment(writer)
    crash_point(SEGMENT_WRITTEN)
    return segment


_writer_parent: int | None = None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a process forked by a parallel writer: die when the indexer dies.

    Forked writer processes inherit the index's write lock (an flock); orphaned by a
    killed indexer they would hold it forever and every later run would find the index
    "locked". Linux's parent-death signal ends them with their parent.
    """
    if _writer_parent is None:
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: nothing to arm
        return
    if os.getppid() != _writer_parent:  # the parent died before the signal was armed
        os._exit(1)


os.register_at_fork(after_in_child=_die_with_parent)
