"""Ctrl-C during `recur site`'s browser model export left an empty `.recur/browser-model/` behind (found in
a CLI review): the cache folder is made before the export, whose work folder the interrupt removes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbfactory import small_kb

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")


@pytest.mark.model  # the real model's export for the browser
def test_ctrl_c_during_the_browser_export_leaves_no_empty_cache_folder(tmp_path, browser_runtime):
    from recur.site import bundle

    small_kb(tmp_path / "kb")
    env = dict(os.environ, PYTHONPATH=TOOLS, RECUR_BROWSER_SEARCH="on")
    env.pop("RECUR_MODEL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "recur", "site", "--out", "built", "--index", "idx"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # `pytest &` ignores SIGINT
    )
    cache = tmp_path / bundle.CACHE
    # the export under way: its work folder (<id>.tmp-<pid>) is there, in the folder made for it
    while proc.poll() is None and not any(cache.glob("*.tmp-*")):
        time.sleep(0.02)  # polled, not timed: two cores are shared
    assert proc.poll() is None, proc.communicate()  # interrupted while it exports, not after
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130 and b"Interrupted." in err and b"Traceback" not in err, err
    assert not cache.exists(), list(cache.iterdir())
    assert not (tmp_path / "built").exists()


def test_ctrl_c_while_a_file_is_gzipped_into_the_cache_leaves_no_temp_file(tmp_path, monkeypatch):
    """Ctrl-C while the browser model or the runtime was gzipped into the cache (after the export) left its
    half-written ``<name>.<version>.gz.tmp-<pid>`` there (found by an interrupt loop over `recur site`)."""
    import gzip

    from recur.site import bundle

    src = tmp_path / "model.onnx"
    src.write_bytes(os.urandom(1 << 20))
    write = gzip.GzipFile.write

    def interrupted(self, data):  # Ctrl-C once the first block is written
        write(self, data)
        raise KeyboardInterrupt

    monkeypatch.setattr(gzip.GzipFile, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bundle._gzip_cached(src, tmp_path / "site.gz", cache=tmp_path / "cache")
    assert not list((tmp_path / "cache").rglob("*.tmp-*")) and not (tmp_path / "site.gz").exists()
    monkeypatch.setattr(gzip.GzipFile, "write", write)
    bundle._gzip_cached(src, tmp_path / "site.gz", cache=tmp_path / "cache")  # the next build gzips it whole
    assert gzip.decompress((tmp_path / "site.gz").read_bytes()) == src.read_bytes()


def test_an_interrupted_command_ends_without_the_interpreters_shutdown(tmp_path):
    """A KeyboardInterrupt can land inside native code (the ONNX export, ONNX Runtime, torch) and leave it half
    done; Python's shutdown after "Interrupted." then crashed `recur site` once (SIGSEGV, exit -11, not 130). The
    process now ends at once, its clean-up done and output flushed. The crash is rare: an exit handler that
    crashes stands for the native teardown here (on the code before, it ran and the exit was -11)."""
    kb = small_kb(tmp_path / "kb")
    script = (
        "import atexit, os, signal, sys\n"
        "atexit.register(lambda: os.kill(os.getpid(), signal.SIGSEGV))\n"
        f"sys.argv = ['recur', 'new', 'pattern', '--kb', {str(kb)!r}]\n"
        "from recur.cli.main import main\nmain()\n"
    )
    proc, shown = _interrupted_at(script, b"Title")  # at the first prompt: main() is running the command
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and b"Interrupted." in err + shown, (proc.returncode, err)


def test_a_ctrl_c_after_the_last_line_leaves_the_exit_code_the_command_decided(tmp_path):
    """Python stops handling signals early in its shutdown, while what a command loaded (torch, ONNX Runtime) is
    still torn down: a Ctrl-C then, after the command had written all it had to say, ended it by the signal (exit
    -2, 130 in a shell), as if it had been interrupted. Once the command is done, a Ctrl-C is ignored. A finaliser
    that waits for its stdin to close stands for that teardown here (on the code before, the exit was -2)."""
    kb = small_kb(tmp_path / "kb")
    script = (
        "import os, sys\n"
        "class Teardown:\n"
        "    def __del__(self):  # run at the interpreter's teardown\n"
        "        os.write(2, b'tearing down\\n')\n"
        "        while os.read(0, 1):\n"
        "            pass\n"
        "teardown = Teardown()\n"
        f"sys.argv = ['recur', 'check', '--kb', {str(kb)!r}]\n"
        "from recur.cli.main import main\nmain()\n"
    )
    proc, shown = _interrupted_at(script, b"tearing down")  # the command has ended, and so has its output
    out, err = proc.communicate(timeout=60)  # closes stdin: the teardown ends
    assert proc.returncode == 0, (proc.returncode, shown + err)
    assert b"OK: 7 files" in out + shown and b"Interrupted" not in shown + err and b"Traceback" not in err, shown + err


def test_main_called_again_in_one_process_handles_ctrl_c_again(tmp_path):
    """Found in review: once main() had returned, its process ignored SIGINT (``_settled``) and kept the note of an
    interrupt, so a second main() in it (a test calling main() twice) ran its command deaf to Ctrl-C and, if the
    run before had been interrupted, ended the process at the command's exit (``_leave``), Python's shutdown
    skipped. Each main() starts with Ctrl-C handled and no interrupt noted; after it, Ctrl-C stays ignored."""
    kb = small_kb(tmp_path / "kb")
    script = (
        "import signal, sys\n"
        "import recur.cli.main\n"
        "m = sys.modules['recur.cli.main']\n"
        "real, seen = m.cli, []\n"
        "def cli(**kw):  # what the command runs with\n"
        "    seen.append((signal.getsignal(signal.SIGINT) is m._interrupt, m._PROCESS['interrupted']))\n"
        "    return real(**kw)\n"
        "m.cli = cli\n"
        f"sys.argv = ['recur', 'check', '--kb', {str(kb)!r}, '-q']\n"
        "for run in range(2):\n"
        "    try:\n"
        "        m.main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    seen.append(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)\n"
        "    m._PROCESS['interrupted'] = True  # as after a Ctrl-C the command handled itself\n"
        "print(seen)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env=dict(os.environ, PYTHONPATH=TOOLS),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # `pytest &` ignores SIGINT
    )
    assert proc.stdout.strip() == "[(True, False), True, (True, False), True]", (proc.stdout, proc.stderr)


def _interrupted_at(script: str, marker: bytes) -> tuple[subprocess.Popen, bytes]:
    """``script`` run in a Python of its own, sent SIGINT once ``marker`` is on its stderr: (the process, what its
    stderr said up to then)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env=dict(os.environ, PYTHONPATH=TOOLS),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # `pytest &` ignores SIGINT
    )
    shown = b""
    while marker not in shown:
        chunk = proc.stderr.read1(100)
        assert chunk, proc.communicate()
        shown += chunk
    proc.send_signal(signal.SIGINT)
    return proc, shown
