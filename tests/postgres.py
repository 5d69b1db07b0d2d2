"""A throwaway PostgreSQL cluster for the tests: ``initdb`` and ``pg_ctl`` from Debian's
packages, on a free localhost port, under a temporary directory, stopped when the run ends.

initdb refuses to run as root, and CI runs as root: then the cluster belongs to ``nobody``,
its folder is handed over to that user, and every server program runs with its uid. With
``CI=true`` a cluster that cannot be started fails the tests that need it; elsewhere they skip.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "outcomes"


def bindir() -> Path | None:
    """Where Debian keeps the server programs (newest version first), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    if shutil.which("pg_config"):
        said = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if said.returncode == 0 and (Path(said.stdout.strip()) / "initdb").exists():
            return Path(said.stdout.strip())
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_unprivileged() -> tuple[int, int] | None:
    """The uid/gid the server programs run as: ``nobody`` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    who = pwd.getpwnam("nobody")
    return who.pw_uid, who.pw_gid


@dataclass
class Cluster:
    folder: Path
    port: int
    bindir: Path
    ids: tuple[int, int] | None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        ids = self.ids

        def drop() -> None:
            if ids:
                os.setgid(ids[1])
                os.setgroups([])
                os.setuid(ids[0])

        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            preexec_fn=drop if ids else None,
            capture_output=True,
            text=True,
            check=check,
            cwd=self.folder,
            timeout=120,
        )

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.folder / "data"), "-m", "immediate", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """A running cluster of our own, trusting local connections (it listens on 127.0.0.1
    only and lives for one test run)."""
    where = bindir()
    if where is None:
        raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="outcomes-pg-"))
    ids = _as_unprivileged()
    if ids:
        os.chown(folder, *ids)
    cluster = Cluster(folder=folder, port=_free_port(), bindir=where, ids=ids)
    data = str(folder / "data")
    try:
        cluster._run(
            "initdb", "-D", data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        cluster._run("pg_ctl", "start", "-D", data, "-o", options, "-l", str(folder / "log"), "-w")
    except subprocess.CalledProcessError as err:
        log = folder / "log"
        said = log.read_text() if log.exists() else ""
        cluster.stop()
        raise RuntimeError(f"PostgreSQL did not start: {err.stderr or err.stdout}{said}") from None
    _wait(cluster)
    return cluster


def _wait(cluster: Cluster) -> None:
    import psycopg

    for _ in range(100):
        try:
            psycopg.connect(cluster.url(), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.1)
    raise RuntimeError("PostgreSQL started but accepts no connections")


_cluster: Cluster | None = None
_failed: str | None = None


def server() -> Cluster:
    """This test process's cluster, started on first use and stopped when the process ends.
    Without one: under ``CI=true`` the test fails, elsewhere it is skipped with the reason."""
    global _cluster, _failed
    import pytest

    if _cluster is None and _failed is None:
        try:
            _cluster = start()
            atexit.register(_cluster.stop)
        except (RuntimeError, OSError, subprocess.SubprocessError) as err:
            _failed = str(err)
    if _cluster is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{_failed} (CI=true, so the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(_failed)
    return _cluster


_names = itertools.count(1)


def new_database(template: str | None = None) -> str:
    """A database of its own (a copy of ``template`` if given, which costs a file copy on the
    server, not a build); returns its URL."""
    import psycopg

    cluster = server()
    name = f"t{os.getpid()}_{next(_names)}"
    copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
    with psycopg.connect(cluster.url(), autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}{copy}")
    return cluster.url(name)


def name_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def copy_of(url: str) -> str:
    """A database of its own holding what the (closed) database at ``url`` holds."""
    return new_database(name_of(url))


def drop(url: object) -> None:
    """Drop a test's own database once it is closed (nothing on DuckDB)."""
    if not (isinstance(url, str) and url.startswith("postgresql://")) or _cluster is None:
        return
    import psycopg

    with psycopg.connect(_cluster.url(), autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name_of(url)} WITH (FORCE)")


def nobody_listening() -> str:
    """The URL of a PostgreSQL server that is not there: a free port on this machine."""
    return f"postgresql://{SUPERUSER}@127.0.0.1:{_free_port()}/outcomes"
