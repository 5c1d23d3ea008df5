"""Recording an incident mid-incident from what `recur suggest` was given (found in a responder review on the
starter KB): the footer's command was titled by the paste's first line ("Maya Chen 3:04 AM", "Traceback (most
recent call last):") and described by its first 300 characters ending in "…", so the record held a cut text."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click
import pytest

THREAD = """Maya Chen  3:04 AM
anyone else seeing the lunch orders vanish? the form says thanks then nothing arrives
Raj Patel  3:05 AM
yeah, friday's order is gone too. the caterer says they never got a single email from us this week
Maya Chen  3:06 AM
the mail relay queue is at 40k and growing, looks like it stopped delivering on tuesday
Raj Patel  3:07 AM
and every retry of the form adds another copy to that queue, so it keeps getting worse
"""

TRACE = """Traceback (most recent call last):
  File "/srv/app/orders.py", line 88, in handle
    rows = cur.execute("UPDATE lunch SET n = n - 1 WHERE id = %s", (oid,))
  File "/usr/lib/python3/dist-packages/psycopg2/extras.py", line 146, in execute
    return super().execute(query, vars)
psycopg2.errors.LunchOrderVanished: the lunch order vanished
DETAIL:  Process 41234 waits for ShareLock on transaction 99812; blocked by process 41240.
"""


def _footer_command(stdout: str) -> list[str]:
    """The arguments of the `recur incident new` command `recur suggest -`'s last line gives, after ``… |``."""
    line = click.unstyle(stdout).rstrip().splitlines()[-1]
    # the small KB (4 patterns) rates no result: none of its answers is said to be about no failure
    assert line.startswith("To record it"), line
    command = line.split(": ", 1)[1]
    assert command.startswith("… | recur incident new "), command
    return shlex.split(command.removeprefix("… | "), comments=True)[1:]  # its notes are a shell comment


def test_a_pasted_threads_record_command_reads_stdin_again_and_asks_for_a_title(run, kb_dir):
    res = run("suggest", "-", input=THREAD)
    assert res.exit_code == 0, res.output
    args = _footer_command(res.stdout)
    assert args[args.index("-d") + 1] == "-" and "…" not in " ".join(args), args
    assert args[args.index("-t") + 1] == "<what happened>", args
    # run as printed (a severity filled in), the placeholder title is refused, nothing written
    severity = args.index("SEVERITY")
    args[severity] = "sev3"
    refused = run(*args, "--no-suggest", input=THREAD)
    assert refused.exit_code != 0 and "<what happened> is the placeholder" in refused.output, refused.output
    assert not list((kb_dir / "incidents").rglob("*.md")) or all(
        "lunch" not in p.read_text(encoding="utf-8") for p in (kb_dir / "incidents").rglob("*.md")
    )
    args[args.index("-t") + 1] = "Lunch orders lost in the mail relay"
    made = run(*args, "--no-suggest", "--json", input=THREAD)
    assert made.exit_code == 0, made.output
    record = (kb_dir / json.loads(made.stdout)["path"]).read_text(encoding="utf-8")
    # the whole thread, its last line too: not its first 300 characters
    assert "so it keeps getting worse" in record and "…" not in record, record


def test_a_pasted_traces_record_command_is_titled_by_its_exception(run):
    res = run("suggest", "-", input=TRACE)
    assert res.exit_code == 0, res.output
    args = _footer_command(res.stdout)
    assert args[args.index("-t") + 1] == "psycopg2.errors.LunchOrderVanished: the lunch order vanished", args


JAVA = """2026-12-05 03:02:11.482 ERROR 1 --- [exec-42] o.h.SqlExceptionHelper : lunch pool - no order available
org.example.LunchOrderException: Unable to acquire a lunch order
\tat org.example.Orders.take(Orders.java:277)
\tat org.example.Orders.run(Orders.java:88)
2026-12-05 03:02:11.490 WARN 1 --- [exec-42] o.e.Retry : retrying the lunch order in 200 ms
"""
TABLE = """NAME                            READY   STATUS             RESTARTS       AGE
lunch-api-6d8f7b9c5-x2kqz       0/1     CrashLoopBackOff   9 (2m ago)     20m
lunch-api-6d8f7b9c5-7hw2p       0/1     CrashLoopBackOff   9 (3m ago)     20m
"""
PROSE = """The lunch order form says thanks, then nothing arrives.
The caterer got no e-mail from us since Tuesday; the mail relay queue is at 40k.
"""
SAID_FIRST = "Lunch orders lost; the log:\n" + "\n".join(f"2026-12-05T03:0{n}:00Z INFO tick {n}" for n in range(9))
SAID_FIRST += "\n2026-12-05T03:09:00Z ERROR the lunch relay refused the order\n"


def _summary(kb_dir, made) -> str:
    assert made.exit_code == 0, made.output
    text = (kb_dir / json.loads(made.stdout)["path"]).read_text(encoding="utf-8")
    return text.split("## Summary\n", 1)[1].split("\n## ", 1)[0].strip()


def test_a_short_pasted_log_trace_or_table_is_recorded_in_a_code_block_and_prose_as_it_is(run, kb_dir):
    """Found in review: a pasted log of under 200 lines was written raw into the Summary, one run-on paragraph on
    the site (over 200 lines, it was cut down and fenced); a 5-line Java log, kubectl's table alike."""
    for n, text in enumerate((JAVA, TABLE, TRACE)):
        made = run("incident", "new", "-t", f"Lunch {n}", "-s", "sev3", "-d", "-", "--no-suggest", "--json", input=text)
        assert _summary(kb_dir, made) == "```\n" + text.strip("\n") + "\n```"
    made = run("incident", "new", "-t", "Lunch prose", "-s", "sev3", "-d", "-", "--no-suggest", "--json", input=PROSE)
    assert _summary(kb_dir, made) == PROSE.strip()
    # the words written before a log stay prose above its block, as a long log's Summary has them
    made = run(
        "incident", "new", "-t", "Lunch said", "-s", "sev3", "-d", "-", "--no-suggest", "--json", input=SAID_FIRST
    )
    lines = SAID_FIRST.strip().split("\n")
    assert _summary(kb_dir, made) == "\n".join([lines[0], "", "```", *lines[1:], "```"])
    checked = run("check")
    assert checked.exit_code == 0 and "INC-" not in checked.output, checked.output


def test_the_same_incident_new_run_twice_records_it_once_as_record_incident_does(run, kb_dir):
    """Found in review: `recur incident new` run twice with the same title the same day recorded two incidents
    without a word, where MCP's record_incident answers "Already recorded today". The rule is record_incident's:
    every field the same, nothing written and that record named; another severity, patterns or flags, written and
    the other named, with how to drop the copy; --allow-duplicate records a second, separate incident."""
    args = (
        "incident",
        "new",
        "-t",
        "Lunch relay 502s",
        "-s",
        "sev2",
        "-d",
        "the lunch relay returns 502",
        "--no-suggest",
    )
    first = run(*args, "--json")
    assert first.exit_code == 0, first.output
    iid, path = json.loads(first.stdout)["id"], json.loads(first.stdout)["path"]
    again = run(*args)
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith(f"Already recorded today as {iid} ") and "--allow-duplicate" in again.stdout
    as_json = json.loads(run(*args, "--json").stdout)
    assert as_json["id"] == iid and as_json["path"] == path and as_json["already_recorded"] is True
    files = lambda: sorted(p.name for p in (kb_dir / "incidents").rglob("*.md"))  # noqa: E731
    before = files()
    other = run(*args[:5], "sev1", *args[6:], "--json")
    made = json.loads(other.stdout)
    assert other.exit_code == 0 and made["same_as"] == iid and len(files()) == len(before) + 1, other.output
    assert f"warning: {iid} was recorded today with the same title and description" in other.stderr
    assert f"drop this copy: rm {made['path']}" in other.stderr, other.stderr
    second = run(*args, "--allow-duplicate", "--json")
    assert second.exit_code == 0 and json.loads(second.stdout)["id"] not in (iid, made["id"]), second.output
    assert len(files()) == len(before) + 2


def test_after_recording_it_says_where_what_happened_afterwards_goes_and_that_holds(run, kb_dir):
    """Found in review: the last line after recording was "Link one later: …"; nothing said where the timeline,
    the decisions and the duration go once the incident is over. Done as said, the record passes recur check."""
    made = run("incident", "new", "-t", "Lunch relay down", "-s", "sev3", "-d", "the lunch relay refuses mail")
    assert made.exit_code == 0, made.output
    last = made.stdout.rstrip().splitlines()[-1]
    path = made.stdout.split("Recorded ", 1)[1].split(" in ", 1)[1].split(" (review", 1)[0]
    assert last.startswith(f"Afterwards, add what happened to {path}: ## Timeline"), last
    assert "## Decisions" in last and "duration_minutes: N" in last, last
    record = Path(path)  # the KB's folder as given: absolute here
    text = record.read_text(encoding="utf-8").replace("\nseverity: sev3\n", "\nseverity: sev3\nduration_minutes: 42\n")
    record.write_text(text + "\n## Timeline\n- 03:04 first signal\n- 03:40 mitigated\n\n## Decisions\nRestarted it.\n")
    checked = run("check")
    assert checked.exit_code == 0 and record.stem not in checked.output, checked.output
    # a duration given is not asked for again
    given = run("incident", "new", "-t", "Lunch relay slow", "-s", "sev3", "--duration", "5", "-d", "slow relay")
    assert "## Timeline" in given.stdout.splitlines()[-1] and "duration_minutes" not in given.stdout, given.stdout


def test_a_piped_log_over_the_paste_limit_is_searched_by_its_newest_lines(run):
    """Found in review: `kubectl logs … | recur suggest -` over 1,000,000 characters kept the first 1,000,000 and
    lost the newest lines, where the error was. Its end is kept now, from a line's start, and said on stderr."""
    from recur.retrieval.query import MAX_PASTE_CHARS

    line = "2026-12-05T03:00:01.000Z INFO [http-1] GET /api/lunch/1861 200 12ms\n"
    start = "2026-12-05T02:00:00.000Z ERROR [boot] the oldest line, left out\n"
    end = "2026-12-05T03:59:59.000Z ERROR [relay] the lunch relay refused every order\n"
    text = start + line * (MAX_PASTE_CHARS // len(line) + 500) + end
    res = run("suggest", "--json", "-", input=text)
    assert res.exit_code == 0, res.output
    searched = json.loads(res.stdout)["query"]
    assert "the lunch relay refused every order" in searched and "the oldest line" not in searched, searched
    assert "searching its last" in res.stderr and "the newest lines" in res.stderr, res.stderr


def test_reading_stdin_keeps_its_end_and_stops_at_its_most(monkeypatch):
    import io
    import sys

    from recur.cli.core import read_stdin_tail

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"".join(b"%03d\n" % n for n in range(100)))))
    assert read_stdin_tail(8, 10_000) == (b"098\n099\n", 400, False, b"000\n001\n002\n003\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"".join(b"%03d\n" % n for n in range(100)))))
    # a log followed with -f: what was read, its end; its start as read
    assert read_stdin_tail(8, 40) == (b"008\n009\n", 40, True, b"000\n001\n002\n003\n")


@pytest.mark.model
def test_a_cold_model_cache_is_said_on_a_terminal_before_the_export(tmp_path, monkeypatch, printed_logs):
    """Found in review: the first call on a machine with an empty model cache was silent for 22-28 s (the model's
    ONNX export), where docs/cli.md said "a few seconds". Said now on a terminal (a real one: a pty), once."""
    import os
    import pty
    import sys

    from recur.retrieval import embed, onnx_encoder

    monkeypatch.setenv("RECUR_CACHE", str(tmp_path / "cache"))
    controller, terminal = pty.openpty()
    os.set_blocking(controller, False)  # what was said is there by now: a read waits for nothing

    def said() -> str:
        try:
            return os.read(controller, 65536).decode("utf-8", "replace")
        except BlockingIOError:
            return ""

    with open(terminal, "w", encoding="utf-8", closefd=True) as tty:
        monkeypatch.setattr(sys, "stderr", tty)
        spec = embed.resolve(embed.DEFAULT)
        assert onnx_encoder.cached(spec) is None and onnx_encoder.export(spec) is not None
        first = said()
        assert "preparing the model once on this machine (~10-30 s" in first, first
        assert onnx_encoder.export(spec) is not None  # cached now: nothing more said
        assert "preparing the model" not in said()
    os.close(controller)
