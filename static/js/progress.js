// Reading progress on the module page: visibility-aware active time and "reached the end".
// Time counts only while the tab is visible and the learner has interacted within the idle
// cutoff; it is reported every few seconds and the server caps each report (see README).
(function () {
  "use strict";
  var article = document.querySelector("article[data-heartbeat-url]");
  if (!article || !window.fetch) return;
  var url = article.dataset.heartbeatUrl;
  var every = Number(article.dataset.heartbeatSeconds || 15) * 1000;
  var idleCutoff = Number(article.dataset.idleSeconds || 60) * 1000;
  var lastInput = Date.now();
  var lastTick = Date.now();
  var pending = 0;
  var reachedEnd = false;
  var readSent = article.dataset.read === "1";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function active() {
    return document.visibilityState === "visible" && Date.now() - lastInput < idleCutoff;
  }

  function tick() {
    var now = Date.now();
    if (active()) pending += (now - lastTick) / 1000;
    lastTick = now;
  }

  function send(useBeacon) {
    tick();
    var seconds = Math.floor(pending);
    var endNow = reachedEnd && !readSent;
    if (seconds < 1 && !endNow) return;
    pending -= seconds;
    var body = new URLSearchParams({ seconds: String(seconds), reached_end: endNow ? "1" : "0" });
    if (endNow) readSent = true;
    if (useBeacon && navigator.sendBeacon) {
      body.append("csrfmiddlewaretoken", csrfToken());
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" }
    }).catch(function () { pending += seconds; if (endNow) readSent = false; });
  }

  ["keydown", "pointerdown", "pointermove", "scroll", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, function () { tick(); lastInput = Date.now(); }, { passive: true });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send(true); else { lastTick = Date.now(); lastInput = Date.now(); }
  });
  window.setInterval(function () { send(false); }, every);

  var end = document.querySelector("[data-module-end]");
  if (end && "IntersectionObserver" in window && !readSent) {
    new IntersectionObserver(function (entries, observer) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        reachedEnd = true;
        observer.disconnect();
        send(false);
      }
    }).observe(end);
  }
})();

(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
