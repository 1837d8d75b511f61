"""A small thread-safe LRU for search results: a repeated query (paging back, a shared
link, the JSON twin of a page just shown) costs a dictionary lookup.

Keys include the index's commit number, so results never outlive the commit they
were computed on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ResultCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any], keep: Callable[[Any], bool]) -> Any:
        """The cached value for ``key``, else ``compute()``, cached if ``keep`` says so."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: other queries go on meanwhile
        if self.size and keep(value):
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value
