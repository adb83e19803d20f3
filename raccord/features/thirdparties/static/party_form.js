// The third-party form fills itself from SIRENE as a SIRET or SIREN is typed (served as
// a file: the console's Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var form = document.getElementById("party-form");
  var status = document.getElementById("sirene-status");
  var error = document.getElementById("sirene-error");
  var notes = document.getElementById("sirene-notes");
  var fields = ["name", "trade_name", "address1", "address2", "address3", "postcode", "city",
                "country", "siren", "siret", "naf", "legal_form", "vat_number", "closed_on"];
  var timer = null, asked = "";
  function clean(value) { return value.replace(/[\s.\u00a0\t-]/g, ""); }
  function flag(input, message) {
    error.textContent = message || "";
    error.hidden = !message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
    input.closest(".field").classList.toggle("invalid", !!message);
  }
  function fill(body) {
    fields.forEach(function (key) {
      var input = form.elements[key];
      if (input) { input.value = body[key] == null ? "" : body[key]; }
    });
    form.elements.head_office.checked = !!body.head_office;
    form.elements.closed.checked = !!body.closed;
    notes.innerHTML = "";
    (body.notes || []).forEach(function (note) {
      var item = document.createElement("li");
      item.textContent = note;
      notes.appendChild(item);
    });
    status.textContent = form.dataset.found + " (" + body.source + ")";
  }
  function ask(input, leaving) {
    var number = clean(input.value);
    var size = Number(input.dataset.sirene);
    if (!number) { flag(input, ""); status.textContent = ""; asked = ""; return; }
    // While typing, wait for a whole number; on leaving the field, check whatever is there.
    if (!leaving && number.length < size) { flag(input, ""); return; }
    if (number === asked) { return; }
    asked = number;
    status.textContent = form.dataset.searching;
    fetch("/thirdparties/fill?number=" + encodeURIComponent(number),
          {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        return response.json().then(function (body) { return [response.ok, body]; });
      })
      .then(function (result) {
        if (clean(input.value) !== number) { return; }  // typed on meanwhile
        if (result[0]) { flag(input, ""); fill(result[1]); }
        else { status.textContent = ""; flag(input, result[1].error); }
      })
      .catch(function () { status.textContent = ""; asked = ""; });
  }
  ["siret", "siren"].forEach(function (key) {
    var input = document.getElementById(key);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { ask(input, false); }, 250);
    });
    input.addEventListener("blur", function () { clearTimeout(timer); ask(input, true); });
  });
})();
