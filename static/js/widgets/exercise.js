// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var el = W.el, announce = W.announce, _ = W.gettext, format = W.format;

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
    box.appendChild(el("p", { className: "exercise-explanation-title", lang: W.uiLang, text: _("Explanation") }));
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
      feedback.setAttribute("lang", W.uiLang);
      feedback.textContent = ok ? _("✓ Right") : _("✗ Not yet, work it out again");
      if (state.explanations && state.explanations[key]) item.appendChild(explanationNode(state.explanations[key]));
    });
    var status = form.querySelector(".exercise-status");
    var text = format(W.ngettext("Submitted %(count)s time: %(right)s of %(total)s blanks right.",
      "Submitted %(count)s times: %(right)s of %(total)s blanks right.", state.attempts),
      { count: state.attempts, right: right, total: total });
    if (state.solved) text += " " + _("All right!");
    else if (!Object.keys(state.explanations || {}).length) text += " " + _("Submit once more to see the explanations.");
    status.setAttribute("lang", W.uiLang);
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
        announce(status, format(W.ngettext("%(count)s blank is still empty.", "%(count)s blanks are still empty.", empty),
          { count: empty }));
        return;
      }
      button.disabled = true;
      status.className = "exercise-status is-pending";
      status.textContent = _("Grading…");
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
          : (reply.response.status === 403 ? _("Your sign-in may have expired; reload the page and try again.")
            : format(_("The server cannot grade right now (HTTP %(status)s); try again later."),
              { status: reply.response.status }));
        announce(status, message);
      }).catch(function () {
        button.disabled = false;
        status.className = "exercise-status is-error";
        announce(status, _("The network connection failed; check it and try again."));
      });
    });
  }

  W.register("exercise", initExercise);
})(window.OpsWidgets);
