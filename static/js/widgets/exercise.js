// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var el = W.el, announce = W.announce;

  /* ------------------------------------------------------------------------------------------
   * Data exercises: the learner's answers are graded on the server (the page never holds the
   * answer key); the last graded answers come back with the page (#exercise-data).
   * ---------------------------------------------------------------------------------------- */
  var saved = null;

  function savedResults() {
    if (saved) return saved;
    saved = {};
    var node = document.getElementById("exercise-data");
    if (node) {
      try {
        var data = JSON.parse(node.textContent || "{}");
        if (data && typeof data === "object") saved = data;
      } catch (error) {
        saved = {};
      }
    }
    return saved;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
    if (match) return decodeURIComponent(match[1]);
    var hidden = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return hidden ? hidden.value : "";
  }

  function blanks(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-blank]"));
  }

  function valueOf(item) {
    var chosen = item.querySelector("input[type=radio]:checked");
    if (chosen) return chosen.value;
    var text = item.querySelector("input[type=text]");
    return text ? text.value.trim() : "";
  }

  function fill(item, value) {
    var text = item.querySelector("input[type=text]");
    if (text) { text.value = value; return; }
    var radio = item.querySelector('input[type=radio][value="' + String(value).replace(/"/g, "") + '"]');
    if (radio) radio.checked = true;
  }

  // Explanations are HTML the server sanitised when it imported the module (Module.exercises).
  function explanationNode(html) {
    var box = el("div", { className: "exercise-explanation" });
    box.appendChild(el("p", { className: "exercise-explanation-title", text: "解析" }));
    var body = el("div");
    body.innerHTML = html;
    box.appendChild(body);
    return box;
  }

  function show(form, state) {
    var right = 0, total = 0;
    blanks(form).forEach(function (item) {
      var key = item.getAttribute("data-blank");
      var feedback = item.querySelector("[data-feedback]");
      var old = item.querySelector(".exercise-explanation");
      if (old) old.parentNode.removeChild(old);
      item.classList.remove("is-right", "is-wrong");
      feedback.textContent = "";
      if (!(key in state.results)) return;
      total += 1;
      var ok = state.results[key] === true;
      if (ok) right += 1;
      item.classList.add(ok ? "is-right" : "is-wrong");
      feedback.textContent = ok ? "✓ 正确" : "✗ 还不对，再算一遍";
      if (state.explanations && state.explanations[key]) item.appendChild(explanationNode(state.explanations[key]));
    });
    var status = form.querySelector(".exercise-status");
    var text = "已提交 " + state.attempts + " 次：答对 " + right + " / " + total + " 空。";
    if (state.solved) text += "全部正确！";
    else if (!Object.keys(state.explanations || {}).length) text += "再提交一次后会显示解析。";
    status.className = "exercise-status " + (state.solved ? "is-ok" : "is-pending");
    announce(status, text);
  }

  function initExercise(form) {
    var key = form.getAttribute("data-key") || "";
    var article = form.closest("[data-exercise-url]");
    var url = article ? article.getAttribute("data-exercise-url") : "";
    var button = form.querySelector(".exercise-submit");
    var status = form.querySelector(".exercise-status");
    form.classList.add("is-enhanced");
    if (!url) return;
    button.disabled = false;
    var state = savedResults()[key];
    if (state && state.answers) {
      blanks(form).forEach(function (item) {
        var value = state.answers[item.getAttribute("data-blank")];
        if (value !== undefined) fill(item, value);
      });
      show(form, state);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = new URLSearchParams({ key: key });
      var empty = 0;
      blanks(form).forEach(function (item) {
        var value = valueOf(item);
        if (!value) empty += 1;
        body.append("b-" + item.getAttribute("data-blank"), value);
      });
      if (empty) {
        status.className = "exercise-status is-error";
        announce(status, "还有 " + empty + " 个空没有填。");
        return;
      }
      button.disabled = true;
      status.className = "exercise-status is-pending";
      status.textContent = "正在判分…";
      window.fetch(url, {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(
          function (data) { return { response: response, data: data }; },
          function () { return { response: response, data: null }; });
      }).then(function (reply) {
        button.disabled = false;
        if (reply.response.ok && reply.data && reply.data.results) {
          show(form, reply.data);
          return;
        }
        status.className = "exercise-status is-error";
        var message = reply.data && reply.data.error ? String(reply.data.error)
          : (reply.response.status === 403 ? "登录状态可能已过期，请刷新页面后再试。"
            : "服务器暂时无法判分（HTTP " + reply.response.status + "），请稍后再试。");
        announce(status, message);
      }).catch(function () {
        button.disabled = false;
        status.className = "exercise-status is-error";
        announce(status, "网络连接有问题，请检查网络后再试。");
      });
    });
  }

  W.register("exercise", initExercise);
})(window.OpsWidgets);
