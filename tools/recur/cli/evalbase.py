"""`recur eval --baseline DIR`: the cases asked of the base commit's KB as well, and compared.

The thresholds alone let a pull request that made search worse pass while it stayed above them (a
review deleted most symptoms: MRR 0.943 to 0.900, two more cases out of the top 3, `make eval` green).
With a baseline the same cases, the pull request's, are asked of both KBs with the same model, and
a drop fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click

from recur.util.errors import Problem, RecurError
from recur.util.text import escape_controls, plural


def baseline_index(index_dir, given) -> Path:
    """The baseline's own index: ``given`` (--baseline-index), else beside this KB's, ``<INDEX>-baseline``
    (`.recur/index-baseline`: under `.recur/`, which a KB repository ignores)."""
    if given:
        return Path(given)
    here = Path(index_dir)
    return here.with_name(here.name + "-baseline")


def open_baseline(base_kb, base_index: Path, index_dir, model: str):
    """The engine over the baseline KB, its index brought up to date with ``model`` (this run's, so the
    comparison is of the KBs alone). A baseline index not made yet starts as a copy of this KB's index: an
    update re-embeds only the patterns whose text differs, so a pull request's run (the index restored from
    CI's cache, the baseline's never) embeds what the change touched, not the whole KB again."""
    from recur.kb.loader import require_kb_root
    from recur.retrieval.engine import Engine, ensure_index

    require_kb_root(base_kb, flag="--baseline")
    if base_index.resolve() == Path(index_dir).resolve():
        raise RecurError(f"--baseline-index {base_index}: that is this KB's index; the baseline needs its own")
    _seed(base_index, Path(index_dir))
    stats = ensure_index(base_kb, base_index, model, quiet=True)
    if stats is not None:
        click.echo(
            f"baseline: indexed {base_kb} at {base_index} ({stats.embedded} embedded, {stats.reused} reused)", err=True
        )
    return Engine.open(base_kb, base_index, model, quiet=True, progress=None)


def _seed(base_index: Path, index_dir: Path) -> None:
    """A copy of this KB's index where the baseline's has none yet, made aside and renamed into place (an
    interrupted copy is never taken for an index)."""
    from recur.retrieval import index as index_mod

    if base_index.exists() or index_mod.read_manifest(index_dir) is None:
        return
    tmp = base_index.with_name(f".{base_index.name}.tmp-{os.getpid()}")
    try:
        shutil.copytree(index_dir, tmp)
        os.replace(tmp, base_index)
    except OSError:  # only a head start: the baseline is then built from nothing
        shutil.rmtree(tmp, ignore_errors=True)


def split_cases(cases: list, now_ids: set, base_ids: set) -> tuple[list[int], list[dict]]:
    """(positions of the cases to compare, the others as --json gives them: {line, query, expect, why}). A
    case is compared when one of its expect ids is searchable in both KBs; a pattern the change adds, or
    one either index does not have, leaves the case out: its rank could only change from nothing."""
    keep, left = [], []
    for n, case in enumerate(cases):
        in_now, in_base = now_ids.intersection(case.expect), base_ids.intersection(case.expect)
        if in_now and in_base:
            keep.append(n)
            continue
        why = [] if in_base else ["not in the baseline (new in this change, or left out of its index)"]
        if not in_now:
            why.append("not in this KB's index (retired, or left out for an error)")
        left.append({"line": case.line, "query": case.query, "expect": list(case.expect), "why": "; ".join(why)})
    return keep, left


def comparison_json(comp, base_kb, base_index, compared: int, left: list) -> dict:
    """`recur eval --json`'s ``baseline`` object (docs/cli.md lists its keys)."""
    return {
        "kb": str(base_kb),
        "index": str(base_index),
        "compared": compared,
        "left_out": left,
        "tolerance": comp.tolerance,
        "base": comp.base,
        "now": comp.now,
        "moved_down": [
            {
                "line": m.line,
                "query": m.query,
                "expect": m.expect,
                "before": m.before,
                "after": m.after,
                "left_top3": m.left_top,
            }
            for m in comp.moved_down
        ],
        "failed": comp.failed,
        # each with the baseline's rank, and whether it fails the comparison (the baseline answered it)
        "newly_flagged": [
            r.flagged_case | {"before": comp.flagged_before[i], "fails": comp.lost_answer(i)}
            for i, r in enumerate(comp.newly_flagged)
        ],
    }


def show_comparison(comp, base_kb, cases_path: str, left: list) -> None:
    """The metrics of the baseline and of this KB side by side on stdout, then each case that moved down
    with its line, and each newly answered "no known pattern"; the cases left out of the comparison in a note on
    stderr."""
    if left:
        rows = [f"  {cases_path}:{c['line']}: {', '.join(c['expect'])}: {c['why']}" for c in left[:10]]
        more = [f"  ... and {len(left) - 10} more"] if len(left) > 10 else []
        click.echo(
            f"note: {plural(len(left), 'case')} left out of the comparison with the baseline "
            "(no expected pattern searchable in both):\n" + "\n".join(rows + more),
            err=True,
        )
    click.echo(f"Against the baseline {base_kb}: {plural(comp.now['cases'], 'case')} compared")
    click.echo(f"  {'':9} {'base':>6} {'now':>6}")
    for key, name in (("recall@1", "recall@1"), ("recall@3", "recall@3"), ("recall@5", "recall@5"), ("mrr", "MRR")):
        change = comp.now[key] - comp.base[key]
        sign = f"{change:+.3f}" if round(change, 4) else "="
        click.echo(f"  {name:9} {comp.base[key]:6.3f} {comp.now[key]:6.3f}  {sign}")
    if not comp.moved_down:
        click.echo("No case moved down.")
    else:
        click.echo(f"Moved down: {plural(len(comp.moved_down), 'case')}")
    for m in comp.moved_down:
        out = " (left the top 3)" if m.left_top else ""
        click.echo(
            escape_controls(
                f"  {cases_path}:{m.line}: rank {_rank(m.before)} → {_rank(m.after)}{out} for {', '.join(m.expect)}: {m.query[:80]}",
                keep="\t",
            )
        )
    if comp.newly_flagged:
        click.echo(
            f"Newly answered 'no known pattern' (the baseline did not): {plural(len(comp.newly_flagged), 'case')}"
        )
    for i, r in enumerate(comp.newly_flagged):
        click.echo(escape_controls(f"  {cases_path}:{r.line}: {_newly_said(comp, i)}: {r.query[:80]}", keep="\t"))


def _newly_said(comp, i: int) -> str:
    """A case newly answered "no known pattern", and what the baseline did with it: answered it (which fails the
    comparison), or had it below the top 3."""
    r, before = comp.newly_flagged[i], comp.flagged_before[i]
    if comp.lost_answer(i):
        return f"{r.flagged_said}, where the baseline answered it at rank {before}"
    return f"{r.flagged_said}, where the baseline did not (its pattern at rank {_rank(before)})"


def _rank(rank: int | None) -> str:
    return str(rank) if rank is not None else ">10"


def github_problems(
    cases_path: str, results: list, thresholds_failed: bool, comp, flagged_failed: bool = False
) -> list[Problem]:
    """The annotations of `recur eval --format github`, at each case's line of the cases file: every case that
    moved down from the baseline, an error when the comparison failed (a warning within --tolerance), then
    every other miss (not in the top 3) when a threshold failed. The moved-down cases come first, as they are
    what the change did (GitHub annotates 10 of each level), and a case is annotated once: one that moved out
    of the top 3 was annotated twice at its line, as moved down and as missed (found in review). Each case newly
    answered "no known pattern" follows them (an error when the baseline answered it or --max-flagged failed, else
    a warning), or is said in its moved-down annotation. When --max-flagged failed, each other case answered "no
    known pattern" with its pattern in the top 3 is annotated after them."""
    found = []
    if comp is not None:
        level = "error" if comp.failed else "warning"
        newly = {r.line for r in comp.newly_flagged}
        for m in comp.moved_down:
            out = " (out of the top 3)" if m.left_top else ""
            now = ", now answered 'no known pattern'" if m.line in newly else ""
            said = f"moved down from the baseline: rank {_rank(m.before)} → {_rank(m.after)}{out}{now} for {', '.join(m.expect)}: {m.query[:80]}"
            found.append(Problem(cases_path, m.line, "eval", said, level))
        moved = {p.line for p in found}
        found += [
            Problem(
                cases_path,
                r.line,
                "eval",
                f"newly {_newly_said(comp, i)}: {r.query[:80]}",
                "error" if flagged_failed or comp.lost_answer(i) else "warning",
            )
            for i, r in enumerate(comp.newly_flagged)
            if r.line not in moved
        ]
    moved = {p.line for p in found}
    if thresholds_failed:
        for r in results:
            if r.missed and r.line not in moved:
                got = f"not searched: {r.not_searched}" if r.not_searched else ", ".join(r.ranked[:3]) or "nothing"
                found.append(
                    Problem(
                        cases_path,
                        r.line,
                        "eval",
                        f"missed the top 3: rank {_rank(r.rank)} for {', '.join(r.expect)} (got {got}): {r.query[:80]}",
                    )
                )
    if flagged_failed:
        found += [
            Problem(cases_path, r.line, "eval", f"{r.flagged_said}: {r.query[:80]}")
            for r in results
            if r.flagged_in_top and r.line not in moved
        ]
    return found
