"""A pattern's ``related`` and ``distinguish`` naming a pattern since retired (renamed or merged as the format says,
the old file kept with superseded_by): `recur check` names each, at its line, with the id that replaced it."""

from __future__ import annotations

from click.testing import CliRunner
from kbfactory import small_kb, write_pattern

from recur.cli.main import cli

RETIRED = "'disk-full' is retired (never suggested; its page is kept for history)"


def _check(root) -> tuple[int, list[str]]:
    """The exit code and the lines saying a retired pattern is named, each from its file's name on."""
    result = CliRunner().invoke(cli, ["check", "--kb", str(root), "--strict"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, [line.rsplit("/", 1)[1] for line in result.output.splitlines() if RETIRED in line]


def _rename_disk_full(root) -> None:
    """disk-full renamed volume-full as "Renaming a pattern" says: the old file kept, retired, naming it."""
    write_pattern(
        root,
        "volume-full",
        title="Volume full",
        symptoms=("writes fail with no space left",),
        related=("db-pool-exhausted",),
        summary="A filesystem runs out of bytes.",
    )
    write_pattern(
        root,
        "disk-full",
        title="Disk full on a host",
        status="retired",
        symptoms=("writes fail", "no space left on device"),
        related=("db-pool-exhausted",),
        extra_front="superseded_by: volume-full\nfix:\n  status: done\n  done: 2026-01-02",
    )


def test_related_and_distinguish_naming_a_renamed_pattern_are_each_told_the_new_id(tmp_path):
    root = small_kb(tmp_path / "kb")
    _rename_disk_full(root)
    write_pattern(
        root,
        "dns-failure",
        "network",
        symptoms=("every service fails to resolve hostnames",),
        related=("disk-full",),
        extra_front="distinguish:\n  - from: disk-full\n    by: resolvers answer SERVFAIL",
    )
    code, said = _check(root)
    assert said == [
        f"db-pool-exhausted.md:12: related[0]: warning: {RETIRED}: the site lists it among this pattern's related "
        "patterns; name volume-full, which replaced it (superseded_by), or take it out",
        f"dns-failure.md:8: related[0]: warning: {RETIRED}: the site lists it among this pattern's related "
        "patterns; name volume-full, which replaced it (superseded_by), or take it out",
        f"dns-failure.md:10: distinguish[0].from: warning: {RETIRED}: no answer is told apart from it; tell this "
        "pattern apart from volume-full, which replaced it (superseded_by), or take it out",
    ]
    assert code == 1  # a warning: --strict fails on it, as on a path step or a case naming a retired pattern


def test_a_pattern_merged_into_this_one_or_whose_successor_is_listed_is_taken_out(tmp_path):
    """Merged into the pattern naming it, it has no other pattern to name; with its successor listed beside it, the
    old id is only taken out; a retired pattern's own links are history, left alone."""
    root = small_kb(tmp_path / "kb")
    _rename_disk_full(root)
    write_pattern(
        root,
        "volume-full",
        title="Volume full",
        symptoms=("writes fail with no space left",),
        related=("disk-full", "db-pool-exhausted"),
    )
    write_pattern(
        root,
        "db-pool-exhausted",
        symptoms=("requests hang waiting for a database connection",),
        related=("disk-full", "volume-full"),
    )
    _, said = _check(root)
    assert [line.split(": warning: ")[0] + ": " + line.split("; ")[-1] for line in said] == [
        "db-pool-exhausted.md:8: related[0]: take it out (volume-full, which replaced it, is here already)",
        "volume-full.md:8: related[0]: it was merged into this pattern (superseded_by: volume-full): take it out",
    ]
