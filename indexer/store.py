"""The index as the search side reads it: opening it (checking its schema), the
dictionary it was segmented with, the abbreviations it learned, and its document and
glossary records.

Nothing here writes: searching imports this module, never the update pipeline
(``indexer.build``), which a test checks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.searching import Searcher

from analyzers.normalize import match_key
from analyzers.segment import Segmenter
from indexer import abbreviations, bulk, codes, firsts, grams, wordtable
from indexer.errors import IndexNotFound, PolicySearchError
from indexer.ingest.entries import EXPANSION
from indexer.ingest.labels import document_label
from indexer.ledger import Ledger, Run
from indexer.lookup import Glossary, GlossaryLookup, TermEntry, ordered
from indexer.schema import (
    ABBREVIATIONS_ID,
    DICTIONARY_ID,
    DOCUMENT,
    EXPANSIONS_ID,
    GLOSSARY_ENTRY,
    GLOSSARY_KEYS,
    LEDGER_ID,
    SCHEMA_VERSION,
    TABLES,
    build_schema,
)
from indexer.snapshot import Snapshot
from indexer.storage import MappedStorage


def is_index(index_dir: Path) -> bool:
    return index_dir.is_dir() and whoosh_index.exists_in(str(index_dir))


def require_index(index_dir: Path) -> None:
    """IndexNotFound, saying how to create one, unless there is an index at ``index_dir``."""
    if not is_index(index_dir):
        raise IndexNotFound(
            f"no index at {index_dir}; create one with "
            f"`policy-search index PATHS --index {index_dir}`"
        )


def check_index(index_dir: Path) -> tuple[dict[str, str], Counter[str]]:
    """Read everything the last commit holds, as ``git fsck`` reads every object: the
    damage found (by segment id, one line each naming its files; ``""`` when the commit
    itself cannot be read) and how much was read."""
    require_index(index_dir)
    problems: dict[str, str] = {}
    read: Counter[str] = Counter()
    try:
        ix = open_whoosh(index_dir)
    except PolicySearchError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to read the commit is damage
        reason = f"{type(exc).__name__}: {exc}"
        return {"": f"{index_dir}: the last commit cannot be read ({reason})"}, read
    try:
        with ix.searcher() as searcher:
            for leaf, _ in searcher.leaf_searchers():
                reader = leaf.reader()
                if not reader.doc_count_all():
                    continue
                read["segments"] += 1
                segment = reader.segment().segment_id()
                try:
                    read.update(bulk.check_segment(reader))
                    codes.verify(reader)
                    firsts.verify(reader)
                    grams.verify(reader)
                except Exception as exc:  # noqa: BLE001 - whatever a damaged file raises
                    files = index_dir / f"{segment}.*"
                    problems[segment] = f"{files}: damaged ({type(exc).__name__}: {exc})"
            problems.update(_check_runs(searcher, index_dir, read))
            problems.update(_check_word_table(searcher, index_dir, read))
    finally:
        ix.close()
    return problems, read


RUN_DAMAGE = "ledger:"  # a damaged run's key among ``check_index``'s problems


def _check_runs(searcher: Searcher, index_dir: Path, read: Counter[str]) -> dict[str, str]:
    """Read every run of the commit's tables; the damaged ones, by file name."""
    problems = {}
    for runs in _manifest(searcher).values():
        for name, _ in runs:
            try:
                run = Run(index_dir / name)
                run.verify()
                run.close()
            except Exception as exc:  # noqa: BLE001 - whatever a damaged file raises
                reason = f"{type(exc).__name__}: {exc}"
                problems[RUN_DAMAGE + name] = f"{index_dir / name}: damaged ({reason})"
                continue
            read["runs"] += 1
    return problems


WORD_TABLE_DAMAGE = "words:"  # a damaged word table's key among ``check_index``'s problems


def _check_word_table(searcher: Searcher, index_dir: Path, read: Counter[str]) -> dict[str, str]:
    """Read the word table the commit's dictionary names, if any."""
    record = searcher.document(id=DICTIONARY_ID)
    data = record["data"] if record else {}
    try:
        wordtable.verify(index_dir, data)
    except (OSError, ValueError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        return {
            WORD_TABLE_DAMAGE + data["table"]: f"{index_dir / data['table']}: damaged ({reason})"
        }
    read["word tables"] += bool(data.get("table"))
    return {}


def open_whoosh(index_dir: Path) -> Index:
    """Open an existing index, checking it was built by this schema version."""
    ix = MappedStorage(str(index_dir)).open_index()
    if ix.schema.names() != build_schema().names() or _schema_version(ix) != SCHEMA_VERSION:
        ix.close()
        raise PolicySearchError(
            f"the index at {index_dir} was built by another version; rebuild it with "
            "`policy-search index --rebuild PATHS`"
        )
    return ix


def _schema_version(ix: Index) -> int | None:
    with ix.searcher() as searcher:
        record = searcher.document(id=DICTIONARY_ID)
    return record["data"].get("schema") if record else SCHEMA_VERSION


def load_segmenter(
    searcher: Searcher, current: Segmenter | None = None, index_dir: Path | None = None
) -> Segmenter:
    """The segmenter with the user dictionary of the searcher's commit: ``current`` if
    it has that dictionary (a commit that learned no word), else a new one — cutting
    from the index's word table (``index_dir``'s) until it cuts much or learns."""
    record = searcher.document(id=DICTIONARY_ID)
    data = record["data"] if record else {}
    words = [(w, f) for w, f in data.get("words", ())]  # in the order they were taught
    surplus = data.get("surplus")
    if current is not None and current.user_words == dict(words) and current.surplus == surplus:
        return current
    route = None if index_dir is None else wordtable.open_route(index_dir, data, dict(words))
    return Segmenter(words, surplus, route)


def load_abbreviation_pairs(searcher: Searcher) -> list[tuple[str, str]]:
    """The ``(abbreviation, full form)`` pairs of the searcher's commit."""
    record = searcher.document(id=ABBREVIATIONS_ID)
    return [tuple(pair) for pair in record["data"]["pairs"]] if record else []


def load_abbreviations(searcher: Searcher) -> dict[str, tuple[str, ...]]:
    """Each form's other forms (``abbreviations.table``) at the searcher's commit."""
    return abbreviations.table(load_abbreviation_pairs(searcher))


def open_ledger(searcher: Searcher, index_dir: Path) -> Ledger:
    """The corpus's tables at the searcher's commit, their run files mapped."""
    return Ledger(index_dir, _manifest(searcher), TABLES)


def _manifest(searcher: Searcher) -> dict[str, list[list[Any]]]:
    """Each table's runs at the searcher's commit (the ledger record)."""
    record = searcher.document(id=LEDGER_ID)
    return record["data"]["tables"] if record else {}


def iter_glossary(searcher: Searcher, reports: Mapping[str, dict[str, Any]]) -> Iterator[TermEntry]:
    """Every glossary entry of the searcher's commit, then the expansions of its
    abbreviations, each with its report's metadata and label (``reports``)."""
    for rec in searcher.documents(kind=GLOSSARY_ENTRY):
        yield _definition(rec, reports)
    yield from _expansions(searcher, reports)


def _definition(rec: dict[str, Any], reports: Mapping[str, dict[str, Any]]) -> TermEntry:
    data = rec["data"]
    return TermEntry(
        term=data["term"],
        definition=rec["text"],
        aliases=tuple(data["aliases"]),
        keys=tuple(data["keys"]),
        doc=rec["doc"],
        title=rec.get("title", ""),
        region=rec.get("region", ""),
        year=rec.get("year"),
        date=rec.get("date", ""),
        paragraph=rec["n"],
        source=data["source"],
        label=reports.get(rec["doc"], {}).get("label") or rec["doc"],
    )


def _expansions(searcher: Searcher, reports: Mapping[str, dict[str, Any]]) -> Iterator[TermEntry]:
    record = searcher.document(id=EXPANSIONS_ID)
    for found in record["data"]["entries"] if record else ():
        yield _expansion(found, reports)


def _expansion(found: dict[str, Any], reports: Mapping[str, dict[str, Any]]) -> TermEntry:
    report = reports.get(found["doc"], {})
    return TermEntry(
        term=found["term"],
        definition="、".join(found["items"]),
        aliases=(),
        keys=(match_key(found["term"]),),
        doc=found["doc"],
        title=report.get("title") or "",
        region=report.get("region") or "",
        year=report.get("year"),
        date=report.get("date") or "",
        paragraph=found["paragraph"],
        source=EXPANSION,
        label=report.get("label") or found["doc"],
        items=tuple(found["items"]),
        rank=found["rank"],
    )


class _Expansions(Glossary):
    """The expansions record's entries, each made (its report's record read, for its
    label and year) only when a lookup finds it: opening a commit reads none of the
    reports they name (600 at 1 GB took a cold query 0.05 s)."""

    def __init__(self, searcher: Searcher, reports: Mapping[str, dict[str, Any]]) -> None:
        record = searcher.document(id=EXPANSIONS_ID)
        self._found: list[dict[str, Any]] = record["data"]["entries"] if record else []
        self._reports = reports
        self._places: dict[str, list[int]] = defaultdict(list)
        for at, found in enumerate(self._found):
            self._places[match_key(found["term"])].append(at)
        self._keys = sorted(self._places)  # for prefix lookups by bisection
        self.longest = max(map(len, self._keys), default=0)
        self._made: dict[int, TermEntry] = {}

    def _made_entry(self, at: int) -> TermEntry:
        if at not in self._made:
            self._made[at] = _expansion(self._found[at], self._reports)
        return self._made[at]

    @cached_property
    def _entries(self) -> list[TermEntry]:
        return ordered(map(self._made_entry, range(len(self._found))))

    def entries_of(self, key: str) -> list[TermEntry]:
        return ordered(map(self._made_entry, self._places.get(key, ())))

    def has_key(self, key: str) -> bool:
        return key in self._places


class IndexedGlossary(GlossaryLookup):
    """The glossary of one commit, looked up in the index: its definitions are found by
    the ``glossary_keys`` terms, so opening a commit reads none of them and a lookup reads
    only the entries it finds (a 200 MB corpus has 75,000). The expansions, one record,
    are held in memory; the whole glossary is read only when asked for whole (the term
    list, the closest terms to one that is not there)."""

    def __init__(self, searcher: Searcher, reports: Mapping[str, dict[str, Any]]) -> None:
        self._searcher, self._reports = searcher, reports
        self._reader = searcher.reader()
        self._read: dict[int, TermEntry] = {}
        self._expanded = _Expansions(searcher, reports)

    @cached_property
    def whole(self) -> Glossary:
        return Glossary(iter_glossary(self._searcher, self._reports))

    def entries_of(self, key: str) -> list[TermEntry]:
        found = list(map(self._entry, self._searcher.document_numbers(**{GLOSSARY_KEYS: key})))
        return ordered(found + self._expanded.entries_of(key))

    def _entry(self, docnum: int) -> TermEntry:
        """One entry per record, however many keys find it (lookups tell entries apart
        by identity)."""
        if docnum not in self._read:
            self._read[docnum] = _definition(self._searcher.stored_fields(docnum), self._reports)
        return self._read[docnum]

    def has_key(self, key: str) -> bool:
        if self._expanded.has_key(key):
            return True
        # The term dictionary first (most substrings of a query are no key), then a
        # live entry: a replaced report's entries stay in the dictionary until a merge.
        return (GLOSSARY_KEYS, key) in self._reader and any(
            True for _ in self._searcher.document_numbers(**{GLOSSARY_KEYS: key})
        )

    def keys_from(self, prefix: str) -> list[str]:
        indexed = (k.decode() for k in self._reader.expand_prefix(GLOSSARY_KEYS, prefix))
        return sorted({*indexed, *self._expanded.keys_from(prefix)})


REPORT_FIELDS = ("doc", "label", "title", "region", "year", "date")


class Reports(Mapping[str, dict[str, Any]]):
    """Each report's metadata and label (``REPORT_FIELDS``), read from its document
    record when first asked: a page of hits, their copies and a term's expansions name a
    few reports, and opening a commit of thousands reads none. The records are found in
    the snapshot's arrays (the document records' postings and report codes), not by a
    query each: a term defined in 14,000 reports of 1 GB asked 14,000 (4.9 s)."""

    def __init__(self, searcher: Searcher, snapshot: Snapshot) -> None:
        self._searcher, self._snapshot = searcher, snapshot
        self._read: dict[str, dict[str, Any]] = {}
        self._numbers: dict[str, int] | None = None

    def _record_numbers(self) -> dict[str, int]:
        """Each report's document record number, by its name, found on first use."""
        if self._numbers is None:
            snapshot = self._snapshot
            records = snapshot.postings("kind", DOCUMENT)[0]
            names = [snapshot.doc_names[c] for c in snapshot.doc_codes[records].tolist()]
            self._numbers = dict(zip(names, records.tolist(), strict=True))
        return self._numbers

    def __getitem__(self, doc: str) -> dict[str, Any]:
        if doc not in self._read:
            data = self.record(doc)
            data = {**data, "label": document_label(data)}
            self._read[doc] = {k: data.get(k) for k in REPORT_FIELDS}
        return self._read[doc]

    def record(self, doc: str) -> dict[str, Any]:
        """Everything the report's record holds (its speaker, its source), read again."""
        number = self._record_numbers().get(doc)
        if number is None:
            raise KeyError(doc)
        data: dict[str, Any] = self._searcher.stored_fields(number)["data"]
        return data

    def __iter__(self) -> Iterator[str]:
        return (d["doc"] for d in iter_documents(self._searcher))

    def __len__(self) -> int:
        return sum(1 for _ in self._searcher.document_numbers(kind=DOCUMENT))


class Labels(Mapping[str, str]):
    """Each report's label, as ``Reports`` reads it."""

    def __init__(self, reports: Reports) -> None:
        self._reports = reports

    def __getitem__(self, doc: str) -> str:
        return self._reports[doc]["label"]

    def __iter__(self) -> Iterator[str]:
        return iter(self._reports)

    def __len__(self) -> int:
        return len(self._reports)


def iter_documents(searcher: Searcher) -> Iterator[dict[str, Any]]:
    """Document records (metadata, label, path, hash, paragraph count), by doc id; their
    targets are the targets table's (``indexer.targets``)."""
    records = [rec["data"] for rec in searcher.documents(kind=DOCUMENT)]
    for record in sorted(records, key=lambda r: r["doc"]):
        meta = {k: v for k, v in record.items() if k != "targets"}
        yield {**meta, "label": document_label(record)}
