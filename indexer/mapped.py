"""Files of named numpy arrays and byte blobs, written once and memory-mapped by readers.

What a commit offers the query path and the writer (the ledger's runs, each segment's
facet codes) is read in place: opening such a file costs a header, whatever its size,
and every process shares its pages through the page cache. Layout: 8 magic bytes, the
header's length, a JSON header (each part's type, offset and length; a CRC-32 of the
parts; what the writer adds), padding to 8 bytes, then the parts back to back.
"""

from __future__ import annotations

import json
import mmap
import zlib
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from whoosh.reading import SegmentReader

Part = tuple[str, "np.ndarray | bytes"]


def write(
    create: Callable[[str], BinaryIO],
    name: str,
    magic: bytes,
    parts: Sequence[Part],
    **header: Any,
) -> None:
    """Write ``parts`` (arrays and blobs, by name) and ``header``'s extra items as
    ``name``, through ``create`` (the index storage's durable files)."""
    layout: dict[str, Any] = {**header, "parts": [], "crc32": 0}
    position = 0  # from the end of the header, which is padded to 8 bytes
    for part_name, part in parts:
        layout["crc32"] = zlib.crc32(part, layout["crc32"])
        array = isinstance(part, np.ndarray)
        size = part.nbytes if array else len(part)
        layout["parts"].append([part_name, part.dtype.str if array else None, position, size])
        position += size + (-size % 8)  # each part aligned for any dtype
    encoded = json.dumps(layout, ensure_ascii=False).encode()
    padding = b"\0" * (-(16 + len(encoded)) % 8)
    out = create(name)
    try:
        out.write(magic + len(encoded).to_bytes(8, "little") + encoded + padding)
        for _, part in parts:
            data = part if isinstance(part, bytes) else part.tobytes()
            out.write(data + b"\0" * (-len(data) % 8))
    finally:
        out.close()


def magic(path: Path) -> bytes | None:
    """The magic a file starts with (which version wrote it); None if there is no file."""
    try:
        with open(path, "rb") as f:
            return f.read(8)
    except FileNotFoundError:
        return None


def write_missing(
    storage: Any,
    schema: Any,
    segments: list[Any],
    extension: str,
    version: bytes,
    write_file: Callable[[Any, Any], None],
) -> None:
    """Write each of ``segments`` that has records and no file with ``extension`` of
    ``version`` its file (``write_file(reader, storage)``): the segments a commit adds,
    new and merged, lost files, and files an earlier version wrote."""
    folder = Path(storage.folder)
    for segment in segments:
        if segment.doc_count_all() and magic(folder / segment.make_filename(extension)) != version:
            reader = SegmentReader(storage, schema, segment)
            try:
                write_file(reader, storage)
            finally:
                reader.close()


def segment_path(reader: Any, extension: str) -> Path:
    """Where a segment's own file with ``extension`` lies (``MAIN_<id>.codes``): named as
    the segment's files are, so Whoosh deletes it with the segment."""
    return Path(reader.storage().folder) / reader.segment().make_filename(extension)


class Mapped:
    """One such file, mapped: ``arrays`` view it in place, ``blob(name)`` reads a blob,
    ``header`` holds what the writer added."""

    def __init__(self, path: Path, magic: bytes) -> None:
        self.path = path
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[:8] != magic:
            raise ValueError(f"{path.name} is not a {magic[:-3].decode()} file")
        header_size = int.from_bytes(self._map[8:16], "little")
        self.header: dict[str, Any] = json.loads(self._map[16 : 16 + header_size])
        base = 16 + header_size + (-(16 + header_size) % 8)
        self._parts: dict[str, tuple[int, int]] = {}  # each part's offset in the file, size
        self.arrays: dict[str, np.ndarray] = {}
        for name, dtype, start, size in self.header["parts"]:
            self._parts[name] = (base + start, size)
            if dtype is not None:
                count = size // np.dtype(dtype).itemsize
                self.arrays[name] = np.frombuffer(
                    self._map, dtype=dtype, count=count, offset=base + start
                )

    def blob(self, name: str, start: int = 0, stop: int | None = None) -> bytes:
        """Bytes ``start:stop`` of a blob."""
        offset, size = self._parts[name]
        stop = size if stop is None else stop
        return self._map[offset + start : offset + stop]

    def positions(self, name: str, needle: bytes) -> list[int]:
        """Where ``needle`` starts in a blob (offsets in it), searched in place."""
        offset, size = self._parts[name]
        found, at, end = [], offset, offset + size
        while (at := self._map.find(needle, at, end)) != -1:
            found.append(at - offset)
            at += 1
        return found

    def verify(self) -> None:
        """Read every part; ValueError if they are not the bytes written."""
        crc = 0
        for offset, size in self._parts.values():
            crc = zlib.crc32(self._map[offset : offset + size], crc)
        if crc != self.header["crc32"]:
            raise ValueError(f"{self.path.name}: checksum mismatch")

    def close(self) -> None:
        with suppress(BufferError):  # arrays still viewing the map keep it alive
            self._map.close()
