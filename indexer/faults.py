"""Faults on purpose: a run stopped dead at a chosen step, or a disk that fills up.

Tests that prove a run keeps the last commit must stop it at a known step, not after a
guessed sleep. With ``POLICY_SEARCH_CRASH_AT=<point>`` in its environment, a run that
reaches ``<point>`` kills its own process group with SIGKILL: the parent and its forked
workers die at once, nothing is cleaned up, nothing more is written (start the run in a
new session so the group is the run's own). ``<point>`` is a named place (``LOCK_HELD``,
``SEGMENT_WRITTEN``) or ``step:N``: right after the process's N-th durable step (a file
written and flushed to the disk, a rename made durable), as a power cut would fall.
``POLICY_SEARCH_PAUSE_AT=<point>`` stops the run at a named place instead (SIGSTOP),
holding what it holds, for a test to act on it meanwhile.
``POLICY_SEARCH_DISK_FULL_AT=N`` makes the process's N-th write to an index file, and
every one after it, fail with ``ENOSPC``, as a full disk does.
Unset, a point costs a dictionary lookup or two, and a write nothing (``storage``).
"""

from __future__ import annotations

import errno
import os
import signal

CRASH_VARIABLE = "POLICY_SEARCH_CRASH_AT"
PAUSE_VARIABLE = "POLICY_SEARCH_PAUSE_AT"  # stop (SIGSTOP) there instead: a run caught mid-way
DISK_FULL_VARIABLE = "POLICY_SEARCH_DISK_FULL_AT"
STEP = "step:"  # CRASH_VARIABLE's counted form: step:N
SEGMENT_WRITTEN = "segment-written"  # a worker has written a segment, not yet committed
LOCK_HELD = "lock-held"  # the run holds the index's write lock, nothing written yet

_writes = 0  # writes to index files by this process while a full disk is simulated
_steps = 0  # durable steps of this process while a power cut is simulated


def crash_point(point: str) -> None:
    """Die here, with the whole run, if the environment asks for ``point``; or stop
    here, holding whatever the run holds, until someone continues or kills it."""
    if os.environ.get(CRASH_VARIABLE) == point:
        _die()
    if os.environ.get(PAUSE_VARIABLE) == point:
        os.kill(os.getpid(), signal.SIGSTOP)


def step() -> None:
    """A durable step is done (a file written and synced, a rename made durable): die now
    if it is the step the environment names."""
    global _steps
    wanted = os.environ.get(CRASH_VARIABLE, "")
    if wanted.startswith(STEP):
        _steps += 1
        if _steps == int(wanted[len(STEP) :]):
            _die()


def disk_full_at() -> int | None:
    """The write from which on the disk is simulated full, if it is."""
    value = os.environ.get(DISK_FULL_VARIABLE)
    return int(value) if value else None


def before_write(path: str) -> None:
    """Fail as a full disk would, if the simulated disk is full by now."""
    global _writes
    at = disk_full_at()
    if at is not None:
        _writes += 1
        if _writes >= at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


def _die() -> None:
    os.killpg(os.getpgid(0), signal.SIGKILL)
