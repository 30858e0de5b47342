"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Live example of the chosen name format: each new stakeholder's name is rendered server-side in every
  // format (data-first_last, data-last_first, data-last_comma_first); this only shows the chosen one.
  function showFormat() {
    var chosen = document.querySelector("input[name='name_format']:checked");
    if (!chosen) { return; }
    document.querySelectorAll(".js-name").forEach(function (cell) {
      var name = cell.getAttribute("data-" + chosen.value);
      if (name !== null) { cell.textContent = name; }
    });
  }
  document.querySelectorAll("input[name='name_format']").forEach(function (radio) {
    radio.addEventListener("change", showFormat);
  });
  showFormat();

  // The apply button counts what it writes, as the server does (approvals_view.Preview.changes_to_apply):
  // checked items, and reviews answered with a stakeholder or "create".
  var button = document.querySelector(".js-apply");
  function countChanges() {
    var checked = document.querySelectorAll("input[name='include']:checked").length;
    var answered = Array.prototype.filter.call(
      document.querySelectorAll("input[type='radio'][name^='resolve-']:checked"),
      function (radio) { return radio.value === "create" || /^[0-9]+$/.test(radio.value); }).length;
    var total = checked + answered;
    button.textContent = "Apply " + total + (total === 1 ? " change" : " changes");
  }
  if (button) {
    document.querySelectorAll("input[name='include'], input[type='radio'][name^='resolve-']").forEach(
      function (input) { input.addEventListener("change", countChanges); });
    countChanges();
  }
});
