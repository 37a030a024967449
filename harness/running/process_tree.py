"""A run's processes, found with psutil and killed as one tree: the leader's descendants, its
process group (POSIX) and every process carrying the run's tag in its environment."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time

import psutil

from harness.running.environment import RUN_TAG
from harness.running.spec import HarnessError


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie has exited and only awaits reaping."""
    try:
        return _running(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def _running(p: psutil.Process) -> bool:
    """``p`` (not another process that got its pid since) still runs."""
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:  # ZombieProcess (macOS) is one too
        return False


def group_members(pgid: int) -> list[psutil.Process]:
    """Processes in process group ``pgid`` (POSIX): orphans re-parented away
    from the tree are still there."""
    if os.name == "nt":
        return []
    try:
        # One system call answers the usual case (the group is empty).
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return []
    except PermissionError:
        pass  # a member we may not signal is still a member
    members = []
    for pid in psutil.pids():
        with contextlib.suppress(OSError, psutil.NoSuchProcess):  # gone meanwhile
            if os.getpgid(pid) == pgid:
                members.append(psutil.Process(pid))
    return members


def tagged(tag: str, since: float) -> list[psutil.Process]:
    """The processes started at ``since`` (a psutil create_time) or later whose environment
    carries ``tag`` as RUN_TAG.  Only those are read: reading every process's environment
    would cost several times as much."""
    found = []
    for p in psutil.process_iter():  # its processes know their create_time from the last call
        with contextlib.suppress(psutil.AccessDenied, psutil.NoSuchProcess):  # ZombieProcess is one too
            if p.create_time() >= since and p.environ().get(RUN_TAG) == tag:
                found.append(p)
    return found


class ProcessTree:
    """The processes of one run: the leader's descendants, remembered from
    every look while the leader runs (Windows has no process groups to find
    an orphan by), on POSIX every member of the leader's process group, and,
    at the end of the run, every process carrying the run's tag."""

    def __init__(self, leader: subprocess.Popen[bytes], tag: str) -> None:
        self.leader = leader
        self.stopped = ""  # why stop_runs_in_flight() killed the tree
        self._tag = tag
        self._seen: dict[int, psutil.Process] = {}
        self._lock = threading.Lock()  # stop_runs_in_flight() looks from another thread
        try:
            # A second early, for the rounding of start times: a process of the run starts after its leader.
            self._since = psutil.Process(leader.pid).create_time() - 1.0
        except psutil.Error:  # the leader already ended: read every process's environment
            self._since = 0.0

    def look(self) -> None:
        """Remember the leader's descendants; once it is reaped its pid may be another's."""
        if self.leader.returncode is not None:
            return
        try:
            root = psutil.Process(self.leader.pid)
            found = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        self._remember(found)

    def _remember(self, found: list[psutil.Process]) -> None:
        with self._lock:
            for p in found:
                self._seen.setdefault(p.pid, p)

    def alive(self) -> list[psutil.Process]:
        self.look()
        with self._lock:
            members = dict(self._seen)
        members.update((p.pid, p) for p in group_members(self.leader.pid))
        return [p for p in members.values() if _running(p)]

    def alive_tagged(self) -> list[psutil.Process]:
        """The running processes that carry the run's tag, remembered from now on.  It reads
        the environment of every process started since the run: not for each look."""
        found = tagged(self._tag, self._since)
        self._remember(found)
        return [p for p in found if _running(p)]

    def alive_after(self, grace: float) -> list[psutil.Process]:
        """Polled for up to ``grace`` seconds until none is left (an orphan closes
        its output a moment before it is gone)."""
        grace_ends = time.monotonic() + grace
        while True:
            alive = self.alive()
            if not alive or time.monotonic() >= grace_ends:
                return alive
            time.sleep(0.01)

    def kill(self, members: list[psutil.Process]) -> None:
        """SIGKILL the process group where there is one, and each member.  A refusal is no
        error: macOS refuses to signal a group that holds only zombies, Windows to end a
        process that is already ending; kill_tree() names any member that really survives."""
        if os.name != "nt":
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.leader.pid, signal.SIGKILL)
        for p in members:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                p.kill()


KILL_WAIT = 5.0  # seconds for killed processes to disappear

# The exit status of a process the harness killed: -SIGKILL on POSIX; on Windows psutil's
# kill() is TerminateProcess(handle, SIGTERM), so the status is 15.
KILLED_STATUS = signal.SIGTERM if os.name == "nt" else -signal.SIGKILL


def kill_tree(tree: ProcessTree, grace: float) -> list[int]:
    """Kill every process of the run; return the pids still alive after
    ``grace`` seconds (the leader's, while it had not exited)."""
    tree.alive_tagged()
    left = [p.pid for p in tree.alive_after(grace)]
    # Killing is asynchronous, and a dying parent may still start a child:
    # return only once nothing of the run is left, the tagged processes looked for last.
    gone_by = time.monotonic() + KILL_WAIT
    while True:
        alive = tree.alive() or tree.alive_tagged()
        if not alive:
            break
        if time.monotonic() >= gone_by:
            raise HarnessError(
                f"processes {[p.pid for p in alive]} of run {tree.leader.pid} survived SIGKILL for {KILL_WAIT:.0f} s"
            )
        tree.kill(alive)
        time.sleep(0.01)
    if tree.leader.returncode is None:
        tree.leader.wait()
    return left
