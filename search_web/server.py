"""Production serving: waitress (one process) or gunicorn (several), one log line per
request, a clean stop on SIGTERM."""

from __future__ import annotations

import gc
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from waitress.server import create_server

log = logging.getLogger("policy_search.access")

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


class AccessLog:
    """WSGI middleware: ``METHOD PATH?QUERY STATUS MILLISECONDS`` for every request."""

    def __init__(self, app: Callable[[Environ, StartResponse], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start(code: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, *rest)

        try:
            return self.app(environ, recording_start)
        finally:
            query = environ.get("QUERY_STRING")
            path = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            elapsed = (time.perf_counter() - started) * 1000
            log.info("%s %s %s %.1fms", environ.get("REQUEST_METHOD"), path, status[0], elapsed)


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(app: Flask, host: str, port: int, threads: int) -> None:
    """Serve until SIGINT or SIGTERM, then close the listening socket and the index."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = create_server(AccessLog(app.wsgi_app), host=host, port=port, threads=threads)
    signal.signal(signal.SIGTERM, _stop)
    log.info("policy-search serving on http://%s:%s", host, server.effective_port)
    try:
        server.run()  # returns once a signal interrupts it (waitress handles the interrupt)
    finally:
        server.close()
        app.extensions["policy_search"].close()
        log.info("stopped")


def prefork_unavailable() -> str | None:
    """Why ``run_workers`` cannot run here (not Linux, gunicorn missing), or None."""
    if not sys.platform.startswith("linux"):
        return f"not on {sys.platform}"
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError as exc:
        return f"gunicorn cannot be imported ({exc})"
    return None


def run_workers(app: Flask, host: str, port: int, threads: int, workers: int) -> None:
    """Serve with ``workers`` gunicorn processes (Linux only) until SIGINT or SIGTERM.

    ``app`` (index open, jieba and the pinyin lexicon loaded) is built before the fork
    (``preload_app``), so the workers share its memory instead of each loading a copy of
    their own: 200 MB in all for two workers on the seeds against 320 MB without preload
    (total PSS after 400 requests); the segment files are memory maps, shared anyway.
    Each worker has ``threads`` threads (gunicorn's gthread worker; its sync worker for
    one). Every process closes its index on the way out.
    """
    from gunicorn.app.base import BaseApplication

    # Each line names the process that wrote it: several answer requests.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(process)d] %(message)s")
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    wsgi = AccessLog(app.wsgi_app)

    def worker_exit(arbiter: Any, worker: Any) -> None:
        app.extensions["policy_search"].close()

    def ready(arbiter: Any) -> None:
        address = arbiter.LISTENERS[0].getsockname()
        log.info("policy-search serving on http://%s:%s with %d workers", host, address[1], workers)

    def stopped(arbiter: Any) -> None:
        app.extensions["policy_search"].close()
        log.info("stopped")

    options = {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": True,
        # As long a request line as gunicorn allows (its default is 4094 bytes; a
        # percent-encoded Chinese character takes 9); past it, gunicorn answers 414.
        "limit_request_line": 8190,
        # No keep-alive: a kept-alive connection stays with the process that accepted
        # it, and a few clients' connections could all land on one process while the
        # others idle (4 clients, 2 workers: 119 or 276 req/s, run to run). A
        # connection per request goes to whichever process accepts first: an idle one.
        "keepalive": 0,
        "accesslog": None,  # AccessLog writes the one line per request
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "policy-search",
        "graceful_timeout": 10,
        "when_ready": ready,
        "worker_exit": worker_exit,
        "on_exit": stopped,
        # gunicorn >= 25.1 listens on a control socket at a fixed per-user path: not here.
        "control_socket_disable": True,
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:  # control_socket_disable is new in 25.1
                    self.cfg.set(key, value)

        def load(self) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
            return wsgi

    # Loaded by the first request that needs a reading (analyzers.pinyin imports it
    # lazily): its phrase dictionary is ~60 MB, in every worker unless loaded before the fork.
    import pypinyin  # noqa: F401

    gc.freeze()  # the app's objects stay out of the collector's reach, and pages shared
    Server().run()
