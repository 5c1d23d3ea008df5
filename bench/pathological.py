"""How each public reader of untrusted text scales with hostile input, against ordinary text of the same size.

    python bench/pathological.py [--sizes 10000,100000,1000000] [--timeout 60] [--only prepare,node]

`POST /api/suggest` takes up to 20,000 characters, `recur suggest -` up to 1,000,000; the box of the site
prepares what is pasted in the browser; `recur import` reads whole documents, `recur check` any file of a pull
request, `recur coverage` rule files. Each reader (query.prepare; recur-query.js's prepare in Node; the
postmortem parser; `recur check` on a KB of one pattern file; a pattern body as `recur site` renders it; util.text.plain, which makes the KB's texts one
line for the index; the rule-file reader) is timed on each input at each size, in a process of its own killed after --timeout seconds (reported as "> timeout"). From one size to
the next, the growth's exponent, log(time ratio) / log(size ratio): about 1 for linear work, 2 for quadratic
(times of a few milliseconds are noise). Each reader's baseline (ordinary text, same sizes, same run) says
what its linear work looks like on the machine at the time: a reader with a fixed start-up cost grows slower. Before the fixes, a CloudWatch state reason of 100,000
"(" took 49 s in query.prepare (each unclosed bracket read to the line's end again), a Datadog message of
"[" 1 s at 10,000, a Go panic line of " [recovered" marks 2 s at 100,000, a JSON paste of 10,000 escaped
quotes no string closes 11 s; in the browser's port a JSON alert with 30,000 blanks inside a string 12 s
(/[ \\t]+$/ tried at each blank); a postmortem's summary opening on 10,000 "[" 3 s in `recur import`; a
rule file's annotation of 10,000 "{{" 8 s in `recur coverage` (an alias bomb of 10^9 values hung it: 2.86 GB
at 120 s; now skipped, coverage.alias_problem), one action of 100,000 escaped quotes 190 s;
30,000 characters of "](" 0.9 s in util.text.plain (100,000 7 s); a rule file of 10,000 "[" 3 s in `recur coverage`
(PyYAML's scanner looked at each open bracket for every token), 100,000 characters of lines nested 400 deep 16 s,
a megabyte of them 16 s of CPU still (refused now, past config.MAX_YAML_DEPTH); a summary of a megabyte of "{"
1.9 s in `recur import` (its placeholder count read 200 characters from each); an action item of 15,000 characters
of "by" after "@sam" 100 s in `recur import`; a pattern's front matter of a
megabyte of "x," 18 s in `recur check`, of "[]," 11 s (refused now, past config.MAX_YAML_NODES values); a
front matter that does not parse with a line of 80,000 blanks after a value 44-70 s in `recur check` (its key lines
are read for the body's checks), a signal of 80,000 "*" then "a" 59 s (its wildcard sign); in `recur import` at 20,000
characters (0.07 s now), a heading of " :a:" shortcodes 6.2 s, a Duration of digits then "a!" 44 s (its unit looked for
from each digit; 50,000 254 s), of "1h" 8.3 s (a clock looked for in the rest from each one); an HTML export's
lists nested 588 deep (10,000 characters) 1.7 s, 5,882 deep over 120 s (0.16 s and 1.6 s now: items indented
to pm_markup.MAX_LIST_DEPTH levels at most), 40,000 lines of "Follow-ups:" 12.5 s (1.8 s).
In `recur site`, a paragraph of packed inline markup: Python-Markdown built the paragraph's text again at each
code span, emphasis, link or autolink (recur.kb.inline now); at 1,000,000 characters code spans, emphasis and
links over 240 s, autolinks 51 s (100,000: 1.5, 8.3, 5.3, 1.8 s; a loaded machine's wall-clock).
Linear, but slow: 500,000 short lines 0.9 s (CPU) in query.prepare, 0.35 s in Node; a megabyte of them in an
unclosed code fence 12 s in `recur import`.

Prints a table and writes bench/out/pathological.json. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERY_JS = ROOT / "site_config" / "assets" / "recur-query.js"
PROSE = "The checkout service returned errors after a deploy. Engineers rolled back and it recovered.\n"
LOG = "".join(f"2026-12-01T10:02:0{i}Z INFO worker started {i}\n" for i in range(8))
GO_DUMP = "\n\ngoroutine 1 [running]:\nmain.main()\n\t/a/main.go:9 +0x1d\n"


def fill(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def numbered(line: str, n: int) -> str:
    """Lines of ``line`` with "{i}" their number, to n characters: each line a field of its own value."""
    out, size, i = [], 0, 0
    while size < n:
        out.append(line.format(i=i))
        size, i = size + len(out[-1]), i + 1
    return "".join(out)[:n]


def alarm(reason: str) -> str:
    return json.dumps({"AlarmName": "X", "NewStateValue": "ALARM", "NewStateReason": reason})


# what each reader is given at n characters: the baseline first
PASTES = {
    "baseline: prose": lambda n: fill(PROSE, n),
    "baseline: a log": lambda n: LOG + fill("2026-12-01T10:02:09Z ERROR disk full on /var\n", n),
    'CloudWatch reason of "("': lambda n: alarm("(" * n),
    'CloudWatch reason of "["': lambda n: alarm("[" * n),
    'Datadog message of "["': lambda n: json.dumps({"title": "T", "event_type": "x", "body": "[" * n}),
    'Datadog message of "[a]("': lambda n: json.dumps({"title": "T", "event_type": "x", "body": fill("[a](", n)}),
    # no "]" ends it: GO_RECOVERED failed from each mark (with one, its first try matched)
    'Go panic line of " [recovered"': lambda n: "panic: x" + fill(" [recovered", n) + GO_DUMP,
    "alert summary with blanks inside": lambda n: json.dumps(
        {"labels": {"alertname": "A"}, "annotations": {"summary": "x" + " " * n + "y"}}
    ),
    "a log line of spaces": lambda n: LOG + "x" + " " * n + "y",
    'a log line of "a:a:"': lambda n: LOG + "2026-12-01T10:02:09Z ERROR " + fill("a:", n),
    'a log line of "  at a:a:"': lambda n: LOG + "  at " + fill("a:", n),
    # SPRING after the level: its brackets read to a "]" none closes, its logger read to a " :" none follows
    'a Spring Boot line of "["': lambda n: LOG + "2026-12-01T10:02:09Z ERROR 1 --- " + "[" * n,
    'a Spring Boot line of "[a]"': lambda n: LOG + "2026-12-01T10:02:09Z ERROR 1 --- " + fill("[a]", n),
    "one line of 1 character": lambda n: "x" * n,
    "short lines": lambda n: fill("a\n", n),
    # every line is looked at as a status table's header: each naming df's "Mounted" was translated (_df_english,
    # some 50 replaces) until it was checked to start and end as df's header; 975 KB 2.8 s, "NAME Mountex" 0.5 s
    'lines of "NAME Mounted"': lambda n: fill("NAME Mounted\n", n),
    "nested brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "JSON of escaped quotes, unclosed": lambda n: "{" * 501 + '"' + fill('\\"', n),
}
DOCUMENTS = {
    "baseline: prose": lambda n: "# Incident\n\n## Summary\n\n" + fill(PROSE, n),
    'unclosed "["': lambda n: "# Incident\n\n## Summary\n\n" + "[" * n,
    'unclosed "{{"': lambda n: "# Incident\n\n## Summary\n\n" + "{" * n,
    'unclosed "<a"': lambda n: "# Incident\n\n## Summary\n\n" + fill("<a", n),
    "many @ owners": lambda n: "# Incident\n\n## Action items\n\n- fix it " + fill("@a ", n) + "\n",
    # each "by" a due label whose value, the rest of the line, was read for a date (action_items._due)
    '"by" words after an owner mention': lambda n: (
        "# Incident\n\n## Action items\n\n- Fix it @sam " + fill("by ", n) + "Dec 4\n"
    ),
    # an owner cell's names split at its commas outside brackets (action_items._split_names): written first as a
    # look-ahead for the bracket's end at each comma, it read the rest of the cell again, 100,000 characters 27 s
    "an owner cell of commas": lambda n: (
        "# Incident\n\n## Action items\n\n| Action | Owner |\n|---|---|\n| Fix it | (" + fill("a,", n) + " |\n"
    ),
    # owners written in an item's text one after another, each name after a comma read as the owner field's
    # (action_items._more_owners): a label's names, and a bracket of mentions
    'an item\'s "owner: Ana Ruiz, …"': lambda n: (
        "# Incident\n\n## Action items\n\n- Fix it (owner: " + fill("Ana Ruiz, ", n) + ")\n"
    ),
    'an item\'s "(@a, @a, …)"': lambda n: "# Incident\n\n## Action items\n\n- Fix it (" + fill("@a, ", n) + ")\n",
    # and a run of them ending the item, walked back from its last (action_items._mention_run_start)
    'an item ending "@a, @a, …"': lambda n: "# Incident\n\n## Action items\n\n- Fix it " + fill("@a, ", n) + "@a\n",
    # or leading it, no colon after them to make them its owners (action_items._LEAD_MENTION)
    'an item led by "@a, @a, …"': lambda n: "# Incident\n\n## Action items\n\n- " + fill("@a, ", n) + "@a fix it\n",
    "table rows": lambda n: "# Incident\n\n" + fill("| a | b |\n", n),
    "dash rows": lambda n: "# Incident\n\n" + fill("|---|---|\n", n),
    # an HTML export's lists nested n / 17 deep: each level's items were indented 3 blanks more (pm_markup._Html)
    "HTML lists nested": lambda n: "<h1>Incident</h1>" + "<ul><li>" * (n // 17) + "x" + "</li></ul>" * (n // 17),
    # each lead-in line looked for the list under it in a copy of the rest of the lines (postmortem._lead_in)
    'lines of "Follow-ups:"': lambda n: "# Incident\n\n## Summary\n\n" + fill("Follow-ups:\n", n),
    "unclosed fence": lambda n: "# Incident\n\n```\n" + fill("x\n", n),
    "a line of spaces": lambda n: "# Incident\n\n## Timeline\n\n- 10:02 x" + " " * n + "y\n",
    # each "review on" / "done" looked for its date in the whole rest of the line (pm_text.review_when, review_held)
    'a Status line of "due review on"': lambda n: (
        "# Incident\n\n**Status:** Draft, " + fill("due review on ", n) + "\n"
    ),
    'a Status line of "done on"': lambda n: "# Incident\n\n**Status:** Complete, " + fill("done on ", n) + "\n",
    # each shortcode after the title's last word matched the run from it to the end (pm_text._title_parts)
    'a heading of ":a:" shortcodes': lambda n: "# x" + fill(" :a:", n) + " x\n\n## Summary\n\nS.\n",
    # emphasis marks no mark closes, each read to the title's end for its closing one (pm_text._unformatted)
    'a heading of "*a " and "_a "': lambda n: "# x" + fill(" *a _a", n) + "\n\n## Summary\n\nS.\n",
    # a number no unit follows, read for a unit from each of its digits (pm_text.unknown_unit, DURATION_PART)
    "a Duration of digits": lambda n: "# Incident\n\n**Duration:** " + "1" * n + "a!\n",
    # each duration looked for a clock in the whole rest of the line (pm_text._durations)
    'a Duration of "1h"': lambda n: "# Incident\n\n**Duration:** " + fill("1h", n) + "\n",
    # a German unit after a decimal comma (pm_text._DURATION_UNIT's lookahead), tried at each "1," of a run
    'a Duration of "1,5 Std. "': lambda n: "# Incident\n\n**Duration:** " + fill("1,5 Std. ", n) + "\n",
    # an English unit after a decimal comma of one or two digits (the same, its second lookahead), and such a comma
    # that no unit follows ("1,55 ho" tries each unit's word at each comma)
    'a Duration of "1,5 hours "': lambda n: "# Incident\n\n**Duration:** " + fill("1,5 hours ", n) + "\n",
    'a Duration of "1,55 ho"': lambda n: "# Incident\n\n**Duration:** " + fill("1,55 ho", n) + "\n",
    # a dash date with a two-digit year (pm_text.DASH_SHORT) tried at each "-" of a run, in a label and in prose
    'a Date line of "1-2-"': lambda n: "# Incident\n\n**Date:** " + fill("1-2-", n) + "\n\n## Summary\n\nS.\n",
    'a Summary of "10-20-30 "': lambda n: "# Incident\n\n## Summary\n\n" + fill("10-20-30 ", n) + "\n",
    # an email's days without a year after its Date: header, each read and refused (postmortem._mail_day)
    'an email body of "Dec 9 "': lambda n: (
        "From: a@x.io\nDate: Wed, 2 Dec 2026 09:12:44 +0100\nSubject: Checkout down\n\n" + fill("Dec 9 ", n) + "\n"
    ),
    'a Duration of "1,"': lambda n: "# Incident\n\n**Duration:** " + fill("1,", n) + "1" * 1000 + "\n",
    # thousands groups before a unit (pm_text._DURATION_UNIT's ",ddd" groups, at most two), at each "1," of a run
    'a Duration of "1,000,"': lambda n: "# Incident\n\n**Duration:** " + fill("1,000,", n) + "\n",
    # a plain-text write-up of "Label: value" lines, each line a field; a people field's (Owner:, Author:,
    # Incident commander:) read into People once each, each looked for in the list of those read before it
    # (postmortem._person): a megabyte of "Owner:" lines 55 s of CPU (149 s wall), 2.2 s now; "Label N:" lines 2.9 s
    'lines of "Label N: text"': lambda n: numbered("Label {i}: text\n", n),
    'lines of "Owner: N"': lambda n: numbered("Owner: person {i}\n", n),
    'lines of "Incident commander: N"': lambda n: numbered("Incident commander: person {i}\n", n),
    # the same quoted in an e-mail reply, whose postmortem is the quote: the reply and the quote are both read
    'a reply quoting "> Owner: N" lines': lambda n: (
        "From: a@x.io\nDate: Wed, 2 Dec 2026 09:12:44 +0100\nSubject: Re: Checkout down\n\nThanks.\n\n"
        "On Tue, Dec 1, 2026 at 9:00 AM Bob <b@x.io> wrote:\n" + numbered("> Owner: person {i}\n", n)
    ),
    # a tool's detail lines, each a chunk of the Details section, which was joined to the whole of it each time
    # (postmortem._sections)
    'lines of "Team: N"': lambda n: numbered("Team: team {i}\n", n),
    # a key/value table's ticket rows, each looked for among the sections read before it (postmortem._kv_section),
    # and each joined to the whole References section (postmortem._sections)
    'a table of "| Incident | INC-N |" rows': lambda n: (
        "| Field | Value |\n|---|---|\n" + numbered("| Incident | INC-{i} |\n", n)
    ),
    # a project key looked for from each of the capitals (postmortem._TICKET_KEY, _LINE_TICKET: now at a word's start)
    "an Incident line of capitals": lambda n: (
        "# Incident\n\n**Incident:** " + "A" * n + "\n\n| Incident | " + "A" * n + " |\n"
    ),
}
# a pattern file's first keys: its front matter goes on with the input, or is closed by it ("---") for a body
PATTERN = "---\nid: p-x\ntitle: A title\ncategory: capacity\nseverity: sev2\nsymptoms:\n  - requests hang\n"
BODY = "---\n\n## Summary\n\n"
REST = "\n---\n\n## Summary\n\nS.\n\n## Runbook\n\n1. x\n"  # after a front matter of n characters
PATTERN_FILES = {
    "baseline: prose": lambda n: BODY + fill(PROSE, n) + "\n## Runbook\n\n1. Run `df -h`.\n",
    "runbook step of spaces": lambda n: BODY + "S.\n\n## Runbook\n\n1. Run" + " " * n + "x\n",
    "fence lines": lambda n: BODY + "S.\n" + fill("```a\n", n) + "\n## Runbook\n\n1. x\n",
    "table rows": lambda n: BODY + fill("| a | b |\n", n) + "\n## Runbook\n\n1. x\n",
    'unclosed "["': lambda n: BODY + "[" * n + "\n\n## Runbook\n\n1. x\n",
    # PyYAML's cost is per value, whatever the depth (refused past config.MAX_YAML_NODES values now)
    # some 30,000 values at 1,000,000 characters: read whole, under the limit
    "front matter, baseline: keys": lambda n: "".join(f"k{i:06}: {PROSE}" for i in range(n // 100)) + REST,
    'front matter of "[],"': lambda n: "notes: [" + fill("[],", n) + "]" + REST,
    'front matter of "x,"': lambda n: "notes: [" + fill("x,", n) + "]" + REST,
    'front matter of "- x" lines': lambda n: "notes:\n" + fill("- x\n", n) + REST,
    # a front matter that does not parse (the tab) has its keys read line by line for the body's checks
    'unparsed front matter, "k: a" blanks "b"': lambda n: "\tx: y\nnotes: a" + " " * n + "b" + REST,
    'unparsed front matter, "status: a" blanks "b"': lambda n: "\tx: y\nstatus: a" + " " * n + "b" + REST,
    # loaded (a root cause): the lint's signal checks run
    'a signal of "*" then "a"': lambda n: "signals:\n  - '" + "*" * n + "a'\n" + REST + "\n## Root cause\n\nR.\n",
}
# a pattern's body as the site renders it (site.md.kb_md, then Python-Markdown with the KB's extensions)
SITE_BODIES = {
    "baseline: prose": lambda n: fill(PROSE, n),
    'unclosed "["': lambda n: "[" * n,
    "nested brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    'runs of "[a]("': lambda n: fill("[a](", n),
    # each "<" escaped to "&lt;", each "\\[" an escape: every one an inline match, after which Python-Markdown
    # rebuilt the paragraph's text (md.kb_md's marks now)
    'one paragraph of "<"': lambda n: "<" * n,
    'one paragraph of "&"': lambda n: "&" * n,
    'one paragraph of "\\["': lambda n: "\\[" * (n // 2),
    'one paragraph of "*"': lambda n: "*" * n,
    'one paragraph of "_"': lambda n: "_" * n,
    'one paragraph of "a<"': lambda n: fill("a<", n),
    'one paragraph of "&amp;"': lambda n: fill("&amp;", n),
    # markup, each an inline match: Python-Markdown built the paragraph's text again at each (recur.kb.inline reads
    # it once now). kb_md's own part of the last two is linear now (1,000,000 characters 0.26 s and 0.22 s, were 55 s
    # and 32 s): each tag kept copied the line (md._line_tags), each bare address read its line again (md._bare_urls)
    'one paragraph of "`a` "': lambda n: fill("`a` ", n),
    'one paragraph of "*a* "': lambda n: fill("*a* ", n),
    'one paragraph of "[a](b) "': lambda n: fill("[a](b) ", n),
    'one paragraph of "<https://a.example> "': lambda n: fill("<https://a.example> ", n),
    # emphasis packed with no space between: the emphasis rule reads the "*" before the next one, which
    # Python-Markdown's text has as its placeholder, so the text is built at each match as before (quadratic still:
    # 100,000 characters 11 s of CPU before and after)
    'one paragraph of "*a*" packed': lambda n: fill("*a*", n),
    'one line of "<code>x</code>"': lambda n: fill("<code>x</code>", n),
    "one line of bare addresses": lambda n: fill("https://a.example ", n),
}
KB_TEXTS = {  # a pattern's or incident's summary, made one line for the index (util.text.plain)
    "baseline: prose": lambda n: fill(PROSE, n),
    'runs of "]("': lambda n: fill("](", n),
    'runs of "[a]("': lambda n: fill("[a](", n),
}
RULES = {
    "baseline: rules": lambda n: (
        "groups:\n- name: x\n  rules:\n" + fill("  - alert: HighErrorRate\n    expr: rate(errors[5m]) > 1\n", n)
    ),
    'expr of "("': lambda n: "groups:\n- name: x\n  rules:\n  - alert: X\n    expr: " + json.dumps("(" * n) + "\n",
    'annotation of "{{"': lambda n: (
        "groups:\n- name: x\n  rules:\n  - alert: X\n    expr: up\n    annotations:\n"
        "      summary: " + json.dumps(fill("{{", n)) + "\n"
    ),
    "action of escaped quotes": lambda n: (
        "groups:\n- name: x\n  rules:\n  - alert: X\n    expr: up\n    annotations:\n"
        "      summary: '{{ \"" + fill('\\"', n) + " }}'\n"
    ),
    "ALERT lines": lambda n: fill("ALERT X\n\n", n),
    # "billion laughs": aliases of lists of 10 aliases, 10^9 values at 10,000, 10 times more at each size; the
    # rules' reader went through each copy (skipped past config.MAX_YAML_NODES repeated: coverage.alias_problem)
    "alias bomb": lambda n: (
        f"x0: &a0 [{','.join(['lol'] * 10)}]\n"
        + "".join(f"x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, len(str(n)) + 4))
        + f"groups:\n- name: x\n  rules:\n  - alert: X\n    expr: *a{len(str(n)) + 3}\n"
        + f"    annotations: {{summary: *a{len(str(n)) + 3}}}\n"
    ),
    'rules nested "["': lambda n: "groups:\n- name: x\n  rules: " + "[" * n + "\n",  # past Python's recursion
    "lines nested 400 deep": lambda n: (
        "groups:\n- name: x\n  rules:\n" + fill("  - " + "[" * 400 + "]" * 400 + "\n", n)
    ),
    # under config.MAX_YAML_DEPTH: read, each bracket a token; whole lines (YAML libyaml reads), and the last cut
    # (YAML neither reads: PyYAML reads it again for its message)
    "lines nested 99 deep": lambda n: (
        "groups:\n- name: x\n  rules:\n" + ("  - " + "[" * 99 + "]" * 99 + "\n") * (n // 203)
    ),
    "lines nested 99 deep, the last cut": lambda n: (
        "groups:\n- name: x\n  rules:\n" + fill("  - " + "[" * 99 + "]" * 99 + "\n", n)
    ),
}

# the code run in a child process for one reader: reads the text on stdin, prints the seconds taken
RUNNERS = {
    "prepare": "from recur.retrieval.query import prepare as read",
    "import": "from recur.ingest.postmortem import parse as read",
    "plain": "from recur.util.text import plain as read",
    "site": "import markdown\nfrom recur.kb.parse import MARKDOWN_EXTENSIONS\nfrom recur.site.md import kb_md\n"
    "read = lambda t: markdown.Markdown(extensions=MARKDOWN_EXTENSIONS).convert(kb_md(t))",
    "coverage": "from pathlib import Path\nfrom recur.ingest.coverage import read_text\n"
    "read = lambda t: read_text(Path('rules.yml'), t)",
    "check": "import tempfile\nfrom pathlib import Path\nfrom recur.kb.check import check_path\n"
    "def read(t):\n    with tempfile.TemporaryDirectory() as d:\n"
    "        p = Path(d) / 'patterns' / 'capacity'\n        p.mkdir(parents=True)\n"
    f"        (p / 'p-x.md').write_text({PATTERN!r} + t)\n        check_path(d)",
}
READERS = {
    "prepare": PASTES,
    "node": PASTES,
    "import": DOCUMENTS,
    "check": PATTERN_FILES,
    "plain": KB_TEXTS,
    "site": SITE_BODIES,
    "coverage": RULES,
}


def timed(reader: str, text: str, timeout: float, node: str | None) -> float | None:
    """Seconds ``reader`` took on ``text`` in a process of its own; None past ``timeout``."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "text").write_text(text)
        if reader == "node":
            shutil.copyfile(QUERY_JS, Path(tmp) / "recur-query.mjs")
            (Path(tmp) / "run.mjs").write_text(
                'import "./recur-query.mjs";\nimport fs from "node:fs";\nconst t = fs.readFileSync("text", "utf8");\n'
                "const s = performance.now(); globalThis.RecurQuery.prepare(t);\n"
                "process.stdout.write(String((performance.now() - s) / 1000));\n"
            )
            argv = [node, "run.mjs"]
        else:
            code = RUNNERS[reader] + "\nimport time\nt = open('text').read()\ns = time.perf_counter()\nread(t)\n"
            argv = [sys.executable, "-c", code + "print(time.perf_counter() - s)"]
        env = {"PYTHONPATH": str(ROOT / "tools"), "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
        try:
            run = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, timeout=timeout, env=env, check=True)
        except subprocess.TimeoutExpired:
            return None
    return float(run.stdout)


def rows_of(reader: str, sizes: list[int], timeout: float, node: str | None) -> list[dict]:
    rows = []
    for name, make in READERS[reader].items():
        times, hung = [], False
        for n in sizes:  # past a hang, the larger sizes are not run: they would hang too
            times.append(None if hung else timed(reader, make(n), timeout, node))
            hung = hung or times[-1] is None
        rows.append({"reader": reader, "input": name, "sizes": sizes, "seconds": times})
    for row in rows:  # the growth's exponent from each size to the next: 1 linear, 2 quadratic
        row["exponent"] = [
            round(math.log(t1 / t0) / math.log(n1 / n0), 2) if None not in (t0, t1) and min(t0, t1) > 0 else None
            for t0, t1, n0, n1 in zip(row["seconds"], row["seconds"][1:], sizes, sizes[1:])
        ]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--only", default=",".join(READERS), help="readers, comma-separated: " + ", ".join(READERS))
    args = ap.parse_args()
    sizes, node = [int(s) for s in args.sizes.split(",")], shutil.which("node")
    rows = []
    for reader in args.only.split(","):
        if reader == "node" and node is None:
            print("node is not installed: the browser's port is not timed")
            continue
        rows += rows_of(reader, sizes, args.timeout, node)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pathological.json").write_text(json.dumps(rows, indent=2))
    head = "  ".join(f"{n:>10,}" for n in sizes)
    print(f"{'reader':<9} {'input':<36} {head}   growth exponent (1 linear, 2 quadratic)")
    for r in rows:
        cells = "  ".join(f"{'> ' + str(int(args.timeout)) if t is None else f'{t:.4f}':>10}" for t in r["seconds"])
        print(f"{r['reader']:<9} {r['input']:<36} {cells}   {r['exponent']}")


if __name__ == "__main__":
    main()
