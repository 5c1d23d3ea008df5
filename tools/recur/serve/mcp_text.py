"""The MCP tools' text: what a model that reads only a tool result's text content (and a person whose client
shows it) needs to act on, rendered from the structured content, which is the real answer (mcp_server.py).

Over the API's JSON objects (dicts), not the ``Answer`` the terminal renders: ``answer_text`` and
``no_pattern_text`` are MCP's counterparts of cli/render.py's ``render_answer`` and ``no_known_text``, named
apart so that neither reads as the other. Imports no MCP SDK: the text is plain functions of the answers.
"""

from collections.abc import Callable

from recur.kb.records import draft_mark
from recur.retrieval import patterns as pat
from recur.retrieval.lookalikes import told_apart, wording_only, wording_only_said
from recur.retrieval.results import (
    CLOSE_CALL,
    about_no_failure,
    confidence_text,
    flat,
    match_line,
    meant_line,
    nothing_searched,
    opening,
    percent,
    question_help,
    say_more,
    step_lines,
    under_counts,
    under_said,
    why_text,
)
from recur.util.text import close_names, cut_words, plural


def page_suffix(row: dict) -> str:
    """`` URL`` when the row has its page's ``url`` (the server knows the site's URL), else nothing."""
    return f" {row['url']}" if row.get("url") else ""


# what a pasted alert list's note tells an assistant to do about the alerts not searched (query.Prepared.said):
# it cannot "POST the payload to /api/alertmanager", the API's and the terminal's advice (found in review)
OTHER_ALERTS = "to have one answered, call suggest_patterns with that alert alone (its JSON, or its name and summary)"
STEPS = 2  # runbook steps in the text of a result (Slack shows as many); the structured content has them all
# results whose text gives evidence and steps: top=50 made a text of ~50 runbooks, far more than a model needs to
# act on (a responder reads the first few; found in review); the rest are listed by name, likelihood and why
DETAILED = 3


def no_pattern_text(
    writes: bool = False, nothing: bool = False, site_url: str | None = None, more: str | None = None
) -> str:
    """What to do when nothing known matches. ``writes``: this server offers record_incident, so the
    assistant can record the incident itself (the text named only `recur incident new`, a command the
    assistant's user would have to run by hand; found in review). ``nothing``: the answer reads as about no
    failure at all (results.about_no_failure), said as the terminal says it: an assistant told to record it
    recorded "how do I get VPN access" as an incident itself (found in a re-read); what a question is told
    first, as the terminal and the site's box tell it (results.question_help), the site's glossary named where
    ``site_url`` is known. ``more``: what a text of few words is told before the record step (results.say_more),
    as the terminal tells it."""
    record = "with the record_incident tool" if writes else "(recur incident new)"
    then = "then draft a pattern (recur new pattern) or recur import the postmortem once it is written."
    if nothing:
        glossary = pat.glossary_url(site_url)
        glossary = f"the glossary ({glossary}: what the site's words mean)" if glossary else None
        question = question_help("Recur", glossary=glossary)
        return (
            f"No known pattern matches: nothing in the knowledge base is about this. {question} If it is an "
            f'incident, record it {record} so it shows as "needs analysis", {then} If it is a question, do not '
            "record it."
        )
    if more:
        return f'No known pattern matches. {more} Record the incident {record} so it shows as "needs analysis", {then}'
    return f'No known pattern matches: record the incident {record} so it shows as "needs analysis", {then}'


def answer_text(answer: dict, *, writes: bool = False, site_url: str | None = None) -> str:
    """suggest_patterns' text, for a model that reads only the text content and for a person whose client
    shows it: what the results are (match_line: low results are not called matches) with the "check both"
    line when a result below the first is rated more likely right (results.opening, as the terminal and the
    site's box open: over a first result of low confidence, that line first, on a line of its own), then each
    result with its probability, why it matched, its page, the evidence to preserve and its first steps.
    Evidence and steps for the first DETAILED results only, said; none when no_known_pattern (the closest by
    name and likelihood alone). The structured content is whole either way."""
    results = answer["results"]
    said = answer.get("query_note")  # a log searched by its error lines, a long paste condensed
    if answer["no_known_pattern"] is None:  # nothing searched (an SNS subscription confirmation): no verdict
        return nothing_searched(said)
    lines = [f"{said[0].upper()}{said[1:]}."] if said else []
    if meant := meant_line(answer.get("meant")):  # a typo of one id: said first, as the terminal says it
        lines.append(f"{meant} (get_pattern gives it).")
    if answer["no_known_pattern"]:
        # nothing here describes the text: the closest by name and likelihood alone. Each with its evidence and
        # steps (five unrelated runbooks at <1%) was most of the answer, and a model followed them (found in review).
        # A typo of an id is no incident: nothing to record, as the terminal proposes none for it
        said = (
            "No known pattern matches the text as typed."
            if meant
            else no_pattern_text(writes, about_no_failure(answer), site_url, say_more(answer))
        )
        lines.append(said + (" Closest patterns, for comparison only:" if results else ""))
        lines += [f"{r['rank']}. {r['id']}: {r['title']}{draft_mark(r)} ({confidence_text(r)})" for r in results]
        return "\n".join(lines)
    # counted as the terminal counts: every credible result ranked for the verdict, shown or not (``credible``);
    # a likelier result `top` left out named too; over a low first, the "check both" first (results.opening)
    said = match_line(results, answer.get("likelier"), answer.get("credible") or 0, more="top")
    lines += opening(results, said, answer.get("likelier"))
    for n, r in enumerate(results):
        lines += _result_lines(r, steps=n < DETAILED)
    if len(results) > DETAILED:
        lines.append(
            f"(Evidence and first steps for the first {DETAILED} results only; the structured content has every "
            "result's, and get_pattern gives a pattern's whole runbook.)"
        )
    return "\n".join(lines)


def _result_lines(r: dict, steps: bool = True) -> list[str]:
    lines = [
        f"{r['rank']}. {r['id']}: {r['title']}{draft_mark(r)}",
        f"   {confidence_text(r)} · {r['severity']} · {r['category']}",
    ]
    if r.get("why"):
        lines.append(f"   why: {why_text(r)}")
    if r.get("url"):
        lines.append(f"   page: {r['url']}")
    low = r["confidence"] == "low"  # folded on the site, left out of Slack: here said to be checked first
    if not steps:  # past DETAILED: named, rated and why, as a list to compare
        return lines
    if r["evidence"]:
        more = f" (and {len(r['evidence']) - 1} more)" if len(r["evidence"]) > 1 else ""
        lines.append(f"   preserve first: {flat(r['evidence'][0])}{more}")
    if r["runbook"]:
        lines.append("   first steps" + (" (low match: check it fits first):" if low else ":"))
        # a step's code block as its lines under it, as the terminal prints it (results.step_lines): flattened, it
        # was one line with its fences and language word ("2. Check evictions: ```bash redis-cli info ... ```")
        for n, s in enumerate(r["runbook"][:STEPS], 1):
            lines += step_lines(f"     {n}. ", s)
    for a in r.get("look_alikes") or []:
        lines.append(f"   vs {a['id']}: {told_apart(a, CLOSE_CALL)}")  # as get_pattern's text says the pair
    return lines


SHOWN_LINES = 8  # symptoms, signals and incidents in get_pattern's text; the structured content has them all
DETECTION = 800  # characters of its detection section in the text


def _listed(items: list, line: Callable[[object], str], shown: int = SHOWN_LINES) -> list[str]:
    """At most ``shown`` items as list lines, then how many more the structured content has."""
    more = [f"- … and {len(items) - shown} more (in the structured content)"] if len(items) > shown else []
    return [f"- {line(x)}" for x in items[:shown]] + more


def pattern_text(doc: dict, titles: dict | None = None) -> str:
    """get_pattern's text: what its description promises (symptoms, signals, summary, evidence, runbook, root
    cause, detection, permanent fix, linked incidents, look-alikes), long lists bounded: the sections every text of
    a pattern shows, in their order (patterns.pattern_sections; `recur show` draws the same). Symptoms, signals,
    detection and the incidents were left out, so a model that reads the text alone had no way to check that the
    pattern fits (found in an MCP integrator's review). ``titles``: {id: title} of the look-alikes (``look_alike``)."""
    lines = [
        f"# {doc['title']} ({doc['id']})",
        f"{doc['category']} · {doc['severity']} · {doc['status']}" + (f" · {doc['url']}" if doc.get("url") else ""),
    ]
    for name, data in pat.pattern_sections(doc):
        lines += _SECTION[name](data, titles or {})
    return "\n".join(lines).strip()


def _bounded(said: str) -> str:
    return said if len(said) <= DETECTION else said[: DETECTION - 1] + "…"


# each section's lines in get_pattern's text, from (its data, the look-alikes' titles); the related patterns are
# left out, as the tool's description does: the look-alikes are the ones a model compares, each with what tells
# it apart, and the structured content has both
_SECTION: dict[str, Callable[[object, dict], list[str]]] = {
    "summary": lambda s, _: ["", s],
    "symptoms": lambda xs, _: ["", "Symptoms:"] + _listed(xs, lambda x: flat(str(x))) if xs else [],
    "signals": lambda xs, _: (
        ["", "Signals (log lines, alerts, metrics):"] + _listed(xs, lambda x: flat(str(x))) if xs else []
    ),
    "evidence": lambda xs, _: ["", "Evidence to preserve first:"] + [f"- {e}" for e in xs] if xs else [],
    "runbook": lambda xs, _: ["", "Runbook:"] + [f"{n}. {s}" for n, s in enumerate(xs, 1)],
    "root_cause": lambda s, _: ["", "Root cause:", s] if s else [],
    "detection": lambda s, _: ["", "Detection:", _bounded(s)] if s else [],
    "fix": lambda f, _: ["", f"Permanent fix: {pat.fix_said(f)}"] if f else [],
    "incidents": lambda xs, _: _incident_lines(xs),
    "related": lambda xs, _: [],
    "look_alikes": lambda xs, titles: (
        ["", "Look-alikes:"] + [look_alike(a, titles.get(a.get("id"))) for a in xs] if xs else []
    ),
}


NOT_TOLD_APART = "no line that tells them apart is written"
LOOKS_CLOSE = f"close in meaning; {NOT_TOLD_APART}"


def look_alike(a: dict, title: str | None) -> str:
    """A look-alike's line of get_pattern's text: its id, title, and what tells the two apart (or that nothing
    written does). A bare id ("- retry-storm") said nothing a model could compare without another call per
    look-alike (found in review)."""
    named = f"- {a['id']}" + (f" ({flat(title)})" if title else "")
    if a.get("by"):
        said = f"told apart by {a['by']}"
    elif a.get("similarity") is None and a.get("co_incidents"):
        # no similarity: listed for the incidents alone (the KB's look-alikes while the model loads), where "close
        # in meaning" sat over the note that look-alikes by meaning are left out (found in a re-read)
        said = f"{plural(a['co_incidents'], 'incident')} linked both; {NOT_TOLD_APART}"
    else:  # the label `recur lookalikes` and `recur show` give a neighbour alike by its words alone
        said = wording_only_said(a) if wording_only(a) else LOOKS_CLOSE
    return f"{named}: {said}{page_suffix(a)}"


def _incident_lines(newest: list) -> list[str]:
    """The linked incidents, newest first (as patterns.pattern_sections gives them), bounded."""
    if not newest:
        return ["", "Linked incidents: none recorded"]
    line = lambda i: f"{i.get('date')} {i.get('id')}: {flat(i.get('title') or '')}{under_suffix(i)}{page_suffix(i)}"  # noqa: E731
    under = under_counts(newest)  # "(3, newest first)" as before; those of a replaced pattern said after, not nested
    tail = f", {under_said(under)}" if under else ""
    return ["", f"Linked incidents ({len(newest)}, newest first){tail}:"] + _listed(newest, line)


def under_suffix(incident: dict) -> str:
    """An incident's mark when it is listed for a retired pattern this one replaced (its ``under``)."""
    return f" (under {incident['under']})" if incident.get("under") else ""


# list_patterns', past_incidents' and the resource listing's words

PLURAL = {"category": "categories", "service": "services", "tag": "tags", "severity": "severities"}


def no_such_value(name: str, value: str, values: list[str], shown: int = 40) -> str:
    """list_patterns {"category": "nosuchcat"} answered "0 pattern(s)", and nothing said which values
    there are (found in review): a model tried again blind. Said here, with the values it was probably
    meant to be first."""
    meant = close_names(value, values)
    listed = ", ".join(values[:shown]) + (f" … and {len(values) - shown} more" if len(values) > shown else "")
    hint = f" (did you mean {', '.join(meant)}?)" if meant else ""
    return f"no pattern has the {name} {value!r}{hint}; the {PLURAL[name]}: {listed or 'none'}"


def resource_about(doc: dict, limit: int = 200) -> str:
    """A listed pattern's description: category, severity and the start of its summary."""
    summary = " ".join(str(doc.get("summary") or "").split())
    if len(summary) > limit:
        summary = summary[: limit - 1].rsplit(" ", 1)[0] + "…"
    return f"{doc.get('category')} · {doc.get('severity')}: {summary}".rstrip(": ")


def only_low(results: list, kb) -> str:
    """past_incidents' text for a text whose results are all of low confidence: none is searched for incidents,
    and the text said "No recorded incidents" though the closest pattern has some (found in review: a model read
    it as none at all). It says why, and how to have the closest's incidents if they are wanted."""
    head = "No pattern matches with medium or high confidence, so no linked incidents are listed"
    if not results:
        return head
    closest = results[0]
    found = len(pat.incidents_of(kb, [closest["id"]]))  # the KB as read now, as the incidents listed
    if not found:
        return f"{head}; the closest, {closest['id']} ({_low_said(closest)}), has no recorded incidents"
    return (
        f"{head}; the closest, {closest['id']} ({_low_said(closest)}), has {plural(found, 'incident')}: call "
        f"past_incidents with pattern_id {closest['id']} to list them (check the pattern fits first)"
    )


def matched_said(matched: list[str]) -> str:
    """past_incidents' head by text, after "N incidents, newest first": the patterns the text matched, whose
    incidents these are. The text listed incidents with no word of which pattern brought each in (the structured
    content's ``patterns`` named them; found in an MCP review)."""
    which = "the pattern" if len(matched) == 1 else f"the {len(matched)} patterns"
    return f" linked to {which} this text matches (medium or high confidence): {', '.join(matched)}"


# past_incidents' text: under each incident's line its summary on one line, cut at SUMMARY_SHOWN characters, fewer
# when many are listed (SUMMARIES_SHOWN shared), never under SUMMARY_FLOOR: 15,000 at most at any limit (100 listed)
SUMMARY_SHOWN, SUMMARIES_SHOWN, SUMMARY_FLOOR = 600, 15_000, 150


def summary_line(summary: str | None, listed: int) -> list[str]:
    """An incident's summary under its line in past_incidents' text (none when it has none), cut between words. The
    text listed date, id and title alone: a client that gives its model the text and not the structured content
    (Claude Code gives the structured content) could not tell what happened or what ended it (found in review)."""
    if not summary or not str(summary).strip():
        return []
    return ["  " + cut_words(summary, max(SUMMARY_FLOOR, min(SUMMARY_SHOWN, SUMMARIES_SHOWN // max(listed, 1))))]


def linked_of(incident: dict, matched: list[str] | None) -> str:
    """An incident line's matched patterns it links, by text (`` [pattern: disk-full]``); empty by pattern_id."""
    if not matched:
        return ""
    links = {str(p).lower() for p in incident.get("patterns") or []}
    mine = [p for p in matched if p.lower() in links]
    return f" [{'pattern' if len(mine) == 1 else 'patterns'}: {', '.join(mine)}]" if mine else ""


def _low_said(r: dict) -> str:
    return f"{r['confidence']}, {percent(r['probability'])}" if r.get("probability") is not None else r["confidence"]


STALE_SHOWN = 20  # file names in the structured ``stale``; the text names 5 (shown_files)


def stale_object(changed: list[str], tail: str = "", said: Callable[[dict], str] | None = None) -> dict | None:
    """The ``stale`` of an answer from an index older than the KB's files (``changed``: an EngineHolder's
    ``kb_changed``), None when it is not: MCP's tool results (mcp_server.Staleness) and the API's answers
    (/api/suggest, /api/alertmanager, /api/patterns/{id}) carry this one object. Only /mcp said it, and a responder
    on the API, Slack or the site's box was never told an edited pattern's runbook was the old one (found in a
    consistency review). ``tail``: more to say after the message (get_pattern's). ``said``: the message's words
    from the object (the API's: stale_said, to a person; MCP's stale_text tells an assistant what to tell the user,
    and the box and Slack each reworded it by hand)."""
    if not changed:
        return None
    stale = {
        "files": changed[:STALE_SHOWN],
        "more": max(0, len(changed) - STALE_SHOWN),
        "message": "",
        "only_incidents": not pattern_changes(changed),
    }
    return stale | {"message": (said(stale) if said else stale_text(changed)) + tail}


def stale_said(stale: dict | None) -> str:
    """``stale`` (stale_object's) said to a person, not an assistant: the API's answers' ``stale.message``
    (index_stale's), which Slack's reply and the site's box show: "" when the index is current."""
    from recur.retrieval.index import shown_files

    if not stale:
        return ""
    files = shown_files([*stale["files"], *[""] * stale["more"]])  # the first names, then how many more
    if stale["only_incidents"]:
        return (
            f"Incident records changed since the index was built ({files}): the patterns are current, but incidents "
            "recorded since may be missing from this answer until the index is rebuilt (recur index)."
        )
    return (
        f"The knowledge base changed since its index was built ({files}): this answer comes from the old index and "
        "may be out of date until it is rebuilt (recur index)."
    )


def pattern_changes(changed: list[str]) -> list[str]:
    """The changed KB files that are not incident records: patterns, severity.yml, recur.yml."""
    return [name for name in changed if not name.startswith("incidents/")]


def stale_text(changed: list[str]) -> str:
    """The note of an answer from an index older than the KB's files. Incident records alone changed (a
    record_incident, a record pulled) leave every pattern current: the note says which incidents the answer may
    lack, not "may be out of date", which every answer said after one record until `recur index` ran, and an
    assistant told its user so each time (found in review)."""
    from recur.retrieval.index import shown_files

    if not pattern_changes(changed):
        return (
            f"Note: {plural(len(changed), 'incident record')} changed since the index was built, no pattern "
            f"({shown_files(changed)}): the patterns here are current, but the linked and seen-before incidents in "
            "this answer may not include them until the index is rebuilt (`recur index`, which the server picks "
            "up without a restart)."
        )
    return (
        f"Note: the knowledge base changed since its index was built ({shown_files(changed)}): this answer comes "
        "from the old index, so tell the user it may be out of date; it is current once the index is rebuilt "
        "(`recur index`), which the server picks up without a restart."
    )


def incident_text(doc: dict, titles: dict[str, str]) -> str:
    """get_incident's text: the record as `recur show INC-…` reads it, for a client that gives its model the text
    (its heading line, services, linked patterns with their titles, review, duration, summary, follow-ups, flags,
    then its other sections whole as the answer has them: cut at the server's limit, marked)."""
    lines = [f"{doc['id']} ({doc['severity']}, {doc['date']}): {doc['title']}{page_suffix(doc)}"]
    if doc["services"]:
        lines.append(f"Services: {', '.join(doc['services'])}")
    linked = [f"{pid} ({titles[pid]})" if pid in titles else pid for pid in doc["patterns"]]
    lines.append(f"Patterns: {', '.join(linked)}" if linked else "Patterns: none linked yet (needs analysis)")
    if review := doc.get("review"):
        owner = f", owner {review['owner']}" if review.get("owner") else ""
        lines.append(f"Review: {review['level']}, {review['status']}, due {review['due']}{owner}")
    if doc.get("duration_minutes") is not None:
        lines.append(f"Duration: {doc['duration_minutes']} minutes of user-visible impact")
    if doc.get("summary"):
        lines += ["", "Summary:", doc["summary"]]
    for name, key, said in (("Follow-ups", "follow_ups", "title"), ("Flags", "flags", "text")):
        if doc[key]:
            lines += ["", f"{name}:", *(f"- [{item['status']}] {item[said]}" for item in doc[key])]
    for name, text in doc["sections"].items():
        lines += ["", f"## {name}", text]
    return "\n".join(lines)
