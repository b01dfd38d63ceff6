// Progressive enhancements shared by every page. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // Wide tables scroll sideways inside the text on a phone; a keyboard user must be able to reach
  // and scroll them too, so an overflowing table becomes focusable (and stops being so when it fits).
  function markScrollableTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".prose table"), function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.setAttribute("tabindex", "0");
      else table.removeAttribute("tabindex");
    });
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(markScrollableTables, 150);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markScrollableTables);
  else markScrollableTables();
})();
