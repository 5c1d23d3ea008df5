/* Recur: the "describe what you see" box.
 *
 * Finds every <div class="recur-suggest" data-api="/api">, renders a large text box and asks
 * the Recur API (POST {api}/suggest) for the matching failure patterns: why they matched, the
 * first runbook steps, the evidence to preserve, a link to each pattern's page, and 👍/👎
 * buttons that POST {api}/feedback. On a plain static host, when `recur site` wrote the browser
 * search bundle (assets/recur-api.json names it), the box loads it on first use and ranks the
 * patterns in the page (assets/recur-browser/recur-browser-search.js: the KB's model in
 * WebAssembly, the server's ranking). With neither, or without WebAssembly, it says so and ranks
 * the pattern pages by the text's words from the site search's index (search/search_index.json),
 * with a link to the site's own search (mkdocs-material). It answers ?describe=<text> on load, and
 * puts a link to itself under the header search's results. No external resources; no build step.
 */
(function () {
  "use strict";

  var STEPS = 3, EVIDENCE = 3, WHY = 3, TOP = 5;
  var WHY_TEXT_CHARS = 240;  /* search.WHY_TEXT_CHARS: the API cuts a why text there */
  /* query.MAX_QUERY_CHARS: what recur suggest and the browser model read of a text (code points); the API
     refuses more, so a long pasted log is condensed to it here (assets/recur-query.js), as recur suggest
     condenses it, and the box says so; so is a pasted log read by its error lines */
  var MAX_CHARS = window.RecurQuery.MAX_QUERY_CHARS;
  /* What the box says to do about a pasted alert list's other alerts (RecurQuery.note's ``others``, as MCP's and
     Slack's OTHER_ALERTS): the box searches the first firing one, whether it asks the API (it sends the alert's
     query, not the payload) or ranks in the browser. It said "POST the payload to /api/alertmanager to have each
     answered", the terminal's advice, which nobody at the box can follow (found in review). */
  var OTHER_ALERTS = "to have one answered, paste that alert alone (its JSON, or its name and summary)";
  /* What the box does without a model, as its status says it: its own list, ranked by words (fallback); the
     whole site's search is a link below it. ("Your text goes to the site's search" it said; it does not.) */
  var BY_WORDS = "the box lists the pattern pages that share your text\u2019s words instead, matched by words, not meaning.";
  /* What works where a page opened from disk (file://) cannot load the model or the site search. */
  var SERVE = "Serve the site folder over http(s) instead: `recur serve --site DIR`, any web host, or " +
              "`python -m http.server 8000` in it and http://localhost:8000/.";
  /* What to do when nothing known matches, whether the KB has patterns or not: what cli/render.py prints under
     `recur suggest`'s "No known pattern matches this", in its words and order: record it now, with the command that
     records this text, then draft a pattern. The box said "If it is new, respond to it as a new incident" and that
     it is recorded afterwards, no first action a responder could take, where the terminal gave the command (found in
     a responder's review). Said to be a terminal's command, and whose (found in a new hire's review: it named
     `recur incident new` as if the box could run it). ``lead``: "If it is new," or, of a text about no failure,
     "If it is an incident,", as the terminal says them (render.no_known_text). */
  function nextSteps(text, lead) {
    var steps = lead + " record it (it lands under \"needs analysis\" on the board): `" + recordCommand(text) +
      "` in a terminal, in the knowledge base\u2019s repository (or ask whoever keeps the knowledge base to)";
    return steps + (lead === NEW_LEAD ? "; then draft a pattern with recur new pattern, or recur import the " +
      "postmortem once it is written." : ".");
  }
  var NEW_LEAD = "If it is new,", INCIDENT_LEAD = "If it is an incident,";
  /* What a text of few words that answered no known pattern is told before the record step, as the terminal, MCP
     and Slack tell it (retrieval.results.SAY_MORE and SAY_MORE_WORDS; tests/test_short_question.py checks the
     copies): "502" had only the record step. Not of a text searched by a part of it (Box.readNote: a log by its
     error line), nor of a typo of an id (meant), nor of a text about no failure (notAFailure). */
  var SAY_MORE = "Only {words} to go on: describe what fails, since when and after what change (a log line or an alert helps).";
  var SAY_MORE_WORDS = 3;
  function sayMore(query, meant) {
    var said = String(query || "").trim(), n = said ? said.split(/\s+/).length : 0;
    if (!n || n > SAY_MORE_WORDS || (Array.isArray(meant) && meant.length)) return "";
    return " " + SAY_MORE.replace("{words}", n + (n === 1 ? " word" : " words"));
  }

  /* The command `recur suggest` prints to record a text (kb.incident_record.incident_command, titled by
     ingest.pasted_log.record_title): a text of one line is its description, titled as the terminal titles it
     (recordTitle: the line, cut between words to a title's 80 characters, TITLE_CHARS), both shell-quoted as
     shlex.quote quotes them; any other (a pasted log of several lines, which the terminal titles by its own rules)
     has the fields to fill in, the title's placeholder the terminal's (placeholders.RECORD_TITLE); so does a text
     holding a backtick, which would end the status's code span. Found in a responder's review: a pasted log line
     of over 80 characters got the fields to fill in, as if it were a template, where `recur suggest` gives the
     command recording it (the line, its title cut). */
  var TITLE_CHARS = 80, RECORD_TITLE = "<what happened>", RECORD_TEXT = "<what you saw>";
  function shQuote(s) { return /^[\w@%+=:,.\/-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\"'\"'") + "'"; }
  /* pasted_log.record_title of a text of one line: a pasted alert's name (its alert: a one-line payload), a log
     line's message (RecurQuery.prepare's log_lines, read as query.read_line reads it), an alert e-mail's subject
     without "[FIRING:1]" (FIRING), else the line; cut as util.text.cut_words cuts it (cutWords). Found in a re-read:
     the box titled "2026-12-06T03:09:00Z ERROR printer jammed" whole, the terminal "printer jammed". */
  var FIRING = /^\[FIRING:\d+\][ \t]*(\S.*)$/;
  function recordTitle(given, line) {
    var q = window.RecurQuery, p = q ? q.prepare(given) : null, firing = FIRING.exec(given);
    if (p && p.alert) return cutWords(p.alert, TITLE_CHARS);  /* "" for none: one named "(no alertname)" is named */
    if (p && (p.alert_said || p.alerts)) return cutWords(p.text, TITLE_CHARS);  /* an alert with no name (any system's) */
    if (p && p.log_lines) {
      var said = q.readLine(p.text.split("\n")[p.log_before].trim())[2];
      if (q.hasText(said)) return cutWords(said, TITLE_CHARS);
    }
    return cutWords(firing ? firing[1] : line, TITLE_CHARS);
  }
  /* util.text.cut_words: on one line, cut to ``limit`` characters (code points, as Python counts them) ending in
     "…" when longer, between words; a token longer than half ``limit`` cut after its last ".", ":" or "/" in
     it, else at ``limit`` */
  function cutWords(text, limit) {
    var chars = Array.from(String(text).split(/\s+/).filter(function (w) { return w; }).join(" "));
    if (chars.length <= limit) return chars.join("");
    var half = Math.floor(limit / 2), end = chars.slice(0, limit).lastIndexOf(" ");
    if (end < half) {
      var within = chars.slice(0, limit - 1);
      end = Math.max(within.lastIndexOf("."), within.lastIndexOf("/"), within.lastIndexOf(":")) + 1;
    }
    var head = chars.slice(0, end >= half ? end : limit - 1).join("");
    return (head.replace(/[ ,;:.\-\u2013\u2014]+$/, "") || head) + "\u2026";
  }
  function recordCommand(text) {
    var given = String(text || "").trim(), line = given.split(/\s+/).join(" ");
    var one = line && !/[\r\n`]/.test(given);
    return "recur incident new -t " + shQuote(one ? recordTitle(given, line) : RECORD_TITLE) +
      " -d " + shQuote(one ? line : RECORD_TEXT);
  }

  /* An answer with no known pattern that reads as no incident at all ("how do I get VPN access"): the rule of
     retrieval.results.about_no_failure, in assets/recur-query.js (aboutNoFailure, one copy, checked against
     Python's): never of a text about a failure (its words, an HTTP status, an errno, an alert's name; under 3 words),
     nor of one whose why holds a signal found in it; else every result the verdict reads rated tiny and at most one
     why entry matched by meaning. "If it is new, respond to it as a new incident" was the only reading, and a
     newcomer asking for VPN access filed an incident (found in a new-hire review). */
  function notAFailure(query, results) { return window.RecurQuery.aboutNoFailure(query, true, results); }
  /* a newcomer's question, of such an answer: the onboarding paths are what it asks for (cli/render.NEWCOMER) */
  /* a word whole: JavaScript's \b is ASCII ("néstart" began a word "start" to it), Python's reads letters of any script;
     no lookbehind (Safari before 16.4 cannot parse one: test_no_script_of_ours_has_a_lookbehind) */
  var NEWCOMER = /(?:^|[^\p{L}\p{N}_])(new|start(s|ed|ing)?|begin(ning)?|read first|onboard(ing)?|first week)(?![\p{L}\p{N}_])/iu;
  var NOTHING_ABOUT_IT = "No known pattern matches this: nothing in the knowledge base is about this.";
  /* what a question that is no incident is told (Box.questionHelp), {who} the box: retrieval.results.QUESTION_HELP,
     which the terminal, Slack and MCP say (tests/test_newcomer_hints.py checks the two are equal) */
  var QUESTION_HELP = "If it is a question (access to a tool, who does what), {who} has no answer: it knows failure patterns only. Ask your team";

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

  /* Runbook steps are Markdown-ish: keep `code` spans and [links](target), drop other markup, never inject HTML.
     A link showed as written, "[migration-table-lock](migration-table-lock.md)", and a card's Copy all copied
     that where the pattern page copies "migration-table-lock" (found in review): it is a link, its text what is
     copied. ``href(target)`` gives a link's address (null: its text alone); without it, every link is its text. */
  var MD_LINK = (function () {
    /* An address holds balanced parentheses nested up to 3 deep, as Python-Markdown (the page) links it: a Kibana
       address, .../discover#/?_g=(time:(from:now-15m)), was cut at its first ")" (found in review). An image,
       ![graph](g.png), is not a link: left as written, as the terminal leaves it (retrieval/results.MD_LINK, its twin).
       Its "!" is matched, not looked behind for: Safari before 16.4 cannot parse a lookbehind, and the whole
       script would fail (test_no_script_of_ours_has_a_lookbehind). */
    var address = "[^()\\s<>]";
    for (var i = 0; i < 3; i++) address = "(?:[^()\\s<>]|\\((?:" + address + ")*\\))";
    return new RegExp("(!?)\\[([^\\]]+)\\]\\(\\s*<?(" + address + "+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  })();
  function inline(text, href) {
    var span = el("span");
    var words = function (t) { return document.createTextNode(t.replace(/\*\*|__/g, "")); };
    String(text || "").split(/(`[^`]+`)/).forEach(function (part) {
      if (/^`[^`]+`$/.test(part)) { span.appendChild(el("code", { text: part.slice(1, -1) })); return; }
      var rest = part, m;
      while ((m = MD_LINK.exec(rest))) {
        if (m[1]) {  // an image: as written
          span.appendChild(words(rest.slice(0, m.index + m[0].length)));
          rest = rest.slice(m.index + m[0].length);
          continue;
        }
        if (m.index) span.appendChild(words(rest.slice(0, m.index)));
        var to = href ? href(m[3]) : null;
        span.appendChild(to ? el("a", { href: to }, [words(m[2])]) : words(m[2]));
        rest = rest.slice(m.index + m[0].length);
      }
      if (rest) span.appendChild(words(rest));
    });
    return span;
  }

  /* Where a link in a pattern's text goes, as its page's link goes: mkdocs resolves a target relative to the
     pattern's file (patterns/data/x.md), and a .md one to that file's page (patternUrl: .html or a folder's
     address, as this site has them); an absolute http(s) address as it is; any other scheme (mailto:, javascript:)
     is not linked, its text kept. An address the URL parser refuses (\\[srv]\share) is not linked either, its text
     kept: thrown, it left the card unshown as "100%.md" did. */
  function mdHref(box, result, target) {
    if (/^https?:\/\//i.test(target)) return target;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.charAt(0) === "/") return null;
    var at = target.indexOf("#"), frag = at < 0 ? "" : target.slice(at), file = at < 0 ? target : target.slice(0, at);
    if (!file) return patternUrl(box, result) + frag;  /* "#a-heading" of the pattern's own page */
    try {
      /* the path as the URL has it, escaped ("a%20b.md" stays so): decoding it threw on "100%.md" (URI malformed) */
      var path = new URL(file, "http://kb.invalid/" + patternPath(result)).pathname.slice(1);
      if (/\.md$/.test(path)) return patternUrl(box, { path: path }) + frag;
      return new URL(path, siteRoot()).href + frag;
    } catch (e) {
      return null;
    }
  }

  /* ``node`` holding ``text``, the box's own words (SERVE), its `code` spans as <code>: set as plain text, the
     file:// notice showed the Markdown's backticks (found in review). Built as nodes, never as HTML. */
  function withCode(node, text, keep) {  /* keep: after what the node holds already */
    if (!keep) node.textContent = "";
    String(text).split(/(`[^`]+`)/).forEach(function (part) {
      if (/^`[^`]+`$/.test(part)) node.appendChild(el("code", { text: part.slice(1, -1) }));
      else if (part) node.appendChild(document.createTextNode(part));
    });
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
  function patternPath(result) {
    return String(result.path || ("patterns/" + result.category + "/" + result.id + ".md")).replace(/^\/+/, "");
  }

  function patternUrl(box, result) {
    var path = patternPath(result);
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

  /* The fallback (no API, no browser bundle) searches words. A pasted log is too long for that: its
     error-shaped lines are read, the most telling first ("Servlet.service() ... threw exception" is
     not the cause; the next line's SQLTransientConnectionException: HikariPool-1 - Connection is not
     available is; found in review), never a stack frame. A line scores for an exception or error class
     name, an errno (ENOSPC), "Caused by:", an error level written as a level, and error words. */
  var ERROR_WORDS = /\b(error|err|fatal|fail(ed|ure|s)?|exception|panic|refused|denied|timed? ?out|unavailable|not available|unreachable|killed|crash\w*|no space|cannot|can't|unable|expired|invalid|exceeded|exhausted|OOM\w*)\b/i;
  var ERROR_CLASS = /\b[A-Z]\w*(Exception|Error|Fault)\b|\bE(?!RROR\b|MERG\b)[A-Z]{3,}\b|\bERR_[A-Z_]+\b|\bx509\b|\b[A-Z][a-z]+[A-Z]\w*(BackOff|Killed|Failed|Error)\b/;
  var ERROR_LEVEL = /(^|[\s\[|])(FATAL|ERROR|CRITICAL|CRIT|PANIC|SEVERE|EMERG)\b/;
  var FRAME = /^\s*(at\s+[\w$.<>\/]+\s*\(|\.\.\.\s*\d+\s+(more|common frames))|^\s*File "[^"]*", line \d+|^\s*goroutine \d+|^\s*[\w.\/-]+\.go:\d+/;
  /* syslog's "Dec  3 10:01:02 db-07 postgres[811]:": the host is the writer's own name, in no pattern */
  var SYSLOG = /^\s*[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \S+ [^\s:]+:/;
  var TIMESTAMP = /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\b[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}\b|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g;
  var LEVEL_WORD = /(^|\s)\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|CRIT|SEVERE|PANIC)\]?:?(?=\s|$)/g;
  var STOP = ("a an and are as at be been but by did do does for from had has have he her his i if in into is it its " +
              "me my of on or our over so than that the their them then there these they this to up was we were what " +
              "when which while who will with after before again all also any about just out very").split(" ");

  function lineScore(line) {
    if (FRAME.test(line)) return -1;
    return (ERROR_CLASS.test(line) ? 3 : 0) + (/^\s*Caused by:/.test(line) ? 2 : 0) +
           (ERROR_LEVEL.test(line) ? 1 : 0) + (ERROR_WORDS.test(line) ? 1 : 0);
  }

  /* The lines a keyword search reads, best first: the three that score most (in their order in the
     text when tied), or, with none reading as an error, the first lines (a description). */
  function queryLines(text) {
    var lines = text.split(/\r?\n/).filter(function (l) { return l.trim(); });
    var scored = lines.map(function (l, i) { return { line: l, i: i, score: lineScore(l) }; });
    var errors = scored.filter(function (s) { return s.score > 0; });
    errors.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
    if (errors.length) return errors.slice(0, 3).map(function (s) { return s.line; });
    var plain = scored.filter(function (s) { return s.score === 0; }).slice(0, 5);
    return (plain.length ? plain : scored.slice(0, 1)).map(function (s) { return s.line; });
  }

  /* A line's words as a search engine should read them: no timestamps, levels or [bracketed] log
     prefixes (thread names, request ids), no abbreviated logger names (o.a.c.c.C), and nothing lunr's
     query syntax would act on: "x509:" or "OutOfMemoryError:" is read as a field name (no results at
     all; found in review), a leading + or - requires or excludes a word, ~ ^ * are operators. */
  function queryWords(line) {
    var words = [];
    line.replace(SYSLOG, " ").replace(/\[[^\]]*\]/g, " ").replace(TIMESTAMP, " ").replace(LEVEL_WORD, " ")
      .replace(/["`\u201c\u201d]/g, " ").split(/\s+/).forEach(function (raw) {
        raw.split(":").forEach(function (w) {
          w = w.replace(/^[+\-~^*=(<{'.,;|\/\\]+/, "").replace(/[~^]\d*$/, "").replace(/[*.,;!?)>}'|\/\\~^]+$/, "");
          if (!w || !(/[A-Za-z0-9]/.test(w) || (UNWORD && /[^\x00-\x7f]/.test(w) && rawWords(w).some(Boolean)))) return;
          if (/^([A-Za-z]\.){2,}/.test(w) || /^\d{1,2}$/.test(w)) return;
          if (/^[a-z]+$/.test(w) && STOP.indexOf(w) >= 0) return;
          words.push(w);
        });
      });
    return words;
  }

  /* Distinctive: a word a tool prints rather than prose: CamelCase, an UPPER_CODE, snake_case, a dotted
     name, letters with digits (x509, HikariPool-1); not a number with its unit (502s, 30000ms). */
  function distinctive(w) {
    return !/^\d+[A-Za-z]{0,3}$/.test(w) && /[a-z][A-Z]|[A-Z]{3,}|_|\w\.\w|[A-Za-z]\d|\d[A-Za-z]/.test(w);
  }

  /* The site search's query for a text: the most telling line's words, distinctive ones first, each
     once, at most 10 (every word is OR-ed, so a long line pulls in pages that share a common word). */
  function searchQuery(text) {
    /* no prototype (as rankPatterns' tables): with {} "constructor" and "__proto__" were already "seen" and left out */
    var words = queryWords(queryLines(text)[0] || text), seen = Object.create(null);
    words = words.filter(function (w) { var k = w.toLowerCase(); return !seen[k] && (seen[k] = true); });
    var firsts = words.filter(distinctive), rest = words.filter(function (w) { return !distinctive(w); });
    var q = firsts.concat(rest).slice(0, 10).join(" ");
    return q.length > 120 ? q.slice(0, 120).replace(/\s+\S*$/, "") : q;
  }

  /* -- ranking pattern pages by words, from the site search's own index (search/search_index.json) -- */

  /* One word as both sides are compared: lower case, cut at anything but letters, digits and _, common
     endings dropped (restarting, restarts, restarted: restart), "502s" also as 502. */
  function stem(w) {
    if (!/^[a-z]+$/.test(w) || w.length <= 3) return w;
    w = w.replace(/ies$/, "y").replace(/(ss|us|is)$/, "$1#").replace(/(s|x|ch|sh)es$/, "$1").replace(/s$/, "").replace(/#$/, "");
    w = w.length > 5 ? w.replace(/(ing|ed)$/, "") : w;
    return w.length > 4 ? w.replace(/e$/, "") : w;
  }
  /* ranker.js words()' rule for text that is not ASCII, copied (a classic script imports no module; the twins are
     checked alike, tests/test_browser_search.py): NFKC, Unicode's letters with their vowel signs (MARKS), a CJK run
     as its overlapping two-character pieces. Split at [^a-z0-9_], a page without the model found nothing for a
     Japanese text. Built at run time: a browser without \p{...} keeps the A-Z words, its box not dead. */
  var CJK = "\\u1100-\\u115e\\u1161-\\u11ff\\u3005-\\u3007\\u3041-\\u3096\\u309d-\\u309f\\u30a1-\\u30fa\\u30fc-\\u30ff\\u3131-\\u3163" +
      "\\u3165-\\u318e\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\ua960-\\ua97c\\uac00-\\ud7a3\\ud7b0-\\ud7fb\\uf900-\\ufaff" +
      "\\uff66-\\uff9d\\uffa1-\\uffdc\\u{20000}-\\u{3134f}";
  var MARKS = "\\u0900-\\u0963\\u0966-\\u096f\\u0971-\\u09f1\\u09f4-\\u09f9\\u09fc\\u09fe-\\u0a75\\u0a77-\\u0aef\\u0af2-\\u0b6f" +
      "\\u0b71-\\u0bf2\\u0bfb-\\u0c76\\u0c78-\\u0c7e\\u0c80-\\u0c83\\u0c85-\\u0d4e\\u0d50-\\u0d78\\u0d7a-\\u0df3\\u0df5-\\u0dff" +
      "\\u0e00-\\u0e3e\\u0e40-\\u0e4e\\u0e50-\\u0e59\\u0e5c-\\u0eff\\u1000-\\u1049\\u1050-\\u109d\\u1780-\\u17d3\\u17d7\\u17dc-\\u17ff";
  var UWORD = null, CJK_RUN = null, WORDISH = null, UNWORD = null;
  try {
    var LETTER = "(?:(?![" + CJK + "])[\\p{L}\\p{Nl}\\p{No}])", OTHER = "(?![\\x00-\\x7f])[\\p{L}\\p{N}" + MARKS + "]";
    UWORD = new RegExp(LETTER + "(?:(?![" + CJK + "])[\\p{L}\\p{N}_'" + MARKS + "])*|\\p{Nd}+" + LETTER + "*|[" + CJK + "]+", "gu");
    CJK_RUN = new RegExp("^[" + CJK + "]", "u");
    WORDISH = new RegExp("(?:[a-z0-9_]|" + OTHER + ")+", "gu");  /* a run of A-Z words' characters and other letters */
    UNWORD = new RegExp("(?:(?!" + OTHER + ")[^A-Za-z0-9_])+", "u");  /* what parts a text's words (rankPatterns) */
  } catch (e) { UWORD = null; }
  /* A text's raw words, lower case: an all-ASCII run as before (split at [^a-z0-9_]: English is read as it was),
     one with other letters by UWORD, a CJK run in its pieces. */
  function rawWords(text) {
    var t = String(text).toLowerCase();
    if (!UWORD || /^[\x00-\x7f]*$/.test(t)) return t.split(/[^a-z0-9_]+/);
    var out = [];
    (t.normalize("NFKC").toLowerCase().match(WORDISH) || []).forEach(function (run) {
      if (/^[\x00-\x7f]*$/.test(run)) { out.push(run); return; }
      (run.match(UWORD) || []).forEach(function (raw) {
        if (!CJK_RUN.test(raw)) { out.push.apply(out, raw.split("'")); return; }
        var cs = Array.from(raw);
        if (cs.length === 1) out.push(raw);
        for (var i = 0; i + 1 < cs.length; i++) out.push(cs[i] + cs[i + 1]);
      });
    });
    return out;
  }
  function terms(text) {
    var out = [];
    rawWords(text).forEach(function (w) {
      if (!w || /^\d{1,2}$/.test(w)) return;
      out.push(stem(w));
      var n = /^(\d{3,})[a-z]{1,2}$/.exec(w);
      if (n) out.push(n[1]);
    });
    return out;
  }

  /* The pattern pages of search_index.json, one document each (its sections joined): {url, title, tf,
     len} per field. Anything else the index holds (incidents, paths) is left out: the box answers with
     failure patterns. So are the pages of ``retired`` (patterns/retired.json: site paths without their
     extension): the index has retired patterns' pages, kept for history, which Recur never suggests. */
  function patternDocs(index, root, retired) {
    var pages = {}, order = [], gone = {};
    (retired || []).forEach(function (p) { gone[p] = true; });
    (index.docs || []).forEach(function (d) {
      var loc = String(d.location || ""), page = loc.split("#")[0];
      if (!/^patterns\/[^\/]+\/[^\/]+(\.html|\/)$/.test(page) || /\/index\.html$/.test(page)) return;
      if (gone[page.replace(/(\.html|\/)$/, "")]) return;
      var doc = pages[page];
      if (!doc) { doc = pages[page] = { url: new URL(page, root).href, title: "", text: [] }; order.push(doc); }
      var text = String(d.text || "").replace(/<[^>]*>/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
        .replace(/&quot;/g, "\"").replace(/&#0?39;/g, "'").replace(/&amp;/g, "&");
      if (loc === page) doc.title = d.title || ""; else doc.text.push(d.title || "");
      doc.text.push(text);  /* the page's own entry holds what comes before its first section */
    });
    return order.map(function (doc) {
      /* ``raw``: its title and text, read for the text's phrases only on the pages listed (phrases) */
      var f = { url: doc.url, title: doc.title, category: doc.url.split("/").slice(-2)[0], raw: [doc.title, doc.text.join(" ")] };
      [["t", terms(doc.title)], ["b", terms(doc.text.join(" "))]].forEach(function (pair) {
        /* no prototype: tf.constructor was Object's own, so every page "had" a text's word "constructor" */
        var tf = Object.create(null);
        pair[1].forEach(function (w) { tf[w] = (tf[w] || 0) + 1; });
        f[pair[0]] = { tf: tf, len: pair[1].length };
      });
      return f;
    });
  }

  /* Two words of a text side by side (stop words left out, each stemmed: "space left" of "no space left on
     device"), as keys "space left"; ``texts``: a list of texts, none of whose pairs spans two of them. */
  function phrases(texts) {
    var out = Object.create(null);
    texts.forEach(function (text) {
      var seq = String(text).toLowerCase().split(/[^a-z0-9_]+/).filter(function (w) {
        return w && !/^\d{1,2}$/.test(w) && STOP.indexOf(w) < 0;
      }).map(stem);
      for (var i = 1; i < seq.length; i++) if (seq[i - 1] !== seq[i]) out[seq[i - 1] + " " + seq[i]] = true;
    });
    return out;
  }

  /* BM25 over the pattern pages (title words count 3x), a distinctive word of the text thrice: the rare
     CrashLoopBackOff or OutOfMemoryError decides, not "space" or "deploy", which many pages share.
     [{doc, score, found: the text's words the page has, telling: one of them is distinctive, told: how many of
     them tell (TOPIC), phrase: the page has two of the text's words side by side as the text has them}], best
     first, those within 20% of the best; the list's ``words``: how many distinct words the text was read by. */
  function rankPatterns(docs, text) {
    /* no prototype (as the pages' tf): with {} the word "constructor" weighed NaN and the text listed no page */
    var want = Object.create(null), shown = Object.create(null);
    queryLines(text).forEach(function (line) {
      queryWords(line).forEach(function (w) {
        /* java.lang.OutOfMemoryError: its class counts; a word's other letters kept (UNWORD: "接続タイムアウト") */
        w.split(UNWORD || /[^A-Za-z0-9_]+/).forEach(function (piece) {
          terms(piece).forEach(function (t) {
            want[t] = Math.max(want[t] || 0, distinctive(piece) ? 3 : 1);
            if (!shown[t]) shown[t] = piece;  /* said as written */
          });
        });
      });
    });
    var n = docs.length, avg = { t: 0, b: 0 };
    docs.forEach(function (d) { avg.t += d.t.len / n; avg.b += d.b.len / n; });
    /* Each word's document frequency and idf once, before the pages: counted inside the loop over the
       pages, for each page, it was O(words x pages^2): 12.9 s on the page's main thread for an 83-word
       text at 1,000 patterns, no answer in a minute at 2,000 (found in review). Words no page has are
       dropped here; the rest keep their order (the order of ``found``, and of the score's sums). */
    var idf = Object.create(null), tells = Object.create(null), keys = Object.keys(want).filter(function (t) {
      var df = 0, uses = 0;
      for (var i = 0; i < n; i++) {
        var k = (docs[i].t.tf[t] || 0) + (docs[i].b.tf[t] || 0);
        if (k) { df++; uses += k; }
      }
      if (df) idf[t] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      tells[t] = want[t] === 3 || (df > 0 && df < n && uses >= TOPIC * df);
      return df > 0;
    });
    var scored = docs.map(function (d) {
      var score = 0, found = [], said = Object.create(null), telling = false, told = Object.create(null);
      keys.forEach(function (t) {
        if (!(d.t.tf[t] || d.b.tf[t])) return;
        var s = 0;
        [["t", 3], ["b", 1]].forEach(function (fw) {
          var tf = d[fw[0]].tf[t] || 0, len = d[fw[0]].len, k = 1.2 * (0.25 + 0.75 * len / Math.max(avg[fw[0]], 1));
          if (tf) s += fw[1] * tf * 2.2 / (tf + k);
        });
        score += want[t] * idf[t] * s;
        telling = telling || want[t] === 3;
        if (tells[t]) told[shown[t]] = true;
        /* an object, not found.indexOf: a long pasted text's hundreds of words made that quadratic per page */
        if (!said[shown[t]]) { said[shown[t]] = true; found.push(shown[t]); }
      });
      return { doc: d, score: score, found: found, telling: telling, told: Object.keys(told).length };
    }).filter(function (r) { return r.score > 0; });
    scored.sort(function (a, b) { return b.score - a.score; });
    var best = scored.length ? scored[0].score : 0;
    var out = scored.filter(function (r) { return r.score >= best * 0.2; }).slice(0, TOP);
    var asked = phrases(queryLines(text).map(function (line) { return queryWords(line).join(" "); }));
    out.forEach(function (r) {
      var has = phrases(r.doc.raw);
      r.phrase = Object.keys(asked).some(function (k) { return has[k]; });
    });
    var distinct = Object.create(null);
    Object.keys(want).forEach(function (t) { distinct[shown[t]] = true; });
    out.words = Object.keys(distinct).length;
    return out;
  }

  /* The word search's typo reading: the in-browser ranker's own (RecurQuery.Typos, one copy) over the pattern pages'
     words, made once per index. Their stems (stem) are what the word search finds a word by; there is no model
     here, so no English word of its tokenizer is set apart (english: none): the reading is only tried when the
     text as typed matches no page (readByWords). */
  function pageTypos(docs) {
    if (docs.typos) return docs.typos;
    var words = new Set(), stems = new Set();
    docs.forEach(function (d) {
      Object.keys(d.t.tf).concat(Object.keys(d.b.tf)).forEach(function (t) { stems.add(t); });
      d.raw.join(" ").toLowerCase().split(/[^a-z0-9_]+/).forEach(function (w) { if (/^[a-z]+$/.test(w)) words.add(w); });
    });
    var none = new Set(), Q = window.RecurQuery;
    return (docs.typos = new Q.Typos({
      words: words, stop: new Set(STOP), p: Q.TYPO, endings: Q.TYPO_WORD_ENDINGS, never: Q.TYPO_NEVER,
      indexed: function (w) { return stems.has(stem(w)); }, english: function () { return none; },
      targetStem: function (w) { return stem(w); }
    }));
  }

  /* A text that matches no page as typed, ranked again with its typos read as the pages' words, as the ranker
     reads them (engine.Engine._rank_read: a fallback, kept only when better, here a match where there was none):
     {found, corrected: [{word, read_as}] as the API's} or null. "memroy leek" listed nothing by words, where the
     API and the in-browser model read it as "memory leak" (found in review). */
  function readByWords(docs, text) {
    var typos = pageTypos(docs), read = typos.corrections(text);
    if (!read.length) return null;
    var found = rankPatterns(docs, typos.readTypos(text));
    if (!found.some(function (r) { return wordsMatch(r, found.words); })) return null;
    return { found: found, corrected: read.map(function (c) { return { word: c[0], read_as: c[1] }; }) };
  }

  /* The word search's "no known pattern": with no model there is no probability to cut at 0.28, so a page
     counts as a match when it shares a distinctive word of the text (CrashLoopBackOff, ENOSPC, x509: what a
     tool prints is rare across pages), or two of its words side by side as the text has them ("space left" of
     "no space left on device"), or two of its distinct words that tell, or the one word of a one-word text if it
     tells. A word tells when the KB writes about it: not every pattern page has it, and those that do
     use it TOPIC times a page or more ("disk" 29 times on 7 pages of the starter KB, "certificate" 17 on 4).
     Two everyday words in common were a match: "the coffee machine is broken" was answered "Clock skew from
     broken NTP sync" by "machine" and "broken", which the KB uses once a page where it uses them at all (4 on 4
     pages, 7 on 6; found in review). */
  var MATCH_WORDS = 2, TOPIC = 1.5;
  function wordsMatch(r, words) {
    return r.telling || r.phrase || r.told >= Math.min(MATCH_WORDS, Math.max(words, 1));
  }

  /* How many of ``chars`` (at most ``n``) fit the API's body limit as the JSON apiFetch sends: 20,000
     characters of CJK, emoji or escaped control characters are 60-120 KB, over the 64 KiB assumed of an
     older server, whose recur-api.json says no max_body (recur serve's own is 128 KiB, and says so).
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
      var ctype = r.headers.get("content-type") || "", wait = r.headers.get("retry-after");
      if (ctype.indexOf("application/json") < 0) return { status: r.status, json: null, retryAfter: wait };
      return r.json().then(function (j) { return { status: r.status, json: j, retryAfter: wait }; },
                           function () { return { status: r.status, json: null, retryAfter: wait }; });
    });
  }

  /* recur serve answers 503 not_ready with Retry-After while it loads, or builds its first index (minutes for
     a large KB: "building the index (there was none yet): 512 of 898 texts encoded; retry in a few seconds").
     The box said its own fixed text ("starting (loading the model)", "Still waiting") and dropped the
     question: it says the server's words and asks again by itself after Retry-After, a few times. So for
     503 overloaded (past --max-concurrent: "retry in a second"), which it showed at once, as a failure (found in
     review), and any other 503 with Retry-After (a proxy in front). shutting_down (the server stopping:
     "retry in a few seconds") is asked again once: a restart or a rolling deploy answers by then; a server
     that stays down is then unreachable, and the box answers that question by words (Box.failedForNow). */
  var NOT_READY_TRIES = 3;
  var RETRIES = { not_ready: NOT_READY_TRIES, overloaded: NOT_READY_TRIES, shutting_down: 1 };
  var UNAVAILABLE = { not_ready: "is not ready yet", overloaded: "is busy", shutting_down: "is stopping" };
  function errorCode(r) {
    return r.json && r.json.error ? r.json.error.code : undefined;
  }
  function isNotReady(r) {
    return r.status === 503 && errorCode(r) === "not_ready";
  }
  /* how many times a question answered ``r`` is asked again (0: not a wait) */
  function retries(r) {
    if (r.status !== 503) return 0;
    var code = errorCode(r);
    return Object.prototype.hasOwnProperty.call(RETRIES, code) ? RETRIES[code] : r.retryAfter ? NOT_READY_TRIES : 0;
  }
  function unavailable(r) {
    var code = errorCode(r), has = Object.prototype.hasOwnProperty.call(UNAVAILABLE, code);
    var message = r.json && r.json.error && r.json.error.message ? r.json.error.message : "HTTP " + r.status;
    return "The suggestion service " + (has ? UNAVAILABLE[code] : "is unavailable") + ": " + message;
  }
  /* Retry-After as whole seconds from now: delay-seconds, or an HTTP date (a proxy in front may send one); null
     when there is none or it cannot be read. The one reading of it: a 429 (a rate limit) is waited for only up
     to MAX_WAIT (Box.limited, votes), a 503 and a probe for 1-30 s (retryMs). */
  var MAX_WAIT = 30;
  function retrySeconds(r) {
    var v = String(r.retryAfter || "").trim();
    if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v));
    var at = v ? Date.parse(v) : NaN;
    return isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  /* The wait before asking again, kept to 1-30 s; 2 s without a Retry-After that reads. The 503 path read only
     delay-seconds (Number()): a proxy's HTTP date was waited for 2 s, the 429 path read both (found in review). */
  function retryMs(r) {
    var s = retrySeconds(r);
    return (s !== null ? Math.min(Math.max(s, 1), MAX_WAIT) : 2) * 1000;
  }
  /* "in 40 s", "in 3 min": when to ask again, as a responder reads it */
  function inTime(s) {
    return s === null ? "in a moment" : s < 90 ? "in " + Math.max(s, 1) + " s" : "in " + Math.ceil(s / 60) + " min";
  }
  function errorMessage(r) {
    return r.json && r.json.error && r.json.error.message ? r.json.error.message : "";
  }
  /* A failure for now, not "no API here": the API could not be reached (``r`` null: a network error, the server
     restarting, a proxy hiccup), or a 5xx came without the API's JSON (a proxy's 502/504 page). */
  function failingForNow(r) {
    return !r || (r.status >= 500 && !r.json);
  }
  function failedNow(r) {
    if (!r) return "could not be reached for now";
    return r.status < 500 ? "refused this question (HTTP " + r.status + ", not an answer of the suggestion service: a proxy in front?)" :
      "failed for now (HTTP " + r.status + ")";
  }

  /* A wait before doing something again (a 503's or a 429's Retry-After, the health probe's back-off; a vote's):
     the status says ``head`` and ``clause(s)`` ("Asking again in 12 s…"), and ``act`` runs once ``ms`` are over.
     It said that once and stood still: a responder could not tell whether anything was happening. The seconds
     count down, and the "now" button ("Ask now", "Try now") ends the wait at once. The status is a live region,
     which a screen reader reads on each change: the counting clause is aria-hidden there, and the wait is said
     once (``show.announce``). Waits of several kinds, one of them shown at a time (``shown``). ``show``: where,
     { status, say(head): the status says head, now: the button, announce: a live region only a screen reader
     reads, back: where the focus goes when the button it had hides }. The box's status waits (Box.countDown),
     and so does each answer's vote (Box.votes): one that retried in silence said "sending it again in 3 s" and
     stood still (found in review). */
  function Waits(show) {
    this.show = show;
    this.waits = {};
    this.ticker = null;
  }

  /* The Waits with a wait in progress: while the page is hidden (another tab) none counts or asks; shown again,
     each resumes, and asks at once if its wait is over. */
  var pendingWaits = [];
  document.addEventListener("visibilitychange", function () {
    pendingWaits.slice().forEach(function (waits) {
      /* a page left by mkdocs-material's instant navigation: nothing to ask */
      if (!waits.show.status.isConnected) return;
      Object.keys(waits.waits).forEach(function (kind) { if (waits.waits[kind]) waits.resume(kind); });
    });
  });

  Waits.prototype.start = function (kind, head, clause, ms, act, shown) {
    this.end(kind);
    this.waits[kind] = { head: head, clause: clause, act: act, until: Date.now() + ms, shown: shown };
    if (pendingWaits.indexOf(this) < 0) pendingWaits.push(this);
    this.resume(kind);
  };

  /* (Re)starts a wait: its timer, and its countdown where shown. */
  Waits.prototype.resume = function (kind) {
    var self = this, show = this.show, w = this.waits[kind], shown = w.shown;
    clearTimeout(w.timer);
    if (shown) {
      this.quiet();
      show.say(w.head);  /* the count goes while hidden; drawn again below */
      w.shown = true;
    }
    if (document.hidden) return;
    if (shown) {
      w.count = el("span", { class: "recur-suggest__countdown", "aria-hidden": "true" });
      show.status.appendChild(document.createTextNode(" "));
      show.status.appendChild(w.count);
    }
    if (w.until <= Date.now()) return this.fire(kind);
    w.timer = setTimeout(function () { self.fire(kind); }, w.until - Date.now());
    if (!shown) return;
    this.tick(w);
    show.announce.textContent = w.count.textContent;
    show.now.hidden = false;
  };

  /* The seconds left, each second, on the second (Retry-After is whole seconds; a wait resumed is not). */
  Waits.prototype.tick = function (w) {
    var self = this, left = w.until - Date.now();
    if (!w.count || left <= 0) return;
    w.count.textContent = w.clause(Math.ceil(left / 1000));
    this.ticker = setTimeout(function () { self.tick(w); }, (left - 1) % 1000 + 1);
  };

  Waits.prototype.fire = function (kind) {
    var w = this.waits[kind];
    if (w.count) w.count.textContent = w.clause(0);  /* "Asking again now…" until the answer says otherwise */
    this.end(kind);
    w.act();
  };

  Waits.prototype.end = function (kind) {
    var w = this.waits[kind];
    if (!w) return;
    clearTimeout(w.timer);
    if (w.shown) this.quiet();
    delete this.waits[kind];
    if (!Object.keys(this.waits).length) pendingWaits.splice(pendingWaits.indexOf(this), 1);
  };

  /* The countdown's display ends: the count stops, the announcement is taken back, the button goes (the focus it
     had from the keyboard to ``show.back``: a hidden button drops it to the page's start). */
  Waits.prototype.quiet = function () {
    var waits = this.waits, show = this.show;
    clearTimeout(this.ticker);
    this.ticker = null;
    Object.keys(waits).forEach(function (kind) { waits[kind].shown = false; waits[kind].count = null; });
    if (!show.now.hidden && show.now.matches(":focus-visible")) show.back.focus({ preventScroll: true });
    show.now.hidden = true;
    show.announce.textContent = "";
  };

  /* The button: the wait shown ends, and what it waited for is done now. */
  Waits.prototype.now = function () {
    var waits = this.waits, kind = Object.keys(waits).filter(function (k) { return waits[k].shown; })[0];
    if (kind) this.fire(kind);
  };

  /* The box's form: the early one (``early``, or null) made it, ``kept`` (its text field) left where it is and the
     rest of ``parts`` put around it, or a new one of ``parts``. */
  function keptForm(early, kept, parts) {
    if (!early) return el("form", { class: "recur-suggest__form" }, parts);
    Array.prototype.slice.call(early.childNodes).forEach(function (n) { if (n !== kept) early.removeChild(n); });
    var at = parts.indexOf(kept);
    parts.slice(0, at).forEach(function (p) { early.insertBefore(p, kept); });
    parts.slice(at + 1).forEach(function (p) { early.appendChild(p); });
    early.className = "recur-suggest__form";
    early.removeAttribute("method");
    return early;
  }

  function Box(node) {
    this.node = node;
    this.api = apiBase(node.dataset.api || "/api");
    this.maxBody = 64 * 1024;  /* the fallback for an older server, until recur-api.json's max_body says (128 KiB now) */
    this.mode = "probing";  /* probing | api | starting | browser | static | file */
    this.voteWaits = [];  /* the cards' votes' waits (Box.votes), ended with them (Box.clearResults) */
    this.votesOff = false;  /* recur-api.json's "feedback": false: the server takes no votes (Box.discover) */
    this.render();
    this.focusOnLoad();
    this.discover();
  }

  Box.prototype.render = function () {
    var self = this, id = "recur-q-" + Math.random().toString(36).slice(2, 8);
    /* the box the page was sent with (recur.site.generate.EARLY_BOX), shown while this script loaded: its form and
       text field are kept, never taken out of the page, so what was typed, the caret, a phone's keyboard and text
       being composed (an IME's) stay as they were; they were replaced, the text and focus copied over (found in a
       re-read). Without it (a page of another build), the same field is drawn. */
    var early = this.node.querySelector("form.recur-suggest__early");
    this.text = (early && early.querySelector("textarea")) || el("textarea", {
      class: "recur-suggest__input", rows: "5", spellcheck: "false",
      placeholder: "Describe what you see: \u201ccheckout 502s after the deploy, pods restarting\u201d, an alert name, or paste a log line\u2026"
    });
    this.text.id = id;
    this.button = el("button", { type: "submit", class: "md-button md-button--primary recur-suggest__go", text: "Suggest" });
    this.status = el("p", { class: "recur-suggest__status", role: "status", "aria-live": "polite" });
    /* a wait before asking again (Waits, Box.countDown): "Ask now" ends it; its time is said once, here, to a screen
       reader (a live region kept from the first: one added with its text in it may not be read) */
    this.nowButton = el("button", { type: "button", class: "recur-suggest__now", hidden: "", text: "Ask now" });
    /* Data Saver or a link alone on a mobile connection: the model waits for this press (Box.holdsModel) */
    this.loadButton = el("button", { type: "button", class: "recur-suggest__now recur-suggest__load", hidden: "" });
    this.announce = el("span", { class: "recur-suggest__sr", "aria-live": "polite" });
    this.wait = new Waits({ status: this.status, now: this.nowButton, announce: this.announce, back: this.text,
                            say: function (head) { self.say(head, "warn"); } });
    /* hidden while it lists nothing: an empty list was announced ("list, 0 items") before any answer (found in
       review); Box.listed shows it once it holds something */
    this.results = el("ol", { class: "recur-suggest__results", hidden: "" });
    /* what a words' list is, said before it (Box.fallback): it was the list's first item, heard as one of the
       pattern pages and counted with them (found in review) */
    this.caption = el("p", { class: "recur-suggest__caption", hidden: "" });
    /* which text the answer below answers, once the box holds another (Box.staleNote) */
    this.stale = el("p", { class: "recur-suggest__stale", hidden: "" });
    var form = keptForm(early, this.text, [
      el("label", { for: id, class: "recur-suggest__label", text: "Describe what you see" }),
      this.text,
      el("div", { class: "recur-suggest__bar" }, [this.button,
        el("span", { id: id + "-hint", class: "recur-suggest__hint", text: "Ctrl+Enter to send \u00b7 Esc to leave the box" })]),
      this.status, this.nowButton, this.loadButton, this.announce
    ]);
    /* a press while an answer is on its way asks again only when the text changed: a phone has no Ctrl+Enter, and
       a press on an edited text was dropped while the model loaded, its old answer then shown under the new text
       (found in review); a press on the same text is a second press, ignored (Box.busy) */
    form.addEventListener("submit", function (e) { e.preventDefault(); if (!self.isBusy() || self.changed()) self.submit(); });
    this.nowButton.addEventListener("click", function () { self.wait.now(); });
    this.loadButton.addEventListener("click", function () { self.loadModel(); });
    this.text.addEventListener("input", function () { self.edited(); self.staleNote(); });
    this.text.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); self.submit(); }
      /* mkdocs-material's keys (/, s, f: its search; n, p: pages) act only outside text fields: Esc gives
         them back, as leaving the box by Tab does (the text stays) */
      if (e.key === "Escape" && !e.isComposing) self.text.blur();
    });
    var node = this.node;  /* the early box's <noscript> goes, its form stays */
    Array.prototype.slice.call(node.childNodes).forEach(function (n) { if (n !== form) node.removeChild(n); });
    if (!form.parentNode) this.node.appendChild(form);
    this.node.appendChild(this.stale);
    this.node.appendChild(this.caption);
    this.node.appendChild(this.results);
    this.hintDescribes(id + "-hint");
    var q = new URLSearchParams(window.location.search).get("describe");
    if (q) this.text.value = q;
    this.fromUrl = !!(q && q.trim());  /* answered once the mode is known, a static one too */
  };

  /* The model loaded once in this browser (localStorage), by its bundle and size: loaded again (Back to the page,
     the next visit), its files come from the browser's caches, and "30 MB, once" was said each time (found in
     review). A rebuilt site of another size is a download again, said with its size. */
  var LOADED_KEY = "recur-model-loaded";
  function loadedKey(box) { return box.bundle + " " + (box.browserBytes || 0); }
  function loadedBefore(box) {
    try { return window.localStorage.getItem(LOADED_KEY) === loadedKey(box); } catch (e) { return false; }
  }
  function rememberLoaded(box) {
    try { window.localStorage.setItem(LOADED_KEY, loadedKey(box)); } catch (e) { /* said with its size next time */ }
  }

  /* The hint under the box describes it (aria-describedby) where it is shown: on a touch screen recur-suggest.css
     hides it, (pointer: coarse), and a screen reader still read "Ctrl+Enter to send" from it there, keys a phone
     does not have (found in review). The same media query, followed as it changes (a tablet's keyboard). */
  Box.prototype.hintDescribes = function (hintId) {
    var text = this.text, coarse = window.matchMedia ? window.matchMedia("(pointer: coarse)") : null;
    function follow() {
      if (coarse && coarse.matches) text.removeAttribute("aria-describedby");
      else text.setAttribute("aria-describedby", hintId);
    }
    follow();
    if (coarse && coarse.addEventListener) coarse.addEventListener("change", follow);
  };

  /* The list of results is shown when it holds something (a card, a word match, the site search's link). */
  Box.prototype.listed = function () { this.results.hidden = !this.results.firstChild; };

  /* The home page and the Suggest page (data-focus="load") are where someone mid-incident starts: the box
     takes the focus when the page opens (it was 11 Tab presses away; found in review), unless the reader is somewhere already:
     something has focus (mkdocs-material's search, which ?q= opens and focuses before this runs; a click),
     the URL names a place (#fragment), the page answers ?describe= (its results are what to read next), or
     the box is off screen (the page gone back to, scrolled where the reader was). Nothing scrolls for it. */
  Box.prototype.focusOnLoad = function () {
    if (this.node.dataset.focus !== "load" || window.location.hash || this.fromUrl) return;
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    var at = this.text.getBoundingClientRect();
    if (at.bottom <= 0 || at.top >= window.innerHeight) return;
    this.text.focus({ preventScroll: true });
  };

  /* An answer on its way: the button is greyed and aria-disabled, not disabled. A disabled button loses the focus:
     one who pressed Suggest from the keyboard was left on the page's body, the focus ring gone and a screen
     reader's place lost (found in review). A press meanwhile on the text asked is ignored, as when it was disabled;
     a press on a changed text asks it, as Ctrl+Enter does at once (only the newest question is answered). */
  Box.prototype.busy = function (on) {
    if (on) this.button.setAttribute("aria-disabled", "true");
    else this.button.removeAttribute("aria-disabled");
  };

  Box.prototype.isBusy = function () { return this.button.getAttribute("aria-disabled") === "true"; };

  /* the box's text is not the one last asked (Box.submit keeps it as typed) */
  Box.prototype.changed = function () { return this.text.value.trim() !== this.askedText; };

  /* An answer shown under a text it does not answer: the text edited since it was asked (a model's answer arrives a
     minute after the question), or while it is on screen. It was shown under the new text as if it answered it
     (found in review): a line above the answer says which text it answers, and goes once the box holds that text
     again or a new answer comes. Not a live region: the status says it where an answer arrives so (Box.show). */
  var STALE_CHARS = 80;
  Box.prototype.staleNote = function () {
    var shown = this.answered !== undefined && this.results.firstChild, off = shown && this.text.value.trim() !== this.answered;
    this.stale.hidden = !off;
    if (!off) return "";
    var t = Array.from(this.answered.replace(/\s+/g, " "));
    this.stale.textContent = "The answer below is to your earlier text, \u201c" + t.slice(0, STALE_CHARS).join("") +
      (t.length > STALE_CHARS ? "\u2026" : "") + "\u201d, not the text in the box now: Suggest asks that.";
    return " " + this.stale.textContent;
  };

  /* ``code``: the message is the box's own and its `backticked` commands are shown as code (withCode) */
  Box.prototype.say = function (msg, kind, code) {
    if (this.wait) this.wait.quiet();  /* a countdown there (Waits) is over: the status says something else */
    if (code) withCode(this.status, msg);
    else this.status.textContent = msg;
    this.statusText = msg;
    this.statusCode = !!code;
    this.statusKind = kind;  /* said again as it was after a word search's "no known pattern" (wordsVerdict) */
    this.status.className = "recur-suggest__status" + (kind ? " recur-suggest__status--" + kind : "");
  };

  /* The box's waits (Waits): "question", the wait of the question asked (a new question or an edited text ends it:
     Box.submit, Box.edited), or "probe", the box's own, shown only until a question is asked (the question's
     status is the one to show; the probe still runs). Kept apart: a question's wait must not end the probe's,
     which tells when the server is ready. */
  Box.prototype.countDown = function (kind, head, clause, ms, act) {
    this.wait.start(kind, head, clause, ms, act, kind === "question" || !this.asked);
  };

  /* The text changed while its question waited to be asked again: the wait ends (it would ask the text as it
     was; the countdown went on over a text it no longer matched), and the status says how to ask the new one. */
  Box.prototype.edited = function () {
    var w = this.wait.waits.question;
    if (!w) return;
    this.wait.end("question");
    this.waiting = null;
    this.say(w.head + " Not asked again: the text changed. Suggest (Ctrl+Enter) asks it.", "warn");
  };

  /* A wait's status with a newer ``head`` (the server's progress, Box.probe), its count left as it is. */
  Box.prototype.rehead = function (head) {
    var w = this.wait.waits.question;
    if (!w) return;
    w.head = head;
    if (w.shown && this.status.firstChild) this.status.firstChild.nodeValue = head;
  };

  /* "Asking again in 12 s…", "… now…": the clause of a question's wait */
  function askingAgain(s) {
    return "Asking again " + (s ? "in " + s + " s" : "now") + "\u2026";
  }

  /* assets/recur-api.json says whether an API stands behind this copy of the site: the static
     build ships {"api": null}, `recur serve` answers {"api": "/api"}. Asking it first means a
     static host never sees (and the console never logs) a 404 for the API. */
  Box.prototype.discover = function () {
    var self = this;
    if (window.location.protocol === "file:") return this.toFile();
    apiFetch(new URL("assets/recur-api.json", siteRoot()).href).then(function (r) {
      if (r.status === 200 && r.json && r.json.api === null) {
        /* recur serve --token-scope all says why there is no API for a browser (about, with token_scope):
           not "static". The static build's file has an "about" too, a note for whoever opens the file: it
           was shown as that reason (found in review); without token_scope the static message is the one. */
        var why = r.json.token_scope === "all" && typeof r.json.about === "string" ?
          "No suggestion service for this browser (" + r.json.about + "): " + BY_WORDS : undefined;
        if (typeof r.json.browser_bytes === "number") self.browserBytes = r.json.browser_bytes;
        return typeof r.json.browser === "string" ? self.toBrowser(r.json.browser) : self.toStatic(why);
      }
      if (r.status === 200 && r.json && typeof r.json.api === "string") {
        /* only `recur serve` answers this (every build writes {"api": null}): an API stands behind this site,
           so a first /api/healthz that fails is the server restarting, not a static host (Box.probe) */
        self.named = true;
        self.api = apiBase(r.json.api);
        if (typeof r.json.max_body === "number") self.maxBody = r.json.max_body;
        /* recur serve --no-feedback (or a read-only deployment's): no vote buttons, whose every click would fail */
        self.votesOff = r.json.feedback === false;
      }
      self.probe();
    }, function () { self.probe(); });
  };

  Box.prototype.probe = function () {
    var self = this;
    apiFetch(this.api + "/healthz").then(function (r) {
      if (r.status === 200 && r.json && r.json.status === "ok") {
        self.probeFails = 0;
        self.mode = "api";
        self.node.dataset.mode = "api";
        self.say("Suggestions from " + r.json.patterns + " known failure patterns.");
        if (self.text.value.trim()) self.submit();
      } else if (isNotReady(r)) {
        self.probeFails = 0;
        self.mode = "starting";
        self.node.dataset.mode = "starting";
        /* once a question is asked, the status is its own (Box.notReady says the same words); while it waits for
           the server, the build's progress in it is kept current from here (it stood still at the last
           answer to the question; found in review) */
        if (!self.asked) self.say("The suggestion service is starting: " + r.json.error.message, "warn");
        else if (self.waiting) self.waiting(r);
        setTimeout(function () { self.probe(); }, retryMs(r));
      } else if (r.status === 429) {
        /* a proxy's rate limit in front, for now: it read as "no API here" and the box ranked by words until
           the page was reloaded. Asked again after Retry-After (a question meanwhile goes to the API: askApi) */
        self.countDown("probe", "Too many requests from here for now (" + (errorMessage(r) || "HTTP 429") + "):",
                       function (s) { return "the box asks the suggestion service again " + (s ? "in " + s + " s." : "now."); },
                       retryMs(r), function () { self.probe(); });
      } else if (r.status === 401 || r.status === 403) {
        self.refused(r);
      } else if (self.mode === "starting" && failingForNow(r)) {
        self.probeLater(r);
      } else if (self.named && r.status >= 500) {
        self.unreached(r);
      } else {
        self.toStatic();
      }
    }, function () {
      return self.mode === "starting" ? self.probeLater(null) : self.named ? self.unreached(null) : self.toStatic();
    });
  };

  /* recur-api.json named an API (only `recur serve` answers it so) and the first /api/healthz failed: a network
     error or a 5xx, the server restarting between the page and the probe. The box turned to words until the
     page was reloaded; it stays on the API, as after a question that failed for now (Box.failedForNow): a
     question meanwhile is answered by words, said why, and the next one asks the API again. A 404 there (a
     proxy that does not pass /api on), or no API named (a static build), is still a static site. */
  Box.prototype.unreached = function (r) {
    this.mode = "api";
    this.node.dataset.mode = "api";
    this.say("The suggestion service " + failedNow(r) + ": your next question asks it again.", "warn");
    if (this.text.value.trim()) this.submit();
  };

  /* A 401 or 403 on /api/healthz: a login in front of the API that expired, an SSO wall (where recur serve's own token
     guards it, recur-api.json names no API and it is not asked). It read as "no API here": the box
     ranked by words for the whole session without saying why, while the same answer to a question is said
     (Box.failedForNow). It is said, with what to do, and the box stays on the API as after a first probe that
     failed for now (Box.unreached): a question meanwhile is answered by words, and each one asks the API again,
     so a login renewed in another tab recovers without a reload. */
  Box.prototype.refused = function (r) {
    var why = errorMessage(r);
    this.mode = "api";
    this.node.dataset.mode = "api";
    this.say("The suggestion service refused this page (HTTP " + r.status + (why ? ": " + why : "") + ", a login " +
             "in front of it expired?): sign in again, or reload the page. Until then, " + BY_WORDS +
             " Each question asks the service again.", "warn");
    if (this.text.value.trim()) this.submit();
  };

  /* While the server starts (it answered not_ready: there is an API here), a /api/healthz that fails for now (the
     server restarting mid-load, a proxy's 502) turned the box to words until the page was reloaded. It is asked
     again, less often each time (2 s, doubled up to MAX_WAIT): a tab left open on a server gone for good polls
     twice a minute. A first /api/healthz that fails is taken for a static site, unless recur-api.json named an API
     (Box.unreached). */
  Box.prototype.probeLater = function (r) {
    var self = this, ms = Math.min(2000 * Math.pow(2, this.probeFails || 0), MAX_WAIT * 1000);
    this.probeFails = (this.probeFails || 0) + 1;
    this.countDown("probe", "The suggestion service " + failedNow(r) + ":",
                   function (s) { return "the box asks it again " + (s ? "in " + s + " s." : "now."); },
                   ms, function () { self.probe(); });
  };

  Box.prototype.toStatic = function (why) {
    this.mode = "static";
    this.node.dataset.mode = "static";
    this.button.textContent = "Search the site";
    /* for the reader: what they get here and how far to trust it. The how (a site served by `recur serve`, or
       built with its browser model, suggests by meaning) is for whoever runs the site: docs/site.md */
    /* one line on a desktop, two on a phone: the room the status keeps from the page's first paint
       (recur-suggest.css). Its six lines at 320 px pushed the page down by 144 px as the script started; what the
       words' list is, is said over it (Box.fallback's caption: "matched by words, not meaning") */
    this.say(why || "This site cannot suggest by meaning, only by words.", "warn");
    if (this.fromUrl) this.submit();  /* sent here by ?describe= (the header search's "Ask the describe box") */
  };

  /* A page opened from disk (file://): the browser refuses fetch() there, so the model cannot load; asking
     the API would only fetch file:///api/healthz. Say what works instead. A site built with `recur site
     --file-search` has the site search's index as a script (assets/recur-file.js found it: data-recur-file),
     so the box lists the pattern pages by words there, as on a static host without the model. */
  Box.prototype.toFile = function () {
    this.mode = "file";
    this.node.dataset.mode = "file";
    this.byWords = document.documentElement.getAttribute("data-recur-file") === "search";
    this.say("Suggestions need the site served over http(s): opened from disk (file://), the browser does not " +
             "let this page load the suggestion model. " + SERVE + (this.byWords ? " Here, " + BY_WORDS : ""), "warn", true);
    if (this.byWords && this.fromUrl) this.submit();
  };

  /* The browser search bundle: nothing is loaded until the first question (about 30 MB, once). A browser without
     WebAssembly SIMD (RecurQuery.wasmSimd, the loader's check too) downloaded it, failed to compile it, and turned
     to words after all that (found in review): it is told before anything is fetched. */
  Box.prototype.toBrowser = function (bundle) {
    if (typeof WebAssembly !== "object" || typeof DecompressionStream !== "function") {
      return this.toStatic("This browser cannot run the suggestion model (no WebAssembly): " + BY_WORDS);
    }
    if (!window.RecurQuery.wasmSimd()) {
      return this.toStatic("This browser cannot run the suggestion model (no WebAssembly SIMD; a browser from 2023 " +
                           "or later has it): " + BY_WORDS);
    }
    this.mode = "browser";
    this.node.dataset.mode = "browser";
    this.bundle = new URL(bundle, siteRoot()).href;
    if (this.holdsModel(false)) {
      /* one line above the button that loads it (its label says the size): at 320x568 the six lines this said pushed
         "New here?" off a phone's first screen (found in review) */
      this.say("Data Saver is on: answers match by words until you load the model.");
      this.offerLoad();
    } else {
      this.say(firstQuestionLine(this));
    }
    /* a text from the address (?describe=) or the one the browser put back: asked with no press (auto) */
    if (this.text.value.trim()) this.submit(true);
  };

  /* Data Saver and mobile data (found in review): the first Suggest tap downloaded the 31 MB model with no word of
     it, and a link to ?describe= (the header search's "Ask the describe box instead") downloaded it with no tap at
     all. With Data Saver on (navigator.connection.saveData) no question loads it until "Load the model" is
     pressed; on a mobile connection (its type "cellular", where the browser says) a question from the address alone
     does not. Those are answered by words meanwhile. A model this browser has loaded before (its files in its
     caches) is not held; nor is one loading already. Browsers without navigator.connection (Firefox, Safari) load
     as before. */
  function connection() { return navigator.connection || {}; }
  /* the model's size, from the build (recur-api.json browser_bytes): a responder on a phone or a thin link knows what
     the first question costs before asking it */
  function megabytes(bytes) { return (bytes / 1e6).toFixed(0) + " MB"; }
  function modelSize(box) { return box.browserBytes > 0 ? megabytes(box.browserBytes) : "tens of MB"; }
  /* what the box says before the model's first question (Box.toBrowser, and Box.loadModel with nothing to ask) */
  function firstQuestionLine(box) {
    return "Suggestions are ranked in your browser: the first question loads the model" +
           (loadedBefore(box) ? "." : " (" + modelSize(box) + ", once).");
  }
  Box.prototype.holdsModel = function (auto) {
    if (this.modelWanted || this.engineReady || this.loading || loadedBefore(this)) return false;
    return connection().saveData === true || (auto && connection().type === "cellular");
  };
  Box.prototype.loadLabel = function () {
    return "Load the model" + (this.browserBytes > 0 ? " (" + modelSize(this) + ")" : "");
  };
  /* the question answered by words, the model held (Box.holdsModel): said why, with the button that loads it */
  Box.prototype.offerLoad = function () {
    this.loadButton.textContent = this.loadLabel();
    this.loadButton.hidden = false;
  };
  Box.prototype.heldByWords = function (text) {
    this.offerLoad();
    this.say((connection().saveData === true ? "Data Saver is on, so" : "On a mobile connection, for a link alone,") +
             " the suggestion model (" + modelSize(this) + ") was not loaded: " + BY_WORDS + " \u201c" +
             this.loadLabel() + "\u201d ranks it by meaning.", "warn");
    this.fallback(text);
  };
  Box.prototype.loadModel = function () {
    this.modelWanted = true;
    this.loadButton.hidden = true;
    this.button.focus();  /* the button pressed is gone: the keyboard's place is the box's own button (no phone keyboard) */
    if (this.text.value.trim()) this.submit();
    else this.say(firstQuestionLine(this));
  };

  /* A file the box could not have, said as the loader says one (recur-browser-search.js loadError): ``transient``
     for a network error or a 5xx, 408, 429 (the next question tries again), not for a 404. */
  function loadError(url, reason, transient) {
    var e = new Error(url + ": " + reason);
    e.file = new URL(url).pathname.split("/").pop();
    e.reason = reason;
    e.transient = transient;
    return e;
  }
  function getOk(url, init) {
    return fetch(url, init).then(function (r) {
      if (!r.ok) throw loadError(url, "HTTP " + r.status, r.status >= 500 || r.status === 408 || r.status === 429);
      return r;
    }, function () { throw loadError(url, "network error", true); });
  }

  Box.prototype.engine = function () {
    var self = this;
    if (!this.loading) {
      var bundle = this.bundle, over = false;
      /* bundle.json revalidated, the loader asked for by its version: a rebuilt site's box must not run
         the last build's code and index from the browser's cache */
      var manifest = getOk(bundle, { cache: "no-cache" }).then(function (r) { return r.json(); });
      var loader = manifest.then(function (manifest) {
        var url = new URL("recur-browser-search.js", bundle), v = (manifest.versions || {})["recur-browser-search.js"];
        if (v) url.searchParams.set("v", v);
        /* import() fails alike for a network error, a 404 and a 503: the file asked for again tells which
           (one that arrives and still fails to import is broken: not transient) */
        return import(url.href).then(null, function (e) { return getOk(url.href).then(function () { throw e; }); });
      });
      /* The word index first, the model's large files once it is here (or failed): asked for only when the
         words were due (WORDS_WHILE_LOADING_MS), it shared the link with the model's five downloads, and at
         1.5 Mbit/s from a host that sends no-store (the header search's copy not reused) the words came 12 s
         after the question; now 3 s (bench/static_suggest.py --mbit 1.5). Copies the loader kept (Cache API,
         IndexedDB) do not wait. The index is had through the loader too (wordIndex), which keeps it with the
         model by its version in bundle.json: a no-store host sent it again on every visit's first question. */
      var words = loadPatternDocs(function () {  /* asked only when no word index is had yet (not on a retry) */
        return Promise.all([manifest, loader]).then(function (both) {
          return typeof both[1].wordIndex === "function" ? both[1].wordIndex(bundle, both[0]) : null;
        });
      });
      this.loading = Promise.all([manifest, loader]).then(function (both) {
        return both[1].load(bundle, function (done, total) {
          /* one file failed: this load is over (the box has said so, and may be loading again), but the
             others still arrive */
          if (over || self.mode !== "browser") return;
          self.progress(done / Math.max(total, 1));
          /* The status is a live region: it said its 35 words again at every tenth, 13 times in 170 s to a screen
             reader (found in review). It is said once, with the size (Box.submitBrowser); the percentage is the
             bar's and the line beside it (Box.progress), which are not live. Said here only when the size was not
             known before (a build without browser_bytes). */
          if (self.loadingLine) return;
          self.loadingLine = loadingLine(loadedBefore(self) ? 0 : total);
          /* not over a status that is no answer (Box.dropAnswer: the question it loaded for was dropped) */
          if (self.isBusy()) self.say(self.loadingLine + self.meanwhileNote(), "progress");
        }, both[0], window.RecurQuery.prepare, words);
      });
      /* forgotten when it fails: after a passing failure (a network error) the next question loads again */
      this.loading.then(null, function () { over = true; self.loading = null; });
      this.node.recurEngine = this.loading;  /* for tests and bench/static_suggest.py */
    }
    return this.loading;
  };

  Box.prototype.progress = function (fraction) {
    if (!this.bar) {
      this.bar = el("progress", { class: "recur-suggest__progress", max: "1", "aria-label": "Loading the suggestion model" });
      this.pct = el("span", { class: "recur-suggest__pct" });  /* not live: read when the reader goes to it */
      this.status.parentNode.insertBefore(this.pct, this.status.nextSibling);
      this.status.parentNode.insertBefore(this.bar, this.status.nextSibling);
    }
    this.bar.value = fraction;
    this.pct.textContent = Math.floor(100 * fraction) + "% loaded";
    this.bar.hidden = this.pct.hidden = fraction >= 1;
  };

  /* the loading status, said once (the percentage is Box.progress's): with the size when the build said it */
  function loadingLine(bytes) {
    return "Loading the suggestion model" + (bytes > 0 ? " (" + megabytes(bytes) + ", once)" : "") + "\u2026";
  }

  /* The first question waits for the model: 30 MB, at 1.5 Mbit/s nearly 3 minutes (measured in Chromium: 168 s)
     with only a progress bar to read, mid-incident (found in review). When it has not loaded within this
     time, the pattern pages that share the text's words are listed meanwhile (Box.fallback, the site search's
     index: 0.3 MB for the starter KB), and the model's answer replaces them when it arrives. */
  var WORDS_WHILE_LOADING_MS = 2000;

  /* what the list shown while the model loads is (Box.fallback): the pages sharing the text's words, or, none sharing
     enough of them, the closest for comparison only; nothing when nothing is listed */
  Box.prototype.meanwhileNote = function () {
    if (this.meanwhile !== this.asked) return "";
    return (this.meanwhileKnown ? " Meanwhile, below: the pattern pages that share your text\u2019s words " +
      "(matched by words, not meaning)" : " Meanwhile, below, for comparison only: the pattern pages closest to your " +
      "text by its words (none shares enough of them to match it)") + "; the model\u2019s answer replaces them once it has loaded.";
  };

  Box.prototype.submitBrowser = function (text, asked) {
    var self = this;
    this.loadButton.hidden = true;  /* the model is asked for (Box.holdsModel): its button has done its part */
    this.beforeVerdict = null;  /* each question says its own status here (wordsVerdict keeps a failure's) */
    this.busy(true);
    if (!this.engineReady && !this.loadingLine && this.browserBytes > 0) this.loadingLine = loadingLine(loadedBefore(this) ? 0 : this.browserBytes);
    this.say(this.engineReady ? "Looking for matching patterns\u2026" : this.loadingLine || loadingLine(0), "progress");
    if (!this.engineReady) {
      setTimeout(function () {
        if (asked !== self.asked || self.engineReady || self.mode !== "browser" || !self.isBusy()) return;
        self.fallback(text, true);  /* says "Meanwhile, below" once the list is there */
      }, WORDS_WHILE_LOADING_MS);
    }
    this.engine().then(function (engine) {
      if (!self.engineReady) rememberLoaded(self);
      self.engineReady = true;
      self.meanwhile = null;
      if (self.bar) self.bar.hidden = true;
      if (self.pct) self.pct.hidden = true;
      /* the ranking's own time: timed from the question it counted the model's download (173376 ms; review) */
      var t0 = performance.now();
      return engine.answer(text, TOP).then(function (answer) {
        return { answer: answer, ms: Math.round(performance.now() - t0) };
      });
    }).then(function (got) {
      /* shown outside the model's failure handler below: a card that threw (a link to "100%.md") was said to be
         "The suggestion model could not be loaded here (URI malformed)" and turned the model off for the page */
      if (asked !== self.asked) return;  /* a newer question was sent meanwhile: its answer is the one to show */
      self.busy(false);
      var answer = got.answer;
      self.show(text, answer.results, answer.no_known_pattern, got.ms, answer.edge, answer.credible, answer.corrected,
        answer.meant);
    }, function (err) {
      self.meanwhile = null;
      if (asked !== self.asked) return;
      self.busy(false);
      if (self.bar) self.bar.hidden = true;
      if (self.pct) self.pct.hidden = true;
      self.modelFailed(err);
      self.fallback(text);
    });
  };

  /* The model could not be had. A passing failure (err.transient: a network error, a 5xx) keeps the box in
     browser mode: one dropped download turned the model off until the page was reloaded (found in review);
     a lasting one (a 404, no WebAssembly, a file that does not run) turns it to words for good. Said with the
     file and what went wrong, not the browser's bare "Failed to fetch". This question is answered by words. */
  Box.prototype.modelFailed = function (err) {
    var what = err && err.reason ? (err.file ? err.file + ": " : "") + err.reason : String(err && err.message || err);
    if (err && err.transient) {
      return this.say("The suggestion model could not be downloaded (" + what + "); your next question tries " +
                      "again. For this one, " + BY_WORDS, "warn");
    }
    this.toStatic("The suggestion model could not be loaded here (" + what + "): " + BY_WORDS);
  };


  Box.prototype.submit = function (auto) {  /* auto: no press asked it (Box.toBrowser, Box.holdsModel) */
    this.fromUrl = false;
    this.wait.end("question");  /* a question asked again while the server was not ready: this one replaces it */
    this.waiting = null;
    this.wordsWhy = false;
    var text = this.text.value.trim();
    this.askedText = text;  /* what a press meanwhile compares (Box.changed), and what the answer answers */
    /* a log read by its error lines, a long paste condensed, as the server does (a stack trace's root cause
       is at its end), said so */
    var prepared = window.RecurQuery.prepare(text, MAX_CHARS);
    /* no alert nor incident (an AWS SNS subscription confirmation: query.Prepared.not_alert): nothing to search,
       said as the terminal says it; its token, signature and URLs were searched as words and the closest shown */
    if (prepared.not_alert) return this.unanswered("Nothing searched: " + prepared.not_alert + ".");
    /* blank once its colour codes are out too: a paste of "\x1b[0m" alone was sent, searched as "", and
       answered "the knowledge base has no patterns yet"; blank as recur suggest reads it (recur.util.text:
       has_text, recur-query.js's hasText: white space, control characters, U+200B, U+FEFF...), which the
       server refuses: nothing to search */
    if (!text || !window.RecurQuery.hasText(prepared.text)) return this.unanswered("Type or paste what you see first.");
    /* Slack's markup alone (a mention, <!here>, :fire:: RecurQuery.unsearched, what is ranked being blank) has nothing
       to search, said as recur suggest, MCP and Slack say it: it was ranked as nothing and answered "the knowledge
       base has no patterns yet" with a record line for it (found in a re-read) */
    var nothing = window.RecurQuery.unsearched(prepared);
    if (nothing) return this.unanswered("Nothing searched: " + nothing + ".");
    var condensed = window.RecurQuery.note(prepared, OTHER_ALERTS);
    var chars = Array.from(prepared.text);
    var kept = chars.length;
    if (this.mode === "api" || this.mode === "starting") kept = fitBody(chars, kept, this.maxBody);
    this.indexSaid = "";  /* the API's answer says it again (askApi); a ranker in the browser has no `stale` */
    this.readNote = (condensed ? " " + condensed.charAt(0).toUpperCase() + condensed.slice(1) + "." : "") +
      (kept < chars.length ? " Only the first " + kept.toLocaleString("en-US") + " characters of " +
       /* "that": the text as the note says it was condensed; a note that cut nothing (the non-Latin one) */
       (condensed && prepared.text !== text ? "that" : "your text") + " were read (it has " + chars.length.toLocaleString("en-US") + ")." : "");
    text = kept < chars.length || condensed ? chars.slice(0, kept).join("") : text;
    /* Ctrl+Enter sends while an answer is still on its way (the button is busy, the keys are not): only
       the newest question's answer is shown, or a slower earlier one (a long log) replaced it on arrival */
    var asked = this.asked = (this.asked || 0) + 1;
    this.askedAt = window.scrollY;  /* the answer scrolls into view only if the reader has not moved (Box.bringUp) */
    if (this.mode === "file") return this.byWords ? this.fallback(text) : this.toFile();
    if (this.mode === "static") return this.fallback(text);
    if (this.mode === "browser") return this.holdsModel(auto === true) ? this.heldByWords(text) : this.submitBrowser(text, asked);
    this.askApi(text, asked, 0);
  };

  /* A text the box asks nothing for (Nothing searched: Slack's markup alone, an SNS confirmation; a blank text): said,
     the last answer's cards taken away (Box.dropAnswer), the focus back in the box to type the question. */
  Box.prototype.unanswered = function (msg) {
    this.dropAnswer(msg, "warn");
    this.text.focus();
  };

  /* A status that is no answer to the question asked (Box.unanswered; the API's error, a server that stayed not
     ready: Box.askApi, Box.notReady): the last answer's cards go (Box.clearResults), and an answer still on its
     way to an earlier question is not shown (Box.asked moves on; it is no longer busy). The cards stayed under
     "Nothing searched: …", read as this question's answer, and a model's answer to the question before, arriving
     later, was shown under it (found in a review). */
  Box.prototype.dropAnswer = function (msg, kind) {
    this.asked = (this.asked || 0) + 1;
    this.busy(false);
    this.meanwhile = null;
    this.beforeVerdict = null;
    var focused = this.clearResults();
    delete this.node.dataset.noKnownPattern;  /* no verdict said */
    this.say(msg, kind);
    this.refocus(focused);
  };

  /* The API's answer to ``text`` (``tries``: how many times the server said not_ready to it so far). Asked
     while the box is "starting" too: the server says how far it is, in its own words (Box.notReady). */
  Box.prototype.askApi = function (text, asked, tries) {
    var self = this;
    this.busy(true);
    if (!tries) this.say("Looking for matching patterns\u2026");
    apiFetch(this.api + "/suggest", { text: text, top: TOP }).then(function (r) {
      if (asked !== self.asked) return;
      self.busy(false);
      self.waiting = null;
      if (r.status === 200 && r.json && Array.isArray(r.json.results)) {
        /* the served index older than the KB: said in the API's words to a person (mcp_text.stale_said), which
           Slack's reply says too; a hand copy of them here had to be kept in step (found in review) */
        var stale = r.json.stale;
        self.indexSaid = stale && typeof stale.message === "string" && stale.message ? " " + stale.message : "";
        return self.show(text, r.json.results, r.json.no_known_pattern, 0, null, r.json.credible, r.json.corrected, r.json.meant);
      }
      if (r.status === 429) return self.limited(r, text, asked, tries);
      /* asked again, or, its tries spent, the server's last word said */
      if (retries(r) && (tries < retries(r) || (r.json && r.json.error))) return self.notReady(r, text, asked, tries);
      if (r.json && r.json.error) return self.dropAnswer(r.json.error.message, "error");
      if (failingForNow(r)) return self.failedForNow(r, text);
      /* A 4xx that is not the API's JSON came from something in front of it (recur serve's own 404 and 405 are
         JSON, said above). A 404 or 405 there means /api/suggest is not passed on at this address (/api/healthz
         answered): every question would meet it until the proxy is changed, so the box turns to words, naming
         the status (it said the site was static). Another 4xx (a 401/403 of an expired proxy login, a 408, a
         proxy's 413 body limit) depends on the moment or on this question: said, answered by words, and the
         next question asks the API again (it turned the box to words until the page was reloaded). */
      if (r.status === 404 || r.status === 405) {
        self.toStatic("No suggestion service at " + self.api + "/suggest (HTTP " + r.status + ", not an answer of " +
                      "the suggestion service: a proxy in front does not pass it on): " + BY_WORDS);
      } else if (r.status >= 400 && r.status < 500) {
        return self.failedForNow(r, text);
      } else {
        self.toStatic();
      }
      self.fallback(text);
    }, function () {
      if (asked !== self.asked) return;
      self.busy(false);
      self.failedForNow(null, text);
    });
  };

  /* The API failed this question for now (failingForNow: a network error, a proxy's 502/504 page; or a proxy's 4xx
     page other than 404/405, Box.askApi). It turned the
     box to words until the page was reloaded (found in review), while a responder keeps the tab open for hours:
     this question is answered by words, said why, and the box stays on the API, so the next question asks it
     again and has the model's answers once the server is back. */
  Box.prototype.failedForNow = function (r, text) {
    this.say("The suggestion service " + failedNow(r) + ": your next question asks it again. For this one, " + BY_WORDS, "warn");
    this.beforeVerdict = null;
    this.wordsWhy = true;  /* said again after a "no known pattern" verdict (wordsVerdict) */
    this.fallback(text);
  };

  /* The server cannot answer the question yet (not_ready, overloaded, shutting_down: retries): its message (as
     text), and the question asked again after Retry-After, as many times as retries says; then the box says to
     ask again, or, while it is starting (Box.probe asks it again once the server is ready), that it will. A
     new question cancels the wait (Box.submit); the button stays enabled meanwhile. Waiting for the server
     to be ready, the status keeps the build's progress as Box.probe hears it (Box.waiting). */
  Box.prototype.notReady = function (r, text, asked, tries) {
    var self = this, last = tries >= retries(r);
    function line(answer) {
      return unavailable(answer) + ". Asked " + (tries + 1) + " times: " + (self.mode === "starting" && isNotReady(answer) ?
        "the box asks again once it is ready." : "ask again in a moment.");
    }
    if (isNotReady(r)) {
      this.waiting = last ? function (answer) { self.say(line(answer), "warn"); } :
        function (answer) { self.rehead(unavailable(answer) + "."); };
    }
    if (last) return this.dropAnswer(line(r), "warn");
    this.countDown("question", unavailable(r) + ".", askingAgain, retryMs(r), function () {
      if (asked === self.asked) self.askApi(text, asked, tries + 1);
    });
  };

  /* 429: too many questions from this address (a proxy's rate limit in front; recur serve limits only votes). It
     showed its message at once, as a failure, and a message without JSON turned the box to words for good. A
     short Retry-After (up to MAX_WAIT, as a 503's) is waited for and the question asked again once, so a
     responder mid-incident need not ask again; a longer one, none, or a second 429 says when to ask again, and
     this question is answered by words meanwhile; the box stays on the API for the next one. */
  Box.prototype.limited = function (r, text, asked, tries) {
    var self = this, s = retrySeconds(r), why = errorMessage(r) || "HTTP 429";
    var line = "Too many questions from here for now (" + why + ")";
    if (s !== null && s <= MAX_WAIT && this.limitedAsk !== asked) {
      this.limitedAsk = asked;  /* asked again once */
      this.countDown("question", line + ".", askingAgain, Math.max(s, 1) * 1000, function () {
        if (asked === self.asked) self.askApi(text, asked, tries);
      });
      return;
    }
    this.say(line + ": ask again " + inTime(s) + ". Meanwhile, " + BY_WORDS, "warn");
    this.beforeVerdict = null;
    this.wordsWhy = true;  /* said again after a "no known pattern" verdict (wordsVerdict) */
    this.fallback(text);
  };

  /* The site search's index (search/search_index.json) as pattern documents, fetched once per page on
     the first fallback; rejected (and asked again next time) when the site has none. Retired patterns'
     pages are left out by the list the build writes beside them (patterns/retired.json); a site built
     before that list has none, and leaves nothing out, as before. ``kept``: a function called for a promise of the index as the browser
     bundle's loader keeps it (wordIndex: in browser mode, Box.engine); fetched as above when it gives none or fails
     (bundle.json unreachable, a site built before bundle.json named the index). */
  var patternIndex = null;
  function loadPatternDocs(kept) {
    if (!patternIndex && window.location.protocol === "file:") patternIndex = fileDocs(siteRoot());
    if (!patternIndex) {
      var root = siteRoot();
      var index = (kept ? kept() : Promise.resolve(null)).then(null, function () { return null; }).then(function (json) {
        return json || fetch(new URL("search/search_index.json", root).href).then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        });
      });
      var retired = fetch(new URL("patterns/retired.json", root).href).then(function (r) {
        return r.ok ? r.json() : {};
      }).then(function (j) { return Array.isArray(j && j.retired) ? j.retired : []; }, function () { return []; });
      patternIndex = Promise.all([index, retired]).then(function (both) { return patternDocs(both[0], root, both[1]); });
      patternIndex.then(null, function () { patternIndex = null; });
    }
    return patternIndex;
  }

  /* The same from disk (file://, a `recur site --file-search` build: recur.site.file_search), where fetch() is
     refused: the index and the retired list as scripts, which set globals (material may have loaded the
     index already for the header search). */
  function fileDocs(root) {
    function script(path, name) {
      if (window[name] !== undefined) return Promise.resolve(window[name]);
      return new Promise(function (resolve, reject) {
        var tag = el("script", { src: new URL(path, root).href });
        tag.onload = function () { tag.remove(); resolve(window[name]); };
        tag.onerror = function () { tag.remove(); reject(new Error(path + ": not found")); };
        document.head.appendChild(tag);
      });
    }
    var retired = script("patterns/retired.js", "__recur_retired").then(null, function () { return []; });
    var docs = Promise.all([script("search/search_index.js", "__index"), retired]).then(function (both) {
      if (!both[0] || !Array.isArray(both[0].docs)) throw new Error("search/search_index.js: no index");
      return patternDocs(both[0], root, Array.isArray(both[1]) ? both[1] : []);
    });
    docs.then(null, function () { patternIndex = null; });
    return docs;
  }

  /* No model to rank by meaning: the pattern pages that share the text's most telling words, ranked
     here from the site search's index (mkdocs-material's own search ranked every page, incidents too,
     read "word:" as a field, and put a BGP page first for a CrashLoopBackOff; found in review), and a
     link to the whole site's search with the cleaned-up words. When none of them shares enough of the
     text (wordsMatch), the box says no known pattern matches and what to do next, as the API's
     no_known_pattern answer does (Box.show), the closest pages listed for comparison only: it listed a page
     that shared one everyday word as the answer, or opened the site search with nothing said (found in
     review). Without that index the site search opens with the words, as before, unless ``meanwhile`` (the
     model is still loading: Box.submitBrowser), when the model's answer is still to come. */
  Box.prototype.fallback = function (text, meanwhile) {
    var self = this, q = searchQuery(text), asked = this.asked, focused = this.clearResults();
    var link = el("a", { href: searchUrl(q), class: "recur-suggest__search-link", text: "Search the whole site for \u201c" + q + "\u201d" });
    link.addEventListener("click", function (e) { if (openSiteSearch(q)) e.preventDefault(); });
    var more = el("li", { class: "recur-suggest__fallback" }, [link]);
    loadPatternDocs().then(function (docs) {
      if (asked !== self.asked) return;
      /* the list shown while the model loads is said once it is here: "Meanwhile, below" was said 2 s after the
         question, the list there 4.7 s after it on a slow link (found in review) */
      if (meanwhile && (self.engineReady || self.mode !== "browser" || !self.isBusy())) return;  /* the model's came first */
      self.answered = self.askedText;
      var found = rankPatterns(docs, text), corrected = [];
      var known = found.some(function (r) { return wordsMatch(r, found.words); });
      var read = known ? null : readByWords(docs, text);
      if (read) { found = read.found; known = true; corrected = read.corrected; }
      /* While the model loads, the words' list is no verdict: the model's answer, said once it has loaded, is. The
         box said "No known pattern matches this" and its next steps here, then the model's verdict said them again,
         and "Meanwhile, below: the pattern pages..." with nothing listed below (found in review). The status says
         "Meanwhile" only over a list, what that list is; with none, the loading line stands, not said again. */
      if (meanwhile) {
        self.meanwhile = found.length ? asked : null;
        self.meanwhileKnown = known;
        if (found.length) self.say((self.loadingLine || "Loading the suggestion model\u2026") + self.meanwhileNote(), "progress");
      } else {
        self.wordsVerdict(known, found.length > 0);
      }
      /* the reading said as the ranker's answer says it (typoNote), before the list it made */
      if (found.length) {
        self.caption.textContent = known ? typoNote(corrected).slice(1) + (corrected.length ? " " : "") + "Pattern " +
          "pages with the most of your text\u2019s telling words, most first (matched by words, not meaning):" :
          "The closest pattern pages, for comparison only (matched by words, not meaning):";
        self.caption.hidden = false;
      }
      found.forEach(function (r) { self.results.appendChild(self.wordMatch(r)); });
      self.results.appendChild(more);
      self.listed();
      self.staleNote();
      self.refocus(focused);
    }, function () {
      if (asked !== self.asked) return;
      self.results.appendChild(more);
      self.listed();
      if (meanwhile) return;
      if (!openSiteSearch(q)) window.location.href = searchUrl(q);
    });
  };

  /* The status for a word search's answer: "No known pattern matches this" and the next steps, worded as for
     the API's no_known_pattern (Box.show) and marked alike (data-no-known-pattern); after a match, the status
     the box had before that verdict (why it answers by words) comes back. */
  Box.prototype.wordsVerdict = function (known, any) {
    this.node.dataset.noKnownPattern = known ? "false" : "true";
    if (known) {
      if (this.beforeVerdict) this.say(this.beforeVerdict[0], this.beforeVerdict[1], this.beforeVerdict[2]);
      this.beforeVerdict = null;
      return;
    }
    if (!this.beforeVerdict) this.beforeVerdict = [this.statusCode ? this.statusText : this.status.textContent, this.statusKind, this.statusCode];
    /* a model that failed for now (Box.modelFailed: the next question loads it again), a rate limit
       (Box.limited: when to ask again) or an API that failed for now (Box.failedForNow) stays said after it */
    var why = this.mode === "browser" || this.wordsWhy ? " " + this.beforeVerdict[0] : "";
    this.say("No known pattern matches this: no pattern page shares telling words with your text (matched by " +
             "words, not meaning)." + (this.readNote || sayMore(this.askedText)) + " " + nextSteps(this.askedText, NEW_LEAD) + why + (any ? " The closest pattern pages, for comparison only:" : ""), "warn", true);
  };

  Box.prototype.wordMatch = function (r) {
    var id = r.doc.url.replace(/(\.html|\/)$/, "").split("/").pop();
    return el("li", { class: "recur-suggest__fallback recur-suggest__words", "data-pattern": id }, [
      el("a", { href: r.doc.url, class: "recur-suggest__title", text: r.doc.title || id }), " ",
      labelledBadge("category", r.doc.category),  /* as a card's: a bare "capacity" said nothing of what it is */
      el("span", { class: "recur-suggest__found", text: " \u2014 words found: " + r.found.slice(0, 6).join(", ") })
    ]);
  };

  /* ranker.edge: the browser's int8 model within a few hundredths of a cut-off (or of its second result), where
     Recur's full model (recur suggest, the API) may say otherwise ("latency": low there, medium here). Said as
     what it is near and what to do: "Borderline: the server may rank these differently; check both" named no
     server a static host may have and no two patterns to check (found using the box as a responder). Browser
     mode only: the API's answer is the full model's own. */
  /* named as the reader meets it: "Recur's full model (recur suggest)" named a command, not what it means to them */
  var FULL = "the full model (what the suggestion service runs; this box runs a smaller copy of it in your browser)";
  function borderlineNote(edge, results) {
    if (!edge) return "";
    var best = results.filter(function (r) { return r.probability === edge.p; })[0];
    var who = best ? best.title + " (#" + best.rank + ", " + percent(edge.p) + ")" : percent(edge.p);
    if (edge.near === "tie") {
      return " Borderline: the best two are rated about as likely right (" + percent(edge.p) + " and " + percent(edge.q) +
        "): " + FULL + " may put them the other way round; read both cards.";
    }
    var over = edge.p >= edge.at;
    var said = {
      verdict: over ? "may find no known pattern; check this one fits before you act on it"
                    : "may call it a match; compare it before you record a new pattern",
      medium: over ? "may rate it low; check it fits before you follow its steps"
                   : "may rate it medium: its steps are open anyway",
      high: over ? "may rate it medium" : "may rate it high"
    }[edge.near];
    var cut = { verdict: "no-known-pattern", medium: "medium", high: "high" }[edge.near];
    return " Borderline: " + who + " is near the " + cut + " cut-off (" + percent(edge.at) + "); " + FULL + " " + said + ".";
  }

  /* A low result near the medium cut-off (within the borderline band under it), where the full model may rate it
     medium: its steps are shown, not folded away as a low result's are (the box said "borderline" and hid the
     very steps a medium card shows: 38% here, medium 40% from the API). Browser mode only. */
  function nearMedium(edge, r) {
    return Boolean(edge) && r.confidence === "low" && typeof r.probability === "number" &&
      r.probability >= edge.medium_at - edge.band - 1e-9;
  }

  /* The cards go (a new answer, a word search's), and a vote of theirs waiting to be sent again (Waits) with them:
     it was sent when its countdown ended, its card replaced, nothing on screen saying so (found in review). */
  Box.prototype.clearResults = function () {
    var focused = this.results.contains(document.activeElement);  /* Box.refocus: where it goes */
    this.voteWaits.forEach(function (wait) { wait.end("vote"); });
    this.voteWaits = [];
    this.results.textContent = "";
    this.caption.textContent = "";
    this.caption.hidden = true;
    this.listed();
    this.stale.hidden = true;
    return focused;
  };

  /* What the answer says of the typos it read as the KB's words (Answer.corrected, the API's and the browser
     ranker's), in the words of query_note (results.typo_note): " Read 'memroy' as 'memory' (…)." or "" */
  function typoNote(corrected) {
    if (!Array.isArray(corrected) || !corrected.length) return "";
    var said = corrected.map(function (c) { return "'" + c.word + "' as '" + c.read_as + "'"; });
    var listed = said.length === 1 ? said[0] : said.slice(0, -1).join(", ") + " and " + said[said.length - 1];
    return " Read " + listed + " (" + (said.length === 1 ? "a word" : "words") +
      " the knowledge base does not have, read as the nearest it has).";
  }

  /* credible: the answer's count of medium or high results, shown or not (Answer.credible; the browser ranker's);
     corrected: the typos read as the KB's words (Answer.corrected), said with what was read of the text;
     meant: the one pattern id the text is a typo of (Answer.meant, the API's and the browser ranker's meantIds) */
  Box.prototype.show = function (query, results, noKnown, ms, edge, credible, corrected, meant) {
    var self = this, focused = this.clearResults();
    this.answered = this.askedText;
    this.node.dataset.noKnownPattern = noKnown ? "true" : "false";
    this.beforeVerdict = null;  /* a word search's verdict (wordsVerdict) is over: this answer's status is its own */
    this.pathOf = {};  /* look-alikes are other results: link them by their paths */
    results.forEach(function (r) { self.pathOf[r.id] = r.path; });
    var where = this.mode === "browser" ? " (ranked in your browser" + (ms ? ", " + duration(ms) : "") + ")" : "";
    edge = this.mode === "browser" && edge ? edge : null;
    var note = borderlineNote(edge, results);
    var cut = (this.readNote || "") + typoNote(corrected) + (this.indexSaid || "");
    if (!results.length) {  /* nothing to rank: the knowledge base has no patterns yet */
      this.say("No known pattern matches this: the knowledge base has no patterns yet. " + nextSteps(this.askedText, NEW_LEAD) + cut, "warn", true);
      this.refocus(focused);
      return;
    }
    results.forEach(function (r) { self.results.appendChild(self.card(query, r, nearMedium(edge, r))); });
    this.listed();
    var stale = this.staleNote();
    if (noKnown && notAFailure(query, results)) {
      var closest = " The closest patterns, for comparison only" + where + ":" + note + stale;
      /* only where the site lists paths (site/generate.describe_box's data-paths): its paths page may list none.
         Said before the closest patterns, as the terminal says it: after their colon it read "for comparison
         only: New to on-call? The onboarding paths …", the paths taken for the list it announced. */
      /* what a question is told comes first, then the incident's reading: "If it is an incident, record it" was
         all a newcomer asking "how do I get VPN access" was told (found in a new hire's review) */
      var rest = " " + nextSteps(this.askedText, INCIDENT_LEAD) + closest;
      this.say(NOTHING_ABOUT_IT + cut, "warn", true);
      this.questionHelp(NEWCOMER.test(query) && this.node.hasAttribute("data-paths"));
      withCode(this.status, rest, true);
      this.statusText += rest;
    } else if (noKnown) {
      var more = this.readNote ? "" : sayMore(query, meant);  /* a text of few words: say more, then record it */
      this.say("No known pattern matches this." + cut + more + " " + nextSteps(this.askedText, NEW_LEAD) + " The closest patterns, for comparison only" + where + ":" + note + stale, "warn", true);
    } else {
      this.say(checkBothFirst(results) + matchLine(results, credible) + where + "." + cut + checkBoth(results) + note + stale);
    }
    this.sayMeant(meant);
    this.refocus(focused);
    this.bringUp();
  };

  /* "disk-ful" asked: the answer's meant (["disk-full"]) came from /api/suggest and the box showed nothing of it,
     where the terminal says "Did you mean disk-full?" (found in review). Said first in the status, a link to the
     pattern's page (its path from the results, else the site search for the id, which finds it first). */
  Box.prototype.sayMeant = function (meant) {
    if (!Array.isArray(meant) || meant.length !== 1 || typeof meant[0] !== "string") return;
    var id = meant[0], path = this.pathOf[id];
    var href = path ? patternUrl(this.node, { id: id, path: path }) : searchUrl(id);
    var line = el("span", { class: "recur-suggest__meant" }, [document.createTextNode("Did you mean "),
      el("a", { href: href, text: id }), document.createTextNode("? ")]);
    this.status.insertBefore(line, this.status.firstChild);
  };

  /* After "Nothing in the knowledge base is about this": what a question that is no incident is told, before the
     incident's reading. A newcomer's question (``newcomer``, on a site with paths): the onboarding paths page
     (site/context.PATHS), as `recur paths` is in the terminal's answer. Any other ("how do I get VPN access"): the
     box knows failure patterns only, whom to ask, and where a new hire starts: the paths, where the site lists
     some (data-paths), and the glossary (site/context.GLOSSARY, on every site Recur builds). */
  Box.prototype.questionHelp = function (newcomer) {
    var self = this, html = urlStyle(this.node) === "html", listed = this.node.hasAttribute("data-paths");
    function link(path, cls, text) {
      return el("a", { href: new URL(path, siteRoot()).href, class: cls, text: text });
    }
    var glossary = link(html ? "glossary.html" : "glossary/", "recur-suggest__glossary", "the glossary");
    var paths = link(html ? "paths/index.html" : "paths/", "recur-suggest__paths",
                     newcomer ? "The onboarding paths" : "the onboarding paths");
    var words = " (what this site\u2019s words mean) ";
    var parts = newcomer
      ? [" New to on-call? ", paths, " list the patterns to read first, in order, and ", glossary,
         " says what this site\u2019s words mean."]
      : [" " + QUESTION_HELP.replace("{who}", "this box") + "; "].concat(
          listed ? [paths, " and ", glossary, words + "are"] : [glossary, words + "is"], [" where a new hire starts."]);
    parts.forEach(function (p) { self.status.appendChild(typeof p === "string" ? document.createTextNode(p) : p); });
    this.statusText += parts.map(function (p) { return typeof p === "string" ? p : p.textContent; }).join("");
  };

  /* "850 ms", "2.4 s": a time as a reader takes it in (173376 ms was said; found in review) */
  function duration(ms) {
    return ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + " s";
  }

  /* The answer replaced the list that had the keyboard's focus (a word-match link of the list shown while the model
     loaded): the focus fell to the page's body, and a screen reader's place with it (found in review). It goes to
     the first result's title, or the status when there is none. ``focused``: whether the list had it (clearResults). */
  Box.prototype.refocus = function (focused) {
    if (!focused || this.node.contains(document.activeElement)) return;
    var title = this.results.querySelector(".recur-suggest__title");
    if (title) return title.focus();
    this.status.setAttribute("tabindex", "-1");
    this.status.focus();
  };

  /* On a phone (390x844) the answer began below the text box: the first card's first step (what a responder acts
     on) was under the fold, and nothing said to scroll. The page scrolls as little as brings it into view (a low
     card's: its folded steps' summary), never the status, which says what the list is (the no known pattern
     notice), up under mkdocs-material's sticky header; not when the reader has scrolled since asking (a model's
     answer that arrives a minute later must not take them from where they read). */
  Box.prototype.bringUp = function () {
    var card = this.results.querySelector(".recur-suggest__card");
    if (!card || window.scrollY !== this.askedAt) return;
    var step = card.querySelector(".recur-suggest__steps > li");
    var target = step && step.getClientRects().length ? step : card.querySelector("summary") || card.firstChild;
    var below = target.getBoundingClientRect().bottom + 8 - window.innerHeight;
    if (below <= 0) return;
    var header = document.querySelector(".md-header"), top = 0;
    if (header && /^(sticky|fixed)$/.test(getComputedStyle(header).position)) top = header.getBoundingClientRect().bottom;
    window.scrollBy(0, Math.max(0, Math.min(below, this.status.getBoundingClientRect().top - top - 8)));
  };

  /* What matches, counted by confidence: "5 patterns match" over one at 98% and four near 1% claimed
     four matches the cards called low (found in review). "In ranked order", not "best first": the
     percentages down the list need not fall (results.match_line says why). ``credible``: the answer's count of
     medium or high results ranked, shown or not (Answer.credible, the browser ranker's answer alike): those the
     box's fixed number of cards leaves out are said, "(1 not shown)", as the terminal and MCP say them; the box
     has no way to ask for more, so none is offered (as in Slack). In ranked order: low results ranked above the
     first of medium or high are said first, "1 pattern of low confidence ranked first, for comparison, then …"
     (it said "1 pattern matches …, then 1 more of low confidence" over a low #1; found in review); a low result
     ranked between two of medium or high is counted with no "then", "…, and 1 of low confidence for comparison". */
  function matchLine(results, credible) {
    var fits = function (r) { return r.confidence === "high" || r.confidence === "medium"; };
    var shown = results.filter(fits).length;
    var lead = results.findIndex(fits);
    if (lead < 0) lead = results.length;
    var rest = results.length - shown - lead;
    var total = Math.max(shown, typeof credible === "number" ? credible : 0);
    if (!total) return "Possible matches, all of low confidence, in ranked order";
    var line = total + (total > 1 ? " patterns match" : " pattern matches") + " with medium or high confidence";
    if (total > shown) line += " (" + (total - shown) + " not shown)";
    if (lead) line = lead + (lead > 1 ? " patterns" : " pattern") + " of low confidence ranked first, for comparison, then " + line;
    var last = -1;
    results.forEach(function (r, i) { if (fits(r)) last = i; });
    var between = last - lead + 1 - shown;  /* low results ranked between the first of medium or high and the last */
    var said = between ? ", and " + rest + (lead ? " more" : "") : ", then " + rest + " more";
    return line + (rest ? said + " of low confidence for comparison" : "") + ", in ranked order";
  }

  /* results.check_both (with results.likelier): the ranking and a result's probability can disagree
     ("latency": #1 at 27%, #3 at 40%); "best first" over a higher percentage further down read as a
     mistake. Said as the terminal, MCP and Slack say it, naming the pattern by its title as the cards do: after
     the count when the first is of medium or high confidence; over a low first, checkBothFirst leads with it. */
  function checkBoth(results) {
    var rated = ratedLikelier(results);
    return rated && results[0].confidence !== "low" ? " " + rated + ": check both." : "";
  }

  /* results.check_both_first: over a first result of low confidence, the "check both" leads the status, on a line
     of its own (the status keeps its line breaks: recur-suggest.css), the count under it, as every surface opens
     (results.opening): at the end of the count it came after some 250 characters of counting (found in a
     responder's review of the terminal; the box said it last too, found in a re-read). "" otherwise. */
  function checkBothFirst(results) {
    var rated = ratedLikelier(results);
    if (!rated || results[0].confidence !== "low") return "";
    return "Check both: the first result, " + results[0].title + ", is of low confidence; " + rated + ".\n";
  }

  /* "TITLE (#K) is rated more likely right (P% against Q%)" (results.check_both's, less ": check both"), or "" */
  function ratedLikelier(results) {
    if (results.some(function (r) { return typeof r.probability !== "number"; })) return "";
    var k = 0;
    results.forEach(function (r, i) { if (r.probability > results[k].probability) k = i; });
    if (!k || percent(results[k].probability) === percent(results[0].probability)) return "";
    return results[k].title + " (#" + (k + 1) + ") is rated more likely right (" + percent(results[k].probability) +
      " against " + percent(results[0].probability) + ")";
  }

  /* results.percent: whole percents rounded down (so 0.795, medium, is not "80%"), never 0% or 100% */
  function percent(p) {
    return p >= 0.995 ? ">99%" : p < 0.005 ? "<1%" : Math.max(1, Math.floor(p * 100 + 1e-9)) + "%";
  }

  /* results.confidence_text, in the words the terminal, MCP and Slack use: the badge said "low match · 7%",
     and a responder could not tell what the 7% was of (the chance this result is a right answer). A KB too
     small to calibrate (probability null) has a rule's confidence, said so. */
  function confidenceText(r) {
    if (typeof r.probability !== "number") return r.confidence + " confidence by rule: too few patterns to estimate";
    return r.confidence + " confidence (" + percent(r.probability) + " likely right)";
  }

  /* A card's first steps each get a pattern page's Copy button (recur.js: window.RecurCopy, its look, name and
     spoken "Step 1 of ... copied"): a responder mid-incident copies the first step's command from here. A page
     that loads the box without recur.js shows the steps without them. */
  function copyButtons(list, title) {
    if (!window.RecurCopy) return list;
    list.classList.add("recur-runbook-steps");
    Array.prototype.forEach.call(list.children, function (li, n) { li.appendChild(window.RecurCopy.stepButton(li, n + 1, title)); });
    return list;
  }

  /* A card's "Copy all steps" (recur.js: the pattern page's button): the whole runbook the result carries, not the
     three steps shown, numbered under the pattern's title and its page's address, for one paste into the incident
     channel. Each step as its Copy button copies it (its text as the card shows it: `code` without the backticks,
     no ** markup). Shown for one step too: the step's own Copy has no title or link. */
  function copyAllButton(r, url) {
    if (!window.RecurCopy || !window.RecurCopy.allButton) return null;
    var steps = (r.runbook || []).map(function (s) { return inline(s).textContent.trim(); });  /* a link: its text */
    return window.RecurCopy.allButton(r.title, url, function () { return steps; }, r.title);
  }

  /* A badge a screen reader hears with what it is ("severity: sev2 · Major"): the badges were read as one run,
     "high confidence (88% likely right) sev2 capacity", a bare key and a word with nothing saying which is which
     (found in review). The label is for a screen reader only; the badge looks as before. */
  function labelledBadge(label, text) {
    /* recur.css's .recur-sr (one rule with .recur-suggest__sr, which names the box's spoken waits) */
    return el("span", { class: "recur-badge" }, [el("span", { class: "recur-sr", text: label + ": " }), text]);
  }

  /* A card is a section under the box's page heading: its title an h2, its parts ("Why it matched", "First
     steps") h3s, so a screen reader mid-incident goes card to card by heading (its H key): the title was a plain
     link and the parts paragraphs (found in review). recur-suggest.css keeps their look as it was. */
  Box.prototype.card = function (query, r, near) {
    var self = this;
    var href = function (target) { return mdHref(self.node, r, target); };  /* its text's links, as its page has them */
    var title = el("a", { href: patternUrl(this.node, r), class: "recur-suggest__title", text: r.title });
    /* a severity as the rest of the site shows it, "sev2 · Major" (the result's severity_name; a key severity.yml
       does not name, or an older server's answer without it, as it is) */
    var severity = r.severity_name ? r.severity + " \u00b7 " + r.severity_name : r.severity;
    var badges = el("span", { class: "recur-suggest__badges" }, [
      el("span", { class: "recur-badge recur-badge--" + r.confidence, text: confidenceText(r) }),
      labelledBadge("severity", severity),
      labelledBadge("category", r.category),
      r.draft ? el("span", { class: "recur-badge recur-badge--draft",
                             text: r.import_draft ? "draft: imported, not yet reviewed" : "draft" }) : null
    ]);
    var li = el("li", { class: "recur-suggest__card", "data-pattern": r.id }, [
      el("div", { class: "recur-suggest__head" }, [el("h2", { class: "recur-suggest__name" }, [title]), badges])
    ]);
    if (r.summary) li.appendChild(el("p", { class: "recur-suggest__summary", text: r.summary }));
    var why = (r.why || []).slice(0, WHY);
    if (why.length) {
      li.appendChild(el("h3", { class: "recur-suggest__h", text: "Why it matched" }));
      li.appendChild(el("ul", { class: "recur-suggest__why" }, why.map(function (w) {
        /* close in meaning, not found in the text: said so (a "signal" read as found; review) */
        var field = w.match === "meaning" ? "like the " + w.field : w.field;
        /* an identifier match names the identifier the text shares, not the whole signal (results.why_field) */
        if (w.match === "identifier" && w.identifier) field = "identifier \u201c" + w.identifier + "\u201d of the " + w.field;
        /* most of its words in the text, not the signal itself: never the label of a signal found whole (results.why_field) */
        if (w.match === "words") field = "most words of the " + w.field;
        if (w.patterns > 1) field += " (listed by " + w.patterns + " patterns)";
        /* the API and the bundle cut a view's text at why.text_chars (240): said with an ellipsis, as the terminal does */
        /* counted in code points, as Python cuts (an emoji is two UTF-16 units of .length) */
        var text = Array.from(w.text).length >= WHY_TEXT_CHARS ? w.text.replace(/\s+\S*$/, "") + "\u2026" : w.text;
        return el("li", {}, [el("span", { class: "recur-suggest__field", text: field }), " ", inline(text, href)]);
      })));
    }
    /* A low match's runbook (a "find ... -delete" among its steps) stood as plainly as a 99% match's:
       it is folded away, closed, under a summary that says to check the pattern fits first. */
    /* near the medium cut-off (nearMedium): open, its summary saying why */
    var low = r.confidence === "low", hold = low ? el("details", { class: "recur-suggest__unsure" }) : li;
    if (low && near) hold.open = true;
    if (low) li.className += " recur-suggest__card--low";
    var steps = (r.runbook || []).slice(0, STEPS);
    if (steps.length && !low) hold.appendChild(el("h3", { class: "recur-suggest__h", text: "First steps" }));
    if (steps.length) {
      var all = copyAllButton(r, title.href);
      if (all) hold.appendChild(all);
      hold.appendChild(copyButtons(el("ol", { class: "recur-suggest__steps" }, steps.map(function (s) {
        return el("li", {}, [inline(s, href)]);
      })), r.title));
      /* the steps not shown, said and linked as `recur suggest` says them ("… 3 more steps"): a card showed three
         and nothing said there were more, a key decision among them (found in review) */
      var more = (r.runbook || []).length - steps.length;
      if (more > 0) {
        hold.appendChild(el("p", { class: "recur-suggest__more" }, ["\u2026 ",
          el("a", { href: title.href, text: more + (more === 1 ? " more step" : " more steps") + " on its page" })]));
      }
    }
    var ev = (r.evidence || []).slice(0, EVIDENCE);
    if (ev.length) {
      if (steps.length || !low) hold.appendChild(el("h3", { class: "recur-suggest__h", text: "Evidence to preserve" }));
      hold.appendChild(el("ul", { class: "recur-suggest__evidence" }, ev.map(function (s) { return el("li", {}, [inline(s, href)]); })));
    }
    if (low && (steps.length || ev.length)) {
      /* the evidence named where it is folded: a summary of "First steps" alone hid what to keep before restoring
         (found in review) */
      var folded = steps.length && ev.length ? "First steps and evidence to preserve" : steps.length ? "First steps" : "Evidence to preserve";
      hold.insertBefore(el("summary", { class: "recur-suggest__h", text: folded +
        (near ? " (low match near the medium cut-off: check it fits first)" : " (low match: check it fits first)") }),
        hold.firstChild);
      li.appendChild(hold);
    }
    var alikes = r.look_alikes || [];
    if (alikes.length) {
      li.appendChild(el("h3", { class: "recur-suggest__h", text: "Looks like" }));
      li.appendChild(el("ul", { class: "recur-suggest__alikes" }, alikes.map(function (o) {
        var link = el("a", { href: patternUrl(self.node, { id: o.id, path: self.pathOf[o.id] }), text: o.title });
        return el("li", {}, [link, o.by ? el("span", { text: " — tell apart by: " }) : null, o.by ? inline(o.by, href) : null]);
      })));
    }
    /* votes need the API, and one that takes them */
    if (this.mode !== "browser" && !this.votesOff) li.appendChild(this.votes(query, r));
    return li;
  };

  /* Who votes, as /api/feedback's `voter`: a random id this browser keeps (localStorage), so one person
     counts once per query and pattern with their latest vote. A 👎 then a 👍 on a second look was two
     voters, a tie (found in review); now the second replaces the first. No id when storage is refused
     (private mode, a file: page): each vote is then a voter of its own, as before. */
  function voterId() {
    try {
      var id = window.localStorage.getItem("recur-voter");
      if (!id) {
        var bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        id = "box-" + Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
        window.localStorage.setItem("recur-voter", id);
      }
      return id;
    } catch (e) {
      return null;
    }
  }

  var VOTED = {
    recorded: ["Thanks: recorded as not this one.", "Thanks: recorded as useful."],
    changed: ["Thanks: changed to not this one.", "Thanks: changed to useful."],
    "already recorded": ["Already recorded as not this one.", "Already recorded as useful."]
  };

  Box.prototype.votes = function (query, r) {
    var self = this, note = el("span", { class: "recur-suggest__thanks", role: "status" });
    var up = el("button", { type: "button", class: "recur-vote", title: "This pattern fits", "aria-label": "Useful: " + r.title, text: "\uD83D\uDC4D Useful" });
    /* Each name starts with the words the button shows (WCAG 2.5.3, label in name): one who says "click Not this"
       to speech input is understood; "Not useful: ..." did not hold "Not this" (axe's label-content-name-mismatch) */
    var down = el("button", { type: "button", class: "recur-vote", title: "Not this one", "aria-label": "Not this one: " + r.title, text: "\uD83D\uDC4E Not this" });
    /* The chosen button stays pressed (and aria-disabled); the other stays open: a changed mind is a vote too.
       aria-disabled, not disabled: a disabled button loses the focus, and one voting from the keyboard was left on
       the page's body (as with Suggest, Box.busy). A press of an aria-disabled button does nothing (off). */
    function off(b) { return b.getAttribute("aria-disabled") === "true"; }
    function hold(b, on) {
      if (on) b.setAttribute("aria-disabled", "true");
      else b.removeAttribute("aria-disabled");
    }
    function chosen(useful) {
      var on = useful === null ? null : useful ? up : down;
      [up, down].forEach(function (b) {
        hold(b, b === on);
        b.classList.toggle("recur-vote--chosen", b === on);
        b.setAttribute("aria-pressed", b === on ? "true" : "false");
      });
    }
    /* a vote sent again after a wait, counting down in the note as the box's status does (Waits), with its own
       "Try now" and its time said once to a screen reader */
    var now = el("button", { type: "button", class: "recur-suggest__now", hidden: "", text: "Try now",
                             "aria-label": "Try now: " + r.title });
    var announce = el("span", { class: "recur-suggest__sr", "aria-live": "polite" });
    var wait = new Waits({ status: note, now: now, announce: announce, back: up,
                           say: function (head) { note.textContent = head; } });
    now.addEventListener("click", function () { wait.now(); });
    this.voteWaits.push(wait);
    var current = null;
    /* ``retried``: this vote was sent again once already. A 429 (past --feedback-rate) or a 503 (busy, stopping)
       showed the server's "retry in 3 s" and dropped the vote: it was not plain that it was not recorded, nor
       that the click had to be made again. With a Retry-After up to MAX_WAIT it is sent again once by itself,
       the note counting down to it (a click meanwhile, or "Try now", sends it at once); else, or failing
       again, the note says it was not recorded. */
    function vote(useful, retried) {
      wait.end("vote");
      hold(up, true);
      hold(down, true);
      var body = { query: query, pattern: r.id, useful: useful }, voter = voterId();
      if (voter) body.voter = voter;
      apiFetch(self.api + "/feedback", body).then(function (res) {
        if ((res.status === 201 || res.status === 200) && res.json) {
          current = useful;
          chosen(useful);
          note.textContent = (VOTED[res.json.status] || VOTED.recorded)[useful ? 1 : 0];
          return;
        }
        chosen(current);
        var s = retrySeconds(res), busy = res.status === 429 || res.status === 503;
        var why = errorMessage(res) || "HTTP " + res.status;
        if (busy && !retried && s !== null && s <= MAX_WAIT) {
          wait.show.back = useful ? up : down;  /* the button that sent it, when "Try now" hides */
          wait.start("vote", "Not recorded yet (" + why + "):", sendingAgain, Math.max(s, 1) * 1000,
                     function () { vote(useful, true); }, true);
          return;
        }
        note.textContent = "The vote was not recorded (" + why + ")" + (busy ? ": vote again " + inTime(s) : "") + ".";
      }, function () {
        chosen(current);
        note.textContent = "The vote was not recorded: the API could not be reached.";
      });
    }
    up.addEventListener("click", function () { if (!off(up)) vote(true); });
    down.addEventListener("click", function () { if (!off(down)) vote(false); });
    return el("div", { class: "recur-suggest__votes" }, [el("span", { text: "Did this help?" }), up, down, note, now, announce]);
  };

  /* "sending it again in 3 s…", "… now…": the clause of a vote's wait */
  function sendingAgain(s) {
    return "sending it again " + (s ? "in " + s + " s" : "now") + "\u2026";
  }

  /* The home page's box with ``text`` in it (?describe=, which the box reads and answers on load). */
  function describeUrl(text) {
    var u = new URL(urlStyle({ dataset: {} }) === "html" ? "index.html" : "./", siteRoot());
    u.searchParams.set("describe", text);
    return u.href;
  }

  /* The header search (mkdocs-material's) matches words of page text: a pasted error line finds little,
     "OutOfMemoryError:" nothing (a field name to its query parser; found in review). Under its results, a
     link hands what was typed to the describe box, which reads whole lines. Styled as the results' own
     count line (.md-search-result__meta), placed after it: material updates the first one only. When the
     search found nothing (a typo: "certficate", "memroy"; a word no page has: "pager"), the line says so
     and invites a description instead (found in a new hire's review: it spoke only to a pasted error).
     The link is styled as a link (recur-suggest.css) and reached with the arrow keys, as material's own
     results are (its keyboard handler walks the links under .md-search-result). */
  function searchHint() {
    var input = document.querySelector("input.md-search__input, input[data-md-component=search-query]");
    var result = document.querySelector(".md-search-result");
    if (!input || !result || result.querySelector(".recur-search-ask")) return;
    var lead = document.createTextNode(""), link = el("a", { href: describeUrl(""), class: "recur-search-ask__link" });
    var tail = document.createTextNode("");
    var hint = el("div", { class: "md-search-result__meta recur-search-ask" }, [lead, link, tail]);
    var meta = result.querySelector(".md-search-result__meta");
    var list = result.querySelector(".md-search-result__list");
    result.insertBefore(hint, meta ? meta.nextSibling : result.firstChild);
    function say(none) {
      var words = none ? ["No match? ", "Describe what you see instead", " (or paste the error: the box reads whole lines)"]
        : ["Pasted an error or a log line? ", "Ask the describe box instead", " (it reads whole lines)"];
      if (link.textContent === words[1]) return;
      lead.data = words[0];
      link.textContent = words[1];
      tail.data = words[2];
      hint.dataset.none = none ? "1" : "";
    }
    /* material writes its answer after the query: its list empty and its count line "No matching documents"
       (words of the theme's language: the list is what is read). An answer not yet in, or a query
       of one letter, which material leaves unanswered, is not "no match". */
    function answered() {
      var q = input.value.trim();
      say(!!q && !!list && !list.children.length && !!meta && meta.textContent.trim() !== "" &&
          !/initializing|type to start/i.test(meta.textContent) && meta.dataset.recurQuery === q);
    }
    var typed = null;
    function update() {
      var q = input.value.trim();
      hint.hidden = !q;
      link.href = describeUrl(q);
      /* its count line speaks of the query before until material answers (a keyup after the answer is no change) */
      if (meta && q !== typed) meta.dataset.recurQuery = "";
      typed = q;
      answered();
    }
    ["input", "keyup", "change"].forEach(function (name) { input.addEventListener(name, update); });
    if (meta && window.MutationObserver) {
      new MutationObserver(function () { if (meta) meta.dataset.recurQuery = input.value.trim(); answered(); })
        .observe(meta, { childList: true, characterData: true, subtree: true });
    }
    update();
  }

  /* Opened from disk (file://), mkdocs-material's search cannot load its index or start its worker (the
     browser refuses both to a file: page): the header search said "Initializing search" forever. Unless the
     site was built with `recur site --file-search` (assets/recur-file.js started it: data-recur-file="search"),
     it says why and what to do instead, as the describe box does (Box.toFile). */
  function fileSearch() {
    var meta = document.querySelector(".md-search-result__meta");
    if (window.location.protocol !== "file:" || !meta || meta.dataset.recurFile) return;
    if (document.documentElement.getAttribute("data-recur-file") === "search") return;
    meta.dataset.recurFile = "1";
    withCode(meta, "Search needs the site served over http(s): opened from disk (file://), the browser does " +
      "not let this page load the search index. " + SERVE + " (Or build the site with `recur site --file-search`.)");
  }

  function init() {
    fileSearch();
    var boxes = document.querySelectorAll("div.recur-suggest");
    for (var i = 0; i < boxes.length; i++) {
      if (!boxes[i].dataset.ready) { boxes[i].dataset.ready = "1"; new Box(boxes[i]); }
    }
    searchHint();
  }

  /* recur-file.js could not start the search from disk after all (its worker script missing) */
  document.addEventListener("recur:no-file-search", fileSearch);

  /* mkdocs-material's instant navigation swaps pages without a reload: re-run on each page. */
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
