// Warn before a signed-in session ends, and let the user extend it (WCAG 2.2.1, Timing Adjustable).
// Progressive enhancement: without JavaScript the footer states the session's length.
// The timing comes from <meta name="icms-session"> (icms/core/session_timeout.py); the dialog's
// words come from <template id="session-timeout-template">, in the reader's language.
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="icms-session"]');
  if (!meta) return;
  var expiresIn = parseInt(meta.getAttribute("data-expires-in"), 10);
  var warnBefore = parseInt(meta.getAttribute("data-warn-before"), 10);
  var extendUrl = meta.getAttribute("data-extend-url");
  if (!(expiresIn > 0) || !(warnBefore >= 0) || !extendUrl) return;

  var dialog = null;
  var warnTimer = null;
  var endTimer = null;
  var endsAt = 0;

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function part(name) {
    return dialog.querySelector("[data-session-" + name + "]");
  }

  function build() {
    var template = document.getElementById("session-timeout-template");
    if (!template || typeof HTMLDialogElement === "undefined") return null;
    var node = template.content.firstElementChild.cloneNode(true);
    document.body.appendChild(node);
    node.querySelector("[data-session-extend]").addEventListener("click", extend);
    node.querySelector("[data-session-close]").addEventListener("click", function () {
      node.close();
    });
    // Escape closes a modal <dialog> by itself (its "cancel" event); nothing else to do.
    return node;
  }

  function show(state) {
    if (!dialog) dialog = build();
    if (!dialog) return;
    part("warning").hidden = state !== "warning";
    part("ended").hidden = state !== "ended";
    part("error").hidden = state !== "error";
    part("extend").hidden = state === "ended";
    if (state === "warning") {
      var lang = document.documentElement.getAttribute("lang") || undefined;
      part("ends").textContent = new Date(endsAt).toLocaleTimeString(lang, { hour: "numeric", minute: "2-digit" });
    }
    if (!dialog.open) dialog.showModal();
    var focus = state === "ended" ? part("ended").querySelector("a") : part("extend");
    if (state === "error") focus = part("close");
    if (focus) focus.focus();
  }

  function schedule(seconds, warn) {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    endsAt = Date.now() + seconds * 1000;
    warnTimer = window.setTimeout(function () {
      show("warning");
    }, Math.max(0, seconds - warn) * 1000);
    endTimer = window.setTimeout(function () {
      show("ended");
    }, seconds * 1000);
  }

  function extend() {
    var request = new XMLHttpRequest();
    request.open("POST", extendUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      var body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch (e) {
        body = null;
      }
      if (request.status === 200 && body && body.signed_in) {
        schedule(body.expires_in, body.warn_before);
        dialog.close();
      } else if (request.status === 401) {
        show("ended");
      } else {
        show("error");
      }
    };
    request.onerror = function () {
      show("error");
    };
    request.send();
  }

  // Every request restarts the server's idle clock: so does an htmx request made on this page.
  document.addEventListener("htmx:afterRequest", function () {
    schedule(expiresIn, warnBefore);
  });
  schedule(expiresIn, warnBefore);
})();
