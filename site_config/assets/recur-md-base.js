/* mkdocs-material's inline head script (partials/javascripts/base.html), moved into a file so the
   site runs under a Content-Security-Policy without inline script. The scope comes from the
   script tag's data-scope attribute instead of being templated into the code. */
(function () {
  var scope = (document.currentScript && document.currentScript.getAttribute("data-scope")) || ".";
  window.__md_scope = new URL(scope, location);
  window.__md_hash = function (e) {
    return [].slice.call(e).reduce(function (h, c) { return (h << 5) - h + c.charCodeAt(0); }, 0);
  };
  window.__md_get = function (e, store, base) {
    store = store || localStorage; base = base || window.__md_scope;
    return JSON.parse(store.getItem(base.pathname + "." + e));
  };
  window.__md_set = function (e, value, store, base) {
    store = store || localStorage; base = base || window.__md_scope;
    try { store.setItem(base.pathname + "." + e, JSON.stringify(value)); } catch (err) { /* full or denied */ }
  };
})();
