"""KB input a malicious pull request could carry: `recur check` reports it clearly, in bounded
memory and time, never hangs or follows it out of the KB. Runs the real CLI in a subprocess."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from kbfactory import pattern_text, small_kb, write
from procs import python_guarded

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")
MEMORY_LIMIT = 1024 * 1024 * 1024  # address space for the check: a bomb would blow through it


def check(kb: Path) -> subprocess.CompletedProcess:
    def limit():  # in the child only: an exploding parse dies here instead of taking the machine
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "recur", "check", "--kb", str(kb)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        env={**os.environ, "PYTHONPATH": TOOLS},
    )


BOMB = "\n".join(
    ["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
)


def test_yaml_alias_bomb_in_front_matter(tmp_path):
    kb = small_kb(tmp_path / "kb")
    write(kb, "patterns/capacity/bomb.md", pattern_text("bomb", extra_front=BOMB))
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert "bomb.md:" in r.stdout and "anchors and aliases" in r.stdout, r.stdout + r.stderr


def test_fifty_megabyte_pattern_file(tmp_path):
    kb = small_kb(tmp_path / "kb")
    big = kb / "patterns" / "capacity" / "huge.md"
    with big.open("wb") as fh:
        fh.write(pattern_text("huge").encode())
        fh.write(b"x" * (50 * 1024 * 1024))
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert "huge.md:1: file: file is too large" in r.stdout, r.stdout + r.stderr


def test_symlink_out_of_the_kb_is_not_followed(tmp_path):
    kb = small_kb(tmp_path / "kb")
    secret = tmp_path / "secret.md"
    secret.write_text(pattern_text("stolen", title="SECRET-CONTENT"))
    (kb / "patterns" / "capacity" / "link.md").symlink_to(secret)
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert "link.md:1: file: is a symlink pointing outside the knowledge base" in r.stdout, r.stdout + r.stderr
    assert "SECRET-CONTENT" not in r.stdout + r.stderr and "stolen" not in r.stdout


def test_a_file_the_loader_refused_is_not_read_by_the_lint_either(tmp_path):
    """Found in the service audit: the code-fence lint read again every pattern file the loader
    had met, refused or not, whole and through links: it warned about a fence in a file outside
    the KB, and a link to /dev/zero read until memory ran out (a MemoryError traceback)."""
    kb = small_kb(tmp_path / "kb")
    secret = tmp_path / "secret.md"
    secret.write_text(pattern_text("stolen") + "\n```\nunclosed fence\n")
    (kb / "patterns" / "capacity" / "link.md").symlink_to(secret)
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert "link.md:1: file: is a symlink pointing outside" in r.stdout and "code fence" not in r.stdout, r.stdout


def test_a_symlinked_folder_out_of_the_kb_is_reported_not_skipped(tmp_path):
    """Found in the service audit: a folder linked in from outside (patterns/vendor -> /elsewhere)
    was not walked and not reported either; its patterns went missing and check said nothing."""
    kb = small_kb(tmp_path / "kb")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "stolen.md").write_text(pattern_text("stolen", title="SECRET-CONTENT"))
    (kb / "patterns" / "vendor").symlink_to(outside, target_is_directory=True)
    (kb / "incidents" / "2031").symlink_to(outside, target_is_directory=True)
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    for link in ("patterns/vendor", "incidents/2031"):
        assert f"{link}:1: file: is a symlink to a folder outside the knowledge base" in r.stdout, r.stdout
    assert "SECRET-CONTENT" not in r.stdout + r.stderr and "stolen" not in r.stdout


def test_a_symlinked_folder_inside_the_kb_is_not_an_error(tmp_path):
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns" / "again").symlink_to(kb / "patterns" / "capacity", target_is_directory=True)
    r = check(kb)
    assert "again" not in r.stdout and r.returncode == 0, r.stdout + r.stderr


def test_a_symlink_to_a_device_is_reported_not_skipped(tmp_path):
    """Found in the service audit: a link to /dev/zero (not a regular file) was left out of the
    files to read, so check said nothing about it."""
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns" / "capacity" / "zero.md").symlink_to("/dev/zero")
    (kb / "paths" / "zero.yml").symlink_to("/dev/zero")
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    for link in ("patterns/capacity/zero.md", "paths/zero.yml"):
        assert f"{link}:1: file: is a symlink pointing outside the knowledge base" in r.stdout, r.stdout


def test_a_broken_symlink_is_reported_not_skipped(tmp_path):
    """Found by QA: a dangling link named like a pattern was skipped and check said OK."""
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns" / "capacity" / "ghost.md").symlink_to("moved-away.md")
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert "ghost.md:1: file: cannot be read" in r.stdout, r.stdout + r.stderr


def test_a_symlink_loop_is_reported_as_one_not_as_pointing_outside(tmp_path):
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns" / "capacity" / "loop.md").symlink_to("loop.md")
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert "loop.md:1: file: cannot be read: it is a symlink that leads to no file (broken, or a loop)" in r.stdout
    assert "pointing outside" not in r.stdout


def test_symlink_inside_the_kb_still_works(tmp_path):
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns" / "capacity" / "alias.md").symlink_to(kb / "patterns" / "capacity" / "disk-full.md")
    r = check(kb)
    assert "pointing outside" not in r.stdout and "Traceback" not in r.stderr
    assert "alias.md:2: id:" in r.stdout  # read like any file (and then its id is a duplicate)


def test_long_runs_of_spaces_in_headings_and_lines_are_checked_in_linear_time(tmp_path):
    # "^##\s+(.+?)\s*#*\s*$" backtracked cubically: a heading with 2,000 spaces took 25 s, with
    # 20,000 spaces hours: a pull request could hang CI's `recur check`
    kb = small_kb(tmp_path / "kb")
    gap = " " * 20000
    text = (
        pattern_text("spaces", summary=f"Something{gap}goes wrong.")
        .replace("## Summary", f"## Summary{gap}##")
        .replace("## Runbook", f"## Runbook{gap}x")
    )
    write(kb, "patterns/capacity/spaces.md", text)
    r = check(kb)  # its timeout is the hang guard
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stdout.splitlines() if "spaces.md:" in ln]
    assert any("## Runbook: required section is missing" in ln for ln in lines), r.stdout
    assert not any("## Summary" in ln for ln in lines), r.stdout  # "## Summary    ##" is the Summary


def test_many_lines_opening_a_quote_do_not_make_the_unclosed_quote_hint_quadratic(tmp_path):
    # the hint for an unclosed quote parsed the front matter again for every line that opens a quote
    # and does not close it, with PyYAML's pure-Python parser: 2,000 such lines took 50 s, a MiB days
    kb = small_kb(tmp_path / "kb")
    front = '---\nid: quotes\ntitle: "Quotes\n' + "- 'a\n" * 2000 + "---\n\n## Summary\nIt breaks.\n"
    write(kb, "patterns/capacity/quotes.md", front)
    r = check(kb)  # its timeout is the hang guard
    assert "Traceback" not in r.stderr, r.stderr
    # the title's quote, never closed, is the one YAML read on to the end from (parse.py's _quote_to_the_end: no
    # parse again); it was "quotes.md:2003: … found unexpected end of stream", past the hint's tries
    said = "quotes.md:3: front matter: YAML does not parse: this quoted value is not closed on its line, so YAML read"
    assert f"{said} on to line 2003 (found unexpected end of stream); close the quote" in r.stdout, r.stdout


def test_many_fence_lines_the_site_would_not_close_are_checked_in_linear_time(tmp_path):
    # the site's fenced_code pattern, searched from each opening line with no closing line below it,
    # reads the rest of the text each time: run as it is on 100,000 such lines it took hours
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("fences", summary="SUMMARY")  # written as is: the writer would escape the lines
    write(kb, "patterns/capacity/fences.md", text.replace("SUMMARY", "It breaks.\n" + "```a\n" * 100000))
    r = check(kb)  # its timeout is the hang guard
    assert "Traceback" not in r.stderr, r.stderr
    assert "fences.md" in r.stdout and "code fence" in r.stdout, r.stdout[-2000:]


def test_a_step_of_many_lazy_continuation_lines_is_read_in_linear_time():
    # a list item's lines were added to its text one string at a time, each copying all of it again
    # (kb.parse._list_blocks): a 1 MiB runbook of a pasted table under "1." took 3 s of `recur check`, and
    # the time grew with the square of its length. Read here at 6 MB in a process of its own, whose 60 s
    # timeout is a guard against a hang, not a measure of speed (it takes about a second; before, minutes)
    code = (
        "from recur.kb.parse import list_parts\n"
        "parts = list_parts('1. Run this.\\n' + '| a | b |\\n' * 600_000, numbered=True)\n"
        "print(len(parts.items), len(parts.items[0]))"
    )
    run = python_guarded(code)
    assert run.returncode == 0 and run.stdout == f"1 {len('Run this.') + 600_000 * len(' | a | b |')}\n", run.stderr


def test_front_matter_nested_deeper_than_recur_reads_is_refused_at_its_line(tmp_path):
    # a megabyte of YAML lines nested 400 deep took PyYAML 30-45 s: nesting past config.MAX_YAML_DEPTH is
    # refused before any parser reads it, at the line where it is deepest, as "[" brackets or as indentation
    kb = small_kb(tmp_path / "kb")
    write(kb, "patterns/capacity/flow.md", pattern_text("flow", extra_front="notes: " + "[" * 150 + "]" * 150))
    steps = "notes:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 120)) + " " * 120 + "end: 1"
    write(kb, "patterns/capacity/steps.md", pattern_text("steps", extra_front=steps))
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout, r.stderr
    said = "front matter: lists or mappings nested deeper than this tool reads (deepest at this line: "
    for name, what in (("flow", "150 [ or { open at once"), ("steps", "121 levels of indentation")):
        text = (kb / "patterns" / "capacity" / f"{name}.md").read_text().split("\n")
        line = next(n for n, ln in enumerate(text, 1) if ln.lstrip().startswith(("notes: [", "end: 1")))
        assert f"{name}.md:{line}: {said}{what}, more than 100)" in r.stdout, r.stdout


def test_the_lint_does_not_scan_front_matter_nested_deeper_than_recur_reads(tmp_path):
    # the loader refused it, but the lint still scanned it with PyYAML's scanner, which is quadratic in the flow
    # levels open: 50,000 "[" in a 100 KB pattern took `recur check` 68 s (found by fuzzing). Not scanned, it gives
    # no lint warning either (the value cut at " #" is one the scan would have said)
    kb = small_kb(tmp_path / "kb")
    front = "notes: " + "[" * 150 + "]" * 150 + "\nnotes2: a #1"
    write(kb, "patterns/capacity/deep.md", pattern_text("deep", extra_front=front))
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout, r.stderr
    lines = [ln for ln in r.stdout.split("\n") if "deep.md" in ln]
    assert any("nested deeper than this tool reads" in ln for ln in lines), r.stdout[-3000:]
    assert not any("as a comment" in ln for ln in lines), lines


def test_the_nesting_guard_counts_only_what_yaml_nests():
    """Brackets inside quoted strings and comments are text, a stray "]" closes nothing, and real files (the
    deepest of 4,378 YAML and 11,513 JSON files on a developer's machine: 13 and 42 levels) pass."""
    from recur.kb.parse import nesting_problem

    deep = "[" * 101 + "]" * 101
    assert nesting_problem("a: " + "[" * 100 + "]" * 100) is None
    assert nesting_problem("a: 1\nb: " + deep) == (1, "101 [ or { open at once")
    assert nesting_problem("a: '" + deep + "'\nb: \"" + deep + '"\n# ' + deep + "\nc: it's " + "]" * 200) is None
    assert nesting_problem("a: x" + "]" * 200 + "\nb: " + deep) == (1, "101 [ or { open at once")
    assert nesting_problem("a: '''" + "[" * 200 + '\'\nb: "\\"' + "[" * 200 + '"') is None  # escaped quotes
    assert nesting_problem("- " * 100 + "x") is None
    assert nesting_problem("a: 1\n" + "- " * 101 + "x\n- y") == (1, "101 levels of indentation")
    block = "".join(" " * (4 * i) + f"k{i}:\n" for i in range(60))  # 4 columns a level: 60 levels, not 240
    assert nesting_problem(block + "|\n" + " " * 300 + "text") is None


def test_yaml_of_more_values_than_recur_reads_is_refused_at_its_line(tmp_path):
    # PyYAML's cost is per value, whatever the depth: 1 MiB of front matter of "[]," took `recur check` 11 s (its
    # lint's scan most of it), of "x," 18 s. Past config.MAX_YAML_NODES (50,000) a document is refused before a
    # node is built, at the line of the value past the limit, front matter and the KB's YAML files alike, each
    # collected with the other problems; the lint does not scan the refused front matter either
    kb = small_kb(tmp_path / "kb")
    front = "notes:\n" + ("  - [" + "[]," * 999 + "[]]\n") * 60
    write(kb, "patterns/capacity/many.md", pattern_text("many", extra_front=front + "notes2: a #1"))
    cases = "- query: q\n  expect: [disk-full]\n" * 9_000  # 6 values a case (its mapping first), the list 1
    write(kb, "eval/cases.yml", cases)
    write(kb, "patterns/capacity/broken.md", pattern_text("broken", extra_front="tags: [a"))
    r = check(kb)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout, r.stderr
    said = "more YAML values (keys, items, lists, mappings) than this tool reads in one document, 50,000: value 50,001"
    text = (kb / "patterns" / "capacity" / "many.md").read_text().split("\n")
    # 1,001 values a line (its list and the 1,000 in it), under 1,001 above them: value 50,001 on the 50th
    line = next(n for n, ln in enumerate(text, 1) if ln.startswith("notes:")) + 50
    assert f"many.md:{line}: front matter: {said} is at this line" in r.stdout, r.stdout[-3000:]
    line = 2 * 8_333 + 1  # 1 + 6 * 8,333 values in the first 8,333 cases: the next case's mapping and key
    assert f"cases.yml:{line}: cases: {said} is at this line" in r.stdout, r.stdout[-3000:]
    assert "broken.md:8: front matter: YAML does not parse: this [ list is not closed" in r.stdout, r.stdout[-3000:]
    assert not any("many.md" in ln and "as a comment" in ln for ln in r.stdout.split("\n")), r.stdout[-3000:]


def test_the_value_count_reads_only_past_the_limit_and_counts_what_yaml_holds():
    """Every scalar, key, list and mapping is one value; a text no longer than the limit is not read (none of
    its values takes less than a character), and one that does not parse is left to load_yaml's error."""
    from recur import config
    from recur.kb.parse import size_problem

    limit = config.MAX_YAML_NODES
    assert size_problem("a:\n" * (limit // 2 - 1)) is None  # a key and its empty value: 2 values in 3 characters
    assert size_problem("a:\n" * (limit // 2)) == (limit // 2 - 1, limit + 1)  # and the mapping holding them
    assert size_problem("a: 1\n" + "- x\n" * limit) is None  # a mapping then a list: not YAML
    assert size_problem("- x\n" * (limit - 1)) is None  # the list and its items: the limit exactly
    assert size_problem("- x\n" * limit) == (limit - 1, limit + 1)
    assert size_problem("k: [" + "[]," * limit + "]") == (0, limit + 1)
