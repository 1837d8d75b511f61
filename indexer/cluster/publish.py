"""A local index's commit into the cluster, as a new generation behind the aliases.

The local index is the writer's workspace (``indexer.build`` cleans, reads metadata,
learns jargon and re-tokenizes, exactly as for local search); publishing sends the
cluster what differs from the generation it serves: the reports whose record changed
(their file, their metadata) or that hold a word the dictionary learned since, and the
reports that are gone. The new generation is the old one copied inside the cluster
(``_reindex``, without the reports being replaced) plus those reports through the bulk
API, then the dictionary, glossary and lexicon. Its counts are checked against the
local commit before the three aliases move to it in one request: a run that dies at
any point leaves the aliases, and every query, on the previous generation, and the
next run deletes what it left.
"""

from __future__ import annotations

import base64
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from analyzers.chains import positional_bigram_analyzer, word_analyzer
from analyzers.normalize import match_key
from indexer import progress as progress_bars
from indexer.api import PolicyIndex
from indexer.cluster.blobs import chunks, read_blob, scan
from indexer.cluster.connection import connect, prefix, reported
from indexer.cluster.layout import (
    MAPPINGS,
    META_ID,
    ROLES,
    alias,
    expected_versions,
    generation_index,
    generation_of,
    settings,
    versions_of,
)
from indexer.errors import IndexUnavailable
from indexer.export import paragraph_fields
from indexer.lookup import TermEntry
from indexer.matching import Matcher
from indexer.query import AnyOf, Literal
from indexer.schema import DICTIONARY_ID
from indexer.store import iter_documents

BULK_DOCS = 500
BULK_BYTES = 8 * 1024 * 1024
REINDEX_SECONDS = 3600
MAX_EXCLUDED = 60_000  # below the cluster's terms-query limit; more: write every report


@dataclass
class PublishReport:
    """What one publish did."""

    generation: int
    written: list[str] = field(default_factory=list)  # reports sent through the bulk API
    removed: list[str] = field(default_factory=list)
    kept: int = 0  # reports copied inside the cluster
    paragraphs: int = 0  # paragraphs sent
    unchanged: bool = False  # the cluster already served this commit: nothing done

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    def summary(self) -> str:
        if self.unchanged:
            return f"opensearch: generation {self.generation} already serves this index"
        return (
            f"opensearch: generation {self.generation} serves {len(self.written)} reports "
            f"written ({self.paragraphs} paragraphs), {self.kept} kept, {len(self.removed)} removed"
        )


def publish_to(
    index_dir: Path, url: str, *, progress: bool | None = None, **options: Any
) -> PublishReport:
    """Publish the local index at ``index_dir`` to the cluster at ``url``."""
    client = connect(url)
    try:
        with reported(url), PolicyIndex.open(index_dir) as ix:
            return publish(ix, client, prefix(), progress=progress, **options)
    finally:
        client.close()


def publish(
    ix: PolicyIndex,
    client: Any,
    prefix: str,
    *,
    shards: int | None = None,
    replicas: int | None = None,
    rebuild: bool = False,
    progress: bool | None = None,
) -> PublishReport:
    """Bring the cluster's generation to ``ix``'s commit (see the module's docstring)."""
    with _WriterLock(client, prefix):
        _delete_unaliased(client, prefix)
        current = _current_generation(client, prefix)
        with ix.segmenting():
            return _publish(ix, client, prefix, current, shards, replicas, rebuild, progress)


def _publish(
    ix: PolicyIndex,
    client: Any,
    prefix: str,
    current: int | None,
    shards: int | None,
    replicas: int | None,
    rebuild: bool,
    progress: bool | None,
) -> PublishReport:
    searcher, snapshot = ix.searcher(), ix.snapshot()
    local = {d["doc"]: d for d in iter_documents(searcher)}
    dictionary = (searcher.document(id=DICTIONARY_ID) or {"data": {}})["data"]
    # A generation of another schema is written anew, whole.
    served = _served(client, prefix) if current is not None and not rebuild else None
    if served is None:
        changed = sorted(local)
    else:
        records, words = served
        changed = sorted(d for d in local if records.get(d) != _record(local[d]))
        learned = {w for w, _ in dictionary.get("words", ())} - words
        changed = sorted(set(changed) | _holding(snapshot, learned, set(local)))
    removed = sorted(set(served[0]) - set(local)) if served else []
    blobs = _blobs(ix, dictionary)
    if served is not None and not changed and not removed and _same_blobs(client, prefix, blobs):
        return PublishReport(current or 0, kept=len(local), unchanged=True)
    generation = (current or 0) + 1
    shards = shards or _existing(client, prefix, "number_of_shards") or _data_nodes(client)
    if replicas is None:
        replicas = _existing(client, prefix, "number_of_replicas")
        replicas = min(1, _data_nodes(client) - 1) if replicas is None else replicas
    for role in ROLES:
        client.indices.create(
            index=generation_index(prefix, role, generation),
            body={"settings": settings(shards, replicas), "mappings": MAPPINGS[role]},
        )
    replaced = sorted(set(changed) | set(removed))
    copy = served is not None and len(replaced) <= MAX_EXCLUDED and len(replaced) < len(local)
    report = PublishReport(generation, removed=removed)
    if copy:
        for role in ("paragraphs", "documents"):
            _copy_without(client, prefix, role, current, generation, replaced)
        report.kept = len(local) - len(changed)
    else:
        changed = sorted(local)
    report.written = changed
    report.paragraphs = _write(client, prefix, generation, ix, changed, local, progress)
    _write_meta(client, prefix, generation, snapshot, blobs)
    _verify(client, prefix, generation, snapshot, len(local))
    _switch(client, prefix, current, generation)
    return report


def _record(document: dict[str, Any]) -> str:
    """What decides whether a report is sent again: its record (file hash, metadata)."""
    kept = {k: v for k, v in document.items() if k != "label"}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str)


def _holding(snapshot: Any, words: set[str], docs: set[str]) -> set[str]:
    """The reports whose paragraphs hold any of ``words``: tokenized anew."""
    keys = sorted({k for k in map(match_key, words) if k})
    if not keys:
        return set()
    found = Matcher(snapshot).docs(AnyOf(tuple(Literal(k) for k in keys)))
    names = {snapshot.doc_names[c] for c in np.unique(snapshot.doc_codes[found]).tolist()}
    return names & docs


def _served(client: Any, prefix: str) -> tuple[dict[str, str], set[str]] | None:
    """The served generation's report records and dictionary words; None if it is of
    another schema."""
    record = client.get(index=alias(prefix, "meta"), id=META_ID)["_source"]
    if versions_of(record) != expected_versions():
        return None
    records = {
        hit["_source"]["doc"]: _record(hit["_source"]["data"])
        for hit in scan(client, alias(prefix, "documents"), ["doc", "data"])
    }
    dictionary = read_blob(client, alias(prefix, "meta"), "dictionary")
    return records, {w for w, _ in (dictionary or {}).get("words", ())}


def _blobs(ix: PolicyIndex, dictionary: dict[str, Any]) -> dict[str, Any]:
    """The dictionary, the glossary and the lexicon, as the meta index keeps them."""
    return {
        "dictionary": dictionary,
        "glossary": [entry_record(e) for e in ix.glossary_entries()],
        "lexicon": ix.lexicon_rows(),
        "bigrams": {
            name: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for name, value in ix.bigram_table().items()
        },
    }


def entry_record(entry: TermEntry) -> dict[str, Any]:
    """A glossary entry as JSON (``search.entry_from`` reads it back)."""
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in vars(entry).items()
        if not name.startswith("_")
    }


def _same_blobs(client: Any, prefix: str, blobs: dict[str, Any]) -> bool:
    return all(
        read_blob(client, alias(prefix, "meta"), kind) == json.loads(json.dumps(value))
        for kind, value in blobs.items()
    )


def _existing(client: Any, prefix: str, setting: str) -> int | None:
    """A setting of the served generation's paragraphs index, if there is one."""
    name = alias(prefix, "paragraphs")
    if not client.indices.exists_alias(name=name):
        return None
    found = client.indices.get_settings(index=name, name=f"index.{setting}")
    return int(next(iter(found.values()))["settings"]["index"][setting])


def _data_nodes(client: Any) -> int:
    return max(1, int(client.cluster.health()["number_of_data_nodes"]))


def _current_generation(client: Any, prefix: str) -> int | None:
    """The generation the aliases point at; an error if they disagree."""
    found = set()
    for role in ROLES:
        name = alias(prefix, role)
        if client.indices.exists_alias(name=name):
            for index in client.indices.get_alias(name=name):
                found.add(generation_of(prefix, role, index))
    if len(found) > 1 or None in found:
        raise IndexUnavailable(f"the aliases {prefix}-* point at different indices: {found}")
    return found.pop() if found else None


def _delete_unaliased(client: Any, prefix: str) -> None:
    """Generations no alias points at: what a run that died left."""
    aliased = set()
    for role in ROLES:
        if client.indices.exists_alias(name=alias(prefix, role)):
            aliased |= set(client.indices.get_alias(name=alias(prefix, role)))
    for role in ROLES:
        for index in client.indices.get(index=f"{prefix}-{role}-g*", expand_wildcards="all"):
            if index not in aliased and generation_of(prefix, role, index) is not None:
                client.indices.delete(index=index)


def _copy_without(
    client: Any, prefix: str, role: str, current: int | None, generation: int, docs: list[str]
) -> None:
    """The served generation's records of ``role`` into the new one, but ``docs``'."""
    body = {
        "source": {
            "index": generation_index(prefix, role, current or 0),
            "query": {"bool": {"must_not": {"terms": {"doc": docs}}}}
            if docs
            else {"match_all": {}},
        },
        "dest": {"index": generation_index(prefix, role, generation)},
    }
    done = client.reindex(
        body=body, slices="auto", wait_for_completion=True, request_timeout=REINDEX_SECONDS
    )
    if done.get("failures"):
        raise IndexUnavailable(f"copying the {role} failed: {done['failures'][0]}")


def _write(
    client: Any,
    prefix: str,
    generation: int,
    ix: PolicyIndex,
    docs: list[str],
    local: dict[str, dict[str, Any]],
    progress: bool | None,
) -> int:
    """``docs`` (their record and paragraphs) through the bulk API; the paragraphs sent."""
    from opensearchpy.helpers import streaming_bulk

    snapshot = ix.snapshot()
    numbers = {d: snapshot.paragraphs_of(d) for d in docs}
    sent = 0
    with progress_bars.bar(
        "publishing", sum(map(len, numbers.values())), progress, unit="paragraph"
    ) as bar:
        for ok, item in streaming_bulk(
            client,
            _actions(prefix, generation, ix, local, numbers),
            chunk_size=BULK_DOCS,
            max_chunk_bytes=BULK_BYTES,
            max_retries=3,
            request_timeout=120,
        ):
            if not ok:
                raise IndexUnavailable(f"the cluster refused a record: {item}")
            if next(iter(item.values()))["_index"] != generation_index(
                prefix, "documents", generation
            ):
                sent += 1
                bar.update(1)
    return sent


def _actions(
    prefix: str,
    generation: int,
    ix: PolicyIndex,
    local: dict[str, dict[str, Any]],
    numbers: dict[str, np.ndarray],
) -> Iterator[dict[str, Any]]:
    """Bulk actions: each report's record, then its paragraphs, tokenized as the local
    index's dictionary cuts them."""
    snapshot = ix.snapshot()
    stored = snapshot.stored_fields
    words, grams = word_analyzer(), positional_bigram_analyzer()
    documents = generation_index(prefix, "documents", generation)
    paragraphs = generation_index(prefix, "paragraphs", generation)
    for doc, found in numbers.items():
        record = local[doc]
        yield {
            "_index": documents,
            "_id": doc,
            "_source": {
                "doc": doc,
                "region": record.get("region") or "",
                "year": record.get("year"),
                "label": record.get("label", doc),
                "data": {k: v for k, v in record.items() if k != "label"},
            },
        }
        for number in found.tolist():
            p = stored(number)
            same, shape = str(int(snapshot.same[number])), int(snapshot.shapes[number])
            yield {
                "_index": paragraphs,
                "_id": p["id"],
                "_routing": same,
                "_source": {
                    **paragraph_fields(p, words, grams),
                    "n": p["n"],
                    "tier": shape,
                    "same": same,
                    "group": f"{shape}:{same}",
                    "boost": float(snapshot.boosts[number]),
                    "chars": " ".join(sorted(set(match_key(p["text"])))),
                },
            }


def _write_meta(
    client: Any, prefix: str, generation: int, snapshot: Any, blobs: dict[str, Any]
) -> None:
    """The generation record, and each blob in chunks."""
    index = generation_index(prefix, "meta", generation)
    parts = {}
    for kind, value in blobs.items():
        pieces = chunks(value)
        parts[kind] = len(pieces)
        for part, blob in enumerate(pieces):
            client.index(
                index=index, id=f"{kind}-{part}", body={"kind": kind, "part": part, "blob": blob}
            )
    alive = np.flatnonzero(snapshot.paragraphs.whole())
    groups = np.stack([snapshot.shapes[alive].astype(np.uint64), snapshot.same[alive]])
    _, counts = np.unique(groups, axis=1, return_counts=True)
    client.index(
        index=index,
        id=META_ID,
        body={
            **expected_versions(),
            "kind": META_ID,
            "generation": generation,
            "paragraphs": len(alive),
            "documents": len(snapshot.doc_names) - 1,
            "shared_texts": int((counts > 1).sum()),
            "parts": parts,
        },
    )


def _verify(client: Any, prefix: str, generation: int, snapshot: Any, documents: int) -> None:
    """The new generation holds every paragraph and report of the local commit, and its
    shards are allocated (green, or yellow when replicas cannot be placed): else the
    aliases stay where they are."""
    names = [generation_index(prefix, role, generation) for role in ROLES]
    client.indices.refresh(index=",".join(names))
    health = client.cluster.health(
        index=",".join(names), wait_for_status="yellow", request_timeout=60
    )
    if health.get("status") == "red" or health.get("timed_out"):
        raise IndexUnavailable(
            f"the new generation's shards are not allocated ({health['status']})"
        )
    held = client.count(index=names[0])["count"]
    wanted = int(snapshot.paragraphs.whole().sum())
    reports = client.count(index=names[1])["count"]
    if held != wanted or reports != documents:
        raise IndexUnavailable(
            f"the new generation holds {held} paragraphs and {reports} reports, not "
            f"{wanted} and {documents}; the cluster still serves the previous one"
        )


def _switch(client: Any, prefix: str, current: int | None, generation: int) -> None:
    """Every alias to the new generation in one request, then the old one deleted."""
    actions = []
    for role in ROLES:
        if current is not None:
            actions.append(
                {
                    "remove": {
                        "index": generation_index(prefix, role, current),
                        "alias": alias(prefix, role),
                    }
                }
            )
        actions.append(
            {
                "add": {
                    "index": generation_index(prefix, role, generation),
                    "alias": alias(prefix, role),
                }
            }
        )
    client.indices.update_aliases(body={"actions": actions})
    if current is not None:
        old = ",".join(generation_index(prefix, role, current) for role in ROLES)
        client.indices.delete(index=old, ignore_unavailable=True)


class _WriterLock:
    """One publisher at a time: a lock index named for this host and process. A lock
    left by a process of this host that is gone is taken over."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client, self.index = client, f"{prefix}-writer"
        self.owner = {"host": socket.gethostname(), "pid": os.getpid()}

    def __enter__(self) -> None:
        from opensearchpy.exceptions import RequestError

        for _ in range(2):
            try:
                self.client.indices.create(
                    index=self.index,
                    body={"settings": {"number_of_replicas": 0}, "mappings": {"_meta": self.owner}},
                )
                return
            except RequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
                held = self.client.indices.get_mapping(index=self.index)[self.index]
                owner = held["mappings"].get("_meta", {})
                if not _gone(owner):
                    raise IndexUnavailable(
                        f"another index run (host {owner.get('host')}, process "
                        f"{owner.get('pid')}) is writing to the cluster; if none is, "
                        f"delete the index {self.index}"
                    ) from None
                self.client.indices.delete(index=self.index)

    def __exit__(self, *exc: object) -> None:
        self.client.indices.delete(index=self.index, ignore_unavailable=True)


def _gone(owner: dict[str, Any]) -> bool:
    """Whether the lock's owner is a process of this host that no longer runs."""
    if owner.get("host") != socket.gethostname():
        return False
    try:
        os.kill(int(owner.get("pid", 0)), 0)
    except ProcessLookupError:
        return True
    except (OSError, ValueError):
        return False
    return False
