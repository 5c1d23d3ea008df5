"""The contribution path: CI, pre-commit and the Makefile run the same recur commands."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def makefile() -> tuple[dict, dict, dict]:
    """(variables, target -> recipe lines with variables expanded, target -> prerequisites)."""
    variables: dict = {}
    recipes: dict = {}
    prereqs: dict = {}
    current = None
    for line in (ROOT / "Makefile").read_text().splitlines():
        if line.startswith("\t") and current:
            recipes[current].append(line.strip())
            continue
        m = re.match(r"^([A-Z_]+)\s*[:?]?=\s*(.*)$", line)
        if m:
            variables[m.group(1)] = m.group(2).strip()
            current = None
            continue
        m = re.match(r"^([a-z][\w.-]*)\s*:(?!=)\s*(.*)$", line)
        current = m.group(1) if m else None
        if m:
            recipes[current] = []
            prereqs[current] = m.group(2).split()

    def expand(text: str, depth: int = 0) -> str:
        out = re.sub(r"\$\((\w+)\)", lambda v: variables.get(v.group(1), ""), text)
        return out if out == text or depth > 5 else expand(out, depth + 1)

    return variables, {t: [expand(r) for r in rs] for t, rs in recipes.items()}, prereqs


def workflow() -> dict:
    return yaml.safe_load((ROOT / ".github/workflows/kb.yml").read_text())


def workflow_runs() -> list[str]:
    steps = [s for job in workflow()["jobs"].values() for s in job["steps"]]
    return [line.strip() for s in steps if "run" in s for line in s["run"].splitlines() if line.strip()]


def make_targets(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        words = shlex.split(line, comments=True) if "make " in line else []
        if words and words[0] == "make":
            out += [w for w in words[1:] if "=" not in w and not w.startswith("-")]
    return out


def recur_words(cmd: str) -> list[str]:
    """The recur command line in ``cmd`` with the executable spelled ``recur`` ([] if none)."""
    words = shlex.split(cmd)
    for n, w in enumerate(words):
        if w == "recur" or w.endswith("/recur"):
            return ["recur"] + words[n + 1 :]
    return []


def test_workflow_runs_the_makefile_targets():
    _, recipes, _ = makefile()
    runs = workflow_runs()
    targets = make_targets(runs)
    assert set(targets) >= {"install", "check", "similar", "eval", "site"}
    for t in targets:
        assert t in recipes, f"the workflow runs `make {t}` but the Makefile has no {t} target"
    # the workflow never calls recur directly with flags of its own: only through make
    assert not [line for line in runs if re.match(r"^(\S*/)?recur\s", line)]


def test_makefile_targets_are_the_documented_recur_commands():
    _, recipes, prereqs = makefile()
    commands = {t: [recur_words(r) for r in recipes[t] if recur_words(r)] for t in ("check", "similar", "eval", "site")}
    assert commands["check"] == [["recur", "check", "--kb", "kb", "--strict", "--format", "text"]]
    assert any(c[:2] == ["recur", "check"] and "--similar" in c for c in commands["similar"])
    assert any(c[:2] == ["recur", "eval"] for c in commands["eval"])
    assert any(c[:2] == ["recur", "site"] for c in commands["site"])
    for cmds in commands.values():
        for c in cmds:
            assert "--kb" in c and c[c.index("--kb") + 1] == "kb"
    # `make test` runs the same gates as CI before the unit tests
    assert {"check", "eval", "similar"} <= set(prereqs["test"])


def test_workflow_triggers_and_near_duplicate_step():
    wf = workflow()
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert "pull_request" in on
    similar = [s for job in wf["jobs"].values() for s in job["steps"] if "make similar" in s.get("run", "")]
    assert similar and "git diff --name-only" in similar[0]["run"] and "CHANGED=" in similar[0]["run"]


def test_workflow_shows_check_problems_as_pull_request_annotations():
    """CI ran `make check` with the text lines: a reviewer opened the log to find which line of which
    file was wrong. Both check steps pass CHECK_FORMAT=github to the Makefile, locally text."""
    variables, recipes, _ = makefile()
    assert variables["CHECK_FORMAT"] == "text"
    for target in ("check", "similar"):
        words = recur_words(recipes[target][0])
        assert words[words.index("--format") + 1] == "text", words
    runs = [line for line in workflow_runs() if re.match(r"^make (check|similar)\b", line)]
    assert len(runs) == 2 and all("CHECK_FORMAT=github" in shlex.split(line, comments=True) for line in runs), runs


def test_precommit_hooks_run_recur_check_on_changed_files():
    _, recipes, _ = makefile()
    check_flags = set(recur_words(recipes["check"][0])[2:])
    similar_flags = set(recur_words(recipes["similar"][0])[2:])
    for name in (".pre-commit-hooks.yaml", ".pre-commit-config.yaml"):
        data = yaml.safe_load((ROOT / name).read_text())
        hooks = data if isinstance(data, list) else [h for r in data["repos"] for h in r["hooks"]]
        by_id = {h["id"]: h for h in hooks}
        for hid, flags in (("recur-check", check_flags), ("recur-similar", similar_flags)):
            hook = by_id[hid]
            words = recur_words(hook["entry"])
            assert words[:2] == ["recur", "check"]
            assert hook.get("pass_filenames", True) is True
            assert re.match(hook["files"], "kb/patterns/capacity/disk-full.md")
            # the hook's flags are the Makefile's (minus what CI passes explicitly)
            left = {"--kb", "kb", "--index", ".recur/index", "$(CHANGED)", "", "--format", "text"}
            assert set(words[2:]) - {"--quiet"} == flags - left


def test_pr_template_and_contributing_point_at_real_targets():
    _, recipes, _ = makefile()
    for name in (".github/pull_request_template.md", "CONTRIBUTING.md"):
        text = (ROOT / name).read_text()
        for target in re.findall(r"`make (\w+)", text):
            assert target in recipes, f"{name} mentions make {target}, which the Makefile lacks"
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    assert "recur new pattern" in contributing and "## Runbook" in contributing


def test_contributing_example_is_a_valid_pattern(tmp_path):
    from kbfactory import pattern_text, small_kb, write

    from recur.kb.check import check_path

    text = (ROOT / "CONTRIBUTING.md").read_text()
    example = re.search(r"```markdown\n(.*?)\n```\n", text, re.S).group(1) + "\n"
    kb = small_kb(tmp_path / "kb")
    write(kb, "patterns/dependencies/tls-certificate-expired.md", example)
    write(
        kb,
        "patterns/dependencies/expired-api-credentials.md",
        pattern_text(
            "expired-api-credentials",
            "dependencies",
            signals=("401 Unauthorized",),
            related=("tls-certificate-expired",),
        ),
    )
    _, problems = check_path(kb, today="2026-06-01")
    mine = [str(p) for p in problems if "tls-certificate-expired.md" in p.path]
    assert mine == []


def test_the_wheel_the_readme_builds_carries_the_browser_runtime():
    """Found by QA: the README said `pip wheel --no-deps -w dist .` in this checkout; from a fresh
    clone that wheel has no vendored browser runtime (npm runs only in `make install`), so a team's
    site quietly lost its in-browser suggestions. The README names `make wheel`, which installs
    (vendors) first and refuses to build when the runtime is not there."""
    _, recipes, prereqs = makefile()
    team_kb = (ROOT / "docs/team-kb.md").read_text()
    assert "Build the wheel once (`make wheel`" in team_kb
    readme = (ROOT / "README.md").read_text()  # its quick start for teams names the same target
    assert "(`make wheel`)" in readme and "pip wheel" not in readme
    assert "install" in prereqs["wheel"]
    guard, build = recipes["wheel"][0], recipes["wheel"][1]
    assert guard.startswith("@test -f tools/recur/site/browser/vendor/.copied ||") and "exit 1" in guard
    assert "pip wheel --no-deps" in build and guard != build


def test_make_run_serves_loopback_whatever_host_and_port_the_environment_exports():
    """`make run` serves 127.0.0.1:8000. make reads every environment variable as a make variable, and
    tcsh exports HOST (the machine's name), hosting platforms PORT: with `HOST ?= 127.0.0.1` the server
    was bound to the network unasked. Only HOST=/PORT= given to make count."""
    import os
    import shutil

    if shutil.which("make") is None:
        pytest.skip("no make")

    def serve_line(*args):
        env = {**os.environ, "HOST": "build-box.example", "PORT": "5555"}
        out = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        return next(line for line in out.stdout.splitlines() if " serve " in line)

    assert "--host 127.0.0.1 --port 8000" in serve_line()
    assert "--host 0.0.0.0 --port 9000" in serve_line("HOST=0.0.0.0", "PORT=9000")
