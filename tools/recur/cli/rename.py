"""`recur rename OLD NEW`: rename a pattern as docs/kb-format.md says to (the old file kept as a retired stub, what
names it pointed at the new id), in one atomic change. The work is kb.rename's."""

from __future__ import annotations

import click

from recur import config
from recur.cli.options import TEXT, kb_option, writes_then_says
from recur.util.text import plural


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
def rename(kb_dir, old, new, category, dry_run):
    """Rename pattern OLD to NEW (a kebab-case id no pattern file has).

    The pattern's file is copied to NEW.md with id: NEW, and OLD.md becomes the retired stub that keeps the
    incident records and votes naming OLD valid (status: retired, superseded_by: NEW, retired: today, an open
    fix closed: the copy holds it). The onboarding paths' steps, the eval cases' expected ids and the other
    patterns' related and distinguish entries are pointed at NEW; incident records and feedback are left as
    they are. Every file is written at once, or none; each keeps its comments and layout.

    \b
    recur rename disk-full volume-full --dry-run     # what it would change
    recur rename disk-full volume-full
    recur rename disk-full volume-full --category storage
    """
    from recur.kb.loader import display_path, load_kb
    from recur.kb.rename import rename_pattern

    kb = load_kb(kb_dir)
    done = rename_pattern(kb, old, new, category=category, dry=dry_run)
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
    flags = config.where_flags(kb_dir)
    click.echo(f"Next: recur check {flags}--strict, then recur index {flags}".rstrip())
