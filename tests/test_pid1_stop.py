"""`recur serve` and `recur mcp` as PID 1 of a container started without an init (`docker run` without `--init`,
Kubernetes): a SIGTERM once ready ends them with 143, as docs/cli.md says (by the signal elsewhere). The kernel
drops a signal PID 1 of a PID namespace sends itself whose action is the default, so re-raising SIGTERM did
nothing there: each went on and exited 0 (found in a re-read). The container is `unshare -Urpf` (a user and a PID
namespace, no privilege needed); where it cannot be made, the tests are skipped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from kbfactory import small_kb
from procs import read_until

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    said = subprocess.run(["unshare", "-Urpf", "sh", "-c", "echo $$"], capture_output=True, text=True, check=False)
    return said.returncode == 0 and said.stdout.strip() == "1"


pytestmark = pytest.mark.skipif(not _unshare_works(), reason="no PID namespace here (unshare -Urpf refused)")


def _as_pid1(tmp_path: Path, *command: str) -> subprocess.Popen:
    kb = small_kb(tmp_path / "kb")
    recur = [sys.executable, "-m", "recur", *command, "--kb", str(kb), "--index", str(tmp_path / "index")]
    return subprocess.Popen(
        ["unshare", "-Urpf", *recur, "--model", "fake:64"],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=TOOLS),
        stdin=subprocess.PIPE,  # held open: `recur mcp`'s client still connected
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _sigterm_once_ready(proc: subprocess.Popen) -> tuple[int, list[str]]:
    """SIGTERM to ``proc``'s recur (unshare's child, PID 1 inside) once it says Ready; the exit code, stderr."""
    said: list[str] = []
    try:
        read_until(proc.stderr, said, lambda line: "Ready:" in line, what="the Ready line")
        (recur,) = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        os.kill(int(recur), signal.SIGTERM)
        said += proc.stderr.readlines()
        return proc.wait(timeout=120), said  # a guard against running on, not a timing
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["mcp"]], ids=["serve", "mcp"])
def test_sigterm_once_ready_exits_143_as_pid1(tmp_path, command):
    code, said = _sigterm_once_ready(_as_pid1(tmp_path, *command))
    assert code == 128 + signal.SIGTERM, "".join(said)
    assert not [line for line in said if "Traceback" in line], "".join(said)
