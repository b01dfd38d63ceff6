// // The calculator formulas, mirroring courses/content/calculators.py (the reference).
// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var _ = W.gettext, format = W.format, Q = W.Q, formatNumber = W.formatNumber, normalise = W.normalise, parseNumber = W.parseNumber, normalInvCdf = W.normalInvCdf;

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
        { name: "cost", label: _("Cost item"), repeat: true, min: 1, unitFromData: true },
        { name: "revenue", label: _("Revenue item"), repeat: true, min: 1, unitFromData: true }
      ],
      compute: function (v, ctx) {
        var cost = sum(v.cost), revenue = sum(v.revenue);
        if (Q.sign(cost) <= 0) {
          return { problem: _("Total cost must be above 0 to work out ROI. Enter at least one cost above 0.") };
        }
        var roi = Q.mul(Q.div(Q.sub(revenue, cost), cost), hundred());
        var s = Q.sign(roi);
        return {
          figure: formatNumber(roi),
          details: [
            _("Total cost: ") + withUnit(formatNumber(cost, 4), ctx.unit),
            _("Total revenue: ") + withUnit(formatNumber(revenue, 4), ctx.unit),
            _("Net gain: ") + withUnit(formatNumber(Q.sub(revenue, cost), 4), ctx.unit)
          ],
          verdict: s > 0 ? _("ROI above 0: the cost is recovered with a surplus.")
            : (s === 0 ? _("ROI is 0: it just breaks even.") : _("ROI below 0: this campaign lost money."))
        };
      }
    },

    funnel: {
      figureLabel: _("Overall conversion"),
      figureUnit: "%",
      params: [
        { name: "step", label: _("Step"), legend: _("People at each funnel step"), repeat: true, min: 2, unitFromData: true }
      ],
      compute: function (v, ctx) {
        var steps = v.step, errors = [];
        if (Q.sign(steps[0].value) <= 0) errors.push([steps[0].field, _("The first step must have more than 0 people.")]);
        for (var i = 1; i < steps.length; i++) {
          if (Q.cmp(steps[i].value, steps[i - 1].value) > 0) {
            errors.push([steps[i].field, format(_("Cannot be more than the step before (%(value)s)."),
              { value: withUnit(formatNumber(steps[i - 1].value, 4), ctx.unit) })]);
          }
        }
        if (errors.length) return { errors: errors };
        var first = steps[0].value, last = steps[steps.length - 1].value;
        var details = [];
        for (var j = 1; j < steps.length; j++) {
          var previous = steps[j - 1].value;
          var rate = Q.sign(previous) > 0
            ? formatNumber(Q.mul(Q.div(steps[j].value, previous), hundred())) + " %" : "—";
          details.push(format(_("%(step)s: %(rate)s of the step before"), { step: steps[j].label, rate: rate }));
        }
        return {
          figure: formatNumber(Q.mul(Q.div(last, first), hundred())),
          details: details,
          verdict: format(_("From %(first)s at the first step to %(last)s at the last."), {
            first: withUnit(formatNumber(first, 4), ctx.unit), last: withUnit(formatNumber(last, 4), ctx.unit) })
        };
      }
    },

    stickiness: {
      figureLabel: "DAU/MAU",
      figureUnit: "",
      params: [
        { name: "dau", label: _("Daily active users (DAU)"), suffix: _("people") },
        { name: "mau", label: _("Monthly active users (MAU)"), suffix: _("people") }
      ],
      compute: function (v) {
        var dau = v.dau[0], mau = v.mau[0];
        if (Q.sign(mau.value) <= 0) return { errors: [[mau.field, _("MAU must be above 0.")]] };
        if (Q.cmp(dau.value, mau.value) > 0) return { errors: [[dau.field, _("DAU cannot be more than MAU.")]] };
        var ratio = Q.div(dau.value, mau.value);
        var figure = formatNumber(ratio, 2);
        var days = formatNumber(Q.mul(ratio, Q.int(30)), 0).replace(/^-/, "");
        var good = Q.cmp(Q.fromParts(Q.split(figure)), Q.fromParts(Q.split("0.3"))) >= 0;
        return {
          figure: figure,
          details: [format(_("On average a user opens the product on about %(days)s days a month (%(figure)s × 30)."),
            { days: days, figure: figure })],
          verdict: good ? _("0.3 or more is usually seen as good stickiness.")
            : _("Below the common “good” line of 0.3; watch it closely for a product used often.")
        };
      }
    },

    rfm: {
      figureLabel: _("RFM score"),
      figureUnit: "",
      params: [
        { name: "recency", label: _("Days since the last purchase"), suffix: _("days") },
        { name: "frequency", label: _("Purchases in the period"), suffix: _("times") },
        { name: "monetary", label: _("Amount spent in the period"), suffix: _("yuan") },
        { name: "r_bins", label: _("R bands (days, ascending)"), bins: true, fallback: "7,30,60,90" },
        { name: "f_bins", label: _("F bands (purchases, ascending)"), bins: true, fallback: "2,3,5,8" },
        { name: "m_bins", label: _("M bands (amount, ascending)"), bins: true, fallback: "100,300,800,2000" }
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
            format(_("R (recency) %(score)s: past %(count)s day bands, 5 − %(count)s = %(score)s"), { score: r, count: rOver }),
            format(_("F (frequency) %(score)s: reached %(count)s purchase bands, 1 + %(count)s = %(score)s"), { score: f, count: fReach }),
            format(_("M (monetary) %(score)s: reached %(count)s amount bands, 1 + %(count)s = %(score)s"), { score: m, count: mReach })
          ],
          verdict: _("Each scores 1–5, higher is better: R is how recently they came, F how often, M how much they spent.")
        };
      }
    },

    "ab-sample-size": {
      figureLabel: _("Sample size per group"),
      figureUnit: _("people"),
      params: [
        { name: "baseline", label: _("Baseline conversion (%)"), suffix: "%", percent: true },
        { name: "lift", label: _("Relative lift to detect (%)"), suffix: "%", percent: true },
        { name: "alpha", label: _("Significance level α"), fallback: "0.05", help: _("Usually 0.05") },
        { name: "power", label: _("Statistical power 1-β"), fallback: "0.8", help: _("Usually 0.8") }
      ],
      compute: function (v) {
        var baseline = v.baseline[0], lift = v.lift[0], alpha = v.alpha[0], power = v.power[0];
        var errors = [];
        var p1 = baseline.float / 100;
        var p2 = p1 * (1 + lift.float / 100);
        if (!(p1 > 0 && p1 < 1)) errors.push([baseline.field, _("Must be above 0 and below 100.")]);
        if (!(lift.float > 0)) errors.push([lift.field, _("Must be above 0.")]);
        else if (p1 > 0 && p1 < 1 && !(p2 > 0 && p2 < 1)) {
          errors.push([lift.field, _("The lifted conversion would reach 100% or more; make it smaller.")]);
        }
        if (!(alpha.float > 0 && alpha.float < 1)) errors.push([alpha.field, _("Must be above 0 and below 1; usually 0.05.")]);
        if (!(power.float > 0 && power.float < 1)) errors.push([power.field, _("Must be above 0 and below 1; usually 0.8.")]);
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
            format(_("Both groups: %(count)s people"), { count: String(n * 2) }),
            format(_("Conversion from %(from)s% to %(to)s% (two-sided test)"),
              { from: formatNumber(baseline.value, 4), to: formatNumber(lifted, 4) })
          ],
          verdict: _("The smaller the lift to detect, the more people you need: the sample size goes roughly with one over the difference squared.")
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
      if (normalise(parts[i]) === "") return { error: _("Enter 4 numbers separated by commas, e.g. 7,30,60,90.") };
      var parsed = parseNumber(parts[i]);
      if (parsed.error) return { error: format(_("Band %(number)s: %(error)s"), { number: i + 1, error: parsed.error }) };
      bins.push(parsed.value);
    }
    if (bins.length !== 4) return { error: format(_("Enter exactly 4 numbers (now %(count)s), separated by commas."), { count: bins.length }) };
    for (var j = 1; j < bins.length; j++) {
      if (Q.cmp(bins[j], bins[j - 1]) < 0) return { error: _("The bands must go from small to large.") };
    }
    return { bins: bins };
  }

  W.CALCULATORS = CALCULATORS;
  W.parseBins = parseBins;
  W.withUnit = withUnit;
  W.sum = sum;
})(window.OpsWidgets);
