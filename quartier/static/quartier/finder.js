// Progressive enhancement for the finder: after a search the answer gets focus and is scrolled into view (the
// page's fragment #ergebnis already scrolls without JavaScript); "use my location" asks the browser (opt-in) and
// submits lat/lon.
(function () {
  "use strict";
  var answer = document.querySelector("[data-finder-answer]");
  if (answer) {
    answer.focus({ preventScroll: true });
    answer.scrollIntoView({ block: "start", behavior: "instant" });
  }
  var button = document.querySelector("[data-locate]");
  if (!button || !("geolocation" in navigator)) { return; }
  var form = document.getElementById(button.getAttribute("data-locate"));
  var status = document.getElementById("locate-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-msg-wait");
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(6);
      form.querySelector("[name=q]").value = "";
      form.submit();
    }, function () {
      status.textContent = button.getAttribute("data-msg-denied");
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
}());
