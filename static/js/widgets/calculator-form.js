// // The calculator widget: a form pre-filled from the example, recomputed on every input.
// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var _ = W.gettext, format = W.format, newId = W.newId, el = W.el, announce = W.announce, Q = W.Q, formatNumber = W.formatNumber, normalise = W.normalise, parseNumber = W.parseNumber, CALCULATORS = W.CALCULATORS, parseBins = W.parseBins, withUnit = W.withUnit, sum = W.sum;

  function initCalculator(section) {
    var kind = section.getAttribute("data-kind");
    var spec = CALCULATORS[kind];
    if (!spec) return;
    var written;
    try {
      written = JSON.parse(section.getAttribute("data-params") || "{}") || {};
    } catch (error) {
      return; // keep the static example table
    }
    var unit = section.getAttribute("data-unit") || "";
    var fields = [];
    var rowCounters = {};

    var body = el("div", { className: "calc-body" });
    var figure = el("output", { className: "calc-figure-value" });
    var region = el("div", { className: "calc-output", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    var resetButton = el("button", { type: "button", className: "button button-secondary button-small calc-reset", text: _("Restore the example data") });
    var form = el("form", { className: "calc-form", novalidate: true, lang: W.uiLang }, [
      el("p", { className: "calc-hint", text: unit
        ? format(_("Filled in with the example from the text. Change any number and the result updates at once (unit: %(unit)s)."), { unit: unit })
        : _("Filled in with the example from the text. Change any number and the result updates at once.") }),
      body,
      region,
      el("p", { className: "calc-actions" }, [resetButton])
    ]);

    function suffixFor(param) {
      return param.unitFromData ? unit : (param.suffix || "");
    }

    function makeField(param, label, value, row) {
      var inputId = newId("calc-input");
      var errorId = inputId + "-error";
      var describedBy = [];
      var help = null;
      if (param.help || param.bins) {
        help = el("p", { className: "calc-help", id: inputId + "-help",
          text: param.help || _("4 numbers from small to large, separated by commas") });
        describedBy.push(help.id);
      }
      describedBy.push(errorId);
      var input = el("input", {
        type: "text", id: inputId, name: param.name, autocomplete: "off", spellcheck: "false",
        inputmode: param.bins ? null : "decimal", value: value, "aria-describedby": describedBy.join(" ")
      });
      var suffix = suffixFor(param);
      var error = el("p", { className: "calc-error", id: errorId, hidden: true });
      var wrap = el("div", { className: "calc-field" }, [
        el("label", { for: inputId, text: label }),
        help,
        el("div", { className: "calc-input-wrap" }, [
          input, suffix ? el("span", { className: "calc-suffix", "aria-hidden": "true", text: suffix }) : null
        ]),
        error
      ]);
      var field = { param: param, label: label, input: input, error: error, node: wrap, row: row,
        touched: value !== "" };
      input.addEventListener("blur", function () { field.touched = true; update(); });
      fields.push(field);
      return field;
    }

    function makeRow(param, list, label, value) {
      var row = el("li", { className: "calc-row" });
      var field = makeField(param, label, value, row);
      var remove = el("button", { type: "button", className: "calc-remove", "aria-label": format(_("Remove this row: %(label)s"), { label: label }) },
        [el("span", { "aria-hidden": "true", text: "✕ " }), _("Remove")]);
      remove.addEventListener("click", function () {
        var rows = Array.prototype.slice.call(list.children);
        var index = rows.indexOf(row);
        fields.splice(fields.indexOf(field), 1);
        list.removeChild(row);
        refreshRemoveButtons(list, param);
        var remaining = list.querySelectorAll("input");
        var target = remaining[Math.min(index, remaining.length - 1)];
        if (target) target.focus();
        update();
      });
      row.appendChild(field.node);
      row.appendChild(remove);
      list.appendChild(row);
      return field;
    }

    function refreshRemoveButtons(list, param) {
      var buttons = list.querySelectorAll(".calc-remove");
      var atMinimum = buttons.length <= param.min;
      Array.prototype.forEach.call(buttons, function (button) {
        button.disabled = atMinimum;
        button.title = atMinimum ? format(_("At least %(count)s rows are needed"), { count: param.min }) : "";
      });
    }

    function render() {
      body.textContent = "";
      fields = [];
      var grid = null;
      spec.params.forEach(function (param) {
        var pairs = Array.isArray(written[param.name]) ? written[param.name] : [];
        if (param.repeat) {
          grid = null;
          var legendText = suffixFor(param) ? format(_("%(label)s (%(unit)s)"), { label: param.legend || param.label, unit: suffixFor(param) })
            : (param.legend || param.label);
          var list = el("ul", { className: "calc-rows" });
          var add = el("button", { type: "button", className: "calc-add" },
            [el("span", { "aria-hidden": "true", text: "＋ " }), format(_("Add %(label)s"), { label: param.label })]);
          var group = el("fieldset", { className: "calc-group" }, [
            el("legend", { text: legendText }), list, add
          ]);
          pairs.forEach(function (pair, i) {
            makeRow(param, list, pair[1] || param.label + " " + (i + 1), String(pair[0]));
          });
          while (list.children.length < param.min) {
            makeRow(param, list, param.label + " " + (list.children.length + 1), "");
          }
          rowCounters[param.name] = list.children.length;
          refreshRemoveButtons(list, param);
          add.addEventListener("click", function () {
            rowCounters[param.name] += 1;
            var field = makeRow(param, list, param.label + " " + rowCounters[param.name], "");
            refreshRemoveButtons(list, param);
            field.input.focus();
            update();
          });
          body.appendChild(group);
        } else {
          if (!grid) {
            grid = el("div", { className: "calc-grid" });
            body.appendChild(grid);
          }
          var value = pairs.length ? String(pairs[0][0]) : (param.fallback || "");
          grid.appendChild(makeField(param, param.label, value, null).node);
        }
      });
    }

    function showError(field, message) {
      var visible = Boolean(message) && (field.touched || field.input.value.trim() !== "");
      field.error.textContent = "";
      if (visible) {
        field.error.appendChild(el("span", { className: "calc-error-icon", "aria-hidden": "true", text: "⚠" }));
        field.error.appendChild(document.createTextNode(" " + message));
      }
      field.error.hidden = !visible;
      if (visible) field.input.setAttribute("aria-invalid", "true");
      else field.input.removeAttribute("aria-invalid");
      field.node.classList.toggle("has-error", visible);
    }

    function showProblem(text) {
      region.textContent = "";
      region.classList.add("is-invalid");
      region.appendChild(el("p", { className: "calc-problem" }, [
        el("span", { className: "calc-error-icon", "aria-hidden": "true", text: "⚠" }), " " + text
      ]));
    }

    function update() {
      var values = {};
      var errors = [];
      spec.params.forEach(function (param) { values[param.name] = []; });
      fields.forEach(function (field) {
        var parsed = field.param.bins ? parseBins(field.input.value)
          : parseNumber(field.input.value, { percent: field.param.percent });
        if (parsed.error) {
          errors.push([field, parsed.error]);
        } else {
          parsed.label = field.label;
          parsed.field = field;
          values[field.param.name].push(parsed);
        }
      });
      var outcome = errors.length ? { errors: errors } : spec.compute(values, { unit: unit });
      var messages = new Map();
      (outcome.errors || []).forEach(function (pair) {
        if (!messages.has(pair[0])) messages.set(pair[0], pair[1]);
      });
      fields.forEach(function (field) { showError(field, messages.get(field) || ""); });

      if (messages.size) {
        var first = fields.filter(function (f) { return messages.has(f); })[0];
        var count = messages.size;
        showProblem(format(W.ngettext("No result yet: %(count)s entry needs changing. %(label)s: %(message)s",
          "No result yet: %(count)s entries need changing. %(label)s: %(message)s", count),
          { count: count, label: first.label, message: messages.get(first) }));
        return;
      }
      if (outcome.problem) {
        showProblem(format(_("No result yet: %(problem)s"), { problem: outcome.problem }));
        return;
      }
      region.textContent = "";
      region.classList.remove("is-invalid");
      figure.textContent = outcome.figure;
      region.appendChild(el("p", { className: "calc-figure" }, [
        el("span", { className: "calc-figure-label", text: format(_("%(label)s: "), { label: spec.figureLabel }) }),
        figure,
        spec.figureUnit ? el("span", { className: "calc-figure-unit", text: " " + spec.figureUnit }) : null
      ]));
      if (outcome.details && outcome.details.length) {
        region.appendChild(el("ul", { className: "calc-details" }, outcome.details.map(function (text) {
          return el("li", { text: text });
        })));
      }
      if (outcome.verdict) region.appendChild(el("p", { className: "calc-verdict", text: outcome.verdict }));
    }

    form.addEventListener("input", function (event) {
      var field = fields.filter(function (f) { return f.input === event.target; })[0];
      if (field) field.touched = true;
      update();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fields.forEach(function (field) { field.touched = true; });
      update();
    });
    resetButton.addEventListener("click", function () {
      render();
      update();
    });

    render();
    update();
    var table = section.querySelector(".calc-example");
    if (table) table.hidden = true;
    section.appendChild(form);
    section.classList.add("is-enhanced");
  }


  W.register("calculator", initCalculator);
})(window.OpsWidgets);
