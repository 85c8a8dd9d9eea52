// Konsultasi DJPK: behaviour shared by every page.
// After a form comes back with errors, focus moves to its error summary (or, when the page
// has none, to the first field in error), so that keyboard and screen-reader users hear what
// to fix instead of starting again from the top of the page.
(function () {
  "use strict";
  function focusErrors() {
    var summary = document.getElementById("ringkasan-kesalahan");
    var target = summary || document.querySelector("main .is-invalid");
    if (!target) return;
    if (target === summary && !summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: false });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrors);
  } else {
    focusErrors();
  }
})();

// Behaviour that used to sit in on*="" attributes, which the Content-Security-Policy
// (app/core/headers.py) does not run: a print button, a feed address selected on click.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) {
      window.print();
      return;
    }
    var field = target.closest("[data-select-on-click]");
    if (field && typeof field.select === "function") field.select();
  });
})();
