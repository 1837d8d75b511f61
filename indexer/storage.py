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

import mmap
import threading

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile


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
