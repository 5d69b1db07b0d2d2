"""Keeps every page behind the router in dashboard.py.

Streamlit still honours its older multipage mode for a folder named ``pages/``: until some
session has run ``st.navigation``, a URL such as ``/priority`` runs ``pages/priority.py`` on its
own, without the router's style, sidebar or query-parameter binding. A bookmark opened first
after the server starts would hit exactly that, so each page calls ``require_router()`` first.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_router() -> None:
    if PagesManager.uses_pages_directory:
        # The same switch st.navigation flips; rerunning then starts from dashboard.py.
        PagesManager.uses_pages_directory = False
        st.rerun()


# Links in the pages' HTML (the agenda's "SV04", a priority card) are plain <a href> with
# target="_self": followed by the browser, each is a new page load and a new Streamlit session,
# which forgets everything the tab held (the demo's "sign in as" among it). This listener
# follows a link to one of the app's own pages inside the session instead: it puts the address
# in the browser's history and tells Streamlit, which answers a history change (as for Back)
# by running that page with that query. Any other link (a download, another site, a new tab
# asked for with a modifier key) is left to the browser.
_IN_APP_JS = """<script>
(function () {
  window.__outcomesPages = %s;
  if (window.__outcomesLinks) return;
  window.__outcomesLinks = true;
  /* The partnership shown (?partnership=, issue 19) goes with every link to the app's own
     pages, before the browser follows it: a link opened in a new tab, which is a new session,
     opens the same partnership. */
  document.addEventListener("mousedown", function (event) {
    var link = event.target && event.target.closest && event.target.closest("a[href]");
    var chosen = new URL(window.location.href).searchParams.get("partnership");
    if (!link || !chosen) return;
    var url = new URL(link.getAttribute("href"), document.baseURI);
    if (url.origin !== window.location.origin || url.searchParams.has("partnership")) return;
    url.searchParams.set("partnership", chosen);
    link.setAttribute("href", url.pathname + url.search + url.hash);
  }, true);
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    var link = event.target && event.target.closest && event.target.closest("a[href]");
    if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")) return;
    var url = new URL(link.getAttribute("href"), document.baseURI);
    if (url.origin !== window.location.origin) return;
    var here = new URL(".", window.location.href).pathname;
    if (url.pathname.indexOf(here) !== 0) return;
    var page = url.pathname.slice(here.length);
    if (window.__outcomesPages.indexOf(page) < 0) return;
    event.preventDefault();
    window.history.pushState(null, "", url.pathname + url.search + url.hash);
    window.dispatchEvent(new PopStateEvent("popstate"));
    if (url.hash) scrollOnceDrawn(decodeURIComponent(url.hash.slice(1)));
  }, true);
  /* As the browser does for a page it loads: the part the address names (#actions), once
     the new page has been drawn (Streamlit is idle again and the part is there). */
  function scrollOnceDrawn(id) {
    var tries = 0, app = document.querySelector('[data-testid="stApp"]'), ran = false;
    var timer = setInterval(function () {
      var state = app && app.getAttribute("data-test-script-state");
      ran = ran || state === "running";
      var target = document.getElementById(id);
      if (++tries > 150 || (ran && state === "notRunning" && target)) {
        clearInterval(timer);
        if (target) target.scrollIntoView({block: "start"});
      }
    }, 100);
  }
})();
</script>"""


def in_app_links(pages: list) -> None:
    """Links to the app's own pages open inside this session, without reloading the page."""
    import json

    names = sorted({"", *(getattr(p, "url_path", "") or "" for p in pages)})
    with st.container(key="in_app_links"):
        st.html(
            "<style>.st-key-in_app_links { display: none; }</style>"
            + _IN_APP_JS % json.dumps(names),
            unsafe_allow_javascript=True,
        )
