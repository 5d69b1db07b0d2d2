"""Every file a person sends is read in a child process with a memory ceiling and a time limit.

The limits in :mod:`loaders.files` are measured from a file's own structure before any reader
allocates anything, but they only stop the tricks someone foresaw. The next one (a spelling no
check knows, a bug in a reader's C or Rust code) must still not take the server down for
everyone. So the reading itself happens in a child process that the operating system holds to
:data:`READ_LIMITS`: address space by ``RLIMIT_AS`` and CPU by ``RLIMIT_CPU``, with the parent
also ending it when the wall-clock limit passes. A child that dies, runs out of memory or time
is reported as the file's problem ("could not be read within the limits"); nothing is written
and the server carries on.

Children come from a fork server started once per process (``multiprocessing``'s
``forkserver``): a fresh interpreter with the readers already imported, so a child starts in
milliseconds and never inherits a server's threads, locks or database connections.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import spawn
from typing import Any, TypeVar

from loaders.problems import FileRefused, problem

T = TypeVar("T")
#: why a reading was stopped, for whoever runs the server (the person sees the limits)
_log = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


@dataclass(frozen=True)
class ReadLimits:
    """What reading one file may take, beyond the reader's own code already in memory."""

    #: megabytes of memory (address space) a file's reading may add
    memory_mb: int = _setting("OUTCOMES_READ_MEMORY_MB", 1024)
    #: seconds of CPU a file's reading may take (the clock may run to twice that, for a server
    #: busy with other work)
    seconds: int = _setting("OUTCOMES_READ_SECONDS", 60)


READ_LIMITS = ReadLimits()

#: imported once by the fork server, so each child starts with the readers in memory. The
#: program's own main module too: a child whose main module is already the one it was started
#: from does not run it again (for `streamlit run`, that is half a second a file).
PRELOAD = [
    "pandas",
    "python_calamine",
    "loaders.files",
    "loaders.returns",
    "loaders.police_uk",
    "loaders.ons_csp",
    "loaders.fingertips",
    "loaders.reading",
    # The modules whose readers run in the child (by name only: loaders never imports them),
    # so a child starts with them imported instead of importing them for every file.
    "outcomes.workflows.framework.formats",
    "outcomes.workflows.uploads.reading",
    "outcomes.workflows.actions",
]

_context: Any = None


def _fork_server():
    global _context
    if _context is None:
        # Arrow's default pool (mimalloc) reserves a whole 1 GiB arena of address space when it
        # first grows, which the child's ceiling refuses for a 2 KB file. The child switches to
        # the system allocator, but a module the server preloads may have made the default pool
        # already; named in the environment before the server starts, mimalloc is never used.
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _context = context
    return _context


_starting = threading.Lock()


@contextmanager
def _no_main() -> Iterator[None]:
    """Start a child without the parent's ``__main__``. multiprocessing would otherwise run the
    parent's main script again in the child (and in the fork server when it starts): under
    ``streamlit run`` that is the page being drawn (Streamlit makes each page script
    ``__main__``), and in a test run whatever script a test ran last. The reader needs none of
    it: ``func`` is a module-level function the child imports by name."""
    original = spawn.get_preparation_data

    def without_main(name: str) -> dict:
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    with _starting:
        spawn.get_preparation_data = without_main
        try:
            yield
        finally:
            spawn.get_preparation_data = original


def _virtual_memory() -> int:
    """This process's address space now, in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _system_allocator() -> None:
    """Arrow's own allocators reserve large regions of address space up front, which a ceiling
    on address space refuses even for a small file; the system allocator takes what it uses."""
    import pyarrow

    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def _child(conn, func: Callable[..., Any], args: tuple, kwargs: dict, limits: ReadLimits) -> None:
    try:
        _system_allocator()
        ceiling = _virtual_memory() + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.seconds, limits.seconds + 5))
        outcome: tuple[str, Any] = ("returned", func(*args, **kwargs))
    except MemoryError:
        outcome = ("beyond", None)
    except Exception as err:  # the parent raises it again, as the caller would have seen it
        outcome = ("raised", err)
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("beyond", None))
    except Exception as err:  # an exception that cannot be pickled is a reader's bug
        conn.send(("raised", RuntimeError(f"{type(err).__name__} from a reader: {err}")))
    finally:
        conn.close()


def beyond_limits(file: str, limits: ReadLimits = READ_LIMITS) -> FileRefused:
    return FileRefused(
        [
            problem(
                "beyond-reading-limits",
                file=file,
                memory=f"{limits.memory_mb:,} MB",
                seconds=f"{limits.seconds:,} s",
            )
        ]
    )


def read_isolated(
    func: Callable[..., T], *args: Any, file: str, limits: ReadLimits | None = None, **kwargs: Any
) -> T:
    """``func(*args, **kwargs)`` run in a child process held to ``limits``.

    Returns what it returns and raises what it raises (a refusal stays a refusal, of the same
    kind). If the child dies, runs out of memory or passes the time limit, raises
    :class:`FileRefused` naming ``file`` and the limits. ``func`` must be a module-level
    function, and its arguments and result picklable (a path, not an open file).
    """
    limits = limits or READ_LIMITS
    context = _fork_server()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(sender, func, args, kwargs, limits), name="outcomes-file-reader"
    )
    with _no_main():
        child.start()
    sender.close()
    try:
        if not receiver.poll(2 * limits.seconds):
            _log.warning("reading %s passed %s s on the clock; stopped", file, 2 * limits.seconds)
            raise beyond_limits(file, limits)
        try:
            kind, value = receiver.recv()
        except (EOFError, OSError):  # it died: killed by the OS, or a reader crashed
            child.join(5)
            _log.warning("reading %s ended the reader (exit code %s)", file, child.exitcode)
            raise beyond_limits(file, limits) from None
    finally:
        receiver.close()
        child.kill()  # gone already is fine: it may have ended between the reply and now
        child.join()
    if kind == "beyond":
        _log.warning("reading %s ran out of its %s MB", file, limits.memory_mb)
        raise beyond_limits(file, limits)
    if kind == "raised":
        raise value
    return value
