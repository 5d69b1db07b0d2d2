"""Fixtures for the browser tests: a real dashboard server on a demo database, and headless Chromium.

Chromium is Debian's package at /usr/bin/chromium (``make test`` installs it); Playwright's own
browser download is never used. Without Chromium the tests skip, except under ``CI=true`` where
they fail, so a CI run cannot go green without having driven the dashboard.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import serve

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
TIMEOUT_MS = 25_000
LAPTOP = {"width": 1280, "height": 720}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    # pyproject.toml declares the marker too; registering it here keeps this folder self-contained.
    config.addinivalue_line("markers", "browser: drives the real dashboard in headless Chromium")


def _unavailable(reason: str) -> None:
    """Fail under CI (the browser tests must run there), otherwise skip with the reason."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright is not installed: run make test to install the dev requirements")
    if not CHROMIUM.exists():
        _unavailable("Chromium not installed: run make test to install Debian's chromium")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def app_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory, copy_demo
) -> Iterator[str]:
    """The dashboard served by Streamlit on a free port, over a demo database of its own."""
    work = tmp_path_factory.mktemp("browser-app")
    with serve(work, copy_demo(work / "outcomes.duckdb")) as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def tabs(browser: Any) -> Iterator[Any]:
    """The browser context every test's ``page`` is a tab of: the dashboard's scripts are
    fetched and compiled once per server, not once a test (about a third of a first visit)."""
    context = browser.new_context(viewport=LAPTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


# Tabs kept between tests by name (``page``'s, a second visitor's, ...), replaced if one breaks.
_kept: dict[str, Any] = {}


def _forget(tab: Any, size: dict[str, int]) -> bool:
    """Leave the tab as a new one would be, at ``size``: a blank page (so the last server's
    session ends), nothing stored for the site it was on. False when the tab cannot be trusted
    any more (closed, or stuck)."""
    try:
        if tab.is_closed():
            return False
        if tab.url.startswith("http"):
            tab.evaluate("() => { sessionStorage.clear(); localStorage.clear(); }")
        tab.goto("about:blank")
        tab.set_viewport_size(size)
        return True
    except Exception:
        return False


def _blank(tabs: Any, name: str = "page", size: dict[str, int] = LAPTOP) -> Any:
    tab = _kept.get(name)
    if tab is None or not _forget(tab, size):
        if tab is not None:
            with contextlib.suppress(Exception):
                tab.close()
        tab = _kept[name] = tabs.new_page()
        tab.set_viewport_size(size)
    return tab


def _done_with(tabs: Any, name: str) -> None:
    tabs.clear_cookies()  # a sign-in cookie is the host's, whatever the server's port
    tab = _kept.get(name)
    if tab is not None and not _forget(tab, LAPTOP):
        with contextlib.suppress(Exception):
            tab.close()
        _kept.pop(name, None)


@pytest.fixture(scope="session")
def blank_tab(tabs: Any) -> Any:
    """``blank_tab(name="page", size=LAPTOP)``: the session's tab of that name, blank, at
    ``size``, with no cookies (``cookies=True`` keeps the context's) or storage from before. Tabs are kept and reused, not opened per
    test: a new tab is a new renderer process that parses the dashboard's scripts cold, and on
    the shared 2-core machine that doubled each test's first page load. For tests that need a
    second visitor at once, or Hypothesis examples (each takes a blank tab)."""

    def blank(name: str = "page", size: dict[str, int] = LAPTOP, *, cookies: bool = False) -> Any:
        if not cookies:  # with cookies=True another tab's sign-in (and upload token) stay
            tabs.clear_cookies()
        return _blank(tabs, name, size)

    yield blank
    for name in list(_kept):
        _done_with(tabs, name)


@pytest.fixture
def page(tabs: Any, blank_tab: Any) -> Iterator[Any]:
    """A blank tab at 1280x720: each test's visit is a Streamlit session of its own, with no
    cookies or storage from another test (the session's kept tab, see ``blank_tab``)."""
    try:
        yield blank_tab()
    finally:
        _done_with(tabs, "page")


# --- helpers, handed to the tests as fixtures (no imports from conftest.py) --------------------

_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  if (state !== null && state !== 'notRunning') return false;
  const widget = document.querySelector('[data-testid="stStatusWidget"]');
  if (widget && widget.offsetParent !== null && /running/i.test(widget.innerText)) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  // Lazily loaded elements show a skeleton first; tables and charts draw after their code arrives.
  for (const skeleton of document.querySelectorAll('[data-testid="stSkeleton"]')) {
    if (skeleton.offsetParent !== null) return false;  // one in a closed expander never draws
  }
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    // A table in a closed expander is drawn only when opened.
    if (grid.closest('details:not([open])') || grid.getBoundingClientRect().height === 0) continue;
    if (!grid.querySelector('[role="grid"], table')) return false;
  }
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!chart.querySelector('.main-svg')) return false;
  }
  return true;
}"""


def _wait_for_app(
    page: Any, h1: str | re.Pattern[str] | None = None, timeout_ms: int = TIMEOUT_MS
) -> None:
    """Wait until Streamlit has drawn the page (its h1, optionally with this text) and is idle.

    Fails with the exception's text if the page shows a Streamlit exception box.
    """
    from playwright.sync_api import expect

    heading = page.locator("h1").first
    # Whichever comes first: the page's title, or Streamlit's box for an uncaught exception.
    heading.or_(page.locator('[data-testid="stException"]')).first.wait_for(
        state="visible", timeout=timeout_ms
    )
    _fail_on_exception(page)
    if h1 is not None:
        expect(heading).to_have_text(h1, timeout=timeout_ms)
    try:
        page.wait_for_function(_IDLE_JS, timeout=timeout_ms, polling=100)
    except Exception as exc:  # playwright's TimeoutError; checked for an exception box below first
        _fail_on_exception(page)
        raise AssertionError(
            f"the dashboard was still running after {timeout_ms} ms at {page.url}"
        ) from exc
    _fail_on_exception(page)


# Resolves once the main area's size and every chart's width have held still for 150 ms of
# drawn frames (3 s at most): Plotly and Streamlit's columns re-lay out after a resize.
_STILL_JS = """() => new Promise(resolve => {
  const shape = () => {
    const m = document.querySelector('[data-testid="stMain"]');
    const charts = [...document.querySelectorAll('.main-svg')].map(s => s.getBoundingClientRect().width);
    return [m ? m.scrollHeight : 0, m ? m.scrollWidth : 0, ...charts].join(',');
  };
  const began = performance.now();
  let last = shape(), since = began;
  const tick = now => {
    const current = shape();
    if (current !== last) { last = current; since = now; }
    if (now - since >= 150 || now - began > 3000) resolve(true); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


def _settle(page: Any) -> None:
    """After a resize: Streamlit idle again, and the layout held still (no fixed sleep)."""
    with contextlib.suppress(Exception):
        page.wait_for_function(_IDLE_JS, timeout=5_000, polling=100)
    page.evaluate(_STILL_JS)


def _each_size(page: Any, sizes: Any) -> Iterator[tuple[int, int]]:
    """Each of ``sizes`` in turn on the drawn page: the size it is at first (if among them),
    then resized to each other one and settled. A resize re-lays out what is drawn, where a
    load per size draws it all again; the page is left at the last size, for the next to be
    drawn at."""
    now = page.viewport_size
    here = (now["width"], now["height"])
    for width, height in sorted(sizes, key=lambda size: tuple(size) != here):
        if (width, height) != here:
            page.set_viewport_size({"width": width, "height": height})
        _settle(page)  # the charts and columns re-lay out
        yield width, height


def _turn_to(page: Any, n: int, key: str = "ArrowRight") -> None:
    """In presentation mode, press ``key`` once and wait for screen ``n`` to be drawn: the next
    screen without loading the dashboard again."""
    page.keyboard.press(key)
    page.wait_for_function(
        "n => document.querySelector('.present-count')?.innerText.startsWith(n + ' of')", arg=n
    )
    _wait_for_app(page)


def _fail_on_exception(page: Any) -> None:
    boxes = page.locator('[data-testid="stException"]')
    if boxes.count():
        texts = "\n\n".join(boxes.nth(i).inner_text() for i in range(boxes.count()))
        pytest.fail(f"the dashboard shows an exception at {page.url}:\n{texts}", pytrace=False)


def _screenshot(page: Any, name: str, full_height: bool = True) -> Path:
    """Save a PNG under test-artifacts/screenshots/. Streamlit scrolls inside stMain, so for the
    whole page the viewport is first stretched to the main container's height (capped at 9000)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    original = page.viewport_size
    if full_height and original:
        height = page.evaluate(
            """() => { const m = document.querySelector('[data-testid="stMain"]');
                      return m ? m.scrollHeight : document.documentElement.scrollHeight; }"""
        )
        height = max(original["height"], min(int(height), 9000))
        if height != original["height"]:
            page.set_viewport_size({"width": original["width"], "height": height})
            _settle(page)  # Plotly and Streamlit's columns re-lay out on resize
    try:
        page.screenshot(path=str(path))
    finally:
        if full_height and original and page.viewport_size != original:
            page.set_viewport_size(original)
    return path


def _demo_sign_in(page: Any, who: str = "Ana Lyst (analyst)") -> None:
    """Choose someone on the demo's sign-in in the sidebar (it lasts for the tab's session)."""
    chooser = page.get_by_role("combobox", name="Demo: sign in as")
    chooser.scroll_into_view_if_needed()
    chooser.click()
    try:
        page.get_by_role("option", name=re.compile(rf"^{re.escape(who)}")).click(timeout=5_000)
    except Exception:
        _screenshot(page, "demo-sign-in-failed", full_height=False)
        raise
    _wait_for_app(page)


@pytest.fixture(scope="session")
def demo_sign_in() -> Any:
    """``demo_sign_in(page, who="Ana Lyst (analyst)")``: act as one of the demo's people."""
    return _demo_sign_in


@pytest.fixture(scope="session")
def wait_for_app() -> Any:
    """``wait_for_app(page, h1=None)``: the page's h1 is drawn (with this text) and Streamlit is idle."""
    return _wait_for_app


@pytest.fixture(scope="session")
def turn_to() -> Any:
    """``turn_to(page, n, key="ArrowRight")``: presentation mode's screen ``n``, from the keyboard."""
    return _turn_to


# The sizes seen from one load of a page: a projector's two (the drawn page resized), then a
# phone's, loaded at its own size (Streamlit folds the sidebar away only as a narrow page loads).
LOADS = (((1280, 720), (1920, 1080)), ((390, 844),))


@pytest.fixture(scope="module")
def at_sizes(blank_tab: Any) -> Any:
    """``at_sizes(name, size, look)``: ``look(page, sizes)`` run once in a module for every
    size of ``size``'s load (see LOADS), in a tab opened at its first size; it looks at each
    with ``each_size``. A failure is the failure of every test of that load."""
    done: dict[tuple[str, tuple], BaseException | None] = {}

    def run(name: str, size: tuple[int, int], look: Any) -> None:
        sizes = next(load for load in LOADS if tuple(size) in load)
        if (name, sizes) not in done:
            page = blank_tab(size={"width": sizes[0][0], "height": sizes[0][1]})
            try:
                look(page, sizes)
                done[(name, sizes)] = None
            except BaseException as failed:
                done[(name, sizes)] = failed
            finally:
                page.goto("about:blank")
        if done[(name, sizes)] is not None:
            raise done[(name, sizes)]

    return run


@pytest.fixture(scope="session")
def each_size() -> Any:
    """``for width, height in each_size(page, sizes)``: the drawn page at each size, the one
    it is at first, then resized (and settled) to the others."""
    return _each_size


@pytest.fixture(scope="session")
def settle() -> Any:
    """``settle(page)``: after a resize, Streamlit is idle and the layout has held still."""
    return _settle


@pytest.fixture(scope="session")
def screenshot() -> Any:
    """``screenshot(page, name, full_height=True)``: a PNG in test-artifacts/screenshots/."""
    return _screenshot


@pytest.fixture(scope="session")
def expect(chromium_path: str) -> Any:
    """Playwright's ``expect``, imported only once Chromium and Playwright are known to be there."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=TIMEOUT_MS)
    return playwright_expect


@pytest.fixture(scope="session")
def upload_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory, demo_built: Path
) -> Iterator[str]:
    """A second dashboard per worker, over a demo copy of its own that its tests write to and
    send hostile files to (the upload journey's returns, the hostile visitor's bombs), so
    ``app_server``'s demo stays as built. One server for both: a start and a first page cost
    more than most tests, and neither file's assertions read what the other does (the bombs
    write nothing; each return journey compares the plan before and after itself)."""
    from tests.browser.server import serve_fresh_demo

    with serve_fresh_demo(tmp_path_factory.mktemp("browser-upload"), demo_built) as base:
        yield base


def _from_sidebar(page: Any, title: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True).click()


@pytest.fixture(scope="session")
def from_sidebar() -> Any:
    """``from_sidebar(page, title)``: open the page called ``title`` from the sidebar, as a
    person does: the same Streamlit session, so no new page load (a load costs the browser more
    than the page's own run). Wait for it with ``wait_for_app``."""
    return _from_sidebar
