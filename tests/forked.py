"""The command line as real processes, without paying Python's start for each one.

A test that kills the command line part-way through, or holds it to a memory ceiling, needs a
real process: one the operating system can kill or cap. Starting ``python -m outcomes`` costs
about 1.7 s of CPU in imports before any work, and the tests that need it start a dozen. Here a
helper process imports the command line once (per test process), then forks a child for each
command: a real process with its own pid, exit code, streams and limits, which starts with the
imports already done. The helper is single-threaded and holds no database, so a child inherits
no threads, locks or connections (as ``loaders.isolation``'s fork server does for the readers).

The few smoke tests of the real executable keep ``tests.cli.outcomes_process``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from outcomes.storage.store import PROJECT_ROOT

# The helper: reads one request a line, answers one line. {"run": ...} forks a child and answers
# its pid; {"wait": pid} answers its exit code once it has ended (negative: the signal).
HELPER = r"""
import json, os, resource, sys, traceback
from outcomes.cli import main

def child(job):
    for fd, name in ((1, "stdout"), (2, "stderr")):
        os.dup2(os.open(job[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.environ.clear()
    os.environ.update(job["env"])
    if job["memory"]:
        resource.setrlimit(resource.RLIMIT_AS, (job["memory"], job["memory"]))
    try:
        code = main(job["args"])
    except SystemExit as stop:
        code = stop.code
        if isinstance(code, str):
            print(code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)

print("ready", flush=True)
for line in sys.stdin:
    asked = json.loads(line)
    if "run" in asked:
        pid = os.fork()
        if pid == 0:
            child(asked["run"])
        print(pid, flush=True)
    else:
        _, status = os.waitpid(asked["wait"], 0)
        print(os.waitstatus_to_exitcode(status), flush=True)
"""

_helper: subprocess.Popen | None = None


def _ask(request: dict) -> int:
    global _helper
    if _helper is None or _helper.poll() is not None:
        _helper = subprocess.Popen(
            [sys.executable, "-c", HELPER],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        atexit.register(_stop, _helper)
        assert _helper.stdout.readline().strip() == "ready"
    _helper.stdin.write(json.dumps(request) + "\n")
    _helper.stdin.flush()
    return int(_helper.stdout.readline())


def _stop(helper: subprocess.Popen) -> None:
    """End the helper (it leaves when its stdin closes), so its CPU counts as this process's."""
    helper.stdin.close()
    try:
        helper.wait(timeout=10)
    except subprocess.TimeoutExpired:
        helper.kill()


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@dataclass
class Command:
    """A command line running in a process of its own (``pid``); ``wait`` for its ending."""

    args: list[str]
    pid: int
    folder: Path
    returncode: int | None = None

    def wait(self, timeout: float = 120) -> subprocess.CompletedProcess:
        """Its ending; one that has not ended within ``timeout`` seconds is killed (a hang then
        fails its test with -9 instead of stopping the run)."""
        if self.returncode is None:
            hung = threading.Timer(timeout, _kill, (self.pid,))
            hung.start()
            try:
                self.returncode = _ask({"wait": self.pid})
            finally:
                hung.cancel()
        out, err = ((self.folder / name).read_text() for name in ("stdout", "stderr"))
        shutil.rmtree(self.folder, ignore_errors=True)
        return subprocess.CompletedProcess(
            ["python", "-m", "outcomes", *self.args], self.returncode, out, err
        )


def start(*args: str, env: Mapping[str, str] | None = None, memory: int | None = None) -> Command:
    """``python -m outcomes ARGS`` started as a process of its own, with ``env`` (default: this
    one's) and at most ``memory`` bytes of address space."""
    folder = Path(tempfile.mkdtemp(prefix="outcomes-forked-"))
    job = {
        "args": list(args),
        "env": dict(os.environ if env is None else env),
        "memory": memory,
        "stdout": str(folder / "stdout"),
        "stderr": str(folder / "stderr"),
    }
    return Command(list(args), _ask({"run": job}), folder)


def run(*args: str, **options) -> subprocess.CompletedProcess:
    """``python -m outcomes ARGS`` in a process of its own, to its end."""
    return start(*args, **options).wait()
