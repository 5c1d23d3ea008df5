/* Recur: a pasted text as it is searched, as recur/retrieval/query.py does (prepare): a log is searched
 * by its error lines (readLog: at least 8 non-empty lines, most of them log records, a time of day alone
 * starting none; the records at an error level, a Python traceback's last line and the lines that say
 * what failed, when they are fewer than half, each once, with the lines with no level beside them when
 * those too are (scan, pick); a JSON or logfmt record by its message fields, a plain one without its
 * timestamp, host and level, a .NET "fail:" by the lines under it; a log with no error line by its
 * warning lines; a storm of JSON records by their messages, and a log all of JSON or logfmt records with none
 * at a warning or error level by their messages too: records), after the words written before the log
 * (beforeLog: its first lines, at most 3 and 500 characters, that are neither records, stack-trace lines
 * nor indented: a responder's "payments API returning 500s, log below:", an alert's name and summary; the
 * rest is a log or not without them). A long text is then condensed: each run of stack-frame lines
 * ("\tat com.x.Y.z(Y.java:12)") keeps its first line and "... 47 more" lines go; still too long, the
 * start and the end are kept, and of the middle only the lines that say what failed (Caused by:, ERROR,
 * FATAL, an exception or error class). A stack trace puts its root cause last: cut at 20,000
 * characters, a 34 KB trace lost it. A Python traceback pasted alone is searched by its exception lines
 * (traceback), a Go crash by its panic, fatal error and runtime lines (goPanic), a few JSON or logfmt
 * records by their message fields (fewRecords).
 *
 * One copy for the page and the in-browser ranker: the "describe what you see" box (recur-suggest.js)
 * prepares a paste before it asks the API (which refuses more than 20,000 characters) or the ranker,
 * and the ranker (assets/recur-browser/ranker.js, given this prepare) does what Engine.answer does.
 * Lengths count code points, as Python does. tests/test_browser_search.py checks it against query.py.
 * A classic script (window.RecurQuery) that Node can also import (globalThis.RecurQuery).
 */
(function (root) {
  "use strict";

  /* query.slack_unquoted: the quote marks of quoted lines out (SLACK_QUOTES: Slack's "&gt;" in a text Slack escaped,
     Markdown's ">" in any other; a run of them, "&gt; &gt; ", ">> ", the last before a blank or alone), then, in a text
     Slack escaped (slackEscaped), its &lt;, &gt; and &amp; (last) as typed; a line at a time, no multiline ^. Not in
     a text with a line starting "< " (MIRRORED, query.quotes_read: a diff, curl -v's output, a merge conflict) */
  var SLACK_QUOTES = ["&gt;", ">"];
  var MIRRORED = { "&gt;": /(?:^|\n)(?:&lt;)+(?:[ \t\r]|(?![^\n]))/, ">": /(?:^|\n)<+(?:[ \t\r]|(?![^\n]))/ };
  function slackUnquoted(text) {
    var slack = text.indexOf("&") >= 0 && slackEscaped(text);
    if (!slack && text.indexOf(">") < 0) return text;
    var mark = SLACK_QUOTES[slack ? 0 : 1], lines = text.split("\n");
    if (!MIRRORED[mark].test(text)) {
      for (var n = 0; n < lines.length; n++) {
        if (lines[n].slice(0, mark.length) === mark) lines[n] = unquotedLine(lines[n], mark);
      }
      text = lines.join("\n");
    }
    if (!slack) return text;
    return text.split("&lt;").join("<").split("&gt;").join(">").split("&amp;").join("&");
  }
  /* query.NOT_SLACKS and slack_escaped: a text as Slack sends one has no "&" but in its three escapes, no "<" nor ">"
     but in its own markup (SLACK_MARKUP); an HTML snippet's or a log's "&amp;" (beside an "&quot;", a "<") is as
     written */
  var NOT_SLACKS = /&(?!amp;|lt;|gt;)|[<>]/;
  function slackEscaped(text) {
    if (text.indexOf("<") >= 0) text = text.replace(SLACK_MARKUP, "");
    return !NOT_SLACKS.test(text);
  }
  /* query.QUOTE_RUNS and _unquoted_line: a line's run of quote marks out, each before blanks and another mark, or
     another mark right after it, the last before a blank (taken with it), a "\r" or the line's end */
  var QUOTE_RUNS = {};
  SLACK_QUOTES.forEach(function (m) { QUOTE_RUNS[m] = new RegExp("^(?:" + m + "[ \t]*(?=" + m + "))*" + m + "(?:[ \t]|(?=\r)|$)"); });
  function unquotedLine(line, mark) {
    var m = QUOTE_RUNS[mark].exec(line);
    return m ? line.slice(m[0].length) : line;
  }

  /* recur/retrieval/query.py: MAX_QUERY_CHARS, FRAMES_KEPT, HEAD_SHARE, TAIL_SHARE, LINE_CHARS, FRAME, ELIDED, TELLING */
  var MAX_QUERY_CHARS = 20000, FRAMES_KEPT = 1, HEAD_SHARE = 0.4, TAIL_SHARE = 0.4, LINE_CHARS = 500;
  /* query.MAX_PASTE_CHARS: an alert's texts are cut there (alerts.texts_joined), then condensed to MAX_QUERY_CHARS;
     exposed on RecurQuery so tests/test_browser_search.py checks it equals the Python constant */
  var MAX_PASTE_CHARS = 1000000;
  var FRAME = /^[ \t]+at (?:(?:async|new) )?[A-Za-z_$<>\/\\.][\w$.<>\/:\\-]*(?:[ \t]*\(|:\d)/;
  var ELIDED = /^[ \t]*\.\.\. [0-9]+ (?:more|common frames omitted)[ \t\r]*$/;
  var FRAME_OR_ELIDED = /^[ \t]+at |\.\.\. [0-9]/m;
  var TELLING = /Caused by:|\b(?:ERROR|FATAL|PANIC|SEVERE|CRIT|CRITICAL|EMERG)\b|Exception|Error\b|\[(?:[a-z_]+:)?(?:error|crit|alert|emerg|fatal)\]/;
  /* recur/util/text.py: ANSI (strip_ansi), what prepare takes out first, as query.prepare does */
  var ANSI = /\x1b(?:\[[0-?]{0,64}[ -\/]{0,8}[@-~]|\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)|[@-_])/g;
  /* util/text.py EMOJI_RUN and without_emoji: an emoji's run out of what is searched, with the spaces around it
     (one left between two words), a line's indentation and line breaks kept */
  var PICTOGRAPH = "\u{1f000}-\u{1faff}\u2600-\u260f\u2614-\u26ff\u231a\u231b\u23f0-\u23f3\u2b1b\u2b1c\u2763-\u2767" +
    "\u2795-\u2797\xa9\xae\u2122\u2139\u2705\u270a\u270b\u2728\u274c\u274e\u2753\u2754\u2755\u2757\u27b0\u27bf\u2b50\u2b55";
  var EMOJI_RUN = new RegExp("[" + PICTOGRAPH + "][" + PICTOGRAPH + "\u200d\ufe0e\ufe0f\u20e3\u{e0020}-\u{e007f}]*", "u");
  function trimTabs(s, start) {  /* s without the spaces and tabs at its start (or end): a loop, linear */
    var a = 0, b = s.length;
    if (start) { while (a < b && (s[a] === " " || s[a] === "\t")) a++; }
    else { while (b > a && (s[b - 1] === " " || s[b - 1] === "\t")) b--; }
    return s.slice(a, b);
  }
  var CLOSING = "\r\n,.;:!?)]}";
  function withoutEmoji(text) {
    if (!/[^\x00-\x7f]/.test(text)) return text;
    var parts = text.split(EMOJI_RUN);
    if (parts.length === 1) return text;
    var done = [], lineStart = true, open = parts[0];
    for (var i = 1; i < parts.length; i++) {
      var left = trimTabs(open, false), right = trimTabs(parts[i], true);
      if (left.slice(-1) === "\n" || (!left && lineStart)) { done.push(open); lineStart = true; }
      else {
        done.push(left);
        lineStart = lineStart && !left;
        /* text.CLOSING, OPENING: no space before a mark that closes what is before it, nor after one that opens */
        if (right && CLOSING.indexOf(right[0]) < 0 && !(left && "([{".indexOf(left.slice(-1)) >= 0)) right = " " + right;
      }
      open = right;
    }
    done.push(open);
    return done.join("");
  }
  /* query.FENCE_LINE and FENCE: Markdown's code fence around a paste, out (query.unfenced) */
  var FENCE_LINE = /(^|\n)[ \t]*(?:`{3,}|~{3,})([a-z][a-z0-9+#-]{0,19})?[ \t\r]*(?![^\n])/g, FENCE = /`{3,}/g;
  /* query.unfenced: an info string goes only before a line of ``` alone, which closes its block */
  function unfenced(text) {
    if (text.indexOf("```") < 0 && text.indexOf("~~~") < 0) return text;
    var closing = -1, m;
    FENCE_LINE.lastIndex = 0;
    while ((m = FENCE_LINE.exec(text)) !== null) {
      if (!m[2]) closing = m.index;
    }
    return text.replace(FENCE_LINE, function (all, start, info, at) {
      return !info || at < closing ? start : all;
    }).replace(FENCE, "\n");
  }
  /* recur/util/text.py: has_text (a character that shows, outside escape sequences; INVISIBLE is what shows
     nothing: white space, control characters, the default-ignorable ones such as U+200B and U+FEFF) */
  var VISIBLE = /[^\x00-\x20\x7f-\xa0\xad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e0fff}]/u;
  function hasText(s) { return VISIBLE.test(withoutEmoji(s.indexOf("\x1b") >= 0 ? s.replace(ANSI, "") : s)); }  /* emoji alone: none */
  /* query.NOTHING_LEFT and Prepared.unsearched: why nothing of a prepared text is searched, or "": a paste that is no
     alert nor incident (not_alert: an SNS subscription confirmation), or nothing left to search once read (blank to
     Python's str.strip, "\x85 \x1c", an empty code fence). The in-browser ranker answers it with no verdict, as
     Engine.answer_many; the box asks such a text again before it gets there ("Type or paste what you see first.") */
  var NOTHING_LEFT = "the text has nothing to search (it is empty, or white space, invisible characters, code fences or " +
    "Slack's mentions and emoji codes alone)";
  /* of what is ranked (p.searched): a Slack mention alone, "<@U0123ABC>", has nothing to search */
  function unsearched(p) { return p.not_alert || (hasText(p.searched) ? "" : NOTHING_LEFT); }
  /* query.SLACK_MARKUP, EMOJI_CODES, CODE (here CODE_SPAN) and slack_unmarked: Slack's own markup (a mention, a
     channel, <!here>, a link's brackets) and :name: emoji codes standing as words (outside code) are not ranked; only
     Slack's exact shapes: "<html>", "a < b > c", "List<String>", "<none>", "<user@example.com>", "12:30:45" are text */
  var SLACK_MARKUP = new RegExp("<(?:@[UW]|#[CGD])(?=[A-Z0-9]*[0-9])[A-Z0-9]{2,}(?:\\|[^<>\n]*)?>" +
    "|<!(?:here|channel|everyone|subteam\\^[A-Z0-9]+|date\\^[^<>|\n]*)(?:\\|[^<>\n]*)?>" +
    "|<((?:[a-z][a-z0-9+.-]*://|mailto:)[^<>| \t\r\n]+)(?:\\|([^<>\n]*))?>", "g");
  var EMOJI_CODES = /(?::(?:100|1234|(?![0-9]{1,100}:)[a-z0-9_+'-]{1,100}):)+(?![^ \t\n\r\f\v])[ \t]*/g, CODE_SPAN = /```[\s\S]*?```|`[^`\n]+`/g;
  function notGlued(m, at, s) { return at === 0 || " \t\n\r\f\v".indexOf(s[at - 1]) >= 0 ? "" : m; }
  function slackUnmarked(text) {
    if (text.indexOf("<") >= 0) {
      text = text.replace(SLACK_MARKUP, function (all, url, label) { return url ? label || url : " "; });
    }
    if (text.indexOf(":") < 0) return text;
    var out = [], at = 0, m;
    CODE_SPAN.lastIndex = 0;
    while ((m = CODE_SPAN.exec(text)) !== null) {
      out.push(text.slice(at, m.index).replace(EMOJI_CODES, notGlued), m[0]);
      at = m.index + m[0].length;
    }
    out.push(text.slice(at).replace(EMOJI_CODES, notGlued));
    return out.join("");
  }

  /* query.py's log reading (read_log): LOG_MIN_LINES, LOG_SHARE, PREAMBLE_LINES, PREAMBLE_CHARS, WS, LEVELS,
     _NO_COLON, LEVEL_AT, LEVEL_LATER, STAMP, CLOCK, KLOG, HOST, LOGFMT, LOGFMT_FIELD, STACK, TRACEBACK, CHAINED,
     DOTNET_CATEGORY, NOT_MESSAGE, TELLING_TEXT, LEVEL_KEYS, MESSAGE_KEYS, HOLE, JSON_MAX_BRACKETS */
  var LOG_MIN_LINES = 8, LOG_SHARE = 0.6, PREAMBLE_LINES = 3, PREAMBLE_CHARS = LINE_CHARS, JSON_MAX_BRACKETS = 500;
  /* query.py's JSON_MAX_DEPTH, JSON_STRING, JSON_NOT_BRACKET_OR_QUOTE (jsonTooDeep, bracketsOf) */
  var JSON_MAX_DEPTH = 500, JSON_STRING = /"(?:[^"\\]|\\[\s\S])*"/y, JSON_NOT_BRACKET_OR_QUOTE = /[^\[\]{}"]+/g;
  var WS = " \t\r\f\v";
  var LEVELS = {
    error: "ERROR ERR FATAL FTL CRIT CRITICAL PANIC DPANIC SEVERE EMERG EMERGENCY ALERT FAIL".split(" "),
    warning: "WARN WARNING WRN".split(" "),
    other: "TRACE TRCE DEBUG DBG DBUG INFO INF NOTICE NOTE SYSTEM LOG VERBOSE VRB FINE".split(" "),
    same: ["DETAIL"],
    aside: "HINT CONTEXT STATEMENT".split(" ")
  };
  var BRACKETED_ONLY = ["NOTE", "SYSTEM"];
  var NO_COLON = ["PANIC", "DPANIC"].concat(BRACKETED_ONLY, LEVELS.same, LEVELS.aside);
  var LEVEL_OF = {};
  Object.keys(LEVELS).forEach(function (kind) { LEVELS[kind].forEach(function (w) { LEVEL_OF[w] = kind; }); });
  var WORDS = Object.keys(LEVEL_OF).sort(function (a, b) { return b.length - a.length || (a < b ? -1 : a > b ? 1 : 0); });
  var UP = WORDS.filter(function (w) { return BRACKETED_ONLY.indexOf(w) < 0; }).join("|");
  var LOW = WORDS.filter(function (w) { return NO_COLON.indexOf(w) < 0; }).map(function (w) { return w.toLowerCase(); }).join("|");
  var ANY = WORDS.map(function (w) { return w + "|" + w.toLowerCase() + "|" + w[0] + w.slice(1).toLowerCase(); }).join("|");
  var LEVEL_AT = new RegExp("^(?:\\[(" + ANY + ")\\]|<(" + ANY + ")>|(" + UP + ")\\b[\\]>):]*|(" + LOW + "):)[ \\t]*");
  var LEVEL_LATER = new RegExp("^(?:[^ \\t{]+[ \\t]+){1,5}?(?:\\[(" + ANY + ")\\]|(" + UP + ")\\b[\\]>):]*)[ \\t]*");
  var MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
  var STAMP = new RegExp("^(?:\\[?(?:\\d{4}-\\d{2}-\\d{2}[T ]|\\d{4}/\\d{2}/\\d{2}[T ]|(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?" +
                         MONTH + " [ \\d]\\d )?\\d{2}:\\d{2}:\\d{2}[^ \\t\\]]*\\]?|\\[ *\\d+\\.\\d+\\])(?:[ \\t]+|$)");
  var CLOCK = /^\[?\d{2}:\d{2}:\d{2}/;
  var KLOG = /^([IWEF])\d{4}[ \t]+\d{2}:\d{2}:\d{2}(?:\.\d+)?[ \t]+\d+[ \t]+[^ \t\]]*\][ \t]*/;
  var KLOG_LEVEL = { I: "other", W: "warning", E: "error", F: "error" };
  var HOST = new RegExp("^(?:(?!(?:" + UP + ")\\b)[\\w.-]+ [\\w./@()-]+(?:\\[\\d+\\])?:[ \\t]+|(?:stdout|stderr)[ \\t]+[FP][ \\t]+)");
  /* query.SPRING: Spring Boot's pid, "---", [thread] and logger before " : ", after its level */
  var SPRING = /^(?:\d+[ \t]+)?---[ \t]+(?:\[[^\]\n]*\][ \t]*){1,3}[^ \t]+[ \t]+:(?:[ \t]+|$)/;
  /* query.HAPROXY_PID: haproxy's date and pid after its level on stderr, "(8) : " */
  var HAPROXY_PID = /^(?:\d{3}\/\d{6}[ \t]+)?\(\d+\)[ \t]+:(?:[ \t]+|$)/;
  var LOGFMT = /^(?:ts|time|t|timestamp|level|lvl)=/;
  /* query.ACCESS: an access log's line (nginx's and Apache's, haproxy's HTTP log), what is searched and its status */
  var ACCESS = new RegExp(
    "^(?:[^ \\t]+ [^ \\t]+ [^ \\t]+ \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)? [+-]\\d{4}\\] " +
    "(\"[^\"\\n]*\" (\\d{3}))(?![^ \\t])" +
    "|[^ \\t]+:\\d+ \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?\\] " +
    "([^ \\t]+ [^ \\t]+ [+-]?\\d+(?:/[+-]?\\d+){4} (-?\\d{1,3}))(?![^ \\t]))");
  /* query.CTIME, CTIME_YEAR: ctime's stamp and its year after it; query.NOT_PROSE: a logger's words before a level */
  var CTIME = new RegExp("^\\[?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?" + MONTH + " ");
  var CTIME_YEAR = /^\d{4}\]?(?:[ \t]+|$)/, NOT_PROSE = /[\d\[\]@=\/_]/;
  /* query.LINE_ID: an id or an EC2 host's name starting a logged line (oneLine) */
  var LINE_ID = /^(?:(?:[\w.@-]+=)?(?:[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}|[0-9A-Fa-f]{16,})|[\w.@-]+=(?=[0-9A-Fa-f-]*[0-9])[0-9A-Fa-f][0-9A-Fa-f-]{7,}|ip-\d{1,3}(?:-\d{1,3}){3}(?:\.[\w-]+)*)(?:[ \t]+|$)/;
  /* a key starts a token, as query.py's: the blank before it is matched here, not looked behind at */
  var LOGFMT_FIELD = /(?:^|[ \t])([\w.@-]+)=("(?:[^"\\]|\\[\s\S])*"?|[^ \t]*)/g;
  var STACK = new RegExp(
    "^(?:Caused by:|Suppressed:|\\.\\.\\. \\d+ (?:more|common frames omitted)|Traceback \\(most recent call last\\)" +
    "|During handling of the above exception|The above exception was the direct cause|goroutine \\d+ \\[" +
    "|created by |\\[signal |panic:|fatal error:|(?:[\\w$]+\\.)*[\\w$]*(?:Exception|Error|Throwable)(?::|$)" +
    "|[^ \\t(]+\\([^\\n]*\\)$)");
  var TRACEBACK = /^Traceback \(most recent call last\)/;
  var CHAINED = /^(?:During handling of the above exception|The above exception was the direct cause)/;
  /* query.py's GO_PANIC, GO_SAID, GO_RECOVERED, GO_DUMP: a Go crash (goPanic) */
  var GO_PANIC = /^(?:panic|fatal error): /, GO_SAID = /^(?:panic|fatal error|runtime): /;
  /* query.py's GO_TEST: what `go test` writes around a crash, left out of it */
  var GO_TEST = /^(?:=== (?:RUN|PAUSE|CONT|NAME) +[^ \t]+|--- FAIL: [^ \t]+ \(\d+(?:\.\d+)?s\)|FAIL(?:[ \t]+[^ \t]+[ \t]+(?:\d+(?:\.\d+)?s|\[[^\]\n]*\]))?)$/;
  var RECOVERED = " [recovered";  /* GO_RECOVERED's start, found by withoutRecovered as query._without_recovered does */
  var GO_DUMP = /^(?:\[signal |goroutine \d+ |[^ \t(]+\([^\n]*\)$|created by |runtime stack:$|\.\.\.additional frames elided\.\.\.$|exit status \d+$)/;
  var DOTNET_CATEGORY = /^[\w.]+\[\d+\]$/;
  var NOT_MESSAGE = /^[ \t]*(?:File "|--- End of )/;
  var TELLING_TEXT = /Caused by:|Exception|Error\b|\b(?:ERROR|FATAL|PANIC|SEVERE|CRITICAL|FAILED|[Ee]rror|[Ff]ailed|[Ff]atal|panic|segfault)\b|[Oo]ut of memory/;
  var LEVEL_KEYS = ["level", "lvl", "severity", "log.level", "levelname", "loglevel", "@l"];
  var MESSAGE_KEYS = ["msg", "message", "@m", "@mt", "event", "log", "textPayload", "jsonPayload.message", "error",
                      "error.message", "error.msg", "err", "err.message", "err.msg", "exception", "exception.message",
                      "exc_info", "@x", "reason", "cause", "stack_trace", "error.stack_trace"];
  var HOLE = /\{[@$]?([A-Za-z_]\w*)(?:[,:][^{}]*)?\}/g;
  /* a lone surrogate as U+FFFD (util.utf8.clean): a JSON escape can make one. A pair is matched first and
     kept, so what is left of a surrogate is lone. No lookbehind, in this file nor any pattern added to it:
     this is a classic script that Safari < 16.4 cannot parse with one, and recur-suggest.js reads
     window.RecurQuery as it loads (one such pattern broke the whole box; tests/test_browser_search.py) */
  var SURROGATE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

  /* blanks off both ends, one character at a time: as a regex, /[ \t]+$/ tried its end at each blank of a run inside
     the text and read the run on from there, time growing with the square of its length (a line of 30,000 spaces
     inside took seconds; bench/pathological.py). ``blank``: a string of the characters, or a one-character RegExp */
  function stripOf(s, blank) {
    var is = typeof blank === "string" ? function (c) { return blank.indexOf(c) >= 0; } : function (c) { return blank.test(c); };
    var a = 0, b = s.length;
    while (a < b && is(s[a])) a++;
    while (b > a && is(s[b - 1])) b--;
    return s.slice(a, b);
  }
  function rstripOf(s, chars) { var b = s.length; while (b > 0 && chars.indexOf(s[b - 1]) >= 0) b--; return s.slice(0, b); }
  function trim(s) { return stripOf(s, WS); }
  /* query._without_recovered: GO_RECOVERED's " [recovered ...]" ending a line, taken off in linear time */
  function withoutRecovered(line) {
    if (line[line.length - 1] !== "]") return line;
    var at = line.indexOf(RECOVERED, line.lastIndexOf("]", line.length - 2) + 1);
    return at < 0 || at + RECOVERED.length > line.length - 1 ? line : line.slice(0, at);
  }
  function head(s, n) { var c = Array.from(s); return c.length > n ? c.slice(0, n).join("") : s; }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function wellFormed(s) { return s.replace(SURROGATE, function (c) { return c.length === 2 ? c : "\uFFFD"; }); }

  /* query.read_log: {text, lines, kept, level, before} or null */
  function readLog(text) {
    var lines = text.split("\n").filter(function (x) { return trim(x) !== ""; });
    var crash = traceback(lines) || goPanic(lines) || podTable(lines) || eventTable(lines) || nodeDescribed(lines) ||
      described(lines) || statusTable(lines);
    return crash || plainLog(lines);
  }
  function plainLog(lines) {  /* query._plain_log: read_log but for the crashes and tables read alone */
    if (lines.length < LOG_MIN_LINES) return fewRecords(lines) || (lines.length === 1 ? oneLine(lines[0]) : null);
    var before = beforeLog(lines), s = scan(lines.slice(before.length));
    if (!s.records || s.records < LOG_SHARE * (s.records + s.others)) return null;
    var picked = pick(s, lines.length);
    if (!picked) return records(s, before, lines.length - before.length);
    return logOf(before, picked[1], lines.length - before.length, picked[0], picked[2]);
  }

  function logOf(before, kept, lines, level, unlevelled) {
    var out = before.concat(kept).join("\n");
    if (out.indexOf("\x1b") >= 0) out = out.replace(ANSI, "");
    return { text: wellFormed(out), lines: lines, kept: kept.length, level: level, before: before.length,
             unlevelled: unlevelled };
  }

  /* query._pod_table: `kubectl get pods` pasted, by its pods not running and ready (name, readiness, status) */
  var POD_COLUMNS = ["NAME", "READY", "STATUS"];
  var CELL_GAP = /\t[ \t]*| {2,}[ \t]*/;
  var POD_FINE = ["Running", "Completed", "Succeeded"];
  var POD_READY = /^[0-9]+\/[0-9]+$/;  /* query.POD_READY: "1/2", not Flux's "True" */
  var POD_HASH = /-[bcdfghjklmnpqrstvwxz2456789]{5,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/;
  var POD_RESTARTS_HIGH = 5, POD_RESTARTED = / restarted [0-9]+ times$/m, LEADING_NUMBER = /^[0-9]{1,9}/;  /* query.py's */
  var HEADER_CELL = /^[A-Z][A-Z0-9_%/().:-]*(?: [A-Z][A-Z0-9_%/().:-]*)*$/;
  function tableHeader(line, need) {  /* query._table_header: a cell at a time, not COLUMN_HEADER (its blanks backtrack) */
    if (!need.every(function (c) { return line.indexOf(c) >= 0; })) return null;
    var cells = trim(line).split(CELL_GAP);
    var all = need.every(function (c) { return cells.indexOf(c) >= 0; });
    return all && cells.every(function (c) { return HEADER_CELL.test(c); }) ? cells : null;
  }
  function podHeader(line) { return tableHeader(line, POD_COLUMNS); }  /* query._pod_header */
  function wordsBefore(lines, at) {  /* the trimmed lines before a table when they are words before it, else null */
    var words = lines.slice(0, at).map(trim), before = beforeLog(lines.slice(0, at));
    if (before.length !== words.length || before.some(function (x, k) { return x !== words[k]; })) return null;
    return words;
  }
  /* query._words_after: the words written after a pasted table, trimmed; [] for none, null for anything else */
  function wordsAfter(lines) {
    var said = lines.map(trim);
    var chars = said.reduce(function (t, x) { return t + Array.from(x).length + 1; }, 0);
    if (lines.length > PREAMBLE_LINES || chars > PREAMBLE_CHARS + 1) return null;
    for (var i = 0; i < lines.length; i++) {
      if (WS.indexOf(lines[i][0]) >= 0 || said[i].split(CELL_GAP).length > 2 || readLine(said[i])[0]) return null;
    }
    return said;
  }
  /* query._before_table: [what of the lines before a table's header is searched, how many are its command] or null */
  function beforeTable(lines, command) {
    var said = lines.map(trim), words = lines.length <= PREAMBLE_LINES ? beforeLog(lines) : null;
    if (words && words.length === said.length && words.every(function (x, k) { return x === said[k]; })) {
      var kept = said.filter(function (x) { return !(command && command.test(x)); });
      return [kept, said.length - kept.length];
    }
    var end = lines.length;
    while (command && end && command.test(said[end - 1])) end--;
    var log = logPart(lines.slice(0, end));
    return log ? [log, lines.length - end] : null;
  }
  function afterTable(lines) {  /* query._after_table */
    var words = wordsAfter(lines);
    return words ? words : logPart(lines);
  }
  function logPart(lines) {  /* query._log_part: a log's lines above or under a table, as a log alone is read */
    if (!lines.length || !lines.some(function (x) { return readLine(trim(x))[0]; })) return null;
    var log = plainLog(lines);
    return log ? log.text.split("\n") : lines.map(function (x) { return head(trim(x), LINE_CHARS); });
  }
  function withAfter(log, after) {  /* query._with_after */
    if (!after.length) return log;
    var out = [log.text].concat(after).join("\n");
    if (out.indexOf("\x1b") >= 0) out = out.replace(ANSI, "");
    log.text = wellFormed(out); log.after = after.length;
    return log;
  }
  function podTable(lines) {
    var at = -1;
    for (var i = 0; i < lines.length; i++) {
      if (podHeader(lines[i])) { at = i; break; }
    }
    if (at < 0 || lines.length < at + 2) return null;
    var columns = podHeader(lines[at]), restarts = columns.indexOf("RESTARTS");
    var ready = columns.indexOf("READY"), status = columns.indexOf("STATUS"), name = columns.indexOf("NAME"), kept = [];
    var rows = lines.length - at - 1;
    for (var r = at + 1; r < lines.length; r++) {
      var cells = trim(lines[r]).split(CELL_GAP);
      if (cells.length !== columns.length || !POD_READY.test(cells[ready])) { rows = r - at - 1; break; }
      var slash = cells[ready].indexOf("/");
      var have = slash < 0 ? cells[ready] : cells[ready].slice(0, slash), want = slash < 0 ? "" : cells[ready].slice(slash + 1);
      var fine = POD_FINE.indexOf(cells[status]) >= 0 && (cells[status] !== "Running" || have === want);
      var said = cells[name].replace(POD_HASH, "") + " " + cells[ready] + " " + cells[status];
      var times = restarts >= 0 ? LEADING_NUMBER.exec(cells[restarts]) : null;
      if (!fine) kept.push(head(said, LINE_CHARS));
      else if (cells[status] === "Running" && times && +times[0] >= POD_RESTARTS_HIGH) kept.push(head(said + " restarted " + (+times[0]) + " times", LINE_CHARS));
    }
    if (!kept.length || !rows) return null;
    var before = beforeTable(lines.slice(0, at), null), after = afterTable(lines.slice(at + 1 + rows));
    if (!before || !after) return null;
    var log = logOf(before[0], distinct(kept), rows, "pods", 0);
    log.kept = kept.length;  /* the pods not fine, not the lines searched (two replicas are one line) */
    return withAfter(log, after);
  }

  /* query._event_table: `kubectl get events` pasted, by each Warning event's reason and message; EVENT_COLUMNS as
     query.py's. The message is the rest of its row (Python's split with maxsplit, written out) */
  var EVENT_COLUMNS = ["TYPE", "REASON", "MESSAGE"];
  function splitCells(line, most) {
    var cells = [], at = 0, m, gap = new RegExp(CELL_GAP.source, "g");
    while (cells.length < most && (m = gap.exec(line)) !== null) {
      cells.push(line.slice(at, m.index)); at = m.index + m[0].length;
    }
    cells.push(line.slice(at));
    return cells;
  }
  function eventTable(lines) {
    var at = -1;
    for (var i = 0; i < lines.length && i <= PREAMBLE_LINES; i++) {
      if (tableHeader(lines[i], EVENT_COLUMNS)) { at = i; break; }
    }
    if (at < 0 || lines.length < at + 2) return null;
    var columns = tableHeader(lines[at], EVENT_COLUMNS), words = wordsBefore(lines, at);
    if (!words || columns[columns.length - 1] !== "MESSAGE") return null;
    var kind = columns.indexOf("TYPE"), reason = columns.indexOf("REASON"), kept = [], rows = lines.length - at - 1;
    for (var r = at + 1; r < lines.length; r++) {
      var cells = splitCells(trim(lines[r]), columns.length - 1);
      if (cells.length !== columns.length || (cells[kind] !== "Normal" && cells[kind] !== "Warning")) { rows = r - at - 1; break; }
      if (cells[kind] === "Warning") kept.push(head(cells[reason] + ": " + cells[cells.length - 1].replace(POD_UID, ""), LINE_CHARS));
    }
    var after = wordsAfter(lines.slice(at + 1 + rows));
    if (!kept.length || !after) return null;
    return withAfter(logOf(words, distinct(kept), rows, "events", 0), after);
  }

  /* query._status_table: `kubectl get nodes`, `docker ps`, `systemctl`, `df` pasted, by their rows that say something
     failed; STATUS_TABLES, CONTAINER_*, UNIT_*, DF_*, DISK_FULL_AT and STATUS_COMMANDS as query.py's. Cells and
     offsets are counted in characters (code points), as Python counts them */
  var DISK_FULL_AT = 90, STATUS_MAX_COLUMNS = 16, USAGE_HIGH_AT = 90;
  var USAGE_PERCENTS = ["CPU%", "CPU(%)", "MEMORY%", "MEMORY(%)"];
  var STATUS_TABLES = {
    nodes: [["NAME", "STATUS", "ROLES", "VERSION"], "node", "kubectl get nodes", "not Ready", "status"],
    deployments: [["NAME", "READY", "UP-TO-DATE", "AVAILABLE"], "deployment", "kubectl get deployments",
                  "not all ready and available", "name, readiness and available replicas"],
    usage: [["NAME", "CPU(cores)", "MEMORY(bytes)"], "node", "kubectl top nodes",
            "at " + USAGE_HIGH_AT + "% CPU or memory or more", "CPU% and MEMORY%"],
    containers: [["CONTAINER ID", "IMAGE", "STATUS", "NAMES"], "container", "docker ps", "not up and healthy", "status"],
    units: [["UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION"], "unit", "systemctl", "failed or not loaded", "name, state and description"],
    filesystems: [["Filesystem", "Mounted on"], "filesystem", "df", DISK_FULL_AT + "% full or more", "free, use and mount point"]
  };
  var CONTAINER_ID = /^[0-9a-f]{12}(?:[0-9a-f]{52})?$/;
  var CONTAINER_STATE = /^(?:Up|Exited|Restarting|Created|Dead|Paused|Removal In Progress)\b/;
  var CONTAINER_AGE = / (?:About |Less than )?(?:an?|\d+) (?:second|minute|hour|day|week|month|year)s?(?: ago)?/g;
  var CONTAINER_FINE = /^(?:Up(?![^\n]*\(unhealthy\))|Exited \(0\)|Created|Paused)/;
  var UNIT_MARK = "●*";
  var UNIT_LOADS = ["loaded", "not-found", "bad-setting", "error", "masked", "stub", "merged"];
  var UNIT_ACTIVES = ["active", "reloading", "inactive", "failed", "activating", "deactivating", "maintenance", "refreshing"];
  var UNIT_BAD_LOADS = ["not-found", "bad-setting", "error"];
  var UNIT_JOBS = ["start", "stop", "reload", "restart", "verify-active", "verify-started", "try-restart", "try-reload",
                   "reload-or-start", "nop"];
  var UNIT_LEGEND = /^(?:(?:Legend:[ \t]+)?(?:LOAD|ACTIVE|SUB|JOB)[ \t]*[=→] |\d+ loaded units? listed|To show all installed unit files|Pass --all to see)/;
  var DF_USE = ["Use%", "IUse%", "Capacity"], DF_FREE = ["Avail", "IFree", "Available"];
  var DF_PERCENT = /^([0-9]{1,3})%$/;
  var DF_LOCALES = [  /* query.DF_LOCALES: df's columns as coreutils translates them, in its order */
    [["Sys. de fichiers", "Dateisystem", "S.ficheros", "File system", "Sist. Arq.", "System plików"], "Filesystem"],
    [["Monté sur", "Eingehängt auf", "Montado en", "Montato su", "Montado em", "zamont. na"], "Mounted on"],
    [["blocs de 1K", "bloques de 1K", "Blocos de 1K"], "1K-blocks"],
    [["Uti%", "Verw%", "Uso%", "%uż."], "Use%"],
    [["IUti%", "NUso%", "IUso%", "%uż.I"], "IUse%"],
    [["Dispo", "Verf.", "Disp", "Dispon.", "Disp.", "dost."], "Avail"],
    [["ILibre", "IFrei", "NLibres", "ILiberi", "ILivre", "wolneI"], "IFree"],
    [["Disponible", "Verfügbar", "Disponibles", "Disponib.", "Disponível", "dostępne"], "Available"]
  ];
  /* query.DF_FIRST_WORDS, DF_MOUNTED_ON: a line without df's header's first word and last two is not translated */
  var DF_FIRST_WORDS = ["Filesystem"].concat(DF_LOCALES[0][0].map(function (x) { return x.split(" ")[0]; }));
  var DF_MOUNTED_ON = ["Mounted on"].concat(DF_LOCALES[1][0]);
  function dfEnglish(w) {  /* query._df_english */
    var said = " " + w.join(" ") + " ";
    DF_LOCALES.forEach(function (l) {
      l[0].forEach(function (local) { said = said.split(" " + local + " ").join(" " + l[1] + " "); });
    });
    return w.length ? stripOf(said, " ").split(" ") : [];
  }
  var STATUS_COMMANDS = {
    nodes: /(?:^|[ \t$#>])kubectl[ \t][^\n]*\bget[ \t]+(?:nodes?|no)\b/,
    deployments: /(?:^|[ \t$#>])kubectl[ \t][^\n]*\bget[ \t]+deploy(?:ments?)?\b/,
    usage: /(?:^|[ \t$#>])kubectl[ \t][^\n]*\btop[ \t]+(?:nodes?|no)\b/,
    containers: /(?:^|[ \t$#>])(?:docker|podman)[ \t]+(?:ps|container[ \t]+ls)\b/,
    units: /(?:^|[ \t$#>])systemctl\b/,
    filesystems: /(?:^|[ \t$#>])df\b/
  };
  function splitBy(line, re, most) {  /* Python's re.split(line, maxsplit=most) of a pattern with no group */
    var cells = [], at = 0, m, gap = new RegExp(re.source, "g");
    while (cells.length < most && (m = gap.exec(line)) !== null) {
      cells.push(line.slice(at, m.index)); at = m.index + m[0].length;
    }
    cells.push(line.slice(at));
    return cells;
  }
  function words(line) { return trim(line).split(BLANKS).filter(function (w) { return w; }); }
  /* query.STATUS_HEADER_WORD: a line with none of them is no header, not read further */
  var DF_MOUNT_WORD = /Mounted|Monté|Eingehängt|Montado|Montato|zamont\./;  /* query.DF_MOUNT_WORD */
  var STATUS_HEADER_WORD = new RegExp("NAME|CONTAINER ID|UNIT|" + DF_MOUNT_WORD.source);
  function statusKind(line) {  /* query._status_kind */
    if (!STATUS_HEADER_WORD.test(line)) return "";
    var w = words(line);
    if (w.length > 2 * STATUS_MAX_COLUMNS) return "";
    var cells = tableHeader(line, STATUS_TABLES.nodes[0]);
    if (cells && cells.length <= STATUS_MAX_COLUMNS) return "nodes";
    cells = tableHeader(line, STATUS_TABLES.containers[0]);
    if (cells && cells.length <= STATUS_MAX_COLUMNS) return "containers";
    cells = tableHeader(line, STATUS_TABLES.deployments[0]);
    if (cells && cells.length <= STATUS_MAX_COLUMNS) return "deployments";
    if (line.indexOf("MEMORY(bytes)") >= 0 && w.length <= STATUS_MAX_COLUMNS + 2) {  /* kubectl top nodes */
      cells = trim(line).split(CELL_GAP);
      if (STATUS_TABLES.usage[0].every(function (c) { return cells.indexOf(c) >= 0; }) &&
          USAGE_PERCENTS.some(function (c) { return cells.indexOf(c) >= 0; })) return "usage";
    }
    var joined = w.join(" ");
    if (joined === "UNIT LOAD ACTIVE SUB DESCRIPTION" || joined === "UNIT LOAD ACTIVE SUB JOB DESCRIPTION") return "units";
    if (DF_FIRST_WORDS.indexOf(w[0]) < 0 || DF_MOUNTED_ON.indexOf(w.slice(-2).join(" ")) < 0) return "";
    w = dfEnglish(w);
    if (w[0] === "Filesystem" && w.slice(-2).join(" ") === "Mounted on" &&
        DF_USE.some(function (c) { return w.indexOf(c) >= 0; })) return "filesystems";
    return "";
  }
  function expandTabs(s) {  /* Python's str.expandtabs(): each tab as the spaces to the next multiple of 8 characters */
    if (s.indexOf("\t") < 0) return s;
    var out = "", col = 0;
    Array.from(s).forEach(function (c) {
      if (c === "\t") { out += " ".repeat(8 - col % 8); col += 8 - col % 8; } else { out += c; col = c === "\r" ? 0 : col + 1; }
    });
    return out;
  }
  function dfUnwrapped(rows) {  /* query._df_unwrapped: a device's name alone on its line joined to the rest of its row */
    var joined = [];
    for (var n = 0; n < rows.length; n++) {
      var alone = n + 1 < rows.length && WS.indexOf(rows[n + 1][0]) >= 0 && !BLANKS.test(trim(rows[n]));
      joined.push(alone ? trim(rows[n]) + " " + trim(rows[n + 1]) : rows[n]);
      if (alone) n++;
    }
    return joined;
  }
  function statusColumns(kind, line) {  /* query._status_columns: [columns, where each starts, in characters] */
    if (kind === "containers") line = expandTabs(line);
    if (kind === "nodes" || kind === "containers" || kind === "deployments" || kind === "usage") {
      var cells = trim(line).split(CELL_GAP), found = [], at = 0, last = 0, chars = 0;
      cells.forEach(function (cell) {
        at = line.indexOf(cell, at); chars += Array.from(line.slice(last, at)).length; last = at;
        found.push(chars); at += cell.length;
      });
      return [cells, found];
    }
    var w = words(line);
    return [kind === "filesystems" ? dfEnglish(w).slice(0, -2).concat(["Mounted on"]) : w, []];
  }
  function statusRow(kind, columns, offsets, raw) {  /* query._status_row: [a row of the table, what is searched] */
    var cells, status;
    if (kind === "containers") {
      var chars = Array.from(expandTabs(raw)), ends = offsets.slice(1).concat([chars.length]);
      cells = offsets.map(function (a, k) { return trim(chars.slice(a, ends[k]).join("")); });
      status = cells[columns.indexOf("STATUS")];
      if (!CONTAINER_ID.test(cells[0]) || !CONTAINER_STATE.test(status)) return [false, ""];
      return [true, CONTAINER_FINE.test(status) ? "" : "container " + status.replace(CONTAINER_AGE, "")];
    }
    if (kind === "units") {
      var s = trim(raw), i = 0;
      while (i < s.length && UNIT_MARK.indexOf(s[i]) >= 0) i++;
      cells = splitBy(trim(s.slice(i)), BLANKS, 4);
      if (cells.length !== 5 || UNIT_LOADS.indexOf(cells[1]) < 0 || UNIT_ACTIVES.indexOf(cells[2]) < 0) return [false, ""];
      var bad = UNIT_BAD_LOADS.indexOf(cells[1]) >= 0 ? cells[1] : cells[2] === "failed" ? cells[2] : "";
      var about = cells[4], sp = about.indexOf(" "), job = sp < 0 ? about : about.slice(0, sp);
      var rest = sp < 0 ? "" : trim(about.slice(sp + 1));
      if (columns.indexOf("JOB") >= 0 && UNIT_JOBS.indexOf(job) >= 0 && rest) about = rest;
      return [true, bad ? "unit " + cells[0] + " " + bad + ": " + about : ""];
    }
    cells = kind === "filesystems" ? splitBy(trim(raw), BLANKS, columns.length - 1) : trim(raw).split(CELL_GAP);
    if (cells.length !== columns.length) return [false, ""];
    if (kind === "nodes") {
      status = cells[columns.indexOf("STATUS")];
      return [true, status.split(",")[0] === "Ready" ? "" : "node " + status];
    }
    if (kind === "deployments" || kind === "usage") return kubeRow(kind, columns, cells);
    var use = DF_USE.filter(function (c) { return columns.indexOf(c) >= 0; })[0], cell = cells[columns.indexOf(use)];
    var full = DF_PERCENT.exec(cell), mount = cells[cells.length - 1];
    if (!full && cell !== "-") return [false, ""];
    var snap = cells[0].indexOf("/dev/loop") === 0 || mount.indexOf("/snap/") === 0;
    if (!full || +full[1] < DISK_FULL_AT || snap) return [true, ""];
    var free = DF_FREE.filter(function (c) { return columns.indexOf(c) >= 0; })
      .map(function (c) { return c + " " + cells[columns.indexOf(c)] + " "; }).join("");
    return [true, "filesystem " + free + use + " " + full[0] + " Mounted on " + mount];
  }
  function kubeRow(kind, columns, cells) {  /* query._kube_row: kubectl get deployments, kubectl top nodes */
    if (kind === "deployments") {
      var ready = cells[columns.indexOf("READY")], available = cells[columns.indexOf("AVAILABLE")];
      if (!POD_READY.test(ready) || !/^[0-9]{1,9}$/.test(available)) return [false, ""];
      var slash = ready.indexOf("/"), have = ready.slice(0, slash), want = ready.slice(slash + 1);
      var fine = have === want && +available >= +want;
      return [true, fine ? "" : "deployment " + cells[columns.indexOf("NAME")] + " " + ready + " ready, " + available + " available"];
    }
    var high = [];
    for (var k = 0; k < USAGE_PERCENTS.length; k++) {
      if (columns.indexOf(USAGE_PERCENTS[k]) < 0) continue;
      var cell = cells[columns.indexOf(USAGE_PERCENTS[k])], use = DF_PERCENT.exec(cell);
      if (!use && cell !== "<unknown>") return [false, ""];
      if (use && +use[1] >= USAGE_HIGH_AT) high.push(USAGE_PERCENTS[k] + " " + cell);
    }
    return [true, high.length ? "node " + high.join(" ") : ""];
  }
  function unitsUnwrapped(columns, rows) {  /* query._units_unwrapped: a row a narrow terminal wrapped, joined again */
    function row(x) { return statusRow("units", columns, [], x)[0]; }
    function legend(x) { return UNIT_LEGEND.test(trim(x)); }
    var names = [], joined = [], n;
    for (n = 0; n < rows.length; n++) {
      var two = n + 1 < rows.length ? rstripOf(rows[n], "\r") + rows[n + 1] : "";
      var whole = two !== "" && !row(rows[n]) && row(two);
      names.push(whole ? two : rows[n]);
      if (whole) n++;
    }
    for (n = 0; n < names.length; n++) {
      var line = names[n], below = n + 1 < names.length ? names[n + 1] : "";
      if (row(line) || legend(line) || !(joined.length && row(joined[joined.length - 1]))) joined.push(line);
      else if (below && (row(below) || legend(below))) joined[joined.length - 1] = rstripOf(joined[joined.length - 1], "\r") + line;
      else joined.push(line);
    }
    return joined;
  }
  function statusTable(lines) {
    var at = -1, kind = "";
    for (var i = 0; i < lines.length; i++) {
      if ((kind = statusKind(lines[i]))) { at = i; break; }
    }
    if (at < 0 || lines.length < at + 2) return null;
    var cols = statusColumns(kind, lines[at]), body = lines.slice(at + 1);
    body = kind === "filesystems" ? dfUnwrapped(body) : kind === "units" ? unitsUnwrapped(cols[0], body) : body;
    var kept = [], rows = body.length, legend = 0;
    for (var r = 0; r < body.length; r++) {
      if (kind === "units" && UNIT_LEGEND.test(trim(body[r]))) { legend++; continue; }
      var row = statusRow(kind, cols[0], cols[1], body[r]);
      if (!row[0] || legend) { rows = r; break; }
      if (row[1]) kept.push(head(row[1], LINE_CHARS));
    }
    if (!kept.length || !rows) return null;
    var before = beforeTable(lines.slice(0, at), STATUS_COMMANDS[kind]), after = afterTable(body.slice(rows));
    if (!before || !after) return null;
    var log = logOf(before[0], distinct(kept), rows - legend, kind, 0);
    log.kept = kept.length; log.command = before[1];
    return withAfter(log, after);
  }

  /* query._described: `kubectl describe pod` pasted, or its Events table alone, by its containers' states that are not
     running or done and its Warning events; DESCRIBE_SECTION, DESCRIBE_STATES, DESCRIBE_STATE_SAYS, EVENT_ROW,
     EVENTS_HEADER, POD_UID and DESCRIBED as query.py's */
  var DESCRIBE_SECTION = /^[A-Z][A-Za-z ]*$/;
  var DESCRIBE_STATE_VALUES = ["Running", "Waiting", "Terminated"];  /* query.DESCRIBE_STATE_VALUES */
  var DESCRIBE_STATES = ["State", "Last State"], DESCRIBE_STATE_SAYS = ["Reason", "Exit Code", "Signal", "Message"];
  var EVENT_ROW = /^Warning[ \t]+([^ \t]+)[ \t]+[^ \t]+(?: \(x\d+ over [^ \t)]+\))?[ \t]+(?:[^ \t,]+,[ \t]*)?[^ \t]+[ \t]+([^ \t][\s\S]*)/;
  var EVENTS_HEADER = "Type Reason Age From Message";
  var POD_UID = /\([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\)|@?sha256:[0-9a-f]{64}/g;
  var DESCRIBED = {
    describe: ["kubectl describe pod output",
               ["line of a container's state or a Warning event", "lines of containers' states and Warning events"],
               "labels, annotations, IPs, mounts, volumes, tolerations, conditions and Normal events"],
    events: ["kubectl Events table", ["Warning event", "Warning events"], "Normal events"],
    node: ["kubectl describe node output",
           ["line of a taint, a condition or a Warning event", "lines of taints, conditions and Warning events"],
           "labels, annotations, addresses, capacity, pods and Normal events"]
  };
  var BLANKS = /[ \t\r\f\v]+/;
  function indentOf(raw) { var i = 0; while (i < raw.length && WS.indexOf(raw[i]) >= 0) i++; return i; }
  function describeStart(lines, k) {  /* query._describe_start */
    var line = rstripOf(lines[k], WS);
    if (line === "Events:") {  /* not below another section's "Key:" line (kubectl describe node's table is no pod's) */
      var described = lines.slice(0, k).some(function (x) { var c = x.indexOf(":"); return c >= 0 && DESCRIBE_SECTION.test(x.slice(0, c)); });
      return !described && k + 1 < lines.length && lines[k + 1].split(BLANKS).filter(function (w) { return w; }).join(" ") === EVENTS_HEADER;
    }
    if (line.slice(0, 5) !== "Name:" || trim(line.slice(5)) === "") return false;
    for (var i = k + 1; i < lines.length; i++) if (rstripOf(lines[i], WS) === "Containers:") return true;
    return false;
  }
  /* query._node_described: `kubectl describe node` pasted, by its taints, cordon, bad conditions and Warning events */
  var NODE_CONDITION_OK = "Ready";  /* query.NODE_CONDITION_OK: a condition fine True ends so */
  var NODE_TAINTS = ["node.kubernetes.io/", "node.cloudprovider.kubernetes.io/"];  /* query.NODE_TAINTS */
  function nodeTaint(x) { return NODE_TAINTS.some(function (t) { return x.slice(0, t.length) === t; }); }
  function nodeStart(lines, k) {  /* query._node_start */
    var line = rstripOf(lines[k], WS);
    if (line.slice(0, 5) !== "Name:" || trim(line.slice(5)) === "") return false;
    var keys = lines.slice(k + 1).filter(function (x) { return WS.indexOf(x[0]) < 0; })
      .map(function (x) { var c = x.indexOf(":"); return c < 0 ? x : x.slice(0, c); });
    return keys.indexOf("Taints") >= 0 && keys.indexOf("Conditions") >= 0 && keys.indexOf("Containers") < 0;
  }
  function nodeDescribed(lines) {
    var at = -1;
    for (var i = 0; i < lines.length && i <= PREAMBLE_LINES; i++) {
      if (nodeStart(lines, i)) { at = i; break; }
    }
    if (at < 0) return null;
    var words = wordsBefore(lines, at);
    if (!words) return null;
    var kept = [], events = [], section = "", m;
    for (var r = at; r < lines.length; r++) {
      var raw = lines[r], line = trim(raw), indented = WS.indexOf(raw[0]) >= 0;
      var colon = line.indexOf(":"), key = colon < 0 ? line : line.slice(0, colon);
      if (!indented && colon >= 0) {
        if (DESCRIBE_SECTION.test(key)) section = key;
        var value = trim(line.slice(colon + 1));
        if ((key === "Taints" && nodeTaint(value)) || (key === "Unschedulable" && value === "true")) {
          kept.push(key + ": " + value);
        }
      } else if (indented && section === "Taints") {
        if (nodeTaint(line)) kept.push("Taints: " + line);
      } else if (indented && section === "Conditions") {
        var cells = line.split(CELL_GAP);
        if (cells.length >= 4 && (cells[1] === "True") !== (cells[0].slice(-NODE_CONDITION_OK.length) === NODE_CONDITION_OK)) {
          kept.push(cells[0] + " " + cells[1] + ": " + cells[cells.length - 2] + ": " + cells[cells.length - 1]);
        }
      } else if (section === "Events" && (m = EVENT_ROW.exec(line)) !== null) {
        events.push(m[1] + ": " + m[2].replace(POD_UID, ""));
      }
    }
    kept = kept.concat(events);
    if (!kept.length) return null;
    return logOf(words, distinct(kept.map(function (x) { return head(x, LINE_CHARS); })), lines.length - at, "node", 0);
  }
  function stateFine(said) {  /* query._state_fine */
    var colon = said[0].indexOf(": "), value = colon < 0 ? "" : said[0].slice(colon + 2);
    return value === "" || value === "Running" || (value === "Terminated" && said.indexOf("Exit Code: 0") >= 0);
  }
  function described(lines) {
    var at = -1;
    for (var i = 0; i < lines.length && i <= PREAMBLE_LINES; i++) {
      if (describeStart(lines, i)) { at = i; break; }
    }
    if (at < 0) return null;
    var words = lines.slice(0, at).map(trim), before = beforeLog(lines.slice(0, at));
    if (before.length !== words.length || before.some(function (x, k) { return x !== words[k]; })) return null;
    var eventsOnly = trim(lines[at]) === "Events:", said = [], states = [], events = [], section = "", state = null, m;
    for (var r = at; r < lines.length; r++) {
      var raw = lines[r], line = trim(raw), indent = indentOf(raw);
      if (state && indent <= state[0]) { states.push(state[1]); state = null; }
      var colon = line.indexOf(":"), key = colon < 0 ? line : line.slice(0, colon);
      var value = colon < 0 ? "" : trim(line.slice(colon + 1));
      if (!indent && colon >= 0) {
        if (DESCRIBE_SECTION.test(key)) section = key;
        if ((key === "Reason" || key === "Message") && value) said.push(key + ": " + value);
      } else if (/Containers$/.test(section) && DESCRIBE_STATES.indexOf(key) >= 0 && DESCRIBE_STATE_VALUES.indexOf(value) >= 0) {
        state = [indent, [key + ": " + value]];
      } else if (state && colon >= 0 && DESCRIBE_STATE_SAYS.indexOf(key) >= 0) {
        state[1].push(key + ": " + value);
      } else if (section === "Events" && (m = EVENT_ROW.exec(line)) !== null) {
        events.push(m[1] + ": " + m[2].replace(POD_UID, ""));
      }
    }
    if (state) states.push(state[1]);
    function spaced(x) { return x.join(" "); }
    /* a pod with nothing failing by its containers' states alone ("State: Running") */
    var kept = said.concat(states.filter(function (x) { return !stateFine(x); }).map(spaced), events);
    if (!kept.length) kept = states.map(function (x) { return x[0]; }).filter(function (x) { return x.slice(0, 6) === "State:"; });
    if (!kept.length) return null;
    return logOf(words, distinct(kept.map(function (x) { return head(x, LINE_CHARS); })), lines.length - at,
                 eventsOnly ? "events" : "describe", 0);
  }

  /* query._traceback: a Python traceback pasted alone, by its exception lines */
  function traceback(lines) {
    if (!lines.slice(0, PREAMBLE_LINES + 1).some(function (x) { return TRACEBACK.test(trim(x)); })) return null;
    var before = beforeLog(lines), rest = lines.slice(before.length), kept = [], frames = false;
    if (!rest.length || !TRACEBACK.test(trim(rest[0]))) return null;
    for (var i = 0; i < rest.length; i++) {
      var line = trim(rest[i]);
      if (WS.indexOf(rest[i][0]) >= 0) frames = true;
      else if (TRACEBACK.test(line) || CHAINED.test(line)) frames = false;
      else if (frames) { kept.push(head(line, LINE_CHARS)); frames = false; }
      else return null;
    }
    if (!kept.length) return null;
    return logOf(before, distinct(kept), rest.length, "traceback", 0);
  }

  /* query._go_panic: a Go crash pasted alone, by its panic, fatal error and runtime lines */
  function goPanic(lines) {
    if (!goCrashAhead(lines)) return null;
    lines = lines.filter(function (x) { return WS.indexOf(x[0]) >= 0 || !GO_TEST.test(rstripOf(x, WS)); });
    var before = beforeLog(lines);
    while (before.length && GO_SAID.test(before[before.length - 1])) before.pop();
    var rest = lines.slice(before.length), kept = [], panic = false, dump = false;
    if (!rest.length || !GO_SAID.test(trim(rest[0]))) return null;
    for (var i = 0; i < rest.length; i++) {
      var line = trim(rest[i]);
      if (GO_SAID.test(line)) { kept.push(head(withoutRecovered(line), LINE_CHARS)); panic = panic || GO_PANIC.test(line); }
      else if (WS.indexOf(rest[i][0]) >= 0 || GO_DUMP.test(line)) dump = true;
      else return null;
    }
    if (!(panic && dump)) return null;
    return logOf(before, distinct(kept), rest.length, "panic", 0);
  }

  /* query._go_crash_ahead: a panic or fatal error after at most PREAMBLE_LINES lines, bar runtime and `go test` lines */
  function goCrashAhead(lines) {
    for (var i = 0, others = 0; i < lines.length; i++) {
      var said = lines[i].replace(/^[ \t\r\f\v]+/, "");
      if (GO_PANIC.test(said)) return true;
      if (!(GO_SAID.test(said) || GO_TEST.test(rstripOf(said, WS))) && ++others > PREAMBLE_LINES) return false;
    }
    return false;
  }

  /* query._few_records: a few JSON or logfmt records, each with a level and a message field, by their messages */
  function fewRecords(lines) {
    /* over what is searched (code points, as Python counts): condensed as before */
    if (lines.reduce(function (n, x) { return n + Array.from(x).length; }, 0) > MAX_QUERY_CHARS) return null;
    var before = beforeLog(lines), said = [], plain = false;
    for (var i = before.length; i < lines.length; i++) {
      if (WS.indexOf(lines[i][0]) >= 0) return null;
      var r = readLine(trim(lines[i])), message = r[2];
      if (!r[3]) {  /* a plain record with a level word (not DETAIL, HINT ...: "same", "aside") */
        if (["error", "warning", "other"].indexOf(r[1]) < 0 || !logged(trim(lines[i]))) return null;
        plain = true;
      } else if (r[1] === null || message.charAt(0) === "{" || LOGFMT.test(message)) return null;
      said.push([r[1], head(message, LINE_CHARS)]);
    }
    if (!said.length) return null;
    /* query._few_records: its error records (else its warnings) when others are beside them */
    var levels = ["error", "warning"];
    for (var k = 0; k < levels.length; k++) {
      var picked = said.filter(function (e) { return e[0] === levels[k]; }).map(function (e) { return e[1]; });
      if (picked.length && picked.length < said.length) return logOf(before, distinct(picked), said.length, levels[k], 0);
    }
    if (plain) return null;  /* plain lines all at one level: searched as they are, as a plain storm is */
    return logOf(before, distinct(said.map(function (e) { return e[1]; })), said.length, "record", 0);
  }

  /* query._one_line: a single logged line without its timestamps, host, klog header, then ids and EC2 host names */
  function oneLine(raw) {
    var line = trim(raw), rest = line, headed = false, m;
    if (Array.from(line).length > MAX_QUERY_CHARS) return null;  /* no line copied from a log (code points) */
    if (readLine(line)[0]) {
      for (var k = 0; k < 4; k++) {
        var stamp = STAMP.exec(rest);
        m = stamp || KLOG.exec(rest);
        if (!m) break;
        rest = rest.slice(m[0].length);
        if (!stamp) headed = true;
        var year = stamp && CTIME.test(m[0]) ? CTIME_YEAR.exec(rest) : null;
        if (year) rest = rest.slice(year[0].length);
        var host = HOST.exec(rest);
        if (host) { rest = rest.slice(host[0].length); headed = true; }
      }
      var later = rest === line || LEVEL_AT.test(rest) ? null : LEVEL_LATER.exec(rest);
      var said = later ? rstripOf(later[0], " \t") : "", cut = Math.max(said.lastIndexOf(" "), said.lastIndexOf("\t")) + 1;
      if (later && (headed || NOT_PROSE.test(rest.slice(0, cut)))) {  /* the words before its level go, its level stays */
        return saidLine(afterLevel(rest.slice(cut)));
      }
    }
    while ((m = LINE_ID.exec(rest)) !== null) rest = rest.slice(m[0].length);
    rest = afterLevel(rest);
    return rest === line ? null : saidLine(rest);
  }
  /* query._after_level: without Spring Boot's pid, thread and logger or haproxy's pid after the level word it starts
     with (SPRING, HAPROXY_PID), that word kept */
  function afterLevel(rest) {
    var m = LEVEL_AT.exec(rest);
    if (!m) return rest;
    var after = SPRING.exec(rest.slice(m[0].length)) || HAPROXY_PID.exec(rest.slice(m[0].length));
    return after ? rest.slice(0, m[0].length) + rest.slice(m[0].length + after[0].length) : rest;
  }
  function saidLine(rest) { return hasText(rest) ? logOf([], [rest], 1, "line", 0) : null; }

  /* query._logged: a plain line's level is a logger's (after a timestamp, bracketed or upper case), not typed
     ("warning: the certificate expires tomorrow" is prose) */
  function logged(line) {
    if (STAMP.test(line) || KLOG.test(line) || ACCESS.test(line)) return true;
    var m = LEVEL_AT.exec(line);
    return m !== null && !m[4];
  }

  function kept(level) { return level === "error" || level === "warning"; }

  /* query._scan: {records, others, structured, entries: [[level, message]], said: [message]} */
  function scan(lines) {
    var s = { records: 0, others: 0, structured: true, entries: [], said: [] }, above = null, traceback = false, dotnet = null;
    for (var i = 0; i < lines.length; i++) {
      var raw = lines[i];
      if (WS.indexOf(raw[0]) >= 0) {  /* indented: part of the record above */
        if (dotnet && kept(dotnet[0]) && !(FRAME.test(raw) || NOT_MESSAGE.test(raw))) {
          var said = head(trim(raw).replace(/^[-:|> \t]+/, "") || trim(raw), LINE_CHARS);
          if (dotnet[1]) { s.entries[s.entries.length - 1] = [dotnet[0], said]; dotnet[1] = false; }
          else s.entries.push([dotnet[0], said]);
        }
        continue;
      }
      var line = trim(raw), r = readLine(line), record = r[0], level = r[1], message = r[2];
      var exception = traceback && !record;
      if (level === "same" || level === "aside") { level = level === "same" ? above : "other"; record = false; }
      else if (record) {
        s.records++; s.structured = s.structured && r[3];
        if (r[3] && !(message.charAt(0) === "{" || LOGFMT.test(message))) s.said.push(head(message, LINE_CHARS));
      }
      else if (!(exception || STACK.test(line))) {
        s.others++;
        /* query._scan: no log, whatever follows (every line after this one a record): read no further */
        var best = s.records + lines.length - i - 1;
        if (best + 1 < LOG_SHARE * (best + s.others)) return s;
      }
      if (level === null && (exception || TELLING_TEXT.test(message))) level = "error";
      if (kept(level) || (level === null && !STACK.test(line))) s.entries.push([level, head(message, LINE_CHARS)]);
      dotnet = level && DOTNET_CATEGORY.test(message) ? [level, true] : null;
      above = level; traceback = TRACEBACK.test(line);
    }
    return s;
  }

  function distinct(xs) { return Array.from(new Set(xs)); }

  /* query._pick: [level, lines, how many of them have no level] or null */
  function pick(s, lines) {
    var level = null, said = [];
    ["error", "warning"].forEach(function (lv) {
      if (level) return;
      said = s.entries.filter(function (e) { return e[0] === lv; }).map(function (e) { return e[1]; });
      if (said.length) level = lv;
    });
    if (!level) return null;
    if (2 * said.length >= lines && !s.structured) return null;
    var beside = distinct(s.entries.filter(function (e) { return e[0] === level || e[0] === null; })
      .map(function (e) { return e[1]; }));
    if (2 * beside.length >= lines) return [level, distinct(said), 0];  /* a host's journal: mostly no level */
    return [level, beside, beside.filter(function (m) { return said.indexOf(m) < 0; }).length];
  }

  /* query._records: a log all of JSON or logfmt records, none at a warning or error level, by their messages */
  function records(s, before, lines) {
    if (s.records < lines || !s.structured || !s.said.length) return null;
    return logOf(before, distinct(s.said), s.records, "record", 0);
  }

  /* query._before_log: the words before a log, trimmed */
  function beforeLog(lines) {
    var kept = [], room = PREAMBLE_CHARS;
    for (var i = 0; i < lines.length && i < PREAMBLE_LINES; i++) {
      var said = trim(lines[i]);
      if (room <= 0 || WS.indexOf(lines[i][0]) >= 0 || STACK.test(said) || readLine(said)[0]) break;
      kept.push(head(said, room));
      room -= Array.from(said).length + 1;
    }
    return kept;
  }

  /* query.read_line: [record, level ("error", "warning", "other", "same", "aside" or null), message, structured] */
  function readLine(line) {
    var rest = line, record = false, level = null, clock = false, m;
    for (var k = 0; k < 4; k++) {
      m = STAMP.exec(rest);
      if (m) {
        clock = clock || (!record && CLOCK.test(m[0]));
        rest = rest.slice(m[0].length); record = true;
        var host = HOST.exec(rest);
        if (host) { rest = rest.slice(host[0].length); clock = false; }
        continue;
      }
      m = KLOG.exec(rest);
      if (m) { rest = rest.slice(m[0].length); record = true; level = KLOG_LEVEL[m[1]]; clock = false; }
      break;
    }
    var access = ACCESS.exec(rest);
    if (access) {  /* query.read_line: of an access log's line, from its request on; a 5xx says what failed */
      var said = access[1] !== undefined ? access[1] : access[3], status = access[1] !== undefined ? access[2] : access[4];
      return [true, status.charAt(0) === "5" ? null : "other", rest.slice(access[0].length - said.length), false];
    }
    if (rest.charAt(0) === "{" && rest.charAt(rest.length - 1) === "}") {
      var fields = jsonFields(rest);
      return fields !== null ? [true].concat(structured(fields, rest), [true]) : [true, level, rest, false];
    }
    if (LOGFMT.test(rest)) return [true].concat(structured(logfmtFields(rest), rest), [true]);
    if (level === null) {
      m = LEVEL_AT.exec(rest) || (record ? LEVEL_LATER.exec(rest) : null);
      if (m) {
        var word = m.slice(1).filter(function (g) { return g; })[0];
        record = true; level = LEVEL_OF[word.toUpperCase()]; rest = rest.slice(m[0].length);
        var spring = SPRING.exec(rest) || HAPROXY_PID.exec(rest);
        if (spring) rest = rest.slice(spring[0].length);
      } else if (clock) return [false, null, line, false];  /* a time of day, no date, no level: prose */
    }
    return [record, level, rest.replace(/^[-:|> \t]+/, "") || line, false];
  }

  function count(s, ch) { return s.split(ch).length - 1; }

  /* query.json_too_deep: nested deeper than JSON_MAX_DEPTH (Python's parser stops near 1,000 levels, JSON.parse
     does not), no JSON here either */
  /* query._brackets: JSON_NOT_BRACKET's text.replace in linear time (as one pattern, each quote no string closes
     was read to the end again) */
  function bracketsOf(text) {
    var kept = [], pos = 0, at;
    while ((at = text.indexOf('"', pos)) >= 0) {
      kept.push(text.slice(pos, at).replace(JSON_NOT_BRACKET_OR_QUOTE, ""));
      JSON_STRING.lastIndex = at;
      if (!JSON_STRING.test(text)) { pos = at; break; }
      pos = JSON_STRING.lastIndex;
    }
    return kept.join("") + text.slice(pos).replace(JSON_NOT_BRACKET_OR_QUOTE, "");
  }
  function jsonTooDeep(text) {
    if (count(text, "{") + count(text, "[") <= JSON_MAX_DEPTH) return false;
    var brackets = bracketsOf(text), depth = 0;
    for (var i = 0; i < brackets.length; i++) {
      var ch = brackets[i];
      depth += ch === "[" || ch === "{" ? 1 : ch === "]" || ch === "}" ? -1 : 0;
      if (depth > JSON_MAX_DEPTH) return true;
    }
    return false;
  }

  function jsonFields(text) {
    if (count(text, "{") + count(text, "[") > JSON_MAX_BRACKETS) return null;
    try { var obj = JSON.parse(text); } catch (e) { return null; }
    return isObject(obj) ? obj : null;
  }

  function logfmtFields(text) {
    var fields = Object.create(null), m;  /* a "__proto__" key is a key, as in Python's dict */
    LOGFMT_FIELD.lastIndex = 0;
    while ((m = LOGFMT_FIELD.exec(text)) !== null) {
      var value = m[2];
      if (value.charAt(0) === '"') {
        try { value = JSON.parse(value); } catch (e) {
          value = (value.length > 1 && value.charAt(value.length - 1) === '"' ? value.slice(1, -1) : value.slice(1))
            .replace(/\\([\s\S])/g, "$1");
        }
      }
      if (typeof value === "string" && !own(fields, m[1])) fields[m[1]] = value;
    }
    return fields;
  }

  /* query._structured: [level, message] */
  function structured(fields, line) {
    var level = null, said = [];
    for (var i = 0; i < LEVEL_KEYS.length && level === null; i++) level = levelValue(field(fields, LEVEL_KEYS[i]));
    MESSAGE_KEYS.forEach(function (key) {
      var value = field(fields, key);
      if (key === "@mt" && typeof value === "string") value = typeof fields["@m"] === "string" && own(fields, "@m") ? null : filled(value, fields);
      var text = typeof value === "string" ? valueText(value) : "";
      if (text !== "") said.push(text);  /* not trim(value): Docker's json-file log writes {"log":"\n"} */
    });
    return [level, Array.from(new Set(said)).join(": ") || line];
  }

  /* query._filled: a Serilog message template's holes filled with the record's text and whole numbers */
  function filled(template, fields) {
    return template.replace(HOLE, function (hole, name) {
      var value = own(fields, name) ? fields[name] : null;
      if (typeof value === "string") return value;
      if (typeof value === "number" && Math.abs(value) < 9007199254740992 && Number.isInteger(value)) return String(value);
      return hole;
    });
  }

  function field(fields, key) {
    if (own(fields, key)) return fields[key];
    var dot = key.indexOf(".");
    if (dot < 0 || !own(fields, key.slice(0, dot))) return null;
    var inner = fields[key.slice(0, dot)], tail = key.slice(dot + 1);
    return isObject(inner) && own(inner, tail) ? inner[tail] : null;
  }

  function levelValue(value) {
    if (typeof value === "string") {
      var v = trim(value);
      return v === "" ? null : own(LEVEL_OF, v.toUpperCase()) ? LEVEL_OF[v.toUpperCase()] : "other";
    }
    if (typeof value !== "number") return null;
    if (value >= 10) return value >= 50 ? "error" : value >= 40 ? "warning" : "other";
    return value <= 3 ? "error" : value === 4 ? "warning" : "other";
  }

  function valueText(value) {
    var lines = value.split("\n").filter(function (x) { return trim(x) !== ""; });
    var telling = lines.filter(function (x) { return WS.indexOf(x[0]) < 0 && TELLING_TEXT.test(x); }).map(trim);
    return (telling.length ? telling : lines.slice(0, 1).map(trim)).join(" ");  /* "" for line breaks only */
  }

  function withoutFrames(lines) {
    var kept = [], dropped = 0, run = 0;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (ELIDED.test(line)) { dropped++; continue; }
      run = FRAME.test(line) ? run + 1 : 0;
      if (run > FRAMES_KEPT) { dropped++; continue; }
      kept.push(line);
    }
    return { lines: kept, dropped: dropped };
  }

  /* query._middle_out, over an array of code points */
  function middleOut(c, limit) {
    var h = Math.floor(limit * HEAD_SHARE), t = Math.floor(limit * TAIL_SHARE);
    var nl = c.lastIndexOf("\n", h - 1);
    var head = nl >= Math.floor(h / 2) ? c.slice(0, nl) : c.slice(0, h);
    var start = c.length - t;
    nl = c.indexOf("\n", start);
    if (nl >= start + Math.floor(t / 2)) nl = -1;
    var tail = nl >= 0 ? c.slice(nl + 1) : c.slice(start);
    var middle = c.slice(head.length, c.length - tail.length).join("").split("\n");
    var room = limit - head.length - tail.length - 1, picked = [];
    for (var i = middle.length - 1; i >= 0; i--) {
      if (!TELLING.test(middle[i])) continue;
      var line = Array.from(middle[i]).slice(0, LINE_CHARS);
      if (line.length + 1 > room) break;
      picked.unshift(line.join(""));
      room -= line.length + 1;
    }
    return [head.join("")].concat(picked, [tail.join("")]).join("\n");
  }

  /* recur/retrieval/alerts.py: a pasted alert payload (JSON) read as /api/alertmanager reads it. PY_SPACE: what
     Python's str.strip() and split() take as blanks (JS's trim() takes other ones: U+FEFF, not U+001C-U+001F) */
  var PY_SPACE = "\\t\\n\\x0b\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var PY_BLANK = new RegExp("[" + PY_SPACE + "]"), PY_SPLIT = new RegExp("[" + PY_SPACE + "]+");
  var NOISE_LABELS = ("alertname severity instance job prometheus replica endpoint pod container namespace uid id receiver " +
                      "monitor cluster region zone priority team tenant grafana_folder").split(" ");
  var TEXT_ANNOTATIONS = ["summary", "description", "message"];
  var DATASOURCE_ALERTS = { DatasourceNoData: "no_data", DatasourceError: "error" };
  var OPTIONAL = ["startsAt", "generatorURL", "fingerprint"];

  function pyStrip(s) { return stripOf(s, PY_BLANK); }
  function pyWords(s) { return pyStrip(s) ? pyStrip(s).split(PY_SPLIT) : []; }
  function get(o, k) { return own(o, k) ? o[k] : undefined; }
  function byKey(o) {  /* sorted(o.items()): by code point, as Python compares strings */
    return Object.keys(o).sort(function (a, b) {
      var x = Array.from(a).map(function (c) { return c.codePointAt(0); });
      var y = Array.from(b).map(function (c) { return c.codePointAt(0); });
      for (var i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length;
    });
  }

  /* alerts.pasted_alerts: the alerts of a text pasted whole as JSON (a webhook payload, the API's list, one
     alert), firing ones first; null for any other text */
  function pastedAlerts(data) {  /* of the paste's JSON value (pasteJson), parsed once: alerts.alerts_in */
    if (data === null) return null;
    var items = isObject(data) && Array.isArray(get(data, "alerts")) ? data.alerts : data;
    items = Array.isArray(items) ? items : [items];
    var alerts = items.map(pastedAlert);
    if (!alerts.length || alerts.indexOf(null) >= 0) return null;
    var rank = function (a) { return (a.status !== "firing" ? 2 : 0) + (heartbeat(a) ? 1 : 0); };
    return [0, 1, 2, 3].reduce(function (out, r) {  /* a stable sort by (not firing, heartbeat), as sorted() */
      return out.concat(alerts.filter(function (a) { return rank(a) === r; }));
    }, []);
  }
  /* alerts.heartbeat: an alert firing all the time by design (Watchdog), searched when nothing else fires */
  var HEARTBEATS = ["watchdog", "infoinhibitor", "deadmansswitch"];
  function heartbeat(a) {
    var name = pyStrip(label(a, "alertname")).toLowerCase(), severity = pyStrip(label(a, "severity")).toLowerCase();
    return HEARTBEATS.indexOf(name) >= 0 || severity === "none";
  }

  function pastedAlert(item) {
    if (!isObject(item) || !own(item, "labels")) return null;
    var maps = ["labels", "annotations"].map(function (k) { var v = get(item, k); return v === undefined || v === null ? {} : v; });
    if (!isObject(maps[0]) || !isObject(maps[1])) return null;  /* null: none, as the webhook reads it */
    for (var m = 0; m < 2; m++) {
      for (var k in maps[m]) if (own(maps[m], k) && typeof maps[m][k] !== "string") return null;
    }
    if (OPTIONAL.some(function (k) { var v = get(item, k); return v !== undefined && v !== null && typeof v !== "string"; })) {
      return null;
    }
    var clean = maps.map(function (o) {
      var out = Object.create(null);  /* a "__proto__" key is a key */
      Object.keys(o).forEach(function (k) { out[wellFormed(k)] = wellFormed(o[k]); });
      return out;
    });
    var status = get(item, "status"), said = typeof status === "string" ? wellFormed(status) : null;
    var read = said === null ? "firing" : pyStrip(said).toLowerCase(), known = ALERT_STATUSES.indexOf(read) >= 0;
    return { status: known ? read : "firing", labels: clean[0], annotations: clean[1], unread: known ? null : said };
  }
  /* alerts._status: "firing" or "resolved" in any letter case, as the webhook reads them; any other, read as
     firing and said (unread) */
  var ALERT_STATUSES = ["firing", "resolved"];

  function label(alert, k) { return typeof get(alert.labels, k) === "string" ? alert.labels[k] : ""; }
  function datasourceProblem(alert) { return get(DATASOURCE_ALERTS, pyStrip(label(alert, "alertname"))) || null; }
  function errorText(alert) {
    var k = Object.keys(alert.annotations).filter(function (x) { return x.toLowerCase() === "error" && hasText(alert.annotations[x]); })[0];
    return k === undefined ? "" : pyStrip(alert.annotations[k]);
  }
  function dots(parts) { return parts.map(function (p) { return rstripOf(p, "."); }).join(". "); }

  /* alerts.alert_note */
  function alertNote(alert) {
    var problem = datasourceProblem(alert);
    if (!problem) return "";
    var rule = pyStrip(label(alert, "rulename"));
    rule = rule ? 'alert rule "' + rule + '"' : "an alert rule";
    if (problem === "no_data") {
      return "Grafana's DatasourceNoData: the query of " + rule + " returned no data, so its condition was not " +
        "evaluated (it did not fire). Find out why the data is missing: the exporter or scrape target, " +
        "a renamed metric or label, the data source.";
    }
    var error = errorText(alert);
    return "Grafana's DatasourceError: the query of " + rule + " failed" + (error ? " (" + error + ")" : "") + ", so its " +
      "condition was not evaluated (it did not fire). Find out why the data source could not be queried.";
  }

  /* alerts.alert_query (and datasource_query) */
  function alertQuery(alert) {
    var name = pyStrip(label(alert, "alertname")), parts;
    if (datasourceProblem(alert)) {
      var what = datasourceProblem(alert) === "no_data" ? "no data from data source" : "data source query error";
      return head(dots([name, what, pyWords(errorText(alert)).join(" ")].filter(function (p) { return p; })), MAX_PASTE_CHARS);
    }
    parts = name ? [name] : [];
    TEXT_ANNOTATIONS.forEach(function (k) { var v = pyStrip(get(alert.annotations, k) || ""); if (v) parts.push(v); });
    byKey(alert.annotations).forEach(function (k) {
      var v = pyStrip(alert.annotations[k]);
      if (TEXT_ANNOTATIONS.indexOf(k) >= 0 || k.slice(0, 2) === "__" || !v || k.toLowerCase().indexOf("url") >= 0) return;
      if (v.slice(0, 7) !== "http://" && v.slice(0, 8) !== "https://") parts.push(v);
    });
    var labels = byKey(alert.labels).filter(function (k) {
      var v = pyStrip(alert.labels[k]);
      return NOISE_LABELS.indexOf(k) < 0 && k.slice(0, 2) !== "__" && hasText(v) && alert.labels[k].indexOf("://") < 0;
    }).map(function (k) { return k + " " + pyStrip(alert.labels[k]); });
    if (labels.length) parts.push(labels.join(", "));
    return textsJoined(parts);
  }
  /* alerts.texts_joined: one-line texts on one line by ". ", texts of several lines after it, on their own lines;
     not cut to MAX_QUERY_CHARS: condense reads it as a pasted text (a 30 KB trace's last Caused by line was lost) */
  function textsJoined(parts) {
    parts = parts.filter(hasText);  /* a text of only escape codes or invisible characters is none */
    var line = dots(parts.filter(function (p) { return p.indexOf("\n") < 0; }));
    var lines = [line].concat(parts.filter(function (p) { return p.indexOf("\n") >= 0; }));
    return head(lines.filter(function (x) { return x; }).join("\n"), MAX_PASTE_CHARS);
  }

  /* recur/retrieval/alert_sources.py: a pasted alert of another alerting system (an AWS CloudWatch alarm, a
     Datadog, PagerDuty v3 or Opsgenie webhook), read by the fields its docs define */
  var PLACE_TAGS = NOISE_LABELS.concat(["host", "env", "device", "availability-zone", "monitor"]);
  var DATADOG_KEYS = ["event_type", "last_updated", "alert_transition", "alert_id", "alert_cycle_key", "aggreg_key", "org"];
  var DATADOG_STATE = /^(?:\[[^\]\n]*\][ \t]*)+/, MENTION = /(^|[ \t\n])@[^ \t\n]+/g;
  var URL_ = /https?:\/\/[^ \t\n)\]]+/g, FOOTER = /^[-\[\]·|* \t]*$/;
  /* alert_sources.LINK and DATAPOINTS, read as util.text.replace_links and _without_datapoints read them: as
     regexes, each "[" or "(" with nothing closing it was read to its line's end again (100,000 took minutes:
     bench/pathological.py) */
  var CLOSER = { "[": "]", "(": ")" };
  function withoutDatapoints(text) { return text.split("\n").map(lineWithoutDatapoints).join("\n"); }
  function lineWithoutDatapoints(line) {
    var last = { "[": line.lastIndexOf("]"), "(": line.lastIndexOf(")") }, kept = [], pos = 0, opener = /[\[(]/g, m;
    while ((m = opener.exec(line)) !== null) {
      var at = m.index;
      if (at < pos || at > last[m[0]]) continue;
      kept.push(rstripOf(line.slice(pos, at), " \t"));
      pos = line.indexOf(CLOSER[m[0]], at) + 1;
    }
    return kept.join("") + line.slice(pos);
  }
  function links(line, label) {
    var lastClose = line.lastIndexOf("]"), lastParen = line.lastIndexOf(")"), kept = [], pos = 0, dead = -1;
    for (var at = line.indexOf("["); at >= 0; at = line.indexOf("[", at + 1)) {
      if (at < pos || at < dead || at > lastClose) continue;
      var close = line.indexOf("]", at);
      if (line[close + 1] !== "(" || close + 1 > lastParen) { dead = close; continue; }
      kept.push(line.slice(pos, at) + (label ? line.slice(at + 1, close) : ""));
      pos = line.indexOf(")", close + 1) + 1;
    }
    return kept.join("") + line.slice(pos);
  }

  function pasteJson(text) {  /* alerts.paste_json */
    var body = stripOf(text.replace(/^[ \t\n\r\ufeff]+/, ""), " \t\n\r");  /* a byte order mark too */
    if ((body[0] !== "{" && body[0] !== "[") || jsonTooDeep(body)) return null;
    try { return JSON.parse(body); } catch (e) { return null; }
  }
  function str(o, k) { var v = isObject(o) ? get(o, k) : undefined; return typeof v === "string" ? pyStrip(v) : ""; }
  /* alert_sources._name_given: the field that names an alert of that system is a string, empty or not */
  function nameGiven(o, k) { return isObject(o) && typeof get(o, k) === "string"; }
  /* alert_sources._shown, AlertName: {shown: the name, "(no <field>)" for one of only escape codes or invisible
     characters; given: whether it had one}: kept apart, an alert named "(no data)" is named */
  function shown(name, field) { var given = hasText(name); return { shown: given ? name : "(no " + field + ")", given: given }; }
  /* alert_sources._joined: each non-empty text once, by a Set (by indexOf, a List of 20,000 events took 5 s) */
  function joined(parts) {
    return textsJoined(distinct(parts.filter(function (p) { return p; })));
  }
  function sourceAlert(data) {  /* alert_sources.source_alert: {kind, noun, name (shown), query, by, state} or null */
    var readers = [cloudwatch, pagerduty, opsgenie, datadog, azure, google, sns, kubernetesEvents];
    if (!isObject(data)) return null;
    for (var i = 0; i < readers.length; i++) {
      var alert = readers[i](data);
      if (alert) return alert.query ? alert : null;
    }
    return null;
  }
  /* alert_sources.SNS_SUBSCRIPTION, sns_envelope, sns_subscription, _sns: Amazon SNS's messages */
  var SNS_SUBSCRIPTION = ["SubscriptionConfirmation", "UnsubscribeConfirmation"];
  var SNS_SAID = [
    ["subscription confirmation", "SNS sends it to confirm a subscription; the topic's alarms come as Notification messages"],
    ["unsubscribe confirmation", "SNS sends it when a subscription is removed; the topic's alarms come as Notification messages"]
  ];
  var SNS_NOTIFICATION = "AWS SNS notification";
  function snsEnvelope(data) {
    var records = isObject(data) ? get(data, "Records") : undefined;
    if (Array.isArray(records) && records.length && isObject(records[0]) && isObject(get(records[0], "Sns"))) data = records[0].Sns;
    if (!(str(data, "Type") && str(data, "TopicArn").slice(0, 4) === "arn:")) return null;
    return data;
  }
  function snsSubscription(data) {
    var envelope = snsEnvelope(data), kind = str(envelope, "Type");
    if (SNS_SUBSCRIPTION.indexOf(kind) < 0) return null;
    var arn = str(envelope, "TopicArn"), what = SNS_SAID[SNS_SUBSCRIPTION.indexOf(kind)];
    return "a pasted AWS SNS " + what[0] + " for topic '" + arn.slice(arn.lastIndexOf(":") + 1) + "', not an alert: " +
      "nothing in it was searched (" + what[1] + ")";
  }
  function snsMessage(data) {  /* alert_sources.sns_message: a Notification's Message, else null */
    var envelope = snsEnvelope(data);
    if (str(envelope, "Type") !== "Notification" || typeof get(envelope, "Message") !== "string") return null;
    return envelope.Message;
  }
  function sns(data) {
    if (snsMessage(data) === null) return null;
    var envelope = snsEnvelope(data), inner = pasteJson(envelope.Message);
    if (isObject(inner) && !snsEnvelope(inner)) {  /* an envelope in an envelope is not read again */
      var alert = sourceAlert(inner);
      if (alert) return alert;
    }
    var subject = str(envelope, "Subject");
    subject = hasText(subject) ? subject : "";  /* of U+200B alone, none, as the note names it */
    return { kind: SNS_NOTIFICATION, noun: "notification", name: shown(subject, "Subject"),
             query: joined([subject, pyStrip(envelope.Message)]), by: subject ? "its subject and message" : "its message", state: "" };
  }
  function said(a) {  /* SourceAlert.said */
    return "a pasted " + a.kind + ": searched " + a.noun + " '" + a.name.shown + "'" + (a.state ? ", " + a.state : "") + " by " + a.by;
  }
  function cloudwatch(data) {
    var alarm = alarmOf(data);
    if (!alarm) return null;
    var name = str(alarm, "AlarmName"), trigger = get(alarm, "Trigger");
    var metric = [str(trigger, "Namespace"), str(trigger, "MetricName")].filter(function (p) { return p; }).join(" ");
    var reason = pyWords(withoutDatapoints(str(alarm, "NewStateReason"))).join(" "), value = str(alarm, "NewStateValue");
    var nameShown = shown(name, "alarm name");
    if (value === "INSUFFICIENT_DATA") return noData("AWS CloudWatch alarm", "alarm", nameShown, "state INSUFFICIENT_DATA", reason);
    return { kind: "AWS CloudWatch alarm", noun: "alarm", name: nameShown,
             query: joined([name, str(alarm, "AlarmDescription"), metric ? "metric " + metric : "", reason]),
             by: "its name, description, metric and state reason", state: value === "OK" ? "resolved (state OK)" : "" };
  }
  function alarmOf(data) {  /* alert_sources._alarm */
    var records = get(data, "Records");
    if (Array.isArray(records) && records.length && isObject(records[0])) data = isObject(get(records[0], "Sns")) ? records[0].Sns : data;
    if (str(data, "Type") === "Notification" && typeof get(data, "Message") === "string") data = pasteJson(data.Message);
    if (str(data, "detail-type") === "CloudWatch Alarm State Change") data = eventbridgeAlarm(get(data, "detail"));
    var listed = isObject(data) ? get(data, "MetricAlarms") : undefined;
    if (Array.isArray(listed) && listed.length && listed.every(isObject)) {
      data = listedAlarm(listed.filter(function (a) { return str(a, "StateValue") === "ALARM"; })[0] || listed[0]);
    }
    if (!nameGiven(data, "AlarmName") || !(own(data, "NewStateValue") || isObject(get(data, "Trigger")))) return null;
    return data;
  }
  function eventbridgeAlarm(detail) {
    var config = isObject(detail) ? get(detail, "configuration") : undefined;
    var metrics = isObject(config) ? get(config, "metrics") : undefined;
    var stats = Array.isArray(metrics) ? metrics.filter(isObject).map(function (m) { return get(m, "metricStat"); }) : [];
    var metric = stats.filter(function (st) { return isObject(st) && isObject(get(st, "metric")); }).map(function (st) { return st.metric; })[0] || {};
    var state = isObject(detail) ? get(detail, "state") : undefined;
    return { AlarmName: str(detail, "alarmName"), AlarmDescription: str(config, "description"), NewStateValue: str(state, "value"),
             NewStateReason: str(state, "reason"), Trigger: { Namespace: str(metric, "namespace"), MetricName: str(metric, "name") } };
  }
  function listedAlarm(a) {
    return { AlarmName: str(a, "AlarmName"), AlarmDescription: str(a, "AlarmDescription"), NewStateValue: str(a, "StateValue"),
             NewStateReason: str(a, "StateReason"), Trigger: { Namespace: str(a, "Namespace"), MetricName: str(a, "MetricName") } };
  }
  function noData(kind, noun, name, state, reason) {  /* alert_sources._no_data */
    return { kind: kind, noun: noun, name: name, query: joined(["no data from data source", reason]), state: "not firing (" + state + ")",
             by: "its state alone: its condition was not evaluated (it did not fire); find out why its data is missing" };
  }
  function pagerduty(data) {
    var event = get(data, "event"), incident = isObject(event) ? get(event, "data") : undefined;
    if (str(event, "event_type").slice(0, 9) !== "incident." || !nameGiven(incident, "title")) return null;
    var service = str(get(incident, "service"), "summary");
    return { kind: "PagerDuty incident", noun: "incident", name: shown(str(incident, "title"), "title"),
             query: joined([str(incident, "title"), service ? "service " + service : ""]), by: "its title and service",
             state: str(incident, "status") === "resolved" ? "resolved" : "" };
  }
  /* alert_sources._kubernetes_events: an Event (`kubectl get event -o json`) or a List of them, by each Warning
     event's reason and message */
  function kubernetesEvents(data) {
    var kind = str(data, "kind");
    var items = kind === "Event" ? [data] : kind === "List" || kind === "EventList" ? get(data, "items") : null;
    if (!Array.isArray(items) || !items.length || !items.every(function (e) { var k = str(e, "kind"); return k === "Event" || k === ""; })) return null;
    var events = items.filter(isObject).map(function (e) { return [str(e, "reason"), str(e, "message") || str(e, "note"), str(e, "type")]; })
      .filter(function (e) { return e[0] || e[1]; });
    if (!events.length || (kind !== "Event" && !items.every(function (e) { return str(e, "kind") === "Event"; }))) return null;
    var warnings = events.filter(function (e) { return e[2] === "Warning"; }), read = warnings.length ? warnings : events;
    var parts = read.map(function (e) { return [e[0], e[1]].filter(function (x) { return x; }).join(": "); });
    var one = kind === "Event";
    var by = one ? "its reason and message" : "its " + (warnings.length ? "Warning " : "") + "events' reasons and messages";
    var state = warnings.length ? "" : one ? "not a warning (type " + (events[0][2] || "none") + ")" : "none of them a warning";
    return { kind: "Kubernetes event" + (one ? "" : " list"), noun: "event", name: shown(read[0][0], "reason"),
             query: joined(parts), by: by, state: state };
  }
  function opsgenie(data) {
    var alert = get(data, "alert");
    if (!str(data, "action") || !nameGiven(alert, "message")) return null;
    var tags = Array.isArray(get(alert, "tags")) ? alert.tags : [];
    tags = tags.filter(function (t) { return typeof t === "string" && pyStrip(t); }).map(pyStrip);
    var details = isObject(get(alert, "details")) ? alert.details : {};
    details = byKey(details).filter(function (k) { return NOISE_LABELS.indexOf(k) < 0 && str(details, k); })
      .map(function (k) { return k + " " + str(details, k); });
    return { kind: "Opsgenie alert", noun: "alert", name: shown(str(alert, "message"), "message"),
             query: joined([str(alert, "message"), str(alert, "description"), tags.join(", "), details.join(", ")]),
             by: "its message, description, tags and details", state: str(data, "action") === "Close" ? "closed" : "" };
  }
  function datadog(data) {
    var title = pyStrip(str(data, "title").replace(DATADOG_STATE, "")), name = str(data, "alert_title");
    name = hasText(name) ? name : title || name;  /* $EVENT_TITLE's when $ALERT_TITLE shows nothing */
    if (!(nameGiven(data, "title") || nameGiven(data, "alert_title")) || !DATADOG_KEYS.some(function (k) { return own(data, k); })) return null;
    var message = ["body", "text", "text_only_msg"].map(function (k) { return str(data, k); }).filter(function (m) { return m; })[0] || "";
    var tags = get(data, "tags");
    tags = typeof tags === "string" ? tags.split(",") : Array.isArray(tags) ? tags : [];
    tags = tags.filter(function (t) { return typeof t === "string" && t.indexOf(":") >= 0; }).map(function (t) {
      t = pyStrip(t); var i = t.indexOf(":"); return [t.slice(0, i), pyStrip(t.slice(i + 1))];
    }).filter(function (kv) { return PLACE_TAGS.indexOf(kv[0]) < 0 && kv[1]; }).map(function (kv) { return kv[0] + " " + kv[1]; });
    var parts = [name, title, str(data, "alert_status"), datadogMessage(message), str(data, "alert_metric"), tags.join(", ")];
    var m = str(data, "title").match(DATADOG_STATE), saidState = str(data, "alert_transition") || (m ? m[0] : "");
    if (saidState.indexOf("No Data") >= 0) return noData("Datadog alert", "alert", shown(name, "title"), "No Data", "");
    return { kind: "Datadog alert", noun: "alert", name: shown(name, "title"), query: joined(parts), by: "its title, message, metric and tags",
             state: saidState.indexOf("Recovered") >= 0 ? "resolved (Recovered)" : "" };
  }
  function azure(data) {  /* alert_sources._azure: Azure Monitor's common alert schema */
    var body = get(data, "data"), essentials = isObject(body) ? get(body, "essentials") : undefined;
    if (str(data, "schemaId") !== "azureMonitorCommonAlertSchema" || !nameGiven(essentials, "alertRule")) return null;
    var context = get(body, "alertContext"), condition = isObject(context) ? get(context, "condition") : undefined;
    var criteria = isObject(condition) ? get(condition, "allOf") : undefined;
    criteria = Array.isArray(criteria) ? criteria.filter(isObject) : [];
    var metrics = criteria.map(function (c) { return str(c, "metricName"); })  /* by name alone, as _azure */
      .filter(function (m, i, all) { return m && all.indexOf(m) === i; }).join(", ");
    var name = str(essentials, "alertRule");
    return { kind: "Azure Monitor alert", noun: "alert rule", name: shown(name, "alertRule"),
             query: joined([name, str(essentials, "description"), metrics ? "metric " + metrics : ""]),
             by: "its rule, description and metric",
             state: str(essentials, "monitorCondition") === "Resolved" ? "resolved (monitorCondition Resolved)" : "" };
  }
  function google(data) {  /* alert_sources._google: a Google Cloud Monitoring incident (schema 1.2) */
    var incident = get(data, "incident");
    if (!nameGiven(incident, "policy_name") || !own(incident, "incident_id")) return null;
    var docs = datadogMessage(str(get(incident, "documentation"), "content")), metric = str(get(incident, "metric"), "displayName");
    var name = str(incident, "policy_name");
    return { kind: "Google Cloud Monitoring incident", noun: "policy", name: shown(name, "policy_name"),
             query: joined([name, str(incident, "condition_name"), str(incident, "summary"), docs, metric ? "metric " + metric : ""]),
             by: "its policy, condition, summary, documentation and metric",
             state: str(incident, "state") === "closed" ? "resolved (state closed)" : "" };
  }
  function datadogMessage(text) {
    var lines = text.split("%%%").join("").replace(MENTION, "$1").split("\n");
    return lines.filter(function (line) { return !FOOTER.test(links(line, false)); })
      .map(function (line) { return pyWords(links(line, true).replace(URL_, "")).join(" "); })
      .filter(function (line) { return line; }).join("\n");
  }
  /* query._source_paste */
  function sourcePaste(text, data) {
    var notAlert = snsSubscription(data);
    if (notAlert) return ["", { not_alert: wellFormed(notAlert) }];
    /* an Alertmanager or Grafana payload an SNS Notification relays, read as pasted alone */
    var message = snsMessage(data);
    if (message !== null && pastedAlerts(pasteJson(message))) return alertPaste(message);
    var a = sourceAlert(data), q = a ? a.query : "";
    q = withoutEmoji(wellFormed(q.indexOf("\x1b") >= 0 ? q.replace(ANSI, "") : q));
    if (!q) return [text, null];
    /* its name ("" for none, SourceAlert.named: the box's record command titles it by the query) */
    return [q, { alert: a.name.given ? wellFormed(a.name.shown) : "", alerts: 1, alert_said: wellFormed(said(a)) }];
  }

  /* alerts.AMTOOL_HEADER, AMTOOL_ROW, amtool_alerts: `amtool alert query`'s table pasted whole, its alerts
     (name, summary), heartbeats last; null for any other text */
  var AMTOOL_HEADER = /^Alertname {2,}Starts At {2,}Summary(?: {2,}State)?[ \t]*$/;
  var AMTOOL_ROW = new RegExp("^([^ \\t\\n\\r\\f\\v]+) {2,}([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Za-z0-9+:-]+)" +
    "(?: {2,}([^\\n]*?))??(?: {2,}(active|suppressed|unprocessed))?[ \\t]*$");
  function amtoolAlerts(text) {
    var lines = stripOf(text, "\n").split("\n").map(function (x) { return rstripOf(x, "\r"); });
    if (!AMTOOL_HEADER.test(stripOf(lines[0], " "))) return null;
    var rows = lines.slice(1).filter(function (x) { return stripOf(x, " \t") !== ""; })
      .map(function (x) { return AMTOOL_ROW.exec(stripOf(x, " ")); });
    if (!rows.length || rows.indexOf(null) >= 0) return null;
    var alerts = rows.map(function (m) {
      var summary = stripOf(m[3] || "", " ");
      if (summary.slice(-1) === "\u2026") summary = rstripOf(summary.slice(0, -1), " ");
      var labels = Object.create(null), annotations = Object.create(null);
      labels.alertname = m[1];
      if (summary) annotations.summary = summary;
      return { status: "firing", labels: labels, annotations: annotations, unread: null };
    });
    return alerts.filter(function (a) { return !heartbeat(a); }).concat(alerts.filter(heartbeat));
  }

  /* query._alert_paste: [the text searched, prepare's alert fields] */
  function alertPaste(text) {
    var start = text.replace(/^[ \t\n\r\ufeff]+/, ""), table = start.slice(0, 9) === "Alertname";
    if ("{[".indexOf(start[0] || "x") < 0 && !table) return [text, null];
    var data = null, alerts;
    if (table) {
      alerts = amtoolAlerts(text);
      if (!alerts) return [text, null];
    } else {
      data = pasteJson(text);
      alerts = pastedAlerts(data);
      if (!alerts) return sourcePaste(text, data);
    }
    var first = alerts[0], q = alertQuery(first);
    q = withoutEmoji(wellFormed(q.indexOf("\x1b") >= 0 ? q.replace(ANSI, "") : q));  /* "\ud83d\udd25" escapes too */
    if (!q) return [text, null];  /* an alert that says nothing ({"labels": {}}): the paste is searched */
    var said = { alert: ownAlertName(first), alerts: alerts.length,
                 alert_resolved: first.status !== "firing", alert_note: alertNote(first), alert_unread: first.unread,
                 alert_others: alerts.slice(1).map(function (a) { return named(a, heartbeat(a)); }),
                 alert_table: table };
    return [q, said];
  }

  /* query._alertname: NO_ALERTNAME for none, or one of only invisible characters; _own_alertname: "" for them */
  var NO_ALERTNAME = "(no alertname)";
  function ownAlertName(a) { var name = pyStrip(label(a, "alertname")); return hasText(name) ? name : ""; }
  function alertName(a) { return ownAlertName(a) || NO_ALERTNAME; }
  /* query._named: an alert as the note names it among a paste's others */
  function named(a, always) {
    return "'" + alertName(a) + "'" +
      (a.status !== "firing" ? RESOLVED : always ? ALWAYS_FIRING : "");
  }

  /* {text, chars, frames, middle, log_lines, log_kept, log_level, log_before, log_unlevelled, non_latin}: as
     query.Prepared (0 and "" for a text searched as it is); non_latin of what is searched, as query.prepare */
  function prepare(text, limit) {
    var p = condense(text, limit);
    /* the text as ranked (query.Prepared.searched): Slack's markup out (slackUnmarked), NFKC; text, as typed, is what
       is echoed. Mathematical bold "𝐝𝐢𝐬𝐤" is no Latin letter, "disk" is */
    var unmarked = slackUnmarked(p.text);
    p.searched = /^[\x00-\x7f]*$/.test(unmarked) ? unmarked : unmarked.normalize("NFKC");
    p.non_latin = mostlyNonLatin(p.searched);
    p.non_english = !p.non_latin && mostlyOtherLanguage(p.searched);
    return p;
  }

  function condense(text, limit) {
    limit = limit || MAX_QUERY_CHARS;
    text = String(text);
    /* colour codes out before condensing, as query.prepare: found in review, the box condensed a
       coloured paste with its codes in (lengths, and so what was kept, not the server's) */
    if (text.indexOf("\x1b") >= 0) text = text.replace(ANSI, "");
    /* emoji out, as query.prepare (util.text.without_emoji); Slack's quotes and escapes (slackUnquoted) */
    text = unfenced(slackUnquoted(withoutEmoji(text)));
    var pasted = alertPaste(text);  /* a pasted alert payload: its first firing alert, as the webhook reads it */
    text = pasted[0];
    var chars = Array.from(text).length, log = readLog(text);
    var p = { text: text, chars: chars, frames: 0, middle: 0, log_lines: 0, log_kept: 0, log_level: "", log_before: 0,
              log_unlevelled: 0, log_after: 0, log_command: 0, alert: "", alerts: 0, alert_resolved: false, alert_note: "", alert_unread: null, alert_others: [],
              alert_table: false, alert_said: "", non_latin: false, non_english: false, not_alert: "" };
    if (pasted[1]) Object.keys(pasted[1]).forEach(function (k) { p[k] = pasted[1][k]; });
    if (p.not_alert) { p.chars = 0; return p; }  /* no alert nor incident: nothing to search (query.prepare) */
    if (log) {
      p.text = text = log.text; p.log_lines = log.lines; p.log_kept = log.kept; p.log_level = log.level;
      p.log_before = log.before; p.log_unlevelled = log.unlevelled; p.log_after = log.after || 0;
      p.log_command = log.command || 0;
    }
    if (Array.from(text).length <= limit) return p;
    /* query._condensed: a text with no line FRAME or ELIDED could match is kept as it is */
    var w = FRAME_OR_ELIDED.test(text) ? withoutFrames(text.split("\n")) : { lines: [text], dropped: 0 };
    var short = Array.from(w.lines.join("\n"));
    p.frames = w.dropped;
    p.text = short.join("");
    if (short.length <= limit) return p;
    p.text = middleOut(short, limit);
    p.middle = short.length - Array.from(p.text).length;
    return p;
  }

  /* query.mostly_non_latin: most letters in a script other than Latin (the model reads English). A letter is
     \p{L}, Latin by its script property (Python reads its name; they differ on rare modifier letters only); of a
     word (between blanks) with a digit or one of _ / \\ = @ (an error code, an id, a path) the Latin letters
     are not counted */
  var NON_LATIN_NOTE = "most of this text is not in the Latin script; Recur's model reads English: the patterns it knows " +
    "are matched best by an English description, an error message or a log line";
  var LETTER = /\p{L}/u, LATIN = /\p{Script=Latin}/u, CODE = /[_\/\\=@]|\p{Nd}/u;
  function mostlyNonLatin(text) {
    if (!/[^\x00-\x7f]/.test(text)) return false;  /* query.mostly_non_latin: all ASCII, every letter Latin */
    var latin = 0, other = 0;
    text.split(/[ \t\n\r\f\v\u3000]+/).forEach(function (word) {
      var code = CODE.test(word);
      Array.from(word).forEach(function (ch) {  /* code points, as Python counts them */
        if (LETTER.test(ch)) { if (LATIN.test(ch)) latin += code ? 0 : 1; else other += 1; }
      });
    });
    return other > latin;
  }

  /* query.mostly_other_language: a text in Latin letters that reads as another language than English (at least 2
     of its words OTHER_LANGUAGE_WORDS, one not AMBIGUOUS_WORDS, more than ENGLISH_WORDS; runs of \\p{L}, lowercased,
     of the words with no digit or id character, an acronym in capitals not read). The lists are query.py's
     (tests/test_browser_search.py checks them) */
  var NON_ENGLISH_NOTE = "this text reads as another language than English; Recur's model reads English: the patterns " +
    "it knows are matched best by an English description, an error message or a log line";
  var OTHER_LANGUAGE_WORDS = new Set(`
    der die das und ist nicht ein eine einen einem einer mit auf für von den dem des sich auch wird werden
    wurde wir ich bei kein keine noch nur oder aber wenn dass sind haben seit beim zum zur vom nach über
    unter läuft mehr schon können nichts el la los las del que es está están por para con una uno pero como
    cuando muy sin sobre también hay puede pueden se al su sus desde ya otra otro cada ni le les et une
    pas sur avec dans pour qui ne ce cette au aux sont elle nous ou mais leur depuis très sans être été
    fait peut est não os da dos em um uma ao nas pelo pela foi são de het een en van niet met voor zijn
    te dat naar bij ook maar wordt geen nog kan il gli di che della delle dei anche ma più alla nel dal
    questo questa è
  `.trim().split(/\s+/));
  var ENGLISH_WORDS = new Set(`
    the a an is are was were be been being of to in on at for with and or not no it its this that these those
    from by after before when while we our they their has have had can could will would should all every out
    up into but if then than there which who what how why because so only also just very more most some any
    each other such same new now still yet again
  `.trim().split(/\s+/));
  /* query.AMBIGUOUS_WORDS: the ones English text has too (OS, "Juan de la Cruz", "die", "con"): counted only beside
     one of the others */
  var AMBIGUOUS_WORDS = new Set(`
    die es os ce con de la le les el al van von den des et en te se su ne il di da dos nas em um met dal del
    sin hay sans mit ma ya ni ou dat sus para los das della sur pas uno est
  `.trim().split(/\s+/));
  function mostlyOtherLanguage(text) {
    var other = 0, english = 0, plain = 0;
    var acronyms = /\p{Ll}/u.test(text);  /* else every word is in capitals */
    text.split(/[ \t\n\r\f\v\u3000]+/).forEach(function (word) {
      if (CODE.test(word)) return;
      (word.match(/\p{L}+/gu) || []).forEach(function (run) {
        /* a word of 2 letters or more in capitals is an acronym (ES, OS, CE), not read */
        if (acronyms && Array.from(run).length >= 2 && !/\p{Ll}/u.test(run)) return;
        run = run.toLowerCase();
        if (OTHER_LANGUAGE_WORDS.has(run)) { other += 1; if (!AMBIGUOUS_WORDS.has(run)) plain += 1; }
        if (ENGLISH_WORDS.has(run)) english += 1;
      });
    });
    return other >= 2 && plain >= 1 && other > english;
  }

  /* query.py's OTHERS_NAMED, ALWAYS_FIRING, RESOLVED, API_OTHERS, API_TABLE_OTHERS: a pasted list's other alerts in
     the note (moreAlerts) */
  var OTHERS_NAMED = 5, ALWAYS_FIRING = " (always firing)", RESOLVED = " (resolved)", UNREAD_SHOWN = 40;
  /* query.Prepared._unread: a pasted alert's status neither firing nor resolved, said (cut, in code points) */
  function unreadStatus(status) {
    if (status === null || status === undefined) return "";
    var shown = head(status, UNREAD_SHOWN) + (Array.from(status).length > UNREAD_SHOWN ? "\u2026" : "");
    return "; its status '" + shown + "' is neither firing nor resolved: read as firing";
  }
  var API_OTHERS = "to have each answered, POST the payload to /api/alertmanager";
  var API_TABLE_OTHERS = "to have one answered, POST that alert alone to /api/suggest (its name and summary)";

  /* query.Prepared._more_alerts: the other alerts named and ``others`` (without it, the API's advice) said as
     what to do about them, when one is firing and no heartbeat */
  function moreAlerts(p, others) {
    var more = p.alerts - 1;
    if (others == null) others = p.alert_table ? API_TABLE_OTHERS : API_OTHERS;  /* amtool's table: no payload */
    var names = p.alert_others.slice(0, OTHERS_NAMED);
    if (p.alert_others.length > OTHERS_NAMED) names.push((p.alert_others.length - OTHERS_NAMED).toLocaleString("en-US") + " more");
    var real = p.alert_others.some(function (x) { return !(x.endsWith(ALWAYS_FIRING) || x.endsWith(RESOLVED)); });
    return "; " + more.toLocaleString("en-US") + " more in it, not searched: " + names.join(", ") + (real ? "; " + others : "");
  }

  /* query.py's CRASHES: a crash pasted alone, by its log_level: what it is, the lines searched and what was not */
  var CRASHES = { traceback: ["Python traceback", "exception", "frames"], panic: ["Go crash", "panic", "goroutine dump"] };

  /* query.COLUMN_HEADER, the same source: a table's column header (kubectl's "NAMESPACE   LAST SEEN   TYPE …") */
  var COLUMN_HEADER = /^[A-Z][A-Z0-9_%/().:-]*(?: [A-Z][A-Z0-9_%/().:-]*)*(?:(?:\t| {2,})[ \t]*[A-Z][A-Z0-9_%/().:-]*(?: [A-Z][A-Z0-9_%/().:-]*)*)+[ \t]*$/;

  /* query.Prepared._lines_before: the note's end for the lines written before a log, kept first; the last of them
     a column header, "its column header line" (it is the log's own first line, not words written above it) */
  /* query.Prepared._lines_after: the note's end for the words written after a pasted table, searched last */
  function linesAfter(p) {
    return p.log_after ? ", and the " + p.log_after + " line" + (p.log_after === 1 ? "" : "s") + " after it" : "";
  }
  function linesBefore(p, what) {
    if (!p.log_before) return "";
    if (!COLUMN_HEADER.test(p.text.split("\n")[p.log_before - 1])) {
      return ", and the " + p.log_before + " line" + (p.log_before === 1 ? "" : "s") + " before " + what;
    }
    var header = (what === "them" ? "their" : "its") + " column header line";
    if (p.log_before === 1) return ", and " + header;
    return ", and the " + (p.log_before - 1) + " line" + (p.log_before === 2 ? "" : "s") + " before " + what + " and " + header;
  }

  /* query.Prepared.said: what a responder is told, or ""; ``others`` as Prepared.said's, a surface's own advice
     about a pasted list's other alerts (the box's: its user cannot POST the payload to /api/alertmanager) */
  function note(p, others) {
    var n = function (x) { return x.toLocaleString("en-US"); }, parts = [];
    if (p.not_alert) return p.not_alert;  /* query.Prepared.said: no alert nor incident, nothing searched */
    if (p.alert_said) parts.push(p.alert_said);  /* a pasted alert of another system (alert_sources) */
    else if (p.alerts) {  /* query.Prepared._alert_note */
      parts.push("a pasted alert: searched alert '" + (p.alert || NO_ALERTNAME) + "'" + (p.alert_resolved ? ", resolved (none in it is firing)" : "") +
                 " by its name, annotations and labels, as the webhook does" + unreadStatus(p.alert_unread) +
                 (p.alerts > 1 ? moreAlerts(p, others) : "") +
                 (p.alert_note ? "; " + rstripOf(p.alert_note, ".") : ""));
    }
    if (p.log_level === "record") {  /* a few JSON or logfmt records (query._few_records) */
      var one = p.log_lines === 1, its = one ? "its" : "their";
      parts.push("searched the " + (one ? "" : n(p.log_lines) + " ") + "JSON or logfmt record" + (one ? "" : "s") +
                 " by " + its + " message fields, not " + its + " other keys, ids and timestamps" +
                 linesBefore(p, one ? "it" : "them"));
    } else if (p.log_level === "line") {  /* a single logged line (query._one_line) */
      parts.push("searched the log line without its timestamp, host and ids");
    } else if (own(CRASHES, p.log_level)) {  /* a Python traceback (query._traceback), a Go crash (query._go_panic) */
      var crash = CRASHES[p.log_level];
      parts.push("searched the " + crash[0] + " by its " + crash[1] + " line" + (p.log_kept === 1 ? "" : "s") +
                 ", not its " + crash[2] + linesBefore(p, "it"));
    } else if (own(DESCRIBED, p.log_level)) {  /* `kubectl describe pod`, its Events table (query._described) */
      var d = DESCRIBED[p.log_level];
      parts.push("searched the " + d[0] + " by its " + n(p.log_kept) + " " + d[1][p.log_kept === 1 ? 0 : 1] + ", not its " +
                 d[2] + linesBefore(p, "it") + linesAfter(p));
    } else if (p.log_level === "pods") {  /* `kubectl get pods` (query._pod_table) */
      var others = p.log_lines - p.log_kept;
      var restarted = POD_RESTARTED.test(p.text) ? " or restarted " + POD_RESTARTS_HIGH + " times or more" : "";
      parts.push("searched the " + n(p.log_kept) + " pod" + (p.log_kept === 1 ? "" : "s") + " not running and ready" + restarted + " of a " +
                 n(p.log_lines) + "-pod kubectl get pods table (name, readiness and status), not its column header" +
                 (others ? " and the " + n(others) + " other row" + (others === 1 ? "" : "s") : "") + linesBefore(p, "it") +
                 linesAfter(p));
    } else if (own(STATUS_TABLES, p.log_level)) {  /* `kubectl get nodes`, `docker ps`, `systemctl`, `df` (query._status_table) */
      var t = STATUS_TABLES[p.log_level], rest = p.log_lines - p.log_kept, c = p.log_command;
      var left = ["its column header"].concat(c ? [c > 1 ? "the " + c + " lines of its command" : "its command line"] : [])
        .concat(rest ? ["the " + n(rest) + " other row" + (rest === 1 ? "" : "s")] : []);
      parts.push("searched the " + n(p.log_kept) + " " + t[1] + (p.log_kept === 1 ? "" : "s") + " " + t[3] + " of the " +
                 n(p.log_lines) + " in a " + t[2] + " table (" + t[4] + "), not " +
                 (left.length > 1 ? left.slice(0, -1).join(", ") + " and " + left[left.length - 1] : left[0]) +
                 linesBefore(p, "it") + linesAfter(p));
    } else if (p.log_lines) {
      var leveled = p.log_kept - p.log_unlevelled, plain = p.log_unlevelled;
      parts.push("searched the " + n(leveled) + " " + p.log_level + " line" + (leveled === 1 ? "" : "s") +
                 (plain ? " and " + n(plain) + " line" + (plain === 1 ? "" : "s") + " with no level" : "") +
                 " of a " + n(p.log_lines) + "-line log" + (p.log_level === "warning" ? " (it has no error line)" : "") +
                 linesBefore(p, "it"));
    }
    if (p.frames || p.middle) {
      var cut = [];
      if (p.frames) cut.push(n(p.frames) + " repeated stack-frame lines ('at ...', '... N more') left out");
      if (p.middle) {
        cut.push(n(p.middle) + " characters left out of its middle (its start and end are searched, and " +
                 "the Caused by / ERROR / FATAL / Exception lines between)");
      }
      var what = p.log_lines ? "those lines are" : "the text is " + n(p.chars) + " characters,";
      parts.push(what + " over the " + n(MAX_QUERY_CHARS) + " searched: " + cut.join("; then "));
    }
    if (p.non_latin) parts.push(NON_LATIN_NOTE);
    else if (p.non_english) parts.push(NON_ENGLISH_NOTE);
    return parts.join("; ");
  }

  /* Whether this browser's WebAssembly has SIMD. onnxruntime-web ships its SIMD build alone: a browser without it
     (Safari before 16.4, Chrome before 91, Firefox before 89) downloaded the 30 MB model and then failed to compile
     it. The smallest module using a SIMD instruction (wasm-feature-detect's) tells before anything is fetched. Not a
     query's business, but this is the one script that both the box (recur-suggest.js, before it loads anything) and
     the model's loader (recur-browser-search.js, which reads the page's RecurQuery as the ranker does) have. */
  var SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];
  function wasmSimd() {
    try { return typeof WebAssembly === "object" && WebAssembly.validate(new Uint8Array(SIMD_PROBE)); } catch (e) { return false; }
  }

  /* -- a typed question's typos read as the KB's words (recur/retrieval/search.py: TYPO, Searcher.corrections) --
     One copy for the in-browser ranker (assets/recur-browser/ranker.js, which reads it from here as it reads
     prepare) and the box's word search (recur-suggest.js: from disk, while the model loads, on a host with
     neither), which found nothing for "memroy leek" where every other surface read it as "memory leak". */

  /* search.TYPO, TYPO_WORD_ENDINGS and TYPO_NEVER, for the word search, which has no bundle.json to read them
     from (the ranker reads the bundle's params, written from search.py); tests/test_browser_search.py checks them */
  var TYPO = { min_letters: 4, short_letters: 3, long_at: 8, max_words: 24 };
  var TYPO_WORD_ENDINGS = ["s", "es", "er", "ers"];
  var TYPO_NEVER = ("grpc ldap nvme numa systemd containerd runc fsync fdatasync mime exec execve semver async callback " +
    "sentry jquery toml bson cron crond etcd kubelet iptables nftables sysctl ulimit inode inodes mmap mutex regex " +
    "webhook webhooks oauth saml sudo chmod chown rsync scp rpc " +
    "iops ipvs vlan cifs dockerd stomp crl crd pem jks pir pst sigint").split(" ");
  var TYPO_TRIM = "`'\"<>()[]{},;:.!?*";
  var TYPO_PLAIN = /^(?:[a-z]+|[A-Z][a-z]+)$/;
  var TYPO_SHOUTED = /^[A-Z]+$/;  /* a word in capitals, of a question typed in capitals (search.typed_in_capitals) */

  /* util.text.typo_distance: Levenshtein with two neighbouring letters swapped one edit (the optimal string
     alignment distance), or most + 1 once it is over most */
  function typoDistance(a, b, most) {
    if (Math.abs(a.length - b.length) > most) return most + 1;
    var before = null, row = [], i, j;
    for (j = 0; j <= b.length; j++) row.push(j);
    for (i = 1; i <= a.length; i++) {
      var cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(row[j] + 1, cur[j - 1] + 1, row[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
        if (before !== null && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], before[j - 2] + 1);
      }
      if (Math.min.apply(null, cur) > most) return most + 1;
      before = row;
      row = cur;
    }
    return row[b.length];
  }

  /* search.typo_words: the words of a typed question a typo may be read in (lowercased), none in a longer text;
     ``shouted``: the question is typed in capitals (typedInCapitals; undefined: the text's own) */
  function typoWords(text, p, stop, shouted) {
    var chunks = String(text).split(PY_SPLIT).filter(Boolean);  /* str.split() */
    if (chunks.length > p.max_words) return [];
    if (shouted === undefined) shouted = typedInCapitals(text);
    var out = [];
    chunks.forEach(function (chunk) {
      var w = stripOf(chunk, TYPO_TRIM);
      var plain = TYPO_PLAIN.test(w) || (shouted && TYPO_SHOUTED.test(w));
      if (plain && w.length >= (p.short_letters || p.min_letters) && !stop.has(w.toLowerCase())) out.push(w.toLowerCase());
    });
    return out;
  }

  /* search.typed_in_capitals: letters, and not one of them lowercase (caps lock): its words in capitals are words */
  function typedInCapitals(text) {
    text = String(text);
    return text.toUpperCase() === text && text.toLowerCase() !== text;
  }

  /* search.foreign_words: a text that reads as another language, or has one of its function words no English text
     has (OTHER_LANGUAGE_WORDS not AMBIGUOUS_WORDS), its words cut as typoWords cuts them: no English typos */
  function foreignWords(text) {
    if (mostlyOtherLanguage(text)) return true;
    return String(text).split(PY_SPLIT).filter(Boolean).some(function (chunk) {
      var w = stripOf(chunk, TYPO_TRIM).toLowerCase();
      return OTHER_LANGUAGE_WORDS.has(w) && !AMBIGUOUS_WORDS.has(w);
    });
  }

  /* search._one_family: words [word, stem] of one stem, or of stems that start with the shortest of them */
  function oneFamily(near) {
    if (!near.length) return true;
    var root = near.reduce(function (a, n) { return n[1].length < a.length ? n[1] : a; }, near[0][1]);
    return near.every(function (n) { return n[1].indexOf(root) === 0; });
  }

  /* Searcher's typo reading over one KB's words. ``kb``: {words: a Set of the KB's words (lowercase), indexed(w):
     whether its search has the typed word (its stem) already, targetStem(w): the stem of a KB word a typo may be
     read as (undefined: none), english(): a Set of the words the model's tokenizer has whole (an English word, no
     typo; empty without a model), stop: a Set of stop words, p: search.TYPO, endings: TYPO_WORD_ENDINGS, never:
     TYPO_NEVER}. */
  function Typos(kb) {
    this.kb = kb;
    this.never = new Set(kb.never || []);
    this.targetsBy = null;
    this.last = [null, null];  /* Searcher._readings: the last text's corrections (one entry) */
  }

  /* Searcher.corrections: [typed (lowercased), the KB's word it is read as] for each typo; none when the question
     has as many unknown words with no reading as with one (another language's) */
  Typos.prototype.corrections = function (text) {
    if (this.last[0] === text) return this.last[1];
    var kb = this.kb, out = new Map(), unread = new Set(), self = this;
    if (kb.words.size && !foreignWords(text)) {
      typoWords(text, kb.p, kb.stop).forEach(function (w) {
        if (out.has(w) || unread.has(w) || self.never.has(w) || kb.words.has(w)) return;
        if (kb.indexed(w) || self.aWord(w)) return;
        var read = self.readTypo(w);
        if (read !== null && w === "e" + read) return;  /* an errno's name (EPIPE, ESTALE): no typo, nor unread */
        if (read !== null) out.set(w, read);
        else if (w.length >= kb.p.min_letters) unread.add(w);  /* a short word unread: no sign of another language */
      });
    }
    var got = unread.size >= out.size ? [] : Array.from(out);
    this.last = [text, got];
    return got;
  };

  /* Searcher._a_word: a word the model's tokenizer has whole, or one of them with an ending: an English word */
  Typos.prototype.aWord = function (w) {
    var known = this.kb.english();
    return known.has(w) || this.kb.endings.some(function (e) {
      return w.length > e.length && w.slice(-e.length) === e && known.has(w.slice(0, -e.length));
    });
  };

  /* search.typo_targets, made at the first word that needs it: {length: [[word, its letters, its stem]]} */
  Typos.prototype.targets = function () {
    if (this.targetsBy) return this.targetsBy;
    var kb = this.kb, out = new Map();
    Array.from(kb.words).sort().forEach(function (w) {
      if (w.length < kb.p.min_letters - 2 || !/^[a-z]+$/.test(w) || kb.stop.has(w)) return;
      var stem = kb.targetStem(w);
      if (stem === undefined) return;
      if (!out.has(w.length)) out.set(w.length, []);
      out.get(w.length).push([w, new Set(w), stem]);
    });
    return (this.targetsBy = out);
  };

  /* search.read_typo: the KB word a typed word reads as, or null */
  Typos.prototype.readTypo = function (word) {
    var most = word.length < this.kb.p.long_at ? 1 : 2, letters = new Set(word), targets = this.targets();
    var near = [], best = most;
    /* a short word (under min_letters): a dropped letter alone, a KB word one letter longer */
    var short = word.length < this.kb.p.min_letters;
    for (var n = short ? word.length + 1 : word.length - most; n <= word.length + most; n++) {
      (targets.get(n) || []).forEach(function (t) {
        var apart = 0;
        letters.forEach(function (c) { if (!t[1].has(c)) apart++; });
        t[1].forEach(function (c) { if (!letters.has(c)) apart++; });
        if (apart > 2 * most) return;
        var d = typoDistance(word, t[0], best);
        if (d <= best) {
          near = (d < best ? [] : near).concat([[t[0], t[2]]]);
          best = d;
        }
      });
    }
    /* two edits: its first letter */
    if (best > 1 || !oneFamily(near)) near = near.filter(function (x) { return x[0][0] === word[0]; });
    if (!near.length || !oneFamily(near)) return null;
    var key = function (x) { return [x[1].length, Math.abs(x[0].length - word.length), x[0]]; };
    near.sort(function (a, b) {
      var x = key(a), y = key(b);
      return x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0);
    });
    return near[0][0];
  };

  /* search.with_typos_read: the text with each typo as the KB's word it is read as, its punctuation and spacing kept */
  Typos.prototype.readTypos = function (text) {
    var read = new Map(this.corrections(text)), kb = this.kb, shouted = typedInCapitals(text);
    if (!read.size) return text;
    return String(text).split(/(\s+)/).map(function (chunk) {
      var w = stripOf(chunk, TYPO_TRIM);
      return w && read.has(w.toLowerCase()) && typoWords(w, kb.p, kb.stop, shouted).length ? chunk.replace(w, read.get(w.toLowerCase())) : chunk;
    }).join("");
  };

  /* retrieval/results.py about_no_failure and about_failure, for the box (recur-suggest.js): whether a
     no-known-pattern answer reads as no incident at all, "nothing in the knowledge base is about this". The same
     constants (NOT_A_FAILURE_BELOW, NOT_A_FAILURE_MEANINGS, NOT_A_FAILURE_MIN_WORDS, FAILURE_WORDS, FAILURE_TOKENS,
     FOUND; calibrate.VERDICT_TOP), which tests/test_not_a_failure.py checks equal Python's, and the same verdicts on
     the same answers. It read the probabilities and the meaning count alone, and called "503", "down", "sev1",
     "ci broken" and "oncall paged" about nothing (found in a responder's review). */
  var NOT_A_FAILURE_BELOW = 0.1, NOT_A_FAILURE_MEANINGS = 1, NOT_A_FAILURE_MIN_WORDS = 3, VERDICT_TOP = 3;
  var FAILURE_WORDS = "\\b(?:err\\b|error|fail|fatal|down\\b|outage|brok|break(?:s|ing|age)?\\b|crash|slow|stuck|hang(?:s|ing)?\\b|hung\\b|time[sd]? ?out|paged\\b|paging|pager|alert|firing|incident|sev ?[0-9]|p[0-9]+\\b|exception|panic|degrad|unavailable|refus|(?:connection |conn )reset|reset by peer|leak|oom|out of memory|latency|spike|lag\\b|lagg|lost\\b|loss\\b|corrupt|full\\b|exhaust|step ?down|failover|throttl|rate.?limit|deadlock|segfault|sigkill|sigterm|evict|expired|unreachable|unhealthy|not responding|not working|stale|backlog|backing up|dropp|rollback|rolled back|null ?pointer|npe\\b|traceback|stack ?trace|[45][0-9x]{2}s?\\b)";
  var FAILURE_TOKENS = "\\bE[A-Z]{3,}\\b|\\b[A-Z]+[a-z0-9]+(?:[A-Z]+[a-z0-9]*)+\\b";
  var FOUND = ["exact", "words", "identifier", "link", "id"];
  var FAILURE_WORDS_RE = new RegExp(FAILURE_WORDS, "i"), FAILURE_TOKENS_RE = new RegExp(FAILURE_TOKENS);
  function aboutFailure(text) {
    text = String(text == null ? "" : text);
    var said = text.trim();
    if ((said ? said.split(/\s+/).length : 0) < NOT_A_FAILURE_MIN_WORDS) return true;
    return FAILURE_WORDS_RE.test(text) || FAILURE_TOKENS_RE.test(text);
  }
  function aboutNoFailure(text, noKnown, results) {
    results = results || [];
    var read = results.slice(0, VERDICT_TOP), meant = 0, i;
    if (!noKnown || !read.length || aboutFailure(text)) return false;
    for (i = 0; i < results.length; i++) {
      /* a why entry found in the text itself (a signal, an identifier of one, a runbook link, an id) */
      if ((results[i].why || []).some(function (w) { return w && FOUND.indexOf(w.match) >= 0; })) return false;
    }
    for (i = 0; i < read.length; i++) {
      /* no probability (a KB under calibrate.MIN_CANDIDATES patterns) says nothing of it: not about nothing */
      if (typeof read[i].probability !== "number" || read[i].probability >= NOT_A_FAILURE_BELOW) return false;
      (read[i].why || []).forEach(function (w) { if (w && w.match === "meaning") meant += 1; });
    }
    return meant <= NOT_A_FAILURE_MEANINGS;
  }

  root.RecurQuery = { prepare: prepare, note: note, hasText: hasText, unsearched: unsearched, slackUnmarked: slackUnmarked, NOTHING_LEFT: NOTHING_LEFT, readLine: readLine, wasmSimd: wasmSimd, MAX_QUERY_CHARS: MAX_QUERY_CHARS,
                     MAX_PASTE_CHARS: MAX_PASTE_CHARS, Typos: Typos,
                     TYPO: TYPO, TYPO_WORD_ENDINGS: TYPO_WORD_ENDINGS, TYPO_NEVER: TYPO_NEVER,
                     aboutFailure: aboutFailure, aboutNoFailure: aboutNoFailure, FAILURE_WORDS: FAILURE_WORDS,
                     FAILURE_TOKENS: FAILURE_TOKENS, FOUND: FOUND, NOT_A_FAILURE_BELOW: NOT_A_FAILURE_BELOW,
                     NOT_A_FAILURE_MEANINGS: NOT_A_FAILURE_MEANINGS, NOT_A_FAILURE_MIN_WORDS: NOT_A_FAILURE_MIN_WORDS,
                     VERDICT_TOP: VERDICT_TOP, mostlyNonLatin: mostlyNonLatin, mostlyOtherLanguage: mostlyOtherLanguage,
                     OTHER_LANGUAGE_WORDS: OTHER_LANGUAGE_WORDS, AMBIGUOUS_WORDS: AMBIGUOUS_WORDS };
})(typeof globalThis !== "undefined" ? globalThis : this);
