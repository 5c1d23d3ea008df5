"""The core commands: check, index, suggest, eval."""

from __future__ import annotations

import json
import math
import re
import sys
from fractions import Fraction
from pathlib import Path

import click

from recur import config
from recur.cli.options import (
    JSON_ALIAS,
    TODAY_DATE,
    UNIT,
    TextCommand,
    http_url,
    index_option,
    json_alias,
    kb_option,
    model_option,
    setting,
)
from recur.util import utf8
from recur.util.errors import RecurError
from recur.util.text import ONLY_INVISIBLE, escape_controls, has_text, plural


@click.command()
@kb_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option(
    "--similar",
    is_flag=True,
    help="Also look for near-duplicate patterns with the embedding index (brought up to date first; "
    "only changed patterns are re-embedded).",
)
@click.option(
    "--similar-threshold",
    type=UNIT,
    envvar=config.env("similar_threshold"),
    help="Cosine (doc view) at which --similar reports a duplicate; two patterns with a signal or a service in "
    f"common from {config.SIMILAR_SHARED_MARGIN:.2f} below it; also the `recur lookalikes` similarity at which "
    "it reports a pattern that has one of another's signals "
    f"[default: {config.default('similar_threshold'):.2f}; env RECUR_SIMILAR_THRESHOLD].",
)
@index_option
@model_option
@click.option(
    "--stale-days",
    type=click.IntRange(0),
    envvar=config.env("stale_days"),
    help="Notice for patterns no incident has matched for this many days (from the last matching "
    f"incident, else `created:`); 0 turns it off [default: {config.default('stale_days')}; env RECUR_STALE_DAYS].",
)
@click.option(
    "--today",
    type=TODAY_DATE,
    metavar="DATE",  # read by given_date: an impossible date is "no such date", not a format error
    envvar=config.env("today"),
    help="Date to measure staleness, and dates after today, from (default: the clock; env RECUR_TODAY).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and warnings: no notices, no summary line.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: one document on stdout (ok, errors, warnings, notices, problems); "
    "github: one GitHub Actions workflow command per problem (an annotation at its line of the pull request).",
)
@click.option("--json", "as_json", **JSON_ALIAS)
@click.option(
    "--changed",
    multiple=True,
    type=click.Path(),
    metavar="FILE",
    help="A KB file the change being checked adds or modifies (repeatable): its problems are listed first, so "
    "--format github annotates them before the rest of the KB's (GitHub annotates 10 of each level of a step; "
    "the job summary lists them all); the summary line says how many are theirs. Every problem is still shown "
    "and counted; a FILE that is no KB file is said on stderr and left out.",
)
@click.option(
    "--references",
    is_flag=True,
    help="Only the errors of a reference to a pattern id no file has (a pattern renamed or deleted while other "
    "files name it): every other problem is left out, counted on stderr, and fails nothing. The "
    "recur-references pre-commit hook's check: one unfinished draft elsewhere in the KB blocked every commit.",
)
@click.argument("files", nargs=-1, type=click.Path())
def check(  # long: 14 flags, one parameter a line (ruff's format); the body is ~60 lines
    kb_dir,
    strict,
    similar,
    similar_threshold,
    index_dir,
    model,
    stale_days,
    today,
    quiet,
    fmt,
    as_json,
    changed,
    references,
    files,
):
    """Validate every KB file against the format; print all problems, then fail once.

    Each problem is one line: path:line: field: message. Errors exit 1; warnings
    (unknown keys, authoring advice) exit 0 unless --strict. Notices (stale patterns: they
    depend on the clock, not on the change; a draft that looks ready to set status: active)
    never fail. With FILES, only problems in those files are shown (the whole KB is still
    read, for cross-references); --similar then
    compares only those patterns against the whole KB. --format json or github: the same
    problems and exit status, for a script, an editor or a CI run (the summary stays on stderr).
    """
    from recur.kb.check import check_path, named_files, named_test
    from recur.kb.loader import format_errors
    from recur.util.dates import given_date

    fmt = json_alias(fmt, as_json)
    if references and similar:  # a near-duplicate is no reference
        raise click.UsageError("--references and --similar exclude each other")
    from_env = click.get_current_context().get_parameter_source("today") == click.core.ParameterSource.ENVIRONMENT
    today = given_date(today, config.env("today") if from_env else "--today")
    named = named_files(kb_dir, files) if files else None
    in_named = named_test(kb_dir, named) if named is not None else None
    first, n_changed = _changed_test(kb_dir, changed)
    # with FILES, the authoring warnings of those files alone (the pre-commit hook's one file cost the whole
    # KB's lint); the KB is loaded and cross-checked whole, so those files' problems are a whole check's
    kb, problems = check_path(
        kb_dir, True, stale_days=stale_days, today=today, only=in_named, shown_first=_shown_first(in_named, first)
    )
    compared = None
    if similar and not format_errors(kb.problems):  # else indexing refuses the KB: its recur.yml errors say why
        from recur.retrieval.similar import compare

        compared = compare(kb, only=files or None, index_dir=index_dir, model=model, threshold=similar_threshold)
        problems += [*compared.problems, *compared.notices]
    problems, others = _references_only(problems) if references else (problems, 0)
    elsewhere = []
    if in_named is not None:  # each problem sorted once: in a named file, or elsewhere (counted, not shown)
        shown = []
        for p in problems:
            (shown if in_named(p.path) else elsewhere).append(p)
        problems = shown
    if first is not None:  # a stable sort: the changed files' problems first, each part in its own order
        problems.sort(key=lambda p: not first(p.path))
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if p.level == "warning" and p.strict]
    broken = _broken_elsewhere(elsewhere)
    failed = bool(errors) or bool(broken) or (strict and bool(warnings))
    # a notice is advice that never fails: the pre-commit hook (check --strict -q) printed the same
    # stale-pattern notices on every commit (found in review)
    _print_problems([p for p in [*problems, *broken] if not (quiet and p.level == "notice")], fmt, failed)
    if not quiet:
        click.echo(
            _references_summary(kb_dir, [*problems, *broken], others)
            if references
            else _check_summary(kb, kb_dir, problems, named, elsewhere, broken)
            + _changed_said(problems, first, n_changed),
            err=True,
        )
        if compared is not None and not compared.problems and not compared.notices:
            click.echo(_none_similar(compared, named is not None, len(kb.patterns)), err=True)
        if strict and warnings and not errors:  # the errors elsewhere fail it too: both said (found in review)
            click.echo(_strict_said(problems, warnings, broken), err=True)
    elif any(p.is_error and p not in broken for p in elsewhere):  # the hook's --quiet hid them, and passed
        click.echo(_elsewhere_note(kb_dir, [p for p in elsewhere if p not in broken]), err=True)
    sys.exit(1 if failed else 0)


def _strict_said(problems: list, warnings: list, broken: list) -> str:
    """Why --strict fails, and with how many of the warnings when some do not fail it (a team's own keys, a category
    that is not kebab-case): a KB two years old with `last_reviewed:` on each pattern said "43 warnings ... Failing
    because of --strict.", and the maintainer could not tell the 23 that fail it from the 20 that do not (found
    ageing a KB)."""
    own = sum(p.level == "warning" and not p.strict for p in problems)
    said = "Failing because of --strict"
    if own:  # "the other 1 say it does not fail on them" was read in review
        other = (
            "the other one says it does not fail on it" if own == 1 else f"the other {own} say it does not fail on them"
        )
        said += f": {len(warnings)} of the {plural(len(warnings) + own, 'warning')} ({other})"
    return said + (", and of the errors elsewhere." if broken else ".")


def _shown_first(in_named, first):
    """A sort key of a shown path in the order the problems are shown, or None for the KB's: the named files' first
    (the errors elsewhere that are shown come after them, ``_broken_elsewhere``), the --changed files' first among
    them. The rename advice goes on the first error shown naming the old id (kb.check._with_rename_advice)."""
    if in_named is None and first is None:
        return None
    return lambda path: (in_named is not None and not in_named(path), first is not None and not first(path))


def _changed_test(kb_dir, changed: tuple):
    """(a test of a shown path: whether it is one of the --changed files, or None; how many files that is). Each
    is a KB file, read as FILES are; one that is not is said on stderr and left out, not failing the check: it is
    an order to list problems in, and CI passes every file a change touches (a file name with a space, which make
    splits in two, would otherwise fail the whole check with an error on a file the KB does not even read)."""
    from recur.kb.check import named_files, named_test

    kept = []
    for f in dict.fromkeys(changed):
        try:
            kept += named_files(kb_dir, [f], flag="--changed")
        except RecurError as exc:
            click.echo(f"recur check: --changed {exc} (left out; the check goes on)", err=True)
    if not kept:
        return None, 0
    return named_test(kb_dir, kept), len(dict.fromkeys(kept))


def _changed_said(problems: list, first, n_changed: int) -> str:
    """How many of the problems are in the --changed files, listed first: "" without --changed or problems."""
    if first is None or not problems:
        return ""
    n = sum(1 for p in problems if first(p.path))
    return f"; {n} of them in the {plural(n_changed, 'changed file')}, listed first"


def _none_similar(compared, named: bool, patterns: int) -> str:
    """What --similar compared when it found no near-duplicate: "OK: 4 files ... follow the format" alone
    did not say whether it had looked, or at what (found by a first-time pattern author). ``patterns``: the
    KB's, retired ones too (the index, so --similar, leaves those out)."""
    among = plural(compared.among, "pattern")
    retired = f"; {plural(patterns - compared.among, 'retired pattern')} left out" if patterns > compared.among else ""
    if named and not compared.queries:
        return "--similar: no pattern among the named files, nothing compared."
    if compared.among < 2:
        return f"--similar: {among} in the KB, nothing to compare."
    which = f" of the {plural(compared.queries, 'named pattern')}" if named else ""
    return (
        f"--similar: no near-duplicates{which} among {among} "
        f"(threshold {compared.threshold:.2f}, --similar-threshold{retired})."
    )


def _references_only(problems: list) -> tuple[list, int]:
    """(the errors of a reference to a pattern id no file has, how many other problems were left out): the
    recur-references hook's `check --references` runs on the whole KB on every commit, for a `git rm` of a
    pattern that the per-file hooks never see (pre-commit passes no deleted file). Failing on every error, one
    unfinished untracked draft with a YAML error blocked every commit, and the per-file hook's problems were
    printed twice (found in review)."""
    from recur.kb.check import UNKNOWN_ID

    kept = [p for p in problems if p.is_error and p.code == UNKNOWN_ID]
    return kept, len(problems) - len(kept)


def _references_summary(kb_dir, broken: list, others: int) -> str:
    """The last line of `recur check --references`: the references found, and the other problems not shown."""
    rest = f"; {plural(others, 'other problem')} not shown (recur check lists them)" if others else ""
    if not broken:
        return f"OK: no reference to a pattern id no file has in {kb_dir}{rest}."
    return f"{plural(len(broken), 'reference')} to a pattern id no file has in {kb_dir}{rest}"


def _broken_elsewhere(elsewhere: list) -> list:
    """The errors outside the named files of a reference to a pattern id no file has: what renaming a
    pattern, changing its id or deleting it in the named files leaves in the files that name it. Shown with
    the named files' problems, and they fail the check: the pre-commit hook (`check --strict --quiet FILES`)
    passed without a word a rename that broke 4 other files (found by a pattern author). The other errors
    elsewhere, a file's own, are counted in a note."""
    from recur.kb.check import UNKNOWN_ID

    return [p for p in elsewhere if p.is_error and p.code == UNKNOWN_ID]


def _broken_said(broken) -> str:
    if not broken:
        return ""
    return (
        f"; {plural(len(broken), 'error')} elsewhere shown above, naming a pattern id no file has (renamed or "
        "deleted in these files, or earlier?), fail the check"
    )


def _elsewhere_note(kb_dir, elsewhere: list) -> str:
    n = sum(p.is_error for p in elsewhere)
    return f"recur check: {plural(n, 'error')} elsewhere in {kb_dir} not shown (recur check without FILES lists them)"


def _print_problems(problems: list, fmt: str, failed: bool, title: str = "recur check") -> None:
    """The problems on stdout in ``fmt``; the summary and the exit status are the caller's, the same in each.
    ``title``: the command printing them (`recur eval --format github` prints its annotations through here too),
    which names the notice of those left unannotated and the job summary's heading."""
    from recur.kb.check import check_document, github_annotated, github_command

    if fmt == "json":
        _say(json.dumps(check_document(problems, failed), ensure_ascii=False, indent=1), json_text=True)
        return
    if fmt != "github":
        for p in problems:
            _say(str(p))
        return
    # GitHub places an annotation by the file's path from the repository's root, where the workflow
    # checked it out; a step run elsewhere (working-directory:) shows paths from there
    workspace = config.get("github_workspace")
    annotated, rest = github_annotated(problems)
    for p in annotated:
        _say(github_command(p, workspace))
    for p in rest:  # GitHub would drop their annotation, and its log line shows the message only
        _say(str(p))
    if rest:
        _unannotated(problems, len(rest), workspace, title)


_C1 = re.compile(r"[\x7f-\x9f]")


def _say(text: str, json_text: bool = False) -> None:
    """Print what `recur check` says of the KB on stdout: every line of it comes through here. A file name, a
    key or a value quoted in a problem is the KB's, from a pull request: a quoted key "k\\n::error ...::FORGED"
    printed a line of its own starting "::error", which GitHub Actions runs as a workflow command (a forged
    annotation; "::stop-commands::" hides the real ones), and an escape sequence reached the terminal (found
    in a security review). Each control character but a tab is shown escaped (``\\x0a``); a JSON document's
    strings have JSON's escapes (json.dumps leaves DEL and C1 raw), so its values read back the same."""
    if json_text:
        click.echo(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    else:
        click.echo(escape_controls(text, keep="\t"))


def _unannotated(problems: list, left: int, workspace, title: str) -> None:
    """With more problems than GitHub annotates (the rest are dropped without a word): in the job summary
    when the runner names its file (GITHUB_STEP_SUMMARY), as many as GitHub keeps of it (errors first), and
    a last annotation, a notice, saying how many have none and where they all are."""
    from recur.kb.check import ANNOTATED_PER_LEVEL, SUMMARY_BYTES, github_notice, github_summary_rows

    where = "the step's log lists them with their files"
    summary = config.get("github_step_summary")
    if summary:
        try:
            # appended, as GitHub documents it: the runner owns the file, and the step's other commands
            # (make check, then make similar) add theirs to it, which count towards the size GitHub keeps;
            # one write, so no half summary is read
            with open(summary, "a", encoding="utf-8") as fh:
                used = fh.tell()
                text, rows = github_summary_rows(problems, left, workspace, SUMMARY_BYTES - used, title)
                if text:
                    fh.write(text + "\n")
            where = "the job summary lists them all with their files"
            if not text:  # written past its budget, GitHub would show none of the summary, earlier steps' too
                where = (
                    f"the job summary is full (the step's earlier commands wrote {used:,} of the {SUMMARY_BYTES:,} "
                    "bytes it may hold), so the step's log lists them with their files"
                )
            elif rows < len(problems):
                where = (
                    f"the job summary lists {rows:,} of them, errors first, and the step's log those with no annotation"
                )
        except OSError as exc:
            click.echo(f"{title}: cannot write the job summary {summary}: {exc.strerror or exc}", err=True)
    message = (
        f"{left} of {len(problems)} problems have no annotation (GitHub annotates at most {ANNOTATED_PER_LEVEL} "
        f"errors, {ANNOTATED_PER_LEVEL} warnings and {ANNOTATED_PER_LEVEL} notices of a step): {where}"
    )
    _say(github_notice(title, message))


def _check_summary(kb, kb_dir, problems: list, named: list | None, elsewhere: list, broken=()) -> str:
    """The last line of `recur check`: what was checked and what was found, nothing more (with
    FILES: only the named files, and how many problems the rest of the KB has, not shown: its errors and
    the warnings of cross-checks; its authoring warnings are not worked out, so not counted; ``broken``: those
    of them shown, references to an id no file has)."""
    counts = (
        f"{plural(sum(p.is_error for p in problems), 'error')}, "
        f"{plural(sum(p.level == 'warning' for p in problems), 'warning')}, "
        f"{plural(sum(p.level == 'notice' for p in problems), 'notice')}"
    )
    loaded = f"{len(kb.patterns)} patterns, {len(kb.incidents)} incidents, {len(kb.paths)} paths"
    if named is None:
        if not problems:
            n = len(kb.patterns) + len(kb.incidents) + len(kb.paths)
            return f"OK: {n} files in {kb_dir} follow the format ({loaded})."
        return f"{counts} in {kb_dir} ({loaded} loaded)"
    where = _named_where(kb_dir, named)
    rest = _broken_said(broken)
    elsewhere = [p for p in elsewhere if p not in broken]
    if any(p.level != "notice" for p in elsewhere):  # notices elsewhere said "0 errors, 0 warnings"
        rest += (
            f"; {plural(sum(p.is_error for p in elsewhere), 'error')}, "
            f"{plural(sum(p.level == 'warning' for p in elsewhere), 'warning')} elsewhere in {kb_dir} not shown (recur check without FILES lists them, with the "
            "authoring warnings of every file: worked out here for the named files only)"
        )
    if not problems:  # not "OK:" when the errors elsewhere fail the check (found in review)
        return f"{'No' if broken else 'OK: no'} problems in {where} (read with the rest of {kb_dir}: {loaded}){rest}."
    return f"{counts} in {where} (read with the rest of {kb_dir}: {loaded}){rest}"


def _named_where(kb_dir, named: list) -> str:
    """What `recur check FILES` checked: "the 2 named files", or with a folder among them the KB files
    under it ("recur check kb/patterns" said "the 1 named file(s)" of 60 patterns; found in review)."""
    from pathlib import Path

    folders = [n for n in named if (Path(kb_dir) / n).is_dir()]
    if not folders:
        return f"the {plural(len(named), 'named file')}"
    inside = {  # as on disk: a file with errors of its own is no record, and is checked too
        f.relative_to(kb_dir).as_posix()
        for n in folders
        for f in (Path(kb_dir) / n).rglob("*")
        if f.suffix in (".md", ".yml", ".yaml") and f.is_file()
    }
    files = len(inside | {n for n in named if n not in folders})
    return f"the {plural(files, 'file')} in {', '.join(named)}"


@click.command()
@kb_option
@index_option
@model_option
@click.option("--rebuild", is_flag=True, help="Re-embed every pattern instead of only the changed ones.")
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) when a pattern file has errors and would not be searched; the index is left as it was.",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="No progress notes or summary line (errors and warnings still print)."
)
def index(kb_dir, index_dir, model, rebuild, strict, quiet):
    """Build or update the search index (only changed patterns are re-embedded).

    A pattern file with errors is left out of the index, with a warning naming it; with --strict
    nothing is written and the command fails instead (for a scheduled update: the index served
    keeps the pattern as it was until the file is fixed)."""
    import time
    from pathlib import Path

    from recur.retrieval import index as index_mod
    from recur.retrieval.engine import ensure_index
    from recur.tuning.data import retune_advice

    t0 = time.perf_counter()
    _say_format_change(index_dir, kb_dir, rebuild, quiet, model)
    stats = ensure_index(
        kb_dir, index_dir, model, rebuild=rebuild, quiet=quiet, advise=retune_advice, verify=True, strict=strict
    )
    if stats is None or quiet:  # a build not quiet warned already; -q keeps warnings, as `check -q` does
        _warn_left_out(index_dir)
    _remove_left_temps(kb_dir, quiet)
    if quiet:
        return
    # the model the index was built with, which suggest and serve search with: found in review, neither
    # `recur index` nor `recur suggest` named it, so a rollback or a re-tune left it to be guessed
    model_id = (index_mod.read_manifest(Path(index_dir)) or {}).get("model") or "?"
    if stats is None:
        click.echo(f"Index {index_dir} is up to date (model {model_id}).", err=True)
    else:
        click.echo(
            f"Indexed {stats.patterns} patterns into {index_dir} (model {model_id}): {stats.embedded} embedded, "
            f"{stats.reused} unchanged, {stats.removed} removed ({time.perf_counter() - t0:.1f}s).",
            err=True,
        )


def _remove_left_temps(kb_dir, quiet: bool) -> None:
    """Remove the temp files writes killed mid-way left in the KB's folders (kb.temps), said unless ``quiet``: a
    write removes those of its own folder, but a folder nothing writes to again kept them for good. One in a folder
    this user cannot remove it from (a read-only mount, a KB another user owns) is named with who can, by hand: it
    was left unsaid, after `recur check` had said `recur index` would remove it."""
    from recur.kb.loader import display_path, require_kb_root
    from recur.kb.temps import removal_advice, remove_left_temps

    removed, refused = remove_left_temps(require_kb_root(kb_dir))
    if quiet:
        return
    if removed:
        names = ", ".join(display_path(p) for p in removed)
        click.echo(f"Removed {plural(len(removed), 'temp file')} that writes killed mid-way left: {names}", err=True)
    for path in refused:
        click.echo(
            f"Left {display_path(path)}, a temp file a write killed mid-way left: {removal_advice(path)}", err=True
        )


def _warn_left_out(index_dir) -> None:
    """The pattern files the index leaves out for errors, said on every run: an up-to-date index said only
    "is up to date." and `-q` nothing, while `severity: sev9` kept disk-full out of every answer (CLI review)."""
    from pathlib import Path

    from recur.retrieval import index as index_mod
    from recur.retrieval.engine import warn_left_out

    warn_left_out((index_mod.read_manifest(Path(index_dir)) or {}).get("left_out") or [])


def _say_format_change(index_dir, kb_dir, rebuild: bool, quiet: bool, model: str | None) -> None:
    """An index of another format is converted, and said so, as `recur suggest` says it ("Indexed 60
    patterns ... 60 unchanged" alone hid that the folder now needs this recur or a newer one)."""
    from pathlib import Path

    from recur.retrieval import index as index_mod
    from recur.retrieval.engine import say_build

    manifest = index_mod.read_manifest(Path(index_dir))
    if quiet or not manifest or manifest.get("format") == index_mod.FORMAT:
        return
    # a newer recur's index (unless --rebuild), no KB, a folder it cannot write: the error alone, not "updating it"
    said = index_mod.stale_reason(manifest, index_dir, kb_dir)
    say_build(kb_dir, index_dir, manifest, said, rebuild=rebuild, model=model)


def _reads_stdin(text: tuple) -> bool:
    return text == ("-",) or (not text and not stdin_is_tty())


def _read_query(text: tuple) -> str:
    """The text to search: the arguments, or stdin. Bytes that are not UTF-8 (a binary log line,
    a Latin-1 paste) are searched as U+FFFD, with a note: the rest of the text still counts."""
    from recur.util import utf8

    if _reads_stdin(text):
        say_paste("text")  # `recur suggest -` typed at a terminal: a silent wait looks like a hang
        data = _read_paste()
    else:
        data = " ".join(text)  # arguments arrive decoded with surrogateescape
    bad = utf8.count_bad(data)
    if bad:
        are = "is" if bad == 1 else "are"
        click.echo(
            f"recur: {plural(bad, 'byte')} of the text {are} not UTF-8; searching with U+FFFD in their place.", err=True
        )
    return utf8.clean(data)


# what `recur suggest` calls the one line it quotes of a paste read as one thing (retrieval.query's log_level): a few
# records' or a single line's message, a traceback's exception, a Go crash's panic; else "the first of them"
SAID_ALONE = {
    "record": "what it says",
    "line": "what it says",
    "traceback": "its exception",
    "panic": "its panic",
    "pods": "the pods searched",
    "nodes": "the nodes searched",
    "deployments": "the deployments searched",
    "usage": "the nodes searched",
    "containers": "the containers searched",
    "units": "the units searched",
    "filesystems": "the filesystems searched",
    "describe": "what it says failed",
    "events": "its Warning event",
    "node": "what it says is wrong",
}
# the most of stdin `recur suggest -` reads, keeping its end (read_stdin_tail): a log followed with -f never ends
STDIN_MOST = 64 * 1024 * 1024


def _read_paste() -> str:
    """stdin's text as searched: its last MAX_PASTE_CHARS characters from a line's start (query.paste_tail), said on
    stderr when there was more. A log's newest lines are its last: the first 1,000,000 characters of a pod's log
    were searched, and the error at its end was never read (found in review)."""
    from recur.retrieval.query import MAX_PASTE_CHARS, over_paste_tail, paste_tail

    # read past what is searched: a long paste is condensed (retrieval.query), and a stack trace's
    # root cause is at its end; bytes enough for one character more than is kept
    raw, total, stopped, head = read_stdin_tail(4 * (MAX_PASTE_CHARS + 1), STDIN_MOST, "recur suggest -")
    text, encoding = decode_paste(raw, cut=len(raw) < total, command="recur suggest -", head=head)
    data, dropped = paste_tail(text)
    if len(raw) < total or dropped:
        # in stdin's own bytes: UTF-16's were counted against the text's UTF-8 ones, and a whole UTF-16 paste of
        # 90 bytes was said to be "more than 1,000,000 characters" (a CLI review)
        left = total - len(data.encode(encoding, "surrogateescape" if encoding == "utf-8" else "replace"))
        click.echo(
            f"recur: {over_paste_tail('stdin', len(data), max(left, 0), stopped)}. Pass the part that matters, e.g. "
            "tail -n 200 app.log | recur suggest -",
            err=True,
        )
    return data


# how many of stdin's first bytes read_stdin_tail keeps beside its end: what tells a format by its start (gzip's magic)
STDIN_HEAD = 16


def say_paste(what: str) -> None:
    """At a terminal, before stdin is read: how to end the paste (read_stdin stops at one Ctrl-D on a line of its
    own; Windows' console ends input with Ctrl-Z then Enter). Off a terminal nothing (STILL_READING, later)."""
    if stdin_is_tty():
        click.echo(
            f"Paste or type the {what}, then press Ctrl-D on a line of its own (Ctrl-Z then Enter on Windows).",
            err=True,
        )


# how long a pipe may stay open, read from, before read_stdin_tail says it reads it to its end: `kubectl logs -f
# deploy/x | recur suggest -` waited in silence for ever (a followed log never ends; found in review)
STILL_READING_AFTER = 2.0


def _still_reading(command: str) -> str:
    return (
        "recur: reading standard input until it ends, and it is still open; if it is a followed log (-f), it never "
        f"ends: pass a part of it, e.g. kubectl logs deploy/x | head -n 500 | {command}; Ctrl-C stops."
    )


def _stderr_is_tty() -> bool:
    """Whether stderr is a terminal, a person watching it (closed, `2>&-`: None, no terminal)."""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (ValueError, AttributeError):  # closed, or a stand-in with no isatty
        return False


def _is_pipe(stream) -> bool:
    """Whether ``stream`` is a pipe or a socket, which may stay open for ever (a file, or a test's
    in-memory stdin, ends)."""
    import os
    import stat

    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def read_stdin_tail(keep: int, most: int, command: str = "recur suggest -") -> tuple[bytes, int, bool, bytes]:
    """(the last ``keep`` bytes of stdin, or of its first ``most``; how many bytes were read in all; whether
    reading stopped at ``most`` before stdin's end; its first STDIN_HEAD bytes, which the end of a longer
    stream no longer starts with: a 9 MB .gz was searched as text, its magic bytes gone with its start, found
    in review). A terminal's paste is read as read_stdin reads it. A pipe still open after STILL_READING_AFTER
    seconds is said once on stderr, with how to end it (``command``, the one reading it, in the example), when stderr
    is a terminal: the note is for a person waiting; a slow producer that ends, `(sleep 6; echo disk full) | recur
    suggest -` in cron, had it mailed every run (found in review)."""
    import threading

    stream = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
    if stream is None or stdin_is_tty():
        raw = read_stdin(keep)
        return raw, len(raw), False, raw[:STDIN_HEAD]
    note = None
    if _is_pipe(stream) and _stderr_is_tty():
        note = threading.Timer(STILL_READING_AFTER, click.echo, (_still_reading(command),), {"err": True})
        note.daemon = True  # never holds the process: the read ends it, or Ctrl-C
        note.start()
    try:
        return _read_tail(stream, keep, most)
    finally:
        if note is not None:
            note.cancel()


def _read_tail(stream, keep: int, most: int) -> tuple[bytes, int, bool, bytes]:
    """read_stdin_tail's reading of a stream that is no terminal."""
    buf, total, head = bytearray(), 0, b""
    while total < most:
        chunk = stream.read(min(1 << 20, most - total))
        if not chunk:
            return bytes(buf[-keep:]), total, False, head
        if len(head) < STDIN_HEAD:
            head += chunk[: STDIN_HEAD - len(head)]
        buf += chunk
        total += len(chunk)
        if len(buf) > 2 * keep:  # only the end is kept: memory stays under ~2 * keep
            del buf[: len(buf) - keep]
    return bytes(buf[-keep:]), total, stream.read(1) != b"", head


def decode_paste(raw: bytes, cut: bool = False, command: str = "recur suggest -", head: bytes = b"") -> tuple[str, str]:
    """(stdin's bytes as text, the encoding they were read in). UTF-8, bytes that are not kept as lone surrogates
    (said, then searched as U+FFFD), its byte-order mark dropped; UTF-16 with its byte-order mark (Notepad's
    "Unicode", Windows PowerShell's `>`, Event Viewer's text export) as UTF-16, as `recur import` reads it, and
    without one (PowerShell's pipe) by its NUL bytes, one in each ASCII character, all at odd offsets (UTF-16LE) or
    all at even ones (BE). ``cut``: ``raw`` is the end of a longer stream, read from its first whole line. Gzip
    (its magic bytes, at the start of ``head``: the stream's first bytes, else ``raw``'s) is a usage error naming
    ``command`` to zcat it into. Found in review: a UTF-16 file was
    searched as "x\\x005\\x000...", a UTF-8 BOM hid an alert's JSON, and in a CLI review UTF-16LE without a
    BOM was searched NUL-interleaved, a gzip file as text."""
    import codecs

    if (head or raw).startswith(b"\x1f\x8b"):
        raise click.UsageError(f"stdin looks gzip-compressed: zcat it first, e.g. zcat app.log.gz | {command}")
    encoding = utf8.utf16_encoding(raw, cut)
    if encoding is None:
        text, encoding = raw.removeprefix(codecs.BOM_UTF8).decode("utf-8", "surrogateescape"), "utf-8"
    else:
        # the end of a stream ends on a whole character: an odd tail starts inside one
        body = raw[1:] if cut and len(raw) % 2 else raw
        text = body.decode(encoding, "replace")  # a stream cut at the read limit may end in half a character
    if cut:  # the bytes kept may start inside a line, or inside a character: from the next line
        text = text[text.find("\n") + 1 :]
    return text, encoding


def stdin_is_tty() -> bool:
    """Whether stdin is a terminal. Started with stdin closed (`<&-`, a service manager's choice), Python
    sets ``sys.stdin`` to None, and `sys.stdin.isatty()` was a traceback (found in review: `recur suggest`,
    `recur incident new`, `recur incident link`): closed stdin is no terminal, and holds no input
    (read_stdin), so each command says what it says for no input."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # a stream closed in the process (an embedding host): no terminal either
        return False


def read_stdin(limit: int) -> bytes:
    """At most ``limit`` bytes of stdin (a pasted log may be endless: `kubectl logs -f | recur
    suggest -`, or larger than memory); decoding is the caller's choice (a strict locale would
    raise on a bad byte). Closed stdin (None: stdin_is_tty) holds nothing."""
    if sys.stdin is None:
        return b""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream (tests, an embedding host)
        return sys.stdin.read(limit).encode("utf-8", "surrogateescape")[:limit]
    chunks, size = [], 0
    tty = stdin_is_tty()
    while size < limit:  # read() returns less than asked on a pipe: read until EOF or the limit
        chunk = stream.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        # at a terminal, a short read is the Ctrl-D the prompt asked for: reading on waited for a
        # second one, and the answer to the next prompt was taken as more of the paste (found in review)
        if tty and len(chunk) < limit - (size - len(chunk)):
            break
    return b"".join(chunks)


class _QueriesFile(click.File):
    """--queries FILE, where ``-`` with stdin closed (`<&-`) is no input, as for `recur suggest -`: click's
    File raised "Was not able to determine binary stream for sys.stdin" as a traceback (found in review)."""

    def convert(self, value, param, ctx):
        if value == "-" and sys.stdin is None:
            import io

            empty = io.BytesIO(b"")
            empty.name = "<stdin>"
            return empty
        return super().convert(value, param, ctx)


# what a pasted alert list's note tells a terminal's user to do about the alerts not searched (query.Prepared.said),
# as MCP and Slack say theirs: "POST the payload to /api/alertmanager" (the API's) needs a server running
TERMINAL_OTHERS = "to have one answered, recur suggest that alert alone (its JSON, or its name and summary)"


def _suggest_batch(kb_dir, index_dir, model, top, queries) -> None:
    """One answer line per --queries line, in order."""
    from recur.retrieval.engine import Engine
    from recur.retrieval.query import MAX_QUERY_CHARS, STATUS_TABLES, prepare
    from recur.tuning.data import retune_advice

    items = _read_jsonl(queries)
    if not items:
        click.echo(f"recur: no queries in {queries.name}; nothing to answer.", err=True)
        return
    long = sum(len(q) > MAX_QUERY_CHARS for q, _ in items)
    if long:  # each is condensed by the engine (retrieval.query), as recur suggest - does
        click.echo(
            f"recur: {long} quer{'y is' if long == 1 else 'ies are'} over {MAX_QUERY_CHARS:,} characters; "
            "each is condensed to fit: repeated stack-frame lines, then the middle but its error lines, left out.",
            err=True,
        )
    read = [prepare(q) for q, _ in items]
    # a few records, a single line: their note says it
    read_alone = {"record", "line", "pods", "describe", "events", *STATUS_TABLES}
    logs = sum(1 for p in read if p.log_lines and p.log_level not in read_alone)
    if logs:  # each answer's query_note says how many lines of how many
        click.echo(
            f"recur: {logs} quer{'y is a log' if logs == 1 else 'ies are logs'}: each is searched by its error lines "
            "(its answer's query_note says how many).",
            err=True,
        )
    engine = Engine.open(kb_dir, index_dir, model, advise=retune_advice, progress=None)
    answers: list = [None] * len(items)
    for n in sorted({extra.get("top") or top for _, extra in items}):  # one batch per top asked for
        rows = [k for k, (_, extra) in enumerate(items) if (extra.get("top") or top) == n]
        for k, answer in zip(rows, engine.answer_many([items[k][0] for k in rows], top=n, others=TERMINAL_OTHERS)):
            answers[k] = answer
    for (_, extra), answer in zip(items, answers):
        click.echo(json.dumps(answer.to_json(extra), ensure_ascii=False))


class _Suggest(TextCommand):
    """`recur suggest TEXT`: a pasted text that starts with - is told to have -- before it."""

    doing = "search"


@click.command(cls=_Suggest)
@kb_option
@index_option
@model_option
@click.option(
    "--top",
    "-n",
    default=5,
    show_default=True,
    type=click.IntRange(1, config.MAX_TOP),
    help='How many patterns (a --queries line\'s own "top" wins).',
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print {query, query_note, no_known_pattern, results, likelier, credible, corrected, meant, about_no_failure} as JSON.",
)
@click.option(
    "--queries",
    type=_QueriesFile("rb"),
    help='JSONL file of {"query": ..., "top": N (optional)}; prints one JSON line per query.',
)
@click.option("--steps", default=3, show_default=True, type=click.IntRange(0, 50), help="Runbook steps to show.")
@click.option(
    "--site-url",
    "site_url",
    **setting("site_url"),
    metavar="URL",
    callback=http_url,
    help="Where the site (recur site) is published: each pattern's 'read more' is its page there, as Slack, MCP "
    "and recur report link it, not its KB file (env RECUR_SITE_URL).",
)
@click.argument("text", nargs=-1)
def suggest(kb_dir, index_dir, model, top, as_json, queries, steps, site_url, text):
    """Suggest the known failure patterns that match TEXT (or - / stdin: paste logs or an alert).

    \b
    recur suggest "checkout 502s after deploy, pods restarting"
    kubectl logs pod/api-7f9 | recur suggest -
    recur suggest --queries cases.jsonl --top 10 > results.jsonl
    """
    from recur.retrieval.engine import Engine
    from recur.retrieval.query import prepare
    from recur.tuning.data import retune_advice

    if queries is not None:
        if text:  # one of the two would be dropped without a word
            raise click.UsageError("give TEXT or --queries FILE, not both")
        _suggest_batch(kb_dir, index_dir, model, top, queries)
        return
    _refuse_lone_dash(text)
    query = _read_query(text).strip()
    # colour codes alone ("\x1b[0m" of a coloured grep that matched nothing) and zero-width characters alone
    # are no text: searched, nothing was left, and the answer advised recording a new failure ("No known
    # pattern matches this. If it is new ..."); the API, MCP and Slack refuse them alike
    if not has_text(query):
        # what was given, said as the API and MCP say it: a pipe of colour codes alone was piped in all the same
        only = f" ({ONLY_INVISIBLE})" if query else ""
        if _reads_stdin(text):
            said = f"stdin has nothing to search{only}" if only else "stdin held no text to search"
            raise click.UsageError(
                f"{said}: pipe {'the text' if only else 'it'} in, e.g. tail -n 200 app.log | recur suggest -"
            )
        said = f"TEXT has nothing to search{only}: " if only else ""
        raise click.UsageError(f'{said}give a description: recur suggest "what you see" (or - to read stdin)')
    # what the engine searches: a pasted alert by its first firing alert, a long paste condensed, said here
    prepared = prepare(query)
    if _said_nothing_searched(prepared, as_json):
        return
    if prepared.log_lines:  # how many lines alone did not show a responder which ones were read
        click.echo(f"recur: {_first_searched(prepared)}", err=True)
    engine = Engine.open(kb_dir, index_dir, model, advise=retune_advice, progress=None)
    answer = engine.answer(query, top=top, others=TERMINAL_OTHERS)
    if not as_json:
        _say_typos(answer)
        _say_model(engine.manifest.get("model"))
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        from recur.cli.render import RecordAs, render_answer
        from recur.ingest.pasted_log import record_title

        flags = config.where_flags(kb_dir, index_dir)
        # read on stdin: the command reads it there again (a pipe's text is no shell argument)
        record = RecordAs(record_title(prepared, query), None if _reads_stdin(text) else query)
        record = _looked_up(record, query, kb_dir, engine) if Path(kb_dir).is_dir() else None
        click.echo(render_answer(answer, steps=steps, kb_dir=kb_dir, flags=flags, site_url=site_url, record=record))


def _first_searched(prepared) -> str:
    """What `recur suggest` says of a log's lines searched: the first of them, quoted; one record's message, or one
    traceback's exception or Go crash's panic, is no "first of them", nor a pod table's pods alike, one line
    ("payments-api 0/1 CrashLoopBackOff" for its two replicas)."""
    from recur.cli.render import first_log_line

    alone = SAID_ALONE.get(prepared.log_level)
    one = prepared.log_kept == 1 or prepared.text.count("\n") - prepared.log_after == prepared.log_before
    return f"{alone if alone and one else 'the first of them'}: {first_log_line(prepared)}"


def _said_nothing_searched(prepared, as_json: bool) -> bool:
    """Says what was searched of the text (its note) on stderr; of a paste that is no alert nor incident (an AWS SNS
    subscription confirmation, query.Prepared.not_alert) or a text with nothing to search once read (code fences
    alone, "```": Prepared.unsearched), that nothing was, on stdout as the answer, and True: its token, signature
    and URLs were searched as words and the closest patterns shown (found in a responder's review). Its --json
    answer (no result, the note as query_note) is printed as any other."""
    if prepared.unsearched and not as_json:
        click.echo(f"Nothing searched: {prepared.unsearched}.")
        return True
    if note := prepared.said(TERMINAL_OTHERS):
        click.echo(f"recur: {note}.", err=True)
    return False


def _refuse_lone_dash(text: tuple) -> None:
    """`recur suggest - foo` searched "- foo", and `recur suggest disk -` "disk -", reading no stdin (found in
    review): a lone - first or last is meant as stdin's, a usage error; one between words ("502 - bad gateway")
    is text."""
    if len(text) > 1 and "-" in (text[0], text[-1]):
        words = " ".join(t for t in text if t != "-")
        # `recur suggest - -` has no words to give alone: "(recur suggest )" was said (found in review)
        alone = f"give the words alone (recur suggest {words}), or - alone" if words else "give - once"
        raise click.UsageError(f"a lone - beside the words: {alone} to read stdin (… | recur suggest -)")


def _say_model(model_id) -> None:
    """The model that answered, said on stderr when it is not the bundled one (a tuned model, `--model` another),
    named as `recur index` names it (the index's manifest): after a `recur tune`, a `--rollback` or a RECUR_TUNED
    change, which model answered was left to be guessed (found in review; `recur index` and serve name it). The
    bundled model, and the fake encoder of tests, go unsaid."""
    from recur.retrieval import embed

    if not isinstance(model_id, str) or not model_id or model_id.startswith("fake-hash-"):
        return
    try:
        bundled = embed.resolve(embed.DEFAULT).model_id
    except RecurError:  # the bundled package missing: whatever answered is another model
        bundled = None
    if model_id != bundled:
        what = "the tuned model" if model_id.startswith("tuned:") else "model"
        click.echo(f"recur: answered with {what} {model_id}, not the bundled one.", err=True)


def _say_typos(answer) -> None:
    """The typos read as the KB's words (search.TYPO), said on stderr as the notes before the answer are."""
    from recur.retrieval.results import typo_note

    if answer.corrected:
        click.echo(f"recur: {typo_note([(c['word'], c['read_as']) for c in answer.corrected])}.", err=True)


def _looked_up(record, query: str, kb_dir, engine):
    """``record`` (render.RecordAs) marked with what ``query`` already is: a pattern's id, or the title of a
    recorded incident; the footer then proposes no record (render.known_text). One line at most: an id or a
    title is, and a paste is loaded no KB for."""
    import dataclasses

    from recur.kb.incident_record import recorded_with_title

    if "\n" in query or len(query) > 500:
        return record
    from recur.retrieval import patterns as pat

    # read as `recur show` reads an id (case, recur://patterns/, a retired one): `recur suggest Disk-Full`
    # proposed a record, and a retired id a record linked to its successor (found in a re-read)
    pid, gone = pat.given_pattern_id(query), pat.retired(engine.manifest)
    if pid in engine.docs:
        return dataclasses.replace(record, pattern=pid)
    if pid in gone.paths:
        return dataclasses.replace(record, pattern=pid, successors=tuple(gone.successors.get(pid, ())))
    incident = recorded_with_title(kb_dir, query)
    return dataclasses.replace(record, incident=incident) if incident else record


def _read_jsonl(fh) -> list:
    """(query, other fields) per line; lines that are not UTF-8 JSON objects with a query are
    errors naming them, every one of them before anything is answered (the answers echo each
    line's fields: a batch must not come back changed)."""
    items, errors = [], []
    for n, raw in enumerate(fh, 1):
        try:
            item = _jsonl_item(raw, f"{fh.name}:{n}")
        except RecurError as exc:
            errors.append(str(exc))
            continue
        if item is not None:
            items.append(item)
    if errors:
        from recur.util.text import cut_list

        more = f"... and {plural(len(errors) - MAX_SHOWN_ERRORS, 'more line')} like these"
        raise RecurError("\n".join(cut_list(errors, MAX_SHOWN_ERRORS, more)))
    return items


MAX_SHOWN_ERRORS = 20


def _not_json(name: str):
    """Python's json reads NaN and Infinity, which JSON has not: the extra keys of a line are echoed
    in the answer, and a NaN there would make the output unreadable to jq and other strict readers."""
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    """A number past a float's range (1e999) is read as inf, which is echoed as Infinity: not JSON either."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is too large a number")
    return value


def _jsonl_item(raw: bytes, where: str):
    from recur.util import utf8

    line = utf8.decode(raw, where)
    if not line.strip():
        return None
    try:
        obj = json.loads(line, parse_constant=_not_json, parse_float=_finite)
    except json.JSONDecodeError as exc:  # no field to name: where in the line it broke
        raise RecurError(f"{where}: column {exc.colno}: not valid JSON ({exc.msg})") from None
    except ValueError as exc:  # NaN, Infinity or 1e999, in whichever field
        raise RecurError(f"{where}: not valid JSON ({exc})") from None
    except RecursionError:  # [[[[...]]]] a thousand deep: the API's 400 says the same
        raise RecurError(f"{where}: not valid JSON here (nested too deeply)") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("query"), str) or not has_text(obj["query"]):
        raise RecurError(f'{where}: query: each line must be an object with a non-empty "query" string')
    bad = utf8.bad_field(obj)
    if bad:
        raise RecurError(f"{where}: {bad[0]}: {bad[1]}")
    top = obj.get("top")  # a line's own "top" is answered (it was echoed back, and -n answered); null: -n
    if isinstance(top, float) and top.is_integer():  # 2.0, as some encoders write every number: the API takes it
        top = obj["top"] = int(top)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= config.MAX_TOP):
        raise RecurError(
            f"{where}: top: must be a whole number from 1 to {config.MAX_TOP}, not {json.dumps(obj['top'])}"
        )
    # stripped as a single question is (the answer echoed "  OOMKilled  " where the API said "OOMKilled")
    return obj["query"].strip(), {k: v for k, v in obj.items() if k != "query"}


@click.command("eval")
@kb_option
@index_option
@model_option
@click.option(
    "--cases",
    "cases_file",
    type=click.Path(dir_okay=False, exists=True),
    help="Cases file (default: KB/eval/cases.yml).",
)
@click.option(
    "--min-recall1",
    **setting("min_recall1"),
    show_default=True,
    type=UNIT,
    help="Fail below this recall@1 (env RECUR_MIN_RECALL1).",
)
@click.option(
    "--min-recall3",
    **setting("min_recall3"),
    show_default=True,
    type=UNIT,
    help="Fail below this recall@3 (env RECUR_MIN_RECALL3).",
)
@click.option(
    "--min-mrr", **setting("min_mrr"), show_default=True, type=UNIT, help="Fail below this MRR (env RECUR_MIN_MRR)."
)
@click.option(
    "--max-flagged",
    **setting("max_flagged"),
    type=UNIT,
    help="Fail when more than this share of the answerable cases is answered 'no known pattern' with its "
    "pattern in the top 3 (env RECUR_MAX_FLAGGED; default: not checked).",
)
@click.option(
    "--baseline",
    "baseline",
    type=click.Path(file_okay=False, exists=True),
    help="The KB folder of the commit to compare with (a pull request's base): the same cases asked of it; "
    "exits 1 when recall@3 or MRR dropped, a case left the top 3, or a case it answered is answered "
    "'no known pattern' now.",
)
@click.option(
    "--baseline-index",
    "baseline_index",
    type=click.Path(file_okay=False),
    help="The baseline's index folder (default: beside --index, INDEX-baseline).",
)
@click.option(
    "--tolerance", type=UNIT, help="With --baseline: the drop of recall@3 or MRR allowed (default 0: any drop fails)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: also each failing case as a GitHub Actions annotation at its line of the cases file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics and the misses as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="List every case that missed the top 3.")
def eval_cmd(
    kb_dir,
    index_dir,
    model,
    cases_file,
    min_recall1,
    min_recall3,
    min_mrr,
    max_flagged,
    baseline,
    baseline_index,
    tolerance,
    fmt,
    as_json,
    verbose,
):
    """Measure retrieval on the KB's own cases: recall@1, recall@3, MRR.

    A case is a hit at k when any one of its expect ids ranks in the top k (not all of them);
    MRR takes the best-ranked one. It also says what responders are shown: how many cases are
    answered "no known pattern" with their pattern in the top 3, and the right result's confidence
    (high, medium, low). Exits 1 below the thresholds (and above --max-flagged), so a KB's CI catches a change
    that makes search worse; with --baseline also when it ranks the same cases worse than the
    baseline KB (a pull request's base) does, or answers "no known pattern" where that KB answered.
    """
    from recur.cli.evalbase import github_problems, show_comparison
    from recur.kb.loader import display_path
    from recur.retrieval.engine import Engine
    from recur.retrieval.evaluate import metrics, run_cases
    from recur.tuning.data import retune_advice

    _eval_usage(as_json, fmt, baseline, baseline_index, tolerance)
    path, cases = _eval_cases(kb_dir, cases_file)
    if not cases:
        _no_cases(path, as_json)
        return
    engine = Engine.open(kb_dir, index_dir, model, advise=retune_advice, progress=None)
    lost = _note_unsearchable(path, cases, set(engine.searcher.index.docs), engine.manifest)
    results = run_cases(engine, cases)
    m = metrics(results)
    seen = _shown_noted(path, results, lost)
    below, flagged = _below(m, min_recall1, min_recall3, min_mrr), _flagged_over(seen, max_flagged)
    fails = below + flagged
    comp = extra = None
    if baseline:
        comp, extra = _against_baseline(
            kb_dir, index_dir, model, engine, cases, results, baseline, baseline_index, tolerance or 0.0
        )
        fails += comp.failed
    model_id = engine.manifest["model"]
    _show_eval(
        m, model_id, results, fails, as_json=as_json, verbose=verbose, unsearchable=lost, seen=seen, baseline=extra
    )
    if comp is not None and not as_json:
        show_comparison(comp, baseline, display_path(path), extra["left_out"])
    if fmt == "github":
        _annotate(github_problems(display_path(path), results, bool(below), comp, bool(flagged)))
    if fails:
        click.echo("FAILED: " + "; ".join(fails), err=True)
        sys.exit(1)


def _eval_usage(as_json: bool, fmt: str, baseline, baseline_index, tolerance) -> None:
    """The flags of `recur eval` that exclude or need each other, refused as usage errors (exit 2)."""
    if as_json and fmt != "text":
        raise click.UsageError("--json and --format github exclude each other: give one")
    if not baseline and (baseline_index or tolerance is not None):
        # without a baseline nothing is compared: said, not ignored, or a run meant to compare passes on thresholds alone
        raise click.UsageError(
            f"{'--baseline-index' if baseline_index else '--tolerance'} is for --baseline DIR: give it too"
        )


def _no_cases(path: Path, as_json: bool) -> None:
    """Said of a cases file with no case: a new KB (recur init) has none yet, and its first `make test` must
    not fail on them."""
    from recur.kb.loader import display_path
    from recur.retrieval.evaluate import shown

    click.echo(
        f"No retrieval cases in {display_path(path)} yet: nothing to measure. Add one per pattern, "
        "in a responder's words: - {query: ..., expect: [<pattern id>]}",
        err=True,
    )
    if as_json:
        # the keys of a measured run, so a script reads them either way: nothing measured is null
        empty = {"cases": 0, "recall@1": None, "recall@3": None, "recall@5": None, "mrr": None, "model": None}
        seen = {**shown([], 0), "confidence": None}  # shown()'s keys, not typed out again
        click.echo(json.dumps({**empty, "failed": [], "misses": [], "unsearchable": [], **seen}, indent=1))


def _below(m: dict, min_recall1: float, min_recall3: float, min_mrr: float) -> list[str]:
    """The thresholds the metrics are below, as FAILED says them."""
    fails = []
    if m["recall@1"] < min_recall1:
        fails.append(f"recall@1 {m['recall@1']:.3f} < {min_recall1}")
    if m["recall@3"] < min_recall3:
        fails.append(f"recall@3 {m['recall@3']:.3f} < {min_recall3}")
    if m["mrr"] < min_mrr:
        fails.append(f"MRR {m['mrr']:.3f} < {min_mrr}")
    return fails


def _flagged_over(seen: dict, max_flagged: float | None) -> list[str]:
    """--max-flagged's failure, as FAILED says it (none when the flag is not given or nothing is answerable). The
    share itself against the limit as written, in fractions: flagged_share, rounded to 4 places, failed 14 of 95
    (0.147368...) at 0.14737 and said "(0.147 > 0.147)" at 0.147; and in floats 0.57 * 100 is 56.99999999999999, so
    57 of 100 would fail a limit of 0.57."""
    flagged, answerable = seen["flagged"], seen["answerable"]
    if max_flagged is None or not answerable or Fraction(flagged, answerable) <= Fraction(repr(max_flagged)):
        return []
    return [
        f"{flagged} of {answerable} answerable cases answered 'no known pattern' with their pattern in the top 3 "
        f"({flagged}/{answerable} = {flagged / answerable:.4f} > {max_flagged:g})"
    ]


def _annotate(problems: list) -> None:
    """`recur eval --format github`'s workflow commands, printed by `recur check --format github`'s own code (the
    file from the repository's root, escaped; those GitHub would drop as plain lines, with the notice saying how
    many have none and the job summary listing them all): a copy of it here had neither (found in review)."""
    _print_problems(problems, "github", True, title="recur eval")


def _against_baseline(kb_dir, index_dir, model, engine, cases, results, baseline, baseline_index, tolerance):
    """(the comparison with the baseline KB, --json's ``baseline`` object): the cases searchable in both asked
    of the baseline, with this run's model, and compared with this KB's ranks of them."""
    from recur.cli import evalbase
    from recur.retrieval.evaluate import compare, run_cases
    from recur.retrieval.models import active_model

    base_index = evalbase.baseline_index(index_dir, baseline_index)
    base_engine = evalbase.open_baseline(baseline, base_index, index_dir, active_model(kb_dir, model))
    keep, left = evalbase.split_cases(cases, set(engine.searcher.index.docs), set(base_engine.searcher.index.docs))
    base_results = run_cases(base_engine, [cases[n] for n in keep])
    comp = compare(base_results, [results[n] for n in keep], tolerance)
    return comp, evalbase.comparison_json(comp, baseline, base_index, len(keep), left)


def _note_unsearchable(path: Path, cases: list, indexed: set, manifest: dict) -> list[dict]:
    """Name the cases none of whose patterns is in the index (retired, or left out of the KB for an
    error): they can only miss, and counted among the others they looked like ranking failures.
    Returns them as ``recur eval --json`` gives them: {line, query, expect, why}."""
    from recur.kb.loader import display_path
    from recur.retrieval.patterns import retired
    from recur.util.text import cut_list

    gone = retired(manifest)
    lost = [c for c in cases if not indexed.intersection(c.expect)]
    if lost:
        rows = [
            f"  {display_path(path)}:{c.line}: {', '.join(pid + _by(gone, pid, ' (', ')') for pid in c.expect)}"
            for c in lost
        ]
        click.echo(
            f"note: {plural(len(lost), 'case')} {'expects' if len(lost) == 1 else 'expect'} only patterns the index does not have (retired, or left out for "
            "an error: recur check says which); they count as misses:\n"
            + "\n".join(cut_list(rows, MAX_SHOWN_ERRORS, "  ... and {n} more")),
            err=True,
        )
    return [
        {
            "line": c.line,
            "query": c.query,
            "expect": list(c.expect),
            "why": "; ".join(
                f"{pid}: retired{_by(gone, pid, ', ')}"
                if pid in gone.paths
                else f"{pid}: not in the index (left out for an error: recur check)"
                for pid in c.expect
            )
            + ": the case can only miss",
        }
        for c in lost
    ]


def _shown_noted(path: Path, results: list, lost: list[dict]) -> dict:
    """evaluate.shown of the cases, ``lost`` (_note_unsearchable's) and those not searched not answerable, the
    latter named on stderr (_note_not_searched)."""
    from recur.retrieval.evaluate import shown

    lost_lines = {c["line"] for c in lost}
    seen = shown(results, sum(1 for r in results if r.line not in lost_lines and r.not_searched is None))
    _note_not_searched(path, seen["not_searched"])
    return seen


def _note_not_searched(path: Path, cases: list[dict]) -> None:
    """Name the cases whose text was not searched (evaluate.shown's ``not_searched``: a pasted SNS subscription
    confirmation, a text with nothing to search), each with why, on stderr as the unsearchable ones are named:
    counted "not flagged" among the answerable ones, they read as questions the model answered."""
    from recur.kb.loader import display_path
    from recur.retrieval.results import nothing_searched
    from recur.util.text import cut_list

    if not cases:
        return
    rows = [f"  {display_path(path)}:{c['line']}: {nothing_searched(c['why'])}" for c in cases]
    one = len(cases) == 1
    click.echo(
        f"note: {plural(len(cases), 'case')} {'was' if one else 'were'} not searched (no verdict): "
        f"{'it is' if one else 'they are'} left out of the answerable cases and count as misses:\n"
        + "\n".join(cut_list(rows, MAX_SHOWN_ERRORS, "  ... and {n} more")),
        err=True,
    )


def _by(gone, pid: str, before: str, after: str = "") -> str:
    """The "superseded by X" of a retired id whose superseded_by the index recorded: the pattern the
    case should expect instead ("" for any other id)."""
    found = gone.successors.get(pid)
    return f"{before}superseded by {' and '.join(found)}{after}" if found else ""


def _eval_cases(kb_dir, cases_file) -> tuple[Path, list]:
    """(cases file, its cases); every error in it (an unknown pattern id included) raised at once."""
    from recur.kb.check import expect_problems
    from recur.kb.loader import display_path, read_cases, require_kb_root

    require_kb_root(kb_dir)  # run from the wrong folder: say so, not "no cases.yml"
    path = Path(cases_file) if cases_file else Path(kb_dir) / "eval" / "cases.yml"
    if not path.is_file():
        raise RecurError(f"{path}: no such file (retrieval cases: a list of {{query, expect: [ids]}})")
    cases, problems = read_cases(path, kb_dir)
    ids = {f.stem for f in (Path(kb_dir) / "patterns").rglob("*.md")}  # a pattern's id is its file name
    problems += expect_problems(cases, display_path(path), lambda pid: not ids or pid in ids, ids)
    errs = [p for p in problems if p.is_error]
    if errs:
        raise RecurError("\n".join(map(str, errs)))
    return path, cases


def _show_eval(
    m: dict,
    model_id: str,
    results: list,
    fails: list,
    *,
    as_json: bool,
    verbose: bool,
    unsearchable: list,
    seen: dict,
    baseline: dict | None = None,
) -> None:
    """The metrics as JSON (with the misses, each with its line as -v gives it, and the cases that can only
    miss), or as one line (and with --verbose each miss); ``model_id`` is the index's model, from its manifest;
    ``seen``: what responders are shown (evaluate.shown), after the metrics."""
    if as_json:
        click.echo(
            json.dumps(
                {
                    **m,
                    "model": model_id,
                    "failed": fails,
                    "misses": [
                        {"query": r.query, "expect": r.expect, "got": r.ranked[:3], "rank": r.rank, "line": r.line}
                        for r in results
                        if r.missed
                    ],
                    "unsearchable": unsearchable,
                    **seen,
                    **({"baseline": baseline} if baseline is not None else {}),
                },
                indent=1,
            )
        )
    else:
        click.echo(
            f"{m['cases']} cases · recall@1 {m['recall@1']:.3f} · recall@3 {m['recall@3']:.3f} · "
            f"recall@5 {m['recall@5']:.3f} · MRR {m['mrr']:.3f}  (model {model_id})"
        )
        _show_shown(seen, results, verbose)
        if verbose:
            for r in results:
                if r.missed:
                    said = f"rank {r.rank or '>10'} for {r.expect} — got {r.ranked[:3]}"
                    if r.not_searched:  # no rank: nothing was
                        said = f"not searched for {r.expect} — {r.not_searched}"
                    click.echo(f"  line {r.line}: {said}: {r.query[:80]}")


def _show_shown(seen: dict, results: list, verbose: bool) -> None:
    """The line under the metrics saying what responders are shown for the cases (the ranks alone read 1.000
    while 4 of 11 cases were answered "no known pattern"), and with --verbose each case so answered."""
    c = seen["confidence"]
    click.echo(
        f"Shown to responders: {seen['flagged']} of {plural(seen['answerable'], 'answerable case')} answered "
        f"'no known pattern' with their pattern in the top 3 · the right result's confidence: "
        f"{c['high']} high, {c['medium']} medium, {c['low']} low"
        + (f" · {len(seen['not_searched'])} not searched (no verdict)" if seen["not_searched"] else "")
    )
    if verbose:
        for r in results:
            if r.flagged_in_top:
                click.echo(f"  line {r.line}: {r.flagged_said}: {r.query[:80]}")
