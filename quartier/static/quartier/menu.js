// The menu button of small screens: opens and closes the main navigation (aria-expanded says which); Escape
// closes it and returns to the button. Without JavaScript the navigation stays open (nojs.css).
(function () {
  "use strict";
  var button = document.querySelector("[data-site-menu-button]");
  if (!button) { return; }
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
}());
