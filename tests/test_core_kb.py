"""The loader: typed records, defaults from the severity framework, tolerant of extensions."""

import datetime as dt
import re
import shutil
from pathlib import Path

from kbfactory import pattern_text, small_kb, write

from recur.kb.check import run_checks
from recur.kb.loader import display_path, load_kb


def test_small_kb_loads_everything(kb_dir):
    kb = load_kb(kb_dir)
    assert not kb.errors, kb.errors
    assert sorted(kb.patterns) == ["db-pool-exhausted", "disk-full", "dns-failure", "old-retired"]
    p = kb.patterns["db-pool-exhausted"]
    assert p.title == "Database connection pool exhausted"
    assert p.runbook == ["Run `kubectl get pods -n prod` and look for restarts."]
    assert p.evidence == ["`kubectl logs --previous` of a crashed pod"]
    assert p.signals[0] == "FATAL: sorry, too many clients already"
    assert p.line("related") == 12
    assert [s.pattern for s in kb.paths["first-week"].steps] == ["db-pool-exhausted", "dns-failure"]
    assert [c.expect for c in kb.cases] == [["db-pool-exhausted"], ["disk-full"]]
    assert [p.id for p in kb.active_patterns()].count("old-retired") == 0


def test_incident_review_defaults_come_from_severity(kb_dir):
    kb = load_kb(kb_dir)
    inc = kb.incidents["INC-2026-0001"]  # sev2: full review within 10 days
    assert inc.review.level == "full" and inc.review.status == "pending"
    assert inc.review.due == dt.date(2026, 3, 12)
    assert inc.flags[0].text.startswith("restored by restarting") and inc.flags[0].status == "open"
    assert kb.incidents_for("db-pool-exhausted") == [inc]


def test_custom_severity_framework_and_timestamps(tmp_path):
    root = tmp_path / "kb"
    write(
        root,
        "severity.yml",
        "levels:\n  P1: {name: Page, review: full, review_within_days: 3}\n  P2: {name: Ticket, review: none}\n",
    )
    write(root, "patterns/x/a-b.md", pattern_text("a-b", "x", severity="P1"))
    write(
        root,
        "incidents/2026/I-1.md",
        "---\nid: I-1\ntitle: t\ndate: 2026-03-01T23:05:00Z\nseverity: P2\n"
        "flags:\n  - {text: heap dump lost, status: done}\n---\n\n## Summary\nx\n",
    )
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    inc = kb.incidents["I-1"]
    assert inc.date == dt.date(2026, 3, 1)
    assert inc.review.level == "none" and inc.review.status == "done" and inc.review.due is None
    assert inc.flags[0].status == "done"


def test_a_severity_by_its_number_or_priority_is_said_with_the_level_meant(tmp_path):
    """Found by a first-time pattern author: `recur new pattern --severity 2` records sev2, but
    `severity: 2` (or P2) in the file was "unknown severity" with no did-you-mean. The level is the
    framework's (severity.yml) of that number: a framework of other keys is said its own; one without
    numbers, or no level of that number, gets no hint."""
    root = tmp_path / "kb"
    for n, written in enumerate(("2", "P2", "'severity 2'", "9")):
        write(root, f"patterns/capacity/s{n}.md", pattern_text(f"s{n}", severity=written))
    said = {Path(p.path).stem: p.message for p in load_kb(root).errors}
    framework = "the framework has sev1, sev2, sev3, sev4"
    assert said == {
        "s0": f"unknown severity '2' (did you mean sev2?); {framework}",
        "s1": f"unknown severity 'P2' (did you mean sev2?); {framework}",
        "s2": f"unknown severity 'severity 2' (did you mean sev2?); {framework}",
        "s3": f"unknown severity '9'; {framework}",
    }
    write(root, "severity.yml", "levels:\n  SEV-1: {name: Page, review: none}\n  SEV-2: {name: Ticket, review: none}\n")
    said = {Path(p.path).stem: p.message for p in load_kb(root).errors}
    assert said["s0"] == "unknown severity '2' (did you mean SEV-2?); the framework has SEV-1, SEV-2"
    write(root, "severity.yml", "levels:\n  page: {name: Page, review: none}\n  ticket: {name: Ticket, review: none}\n")
    said = {Path(p.path).stem: p.message for p in load_kb(root).errors}
    assert said["s0"] == "unknown severity '2'; the framework has page, ticket"


def test_unknown_keys_are_kept_and_warned(tmp_path):
    root = tmp_path / "kb"
    write(root, "patterns/capacity/a.md", pattern_text("a", extra_front="team_slack: '#sre'"))
    kb = load_kb(root)
    assert kb.patterns["a"].extra == {"team_slack": "#sre"}
    problems = [str(p) for p in run_checks(kb, lint=False)]
    assert any("a.md:" in p and "team_slack: warning: unknown key" in p for p in problems), problems


def test_pattern_with_errors_is_left_out_but_others_load(tmp_path):
    root = tmp_path / "kb"
    write(root, "patterns/capacity/good.md", pattern_text("good"))
    write(root, "patterns/capacity/bad.md", pattern_text("bad", severity="sev9"))
    kb = load_kb(root)
    assert list(kb.patterns) == ["good"]
    assert any(p.field == "severity" and "sev9" in p.message for p in kb.errors)


def test_draft_may_omit_root_cause_but_active_may_not(tmp_path):
    root = tmp_path / "kb"
    write(root, "patterns/capacity/d.md", pattern_text("d", status="draft", root_cause=None))
    write(root, "patterns/capacity/e.md", pattern_text("e", root_cause=None))
    kb = load_kb(root)
    assert "d" in kb.patterns and "e" not in kb.patterns
    assert [(p.field, p.message) for p in kb.errors] == [
        (
            "## Root cause",
            "required section is missing: write what made it fail under '## Root cause'; while the cause is not known, "
            "make the pattern status: draft, which may leave it out",
        )
    ]


def test_a_pattern_listed_twice_by_an_incident_is_a_warning(kb_dir):
    path = kb_dir / "incidents/2026/INC-2026-0001.md"
    path.write_text(
        path.read_text().replace("patterns: [db-pool-exhausted]", "patterns: [db-pool-exhausted, db-pool-exhausted]")
    )
    kb = load_kb(kb_dir)
    found = [str(p) for p in run_checks(kb) if "listed twice" in p.message]
    assert found == [
        f"{kb.incident_files['INC-2026-0001'][0]}:6: patterns[1]: warning: 'db-pool-exhausted' is listed twice"
    ]


def test_a_misspelt_required_section_is_named_at_its_heading(tmp_path):
    # "## Runbok" was reported as "## Runbook: required section is missing" at the end of the file,
    # with nothing pointing at the heading that was meant
    root = tmp_path / "kb"
    text = pattern_text("d").replace("## Runbook", "## Runbok")
    write(root, "patterns/capacity/d.md", text)
    kb = load_kb(root)
    line = text.splitlines().index("## Runbok") + 1
    assert [(p.line, p.field, p.message) for p in kb.errors] == [
        (line, "## Runbook", "required section is missing: write '## Runbok' as '## Runbook'")
    ]


def test_a_misspelt_optional_section_is_a_warning_at_its_heading(tmp_path):
    # "## Detecton" and "## Permanent Fix" were kept as unknown sections without a word: their text
    # never reached the pattern's detection or permanent fix
    root = tmp_path / "kb"
    text = pattern_text("d") + "\n## Detecton\nAlert on it.\n\n## Permanent Fix\nFix it.\n\n## Timeline notes\nx\n"
    write(root, "patterns/capacity/d.md", text)
    kb = load_kb(root)
    lines = text.splitlines()
    found = [(p.line, p.field, p.message, p.level) for p in kb.problems]
    assert found == [
        (
            lines.index("## Permanent Fix") + 1,
            "## Permanent Fix",
            "not a section Recur reads, so its text is not used as '## Permanent fix': write it as '## Permanent fix'",
            "warning",
        ),
        (
            lines.index("## Detecton") + 1,
            "## Detecton",
            "not a section Recur reads, so its text is not used as '## Detection': write it as '## Detection'",
            "warning",
        ),
    ]
    assert "d" in kb.patterns  # a warning: the pattern still loads


def test_a_section_name_is_never_taken_for_another(tmp_path):
    root = tmp_path / "kb"
    text = pattern_text("d", root_cause=None) + "\n## Detection\nAlert on it.\n"
    write(root, "patterns/capacity/d.md", text)
    kb = load_kb(root)
    assert [(p.field, p.message) for p in kb.problems] == [
        (
            "## Root cause",
            "required section is missing: write what made it fail under '## Root cause'; while the cause is not known, "
            "make the pattern status: draft, which may leave it out",
        )
    ]


def test_a_required_section_at_another_heading_level_is_named_at_its_line(tmp_path):
    # "### Runbook" was "required section is missing" at the end of the file; a "### Runbook" in a
    # code block is code, not a heading
    root = tmp_path / "kb"
    text = pattern_text("d").replace("## Runbook", "```\n### Runbook\n```\n\n### Runbook")
    write(root, "patterns/capacity/d.md", text)
    kb = load_kb(root)
    line = text.splitlines().index("### Runbook", text.splitlines().index("```") + 3) + 1
    assert [(p.line, p.field, p.message) for p in kb.errors] == [
        (line, "## Runbook", "required section is missing: '### Runbook' is a heading of another level; "
         "write it as '## Runbook'")
    ]  # fmt: skip


def test_a_list_section_is_read_as_commonmark_reads_it_with_the_text_around_the_list_apart():
    """A line at the margin after a blank line ends the item (it was taken as a lazy continuation of
    it); the text before the first item and after the last is no item; indented lines stay in it."""
    from recur.kb.parse import list_parts

    text = "Intro.\n\n1. a\nlazy\n2. b\n\n   indented\n\nBetween.\n\n3. c\n\nOutro.\n"
    parts = list_parts(text, numbered=True)
    assert parts.intro == "Intro." and parts.outro == "Outro."
    # text between two items stays with the item above: apart, the site would number the rest from 1
    assert parts.items == ["a lazy", "b\n\nindented\n\nBetween.", "c"]
    assert parts.stray == []


def test_an_id_with_a_look_alike_character_names_it(tmp_path):
    # "inode‑exhaustion" with U+2011 printed the same as the valid id: the error looked wrong
    root = tmp_path / "kb"
    write(root, "patterns/capacity/d.md", pattern_text("d", related=("inode\u2011exhaustion",)))
    kb = load_kb(root)
    assert [p.message for p in kb.errors] == [
        "must be a kebab-case id (lowercase words joined by '-'), not 'inode\u2011exhaustion'; it holds "
        "U+2011 NON-BREAKING HYPHEN at position 6, not ASCII: type it again"
    ]


def test_a_pattern_file_in_the_wrong_place_or_named_md_in_capitals_holds_its_id(tmp_path):
    """Found in review: a pattern moved a folder too deep, or named disk-full.MD, was one error of its
    own and then "no pattern has id 'disk-full'" in every record naming it."""
    root = tmp_path / "kb"
    write(root, "patterns/capacity/sub/deep.md", pattern_text("deep"))
    write(root, "patterns/capacity/caps.MD", pattern_text("caps"))
    write(root, "patterns/capacity/user.md", pattern_text("user", related=("deep", "caps", "gone")))
    kb = load_kb(root)
    found = sorted((Path(p.path).name, p.field, p.message) for p in run_checks(kb) if p.is_error)
    home = display_path(root / "patterns/capacity/deep.md")  # its category's folder
    assert found == [
        ("caps.MD", "file", "name it caps.md: only .md files are read"),
        ("deep.md", "file", f"patterns live in patterns/<category>/<id>.md: move it to {home}"),
        (
            "user.md",
            "related[2]",
            "no pattern has id 'gone': take it out, or write that pattern first (recur new pattern --id gone)",
        ),
    ]


def test_a_misplaced_pattern_is_told_one_place_named_for_its_id(tmp_path):
    # found in review: patterns/foo.md writing id: disk-full-x was told "move it to kb/patterns/capacity/foo.md"
    # and "write id: foo, or rename the file kb/patterns/disk-full-x.md": neither its place
    root = tmp_path / "kb"
    write(root, "patterns/foo.md", pattern_text("disk-full-x"))
    write(root, "patterns/Bad_Name.md", pattern_text("not an id!"))  # an id that is none: its own file name kept
    broken = re.sub(r"(?m)^title: .*$", "title: [unclosed", pattern_text("broken-one"))
    write(root, "patterns/other.md", broken)  # YAML that does not parse: its id: and category: lines as written
    found = {(Path(p.path).name, p.field): p.message for p in run_checks(load_kb(root)) if p.is_error}
    home = display_path(root / "patterns/capacity/disk-full-x.md")
    assert found["foo.md", "file"] == f"patterns live in patterns/<category>/<id>.md: move it to {home}", found
    assert found["foo.md", "id"].endswith(f"write id: foo, or rename the file {home}"), found
    bad = display_path(root / "patterns/capacity/Bad_Name.md")
    assert found["Bad_Name.md", "file"] == f"patterns live in patterns/<category>/<id>.md: move it to {bad}", found
    other = display_path(root / "patterns/capacity/broken-one.md")
    assert found["other.md", "file"] == f"patterns live in patterns/<category>/<id>.md: move it to {other}", found


def test_a_heading_of_its_own_is_not_taken_for_a_misspelt_section(tmp_path):
    # found in review: difflib's ratio (0.8) took "Detection gap", "Detector", "Deflection",
    # "Re-detection" and "Preferences" for Detection and References, warnings that failed --strict
    root = tmp_path / "kb"
    own = ("Detection gap", "Detector", "Deflection", "Re-detection", "Preferences")
    write(root, "patterns/capacity/d.md", pattern_text("d") + "".join(f"\n## {h}\nText.\n" for h in own))
    kb = load_kb(root)
    assert kb.problems == [] and "d" in kb.patterns


def test_a_misplaced_copy_of_a_pattern_is_no_duplicate_of_the_right_one(tmp_path):
    # found in review: holding the misplaced file's id made the right file "duplicate pattern id"
    root = tmp_path / "kb"
    write(root, "patterns/capacity/d.md", pattern_text("d"))
    write(root, "patterns/capacity/old/d.md", pattern_text("d"))
    kb = load_kb(root)
    found = [(Path(p.path).as_posix().split("/kb/")[-1], p.message) for p in run_checks(kb) if p.is_error]
    home = display_path(root / "patterns/capacity/d.md")  # where it goes has that file already
    said = f"patterns live in patterns/<category>/<id>.md: {home} is there already; merge the two"
    assert found == [("patterns/capacity/old/d.md", said)]
    assert "d" in kb.patterns


def test_a_pattern_file_in_the_wrong_folder_has_its_content_checked_too(tmp_path):
    """Found by a first-time pattern author: patterns/chargeback-spike.md (no category folder) was only
    "patterns live in patterns/<category>/<id>.md"; its YAML error, its field errors and its dead link
    were each said a run after it was moved. All of them are said now, and where it goes by its category:
    as its front matter gives it, or as its category: line writes it when that front matter does not parse."""
    root = tmp_path / "kb"
    write(root, "patterns/capacity/d.md", pattern_text("d"))
    broken = pattern_text("yaml-broken", "security", extra_front="owner: @risk-team")
    write(root, "patterns/yaml-broken.md", broken + "\nSee [webhook](webhook-fails).\n")
    write(root, "patterns/fields.md", pattern_text("fields", "security", severity="sev9", related=("gone",)))
    kb = load_kb(root, keep_texts=True)
    found = sorted(
        (Path(p.path).name, p.field, p.message.split(":")[0]) for p in run_checks(kb) if p.is_error or p.field == "link"
    )
    place = "patterns live in patterns/<category>/<id>.md"
    assert found == [
        ("fields.md", "file", place),
        ("fields.md", "related[0]", "no pattern has id 'gone'"),
        ("fields.md", "severity", "unknown severity 'sev9'; the framework has sev1, sev2, sev3, sev4"),
        ("yaml-broken.md", "file", place),
        ("yaml-broken.md", "link", "'webhook-fails' is not a page or an image of the site"),
        ("yaml-broken.md", "owner", "YAML does not parse"),
    ]
    moves = {Path(p.path).name: p.message.split(": ", 1)[1] for p in kb.problems if p.field == "file"}
    assert moves == {
        "fields.md": f"move it to {display_path(root / 'patterns/security/fields.md')}",
        "yaml-broken.md": f"move it to {display_path(root / 'patterns/security/yaml-broken.md')}",
    }
    assert sorted(kb.patterns) == ["d"]  # left out all the same


def test_an_incident_saved_in_patterns_is_one_error_not_two(tmp_path):
    root = tmp_path / "kb"
    write(root, "patterns/capacity/d.md", pattern_text("d"))
    write(root, "patterns/INC-2026-0001.md", "---\nid: INC-2026-0001\ntitle: T\ndate: 2026-03-02\n---\n\nx\n")
    kb = load_kb(root)
    assert [p.message.split(":")[0] for p in kb.errors] == [
        "an incident record (it has a date, and no category or symptoms) in patterns/"
    ]


def _required_errors(tmp_path, old: str, new: str) -> tuple[list, int]:
    root = tmp_path / "kb"
    text = pattern_text("d").replace(old, new)
    write(root, "patterns/capacity/d.md", text)
    kb = load_kb(root)
    return [(p.line, p.field, p.message) for p in kb.errors], text.splitlines().index(new) + 1


def test_a_required_section_with_its_words_joined_split_or_followed_is_named_at_its_heading(tmp_path):
    # found by a team writing its first KB: "## Run book", "## Runbook steps" and "## Rootcause" were
    # "required section is missing" at the file's last line, with no heading named (the words had
    # to be as many as the name's)
    cases = [
        ("## Runbook", "## Run book", "## Runbook"),
        ("## Runbook", "## Runbook steps", "## Runbook"),
        ("## Runbook", "## Run-book steps", "## Runbook"),
        ("## Root cause", "## Rootcause", "## Root cause"),
        ("## Root cause", "## Root-cause analysis", "## Root cause"),
        ("## Summary", "## Summary of impact", "## Summary"),
    ]
    for old, new, field in cases:
        found, line = _required_errors(tmp_path / new.strip("# "), old, new)
        assert found == [(line, field, f"required section is missing: write '{new}' as '{field}'")], new


def test_a_longer_sections_first_word_alone_or_its_words_joined_is_a_warning_at_its_heading(tmp_path):
    # "## Evidence" passed `check --strict`, and the loader then had no evidence for the pattern
    root = tmp_path / "kb"
    text = pattern_text("d", evidence=()) + "\n## Evidence\n- the heap dump\n\n## Permanent-fix\nFix it.\n"
    write(root, "patterns/capacity/d.md", text)
    kb = load_kb(root)
    lines = text.splitlines()
    found = [(p.line, p.field, p.message, p.level) for p in kb.problems]
    want = [("## Evidence", "Evidence to preserve"), ("## Permanent-fix", "Permanent fix")]
    assert found == [
        (
            lines.index(heading) + 1,
            heading,
            f"not a section Recur reads, so its text is not used as '## {name}': write it as '## {name}'",
            "warning",
        )
        for heading, name in want
    ]


def test_headings_of_their_own_beside_the_sections_they_start_like_are_left_alone(tmp_path):
    # a name followed by more words is only taken for a required section that is missing: beside
    # the section, or for an optional one ("Detection gap"), it is a heading of the author's
    root = tmp_path / "kb"
    own = ("Runbook history", "Root cause analysis", "Evidence", "Detection gap", "References 2", "Summary table")
    write(root, "patterns/capacity/d.md", pattern_text("d") + "".join(f"\n## {h}\nText.\n" for h in own))
    kb = load_kb(root)
    assert kb.problems == [] and "d" in kb.patterns


def _unread_found(kb) -> list:
    return sorted((p.path.split("/kb/")[-1], p.level, p.message.split(" (recur reads")[0]) for p in run_checks(kb))


def test_records_in_a_misspelt_kb_folder_are_errors_naming_the_folder_meant(tmp_path):
    # found by a team writing its first KB: kb/pattern/… and kb/incident/… were never read, without a word
    root = small_kb(tmp_path / "kb")
    write(root, "pattern/capacity/webhook-storm.md", pattern_text("webhook-storm"))
    inc = (root / "incidents/2026/INC-2026-0001.md").read_text().replace("INC-2026-0001", "INC-2026-0009")
    write(root, "incident/2026/INC-2026-0009.md", inc)
    write(root, "Paths/oncall.yml", "title: On call\nsteps: []\n")
    write(root, "patterns/capacity/user.md", pattern_text("user", signals=("ERR_USER",), related=("webhook-storm",)))
    kb = load_kb(root)
    assert "webhook-storm" not in kb.patterns and "INC-2026-0009" not in kb.incidents
    assert _unread_found(kb) == [
        ("Paths/oncall.yml", "error", "not read: Paths/ is no folder of the knowledge base; did you mean paths/oncall.yml?"),
        ("incident/2026/INC-2026-0009.md", "error", "not read: incident/ is no folder of the knowledge base; "
         "did you mean incidents/2026/INC-2026-0009.md?"),
        ("pattern/capacity/webhook-storm.md", "error", "not read: pattern/ is no folder of the knowledge base; "
         "did you mean patterns/capacity/webhook-storm.md?"),
    ]  # fmt: skip
    # its one error, not "no pattern has id 'webhook-storm'" in every file naming it too


def test_files_at_the_kb_root_but_its_own_and_a_readme_are_named(tmp_path):
    root = small_kb(tmp_path / "kb")
    write(root, "README.md", "# Our KB\nSee CONTRIBUTING.md.\n")  # the folder's readme on GitHub: left alone
    write(root, "recur.yml", "format: 1\n")
    write(root, ".notes.md", "hidden: an editor's file\n")
    write(root, "graph.png", "not a record")
    write(root, "recon-notes.md", pattern_text("recon-notes", "data"))
    write(root, "notes.md", "Things to write up.\n")
    write(root, "severity.yaml", "levels: {P1: {name: Page, review: none}}\n")
    write(root, "archive/old.md", "old notes\n")
    kb = load_kb(root)
    assert _unread_found(kb) == [
        ("archive/old.md", "warning", "not read: archive/ is no folder of the knowledge base"),
        ("notes.md", "warning", "not read: a file at the root of the knowledge base is no record"),
        ("recon-notes.md", "error", "not read: a file at the root of the knowledge base is no record; "
         "did you mean patterns/data/recon-notes.md?"),
        ("severity.yaml", "error", "not read: a file at the root of the knowledge base is no record; "
         "did you mean severity.yml?"),
    ]  # fmt: skip
    assert kb.problems[0].message.endswith(
        "(recur reads patterns/<category>/<id>.md, incidents/<year>/<id>.md, paths/<id>.yml, eval/cases.yml, "
        "severity.yml and recur.yml)"
    )


def test_a_kb_at_a_repository_root_leaves_the_repositorys_own_files_alone(tmp_path):
    """Found in review: `check --strict` failed on KBs that had passed it, for a CHANGELOG.md or
    CONTRIBUTING.md beside the KB's folders, and on a KB at a repository root (require_kb_root allows
    it) for mkdocs.yml, docker-compose.yml, docs/index.md and everything in node_modules/, which it
    walked whole. The repository's documents, other tools' YAML, its site and vendored folders and
    templates are left alone; an unknown folder is looked into two levels deep; a misspelt KB folder
    is still an error, and evals/ points at the one file read in eval/."""
    root = small_kb(tmp_path / "kb")  # the repository's root
    for rel in ("CHANGELOG.md", "CONTRIBUTING.md", "CODE_OF_CONDUCT.md", "ROADMAP.md", "docs/index.md",
                "site/index.md", "overrides/main.md", "node_modules/left-pad/CHANGELOG.md",
                "node_modules/a/b/c/d/notes.md", "vendor/lib/notes.md", "templates/pattern.md",
                "tools/a/b/notes.md", "archive/LICENSE.md"):  # fmt: skip
        write(root, rel, "# Notes\n")
    write(root, "pattern-template.md", pattern_text("my-pattern"))  # a template's front matter names a category
    for rel in ("LICENSE", "CODEOWNERS", "Makefile"):
        write(root, rel, "text\n")
    write(root, "mkdocs.yml", "site_name: KB\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
          "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")  # fmt: skip
    write(root, "docker-compose.yml", "services:\n  recur:\n    image: recur\n")
    write(root, "deploy/k8s.yml", "kind: Deployment\n")  # another tool's YAML in a folder of its own
    write(root, "tools/notes.md", "Things to write up.\n")  # Markdown in an unknown folder: still named
    write(root, "evals/extra.yml", "cases: []\n")
    write(root, "oncall.yml", "title: On call\nsteps:\n  - pattern: disk-full\n")
    write(root, "incident/2026/INC-2026-0009.md", "notes\n")
    kb = load_kb(root)
    assert _unread_found(kb) == [
        ("evals/extra.yml", "error", "not read: evals/ is no folder of the knowledge base; "
         "did you mean eval/cases.yml?"),
        ("incident/2026/INC-2026-0009.md", "error", "not read: incident/ is no folder of the knowledge base; "
         "did you mean incidents/2026/INC-2026-0009.md?"),
        ("oncall.yml", "error", "not read: a file at the root of the knowledge base is no record; "
         "did you mean paths/oncall.yml?"),
        ("tools/notes.md", "warning", "not read: tools/ is no folder of the knowledge base"),
    ]  # fmt: skip


def test_a_slip_of_eval_cases_yml_is_an_error_other_yaml_there_is_left_alone(tmp_path):
    """eval/cases.yaml (or Cases.yml; case.yml with no cases.yml) was never read and never named: `recur
    eval`, the case checks and tune's gate went without those cases. Another YAML file there is a team's
    own set for `recur eval --cases FILE`."""
    root = small_kb(tmp_path / "kb")
    kept = (root / "eval/cases.yml").read_text()
    (root / "eval/cases.yml").unlink()
    write(root, "eval/cases.yaml", "- query: disk is full\n  expect: [disk-full]\n")
    write(root, "eval/case.yml", "- query: disk is full\n  expect: [disk-full]\n")
    write(root, "eval/smoke.yml", "- query: disk is full\n  expect: [disk-full]\n")
    write(root, "eval/notes.md", "# How we measure\n")
    kb = load_kb(root)
    assert kb.cases == []
    assert _unread_found(kb) == [
        ("eval/case.yml", "error", "not read: recur reads one file in eval/; did you mean eval/cases.yml?"),
        ("eval/cases.yaml", "error", "not read: recur reads one file in eval/; did you mean eval/cases.yml?"),
    ]
    write(root, "eval/cases.yml", kept)
    write(root, "eval/cases2.yml", kept)  # a team's second set, for recur eval --cases (found in review)
    kb = load_kb(root)  # beside the real file, cases.yaml is still never read; case.yml may be a set of its own
    assert len(kb.cases) == 2 and [p[0] for p in _unread_found(kb)] == ["eval/cases.yaml"]


def test_the_projects_own_repository_with_its_kb_at_the_root_passes_check_strict(tmp_path):
    """This repository's own layout, with its KB moved to the root: every Markdown and YAML file of
    the project outside kb/ (README, CONTRIBUTING, mkdocs.yml, docs/, .github/, the starter KB and
    `recur init`'s templates deep in tools/) is named by no check."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    repo = Path(__file__).resolve().parents[1]
    root = tmp_path / "repo"
    shutil.copytree(repo / "kb", root)
    top = [p for p in repo.iterdir() if p.is_file()]
    inner = [p for d in ("docs", "bench", "site_config", "tests", "tools", ".github") for p in (repo / d).rglob("*")]
    copied = 0
    for path in top + inner:
        if path.suffix.lower() in (".md", ".markdown", ".yml", ".yaml") and "__pycache__" not in path.parts:
            (root / path.relative_to(repo)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / path.relative_to(repo))
            copied += 1
    assert copied >= 15 and (root / "mkdocs.yml").is_file() and (root / "docs" / "kb-format.md").is_file()
    r = CliRunner().invoke(cli, ["check", "--kb", str(root), "--strict"])
    assert r.exit_code == 0 and "warning:" not in r.output, r.output


def _problems(kb) -> list:
    return [(Path(p.path).as_posix().split("/kb/")[-1], p.line, p.field, p.message, p.level) for p in run_checks(kb)]


NO_SUCH_ID = (
    "no pattern has id 'no-such-id': take it out, or write that pattern first (recur new pattern --id no-such-id)"
)


def _second_copy(kb_dir) -> tuple:
    """A second disk-full, in patterns/data/, whose `related` names no pattern: the problem expected."""
    second = pattern_text("disk-full", "data", related=("no-such-id",))
    write(kb_dir, "patterns/data/disk-full.md", second)
    line = second.splitlines().index("related: [no-such-id]") + 1
    return ("patterns/data/disk-full.md", line, "related[0]", NO_SUCH_ID, "error")


def test_each_copy_of_a_duplicate_pattern_id_is_checked(kb_dir):
    # found in review: with both copies valid, the second was never checked, and its broken `related`
    # showed only once the duplicate was fixed
    want = _second_copy(kb_dir)
    found = _problems(load_kb(kb_dir))
    assert want in found, found
    assert [p[0] for p in found if p[2] == "id"] == ["patterns/capacity/disk-full.md", "patterns/data/disk-full.md"]


def test_a_duplicate_pattern_ids_problems_are_said_at_its_own_file(kb_dir):
    # found in review: the first copy had an error of its own, so the second was loaded; its broken
    # `related` was said at the first copy's file (the id's first file, not the record's), with a false
    # one-way warning on db-pool-exhausted, which the first copy does list back
    want = _second_copy(kb_dir)
    first = (kb_dir / "patterns/capacity/disk-full.md").read_text().replace("category: capacity", "category: data")
    write(kb_dir, "patterns/capacity/disk-full.md", first)
    found = _problems(load_kb(kb_dir))
    assert want in found, found
    assert not [p for p in found if p[0] == "patterns/capacity/disk-full.md" and p[2].startswith("related")], found
    assert not [p for p in found if "one-way" in p[3]], found


def test_each_copy_of_a_duplicate_incident_id_is_checked_at_its_own_file(kb_dir):
    text = (kb_dir / "incidents/2026/INC-2026-0001.md").read_text()
    write(kb_dir, "incidents/2027/INC-2026-0001.md", text.replace("[db-pool-exhausted]", "[no-such-id]"))
    found = _problems(load_kb(kb_dir))
    line = text.splitlines().index("patterns: [db-pool-exhausted]") + 1
    # an incident names patterns that were: the first error naming it says how a rename keeps it (check.py)
    renamed = "; if no-such-id was renamed, keep no-such-id.md as status: retired with superseded_by: <its new id>"
    renamed += ', so links and votes keep working ("Renaming a pattern" in the KB format reference: KB-FORMAT.md, or recur kb-format)'
    assert ("incidents/2027/INC-2026-0001.md", line, "patterns[0]", NO_SUCH_ID + renamed, "error") in found
    assert not [p for p in found if p[0] == "incidents/2026/INC-2026-0001.md" and p[2].startswith("patterns")]
    assert [p[0] for p in found if p[2] == "id"] == [
        "incidents/2026/INC-2026-0001.md",
        "incidents/2027/INC-2026-0001.md",
    ]


_OPENED: list = []  # while a test listens: the paths opened (an audit hook stays for the process, so it is one)


def _count_opens(event, args):
    if _OPENED and event == "open" and isinstance(args[0], (str, Path)):
        _OPENED.append(str(args[0]))


def _opened_in(root: Path, call):
    """(``call()``, the files under ``root`` it opened, KB-relative and sorted: one entry per open). The audit
    hook is added once per process (a second one would count every open twice)."""
    import sys

    if not getattr(_count_opens, "added", False):
        sys.addaudithook(_count_opens)
        _count_opens.added = True
    _OPENED.append(None)  # listening
    try:
        out = call()
    finally:
        opened, _OPENED[:] = _OPENED[1:], []
    return out, sorted(Path(p).resolve().relative_to(root.resolve()).as_posix() for p in opened if str(root) in p)


def test_load_kb_opens_each_file_once_and_keeps_the_content_digest(kb_dir):
    """load_kb read every pattern and incident file (and severity.yml) twice: once for the KB's content
    digest (what an index and a site record) and once to load it. It is read once, for both; the digest
    is what content_digest makes of the files read on their own, and nothing read is kept with the KB."""

    from recur.kb.loader import content_digest, files_signature

    write(kb_dir, "patterns/capacity/notes.txt", "not a record: read for the digest alone\n")
    kb, mine = _opened_in(kb_dir, lambda: load_kb(kb_dir))
    files = sorted(p.relative_to(kb_dir).as_posix() for p in kb_dir.rglob("*") if p.is_file())
    assert mine == files, mine  # each once: the records, severity.yml, the path, the cases, the other file
    assert len(kb.patterns) == 4 and len(kb.incidents) == 2 and not kb.errors
    assert kb.content == content_digest(kb_dir, files_signature(kb_dir))
    assert kb.read_ahead == {}


def test_outside_fences_yields_the_text_lines_and_no_fence_line():
    """The one reading of "outside fenced code" the checks share: a fence's lines are markers, never text,
    a ~~~ inside a ``` block is code, and "```x```" opens nothing (Markdown reads it as inline code)."""
    from recur.kb.parse import outside_fences

    lines = ["a", "```sh", "## code", "~~~", "```", "b", "```x``` c", "~~~~", "in", "~~~~", "d"]
    assert list(outside_fences(lines, 10)) == [(10, "a"), (15, "b"), (20, "d")]


def test_a_fence_line_is_no_look_alike_step_whether_it_opens_or_closes_its_block(tmp_path):
    """The runbook's look-alike check read the line closing a code block as a step ("'```' has U+00A0
    ... not a step") and the line opening it, written the same, not: neither is a step. Written with
    U+00A0 before it, a fence is none to the site (text, as to recur now): lint names the first such
    line as the fence it was meant to be, once, and the look-alike step check names neither."""
    root = tmp_path / "kb"
    text = pattern_text("d", runbook=("Run `df -h` on the host.", "Restart it with `systemctl restart api`."))
    text = text.replace("\n2. ", "\n\u00a0```\ndf -h\n\u00a0```\n2. ")
    assert "\u00a0```\ndf -h\n\u00a0```" in text
    write(root, "patterns/capacity/d.md", text)
    found = [(p.line, p.field) for p in run_checks(load_kb(root)) if "U+00A0" in p.message]
    assert found == [(text.split("\n").index("\u00a0```") + 1, "code fence")]
    # a step written with one is still named, at its line
    write(root, "patterns/capacity/d.md", text.replace("\n2. ", "\n2.\u00a0"))
    found = [(p.line, p.field) for p in run_checks(load_kb(root)) if "U+00A0" in p.message]
    step = (text.split("\n").index("2. Restart it with `systemctl restart api`.") + 1, "## Runbook")
    assert found == [(text.split("\n").index("\u00a0```") + 1, "code fence"), step]


def test_check_opens_each_file_once_lint_reading_the_text_the_loader_read(kb_dir):
    """`recur check`'s lint (code fences, links, comment cuts, runbook lines, headings) opened every pattern
    and incident file again after load_kb had read it: it reads the text the loader kept, and what the
    check says is what it says reading the files itself (lint on a KB loaded without the texts)."""

    from recur.kb.check import check_path
    from recur.kb.lint import authoring_warnings

    # a vague step (the runbook lines), a dead link (the bodies), an empty follow-up heading line
    write(
        kb_dir, "patterns/capacity/d.md", pattern_text("d", runbook=("Check the logs.",), summary="See [x](gone.md).")
    )
    (kb, problems), mine = _opened_in(kb_dir, lambda: check_path(kb_dir, today="2026-06-01"))
    files = sorted(p.relative_to(kb_dir).as_posix() for p in kb_dir.rglob("*") if p.is_file())
    assert mine == files, mine
    said = {(p.field, p.message) for p in problems if p.path.endswith("d.md")}
    assert {"## Runbook", "link"} <= {field for field, _ in said}
    again = {(p.field, p.message) for p in authoring_warnings(load_kb(kb_dir), today="2026-06-01")}
    assert {x for x in said if x[0] in ("## Runbook", "link")} <= again


def test_a_successor_with_errors_is_named_by_the_id_it_writes_with_its_file(kb_dir):
    """A retired pattern's successor whose file has errors leaving its id unread (front matter that does
    not parse, a folder too deep, named .MD) and whose `id:` is not its file name: named by that id, it was
    "no pattern has id 'new-oen'; did you mean new-one?", pointing at a slip instead of at the file to fix."""
    write(kb_dir, "patterns/deploys/old-retired.md", pattern_text("old-retired", "deploys", status="retired",
          extra_front="superseded_by: new-oen"))  # fmt: skip
    unclosed = pattern_text("new-oen").replace("\n---\n", "\n", 1)
    broken = [
        ("patterns/capacity/new-one.md", pattern_text("new-oen", extra_front="tags: [unclosed")),
        ("patterns/capacity/new-one.md", unclosed),  # front matter not closed by a '---' line
        ("patterns/new-one.md", pattern_text("new-oen")),
        ("patterns/capacity/new-one.MD", pattern_text("new-oen")),
        ("pattern/capacity/new-one.md", pattern_text("new-oen")),  # a slip of the folder's name
    ]
    for relpath, text in broken:
        write(kb_dir, relpath, text)
        found = [(p.field, p.level, p.message) for p in run_checks(load_kb(kb_dir)) if "old-retired" in p.path]
        assert found == [
            ("superseded_by", "warning", f"'new-oen' has errors in its file ({display_path(kb_dir / relpath)}), so it is left out "
             "of the site and the index, and the retired page names it without a link: fix that file")
        ], relpath  # fmt: skip
        (kb_dir / relpath).unlink()


def test_a_record_written_in_paths_is_named_with_where_it_belongs(kb_dir):
    """An incident (or a pattern) saved in paths/ was "not a .yml file; ignored": what it is and where it
    goes are said, as for a record at the KB root; other files there keep the warning."""
    incident = (kb_dir / "incidents/2026/INC-2026-0001.md").read_text().replace("INC-2026-0001", "INC-2026-0009")
    write(kb_dir, "paths/INC-2026-0009.md", incident)
    write(kb_dir, "paths/slow-disk.md", pattern_text("slow-disk"))
    write(kb_dir, "paths/notes.md", "Ideas for a second path.\n")
    kb, opened = _opened_in(kb_dir, lambda: load_kb(kb_dir))
    assert [p for p in opened if p.startswith("paths/")] == [
        f"paths/{n}" for n in ("INC-2026-0009.md", "first-week.yml", "notes.md", "slow-disk.md")
    ]  # each once
    found = {Path(p.path).name: (p.level, p.message) for p in kb.problems if "paths/" in p.path}
    reads = "(recur reads patterns/<category>/<id>.md, incidents/<year>/<id>.md, paths/<id>.yml, eval/cases.yml"
    assert found == {
        "INC-2026-0009.md": ("error", "not read: it is an incident record (it has a date), and paths/ holds onboarding "
                             f"paths (paths/<id>.yml); did you mean incidents/2026/INC-2026-0009.md? {reads}, "
                             "severity.yml and recur.yml)"),
        "slow-disk.md": ("error", "not read: it is a pattern (it has a category), and paths/ holds onboarding paths "
                         f"(paths/<id>.yml); did you mean patterns/capacity/slow-disk.md? {reads}, severity.yml "
                         "and recur.yml)"),
        "notes.md": ("warning", "not a .yml file; ignored"),
    }  # fmt: skip


def test_an_empty_cases_file_is_a_notice_once_the_kb_has_patterns(kb_dir, tmp_path):
    """eval/cases.yml empty, or holding only comments (recur init's), passed without a word: search was
    never measured. A notice at the file, as `recur eval` says it (it never fails --strict: a new KB has
    no cases yet), and nothing while the KB has no pattern either."""
    from recur.kb.init import EMPTY_CASES

    shown = display_path(kb_dir / "eval/cases.yml")
    for text in (EMPTY_CASES, "", "[]\n"):
        write(kb_dir, "eval/cases.yml", text)
        found = [(p.path, p.line, p.field, p.level) for p in load_kb(kb_dir).problems]
        assert found == [(shown, 1, "cases", "notice")], text
    assert "`recur eval` has nothing to measure search with" in load_kb(kb_dir).problems[0].message
    empty = tmp_path / "new"
    write(empty, "eval/cases.yml", EMPTY_CASES)
    (empty / "patterns").mkdir()
    assert load_kb(empty).problems == []


def _scanned(kb, pid: str) -> list:
    """What incidents_for answered before it kept a map: every incident scanned, sorted by date."""
    return sorted((i for i in kb.incidents.values() if pid in i.patterns), key=lambda i: i.date)


def _incident(kb_dir, iid: str, day: str, patterns: str) -> None:
    write(
        kb_dir,
        f"incidents/2026/{iid}.md",
        f"---\nid: {iid}\ntitle: Incident {iid}\ndate: {day}\nseverity: sev3\npatterns: [{patterns}]\n---\n\n"
        "## Summary\nSomething happened.\n",
    )


def test_incidents_for_answers_as_a_scan_of_every_incident_after_each_change_of_the_incidents(kb_dir):
    import copy
    import dataclasses

    # out of date order in the files, two on one day (the KB's order breaks the tie), one named twice
    _incident(kb_dir, "INC-2026-0005", "2026-05-01", "dns-failure, disk-full")
    _incident(kb_dir, "INC-2026-0003", "2026-05-01", "disk-full")
    _incident(kb_dir, "INC-2026-0004", "2026-01-15", "disk-full, dns-failure, disk-full")
    kb = load_kb(kb_dir)
    ids = [*kb.patterns, "no-such-pattern"]

    def same(k) -> None:
        for pid in ids:
            assert [i.id for i in k.incidents_for(pid)] == [i.id for i in _scanned(k, pid)], pid

    same(kb)
    assert [i.id for i in kb.incidents_for("disk-full")] == [
        "INC-2026-0004",
        *[i for i in kb.incidents if i in ("INC-2026-0003", "INC-2026-0005")],
    ]
    kb.incidents_for("disk-full").clear()  # a caller's list is its own
    same(kb)
    # tuning's held-out copy: copy.copy (it has this KB's map) given a dict without some incidents
    held = copy.copy(kb)
    held.incidents = {k: v for k, v in kb.incidents.items() if k != "INC-2026-0004"}
    same(held)
    assert "INC-2026-0004" not in [i.id for i in held.incidents_for("disk-full")]
    same(kb)
    same(dataclasses.replace(kb, root=kb_dir.parent))
    # the dict changed in place: an incident added, one taken out
    extra = dataclasses.replace(kb.incidents["INC-2026-0003"], id="INC-2026-0009", patterns=["dns-failure"])
    kb.incidents["INC-2026-0009"] = extra
    same(kb)
    del kb.incidents["INC-2026-0005"]
    same(kb)
