/* Presentation mode's keys (see ui/present.py): one listener for the whole browser tab
   (guarded, as the script runs again whenever this page is opened), acting only while a
   presentation bar is on screen. It presses the page's own buttons, so keys and clicks share
   one path; it leaves typing and focused buttons be. */
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
