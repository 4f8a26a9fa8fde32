// "Copy link" for the status link on the suggestion's answer page; without JavaScript the link is shown as text.
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-value]");
  if (!button || !navigator.clipboard) { return; }
  var status = document.getElementById("copy-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.getAttribute("data-copy-value")).then(function () {
      status.textContent = button.getAttribute("data-msg-done");
    });
  });
}());
