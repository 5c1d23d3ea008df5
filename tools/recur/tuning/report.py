"""What a tuning run changed, for authors: eval cases that moved, neighbour pairs that moved.

``report.json`` (in the tuned model folder, or OUT.rejected for a refused candidate) holds:
``model_id, base_model, compared_with, kb, date, accepted, eval_source, before {hybrid, dense},
after {hybrid, dense}, cases [...], neighbours [...], summary {up, down, same}``, and (issue 13)
``gate`` (the decision on held-out incidents, tuning.gate; null when measured on eval cases or
symptoms), ``dense_check`` (the dense-only Δ reciprocal rank on the same cases that can refuse
a candidate: tuning.gate.dense_loss), ``incident_note`` (why not on incidents), ``compared_note`` (why compared with the
base model, not the active one: tune.fair_comparison), ``linked_incidents``. Each case:
``query, expect, source, line, before, after, dense_before, dense_after`` (ranks 1-10 or
null when outside the top 10), ``moved`` (+ = closer to the top), ``top_before``,
``top_after``. Each neighbour pair: ``a, b, a_title, b_title, before, after, change``
(cosine similarity of the patterns' doc views, base vs tuned), biggest changes first.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from recur.util.errors import RecurError
from recur.util.text import plural

NEIGHBOURS = 3  # a pair is shown when either pattern is among the other's 3 nearest
SHOW_PAIRS = 15
OUTSIDE = 11  # rank used for "not in the top 10" when computing movement


def _moved(before, after) -> int:
    return (before or OUTSIDE) - (after or OUTSIDE)


def case_moves(data, before, after) -> list:
    out = []
    for case, b, a in zip(data.cases, before.ranks, after.ranks):
        out.append(
            {
                "query": case.query,
                "expect": case.expect,
                "source": case.source,
                "line": case.line,
                "before": b["hybrid"],
                "after": a["hybrid"],
                "dense_before": b["dense"],
                "dense_after": a["dense"],
                "moved": _moved(b["hybrid"], a["hybrid"]),
                "dense_moved": _moved(b["dense"], a["dense"]),
                "top_before": b["top"],
                "top_after": a["top"],
            }
        )
    out.sort(key=lambda c: (-abs(c["moved"]), -abs(c["dense_moved"]), c["query"]))
    return out


def neighbour_changes(
    before_vecs: dict, after_vecs: dict, titles: dict, k: int = NEIGHBOURS, show: int = SHOW_PAIRS
) -> list:
    """Nearest-neighbour pattern pairs (by doc-view cosine) whose similarity changed most."""
    ids = sorted(set(before_vecs) & set(after_vecs))
    if len(ids) < 2:
        return []
    b = np.stack([before_vecs[i] for i in ids]).astype(np.float32)
    a = np.stack([after_vecs[i] for i in ids]).astype(np.float32)
    sb, sa = b @ b.T, a @ a.T
    np.fill_diagonal(sb, -np.inf)
    np.fill_diagonal(sa, -np.inf)
    kk = min(k, len(ids) - 1)
    pairs = set()
    for sims in (sb, sa):
        for i, row in enumerate(np.argsort(-sims, axis=1)[:, :kk]):
            pairs.update((min(i, j), max(i, j)) for j in row)
    rows = [
        {
            "a": ids[i],
            "b": ids[j],
            "a_title": titles.get(ids[i], ids[i]),
            "b_title": titles.get(ids[j], ids[j]),
            "before": round(float(sb[i, j]), 4),
            "after": round(float(sa[i, j]), 4),
            "change": round(float(sa[i, j] - sb[i, j]), 4),
        }
        for i, j in pairs
    ]
    rows.sort(key=lambda r: (-abs(r["change"]), r["a"], r["b"]))
    return rows[:show]


def build_report(manifest: dict, data, before, after, kb) -> dict:
    cases = case_moves(data, before, after)
    titles = {pid: p.title for pid, p in kb.patterns.items()}
    return {
        **{
            k: manifest[k]
            for k in (
                "model_id",
                "base_model",
                "compared_with",
                "kb",
                "date",
                "accepted",
                "eval_source",
                "epochs",
                "seed",
                "pairs",
                "training_data_hash",
            )
        },
        "kb_relative": manifest.get("kb_relative"),
        "activated": manifest.get("activated"),  # accepted, and where this KB finds it (None: not accepted)
        "gate": manifest.get("gate"),
        "dense_check": manifest.get("dense_check"),  # null in a manifest from before it
        "incident_note": manifest.get("incident_note", ""),
        "compared_note": manifest.get("compared_note", ""),
        "linked_incidents": manifest.get("linked_incidents", 0),
        # an accepted model measured on held-out incidents then learns them in one more pass: the figures
        # are the model's before it (found in review: "never trained on" was said of the final model)
        "final_pass_pairs": manifest.get("final_pass_pairs", 0),
        "trained_incident_count": len(manifest.get("trained_incidents") or []),
        "before": {"hybrid": before.hybrid, "dense": before.dense},
        "after": {"hybrid": after.hybrid, "dense": after.dense},
        "summary": {
            "up": sum(c["moved"] > 0 for c in cases),
            "down": sum(c["moved"] < 0 for c in cases),
            "same": sum(c["moved"] == 0 for c in cases),
        },
        "cases": cases,
        "neighbours": neighbour_changes(before.docvecs, after.docvecs, titles),
    }


REPORT = "report.json"  # beside the tuned model (or its .rejected candidate)


def read_report(folder: Path, log=None) -> dict | None:
    """The tuning report in ``folder``, or None when there is none or it is not one (``log``: told why)."""
    path = Path(folder) / REPORT
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and isinstance(data.get("before"), dict) and isinstance(data.get("after"), dict)):
        if log is not None:
            log(f"recur: {path}: not a tuning report; left out")
        return None
    return data


def rejected_dir(out_dir: Path) -> Path:
    """Where a refused candidate of OUT is kept (OUT.rejected, beside it)."""
    return out_dir.with_name(out_dir.name + ".rejected")


def previous_dir(out_dir: Path) -> Path:
    """Where the model an activation replaced is kept (OUT.previous; absent: the bundled base model
    was in use), for `recur tune --rollback`."""
    return out_dir.with_name(out_dir.name + ".previous")


def _folders(out_dir: Path) -> tuple:
    return out_dir, rejected_dir(out_dir)


def shown_report(out_dir: Path) -> tuple | None:
    """(path, report, newer refused report or None) for `recur tune --report`: OUT's own report, the
    model in use; OUT.rejected's only when OUT has none (nothing was ever activated there). Found in
    review: the newest of the two was shown, so after a refused re-tune the report of the model the
    KB uses could not be shown at all."""
    out_dir = Path(out_dir)
    own, refused = read_report(out_dir), read_report(rejected_dir(out_dir))
    if own is None:
        return (rejected_dir(out_dir) / REPORT, refused, None) if refused is not None else None
    newer = refused if refused is not None and str(refused.get("date", "")) > str(own.get("date", "")) else None
    return out_dir / REPORT, own, newer


_KINDS = {
    "model_id": str,
    "date": str,
    "compared_with": str,
    "eval_source": str,
    "before": dict,
    "after": dict,
    "summary": dict,
    "cases": list,
    "neighbours": list,
}


def report_problem(r: dict) -> str | None:
    """What keeps ``r`` from being shown (a field missing or of the wrong kind), or None."""
    for key in (*_KINDS, "pairs", "epochs", "seed"):
        if key not in r:
            return f"no {key!r}"
        if key in _KINDS and not isinstance(r[key], _KINDS[key]):
            return f"{key!r} is not a {'text' if _KINDS[key] is str else _KINDS[key].__name__}"
    try:
        render_report(r)
    except KeyError as exc:
        return f"no {exc.args[0]!r}"
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        return f"a field of the wrong kind ({exc})"
    return None


def report_text(out_dir: Path, as_json: bool = False, kb_dir=None) -> str:
    """`recur tune --report`: the report of the model in OUT (else of its refused candidate
    OUT.rejected), rendered or as JSON, with one line naming a newer refused candidate and the
    command that shows it; a RecurError naming the file when there is none or it cannot be read.
    ``kb_dir``: the KB asked about (else the report's own), whose model in use the report names."""
    out_dir = Path(out_dir)
    found = shown_report(out_dir)
    if found is None:
        present = [f for d in _folders(out_dir) if (f := d / REPORT).is_file()]
        if present:
            raise RecurError(f"{present[0]}: not a readable tuning report (damaged?); run recur tune again")
        raise RecurError(f"no tuning report in {out_dir} (run: recur tune)")
    path, report, newer = found
    problem = report_problem(report)
    if problem:
        raise RecurError(f"{path}: not a readable tuning report ({problem}; damaged?); run recur tune again")
    if as_json:
        return json.dumps(report, indent=1, ensure_ascii=False)
    head, _, rest = render_report(report, in_use(path.parent, report, kb_dir)).partition("\n")
    if newer is not None:  # under the headline: the case list below can be long
        head += (
            f"\n  a newer candidate ({newer.get('model_id', '?')}, tuned {str(newer.get('date', '?'))[:16]}) "
            f"was NOT activated; to see it: recur tune --report --out {rejected_dir(out_dir)}"
        )
    return f"{head}\n{rest}"


def in_use(folder: Path, r: dict, kb_dir=None) -> dict:
    """What the KB uses now, looked up (not what the report recorded when it was written): found in
    review, `--report` in a checkout whose .recur/model held another KB's model called it "active",
    and the report of a refused candidate did not say which model stayed in use.
    {"kb", "active": this folder is the KB's model, "ours": tuned on that KB, "uses": model id}."""
    from recur.retrieval.models import read_tuned_manifest, tuned_model_for, tuned_on

    kb = kb_dir if kb_dir is not None else r.get("kb")
    if not isinstance(kb, str | Path) or not str(kb):
        return {}
    try:
        model = tuned_model_for(kb)
        uses = (read_tuned_manifest(model) or {}).get("model_id", str(model)) if model else None
    except RecurError:  # a damaged manifest in one of the places looked in: what is in use is unknown
        return {}
    return {
        "kb": str(kb),
        "active": model is not None and model == Path(folder).resolve(),
        "ours": tuned_on(folder, r, kb),
        "uses": uses or "the bundled base model",
    }


def state_text(r: dict, live: dict) -> str:
    """The headline's verdict: active or not, and why not."""
    gate = r.get("gate")
    if not r.get("accepted"):
        verdict = "did not measure better"
        if gate:
            verdict = ("measured worse" if gate["verdict"] == "worse" else "not better") + " on held-out incidents"
        return f"NOT activated ({verdict}; kept for inspection)"
    if not live:  # an older report has no "activated": it was written for the active model
        return "active" if r.get("activated", True) else "accepted, but not this KB's active model (--out elsewhere)"
    if live["active"]:
        return "active"
    if not live["ours"]:
        return f"tuned on another knowledge base ({r.get('kb')}), not {live['kb']}"
    return "accepted, but not this KB's active model (--out elsewhere, or replaced since)"


def _rank(r) -> str:
    return str(r) if r else ">10"


def measured_on(n: int, source: str, gate) -> str:
    """What a tuned model was measured on, e.g. "30 held-out incidents (time split)" or "62
    eval cases (held-out symptoms)", without naming the source twice."""
    what = "held-out incidents" if gate else "eval cases"
    return f"{n} {source}" if source.startswith(what) else f"{n} {what} ({source})"


def final_pass(r: dict) -> int:
    """The pairs of the final pass over the held-out incidents after the measurement (0: none; an older
    report, or one of a refused candidate or measured on eval cases, has none)."""
    n = r.get("final_pass_pairs")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 0


def measured_text(r: dict, n: int, gate) -> str:
    """What the report's figures were measured on, and when: "17 held-out incidents (time split) before
    training on them in a final pass (20 pairs)" for a model that learned them after the measurement,
    else measured_on's "17 held-out incidents (time split)" (never trained on)."""
    what = measured_on(n, str(r.get("eval_source", "?")), gate)
    if final_pass(r):
        return f"{what} before training on them in a final pass ({plural(final_pass(r), 'pair')})"
    return what


def pairs_text(r: dict) -> str:
    """The pairs trained on, the final pass's included: "866 pairs (20 of them in the final pass)"."""
    extra = final_pass(r)
    pairs = r["pairs"]
    if not extra or not isinstance(pairs, int):
        return f"{pairs} pairs"
    return f"{pairs + extra} pairs ({extra} of them in the final pass)"


def render_report(r: dict, live: dict | None = None) -> str:
    """The report as text; ``live`` (in_use) says what the KB uses now, else the report's record."""
    b, a = r["before"], r["after"]
    gate = r.get("gate")
    lines = [
        f"Tuned model {r['model_id']} — {state_text(r, live or {})}",
        f"  tuned {r['date'][:16]} on {pairs_text(r)}, {plural(r['epochs'], 'epoch')}, seed {r['seed']}; "
        f"compared with {r['compared_with']}",
    ]
    if live and not live["active"]:
        lines.append(f"  in use for {live['kb']}: {live['uses']}")
    lines.append(f"  {measured_text(r, len(r['cases']), gate)}:")
    for mode in ("hybrid", "dense"):
        lines.append(
            f"    {mode:7} recall@1 {b[mode]['recall@1']:.3f} → {a[mode]['recall@1']:.3f} · recall@3 "
            f"{b[mode]['recall@3']:.3f} → {a[mode]['recall@3']:.3f} · MRR {b[mode]['mrr']:.3f} → "
            f"{a[mode]['mrr']:.3f}"
        )
    if gate:
        from recur.tuning.gate import gate_line

        lines.append("  " + gate_line(gate))
    lines += [f"  note: {r[k]}." for k in ("incident_note", "compared_note") if r.get(k)]
    s = r["summary"]
    lines.append(f"\nCases (hybrid rank before → after): {s['up']} up, {s['down']} down, {s['same']} unchanged")
    for c in r["cases"]:
        if c["moved"] == 0 and c["dense_moved"] == 0:
            continue
        arrow = "↑" if c["moved"] > 0 else "↓" if c["moved"] < 0 else "="
        q = c["query"] if len(c["query"]) <= 70 else c["query"][:67] + "..."
        lines.append(
            f"  {arrow} {_rank(c['before']):>3} → {_rank(c['after']):<3} (dense {_rank(c['dense_before'])}"
            f" → {_rank(c['dense_after'])})  {', '.join(c['expect'])}: {q}"
        )
    if r["neighbours"]:
        lines.append("\nNearest-neighbour pairs whose similarity changed most (doc view, before → after):")
        for n in r["neighbours"]:
            lines.append(f"  {n['change']:+.3f}  {n['before']:.3f} → {n['after']:.3f}  {n['a']} ↔ {n['b']}")
    return "\n".join(lines)
