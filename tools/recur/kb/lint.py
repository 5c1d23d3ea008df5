"""Authoring advice for ``recur check``: warnings about patterns that are valid but weak.

``authoring_warnings(kb, ...)`` is pure text work (no embedding stack, no numpy) and runs on
every ``recur check``. The near-duplicate check behind ``recur check --similar`` needs the
index, so it lives in ``recur.retrieval.similar``.

Staleness ("no incident has matched this pattern for a year") depends on the clock, not on the
change under review, so it is a *notice*: printed, but it does not fail ``--strict`` (a KB's CI
must not turn red on a date with nobody having touched anything).
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from bisect import bisect_left
from pathlib import Path

from recur import config
from recur.kb import credentials, emails, placeholders
from recur.kb.incident_record import done_before_why
from recur.kb.loader import display_path, readable
from recur.kb.parse import (
    EXCERPT,
    FENCE,
    FENCE_LINE,
    H2,
    SITE_OPENER,
    ParseError,
    fence_lines,
    fence_step,
    front_matter_end,
    heading_lines,
    heading_text,
    item_lines,
    key_at,
    lookalike_fence,
    nesting_problem,
    outside_fences,
    read_text,
    site_fences,
    size_problem,
    without_comments,
)
from recur.kb.records import KB, Pattern
from recur.kb.schema import KEBAB, OPEN_FIX, PATTERN, meant_key
from recur.util.dates import after_today
from recur.util.errors import Problem
from recur.util.language import ENGLISH_WORDS, OTHER_LANGUAGE_WORDS, mostly_non_latin, mostly_other_language
from recur.util.text import STOPWORDS, TEXT_SPACING, control_character, cut, edit_distance, plural, quoted

PLACEHOLDER = placeholders.WORD  # the exact lines ``recur new`` leaves to replace: recur.kb.placeholders

# -- actionable runbook steps -------------------------------------------------------------

_CODE = re.compile(r"`[^`]+`|^\s*(```|~~~)", re.M)
_LINK = re.compile(r"https?://\S+|\]\([^)]+\)")
_QUOTED = re.compile(r"[\"“][^\"”]{3,}[\"”]")
# strings a tool prints or a person types: CamelCase alert names, ERROR_CODES, metric_names,
# /paths, --flags, key=value, numbers with units
_SPECIFIC = re.compile(
    r"\b[a-z]+[A-Z][A-Za-z0-9]+\b|\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*\b|\b[A-Z]{2,}[A-Z0-9_-]*\d*\b"
    r"|\b\w+_\w+\b|(?<![\w])/[\w.-]+/[\w./-]*|(?<!\w)--?[a-z][\w-]+|\b\w+=\S+|\b\d+(\.\d+)?\s?(%|ms|s|m|h|x|GB|MB)\b"
)
# verbs that only say "pay attention": they need a specific object to mean anything
WEAK_VERBS = frozenset(
    """
check look investigate review monitor verify inspect see watch examine analyse analyze debug troubleshoot
ensure make try consider understand assess evaluate confirm determine identify figure find escalate fix
resolve handle address follow notify contact inform communicate update keep be dig go get work deal
""".split()
)
STRONG_VERBS = frozenset(
    """
add apply archive block boot bring buy capture cap change choose clear compare copy cordon correct correlate
count cut decide delete deploy diff disable downgrade drain drop dump enable evacuate export extend extract
fail failover flip flush force freeze grep grow halt increase decrease inventory isolate kill lift limit line
list load lock loosen lower map mark match measure merge migrate mitigate move mute open page pause pin plan
post preserve promote protect pull purge query queue raise rate-limit re-enable read rebalance rebuild reboot
recreate record redeploy redirect reduce reindex reissue reload remove renew repair replace replay rerun
reroute reset resize restart restore resume retry revert revoke roll rollback rotate route run save scale
scope search separate set shed shift shrink snapshot split stagger start stop suspend switch take tell test
throttle trace track trigger truncate turn unblock uncordon undo unpin upgrade use validate warm wipe write
relax reconcile finish attach detach invalidate refresh regenerate re-run re-issue failback quarantine requeue
skip terminate recycle bounce evict expire fence demote declare announce revalidate reprocess backfill
resend re-send redeliver redrive republish resubmit resync reapply retrigger reconnect remount unmount unlock
release cancel abort patch hotfix silence unmute acknowledge prune vacuum compact taint untaint rekey bump
reattach reseed reschedule install reinstall uninstall reassign grant allowlist denylist approve reject
downscale upscale
""".split()
)
VAGUE_WORDS = frozenset(
    """
logs log issue issues problem problems things thing stuff everything anything something it them situation
system systems service services metrics metric dashboards dashboard alerts alert errors error status health
state cause details information info data relevant appropriate appropriately necessary needed required
accordingly team teams people someone owner owners impact further more again closely carefully possible sure
whether what why how happening going wrong out usual normal suspicious problematic anomalies anomaly around
back sure else need needs step steps fine ok okay root outage incident failure working healthy
""".split()
)
_CLAUSE = re.compile(r"[.;:!?,()]|\bthen\b|\band\b|\bor\b|—|–")
_LEAD = frozenset("do not don't never first immediately also now then just quickly temporarily".split())
_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9'-]*")
# a step that is a bare command, without backticks ("kubectl get pods", "df -h"): an operations tool
# first (after sudo), or a lower-case word and a -flag
_TOOLS = (  # (not the ones that are also English words: host, kill, top, free, tail, mount, dig)
    "kubectl|helm|docker|podman|crictl|systemctl|journalctl|terraform|aws|gcloud|az|psql|mysql|"
    "redis-cli|mongosh?|etcdctl|consul|vault|nomad|ansible|curl|wget|nslookup|traceroute|mtr|"
    "openssl|netstat|lsof|df|du|htop|iostat|vmstat|ps|pkill|jq|git|ssh|tcpdump|strace|dmesg|lsblk|"
    "iptables|nft|sysctl|ulimit"
)
_COMMAND = re.compile(rf"^\s*(?:sudo\s+)?(?:(?:{_TOOLS})\s+\S|[a-z][a-z0-9_.-]*\s+--?[A-Za-z])")


def is_actionable(step: str) -> bool:
    """True when a runbook step tells the responder something concrete to do.

    Concrete means: a command or code span, a link, a quoted name (a dashboard, an alert), a
    string a tool prints (ENOSPC, KubePodCrashLooping, pg_stat_replication, /var/log, --dry-run),
    or a clause that starts with an action verb followed by a specific object ("Roll back the
    last deploy", "Check replication lag on the replica") — not "Check the logs".
    """
    if _CODE.search(step) or _LINK.search(step) or _QUOTED.search(step):
        return True
    if _SPECIFIC.search(step) or _COMMAND.match(step):
        return True
    clauses = [_clause_words(clause) for clause in _CLAUSE.split(step)]
    # the object may sit in another clause ("If a batch job is one side, pause it"), so the specific words
    # are counted over the whole step
    content = [
        w
        for words in clauses
        for i, w in enumerate(words)
        if w not in STOPWORDS and w not in VAGUE_WORDS and w not in _LEAD and len(w) > 2 and _not_verb(words, i)
    ]
    for words in clauses:
        if words and words[0] in STRONG_VERBS and len(content) >= 1:
            return True
        if words and words[0] in WEAK_VERBS and len(content) >= 2:
            return True
    return False


# a word of a step as reads_english counts it: a run of letters (any script), "-" and "'" inside it
_ANY_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def reads_english(step: str) -> bool:
    """Whether a runbook step is written in English, the one language ``is_actionable`` reads (its verbs and
    vague words are English): not mostly in another script (Japanese), not reading as another language in
    Latin letters (util.language), and more of its words ones the check knows as English (a verb, a vague word,
    a function word) than ones it takes for another language's (a letter outside ASCII: "prüfen"; a function
    word of one). Found in review: "Circuit Breaker aktivieren." and "Envoyのログを確認する。" were told they had
    nothing actionable in them, and `recur check --strict` failed a KB with German and Japanese runbooks."""
    if mostly_non_latin(step) or mostly_other_language(step):
        return False
    english = foreign = 0
    for part in _ANY_WORD.findall(step):
        for word in part.lower().split("-"):
            if not word.isascii() or word in OTHER_LANGUAGE_WORDS:
                foreign += 1
            elif word in _ENGLISH:
                english += 1
    return english > foreign


# the words the check knows as English: a step with none of them is one it cannot read
_ENGLISH = STOPWORDS | WEAK_VERBS | STRONG_VERBS | VAGUE_WORDS | ENGLISH_WORDS | _LEAD


# words after which a verb's word is a thing: "the deploy", "this restart"
_DETERMINERS = frozenset("the a an this that these those its their our your each every any last".split())


def _not_verb(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` is no verb here: a word no verb has, or a verb's word read as a thing, after a
    determiner or a word of content ("Roll back the deploy", "the canary deploy"), which was nothing
    actionable ("deploy" read as a verb). Not a clause's first word, nor one after "to" or "if" ("Check
    the logs to see if restart helps" is as vague as it was)."""
    if words[i] not in STRONG_VERBS and words[i] not in WEAK_VERBS:
        return True
    if i == 0:
        return False
    before = words[i - 1]
    return before in _DETERMINERS or (
        before not in STOPWORDS and before not in STRONG_VERBS and before not in WEAK_VERBS and before not in _LEAD
    )


def _clause_words(clause: str) -> list[str]:
    """A clause's words, lower-cased, from its verb: without the words that lead one ("first", "do not", an
    adverb such as "temporarily")."""
    words = [w.lower() for w in _WORDS.findall(clause)]
    while words and (words[0] in _LEAD or words[0].endswith("ly")):
        words = words[1:]
    return words


def _runbook_lines(kb: KB, p: Pattern) -> list[int]:
    """File line of each top-level runbook item (the loader keeps the items, not their lines)."""
    start = p.line("## Runbook")
    text = _file_text(kb, display_path(kb.root / p.relpath))
    if text is None:
        return []
    lines = text.split("\n")
    # read as the loader reads the section: without its HTML comments (a step commented out is none), their
    # line breaks kept (parse.without_comments)
    end = start + next(iter(heading_lines(lines[start:])), len(lines) - start)  # the section's, as the loader's
    lines[start:end] = without_comments("\n".join(lines[start:end])).split("\n")
    out, fence = [], False
    # the fences as the loader's list reader reads them (parse.fence_lines, each line opening or closing
    # a block, one left open none), not as Markdown does (outside_fences): these lines must be those of
    # the items the loader kept in p.runbook, the nth line the nth step's. Where the two readings part
    # ("```" inside a "````" block) lint's fence_troubles says so, and the file is fixed to one both read alike
    fences = {start + k for k in fence_lines(lines[start:])}
    for n in range(start, len(lines)):  # lines[start] is the line after the heading
        line = lines[n]
        if n in fences:
            fence = not fence
        if fence:
            continue
        if line.startswith("## "):
            break
        if re.match(r"^\s?\d+[.)]\s+", line):
            out.append(n + 1)
    return out


# -- the authoring warnings ---------------------------------------------------------------


def authoring_warnings(
    kb: KB, stale_days: int | None = None, today: dt.date | str | None = None, only=None, **_ignored
) -> list[Problem]:
    """Warnings for patterns that pass the schema but would let a responder down.

    ``stale_days``: notice for patterns no incident has matched for longer than this (measured
    from the last matching incident, or from ``created:`` when none matched; patterns with
    neither are skipped). 0 turns it off. ``today`` pins the clock (tests, reproducible CI).
    ``only``: a test of a file's shown path; the warnings of the files it passes, and none other.
    `recur check FILE` (the pre-commit hook) linted all 4,200 files of a 2,000-pattern KB to print
    one's (4.9 of 13.1 s profiled, found in a scale review); each file's warnings are its own, worked
    out from the whole KB as loaded, so they are those a whole check gives.
    """
    if stale_days is None:
        stale_days = config.get("stale_days")
    now = config.today(today)
    out: list[Problem] = []
    copies: dict = {}  # id -> every pattern record read with it (two or more: a duplicate id)
    sizes: dict = {}  # category -> its number of patterns
    # a pattern with errors of its own too, as far as it was read: its warnings are said in the same run as
    # its errors (kb.unloaded_patterns); a category at fault is not counted as one
    for p in kb.read_patterns():
        copies.setdefault(p.id, []).append(p)
        if "category" not in p.unread:
            sizes[p.category] = sizes.get(p.category, 0) + 1
    for p in sorted(kb.read_patterns(), key=lambda p: (p.id, p.relpath)):
        if p.status == "retired":
            continue
        shown = display_path(kb.root / p.relpath)
        if only is None or only(shown):
            out += _pattern_warnings(kb, p, shown, copies, sizes)
            if stale_days and stale_days > 0 and not p.unread:  # the clock's notice: of the KB's patterns
                out += _stale(kb, p, shown, stale_days, now)
    out += _placeholders_elsewhere(kb)
    out += _future_dates(kb, now)
    out += _fix_done_dates(kb)
    out += _incident_done_dates(kb)  # follow-ups', flags' and reviews'
    out += _retired_with_open_fix(kb)
    out += _review_before_incident(kb)
    out += _review_level_mismatch(kb)
    out += _long_incident_titles(kb)
    out += _ticket_due_conflicts(kb)
    bodies = list(_bodies(kb, only))  # every file read once for all three
    fronts = list(_scanned(bodies))  # and its front matter scanned once for both
    fronts += _scanned_yaml(kb, only)  # a path's title or why, a case's query: cut as well, without a word
    out += _comment_cuts(fronts)
    out += _items_run_on(fronts)
    out += _fence_warnings(kb, bodies)
    out += large_text_warnings(bodies)
    out += _link_warnings(kb, bodies)
    out += control_warnings(bodies)
    out += script_link_warnings(bodies)
    out += credential_warnings(kb, bodies, only)
    out += email_warnings(kb, bodies, only)
    # the checks of the whole KB above are cheap (dates, tickets); theirs are kept to the files asked for too
    return out if only is None else [p for p in out if only(p.path)]


def _pattern_warnings(kb: KB, p, shown: str, copies: dict, sizes: dict) -> list[Problem]:
    """The authoring warnings of one pattern file but its staleness: each said at ``shown``, its file. Of a
    pattern with errors of its own, those of the fields read (``p.unread``: the ones at fault, left to their errors)."""
    category = [] if "category" in p.unread else [*_category_name(p, shown, sizes), *_category_slip(p, shown, sizes)]
    return [
        *_runbook_warnings(kb, p, shown),
        *_section_placeholders(p, shown),
        *([] if "signals" in p.unread else _no_signals(p, shown)),
        # an id in error ("id: disk-ful" in disk-full.md): the warning told the author to add the misspelling to
        # the related patterns, which list the file's name (found in review); its error says what to write
        *([] if "id" in p.unread else _one_way_links(kb, p, shown, copies)),
        *category,
        *_long_title(p, shown),
        *_regex_signals(p, shown),
        *_unmatchable_signals(p, shown),
        *([] if p.unread else _ready_draft(p, shown)),  # a file with errors is not ready to publish
    ]


def _no_signals(p, shown: str) -> list[Problem]:
    # "signal:" is its own warning, a slip of signals: not also "has no signals" (found by a KB author)
    if p.signals or any(meant_key(k, PATTERN) == "signals" for k in p.extra):
        return []
    what = "pattern has no signals: add the exact alert names, log lines or error codes a responder will paste"
    return [Problem(shown, p.line("symptoms"), "signals", what, "warning")]


# the most characters of a pattern's title that read well in a list: a longer one is a warning, not an error
TITLE_LONGEST = 120


def _long_title(p, shown: str) -> list[Problem]:
    """A title longer than TITLE_LONGEST: titles are read in lists (`recur suggest`, the site's search and
    category pages), where a sentence-long one wraps over lines and the next pattern is lost below it; a
    new pattern author put the summary there and nothing said so."""
    length = len(p.title or "")
    if length <= TITLE_LONGEST:
        return []
    return [
        Problem(
            shown,
            p.line("title"),
            "title",
            f"is {length} characters: titles are read in lists, so keep it to {TITLE_LONGEST} or fewer "
            "(the symptom in a few words) and put the rest in the summary",
            "warning",
        )
    ]


def _long_incident_titles(kb: KB) -> list[Problem]:
    """An incident's title longer than TITLE_LONGEST, said as a pattern's is: the board, `recur report` and the
    site's lists show incident titles too. A 100,000-character title recorded over MCP passed check without a
    word (found in review; the writers refuse one over incident_record.TITLE_MOST now)."""
    out = []
    for i in sorted(kb.all_incidents(), key=lambda i: i.relpath):
        if len(i.title or "") > TITLE_LONGEST:
            what = (
                f"is {len(i.title):,} characters: titles are read in lists, so keep it to {TITLE_LONGEST} or fewer "
                "(what happened in a few words) and put the rest in the Summary"
            )
            out.append(Problem(display_path(kb.root / i.relpath), i.line("title"), "title", what, "warning"))
    return out


# Regex syntax in a signal: signals are literal text (retrieval.search._signal_match finds a signal's
# normalised text inside the query's), so "KafkaConsumerLag(High|Critical)" matched neither alert whole
# and fell back to meaning (found by a pattern author). Each sign needs a clear regex construct, as real
# log text has brackets, pipes, carets and dollars of its own: "(pid 1234)", "[ERROR]", "$HOME", "^C",
# "a|b", "...", "C++", "*.log" are not warned of.
_QUERY_REGEX = re.compile(r"""[=!|]~\s*(?:"[^"]*"|'[^']*'|`[^`]*`)""")  # job=~".*": a query copied whole
_RANGE = re.compile(r"[a-z]-[a-z]|[A-Z]-[A-Z]|[0-9]-[0-9]")
_REGEX_SIGNS = (
    # "*", ".*" and nothing else; the look-ahead first, so that a signal of other text is refused in one pass
    # ("^[\s.*+?]*[*+?][\s.*+?]*$" tried each split of a run of stars: "*" * 80,000 + "a" 40 s; found in review)
    ("a wildcard", re.compile(r"^(?=[\s.*+?]*$)[\s.*+?]*[*+?][\s.*+?]*")),
    ("any text", re.compile(r"\.[*+]")),  # ".*", ".+" (a glob's "*.log" has no dot before its star)
    # "\d+", "\s*", "\bWORD\b" (a Windows path's "\data", "\system32" has a letter after the escape)
    ("a character class", re.compile(r"\\[dwsDWSbB](?![A-Za-z0-9])")),
    # "(High|Critical)"; not "(a | b)", a table's or a shell's pipe, spaced
    ("alternatives", re.compile(r"\((?:\?:)?[^()|]*[^\s()|]\|[^\s()|][^()]*\)")),
    # "Status (High|Critical": the same, its ")" left out (found by a pattern author)
    ("alternatives", re.compile(r"\((?:\?:)?[^()|]*[^\s()|]\|[^\s()|][^()]*$")),
    # "OOMKilled|Evicted": the whole signal names, each a word, joined by "|" (a log line's "|" has more around it)
    ("alternatives", re.compile(r"^[A-Za-z][\w.-]+(?:\|[A-Za-z][\w.-]+)+$")),
    ("a nested quantifier", re.compile(r"\([^()]*[+*]\)[+*]")),  # "(a+)+"
    # "[0-9 errors": a range's class, its "]" left out (a closed one is found below, in regex_signs)
    ("a character class", re.compile(r"\[\^?(?:[a-z]-[a-z]|[A-Z]-[A-Z]|[0-9]-[0-9]|\\[dwsDWS])[^\]]*$")),
    # a leading anchor: not a control key as a terminal shows it ("^C", "^[[A"), nor a caret pointing under a line
    ("a leading anchor", re.compile(r"^\^(?![@A-Z\[\\\]^_?](?![A-Za-z0-9]))(?=[\w(\[\\.])")),
    # "...timeout$", "+$"; not "5$", nor a shell prompt's "~$", "[root@db1 ~]$" (nor "deploy@web1:/var/www$":
    # _PROMPT, in regex_signs)
    ("a trailing anchor", re.compile(r"(?<=[A-Za-z)}*+?.])\$$")),
)
# a shell prompt with a path, "deploy@web1:/var/www$", "ci@build-3:~/app$", as a signal's last word: its "$" is
# the prompt's (a regex would hardly anchor a user@host:path), and it was warned of as an anchor (found in review)
_PROMPT = re.compile(r"[\w.-]+@[\w.-]+:[~/]\S*\$")


def regex_signs(signal: str) -> list[tuple[str, str]]:
    """(what, the text) of each regular-expression construct in a signal, in the order written ([] for
    none). A PromQL or LogQL regex matcher's value (``job=~".*"``, ``|~ "timeout.*"``) is left out: a
    query copied whole is the literal text of the alert's rule."""
    text = _QUERY_REGEX.sub("", signal)
    found = [(m.start(), what, m.group(0)) for what, sign in _REGEX_SIGNS for m in sign.finditer(text)]
    if _PROMPT.fullmatch((text.rsplit(None, 1) or [""])[-1]):
        found = [f for f in found if f[1] != "a trailing anchor"]
    for m in re.finditer(r"\[\^?([\w.\\-]+)\]", text):  # "[0-9]", "[a-f0-9_]", "[^A-Z]"; not "[2026-01-02]"
        body = m.group(1)
        ranges = _RANGE.findall(body)
        rest = re.sub(r"\\[dwsDWS]", "", _RANGE.sub("", body))
        if (ranges or rest != body) and re.fullmatch(r"[_.-]*", rest) and all(r[0] <= r[2] for r in ranges):
            found.append((m.start(), "a character class", m.group(0)))
    if any(what == "a wildcard" for _, what, _ in found):  # the whole signal: not also its parts
        return [(what, shown) for _, what, shown in found if what == "a wildcard"]
    return list(dict.fromkeys((what, shown) for _, what, shown in sorted(found)))  # ".*" twice: said once


def _regex_signals(p, shown: str) -> list[Problem]:
    """A signal written as a regular expression: ``check`` and ``--strict`` passed it without a word, and
    ``suggest`` found it by meaning alone (medium) where the literal alert name was an exact match (high)."""
    out = []
    for n, signal in enumerate(p.signals):
        signs = regex_signs(signal) if isinstance(signal, str) else []
        if not signs:
            continue
        numbers = any(re.search(r"\\d|0-9", text) for _, text in signs)
        named = "; ".join(f"{what} '{text}'" for what, text in signs)  # quoted as written: no repr's doubled \\
        why = (
            f"looks like a regular expression ({named}), but signals "
            "are matched as literal text (letter case, numbers and spacing aside"
            + ("; numbers are masked, so 'consumer-1' matches 'consumer-42'" if numbers else "")
            + "): paste the exact text from the alert or log, and list each variant as a signal of its own"
        )
        out.append(Problem(shown, p.line("signals", n), f"signals[{n}]", why, "warning"))
    return out


def _unmatchable_signals(p, shown: str) -> list[Problem]:
    """A signal no search can find as written (config.SIGNAL_MATCH, the search's numbers): shorter than ``exact_min_chars``
    as normalised, so never found whole in a text; with no identifier (an alert name, an error code of four
    capitals or more, a metric name); and fewer than ``words_min`` words. "EIO", "503", "ERR", "error" passed
    check without a word and matched nothing (found by a pattern author)."""
    from recur.util.text import identifiers, normalise_signal, signal_words

    m = config.SIGNAL_MATCH
    out = []
    for n, signal in enumerate(p.signals):
        if not isinstance(signal, str) or len(normalise_signal(signal)) >= m["exact_min_chars"]:
            continue
        if identifiers(signal, signal=True) or len(signal_words(signal)) >= m["words_min"] or regex_signs(signal):
            continue  # a regex ("*", ".*") is warned of as one: its advice is this one's
        # "can never match" was contradicted by suggest's why list, which shows such a signal matched by
        # meaning ('match': 'meaning'): what never happens is finding it as written (found in an upgrade review)
        what = (
            f"{signal!r} can never be found in a text as written: it is {len(normalise_signal(signal))} "
            f"characters, and a signal is found as written when it is {m['exact_min_chars']} characters or more, "
            "or by a name or code of its own (an alert name, ENOSPC, ORA-00060, a metric name); only its meaning "
            "is matched; write it as the log or the alert shows it, the words around it too"
        )
        out.append(Problem(shown, p.line("signals", n), f"signals[{n}]", what, "warning"))
    return out


def _category_name(p, shown: str, sizes: dict) -> list[Problem]:
    """A category folder that is not kebab-case ("Billing", "data_stores"): the format allows it (a category
    is its folder's name), so --strict does not fail on it, but `recur new` refuses it. One that differs
    from another category only in case ("Billing/" beside "billing/") is one folder on macOS and Windows
    checkouts and two categories on the site: that fails --strict. The case was said of every such name,
    "data_stores" too, which has none, and --strict failed on a category the format allows (found in review)."""
    if KEBAB.fullmatch(p.category or ""):
        return []
    twins = sorted(c for c in sizes if c != p.category and c.casefold() == p.category.casefold())
    if twins:
        what = (
            f"{p.category!r} differs from the category {twins[0]!r} only in case: one folder on macOS and Windows "
            "checkouts, two categories on the site; move the files into one folder"
        )
        return [Problem(shown, p.line("category"), "category", what, "warning")]
    what = (
        f"{p.category!r} is not kebab-case (lowercase words and hyphens): the format allows it, but `recur new` "
        "refuses it (--strict does not fail on it)"
    )
    return [Problem(shown, p.line("category"), "category", what, "warning", strict=False)]


def _category_slip(p, shown: str, count: dict) -> list[Problem]:
    """A category that is a slip of another the KB has as many patterns in, or more (``capacty/`` made by
    hand beside ``capacity/``): a category of its own on the site, in the board and in `recur report`.
    `recur new` refuses it (scaffold.pattern_category); a folder made by hand was never named."""
    from recur.util.text import close_names

    others = [c for c in count if c != p.category and count[c] >= count[p.category]]
    meant = close_names(p.category, others, n=1, cutoff=0.8) if len(p.category) >= 4 else []
    if not meant:
        return []
    c = meant[0]
    what = (
        f"{p.category!r} ({plural(count[p.category], 'pattern')}) is close to the category {c!r} ({count[c]}): if it is a "
        f"slip, move the file to patterns/{c}/ and set category: {c}"
    )
    if _one_slip(p.category, c):
        return [Problem(shown, p.line("category"), "category", what, "warning")]
    # further off, it may be meant: a category in the team's language ('netzwerk' beside 'network'), which the
    # format allows (a category is its folder's name) and nothing could declare; as a warning it failed --strict
    # with no way out (found in review)
    return [Problem(shown, p.line("category"), "category", f"{what}; if it is meant, leave it", "notice")]


def _one_slip(name: str, other: str) -> bool:
    """Whether ``name`` is ``other`` with one slip of a key: a letter added, dropped or changed ('capacty'), or
    two next to each other swapped ('netwrok')."""
    if edit_distance(name, other, 1) <= 1:
        return True
    odd = [n for n, (a, b) in enumerate(zip(name, other)) if a != b]
    return (
        len(name) == len(other)
        and len(odd) == 2
        and odd[1] == odd[0] + 1
        and name[odd[0]] == other[odd[1]]
        and (name[odd[1]] == other[odd[0]])
    )


def _fix_done_dates(kb: KB) -> list[Problem]:
    """A fix's status and its ``done`` date that disagree. The board finds a recurrence after the fix
    by the done date: a fix ``done`` with none was accepted without a word, and no incident after it
    was ever reported as the fix not holding (found by a problem manager's team). A done date on a fix
    that is not done is ignored by the board, which counts the fix as open (or won't fix)."""
    out = []
    for p in sorted(kb.patterns.values(), key=lambda p: p.relpath):
        if p.fix is None:
            continue
        shown = display_path(kb.root / p.relpath)
        if p.fix.status == "done" and p.fix.done is None:
            out.append(
                Problem(
                    shown,
                    p.line("fix", "status"),
                    "fix.status",
                    "fix done with no done date: a recurrence after the fix cannot be detected; add done: YYYY-MM-DD",
                    "warning",
                )
            )
        elif p.fix.status in OPEN_FIX and p.fix.done is not None and ("fix", "status") in p.lines:
            out.append(Problem(shown, p.line("fix", "done"), "fix.done", _reopened(p.fix), "notice"))
        elif p.fix.status != "done" and p.fix.done is not None:
            given = ("fix", "status") in p.lines  # no status: the format's default, open
            status = p.fix.status if given else f"{p.fix.status} (no status given)"
            why = _done_date_why("fix", status, p.fix.done, None, "counts the fix as not done")
            out.append(Problem(shown, p.line("fix", "done"), "fix.done", why, "warning"))
    return out


def _reopened(fix) -> str:
    """How an open fix's ``done`` date is read: the day it was done before it was reopened (the spec's "date it
    landed"), so the report keeps listing the recurrences after it, off the gate. It was a warning that the board
    ignored the date, and reopening a fix (as the recurrence gate says to) then took its history off the report."""
    return (
        f"a fix {fix.status} with a done date ({fix.done.isoformat()}): read as a fix reopened after it was done that "
        "day; the report lists the incidents after it as recurrences after the fix (not gated). If it was never done, "
        "remove done:"
    )


def _done_date_why(what: str, status: str, done, happened, board: str) -> str | None:
    """Why a ``done`` date is one the board ignores, or None: on a ``what`` whose status is not done (the
    board ``board``: counts it open, lists it pending), or before its incident's date ``happened``
    (incident_record.done_before_why, the rule by which the marks and import refuse such a day). Follow-ups',
    reviews' and a pattern's fix alike (a fix has no incident: ``happened`` None; its ``status`` as shown,
    "open (no status given)" when the format's default)."""
    if status != "done":
        return (
            f"a done date ({done.isoformat()}) on a {what} whose status is {status}: the problem board {board} "
            "and ignores the date; set status: done, or remove done:"
        )
    return done_before_why(what, done, happened)  # the rule by which import and the marks refuse such a day


def _incident_done_dates(kb: KB) -> list[Problem]:
    """The ``done`` dates of incidents' follow-ups, flags and reviews that the board ignores (``_done_date_why``),
    every incident read once for all. A follow-up or review done with no date is valid (records written
    before the date was kept): it counts as done all along."""
    out = []
    for i in sorted(kb.all_incidents(), key=lambda i: i.relpath):
        shown = display_path(kb.root / i.relpath)
        for n, f in enumerate(i.follow_ups):
            why = f.done and _done_date_why("follow-up", f.status, f.done, i.date, "counts it open")
            if why:
                out.append(Problem(shown, i.line("follow_ups", n, "done"), f"follow_ups[{n}].done", why, "warning"))
            if f.resolution and f.status != "done":  # a warning, as a done: day on an open one: the board ignores it
                why = (
                    f"resolution: {f.resolution} on a follow-up whose status is {f.status}: the problem board counts "
                    "it open, as every tool of the KB format does; set status: done (closed undone), or remove "
                    "resolution:"
                )
                at = i.line("follow_ups", n, "resolution")
                out.append(Problem(shown, at, f"follow_ups[{n}].resolution", why, "warning"))
        for n, f in enumerate(i.flags):
            why = f.done and _done_date_why("flag", f.status, f.done, i.date, "counts it open")
            if why:
                out.append(Problem(shown, i.line("flags", n, "done"), f"flags[{n}].done", why, "warning"))
        r = i.review
        why = r and r.done and _done_date_why("review", r.status, r.done, i.date, "lists it pending")
        if why:
            out.append(Problem(shown, i.line("review", "done"), "review.done", why, "warning"))
    return out


def _retired_with_open_fix(kb: KB) -> list[Problem]:
    """A retired pattern whose permanent fix is still open or in progress: the report, the board and
    ``recur report --fail-on overdue`` leave retired patterns out, so an overdue fix vanished from all
    three the day its pattern was retired, without a word (found in a problem manager's review)."""
    return [
        Problem(
            display_path(kb.root / p.relpath),
            p.line("status"),
            "status",
            f"retired with an open permanent fix (fix.status: {p.fix.status}): close it (status: done, done: DATE) "
            "or keep the pattern active; the report, the board and --fail-on overdue leave retired patterns out",
            "warning",
        )
        for p in sorted(kb.patterns.values(), key=lambda p: p.relpath)
        if p.status == "retired" and p.fix is not None and p.fix.status in OPEN_FIX
    ]


def _review_before_incident(kb: KB) -> list[Problem]:
    """A review due before the incident happened (a typo, or a date copied from another record):
    the board shows it overdue from the day it is recorded."""
    return [
        Problem(
            display_path(kb.root / i.relpath),
            i.line("review", "due"),
            "review.due",
            f"the review is due {i.review.due.isoformat()}, before the incident's date {i.date.isoformat()}",
            "warning",
        )
        for i in sorted(kb.all_incidents(), key=lambda i: i.relpath)
        if i.review and i.review.due and i.date and i.review.due < i.date
    ]


def _review_level_mismatch(kb: KB) -> list[Problem]:
    """A review level other than the one the incident's severity asks for: typically a level derived
    from `recur import`'s placeholder severity and kept after the real severity was set (sev3's light
    review on a sev1). A warning, as a team may choose another level on purpose. Skipped while
    severity is still in ``triage`` (the placeholder's review is the consistent one then)."""
    where = "severity.yml" if (kb.root / "severity.yml").is_file() else "the default severity framework"
    out = []
    for i in sorted(kb.all_incidents(), key=lambda i: i.relpath):
        want = kb.severity.get(i.severity)
        if not (i.review and want) or i.review.level == want.review or "severity" in i.triage:
            continue
        out.append(
            Problem(
                display_path(kb.root / i.relpath),
                i.line("review", "level"),
                "review.level",
                f"{i.review.level}, but {i.severity} asks for {want.asks()} ({where}); set it, or keep it on purpose",
                "warning",
            )
        )
    return out


def _open_ticket_dues(kb: KB) -> dict:
    """Every due date an open item sets for a ticket: {ticket key: [(shown ticket, due, file, line, field)]}.
    A permanent fix (open, in-progress) lists its tickets; an incident's open follow-up names one."""
    found: dict = {}
    for p in kb.all_patterns():
        if p.fix and p.fix.due and p.fix.status in OPEN_FIX:
            for ticket in p.fix.tickets:
                found.setdefault(str(ticket).strip().casefold(), []).append(
                    (str(ticket), p.fix.due, display_path(kb.root / p.relpath), p.line("fix", "due"), "fix.due")
                )
    for i in kb.all_incidents():
        for n, f in enumerate(i.follow_ups):
            if f.ticket and f.due and f.status == "open":
                where = (display_path(kb.root / i.relpath), i.line("follow_ups", n, "due"), f"follow_ups[{n}].due")
                found.setdefault(str(f.ticket).strip().casefold(), []).append((str(f.ticket), f.due, *where))
    return found


def ticket_due_warnings(kb: KB, path: str, ticket: str) -> list[Problem]:
    """`recur check`'s warnings of ``ticket`` due on two dates (``_ticket_due_conflicts``) at ``path`` (as check
    shows it), for `recur incident follow-up` to say as it writes the follow-up: it said "added", and check
    named the conflict at the next run (found in a problem manager's review)."""
    key = f"ticket {ticket.strip()} ".casefold()
    return [p for p in _ticket_due_conflicts(kb) if p.path == path and p.message.casefold().startswith(key)]


def _ticket_due_conflicts(kb: KB) -> list[Problem]:
    """One ticket due on two dates: a pattern's permanent fix and an incident's follow-up (or two
    follow-ups) tracked in the same ticket with different due dates. The problem board showed the
    same ticket overdue in one table and on time in the other (found in review: eight tickets in
    the demo KB). Each place gets a warning naming the others, so either file's review shows it."""
    out = []
    for entries in _open_ticket_dues(kb).values():
        if len({e[1] for e in entries}) < 2:
            continue
        for ticket, due, path, line, field in entries:
            others = "; ".join(f"{o[1].isoformat()} in {o[2]}:{o[3]} ({o[4]})" for o in entries if o[1] != due)
            out.append(
                Problem(
                    path,
                    line,
                    field,
                    f"ticket {ticket} is due {due.isoformat()} here but {others}: the problem board judges it late "
                    "against each date apart; give it one due date in every file",
                    "warning",
                )
            )
    return out


def _runbook_warnings(kb: KB, p, shown: str) -> list[Problem]:
    """Runbook steps still holding `recur new`'s placeholder, or with nothing a responder can do."""
    out = []
    step_lines = _runbook_lines(kb, p)
    for n, step in enumerate(p.runbook):
        line = step_lines[n] if n < len(step_lines) else p.line("## Runbook")
        by = placeholders.placeholder_in(step)
        if by:
            msg = f"step {n + 1} {_still_placeholder(by)}"
        elif bare := placeholders.bare_placeholder(step):
            msg = f"step {n + 1} {_only_placeholder(bare)}: write what to do, as a command, a query or a dashboard"
        elif not step.strip():  # "2. " and nothing else: it had "nothing actionable in it ('')"
            msg = f"step {n + 1} is empty: write what to do after its number, or remove it"
        elif not is_actionable(step) and reads_english(step):  # a step in another language is not judged
            msg = (
                f"step {n + 1} has nothing actionable in it ({_short(step)!r}): give the command, "
                "query, dashboard or link, or say exactly what to do to what"
            )
        else:
            continue
        out.append(Problem(shown, line, "## Runbook", msg, "warning"))
    return out


def _still_placeholder(by: str) -> str:
    return f"still has the {PLACEHOLDER} placeholder from `{by}`"


def _only_placeholder(bare: str) -> str:
    return f"is only a placeholder ({bare!r})"


def _placeholder_said(text: str, what_to_do: str = "write it, or remove it when it is optional") -> str | None:
    """What a section or a why that still holds a placeholder is told: `recur new`'s line, or a word alone
    ("TODO", "TBD", "N/A", "...": ``placeholders.bare_placeholder``) and ``what_to_do``; None when it holds
    neither."""
    by = placeholders.placeholder_in(text)
    if by:
        return _still_placeholder(by)
    bare = placeholders.bare_placeholder(text)
    return f"{_only_placeholder(bare)}: {what_to_do}" if bare else None


# what a pattern's required section that is only "TODO" is told: "or remove it when it is optional" sent an
# active pattern's author to remove its root cause, an error then (found writing a KB as an author)
_REQUIRED_PLACEHOLDER = {
    "Summary": "write it (a pattern's summary is required: what fails, and how it shows)",
    "Root cause": "write what made it fail; while the cause is not known, make the pattern status: draft, "
    "which may leave it out",
}


def _section_placeholders(p, shown: str) -> list[Problem]:
    """Other sections still holding `recur new`'s placeholder, or only a placeholder word."""
    out = []
    for name, text in p.sections.items():
        if name == "Runbook":
            continue
        required = name == "Summary" or name == "Root cause" and p.status == "active"
        said = _placeholder_said(text, *([_REQUIRED_PLACEHOLDER[name]] if required else []))
        if said:
            out.append(Problem(shown, p.line(f"## {name}"), f"## {name}", said, "warning"))
    return out


def _one_way_links(kb: KB, p, shown: str, copies: dict) -> list[Problem]:
    """``related`` entries the other pattern does not return, with the file to add the link back to (it
    named no file and no fix; found adopting Recur for a team). An id two files have is one-way only
    when every one of them was read and none lists it back: what a copy with errors of its own says
    is not known (as for a single file with errors), and the copy that does list it was not the one
    the loader kept (a false warning beside the duplicate-id error; found in review)."""
    out = []
    for i, rid in enumerate(p.related):
        others = copies.get(rid, [])
        # a copy whose related has an error of its own: what it lists is not known
        read = bool(others) and len(others) == len(kb.pattern_files.get(rid, ()))
        read = read and not any("related" in o.unread for o in others)
        if read and rid != p.id and not any(p.id in o.related for o in others):
            out.append(
                Problem(
                    shown,
                    p.line("related", i),
                    f"related[{i}]",
                    f"one-way link: {rid} does not list {p.id} in its related: add {p.id} to the related of "
                    f"{display_path(kb.root / others[0].relpath)}, or take {rid} out of this one",
                    "warning",
                )
            )
    return out


# A step without a why was listed on the path's page with no "Why it matters", nothing saying so: the why is
# what a path adds to the list of patterns. A notice, not a warning: the format has it optional, and --strict
# never failed on it.
NO_WHY = (
    "no why: the site lists the step with no 'Why it matters'; add why: with a sentence on why a new "
    "on-call engineer reads this pattern, here"
)


# what an incident record's section answers when it is only this: "## Detection: N/A", which `recur import` copies
# from a postmortem, is no text still to write (a pattern's section that is only "N/A" is, and is warned of)
_ANSWERED = frozenset({"n/a", "na", "-", "--", "—", "–"})


def _placeholders_elsewhere(kb: KB) -> list[Problem]:
    """Placeholders that `recur new` left in incident records and onboarding paths, and an incident's section
    that is only a placeholder word: "TBD" said, never failing --strict (an imported postmortem's "Root cause:
    TBD" failed the CI's check --strict; found in review), "N/A" or "-" not at all (an answer)."""
    out = []
    for inc in kb.all_incidents():
        shown = display_path(kb.root / inc.relpath)
        for name, text in inc.sections.items():
            bare = placeholders.bare_placeholder(text)
            if bare and bare.casefold().rstrip(".:!") in _ANSWERED:
                continue
            said = _placeholder_said(text)
            if said:
                line = _heading_line(kb, inc.relpath, name)
                # said as a team's own key is: `check --strict`'s last line counts the warnings "that say it
                # does not fail on them", and this one did not say so (found in review)
                said += " (--strict does not fail on it)" if bare else ""
                out.append(Problem(shown, line, f"## {name}", said, "warning", strict=not bare))
    for path in kb.paths.values():
        shown = display_path(kb.root / path.relpath)
        for i, step in enumerate(path.steps):
            said = _placeholder_said(step.why)
            if not step.why:  # what `recur new path` never writes: it puts a placeholder, warned of below
                out.append(Problem(shown, path.line("steps", i, "why"), f"steps[{i}].why", NO_WHY, "notice"))
            elif said:
                line = path.line("steps", i, "why")
                out.append(Problem(shown, line, f"steps[{i}].why", said, "warning"))
    return out


def _future_dates(kb: KB, now: dt.date) -> list[Problem]:
    """Dates of things that have happened (an incident, a pattern written, a fix done) set after
    today: a typo (2062 for 2026) that would sort the incident first on every page and count it in
    no report until then."""
    found = [(i.relpath, i.line("date"), "date", i.date, "the incident's date") for i in kb.all_incidents()]
    for i in kb.all_incidents():
        held = i.review.done if i.review else None
        found.append((i.relpath, i.line("review", "done"), "review.done", held, "the review's done date"))
        for n, f in enumerate(i.follow_ups):
            found.append(
                (i.relpath, i.line("follow_ups", n, "done"), f"follow_ups[{n}].done", f.done, "a follow-up's done date")
            )
        for n, f in enumerate(i.flags):
            found.append((i.relpath, i.line("flags", n, "done"), f"flags[{n}].done", f.done, "a flag's done date"))
    for p in kb.all_patterns():
        found.append((p.relpath, p.line("created"), "created", p.created, "the pattern's creation date"))
        found.append((p.relpath, p.line("retired"), "retired", p.retired_on, "the day the pattern was retired"))
        done = p.fix.done if p.fix else None
        found.append((p.relpath, p.line("fix", "done"), "fix.done", done, "the fix's done date"))
    return [
        Problem(display_path(kb.root / relpath), line, name, after_today(what, day, now), "warning")
        for relpath, line, name, day, what in sorted(found, key=lambda f: (f[0], f[1]))
        if day is not None and day > now
    ]


def fence_troubles(lines: list[str], first: int = 1, steps: bool = True) -> list[tuple[int, str]]:
    """(line, message) for each code fence recur reads (``fence_lines``) that the site would not render
    as that fence, saying what to change: in a section the site's fenced_code reads a fence only at
    the margin, with one word at most after it, closed by the very same marker; in a runbook step or
    an evidence item site.pattern_pages._item reads it, closed by as many of its character or more.
    A fence never closed is text to both, said too, as is a line that looks like a fence and is text
    to both (a U+00A0 before its ```; the first of each two): the author meant a fence. ``first``:
    the file line of ``lines[0]``; ``steps``: a pattern's, whose page renders its steps (not an
    incident's, whose sections are all rendered as Markdown)."""
    fences = sorted(fence_lines(lines))
    pairs = dict(zip(fences[::2], fences[1::2]))
    out, view = [], list(lines)  # view: the lines as the site renders them, each section's text stripped
    for start, end, title in _section_spans(lines, set(fences)):
        top = next((n for n in range(start, end) if lines[n].strip()), end)
        view[top : top + 1] = [line.lstrip() for line in lines[top : top + 1]]  # " ```" first is "```"
        site = {start + a: start + b for a, b in site_fences(view[start:end]).items()}
        items = _item_offsets(view, start, end, title) if steps else set()
        for a in fences[bisect_left(fences, start) : bisect_left(fences, end) : 2]:  # its blocks' openings
            b, at = pairs[a], first + a
            found = _step_fence(view, a, b, at) if a in items else _site_fence(view, a, b, at, site)
            if found:
                out.append((first + found[0], found[1]))
    inside = {n for a, b in pairs.items() for n in range(a, b + 1)}
    meant = [(n, what) for n, line in enumerate(lines) if n not in inside and (what := lookalike_fence(line))]
    # look-alike fences: each second one is the close the author meant, named with its opening line
    out += [
        (
            first + n,
            f"'{_short(lines[n].strip(), 30)}' is no code fence to the site, which shows it as text: it has {what}",
        )
        for n, what in meant[::2]
    ]
    out += [(first + n, what) for n, line in enumerate(lines) if n not in inside and (what := _never_closed(line))]
    return sorted(out)


def _never_closed(line: str) -> str | None:
    """For a fence line outside recur's code blocks, one never closed (``fence_lines``): text to recur and
    the site alike, but the author meant a block. None for any other line, and for "```code```"."""
    m = FENCE_LINE.match(line)
    if not FENCE.match(line) or not fence_step(None, m.group(1), m.group(2))[1]:
        return None
    return (
        f"the {m.group(1)} code fence opened here is never closed, so it opens no block: recur reads it and "
        f"the lines after it as text, as the site shows them (in a step, as code); end the block with a {m.group(1)} line"
    )


def _section_spans(lines: list[str], fences: set):
    """(start, end, title) of the text before the first ``## `` heading (title None) and of each
    section, as recur splits them (parse.sections_of): the site renders each on its own."""
    bounds = [-1, *heading_lines(lines, fences), len(lines)]
    for k in range(len(bounds) - 1):
        title = heading_text(H2.match(lines[bounds[k]]).group(1)) if k else None
        yield bounds[k] + 1, bounds[k + 1], title


def _item_offsets(lines: list[str], start: int, end: int, title) -> set:
    """Line indices, in ``lines``, of the list items of a section the site renders item by item."""
    if title not in ("Runbook", "Evidence to preserve"):
        return set()
    span = lines[start:end]
    skip = next((k for k, line in enumerate(span) if line.strip()), len(span))  # the section's text is stripped
    text = "\n".join(span).strip()
    found = item_lines(text, numbered=True)
    if title == "Evidence to preserve" and item_lines(text, numbered=False):
        found = item_lines(text, numbered=False)  # bullets, else numbered: parse.evidence_parts
    return {start + skip + k for k in found}


def _step_fence(lines: list[str], a: int, b: int, at: int) -> tuple[int, str] | None:
    """Where the site's _item, rendering a step, does not close the fence of line ``a`` at ``b``."""
    marker = FENCE_LINE.match(lines[a]).group(1)
    m = FENCE_LINE.match(lines[b])
    if m and fence_step(marker, m.group(1), m.group(2))[0] is None:  # closed as CommonMark closes it
        return None
    return b, (
        f"this line does not close the {marker} code fence of line {at} for the site, which shows what follows "
        f"in the step as code; recur reads it as closed. Close the block with exactly {marker}, the same marker"
    )


def _site_fence(lines: list[str], a: int, b: int, at: int, site: dict) -> tuple[int, str] | None:
    """Where the site's fenced_code does not read lines ``a`` to ``b`` as the code block recur reads."""
    if site.get(a) == b:
        return None
    opener, closer = lines[a], lines[b]
    marker, rest = FENCE_LINE.match(opener).groups()
    shown = f"'{_short(opener.strip(), 30)}'"
    if opener[:1] in " \t":
        return a, (
            f"{shown} is indented, and the site reads a code fence only at the start of a line (in a list item "
            f"too): it does not show the block recur reads, but its lines as text (a '## ' line among them as a "
            f"heading). Remove the indent"
        )
    if marker[0] == "`" and "`" in rest:
        return a, f"{shown} is inline code to Markdown, but recur reads it as opening a code fence"
    if not SITE_OPENER.match(opener.expandtabs(4)):
        words = rest.split()
        what = "more than one word" if len(words) > 1 else f"'{_short(rest.strip(), 20)}'"
        return a, (
            f"{shown} has {what} after {marker}, and the site reads a code fence only with nothing or one word "
            f"(its language: letters, digits, - + . # _) after it, then spaces: it shows the block as text, "
            f"where recur reads code. Keep one word after {marker}"
        )
    if closer.expandtabs(4).rstrip(" ") == marker:
        return None  # an earlier fence the site read otherwise took this one: said there
    indent = "; remove the indent" if closer[:1] in " \t" else ""
    shows = (
        f"closes the block only at line {site[a] - a + at}, showing the lines down to it as code"
        if a in site
        else "finds no line closing it and shows the block as text (a '## ' line in it as a heading)"
    )
    return b, (
        f"this line does not close the {marker} code fence of line {at} for the site, which {shows}; recur "
        f"reads the block as closed here. Close the block with exactly {marker}, the same marker{indent}"
    )


def _file_text(kb: KB, shown: str) -> str | None:
    """The text of a KB file the loader read, by its shown path, or None when it refused it (too large,
    a link out of the KB, not text: its error is the loader's). ``kb.texts`` when load_kb kept them
    (`recur check`: each file opened once), else read again."""
    if kb.texts is not None:
        return kb.texts.get(shown)
    if not readable(kb.root, Path(shown)):
        return None
    try:
        return read_text(Path(shown).read_bytes())
    except (OSError, ParseError):
        return None


def _record_files(kb: KB) -> set:
    """The shown path of every pattern and incident file read, loaded or not (the loader's own: relative to
    the working directory, or absolute)."""
    read = {s for files in (kb.pattern_files, kb.incident_files) for paths in files.values() for s in paths}
    return read | set(kb.misplaced_files)  # a pattern in the wrong folder: its body is checked all the same


def _bodies(kb: KB, only=None):
    """(shown path, body lines, file line of the body's first line, front-matter lines) of every pattern and incident file
    read, loaded or not (of those ``only`` passes, when given). A file the loader refused is left to its error."""
    for name in sorted(_record_files(kb)):
        if only is not None and not only(name):
            continue
        text = _file_text(kb, name)
        if text is None:
            continue
        lines = text.split("\n")
        end = front_matter_end(lines)  # none: no front matter to read (the file has that error already)
        body = (end or len(lines)) + 1
        yield name, lines[body:], body + 1, lines[1:end] if end else []


# An unquoted value ("title: Disk full #2 on logging nodes", "- error #42 in the log") with " #" and
# no space after it: YAML reads the rest as a comment, so the value is cut to "Disk full" without a
# word. "# was sev1", with a space, reads as a comment written on purpose and is left alone. YAML's own
# scanner says where each plain (unquoted) value ends, so block text (|, >), quoted values, and values
# running over lines are read as YAML reads them (a line-by-line reading warned on them; found in review).
_CUT = re.compile(r"\s+#(\S.*)$")


# PyYAML's pure-Python scanner was 40% of `recur check` on 1,000 patterns + 1,000 incidents (2.3 of 5.7 s
# profiled); libyaml's token marks differ from it on odd input (a stray "]", tabs, a BOM), so front matter
# that cannot warn is not scanned at all. Both warnings need a " #word" (a cut) or a plain value run on
# over an item line (an item run on): with no " #" before a word, no tab or line break YAML reads that
# "\n" does not, every bracket in a one-line flow list or mapping it closes, and each "- " line after a
# key line or an item line of its own indent (a block value is indented past its "-": it ends before),
# neither can: the warnings are the very ones the scan of every file gives (so 150,000 fuzzed texts said).
_ODD = re.compile(r"[\t\r\x85\u2028\u2029\ufeff]|\s#\S")
_FLOW_PLAIN = r"[A-Za-z0-9 _./:-]*"
_FLOW_QUOTED = r""" *(?:"[^"'\\\[\]{}#]*"|'[^'"\[\]{}#]*') *"""
_FLOW_ITEMS = rf"(?:{_FLOW_QUOTED}|{_FLOW_PLAIN})(?:,(?:{_FLOW_QUOTED}|{_FLOW_PLAIN}))*"
_FLOW_LINE = re.compile(rf" *[A-Za-z0-9_-]+: (?:\[{_FLOW_ITEMS}\]|\{{{_FLOW_ITEMS}\}}) *")
_KEY_LINE = re.compile(r" *[A-Za-z0-9_-]+:")


def _may_warn(front: list[str]) -> bool:
    """False when ``front`` can give neither a comment cut nor an item run on (see above)."""
    if _ODD.search("\n".join(front)):
        return True
    prev = None  # the last line not blank
    for line in front:
        bare = line.lstrip(" ")
        if line.lstrip() != bare or (any(c in line for c in "[]{}") and not _FLOW_LINE.fullmatch(line)):
            return True
        if not bare:
            continue
        if prev is not None and bare.startswith("- ") and _may_run_on(prev, line):
            return True
        prev = line
    return False


def _may_run_on(prev: str, line: str) -> bool:
    """Whether ``line``, a "- " line after ``prev``, may be more of a plain value begun above it: not after
    a key line (its ":" ends any value), nor after an item line of its indent (a value is indented past its "-")."""
    if _KEY_LINE.fullmatch(prev):
        return False
    indent = len(line) - len(line.lstrip(" "))
    return not prev.lstrip(" ").startswith("- ") or len(prev) - len(prev.lstrip(" ")) != indent


# the line breaks YAML counts (its scanner's marks, the loader's lines): a NEL, LS or PS in a quoted value moved
# every mark below it a line down from the lines split on \n, and a cut value on the last line stopped the lint
# with an IndexError (found in review)
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _yaml_lines(text: str) -> list[str]:
    """``text``'s lines as YAML counts them, so a scanner mark's line and column index them."""
    return _YAML_BREAK.split(text)


def _scanned(bodies: list):
    """(name, front matter lines, YAML tokens) of each file whose front matter YAML scans (one that does
    not has its own error, as has one holding more values than Recur reads: its scan took 17 s a MiB; and one
    nested deeper than Recur reads: PyYAML's scanner is quadratic in the flow levels open, 50,000 "[" in a
    100 KB pattern took `recur check` 68 s, found by fuzzing)."""
    import yaml

    for name, _, _, front in bodies:
        text = "\n".join(front)
        if size_problem(text) is not None or nesting_problem(text) is not None or not _may_warn(front):
            continue
        try:
            tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError:
            continue
        yield name, _yaml_lines("\n".join(front)), tokens, 2  # front[0] is the file's line 2, after its "---"


def _scanned_yaml(kb: KB, only=None) -> list:
    """(name, lines, YAML tokens, 1) of the onboarding paths and the eval cases read (those ``only`` passes,
    when given): YAML files, whose first line is line 1. A path titled "First week #1 on call" was "First
    week" on the site."""
    import yaml

    out = []
    for name in _yaml_files(kb, only):
        text = _file_text(kb, name)
        try:
            out.append((name, _yaml_lines(text), list(yaml.scan(text, Loader=yaml.SafeLoader)), 1))
        except (yaml.YAMLError, AttributeError):  # unread (None), or an error of its own
            continue
    return out


def _yaml_files(kb: KB, only=None) -> list[str]:
    """The shown paths of the onboarding paths and the eval cases read (those ``only`` passes, when given)."""
    files = [path.relpath for path in kb.paths.values()]
    if kb.cases:
        files.append("eval/cases.yml")
    shown = (display_path(kb.root / rel) for rel in sorted(set(files)))
    return [name for name in shown if only is None or only(name)]


def credential_warnings(kb: KB, bodies: list, only=None) -> list[Problem]:
    """A warning at each line of a pattern, an incident, an onboarding path or the eval cases that holds a likely
    credential (recur.kb.credentials): the site published a key pasted from a log, and check said nothing
    (privacy review)."""
    out = []
    for name, *_ in bodies:
        text = _file_text(kb, name)
        out += credentials.record_problems(name, text) if text is not None else []
    for name in _yaml_files(kb, only):
        text = _file_text(kb, name)
        out += credentials.yaml_problems(name, text) if text is not None else []
    return out


def email_warnings(kb: KB, bodies: list, only=None) -> list[Problem]:
    """A warning at each line of a pattern, an incident, an onboarding path or the eval cases holding an e-mail
    address that may be a person's, outside the fields meant for contacts (recur.kb.emails): the site published a
    customer's address pasted into an incident's text, and check said nothing (privacy review). The eval cases too:
    the site has no page of them, but `recur feedback export` writes what people asked there, and the repository
    keeps it (a customer's address in a query passed `--strict`)."""
    out = []
    for name, *_ in bodies:
        text = _file_text(kb, name)
        out += emails.record_problems(name, text) if text is not None else []
    for name in _yaml_files(kb, only):
        text = _file_text(kb, name)
        out += emails.yaml_problems(name, text) if text is not None else []
    return out


def _comment_cuts(fronts: list) -> list[Problem]:
    out = []
    for name, front, tokens, first in fronts:
        for line, key, value, rest in _cut_values(front, tokens):
            what = f"YAML reads ' #{rest}' as a comment, so the value is {value!r}: put the value in quotes to keep the rest"
            # the value's whole place, "signals[1]", "fix.owner" (a list item was "front matter")
            field = key_at("\n".join(front), line) or key or ("front matter" if first == 2 else "file")
            out.append(Problem(name, line + first, field, what, "warning"))
    return out


def _items_run_on(fronts: list) -> list[Problem]:
    """A line written as a list item ("- storage") that YAML reads as more of the plain value above it,
    being indented further than that item ("  - disk" then "   - storage" is the one text "disk -
    storage"): valid YAML, so nothing was said, and the list had an item less (found by a KB author)."""
    import yaml

    out = []
    for name, front, tokens, first in fronts:
        for prev, tok in zip([None, *tokens], tokens):
            plain = isinstance(tok, yaml.ScalarToken) and tok.plain and tok.end_mark.line > tok.start_mark.line
            if not plain or not isinstance(prev, yaml.BlockEntryToken):  # a list item's text, run over lines
                continue
            for n in range(tok.start_mark.line + 1, tok.end_mark.line + 1):
                if front[n].lstrip().startswith("- "):
                    field = key_at("\n".join(front), tok.start_mark.line) or ("front matter" if first == 2 else "file")
                    what = (
                        f"YAML reads line {n + first} ({front[n].strip()[:30]!r}) as more of this value ({tok.value[:40]!r}), "
                        f"not an item of its own: start it in column {tok.start_mark.column - 1}, as the item above"
                    )
                    out.append(Problem(name, n + first, field, what, "warning"))
                    break
    return out


def _cut_values(front: list[str], tokens: list) -> list[tuple]:
    """(index in ``front``, its key or None, the value YAML reads, what it reads as a comment) of
    each plain value a " #word" ends, from ``front``'s YAML ``tokens``."""
    import yaml

    found, key, prev = [], None, None
    for tok in tokens:
        if isinstance(tok, yaml.ScalarToken) and isinstance(prev, yaml.KeyToken):
            key = tok.value
        elif isinstance(tok, yaml.ScalarToken) and tok.plain:
            m = _CUT.match(front[tok.end_mark.line][tok.end_mark.column :])
            if m:
                found.append(
                    (tok.end_mark.line, key if isinstance(prev, yaml.ValueToken) else None, tok.value, m.group(1))
                )
        prev = tok
    return found


def _fence_warnings(kb: KB, bodies: list) -> list[Problem]:
    """Code fences that `recur check` and the site would read differently: a fence that swallowed
    the Runbook left the pattern out with only "required section is missing", and this says why."""
    out = []
    patterns = {s for paths in kb.pattern_files.values() for s in paths} | set(kb.misplaced_files)
    for name, body, first, _ in bodies:
        for line, message in fence_troubles(body, first, steps=name in patterns):
            out.append(Problem(name, line, "code fence", message, "warning"))
    return out


# A pasted log makes a page every reader of the site downloads in full with the search index: an 880 KB log in
# one pattern took the site's search index from 304 KB to 1.2 MB (found in review), and `recur check --strict`
# passed it. The shipped patterns are 5 KB at most and the whole 60-pattern search index is 304 KB, so a file of
# 100 KB adds a third to what every reader downloads to search; the lines that identify a failure are tens,
# so a code block of 20 KB or 300 lines is a log pasted whole.
LARGE_FILE_BYTES = 100 * 1024
LARGE_BLOCK_BYTES = 20 * 1024
LARGE_BLOCK_LINES = 300


def large_text_warnings(bodies: list) -> list[Problem]:
    """A warning at each code block of a pattern or an incident over LARGE_BLOCK_BYTES or LARGE_BLOCK_LINES
    (at its opening line), else at line 1 of a file over LARGE_FILE_BYTES: the site's search index carries
    it to every reader. Said with what to do instead (``EXCERPT``)."""
    out = []
    for name, body, first, front in bodies:
        blocks = _large_blocks(body, first)
        for line, size, count in blocks:
            what = f"this code block is {size:,} bytes, {count:,} lines: every reader of the site downloads it"
            out.append(Problem(name, line, "code fence", f"{what} with the search index; {EXCERPT}", "warning"))
        size = len("\n".join(["---", *front, "---", *body]).encode("utf-8", "surrogatepass"))
        if not blocks and size > LARGE_FILE_BYTES:
            what = f"the file is {size:,} bytes: every reader of the site downloads its text with the search index"
            out.append(Problem(name, 1, "file", f"{what}; {EXCERPT}", "warning"))
    return out


def _large_blocks(body: list[str], first: int) -> list[tuple[int, int, int]]:
    """(file line of its opening fence, bytes, lines) of each code block in ``body`` over a limit."""
    fences = sorted(fence_lines(body))
    found = []
    for a, b in zip(fences[::2], fences[1::2]):
        size = len("\n".join(body[a + 1 : b]).encode("utf-8", "surrogatepass"))
        if size > LARGE_BLOCK_BYTES or b - a - 1 > LARGE_BLOCK_LINES:
            found.append((first + a, size, b - a - 1))
    return found


# [text](target) and ![alt](target), and a reference definition "[name]: target"; a target in angle brackets
# may hold spaces, as CommonMark and the site read it ("<disk graph.png>": it was not checked, or checked as "disk")
_LINK = re.compile(
    r"!?\[[^\]\n]*\]\(\s*(?:<([^<>\n]*)>|([^()\s<>]+))(?:\s+[\"'(][^)]*)?\)"
    r"|^\s{0,3}\[[^\]\n]+\]:\s*(?:<([^<>\n]*)>|(\S+))(?:\s|$)"
)
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")


def _link_warnings(kb: KB, bodies: list) -> list[Problem]:
    """Relative links in a pattern's or an incident's text to a file the KB does not have. Found in
    review: `recur check --strict` passed them, and the first to say so was the site build in CI
    (mkdocs --strict), with no line. The site mirrors the KB's folders, so a target is checked
    against the KB's own files; an anchor (#root-cause) against the ids of its page on the site
    (recur.kb.anchors), and a URL for a slip in its scheme (htps://, http:/x), which the site builds
    without a word into a dead link."""
    from recur.kb.anchors import PageAnchors, scheme_typo

    root = Path(kb.root).resolve()
    carried, anchors = None, PageAnchors(kb)
    out = []
    for name, body, first, _ in bodies:
        here = Path(name).resolve().parent
        body = without_comments("\n".join(body)).split("\n")  # a link in a comment is on no page (line breaks kept)
        for n, line in outside_fences(body, first):
            # no link on it, or a line too long to be prose (a pasted blob: the regex would be quadratic on it)
            if ("](" not in line and "]:" not in line) or len(line) > 10_000:
                continue
            for link in _LINK.finditer(_CODE_SPAN.sub("", line)):
                if carried is None:  # the KB's every file resolved: once, and only when there is a link to check
                    carried = _site_files(kb)
                target = next((t for t in link.groups() if t is not None), "").strip()
                problem = (
                    _remote_image(link.group(0), target)
                    or _missing_target(root, here, target, carried)
                    or scheme_typo(target)
                    or anchors.problem(Path(name), target)
                )
                if problem:
                    out.append(Problem(name, n, "link", problem, "warning"))
    return out


def _remote_image(link: str, target: str) -> str | None:
    """Why an image (``![alt](https://host/x.png)``) is not shown from another host: a static host has no
    Content-Security-Policy, so every reader's browser fetches it from that host (a tracking pixel: who read
    which page, when), and `recur serve`'s policy blocks it (a broken image). A local image is checked as a
    link is (``_missing_target``)."""
    if not link.startswith("!") or not re.match(r"(?i)(https?:)?//", target):
        return None
    return (
        f"the image {target!r} is on another site: each reader's browser fetches it from there (which tells "
        "that host who reads the page), and recur serve blocks it; save the image beside this file and link it"
    )


def _site_files(kb: KB) -> set:
    """The KB files the site has at the same place: the pattern and incident files read (``_record_files``),
    loaded or not (a record with errors has errors of its own), and the images beside them. A link
    to another file of the KB, such as paths/onboarding.yml or severity.yml, passed `recur check
    --strict` and failed the site build's."""
    root = Path(kb.root).resolve()
    # as _bodies gives them, but a pattern in the wrong folder: the site leaves it out, as it is
    read = [n for n in _record_files(kb) - set(kb.misplaced_files) if _file_text(kb, n) is not None]
    return {Path(name).resolve().relative_to(root).as_posix() for name in read} | set(kb.attachments)


def _missing_target(root: Path, here: Path, target: str, carried: set) -> str | None:
    """Why a link's ``target`` names no file of the KB, or none the site has; or None (a URL, an
    anchor, a page or image the site carries). What mkdocs does with each is said as it is, for the
    site's validation settings (recur.site.plugin: mkdocs' own but for anchors): a missing file with
    an extension fails its --strict build; a link without one, or from the server's root, it leaves
    as written without a word, and the site ships a dead link (found in review: the message said the
    build fails on ``[x](helm-release-stuck)``, and ``recur site --strict`` passed it)."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith(("#", "//")):
        return None  # a URL (https:, mailto:, //host/x), a place on the same page
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None
    from urllib.parse import unquote

    if path.startswith("/"):
        return _root_absolute(root, here, target, unquote(path), carried)
    resolved = (here / unquote(path)).resolve()
    if resolved != root and root not in resolved.parents:
        return f"{quoted(target)} points outside the knowledge base: the site has no such page"
    if not posixpath.splitext(path)[1]:  # "helm-release-stuck", "../": no file to mkdocs (its own test), left as is
        where = _carried_named(root, here, Path(path).name, carried)
        return (
            f"{quoted(target)} is not a page or an image of the site: the site keeps a link without a file extension "
            "as written, a dead link (mkdocs passes it, with --strict too); link the page's Markdown file"
            + (f": {where}{'#' + target.split('#', 1)[1] if '#' in target else ''}" if where else "")
        )
    if not resolved.exists():
        meant = _meant_file(root, here, resolved, carried)
        return f"{quoted(target)} is not a file of the knowledge base (the site build fails on it with --strict)" + (
            f": did you mean {meant}?" if meant else ""
        )
    if resolved.relative_to(root).as_posix() not in carried:
        return (
            f"{quoted(target)} is not a page or an image of the site, which has the pattern and incident pages "
            "and the images beside them (the site build fails on it with --strict)"
        )
    return None


def _meant_file(root: Path, here: Path, missing: Path, carried: set) -> str | None:
    """The link to write for a page the site has whose file name ``missing``'s is a slip of (a pattern's
    id misspelt, ``db-pool-exhaustd.md``), relative to ``here``; None when no name is near. Else a pattern's
    page whose id the missing file's name is as close to as ``recur check`` offers for an id no pattern has
    (``close_ids``): a pattern renamed (db-connection-pool-exhausted.md to db-pool-exhausted.md) left a link to
    its old file told no page, where the same run named the new id at every record naming the old one (found
    keeping a team's KB)."""
    from recur.util.text import close_ids, close_names

    pages = {}
    for f in sorted(carried):
        pages.setdefault(posixpath.basename(f), f)
    meant = close_names(missing.name, pages, n=1, cutoff=0.8)
    if not meant and missing.suffix == ".md":
        ids = {f[: -len(".md")]: f for f in pages if f.endswith(".md") and pages[f].startswith("patterns/")}
        meant = [ids[m] for m in close_ids(missing.stem, ids, n=1, cutoff=0.6)]
    return os.path.relpath(root / pages[meant[0]], here).replace(os.sep, "/") if meant else None


def _root_absolute(root: Path, here: Path, target: str, path: str, carried: set) -> str | None:
    """A link from the web server's root to a file of the KB (``/patterns/data/x.md``, or
    ``/kb/patterns/...`` from the repository's root, as GitHub reads it): the site keeps it as
    written (mkdocs does not check such links), a dead link wherever the site is (a .md file is not
    published; the site may be served under a path). Other root links (``/grafana/d/abc``, another
    tool on the same host) are left alone."""
    parts = [p for p in path.split("/") if p]
    if parts and parts[-1].endswith(".html"):  # the page's own address: its file is the .md
        parts[-1] = parts[-1][: -len(".html")] + ".md"
    named = next((parts[i:] for i in range(len(parts)) if "/".join(parts[i:]) in carried), None)
    kb_like = bool(parts) and parts[0] in ("kb", "patterns", "incidents", "paths", "eval")
    if named is None and not kb_like and not path.lower().endswith((".md", ".markdown")):
        return None
    anchor = "#" + target.split("#", 1)[1] if "#" in target else ""
    where = f": {Path(os.path.relpath(root.joinpath(*named), here)).as_posix()}{anchor}" if named else ""
    return (
        f"{quoted(target)} is a link from the web server's root, which the site keeps as written and unchecked: a dead "
        f"link (the site publishes pages, not .md files, and may be served under a path); write it relative to "
        f"this file{where}"
    )


def _carried_named(root: Path, here: Path, name: str, carried: set) -> str | None:
    """The link, relative to folder ``here``, to the page the site has for the record named ``name``
    (a pattern's or incident's id written without its folder and .md), or None."""
    found = sorted(c for c in carried if c.endswith(".md") and Path(c).stem == name)
    return Path(os.path.relpath(root / found[0], here)).as_posix() if found else None


def _heading_line(kb: KB, relpath: str, name: str) -> int:
    text = _file_text(kb, display_path(kb.root / relpath))
    if text is None:
        return 1
    lines = text.split("\n")
    return next((n for n, line in enumerate(lines, 1) if re.match(rf"^##\s+{re.escape(name)}\s*(?:#+\s*)?$", line)), 1)


def _stale(kb: KB, p: Pattern, shown: str, stale_days: int, now: dt.date) -> list[Problem]:
    incidents = [i for i in kb.incidents_for(p.id) if i.date <= now]
    if incidents:
        since, what = incidents[-1].date, f"the last matching incident ({incidents[-1].id}) on"
    elif p.created:
        since, what = p.created, "no incident has ever matched it; created"
    else:
        return []
    age = (now - since).days
    if age <= stale_days:
        return []
    line = p.line("created") if not incidents and p.created else p.line("id")
    return [
        Problem(
            shown,
            line,
            "created" if not incidents else "incidents",
            f"stale: {what} {since.isoformat()}, {age} days ago (limit {stale_days}); is it still "
            "current? update it, or set status: retired",
            "notice",
        )
    ]


def _ready_draft(p: Pattern, shown: str) -> list[Problem]:
    """A notice at a draft pattern with no placeholder left to fill in: `recur new pattern` writes drafts, and
    nothing said to publish one (found adopting Recur: a team's patterns stayed drafts, marked [DRAFT] in
    every answer). A notice: a draft is the author's call, so it never fails --strict."""
    if p.status != "draft" or not p.sections.get("Root cause", "").strip():
        return []  # with no root cause, status: active is an error: the draft is not done
    # recur new's placeholders, and a TODO of the author's own ("TODO: link the dashboard"): a marker either way
    if any(re.search(rf"\b{PLACEHOLDER}\b", text) for text in [*p.runbook, *p.sections.values()]):
        return []
    what = "a draft with nothing left to fill in: ready to publish? set status: active once reviewed"
    return [Problem(shown, p.line("status"), "status", what, "notice")]


def _short(text: str, n: int = 50) -> str:
    return cut(text, n)


def control_warnings(bodies: list) -> list[Problem]:
    """A warning at each body line of a pattern or an incident that holds a control character (but a tab and line
    breaks): the site takes them out, and "\x01" and "\x02" showed as Recur's own done/open task badges (security
    review); `recur check` said nothing. Front matter's are the schema's errors."""
    out = []
    for name, body, first, _ in bodies:
        for n, line in enumerate(body, first):
            found = control_character(line, TEXT_SPACING)
            if found:
                at, char = found
                out.append(
                    Problem(
                        name,
                        n,
                        "text",
                        f"control character U+{ord(char):04X} at column {at}: no text (the site shows nothing for it); "
                        "remove it",
                        "warning",
                    )
                )
    return out


# a link's or image's destination, or a reference definition's, in a scheme the site does not link: it runs a
# script or opens data in the reader's browser (site.md's _SCRIPT_URL makes it "#", and the page's sanitiser
# drops any it did not see); tabs and character references taken out first, as a browser reads a URL
_SCRIPT_LINK = re.compile(
    r"\]\(\s*<?\s*(javascript|vbscript|data):|^\s{0,3}\[[^\]\n]+\]:\s*<?\s*(javascript|vbscript|data):", re.I
)


def script_link_warnings(bodies: list) -> list[Problem]:
    """A warning at each line of a pattern's or incident's text with a ``javascript:``, ``vbscript:`` or ``data:``
    link or image, which the site shows as a link to "#" or no image at all: check said nothing (security review)."""
    import html

    out = []
    for name, body, first, _ in bodies:
        for n, line in outside_fences(body, first):
            if ":" not in line or "[" not in line or len(line) > 10_000:  # a pasted blob: no link (as _link_warnings)
                continue
            m = _SCRIPT_LINK.search(html.unescape(_CODE_SPAN.sub("", line)).replace("\t", ""))
            if m:
                scheme = (m.group(1) or m.group(2)).lower()
                why = f"a {scheme}: link or image: the site shows it as a link to '#' (or no image)"
                out.append(Problem(name, n, "link", f"{why}; link an http(s) page or a file of the KB", "warning"))
    return out
