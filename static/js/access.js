// The phone header's menu button, and focus on the result of a form just sent.
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

  function start() {
    setUpMenu();
    focusResult();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
