// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var newId = W.newId, el = W.el, announce = W.announce;

  /* ------------------------------------------------------------------------------------------
   * Reflections: private free-text answers, saved with fetch.
   * ---------------------------------------------------------------------------------------- */
  var REFLECTION_LIMIT = 5000;
  var dirtyReflections = new Set();
  var savedReflections = null;

  function readSavedReflections() {
    if (savedReflections) return savedReflections;
    savedReflections = {};
    var node = document.getElementById("reflection-data");
    if (node) {
      try {
        var data = JSON.parse(node.textContent || "{}");
        if (data && typeof data === "object") savedReflections = data;
      } catch (error) {
        savedReflections = {};
      }
    }
    return savedReflections;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
    if (match) return decodeURIComponent(match[1]);
    var hidden = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return hidden ? hidden.value : "";
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function formatTime(iso) {
    var date = iso ? new Date(iso) : new Date();
    if (isNaN(date.getTime())) date = new Date();
    var text = (date.getMonth() + 1) + "月" + date.getDate() + "日 " + pad(date.getHours()) + ":" +
      pad(date.getMinutes());
    return date.getFullYear() === new Date().getFullYear() ? text : date.getFullYear() + "年" + text;
  }

  function initReflection(section) {
    var key = section.getAttribute("data-key") || "";
    var article = section.closest("[data-reflection-url]");
    var url = article ? article.getAttribute("data-reflection-url") : "";
    var entry = readSavedReflections()[key];
    var savedText = entry && typeof entry.text === "string" ? entry.text : "";
    var saving = false;

    var textareaId = newId("reflection");
    var hint = el("p", { className: "reflection-hint", id: textareaId + "-hint",
      text: url ? "只有你自己能看到。按 Ctrl+Enter（Mac 上按 ⌘+Enter）也可以保存。"
        : "登录后可保存你的回答" });
    var textarea = el("textarea", {
      id: textareaId, name: "text", rows: 6, maxlength: REFLECTION_LIMIT,
      "aria-describedby": hint.id + " " + textareaId + "-count", disabled: !url
    });
    textarea.value = savedText;
    var counter = el("p", { className: "reflection-count", id: textareaId + "-count" });
    var button = el("button", { type: "submit", className: "reflection-save", text: "保存", disabled: !url });
    var status = el("p", { className: "reflection-status", role: "status", "aria-live": "polite" });
    var form = el("form", { className: "reflection-form", novalidate: true }, [
      el("label", { for: textareaId, text: "写下你的回答" }),
      hint,
      textarea,
      el("div", { className: "reflection-bar" }, [button, counter]),
      status
    ]);

    function setStatus(text, state) {
      status.classList.remove("is-ok", "is-error", "is-pending");
      if (state) status.classList.add(state);
      if (status.textContent !== text) status.textContent = text;
    }

    function refresh() {
      var length = textarea.value.length;
      counter.textContent = length + " / " + REFLECTION_LIMIT + " 字" +
        (length >= REFLECTION_LIMIT ? "（已达上限）" : "");
      counter.classList.toggle("is-near", length >= REFLECTION_LIMIT * 0.9);
      var dirty = Boolean(url) && textarea.value !== savedText;
      if (dirty) dirtyReflections.add(section); else dirtyReflections.delete(section);
      if (dirty && !saving && !status.classList.contains("is-error")) setStatus("有未保存的修改。", "is-pending");
      if (!dirty && status.classList.contains("is-pending")) setStatus("", null);
    }

    function failure(response) {
      if (response.status === 403) return "登录状态可能已过期，请刷新页面后再试。";
      if (response.status === 413) return "内容太长了。";
      return "服务器暂时无法保存（HTTP " + response.status + "），请稍后再试。";
    }

    function save() {
      if (!url || saving) return;
      var text = textarea.value;
      saving = true;
      setStatus("正在保存…", null);
      window.fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch", "Accept": "application/json" },
        body: new URLSearchParams({ key: key, text: text })
      }).then(function (response) {
        return response.json().then(
          function (data) { return { response: response, data: data }; },
          function () { return { response: response, data: null }; });
      }).then(function (reply) {
        saving = false;
        if (reply.response.ok && reply.data && reply.data.ok) {
          savedText = text;
          setStatus("已保存（" + formatTime(reply.data.updated_at) + "）", "is-ok");
        } else {
          var message = reply.data && reply.data.error ? String(reply.data.error) : failure(reply.response);
          setStatus("保存失败：" + message, "is-error");
        }
        refresh();
      }).catch(function () {
        saving = false;
        setStatus("保存失败：网络连接有问题，请检查网络后再试。", "is-error");
        refresh();
      });
    }

    textarea.addEventListener("input", function () {
      if (status.classList.contains("is-error")) setStatus("", null);
      refresh();
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        save();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save();
    });

    section.appendChild(form);
    section.classList.add("is-enhanced");
    refresh();
    if (entry && entry.updated_at && url) setStatus("上次保存于 " + formatTime(entry.updated_at), null);
  }

  window.addEventListener("beforeunload", function (event) {
    if (!dirtyReflections.size) return undefined;
    event.preventDefault();
    event.returnValue = "";
    return "";
  });


  W.register("reflection", initReflection);
})(window.OpsWidgets);
