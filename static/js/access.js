// The phone header's menu button, focus on the result of a form just sent, scrollable tables.
(function () {
  "use strict";
  function setUpMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    button.hidden = false;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // After a quiz or mistake-book submit the page reloads at the result (#quiz-result) or with a
  // message; focusing it tells a screen reader what happened instead of leaving focus on <body>.
  function focusResult() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (!target || !target.hasAttribute("data-focus-result")) target = document.querySelector(".messages[data-focus-result]");
    if (target) target.focus();
  }

  // A table wider than a phone scrolls inside its box; the keyboard must reach and scroll it too.
  function markScrollableBoxes() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  }

  function start() {
    setUpMenu();
    focusResult();
    markScrollableBoxes();
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(markScrollableBoxes, 150);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
