"""The "Retrieval model" page: which embedding model ranks the suggestions, and what `recur tune` changed.

Laid out from the tuning report (``report.json``, written by ``recur.tuning.report.build_report``):
the active tuned model of the KB, else the newest refused candidate (``OUT.rejected``), marked as
such. Without either, the page names the bundled model and how to tune. Reading a report never
loads the model or torch: it is one small JSON file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from recur.site.context import MODEL, Site
from recur.site.md import badge, cell, esc, front_matter, html_table, raw, raw_table, unsearched
from recur.tuning.data import HOLD_OUT_SHARE, INCIDENT_FLOOR, INCIDENT_FLOOR_PATTERNS
from recur.util.errors import RecurError

log = logging.getLogger("mkdocs.plugins.recur")

BUNDLED = "all-MiniLM-L6-v2"
METRICS = (("recall@1", "recall@1"), ("recall@3", "recall@3"), ("mrr", "MRR"))


def _read(folder: Path) -> dict | None:
    from recur.tuning.report import read_report

    return read_report(folder, log=log.info)


def find_model(kb_dir, model_dir=None) -> dict | None:
    """The tuning report to show for ``kb_dir``: {"report", "folder", "state", "newer_rejected"} or None.

    ``state`` is "active" (the KB's tuned model, as `recur index` would use it) or "rejected" (the
    newest candidate `recur tune` refused, when no tuned model is active). ``model_dir`` replaces
    the search (RECUR_TUNED, ./.recur/model, <kb>/../.recur/model): that folder and its
    ``.rejected`` sibling are read whatever KB they were tuned on.
    """
    from recur.retrieval.models import candidate_folders, tuned_model_for, tuned_on
    from recur.tuning.report import rejected_dir

    if model_dir is not None:
        folders, active = [Path(model_dir)], Path(model_dir)
    else:
        folders, active = candidate_folders(kb_dir), tuned_model_for(kb_dir)
    rejected = []
    for folder in folders:
        refused = rejected_dir(folder)
        r = _read(refused)
        if r is not None and (model_dir is not None or tuned_on(refused, r, kb_dir)):
            rejected.append((str(r.get("date", "")), refused, r))
    newest = max(rejected, key=lambda t: t[0]) if rejected else None
    report = _read(active) if active is not None else None
    if report is not None:
        later = newest if newest and newest[0] > str(report.get("date", "")) else None
        found = {"report": report, "folder": active, "state": "active", "newer_rejected": later and later[2]}
    elif newest is not None:
        found = {"report": newest[2], "folder": newest[1], "state": "rejected", "newer_rejected": None}
    else:
        return None
    return {**found, "live": _live(found, kb_dir)}


def _live(found: dict, kb_dir) -> dict:
    """What the KB uses now, looked up as `recur tune --report` does (report.in_use): found in review,
    after going back to the base model the page named the tuned model a refused candidate had been
    compared with as the one suggestions use, though it no longer existed."""
    from recur.tuning.report import in_use

    return in_use(Path(found["folder"]), found["report"], kb_dir)


# --- layout --------------------------------------------------------------------------------------


def _rank(r) -> str:
    return str(r) if r else "&gt;10"


def _num(x) -> str:
    return f"{x:.3f}" if isinstance(x, (int, float)) else "–"


def _delta(b, a) -> str:
    if not isinstance(b, (int, float)) or not isinstance(a, (int, float)):
        return ""
    d = a - b
    return f" <small>({d:+.3f})</small>" if abs(d) >= 0.0005 else ""


def _row(label: str, value: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{value}</dd>"


def _measured(r: dict) -> str:
    """What the model was measured on, e.g. "13 held-out incidents (time split)": found in review, a model
    measured on held-out incidents was said to be measured on "13 eval cases (held-out incidents ...)"."""
    from recur.tuning.report import measured_text

    n = (r.get("before", {}).get("hybrid") or {}).get("cases", len(r.get("cases") or []))
    return measured_text(r, n, r.get("gate"))


def _pairs(r: dict) -> str:
    """The pairs trained on, a final pass's included (tuning.report.pairs_text); "?" when not recorded."""
    from recur.tuning.report import pairs_text

    return pairs_text(r) if "pairs" in r else "? pairs"


def _questions(r: dict) -> str:
    """The kind of question a report's cases are: what the case tables are headed with."""
    if r.get("gate"):
        return "held-out incidents"
    return "held-out symptoms" if r.get("eval_source") == "held-out symptoms" else "eval cases"


def _decision(r: dict, live: dict) -> list:
    """The gate's decision as `recur tune --report` prints it: activated or refused and why, the interval,
    and the notes (the data floor, why it was compared with the base model)."""
    from recur.tuning.gate import gate_line
    from recur.tuning.report import state_text

    out = ["## Decision\n", f"**{esc(state_text(r, live))}**.\n"]
    gate = r.get("gate")
    if isinstance(gate, dict):
        try:
            out.append(f"{esc(gate_line(gate))}\n")
        except (KeyError, TypeError, ValueError):  # a damaged gate: the page is still built
            out.append(f"Decision: {esc(gate.get('verdict', '?'))}.\n")
    out += [f"Note: {esc(r[k])}.\n" for k in ("incident_note", "compared_note") if isinstance(r.get(k), str) and r[k]]
    return out


def _card(r: dict, state: str, folder) -> str:
    from recur.tuning.report import final_pass

    if state == "active" and r.get("activated", True) is False:  # --model-dir: a folder this KB does not use
        status = (
            badge("accepted", "st-draft")
            + " measured better, but <b>not</b> this KB's model (tuned into another folder)"
        )
    elif state == "active":
        status = (
            badge("active", "st-active") + " this KB's model: <code>recur index</code>, suggestions and search use it"
        )
    else:
        status = badge("rejected", "overdue") + " measured not better: <b>not</b> in use; the previous model stays"
    rows = [
        _row("Status", status),
        _row("Tuned model", f"<code>{esc(r.get('model_id', '?'))}</code>"),
        _row("Base model", f"<code>{esc(r.get('base_model', '?'))}</code>"),
        _row("Compared with", f"<code>{esc(r.get('compared_with', '?'))}</code>"),
        _row("Tuned on", esc(str(r.get("date", "?"))[:16].replace("T", " "))),
        _row(
            "Training",
            f"{esc(_pairs(r))} · {esc(_epochs(r.get('epochs')))} · seed {esc(r.get('seed', '?'))}",
        ),
        _row("Measured on", esc(_measured(r)) + ("" if final_pass(r) else ", never trained on")),
        _row("Folder", f"<code>{esc(folder)}</code>"),
    ]
    return raw('<dl class="recur-card" data-search-exclude>\n' + "\n".join(rows) + "\n</dl>")


def _figures(r: dict) -> str:
    rows = []
    for mode, label in (("hybrid", "hybrid (what suggestions use)"), ("dense", "dense only (the model alone)")):
        b, a = r["before"].get(mode) or {}, r["after"].get(mode) or {}
        rows.append(
            [esc(label)]
            + [f"{_num(b.get(k))} → <b>{_num(a.get(k))}</b>{_delta(b.get(k), a.get(k))}" for k, _ in METRICS]
        )
    return raw(html_table(["ranking"] + [h for _, h in METRICS], rows))


def _patterns(site: Site, ids) -> str:
    return ", ".join(site.pattern_link(MODEL, pid) for pid in ids or []) or "–"


def _top(site: Site, c: dict, key: str) -> str:
    top = c.get(key) or []
    if not top:
        return "–"
    first = top[0]
    text = site.pattern_link(MODEL, first)
    return text + (" ✓" if first in (c.get("expect") or []) else "")


def _source(c: dict) -> str:
    src = c.get("source") or ""
    return f"<code>{esc(Path(src).name)}{':' + esc(c['line']) if c.get('line') else ''}</code>" if src else "–"


def _case_rows(site: Site, cases: list, top_key: str) -> list:
    return [
        [
            f"{_rank(c.get('before'))} → <b>{_rank(c.get('after'))}</b>",
            f"{_rank(c.get('dense_before'))} → {_rank(c.get('dense_after'))}",
            _patterns(site, c.get("expect")),
            esc(c.get("query", "")),
            _top(site, c, top_key),
            _source(c),
        ]
        for c in cases
    ]


def _cases(site: Site, r: dict) -> list:
    cases = [c for c in r.get("cases") or [] if isinstance(c, dict)]
    up = [c for c in cases if (c.get("moved") or 0) > 0]
    down = [c for c in cases if (c.get("moved") or 0) < 0]
    dense = [c for c in cases if not c.get("moved") and c.get("dense_moved")]
    s = r.get("summary") or {"up": len(up), "down": len(down), "same": len(cases) - len(up) - len(down)}
    what = _questions(r)
    out = [
        f"## {what.capitalize()} that moved\n",
        f"Rank of the expected pattern for each of the {what}, before → after tuning (1 = first suggestion; "
        f"&gt;10 = not in the top 10). In the hybrid ranking **{s.get('up', 0)} moved up, "
        f"{s.get('down', 0)} moved down, {s.get('same', 0)} did not move**. ✓ marks a first suggestion that "
        "is the expected pattern.\n",
    ]
    head = ["hybrid rank", "dense rank", "expected pattern", "eval case (query)"]
    out.append(f"### Moved up ({len(up)})\n")
    out.append(
        raw_table(head + ["first suggestion before", "case"], _case_rows(site, up, "top_before"), "No case moved up.\n")
    )
    out.append(f"### Moved down ({len(down)})\n")
    out.append(
        "When a case moved down, the first suggestion now is the pattern the tuned model prefers for "
        "that description: compare the two patterns' symptoms and signals.\n"
    )
    out.append(
        raw_table(head + ["first suggestion now", "case"], _case_rows(site, down, "top_after"), "No case moved down.\n")
    )
    if dense:
        out.append(f"### Same hybrid rank, moved in the dense-only ranking ({len(dense)})\n")
        out.append(raw_table(head + ["first suggestion now", "case"], _case_rows(site, dense, "top_after")))
    return out


def _neighbours(site: Site, r: dict) -> list:
    pairs = [n for n in r.get("neighbours") or [] if isinstance(n, dict)]
    out = [
        "## Neighbour pairs that changed most\n",
        "Cosine similarity of two patterns' text (title, summary, root cause) under the model before → "
        "after, for pairs where one pattern is among the other's nearest. **Closer** (+): the model now "
        "reads the two failures as more alike, so a description of one suggests the other more readily. "
        "**Further apart** (−): it learned to tell them apart.\n",
    ]
    rows = [
        [
            site.pattern_link(MODEL, n.get("a", "?"), n.get("a_title")),
            site.pattern_link(MODEL, n.get("b", "?"), n.get("b_title")),
            f"{_num(n.get('before'))} → <b>{_num(n.get('after'))}</b>",
            f"{n['change']:+.3f} " + ("closer" if n["change"] > 0 else "further apart")
            if isinstance(n.get("change"), (int, float))
            else "–",
        ]
        for n in pairs
    ]
    out.append(raw_table(["pattern", "pattern", "similarity", "change"], rows, "No neighbour pairs recorded.\n"))
    return out


def _no_model() -> list:
    from recur.retrieval.embed import resolve

    try:
        bundled = resolve("default").model_id
    except RecurError:  # the model package is missing (embed.resolve says so): the page still builds
        bundled = BUNDLED
    return [
        f"Suggestions use the bundled general-purpose model **{BUNDLED}** (`{bundled}`): no tuned model "
        "exists for this knowledge base yet.\n",
        "## Tune it on this knowledge base\n",
        "`recur tune` fine-tunes a copy of the model on the KB's own text (each pattern's symptoms, signals "
        "and titles, linked incidents' summaries, confirmed 👍 feedback), measures it before and after on the "
        f"newest {round(HOLD_OUT_SHARE * 100)}% of the linked incidents when there are {INCIDENT_FLOOR} or more "
        f"covering {INCIDENT_FLOOR_PATTERNS} patterns (else on `kb/eval/cases.yml`, or on "
        "held-out symptoms), never on what it trained on, and makes it the active model only when it is not "
        "worse:\n",
        # each comment above its command, in short lines: beside it, the first ran under the block's copy button
        "```\n# fine-tune and measure it,\n# activated only if not worse\nrecur tune\n\n"
        "# what changed\nrecur tune --report\n\n# this page then shows what moved\nrecur site\n```\n",
    ]


def model_page(site: Site, model: dict | None) -> str:
    out = [
        front_matter(title="Retrieval model"),
        "# Retrieval model\n",
        "Suggestions rank patterns by a hybrid of word and signal matching and an embedding model's "
        "similarity. This page shows which model is in use and what tuning it on this knowledge base "
        "changed (`recur tune --report` prints the same).\n",
    ]
    if model is None:
        return "\n".join(out + _no_model())
    r, state = model["report"], model["state"]
    live = model.get("live") or {}
    if state == "rejected":
        uses = live.get("uses") or "the model in use before"
        out.append(
            '!!! warning "Rejected candidate: not in use"\n    `recur tune` measured this candidate as not '
            f"better than <code>{esc(r.get('compared_with', '?'))}</code> and did not activate it; suggestions "
            f"use <code>{esc(uses)}</code>. The figures below show why.\n"
        )
    newer = model.get("newer_rejected")
    if newer:
        out.append(
            '!!! note "A newer candidate was rejected"\n    On '
            f"{cell(str(newer.get('date', '?'))[:10])} `recur tune` trained "
            f"<code>{esc(newer.get('model_id', '?'))}</code> and measured it as not better; the model below stays "
            "active.\n"
        )
    out.append(_card(r, state, model["folder"]))
    out.append("## Before and after\n")
    out.append(
        f"Measured on {esc(_measured(r))} with <code>{esc(r.get('compared_with', '?'))}</code> (before) and the "
        "tuned model (after). recall@k: share of cases whose expected pattern is in the first k suggestions; "
        "MRR: mean of 1/rank.\n"
    )
    out.append(_figures(r))
    out += _decision(r, live)
    # what moved and the neighbour pairs name patterns and eval queries: out of the site search, as lists
    # of patterns are (its title, intro, figures and decision are indexed)
    out += [unsearched(x) for x in (*_cases(site, r), *_neighbours(site, r))]
    return "\n".join(out)


def _epochs(n) -> str:
    """"3 epochs", "1 epoch": a report.json without the number (or not a number) says "? epochs"."""
    from recur.util.text import plural

    return plural(n, "epoch") if isinstance(n, int) and not isinstance(n, bool) else f"{n if n is not None else '?'} epochs"
