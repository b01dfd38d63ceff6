// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var newId = W.newId, el = W.el, _ = W.gettext, format = W.format;

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

  function formatTime(iso) {
    var date = iso ? new Date(iso) : new Date();
    if (isNaN(date.getTime())) date = new Date();
    var options = { month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false };
    if (date.getFullYear() !== new Date().getFullYear()) options.year = "numeric";
    return date.toLocaleString(W.uiLang, options);
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
      text: url ? _("Only you can see this. Ctrl+Enter (⌘+Enter on a Mac) saves too.")
        : _("Sign in to save your answer") });
    var textarea = el("textarea", {
      id: textareaId, name: "text", rows: 6, maxlength: REFLECTION_LIMIT,
      "aria-describedby": hint.id + " " + textareaId + "-count", disabled: !url
    });
    textarea.value = savedText;
    var counter = el("p", { className: "reflection-count", id: textareaId + "-count" });
    var button = el("button", { type: "submit", className: "reflection-save", text: _("Save"), disabled: !url });
    var status = el("p", { className: "reflection-status", role: "status", "aria-live": "polite" });
    var form = el("form", { className: "reflection-form", novalidate: true, lang: W.uiLang }, [
      el("label", { for: textareaId, text: _("Write your answer") }),
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
      counter.textContent = format(length >= REFLECTION_LIMIT ? _("%(count)s / %(limit)s characters (the limit)")
        : _("%(count)s / %(limit)s characters"), { count: length, limit: REFLECTION_LIMIT });
      counter.classList.toggle("is-near", length >= REFLECTION_LIMIT * 0.9);
      var dirty = Boolean(url) && textarea.value !== savedText;
      if (dirty) dirtyReflections.add(section); else dirtyReflections.delete(section);
      if (dirty && !saving && !status.classList.contains("is-error")) setStatus(_("You have unsaved changes."), "is-pending");
      if (!dirty && status.classList.contains("is-pending")) setStatus("", null);
    }

    function failure(response) {
      if (response.status === 403) return _("Your sign-in may have expired; reload the page and try again.");
      if (response.status === 413) return _("The text is too long.");
      return format(_("The server cannot save right now (HTTP %(status)s); try again later."),
        { status: response.status });
    }

    function save() {
      if (!url || saving) return;
      var text = textarea.value;
      saving = true;
      setStatus(_("Saving…"), null);
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
          setStatus(format(_("Saved (%(time)s)"), { time: formatTime(reply.data.updated_at) }), "is-ok");
        } else {
          var message = reply.data && reply.data.error ? String(reply.data.error) : failure(reply.response);
          setStatus(format(_("Not saved: %(reason)s"), { reason: message }), "is-error");
        }
        refresh();
      }).catch(function () {
        saving = false;
        setStatus(format(_("Not saved: %(reason)s"),
          { reason: _("the network connection failed; check it and try again.") }), "is-error");
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
    if (entry && entry.updated_at && url) setStatus(format(_("Last saved %(time)s"), { time: formatTime(entry.updated_at) }), null);
  }

  window.addEventListener("beforeunload", function (event) {
    if (!dirtyReflections.size) return undefined;
    event.preventDefault();
    event.returnValue = "";
    return "";
  });


  W.register("reflection", initReflection);
})(window.OpsWidgets);
