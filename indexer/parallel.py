"""Forked writer processes: an index run's documents tokenized and written as segments
on every core, committed by the parent in one commit."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import queue
import shutil
import signal
import tempfile
from collections import Counter
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path
from typing import Any, BinaryIO

from whoosh.index import Index

from analyzers.segment import active_segmenter
from indexer import firsts, grams
from indexer import progress as progress_bars
from indexer.bulk import BulkWriter, abandon_segment, finish_segment
from indexer.errors import PolicySearchError
from indexer.faults import SEGMENT_WRITTEN, crash_point
from indexer.lexicon import Counts
from indexer.records import COMPOUND, Brief, Source, add_document
from indexer.storage import SPILL_PREFIX

WORKER_CHECK_SECONDS = 1.0  # how often the parent checks that silent workers are alive
SEGMENT_BYTES = 64 << 20  # source text per segment a worker writes: bounds its memory


class IndexWorkers:
    """Writer processes forked at the start of a run, before it reads its documents,
    that tokenize and write the run's sources, a segment each at a time.

    A forked child maps all of its parent's memory (its RSS counts it, and reference
    counts and the collector copy the pages they touch): workers forked once the
    parent had parsed the run each held the whole parsed corpus (3.8 GiB at 1 GB, 2.6 of
    it the parent's documents), and freed objects do not give their pages back, to the
    workers or to the parent. So they are forked first, from a parent that holds the
    index's records only, and the parent never holds the parsed documents: the reader
    processes write each one to their own file of the run's spill folder (``spill``)
    and send the parent its ``Brief``. When all are read, the parent deals each worker
    its share of the places and the words this run taught the segmenter. Each
    reports the bytes it has done (for the progress bar) and sends back each finished
    segment with its documents' word counts, which the parent adds up as they come. The
    parent's writer holds the lock and commits their segments with its own, in one
    commit (as Whoosh's ``MpWriter`` does).
    """

    def __init__(self, ix: Index, procs: int) -> None:
        global _writer_parent
        _writer_parent = os.getpid()
        context = multiprocessing.get_context("fork")
        self.ix = ix
        self.spill = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX, dir=ix.storage.folder))
        self.results = context.Queue()
        self.tasks = [context.SimpleQueue() for _ in range(procs)]
        self.workers = [
            context.Process(target=_worker, args=(ix, number, tasks, self.results), daemon=True)
            for number, tasks in enumerate(self.tasks)
        ]
        for worker in self.workers:
            worker.start()

    def index(
        self,
        briefs: list[Brief],
        taught: list[tuple[str, int]],
        procs: int,
        progress: bool | None,
    ) -> tuple[list[Any], Counts]:
        """Write the spilled documents of ``briefs`` in ``procs`` of the workers (the
        others end). ``taught``: the words (and frequencies) this run's segmenter
        learned, in the order it learned them."""
        shares = _shares(briefs, procs)
        for tasks, share in zip_longest(self.tasks, shares):
            tasks.put(None if share is None else ([b.spilled for b in share], taught))
        try:
            with progress_bars.bar("indexing", sum(b.size for b in briefs), progress) as bar:
                return self._gather(len(shares), bar)
        finally:
            self._end()  # gone before the parent deletes what the run wrote

    def _gather(self, working: int, bar: Any) -> tuple[list[Any], Counts]:
        segments, words, finished = [], Counter(), 0
        while finished < working:
            try:
                kind, outcome = self.results.get(timeout=WORKER_CHECK_SECONDS)
            except queue.Empty:
                _require_alive(self.workers)
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
        for worker in self.workers:
            worker.join()
        return [segment for *_, segment in sorted(segments, key=lambda s: s[:2])], words

    def _end(self) -> None:
        """End the workers still running: those given nothing, those a failure cut short."""
        for worker in self.workers:
            if worker.is_alive():
                worker.kill()
                worker.join()

    def close(self) -> None:
        self._end()
        for tasks in self.tasks:
            tasks.close()
        self.results.close()
        shutil.rmtree(self.spill, ignore_errors=True)


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


def _shares(briefs: list[Brief], procs: int) -> list[list[Brief]]:
    """Documents dealt to ``procs`` workers, largest first to the least loaded."""
    shares: list[list[Brief]] = [[] for _ in range(procs)]
    loads = [0] * procs
    for brief in sorted(briefs, key=lambda b: -b.size):
        least = loads.index(min(loads))
        shares[least].append(brief)
        loads[least] += brief.size
    return [share for share in shares if share]


def spill(source: Source, folder: Path) -> tuple[str, int]:
    """``source`` pickled at the end of this process's file in ``folder`` (a reader's
    own: no two processes write one file); the file and where it starts. Pickled a
    document at a time: a share pickled whole, its memo of every object, took the
    parent 1.6 GB higher at 1 GB."""
    path = str(folder / f"{os.getpid()}.pickle")
    with open(path, "ab") as out:
        offset = out.seek(0, os.SEEK_END)
        pickle.dump(source, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path, offset


def unspilled(places: list[tuple[str, int]]) -> Iterator[Source]:
    """The documents ``spill`` wrote at ``places``, one at a time, in that order."""
    opened: dict[str, BinaryIO] = {}
    try:
        for path, offset in places:
            if path not in opened:
                opened[path] = open(path, "rb")  # noqa: SIM115 - closed below, all at once
            opened[path].seek(offset)
            yield pickle.load(opened[path])
    finally:
        for spilled in opened.values():
            spilled.close()


def _worker(ix: Index, number: int, tasks: Any, results: Any) -> None:
    """In a forked process: wait for a share of the run (``None``: nothing to do), teach
    the segmenter the run's new words, and write the sources pickled in the share to new
    segments of at most about ``SEGMENT_BYTES`` of text each (postings wait in memory
    until their segment is written); send each segment, numbered so that the commit
    orders them (and so document numbers) the same in every run, with its documents'
    word counts, then "finished", or the error. Counts go with each segment, not at the
    end: a worker's share of 1 GB counted whole held millions of entries in each worker,
    and again while the parent unpickled them (11.4 GB PSS at 1 GB)."""
    task = tasks.get()
    if task is None:
        return
    places, taught = task
    writer = None
    written = 0
    try:
        active_segmenter().add_words(taught)
        words: Counts = Counter()
        size = 0
        for source in unspilled(places):  # one at a time: a worker holds no more
            if writer is None:
                writer = BulkWriter(ix, _lk=False, watch=firsts.WATCH, compound=COMPOUND)
                size = 0
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
    grams.write_missing(writer.storage, writer.schema, [segment])  # here, not in the parent
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
