// Question builder beside the trainer editor: a form that writes one quiz question in the text
// syntax of content/README.md into the editor (after the question the cursor is in, or at the
// end of the quiz), or reads the question at the cursor back into the form to replace it.
// Writing fires the textarea's input event, so editor.js refreshes the gutter and the preview.
// Plain ES2017, no libraries; every message comes translated in data attributes.
(function () {
  "use strict";

  var root = document.getElementById("question-builder");
  var textarea = document.querySelector("form.editor-form textarea");
  if (!root || !textarea) return;
  var msg = root.dataset;
  var trueWords = (msg.trueWords || "true").split(" ");
  var KEY_RE = /^[a-z0-9][a-z0-9-]{0,49}$/;
  var NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
  var QUIZ_RE = /^=== quiz ===[ \t]*$/m;
  var HEADER_RE = /^##\s+\[([^\]]*)\]\s*(\S*)/;
  var CHOICE_RE = /^[-*]\s+\[([^\]]*)\]\s+(.*)$/;
  var ANSWER_RE = /^answer\s*:\s*(.*)$/i;
  var FEEDBACK_RE = /^\s+>\s?(.*)$/;
  var EXPLANATION_RE = /^>\s?(.*)$/;
  var SYNTAX_RE = /^\s*(##|>|[-*]\s*\[|answer\s*:)/i;
  var WEIGHT_RE = /^(.*?)\s*=\s*([+-]?\d+(?:\.\d+)?)\s*%$/;
  var field = function (id) { return document.getElementById(id); };
  var kind = field("qb-kind");
  var options = field("qb-options");
  var template = field("qb-option-template");
  var answerRows = field("qb-answers");
  var answerTemplate = field("qb-answer-template");
  var error = field("qb-error");
  var status = field("qb-status");
  var writeButton = field("qb-write");
  var editing = null; // {start, end} of the question being edited, in textarea offsets

  function format(text, values) {
    return Object.keys(values).reduce(function (out, name) {
      return out.replace("%(" + name + ")s", String(values[name]));
    }, text);
  }

  function oneLine(text) { return text.replace(/\s+/g, " ").trim(); }

  function renumber() {
    [[options, msg.msgOption, msg.msgRemove], [answerRows, msg.msgAnswer, msg.msgRemoveAnswer]].forEach(function (list) {
      Array.prototype.forEach.call(list[0].children, function (item, index) {
        item.querySelector(".qb-option-legend").textContent = format(list[1], { n: index + 1 });
        item.querySelector(".qb-remove").textContent = format(list[2], { n: index + 1 });
      });
    });
  }

  function addAnswer(values) {
    var item = answerTemplate.content.firstElementChild.cloneNode(true);
    values = values || {};
    ["value", "weight", "feedback"].forEach(function (name) {
      item.querySelector("[data-field=" + name + "]").value = values[name] || "";
    });
    answerRows.appendChild(item);
    renumber();
    return item;
  }

  function answerValues() {
    return Array.prototype.map.call(answerRows.children, function (item) {
      return {
        value: oneLine(item.querySelector("[data-field=value]").value),
        weight: item.querySelector("[data-field=weight]").value.trim().replace(/%$/, ""),
        feedback: oneLine(item.querySelector("[data-field=feedback]").value)
      };
    }).filter(function (answer) { return answer.value || answer.weight || answer.feedback; });
  }

  function addOption(values) {
    var item = template.content.firstElementChild.cloneNode(true);
    values = values || {};
    item.querySelector("[data-field=text]").value = values.text || "";
    item.querySelector("[data-field=right]").checked = Boolean(values.right);
    item.querySelector("[data-field=weight]").value = values.weight || "";
    item.querySelector("[data-field=feedback]").value = values.feedback || "";
    options.appendChild(item);
    renumber();
    return item;
  }

  function showKind() {
    root.querySelectorAll(".qb-part").forEach(function (part) {
      part.hidden = part.dataset.kinds.split(" ").indexOf(kind.value) < 0;
    });
  }

  function clearForm() {
    ["qb-key", "qb-text", "qb-feedback-true", "qb-feedback-false", "qb-number", "qb-tolerance", "qb-unit",
     "qb-accepted", "qb-explanation"].forEach(function (id) { field(id).value = ""; });
    field("qb-truth").value = "true";
    options.textContent = "";
    answerRows.textContent = "";
    addOption({ right: true });
    addOption();
    editing = null;
    writeButton.textContent = msg.labelInsert;
    error.hidden = true;
    showKind();
  }

  function optionValues() {
    return Array.prototype.map.call(options.children, function (item) {
      return {
        text: oneLine(item.querySelector("[data-field=text]").value),
        right: item.querySelector("[data-field=right]").checked,
        weight: item.querySelector("[data-field=weight]").value.trim().replace(/%$/, ""),
        feedback: oneLine(item.querySelector("[data-field=feedback]").value)
      };
    }).filter(function (option) { return option.text; });
  }

  function problem() {
    var key = field("qb-key").value.trim();
    if (!KEY_RE.test(key)) return msg.msgKey;
    if (!field("qb-text").value.trim()) return msg.msgText;
    if (kind.value === "single" || kind.value === "multiple") {
      var chosen = optionValues();
      if (chosen.some(function (o) { return o.weight && !(NUMBER_RE.test(o.weight) && Math.abs(o.weight) <= 100); })) {
        return msg.msgWeight;
      }
      if (chosen.length < 2 || !chosen.some(function (o) { return o.right || Number(o.weight) > 0; })) {
        return msg.msgOptions;
      }
    }
    if (kind.value === "numeric") {
      var tolerance = field("qb-tolerance").value.trim();
      if (!NUMBER_RE.test(field("qb-number").value.trim()) || (tolerance && !NUMBER_RE.test(tolerance))) {
        return msg.msgNumber;
      }
    }
    if (kind.value === "text" && !acceptedAnswers().length) return msg.msgAccepted;
    if ((kind.value === "numeric" || kind.value === "text") && answerValues().some(function (a) {
      return !a.value || !NUMBER_RE.test(a.weight) || a.weight < 0 || a.weight > 100;
    })) return msg.msgAnswerWeight;
    if (!field("qb-explanation").value.trim()) return msg.msgExplanation;
    return "";
  }

  function acceptedAnswers() {
    return field("qb-accepted").value.split("\n").map(oneLine).filter(Boolean).map(function (answer) {
      return answer.replace(/\|/g, "/");
    });
  }

  function markdown() {
    var lines = ["## [" + kind.value + "] " + field("qb-key").value.trim()];
    field("qb-text").value.trim().split("\n").forEach(function (line) {
      lines.push(SYNTAX_RE.test(line) ? "\\" + line : line);
    });
    if (kind.value === "single" || kind.value === "multiple") {
      optionValues().forEach(function (option) {
        var mark = option.weight ? option.weight + "%" : (option.right ? "x" : " ");
        lines.push("- [" + mark + "] " + option.text);
        if (option.feedback) lines.push("  > " + option.feedback);
      });
    } else if (kind.value === "truefalse") {
      lines.push("answer: " + field("qb-truth").value);
      ["true", "false"].forEach(function (word) {
        var text = oneLine(field("qb-feedback-" + word).value);
        if (text) lines.push("  > " + word + ": " + text);
      });
    } else if (kind.value === "numeric") {
      var tolerance = field("qb-tolerance").value.trim();
      var unit = oneLine(field("qb-unit").value);
      lines.push("answer: " + field("qb-number").value.trim() + (tolerance ? " ± " + tolerance : "") +
                 (unit ? " " + unit : ""));
    } else {
      lines.push("answer: " + acceptedAnswers().join(" | "));
    }
    if (kind.value === "numeric" || kind.value === "text") {
      answerValues().forEach(function (answer) {
        lines.push("answer: " + answer.value + " = " + answer.weight + "%");
        if (answer.feedback) lines.push("  > " + answer.feedback);
      });
    }
    field("qb-explanation").value.trim().split("\n").forEach(function (line) {
      lines.push((">" + (line.trim() ? " " + line.trim() : "")));
    });
    return lines.join("\n") + "\n";
  }

  function lineOf(text, offset) { return text.slice(0, offset).split("\n").length; }

  // Where a new question goes: before the next question header after the cursor, or at the end.
  function insertionPoint(text) {
    var quiz = QUIZ_RE.exec(text);
    var cursor = textarea.selectionStart;
    if (!quiz || cursor < quiz.index + quiz[0].length) return text.length;
    var next = text.slice(cursor).search(/^##\s+\[/m);
    if (next === 0 && cursor > 0 && text[cursor - 1] !== "\n") next = text.slice(cursor + 1).search(/^##\s+\[/m) + 1;
    return next < 0 ? text.length : cursor + next;
  }

  function write() {
    var why = problem();
    error.textContent = why;
    error.hidden = !why;
    if (why) return;
    var text = textarea.value;
    var block = markdown();
    var start, end, message;
    if (editing) {
      start = editing.start; end = editing.end; message = msg.msgReplaced;
    } else {
      if (!QUIZ_RE.test(text)) text = text.replace(/\s*$/, "\n\n=== quiz ===\n");
      start = end = insertionPoint(text); message = msg.msgWritten;
    }
    var before = text.slice(0, start).replace(/\s*$/, "\n\n");
    var after = text.slice(end).replace(/^\s*/, "");
    textarea.value = before + block + (after ? "\n" + after : "");
    var at = before.length;
    textarea.setSelectionRange(at, at + block.length);
    editing = { start: at, end: at + block.length };
    writeButton.textContent = msg.labelReplace;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    status.textContent = format(message, { line: lineOf(textarea.value, at) });
  }

  function questionAtCursor(text) {
    var quiz = QUIZ_RE.exec(text);
    var cursor = textarea.selectionStart;
    if (!quiz || cursor < quiz.index + quiz[0].length) return null;
    var headers = [];
    var pattern = /^##\s+\[/mg;
    var found;
    while ((found = pattern.exec(text)) !== null) headers.push(found.index);
    var start = headers.filter(function (at) { return at <= cursor && at > quiz.index; }).pop();
    if (start === undefined) return null;
    var next = headers.filter(function (at) { return at > start; })[0];
    var end = next === undefined ? text.length : next;
    return { start: start, end: end, lines: text.slice(start, end).replace(/\s*$/, "").split("\n") };
  }

  function parse(lines) {
    var header = HEADER_RE.exec(lines[0]);
    if (!header) return null;
    var q = { kind: header[1].trim(), key: header[2], text: [], options: [], answers: [], explanation: [],
              feedback: {} };
    var last = null;
    for (var i = 1; i < lines.length; i += 1) {
      var line = lines[i];
      var stripped = line.trim();
      var m;
      if (last && !q.explanation.length && (m = FEEDBACK_RE.exec(line))) {
        last.feedback.push(m[1].trim());
      } else if ((m = CHOICE_RE.exec(stripped))) {
        var mark = m[1].trim();
        last = { text: m[2].trim(), right: mark === "x" || mark === "X",
                 weight: /%$/.test(mark) ? mark.replace(/\s*%$/, "").trim() : "", feedback: [] };
        q.options.push(last);
      } else if ((m = ANSWER_RE.exec(stripped))) {
        last = { value: m[1].trim(), feedback: [] };
        q.answers.push(last);
      } else if ((m = EXPLANATION_RE.exec(stripped))) {
        q.explanation.push(m[1]);
      } else if (!q.options.length && !q.answers.length) {
        q.text.push(line.replace(/^\\/, ""));
      }
    }
    return q;
  }

  function fits(q) {
    if (["single", "multiple", "truefalse", "numeric", "text"].indexOf(q.kind) < 0) return false;
    if (q.kind === "single" || q.kind === "multiple") return q.answers.length === 0;
    if (!q.answers.length || WEIGHT_RE.test(q.answers[0].value) || (q.answers[0].feedback.length && q.kind !== "truefalse")) {
      return false;
    }
    if (q.kind === "truefalse") {
      return q.answers.length === 1 && q.answers[0].feedback.every(function (f) { return /^(true|false)\s*:/.test(f); });
    }
    return q.answers.slice(1).every(function (a) { return WEIGHT_RE.test(a.value); });
  }

  function load() {
    var found = questionAtCursor(textarea.value);
    var q = found && parse(found.lines);
    error.hidden = true;
    if (!q) { status.textContent = msg.msgNoQuestion; return; }
    if (!fits(q)) { status.textContent = msg.msgTooRich; return; }
    clearForm();
    kind.value = q.kind;
    field("qb-key").value = q.key;
    field("qb-text").value = q.text.join("\n").trim();
    field("qb-explanation").value = q.explanation.join("\n").trim();
    if (q.kind === "single" || q.kind === "multiple") {
      options.textContent = "";
      q.options.forEach(function (o) { addOption({ text: o.text, right: o.right, weight: o.weight,
                                                   feedback: o.feedback.join(" ") }); });
    } else if (q.kind === "truefalse") {
      field("qb-truth").value = trueWords.indexOf(q.answers[0].value.trim().toLowerCase()) >= 0 ? "true" : "false";
      q.answers[0].feedback.forEach(function (f) {
        var m = /^(true|false)\s*:\s*(.*)$/.exec(f);
        field("qb-feedback-" + m[1]).value = m[2];
      });
    } else if (q.kind === "numeric") {
      var m = /^(\S+)\s*(?:(?:±|\+-|\+\/-)\s*(\S+))?\s*(.*)$/.exec(q.answers[0].value);
      field("qb-number").value = m[1];
      field("qb-tolerance").value = m[2] || "";
      field("qb-unit").value = m[3] || "";
    } else {
      field("qb-accepted").value = q.answers[0].value.split("|").map(oneLine).join("\n");
    }
    q.answers.slice(1).forEach(function (a) {
      var weighted = WEIGHT_RE.exec(a.value);
      addAnswer({ value: weighted[1], weight: weighted[2], feedback: a.feedback.join(" ") });
    });
    showKind();
    editing = { start: found.start, end: found.end };
    writeButton.textContent = msg.labelReplace;
    status.textContent = format(msg.msgLoaded, { line: lineOf(textarea.value, found.start) });
    field("qb-kind").focus();
  }

  kind.addEventListener("change", showKind);
  field("qb-add-option").addEventListener("click", function () {
    addOption().querySelector("[data-field=text]").focus();
  });
  field("qb-add-answer").addEventListener("click", function () {
    addAnswer().querySelector("[data-field=value]").focus();
  });
  answerRows.addEventListener("click", function (event) {
    var remove = event.target.closest(".qb-remove");
    if (!remove) return;
    var item = remove.closest(".qb-option");
    var neighbour = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    renumber();
    (neighbour ? neighbour.querySelector("[data-field=value]") : field("qb-add-answer")).focus();
  });
  options.addEventListener("click", function (event) {
    var remove = event.target.closest(".qb-remove");
    if (!remove || options.children.length <= 2) return;
    var item = remove.closest(".qb-option");
    var neighbour = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    renumber();
    neighbour.querySelector("[data-field=text]").focus();
  });
  writeButton.addEventListener("click", write);
  field("qb-load").addEventListener("click", load);
  field("qb-clear").addEventListener("click", function () { clearForm(); status.textContent = ""; });
  // Typing in the text moves what an edit would replace: start a new question instead.
  textarea.addEventListener("input", function (event) {
    if (event.isTrusted && editing) { editing = null; writeButton.textContent = msg.labelInsert; }
  });
  clearForm();
})();
