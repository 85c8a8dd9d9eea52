/* Konsultasi DJPK: optional comfort on the request form. Without JavaScript every delegation
   row is shown and blank rows are ignored; with it, blank rows are hidden until "add" is
   pressed, and "remove" clears a row and hides it, and Back keeps the form's one-time token. */
(function () {
  "use strict";
  // Back, then send again, must find the request already made. A browser that fetches the
  // page again on Back restores what was typed but not the one-time token (the server sends a
  // new one), so the token sent is kept with this entry of the tab's history and put back.
  var token = document.querySelector("form input[name=token]");
  if (token && token.form && window.history && history.replaceState) {
    var kept = history.state && history.state.requestToken;
    if (kept) { token.value = kept; }
    token.form.addEventListener("submit", function () {
      try {
        history.replaceState(Object.assign({}, history.state, { requestToken: token.value }), "");
      } catch (e) { /* no history state: the server still refuses a token sent twice */ }
    });
  }
  var list = document.querySelector("[data-delegation]");
  if (!list) { return; }
  var rows = Array.prototype.slice.call(list.querySelectorAll("[data-member-row]"));
  var addButton = document.querySelector("[data-add-member]");
  if (!addButton) { return; }

  function isBlank(row) {
    return Array.prototype.every.call(row.querySelectorAll("input"), function (input) {
      return input.type === "checkbox" ? !input.checked : input.value.trim() === "";
    });
  }
  function hasError(row) { return row.querySelector(".is-invalid, .invalid-feedback") !== null; }
  function refresh() {
    var hidden = rows.filter(function (row) { return row.hidden; });
    addButton.hidden = hidden.length === 0;
  }

  // Filled rows and rows with errors stay visible, and one blank row to type into.
  var blankShown = false;
  rows.forEach(function (row) {
    if (isBlank(row) && !hasError(row)) {
      row.hidden = blankShown;
      blankShown = true;
    }
    var remove = row.querySelector("[data-remove-member]");
    if (remove) {
      remove.hidden = false;
      remove.addEventListener("click", function () {
        row.querySelectorAll("input").forEach(function (input) {
          if (input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
        });
        row.hidden = true;
        refresh();
      });
    }
  });

  addButton.addEventListener("click", function () {
    var next = rows.find(function (row) { return row.hidden; });
    if (next) {
      next.hidden = false;
      var first = next.querySelector("input");
      if (first) { first.focus(); }
    }
    refresh();
  });
  refresh();
})();
