/* Recur site behaviour: copy buttons on runbook steps, and onboarding-path checklists kept in localStorage. */
(function () {
  "use strict";

  function copyText(text, button) {
    function done(ok) {
      var label = button.textContent;
      button.textContent = ok ? "Copied" : "Copy failed";
      setTimeout(function () { button.textContent = label; }, 1200);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(text)); });
    } else {
      done(fallback(text));
    }
  }

  function fallback(text) { // plain-http internal hosts have no clipboard API
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function stepText(li) {
    var clone = li.cloneNode(true);
    clone.querySelectorAll(".recur-copy").forEach(function (b) { b.remove(); });
    return clone.textContent.trim();
  }

  function setupRunbooks(root) {
    root.querySelectorAll("h2.recur-runbook").forEach(function (heading) {
      // the steps are the first list under the heading: a paragraph written before them comes first
      var list = heading.nextElementSibling;
      while (list && list.tagName !== "OL" && !/^H[1-6]$/.test(list.tagName)) list = list.nextElementSibling;
      if (!list || list.tagName !== "OL" || list.dataset.recurReady) return;
      list.dataset.recurReady = "1";
      list.classList.add("recur-runbook-steps");
      var items = list.querySelectorAll(":scope > li");
      items.forEach(function (li) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "recur-copy";
        b.textContent = "Copy";
        b.title = "Copy this step";
        b.addEventListener("click", function () { copyText(stepText(li), b); });
        li.appendChild(b);
      });
      if (items.length > 1) {
        var all = document.createElement("button");
        all.type = "button";
        all.className = "md-button recur-copy-all";
        all.textContent = "Copy all steps";
        all.addEventListener("click", function () {
          var text = Array.prototype.map.call(items, function (li, n) { return (n + 1) + ". " + stepText(li); });
          copyText(text.join("\n"), all);
        });
        list.parentNode.insertBefore(all, list);
      }
    });
  }

  function storageKey(pathId) { return "recur:path:" + pathId; }

  function load(pathId) {
    try { return JSON.parse(localStorage.getItem(storageKey(pathId)) || "[]"); } catch (e) { return []; }
  }

  function save(pathId, done) {
    try { localStorage.setItem(storageKey(pathId), JSON.stringify(done)); } catch (e) { /* private mode */ }
  }

  function setupPaths(root) {
    root.querySelectorAll(".recur-path[data-path]").forEach(function (box) {
      if (box.dataset.recurReady) return;
      box.dataset.recurReady = "1";
      var pathId = box.dataset.path;
      var checks = box.querySelectorAll("input.recur-step-check");
      var text = box.querySelector(".recur-progress-text");
      function refresh() {
        var done = [];
        checks.forEach(function (c) {
          c.closest(".recur-step").classList.toggle("recur-done", c.checked);
          if (c.checked) done.push(c.dataset.step);
        });
        if (text) text.textContent = done.length + " of " + checks.length + " done";
        return done;
      }
      var saved = load(pathId);
      checks.forEach(function (c) {
        c.checked = saved.indexOf(c.dataset.step) >= 0;
        c.addEventListener("change", function () { save(pathId, refresh()); });
      });
      var reset = box.querySelector(".recur-reset");
      if (reset) reset.addEventListener("click", function () {
        checks.forEach(function (c) { c.checked = false; });
        save(pathId, refresh());
      });
      refresh();
    });
  }

  function setup() { setupRunbooks(document); setupPaths(document); }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup); // mkdocs-material: also runs after instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
