"""`recur check` as a team writing its first patterns meets it (an author's review, 90 planted mistakes):
each mistake said in the run it is made in, at its file and line, with advice that reads back as meant;
and content the KB format allows passing --strict."""

from __future__ import annotations

from pathlib import Path

from kbfactory import small_kb

from recur.kb.check import check_path

REDIS = "patterns/capacity/redis-eviction-storm.md"
BASE = """---
id: redis-eviction-storm
title: Redis evicting hot keys under memory pressure
category: capacity
severity: sev2
symptoms:
  - "cache hit rate collapses"
signals:
  - "OOM command not allowed when used memory"
---

## Summary
Redis hits maxmemory and evicts hot keys.

## Runbook
1. Run `redis-cli info memory` and compare used_memory with maxmemory.

## Root cause
maxmemory too small.
"""


def problems(tmp_path: Path, text: str, rel: str = REDIS) -> list:
    """Every problem `recur check` finds in the small KB with ``text`` written at ``rel``, as
    (file under the KB, line, field, level, message)."""
    kb = tmp_path / "kb"
    if not kb.exists():
        small_kb(kb)
    path = kb / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    _, found = check_path(kb, stale_days=0)
    return [
        (Path(p.path).resolve().relative_to(kb.resolve()).as_posix(), p.line, p.field, p.level, p.message)
        for p in found
    ]


def at(found: list, rel: str = REDIS) -> list:
    return [f[1:] for f in found if f[0] == rel]


def test_did_you_mean_never_names_the_pattern_itself(tmp_path):
    # related: [redis-oom] in redis-eviction-storm offered the pattern's own id ("redis-" in both), and
    # taking the offer was the next error, "a pattern cannot be related to itself"
    text = BASE.replace("severity: sev2\n", "severity: sev2\nrelated: [redis-oom]\nsuperseded_by: redis-evict\n")
    found = at(problems(tmp_path, text))
    (related,) = [f for f in found if f[1] == "related[0]"]
    assert "no pattern has id 'redis-oom'" in related[3] and "redis-eviction-storm" not in related[3], related
    (successor,) = [f for f in found if f[1] == "superseded_by" and f[2] == "error"]
    assert "redis-eviction-storm" not in successor[3].split("id 'redis-evict'")[1], successor
    # in a file left out for an error of its own (its related read from the raw front matter) alike
    found = at(problems(tmp_path, text.replace("severity: sev2", "severity: critical")))
    (related,) = [f for f in found if f[1] == "related[0]"]
    assert "redis-eviction-storm" not in related[3], related


def test_a_boolean_hint_quotes_the_value_written(tmp_path):
    # "quote it, 'yes'" was said of every boolean: of off, NO and True alike
    text = BASE.replace("severity: sev2\n", "severity: sev2\ntags: [redis, off]\nservices:\n  - NO\nowner: True\n")
    found = {f[1]: f[3] for f in at(problems(tmp_path, text))}
    assert found["tags[1]"].endswith("quote it, 'off')"), found["tags[1]"]
    assert found["services[0]"].endswith("quote it, 'NO')"), found["services[0]"]
    assert found["owner"].endswith("quote it, 'True')"), found["owner"]


def strict_failures(found: list) -> list:
    """What --strict fails on, of ``at``'s rows: errors, and warnings but those of a team's own key."""
    return [f for f in found if f[2] == "error" or (f[2] == "warning" and "--strict does not fail" not in f[3])]


def test_a_teams_keys_named_for_the_formats_pass_strict_and_slips_still_fail(tmp_path):
    # the KB format keeps unknown keys (warn, don't fail): created_by was "did you mean 'created'?" and failed
    for key in ("created_by: alice", "title_de: Redis verdrängt Schlüssel", "symptom_notes: seen at peak"):
        found = at(problems(tmp_path, BASE.replace("severity: sev2\n", f"severity: sev2\n{key}\n")))
        assert not strict_failures(found), found
        assert any("a key of your own" in f[3] for f in found), found
    for slip, meant in (("Tags: [redis]", "tags"), ("symtoms: [x]", "symptoms"), ("create: 2026-01-02", "created")):
        found = at(problems(tmp_path, BASE.replace("severity: sev2\n", f"severity: sev2\n{slip}\n")))
        assert any(f"did you mean '{meant}'" in f[3] for f in strict_failures(found)), found


def test_a_snake_case_category_equal_to_its_folder_passes_strict(tmp_path):
    # the format: category equals its folder's name; "data_stores" failed --strict with a reason about case
    text = BASE.replace("category: capacity", "category: data_stores")
    found = at(
        problems(tmp_path, text, "patterns/data_stores/redis-eviction-storm.md"),
        "patterns/data_stores/redis-eviction-storm.md",
    )
    assert not strict_failures(found), found
    (category,) = [f for f in found if f[1] == "category"]
    assert "recur new" in category[3] and "macOS" not in category[3], category
    # a folder beside another that differs only in case is one folder on macOS: that still fails
    found = at(
        problems(
            tmp_path / "b",
            BASE.replace("category: capacity", "category: Capacity"),
            "patterns/Capacity/redis-eviction-storm.md",
        ),
        "patterns/Capacity/redis-eviction-storm.md",
    )
    assert {f[1] for f in strict_failures(found)} == {"category"}, found
    assert any("only in case" in f[3] for f in strict_failures(found)), found


WEAK = """---
id: redis-eviction-storm
title: Disk full on a host
category: capacity
severity: sev2
symptoms:
  - "cache hit rate collapses"
signals:
  - "redis_evicted_keys_total.*"
related: [dns-failure]
---

## Summary
Redis hits maxmemory and evicts hot keys.

## Runbook
1. Check the logs.

## Root cause
maxmemory too small.
"""
# what is wrong with WEAK besides any error: a title disk-full has, a ".*" signal, a related dns-failure does
# not return, a step with nothing to do
WEAK_WARNINGS = {(3, "title"), (9, "signals[0]"), (10, "related[0]"), (17, "## Runbook")}


def _warned(found: list) -> set:
    return {(f[0], f[1]) for f in at(found) if f[2] == "warning"}


def test_a_pattern_with_an_error_has_its_warnings_said_in_the_same_run(tmp_path):
    # an unknown severity, a category unlike its folder, a missing ## Summary: each left the pattern out of
    # the checks of the whole KB and of lint, and four true warnings came only once it was fixed
    assert _warned(problems(tmp_path / "ok", WEAK)) == WEAK_WARNINGS
    for n, (old, new, rel) in enumerate(
        [
            ("severity: sev2", "severity: critical", REDIS),
            ("category: capacity", "category: capacity", "patterns/network/redis-eviction-storm.md"),
            ("## Summary\n", "## Zusammenfassung\n", REDIS),
        ]
    ):
        found = problems(tmp_path / str(n), WEAK.replace(old, new), rel)
        assert [f for f in found if f[0] == rel and f[3] == "error"], found
        assert {(line, field) for line, field, level, _ in at(found, rel) if level == "warning"} >= WEAK_WARNINGS, found
        # the other side of the duplicate title is said too
        assert any(f[0] == "patterns/capacity/disk-full.md" and f[2] == "title" for f in found), found


def test_a_field_with_an_error_gets_no_warning_of_its_own_too(tmp_path):
    # signals: a text, not a list: "must be a list", not also "pattern has no signals"
    found = at(problems(tmp_path, WEAK.replace('signals:\n  - "redis_evicted_keys_total.*"', "signals: OOMKilled")))
    assert [f[1] for f in found if f[1].startswith("signals")] == ["signals"], found
    assert [f[2] for f in found if f[1] == "signals"] == ["error"], found
    # front matter that is no mapping: no key was read, so no key's warning
    found = at(problems(tmp_path, "---\n- a\n- b\n---\n" + WEAK.split("---\n", 2)[2]))
    assert [f[2] for f in found] == ["error"], found


def test_yaml_mistakes_on_other_lines_are_said_with_the_parse_error(tmp_path):
    # an unquoted ': ', a key twice and a tab: three runs of check, one mistake each
    text = (
        BASE.replace("title: Redis evicting", "title: Redis: evicting")
        .replace("severity: sev2\n", "severity: sev2\nseverity: sev3\n")
        .replace('  - "cache hit rate collapses"', '\t- "cache hit rate collapses"')
    )
    found = at(problems(tmp_path, text))
    errors = {(f[0], f[1]): f[3] for f in found if f[2] == "error"}
    assert errors[(3, "title")].endswith(
        'put the whole text in quotes, "Redis: evicting hot keys under memory pressure"'
    )
    assert "key appears twice" in errors[(6, "severity")]
    assert "a tab in the indentation" in errors[(8, "front matter")]
    # fixed one by one, each run says the ones left, no more
    for old, new in ((": evicting", " evicting"), ("severity: sev3\n", ""), ('\t- "cache', '  - "cache')):
        text = text.replace(old, new)
        left = [f for f in at(problems(tmp_path, text)) if f[2] == "error"]
        assert len(left) == len(errors) - 1, left
        errors = left
    assert errors == []


def test_a_rename_in_the_named_files_fails_the_hook_for_the_files_naming_the_old_id(tmp_path, monkeypatch):
    # the pre-commit hook, `check --strict --quiet FILES`, passed silently a rename of a pattern that other
    # files name by its old id: their errors were counted in a note --quiet hid
    from click.testing import CliRunner

    from recur.cli.main import cli

    monkeypatch.chdir(tmp_path)
    small_kb(Path("kb"))
    old = Path("kb/patterns/capacity/disk-full.md")
    new = old.with_name("disk-full-host.md")
    new.write_text(old.read_text().replace("id: disk-full", "id: disk-full-host"))
    old.unlink()
    pool = Path("kb/patterns/capacity/db-pool-exhausted.md")
    pool.write_text(pool.read_text().replace("related: [disk-full]", "related: [disk-full-host]"))
    r = CliRunner().invoke(
        cli, ["check", "--kb", "kb", "--strict", "--quiet", "--stale-days", "0", str(new), str(pool)]
    )
    assert r.exit_code == 1, r.output
    assert "no pattern has id 'disk-full'; did you mean disk-full-host?" in r.stdout, r.stdout
    # an error elsewhere that names no id (a file's own mistake) is a note under --quiet, and does not fail
    pool.write_text(pool.read_text().replace("related: [disk-full-host]", "related: [disk-full]"))
    new.rename(old)
    old.write_text(old.read_text().replace("id: disk-full-host", "id: disk-full"))
    Path("kb/patterns/network/dns-failure.md").write_text(
        Path("kb/patterns/network/dns-failure.md").read_text().replace("severity: sev2", "severity: sev9")
    )
    r = CliRunner().invoke(cli, ["check", "--kb", "kb", "--strict", "--quiet", "--stale-days", "0", str(old)])
    assert r.exit_code == 0 and r.stdout == "", r.output
    assert "1 error elsewhere in kb not shown" in r.stderr, r.stderr


def test_a_section_or_step_that_is_only_a_placeholder_word_is_warned_of(tmp_path):
    # an active pattern whose Summary is TODO, a step TODO and Root cause TBD passed --strict ("TODO" read as an
    # error code, a specific string), where "Check the logs." is warned of
    text = (
        BASE.replace("severity: sev2\n", "severity: sev2\nstatus: active\n")
        .replace("Redis hits maxmemory and evicts hot keys.", "TODO")
        .replace("1. Run", "1. TODO\n2. Run")
        .replace("maxmemory too small.", "TBD.")
    )
    found = {f[1]: f[3] for f in at(problems(tmp_path, text)) if f[2] == "warning"}
    assert "only a placeholder ('TODO')" in found["## Summary"], found
    assert found["## Runbook"].startswith("step 1 is only a placeholder ('TODO')"), found
    assert "only a placeholder ('TBD.')" in found["## Root cause"], found
    # a required section is not told "or remove it when it is optional" (an active pattern's root cause: an error
    # once removed; found writing a KB as an author); a draft's root cause is optional
    assert found["## Summary"].endswith("write it (a pattern's summary is required: what fails, and how it shows)")
    assert found["## Root cause"].endswith(
        "while the cause is not known, make the pattern status: draft, which may leave it out"
    ), found
    draft = problems(tmp_path, text.replace("status: active", "status: draft"))
    assert [f[3] for f in at(draft) if f[1] == "## Root cause"][0].endswith("or remove it when it is optional"), draft
    for word in ("N/A", "FIXME", "XXX", "...", "-", "tbc"):
        found = {f[1] for f in at(problems(tmp_path, BASE.replace("maxmemory too small.", word))) if f[2] == "warning"}
        assert "## Root cause" in found, word
    # a line of the team's own that starts with the word is content
    text = BASE.replace("maxmemory too small.", "TODO: link the capacity dashboard; maxmemory too small.")
    assert not [f for f in at(problems(tmp_path, text)) if f[1] == "## Root cause"]


def test_curly_quotes_are_no_part_of_a_title_nor_of_the_quoted_form_offered(tmp_path):
    # a title pasted in typographic quotes was no duplicate of the same title without them
    text = BASE.replace("title: Redis evicting hot keys under memory pressure", "title: “Disk full on a host”")
    found = at(problems(tmp_path, text))
    assert any(f[1] == "title" and "is also the title of disk-full" in f[3] for f in found), found
    # "- “cache hit rate: collapses”" was offered as "“cache hit rate: collapses”", quotes in quotes
    text = BASE.replace('  - "cache hit rate collapses"', "  - “cache hit rate: collapses”")
    (symptom,) = [f for f in at(problems(tmp_path, text)) if f[1] == "symptoms[0]"]
    assert symptom[3].endswith('put the whole text in quotes, "cache hit rate: collapses")'), symptom
    text = BASE.replace("title: Redis evicting", "title: “Redis: evicting").replace("pressure\n", "pressure”\n", 1)
    (title,) = [f for f in at(problems(tmp_path, text)) if f[1] == "title"]
    assert title[3].endswith('put the whole text in quotes, "Redis: evicting hot keys under memory pressure"'), title


def test_an_emoji_or_a_symbol_is_no_part_of_a_title_a_reader_tells_apart(tmp_path):
    # found by a first-time pattern author: "💳 Disk full on a host" was no shared title with "Disk full on a host"
    for title in (
        "💳 Disk full on a host",
        "Disk full on a host 🔥🔥",
        "⚠️ DISK FULL on a host",
        "Disk full on a host™",
    ):
        text = BASE.replace("title: Redis evicting hot keys under memory pressure", f"title: {title}")
        found = at(problems(tmp_path, text))
        assert any(f[1] == "title" and "is also the title of disk-full" in f[3] for f in found), (title, found)
    # other words are another title, and a title of symbols alone is its symbols
    for title in ("💳 Disk full on a node", "🔥"):
        text = BASE.replace("title: Redis evicting hot keys under memory pressure", f"title: {title}")
        assert not [f for f in at(problems(tmp_path, text)) if f[1] == "title" and "is also the title" in f[3]]


def test_an_arrow_a_check_mark_or_a_degree_sign_is_a_word_of_a_title(tmp_path):
    # every "other symbol" was read past: "Queue ⬆ depth" and "Queue ⬇ depth" were called one title (review)
    from recur.kb.check import title_key

    for one, other in (
        ("Queue ⬆ depth", "Queue ⬇ depth"),
        ("Replication ✓", "Replication ✗"),
        ("Replication ☑", "Replication ☒"),
        ("Disk at 40 ℃", "Disk at 40 ℉"),
        ("Disk at 90°", "Disk at 90"),
    ):
        assert title_key(one) != title_key(other), (one, other)
    # emoji, with their selectors, joiners, skin tones and flags, are still read past
    for title in ("⬆️ Queue depth", "👩‍💻 Queue depth", "👍🏽 Queue depth", "🇩🇪 Queue depth", "Queue depth ✅"):
        assert title_key(title) == title_key("⬆ Queue depth" if title[0] == "⬆" else "Queue depth"), title
    text = BASE.replace("title: Redis evicting hot keys under memory pressure", "title: Disk full on a host ⬆")
    assert not [f for f in at(problems(tmp_path, text)) if f[1] == "title" and "is also the title" in f[3]]


def test_a_signal_that_can_never_match_is_warned_of(tmp_path):
    # shorter than the search's exact_min_chars and no identifier: found in no text, and check said nothing
    from recur.config import SIGNAL_MATCH
    from recur.util.text import normalise_signal

    short = ["EIO", "503", "ERR", "error"]
    assert all(len(normalise_signal(s)) < SIGNAL_MATCH["exact_min_chars"] for s in short)
    kept = ["EPIPE", "ENOSPC", "HTTP 503", "OOMKilled"]  # a code of its own, or long enough: these match
    signals = "".join(f'  - "{s}"\n' for s in short + kept)
    text = BASE.replace('  - "OOM command not allowed when used memory"\n', signals)
    warned = {f[1]: f[3] for f in at(problems(tmp_path, text)) if f[1].startswith("signals[")}
    assert sorted(warned) == [f"signals[{n}]" for n in range(len(short))], warned
    assert all("can never be found in a text as written: it is " in w for w in warned.values()), warned
    # suggest's why list shows such a signal matched by meaning: "can never match" said otherwise (upgrade review)
    assert warned["signals[0]"].startswith("'EIO' can never be found in a text as written: it is 3 characters"), warned
    assert all("only its meaning is matched" in w and "never match" not in w for w in warned.values()), warned
    # regex-like signals the regex warning missed: alternatives with no parentheses, or their ")" left out
    text = BASE.replace(
        '  - "OOM command not allowed when used memory"\n',
        '  - "OOMKilled|Evicted"\n  - "Status (High|Critical"\n  - "[0-9 errors per second"\n',
    )
    warned = {f[1]: f[3] for f in at(problems(tmp_path, text)) if f[1].startswith("signals[")}
    assert "alternatives 'OOMKilled|Evicted'" in warned["signals[0]"], warned
    assert "alternatives '(High|Critical'" in warned["signals[1]"], warned
    assert "a character class '[0-9 errors per second'" in warned["signals[2]"], warned
