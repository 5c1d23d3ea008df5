"""The table of malformed KB inputs and the exact `path:line: field` each one must produce.

Every row is run through the real CLI entry point (`recur check`, via click's CliRunner) on a
small valid KB with one file broken; the row asserts the prefix, a fragment of the message,
the exit status (errors exit 1; warnings exit 0, and 1 under --strict) and that no traceback
ever reaches the user. One more test runs `.venv/bin/recur check` in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


def pattern(*front: str, body: str | None = None) -> str:
    """A pattern file: '---', the given front-matter lines (line 2 onwards), '---', body."""
    if body is None:
        body = "\n## Summary\nIt breaks.\n\n## Runbook\n1. Run `uptime` on the host.\n\n## Root cause\nThe mechanism.\n"
    return "---\n" + "\n".join(front) + "\n---\n" + body


def front(pid="x-broken", title="Broken thing", category="capacity", severity="sev2", extra=()) -> list:
    # line 2: id, 3: title, 4: category, 5: severity, 6: symptoms, 7: symptom, 8: signals, 9: signal, 10+: extra
    lines = []
    for key, value in (("id", pid), ("title", title), ("category", category), ("severity", severity)):
        if value is not None:
            lines.append(f"{key}: {value}")
    return lines + ["symptoms:", "  - it is slow", "signals:", "  - XBrokenAlert", *extra]


# a pattern's body with the given runbook lines (the first on line 16 of a file of front())
RUNBOOK = "\n## Summary\nIt breaks.\n\n## Runbook\n{}\n\n## Root cause\nThe mechanism.\n"
P = "patterns/capacity/x-broken.md"
INC = "incidents/2026/INC-2026-0001.md"
GOOD_INC = INC_TEXT = """---
id: INC-2026-0001
title: Checkout hung
date: 2026-03-02
severity: sev2
patterns: [db-pool-exhausted]
---

## Summary
Checkout hung.
"""
ROWS = [
    # (name, {relpath: text or bytes}, expected "relpath:line: field", message fragment, level)
    (
        "yaml-does-not-parse",
        {P: pattern(*front(extra=["tags: [unclosed"]))},
        f"{P}:10: front matter",  # the line of the "[" (it was 11, past the front matter's last line)
        "YAML does not parse",
        "error",
    ),
    (
        # an unclosed [ list or { mapping was said at the next key's line (12), one after the line to fix
        "yaml-unclosed-flow-list",
        {P: pattern(*front(extra=["tags: [disk, storage", "owner: team-storage"]))},
        f"{P}:10: front matter",
        "this [ list is not closed, so YAML read on to line 11 (did not find expected ',' or ']'); close it with ]",
        "error",
    ),
    (
        # a closed list running over lines, a comma missing inside it: said where YAML stopped, not "not closed"
        "yaml-flow-list-missing-comma",
        {P: pattern(*front(extra=['tags: ["disk",', '  "storage"', '  "wal"]', "owner: team-storage"]))},
        f"{P}:12: front matter",
        "YAML does not parse: did not find expected ',' or ']'",
        "error",
    ),
    (
        "yaml-unclosed-flow-mapping",
        {P: pattern(*front(extra=["fix: {status: open, owner: team-storage", "owner: team-storage"]))},
        f"{P}:10: front matter",
        "this { mapping is not closed, so YAML read on to line 11 (did not find expected ',' or '}'); close it with }",
        "error",
    ),
    (
        "yaml-tab-indent",
        {P: pattern(*front(), "tags:", "\t- x")},
        f"{P}:11: front matter",
        "YAML does not parse: found character that cannot start any token (a tab in the indentation: YAML indents with spaces)",
        "error",
    ),
    (
        # YAML reads an unclosed quote on over the lines below; the parser stops lines later (9)
        "yaml-unclosed-quote",
        {P: pattern(*front(title='"Broken thing'))},
        f"{P}:3: front matter",
        "this quoted value is not closed on its line, so YAML read on to line 9",
        "error",
    ),
    (
        "yaml-unclosed-single-quote-in-a-list",
        {P: pattern(*front()[:5], "  - 'it is slow", "  - it is down", "signals:", "  - 'XBrokenAlert'")},
        f"{P}:7: front matter",
        "this quoted value is not closed on its line",
        "error",
    ),
    (
        # a quote never closed, a mistake below it: "found unexpected end of stream" at the front matter's last
        # line (11), naming neither the quote nor its line (found by a pattern author's try)
        "yaml-unclosed-quote-above-another-mistake",
        {P: pattern(*front()[:6], "signals:", '  - "ENOSPC', "owner: @alice", "tags: [disk]")},
        f"{P}:9: front matter",
        "this quoted value is not closed on its line, so YAML read on to line 11 (found unexpected end of stream); "
        "close the quote",
        "error",
    ),
    (
        # a quoted value may run over lines on purpose: a later mistake is still reported where it is
        "yaml-multiline-quote-is-not-blamed",
        {P: pattern("id: x-broken", 'title: "Broken', '  thing"', *front()[2:], "tags:", "\t- x")},
        f"{P}:12: front matter",
        "(a tab in the indentation: YAML indents with spaces)",
        "error",
    ),
    (
        # README writes an owner as @bob: unquoted, YAML refuses it with "found character that cannot start
        # any token" and no word of quotes (found by a problem manager's team)
        "yaml-owner-at-sign",
        {P: pattern(*front(extra=["owner: @alice"]))},
        f"{P}:10: owner",
        "YAML does not parse: a value cannot start with '@' unquoted (YAML reserves @, ` and %): put the whole "
        'text in quotes, "@alice"',
        "error",
    ),
    (
        "yaml-fix-owner-in-backticks",  # the key's whole path; the comment is not part of the value
        {P: pattern(*front(extra=["fix:", "  status: open", "  owner: `bob` # the lead"]))},
        f"{P}:12: fix.owner",
        "a value cannot start with '`' unquoted (YAML reserves @, ` and %): put the whole text in quotes, \"`bob`\"",
        "error",
    ),
    (
        # a one-line value with ": " in it: "mapping values are not allowed in this context", nothing of quotes
        "yaml-colon-in-a-one-line-value",
        {P: pattern(*front(extra=["owner: Team: payments"]))},
        f"{P}:10: owner",
        "YAML reads an unquoted ': ' as a key and its value: put the whole text in quotes, \"Team: payments\"",
        "error",
    ),
    (
        "yaml-colon-in-a-follow-ups-title",
        {INC: GOOD_INC.replace("patterns:", "follow_ups:\n  - title: Pool: raise it\n    owner: bob\npatterns:")},
        f"{INC}:7: follow_ups[0].title",
        'put the whole text in quotes, "Pool: raise it"',
        "error",
    ),
    (
        # a list item of text: the whole item is quoted, not the words after its first ': ' (found in review:
        # "symptoms[3].lambda", a key that is none, and quoting only the rest made a mapping of the symptom)
        "yaml-colon-in-a-list-item",
        {P: pattern(*front(extra=["tags:", "  - lambda: invocations throttled: at peak"]))},
        f"{P}:11: tags[0]",
        'put the whole text in quotes, "lambda: invocations throttled: at peak"',
        "error",
    ),
    (
        # a line continuing the value above is no key of its own: YAML's message, no invented key or quote
        "yaml-colon-on-a-continued-line",
        {P: pattern(*front(title="Cloud account quota\n  or limit: reached"))},
        f"{P}:4: front matter",
        "YAML does not parse: mapping values are not allowed",
        "error",
    ),
    (
        "yaml-colon-in-a-value-with-a-comment",  # the comment is not part of the text to quote
        {P: pattern(*front(title="Cloud quota: limit reached # note: x"))},
        f"{P}:3: title",
        'put the whole text in quotes, "Cloud quota: limit reached"',
        "error",
    ),
    (
        "yaml-follow-up-owner-at-sign",
        {INC: GOOD_INC.replace("patterns:", "follow_ups:\n  - title: Raise the pool\n    owner: @bob\npatterns:")},
        f"{INC}:8: follow_ups[0].owner",
        'put the whole text in quotes, "@bob"',
        "error",
    ),
    (
        # in a [list] the value ends at its comma; the list is named, as one of several items on the line
        "yaml-tag-at-sign-in-a-flow-list",
        {P: pattern(*front(extra=["tags: [disk, @storage-team, wal]"]))},
        f"{P}:10: tags",
        "a value cannot start with '@' unquoted (YAML reserves @, ` and %): put the whole text in quotes, \"@storage-team\"",
        "error",
    ),
    (
        # a second one further down: the first is said, with its key as written on its line
        "yaml-two-at-signs",
        {P: pattern(*front(extra=["owner: @alice", "fix:", "  owner: @bob"]))},
        f"{P}:10: owner",
        'put the whole text in quotes, "@alice"',
        "error",
    ),
    (
        "missing-title",
        {P: pattern(*front(title=None))},
        f"{P}:1: title",  # at the front matter's start: it was at the id's line, saying no more
        "is required: add title: <the failure, or what happened, in a few words> to the front matter",
        "error",
    ),
    (
        # a path is no failure, and its part is "the path file": it was "<the failure, ...> to the the path file"
        "path-missing-title",
        {"paths/new-hire.yml": "audience: everyone\nsteps:\n  - pattern: disk-full\n"},
        "paths/new-hire.yml:1: title",
        "is required: add title: <what the path teaches, in a few words> to the path file",
        "error",
    ),
    (
        "incident-missing-title",
        {INC: GOOD_INC.replace("title: Checkout hung\n", "")},
        f"{INC}:1: title",
        "is required: add title: <what happened, in a few words> to the front matter",
        "error",
    ),
    # what to write, as for a missing key (it said "must not be empty" alone; found writing a KB as an author)
    (
        "empty-title",
        {P: pattern(*front(title='""'))},
        f"{P}:3: title",
        "must not be empty: write title: <the failure, or what happened, in a few words>",
        "error",
    ),
    (
        "empty-symptoms",
        {P: pattern(*front()[:4], "symptoms: []")},
        f"{P}:6: symptoms",
        "must not be empty: write symptoms: [<what a responder sees, in their words>]",
        "error",
    ),
    (
        "symptoms-not-a-list",
        {P: pattern(*front()[:4], "symptoms: it is slow")},
        f"{P}:6: symptoms",
        "must be a list",
        "error",
    ),
    ("title-is-a-list", {P: pattern(*front(title="[a, b]"))}, f"{P}:3: title", "must be a string, not a list", "error"),
    (
        "title-is-yes",  # YAML 1.1 reads a bare yes/no/on/off as a boolean: the message said only true/false
        {P: pattern(*front(title="yes"))},
        f"{P}:3: title",
        "must be a string, not true/false (YAML reads yes/no/on/off/true/false as a boolean: quote it, 'yes')",
        "error",
    ),
    (
        "symptom-is-on",
        {P: pattern(*front()[:4], "symptoms: [it is slow, on]")},
        f"{P}:6: symptoms[1]",
        "must be a string, not true/false (YAML reads yes/no/on/off/true/false as a boolean: quote it, 'on')",
        "error",
    ),
    (
        "tag-is-no",
        {P: pattern(*front(extra=["tags: [no]"]))},
        f"{P}:10: tags[0]",
        "(YAML reads yes/no/on/off/true/false as a boolean: quote it, 'no')",
        "error",
    ),
    (
        # found by a team writing its first KB: a log line pasted as a signal, its ": " unquoted, was
        # only "must be a string, not a mapping"
        "signal-with-an-unquoted-colon",
        {P: pattern(*front()[:6], "signals:", "  - javax.crypto.AEADBadTagException: Tag mismatch!")},
        f"{P}:9: signals[0]",
        "must be a string, not a mapping (YAML reads an unquoted ': ' as a key and its value: put the whole "
        'text in quotes, "javax.crypto.AEADBadTagException: Tag mismatch!")',
        "error",
    ),
    # found in review: the quoted form was rebuilt from what YAML made of the text, which is not
    # what was written: 10:02 is 602 to YAML (base 60), yes and on are true, 0x7f3a is 32570.
    # The hint quotes the file's own text
    (
        "signal-with-an-unquoted-colon-after-a-time",
        {P: pattern(*front()[:6], "signals:", "  - 10:02: disk full on /var")},
        f"{P}:9: signals[0]",
        "must be a string, not a mapping (YAML reads an unquoted ': ' as a key and its value: put the whole "
        'text in quotes, "10:02: disk full on /var")',
        "error",
    ),
    (
        "signal-with-an-unquoted-colon-and-a-yes",
        {P: pattern(*front()[:6], "signals:", "  - Error 1.0: yes")},
        f"{P}:9: signals[0]",
        "must be a string, not a mapping (YAML reads an unquoted ': ' as a key and its value: put the whole "
        'text in quotes, "Error 1.0: yes")',
        "error",
    ),
    (
        "signal-with-an-unquoted-colon-and-an-on",
        {P: pattern(*front()[:6], "signals:", "  - Disk full: on")},
        f"{P}:9: signals[0]",
        "must be a string, not a mapping (YAML reads an unquoted ': ' as a key and its value: put the whole "
        'text in quotes, "Disk full: on")',
        "error",
    ),
    (
        "signal-with-an-unquoted-colon-after-a-hex-number",
        {P: pattern(*front()[:6], "signals:", "  - 0x7f3a: segfault at address")},
        f"{P}:9: signals[0]",
        "must be a string, not a mapping (YAML reads an unquoted ': ' as a key and its value: put the whole "
        'text in quotes, "0x7f3a: segfault at address")',
        "error",
    ),
    (
        # a text YAML read over two lines: no quoted form is offered, as none would be what was written
        "signal-with-an-unquoted-colon-over-two-lines",
        {P: pattern(*front()[:6], "signals:", "  - Error: first line", "      continued")},
        f"{P}:9: signals[0]",
        "must be a string, not a mapping (YAML reads an unquoted ': ' as a key and its value: put the whole "
        "text in quotes)",
        "error",
    ),
    (
        "symptom-with-an-unquoted-colon",
        {P: pattern(*front()[:5], "  - checkout fails: 503 from the gateway", *front()[6:])},
        f"{P}:7: symptoms[0]",
        "(YAML reads an unquoted ': ' as a key and its value: put the whole text in quotes, \"checkout fails: 503 "
        'from the gateway")',
        "error",
    ),
    (
        "tag-with-an-unquoted-colon-in-a-flow-list",
        {P: pattern(*front(extra=["tags: [team: payments]"]))},
        f"{P}:10: tags[0]",
        "must be a string, not a mapping (YAML reads an unquoted ': ' as a key and its value: put the whole text "
        'in quotes, "team: payments")',
        "error",
    ),
    (
        "flag-with-an-unquoted-colon",
        {INC: GOOD_INC.replace("patterns:", "flags:\n  - restarted: pool metrics lost\npatterns:")},
        f"{INC}:7: flags[0]",
        "must be a string or a mapping of text, status and note, not another mapping (YAML reads an unquoted ': ' "
        'as a key and its value: put the whole text in quotes, "restarted: pool metrics lost")',
        "error",
    ),
    (
        "status-not-allowed",
        {P: pattern(*front(extra=["status: live"]))},
        f"{P}:10: status",
        "must be one of draft, active, retired",
        "error",
    ),
    (
        # a slip of an allowed value was named with the list alone; the value meant is said now
        "status-slip",
        {P: pattern(*front(extra=["status: activ"]))},
        f"{P}:10: status",
        "must be one of draft, active, retired, not 'activ' (did you mean active?)",
        "error",
    ),
    (
        "fix-status-slip",
        {P: pattern(*front(extra=["fix: {status: don}"]))},
        f"{P}:10: fix.status",
        "must be one of open, in-progress, done, wont-fix, not 'don' (did you mean done?)",
        "error",
    ),
    (
        "candidate-confidence-slip",
        {
            INC: GOOD_INC.replace(
                "patterns: [db-pool-exhausted]", "patterns: []\ncandidates:\n  - id: disk-full\n    confidence: hgih"
            )
        },
        f"{INC}:9: candidates[0].confidence",
        "must be one of high, medium, low, not 'hgih' (did you mean high?)",
        "error",
    ),
    (
        "severity-slip",  # sev22 for sev2; not sev1 for sev9 (the row unknown-severity)
        {P: pattern(*front(severity="sev22"))},
        f"{P}:5: severity",
        "unknown severity 'sev22' (did you mean sev2?); the framework has sev1, sev2, sev3, sev4",
        "error",
    ),
    (
        "eval-expect-slip",  # a path's step and an incident's patterns named the id meant; a case did not
        {"eval/cases.yml": "- query: disk is full\n  expect: [disk-ful]\n"},
        "eval/cases.yml:2: [0].expect",
        "no pattern has id 'disk-ful'; did you mean disk-full?",
        "error",
    ),
    (
        "body-link-slip",
        {
            P: pattern(
                *front(),
                body="\n## Summary\nSee [the pool](db-pool-exhaustd.md) and [dns](../network/dns-failur.md).\n\n"
                "## Runbook\n1. Run `uptime` on the host.\n\n## Root cause\nThe mechanism.\n",
            )
        },
        f"{P}:13: link",
        "'db-pool-exhaustd.md' is not a file of the knowledge base (the site build fails on it with --strict): "
        "did you mean db-pool-exhausted.md?",
        "warning",
    ),
    (
        "body-link-to-a-renamed-patterns-old-file",  # told the new file, as the ids naming it are told the new id
        {
            P: pattern(
                *front(),
                body="\n## Summary\nSee [the pool](../capacity/db-connection-pool-exhausted.md#runbook).\n\n"
                "## Runbook\n1. Run `uptime` on the host.\n\n## Root cause\nThe mechanism.\n",
            )
        },
        f"{P}:13: link",
        "'../capacity/db-connection-pool-exhausted.md#runbook' is not a file of the knowledge base (the site build "
        "fails on it with --strict): did you mean db-pool-exhausted.md?",
        "warning",
    ),
    (
        # a tracking pixel on a static host (no CSP there), a broken image under recur serve's
        "body-remote-image",
        {
            P: pattern(
                *front(),
                body="\n## Summary\nThe graph: ![cpu](https://tracker.example/p.gif?u=1) and [a link](https://x.example/).\n\n"
                "## Runbook\n1. Run `uptime` on the host.\n\n## Root cause\nThe mechanism.\n",
            )
        },
        f"{P}:13: link",
        "the image 'https://tracker.example/p.gif?u=1' is on another site: each reader's browser fetches it from "
        "there (which tells that host who reads the page), and recur serve blocks it; save the image beside this "
        "file and link it",
        "warning",
    ),
    (
        # a date as a team writes it: "must be a date like 2026-01-31" gave no form of the date itself
        "incident-date-month-first",
        {INC: GOOD_INC.replace("date: 2026-03-02", "date: 12/19/2026")},
        f"{INC}:4: date",
        "must be a date like 2026-01-31, not '12/19/2026'; write it as 2026-12-19 (year-month-day)",
        "error",
    ),
    (
        "incident-date-with-dots",
        {INC: GOOD_INC.replace("date: 2026-03-02", "date: 19.12.2026")},
        f"{INC}:4: date",
        "not '19.12.2026'; write it as 2026-12-19 (year-month-day)",
        "error",
    ),
    (
        "fix-due-either-way-round",  # 03/04: both readings, not a guess
        {P: pattern(*front(extra=["fix: {status: open, due: 03/04/2026}"]))},
        f"{P}:10: fix.due",
        "not '03/04/2026'; write it as 2026-03-04 or 2026-04-03 (year-month-day): whichever you meant",
        "error",
    ),
    (
        # "fix: done" was "must be a mapping of keys to values, not a string", the key it belongs to unsaid
        "fix-written-as-its-status",
        {P: pattern(*front(extra=["fix: done"]))},
        f"{P}:10: fix",
        "must be a mapping of keys to values, not a string: 'done' is a value of fix.status; write it as "
        "'fix: {status: done}'",
        "error",
    ),
    (
        "review-written-as-its-level",
        {INC: GOOD_INC.replace("patterns: [db-pool-exhausted]", "review: light")},
        f"{INC}:6: review",
        "'light' is a value of review.level; write it as 'review: {level: light}'",
        "error",
    ),
    (
        "follow-up-written-as-text",
        {INC: GOOD_INC.replace("patterns: [db-pool-exhausted]", "follow_ups:\n  - fix the pool")},
        f"{INC}:7: follow_ups[0]",
        "must be a mapping of keys to values, not a string (an item holds title, status, owner, due, ticket, done, resolution: "
        "'- title: fix the pool')",
        "error",
    ),
    (
        # the rename is said, and a record naming the file's id is not an error of its own too
        "id-not-file-stem-says-the-rename",
        {P: pattern(*front(pid="x-brokn")), "eval/cases.yml": "- query: it is slow\n  expect: [x-broken]\n"},
        f"{P}:2: id",
        "'x-brokn' must equal the file name 'x-broken': write id: x-broken, or rename the file "
        "kb/patterns/capacity/x-brokn.md",
        "error",
    ),
    (
        # an incident saved under patterns/ was a dozen errors (category and symptoms required, unknown
        # keys date and patterns, sections missing), none of them saying it is an incident
        "incident-in-patterns",
        {"patterns/capacity/INC-2026-0009.md": GOOD_INC.replace("0001", "0009")},
        "patterns/capacity/INC-2026-0009.md:1: file",
        "an incident record (it has a date, and no category or symptoms) in patterns/: move it to "
        "incidents/2026/INC-2026-0009.md",
        "error",
    ),
    (
        "pattern-in-incidents",
        {"incidents/2026/x-broken.md": pattern(*front())},
        "incidents/2026/x-broken.md:1: file",
        "a pattern (it has a category and symptoms, and no date) in incidents/: move it to patterns/capacity/x-broken.md",
        "error",
    ),
    (
        # paths/first-week.yml and .yaml: both read, the last replacing the other without a word
        "path-yml-and-yaml",
        {"paths/first-week.yaml": "title: Another\nsteps:\n  - pattern: disk-full\n"},
        "paths/first-week.yaml:1: file",
        "the same path id 'first-week' as kb/paths/first-week.yml (a path's id is its file name): this one is not "
        "read; merge the two and delete it",
        "error",
    ),
    (
        # "2." alone: Markdown joined it to the step above ("... on the host. 2."), the next step numbered one
        # short, and check said nothing
        "runbook-empty-step",
        {P: pattern(*front(), body=RUNBOOK.format("1. Run `df -h` on the host.\n2.\n3. Run `du -sh /var` there."))},
        f"{P}:17: ## Runbook",
        "step '2.' is empty: write what to do after its number, or remove it",
        "warning",
    ),
    (
        "runbook-empty-step-with-a-space",  # "2. ": a step of no text was "nothing actionable in it ('')"
        {P: pattern(*front(), body=RUNBOOK.format("1. Run `df -h` on the host.\n2. \n3. Run `du -sh /var` there."))},
        f"{P}:17: ## Runbook",
        "step 2 is empty: write what to do after its number, or remove it",
        "warning",
    ),
    (
        "runbook-step-text-on-the-next-line",
        {P: pattern(*front(), body=RUNBOOK.format("1. Run `df -h` on the host.\n2.\n   Run `du -sh /var` there."))},
        f"{P}:17: ## Runbook",
        "step '2.' has its text on the next line ('Run `du -sh /var` there.'): write it on one line, "
        "'2. Run `du -sh /var` there.'",
        "warning",
    ),
    (
        "runbook-only-step-text-on-the-next-line",  # was "must be a numbered list", with no word of why
        {P: pattern(*front(), body=RUNBOOK.format("1.\nRun `du -sh /var` there."))},
        f"{P}:16: ## Runbook",
        "must be a numbered list (1. first step, 2. next step, ...): step '1.' has its text on the next line",
        "error",
    ),
    (
        # steps written as prose: "must be a numbered list" at the heading (15), naming neither line nor form
        # (found writing a KB as an author)
        "runbook-steps-written-step-1",
        {
            P: pattern(
                *front(),
                body=RUNBOOK.format(
                    "Before you start, open the dashboard.\nStep 1: run `df -h`\nStep 2 - run `du -sh /var`"
                ),
            )
        },
        f"{P}:17: ## Runbook",
        "must be a numbered list (1. first step, 2. next step, ...): 'Step 1: run `df -h`' is text, no step: write it "
        "as '1. run `df -h`'",
        "error",
    ),
    (
        # an incident's "## Sumary" was "required section is missing" at the front matter's end, no hint
        "incident-summary-slip",
        {INC: GOOD_INC.replace("## Summary", "## Sumary")},
        f"{INC}:9: ## Summary",
        "required section is missing: write '## Sumary' as '## Summary'",
        "error",
    ),
    (
        "heading-without-a-space",  # "##Summary" is text to Markdown: it was "missing" at the end of the file
        {P: pattern(*front(), body=RUNBOOK.format("1. Run `uptime` on the host.").replace("## Summary", "##Summary"))},
        f"{P}:12: ## Summary",
        "required section is missing: '##Summary' has no space after its #, so it is no heading; write it as "
        "'## Summary'",
        "error",
    ),
    (
        # "1.\u00a0Run": Recur read a step, the site's Markdown a paragraph, and check said nothing
        "runbook-step-after-a-no-break-space",
        {P: pattern(*front(), body=RUNBOOK.format("1. Run `df -h` on the host.\n2.\u00a0Run `du -sh /var` there."))},
        f"{P}:17: ## Runbook",
        "'2.\\xa0Run `du -sh /var` there.' has U+00A0 no-break space at column 3, where a plain space is meant: type "
        "the space again (the site reads the line as text, not a step)",
        "warning",
    ),
    (
        "evidence-item-after-a-no-break-space",
        {
            P: pattern(
                *front(),
                body=RUNBOOK.format("1. Run `df -h` on the host.").replace(
                    "## Root cause", "## Evidence to preserve\n- the heap dump\n-\u00a0the GC log\n\n## Root cause"
                ),
            )
        },
        f"{P}:20: ## Evidence to preserve",
        "has U+00A0 no-break space at column 2, where a plain space is meant: type the space again (the site reads "
        "the line as text, not an item)",
        "warning",
    ),
    (
        # valid YAML, one text "disk - storage": the list had an item less, and nothing was said
        "yaml-list-item-read-as-more-of-the-one-above",
        {P: pattern(*front(), "tags:", "  - disk", "   - storage", "  - wal")},
        f"{P}:12: tags[0]",
        "YAML reads line 12 ('- storage') as more of this value ('disk - storage'), not an item of its own: start "
        "it in column 3, as the item above",
        "warning",
    ),
    (
        # a value of fix's status on the pattern's own: "must be one of draft, active, retired" and no more
        "pattern-status-done",
        {P: pattern(*front(extra=["status: done"]))},
        f"{P}:10: status",
        "must be one of draft, active, retired, not 'done' ('done' is a value of fix.status: 'fix: {status: done}')",
        "error",
    ),
    (
        "fix-due-at-the-top",  # fix's key at the top: kept as a team's own, with where it most likely goes
        {P: pattern(*front(extra=["due: 2026-05-01"]))},
        f"{P}:10: due",
        "unknown key in front matter: due is a key of fix; if it is fix's, write it under it, 'fix: {due: ...}' "
        "(kept, not used; a key of your own: --strict does not fail on it)",
        "warning-not-strict",
    ),
    (
        "path-file-empty",  # "must be a mapping of keys to values, not nothing"
        {"paths/first-week.yml": ""},
        "paths/first-week.yml:1: file",
        "is empty: it needs title and steps",
        "error",
    ),
    (
        "front-matter-empty",
        {INC: "---\n---\n\n## Summary\nS.\n"},
        f"{INC}:2: front matter",
        "is empty: it needs id, title, date and severity",
        "error",
    ),
    ("id-not-kebab", {P: pattern(*front(pid="X_Broken"))}, f"{P}:2: id", "must be a kebab-case id", "error"),
    (
        "id-not-file-stem",
        {P: pattern(*front(pid="other-name"))},
        f"{P}:2: id",
        "'other-name' must equal the file name 'x-broken'",
        "error",
    ),
    (
        "category-not-folder",
        {P: pattern(*front(category="network"))},
        f"{P}:4: category",
        "'network' must equal the folder name 'capacity'",
        "error",
    ),
    (
        "unknown-severity",
        {P: pattern(*front(severity="sev9"))},
        f"{P}:5: severity",
        "unknown severity 'sev9'; the framework has sev1, sev2, sev3, sev4",
        "error",
    ),
    (
        "duplicate-pattern-id",
        {"patterns/network/disk-full.md": pattern(*front(pid="disk-full", category="network"))},
        "patterns/network/disk-full.md:2: id",
        "duplicate pattern id 'disk-full'",
        "error",
    ),
    (
        "related-unknown",
        {P: pattern(*front(extra=["related: [disk-full, no-such-thing]"]))},
        f"{P}:10: related[1]",
        "no pattern has id 'no-such-thing'",
        "error",
    ),
    (
        # a summary written as a key was "unknown key in front matter (kept, not used; a key of your own …)",
        # not where a summary goes (found re-reading fix-email's left-outs)
        "summary-as-a-key",
        {P: pattern(*front(extra=["summary: It breaks when the disk fills."]))},
        f"{P}:10: summary",
        "unknown key in front matter: a pattern's summary is its body's '## Summary' section, not a key: write "
        "it there",
        "warning-not-strict",
    ),
    (
        "root-cause-as-a-key",
        {P: pattern(*front(extra=["root_cause: The mechanism."]))},
        f"{P}:10: root_cause",
        "a pattern's root cause is its body's '## Root cause' section, not a key: write it there",
        "warning-not-strict",
    ),
    (
        "incident-summary-as-a-key",
        {INC: INC_TEXT.replace("patterns: [db-pool-exhausted]\n", "patterns: [db-pool-exhausted]\nsummary: x\n")},
        f"{INC}:7: summary",
        "an incident's summary is its body's '## Summary' section, not a key: write it there",
        "warning-not-strict",
    ),
    (
        "related-itself",
        {P: pattern(*front(extra=["related: [x-broken]"]))},
        f"{P}:10: related[0]",
        "a pattern cannot be related to itself: take it out",
        "error",
    ),
    (
        "distinguish-unknown",
        {P: pattern(*front(extra=["distinguish:", "  - {from: nope, by: 'df -i'}"]))},
        f"{P}:11: distinguish[0].from",
        "no pattern has id 'nope'",
        "error",
    ),
    (
        "fix-bad-due-date",
        {P: pattern(*front(extra=["fix:", "  status: open", "  due: 2026-13-45"]))},
        f"{P}:12: fix.due",
        "must be a date like 2026-01-31, not '2026-13-45'",
        "error",
    ),
    (
        "fix-bad-status",
        {P: pattern(*front(extra=["fix: {status: maybe}"]))},
        f"{P}:10: fix.status",
        "must be one of open, in-progress, done, wont-fix",
        "error",
    ),
    (
        "missing-summary",
        {P: pattern(*front(), body="\n## Runbook\n1. Run `uptime`.\n\n## Root cause\nX.\n")},
        f"{P}:16: ## Summary",
        "required section is missing",
        "error",
    ),
    (
        "empty-runbook",
        {P: pattern(*front(), body="\n## Summary\nS.\n\n## Runbook\n\n## Root cause\nX.\n")},
        f"{P}:15: ## Runbook",
        "section is empty",
        "error",
    ),
    (
        "missing-root-cause-active",
        {P: pattern(*front(), body="\n## Summary\nS.\n\n## Runbook\n1. Run `uptime`.\n")},
        f"{P}:16: ## Root cause",
        "required section is missing",
        "error",
    ),
    (
        "runbook-not-numbered",
        {P: pattern(*front(), body="\n## Summary\nS.\n\n## Runbook\nRun `uptime` and see.\n\n## Root cause\nX.\n")},
        f"{P}:15: ## Runbook",
        "must be a numbered list",
        "error",
    ),
    (
        "runbook-bullet-item",
        {
            P: pattern(
                *front(), body="\n## Summary\nS.\n\n## Runbook\n1. Run `uptime`.\n- Run `df -h`.\n\n## Root cause\nX.\n"
            )
        },
        f"{P}:17: ## Runbook",
        "found a bullet item '- Run `df -h`.'",
        "error",
    ),
    ("duplicate-key", {P: pattern(*front(extra=["title: Again"]))}, f"{P}:10: title", "key appears twice", "error"),
    (
        "unknown-key",  # with how to stop the warning: nothing said a team's own key could be declared
        {P: pattern(*front(extra=["team_slack: '#db'"]))},
        f"{P}:10: team_slack",
        "unknown key in front matter (kept, not used; a key of your own: --strict does not fail on it; to stop "
        "this warning, list it in kb/recur.yml's own_keys)",
        "warning-not-strict",
    ),
    (
        # a slip of a known key is most likely a mistake: named, and --strict fails on it
        "unknown-key-close-to-a-known-one",
        {P: pattern(*front(extra=["tgas: [disk]"]))},
        f"{P}:10: tgas",
        "unknown key in front matter: did you mean 'tags'? (kept, not used)",
        "warning",
    ),
    (
        # YAML reads 0x80070005 as 2147942405: the signal could never match, and check said nothing
        "signal-read-as-a-number",
        {P: pattern(*front()[:6], "signals: [0x80070005, 1.10, 7]")},
        f"{P}:8: signals[0]",
        'must be a string, not a number (YAML reads 0x80070005 as the number 2147942405: quote it, "0x80070005")',
        "error",
    ),
    (
        "signal-read-as-a-number-1.10",
        {P: pattern(*front()[:6], "signals: [0x80070005, 1.10, 7]")},
        f"{P}:8: signals[1]",
        'YAML reads 1.10 as the number 1.1: quote it, "1.10"',
        "error",
    ),
    (
        "incident-ticket-read-as-a-number",
        {INC: GOOD_INC.replace("patterns:", "follow_ups:\n  - {title: Add an alert, ticket: 0042}\npatterns:")},
        f"{INC}:7: follow_ups[0].ticket",
        'YAML reads 0042 as the number 34: quote it, "0042"',
        "error",
    ),
    (
        "flag-read-as-true-false",
        {INC: GOOD_INC.replace("patterns:", "flags: [yes]\npatterns:")},
        f"{INC}:6: flags[0]",
        "must be a string or a mapping, not true/false (YAML reads yes/no/on/off/true/false as a boolean",
        "error",
    ),
    (
        # a path's .yml has no front matter: its unknown keys are said as the path file's
        "path-unknown-key",
        {
            "paths/new-hire.yml": "title: New hire\naudience: everyone\nsteps:\n  - pattern: disk-full\nteam_channel: '#sre'\n"
        },
        "paths/new-hire.yml:5: team_channel",
        "unknown key in the path file (kept, not used",
        "warning-not-strict",
    ),
    (
        # a setext heading is a heading to Markdown, no section to Recur: said at its line, not "missing"
        "root-cause-as-a-setext-heading",
        {P: pattern(*front(), body="\n## Summary\nS.\n\n## Runbook\n1. Run `uptime`.\n\nRoot cause\n----------\nX.\n")},
        f"{P}:18: ## Root cause",
        "'Root cause underlined with ---' is a heading of another level; write it as '## Root cause'",
        "error",
    ),
    (
        "distinguish-itself",
        {P: pattern(*front(extra=["distinguish:", "  - {from: x-broken, by: 'df -i'}"]))},
        f"{P}:11: distinguish[0].from",
        "a pattern cannot be told apart from itself",
        "error",
    ),
    (
        "runbook-prose-before-the-first-step",
        {
            P: pattern(
                *front(),
                body="\n## Summary\nS.\n\n## Runbook\nOpen the dashboard first.\n\n1. Run `uptime`.\n\n## Root cause\nX.\n",
            )
        },
        f"{P}:16: ## Runbook",
        "text before the first step ('Open the dashboard first.') is shown on the site only",
        "warning",
    ),
    (
        # the ': ' hint kept when the file has a second slip (it fell back to YAML's own message)
        "colon-in-title-beside-another-slip",
        {P: pattern(*front(title="DNS: resolution failure", extra=["owner: @alice"]))},
        f"{P}:3: title",
        'put the whole text in quotes, "DNS: resolution failure"',
        "error",
    ),
    (
        "front-matter-is-a-list",
        {P: "---\n- a\n- b\n---\n## Summary\nS.\n"},
        f"{P}:2: front matter",
        "must be a mapping of keys to values, not a list",
        "error",
    ),
    (
        "no-front-matter",
        {P: "# Disk full\n\nJust prose.\n"},
        f"{P}:1: front matter",
        "file must start with '---'",
        "error",
    ),
    (
        "unclosed-front-matter",
        {P: "---\nid: x-broken\ntitle: T\n\n## Summary\nS.\n"},
        f"{P}:1: front matter",
        "not closed by a '---' line",
        "error",
    ),
    # found adopting Recur for a team: "not closed" alone, at line 1, said neither where nor what to write
    (
        "unclosed-front-matter-says-where",
        {P: "---\nid: x-broken\ntitle: T\n\n## Summary\nS.\n"},
        f"{P}:1: front matter",
        "not closed by a '---' line: add a '---' line below its last key, above line 5 ('## Summary')",
        "error",
    ),
    (
        "front-matter-closed-by-four-dashes",
        {P: pattern(*front()).replace("XBrokenAlert\n---\n", "XBrokenAlert\n----\n")},
        f"{P}:10: front matter",
        "not closed by a '---' line: line 10 ('----') is meant to close it: write exactly '---', from column 1",
        "error",
    ),
    (
        "front-matter-closed-by-en-dashes",
        {P: pattern(*front()).replace("XBrokenAlert\n---\n", "XBrokenAlert\n\u2013\u2013\u2013\n")},
        f"{P}:10: front matter",
        "line 10 ('\u2013\u2013\u2013') is meant to close it: write exactly '---', from column 1",
        "error",
    ),
    (
        "front-matter-closed-by-an-indented-line",
        {P: pattern(*front()).replace("XBrokenAlert\n---\n", "XBrokenAlert\n  ---\n")},
        f"{P}:10: front matter",
        "line 10 ('---') is meant to close it: write exactly '---', from column 1",
        "error",
    ),
    # an empty file was "file must start with '---'", as if it had something else in it
    ("empty-file", {P: ""}, f"{P}:1: file", "file is empty: a record starts with '---', its front matter", "error"),
    ("blank-file", {P: "\n\n"}, f"{P}:1: file", "file is empty (blank lines only): a record starts with", "error"),
    (
        # blank lines or a title above the '---' were "file must start with '---'", though the file has one
        "front-matter-below-blank-lines",
        {P: "\n\n" + pattern(*front())},
        f"{P}:1: front matter",
        "the front matter must start on line 1, where its '---' goes: it is on line 3; remove the 2 blank lines above it",
        "error",
    ),
    (
        "front-matter-below-a-title",
        {P: "# Broken thing\n\n" + pattern(*front())},
        f"{P}:1: front matter",
        "it is on line 3, below '# Broken thing' (line 1); move that text below the front matter, or remove it",
        "error",
    ),
    ("binary-file", {P: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, f"{P}:1: file", "file is binary", "error"),
    # found by a team writing its first KB: Notepad's "Unicode" (UTF-16 with a byte-order mark) was "file is binary"
    *(
        (
            f"utf-16-{name}",
            {P: data},
            f"{P}:1: file",
            'file is UTF-16 text (Windows\' "Unicode"), not UTF-8: save it as UTF-8 (in Notepad: Save as, Encoding: '
            "UTF-8)",
            "error",
        )
        for name, data in (
            ("le-bom", b"\xff\xfe" + pattern(*front()).encode("utf-16-le")),
            ("be-bom", b"\xfe\xff" + pattern(*front()).encode("utf-16-be")),
            ("le-no-bom", pattern(*front()).encode("utf-16-le")),
            ("cjk-bom", ("\ufeff" + "\u6545\u969c" * 20).encode("utf-16-le")),  # no NUL byte in it
        )
    ),
    ("huge-file", {P: pattern(*front()) + ("x" * 80 + "\n") * 14000}, f"{P}:1: file", "file is too large", "error"),
    (
        "latin-1",
        {P: pattern(*front(title="Caf\xe9 down")).encode("latin-1")},
        f"{P}:3: file",  # the byte, its column, what it is in Latin-1, and what to do (it named none of them)
        "file is not valid UTF-8 text: byte 0xE9 at line 3, column 11 ('é' in Latin-1 or Windows-1252: the file "
        "was saved in that encoding); save it as UTF-8",
        "error",
    ),
    (
        "not-md-in-patterns",
        {"patterns/capacity/notes.txt": "scratch\n"},
        "patterns/capacity/notes.txt:1: file",
        "not a .md file; ignored",
        "warning",
    ),
    (
        "pattern-too-deep",
        {"patterns/capacity/sub/x-broken.md": pattern(*front())},
        "patterns/capacity/sub/x-broken.md:1: file",
        "patterns live in patterns/<category>/<id>.md",
        "error",
    ),
    # an unknown id in a record that has an error of its own too is reported in the same run
    (
        "unknown-related-beside-another-error",
        {P: pattern(*front(severity="sev9", extra=["related: [disk-full, nope]"]))},
        f"{P}:10: related[1]",
        "no pattern has id 'nope'",
        "error",
    ),
    (
        "unknown-distinguish-beside-another-error",
        {P: pattern(*front(title=None, extra=["distinguish:", "  - {from: nope, by: it is slower}"]))},
        f"{P}:10: distinguish[0].from",
        "no pattern has id 'nope'",
        "error",
    ),
    (
        "unknown-incident-pattern-beside-another-error",
        {INC: INC_TEXT.replace("[db-pool-exhausted]", "[nope]").replace("Checkout hung.", "")},
        f"{INC}:6: patterns[0]",
        "no pattern has id 'nope'",
        "error",
    ),
    (  # a number is an id to the schema ('404'), as it is when the incident has no other error
        "unknown-numeric-incident-pattern-beside-another-error",
        {INC: INC_TEXT.replace("[db-pool-exhausted]", "[404]").replace("Checkout hung.", "")},
        f"{INC}:6: patterns[0]",
        "no pattern has id '404'",
        "error",
    ),
    (
        "unknown-path-step-beside-another-error",
        {"paths/first-week.yml": "title: T\naudience: [a, b]\nsteps:\n  - pattern: nope\n"},
        "paths/first-week.yml:4: steps[0].pattern",
        "no pattern has id 'nope'",
        "error",
    ),
    # found adopting Recur for a team: a pattern written straight into patterns/, an incident into incidents/
    # or a month's folder: the message named the form only, not the place to move the file to
    (
        "pattern-without-a-category-folder-says-where",
        {"patterns/x-broken.md": pattern(*front(category="network"))},
        "patterns/x-broken.md:1: file",
        "patterns live in patterns/<category>/<id>.md: move it to kb/patterns/network/x-broken.md",
        "error",
    ),
    (
        "pattern-too-deep-says-where",
        {"patterns/capacity/sub/x-broken.md": pattern(*front())},
        "patterns/capacity/sub/x-broken.md:1: file",
        "patterns live in patterns/<category>/<id>.md: move it to kb/patterns/capacity/x-broken.md",
        "error",
    ),
    (
        "incident-in-a-month-folder-says-where",
        {"incidents/2026/03/INC-2026-0009.md": INC_TEXT.replace("INC-2026-0001", "INC-2026-0009")},
        "incidents/2026/03/INC-2026-0009.md:1: file",
        "incidents live in incidents/<year>/<id>.md: move it to kb/incidents/2026/INC-2026-0009.md",
        "error",
    ),
    (
        "incident-not-in-a-year-folder-says-where",
        {"incidents/INC-2026-0009.md": INC_TEXT.replace("0001", "0009").replace("date: 2026", "date: 2025")},
        "incidents/INC-2026-0009.md:1: file",
        "incidents live in incidents/<year>/<id>.md: move it to kb/incidents/2025/INC-2026-0009.md",
        "error",
    ),
    (  # the one place it goes is taken: moving it would overwrite that file
        "incident-beside-its-year-folder-copy",
        {"incidents/INC-2026-0001.md": INC_TEXT},
        "incidents/INC-2026-0001.md:1: file",
        "incidents live in incidents/<year>/<id>.md: kb/incidents/2026/INC-2026-0001.md is there already; merge the two",
        "error",
    ),
    # found adopting Recur for a team: "tags: db, postgres" was told "write it as '- db, postgres' lines", one item
    (
        "comma-separated-tags-are-said-as-items",
        {P: pattern(*front(extra=["tags: db, postgres, pool"]))},
        f"{P}:10: tags",
        "must be a list (write it as [db, postgres, pool] or as '- db', '- postgres', '- pool' lines)",
        "error",
    ),
    (
        "one-word-services-keeps-one-item",
        {P: pattern(*front(extra=["services: checkout"]))},
        f"{P}:10: services",
        "must be a list (write it as [checkout] or as '- checkout' lines)",
        "error",
    ),
    # incidents
    (
        "incident-not-in-a-year-folder",
        {"incidents/INC-2026-0001.md": INC_TEXT},
        "incidents/INC-2026-0001.md:1: file",
        "incidents live in incidents/<year>/<id>.md",
        "error",
    ),
    (
        "incident-in-a-named-folder",
        {"incidents/misc/INC-2026-0001.md": INC_TEXT},
        "incidents/misc/INC-2026-0001.md:1: file",
        "incidents live in incidents/<year>/<id>.md",
        "error",
    ),
    (  # str.isdigit() passes '²', which int() refuses: the year check raised ValueError
        "incident-in-a-superscript-digit-folder",
        {"incidents/²/INC-2026-0001.md": INC_TEXT},
        "incidents/²/INC-2026-0001.md:1: file",
        "incidents live in incidents/<year>/<id>.md",
        "error",
    ),
    # found adopting Recur for a team: the level's name written for its key was "unknown severity" alone
    (
        "incident-severity-written-as-its-name",
        {INC: INC_TEXT.replace("severity: sev2", "severity: Critical")},
        f"{INC}:5: severity",
        "unknown severity 'Critical' ('Critical' is the name of sev1: write sev1); the framework has sev1",
        "error",
    ),
    (
        "pattern-severity-written-as-its-name-in-lowercase",
        {P: pattern(*front(severity="minor"))},
        f"{P}:5: severity",
        "unknown severity 'minor' ('minor' is the name of sev3: write sev3)",
        "error",
    ),
    # found adopting Recur for a team: "45m" was "must be a whole number" alone, not the number to write
    (
        "incident-duration-written-with-a-unit",
        {INC: INC_TEXT.replace("severity: sev2", "severity: sev2\nduration_minutes: 45m")},
        f"{INC}:6: duration_minutes",
        "must be a whole number of 0 or more, not '45m'; write 45 (the minutes, a number alone)",
        "error",
    ),
    (
        "incident-duration-written-in-hours-and-minutes",
        {INC: INC_TEXT.replace("severity: sev2", "severity: sev2\nduration_minutes: 1h 30m")},
        f"{INC}:6: duration_minutes",
        "not '1h 30m'; write 90 (the minutes, a number alone)",
        "error",
    ),
    (  # no number to offer: the message as it was
        "incident-duration-written-as-words",
        {INC: INC_TEXT.replace("severity: sev2", "severity: sev2\nduration_minutes: about an hour")},
        f"{INC}:6: duration_minutes",
        "must be a whole number of 0 or more, not 'about an hour'",
        "error",
    ),
    (
        "incident-bad-date",
        {INC: INC_TEXT.replace("2026-03-02", "2026-02-30")},
        f"{INC}:4: date",
        "must be a date like 2026-01-31, not '2026-02-30'",
        "error",
    ),
    (
        "incident-unknown-pattern",
        {INC: INC_TEXT.replace("[db-pool-exhausted]", "[db-pool-exhausted, gone]")},
        f"{INC}:6: patterns[1]",
        "no pattern has id 'gone'",
        "error",
    ),
    (
        "incident-id-not-stem",
        {INC: INC_TEXT.replace("id: INC-2026-0001", "id: INC-2026-0009")},
        f"{INC}:2: id",
        "'INC-2026-0009' must equal the file name 'INC-2026-0001'",
        "error",
    ),
    (
        "incident-negative-duration",
        {INC: INC_TEXT.replace("patterns:", "duration_minutes: -5\npatterns:")},
        f"{INC}:6: duration_minutes",
        "must be a whole number of 0 or more, not -5",  # it said "not a number"
        "error",
    ),
    (
        "incident-date-written-as-a-number",
        {INC: INC_TEXT.replace("2026-03-02", "20260302")},
        f"{INC}:4: date",
        "must be a date like 2026-01-31, not 20260302",
        "error",
    ),
    (
        "incident-missing-summary",
        {INC: INC_TEXT.replace("## Summary\nCheckout hung.\n", "## Timeline\n- 10:00\n")},
        f"{INC}:8: ## Summary",
        "required section is missing",
        "error",
    ),
    (
        "incident-bad-review-level",
        {INC: INC_TEXT.replace("patterns:", "review: {level: huge}\npatterns:")},
        f"{INC}:6: review.level",
        "must be one of full, light, none",
        "error",
    ),
    (
        "incident-follow-up-no-title",
        {INC: INC_TEXT.replace("patterns:", "follow_ups:\n  - {status: open}\npatterns:")},
        f"{INC}:7: follow_ups[0].title",
        "is required",
        "error",
    ),
    (
        "incident-year-folder",
        {"incidents/2025/INC-2026-0001.md": INC_TEXT, INC: None},
        "incidents/2025/INC-2026-0001.md:4: date",
        "incident of 2026 filed under incidents/2025/",
        "warning",
    ),
    (
        "duplicate-incident-id",
        {
            "incidents/2026/INC-2026-0001b.md": INC_TEXT.replace("0001\n", "0001b\n"),
            "incidents/2025/INC-2026-0001.md": INC_TEXT,
        },
        "incidents/2025/INC-2026-0001.md:2: id",
        "duplicate incident id 'INC-2026-0001'",
        "error",
    ),
    # onboarding paths
    (
        "path-unknown-pattern",
        {"paths/first-week.yml": "title: T\nsteps:\n  - pattern: disk-full\n  - pattern: nope\n"},
        "paths/first-week.yml:4: steps[1].pattern",
        "no pattern has id 'nope'",
        "error",
    ),
    (
        "path-missing-steps",
        {"paths/first-week.yml": "title: T\naudience: new people\n"},
        "paths/first-week.yml:1: steps",
        "is required",
        "error",
    ),
    (
        "path-step-not-mapping",
        {"paths/first-week.yml": "title: T\nsteps:\n  - disk-full\n"},
        "paths/first-week.yml:3: steps[0]",
        "must be a mapping",
        "error",
    ),
    (
        "path-yaml-does-not-parse",
        {"paths/first-week.yml": "title: T\nsteps: [\n"},
        "paths/first-week.yml:3: file",
        "YAML does not parse",
        "error",
    ),
    (
        "path-in-a-subfolder",
        {"paths/team/first-week.yml": "title: T\nsteps:\n  - pattern: disk-full\n"},
        "paths/team/first-week.yml:1: file",
        "onboarding paths live in paths/<id>.yml: kb/paths/first-week.yml has its id already; merge the two",
        "error",
    ),
    # severity framework
    (
        "severity-bad-review",
        {"severity.yml": "levels:\n  sev1: {name: Critical, review: always}\n"},
        "severity.yml:2: levels.sev1.review",
        "must be one of full, light, none",
        "error",
    ),
    (
        "severity-missing-days",
        {"severity.yml": "levels:\n  sev1: {name: Critical, review: full}\n  sev2: {name: Major, review: none}\n"},
        "severity.yml:2: levels.sev1.review_within_days",
        "is required when review is full",
        "error",
    ),
    (  # every level has an error: a record's unknown severity is still reported in the same run
        "severity-all-levels-broken-record-unknown",
        {
            "severity.yml": "levels:\n  sev1: {name: A}\n  sev2: {name: B}\n",
            "patterns/capacity/x-broken.md": pattern(*front(severity="sev9")),
        },
        "patterns/capacity/x-broken.md:5: severity",
        "unknown severity 'sev9'; the framework has sev1, sev2",
        "error",
    ),
    (
        "severity-no-levels",
        {"severity.yml": "sev1: Critical\n"},
        "severity.yml:1: levels",
        "is required: a mapping of severity keys",
        "error",
    ),
    # retrieval cases
    (
        "incident-review-level-not-its-severitys",  # kept from recur import's placeholder severity (sev3)
        {
            INC: GOOD_INC.replace("severity: sev2", "severity: sev1").replace(
                "patterns: [db-pool-exhausted]\n",
                "patterns: [db-pool-exhausted]\nreview: {level: light, status: pending}\n",
            )
        },
        f"{INC}:7: review.level",
        "light, but sev1 asks for a full review within 5 days (severity.yml); set it, or keep it on purpose",
        "warning",
    ),
    (
        "cases-not-a-list",
        {"eval/cases.yml": "query: x\nexpect: [disk-full]\n"},
        "eval/cases.yml:1: cases",
        "must be a list of {query, expect} entries",
        "error",
    ),
    (
        "cases-unknown-pattern",
        {"eval/cases.yml": "- query: q\n  expect: [disk-full]\n- query: r\n  expect: [nope]\n"},
        "eval/cases.yml:4: [1].expect",  # the id's line, not the case's first (found in review)
        "no pattern has id 'nope'",
        "error",
    ),
    (
        "cases-unknown-pattern-after-invalid-case",  # the index is the file position (it counted valid cases)
        {
            "eval/cases.yml": '- query: q\n  expect: [disk-full]\n- query: ""\n  expect: [disk-full]\n- query: r\n  expect: [missing-id]\n'
        },
        "eval/cases.yml:6: [2].expect",
        "no pattern has id 'missing-id'",
        "error",
    ),
    (
        "cases-missing-query",
        {"eval/cases.yml": "- query: q\n  expect: [disk-full]\n- expect: [disk-full]\n"},
        "eval/cases.yml:3: [1].query",
        "is required",
        "error",
    ),
    (
        "cases-retired-pattern",  # never indexed: the case could only ever be a miss, silently
        {"eval/cases.yml": "- query: q\n  expect: [disk-full]\n- query: r\n  expect: [old-retired]\n"},
        "eval/cases.yml:4: [1].expect",
        "'old-retired' is retired, and retired patterns are never suggested",
        "warning",
    ),
    (
        "cases-duplicate-query",  # eval ranks each apart: one misses whenever the other's pattern is first
        {
            "eval/cases.yml": "- query: Disk is full\n  expect: [disk-full]\n- query: disk is  FULL\n  expect: [dns-failure]\n"
        },
        "eval/cases.yml:3: [1].query",
        "the same query as [0] (line 1): merge the two cases",
        "warning",
    ),
    (
        "path-pattern-twice",  # a slip, as in an incident's patterns: the meant pattern is missing
        {"paths/first-week.yml": "title: T\naudience: a\nsteps:\n  - pattern: disk-full\n  - pattern: disk-full\n"},
        "paths/first-week.yml:5: steps[1].pattern",
        "'disk-full' is already steps[0] (line 4): remove one, or name the pattern meant here",
        "warning",
    ),
    (
        # "read the first-week path first": it was "no pattern has id", and the author looked for a pattern file
        "path-step-names-a-path",
        {
            "paths/storage.yml": "title: T\nsteps:\n  - pattern: first-week\n    why: w\n  - pattern: disk-full\n    why: w\n"
        },
        "paths/storage.yml:3: steps[0].pattern",
        "'first-week' is an onboarding path (paths/first-week.yml), not a pattern: a step names a pattern, and paths "
        "do not nest; list the patterns of first-week meant here as steps of their own",
        "error",
    ),
    (
        # the site listed the step with no "Why it matters", and nothing said so; optional in the format: a notice
        "path-step-without-why",
        {
            "paths/storage.yml": "title: T\nsteps:\n  - pattern: disk-full\n    why: w\n  - pattern: dns-failure\n    why: ''\n"
        },
        "paths/storage.yml:6: steps[1].why",
        "no why: the site lists the step with no 'Why it matters'; add why: with a sentence on why a new on-call "
        "engineer reads this pattern, here",
        "notice",
    ),
    (
        # a copied path left with its title: the site listed two entries alike, and nothing said so
        "path-title-twice",
        {"paths/week-one.yml": "title: first  Week\naudience: a\nsteps:\n  - pattern: disk-full\n    why: w\n"},
        "paths/week-one.yml:1: title",
        "'first  Week' is also the title of kb/paths/first-week.yml (line 1): the site lists two onboarding paths "
        "alike; give each its own title, or merge the two",
        "warning",
    ),
    (
        # a new pattern for a failure the KB has already, under its title: two results alike, nothing said
        # (found in review); compared as read (case, spacing, Markdown marks aside), said at both files
        "pattern-title-twice",
        {"patterns/capacity/host-disk-full.md": pattern_text("host-disk-full", title="disk  full on a **host**")},
        "patterns/capacity/host-disk-full.md:3: title",
        "'disk  full on a **host**' is also the title of disk-full (kb/patterns/capacity/disk-full.md, line 3): "
        "search results and the site show them alike; if they are one failure, extend one (and retire the "
        "other), else give each its own title",
        "warning",
    ),
    (
        # legal (the format lists such paths by title) but rarely meant: a notice, never failing --strict
        "path-order-twice",
        {
            "paths/first-week.yml": "title: First week\norder: 1\nsteps:\n  - pattern: disk-full\n    why: w\n",
            "paths/storage.yml": "title: Storage\naudience: a\norder: 1\nsteps:\n  - pattern: disk-full\n    why: w\n",
        },
        "paths/storage.yml:3: order",
        "order 1 is also that of kb/paths/first-week.yml ('First week'): the site lists the two by title; give each "
        "its own order to choose which comes first",
        "notice",
    ),
    (
        # written as a pattern's id: it was "unknown key (kept, not used)", the site's page named by the file
        "path-id-is-not-its-file-name",
        {"paths/first-week.yml": "id: first-weeks\ntitle: T\nsteps:\n  - pattern: disk-full\n"},
        "paths/first-week.yml:1: id",
        "'first-weeks' must equal the file name 'first-week' (a path's id is its file name): write id: first-week, "
        "or rename the file kb/paths/first-weeks.yml",
        "error",
    ),
    (
        # named as typed, in title case: the message named no id to write
        "path-step-pattern-not-kebab",
        {"paths/first-week.yml": "title: T\nsteps:\n  - pattern: Disk-Full\n"},
        "paths/first-week.yml:3: steps[0].pattern",
        "must be a kebab-case id (lowercase words joined by '-'), not 'Disk-Full'; did you mean 'disk-full'?",
        "error",
    ),
    (
        # the pattern's file, or its page's address copied from the site: "did you mean 'disk-full-md'?"
        "path-step-pattern-written-as-its-file",
        {"paths/first-week.yml": "title: T\nsteps:\n  - pattern: patterns/capacity/disk-full.md\n    why: w\n"},
        "paths/first-week.yml:3: steps[0].pattern",
        "not 'patterns/capacity/disk-full.md'; did you mean 'disk-full'? (an id is the name of its file or page "
        "alone, without the folder and .md)",
        "error",
    ),
    (
        "incident-pattern-written-as-its-page",
        {INC: INC_TEXT.replace("patterns: [db-pool-exhausted]", "patterns: [disk-full.html]")},
        f"{INC}:6: patterns[0]",
        "not 'disk-full.html'; did you mean 'disk-full'? (an id is the name of its file or page alone, without .html)",
        "error",
    ),
    (
        "path-file-name-not-kebab",  # it named no name to rename the file to
        {"paths/Day_One.yml": "title: T\nsteps:\n  - pattern: disk-full\n"},
        "paths/Day_One.yml:1: file",
        "path file name 'Day_One' must be a kebab-case id (lowercase words joined by '-'): rename it kb/paths/day-one.yml",
        "error",
    ),
    (
        "path-file-name-not-kebab-taken",  # it named the small KB's own first-week.yml as the name to rename it to
        {"paths/First_Week.yml": "title: T\nsteps:\n  - pattern: disk-full\n"},
        "paths/First_Week.yml:1: file",
        "path file name 'First_Week' must be a kebab-case id (lowercase words joined by '-'): rename it to a "
        "kebab-case id of its own (not first-week, the name of kb/paths/first-week.yml)",
        "error",
    ),
    (
        "path-steps-one-text",  # one pattern id where the list goes: it named no form to write
        {"paths/first-week.yml": "title: T\nsteps: disk-full\n"},
        "paths/first-week.yml:2: steps",
        "must be a list, not a string: write each item as '- pattern: ...' on its own line ('- pattern: disk-full')",
        "error",
    ),
    (
        "path-in-a-sub-folder",  # a team's folder under paths/: it named no place to move it to
        {"paths/team/storage.yml": "title: T\nsteps:\n  - pattern: disk-full\n"},
        "paths/team/storage.yml:1: file",
        "onboarding paths live in paths/<id>.yml: move it to kb/paths/storage.yml",
        "error",
    ),
    (
        # the site's title of the path was "First week", without a word (a pattern's front matter was warned of)
        "path-title-cut-by-a-comment",
        {"paths/first-week.yml": "title: First week #1 on call\nsteps:\n  - pattern: disk-full\n"},
        "paths/first-week.yml:1: title",
        "YAML reads ' #1 on call' as a comment, so the value is 'First week': put the value in quotes to keep the rest",
        "warning",
    ),
    (
        "path-why-cut-by-a-comment",
        {"paths/first-week.yml": "title: T\nsteps:\n  - pattern: disk-full\n    why: see step #3 first\n"},
        "paths/first-week.yml:4: steps[0].why",
        "YAML reads ' #3 first' as a comment, so the value is 'see step'",
        "warning",
    ),
    (
        "case-query-cut-by-a-comment",  # recur eval measured the query "error"
        {"eval/cases.yml": "- query: error #42 in the log\n  expect: [disk-full]\n"},
        "eval/cases.yml:1: [0].query",
        "YAML reads ' #42 in the log' as a comment, so the value is 'error'",
        "warning",
    ),
    (
        "path-file-is-a-list",  # a .yml has no front matter: the message named one
        {"paths/first-week.yml": "- title: T\n  steps: []\n"},
        "paths/first-week.yml:1: file",
        "must be a mapping of keys to values, not a list",
        "error",
    ),
    (
        "path-key-twice",  # named as every other message names a step's key, not steps.0.why
        {"paths/first-week.yml": "title: T\nsteps:\n  - pattern: disk-full\n    why: a\n    why: b\n"},
        "paths/first-week.yml:5: steps[0].why",
        "key appears twice; the last one wins",
        "error",
    ),
    (
        "path-step-dash-without-space",  # PyYAML's "expected '-' indicator" named no fix
        {"paths/first-week.yml": "title: T\nsteps:\n  - pattern: disk-full\n  -pattern: dns-failure\n"},
        "paths/first-week.yml:4: file",
        "(a list item starts with a dash and a space: '- pattern: dns-failure')",
        "error",
    ),
    (
        # the first step, or every one, written so: YAML read a mapping, "must be a list, not a mapping" named no dash
        "path-first-step-dash-without-space",
        {"paths/first-week.yml": "title: T\nsteps:\n  -pattern: disk-full\n"},
        "paths/first-week.yml:3: steps",
        "'-pattern' has no space after its dash, so YAML read a key, not a list item; write '- pattern: disk-full'",
        "error",
    ),
    (
        # the first step so and a second one right: YAML stopped on the second, "did not find expected key"
        "path-first-of-two-steps-dash-without-space",
        {"paths/first-week.yml": "title: T\nsteps:\n  -pattern: disk-full\n  - pattern: dns-failure\n"},
        "paths/first-week.yml:3: file",
        "YAML does not parse: a list item starts with a dash and a space: '- pattern: disk-full'",
        "error",
    ),
    (
        # its why: lined up under "pattern", as for '- pattern': the hint named the wrong indentation on the next line
        "path-step-dash-without-space-then-why",
        {"paths/first-week.yml": "title: T\nsteps:\n  -pattern: disk-full\n   why: w\n"},
        "paths/first-week.yml:3: file",
        "a list item starts with a dash and a space: '- pattern: disk-full'",
        "error",
    ),
    (
        # at the column of steps: YAML read a key of the file, and steps empty
        "path-step-dash-without-space-at-the-margin",
        {"paths/first-week.yml": "title: T\nsteps:\n-pattern: disk-full\n"},
        "paths/first-week.yml:3: -pattern",
        "'-pattern' has no space after its dash, so YAML read a key, not a list item; write '- pattern: disk-full', "
        "indented under steps:",
        "error",
    ),
    (
        "path-step-key-at-the-dash",  # why: under the dash, not under pattern:
        {"paths/first-week.yml": "title: T\nsteps:\n  - pattern: disk-full\n  why: w\n"},
        "paths/first-week.yml:4: file",
        "a key of the item above goes under that item's first key",
        "error",
    ),
    (
        # an item indented a space further than the one above: "did not find expected '-' indicator", no column
        "yaml-list-item-indented-too-far",
        {P: pattern(*front(), "tags:", "  - 'disk'", "   - 'storage'")},
        f"{P}:12: front matter",
        "(line 12, column 4: indented 3 spaces, where YAML expected 2, as on line 11: the keys of one mapping, "
        "and the items of one list, start in the same column)",
        "error",
    ),
    (
        # a top-level key a space in: read as more of the value above, "mapping values are not allowed"
        "yaml-key-indented-by-a-space",
        {P: pattern(*front(severity=None)[:3], " severity: sev2", *front(severity=None)[3:])},
        f"{P}:5: front matter",
        "(line 5, column 2: indented 1 space, where YAML expected 0, as on line 4: the keys of one mapping",
        "error",
    ),
    (
        "yaml-step-indented-short-of-the-list",  # a step a column short of the one above
        {"paths/first-week.yml": "title: T\nsteps:\n  - pattern: disk-full\n    why: w\n - pattern: dns-failure\n"},
        "paths/first-week.yml:5: file",
        "(line 5, column 2: indented 1 space, where YAML expected 2, as on line 3 or 0, as on line 2:",
        "error",
    ),
    (
        # a no-break space after the colon (copied from a document): YAML said "could not find expected ':'"
        "yaml-no-break-space-after-a-colon",
        {P: pattern(*front(), "owner:\u00a0team-storage")},
        f"{P}:10: front matter",
        "YAML does not parse: line 10 has U+00A0 no-break space at column 7, where a plain space is meant: "
        "type the space again",
        "error",
    ),
    (
        "yaml-no-break-space-in-the-indentation",
        {P: pattern(*front(), "tags:", "  - disk", "\u00a0 - storage")},
        f"{P}:12: front matter",
        "line 12 has U+00A0 no-break space at column 1, where a plain space is meant",
        "error",
    ),
    (
        "yaml-en-dash-for-a-list-item",  # the items above are right: YAML stops at the en dash's line
        {P: pattern(*front(), "tags:", "  - disk", "  \u2013 storage", "owner: x")},
        f"{P}:12: front matter",
        "line 12 has U+2013 en dash at column 3, where a list item's '-' (a hyphen) is meant: type '- '",
        "error",
    ),
    (
        "yaml-en-dash-for-every-list-item",  # YAML reads the lines as one text: "must be a list" said why
        {P: pattern(*front(), "tags:", "  \u2013 disk", "  \u2013 storage")},
        f"{P}:10: tags",
        "must be a list: its items start with U+2013 en dash, where a list item's '-' (a hyphen) is meant",
        "error",
    ),
    (
        "evidence-en-dash-items",
        {
            P: pattern(
                *front(),
                body="\n## Summary\nS.\n\n## Runbook\n1. Run it.\n\n## Evidence to preserve\n"
                "\u2013 the heap dump\n\n## Root cause\nR.\n",
            )
        },
        f"{P}:18: ## Evidence to preserve",
        "must be a list (- one item per line); '\u2013 the heap dump' has U+2013 en dash at column 1",
        "warning",
    ),
    (
        "yaml-key-of-a-list-item-between-its-dash-and-key",  # both columns of one line, said once
        {P: pattern(*front(), "distinguish:", "  - from: dns-failure", "   by: resolvers answer")},
        f"{P}:12: front matter",
        "(line 12, column 4: indented 3 spaces, where YAML expected 2 or 4, as on line 11:",
        "error",
    ),
    (
        "path-pattern-slip",  # named with the id it was meant to be, not left to a search through patterns/
        {"paths/first-week.yml": "title: T\naudience: a\nsteps:\n  - pattern: disk-ful\n    why: w\n"},
        "paths/first-week.yml:4: steps[0].pattern",
        "no pattern has id 'disk-ful'; did you mean disk-full?",
        "error",
    ),
    (
        "incident-pattern-slip",
        {
            "incidents/2026/INC-2026-0009.md": "---\nid: INC-2026-0009\ntitle: t\ndate: 2026-01-02\nseverity: sev2\n"
            "patterns: [db-pool-exhaustd]\n---\n\n## Summary\nx\n"
        },
        "incidents/2026/INC-2026-0009.md:6: patterns[0]",
        "no pattern has id 'db-pool-exhaustd'; did you mean db-pool-exhausted?",
        "error",
    ),
    (
        "path-retired-pattern",  # the site still lists it and counts it in the reader's progress
        {"paths/first-week.yml": "title: T\naudience: a\nsteps:\n  - pattern: disk-full\n  - pattern: old-retired\n"},
        "paths/first-week.yml:5: steps[1].pattern",
        "'old-retired' is retired (it no longer happens, and is never suggested)",
        "warning",
    ),
    (
        "path-draft-pattern",  # the site marks the step draft; a notice, so --strict passes (the shipped KB has one)
        {
            "patterns/capacity/x-draft.md": pattern(*front(pid="x-draft", extra=["status: draft"])),
            "paths/first-week.yml": "title: T\naudience: a\nsteps:\n  - pattern: disk-full\n  - pattern: x-draft\n",
        },
        "paths/first-week.yml:5: steps[1].pattern",
        "'x-draft' is a draft (status: draft), still being written",
        "notice",
    ),
    (
        "superseded-by-slip",  # as a related id: named with the id it was meant to be
        {P: pattern(*front(extra=["status: retired", "superseded_by: disk-ful"]))},
        f"{P}:11: superseded_by",
        "no pattern has id 'disk-ful'; did you mean disk-full?",
        "error",
    ),
    (
        "superseded-by-list-slip",  # a pattern split in two: each id checked, at its own place in the list
        {P: pattern(*front(extra=["status: retired", "superseded_by:", "  - disk-full", "  - dns-failur"]))},
        f"{P}:13: superseded_by[1]",
        "no pattern has id 'dns-failur'; did you mean dns-failure?",
        "error",
    ),
    (
        "superseded-by-not-kebab",
        {P: pattern(*front(extra=["status: retired", "superseded_by: Disk Full"]))},
        f"{P}:11: superseded_by",
        "must be a kebab-case id",
        "error",
    ),
    (
        "superseded-by-itself",
        {P: pattern(*front(extra=["status: retired", "superseded_by: x-broken"]))},
        f"{P}:11: superseded_by",
        "a pattern cannot be superseded by itself",
        "error",
    ),
    (
        "superseded-by-on-an-active-pattern",  # a live pattern has no successor: one of the two is a slip
        {P: pattern(*front(extra=["superseded_by: disk-full"]))},
        f"{P}:10: superseded_by",
        "superseded_by on a pattern that is active: set status: retired, or remove superseded_by",
        "warning",
    ),
    (
        "superseded-by-cycle",  # retired patterns each naming the other: the way to the live one never ends
        {
            P: pattern(*front(extra=["status: retired", "superseded_by: old-retired"])),
            "patterns/deploys/old-retired.md": pattern_text(
                "old-retired", "deploys", status="retired", extra_front="superseded_by: x-broken"
            ),
        },
        f"{P}:11: superseded_by",
        "a cycle of retired patterns: x-broken -> old-retired -> x-broken",
        "error",
    ),
    (
        "superseded-by-a-retired-dead-end",  # the way to the pattern in use ends at a retired one naming none
        {P: pattern(*front(extra=["status: retired", "superseded_by: [disk-full, old-retired]"]))},
        f"{P}:11: superseded_by[1]",
        "'old-retired' is retired too, and names no pattern in use that replaced it: name the pattern in use here",
        "warning",
    ),
    (
        "superseded-by-a-draft",  # a retired pattern pointing readers to a page still being written
        {
            P: pattern(*front(extra=["status: retired", "superseded_by: [disk-full, new-dns]"])),
            "patterns/network/new-dns.md": pattern_text("new-dns", "network", status="draft"),
        },
        f"{P}:11: superseded_by[1]",
        "'new-dns' is a draft (status: draft), still being written: publish it (status: active)",
        "warning",
    ),
    (
        "superseded-by-a-mapping",  # the hint said to quote "id: disk-full", which no id matches
        {P: pattern(*front(extra=["status: retired", "superseded_by: {id: disk-full}"]))},
        f"{P}:11: superseded_by",
        "must be an id, not a mapping (key: value): write the id alone, disk-full",
        "error",
    ),
    (
        "superseded-by-a-list-of-mappings",
        {P: pattern(*front(extra=["status: retired", "superseded_by:", "  - id: disk-full", "  - dns-failure"]))},
        f"{P}:12: superseded_by[0]",
        "must be an id, not a mapping (key: value): write the id alone, disk-full",
        "error",
    ),
    (
        "superseded-by-an-id-twice",  # a split's second half written as the first again: as an incident's patterns
        {P: pattern(*front(extra=["status: retired", "superseded_by:", "  - disk-full", "  - disk-full"]))},
        f"{P}:13: superseded_by[1]",
        "'disk-full' is listed twice",
        "warning",
    ),
    (
        "path-retired-pattern-superseded",  # the warning names the successor, followed through a retired one
        {
            "paths/first-week.yml": "title: T\naudience: a\nsteps:\n  - pattern: disk-full\n  - pattern: x-broken\n",
            P: pattern(*front(extra=["status: retired", "superseded_by: old-retired"])),
            "patterns/deploys/old-retired.md": pattern_text(
                "old-retired", "deploys", status="retired", extra_front="superseded_by: [dns-failure, disk-full]"
            ),
        },
        "paths/first-week.yml:5: steps[1].pattern",
        "name dns-failure and disk-full, which replaced it (superseded_by), or remove the step",
        "warning",
    ),
    (
        "cases-retired-pattern-superseded",
        {
            "eval/cases.yml": "- query: q\n  expect: [old-retired]\n",
            "patterns/deploys/old-retired.md": pattern_text(
                "old-retired", "deploys", status="retired", extra_front="superseded_by: disk-full"
            ),
        },
        "eval/cases.yml:2: [0].expect",
        "expect disk-full, which replaced it (superseded_by), or remove it",
        "warning",
    ),
    (
        "cases-empty-expect",
        {"eval/cases.yml": "- query: q\n  expect: []\n"},
        "eval/cases.yml:2: [0].expect",
        "must not be empty",
        "error",
    ),
]


def _apply(kb: Path, files: dict) -> None:
    for rel, content in files.items():
        path = kb / rel
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        else:
            write(kb, rel, content)


def test_table_is_big_enough():
    assert len(ROWS) >= 25
    assert len({r[0] for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("name, files, where, fragment, level", ROWS, ids=[r[0] for r in ROWS])
def test_malformed_input(tmp_path, monkeypatch, name, files, where, fragment, level):
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    _apply(tmp_path / "kb", files)
    runner = CliRunner()
    res = runner.invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    prefix = f"kb/{where}: " + {"error": "", "notice": "notice: "}.get(level, "warning: ")
    hits = [line for line in res.output.splitlines() if line.startswith(prefix)]
    assert hits, f"no line starts with {prefix!r}:\n{res.output}"
    assert any(fragment in h for h in hits), f"{fragment!r} not in {hits}"
    if level == "error":
        assert res.exit_code == 1
    else:
        assert res.exit_code == 0, res.output
        strict = runner.invoke(cli, ["check", "--kb", "kb", "--stale-days", "0", "--strict"])
        # the KB format: a team's own key is kept and warned of, never fails; a notice never fails --strict
        if level in ("warning-not-strict", "notice"):
            assert strict.exit_code == 0 and "Failing because of --strict" not in strict.output, strict.output
        else:
            assert strict.exit_code == 1 and "Failing because of --strict" in strict.output


@pytest.mark.parametrize(
    "written, slip, said",
    [
        # a required key misspelt was two messages: "severity: is required" at the id's line, and the slip as
        # a warning at its own line; one error now, at the slip's line, naming both
        (
            "severity: sev2",
            "severty: sev2",
            "5: severty: unknown key in front matter: did you mean 'severity'? "
            "(severity is required, and there is none)",
        ),
        (
            "title: Broken thing",
            "titel: Broken thing",
            "3: titel: unknown key in front matter: did you mean 'title'? (title is required, and there is none)",
        ),
        # an optional one: the slip's warning, not also "pattern has no signals"
        (
            "signals:",
            "signal:",
            "8: signal: warning: unknown key in front matter: did you mean 'signals'? (kept, not used)",
        ),
    ],
)
def test_a_misspelt_key_is_one_message_at_its_line(tmp_path, monkeypatch, written, slip, said):
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    write(tmp_path / "kb", P, pattern(*[slip if x == written else x for x in front()]))
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    about = [line for line in res.output.splitlines() if line.startswith(f"kb/{P}:")]
    assert about == [f"kb/{P}:{said}"], res.output


def test_an_id_unlike_its_file_name_is_one_error_not_one_per_record_naming_the_file(tmp_path, monkeypatch):
    """Found by a KB author: id: disk-fulll in disk-full.md was three errors, two of them "no pattern has
    id 'disk-full'" in the files naming it (the pattern next door's related, a case)."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    disk = tmp_path / "kb/patterns/capacity/disk-full.md"
    disk.write_text(disk.read_text().replace("id: disk-full", "id: disk-fulll"))
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    errors = [line for line in res.output.splitlines() if line.startswith("kb/") and ": warning: " not in line]
    assert errors == [
        "kb/patterns/capacity/disk-full.md:2: id: 'disk-fulll' must equal the file name 'disk-full': write id: "
        "disk-full, or rename the file kb/patterns/capacity/disk-fulll.md"
    ], res.output


def test_a_path_id_written_as_its_file_name_is_no_problem(tmp_path, monkeypatch):
    """A lead writing a path as a pattern is written, with its id: it was "unknown key (kept, not used)",
    which --strict let pass and an id unlike the file name as well (a row of ROWS says that one now)."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    write(
        tmp_path / "kb",
        "paths/first-week.yml",
        "id: first-week\ntitle: T\nsteps:\n  - pattern: disk-full\n    why: w\n",
    )
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert res.exit_code == 0 and res.output.startswith("OK: "), res.output


def _check_one_file(tmp_path: Path, monkeypatch, name: str, text: str):
    """`recur check` (found errors: exit 1) of the small KB with ``text`` written to its file ``name``."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    write(tmp_path / "kb", name, text)
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert res.exit_code == 1, res.output
    return res


def test_a_pattern_twice_on_a_path_with_another_error_is_said_in_the_same_run(tmp_path, monkeypatch):
    """A path left out for an error of its own (an empty why) still has its repeated step named: it was said
    only by a second run, once the first error was fixed."""
    text = "title: T\nsteps:\n  - pattern: disk-full\n    why: w\n  - pattern: dns-failure\n    why: '  '\n"
    res = _check_one_file(tmp_path, monkeypatch, "paths/storage.yml", text + "  - pattern: disk-full\n    why: w\n")
    assert "kb/paths/storage.yml:6: steps[1].why: must not be empty" in res.output.splitlines()
    assert (
        "kb/paths/storage.yml:7: steps[2].pattern: warning: 'disk-full' is already steps[0] (line 3): remove one, "
        "or name the pattern meant here"
    ) in res.output.splitlines(), res.output


def test_a_step_written_as_recur_new_path_takes_it_says_how_to_write_it(tmp_path, monkeypatch):
    """`- disk-full: why it matters` (as `recur new path --step` takes a step) reads as a key named for the pattern:
    it was "steps[1].pattern: is required" and a warning of an unknown key "kept, not used; a key of your own",
    which told a first-time path author neither what was wrong nor what to write."""
    text = "title: T\nsteps:\n  - pattern: dns-failure\n    why: w\n  - disk-full: the page you get first\n"
    res = _check_one_file(tmp_path, monkeypatch, "paths/storage.yml", text)
    said = [line for line in res.output.splitlines() if line.startswith("kb/paths/storage.yml")]
    assert said == [
        "kb/paths/storage.yml:5: steps[1]: '- disk-full: ...' names the pattern as a key, and a step needs pattern: "
        "write it '- pattern: disk-full' and its 'why: ...' on the next line, under pattern"
    ], res.output


@pytest.mark.parametrize(
    "step, said",
    [
        ("- patern: disk-full", "steps[0].patern: unknown key in steps[0]: did you mean 'pattern'?"),
        ("- patterns: disk-full", "steps[0].patterns: unknown key in steps[0]: did you mean 'pattern'?"),
        ("- title: Storage", "steps[0].pattern: is required"),
        ("- id: disk-full", "steps[0].pattern: is required"),
    ],
)
def test_a_slip_of_pattern_or_a_paths_key_as_a_step_is_not_read_as_a_pattern_id(tmp_path, monkeypatch, step, said):
    """A step's single key that is a slip of `pattern` (`- patern: disk-full`) or a path's own key (`- title: ...`)
    names no pattern: it was told "write it '- pattern: patern'", a pattern id that does not exist, in place of the
    "did you mean 'pattern'?" it had before `- disk-full: why` was read as a step written as a key."""
    res = _check_one_file(tmp_path, monkeypatch, "paths/storage.yml", f"title: T\nsteps:\n  {step}\n")
    said_of_it = [line for line in res.output.splitlines() if line.startswith("kb/paths/storage.yml")]
    assert any(line.startswith(f"kb/paths/storage.yml:3: {said}") for line in said_of_it), res.output
    assert not any("names the pattern as a key" in line for line in said_of_it), res.output


def test_a_retired_step_on_a_path_with_another_error_is_said_in_the_same_run(tmp_path, monkeypatch):
    """A path left out for an error of its own (a step with no pattern) still has its step naming a retired
    pattern warned of, as its repeated step is: a newcomer's first path was told of the missing pattern, fixed
    it, and only the second run said the path teaches a pattern that no longer happens."""
    text = "title: T\nsteps:\n  - pattern: disk-full\n    why: w\n  - why: no pattern\n  - pattern: old-retired\n"
    res = _check_one_file(tmp_path, monkeypatch, "paths/payments.yml", text + "    why: w\n")
    lines = res.output.splitlines()
    assert "kb/paths/payments.yml:5: steps[1].pattern: is required" in lines, res.output
    assert any(
        line.startswith("kb/paths/payments.yml:6: steps[2].pattern: warning: 'old-retired' is retired")
        for line in lines
    ), res.output


def test_an_id_twice_in_an_incident_with_another_error_is_said_in_the_same_run(tmp_path, monkeypatch):
    """An incident left out for an error of its own (a severity the framework lacks) still has its pattern
    listed twice named, as a path's repeated step is: it was said only by a second run, once that error was
    fixed. So is a retired pattern's successor listed twice in a file with an error."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    incident = (
        "---\nid: INC-2026-0003\ntitle: Disk filled twice\ndate: 2026-05-01\nseverity: sev9\n"
        "patterns:\n  - disk-full\n  - dns-failure\n  - disk-full\n---\n\n## Summary\nIt filled.\n"
    )
    write(tmp_path / "kb", "incidents/2026/INC-2026-0003.md", incident)
    retired = pattern(
        *front(severity="sev9", extra=["status: retired", "superseded_by:", "  - disk-full", "  - disk-full"])
    )
    write(tmp_path / "kb", "patterns/capacity/x-broken.md", retired)
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert res.exit_code == 1, res.output
    lines = res.output.splitlines()
    assert any(line.startswith("kb/incidents/2026/INC-2026-0003.md:5: severity: ") for line in lines), res.output
    assert "kb/incidents/2026/INC-2026-0003.md:9: patterns[2]: warning: 'disk-full' is listed twice" in lines
    assert any(line.startswith("kb/patterns/capacity/x-broken.md:5: severity: ") for line in lines), res.output
    assert "kb/patterns/capacity/x-broken.md:13: superseded_by[1]: warning: 'disk-full' is listed twice" in lines


def test_a_path_title_and_order_twice_with_another_error_are_said_in_the_same_run(tmp_path, monkeypatch):
    """A path left out for an error of its own (an audience that is a list) still has its title and order,
    which another path has, named: they were said only by a second run, once that error was fixed."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    write(tmp_path / "kb", "paths/first-week.yml", "title: First week\norder: 2\nsteps:\n  - pattern: disk-full\n")
    text = "title: First week\naudience: [a, b]\norder: 2\nsteps:\n  - pattern: disk-full\n    why: w\n"
    write(tmp_path / "kb", "paths/week-one.yml", text)
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert res.exit_code == 1, res.output
    lines = res.output.splitlines()
    assert any(line.startswith("kb/paths/week-one.yml:2: audience: ") for line in lines), res.output
    assert any(
        line.startswith(
            "kb/paths/week-one.yml:1: title: warning: 'First week' is also the title of kb/paths/first-week.yml (line 1)"
        )
        for line in lines
    ), res.output
    assert any(
        line.startswith("kb/paths/week-one.yml:3: order: notice: order 2 is also that of kb/paths/first-week.yml")
        for line in lines
    ), res.output


@pytest.mark.parametrize(
    "title, said",
    [
        # the site renders a title's Markdown (the path's heading, the list of paths): each reads "First week"
        (
            "**First** week",
            "'**First** week' reads on the site as 'First week' does, the title of kb/paths/first-week.yml",
        ),
        ("_First  WEEK_", "'_First  WEEK_' reads on the site as 'First week' does"),
        ("`First` week", "'`First` week' reads on the site as 'First week' does"),
        ("first  Week", "'first  Week' is also the title of kb/paths/first-week.yml (line 1)"),
        # a mark the site shows as written is part of the title: no warning
        ("First week*", None),
        ("First week_", None),
        ("First \\*week\\*", None),
    ],
)
def test_path_titles_are_compared_as_the_site_shows_them(tmp_path, monkeypatch, title, said):
    """Two paths titled "First week" and "**First** week" were listed alike on the site, each shown as
    "First week", and check said nothing: it compared the titles as written."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    text = f"title: {json.dumps(title)}\naudience: a\nsteps:\n  - pattern: disk-full\n    why: w\n"
    write(tmp_path / "kb", "paths/week-one.yml", text)
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert res.exit_code == 0, res.output
    about = [line for line in res.output.splitlines() if line.startswith("kb/paths/week-one.yml:1: title: ")]
    if said is None:
        assert about == [], res.output
    else:
        assert len(about) == 1 and about[0].startswith(f"kb/paths/week-one.yml:1: title: warning: {said}"), res.output


@pytest.mark.parametrize(
    "title, path_title, warned",
    [
        # the site renders a pattern's title as a path's (its heading, the lists): each reads as the KB's title
        ("**Disk** full on a host", "**First** week", True),
        ("_Disk full_ on a  HOST", "_First  WEEK_", True),
        ("`Disk` full on a host", "`First` week", True),
        # a mark the site shows as written is part of the title: it reads apart, no warning
        ("Disk full on a host*", "First week*", False),
        ("Disk full on a host_", "First week_", False),
        ("Disk full on a \\*host\\*", "First \\*week\\*", False),
        ("`Disk*` full on a host", "`First*` week", False),
        ("`**Disk**` full on a host", "`**First**` week", False),  # emphasis in a code span is shown as written
    ],
)
def test_pattern_titles_are_compared_as_the_site_shows_them_as_path_titles_are(
    tmp_path, monkeypatch, title, path_title, warned
):
    """Pattern titles had a key of their own, Markdown marks stripped by hand: "Disk full on a host*" (the
    site shows the star) was called the title of disk-full, "Disk full on a host", though a path titled
    "First week*" was no copy of "First week". One key for both now, the text the site shows: a pattern's
    title and a path's with the same marks are warned of alike, each against the KB's own."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    write(tmp_path / "kb", "patterns/capacity/host-disk-full.md", pattern_text("host-disk-full", title=title))
    steps = "steps:\n  - pattern: disk-full\n    why: w\n"
    write(tmp_path / "kb", "paths/week-one.yml", f"title: {json.dumps(path_title)}\naudience: a\n{steps}")
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    mine = [line for line in lines if line.startswith("kb/patterns/capacity/host-disk-full.md:3: title: warning: ")]
    assert len(mine) == warned, res.output
    assert all(f"{title!r} is also the title of disk-full (kb/patterns/capacity/disk-full.md" in m for m in mine), (
        res.output
    )
    path_said = [line for line in lines if line.startswith("kb/paths/week-one.yml:1: title: warning: ")]
    assert len(path_said) == warned, res.output


def test_case_warnings_after_an_invalid_case_name_its_file_position(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    cases = (
        '- query: ""\n  expect: [disk-full]\n'
        "- query: Disk is full\n  expect: [disk-full]\n"
        "- query: disk is  FULL\n  expect: [dns-failure]\n"
        "- query: r\n  expect: [old-retired]\n"
    )
    write(tmp_path / "kb", "eval/cases.yml", cases)
    out = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"]).output
    assert "kb/eval/cases.yml:5: [2].query: warning: the same query as [1] (line 3)" in out, out
    assert "kb/eval/cases.yml:8: [3].expect: warning: 'old-retired' is retired" in out, out


def test_no_review_level_warning_while_severity_is_a_placeholder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    text = GOOD_INC.replace("patterns: [db-pool-exhausted]\n", "review: {level: none}\ntriage: [severity]\n")
    write(tmp_path / "kb", INC, text)
    out = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"]).output
    assert "needs triage" in out and "review.level" not in out, out
    write(tmp_path / "kb", INC, text.replace("triage: [severity]\n", ""))
    out = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"]).output
    assert f"kb/{INC}:6: review.level: warning: none, but sev2 asks for a full review within 10 days" in out, out


def test_the_valid_kb_has_no_problems(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--strict", "--stale-days", "0"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("OK: ")


def test_a_retired_successor_is_followed_to_the_pattern_in_use(tmp_path, monkeypatch):
    """superseded_by names the pattern(s) that replaced a retired one; a successor retired in turn is
    followed (x-broken -> old-retired -> disk-full), and such a chain is valid: no problem, even --strict."""
    from recur.kb.loader import load_kb

    monkeypatch.chdir(tmp_path)
    kb = small_kb(tmp_path / "kb")
    _apply(
        kb,
        {
            P: pattern(*front(extra=["status: retired", "superseded_by: [old-retired, dns-failure]"])),
            "patterns/deploys/old-retired.md": pattern_text(
                "old-retired", "deploys", status="retired", extra_front="superseded_by: disk-full"
            ),
        },
    )
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--strict", "--stale-days", "0"])
    assert res.exit_code == 0 and res.output.startswith("OK: "), res.output
    loaded = load_kb(kb)
    assert loaded.patterns["x-broken"].superseded_by == ["old-retired", "dns-failure"]
    assert loaded.successors("x-broken") == ["disk-full", "dns-failure"]  # in the order written
    assert loaded.successors("old-retired") == ["disk-full"] and loaded.successors("disk-full") == []


def test_a_successor_whose_file_has_errors_is_named_as_such_not_as_unknown(tmp_path, monkeypatch):
    """superseded_by naming a pattern whose file has errors: that file is left out of the KB, so the retired
    pattern leads to no page, and check said nothing of it at the retired pattern. It says so now, a
    warning beside the successor's own error, naming its file, and never "no pattern has id"."""
    monkeypatch.chdir(tmp_path)
    kb = small_kb(tmp_path / "kb")
    broken = pattern_text("new-dns", "network", severity="sev9")
    _apply(
        kb,
        {
            P: pattern(*front(extra=["status: retired", "superseded_by: new-dns"])),
            "patterns/network/new-dns.md": broken,
        },
    )
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert (
        f"kb/{P}:11: superseded_by: warning: 'new-dns' has errors in its file (kb/patterns/network/new-dns.md), "
        "so it is left out of the site and the index"
    ) in res.output, res.output
    assert "kb/patterns/network/new-dns.md:5: severity: unknown severity 'sev9'" in res.output
    assert "no pattern has id" not in res.output
    _apply(kb, {"patterns/network/new-dns.md": broken.replace("---\nid: new-dns\n", "---\nid: new-dns\ntitle: [x\n")})
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])  # its front matter does not parse
    assert "kb/patterns/network/new-dns.md:3: front matter: YAML does not parse" in res.output, res.output
    assert f"kb/{P}:11: superseded_by: warning: 'new-dns' has errors in its file" in res.output, res.output
    assert "no pattern has id" not in res.output


def test_installed_entry_point(tmp_path):
    """The console script, as an author runs it: same lines, exit 1, no traceback."""
    kb = small_kb(tmp_path / "kb")
    _apply(kb, {P: pattern(*front(category="network", severity="sev9"))})
    exe = Path(sys.executable).with_name("recur")
    res = subprocess.run([str(exe), "check", "--kb", "kb"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert f"kb/{P}:4: category: 'network' must equal the folder name 'capacity'" in res.stdout
    assert f"kb/{P}:5: severity: unknown severity 'sev9'" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr
    assert "2 errors" in res.stderr


@pytest.mark.parametrize(
    "where, message",
    [
        ("empty", "empty: not a knowledge base: it has no patterns/ folder (pass --kb DIR or set RECUR_KB)"),
        ("kb/patterns", "kb/patterns: not a knowledge base: it has no patterns/ folder; did you mean --kb kb?"),
        # a KB repository's root, whose KB is kb/: said "(pass --kb DIR or set RECUR_KB)" (found in review)
        (".", ".: not a knowledge base: it has no patterns/ folder; did you mean --kb kb?"),
        ("repo", "repo: not a knowledge base: it has no patterns/ folder; did you mean --kb repo/team-kb?"),
    ],
)
def test_a_folder_that_is_not_a_kb_is_refused(tmp_path, monkeypatch, where, message):
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    small_kb(tmp_path / "repo/team-kb")  # the one KB folder of a repository, by another name than kb/
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(cli, ["check", "--kb", where])
    assert res.exit_code == 1 and message in res.output and "OK" not in res.output


@pytest.mark.parametrize(
    "cwd, hint",
    [
        ("kb", "there is one at .: pass --kb ., or run recur from .."),
        ("kb/patterns/capacity", "there is one at ../..: pass --kb ../.., or run recur from ../../.."),
        ("docs", "there is one at ../kb: pass --kb ../kb, or run recur from .."),
    ],
)
def test_run_from_inside_the_kb_repository_says_where_the_kb_is(tmp_path, monkeypatch, cwd, hint):
    small_kb(tmp_path / "repo/kb")
    (tmp_path / "repo/docs").mkdir()
    monkeypatch.chdir(tmp_path / "repo" / cwd)
    for command in (["check"], ["eval"]):  # eval named the missing cases.yml instead of the KB
        res = CliRunner().invoke(cli, command)
        assert res.exit_code == 1 and f"knowledge base folder not found: kb; {hint}" in res.output, res.output


def test_a_stray_patterns_folder_above_is_not_taken_for_a_kb(tmp_path, monkeypatch):
    (tmp_path / "patterns").mkdir()  # no recur.yml or severity.yml: not a sign of a KB
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    res = CliRunner().invoke(cli, ["check"])
    assert res.exit_code == 1 and "knowledge base folder not found: kb (pass --kb DIR or set RECUR_KB)" in res.output


def test_a_pattern_whose_front_matter_does_not_parse_is_one_error_not_one_per_reference(tmp_path, monkeypatch):
    """Its id is its file name: the incident, path and case naming it got "no pattern has id" each."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    path = tmp_path / "kb/patterns/capacity/db-pool-exhausted.md"
    path.write_text(path.read_text().replace("title:", "title: [unclosed", 1))
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("kb/") and ": warning: " not in line]
    assert [e.split(":")[0] for e in errors] == ["kb/patterns/capacity/db-pool-exhausted.md"], res.output
    assert "no pattern has id" not in res.output


def test_a_step_word_line_is_named_only_outside_code_and_with_its_mark(tmp_path, monkeypatch):
    """The "Step 1: …" hint read a runbook's code block too (``Step 1: check`` in a script's echo was named as
    the step to write), and any line starting "Step 2" (``Step 2 of the deploy failed …`` was told "write it as
    '2. of the deploy failed'", and "Step １:" told "write it as '１. …'"): a line outside code whose ASCII number
    a mark follows is named; else the heading."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    said = "kb/" + P + ":{}: ## Runbook: must be a numbered list (1. first step, 2. next step, ...)"
    for runbook, line, hint in (
        ("Run this:\n\n```\nStep 1: check\ndf -h\n```", 15, ""),
        ("Step 2 of the deploy failed, so we rolled back.", 15, ""),
        ("Step \uff11: run df", 15, ""),  # a full-width digit: "\uff11. run df" is no step either
        (
            "```\nStep 1: check\n```\nStep 1) run `df -h`",
            19,
            ": 'Step 1) run `df -h`' is text, no step: write it as '1. run `df -h`'",
        ),
    ):
        write(tmp_path / "kb", P, pattern(*front(), body=RUNBOOK.format(runbook)))
        res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0"])
        about = [x for x in res.output.splitlines() if x.startswith(f"kb/{P}:")]
        assert about == [said.format(line) + hint], (runbook, res.output)
