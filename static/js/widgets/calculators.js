// // The calculator formulas, mirroring courses/content/calculators.py (the reference).
// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var Q = W.Q, formatNumber = W.formatNumber, normalise = W.normalise, parseNumber = W.parseNumber, normalInvCdf = W.normalInvCdf;

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

  W.CALCULATORS = CALCULATORS;
  W.parseBins = parseBins;
  W.withUnit = withUnit;
  W.sum = sum;
})(window.OpsWidgets);
