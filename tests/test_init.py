"""recur init (a team's own KB repository) and the KB format version, through the real CLI."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from recur.cli.main import cli
from recur.kb.loader import KB_FORMAT, load_kb


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_init_blank_makes_an_empty_valid_kb_and_names_the_next_step(tmp_path):
    dest = tmp_path / "blank"
    res = run("init", dest)
    assert res.exit_code == 0, res.output
    assert "recur new pattern" in res.output
    for rel in ("kb/patterns", "kb/incidents", "kb/paths"):
        assert (dest / rel).is_dir()
    for rel in (
        "kb/severity.yml",
        "kb/eval/cases.yml",
        "kb/recur.yml",
        "mkdocs.yml",
        "README.md",
        "Makefile",
        "requirements.txt",
        ".github/workflows/kb.yml",
        ".github/pull_request_template.md",
        ".pre-commit-config.yaml",
        "CONTRIBUTING.md",
        ".gitignore",
    ):
        assert (dest / rel).is_file(), rel
    kb = load_kb(dest / "kb")
    assert not kb.patterns and not kb.problems
    from recur import __version__

    assert f"recur=={__version__}" in (dest / "requirements.txt").read_text()
    # found by QA: the README linked pypi.org/project/recur/, another project of that name
    assert not [p for p in dest.rglob("*") if p.is_file() and "pypi.org/project/recur" in p.read_text()]
    assert "plugins:\n  - search\n  - recur" in (dest / "mkdocs.yml").read_text()
    assert run("check", "--kb", dest / "kb", "--strict").exit_code == 0


def test_a_team_repository_with_its_kb_moved_to_the_root_passes_check_strict(tmp_path):
    """`recur init`'s repository with the KB's folders at its root (require_kb_root allows a KB there):
    its README, CONTRIBUTING.md, mkdocs.yml, docs/, .github/ and pre-commit file are the repository's,
    and `check --strict` names none of them (found in review: it warned on mkdocs.yml, failing CI)."""
    dest = tmp_path / "team"
    assert run("init", dest, "--starter").exit_code == 0
    (dest / "docs" / "runbooks.md").write_text("# Our runbooks\n")  # a page of the team's own, for the site
    for entry in (dest / "kb").iterdir():
        entry.rename(dest / entry.name)
    (dest / "kb").rmdir()
    check = run("check", "--kb", dest, "--strict")
    assert check.exit_code == 0 and "warning:" not in check.output, check.output


def test_init_starter_copies_the_catalog_but_not_the_example_incidents(tmp_path):
    dest = tmp_path / "team"
    assert run("init", dest, "--starter").exit_code == 0
    from recur.util.resources import starter_dir

    shipped = sorted(p.name for p in (starter_dir() / "patterns").rglob("*.md"))
    assert sorted(p.name for p in (dest / "kb/patterns").rglob("*.md")) == shipped
    assert not list((dest / "kb/incidents").rglob("*.md"))
    assert (dest / "kb/eval/cases.yml").read_bytes() == (starter_dir() / "eval/cases.yml").read_bytes()
    check = run("check", "--kb", dest / "kb", "--strict")
    assert check.exit_code == 0, check.output
    # the shipped patterns' fix tracking (owners, tickets, due dates) stays behind, so a new
    # team's scheduled CI run (overdue.yml: `make report`, `report --fail-on overdue`) does not fail on day one
    assert "fix:" in (next((starter_dir() / "patterns").rglob("*.md"))).read_text()
    assert not [p for p in (dest / "kb/patterns").rglob("*.md") if "\nfix:" in p.read_text()]
    assert "## Permanent fix" in next((dest / "kb/patterns").rglob("*.md")).read_text()
    report = run("report", "--kb", dest / "kb", "--fail-on", "overdue", "--as-of", "2099-01-01")
    assert report.exit_code == 0, report.output
    assert "make report" in (dest / ".github/workflows/overdue.yml").read_text()  # tests/test_init_ci.py runs it


def test_a_blank_repository_passes_eval_until_its_first_case(tmp_path):
    """Found by QA: `make test` in a blank repository (before and after the first pattern, as the
    README and init's "Next:" lines say) failed at `recur eval`: "no retrieval cases"."""
    dest = tmp_path / "blank"
    assert run("init", dest).exit_code == 0
    kb, index = dest / "kb", tmp_path / "index"
    res = run("eval", "--kb", kb, "--index", index, "--model", "fake:64")
    assert res.exit_code == 0, res.output
    assert "No retrieval cases in" in res.output and "nothing to measure" in res.output
    res = run("eval", "--kb", kb, "--index", index, "--model", "fake:64", "--json")
    assert res.exit_code == 0 and '"cases": 0' in res.output
    # the keys a measured run has, so a script reads them either way (nothing measured: null)
    shown = json.loads(res.stdout)
    assert shown["recall@3"] is None and shown["mrr"] is None and "model" in shown and shown["misses"] == []
    flags = ["--title", "Queue consumer lag grows", "--category", "capacity", "--severity", "sev3"]
    flags += ["--symptom", "consumer lag keeps growing", "--signal", "KafkaConsumerLagHigh", "--no-input"]
    assert run("new", "pattern", "--kb", kb, *flags).exit_code == 0
    assert run("eval", "--kb", kb, "--index", index, "--model", "fake:64").exit_code == 0
    # the first case is measured (and gates) as before
    with (kb / "eval/cases.yml").open("a") as f:
        f.write('- query: "KafkaConsumerLagHigh firing"\n  expect: [queue-consumer-lag-grows]\n')
    res = run("eval", "--kb", kb, "--index", index, "--model", "fake:64")
    # the report on stdout (stderr says the index is built first: "No index at …: building it now")
    assert res.exit_code == 0 and res.stdout.startswith("1 cases · recall@1 1.000"), res.output


def test_the_pre_commit_hooks_run_with_the_venv_not_activated(tmp_path):
    """Found by QA: the hooks' entry was a bare `recur` (language: system), so a commit from a shell
    or editor where .venv/ is not activated failed "Executable `recur` not found". Each entry runs
    here as pre-commit runs it: split, from the repository root, the changed file appended, on a
    PATH without the venv; .venv/ is this environment, as `make install` leaves one."""
    import os
    import shlex
    import subprocess
    import sys

    import yaml

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    flags = ["--title", "Queue consumer lag grows", "--category", "capacity", "--severity", "sev3"]
    flags += ["--symptom", "consumer lag keeps growing", "--signal", "KafkaConsumerLagHigh", "--summary", "Lag."]
    flags += [
        "--step",
        "Run `kafka-consumer-groups --describe --group orders`.",
        "--evidence",
        "Offsets.",
        "--no-input",
    ]
    assert run("new", "pattern", "--kb", dest / "kb", *flags).exit_code == 0
    (dest / ".venv").symlink_to(sys.prefix)
    env = {**os.environ, "PATH": "/usr/bin:/bin", "RECUR_MODEL": "fake:64"}
    hooks = yaml.safe_load((dest / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert [h["id"] for h in hooks] == ["recur-check", "recur-similar", "recur-references"]
    for hook in hooks:
        named = ["kb/patterns/capacity/queue-consumer-lag-grows.md"] if hook["pass_filenames"] else []
        argv = [*shlex.split(hook["entry"]), *named]
        proc = subprocess.run(argv, cwd=dest, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, (hook["id"], proc.stdout, proc.stderr)


def test_a_pre_commit_hook_fails_a_commit_that_deletes_a_pattern_other_files_name(tmp_path):
    """Found in review: `git rm kb/patterns/capacity/disk-full.md` passed the hooks with no check, as
    pre-commit never passes a deleted file (both hooks "Skipped") while 6 references to it dangled. A hook
    runs on every commit with no file named (always_run, pass_filenames: false) and checks the whole KB;
    run here as pre-commit runs it (pre-commit is not one of this environment's packages): its entry,
    split, from the repository's root, on a PATH without the venv."""
    import shlex
    import subprocess
    import sys

    import yaml

    dest = tmp_path / "team"
    assert run("init", dest, "--starter").exit_code == 0
    (dest / ".venv").symlink_to(sys.prefix)
    hooks = yaml.safe_load((dest / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    whole = [h for h in hooks if h.get("always_run") and h.get("pass_filenames") is False]
    assert len(whole) == 1, hooks
    hook = whole[0]
    assert hook["language"] == "system" and "--strict" not in hook["entry"]  # errors fail it, not warnings
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    env.pop("RECUR_KB", None)

    def commit_check():
        argv = shlex.split(hook["entry"])
        return subprocess.run(argv, cwd=dest, env=env, capture_output=True, text=True, timeout=300)

    sound = commit_check()
    assert sound.returncode == 0 and sound.stdout == "", sound.stdout + sound.stderr  # quiet: no notices
    # an unfinished draft of a teammate's, untracked, with a YAML error, is not this commit's: it blocked every one
    draft = dest / "kb/patterns/capacity/half-written.md"
    draft.write_text("---\nid: half-written\ntitle: [unfinished\n---\n")
    unfinished = commit_check()
    assert unfinished.returncode == 0 and unfinished.stdout == "", unfinished.stdout + unfinished.stderr
    draft.unlink()
    (dest / "kb/patterns/capacity/disk-full.md").unlink()
    broken = commit_check()
    assert broken.returncode == 1 and "Traceback" not in broken.stderr, broken.stdout + broken.stderr
    dangling = [ln for ln in broken.stdout.splitlines() if "no pattern has id 'disk-full'" in ln]
    assert len(dangling) == 6, broken.stdout
    assert any(ln.startswith("kb/patterns/capacity/inode-exhaustion.md:") for ln in dangling), dangling


def test_init_never_overwrites_and_writes_nothing_on_a_conflict(tmp_path):
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "README.md").write_text("ours\n")
    (dest / ".git").mkdir()  # unrelated files are fine
    res = run("init", dest)
    assert res.exit_code == 1
    assert "README.md" in res.output and "nothing was written" in res.output
    assert sorted(p.name for p in dest.iterdir()) == [".git", "README.md"]
    assert (dest / "README.md").read_text() == "ours\n"


def test_keep_existing_adds_recur_to_a_team_repository_and_leaves_its_files(tmp_path):
    """A team's repository already has a README and a .gitignore: init refused it outright."""
    dest = tmp_path / "team-repo"
    (dest / ".git").mkdir(parents=True)
    (dest / "README.md").write_text("ours\n")
    (dest / ".gitignore").write_text("node_modules/\n")
    res = run("init", dest)
    assert res.exit_code == 1 and "--keep-existing" in res.output
    res = run("init", dest, "--keep-existing", "--name", "Team KB")
    assert res.exit_code == 0, res.output
    assert "Left as they were (2): .gitignore, README.md." in res.output
    assert (dest / "README.md").read_text() == "ours\n" and (dest / ".gitignore").read_text() == "node_modules/\n"
    assert (dest / "kb/recur.yml").is_file() and (dest / "mkdocs.yml").is_file() and (dest / "Makefile").is_file()
    assert load_kb(dest / "kb").errors == []
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "kb").write_text("a file where kb/ goes")
    res = run("init", tmp_path / "x", "--keep-existing")
    assert res.exit_code == 1 and "nothing was written" in res.output and sorted(os.listdir(tmp_path / "x")) == ["kb"]


def test_the_workflows_set_one_time_zone_and_keep_existing_says_when_a_kept_one_sets_none(tmp_path):
    """docs/team-kb.md says to set RECUR_TZ in the workflows' env:, and init's workflows set none: "today" (what is
    overdue, an incident's id) was the runner's zone's, which a laptop's may not be (found in the last read)."""
    import yaml

    from recur.util.dates import zone_named

    dest = tmp_path / "team"
    res = run("init", dest)
    assert res.exit_code == 0, res.output
    for workflow in ("kb.yml", "overdue.yml"):
        flow = yaml.safe_load((dest / ".github/workflows" / workflow).read_text())
        (job,) = flow["jobs"].values()
        assert job["env"]["RECUR_TZ"] == "UTC", workflow
        assert zone_named(job["env"]["RECUR_TZ"], "RECUR_TZ") is not None
    assert "`RECUR_TZ`: both workflows set it in their `env:`" in " ".join((dest / "README.md").read_text().split())
    # run again as it is: nothing to write, nothing said of the zone
    again = run("init", dest, "--keep-existing")
    assert again.exit_code == 0 and "RECUR_TZ" not in again.output, again.output
    # a team's own kb.yml (an older init's) that sets none: kept, and said, with the line to add
    flow = dest / ".github/workflows/kb.yml"
    flow.write_text("name: kb\non:\n  push:\n    branches: [main]\njobs: {}\n")
    kept = run("init", dest, "--keep-existing")
    assert kept.exit_code == 0, kept.output
    assert "Note: RECUR_TZ is not set in .github/workflows/kb.yml (kept)" in kept.output, kept.output
    assert "Add `RECUR_TZ: UTC`, or the team's zone, to the job's env:" in " ".join(kept.output.split())
    assert flow.read_text() == "name: kb\non:\n  push:\n    branches: [main]\njobs: {}\n"
    flow.write_text("name: kb\njobs:\n  kb:\n    env:\n      RECUR_TZ: Europe/Berlin\n")
    assert "RECUR_TZ" not in run("init", dest, "--keep-existing").output
    # found in the re-read: a commented-out line sets nothing, and was taken for set
    flow.write_text("name: kb\njobs:\n  kb:\n    env:\n      # RECUR_TZ: Europe/Berlin  (to do)\n")
    assert "Note: RECUR_TZ is not set in .github/workflows/kb.yml (kept)" in run("init", dest, "--keep-existing").output


def test_init_into_an_empty_folder_and_a_file_in_the_way(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("init", empty).exit_code == 0
    assert (empty / "kb/recur.yml").is_file()
    (tmp_path / "afile").write_text("x")
    res = run("init", tmp_path / "afile")
    assert res.exit_code != 0 and "Traceback" not in res.output


def test_a_file_where_init_needs_a_folder_is_a_conflict_and_nothing_is_written(tmp_path):
    """A file named kb (or docs, .github) in an existing folder is in the way of kb/...: init lists
    it and writes nothing, instead of writing the top-level files and then failing on kb/ (a
    half-made repository whose files are all "in the way" of the next try)."""
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "kb").write_text("not a folder\n")
    (dest / ".github").write_text("not a folder either\n")
    res = run("init", dest)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "nothing was written" in res.output and "  kb\n" in res.output and "  .github\n" in res.output
    assert sorted(p.name for p in dest.iterdir()) == [".github", "kb"]


def test_the_next_step_line_works_when_pasted_for_a_folder_with_spaces(tmp_path):
    """The printed `cd DIR && git init -b main && make install` is a shell line: a path with spaces (or
    quotes) is quoted, so pasting it goes into the new repository."""
    import subprocess

    dest = tmp_path / "team kb's ünï"
    res = run("init", dest)
    assert res.exit_code == 0, res.output
    line = next(ln.strip() for ln in res.output.splitlines() if ln.strip().startswith("cd "))
    assert line.endswith(" && git init -b main && make install"), line
    # before it, where pip finds recur: the pin in requirements.txt is not on the public PyPI (found in review)
    assert res.output.index("PIP_INDEX_URL") < res.output.index(line), res.output
    cd = line.removesuffix(" && git init -b main && make install")
    proc = subprocess.run(["bash", "-c", f"{cd} && pwd -P"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(dest.resolve())


def test_a_kb_newer_than_the_tool_is_a_clear_error(tmp_path):
    dest = tmp_path / "kb-repo"
    run("init", dest)
    (dest / "kb/recur.yml").write_text(f"# a comment\nformat: {KB_FORMAT + 1}\n")
    res = run("check", "--kb", dest / "kb")
    assert res.exit_code == 1
    assert f"recur.yml:2: format: this KB is written to format version {KB_FORMAT + 1}" in res.output
    assert "upgrade recur" in res.output


def _files(root: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_command_but_check_refuses_a_kb_newer_than_the_tool(tmp_path, monkeypatch):
    """Found in review: a KB of format 2 was an error in `recur check` alone: `recur index` indexed it
    (exit 0), `recur suggest` answered, `recur site` built it with a warning. Every command that reads
    the KB refuses it now, naming the file and line, before writing anything."""
    import subprocess
    import sys

    dest = tmp_path / "kb-repo"
    run("init", dest, "--starter")
    (dest / "kb/recur.yml").write_text(f"# a comment\nformat: {KB_FORMAT + 1}\n")
    monkeypatch.setenv("RECUR_MODEL", "fake:64")
    monkeypatch.chdir(dest)
    before = _files(dest)
    said = f"recur.yml:2: format: this KB is written to format version {KB_FORMAT + 1}"
    commands = [
        ("index",),
        ("suggest", "disk full"),
        ("site", "--out", tmp_path / "site", "--no-browser-search"),
        ("eval",),
        ("report",),
        ("lookalikes",),
        (
            "new",
            "pattern",
            "--no-input",
            "--title",
            "X y",
            "--category",
            "data",
            "--severity",
            "sev2",
            "--symptom",
            "z",
        ),
        ("incident", "new", "-t", "Checkout down", "-s", "sev2", "--no-suggest"),
    ]
    for args in commands:
        res = (
            run(*args, "--kb", "kb") if args[0] not in ("new", "incident") else run(*args[:2], "--kb", "kb", *args[2:])
        )
        assert res.exit_code == 1 and said in res.output and "upgrade recur" in res.output, (args, res.output)
    assert _files(dest) == before and not (tmp_path / "site").exists()
    # recur serve says so before it starts serving (its engine loads in the background: an error there
    # came after "Recur on http://...")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    proc = subprocess.run(
        [sys.executable, "-m", "recur", "serve", "--kb", "kb", "--port", "0", "--index", tmp_path / "index"],
        capture_output=True,
        text=True,
        env=env,
        cwd=dest,
        timeout=60,
    )
    assert proc.returncode == 1 and said in proc.stderr and "Recur on" not in proc.stderr, proc.stderr
    for check in (("check",), ("check", "--similar")):  # the one command that reads it anyway: to list every problem
        res = run(*check, "--kb", "kb", "--index", tmp_path / "index")
        assert res.exit_code == 1 and said in res.output and "nothing was read" not in res.output, res.output
    assert not (tmp_path / "index").exists()  # --similar leaves the index alone: indexing refuses the KB


def test_a_format_that_is_not_a_version_names_file_line_and_field(tmp_path):
    dest = tmp_path / "kb-repo"
    run("init", dest)
    for value, words in (
        ("zero", "must be a whole number"),
        ("0", "there is no KB format version 0"),
        ("", "must be a whole number (the KB format version, 1 for this recur), not nothing"),  # was "not None"
        ("true", "must be a whole number (the KB format version, 1 for this recur), not true/false"),  # "not True"
    ):
        (dest / "kb/recur.yml").write_text(f"format: {value}\n")
        res = run("check", "--kb", dest / "kb")
        assert res.exit_code == 1 and "recur.yml:1: format: " + words in res.output, res.output


def test_a_misspelt_or_shapeless_recur_yml_is_reported(tmp_path):
    """Found by QA: `fmt: 1` or a list passed as "format 1" without a word."""
    dest = tmp_path / "kb-repo"
    run("init", dest)
    (dest / "kb/recur.yml").write_text("# the version\nfmt: 1\n")
    res = run("check", "--kb", dest / "kb", "--strict")
    assert res.exit_code == 1 and "recur.yml:2: fmt: warning: unknown key" in res.output, res.output
    (dest / "kb/recur.yml").write_text("- 1\n")
    res = run("check", "--kb", dest / "kb")
    assert res.exit_code == 1 and "recur.yml:1: file: must be a mapping" in res.output, res.output


def test_init_quotes_the_name_for_yaml_and_refuses_control_characters(tmp_path):
    import yaml

    from recur.site.plugin import raw_config

    for n, name in enumerate(("SRE: Payments", "[ops] KB", "#1 team", "100", 'it\'s "ours" \\ — 日本', "yes")):
        dest = tmp_path / f"kb{n}"
        res = run("init", dest, "--name", name)
        assert res.exit_code == 0, res.output
        assert raw_config(dest / "mkdocs.yml")["site_name"] == name
        assert yaml.safe_load((dest / "mkdocs.yml").read_text())["site_name"] == name
        first = (dest / "Makefile").read_text().split("\n")[:2]
        assert (
            first[0]
            == f"# {name}: two commands matter. `make test` runs what CI runs; `make run` serves the site and API."
        )
        assert first[1] == "PYTHON ?= python3"
    for bad in ('a\nb: "c', "tab\there", "cr\rhere", "nul\x00", "nel\x85", "line\u2028sep"):
        dest = tmp_path / "refused"
        res = run("init", dest, "--name", bad)
        assert res.exit_code == 1 and "Traceback" not in res.output, res.output
        assert "--name: must be one line of text without control characters" in res.output, res.output
        assert not dest.exists()
    res = run("init", tmp_path / "blank-name", "--name", "  ")
    assert res.exit_code == 1 and "--name: must not be empty" in res.output and not (tmp_path / "blank-name").exists()


def test_init_makes_its_folder_with_the_normal_mode(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        dest = tmp_path / "new" / "kb-repo"
        assert run("init", dest).exit_code == 0
        assert (dest.stat().st_mode & 0o777) == 0o755
        assert ((dest / "kb").stat().st_mode & 0o777) == 0o755
        os.umask(0o027)
        dest = tmp_path / "other"
        assert run("init", dest).exit_code == 0
        assert (dest.stat().st_mode & 0o777) == 0o750
    finally:
        os.umask(old)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_a_long_conflict_list_is_cut_at_20_and_says_how_many_more(tmp_path):
    dest = tmp_path / "twice"
    assert run("init", dest, "--starter").exit_code == 0
    res = run("init", dest, "--starter")
    assert res.exit_code == 1 and "files already exist; nothing was written:" in res.output, res.output
    listed = res.output.split("nothing was written:\n", 1)[1].splitlines()
    total = int(res.output.split(f"{dest}: ", 1)[1].split(" files", 1)[0])
    assert total > 20 and len(listed) == 22 and all(line.startswith("  ") for line in listed[:21])
    assert listed[20] == f"  … and {total - 20} more" and listed[21].startswith("(--keep-existing")


def test_the_next_step_line_in_the_current_folder_or_an_existing_repository(tmp_path, monkeypatch):
    """`recur init . --keep-existing` in the team's own git repository: no `cd .`, no `git init` of a
    repository that exists; a new folder still gets both."""
    repo = tmp_path / "ours"
    (repo / ".git").mkdir(parents=True)
    (repo / "README.md").write_text("# Ours\n")
    monkeypatch.chdir(repo)
    res = run("init", ".", "--keep-existing")
    assert res.exit_code == 0, res.output
    assert "  make install" in res.output.splitlines() and "cd ." not in res.output and "git init" not in res.output
    res = run("init", tmp_path / "fresh")
    assert f"  cd {tmp_path / 'fresh'} && git init -b main && make install" in res.output.splitlines()


def test_the_git_init_it_says_makes_the_branch_the_workflow_runs_on(tmp_path, monkeypatch):
    """Found by a first-time pattern author: init said `git init`, which makes `master`, and kb.yml runs on a
    push to main only (GitHub Actions has no filter for the default branch): the pushes never ran it. The
    step it prints, run, makes the branch kb.yml names; in a repository on another branch, init says which
    line to change."""
    import shutil
    import subprocess

    import yaml

    if shutil.which("git") is None:
        pytest.skip("no git")
    dest = tmp_path / "kb-repo"
    res = run("init", dest)
    assert res.exit_code == 0, res.output
    line = next(ln.strip() for ln in res.output.splitlines() if ln.strip().startswith("cd "))
    steps = line.removesuffix(" && make install")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}  # no init.defaultBranch
    proc = subprocess.run(
        ["bash", "-c", f"{steps} && git symbolic-ref --short HEAD"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    flow = yaml.safe_load((dest / ".github/workflows/kb.yml").read_text())
    assert flow[True]["push"]["branches"] == [proc.stdout.splitlines()[-1]] == ["main"]
    assert "Note: .github/workflows/kb.yml" not in res.output  # a new folder: no branch yet
    repo = tmp_path / "ours"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git/HEAD").write_text("ref: refs/heads/master\n")
    monkeypatch.chdir(repo)
    res = run("init", ".")
    assert res.exit_code == 0, res.output
    assert (
        "Note: .github/workflows/kb.yml runs on pull requests and on a push to main (`branches: [main]`); this "
        "repository's branch is master: change that line to [master] if master is the branch the team pushes to, "
        "or its pushes never run the checks."
    ) in " ".join(res.output.split()), res.output
    (repo / ".git/HEAD").write_text("ref: refs/heads/main\n")
    res = run("init", ".", "--keep-existing")
    assert "Note: .github/workflows/kb.yml" not in res.output, res.output
    # the team's own kb.yml, kept, is what runs: one already on [master] was told to change that line to [master]
    (repo / ".git/HEAD").write_text("ref: refs/heads/master\n")
    flow = repo / ".github/workflows/kb.yml"
    flow.write_text("name: kb\non:\n  push:\n    branches: [master]\njobs: {}\n")
    res = run("init", ".", "--keep-existing")
    assert res.exit_code == 0, res.output
    assert "Left as they were" in res.output and ".github/workflows/kb.yml" in res.output, res.output
    assert "Note: .github/workflows/kb.yml" not in res.output, res.output
    flow.write_text("name: kb\non:\n  push:\n    branches: [develop, 'release/*']\njobs: {}\n")
    res = run("init", ".", "--keep-existing")
    assert (
        "Note: .github/workflows/kb.yml runs on a push to develop, release/* (`branches: [develop, release/*]`); "
        "this repository's branch is master: change that line to [master]"
    ) in " ".join(res.output.split()), res.output
    (repo / ".git/HEAD").write_text("ref: refs/heads/release/2.1\n")
    assert "Note: .github/workflows/kb.yml" not in run("init", ".", "--keep-existing").output


def test_make_run_takes_host_and_port_and_otherwise_leaves_them_to_recur_serve(tmp_path):
    """The team Makefile had no HOST/PORT (Recur's own has them); unset, recur serve's own defaults
    and RECUR_HOST / RECUR_PORT still decide, so the flags are passed only when given."""
    import shutil
    import subprocess

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    if shutil.which("make") is None:
        pytest.skip("no make")

    def serve_line(*args):
        out = subprocess.run(["make", "-n", "run", *args], cwd=dest, capture_output=True, text=True, check=True)
        return next(line for line in out.stdout.splitlines() if " serve " in line)

    given = serve_line("HOST=0.0.0.0", "PORT=9000")
    assert "--host 0.0.0.0" in given and "--port 9000" in given
    plain = serve_line()
    assert "--host" not in plain and "--port" not in plain and "--site site" in plain


def test_make_run_leaves_host_and_port_from_the_environment_to_recur_serve(tmp_path):
    """tcsh exports HOST (the machine's name) and hosting platforms export PORT: make reads every
    environment variable as a make variable, so `make run` bound the server to the network (or another
    port) nobody asked for, over RECUR_HOST / RECUR_PORT. Only HOST=/PORT= given to make count."""
    import shutil
    import subprocess

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    if shutil.which("make") is None:
        pytest.skip("no make")

    def serve_line(*args):
        env = {**os.environ, "HOST": "build-box.example", "PORT": "5555"}
        out = subprocess.run(
            ["make", "-n", "run", *args], cwd=dest, env=env, capture_output=True, text=True, check=True
        )
        return next(line for line in out.stdout.splitlines() if " serve " in line)

    plain = serve_line()
    assert "--host" not in plain and "--port" not in plain, plain
    given = serve_line("HOST=0.0.0.0", "PORT=9000")
    assert "--host 0.0.0.0" in given and "--port 9000" in given


def test_ci_checks_a_pattern_moved_to_another_category_for_near_duplicates(tmp_path):
    """The workflow's near-duplicate step listed changed patterns with `--diff-filter=AM`: a pattern
    moved to another category (git sees a rename, R) was left out, and a pull request that only moved
    one said "No pattern changed." The step runs here as CI runs it, on a real git history, with make
    printing (not running) what `make similar` would run."""
    import shutil
    import subprocess

    import yaml

    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.skip("no make or git")
    dest = tmp_path / "team"
    assert run("init", dest, "--starter").exit_code == 0

    def git(*args):
        cmd = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args]
        return subprocess.run(cmd, cwd=dest, capture_output=True, text=True, check=True).stdout.strip()

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    base = git("rev-parse", "HEAD")
    (dest / "kb/patterns/storage").mkdir()
    git("mv", "kb/patterns/capacity/disk-full.md", "kb/patterns/storage/disk-full.md")
    moved = dest / "kb/patterns/storage/disk-full.md"
    moved.write_text(moved.read_text().replace("\ncategory: capacity\n", "\ncategory: storage\n", 1))
    git("commit", "-qam", "move disk-full to storage")
    steps = yaml.safe_load((dest / ".github/workflows/kb.yml").read_text())["jobs"]["kb"]["steps"]
    script = next(s["run"] for s in steps if str(s.get("name", "")).startswith("Near-duplicates"))
    script = script.replace("${{ github.event.pull_request.base.sha }}", base)
    env = {**os.environ, "MAKEFLAGS": "n"}
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=dest, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    line = next((ln for ln in proc.stdout.splitlines() if "--similar" in ln), proc.stdout)
    assert "kb/patterns/storage/disk-full.md" in line, proc.stdout


def test_ci_shows_check_problems_as_annotations_at_their_line(tmp_path):
    """The workflow's check step ran `make check`, whose text lines a reviewer had to find in the CI log;
    it passes CHECK_FORMAT=github now, and the command make runs there (printed, not run, by make -n)
    gives a GitHub annotation at the file's path from the repository's root. Locally: the text lines."""
    import shlex
    import shutil
    import subprocess
    import sys

    import yaml

    if shutil.which("make") is None:
        pytest.skip("no make")
    dest = tmp_path / "team"
    assert run("init", dest, "--starter").exit_code == 0
    disk = dest / "kb/patterns/capacity/disk-full.md"
    disk.write_text(disk.read_text().replace("\nseverity: sev2\n", "\nseverity: sev9\n", 1))
    steps = yaml.safe_load((dest / ".github/workflows/kb.yml").read_text())["jobs"]["kb"]["steps"]
    script = next(s["run"] for s in steps if str(s.get("name", "")).startswith("Check the KB format"))
    script = script.replace("${{ github.event.pull_request.base.sha }}", "")  # a push: no file named first
    env = {**os.environ, "MAKEFLAGS": "n"}
    env.pop("GITHUB_WORKSPACE", None)

    def recur_line(cmd):
        out = subprocess.run(cmd, cwd=dest, env=env, capture_output=True, text=True, check=True).stdout
        return next(shlex.split(ln) for ln in out.splitlines() if "recur check" in ln)

    assert recur_line(["make", "check"])[-2:] == ["--format", "text"]
    words = recur_line(["bash", "-e", "-c", script])
    assert words[0] == ".venv/bin/recur" and words[-2:] == ["--format", "github"], words
    env.pop("MAKEFLAGS")
    res = subprocess.run([sys.executable, "-m", "recur", *words[1:]], cwd=dest, env=env, capture_output=True, text=True)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    line = next(ln for ln in res.stdout.splitlines() if "disk-full" in ln)
    assert line.startswith("::error file=kb/patterns/capacity/disk-full.md,line=5,title=severity::"), res.stdout


def test_what_an_interrupted_or_running_build_leaves_is_ignored_by_git(tmp_path):
    """`recur site` builds in site.tmp-<pid>/ beside site/ (site.old/ between the two renames where
    the OS cannot swap folders in one step), and a record is written through a hidden .<name>.<hex>.tmp
    beside it. While a build runs, or after one was killed, `git status` listed them and `git add -A`
    took a whole site (or a half-written record) into the repository: .gitignore had only site/. A killed
    `recur rename`'s journal (.recur-rename.json at the KB's root) is ignored too."""
    import shutil
    import subprocess

    from recur.kb.rename_journal import JOURNAL
    from recur.util.files import _temp_file, work_folder

    if shutil.which("git") is None:
        pytest.skip("no git")
    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    work = work_folder(dest / "site")  # as `recur site` names it, here for this (live) process
    (work / "index.html").write_text("<html></html>\n")
    (dest / "site.old").mkdir()
    (dest / "site.old" / "index.html").write_text("<html></html>\n")
    fd, tmp = _temp_file(dest / "kb/patterns/capacity.md")
    os.close(fd)
    assert Path(tmp).exists()
    journal = dest / "kb" / JOURNAL  # a killed `recur rename`'s: a CI machine that checked it out ran `recur check`
    journal.write_text("{}\n")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", "site.old", str(work.name), tmp, journal],
        cwd=dest,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == "", status


def test_init_in_a_folder_of_a_git_repository_says_where_ci_config_must_go(tmp_path):
    """Found in review: only DIR/.git was looked for, so `recur init team-kb` inside a repository
    advised `git init` (a nested repository) and said nothing of the workflow and pre-commit files,
    which GitHub and pre-commit read only at the repository's root."""
    (tmp_path / ".git").mkdir()
    res = run("init", tmp_path / "team-kb")
    assert res.exit_code == 0, res.output
    assert f"is inside the git repository at {tmp_path}" in res.output and "git init" not in res.output


def test_keep_existing_with_the_teams_own_makefile_does_not_advise_its_missing_targets(tmp_path):
    """Found in review: with the team's Makefile kept, the next steps said `make install` (no such
    target) and `make test` (the team's own tests); the workflow calls Recur's targets too."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "Makefile").write_text("test:\n\t@echo team tests\n")
    res = run("init", tmp_path, "--keep-existing")
    assert res.exit_code == 0 and "Left as they were (1): Makefile." in res.output, res.output
    assert "make install" not in res.output and "recur check --strict" in res.output
    assert "kb.yml calls those make targets" in res.output
    # every make call of the workflows written, and the variables it passes, is named (the hint named
    # install/check/site/report/test/run: kb.yml also runs make similar and make eval, and passes
    # REPORT_FORMAT/REPORT_OUT to make report), and every target of Recur's Makefile
    hint = res.output[res.output.index("your Makefile was kept") :]
    workflows = sorted((tmp_path / ".github/workflows").glob("*.yml"))
    said = dict(x.split(": ", 1) for x in hint[hint.index(workflows[0].name) :].split(". Merge")[0].split("; "))
    assert list(said) == [f"{workflows[0].name} calls those make targets", *[w.name for w in workflows[1:]]]
    made = 0
    for workflow, calls in zip(workflows, said.values()):
        for line in workflow.read_text().splitlines():
            call = re.match(r"\s*(?:run:\s*)?make (\w+)(.*)", line)
            if call:
                made += 1
                assert re.search(rf"(^|, ){call.group(1)}\b", calls), (line, calls)
                for variable in re.findall(r"([A-Z_]+)=", call.group(2)):
                    assert f"{variable}=" in calls, (line, calls)
    assert made >= 8  # kb.yml's install, check, similar, eval, site, report; overdue.yml's install, report
    fresh = tmp_path / "fresh"
    assert run("init", fresh).exit_code == 0
    phony = next(x for x in (fresh / "Makefile").read_text().splitlines() if x.startswith(".PHONY:"))
    assert all(f"\n{target}:" in (fresh / "Makefile").read_text() for target in phony.split()[1:])
    assert f"merge its targets: {', '.join(phony.split()[1:])}" in hint


def test_keep_existing_with_an_earlier_recur_init_makefile_says_its_targets_run(tmp_path):
    """Found upgrading a 0.2.0 team KB: `recur init . --keep-existing` called 0.2.0's own Makefile "your Makefile",
    said to run Recur's commands directly instead of its targets and that kb.yml calls make targets to merge
    "before the first pull request". An earlier recur init's Makefile (its `constraints:` target) has the targets:
    make install and make test are the next steps, and what to merge is said."""
    repo = tmp_path / "team"
    assert run("init", repo).exit_code == 0
    makefile = repo / "Makefile"
    lines = makefile.read_text().splitlines(keepends=True)
    earlier = "".join(ln for ln in lines if "CHECK_CHANGED" not in ln)  # one of the lines 0.2.0's did not have
    assert earlier != makefile.read_text() and "\nconstraints:" in earlier
    makefile.write_text(earlier)
    res = run("init", repo, "--keep-existing")
    assert res.exit_code == 0 and "Makefile" in res.output.split("Left as they were", 1)[1].split("\n")[0], res.output
    steps = res.output[res.output.index("Next:") :]
    assert "your Makefile was kept" not in steps and "calls those make targets" not in steps, steps
    assert "make install" in steps and "make test" in steps, steps
    assert "recur init a-new-folder writes its Makefile: diff the two" in steps, steps


def test_keep_existing_with_the_teams_own_makefile_holding_recurs_constraints_target_is_still_the_teams(tmp_path):
    """Found in re-read: a team's own Makefile with Recur's `constraints` target merged in (init's hint for a kept
    Makefile says to merge its targets), `recur init --constraints-only` and all, but no install or test target,
    was taken for an earlier recur init's: the next steps were `make install` and `make test`, which it has not.
    It is the team's: Recur's commands to run directly, and the make targets the workflows call."""
    repo = tmp_path / "team"
    assert run("init", repo).exit_code == 0
    (repo / "Makefile").write_text(
        ".PHONY: lint constraints deploy\nlint:\n\tyamllint .\n"
        "constraints:\n\t.venv/bin/recur init --constraints-only .\ndeploy:\n\t./deploy.sh\n"
    )
    res = run("init", repo, "--keep-existing")
    assert res.exit_code == 0, res.output
    steps = res.output[res.output.index("Next:") :]
    assert "make install" not in steps and "make test" not in steps and "the Makefile kept is Recur's" not in steps
    assert "your Makefile was kept" in steps and "calls those make targets" in steps, steps


def test_starter_with_a_kept_severity_framework_that_lacks_its_levels_is_refused(tmp_path):
    """Found in review: `init --keep-existing --starter` kept the team's severity.yml (P1 only) and
    wrote 60 starter patterns that all failed `recur check` against it, and said it had succeeded."""
    dest = tmp_path / "team"
    (dest / "kb").mkdir(parents=True)
    (dest / "kb/severity.yml").write_text("levels:\n  P1: {name: Crit, review: full, review_within_days: 3}\n")
    res = run("init", dest, "--keep-existing", "--starter")
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert (
        "the starter patterns use severities sev1, sev2, sev3, which this kept framework does not have (P1)"
        in res.output
    )
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == ["kb", "kb/severity.yml"]
    (dest / "kb/severity.yml").write_text(
        "levels:\n"
        + "".join(
            f"  {k}: {{name: {k}, review: light, review_within_days: 9}}\n"
            for k in ("sev1", "sev2", "sev3", "sev4", "P1")
        )
    )
    res = run("init", dest, "--keep-existing", "--starter")
    assert res.exit_code == 0, res.output
    assert run("check", "--kb", dest / "kb").exit_code == 0


def test_starter_with_a_kept_severity_framework_nested_too_deep_names_its_line(tmp_path):
    # PyYAML's reader composes by recursion: a kept severity.yml of "[" 2,000 deep was a RecursionError's traceback
    dest = tmp_path / "team"
    (dest / "kb").mkdir(parents=True)
    (dest / "kb/severity.yml").write_text("# ours\nlevels: " + "[" * 2000 + "]" * 2000 + "\n")
    res = run("init", dest, "--keep-existing", "--starter")
    assert res.exit_code == 1 and "Traceback" not in res.output and not isinstance(res.exception, RecursionError)
    said = "lists or mappings nested deeper than this tool reads (deepest at this line: 2,000 [ or { open at once"
    assert f"severity.yml:2: {said}, more than 100): write it flatter; nothing was written" in res.output, res.output
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == ["kb", "kb/severity.yml"]


def test_starter_with_a_kept_severity_framework_of_more_values_than_recur_reads_names_its_line(tmp_path):
    # PyYAML's pure-Python reader costs per value: 1 MiB of "x," took it 10 s; past config.MAX_YAML_NODES the kept
    # file is refused before it is read, at the line of the value past the limit, and nothing is written
    dest = tmp_path / "team"
    (dest / "kb").mkdir(parents=True)
    (dest / "kb/severity.yml").write_text("# ours\nlevels:\n  sev1: [" + "x, " * 60_000 + "x]\n")
    res = run("init", dest, "--keep-existing", "--starter")
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    said = "more YAML values (keys, items, lists, mappings) than this tool reads in one document, 50,000: value 50,001"
    assert f"severity.yml:3: {said} is at this line" in res.output and "nothing was written" in res.output, res.output
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == ["kb", "kb/severity.yml"]


def test_keep_existing_starter_refuses_ids_the_team_has_in_another_folder(tmp_path):
    """Found in review: the team's patterns/storage/disk-full.md beside the starter's
    patterns/capacity/disk-full.md made both "duplicate pattern id" errors; init said it had succeeded."""
    dest = tmp_path / "repo"
    assert run("init", dest).exit_code == 0
    own = dest / "kb/patterns/storage/disk-full.md"
    own.parent.mkdir(parents=True)
    own.write_text("---\nid: disk-full\n---\n")
    before = sorted(p.relative_to(dest) for p in dest.rglob("*"))
    res = run("init", dest, "--keep-existing", "--starter")
    assert res.exit_code == 1 and "kb/patterns/storage/disk-full.md" in res.output, res.output
    assert "1 of the team's files has the id of a starter pattern or incident in another folder" in res.output
    assert sorted(p.relative_to(dest) for p in dest.rglob("*")) == before  # nothing written
    own.unlink()
    assert run("init", dest, "--keep-existing", "--starter").exit_code == 0
    assert run("init", dest, "--keep-existing", "--starter").exit_code == 0  # its own starter files: no clash


def test_init_run_again_says_there_is_nothing_to_write(tmp_path):
    """Found in review: a second `init --keep-existing` said "Created … (0 files)", listed init's own
    files as kept, and advised merging its Makefile into itself."""
    dest = tmp_path / "repo"
    assert run("init", dest, "--starter").exit_code == 0
    res = run("init", dest, "--keep-existing", "--starter")
    assert res.exit_code == 0 and "Nothing to write" in res.output and "merge" not in res.output.lower(), res.output
    (dest / "README.md").write_text("# Our KB\n")  # a team file: still listed as kept
    res = run("init", dest, "--keep-existing", "--starter")
    assert "Left as they were (1): README.md." in res.output, res.output


def test_make_install_takes_torch_from_the_cpu_index_as_ci_does(tmp_path):
    """Found in review: the workflow installs with PyTorch's CPU index, the team Makefile did not, so
    every teammate's `make install` on Linux downloaded the CUDA build (several GB)."""
    import shutil
    import subprocess

    import yaml

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    if shutil.which("make") is None:
        pytest.skip("no make")
    flow = yaml.safe_load((dest / ".github/workflows/kb.yml").read_text())
    ci_index = next(job["env"]["TORCH_INDEX"] for job in flow["jobs"].values() if "env" in job)

    def install_line(*args):
        out = subprocess.run(["make", "-n", "install", *args], cwd=dest, capture_output=True, text=True, check=True)
        return next(line for line in out.stdout.splitlines() if "pip install" in line)

    # given to pip when it answers (tests/test_team_makefile.py runs it)
    assert (
        f"""pip install -q $(.venv/bin/python -c "$TORCH_PROBE" '{ci_index}') -r requirements.txt""" in install_line()
    )
    assert "TORCH_PROBE" not in install_line("TORCH_INDEX=")


def test_ci_gives_the_torch_index_to_make_not_to_pip(tmp_path):
    """Found in review: the workflows set PIP_EXTRA_INDEX_URL, so on a network reaching only a package
    mirror pip retried PyTorch's index five times for every package (make install 15 min 40 s, not
    3 min 48 s) while the Makefile's probe said it installed without it. They give it to make, whose
    probe decides."""
    import shutil
    import subprocess

    import yaml

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    for name in ("kb.yml", "overdue.yml"):
        text = (dest / ".github/workflows" / name).read_text()
        assert "PIP_EXTRA_INDEX_URL:" not in text and "--extra-index-url" not in text, name
        (job,) = yaml.safe_load(text)["jobs"].values()
        index = job["env"]["TORCH_INDEX"]
        assert index == "https://download.pytorch.org/whl/cpu", name
        assert any(step.get("run", "").startswith("make install") for step in job["steps"]), name
    if shutil.which("make") is None:
        pytest.skip("no make")
    env = {k: v for k, v in os.environ.items() if k not in ("TORCH_INDEX", "MAKEFLAGS")}
    out = subprocess.run(
        ["make", "-n", "install"],
        cwd=dest,
        env={**env, "TORCH_INDEX": "https://mirror.example/whl/cpu"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if "pip install" in line)
    assert """-c "$TORCH_PROBE" 'https://mirror.example/whl/cpu')""" in line, line


def test_constraints_pin_recurs_installed_dependencies_and_pip_applies_them(tmp_path):
    """Found in review: requirements.txt pinned recur alone, so a team's CI installed whatever torch,
    sentence-transformers, faiss-cpu or mkdocs-material had released that day. constraints.txt pins
    recur's dependency closure at the versions installed here (not the rest of this environment:
    pytest, ruff ...), and requirements.txt applies it, as pip reads it."""
    import subprocess
    import sys
    from importlib import metadata

    from packaging.requirements import Requirement

    from recur import __version__

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    pins = {}
    for line in (dest / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==" and not req.marker and not req.extras, line
            pins[req.name] = spec.version
    assert pins, "nothing pinned"
    for name, version in pins.items():
        assert metadata.version(name).split("+")[0] == version, name
    assert pins["torch"] == "2.13.0"  # the CPU build's 2.13.0+cpu, without its local label
    direct = [Requirement(r) for r in metadata.requires("recur")]
    direct = [r.name for r in direct if not r.marker or r.marker.evaluate({"extra": ""})]
    assert {"torch", "sentence-transformers", "faiss-cpu", "bm25s", "mkdocs-material", "uvicorn"} <= set(direct)
    for name in direct:
        assert re.sub(r"[-_.]+", "-", name).lower() in pins, name
    for transitive in ("huggingface-hub", "scipy", "jinja2", "pydantic"):  # needed by what recur needs
        assert transitive in pins, transitive
    for outside in ("recur", "pytest", "ruff", "playwright", "pip"):  # recur's own pin is requirements.txt's
        assert outside not in pins, outside
    requirements = (dest / "requirements.txt").read_text()
    lines = [ln for ln in requirements.splitlines() if ln and not ln.startswith("#")]
    assert lines == [f"recur=={__version__}", "-c constraints.txt"]

    def pip_offline(*args):  # --no-index: pip resolves against what is installed here, nothing fetched
        argv = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "-r", dest / "requirements.txt"]
        return subprocess.run([*argv, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300)

    ok = pip_offline()
    assert ok.returncode == 0, ok.stdout[-2000:] + ok.stderr[-2000:]
    text = (dest / "constraints.txt").read_text()
    (dest / "constraints.txt").write_text(text.replace(f"\nfaiss-cpu=={pins['faiss-cpu']}\n", "\nfaiss-cpu==0.0.1\n"))
    refused = pip_offline()  # the constraint is read (relative to requirements.txt): no faiss-cpu 0.0.1 here
    assert refused.returncode != 0 and "faiss-cpu" in refused.stdout + refused.stderr, refused.stdout[-2000:]


def test_constraints_only_writes_the_file_again_and_nothing_else(tmp_path):
    """`make constraints` (after recur's pin changed) runs `recur init --constraints-only .`: the one
    file init replaces; any other option, or a folder that is not there, is refused."""
    import shutil
    import subprocess

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    fresh = (dest / "constraints.txt").read_text()
    (dest / "constraints.txt").write_text("mcp==0.0.1\n")
    (dest / "README.md").write_text("ours\n")
    res = run("init", dest, "--constraints-only")
    assert res.exit_code == 0 and "constraints.txt" in res.output, res.output
    assert (dest / "constraints.txt").read_text() == fresh and (dest / "README.md").read_text() == "ours\n"
    for extra in (["--starter"], ["--keep-existing"], ["--name", "X"]):
        res = run("init", dest, "--constraints-only", *extra)
        assert res.exit_code == 2 and "takes no other option" in res.output, res.output
    res = run("init", tmp_path / "missing", "--constraints-only")
    assert res.exit_code == 1 and "is not a folder" in res.output and not (tmp_path / "missing").exists()
    if shutil.which("make") is None:
        pytest.skip("no make")
    steps = subprocess.run(["make", "-n", "constraints"], cwd=dest, capture_output=True, text=True, check=True)
    lines = steps.stdout.splitlines()
    assert any("sed '/^-c /d' requirements.txt" in ln for ln in lines), lines
    assert any(
        "pip install" in ln and "--upgrade-strategy eager" in ln and "-c constraints.txt" not in ln for ln in lines
    ), lines
    assert any(ln.endswith("init --constraints-only .") for ln in lines), lines
    # a changed constraints.txt makes `make install` install again
    (dest / ".venv/bin").mkdir(parents=True)
    (dest / ".venv/bin/.installed").touch()
    os.utime(dest / ".venv/bin/.installed", (2e9, 2e9))

    def install_steps():
        return subprocess.run(["make", "-n", "install"], cwd=dest, capture_output=True, text=True).stdout

    assert "touch .venv/bin/.installed" not in install_steps()
    os.utime(dest / "constraints.txt", (2e9 + 10, 2e9 + 10))
    assert "touch .venv/bin/.installed" in install_steps()


def test_the_closure_follows_markers_and_extras_and_pins_exact_requirements(tmp_path, monkeypatch):
    """installed_closure reads real installed metadata (dist-info folders here): a requirement counts
    when its marker holds, an extra's requirements only when that extra was asked for; one not
    installed is its own pin when exact (as recur's torch==…), else named as missing."""
    from recur.util.pins import installed_closure

    def dist(name, version, *requires):
        info = tmp_path / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        meta = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}"] + [f"Requires-Dist: {r}" for r in requires]
        (info / "METADATA").write_text("\n".join(meta) + "\n")

    dist("top-pkg", "1.0", "alpha[x]>=1", "beta; sys_platform == 'no-such-platform'", "gamma==3.1", "delta>=1")
    dist("alpha", "2.0+local", "epsilon; extra == 'x'", "zeta; extra == 'y'", "Eta_Pkg")
    dist("epsilon", "5.0")
    dist("eta-pkg", "6.0")
    dist("zeta", "7.0")
    monkeypatch.syspath_prepend(str(tmp_path))
    pins = installed_closure("top-pkg")
    assert pins.versions == {"alpha": "2.0", "epsilon": "5.0", "eta-pkg": "6.0", "gamma": "3.1"}
    assert pins.missing == ["delta"]


def test_a_teams_own_constraints_file_is_in_the_way_like_any_other(tmp_path):
    """constraints.txt follows init's rules: an existing one stops init (nothing written), and with
    --keep-existing it is left as it is and listed."""
    dest = tmp_path / "repo"
    dest.mkdir()
    (dest / "constraints.txt").write_text("numpy==1.26.4\n")
    res = run("init", dest)
    assert res.exit_code == 1 and "constraints.txt" in res.output and os.listdir(dest) == ["constraints.txt"]
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0 and "Left as they were (1): constraints.txt." in res.output, res.output
    assert (dest / "constraints.txt").read_text() == "numpy==1.26.4\n"


def test_the_address_make_run_serves_on_is_recur_serves_default(tmp_path, monkeypatch):
    """The README init writes and its "Next:" lines spelt 127.0.0.1:8000 themselves; they follow the
    config table's host and port (what `make run`, recur serve with its defaults, listens on)."""
    from dataclasses import replace

    from recur import config

    res = run("init", tmp_path / "now", "--starter")
    assert res.exit_code == 0, res.output
    readme = (tmp_path / "now/README.md").read_text()
    assert "http://127.0.0.1:8000/" in res.output and "http://127.0.0.1:8000/" in readme and "@@" not in readme
    monkeypatch.setitem(config.SETTINGS, "host", replace(config.SETTINGS["host"], default="127.0.0.9"))
    monkeypatch.setitem(config.SETTINGS, "port", replace(config.SETTINGS["port"], default=8123))
    res = run("init", tmp_path / "moved", "--starter")
    assert res.exit_code == 0, res.output
    assert "make run       # the site and the suggest API on http://127.0.0.9:8123/" in res.output
    assert "http://127.0.0.9:8123/" in (tmp_path / "moved/README.md").read_text()


def test_the_kb_format_reference_is_in_the_repository_and_printed_by_the_installed_recur(tmp_path):
    """Found in review: a team that installs the wheel had no format reference: kb/recur.yml said the
    format "is described in Recur's own docs/kb-format.md", a file of this checkout the wheel does not
    carry. init writes it (one source: docs/kb-format.md, package data) as KB-FORMAT.md, which
    recur.yml, the README and CONTRIBUTING name; `recur kb-format` prints the installed Recur's, and
    `make constraints` writes it again after an upgrade."""
    import shutil
    import subprocess

    from recur import __version__

    doc = (Path(__file__).resolve().parents[1] / "docs/kb-format.md").read_text(encoding="utf-8")
    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    written = (dest / "KB-FORMAT.md").read_text(encoding="utf-8")
    title, _, rest = doc.partition("\n")
    # its links to Recur's other pages, which the repository has not, are plain text naming them
    section = 'ranking, in Recur\'s docs/ranking.md, "How suggestions are ranked"'
    rest = rest.replace("[ranking](ranking.md#how-suggestions-are-ranked)", section)
    rest = rest.replace("[ranking](ranking.md)", "ranking, in Recur's docs/ranking.md")
    rest = rest.replace("[problem management](problems.md)", "problem management, in Recur's docs/problems.md")
    pages = [p.name for p in (Path(__file__).resolve().parents[1] / "docs").glob("*.md")]
    assert not [page for page in pages if f"]({page}" in rest]  # every link to another page of Recur's docs named
    assert written == (
        f"{title}\n\n> The KB format reference of Recur {__version__}, from its installed package. `recur kb-format` "
        "prints the installed Recur's; in a KB repository, `make constraints` writes it to KB-FORMAT.md again after "
        f"an upgrade.\n{rest}"
    )
    recur_yml = (dest / "kb/recur.yml").read_text()
    assert "KB-FORMAT.md" in recur_yml and "docs/kb-format.md" not in recur_yml
    assert "[KB-FORMAT.md](KB-FORMAT.md)" in (dest / "README.md").read_text()
    assert "[KB-FORMAT.md](KB-FORMAT.md)" in (dest / "CONTRIBUTING.md").read_text()
    assert "KB-FORMAT.md" in (dest / "README.md").read_text().split("## Layout")[1]
    printed = CliRunner().invoke(cli, ["kb-format"])
    assert printed.exit_code == 0 and printed.stdout == written
    (dest / "KB-FORMAT.md").write_text("an older version's\n")
    res = run("kb-format", "--out", dest / "KB-FORMAT.md")
    assert res.exit_code == 0 and (dest / "KB-FORMAT.md").read_text(encoding="utf-8") == written, res.output
    assert run("check", "--kb", dest / "kb", "--strict").exit_code == 0
    if shutil.which("make") is None:
        pytest.skip("no make")
    steps = subprocess.run(["make", "-n", "constraints"], cwd=dest, capture_output=True, text=True, check=True)
    assert "test ! -f KB-FORMAT.md || .venv/bin/recur kb-format --out KB-FORMAT.md" in steps.stdout, steps.stdout


def test_readme_first_pattern_steps_pass_the_check_they_end_with(tmp_path, monkeypatch):
    """Found following README's "Use Recur for your team's KB" (now docs/team-kb.md) as written: its first-pattern block ran
    `recur new pattern` (3 TODOs left in the file) and then `make test`, whose `recur check --strict`
    fails on them. The README's commands, run in a new repository: when the file written still has a
    TODO, the block opens that very file before its `make test`."""
    import shlex

    readme = (Path(__file__).resolve().parents[1] / "docs/team-kb.md").read_text(encoding="utf-8")
    section = readme.split("\n## Use Recur for your team's KB\n", 1)[1].split("\n## ", 1)[0]
    block = next(b for b in re.findall(r"```bash\n(.*?)```", section, re.S) if "recur new pattern" in b)
    lines = block.replace("\\\n", " ").splitlines()
    new = next(i for i, line in enumerate(lines) if "recur new pattern" in line)
    test = next(i for i, line in enumerate(lines) if line.startswith("make test"))
    args = shlex.split(lines[new].split("#", 1)[0])
    assert args[0].endswith("recur") and new < test
    repo = tmp_path / "team-kb"
    assert run("init", repo).exit_code == 0
    monkeypatch.chdir(repo)
    res = CliRunner().invoke(cli, args[1:])
    assert res.exit_code == 0, res.output
    written = res.output.splitlines()[0].strip()
    assert (repo / written).is_file(), res.output
    if "TODO" in (repo / written).read_text(encoding="utf-8"):
        assert run("check", "--kb", "kb", "--strict").exit_code != 0  # why the block must say to edit it
        assert any(written in line for line in lines[new + 1 : test]), block


def _wheel(folder: Path, name: str | None = None, version: str | None = None) -> Path:
    """A small zip named and laid out as a wheel (METADATA, WHEEL, RECORD): init reads only its name
    and that it is a zip; pip reads the metadata, enough for a dry run. Not a second slow wheel build."""
    import zipfile

    from recur import __version__

    version = version or __version__
    path = folder / (name or f"recur-{version}-py3-none-any.whl")
    path.parent.mkdir(parents=True, exist_ok=True)
    info = f"recur-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: recur\nVersion: {version}\n\n")
        zf.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"
        )
        zf.writestr(f"{info}/RECORD", "")
    return path


def _requirement_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln and not ln.startswith("#")]


def test_init_wheel_copies_it_and_requirements_txt_installs_it_from_the_repository_root(tmp_path):
    """A team without a package index made wheels/, copied the wheel in and edited requirements.txt by
    hand (README's Teams steps). --wheel does it: the copy, and its path in place of the pin, every
    other line as it was; pip reads that path from where make (and CI, at the root) runs it."""
    import shutil
    import subprocess
    import sys

    import yaml

    wheel = _wheel(tmp_path / "dist")
    dest = tmp_path / "team"
    res = run("init", dest, "--starter", "--name", "Team KB", "--wheel", wheel)
    assert res.exit_code == 0, res.output
    assert f"commit wheels/{wheel.name}" in res.output and "PIP_INDEX_URL" not in res.output, res.output
    assert (dest / "wheels" / wheel.name).read_bytes() == wheel.read_bytes()
    assert run("init", tmp_path / "plain", "--starter", "--name", "Team KB").exit_code == 0
    plain = (tmp_path / "plain/requirements.txt").read_text().splitlines()
    ours = (dest / "requirements.txt").read_text().splitlines()
    assert [ln for ln in ours if ln not in plain] == [f"./wheels/{wheel.name}"], ours
    assert [ln for ln in plain if ln not in ours] == [ln for ln in plain if ln.startswith("recur==")], plain
    assert _requirement_lines("\n".join(ours)) == [f"./wheels/{wheel.name}", "-c constraints.txt"]
    assert (dest / "constraints.txt").read_text() == (tmp_path / "plain/constraints.txt").read_text()
    # CI runs `make install` at the repository's root, as a teammate does: the same relative path
    flow = yaml.safe_load((dest / ".github/workflows/kb.yml").read_text())
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    assert any(s.get("run") == "make install" and "working-directory" not in s for s in steps), steps
    assert all("working-directory" not in job.get("defaults", {}).get("run", {}) for job in flow["jobs"].values())

    def pip_dry_run(requirements):  # --no-index: nothing fetched; the path is all pip has to find recur by
        argv = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--no-index", "-r", requirements]
        return subprocess.run(argv, cwd=dest, capture_output=True, text=True, timeout=300)

    done = pip_dry_run("requirements.txt")  # make install's line
    assert done.returncode == 0 and f"wheels/{wheel.name}" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    # make constraints installs from a copy in .venv/ (its -c line cut): the path is still the root's
    (dest / ".venv").mkdir()
    unconstrained = [ln for ln in ours if not ln.startswith("-c ")]
    (dest / ".venv/requirements-unconstrained.txt").write_text("\n".join(unconstrained) + "\n")
    done = pip_dry_run(".venv/requirements-unconstrained.txt")
    assert done.returncode == 0 and f"wheels/{wheel.name}" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    if shutil.which("make") is not None:
        steps = subprocess.run(["make", "-n", "install"], cwd=dest, capture_output=True, text=True, check=True)
        assert "-r requirements.txt" in steps.stdout, steps.stdout
    assert run("check", "--kb", dest / "kb", "--strict").exit_code == 0


@pytest.mark.parametrize(
    "ignore, line",
    [
        ("wheels/\n", "wheels/"),  # GitHub's Python template
        ("node_modules/\n*.whl\n", "*.whl"),
        ("/wheels\n", "/wheels"),
        ("wheels/\n!wheels/*.whl\n", "wheels/"),  # a file in an ignored folder cannot be re-included
        ("*.whl\n!wheels/*.whl\n", None),
        ("node_modules/\n# wheels/\n", None),
        ("build/wheels/\n", None),
    ],
)
def test_init_wheel_with_keep_existing_says_when_the_teams_gitignore_ignores_the_wheel(tmp_path, ignore, line):
    """Found adopting Recur for a team: a repository's own .gitignore (GitHub's Python template has wheels/)
    kept by --keep-existing ignored the wheel init copied and said to commit; `git add .` left it out and
    CI's make install found no recur. init names the line, as git check-ignore does, and the fix."""
    import shutil
    import subprocess

    wheel = _wheel(tmp_path / "dist")
    dest = tmp_path / "repo"
    dest.mkdir()
    (dest / ".gitignore").write_text(ignore)
    res = run("init", dest, "--keep-existing", "--wheel", wheel)
    assert res.exit_code == 0, res.output
    said = f"Your .gitignore ignores wheels/{wheel.name} (its line '{line}'): commit it with git add -f wheels/"
    assert (said in res.output) == (line is not None) and ("ignores wheels/" in res.output) == (line is not None)
    if shutil.which("git"):  # git itself agrees
        subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
        argv = ["git", "check-ignore", f"wheels/{wheel.name}"]  # -v would report a matching '!' line too
        assert subprocess.run(argv, cwd=dest, capture_output=True).returncode == (0 if line else 1)
        found = subprocess.run([*argv[:2], "-v", argv[2]], cwd=dest, capture_output=True, text=True)
        assert not line or found.stdout.split("\t")[0].split(":", 2)[2] == line, found.stdout


def test_init_wheel_with_keep_existing_copies_the_wheel_and_leaves_the_teams_requirements(tmp_path):
    """--keep-existing leaves a team's own requirements.txt as it does today (listed, to merge by
    hand), and says which line to merge; the wheel is written into the existing folder whole."""
    wheel = _wheel(tmp_path / "dist")
    dest = tmp_path / "repo"
    dest.mkdir()
    (dest / "requirements.txt").write_text("requests==2.0\n")
    res = run("init", dest, "--keep-existing", "--wheel", wheel)
    assert res.exit_code == 0, res.output
    assert "Left as they were (1): requirements.txt." in res.output, res.output
    assert f"name ./wheels/{wheel.name} in it" in res.output, res.output
    assert (dest / "requirements.txt").read_text() == "requests==2.0\n"
    assert (dest / "wheels" / wheel.name).read_bytes() == wheel.read_bytes()
    (dest / "requirements.txt").unlink()
    assert run("init", tmp_path / "fresh", "--wheel", wheel).exit_code == 0
    res = run("init", dest, "--keep-existing", "--wheel", wheel)  # the one file missing: written as init makes it
    assert res.exit_code == 0 and "(1 file)" in res.output, res.output
    assert (dest / "requirements.txt").read_bytes() == (tmp_path / "fresh/requirements.txt").read_bytes()
    res = run("init", dest, "--keep-existing", "--wheel", wheel)
    assert res.exit_code == 0 and "Nothing to write" in res.output, res.output


@pytest.mark.parametrize(
    "kind, name, said",
    [
        ("missing", "recur-{v}-py3-none-any.whl", "does not exist"),
        ("folder", "recur-{v}-py3-none-any.whl", "is a directory"),
        ("wheel", "other_tool-{v}-py3-none-any.whl", "a wheel of other-tool, not of recur"),
        ("wheel", "recur-9.9.9-py3-none-any.whl", "recur 9.9.9, but this recur is {v}"),
        ("wheel", "recur-{v}.tar.gz", "not a wheel's file name"),
        ("wheel", "recur-{v}-py3-none-any (1).whl", "not a wheel's file name"),  # a browser's second download
        ("wheel", "recur-{v}.whl", "not a wheel's file name"),
        ("text", "recur-{v}-py3-none-any.whl", "not a zip archive"),  # an error page saved under its name
    ],
    ids=["missing", "folder", "another-project", "another-version", "sdist", "browser-copy", "no-tags", "not-a-zip"],
)
def test_init_wheel_refuses_a_file_that_is_not_this_recurs_wheel_and_writes_nothing(tmp_path, kind, name, said):
    """Each refusal names the file and why, before anything is written: no file there is a usage error (exit 2,
    as a path any flag reads that does not exist), a file that is no wheel of this recur exit 1 as init's other
    errors; another version is refused since constraints.txt pins the running recur's dependencies."""
    from recur import __version__

    path = tmp_path / "given" / name.format(v=__version__)
    path.parent.mkdir()
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("<html>Not Found</html>")
    elif kind == "wheel":
        _wheel(path.parent, path.name)
    res = run("init", tmp_path / "team", "--starter", "--wheel", path)
    assert res.exit_code == (2 if kind in ("missing", "folder") else 1), res.output
    assert said.format(v=__version__) in res.output, res.output
    assert "--wheel" in res.output and str(path) in res.output and "Traceback" not in res.output, res.output
    assert not (tmp_path / "team").exists()


def test_constraints_only_after_an_upgrade_says_the_other_init_files_stay_as_they_were(tmp_path):
    """`make constraints` is the upgrade's first step (change the pin, run it): constraints.txt made with another
    recur (0.2.0's) is an upgrade, and the Makefile, workflows and hooks an earlier recur init wrote stay as they
    were with nothing said (a 0.2.0 team KB upgraded to main). Said once: the file written again, or a team's own
    constraints.txt, says nothing more."""
    from recur import __version__

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    made = dest / "constraints.txt"
    made.write_text(
        made.read_text().replace(f"installed with recur {__version__} where", "installed with recur 0.2.0 where", 1)
    )
    res = run("init", dest, "--constraints-only")
    said = " ".join(res.output.split())
    assert (
        res.exit_code == 0 and f"Note: constraints.txt was made with recur 0.2.0; this is recur {__version__}." in said
    ), said
    assert (
        f"recur init {dest} --keep-existing adds the files" in said and "the Upgrade steps of Recur's changelog" in said
    ), said
    assert f"installed with recur {__version__} where" in made.read_text()
    again = run("init", dest, "--constraints-only")
    assert again.exit_code == 0 and "Note:" not in again.output, again.output
    made.write_text("mcp==1.0\n")  # a team's own (pip-compile): no recur version to compare
    own = run("init", dest, "--constraints-only")
    assert own.exit_code == 0 and "Note:" not in own.output, own.output


def test_init_wheel_is_not_for_constraints_only(tmp_path):
    wheel = _wheel(tmp_path / "dist")
    assert run("init", tmp_path / "team", "--wheel", wheel).exit_code == 0
    res = run("init", tmp_path / "team", "--constraints-only", "--wheel", wheel)
    assert res.exit_code == 2 and "takes no other option" in res.output, res.output


def test_the_install_stamp_follows_the_wheel_requirements_txt_names_not_its_comments_example(tmp_path):
    """make install's stamp follows the wheel file requirements.txt names (tests/test_team_makefile.py installs a
    rebuilt one for real); requirements.txt's comment names ./wheels/recur-<version>-py3-none-any.whl as an
    example, which a repository pinning recur from an index does not install, whatever wheels/ holds."""
    import os
    import shutil
    import subprocess
    import time

    if shutil.which("make") is None:
        pytest.skip("no make")
    wheel = _wheel(tmp_path / "dist")
    for name, extra in (("named", ["--wheel", wheel]), ("pinned", [])):
        dest = tmp_path / name
        assert run("init", dest, *extra).exit_code == 0
        (dest / "wheels").mkdir(exist_ok=True)
        shutil.copyfile(wheel, dest / "wheels" / wheel.name)
        (dest / ".venv/bin").mkdir(parents=True)
        (dest / ".venv/bin/.installed").touch()
        earlier = time.time() - 10
        for made in ("requirements.txt", "constraints.txt"):
            os.utime(dest / made, (earlier - 10, earlier - 10))
        os.utime(dest / ".venv/bin/.installed", (earlier, earlier))  # installed before the wheel was rebuilt
        stale = subprocess.run(["make", "-q", ".venv/bin/.installed"], cwd=dest, capture_output=True, text=True)
        assert stale.returncode == (1 if name == "named" else 0), (name, stale.stdout, stale.stderr)


def test_keep_existing_names_every_recur_ignore_line_a_kept_gitignore_lacks(tmp_path):
    """Found adopting Recur in a team's repository: its own .gitignore (kept) was only checked for wheels/, and
    `git add .` took .recur/ (the index, the browser model's export) and a half-made site.tmp-*/ into the
    repository, ~80 MB of build output. init names each line of its own .gitignore the kept one lacks, ready to
    paste (it edits no kept file); git, with them appended, ignores all that Recur's commands leave."""
    import shutil
    import subprocess

    from recur.util.files import _temp_file, work_folder

    if shutil.which("git") is None:
        pytest.skip("no git")
    dest = tmp_path / "team"
    dest.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    ours = "__pycache__/\n*.py[cod]\nbuild/\nwheels/\n.venv\nsite/\n"  # as GitHub's Python template has them
    (dest / ".gitignore").write_text(ours)
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    assert (dest / ".gitignore").read_text() == ours
    said = res.output.split("Add these lines to it:\n")[1].split("Next:")[0].splitlines()
    fresh = tmp_path / "fresh"
    assert run("init", fresh).exit_code == 0
    recurs = [ln for ln in (fresh / ".gitignore").read_text().splitlines() if ln and not ln.startswith("#")]
    assert said == [ln for ln in recurs if ln not in (".venv/", "site/", "__pycache__/")], res.output
    # what Recur's commands leave, made as they make it
    (dest / ".recur/index").mkdir(parents=True)
    (dest / ".recur/index/index.faiss").write_bytes(b"x")
    (work_folder(dest / "site") / "index.html").write_text("<html></html>\n")
    (dest / "site.old").mkdir()
    (dest / "site.old/index.html").write_text("<html></html>\n")
    fd, tmp = _temp_file(dest / "kb/patterns/capacity.md")
    os.close(fd)
    for folder in (".venv/bin", "site", "__pycache__"):
        (dest / folder).mkdir(parents=True)
        (dest / folder / "x").write_text("x")

    def untracked():
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=dest, text=True,
                             capture_output=True, check=True).stdout  # fmt: skip
        return sorted(ln[3:] for ln in out.splitlines() if not ln[3:].startswith((".github/", "kb/", "docs/")) or
                      ln.endswith(".tmp"))  # fmt: skip

    before = untracked()
    assert ".recur/index/index.faiss" in before and "site.old/index.html" in before
    assert os.path.relpath(tmp, dest) in before and not any(p.startswith((".venv/", "site/")) for p in before)
    with open(dest / ".gitignore", "a") as f:
        f.write("\n".join(said) + "\n")
    after = untracked()
    assert not any(p.startswith((".recur/", "site")) or p.endswith(".tmp") for p in after), after
    # a .gitignore of the team's with all of Recur's lines: nothing said
    again = tmp_path / "again"
    again.mkdir()
    (again / ".gitignore").write_text("node_modules/\n" + (fresh / ".gitignore").read_text())
    res = run("init", again, "--keep-existing")
    assert res.exit_code == 0 and ".gitignore" in res.output and "Add these lines" not in res.output, res.output


def test_keep_existing_with_the_teams_own_makefile_says_how_to_install_recur(tmp_path):
    """Found adopting Recur: with the team's Makefile kept, init said to run Recur's commands directly, but
    nothing had installed recur in the repository. It prints the install target's venv and pip commands (its
    Makefile variables' defaults, as make reads them) and what to leave out where torch's index does not answer."""
    import shlex
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("no make")
    dest = tmp_path / "team"
    (dest / ".git").mkdir(parents=True)
    (dest / "Makefile").write_text("test:\n\t@echo team tests\n")
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    fresh = tmp_path / "fresh"
    assert run("init", fresh).exit_code == 0

    def variable(name):
        argv = ["make", "-s", "--no-print-directory", "--eval", f"print-var: ; @echo $({name})", "print-var"]
        return subprocess.run(argv, cwd=fresh, capture_output=True, text=True, check=True).stdout.strip()

    python, venv, torch = variable("PYTHON"), variable("VENV"), variable("TORCH_INDEX")
    line = next(ln.strip() for ln in res.output.splitlines() if " -m venv " in ln)
    steps = [shlex.split(step) for step in line.split(" && ")]
    assert steps[0] == ["cd", str(dest)] and steps[1] == [python, "-m", "venv", venv], line
    assert steps[2] == [f"{venv}/bin/python", "-m", "pip", "install", "-r", "requirements.txt",
                        "--extra-index-url", torch], line  # fmt: skip
    assert "leave out --extra-index-url and its URL" in res.output
    # the commands named next run from that venv
    assert f"{venv}/bin/recur check --strict" in res.output and f"{venv}/bin/recur serve" in res.output
    assert "PIP_INDEX_URL" in res.output  # and where pip finds recur
    want = (dest / ".python-version").read_text().strip()  # the Python the Makefile's check would ask for
    assert f"{python} must be Python {want}" in res.output and f"run python{want} -m venv" in res.output


def test_the_names_the_site_generates_are_listed_in_mkdocs_yml_and_the_team_guide(tmp_path):
    """Found adopting Recur: a team's own docs/index.md is left out of the site (the site generates its home
    page there: a warning, and recur site --strict fails), and neither the generated mkdocs.yml nor
    docs/team-kb.md said which names the site takes. Each top-level name of the generated tree is in both."""
    import datetime as dt

    from kbfactory import small_kb

    from recur.problems.board import board
    from recur.site.generate import generate

    kb = load_kb(small_kb(tmp_path / "kb"))
    day = dt.date(2026, 5, 1)
    generate(kb, tmp_path / "tree", as_of=day, board=board(kb, day))
    # not its hidden marker file: a hidden file in docs/ is no page (mkdocs and recur leave them out)
    names = sorted(p.name + ("/" if p.is_dir() else "") for p in (tmp_path / "tree").iterdir() if p.name[0] != ".")
    assert "index.md" in names and "patterns/" in names and "assets/" in names, names
    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    comment = "\n".join(ln for ln in (dest / "mkdocs.yml").read_text().splitlines() if ln.lstrip().startswith("#"))
    guide = (Path(__file__).resolve().parents[1] / "docs/team-kb.md").read_text()
    for name in names:
        assert re.search(rf"(?<![\w/.]){re.escape(name)}(?![\w/])", comment), (name, comment)
        assert f"`{name}`" in guide, name


@pytest.mark.parametrize("extra", [[], ["--starter"]])
def test_after_an_upgrade_no_file_init_wrote_names_the_old_recur_version(tmp_path, extra):
    """Found adopting Recur: the README said "built ... with Recur 0.1.0" and requirements.txt's comment named
    recur-0.1.0-py3-none-any.whl, and the documented upgrade (change the pin, make constraints) rewrote neither.
    Recur's version is only in the pin, which the team changes, and in the files make constraints writes again."""
    import shutil
    import subprocess

    from recur import __version__

    dest = tmp_path / "team"
    assert run("init", dest, *extra).exit_code == 0
    version = re.compile(rf"(?<![\w.]){re.escape(__version__)}(?![\w.])")
    named = {}
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if version.search(ln)]
        if lines:
            named[path.relative_to(dest).as_posix()] = lines
    assert named.pop("requirements.txt") == [f"recur=={__version__}"], named
    assert set(named) <= {"constraints.txt", "KB-FORMAT.md"}, named
    if shutil.which("make") is not None:  # which make constraints writes again
        argv = ["make", "-n", "constraints", "RECUR=recur", "TORCH_INDEX="]
        steps = subprocess.run(argv, cwd=dest, capture_output=True, text=True, check=True).stdout
        assert "recur init --constraints-only ." in steps and "recur kb-format --out KB-FORMAT.md" in steps, steps


def test_keep_existing_again_treats_the_kb_as_the_teams_and_reads_requirements(tmp_path, monkeypatch):
    """Found in review: `recur init --keep-existing .` in a repository init made (the upgrade path) listed
    kb/eval/cases.yml "to merge Recur's lines into by hand", told pip where recur comes from though
    requirements.txt named the committed wheel, and said "your first failure pattern" to a KB with patterns."""
    wheel = _wheel(tmp_path / "dist")
    dest = tmp_path / "team"
    assert run("init", dest, "--wheel", wheel).exit_code == 0
    (dest / "kb/patterns/network").mkdir(parents=True)
    (dest / "kb/patterns/network/dns-timeouts.md").write_text("---\nid: dns-timeouts\n---\n")
    (dest / "kb/eval/cases.yml").write_text('- query: "resolver timeouts"\n  expect: [dns-timeouts]\n')
    (dest / "CONTRIBUTING.md").unlink()  # a file a newer init adds
    monkeypatch.chdir(dest)
    res = run("init", "--keep-existing", ".")
    assert res.exit_code == 0, res.output
    assert (dest / "CONTRIBUTING.md").is_file()
    assert "Left as they were" not in res.output and "merge" not in res.output.lower(), res.output
    assert "The KB's own files, left as they are (1): kb/eval/cases.yml." in res.output, res.output
    assert f"requirements.txt names ./wheels/{wheel.name}: commit it" in res.output, res.output
    assert "PIP_INDEX_URL" not in res.output and "tell pip" not in res.output, res.output
    assert "your first failure pattern" not in res.output and "make test" in res.output, res.output
    assert "the next failure pattern" in res.output, res.output
    # the team's own requirements.txt without recur: said so, not "requirements.txt pins it"
    (dest / "requirements.txt").write_text("requests==2.0\n")
    res = run("init", "--keep-existing", ".")
    assert "Left as they were (1): requirements.txt." in res.output, res.output
    assert "does not name recur" in res.output and "pins it" not in res.output, res.output
    (dest / "requirements.txt").unlink()
    assert run("init", "--keep-existing", "--wheel", wheel, ".").exit_code == 0
    res = run("init", "--keep-existing", ".")  # only the KB's content differs: nothing to write
    assert res.exit_code == 0 and "Nothing to write" in res.output and "merge" not in res.output.lower(), res.output


def test_init_names_the_python_the_constraints_were_made_on_and_make_install_checks_it(tmp_path):
    """constraints.txt pins what is installed where init ran (numpy 2.4 needs Python 3.11), yet the
    workflows said "3.11" whatever it was, nothing said which Python a team needs, and on a 3.10 machine
    `make install` stopped at pip's "No matching distribution", which seemed to blame the package index
    (found in review). Init writes its own major.minor into the workflows and .python-version, the
    README names it, and the Makefile checks $(PYTHON) against it before pip, saying what to run."""
    import shutil
    import subprocess
    import sys

    import yaml

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert (dest / ".python-version").read_text() == f"{here}\n"
    for name in ("kb.yml", "overdue.yml"):
        flow = yaml.safe_load((dest / ".github/workflows" / name).read_text())
        versions = [
            step["with"]["python-version"]
            for job in flow["jobs"].values()
            for step in job["steps"]
            if "setup-python" in step.get("uses", "")
        ]
        assert versions == [here], (name, versions)
    readme = (dest / "README.md").read_text()
    assert f"Python {here}" in readme and f"PYTHON=python{here} make install" in readme
    if shutil.which("make") is None:
        pytest.skip("no make")
    other = f"{sys.version_info.major}.{sys.version_info.minor + 1}"
    _constraints_made_on(dest, f"{other}.2")
    res = subprocess.run(
        ["make", "install", f"PYTHON={sys.executable}"], cwd=dest, capture_output=True, text=True, timeout=120
    )
    assert res.returncode != 0, res.stdout + res.stderr
    said = f"this repository's constraints.txt was made on Python {other}"
    assert said in res.stderr and f"PYTHON=python{other} make install" in res.stderr, res.stderr
    assert not (dest / ".venv").exists()  # stopped before the venv and pip
    _constraints_made_on(dest, f"{here}.4")  # a patch level too passes
    check = subprocess.run(
        [sys.executable, "-c", _python_check(dest), sys.executable, "install"], cwd=dest, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def _constraints_made_on(dest: Path, version: str) -> None:
    """``dest``/constraints.txt's first line says it was made on Python ``version`` (the rest kept)."""
    lines = (dest / "constraints.txt").read_text().splitlines(keepends=True)
    lines[0] = re.sub(r"\(Python [^,]+,", f"(Python {version},", lines[0])
    (dest / "constraints.txt").write_text("".join(lines))


def test_make_install_checks_python_against_the_constraints_not_python_version(tmp_path):
    """The Makefile compared $(PYTHON) with .python-version, not with the Python constraints.txt was made on:
    under pyenv a .python-version of 3.12 made python3 3.12 and the check passed while pip was to install
    3.11's pins, and `PYTHON=python3.11 make install`, as the README says, failed claiming the constraints
    were made on 3.12 (found in review). constraints.txt's first line decides; .python-version only when
    it does not say (a team's own constraints.txt); `make constraints`, which writes constraints.txt again
    for the Python a team moves to, checks against .python-version."""
    import subprocess
    import sys

    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    other = f"{sys.version_info.major}.{sys.version_info.minor + 1}"
    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0

    def check(target: str) -> subprocess.CompletedProcess:
        program = [sys.executable, "-c", _python_check(dest), "python3", target]
        return subprocess.run(program, cwd=dest, capture_output=True, text=True)

    (dest / ".python-version").write_text(f"{other}\n")  # pyenv's; constraints.txt was made on this Python
    assert check("install").returncode == 0, check("install").stderr
    _constraints_made_on(dest, f"{other}.1")
    (dest / ".python-version").write_text(f"{here}\n")
    res = check("install")
    assert res.returncode != 0
    said = " ".join(res.stderr.split())
    assert f"python3 is Python {here}, but this repository's constraints.txt was made on Python {other}" in said, said
    assert f"PYTHON=python{other} make install" in said and ".python-version" not in said, said
    # make constraints makes them again for .python-version's Python
    assert check("constraints").returncode == 0, check("constraints").stderr
    (dest / ".python-version").write_text(f"{other}\n")
    res = check("constraints")
    assert res.returncode != 0 and f".python-version names Python {other}" in res.stderr, res.stderr
    assert f"PYTHON=python{other} make constraints" in res.stderr, res.stderr
    # a team's own constraints.txt, which does not say: .python-version decides
    (dest / "constraints.txt").write_text("pyyaml==6.0.2\n")
    res = check("install")
    assert res.returncode != 0 and f"made on Python {other} (.python-version" in res.stderr, res.stderr
    (dest / ".python-version").write_text(f"{here}.4\n")
    assert check("install").returncode == 0


def _setup_pythons(dest: Path) -> list:
    import yaml

    return [
        step["with"]["python-version"]
        for name in ("kb.yml", "overdue.yml")
        for job in yaml.safe_load((dest / ".github/workflows" / name).read_text())["jobs"].values()
        for step in job["steps"]
        if "setup-python" in step.get("uses", "")
    ]


def test_init_keeping_a_python_version_of_another_python_says_so(tmp_path):
    """The team's own .python-version (3.12.1) kept while init ran on 3.11: init wrote 3.11 into the workflows
    and said python3 must be 3.11, not a word that the kept file says 3.12, and the Makefile's check then
    stopped every install (found in review). The workflows get the Python constraints.txt was made on (its pins
    install on it), and the difference is said with the two ways to settle it."""
    import sys

    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    other = f"{sys.version_info.major}.{sys.version_info.minor + 1}"
    dest = tmp_path / "team"
    dest.mkdir()
    (dest / ".python-version").write_text(f"{other}.1\n")
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    assert (dest / ".python-version").read_text() == f"{other}.1\n"  # kept
    assert _setup_pythons(dest) == [here, here]
    said = " ".join(res.output.split())
    assert (
        f".python-version says {other}; constraints.txt was made on {here}: set it to {here}, or run "
        f"PYTHON=python{other} make constraints" in said
    ), res.output
    assert f"The workflows set up Python {here}" in said
    # a kept .python-version that agrees: nothing said
    (again := tmp_path / "again").mkdir()
    (again / ".python-version").write_text(f"{here}.4\n")
    res = run("init", again, "--keep-existing")
    assert res.exit_code == 0 and "constraints.txt was made on" not in res.output, res.output


def test_init_keeping_constraints_made_on_another_python_names_that_one(tmp_path):
    """constraints.txt kept, made on another Python: its pins install there, so the workflows, README and
    .python-version init writes name that one, not the one init runs on."""
    import sys

    other = f"{sys.version_info.major}.{sys.version_info.minor + 1}"
    dest = tmp_path / "team"
    dest.mkdir()
    (dest / "constraints.txt").write_text(
        f"# The versions of recur's dependencies installed with recur 0.1.0 where `recur init` ran (Python "
        f"{other}.2, Linux x86_64).\npyyaml==6.0.2\n"
    )
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    assert _setup_pythons(dest) == [other, other]
    assert (dest / ".python-version").read_text() == f"{other}\n"
    assert f"PYTHON=python{other} make install" in (dest / "README.md").read_text()


def _python_check(dest: Path) -> str:
    """The Makefile's PYTHON_CHECK program, as make exports it."""
    text = (dest / "Makefile").read_text()
    return text.split("define PYTHON_CHECK\n", 1)[1].split("\nendef", 1)[0]


def test_the_readme_says_how_the_site_gets_published_as_ci_keeps_it(tmp_path):
    """The generated README said nothing of publishing the site: docs/team-kb.md's "Host the static site" is
    not in the wheel, and a team had only the workflow's comment to go on (found in review). It says where CI
    keeps the built site (the artifact's name, branch and days as kb.yml has them), how to download it, and
    `site_url` for a site served under a path; every `make` target it names is one the Makefile has."""
    import yaml

    from recur.kb.init import make_targets, workflow_branch

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    readme = (dest / "README.md").read_text()
    section = readme.split("\n## Publishing the site\n", 1)[1].split("\n## ", 1)[0]
    flow = yaml.safe_load((dest / ".github/workflows/kb.yml").read_text())
    kept = next(s for job in flow["jobs"].values() for s in job["steps"] if "upload-artifact" in s.get("uses", ""))
    name, days = kept["with"]["name"], kept["with"]["retention-days"]
    assert f"artifact `{name}` for {days} days" in section, section
    assert f"gh run download RUN_ID -n {name}" in section and f"--branch {workflow_branch()}" in section
    assert "`site_url:` in `mkdocs.yml`" in section and "site_url:" in (dest / "mkdocs.yml").read_text()
    named = set(re.findall(r"`make ([a-z][\w-]*)", readme)) | set(re.findall(r"(?m)^make ([a-z][\w-]*)", readme))
    assert "site" in named and named <= set(make_targets()), named - set(make_targets())


def test_init_by_a_development_build_says_its_pin_is_on_no_index(tmp_path, monkeypatch):
    """Found in an upgrade review: main said the release's version, 0.2.0, so a team could not name the
    upgrade and a site the release built was never stale. Main is a development version (PEP 440); the
    pin `recur init` writes for it names what no package index has unless the team published it: init
    says so and how to use the wheel instead. With --wheel, or run by a release, no such note."""
    from packaging.version import Version

    import recur

    assert Version(recur.__version__).is_devrelease, recur.__version__  # main between releases
    res = run("init", tmp_path / "dev")
    assert res.exit_code == 0, res.output
    assert f"recur=={recur.__version__}" in (tmp_path / "dev/requirements.txt").read_text()
    said = " ".join(res.output.split())
    assert f"note: this recur is a development build ({recur.__version__}), not a release" in said, said
    assert f"no package index has recur=={recur.__version__} unless you publish its wheel there" in said, said
    assert "(init --wheel FILE does both)" in said, said
    res = run("init", tmp_path / "wheel", "--wheel", _wheel(tmp_path / "dist"))
    assert res.exit_code == 0 and "development build" not in res.output, res.output
    monkeypatch.setattr(recur, "__version__", "0.3.0")  # a release's init
    res = run("init", tmp_path / "release")
    assert res.exit_code == 0 and "development build" not in res.output, res.output
    assert "recur==0.3.0" in (tmp_path / "release/requirements.txt").read_text()


def test_init_keeping_a_pin_of_another_version_says_nothing_of_a_development_build(tmp_path):
    """Found in a re-read: run by a development build with --keep-existing over a requirements.txt that pins
    a release (recur==0.2.0, on the team's index), init still said no index has recur==<this dev version>,
    a pin nothing wrote. The note is said when the pin is this build's, or when none is kept (add this one)."""
    import recur

    for kept, said in (("recur==0.2.0\n", False), (f"recur=={recur.__version__}\n", True), ("pyyaml\n", True)):
        dest = tmp_path / f"kb{len(kept)}"
        dest.mkdir()
        (dest / "requirements.txt").write_text(kept)
        res = run("init", dest, "--keep-existing")
        assert res.exit_code == 0, res.output
        assert (dest / "requirements.txt").read_text() == kept
        assert ("development build" in res.output) is said, (kept, res.output)


def _as_0_2_0_made_it(dest: Path) -> None:
    """``dest`` (made by this init) as `recur init` 0.2.0 made it, in the two files that name the version."""
    from recur import __version__

    req = dest / "requirements.txt"
    req.write_text(req.read_text().replace(f"recur=={__version__}", "recur==0.2.0"))
    ref = dest / "KB-FORMAT.md"
    ref.write_text(ref.read_text().replace(f"of Recur {__version__},", "of Recur 0.2.0,"))


def test_keep_existing_on_a_0_2_0_repository_says_the_old_pin_and_the_old_format_reference(tmp_path):
    # found in an upgrade review: on a 0.2.0 team repository init never said requirements.txt still pins
    # recur==0.2.0 (CI kept installing it), listed the old KB-FORMAT.md as a file to merge by hand without a
    # word that it is out of date, and said "(1 file)"
    from recur import __version__

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    _as_0_2_0_made_it(dest)
    (dest / ".python-version").unlink()  # 0.2.0 wrote none: the one file init adds
    before = {p.name: p.read_bytes() for p in (dest / "requirements.txt", dest / "KB-FORMAT.md")}
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    assert "(1 file)." in res.output, res.output
    said = " ".join(res.output.split())
    assert (
        f"requirements.txt pins recur==0.2.0, not this recur ({__version__}): make install and CI install 0.2.0 "
        f"until that line says recur=={__version__}" in said
    ), res.output
    assert "Change it, then run make constraints; commit requirements.txt, constraints.txt and KB-FORMAT.md" in said
    assert f"KB-FORMAT.md (kept) is the KB format reference of Recur 0.2.0, not of this recur ({__version__})" in said
    assert "Left as they were" not in res.output, res.output  # nothing of the team's to merge
    assert {p: (dest / p).read_bytes() for p in before} == before  # said, never rewritten


def test_keep_existing_with_the_teams_own_constraints_target_names_recurs_option_not_it(tmp_path):
    """Found in re-read: an old pin kept beside a Makefile of the team's own whose `constraints` target is its own
    (pip-compile) was told "Change it, then run make constraints", which writes no constraints.txt of Recur's;
    recur's own option is named, as for a repository with no Makefile."""
    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    _as_0_2_0_made_it(dest)
    (dest / "Makefile").write_text(".PHONY: constraints\nconstraints:\n\tpip-compile requirements.in\n")
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert "Change it, then run make constraints" not in said, res.output
    assert f"Change it, then run recur init --constraints-only {dest} with it installed" in said, res.output


def test_keep_existing_says_an_old_pin_in_a_requirements_txt_the_team_edited_and_leaves_it(tmp_path):
    from recur import __version__

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    _as_0_2_0_made_it(dest)
    req = dest / "requirements.txt"
    req.write_text(req.read_text().replace("recur==0.2.0", "recur[onnx] == 0.2.0  # ours") + "requests==2.32.3\n")
    ref = dest / "KB-FORMAT.md"
    ref.write_text(ref.read_text().replace("0.2.0", __version__) + "\nOur own note.\n")  # this version's, edited
    edited = req.read_bytes()
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert "Left as they were (2): KB-FORMAT.md, requirements.txt." in said, res.output
    assert f"pins recur[onnx] == 0.2.0, not this recur ({__version__})" in said, res.output
    assert f"until that line says recur[onnx] == {__version__}" in said, res.output
    assert "is the KB format reference of Recur" not in said  # this version's: an edit of the team's, to merge
    assert req.read_bytes() == edited


def test_keep_existing_that_adds_nothing_says_so_not_zero_files_added(tmp_path):
    # found in review: every file there, one to merge by hand, init said "Added what … did not have … (0 files)"
    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    (dest / "README.md").write_text((dest / "README.md").read_text() + "\nOur own words.\n")
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    assert f"Nothing added: {dest} has every file init makes" in res.output, res.output
    assert "Added what" not in res.output and "(0 files)" not in res.output, res.output
    assert "Left as they were (1): README.md." in res.output, res.output


def test_keep_existing_with_every_file_there_still_says_an_old_pin_and_format_reference(tmp_path):
    # a 0.2.0 repository run again (its .python-version added by the first run): "Nothing to write: … as init
    # makes them", and not a word of the pin CI installs nor of the old KB-FORMAT.md
    from recur import __version__

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    _as_0_2_0_made_it(dest)
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert "Nothing to write" not in said and f"Nothing added: {dest} has every file init makes" in said, said
    assert f"requirements.txt pins recur==0.2.0, not this recur ({__version__})" in said, said
    assert "KB-FORMAT.md (kept) is the KB format reference of Recur 0.2.0" in said, said


def test_keep_existing_says_a_requirements_txt_naming_an_older_wheel_file(tmp_path):
    # the pin's note was said of recur==0.2.0 alone: a team without an index kept installing the 0.2.0 wheel
    from recur import __version__

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    req = dest / "requirements.txt"
    old = _wheel(dest / "wheels", version="0.2.0")
    req.write_text(req.read_text().replace(f"\nrecur=={__version__}\n", f"\n./wheels/{old.name}\n"))
    before = req.read_bytes()
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert (
        f"requirements.txt names ./wheels/{old.name}, recur 0.2.0, not this recur ({__version__}): make install "
        "and CI install 0.2.0 until that line names this recur's wheel" in said
    ), said
    assert f"--keep-existing --wheel FILE {dest}" in said and "the new wheel together" in said, said
    assert req.read_bytes() == before  # said, never rewritten
    # given this recur's wheel, the kept line naming the old one is said to change (it was said of a team's own
    # requirements.txt alone, not of init's naming another wheel)
    new = _wheel(tmp_path / "dist")
    res = run("init", dest, "--keep-existing", "--wheel", new)
    assert res.exit_code == 0, res.output
    # the wheel alone added, every other file as init makes it: no "Created a knowledge-base repository in"
    assert f"Added what {dest} did not have of a knowledge-base repository (1 file)." in res.output, res.output
    said = " ".join(res.output.split())
    assert f"requirements.txt was kept: name ./wheels/{new.name} in it in place of ./wheels/{old.name}." in said, said
    assert req.read_bytes() == before
    # naming this recur's wheel: nothing to say of a version
    req.write_text(before.decode().replace(f"./wheels/{old.name}", f"./wheels/{new.name}"))
    res = run("init", dest, "--keep-existing")
    assert res.exit_code == 0 and "not this recur" not in res.output, res.output


def test_keep_existing_wheel_takes_a_line_naming_the_wheel_without_dot_slash(tmp_path):
    # pip reads `wheels/recur-X.whl` as it reads `./wheels/recur-X.whl`: the line without `./` was told to name
    # the wheel it already named
    from recur import __version__

    dest = tmp_path / "team"
    assert run("init", dest).exit_code == 0
    new = _wheel(tmp_path / "dist")
    req = dest / "requirements.txt"
    for line in (f"wheels/{new.name}", f"./wheels/{new.name}"):
        req.write_text(req.read_text().replace(f"\nrecur=={__version__}\n", f"\n{line}\n"))
        res = run("init", dest, "--keep-existing", "--wheel", new)
        assert res.exit_code == 0, res.output
        assert "requirements.txt was kept" not in res.output and "not this recur" not in res.output, res.output
        req.write_text(req.read_text().replace(f"\n{line}\n", f"\nrecur=={__version__}\n"))


def test_recur_yml_and_the_readme_name_own_keys(tmp_path):
    """own_keys, a team's own front-matter keys, was in the KB format's reference alone: a team whose
    `last_reviewed:` warned on every run had nothing in its repository saying it could be declared (found
    re-reading own_keys). recur.yml has it commented out, ready to uncomment; the README's layout names it."""
    dest = tmp_path / "team"
    assert run("init", "--starter", dest).exit_code == 0
    recur_yml = dest / "kb/recur.yml"
    assert "\n# own_keys: [last_reviewed]\n" in recur_yml.read_text()
    assert "own_keys" in (dest / "README.md").read_text().split("## Layout")[1]
    pattern = next((dest / "kb/patterns").rglob("*.md"))
    pattern.write_text(pattern.read_text().replace("---\n", "---\nlast_reviewed: 2026-01-05\n", 1))
    assert "last_reviewed: warning" in run("check", "--kb", dest / "kb").output
    recur_yml.write_text(recur_yml.read_text().replace("# own_keys:", "own_keys:"))
    res = run("check", "--kb", dest / "kb", "--strict")
    assert res.exit_code == 0 and "last_reviewed" not in res.output, res.output
