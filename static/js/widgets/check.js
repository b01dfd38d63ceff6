// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var el = W.el, announce = W.announce, _ = W.gettext;

  /* ------------------------------------------------------------------------------------------
   * Knowledge checks: ungraded, instant feedback, may reveal the explanation.
   * ---------------------------------------------------------------------------------------- */
  function initCheck(form) {
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-correct]"));
    if (!inputs.length) return;
    var result = form.querySelector(".check-result");
    if (!result) {
      result = el("p", { className: "check-result", role: "status", "aria-live": "polite" });
      form.appendChild(result);
    }
    var details = form.querySelector(".check-explanation");
    var multiple = inputs[0].type === "checkbox";
    var button = el("button", { type: "submit", className: "check-submit", text: _("Check answer") });
    form.insertBefore(el("p", { className: "check-actions", lang: W.uiLang }, [button]), result);
    result.setAttribute("lang", W.uiLang);

    function setResult(text, state) {
      result.classList.remove("is-right", "is-wrong", "is-empty");
      if (state) result.classList.add(state);
      announce(result, text);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = inputs.filter(function (input) { return input.checked; });
      if (!chosen.length) {
        setResult(multiple ? _("Tick at least one option first.") : _("Choose an option first."), "is-empty");
        return;
      }
      var right = inputs.every(function (input) {
        return input.checked === (input.getAttribute("data-correct") === "1");
      });
      if (right) {
        setResult(_("Right!"), "is-right");
        if (details) details.open = true;
      } else {
        setResult(multiple ? _("Not yet, think again. Choose every right option and no other.") : _("Not yet, think again."),
          "is-wrong");
      }
    });
    form.addEventListener("change", function () {
      if (result.textContent) setResult("", null);
    });
  }


  W.register("check", initCheck);
})(window.OpsWidgets);
