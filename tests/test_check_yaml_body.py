"""A record whose front matter does not parse still has its body checked in the same `recur check` run:
the YAML error hid every section error of the file, and a new pattern author fixed a tab only to meet
"## Summary" and "## Runbook" errors on the next run (found in review). Checks that need what the front
matter says (a draft may leave out its root cause; which kind of record the file is) are not guessed.
Runs the real CLI in a subprocess on a small KB in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kbfactory import small_kb, write

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")
NAME = "patterns/capacity/kubelet-dir-full.md"

# a tab indents the tags item (line 10): the YAML does not parse
FRONT = """---
id: kubelet-dir-full
title: Kubernetes node NotReady from a full kubelet dir
category: capacity
severity: sev2
{status}symptoms:
  - node goes NotReady and pods are evicted
tags:
\t- kubernetes
---
"""
SLIPS = """
## Sumary
The kubelet's folder fills up and the node is marked NotReady.

## Steps to take
1. Clean /var/lib/kubelet

## Evidence to preserve
- df -h on the node
"""
GOOD = """
## Summary
The kubelet's folder fills up and the node is marked NotReady.

## Runbook
1. Clean /var/lib/kubelet

## Root cause
Images and logs are kept on the root disk.
"""


def check(kb: Path) -> tuple[int, list[str]]:
    """`recur check` on ``kb``: its exit code and the lines of its output."""
    r = subprocess.run(
        [sys.executable, "-m", "recur", "check", "--kb", str(kb), "--stale-days", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=kb.parent,
        env={**os.environ, "PYTHONPATH": TOOLS},
    )
    assert "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr
    return r.returncode, (r.stdout + r.stderr).splitlines()


def of(lines: list[str], name: str) -> list[str]:
    """The problem lines of file ``name`` (as the KB writes it), without the path before the line number."""
    return [line.split(f"{name}:", 1)[1] for line in lines if f"kb/{name}:" in line]


def line_of(text: str, start: str) -> int:
    """The number of the first line of ``text`` that starts with ``start``."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def test_a_yaml_error_and_the_bodys_errors_are_all_reported_in_one_run(tmp_path):
    kb = small_kb(tmp_path / "kb")
    text = FRONT.format(status="status: draft\n") + SLIPS
    write(kb, NAME, text)
    code, lines = check(kb)
    assert code == 1, lines
    said = of(lines, NAME)
    assert len(said) == 3, lines
    assert said[0].startswith(f"{line_of(text, chr(9))}: front matter: YAML does not parse") and "a tab" in said[0]
    summary = (
        f"{line_of(text, '## Sumary')}: ## Summary: required section is missing: write '## Sumary' as '## Summary'"
    )
    assert said[1] == summary, said
    runbook = (
        f"{line_of(text, '## Steps')}: ## Runbook: required section is missing: if '## Steps to take' is the runbook"
    )
    assert said[2].startswith(runbook), said
    # a draft may leave out its root cause: not said for a file whose status is written as draft
    assert not any("Root cause" in line for line in said), said
    # the file is left out of the KB as before: its four neighbours load, not it
    assert any("4 patterns" in line for line in lines), lines


def test_a_body_without_slips_adds_nothing_to_the_yaml_error(tmp_path):
    kb = small_kb(tmp_path / "kb")
    text = FRONT.format(status="") + GOOD
    write(kb, NAME, text)
    code, lines = check(kb)
    assert code == 1, lines
    said = of(lines, NAME)
    assert len(said) == 1 and said[0].startswith(f"{line_of(text, chr(9))}: front matter: YAML does not parse"), lines


def test_the_root_cause_is_required_only_when_the_written_status_says_so(tmp_path):
    """No status (active) or ``status: active``: a pattern without its root cause is an error after the
    YAML is fixed, so it is said now. A draft, or a status line that cannot be read for sure, is not."""
    kb = small_kb(tmp_path / "kb")
    body = GOOD.split("\n## Root cause")[0] + "\n"
    for status, said in (
        ("", True),
        ("status: active\n", True),
        ("status: 'draft'\n", False),
        ('status: "draft\n', False),  # an unclosed quote: what the status is once fixed is not known
    ):
        text = FRONT.format(status=status) + body
        write(kb, NAME, text)
        code, lines = check(kb)
        missing = [line for line in of(lines, NAME) if "## Root cause: required section is missing" in line]
        assert code == 1 and bool(missing) is said, (status, lines)
        if said:
            assert missing[0].startswith(f"{line_of(text, '1. Clean')}: "), missing  # the file's last line


def test_an_incident_with_a_yaml_error_has_its_summary_checked_too(tmp_path):
    kb = small_kb(tmp_path / "kb")
    name = "incidents/2026/INC-2026-0003.md"
    write(
        kb,
        name,
        "---\nid: INC-2026-0003\ntitle: Node NotReady\ndate: 2026-05-01\nseverity: sev2\n"
        "services:\n\t- checkout\n---\n\n## Sumary\nThe node's disk filled up.\n",
    )
    code, lines = check(kb)
    assert code == 1, lines
    said = of(lines, name)
    assert len(said) == 2, lines
    assert said[0].startswith("7: front matter: YAML does not parse"), said
    assert said[1] == "10: ## Summary: required section is missing: write '## Sumary' as '## Summary'", said


def test_a_record_of_the_other_kind_gets_no_section_errors_of_this_kind(tmp_path):
    """An incident (a date, no category or symptoms) written in patterns/ has no runbook: its YAML error
    alone, not "## Runbook: required section is missing" that would go once it is moved."""
    kb = small_kb(tmp_path / "kb")
    write(
        kb,
        NAME,
        "---\nid: kubelet-dir-full\ntitle: Node NotReady\ndate: 2026-05-01\nseverity: sev2\n"
        "services:\n\t- checkout\n---\n\n## Summary\nThe node's disk filled up.\n",
    )
    code, lines = check(kb)
    said = of(lines, NAME)
    assert code == 1 and len(said) == 1 and "YAML does not parse" in said[0], lines


def test_a_front_matter_left_unclosed_above_a_rule_is_said_so_and_its_sections_not_said_missing(tmp_path):
    """Without its closing '---', the front matter ran to a '---' rule further down: the YAML failed on the
    sections it swallowed, and only the text below the rule was checked, so "## Summary" and "## Root cause"
    were "required section is missing" though written (found in review). The YAML error says the close is
    missing, where the block runs to and the heading it holds; no section error comes with it."""
    kb = small_kb(tmp_path / "kb")
    text = FRONT.format(status="").replace("\t- kubernetes\n---\n", "  - kubernetes\n") + GOOD + "\n---\n\nMore.\n"
    write(kb, NAME, text)
    code, lines = check(kb)
    said = of(lines, NAME)
    assert code == 1 and len(said) == 1, lines
    rule, heading = text.split("\n").index("---", 1) + 1, line_of(text, "## Summary")  # the rule: the 2nd '---'
    assert ": front matter: YAML does not parse: " in said[0], said  # at the line PyYAML stopped on
    assert said[0].endswith(
        f"is the front matter's closing '---' missing? it runs to the '---' on line {rule} and holds "
        f"'## Summary' (line {heading}): write '---' above that heading"
    ), said
    # closed where it should be, the same file has no error at all (the rule is a rule again)
    write(kb, NAME, text.replace("  - kubernetes\n", "  - kubernetes\n---\n", 1))
    code, lines = check(kb)
    assert code == 0 and not [line for line in of(lines, NAME) if "warning:" not in line], lines
    assert any("5 patterns" in line for line in lines), lines


# a closed front matter, its sections written so that YAML reads them: a heading a comment, a line a key
PARSING_BODY = """
## Summary
Impact: the kubelet's folder fills up and the node is marked NotReady.

## Runbook
Step one: clean /var/lib/kubelet
"""


def test_a_front_matter_left_unclosed_whose_sections_parse_as_yaml_says_where_to_close_it(tmp_path):
    """Without its closing '---', the front matter ran to a '---' rule below, and the sections it swallowed
    parsed: "## Summary" a YAML comment, "Impact: ..." a key. Check named the keys as unknown and the sections
    as missing, and never said the front matter was not closed (found in review). One error, at the heading,
    saying to add '---' there; with a heading written right below the last key (a blank line after it) too."""
    kb = small_kb(tmp_path / "kb")
    closed = FRONT.format(status="").replace("\t- kubernetes", "  - kubernetes")
    open_text = closed.replace("  - kubernetes\n---\n", "  - kubernetes\n") + PARSING_BODY + "\n---\n\nMore.\n"
    for text in (open_text, open_text.replace("kubernetes\n\n## Summary", "kubernetes\n## Summary")):
        write(kb, NAME, text)
        code, lines = check(kb)
        said = of(lines, NAME)
        heading, rule = line_of(text, "## Summary"), text.split("\n").index("---", 1) + 1
        assert code == 1 and len(said) == 1, lines
        assert said[0] == (
            f"{heading}: front matter: front matter is not closed: add '---' on line {heading}, above '## Summary' "
            f"(without it, the front matter runs to the '---' on line {rule} and reads the sections above it as "
            "YAML; a YAML comment is written with one '#')"
        ), said
    # closed, the same sections are the body's: no error; a YAML comment among the keys is no heading
    commented = closed.replace("tags:\n", "## disk keys\ntags:\n")
    write(kb, NAME, commented + PARSING_BODY.replace("Step one:", "1.") + "\n## Root cause\nImages.\n")
    code, lines = check(kb)
    assert code == 0 and not [line for line in of(lines, NAME) if "warning:" not in line], lines


def test_long_runs_of_blanks_in_key_lines_are_read_in_linear_time(tmp_path):
    """A front matter that does not parse has its key lines read for the body's checks (the status): a lazy
    regex read one line of 80,000 blanks after a value in 27 s, the comment cut 7 s more, in any load_kb
    (found in review); at 200,000 blanks, minutes. The check's timeout is the hang guard, not a measure of
    speed (bench/pathological.py times it). What the status line says is read as before: after the blanks,
    a comment is cut ("active", so the root cause is required), other text is not ("active ... b", not
    plainly a status once the YAML is fixed, so it is not)."""
    kb = small_kb(tmp_path / "kb")
    gap = " " * 200_000
    body = GOOD.split("\n## Root cause")[0] + "\n"
    for status, said in ((f"active{gap}# the default", True), (f"active{gap}b", False)):
        text = FRONT.format(status=f"status: {status}\nnotes: a{gap}b\n") + body
        write(kb, NAME, text)
        code, lines = check(kb)  # its timeout is the hang guard
        problems = [line for line in of(lines, NAME) if "warning:" not in line]  # not "the file is 400,345 bytes"
        assert code == 1 and problems[0].startswith(f"{line_of(text, chr(9))}: front matter: YAML does not parse")
        missing = [line for line in problems if "## Root cause: required section is missing" in line]
        assert bool(missing) is said and len(problems) == 1 + said, (status[-12:], problems)
