"""`recur fix ID`: show a pattern's permanent fix, or mark it done, change its status, owner, due date or
tickets, without editing YAML. The board and `recur report` list the open fixes; closing one meant editing
the pattern's ``fix:`` by hand, as closing a review or a follow-up did before `recur incident review` and
`recur incident follow-up` (whose date and owner handling this shares: cli/incident_marks.py). The edit
itself is kb.pattern_fix's."""

from __future__ import annotations

import json

import click

from recur import config
from recur.cli.options import DATE_OR_DASH, TEXT, TODAY_DATE, kb_option, writes_then_says
from recur.kb.schema import FIX_STATUS
from recur.util.text import one_line


@writes_then_says
@click.command("fix")
@kb_option
@click.argument("pattern_id", metavar="ID")
@click.option(
    "--status",
    type=click.Choice(FIX_STATUS, case_sensitive=False),
    help="Set the fix's status (done: see --done, which gives it its done day).",
)
@click.option("--done", is_flag=True, help="The fix is in: status done, done: today (or --on DATE).")
@click.option(
    "--on",
    "done_on",
    type=TODAY_DATE,
    metavar="YYYY-MM-DD",
    help="With --done (or --status done): the day it landed (default today; not after today). The report counts "
    "an incident of the pattern after it as a recurrence after the fix.",
)
@click.option("--owner", metavar="NAME", type=TEXT, help="Who owns the fix: set or change it; '-' takes it out.")
@click.option(
    "--due", type=DATE_OR_DASH, metavar="YYYY-MM-DD", help="Set or move the fix's due date; '-' takes it out."
)
@click.option(
    "--ticket",
    "tickets",
    multiple=True,
    type=TEXT,
    metavar="T",
    help="A ticket of the fix (PRB-135), added to its tickets (repeatable; one it has already is left as it is); "
    "'-' takes every ticket out.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the fix as it is after the change (or now): {id, path, fix: {status, owner, due, done, tickets}, "
    "changed, dry_run}.",
)
@click.option("--dry-run", is_flag=True, help="Check the change as recur check would and say it; write nothing.")
def fix(kb_dir, pattern_id, status, done, done_on, owner, due, tickets, as_json, dry_run):
    """Show pattern ID's permanent fix (its fix: in the pattern's file), or change it.

    ID is the pattern's id in any letter case, or its file's path, as recur show takes it.

    \b
    recur fix disk-full                         # status, owner, due, done, tickets
    recur fix disk-full --done                  # off the board's open fixes, done: today
    recur fix disk-full --done --on 2026-12-03
    recur fix disk-full --status in-progress --owner team-storage --due 2026-12-20
    recur fix disk-full --ticket PRB-135 --ticket PRB-140
    recur fix disk-full --due - --ticket -      # no due date, no tickets
    recur fix disk-full --status open           # reopened: the fix did not hold (its done: kept)
    """
    from recur.cli.incident_marks import _done_on
    from recur.kb.loader import display_path, load_kb
    from recur.kb.pattern_fix import Change, find_pattern_file, fix_as_written, fix_now, set_fix
    from recur.retrieval.patterns import given_pattern_id

    change = Change(status=_status(status, done), owner=_owner(owner), due=_due(due))
    if done_on and change.status != "done":
        raise click.UsageError("--on goes with --done: the day the fix landed")
    change.on = _done_on(done_on)
    change.tickets, change.tickets_out = _tickets(tickets)
    if not pattern_id.strip():  # "$PATTERN" unset in a script
        raise click.UsageError("ID is empty: give a pattern id, e.g. disk-full")
    kb = load_kb(kb_dir)
    pid, path = find_pattern_file(kb, given_pattern_id(pattern_id) or "")
    was, written = fix_now(path), fix_as_written(path)
    had = written is not None  # none recorded: JSON's fix is null, as the report's is
    if change.empty():
        _say(pid, display_path(path), was if had else None, [], as_json, dry_run, kb, changing=False)
        if had and not as_json:
            _since_lines(kb, pid)
        return
    warned: list = []
    edits, _ = set_fix(kb, path, change, dry=dry_run, warned=warned)
    if not edits and not had:  # --owner - on no fix: none recorded, not "fix already open: nothing to change"
        _say(pid, display_path(path), None, [], as_json, dry_run, kb, changing=False)
        return
    now = _after(was, edits) if dry_run else fix_now(path)
    said = _changes(was, now, edits, (written or {}).get("tickets"))
    _say(pid, display_path(path), now, said, as_json, dry_run, kb)
    for problem in warned:  # recur check's words, as follow-up's --ticket note says them
        click.echo(str(problem), err=True)


def _status(status: str | None, done: bool) -> str | None:
    status = status.lower() if status else None
    if done and status not in (None, "done"):
        raise click.UsageError(f"--done and --status {status} say different things: give one of them")
    return "done" if done else status


def _owner(value: str | None) -> str | None:
    """--owner: the name, "" for '-' (taken out), None when not given; an empty value is refused, as a
    review's --owner refuses it ("$OWNER" unset in a script would take the owner out)."""
    from recur.cli.incident_marks import _review_owner

    try:
        return _review_owner(value)
    except click.UsageError:
        raise click.UsageError("--owner is empty: give the fix's new owner, or '-' to take it out") from None


def _due(value: str | None):
    """--due: the day, "" for '-' (taken out), None when not given."""
    from recur.util.dates import given_date

    return "" if value is not None and value.strip() == "-" else given_date(value, "--due")


def _tickets(given) -> tuple[list[str], bool]:
    """(the tickets --ticket adds, whether '-' takes them all out): '-' beside a ticket says two things."""
    from recur.cli.incident_marks import _named

    named = [_named(t, "--ticket") for t in given]
    out = "-" in named
    if out and any(t != "-" for t in named):
        raise click.UsageError("--ticket - takes every ticket out: give it alone, or the tickets to add without it")
    return ([] if out else named), out


def _after(was: dict, edits: list) -> dict:
    """The fix as a dry run's edits would leave it (nothing was written to read back)."""
    now = dict(was)
    for where, _, value in edits:
        now[where[-1]] = [str(t) for t in value or []] if where[-1] == "tickets" else value  # as fix_now gives them
    return now


def _changes(was: dict, now: dict, edits: list, tickets_written=None) -> list[str]:
    """ "status open → done (2026-12-06)", "owner team-db → alice", "tickets + PRB-140": what changed. The tickets
    taken out are said from the edits made (``tickets_written``: the key's value as written): "tickets: PRB-101", a
    value but no list, is no ticket to fix_now, and `--ticket -` took the line out saying "nothing to change"."""
    said = []
    if was["status"] != now["status"]:
        day = f" ({now['done']})" if now["status"] == "done" and now["done"] else ""
        said.append(f"status {was['status']} → {now['status']}{day}")
        if was["done"] and not now["done"]:  # wont-fix: its done day taken out
            said.append(f"done {was['done']} → (none)")
    elif was["done"] != now["done"]:  # done already: its day given now
        said.append(f"done {was['done'] or '(no day recorded)'} → {now['done']}")
    for key in ("owner", "due"):
        if was[key] != now[key]:
            said.append(f"{key} {was[key] or '(none)'} → {now[key] or '(none)'}")
    added = [t for t in now["tickets"] if t not in was["tickets"]]
    if any(where[-1] == "tickets" and value is None for where, _, value in edits):  # --ticket -, a key taken out
        said.append(f"tickets {', '.join(was['tickets']) or one_line(str(tickets_written))} → (none)")
    elif added:
        said.append("tickets + " + ", ".join(added))
    return said


def _say(pid: str, shown: str, fix: dict | None, said: list, as_json: bool, dry: bool, kb, changing=True) -> None:
    """The fix (None: the pattern has none) shown, or what changed, in text or JSON (one layout for every answer;
    ``kb``: the KB the command loaded, read again by no one)."""
    kb_dir = kb.root
    if as_json:
        doc = {"id": pid, "path": shown, "fix": fix, "changed": said, "dry_run": dry}
        if fix is not None and not changing:  # the incidents after its done day, as the text lists them; null with
            doc["incidents_since_done"] = _since(kb, pid)[1]  # no done day (no list to read as "none since")
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    if fix is None:
        give = f"recur fix {config.where_flags(kb_dir)}{pid} --owner NAME --due YYYY-MM-DD"
        click.echo(f"{pid}: no permanent fix recorded ({shown}); give it one: {give}")
        return
    if not changing:
        click.echo(f"{pid}: fix {_line(fix)} ({shown})")
        return
    if not said:
        click.echo(f"{pid}: fix already {_line(fix)}: nothing to change ({shown})")
        return
    note = " (dry run: nothing written)" if dry else ""
    click.echo(f"{pid}: fix {', '.join(said)}{note} ({shown})")
    if not dry:
        click.echo(f"See it on the board: recur report {config.where_flags(kb_dir)}".rstrip())


def _since(kb, pid: str) -> tuple[str | None, list[dict] | None]:
    """(its fix's done day, the incidents linking ``pid`` dated after it and by today, oldest first: {id, date,
    title, path, under}), the ones today's report counts as recurrences after the fix (``under``: the retired id
    one names, which ``pid`` replaced; None for its own); (None, None) when it has no done day (``kb``: the KB
    `recur fix` loaded, not loaded again)."""
    from recur.problems.board import incidents_after_done

    p = kb.patterns.get(pid)
    if p is None or p.fix is None or p.fix.done is None:
        return None, None
    after = incidents_after_done(kb.patterns, kb.incidents.values(), pid, p.fix.done, config.today())
    return p.fix.done.isoformat(), [
        {"id": i.id, "date": i.date.isoformat(), "title": i.title, "path": i.relpath, "under": old} for i, old in after
    ]


def _since_lines(kb, pid: str) -> None:
    """`recur fix ID` of a fix with a done day: the incidents since it, which say whether it held (found in a
    handoff review: only the weekly report said "did not hold", and the fix's own command named none)."""
    done, since = _since(kb, pid)
    if done is None:
        return
    if not since:
        click.echo(f"No incident linked to {pid} since its fix was marked done {done}.")
        return
    click.echo(f"Incidents linked to {pid} since its fix was marked done {done} ({len(since)}):")
    for i in since:
        under = f" (under {i['under']}, which it replaced)" if i["under"] else ""  # the record names the old id
        click.echo(f"  - {i['date']} {i['id']}: {one_line(i['title'])}{under}")


def _line(fix: dict) -> str:
    bits = [fix["status"] + (f" {fix['done']}" if fix["done"] and fix["status"] == "done" else "")]
    bits += [x for x in (fix["owner"], f"due {fix['due']}" if fix["due"] else None) if x]
    if fix["done"] and fix["status"] != "done":
        bits.append(
            f"done {fix['done']} (reopened)" if fix["status"] in ("open", "in-progress") else f"done {fix['done']}"
        )
    if fix["tickets"]:
        bits.append("tickets " + ", ".join(fix["tickets"]))
    return ", ".join(bits)
