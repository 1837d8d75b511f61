"""Index storage: segment files mapped into memory to read, and made durable to write.

Whoosh reads a plain segment file with a seek and a read system call per posting block,
and reads a compound one by copying each part into a ``BytesIO``: a searcher on a 20 MB
corpus held 190 MB of such copies. A read-only memory map serves both needs: slices
come from the page cache, which the kernel shares between processes and can evict.

A searcher is shared by the server's threads, and Whoosh reads a posting block's header
with ``seek`` then ``read``: on one shared file position, concurrent queries read each
other's bytes (corrupt blocks, wrong hits). So each thread gets its own map of the file,
with its own position, over the same pages. Each file keeps its descriptor, so a thread's
map can be made after the directory has vanished or been made read-only under a server.

Writing, a file is flushed to the disk (``fsync``) when it is closed, and the directory
after a rename, as SQLite and Lucene do: a commit's TOC is renamed into place only after
every file it names is on the disk, so a power cut leaves the last commit or the new one,
never a TOC naming files the disk lost. Each write and each durable step passes through
``indexer.faults``, where tests make the disk full or the power fail at a chosen point.
"""

from __future__ import annotations

import ctypes
import errno
import json
import mmap
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage, ReadOnlyError
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.index import TOC, EmptyIndexError, clean_files
from whoosh.util import random_name

from indexer.errors import IndexWriteError, PolicySearchError
from indexer.ledger import remove_runs

INDEX_NAME = "MAIN"  # Whoosh's default index name: files MAIN_*, _MAIN_<generation>.toc
SPILL_PREFIX = ".spill-"  # a parallel run's parsed sources, a file per worker


def _map(fd: int) -> mmap.mmap:
    return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)


class MappedFile(BufferFile):
    """A ``BufferFile`` read in place: positioned reads go through the calling thread's
    own map, positionless ``get`` slices the first one."""

    def __init__(self, fd: int, name: str) -> None:
        self._fd, self._name = fd, name
        self._buf = _map(fd)  # ValueError for an empty file
        self.onclose = None
        self.is_real = self.is_closed = False
        self._maps = [self._buf]
        self._maps_lock = threading.Lock()
        self._thread = threading.local()
        self._thread.map = self._buf

    @property
    def file(self) -> mmap.mmap:  # type: ignore[override]
        mapped = getattr(self._thread, "map", None)
        if mapped is None:
            mapped = self._thread.map = _map(self._fd)
            with self._maps_lock:
                self._maps.append(mapped)
        return mapped

    def close(self) -> None:
        if self.is_closed:
            raise ValueError(f"{self._name} is already closed")
        self.is_closed = True
        for mapped in self._maps:
            # A snapshot's array viewing the map in place (a column's length bytes) keeps
            # it: it is unmapped when the last such array goes.
            with suppress(BufferError):
                mapped.close()
        os.close(self._fd)


class DurableFile:
    """A file being written into the index: on ``close`` its bytes reach the disk.
    ``open_files`` holds it while it is open (``MappedStorage.close_written``)."""

    def __init__(
        self, path: str, mode: str, exclusive: bool, open_files: set[DurableFile] | None = None
    ) -> None:
        access = os.O_RDWR if "+" in mode else os.O_WRONLY  # w+b: Whoosh reads it back
        flags = access | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
        self._file = os.fdopen(os.open(path, flags, 0o644), mode)
        self.name = path
        self._open_files = open_files if open_files is not None else set()
        self._open_files.add(self)
        from indexer import faults  # the write side's: searching never loads it

        self._faults = faults
        if faults.disk_full_at() is None:  # the file's own write: no cost per call
            self.write = self._file.write  # type: ignore[method-assign]

    def write(self, data: Any) -> int:
        self._faults.before_write(self.name)
        return self._file.write(data)

    def close(self) -> None:
        if self._file.closed:
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
        finally:
            self._open_files.discard(self)
            self._file.close()  # closed even when flushing failed
        self._faults.step()

    def __getattr__(self, name: str) -> Any:  # tell, seek, flush, fileno: the file's own
        return getattr(self._file, name)


def sync_directory(path: str | Path) -> None:
    """Make the directory's entries durable: a file renamed or created in it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class MappedStorage(FileStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writing: set[DurableFile] = set()

    def open_file(self, name, **kwargs):
        fd = os.open(self._fpath(name), os.O_RDONLY)
        try:
            return MappedFile(fd, name)
        except ValueError:  # an empty file cannot be mapped, and needs no descriptor
            os.close(fd)
            return BufferFile(b"", name=name)

    def create_file(self, name, excl=False, mode="wb", **kwargs):
        if self.readonly:
            raise ReadOnlyError
        return StructFile(DurableFile(self._fpath(name), mode, excl, self._writing), name=name)

    def temp_storage(self, name=None):
        """A writer's scratch folder, written the same way: ``close_written`` reaches
        its files too."""
        scratch = MappedStorage(os.path.join(self.folder, name or f"{random_name()}.tmp"))
        scratch._writing = self._writing
        return scratch.create()

    def close_written(self) -> None:
        """Close every file still open for writing, whatever closing raises: after a
        failure that stopped a writer half-way (on a full disk, each close fails too)."""
        for file in list(self._writing):
            with suppress(OSError):
                file.close()

    def rename_file(self, oldname, newname, safe=False):
        """Rename, then make the rename durable: Whoosh publishes a commit by renaming
        its TOC into place."""
        from indexer import faults

        super().rename_file(oldname, newname, safe=safe)
        sync_directory(self.folder)
        faults.step()


# A TOC a run died writing (``_MAIN_3.toc.<time>``): Whoosh never deletes it.
_TEMPORARY_TOC = re.compile(rf"^_{INDEX_NAME}_[0-9]+\.toc\..+$")


def remove_uncommitted(index_dir: Path) -> None:
    """Delete every file of the index that its last commit does not name: segments of a
    run that died or failed, its temp TOC. Only by the writer holding the lock, with no
    segment of its own open: a running writer's files are uncommitted too."""
    storage = MappedStorage(str(index_dir))
    try:
        toc = TOC.read(storage, INDEX_NAME)
    except EmptyIndexError:
        return
    clean_files(storage, INDEX_NAME, toc.generation, toc.segments)
    remove_runs(index_dir, keep=set(), newer_than=toc.generation)  # the ledger's
    for name in os.listdir(index_dir):
        if _TEMPORARY_TOC.match(name):
            with suppress(FileNotFoundError):
                (index_dir / name).unlink()
        elif name.startswith(SPILL_PREFIX):  # a killed run's parsed sources
            shutil.rmtree(index_dir / name, ignore_errors=True)


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


def tidy(index_dir: Path) -> None:
    """Delete what runs that died left (uncommitted segments, temp TOCs, the writers'
    scratch folder), if no writer is at work: for a run with nothing to commit, whose
    commit would otherwise be what cleans them."""
    lock = MappedStorage(str(index_dir)).lock(WRITELOCK)
    if not lock.acquire(blocking=False):
        return  # a writer is at work: its files are not leftovers
    try:
        remove_uncommitted(index_dir)
        shutil.rmtree(index_dir / f"{INDEX_NAME}.tmp", ignore_errors=True)
    finally:
        lock.release()


def require_writable(index_dir: Path) -> None:
    """Fail at once, before any work, if the index directory (or the folder it is to be
    made in) cannot be written to: read-only, not ours, or full."""
    folder = index_dir if index_dir.exists() else _existing_parent(index_dir)
    probe = folder / f".write-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
    except OSError as exc:  # named by the folder, not by the probe
        raise OSError(exc.errno, exc.strerror, str(folder)) from None
    finally:
        with suppress(OSError):
            probe.unlink()


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def write_error(exc: OSError, index_dir: Path) -> IndexWriteError:
    """The one line for an index run stopped by the file system: which file, why, and
    that nothing is lost."""
    where = exc.filename or index_dir
    if exc.errno == errno.ENOSPC:
        return IndexWriteError(f"disk full while writing {where}; the index keeps its last commit")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return IndexWriteError(
            f"cannot write to {where} ({exc.strerror}); the index keeps its last commit"
        )
    return IndexWriteError(f"{exc.strerror or exc}: {where}; the index keeps its last commit")


_RENAME_EXCHANGE = 2  # renameat2(2)'s flag: swap two paths in one step
_AT_FDCWD = -100


def swap_directories(fresh: Path, live: Path) -> None:
    """Put ``fresh`` in ``live``'s place and ``live``'s old content at ``fresh``.

    On Linux one ``renameat2(RENAME_EXCHANGE)``: at every instant ``live`` holds one
    whole index, the old or the new, whatever stops the process. Elsewhere three
    renames, with a moment between the first two when ``live`` is absent and the old
    index waits beside it as ``<name>.old``.
    """
    from indexer import faults  # the write side's: searching never loads it

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        args = (_AT_FDCWD, os.fsencode(fresh), _AT_FDCWD, os.fsencode(live), _RENAME_EXCHANGE)
        if renameat2(*args) == 0:
            sync_directory(live.parent)
            faults.step()
            return
        if ctypes.get_errno() not in (errno.ENOSYS, errno.EINVAL):
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(live))
    aside = live.with_name(live.name + ".old")
    shutil.rmtree(aside, ignore_errors=True)
    os.replace(live, aside)
    os.replace(fresh, live)
    os.replace(aside, fresh)
    sync_directory(live.parent)
