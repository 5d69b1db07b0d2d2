"""Every page of the dashboard checked with axe-core in headless Chromium, on the demo data.

axe-core is an npm package pinned in package-lock.json; ``make test`` installs it with
scripts/install-node-deps.sh. Without it these tests skip, except under ``CI=true`` where they
fail, so a CI run cannot go green without having run axe. A page fails on any violation that axe
rates "serious" or "critical". The contrast of our own status badges, muted text, captions and
chart labels is checked separately, including the chart text that axe cannot measure.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import Any

import pytest

from outcomes.rules import status

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
SHOW_NODES = 4
AA_TEXT = 4.5  # WCAG 2.x AA contrast for normal-size text

# Screens reached through query parameters, checked as well as each page's plain URL.
VARIANTS = {
    "priority": ("priority?priority=street-violence",),
    "indicator": ("indicator?indicator=SV01",),
    "present": ("present?screen=2",),
}

# Streamlit's own chrome with violations the app cannot fix, excluded by exact selector only
# (never a whole rule): one (selector, reason) per entry. Empty: on Streamlit 1.67 with this theme,
# axe finds nothing serious or critical in Streamlit's toolbar, sidebar navigation or widgets. The
# one finding there, the file uploader's dropzone (<section role="presentation" aria-label=...>,
# on /upload and /meeting), is "incomplete" (needs review) and "minor", so it fails nothing.
STREAMLIT_EXCLUSIONS: tuple[tuple[str, str], ...] = ()


def dashboard_paths() -> list[str]:
    """Each st.Page's URL in dashboard.py, in navigation order, followed by its VARIANTS.

    The default page is served at the root (Streamlit answers its url_path, e.g. ``/overview``,
    with a "Page not found" dialog), so it is checked at "".
    """
    tree = ast.parse((REPO / "dashboard.py").read_text(encoding="utf-8"))
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            kw = {k.arg: k.value for k in node.keywords}
            url = kw.get("url_path")
            if isinstance(url, ast.Constant):
                default = isinstance(kw.get("default"), ast.Constant) and kw["default"].value
                found.append((node.lineno, str(url.value), bool(default)))
    paths: list[str] = []
    for _, url, default in sorted(found):
        paths.append("" if default else url)
        paths.extend(VARIANTS.get(url, ()))
    return paths


PATHS = dashboard_paths()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE.exists():
        reason = f"axe-core not installed ({AXE.relative_to(REPO)}): run make test, or npm ci"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true, so the accessibility tests must run)", pytrace=False)
        pytest.skip(reason)
    return AXE


def open_page(page: Any, app_server: str, wait_for_app: Any, settle: Any, path: str) -> None:
    """Load the page, wait for Streamlit, and make the window as tall as the page: Streamlit
    scrolls inside its main container, and axe skips text scrolled out of sight."""
    page.goto(f"{app_server}/{path}")
    wait_for_app(page)
    # A modal (e.g. Streamlit's "Page not found") makes the rest of the page inert: axe would
    # then check nothing at all and pass.
    dialogs = page.locator('[role="dialog"]:visible')
    assert not dialogs.count(), f"/{path} opens with a dialog: {dialogs.first.inner_text()!r}"
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                  return m ? m.scrollHeight : document.documentElement.scrollHeight; }"""
    )
    size = page.viewport_size
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height), 9000)})
        wait_for_app(page)
        settle(page)  # Plotly and Streamlit's columns re-lay out on resize


def run_axe(page: Any, axe: Path, options: dict[str, Any] | None = None) -> dict[str, Any]:
    page.add_script_tag(path=str(axe))
    excluded = [[selector] for selector, _ in STREAMLIT_EXCLUSIONS]
    return page.evaluate(
        """async ([excluded, options]) => {
          const context = excluded.length ? {include: [document], exclude: excluded} : document;
          return await axe.run(context, options);
        }""",
        [excluded, options or {"resultTypes": ["violations"]}],
    )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} element(s)]")
        lines.append(f"  {v.get('helpUrl', '')}")
        for node in v["nodes"][:SHOW_NODES]:
            lines.append(f"    target: {' '.join(map(str, node['target']))}")
            lines.append(f"    html:   {node['html'][:240]}")
            why = " ".join((node.get("failureSummary") or "").split())
            if why:
                lines.append(f"    why:    {why[:300]}")
    return "\n".join(lines)


def test_every_page_of_dashboard_py_is_checked():
    for expected in ("", "priority", "indicator", "upload", "meeting", "present"):
        assert expected in PATHS, f"/{expected} not found among dashboard.py's st.Page url_paths"


# Pages whose other checks are made on the same load as axe's: the plan on a page's badges,
# muted text and captions (their contrast, from the same axe run), and the trend chart's axis
# labels. A second load of each would draw the whole page again for nothing.
_FULL_RESULTS = ""  # axe's passes and needs-review in full, not only its violations
_CHART_LABELS = "indicator?indicator=SV01"
_EVERY_RESULT = {"resultTypes": ["violations", "passes", "incomplete", "inapplicable"]}


@pytest.fixture(scope="module")
def checked(axe_source, blank_tab, app_server, wait_for_app, settle) -> Any:
    """``checked(path)``: the page opened once, with axe's results and what the other checks
    read from that load (its badges' words, its chart labels), kept for every test of it."""
    done: dict[str, dict[str, Any]] = {}

    def check(path: str) -> dict[str, Any]:
        if path not in done:
            page = blank_tab()
            open_page(page, app_server, wait_for_app, settle, path)
            full = path == _FULL_RESULTS
            done[path] = {
                "axe": run_axe(page, axe_source, _EVERY_RESULT if full else None),
                "badges": page.locator(".badge").all_inner_texts() if full else [],
                "labels": page.evaluate(_CHART_TEXT_JS) if path == _CHART_LABELS else [],
            }
            page.goto("about:blank")
        return done[path]

    return check


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "root")
def test_no_serious_accessibility_violations(checked, path):
    results = checked(path)["axe"]
    # color-contrast applies to any visible text: inapplicable means axe saw no page at all.
    assert "color-contrast" not in {r["id"] for r in results["inapplicable"]}, (
        f"axe found no visible text on /{path}"
    )
    failing = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    assert not failing, f"axe-core: serious or critical violations on /{path}:\n" + describe(
        failing
    )


def test_contrast_of_badges_muted_text_and_captions(checked):
    """The plan on a page shows a badge for every status (its tiles), muted text and captions:
    axe must have measured each of them and found at least 4.5:1."""
    plan = checked(_FULL_RESULTS)
    results = plan["axe"]
    measured: dict[str, list[float]] = {}
    problems = []
    for kind in ("passes", "violations", "incomplete"):
        for rule in results[kind]:
            if rule["id"] != "color-contrast":
                continue
            for node in rule["nodes"]:
                html, data = node["html"], (node["any"] or [{}])[0].get("data") or {}
                last = str(node["target"][-1])
                for what in ("badge", "muted", "stCaptionContainer"):
                    if re.match(rf'<\w+ class="{what}\b', html) or f'"{what}"] > p' in last:
                        ratio = data.get("contrastRatio") or 0
                        measured.setdefault(what, []).append(ratio)
                        if kind != "passes" or ratio < AA_TEXT:
                            problems.append(f"{kind} {ratio}:1 {node['target']} {html[:160]}")
    assert not problems, "contrast of our own text:\n" + "\n".join(problems)
    for what in ("badge", "muted", "stCaptionContainer"):
        assert measured.get(what), f"axe measured no {what} on the plan on a page"
    for state in status.STATUSES:
        assert status.badge_text(state) in plan["badges"], f"no {state} badge on the plan on a page"


_CHART_TEXT_JS = """() => {
  const bg = (el) => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const out = [];
  for (const svg of document.querySelectorAll('.js-plotly-plot svg.main-svg')) {
    const back = svg.style.background && !/rgba\\(.*,\\s*0\\)$/.test(svg.style.background)
      ? svg.style.background : bg(svg.closest('.js-plotly-plot'));
    for (const t of svg.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')) {
      out.push([getComputedStyle(t).fill, back, t.textContent]);
    }
  }
  return out;
}"""


def _hex(rgb: str) -> str:
    r, g, b = (int(x) for x in re.findall(r"\d+", rgb)[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


def test_contrast_of_chart_axis_labels(checked):
    """axe leaves SVG text as "needs review", so the axis labels of the trend chart are measured
    here: Streamlit's Plotly theme draws them at 3.7:1 unless ui/components.py's CSS darkens them."""
    labels = checked(_CHART_LABELS)["labels"]
    assert labels, f"no chart axis labels on /{_CHART_LABELS}"
    low = {
        (fill, back, round(status.contrast_ratio(_hex(fill), _hex(back)), 2))
        for fill, back, _ in labels
        if status.contrast_ratio(_hex(fill), _hex(back)) < AA_TEXT
    }
    assert not low, f"chart axis labels below {AA_TEXT}:1 (fill, background, ratio): {low}"
