"use strict";
// Live example of the chosen name format: each new stakeholder's name is rendered server-side in every
// format (data-first_last, data-last_first, data-last_comma_first); this only shows the chosen one.
document.addEventListener("DOMContentLoaded", function () {
  function show() {
    var chosen = document.querySelector("input[name='name_format']:checked");
    if (!chosen) { return; }
    document.querySelectorAll(".js-name").forEach(function (cell) {
      var name = cell.getAttribute("data-" + chosen.value);
      if (name !== null) { cell.textContent = name; }
    });
  }
  document.querySelectorAll("input[name='name_format']").forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
});
