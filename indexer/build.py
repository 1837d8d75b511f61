"""Files in, index out: incremental, and safe to interrupt.

A run parses every new or changed file first, so the jargon it teaches jieba is known
before any paragraph is tokenized; paragraphs already indexed that contain a newly
learned word are re-tokenized, so index-time and query-time segmentation always agree.
Everything is written in one Whoosh commit: a crash or Ctrl-C leaves the last commit
intact and searchable, and the next run simply does the work again.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh.index import Index, LockError
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from analyzers.normalize import match_key
from analyzers.segment import Segmenter, using
from indexer import codes, expanding, firsts, grams, tally, wordtable
from indexer import progress as progress_bars
from indexer.bulk import BulkWriter, commit_segments, discard, drop_segments, live_records
from indexer.errors import CannotRepair, ReaderError, UsageError
from indexer.faults import LOCK_HELD, crash_point
from indexer.ingest.document import parse_document
from indexer.ingest.entries import bare
from indexer.ingest.overrides import (
    SIDECAR_SUFFIX,
    Overrides,
    apply_hints,
    apply_overrides,
    overrides_for,
)
from indexer.ingest.readers import max_file_bytes, read_with_meta
from indexer.ledger import LedgerWriter, remove_runs
from indexer.lexicon import Counts, count_words
from indexer.matching import Matcher
from indexer.paragraph_record import REPORT_FIELDS
from indexer.parallel import IndexWorkers, return_freed_memory, spill, unspilled
from indexer.query import AnyOf, Literal
from indexer.records import COMPOUND, Brief, Source, add_document, add_paragraph
from indexer.schema import (
    ABBREVIATIONS,
    ABBREVIATIONS_ID,
    DICTIONARY,
    DICTIONARY_ID,
    DOCUMENT,
    EXPANSIONS,
    EXPANSIONS_ID,
    GLOSSARY_ENTRY,
    LEDGER,
    LEDGER_ID,
    RESOLVED,
    RESOLVED_ID,
    SCHEMA_VERSION,
    build_schema,
    document_id,
)
from indexer.snapshot import Snapshot
from indexer.storage import (
    MappedStorage,
    lock_noted,
    locked_error,
    require_writable,
    swap_directories,
    tidy,
    write_error,
    write_lock,
)
from indexer.store import (
    RUN_DAMAGE,
    WORD_TABLE_DAMAGE,
    is_index,
    load_abbreviation_pairs,
    load_segmenter,
    open_ledger,
    open_whoosh,
)

PARALLEL_FROM = 4  # documents per worker process: below that, one process indexes the run
MAX_PROCS = 4


@dataclass
class IndexReport:
    """What one ``index`` run did, file by file."""

    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retokenized: int = 0
    paragraphs: int = 0
    new_words: int = 0

    def summary(self) -> str:
        return (
            f"indexed {len(self.indexed)} file(s) ({self.paragraphs} paragraphs), "
            f"unchanged {len(self.unchanged)}, skipped {len(self.failed)}, "
            f"removed {len(self.removed)}; {self.new_words} new dictionary word(s), "
            f"{self.retokenized} indexed paragraph(s) re-tokenized"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "indexed": self.indexed,
            "unchanged": self.unchanged,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "removed": self.removed,
            "paragraphs": self.paragraphs,
            "retokenized_paragraphs": self.retokenized,
            "new_words": self.new_words,
        }


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named directly and every file under named folders (sorted, unique).

    Files of unsupported types are kept, so the run reports them as skipped; hidden
    files and metadata sidecars (``*.meta.json``) are not documents and are left out.
    """
    files: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _is_document(p, path))
            files.update(dict.fromkeys(p.resolve() for p in found))
        else:
            files[path.resolve()] = None
    return list(files)


def _is_document(path: Path, root: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and not path.name.endswith(SIDECAR_SUFFIX)


def update_index(
    index_dir: Path,
    paths: list[Path],
    *,
    rebuild: bool = False,
    prune: bool = False,
    progress: bool | None = None,
    meta: dict[str, Overrides] | None = None,
) -> IndexReport:
    """Bring the index at ``index_dir`` up to date with the files under ``paths``.

    ``meta`` supplies or corrects metadata by file name or path (see ``overrides``).
    A full disk or a directory that cannot be written to stops the run with one line
    (``IndexWriteError``); the index keeps its last commit.
    """
    files = collect_files(paths)
    try:
        require_writable(index_dir)
        if rebuild and is_index(index_dir):
            return _rebuild(index_dir, files, prune=prune, progress=progress, meta=meta)
        if not is_index(index_dir):
            index_dir.mkdir(parents=True, exist_ok=True)
            MappedStorage(str(index_dir)).create_index(build_schema()).close()
        ix = open_whoosh(index_dir)
        try:
            return _update(ix, files, prune=prune, progress=progress, meta=meta or {})
        finally:
            ix.close()
    except OSError as exc:
        raise write_error(exc, index_dir) from None


def _rebuild(index_dir: Path, files: list[Path], **options: Any) -> IndexReport:
    """Build a fresh index beside the old one, then swap: the old one serves until then,
    and the swap is one atomic exchange of the two folders where the system has one."""
    with write_lock(index_dir):  # no update may commit to the index being replaced
        fresh = index_dir.with_name(index_dir.name + ".rebuilding")
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            report = update_index(fresh, files, **options)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)  # its space back, on a full disk too
            raise
        swap_directories(fresh, index_dir)
        shutil.rmtree(fresh, ignore_errors=True)  # the old index, now
    return report


def repair_index(index_dir: Path, damaged: set[str], progress: bool | None = None) -> IndexReport:
    """Re-index, from their source files, the reports that have records in the damaged
    segments ``damaged`` (segment ids, from ``store.check_index``), and commit the index
    without those segments: the rest stays as it is. Refused (``CannotRepair``) if a
    damaged segment holds the dictionary or the lexicon, or a report whose source file
    is gone or no longer the file that was indexed — then only ``index --rebuild`` can.
    The word totals stay exact: the same files, cut with the same dictionary, count the
    same words."""
    runs = sorted(key[len(RUN_DAMAGE) :] for key in damaged if key.startswith(RUN_DAMAGE))
    if runs:  # a table holds the whole corpus's counts: no report alone can restore them
        raise CannotRepair(f"the corpus's table file {runs[0]} is damaged; {_REBUILD}")
    try:
        require_writable(index_dir)
        for key in sorted(k for k in damaged if k.startswith(WORD_TABLE_DAMAGE)):
            # jieba's dictionary alone makes it: written again, whole
            name = key[len(WORD_TABLE_DAMAGE) :]
            wordtable.write_table(MappedStorage(str(index_dir)), name)
            damaged = damaged - {key}
        if not damaged:
            return IndexReport()
        ix = open_whoosh(index_dir)
        try:
            sources = _repair(ix, damaged, progress)
        finally:
            ix.close()
    except OSError as exc:
        raise write_error(exc, index_dir) from None
    report = IndexReport(indexed=[str(s.path) for s in sources])
    report.paragraphs = sum(len(s.parsed.paragraphs) for s in sources)
    return report


def _repair(ix: Index, damaged: set[str], progress: bool | None) -> list[Source]:
    with ix.searcher() as searcher:
        committed = load_segmenter(searcher)
        records = _damaged_records(searcher, damaged)
    with using(committed):
        sources = [_source_again(doc, record) for doc, record in sorted(records.items())]
        writer = BulkWriter(ix, before_commit=_segment_files, watch=firsts.WATCH, compound=COMPOUND)
        try:
            with lock_noted(Path(ix.storage.folder)):
                drop_segments(writer, damaged)
                for source in sources:
                    writer.delete_by_term("doc", source.doc)  # its records elsewhere
                _index_here(writer, [Brief.of(s) for s in sources], progress)
            commit_segments(writer, [])
        except BaseException:
            discard(writer)
            raise
    return sources


_REBUILD = "repair it with `policy-search index --rebuild PATHS`"


def _damaged_records(searcher: Searcher, damaged: set[str]) -> dict[str, dict[str, Any] | None]:
    """Each report with a record in a damaged segment: its document record (read from
    the damaged segment where it is readable there, else from the intact one holding
    it), or None if none does."""
    records: dict[str, dict[str, Any] | None] = {}
    intact = []
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        segment = reader.segment().segment_id()
        if segment not in damaged:
            intact.append(leaf)
            continue
        try:
            for doc, fields in live_records(reader):
                if fields and fields.get("kind") == DOCUMENT:
                    records[doc] = fields["data"]
                else:
                    records.setdefault(doc, None)
        except Exception as exc:  # noqa: BLE001 - whatever a damaged file raises
            raise CannotRepair(f"segment {segment} cannot be read at all; {_REBUILD}") from exc
        if "" in records:  # the dictionary, lexicon and word totals have no report
            raise CannotRepair(f"segment {segment} holds the index's dictionary; {_REBUILD}")
    for doc in [doc for doc, record in records.items() if record is None]:
        found = (leaf.document(kind=DOCUMENT, doc=doc) for leaf in intact)
        records[doc] = next((rec["data"] for rec in found if rec), None)
    return records


def _source_again(doc: str, record: dict[str, Any] | None) -> Source:
    """The report ``doc`` read again from its source file, which must be the one indexed."""
    if record is None:
        raise CannotRepair(f"the record of {doc} is damaged too; {_REBUILD}")
    kind, path, found = _read_one((Path(record["path"]), doc, None))
    if kind != "source" or found.sha256 != record.get("sha256"):
        why = found if kind == "failed" else "it has changed since it was indexed"
        raise CannotRepair(f"cannot re-index {doc} from {path} ({why}); {_REBUILD}")
    return found


def _update(ix: Index, files: list[Path], **options: Any) -> IndexReport:
    # The committed dictionary cuts everything this run does, parsing included (the
    # cleaner asks it where words run across line breaks), and what it learns on the way.
    with ix.searcher() as searcher:
        committed = load_segmenter(searcher)
    with using(committed) as segmenter:
        return _update_with(segmenter, ix, files, **options)


def _update_with(segmenter: Segmenter, ix: Index, files: list[Path], **options: Any) -> IndexReport:
    # The writer processes are forked before the documents are read (``IndexWorkers``),
    # if the files are enough for them; whether the changed ones are is seen after.
    procs = _processes(len(files))
    workers = IndexWorkers(ix, procs) if procs > 1 else None
    try:
        return _update_run(segmenter, ix, files, workers, **options)
    finally:
        if workers is not None:
            workers.close()


def _update_run(
    segmenter: Segmenter,
    ix: Index,
    files: list[Path],
    workers: IndexWorkers | None,
    *,
    prune: bool,
    progress: bool | None,
    meta: dict[str, Overrides],
) -> IndexReport:
    report = IndexReport()
    with ix.searcher() as searcher:
        known = _known(searcher, files, prune)
        resolved = searcher.document(id=RESOLVED_ID)
        pairs = load_abbreviation_pairs(searcher)
        ledger = open_ledger(searcher, Path(ix.storage.folder))
    spill = workers.spill if workers is not None else None
    briefs = _read_changed(files, known, report, progress, meta, spill)
    removed = [
        doc for doc, rec in known.items() if prune and not Path(rec["data"]["path"]).exists()
    ]
    new_words = _learn(segmenter, briefs)
    report.new_words = len(new_words)
    index_dir = Path(ix.storage.folder)
    if not briefs and not removed and not new_words:
        ledger.close()
        tidy(index_dir)
        return report
    try:
        writer = BulkWriter(ix, before_commit=_segment_files, watch=firsts.WATCH, compound=COMPOUND)
    except LockError:
        ledger.close()
        raise locked_error(index_dir) from None
    tables = LedgerWriter(ledger, writer.generation, writer.storage.create_file)
    try:
        with lock_noted(index_dir):
            crash_point(LOCK_HELD)
            changed = {b.doc for b in briefs} | set(removed)
            retokenized = _retokenize(ix, writer, new_words, skip=changed)
            report.retokenized = sum(len(texts) for texts, _ in retokenized.values())
            delta: Counts = Counter()  # what the commit changes in the corpus's word counts
            stale = sorted(changed & set(known))  # documents whose counts come off
            relearned = new_words and (stale or retokenized)
            with ix.searcher() as searcher:
                before = load_segmenter(searcher) if relearned else segmenter  # committed
                snapshot = Snapshot(searcher) if stale else None
                for doc in stale:
                    # What the totals hold for it: its stored paragraphs, counted as committed.
                    texts, terms = _stored_texts(snapshot, doc)
                    delta.subtract(count_words(texts, before, terms))
            for texts, terms in retokenized.values():
                # Only the re-tokenized paragraphs may be cut differently now: their counts
                # under the new dictionary replace those under the old one.
                delta.update(count_words(texts, segmenter, terms))
                delta.subtract(count_words(texts, before, terms))
            for doc in removed:
                writer.delete_by_term("doc", doc)
                report.removed.append(doc)
            for brief in briefs:
                writer.delete_by_term("doc", brief.doc)
                report.indexed.append(str(brief.path))
                report.paragraphs += brief.paragraphs
            lists = {brief.doc: brief.lists for brief in briefs}
            procs = _processes(len(briefs))  # as many workers as were forked, or fewer
            if workers is not None and procs > 1:
                taught = [(word, segmenter.user_words[word]) for word in new_words]
                segments, words = workers.index(briefs, taught, procs, progress)
            else:
                segments, words = [], _index_here(writer, briefs, progress)
                briefs.clear()  # the parsed documents of a run written here
                return_freed_memory()
            delta.update(words)
            pairs = tally.record(
                tables, delta, new_words, segmenter.user_words, segmenter.is_known, pairs
            )
            writer.update_document(id=ABBREVIATIONS_ID, kind=ABBREVIATIONS, data={"pairs": pairs})
            state, entries = expanding.update(
                tables,
                resolved["data"] if resolved else {},
                changed,
                lists,
                segmenter.words,
            )
            writer.update_document(id=RESOLVED_ID, kind=RESOLVED, data=state)
            writer.update_document(id=EXPANSIONS_ID, kind=EXPANSIONS, data={"entries": entries})
            writer.update_document(id=LEDGER_ID, kind=LEDGER, data={"tables": tables.manifest})
            writer.update_document(
                id=DICTIONARY_ID,
                kind=DICTIONARY,
                data={
                    "schema": SCHEMA_VERSION,
                    "words": list(segmenter.user_words.items()),
                    "surplus": segmenter.surplus,
                    **wordtable.record_fields(index_dir, writer.storage, segmenter),
                },
            )
        commit_segments(writer, segments)
    except BaseException:
        discard(writer)  # a full disk gets its space back at once
        raise
    finally:
        tables.close()
        ledger.close()
    # The runs this commit and the one before it name: a reader may have just opened that.
    remove_runs(index_dir, keep=tables.files | ledger.files)
    wordtable.remove_others(index_dir, keep={wordtable.table_name()})
    return report


def _processes(documents: int) -> int:
    """Processes for a run of ``documents``: one per core, at most ``MAX_PROCS``, each
    with ``PARALLEL_FROM`` documents or more."""
    return min(os.cpu_count() or 1, MAX_PROCS, documents // PARALLEL_FROM)


def _segment_files(storage: Any, schema: Any, segments: list[Any]) -> None:
    """What the query path maps of each segment a commit names, for those without it:
    its codes and its grams (a worker writes its segments' grams itself)."""
    codes.write_missing(storage, schema, segments)
    grams.write_missing(storage, schema, segments)


def _index_here(writer: IndexWriter, briefs: list[Brief], progress: bool | None) -> Counts:
    """Write the documents of ``briefs`` here (read back one at a time if spilled); their
    word counts, summed for the lexicon."""
    words: Counts = Counter()
    with progress_bars.bar("indexing", sum(b.size for b in briefs), progress) as bar:
        for brief in briefs:
            (source,) = [brief.source] if brief.source else unspilled([brief.spilled])
            words.update(add_document(writer, source))
            bar.update(brief.size)
    return words


def _read_changed(
    files: list[Path],
    known: dict[str, Any],
    report: IndexReport,
    progress: bool | None,
    meta: dict[str, Overrides],
    spill: Path | None,
) -> list[Brief]:
    """Read and parse the files whose content is new to the index, in worker processes
    when there are enough of them (parsing and cleaning cost about a second per MB);
    with a ``spill`` folder (the writer processes'), each parsed document is written
    there by the process that parsed it, and only its brief comes back."""
    jobs: list[tuple[Path, str, str | None]] = []
    taken: dict[str, Path] = {}
    for path in files:
        doc = _doc_id(path, taken, known)
        taken[doc] = path
        jobs.append((path, doc, known[doc]["data"].get("sha256") if doc in known else None))
    global _read_options, _read_spill
    _read_options, _read_spill = meta, spill
    procs = _processes(len(jobs))
    briefs: list[Brief] = []
    with progress_bars.bar("reading", sum(_size(p) for p in files), progress) as bar:
        if procs > 1:
            with multiprocessing.get_context("fork").Pool(procs) as pool:
                outcomes = list(_gather(pool.imap(_read_brief, jobs, chunksize=4), bar))
        else:
            outcomes = list(_gather(map(_read_brief, jobs), bar))
    for kind, path, found in outcomes:
        if kind == "source":
            briefs.append(found)
        elif kind == "unchanged":
            report.unchanged.append(str(path))
        else:
            report.failed.append((str(path), found))
    return briefs


# The run's metadata and spill folder, inherited by forked readers.
_read_options: dict[str, Overrides] = {}
_read_spill: Path | None = None


def _gather(outcomes: Iterator[tuple[str, Path, Any]], bar: Any) -> Iterator[Any]:
    for outcome in outcomes:
        bar.update(_size(outcome[1]))
        yield outcome


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_brief(job: tuple[Path, str, str | None]) -> tuple[str, Path, Any]:
    """``_read_one``, with a parsed document's ``Brief`` (spilled if the run spills)."""
    kind, path, found = _read_one(job)
    if kind != "source":
        return kind, path, found
    return kind, path, Brief.of(found, spill(found, _read_spill) if _read_spill else None)


def _read_one(job: tuple[Path, str, str | None]) -> tuple[str, Path, Any]:
    """Read and parse one file: ``("source", path, source)``, or ``("unchanged", path,
    None)`` if its content is indexed already, or ``("failed", path, reason)``."""
    path, doc, indexed_sha256 = job
    try:
        if path.stat().st_size > max_file_bytes():  # refuse before reading it all
            read_with_meta(path)
        data = path.read_bytes()
        overrides = overrides_for(path, _read_options)
    except OSError as exc:
        return "failed", path, exc.strerror or str(exc)
    except ReaderError as exc:
        return "failed", path, str(exc)
    digest = hashlib.sha256(data)
    digest.update(json.dumps(overrides, sort_keys=True, ensure_ascii=False).encode())
    sha256 = digest.hexdigest()  # a corrected sidecar re-indexes the file
    if sha256 == indexed_sha256:
        return "unchanged", path, None
    try:
        read = read_with_meta(path)
    except ReaderError as exc:
        return "failed", path, str(exc)
    parsed = parse_document(doc, read.text)
    parsed = replace(parsed, meta=apply_overrides(apply_hints(parsed.meta, read.meta), overrides))
    if not parsed.paragraphs:
        return "failed", path, "no text found"
    return "source", path, Source(path, doc, sha256, parsed, len(data))


def _known(searcher: Searcher, files: list[Path], every: bool) -> dict[str, Any]:
    """The document records of the reports ``files`` may be (a file's name, or its folder
    and name): adding a report to thousands reads a few, not all; ``every`` reads all
    (to find the reports whose files are gone)."""
    if every:
        return {rec["doc"]: rec for rec in searcher.documents(kind=DOCUMENT)}
    names = {name for path in files for name in (path.name, f"{path.parent.name}/{path.name}")}
    found = (searcher.document(id=document_id(name)) for name in sorted(names))
    return {rec["doc"]: rec for rec in found if rec}


def _doc_id(path: Path, taken: dict[str, Path], known: dict[str, Any]) -> str:
    """The file name; with its folder when another live file already has that name."""
    doc = path.name
    other = taken.get(doc) or (Path(known[doc]["data"]["path"]) if doc in known else None)
    if other is not None and other != path and other.exists():
        doc = f"{path.parent.name}/{path.name}"
    return doc


def _learn(segmenter: Segmenter, briefs: list[Brief]) -> list[str]:
    return [w for b in briefs for w in b.jargon if segmenter.learn(w)]


def _retokenize(
    ix: Index, writer: IndexWriter, words: list[str], skip: set[str]
) -> dict[str, tuple[list[str], list[str]]]:
    """Re-add stored paragraphs that contain a newly learned word, with the new dictionary.

    Returns, for each document touched, the texts of those paragraphs and the
    document's glossary terms, to recount their words.
    """
    if not words:
        return {}
    touched: dict[str, list[str]] = {}
    with ix.searcher() as searcher:
        snapshot = Snapshot(searcher)
        node = AnyOf(tuple(Literal(match_key(w)) for w in words))
        for docnum in Matcher(snapshot).match(node).docs.tolist():
            hit = snapshot.stored_fields(docnum)
            if hit["doc"] in skip:
                continue
            writer.delete_document(docnum)  # the writer numbers the commit's records alike
            report = {name: hit[name] for name in REPORT_FIELDS if name in hit}
            section = (hit["section"], searcher.stored_fields(docnum).get("section", 0))
            add_paragraph(writer, report, hit["n"], hit["heading"], section, hit["text"])
            touched.setdefault(hit["doc"], []).append(hit["text"])
        return {
            doc: (texts, _glossary_terms(searcher, doc)) for doc, texts in sorted(touched.items())
        }


def _stored_texts(snapshot: Snapshot, doc: str) -> tuple[list[str], list[str]]:
    """A document's indexed paragraph texts and glossary terms: what its word counts were
    computed from (``doc_words``)."""
    texts = [p["text"] for p in snapshot.paragraph_records(snapshot.paragraphs_of(doc))]
    return texts, _glossary_terms(snapshot.searcher, doc)


def _glossary_terms(searcher: Searcher, doc: str) -> list[str]:
    return [bare(g["data"]["term"]) for g in searcher.documents(doc=doc, kind=GLOSSARY_ENTRY)]
