"""What a newcomer (first week on call) is told, and by which command: where the onboarding paths are, how to
view a built site, and what `recur suggest`'s closing line proposes for a lookup. Found in a new-hire review."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from kbfactory import fake_model_flags
from serve_util import started_on

from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
RECUR = [sys.executable, "-m", "recur"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_recur_help_tells_a_newcomer_where_the_onboarding_paths_are():
    """`recur --help` named onboarding only under `recur new` (for authors)."""
    out = invoke("--help").output
    assert "New to on-call?" in out and "/paths/" in out and "recur serve" in out


def test_the_readmes_tell_a_newcomer_where_the_onboarding_paths_are(tmp_path):
    """The README's Quick start (Responders, Authors, Teams) and the README `recur init` writes (which named
    kb/paths/ only in its layout) now say where to read the paths."""
    quick = (ROOT / "README.md").read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "**New to on-call?**" in quick and "http://127.0.0.1:8000/paths/" in quick
    dest = tmp_path / "team-kb"
    assert invoke("init", dest).exit_code == 0
    readme = (dest / "README.md").read_text()
    head = readme.split("## Layout", 1)[0]
    assert "New to on-call? Run `make run` and open http://127.0.0.1:8000/paths/" in head


def test_serve_start_up_line_names_the_onboarding_paths(kb_dir, tmp_path):
    """`recur serve`'s start-up line named /docs and /metrics, not the onboarding paths."""
    args = [*fake_model_flags(kb_dir, tmp_path / "index"), "--site", str(tmp_path / "no-site"), "--port", "0"]
    args += ["--feedback", str(tmp_path / "fb.jsonl")]
    proc = subprocess.Popen([*RECUR, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said: list = []
    try:
        started_on(proc.stdout, said)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    line = next(x for x in said if "Recur on http" in x)
    assert "(onboarding paths: /paths/, API docs: /docs, metrics: /metrics)" in line, line
