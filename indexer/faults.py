"""Crash points: a run stopped dead at a chosen step, as a power cut or ``kill -9`` would.

Tests that prove a run keeps the last commit must stop it at a known step, not after a
guessed sleep. With ``POLICY_SEARCH_CRASH_AT=<point>`` in its environment, a run that
reaches ``<point>`` kills its own process group with SIGKILL: the parent and its forked
workers die at once, nothing is cleaned up, nothing more is written (start the run in a
new session so the group is the run's own). ``POLICY_SEARCH_PAUSE_AT=<point>`` stops the
run there instead (SIGSTOP), holding what it holds, for a test to act on it meanwhile.
Unset, a point costs two dictionary lookups.
"""

from __future__ import annotations

import os
import signal

CRASH_VARIABLE = "POLICY_SEARCH_CRASH_AT"
PAUSE_VARIABLE = "POLICY_SEARCH_PAUSE_AT"  # stop (SIGSTOP) there instead: a run caught mid-way
SEGMENT_WRITTEN = "segment-written"  # a worker has written a segment, not yet committed
LOCK_HELD = "lock-held"  # the run holds the index's write lock, nothing written yet


def crash_point(point: str) -> None:
    """Die here, with the whole run, if the environment asks for ``point``; or stop
    here, holding whatever the run holds, until someone continues or kills it."""
    if os.environ.get(CRASH_VARIABLE) == point:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    if os.environ.get(PAUSE_VARIABLE) == point:
        os.kill(os.getpid(), signal.SIGSTOP)
