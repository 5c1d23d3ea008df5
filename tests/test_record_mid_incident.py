"""Recording an incident mid-incident from what `recur suggest` was given (found in a responder review on the
starter KB): the footer's command was titled by the paste's first line ("Maya Chen 3:04 AM", "Traceback (most
recent call last):") and described by its first 300 characters ending in "…", so the record held a cut text."""

from __future__ import annotations

import json
import shlex

import click

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
    assert line.startswith("To record it"), line
    command = line.split(": ", 1)[1]
    assert command.startswith("… | recur incident new "), command
    return shlex.split(command.removeprefix("… | ").split(" (…: ", 1)[0])[1:]


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
