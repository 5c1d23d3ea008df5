"""The query text as it is searched: one place, for every surface (CLI, API, MCP, Slack, the site).

Colour codes and emoji come out (util.text.without_emoji), a lone surrogate becomes U+FFFD, Slack's markup (a
mention, a channel, a link's brackets) and :name: emoji codes are not ranked (slack_unmarked), and a text over
MAX_QUERY_CHARS is condensed to fit rather than cut at its end. A pasted Java stack trace puts its root cause last: a 196-line,
34 KB trace ended in ``Caused by: java.io.IOException: No space left on device``, and its first
20,000 characters (all frames of the outer exception) answered "no known pattern". So:

1. each run of stack-frame lines (``\\tat com.x.Y.z(Y.java:12)``) keeps its first FRAMES_KEPT lines
   (where it was thrown) and loses the rest, and ``... 47 more`` / ``... 47 common frames omitted``
   lines go;
2. still too long: the start (HEAD_SHARE of the limit) and the end (TAIL_SHARE) are kept, each cut at
   a line end when one is near, and of the middle only the lines that say what failed (TELLING:
   ``Caused by:``, ERROR, FATAL, CRITICAL, an exception or error class, and the levels nginx and Apache write
   in lower case, ``[error]``, ``[crit]``, ``[alert]``, ``[emerg]``), the last ones first, each at most
   LINE_CHARS long.

A pasted log is searched by its error lines. 39 ordinary lines and one ``No space left on device``
at error level are what the encoder and BM25 read of a 40-line log, and the right pattern ranked 3rd
and 4th under "no known pattern" (tests/pasted_logs.py). So, before any condensing (read_log):

1. a text is a *log* when it has at least LOG_MIN_LINES non-empty lines and, of its lines that start a
   line of their own (not indented, not a stack-trace line: STACK) after the words written before it
   (below), at least LOG_SHARE are *records*:
   a JSON object, or a line that starts with a timestamp (ISO, ``2026/12/01 10:02:03``, syslog's ``Dec  1
   10:02:03``, dmesg's ``[ 8812.41]``; a time of day with no date, ``10:02:03``, only when a level, a
   host or a JSON or logfmt record follows it: a responder's timeline, "10:05:12 DB dashboards show ...",
   and a copied chat, "[10:02:41] alice: ...", are prose), klog's ``E1201 10:02:03.123 …]``, logfmt's
   ``ts=``/``time=``/``level=``, a level word (``ERROR``, ``[warn]``, ``error:``, .NET's ``fail:``), or an HTTP
   server's access line (ACCESS: nginx's and Apache's combined or common format, ``10.0.0.1 - - [06/Dec/2026:09:14:02
   +0000] "GET / HTTP/1.1" 200 ...``, and haproxy's HTTP log, ``10.0.0.1:50412 [06/Dec/2026:09:14:02.123] fe be/srv
   0/0/1/12/13 200 ...``, after syslog's prefix): a record with no level that says nothing (as a benign level)
   unless its status is a server error, 5xx, searched from its request on. Found in review: an ingress
   controller's access lines (its client's address first, no timestamp) were no records, and nginx's one ``[alert]
   ... socket() failed (24: Too many open files)`` among four of them was searched as prose, "no known pattern"
   (file-descriptor-exhaustion p 0.02; alone, p 0.94).
   Indented lines and stack-trace lines belong to the record above them and count neither way, and so
   do PostgreSQL's DETAIL, HINT, CONTEXT and STATEMENT lines and a Python traceback's last line;
2. its *error lines* are the records at an error level (LEVELS: error, fatal, critical, panic, severe,
   emerg, alert, fail; JSON's ``"level": "error"``, ``"severity": "ERROR"``, pino's 50+; klog's E and F;
   a PostgreSQL DETAIL has the level of the record it details), the first unindented line after a
   Python ``Traceback (most recent call last):`` (its exception, whatever its class is called:
   ``psycopg2.errors.DeadlockDetected: deadlock detected``), and the records with no level and the other
   unindented lines that say what failed (TELLING_TEXT: ``Caused by:``, an exception or error class, Go's
   ``panic:``, "failed", "out of memory" ...);
3. when there are some and they are fewer than half of its lines, they are searched, in order, each
   once and at most LINE_CHARS long, and beside them the records and lines with *no level*: a level says
   a line is ordinary, no level does not (the kernel's ``nf_conntrack: table full, dropping packet`` has
   none; left out for the kubelet's one error, conntrack-table-full left the first ten). Left out are the
   records at a benign level (info, debug, trace, notice, MySQL's Note and System, PostgreSQL's LOG,
   HINT, CONTEXT, STATEMENT ...), the warnings, and the stack-trace lines that say nothing (frames,
   ``Traceback``, a goroutine dump). When the lines with no level would make half the log or more (a
   host's journal: cron, sshd, systemd), the error lines alone: kept with its lines of cron, sshd and
   systemd, tests/pasted_logs.py's journal was searched nearly whole, and its three nginx ``accept4()
   failed (24: Too many open files)`` ranked ddos-abusive-traffic first (p 0.60). Half is counted on the
   distinct lines: a kernel that says "table full" five times said one thing once.
   Of a JSON or logfmt record its message fields are searched (MESSAGE_KEYS: msg, message, error,
   err.message, error.message, jsonPayload.message, Serilog's @m, or its @mt filled ...; keys, trace ids
   and timestamps are noise), of a plain one the line without its timestamp, host and level (and
   PostgreSQL's ``UTC [2211] app@db``, Spring Boot's ``1 --- [exec-7] o.a.c.C.[.[/].[x] : ``: SPRING, haproxy's
   ``(8) : `` after its ``[WARNING]`` or ``[ALERT]`` on stderr: HAPROXY_PID), of a
   .NET ``fail: Category[EventId]`` the indented lines under it that are not stack frames. A log with no
   error line is searched by its warning lines the same way (a WARN that says what went wrong is then the
   best lead); next to an error line, warnings are left out:
   in our logs they were retries and slow requests, and with them the JSON and plain logs answered "no
   known pattern" again;
4. a log of mostly error lines (a storm) is searched as it is when its records are plain lines (they are
   what it says), and as in 3. when they are all JSON or logfmt: by their message fields, each once.
   Whole, 24 identical JSON errors with a trace id each found dns-resolution-failure at p 0.06, under
   "no known pattern"; by their one message at p 0.87;
5. a log all of JSON or logfmt records, none at a warning or error level, is searched by their message
   fields, each once, as a few records are (_records); a plain one as it is.

The words written before a log are searched first, as they are: a responder's own ("payments API
returning 500s since 10:02, log below:"), or an alert's name and summary (recur.retrieval.alerts.alert_query
puts them on the first line and a log in its description on the lines after). Read by its error lines
only, the log lost them, and they are its best description: "at 100% in df" or "only 40% used, cannot
create files" is what tells disk-full from inode-exhaustion when the log says "No space left on device",
and an alertname is often a pattern's exact signal. They are the text's first non-empty lines, at most
PREAMBLE_LINES and together at most PREAMBLE_CHARS (the last one cut there), that are neither records,
stack-trace lines nor indented; the line after them is the log's. Whether the rest is a log is judged
without them: a sentence above a logged stack trace (one record) made it prose.

Prose (a postmortem, an alert, a list of symptoms, a single line) is never a log: no question of
kb/eval/cases.yml and no incident of the starter KB changed (tests/test_query_logs.py). But a few JSON or logfmt
records (fewer than LOG_MIN_LINES lines, each with a level and a message field, after the words written before
them: a line or two copied from Kibana, Loki or `kubectl logs`) are searched by their message fields, each once:
whole, a zap line's keys, trace ids and timestamp outweighed what it said (_few_records); of those at an error
level beside others only they are (else the warnings beside others), as a log's error lines are; so are a few
plain lines with a level word each, as a logger writes it (after a timestamp, bracketed or upper case: not
a typed "error: ..."), when some are at an error (else warning) level beside others. And a Python
traceback pasted alone is searched by its exception lines, a Go crash (a ``panic:`` or ``fatal error:`` and its
goroutine dump) by its panic lines: whole, their frames outweighed what failed (_traceback, _go_panic).
`kubectl get pods` pasted (its NAME, READY and STATUS columns) is searched by its pods not running and ready (or
restarted POD_RESTARTS_HIGH times or more), each as its name without a Deployment's hashes, its readiness and status
(_pod_table); `kubectl get events` by its Warning events (_event_table), `kubectl describe node` by the taints
Kubernetes sets on a node in trouble, its cordon, wrong conditions and Warning events (_node_described); `kubectl get
nodes`, `kubectl get deployments`, `kubectl top nodes`, `docker ps`, `systemctl` and `df` by their rows that say
something failed, each as what the table lists and its status cell (df's: its use column by name and its mount
point), not its healthy rows, names, IPs, ages nor the command typed above it (_status_table); the words typed under
such a table are searched after it (_words_after), and a log pasted above or under a pod or such table is read as a
log alone is, searched before or after its rows (_log_part). Slack's quoted lines and
its &lt; &gt; &amp; are read as typed first (slack_unquoted).
A single line that starts as a logger writes it is searched without what says nothing of what failed: its
timestamps (a time of day alone only where a level or host follows, as above), syslog's host and process, klog's
header, then the ids and EC2 host names after them (LINE_ID: a UUID, 16 hex digits or more, ``req=3f0c2a1e-…``,
``ip-10-0-3-17.eu-west-1.compute.internal``) or, after a timestamp, the words before its level word (as a log's
record's: PostgreSQL's ``UTC [2211] app@db``); its level word and all after it are kept, as a message is quoted
with it ("FATAL: sorry, too many clients already" is a signal). Found in review: "Too many open files" alone found
file-descriptor-exhaustion at p 0.95, after an EC2 host's name 0.42, after a timestamp, host, request and trace id
0.36; "OOMKilled" 0.99, then 0.49 (_one_line). A line with none of those before it is searched as it is: no question
of the eval sets changed.

A text within the limit is searched as it is (its error lines, for a log). The site's box and its
in-browser ranker do the same (site/theme/assets/recur-query.js, a port checked against this one by
tests/test_browser_search.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from recur.util.dates import MONTH_NAMES
from recur.util.language import AMBIGUOUS_WORDS as AMBIGUOUS_WORDS
from recur.util.language import ENGLISH_WORDS as ENGLISH_WORDS
from recur.util.language import OTHER_LANGUAGE_WORDS as OTHER_LANGUAGE_WORDS
from recur.util.language import mostly_non_latin, mostly_other_language
from recur.util.text import compatible, has_text, strip_ansi, without_emoji
from recur.util.utf8 import clean

MAX_QUERY_CHARS = 20_000  # what is searched of a text: a pasted log excerpt (the API refuses more)
MAX_PASTE_CHARS = 1_000_000  # what `recur suggest -` searches of stdin, its end (paste_tail), before condensing
FRAMES_KEPT = 1  # where it was thrown; with 2 a 34 KB trace still ranked its root cause 4th
HEAD_SHARE, TAIL_SHARE = 0.4, 0.4
LINE_CHARS = 500
# ASCII classes and flags only, no "." (JavaScript's stops at \r, U+2028, U+2029) and no \s outside a
# [\s\S]: the browser's port reads these patterns as JavaScript does
# a frame has a frame's shape, not just "at": Java/C# "at a.B.c(B.java:12)", Node "at fn (file.js:1:2)",
# "at async fn (…)", "at new Foo (…)", "at /app/x.js:1:2". Found in review: an indented timeline line
# ("  at 10:02 the deploy started") was left out as a frame. A name starts with no digit (10:02)
FRAME = re.compile(r"[ \t]+at (?:(?:async|new) )?[A-Za-z_$<>/\\.][\w$.<>/:\\-]*(?:[ \t]*\(|:\d)", re.ASCII)
ELIDED = re.compile(r"[ \t]*\.\.\. \d+ (?:more|common frames omitted)[ \t\r]*", re.ASCII)
FRAME_OR_ELIDED = re.compile(r"^[ \t]+at |\.\.\. [0-9]", re.M)  # in a text that has a line either matches
# the note for a text mostly in a non-Latin script (mostly_non_latin)
NON_LATIN_NOTE = (
    "most of this text is not in the Latin script; Recur's model reads English: the patterns it knows are "
    "matched best by an English description, an error message or a log line"
)
# the note for a text in Latin letters that reads as another language than English (mostly_other_language)
NON_ENGLISH_NOTE = (
    "this text reads as another language than English; Recur's model reads English: the patterns it knows are "
    "matched best by an English description, an error message or a log line"
)
# (and a level nginx or Apache writes: "[crit]", "[alert]", Apache's "[proxy:error]"; found in review, a 53,000-character
# paste kept its one ERROR line and lost nginx's "[alert] ... socket() failed (24: Too many open files)")
TELLING = re.compile(
    r"Caused by:|\b(?:ERROR|FATAL|PANIC|SEVERE|CRIT|CRITICAL|EMERG)\b|Exception|Error\b"
    r"|\[(?:[a-z_]+:)?(?:error|crit|alert|emerg|fatal)\]",
    re.ASCII,
)

# a pasted log (read_log). Lines are split at "\n" and trimmed of WS only (Python's strip() and JS's
# trim() take different characters off)
LOG_MIN_LINES = 8  # fewer is a few lines of output, searched as they are
LOG_SHARE = 0.6  # of the lines that start a line of their own, the records
# the words before a log, kept first: an alert's text (one line) and a sentence or two a responder writes.
# Together at most one log line's length: the model reads 256 word pieces of the query, prose runs ~3.1
# characters a piece, so 500 characters leave ~100 pieces to the first error lines (BM25 reads them all).
# Measured on a 3-sentence, 400-character description above the plain log: cut at 200 it lost its "df at
# 100%" sentence and dst-timezone-bug ranked first; at 500 (and 800) disk-full was first
PREAMBLE_LINES = 3
PREAMBLE_CHARS = LINE_CHARS
WS = " \t\r\f\v"
LEVELS = {
    "error": "ERROR ERR FATAL FTL CRIT CRITICAL PANIC DPANIC SEVERE EMERG EMERGENCY ALERT FAIL".split(),
    "warning": "WARN WARNING WRN".split(),
    # .NET's console logger writes trce/dbug/info; MySQL [Note] and [System]
    "other": "TRACE TRCE DEBUG DBG DBUG INFO INF NOTICE NOTE SYSTEM LOG VERBOSE VRB FINE".split(),
    # PostgreSQL's lines that go on with the record above: its DETAIL ("ERROR: deadlock detected", then
    # "DETAIL: Process 48121 waits for ShareLock ...") has that record's level, kept or left out with it; its
    # HINT, CONTEXT and STATEMENT (advice, where, the SQL) are left out: with them a PostgreSQL deadlock log
    # found database-deadlock at p 0.96, without them 0.99
    "same": ["DETAIL"],
    "aside": "HINT CONTEXT STATEMENT".split(),
}
LEVEL_OF = {w: kind for kind, words in LEVELS.items() for w in words}
# levels only in brackets (MySQL's "[Note]", "[System]"): bare, "SYSTEM ERROR disk controller failure" or
# "NOTE: payment capture failed" read as a harmless level and were left out beside an error (found in review)
_BRACKETED_ONLY = {"NOTE", "SYSTEM"}
_ALL = sorted(LEVEL_OF, key=lambda w: (-len(w), w))
_UP = "|".join(w for w in _ALL if w not in _BRACKETED_ONLY)
# no "word:" form for Go's "panic:" (a crash, kept whole) and for words prose starts a line with
_NO_COLON = {"PANIC", "DPANIC", *_BRACKETED_ONLY, *LEVELS["same"], *LEVELS["aside"]}
_LOW = "|".join(w.lower() for w in _ALL if w not in _NO_COLON)
_ANY = "|".join(f"{w}|{w.lower()}|{w.capitalize()}" for w in _ALL)
# a level where a record starts: ERROR, [error], <Error>, error: (a capitalised "Error:" is an exception's
# first line, not a level)
LEVEL_AT = re.compile(rf"(?:\[(?P<b>{_ANY})\]|<(?P<a>{_ANY})>|(?P<u>{_UP})\b[\]>):]*|(?P<l>{_LOW}):)[ \t]*", re.ASCII)
# a level after a few words of prefix: "[worker-3] ERROR", "app.db - ERROR -"; not inside braces (dmesg's
# "status: { DRDY ERR }" is no level: found in review, it left a kept line of "}")
LEVEL_LATER = re.compile(rf"(?:[^ \t{{]+[ \t]+){{1,5}}?(?:\[(?P<b>{_ANY})\]|(?P<u>{_UP})\b[\]>):]*)[ \t]*", re.ASCII)
# syslog's month, as it writes it: "Dec 19 10:02:41" (recur-query.js has the same list, written out)
_MONTH = "(?:" + "|".join(names[0].capitalize() for names in MONTH_NAMES) + ")"
STAMP = re.compile(
    r"(?:\[?(?:\d{4}-\d{2}-\d{2}[T ]|\d{4}/\d{2}/\d{2}[T ]|(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?"
    + _MONTH
    + r" [ \d]\d )?\d{2}:\d{2}:\d{2}[^ \t\]]*\]?|\[ *\d+\.\d+\])(?:[ \t]+|$)",
    re.ASCII,
)
# a time of day with no date starts a record only when a level, a host or a record's shape follows: a
# responder's timeline ("10:05:12 DB dashboards show ...") and a copied chat ("[10:02:41] alice: ...") are prose
CLOCK = re.compile(r"\[?\d{2}:\d{2}:\d{2}", re.ASCII)
KLOG = re.compile(r"([IWEF])\d{4}[ \t]+\d{2}:\d{2}:\d{2}(?:\.\d+)?[ \t]+\d+[ \t]+[^ \t\]]*\][ \t]*", re.ASCII)
KLOG_LEVEL = {"I": "other", "W": "warning", "E": "error", "F": "error"}
# after a timestamp: syslog's "host proc[pid]: " (not "INFO worker: ..."), a container runtime's "stdout F "
HOST = re.compile(rf"(?!(?:{_UP})\b)[\w.-]+ [\w./@()-]+(?:\[\d+\])?:[ \t]+|(?:stdout|stderr)[ \t]+[FP][ \t]+", re.ASCII)
# after Spring Boot's level: its pid, "---", the thread in brackets (Spring Boot 3 writes the application's name
# and a trace id in brackets too) and the logger, abbreviated and padded, before " : " and the message. Found in
# review: "ERROR 1 --- [http-nio-8080-exec-17] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() ..."
# was searched from its pid on. The logger is one token ("[.[/]" in it), anchored: tried once a line
SPRING = re.compile(r"(?:\d+[ \t]+)?---[ \t]+(?:\[[^\]\n]*\][ \t]*){1,3}[^ \t]+[ \t]+:(?:[ \t]+|$)", re.ASCII)
# after haproxy's level on stderr ("[WARNING]  (8) : Server be_api/api-3 is DOWN ..."; before 2.4 "[WARNING] 339/095110
# (8) : "): its date and pid, before " : " and the message
HAPROXY_PID = re.compile(r"(?:\d{3}/\d{6}[ \t]+)?\(\d+\)[ \t]+:(?:[ \t]+|$)", re.ASCII)
LOGFMT = re.compile(r"(?:ts|time|t|timestamp|level|lvl)=", re.ASCII)
# an HTTP server's access log line: nginx's and Apache's combined or common format, its client, ident, user and
# time ("10.0.0.1 - - [06/Dec/2026:09:14:02 +0000] "GET / HTTP/1.1" 200 ..."), then what is searched (group 1) with
# its status (group 2); haproxy's HTTP log (after its syslog prefix), its client:port and time, then its frontend,
# backend/server, timers and status (groups 3 and 4). A record with no level that says nothing unless its status
# is a server error (read_line)
ACCESS = re.compile(
    r"[^ \t]+ [^ \t]+ [^ \t]+ \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d+)? [+-]\d{4}\] "
    r"(\"[^\"\n]*\" (\d{3}))(?![^ \t])"
    r"|[^ \t]+:\d+ \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d+)?\] "
    r"([^ \t]+ [^ \t]+ [+-]?\d+(?:/[+-]?\d+){4} (-?\d{1,3}))(?![^ \t])",
    re.ASCII,
)
# a value in quotes, or to the line's end when its closing quote is missing (no backtracking). A key starts
# a token (the line's start, or after a blank): unanchored, findall tried a key at every character of a run of
# [\w.@-] with no "=" after it, each try to the run's end, 1.5-2.5 s for 20,000 characters (bench/log_read.py),
# the GIL held. The browser's port has no lookbehind (Safari < 16.4 cannot parse one): "(?:^|[ \t])" there
LOGFMT_FIELD = re.compile(r'(?<![^ \t])([\w.@-]+)=("(?:[^"\\]|\\[\s\S])*"?|[^ \t]*)', re.ASCII)
# what starts a logged line but says nothing of what failed (_one_line): an id (a UUID, 16 hex digits or more, or a
# key=value of a hex id with a digit in it: "req=3f0c2a1e-9b7d-…", "trace=9f1c…"), an EC2 host's name
# ("ip-10-0-3-17", "ip-10-0-3-17.eu-west-1.compute.internal")
LINE_ID = re.compile(
    r"(?:(?:[\w.@-]+=)?(?:[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}|[0-9A-Fa-f]{16,})"
    r"|[\w.@-]+=(?=[0-9A-Fa-f-]*[0-9])[0-9A-Fa-f][0-9A-Fa-f-]{7,}"
    r"|ip-\d{1,3}(?:-\d{1,3}){3}(?:\.[\w-]+)*)(?:[ \t]+|$)",
    re.ASCII,
)
# unindented lines of a stack trace or a crash dump: part of the record above, counted neither way
STACK = re.compile(
    r"Caused by:|Suppressed:|\.\.\. \d+ (?:more|common frames omitted)|Traceback \(most recent call last\)"
    r"|During handling of the above exception|The above exception was the direct cause|goroutine \d+ \["
    r"|created by |\[signal |panic:|fatal error:|(?:[\w$]+\.)*[\w$]*(?:Exception|Error|Throwable)(?::|$)"
    r"|[^ \t(]+\([^\n]*\)$",
    re.ASCII,
)
TRACEBACK = re.compile(r"Traceback \(most recent call last\)", re.ASCII)
# a Go crash (_go_panic): what it says, "panic: …" (a panic raised again in a deferred call indented under it)
# and "fatal error: …", and the runtime's "runtime: …" lines that give the reason ("runtime: out of memory:
# cannot allocate …", then "fatal error: out of memory")
GO_PANIC = re.compile(r"(?:panic|fatal error): ", re.ASCII)
GO_SAID = re.compile(r"(?:panic|fatal error|runtime): ", re.ASCII)
GO_RECOVERED = re.compile(r" \[recovered[^\]\n]*\]$", re.ASCII)  # "panic: x [recovered]", said again below it
RECOVERED = " [recovered"  # GO_RECOVERED's start, found by _without_recovered
# the rest of a Go crash, which says nothing: "[signal SIGSEGV …]", a goroutine's header ("goroutine 1
# [running]:"), a frame's call (its file:line is indented under it), "created by …", "runtime stack:", a
# cut ("...additional frames elided..."), and `go run`'s "exit status 2"
GO_DUMP = re.compile(
    r"\[signal |goroutine \d+ |[^ \t(]+\([^\n]*\)$|created by |runtime stack:$|\.\.\.additional frames elided\.\.\.$"
    r"|exit status \d+$",
    re.ASCII,
)
# what `go test` writes around a crash, left out of it (_go_panic): "=== RUN   TestX" (PAUSE, CONT, NAME) and
# "--- FAIL: TestX (0.00s)" above it, "FAIL\tgithub.com/x/y\t0.012s" and "FAIL" alone under it. Found in review:
# a crash pasted with them was searched whole. Only these whole lines, so that no log line is read as one
GO_TEST = re.compile(
    r"(?:=== (?:RUN|PAUSE|CONT|NAME) +[^ \t]+|--- FAIL: [^ \t]+ \(\d+(?:\.\d+)?s\)"
    r"|FAIL(?:[ \t]+[^ \t]+[ \t]+(?:\d+(?:\.\d+)?s|\[[^\]\n]*\]))?)$",
    re.ASCII,
)
# the line between two chained Python tracebacks
CHAINED = re.compile(r"During handling of the above exception|The above exception was the direct cause", re.ASCII)
# .NET's console logger: "fail: Orders.Data.Repo[10000]" (category and event id), its message on the indented
# lines below, bar stack frames and the end of an inner exception's trace
DOTNET_CATEGORY = re.compile(r"[\w.]+\[\d+\]", re.ASCII)
NOT_MESSAGE = re.compile(r"[ \t]*(?:File \"|--- End of )", re.ASCII)
# a line with no level that says what failed. Not haproxy's "Server be_api/api-3 is DOWN, reason: Layer4 connection
# problem, info: "Connection refused" ..." (over syslog it has no level): found in review, a 200-line haproxy log
# with one was searched whole, lb-health-check-misconfigured 1st at p 0.04 under "no known pattern"; by that line
# alone db-connection-pool-exhausted was 1st (its "Connection refused", "sessions active", "queue"), and on our own
# haproxy log (tests/pasted_logs.py haproxy_syslog) 1st at p 0.30, a known pattern, a wrong answer said surely
TELLING_TEXT = re.compile(
    r"Caused by:|Exception|Error\b|\b(?:ERROR|FATAL|PANIC|SEVERE|CRITICAL|FAILED|[Ee]rror|[Ff]ailed|[Ff]atal|panic"
    r"|segfault)\b|[Oo]ut of memory",
    re.ASCII,
)
# a JSON or logfmt record: its level is the first of LEVEL_KEYS it has; what it says, each of MESSAGE_KEYS
# it has (a text once), joined by ": "
LEVEL_KEYS = tuple("level lvl severity log.level levelname loglevel @l".split())
# (Serilog's @mt, its message template, only without its @m: filled with the record's values)
MESSAGE_KEYS = tuple(
    "msg message @m @mt event log textPayload jsonPayload.message error error.message error.msg err err.message "
    "err.msg exception exception.message exc_info @x reason cause stack_trace error.stack_trace".split()
)
# a hole of a Serilog message template: {Name}, {@Name}, {$Name}, {Name:format}, {Name,width}
HOLE = re.compile(r"\{[@$]?([A-Za-z_]\w*)(?:[,:][^{}]*)?\}", re.ASCII)
JSON_MAX_BRACKETS = 500  # a line with more is not parsed: Python's parser stops at ~1,000 levels, JS's not
# a pasted text nested deeper is no JSON (json_too_deep): Python's parser stopped at ~1,000 levels, fewer the
# deeper the call it is made in, and the browser's JSON.parse read 10,000 (found in review: an alert with a field
# nested 1,000 deep was the alert in the browser, text to Python)
JSON_MAX_DEPTH = 500
# what is not a bracket of JSON's: a string (its brackets are text), any other character
JSON_NOT_BRACKET = re.compile(r'"(?:[^"\\]|\\[\s\S])*"|[^\[\]{}"]+', re.ASCII)
# (taken out by _brackets: as one pattern, a quote no string closes was read to the text's end from each such
# quote, and 10,000 escaped quotes after 501 "{" took 11 s; bench/pathological.py)
JSON_STRING = re.compile(r'"(?:[^"\\]|\\[\s\S])*"', re.ASCII)
JSON_NOT_BRACKET_OR_QUOTE = re.compile(r'[^\[\]{}"]+', re.ASCII)


# Markdown's code fence around a paste (unfenced): a line of ``` with its info string ("```text", "```log"), and
# any other ``` (Slack's composer writes them on the first and last line of a code block). An info string (group 2)
# is written as one is: a short word of small letters, no dot ("```ERROR …", "```java.lang.NullPointerException" are
# log lines after a fence), and only where a line of ``` alone closes the block after it (unfenced): in Slack's
# style, "```oom-kill\nmemory cgroup out of memory```", the word is the log's first line. The line's start is
# matched, not looked behind at (the browser's port has no lookbehind), and its end looked ahead at: JavaScript's $
# is not Python's
# a line of ``` or ~~~ (CommonMark's two fences; a ~~~ fence line alone: ~~~ inside a line is kept)
FENCE_LINE = re.compile(r"(^|\n)[ \t]*(?:`{3,}|~{3,})([a-z][a-z0-9+#-]{0,19})?[ \t\r]*(?![^\n])", re.ASCII)
FENCE = re.compile(r"`{3,}", re.ASCII)

# Slack's own markup, as Slack's API, an export or a bot relaying a message writes it, and Slack's /recur gets it in a
# command's text (serve.slack reads it with slack_unmarked too): a mention <@U0123ABC> or <@U0123ABC|alice>, a
# channel <#C0123ABC|ops>, <!here>, <!channel>, <!everyone>, a user group <!subteam^S0123|@oncall>, a date
# <!date^1392734382^{date_short}|Feb 18>, a link <https://…|label> or <https://…>, <mailto:a@b.c|a@b.c>. Only these
# shapes (an id of capitals and digits, a digit in it; a link's scheme): a log's <html>, "a < b > c", List<String>,
# kubectl's <none>, <user@example.com> and <#include> are text. Group 1: a link's target, group 2 its label. No \s
# (JavaScript's is not Python's): recur-query.js has these very patterns
SLACK_MARKUP = re.compile(
    r"<(?:@[UW]|#[CGD])(?=[A-Z0-9]*[0-9])[A-Z0-9]{2,}(?:\|[^<>\n]*)?>"
    r"|<!(?:here|channel|everyone|subteam\^[A-Z0-9]+|date\^[^<>|\n]*)(?:\|[^<>\n]*)?>"
    r"|<((?:[a-z][a-z0-9+.-]*://|mailto:)[^<>| \t\r\n]+)(?:\|([^<>\n]*))?>",
    re.ASCII,
)
# what starts a quoted line (slack_unquoted): Slack's escaped ">", as its API sends a quote, in a text Slack escaped
# (slack_escaped), Markdown's ">" in any other; a run of them ("&gt; &gt; ", ">> ", a quote in a quote), the last
# before a blank or alone on its line
SLACK_QUOTES = ("&gt;", ">")
# a line's run of quote marks (slack_unquoted), by its mark: each before blanks and another mark, or another mark
# right after it, the last before a blank (taken with it), a "\r" or the line's end. A pattern, not a loop: a line of
# 500,000 "> " took 0.6 s a mark at a time
QUOTE_RUNS = {m: re.compile(rf"(?:{m}[ \t]*(?={m}))*{m}(?:[ \t]|(?=\r)|$)", re.ASCII) for m in SLACK_QUOTES}
# what Slack's escaping leaves in no text it sends (slack_escaped): an "&" that starts none of its three escapes, a
# "<" or ">" (outside its own markup, SLACK_MARKUP)
NOT_SLACKS = re.compile(r"&(?!amp;|lt;|gt;)|[<>]", re.ASCII)
# a line that starts with the mirror of a quote's mark (slack_unquoted, by the mark: "<", Slack's "&lt;"), or a run of
# them, before a blank or alone: a diff's old side ("< max_connections = 100"), curl -v's answer ("< HTTP/1.1 502"), a
# merge conflict's "<<<<<<< HEAD". Its text's ">" lines are the other side ("> GET /health", ">>>>>>> main"), no
# quotes. The line's start matched, not a multiline ^ (JavaScript's is not Python's), its end looked ahead at
MIRRORED = {
    "&gt;": re.compile(r"(?:^|\n)(?:&lt;)+(?:[ \t\r]|(?![^\n]))", re.ASCII),
    ">": re.compile(r"(?:^|\n)<+(?:[ \t\r]|(?![^\n]))", re.ASCII),
}
# An emoji as Slack writes it, a :name: code (a run of them: ":fire::fire:", a skin tone's ":+1::skin-tone-2:"),
# standing as a word of its own: white space or the text's ends around it (the one before it is looked at by
# _not_glued: the browser's port has no lookbehind). "ERROR:root:x", "host:8080:" and "12:30:45" are no emoji, nor is
# a name of digits alone but Slack's :100: and :1234:: Go's "listen tcp :8080: bind: address already in use" lost its
# port, and ":8080:" alone had nothing to search (found in a re-read). Its name said nothing of the failure and
# outweighed the words: ":rotating_light: :rotating_light: postgres connection pool exhausted" answered "no known
# pattern" where the words alone matched at high 85% (found in review of Slack's /recur). Unicode emoji go in prepare
# (util.text.without_emoji)
EMOJI_CODES = re.compile(r"(?::(?:100|1234|(?![0-9]{1,100}:)[a-z0-9_+'-]{1,100}):)+(?![^ \t\n\r\f\v])[ \t]*", re.ASCII)
# what Slack and Markdown format as code, where a :name: is what was typed: a ``` block, a `span` on one line
CODE = re.compile(r"```[\s\S]*?```|`[^`\n]+`", re.ASCII)


OTHERS_NAMED = 5  # a pasted list's other alerts named in the note (Prepared.said); more are counted
# what the note of a pasted list says to do about its other alerts where no surface says otherwise (/api/suggest):
# POST the payload to the webhook, which answers each alert (MCP, Slack, the box and the terminal say their own)
API_OTHERS = "to have each answered, POST the payload to /api/alertmanager"
# the same for `amtool alert query`'s table (alerts.amtool_alerts), which is no webhook payload: POSTed to the
# webhook it is refused, so the API's advice for it is a search of each alert alone
API_TABLE_OTHERS = "to have one answered, POST that alert alone to /api/suggest (its name and summary)"
ALWAYS_FIRING = " (always firing)"  # how the note names a heartbeat (retrieval.alerts.heartbeat)
RESOLVED = " (resolved)"
NO_ALERTNAME = "(no alertname)"  # how the note names a pasted alert with no name (_alertname)
# A table's column header (`kubectl get`, `docker ps`): two or more columns of capitalised names, one or more words each
# ("LAST SEEN", "CONTAINER ID"), set apart by a tab or two spaces or more. Read as words before the log (_before_log)
# and searched as before; the note names it (Prepared._lines_before). recur-query.js COLUMN_HEADER is the same source
COLUMN_HEADER = re.compile(
    r"[A-Z][A-Z0-9_%/().:-]*(?: [A-Z][A-Z0-9_%/().:-]*)*(?:(?:\t| {2,})[ \t]*[A-Z][A-Z0-9_%/().:-]*(?: [A-Z][A-Z0-9_%/().:-]*)*)+[ \t]*$",
    re.ASCII,
)
# `kubectl get pods` (_pod_table): the columns its header has (NAMESPACE first with -A, NODE and more with -o wide), what
# sets its cells apart, and the statuses of a pod that is fine (Running only with all its containers ready)
POD_COLUMNS = {"NAME", "READY", "STATUS"}
# `kubectl get events` (_event_table): the columns its header has (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; NAMESPACE
# first with -A)
EVENT_COLUMNS = {"TYPE", "REASON", "MESSAGE"}
# `kubectl describe node` (_node_described): the conditions that are fine True end so, Ready and EKS's node monitoring
# agent's KernelReady, NetworkingReady, StorageReady, ContainerRuntimeReady, AcceleratedHardwareReady (found in a
# re-read: a healthy EKS node was searched by its five "True" as wrong); any other is bad True (MemoryPressure,
# DiskPressure, PIDPressure, NetworkUnavailable, a node-problem-detector's KernelDeadlock, ReadonlyFilesystem ...)
NODE_CONDITION_OK = "Ready"
# the taints Kubernetes sets on a node in trouble (_node_described): the node lifecycle controller's not-ready,
# unreachable, memory-, disk- and pid-pressure, network-unavailable, a cordon's unschedulable, out-of-service, a cloud
# provider's uninitialized and shutdown. A taint a person set (a control plane's node-role.kubernetes.io/control-plane,
# a GPU pool's nvidia.com/gpu, dedicated=…) says nothing is wrong
NODE_TAINTS = ("node.kubernetes.io/", "node.cloudprovider.kubernetes.io/")
CELL_GAP = re.compile(r"\t[ \t]*| {2,}[ \t]*", re.ASCII)
HEADER_CELL = re.compile(r"[A-Z][A-Z0-9_%/().:-]*(?: [A-Z][A-Z0-9_%/().:-]*)*", re.ASCII)  # COLUMN_HEADER's column
POD_FINE = {"Running", "Completed", "Succeeded"}
# a pod's READY cell, its containers ready of its containers ("1/2"): a table whose READY says "True" (Flux's
# Kustomizations, External Secrets') is no pod table; read as one, its healthy rows were "pods not running and ready"
POD_READY = re.compile(r"[0-9]+/[0-9]+", re.ASCII)
# a Deployment's pod's name ends in its ReplicaSet's hash and its own suffix, of the letters and digits Kubernetes
# writes them in (no vowel, no 0, 1, 3): "payments-api-84c7f5d9b-t7w2r" is searched as "payments-api"
POD_HASH = re.compile(r"-[bcdfghjklmnpqrstvwxz2456789]{5,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$", re.ASCII)
# a pod running and ready that restarted this often (its RESTARTS cell, "38 (4m12s ago)") is searched too, as
# "ledger-api 1/1 Running restarted 38 times": a container that crashes and comes back between two `kubectl get pods`
# shows Running. A judgement, not a measure: kubelet's back-off is up to 5 minutes after a few restarts, and a pod of
# weeks restarted once or twice by a node's drain says nothing failed
POD_RESTARTS_HIGH = 5
POD_RESTARTED = re.compile(r" restarted [0-9]+ times$", re.M | re.ASCII)  # such a pod's line (Prepared._pods_note)
LEADING_NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)  # (a count, as JavaScript reads it exactly)
# docker ps: a container's id (12 hex digits, 64 with --no-trunc), the states its STATUS starts with, the age that
# follows them ("Exited (137) 2 minutes ago", "Up 5 days (healthy)", "Up About an hour"), out; fine: up and not unhealthy,
# exited with code 0, created and never started, paused (by a person)
CONTAINER_ID = re.compile(r"[0-9a-f]{12}(?:[0-9a-f]{52})?", re.ASCII)
CONTAINER_STATE = re.compile(r"(?:Up|Exited|Restarting|Created|Dead|Paused|Removal In Progress)\b", re.ASCII)
CONTAINER_AGE = re.compile(
    r" (?:About |Less than )?(?:an?|\d+) (?:second|minute|hour|day|week|month|year)s?(?: ago)?", re.ASCII
)
CONTAINER_FINE = re.compile(r"Up(?!.*\(unhealthy\))|Exited \(0\)|Created|Paused", re.ASCII)
# systemctl list-units and --failed: a row's mark (● in colour, * without), the LOAD and ACTIVE values it writes, the
# ones searched (a unit that failed, one whose file is missing or wrong), and the legend under the table: "LOAD   = …"
# before systemd 250, "Legend: LOAD   → …" then "        ACTIVE → …" since (found in a re-read: that legend was read as no
# row, the table as none, searched whole)
UNIT_MARK = "●*"
UNIT_LOADS = {"loaded", "not-found", "bad-setting", "error", "masked", "stub", "merged"}
UNIT_ACTIVES = {"active", "reloading", "inactive", "failed", "activating", "deactivating", "maintenance", "refreshing"}
UNIT_BAD_LOADS = {"not-found", "bad-setting", "error"}
# the jobs systemd writes in list-units' JOB column (its header has one while a job is queued); its cell is empty for
# a unit with none, so a row's fifth word is its job only when it is one of these (a description is capitalised)
UNIT_JOBS = {"start", "stop", "reload", "restart", "verify-active", "verify-started", "try-restart", "try-reload"}
UNIT_JOBS |= {"reload-or-start", "nop"}
UNIT_LEGEND = re.compile(
    r"(?:Legend:[ \t]+)?(?:LOAD|ACTIVE|SUB|JOB)[ \t]*[=→] |\d+ loaded units? listed|To show all installed unit files"
    r"|Pass --all to see",
    re.ASCII,
)
# df (-h, -T, -i, -P): its use columns (of bytes, inodes, macOS's Capacity) and what is free beside them, a row's use,
# and what is full: at DISK_FULL_AT or more, but a snap's squashfs, always 100% (a loop device, mounted under /snap/).
# With the free column: df -h's mount at 100%, disk-full high 0.88, then 0.93; df -i's root at 100%, inode-exhaustion
# high with disk-full high beside it (0.87), then disk-full medium
DF_USE = ("Use%", "IUse%", "Capacity")
DF_FREE = ("Avail", "IFree", "Available")
DF_PERCENT = re.compile(r"([0-9]{1,3})%", re.ASCII)
DISK_FULL_AT = 90
# `kubectl top nodes`: its percent columns (CPU%, or CPU(%) as newer kubectl writes them) and the use at which a node's
# row is searched, as df's: a node at 90% of its allocatable memory or more is near the kubelet's eviction, one at 90%
# CPU or more is saturated. `kubectl top pods` has no percent (a pod's use of what? its limits are not in it): no rule,
# searched as it is
USAGE_PERCENTS = ("CPU%", "CPU(%)", "MEMORY%", "MEMORY(%)")
USAGE_HIGH_AT = 90
# df's columns as coreutils' French, German, Spanish, Italian, Brazilian and Polish translations write them (its .mo
# files), read and searched as the English names (found in a re-read: `df -h` of a French locale, "Sys. de fichiers
# … Uti% Monté sur", was no table, searched whole)
DF_LOCALES = {
    **dict.fromkeys(
        ("Sys. de fichiers", "Dateisystem", "S.ficheros", "File system", "Sist. Arq.", "System plików"), "Filesystem"
    ),
    **dict.fromkeys(
        ("Monté sur", "Eingehängt auf", "Montado en", "Montato su", "Montado em", "zamont. na"), "Mounted on"
    ),
    **dict.fromkeys(("blocs de 1K", "bloques de 1K", "Blocos de 1K"), "1K-blocks"),  # (df without -h)
    **dict.fromkeys(("Uti%", "Verw%", "Uso%", "%uż."), "Use%"),
    **dict.fromkeys(("IUti%", "NUso%", "IUso%", "%uż.I"), "IUse%"),
    **dict.fromkeys(("Dispo", "Verf.", "Disp", "Dispon.", "Disp.", "dost."), "Avail"),
    **dict.fromkeys(("ILibre", "IFrei", "NLibres", "ILiberi", "ILivre", "wolneI"), "IFree"),
    **dict.fromkeys(("Disponible", "Verfügbar", "Disponibles", "Disponib.", "Disponível", "dostępne"), "Available"),
}
# a word one of STATUS_TABLES' headers has, each: a line with none is no header, not read further (a table's header is
# looked for in every line of a paste, after a log too: df's header read as words on each of 250,000 lines took 20 s)
DF_MOUNT_WORD = re.compile(r"Mounted|Monté|Eingehängt|Montado|Montato|zamont\.")  # of df's, in DF_LOCALES' too
STATUS_HEADER_WORD = re.compile(rf"NAME|CONTAINER ID|UNIT|{DF_MOUNT_WORD.pattern}")
# df's header's first word and its last two, as written or translated (DF_LOCALES): a line without them is no df header,
# not translated (found in a re-read: 75,000 lines of "NAME Mounted" each translated, _df_english, took 2.8 s, not 0.5)
DF_FIRST_WORDS = {"Filesystem", *(k.split(" ")[0] for k, v in DF_LOCALES.items() if v == "Filesystem")}
DF_MOUNTED_ON = {"Mounted on", *(k for k, v in DF_LOCALES.items() if v == "Mounted on")}
# the most columns a STATUS_TABLES header has (kubectl get nodes -o wide: 10): more is none of them, and each row's cells
# read by a header of 300,000 columns took time growing with the square of the paste
STATUS_MAX_COLUMNS = 16
# the command a STATUS_TABLES table is the output of, in a line typed above it ("$ docker ps -a", "root@db-2:~# df -h"):
# not searched, the note names the table (found in review: "kubectl" and "docker" searched beside "node NotReady" and
# "container Restarting (1)" found image-pull-failure, whose text names them, "no known pattern" and medium)
STATUS_COMMANDS = {
    "nodes": re.compile(r"(?:^|[ \t$#>])kubectl[ \t].*\bget[ \t]+(?:nodes?|no)\b", re.ASCII),
    "deployments": re.compile(r"(?:^|[ \t$#>])kubectl[ \t].*\bget[ \t]+deploy(?:ments?)?\b", re.ASCII),
    "usage": re.compile(r"(?:^|[ \t$#>])kubectl[ \t].*\btop[ \t]+(?:nodes?|no)\b", re.ASCII),
    "containers": re.compile(r"(?:^|[ \t$#>])(?:docker|podman)[ \t]+(?:ps|container[ \t]+ls)\b", re.ASCII),
    "units": re.compile(r"(?:^|[ \t$#>])systemctl\b", re.ASCII),
    "filesystems": re.compile(r"(?:^|[ \t$#>])df\b", re.ASCII),
}
# other commands' tables pasted (_status_table), each known by its header and read a row at a time: a row that says
# something failed is searched as what the table lists ("node", "container") and its status cell, or, of df, its use
# column by name and its mount point, each once; healthy rows, names with hashes, IPs, ages and sizes are not. By kind
# (the Log's level): the columns its header has, its row's noun, what the note calls the table, the rows searched and
# what of them. Found in review: `kubectl get nodes` with one NotReady node of six, `docker ps -a` with a container
# "Exited (137) 2 minutes ago" among healthy ones and `df -h` with a mount at 100% were each "no known pattern", the
# healthy rows, IPs, images and sizes searched
STATUS_TABLES = {
    "nodes": ({"NAME", "STATUS", "ROLES", "VERSION"}, "node", "kubectl get nodes", "not Ready", "status"),
    "deployments": (
        {"NAME", "READY", "UP-TO-DATE", "AVAILABLE"},
        "deployment",
        "kubectl get deployments",
        "not all ready and available",
        "name, readiness and available replicas",
    ),
    "usage": (
        {"NAME", "CPU(cores)", "MEMORY(bytes)"},
        "node",
        "kubectl top nodes",
        f"at {USAGE_HIGH_AT}% CPU or memory or more",
        "CPU% and MEMORY%",
    ),
    "containers": (
        {"CONTAINER ID", "IMAGE", "STATUS", "NAMES"},
        "container",
        "docker ps",
        "not up and healthy",
        "status",
    ),
    "units": (
        {"UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION"},
        "unit",
        "systemctl",
        "failed or not loaded",
        "name, state and description",
    ),
    "filesystems": (
        {"Filesystem", "Mounted on"},
        "filesystem",
        "df",
        f"{DISK_FULL_AT}% full or more",
        "free, use and mount point",
    ),
}
# `kubectl describe pod` (_described): its sections (a line "Key:" from column 1), the containers' sections, what of
# a container's State and Last State is read, a Warning event's row (type, reason, age with its "(x4 over 3m)", the
# source, "kubelet" or "kubelet, node-1", then the message), and what a message names that says nothing of what
# failed (POD_UID: a pod's uid, "pod x_ns(uid)", and an image's digest, which left a rate limit's message past LINE_CHARS)
DESCRIBE_SECTION = re.compile(r"[A-Z][A-Za-z ]*", re.ASCII)
DESCRIBE_STATES = ("State", "Last State")
# the values kubectl writes a State as (describeContainerState): an env var "State: on" under Environment is none
DESCRIBE_STATE_VALUES = ("Running", "Waiting", "Terminated")
DESCRIBE_STATE_SAYS = ("Reason", "Exit Code", "Signal", "Message")
EVENT_ROW = re.compile(
    r"Warning[ \t]+([^ \t]+)[ \t]+[^ \t]+(?: \(x\d+ over [^ \t)]+\))?[ \t]+(?:[^ \t,]+,[ \t]*)?[^ \t]+[ \t]+([^ \t][\s\S]*)",
    re.ASCII,
)
EVENTS_HEADER = ["Type", "Reason", "Age", "From", "Message"]
BLANKS = re.compile(r"[ \t\r\f\v]+", re.ASCII)
POD_UID = re.compile(r"\([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\)|@?sha256:[0-9a-f]{64}", re.ASCII)
UNREAD_SHOWN = 40  # characters of a pasted alert's unread status the note quotes (Prepared._unread)
# what an answer's query_note says of a text with nothing to search once read (Prepared.unsearched): the engine
# answers it with no verdict, nothing searched, where the API, MCP, Slack and `recur suggest` refuse a text that
# shows nothing; a text of code fences alone ("```") shows something and is read as ""
NOTHING_LEFT = (
    "the text has nothing to search (it is empty, or white space, invisible characters, code fences or Slack's "
    "mentions and emoji codes alone)"
)
# a crash pasted alone, by its log_level: what it is, the lines searched and what was not (Prepared.said)
# what the note says of `kubectl describe pod` and its Events table alone (_described), by log_level: what it is,
# the lines searched (one, more) and what was not
DESCRIBED = {
    "describe": (
        "kubectl describe pod output",
        ("line of a container's state or a Warning event", "lines of containers' states and Warning events"),
        "labels, annotations, IPs, mounts, volumes, tolerations, conditions and Normal events",
    ),
    "events": ("kubectl Events table", ("Warning event", "Warning events"), "Normal events"),
    "node": (
        "kubectl describe node output",
        ("line of a taint, a condition or a Warning event", "lines of taints, conditions and Warning events"),
        "labels, annotations, addresses, capacity, pods and Normal events",
    ),
}
CRASHES = {
    "traceback": ("Python traceback", "exception", "frames"),  # _traceback
    "panic": ("Go crash", "panic", "goroutine dump"),  # _go_panic
}


@dataclass(frozen=True)
class Prepared:
    """The text searched, and what was left out of it: of a log (read_log), all but its ``log_kept``
    lines (at ``log_level`` "error", or "warning" when it had no error line, and ``log_unlevelled`` of them
    with no level) of its ``log_lines`` non-empty lines, and the ``log_before`` lines before it, kept
    first (``log_level`` "record": a few JSON or logfmt records, by their messages); then, over the limit,
    ``frames`` stack-frame lines and ``middle`` characters from the middle. All 0 (and ``log_level``
    "") when the text was searched as it is."""

    text: str
    chars: int  # the text's length before condensing
    frames: int = 0
    middle: int = 0
    log_lines: int = 0
    log_kept: int = 0
    log_level: str = ""
    log_before: int = 0
    log_unlevelled: int = 0
    log_after: int = 0  # the lines written after a pasted table (_words_after), searched last
    log_command: int = 0  # the lines before a STATUS_TABLES table that are its command (_status_table), not searched
    # a pasted alert payload (retrieval.alerts): its first firing alert's name ("" for none: the note says NO_ALERTNAME;
    # kept apart, an alert named "(no alertname)" is named, pasted_log.record_title), how many alerts it had, whether
    # none was firing, and what its datasource problem means (alert_note); searched is that alert's query
    alert: str = ""
    alerts: int = 0
    alert_resolved: bool = False
    alert_note: str = ""
    # its status, when neither "firing" nor "resolved" (the webhook refuses it): read as firing (alerts._status)
    alert_unread: str | None = None
    # the other alerts of the paste, in the order after it, each named as the note names it ("'X'", "'Watchdog'
    # (always firing)"): a surface whose user cannot POST the payload to /api/alertmanager is told which they are
    alert_others: tuple[str, ...] = ()
    # the alerts were `amtool alert query`'s table, not a JSON payload: the API's advice is API_TABLE_OTHERS
    alert_table: bool = False
    # a pasted alert of another system (retrieval.alert_sources: CloudWatch, Datadog, PagerDuty, Opsgenie, Azure,
    # Google): what the note says of it ("a pasted AWS CloudWatch alarm: searched alarm 'X' by ..."), said instead
    # of the above
    alert_said: str = ""
    # most of the letters searched are in a non-Latin script (non_latin): the model reads English
    non_latin: bool = False
    # its words read as another language in Latin letters (mostly_other_language): the model reads English
    non_english: bool = False
    # a paste that is no alert nor incident, what it is (alert_sources.sns_subscription: an Amazon SNS subscription
    # message): nothing is searched (``text`` is ""), and the note says so first
    not_alert: str = ""

    @property
    def unsearched(self) -> str:
        """Why nothing of the text is searched, or "": a paste that is no alert nor incident (``not_alert``), or a text
        with nothing left to search once read (NOTHING_LEFT: "", white space, an empty code fence, a Slack mention alone). Such a text was
        searched as "" and answered "no known pattern" (``engine.answer("")``; "```json\n```" by the API, MCP and `recur suggest`, which
        take it as text): nothing was searched, so the answer has no verdict, as for the SNS confirmation."""
        return self.not_alert or ("" if has_text(self.searched) else NOTHING_LEFT)

    @cached_property
    def searched(self) -> str:
        """``text`` as it is ranked: without Slack's markup and :name: emoji codes (slack_unmarked), in compatibility
        forms (util.text.compatible: "ＤＩＳＫ ＦＵＬＬ" as "DISK FULL"). ``text`` is what the answer echoes, as typed.
        Read once per Prepared (unsearched, the ranking, the language flags read it): cached in the instance's
        ``__dict__``, no field, so equality, hash and ``dataclasses.replace`` (which recomputes it) are the fields'."""
        return compatible(slack_unmarked(self.text))

    @property
    def note(self) -> str | None:
        """What a responder is told when the text was condensed, or None."""
        return self.said()

    def said(self, others: str | None = None) -> str | None:
        """``note``, with ``others``, when given, as what to do about a pasted list's other alerts, which are
        then named: a surface's own way (MCP, Slack), where "POST the payload to /api/alertmanager" (the API's
        and the terminal's) is nothing its user can do."""
        if self.not_alert:
            return self.not_alert
        parts = [self._alert_note(others)] if self.alerts else []
        if self.log_level == "record":  # a few JSON or logfmt records (_few_records)
            parts.append(self._records_note())
        elif self.log_level == "line":  # a single logged line (_one_line)
            parts.append("searched the log line without its timestamp, host and ids")
        elif self.log_level in CRASHES:  # a Python traceback (_traceback), a Go crash (_go_panic)
            what, kept, rest = CRASHES[self.log_level]
            s = "" if self.log_kept == 1 else "s"
            parts.append(f"searched the {what} by its {kept} line{s}, not its {rest}{self._lines_before()}")
        elif self.log_level == "pods":  # `kubectl get pods` (_pod_table)
            parts.append(self._pods_note())
        elif self.log_level in STATUS_TABLES:  # `kubectl get nodes`, `docker ps`, `systemctl`, `df` (_status_table)
            parts.append(self._status_note())
        elif self.log_level in DESCRIBED:  # `kubectl describe pod`, its Events table (_described)
            what, (one, more), rest = DESCRIBED[self.log_level]
            kept = one if self.log_kept == 1 else more
            parts.append(
                f"searched the {what} by its {self.log_kept:,} {kept}, not its {rest}{self._lines_before()}"
                f"{self._lines_after()}"
            )
        elif self.log_lines:
            leveled, plain = self.log_kept - self.log_unlevelled, self.log_unlevelled
            s, p = ("" if n == 1 else "s" for n in (leveled, plain))
            plain_lines = f" and {plain:,} line{p} with no level" if plain else ""
            why = " (it has no error line)" if self.log_level == "warning" else ""
            parts.append(
                f"searched the {leveled:,} {self.log_level} line{s}{plain_lines} of a {self.log_lines:,}-line log"
                f"{why}{self._lines_before()}"
            )
        if self.frames or self.middle:
            cut = []
            if self.frames:
                cut.append(f"{self.frames:,} repeated stack-frame lines ('at ...', '... N more') left out")
            if self.middle:
                cut.append(
                    f"{self.middle:,} characters left out of its middle (its start and end are searched, and "
                    "the Caused by / ERROR / FATAL / Exception lines between)"
                )
            what = "those lines are" if self.log_lines else f"the text is {self.chars:,} characters,"
            parts.append(f"{what} over the {MAX_QUERY_CHARS:,} searched: {'; then '.join(cut)}")
        if self.non_latin:
            parts.append(NON_LATIN_NOTE)
        elif self.non_english:
            parts.append(NON_ENGLISH_NOTE)
        return "; ".join(parts) or None

    def _alert_note(self, others: str | None) -> str:
        if self.alert_said:
            return self.alert_said
        resolved = ", resolved (none in it is firing)" if self.alert_resolved else ""
        more = self._more_alerts(others) if self.alerts > 1 else ""
        name = self.alert or NO_ALERTNAME  # "" for none
        said = f"a pasted alert: searched alert '{name}'{resolved} by its name, annotations and labels, as "
        note = f"; {self.alert_note.rstrip('.')}" if self.alert_note else ""
        return said + "the webhook does" + self._unread() + more + note

    def _unread(self) -> str:
        """What the note says of a status neither "firing" nor "resolved": the webhook refuses it (a 422), a paste
        is read, the status as firing (alerts._status), and said, a long one cut (a status of 5,000 characters)."""
        if self.alert_unread is None:
            return ""
        shown = self.alert_unread[:UNREAD_SHOWN] + ("…" if len(self.alert_unread) > UNREAD_SHOWN else "")
        return f"; its status '{shown}' is neither firing nor resolved: read as firing"

    def _more_alerts(self, others: str | None) -> str:
        """The other alerts of a pasted list, named, and ``others`` (by default the API's advice, API_OTHERS)
        said as what to do about them: unnamed, "1 more in it" left a reader of the API or the terminal to
        guess which alert was not searched (found in review)."""
        more = self.alerts - 1
        if others is None:  # the API's: a table cannot be POSTed to the webhook as a JSON payload can
            others = API_TABLE_OTHERS if self.alert_table else API_OTHERS
        names = list(self.alert_others[:OTHERS_NAMED])
        if len(self.alert_others) > OTHERS_NAMED:
            names.append(f"{len(self.alert_others) - OTHERS_NAMED:,} more")
        # what to do is said when one of them is firing and no heartbeat: a heartbeat's answer is no use
        real = any(not n.endswith((ALWAYS_FIRING, RESOLVED)) for n in self.alert_others)
        return f"; {more:,} more in it, not searched: {', '.join(names)}" + (f"; {others}" if real else "")

    def _pods_note(self) -> str:
        kept, others = self.log_kept, self.log_lines - self.log_kept
        s, o = ("" if n == 1 else "s" for n in (kept, others))
        rest = f" and the {others:,} other row{o}" if others else ""
        # a pod running and ready but restarted often (POD_RESTARTS_HIGH) is named so only when the table had one
        restarted = f" or restarted {POD_RESTARTS_HIGH} times or more" if POD_RESTARTED.search(self.text) else ""
        return (
            f"searched the {kept:,} pod{s} not running and ready{restarted} of a {self.log_lines:,}-pod kubectl get "
            f"pods table (name, readiness and status), not its column header{rest}{self._lines_before()}"
            f"{self._lines_after()}"
        )

    def _status_note(self) -> str:
        _, noun, what, bad, said = STATUS_TABLES[self.log_level]
        kept, others = self.log_kept, self.log_lines - self.log_kept
        s, o = ("" if n == 1 else "s" for n in (kept, others))
        c = self.log_command
        left = ["its column header"] + ([f"the {c} lines of its command" if c > 1 else "its command line"] if c else [])
        left += [f"the {others:,} other row{o}"] if others else []
        left = f"{', '.join(left[:-1])} and {left[-1]}" if len(left) > 1 else left[0]
        return (
            f"searched the {kept:,} {noun}{s} {bad} of the {self.log_lines:,} in a {what} table ({said}), not "
            f"{left}{self._lines_before()}{self._lines_after()}"
        )

    def _records_note(self) -> str:
        one = self.log_lines == 1
        what, its = ("JSON or logfmt record", "its") if one else (f"{self.log_lines:,} JSON or logfmt records", "their")
        before = self._lines_before("it" if one else "them")
        return f"searched the {what} by {its} message fields, not {its} other keys, ids and timestamps{before}"

    def _lines_after(self) -> str:
        """The note's end for the words written after a pasted table, searched last: ", and the 1 line after it"."""
        if not self.log_after:
            return ""
        return f", and the {self.log_after} line{'' if self.log_after == 1 else 's'} after it"

    def _lines_before(self, what: str = "it") -> str:
        """The note's end for the lines written before a log, kept first: ", and the 2 lines before it"; the last of
        them a table's column header (COLUMN_HEADER: kubectl's "NAMESPACE   LAST SEEN   TYPE …"), "its column header
        line": it is the log's own first line, and "the 1 line before it" named it as words a person wrote above the
        log (found in a responder's review)."""
        if not self.log_before:
            return ""
        if not COLUMN_HEADER.match(self.text.split("\n")[self.log_before - 1]):
            b = "" if self.log_before == 1 else "s"
            return f", and the {self.log_before} line{b} before {what}"
        header = f"{'their' if what == 'them' else 'its'} column header line"
        if self.log_before == 1:
            return f", and {header}"
        b = "" if self.log_before == 2 else "s"
        return f", and the {self.log_before - 1} line{b} before {what} and {header}"


def paste_cut(text: str, limit: int = MAX_PASTE_CHARS) -> tuple[str, int]:
    """(``text`` cut to at most ``limit`` characters at the end of a line, the characters left out): what is read of
    a text longer than a paste (an alert's text, retrieval.alerts). Cut mid-line, the last line's fragment was
    searched as a line of its own, and nothing said that the rest was not read (found in review). A text with no
    line end in its first ``limit`` characters is cut there."""
    if len(text) <= limit:
        return text, 0
    end = text.rfind("\n", 0, limit + 1)
    kept = text[:end] if end > 0 else text[:limit]
    return kept, len(text) - len(kept)


def paste_tail(text: str, limit: int = MAX_PASTE_CHARS) -> tuple[str, int]:
    """(``text``'s last lines, at most ``limit`` characters from the start of a line, the characters left out before
    them): what is read of a log longer than a paste piped to `recur suggest -`. A log's newest lines are its last,
    where the error is: the first ``limit`` kept 1,000,000 characters of a pod's start-up and lost the error that
    made the responder run it (found in review). A last line longer than ``limit`` is cut at its start."""
    if len(text) <= limit:
        return text, 0
    start = text.find("\n", len(text) - limit - 1)
    kept = text[start + 1 :] if 0 <= start < len(text) - 1 else text[-limit:]
    return kept, len(text) - len(kept)


def over_paste_tail(what: str, kept: int, dropped: int, stopped: bool) -> str:
    """What a responder is told of a piped text over MAX_PASTE_CHARS, of which its last ``kept`` characters are
    searched (paste_tail) and the ``dropped`` bytes before them are not; ``stopped``: reading stopped before the
    pipe's end (a log followed with -f)."""
    read = f"the {dropped:,} bytes before them are not searched"
    if stopped:
        read += "; reading stopped there (a log followed with -f never ends)"
    return (
        f"{what} holds more than {MAX_PASTE_CHARS:,} characters; searching its last {kept:,}, the newest lines ({read})"
    )


def over_paste_limit(what: str, kept: int, dropped: int | None = None) -> str:
    """What a responder is told of a text over MAX_PASTE_CHARS, cut to its first ``kept`` characters: the words of
    `recur suggest -` for stdin (which reads no more, so cannot count the rest: ``dropped`` None), the webhook's
    query_note for an alert's text (paste_cut)."""
    rest = "the rest" if dropped is None else f"the rest, {dropped:,} characters,"
    return f"{what} holds more than {MAX_PASTE_CHARS:,} characters; reading its first {kept:,} ({rest} is not read)"


def unfenced(text: str) -> str:
    """``text`` without the Markdown code fences a log is pasted in (a chat, an issue, an agent's message): each
    fence line with its info string ("```text") gone, each other ``` a line end (FENCE_LINE, FENCE). A fence is
    formatting, not what was seen. Kept, it was a line of the log: a 5-line log in ``` was no log ("Searched the 2
    error lines of a 5-line log", db-connection-pool-exhausted high 93%, became medium 60% with no note), and a
    1,500-line one counted its closing fence as "1 line with no level" (found in an integrator's review; Slack
    unfenced its commands itself, so its answers differed from MCP's and the API's). In Slack's record line each ```
    closed the description's shell quotes. A word glued to the opening ``` is its info string only when a line of
    ``` alone follows: "```java.lang.NullPointerException\n\tat …```" searched only its frames (found in review).
    A ~~~ fence line goes as a ``` one does: a log in ~~~ was searched with its fences as lines, and a record's
    Summary in ~~~ (pasted_log.as_said) differed from the same in ``` (found in review)."""
    if "```" not in text and "~~~" not in text:
        return text
    lines = list(FENCE_LINE.finditer(text))
    # where the last line of ``` alone starts: an info string before it opens a block it closes
    closing = max((m.start() for m in lines if not m.group(2)), default=-1)

    def out(m: re.Match) -> str:
        return m.group(1) if not m.group(2) or m.start() < closing else m.group(0)

    return FENCE.sub("\n", FENCE_LINE.sub(out, text))


def slack_unquoted(text: str, escaped: bool = True, quoted: bool = True) -> str:
    """``text`` without the quote marks that start its quoted lines (SLACK_QUOTES: Slack's "&gt; ", as its API, an
    export or a bot relaying a message sends a quote, or Markdown's "> "; a run of them, "&gt; &gt; " or ">> ", a
    quote in a quote), then with Slack's three escapes, &lt;, &gt; and &amp; (the last last: "&amp;lt;" is "&lt;"),
    as the characters typed; a line at a time, no ``^`` (JavaScript's multiline ``^`` is not Python's). Found in a
    responder's review: a pod table quoted in Slack, each line after "&gt; ", was no table, searched whole
    (bad-deploy-crashloop medium 0.72); unquoted, by its failing pods, high 0.82. Only a text Slack escaped
    (slack_escaped) has its escapes read, once, and its "&gt; " read as a quote's mark: an HTML snippet or a log
    pasted into the API, MCP, `recur suggest` or the box, with a "<", an "&quot;" or an "&" of its own, keeps its
    "&amp;" and "&lt;" as written (found in review: "<p>Tom &amp; Jerry</p>" was searched and echoed as
    "<p>Tom & Jerry</p>"). Slack's /recur unescapes its commands itself (serve.slack) and passes
    ``escaped=False``: what is left is as typed, its "&lt;" too, and only Markdown's "> " marks a quote (read
    twice, a typed "&lt;x&gt;" was searched, echoed and titled as "<x>": found in a re-read). Prose quoted or
    escaped answered the same either way (the model and BM25 read no "&gt;"): this is for what is read by its
    shape, a table, a log, an alert's JSON. A text with a line starting "< " (MIRRORED: a diff, curl -v's output, a
    merge conflict) keeps its "> " lines as written: they are its other side, no quotes (found in a re-read: curl
    -v's "> GET /health" was searched and echoed as "GET /health" beside "< HTTP/1.1 502", a diff's new line as if
    it were no change). ``quoted``: False for a line of such a text read alone (ingest.pasted_log)."""
    slack = escaped and "&" in text and slack_escaped(text)
    if not slack and ">" not in text:
        return text
    mark = SLACK_QUOTES[0] if slack else SLACK_QUOTES[1]
    if quoted and quotes_read(text, slack):
        lines = text.split("\n")
        for n, line in enumerate(lines):
            if line.startswith(mark):
                lines[n] = _unquoted_line(line, mark)
        text = "\n".join(lines)
    if not slack:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_escaped(text: str) -> bool:
    """Whether ``text`` may be as Slack sends a message (its API, an export, a bot relaying it): Slack writes each
    "&", "<" and ">" typed as &amp;, &lt; and &gt;, so its text has none of them but in these escapes and its own
    markup (SLACK_MARKUP). A text with an "&" of its own ("a=1&b=2", "&quot;", "&nbsp;"), or a "<" or ">" (HTML,
    "a < b", a Markdown quote's ">") is not Slack's: its "&amp;" is as written. One with "&amp;" alone may be
    either: read as Slack's, as HTML reads it."""
    if "<" in text:
        text = SLACK_MARKUP.sub("", text)
    return NOT_SLACKS.search(text) is None


def quotes_read(text: str, slack: bool) -> bool:
    """Whether ``text``'s lines starting ">" (Slack's "&gt;" when ``slack``: slack_escaped) may be quotes: no line of
    it starts with the mirror mark, "<" or "&lt;" (MIRRORED: a diff's, curl -v's, a merge conflict's)."""
    mark = SLACK_QUOTES[0] if slack else SLACK_QUOTES[1]
    return MIRRORED[mark].search(text) is None


def _unquoted_line(line: str, mark: str) -> str:
    """``line`` without its run of quote marks (QUOTE_RUNS): "> > x", ">> x", "&gt;&gt;&gt; x" are "x"; ">x" and
    ">>x" are as they are, "> >x" is ">x"."""
    m = QUOTE_RUNS[mark].match(line)
    return line[m.end() :] if m else line


def slack_unmarked(text: str) -> str:
    """``text`` without Slack's own markup (SLACK_MARKUP: a mention, a channel, <!here> out; a link as its label, or
    its URL) and its :name: emoji codes outside code blocks and spans (EMOJI_CODES). A mention's id swayed the
    search: "<@U0123ABC|alice> disk full on db-3" answered "no known pattern". Slack's /recur took them out of its
    commands; a message copied from Slack's API or an export, or relayed by a bot, into MCP, the API, `recur suggest`
    or the site's box was searched with them (found in review). What is ranked (Prepared.searched), not what is
    echoed; recur-query.js's slackUnmarked is the same."""
    if "<" in text:
        text = SLACK_MARKUP.sub(_unmarked, text)
    if ":" not in text:
        return text
    out, at = [], 0
    for m in CODE.finditer(text):
        out += [EMOJI_CODES.sub(_not_glued, text[at : m.start()]), m.group()]
        at = m.end()
    return "".join([*out, EMOJI_CODES.sub(_not_glued, text[at:])])


def _unmarked(m: re.Match) -> str:
    """A mention, a channel, a broadcast or a date says nothing of the failure: a space. A link: its label, or
    its URL."""
    return (m.group(2) or m.group(1)) if m.group(1) else " "


def _not_glued(m: re.Match) -> str:
    """An emoji code (EMOJI_CODES) out when white space or the text's start is before it; else as it is."""
    at = m.start()
    return "" if at == 0 or m.string[at - 1] in " \t\n\r\f\v" else m.group()


def prepare(text: str, limit: int = MAX_QUERY_CHARS, *, escaped: bool = True) -> Prepared:
    """``text`` as it is searched: colour codes out, lone surrogates as U+FFFD, emoji out (util.text.without_emoji),
    Slack's quotes and escapes out (slack_unquoted), Markdown's code fences out (unfenced), a log by its error lines, condensed to ``limit``. A pasted alert payload
    (JSON) by its first firing alert, as the webhook reads it (retrieval.alerts), on every surface. ``escaped``:
    False for a text whose Slack escapes were read already (Slack's /recur), read as it is."""
    text = unfenced(slack_unquoted(without_emoji(clean(strip_ansi(text))), escaped))
    text, alert = _alert_paste(text)
    if alert.get("not_alert"):  # no alert nor incident: nothing to search
        return Prepared("", 0, **alert)
    chars = len(text)
    log = read_log(text)
    if log is not None:
        text = log.text
    said = (log.lines, log.kept, log.level, log.before, log.unlevelled, log.after, log.command) if log else ()
    p = _condensed(text, limit, chars, said, alert)
    # of what is searched (a log's error lines, not its timestamps; at most `limit`): counted on a 1,000,000-
    # character paste before condensing, it took 0.4 s, on the 20,000 searched 0.01 s
    searched = p.searched  # mathematical bold "𝐝𝐢𝐬𝐤" is no Latin letter, "disk" is
    non_latin = mostly_non_latin(searched)
    out = replace(p, non_latin=non_latin, non_english=not non_latin and mostly_other_language(searched))
    vars(out)["searched"] = searched  # the same text: its cached_property read once, not again for the copy
    return out


def _condensed(text: str, limit: int, chars: int, said: tuple, alert: dict) -> Prepared:
    if len(text) <= limit:
        return Prepared(text, chars, 0, 0, *said, **alert)
    short, frames = text, 0
    if FRAME_OR_ELIDED.search(text):  # else each of 500,000 short lines was matched twice to keep them all
        short_lines, frames = _without_frames(text.split("\n"))
        short = "\n".join(short_lines)
    if len(short) <= limit:
        return Prepared(short, chars, frames, 0, *said, **alert)
    cut = _middle_out(short, limit)
    return Prepared(cut, chars, frames, len(short) - len(cut), *said, **alert)


def _alert_paste(text: str) -> tuple[str, dict]:
    """(the text searched, Prepared's alert fields): a pasted alert payload's first firing alert's query, as
    /api/alertmanager searches it (then read as any text: a log in its description by its error lines); any
    other text, and an alert that says nothing, as it is, with no fields."""
    start = text.lstrip(" \t\n\r\ufeff")  # a byte order mark too (alerts.paste_json)
    table = start.startswith("Alertname")  # amtool alert query's table (recur-query.js reads it once too)
    if start[:1] not in ("{", "[") and not table:  # no JSON nor amtool's table: not parsed
        return text, {}
    from recur.retrieval.alerts import alert_note, alert_query, alerts_in, amtool_alerts, heartbeat, paste_json

    if table:
        alerts = amtool_alerts(text)
        if not alerts:
            return text, {}
    else:
        data = paste_json(text)  # once: a 1,000,000-character JSON paste parsed twice took 40 ms more
        alerts = alerts_in(data)
        if not alerts:
            return _source_paste(text, data)
    first = alerts[0]
    # its strings were read from JSON: an emoji escaped there ("\\ud83d\\udd25", as json.dumps writes one) is out
    # only now, as the webhook's prepare takes it out of an alert's query (it was searched)
    query = without_emoji(clean(strip_ansi(alert_query(first))))
    if not query:  # an alert with no name, annotation or label ({"labels": {}}) says nothing: the paste is searched
        return text, {}
    said = {
        "alert": _own_alertname(first),
        "alerts": len(alerts),
        "alert_resolved": first.status != "firing",
        "alert_note": alert_note(first) or "",
        "alert_unread": first.unread,
        "alert_others": tuple(_named(a, heartbeat(a)) for a in alerts[1:]),
        "alert_table": table,
    }
    return query, said


def _alertname(alert) -> str:
    """The alert's name as the note says it: NO_ALERTNAME for none, or one of only invisible characters."""
    return _own_alertname(alert) or NO_ALERTNAME


def _own_alertname(alert) -> str:
    """The alert's name, "" for none or one of only invisible characters."""
    name = alert.labels.get("alertname", "").strip()
    return name if has_text(name) else ""


def _named(alert, always: bool) -> str:
    """An alert as the note names it among a paste's others: 'Name', and whether it always fires or is resolved."""
    return f"'{_alertname(alert)}'" + (RESOLVED if alert.status != "firing" else ALWAYS_FIRING if always else "")


def _source_paste(text: str, data) -> tuple[str, dict]:
    """As _alert_paste, for an alert of another alerting system (retrieval.alert_sources) in the JSON value
    ``data`` of ``text``, else the text as it is."""
    from recur.retrieval.alert_sources import sns_message, sns_subscription, source_alert
    from recur.retrieval.alerts import alerts_in, paste_json

    not_alert = sns_subscription(data)
    if not_alert:
        return "", {"not_alert": clean(not_alert)}
    # an Alertmanager or Grafana payload an SNS Notification relays, read as pasted alone (found in a re-read: its
    # JSON was searched as the notification's message, keys and all)
    message = sns_message(data)
    if message is not None and alerts_in(paste_json(message)):
        return _alert_paste(message)
    alert = source_alert(data)
    query = without_emoji(clean(strip_ansi(alert.query))) if alert else ""
    if not query:
        return text, {}
    # its strings were read from JSON (SNS's Message too): a "\\ud800" escape there is a lone surrogate
    # its name ("" for none: record_title then titles it by the query, not "(no Subject)"; one named "(no data)" by it)
    name = clean(alert.name.shown) if alert.named else ""
    return query, {"alert": name, "alerts": 1, "alert_said": clean(alert.said)}


@dataclass(frozen=True)
class Log:
    """A pasted log read by its error lines: ``text`` (the ``before`` lines written before the log,
    then those lines), how many ``lines`` the log had (non-empty, the lines before it not counted), how
    many were ``kept`` (each once), their ``level`` ("error" or "warning"), and how many of them had no
    level (``unlevelled``: beside the error lines, not saying what failed). Of a few JSON or logfmt records
    (_few_records): ``lines`` records, ``kept`` distinct messages, at ``level`` "record" (or "error" or
    "warning": those records alone, beside others)."""

    text: str
    lines: int
    kept: int
    level: str
    before: int = 0
    unlevelled: int = 0
    after: int = 0  # the words written after a table (_words_after), searched last
    command: int = 0  # the lines before a STATUS_TABLES table that are its command (_status_table), left out


def read_log(text: str) -> Log | None:
    """``text``'s error lines (else its warning lines) and the lines beside them with no level, after the words
    written before the log, when it is a log and they are fewer than half of its lines; else None (the text
    is searched as it is). The rules: the module's docstring."""
    lines = [x for x in text.split("\n") if x.strip(WS)]
    crash = _traceback(lines) or _go_panic(lines) or _pod_table(lines) or _event_table(lines) or _node_described(lines)
    crash = crash or _described(lines) or _status_table(lines)
    return crash if crash is not None else _plain_log(lines)


def _plain_log(lines: list[str]) -> Log | None:
    """read_log of ``lines`` (non-empty) but for the crashes and tables read alone: a log's error lines, a few records'
    messages, a single line's; the log lines around a pasted table are read so (_log_part)."""
    if len(lines) < LOG_MIN_LINES:
        return _few_records(lines) or (_one_line(lines[0]) if len(lines) == 1 else None)
    before = _before_log(lines)
    scan = _scan(lines[len(before) :])  # the words before the log are not its lines: a log or not by its own
    if not scan.records or scan.records < LOG_SHARE * (scan.records + scan.others):
        return None
    picked = _pick(scan, len(lines))
    if picked is None:
        return _records(scan, before, len(lines) - len(before))
    level, kept, unlevelled = picked
    text = clean(strip_ansi("\n".join(before + kept)))
    return Log(text, len(lines) - len(before), len(kept), level, len(before), unlevelled)


def _traceback(lines: list[str]) -> Log | None:
    """A Python traceback pasted alone (after the words written before it): searched by its exception lines,
    each the first unindented line after its frames, at level "traceback"; else None. Found in review: whole, its
    ``File "…", line 41, in handle`` lines and their source outweighed what failed, ``… Failed to resolve
    'payments.internal' ([Errno -3] Temporary failure in name resolution)``: dns-resolution-failure 3rd at p 0.06;
    by its exception line, 1st at p 0.26. In a log its frames are left out already (_scan).
    Any other unindented line (a log record after it, a message over several lines): None, searched as it is."""
    # the words before it are read (read_line) only when a traceback may follow them: a long line costs
    if not any(TRACEBACK.match(x.lstrip(WS)) for x in lines[: PREAMBLE_LINES + 1]):
        return None
    before = _before_log(lines)
    rest = lines[len(before) :]
    if not rest or not TRACEBACK.match(rest[0].strip(WS)):
        return None
    kept, frames = [], False
    for raw in rest:
        line = raw.strip(WS)
        if raw[0] in WS:
            frames = True
        elif TRACEBACK.match(line) or CHAINED.match(line):
            frames = False
        elif frames:  # the exception, ending the frames above it
            kept.append(line[:LINE_CHARS])
            frames = False
        else:
            return None
    if not kept:
        return None
    return _log_of(before, kept, len(rest), "traceback")


def _go_panic(lines: list[str]) -> Log | None:
    """A Go crash pasted alone (after the words written before it): a ``panic:`` or ``fatal error:`` and its
    goroutine dump, searched by what it says (GO_SAID: its panic, fatal error and runtime lines, each once), at
    level "panic"; else None. Searched whole, its frames' calls, file:line and hex addresses outweighed what
    failed (tests/test_query_logs.py: ``panic: assignment to entry in nil map``, ``fatal error: concurrent map
    writes``). `go test`'s lines around it (GO_TEST) are left out. In a log its dump is left out already (_scan).
    Any other unindented line (a log record after it, a message over several lines), or no dump at all: None,
    searched as it is."""
    if not _go_crash_ahead(lines):
        return None
    lines = [x for x in lines if x[0] in WS or not GO_TEST.match(x.rstrip(WS))]
    before = _before_log(lines)
    while before and GO_SAID.match(before[-1]):  # the runtime's reason is the crash's, not words before it
        before.pop()
    rest = lines[len(before) :]
    if not rest or not GO_SAID.match(rest[0].strip(WS)):
        return None
    kept, panic, dump = [], False, False
    for raw in rest:
        line = raw.strip(WS)
        if GO_SAID.match(line):
            kept.append(_without_recovered(line)[:LINE_CHARS])
            panic = panic or bool(GO_PANIC.match(line))
        elif raw[0] in WS or GO_DUMP.match(line):
            dump = True
        else:
            return None
    if not (panic and dump):
        return None
    return _log_of(before, kept, len(rest), "panic")


def _pod_table(lines: list[str]) -> Log | None:
    """`kubectl get pods` pasted (after the words written before it): its column header (POD_COLUMNS: NAME, READY and
    STATUS among its columns) and rows of as many cells (set apart by a tab or two spaces or more), each READY a pod's
    (POD_READY: no Flux table's "True"), searched by the pods not running and ready (POD_FINE: Running with all its
    containers ready, Completed, Succeeded), each as its name (without a Deployment's hashes, POD_HASH), readiness and
    status (a pod running and ready restarted POD_RESTARTS_HIGH times or more: "… restarted 38 times"), each once, at
    level "pods"; else None (searched as it is). Found in review: a table of 6 pods, 2 of a
    Deployment in CrashLoopBackOff, found bad-deploy-crashloop at p 0.50, the 4 healthy rows, the header, restarts and
    ages outweighing the 2; as "payments-api 0/1 CrashLoopBackOff", p 0.83; a table's OOMKilled pod beside two Running
    ones, memory-leak-oom-kill 0.57, then 0.9. A table with every pod fine says nothing failed: searched as it is. The words written after
    the table (_words_after: "started after the 14:00 deploy") are searched after its pods; a log above or under it
    (its header anywhere after a log's lines) as a log alone is, before or after them (_before_table, _after_table)."""
    at = next((n for n, x in enumerate(lines) if _pod_header(x)), None)
    if at is None or len(lines) < at + 2:
        return None
    columns = _pod_header(lines[at])
    ready, status = columns.index("READY"), columns.index("STATUS")
    restarts = columns.index("RESTARTS") if "RESTARTS" in columns else -1
    kept, rows = [], len(lines) - at - 1
    for n, raw in enumerate(lines[at + 1 :]):
        cells = CELL_GAP.split(raw.strip(WS))
        if len(cells) != len(columns) or not POD_READY.fullmatch(cells[ready]):
            rows = n
            break
        have, _, want = cells[ready].partition("/")
        fine = cells[status] in POD_FINE and (cells[status] != "Running" or have == want)
        said = f"{POD_HASH.sub('', cells[columns.index('NAME')])} {cells[ready]} {cells[status]}"
        times = LEADING_NUMBER.match(cells[restarts]) if restarts >= 0 else None
        if not fine:
            kept.append(said[:LINE_CHARS])
        elif cells[status] == "Running" and times and int(times.group()) >= POD_RESTARTS_HIGH:  # (and ready)
            kept.append(f"{said} restarted {int(times.group())} times"[:LINE_CHARS])
    if not kept or not rows:
        return None
    before, after = _before_table(lines[:at]), _after_table(lines[at + 1 + rows :])
    if before is None or after is None:
        return None
    # kept: the pods not fine, not the lines searched (two replicas in CrashLoopBackOff are one line)
    log = _log_of(before[0], kept, rows, "pods")
    return _with_after(replace(log, kept=len(kept)), after)


def _status_table(lines: list[str]) -> Log | None:
    """A table of STATUS_TABLES pasted (after the words written before it, or a log: _before_table): `kubectl get
    nodes`, `kubectl get deployments`, `kubectl top nodes`, `docker ps`, `systemctl list-units` or `--failed`, `df`:
    its header, then rows (_status_row; the legend under systemctl's, not; its wrapped rows joined, _units_unwrapped),
    searched by the rows that say something failed, each once, at the table's level ("nodes" …), then the words written
    after it or a log's lines (_after_table); else None (searched as it is), and a table whose rows are all fine says
    nothing failed.
    Found in review: a NotReady node among five Ready found kernel-panic-bug low, "no known pattern"; as "node
    NotReady", medium. `docker ps -a` of a container "Exited (137)" beside four up, as "container Exited (137)",
    bad-deploy-crashloop then memory-leak-oom-kill, no longer "no known pattern"; df's mount at 100% disk-full high."""
    at, kind = next(((n, k) for n, x in enumerate(lines) if (k := _status_kind(x))), (None, ""))
    if at is None or len(lines) < at + 2:
        return None
    columns, offsets = _status_columns(kind, lines[at])
    body = lines[at + 1 :]
    body = (
        _df_unwrapped(body) if kind == "filesystems" else _units_unwrapped(columns, body) if kind == "units" else body
    )
    kept, rows, legend = [], len(body), 0
    for n, raw in enumerate(body):
        if kind == "units" and UNIT_LEGEND.match(raw.strip(WS)):
            legend += 1
            continue
        row, said = _status_row(kind, columns, offsets, raw)
        if not row or legend:
            rows = n
            break
        kept += [said[:LINE_CHARS]] if said else []
    if not kept or not rows:
        return None
    before, after = _before_table(lines[:at], STATUS_COMMANDS[kind]), _after_table(body[rows:])
    if before is None or after is None:
        return None
    log = _log_of(before[0], kept, rows - legend, kind)
    return _with_after(replace(log, kept=len(kept), command=before[1]), after)


def _before_table(lines: list[str], command: re.Pattern | None = None) -> tuple[list[str], int] | None:
    """What of ``lines``, those before a pasted table's header, is searched before its rows, and how many are the
    command it is the output of (``command``: a STATUS_COMMANDS pattern), not searched: the words written before it
    (_before_log), or the lines of a log (_log_part), the command's lines under it left out; else None (the paste is
    no table with words or a log around it)."""
    said = [x.strip(WS) for x in lines]
    if len(lines) <= PREAMBLE_LINES and _before_log(lines) == said:
        words = [x for x in said if not (command and command.search(x))]
        return words, len(said) - len(words)
    end = len(lines)
    while command and end and command.search(said[end - 1]):
        end -= 1
    log = _log_part(lines[:end])
    return None if log is None else (log, len(lines) - end)


def _after_table(lines: list[str]) -> list[str] | None:
    """What of ``lines``, those after a pasted table's last row, is searched after its rows: the words written after
    it (_words_after), or the lines of a log (_log_part); else None."""
    words = _words_after(lines)
    return words if words is not None else _log_part(lines)


def _log_part(lines: list[str]) -> list[str] | None:
    """The lines of a log pasted above or under a table (``lines``, with a log record among them: `kubectl logs
    --previous` under `kubectl get pods`, the kubelet's journal above `kubectl get nodes`), as a log pasted alone is
    searched (_plain_log: its error lines, else all, each cut to LINE_CHARS); else None. Found in a re-read: a pod
    table with the log of its crashing pod under it was no table, its healthy rows, ages and the log's INFO lines all
    searched."""
    if not lines or not any(read_line(x.strip(WS))[0] for x in lines):
        return None
    log = _plain_log(lines)
    return log.text.split("\n") if log is not None else [x.strip(WS)[:LINE_CHARS] for x in lines]


def _status_kind(line: str) -> str:
    """The kind of STATUS_TABLES whose header ``line`` is, else "": kubectl's and docker's columns apart by two
    spaces or more (_table_header), systemctl's and df's by one ("Use% Mounted on"), read as words; at most
    STATUS_MAX_COLUMNS of them."""
    if not STATUS_HEADER_WORD.search(line):
        return ""
    words = [w for w in BLANKS.split(line.strip(WS)) if w]
    if len(words) > 2 * STATUS_MAX_COLUMNS:  # (a column's name is of one word or two)
        return ""
    for kind in ("nodes", "containers", "deployments"):
        if (cells := _table_header(line, STATUS_TABLES[kind][0])) and len(cells) <= STATUS_MAX_COLUMNS:
            return kind
    # `kubectl top nodes`: "CPU(cores)" is no HEADER_CELL; `kubectl top pods`, with no percent, no table of these
    if "MEMORY(bytes)" in line and len(words) <= STATUS_MAX_COLUMNS + 2:
        cells = CELL_GAP.split(line.strip(WS))
        if set(cells) >= STATUS_TABLES["usage"][0] and any(c in cells for c in USAGE_PERCENTS):
            return "usage"
    if words in (
        ["UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION"],
        ["UNIT", "LOAD", "ACTIVE", "SUB", "JOB", "DESCRIPTION"],
    ):
        return "units"
    if words[0] not in DF_FIRST_WORDS or " ".join(words[-2:]) not in DF_MOUNTED_ON:  # (a log's line naming a NAME=)
        return ""
    words = _df_english(words)
    if words[:1] == ["Filesystem"] and words[-2:] == ["Mounted", "on"] and any(c in words for c in DF_USE):
        return "filesystems"
    return ""


def _df_unwrapped(rows: list[str]) -> list[str]:
    """df's ``rows`` with a device's name too long for its column (one word alone on its line, as df writes it
    without -P) joined to the indented rest of its row on the next line (found in a re-read: "/dev/mapper/vg-root"
    then "   51475068  51475068  0 100% /" was no row, the table none, searched whole)."""
    joined, n = [], 0
    while n < len(rows):
        alone = n + 1 < len(rows) and rows[n + 1][0] in WS and not BLANKS.search(rows[n].strip(WS))
        joined.append(f"{rows[n].strip(WS)} {rows[n + 1].strip(WS)}" if alone else rows[n])
        n += 2 if alone else 1
    return joined


def _status_columns(kind: str, line: str) -> tuple[list[str], list[int]]:
    """A STATUS_TABLES header's columns and where each starts in ``line`` (docker ps's rows are read by where its
    columns start: an empty PORTS cell is no gap of two spaces; its tabs, as a terminal or an editor wrote runs of
    spaces, as the spaces to the next multiple of 8, as its rows' are: _status_row)."""
    line = line.expandtabs() if kind == "containers" else line
    if kind in ("nodes", "containers", "deployments", "usage"):
        cells = CELL_GAP.split(line.strip(WS))
        found, at = [], 0
        for cell in cells:
            at = line.index(cell, at)
            found.append(at)
            at += len(cell)
        return cells, found
    words = [w for w in BLANKS.split(line.strip(WS)) if w]
    return (_df_english(words)[:-2] + ["Mounted on"] if kind == "filesystems" else words), []


def _df_english(words: list[str]) -> list[str]:
    """A header's ``words`` with df's columns as translated (DF_LOCALES) as their English names, whole words."""
    said = f" {' '.join(words)} "
    for local, english in DF_LOCALES.items():
        said = said.replace(f" {local} ", f" {english} ")
    return said.strip(" ").split(" ") if words else []


def _status_row(kind: str, columns: list[str], offsets: list[int], raw: str) -> tuple[bool, str]:
    """(whether ``raw`` is a row of the table, what of it is searched: "" for a row that is fine)."""
    if kind == "containers":
        raw = raw.expandtabs()  # (found in a re-read: `docker ps` with runs of spaces as tabs was searched whole)
        cells = [raw[a:b].strip(WS) for a, b in zip(offsets, [*offsets[1:], len(raw)])]
        status = cells[columns.index("STATUS")]
        if not CONTAINER_ID.fullmatch(cells[0]) or not CONTAINER_STATE.match(status):
            return False, ""
        return True, "" if CONTAINER_FINE.match(status) else f"container {CONTAINER_AGE.sub('', status)}"
    if kind == "units":
        cells = BLANKS.split(raw.strip(WS).lstrip(UNIT_MARK).strip(WS), maxsplit=4)
        if len(cells) != 5 or cells[1] not in UNIT_LOADS or cells[2] not in UNIT_ACTIVES:
            return False, ""
        unit, load, active, _, about = cells
        job, _, rest = about.partition(" ")
        about = rest.strip(WS) if "JOB" in columns and job in UNIT_JOBS and rest.strip(WS) else about
        bad = load if load in UNIT_BAD_LOADS else active if active == "failed" else ""
        return True, f"unit {unit} {bad}: {about}" if bad else ""
    cells = BLANKS.split(raw.strip(WS), len(columns) - 1) if kind == "filesystems" else CELL_GAP.split(raw.strip(WS))
    if len(cells) != len(columns):
        return False, ""
    if kind == "nodes":
        status = cells[columns.index("STATUS")]
        return True, "" if status.partition(",")[0] == "Ready" else f"node {status}"  # a cordon is a person's
    if kind in ("deployments", "usage"):
        return _kube_row(kind, columns, cells)
    use = next(c for c in DF_USE if c in columns)
    full, mount = DF_PERCENT.fullmatch(cells[columns.index(use)]), cells[-1]
    if not full and cells[columns.index(use)] != "-":
        return False, ""
    snap = cells[0].startswith("/dev/loop") or mount.startswith("/snap/")
    if not full or int(full.group(1)) < DISK_FULL_AT or snap:
        return True, ""
    free = "".join(f"{c} {cells[columns.index(c)]} " for c in DF_FREE if c in columns)
    return True, f"filesystem {free}{use} {full.group()} Mounted on {mount}"


def _kube_row(kind: str, columns: list[str], cells: list[str]) -> tuple[bool, str]:
    """_status_row of `kubectl get deployments` (its READY "2/3" and AVAILABLE a count: not all ready or available is
    searched) and `kubectl top nodes` (its percent cells "97%", or "<unknown>" for a node with no metrics yet: one at
    USAGE_HIGH_AT or more is searched)."""
    if kind == "deployments":
        ready, available = cells[columns.index("READY")], cells[columns.index("AVAILABLE")]
        if not POD_READY.fullmatch(ready) or not LEADING_NUMBER.fullmatch(available):
            return False, ""
        have, _, want = ready.partition("/")
        fine = have == want and int(available) >= int(want)
        return True, "" if fine else f"deployment {cells[columns.index('NAME')]} {ready} ready, {available} available"
    high = []
    for column in (c for c in USAGE_PERCENTS if c in columns):
        cell = cells[columns.index(column)]
        use = DF_PERCENT.fullmatch(cell)
        if not use and cell != "<unknown>":
            return False, ""
        high += [f"{column} {cell}"] if use and int(use.group(1)) >= USAGE_HIGH_AT else []
    return True, f"node {' '.join(high)}" if high else ""


def _units_unwrapped(columns: list[str], rows: list[str]) -> list[str]:
    """systemctl's ``rows`` with a row a narrow terminal wrapped (tmux's or screen's copy keeps the break) joined
    again, as it was written: first a line that is no row with the line under it when the two are one row (a unit's
    name broken), then a line that is no row nor legend to the row above it when a row or the legend follows it (a
    description broken). Found in a re-read: `systemctl --failed` with one description wrapped was no table, searched
    whole, legend and all."""

    def row(x: str) -> bool:
        return _status_row("units", columns, [], x)[0]

    names, n = [], 0
    while n < len(rows):
        two = rows[n].rstrip("\r") + rows[n + 1] if n + 1 < len(rows) else ""
        whole = bool(two) and not row(rows[n]) and row(two)
        names.append(two if whole else rows[n])
        n += 2 if whole else 1
    joined = []
    for n, line in enumerate(names):
        below = names[n + 1] if n + 1 < len(names) else ""
        if row(line) or UNIT_LEGEND.match(line.strip(WS)) or not (joined and row(joined[-1])):
            joined.append(line)
        elif below and (row(below) or UNIT_LEGEND.match(below.strip(WS))):
            joined[-1] = joined[-1].rstrip("\r") + line
        else:
            joined.append(line)
    return joined


def _words_after(lines: list[str]) -> list[str] | None:
    """The words a responder wrote after a pasted table (``lines``: those after its last row), trimmed: at most
    PREAMBLE_LINES lines, together at most PREAMBLE_CHARS, none indented, a log record or a table's row (three
    cells or more apart by a tab or two spaces), as the words before a log are; [] for none; None for anything else (the paste is no table alone). Found in a
    responder's review: a pod table and "started right after the 14:00 deploy of orders-api v3.2" under it was
    searched whole, header, healthy rows and ages (bad-deploy-crashloop medium 0.71); by its failing pods and those
    words, 0.79."""
    said = [x.strip(WS) for x in lines]
    if len(lines) > PREAMBLE_LINES or sum(len(x) + 1 for x in said) > PREAMBLE_CHARS + 1:
        return None
    if any(x[0] in WS or len(CELL_GAP.split(y)) > 2 or read_line(y)[0] for x, y in zip(lines, said)):
        return None  # (a line of three cells or more is a table's, no words)
    return said


def _with_after(log: Log, after: list[str]) -> Log:
    """``log`` with the words written after its table searched last (_words_after), each once."""
    if not after:
        return log
    return replace(log, text=clean(strip_ansi("\n".join([log.text, *after]))), after=len(after))


def _event_table(lines: list[str]) -> Log | None:
    """`kubectl get events` pasted (after the words written before it): its column header (EVENT_COLUMNS: TYPE,
    REASON and MESSAGE among its columns, MESSAGE last, as kubectl writes it but with -o wide) and rows of as many
    cells (the message is the rest of its row), each TYPE Normal or Warning, searched by each Warning event's reason
    and message, each once (a pod's uid and an image's digest out, POD_UID), at level "events", as an Events table of
    `kubectl describe` is (_described), then the words written after it (_words_after); else None (searched as it
    is). Found in a responder's review: a table of 3 Normal events and 2 Warning ones (OOMKilling, BackOff) found
    memory-leak-oom-kill medium at p 0.53, its names, ages and Normal events searched; by its Warning events, high
    0.96."""
    at = next((n for n, x in enumerate(lines[: PREAMBLE_LINES + 1]) if _table_header(x, EVENT_COLUMNS)), None)
    if at is None or len(lines) < at + 2 or _before_log(lines[:at]) != [x.strip(WS) for x in lines[:at]]:
        return None
    columns = _table_header(lines[at], EVENT_COLUMNS)
    if columns[-1] != "MESSAGE":
        return None
    kind, reason = columns.index("TYPE"), columns.index("REASON")
    kept, rows = [], len(lines) - at - 1
    for n, raw in enumerate(lines[at + 1 :]):
        cells = CELL_GAP.split(raw.strip(WS), maxsplit=len(columns) - 1)
        if len(cells) != len(columns) or cells[kind] not in ("Normal", "Warning"):
            rows = n
            break
        if cells[kind] == "Warning":
            kept.append(f"{cells[reason]}: {POD_UID.sub('', cells[-1])}"[:LINE_CHARS])
    after = _words_after(lines[at + 1 + rows :])
    if not kept or after is None:
        return None
    return _with_after(_log_of([x.strip(WS) for x in lines[:at]], kept, rows, "events"), after)


def _table_header(line: str, need: set[str]) -> list[str] | None:
    """The columns of a table's header ``line`` (HEADER_CELL each, ``need`` among them), else None (_pod_header)."""
    for c in need:  # (a loop, not all(...): a table's header is looked for in each line of a paste)
        if c not in line:
            return None
    cells = CELL_GAP.split(line.strip(WS))
    return cells if set(cells) >= need and all(HEADER_CELL.fullmatch(c) for c in cells) else None


def _pod_header(line: str) -> list[str] | None:
    """The columns of `kubectl get pods`'s header ``line`` (HEADER_CELL each, POD_COLUMNS among them), else None. Not
    COLUMN_HEADER: its runs of blanks between cells are matched in as many ways as a run is long, and a line of 300,000
    blanks before a small letter took minutes; a cell at a time is read once (tests/test_browser_search.py)."""
    return _table_header(line, POD_COLUMNS)


def _described(lines: list[str]) -> Log | None:
    """`kubectl describe pod` pasted (after the words written before it: its "Name:" line, then a "Containers:"
    section), or its Events table alone ("Events:" and the table's header): searched by what says what failed, at
    level "describe" ("events" for the table alone): each container's State and Last State that is not running or done
    (its value, Reason, Exit Code, Signal and Message on one line, as "Last State: Terminated Reason: OOMKilled Exit
    Code: 137"), the pod's own Reason and Message (an eviction's), each Warning event's reason and message, each
    once; not its labels, annotations, IPs, mounts, volumes, tolerations, QoS, conditions and Normal events, nor a
    pod's uid and an image's digest (POD_UID). Found in review: an OOM-killed pod's description answered
    memory-leak-oom-kill at p 0.60, medium, by these lines high. A pod with nothing failing is searched by its containers'
    states alone ("State: Running"); an Events table with no Warning event is None (searched as it is). One pass over
    the lines (each line read once): linear in the paste."""
    at = next((n for n, x in enumerate(lines[: PREAMBLE_LINES + 1]) if _describe_start(lines, n)), None)
    if at is None or _before_log(lines[:at]) != [x.strip(WS) for x in lines[:at]]:
        return None
    events_only = lines[at].strip(WS) == "Events:"
    said, states, events, section, state = [], [], [], "", None
    for raw in lines[at:]:
        line = raw.strip(WS)
        indent = len(raw) - len(raw.lstrip(WS))
        if state is not None and indent <= state[0]:
            states.append(state[1])
            state = None
        key, colon, value = line.partition(":")
        value = value.strip(WS)
        if not indent and colon:
            section = key if DESCRIBE_SECTION.fullmatch(key) else section
            if key in ("Reason", "Message") and value:
                said.append(f"{key}: {value}")
        elif section.endswith("Containers") and key in DESCRIBE_STATES and value in DESCRIBE_STATE_VALUES:
            state = (indent, [f"{key}: {value}"])
        elif state is not None and colon and key in DESCRIBE_STATE_SAYS:
            state[1].append(f"{key}: {value}")
        elif section == "Events" and (m := EVENT_ROW.match(line)):
            events.append(f"{m.group(1)}: {POD_UID.sub('', m.group(2))}")
    states += [state[1]] if state is not None else []
    # a pod with nothing failing by its containers' states alone ("State: Running"): whole, a healthy pod's image and
    # Normal events ("Pulled", "Container image ... already present") read as image-pull-failure, medium; an init
    # container's "Terminated Reason: Completed Exit Code: 0" as memory-leak-oom-kill's signal, medium
    kept = said + [" ".join(x) for x in states if not _state_fine(x)] + events
    kept = kept or [x[0] for x in states if x[0].startswith("State:")]
    if not kept:
        return None
    before = [x.strip(WS) for x in lines[:at]]
    return _log_of(before, [x[:LINE_CHARS] for x in kept], len(lines) - at, "events" if events_only else "describe")


def _node_described(lines: list[str]) -> Log | None:
    """`kubectl describe node` pasted (after the words written before it: its "Name:" line, then "Taints:" and
    "Conditions:" lines and no "Containers:" one), searched by what says what is wrong with the node, at level "node":
    the taints Kubernetes sets on a node in trouble (NODE_TAINTS), "Unschedulable: true" (a cordon), each condition
    that is bad (NODE_CONDITION_OK: Ready, or another …Ready, not True; any other, MemoryPressure, DiskPressure,
    PIDPressure, NetworkUnavailable or a node-problem-detector's, True) as its type, status, reason and message, and
    each Warning event's reason and message, each once; not its labels, annotations, addresses, capacity, pods and
    Normal events. Found in a responder's review: a node with DiskPressure True, its taint and an EvictionThresholdMet
    event found disk-full at p 0.86, by these lines 0.98. A node with nothing wrong: None (searched as it is); a
    control plane's taint or a GPU pool's says nothing wrong (found in a re-read: a healthy control-plane node was
    searched by its taint alone)."""
    at = next((n for n, x in enumerate(lines[: PREAMBLE_LINES + 1]) if _node_start(lines, n)), None)
    if at is None or _before_log(lines[:at]) != [x.strip(WS) for x in lines[:at]]:
        return None
    kept, events, section = [], [], ""
    for raw in lines[at:]:
        line, indented = raw.strip(WS), raw[0] in WS
        key, colon, value = line.partition(":")
        if not indented and colon:
            section = key if DESCRIBE_SECTION.fullmatch(key) else section
            value = value.strip(WS)
            if (key == "Taints" and value.startswith(NODE_TAINTS)) or (key == "Unschedulable" and value == "true"):
                kept.append(f"{key}: {value}")
        elif indented and section == "Taints":
            kept += [f"Taints: {line}"] if line.startswith(NODE_TAINTS) else []
        elif indented and section == "Conditions":
            cells = CELL_GAP.split(line)
            if len(cells) >= 4 and (cells[1] == "True") != cells[0].endswith(NODE_CONDITION_OK):
                kept.append(f"{cells[0]} {cells[1]}: {cells[-2]}: {cells[-1]}")
        elif section == "Events" and (m := EVENT_ROW.match(line)):
            events.append(f"{m.group(1)}: {POD_UID.sub('', m.group(2))}")
    kept += events
    if not kept:
        return None
    before = [x.strip(WS) for x in lines[:at]]
    return _log_of(before, [x[:LINE_CHARS] for x in kept], len(lines) - at, "node")


def _node_start(lines: list[str], n: int) -> bool:
    """Whether ``lines[n]`` starts `kubectl describe node`: a "Name:" line with a value, then "Taints:" and
    "Conditions:" lines and no "Containers:" one (a pod's description has no Taints)."""
    line = lines[n].rstrip(WS)
    if not line.startswith("Name:") or not line[5:].strip(WS):
        return False
    keys = {x.partition(":")[0] for x in lines[n + 1 :] if x[0] not in WS}
    return {"Taints", "Conditions"} <= keys and "Containers" not in keys


def _describe_start(lines: list[str], n: int) -> bool:
    """Whether ``lines[n]`` starts `kubectl describe pod` (a "Name:" line with a value, a "Containers:" line below)
    or its Events table ("Events:", its header below, no "Key:" line of a description above it)."""
    line = lines[n].rstrip(WS)
    if line == "Events:":  # not below another section's "Key:" line (kubectl describe node's table is no pod's)
        described = any(DESCRIBE_SECTION.fullmatch(x.partition(":")[0]) and ":" in x for x in lines[:n])
        return not described and n + 1 < len(lines) and [w for w in BLANKS.split(lines[n + 1]) if w] == EVENTS_HEADER
    if not line.startswith("Name:") or not line[5:].strip(WS):
        return False
    return any(x.rstrip(WS) == "Containers:" for x in lines[n + 1 :])


def _state_fine(said: list[str]) -> bool:
    """Whether a container's State or Last State (its lines, as said) is running, or ended well (exit code 0)."""
    value = said[0].partition(": ")[2]
    return value in ("", "Running") or (value == "Terminated" and "Exit Code: 0" in said)


def _go_crash_ahead(lines: list[str]) -> bool:
    """Whether a ``panic:`` or ``fatal error:`` line comes after at most PREAMBLE_LINES other lines, not counting
    the runtime's reasons (GO_SAID) and `go test`'s lines (GO_TEST) above it. Found in review: a fatal error
    under four ``runtime:`` lines, or under two and a few words, was searched whole. Stops at the first line over:
    a long text costs no more."""
    others = 0
    for line in lines:
        said = line.lstrip(WS)
        if GO_PANIC.match(said):
            return True
        if not (GO_SAID.match(said) or GO_TEST.match(said.rstrip(WS))):
            others += 1
            if others > PREAMBLE_LINES:
                return False
    return False


def _without_recovered(line: str) -> str:
    """``GO_RECOVERED.sub("", line)`` (a line, no "\\n"), in time linear in its length (the browser's port does the
    same). As a regex it read on from each " [recovered" to the line's end: a line of 100,000 characters of them
    took 2 s, of 1,000,000 minutes (bench/pathological.py). The mark ends the line, with no "]" inside it: it
    starts at the first " [recovered" after the line's last "]" but its final one."""
    if line[-1:] != "]":
        return line
    at = line.find(RECOVERED, line.rfind("]", 0, len(line) - 1) + 1, len(line) - 1)
    return line if at < 0 else line[:at]


def _few_records(lines: list[str]) -> Log | None:
    """A few JSON or logfmt records pasted (a line or two copied from Kibana, Loki, `kubectl logs`), each with a
    level and a message field, after the words written before them: searched by their messages, each once, at
    level "record" (beside others, only those at level "error", else "warning"); else None (searched as they
    are). Found in review: whole, a zap line's keys, trace and span ids and timestamp outweighed what it said
    ("query failed: dial tcp: lookup orders-db... no such host"): dns-resolution-failure 1st at p 0.24, "no known
    pattern"; by its message fields, p 0.82. A line with no
    level or no message field (an alert's payload on one line, a Kubernetes object) is no log record here.
    Plain records with a level word (``2026-11-03T02:45:11Z ERROR config: ...``) are read the same way, by what
    each says after its timestamp and level, but only their error lines (else warning lines) beside others: all
    at one level, they are searched as they are, as a plain log's storm is (_pick). Found using it as a
    responder: a sentence and four plain lines (three INFO, one ERROR ``config: required key ... missing``)
    were searched whole, their INFO lines outweighing the error: "no known pattern" (wrong-secret-or-env-var at
    p 0.09); the sentence and the error line alone, p 0.36."""
    # over what is searched, not "a line or two": condensed as before. Each line is read twice (_before_log,
    # then below), and a 900,000-character logfmt line of escaped quotes took 0.4 s a reading
    if sum(map(len, lines)) > MAX_QUERY_CHARS:
        return None
    before = _before_log(lines)
    said, plain = [], False
    for raw in lines[len(before) :]:
        if raw[0] in WS:  # a JSON object printed over several lines, a wrapped message
            return None
        _, level, message, structured = read_line(raw.strip(WS))
        if not structured:  # a plain record: its level word read (not PostgreSQL's DETAIL, HINT ...: "same", "aside")
            if level not in ("error", "warning", "other") or not _logged(raw.strip(WS)):
                return None
            plain = True
        # no message field: read_line gives back the record itself
        elif level is None or message[:1] == "{" or LOGFMT.match(message):
            return None
        said.append((level, message[:LINE_CHARS]))
    if not said:
        return None
    # its error records (else its warnings) when others are beside them, as a log's error lines are kept (_pick,
    # a storm of JSON records): found in review, a zap request line at info was searched, and quoted first, beside
    # the two errors that said what failed ("redis: connection pool timeout")
    for kept in ("error", "warning"):
        picked = [m for lv, m in said if lv == kept]
        if picked and len(picked) < len(said):
            return _log_of(before, picked, len(said), kept)
    if plain:  # plain lines all at one level: what they say is the lines themselves, as a plain storm's
        return None
    return _log_of(before, [m for _, m in said], len(said), "record")


def _one_line(raw: str) -> Log | None:
    """A single line pasted that starts as a logger writes it, searched without what says nothing of what failed:
    its timestamps (a time of day alone only where read_line reads a record), syslog's host and process, klog's
    header, then the ids and EC2 host names after them (LINE_ID) or, after a timestamp, the words before its level
    word (as read_line reads a record's level: PostgreSQL's "UTC [2211] app@db"; after a timestamp alone only words
    that are no prose, NOT_PROSE), at level "line"; its level word
    and the rest kept, as they are part of many a message quoted ("FATAL: sorry, too many clients already", a
    signal; "2026-12-06 09:14:22.123 UTC [2231] ERROR:  deadlock detected" p 0.93, without its timestamp alone 0.89,
    as "ERROR:  deadlock detected" 0.98, docs/ranking.md). None when nothing of it
    goes, or nothing else is left. Found in review: "Too many open files" alone found file-descriptor-exhaustion at
    p 0.95, after "ip-10-0-3-17.eu-west-1.compute.internal" at 0.42, after a timestamp, host, request and trace
    id at 0.36; "OOMKilled" 0.99, after a timestamp and host 0.49."""
    line = raw.strip(WS)
    if len(line) > MAX_QUERY_CHARS:  # no line copied from a log; read_line on 1,000,000 characters costs
        return None
    rest, headed = line, False
    if read_line(line)[0]:  # a logged record: its timestamps, host and klog header go
        for _ in range(4):
            m = STAMP.match(rest) or KLOG.match(rest)
            if not m:
                break
            rest, headed = rest[m.end() :], headed or m.re is KLOG
            year = CTIME_YEAR.match(rest) if CTIME.match(m.group()) else None
            rest = rest[year.end() :] if year else rest
            host = HOST.match(rest)
            rest, headed = (rest[host.end() :], True) if host else (rest, headed)
        later = None if rest == line or LEVEL_AT.match(rest) else LEVEL_LATER.match(rest)
        said = later.group().rstrip(" \t") if later else ""
        cut = max(said.rfind(" "), said.rfind("\t")) + 1
        if later and (headed or NOT_PROSE.search(rest, 0, cut)):
            # the words before its level go (PostgreSQL's "UTC [2211] app@db", ids), its level stays: a token
            return _said_line(_after_level(rest[cut:]))
    at = 0
    while m := LINE_ID.match(rest, at):
        at = m.end()
    rest = _after_level(rest[at:])
    return None if rest == line else _said_line(rest)


# ctime's stamp, "Mon Dec  6 09:14:22 2026" (STAMP reads it to its time), and its year after it (_one_line; Apache's
# "[Mon Dec 06 09:14:22.123456 2026]" with its bracket)
CTIME = re.compile(r"\[?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?" + _MONTH + " ", re.ASCII)
CTIME_YEAR = re.compile(r"\d{4}\]?(?:[ \t]+|$)", re.ASCII)
# words before a level word that are a logger's (_one_line), not prose: an id, a pid in brackets, user@db, key=value.
# Found in a re-read: "2026-12-06 09:14:22 after the deploy ERROR rates spiked" was searched as "ERROR rates spiked",
# after a timestamp alone (a host or klog's header stripped too: any words go, as read_line reads a record)
NOT_PROSE = re.compile(r"[\d\[\]@=/_]", re.ASCII)


def _after_level(rest: str) -> str:
    """``rest`` without Spring Boot's pid, thread and logger or haproxy's pid after the level word it starts with
    (SPRING, HAPROXY_PID: as read_line reads a record), that word kept. Found in a re-read: "... ERROR 312 ---
    [main] o.s.b.SpringApplication : Application run failed" was searched with its pid, read as an HTTP status."""
    m = LEVEL_AT.match(rest)
    after = m and (SPRING.match(rest, m.end()) or HAPROXY_PID.match(rest, m.end()))
    return rest[: m.end()] + rest[after.end() :] if after else rest


def _said_line(rest: str) -> Log | None:
    """What _one_line searches of a line, ``rest``, at level "line", or None when nothing is left of it."""
    return _log_of([], [rest], 1, "line") if has_text(rest) else None


def _logged(line: str) -> bool:
    """Whether a plain line with a level word is a logger's, not typed: it starts with a timestamp (or klog's
    header), or its level word is bracketed or upper case (``[error]``, ``ERROR``). Found in review: two typed
    lines, "warning: the certificate expires tomorrow" and "error: TLS handshake failed", were read as "a 2-line
    log" and searched by the second alone; a lower-case "error:" starting a line is how people write too."""
    if STAMP.match(line) or KLOG.match(line) or ACCESS.match(line):
        return True
    m = LEVEL_AT.match(line)
    return m is not None and m.group("l") is None


@dataclass
class _Scan:
    """A log's lines as read: how many are ``records`` and ``others`` (lines of their own that are neither
    records nor stack-trace lines), whether every record is ``structured`` (JSON or logfmt), the
    ``entries`` that may be searched, in order: (level, what it says), the level None for none, and what each
    JSON or logfmt record with a message field ``said``, at any level (_records)."""

    records: int = 0
    others: int = 0
    structured: bool = True
    entries: list[tuple[str | None, str]] = field(default_factory=list)
    said: list[str] = field(default_factory=list)


def _scan(lines: list[str]) -> _Scan:
    """The _Scan of ``lines``; read only so far as they may still be a log (read_log's LOG_SHARE of records): of
    500,000 lines of prose, 200,000, the rest could not make it one (recur-query.js's scan alike)."""
    scan = _Scan()
    above = None  # the level of the line above: a PostgreSQL DETAIL goes on with it
    traceback = False  # a Python traceback's first unindented line is its exception, whatever its class
    dotnet: list = []  # [level, whether its category is still its message] of a .NET record
    for n, raw in enumerate(lines):
        if raw[0] in WS:  # indented: a stack frame, a wrapped message; part of the record above
            if dotnet and dotnet[0] in ("error", "warning") and not (FRAME.match(raw) or NOT_MESSAGE.match(raw)):
                said = (raw.strip(WS).lstrip("-:|> \t") or raw.strip(WS))[:LINE_CHARS]
                if dotnet[1]:  # its first line of text says more than its category
                    scan.entries[-1], dotnet[1] = (dotnet[0], said), False
                else:
                    scan.entries.append((dotnet[0], said))
            continue
        line = raw.strip(WS)
        record, level, message, structured = read_line(line)
        exception = traceback and not record
        if level in ("same", "aside"):  # goes on with the record above: counted neither way, as stack-trace lines
            level, record = above if level == "same" else "other", False
        elif record:
            scan.records += 1
            scan.structured = scan.structured and structured
            if structured and not (message[:1] == "{" or LOGFMT.match(message)):  # read_line's: no message field
                scan.said.append(message[:LINE_CHARS])
        elif not (exception or STACK.match(line)):
            scan.others += 1
            best = scan.records + len(lines) - n - 1  # every line after this one a record
            if best + 1 < LOG_SHARE * (best + scan.others):  # (a line's margin: no float's rounding decides)
                return scan  # no log, whatever follows: read_log's test fails on what was read
        if level is None and (exception or TELLING_TEXT.search(message)):
            level = "error"  # a record with no level, or a line of its own, that says what failed
        if level in ("error", "warning") or (level is None and not STACK.match(line)):
            scan.entries.append((level, message[:LINE_CHARS]))  # not a benign level, not a frame
        dotnet = [level, True] if level and DOTNET_CATEGORY.fullmatch(message) else []
        above, traceback = level, bool(TRACEBACK.match(line))
    return scan


def _pick(scan: _Scan, lines: int) -> tuple[str, list[str], int] | None:
    """(the level, the lines searched, each once, how many of them have no level) of a log of ``lines``
    non-empty lines, or None: searched as it is. Its error lines (else its warning lines) and, when together fewer than half, the lines with no level
    beside them; a storm (those lines half the log or more) of plain lines is searched as it is, of JSON or
    logfmt records by their message fields."""
    for level in ("error", "warning"):
        said = [m for lv, m in scan.entries if lv == level]
        if said:
            break
    else:
        return None
    if 2 * len(said) >= lines and not scan.structured:
        return None
    beside = list(dict.fromkeys(m for lv, m in scan.entries if lv in (level, None)))
    if 2 * len(beside) >= lines:  # a host's journal is mostly lines with no level (cron, sshd, systemd)
        return level, list(dict.fromkeys(said)), 0
    return level, beside, len(set(beside) - set(said))


def _records(scan: _Scan, before: list[str], lines: int) -> Log | None:
    """A log of ``lines`` lines that are all JSON or logfmt records, none at a warning or error level (_pick found
    no line to search): searched by their message fields, each once, at level "record", as a few records are
    (_few_records); else None, searched as it is. Whole, their keys, trace ids and timestamps outweighed what they
    said: an app that logs its pool waits at info ("acquired db connection after waiting", in_use=50, max=50)
    found db-connection-pool-exhausted 3rd at p 0.002; by their messages, 1st at p 0.09 (a supervisor's "worker
    exited: signal: killed (OOMKilled)" at info: memory-leak-oom-kill p 0.09, then 0.88). What is searched is
    condensed to the limit as any text is."""
    if scan.records < lines or not scan.structured or not scan.said:
        return None
    return _log_of(before, scan.said, scan.records, "record")


def _log_of(before: list[str], lines: list[str], read: int, level: str) -> Log:
    """The Log of a paste searched by ``lines`` (each once, in order) after the words ``before`` it, of ``read``
    lines read (recur-query.js's logOf): a traceback, a Go crash, JSON or logfmt records."""
    kept = list(dict.fromkeys(lines))
    return Log(clean(strip_ansi("\n".join(before + kept))), read, len(kept), level, len(before))


def _before_log(lines: list[str]) -> list[str]:
    """The words before a log, trimmed: of ``lines`` (non-empty), the first ones, at most PREAMBLE_LINES
    and together PREAMBLE_CHARS (the last one cut there), that are neither indented, log records nor
    stack-trace lines (an exception's first line is the log's, its error line)."""
    kept, room = [], PREAMBLE_CHARS
    for line in lines[:PREAMBLE_LINES]:
        said = line.strip(WS)
        if room <= 0 or line[0] in WS or STACK.match(said) or read_line(said)[0]:
            break
        kept.append(said[:room])
        room -= len(said) + 1
    return kept


def read_line(line: str) -> tuple[bool, str | None, str, bool]:
    """(whether ``line``, trimmed, is a log record; its level: "error", "warning", "other", "same" (goes on
    with the record above) or None for none; what it says: a JSON or logfmt record's message fields, a plain
    line without its timestamp, host and level, else the line; whether it is a JSON or logfmt record)."""
    rest, record, level, clock = line, False, None, False
    for _ in range(4):  # "Dec 01 10:02:03 web-3 nginx[812]: 2026/12/01 10:02:03 [crit] ...": two stamps
        m = STAMP.match(rest)
        if m:
            clock = clock or (not record and bool(CLOCK.match(m.group())))  # a time of day, no date
            rest, record = rest[m.end() :], True
            host = HOST.match(rest)
            rest, clock = (rest[host.end() :], False) if host else (rest, clock)
            continue
        m = KLOG.match(rest)
        if m:
            rest, record, level, clock = rest[m.end() :], True, KLOG_LEVEL[m.group(1)], False
        break
    access = ACCESS.match(rest)
    if access:  # of an access log's line, from its request on: a server error (5xx) says what failed, else nothing
        said, status = access.group(1, 2) if access.group(1) else access.group(3, 4)
        return True, None if status[:1] == "5" else "other", rest[access.end() - len(said) :], False
    if rest[:1] == "{" and rest[-1:] == "}":  # a JSON record, after a timestamp or not
        fields = _json_fields(rest)
        if fields is None:
            return True, level, rest, False
        return True, *_structured(fields, rest), True
    if LOGFMT.match(rest):
        return True, *_structured(_logfmt_fields(rest), rest), True
    if level is None:
        m = LEVEL_AT.match(rest) or (LEVEL_LATER.match(rest) if record else None)
        if m:  # a level word starts a record, or follows its timestamp within a few words
            record, level, rest = True, LEVEL_OF[next(g for g in m.groups() if g).upper()], rest[m.end() :]
            spring = SPRING.match(rest) or HAPROXY_PID.match(rest)
            rest = rest[spring.end() :] if spring else rest
        elif clock:
            return False, None, line, False  # "10:05:12 DB dashboards show ...": a timeline's line, prose
    return record, level, rest.lstrip("-:|> \t") or line, False


def _json_fields(text: str) -> dict | None:
    """``text`` as a JSON object, or None. NaN and Infinity are not JSON (the browser's JSON.parse refuses
    them), nor is a line of more than JSON_MAX_BRACKETS brackets (nested past Python's recursion limit, it
    would be JSON to the browser only). A number is a float, as JavaScript's: an integer of over 4,300 digits
    made int() raise (Python's digit limit) and the line no JSON to Python only; as a float it is inf,
    JSON.parse's Infinity, and a level or a template's hole reads it as the browser does."""
    if text.count("{") + text.count("[") > JSON_MAX_BRACKETS:
        return None
    try:
        obj = json.loads(text, parse_constant=_not_json, parse_int=float)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def json_too_deep(text: str) -> bool:
    """Whether ``text``, as JSON, has arrays and objects nested more than JSON_MAX_DEPTH levels deep (brackets in
    strings are text): then it is no JSON to any surface, the browser's alike."""
    if text.count("{") + text.count("[") <= JSON_MAX_DEPTH:  # the usual paste: no need to look further
        return False
    depth = 0
    for ch in _brackets(text):
        depth += 1 if ch in "[{" else -1 if ch in "]}" else 0
        if depth > JSON_MAX_DEPTH:
            return True
    return False


def _brackets(text: str) -> str:
    """``JSON_NOT_BRACKET.sub("", text)``, in time linear in its length (the browser's port does the same): the
    brackets outside strings, and the quotes no string closes. Once a quote is not closed, no later one is (an
    escaped one starts where its reading goes on, to the end): the rest is taken as the pattern leaves it."""
    kept, pos = [], 0
    while (at := text.find('"', pos)) >= 0:
        kept.append(JSON_NOT_BRACKET_OR_QUOTE.sub("", text[pos:at]))
        string = JSON_STRING.match(text, at)
        if string is None:
            pos = at
            break
        pos = string.end()
    return "".join(kept) + JSON_NOT_BRACKET_OR_QUOTE.sub("", text[pos:])


def _not_json(name: str):
    raise ValueError(name)


def _logfmt_fields(text: str) -> dict:
    """A logfmt line's ``key=value`` pairs (the first of a key); a quoted value unquoted as a JSON string
    (Go's %q), or, not JSON, with its quotes and backslashes taken out."""
    fields = {}
    for key, value in LOGFMT_FIELD.findall(text):
        if value[:1] == '"':
            try:
                value = json.loads(value)
            except ValueError:
                value = re.sub(r"\\([\s\S])", r"\1", value[1:-1] if value[-1:] == '"' and len(value) > 1 else value[1:])
        if isinstance(value, str):
            fields.setdefault(key, value)
    return fields


def _structured(fields: dict, line: str) -> tuple[str | None, str]:
    """(the level, the message) of a JSON or logfmt record: its LEVEL_KEYS and MESSAGE_KEYS fields (a
    dotted key is also looked up one level down: ``{"err": {"message": ...}}``), joined by ": "; without a
    message field, the whole line."""
    level = None
    for key in LEVEL_KEYS:
        level = _level_value(_field(fields, key))
        if level is not None:
            break
    said = []
    for key in MESSAGE_KEYS:
        value = _field(fields, key)
        if key == "@mt" and isinstance(value, str):
            value = None if isinstance(fields.get("@m"), str) else _filled(value, fields)
        text = _value_text(value) if isinstance(value, str) else ""
        if text:  # not "value.strip(WS)": Docker's json-file log writes {"log":"\n"} for each blank line
            said.append(text)
    return level, ": ".join(dict.fromkeys(said)) or line


def _filled(template: str, fields: dict) -> str:
    """A Serilog message template with its holes filled with the record's text and whole-number values (what
    its @m would say); a hole with no such value stays as written. Whole numbers only: the browser's
    JSON.parse reads 5012.0 as 5012, and Python's repr of a fraction is not JavaScript's."""

    def fill(m: re.Match) -> str:
        value = fields.get(m.group(1))
        if isinstance(value, str):
            return value
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number and abs(value) < 2**53 and float(value).is_integer():
            return str(int(value))
        return m.group()

    return HOLE.sub(fill, template)


def _field(fields: dict, key: str):
    if key in fields:
        return fields[key]
    head, _, tail = key.partition(".")
    inner = fields.get(head) if tail else None
    return inner.get(tail) if isinstance(inner, dict) else None


def _level_value(value) -> str | None:
    """ "error", "warning", "other" for a level field's value (a name, or a number: pino's 10-60, syslog's
    0-7), None for no level."""
    if isinstance(value, str):
        return LEVEL_OF.get(value.strip(WS).upper(), "other") if value.strip(WS) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value >= 10:
        return "error" if value >= 50 else "warning" if value >= 40 else "other"
    return "error" if value <= 3 else "warning" if value == 4 else "other"


def _value_text(value: str) -> str:
    """A field's text on one line: of a multi-line value (a stack trace), its lines that say what failed
    (the exception, its causes), else its first line; "" for a value of blanks and line breaks only."""
    lines = [x for x in value.split("\n") if x.strip(WS)]
    telling = [x.strip(WS) for x in lines if x[0] not in WS and TELLING_TEXT.search(x)]  # not a frame
    return " ".join(telling or [x.strip(WS) for x in lines[:1]])


def _without_frames(lines: list[str]) -> tuple[list[str], int]:
    """The lines with each run of stack frames cut to its first FRAMES_KEPT, and no '... N more'."""
    kept, dropped, run = [], 0, 0
    for line in lines:
        if ELIDED.fullmatch(line):
            dropped += 1
            continue
        run = run + 1 if FRAME.match(line) else 0
        if run > FRAMES_KEPT:
            dropped += 1
            continue
        kept.append(line)
    return kept, dropped


def _middle_out(text: str, limit: int) -> str:
    """``text`` (over ``limit``) as its start, the telling lines of its middle, and its end."""
    h, t = int(limit * HEAD_SHARE), int(limit * TAIL_SHARE)
    nl = text.rfind("\n", 0, h)
    head = text[:nl] if nl >= h // 2 else text[:h]  # at a line end when one is in the second half
    start = len(text) - t
    nl = text.find("\n", start, start + t // 2)
    tail = text[nl + 1 :] if nl >= 0 else text[start:]
    middle = text[len(head) : len(text) - len(tail)]
    room = limit - len(head) - len(tail) - 1  # the newline between head and tail
    picked = []
    for line in reversed(middle.split("\n")):  # the last first: a chain's root cause is its last "Caused by:"
        if TELLING.search(line):
            line = line[:LINE_CHARS]
            if len(line) + 1 > room:
                break
            picked.append(line)
            room -= len(line) + 1
    return "\n".join([head, *reversed(picked), tail])
