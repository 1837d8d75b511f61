"""The meta index's blobs: a value as JSON, compressed, in chunks of records."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from typing import Any

from indexer.cluster.layout import CHUNK_BYTES

PAGE = 1000  # records per scroll request


def chunks(value: Any) -> list[str]:
    """``value`` as JSON, compressed, in base64 pieces of at most ``CHUNK_BYTES``."""
    packed = zlib.compress(json.dumps(value, ensure_ascii=False).encode("utf-8"), 6)
    return [
        base64.b64encode(packed[at : at + CHUNK_BYTES]).decode("ascii")
        for at in range(0, max(len(packed), 1), CHUNK_BYTES)
    ]


def read_blob(client: Any, meta: str, kind: str) -> Any:
    """A blob of the meta index ``meta`` (``None`` if it has none)."""
    parts = sorted(
        scan(client, meta, ["part", "blob"], {"term": {"kind": kind}}),
        key=lambda hit: hit["_source"]["part"],
    )
    if not parts:
        return None
    packed = b"".join(base64.b64decode(hit["_source"]["blob"]) for hit in parts)
    return json.loads(zlib.decompress(packed))


def scan(
    client: Any, index: str, fields: list[str], query: dict[str, Any] | None = None
) -> Iterator[dict[str, Any]]:
    from opensearchpy.helpers import scan as scroll

    body = {"query": query or {"match_all": {}}, "_source": fields}
    return scroll(client, query=body, index=index, size=PAGE, preserve_order=False)
