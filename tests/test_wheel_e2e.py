"""Recur as a team installs it (issue 15): the built wheel, installed non-editable into a fresh
virtual environment where the source tree is not importable, starts and serves a KB of its own.

Slow (a wheel build, a venv, the real model): marked ``slow``; it runs in ``make test`` all the same.
Dependencies come from the project's environment (its site-packages is appended to the new venv's
path without running its .pth files, so the checkout's editable hook is not active there); pip among
them, so the venv is made without its own (ensurepip took 6-8 s of the module's set-up).
The real model is loaded once, by `recur serve`, which builds the starter's index with it; the other
commands run with the fake encoder (the real model's ranking from a source tree: test_core_real).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from recur.kb.init import _plain_doc_links

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _sh(args, cwd, env, timeout=600):
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


# Several commands of the installed recur in one process of the venv's python (click's CliRunner, as the tests of a
# checkout run them): each `recur` process took 0.5-1 s of CPU to start (3-7 s on a loaded machine), nine of them.
# The installed `recur` script itself runs `recur init`, `recur --version` and `recur serve` here. The outputs are
# written to a file: a command may run a program (mkdocs) whose output goes to the process's own stdout.
_IN_ONE = """import json, sys, traceback
from click.testing import CliRunner
from recur.cli.main import cli
said = []
for argv in json.loads(sys.argv[1]):
    r = CliRunner().invoke(cli, argv, prog_name="recur")
    failed = r.exception if r.exit_code and not isinstance(r.exception, SystemExit) else None
    said.append([argv, r.exit_code, r.stdout, r.stderr, "".join(traceback.format_exception(failed)) if failed else ""])
    if r.exit_code:
        break
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(said, f)
"""


def _recur_in_one(bin_dir, cwd, env, *argvs) -> list[str]:
    """The stdout of each of ``argvs`` run by the installed recur in one process, each asserted to exit 0."""
    out = Path(cwd) / ".recur-in-one.json"
    _sh([bin_dir / "python", "-c", _IN_ONE, json.dumps([[str(a) for a in argv] for argv in argvs]), out], cwd, env)
    said = json.loads(out.read_text())
    out.unlink()
    for argv, code, stdout, stderr, trace in said:
        assert code == 0, f"recur {argv}: exit {code}\n{stdout[-3000:]}\n{stderr[-3000:]}\n{trace}"
    assert len(said) == len(argvs), said
    return [stdout for _, _, stdout, _, _ in said]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin dir of a fresh venv with the wheel installed, the wheel, a work folder outside the checkout)."""
    work = tmp_path_factory.mktemp("e2e")
    dist = work / "dist"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RECUR_KB", "RECUR_INDEX")}
    # built from a copy of what the wheel is made of: pip builds in the tree it is given, and setuptools wrote
    # build/ and tools/recur.egg-info/ into the checkout (tests/checkout_guard.py)
    tree = work / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "LICENSE", "README.md", "docs", "tools"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(ROOT / name, tree / name)
    _sh(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, tree],
        cwd=work,
        env=env,
    )
    wheel = next(dist.glob("recur-*.whl"))
    venv = work / "venv"
    _sh([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", venv], cwd=work, env=env)
    purelib = Path(
        _sh(
            [venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work, env=env
        ).stdout.strip()
    )
    # the project's dependencies (pip too), as a plain path entry (its .pth files, the editable hook among them,
    # do not run); pip run by the venv's python installs into the venv
    (purelib / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _sh([venv / "bin/python", "-m", "pip", "install", "-q", "--no-deps", wheel], cwd=work, env=env)
    return venv / "bin", wheel, work, env


def test_the_wheel_carries_what_recur_needs_at_run_time(installed):
    _, wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "recur/site/theme/overrides/main.html",
        "recur/site/theme/assets/recur-suggest.js",
        "recur/starter/severity.yml",
        "recur/starter/eval/cases.yml",
        "recur/templates/init/mkdocs.yml",
        "recur/templates/init/.github/workflows/kb.yml",
        "recur/templates/init/.gitignore",
        "recur/site/browser/ranker.js",
        "recur/reference/kb-format.md",  # a copy of docs/kb-format.md (a link in the checkout)
    ):
        assert needed in names, needed
    if (
        ROOT / "tools/recur/site/browser/vendor/.copied"
    ).is_file():  # vendored by make install (npm), as make wheel needs
        for needed in ("ort-wasm-simd-threaded.wasm", "ort.wasm.min.mjs", "tokenizers.min.mjs", "LICENSE.tokenizers"):
            assert f"recur/site/browser/vendor/{needed}" in names, needed
    assert any(n.startswith("recur/starter/patterns/") and n.endswith(".md") for n in names)
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "[mkdocs.plugins]" in entry_points and "recur = recur.site.plugin:RecurPlugin" in entry_points


def test_the_source_tree_is_not_importable_there(installed):
    bin_dir, _, work, env = installed
    where = _sh([bin_dir / "python", "-c", "import recur; print(recur.__file__)"], cwd=work, env=env).stdout.strip()
    assert str(ROOT) not in where and "site-packages" in where


def test_recur_version_is_the_version_pip_installed(installed):
    """The version is written once (recur.__version__, read by pyproject.toml): `recur --version` and
    the installed metadata (what `pip show` and `make constraints` read) agree."""
    bin_dir, wheel, work, env = installed
    said = _sh([bin_dir / "recur", "--version"], cwd=work, env=env).stdout.split()[-1]
    code = "from importlib.metadata import version; print(version('recur'))"
    assert _sh([bin_dir / "python", "-c", code], cwd=work, env=env).stdout.strip() == said
    assert wheel.name.startswith(f"recur-{said}-")


def _get(url, data=None, timeout=60):
    req = urllib.request.Request(
        url,
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Content-Type": "application/json"} if data is not None else {},
    )
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def _serve_and_probe(bin_dir, repo: Path, env) -> None:
    import threading

    from serve_util import started_on

    # --port 0, the port read from the start-up line: one found free here and closed could be another test
    # worker's by the time serve (its imports first) binds it
    proc = subprocess.Popen(
        [bin_dir / "recur", "serve", "--kb", "kb", "--index", ".recur/index", "--site", "site", "--port", "0"],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    said: list = []
    try:
        base = f"http://127.0.0.1:{started_on(proc.stderr, said)}"
        rest = threading.Thread(target=lambda: said.append(proc.stderr.read()), daemon=True)
        rest.start()  # read on, so the server never blocks on a full pipe
        deadline = time.monotonic() + 300  # it builds the index with the real model first
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "".join(said) if proc.poll() else "timeout"
            time.sleep(0.5)
        status, body = _get(base + "/api/suggest", {"text": "No space left on device while writing logs", "top": 3})
        answer = json.loads(body)
        assert status == 200 and answer["no_known_pattern"] is False, answer
        assert answer["results"][0]["id"] == "disk-full", answer["results"]
        status, page = _get(base + "/")
        assert status == 200 and b"<html" in page.lower()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_team_repository_from_init_starter(installed):
    """The starter, checked, indexed, searched and built into both sites by the installed commands (the
    fake encoder), then served: `recur serve` builds its index with the real model at first start and
    ranks disk-full first (one load of the model, where `recur index` and `recur suggest` each loaded it
    too, with the same code: ~20 s)."""
    bin_dir, _, work, env = installed
    env = {**env, "RECUR_BROWSER_SEARCH": "off"}  # the bundle's ONNX export has its own tests and bench
    _sh([bin_dir / "recur", "init", "team-kb", "--starter"], cwd=work, env=env)
    repo = work / "team-kb"
    fake = ["--index", ".recur/fake-index", "--model", "fake:64"]
    *_, suggested, _ = _recur_in_one(
        bin_dir,
        repo,
        env,
        ["check", "--kb", "kb", "--strict"],
        ["index", "--kb", "kb", *fake],
        ["suggest", "--kb", "kb", *fake, "--json", "No space left on device while writing logs"],
        ["site", "--kb", "kb", "--out", "site", "--index", ".recur/fake-index"],
    )
    out = json.loads(suggested)
    assert out["results"][0]["id"] == "disk-full" and out["no_known_pattern"] is False
    assert (repo / "site/patterns/capacity/disk-full.html").is_file()
    _sh(
        # no -q: mkdocs' -q drops the warnings before --strict counts them (a strict build that could not fail)
        [bin_dir / "python", "-m", "mkdocs", "build", "--strict", "-d", "site-mkdocs"],
        cwd=repo,
        env={**env, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert (repo / "site-mkdocs/patterns/capacity/disk-full.html").is_file()
    assert not (repo / ".recur/index").exists()  # recur serve builds it
    # served with the real model: the starter's capacity patterns only (141 of its 970 views: the encode was
    # ~14 s of CPU, ~3.5 s now). The installed wheel running the real model is what is checked here (disk-full
    # still ranked first, against inode-exhaustion's "No space left on device" too); the real model's ranking
    # of the whole starter is test_core_real's
    for folder in (repo / "kb/incidents", repo / "kb/paths", repo / "kb/eval", *(repo / "kb/patterns").iterdir()):
        if folder.is_dir() and folder.name != "capacity":
            shutil.rmtree(folder)
    _serve_and_probe(bin_dir, repo, env)
    assert json.loads((repo / ".recur/index/manifest.json").read_text())["model"].startswith("all-MiniLM-L6-v2@")


def test_a_blank_repository_and_its_first_pattern(installed):
    bin_dir, _, work, env = installed
    env = {**env, "RECUR_BROWSER_SEARCH": "off"}
    recur = bin_dir / "recur"
    out = _sh([recur, "init", "blank"], cwd=work, env=env).stdout
    assert "recur new pattern" in out
    repo = work / "blank"
    # the KB format reference, which the wheel carries as docs/kb-format.md is (found in review: none)
    doc = (ROOT / "docs/kb-format.md").read_text(encoding="utf-8")
    written = (repo / "KB-FORMAT.md").read_text(encoding="utf-8")
    # its links to Recur's other docs pages as plain text (the team's repository has no ranking.md: re-read)
    assert written.endswith(_plain_doc_links(doc.partition("\n")[2]))
    assert "](ranking.md" not in written and "KB-FORMAT.md" in (repo / "kb/recur.yml").read_text()
    # the installed wheel's own dependency closure, pinned (not "ran from a source tree")
    pins = (repo / "constraints.txt").read_text()
    assert "torch==2.13.0" in pins.splitlines() and "faiss-cpu==" in pins and "source tree" not in pins, pins
    new_pattern = [
        "new",
        "pattern",
        "--kb",
        "kb",
        "--no-input",
        "--title",
        "Queue consumer lag grows",
        "--category",
        "capacity",
        "--severity",
        "sev3",
        "--symptom",
        "consumer lag keeps growing",
        "--signal",
        "KafkaConsumerLagHigh",
        "--summary",
        "Consumers fall behind producers.",
        "--step",
        "Open the consumer-lag dashboard and find the partition that stalls.",
        "--evidence",
        "The consumer group's offsets before any restart.",
    ]
    # the fake encoder (one more load of the real model, ~10 s): the installed wheel with the real model is
    # test_a_team_repository_from_init_starter's
    said = _recur_in_one(
        bin_dir,
        repo,
        env,
        ["kb-format"],
        new_pattern,
        ["check", "--kb", "kb"],
        ["index", "--kb", "kb", "--index", ".recur/index", "--model", "fake:64"],
        ["site", "--kb", "kb", "--out", "site", "--index", ".recur/index"],
    )
    assert said[0] == written
    assert (repo / "site/patterns/capacity/queue-consumer-lag-grows.html").is_file()


def test_init_wheel_with_the_built_wheel_and_pip_installs_it_from_the_repository(installed):
    """`recur init --wheel` (a team without a package index) with the wheel `pip wheel` built: the
    installed recur takes its own wheel's name, and pip, run at the repository's root as `make install`
    and CI run it, finds recur at the path requirements.txt names (nothing fetched: --no-index)."""
    bin_dir, wheel, work, env = installed
    _sh([bin_dir / "recur", "init", "team-wheel", "--wheel", wheel], cwd=work, env=env)
    repo = work / "team-wheel"
    assert (repo / "wheels" / wheel.name).read_bytes() == wheel.read_bytes()
    lines = [ln for ln in (repo / "requirements.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert lines == [f"./wheels/{wheel.name}", "-c constraints.txt"], lines
    argv = [
        bin_dir / "python",
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--no-deps",
        "--no-index",
        "-r",
        "requirements.txt",
    ]
    said = _sh(argv, cwd=repo, env=env).stdout
    assert f"wheels/{wheel.name}" in said, said
