"""What a newcomer (first week on call) is told, and by which command: where the onboarding paths are, how to
view a built site, and what `recur suggest`'s closing line proposes for a lookup. Found in a new-hire review."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
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


def _start_up_line(kb_dir, tmp_path, site) -> str:
    args = [*fake_model_flags(kb_dir, tmp_path / "index"), "--site", str(site), "--port", "0"]
    args += ["--feedback", str(tmp_path / "fb.jsonl")]
    proc = subprocess.Popen([*RECUR, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said: list = []
    try:
        started_on(proc.stdout, said)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    return next(x for x in said if "Recur on http" in x)


def test_serve_start_up_line_names_the_onboarding_paths(kb_dir, tmp_path):
    """`recur serve`'s start-up line named /docs and /metrics, not the onboarding paths; then it named /paths/
    with no site built, where it is a 404 (found in a re-read)."""
    site = tmp_path / "site"
    line = _start_up_line(kb_dir, tmp_path, site)
    assert "(API docs: /docs, metrics: /metrics)" in line and "/paths/" not in line, line
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>KB</title>")
    line = _start_up_line(kb_dir, tmp_path, site)
    assert "(onboarding paths: /paths/, API docs: /docs, metrics: /metrics)" in line, line


def test_suggest_by_a_pattern_id_proposes_no_record(run):
    """`recur suggest disk-full` (a lookup) ended with "To record it… recur incident new -t disk-full …"."""
    r = run("suggest", "disk-full")
    assert r.exit_code == 0, r.output
    last = r.stdout.rstrip().splitlines()[-1]
    assert last == "disk-full is a pattern's id: a lookup, nothing to record (recur show disk-full prints the pattern)."
    assert "recur incident new" not in r.stdout


def test_suggest_by_a_recorded_incidents_title_names_it_instead_of_proposing_a_duplicate(run):
    """A past incident's exact title pasted proposed recording it again; it names the incident now (case and
    spacing aside, as titles are typed). A text that only resembles one still gets the record command."""
    for text in ("Unknown slowness", "unknown   SLOWNESS", "Checkout hung on database connections"):
        r = run("suggest", text)
        assert r.exit_code == 0, r.output
        assert "recur incident new" not in r.stdout, (text, r.stdout)
        assert "Recorded already: INC-2026-" in r.stdout.rstrip().splitlines()[-1], (text, r.stdout)
    r = run("suggest", "Unknown slowness")
    assert "Recorded already: INC-2026-0002 has this title (" in r.stdout
    assert "incidents/2026/INC-2026-0002.md); nothing new to record. To link it to a pattern: recur incident link" in (
        r.stdout
    )
    r = run("suggest", "Unknown slowness on checkout")
    assert "recur incident new" in r.stdout.rstrip().splitlines()[-1] and "Recorded already" not in r.stdout


def test_site_says_how_to_view_what_it_built(kb_dir, tmp_path):
    """`recur site` said where it wrote the site, not how to look at it (opened from disk, its search boxes do
    not work); the serve command carries the run's --kb and --index, as a command printed for copying does."""
    from site_helpers import recur_site

    out = tmp_path / "out site"
    r = recur_site(kb_dir, out)
    assert r.exit_code == 0, r.output
    index = tmp_path / "no-index"
    assert (
        f"View it: recur serve --kb {kb_dir} --index {index} --site '{out}', then open http://127.0.0.1:8000/. "
        "Opened from disk, its search boxes do not work (recur site --file-search makes the header search work "
        "there)." in r.stderr.splitlines()
    ), r.stderr
    assert "View it" not in recur_site(kb_dir, out, "-q").stderr


def test_sites_view_it_line_reads_recur_host_and_port(kb_dir, tmp_path, monkeypatch):
    """The "View it" line named 127.0.0.1:8000 whatever RECUR_HOST and RECUR_PORT said; every interface's
    address (0.0.0.0) is opened on this host's."""
    from site_helpers import recur_site

    monkeypatch.setenv("RECUR_PORT", "8123")
    monkeypatch.setenv("RECUR_HOST", "0.0.0.0")
    r = recur_site(kb_dir, tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert ", then open http://127.0.0.1:8123/. Opened from disk" in r.stderr, r.stderr
    monkeypatch.setenv("RECUR_HOST", "10.1.2.3")
    assert ", then open http://10.1.2.3:8123/. " in recur_site(kb_dir, tmp_path / "out").stderr


def _drill_line() -> list[str]:
    """The README's practice recipe's `recur incident new` command, as words."""
    import shlex

    recipe = (ROOT / "README.md").read_text().split("cp -r kb /tmp/kb-drill\n", 1)[1].split("\n", 1)[0]
    words = shlex.split(recipe)
    assert words[:3] == [".venv/bin/recur", "incident", "new"], recipe
    return words[1:]


def _repository(tmp_path, monkeypatch):
    """A KB repository in tmp_path (kb/ and its .recur/index, built), the current folder, the fake encoder."""
    import shutil

    from kbfactory import small_kb

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECUR_MODEL", "fake:64")
    for name in ("RECUR_KB", "RECUR_INDEX"):
        monkeypatch.delenv(name, raising=False)
    small_kb(tmp_path / "kb")
    assert invoke("index").exit_code == 0
    shutil.copytree(tmp_path / "kb", tmp_path / "kb-drill")
    return tmp_path / ".recur" / "index" / "manifest.json"


def test_the_readmes_practice_recipe_leaves_the_repositorys_index_alone(tmp_path, monkeypatch):
    """The README's `cp -r kb /tmp/kb-drill && recur incident new --kb /tmp/kb-drill …` took the repository's
    .recur/index over for the copy, without a word; the next `recur suggest` on kb/ rebuilt it. The recipe gives
    the copy its own --index, inside it."""
    import json

    manifest = _repository(tmp_path, monkeypatch)
    args = [w.replace("/tmp/kb-drill", str(tmp_path / "kb-drill")) for w in _drill_line()]
    r = invoke(*args, "--no-input")
    assert r.exit_code == 0, r.output
    count = {kb: len(list((tmp_path / kb / "incidents").rglob("*.md"))) for kb in ("kb", "kb-drill")}
    assert count["kb-drill"] == count["kb"] + 1  # recorded in the copy
    assert json.loads(manifest.read_text())["kb"] == str((tmp_path / "kb").resolve())
    assert "rebuilding" not in invoke("suggest", "disk full").stderr


def test_a_quiet_command_says_it_took_another_kbs_index(tmp_path, monkeypatch):
    """`recur incident new --kb COPY` with the repository's index rebuilt it for the copy in silence (its search
    is quiet); it says so now, in `recur suggest`'s words."""
    manifest = _repository(tmp_path, monkeypatch)
    r = invoke("incident", "new", "--kb", "kb-drill", "-t", "Checkout 502s", "-s", "sev2", "--no-input")
    assert r.exit_code == 0, r.output
    said = (
        f"The index at .recur/index was built for the knowledge base at {(tmp_path / 'kb').resolve()}, not "
        f"{(tmp_path / 'kb-drill').resolve()}: rebuilding it for this one (give each KB its own --index)."
    )
    assert said in r.stderr.splitlines(), r.stderr
    assert str((tmp_path / "kb-drill").resolve()) in manifest.read_text()


def _fresh(api_object: dict) -> dict:
    """The API's pattern object without its ``"stale": null`` (the served index is current; `recur show` has no such
    key: it reads the KB's files itself when the index is older)."""
    assert api_object.get("stale") is None, api_object
    return {k: v for k, v in api_object.items() if k != "stale"}


def test_show_prints_a_pattern_readably_and_its_json_is_the_apis(run, kb_dir, tmp_path):
    """The CLI could not read a pattern in the terminal (`recur show` was no command; the API and MCP had it)."""
    import httpx
    from serve_util import running

    from recur.retrieval.engine import Engine
    from recur.serve.app import create_app

    r = run("show", "Disk-Full")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "Disk full on a host  (disk-full · sev2 · capacity)"
    for said in ("A filesystem runs out of bytes and writes fail.", "Symptoms:", "  - no space left on device"):
        assert said in lines, said
    assert "First steps:" in lines and "  - db-pool-exhausted (Database connection pool exhausted)" in lines
    assert lines[-1] == f"read more: {kb_dir}/patterns/capacity/disk-full.md"
    engine = Engine.open(kb_dir, tmp_path / "index", "fake:64", quiet=True)
    shown = json.loads(run("show", "disk-full", "--json").stdout)  # the index fresh: read from it
    with running(create_app(lambda: engine, feedback_path=tmp_path / "f.jsonl")) as base:
        assert shown == _fresh(httpx.get(base + "/api/patterns/disk-full").json())
    # out of date by another pattern's runbook (no vector changes): read from the KB's files, and still the
    # object the API gives once the index is brought up to date
    other = kb_dir / "patterns/capacity/db-pool-exhausted.md"
    other.write_text(other.read_text() + "\n1. Restart the pool.\n")
    r = run("show", "disk-full", "--json")
    assert "note: read from the knowledge base at" in r.stderr, r.stderr
    engine = Engine.open(kb_dir, tmp_path / "index", "fake:64", quiet=True)
    with running(create_app(lambda: engine, feedback_path=tmp_path / "f.jsonl")) as base:
        assert json.loads(r.stdout) == _fresh(httpx.get(base + "/api/patterns/disk-full").json())


def _fixed_pattern(kb_dir):
    """A pattern with a root cause, detection, a permanent fix and two incidents, the older one recorded first."""
    from kbfactory import pattern_text, write

    fix = "fix: {status: open, owner: storage-team, due: 2026-09-30}"
    text = pattern_text("inode-out", title="Out of inodes", signals=("ENOSPC with free bytes",), fix=fix)
    write(kb_dir, "patterns/capacity/inode-out.md", text + "\n## Detection\nAlert on `df -i` above 90%.\n")
    for n, day in ((10, "2026-01-05"), (11, "2026-02-07")):
        front = f"id: INC-2026-00{n}\ntitle: Inodes ran out {n}\ndate: {day}\nseverity: sev3\npatterns: [inode-out]"
        write(kb_dir, f"incidents/2026/INC-2026-00{n}.md", f"---\n{front}\n---\n\n## Summary\nIt ran out.\n")


def test_show_prints_the_sections_mcp_shows_in_its_order(run, kb_dir):
    """`recur show` drew a list of its own and left out the root cause, detection and permanent fix that MCP's
    get_pattern text gives, and listed the incidents oldest first where MCP lists them newest first (found in
    review): both now draw retrieval.patterns.pattern_sections."""
    from recur.serve.mcp_text import pattern_text

    _fixed_pattern(kb_dir)
    r = run("show", "inode-out")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    for said in (
        "Root cause:",
        "  The mechanism.",
        "Detection:",
        "  Alert on `df -i` above 90%.",
        "Permanent fix: open, owner storage-team, due 2026-09-30",
    ):
        assert said in lines, (said, r.stdout)
    newest = lines.index("  - 2026-02-07 INC-2026-0011: Inodes ran out 11")
    assert lines[newest + 1] == "  - 2026-01-05 INC-2026-0010: Inodes ran out 10"
    # the sections in MCP's order: its headings, as the terminal names them, come in the same order in both
    mcp = pattern_text(json.loads(run("show", "inode-out", "--json").stdout)).splitlines()
    pairs = [("Symptoms:",) * 2, ("Signals:", "Signals (log lines, alerts, metrics):"), ("First steps:", "Runbook:")]
    pairs += [("Root cause:",) * 2, ("Detection:",) * 2, ("Permanent fix:", "Permanent fix:")]
    pairs += [("Seen before (2 incidents, newest first):", "Linked incidents (2, newest first):")]
    starts = lambda ls, h: next(n for n, line in enumerate(ls) if line.startswith(h))  # noqa: E731
    assert [starts(lines, a) for a, _ in pairs] == sorted(starts(lines, a) for a, _ in pairs)
    assert [starts(mcp, b) for _, b in pairs] == sorted(starts(mcp, b) for _, b in pairs)


def test_mcp_pattern_text_is_kept_word_for_word(run, kb_dir):
    """Drawn from the shared section list since `recur show` draws it too, get_pattern's text is what it was."""
    from recur.serve.mcp_text import pattern_text

    _fixed_pattern(kb_dir)
    doc = json.loads(run("show", "inode-out", "--json").stdout)
    assert pattern_text(doc) == "\n".join(
        [
            "# Out of inodes (inode-out)",
            "capacity · sev2 · active",
            "",
            "Something goes wrong.",
            "",
            "Symptoms:",
            "- requests hang",
            "",
            "Signals (log lines, alerts, metrics):",
            "- ENOSPC with free bytes",
            "",
            "Evidence to preserve first:",
            "- `kubectl logs --previous` of a crashed pod",
            "",
            "Runbook:",
            "1. Run `kubectl get pods -n prod` and look for restarts.",
            "",
            "Root cause:",
            "The mechanism.",
            "",
            "Detection:",
            "Alert on `df -i` above 90%.",
            "",
            "Permanent fix: open, owner storage-team, due 2026-09-30",
            "",
            "Linked incidents (2, newest first):",
            "- 2026-02-07 INC-2026-0011: Inodes ran out 11",
            "- 2026-01-05 INC-2026-0010: Inodes ran out 10",
        ]
    )


def test_show_prints_an_incident_and_says_what_an_unknown_id_meant(run, kb_dir):
    r = run("show", "inc-2026-0001")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "Checkout hung on database connections  (INC-2026-0001 · 2026-03-02 · sev2)"
    assert "  - db-pool-exhausted (Database connection pool exhausted)" in r.stdout.splitlines()
    doc = json.loads(run("show", "INC-2026-0002", "--json").stdout)
    assert doc["id"] == "INC-2026-0002" and doc["patterns"] == [] and doc["path"] == "incidents/2026/INC-2026-0002.md"
    assert "Patterns: none linked (needs analysis)" in run("show", "INC-2026-0002").stdout
    # said alike whether the pattern is read from the KB's files (no index) or from an index up to date
    for index in (False, True):
        if index:
            assert run("index").exit_code == 0
        for given, said in (
            (
                "disk-ful",
                f"Error: no pattern with id 'disk-ful' in the knowledge base at {kb_dir} (from RECUR_KB) (did you mean 'disk-full'?)",
            ),
            ("INC-2026-0003", "(did you mean 'INC-2026-0002', 'INC-2026-0001'?)"),
        ):
            r = run("show", given)
            assert r.exit_code == 1 and said in r.stderr and "Traceback" not in r.output, (given, r.output)
        r = run("show", "old-retired")  # printed, marked (tests/test_show_retired.py): it exited 1
        assert r.exit_code == 0 and r.stdout.startswith("Retired; nothing replaced it."), r.output


def test_paths_lists_the_onboarding_paths_and_one_paths_steps(run):
    """`recur path`, `recur paths` were no commands: the paths were on the site alone."""
    r = run("paths")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "first-week  First week (2 steps)"
    assert json.loads(run("paths", "--json").stdout) == [
        {"id": "first-week", "title": "First week", "audience": "new on-call engineers", "steps": 2}
    ]
    r = run("paths", "first-week")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:6] == [
        "First week  (first-week)",
        "for: new on-call engineers",
        "",
        "1. db-pool-exhausted: Database connection pool exhausted",
        "   why: the most common page",
        "2. dns-failure: DNS resolution failure",
    ]
    steps = json.loads(run("paths", "first-week", "--json").stdout)["steps"]
    assert [s["pattern"] for s in steps] == ["db-pool-exhausted", "dns-failure"]
    r = run("paths", "first-wek")
    assert r.exit_code == 1 and "no onboarding path with id 'first-wek'" in r.stderr and "did you mean" in r.stderr


def test_paths_given_a_patterns_id_says_it_is_a_pattern_and_where_the_paths_list_it(run):
    """`recur paths db-pool-exhausted` (an id read off a path's step) said "no onboarding path with id" and the
    list of paths: a newcomer could not tell a pattern's id from a path's. `recur show first-week` says the
    reverse already."""
    r = run("paths", "DB-Pool-Exhausted")
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert "'db-pool-exhausted' is a pattern (" in r.stderr, r.stderr
    assert "not an onboarding path: recur show db-pool-exhausted prints it" in r.stderr, r.stderr
    assert "it is step 1 of first-week" in r.stderr, r.stderr
    r = run("paths", "disk-full")
    assert r.exit_code == 1 and "no onboarding path lists it" in r.stderr, r.stderr


def test_suggest_finds_a_recorded_title_with_quotes_and_apostrophes(run, kb_dir):
    """The quick word check ran on the file as YAML escapes a title (`\\"MOVED\\"`, `can''t`): a title with double
    quotes, or an apostrophe in a single-quoted title, was never found and a duplicate record was proposed."""
    title = 'Checkout can\'t reach Redis: "MOVED" errors'
    r = run("incident", "new", "-t", title, "-d", "x", "-s", "sev3", "--no-input")
    assert r.exit_code == 0, r.output
    r = run("suggest", title)
    assert "Recorded already: INC-" in r.stdout.rstrip().splitlines()[-1], r.stdout
    from kbfactory import write

    write(
        kb_dir,
        "incidents/2026/INC-2026-0077.md",
        "---\nid: INC-2026-0077\ntitle: 'Ledger can''t export'\n"
        "date: 2026-04-01\nseverity: sev3\n---\n\n## Summary\n\nx\n",
    )
    r = run("suggest", "Ledger can't export")
    assert "Recorded already: INC-2026-0077" in r.stdout.rstrip().splitlines()[-1], r.stdout


def test_suggest_says_recorded_already_only_for_a_file_show_can_find(run, kb_dir):
    """A record outside incidents/<year>/ is not loaded (`recur show` cannot find it): not "Recorded already"."""
    from kbfactory import write

    write(
        kb_dir,
        "incidents/INC-2026-0078.md",
        "---\nid: INC-2026-0078\ntitle: Ledger export stalls\n"
        "date: 2026-04-01\nseverity: sev3\n---\n\n## Summary\n\nx\n",
    )
    r = run("suggest", "Ledger export stalls")
    assert "Recorded already" not in r.stdout and "recur incident new" in r.stdout.rstrip().splitlines()[-1]


def test_suggest_reads_an_id_as_show_does_and_names_a_retired_ones_successor(run, kb_dir):
    """Only the exact id was a lookup: `Disk-Full` and `recur://patterns/disk-full` proposed a record, and a retired
    pattern's id a record linked to its successor."""
    for given in ("Disk-Full", "recur://patterns/disk-full"):
        last = run("suggest", given).stdout.rstrip().splitlines()[-1]
        assert (
            last
            == "disk-full is a pattern's id: a lookup, nothing to record (recur show disk-full prints the pattern)."
        )
    retired = next((kb_dir / "patterns").rglob("old-retired.md"))
    retired.write_text(
        retired.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: dns-failure\n")
    )
    r = run("suggest", "old-retired")
    assert "recur incident new" not in r.stdout, r.stdout
    assert r.stdout.rstrip().splitlines()[-1] == (
        "old-retired is a retired pattern's id: a lookup, nothing to record; superseded by 'dns-failure' "
        "(recur show dns-failure prints it)."
    )


def test_text_with_a_slash_is_no_pattern_file_to_show_and_suggest(run):
    """Found in review: a text with a "/" was read as a pattern's file by its last segment: `recur show "disk full
    on /var/lib"` said "no pattern with id 'lib'", "… on /dns" offered dns-failure, a folder's path (`capacity/`)
    was id `capacity`, and `recur suggest "no space on /mnt/disk-full"` took the text for a lookup of disk-full and
    proposed no record. A path is read only with no white space in it, and an unknown one is named as given."""
    shown = run("show", "disk full on /var/lib")
    assert shown.exit_code == 1 and "no pattern with id 'disk full on /var/lib'" in shown.output, shown.output
    assert "'dns-failure'" not in run("show", "disk full on /dns").output
    folder = run("show", "capacity/").output
    assert "no pattern with id 'capacity/'" in folder, folder
    misspelt = run("show", "capacity/disk-ful").output
    assert "no pattern with id 'capacity/disk-ful'" in misspelt and "did you mean 'disk-full'" in misspelt, misspelt
    last = run("suggest", "no space on /mnt/disk-full").stdout.rstrip().splitlines()[-1]
    assert "a lookup" not in last and "recur incident new" in last, last
    last = run("suggest", "patterns/capacity/disk-full.md").stdout.rstrip().splitlines()[-1]
    assert last.startswith("disk-full is a pattern's id: a lookup"), last


def test_show_builds_no_index_and_loads_no_model(kb_dir, tmp_path):
    """`recur show ID` opened the whole Engine to print one pattern: with no index it built one (12.8 s on 60
    patterns), and it loaded the model, faiss and bm25s each time (1-3 s). It reads the KB's files now, builds
    nothing, and imports none of them; stdout is the pattern's JSON, the note on stderr."""
    code = (
        "import sys\n"
        "from recur.cli.main import cli\n"
        "try:\n"
        "    cli(['show', 'disk-full', '--json'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = ('torch', 'onnxruntime', 'sentence_transformers', 'faiss', 'bm25s', 'numpy')\n"
        "print('loaded:', [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    env = {**os.environ, "RECUR_KB": str(kb_dir), "RECUR_INDEX": str(tmp_path / "index"), "RECUR_MODEL": "fake:64"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["id"] == "disk-full"
    assert "loaded: []" in r.stderr.splitlines(), r.stderr
    assert (
        f"note: read from the knowledge base at {kb_dir}, not the index at {tmp_path / 'index'} (there is none yet)"
        in r.stderr
    )
    assert not (tmp_path / "index").exists()


def test_show_shows_a_pattern_as_edited_and_leaves_the_index_as_it_was(run, kb_dir, tmp_path):
    """An author who edits a pattern sees the edit at once; the index is not rebuilt for it (`recur show` updated
    it first), and its look-alikes are those of the index as last built, said on stderr."""
    from recur.retrieval import index as index_mod

    assert run("index").exit_code == 0
    built = index_mod.read_manifest(tmp_path / "index")
    was = json.loads(run("show", "disk-full", "--json").stdout)
    path = kb_dir / "patterns/capacity/disk-full.md"
    assert "Disk full on a host" in path.read_text()
    path.write_text(path.read_text().replace("Disk full on a host", "Disk filled up on a host", 1))
    r = run("show", "disk-full")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "Disk filled up on a host  (disk-full · sev2 · capacity)"
    assert "its look-alikes are as last built (recur index brings them up to date)" in r.stderr, r.stderr
    now = json.loads(run("show", "disk-full", "--json").stdout)
    assert now["title"] == "Disk filled up on a host" and now["look_alikes"] == was["look_alikes"]
    assert index_mod.read_manifest(tmp_path / "index") == built


def test_show_answers_from_an_index_without_its_kb(run, kb_dir, tmp_path):
    """An index-only deployment (no KB folder): answered from the index as built, with a warning, as before."""
    import shutil

    assert run("index").exit_code == 0
    was = run("show", "disk-full", "--json").stdout
    shutil.rmtree(kb_dir)
    r = run("show", "disk-full", "--json")
    assert r.exit_code == 0 and r.stdout == was, r.output
    assert f"warning: no knowledge base at {kb_dir}; answering from the index at" in r.stderr
    r = run("show", "disk-ful")
    assert r.exit_code == 1 and "no pattern with id 'disk-ful' in the index (did you mean 'disk-full'?)" in r.stderr


def test_a_misspelt_kb_answered_from_another_kbs_index_names_that_kb(run, kb_dir, monkeypatch):
    """Found in a CLI review: `recur suggest --kb kbb disk` (no such folder) and `RECUR_KB=/nope/kb recur show
    disk-full` answered in full, exit 0, from the index built for kb, with "no knowledge base at kbb; answering
    from the index at .recur/index as it was built": nothing named the KB the answer came from. Answering from
    an index without its KB is an index-only deployment's (kept); the warning names the KB the index was built
    from, and, that folder being there, how to search it as it is now."""
    assert run("index").exit_code == 0
    typo = kb_dir.parent / "kbb"
    said = f"answering from the index at {kb_dir.parent / 'index'} as it was built from {kb_dir}"
    r = run("suggest", "--kb", str(typo), "--top", "1", "disk full")
    assert r.exit_code == 0 and "disk-full" in r.stdout, r.output
    assert f"warning: no knowledge base at {typo}; {said} (--kb {kb_dir} searches it as it is now)" in r.stderr
    monkeypatch.setenv("RECUR_KB", str(typo))
    r = run("show", "disk-full")
    assert r.exit_code == 0 and f"warning: no knowledge base at {typo}; {said} (" in r.stderr, r.output


def test_show_names_the_error_of_an_incident_file_left_out(run, kb_dir):
    """An incident whose file has errors (outside its year folder, a bad severity) was "no incident with id …
    (did you mean …)"; its file's error is named now."""
    from kbfactory import write

    write(
        kb_dir,
        "incidents/INC-2026-0903.md",
        "---\nid: INC-2026-0903\ntitle: Ledger export stalls\n"
        "date: 2026-04-01\nseverity: sev3\n---\n\n## Summary\n\nx\n",
    )
    write(
        kb_dir,
        "incidents/2026/INC-2026-0904.md",
        "---\nid: INC-2026-0904\ntitle: Ledger import stalls\n"
        "date: 2026-04-01\nseverity: sev9\n---\n\n## Summary\n\nx\n",
    )
    for iid, said in (("INC-2026-0903", "incidents live in incidents/<year>/<id>.md"), ("inc-2026-0904", "sev9")):
        r = run("show", iid)
        assert r.exit_code == 1 and "Traceback" not in r.output, r.output
        assert f"Error: {iid.upper()} has errors recur check reports (" in r.stderr and said in r.stderr, r.stderr
        assert "did you mean" not in r.stderr


def test_paths_marks_draft_and_retired_steps_and_folds_case(run, kb_dir):
    """`recur paths ID` did not mark a draft or retired step as the site does; `First-Week` was no path."""
    for name, status in (("dns-failure", "draft"), ("db-pool-exhausted", "retired")):
        f = next((kb_dir / "patterns").rglob(f"{name}.md"))
        f.write_text(f.read_text().replace("\nseverity:", f"\nstatus: {status}\nseverity:", 1))
    r = run("paths", "First-Week")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "1. db-pool-exhausted: Database connection pool exhausted (retired: kept for history)" in lines, lines
    assert "2. dns-failure: DNS resolution failure (draft: still being written)" in lines, lines
    steps = json.loads(run("paths", "first-week", "--json").stdout)["steps"]
    assert [s["status"] for s in steps] == ["retired", "draft"]


def test_show_says_why_it_did_not_read_the_index_and_takes_no_look_alikes_from_another_kbs(run, kb_dir, tmp_path):
    """Found in review: `recur show` with another KB's index said "the knowledge base changed since it was built"
    and showed that KB's look-alikes (of another pattern of the same id); a damaged manifest.json was "there is
    none yet", a damaged docs.json "this recur cannot read it as it is". The reasons are index.py's now, and
    another KB's index is no index here."""
    from kbfactory import small_kb

    assert run("index").exit_code == 0
    other = small_kb(tmp_path / "other")
    path = other / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("Disk full on a host", "Inode table full", 1))
    r = run("show", "disk-full", "--json", "--kb", str(other))
    assert r.exit_code == 0, r.output
    index = tmp_path / "index"
    why = f"(it was built for the knowledge base at {kb_dir.resolve()}; give each KB its own --index)"
    assert f"not the index at {index} {why}: its look-alikes by meaning are left out" in r.stderr, r.stderr
    alone = run("show", "disk-full", "--json", "--kb", str(other), "--index", str(tmp_path / "none"))
    assert json.loads(r.stdout)["look_alikes"] == json.loads(alone.stdout)["look_alikes"]

    docs = index / "docs.json"
    docs.write_bytes(docs.read_bytes() + b" ")  # not what its build wrote: a rebuild swapping it, or damage
    assert f"not the index at {index} (it is damaged or being rebuilt)" in run("show", "disk-full").stderr
    (index / "manifest.json").write_text("{")
    said = run("show", "disk-full").stderr
    assert f"not the index at {index} (it has a manifest.json that cannot be read: " in said, said


SUGGEST_JS = Path(__file__).resolve().parents[1] / "site_config" / "assets" / "recur-suggest.js"


def _js_constant(name: str) -> str:
    """The literal a `var NAME = …;` line of recur-suggest.js gives (the box's copy of a Python constant)."""
    found = re.search(rf"^  var {name} = (.+?);(?:\s*/\*.*\*/)?$", SUGGEST_JS.read_text(encoding="utf-8"), re.M)
    assert found, f"recur-suggest.js has no `var {name} = …;` line"
    return found.group(1)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_boxs_copies_of_the_terminals_rules_agree(tmp_path):
    """recur-suggest.js keeps its own NEWCOMER, NOTHING_ABOUT_IT, QUESTION_HELP and WHY_TEXT_CHARS (a classic script,
    no import of Python's); found in review, no test compared them, and the newcomer rule read "néstart" as a
    newcomer's "start" in the browser (JavaScript's \\b is ASCII) and not in the terminal."""
    from recur.cli.render import NEWCOMER, NOTHING_ABOUT_IT
    from recur.retrieval.results import QUESTION_HELP, question_help
    from recur.retrieval.search import WHY_TEXT_CHARS

    texts = ["where do I start", "new on call", "Neuling: néstart?", "caféstart", "onboarding_x", "first week here",
             "restart the pod", "news", "Начало start", "startup", "begin", "x2start", "ſtart now"]  # fmt: skip
    script = f"const re = {_js_constant('NEWCOMER')};\nconsole.log(JSON.stringify({json.dumps(texts)}.map(t => re.test(t))));"
    (tmp_path / "n.mjs").write_text(script)
    run = subprocess.run(["node", "n.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [bool(NEWCOMER.search(t)) for t in texts]
    assert json.loads(_js_constant("NOTHING_ABOUT_IT")) == NOTHING_ABOUT_IT
    # what a question that is no incident is told: the terminal's, Slack's and MCP's words (results.question_help),
    # the box's with its two places to start (tests/test_not_a_failure.py reads them in Chromium)
    assert json.loads(_js_constant("QUESTION_HELP")) == QUESTION_HELP
    box = question_help("this box", "the onboarding paths", "the glossary (what this site\u2019s words mean)")
    assert box == (
        "If it is a question (access to a tool, who does what), this box has no answer: it knows failure patterns "
        "only. Ask your team; the onboarding paths and the glossary (what this site\u2019s words mean) are where a "
        "new hire starts."
    )
    assert int(_js_constant("WHY_TEXT_CHARS")) == WHY_TEXT_CHARS
