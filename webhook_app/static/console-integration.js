// The HR integration page: only the chosen HR system's credential fields are shown (and sent). Without this
// script every system's fieldset shows and the server reads only the chosen one's.
(function () {
  "use strict";
  function init() {
    var choice = document.getElementById("provider");
    if (!choice) { return; }
    var fieldsets = document.querySelectorAll("fieldset.provider");
    function show() {
      fieldsets.forEach(function (fieldset) {
        var other = fieldset.getAttribute("data-provider") !== choice.value;
        fieldset.hidden = other;
        fieldset.disabled = other;  // a hidden system's fields are neither checked nor sent
      });
    }
    choice.addEventListener("change", show);
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
