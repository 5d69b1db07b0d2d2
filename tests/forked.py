"""The command line as real processes, without paying Python's start for each one.

A test that kills the command line part-way through, or holds it to a memory ceiling, needs a
real process: one the operating system can kill or cap. Starting ``python -m outcomes`` costs
about 1.7 s of CPU in imports before any work, and the tests that need it start a dozen. Here a
helper process imports the command line once (per test process), then forks a child for each
command: a real process with its own pid, exit code, streams and limits, which starts with the
imports already done. The helper is single-threaded and holds no database, so a child inherits
no threads, locks or connections (as ``loaders.isolation``'s fork server does for the readers).

The few smoke tests of the real executable keep ``tests.cli.outcomes_process``.

The browser tests' dashboard servers are started the same way, from a second helper that has
imported Streamlit's server and the dashboard's own modules (``dashboard``): each server is a
real ``streamlit run`` process on its own port and database, without the two seconds of imports
a new interpreter spends before it answers.
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
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from outcomes.storage.store import PROJECT_ROOT

# The helper: reads one request a line, answers one line. {"run": ...} forks a child and answers
# its pid; {"wait": pid} answers its exit code once it has ended (negative: the signal).
HELPER = r"""
import json, os, resource, sys, traceback
IMPORTS

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
        pid, status = os.waitpid(asked["wait"], 0 if asked.get("block", True) else os.WNOHANG)
        print(os.waitstatus_to_exitcode(status) if pid else "running", flush=True)
"""

# What each helper imports before it forks: the command line's ``main``, or Streamlit's (its
# ``main`` runs ``streamlit run``) with every module of ui/ that the dashboard's pages import.
IMPORTS = {
    "cli": "from outcomes.cli import main",
    "dashboard": (
        "import importlib, pkgutil, ui\n"
        "from streamlit.web.cli import main as streamlit_run\n"
        "import streamlit.web.bootstrap, streamlit.web.server.server\n"
        "for found in pkgutil.iter_modules(ui.__path__):\n"
        "    importlib.import_module(f'ui.{found.name}')\n"
        "def main(args):\n"
        "    sys.argv = ['streamlit', *args]\n"
        "    return streamlit_run(args, standalone_mode=False)\n"
    ),
}

_helpers: dict[str, subprocess.Popen] = {}
_asking = threading.Lock()  # one question and its answer at a time on a helper's pipes


def _ask(request: dict, kind: str = "cli") -> str:
    with _asking:
        helper = _helpers.get(kind)
        if helper is None or helper.poll() is not None:
            helper = _helpers[kind] = subprocess.Popen(
                [sys.executable, "-c", HELPER.replace("IMPORTS", IMPORTS[kind])],
                cwd=PROJECT_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            atexit.register(_stop, helper)
            assert helper.stdout.readline().strip() == "ready"
        helper.stdin.write(json.dumps(request) + "\n")
        helper.stdin.flush()
        return helper.stdout.readline().strip()


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
                self.returncode = int(_ask({"wait": self.pid}))
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
    return Command(list(args), int(_ask({"run": job})), folder)


def run(*args: str, **options) -> subprocess.CompletedProcess:
    """``python -m outcomes ARGS`` in a process of its own, to its end."""
    return start(*args, **options).wait()


@dataclass
class Dashboard:
    """``streamlit run`` serving the dashboard in a process of its own (``pid``), forked from
    the dashboard helper; what ``subprocess.Popen`` offers that tests/browser/server.py uses."""

    pid: int
    returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            said = _ask({"wait": self.pid, "block": False}, "dashboard")
            self.returncode = None if said == "running" else int(said)
        return self.returncode

    def terminate(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)

    def kill(self) -> None:
        _kill(self.pid)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(["streamlit", "run"], timeout)
            time.sleep(0.05)
        return self.returncode


def dashboard(args: list[str], env: Mapping[str, str], stdout: Path, stderr: Path) -> Dashboard:
    """``streamlit run ARGS`` with ``env``, its output to the files ``stdout`` and ``stderr``."""
    job = {"args": args, "env": dict(env), "memory": None}
    job |= {"stdout": str(stdout), "stderr": str(stderr)}
    return Dashboard(int(_ask({"run": job}, "dashboard")))
