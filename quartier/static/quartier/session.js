/* The warning before a logged-in session ends for inactivity (WCAG 2.2.1, timing adjustable).
 *
 * The page says how many seconds are left (data-remaining on #session-timeout). Two minutes before the end (at
 * half time for very short limits) a dialog opens with a button that extends the session: a POST with the CSRF
 * token that counts as activity. Before warning, and before saying that the session has ended, the script asks
 * the server how much time is really left, since work in another tab extends the same session. Without
 * JavaScript the dialog stays closed and nothing changes. */
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var remaining = parseInt(dialog.getAttribute("data-remaining"), 10);
  var warnBefore = parseInt(dialog.getAttribute("data-warn-before"), 10) || 120;
  if (!(remaining > 0)) {
    return;
  }
  var statusUrl = dialog.getAttribute("data-status-url");
  var form = dialog.querySelector("form");
  var closeButton = dialog.querySelector("[data-close]");
  var warnMs = Math.min(warnBefore, Math.floor(remaining / 2)) * 1000;
  var deadline = Date.now() + remaining * 1000;
  var timer = null;
  var ended = false;

  function show(state) {
    var parts = dialog.querySelectorAll("[data-state]");
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = parts[i].getAttribute("data-state") !== state;
    }
  }

  function clockTime(ms) {
    try {
      return new Date(ms).toLocaleTimeString(document.documentElement.lang || undefined, {
        hour: "2-digit",
        minute: "2-digit",
      });
    } catch (e) {
      return new Date(ms).toLocaleTimeString();
    }
  }

  function open(state) {
    show(state);
    var time = dialog.querySelector("[data-deadline]");
    if (time) {
      time.textContent = clockTime(deadline);
      time.setAttribute("datetime", new Date(deadline).toISOString());
    }
    if (!dialog.open) {
      dialog.showModal();
    }
    var focus = state === "warning" ? form.querySelector("button") : closeButton;
    focus.focus();
  }

  function schedule() {
    window.clearTimeout(timer);
    if (ended) {
      return;
    }
    var left = deadline - Date.now();
    var wait = !dialog.open && left > warnMs ? left - warnMs : left + 500;
    timer = window.setTimeout(check, Math.max(wait, 0));
  }

  function readState(response) {
    if (response.status === 401) {
      return { authenticated: false, remaining: 0 };
    }
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
    return response.json();
  }

  function apply(state) {
    if (!state.authenticated || !(state.remaining > 0)) {
      ended = true;
      window.clearTimeout(timer);
      open("ended");
      return;
    }
    deadline = Date.now() + state.remaining * 1000;
    if (deadline - Date.now() <= warnMs + 1000) {
      open("warning");
    } else if (dialog.open) {
      dialog.close();
    }
    schedule();
  }

  function check() {
    fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(readState)
      .then(apply)
      .catch(function () {
        // The server cannot be asked (offline): judge by the page's own clock.
        apply({ authenticated: true, remaining: Math.floor((deadline - Date.now()) / 1000) });
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(readState)
      .then(apply)
      .catch(function () {
        open("warning"); // not reached the server: the button stays there to try again
      });
  });

  closeButton.addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", schedule);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      schedule();
    }
  });
  schedule();
})();
