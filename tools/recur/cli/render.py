"""The responder's terminal view of suggestions: what to do first, what to keep."""

from __future__ import annotations

import math

import click

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
    """An Answer (engine.Answer): the verdict first when nothing known matches, then the closest,
    and with two or more results the verdict once more at the end: five results run to ~60 lines, and
    a terminal shows the bottom of them, not the top."""
    results = answer.results
    if answer.no_known_pattern and not results:
        return click.style(NO_KNOWN_PATTERN, fg="yellow", bold=True)
    body = render_results(answer.query, results, steps=steps, kb_dir=kb_dir)
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
    one too. The ranking (fused scores) and each result's probability (the calibrator) can disagree
    ("latency": rank 1 at 27%, rank 3 at 40%), and a footer naming only the first, under a higher
    percentage further up the screen, read as a mistake. Both are said: check both."""
    results = for_terminal(results)
    best = results[0]
    line = f"↑ Best match: {best['title']} ({best['id']}, {best['confidence']} confidence), first above."
    probs = [r.get("probability") for r in results]
    if None in probs:
        return line
    from recur.retrieval.results import rivals  # the rule import and --link-top decide by, too

    k = max(rivals(results), key=lambda i: (probs[i], -i), default=0)
    if probs[k] <= probs[0] or _percent(probs[k]) == _percent(probs[0]):
        return line
    other = results[k]
    return (
        f"{line[:-1]}; {other['id']} (#{other['rank']}) is rated more likely right "
        f"({_percent(probs[k])} against {_percent(probs[0])}): check both."
    )


def render_results(query: str, results: list[dict], steps: int = 3, kb_dir: str = "kb") -> str:
    if not results:
        return NO_KNOWN_PATTERN
    results, kb_dir = for_terminal(results), for_terminal(kb_dir)
    out = []
    for r in results:
        # an import's draft: its runbook is a TODO until a person reviews and promotes it (rated at most medium)
        tag = " [DRAFT: imported, not yet reviewed]" if r.get("import_draft") else " [DRAFT]" if r["draft"] else ""
        sev = click.style(r["severity"], fg=SEV_COLOUR.get(r["severity"], "white"), bold=True)
        conf = click.style(confidence_text(r), fg=CONF_COLOUR[r["confidence"]])
        score = f", score {r['score']:.2f}" if r.get("probability") is not None else ""
        out.append(
            click.style(f"{r['rank']}. {r['title']}{tag}", bold=True)
            + f"  ({r['id']} · {sev} · {r['category']} · {conf}{score})"
        )
        if r["why"]:
            parts = [f"{_why_field(w)} “{_short(w['text'], 90)}”" for w in r["why"][:3]]
            out.append("   why: " + "; ".join(parts))
        if r.get("incidents"):
            out.append(f"   seen before: {r['incidents']} incident(s)")
        if r["evidence"]:
            out.append(click.style("   Preserve before restoring:", fg="magenta", bold=True))
            # all of it: what is not kept now is gone once restored, and a cut list did not say so
            out.extend(f"     - {_flat(e)}" for e in r["evidence"])
        if r["runbook"] and steps > 0:  # --steps 0: no heading over nothing
            out.append(click.style("   First steps:", bold=True))
            for i, step in enumerate(r["runbook"][:steps], 1):
                out.append(f"     {i}. {_flat(step)}")
            more = len(r["runbook"]) - steps
            if more > 0:
                out.append(f"     … {more} more step(s)")
        for d in r.get("look_alikes", []) or []:
            out.append(f"   vs {d['id']}: {d.get('by') or 'close call; no distinguishing signal declared'}")
        out.append(f"   read more: {kb_dir.rstrip('/')}/{r['path']}")
        out.append("")
    return "\n".join(out).rstrip()


def confidence_text(r: dict) -> str:
    """A result's confidence as a responder reads it. Calibrated: with its chance of being right. A KB
    too small to calibrate on (under 10 patterns, ``probability`` null) has a rule's confidence instead
    (an exact signal or a close match), said so; its fused score is left out, as a z-score over a
    handful of candidates means nothing (a lone pattern scored 0.00 beside "high confidence")."""
    if r.get("probability") is None:
        return f"{r['confidence']} confidence by rule: too few patterns to estimate"
    return f"{r['confidence']} confidence ({_percent(r['probability'])} likely right)"


def _percent(p: float) -> str:
    """Whole percents, but never 0% or 100%: a fitted probability is not a certainty, and a
    responder reading "100% likely right" would stop looking."""
    if p >= 0.995:
        return ">99%"
    if p < 0.005:
        return "<1%"
    # rounded down, so the number agrees with the word: confidence is read from the probability
    # (high from 0.8), and 0.795 rounded to "medium confidence (80% likely right)"; 1e-9: 0.29 * 100
    # is 28.999999999999996. The site's badge does the same (recur-suggest.js)
    return f"{max(1, math.floor(p * 100 + 1e-9))}%"


def _flat(text: str) -> str:
    """One line, never cut: steps and evidence are instructions, and a cut one lost its caveat
    ("only if ...") or ended inside a command; the terminal wraps a long line, copy-paste intact."""
    return " ".join(text.split())


def first_log_line(prepared, n: int = 100) -> str:
    """The first of the log lines a Prepared (retrieval.query) searched, past the words before the log, quoted
    and cut to ``n`` characters: "searched the 1 error line and 5 lines with no level" does not say which
    lines, and the terminal shows no other trace of them (the JSON answer's ``query`` does)."""
    first = prepared.text.split("\n")[prepared.log_before]
    return f'"{for_terminal(_short(first, n))}"'


def _short(text: str, n: int) -> str:
    """For quotes (why): an excerpt is enough to recognise what matched."""
    text = _flat(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _why_field(w: dict) -> str:
    """A why entry's label: "like the signal" when it is close in meaning, not found in the text."""
    return f"like the {w['field']}" if w.get("match") == "meaning" else w["field"]
