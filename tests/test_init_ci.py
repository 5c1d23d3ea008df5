"""The CI `recur init` generates (Makefile, .github/workflows/kb.yml and overdue.yml), run for real.

Found in review: after `recur import` of a postmortem three weeks old, its follow-ups past their due
dates, `make test` (and the pull-request job, through `make report`) failed `--fail-on overdue`, so a
typo fix went red the day a follow-up fell due. A change's checks pass or fail on the change; the
overdue gate runs on a schedule. And every CI run exported the browser model again (14.6 s of a
17.8 s `make site`): it is cached now, keyed by what makes the export.

The generated Makefile's targets run here with real make and the recur of this checkout (RECUR=, a
script running `python -m recur`); only `make install` (pip, from the team's package index) is left
out, with make's -o.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from recur.cli.main import cli

TOOLS = Path(__file__).resolve().parents[1] / "tools"
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="no make")


def _team_with_overdue_follow_ups(tmp_path: Path) -> Path:
    """A new team's repository (recur init) with one imported postmortem from three weeks ago whose
    review was held and whose two action items fell due 7 and 2 days ago: nothing wrong with the KB."""
    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest)]).exit_code == 0
    day = dt.date.today()
    pm = tmp_path / "pm.md"
    pm.write_text(
        "# Postmortem: Checkout 502s after the deploy\n\n"
        f"**Date:** {day - dt.timedelta(days=21)}\n**Status:** Complete\n**Severity:** SEV-2\n\n"
        "## Summary\n\nCheckout returned 502s for forty minutes after the deploy: the new pods crashlooped.\n\n"
        "## Action Items\n\n| Action item | Owner | Due |\n|---|---|---|\n"
        f"| Add a readiness probe to checkout | ana | {day - dt.timedelta(days=7)} |\n"
        f"| Alert on crashlooping pods | bo | {day - dt.timedelta(days=2)} |\n"
    )
    args = ["import", str(pm), "--kb", str(dest / "kb"), "--index", str(tmp_path / "idx"), "--model", "fake:64"]
    res = CliRunner().invoke(cli, [*args, "--no-draft"])
    assert res.exit_code == 0 and "2 follow-ups" in res.output, res.output
    return dest


def _tools(tmp_path: Path) -> tuple[Path, dict]:
    """(a folder with `recur` and `make` for PATH, the environment): make skips `install` and runs this
    checkout's recur, with the fake encoder and no browser bundle (it cannot run the fake encoder)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    recur = bin_dir / "recur"
    recur.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m recur "$@"\n')
    make = bin_dir / "make"
    make.write_text(f'#!/bin/sh\nexec "{shutil.which("make")}" -o install RECUR="{recur}" "$@"\n')
    for script in (recur, make):
        script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "MAKE"))}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(TOOLS),
        RECUR_MODEL="fake:64",
        RECUR_BROWSER_SEARCH="off",
    )
    return bin_dir, env


def _make(dest: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=dest, env=env, capture_output=True, text=True, timeout=600)


def _steps(dest: Path, workflow: str) -> tuple[dict, list[dict]]:
    flow = yaml.safe_load((dest / ".github/workflows" / workflow).read_text())
    return flow, [s for job in flow["jobs"].values() for s in job["steps"]]


@needs_make
def test_make_test_passes_on_a_sound_kb_with_overdue_items_and_make_report_fails_on_them(tmp_path):
    dest = _team_with_overdue_follow_ups(tmp_path)
    _, env = _tools(tmp_path)
    made = _make(dest, env, "test")
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]  # was 1: FAILED --fail-on overdue
    assert "recur report" not in made.stdout  # make test runs check, similar, eval, site: not the report
    gate = _make(dest, env, "report")
    assert gate.returncode != 0 and "FAILED --fail-on overdue: 2 items" in gate.stderr, gate.stderr
    assert "'Alert on crashlooping pods' of INC-" in gate.stderr
    listed = _make(dest, env, "report", "FAIL_ON=")  # the report alone
    assert listed.returncode == 0 and "Alert on crashlooping pods" in listed.stdout, listed.stderr
    # a change that breaks the KB still fails make test
    (dest / "kb/incidents").joinpath("broken.md").write_text("---\nid: INC-2026-9999\n---\n")
    assert _make(dest, env, "test").returncode != 0


@needs_make
def test_the_pull_request_job_lists_overdue_items_in_its_summary_and_passes(tmp_path):
    """The kb.yml step, run by bash as the runner runs it: the Markdown report in the job summary, a
    warning annotation saying how many are overdue, exit 0; a report that cannot run still fails it."""
    dest = _team_with_overdue_follow_ups(tmp_path)
    _, env = _tools(tmp_path)
    flow, steps = _steps(dest, "kb.yml")
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert {"pull_request", "push"} <= set(on) and "schedule" not in on
    step = next(s for s in steps if str(s.get("name", "")).startswith("Overdue"))
    summary, temp = tmp_path / "summary.md", tmp_path / "runner-temp"
    temp.mkdir()
    env.update(GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(temp))
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=dest, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    warning = [ln for ln in proc.stdout.splitlines() if ln.startswith("::warning")]
    assert warning == [
        "::warning title=Overdue items::overdue: 2 items. Listed in this run's summary; not a failure of "
        "this change (the scheduled overdue workflow fails on them)"
    ], proc.stdout
    text = summary.read_text()
    assert text.startswith("#") and "Add a readiness probe to checkout" in text and "Alert on crashlooping pods" in text
    assert "FAILED --fail-on overdue: 2 items" in proc.stderr  # the log says it too
    # no step of the pull-request job runs the overdue gate but this one
    assert not [s for s in steps if "make report" in s.get("run", "") and s is not step]
    assert not [s for s in steps if "make test" in s.get("run", "")]
    # the report cannot run (a KB of a newer format): no FAILED --fail-on line, so the step fails
    (dest / "kb/recur.yml").write_text("format: 99\n")
    summary.unlink()
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=dest, env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "::warning" not in proc.stdout, proc.stdout
    assert "format version 99" in proc.stderr, proc.stderr


@needs_make
def test_the_scheduled_workflow_fails_on_overdue_items_with_the_report_in_its_summary(tmp_path):
    dest = _team_with_overdue_follow_ups(tmp_path)
    _, env = _tools(tmp_path)
    flow, steps = _steps(dest, "overdue.yml")
    on = flow.get("on", flow.get(True))
    assert set(on) == {"schedule", "workflow_dispatch"}, on
    assert [len(c["cron"].split()) for c in on["schedule"]] == [5]
    assert [s["run"] for s in steps if "run" in s][0] == "make install"  # recur, as the pin says
    step = next(s for s in steps if "make report" in s.get("run", ""))
    summary = tmp_path / "summary.md"
    env.update(GITHUB_STEP_SUMMARY=str(summary))
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=dest, env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "FAILED --fail-on overdue: 2 items" in proc.stderr, proc.stderr
    assert "Alert on crashlooping pods" in summary.read_text()
    # one closed and the other given a new due date (the README's two ways out): the run passes
    incident = next((dest / "kb/incidents").rglob("INC-*.md")).stem
    later = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    for which in (["readiness probe", "--done"], ["crashlooping", "--due", later]):
        res = CliRunner().invoke(cli, ["incident", "follow-up", "--kb", str(dest / "kb"), incident, *which])
        assert res.exit_code == 0, res.output
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=dest, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_ci_caches_the_browser_model_keyed_by_what_makes_the_export(tmp_path):
    """The export is recur's code on the model: the key follows recur's pin or wheel and its
    dependencies' versions (no restore-keys: another recur's export is never restored), and the tuned
    model's manifest where recur looks for it; restored before the site is built."""
    from recur import config
    from recur.retrieval.embed import TUNED_MANIFEST
    from recur.site import bundle

    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest)]).exit_code == 0
    _, steps = _steps(dest, "kb.yml")
    cached = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
    model = next(s for s in cached if s["with"]["path"] == bundle.CACHE.as_posix())
    assert bundle.CACHE == config.STATE_DIR / "browser-model"
    key = model["with"]["key"]
    for what in ("requirements.txt", "constraints.txt", "wheels/*.whl", (config.MODEL_DIR / TUNED_MANIFEST).as_posix()):
        assert f"'{what}'" in key.split("hashFiles(", 1)[1], (what, key)
    assert "restore-keys" not in model["with"] and "github.sha" not in key
    site = next(i for i, s in enumerate(steps) if s.get("run") == "make site")
    assert steps.index(model) < site
    # the index keeps its own cache
    assert [s["with"]["path"] for s in cached] == [".recur/index", ".recur/browser-model"]


def test_ci_keeps_the_built_site_only_from_the_default_branch_and_for_a_week(tmp_path):
    """Found adopting Recur: kb.yml uploaded site/ (27.5 MB, mostly the browser model) as an artifact on every
    run, pull requests too, for GitHub's default 90 days, and nothing used it. It is kept from a push to the
    default branch (the site a team publishes) for 7 days, and docs/team-kb.md says what it is for."""
    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest)]).exit_code == 0
    _, steps = _steps(dest, "kb.yml")
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(uploads) == 1, uploads
    upload = uploads[0]
    assert upload["with"]["path"] == "site/" and upload["with"]["retention-days"] == 7
    condition = upload["if"]
    assert "github.event_name == 'push'" in condition and "github.event.repository.default_branch" in condition
    assert steps.index(upload) > next(i for i, s in enumerate(steps) if s.get("run") == "make site")
    doc = (Path(__file__).resolve().parents[1] / "docs/team-kb.md").read_text()
    said = doc[doc.index("**Host the static site.**") :].split("\n\n")[0]
    assert f"`{upload['with']['name']}`" in said and "7 days" in said, said


def _git(dest: Path, *args: str) -> str:
    who = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *who, *args], cwd=dest, check=True, capture_output=True, text=True).stdout.strip()


@needs_make
@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_a_pull_requests_eval_step_compares_with_its_base_and_a_push_keeps_the_thresholds(tmp_path):
    """Found in review: kb.yml's "Retrieval regression" step (make eval) compared with fixed thresholds only, so
    a pull request that deleted most symptoms passed. On a pull request it now asks the same cases of the KB
    at the base commit (make eval BASE=<sha>) and fails, each case that fell an annotation at its line."""
    from test_eval_baseline import strip_disk_full, team_kb

    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest)]).exit_code == 0
    team_kb(dest / "kb")
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", ".")
    _git(dest, "commit", "-q", "-m", "base")
    base = _git(dest, "rev-parse", "HEAD")
    strip_disk_full(dest / "kb")
    _git(dest, "commit", "-q", "-am", "fewer symptoms")
    _, env = _tools(tmp_path)
    _, steps = _steps(dest, "kb.yml")
    (step,) = [s for s in steps if "make eval" in s.get("run", "")]
    sha = "${{ github.event.pull_request.base.sha }}"
    assert sha in step["run"]
    pushed = subprocess.run(
        ["bash", "-e", "-c", step["run"].replace(sha, "")], cwd=dest, env=env, capture_output=True, text=True
    )
    assert pushed.returncode == 0, pushed.stdout[-3000:] + pushed.stderr[-3000:]  # 6 of 7 in the top 3: above 0.8
    # the log names the case that missed, with its line (a failed run's named none)
    assert "  line 5: rank 6 for ['disk-full']" in pushed.stdout, pushed.stdout
    pr = subprocess.run(
        ["bash", "-e", "-c", step["run"].replace(sha, base)], cwd=dest, env=env, capture_output=True, text=True
    )
    assert pr.returncode != 0, pr.stdout[-3000:] + pr.stderr[-3000:]
    assert "::error file=kb/eval/cases.yml,line=5,title=eval::moved down from the baseline: rank 1 → 6" in pr.stdout
    assert "1 case left the top 3 it had in the baseline (line 5)" in pr.stderr, pr.stderr
    assert (dest / ".recur/baseline/kb/patterns").is_dir() and (dest / ".recur/index-baseline/manifest.json").is_file()
    assert _git(dest, "status", "--porcelain") == ""  # the base was taken out of git, no checkout touched
    # the base's own KB compared with itself (a change that touches no pattern): passes
    _git(dest, "revert", "--no-edit", "HEAD")
    again = subprocess.run(
        ["bash", "-e", "-c", step["run"].replace(sha, base)], cwd=dest, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and "No case moved down." in again.stdout, again.stdout[-3000:] + again.stderr[-3000:]


def test_ci_uses_the_actions_majors_that_run_on_node_24(tmp_path):
    """Found in review: the workflows used checkout@v4, setup-python@v5, cache@v4 and upload-artifact@v4,
    which run on Node 20, deprecated on GitHub's runners in 2026 (each run warned, and Node 20 is removed
    from the runners). Each action is at its first Node 24 major or later; an action not listed here fails
    this test until its Node 24 major is looked up."""
    node24 = {"actions/checkout": 5, "actions/setup-python": 6, "actions/cache": 5, "actions/upload-artifact": 6}
    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest)]).exit_code == 0
    used = []
    for workflow in ("kb.yml", "overdue.yml"):
        _, steps = _steps(dest, workflow)
        used += [(workflow, s["uses"]) for s in steps if "uses" in s]
    assert {u.split("@")[0] for _, u in used} == set(node24), used
    for workflow, uses in used:
        action, _, ref = uses.partition("@")
        assert ref.startswith("v") and int(ref[1:].split(".")[0]) >= node24[action], (workflow, uses)


def _runs(condition: str | None, failed: bool, outcomes: dict, cancelled: bool = False) -> bool:
    """Whether a step with this `if:` runs, as GitHub Actions decides it, for the expressions kb.yml uses
    (no `if:` is success(); a status function in it replaces that implicit success()); ``failed``: a step
    before it failed, ``outcomes``: the outcome of each step by id."""
    expr = (condition or "success()").strip()
    expr = expr.removeprefix("${{").removesuffix("}}").strip()
    if not re.search(r"\b(success|failure|always|cancelled)\(\)", expr):
        expr = f"success() && ({expr})"
    expr = re.sub(r"steps\.([\w-]+)\.outcome", lambda m: repr(outcomes.get(m.group(1), "")), expr)
    for fn, value in (("success", not failed and not cancelled), ("failure", failed), ("cancelled", cancelled)):
        expr = expr.replace(f"{fn}()", repr(value))
    expr = expr.replace("always()", "True").replace("&&", " and ").replace("||", " or ")
    expr = re.sub(r"!(?!=)", " not ", expr)
    assert re.fullmatch(r"[\w\s()'=!.-]*", expr), expr  # only what is evaluated here
    return bool(eval(expr))  # noqa: S307 -- a test's own expression, of the workflow recur init writes


def test_a_failing_check_leaves_the_other_checks_of_the_pull_request_to_run(tmp_path):
    """Found in review: the first failing step of kb.yml skipped the rest, so a pull request with a format
    error showed its near-duplicate and eval problems only in the next run. The independent checks run after
    a failed one (the job still fails: no step has continue-on-error); not after a failed install (recur
    missing) nor a cancelled run; the built site is kept only from a run where every step passed."""
    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest)]).exit_code == 0
    _, steps = _steps(dest, "kb.yml")
    assert not [s for s in steps if s.get("continue-on-error")]
    install = next(s for s in steps if s.get("run") == "make install")
    check = next(i for i, s in enumerate(steps) if "make check" in s.get("run", ""))
    independent = {
        name: next(s for s in steps[check + 1 :] if str(s.get("name", "")).startswith(name))
        for name in ("Near-duplicates", "Retrieval regression", "Build the site", "Overdue")
    }
    installed = {install.get("id", ""): "success"}
    for name, step in independent.items():
        assert _runs(step.get("if"), failed=True, outcomes=installed), (name, step.get("if"))  # was skipped
        assert _runs(step.get("if"), failed=False, outcomes=installed), name
        assert not _runs(step.get("if"), failed=True, outcomes={install.get("id", ""): "failure"}), name
        assert not _runs(step.get("if"), failed=False, outcomes=installed, cancelled=True), name
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    # its `if:` names no status function, so success() holds too: the site of a run with a failed step is not kept
    assert not re.search(r"\b(success|failure|always|cancelled)\(\)", upload["if"]), upload["if"]


@needs_make
def test_the_pull_requests_own_notice_is_annotated_before_the_starter_kbs(tmp_path):
    """Found in review: the starter KB's own 14 notices took the 10 annotations GitHub shows of a step, so a
    pull request's notice (here: a pattern set back to draft, ready to publish) was a plain log line. The
    check step, run by bash as the runner runs it (make check, this checkout's recur), passes the KB files the
    pull request adds or changes: its notice is annotated, first; the rest are still listed."""
    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest), "--starter"]).exit_code == 0
    _, env = _tools(tmp_path)
    env.update(GIT_AUTHOR_NAME="r", GIT_AUTHOR_EMAIL="r@example.com", GIT_COMMITTER_NAME="r")
    env.update(GIT_COMMITTER_EMAIL="r@example.com", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull)

    def git(*args):
        done = subprocess.run(["git", *args], cwd=dest, env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "starter")
    base = git("rev-parse", "HEAD")
    waf = dest / "kb/patterns/security/waf-false-positive.md"
    waf.write_text(waf.read_text().replace("\nstatus: active\n", "\nstatus: draft\n", 1))
    git("commit", "-qam", "waf-false-positive back to draft")
    _, steps = _steps(dest, "kb.yml")
    script = next(s["run"] for s in steps if str(s.get("name", "")).startswith("Check the KB format"))
    script = script.replace("${{ github.event.pull_request.base.sha }}", base)
    summary = tmp_path / "summary.md"
    env.update(GITHUB_STEP_SUMMARY=str(summary))
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=dest, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]  # notices never fail it
    mine = ("::notice file=kb/patterns/security/waf-false-positive.md,", "kb/patterns/security/waf-false-positive.md:")
    said = [ln for ln in proc.stdout.splitlines() if ln.startswith(mine)]
    assert said and said[0].startswith(mine[0]), said  # an annotation; was a plain line, the 16th notice
    assert "a draft with nothing left to fill in" in said[0]
    notices = [ln for ln in proc.stdout.splitlines() if ln.startswith(("::notice file=", "kb/"))]
    assert notices[0] == said[0] and len(notices) > 10, notices  # first of them all; the KB's own still listed
    assert "waf-false-positive.md" in summary.read_text()
    assert "1 of them in the 1 changed file, listed first" in proc.stderr, proc.stderr
    # a push (no pull request): no base, no file named, the KB's problems in their order
    script = next(s["run"] for s in steps if str(s.get("name", "")).startswith("Check the KB format"))
    proc = subprocess.run(
        ["bash", "-e", "-c", script.replace("${{ github.event.pull_request.base.sha }}", "")],
        cwd=dest,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and "changed file" not in proc.stderr, proc.stderr


@needs_make
def test_make_passes_each_changed_file_name_as_one_shell_word(tmp_path):
    """Found in review: the Makefile put --changed names (and `make similar`'s CHANGED) into the recipe
    unquoted: `kb/it's.md` failed the recipe ("Unterminated quoted string", make exit 2) and a name with
    backticks ran a command. Each is one word now, a file no KB file said on stderr and left out."""
    import shlex

    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest)]).exit_code == 0
    _, env = _tools(tmp_path)
    names = "kb/it's.md kb/`date>pwned`.md"
    made = _make(dest, env, "check", f"CHECK_CHANGED={names}")
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    assert not (dest / "pwned").exists() and not (dest / "kb/pwned").exists()
    assert "Unterminated" not in made.stderr and "kb/it's.md" in made.stderr, made.stderr
    planned = _make(dest, env, "-n", "similar", f"CHANGED={names}")
    line = next(ln for ln in planned.stdout.splitlines() if "--similar" in ln)
    assert shlex.split(line)[-2:] == ["kb/it's.md", "kb/`date>pwned`.md"], line


@needs_make
def test_make_eval_takes_a_check_format_eval_has_not_as_text(tmp_path):
    """Found in review: `make eval` passed --format $(CHECK_FORMAT), and eval has text and github only, so
    `make test CHECK_FORMAT=json` failed at eval with a usage error (exit 2)."""
    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest)]).exit_code == 0
    _, env = _tools(tmp_path)
    made = _make(dest, env, "eval", "CHECK_FORMAT=json")  # a new KB: no case yet, nothing measured, exit 0
    assert made.returncode == 0 and "No retrieval cases" in made.stderr, made.stdout + made.stderr
    planned = _make(dest, env, "-n", "eval", "CHECK_FORMAT=github")
    assert "--format github" in planned.stdout, planned.stdout


@needs_make
@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_the_workflow_passes_make_only_plain_changed_file_names(tmp_path):
    """A pull request chooses its file names, and make hands them to a shell: the check and near-duplicate
    steps drop a name with other characters than letters, digits, . _ / - and spaces (still checked with the
    rest of the KB, only not listed first), and a change of such names alone still passes the step."""
    dest = tmp_path / "team"
    assert CliRunner().invoke(cli, ["init", str(dest), "--starter"]).exit_code == 0
    _, env = _tools(tmp_path)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", ".")
    _git(dest, "commit", "-q", "-m", "base")
    base = _git(dest, "rev-parse", "HEAD")
    waf = dest / "kb/patterns/security/waf-false-positive.md"
    text = waf.read_text()
    for name in ("it's.md", "a`date>pwned`.md"):
        (dest / "kb/patterns/security" / name).write_text(text)
    _git(dest, "add", ".")
    _git(dest, "commit", "-q", "-m", "odd names")
    _, steps = _steps(dest, "kb.yml")
    env["MAKEFLAGS"] = "n"  # the command make would run, printed
    for step in ("Check the KB format", "Near-duplicates"):
        script = next(s["run"] for s in steps if str(s.get("name", "")).startswith(step))
        script = script.replace("${{ github.event.pull_request.base.sha }}", base)
        proc = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script], cwd=dest, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, (step, proc.stdout[-3000:] + proc.stderr[-3000:])
        assert "it's" not in proc.stdout and "pwned" not in proc.stdout, proc.stdout
    assert not (dest / "pwned").exists()
