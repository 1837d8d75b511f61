"""Per-commit tables that grow by deltas: what a commit offers beyond Whoosh's segments
(the corpus's word counts, its lexicon, the contexts abbreviations are learned from),
written as immutable runs and merged like Whoosh merges segments.

A table was one pickled record, rewritten whole by every commit: adding one report to a
200 MB index re-wrote 130 MB of them. Now a commit writes only what it changed, as a new
*run* (a file of sorted entries), and merges runs so that each is several times bigger
than the next (``GROWTH``): an entry is rewritten a logarithmic number of times over the
index's life, and an update costs in proportion to what it changed. A table's runs are
named by the manifest record, committed in the same Whoosh commit as the paragraphs they
describe, so a commit's tables change atomically with it; a run is never changed once
written.

An entry is a key, an int value and, in tables that keep one, a string payload. Additive
tables sum a key's values across runs (a count and its changes); the others keep the
newest run's entry, and value 0 deletes it. A key is a string, ``group`` + ``GROUP`` +
``member`` for a key in a group (every context of a form), or an int. Runs hold no key
text, only two 64-bit hashes, of the group (or the whole key) and of the member (or the
whole key), sorted: a lookup is a binary search in the memory-mapped file, a group is
one range, and two groups' members compare by hash. Taking the hash pair for the key is
exact but for a collision of 128 bits (64 within a group): what a table must list by
text carries it in the payload.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from xxhash import xxh3_64_intdigest

from indexer import mapped
from indexer.arrays import distinct

GROUP = "\x1f"  # ``group + GROUP + member``: a key in a group
GROWTH = 4  # a run is merged into the one before it unless that is this much bigger
_MAGIC = b"PSRUN005"
_SEPARATOR = "\0"  # between payloads in a run's blob
ENTRY_START = _SEPARATOR  # a needle starting with it matches at a payload's start
_NAME = re.compile(r"^ledger-(?P<table>[a-z-]+)-(?P<generation>[0-9]+)-[0-9a-f]+\.run$")


@dataclass(frozen=True)
class Kind:
    """A table's kind: whether values add up, their type, whether entries carry text."""

    additive: bool
    dtype: str = "<i8"
    payloads: bool = False


_GROUP_SEED, _KEY_SEED = 1, 2  # two independent 64-bit hashes of a key


def _hashes(texts: Iterable[str], seed: int) -> np.ndarray:
    hashed = (xxh3_64_intdigest(t.encode(), seed) for t in texts)
    return np.fromiter(hashed, dtype=np.uint64)


def key_hashes(keys: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The (group, member) hashes of ``keys``; an int key is its own group."""
    if len(keys) and isinstance(keys[0], int):
        return np.array(keys, dtype=np.uint64), np.zeros(len(keys), dtype=np.uint64)
    groups = _hashes((k.partition(GROUP)[0] for k in keys), _GROUP_SEED)
    return groups, _hashes((k.partition(GROUP)[2] or k for k in keys), _KEY_SEED)


def group_hash(group: str) -> int:
    return int(_hashes([group], _GROUP_SEED)[0])


@dataclass
class Entries:
    """Entries in memory, by hashes: what a commit adds to a table, or runs merged."""

    groups: np.ndarray  # uint64
    members: np.ndarray  # uint64
    values: np.ndarray
    payloads: list[str] | None = None

    @classmethod
    def of(
        cls, keys: Sequence[Any], values: Iterable[int], payloads: list[str] | None = None
    ) -> Entries:
        groups, members = key_hashes(keys)
        return cls(groups, members, np.fromiter(values, dtype=np.int64, count=len(keys)), payloads)

    @classmethod
    def grouped(cls, rows: Iterable[tuple[str, str, int]]) -> Entries:
        """Entries from ``(group, member, value)`` rows, hashed as they come: millions of
        rows need no key strings in memory."""
        hashed = (
            (
                xxh3_64_intdigest(g.encode(), _GROUP_SEED),
                xxh3_64_intdigest(m.encode(), _KEY_SEED),
                v,
            )
            for g, m, v in rows
        )
        table = np.fromiter(hashed, dtype=[("g", "<u8"), ("m", "<u8"), ("v", "<i8")])
        return cls(table["g"].copy(), table["m"].copy(), table["v"].copy())

    def __len__(self) -> int:
        return len(self.values)


def _empty() -> Entries:
    none = np.zeros(0, dtype=np.uint64)
    return Entries(none, none, np.zeros(0, dtype=np.int64))


class Run:
    """One run file, memory-mapped: its arrays are read in place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = mapped.Mapped(path, _MAGIC)
        arrays = self._file.arrays
        self.groups, self.members, self.values = (
            arrays["groups"],
            arrays["members"],
            arrays["values"],
        )
        self._offsets = arrays.get("offsets")

    def verify(self) -> None:
        """Read every byte of the run; ValueError if they are not the bytes written."""
        self._file.verify()

    def __len__(self) -> int:
        return len(self.values)

    def payloads(self, start: int = 0, stop: int | None = None) -> list[str] | None:
        if self._offsets is None:
            return None
        stop = len(self.values) if stop is None else stop
        if start >= stop:
            return []
        first, last = int(self._offsets[start]), int(self._offsets[stop])
        return self._file.blob("payloads", first, last - 1).decode().split(_SEPARATOR)

    def payloads_with(self, needle: bytes) -> list[str]:
        """The payloads whose text, preceded by the separator, holds ``needle`` (UTF-8,
        no separator but maybe a first one): found by searching the mapped blob,
        decoding only the entries found (each where the needle ends)."""
        if self._offsets is None or not len(self.values):
            return []
        ends = np.array(self._file.positions("payloads", needle), dtype=np.int64) + len(needle) - 1
        rows = distinct(np.searchsorted(self._offsets, ends, "right") - 1).tolist()
        separator = _SEPARATOR.encode()
        if needle.startswith(separator) and self._file.blob(
            "payloads", 0, len(needle) - 1
        ) == needle.removeprefix(separator):
            rows = [0, *(r for r in rows if r)]  # the first entry has no separator before it
        return [text for row in rows for text in self.payloads(row, row + 1) or ()]

    def entries(self, start: int = 0, stop: int | None = None) -> Entries:
        rows = slice(start, stop)
        values = np.asarray(self.values[rows], dtype=np.int64)
        return Entries(self.groups[rows], self.members[rows], values, self.payloads(start, stop))

    def rows(self, group: int) -> tuple[int, int]:
        """The rows of a group."""
        key = np.uint64(group)
        return (
            int(np.searchsorted(self.groups, key, "left")),
            int(np.searchsorted(self.groups, key, "right")),
        )

    def close(self) -> None:
        self._file.close()


def write_run(table: str, generation: int, entries: Entries, kind: Kind, create: Any) -> str:
    """Write ``entries`` sorted as a run file (through ``create(name)``, the index
    storage's durable files); its name."""
    order = np.lexsort((entries.members, entries.groups))
    parts: list[mapped.Part] = [
        ("groups", np.ascontiguousarray(entries.groups[order], dtype=np.uint64)),
        ("members", np.ascontiguousarray(entries.members[order], dtype=np.uint64)),
        ("values", np.asarray(entries.values[order], dtype=kind.dtype)),
    ]
    if kind.payloads:
        payloads = entries.payloads or [""] * len(entries)
        encoded = [(payloads[i] + _SEPARATOR).encode() for i in order.tolist()]
        offsets = np.zeros(len(encoded) + 1, dtype=np.uint64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        parts += [("offsets", offsets), ("payloads", b"".join(encoded))]
    name = f"ledger-{table}-{generation}-{secrets.token_hex(6)}.run"
    mapped.write(create, name, _MAGIC, parts)
    return name


def merge(parts: Sequence[Entries], additive: bool, oldest: bool) -> Entries:
    """One set of entries from ``parts`` (oldest first): values summed (``additive``)
    or the newest kept (payloads: the newest); what merging into the table's oldest run
    (``oldest``) leaves empty (a count of 0, a deletion) is dropped, as nothing older
    remains for it to undo."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    groups = np.concatenate([p.groups for p in parts])
    members = np.concatenate([p.members for p in parts])
    values = np.concatenate([np.asarray(p.values, dtype=np.int64) for p in parts])
    age = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)])
    order = np.lexsort((age, members, groups))
    g, m = groups[order], members[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (g[1:] != g[:-1]) | (m[1:] != m[:-1])
    starts = np.flatnonzero(first)
    newest = order[np.r_[starts[1:], len(order)] - 1]
    merged = np.add.reduceat(values[order], starts) if additive else values[newest]
    keep = merged != 0 if oldest else np.ones(len(newest), dtype=bool)
    rows = newest[keep]
    payloads = None
    if parts[0].payloads is not None:
        every = [text for p in parts for text in (p.payloads or [""] * len(p))]
        payloads = [every[i] for i in rows.tolist()]
    return Entries(groups[rows], members[rows], merged[keep], payloads)


class Table:
    """One table at one commit: its runs, oldest first."""

    def __init__(self, runs: list[Run], kind: Kind) -> None:
        self.runs, self.kind = runs, kind

    def lookup(self, keys: Sequence[Any]) -> dict[Any, tuple[int, str | None]]:
        """The entries of ``keys`` the table holds (value and payload): summed over runs,
        or the newest, and then only if it is not a deletion."""
        found: dict[Any, tuple[int, str | None]] = {}
        if not len(keys):
            return found
        groups, members = key_hashes(keys)
        for run in self.runs:
            starts = np.searchsorted(run.groups, groups, "left")
            stops = np.searchsorted(run.groups, groups, "right")
            for i in np.flatnonzero(stops > starts).tolist():
                start, stop = int(starts[i]), int(stops[i])
                row = start + int(np.searchsorted(run.members[start:stop], members[i]))
                if row == stop or run.members[row] != members[i]:
                    continue
                value = int(run.values[row])
                payload = (run.payloads(row, row + 1) or [None])[0]
                if self.kind.additive:
                    value += found.get(keys[i], (0, None))[0]
                found[keys[i]] = (value, payload)
        return {k: v for k, v in found.items() if v[0] != 0}

    def payloads_with(self, needle: bytes) -> set[str]:
        """The payloads of any run whose text holds ``needle`` (``Run.payloads_with``):
        a superset of the live entries' (a newer run may have changed or deleted one;
        ``lookup`` says what they are now)."""
        return {text for run in self.runs for text in run.payloads_with(needle)}

    def values(self, keys: Sequence[Any]) -> list[int]:
        found = self.lookup(keys)
        return [found.get(k, (0, None))[0] for k in keys]

    def group(self, name: str) -> Entries:
        """The live entries of the group ``name`` (by member hash)."""
        group = group_hash(name)
        parts = [part for run in self.runs if len(part := run.entries(*run.rows(group)))]
        if len(parts) == 1:  # most groups: nothing to merge, deletions to drop
            (part,) = parts
            live = np.flatnonzero(part.values != 0)
            payloads = part.payloads and [part.payloads[i] for i in live.tolist()]
            return Entries(part.groups[live], part.members[live], part.values[live], payloads)
        return merge(parts, self.kind.additive, oldest=True)

    def entries(self) -> Entries:
        """The whole table: its runs merged."""
        return merge([run.entries() for run in self.runs], self.kind.additive, oldest=True)


class Ledger:
    """Every table of one commit, as its manifest names their runs; each run's file is
    mapped when the commit is opened, so a later commit's clean-up cannot take it from
    a reader of this one."""

    def __init__(self, folder: Path, manifest: dict[str, list[list[Any]]], kinds: dict[str, Kind]):
        self.folder, self.manifest, self.kinds = folder, manifest, kinds
        self.runs = {name: Run(folder / name) for runs in manifest.values() for name, _ in runs}

    @property
    def files(self) -> set[str]:
        return set(self.runs)

    def table(self, name: str) -> Table:
        runs = [self.runs[file] for file, _ in self.manifest.get(name, [])]
        return Table(runs, self.kinds[name])

    def close(self) -> None:
        for run in self.runs.values():
            run.close()


class LedgerWriter:
    """A commit's changes to the tables: each ``add`` writes a run and merges the runs
    the growth rule asks for; ``manifest`` is what the commit's record names."""

    def __init__(self, ledger: Ledger, generation: int, create: Any) -> None:
        self.ledger, self.generation, self._create = ledger, generation, create
        self.manifest = {name: [list(r) for r in runs] for name, runs in ledger.manifest.items()}
        self._written: dict[str, Run] = {}

    def add(self, table: str, entries: Entries) -> None:
        if not len(entries):
            return
        kind = self.ledger.kinds[table]
        runs = self.manifest.setdefault(table, [])
        runs.append([self._write(table, entries), len(entries)])
        while len(runs) > 1 and runs[-2][1] <= GROWTH * runs[-1][1]:
            parts = [self._run(name).entries() for name, _ in runs[-2:]]
            merged = merge(parts, kind.additive, oldest=len(runs) == 2)
            del runs[-2:]
            if len(merged):
                runs.append([self._write(table, merged), len(merged)])

    def table(self, name: str) -> Table:
        """The table as this commit leaves it so far."""
        runs = [self._run(file) for file, _ in self.manifest.get(name, [])]
        return Table(runs, self.ledger.kinds[name])

    @property
    def files(self) -> set[str]:
        return {name for runs in self.manifest.values() for name, _ in runs}

    def _write(self, table: str, entries: Entries) -> str:
        kind = self.ledger.kinds[table]
        name = write_run(table, self.generation, entries, kind, self._create)
        self._written[name] = Run(self.ledger.folder / name)
        return name

    def _run(self, name: str) -> Run:
        return self._written.get(name) or self.ledger.runs[name]

    def close(self) -> None:
        for run in self._written.values():
            run.close()


def run_files(folder: Path) -> Iterator[tuple[str, int]]:
    """Every run file in ``folder``, with the generation that wrote it."""
    for name in os.listdir(folder):
        if found := _NAME.match(name):
            yield name, int(found["generation"])


def remove_runs(folder: Path, keep: set[str], newer_than: int | None = None) -> None:
    """Delete the run files not in ``keep`` (or only those of generations after
    ``newer_than``: a run that died before its commit)."""
    for name, generation in run_files(folder):
        if name not in keep and (newer_than is None or generation > newer_than):
            with suppress(FileNotFoundError):
                (folder / name).unlink()
