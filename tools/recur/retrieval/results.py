"""The result object: what every surface (CLI --json, API, site box, MCP, Slack) shows for a query.

One place builds it (``result_object``) and one type describes it (``Result``), so a key cannot
drift between surfaces. ``Answer`` is one query's answer: the ranked results plus the verdict
on the whole answer (``no_known_pattern``), serialised by ``to_json``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple, TypedDict

from recur import config
from recur.util.dates import happened
from recur.util.text import and_listed, cut, plural


class Why(TypedDict):
    field: str
    text: str
    score: float


class LookAlike(TypedDict, total=False):
    id: str
    title: str
    by: str | None
    # as the index knows the pair (lookalikes.annotate), so the "vs" line says what `recur show` says of it
    similarity: float | None
    co_incidents: int
    shared_signals: list[str]


class Result(TypedDict, total=False):
    rank: int
    id: str
    title: str
    score: float  # fused, in z units relative to the other candidates for this query
    confidence: str  # high | medium | low (from probability when there is one)
    probability: float | None  # calibrated chance this result is a right answer; None on a KB too small
    rule: str | None  # the ranking rule that moved it up (search.RULES: "code_first" ...); None: the fitted order
    category: str
    severity: str
    severity_name: str | None  # the level's name in severity.yml ("Major"); None when it names no such level
    status: str
    draft: bool
    import_draft: bool  # a draft of recur import no person has promoted: rated at most medium, not reviewed
    why: list[Why]
    runbook: list[str]
    evidence: list[str]
    summary: str
    signals: list[str]
    path: str  # relative to the KB
    incidents: int  # dated up to today, with those of the retired patterns it replaced
    incidents_inherited: dict  # {retired id: how many of ``incidents`` are under it}; {} for none
    related: list[str]
    distinguish: list[dict]
    scores: dict  # {dense, lexical, signal}
    look_alikes: list[LookAlike]  # added by lookalikes.annotate


CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}
# a look-alike (LookAlike) with no ``by``: what the terminal and MCP's text say in its place, in one wording
CLOSE_CALL = "close call; no distinguishing signal declared"


def rivals(results: list, skip=frozenset()) -> list[int]:
    """Positions of the results after the first that are rated at least as likely right as the
    first: a confidence as high as its own or higher (calibrated, confidence follows the probability,
    so every result with a probability at or above the first's is one). The ranking (fused scores, a
    specific signal found whole put first: search.VERBATIM) and the probabilities can disagree: a
    postmortem quoting a connection-pool error ranked that pattern first at 60% over the cache
    stampede it described at 96%. Then the first is not the answer on its own: `recur suggest` says
    "check both", and `recur import` and `incident new --link-top` link neither, for a person to
    pick. ``skip``: ids that do not count (import: drafts an earlier import wrote, not promoted)."""
    if not results:
        return []
    first = CONFIDENCE_RANK[results[0]["confidence"]]
    return [
        i for i, r in enumerate(results[1:], 1) if r["id"] not in skip and CONFIDENCE_RANK[r["confidence"]] >= first
    ]


class LinkChoice(NamedTuple):
    """What ``choose_link`` decided: the pattern to link (None: none), why, whether the answer is "no known
    pattern" (None: nothing was searched, the answer's verdict), and ``rivals``: the ids rated at least as likely
    right as the top, when they are why none is linked (a choice for a person), else empty."""

    pattern: str | None
    reason: str
    no_known_pattern: bool | None
    rivals: tuple[str, ...] = ()


def choose_link(answer: Answer, drafts=frozenset(), accept: str = "medium") -> LinkChoice:
    """The one rule for linking a suggestion with no person choosing (`recur import` at its --accept,
    `recur incident new --link-top` at "high"): only the top-ranked result, only when the answer is not
    "no known pattern", it is at least ``accept`` confident, it is not a draft an earlier import wrote
    (``drafts``: their ids; a person must promote one first) and no other result is rated at least as
    likely right (``rivals``, and the answer's ``likelier`` that a short ``top`` left out)."""
    # here, not at the top: the engine imports this module (and numpy)
    from recur.retrieval.engine import no_known_pattern

    results = answer.results
    if answer.no_known_pattern is None:  # nothing searched (query.Prepared.unsearched): no verdict, nothing to link.
        # Found in a re-read: `recur import` said "No known pattern matches" and drafted a pattern for such a text
        return LinkChoice(None, f"nothing searched: {answer.query_note or 'the text has nothing to search'}", None)
    if not results or answer.no_known_pattern:
        return LinkChoice(None, "no known pattern matches", True)
    top = results[0]
    if top["id"] in drafts:
        # the verdict on the rest, as if the unpromoted draft were not there (the engine's own rule)
        rest = [r for r in results if r["id"] not in drafts]
        why = f"the best candidate {top['id']} is a draft written by an earlier import"
        return LinkChoice(None, f"{why}; a person must promote it before it counts", no_known_pattern(rest))
    if top.get("probability") is None and top["confidence"] == "medium":
        # a KB under 30 patterns (calibrate.MIN_CANDIDATES) is rated by rule (search.Hit.confidence), whose "medium" is "on the same
        # topic": on 8-pattern subsets of the starter KB a rank-1 medium linked this way was right 18 times
        # in 110 (docs/calibration.md); it is kept as a candidate for a person, only a high one is linked
        why = "rated by rule on a KB under 30 patterns, where only high is linked"
        return LinkChoice(None, f"the best candidate {top['id']} is only medium confidence, {why}", False)
    if CONFIDENCE_RANK[top["confidence"]] < CONFIDENCE_RANK[accept]:
        return LinkChoice(None, f"the best candidate {top['id']} is only {top['confidence']} confidence", False)
    # another result as confident or more is a choice for a person. Import linked rank 1 at 0.49 over rank 2
    # at 0.53, both medium, and kept no candidates to choose from after; and rank 1 at 60% (medium, a quoted
    # error string puts it first) over rank 2 at 96% (high). --link-top linked the first of two `high`s for
    # competing causes ("403 Forbidden": a WAF rule or expired credentials; found in review)
    others = [results[i] for i in rivals(results, skip=drafts)]
    if answer.likelier is not None and answer.likelier["id"] not in drafts:  # rated above the top, left out by top
        others.append(answer.likelier)
    if others:
        return LinkChoice(None, _rivals_reason(top, others), False, tuple(r["id"] for r in others))
    return LinkChoice(top["id"], f"{top['id']} is the top-ranked candidate ({top['confidence']} confidence)", False)


def _rivals_reason(top: dict, others: list) -> str:
    """Why nothing is linked when results below the first are rated at least as likely right."""
    if all(r["confidence"] == top["confidence"] for r in others):
        ids = ", ".join(r["id"] for r in others)
        quantity = "both" if len(others) == 1 else "all"  # "X and Y are all ..." read wrong for two
        return f"{top['id']} and {ids} are {quantity} {top['confidence']} confidence; a person picks one"
    # in `recur suggest`'s words (confidence_text): "high, 96%" did not say what the 96% was of, and its own
    # rounding said 0.996 "99%" where suggest says ">99%"
    named = ", ".join(f"{r['id']} (#{r['rank']}, {confidence_text(r)})" for r in others)
    verb = "is" if len(others) == 1 else "are"
    return (
        f"{named} {verb} rated at least as likely right as the top-ranked {top['id']} ({confidence_text(top)}); "
        "a person picks one"
    )


def happened_incidents(doc: dict, as_of: dt.date | None = None) -> list:
    """The incidents of an indexed pattern doc dated up to ``as_of`` (default ``config.today()``), as the board and
    the site list them (``dates.happened``): the index keeps every one, and a later one is listed from
    its date on."""
    as_of = as_of or config.today()
    return [i for i in doc.get("incidents", []) or [] if not isinstance(i, dict) or happened(i.get("date"), as_of)]


# -- how a result is said: one wording for the terminal (cli/render.py), MCP and Slack; the site's box says
# the same in JavaScript (recur-suggest.js: matchLine, checkBoth, percent, confidenceText) ----------------


def percent(p: float) -> str:
    """Whole percents, but never 0% or 100%: a fitted probability is not a certainty, and a
    responder reading "100% likely right" would stop looking."""
    if p >= 0.995:
        return ">99%"
    if p < 0.005:
        return "<1%"
    # rounded down, so the number agrees with the word: confidence is read from the probability
    # (high from 0.8), and 0.795 rounded to "medium confidence (80% likely right)"; 1e-9: 0.29 * 100
    # is 28.999999999999996. The site's badge does the same (recur-suggest.js)
    return f"{max(1, math.floor(p * 100 + 1e-9))}%"


def confidence_text(r: dict) -> str:
    """A result's confidence as a responder reads it. Calibrated: with its chance of being right. A KB
    too small to calibrate on (under 30 patterns, ``probability`` null) has a rule's confidence instead
    (an exact signal or a close match), said so; its fused score is left out, as a z-score over a
    handful of candidates means nothing (a lone pattern scored 0.00 beside "high confidence")."""
    if r.get("probability") is None:
        return f"{r['confidence']} confidence by rule: too few patterns to estimate"
    return f"{r['confidence']} confidence ({percent(r['probability'])} likely right)"


def credible_count(results: list) -> int:
    """How many of ``results`` are of medium or high confidence: an answer's ``credible`` (over all it
    ranked) and ``match_line``'s count of those shown."""
    return sum(1 for r in results if r["confidence"] in ("high", "medium"))


def nothing_searched(note: str | None) -> str:
    """What every surface says of a text nothing was searched of (an answer whose ``no_known_pattern`` is None: a
    paste that is no alert nor incident, query.Prepared.not_alert), as `recur suggest` prints it. Found in a
    re-read: MCP and Slack said the note, then "No known pattern matches: record the incident" of an SNS
    subscription confirmation, Slack with its JSON as the record command's description."""
    return f"Nothing searched: {note or 'the text says nothing to search'}."


def match_line(results: list, hidden: dict | None = None, credible: int = 0, more: str = "--top") -> str:
    """What an answer's results are, counted by confidence, as the site's box says it over its cards
    (recur-suggest.js matchLine). MCP began every answer "Known patterns that match:" and Slack "*Known
    patterns* for ...", over three results of low confidence ("latency"; found in review): a low result
    is a pattern to compare, not a match. "In ranked order", not "best first": the rank is the fused
    score and each probability its own estimate, so the percentages down a list need not fall ("disk
    full on node": 57%, 25%, 1%, 4%, 1%; found in review).

    ``hidden``: the answer's ``likelier``, a result of the first three ranked that ``top`` left out, counted
    too: the verdict (check_both, said next) stands on it, and `--top 1` opened "all of low confidence"
    before naming it at 76% where `--top 3` said "1 pattern matches" (found in review).

    ``credible``: how many of the results ranked for the answer (``Answer.credible``: the first VERDICT_TOP at
    least) are of medium or high confidence, shown or not: `--top 1 disk` said "1 pattern matches" where
    `--top 2` showed a second medium (found in review); those not shown are said so, with how to list them by
    ``more``, the surface's way to ask for more results (the terminal's --top, MCP's top argument), or by nothing
    where there is none (Slack shows three).

    In ranked order: a result of low confidence ranked above the first of medium or high is said first
    (`top: 1` over "ENOSPC on /data" showed a low #1 alone under "1 pattern matches with medium or high
    confidence, then 1 more of low confidence", its medium #2 not shown; found in an MCP review), and ``hidden``
    is counted as not shown, "(1 not shown: top 2 lists it)", as one ``credible`` counts is. A low result ranked
    between two of medium or high is counted with no "then" (ranked [medium, low, high] was said "2 patterns match
    …, then 1 more of low confidence"; found in a re-read): "…, and 1 of low confidence for comparison"."""
    shown = credible_count(results)
    total = max(credible_count([*results, hidden] if hidden is not None and results else results), credible)
    if not total:
        return "Possible matches, all of low confidence, in ranked order"
    lead = next((i for i, r in enumerate(results) if r["confidence"] in ("high", "medium")), len(results))
    rest = len(results) - shown - lead
    line = f"{total} pattern{'s match' if total > 1 else ' matches'} with medium or high confidence"
    if total > shown:
        n = total - shown
        upto = max(len(results) + n, (hidden.get("rank") or 0) if hidden is not None and results else 0)
        lists = f": {more} {upto} lists {'them' if n > 1 else 'it'}" if more else ""
        line += f" ({n} not shown{lists})"
    if lead:
        line = f"{lead} pattern{'s' if lead > 1 else ''} of low confidence ranked first, for comparison, then {line}"
    last = max((i for i, r in enumerate(results) if r["confidence"] in ("high", "medium")), default=-1)
    between = last - lead + 1 - shown  # low results ranked between the first of medium or high and the last
    said = f", and {rest}{' more' if lead else ''}" if between else f", then {rest} more"
    return line + (f"{said} of low confidence for comparison" if rest else "") + ", in ranked order"


def check_both(results: list, hidden: dict | None = None) -> str | None:
    """ "ID (#K) is rated more likely right (P% against Q%): check both" when a result below the first is
    rated more likely right than it, else None. The ranking (fused scores) and each result's probability
    (the calibrator) can disagree ("latency": rank 1 at 26%, rank 3 at 39%), and an answer naming the first
    as the best under a higher percentage further down read as a mistake. Said by the terminal's footer,
    MCP's text and Slack's reply alike (and the site's box, recur-suggest.js checkBoth).

    ``hidden``: the answer's ``likelier`` (``Answer``), the result the first three ranked hold that ``top``
    left out, said instead, "(#K, not shown)": with `--top 1` an answer showed cron-job-overlap at 2% alone
    while the verdict stood on dst-timezone-bug at 75%, ranked second (found in review).

    Not said of an answer of "no known pattern" (every surface says its verdict instead, and none calls this): a
    lower result rated likelier there ("site down": #1 at 14%, #2 at 19%) is under calibrate.NO_MATCH_BELOW as the
    first is, and "check both" would send a responder to two runbooks the verdict says do not match, where what to
    do is record the incident. Found missing in a responder's review; kept so, on purpose. Nor when the two round
    to the same percent ("33% against 33%" says no difference)."""
    if hidden is not None and results:
        other, where = hidden, f"#{hidden['rank']}, not shown"
    else:
        k = likelier(results)
        if k is None:
            return None
        other, where = results[k], f"#{results[k]['rank']}"
    return (
        f"{other['id']} ({where}) is rated more likely right "
        f"({percent(other['probability'])} against {percent(results[0]['probability'])}): check both"
    )


def check_both_first(results: list, hidden: dict | None = None) -> str | None:
    """The line an answer opens with when its first result is of low confidence and one below it is rated more
    likely right (check_both): "Check both: the first result, cron-job-overlap, is of low confidence;
    dst-timezone-bug (#2) is rated more likely right (79% against 24%).", else None. What a responder acts on,
    said first and on a line of its own, the count of the results (match_line) under it: at the end of the
    count it came after some 250 characters of counting (found in a responder's review). The one rule the
    terminal (`recur suggest`, `recur incident new`), MCP's text and Slack's reply say it by (``opening``);
    the site's box says it alike (recur-suggest.js checkBothFirst). A first of medium or high confidence keeps
    the "check both" after the count: it is a match, and the count says so first."""
    both = check_both(results, hidden)
    if both is None or results[0]["confidence"] != "low":
        return None
    return (
        f"Check both: the first result, {results[0]['id']}, is of low confidence; {both.removesuffix(': check both')}."
    )


def opening_parts(results: list, hidden: dict | None = None) -> tuple[str | None, str | None]:
    """The rule an answer opens by, as (lead, both), at most one of them said: ``lead`` (check_both_first's
    line) goes first, on a line of its own, over the count; ``both`` (check_both's "… : check both") goes after
    the count. ``opening`` writes them as the terminal and MCP do; Slack's reply writes them in mrkdwn from the
    same parts, so a change to the rule cannot leave one surface behind (Slack had its own copy of it)."""
    lead = check_both_first(results, hidden)
    return (lead, None) if lead is not None else (None, check_both(results, hidden))


def opening(results: list, count: str, hidden: dict | None = None) -> list[str]:
    """An answer's first lines, what the results are (``count``, the surface's match_line) and the "check both"
    line (check_both), by ``opening_parts``: [check_both_first's line, "COUNT:"] over a low first result, else
    ["COUNT; ID (#K) is rated more likely right (P% against Q%): check both."] or ["COUNT:"]."""
    lead, both = opening_parts(results, hidden)
    if lead is not None:
        return [lead, f"{count}:"]
    return [count + (f"; {both}." if both else ":")]


def likelier(results: list) -> int | None:
    """The position of the result ``check_both`` names (below the first, rated more likely right), or None:
    for a caller that must know which result it is (`recur incident new`'s last line, when it is a draft)."""
    probs = [r.get("probability") for r in results]
    if not results or None in probs:
        return None
    k = max(rivals(results), key=lambda i: (probs[i], -i), default=0)
    if probs[k] <= probs[0] or percent(probs[k]) == percent(probs[0]):
        return None
    return k


def flat(text: str) -> str:
    """One line, never cut: steps and evidence are instructions, and a cut one lost its caveat
    ("only if ...") or ended inside a command; a terminal or a client wraps a long line."""
    return " ".join(text.split())


def step_parts(step: str) -> list[tuple[str, object]]:
    """A runbook step in order: ("text", a paragraph on one line) and ("code", [a fenced block's lines, less the
    fence's indentation]). Fences are read as Markdown reads them (``parse.fence_step``); one never closed is code
    to the step's end, as the site shows it. Every surface that shows a step reads it so (the terminal's
    ``step_lines``, MCP's text, Slack's cards): flattened whole, a step printed "2. Check evictions: ```bash
    redis-cli info stats | grep evicted ```", a command to pick out of fences and a language word."""
    from recur.kb.parse import FENCE_LINE, fence_step

    parts: list = []
    prose: list = []
    opened, indent = None, 0
    for line in step.split("\n"):
        m = FENCE_LINE.match(line)
        if m:
            now, fence = fence_step(opened, m.group(1), m.group(2))
            if fence:
                if opened is None:
                    parts += _paragraphs(prose)
                    prose, indent = [], len(m.group(0)) - len(m.group(0).lstrip(" \t"))
                    parts.append(("code", []))
                opened = now
                continue
        if opened is not None:
            parts[-1][1].append(line[indent:] if not line[:indent].strip() else line.lstrip(" \t"))
        else:
            prose.append(line)
    return parts + _paragraphs(prose)


def _paragraphs(lines: list) -> list:
    return [("text", flat(p)) for p in "\n".join(lines).split("\n\n") if p.strip()]


# A link's address, balanced parentheses in it nested up to 3 deep, as Python-Markdown (the pattern page) links
# it: a Kibana address, .../discover#/?_g=(time:(from:now-15m)), stopped at its first ")" (found in review).
# site_config/assets/recur-suggest.js (MD_LINK) reads it so too.
_ADDRESS = r"[^()\s<>]"
for _ in range(3):
    _ADDRESS = rf"(?:[^()\s<>]|\((?:{_ADDRESS})*\))"
# a Markdown link, [text](target) or [text](<target> "title"), not an image; code spans are left as written
MD_LINK = re.compile(rf"(?<!!)\[([^\]\n]+)\]\(\s*<?({_ADDRESS}+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPANS = re.compile(r"(`+)[^`]*?\1")


def prose_pieces(text: str) -> list[tuple[str, str, str]]:
    """A step's paragraph (step_parts' "text") as each surface rewrites it: ``("text", text, "")``, ``("code", the
    span with its backticks, "")`` and ``("link", its words, its target)`` for each Markdown link outside a code
    span (a link inside `code` is code). The terminal shows a link as its words and target (cli/render.plain_links),
    Slack as its own link (serve/slack): one reading of a link for both, below the terminal's layer."""
    out: list[tuple[str, str, str]] = []

    def stretch(part: str) -> None:
        at = 0
        for m in MD_LINK.finditer(part):
            out.extend([("text", part[at : m.start()], ""), ("link", m.group(1), m.group(2))])
            at = m.end()
        out.append(("text", part[at:], ""))

    at = 0
    for span in CODE_SPANS.finditer(text):
        stretch(text[at : span.start()])
        out.append(("code", span.group(0), ""))
        at = span.end()
    stretch(text[at:])
    return [p for p in out if p[1]]


def step_lines(number: str, step: str, prose=None) -> list[str]:
    """A runbook step as plain text lines, after ``number`` ("     2. "): its prose one line a paragraph, and each
    code block's lines as written, indented under it, without its fences (step_parts): the terminal's form, and
    MCP's text's (a model reads the commands as lines, not as one line with fences and a language word).
    ``prose(text) -> text``: how a paragraph is shown (the terminal's: its links as ids, cli/render.plain_links);
    code is shown as written."""
    pad = " " * len(number)
    out: list = []
    for kind, text in step_parts(step):
        if kind == "code":
            out += ([] if out else [number.rstrip()]) + [f"{pad}  {line}".rstrip() for line in text]
        else:
            out.append((number if not out else pad) + (prose(text) if prose else text))
    return out or [number.rstrip()]


def short(text: str, n: int) -> str:
    """For quotes (why): an excerpt is enough to recognise what matched."""
    return cut(text, n)


def why_text(r: dict, n: int = 3, chars: int = 90) -> str:
    """A result's first ``n`` why entries on one line: ``symptom “…”; like the signal “…”`` (close in
    meaning, not found in the text: "like the"; ``most words of the signal “…”``: not found whole),
    each quote cut to ``chars``."""
    return "; ".join(f"{why_field(w)} “{short(w['text'], chars)}”{why_shared(w)}" for w in (r.get("why") or [])[:n])


def why_field(w: dict) -> str:
    """A why entry's label: "like the signal" when it is close in meaning, not found in the text; for a
    signal matched by one identifier, which one ("identifier “GetObject” of the signal"): the text
    holds that name, not the whole signal, and the two read alike before; "most words of the signal"
    when most of its words are in the text, not the signal itself (search.SIGNAL_MATCH "words"): said
    "signal “fatal error: runtime: out of memory”" of a Go nil-pointer panic, it read as an OOM found
    in the log (found in review). A plain field name is said only of a signal found whole."""
    if w.get("match") == "meaning":
        return f"like the {w['field']}"
    if w.get("identifier"):
        return f"identifier “{w['identifier']}” of the {w['field']}"
    if w.get("match") == "words":
        return f"most words of the {w['field']}"
    return w["field"]


def why_shared(w: dict) -> str:
    """ " (listed by N patterns)" for a signal match that N > 1 patterns list (evidence they share)."""
    return f" (listed by {w['patterns']} patterns)" if w.get("patterns", 1) > 1 else ""


def result_object(rank: int, hit, doc: dict) -> Result:
    """A search ``Hit`` and the pattern's indexed doc, as the result object."""
    # here, not at the top: calibrate imports numpy, and the wording above is read by `recur --help`'s commands
    from recur.retrieval import calibrate

    seen = happened_incidents(doc)  # read once: its count and who it is under
    return {
        "rank": rank,
        "id": hit.id,
        "title": doc["title"],
        "score": round(hit.score, 4),
        "confidence": hit.confidence,
        "probability": None if hit.probability is None else calibrate.shown(hit.probability),
        "category": doc["category"],
        "severity": doc["severity"],
        # .get: an index an earlier recur built has no name in its docs (null until it is built again)
        "severity_name": doc.get("severity_name"),
        "status": doc["status"],
        "draft": doc["status"] == "draft",
        "import_draft": bool(doc.get("import_draft")),
        "why": hit.why,
        "runbook": doc["runbook"],
        "evidence": doc["evidence"],
        "summary": doc["summary"],
        "signals": doc["signals"],
        "path": doc["path"],
        "incidents": len(seen),  # as the pattern's page and the API list them
        # of them, those under the retired patterns it replaced ({id: count}; in "incidents" too)
        "incidents_inherited": under_counts(seen),
        "related": doc.get("related", []),
        "distinguish": doc.get("distinguish", []),
        "scores": {"dense": round(hit.dense, 4), "lexical": round(hit.lexical, 4), "signal": round(hit.signal, 4)},
        # the ranking rule that moved it up (search.RULES), its probability the rule's where its floor raised it
        "rule": getattr(hit, "rule", None),
    }


def seen_said(total: int, under: dict) -> str:
    """ "15 incidents, 5 of them under db-connection-pool-exhausted, which it replaced": a pattern's "seen before"
    count with those of the retired patterns it replaced said as theirs (``under``: {retired id: count}), the one
    wording of suggest, show, the site and MCP. No bracket: the surfaces put it in one of their own, and "Seen before
    (15 incidents (5 under …), newest first)" read badly (found ageing a KB)."""
    said = plural(total, "incident")
    return f"{said}, {under_said(under)}" if under else said


def under_said(under: dict) -> str:
    """ "5 of them under db-connection-pool-exhausted, which it replaced" ("1 of them under mid-retired and 2 under
    old-retired, which it replaced"): how many of a pattern's incidents are of the retired patterns it replaced
    (``under``, not empty), said after the count, outside any bracket the count is in."""
    parts = [f"{n} under {old}" for old, n in sorted(under.items())]
    parts[0] = parts[0].replace(" under ", " of them under ", 1)
    return f"{and_listed(parts)}, which it replaced"


def under_counts(incidents: list) -> dict:
    """{retired id: how many} of a pattern object's incidents listed for a pattern it replaced (their ``under``)."""
    out: dict = {}
    for i in incidents:
        if isinstance(i, dict) and i.get("under"):
            out[i["under"]] = out.get(i["under"], 0) + 1
    return out


class AnswerJSON(TypedDict):
    """``Answer.to_json()``: the answer as `recur suggest --json` prints it and ``POST /api/suggest`` sends it (a
    ``--queries`` line's own keys first, when given); docs/architecture.md#key-apis says what each key holds."""

    query: str
    query_note: str | None
    no_known_pattern: bool | None
    results: list[Result]
    likelier: Result | None
    credible: int
    corrected: list  # [{"word": "memroy", "read_as": "memory"}]
    meant: list  # [pattern id]
    about_no_failure: bool | None  # about_no_failure's verdict; None when nothing was searched


@dataclass
class Answer:
    """One suggestion answer: the ranked result objects, and whether any of them is a known
    pattern for the text at all ("no known pattern": record it, draft a pattern). ``query`` is the text
    searched (recur.retrieval.query.prepare), ``query_note`` what that left out of the text given
    ("searched the 1 error line of a 40-line log"), or None when it is the text as given. ``likelier``: a
    result ``top`` left out that the answer's verdict rests on (check_both names it), or None."""

    query: str
    results: list[Result]
    # None when nothing was searched (a paste that is no alert nor incident, or a text with nothing to search once
    # read, "" or white space: query.Prepared.unsearched)
    no_known_pattern: bool | None
    query_note: str | None = None
    # the result check_both names (rated more likely right than the first) when it is among the first
    # VERDICT_TOP ranked, which the verdict reads, but not among those shown (``top`` under 3); else None
    likelier: Result | None = None
    # how many of the results ranked for the verdict (the first max(top, VERDICT_TOP)) are of medium or high
    # confidence, shown or not: the count every surface's headline says (match_line), the JSON answer's "credible"
    credible: int = 0
    # the typed words read as the KB's words (search.TYPO): [{"word": "memroy", "read_as": "memory"}], which
    # query_note says too ("read 'memroy' as 'memory'"); the site's box says it from here
    corrected: list = field(default_factory=list)
    # the pattern id a text that is a typo of one is meant to be (patterns.meant_ids): ["disk-full"] for "disk-ful",
    # said before the results on every surface ("Did you mean disk-full? recur show disk-full"); empty otherwise
    meant: list = field(default_factory=list)

    def to_json(self, extra: dict | None = None) -> AnswerJSON:
        """The answer as JSON; ``extra``: a --queries line's other keys, echoed first (a dict, not
        **kwargs: a line's own "self" key was a TypeError after the whole batch had been answered)."""
        return {
            **(extra or {}),
            "query": self.query,
            "query_note": self.query_note,
            "no_known_pattern": self.no_known_pattern,
            "results": self.results,
            "likelier": self.likelier,
            # MCP's and Slack's headlines read the JSON answer: without the count they said only what they showed
            "credible": self.credible,
            "corrected": self.corrected,
            "meant": self.meant,
            # the text reads as no incident at all (about_no_failure: "how do I get VPN access"), which every
            # surface tells what a question is told (question_help): an API client can too; None: nothing searched
            "about_no_failure": None if self.no_known_pattern is None else about_no_failure(self),
        }


# An answer with no known pattern that is about no failure at all ("how do I get VPN access"): every result the
# verdict reads rated under this (calibrate's probability: the off-topic questions of docs/calibration.md,
# "Off-topic questions", reach 0.06 on the starter KB after the verdict flags them) ...
NOT_A_FAILURE_BELOW = 0.1
# ... and at most this many of their why entries matched by meaning (a symptom, signal, title, summary or
# incident the KB has): a new failure the KB lacks still reads like its failures ("payments webhook returns 500
# for every request": 9 such entries, at 0.05), a question about something else like none (0 or 1)
NOT_A_FAILURE_MEANINGS = 1
# ... and the text is never one of these, each of which is about a failure whatever the ranking said: the probability
# and the meaning count alone called "503", "down", "sev1", "ECONNRESET", "ci broken", "oncall paged" and "mongo
# primary stepdown" about nothing (15 of 116 short real-incident phrasings, found in a responder's review).
# At least this many words: fewer ("503", "NPE", "stuck") are too little to say the KB holds nothing about them
# (still "no known pattern", as before the rule).
NOT_A_FAILURE_MIN_WORDS = 3
# Failure vocabulary, any (ASCII) case, matched from a word's start, \b as JavaScript reads it (ASCII) (stems: "fail" is failed, failing, failure, failover).
# One copy for the site's box: assets/recur-query.js FAILURE_WORDS holds the same source, and
# tests/test_not_a_failure.py checks the two are equal and give the same verdicts. Left out on purpose: a bare
# "reset" ("how do I reset my password" is a helpdesk question; "connection reset" is in) and a bare "page" ("which
# wiki page"; "paged", "paging", "pager" are in).
FAILURE_WORDS = (
    r"\b(?:err\b|error|fail|fatal|down\b|outage|brok|break(?:s|ing|age)?\b|crash|slow|stuck|hang(?:s|ing)?\b|hung\b|time[sd]? ?out|"
    r"paged\b|paging|pager|alert|firing|incident|sev ?[0-9]|p[0-9]+\b|exception|panic|degrad|unavailable|refus|"
    r"(?:connection |conn )reset|reset by peer|leak|oom|out of memory|latency|spike|lag\b|lagg|lost\b|loss\b|"
    r"corrupt|full\b|exhaust|step ?down|failover|throttl|rate.?limit|deadlock|segfault|sigkill|sigterm|evict|"
    r"expired|unreachable|unhealthy|not responding|not working|stale|backlog|backing up|dropp|rollback|rolled back|"
    r"null ?pointer|npe\b|traceback|stack ?trace|[45][0-9x]{2}s?\b)"
)
# Tokens that name a failure as systems write it, in their case: an errno (ENOSPC, ECONNRESET), an alert's or a
# state's CamelCase name of two or more capitalised parts (CrashLoopBackOff, KubePodNotReady, OOMKilled)
FAILURE_TOKENS = r"\bE[A-Z]{3,}\b|\b[A-Z]+[a-z0-9]+(?:[A-Z]+[a-z0-9]*)+\b"
_FAILURE_WORDS = re.compile(FAILURE_WORDS, re.IGNORECASE | re.ASCII)
_FAILURE_TOKENS = re.compile(FAILURE_TOKENS, re.ASCII)
# A why entry found in the text itself (a signal whole, most of its words or one identifier of it; a runbook link;
# the pattern's id): evidence of a failure the KB knows, not a likeness. The shared-words entry ("terms") is not
# one: it carries no "match", and off-topic questions share words too ("access", "office": 16 of the 22 flagged
# offtopic-ask lines have one).
FOUND = ("exact", "words", "identifier", "link", "id")


def about_failure(text: str) -> bool:
    """Whether a text is, on its face, about a failure (about_no_failure never says otherwise of it): under
    NOT_A_FAILURE_MIN_WORDS words, or holding FAILURE_WORDS or FAILURE_TOKENS. recur-query.js aboutFailure is
    its twin."""
    text = str(text or "")
    if len(text.split()) < NOT_A_FAILURE_MIN_WORDS:
        return True
    return bool(_FAILURE_WORDS.search(text) or _FAILURE_TOKENS.search(text))


def about_no_failure(answer) -> bool:
    """Whether a no-known-pattern answer reads as no incident at all, from what the answer already holds: its
    text, its results' probabilities and why entries (no classifier of its own). The terminal
    (cli/render.no_known_text), Slack's reply, MCP's text and the site's box (recur-query.js aboutNoFailure, the
    same rule) then say "nothing in the knowledge base is about this", not only "If it is new, record it", which
    had a newcomer asking for VPN access file an incident (found in a new-hire review). ``answer``: an Answer or
    its JSON (``to_json``, what Slack and MCP hold). Never of a text about a failure (about_failure), nor when a
    why entry of any result was found in the text (FOUND: "503" had its signal's identifier), nor when a result
    has no probability (a KB under calibrate.MIN_CANDIDATES patterns is not calibrated: None was read as 0.0,
    and every text on a small KB was, real incidents too; found in a re-read)."""
    from recur.retrieval.calibrate import VERDICT_TOP

    held = answer if isinstance(answer, dict) else vars(answer)
    results = held.get("results") or []
    read = results[:VERDICT_TOP]
    if not held.get("no_known_pattern") or not read or about_failure(held.get("query")):
        return False
    if any(w.get("match") in FOUND for r in results for w in (r.get("why") or [])):
        return False
    if any(not _rated(r.get("probability")) or r["probability"] >= NOT_A_FAILURE_BELOW for r in read):
        return False
    meant = sum(w.get("match") == "meaning" for r in read for w in (r.get("why") or []))
    return meant <= NOT_A_FAILURE_MEANINGS


# What a text about no failure (about_no_failure) is told first, before the incident's reading: "If it is an
# incident, record it" was all the terminal, Slack and MCP told a new hire asking "how do I get VPN access", where
# the site's box said this (found in a new hire's review). ``{who}``: the surface ("this box", "Recur"). The box
# keeps a copy (recur-suggest.js QUESTION_HELP; tests/test_newcomer_hints.py checks the two are equal).
QUESTION_HELP = (
    "If it is a question (access to a tool, who does what), {who} has no answer: it knows failure patterns only. "
    "Ask your team"
)


def question_help(who: str, paths: str | None = None, glossary: str | None = None) -> str:
    """QUESTION_HELP said by ``who``, then where a new hire starts, of what this surface can point to, as it
    names it: ``paths``, the onboarding paths (where the KB has some), ``glossary``, the site's (where a site is
    known); neither: whom to ask alone. The box's words with both: "Ask your team; the onboarding paths and the
    glossary (what this site's words mean) are where a new hire starts." (recur-suggest.js questionHelp)."""
    said = QUESTION_HELP.format(who=who)
    starts = [s for s in (paths, glossary) if s]
    if not starts:
        return f"{said}."
    return f"{said}; {and_listed(starts)} {'is' if starts == [glossary] else 'are'} where a new hire starts."


# A question of so few words that it answered "no known pattern" is told to say more before it is told to record
# an incident: "502", "db", "slow" had only the record step (`recur incident new -t 502 -d 502`), a record of one
# word. Measured on bench/data/short-questions.jsonl, bare-words.jsonl, typos.jsonl and kb/eval's short cases
# (starter KB): of 1-word questions 24 of 78 answer "no known pattern", of 2 words 25 of 45, of 3 words 7 of 14,
# of 4 words 1 of 6 and of 5 or more 0 of 12; "oom", "dns", "disk full" are high and never told it (a known
# pattern). Said by every surface (the terminal, MCP, Slack; the site's box keeps a copy, recur-suggest.js SAY_MORE,
# tests/test_short_question.py checks they agree); no JSON key: a script has ``query`` to count.
SAY_MORE_WORDS = 3
SAY_MORE = (
    "Only {words} to go on: describe what fails, since when and after what change (a log line or an alert helps)."
)


def say_more(answer) -> str | None:
    """SAY_MORE for a no-known-pattern answer to a text of at most SAY_MORE_WORDS words, else None: not for a
    typo of an id (``meant``: what it meant is said), nor a text about no failure (about_no_failure: what a question
    is told is said), nor a text searched by a part of it (a log by its error line, an alert by its name: a
    ``query_note`` other than the typos', whose text given was longer). ``answer``: an Answer or its JSON."""
    held = answer if isinstance(answer, dict) else vars(answer)
    words = len(str(held.get("query") or "").split())
    if not held.get("no_known_pattern") or held.get("meant") or not 0 < words <= SAY_MORE_WORDS:
        return None
    read = [(c["word"], c["read_as"]) for c in held.get("corrected") or []]
    if held.get("query_note") not in (None, typo_note(read)) or about_no_failure(answer):
        return None
    return SAY_MORE.format(words=plural(words, "word"))


def _rated(p) -> bool:
    return isinstance(p, (int, float)) and not isinstance(p, bool)


def meant_line(meant, flags: str = "", code: bool = False) -> str | None:
    """What an answer's ``meant`` (patterns.meant_ids) says, for the terminal (cli/render, with its run's
    ``flags``, as every command printed to copy), MCP's text and Slack's reply (``code``: its command in
    backticks): "Did you mean disk-full? recur show disk-full"; None when it is empty. The one sentence: it
    was built three times, Slack's by splitting this one's output on "? "."""
    if not meant:
        return None
    command = f"recur show {flags}{meant[0]}"
    return f"Did you mean {meant[0]}? " + (f"`{command}`" if code else command)


def corrected(read) -> list[dict]:
    """An answer's ``corrected``: the (typed, read as) pairs of Searcher.corrections as JSON objects."""
    return [{"word": w, "read_as": r} for w, r in read]


def typo_note(read) -> str | None:
    """What an answer's query_note says of the typos read as the KB's words: "read 'memroy' as 'memory' and
    'leek' as 'leak' (words the knowledge base does not have, read as the nearest it has)", or None. The site's
    box says it in the same words (recur-suggest.js typoNote)."""
    if not read:
        return None
    listed = and_listed([f"'{w}' as '{r}'" for w, r in read])
    one = len(read) == 1
    return (
        f"read {listed} ({'a word' if one else 'words'} the knowledge base does not have, read as the nearest it has)"
    )
