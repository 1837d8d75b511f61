"""Crash points: a run stopped dead at a chosen step, as a power cut or ``kill -9`` would.

Tests that prove a run keeps the last commit must stop it at a known step, not after a
guessed sleep. With ``POLICY_SEARCH_CRASH_AT=<point>`` in its environment, a run that
reaches ``<point>`` kills its own process group with SIGKILL: the parent and its forked
workers die at once, nothing is cleaned up, nothing more is written (start the run in a
new session so the group is the run's own). Unset, a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

CRASH_VARIABLE = "POLICY_SEARCH_CRASH_AT"
SEGMENT_WRITTEN = "segment-written"  # a worker has written a segment, not yet committed


def crash_point(point: str) -> None:
    """Die here, with the whole run, if the environment asks for ``point``."""
    if os.environ.get(CRASH_VARIABLE) == point:
        os.killpg(os.getpgid(0), signal.SIGKILL)
