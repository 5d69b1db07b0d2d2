"""The dashboard served by a real Streamlit process on a free loopback port, for browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests import forked

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Ports of servers this process has stopped, offered again to the next server: the same origin
# lets Chromium reuse the Streamlit scripts it already holds (served "immutable"), where a new
# port is a new site whose scripts it fetches and compiles again.
_released: list[int] = []


def dashboard_port() -> int:
    """A free port for a dashboard server: one a stopped server used, where one is still free."""
    while _released:
        port = _released.pop()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    return free_port()


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextmanager
def serve(
    work: Path,
    db: Path,
    *,
    port: int | None = None,
    secrets: Path | None = None,
    python: str = sys.executable,
    script: str = "dashboard.py",
) -> Iterator[str]:
    """Start ``streamlit run dashboard.py`` on ``db`` and yield its base URL; stop it after.

    ``secrets`` is a secrets.toml for this server alone (sign-in tests); without it the server
    reads none, whatever the developer's own ``.streamlit/secrets.toml`` says. ``python`` is the
    interpreter that serves it (the clean install's, tests/clean_venv.py, for one test);
    ``script`` what ``streamlit run`` runs (serve.py: the dashboard with its calendar feed).
    A server that dies or never answers its health check fails the test with its own output.
    """
    port = port or dashboard_port()
    base = f"http://127.0.0.1:{port}"
    log_out = (work / "streamlit.stdout").open("w")
    log_err = (work / "streamlit.stderr").open("w")
    args = [
        "run", str(REPO / script),
        "--server.port", str(port), "--server.headless", "true",
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--secrets.files", str(secrets or work / "no-secrets.toml"),
    ]  # fmt: skip
    env = {**os.environ, "OUTCOMES_DB": str(db)}
    if python == sys.executable:  # forked with Streamlit and the dashboard already imported
        proc = forked.dashboard(args, env, work / "streamlit.stdout", work / "streamlit.stderr")
    else:  # another interpreter (the clean install's): a new process of its own
        proc = subprocess.Popen(
            [python, "-m", "streamlit", *args], cwd=REPO, env=env, stdout=log_out, stderr=log_err
        )

    def output() -> str:
        log_out.flush()
        log_err.flush()
        out = (work / "streamlit.stdout").read_text(errors="replace")[-4000:]
        err = (work / "streamlit.stderr").read_text(errors="replace")[-4000:]
        return f"--- stdout ---\n{out}\n--- stderr ---\n{err}"

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log_out.close()
        log_err.close()
        _released.append(port)

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not healthy(f"{base}/_stcore/health"):
        if proc.poll() is not None:
            text = output()
            stop()
            pytest.fail(
                f"streamlit exited with code {proc.returncode} before it was healthy\n{text}",
                pytrace=False,
            )
        if time.monotonic() > deadline:
            text = output()
            stop()
            pytest.fail(
                f"streamlit was not healthy after {STARTUP_TIMEOUT_S} s\n{text}", pytrace=False
            )
        time.sleep(0.25)
    try:
        yield base
    finally:
        stop()


@contextmanager
def serve_fresh_demo(
    work: Path, demo: Path, prepare: Callable[[Any], None] | None = None
) -> Iterator[str]:
    """A server of a test module's own, over a copy in ``work`` of the run's built demo
    (``demo``, the ``demo_built`` fixture); ``prepare(cursor)`` adds to the copy first."""
    from tests.copies import written

    db = work / "outcomes.duckdb"
    shutil.copyfile(demo, db)
    if prepare is not None:
        written(db, prepare)
    with serve(work, db) as base:
        yield base


@contextmanager
def oidc_provider(people: list[tuple[str, str]]) -> Iterator[str]:
    """A real OpenID Connect provider on a free localhost port (``oidc-provider-mock``) that
    knows each (e-mail address, name) in ``people``; yields its base address."""
    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub=email, claims={"email": email, "email_verified": True, "name": name})
        for email, name in people
    ]
    with run_server_in_thread(port=free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@contextmanager
def serve_signed_in(
    work: Path, db: Path, provider: str, *, python: str = sys.executable
) -> Iterator[str]:
    """The dashboard over ``db`` with sign-in configured against ``provider`` (a secrets.toml
    of its own, button "Sign in with Council"); yields its base URL."""
    port = dashboard_port()
    secrets = work / "secrets.toml"
    secrets.write_text(
        f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-test-secret-that-is-long-enough-to-sign-cookies"

[auth.council]
client_id = "outcomes-dashboard"
client_secret = "not-a-real-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""",
        encoding="utf-8",
    )
    with serve(work, db, port=port, secrets=secrets, python=python) as base:
        yield base


def sign_in_with_provider(
    page: Any, base: str, who: str, wait_for_app: Any, expect: Any, path: str = "/"
) -> None:
    """Open ``path`` as an anonymous visitor, and sign in there as ``who`` through the
    provider of :func:`serve_signed_in`, choosing the account on its page as a person would."""
    import re

    page.goto(f"{base}{path}")
    wait_for_app(page, h1="Sign in")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_role("button", name="Sign in with Council").click()
    page.get_by_role("button", name=who, exact=True).click()
    page.wait_for_url(re.compile(re.escape(base) + r"/.*$"))
