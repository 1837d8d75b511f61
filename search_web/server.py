"""Production serving: waitress, one log line per request, a clean stop on SIGTERM."""

from __future__ import annotations

import logging
import signal
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
