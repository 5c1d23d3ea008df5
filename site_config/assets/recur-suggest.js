/* Recur: the "describe what you see" box.
 *
 * Finds every <div class="recur-suggest" data-api="/api">, renders a large text box and asks
 * the Recur API (POST {api}/suggest) for the matching failure patterns: why they matched, the
 * first runbook steps, the evidence to preserve, a link to each pattern's page, and 👍/👎
 * buttons that POST {api}/feedback. On a plain static host, when `recur site` wrote the browser
 * search bundle (assets/recur-api.json names it), the box loads it on first use and ranks the
 * patterns in the page (assets/recur-browser/recur-browser-search.js: the KB's model in
 * WebAssembly, the server's ranking). With neither, or without WebAssembly, it says so and hands
 * the text to the site's own search (mkdocs-material). No external resources; no build step.
 */
(function () {
  "use strict";

  var STEPS = 3, EVIDENCE = 3, WHY = 3, TOP = 5;
  var WHY_TEXT_CHARS = 240;  /* search.WHY_TEXT_CHARS: the API cuts a why text there */
  /* search.MAX_QUERY_CHARS: what recur suggest and the browser model read of a text (code points); the API
     refuses more, so a long pasted log is cut to it here, as recur suggest cuts it, and the box says so */
  var MAX_CHARS = 20000;
  /* What to do when nothing known matches, whether the KB has patterns or not (as recur suggest says). */
  var NEXT_STEPS = "If it is new, record the incident (recur incident new), then draft a pattern " +
                   "(recur new pattern) or recur import the postmortem.";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  /* Runbook steps are Markdown-ish: keep `code` spans, drop other markup, never inject HTML. */
  function inline(text) {
    var span = el("span");
    String(text || "").split(/(`[^`]+`)/).forEach(function (part) {
      if (/^`[^`]+`$/.test(part)) span.appendChild(el("code", { text: part.slice(1, -1) }));
      else if (part) span.appendChild(document.createTextNode(part.replace(/\*\*|__/g, "")));
    });
    return span;
  }

  /* The site root, from mkdocs-material's config ("base" is relative to this page). */
  function siteRoot() {
    var base = ".";
    var cfg = document.getElementById("__config");
    if (cfg) {
      try { base = JSON.parse(cfg.textContent).base || "."; } catch (e) { /* keep "." */ }
    }
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  /* `recur serve` answers the site and the API from one root, so its "/api" (and the page's
     data-api="/api") is the API beside the site root, wherever that root is published: at https://host/
     that is /api, behind a proxy that serves it under https://host/kb/ it is /kb/api. A full URL
     (https://...) is taken as it is. */
  function apiBase(api) {
    api = String(api).replace(/\/+$/, "");
    if (/^\/(?!\/)/.test(api)) return new URL(api.slice(1), siteRoot()).href.replace(/\/+$/, "");
    return api;
  }

  /* use_directory_urls: false -> pages are x.html; true -> x/. Decided from the page's own links. */
  function urlStyle(box) {
    if (box.dataset.urlStyle) return box.dataset.urlStyle;
    if (/\.html$/.test(window.location.pathname)) return "html";
    var links = document.querySelectorAll(".md-nav a[href], .md-tabs a[href], .md-header a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href").split("#")[0].split("?")[0];
      if (/\.html$/.test(href)) return "html";
    }
    return links.length ? "dirs" : "html";
  }

  /* A result's "path" is the pattern file relative to the KB (patterns/<category>/<id>.md);
   * the site mirrors the KB layout. */
  function patternUrl(box, result) {
    var path = String(result.path || ("patterns/" + result.category + "/" + result.id + ".md")).replace(/^\/+/, "");
    path = urlStyle(box) === "html" ? path.replace(/\.md$/, ".html") : path.replace(/\.md$/, "/");
    return new URL(path, siteRoot()).href;
  }

  function searchUrl(text) {
    var u = siteRoot();
    u.searchParams.set("q", text);
    return u.href;
  }

  /* Open mkdocs-material's search with the text; false when this page has no search box. */
  function openSiteSearch(text) {
    var input = document.querySelector("input.md-search__input, input[data-md-component=search-query]");
    var toggle = document.querySelector('input[data-md-toggle="search"]');
    if (!input) return false;
    if (toggle) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); }
    input.value = text;
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    return true;
  }

  /* A pasted log is too long for a keyword search: one line of it, the first that reads as an error
     (its first line was searched, "... INFO starting worker", and found nothing; found in review),
     without the timestamp and level in front, which no page has. */
  var ERROR_LINE = /\b(error|err|fatal|fail(ed|ure)?|exception|panic|refused|denied|timed? ?out|unavailable|killed|crash\w*|no space|cannot|can't|unable)\b/i;
  var LOG_PREFIX = /^\s*(\[?\d{4}-\d{2}-\d{2}[T ][\d:.,]+Z?\]?|\w{3} +\d+ [\d:]{8})?\s*(\[?(TRACE|DEBUG|INFO|WARN(ING)?|ERROR|FATAL|CRITICAL)\]?:?\s+)?/i;
  function searchQuery(text) {
    var lines = text.split(/\r?\n/).filter(function (l) { return l.trim(); });
    var line = lines.filter(function (l) { return ERROR_LINE.test(l); })[0] || lines[0] || text;
    var rest = line.replace(LOG_PREFIX, "").trim();
    return (rest || line.trim()).slice(0, 120);
  }

  /* How many of ``chars`` (at most ``n``) fit the API's body limit as the JSON apiFetch sends: 20,000
     characters of CJK, emoji or escaped control characters are 60-120 KB, over the default 64 KiB.
     The vote on an answer sends the same text with a pattern id (up to 200 characters) and more keys,
     so the text is cut to fit that body: 512 bytes are kept for them. */
  var VOTE_ROOM = 512;
  function fitBody(chars, n, limit) {
    var enc = new TextEncoder();
    function fits(k) { return enc.encode(JSON.stringify({ text: chars.slice(0, k).join(""), top: TOP })).length + VOTE_ROOM <= limit; }
    if (!limit || fits(n)) return n;
    var lo = 0, hi = n;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (fits(mid)) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function apiFetch(url, body) {
    /* GET revalidates: recur-api.json changes with the build (a bundle added) and with the host */
    var opts = body === undefined ? { method: "GET", cache: "no-cache" } : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    };
    opts.headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
    return fetch(url, opts).then(function (r) {
      var ctype = r.headers.get("content-type") || "";
      if (ctype.indexOf("application/json") < 0) return { status: r.status, json: null };
      return r.json().then(function (j) { return { status: r.status, json: j }; },
                           function () { return { status: r.status, json: null }; });
    });
  }

  function Box(node) {
    this.node = node;
    this.api = apiBase(node.dataset.api || "/api");
    this.maxBody = 64 * 1024;  /* recur serve's default (--max-body-kib), until recur-api.json says */
    this.mode = "probing";  /* probing | api | starting | browser | static | file */
    this.render();
    this.discover();
  }

  Box.prototype.render = function () {
    var self = this, id = "recur-q-" + Math.random().toString(36).slice(2, 8);
    this.text = el("textarea", {
      id: id, class: "recur-suggest__input", rows: "5", spellcheck: "false",
      placeholder: "Describe what you see: \u201ccheckout 502s after the deploy, pods restarting\u201d, an alert name, or paste a log line\u2026"
    });
    this.button = el("button", { type: "submit", class: "md-button md-button--primary recur-suggest__go", text: "Suggest" });
    this.status = el("p", { class: "recur-suggest__status", role: "status", "aria-live": "polite" });
    this.results = el("ol", { class: "recur-suggest__results" });
    var form = el("form", { class: "recur-suggest__form" }, [
      el("label", { for: id, class: "recur-suggest__label", text: "Describe what you see" }),
      this.text,
      el("div", { class: "recur-suggest__bar" }, [this.button,
        el("span", { class: "recur-suggest__hint", text: "Ctrl+Enter to send" })]),
      this.status
    ]);
    form.addEventListener("submit", function (e) { e.preventDefault(); self.submit(); });
    this.text.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); self.submit(); }
    });
    this.node.textContent = "";
    this.node.appendChild(form);
    this.node.appendChild(this.results);
    var q = new URLSearchParams(window.location.search).get("describe");
    if (q) this.text.value = q;
  };

  Box.prototype.say = function (msg, kind) {
    this.status.textContent = msg;
    this.status.className = "recur-suggest__status" + (kind ? " recur-suggest__status--" + kind : "");
  };

  /* assets/recur-api.json says whether an API stands behind this copy of the site: the static
     build ships {"api": null}, `recur serve` answers {"api": "/api"}. Asking it first means a
     static host never sees (and the console never logs) a 404 for the API. */
  Box.prototype.discover = function () {
    var self = this;
    if (window.location.protocol === "file:") return this.toFile();
    apiFetch(new URL("assets/recur-api.json", siteRoot()).href).then(function (r) {
      if (r.status === 200 && r.json && r.json.api === null) {
        return typeof r.json.browser === "string" ? self.toBrowser(r.json.browser) : self.toStatic();
      }
      if (r.status === 200 && r.json && typeof r.json.api === "string") {
        self.api = apiBase(r.json.api);
        if (typeof r.json.max_body === "number") self.maxBody = r.json.max_body;
      }
      self.probe();
    }, function () { self.probe(); });
  };

  Box.prototype.probe = function () {
    var self = this;
    apiFetch(this.api + "/healthz").then(function (r) {
      if (r.status === 200 && r.json && r.json.status === "ok") {
        self.mode = "api";
        self.node.dataset.mode = "api";
        self.say("Suggestions from " + r.json.patterns + " known failure patterns.");
        if (self.text.value.trim()) self.submit();
      } else if (r.status === 503 && r.json && r.json.error && r.json.error.code === "not_ready") {
        self.mode = "starting";
        self.node.dataset.mode = "starting";
        self.say("The suggestion service is starting (loading the model)\u2026", "warn");
        setTimeout(function () { self.probe(); }, 2000);
      } else {
        self.toStatic();
      }
    }, function () { self.toStatic(); });
  };

  Box.prototype.toStatic = function (why) {
    this.mode = "static";
    this.node.dataset.mode = "static";
    this.button.textContent = "Search the site";
    this.say(why || ("No suggestion API here: this copy of the site is static (served without `recur serve`). " +
             "Your text goes to the site's search instead, which matches words, not meaning."), "warn");
  };

  /* A page opened from disk (file://): the browser refuses fetch() there, so neither the model nor the
     site search can load; asking the API would only fetch file:///api/healthz. Say what works instead. */
  Box.prototype.toFile = function () {
    this.mode = "file";
    this.node.dataset.mode = "file";
    this.say("Suggestions need the site served over HTTP: opened as a file (file://), the browser does not " +
             "let this page load the suggestion model or the site search. In the site folder run " +
             "`python -m http.server 8000` and open http://localhost:8000/ instead.", "warn");
  };

  /* The browser search bundle: nothing is loaded until the first question (about 30 MB, once). */
  Box.prototype.toBrowser = function (bundle) {
    if (typeof WebAssembly !== "object" || typeof DecompressionStream !== "function") {
      return this.toStatic("This browser cannot run the suggestion model (no WebAssembly): your text goes to " +
                           "the site's search instead, which matches words, not meaning.");
    }
    this.mode = "browser";
    this.node.dataset.mode = "browser";
    this.bundle = new URL(bundle, siteRoot()).href;
    this.say("Suggestions are ranked in your browser: the first question loads the model (once).");
    if (this.text.value.trim()) this.submit();
  };

  Box.prototype.engine = function () {
    var self = this;
    if (!this.loading) {
      var bundle = this.bundle;
      /* bundle.json revalidated, the loader asked for by its version: a rebuilt site's box must not run
         the last build's code and index from the browser's cache */
      this.loading = fetch(bundle, { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error(bundle + ": HTTP " + r.status);
        return r.json();
      }).then(function (manifest) {
        var url = new URL("recur-browser-search.js", bundle), v = (manifest.versions || {})["recur-browser-search.js"];
        if (v) url.searchParams.set("v", v);
        return import(url.href).then(function (mod) {
          var said = -1;
          return mod.load(bundle, function (done, total) {
            /* one file failed: the load is over (the box has said so), but the others still arrive */
            if (self.mode !== "browser") return;
            var pct = Math.round(100 * done / Math.max(total, 1));
            self.progress(done / Math.max(total, 1));
            /* the status is a live region: a screen reader would read every chunk's percentage (dozens,
               more on a slow link); the bar shows each one, the status says every tenth */
            if (Math.floor(pct / 10) === said) return;
            said = Math.floor(pct / 10);
            self.say("Loading the suggestion model… " + pct + "% of " + (total / 1e6).toFixed(0) + " MB (once)", "progress");
          }, manifest);
        });
      });
      this.loading.then(null, function () { self.loading = null; });
      this.node.recurEngine = this.loading;  /* for tests and bench/static_suggest.py */
    }
    return this.loading;
  };

  Box.prototype.progress = function (fraction) {
    if (!this.bar) {
      this.bar = el("progress", { class: "recur-suggest__progress", max: "1", "aria-label": "Loading the suggestion model" });
      this.status.parentNode.insertBefore(this.bar, this.status.nextSibling);
    }
    this.bar.value = fraction;
    this.bar.hidden = fraction >= 1;
  };

  Box.prototype.submitBrowser = function (text, asked) {
    var self = this, t0 = performance.now();
    this.button.disabled = true;
    this.say(this.loading ? "Looking for matching patterns…" : "Loading the suggestion model…", "progress");
    this.engine().then(function (engine) {
      if (self.bar) self.bar.hidden = true;
      return engine.answer(text, TOP).then(function (answer) {
        if (asked !== self.asked) return;  /* a newer question was sent meanwhile: its answer is the one to show */
        self.button.disabled = false;
        self.show(text, answer.results, answer.no_known_pattern, Math.round(performance.now() - t0), answer.borderline);
      });
    }).then(null, function (err) {
      if (asked !== self.asked) return;
      self.button.disabled = false;
      if (self.bar) self.bar.hidden = true;
      self.toStatic("The suggestion model could not be loaded here (" + (err && err.message || err) +
                    "): your text goes to the site's search instead.");
      self.fallback(text);
    });
  };

  /* Blank as recur suggest reads it (Python's str.strip): NEL (U+0085) and U+001C-U+001F too, which trim() keeps.
     The server answers such a text with no results at all, which the box would call an empty knowledge base. */
  var BLANK = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$/;

  Box.prototype.submit = function () {
    var text = this.text.value.trim();
    if (!text || BLANK.test(text)) { this.say("Type or paste what you see first.", "warn"); this.text.focus(); return; }
    var chars = Array.from(text);
    var kept = Math.min(chars.length, MAX_CHARS);
    if (this.mode === "api") kept = fitBody(chars, kept, this.maxBody);
    this.cut = kept < chars.length ? chars.length : 0;
    this.kept = kept;
    if (this.cut) text = chars.slice(0, kept).join("");
    /* Ctrl+Enter sends while an answer is still on its way (the button is disabled, the keys are not): only
       the newest question's answer is shown, or a slower earlier one (a long log) replaced it on arrival */
    var asked = this.asked = (this.asked || 0) + 1;
    if (this.mode === "file") return this.toFile();
    if (this.mode === "static") return this.fallback(text);
    if (this.mode === "browser") return this.submitBrowser(text, asked);
    if (this.mode !== "api") { this.say("Still waiting for the suggestion service\u2026", "warn"); return; }
    var self = this;
    this.button.disabled = true;
    this.say("Looking for matching patterns\u2026");
    apiFetch(this.api + "/suggest", { text: text, top: TOP }).then(function (r) {
      if (asked !== self.asked) return;
      self.button.disabled = false;
      if (r.status === 200 && r.json && Array.isArray(r.json.results)) return self.show(text, r.json.results, r.json.no_known_pattern);
      if (r.json && r.json.error) return self.say(r.json.error.message, "error");
      self.toStatic();
      self.fallback(text);
    }, function () {
      if (asked !== self.asked) return;
      self.button.disabled = false;
      self.toStatic();
      self.fallback(text);
    });
  };

  Box.prototype.fallback = function (text) {
    var q = searchQuery(text);
    this.results.textContent = "";
    var link = el("a", { href: searchUrl(q), class: "recur-suggest__search-link", text: "Search the site for \u201c" + q + "\u201d" });
    this.results.appendChild(el("li", { class: "recur-suggest__fallback" }, [link]));
    if (!openSiteSearch(q)) window.location.href = searchUrl(q);
  };

  /* ranker.borderline: the browser's int8 model within a few hundredths of a cut-off (or of its second
     result), where the server may say otherwise ("latency": low on the server, medium here). Browser mode only:
     the API's answer is the server's own. */
  var BORDERLINE = " Borderline: the server may rank these differently; check both.";

  Box.prototype.show = function (query, results, noKnown, ms, borderline) {
    var self = this;
    this.results.textContent = "";
    this.node.dataset.noKnownPattern = noKnown ? "true" : "false";
    this.pathOf = {};  /* look-alikes are other results: link them by their paths */
    results.forEach(function (r) { self.pathOf[r.id] = r.path; });
    var where = this.mode === "browser" ? " (ranked in your browser" + (ms ? ", " + ms + " ms" : "") + ")" : "";
    var edge = this.mode === "browser" && borderline === true ? BORDERLINE : "";
    var cut = this.cut ? " Only the first " + this.kept.toLocaleString("en-US") + " characters of your text were read (it has " +
                         this.cut.toLocaleString("en-US") + ")." : "";
    if (!results.length) {  /* nothing to rank: the knowledge base has no patterns yet */
      this.say("No known pattern matches this: the knowledge base has no patterns yet. " + NEXT_STEPS + cut, "warn");
      return;
    }
    if (noKnown) {
      this.say("No known pattern matches this." + cut + " " + NEXT_STEPS + " The closest patterns, for comparison only" + where + ":" + edge, "warn");
    } else {
      var both = checkBoth(results);  /* it already says "check both": the borderline note does not repeat it */
      this.say(matchLine(results) + where + "." + cut + both + (both ? edge.replace(/; check both\.$/, ".") : edge));
    }
    results.forEach(function (r) { self.results.appendChild(self.card(query, r)); });
  };

  /* What matches, counted by confidence: "5 patterns match" over one at 98% and four near 1% claimed
     four matches the cards called low (found in review). */
  function matchLine(results) {
    var credible = results.filter(function (r) { return r.confidence === "high" || r.confidence === "medium"; }).length;
    var rest = results.length - credible;
    if (!credible) return "Possible matches, all of low confidence, best first";
    var line = credible + (credible > 1 ? " patterns match" : " pattern matches") + " with medium or high confidence";
    return line + (rest ? ", then " + rest + " more of low confidence for comparison" : "") + ", best first";
  }

  /* render._best_match: the ranking and a result's probability can disagree ("latency": #1 at 27%,
     #3 at 40%); "best first" over a higher percentage further down read as a mistake. Said, as the
     terminal says it. */
  function checkBoth(results) {
    if (results.some(function (r) { return typeof r.probability !== "number"; })) return "";
    var k = 0;
    results.forEach(function (r, i) { if (r.probability > results[k].probability) k = i; });
    if (!k || percent(results[k].probability) === percent(results[0].probability)) return "";
    return " " + results[k].title + " (#" + (k + 1) + ") is rated more likely right (" + percent(results[k].probability) +
      " against " + percent(results[0].probability) + "): check both.";
  }

  /* render._percent: whole percents rounded down (so 0.795, medium, is not "80%"), never 0% or 100% */
  function percent(p) {
    return p >= 0.995 ? ">99%" : p < 0.005 ? "<1%" : Math.max(1, Math.floor(p * 100 + 1e-9)) + "%";
  }

  Box.prototype.card = function (query, r) {
    var self = this;
    var title = el("a", { href: patternUrl(this.node, r), class: "recur-suggest__title", text: r.title });
    var badges = el("span", { class: "recur-suggest__badges" }, [
      el("span", { class: "recur-badge recur-badge--" + r.confidence, text: r.confidence + " match" +
        (typeof r.probability === "number" ? " · " + percent(r.probability) : "") }),
      el("span", { class: "recur-badge", text: r.severity }),
      el("span", { class: "recur-badge", text: r.category }),
      r.draft ? el("span", { class: "recur-badge recur-badge--draft", text: "draft" }) : null
    ]);
    var li = el("li", { class: "recur-suggest__card", "data-pattern": r.id }, [
      el("div", { class: "recur-suggest__head" }, [title, badges])
    ]);
    if (r.summary) li.appendChild(el("p", { class: "recur-suggest__summary", text: r.summary }));
    var why = (r.why || []).slice(0, WHY);
    if (why.length) {
      li.appendChild(el("p", { class: "recur-suggest__h", text: "Why it matched" }));
      li.appendChild(el("ul", { class: "recur-suggest__why" }, why.map(function (w) {
        /* close in meaning, not found in the text: said so (a "signal" read as found; review) */
        var field = w.match === "meaning" ? "like the " + w.field : w.field;
        /* the API and the bundle cut a view's text at why.text_chars (240): said with an ellipsis, as the terminal does */
        /* counted in code points, as Python cuts (an emoji is two UTF-16 units of .length) */
        var text = Array.from(w.text).length >= WHY_TEXT_CHARS ? w.text.replace(/\s+\S*$/, "") + "\u2026" : w.text;
        return el("li", {}, [el("span", { class: "recur-suggest__field", text: field }), " ", inline(text)]);
      })));
    }
    var steps = (r.runbook || []).slice(0, STEPS);
    if (steps.length) {
      li.appendChild(el("p", { class: "recur-suggest__h", text: "First steps" }));
      li.appendChild(el("ol", { class: "recur-suggest__steps" }, steps.map(function (s) { return el("li", {}, [inline(s)]); })));
    }
    var ev = (r.evidence || []).slice(0, EVIDENCE);
    if (ev.length) {
      li.appendChild(el("p", { class: "recur-suggest__h", text: "Evidence to preserve" }));
      li.appendChild(el("ul", { class: "recur-suggest__evidence" }, ev.map(function (s) { return el("li", {}, [inline(s)]); })));
    }
    var alikes = r.look_alikes || [];
    if (alikes.length) {
      li.appendChild(el("p", { class: "recur-suggest__h", text: "Looks like" }));
      li.appendChild(el("ul", { class: "recur-suggest__alikes" }, alikes.map(function (o) {
        var link = el("a", { href: patternUrl(self.node, { id: o.id, path: self.pathOf[o.id] }), text: o.title });
        return el("li", {}, [link, o.by ? el("span", { text: " — tell apart by: " }) : null, o.by ? inline(o.by) : null]);
      })));
    }
    if (this.mode !== "browser") li.appendChild(this.votes(query, r));  /* votes need the API */
    return li;
  };

  Box.prototype.votes = function (query, r) {
    var self = this, note = el("span", { class: "recur-suggest__thanks", role: "status" });
    var up = el("button", { type: "button", class: "recur-vote", title: "This pattern fits", "aria-label": "Useful: " + r.title, text: "\uD83D\uDC4D Useful" });
    var down = el("button", { type: "button", class: "recur-vote", title: "Not this one", "aria-label": "Not useful: " + r.title, text: "\uD83D\uDC4E Not this" });
    function vote(useful) {
      up.disabled = down.disabled = true;
      apiFetch(self.api + "/feedback", { query: query, pattern: r.id, useful: useful }).then(function (res) {
        if (res.status === 201) {
          (useful ? up : down).classList.add("recur-vote--chosen");
          note.textContent = useful ? "Thanks: recorded as useful." : "Thanks: recorded as not this one.";
        } else {
          up.disabled = down.disabled = false;
          note.textContent = res.json && res.json.error ? res.json.error.message : "Could not record the vote.";
        }
      }, function () {
        up.disabled = down.disabled = false;
        note.textContent = "Could not record the vote (no API).";
      });
    }
    up.addEventListener("click", function () { vote(true); });
    down.addEventListener("click", function () { vote(false); });
    return el("div", { class: "recur-suggest__votes" }, [el("span", { text: "Did this help?" }), up, down, note]);
  };

  function init() {
    var boxes = document.querySelectorAll("div.recur-suggest");
    for (var i = 0; i < boxes.length; i++) {
      if (!boxes[i].dataset.ready) { boxes[i].dataset.ready = "1"; new Box(boxes[i]); }
    }
  }

  /* mkdocs-material's instant navigation swaps pages without a reload: re-run on each page. */
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
