// // Exact decimal arithmetic, number parsing as learners type, and the inverse normal CDF.
// Part of the module widgets (static/js/widgets/*.js, loaded in order with defer; see core.js).
(function (W) {
  "use strict";
  var _ = W.gettext;
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
    if (text === "") return { error: _("Enter a number.") };
    var parts = Q.split(text);
    if (!parts) {
      return { error: W.format(_("“%(text)s” is not a number; enter digits only (a decimal point is fine)."),
        { text: String(raw).trim() }) };
    }
    var magnitude = parts.exponent + parts.digits.replace(/^0+/, "").length;
    if (Math.abs(parts.exponent) > Q.MAX_EXPONENT || magnitude > 16) {
      return { error: _("The number is out of range; enter a smaller one.") };
    }
    var value = Q.fromParts(parts);
    if (!options.allowNegative && Q.sign(value) < 0) return { error: _("It cannot be negative.") };
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

  W.Q = Q;
  W.formatNumber = formatNumber;
  W.normalise = normalise;
  W.parseNumber = parseNumber;
  W.normalInvCdf = normalInvCdf;
})(window.OpsWidgets);
