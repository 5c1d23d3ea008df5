"""`recur incident review` and `recur incident follow-up`: show an incident's review and follow-ups,
and mark them done (or reopen them) without editing YAML. The board's overdue reviews and open
follow-ups are closed here; `recur incident flag --done` closes a flag the same way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from recur import config
from recur.cli.options import DATE, DATE_OR_DASH, TEXT, TODAY_DATE, day_come, kb_option, writes_then_says
from recur.problems.board import days_overdue
from recur.util.text import plural


def _review_line(kb, iid: str, why: bool = True) -> str:
    """The review in one line; of a record left out, as written (``why``: with its error, when no
    warning follows to say it)."""
    inc = kb.incidents.get(iid)
    if inc is None or inc.review is None:
        return _review_as_written(kb, iid, why)
    r = inc.review
    due = f", due {r.due.isoformat()}" if r.due else ""
    if r.level == "none":  # "none review, done" read as a review held; the board lists none of these
        return f"{iid}: no review to hold (level none{due}; the board does not list it)"
    late = ""  # said as `recur show INC-…` says it, by the board's rule
    if r.status == "pending" and (days := days_overdue(r.due, config.today())):
        late = f" (overdue {plural(days, 'day')})"
    held = f" {r.done.isoformat()}" if r.status == "done" and r.done else ""  # the day it was held, when kept
    owner = f", owner {r.owner}" if r.owner else ""  # who holds it, when recorded (review.owner)
    return f"{iid}: {r.level} review, {r.status}{held}{due}{owner}{late}"


def _review_as_written(kb, iid: str, why: bool) -> str:
    """A record the KB leaves out (an error in any field): its review as written, and why it is not on
    the board; it said only "review as the record says", which is no answer in a weekly review."""
    from recur.kb.incident_marks import review_as_written

    review = review_as_written(kb, iid)
    shown = ", ".join(f"{k} {v}" for k, v in review.items()) if review else "none written"
    return f"{_left_out_head(kb, iid)}. Its review as written: {shown}" if why else f"{iid}: review as written: {shown}"


def _left_out_head(kb, iid: str) -> str:
    first = next((p for p in kb.errors if Path(str(p.path)).stem == iid), None)
    return (
        f"{iid} has errors recur check names{f' ({first})' if first else ''}, so it is left out of recur report, "
        "the board and the site"
    )


@writes_then_says
@click.command("review")
@kb_option
@click.argument("incident_id")
@click.option("--done", is_flag=True, help="The review took place: status done.")
@click.option("--pending", is_flag=True, help="Still to hold: status pending.")
@click.option("--due", type=DATE, metavar="YYYY-MM-DD", help="Move the review's due date.")
@click.option(
    "--on",
    "done_on",
    type=TODAY_DATE,
    metavar="YYYY-MM-DD",
    help="With --done: the day it was held (default today), kept as its done: date for a report --as-of before it.",
)
@click.option(
    "--owner",
    metavar="NAME",
    type=TEXT,
    help="Who holds the review (its review.owner): set or change it; '-' takes it out.",
)
def review(kb_dir, incident_id, done, pending, due, done_on, owner):
    """Show incident INCIDENT_ID's review (the postmortem meeting or sign-off), or mark it.

    \b
    recur incident review INC-2026-0101            # level, status, due date
    recur incident review INC-2026-0101 --done     # off the board's overdue reviews
    recur incident review INC-2026-0101 --done --on 2026-12-03
    recur incident review INC-2026-0101 --due 2026-12-20
    recur incident review INC-2026-0101 --owner alice   # '-' takes the owner out
    """
    from recur.cli.incident import _left_out_note
    from recur.kb.incident_marks import mark_review
    from recur.kb.incident_record import find_incident
    from recur.kb.loader import display_path, load_kb
    from recur.util.dates import given_date

    status = _one_status(done and "done", pending and "pending")
    if done_on and status != "done":
        raise click.UsageError("--on goes with --done: the day the review was held")
    day = given_date(due, "--due")
    on = _done_on(done_on)
    owner = _review_owner(owner)
    kb = load_kb(kb_dir)
    if status is None and day is None and owner is None:
        find_incident(kb, incident_id)
        click.echo(_review_line(kb, incident_id))
        return
    path, edits, had, had_owner = mark_review(kb, incident_id, status, day, on, owner=owner)
    kb = load_kb(kb_dir)
    said = _review_line(kb, incident_id, why=False)  # _left_out_note says why after it
    change = _review_change(edits, status, had) if status or day else ""
    if owner is not None:
        change += f"; {_owner_change(owner, edits, had_owner)}"
    click.echo(f"{said}{change} ({display_path(path)})")
    _due_before_note(kb, incident_id, day)
    _left_out_note(kb, incident_id)


# a review or follow-up marked done again that was written done before the day was kept: how to give it
_NO_DAY = "no day recorded: --on YYYY-MM-DD gives it, for a report --as-of before it"


def _review_change(edits: list, status: str | None, had: str | None) -> str:
    """What a mark changed beyond the line's own values: "(unchanged)", a done day moved or taken out, or
    none recorded for a review done before the day was kept."""
    from recur.kb.incident_marks import changed_keys

    made = changed_keys(edits)
    if not edits and status == "done" and not had:  # written done before the day was kept
        return f" (unchanged; {_NO_DAY})"
    if not edits:
        return " (unchanged)"
    if "done" in made and made["done"] is None:
        return f" (its done day {had} taken out)"
    return f" (done day was {had})" if "done" in made and had and "status" not in made else ""


def _review_owner(value: str | None) -> str | None:
    """--owner as given to a review: the name on one line, "" for '-' (taken out), None when not given. An
    empty value is refused, not read as '-': "$OWNER" unset in a script would take the owner out."""
    from recur.util.text import has_text, one_line

    if value is None or one_line(value) == "-":
        return None if value is None else ""
    if not has_text(one_line(value)):
        raise click.UsageError("--owner is empty: give the review's new owner, or '-' to take it out")
    return one_line(value)


def _owner_change(owner: str, edits: list, had: str | None) -> str:
    """What --owner did, as a follow-up's --owner says it: "review owner now bob (was team-db)", "review owner
    already bob", "review owner taken out (was team-db)", "no review owner already" (``owner`` "": '-')."""
    from recur.kb.incident_marks import changed_keys

    was = f" (was {had})" if had else ""
    if "owner" not in changed_keys(edits):
        return f"review owner already {owner}" if owner else "no review owner already"
    return f"review owner now {owner}{was}" if owner else f"review owner taken out{was}"


def _due_before_note(kb, iid: str, day: dt.date | None) -> None:
    """--due before the incident's date: warned of, as incident new --review-due."""
    from recur.cli.incident import warn_due_before

    inc = kb.incidents.get(iid)
    warn_due_before("--due", day, inc.date if inc is not None else None)


def _one_status(*given) -> str | None:
    """The status asked for. --done with --pending (or --open) shared one click dest, so the last one
    given won without a word (found in review): both are a usage error naming them."""
    asked = [s for s in given if s]
    if len(asked) > 1:
        raise click.UsageError(f"--{asked[0]} and --{asked[1]} say opposite things: give one of them")
    return asked[0] if asked else None


def _add(kb_dir, incident_id, which, status, title, owner, due, ticket) -> None:
    from recur.cli.incident import _left_out_note
    from recur.kb.incident_record import add_follow_up
    from recur.kb.loader import display_path, load_kb
    from recur.util.dates import given_date
    from recur.util.text import one_line

    if title is None and not (owner or ticket):
        raise click.UsageError("--due goes with --add TITLE (a new follow-up) or with WHICH (the one to give it)")
    if title is None:
        raise click.UsageError(
            "--owner and --ticket go with --add TITLE (a new follow-up) or with WHICH (the one to change)"
        )
    if which or status:
        raise click.UsageError(
            "--add writes a new follow-up; WHICH with --done, --open or --wont-do marks one: give one of them"
        )
    # '-' gives a new follow-up no owner or due date, as it takes them out of one (it was written as its owner)
    owner = None if owner is not None and one_line(owner) == "-" else owner
    day = None if due is not None and due.strip() == "-" else given_date(due, "--due")
    kb = load_kb(kb_dir)
    path, added = add_follow_up(kb, incident_id, title, owner, day, ticket)
    said = "added" if added else "is there already (same title): nothing written"
    click.echo(f"{incident_id}: follow-up {one_line(title)!r} {said} ({display_path(path)})")
    kb = load_kb(kb_dir)
    if added:
        _due_before_note(kb, incident_id, day)
        _ticket_due_note(kb, incident_id, ticket)
    _left_out_note(kb, incident_id)


def _ticket_due_note(kb, iid: str, ticket: str | None) -> None:
    """`recur check`'s warning, as it words it, when the follow-up just written tracks ``ticket``, which another
    open item (a pattern's fix, another follow-up) gives another due date."""
    from recur.kb.lint import ticket_due_warnings
    from recur.kb.loader import display_path

    inc = kb.incidents.get(iid)
    if inc is None or not ticket:
        return
    for p in ticket_due_warnings(kb, display_path(kb.root / inc.relpath), ticket):
        click.echo(str(p), err=True)


def item_lines(kb, iid: str, kind: str, items_of, line_of, none: str) -> list[str]:
    """The numbered list `incident follow-up ID` and `incident flag ID` print: WHICH is a number in it."""
    inc = kb.incidents.get(iid)
    if inc is None:
        return _lines_as_written(kb, iid, kind)
    items = items_of(inc)
    if not items:
        return [none]
    return [f"{kind.capitalize()}s of {iid}:"] + [f"  {n}. {line_of(x)}" for n, x in enumerate(items, 1)]


def _lines_as_written(kb, iid: str, kind: str) -> list[str]:
    """The list of a record the KB leaves out (an error in another field), read as `--done` reads it."""
    from recur.kb.incident_marks import flag_fields, follow_up_fields, items_as_written

    key, fields = ("flags", flag_fields) if kind == "flag" else ("follow_ups", follow_up_fields)
    items = items_as_written(kb, iid, key, fields)
    head = _left_out_head(kb, iid)
    if not items:
        return [f"{head}; it has no {kind}s" + ("" if items is not None else f" it can read ({key}: not a list)")]
    return [f"{head}. Its {kind}s as written:"] + [f"  {n}. {t}  ({s})" for n, (t, s) in enumerate(items, 1)]


def _follow_up_line(f) -> str:
    from recur.kb.records import status_words

    done = f" {f.done.isoformat()}" if f.status == "done" and f.done else ""  # the day it was done, when kept
    bits = [status_words(f) + done] + [
        x for x in (f.owner, f"due {f.due.isoformat()}" if f.due else None, f.ticket) if x
    ]
    return f"{f.title}  ({', '.join(bits)})"


def _follow_up_lines(kb, iid: str) -> list[str]:
    return item_lines(kb, iid, "follow-up", lambda inc: inc.follow_ups, _follow_up_line, f"{iid} has no follow-ups")


@writes_then_says
@click.command("follow-up")
@kb_option
@click.argument("incident_id")
@click.argument("which", nargs=-1, type=TEXT)
@click.option("--done", is_flag=True, help="Mark it done.")
@click.option("--open", "reopen", is_flag=True, help="Open it again.")
@click.option(
    "--wont-do",
    "wont_do",
    is_flag=True,
    help="Close it undone (cancelled, a duplicate, declined: status done, resolution wont-do): off the board, "
    "never overdue.",
)
@click.option("--add", "title", metavar="TITLE", type=TEXT, help="Add a follow-up (open) with this title.")
@click.option(
    "--owner", type=TEXT, help="With --add: who does it; with WHICH: change who does it ('-' takes the owner out)."
)
@click.option(
    "--due",
    type=DATE_OR_DASH,
    metavar="YYYY-MM-DD",
    help="With --add: the day it is due; with WHICH: set or move its due date ('-' takes it out).",
)
@click.option("--ticket", type=TEXT, help="With --add: its ticket (PRB-135); with WHICH: change its ticket.")
@click.option(
    "--on",
    "done_on",
    type=TODAY_DATE,
    metavar="YYYY-MM-DD",
    help="With --done or --wont-do: the day it was done or closed (default today), kept as its done: date for a "
    "report --as-of before it.",
)
def follow_up(kb_dir, incident_id, which, done, reopen, wont_do, title, owner, due, ticket, done_on):
    """List incident INCIDENT_ID's follow-ups, add one, or mark the one WHICH names done, give it a due
    date or change its owner or ticket.

    WHICH is its number in the list, its ticket, or words of its title.

    \b
    recur incident follow-up INC-2026-0101
    recur incident follow-up INC-2026-0101 --add "Alert on pool saturation" --owner team-db --due 2026-12-19
    recur incident follow-up INC-2026-0101 2 --done
    recur incident follow-up INC-2026-0101 PRB-135 --done --on 2026-12-03
    recur incident follow-up INC-2026-0101 3 --wont-do   # cancelled: closed, not done
    recur incident follow-up INC-2026-0101 pool alert --due 2026-12-19
    recur incident follow-up INC-2026-0101 2 --owner team-db --ticket DB-80
    """
    status = _one_status(done and "done", reopen and "open", wont_do and "wont-do")
    if done_on and status not in ("done", "wont-do"):
        raise click.UsageError("--on goes with --done or --wont-do: the day the follow-up was done or closed")
    if title is not None or (not which and (owner or ticket or due)):
        _add(kb_dir, incident_id, which, status, title, owner, due, ticket)
        return
    if which:
        _mark(kb_dir, incident_id, " ".join(which), status, due, done_on=done_on, owner=owner, ticket=ticket)
        return
    from recur.kb.incident_record import find_incident
    from recur.kb.loader import load_kb

    if status:
        raise click.UsageError("say which follow-up: its number, ticket or title words (list them without --done)")
    kb = load_kb(kb_dir)
    find_incident(kb, incident_id)
    click.echo("\n".join(_follow_up_lines(kb, incident_id)))


def _mark(kb_dir, incident_id: str, which: str, status: str | None, due: str | None, **given) -> None:
    """Mark follow-up ``which`` done or open, set its due date (``due``, as typed), its owner or ticket
    (``given``), and the day it was done (``given["done_on"]``, with --done): the report's list of
    follow-ups with no due date could only say "edit the record", and an owner or ticket only that."""
    from recur.cli.incident import _left_out_note
    from recur.kb.incident_marks import changed_keys, mark_follow_up
    from recur.kb.loader import display_path, load_kb
    from recur.util.dates import given_date

    if status is None and due is None and not (given["owner"] or given["ticket"]):
        raise click.UsageError(
            f"add --done (or --open, --wont-do) to mark it, --due DATE to give it a due date, or --owner / --ticket to "
            f"change them: recur incident follow-up {incident_id} WHICH --done"
        )
    # '-' takes the owner or the due date out, as `recur fix` and `recur incident review` read it: "-" was written
    # as the follow-up's owner
    values = {"owner": _follow_up_owner(given["owner"]), "ticket": _named(given["ticket"], "--ticket")}
    values["due_out"] = due is not None and due.strip() == "-"
    day = None if values["due_out"] else given_date(due, "--due")
    values["on"] = _done_on(given["done_on"])
    kb = load_kb(kb_dir)
    path, k, title, edits, was = mark_follow_up(kb, incident_id, which, status, day, **values)
    kb = load_kb(kb_dir)
    made = changed_keys(edits)
    said = _status_said(status, made, values["on"], was) if status else []
    if day:
        said.append(_now("due", day.isoformat(), made, was))
    said += [_taken_out("due", "due date", made, was)] if values["due_out"] else []
    said += [_now(key, values[key], made, was, " is") for key in ("owner", "ticket") if values[key]]
    said += [_taken_out("owner", "owner", made, was)] if values["owner"] == "" else []
    shown = f"{k + 1}. {title}" if title else f"number {k + 1}"
    click.echo(f"{incident_id}: follow-up {shown} {', '.join(said)} ({display_path(path)})")
    if "due" in made:
        _due_before_note(kb, incident_id, day)
    if made.keys() & {"due", "ticket"}:
        _ticket_due_note(kb, incident_id, _ticket_of(kb, incident_id, k))
    _left_out_note(kb, incident_id)


def _follow_up_owner(value: str | None) -> str | None:
    """A follow-up's --owner as a review's is read (_review_owner): the name, "" for '-' (taken out), None."""
    try:
        return _review_owner(value)
    except click.UsageError:
        raise click.UsageError("--owner is empty: give the follow-up's new owner, or '-' to take it out") from None


def _taken_out(key: str, what: str, made: dict, was: dict) -> str:
    """ "owner taken out (was team-db)", "no due date already": what '-' did."""
    if key not in made:
        return f"no {what} already"
    return f"{key} taken out" + (f" (was {was[key]})" if was.get(key) else "")


def _ticket_of(kb, iid: str, k: int) -> str | None:
    """The ticket of the incident's follow-up number ``k`` (from 0) as the KB now reads it, or None."""
    inc = kb.incidents.get(iid)
    return inc.follow_ups[k].ticket if inc is not None and k < len(inc.follow_ups) else None


def _now(key: str, value: str, made: dict, was: dict, verb: str = "") -> str:
    """ "now due 2026-12-19 (was 2026-12-01)", "already due …": a changed value says the one it replaced
    ("now due 2026-12-19" alone lost it from the output)."""
    if key not in made:
        return f"{key}{verb} already {value}" if verb else f"already {key} {value}"
    moved = f" (was {was[key]})" if was.get(key) else ""
    return f"{key}{verb} now {value}{moved}" if verb else f"now {key} {value}{moved}"


def _status_said(status: str, made: dict, on: dt.date | None, was: dict) -> list[str]:
    """How the status went: marked done or won't do (on the day), already so, its done day moved or unknown.
    Won't do is status done with resolution wont-do: a change of either marks it (done to won't do and back)."""
    words = "won't do" if status == "wont-do" else status
    closed = status in ("done", "wont-do")
    if "status" in made or "resolution" in made:
        return [f"marked {words}" + (f" on {on.isoformat()}" if on else "")]
    if closed and "done" in made:  # closed already, the day given now
        return [
            f"already {words}, done day now {on.isoformat()}" + (f" (was {was['done']})" if was.get("done") else "")
        ]
    if closed and not was.get("done"):  # written done before the day was kept
        return [f"already {words} ({_NO_DAY})"]
    if "done" in made:  # open, with a done day left by a hand edit: the board ignored it, check warned
        return [f"already {words} (its done day {was['done']} taken out)"]
    return [f"already {words}"]


def _named(value: str | None, what: str) -> str | None:
    """An owner or ticket typed to change one: on one line; invisible characters alone are no value."""
    from recur.util.text import has_text, one_line

    if value is None:
        return None
    value = one_line(value)
    if not has_text(value):
        raise click.UsageError(f"{what} is empty: give the new value (the record keeps the one it has)")
    return value


def _done_on(value: str | None) -> dt.date | None:
    """The day given with --on: a day that has come (a follow-up is not done tomorrow)."""
    return day_come(value, "--on", "done") if value else None
