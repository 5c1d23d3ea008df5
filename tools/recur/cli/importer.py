"""`recur import`: the command line over recur.ingest.importer."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import click

from recur import config
from recur.cli.options import (
    CATEGORY,
    DATE,
    INCIDENT_ID,
    day_come,
    flag_severity,
    index_option,
    kb_option,
    model_option,
    writes_then_says,
)
from recur.ingest.importer import (
    BY_DRAFT,
    BY_ELSEWHERE,
    BY_MOVED,
    BY_NAMED,
    BY_REFERENCES,
    CHANGED,
    NotAPostmortem,
    OneEngine,
    import_postmortem,
    render_text,
)
from recur.ingest.pm_merge import FlagRefused
from recur.util.errors import RecurError
from recur.util.text import plural

# --review-done given alone, no DATE after it: the review was held today
_TODAY = "today"


# ctx.meta's key: --review-done was given a DATE (not alone), one document's day (refused with a folder)
_HELD_ON = "recur.import.review_done_day"


def _held(ctx: click.Context, value: str | None):
    """--review-done's day: today when given alone, else its DATE. An optional value takes the word after it:
    `--review-done pm.md` took the file for the date, and click then said FILE was missing."""
    if value is None:
        return None
    if value == _TODAY:
        return config.today()
    ctx.meta[_HELD_ON] = True
    try:
        return day_come(value, "--review-done", "held")
    except click.BadParameter:
        # the date first: a file named as a day (2026-12-01-pm.md) is no date, and is the FILE put after it
        if Path(value).is_file():
            raise click.UsageError(
                f"--review-done took {value!r} for its DATE: put FILE first (recur import {value} --review-done) "
                "or give the date (--review-done YYYY-MM-DD)"
            ) from None
        raise


def _refuse_stdin(file: str) -> None:
    """``-`` (stdin, as `recur suggest -` and `incident new -d -` read it) is refused with why and what to do:
    click said "File '-' does not exist" (found in review). The import keys a document by its file's name
    (imported.source): a second import of the same file is found by it, and what changed since is named, which
    no name for stdin could do (every paste would be "stdin", one document)."""
    if file == "-":
        raise click.UsageError(
            "FILE: - (stdin) is not read: recur import needs the postmortem's file, whose name it records "
            "(imported.source) to find a later import of the same document and name what changed; save it "
            "first, e.g. xclip -o > postmortem.md && recur import postmortem.md"
        )


@writes_then_says
@click.command("import")
@kb_option
@index_option
@model_option
@click.argument("file", type=click.Path(exists=True, allow_dash=True))
@click.option("--id", "iid", type=INCIDENT_ID, help="Incident id (default: next INC-<year>-NNNN).")
@click.option(
    "--into",
    type=INCIDENT_ID,
    metavar="ID",
    help="Update the incident ID recorded already (during the response) from the postmortem, not a new record: "
    "what it lacks is added, what it holds is kept and said. Default: the record the postmortem names "
    "('Incident: INC-2026-0217') when the KB has it.",
)
@click.option(
    "--keep-record",
    is_flag=True,
    help="Keep the record's sections over the postmortem's corrections that a re-import holds back (exit 3): each "
    "is recorded kept over the postmortem's as it is now (imported.kept_sha256), exit 0, the sections named; a later "
    "change of the postmortem's is held again. A document imported as a record of its own and changed since: merged "
    "three ways, the sections no one edited in the record taking the document's, those a person edited kept, what "
    "the document adds (a follow-up, a section) added, this version counted as imported (imported.sha256). With a "
    "folder: for each file, said per file.",
)
@click.option(
    "--date",
    type=DATE,
    help="Override the incident date (YYYY-MM-DD); set on the record updated (--into, or the one the postmortem "
    "names), its review's due date following when it is the framework's.",
)
@click.option(
    "--severity",
    help="Override the severity key; set on the record updated (--into, or the one the postmortem names), its "
    "review's level and due date following when they are the framework's.",
)
@click.option(
    "--review-due",
    type=DATE,
    metavar="DATE",
    help="The review's due date (YYYY-MM-DD). Default: the date the postmortem gives it "
    "('Status: Draft, review scheduled 2026-12-09', 'Review date:'), else date + review_within_days of the severity.",
)
@click.option(
    "--review-done",
    metavar="[DATE]",
    is_flag=False,
    flag_value=_TODAY,
    callback=lambda ctx, param, value: _held(ctx, value),
    help="The review was held: record it done, on DATE (YYYY-MM-DD; alone: today; not after today), over what the "
    "postmortem says, as recur incident review ID --done --on DATE would afterwards. With --review-due, done "
    "wins: the review is done, that date kept as the day it was due.",
)
@click.option("--pattern", "patterns", multiple=True, help="Link this known pattern; skip matching (repeatable).")
@click.option(
    "--category",
    type=CATEGORY,
    help="Category folder for a draft pattern (default: the top candidate's when it is a medium or high match, "
    "else uncategorised/).",
)
@click.option("--no-draft", is_flag=True, help="Never write a draft pattern; leave the incident as needs-analysis.")
@click.option(
    "--accept",
    type=click.Choice(["high", "medium"]),
    default="high",
    show_default=True,
    help="Lowest confidence at which the top-ranked existing pattern is linked with no person choosing (never "
    "when the answer is 'no known pattern'; medium: also a medium one, on a KB of 30 patterns or more). "
    "Below it the candidates are stored for a person: recur incident link ID.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print what was written as JSON (with recur incident new --json's keys for the same facts: id, path, "
    "linked, review, suggestions; and the record's title).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read, match and check everything, write nothing: say what would be written (the same JSON with --json).",
)
def import_cmd(
    kb_dir,
    index_dir,
    model,
    file,
    iid,
    into,
    keep_record,
    date,
    severity,
    review_due,
    review_done,
    patterns,
    category,
    no_draft,
    accept,
    as_json,
    dry_run,
):
    """Import a postmortem (Google SRE or Atlassian template, or close) as an incident record;
    FILE may be a folder: each postmortem file in it (not subfolders), in name order, a draft beside its final skipped.

    When no existing pattern matches it well, also writes a draft pattern pre-filled from
    the postmortem, listing the closest existing patterns to compare. Sections that map to
    nothing are kept in the incident and reported.

    \b
    Exit status: 0 imported, or imported before and unchanged; 1 an error (nothing written); 2 a
    runbook, not a postmortem (nothing written; it says how to make it a pattern) or a usage error;
    3 imported before and changed since: the incident is not updated, what differs is named (--keep-record:
    merged, a person's edits kept, this version counted as imported, 0); or merged again into the record it
    names (or --into's): what was new added, a correction held back for a hand edit (or --keep-record to keep
    the record's); or the final of a draft recorded before, beside it, differing from it (no second record).
    A folder: the worst of its files' (1 over 2 over 3 over 0).
    """
    from recur.kb.loader import load_kb
    from recur.util.dates import given_date

    _refuse_stdin(file)
    if iid and into:
        raise click.UsageError("--id and --into: give one (--id writes a new record, --into updates one)")
    folder = Path(file).is_dir()
    if folder:
        one = {"--id": iid, "--into": into, "--date": date, "--severity": severity, "--review-due": review_due}
        one.update({"--review-done DATE": click.get_current_context().meta.get(_HELD_ON), "--pattern": patterns})
        _refuse_for_folder(file, [name for name, value in one.items() if value])
    kb = None  # loaded here for a --severity to check, and read by the import: once, not twice (~2 s a load
    if severity:  # at 1,000+1,000). A level the framework has not: the command line's mistake (exit 2), said first
        kb = load_kb(kb_dir)
        flag_severity(kb, severity)
    flags = dict(
        index_dir=index_dir, model=model, iid=iid, into=into, date=given_date(date, "--date"), severity=severity
    )
    flags.update(patterns=patterns, category=category, draft=not no_draft, threshold=accept, dry_run=dry_run)
    flags.update(review_due=given_date(review_due, "--review-due"), review_done=review_done)
    flags.update(keep_record="each" if folder and keep_record else keep_record)  # a folder's: what each kept said
    if folder:
        sys.exit(_import_folder(kb_dir, Path(file), flags, kb, as_json=as_json))
    if status := _import_one(kb_dir, file, flags, kb, as_json=as_json):
        sys.exit(status)


def _import_one(kb_dir, file: str, flags: dict, kb, *, as_json: bool) -> int:
    """`recur import FILE`: its report printed; the exit status (CHANGED for a changed document, else 0). A file
    refused: with --json the folder's object for it on stdout, the file and why (a script reading stdout got
    nothing at all: for a runbook found in an upgrade review, for any other refusal, an empty file, in a re-read),
    exit 2 for a runbook, 1 for any other; without, the error (exit 2 for a runbook)."""
    try:
        out = import_postmortem(kb_dir, file, **flags, kb=kb, engine=OneEngine(progress=None))
    except FlagRefused as exc:  # --date the record updated cannot take: the command line's mistake
        raise click.UsageError(str(exc)) from None
    except RecurError as exc:
        runbook = isinstance(exc, NotAPostmortem)
        if as_json:
            _said_refused(Path(file), str(exc), True, "runbook" if runbook else None, indent=1)
            return 2 if runbook else 1
        if runbook:
            raise _NotAPostmortemExit(str(exc)) from None
        raise
    _print_report(file, out, as_json, indent=1)
    return CHANGED if out.changed else 0


class _NotAPostmortemExit(click.ClickException):
    """A runbook given as a postmortem: exit 2, as a document of the wrong kind is a mistake in what was asked."""

    exit_code = 2


def _print_report(file: str, out, as_json: bool, indent: int | None) -> None:
    """One imported file's report: --json its object (``indent`` 1; None: one line, a folder's, with "file"
    first), else the text; a document changed since it was imported said on stderr too (a scheduled import must
    see an edit it did not apply). `recur import FILE` and each file of `recur import DIR` print it so."""
    if as_json:
        got = out.to_json() if indent else {"file": file, **out.to_json()}
        click.echo(json.dumps(got, ensure_ascii=False, indent=indent))
    else:
        click.echo(render_text(out))
    sys.stdout.flush()
    if out.changed and out.updated:  # merged again: what was new added, what it says otherwise kept
        # the way to say "keep mine" named: a correction not wanted was held on every run, a CI job failing for good
        into = f" --into {out.incident}" if out.updated.get("by") == "as --into asks" else ""
        click.echo(f"{file}: changed since it was imported into {out.incident}; what it says otherwise is kept, not "
                   f"written (Kept the record's …): edit the record by hand, or keep the record's as it is: recur "
                   f"import {shlex.quote(file)}{into} --keep-record (exit {CHANGED})", err=True)  # fmt: skip
    elif out.changed and out.already and out.already.by == BY_NAMED:
        # a person took the record over: the way on is theirs to choose, both named
        cmd = f"recur import {shlex.quote(file)}"
        click.echo(f"{file}: names {out.incident}, which a person took over (its imported: set to null or taken "
                   f"out); not updated: to take the postmortem's sections, the record's replaced where they differ: {cmd} "
                   f"--into {out.incident}; to keep the record's: {cmd} --keep-record (exit {CHANGED})", err=True)  # fmt: skip
    elif out.changed and out.already and out.already.by == BY_MOVED:
        # the same postmortem at another path: --into would merge it as another document's, its corrections kept out
        click.echo(f"{file}: the postmortem {out.incident} was imported from, moved or renamed; not updated: set the "
                   f"source in {out.incident}'s imported: to this path (the note gives it) and import again "
                   f"(exit {CHANGED})", err=True)  # fmt: skip
    elif out.changed and out.already and out.already.by == BY_ELSEWHERE:
        click.echo(f"{file}: names {out.incident}, which was imported from another postmortem; not updated: to merge "
                   f"it: recur import {shlex.quote(file)} --into {out.incident} (exit {CHANGED})", err=True)  # fmt: skip
    elif out.changed and out.already and out.already.by == BY_DRAFT:
        click.echo(f"{file}: the final of the draft {out.incident} was imported from, beside it; not recorded again: "
                   f"if it replaces the draft, move the draft out and set the source in {out.incident}'s imported: to "
                   f"this path (the note gives it) (exit {CHANGED})", err=True)  # fmt: skip
    elif out.changed and out.already and out.already.by == BY_REFERENCES:
        # no imported: left to count a version in (--keep-record could not): merging it is the way out
        click.echo(f"{file}: may have changed since it was imported as {out.incident}, whose imported: a person "
                   f"set to null or took out; not updated: to merge it: recur import {shlex.quote(file)} --into "
                   f"{out.incident} (exit {CHANGED})", err=True)  # fmt: skip
    elif out.changed:
        # the way out named (it was the stdout note's hand edit of imported.sha256 alone: a CI job failed for good)
        cmd = f"recur import {shlex.quote(file)}"
        click.echo(f"{file}: changed since it was imported as {out.incident}; not updated: to keep what a person "
                   f"edited in {out.incident}, take what the document adds or corrects elsewhere and count this "
                   f"version as imported: {cmd} --keep-record; "
                   f"to merge it instead: {cmd} --into {out.incident} --keep-record (exit {CHANGED})", err=True)  # fmt: skip
    _credentials_said(out)
    for a in out.recurrence_after_fix:  # as `recur incident new` and `link` warn of it (found in a re-read)
        click.echo(f"warning: {a['said']}", err=True)


def _credentials_said(out) -> None:
    """Each line of the record (and draft pattern) written, or a dry run's, that holds a likely credential, on stderr
    as `recur check` says it (and --json's ``credential_warnings``), and each holding a person's e-mail address
    (``personal_data_warnings``): a postmortem's pasted connection string or key
    went into the KB and its site without a word (privacy review). Written all the same, as the document has it;
    nothing said of a document imported before (nothing written)."""
    for line in [line for _, lines in out.warnings for line in lines]:
        click.echo(line, err=True)


def _refuse_for_folder(folder: str, given: list[str]) -> None:
    """The flags that describe one document (its incident's id, date, severity, review's due or done day, known
    pattern) given with a folder: a usage error naming them. They were applied to every file of it (a folder of
    ten postmortems all dated --date, all linked to one --pattern unmatched), as only --id was refused. A bare
    --review-done (held today) and --category, --no-draft, --accept are ways to import, for every file alike; so is
    --keep-record (a CI job's "keep every record as it is": a changed file failed the job on every run), each file's
    report saying what it kept."""
    if given:
        raise click.UsageError(
            f"{', '.join(given)}: {'describes' if len(given) == 1 else 'describe'} one incident (its id, date, "
            f"severity, review or pattern), and {folder} is a folder of postmortems; import each file with its own"
        )


# what `recur import DIR` imports of a folder's files: the kinds a postmortem is saved as (Markdown, text, a web
# page, a saved e-mail or single-file page, Confluence's "Export to Word" .doc, which is MIME); the rest is named
FOLDER_KINDS = (".md", ".markdown", ".txt", ".html", ".htm", ".eml", ".mht", ".mhtml", ".doc")


def _folder_files(folder: Path) -> tuple[list[Path], list[str]]:
    """(the postmortem files of ``folder``, in name order; the names of the other files, hidden ones aside).
    Not its subfolders: a folder of postmortems, not a tree of whatever else sits beside them."""
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise RecurError(f"{folder}: cannot be read ({exc.strerror or exc})") from None
    files = [p for p in entries if p.is_file() and not p.name.startswith(".")]
    return [p for p in files if p.suffix.lower() in FOLDER_KINDS], [
        p.name for p in files if p.suffix.lower() not in FOLDER_KINDS
    ]


def _import_folder(kb_dir, folder: Path, flags: dict, kb, *, as_json: bool) -> int:
    """`recur import DIR`: each postmortem file of the folder imported as `recur import FILE` imports it, its
    report printed as that prints it (--json: one line of its object, and "file"); a file that fails is said
    (file, reason) and the others still imported. The engine is opened once (one model load for all). Returns
    the exit status: the worst of the files' (an error 1, over a runbook's 2, over a changed document's 3, over 0)."""
    files, others = _folder_files(folder)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        click.echo(
            f"{folder}: left out {len(others)} file(s) of no postmortem kind ({' '.join(FOLDER_KINDS)}): {shown}",
            err=True,
        )
    if not files:
        raise RecurError(f"{folder}: holds no postmortem file ({', '.join(FOLDER_KINDS)}); nothing imported")
    kinds = ("recorded", "updated", "held", "kept sections", "nothing new", "unchanged", "kept", "changed")
    kinds += ("refused", "runbooks", "drafts")
    engine, counts, status = OneEngine(progress=None), dict.fromkeys(kinds, 0), 0
    kb, drafts = _drafts(kb_dir, kb, files)
    for n, path in enumerate(files):
        if path in drafts:  # its final, beside it, is imported instead
            counts["drafts"] += 1
            _said_draft(path, drafts[path], as_json, n == 0)
            continue
        try:  # the KB read first for the first; each later one reads the KB the imports before wrote
            out, kb = import_postmortem(kb_dir, str(path), **flags, kb=kb, engine=engine), None
        except RecurError as exc:
            kb = None
            # a runbook is no error in the file (exit 2, as `recur import FILE` gives it), counted apart; an
            # error in another file is the worse (1)
            runbook = isinstance(exc, NotAPostmortem)
            counts["runbooks" if runbook else "refused"] += 1
            status = 1 if not runbook or status == 1 else 2
            _said_refused(path, str(exc), as_json, "runbook" if runbook else None)
            continue
        for kind in _kinds(out):
            counts[kind] += 1
        status = status or (CHANGED if out.changed else 0)
        if not as_json:
            click.echo(("" if n == 0 else "\n") + f"== {path}")  # the file's report under its name
        _print_report(str(path), out, as_json, indent=None)
    click.echo(_total(len(files), counts, flags["dry_run"]), err=as_json)
    return status


def _drafts(kb_dir, kb, files: list[Path]) -> tuple:
    """(the KB, read here unless the --severity check read it; the drafts of the folder to skip, importer's
    drafts_in_folder). A KB that cannot be read: no draft skipped, each file's import saying why, as before."""
    from recur.ingest.importer import drafts_in_folder
    from recur.kb.loader import load_kb

    try:
        kb = load_kb(kb_dir) if kb is None else kb
    except RecurError:
        return None, {}
    return kb, drafts_in_folder(kb, files)


def _said_draft(path: Path, final: tuple, as_json: bool, first: bool) -> None:
    """A draft of another file of the folder, skipped (``final``: that file, why): said under its name as a file's
    report is, with the command that records it all the same; --json: one line, ``"skipped": "draft"``."""
    note = (
        f"a draft of {final[0]} ({final[1]}), which is imported instead; nothing written. To record it as an "
        f"incident of its own: recur import {shlex.quote(str(path))}"
    )
    if as_json:
        line = {"file": str(path), "skipped": "draft", "final": str(final[0]), "note": note}
        click.echo(json.dumps(line, ensure_ascii=False))
    else:
        click.echo(("" if first else "\n") + f"== {path}\nSkipped: {note}")


def _said_refused(path: Path, reason: str, as_json: bool, refused: str | None, indent: int | None = None) -> None:
    """A file that failed: its name and why, on stderr (with --json also its object on stdout, with
    ``"refused": "runbook"`` for a runbook: a script told it from an error in the file by the exit status alone,
    the folder's worst, found in an upgrade review). A folder's is one line; a single file's is indented as
    its report would be (``indent``)."""
    said = _with_file(path, reason)
    if as_json:
        line = {"file": str(path), "error": said, **({"refused": refused} if refused else {})}
        click.echo(json.dumps(line, ensure_ascii=False, indent=indent))
    click.echo(f"Error: {said}", err=True)


def _with_file(path: Path, reason: str) -> str:
    return reason if reason.startswith(str(path)) else f"{path}: {reason}"


# a dry run writes nothing between files: each is given the KB's next id, and a second copy of one document is
# "would be recorded" where the real run finds it a re-import of the first; said, not left to be taken as settled
ALONE = (
    "each file checked alone against the KB as it is now: ids, re-imports and drafts among the folder's own files "
    "are settled by the real run"
)


def _kinds(out) -> tuple[str, ...]:
    """What became of one imported file, as the folder's total counts it. A postmortem merged into a record there
    already (``updated``) is no new record, and one whose correction was held back (exit 3) had what was new added
    all the same: it was counted "changed since imported (not updated)" (found in review). ``held``, of those
    updated, is counted beside "updated"; merged with nothing added and a correction held, the record was not
    updated: changed since imported."""
    if out.already:
        kept = out.already.kept_record is not None  # --keep-record: this version imported, a person's edits kept
        return ("kept",) if kept else ("changed",) if out.changed else ("unchanged",)
    if out.updated is None:
        return ("recorded",)
    mine = ("kept sections",) if out.updated.get("kept_record_sections") else ()
    if out.updated["added"] or out.updated.get("set") or out.updated.get("removed") or mine:
        return ("updated", "held", *mine) if out.changed else ("updated", *mine)
    return ("changed",) if out.changed else ("nothing new",)


def _total(n: int, counts: dict, dry_run: bool) -> str:
    """The folder's last line: `Imported 3 postmortems: 2 recorded, 1 unchanged (re-import), 0 refused`; with
    `1 updated (1 with a correction held back for a hand edit)` after "recorded" when a postmortem was merged
    into a record there already."""
    changed = f", {counts['changed']} changed since imported (not updated)" if counts["changed"] else ""
    if counts["kept"]:  # --keep-record: each named in its file's report
        would = "would be " if dry_run else ""
        changed = (
            f", {counts['kept']} changed since imported, {would}merged, a person's edits kept (--keep-record){changed}"
        )
    runbooks = f", {plural(counts['runbooks'], 'runbook')} (not imported)" if counts["runbooks"] else ""
    if counts["drafts"]:
        runbooks += f", {plural(counts['drafts'], 'draft')} skipped (the final beside it imported instead)"
    head = f"Dry run, nothing written: read {n}" if dry_run else f"Imported {n}"
    recorded = "would be recorded" if dry_run else "recorded"
    return (
        f"{head} postmortem{'s' if n != 1 else ''}: {counts['recorded']} {recorded}{_merged_counts(counts, dry_run)}, "
        f"{counts['unchanged']} unchanged (re-import){changed}, {counts['refused']} refused{runbooks}"
        + (f"; {ALONE}" if dry_run else "")
    )


def _merged_counts(counts: dict, dry_run: bool) -> str:
    """The total's part for postmortems merged into a record there already (--into, or the one it names): said
    only when any was."""
    out = ""
    if counts["updated"]:
        held = counts["held"]
        why = [f"{held} with a correction held back for a hand edit"] if held else []
        why += (
            [f"{counts['kept sections']} keeping the record's sections (--keep-record)"]
            if counts["kept sections"]
            else []
        )
        out = f", {counts['updated']} {'would be updated' if dry_run else 'updated'}" + (
            f" ({'; '.join(why)})" if why else ""
        )
    if counts["nothing new"]:
        out += f", {counts['nothing new']} with nothing new for the record there already"
    return out
