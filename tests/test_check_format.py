"""`recur check --format json|github`: the same problems and exit status as the text lines, for a
script or an editor (one JSON document on stdout) and for a pull request (GitHub Actions workflow
commands, shown as annotations at the file's line)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli
from recur.kb.check import github_command
from recur.util.errors import Problem

BROKEN = "patterns/capacity/broken.md"
NO_SIGNALS = "patterns/capacity/no-signals.md"
# a key missing from the front matter: said at its start (line 1), with what to write
REQUIRED = "is required: add symptoms: [<what a responder sees, in their words>] to the front matter"


@pytest.fixture(autouse=True)
def _no_workspace(monkeypatch):
    """A test run inside GitHub Actions has GITHUB_WORKSPACE set: the paths would be read from there; and
    GITHUB_STEP_SUMMARY: the tests' summaries would be written to the real run's."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def run(*args, kb="kb"):
    r = CliRunner().invoke(cli, ["check", "--kb", kb, "--stale-days", "0", *map(str, args)])
    assert "Traceback" not in r.output and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
    return r


def _kb(root: Path, *, error: bool = True) -> Path:
    """The small KB with a warning (a pattern with no signals), and an error (a pattern with no symptoms)."""
    kb = small_kb(root)
    write(kb, NO_SIGNALS, pattern_text("no-signals", title="No signals"))
    if error:
        write(
            kb,
            BROKEN,
            pattern_text("broken", title="Broken", symptoms=(), signals=("BrokenAlert",)).replace(
                "symptoms: []", "symptoms: 5"
            ),
        )
    return kb


def test_json_is_one_document_with_the_problems_and_their_counts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _kb(Path("kb"))
    text = run()
    r = run("--format", "json")
    assert r.exit_code == text.exit_code == 1
    doc = json.loads(r.stdout)  # stdout alone: the summary line stays on stderr, as in text
    # "format" (the document's version) was added last: the keys before it kept their order
    assert list(doc) == ["ok", "errors", "warnings", "notices", "problems", "format"]
    assert doc["format"] == 1
    assert (doc["ok"], doc["errors"], doc["warnings"], doc["notices"]) == (False, 1, 1, 0)
    assert doc["problems"] == [
        {
            "file": f"kb/{BROKEN}",
            "line": 1,
            "field": "symptoms",
            "message": REQUIRED,
            "level": "error",
            "fails_strict": True,
        },
        {
            "file": f"kb/{NO_SIGNALS}",
            "line": 6,
            "field": "signals",
            "message": "pattern has no signals: add the exact alert names, log lines or error codes a responder "
            "will paste",
            "level": "warning",
            "fails_strict": True,
        },
    ]
    # each problem is the text line's: path:line: field: [level: ]message
    lines = [
        f"{p['file']}:{p['line']}: {p['field']}: {'' if p['level'] == 'error' else p['level'] + ': '}{p['message']}"
        for p in doc["problems"]
    ]
    assert text.stdout.splitlines() == lines
    assert "1 error, 1 warning, 0 notices in kb" in r.stderr


def test_json_ok_and_exit_status_follow_strict(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kb = _kb(Path("kb"), error=False)
    r = run("--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["ok"] is True
    r = run("--format", "json", "--strict")
    assert r.exit_code == 1 and json.loads(r.stdout)["ok"] is False, r.output
    assert "Failing because of --strict." in r.stderr
    # a key of the team's own is a warning --strict never fails on, in JSON too
    (kb / NO_SIGNALS).unlink()
    write(kb, NO_SIGNALS, pattern_text("no-signals", signals=("E42",), extra_front="owner_team: sre\n"))
    r = run("--format", "json", "--strict")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0 and doc["ok"] is True and doc["warnings"] == 1, r.output


def test_json_quiet_leaves_out_notices_and_the_summary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _kb(Path("kb"), error=False)
    stale = ("--stale-days", "1", "--today", "2030-01-01")
    r = CliRunner().invoke(cli, ["check", "--kb", "kb", "--format", "json", *stale])
    doc = json.loads(r.stdout)
    assert doc["notices"] >= 1 and "notice" in {p["level"] for p in doc["problems"]}
    r = CliRunner().invoke(cli, ["check", "--kb", "kb", "--format", "json", "-q", *stale])
    doc = json.loads(r.stdout)
    assert r.exit_code == 0 and r.stderr == ""
    assert doc["notices"] == 0 and [p["level"] for p in doc["problems"]] == ["warning"]


def test_github_annotations_name_the_file_from_the_repository_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _kb(Path("kb"))
    r = run("--format", "github")
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        f"::error file=kb/{BROKEN},line=1,title=symptoms::{REQUIRED}",
        f"::warning file=kb/{NO_SIGNALS},line=6,title=signals::pattern has no signals: add the exact alert "
        "names, log lines or error codes a responder will paste",
    ]
    assert "1 error, 1 warning" in r.stderr
    assert run("--format", "github", "--strict").exit_code == 1
    # a step run in the KB folder (working-directory: kb): the file is still named from the checkout
    monkeypatch.chdir(tmp_path / "kb")
    r = run("--format", "github", kb=".")
    assert f"::error file={BROKEN},line=1," in r.stdout  # as shown: there is no workspace to read from
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    r = run("--format", "github", kb=".")
    assert f"::error file=kb/{BROKEN},line=1,title=symptoms::{REQUIRED}" in r.stdout, r.stdout


def test_github_escapes_what_would_end_the_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kb = _kb(Path("kb"), error=False)
    # a file name with a comma and a colon, and a message with a percent sign, from a real KB
    write(kb, "patterns/capacity/odd,name:1.md", "---\nid: x\ntitle: [unclosed\n---\n")
    write(kb, "patterns/capacity/pct.md", pattern_text("pct", signals=("E1",), related=("100%",)))
    out = run("--format", "github").stdout.splitlines()
    odd = [line for line in out if "odd" in line]
    assert odd and odd[0].startswith("::error file=kb/patterns/capacity/odd%2Cname%3A1.md,line=3,"), out
    pct = [line for line in out if "pct.md" in line and line.startswith("::error")]
    assert pct and "not '100%25'" in pct[0] and "100%'" not in pct[0], pct  # the percent sign escaped
    # a newline or a carriage return in a message would end the command; a colon or a comma in a
    # property would start another (GitHub's "workflow commands": the runner reads them back)
    p = Problem("kb/a,b:c.md", 3, "distinguish[0].from: x,y", "line one,\r\nline two: 50% done", "warning")
    assert github_command(p) == (
        "::warning file=kb/a%2Cb%3Ac.md,line=3,title=distinguish[0].from%3A x%2Cy::line one,%0D%0Aline two: 50%25 done"
    )
    assert github_command(Problem("kb", 0, "file", "x")) == "::error file=kb,title=file::x"  # no line: none said


def test_similar_warnings_are_problems_in_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kb = small_kb(Path("kb"))
    src = (kb / "patterns/capacity/disk-full.md").read_text()
    write(
        kb,
        "patterns/capacity/disk-full-again.md",
        src.replace("id: disk-full", "id: disk-full-again").replace("related: [db-pool-exhausted]", ""),
    )
    changed = "kb/patterns/capacity/disk-full-again.md"
    args = ("--similar", "--index", "idx", "--model", "fake:64", "--format", "json", changed)
    r = run(*args)
    doc = json.loads(r.stdout)
    dup = [p for p in doc["problems"] if p["message"].startswith("looks like a duplicate of disk-full")]
    assert dup and dup[0]["file"] == changed and dup[0]["level"] == "warning", doc
    assert r.exit_code == 0 and doc["ok"] is True
    r = run("--strict", *args)
    assert r.exit_code == 1 and json.loads(r.stdout)["ok"] is False


def test_an_unknown_format_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _kb(Path("kb"))
    r = run("--format", "xml")
    assert r.exit_code == 2
    assert "Invalid value for '--format': 'xml' is not one of 'text', 'json', 'github'" in r.stderr
    assert r.stdout == ""


def test_a_check_that_cannot_run_prints_no_document(tmp_path, monkeypatch):
    """A named file that is not there is no problem of the KB: the usual error line, nothing on stdout for
    a script to take for a (half-written) document."""
    monkeypatch.chdir(tmp_path)
    _kb(Path("kb"))
    for fmt in ("json", "github"):
        r = run("--format", fmt, "nofile.md")
        assert r.exit_code == 1 and r.stdout == "" and "Error: nofile.md: no such file" in r.stderr, r.output


def test_github_lists_what_it_cannot_annotate_in_the_job_summary(tmp_path, monkeypatch):
    """GitHub annotates 10 problems of each level of a step and drops the rest without a word: with more,
    errors come first, the first 10 of a level are annotations and the rest plain lines (the log shows a
    dropped command's message only), every problem goes to the job summary (GITHUB_STEP_SUMMARY, appended
    to), and a last annotation says how many have none and where they all are."""
    monkeypatch.chdir(tmp_path)
    kb = _kb(Path("kb"))
    for n in range(11):  # 12 warnings (no signals) and two errors, one after the warnings in the KB's order
        # a symptom of its own each: one they all had would be 11 more warnings (a symptom another pattern has)
        text = pattern_text(f"quiet-{n}", title=f"Quiet {n}", symptoms=(f"quiet {n} hangs",))
        write(kb, f"patterns/capacity/quiet-{n}.md", text)
    write(
        kb,
        "patterns/capacity/z-broken.md",
        pattern_text("z-broken", symptoms=(), signals=("ZBrokenAlert",)).replace("symptoms: []", "symptoms: 5"),
    )
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step output\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = run("--format", "github")
    out = r.stdout.splitlines()
    assert r.exit_code == 1 and len(out) == 15, out
    assert out[0] == f"::error file=kb/{BROKEN},line=1,title=symptoms::{REQUIRED}"
    assert out[1].startswith("::error file=kb/patterns/capacity/z-broken.md,line=1,")
    assert all(line.startswith("::warning file=kb/patterns/capacity/") for line in out[2:12]), out
    assert all(line.startswith("kb/patterns/capacity/") and ": signals: warning: " in line for line in out[12:14])
    assert len({re.search(r"quiet-\d+|no-signals", line).group() for line in out[2:14]}) == 12  # each once
    assert out[-1] == (
        "::notice title=recur check::2 of 14 problems have no annotation (GitHub annotates at most 10 errors, "
        "10 warnings and 10 notices of a step): the job summary lists them all with their files"
    )
    text = summary.read_text()
    assert text.startswith("earlier step output\n### recur check: 2 errors, 12 warnings, 0 notices\n")
    assert "2 of these 14 are not annotated" in text
    rows = [line for line in text.splitlines() if line.startswith(("| error", "| warning"))]
    assert rows[0] == f"| error | kb/{BROKEN} | 1 | symptoms | {html.escape(REQUIRED, quote=False)} |"
    assert len(rows) == 14 and all("| kb/patterns/capacity/" in row for row in rows)
    # without the runner's file: the last annotation says where they are
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert run("--format", "github").stdout.splitlines()[-1].endswith(": the step's log lists them with their files")
    # as many as GitHub annotates: nothing more is said or written, in the problems' own order
    for n in range(2):
        (kb / f"patterns/capacity/quiet-{n}.md").unlink()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    before = summary.read_text()
    r = run("--format", "github")
    out = r.stdout.splitlines()
    assert len(out) == 12 and all(line.startswith("::") for line in out) and summary.read_text() == before
    assert out[-1].startswith("::error file=kb/patterns/capacity/z-broken.md,"), out


def test_the_job_summary_stays_under_what_github_keeps(tmp_path, monkeypatch):
    """GitHub aborts a step summary over 1 MiB and shows none of it: a 1,000-pattern KB wrote 14.2 MB (found
    in a scale review), and the table of what had no annotation was lost. It is cut to about 1,000,000 bytes
    with what was there before it, errors first, then warnings, and says how many rows it left out."""
    monkeypatch.chdir(tmp_path)
    kb = _kb(Path("kb"), error=False)  # one warning: a pattern with no signals
    ids = [f"a-pattern-nobody-has-written-yet-number-{n:05d}" for n in range(7000)]
    related = "related:\n" + "".join(f"  - {pid}\n" for pid in ids)  # an error each: no pattern has that id
    write(kb, "patterns/capacity/zz-many.md", pattern_text("zz-many", title="Many", extra_front=related.rstrip()))
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step output\n" * 5000)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    doc = json.loads(run("--format", "json").stdout)
    assert doc["errors"] == 7000 and doc["warnings"] >= 1, doc["warnings"]
    r = run("--format", "github")
    assert r.exit_code == 1 and len(r.stdout.splitlines()) == len(doc["problems"]) + 1, r.stdout[-500:]
    total = len(summary.read_bytes())
    assert 900_000 < total <= 1_000_000, total
    text = summary.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]  # the table's head left out
    assert 3000 < len(rows) < 7000 and all(
        row.startswith("| error | kb/patterns/capacity/zz-many.md |") for row in rows
    )
    left = len(doc["problems"]) - len(rows)  # the warnings come after every error, so among those left out
    assert text.rstrip("\n").endswith(
        f"{left:,} more not shown (the summary is cut at 1,000,000 bytes): run `recur check` locally to list them all"
    )
    assert r.stdout.splitlines()[-1].endswith(
        f"the job summary lists {len(rows):,} of them, errors first, and the step's log those with no annotation"
    ), r.stdout.splitlines()[-1]


def test_a_job_summary_already_full_is_left_as_it_is_and_the_notice_says_so(tmp_path, monkeypatch):
    """Found in review: with the file filled by the step's earlier commands, the heading and "N more not
    shown" were still appended, past the budget (GitHub then shows none of the summary)."""
    from recur.kb.check import SUMMARY_BYTES

    monkeypatch.chdir(tmp_path)
    kb = _kb(Path("kb"))
    for n in range(11):  # 12 warnings and an error: more than GitHub annotates
        text = pattern_text(f"quiet-{n}", title=f"Quiet {n}", symptoms=(f"quiet {n} hangs",))
        write(kb, f"patterns/capacity/quiet-{n}.md", text)
    summary = tmp_path / "summary.md"
    earlier = "x" * (SUMMARY_BYTES - 300) + "\n"  # room for less than the heading (about 330 bytes)
    summary.write_text(earlier)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = run("--format", "github")
    assert r.exit_code == 1 and summary.read_text() == earlier
    assert r.stdout.splitlines()[-1].endswith(
        f"the job summary is full (the step's earlier commands wrote {len(earlier):,} of the {SUMMARY_BYTES:,} "
        "bytes it may hold), so the step's log lists them with their files"
    ), r.stdout.splitlines()[-1]
    summary.write_text("x" * (SUMMARY_BYTES - 700) + "\n")  # room for the heading and a row or two: written
    r = run("--format", "github")
    size = len(summary.read_bytes())
    assert SUMMARY_BYTES - 700 < size <= SUMMARY_BYTES and "### recur check:" in summary.read_text(), size
    assert "errors first, and the step's log those with no annotation" in r.stdout.splitlines()[-1]


def test_github_keeps_a_notice_free_for_saying_how_many_have_no_annotation():
    """The last notice is one of the 10 GitHub annotates: with more problems than it annotates, 9 notices
    are annotations, so the one that says so is never the one dropped."""
    from recur.kb.check import github_annotated

    def problems(level, n):
        return [Problem(f"kb/{level}-{i}.md", 1, "f", "m", level) for i in range(n)]

    notices, warnings = problems("notice", 10), problems("warning", 3)
    assert github_annotated(notices + warnings) == (notices + warnings, [])  # 10 of a level: all annotated
    annotated, rest = github_annotated(notices + warnings + problems("error", 11))
    assert [p.level for p in annotated] == ["error"] * 10 + ["warning"] * 3 + ["notice"] * 9
    assert [(p.level, p.path) for p in rest] == [("error", "kb/error-10.md"), ("notice", "kb/notice-9.md")]


def test_the_job_summary_keeps_each_problem_on_its_row():
    from recur.kb.check import github_summary_rows

    text = github_summary_rows([Problem("kb/a|b.md", 0, "cases", "a | b\nc <pattern id> & d", "notice")], 0)[0]
    assert "| notice | kb/a\\|b.md |  | cases | a \\| b c &lt;pattern id&gt; &amp; d |" in text.splitlines()


def test_github_variables_are_read_through_config_and_never_a_misspelt_recur_ones_meaning(monkeypatch):
    """GITHUB_STEP_SUMMARY is in the one config table; a RECUR_ variable is never said to be meant as a
    RECUR_GITHUB_... one, which no setting is."""
    from recur import config

    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "/tmp/x.md")
    assert config.get("github_step_summary") == "/tmp/x.md"
    monkeypatch.setenv("RECUR_GITHUB_STEP_SUMARY", "x")
    assert config.unknown_variables() == [("RECUR_GITHUB_STEP_SUMARY", None)]


FORGED = '"k\\n::error file=x,line=1::FORGED": 1\n"b\\e]0;title\\a\\x9b31m\\r::stop-commands::tok": 2\n'


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_no_format_prints_a_line_the_kbs_content_forged(tmp_path, monkeypatch, fmt):
    """Found in a security review: a quoted YAML key "k\\n::error file=x,line=1::FORGED" was printed with its
    newline, so a line of `recur check`'s output began "::error" (GitHub Actions runs it as a workflow command:
    a forged annotation, or ::stop-commands:: to hide the real ones), in text and in --format github; an escape
    sequence (ESC ] 0; set the terminal's title) went to the terminal raw. Every control character but a tab
    is printed escaped now: one line per problem, each line the reporter's own, in every format."""
    monkeypatch.chdir(tmp_path)
    kb = _kb(Path("kb"), error=False)
    page = kb / "patterns/capacity/disk-full.md"
    page.write_text(page.read_text().replace("\n---", "\n" + FORGED.rstrip("\n") + "\n---", 1))
    write(kb, "patterns/capacity/bad\n::error file=y::NAMED\x07.md", "no front matter\n")
    r = run("--format", fmt)
    out = r.stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), repr(out)  # nothing raw but tab and newline
    lines = out.splitlines()
    if fmt == "json":
        doc = json.loads(out)  # the values read back as they were: JSON's own escapes
        fields = {p["field"] for p in doc["problems"]}
        assert "k\n::error file=x,line=1::FORGED" in fields, fields
        assert any(p["file"].endswith("bad\n::error file=y::NAMED\x07.md") for p in doc["problems"]), doc
        return
    commands = [line for line in lines if line.startswith("::")]
    if fmt == "text":
        assert commands == [], lines
        assert any("k\\x0a::error file=x,line=1::FORGED" in line for line in lines), lines
    else:  # each problem is one command of the reporter's: none begins with what the KB wrote
        assert len(commands) == len(lines) and not any(c.startswith(("::error file=x", "::stop")) for c in commands)
        assert any("title=k%0A%3A%3Aerror file=x%2Cline=1%3A%3AFORGED::" in c for c in commands), commands
    assert any("\\x1b]0;title\\x07" in line for line in lines), lines
    assert len(lines) == 4, lines  # the two keys, the bad file, and the pattern it leaves without a related one


def test_json_is_format_json_and_both_given_is_a_usage_error(tmp_path):
    """Found in review: most commands print JSON with --json, check only with --format json; --json is its alias,
    the same document and exit status, and with --format too a usage error (which was meant is not guessed)."""
    kb = small_kb(tmp_path / "kb")
    write(kb, BROKEN, "---\nid: broken\n---\n")
    runner = CliRunner()
    spelled = runner.invoke(cli, ["check", "--kb", str(kb), "--format", "json"])
    alias = runner.invoke(cli, ["check", "--kb", str(kb), "--json"])
    assert alias.exit_code == spelled.exit_code == 1
    assert json.loads(alias.stdout) == json.loads(spelled.stdout) and not json.loads(alias.stdout)["ok"]
    for fmt in ("github", "text", "json"):
        both = runner.invoke(cli, ["check", "--kb", str(kb), "--json", "--format", fmt])
        assert both.exit_code == 2 and f"--json and --format {fmt} were both given" in both.output, both.output


def test_changed_files_problems_are_annotated_first_and_the_rest_still_listed(tmp_path, monkeypatch):
    """Found in review: a pull request's own notice was pushed out of the annotations by the KB's other ones
    (GitHub annotates 10 of each level of a step; the starter KB has 14 notices). --changed FILE lists that
    file's problems first, so they are annotated; the whole KB is still checked, every problem shown, listed
    in the job summary and counted, the exit status the same."""
    monkeypatch.chdir(tmp_path)
    kb = _kb(Path("kb"), error=False)
    for n in range(11):  # 12 warnings (no signals): 10 annotated, 2 plain lines
        text = pattern_text(f"quiet-{n}", title=f"Quiet {n}", symptoms=(f"quiet {n} hangs",))
        write(kb, f"patterns/capacity/quiet-{n}.md", text)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    plain = run("--format", "github", "--strict")
    left = [ln for ln in plain.stdout.splitlines() if ln.startswith("kb/patterns/")]
    assert plain.exit_code == 1 and len(left) == 2, plain.stdout
    mine = left[-1].split(":", 1)[0]  # the file of a warning GitHub was not given as an annotation
    summary.unlink()
    r = run("--format", "github", "--strict", "--changed", mine)
    out = r.stdout.splitlines()
    assert r.exit_code == plain.exit_code and len(out) == len(plain.stdout.splitlines())
    assert out[0].startswith(f"::warning file={mine},"), out  # was a plain line, unannotated
    assert sum(ln.startswith("::warning ") for ln in out) == 10  # another is a plain line now
    assert not [ln for ln in out if ln.startswith(mine)], out
    rows = [ln for ln in summary.read_text().splitlines() if ln.startswith("| warning")]
    assert len(rows) == 12 and rows[0].startswith(f"| warning | {mine} |"), rows
    assert "12 warnings, 0 notices in kb (16 patterns" in r.stderr, r.stderr
    assert "loaded); 1 of them in the 1 changed file, listed first\nFailing because of --strict." in r.stderr
    # text lines too, and with FILES
    r = run("--changed", mine, "kb/patterns/capacity")
    assert r.stdout.splitlines()[0].startswith(f"{mine}:"), r.stdout
    # a --changed file that is not a KB file is said on stderr and left out: an order to list problems in
    # never fails the check (CI passes what a change touches; make splits a file name with a space); one
    # outside the KB was told FILES' advice, "not in the knowledge base kb; name files under it (or pass --kb)"
    for wrong, said in (("kb/patterns/gone.md", "no such file"), ("summary.md", "not a KB file (left out")):
        r = run("--format", "github", "--strict", "--changed", wrong, "--changed", mine)
        assert r.exit_code == plain.exit_code and r.stdout.splitlines() == out, r.stdout
        assert f"recur check: --changed {wrong}: {said}" in r.stderr and "(left out; the check goes on)" in r.stderr
        assert "pass --kb" not in r.stderr and "name files" not in r.stderr, r.stderr
        assert "1 of them in the 1 changed file, listed first" in r.stderr, r.stderr
    r = run("--changed", "kb/patterns/gone.md")
    assert r.exit_code == 0 and "changed file" not in r.stderr and "no such file" in r.stderr, r.stderr


def test_json_says_which_warnings_strict_fails_on(tmp_path):
    """Found in review: `check --strict`'s last line counts the warnings it fails on ("23 of the 43"), and the
    JSON document gave a script no way to tell them apart but the message's words."""
    kb = small_kb(tmp_path / "kb")
    p = kb / "patterns/capacity/disk-full.md"
    p.write_text(p.read_text().replace("\n---\n", "\nlast_reviewed: 2025-01-01\n---\n", 1))
    write(kb, "patterns/network/long-one.md", pattern_text("long-one", "network", title="Long " * 30))
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--today", "2026-12-05", "--strict", "--format", "json"])
    doc = json.loads(r.stdout)
    said = {(Path(x["file"]).name, x["field"]): x["fails_strict"] for x in doc["problems"]}
    assert r.exit_code == 1 and said[("disk-full.md", "last_reviewed")] is False, doc
    assert said[("long-one.md", "title")] is True, doc
