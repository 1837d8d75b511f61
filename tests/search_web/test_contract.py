"""The OpenAPI description is a contract an independent client can hold us to:
Schemathesis generates requests from it — valid ones, which must be answered, and
invalid ones, which must be refused with a 4xx — and checks every answer against it
(status codes, content types, headers such as a 405's ``Allow``, following the links
from the document list to a document and a comparison)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ST = Path(sys.executable).with_name("st")
EXAMPLES = "25"  # per operation and phase; a fixed seed makes a failure reproducible


def _schemathesis(server: str, folder: Path, *options: str) -> None:
    """Run it in ``folder``: it keeps a cache of failures it replays (.schemathesis/)."""
    command = [str(ST), "run", f"{server}/api/openapi.json", "--checks", "all"]
    command += ["-n", EXAMPLES, "--seed", "1", "--workers", "1", *options]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=folder)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


@pytest.mark.skipif(not ST.exists(), reason="schemathesis is in the test extra")
def test_the_api_keeps_its_openapi_contract(server, tmp_path):
    _schemathesis(server, tmp_path, "--exclude-path-regex", "^/api/search")


@pytest.mark.skipif(not ST.exists(), reason="schemathesis is in the test extra")
def test_search_keeps_its_openapi_contract_but_for_query_syntax(server, tmp_path):
    """A query is a small language whose grammar a schema cannot state: a string the
    schema allows may be a malformed query, rightly a 400 with the parser's message
    ("unbalanced parenthesis"). Every other check holds, invalid data included."""
    _schemathesis(
        server,
        tmp_path,
        "--include-path-regex",
        "^/api/search",
        "--exclude-checks",
        "positive_data_acceptance",
        "--phases",
        "examples,coverage,fuzzing",  # the links lead out of search: none to follow
    )
