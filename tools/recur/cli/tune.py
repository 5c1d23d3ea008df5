"""`recur tune`: the command line over recur.tuning.tune."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from recur import config
from recur.cli.options import Range, index_option, kb_option, setting, writes_then_says

# recur.tuning (numpy, and torch when it trains) is imported when the command runs, not for --help
if TYPE_CHECKING:
    from recur.tuning.tune import TuneOutcome


@writes_then_says
@click.command()
@kb_option
@index_option
@click.option(
    "--model",
    "model",
    **setting("model"),
    metavar="BASE",
    help="The BASE model to fine-tune: a local sentence-transformers folder or 'default' (env RECUR_MODEL). "
    "Default: the bundled all-MiniLM-L6-v2, whatever model the KB uses now (that one is measured against).",
)
@click.option(
    "--out",
    "out_dir",
    default=str(config.MODEL_DIR),
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the tuned model (the KB's active model when it is ./.recur/model).",
)
@click.option(
    "--epochs",
    default=None,
    type=click.IntRange(1, 100),
    help="Passes over the pairs [default: enough for 100 optimiser steps, 1-5; 1 on a large KB].",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=click.IntRange(0, 2**32 - 1),  # numpy's seed range: outside it, a traceback after measuring
    help="Same KB + seed + epochs → same weights.",
)
@click.option(
    "--batch-size",
    default=32,
    show_default=True,
    type=click.IntRange(2, 1024),
    help="Pairs per optimiser step (the other pairs of a batch are each pair's negatives).",
)
@click.option("--lr", default=3e-5, show_default=True, type=Range(0, 1, min_open=True), help="Learning rate (AdamW).")
@click.option(
    "--min-gain",
    default=0.0,
    show_default=True,
    type=Range(-1, 1),
    help="MRR gain over the current model needed to activate the tuned one.",
)
@click.option("--no-resume", is_flag=True, help="Ignore a checkpoint left by an interrupted run.")
@click.option(
    "--force",
    is_flag=True,
    help="Train even the candidate refused before with the same data, base model, settings and model compared "
    "with (OUT.rejected); without it such a rerun stops at once, exit 3.",
)
@click.option(
    "--all-anchors/--core-anchors",
    default=True,
    show_default=True,
    help="Train on signals, root causes and permanent fixes too, or only on titles, symptoms, "
    "incidents and feedback (--core-anchors: faster, learned less from incidents).",
)
@click.option(
    "--freeze-layers",
    default=0,
    show_default=True,
    type=click.IntRange(0, 24),
    help="Keep the embeddings and this many lower transformer layers as they are (faster, learns less).",
)
@click.option(
    "--report",
    "report_only",
    is_flag=True,
    help="Do not train: show what the last tuning changed (cases moved, neighbours changed).",
)
@click.option("--json", "as_json", is_flag=True, help="With --report: print report.json.")
@click.option(
    "--rollback",
    is_flag=True,
    help="Do not train: put back the model the last activation replaced (OUT.previous; none kept: the bundled "
    "base model) and rebuild --index with it; again swaps back.",
)
def tune(kb_dir, index_dir, model, out_dir, report_only, as_json, rollback, no_resume, **recipe):
    """Fine-tune the embedding model on this KB's own text, and use it when it measures better.

    \b
    Pairs: each pattern's title, symptoms, signals, root cause and fix ↔ its text; linked
    incidents' title + summary ↔ their patterns; confirmed 👍 feedback (.recur/feedback.jsonl).
    Never kb/eval/cases*.yml.
    Measured on: the newest 30% of the linked incidents (time split; held out of training and
    of the measuring index) when there are 30+ covering 10+ patterns; else the eval cases; else
    one held-out symptom per pattern.
    --model names the BASE model (default: the bundled all-MiniLM-L6-v2).
    \b
    Exit codes: 0 tuned model activated (and --index rebuilt with it); 3 not activated: measured
    worse, or on incidents not better (the current model stays active, the candidate kept at
    OUT.rejected), or not trained: the current model already ranks every held-out incident first,
    or OUT already is the model this run would train (same data, base and settings), or OUT.rejected
    is, refused, with the same --min-gain and model compared with (--force trains it again); 1 error.
    Ctrl-C leaves the previous model and index as they were; a rerun resumes from the last
    checkpoint (each epoch, every 5 minutes within one, and the end of training).
    """
    if report_only:
        _show_report(kb_dir, out_dir, as_json)
        return
    if rollback:
        _rollback(kb_dir, out_dir, index_dir)
        return
    if as_json:  # a script asking for JSON must not start an hour of training by accident
        raise click.UsageError("--json only goes with --report (what the last tuning changed, as JSON)")
    from recur.tuning.tune import run_tune

    # recipe: the options named as run_tune's parameters (epochs, seed, ..., force)
    # progress None: the training's bar on a terminal, else its lines (logged, printed by printing_library_logs)
    done = run_tune(kb_dir, out_dir, index_dir, model, resume=not no_resume, progress=None, **recipe)
    _show_outcome(done, out_dir, index_dir)


def _rollback(kb_dir, out_dir, index_dir) -> None:
    """--rollback: in --out, else in the folder of the model the KB uses (else the default folder)."""
    from recur.tuning.tune import rollback

    given = click.get_current_context().get_parameter_source("out_dir") != click.core.ParameterSource.DEFAULT
    click.echo(rollback(kb_dir, out_dir if given else _report_folder(kb_dir, out_dir), index_dir, progress=None))


def _show_outcome(done: TuneOutcome, out_dir, index_dir) -> None:
    """The summary of a run, then whether the tuned model was activated (else exit REFUSED)."""
    from recur.tuning.tune import REFUSED

    for line in done.summary:
        click.echo(line)
    if done.accepted and not done.activated:
        click.echo(
            f"{out_dir}: accepted, but not this KB's active model: recur index, suggest and serve look for it "
            "in RECUR_TUNED, ./.recur/model and <kb>/../.recur/model; index "
            f"{index_dir} left as it was. To use it, set RECUR_TUNED={Path(out_dir).resolve()} for every command "
            "(recur index, suggest, eval, serve: an index built with it is refused without it), or tune into "
            "the KB's own folder (the default --out)"
        )
    elif not done.trained:  # no candidate: nothing at OUT.rejected to inspect
        click.echo(f"Not trained: {done.refusal}. The current model stays.", err=True)
        sys.exit(REFUSED)
    elif done.accepted:
        click.echo(
            f"Activated {out_dir} ({done.model_id}); index {index_dir} rebuilt with it. "
            "What changed: recur tune --report"
        )
    else:
        click.echo(
            f"Not activated: {done.refusal}. The current model stays; the candidate is in {out_dir}.rejected "
            f"(to inspect: recur tune --report --out {out_dir}.rejected).",
            err=True,
        )
        sys.exit(REFUSED)


def _report_folder(kb_dir, default) -> str:
    """Without --out, the report of the model this KB uses (where index, suggest and serve find it:
    RECUR_TUNED, ./.recur/model, <kb>/../.recur/model), else the default folder (a refused candidate)."""
    from recur.retrieval.models import tuned_model_for

    found = tuned_model_for(kb_dir)
    return str(found) if found else default


def _show_report(kb_dir, out_dir, as_json: bool) -> None:
    """--out alone: that model's report, beside what its own KB uses; else the report of the model
    this KB uses (or the default folder's), beside what this KB uses."""
    from recur.tuning.report import report_text

    ctx = click.get_current_context()
    given = {k for k in ("out_dir", "kb_dir") if ctx.get_parameter_source(k) != click.core.ParameterSource.DEFAULT}
    folder = out_dir if "out_dir" in given else _report_folder(kb_dir, out_dir)
    click.echo(report_text(Path(folder), as_json, kb_dir if given != {"out_dir"} else None))
