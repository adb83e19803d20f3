// Pages following work in progress reload themselves every few seconds (data-refresh on an
// element, in seconds), unless the user pauses it with the button next to the notice, or is
// typing in a field. No inline script: a Content-Security-Policy of script-src 'self' holds.
(function () {
  "use strict";
  var holder = document.querySelector("[data-refresh]");
  if (!holder) { return; }
  var seconds = Number(holder.dataset.refresh) || 5;
  var paused = sessionStorage.getItem("raccord-refresh-paused") === "1";
  var button = document.getElementById("refresh-toggle");
  function show() {
    if (button) {
      button.textContent = paused ? button.dataset.resume : button.dataset.pause;
      button.setAttribute("aria-pressed", paused ? "true" : "false");
    }
  }
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      paused = !paused;
      sessionStorage.setItem("raccord-refresh-paused", paused ? "1" : "0");
      show();
    });
  }
  show();
  setInterval(function () {
    var active = document.activeElement;
    var typing = active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    if (!paused && !typing && document.visibilityState === "visible") {
      window.location.reload();
    }
  }, seconds * 1000);
})();
