// "Copy link" on event pages (no social-network buttons: they load third-party scripts).
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-link]");
  if (!button || !navigator.clipboard) { return; }
  var status = document.getElementById("copy-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(window.location.href).then(function () {
      status.textContent = button.getAttribute("data-msg-done");
    });
  });
}());
