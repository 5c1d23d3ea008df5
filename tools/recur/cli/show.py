"""`recur show ID` and `recur paths [ID]`: a pattern, an incident or the onboarding paths, read in the terminal.

A thin layer: a pattern is the index's object, the one GET /api/patterns/{id} and MCP's get_pattern give
(retrieval.patterns.pattern_object), or, the index being out of date, the KB's files read as it would hold them
(retrieval.pattern_read), an incident the KB's record (retrieval.patterns.incident_object), the
paths the KB's, in the site's order (site.record_pages.path_order); cli/render.py draws them. Found in a
new-hire review: the CLI could list or read none of them, and `recur path`, `recur show` were no commands."""

from __future__ import annotations

import json
import re

import click

from recur import config
from recur.cli.options import index_option, kb_option, model_option
from recur.util.errors import RecurError

# an incident id (kb.incident_record.ID_RE), in any letter case: `recur show inc-2026-0001` is one too
_INCIDENT = re.compile(r"^INC-\d{4}-\d+$", re.IGNORECASE)


@click.command("show")
@kb_option
@index_option
@model_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the JSON object: a pattern's as GET /api/patterns/ID gives it, an incident's as MCP's past_incidents "
    "lists it (id, title, date, severity, services, patterns, summary, review, path, duration_minutes, follow_ups, "
    "flags, sections).",
)
@click.option("--steps", default=0, type=click.IntRange(0), help="Runbook steps shown (default 0: all of them).")
@click.argument("item_id", metavar="ID")
def show(kb_dir, index_dir, model, as_json, steps, item_id):
    """Print a failure pattern (by its id) or an incident record (INC-YYYY-NNNN) readably.

    \b
    recur show disk-full         title, severity, summary, symptoms, runbook, root cause, fix
    recur show INC-2026-0101     title, date, severity, review, summary, flags, follow-ups, root cause, patterns
    recur show disk-full --json  the pattern as the API and MCP give it

    A pattern is read from the index while it is up to date with the KB, else from the KB's files
    (no index is built or updated: its look-alikes are then as the index was last built, said on
    stderr); a retired pattern is read from its file, its first line naming what replaced it; an
    unknown id is an error naming the ids it was probably meant to be. --model is not used: no model
    is loaded.
    """
    del model  # kept for the scripts that pass it
    if _INCIDENT.match(item_id.strip()):
        doc, text = _incident(kb_dir, item_id.strip())
    else:
        doc, text = _pattern(kb_dir, index_dir, item_id, steps)
    click.echo(json.dumps(doc, ensure_ascii=False, indent=1) if as_json else text)


def _pattern(kb_dir, index_dir, given: str, steps: int) -> tuple[dict, str]:
    from recur.cli.render import render_pattern
    from recur.retrieval.pattern_read import read_pattern
    from recur.retrieval.patterns import PatternNotFound, said_for_cli

    if not given.strip():
        raise RecurError("ID: must not be empty: give a pattern id, e.g. disk-full, or an incident id")
    flags = config.where_flags(kb_dir, index_dir)  # in every command printed to copy: this run's KB and index
    # without the Engine (model, numpy, bm25s: 1-3 s, and a first run built the index, 40 s on 60 patterns on a
    # busy machine): the index's docs while it is fresh, else the KB's files (retrieval.pattern_read)
    try:
        read = read_pattern(kb_dir, index_dir, given, lambda line: click.echo(line, err=True))  # stdout: the pattern
    except PatternNotFound as exc:
        if exc.incident_id is not None and given.strip().casefold() == exc.incident_id.casefold():
            return _incident(kb_dir, exc.incident_id)  # an id of its own in any case (pay-482): it, or its errors
        if exc.unknown and (own := _incident_of_own_id(kb_dir, given.strip())):
            return own
        if not exc.unknown or exc.meant:  # retired, left out for errors, an onboarding path's id: said as it is
            # a close id (`recur show disk-ful`: did you mean 'disk-full'?) is a typo, no word to search for, as
            # `recur lookalikes` says it: "did you mean" and a search as well was two answers (found in review)
            paths_flags = config.where_flags(kb_dir)  # `recur paths` reads no index
            if said_for_cli(exc, paths_flags) == str(exc):
                raise
            raise RecurError(
                said_for_cli(exc, paths_flags)
            ) from None  # an onboarding path's command, with the run's --kb
        raise RecurError(f"{exc}; to search by what you see: {search_command(given, flags)}") from None
    return read.doc, render_pattern(read.doc, read.titles, steps=steps, kb_dir=str(kb_dir), flags=flags)


def search_command(given: str, flags: str = "") -> str:
    """`recur suggest "TEXT"` for a word given as an id that is none: a newcomer types what they see, `recur show
    pager`, and got only "no pattern with id 'pager'" (found in a new-hire review). ``flags``: the run's --kb and
    --index (config.where_flags): `recur show --kb kb2 503` printed `recur suggest "503"`, which searched ./kb."""
    import shlex

    text = given.strip()
    # in double quotes where a shell reads nothing in them: `it's broken` was 'it'"'"'s broken (shlex.quote)
    plain = not any(c in text for c in '"$`\\!')
    return f"recur suggest {flags}{f'{chr(34)}{text}{chr(34)}' if plain else shlex.quote(text)}"


def _incident_of_own_id(kb_dir, given: str) -> tuple[dict, str] | None:
    """The incident recorded with an id of its own (`recur incident new --id INC-9`, `--id db-outage-2026`), which
    is no INC-YYYY-NNNN: looked for once no pattern has that id. Found by fuzzing: such a record, which `recur
    check` passes and `recur incident review` finds, was "no pattern with id 'inc-9'" to `recur show`."""
    from pathlib import Path

    from recur.kb.loader import load_kb

    # an index-only deployment (no KB folder) has no incidents to look in: its "no pattern … did you mean" stands
    if not given or not Path(kb_dir).is_dir():
        return None
    kb = load_kb(kb_dir)
    return _incident(kb_dir, given, kb) if _recorded(kb, given) is not None else None


def _recorded(kb, given: str):
    """The incident of id ``given``: as given first (`--id inc-2026-0001` recorded one in lower case), then in any
    letter case when one record alone has it so (`recur show pay-482` of `--id PAY-482`, `INC-2026-0050` of
    `--id inc-2026-0050`: "no incident", as MCP and the API named them so; found in a re-read)."""
    if given in kb.incidents:
        return kb.incidents[given]
    folded = [i for i in kb.incidents.values() if i.id.casefold() == given.casefold()]
    return folded[0] if len(folded) == 1 else None


def _incident(kb_dir, given: str, kb=None) -> tuple[dict, str]:
    from pathlib import Path

    from recur.cli.render import render_incident
    from recur.kb.loader import load_kb
    from recur.retrieval.patterns import incident_object

    kb = kb or load_kb(kb_dir)
    iid = given.upper()
    incident = _recorded(kb, given)
    if incident is None:
        # a file of that id the loader left out (misplaced, a bad severity): its error, as the edit commands'
        # notes say it (cli/incident._left_out_note), not "no incident … did you mean" (found in a re-read)
        if first := next((p for p in kb.errors if Path(str(p.path)).stem.upper() == iid), None):
            raise RecurError(
                f"{iid} has errors recur check reports ({first}); until they are fixed it is left out of "
                "recur show, recur report, the board and the site"
            )
        raise RecurError(f"no incident with id {iid!r} in {kb_dir}{_meant(iid, kb.incidents)}")
    titles = {pid: kb.patterns[pid].title for pid in incident.patterns if pid in kb.patterns}
    doc = incident_object(incident)  # built once: the --json object and the text's (render_incident copies it)
    return doc, render_incident(doc, titles, kb_dir=str(kb_dir))


@click.command("paths")
@kb_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: without ID, a list of {id, title, audience, steps} (steps: how many); with ID, the path "
    "{id, title, audience, path, steps: [{pattern, title, why}]}.",
)
@click.argument("path_id", metavar="[ID]", required=False)
def paths(kb_dir, as_json, path_id):
    """The onboarding paths: the patterns a newcomer reads first, in order.

    \b
    recur paths                      each path: its id, title and number of steps, in the site's order
    recur paths first-week-on-call   its steps in order: each pattern's id and title, and why it is there

    The site shows the same paths at /paths/ (recur serve, then open it), with a progress checklist.
    """
    from recur.cli.render import render_path, render_paths
    from recur.kb.loader import load_kb
    from recur.site.record_pages import path_order

    kb = load_kb(kb_dir)
    if path_id is None:
        listed = [_path_brief(p) for p in sorted(kb.paths.values(), key=path_order)]
        click.echo(json.dumps(listed, ensure_ascii=False, indent=1) if as_json else render_paths(listed, str(kb_dir)))
        return
    # case folded as a pattern id is (retrieval.patterns.given_pattern_id): `First-Week-On-Call` is one
    path = kb.paths.get(path_id.strip()) or kb.paths.get(path_id.strip().lower())
    if path is None:
        _not_a_path_but_a_pattern(kb, path_id.strip())
        meant = _meant(path_id.strip(), kb.paths)
        known = f"; the paths: {', '.join(sorted(kb.paths))}" if kb.paths and not meant else ""
        raise RecurError(f"no onboarding path with id {path_id.strip()!r} in {kb_dir}{meant}{known}")
    doc = {
        "id": path.id,
        "title": path.title,
        "audience": path.audience,
        "path": path.relpath,
        "steps": [
            {
                "pattern": s.pattern,
                "title": kb.patterns[s.pattern].title if s.pattern in kb.patterns else None,
                "why": s.why,
                "status": kb.patterns[s.pattern].status if s.pattern in kb.patterns else None,
            }
            for s in path.steps
        ],
    }
    click.echo(json.dumps(doc, ensure_ascii=False, indent=1) if as_json else render_path(doc))


def _not_a_path_but_a_pattern(kb, given: str) -> None:
    """A pattern's id given to `recur paths` (`recur paths disk-full`): said so, with the command that prints it and
    the paths that list it, as `recur show first-week-on-call` says a path's id is no pattern's. It was "no
    onboarding path with id 'disk-full'" and the list of paths, and a newcomer who had just read the id as a
    path's step did not know which it was."""
    from recur.site.record_pages import path_order

    pid = given if given in kb.patterns else given.lower()
    if pid not in kb.patterns:
        return
    places = [  # in the site's order of paths, as `recur paths` lists them
        f"step {i + 1} of {p.id}"
        for p in sorted(kb.paths.values(), key=path_order)
        for i, step in enumerate(p.steps)
        if step.pattern == pid
    ]
    where = f"it is {', '.join(places)}" if places else "no onboarding path lists it"
    raise RecurError(
        f"{pid!r} is a pattern ({kb.patterns[pid].relpath}), not an onboarding path: recur show {pid} prints it; "
        f"{where}; recur paths lists the paths"
    )


def _meant(given: str, known) -> str:
    """' (did you mean …?)' naming the ids of ``known`` close to ``given``; empty when none is."""
    from recur.util.text import close_ids

    close = close_ids(given, known)
    return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


def _path_brief(p) -> dict:
    return {"id": p.id, "title": p.title, "audience": p.audience, "steps": len(p.steps)}
