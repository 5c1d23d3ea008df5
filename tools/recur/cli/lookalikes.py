"""`recur lookalikes`: the command line over recur.retrieval.lookalikes."""

from __future__ import annotations

import click

from recur import config
from recur.cli.options import index_option, kb_option, model_option
from recur.retrieval.lookalikes import FLOOR, look_alikes, similarity_said, wording_only, wording_only_said
from recur.util.text import plural

TOP_HELP = "Nearest patterns by meaning, per pattern; patterns an incident matched together are listed too."


@click.command("lookalikes")
@kb_option
@index_option
@model_option
@click.option("--top", default=3, show_default=True, type=click.IntRange(1, 20), help=TOP_HELP)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print {pattern: [{id, title, similarity, co_incidents, by, shared_signals}]}.",
)
@click.argument("pattern_ids", nargs=-1)
def lookalikes_cmd(kb_dir, index_dir, model, top, as_json, pattern_ids):
    """The patterns each pattern is most often confused with, and the signal that tells them apart.

    Nearest neighbours in the index plus patterns co-matched by the same incidents; "by" is
    the pattern's declared `distinguish:` entry, if any. With PATTERN_IDS, only those.
    """
    import json

    from recur.retrieval.engine import Engine
    from recur.util.errors import RecurError

    engine = Engine.open(kb_dir, index_dir, model, quiet=True, progress=None)
    table = look_alikes(engine.searcher.index, top=top, floor=None)  # every neighbour, with its score
    unknown = [p for p in pattern_ids if p not in table]
    if unknown:
        left_out = engine.manifest.get("left_out") or []
        flags = config.where_flags(kb_dir, index_dir)  # the run's KB and index, in the search it prints
        raise RecurError(_unknown_message(unknown, engine.kb_dir, left_out, list(table), engine.manifest, flags))
    if pattern_ids:
        table = {p: table[p] for p in pattern_ids}
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=1))
        return
    if not table:  # a new KB: say so, not a blank screen
        click.echo("No patterns in the index yet: nothing to compare (recur new pattern, then recur index).", err=True)
    for pid, items in table.items():
        click.echo(click.style(pid, bold=True))
        for x in items:
            sim = similarity_said(x["similarity"]) if x["similarity"] is not None else "-"
            co = f", {plural(x['co_incidents'], 'shared incident')}" if x["co_incidents"] else ""
            # the site, the API and MCP show a neighbour only from FLOOR (or matched by the same incidents)
            low = x["similarity"] is not None and x["similarity"] < FLOOR and not x["co_incidents"]
            under = f", under {FLOOR:.2f}: not a look-alike on its page" if low else ""
            # no incident, no declared signal: the words alone, under FLOOR too, in `recur show`'s words (a 0.49 one
            # was left unlabelled, found in a docs review)
            if wording_only(x):
                click.echo(f"  {x['id']}: {wording_only_said(x, under)}")
                continue
            click.echo(f"  {x['id']} (similarity {sim}{co}{under}): {x['by'] or 'no distinguishing signal declared'}")


def _unknown_message(unknown: list, kb_dir, left_out: list, known: list, manifest=None, flags: str = "") -> str:
    """Why these ids have no look-alikes: a pattern whose file has errors is not in the index, and
    "unknown or retired" sent its author looking for a typo in the id (found in review); a retired one
    is said to be, with the patterns that superseded it (its superseded_by), as the API says it."""
    from pathlib import Path

    from recur.kb.loader import display_path
    from recur.retrieval.patterns import not_found, retired, said_for_cli

    broken = {Path(rel).stem: display_path(Path(kb_dir) / rel) for rel in left_out}
    gone = retired(manifest)
    parts = [f"{pid}: its file {broken[pid]} has errors, so it is not in the index (run: recur check)"
             for pid in unknown if pid in broken]  # fmt: skip
    said = {pid: not_found(pid, gone, known, kb_dir=kb_dir) for pid in unknown if pid not in broken}
    # retired, or an onboarding path's id ('first-week-on-call' is an onboarding path ...: recur paths ...)
    parts += [said_for_cli(exc, config.where_flags(kb_dir)) for exc in said.values() if not exc.unknown]
    rest = [pid for pid, exc in said.items() if exc.unknown]
    if rest:
        from recur.cli.show import search_command

        parts.append(f"unknown or retired pattern id(s): {', '.join(_guess(pid, known) for pid in rest)}")
        # a search for each id with no close one (a word typed for what is seen), not one of all of them joined:
        # `recur lookalikes pager disk-ful` said "recur suggest 'pager disk-ful'" (found in a re-read); no close
        # one by the error's own ``meant``, as `recur show` decides it (one rule, not a second close_ids)
        words = [pid for pid in rest if not said[pid].meant]
        if words:
            parts.append(f"to search by what you see: {' or '.join(search_command(w, flags) for w in words)}")
    return "; ".join(parts)


def _guess(pid: str, known) -> str:
    """An id with the ones it was probably meant to be: ids are exact, and `Disk-Full` got no hint (review)."""
    from recur.util.text import close_ids

    close = close_ids(pid, known)
    return f"{pid} (did you mean {', '.join(close)}?)" if close else pid
