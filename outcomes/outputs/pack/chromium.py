"""Charts for the pack: plotly figures drawn by kaleido through one headless Chromium.

The PDF takes each chart as a PDF page (vector: its tick labels are text, sharp at any zoom);
the PowerPoint takes PNGs. Either way the axes are laid out for print first (``for_print``): the
tick labels get the margin they need, so "400" never prints as its last digit.

Kaleido drives ``/usr/bin/chromium`` on Debian, or wherever its ``BROWSER_PATH`` points; a
browser is never downloaded. One browser stays open for the whole pack: about 0.3 s a chart
instead of several seconds to start a browser for each. The workbook has no charts and never
starts one.

A chart already drawn is not drawn again: the pictures are kept by what was asked (the figure as
printed, the format, the size and the browser), up to ``CACHE_BYTES`` in all, least recently
used first out. A pack redrawn while its figures stand still (the PDF and then the slides, or
the same pack downloaded twice) costs its text alone; a chart whose figures changed is a
different request and is drawn afresh. A pack made only of pictures already drawn starts no
browser.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outcomes.errors import PackError
from outcomes.outputs import charts

if TYPE_CHECKING:
    from outcomes.outputs.snapshot import Snapshot

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_SERVER_LOCK = threading.Lock()  # guards the kaleido server's users and start/stop
_RENDER_LOCK = threading.Lock()  # the sync server answers one caller at a time
_server: dict[str, Any] = {"users": 0, "ours": False, "path": None}
# A process that makes pack after pack (the test suite) keeps its browser between them, and
# stops it with stop_kept_browser(): starting Chromium takes seconds, a chart a fraction of one.
# The dashboard stops it after each pack, so no browser idles beside the server.
KEEP_BETWEEN_PACKS = False
START_TIMEOUT = 120.0  # seconds for Chromium to start and draw the first chart
CHART_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
CACHE_BYTES = 64 * 1024 * 1024  # a pack's charts are tens of kB each: hundreds of charts
_drawn: OrderedDict[str, bytes] = OrderedDict()  # request's key -> picture, oldest first
_DRAWN_LOCK = threading.Lock()


def find_chromium() -> str:
    """The browser kaleido will drive: kaleido's ``BROWSER_PATH`` if set, else one on the PATH,
    else Debian's ``/usr/bin/chromium``. Never downloads one."""
    chosen = os.environ.get("BROWSER_PATH", "").strip()
    if chosen:
        if Path(chosen).is_file() and os.access(chosen, os.X_OK):
            return chosen
        raise PackError.worded("browser-path-invalid", chosen=chosen)
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.access(path, os.X_OK):
            return path
    raise PackError.worded("chromium-missing")


def _server_alive() -> bool:
    import kaleido

    thread = getattr(getattr(kaleido, "_global_server", None), "_thread", None)
    return thread is None or thread.is_alive()


def _watched(fn: Callable[[], Any], timeout: float, path: str) -> Any:
    """Run a render with a deadline: kaleido's sync server waits for ever if its browser died."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # handed back to the caller below
            box["error"] = err

    worker = threading.Thread(target=run, name="board-pack-chart", daemon=True)
    worker.start()
    deadline = time.monotonic() + timeout
    while worker.is_alive():
        worker.join(0.05)
        if worker.is_alive() and not _server_alive():
            raise PackError.worded("chromium-failed", "stopped", path=path)
        if time.monotonic() > deadline:
            raise PackError.worded(
                "chromium-failed", "timeout", path=path, timeout=format(timeout, ".0f")
            )
    if "error" in box:
        err = box["error"]
        raise PackError.worded(
            "chromium-failed", path=path, kind=type(err).__name__, err=err
        ) from err
    return box["value"]


class Charts:
    """Plotly figures drawn as PNG or PDF, one browser for the whole pack (started at the first
    chart)."""

    def __init__(self) -> None:
        self.count = 0  # charts in the pack
        self.drawn = 0  # of which drawn by the browser (the rest were kept from before)
        self.seconds = 0.0
        self._path: str | None = None

    def __enter__(self) -> Charts:
        return self

    def __exit__(self, kind: Any, *exc: Any) -> None:
        if self._path is not None:
            self._path = None
            _release_server(failed=kind is not None)

    def png(self, fig: Any, width: int, height: int, scale: float = 2) -> bytes:
        return self.draw(fig, "png", width, height, scale)

    def pdf(self, fig: Any, width: int, height: int) -> bytes:
        """The chart as a one-page PDF, ``width`` x ``height`` CSS pixels (0.75 pt each)."""
        return self.draw(fig, "pdf", width, height, 1)

    def draw(self, fig: Any, fmt: str, width: int, height: int, scale: float) -> bytes:
        started = time.perf_counter()
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        spec = for_print(fig)
        key = _key(spec, opts, find_chromium())
        data = _kept(key)
        if data is None:
            data = self._render(spec, opts)
            _keep(key, data)
        self.count += 1
        self.seconds += time.perf_counter() - started
        return data

    def _render(self, spec: dict[str, Any], opts: dict[str, Any]) -> bytes:
        first = self._path is None
        if first:
            self._path = _acquire_server()
        import kaleido

        with _RENDER_LOCK:
            data = _watched(
                lambda: kaleido.calc_fig_sync(spec, opts=opts),
                START_TIMEOUT if first else CHART_TIMEOUT,
                self._path,
            )
        self.drawn += 1
        return data


def _key(spec: dict[str, Any], opts: dict[str, Any], browser: str) -> str:
    """What decides the picture: the figure as printed, the format and size, and the browser.

    >>> import plotly.graph_objects as go
    >>> a = for_print(go.Figure(go.Scatter(y=[1, 2])))
    >>> b = for_print(go.Figure(go.Scatter(y=[1, 3])))
    >>> png = {"format": "png", "width": 600, "height": 300, "scale": 2}
    >>> _key(a, png, "/usr/bin/chromium") == _key(for_print(go.Figure(go.Scatter(y=[1, 2]))), png, "/usr/bin/chromium")
    True
    >>> len({_key(a, png, "c"), _key(b, png, "c"), _key(a, {**png, "width": 601}, "c"), _key(a, png, "d")})
    4
    """
    import plotly.io

    asked = json.dumps({"opts": opts, "browser": browser}, sort_keys=True)
    return hashlib.sha256((plotly.io.to_json(spec, engine="json") + asked).encode()).hexdigest()


def _kept(key: str) -> bytes | None:
    with _DRAWN_LOCK:
        data = _drawn.get(key)
        if data is not None:
            _drawn.move_to_end(key)
        return data


def _keep(key: str, data: bytes) -> None:
    with _DRAWN_LOCK:
        _drawn[key] = data
        _drawn.move_to_end(key)
        total = sum(len(d) for d in _drawn.values())
        while total > CACHE_BYTES and len(_drawn) > 1:
            total -= len(_drawn.popitem(last=False)[1])


def forget_drawn() -> None:
    """Drop every kept picture (the next chart of each kind is drawn afresh)."""
    with _DRAWN_LOCK:
        _drawn.clear()


def for_print(fig: Any) -> dict[str, Any]:
    """The figure as kaleido draws it: every axis makes room for its tick labels.

    The page's figures keep a 10 px margin; without automargin an exported chart's y-axis
    labels are cut at the left edge, so 400 reads "0" and 75% reads "%".

    >>> import plotly.graph_objects as go
    >>> spec = for_print(go.Figure(go.Scatter(y=[100, 400])))
    >>> spec["layout"]["yaxis"]["automargin"], spec["layout"]["xaxis"]["automargin"]
    (True, True)
    """
    spec = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
    layout = spec.setdefault("layout", {})
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout.get(axis, {}), "automargin": True}
    margin = layout.get("margin") or {}
    # A little room beyond the labels themselves: the left label sits clear of the edge.
    layout["margin"] = {**margin, "l": max(margin.get("l", 0), 16), "pad": 4}
    return spec


def _acquire_server() -> str:
    path = find_chromium()
    try:
        import kaleido
    except ImportError:
        raise PackError.worded("kaleido-missing") from None
    with _SERVER_LOCK:
        if _server["users"] == 0:
            running = getattr(getattr(kaleido, "_global_server", None), "is_running", None)
            alive = running is not None and running()
            if alive and _server["ours"] and _server["path"] != path:
                _stop_server()  # kept from an earlier pack, but another browser is asked for now
                alive = False
            if not alive:
                try:
                    kaleido.start_sync_server(path=path, mathjax=False, silence_warnings=True)
                except Exception as err:
                    raise PackError.worded("chromium-failed", "start", path=path, err=err) from err
                _server.update(ours=True, path=path)
            # else someone else's server, or ours kept between packs: use it, leave it running
        _server["users"] += 1
    return path


def _release_server(failed: bool = False) -> None:
    """One pack done with the browser; the last one stops it, unless it is kept between packs
    and the pack did not fail (a browser that failed once is never lent again)."""
    with _SERVER_LOCK:
        _server["users"] = max(0, _server["users"] - 1)
        keep = KEEP_BETWEEN_PACKS and not failed
        if _server["users"] == 0 and _server["ours"] and not keep:
            _stop_server()


def stop_kept_browser() -> None:
    """Stop the browser ``KEEP_BETWEEN_PACKS`` kept running, unless a pack is drawing with it."""
    with _SERVER_LOCK:
        if _server["users"] == 0 and _server["ours"]:
            _stop_server()


def _stop_server() -> None:
    """Stop our kaleido server; the caller holds ``_SERVER_LOCK``."""
    import kaleido

    _server.update(ours=False, path=None)
    # Stopping waits for the browser's thread; one that never started would wait for ever,
    # so give up after a while and let the next pack start a fresh server.
    stopper = threading.Thread(
        target=kaleido.stop_sync_server,
        kwargs={"silence_warnings": True},
        name="board-pack-stop",
        daemon=True,
    )
    stopper.start()
    stopper.join(STOP_TIMEOUT)
    if stopper.is_alive():
        server = getattr(kaleido, "_global_server", None)
        if server is not None:
            server._initialized = False


def render_one_shot(fig: Any, width: int, height: int, scale: float = 2) -> bytes:
    """A chart drawn by a browser started for it alone (for comparison: see bench/bench_pack.py)."""
    import kaleido

    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    return kaleido.calc_fig_sync(
        for_print(fig), opts=opts, kopts={"path": find_chromium(), "mathjax": False}
    )


def trend_chart(
    snap: Snapshot, drawer: Charts, code: str, width: int, height: int, fmt: str = "png", **kw: Any
) -> bytes | None:
    """An indicator's trend chart as the snapshot saw it (PNG, or PDF for the PDF pack), or
    None when it has no figures."""
    ind = snap.indicator_detail(code)
    hist = snap.history(code)
    if ind is None or hist.empty or hist["value"].isna().all():
        return None
    fig = charts.trend(hist, ind, height=height, font_size=kw.pop("font_size", 16))
    if fmt == "pdf":
        return drawer.pdf(fig, width, height)
    return drawer.png(fig, width, height, kw.pop("scale", 2))
