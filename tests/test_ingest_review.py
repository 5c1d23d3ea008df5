"""Ingest on inputs as teams have them, found in a review (2026-12-02): HTML exports with a <p> in
every cell and list item, Jira wiki markup with a nested numbered list, Prometheus annotations with
their own if/end on a line, a postmortem too large to record, a second postmortem of the day saved at
the same path, an empty file, an escaped pipe in an action item. Our own texts."""

import json

from import_helpers import import_file as imp

from recur.ingest.action_items import parse_action_items
from recur.ingest.coverage import read_rules
from recur.ingest.pm_markup import html_to_markdown
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb

# Google Docs and Confluence put a <p> in every table cell and list item
GDOCS = """<h1>Ledger failover was slow</h1><h2>Summary</h2><p>Manual failover took 30 minutes on 2025-03-28.</p>
<h2>Action items</h2><table>
<tr><th><p>Action</p></th><th><p>Owner</p></th></tr>
<tr><td><p>Fix the replica lag check port</p></td><td><p>mia</p></td></tr>
<tr><td><p>Run a failover drill</p></td><td><p>raj</p></td></tr></table>
<h2>Lessons learned</h2><ul><li><p>The runbook named the old port</p><p>and nobody had tried it</p></li>
<li><p>Drills find this</p><ul><li><p>once a quarter</p></li></ul></li></ul>
<ol><li>unclosed item<li>another</ol><p>After the list.</p>"""


def test_paragraphs_in_html_cells_and_items_stay_on_their_row_and_item():
    md = html_to_markdown(GDOCS)
    assert "| Fix the replica lag check port | mia |\n| Run a failover drill | raj |" in md
    assert "- The runbook named the old port and nobody had tried it\n" in md
    assert "- Drills find this\n" in md and "   - once a quarter" in md
    assert "1. unclosed item\n1. another" in md and "\n\nAfter the list." in md
    pm = parse(GDOCS)
    assert [(a["title"], a["owner"]) for a in pm.action_items] == [
        ("Fix the replica lag check port", "mia"),
        ("Run a failover drill", "raj"),
    ]


JIRA = """h1. Kafka consumer lag on orders topic
*Date:* 2025-03-03
h2. Summary
Orders were delayed for two hours.
h2. Action items
||Action||Owner||Status||
|Raise session.timeout.ms to 30s|kim|DONE|
|Alert on the rebalance rate|lee|TODO|
h2. Timeline
# 10:00 rebalance starts
## consumers leave the group
# 12:00 recovered
"""


def test_jira_markup_with_a_nested_numbered_list_is_converted():
    # "## consumers leave the group" looked like a Markdown heading, and the page was left raw
    pm = parse(JIRA)
    assert pm.title == "Kafka consumer lag on orders topic" and str(pm.date) == "2025-03-03"
    assert list(pm.sections) == ["Summary", "Action items", "Timeline"] and len(pm.action_items) == 2
    assert "   1. consumers leave the group" in pm.sections["Timeline"]
    # Markdown with a stray "h2." line is still Markdown
    md = parse("# Disk full\n\n## Summary\nThe disk filled.\n\n## Impact\nWrites failed.\nh2. not a heading\n")
    assert list(md.sections) == ["Summary", "Impact"]


RULES_WITH_TEMPLATES = """groups:
  - name: kube
    rules:
      - alert: KubePodCrashLooping
        expr: rate(kube_pod_container_status_restarts_total[10m]) > 0
        annotations:
          description: |
            Pod {{ $labels.pod }} is restarting.
            {{ if gt $value 1.0 }}
            It restarts more than once per second.
            {{ end }}
      - alert: NodeFilesystemAlmostOutOfSpace
        expr: node_filesystem_avail_bytes < 1
        annotations:
          summary: >-
            {{ with query "up" }}
            {{ . | first | value }}
            {{ end }}
"""
HELM_CONTROL = """groups:
  - name: x
    rules:
{{ if true }}
      - alert: A
        expr: up == 0
{{ end }}
"""


def test_prometheus_templating_in_a_block_scalar_is_not_a_helm_template(tmp_path):
    (tmp_path / "kube.yml").write_text(RULES_WITH_TEMPLATES)
    (tmp_path / "chart.yml").write_text(HELM_CONTROL)  # an if alone on a line outside one still is
    (tmp_path / "latin1.yml").write_bytes(b"groups:\n- name: x\n  rules:\n  - alert: A\n    expr: caf\xe9\n")
    alerts, notes = read_rules(tmp_path)
    assert [a.name for a in alerts] == ["KubePodCrashLooping", "NodeFilesystemAlmostOutOfSpace"]
    assert f"{tmp_path / 'chart.yml'}:4: skipped: a Helm template (render it first: helm template ...)" in notes
    assert f"{tmp_path / 'latin1.yml'}:5: skipped: cannot be read as UTF-8 text" in notes  # the bad byte's line


def test_a_postmortem_too_large_to_record_is_refused_and_nothing_written(kb_dir, tmp_path):
    # each action item is in the front matter too: a 600 KB postmortem made a 1.4 MB record that
    # `recur check` refused and left out, and a second import wrote it again
    items = "".join(
        f"- [ ] Restore and verify bucket shard {n:05d} from the last good snapshot (owner: @ops)\n"
        for n in range(7000)
    )
    text = f"# Object store lost shards\n\nDate: 2025-03-03\nSeverity: sev2\n\n## Summary\nShards lost.\n\n## Action items\n{items}"
    before = sorted(p.name for p in (kb_dir / "incidents").rglob("*.md"))
    r = imp(kb_dir, tmp_path / "big.md", text)
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert "not written: the record would be" in r.output and "over the 1,048,576 a KB file may hold" in r.output
    assert sorted(p.name for p in (kb_dir / "incidents").rglob("*.md")) == before
    assert not load_kb(kb_dir).errors


DAY = "Date: 2026-04-02\nSeverity: sev3\n\n## Summary\n"


def test_a_second_postmortem_of_the_same_day_at_the_same_path_is_a_new_incident(kb_dir, tmp_path):
    path = tmp_path / "downloads" / "postmortem.md"
    first = json.loads(
        imp(
            kb_dir,
            path,
            f"# Checkout 502s after a gateway config push\n\n{DAY}Checkout answered 502s for 20 minutes after the push.\n",
            "--json",
        ).output
    )
    r = imp(
        kb_dir,
        path,
        f"# Nightly batch job filled the reporting disk\n\n{DAY}The reporting disk filled up overnight and reports failed.\n",
        "--json",
    )
    second = json.loads(r.output)
    assert second["already"] is None and second["incident"] != first["incident"], r.output  # was "already imported"
    # a corrected title (most of its words kept) on the same date is still the same document
    again = imp(
        kb_dir,
        path,
        f"# Nightly batch job filled the disk\n\n{DAY}The reporting disk filled up overnight and reports failed; fixed.\n",
        "--json",
    )
    assert json.loads(again.stdout)["already"]["incident"] == second["incident"] and again.exit_code == 3


def test_an_empty_postmortem_says_it_is_empty(kb_dir, tmp_path):
    r = imp(kb_dir, tmp_path / "empty.md", " \n\n")
    assert r.exit_code == 1 and f"{tmp_path / 'empty.md'}: is empty; nothing imported" in r.output


def test_an_escaped_pipe_in_an_action_item_cell_is_a_pipe():
    items = parse_action_items("| Action | Owner |\n|---|---|\n| Escape the \\| delimiter in the parser | kim |\n")
    assert [(i["title"], i["owner"]) for i in items] == [("Escape the | delimiter in the parser", "kim")]


def test_a_superscript_digit_in_the_front_matter_is_no_traceback(kb_dir, tmp_path):
    # "²".isdigit() is True and int("²") a ValueError: `recur import` ended in a traceback
    from recur.util.text import ascii_int

    text = '---\ntitle: Disk filled on the report host\ndate: 2025-03-03\nseverity: sev2\nduration minutes: "²"\n---\n'
    r = imp(kb_dir, tmp_path / "pm.md", text + "## Summary\nThe report host disk filled and jobs failed overnight.\n")
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    assert [ascii_int(t) for t in ("12", " 7 ", "²", "٣", "-1", "1.5", "")] == [12, 7, None, None, None, None, None]


def test_a_byline_date_is_not_the_incident_date():
    # "*Written by the platform team, 4 March 2025*" was taken as the incident's date (found in review)
    pm = parse(
        "# Queue backlog after the broker upgrade\n\n*Written by the platform team, 4 March 2025*\n\n"
        "## Summary\nOn 3 March 2025 the broker upgrade left consumers disconnected for an hour.\n"
    )
    assert str(pm.date) == "2025-03-03"


def test_the_authors_and_status_lines_are_kept_not_dropped(kb_dir, tmp_path):
    # the Google SRE template's Authors and Status lines were read and dropped without a word; the authors are
    # the record's ## People now (tests/test_import_people.py), so no note calls them not recorded
    text = (
        "# Cache stampede after the deploy\n\nDate: 2026-04-02\nSeverity: sev2\nAuthors: kim, lee\n"
        "Status: complete, action items in progress\n\n## Summary\nThe cache emptied and the database took every read.\n"
    )
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    # the one note naming them is the review owner's ("kim, lee" kept as one name: tests/test_import_owner_lists.py)
    dropped = [n for n in out["notes"] if "authors" in n.casefold() and not n.startswith("review owner ")]
    assert not dropped, out["notes"]
    record = (kb_dir / out["path"]).read_text()
    assert "## People\n- Authors: kim, lee" in record, record
    note = " ".join(out["notes"])
    # the Status line is the review's state, which the record holds (tests/test_import_review_status.py)
    assert "status:" not in note and out["review"]["status"] == "done"


def test_a_renamed_edited_copy_is_recorded_with_a_note(kb_dir, tmp_path):
    # "postmortem (1).md", a line added: another path and hash, recorded again without a word
    text = "# Cache stampede after the deploy\n\nDate: 2026-04-02\nSeverity: sev2\n\n## Summary\nThe cache emptied.\n"
    first = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    copy = json.loads(imp(kb_dir, tmp_path / "pm (1).md", text + "Reviewed on 2026-04-09.\n", "--json").output)
    assert copy["incident"] != first["incident"]
    assert any(n.startswith(f"{first['incident']} has the same title and date") for n in copy["notes"])


def test_a_file_name_that_is_not_utf8_is_named_as_the_problem(kb_dir, tmp_path):
    # "caf\xe9.md" was refused as "content is not valid UTF-8 … character 597": the name, not the content
    import os

    name = os.fsdecode(b"caf\xe9.md")
    r = imp(
        kb_dir,
        tmp_path / name,
        "# Cache stampede\n\nDate: 2026-04-02\nSeverity: sev2\n\n## Summary\nThe cache emptied.\n",
    )
    assert r.exit_code == 1 and "the file name is not valid UTF-8" in r.output, r.output
