// A sync's page while the sync is queued or running: its progress (phase, employees read, elapsed) is updated in
// place from the console's JSON, so keyboard and screen-reader users keep their place (a reload would put them
// back at the top); once the sync has ended the page opens where it leads (the preview, when followed from Sync
// now). Without this script the page reloads itself (a meta refresh inside <noscript>).
(function () {
  "use strict";
  var INTERVAL = 1000, RETRY = 3000;

  function init() {
    var region = document.querySelector(".js-sync-progress");
    if (!region) { return; }
    var url = region.getAttribute("data-progress");

    function show(selector, text) {
      document.querySelectorAll(selector).forEach(function (element) {
        if (element.textContent !== text) { element.textContent = text; }  // unchanged text is not re-announced
      });
    }

    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (answer) {
          if (answer.ended) { window.location.replace(answer.next); return; }
          show(".js-status", answer.status_label);
          show(".js-phase", answer.phase_label);
          show(".js-read", answer.employees_read);
          show(".js-elapsed", answer.elapsed);
          region.querySelectorAll(".js-running").forEach(function (part) {
            part.hidden = answer.status !== "running";
          });
          window.setTimeout(poll, INTERVAL);
        })
        .catch(function () { window.setTimeout(poll, RETRY); });
    }
    window.setTimeout(poll, INTERVAL);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
