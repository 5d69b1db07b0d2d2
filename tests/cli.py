"""The command line for the tests: ``outcomes.cli.main`` called in the test process, as a person's
``python -m outcomes ...`` would run it, or the real executable for the few smoke tests.

Both return a :class:`subprocess.CompletedProcess` (``returncode``, ``stdout``, ``stderr``), so a
test reads the same whichever way the command ran. In the test process a command costs its own
work only; a real process adds Python's start and every import (seconds each on this machine).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping

from outcomes.storage.store import PROJECT_ROOT


@contextlib.contextmanager
def _as_a_process(env: Mapping[str, str] | None) -> Iterator[None]:
    """The environment (all of it, as ``subprocess.run(env=...)`` gives it) and the working
    folder of a process started from the project, put back afterwards."""
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    os.chdir(PROJECT_ROOT)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def outcomes(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m outcomes ARGS`` run in this process: its exit code, stdout and stderr."""
    from outcomes.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _as_a_process(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse: --help, or arguments it cannot parse
            code = stop.code
            if isinstance(code, str):
                print(code, file=sys.stderr)
                code = 1
        except Exception:  # what the interpreter would print before exiting with 1
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess(
        ["python", "-m", "outcomes", *args], code or 0, out.getvalue(), err.getvalue()
    )


def outcomes_process(
    *args: str, env: Mapping[str, str] | None = None, **options
) -> subprocess.CompletedProcess:
    """``python -m outcomes ARGS`` as a real process (the smoke tests of the executable)."""
    return subprocess.run(
        [sys.executable, "-m", "outcomes", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=None if env is None else dict(env),
        timeout=120,
        **options,
    )
