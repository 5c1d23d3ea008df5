"""Slack: the ``/recur`` slash command and its 👍 / 👎 buttons, as an ``APIRouter``.

``POST /api/slack/commands`` answers ``/recur <what you see>`` (ephemeral; ``/recur share …`` posts
in the channel) with Block Kit blocks (``slack_sdk.models.blocks``) for the top 3 patterns.
``POST /api/slack/interactions`` takes the buttons' ``block_actions`` payloads and records each vote
as ``POST /api/feedback`` does, once per voter, query and result (``vote_keys``), and acknowledges it on
the payload's ``response_url`` after answering (``acknowledgement``: Slack shows nothing of the answer). Both verify Slack's signature with
``slack_sdk.signature.SignatureVerifier`` (the signing secret: ``--slack-signing-secret-file`` or
``RECUR_SLACK_SIGNING_SECRET``) and refuse, with 401 in the API's error shape:

- a missing or wrong signature;
- a timestamp more than 5 minutes from now (``stale``);
- a replay: a signature already accepted within those 5 minutes (kept in memory, per process).

Slack wants the reply within 3 s. The answer takes milliseconds once the model is warm; if it has
not come within ``reply_within`` seconds (2.5), Slack gets "searching…" at once and the answer is
posted to the command's ``response_url`` when ready (and so is an answer ready in time whose connection
Slack has closed). A command with a ``response_url`` is searched for whatever becomes of its connection;
one without (not from Slack) is not once its client has gone, as on /api/suggest (``_reply_in_time``).
"""

from __future__ import annotations

import json
import logging
import re
import shlex
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import parse_qs

from fastapi import Request  # at module level: the routes' annotations are resolved in this module's globals

from recur.kb.incident_record import incident_command
from recur.retrieval.patterns import glossary_url, site_page
from recur.retrieval.query import slack_unmarked, unfenced
from recur.retrieval.results import (
    about_no_failure,
    confidence_text,
    likelier,
    match_line,
    meant_line,
    nothing_searched,
    opening_parts,
    prose_pieces,
    question_help,
    say_more,
    step_parts,
)
from recur.serve.deps import Settings, engine_loading, errors, index_stale, load_pauses
from recur.serve.guard import CLIENT_GONE, ApiError, ClientGone, disconnected, error_body, unexpected_message
from recur.util.text import cut, has_text

WINDOW = 5 * 60  # seconds: Slack's own bound on a request's age, and how long a signature is remembered
SHOWN = 3  # patterns in a reply
# what a pasted alert list's note tells a Slack user to do about the alerts not searched (query.Prepared.said):
# "POST the payload to /api/alertmanager", the API's and the terminal's advice, is nothing to do in Slack
OTHER_ALERTS = "to have one answered, /recur that alert alone (its JSON, or its name and summary)"
ACTIONS = {"recur_useful": True, "recur_not_useful": False}
MAX_SECTION = 3000  # Slack's limit on a section's text
MAX_VALUE_QUERY = 1500  # characters of the query kept in a button's value (Slack: 2,000 per value)
MAX_VALUE = 2000  # Slack's limit on a button's value, which slack_sdk enforces by refusing the blocks
# The body limit of both routes (the API's is 64 KiB, 128 KiB for a text). A button press on a reply posted in the channel
# carries the whole message back: six buttons' values and up to ten sections, JSON-escaped inside a
# JSON payload and then form-encoded (a quote: 12 bytes; a CJK character: 9), so a reply to a long
# paste is well over 64 KiB. 1 MiB holds the largest reply answer_reply can make.
MAX_BODY = 1024 * 1024
# seconds a post to a response_url may take: a late answer, and (shorter: a thread per vote waits on it) a
# vote's acknowledgement
POST_TIMEOUT = {"late reply": 10, "acknowledgement": 5, "restart notice": 2}
# The logger _post gives slack_sdk's WebhookClient, which says nothing: it logged each failed attempt as
# `ERROR slack_sdk.webhook.client: Failed to send a request …` (two for one post: it retries once) before
# _post's one warning said the same, where ERROR is for what stops the server (found in the privacy
# review); and at DEBUG it logs the response_url and the reply, the user's query in it.
_SDK_QUIET = logging.getLogger("recur.serve.slack_sdk")
_SDK_QUIET.setLevel(logging.CRITICAL + 1)
_SDK_QUIET.propagate = False
# seconds a command that came while the engine loads waits for it, its answer then posted to its response_url
# (which Slack takes for 30 minutes); the real model loads in ~10 s, a first index build takes longer
LOAD_WAIT = 120
USAGE = (
    "Usage: `/recur <what you see>` (a description, an alert, a log line): the known failure patterns, "
    "only for you. `/recur share <what you see>` posts them in the channel."
)


# what a command is told at once when its answer will come on its response_url: searching, or, while the model and
# index load (after every restart), that Recur is starting; and what is posted there when the server stops first
SEARCHING = "Searching the known failure patterns… the answer follows in a moment."
STARTING = "Recur is starting (loading its model and index)… the answer follows once it has loaded."
# said on every stop, a final one too (it said "Recur restarted" then, found in review)
STOPPED = "Recur stopped before answering (a restart, most likely); run the command again once it is back."


class Owed:
    """The response_urls promised an answer not posted yet (thread-safe). Found in review: a server stopped while
    the model loaded (a rolling restart) lost each "the answer follows in a moment" silently; at the stop, each is
    told to run the command again (tell_restarted)."""

    def __init__(self):
        self._urls: dict[int, str] = {}
        self._next = 0
        self._lock = threading.Lock()

    def add(self, url: str) -> int:
        with self._lock:
            self._next += 1
            self._urls[self._next] = url
            return self._next

    def done(self, key: int) -> bool:
        """Whether ``key``'s answer is still owed (then no more): False once its user was told of a restart."""
        with self._lock:
            return self._urls.pop(key, None) is not None

    def tell_restarted(self, timeout: float = POST_TIMEOUT["restart notice"]) -> int:
        """Post STOPPED to each response_url still owed an answer, in parallel, within about ``timeout``
        seconds (best effort: the server is stopping); each is a warning in the log. Returns how many."""
        with self._lock:
            urls, self._urls = list(self._urls.values()), {}
        if not urls:
            return 0
        print(
            f"warning: stopping with {len(urls)} Slack command(s) not answered yet: each is told to run it again",
            file=sys.stderr,
        )
        posts = [
            threading.Thread(target=_post, args=(url, text_reply(STOPPED), "restart notice"), daemon=True)
            for url in urls
        ]
        deadline = time.monotonic() + timeout + 0.5
        for post in posts:
            post.start()
        for post in posts:
            post.join(max(0.0, deadline - time.monotonic()))
        return len(urls)


class SlackGate:
    """Signature, age and replay checks for one signing secret (thread-safe)."""

    def __init__(self, signing_secret: str, window: int = WINDOW, clock: Callable[[], float] = time.time):
        from slack_sdk.signature import Clock, SignatureVerifier

        class _Clock(Clock):
            def now(self) -> float:
                return clock()

        self.verifier = SignatureVerifier(signing_secret, clock=_Clock())
        self.window, self.clock = window, clock
        self._seen: dict[str, float] = {}  # signature -> when it stops mattering
        self._lock = threading.Lock()

    def check(self, body: bytes, headers) -> None:
        timestamp = headers.get("x-slack-request-timestamp")
        signature = headers.get("x-slack-signature")
        if not timestamp or not signature:
            raise _unauthorized("missing X-Slack-Signature or X-Slack-Request-Timestamp: requests must come from Slack")
        # one value for the check and the replay memory: a space after a captured signature must
        # not make it a new one
        timestamp, signature = timestamp.strip(), signature.strip()
        # ASCII digits only: str.isdigit() passes '²', which int() refuses; 12 digits is year 33658
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            raise _unauthorized("X-Slack-Request-Timestamp is not a number")
        now = self.clock()
        if abs(now - int(timestamp)) > self.window:
            raise _unauthorized("the request is more than 5 minutes old (or from the future); check the clock")
        try:
            valid = self.verifier.is_valid(body, timestamp, signature)
        except UnicodeDecodeError:
            valid = False
        if not valid:
            raise _unauthorized("the Slack signature does not match (check the signing secret)")
        with self._lock:
            self._seen = {s: t for s, t in self._seen.items() if t > now}
            if signature in self._seen:
                raise _unauthorized("this signed request was already received (replay)")
            # kept while its timestamp is accepted: a timestamp ahead of the clock (up to the window) is
            # accepted until timestamp + window, after `now + window` (security review: a request signed
            # a few minutes ahead could be replayed once it had been forgotten)
            self._seen[signature] = max(now, int(timestamp)) + self.window


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "bad_signature", message)


# -- Block Kit ------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    """Slack mrkdwn: &, < and > are control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What a user typed, shown in mrkdwn: its *, ~ and ` formatted the reply ("*disk* _full_" bold and italic, an
# unmatched ` turned the rest into code; found in review). mrkdwn has no escape for them (a backslash shows) and
# what a zero-width space next to one does is not documented: they are shown as look-alikes, which are no marks
# whatever Slack's parser does (∗ ∼ ˋ). An underscore between two letters or digits (snake_case, an alert's name) formats
# nothing and stays; any other is ˍ. The record line keeps the real characters: a code block formats nothing.
_MARKS = re.compile(r"[*~`]|(?<![^\W_])_|_(?![^\W_])")  # _ not between two letters or digits
_LOOKALIKE = {"*": "\u2217", "~": "\u223c", "`": "\u02cb", "_": "\u02cd"}


def _typed(text: str) -> str:
    """``_esc`` of text the user typed or pasted, its mrkdwn marks as look-alikes that format nothing."""
    return _MARKS.sub(lambda m: _LOOKALIKE[m.group()], _esc(text))


def incident_line(query: str, title: str | None = None) -> str:
    """The ``recur incident new`` command that records this text whole (kb.incident_record.incident_command),
    titled as the terminal's `recur suggest` titles it (ingest.pasted_log.record_title: an alert's name, the
    log line searched, an exception line, else the placeholder `recur incident new` refuses), its Slack
    code-block markup out. ``title``: ``_title(query)`` when the caller has it already."""
    return incident_command(unfenced(query), title=_title(query) if title is None else title)


def _title(query: str) -> str:
    from recur.ingest.pasted_log import record_title
    from recur.retrieval.query import prepare

    text = unfenced(query)
    return record_title(prepare(text, escaped=False), text)  # _command_text read Slack's escapes: not twice


# said before the command when the text is read on stdin: the user has it in Slack, not on a pipe
STDIN_HINT = (
    "The text is too long for the command: run it, paste the text you sent, "
    "then press Ctrl-D on a line of its own (SEVERITY: a level of the KB's severity.yml):\n"
)


def _record_line(query: str, budget: int) -> tuple[str, bool]:
    """(incident_line as shown, escaped for Slack, or when that is over ``budget`` characters the command
    reading the text on stdin, ``-d -``; whether it is the latter). Found in review: the description was the
    text cut to fit, ending in "…": run as shown, the record held a cut text searched to other candidates
    than the reply's. The user has the whole text in Slack: pasted on the terminal, `-d -` reads it to
    Ctrl-D (cli/incident._ask says so); ``-s`` given, as a pipe's command gives it."""
    title = _title(query)  # read once: a long text is prepared (retrieval.query) for it, and both lines use it
    line = _esc(incident_line(query, title))  # incident_line leaves no ```, which would end the block
    if len(line) <= budget:
        return line, False
    return _esc(f"recur incident new -t {shlex.quote(title)} -s SEVERITY -d -"), True


def _button(label: str, action: str, value: str, style: str | None = None):
    from slack_sdk.models.blocks import ButtonElement

    return ButtonElement(text=label, action_id=action, value=value, style=style)


def _result_blocks(r: dict, query: str, site_url: str | None, votes: bool = True) -> list:
    """A result's card: its head, its first steps, and (``votes``) the 👍/👎 buttons. With votes off
    (--no-feedback, or a default log that cannot be written) every press was refused 404 feedback_off:
    buttons that could only fail (found in review)."""
    from slack_sdk.models.blocks import ActionsBlock, DividerBlock, MarkdownTextObject, SectionBlock

    url = site_page(site_url, r["path"])
    title = _esc(cut(r["title"], 200))
    name = f"<{url}|{title}>" if url else title
    conf = _esc(confidence_text(r))  # with its probability, as the terminal and the site's badge say it
    head = f"*{r['rank']}. {name}*  ·  {conf}  ·  {_esc(r['severity'])}  ·  `{_esc(r['id'])}`"
    body = _card_body(r, url)
    value = _vote_value(query, r["id"])
    blocks = [DividerBlock(), SectionBlock(text=MarkdownTextObject(text=cut(head, MAX_SECTION)))]
    if body:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_fit_body(body))))
    if not votes:
        return blocks
    blocks.append(
        ActionsBlock(
            block_id=f"recur_feedback_{r['rank']}",
            elements=[
                _button("👍 Useful", "recur_useful", value, "primary"),
                _button("👎 Not this", "recur_not_useful", value),
            ],
        )
    )
    return blocks


def _card_body(r: dict, url: str | None) -> list[str]:
    """A card's first steps and first evidence to preserve; a low result's are not shown. Slack cannot fold
    them as the site's box does, and a low match's runbook (a "find ... -delete" among its steps) stood in
    the reply as plainly as a 99% match's (found in review): it says to check the pattern fits first, and
    where its runbook is."""
    if r["confidence"] == "low":
        where = f" (<{url}|its page>)" if url else f" (`{_esc(r['id'])}` in the knowledge base)"
        return [f"_Low match: check it fits before you follow its runbook{where}._"] if r["runbook"] else []
    body = [_step(n, step) for n, step in enumerate(r["runbook"][:2], 1)]
    body = (["*First steps*"] + body) if body else []
    if r["evidence"]:
        body.append(f"*Preserve first:* {_mrkdwn(cut(r['evidence'][0], 600))}")
    # what tells it from a look-alike shown beside it, as the authors wrote it (distinguish:): the line
    # that settles "inode-exhaustion or disk-full?", which the terminal, MCP and the site's box show
    for a in [a for a in r.get("look_alikes") or [] if a.get("by")][:1]:
        body.append(f"*vs* `{_esc(a['id'])}`: {_mrkdwn(cut(a['by'], 600))}")
    return body


# Markdown's bold, **x** or __x__, as mrkdwn's *x*, shown with its asterisks in the card (found in review); and its
# italic *x* as _x_ (mrkdwn's *x* is bold)
_EMPHASIS = re.compile(
    r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*|__(?=\S)([^_\n]+?)(?<=\S)__|(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![*\w])"
)


def _emphasis(m: re.Match) -> str:
    return f"_{m.group(3)}_" if m.group(3) else f"*{m.group(1) or m.group(2)}*"


_WEB = re.compile(r"(?i)(?:https?://|mailto:)")


def _mrkdwn(text: str) -> str:
    """A pattern's Markdown paragraph (a step's prose, evidence) in Slack's mrkdwn, escaped (``_esc``): a link as
    Slack's ``<url|words>``, bold as ``*x*``, code spans as written. ``[Grafana](https://…)`` and ``**x**`` were
    shown as typed in the card (found in review). A link to another pattern's file (``rollback-fails.md``) is
    its words and the pattern's id, as the terminal reads it (cli/render.plain_links); another target, a path no
    Slack user has, its words and the target."""
    from recur.retrieval.patterns import FromPath, given_pattern_id

    out = []
    for kind, words, target in prose_pieces(text):
        if kind == "code":
            out.append(_esc(words))
            continue
        shown = _EMPHASIS.sub(_emphasis, _esc(words))
        if kind == "text":
            out.append(shown)
        elif _WEB.match(target):  # a | ends the URL in Slack's link: percent-encoded, as a browser sends it
            out.append(f"<{_esc(target).replace('|', '%7C')}|{shown.replace('|', '¦')}>")
        else:
            pid = given_pattern_id(target.split("#", 1)[0]) if target.lower().split("#")[0].endswith(".md") else None
            out.append(f"{shown} (`{pid}`)" if isinstance(pid, FromPath) else f"{shown} ({_esc(target)})")
    return "".join(out)


TAIL_SHARE = (
    4  # of the card's section, at most a quarter each for its evidence and look-alike lines, kept after the steps
)
TAIL = ("*Preserve first:* ", "*vs* ")


def _fit_body(body: list[str], limit: int = MAX_SECTION) -> str:
    """A card's body lines as one section of at most ``limit`` characters, counted as sent (escaped: "<" is four):
    cut at a line's end with "…", a ``` block cut inside closed; the evidence and look-alike lines (``*Preserve
    first:*``, ``*vs*``) kept after the steps, each within a quarter of it. Cut at 3,000 characters as it came, the
    section ended inside an "&amp;" or an open block (the rest of the card code) and lost the vs line, the last
    (found in review)."""
    tail = [_cut_lines(line, limit // TAIL_SHARE) for line in body if line.startswith(TAIL)]
    steps = "\n".join(line for line in body if not line.startswith(TAIL))
    kept = _cut_lines(steps, limit - sum(len(line) + 1 for line in tail))
    return "\n".join(part for part in (kept, *tail) if part)


def _cut_lines(text: str, limit: int) -> str:
    """``text`` (mrkdwn, escaped) within ``limit`` characters: whole lines and a last "…" line, a ``` block left
    open closed; a line over the room left cut (_cut_line) with "…"."""
    if len(text) <= limit:
        return text
    out: list[str] = []
    fenced = False

    def size(lines: list[str]) -> int:
        return sum(map(len, lines)) + len(lines) - 1

    for line in text.split("\n"):
        now = fenced != (line == "```")
        if size([*out, line, *(["```"] if now else []), "…"]) <= limit:
            out.append(line)
            fenced = now
            continue
        room = limit - size([*out, "", *(["```"] if fenced else [])])
        if line != "```" and room > 80:  # enough for some words of it
            out.append(_cut_line(line, room))
            return "\n".join([*out, *(["```"] if fenced else [])])
        break
    return "\n".join([*out, *(["```"] if fenced else []), "…"])


WORD_BACK = 40  # characters a line is cut back to its last space at most; further, it is cut at its room


def _cut_line(line: str, room: int) -> str:
    """``line`` within ``room`` characters with "…": at its last space, whole words, when that is near; else at the
    room (Japanese prose, a long URL: no space near, and the line was cut to "…" alone: found in review), stepping
    back only out of an entity ("&amp;") it would cut."""
    said = line[: room - 1]
    if said.rfind(" ") >= len(said) - WORD_BACK:
        said = said[: said.rfind(" ")]  # whole words: "&amp;" and a URL are never cut inside
    elif said.rfind("&") > said.rfind(";"):  # "&" is sent as "&amp;": one after the last ";" opens an entity cut
        said = said[: said.rfind("&")]
    if said.rfind("<") > said.rfind(">"):  # a link's <url|words> would be left open
        said = said[: said.rfind("<")]
    return said.rstrip() + "…"


STEP_CHARS = 600  # of a step's text in a card, fences aside: two steps, the evidence and a look-alike in a section


def _step(n: int, step: str) -> str:
    """A runbook step in mrkdwn: its prose, and each code block as a ``` block on lines of its own, without the
    language word (results.step_parts, as the terminal and MCP read a step). Flattened whole it was one line, its
    fences and language word shown ("2. Check evictions: ```bash redis-cli info stats ... ```"). At most
    STEP_CHARS of text, cut with "…", a block cut inside closed: an open ``` made the rest of the card code."""
    out, left = [], STEP_CHARS
    for kind, text in step_parts(step):
        if left <= 0:
            out.append("…")
            break
        if kind == "code":
            code = "\n".join(text)
            code = code if len(code) <= left else code[: left - 1] + "…"
            out.append(f"```\n{_esc(code)}\n```")
            left -= len(code) + 8  # its fences too: a step of many empty blocks is bounded as well
        else:
            said = cut(text, left)
            out.append(_mrkdwn(said))
            left -= len(said)
    if not out:
        return f"{n}."
    return f"{n}." + ("\n" if out[0].startswith("```") else " ") + "\n".join(out)


def _vote_value(query: str, pattern_id: str) -> str:
    """A button's value: the query and the pattern as JSON, within ``MAX_VALUE``. Escaping lengthens
    quotes, backslashes and control characters (a pasted JSON log, an ANSI colour code: up to 6
    characters each), so the query is cut further until the encoded value fits."""
    q = query[:MAX_VALUE_QUERY]
    while True:
        # "c": the query was cut; the vote is then recorded as such, and `recur feedback export` does not
        # make an eval case of it (the shown results were ranked for the whole text, not this part)
        value = json.dumps({"q": q, "p": pattern_id, **({"c": 1} if q != query else {})}, ensure_ascii=False)
        over = len(value) - MAX_VALUE
        if over <= 0 or not q:
            return value
        q = q[: max(0, len(q) - over)]  # each character cut shortens the value by at least one


def answer_reply(
    answer: dict, *, site_url: str | None = None, share: bool = False, votes: bool = True, text: str | None = None
) -> dict:
    """A slash-command reply for an answer (``Answer.to_json()``): top 3, within Slack's limits; with the
    vote buttons when the server takes ``votes``. ``text``: what the user sent (default: the answer's query),
    what the record command records. The answer's query is what was searched, a long log's error lines alone:
    it was the description, and the record lost the rest of the log (found in review)."""
    from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

    query, results = answer["query"], answer["results"][:SHOWN]
    # the query is as the user typed it (_command_text unescaped Slack's entities): escaped wherever it is
    # shown, or a typed <!channel> would ping the channel from the notification text or the code block; its
    # mrkdwn marks are look-alikes there too (_typed): the top-level text is mrkdwn where a client shows it
    # instead of the blocks, where "*disk* _full_" formatted as it did in the blocks before they had _typed
    shown = _typed(cut(query, 300))
    said = answer.get("query_note")  # a log searched by its error lines: said before the lines it shows
    # the KB changed since the served index was built: first, as /mcp's answers and the API's ``stale`` say it
    stale = f"⚠️ _{_typed(answer['stale']['message'])}_\n" if answer.get("stale") else ""  # names files
    said = stale + (f"_{_typed(said[0].upper() + said[1:])}._\n" if said else "")  # names a pasted alert, as typed
    meant = meant_line(answer.get("meant"), code=True) or ""  # a typo of one id, said as the terminal says it
    if answer["no_known_pattern"] is None:  # nothing searched (an SNS subscription confirmation): no verdict
        none = nothing_searched(answer.get("query_note"))
        intro, fallback = stale + _typed(none), f"Recur: {_typed(none)}"  # its topic's name as typed
    elif answer["no_known_pattern"] and meant:
        intro = f"{said}*No known pattern* matches “{shown}”. {meant}" + (
            "\nClosest patterns, for comparison only:" if results else ""
        )
        fallback = f"Recur: {meant_line(answer['meant'])}"
    elif answer["no_known_pattern"]:
        intro = _record_intro(answer, f"{said}*No known pattern* matches “{shown}”", text, site_url)
        fallback = f"Recur: no known pattern matches “{_typed(cut(query, 100))}”"
    else:
        # what the results are, by confidence (results.match_line: low ones are not called matches), and
        # a result below the first rated more likely right (results.check_both), as every surface says them
        # counted as the terminal counts (``credible``: every credible result ranked, shown or not); a Slack user
        # has no way to ask for more than SHOWN, so none is offered
        line = match_line(results, answer.get("likelier"), answer.get("credible") or 0, more="")
        # over a low first result, the "check both" first, on a line of its own, else after the count: the rule
        # the terminal and MCP open by (results.opening), here in mrkdwn
        lead, both = opening_parts(results, answer.get("likelier"))
        meant = f"{meant}\n" if meant else ""
        lead = f"*{_esc(lead)}*\n" if lead else ""
        intro = f"{said}{meant}{lead}*{line}* for “{shown}”" + (f".\n{_esc(both)}." if both else ":")
        fallback = f"Recur: {_notified(results)} for “{_typed(cut(query, 100))}”"
    blocks = [SectionBlock(text=MarkdownTextObject(text=_cut_block(intro)))]
    for r in results:
        blocks += _result_blocks(r, query, site_url, votes)
    return {
        "response_type": "in_channel" if share else "ephemeral",
        "text": fallback,
        "blocks": [b.to_dict() for b in blocks],
        # the answer's verdict, as on every suggestion surface (issue 13); Slack ignores the key
        "no_known_pattern": None if answer["no_known_pattern"] is None else bool(answer["no_known_pattern"]),  # API's
        # and its typos read as the KB's words (Answer.corrected), which the intro says as query_note does
        "corrected": answer.get("corrected") or [],
        # and the pattern id a typo of one is meant to be (Answer.meant), which the intro says first
        "meant": answer.get("meant") or [],
        # and that the index is older than the KB (the API's ``stale``), which the intro says first
        "stale": answer.get("stale"),
    }


def _record_intro(answer: dict, head: str, text: str | None, site_url: str | None = None) -> str:
    """The intro of a reply with no known pattern: ``head`` ("*No known pattern* matches “…”"), then the command
    recording ``text`` (None: the answer's query), then what to do next. About no failure: what a question is told
    first, as the terminal and the site's box tell it (results.question_help), the site's glossary linked where
    ``site_url`` is known."""
    tail = "\nThen draft a pattern (`recur new pattern`), or `recur import` the postmortem once it is written." + (
        "\nClosest patterns, for comparison only:" if answer["results"] else ""
    )
    # about no failure (results.about_no_failure): said, as the terminal says it; "Record it" was the one reading
    # of "how do I get VPN access" (found in a re-read)
    text = answer["query"] if text is None else text
    glossary = glossary_url(site_url)
    glossary = f"<{glossary}|the glossary> (what the site's words mean)" if glossary else None
    question = question_help("Recur", glossary=glossary)
    more = say_more(answer)  # a text of few words: told to say more first, as the terminal tells it
    record = (
        f": nothing in the knowledge base is about this. {question} If it is an incident, record it"
        if about_no_failure(answer)
        else f".{f' {more}' if more else ''} Record it"
    )
    head = f"{head}{record}, so it shows as needs analysis:\n"
    line, stdin = _record_line(text, MAX_SECTION - len(tail) - len(head) - len(STDIN_HINT) - 6)
    head += (STDIN_HINT if stdin else "") + "```" + line + "```"
    return _cut_block(head, MAX_SECTION - len(tail)) + tail


def _notified(results: list) -> str:
    """What the notification text (the reply's top-level text) names: the result the blocks' intro says is the
    likelier answer (results.check_both's), else the first of medium or high confidence (results.match_line's
    count), else that all are of low confidence. Found using /recur as a responder: "cron ran twice" notified
    "possible matches, all of low confidence" (the first result was low) over blocks saying "1 pattern matches
    with medium or high confidence" and "dst-timezone-bug (#2) is rated more likely right (75% against 2%)"."""
    k = likelier(results)
    credible = [i for i, r in enumerate(results) if r["confidence"] != "low"]
    if not credible:
        return "possible matches, all of low confidence,"
    pick = credible[0] if k is None else k
    title = _esc(cut(results[pick]["title"], 200))
    if pick == 0:
        return title + (f" and {len(results) - 1} more" if len(results) > 1 else "")
    why = "rated more likely right than #1: check both" if k is not None else "#1 is of low confidence"
    return f"{title} (#{results[pick]['rank']} of {len(results)}, {why})"


def _cut_block(text: str, limit: int = MAX_SECTION) -> str:
    return text if len(text) <= limit else text[: limit - 4] + "…```"


def text_reply(text: str) -> dict:
    """A reply of one line only its user sees, ``text`` escaped (``_esc``): Slack reads &, < and > as its own
    markup, and the usage's ``<what you see>`` was sent raw, as an error message naming a <placeholder> was
    (found in review). Backticks stay: the usage's commands are code."""
    return {"response_type": "ephemeral", "text": _esc(text)}


# -- routes ---------------------------------------------------------------------------------------


async def _verified_form(gate: SlackGate | None, request: Request, ssl_check: bool = False) -> dict | None:
    """The request's form once its signature holds; None for Slack's ``ssl_check`` (with ``ssl_check``)."""
    if gate is None:
        raise ApiError(
            404,
            "slack_not_configured",
            "Slack is not set up on this server: start recur serve with "
            "--slack-signing-secret-file FILE (or RECUR_SLACK_SIGNING_SECRET)",
        )
    body = await request.body()
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    # Slack checks a slash command URL's certificate now and then with ssl_check=1 and wants a 200.
    # Such a request need not be signed (slack_bolt answers it before verifying), and it is answered
    # with nothing: no search, no write, so there is nothing to guard.
    if ssl_check and form.get("ssl_check") == "1":
        return None
    gate.check(body, request.headers)
    return form


def slack_router(
    get_engine: Callable,
    *,
    settings: Settings,
    signing_secret: str | None,
    site_url: str | None = None,
    reply_within: float = 2.5,
    clock: Callable[[], float] = time.time,
):
    """The two Slack routes over the app's engine getter (``ApiError`` 503 while loading); votes go where
    ``settings`` says (its feedback log and that log's health); ``clock``: the signatures' (SlackGate's)."""
    from fastapi import APIRouter
    from fastapi.responses import JSONResponse, Response

    router = APIRouter(tags=["slack"])
    gate = SlackGate(signing_secret, clock=clock) if signing_secret else None
    router.owed = owed = Owed()  # answers promised on response_urls: told of a stop (serve/app's lifespan)

    @router.post("/api/slack/commands", **COMMAND_DOC)
    async def slack_command(request: Request):
        """A Slack slash command (`/recur <what you see>`, form-encoded, signed by Slack)."""
        form = await _verified_form(gate, request, ssl_check=True)
        if form is None:
            return Response(status_code=200)
        text, share = _command_text(form.get("text", ""))
        # `/recur help`: how to use it, not a search; so is a text with nothing to search (colour codes or
        # zero-width characters alone: searched as "", answered "no known pattern matches “”"). Shown to its user
        # alone, after `share` too: `/recur share help` posted "no known pattern" in the channel, and `/recur
        # --help` was searched (found in an integrator's review)
        if _asks_for_usage(text):
            return JSONResponse(text_reply(USAGE))
        # counted with the API's answers: an operator watching the no_known_pattern rate saw no Slack traffic
        metrics = getattr(request.app.state, "metrics", None)
        observe = metrics.observe_answer if metrics is not None else None
        # with a response_url the answer can come late: a command while the engine loads waits for it, and
        # Slack is told "searching…" at once: the load holds the GIL, and the 2.5 s wait took 4.9 s (Slack: 3 s)
        wait = LOAD_WAIT if form.get("response_url") else 0
        how = How(share=share, votes=settings.feedback_path is not None, stale=lambda: _stale_once_looked(request))
        loading = bool(wait) and engine_loading(get_engine)  # said: Recur is starting, not "searching"
        return JSONResponse(
            await _reply_in_time(
                lambda: _answer(get_engine, text, how, site_url, observe, wait),
                form.get("response_url"),
                0 if loading else reply_within,
                request,
                owed,
                STARTING if loading else SEARCHING,
            )
        )

    @router.post("/api/slack/interactions", **INTERACTION_DOC)
    async def slack_interaction(request: Request):
        """Slack's interactivity payloads: the 👍 / 👎 buttons of a reply, recorded as feedback."""
        form = await _verified_form(gate, request)
        return await _take_votes(get_engine, settings, _payload(form.get("payload")))

    return router


async def _take_votes(get_engine: Callable, settings: Settings, payload: dict):
    """Record a button press's votes and tell the voter on the payload's response_url, once this answer has
    gone (Slack shows nothing of this route's body, and wants it within 3 s)."""
    from fastapi.concurrency import run_in_threadpool
    from fastapi.responses import JSONResponse
    from starlette.background import BackgroundTask

    votes = _votes(payload)
    url = payload.get("response_url")
    try:
        for v, _cut in votes:  # every vote's pattern first: none is written when one is unknown
            _refuse_gone(get_engine(), v.pattern)
        recorded = [
            await run_in_threadpool(_record, get_engine, settings, v, cut, *vote_keys(payload, v)) for v, cut in votes
        ]
    except ApiError as exc:
        # a refused press was answered to Slack alone, which shows nothing of it: the voter saw no
        # answer and the server's log no line (found in a problem manager's review)
        print(f"warning: a Slack vote was not recorded ({exc.status} {exc.code}): {exc.message}", file=sys.stderr)
        told = (
            BackgroundTask(_post, url, refusal(getattr(exc, "voter", exc.message)), "acknowledgement") if url else None
        )
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, background=told)
    ack = BackgroundTask(_post, url, acknowledgement(payload, recorded), "acknowledgement") if url else None
    return JSONResponse({"status": "recorded", "votes": recorded}, background=ack)


class _Gone(ApiError):
    """The API's 404 for a vote's unknown pattern (its body as POST /api/feedback's), with what the voter is told."""

    def __init__(self, exc: ApiError, voter: str):
        super().__init__(exc.status, exc.code, exc.message, exc.headers)
        self.voter = voter


def _refuse_gone(engine, pattern: str) -> None:
    """The API's 404 for a vote on a pattern the index does not have (routes.feedback.refuse_unknown). Its voter is
    told, for an id neither retired nor left out for an error, that the pattern was renamed or removed since the
    reply, and to ask again: the button was made when the id was right, and "did you mean …?", as for a typed id,
    was said to someone who typed nothing (found in review). The route's body stays the API's."""
    from recur.retrieval.patterns import retired
    from recur.serve.routes.feedback import refuse_unknown

    try:
        refuse_unknown(engine, pattern, records=False)  # on the event loop: no look in the KB's files
    except ApiError as exc:
        gone = retired(engine.manifest)
        if pattern in gone.paths or pattern in gone.left_out:
            raise
        said = f"this result's pattern (`{pattern}`) was renamed or removed since the reply; run /recur again"
        raise _Gone(exc, said) from None


# What the published OpenAPI document says of the routes' requests: the form fields read, and Slack's
# signature headers (404 slack_not_configured without a signing secret, 401 bad_signature without them).
COMMAND_FORM = {
    "text": {"type": "string", "description": "What the user typed after /recur ('share ...' posts in the channel)."},
    "response_url": {"type": "string", "description": "Where a late answer is posted."},
    "ssl_check": {
        "type": "string",
        "description": "'1': Slack checking the URL's certificate; an empty 200, signed or not, and nothing else.",
    },
}
INTERACTION_FORM = {
    "payload": {"type": "string", "description": "Slack's block_actions payload (JSON): the 👍 / 👎 button pressed."}
}
SIGNATURE_HEADERS = {
    "X-Slack-Signature": "v0=<hex HMAC-SHA256 of v0:<timestamp>:<body> with the signing secret>",
    "X-Slack-Request-Timestamp": "Unix time the request was signed; at most 5 minutes off.",
}


def _signed_form(fields: dict) -> dict:
    """``openapi_extra`` of a Slack route: its form-encoded body and signature headers (the route reads
    the raw body itself, to check the signature, so FastAPI cannot describe them)."""
    form = {"type": "object", "properties": fields}
    return {
        "parameters": [
            {"name": name, "in": "header", "required": True, "description": text, "schema": {"type": "string"}}
            for name, text in SIGNATURE_HEADERS.items()
        ],
        "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": form}}},
    }


# A reply is Slack's message JSON (Block Kit), which Slack reads, not a client of this API: published as an object
# (it was "schema": {}); an ssl_check's 200 is empty
SLACK_REPLY = {
    "description": "A Slack message (Block Kit JSON: text, blocks, response_type, replace_original), or an empty body",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
}
COMMAND_DOC = {
    "operation_id": "slackCommand",
    "responses": {200: SLACK_REPLY, **errors(400, 401, 404, 408, 413, 415, 503)},
    "openapi_extra": _signed_form(COMMAND_FORM),
}
INTERACTION_DOC = {
    "operation_id": "slackInteraction",
    "responses": {200: SLACK_REPLY, **errors(400, 401, 404, 408, 413, 415, 422, 503)},
    "openapi_extra": _signed_form(INTERACTION_FORM),
}


# `/recur share …`: the word in any case, with or without a colon ("Share: disk full", "SHARE disk full"), then
# white space (a line break too) or the end. Found in an integrator's review: `share:` and `Share:` were searched,
# "share:" and all, and answered to the user alone
# or a code block's fence ("share```log```")
_SHARE = re.compile(r"share(?::|(?=\s|```)|$)", re.IGNORECASE)
HELP_WORDS = ("help", "--help", "-h", "usage")  # `/recur help` and a command line's ways of asking for it: the usage


def _asks_for_usage(text: str) -> bool:
    """Whether a command's text (after `share`) is answered with the usage: nothing to search (has_text), a help
    word with a question or exclamation mark or full stop ("help?", "Help!"), or no letter nor digit at all ("?",
    "...", "-", an emoji). Found in review: they were searched, answered "no known pattern" and offered as an
    incident to record, `-` as ``recur incident new -t - -d -``, which waits on stdin."""
    return (
        not has_text(text)
        or text.strip().rstrip("?!.").strip().lower() in HELP_WORDS
        or not any(ch.isalnum() for ch in text)
    )


def _command_text(text: str) -> tuple[str, bool]:
    # Slack sends &, < and > of what the user typed as &amp;, &lt; and &gt; (its control characters):
    # searched as typed, and escaped once, not twice, in the reply. &amp; last, so "&amp;lt;" stays "&lt;".
    # Slack's own markup (a mention, a channel, a link) and :name: emoji codes out, as every surface ranks a text
    # (query.slack_unmarked): a mention's id swayed the search; out of the echo and the record line too. Before the
    # unescaping: a bare < > of the user's is no markup, whatever follows it
    text = slack_unmarked(text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    # a log pasted as a code block: its fences out (query.unfenced, which every surface's search does) for the
    # record line, whose shell quotes each ``` closed. `share` is read as typed, outside the block: "```share\nERROR
    # x```" is a log whose first line is "share" (found in review: it was taken as the fence's info string)
    text = text.strip()
    shared = _SHARE.match(text)
    return unfenced(text[shared.end() :] if shared else text).strip(), shared is not None


class How(NamedTuple):
    """How a command's reply is given: named, where a bare (bool, bool) crossed two functions by position."""

    share: bool  # shared in the channel (`/recur share …`), not shown to its user alone
    votes: bool  # with 👍 / 👎 buttons: feedback is taken (a feedback log is set)
    # the KB changed since the served index was built (deps.index_stale): said. Read once the engine is loaded:
    # read when the command came, a command sent while the server loaded never said it (found in review)
    stale: Callable[[], dict | None] = lambda: None


def _answer(get_engine: Callable, text: str, how: How, site_url: str | None, observe=None, wait=0.0) -> dict:
    """The reply for a command: the answer as blocks, or one line saying why there is none. ``how``: shared
    in the channel, votes taken; ``observe``: told of each answer (the metrics); ``wait``: seconds to wait
    for an engine still loading."""
    from pydantic import ValidationError

    from recur.serve.bodies import PasteIn
    from recur.serve.guard import invalid_message

    try:
        q = PasteIn(text=text, top=SHOWN)  # a long paste condensed, as `recur suggest` does, and said
        # escaped=False: _command_text read Slack's escapes; read again, a typed "&lt;x&gt;" was searched as "<x>"
        answer = _loaded(get_engine, wait).answer(q.text, top=q.top, others=OTHER_ALERTS, escaped=False)
        if observe is not None:
            observe(answer)
        out = answer.to_json() | {"stale": how.stale()}
        return answer_reply(out, site_url=site_url, share=how.share, votes=how.votes, text=q.text)
    except ApiError as exc:
        return text_reply(exc.message)
    except ValidationError as exc:
        return text_reply(invalid_message(exc.errors()))


def _stale_once_looked(request: Request) -> dict | None:
    """The answer's ``stale`` (deps.index_stale), once the server's first look at the KB after loading is made:
    the engine is served just before that look, and a command answered in between said nothing of a KB edited
    while it loaded. In the answer's worker thread: it may block, at most a few seconds (a walk of the KB)."""
    ready = getattr(getattr(request.app.state, "holder", None), "ready", None)
    if ready is not None:
        ready.wait(LOOK_WAIT)
    return index_stale(request)


LOOK_WAIT = 30  # seconds, at most, for the server's first look at its KB after loading (a stat walk)


def _loaded(get_engine: Callable, wait: float):
    """``get_engine()``, waited for while it is still loading (503 ``not_ready``), at most ``wait`` seconds. A
    /recur that came while the model loaded (after every restart) was answered "retry in a few seconds", and
    the responder typed it again (found restarting `recur serve` mid-incident); it is answered once loaded.
    A load that failed (``engine_failed``) is said at once."""
    for pause in load_pauses(get_engine, wait):  # in the answer's worker thread: it may block
        time.sleep(pause)
    return get_engine()


async def _reply_in_time(  # long: the two ways an answer goes back, and the hand-over between them, in one place
    compute: Callable[[], dict],
    response_url: str | None,
    budget: float,
    request: Request | None = None,
    owed: Owed | None = None,
    said: str = SEARCHING,
) -> dict:
    """``compute()`` if it is done within ``budget`` seconds; else "searching…" now and the
    answer posted to ``response_url`` when ready (``budget`` 0: always that way).

    Without a ``response_url`` the answer can only go back on ``request``'s connection: it is awaited
    whatever it takes, and a client that has closed that connection by the time the search has a slot
    is not searched for (``ClientGone``: a 499, as on /api/suggest). With one (every command Slack
    sends), a closed connection leaves someone to answer: the user, whose answer the response_url
    still takes (for 30 minutes), so the search is made, and an answer ready in time for a connection
    that has closed is posted there too. ``owed``: where an answer promised on the response_url is kept until it is
    posted (Owed: told of a stop first); ``said``: what the user is told meanwhile."""
    import anyio

    compute = _never_silent(compute)
    if not response_url:
        gone = CLIENT_GONE.set((lambda: disconnected(request)) if request is not None else None)
        try:
            return await anyio.to_thread.run_sync(compute)  # the context, CLIENT_GONE with it, is copied
        finally:
            CLIENT_GONE.reset(gone)
    owed = owed or Owed()
    box: dict = {"late": budget <= 0, "key": owed.add(response_url) if budget <= 0 else None}
    lock = threading.Lock()

    def run():
        reply = compute()
        with lock:
            box["reply"] = reply
            late, key = box["late"], box["key"]
        if late and (key is None or owed.done(key)):  # not when its user was told of a stop already
            _post(response_url, reply)

    worker = threading.Thread(target=run, name="recur-slack", daemon=True)
    worker.start()
    if not box["late"]:
        await anyio.to_thread.run_sync(worker.join, budget)
    with lock:
        reply = box.get("reply") if not box["late"] else None
        if reply is None and not box["late"]:  # the worker posts the answer to response_url when it has it
            box["late"], box["key"] = True, owed.add(response_url)
    if reply is None:
        return text_reply(said)
    if request is not None and await request.is_disconnected():  # the answer in time, and nobody on the line
        threading.Thread(target=_post, args=(response_url, reply), name="recur-slack", daemon=True).start()
    return reply


def _never_silent(compute: Callable[[], dict]) -> Callable[[], dict]:
    """``compute``, with a bug's exception made a reply that says so (and its traceback logged)."""

    def run() -> dict:
        try:
            return compute()
        except ClientGone:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: still a reply, never a silent drop
            traceback.print_exc()
            return text_reply(f"Recur could not answer: {unexpected_message(exc)}")

    return run


def _post(response_url: str, reply: dict, what: str = "late reply") -> None:
    """``reply`` to a response_url (slack_sdk's WebhookClient): a late answer (never replacing the
    "searching…" it follows) or a vote's acknowledgement (which says whether it replaces). Slack down,
    slow or refusing it is a warning in the server's log, never an exception: the answer or vote is not
    undone by it."""
    from slack_sdk.webhook import WebhookClient

    body = {"replace_original": False, **reply} if what == "acknowledgement" else {**reply, "replace_original": False}
    try:
        resp = WebhookClient(response_url, timeout=POST_TIMEOUT[what], logger=_SDK_QUIET).send_dict(body)
        if resp.status_code >= 300:
            print(f"warning: Slack refused the {what} ({resp.status_code}: {resp.body[:200]})", file=sys.stderr)
    except Exception as exc:  # noqa: BLE001 - a lost post must not kill the worker quietly
        print(f"warning: could not post the {what} to Slack ({type(exc).__name__}: {exc})", file=sys.stderr)


def _payload(raw: str | None) -> dict:
    """The interaction's ``block_actions`` payload (the form's JSON ``payload`` field)."""
    if raw is None:
        raise ApiError(422, "invalid_request", "payload: missing (Slack sends the button press in this form field)")
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        raise ApiError(400, "bad_json", "the payload field is not valid JSON") from None
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        raise ApiError(422, "invalid_request", "payload: only block_actions (the 👍 / 👎 buttons) are handled")
    return payload


def _votes(payload: dict) -> list[tuple]:
    """The 👍 / 👎 actions of a ``block_actions`` payload: (FeedbackIn body, whether its query was cut)."""
    from pydantic import ValidationError

    from recur.serve.bodies import FeedbackIn
    from recur.serve.guard import invalid_message

    actions = payload.get("actions") or []
    if not isinstance(actions, list):
        raise ApiError(422, "invalid_request", "payload.actions: must be a list")
    votes = []
    for action in actions:
        action_id = action.get("action_id") if isinstance(action, dict) else None
        if not isinstance(action_id, str) or action_id not in ACTIONS:
            continue
        try:
            value = action.get("value")
            value = json.loads(value) if isinstance(value, str) else None
            vote = FeedbackIn(query=value.get("q"), pattern=value.get("p"), useful=ACTIONS[action_id])
        except ValidationError as exc:  # before ValueError: pydantic's error is one
            raise ApiError(422, "invalid_request", invalid_message(exc.errors())) from None
        except (ValueError, AttributeError, RecursionError):
            raise ApiError(422, "invalid_request", "payload: a button's value is not what Recur sent") from None
        votes.append((vote, value.get("c") == 1))
    if not votes:
        raise ApiError(422, "invalid_request", "payload: no 👍 / 👎 action in it")
    return votes


def _record(
    get_engine: Callable,
    settings: Settings,
    vote,
    cut: bool = False,
    key: str | None = None,
    earlier: str | None = None,
) -> dict:
    """What ``POST /api/feedback`` does with a vote (and ``query_cut`` when the button's value held only the
    start of the query), at most once per ``key`` (vote_keys; ``earlier``, its key before): a second click of a
    button was a second vote."""
    from recur.serve.routes.feedback import record_vote

    outcome = record_vote(
        settings, get_engine(), vote.query, vote.pattern, vote.useful, query_cut=cut, key=key, earlier_key=earlier
    )
    return {"pattern": vote.pattern, "useful": vote.useful, "outcome": outcome}


def vote_keys(payload: dict, vote) -> tuple[str | None, str | None]:
    """(One person's vote on one query's result, as feedback.record_once keys it: the workspace, the user, the
    query as the export groups it (query_key) and the pattern, hashed (the feedback file keeps no Slack user
    id); the key of the same vote before, by message). One vote per person, query and pattern, as the API's
    ``voter`` and the site's box have it: keyed by message too, one person's 👍 on three replies to the same
    question (asked again mid-incident) counted three times and outvoted two people's 👎 (found in review).
    The key before (the message's channel and ts in it) is read when the person has no vote under the new key:
    a press on a reply voted on before this version is "already recorded", or replaces that vote. (None, None)
    when the payload names no user: every click is recorded."""
    from recur.ingest.feedback import hashed_key
    from recur.util.text import query_key

    user, team = payload.get("user"), payload.get("team")
    user = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user, str) or not user:
        return None, None
    team = team.get("id") if isinstance(team, dict) else None
    container = payload.get("container") if isinstance(payload.get("container"), dict) else {}
    message = [container.get("channel_id"), container.get("message_ts"), vote.query]
    keys = (
        [team, user, query_key(vote.query), vote.pattern],
        [team, user, *map(str, message), vote.pattern],  # the key before 0.2.1: by message
    )
    return hashed_key("slack", keys[0]), hashed_key("slack", keys[1])


VOTED = {
    ("recorded", True): "👍 Recorded as useful. Thanks!",
    ("recorded", False): "👎 Recorded as not this one. Thanks!",
    ("changed", True): "👍 Changed to useful. Thanks!",
    ("changed", False): "👎 Changed to not this one. Thanks!",
    ("already recorded", True): "👍 Already recorded as useful.",
    ("already recorded", False): "👎 Already recorded as not this one.",
}


def refusal(message: str) -> dict:
    """What a voter whose press was refused is shown (only them): the vote was not taken, and why."""
    said = f"⚠️ Your vote was not recorded: {_esc(message)}"  # escaped as text_reply's
    return {"response_type": "ephemeral", "replace_original": False, "text": said}


def acknowledgement(payload: dict, recorded: list[dict]) -> dict:
    """What the voter is shown once the vote is in, posted to the payload's response_url. On a reply only
    they see (ephemeral, its blocks in the payload): the reply itself, each voted result's buttons followed
    by what was recorded (replace_original; the buttons stay, so the vote can be changed). Else (a reply
    shared in the channel: the others' view is not changed for one vote): a line only the voter sees."""
    said = {r["pattern"]: VOTED[(r["outcome"], r["useful"])] for r in recorded}
    line = " ".join(f"{text} (`{_esc(pid)}`)" for pid, text in said.items())
    container = payload.get("container") if isinstance(payload.get("container"), dict) else {}
    blocks = (payload.get("message") or {}).get("blocks") if isinstance(payload.get("message"), dict) else None
    if not (container.get("is_ephemeral") and isinstance(blocks, list)):
        return {"response_type": "ephemeral", "replace_original": False, "text": line}
    voted = {a.get("block_id"): a for a in payload.get("actions") or [] if isinstance(a, dict)}
    out = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        bid = str(block.get("block_id", ""))
        if bid.startswith("recur_voted_") and bid.removeprefix("recur_voted_") in voted:
            continue  # an earlier acknowledgement under a result voted on now: replaced (another's is kept)
        out.append(block)
        action = voted.get(block.get("block_id"))
        pid = _voted_pattern(action)
        if pid in said:
            note = {"type": "mrkdwn", "text": said[pid]}
            out.append({"type": "context", "block_id": f"recur_voted_{block['block_id']}", "elements": [note]})
    return {"replace_original": True, "text": (payload.get("message") or {}).get("text") or line, "blocks": out}


def _voted_pattern(action) -> str | None:
    try:
        return json.loads(action.get("value"))["p"] if action else None
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
