"""Index storage that maps segment files into memory instead of reading or copying them.

Whoosh reads a plain segment file with a seek and a read system call per posting block,
and reads a compound one by copying each part into a ``BytesIO``: a searcher on a 20 MB
corpus held 190 MB of such copies. A read-only memory map serves both needs: slices
come from the page cache, which the kernel shares between processes and can evict.

A searcher is shared by the server's threads, and Whoosh reads a posting block's header
with ``seek`` then ``read``: on one shared file position, concurrent queries read each
other's bytes (corrupt blocks, wrong hits). So each thread gets its own map of the file,
with its own position, over the same pages.
"""

from __future__ import annotations

import json
import mmap
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile

from indexer.errors import PolicySearchError


def _map(path: str) -> mmap.mmap:
    with open(path, "rb") as file:
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


class MappedFile(BufferFile):
    """A ``BufferFile`` read in place: positioned reads go through the calling thread's
    own map, positionless ``get`` slices the first one."""

    def __init__(self, path: str, mapped: mmap.mmap, name: str) -> None:
        self._path, self._buf, self._name = path, mapped, name
        self.onclose = None
        self.is_real = self.is_closed = False
        self._maps = [mapped]
        self._maps_lock = threading.Lock()
        self._thread = threading.local()
        self._thread.map = mapped

    @property
    def file(self) -> mmap.mmap:  # type: ignore[override]
        mapped = getattr(self._thread, "map", None)
        if mapped is None:
            mapped = self._thread.map = _map(self._path)
            with self._maps_lock:
                self._maps.append(mapped)
        return mapped

    def close(self) -> None:
        if self.is_closed:
            raise ValueError(f"{self._name} is already closed")
        self.is_closed = True
        for mapped in self._maps:
            mapped.close()


class MappedStorage(FileStorage):
    def open_file(self, name, **kwargs):
        path = self._fpath(name)
        try:
            return MappedFile(path, _map(path), name)
        except ValueError:  # an empty file cannot be mapped, and needs no descriptor
            return BufferFile(b"", name=name)


# The write lock every Whoosh writer of the index takes: an flock on this file, released
# by the kernel when its process dies, so a killed run never leaves the index locked.
WRITELOCK = "MAIN_WRITELOCK"


@contextmanager
def lock_noted(index_dir: Path) -> Iterator[None]:
    """While the caller holds the write lock: which process holds it and since when, in
    the lock's file, for the next writer to name; wiped before the caller lets go, unless
    the index has been swapped for another meanwhile (a rebuild), whose file is not ours."""
    path = index_dir / WRITELOCK
    holder = {"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds")}
    path.write_text(json.dumps(holder), encoding="utf-8")
    noted = os.stat(path).st_ino
    try:
        yield
    finally:
        with suppress(OSError):
            if os.stat(path).st_ino == noted:
                path.write_text("", encoding="utf-8")


def lock_holder(index_dir: Path) -> str:
    """``pid 1234, started 2026-12-02T09:41:03`` for a live holder that noted itself, or ""."""
    try:
        holder = json.loads((index_dir / WRITELOCK).read_text(encoding="utf-8"))
        os.kill(int(holder["pid"]), 0)  # alive?
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return f"pid {holder['pid']}, started {holder['started']}"


def locked_error(index_dir: Path) -> PolicySearchError:
    """The one line a second writer prints: who holds the lock, if known."""
    holder = lock_holder(index_dir)
    who = f"another `policy-search index` ({holder})" if holder else "another `policy-search index`"
    return PolicySearchError(f"{who} is writing to this index; wait for it to finish")


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock as its writers take it, noting the holder; the
    ``locked_error`` if another process holds it."""
    lock = MappedStorage(str(index_dir)).lock(WRITELOCK)
    if not lock.acquire(blocking=False):
        raise locked_error(index_dir)
    try:
        with lock_noted(index_dir):
            yield
    finally:
        lock.release()
