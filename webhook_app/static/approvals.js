"use strict";
// The approve page's only script (served by the app; the policy allows no inline script). Without it the page
// still works: choices are saved by the form's buttons, and the progress page reloads itself.
document.addEventListener("DOMContentLoaded", function () {
  var numbers = new Intl.NumberFormat("en-GB");

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

  // Each choice is saved on the server as it is made (services/approval_choices.py keeps them per change set),
  // one request after the other; the apply button waits until the last is saved, then counts what it writes.
  var form = document.getElementById("approval");
  var button = document.querySelector(".js-apply");
  var status = document.querySelector(".js-status");
  if (form && button) {
    var pending = Promise.resolve();
    var inFlight = 0;
    var field = function (name) { return form.querySelector("input[name='" + name + "']"); };

    var save = function (fields) {
      inFlight += 1;
      button.disabled = true;
      pending = pending.then(function () {
        var body = new URLSearchParams();
        body.append("csrf_token", field("csrf_token").value);
        fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
        return fetch(form.getAttribute("data-choices"), {
          method: "POST", body: body, credentials: "same-origin", headers: {"Accept": "application/json"}
        }).then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        }).then(function (answer) {
          field("choices_version").value = answer.version;
          button.textContent = "Apply " + numbers.format(answer.to_apply) +
            (answer.to_apply === 1 ? " change" : " changes");
          document.querySelectorAll(".js-selected").forEach(function (counter) {
            var kind = counter.getAttribute("data-kind");
            if (kind in answer.selected) { counter.textContent = numbers.format(answer.selected[kind]); }
          });
          document.querySelectorAll(".js-answered").forEach(function (counter) {
            counter.textContent = numbers.format(answer.answered);
          });
          if (status) { status.textContent = ""; }
        }).catch(function () {
          if (status) { status.textContent = "Your last choice could not be saved. Reload the page and try again."; }
        });
      }).then(function () {
        inFlight -= 1;
        if (inFlight === 0) { button.disabled = false; }
      });
    };

    // One click applies: the button says so until the next page arrives.
    form.addEventListener("submit", function (event) {
      var by = event.submitter;
      if (!by || by === button || by.classList.contains("default-apply")) {
        window.setTimeout(function () { button.disabled = true; button.textContent = "Applying…"; }, 0);
      }
    });

    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.name === "include") {
        save([["shown", input.value]].concat(input.checked ? [["include", input.value]] : []));
      } else if (input.name.indexOf("resolve-") === 0 && input.checked) {
        save([["shown", input.name.slice("resolve-".length)], [input.name, input.value]]);
      } else if (input.name === "name_format" && input.checked) {
        save([["name_format", input.value]]);
      }
    });
  }

  // The progress page: follow the apply without reloading, then open what was applied.
  var card = document.querySelector(".js-progress");
  if (card) {
    var poll = function () {
      fetch(card.getAttribute("data-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (answer.state === "done") { window.location.replace(answer.next); return; }
          if (answer.state !== "queued" && answer.state !== "running") { window.location.reload(); return; }
          card.querySelector(".js-phase").textContent = answer.label;
          var bar = card.querySelector(".js-bar");
          bar.value = answer.percent;
          bar.textContent = answer.percent + " %";
          card.querySelector(".js-figures").textContent = answer.figures;
          card.querySelector(".js-elapsed").textContent = Math.round(answer.elapsed);
          window.setTimeout(poll, 700);
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    };
    window.setTimeout(poll, 500);
  }
});
