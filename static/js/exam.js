// Timed exam on the module page: countdown, autosave, focus losses, hand-in when time is up.
// The server decides the deadline and refuses late answers; this script only helps the learner
// meet it (the clock is corrected by the server's time when the page was rendered).
(function () {
  "use strict";
  var form = document.querySelector("form[data-exam-deadline]");
  if (!form || !window.fetch || !window.FormData) return;
  var data = form.dataset;
  var skew = Date.parse(data.serverNow) - Date.now();
  var deadline = Date.parse(data.examDeadline);
  var timer = document.getElementById("exam-timer");
  var announce = document.getElementById("exam-announce");
  var saveStatus = document.getElementById("exam-save-status");
  var warnings = [[5, data.msgFive], [1, data.msgOne]];
  var dirty = false;
  var saving = false;
  var handedIn = false;
  var pause = null;
  var lastFocusLoss = 0;

  function csrfToken() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function msLeft() {
    return deadline - (Date.now() + skew);
  }

  function clock(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var parts = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
    return parts.map(function (n) { return String(n).padStart(2, "0"); }).join(":");
  }

  function post(url, body) {
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrfToken() } });
  }

  function save() {
    if (saving || !dirty || handedIn) return;
    saving = true;
    dirty = false;
    post(data.autosaveUrl, new FormData(form))
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            saveStatus.textContent = data.msgSaved.replace("%(time)s", new Date().toLocaleTimeString());
          } else {
            saveStatus.textContent = body.error;
          }
        });
      })
      .catch(function () {
        dirty = true;
        saveStatus.textContent = data.msgSaveFailed;
      })
      .then(function () { saving = false; });
  }

  function changed() {
    dirty = true;
    clearTimeout(pause);
    pause = setTimeout(save, 1500);
  }

  function focusLost(kind) {
    var now = Date.now();
    if (handedIn || now - lastFocusLoss < 1000) return;  // blur and hidden usually come together
    lastFocusLoss = now;
    var body = new FormData();
    body.append("attempt", data.attempt);
    body.append("kind", kind);
    body.append("csrfmiddlewaretoken", csrfToken());
    if (navigator.sendBeacon) navigator.sendBeacon(data.focusUrl, body);
    else post(data.focusUrl, body);
  }

  function tick() {
    var ms = msLeft();
    timer.textContent = clock(ms);
    warnings = warnings.filter(function (warning) {
      if (ms > warning[0] * 60000) return true;
      if (ms > 0) announce.textContent = warning[1];
      return false;
    });
    if (ms <= 0 && !handedIn) {
      handedIn = true;
      announce.textContent = data.msgTimeUp;
      form.submit();
    }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { handedIn = true; });
  window.addEventListener("blur", function () { focusLost("blur"); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      focusLost("hidden");
      if (dirty && navigator.sendBeacon && !handedIn) {
        dirty = false;
        var body = new FormData(form);
        navigator.sendBeacon(data.autosaveUrl, body);
      }
    }
  });
  setInterval(save, 20000);
  setInterval(tick, 1000);
  tick();
})();
