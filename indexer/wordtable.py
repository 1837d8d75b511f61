"""jieba's dictionary as a word table in the index (``analyzers.route``), so that a
reader cuts a query without building jieba-rs.

The writer puts the table in the index once (it depends on jieba's dict.txt alone, and
its name on that file's checksum) and names it in the dictionary record with the total
frequency the commit's model cuts with; a reader maps it and adds the record's user
words. An index without it (built before, or by Python jieba) is read as before, by
jieba-rs; a damaged one is found by ``check`` and written again by ``check --repair``.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from analyzers.route import WORD_TABLE_MAGIC, RouteCutter, WordTable, table_parts
from analyzers.segment import Segmenter, dictionary_file, dictionary_words
from indexer import mapped

PREFIX, SUFFIX = "jieba-", ".words"


@cache
def table_name() -> str:
    """The table's file name for the installed jieba's dict.txt."""
    return f"{PREFIX}{zlib.crc32(dictionary_file().read_bytes()):08x}{SUFFIX}"


def record_fields(index_dir: Path, storage: Any, segmenter: Segmenter) -> dict[str, Any]:
    """What the dictionary record names for readers: the table (written if the index
    lacks it) and the total of the model that cut the commit; nothing when Python jieba
    cut it (``segmenter.surplus`` is None), whose total the table does not reproduce."""
    if segmenter.surplus is None:
        return {}
    name = table_name()
    try:
        table = mapped.Mapped(index_dir / name, WORD_TABLE_MAGIC)
        table.verify()
    except (OSError, ValueError):  # none yet, or damaged: (re)written
        write_table(storage, name)
        table = mapped.Mapped(index_dir / name, WORD_TABLE_MAGIC)
    try:
        total = segmenter.model_total(WordTable(table.arrays))
    finally:
        table.close()
    return {"table": name, "total": total}


@cache
def _dictionary_parts() -> tuple[list[tuple[str, Any]], int]:
    """The table's arrays and its longest word, made once per process (0.4 s)."""
    words = dictionary_words()
    return table_parts(words), max(map(len, words))


def write_table(storage: Any, name: str) -> None:
    """Write the table of dict.txt as ``name`` into the index's ``storage``, whole or
    not at all (a reader may map the file it replaces), durably."""
    parts, longest = _dictionary_parts()
    temporary = f"{name}.tmp"
    mapped.write(storage.create_file, temporary, WORD_TABLE_MAGIC, parts, longest=longest)
    storage.rename_file(temporary, name)


def open_route(
    index_dir: Path, record: Mapping[str, Any], user_words: Mapping[str, int]
) -> RouteCutter | None:
    """The cutter of a dictionary record's commit (its ``user_words``), or None where
    the record names no table or its file cannot be mapped (then jieba-rs cuts)."""
    name, total = record.get("table"), record.get("total")
    if not name or not total:
        return None
    try:
        table = mapped.Mapped(index_dir / name, WORD_TABLE_MAGIC)
    except (OSError, ValueError):
        return None
    return RouteCutter(WordTable(table.arrays), table.header["longest"], user_words, total)


def verify(index_dir: Path, record: Mapping[str, Any]) -> None:
    """Read the record's table whole; ValueError or OSError if it is damaged or gone."""
    if name := record.get("table"):
        table = mapped.Mapped(index_dir / name, WORD_TABLE_MAGIC)
        try:
            table.verify()
        finally:
            table.close()


def remove_others(index_dir: Path, keep: set[str]) -> None:
    """Delete the tables of other dict.txt versions (jieba upgraded), and leftovers."""
    for path in index_dir.glob(f"{PREFIX}*{SUFFIX}*"):
        if path.name not in keep:
            with suppress(FileNotFoundError):
                path.unlink()
