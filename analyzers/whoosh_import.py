"""Whoosh without the web stack: ``whoosh.compat``, which every Whoosh module imports,
imports ``urllib.request`` (and with it ssl, hashlib, http and email) for a download
helper nothing here calls: 40 ms of every command's start, a sixth of a cold query on a
small index. Imported before any Whoosh module (both packages' ``__init__``), this
gives compat a stand-in whose ``urlretrieve`` loads the real one when called, and takes
the stand-in away again, so any later ``import urllib.request`` gets the real module.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


if "whoosh.compat" not in sys.modules and "urllib.request" not in sys.modules:
    _stand_in = types.ModuleType("urllib.request")
    _stand_in.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = _stand_in
    try:
        import whoosh.compat  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is _stand_in:
            del sys.modules["urllib.request"]
