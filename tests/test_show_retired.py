"""`recur show RETIRED-ID` exited 1, "pattern 'x' is retired …", as the API's 404 says it: a maintainer of a
two-year-old KB, or a responder following an old incident's link, saw no pattern and no way on. The index leaves
retired patterns out of search; a lookup by id is no search. It now prints the pattern from its file, its first
line saying where to go now, as the site's page says it ("Retired: superseded by …"), exit 0, text and --json."""

from __future__ import annotations

import json


def _supersede(kb_dir, by: str | None) -> None:
    retired = next((kb_dir / "patterns").rglob("old-retired.md"))
    extra = f"superseded_by: {by}\n" if by else ""
    retired.write_text(retired.read_text().replace("status: retired\n", f"status: retired\n{extra}"))


def test_show_of_a_retired_pattern_prints_it_with_its_successor(run, kb_dir):
    _supersede(kb_dir, "dns-failure")
    for _ in range(2):  # no index yet (read from the KB), then the index built and fresh (read from it)
        r = run("show", "old-retired")
        assert r.exit_code == 0, r.output
        first = r.stdout.splitlines()[0]
        assert first.startswith("Retired: superseded by dns-failure (recur show dns-failure)."), r.stdout
        assert "Retired pattern about deploys" in r.stdout and "deploy broke everything" in r.stdout
        assert "patterns/deploys/old-retired.md" in r.stdout
        run("index")


def test_show_json_of_a_retired_pattern_keeps_the_keys_and_adds_superseded_by(run, kb_dir):
    _supersede(kb_dir, "dns-failure")
    active = json.loads(run("show", "disk-full", "--json").stdout)
    r = run("show", "old-retired", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["status"] == "retired" and doc["superseded_by"] == ["dns-failure"]
    assert set(active) <= set(doc), set(active) - set(doc)


def test_show_of_a_retired_pattern_nothing_replaced(run, kb_dir):
    r = run("show", "old-retired")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0].startswith("Retired; nothing replaced it."), r.stdout
    assert json.loads(run("show", "old-retired", "--json").stdout)["superseded_by"] == []


def test_show_of_a_retired_pattern_says_its_successors_cover_the_failure(run, kb_dir):
    """Found in a re-read: `recur show` of a renamed or split pattern said "Retired: superseded by X (…). This
    failure mode should no longer happen", where the failure goes on under X, as the API and MCP say ("ask for X,
    which covers this failure now"); with none, as before."""
    _supersede(kb_dir, "dns-failure")
    first = run("show", "old-retired").stdout.splitlines()[0]
    assert (
        first
        == "Retired: superseded by dns-failure (recur show dns-failure). It covers this failure now; kept for history."
    )
    _supersede(kb_dir, None)
    retired = next((kb_dir / "patterns").rglob("old-retired.md"))
    retired.write_text(
        retired.read_text().replace("superseded_by: dns-failure\n", "superseded_by: [dns-failure, disk-full]\n")
    )
    assert (
        run("show", "old-retired").stdout.splitlines()[0].endswith(". They cover this failure now; kept for history.")
    )
