/* Recur: a long pasted text condensed to what is searched, as recur/retrieval/query.py does (prepare):
 * each run of stack-frame lines ("\tat com.x.Y.z(Y.java:12)") keeps its first line and "... 47 more" lines
 * go; still too long, the start and the end are kept, and of the middle only the lines that say what
 * failed (Caused by:, ERROR, FATAL, an exception or error class). A stack trace puts its root cause
 * last: cut at 20,000 characters, a 34 KB trace lost it.
 *
 * One copy for the page and the in-browser ranker: the "describe what you see" box (recur-suggest.js)
 * condenses a paste before it asks the API (which refuses more than 20,000 characters) or the ranker,
 * and the ranker (assets/recur-browser/ranker.js, given this prepare) does what Engine.answer does.
 * Lengths count code points, as Python does. tests/test_browser_search.py checks it against query.py.
 * A classic script (window.RecurQuery) that Node can also import (globalThis.RecurQuery).
 */
(function (root) {
  "use strict";

  /* recur/retrieval/query.py: MAX_QUERY_CHARS, FRAMES_KEPT, HEAD_SHARE, TAIL_SHARE, LINE_CHARS, FRAME, ELIDED, TELLING */
  var MAX_QUERY_CHARS = 20000, FRAMES_KEPT = 1, HEAD_SHARE = 0.4, TAIL_SHARE = 0.4, LINE_CHARS = 500;
  var FRAME = /^[ \t]+at (?:(?:async|new) )?[A-Za-z_$<>\/\\.][\w$.<>\/:\\-]*(?:[ \t]*\(|:\d)/;
  var ELIDED = /^[ \t]*\.\.\. [0-9]+ (?:more|common frames omitted)[ \t\r]*$/;
  var TELLING = /Caused by:|\b(?:ERROR|FATAL|PANIC|SEVERE)\b|Exception|Error\b/;
  /* recur/util/text.py: ANSI (strip_ansi), what prepare takes out first, as query.prepare does */
  var ANSI = /\x1b(?:\[[0-?]{0,64}[ -\/]{0,8}[@-~]|\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)|[@-_])/g;

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

  /* {text, chars, frames, middle}: the text searched, its length before, the stack-frame lines and the
     characters of its middle left out (0 when it was within the limit) */
  function prepare(text, limit) {
    limit = limit || MAX_QUERY_CHARS;
    text = String(text);
    /* colour codes out before condensing, as query.prepare: found in review, the box condensed a
       coloured paste with its codes in (lengths, and so what was kept, not the server's) */
    if (text.indexOf("\x1b") >= 0) text = text.replace(ANSI, "");
    var chars = Array.from(text).length;
    if (chars <= limit) return { text: text, chars: chars, frames: 0, middle: 0 };
    var w = withoutFrames(text.split("\n"));
    var short = Array.from(w.lines.join("\n"));
    if (short.length <= limit) return { text: short.join(""), chars: chars, frames: w.dropped, middle: 0 };
    var cut = middleOut(short, limit);
    return { text: cut, chars: chars, frames: w.dropped, middle: short.length - Array.from(cut).length };
  }

  /* query.Prepared.note: what a responder is told, or "" */
  function note(p) {
    if (!p.frames && !p.middle) return "";
    var n = function (x) { return x.toLocaleString("en-US"); }, parts = [];
    if (p.frames) parts.push(n(p.frames) + " repeated stack-frame lines ('at ...', '... N more') left out");
    if (p.middle) {
      parts.push(n(p.middle) + " characters left out of its middle (its start and end are searched, and " +
                 "the Caused by / ERROR / FATAL / Exception lines between)");
    }
    return "the text is " + n(p.chars) + " characters, over the " + n(MAX_QUERY_CHARS) + " searched: " + parts.join("; then ");
  }

  root.RecurQuery = { prepare: prepare, note: note, MAX_QUERY_CHARS: MAX_QUERY_CHARS };
})(typeof globalThis !== "undefined" ? globalThis : this);
