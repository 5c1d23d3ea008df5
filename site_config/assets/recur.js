/* Recur site behaviour: copy buttons on runbook steps, and onboarding-path checklists kept in localStorage
   (the progress on each path's page and on the list of paths). */
(function () {
  "use strict";

  /* ``what`` ("Step 2", "All steps") is said in the page's status region (statusRegion) as the button says "Copied":
     a screen reader heard nothing, the button's name ("Copy step 2") being unchanged. The button's own label is
     kept at its first press: a second press within the 1.2 s took "Copied" for it, and the button said "Copied"
     for good (a double tap on a phone). */
  function copyText(text, button, what) {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    function done(ok) {
      button.textContent = ok ? "Copied" : "Copy failed";
      statusRegion().textContent = ok ? what + " copied" : what + ": copy failed";
      clearTimeout(button.recurRestore);
      button.recurRestore = setTimeout(function () { button.textContent = button.dataset.label; }, 1200);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(text)); });
    } else {
      done(fallback(text));
    }
  }

  function fallback(text) { // plain-http internal hosts have no clipboard API
    /* selecting the hidden copy takes the focus from the Copy button pressed, and removing it left the focus on
       the page's body: one copying with the keyboard on such a host went back to the top of the page on the next
       Tab (found in review). The focus goes back where it was. */
    var back = document.activeElement;
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
    if (back && back !== document.body && back.focus) back.focus({ preventScroll: true });
    return ok;
  }

  /* one polite status region per page, made before the first copy (one added with its text in it may not be read) */
  function statusRegion() {
    var region = document.getElementById("recur-copy-status");
    if (!region) {
      region = document.createElement("span");
      region.id = "recur-copy-status";
      region.className = "recur-sr";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    return region;
  }

  function stepText(li) {
    var clone = li.cloneNode(true);
    clone.querySelectorAll(".recur-copy").forEach(function (b) { b.remove(); });
    return clone.textContent.trim();
  }

  /* The Copy button of step ``n`` (from 1) of a runbook, ``li``: a pattern page's (setupRunbooks) and each card of
     the describe box's (recur-suggest.js, through window.RecurCopy: one button, one look, one name). ``of``: whose
     step, where a page has several runbooks (the box's cards: "Copy step 1 of Disk full on a host"). The status
     region is made with the first button, before the first copy. */
  function stepButton(li, n, of) {
    var what = "Step " + n + (of ? " of " + of : "");
    var b = document.createElement("button");
    b.type = "button";
    b.className = "recur-copy";
    b.textContent = "Copy";
    b.title = "Copy this step";
    /* a screen reader listing the buttons heard "Copy" three times: which step each copies */
    b.setAttribute("aria-label", "Copy " + what.charAt(0).toLowerCase() + what.slice(1));
    b.addEventListener("click", function () { copyText(stepText(li), b, what); });
    statusRegion();
    return b;
  }

  /* What a "Copy all steps" button copies: the pattern's title and its page's address, then each step on a line of
     its own, numbered. A responder pastes it into the incident channel in one go; the steps alone (as the pattern
     page copied them) said what to do but not for which pattern, nor where its page is. */
  function stepsText(title, url, steps) {
    return [title, url].concat(steps.map(function (s, n) { return (n + 1) + ". " + s; })).join("\n");
  }

  /* The "Copy all steps" button of a pattern page's runbook (setupRunbooks) and of each card of the describe box
     (recur-suggest.js, through window.RecurCopy): one look (material's outlined button), one name, "Copied" on it
     and in the status region as a step's Copy says it. ``steps()``: the steps' plain text, read at the press (a card
     shows three of the runbook its result carries, and copies all of them); ``of``: the pattern's title where a
     page has several runbooks (the box's cards: "Copy all steps of Disk full on a host"). */
  function allButton(title, url, steps, of) {
    var what = "All steps" + (of ? " of " + of : "");
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button recur-copy-all";
    b.textContent = "Copy all steps";
    b.title = "Copy every step, numbered, under the pattern's title and the link to its page";
    if (of) b.setAttribute("aria-label", "Copy all steps of " + of);
    b.addEventListener("click", function () { copyText(stepsText(title, url, steps()), b, what); });
    statusRegion();
    return b;
  }
  window.RecurCopy = { stepButton: stepButton, allButton: allButton };

  /* The pattern's title as the page shows it (its h1, without a heading's permalink mark) and the page's own
     address, without a search highlight's ?h= or an anchor. */
  function pageTitle() {
    var h1 = document.querySelector(".md-content h1, article h1");
    if (!h1) return document.title;
    var clone = h1.cloneNode(true);
    clone.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
    return clone.textContent.trim();
  }
  function pageUrl() {
    var u = new URL(window.location.href);
    u.search = "";
    u.hash = "";
    return u.href;
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
      items.forEach(function (li, n) { li.appendChild(stepButton(li, n + 1)); });
      if (items.length > 1) {
        var all = allButton(pageTitle(), pageUrl(), function () { return Array.prototype.map.call(items, stepText); });
        list.parentNode.insertBefore(all, list);
      }
    });
  }

  /* Onboarding progress: one set of the patterns ticked as read, for the whole site (a pattern read on one
     path is read on every path that lists it), kept in localStorage under the site's root. It was a list
     per path of "<step number>-<pattern>" keys: a step inserted above un-ticked every step after it. */
  function readKey() {
    var scope = window.__md_scope ? window.__md_scope.pathname : "/";  /* recur-md-base.js: the site root */
    return "recur:read:" + scope;
  }

  /* The ticks of this page when the browser would not store them (site data blocked, its storage full): each
     tick was read back from storage without the one before it, so a second tick unticked the first, and the
     page said the progress was kept. Held here for the page's life, and said under the count (unsavedNote). */
  var unsaved = null;
  var UNSAVED = " (not kept: this browser would not store it, so it is lost when you leave the page)";

  function loadRead() {
    if (unsaved) return unsaved.slice();
    var read = [];
    try { read = JSON.parse(localStorage.getItem(readKey()) || "[]"); } catch (e) { read = []; }
    if (!Array.isArray(read)) read = [];
    return migrate(read);
  }

  /* The old per-path lists, read once into the set and then removed: kept, they would tick again a
     pattern unticked since. Their keys are "<n>-<pattern id>". */
  function migrate(read) {
    var old = [], moved = false;
    try {
      for (var i = 0; i < localStorage.length; i++) {
        var key = localStorage.key(i);
        if (key && key.indexOf("recur:path:") === 0) old.push(key);
      }
    } catch (e) { return read; }
    old.forEach(function (key) {
      var steps = [];
      try { steps = JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { steps = []; }
      (Array.isArray(steps) ? steps : []).forEach(function (step) {
        var pid = String(step).replace(/^\d+-/, "");
        if (pid && read.indexOf(pid) < 0) read.push(pid);
      });
      moved = true;
    });
    if (moved && saveRead(read)) old.forEach(function (key) { localStorage.removeItem(key); });
    return read;
  }

  /* What each checklist, Read box and progress cell of the page does to show the set again: a tick made in
     another tab (a pattern opened from its step in a new tab, its Read box ticked there) left this page as it
     was, and so did the browser's Back to a page it kept whole (the back/forward cache runs no script). */
  var refreshers = [];
  function onRefresh(el, f) { refreshers.push({ el: el, f: f }); }
  function refreshAll() {
    var read = loadRead();
    /* those of a page left by mkdocs-material's instant navigation go */
    refreshers = refreshers.filter(function (r) { return r.el.isConnected; });
    refreshers.forEach(function (r) { r.f(read); });
  }
  window.addEventListener("storage", function (e) { if (e.key === null || e.key === readKey()) refreshAll(); });
  window.addEventListener("pageshow", function (e) { if (e.persisted) refreshAll(); });

  function saveRead(read) {
    try {
      localStorage.setItem(readKey(), JSON.stringify(read));
      unsaved = null;
      return true;
    } catch (e) {
      unsaved = read.slice();
      return false;
    }
  }

  function setupPaths(root) {
    root.querySelectorAll(".recur-path[data-path]").forEach(function (box) {
      if (box.dataset.recurReady) return;
      box.dataset.recurReady = "1";
      var checks = box.querySelectorAll("input.recur-step-check");
      var text = box.querySelector(".recur-progress-text");
      var done = box.querySelector(".recur-path-done");  /* what to do next, once every step is ticked */
      /* the path's patterns, each once: progress is by pattern read, so a pattern named twice on a path (a slip
         `recur check` warns of) is one step, as the list of paths and the pattern page ("Step 1 of 2") count it;
         counted by box, one tick read "2 of 3 done" */
      var mine = [];
      checks.forEach(function (c) { if (mine.indexOf(c.dataset.step) < 0) mine.push(c.dataset.step); });
      function show(read) {
        checks.forEach(function (c) {
          c.checked = read.indexOf(c.dataset.step) >= 0;
          c.closest(".recur-step").classList.toggle("recur-done", c.checked);
        });
        var n = mine.filter(function (pid) { return read.indexOf(pid) >= 0; }).length;
        if (text) text.textContent = n + " of " + mine.length + " done" + (unsaved ? UNSAVED : "");
        if (done) done.hidden = !(mine.length && n === mine.length);
      }
      checks.forEach(function (c) {
        c.addEventListener("change", function () {
          var read = loadRead().filter(function (pid) { return pid !== c.dataset.step; });
          if (c.checked) read.push(c.dataset.step);
          saveRead(read);
          show(read);  /* the same pattern twice on a path: both boxes follow */
        });
      });
      var reset = box.querySelector(".recur-reset");
      if (reset) reset.addEventListener("click", function () {
        var ticked = loadRead().filter(function (pid) { return mine.indexOf(pid) >= 0; });
        /* a press with nothing ticked did nothing and said nothing: one who pressed it could not tell whether it
           had worked. Said in the count's live region, the count kept. */
        if (!ticked.length) {
          if (text) text.textContent = "0 of " + mine.length + " done: nothing to reset, no step of this path is ticked" +
                                       (unsaved ? UNSAVED : "");
          return;
        }
        var steps = ticked.length === 1 ? "the step" : "the " + ticked.length + " steps";
        if (!window.confirm("Untick " + steps + " you ticked on this path? " + (ticked.length === 1 ? "It is" : "They are") +
                            " unticked on the other paths that list " + (ticked.length === 1 ? "it" : "them") +
                            " too.")) return;
        var read = loadRead().filter(function (pid) { return mine.indexOf(pid) < 0; });
        saveRead(read);
        show(read);
      });
      show(loadRead());
      onRefresh(box, show);
    });
  }

  /* A pattern page's "Read" box, under the paths that list it: the same tick as its step on each path's page,
     so a reader who goes on by the page's "next" link keeps count without going back to the path. */
  function setupReadMarks(root) {
    root.querySelectorAll("input.recur-read-check[data-step]").forEach(function (c) {
      if (c.dataset.recurReady) return;
      c.dataset.recurReady = "1";
      c.checked = loadRead().indexOf(c.dataset.step) >= 0;
      onRefresh(c, function (read) { c.checked = read.indexOf(c.dataset.step) >= 0; });
      c.addEventListener("change", function () {
        var read = loadRead().filter(function (pid) { return pid !== c.dataset.step; });
        if (c.checked) read.push(c.dataset.step);
        var box = c.closest(".recur-read");
        if (saveRead(read) || !box || box.querySelector(".recur-unsaved")) return;
        var note = document.createElement("span");  /* outside the label: the box's name stays its own */
        note.className = "recur-unsaved";
        note.textContent = UNSAVED;
        box.appendChild(note);
      });
    });
  }

  /* The list of paths: "3 of 11 done" per path, from the same set. */
  function setupPathList(root) {
    var cells = root.querySelectorAll(".recur-path-progress[data-patterns]");
    if (!cells.length) return;
    function show(read) {
      cells.forEach(function (cell) {
        var steps = cell.dataset.patterns.split(" ").filter(function (pid, k, all) { return pid && all.indexOf(pid) === k; });
        var n = steps.filter(function (pid) { return read.indexOf(pid) >= 0; }).length;
        cell.textContent = n + " of " + steps.length + " done";
      });
    }
    show(loadRead());
    onRefresh(cells[0], show);
  }

  /* mkdocs-material's search is a role=dialog with no name (axe-core's aria-dialog-name, on every page): a screen
     reader announced "dialog" alone. Named as its own search field is. */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = document.querySelector("input.md-search__input");
    if (dialog && !dialog.getAttribute("aria-label")) {
      dialog.setAttribute("aria-label", (input && input.getAttribute("aria-label")) || "Search");
    }
  }

  /* mkdocs-material searches when a key is released (keyup): text that comes in with no key of its own was
     not searched, the results those of the query before it or "Type to start searching". That is a word
     committed from an input method (Japanese: ディスク容量不足), a letter put in as text (ß, ë by a
     script or an on-screen keyboard: "Groß" was searched as "gro", "Zoë" as "zo"), a paste or a drop
     with the mouse (found in an international team's review). Each change of the field is handed to
     material as a keyup; it drops a query that did not change, so a real key's keyup asks nothing twice. */
  function searchOnChange(e) {
    var t = e.target;
    if (e.isComposing || !t || !t.matches || !t.matches("input.md-search__input, input[data-md-component=search-query]")) return;
    t.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }
  /* compositionend: Chrome's last input event of a composition is still marked as composing */
  ["input", "compositionend"].forEach(function (name) { document.addEventListener(name, searchOnChange, true); });

  /* A table or chart wider than the screen scrolls sideways in its box (material's .md-typeset__scrollwrap, the
     charts' .recur-chart-box): a box with no link or button in it could not be scrolled from the keyboard (axe's
     scrollable-region-focusable: the board's "Open fixes and follow-ups by owner" at 390 px; found in review). A
     box that scrolls takes the focus (tabindex=0) as a region named by the heading above it; one that fits again
     (the window widened) gives it back, so a table that fits is no extra Tab stop. */
  function scrollBoxes() {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap, .recur-chart-box");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i], scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", headingOf(box) + " (scrolls sideways)");
        box.setAttribute("data-recur-scroll", "");
      } else if (!scrolls && box.hasAttribute("data-recur-scroll")) {
        ["tabindex", "role", "aria-label", "data-recur-scroll"].forEach(function (a) { box.removeAttribute(a); });
      }
    }
  }
  /* the text of the nearest heading before ``el`` (its permalink's ¶ left out) */
  function headingOf(el) {
    for (var n = el; n && n !== document.body; n = n.parentElement) {
      for (var s = n.previousElementSibling; s; s = s.previousElementSibling) {
        if (/^H[1-6]$/.test(s.tagName)) return s.textContent.replace(/\u00b6\s*$/, "").trim();
      }
    }
    return "Table";
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    if (resizing) return;
    resizing = window.requestAnimationFrame(function () { resizing = null; scrollBoxes(); });
  });
  window.addEventListener("load", scrollBoxes);

  /* Inline code (a runbook's `kubectl --namespace payments get pods`) broke at its hyphens on a phone, "kubectl --"
     on one line and "namespace" on the next (Chromium breaks a line after a hyphen; found at 320 and 375 px). Each
     word of it that holds a hyphen becomes a span that recur.css keeps whole (an inline block): it moves to the next
     line as one; one wider than its line breaks inside itself. The text, and so what is copied, is unchanged. */
  function keepCodeWordsWhole(root) {
    var codes = root.querySelectorAll("article code");
    for (var i = 0; i < codes.length; i++) {
      var code = codes[i];
      if (code.closest("pre") || code.dataset.recurWhole) continue;
      code.dataset.recurWhole = "1";
      var texts = [];
      for (var n = code.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === 3 && n.nodeValue.indexOf("-") >= 0) texts.push(n);
      }
      texts.forEach(wholeWords);
    }
  }
  function wholeWords(text) {
    var frag = document.createDocumentFragment();
    /* each word with a hyphen apart (odd parts), with the blank after it: a blank alone between two inline blocks was
       left out of the accessible text, "autoscalingdescribe-scaling-activities--auto-scaling-group-name" (found in a
       re-read); the text between them stays one node with its blanks */
    text.nodeValue.split(/(\S*-\S* ?)/).forEach(function (part, i) {
      if (!part) return;
      if (i % 2 === 0) { frag.appendChild(document.createTextNode(part)); return; }
      var word = document.createElement("span");
      word.className = "recur-whole";
      word.textContent = part;
      frag.appendChild(word);
    });
    text.parentNode.replaceChild(frag, text);
  }

  function setup() {
    keepCodeWordsWhole(document);
    setupRunbooks(document); setupPaths(document); setupPathList(document); setupReadMarks(document); nameSearchDialog();
    scrollBoxes();  /* material has wrapped the tables by now (its own document$ subscriber runs first); load: again */
  }

  /* A describe box that did not start (recur-suggest.js or recur-query.js missing from a half-copied site, or
     blocked: the box's script stops before drawing it) was an empty space: once the page's scripts have run, it
     shows what the page wrote for JavaScript off (recur.site.generate.describe_box), where to look instead. */
  window.addEventListener("load", function () {
    var boxes = document.querySelectorAll("div.recur-suggest");
    for (var i = 0; i < boxes.length; i++) {
      var none = boxes[i].querySelector("noscript");
      if (!boxes[i].dataset.ready && none) boxes[i].innerHTML = none.textContent;  /* the build's own markup */
    }
  });

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup); // mkdocs-material: also runs after instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
