// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var newId = W.newId, el = W.el, announce = W.announce;

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
    var button = el("button", { type: "submit", className: "check-submit", text: "检查答案" });
    form.insertBefore(el("p", { className: "check-actions" }, [button]), result);

    function setResult(text, state) {
      result.classList.remove("is-right", "is-wrong", "is-empty");
      if (state) result.classList.add(state);
      announce(result, text);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = inputs.filter(function (input) { return input.checked; });
      if (!chosen.length) {
        setResult(multiple ? "请先勾选至少一个选项。" : "请先选择一个选项。", "is-empty");
        return;
      }
      var right = inputs.every(function (input) {
        return input.checked === (input.getAttribute("data-correct") === "1");
      });
      if (right) {
        setResult("回答正确！", "is-right");
        if (details) details.open = true;
      } else {
        setResult(multiple ? "还不对，再想想。多选题要选出全部正确选项，且不能多选。" : "还不对，再想想。",
          "is-wrong");
      }
    });
    form.addEventListener("change", function () {
      if (result.textContent) setResult("", null);
    });
  }


  W.register("check", initCheck);
})(window.OpsWidgets);
