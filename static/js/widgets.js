// Interactive pieces inside module text (knowledge checks, calculators, reflections).
// Plain ES2017, no libraries, no build step. The page's CSP forbids inline scripts and inline
// style attributes, so everything here is built with DOM methods and styled by widgets.css.
// The calculator formulas mirror courses/content/calculators.py exactly (the Python is the
// reference); tests/browser/test_widgets.py checks both give the same figures.
(function () {
  "use strict";

  var idCounter = 0;
  function newId(prefix) {
    idCounter += 1;
    return "w-" + prefix + "-" + idCounter;
  }

  // el("p", {className: "x", text: "…", "aria-live": "polite"}, [children])
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // Set a live region's text so that repeating the same message is still announced.
  function announce(node, text) {
    node.textContent = "";
    window.setTimeout(function () { node.textContent = text; }, 30);
  }

  /* ------------------------------------------------------------------------------------------
   * Exact decimal arithmetic. Python computes with Decimal and rounds half-to-even; to show the
   * very same figure we compute with exact fractions of BigInts. Very old browsers without
   * BigInt fall back to floating point (close, but not guaranteed identical on ties).
   * ---------------------------------------------------------------------------------------- */
  var Q = (function () {
    var NUMBER_RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?$/;
    var MAX_EXPONENT = 30;

    function stripZeros(text) {
      return text.indexOf(".") >= 0 ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
    }

    // Split a normalised number into sign, digits and exponent, or null if it is no number.
    function split(text) {
      var m = NUMBER_RE.exec(text);
      if (!m) return null;
      var mantissa = m[2];
      var dot = mantissa.indexOf(".");
      var fraction = dot >= 0 ? mantissa.length - dot - 1 : 0;
      var digits = mantissa.replace(".", "");
      return { negative: m[1] === "-", digits: digits, exponent: parseInt(m[3] || "0", 10) - fraction };
    }

    if (typeof BigInt === "function") {
      var ZERO = BigInt(0), ONE = BigInt(1), TWO = BigInt(2), TEN = BigInt(10);
      var pow10 = function (k) { var r = ONE; for (var i = 0; i < k; i++) r *= TEN; return r; };
      var abs = function (x) { return x < ZERO ? -x : x; };
      var gcd = function (a, b) { a = abs(a); b = abs(b); while (b !== ZERO) { var t = a % b; a = b; b = t; } return a; };
      var make = function (n, d) {
        if (d < ZERO) { n = -n; d = -d; }
        var g = gcd(n, d);
        if (g > ONE) { n /= g; d /= g; }
        return { n: n, d: d };
      };
      return {
        split: split,
        MAX_EXPONENT: MAX_EXPONENT,
        fromParts: function (parts) {
          var n = BigInt(parts.digits) * (parts.exponent > 0 ? pow10(parts.exponent) : ONE);
          var d = parts.exponent < 0 ? pow10(-parts.exponent) : ONE;
          return make(parts.negative ? -n : n, d);
        },
        int: function (k) { return make(BigInt(k), ONE); },
        add: function (a, b) { return make(a.n * b.d + b.n * a.d, a.d * b.d); },
        sub: function (a, b) { return make(a.n * b.d - b.n * a.d, a.d * b.d); },
        mul: function (a, b) { return make(a.n * b.n, a.d * b.d); },
        div: function (a, b) { return make(a.n * b.d, a.d * b.n); },
        cmp: function (a, b) { var x = a.n * b.d - b.n * a.d; return x < ZERO ? -1 : (x > ZERO ? 1 : 0); },
        sign: function (a) { return a.n < ZERO ? -1 : (a.n > ZERO ? 1 : 0); },
        toFloat: function (a) { return Number(a.n) / Number(a.d); },
        // Python: text = f"{round(value, places):.{places}f}", then trailing zeros stripped.
        // round() on a Decimal rounds half to even and keeps the sign of a negative zero.
        format: function (a, places) {
          var scaled = abs(a.n) * pow10(places);
          var q = scaled / a.d, r = scaled % a.d;
          if (r * TWO > a.d || (r * TWO === a.d && q % TWO === ONE)) q += ONE;
          var digits = q.toString();
          while (digits.length <= places) digits = "0" + digits;
          var text = places ? digits.slice(0, -places) + "." + digits.slice(-places) : digits;
          return (a.n < ZERO ? "-" : "") + stripZeros(text);
        }
      };
    }

    var fmake = function (v) { return { v: v }; };
    return {
      split: split,
      MAX_EXPONENT: MAX_EXPONENT,
      fromParts: function (parts) {
        var v = Number(parts.digits + "e" + parts.exponent);
        return fmake(parts.negative ? -v : v);
      },
      int: function (k) { return fmake(k); },
      add: function (a, b) { return fmake(a.v + b.v); },
      sub: function (a, b) { return fmake(a.v - b.v); },
      mul: function (a, b) { return fmake(a.v * b.v); },
      div: function (a, b) { return fmake(a.v / b.v); },
      cmp: function (a, b) { return a.v < b.v ? -1 : (a.v > b.v ? 1 : 0); },
      sign: function (a) { return a.v < 0 ? -1 : (a.v > 0 ? 1 : 0); },
      toFloat: function (a) { return a.v; },
      format: function (a, places) {
        var text = Math.abs(a.v).toFixed(places);
        return (a.v < 0 ? "-" : "") + stripZeros(text);
      }
    };
  })();

  function formatNumber(value, places) {
    return Q.format(value, places === undefined ? 1 : places);
  }

  // Learners type "1,000", "１２", "12。5" or "5%": normalise before parsing.
  function normalise(raw, percent) {
    var text = String(raw);
    if (text.normalize) text = text.normalize("NFKC");
    text = text.replace(/[\u3002\uff61]/g, ".").replace(/[\u2212\u2013]/g, "-").replace(/[,\s]/g, "");
    if (percent) text = text.replace(/%$/, "");
    return text;
  }

  // Parse one number as the learner typed it: {value, float} or {error}.
  function parseNumber(raw, options) {
    options = options || {};
    var text = normalise(raw, options.percent);
    if (text === "") return { error: "请填写一个数字。" };
    var parts = Q.split(text);
    if (!parts) return { error: "“" + String(raw).trim() + "”不是有效的数字，请只填写数字（可带小数点）。" };
    var magnitude = parts.exponent + parts.digits.replace(/^0+/, "").length;
    if (Math.abs(parts.exponent) > Q.MAX_EXPONENT || magnitude > 16) {
      return { error: "数值超出范围，请填写一个小一些的数字。" };
    }
    var value = Q.fromParts(parts);
    if (!options.allowNegative && Q.sign(value) < 0) return { error: "不能是负数。" };
    return { value: value, float: Number(text) };
  }

  /* ------------------------------------------------------------------------------------------
   * Inverse of the standard normal CDF: Wichura's AS241 (PPND16), written exactly as CPython's
   * statistics.NormalDist.inv_cdf so the sample sizes match the Python results to the unit.
   * ---------------------------------------------------------------------------------------- */
  function normalInvCdf(p) {
    var q = p - 0.5, r, num, den, x;
    if (Math.abs(q) <= 0.425) {
      r = 0.180625 - q * q;
      num = (((((((2.5090809287301226727e+3 * r +
                   3.3430575583588128105e+4) * r +
                   6.7265770927008700853e+4) * r +
                   4.5921953931549871457e+4) * r +
                   1.3731693765509461125e+4) * r +
                   1.9715909503065514427e+3) * r +
                   1.3314166789178437745e+2) * r +
                   3.3871328727963666080e+0) * q;
      den = (((((((5.2264952788528545610e+3 * r +
                   2.8729085735721942674e+4) * r +
                   3.9307895800092710610e+4) * r +
                   2.1213794301586595867e+4) * r +
                   5.3941960214247511077e+3) * r +
                   6.8718700749205790830e+2) * r +
                   4.2313330701600911252e+1) * r +
                   1.0);
      return num / den;
    }
    r = q <= 0.0 ? p : 1.0 - p;
    r = Math.sqrt(-Math.log(r));
    if (r <= 5.0) {
      r = r - 1.6;
      num = (((((((7.74545014278341407640e-4 * r +
                   2.27238449892691845833e-2) * r +
                   2.41780725177450611770e-1) * r +
                   1.27045825245236838258e+0) * r +
                   3.64784832476320460504e+0) * r +
                   5.76949722146069140550e+0) * r +
                   4.63033784615654529590e+0) * r +
                   1.42343711074968357734e+0);
      den = (((((((1.05075007164441684324e-9 * r +
                   5.47593808499534494600e-4) * r +
                   1.51986665636164571966e-2) * r +
                   1.48103976427480074590e-1) * r +
                   6.89767334985100004550e-1) * r +
                   1.67638483018380384940e+0) * r +
                   2.05319162663775882187e+0) * r +
                   1.0);
    } else {
      r = r - 5.0;
      num = (((((((2.01033439929228813265e-7 * r +
                   2.71155556874348757815e-5) * r +
                   1.24266094738807843860e-3) * r +
                   2.65321895265761230930e-2) * r +
                   2.96560571828504891230e-1) * r +
                   1.78482653991729133580e+0) * r +
                   5.46378491116411436990e+0) * r +
                   6.65790464350110377720e+0);
      den = (((((((2.04426310338993978564e-15 * r +
                   1.42151175831644588870e-7) * r +
                   1.84631831751005468180e-5) * r +
                   7.86869131145613259100e-4) * r +
                   1.48753612908506148525e-2) * r +
                   1.36929880922735805310e-1) * r +
                   5.99832206555887937690e-1) * r +
                   1.0);
    }
    x = num / den;
    return q < 0.0 ? -x : x;
  }

  /* ------------------------------------------------------------------------------------------
   * Calculator kinds. Each param: name, label (as in calculators.py), and how to check it.
   * compute(values, ctx) gets {name: [{value, float, label, field}]} for fields that parsed,
   * and returns {errors: [[field, message]], problem, figure, details, verdict}.
   * ---------------------------------------------------------------------------------------- */
  function sum(items) {
    return items.reduce(function (total, item) { return Q.add(total, item.value); }, Q.int(0));
  }
  function withUnit(text, unit) {
    return unit ? text + " " + unit : text;
  }
  var HUNDRED = null;
  function hundred() { return HUNDRED || (HUNDRED = Q.int(100)); }

  function countExceeding(value, bins, inclusive) {
    return bins.filter(function (edge) {
      var c = Q.cmp(value, edge);
      return inclusive ? c >= 0 : c > 0;
    }).length;
  }

  var CALCULATORS = {
    roi: {
      figureLabel: "ROI",
      figureUnit: "%",
      params: [
        { name: "cost", label: "成本项", repeat: true, min: 1, unitFromData: true },
        { name: "revenue", label: "收益项", repeat: true, min: 1, unitFromData: true }
      ],
      compute: function (v, ctx) {
        var cost = sum(v.cost), revenue = sum(v.revenue);
        if (Q.sign(cost) <= 0) {
          return { problem: "成本合计必须大于 0，才能计算 ROI。请至少填写一项大于 0 的成本。" };
        }
        var roi = Q.mul(Q.div(Q.sub(revenue, cost), cost), hundred());
        var s = Q.sign(roi);
        return {
          figure: formatNumber(roi),
          details: [
            "成本合计：" + withUnit(formatNumber(cost, 4), ctx.unit),
            "收益合计：" + withUnit(formatNumber(revenue, 4), ctx.unit),
            "净收益：" + withUnit(formatNumber(Q.sub(revenue, cost), 4), ctx.unit)
          ],
          verdict: s > 0 ? "ROI 大于 0：收回成本且有盈余。"
            : (s === 0 ? "ROI 等于 0：刚好保本。" : "ROI 小于 0：这项活动亏损了。")
        };
      }
    },

    funnel: {
      figureLabel: "整体转化率",
      figureUnit: "%",
      params: [
        { name: "step", label: "步骤", legend: "漏斗各步骤人数", repeat: true, min: 2, unitFromData: true }
      ],
      compute: function (v, ctx) {
        var steps = v.step, errors = [];
        if (Q.sign(steps[0].value) <= 0) errors.push([steps[0].field, "第一步的人数必须大于 0。"]);
        for (var i = 1; i < steps.length; i++) {
          if (Q.cmp(steps[i].value, steps[i - 1].value) > 0) {
            errors.push([steps[i].field, "不能大于上一步（" +
              withUnit(formatNumber(steps[i - 1].value, 4), ctx.unit) + "）。"]);
          }
        }
        if (errors.length) return { errors: errors };
        var first = steps[0].value, last = steps[steps.length - 1].value;
        var details = [];
        for (var j = 1; j < steps.length; j++) {
          var previous = steps[j - 1].value;
          var rate = Q.sign(previous) > 0
            ? formatNumber(Q.mul(Q.div(steps[j].value, previous), hundred())) + " %" : "—";
          details.push(steps[j].label + "：上一步的 " + rate);
        }
        return {
          figure: formatNumber(Q.mul(Q.div(last, first), hundred())),
          details: details,
          verdict: "从第一步的 " + withUnit(formatNumber(first, 4), ctx.unit) + " 到最后一步的 " +
            withUnit(formatNumber(last, 4), ctx.unit) + "。"
        };
      }
    },

    stickiness: {
      figureLabel: "DAU/MAU",
      figureUnit: "",
      params: [
        { name: "dau", label: "日活跃用户 DAU", suffix: "人" },
        { name: "mau", label: "月活跃用户 MAU", suffix: "人" }
      ],
      compute: function (v) {
        var dau = v.dau[0], mau = v.mau[0];
        if (Q.sign(mau.value) <= 0) return { errors: [[mau.field, "MAU 必须大于 0。"]] };
        if (Q.cmp(dau.value, mau.value) > 0) return { errors: [[dau.field, "DAU 不能大于 MAU。"]] };
        var ratio = Q.div(dau.value, mau.value);
        var figure = formatNumber(ratio, 2);
        var days = formatNumber(Q.mul(ratio, Q.int(30)), 0).replace(/^-/, "");
        var good = Q.cmp(Q.fromParts(Q.split(figure)), Q.fromParts(Q.split("0.3"))) >= 0;
        return {
          figure: figure,
          details: ["相当于用户一个月里平均约有 " + days + " 天会打开产品（" + figure + " × 30）。"],
          verdict: good ? "达到 0.3 及以上，通常认为粘性良好。"
            : "低于 0.3 这条常见的“良好”水平线；高频类产品尤其需要关注。"
        };
      }
    },

    rfm: {
      figureLabel: "RFM 得分",
      figureUnit: "",
      params: [
        { name: "recency", label: "最近一次消费距今（天）", suffix: "天" },
        { name: "frequency", label: "统计期内消费次数", suffix: "次" },
        { name: "monetary", label: "统计期内消费金额", suffix: "元" },
        { name: "r_bins", label: "R 分档（天，升序）", bins: true, fallback: "7,30,60,90" },
        { name: "f_bins", label: "F 分档（次，升序）", bins: true, fallback: "2,3,5,8" },
        { name: "m_bins", label: "M 分档（金额，升序）", bins: true, fallback: "100,300,800,2000" }
      ],
      compute: function (v) {
        var recency = v.recency[0].value, frequency = v.frequency[0].value, monetary = v.monetary[0].value;
        var rOver = countExceeding(recency, v.r_bins[0].bins, false);
        var fReach = countExceeding(frequency, v.f_bins[0].bins, true);
        var mReach = countExceeding(monetary, v.m_bins[0].bins, true);
        var r = 5 - rOver, f = 1 + fReach, m = 1 + mReach;
        return {
          figure: "" + r + f + m,
          details: [
            "R（最近消费）" + r + " 分：超过了 " + rOver + " 个天数分档，5 − " + rOver + " = " + r,
            "F（消费频次）" + f + " 分：达到了 " + fReach + " 个次数分档，1 + " + fReach + " = " + f,
            "M（消费金额）" + m + " 分：达到了 " + mReach + " 个金额分档，1 + " + mReach + " = " + m
          ],
          verdict: "每项 1–5 分，分数越高越好；R 看“多久没来”，F 看“来得多不多”，M 看“花得多不多”。"
        };
      }
    },

    "ab-sample-size": {
      figureLabel: "每组所需样本量",
      figureUnit: "人",
      params: [
        { name: "baseline", label: "基线转化率 (%)", suffix: "%", percent: true },
        { name: "lift", label: "希望检测的相对提升 (%)", suffix: "%", percent: true },
        { name: "alpha", label: "显著性水平 α", fallback: "0.05", help: "常用 0.05" },
        { name: "power", label: "统计功效 1-β", fallback: "0.8", help: "常用 0.8" }
      ],
      compute: function (v) {
        var baseline = v.baseline[0], lift = v.lift[0], alpha = v.alpha[0], power = v.power[0];
        var errors = [];
        var p1 = baseline.float / 100;
        var p2 = p1 * (1 + lift.float / 100);
        if (!(p1 > 0 && p1 < 1)) errors.push([baseline.field, "需大于 0 且小于 100。"]);
        if (!(lift.float > 0)) errors.push([lift.field, "需大于 0。"]);
        else if (p1 > 0 && p1 < 1 && !(p2 > 0 && p2 < 1)) {
          errors.push([lift.field, "提升后的转化率会达到或超过 100%，请调小。"]);
        }
        if (!(alpha.float > 0 && alpha.float < 1)) errors.push([alpha.field, "需大于 0 且小于 1，常用 0.05。"]);
        if (!(power.float > 0 && power.float < 1)) errors.push([power.field, "需大于 0 且小于 1，常用 0.8。"]);
        if (errors.length) return { errors: errors };
        // Same operations, in the same order, as calculators.ab_sample_size.
        var zAlpha = normalInvCdf(1 - alpha.float / 2);
        var zBeta = normalInvCdf(power.float);
        var pBar = (p1 + p2) / 2;
        var top = zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) +
          zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
        var n = Math.ceil((top * top) / ((p2 - p1) * (p2 - p1)));
        var lifted = Q.mul(baseline.value, Q.add(Q.int(1), Q.div(lift.value, hundred())));
        return {
          figure: String(n),
          details: [
            "两组合计：" + String(n * 2) + " 人",
            "转化率从 " + formatNumber(baseline.value, 4) + "% 提升到 " + formatNumber(lifted, 4) + "%（双侧检验）"
          ],
          verdict: "要检测的提升越小，需要的样本越多：样本量大致与差异的平方成反比。"
        };
      }
    }
  };

  function parseBins(raw) {
    var text = String(raw);
    if (text.normalize) text = text.normalize("NFKC");
    var parts = text.split(/[,、]/);
    var bins = [];
    for (var i = 0; i < parts.length; i++) {
      if (normalise(parts[i]) === "") return { error: "需要 4 个数字，用逗号分隔，例如 7,30,60,90。" };
      var parsed = parseNumber(parts[i]);
      if (parsed.error) return { error: "第 " + (i + 1) + " 个分档：" + parsed.error };
      bins.push(parsed.value);
    }
    if (bins.length !== 4) return { error: "需要正好 4 个数字（现在是 " + bins.length + " 个），用逗号分隔。" };
    for (var j = 1; j < bins.length; j++) {
      if (Q.cmp(bins[j], bins[j - 1]) < 0) return { error: "分档需要从小到大排列。" };
    }
    return { bins: bins };
  }

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
    var resetButton = el("button", { type: "button", className: "button button-secondary button-small calc-reset", text: "恢复示例数据" });
    var form = el("form", { className: "calc-form", novalidate: true }, [
      el("p", { className: "calc-hint", text: "已填入正文中的示例数据。修改任意数字，结果会立即更新" +
        (unit ? "（单位：" + unit + "）。" : "。") }),
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
          text: param.help || "4 个从小到大的数字，用逗号分隔" });
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
      var remove = el("button", { type: "button", className: "calc-remove", "aria-label": "删除此行：" + label },
        [el("span", { "aria-hidden": "true", text: "✕ " }), "删除"]);
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
        button.title = atMinimum ? "至少需要 " + param.min + " 行" : "";
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
          var legendText = (param.legend || param.label) + (suffixFor(param) ? "（" + suffixFor(param) + "）" : "");
          var list = el("ul", { className: "calc-rows" });
          var add = el("button", { type: "button", className: "calc-add" },
            [el("span", { "aria-hidden": "true", text: "＋ " }), "添加" + param.label]);
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
        showProblem("暂无结果：有 " + count + " 处输入需要修改。" + first.label + "：" + messages.get(first));
        return;
      }
      if (outcome.problem) {
        showProblem("暂无结果：" + outcome.problem);
        return;
      }
      region.textContent = "";
      region.classList.remove("is-invalid");
      figure.textContent = outcome.figure;
      region.appendChild(el("p", { className: "calc-figure" }, [
        el("span", { className: "calc-figure-label", text: spec.figureLabel + "：" }),
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

  var INIT = { check: initCheck, calculator: initCalculator, reflection: initReflection };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-widget]"), function (node) {
      var init = INIT[node.getAttribute("data-widget")];
      if (!init || node.getAttribute("data-widget-ready")) return;
      node.setAttribute("data-widget-ready", "1");
      try {
        init(node);
      } catch (error) {
        // One broken widget must not stop the others; the static fallback stays in place.
        if (window.console) window.console.error("widget failed:", error);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
