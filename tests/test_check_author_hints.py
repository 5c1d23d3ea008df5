"""`recur check` as a new pattern author meets it: a value written as a block where a list goes, a runbook
under a name of the team's own, a quote inside a quoted title, a date written another way and a title
as long as a paragraph. Each is one `path:line: field: message` line that names the fix, in every
output format (found by a reviewer writing a first pattern)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import small_kb

from recur.cli.main import cli
from recur.kb.lint import TITLE_LONGEST

POOL = "patterns/capacity/db-pool-exhausted.md"
SYMPTOMS = 'symptoms:\n  - "requests hang waiting for a database connection"\n  - "too many clients"\n'


def run(*args):
    r = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0", *args])
    assert "Traceback" not in r.output and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
    return r


def _edit(old: str, new: str) -> Path:
    """The small KB in the working directory (made once), with ``old`` in its pool pattern written as ``new``."""
    if not Path("kb").exists():
        small_kb(Path("kb"))
    path = Path("kb", POOL)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def _offered_lines(message: str) -> list[str]:
    """The '- item' lines a "must be a list" message offers, as the file would have them."""
    found = re.search(r"or as (.*) lines\)$|write it as (.*) lines\)$", message)
    return re.findall(r"'(- .*?)'(?=, '- | ?$)", (found.group(1) or found.group(2)) + " ")


@pytest.mark.parametrize(
    "written, items",
    [
        # a | block of two lines: one item per line, the one with ", " and ": " quoted
        (
            "symptoms: |\n  requests hang, waiting: for a db\n  too many clients\n",
            ['- "requests hang, waiting: for a db"', "- too many clients"],
        ),
        # a > block: YAML joins its lines, the items are still the lines as written (not split at commas)
        (
            "symptoms: >\n  requests hang, waiting for a db\n  too many clients\n",
            ["- requests hang, waiting for a db", "- too many clients"],
        ),
        # a paragraph on one line: its sentences, not its commas
        (
            "symptoms: Requests hang, waiting for a db. Too many clients are open.\n",
            ["- Requests hang, waiting for a db.", "- Too many clients are open."],
        ),
    ],
    ids=["literal-block", "folded-block", "paragraph"],
)
def test_text_where_a_list_goes_is_one_line_offering_items_that_read_back(tmp_path, monkeypatch, written, items):
    monkeypatch.chdir(tmp_path)
    path = _edit(SYMPTOMS, written)
    text = run()
    assert text.exit_code == 1
    assert text.stdout.splitlines() == [line for line in text.stdout.splitlines() if line.startswith("kb/")]
    (line,) = [ln for ln in text.stdout.splitlines() if ln.startswith(f"kb/{POOL}:6: symptoms: must be a list")]
    offered = _offered_lines(line)
    assert offered == items, line
    # "[a, b]" is offered only when YAML reads it as the items: ", " and ": " in one would split it
    assert ("[" in line.split(" (write it as ", 1)[1][:1]) == (", " not in "".join(offered)), line
    # the items offered, written in the file, are a valid list of as many symptoms
    path.write_text(path.read_text().replace(written, "symptoms:\n" + "".join(f"  {o}\n" for o in offered)))
    fixed = run()
    assert fixed.exit_code == 0, fixed.output


@pytest.mark.parametrize("form", ["json", "github"])
def test_a_block_where_a_list_goes_has_no_line_break_in_any_format(tmp_path, monkeypatch, form):
    monkeypatch.chdir(tmp_path)
    _edit(SYMPTOMS, "symptoms: |\n  requests hang\n  too many clients\n")
    r = run("--format", form)
    assert r.exit_code == 1
    if form == "json":
        (problem,) = json.loads(r.stdout)["problems"]
        assert problem["line"] == 6 and "\n" not in problem["message"], problem
        assert "'- requests hang', '- too many clients' lines" in problem["message"]
    else:
        (command,) = r.stdout.splitlines()
        assert command.startswith(f"::error file=kb/{POOL},line=6,title=symptoms::must be a list, and a | block")
        assert "%0A" not in command and command.endswith("'- requests hang', '- too many clients' lines)")


def test_a_comma_list_of_names_is_still_split_at_its_commas(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _edit("related: [disk-full]\n", "related: [disk-full]\ntags: db, yes, pool\n")
    line = next(ln for ln in run().stdout.splitlines() if ": tags: " in ln)
    # YAML reads a bare yes as true: no [...] form, and that item quoted
    assert line.endswith("tags: must be a list (write it as '- db', '- \"yes\"', '- pool' lines)"), line


@pytest.mark.parametrize("heading", ["Mitigation", "Remediation", "Steps", "Fix", "Response", "What we do"])
def test_a_runbook_under_another_name_is_pointed_at(tmp_path, monkeypatch, heading):
    """ "## Mitigation" was "## Runbook: required section is missing" at the file's last line, no hint. A
    heading of another name is pointed at when it is a name teams give a runbook, or it holds a list."""
    monkeypatch.chdir(tmp_path)
    path = _edit("## Runbook\n", f"## {heading}\n")
    line = path.read_text().split("\n").index(f"## {heading}") + 1
    r = run()
    assert r.exit_code == 1
    assert (
        f"kb/{POOL}:{line}: ## Runbook: required section is missing: if '## {heading}' is the runbook, "
        "write it as '## Runbook'"
    ) in r.stdout.splitlines(), r.stdout


def test_a_heading_with_no_list_and_another_name_is_not_taken_for_the_runbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _edit("## Runbook\n1. Run `kubectl get pods -n prod` and look for restarts.\n", "## Notes\nSome prose.\n")
    last = path.read_text().rstrip("\n").count("\n") + 1
    assert f"kb/{POOL}:{last}: ## Runbook: required section is missing" in run().stdout.splitlines()


@pytest.mark.parametrize(
    "old, new, said, fixed",
    [
        (
            'title: "Database connection pool exhausted"',
            'title: "Terraform "state lock" held"',
            '3: title: YAML does not parse: the " inside this quoted value ends it early: use single quotes '
            'outside (or write each " inside as \\"), \'Terraform "state lock" held\'',
            "title: 'Terraform \"state lock\" held'",
        ),
        (
            '  - "too many clients"',
            "  - 'the pool's full'",
            "8: symptoms[1]: YAML does not parse: the ' inside this quoted value ends it early: write each ' "
            "inside as '' or use double quotes outside, \"the pool's full\"",
            '  - "the pool\'s full"',
        ),
    ],
    ids=["double-in-double", "single-in-single"],
)
def test_a_quote_inside_a_quoted_value_is_said_with_a_form_that_parses(tmp_path, monkeypatch, old, new, said, fixed):
    """It was "YAML does not parse: did not find expected key", which named neither the quote nor a fix."""
    monkeypatch.chdir(tmp_path)
    path = _edit(old, new)
    r = run()
    assert r.exit_code == 1 and f"kb/{POOL}:{said}" in r.stdout.splitlines(), r.stdout
    assert said.endswith(fixed.split(": ", 1)[-1].lstrip(" -"))  # the form offered, written in the file
    path.write_text(path.read_text().replace(new, fixed))
    assert run().exit_code == 0


@pytest.mark.parametrize(
    "written, hint",
    [
        (
            "2026-13-05",
            "; there is no month 13: a date is year-month-day, YYYY-MM-DD (or 2026-05-13, if the day came first)",
        ),
        ("Dec 5 2026", "; write it as 2026-12-05 (year-month-day)"),
        ("5 December 2026", "; write it as 2026-12-05 (year-month-day)"),
        ("2026-02-30", "; February 2026 has no day 30: a date is year-month-day, YYYY-MM-DD"),
    ],
)
def test_a_date_written_another_way_is_told_the_form(tmp_path, monkeypatch, written, hint):
    monkeypatch.chdir(tmp_path)
    _edit("category: capacity\n", f"category: capacity\ncreated: {written}\n")
    expected = f"kb/{POOL}:5: created: must be a date like 2026-01-31, not {written!r}{hint}"
    assert expected in run().stdout.splitlines()


def test_a_title_longer_than_a_list_reads_well_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    longest = "x" * TITLE_LONGEST
    _edit('title: "Database connection pool exhausted"', f"title: {longest}")
    assert run().exit_code == 0 and ": title: " not in run().stdout  # at the limit: nothing said
    _edit(f"title: {longest}", f"title: {longest}y")
    r = run()
    assert r.exit_code == 0
    assert (
        f"kb/{POOL}:3: title: warning: is {TITLE_LONGEST + 1} characters: titles are read in lists, so keep it to "
        f"{TITLE_LONGEST} or fewer (the symptom in a few words) and put the rest in the summary"
    ) in r.stdout.splitlines()
    assert run("--strict").exit_code == 1
