"""The responder's terminal view of suggestions: what to do first, what to keep."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import click

# the wording every surface shares (MCP and Slack too): kept importable from here, where it began
from recur.kb.records import draft_mark
from recur.retrieval.results import (
    CLOSE_CALL,
    about_no_failure,
    check_both,
    confidence_text,
    flat,
    likelier,
    match_line,
    meant_line,
    opening,
    prose_pieces,
    question_help,
    say_more,
    seen_said,
    short,
    step_lines,
    under_counts,
    under_said,
    why_text,
)
from recur.util.text import cut, plain, plural

SEV_COLOUR = {"sev1": "red", "sev2": "yellow", "sev3": "cyan", "sev4": "white"}
CONF_COLOUR = {"high": "green", "medium": "yellow", "low": "white"}


NO_KNOWN_PATTERN = (
    "No known pattern matches this. If it is new, record it: recur incident new "
    '(it lands under "needs analysis" on the board), then draft a pattern with '
    "recur new pattern, or recur import the postmortem once it is written."
)
# an answer from the index alone, the KB folder missing: no command records into a KB that does not exist
_NO_KB_TO_RECORD = (
    "{said} No knowledge base folder at {kb} to record it in (answered from the index "
    "alone): give --kb the KB folder to get the command that records it."
)
# severity is asked when `recur incident new` runs on a terminal, required elsewhere (cli/incident._ask)
SEVERITY_HINT = "it asks the severity: -s SEVERITY in a script"
# a command reading stdin: its stdin is the pipe, so the severity cannot be asked (cli/incident._ask)
PIPED_HINT = "…: what you piped into recur suggest; SEVERITY: a level of the KB's severity.yml"
# the notes after a command to copy are a shell comment: in parentheses, the line pasted whole was a syntax
# error in bash (`recur incident new -t 503 -d 503 (it asks …)`, found in a responder review)
COMMENT = "  # "


@dataclass(frozen=True)
class RecordAs:
    """What the footer's command records: ``title`` (ingest.pasted_log.record_title), and the text given as
    arguments, whole, or None for a text read on stdin, which the command reads again the same way (``… | recur
    incident new … -d -``). Found in review: the paste's first line was the title ("Maya Chen 3:04 AM") and its
    first 300 characters, ending in "…", the description: run as printed, the record held a cut text whose
    candidates were not those shown."""

    title: str
    text: str | None
    # what the text already is, so there is nothing to record (`known_text`): a pattern's id (`recur suggest
    # disk-full`, a lookup), or the (id, KB-relative path) of the incident recorded with it as its title
    pattern: str | None = None
    incident: tuple[str, str] | None = None
    # ``pattern`` is retired: the patterns that superseded it (empty: none named), None when it is in use
    successors: tuple[str, ...] | None = None


def known_text(record_as: RecordAs, kb_dir: str = "kb", flags: str = "") -> str | None:
    """What the footer says in place of the command recording the text, when the text is a pattern's id or a
    recorded incident's title; None otherwise. The footer proposed `recur incident new -t disk-full …` for a
    lookup by id, and a duplicate record for a past incident's title pasted (found in a new-hire review)."""
    if record_as.pattern is not None:
        shown = for_terminal(record_as.pattern)
        if record_as.successors is not None:  # as `recur show` names a retired one (retrieval.patterns.PatternNotFound)
            by = for_terminal(record_as.successors)
            show = f"recur show {flags}{by[0]}" if by else ""  # the run's --kb, as every command printed to copy
            see = f"; superseded by {' and '.join(map(repr, by))} ({show} prints it)" if by else ""
            return f"{shown} is a retired pattern's id: a lookup, nothing to record{see}."
        return f"{shown} is a pattern's id: a lookup, nothing to record (recur show {flags}{shown} prints the pattern)."
    if record_as.incident is not None:
        iid, relpath = for_terminal(record_as.incident)
        where = f"{for_terminal(kb_dir).rstrip('/')}/{relpath}"
        return (
            f"Recorded already: {iid} has this title ({where}); nothing new to record. "
            f"To link it to a pattern: recur incident link {flags}{iid}"
        )
    return None


# a newcomer's question ("I am new, what should I read first"), of an answer about no failure: the onboarding
# paths are what it asks for (recur-suggest.js NEWCOMER, the same words)
NEWCOMER = re.compile(r"(?i)\b(new|start(s|ed|ing)?|begin(ning)?|read first|onboard(ing)?|first week)\b")
NOTHING_ABOUT_IT = "No known pattern matches this: nothing in the knowledge base is about this."
PATHS_HINT = "New to on-call? recur paths lists the onboarding paths: the patterns to read first, in order."


def newcomer_paths(record_as: RecordAs, kb_dir) -> bool:
    """Whether an answer about no failure points its text to the onboarding paths: a newcomer's question (NEWCOMER)
    and a KB with a path to read (kb/paths/*.yml). `recur paths` on a KB with none says there are none yet, and the
    hint promised "the patterns to read first" (found in a re-read)."""
    if not NEWCOMER.search(record_as.text or record_as.title):
        return False
    return _has_paths(kb_dir)


def _has_paths(kb_dir) -> bool:
    from pathlib import Path

    return any(Path(kb_dir, "paths").glob("*.y*ml"))


def question_said(kb_dir, flags: str = "", site_url: str | None = None) -> str:
    """What a text about no failure that is no newcomer's question is told, as the site's box tells it
    (results.question_help): Recur has no answer to a question, ask your team, and where a new hire starts, of
    what there is: the onboarding paths where the KB has some (`recur paths`; none in a KB folder missing, an
    index-only deployment's), the site's glossary where its URL is known (``site_url``: on every site built)."""
    from recur.retrieval.patterns import glossary_url

    paths = f"the onboarding paths ({for_terminal(f'recur paths {flags}'.rstrip())} lists them)"
    glossary = glossary_url(site_url)
    glossary = f"the glossary ({glossary}: what the site's words mean)" if glossary else None
    return question_help("Recur", paths if _has_paths(kb_dir) else None, glossary)


def no_known_text(
    record_as: RecordAs,
    flags: str = "",
    about_no_failure: bool = False,
    newcomer: bool = False,
    question: str = "",
    more: str | None = None,
) -> str:
    """NO_KNOWN_PATTERN with the command that records this text, as Slack's reply gives it
    (kb.incident_record.incident_command): "record it: recur incident new" left the title and the
    description to be typed again (found in review). ``about_no_failure`` (retrieval.results.about_no_failure):
    the text reads as no incident at all, and is said to be: "If it is new, record it" was the only reading, and
    a newcomer asking "how do I get VPN access" recorded an incident (found in a new-hire review); a newcomer's
    question is pointed to the onboarding paths (``newcomer``: render_answer's newcomer_paths), any other is told
    ``question`` first (question_said), as the site's box tells it. ``more``: what a text of few words is told
    before the record step (results.say_more), on the line it opens."""
    if about_no_failure:
        said = f"{NOTHING_ABOUT_IT} {question}{' ' if question else ''}If it is an incident, record it (it lands "
        said += 'under "needs analysis" on the board):'
        return "\n".join([said, f"  {_record_command(record_as, flags=flags)}", *([PATHS_HINT] if newcomer else [])])
    return (
        "No known pattern matches this. "
        + (f"{more}\n" if more else "")
        + 'If it is new, record it (it lands under "needs analysis" on the board):\n'
        f"  {_record_command(record_as, flags=flags)}\n"
        "then draft a pattern with recur new pattern, or recur import the postmortem once it is written."
    )


def _record_command(record_as: RecordAs, pattern: str | None = None, flags: str = "", choice: str = "") -> str:
    """The command recording the text, then its notes as a shell comment (COMMENT): ``choice``, the other
    pattern to link, first."""
    from recur.kb.incident_record import incident_command

    piped = record_as.text is None
    command = incident_command(record_as.text or "", pattern, flags, title=record_as.title, piped=piped)
    notes = [choice] if choice else []
    return for_terminal(command) + COMMENT + for_terminal("; ".join([*notes, PIPED_HINT if piped else SEVERITY_HINT]))


def for_terminal(value):
    """``value`` (a suggestion result, the board) with each string's control characters shown
    escaped (``\\x1b``): text from the KB printed as it is could clear the screen or set the window
    title of whoever reads it (a runbook step, a file name; front matter that holds one is an error
    of `recur check`, and its record is left out). Lists, tuples and mappings alike."""
    from recur.util.text import escape_controls

    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, dict):  # its keys too: a record's section heading is one (a title-setting escape in it)
        return {for_terminal(k): for_terminal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(for_terminal(v) for v in value)
    return value


def render_answer(
    answer,
    steps: int = 3,
    kb_dir: str = "kb",
    flags: str = "",
    site_url: str | None = None,
    record: RecordAs | None = None,
) -> str:
    """An Answer (retrieval.results.Answer): the verdict first, as the site's box, MCP and Slack say it (the
    results counted by confidence, results.match_line, or no known pattern), then the results, and the verdict
    once more at the end: five results run to ~60 lines, and a terminal shows the bottom of them, not the top
    (a low first result's full steps were read first, the one hint that it was a guess 60 lines further down:
    found in review). The end gives the command that records the incident, linked to the pattern that
    matches: recorded, linked incidents are what the board counts (``record``: its title and text, RecordAs).
    ``flags``: config.where_flags of the run, so the command records into the KB searched; ``site_url``: as
    ``render_results`` takes it. ``record`` None (no KB folder: answered from the index alone) leaves the command
    out: it named a KB that does not exist (found in review: `recur suggest --kb /nonexist`)."""
    results = answer.results
    meant = _meant(answer, record, flags)
    known = meant or (known_text(record, kb_dir, for_terminal(flags)) if record else None)
    if answer.no_known_pattern:
        nothing = not known and about_no_failure(answer)
        newcomer = nothing and record is not None and newcomer_paths(record, kb_dir)  # said at the top and the end
        question = question_said(kb_dir, flags, site_url) if nothing and not newcomer else ""
        more = say_more(answer)  # a text of few words: told to say more, before the record step
        no_kb = f"{NOTHING_ABOUT_IT} {question}" if nothing else "No known pattern matches this."  # index-only
        no_kb += f" {more}" if more else ""
        said = (
            no_known_text(record, flags, nothing, newcomer, question, more)
            if record
            else _NO_KB_TO_RECORD.format(kb=for_terminal(kb_dir), said=no_kb)
        )
        said = f"No known pattern matches this. {known}" if known else said
        head = click.style(said, fg="yellow", bold=True)
        if not results:
            return head
        body = render_results(results, steps=steps, kb_dir=kb_dir, site_url=site_url, flags=flags)
        again = "↑ No known pattern matches: " + ("nothing in the knowledge base is about this; " if nothing else "")
        again += "the patterns above"
        again = click.style(f"{again} are the closest, for comparison only.", fg="yellow")
        record_it = "If it is an incident, record it" if nothing else "To record it"
        if newcomer or question:  # at the end too, where a terminal shows it
            again += f"\n{PATHS_HINT if newcomer else question}"
        if more:  # at the end too, before the record step a terminal shows last
            again += f"\n{more}"
        if record:
            again += f"\n{known}" if known else f"\n{record_it}: {_record_command(record, flags=flags)}"
        return f"{head}\n\nClosest patterns, for comparison only:\n\n{body}\n{again}"
    both = check_both(results, answer.likelier)
    head = _head(opening(results, match_line(results, answer.likelier, answer.credible), answer.likelier))
    if meant:  # a typo of an id: what it meant first, as the no-match head says it
        head = f"{click.style(known, fg='yellow', bold=True)}\n{head}"
    footer = [] if len(results) < 2 and not both else [click.style(_best_match(results, answer.likelier), dim=True)]
    if record:
        footer.append(known or _record_line(answer, record, flags))
    body = render_results(results, steps=steps, kb_dir=kb_dir, site_url=site_url, flags=flags)
    return f"{head}\n\n{body}\n" + "\n".join(footer)


def _head(lines: list[str]) -> str:
    """The answer's first lines (results.opening, the rule every surface opens by): over a first result of low
    confidence, the "check both" a responder acts on, in yellow, on a line of its own, the count under it."""
    lines = [for_terminal(line) for line in lines]
    lead = [click.style(line, fg="yellow", bold=True) for line in lines[:-1]]
    return "\n".join([*lead, click.style(lines[-1], bold=True)])


def _meant(answer, record: RecordAs | None, flags: str) -> str | None:
    """The answer's own ``meant`` (patterns.meant_ids: the one id a typo of one is close to, `recur suggest
    disk-ful`), said before the results as `recur show` says it, and no record proposed for a typo; None
    when the text is a pattern's id in another case (`Disk-Full`, ``record.pattern``: a lookup). Read from
    the answer, not the record, which there is none of without a KB folder: answered from the index alone,
    the terminal said no "Did you mean" its --json gave (found in a re-read)."""
    if not answer.meant or (record is not None and record.pattern is not None):
        return None
    return meant_line(for_terminal(answer.meant), for_terminal(flags))


def _record_line(answer, record_as: RecordAs, flags: str = "") -> str:
    """The footer's command recording the incident, linked to the first result, or, when it is of low
    confidence, to the one check_both names (rated more likely right); that one named as the other choice
    when the first is linked. Not results.choose_link, the rule for a link no person chooses (import,
    --link-top): this is a command a person reads beside the results and runs or edits, so it proposes the
    first even when another is as likely right, and names that one as the other choice."""
    results, hidden = answer.results, answer.likelier
    k = likelier(results)
    other = hidden if hidden is not None else (results[k] if k is not None else None)
    linked = results[0] if results[0]["confidence"] != "low" or other is None else other
    choice = f"or --pattern {other['id']}: check both first" if other is not None and other is not linked else ""
    what = "To record it, linked to the pattern" if linked["confidence"] != "low" else "To record it"
    pattern = linked["id"] if linked["confidence"] != "low" else None
    return f"{what}: {_record_command(record_as, pattern, flags, choice)}"


def _best_match(results: list[dict], hidden: dict | None = None) -> str:
    """The footer naming the first result; and, when one below it is rated more likely right, that
    one too (results.check_both, the rule MCP and Slack say it by; ``hidden``: the answer's ``likelier``)."""
    results = for_terminal(results)
    best = results[0]
    # "ranked first", not "best match": the rank is the fused score, and a result below may be rated more
    # likely right (said next, check_both); the surfaces say "in ranked order" alike (results.match_line)
    line = f"↑ Ranked first: {best['title']} ({best['id']}, {best['confidence']} confidence), first above."
    both = check_both(results, for_terminal(hidden))
    return line if both is None else f"{line[:-1]}; {both}."


def render_results(
    results: list[dict], steps: int = 3, kb_dir: str = "kb", site_url: str | None = None, flags: str = ""
) -> str:
    """The results, each with its steps and evidence; "read more" names its page on the site at ``site_url``
    (--site-url, RECUR_SITE_URL) when given, as Slack, MCP and `recur report` link it, else its KB file.
    ``flags``: config.where_flags of the run, in each `recur show ID` a step's link prints."""
    if not results:
        return NO_KNOWN_PATTERN
    links = partial(plain_links, known=pattern_ids(kb_dir), flags=for_terminal(flags))  # a step's links as commands
    results, kb_dir = for_terminal(results), for_terminal(kb_dir)
    out = []
    for r in results:
        # an import's draft: its runbook is a TODO until a person reviews and promotes it (rated at most medium)
        tag = draft_mark(r)
        sev = click.style(r["severity"], fg=SEV_COLOUR.get(r["severity"], "white"), bold=True)
        conf = click.style(confidence_text(r), fg=CONF_COLOUR[r["confidence"]])
        score = f", score {r['score']:.2f}" if r.get("probability") is not None else ""
        out.append(
            click.style(f"{r['rank']}. {r['title']}{tag}", bold=True)
            + f"  ({r['id']} · {sev} · {r['category']} · {conf}{score})"
        )
        if r["why"]:
            out.append("   why: " + why_text(r))
        if r.get("incidents"):
            out.append(f"   seen before: {seen_said(r['incidents'], r.get('incidents_inherited') or {})}")
        if r["evidence"]:
            out.append(click.style("   Preserve before restoring:", fg="magenta", bold=True))
            # all of it: what is not kept now is gone once restored, and a cut list did not say so
            out.extend(f"     - {flat(e)}" for e in r["evidence"])
        if r["runbook"] and steps > 0:  # --steps 0: no heading over nothing
            # a low result's steps are a guess's: said where they are read, as MCP says it (mcp_text._result_lines)
            low = " (low match: check it fits first)" if r["confidence"] == "low" else ""
            out.append(click.style(f"   First steps{low}:", bold=True))
            for i, step in enumerate(r["runbook"][:steps], 1):
                out.extend(step_lines(f"     {i}. ", step, links))
            more = len(r["runbook"]) - steps
            if more > 0:
                out.append(f"     … {plural(more, 'more step')}")
        for d in r.get("look_alikes", []) or []:
            out.append(f"   vs {d['id']}: {_told_apart(d)}")  # as `recur show` says the pair
        out.append(f"   read more: {read_more(r['path'], kb_dir, site_url)}")
        out.append("")
    return "\n".join(out).rstrip()


_INCIDENT_FILE = re.compile(r"(?i)(?:^|/)(INC-\d{4}-\d+)\.md(?:#.*)?$")
# how a pattern links another's file: beside it (``x.md``) or in another category (``../data/x.md``)
_PATTERN_FILE = re.compile(r"(?i)^(?:\.\./[^/]+/)?[^/]+\.md$")


def pattern_ids(kb_dir) -> frozenset | None:
    """The KB's pattern ids, by their files' names (the loader names a pattern by its file), for plain_links; None
    without a KB folder to read (answered from the index alone): a pattern's file is then read by its shape."""
    from pathlib import Path

    folder = Path(kb_dir, "patterns")
    return frozenset(p.stem.lower() for p in folder.rglob("*.md")) if folder.is_dir() else None


def plain_links(text: str, known: frozenset | None = None, flags: str = "") -> str:
    """A step's Markdown links as a terminal reads them: a link to another pattern's file, as a pattern links one
    (``[rollback-fails](rollback-fails.md)``, ``../data/x.md``, any letter case), as its id and the command that
    shows it, read as GET /api/patterns and `recur show` read a pattern's file (retrieval.patterns.given_pattern_id);
    an incident's file so too; a web link and any other target as ``text (target)``. `recur show` and `recur
    suggest` printed the link as written, a path relative to a file the responder does not have open (found in a
    new-hire review). ``known``: the KB's pattern ids (pattern_ids), when it is read: a file of that shape that is
    no pattern's (``../docs/setup.md``, ``notes.md``) keeps its target, as a page or a file does (``x.html``,
    ``values.yml``): read as `recur show setup`, or left out, it was a command that fails or a link lost (found in a
    re-read). ``flags``: the run's --kb and --index (config.where_flags), so the command reads the KB this one read:
    `recur show --kb kb2 X` printed `(recur show Y)`, which read ./kb (found in a responder review)."""
    from recur.retrieval.patterns import FromPath, given_pattern_id

    def one(words: str, target: str) -> str:
        if found := _INCIDENT_FILE.search(target):
            return f"{words} (recur show {flags}{found.group(1).upper()})"
        path = target.split("#", 1)[0]
        pid = given_pattern_id(path) if _PATTERN_FILE.match(path) else None
        if isinstance(pid, FromPath) and (known is None or pid in known):
            return f"{words} (recur show {flags}{pid})"
        return f"{words} ({target})"

    # a link inside `code` is code (results.prose_pieces)
    return "".join(one(a, b) if kind == "link" else a for kind, a, b in prose_pieces(text))


def read_more(relpath: str, kb_dir: str, site_url: str | None) -> str:
    """Where a pattern is read in full: its page on the published site, the URL `recur report` links it by
    (retrieval.patterns.site_page, which escapes the path), or without a site its file in ``kb_dir``. The path
    alone, with RECUR_SITE_URL set, sent a responder to a checkout while Slack and MCP linked the page."""
    if not site_url:
        return f"{kb_dir.rstrip('/')}/{relpath}"
    from recur.retrieval.patterns import site_page

    return for_terminal(site_page(site_url, relpath))


def first_log_line(prepared, n: int = 100) -> str:
    """The first of the log lines a Prepared (retrieval.query) searched, past the words before the log, quoted
    and cut to ``n`` characters: "searched the 1 error line and 5 lines with no level" does not say which
    lines, and the terminal shows no other trace of them (the JSON answer's ``query`` does)."""
    first = prepared.text.split("\n")[prepared.log_before]
    return f'"{for_terminal(short(first, n))}"'


# `recur show` and `recur paths` (cli/show.py): a pattern, an incident and the onboarding paths, as a terminal shows them


def _under_tail(incidents: list) -> str:
    """ ", 5 of them under X, which it replaced" after "Seen before (15 incidents, newest first)" when some of a
    pattern's incidents are of the retired patterns it replaced; "" when none is."""
    under = under_counts(incidents)
    return f", {under_said(under)}" if under else ""


def _heading(text: str) -> str:
    return click.style(text, bold=True)


def render_pattern(doc: dict, titles: dict | None = None, steps: int = 0, kb_dir: str = "kb", flags: str = "") -> str:
    """A pattern object (retrieval.patterns.pattern_object, the API's and get_pattern's) for `recur show`: its
    title, severity and category, then the sections MCP's get_pattern text shows, in its order
    (patterns.pattern_sections: summary, symptoms, signals, the evidence to keep, the runbook (``steps``: how
    many; 0 all), root cause, detection, the permanent fix, linked incidents newest first), with related patterns
    and look-alikes (``titles``: {id: title}), then its file. A list of its own left out the root cause, detection
    and fix, and listed the incidents oldest first (found in review). ``flags``: config.where_flags of the run,
    in each `recur show ID` a step's link prints."""
    from recur.retrieval.patterns import pattern_sections

    doc, titles = for_terminal(doc), for_terminal(titles or {})
    sev = click.style(doc["severity"], fg=SEV_COLOUR.get(doc["severity"], "white"), bold=True)
    out = [
        *([_retired_line(doc, flags)] if doc.get("status") == "retired" else []),
        click.style(f"{doc['title']}{draft_mark(doc)}", bold=True) + f"  ({doc['id']} · {sev} · {doc['category']})",
        *([f"status: {doc['status']}"] if doc.get("status") not in ("active", "retired") else []),
    ]
    links = partial(plain_links, known=pattern_ids(kb_dir), flags=for_terminal(flags))  # a step's links as commands
    for name, data in pattern_sections(doc):
        if name == "runbook" and data:
            out += ["", *_runbook_lines(data, steps, links)]
        elif data:  # an empty section is left out: no heading over nothing
            out += ["", *_PATTERN_SECTION[name](data, titles, steps)]
    out += ["", f"read more: {read_more(doc['path'], kb_dir, None)}"]
    return "\n".join(out)


def _retired_line(doc: dict, flags: str = "") -> str:
    """A retired pattern's first line, as its page on the site opens (site.pattern_pages._retired_note): where to
    go now, each successor with the command that prints it, or that nothing replaced it."""
    by = doc.get("superseded_by") or []
    where = " and ".join(f"{pid} (recur show {for_terminal(flags)}{pid})" for pid in by)
    said = f"Retired: superseded by {where}." if by else "Retired; nothing replaced it."
    # a rename, merge or split goes on under its successors: "should no longer happen" was said of them too, as the
    # API and MCP said it ("ask for X, which covers this failure now" there; found in a re-read)
    now = (
        f" {'It covers' if len(by) == 1 else 'They cover'} this failure now"
        if by
        else " This failure mode should no longer happen"
    )
    return click.style(said, fg="yellow", bold=True) + now + "; kept for history."


def _runbook_lines(runbook: list, steps: int, links=plain_links) -> list[str]:
    out = [_heading("First steps:")]
    for i, step in enumerate(runbook[: steps or None], 1):
        out.extend(step_lines(f"  {i}. ", step, links))
    if steps and len(runbook) > steps:
        out.append(f"  … {plural(len(runbook) - steps, 'more step')}")
    return out


def _fix_line(fix: dict) -> str:
    from recur.retrieval.patterns import fix_said  # here: `recur suggest`, which imports this module, needs none

    return _heading("Permanent fix:") + f" {fix_said(fix)}"


def _named(pid: str, titles: dict) -> str:
    return f"{pid} ({titles[pid]})" if pid in titles else pid


def _text_lines(heading: str, text: str) -> list[str]:
    """A section's heading, then its text as written (paragraphs and lists kept), indented under it."""
    return [_heading(heading)] + [f"  {line}" if line.strip() else "" for line in text.splitlines()]


# each section's lines in `recur show`, from (its data, {id: title}, --steps); drawn when it has data
_PATTERN_SECTION = {
    "summary": lambda s, *_: s.split("\n"),  # one line a paragraph, a code block's lines kept (summary_text)
    "symptoms": lambda xs, *_: [_heading("Symptoms:")] + [f"  - {flat(x)}" for x in xs],
    "signals": lambda xs, *_: [_heading("Signals:")] + [f"  - {flat(x)}" for x in xs],
    "evidence": lambda xs, *_: (
        [click.style("Preserve before restoring:", fg="magenta", bold=True)] + [f"  - {flat(e)}" for e in xs]
    ),
    "runbook": lambda xs, _, steps: _runbook_lines(xs, steps),
    "root_cause": lambda s, *_: _text_lines("Root cause:", s),
    "detection": lambda s, *_: _text_lines("Detection:", s),
    "fix": lambda f, *_: [_fix_line(f)],
    "incidents": lambda xs, *_: (
        [_heading(f"Seen before ({plural(len(xs), 'incident')}, newest first){_under_tail(xs)}:")]
        + [
            f"  - {i['date']} {i['id']}: {flat(i['title'])}" + (f" (under {i['under']})" if i.get("under") else "")
            for i in xs
        ]
    ),
    "related": lambda xs, titles, _: [_heading("Related:")] + [f"  - {_named(pid, titles)}" for pid in xs],
    "look_alikes": lambda xs, titles, _: (
        [_heading("Look-alikes (what tells them apart):")]
        + [f"  - {_named(a['id'], titles)}: {_told_apart(a)}" for a in xs]
    ),
}


def _told_apart(a: dict) -> str:
    """A look-alike's line after its name: what tells the two apart, or that only their wording is alike
    (lookalikes.wording_only, the label `recur lookalikes` gives it), or a close call."""
    from recur.retrieval.lookalikes import told_apart

    return told_apart(a, CLOSE_CALL)


def render_incident(doc: dict, titles: dict | None = None, kb_dir: str = "kb") -> str:
    """An incident object (retrieval.patterns.incident_object) for `recur show INC-…`, the terminal's handoff view:
    title, date, severity, services, duration, review (with its owner), summary, the open flags and follow-ups (the
    next shift's work, open first, each with its owner, due date and ticket), the record's other sections in brief
    (``_section_lines``), the patterns it links (``titles``: {id: title}) or "needs analysis", its file. Found in a
    handoff review: it printed the title, review and summary alone, and the follow-ups, flags, review owner and a
    postmortem's root cause were read only by opening the file."""
    doc, titles = for_terminal(doc), for_terminal(titles or {})
    sev = click.style(doc["severity"], fg=SEV_COLOUR.get(doc["severity"], "white"), bold=True)
    out = [click.style(doc["title"], bold=True) + f"  ({doc['id']} · {doc['date']} · {sev})"]
    if doc.get("services"):
        out.append(f"services: {', '.join(doc['services'])}")
    if doc.get("duration_minutes") is not None:
        from recur.util.dates import duration_text

        out.append(f"duration: {duration_text(doc['duration_minutes'])}")
    if doc.get("review"):
        out.append(_review_line(doc["review"]))
    if doc.get("summary"):
        out += ["", *doc["summary"].split("\n")]  # one line a paragraph, a code block's lines kept (summary_text)
    out += _flag_lines(doc.get("flags") or []) + _follow_up_lines(doc.get("follow_ups") or [])
    out += _section_lines(doc.get("sections") or {}, bool(doc.get("follow_ups")))
    linked = [f"  - {pid}" + (f" ({titles[pid]})" if pid in titles else "") for pid in doc.get("patterns") or []]
    out += ["", _heading("Patterns:")] + linked if linked else ["", "Patterns: none linked (needs analysis)"]
    out += ["", f"read more: {read_more(doc['path'], kb_dir, None)}"]
    return "\n".join(out)


def _review_line(review: dict) -> str:
    """The review: level, status (the day held), due day, how overdue today by the board's rule (a pending review
    past its due day was not said to be overdue, found in a re-read), and who holds it; a review of level none (a
    sev4's) is none to hold, and has no owner to miss."""
    level, status = review.get("level"), review.get("status")
    done = f" {review['done']}" if status == "done" and review.get("done") else ""
    due = f", due {review['due']}" if review.get("due") else ""
    if status == "pending" and level != "none" and (days := _days_overdue(review.get("due"))):
        due += f" (overdue {plural(days, 'day')})"
    owner = f", owner {review['owner']}" if review.get("owner") else ", no owner recorded" if level != "none" else ""
    return f"review: {level}, {status}{done}{due}{owner}"


def _days_overdue(due: str | None) -> int:
    """How many days an item due ``due`` (ISO text, None: no due day) is overdue today, by the board's rule."""
    import datetime as dt

    from recur import config
    from recur.problems.board import days_overdue

    return days_overdue(dt.date.fromisoformat(due) if due else None, config.today())


def _flag_lines(flags: list) -> list[str]:
    """The flags ("dig into this later"): the open ones in full, then the ones done with their note."""
    if not flags:
        return []
    still = [f for f in flags if f["status"] != "done"]
    lines = ["", _heading(f"Flags, to dig into ({len(still)} open of {len(flags)}):")]
    lines += [f"  - {flat(f['text'])}" + (f" ({flat(f['note'])})" if f.get("note") else "") for f in still]
    for f in (f for f in flags if f["status"] == "done"):
        when = f" {f['done']}" if f.get("done") else ""
        lines.append(f"  - done{when}: {flat(f['text'])}" + (f" ({flat(f['note'])})" if f.get("note") else ""))
    return lines


def _follow_up_lines(follow_ups: list) -> list[str]:
    """The follow-ups, the open ones first (the soonest due first, then those with no due date), each with its
    owner, due date (and how overdue on today's date) and ticket; then the closed ones with the day each was done."""
    if not follow_ups:
        return []
    still = sorted((f for f in follow_ups if f["status"] != "done"), key=lambda f: f.get("due") or "9999")
    lines = ["", _heading(f"Follow-ups ({len(still)} open of {len(follow_ups)}):")]
    for f in still + [f for f in follow_ups if f["status"] == "done"]:
        state = "open" if f["status"] != "done" else "won't do" if f.get("resolution") == "wont-do" else "done"
        state += f" {f['done']}" if f["status"] == "done" and f.get("done") else ""
        days = _days_overdue(f.get("due")) if f["status"] != "done" else 0
        late = f" (overdue {plural(days, 'day')})" if days else ""
        said = [f"owner {f['owner']}" if f.get("owner") else "no owner"]
        said += [f"due {f['due']}{late}"] if f.get("due") else []
        said += [f"ticket {f['ticket']}"] if f.get("ticket") else []
        lines.append(f"  - [{state}] {flat(f['title'])} · {' · '.join(said)}")
    return lines


# the sections shown whole: why it happened (what tells the next occurrence apart), what restored service (what the
# next shift does again if it comes back) and who to ask; the others are read in the file, and shown here by their
# first entry and how many there are (a timeline by its first and last: when it began, where it stood at the end)
_WHOLE_SECTIONS = ("root cause", "mitigations", "mitigation", "people")


def _section_lines(sections: dict, has_follow_ups: bool) -> list[str]:
    """The record's sections but its Summary, in its order: a root cause, mitigations and the people in full, a timeline as
    how many entries and its first and last (when it began, where it stood at the end), any other as its first
    entry and how many more. The Action items table of an import is left out when the follow-ups (its items, as
    the record holds them) are shown above."""
    lines = []
    for name, text in sections.items():
        key = name.strip().casefold()
        if key in _WHOLE_SECTIONS:
            lines += [""] + _text_lines(f"{name}:", text)
            continue
        if key == "action items" and has_follow_ups:
            continue
        entries = _entries(text)
        if not entries:
            continue
        if key == "timeline" and len(entries) > 1:
            said = f"{len(entries)} entries, first {cut(entries[0], 100)} … last {cut(entries[-1], 100)}"
        else:
            said = cut(entries[0], 160) + (f" (and {len(entries) - 1} more)" if len(entries) > 1 else "")
        lines += ["", _heading(f"{name}:") + f" {said}"]
    return lines


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])\s+")


def _entries(text: str) -> list[str]:
    """A section's entries, each on one line of plain text (util.text.plain: a link's label, no code or emphasis
    marks): a table's rows but its header (cells joined), else a list's items, wherever they sit in the section,
    else the paragraphs of prose. A timeline under a lead sentence ("All times UTC.") or over a closing note was
    read as prose, one entry, its first and last the same (found in a re-read)."""
    rows = [x.strip() for x in text.splitlines() if x.strip()]
    if table := [r for r in rows if r.startswith("|")]:
        cells = [[c.strip() for c in r.strip("|").split("|")] for r in table]
        data = [c for c in cells[1:] if not all(re.fullmatch(r":?-+:?", x) for x in c if x)]
        return [plain(" ".join(x for x in c if x)) for c in data if any(c)]
    if items := [r for r in rows if _LIST_ITEM.match(r)]:
        return [plain(_LIST_ITEM.sub("", r)) for r in items]
    return [plain(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def render_paths(paths: list[dict], kb_dir: str = "kb") -> str:
    """`recur paths`: each onboarding path's id, title and number of steps."""
    if not paths:
        return f"No onboarding paths yet in {for_terminal(kb_dir)}: add one with recur new path."
    rows = [for_terminal(p) for p in paths]
    width = max(len(p["id"]) for p in rows)
    out = [f"{p['id']:<{width}}  {p['title']} ({plural(p['steps'], 'step')})" for p in rows]
    return "\n".join(out + ["", "recur paths ID lists a path's steps; the site shows them at /paths/ (recur serve)."])


# what a newcomer should know of a step's pattern before reading it, in the site's words (site.record_pages._step_mark)
_STEP_MARK = {"retired": " (retired: kept for history)", "draft": " (draft: still being written)"}


def render_path(doc: dict) -> str:
    """`recur paths ID`: the path's title and audience, then its steps in order, each pattern's id and title
    (and why it is there), with the command that prints it."""
    doc = for_terminal(doc)
    out = [_heading(doc["title"]) + f"  ({doc['id']})"]
    if doc.get("audience"):
        out.append(f"for: {doc['audience']}")
    out.append("")
    for n, step in enumerate(doc["steps"], 1):
        title = step["title"] or "no such pattern in the KB"
        out.append(f"{n}. {step['pattern']}: {title}{_STEP_MARK.get(step.get('status'), '')}")
        if step.get("why"):
            out.append(f"   why: {flat(step['why'])}")
    return "\n".join(out + ["", "recur show ID prints a step's pattern."])
