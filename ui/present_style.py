"""Presentation mode's look and keys: the large-type style (sizes in px, so the browser test
can hold them to the projector minimum) and the one keyboard listener (see ui/present.py)."""

# The keys: one listener for the whole browser tab (guarded, as the script runs again whenever
# this page is opened), acting only while a presentation bar is on screen. It presses the
# page's own buttons, so keys and clicks share one path; it leaves typing and focused buttons be.
KEYS_JS = """
<script>
(function () {
  var doc = document;
  if (!window.__presentKeys) {
    window.__presentKeys = true;
    var ACTIONS = {ArrowRight: "next", PageDown: "next", " ": "next", Spacebar: "next",
                   ArrowLeft: "prev", PageUp: "prev", Home: "first", End: "last"};
    doc.addEventListener("keydown", function (e) {
      var action = ACTIONS[e.key];
      if (!action || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.isComposing) return;
      var target = e.target && e.target.closest ? e.target : null;
      if (target && target.closest('input, textarea, select, [contenteditable="true"], ' +
          '[contenteditable=""], [role="textbox"], [role="combobox"], [role="slider"]')) return;
      if ((e.key === " " || e.key === "Spacebar") && target &&
          target.closest('button, a, [role="button"]')) return;
      /* Streamlit may keep a hidden copy of a button: press the one on screen. */
      var buttons = doc.querySelectorAll(".st-key-present_" + action + " button");
      if (!buttons.length) return;
      var button = buttons[0];
      for (var i = 0; i < buttons.length; i++) {
        if (buttons[i].offsetParent !== null) { button = buttons[i]; break; }
      }
      e.preventDefault();
      if (!button.disabled) button.click();
    }, true);
  }
  /* A new screen starts at its top. */
  var main = doc.querySelector('[data-testid="stMain"]');
  if (main && main.scrollTo) main.scrollTo(0, 0);
})();
</script>
"""

# Type sizes in px so the browser test can hold them to the projector minimum (24 px body).
CSS = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  .block-container, [data-testid="stMainBlockContainer"] {
    padding: 0.6rem 2rem 1rem 2rem !important; max-width: none !important; }
  [data-testid="stElementContainer"]:has(.present-script) { display: none; }
  .st-key-present_first, .st-key-present_last { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #FFFFFF; }

  .present, .present p, .present li, .present td {
    font-size: 24px; line-height: 1.3; color: #111111; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.55rem; }
  .present .badge { font-size: 24px; }
  .present .badge.big { font-size: 30px; padding: 0.1em 0.6em; }
  .present-muted, .present .present-muted { color: #333333; }
  .present-nowrap { white-space: nowrap; }

  .st-key-present_bar { border-bottom: 3px solid #111111; padding-bottom: 0.35rem; }
  .st-key-present_bar button { min-height: 3.2rem; padding: 0.2rem 1.2rem; border-width: 2px; }
  .st-key-present_bar button p, .st-key-present_bar button span,
  .st-key-present_bar [data-testid="stPageLink"] p,
  .st-key-present_bar [data-testid="stPageLink"] span { font-size: 26px !important; font-weight: 700; }
  .st-key-present_bar [data-testid="stPageLink"] a { padding: 0.3rem 0.8rem; }
  .st-key-present_bar [data-testid="stElementContainer"]:has(.present-context) { flex: 1 1 0; min-width: 0; }
  .present-context { font-size: 24px; color: #111111; display: block; overflow: hidden;
                     text-overflow: ellipsis; white-space: nowrap; }
  .present-count { font-size: 30px; font-weight: 800; color: #111111; white-space: nowrap;
                   padding: 0 0.3rem; }

  [data-testid="stHeading"] h1, [data-testid="stHeading"] h1 * {
    font-size: clamp(40px, 3.3vw, 56px) !important; line-height: 1.12 !important; font-weight: 800 !important;
    color: #111111 !important; padding: 0.1rem 0 0 0 !important; margin: 0 !important; }
  .st-key-present_title [data-testid="stElementContainer"]:has(.present-status) { flex: 0 0 auto; }
  .st-key-present_title [data-testid="stElementContainer"]:has(h1) { flex: 1 1 0; min-width: 0; }
  .present-sub { padding-bottom: 0.2rem; display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1rem; }

  .present-four { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.4rem;
                  border-top: 2px solid #111111; border-bottom: 2px solid #111111;
                  padding: 0.3rem 0; }
  .present-four > div { padding: 0 0.6rem; border-left: 2px solid #BBBBBB; }
  .present-four > div:first-child { border-left: none; padding-left: 0; }
  .present-four h2, .present-four h2 * { font-size: 24px !important; font-weight: 800; color: #003366 !important;
                     text-transform: uppercase; letter-spacing: 0.03em; margin: 0 !important;
                     padding: 0 !important; }
  .present-four p { margin: 0 !important; line-height: 1.25 !important; }

  table.present-table { width: 100%; border-collapse: collapse; }
  table.present-table, table.present-table th, table.present-table td {
    border-top: none; border-left: none; border-right: none; background: #FFFFFF; }
  table.present-table tr { border: none; }
  table.present-table th { text-align: left; border-bottom: 3px solid #111111; padding: 0.1rem 0.5rem;
                           font-size: 24px; white-space: nowrap; }
  table.present-table td { border-bottom: 1px solid #999999; padding: 0.2rem 0.5rem;
                           vertical-align: top; }
  table.present-table td:first-child, table.present-table th:first-child { padding-left: 0; }

  .present-override { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 20px; line-height: 1.25; color: #333333;
                      padding: 0.1rem 0; }
  .present-story div { font-size: 21px; line-height: 1.25; margin: 0 0 0.3rem 0; }
  .present-blockage { border-left: 6px solid #111111; background: #F2F4F7; padding: 0.1rem 0.5rem; }
  .present-aim p { margin: 0 !important; }
  .present-key { font-size: 20px; line-height: 1.3; }
  .present-key span { display: inline-block; }
  .present-aim p { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  table.present-table { table-layout: fixed; }
  .present-indicators th:nth-child(1) { width: 25%; }
  .present-indicators th:nth-child(2) { width: 41%; }
  .present-indicators th:nth-child(3) { width: 19%; }
  .present-indicators th:nth-child(4) { width: 15%; }
  .present-actions th:nth-child(1) { width: 8%; }
  .present-actions th:nth-child(2) { width: 41%; }
  .present-actions th:nth-child(3) { width: 20%; }
  .present-actions th:nth-child(4) { width: 18%; }
  .present-actions th:nth-child(5) { width: 13%; }
  /* Every line cut to fit, so what a screen holds is known (ui/present.py, BOX_ROWS...):
     a label is one line, a story or a blockage two (four on the big screen). */
  .present { overflow-wrap: anywhere; }
  .present-line, .present-clip { display: block; white-space: nowrap; overflow: hidden;
                                 text-overflow: ellipsis; }
  .present-clamp, .present-sub > span { display: -webkit-box; -webkit-box-orient: vertical;
                                        -webkit-line-clamp: 2; overflow: hidden; }
  .present-tall .present-clamp:first-child { -webkit-line-clamp: 4; }
  .present-short .present-blockage { -webkit-line-clamp: 1; }
  [data-testid="stHeading"] h1 { display: -webkit-box !important; -webkit-box-orient: vertical;
                                 -webkit-line-clamp: 2; overflow: hidden; overflow-wrap: anywhere; }
  .present-list ul { margin: 0.3rem 0 0 0; padding-left: 0; list-style: none; }
  .present-list li { margin: 0 0 0.6rem 0 !important; padding: 0 0 0.3rem 0 !important;
                     border-bottom: 1px solid #999999; }
  .present-table .present-when { font-size: 20px; line-height: 1.2; display: inline-block; }
  .present-table .spcicons { margin-top: 0.1rem; max-width: 100%; }
  .present-table .spcicon { white-space: normal; max-width: 100%; box-sizing: border-box; }
  /* A projector of 720 to 860 px: the aim alone instead of the four columns, one chart. */
  @media (min-height: 861px) {
    [data-testid="stElementContainer"]:has(.present-aim),
    [data-testid="stElementContainer"]:has(.present-short) { display: none; } }
  @media (max-height: 860px) {
    [data-testid="stElementContainer"]:has(.present-four), .st-key-present_chart_2,
    [data-testid="stElementContainer"]:has(.present-tall) { display: none; }
    .st-key-present_bar button { min-height: 2.7rem; }
    .block-container, [data-testid="stMainBlockContainer"] { padding-bottom: 0.2rem !important; }
    [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.4rem; }
    .present-story div { margin-bottom: 0.2rem; }
    [data-testid="stHeading"] h1, [data-testid="stHeading"] h1 * { font-size: 36px !important; } }

  .present-chart-title { display: flex; align-items: center; gap: 0.5rem; padding: 0.1rem 0; }
  .present-chart-title .badge { flex: 0 0 auto; }
  .present-chart-title > span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
                                min-width: 0; }
  .present-key { color: #333333; }
  .present-key span { margin-right: 1.1rem; white-space: nowrap; }

  .present-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.8rem 1.6rem; }
  .present-grid section { border-top: 4px solid #111111; padding-top: 0.2rem; }
  .present-grid h2, .present-grid h2 * { font-size: 32px !important; font-weight: 800;
                                         color: #111111 !important; }
  .present-grid h2 { margin: 0 0 0.2rem 0 !important; padding: 0 !important; }
  .present-grid .present-n { font-size: 28px !important; line-height: 1.1; font-weight: 800; border: 2px solid #111111;
                             border-radius: 0.4rem; padding: 0 0.4rem; margin-left: 0.3rem; }
  .present-grid ul { margin: 0; padding-left: 0; list-style: none; }
  .present-grid li { margin: 0 0 0.45rem 0 !important; padding: 0 !important; }
  .present-grid li:last-child { margin-bottom: 0 !important; }
  .present-grid { margin-top: 0.3rem; }
  .present-grid p { margin: 0 !important; }

  /* Made for the projector, but a board member may open a screen's link on a phone:
     stack the columns there instead of squeezing four into 390 px. */
  @media (max-width: 700px) {
    .present-four, .present-grid { grid-template-columns: minmax(0, 1fr); }
    .present-four > div { border-left: none; padding: 0.3rem 0; border-top: 1px solid #BBBBBB; }
    .present-four > div:first-child { border-top: none; }
    [data-testid="stHeading"] h1, [data-testid="stHeading"] h1 * { font-size: 32px !important;
      overflow-wrap: normal !important; word-break: normal !important; hyphens: none !important; }
    .st-key-present_title { flex-wrap: wrap !important; }
    div.present:has(> table.present-table) { overflow-x: auto; }
    table.present-table { table-layout: auto; }
    table.present-table th { width: auto !important; }
    .st-key-present_title [data-testid="stElementContainer"]:has(h1) { flex: 1 1 100%; }
    /* A phone scrolls anyway: every line in full rather than cut to the projector's room. */
    .present-line, .present-clip, .present-override { white-space: normal; }
    .present-clamp, .present-sub > span, [data-testid="stHeading"] h1 {
      -webkit-line-clamp: unset !important; display: block !important; }
  }
</style>
"""
