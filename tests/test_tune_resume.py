"""A training run interrupted within its one epoch resumes at the step it reached and ends with the
same weights as an uninterrupted run (real model, a few tiny steps).

The interruption is a KeyboardInterrupt raised after the third and last real training step of the
epoch (what Ctrl-C does); the checkpoint interval is set to 0 after the second step, so a checkpoint
follows that step (the one resumed from; one after the first step was a ~270 MB write read by none) and
not the third (the epoch's own checkpoint would follow it).

The tests of what is said and kept around a checkpoint (not of the weights it resumes to) train the
top transformer layer only (``LIGHT``, freeze_layers=5): the same loop, checkpoint and resume code, with
about a seventh of the work per step and checkpoints of ~105 MB instead of ~270 MB.
"""

import pytest

pytestmark = pytest.mark.model

# six pairs, batches of two: three steps an epoch (a step of the whole model is ~1-2 s, a checkpoint ~270 MB).
# Ordered so that each of seed 5's batches ([1, 0], [3, 5], [2, 4]) holds two patterns: every step has a gradient
# (a batch of one pattern's pairs has a loss of 0, and its step only decays the weights)
PAIRS = [
    ("too many clients", "db"),
    ("no space left", "disk"),
    ("SERVFAIL", "dns"),
    ("pool exhausted", "db"),
    ("ENOSPC", "disk"),
    ("names do not resolve", "dns"),
]
STEPS = 3  # an epoch's steps: len(PAIRS) / batch_size
DOCS = {
    "db": "Database connection pool exhausted. Requests queue for a connection.",
    "disk": "Disk full on a host. Writes fail with ENOSPC.",
    "dns": "DNS resolution failure. Every dependency looks down.",
}


LIGHT = {"seed": 5, "batch_size": 2, "freeze_layers": 5}


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_interrupted_epoch_resumes_to_the_same_weights(tmp_path, monkeypatch, real_encoder):
    import torch

    from recur.retrieval import embed
    from recur.tuning import train as train_mod

    path = embed.resolve(embed.DEFAULT).path
    cfg = train_mod.TrainConfig(epochs=1, seed=5, batch_size=2)
    straight = train_mod.load_trainable(path)
    train_mod.train(straight, PAIRS, DOCS, cfg, progress=False)

    every = train_mod.CHECKPOINT_EVERY_S
    real_step, calls = train_mod._step, []

    def step_then_ctrl_c(*args):
        out = real_step(*args)
        calls.append(1)
        if len(calls) == 2:  # a checkpoint after this step, the one the rerun resumes from
            monkeypatch.setattr(train_mod, "CHECKPOINT_EVERY_S", 0.0)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return out

    ckpt = tmp_path / "model.partial"
    monkeypatch.setattr(train_mod, "_step", step_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        train_mod.train(
            train_mod.load_trainable(path), PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k"
        )
    monkeypatch.setattr(train_mod, "_step", real_step)
    # from here a checkpoint at the end only, as by default: the ones after each step were ~270 MB writes read by none
    monkeypatch.setattr(train_mod, "CHECKPOINT_EVERY_S", every)
    resumed = train_mod.load_trainable(path)
    stats = train_mod.train(resumed, PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k")
    assert (stats.resumed_from_epoch, stats.resumed_at_step, stats.steps) == (0, 2, 1)  # 2 saved, 1 left of 3
    # the interrupted run's training counts: 2 steps of 2 pairs before, 1 now
    assert stats.earlier["pairs_seen"] == 4 and stats.pairs_seen == 2
    assert stats.total_seconds > stats.seconds > 0
    a, b = _weights(straight), _weights(resumed)
    assert all(torch.equal(a[k], b[k]) for k in a)
    # a finished run leaves a checkpoint "after training": a rerun does not train again
    again = train_mod.load_trainable(path)
    stats = train_mod.train(again, PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k")
    assert stats.steps == 0 and all(torch.equal(a[k], v) for k, v in _weights(again).items())
    # nothing trained now, yet the model took its time: the report said "0s, 0.0 pairs/s"
    assert stats.earlier["pairs_seen"] == 6 and stats.total_seconds > 0 and stats.total_pairs_per_s > 0
    # another key (other data or settings) starts from scratch (trained LIGHT: the start is the point)
    other = train_mod.train(
        train_mod.load_trainable(path), PAIRS, DOCS, train_mod.TrainConfig(epochs=1, **LIGHT), progress=False,
        checkpoint=ckpt, checkpoint_key="other",
    )  # fmt: skip
    assert other.steps == STEPS and other.resumed_at_step == 0


def test_no_resume_ignores_the_old_checkpoint_but_writes_its_own(tmp_path, real_encoder):
    """--no-resume wrote no checkpoint at all: its own run could not be resumed, and the old
    checkpoint stayed for the next run to pick up. A file that loads but is not a checkpoint (not a
    dict, or keys missing) is ignored as a damaged one is, not a traceback."""
    import torch

    from recur.retrieval import embed
    from recur.tuning import train as train_mod

    path = embed.resolve(embed.DEFAULT).path
    cfg = train_mod.TrainConfig(epochs=1, **LIGHT)
    ckpt = tmp_path / "model.partial"
    train_mod.train(
        train_mod.load_trainable(path), PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k"
    )
    stats = train_mod.train(
        train_mod.load_trainable(path), PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k",
        resume=False,
    )  # fmt: skip
    assert stats.steps == STEPS and stats.resumed_at_step == 0  # trained again from the start
    assert torch.load(ckpt / "state.pt", weights_only=True)["epoch"] == 1  # and left its own checkpoint
    for junk in ([1, 2], {"key": "k"}, {"key": "k", "model": {}}):
        torch.save(junk, ckpt / "state.pt")
        stats = train_mod.train(
            train_mod.load_trainable(path), PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k"
        )
        assert stats.steps == STEPS, junk


class _RunsCode:
    """What a pickle may hold: a call made when it is loaded (here: writing a file)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        from pathlib import Path

        return (Path.write_text, (self.marker, "ran"))


def test_a_checkpoint_that_cannot_be_used_is_said_and_tuning_starts_over(tmp_path, capsys, printed_logs, real_encoder):
    """Found in review: the checkpoint was loaded with weights_only=False (a state.pt in the working
    tree could run code when `recur tune` unpickled it) and any error discarded it in silence. Now it
    is loaded as tensors and plain values only, and one note says why tuning starts from the beginning."""
    import torch

    from recur.retrieval import embed
    from recur.tuning import train as train_mod
    from recur.util.errors import RecurError

    path = embed.resolve(embed.DEFAULT).path
    cfg = train_mod.TrainConfig(epochs=1, **LIGHT)
    ckpt = tmp_path / "model.partial"
    ckpt.mkdir()
    state = ckpt / "state.pt"

    def tune():
        stats = train_mod.train(
            train_mod.load_trainable(path), PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k"
        )
        assert stats.steps == STEPS and stats.resumed_at_step == 0
        notes = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("note:")]
        assert len(notes) == 1 and notes[0].endswith("; tuning starts from the beginning."), notes
        return (
            notes[0].removeprefix(f"note: {state}: not resumed: ").removesuffix("; tuning starts from the beginning.")
        )

    marker = tmp_path / "ran-code"
    torch.save({"key": "k", "model": _RunsCode(marker)}, state)
    assert tune().startswith("it could not be read (UnpicklingError: Weights only load failed")
    assert not marker.exists()  # the pickled call was not made
    good = state.read_bytes()  # the run above left a checkpoint of its own, after its one epoch
    state.write_bytes(good[: len(good) // 2])
    assert tune().startswith("it could not be read (RuntimeError: PytorchStreamReader failed")
    state.write_bytes(b"")
    assert tune() == "it could not be read (EOFError)"
    torch.save([1, 2], state)
    assert tune() == "it is not a checkpoint of recur tune"
    state.write_bytes(good)
    train_mod.train(
        train_mod.load_trainable(path), PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k"
    )  # the good one: nothing left to train, and no note
    assert "note:" not in capsys.readouterr().err
    state.write_bytes(good)
    stats = train_mod.train(
        train_mod.load_trainable(path), PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="other"
    )
    assert stats.steps == STEPS
    assert "not resumed: it was made for other training data, seed or settings" in capsys.readouterr().err
    # this run's checkpoint, but its content does not fit: an error (part of it may be applied already)
    torch.save({**torch.load(state, weights_only=True), "key": "k", "rng": (3, (1, 2), None)}, state)
    with pytest.raises(RecurError, match=r"the checkpoint does not fit this run \(ValueError: .*--no-resume"):
        train_mod.train(
            train_mod.load_trainable(path), PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k"
        )


def test_an_epochs_line_prints_its_mean_loss_not_the_last_batchs(monkeypatch, capsys, printed_logs, real_encoder):
    """Found in review: the loss printed per epoch was the last batch's (a batch of two pairs here)."""
    import re

    from recur.retrieval import embed
    from recur.tuning import train as train_mod

    real_step, losses = train_mod._step, []

    def step_and_record(*args):  # the real step; only its loss is kept to compare with
        losses.append(real_step(*args))
        return losses[-1]

    monkeypatch.setattr(train_mod, "_step", step_and_record)
    cfg = train_mod.TrainConfig(epochs=2, **LIGHT)
    stats = train_mod.train(
        train_mod.load_trainable(embed.resolve(embed.DEFAULT).path), PAIRS, DOCS, cfg, progress=False
    )
    printed = [float(x) for x in re.findall(r"epoch \d/2: mean loss ([0-9.]+) over 3 batch", capsys.readouterr().err)]
    per_epoch = [losses[:STEPS], losses[STEPS:]]
    assert len(losses) == 2 * STEPS and printed == [round(sum(e) / STEPS, 3) for e in per_epoch]
    assert abs(stats.epoch_loss - sum(losses[STEPS:]) / STEPS) < 1e-9
    assert any(round(e[-1], 3) != p for e, p in zip(per_epoch, printed))  # the last batch's would differ


def test_without_a_progress_bar_a_long_epoch_says_where_it_is(monkeypatch, capsys, printed_logs, real_encoder):
    """Found in review: without a terminal (CI, a pipe, `recur tune 2> log`), an epoch printed one line,
    at its end: the one epoch a large KB trains by default (~11 min) was silence after "Training ...".
    Now a line at most every PROGRESS_EVERY_S within an epoch (set to 0 here: after every batch but
    the last, which the epoch's own line follows), with the batch reached and the time left."""
    import re

    from recur.retrieval import embed
    from recur.tuning import train as train_mod

    monkeypatch.setattr(train_mod, "PROGRESS_EVERY_S", 0.0)
    cfg = train_mod.TrainConfig(epochs=1, **LIGHT)
    train_mod.train(train_mod.load_trainable(embed.resolve(embed.DEFAULT).path), PAIRS, DOCS, cfg, progress=False)
    err = capsys.readouterr().err
    within = re.findall(r"epoch 1/1: batch (\d)/3, mean loss [0-9.]+, \d+s \(about \d+s more for this epoch\)", err)
    assert within == ["1", "2"], err
    assert re.search(r"epoch 1/1: mean loss [0-9.]+ over 3 batch", err)
    # more epochs to come: the time to the end of the training too (found in review: this epoch's alone)
    cfg = train_mod.TrainConfig(epochs=2, **LIGHT)
    train_mod.train(train_mod.load_trainable(embed.resolve(embed.DEFAULT).path), PAIRS, DOCS, cfg, progress=False)
    err = capsys.readouterr().err
    first = re.findall(
        r"epoch 1/2: batch \d/3, .*\(about \d+s more for this epoch, about \d+s to the end of epoch 2\)", err
    )
    last = re.findall(r"epoch 2/2: batch \d/3, mean loss [0-9.]+, \d+s \(about \d+s more for this epoch\)", err)
    assert len(first) == len(last) == 2, err


def test_a_checkpoint_that_cannot_be_written_is_a_clean_error_and_leaves_no_temp_file(tmp_path, real_encoder):
    """Found in review (`.recur/` on a full disk): torch's RuntimeError "unexpected pos 50112 vs 50006"
    came out as a traceback, and the ~40 MB temp file it left kept the disk full. The disk is full
    here as well: the temp file is /dev/full, where every write fails with ENOSPC."""
    import os

    from recur.retrieval import embed
    from recur.tuning import train as train_mod
    from recur.util.errors import RecurError

    ckpt = tmp_path / "model.partial"
    ckpt.mkdir()
    (ckpt / f"state.pt.tmp-{os.getpid()}").symlink_to("/dev/full")
    cfg = train_mod.TrainConfig(epochs=1, **LIGHT)
    model = train_mod.load_trainable(embed.resolve(embed.DEFAULT).path)
    with pytest.raises(RecurError) as exc:
        train_mod.train(model, PAIRS, DOCS, cfg, progress=False, checkpoint=ckpt, checkpoint_key="k")
    assert str(exc.value).startswith(f"{ckpt}: cannot write the training checkpoint there (")
    assert "MB free on its disk" in str(exc.value)
    assert not ckpt.exists()  # nothing half-written: the temp file and the folder it alone was in are gone


def test_ctrl_c_while_a_checkpoint_is_written_leaves_the_one_before_and_no_temp_file(
    tmp_path, monkeypatch, real_encoder
):
    """A checkpoint of MiniLM is ~270 MB and takes seconds to write: Ctrl-C then (found in review, after
    an epoch's line) left its whole temp file in OUT.partial, counted in the size the run then reported.
    The torch.save here writes the file, then Ctrl-C lands, on the second checkpoint."""
    import torch

    from recur.retrieval import embed
    from recur.tuning import train as train_mod

    real_save, saves = torch.save, []

    def save_then_ctrl_c(obj, path, *args, **kwargs):
        real_save(obj, path, *args, **kwargs)
        saves.append(path)
        if len(saves) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", save_then_ctrl_c)
    ckpt = tmp_path / "model.partial"
    cfg = train_mod.TrainConfig(epochs=2, **LIGHT)
    with pytest.raises(KeyboardInterrupt):
        train_mod.train(
            train_mod.load_trainable(embed.resolve(embed.DEFAULT).path), PAIRS, DOCS, cfg, progress=False,
            checkpoint=ckpt, checkpoint_key="k",
        )  # fmt: skip
    assert [p.name for p in ckpt.iterdir()] == ["state.pt"]  # the first epoch's, whole
    assert torch.load(ckpt / "state.pt", weights_only=True)["epoch"] == 1


def test_a_tuned_model_that_cannot_be_written_is_a_clean_error_naming_the_checkpoint_kept(tmp_path, real_encoder):
    """Found in review (`.recur/` on a full disk, room for the checkpoint but not the model after it):
    safetensors' "No space left on device" was a traceback after the training. Here the write fails as
    surely, on a folder where model.safetensors goes (safetensors replaces a /dev/full link, so the
    disk cannot be filled that way); the same SafetensorError "I/O error", of another errno."""
    from recur.retrieval import embed
    from recur.tuning.train import load_trainable
    from recur.tuning.tune import save_model
    from recur.util.errors import RecurError

    work, out, ckpt = tmp_path / "model.tmp-1" / "model", tmp_path / "model", tmp_path / "model.partial"
    work.mkdir(parents=True)
    (work / "model.safetensors").mkdir()
    ckpt.mkdir()
    (ckpt / "state.pt").write_bytes(b"")  # a checkpoint after the last epoch: a rerun skips the training
    with pytest.raises(RecurError) as exc:
        save_model(load_trainable(embed.resolve(embed.DEFAULT).path), work, out, ckpt)
    said = str(exc.value)
    assert said.startswith(f"{out}: cannot write the tuned model there (") and "MB free on its disk" in said
    assert f"the trained weights are kept at {ckpt}: a rerun with the same settings" in said


def test_ctrl_c_while_training_says_where_the_checkpoint_is_and_that_a_rerun_resumes(
    tmp_path, monkeypatch, real_encoder
):
    """Found in review: Ctrl-C printed only "Interrupted.", not that a checkpoint was kept, where, nor
    that the next run resumes from it."""
    from click.testing import CliRunner
    from kbfactory import tune_kb

    from recur.cli.main import cli
    from recur.tuning import train as train_mod

    kb = tune_kb(tmp_path / "kb")
    every = train_mod.CHECKPOINT_EVERY_S
    monkeypatch.setattr(train_mod, "CHECKPOINT_EVERY_S", 0.0)  # a checkpoint after every step
    real_step, calls = train_mod._step, []

    def step_then_ctrl_c(*args):  # the real step, then what Ctrl-C raises
        out = real_step(*args)
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return out

    monkeypatch.setattr(train_mod, "_step", step_then_ctrl_c)
    out = tmp_path / ".recur" / "model"
    args = ["tune", "--kb", str(kb), "--out", str(out), "--index", str(tmp_path / "idx"), "--batch-size", "4"]
    args += ["--epochs", "1", "--freeze-layers", "5"]  # what is said, not learned: 5 light steps, not 25 full ones
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 130, res.output
    ckpt = tmp_path / ".recur" / "model.partial"
    size = sum(f.stat().st_size for f in ckpt.rglob("*") if f.is_file()) / 1e6
    assert f"Checkpoint kept at {ckpt} ({size:.0f} MB)" in res.output and "resumes from it" in res.output
    assert res.output.rstrip().endswith("Interrupted.") and not out.exists()

    # the rerun resumes; a pattern edited while it trains is named at the end (found in review: the
    # run said nothing, and the model had learned the KB as it was when the run began)
    edited = next((kb / "patterns").rglob("*.md"))

    def step_and_edit(*args):
        if edited.read_text().endswith("\n"):
            edited.write_text(edited.read_text() + "An edit made while the run tunes.")
        return real_step(*args)

    monkeypatch.setattr(train_mod, "_step", step_and_edit)
    monkeypatch.setattr(train_mod, "CHECKPOINT_EVERY_S", every)  # the rerun: a checkpoint at the end, as by default
    res = CliRunner().invoke(cli, args)
    assert res.exit_code in (0, 3) and "Resuming from the checkpoint at step " in res.output, res.output
    name = edited.relative_to(kb).as_posix()
    assert f"note: {name} changed while this run tuned: the model learned, and was measured on," in res.output


def test_ctrl_c_while_the_current_model_is_measured_says_nothing_was_written(tmp_path, monkeypatch, real_encoder):
    """Found in review: Ctrl-C before training (while the current model is measured, the first minute of a
    run on a large KB) printed only "Interrupted.", though docs/tuning.md's exit-130 row promises a line
    saying no checkpoint was written and the model and index are as they were."""
    from click.testing import CliRunner
    from kbfactory import tune_kb

    from recur.cli.main import cli
    from recur.tuning import tune as tune_mod

    def ctrl_c(*args):  # what Ctrl-C raises as the measurement runs
        raise KeyboardInterrupt

    monkeypatch.setattr(tune_mod, "measure", ctrl_c)
    kb = tune_kb(tmp_path / "kb")
    out = tmp_path / ".recur" / "model"
    res = CliRunner().invoke(cli, ["tune", "--kb", str(kb), "--out", str(out), "--index", str(tmp_path / "idx")])
    assert res.exit_code == 130, res.output
    said = "Stopped before training: no checkpoint was written, the next run starts over. The previous model and"
    assert said in res.output and res.output.rstrip().endswith("Interrupted."), res.output
    assert not out.exists() and not list(out.parent.glob("model.tmp-*")) and not out.with_name("model.partial").exists()
