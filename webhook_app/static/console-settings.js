// The Sync settings page: each name format's example follows the "preferred name" box as it is ticked (the server
// writes both examples; without this script the saved setting's example shows).
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("field-use_preferred_name");
    if (!box) { return; }
    function show() {
      document.querySelectorAll(".js-name-example").forEach(function (example) {
        example.textContent = example.getAttribute(box.checked ? "data-preferred" : "data-plain");
      });
    }
    box.addEventListener("change", show);
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
