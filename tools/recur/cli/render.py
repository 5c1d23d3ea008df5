"""The responder's terminal view of suggestions: what to do first, what to keep."""

from __future__ import annotations

import click

# the wording every surface shares (MCP and Slack too): kept importable from here, where it began
from recur.kb.records import draft_mark
from recur.retrieval.results import check_both, confidence_text, flat, short, why_text

SEV_COLOUR = {"sev1": "red", "sev2": "yellow", "sev3": "cyan", "sev4": "white"}
CONF_COLOUR = {"high": "green", "medium": "yellow", "low": "white"}


NO_KNOWN_PATTERN = (
    "No known pattern matches this. If it is new, record it: recur incident new "
    '(it lands under "needs analysis" on the board), then draft a pattern with '
    "recur new pattern, or recur import the postmortem once it is written."
)


def for_terminal(value):
    """``value`` (a suggestion result, the board) with each string's control characters shown
    escaped (``\\x1b``): text from the KB printed as it is could clear the screen or set the window
    title of whoever reads it (a runbook step, a file name; front matter that holds one is an error
    of `recur check`, and its record is left out). Lists, tuples and mappings alike."""
    from recur.util.text import escape_controls

    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, dict):
        return {k: for_terminal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(for_terminal(v) for v in value)
    return value


def render_answer(answer, steps: int = 3, kb_dir: str = "kb") -> str:
    """An Answer (retrieval.results.Answer): the verdict first when nothing known matches, then the closest,
    and with two or more results the verdict once more at the end: five results run to ~60 lines, and
    a terminal shows the bottom of them, not the top."""
    results = answer.results
    if answer.no_known_pattern and not results:
        return click.style(NO_KNOWN_PATTERN, fg="yellow", bold=True)
    body = render_results(results, steps=steps, kb_dir=kb_dir)
    if answer.no_known_pattern:
        body = (
            click.style(NO_KNOWN_PATTERN, fg="yellow", bold=True)
            + "\n\nClosest patterns, for comparison only:\n\n"
            + body
        )
    if len(results) < 2:
        return body
    if answer.no_known_pattern:
        again = click.style(
            "↑ No known pattern matches: the patterns above are the closest, for comparison only.", fg="yellow"
        )
    else:
        again = click.style(_best_match(results), dim=True)
    return body + "\n" + again


def _best_match(results: list[dict]) -> str:
    """The footer naming the first result; and, when one below it is rated more likely right, that
    one too (results.check_both, the rule MCP and Slack say it by)."""
    results = for_terminal(results)
    best = results[0]
    # "ranked first", not "best match": the rank is the fused score, and a result below may be rated more
    # likely right (said next, check_both); the surfaces say "in ranked order" alike (results.match_line)
    line = f"↑ Ranked first: {best['title']} ({best['id']}, {best['confidence']} confidence), first above."
    both = check_both(results)
    return line if both is None else f"{line[:-1]}; {both}."


def render_results(results: list[dict], steps: int = 3, kb_dir: str = "kb") -> str:
    if not results:
        return NO_KNOWN_PATTERN
    results, kb_dir = for_terminal(results), for_terminal(kb_dir)
    out = []
    for r in results:
        # an import's draft: its runbook is a TODO until a person reviews and promotes it (rated at most medium)
        tag = draft_mark(r)
        sev = click.style(r["severity"], fg=SEV_COLOUR.get(r["severity"], "white"), bold=True)
        conf = click.style(confidence_text(r), fg=CONF_COLOUR[r["confidence"]])
        score = f", score {r['score']:.2f}" if r.get("probability") is not None else ""
        out.append(
            click.style(f"{r['rank']}. {r['title']}{tag}", bold=True)
            + f"  ({r['id']} · {sev} · {r['category']} · {conf}{score})"
        )
        if r["why"]:
            out.append("   why: " + why_text(r))
        if r.get("incidents"):
            out.append(f"   seen before: {r['incidents']} incident(s)")
        if r["evidence"]:
            out.append(click.style("   Preserve before restoring:", fg="magenta", bold=True))
            # all of it: what is not kept now is gone once restored, and a cut list did not say so
            out.extend(f"     - {flat(e)}" for e in r["evidence"])
        if r["runbook"] and steps > 0:  # --steps 0: no heading over nothing
            out.append(click.style("   First steps:", bold=True))
            for i, step in enumerate(r["runbook"][:steps], 1):
                out.append(f"     {i}. {flat(step)}")
            more = len(r["runbook"]) - steps
            if more > 0:
                out.append(f"     … {more} more step(s)")
        for d in r.get("look_alikes", []) or []:
            out.append(f"   vs {d['id']}: {d.get('by') or 'close call; no distinguishing signal declared'}")
        out.append(f"   read more: {kb_dir.rstrip('/')}/{r['path']}")
        out.append("")
    return "\n".join(out).rstrip()


def first_log_line(prepared, n: int = 100) -> str:
    """The first of the log lines a Prepared (retrieval.query) searched, past the words before the log, quoted
    and cut to ``n`` characters: "searched the 1 error line and 5 lines with no level" does not say which
    lines, and the terminal shows no other trace of them (the JSON answer's ``query`` does)."""
    first = prepared.text.split("\n")[prepared.log_before]
    return f'"{for_terminal(short(first, n))}"'
