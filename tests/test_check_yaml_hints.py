"""Hints for YAML mistakes a first-time pattern author makes, whose parser message names no fix: a
backslash in double quotes (a regex's \\d, a Windows path) and a tab right after a list item's dash.
Found by a reviewer writing a first pattern.
In-process load_kb on a small KB in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbfactory import pattern_text, write

from recur.kb.loader import load_kb
from recur.kb.parse import ParseError, load_yaml

BODY = "\n## Summary\nx.\n\n## Runbook\n1. Run `kubectl argo rollouts promote checkout`.\n\n## Root cause\ny.\n"


def errors(tmp_path: Path, front: str) -> dict:
    """{line: message} of the errors of one pattern file with this front matter (its lines from line 2)."""
    root = tmp_path / "kb"
    write(root, "patterns/capacity/d.md", pattern_text("d"))
    write(root, "patterns/deploys/canary-stuck.md", "---\n" + front + "---\n" + BODY)
    kb = load_kb(root)
    return {p.line: p.message for p in kb.errors}


ESCAPES = """id: canary-stuck
title: Canary stuck
category: deploys
severity: sev3
symptoms:
  - deploy never finishes
signals:
  - "cannot open C:\\deploy\\canary.lock"
  - "timed out after \\d+ms"
---
""".replace("---\n", "")


def test_a_backslash_in_double_quotes_is_named_with_both_fixes(tmp_path):
    found = errors(tmp_path, ESCAPES)
    assert found[9] == (
        "YAML does not parse: found unknown escape character (column 20: \\d and \\c in a double-quoted "
        "value are no YAML escapes: put the value in single quotes, where a backslash is itself ('cannot open "
        'C:\\deploy\\canary.lock\'), or write the backslash twice ("cannot open C:\\\\deploy\\\\canary.lock"))'
    )
    # the next line's is said in the same run, not once line 9 is fixed
    assert found[10] == (
        "YAML does not parse: \\d in a double-quoted value is no YAML escape: put the value in single quotes, "
        "where a backslash is itself ('timed out after \\d+ms'), or write the backslash twice "
        '("timed out after \\\\d+ms")'
    )
    assert sorted(found) == [9, 10]


def test_a_backslash_on_a_quoted_values_next_line_is_said_in_the_same_run(tmp_path):
    # found in review: "\d+ms" on the second line of a double-quoted value was said only once line 9 was fixed
    front = ESCAPES.replace('  - "timed out after \\d+ms"\n', '  - "timed out after\n    \\d+ms"\n  -\tdeploy stuck\n')
    found = errors(tmp_path, front)
    assert found[11] == (
        "YAML does not parse: \\d in a double-quoted value is no YAML escape: put the value in single quotes, "
        "where a backslash is itself, or write the backslash twice, \\\\d"
    ), found
    assert sorted(found) == [9, 11, 12], found  # line 12: its tab, the quote closed


@pytest.mark.parametrize(
    "value", ['"cannot open C:\\deploy\\canary.lock"', '"it\'s after \\d+ms"', '"^ERROR \\[(\\w+)\\] \\s*$"']
)
def test_each_form_offered_reads_as_the_text_meant(value):
    with pytest.raises(ParseError) as exc:
        load_yaml(f"- {value}\n")
    meant = value[1:-1]  # what the author meant: each backslash itself
    offered = exc.value.message.split("itself (", 1)[1].rsplit(", or write the backslash twice (", 1)
    single, twice = offered[0][:-1], offered[1][:-2]
    assert load_yaml(f"- {single}\n").data == [meant] == load_yaml(f"- {twice}\n").data


def test_a_value_with_a_known_escape_is_offered_the_doubled_form_only(tmp_path):
    # \x27 is a quote in double quotes, and four characters in single ones
    found = errors(
        tmp_path, ESCAPES.replace("cannot open", "can\\x27t open").replace('  - "timed out after \\d+ms"\n', "")
    )
    assert found[9].endswith(
        "put the value in single quotes, where a backslash is itself, or write the backslash twice "
        '("can\\x27t open C:\\\\deploy\\\\canary.lock"))'
    )


def test_no_escape_hint_where_none_is_wrong(tmp_path):
    # written twice, in single quotes, in a plain value, after a comment, at a line's end: all read
    written = [
        '  - "timed out after \\\\d+ms"',
        "  - 'timed out after \\d+ms'",
        '  - timed out "after \\d+ms"',
        '  - ok # "\\d"',
        '  - "a line \\',
        '    run on"',
    ]
    front = ESCAPES.replace(
        '  - "cannot open C:\\deploy\\canary.lock"\n  - "timed out after \\d+ms"\n', "\n".join(written) + "\n"
    )
    assert errors(tmp_path, front) == {}


TAB = ESCAPES.replace('  - "cannot open C:\\deploy\\canary.lock"\n  - "timed out after \\d+ms"\n', "  - CanaryStuck\n")


def test_a_tab_after_a_list_dash_is_named():
    # an editor shows the tab as the spaces it stands for; YAML said only "cannot start any token"
    with pytest.raises(ParseError) as exc:
        load_yaml("symptoms:\n  -\tpayments slow\n", 1)
    assert exc.value.line == 3
    assert exc.value.message == (
        "YAML does not parse: found character that cannot start any token (a tab after the list item's dash: "
        "YAML takes a space there, '- ' and the text)"
    )


def test_a_tab_after_a_dash_on_another_line_is_said_in_the_same_run(tmp_path):
    front = TAB.replace("  - deploy never finishes", "  -\tdeploy never finishes").replace(
        "  - CanaryStuck", "  -\tCanaryStuck"
    )
    found = errors(tmp_path, front)
    assert sorted(found) == [7, 9]
    assert all("a tab after the list item's dash" in m for m in found.values()), found
    # a tab inside a value, or after a dash of text, is no slip
    assert errors(tmp_path, TAB.replace("deploy never finishes", "deploy\tnever -\tfinishes")) == {}
