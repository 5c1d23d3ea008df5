"""A pattern's permanent fix (its front matter's ``fix:`` mapping) changed from the command line: `recur fix`.
The board and `recur report` list the open fixes, and closing one, moving its due date or handing it over meant
editing the pattern's YAML by hand, as reviews and follow-ups did before `recur incident review|follow-up`.

The edit is planned and written as theirs are (kb.incident_marks.change_record: under the folder's edit lock,
each value written in place by kb.record_edit so the file's other bytes stay as they were, read back, replaced
atomically), and the new text is first checked as `recur check` checks the KB (loaded with the file as it would
be): an edit that would leave the file with an error is refused, nothing written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from recur import config
from recur.kb.incident_marks import Edit, _Unlike, change_record
from recur.kb.records import credited, recurred_after_fix
from recur.util.errors import RecurError
from recur.util.text import one_line

KEYS = ("status", "owner", "due", "done", "tickets")  # the format's keys of a fix, in the order shown


@dataclass
class Change:
    """What ``set_fix`` asks for; None (an empty list) leaves a value as it is. ``owner`` or ``due`` "" takes
    it out; ``tickets_out`` takes every ticket out (the key and its list)."""

    status: str | None = None
    on: dt.date | None = None  # with status done: the day it landed (default today)
    owner: str | None = None
    due: dt.date | str | None = None
    tickets: list = field(default_factory=list)  # added to the fix's tickets (those it has already: no change)
    tickets_out: bool = False

    def empty(self) -> bool:
        return (
            self.status is None
            and self.owner is None
            and self.due is None
            and not self.tickets
            and not self.tickets_out
        )


def find_pattern_file(kb, pattern_id: str, label: str = "ID") -> tuple[str, Path]:
    """(the id, the file) of the pattern ``pattern_id`` names (``schema.given_id``: any letter case), its file
    read even when it has errors (the board leaves it out); an id no pattern file has is the error
    `recur incident link` gives, with its did-you-mean (loader.require_patterns), naming ``label`` (the
    command's argument)."""
    from recur.kb.loader import display_path, require_patterns

    pid = require_patterns(kb, [pattern_id], label)[0]
    files = sorted((kb.root / "patterns").glob(f"*/{pid}.md"))
    if not files:  # known, but not in a category folder: the loader's own error says where it goes
        shown = ", ".join(kb.misplaced.get(pid) or kb.pattern_files.get(pid) or [pid])
        raise RecurError(f"{shown}: pattern {pid!r} is not at patterns/CATEGORY/{pid}.md; move it there (recur check)")
    if len(files) > 1:
        raise RecurError(
            f"pattern id {pid!r} has {len(files)} files ({', '.join(display_path(f) for f in files)}); "
            "keep one (recur check names the duplicate)"
        )
    return pid, files[0]


def fix_as_written(path: Path) -> dict | None:
    """The pattern's ``fix:`` as its file has it now ({key: value as read}), None when it has none."""
    from recur.kb.incident_record import read_front

    _, _, doc, _ = read_front(path)
    fix = doc.data.get("fix") if isinstance(doc.data, dict) else None
    return fix if isinstance(fix, dict) else None


def set_fix(kb, path: Path, change: Change, dry: bool = False, warned: list | None = None) -> tuple[list[Edit], dict]:
    """Change the fix of the pattern at ``path`` as ``change`` says: (the edits, the fix as it was:
    {key: value}). Marked done, it gets its ``done:`` day (``change.on``, else today; a fix done already keeps
    its day when no day is given, but one reopened, or never done, closed now gets the new day: its old one kept
    made the recurrence it was reopened for count as after the fix again); marked open or in-progress its ``done:`` is kept: the format reads it as a fix reopened
    after it was done that day, whose recurrences the report goes on listing (docs/kb-format.md); marked
    wont-fix its ``done:`` is taken out (`recur check` warns of a done day on one, --strict fails). The new text
    is checked as `recur check` checks it before it is written (``vet_with``; its new warnings into ``warned``);
    ``dry``: checked, not written."""
    had: dict = {}

    def plan(have: dict) -> list[Edit]:
        fix = have.get("fix")
        if fix is not None and not isinstance(fix, dict):
            raise _Unlike("fix", "must be a mapping (status, owner, due, done, tickets); fix it by hand")
        had.update(fix or {})
        return _edits(fix or {}, change)

    edits = change_record(path, plan, vet=vet_with(kb, path, warned), write=not dry)
    return edits, had


def closing_edits(fix: dict) -> list[Edit]:
    """The edits that close the fix ``fix`` (as read) when it is still to do (open, the default, or in progress): as
    `recur fix --status wont-fix` closes it (its ``done:`` day taken out). A pattern retired by `recur rename` (its
    copy holds the fix open now): a retired pattern's open fix was left off the board without a word."""
    from recur.kb.schema import OPEN_FIX

    if str(fix.get("status") or "open") not in OPEN_FIX:
        return []
    return _edits(fix, Change(status="wont-fix"))


def _edits(fix: dict, change: Change) -> list[Edit]:
    from recur.kb.writer import q

    edits: list[Edit] = []
    if change.status:
        edits.append((("fix", "status"), change.status, change.status))
    was_done = str(fix.get("status") or "open") == "done"  # a reopened fix's done: is the day it failed after
    if change.status == "done" and (change.on or not was_done or not fix.get("done")):
        day = (change.on or config.today()).isoformat()
        edits.append((("fix", "done"), day, day))
    if change.status == "wont-fix" and fix.get("done") not in (None, ""):  # the board ignores it, check warns of it
        edits.append((("fix", "done"), None, None))
    if change.owner is not None:
        edits.append(
            (("fix", "owner"), scalar(change.owner), change.owner) if change.owner else (("fix", "owner"), None, None)
        )
    if change.due == "":
        edits.append((("fix", "due"), None, None))
    elif change.due:
        edits.append((("fix", "due"), change.due.isoformat(), change.due.isoformat()))
    if change.tickets_out:  # the key with its list, in any layout (record_edit.drop_value)
        edits.append((("fix", "tickets"), None, None))
    raw = fix.get("tickets")
    raw = raw if isinstance(raw, list) else []
    have = [str(t) for t in raw]  # "already has it" only: 4321 written is ticket "4321"
    new = [t for t in dict.fromkeys(change.tickets) if t not in have]
    if new:
        if fix.get("tickets") not in (None, "") and not isinstance(fix.get("tickets"), list):
            raise _Unlike("fix", f"tickets: must be a list, not {q(str(fix['tickets']))}; fix it by hand")
        # read back as written: a number stays a number (compared as text, every --ticket beside one was refused)
        edits.append((("fix", "tickets"), [scalar(t) for t in new], raw + new))
    return edits


def scalar(value: str) -> str:
    """``value`` as YAML text that reads back as itself in a block or a flow mapping or list: as it is
    (``team-db``, ``PRB-135``) when it does in each, else quoted as the writer quotes (``"a, b"``: a comma
    ends a flow item; ``"?q"``: a flow list read it as a key). Read back, not foreseen: a hand-kept list of
    characters missed ``?`` and ``:``, and the edit was refused as a layout it could not change."""
    import yaml

    from recur.kb.writer import plain, q

    if plain(value) != value:  # block: yes, null, 2026-01-01, 1e3, "x #y", "a: b"
        return q(value)
    try:
        same = yaml.safe_load(f"[{value}]") == [value] and yaml.safe_load(f"{{k: {value}}}") == {"k": value}
    except yaml.YAMLError:
        same = False
    return value if same else q(value)


def vet_with(kb, path: Path, warned: list | None = None):
    """The check of a pattern file's new text: the KB loaded with the file as it would be, and `recur check`'s
    checks run; its errors, of this file, refuse it with their file, line and field (a fix `recur check` then
    failed was the edit's to refuse, not the next CI run's to find). Its warnings and notices of the file that
    the file had not before go into ``warned``, for the caller to say."""
    from recur.kb.check import run_checks
    from recur.kb.loader import display_path, load_kb, rel

    shown = display_path(path)
    had = {_key(p) for p in run_checks(kb, only=lambda s: s == shown) if p.path == shown}  # as the file is now

    def vet(text) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        after = load_kb(kb.root, any_format=True, keep_texts=True, replaced={rel(kb.root, path): data})
        found = [p for p in run_checks(after, only=lambda s: s == shown) if p.path == shown]
        errors = [p for p in found if p.is_error]
        if warned is not None:
            warned[:] = [p for p in found if not p.is_error and _key(p) not in had]
        if not errors:
            return
        new = [p for p in errors if _key(p) not in had]
        said = "; ".join(str(p) for p in (new or errors))
        why = "the change would leave it with an error" if new else "the file has errors already; fix them first"
        raise RecurError(f"{said} ({why}: recur check fails on it); nothing written")

    return vet


def _key(problem) -> tuple:
    return problem.field, problem.message  # not its line: a key taken out moves the lines after it


def fix_now(path: Path) -> dict:
    """The fix as its file has it now, each of the format's keys, as JSON gives it: dates as text, tickets a
    list, a key not written None (status: open, the format's default)."""
    fix = fix_as_written(path) or {}
    out = {k: fix.get(k) for k in KEYS}
    out["status"] = out["status"] or "open"
    out["tickets"] = [str(t) for t in out["tickets"]] if isinstance(out["tickets"], list) else []
    for k in ("owner", "due", "done"):
        out[k] = None if out[k] in (None, "") else one_line(str(out[k]))
    return out


def fix_not_held(patterns, pattern_ids, day: dt.date, flags: str = "") -> list[dict]:
    """Each pattern an incident of ``day`` linking ``pattern_ids`` counts for whose permanent fix is marked done
    (and not reopened) before ``day`` (``records.recurred_after_fix``, the board's rule; the board also counts a fix
    reopened since, a warning is for one still marked done): {pattern, fix_done, tickets, said, under}, ``said`` the
    sentence `recur incident link`, `recur incident new`, `recur import` and MCP's record_incident say when the
    incident is linked (``flags``: the run's --kb for the command to copy). Found in a handoff review: such a link
    said nothing, and only the next weekly report said the fix "did not hold". In kb, not problems: ingest
    (`recur import`) may not import problems.
    The patterns it counts for are the board's (``records.credited``): a retired id's successors in use, ``under``
    the retired id (None: the pattern's own). An incident naming a retired id was checked against that id's own
    fix, no one's work now, and not against the successor's fix the board then said "did not hold". One naming
    the successor is not checked against the fix of the pattern it replaced: the board does not count it so."""
    out = []
    incident = SimpleNamespace(patterns=list(pattern_ids))
    for _, pid, old in credited(patterns, [incident]):
        fix = patterns[pid].fix if pid in patterns else None
        if not recurred_after_fix(fix, day, reopened=False):  # the board's rule, but of a fix still marked done
            continue
        tickets = [str(t) for t in fix.tickets or []]
        named = f" ({', '.join(tickets)})" if tickets else ""
        via = f" (it names {old}, which {pid} replaced)" if old else ""
        said = (
            f"{pid}'s fix{named} was marked done {fix.done.isoformat()}: this incident is a recurrence after the fix"
            f"{via}; reopen it with `recur fix {flags}{pid} --status open`"
        )
        out.append({"pattern": pid, "fix_done": fix.done.isoformat(), "tickets": tickets, "said": said, "under": old})
    return out
