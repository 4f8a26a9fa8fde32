/* Forms sent back with errors: focus the error summary, and let its links focus their field.
   Without JavaScript the summary is still the first thing in the form and announced (role="alert"). */
(function () {
  "use strict";

  function labelOf(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      var fieldset = field.closest("fieldset");
      var legend = fieldset && fieldset.querySelector("legend");
      if (legend) return legend;
    }
    return (field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]')) || field;
  }

  function focusField(event) {
    var href = event.currentTarget.getAttribute("href") || "";
    if (href.charAt(0) !== "#" || href.length < 2) return;
    var target = document.getElementById(decodeURIComponent(href.slice(1)));
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "FIELDSET") {
      target = target.querySelector("input, select, textarea") || target;
    }
    labelOf(target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }

  function init() {
    var summaries = document.querySelectorAll("[data-error-summary]");
    summaries.forEach(function (summary) {
      summary.querySelectorAll("a[href^='#']").forEach(function (link) {
        link.addEventListener("click", focusField);
      });
    });
    // A fragment that names an element on the page (the funding comparison) keeps its place; otherwise the summary.
    var hash = window.location.hash.slice(1);
    if (summaries.length && !(hash && document.getElementById(decodeURIComponent(hash)))) {
      summaries[0].focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
