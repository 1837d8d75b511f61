"""Tables kept as runs of deltas (``indexer.ledger``): whatever the commits add, a table
reads as the same table kept whole, and its runs stay few."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from indexer.ledger import (
    GROUP,
    Entries,
    Kind,
    Ledger,
    LedgerWriter,
    key_hashes,
    remove_runs,
    run_files,
)
from indexer.storage import MappedStorage

KINDS = {
    "counts": Kind(additive=True, dtype="<i4"),
    "latest": Kind(additive=False, payloads=True),
    "codes": Kind(additive=True),
}


def _commit(folder: Path, manifest: dict, generation: int, changes: dict) -> dict:
    ledger = Ledger(folder, manifest, KINDS)
    writer = LedgerWriter(ledger, generation, MappedStorage(str(folder)).create_file)
    for table, entries in changes.items():
        writer.add(table, entries)
    writer.close()
    ledger.close()
    remove_runs(folder, {name for runs in writer.manifest.values() for name, _ in runs})
    return writer.manifest


def test_tables_read_as_kept_whole_through_many_commits(tmp_path):
    rng = random.Random(7)
    words = [f"词{i}" for i in range(300)] + [f"形{i % 5}{GROUP}邻{i}" for i in range(40)]
    counts: Counter = Counter()
    latest: dict[str, str] = {}
    codes: Counter = Counter()
    manifest: dict = {}
    for generation in range(1, 40):
        delta = Counter({w: rng.randint(-3, 5) for w in rng.sample(words, rng.randint(1, 60))})
        delta = Counter({w: max(n, -counts[w]) for w, n in delta.items()})  # counts stay >= 0
        counts.update(delta)
        changed = rng.sample(words, rng.randint(1, 30))
        payloads = [f"读{generation}{w}" if rng.random() < 0.8 else "" for w in changed]
        for w, p in zip(changed, payloads, strict=True):
            if p:
                latest[w] = p
            else:
                latest.pop(w, None)
        code_delta = Counter({rng.randint(0, 1 << 40): rng.randint(1, 3) for _ in range(20)})
        codes.update(code_delta)
        manifest = _commit(
            tmp_path,
            manifest,
            generation,
            {
                "counts": Entries.of(list(delta), delta.values()),
                "latest": Entries.of(changed, [1 if p else 0 for p in payloads], payloads),
                "codes": Entries.of(list(code_delta), code_delta.values()),
            },
        )
        ledger = Ledger(tmp_path, manifest, KINDS)
        table = ledger.table("counts")
        assert table.values(words) == [counts[w] for w in words]
        assert len(table.entries()) == sum(1 for n in counts.values() if n)
        assert {k: p for k, (_, p) in ledger.table("latest").lookup(words).items()} == latest
        assert sorted(ledger.table("latest").entries().payloads) == sorted(latest.values())
        whole = ledger.table("codes").entries()
        assert dict(zip(whole.groups.tolist(), whole.values.tolist(), strict=True)) == codes
        group = table.group("形1")
        members = [w for w, n in counts.items() if n and w.startswith("形1" + GROUP)]
        assert sorted(group.members.tolist()) == sorted(key_hashes(members)[1].tolist())
        assert sorted(group.values.tolist()) == sorted(counts[w] for w in members)
        ledger.close()
        for runs in manifest.values():  # each run several times the next: few of them
            assert all(a[1] > 4 * b[1] for a, b in zip(runs, runs[1:], strict=False))
    named = {name for runs in manifest.values() for name, _ in runs}
    assert {name for name, _ in run_files(tmp_path)} == named


def test_a_run_that_died_leaves_runs_of_a_newer_generation_only(tmp_path):
    manifest = _commit(tmp_path, {}, 1, {"counts": Entries.of(["甲"], [2])})
    storage = MappedStorage(str(tmp_path))
    writer = LedgerWriter(Ledger(tmp_path, manifest, KINDS), 2, storage.create_file)
    writer.add("counts", Entries.of(["乙"], [1]))  # never committed
    writer.close()
    remove_runs(tmp_path, set(), newer_than=1)
    assert {name for name, _ in run_files(tmp_path)} == {manifest["counts"][0][0]}
