"""record_incident's work (`recur mcp --allow-writes`): the incident written into the KB exactly as `recur
incident new` writes it, under one lock per KB folder (``_writing``) so that a retried call finds the first
one's record instead of writing a second, and its answer, structured and text. The tool itself is registered
in mcp_server.py (``_write_tools``), with the others.
"""

import threading
from collections.abc import Callable

from recur import config
from recur.retrieval.results import confidence_text, match_line
from recur.serve.guard import CLIENT_GONE, ClientGone
from recur.serve.served_kb import server_kb
from recur.util import utf8
from recur.util.errors import RecurError
from recur.util.text import has_text, require_no_controls


def record(get_engine: Callable, given: dict, patterns: list, allow_duplicate: bool) -> tuple[dict, str]:
    """record_incident's work: (structured, text)."""
    from recur.ingest.importer import candidates_of
    from recur.ingest.pasted_log import as_said, not_an_incident, recorded_description
    from recur.kb import incident_record as ir

    title, description = given["title"], given["description"]
    _intact(title=title, description=description, flags=given["flags"])
    _intact(review_owner=given["review_owner"])  # one line of text, as the CLI's --review-owner
    if not has_text(description):  # required: the record's Summary, and what its suggestions are searched by
        # U+200B alone was recorded as the Summary, and searched: refused as blank is
        only = " (only invisible characters or emoji)" if description.strip() else ""  # control ones: _intact
        raise RecurError(f"description: is empty{only}; say what you see (it becomes the Summary); nothing written")
    if why := not_an_incident(description):  # as `recur incident new` refuses it
        raise RecurError(f"description: {why}")
    engine = get_engine()
    # a long pasted log cut down as `recur incident new -d -` cuts it (its Summary and ## Log), said in
    # the answer; written whole, a 6,000-line paste made a 725 KB record (found in review)
    recorded = recorded_description(description)
    new = ir.NewIncident(
        title=title,
        severity=given["severity"],
        date=config.today(),  # RECUR_TODAY when set, as `recur incident new` dates a record given no --date
        **recorded.fields(),
        flags=tuple(given["flags"]),
        patterns=tuple(patterns),
        review_owner=given["review_owner"],  # cleaned by checked_incident, as the CLI's --review-owner
    )
    found = []  # (the suggestions, as candidates), made once the record is written: stored in it

    def suggest() -> tuple[list, list]:
        answer = engine.answer(ir.suggestion_query(title, description), top=3, exclude=set(patterns))
        found.append((answer, candidates_of(answer.results, kb.import_drafts())))
        return [], found[0][1]

    # the KB read, the look for today's record and the write as one step: tool calls run in worker threads, and
    # two identical calls at once (a retry while the first still ran) both found nothing and both wrote
    with _writing(engine.kb_dir):
        kb = server_kb(engine)
        # as it is written: a retry is found by the fields the record has, cleaned by the step that writes them
        checked = ir.checked_incident(kb, new)  # named as MCP_CALLER names them (run_tool)
        same = None if allow_duplicate else ir.recorded_today(kb, checked, as_said)
        _still_wanted()
        if same is not None and ir.retried(checked, same):  # its first call's answer lost: that record, not a second
            suggest()
            return _severity_noted(kb, new, *_already(kb, new, same, found[0], recorded))
        written = ir.write_incident(kb, checked, suggest=suggest)
    out, text = _severity_noted(kb, new, *_recorded(kb, new, written, found[0], recorded))
    out, text = _fix_not_held(kb, new, out, text)
    if notes := ir.retired_notes(kb, out["linked"]):  # as `recur incident new` says it on stderr
        out["retired_linked"] = notes
        text += "".join(f"\nNote: {note} (the user can, in the knowledge base's checkout)." for note in notes.values())
    if same is not None:  # the same title and description, other severity, links or flags: written, and said
        out["same_as"] = same.id
        text += (
            f"\nNote: {same.id} was recorded today with the same title and description (other severity, "
            "patterns or flags); if this was meant as that incident, the user can remove this record."
        )
    return out, text


def _fix_not_held(kb, new, out: dict, text: str) -> tuple[dict, str]:
    """A pattern linked (``patterns``) whose permanent fix was marked done before the incident's date: said in the
    answer, as `recur incident new` says it on stderr (``recurrence_after_fix``, as its --json has it)."""
    from recur.kb.pattern_fix import fix_not_held

    after = fix_not_held(kb.patterns, out["linked"], new.date)
    if not after:
        return out, text
    out["recurrence_after_fix"] = after
    said = [f"Warning: {a['said']} (the user can, in the knowledge base's checkout)." for a in after]
    return out, "\n".join([text, *said])


def _severity_noted(kb, new, out: dict, text: str) -> tuple[dict, str]:
    """The answer with ``severity_note`` and its line after the first, when the severity given was read as another
    (P1 recorded as sev1), as the CLI says it; a retry's answer too: its first call's said it and the retry's did
    not, so the model asked again was never told (found in review)."""
    from recur.kb import incident_record as ir

    if said := ir.priority_note(kb, new.severity, "severity"):
        out["severity_note"] = said
        first, *rest = text.split("\n")
        text = "\n".join([first, f"Note: {said}.", *rest])
    return out, text


_WRITES: dict[str, threading.Lock] = {}  # a KB folder (resolved) -> the lock its record_incident calls take
_WRITES_GUARD = threading.Lock()


def _writing(kb_dir) -> threading.Lock:
    """The one lock of the KB at ``kb_dir``, shared by every server in this process that writes into it."""
    from pathlib import Path

    with _WRITES_GUARD:
        return _WRITES.setdefault(str(Path(kb_dir).resolve()), threading.Lock())


def _still_wanted() -> None:
    """Nothing is written for a call its client cancelled or gave up on (``CLIENT_GONE``,
    mcp_server._gone_check): the getter waits for the model's load (seconds, a minute on a first start), and
    the check at the search came after the write, so a client that timed out and retried left two records
    (found in review)."""
    gone = CLIENT_GONE.get()
    if gone is not None and gone():
        raise ClientGone("the client cancelled the call or closed its connection; nothing written")


def _already(kb, new, inc, suggested: tuple, recorded) -> tuple[dict, str]:
    """record_incident's answer for a call whose incident ``inc`` was recorded today: that record's object
    (``already_recorded``: true), its suggestions made anew, and nothing written."""
    from dataclasses import replace
    from pathlib import Path

    kept = replace(new, severity=inc.severity, patterns=tuple(inc.patterns), title=inc.title)
    out, text = _recorded(kb, kept, (inc.id, Path(kb.root) / inc.relpath, inc.review), suggested, recorded)
    out["already_recorded"] = True
    head = (
        f"Already recorded today as {inc.id} ({out['path']}), with this title and description: not recorded "
        "again (a retried call?). If this is a second, separate incident, call record_incident again with "
        "allow_duplicate: true."
    )
    return out, "\n".join([head, *text.splitlines()[1:]])


def _recorded(kb, new, written: tuple, suggested: tuple, recorded) -> tuple[dict, str]:
    """The answer of record_incident: `recur incident new --json`'s object, its suggestions made as the CLI
    makes them (title and description, top 3, the linked patterns left out and named first): ``suggested``,
    (the answer, its results as the candidates stored). ``written``: what record_incident returned, (id,
    path, review). ``recorded``: what pasted_log.recorded_description made of the description; what the CLI
    says on stderr of a long one (its ``said``) is the tool's ``description_note``, as in the CLI's --json
    (``CutDescription.noted``), and its text's second line."""
    from recur.kb.credentials import written_warnings
    from recur.kb.incident_record import no_match_text, recorded_json

    answer, candidates = suggested
    iid, path, review = written
    out = recorded_json(kb, new, iid, path, review)
    linked, due = out["linked"], out["review"]["due"]
    out.update(suggestions=answer.results, no_known_pattern=answer.no_known_pattern, candidates=candidates)
    owner = f", owner {review.owner}" if review.owner else ""  # review_owner given: said, as it is in out
    lines = [f"Recorded {iid} in {path} (review: {review.level}{f', due {due}' if due else ''}{owner})."]
    out.update(recorded.noted())  # only when something was said, as the CLI's --json has it
    if said := recorded.said:
        lines.append(f"{said[0].upper()}{said[1:]}")
    # a likely credential in what was written, said as the CLI says it on stderr (and its --json's key): written all
    # the same; the user redacts it (privacy review: a password and an AWS key went in without a word)
    # and an e-mail address that may be a person's, under personal_data_warnings
    warned = written_warnings(path)
    out.update(warned)
    lines += [
        f"Warning: {line} (the user can edit the record in the knowledge base's checkout)"
        for said in warned.values()
        for line in said
    ]
    if answer.no_known_pattern:
        lines.append(no_match_text(linked, report="the problem report"))
    else:
        # MCP has no tool that links: the text named `recur incident link` as if the assistant could run it
        # (found in review). It says who can: the user, in the KB's checkout; and patterns=[...] at recording
        # beside patterns linked, said as the CLI says it ("Besides disk-full (linked): ..."): "none is linked"
        # read as if the patterns given had not been (found in an operator's review)
        said = match_line(answer.results)
        said = f"Besides {', '.join(linked)} (linked): {said[0].lower()}{said[1:]}; none of them" if linked else said
        lines.append(
            f"{said}{'' if linked else '; none'} is linked. Only the user can link one now, in the knowledge "
            f"base's checkout: recur incident link {iid} PATTERN_ID (this server records incidents but does not "
            "change them; record_incident links the ids given in patterns)."
        )
        lines += [f"- {r['id']}: {r['title']} ({confidence_text(r)})" for r in answer.results]
    return out, "\n".join(lines)


def _intact(**fields) -> None:
    """Text to be written into the KB must have arrived whole and be text: U+FFFD is what the
    transport puts in place of bytes that are not UTF-8 and of lone surrogate escapes (see
    ``mcp_stdio.run_stdio``), and a record must not keep it silently. A control character is refused too:
    an assistant's call wrote "\\x1b]0;…\\x07" (a terminal's escape sequence) into a title, and
    `recur report` printed it to the problem manager's terminal (found in review)."""
    for name, value in fields.items():
        for n, text in enumerate(value) if isinstance(value, list) else [(None, value)]:
            where = name if n is None else f"{name}[{n}]"
            if utf8.REPLACEMENT in text:
                raise RecurError(
                    f"{where}: has U+FFFD in place of text that was not valid UTF-8 (a byte that is not UTF-8, "
                    "or a lone surrogate escape such as \\udcff); nothing written: send the text as UTF-8"
                )
            # the one rule of every surface that records (util.text.control_refused): a tab and line breaks
            # are white space, folded in a one-line field as the CLI folds them; refused before the KB is read
            require_no_controls(text, where)
