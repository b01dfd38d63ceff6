// Trainer editor: line-number gutter, debounced server-side preview, jump-to-line error list.
// Plain ES2017, no libraries. The preview HTML comes from the server's real content pipeline
// (Markdown → nh3 sanitiser → the learner page fragment), so it is safe to insert as is.
(function () {
  "use strict";

  var DEBOUNCE_MS = 450;
  var form = document.querySelector("form.editor-form");
  if (!form) return;
  var textarea = form.querySelector("textarea");
  var gutter = document.getElementById("editor-gutter");
  var preview = document.getElementById("preview");
  var status = document.getElementById("preview-status");
  var problemsBox = document.getElementById("editor-problems");
  var problemList = document.getElementById("problem-list");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var msg = form.dataset;
  var timer = null;
  var sequence = 0;
  var saved = textarea.value;
  var submitting = false;
  // One preview request at a time, and never the same text twice in a row: a text that is slow
  // to render must not be sent again on every pause while the first request is still running.
  var inFlight = false;
  var lastSent = textarea.value;

  // Long lines wrap, so a line can take several rows: a hidden copy of the text, one block per
  // line at the textarea's width, tells how many rows each takes and where each starts.
  var mirror = document.createElement("div");
  mirror.className = "editor-mirror";
  mirror.setAttribute("aria-hidden", "true");
  textarea.parentNode.appendChild(mirror);
  var lineTops = [];

  function measureLines() {
    var lines = textarea.value.split("\n");
    var fragment = document.createDocumentFragment();
    lines.forEach(function (line) {
      var block = document.createElement("div");
      block.textContent = line || " ";
      fragment.appendChild(block);
    });
    var style = window.getComputedStyle(textarea);
    mirror.style.width = textarea.clientWidth + "px";
    mirror.style.paddingLeft = style.paddingLeft;
    mirror.style.paddingRight = style.paddingRight;
    mirror.textContent = "";
    mirror.appendChild(fragment);
    return Array.prototype.map.call(mirror.children, function (block) {
      return { top: block.offsetTop, height: block.offsetHeight };
    });
  }

  function renderGutter() {
    var lineHeight = parseFloat(window.getComputedStyle(textarea).lineHeight) || 21;
    var rows = measureLines();
    var numbers = [];
    lineTops = rows.map(function (row) { return row.top; });
    rows.forEach(function (row, index) {
      numbers.push(String(index + 1));
      for (var extra = Math.round(row.height / lineHeight) - 1; extra > 0; extra -= 1) numbers.push("");
    });
    gutter.textContent = numbers.join("\n");
    gutter.scrollTop = textarea.scrollTop;
  }

  function goToLine(line) {
    var lines = textarea.value.split("\n");
    var target = Math.max(1, Math.min(line, lines.length));
    var start = 0;
    for (var i = 0; i < target - 1; i += 1) start += lines[i].length + 1;
    textarea.focus();
    textarea.setSelectionRange(start, start + lines[target - 1].length);
    var lineHeight = parseFloat(window.getComputedStyle(textarea).lineHeight) || 21;
    textarea.scrollTop = Math.max(0, (lineTops[target - 1] || 0) - 2 * lineHeight);
    gutter.scrollTop = textarea.scrollTop;
  }

  function showProblems(errors) {
    problemList.textContent = "";
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "line-link";
      button.setAttribute("data-line", String(error.line));
      button.textContent = msg.msgLine.replace("%(line)s", String(error.line));
      item.appendChild(button);
      item.appendChild(document.createTextNode(" " + error.message));
      problemList.appendChild(item);
    });
    problemsBox.hidden = errors.length === 0;
  }

  function refresh() {
    if (inFlight) { timer = window.setTimeout(refresh, DEBOUNCE_MS); return; }
    if (textarea.value === lastSent) return;
    lastSent = textarea.value;
    inFlight = true;
    sequence += 1;
    var mine = sequence;
    var body = new FormData();
    body.append("text", lastSent);
    status.textContent = msg.msgUpdating;
    preview.setAttribute("aria-busy", "true");
    fetch(msg.previewUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" }
    }).then(function (response) {
      inFlight = false;
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (data) {
      if (mine !== sequence) return; // a newer request is on its way
      preview.innerHTML = data.html;
      preview.removeAttribute("aria-busy");
      showProblems(data.errors);
      status.textContent = data.errors.length ? msg.msgProblems : msg.msgUpdated;
    }).catch(function () {
      inFlight = false;
      if (mine !== sequence) return;
      preview.removeAttribute("aria-busy");
      status.textContent = msg.msgFailed;
    });
  }

  textarea.addEventListener("input", function () {
    renderGutter();
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DEBOUNCE_MS);
  });
  textarea.addEventListener("scroll", function () { gutter.scrollTop = textarea.scrollTop; });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.line-link");
    if (button) goToLine(parseInt(button.getAttribute("data-line"), 10));
  });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || textarea.value === saved) return undefined;
    event.preventDefault();
    event.returnValue = msg.msgLeave;
    return msg.msgLeave;
  });

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(renderGutter, 150);
  });

  form.classList.add("editor-ready");
  renderGutter();
})();
