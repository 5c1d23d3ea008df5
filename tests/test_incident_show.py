"""`recur show INC-…`, the terminal's handoff view of an incident record, and its --json (the incident object the
API and MCP share: retrieval.patterns.incident_object)."""

from __future__ import annotations

import json

from kbfactory import FENCED_LOG, FENCED_LOG_LINES

LOG_LINE = "[2026/12/06 13:02:03] [error] [storage] x: No space left on device"


def test_a_summary_pasted_from_a_log_keeps_its_brackets(run, kb_dir):
    """Found in review: `recur show` printed "2026/12/06 13:02:03] error] storage] x" for this summary, and
    its --json the same (util.text.plain took out every "[")."""
    args = ("incident", "new", "--no-input", "--no-suggest", "-t", "t", "-s", "sev4", "-d", "-", "--json")
    new = run(*args, input=LOG_LINE + "\n")
    assert new.exit_code == 0, new.output
    iid = json.loads(new.stdout)["id"]
    assert LOG_LINE in run("show", iid).stdout
    assert json.loads(run("show", iid, "--json").stdout)["summary"] == LOG_LINE
    # the text a suggestion's why quotes ("like the incident …"), the index's and the site box's alike
    from recur.kb.loader import load_kb

    assert load_kb(kb_dir).incidents[iid].text == f"t. {LOG_LINE}"


HANDOFF = """---
id: INC-2026-0217
title: fluent-bit crashloop on ingest nodes
date: 2026-03-06
severity: sev2
patterns: [disk-full]
duration_minutes: 47
review: {level: full, status: pending, due: 2026-03-16, owner: "Aylin Demir"}
flags:
  - "why did the PRB-087 cleanup not cover /var/fluent-bit?"
  - {text: "restored by deleting buffer chunks", status: done, note: "40 min of logs lost", done: 2026-03-07}
follow_ups:
  - {title: "Extend the tmpfiles cleanup", status: done, owner: team-platform, ticket: PRB-301, done: 2026-03-06}
  - {title: "Alert on inodes filling up", status: open, owner: team-observability}
  - {title: "Cap the buffer size", status: open, owner: "@lena-fischer", due: 2026-03-20}
  - {title: "Move the buffer to tmpfs", status: done, owner: Tom Becker, resolution: wont-do}
---

## Summary
fluent-bit crash-looped with No space left on device while df -h showed 41%.

## People
- Incident commander: Tom Becker

## Root cause
Elasticsearch rejected bulk writes; fluent-bit buffered one small file per chunk.
ext4 ran out of inodes at 41% bytes.

## Mitigations
- Deleted buffer chunks older than 30 minutes
- Throttled bulk ingest

## Timeline
| Time | Event |
| --- | --- |
| 12:40 | shard rebalance starts |
| 13:02 | pager fires |
| 13:42 | logs flowing again |

## Lessons learned
- df -h alone misled us.
- The runbook's df -i step found it.

## Action items
| Action item | Owner |
| --- | --- |
| Cap the buffer size | Lena Fischer |
"""


def _handoff(kb_dir):
    (kb_dir / "incidents/2026/INC-2026-0217.md").write_text(HANDOFF)


def test_show_gives_the_next_shift_the_follow_ups_flags_review_owner_and_sections(run, kb_dir, monkeypatch):
    """Found in a handoff review: `recur show INC-…` printed the title, review and summary alone: no follow-ups (nor
    their owners, due dates, tickets), no flags, not who holds the review, and of a postmortem's record not its root
    cause, timeline, mitigations or people."""
    _handoff(kb_dir)
    monkeypatch.setenv("RECUR_TODAY", "2026-03-22")
    out = run("show", "INC-2026-0217").stdout
    lines = out.splitlines()
    assert "duration: 47 min" in lines, out
    assert "review: full, pending, due 2026-03-16 (overdue 6 days), owner Aylin Demir" in lines, out
    # the open flag in full, the done one with its day and note
    flags = lines.index("Flags, to dig into (1 open of 2):")
    assert lines[flags + 1 : flags + 3] == [
        "  - why did the PRB-087 cleanup not cover /var/fluent-bit?",
        "  - done 2026-03-07: restored by deleting buffer chunks (40 min of logs lost)",
    ], out
    # the open follow-ups first (the soonest due first), then the closed ones
    head = lines.index("Follow-ups (2 open of 4):")
    assert lines[head + 1 : head + 5] == [
        "  - [open] Cap the buffer size · owner @lena-fischer · due 2026-03-20 (overdue 2 days)",
        "  - [open] Alert on inodes filling up · owner team-observability",
        "  - [done 2026-03-06] Extend the tmpfiles cleanup · owner team-platform · ticket PRB-301",
        "  - [won't do] Move the buffer to tmpfs · owner Tom Becker",
    ], out
    # the root cause, mitigations and people whole; the timeline by its count, first and last; others by a first entry
    cause = lines.index("Root cause:")
    assert lines[cause + 1 : cause + 3] == [
        "  Elasticsearch rejected bulk writes; fluent-bit buffered one small file per chunk.",
        "  ext4 ran out of inodes at 41% bytes.",
    ], out
    assert "  - Throttled bulk ingest" in lines and "  - Incident commander: Tom Becker" in lines, out
    assert "Timeline: 3 entries, first 12:40 shard rebalance starts … last 13:42 logs flowing again" in lines, out
    assert "Lessons learned: df -h alone misled us. (and 1 more)" in lines, out
    assert "Action items" not in out  # the follow-ups above are its items, as the record holds them


def test_show_json_adds_the_same_keys_and_mcp_lists_the_same_object(run, kb_dir, tmp_path):
    """`recur show INC-… --json` keeps its keys and adds the follow-ups, flags, duration and sections; MCP's
    past_incidents lists each incident as that one object (retrieval.patterns.incident_object)."""
    from test_mcp_review import calls

    from recur.retrieval.engine import Engine
    from recur.serve.mcp_server import build_server

    _handoff(kb_dir)
    doc = json.loads(run("show", "INC-2026-0217", "--json").stdout)
    assert list(doc)[:9] == ["id", "title", "date", "severity", "services", "patterns", "summary", "review", "path"]
    assert doc["review"]["owner"] == "Aylin Demir" and doc["duration_minutes"] == 47
    assert doc["follow_ups"][2] == {
        "title": "Cap the buffer size",
        "status": "open",
        "owner": "@lena-fischer",
        "due": "2026-03-20",
        "done": None,
        "ticket": None,
        "resolution": None,
    }
    assert doc["follow_ups"][3]["resolution"] == "wont-do"
    assert doc["flags"][1] == {
        "text": "restored by deleting buffer chunks",
        "status": "done",
        "note": "40 min of logs lost",
        "done": "2026-03-07",
    }
    assert list(doc["sections"]) == [
        "People",
        "Root cause",
        "Mitigations",
        "Timeline",
        "Lessons learned",
        "Action items",
    ]
    assert doc["sections"]["Mitigations"] == "- Deleted buffer chunks older than 30 minutes\n- Throttled bulk ingest"
    engine = Engine.open(kb_dir, tmp_path / "i", model="fake:64", quiet=True)
    ((err, out, _),) = calls(
        build_server(lambda: engine, stale_files=list), ("past_incidents", {"pattern_id": "disk-full"})
    )
    listed = next(i for i in out["incidents"] if i["id"] == "INC-2026-0217")
    # nothing cut and nothing left out: its sections and its lists are short
    assert not err and listed == {**doc, "cut_sections": {}, "left_out_sections": {}, "left_out_items": {}}


LEAD_AND_NOTE = """---
id: INC-2026-0218
title: Ingest stalled
date: 2026-03-06
severity: sev2
review: {level: full, status: pending, due: 2026-03-16}
---

## Summary
Ingest stalled.

## Timeline
All times UTC.

- 12:40 shard rebalance starts
- 13:02 pager fires, see [the alert](https://alerts.example/x)
- 13:42 logs `flowing` again

Times from the pager and chat.

## Notes \x1b]0;pwned\x07
- a note
"""


def test_show_counts_a_timeline_under_a_lead_sentence_and_escapes_headings(run, kb_dir, monkeypatch):
    """Found in a re-read: a timeline opening with "All times UTC." was one entry of prose, its first and last the
    same; a link or code marks were shown as written; a heading holding a terminal escape (a window title set)
    reached the terminal raw, as for_terminal escaped a dict's values but not its keys; and a pending review past
    its due day was not said to be overdue."""
    (kb_dir / "incidents/2026/INC-2026-0218.md").write_text(LEAD_AND_NOTE)
    monkeypatch.setenv("RECUR_TODAY", "2026-03-22")
    out = run("show", "INC-2026-0218").stdout
    lines = out.splitlines()
    assert "Timeline: 3 entries, first 12:40 shard rebalance starts … last 13:42 logs flowing again" in lines, out
    assert "\x1b" not in out and "\x07" not in out and "Notes \\x1b]0;pwned\\x07:" in out, out
    assert "review: full, pending, due 2026-03-16 (overdue 6 days), no owner recorded" in lines, out


def test_show_a_review_of_level_none_misses_no_owner(run, kb_dir, monkeypatch):
    text = LEAD_AND_NOTE.replace("{level: full, status: pending, due: 2026-03-16}", "{level: none, status: pending}")
    (kb_dir / "incidents/2026/INC-2026-0218.md").write_text(text.replace("severity: sev2", "severity: sev4"))
    monkeypatch.setenv("RECUR_TODAY", "2026-03-22")
    out = run("show", "INC-2026-0218").stdout
    assert "review: none, pending" in out.splitlines(), out


PASTED_LOG = f"""---
id: INC-2026-0219
title: fluent-bit crashloop
date: 2026-03-06
severity: sev2
---

## Summary
fluent-bit crash-looped on the ingest nodes,
see [the alert](https://alerts.example/x). The log said:

{FENCED_LOG}

df -h showed `41%` used;
it was the inodes.
"""

PASTED_LINES = [
    "fluent-bit crash-looped on the ingest nodes, see the alert. The log said:",
    "",
    *FENCED_LOG_LINES,
    "",
    "df -h showed 41% used; it was the inodes.",
]


def test_a_summary_with_a_pasted_log_keeps_the_log_lines(run, kb_dir):
    """Found in a handoff review: a Summary holding a fenced block (a pasted log) printed as one line, the log's
    entries run together, and its --json the same. The block's lines are kept as written (indented, its fences
    and language word out), the prose on one line as before (the terminal wraps it, a link as its label)."""
    (kb_dir / "incidents/2026/INC-2026-0219.md").write_text(PASTED_LOG)
    lines = run("show", "INC-2026-0219").stdout.splitlines()
    at = lines.index(PASTED_LINES[0])
    assert lines[at : at + len(PASTED_LINES)] == PASTED_LINES, lines
    assert json.loads(run("show", "INC-2026-0219", "--json").stdout)["summary"] == "\n".join(PASTED_LINES)


def _long_postmortem(n: int, root_cause: str) -> str:
    rows = "\n".join(f"| 13:{m:02d} | step {m} of the recovery, as the chat logged it |" for m in range(60))
    return f"""---
id: INC-2026-03{n:02d}
title: Ingest stalled {n}
date: 2026-03-{n:02d}
severity: sev2
patterns: [disk-full]
---

## Summary
Ingest stalled {n}.

## Root cause
{root_cause}

## Timeline
| Time | Event |
| --- | --- |
{rows}
"""


def test_mcp_past_incidents_cuts_long_sections_and_says_so(run, kb_dir, tmp_path, monkeypatch):
    """MCP's past_incidents carried each listed incident's sections whole: twenty imported postmortems were some
    240 KB (60,000 tokens) of an assistant's context, one record with a day's log pasted in 900 KB alone
    (bench/mcp_incident_size.py). Each summary and section is cut at RECUR_MCP_SECTION_CHARS (fewer when many
    are listed), at a line's end, marked with what prints it whole, and named in cut_sections with its length."""
    from test_mcp_review import calls

    from recur.retrieval.engine import Engine
    from recur.serve.mcp_server import build_server

    cause = "Elasticsearch rejected bulk writes. " * 5  # 180 characters: never cut
    for n in range(1, 31):
        (kb_dir / f"incidents/2026/INC-2026-03{n:02d}.md").write_text(_long_postmortem(n, cause))
    whole = json.loads(run("show", "INC-2026-0330", "--json").stdout)["sections"]["Timeline"]
    engine = Engine.open(kb_dir, tmp_path / "i", model="fake:64", quiet=True)
    server = build_server(lambda: engine, stale_files=list)
    asked = [("past_incidents", {"pattern_id": "disk-full", "limit": k}) for k in (1, 30)]
    ((e1, one, text1), (e30, many, text30)) = calls(server, *asked)
    assert not e1 and not e30
    newest = one["incidents"][0]
    assert one["section_chars"] == 1000 and newest["cut_sections"] == {"Timeline": len(whole)}, newest
    kept, marker = newest["sections"]["Timeline"].rsplit("\n\n", 1)
    assert whole.startswith(kept + "\n") and len(kept) <= 1000 and kept.endswith("|"), kept  # whole rows
    assert (
        marker
        == f"[… cut: {len(kept):,} of {len(whole):,} characters shown; `recur show INC-2026-0330` prints it whole]"
    )
    assert newest["sections"]["Root cause"] == cause.strip() and newest["summary"] == "Ingest stalled 30."
    assert "Sections over 1,000 characters are cut (cut_sections names them" in text1
    assert one["sections_note"].startswith(
        "Sections over 1,000 characters are cut (cut_sections names them): `recur show"
    )
    # thirty listed share the answer's characters: each section cut shorter than 1,000, none under 200
    assert 200 <= many["section_chars"] < 1000 and "Sections over" in text30
    assert all(len(i["sections"]["Timeline"]) <= many["section_chars"] for i in many["incidents"])
    monkeypatch.setenv("RECUR_MCP_SECTION_CHARS", "0")  # no limit: as before, every section whole
    ((_, none, text0), (_, all_whole, _)) = calls(server, *asked)
    assert none["incidents"][0]["sections"]["Timeline"] == whole and none["section_chars"] == 0
    assert none["incidents"][0]["cut_sections"] == {} and "Sections over" not in text0
    assert "sections_note" not in none  # nothing cut, nothing said
    assert len(json.dumps(many)) * 3 < len(json.dumps(all_whole))


def test_a_cut_inside_a_fenced_log_closes_the_fence_before_its_marker():
    """Found in a re-read: a section cut inside a fenced block (a pasted log) ended with the block still open, so
    the marker saying it was cut was read as one more log line, and the section's Markdown never closed its
    fence. The block is closed as it was opened (its marker and indentation), the marker after it, outside."""
    from recur.kb.parse import FENCE_LINE, fence_step
    from recur.retrieval.patterns import cut_sections

    log = "\n".join(f"2026-03-06T13:{m:02d}:00Z ERROR ingest write failed chunk={m}" for m in range(60))
    sections = {
        "Timeline": f"The log:\n\n```text\n{log}\n```\n\nAfter the log.",
        "Detection": f"- an item:\n  ~~~~\n  {log}\n  ~~~~",
        "Root cause": "```\nbrief\n```\n" + "Words after the block, " * 40,  # cut past the block: no fence added
    }
    doc = {"id": "INC-2026-0950", "summary": "Short.", "sections": sections}
    cut = cut_sections(doc, 300)
    assert set(cut["cut_sections"]) == set(sections)
    for name, closer in (("Timeline", "```"), ("Detection", "  ~~~~"), ("Root cause", None)):
        *kept, blank, marker = cut["sections"][name].split("\n")
        assert blank == "" and marker.startswith("[… cut: ") and marker.endswith("prints it whole]"), marker
        opened = None
        for line in kept:
            m = FENCE_LINE.match(line)
            opened = fence_step(opened, m.group(1), m.group(2))[0] if m else opened
        assert opened is None, (name, kept)  # the marker is outside any block
        if closer:
            assert kept[-1] == closer and sections[name].startswith("\n".join(kept[:-1]) + "\n"), (name, kept)
            shown = len("\n".join(kept[:-1]))  # the characters of the section shown, not the fence added
            assert marker.startswith(f"[… cut: {shown} of {len(sections[name]):,} characters shown"), marker
        else:
            assert sections[name].startswith("\n".join(kept)), kept


def test_a_cut_sections_marker_is_a_paragraph_of_its_own_within_the_limit():
    """Found in a re-read: the marker line right after a table row or a list item was read as one more row or more
    words of the item, and its ~90 characters came on top of the limit (at limit 100 of MCP's past_incidents, 312 KB
    in all). A blank line before it now, the marker and a closing fence counted in the limit."""
    from recur.retrieval.patterns import cut_sections

    rows = "\n".join(f"| 13:{m:02d} | step {m} of the recovery |" for m in range(40))
    sections = {
        "Timeline": f"| Time | Event |\n| --- | --- |\n{rows}",
        "Lessons learned": "\n".join(f"- lesson {k}: alert on inodes, not only on bytes" for k in range(20)),
        "Root cause": "Bulk writes were rejected and the buffers grew. " * 20,
        "Detection": "```\n" + "\n".join(f"13:{m:02d} ERROR write failed" for m in range(40)) + "\n```",
    }
    doc = {"id": "INC-2026-0951", "summary": "Words of a summary. " * 30, "sections": sections}
    for limit in (200, 400):
        cut = cut_sections(doc, limit)
        for name, text in [("Summary", cut["summary"]), *cut["sections"].items()]:
            kept, marker = text.split("\n\n[… cut: ")
            assert len(text) <= limit and kept and "\n" not in marker, (name, limit, text)
        assert cut["sections"]["Timeline"].split("\n\n")[0].endswith("recovery |")
        assert cut["sections"]["Lessons learned"].split("\n\n")[0].endswith("only on bytes")
        assert cut["sections"]["Detection"].split("\n\n")[0].endswith("\n```")


def test_an_incident_recorded_with_an_id_of_its_own_is_shown_by_it(run):
    """Found by fuzzing the CLI's flags: `recur incident new --id INC-9` (or `db-outage.2026`, `inc-2026-0001`)
    wrote a record `recur check` passes and `recur incident review INC-9` finds, but `recur show INC-9` said
    "no pattern with id 'inc-9'" (an id that is no INC-YYYY-NNNN was looked up as a pattern's only), and
    `recur show inc-2026-0001` looked for INC-2026-0001 alone. (An id of another record's in other letter case, the
    KB's INC-2026-0001 as inc-2026-0001, is refused since: a case twin is one file on a Windows checkout.)"""
    for own in ("INC-9", "db-outage.2026", "inc-2026-0777"):
        args = ("incident", "new", "--no-input", "--no-suggest", "-t", f"t {own}", "-s", "sev4", "-d", "x", "--id", own)
        assert run(*args).exit_code == 0
        shown = run("show", own, "--json")
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout)["id"] == own and json.loads(shown.stdout)["title"] == f"t {own}"
        assert f"t {own}" in run("show", own).stdout
    twin = run("incident", "new", "--no-input", "--no-suggest", "-t", "t", "-s", "sev4", "-d", "x", "--id", "inc-9")
    assert twin.exit_code != 0 and "INC-9" in twin.output, twin.output
    unknown = run("show", "db-outage.2027")  # neither a pattern nor an incident: the pattern's error, as before
    assert unknown.exit_code != 0 and "no pattern with id 'db-outage.2027'" in unknown.output


def test_an_id_too_long_for_a_file_name_is_refused_naming_the_flag(run, kb_dir):
    """Found by fuzzing: `recur incident new --id` (and `recur new incident --id`) of 300 characters failed at the
    write, "incidents/2026/xxx….md: cannot write the file there: File name too long", naming no flag. The id
    is the file's name: over 200 characters it is refused before anything is written; 200 is recorded."""
    before = sorted((kb_dir / "incidents").rglob("*.md"))
    for command in (("incident", "new", "--no-suggest", "-d", "x"), ("new", "incident", "--summary", "x")):
        refused = run(*command, "--no-input", "-t", "t", "-s", "sev4", "--id", "x" * 300)
        assert refused.exit_code == 2, refused.output
        assert "'--id': 300 characters long; the limit is 200" in refused.output and "Traceback" not in refused.output
    assert sorted((kb_dir / "incidents").rglob("*.md")) == before
    written = run(
        "incident", "new", "--no-suggest", "--no-input", "-t", "t", "-s", "sev4", "-d", "x", "--id", "y" * 200
    )
    assert written.exit_code == 0, written.output
    assert run("check", "-q").exit_code == 0 and json.loads(run("show", "y" * 200, "--json").stdout)["title"] == "t"


def test_an_incidents_file_or_id_where_a_pattern_is_asked_for_is_said_to_be_an_incident(
    run, kb_dir, tmp_path, monkeypatch
):
    """Found in an MCP review: an incident's id or file where a pattern is asked for (`recur show` of its file, as
    answers print it; GET /api/patterns/INC-…, which problem_report's ids lead to) said "no pattern with id
    'inc-2026-0001'", the id lowered. Each says it is an incident record, its file, and `recur show ID` (with this
    run's --kb in the terminal, as an onboarding path's `recur paths ID`)."""
    import httpx
    from serve_util import fake_app, running

    said = "'INC-2026-0001' is an incident record (incidents/2026/INC-2026-0001.md), not a pattern: recur show "
    monkeypatch.delenv("RECUR_KB")  # the KB named by --kb alone, which the command to copy then names
    shown = run("show", "--kb", str(kb_dir), "incidents/2026/INC-2026-0001.md")
    assert shown.exit_code != 0 and f"Error: {said}--kb {kb_dir} INC-2026-0001\n" in shown.output, shown.output
    with running(fake_app(kb_dir, tmp_path)) as base:
        r = httpx.get(base + "/api/patterns/INC-2026-0001")
    assert r.status_code == 404 and r.json()["error"] == {
        "code": "pattern_not_found",
        "message": said + "INC-2026-0001",
    }


def test_an_incident_of_its_own_id_is_shown_in_any_letter_case_and_named_as_recorded(run, kb_dir, tmp_path):
    """Found in a re-read: `recur show pay-482` of a record `--id PAY-482` wrote was "no pattern with id 'pay-482'",
    `recur show INC-2026-0050` of one `--id inc-2026-0050` wrote "no incident", and GET /api/patterns/pay-482
    "no pattern" too (only numbered ids were told as incidents, and named upper-cased). Each is found in any letter
    case, one whose file has errors said to have them, and the API names the record's id as recorded."""
    import httpx
    from serve_util import fake_app, running

    for iid in ("PAY-482", "inc-2026-0050"):
        made = run("incident", "new", "--id", iid, "-t", f"Outage {iid}", "-s", "sev2", "-d", "x", "--no-suggest")
        assert made.exit_code == 0, made.output
    for given, iid in (("pay-482", "PAY-482"), ("INC-2026-0050", "inc-2026-0050")):
        shown = run("show", given, "--json")
        assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == iid, shown.output
    (kb_dir / "incidents/2026/PAY-999.md").write_text(
        "---\nid: PAY-999\ntitle: T\ndate: 2026-05-01\nseverity: sevX\n---\n\n## Summary\nS\n"
    )
    broken = run("show", "pay-999")
    assert broken.exit_code != 0 and "PAY-999 has errors recur check reports (" in broken.output, broken.output
    with running(fake_app(kb_dir, tmp_path)) as base:
        said = [
            httpx.get(base + f"/api/patterns/{given}").json()["error"]["message"]
            for given in ("pay-482", "INC-2026-0050")
        ]
    assert said == [
        "'PAY-482' is an incident record (incidents/2026/PAY-482.md), not a pattern: recur show PAY-482",
        "'inc-2026-0050' is an incident record (incidents/2026/inc-2026-0050.md), not a pattern: recur show inc-2026-0050",
    ]
