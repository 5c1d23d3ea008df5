"""A signal written as a regular expression is a `recur check` warning at its line, naming `signals[i]`.

Signals are matched as literal text (retrieval.search._signal_match: the signal's normalised text inside
the query's), so "KafkaConsumerLag(High|Critical)" was found in neither alert's text and `recur suggest`
fell back to meaning (medium) where the literal name was an exact, high match; `check` and `--strict`
said nothing (found by a pattern author writing first patterns). Real log text has brackets, pipes,
carets and dollars of its own, so both sides are tested: what must warn and what must not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import small_kb, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.util.text import normalise_signal

ROOT = Path(__file__).resolve().parents[1]
LAG = "kb/patterns/queues/kafka-lag.md"

# (signal, what the warning names, the construct's text as written)
REGEXES = [
    ("KafkaConsumerLag(High|Critical)", "alternatives", "(High|Critical)"),
    ("Member consumer-\\d+ sending LeaveGroup .* poll timeout", "a character class", "\\d"),
    ("Member consumer-1 sending LeaveGroup .* poll timeout", "any text", ".*"),
    ("(a+)+$", "a nested quantifier", "(a+)+"),
    ("request timed out$", "a trailing anchor", "$"),
    ("^ERROR: connection refused", "a leading anchor", "^"),
    (".*", "a wildcard", ".*"),
    ("*", "a wildcard", "*"),
    ("retries exhausted.+", "any text", ".+"),
    ("user [0-9]+ logged in", "a character class", "[0-9]"),
    ("\\bOOMKilled\\b", "a character class", "\\b"),
    ("(?:read|write) failed", "alternatives", "(?:read|write)"),
]
# real log and alert text with the same characters: none of it is warned of
LITERALS = [
    "worker exited (pid 1234)",
    "[ERROR] disk full on /var",
    "$HOME is not set",
    "^C received, shutting down",  # a control key as a terminal shows it (a bare "^C" can never match: too short)
    "^[[A pressed",
    "ipmitool sel list: Power Unit | AC lost",
    "a|b in a log line",
    "Connecting to database...",
    "C++ exception thrown",
    "*.log rotated",
    "price over budget by 5$",
    "[root@db1 ~]$",
    "postgres@db1:~$",
    "deploy@web1:/var/www$",  # a prompt with a path: its "$" after a letter is the prompt's too
    "ci@build-3:~/app$",
    "C:\\data\\backup failed",
    "[2026-01-02] job started",
    "socket.gaierror: [Errno -3] Temporary failure",
    "flood stage disk watermark [95%] exceeded",
    "(install/upgrade/rollback) in progress",
    "java.util.regex.Pattern$Loop.match",
    'count(up{job=~".*"} == 0) by (job)',  # a PromQL matcher's regex: the rule's own text, copied whole
    '{app="api"} |~ "timeout.*upstream"',  # and a LogQL line filter's
]


def _check(tmp_path, monkeypatch, signals, *args):
    tmp_path.mkdir(exist_ok=True)
    monkeypatch.chdir(tmp_path)
    small_kb(Path("kb"))
    write_pattern(Path("kb"), "kafka-lag", "queues", title="Kafka consumer lag", signals=tuple(signals))
    r = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0", *args])
    assert "Traceback" not in r.output, r.output
    return r


def _signal_lines(output: str) -> list[str]:
    return [ln for ln in output.splitlines() if ln.startswith(f"{LAG}:") and ": signals[" in ln]


@pytest.mark.parametrize("signal, what, text", REGEXES, ids=[s for s, _, _ in REGEXES])
def test_a_regex_signal_is_a_warning_at_its_line_naming_the_construct(tmp_path, monkeypatch, signal, what, text):
    r = _check(tmp_path, monkeypatch, ["a literal first signal line", signal])
    (line,) = _signal_lines(r.stdout)
    # line 9 is the first signal's (kbfactory's front matter: id ... symptoms, its one item, signals:)
    assert line.startswith(f"{LAG}:10: signals[1]: warning: looks like a regular expression ("), line
    assert f"{what} '{text}'" in line, line
    assert "matched as literal text" in line and "paste the exact text from the alert or log" in line, line
    assert "list each variant as a signal of its own" in line, line
    assert r.exit_code == 0, r.output  # a warning: check passes ...
    strict = _check(tmp_path / "again", monkeypatch, ["a literal first signal line", signal], "--strict")
    assert strict.exit_code == 1 and _signal_lines(strict.stdout) == [line], strict.output  # ... --strict fails


def test_log_text_with_brackets_pipes_carets_and_dollars_is_not_warned_of(tmp_path, monkeypatch):
    r = _check(tmp_path, monkeypatch, LITERALS, "--strict")
    assert _signal_lines(r.stdout) == [], r.stdout
    assert r.exit_code == 0, r.output


def test_a_digit_class_says_numbers_are_masked_already(tmp_path, monkeypatch):
    r = _check(tmp_path, monkeypatch, ["Member consumer-\\d+ sending LeaveGroup .* poll timeout"])
    (line,) = _signal_lines(r.stdout)
    # both constructs named, in the order written
    assert "(a character class '\\d'; any text '.*')" in line, line
    assert "numbers are masked, so 'consumer-1' matches 'consumer-42'" in line, line
    # which is what matching does: the advice holds
    assert normalise_signal("Member consumer-1 sending") == normalise_signal("MEMBER consumer-42  sending")
    other = _check(tmp_path / "again", monkeypatch, ["KafkaConsumerLag(High|Critical)"])
    assert "numbers are masked" not in _signal_lines(other.stdout)[0]


def test_following_the_advice_leaves_no_warning(tmp_path, monkeypatch):
    """The variants listed as signals of their own, the exact text pasted: clean under --strict."""
    fixed = ["KafkaConsumerLagHigh", "KafkaConsumerLagCritical", "Member consumer-1 sending LeaveGroup"]
    r = _check(tmp_path, monkeypatch, fixed, "--strict")
    assert _signal_lines(r.stdout) == [] and r.exit_code == 0, r.output


def test_json_names_the_signal_as_its_field(tmp_path, monkeypatch):
    r = _check(tmp_path, monkeypatch, ["ok signal text", "(High|Critical) lag", "*"], "--format", "json")
    found = [p for p in json.loads(r.stdout)["problems"] if p["field"].startswith("signals[")]
    assert [(p["field"], p["line"], p["level"]) for p in found] == [
        ("signals[1]", 10, "warning"),
        ("signals[2]", 11, "warning"),
    ]


def test_the_shipped_kb_signals_with_regex_characters_are_not_warned_of():
    """The starter KB's own signals: PromQL with =~".*", log lines with [brackets] and (parentheses)."""
    from recur.kb.lint import regex_signs  # here: the tests above run through the CLI alone

    signals = [s for p in load_kb(ROOT / "kb").all_patterns() for s in p.signals if isinstance(s, str)]
    assert any(".*" in s for s in signals) and any("[" in s for s in signals) and any("(" in s for s in signals)
    assert [(s, regex_signs(s)) for s in signals if regex_signs(s)] == []


def test_a_long_run_of_stars_is_read_in_linear_time():
    """The wildcard sign "^[\\s.*+?]*[*+?][\\s.*+?]*$" tried each split of a run of stars before the text after
    it failed the match: a signal of 80,000 "*" then "a" took 40 s of `recur check` (found in review); 200,000,
    minutes.
    ``finishes``'s 60 s is the hang guard, not a measure of speed (bench/pathological.py times it)."""
    from procs import finishes

    from recur.kb.lint import regex_signs

    stars = "*" * 200_000
    assert finishes(regex_signs, "." + stars + "a") == [("any text", ".*")]
    assert finishes(regex_signs, " .*" + stars + "+ ") == [("a wildcard", " .*" + stars + "+ ")]
