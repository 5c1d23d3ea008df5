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


def test_precommit_checks_the_whole_kb_on_every_commit():
    """Found in review (of the repository `recur init` writes, whose hooks are these): pre-commit passes no
    deleted file, so `git rm` of a pattern other files name skipped recur-check and recur-similar. A hook
    with no file named, run on every commit, checks the whole KB and fails on its errors (not warnings)."""
    for name in (".pre-commit-hooks.yaml", ".pre-commit-config.yaml"):
        data = yaml.safe_load((ROOT / name).read_text())
        hooks = data if isinstance(data, list) else [h for r in data["repos"] for h in r["hooks"]]
        hook = {h["id"]: h for h in hooks}["recur-references"]
        assert hook["always_run"] is True and hook["pass_filenames"] is False, (name, hook)
        # only the dangling references: one untracked draft with a YAML error blocked every commit (found in review)
        assert recur_words(hook["entry"]) == ["recur", "check", "--references", "--quiet"], (name, hook)


def test_a_failing_check_leaves_the_other_checks_to_run():
    """As in the workflow `recur init` writes (tests/test_init_ci.py): a failed `make check` skipped the
    near-duplicate, eval and site steps, so a change's other problems showed one run at a time. They run
    after a failed step, once recur is installed, not in a cancelled run; no step has continue-on-error."""
    steps = [s for job in workflow()["jobs"].values() for s in job["steps"]]
    install = next(s for s in steps if s.get("run") == "make install")
    assert install["id"] == "install" and not [s for s in steps if s.get("continue-on-error")]
    after = steps[next(i for i, s in enumerate(steps) if "make check" in s.get("run", "")) + 1 :]
    checks = [s for s in after if re.search(r"\bmake (similar|eval|site)\b", s.get("run", ""))]
    assert len(checks) == 3
    for step in checks:
        assert step.get("if") == "${{ !cancelled() && steps.install.outcome == 'success' }}", step
    assert [s.get("if") for s in after if "uses" in s] == [None]  # the site is kept from a passing run only


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
    site quietly lost its in-browser suggestions. The README names `make wheel`, which vendors the
    runtime first and refuses to build when it is not there."""
    _, recipes, prereqs = makefile()
    team_kb = (ROOT / "docs/team-kb.md").read_text()
    assert "Build the wheel once (`make wheel`" in team_kb
    readme = (ROOT / "README.md").read_text()  # its quick start for teams names the same target
    assert "(`make wheel`)" in readme and "pip wheel" not in readme
    assert "$(VENDOR)/.copied" in prereqs["wheel"]
    guard, build = recipes["wheel"][0], recipes["wheel"][-2]
    assert guard.startswith("@test -f tools/recur/site/browser/vendor/.copied ||") and "exit 1" in guard
    assert "pip wheel --no-deps" in build and guard != build


def _make_n(*args, cwd=ROOT) -> str:
    """What `make -n ARGS` would run (nothing is run), the Makefile's own lines."""
    import shutil

    if shutil.which("make") is None:
        pytest.skip("no make")
    proc = subprocess.run(["make", "-n", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_make_wheel_builds_with_pip_alone_not_the_development_install():
    """Found in review: `make wheel` ran `make install`, Recur's development install (`pip install -e
    '.[test]'`: torch, playwright, ruff, zensical ...), to build a pure-Python wheel. What it runs, with every
    prerequisite taken as out of date (-B: a fresh clone), installs nothing: a venv with pip, the vendored
    browser runtime, `pip wheel --no-deps`."""
    ran = _make_n("-B", "wheel")
    assert "pip wheel --no-deps" in ran and "vendor/.copied" in ran, ran
    assert "pip install" not in ran and ".[test]" not in ran, ran


def test_make_wheel_runs_npm_only_when_the_vendored_runtime_is_missing_or_stale(tmp_path):
    """The browser runtime in the package (vendor/) comes from npm; a checkout whose runtime is vendored and
    whose node_modules is gone (or never was: the files copied in) needs no npm for a wheel, where `make wheel`
    ran `npm ci` for want of node_modules. npm runs when the runtime is missing, or older than package-lock.json
    with node_modules older too; a runtime older than the lockfile is copied again from an up-to-date
    node_modules without npm. The last two run for real, on a PATH without npm (a machine without Node), whose
    warning says when npm would have run."""
    import os
    import shutil

    for name in ("Makefile", "package-lock.json"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    vendor = tmp_path / "tools/recur/site/browser/vendor"
    lock, stamp, modules = tmp_path / "package-lock.json", vendor / ".copied", tmp_path / "node_modules"

    def at(path, when):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        os.utime(path, (when, when))

    at(lock, 1_000_000)
    assert "npm ci" in _make_n("wheel", cwd=tmp_path)  # nothing vendored, no node_modules
    at(stamp, 2_000_000)
    ran = _make_n("wheel", cwd=tmp_path)  # vendored after the lockfile, no node_modules
    assert "npm ci" not in ran and "cp node_modules" not in ran and "pip wheel --no-deps" in ran, ran

    bin_dir = tmp_path / "bin"  # the tools the recipe runs, npm left out
    bin_dir.mkdir()
    for tool in ("mkdir", "cp", "cat", "touch"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    for path in ("onnxruntime-web/dist/ort.wasm.min.mjs", "onnxruntime-web/dist/ort-wasm-simd-threaded.mjs",
                 "onnxruntime-web/dist/ort-wasm-simd-threaded.wasm", "@huggingface/tokenizers/dist/tokenizers.min.mjs",
                 "@huggingface/tokenizers/LICENSE", "porter2/dist/index.js", "porter2/LICENSE"):  # fmt: skip
        at(modules / path, 3_000_000)

    def vendor_again():
        proc = subprocess.run(
            [shutil.which("make"), "tools/recur/site/browser/vendor/.copied"],
            cwd=tmp_path, env={"PATH": str(bin_dir)}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return proc.stdout + proc.stderr

    at(lock, 3_000_000)
    at(modules / ".package-lock.json", 4_000_000)
    said = vendor_again()  # the lockfile changed, `npm ci` ran since (make install): copied, no npm
    assert "npm" not in said and (vendor / "porter2.mjs").is_file() and stamp.stat().st_mtime > 4_000_000, said
    at(stamp, 4_500_000)
    at(lock, 5_000_000)
    said = vendor_again()  # the lockfile changed again, node_modules not since: npm would run
    assert "warning: npm not found" in said, said


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


def test_a_pull_requests_eval_step_compares_with_its_base():
    """Found in review: this repository's CI ran a bare `make eval` (the thresholds alone), while the KB
    repository `recur init` writes compares a pull request with its base. The eval step passes BASE (the pull
    request's base) and CHECK_FORMAT=github; the Makefile takes the base's kb/ out of git and compares with it.
    The commands make would run, printed by make -n (install left out with -o)."""
    import shutil

    step = next(line for line in workflow_runs() if re.match(r"^make eval\b", line))
    words = shlex.split(step, comments=True)
    assert "BASE=${{ github.event.pull_request.base.sha }}" in words and "CHECK_FORMAT=github" in words, words
    if shutil.which("make") is None:
        pytest.skip("no make")

    def planned(*args):
        out = subprocess.run(
            ["make", "--no-print-directory", "-n", "-o", "install", "eval", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return [recur_words(line) or shlex.split(line) for line in out.stdout.splitlines() if line.strip()]

    pr = planned("BASE=0123abc", "CHECK_FORMAT=github")
    assert "git" in pr[0] and "archive" in pr[0] and "0123abc" in pr[0] and "kb" in pr[0], pr
    assert pr[-1][:2] == ["recur", "eval"] and pr[-1][-2:] == ["--baseline", ".recur/baseline/kb"], pr
    assert pr[-1][pr[-1].index("--format") + 1] == "github" and "-v" in pr[-1], pr
    push = planned("BASE=", "CHECK_FORMAT=github")
    assert len(push) == 1 and "--baseline" not in push[0], push  # a push: the thresholds alone
    local = planned("CHECK_FORMAT=json")
    assert local[-1][local[-1].index("--format") + 1] == "text", local  # eval has text|github only
