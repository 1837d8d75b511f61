"""A client for the user's cluster: credentials from the environment, TLS verified, and
every way of not reaching it turned into one line (``IndexUnavailable``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from indexer.cluster.layout import DEFAULT_PREFIX, PREFIX_ENV
from indexer.errors import IndexUnavailable, UsageError

URL_ENV = "POLICY_SEARCH_OPENSEARCH"
AUTH_ENV = "POLICY_SEARCH_OPENSEARCH_AUTH"  # user:password
INSECURE_ENV = "POLICY_SEARCH_OPENSEARCH_INSECURE"  # 1: skip TLS verification (self-signed)
TIMEOUT = 30  # seconds per request; a publish's reindex asks for longer itself
RETRIES = 3  # a request to a node that went away is tried on another
POOL = 32  # connections kept per node: one per serving thread, with room


def connect(url: str) -> Any:
    """An ``OpenSearch`` client for ``url`` (several nodes: comma-separated URLs), which
    retries a request on another node when one fails to answer."""
    from opensearchpy import OpenSearch

    # The client logs every request at INFO: the server's log has its own line per request.
    logging.getLogger("opensearch").setLevel(logging.WARNING)
    hosts = [part.strip() for part in url.split(",") if part.strip()]
    for host in hosts:
        parts = urlsplit(host)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--opensearch {host!r} is no http(s)://host:port URL")
    auth = os.environ.get(AUTH_ENV)
    if auth is not None and ":" not in auth:
        raise UsageError(f"${AUTH_ENV} must be user:password")
    return OpenSearch(
        hosts,
        http_auth=tuple(auth.split(":", 1)) if auth else None,
        verify_certs=os.environ.get(INSECURE_ENV) != "1",
        ssl_show_warn=False,
        timeout=TIMEOUT,
        max_retries=RETRIES,
        retry_on_timeout=True,
        retry_on_status=(502, 503, 504),
        pool_maxsize=POOL,
    )


def prefix() -> str:
    """The names' prefix (``$POLICY_SEARCH_OPENSEARCH_PREFIX``): several corpora, one cluster."""
    return os.environ.get(PREFIX_ENV) or DEFAULT_PREFIX


def describe(exc: Exception, url: str) -> str:
    """One line for a failed request: what happened and what to do."""
    from opensearchpy import exceptions as os_exc
    from opensearchpy.helpers import ScanError

    where = ", ".join(urlsplit(u.strip())._replace(path="").geturl() for u in url.split(","))
    if isinstance(exc, os_exc.AuthenticationException):
        return f"the OpenSearch cluster at {where} refused the credentials (set ${AUTH_ENV})"
    if isinstance(exc, os_exc.AuthorizationException):
        return f"the OpenSearch cluster at {where} does not allow this user to do that"
    if isinstance(exc, os_exc.SSLError):
        return (
            f"the TLS certificate of {where} cannot be verified "
            f"(set ${INSECURE_ENV}=1 only for a test cluster)"
        )
    if isinstance(exc, os_exc.ConnectionTimeout):
        return f"the OpenSearch cluster at {where} did not answer in time; try again"
    if isinstance(exc, os_exc.ConnectionError):
        return f"cannot reach the OpenSearch cluster at {where}; is it running?"
    if isinstance(exc, ScanError):  # a scroll some shard could not answer
        return red(where)
    if isinstance(exc, os_exc.TransportError):
        reason = _reason(exc)
        return f"the OpenSearch cluster at {where} answered {exc.status_code}: {reason}"
    return f"the OpenSearch cluster at {where} failed: {exc}"


def red(where: str) -> str:
    """The line for an answer some shard had no copy to give: it would not be exact."""
    return (
        f"some of the index's shards have no copy answering in the OpenSearch cluster at "
        f"{where} (it is red); try again when its nodes are back"
    )


def answering_red(url: str) -> bool:
    """Whether some node of ``url`` answers and says the cluster is red. A request the
    client tried on a dead node and then on a live one (503: no copy of the shard) reports
    the dead node's refusal last; this tells "red" from "nothing answers"."""
    from opensearchpy import exceptions as os_exc

    for host in url.split(","):
        client = connect(host)
        try:
            return (
                client.cluster.health(request_timeout=5, params={"timeout": "1s"})["status"]
                == "red"
            )
        except os_exc.TransportError:
            continue
        finally:
            client.close()
    return False


def _reason(exc: Any) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        return str(causes[0].get("reason") or causes[0].get("type") or error)[:300]
    return str(error or exc.error)[:300]


@contextmanager
def reported(url: str) -> Iterator[None]:
    """Client errors inside as ``IndexUnavailable`` with ``describe``'s line."""
    from opensearchpy import exceptions as os_exc
    from opensearchpy.helpers import ScanError

    try:
        yield
    except (os_exc.TransportError, os_exc.ImproperlyConfigured, ScanError) as exc:
        raise IndexUnavailable(describe(exc, url)) from None
