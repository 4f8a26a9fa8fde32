// The filters of a list come open from the server (so they work without JavaScript); on a phone they fold away,
// unless the form came back with errors, so that the results are the first thing on screen.
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 47.99rem)").matches) { return; }
  document.querySelectorAll("details[data-filter-fold]").forEach(function (details) {
    if (!details.querySelector("[data-error-summary]")) { details.open = false; }
  });
}());
