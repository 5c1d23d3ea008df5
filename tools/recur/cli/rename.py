"""`recur rename OLD NEW`: rename a pattern as docs/kb-format.md says to (the old file kept as a retired stub, what
names it pointed at the new id), in one atomic change. The work is kb.rename's."""

from __future__ import annotations

import json

import click

from recur import config
from recur.cli.options import TEXT, kb_option, writes_then_says
from recur.util.text import cut, cut_list, one_line, plural


@writes_then_says
@click.command("rename")
@kb_option
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--category",
    metavar="CAT",
    type=TEXT,
    help="Put the new file in this category's folder (default: the pattern's own); its relative links are "
    "rewritten to lead to the same files.",
)
@click.option("--dry-run", is_flag=True, help="Say what would change in each file; write nothing.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result as JSON: {old, new, new_file, stub, files, incidents, mentions, finished, dry_run}; "
    "a refusal as {old, new, error} (and finished, when an interrupted rename was finished first).",
)
def rename(kb_dir, old, new, category, dry_run, as_json):
    """Rename pattern OLD to NEW (a kebab-case id no pattern file has).

    The pattern's file is copied to NEW.md with id: NEW, and OLD.md becomes the retired stub that keeps the
    incident records and votes naming OLD valid (status: retired, superseded_by: NEW, retired: today, an open
    fix closed: the copy holds it). The onboarding paths' steps, the eval cases' expected ids and the other
    patterns' related and distinguish entries are pointed at NEW; incident records and feedback are left as
    they are, and so is prose naming OLD (listed, file and line, to bring up to date by hand). Every file is
    written at once, or none; each keeps its comments and layout. A rename killed part-way (kill -9) is
    finished, as it was planned, by the next recur rename.

    \b
    recur rename disk-full volume-full --dry-run     # what it would change
    recur rename disk-full volume-full
    recur rename disk-full volume-full --category storage
    """
    from recur.util.errors import RecurError

    before: dict = {}  # an interrupted rename finished first: said with a refusal that follows, files were written
    try:
        doc = _rename(kb_dir, old, new, category, dry_run, as_json, before)
    except RecurError as exc:
        if as_json:  # as `recur import --json` gives a refused file: the object on stdout, the Error: line on stderr
            refused = {"old": old, "new": new, "error": str(exc), **before}
            click.echo(json.dumps(refused, ensure_ascii=False, indent=1))
        raise
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))


def _rename(kb_dir, old: str, new: str, category, dry_run: bool, as_json: bool, before: dict) -> dict:
    """The rename done (an interrupted one finished first: ``before["finished"]``), said in text unless
    ``as_json``; its JSON object."""
    from recur.kb.loader import load_kb
    from recur.kb.rename import rename_pattern
    from recur.kb.rename_journal import finish_interrupted

    kb = load_kb(kb_dir)
    finished = finish_interrupted(kb.root, dry=dry_run)
    doc: dict = {"old": old.strip(), "new": new.strip()}
    if finished is not None:
        if not as_json:
            _say_finished(finished, dry_run)
        doc["finished"] = before["finished"] = _finished_json(finished)
        same = (finished.old, finished.new) == (old.strip(), new.strip())
        # a dry run plans nothing on a KB half renamed (one whose files are all written already is whole)
        if same or (dry_run and finished.written):
            if not as_json:
                if not same:
                    click.echo(
                        f"The rename of {old} to {new} is planned once that one is finished: run it without --dry-run."
                    )
                flags = config.where_flags(kb_dir)
                click.echo(f"Next: recur check {flags}--strict, then recur index {flags}".rstrip())
            empty = {"new_file": None, "stub": None, "files": [], "incidents": None, "mentions": []}
            return {"old": doc["old"], "new": doc["new"]} | empty | {"finished": doc["finished"], "dry_run": dry_run}
        if finished.written:
            kb = load_kb(kb_dir)
    done = rename_pattern(kb, old, new, category=category, dry=dry_run)
    if not as_json:
        _say(done, kb_dir, dry_run)
    return _json(done, doc.get("finished"), dry_run)


def _say(done, kb_dir, dry_run: bool) -> None:
    from recur.kb.loader import display_path

    head = "Would rename" if dry_run else "Renamed"
    note = " (dry run: nothing written)" if dry_run else ""
    click.echo(f"{head} {done.old} to {done.new}{note}:")
    for change in done.changes:
        for said in change.said:
            click.echo(f"  {display_path(change.path)}: {said}")
    records = plural(done.incidents, "incident record")
    click.echo(
        f"Left naming {done.old}, as the format keeps them: {records} and any feedback votes (the stub keeps them "
        f"valid; they count as {done.new}'s history)."
    )
    if done.inherited:
        ids = ", ".join(f"{pid}: {n}" for pid, n in sorted(done.inherited.items()))
        click.echo(
            f"And {plural(sum(done.inherited.values()), 'incident record')} naming an id {done.old} replaced "
            f"({ids}): {done.old}'s history until now, {done.new}'s through the stubs."
        )
    _say_mentions(done)
    flags = config.where_flags(kb_dir)
    click.echo(f"Next: recur check {flags}--strict, then recur index {flags}".rstrip())


MENTIONS_SHOWN = 20  # the text's lines of prose; --json lists them all


def _say_mentions(done) -> None:
    """The lines of prose still naming ``done.old`` (a rename's, or an interrupted one's finished), if any."""
    from recur.kb.loader import display_path

    if not done.mentions:
        return
    click.echo(
        f"Prose still naming {done.old}, left as written ({plural(len(done.mentions), 'line')}; the stub leads "
        f"a link on to {done.new}): bring it up to date by hand where it should say {done.new}:"
    )
    lines = [f"  {display_path(m.path)}:{m.line}: {cut(one_line(m.text), 100)}" for m in done.mentions]
    for line in cut_list(lines, MENTIONS_SHOWN, "  and {n} more (--json lists them all)"):
        click.echo(line)


def _json(done, finished, dry_run: bool) -> dict:
    from recur.kb.loader import display_path

    new_file = next(c.path for c in done.changes if c.new)
    stub = next(c.path for c in done.changes if not c.new)
    return {
        "old": done.old,
        "new": done.new,
        "new_file": display_path(new_file),
        "stub": display_path(stub),
        "files": [{"path": display_path(c.path), "changes": c.said} for c in done.changes],
        "incidents": {"naming_old": done.incidents, "naming_replaced": dict(sorted(done.inherited.items()))},
        "mentions": _mentions_json(done.mentions),
        "finished": finished,
        "dry_run": dry_run,
    }


def _finished_json(finished) -> dict:
    from recur.kb.loader import display_path

    return {
        "old": finished.old,
        "new": finished.new,
        "written": [display_path(p) for p in finished.written],
        "already": [display_path(p) for p in finished.already],
        "mentions": _mentions_json(finished.mentions),
    }


def _mentions_json(mentions) -> list:
    from recur.kb.loader import display_path

    return [{"path": display_path(m.path), "line": m.line, "text": m.text} for m in mentions]


def _say_finished(finished, dry_run: bool) -> None:
    from recur.kb.loader import display_path

    head = "Would finish" if dry_run else "Finished"
    written = ", ".join(display_path(p) for p in finished.written) or "none"
    click.echo(
        f"{head} the interrupted rename of {finished.old} to {finished.new} (a kill -9 stopped it part-way; "
        f"{plural(len(finished.already), 'file')} of {len(finished.written) + len(finished.already)} written): "
        f"{'would write' if dry_run else 'wrote'} {written}, as it was planned."
    )
    _say_mentions(finished)
