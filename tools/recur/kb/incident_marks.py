"""Marking an incident's parts done from the command line: its review (`recur incident review`), a
follow-up (`recur incident follow-up`) and a "dig into this later" flag (`recur incident flag --done`).
Before these, closing an overdue review or a follow-up the board lists meant editing YAML by hand.

Each change is planned from the record as it is read under the folder's edit lock (two people closing
two follow-ups of one incident both land), written with `record_edit.set_value` (the author's layout
and comments stay), read back as `recur check` reads it, then replaced atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from recur import config
from recur.kb.incident_record import find_incident, read_front, require_done_from
from recur.kb.schema import WONT_DO
from recur.kb.writer import q
from recur.util.errors import RecurError
from recur.util.files import editing, write_atomic
from recur.util.text import caseless, has_text, one_line, plural

# a planned change: where in the front matter, the YAML text written there (None: the key taken out; a list: items
# added to the list there, record_edit.add_to_list), the value read back
Edit = tuple[tuple, str | list | None, object]


def changed_keys(edits: list[Edit]) -> dict:
    """{key: the value read back} of what a mark's ``edits`` changed, by the key each sets (``("review", "due")``
    is "due"): how each command says what it did. A flag written as plain text and marked done is one edit of
    the whole item (``("flags", k)``, a mapping read back): its keys, "status" among them. The tuples were read
    three ways, one taking that flag's edit for a key named by its number (found in review)."""
    made: dict = {}
    for where, _, value in edits:
        if isinstance(where[-1], int) and isinstance(value, dict):
            made.update(value)
        else:
            made[where[-1]] = value
    return made


def _value(data, path: tuple):
    for key in path:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and key < len(data) else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
    return data


class _Unlike(Exception):
    """(top-level key, what is wrong): a part of the record not in the format's shape, found by a plan."""


def change_record(path: Path, plan: Callable[[dict], list[Edit]], vet=None, write: bool = True) -> list[Edit]:
    """Apply ``plan(front matter as read)``'s edits to the record at ``path``; the edits made ([] when
    there was nothing to change: the file is left as it was). ``vet(text)``, when given, is shown the file's
    new text before it is written and raises to refuse it (`recur fix` runs `recur check`'s checks on it);
    ``write`` False: planned, read back and vetted, not written (a dry run)."""
    from recur.kb.loader import display_path

    with editing(path.parent, display_path(path)):
        return _change_locked(path, plan, display_path(path), vet, write)


def _change_locked(path: Path, plan, shown: str, vet=None, write: bool = True) -> list[Edit]:
    edits, text = edited_text(path, plan)
    if not edits:
        return []
    if vet is not None:
        vet(text)
    if write:
        write_atomic(path, text, overwrite=True)
    return edits


def edited_text(path: Path, plan: Callable[[dict], list[Edit]], whole_yaml: bool = False) -> tuple[list[Edit], str]:
    """(``plan(the data as read)``'s edits that change something, the file's text with them made), each value
    written in place (``record_edit``: the author's layout and comments stay) and read back as `recur check` reads
    it; nothing written. The front matter of a record, or (``whole_yaml``) a YAML file whole (its data, a list too,
    given to ``plan``): an onboarding path, eval/cases.yml. No edit to make: ([], the text as it is). `recur
    rename` plans its files so, and writes them all at once."""
    import yaml

    from recur.kb.loader import display_path
    from recur.kb.parse import ParseError, load_yaml
    from recur.kb.record_edit import add_to_list, drop_value, set_value

    shown, offset = display_path(path), 0 if whole_yaml else 1
    front, rest, doc, as_written = _read_yaml(path, shown) if whole_yaml else _read_front_text(path)
    have = doc.data
    try:
        edits = [e for e in plan(have if isinstance(have, dict) or whole_yaml else {}) if _value(have, e[0]) != e[2]]
    except _Unlike as exc:  # said at its line, as the other errors: the author fixes it there
        key = exc.args[0]
        raise RecurError(f"{shown}:{doc.lines.get((key,), 1)}: {key}: {exc.args[1]}; nothing written") from None
    for n, (where, yaml_text, _) in enumerate(edits):  # no text: the key is taken out (a reopened done date)
        try:
            if isinstance(yaml_text, list):  # items added to a list (a fix's tickets)
                front = add_to_list(front, where, yaml_text, shown)
            else:
                front = set_value(front, where, yaml_text, shown) if yaml_text else drop_value(front, where, shown)
        except yaml.YAMLError as exc:  # the edit before it left the text unreadable (an anchor it took)
            raise _unsafe(shown, doc, edits[max(n - 1, 0)][0], str(getattr(exc, "problem", None) or exc)) from None
        except RecurError:  # record_edit's lines are a front matter's (from line 2): said at the file's own
            if not whole_yaml:
                raise
            raise _unsafe(shown, doc, where, "a layout this tool does not edit") from None
    try:
        data = load_yaml(front, offset=offset).data
    except ParseError as exc:
        raise _unsafe(shown, doc, edits[0][0], exc.message) from None
    for where, _, expected in edits:
        if _value(data, where) != expected:
            raise _unsafe(shown, doc, where, "it read back otherwise")
    if slip := _sibling_changed(have, data, [e[0] for e in edits]):
        raise _unsafe(shown, doc, slip, "another value beside it read back otherwise")
    return edits, as_written(front + rest)


def _read_front_text(path: Path):
    """(the front matter, the rest of the file from the newline before its closing line, the front matter read, the
    function that puts the file's line ends back): ``read_front``'s, as ``edited_text`` joins them."""
    lines, rest, doc, as_written = read_front(path)
    return "\n".join(lines), "\n" + rest, doc, lambda text: as_written("---\n" + text)


def _read_yaml(path: Path, shown: str):
    """A YAML file whole, as ``_read_front_text`` gives a record's front matter: one that does not parse is its
    error, at its line, and nothing is written."""
    from recur.kb.incident_record import read_record
    from recur.kb.parse import ParseError, load_yaml

    text, as_written = read_record(path)
    try:
        doc = load_yaml(text)
    except ParseError as exc:
        raise RecurError(f"{shown}:{exc.line}: {exc.field or 'file'}: {exc.message}; nothing written") from None
    return text, "", doc, as_written


def _sibling_changed(before, after, edited: list[tuple]) -> tuple | None:
    """The place of a value next to an edited one (in the same mapping) that the edits changed, or None:
    a line taken out (``drop_value``) must take only its own key. A value holding an edited one (``fix`` beside
    ``status``, when ``fix.status`` is edited too: `recur rename`'s stub) is compared key by key, as a parent."""
    for parent in dict.fromkeys(where[:-1] for where in edited):
        old = _value(before, parent)
        for key in old if isinstance(old, dict) else ():
            place = (*parent, key)
            holds_edit = any(where[: len(place)] == place for where in edited)
            if not holds_edit and _value(after, place) != old[key]:
                return place
    return None


def _unsafe(shown: str, doc, where: tuple, why: str) -> RecurError:
    """The edit of ``where`` did not read back as meant (a layout `set_value` does not know, e.g. an
    anchor on the value): said at the line of the value, or of its nearest parent, as `recur check` would."""
    from recur.kb.record_edit import dotted

    known = next((where[:n] for n in range(len(where), 0, -1) if where[:n] in doc.lines), ())
    return RecurError(
        f"{shown}:{doc.lines.get(known, 1)}: {dotted(where)}: could not change it safely in this layout ({why}); "
        "nothing written: change it by hand"
    )


def mark_review(
    kb,
    iid: str,
    status: str | None,
    due: dt.date | None,
    on: dt.date | None = None,
    flag: str = "--on",
    owner: str | None = None,
) -> tuple[Path, list[Edit], str | None, str | None]:
    """Set the review's ``status`` (pending/done), ``due`` date and/or ``owner`` (``""``: taken out; None: left
    as it is): (the record, the edits, the done day it had before, the owner it had before). Marked done, it
    gets the day it was held (``on``, else today; kept when it was done already and no day is given), so a
    board as of a past date lists it pending then, as a follow-up's; marked pending, that date is taken out.
    An ``on`` before the incident's date is a RecurError naming ``flag`` (``require_done_from``), nothing
    written. The owner could be written only by `incident new --review-owner` and `recur import`; handing an
    existing review to someone else meant editing YAML."""
    path = find_incident(kb, iid)
    _done_from_incident(kb, iid, on, "review", flag)
    had: list = [None, None]

    def plan(have: dict) -> list[Edit]:
        review = have.get("review")
        if review is not None and not isinstance(review, dict):
            raise _Unlike("review", "must be a mapping (level, status, due, owner); fix it by hand")
        review = review or {}
        had[:] = [None if review.get(k) in (None, "") else one_line(str(review[k])) for k in ("done", "owner")]
        edits = [(("review", "status"), status, status)] if status else []
        edits += [(("review", "due"), due.isoformat(), due.isoformat())] if due else []
        if owner is not None:  # "": taken out (its line, or its place in a flow mapping)
            edits.append((("review", "owner"), q(owner), owner) if owner else (("review", "owner"), None, None))
        return edits + _done_edits(("review",), status, "pending", on, str(review.get("status") or "") == "done")

    return path, change_record(path, plan), had[0], had[1]


def pick(items: list, which: str, fields, kind: str, iid: str) -> int:
    """The index of the item ``which`` names: its number (1 is the first), or text that one of an item's
    ``fields`` (a follow-up's title, its ticket) is whole (case aside), or the item's line as listed;
    failing that, text that only one item's field contains, or whose words it holds in any order. The
    fields are matched one by one: split from the listed "title · ticket", a title with " · " in it
    matched its own halves (found in review)."""
    if not items:
        raise RecurError(f"{iid} has no {kind}s")
    listed = "; ".join(f"{n}. {' · '.join(fields(x))}" for n, x in enumerate(items, 1))
    want = caseless(one_line(which))
    if not want:  # "$N" unset in a script: no item is named, not the first one without a title
        raise RecurError(f"{iid}: which {kind}? WHICH is empty; give its number or words of it: {listed}")
    texts = [[caseless(t) for t in fields(x)] for x in items]
    exact = [i for i, t in enumerate(texts) if want in t or want == " · ".join(t)]
    if want.isdigit() and not (exact and int(want) > len(items)):  # a ticket "1234" is no number 1234
        n = int(want)
        if not 1 <= n <= len(items):
            raise RecurError(f"{iid} has {plural(len(items), kind)}, no number {n}: {listed}")
        if other := [i + 1 for i in exact if i != n - 1]:  # "2": number 2, or the one whose ticket is 2?
            raise RecurError(
                f"{iid}: {which!r} is {kind} number {n} and the ticket or title of number "
                f"{', '.join(map(str, other))}; give words of its title instead: {listed}"
            )
        return n - 1
    hits = exact or [i for i, t in enumerate(texts) if any(want in x for x in t)]
    if not hits:  # words of its title, not side by side: "alert pool" for "Alert on pool saturation"
        words = want.split()
        hits = [i for i, t in enumerate(texts) if len(words) > 1 and any(all(w in x for w in words) for x in t)]
    if len(hits) == 1:
        return hits[0]
    if hits:  # the ones that match, to choose among: the whole list hid them among the rest
        matching = "; ".join(f"{n + 1}. {' · '.join(fields(items[n]))}" for n in hits)
        raise RecurError(f"{iid}: {len(hits)} {kind}s match {which!r}: {matching}; give its number")
    raise RecurError(f"{iid}: no {kind} matches {which!r}; give its number: {listed}")


def items_as_written(kb, iid: str, key: str, fields) -> list[tuple[str, str]] | None:
    """(text, status) of each item of the record's ``key`` list (``follow_ups``, ``flags``) as the marks
    read it, for a record with errors the KB leaves out: WHICH is a number in this list, and listing it
    said only "not read while the record has errors" though ``--done 1`` marked it. None when ``key``
    is no list; a front matter that does not parse is its own error, at its line."""
    _, _, doc, _ = read_front(find_incident(kb, iid))
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return None
    status = [str(x.get("status") or "open") if isinstance(x, dict) else "open" for x in items]
    return [(one_line(" · ".join(fields(x))), s) for x, s in zip(items, status)]


def review_as_written(kb, iid: str) -> dict | None:
    """The record's ``review:`` mapping as the marks read it (values as text), for a record with errors
    the KB leaves out; None when it has none or it is no mapping."""
    _, _, doc, _ = read_front(find_incident(kb, iid))
    review = doc.data.get("review") if isinstance(doc.data, dict) else None
    return {str(k): one_line(str(v)) for k, v in review.items()} if isinstance(review, dict) else None


def follow_up_fields(f) -> list[str]:
    if not isinstance(f, dict):
        return [str(f)]
    return [str(f[k]) for k in ("title", "ticket") if f.get(k)]


def mark_follow_up(
    kb, iid: str, which: str, status: str | None, due: dt.date | None = None, flag: str = "--on", **values
) -> tuple[Path, int, str, list[Edit], dict]:
    """Set follow-up ``which``'s status (open/done, or ``wont-do``: done with ``resolution: wont-do``) and/or
    its ``due`` date (added to its mapping when it has none: the report's "no due date" list could only say
    "edit the record"), and its ``owner``
    and ``ticket`` (``values``; they could be given only to a new follow-up): (the record, its index, its
    title as the record has it, the edits, what it had before: {key: text or None}). Marked done, it
    gets the day it was done (``values["on"]``, else today; kept when it was done already and no day
    is given), so a board as of a past date shows it open then; opened again, that date is taken out.
    The title comes from the record as read, so a record with errors (which the KB leaves out) has it
    too: "follow-up 1. marked done" named nothing (found in review); the old values so that a change
    says from what. A day done (``values["on"]``) before the incident's date is refused, as ``mark_review``'s."""
    path = find_incident(kb, iid)
    _done_from_incident(kb, iid, values.get("on"), "follow-up", flag)
    chosen: list = []

    def plan(have: dict) -> list[Edit]:
        items = have.get("follow_ups") or []
        if not isinstance(items, list):
            raise _Unlike("follow_ups", "must be a list; fix it by hand")
        k = pick(items, which, follow_up_fields, "follow-up", iid)
        item = items[k] if isinstance(items[k], dict) else {}
        had = {key: None if item.get(key) in (None, "") else one_line(str(item[key])) for key in _SHOWN}
        chosen[:] = [k, one_line(str(item.get("title") or "") if isinstance(items[k], dict) else str(items[k])), had]
        return _follow_up_edits(k, item, status, due, values)

    edits = change_record(path, plan)
    return path, chosen[0], chosen[1], edits, chosen[2]


def _done_from_incident(kb, iid: str, on: dt.date | None, what: str, flag: str) -> None:
    """``require_done_from`` against incident ``iid``'s date (none when its record has errors: nothing to
    compare, and `recur check` names the record)."""
    inc = kb.incidents.get(iid)
    require_done_from(on, inc.date if inc is not None else None, what, flag)


_SHOWN = ("status", "resolution", "due", "owner", "ticket", "done")  # what a change says it was before


def _follow_up_edits(k: int, item: dict, status: str | None, due: dt.date | None, values: dict) -> list[Edit]:
    """The edits of follow-up number ``k`` (as read: ``item``), in the order they are added to it. Won't do
    is the spec's ``status: done`` (closed: any tool of the spec counts it so, never overdue) with Recur's
    ``resolution: wont-do``, and its ``done:`` day the day it was closed; --done and --open take the
    resolution out (a status of its own, ``wont-do``, was a file every other tool of the spec rejects)."""
    at = ("follow_ups", k)
    written = "done" if status == WONT_DO else status
    edits = [((*at, "status"), written, written)] if status else []
    if status:
        edits.append(
            ((*at, "resolution"), WONT_DO, WONT_DO) if status == WONT_DO else ((*at, "resolution"), None, None)
        )
    edits += [((*at, "due"), due.isoformat(), due.isoformat())] if due else []
    edits += [((*at, "due"), None, None)] if values.get("due_out") else []  # --due -: the key taken out
    edits += [((*at, key), q(values[key]), values[key]) for key in ("owner", "ticket") if values.get(key)]
    edits += [((*at, "owner"), None, None)] if values.get("owner") == "" else []  # --owner -
    return edits + _done_edits(at, written, "open", values.get("on"), str(item.get("status") or "open") == "done")


def _done_edits(at: tuple, status: str | None, reopened: str, on: dt.date | None, was_done: bool) -> list[Edit]:
    """The ``done`` day's edit of a review or a follow-up at ``at``: marked done (or closed undone), the day
    given (``on``) or today, where none was given before (done already: its day kept unless one is given);
    marked ``reopened`` (pending, open), the day taken out."""
    if status == "done" and (on or not was_done):
        day = (on or config.today()).isoformat()
        return [((*at, "done"), day, day)]
    return [((*at, "done"), None, None)] if status == reopened else []


def flag_fields(f) -> list[str]:
    return [str(f.get("text", "")) if isinstance(f, dict) else str(f)]


def mark_flag(
    kb, iid: str, which: str, note: str | None, on: dt.date | None = None, flag: str = "--on"
) -> tuple[Path, int, str, list[Edit], str | None]:
    """Mark flag ``which`` done (with what was found, ``note``): (the record, its index, its text as the
    record has it, the edits, the done day it had before). A flag written as plain text becomes a mapping,
    ``{text: ..., status: done, done: DAY}``: the format's way to keep a flag and say it is addressed. The
    day is ``on``, else today (kept when it was done already and no day is given), so a board as of a past
    date counts it open then, as a follow-up's; ``on`` before the incident's date is refused, as theirs.
    The text comes from the record as read, as a follow-up's title does: on a record with errors (left out
    of the KB) the line said "flag 'number 1' marked done"."""
    path = find_incident(kb, iid)
    _done_from_incident(kb, iid, on, "flag", flag)
    note = one_line(note or "")
    note = note if has_text(note) else None  # U+200B alone is no note, as an empty one is
    chosen: list = []

    def plan(have: dict) -> list[Edit]:
        items = have.get("flags") or []
        if not isinstance(items, list):
            raise _Unlike("flags", "must be a list; fix it by hand")
        k = pick(items, which, flag_fields, "flag", iid)
        item = items[k]
        had = item.get("done") if isinstance(item, dict) else None
        chosen[:] = [k, one_line(flag_fields(item)[0]), None if had in (None, "") else one_line(str(had))]
        if isinstance(item, dict):
            was_done = str(item.get("status") or "open") == "done"
            return (
                [(("flags", k, "status"), "done", "done")]
                + ([(("flags", k, "note"), q(note), note)] if note else [])
                + _done_edits(("flags", k), "done", "open", on, was_done)
            )
        text, day = str(item), (on or config.today()).isoformat()
        parts = [f"text: {q(text)}", "status: done"] + ([f"note: {q(note)}"] if note else []) + [f"done: {day}"]
        want = {"text": text, "status": "done", **({"note": note} if note else {}), "done": day}
        return [(("flags", k), "{" + ", ".join(parts) + "}", want)]

    edits = change_record(path, plan)
    return path, chosen[0], chosen[1], edits, chosen[2]
