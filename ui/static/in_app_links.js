/* Links in the pages' HTML (the agenda's "SV04", a priority card) are plain links (an a
   element with an href) with target="_self": followed by the browser, each is a new page load and a new Streamlit session,
   which forgets everything the tab held (the demo's "sign in as" among it). This listener
   follows a link to one of the app's own pages inside the session instead: it puts the address
   in the browser's history and tells Streamlit, which answers a history change (as for Back)
   by running that page with that query. Any other link (a download, another site, a new tab
   asked for with a modifier key) is left to the browser. window.__outcomesPages, the app's
   page names, is set just before this runs (ui/templates/static_script.html). */
(function () {
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
