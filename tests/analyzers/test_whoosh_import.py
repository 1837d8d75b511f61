"""Whoosh is imported without the web stack its ``compat`` module pulls in, and what
that stand-in replaces still works (``analyzers.whoosh_import``)."""

import subprocess
import sys

SCRIPT = """
import sys
import indexer.cli, indexer.api, analyzers.chains
held = sorted(m for m in ("urllib.request", "ssl", "http.client", "email") if m in sys.modules)
print(",".join(held) or "none")
import whoosh.compat
whoosh.compat.urlretrieve(sys.argv[1], sys.argv[2])  # loads the real one when called
import urllib.request
print(urllib.request.urlopen.__module__, open(sys.argv[2], encoding="utf-8").read())
"""


def test_commands_start_without_urllib_request_and_it_still_works(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("营商环境", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, source.as_uri(), str(tmp_path / "copy.txt")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert out[0] == "none"
    assert out[1] == "urllib.request 营商环境"
