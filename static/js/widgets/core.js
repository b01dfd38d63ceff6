// Interactive pieces inside module text (knowledge checks, calculators, reflections).
// Plain ES2017, no libraries, no build step. The page's CSP forbids inline scripts and inline
// style attributes, so everything is built with DOM methods and styled by widgets.css.
// The files share one namespace, window.OpsWidgets: core.js (helpers and start-up),
// numbers.js (exact arithmetic, parsing), calculators.js (formulas, mirroring
// courses/content/calculators.py), calculator-form.js, check.js and reflection.js; each of the
// last three registers its widget, and start-up runs them once the document is parsed.
(function () {
  "use strict";
  var W = window.OpsWidgets = window.OpsWidgets || {};
  var widgets = {};

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

  function register(name, init) {
    widgets[name] = init;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-widget]"), function (node) {
      var init = widgets[node.getAttribute("data-widget")];
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

  // The words come from Django's JavaScript catalog (base.html loads it before every script), in
  // the reader's language; widget chrome is marked with that language inside course text.
  var catalog = window.django || {};
  function gettext(text) { return catalog.gettext ? catalog.gettext(text) : text; }
  function ngettext(one, many, count) {
    return catalog.ngettext ? catalog.ngettext(one, many, count) : (count === 1 ? one : many);
  }
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  W.gettext = gettext;
  W.ngettext = ngettext;
  W.format = format;
  W.uiLang = document.documentElement.lang || "zh-hans";
  W.newId = newId;
  W.el = el;
  W.announce = announce;
  W.register = register;
  // Deferred scripts run while the document is "interactive", all before DOMContentLoaded, so
  // every widget has registered by the time it fires.
  if (document.readyState === "complete") window.setTimeout(start, 0);
  else document.addEventListener("DOMContentLoaded", start);
})();
