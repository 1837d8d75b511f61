"""Installing: a fresh `pip install -e .` (the two README commands) prints nothing but
real problems."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_editable_build_warns_about_nothing(tmp_path):
    """pip shows the build backend's warnings on every fresh install, even with --quiet:
    the packages' layout must not make setuptools fall back to a meta path finder with
    its multi-line "Editable installation" warning."""
    build = "import setuptools.build_meta as backend, sys; backend.build_editable(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", build, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Editable installation" not in done.stderr, done.stderr
    assert list(tmp_path.glob("policy_search-*.whl"))
