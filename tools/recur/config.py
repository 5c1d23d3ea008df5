"""Every setting Recur reads from the environment, with its default, in one table.

The command line turns these into options (``envvar=`` comes from here, so ``--help`` and the
library agree); library code that runs without the CLI (the mkdocs hook, ``recur check``
called as a function, the server) asks ``config.get`` instead of ``os.environ``. Values are
read when asked, not cached at import, so a test or a long-running process that sets a
variable sees it.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = Path(".recur")  # the working state of a KB checkout: index, tuned model, feedback
MODEL_DIR = STATE_DIR / "model"  # where `recur tune` puts the KB's tuned model (its active model)
# recur serve's request body limit, at least, of the routes that take a person's text: /api/suggest, /api/feedback
# and /mcp (--max-body-kib raises it, never lowers it). 20,000 characters as \uXXXX escapes, 6 bytes each, and the
# keys around them. The one number the server enforces, /docs and the site's assets/recur-api.json say, and the
# MCP tools' schema: /mcp was held to --max-body-kib's 64 KiB and recur-api.json said 64 KiB while /api/suggest took 128.
# Under the 64 KiB of the rest, 15,000 Japanese characters from Python's requests (json= escapes every one) were a
# 413 (found in review), where the same text as UTF-8 was searched. A character past U+FFFF is two escapes, 12 bytes:
# such a text can still pass it, and the 413 says the escapes made it large (serve.guard._escaped).
TEXT_MAX_BODY_KIB = 128
# MCP's past_incidents: the characters of summaries and sections one answer shares (each cut at this divided by how
# many it lists, when that is under RECUR_MCP_SECTION_CHARS, its marker counted), and the fewest one is cut to; past
# that, the older incidents come with their summary alone. Twenty imported postmortems, ten sections each, cut at
# 1,000 alone were 160 KB (40,000 tokens; Claude Code refuses a tool result over 25,000 unless MAX_MCP_OUTPUT_TOKENS
# says more), a hundred at 200 each 312 KB: bench/mcp_incident_size.py. MCP_ANSWER_CHARS: the characters of the
# incidents' whole objects (compact JSON) past which the older ones come with their summary alone too: a hundred,
# summaries and sections held to 40,000, were 100 KB with each one's other keys (~600 characters), and Claude Code
# gives the model the structured content (not the text) and counts it
MCP_ANSWER_SECTION_CHARS, MCP_SECTION_FLOOR, MCP_ANSWER_CHARS = 40_000, 200, 80_000
# and each incident's follow-ups and flags: the first MCP_LIST_ITEMS of each list, each text of an item cut at
# MCP_ITEM_CHARS; the rest counted in the incident's ``left_out_items``. A record's lists were never cut, so one with
# hundreds of follow-ups took an answer past MCP_ANSWER_CHARS (found in a crash-and-concurrency review's left-outs)
MCP_LIST_ITEMS, MCP_ITEM_CHARS = 20, 500
MAX_TOP = 50  # the most results one question may ask for: suggest --top, a --queries line, the API, MCP
# the most `recur import` reads of a postmortem file: inline images (data: URIs) and a MIME file's other
# parts are taken out before the record's own limit (1 MiB, recur check's) applies to the text
MAX_IMPORT_READ_BYTES = 32 * 1024 * 1024
# how deep a YAML file Recur reads may nest lists and mappings (kb.parse.nesting_problem): the deepest real
# files (Kubernetes manifests, CRD schemas) nest some 30 levels; PyYAML's pure-Python reader, which rule files
# go through, took 30-45 s on a megabyte of lines nested 400 deep, and composes by recursion
MAX_YAML_DEPTH = 100
# how many values (mappings, lists, scalars) one YAML document of the KB may hold (kb.parse.size_problem): PyYAML's
# cost is per value, whatever the depth: 1 MiB of front matter written as "[],[],..." (333,000 values) took
# `recur check` 11 s, "x,x,..." 18 s. The largest real ones: eval/cases.yml, 575 values for 95 cases (~6 a case,
# so 50,000 is some 8,000 cases); a pattern's or incident's front matter, 70
MAX_YAML_NODES = 50_000
# how far below --similar-threshold `recur check --similar` still reports two patterns that have a
# signal (verbatim) or a service in common: a copy of a pattern with the same signal, the same service
# and reworded symptoms scored 0.85 with the bundled model, under 0.90. Measured on the bundled model:
# the closest pairs of real sibling patterns score 0.69 (the starter KB, 1,770 pairs) and 0.73 (the eval
# KB, 1,891), both sharing a service; 0.80 reports the copy and none of them (docs/kb-format.md)
SIMILAR_SHARED_MARGIN = 0.10
# a signal's match score in a search (retrieval.search._signal_match): its normalised text inside the query's (at
# least exact_min_chars long), a shared identifier, or most of its words (at least words_min, a words_share of
# them) scaled by the share. Here, below both: `recur check` warns of a signal none of the three can match
# (kb.lint), and kb does not import retrieval; a code of one signal (search.part_codes) in a question of at most
# code_question_words words, beside another word of that signal, matches it as an identifier (search._part_match)
SIGNAL_MATCH = {
    "exact": 1.0,
    "identifier": 0.9,
    "words": 0.7,
    "exact_min_chars": 6,
    "words_min": 3,
    "words_share": 0.75,
    "code_question_words": 8,
}


@dataclass(frozen=True)
class Setting:
    env: str
    default: object
    help: str
    flag: str | None = None  # the command-line option that stands in for it, named when its value is wrong
    # a number setting's smallest value, and what its error says it must be (default "at least N"): ``get`` refuses
    # one below it, as it does one that is no number, so every reader and the start-up check get the same error
    least: int | float | None = None
    least_said: str | None = None


SETTINGS: dict[str, Setting] = {
    "kb": Setting("RECUR_KB", "kb", "knowledge base folder"),
    "index": Setting("RECUR_INDEX", str(STATE_DIR / "index"), "search index folder"),
    "model": Setting("RECUR_MODEL", None, "embedding model: a local folder, 'fake:N', or the bundled MiniLM"),
    "tuned": Setting("RECUR_TUNED", None, "where to look first for the KB's tuned model"),
    "feedback": Setting("RECUR_FEEDBACK", str(STATE_DIR / "feedback.jsonl"), "the feedback log (👍/👎)"),
    "no_feedback": Setting(
        "RECUR_NO_FEEDBACK", False, "recur serve takes no votes (👍/👎): /api/feedback answers 404 feedback_off"
    ),
    "precision": Setting("RECUR_PRECISION", "auto", "encoder precision: auto | fp32 | bf16"),
    "encoder": Setting(
        "RECUR_ENCODER",
        "auto",
        "what runs the model: auto (ONNX Runtime; PyTorch where bf16 pays for its import) | onnx | torch",
    ),
    "cache": Setting("RECUR_CACHE", None, "folder for caches (model ids, ONNX exports); default ~/.cache/recur"),
    "site": Setting("RECUR_SITE", "site", "folder recur site builds into and recur serve serves"),
    "site_src": Setting("RECUR_SITE_SRC", None, "where the mkdocs hook writes the generated Markdown"),
    "browser_search": Setting(
        "RECUR_BROWSER_SEARCH",
        True,
        "recur site writes the in-browser search bundle: on | off",
        "--[no-]browser-search",
    ),
    "file_search": Setting(
        "RECUR_FILE_SEARCH",
        False,
        "recur site makes the header search work opened from disk (file://): on | off",
        "--[no-]file-search",
    ),
    "edit_url": Setting("RECUR_EDIT_URL", None, "base URL of 'edit this page' links"),
    "as_of": Setting("RECUR_AS_OF", None, "date the site's board and recur report are computed for (YYYY-MM-DD)"),
    "today": Setting("RECUR_TODAY", None, "date staleness and dates after today are measured from (YYYY-MM-DD)"),
    "tz": Setting(
        "RECUR_TZ",
        None,
        "time zone 'today' and a timestamp's date are read in: an IANA name (Europe/Berlin, UTC); "
        "default: this machine's",
    ),
    "stale_days": Setting("RECUR_STALE_DAYS", 365, "notice for patterns unmatched for this many days; 0 = off"),
    "similar_threshold": Setting(
        "RECUR_SIMILAR_THRESHOLD",
        0.90,
        "doc-view cosine, and lookalikes similarity for a shared signal, that recur check --similar reports",
    ),
    "min_recall1": Setting("RECUR_MIN_RECALL1", 0.0, "recur eval fails below this recall@1"),
    "min_recall3": Setting("RECUR_MIN_RECALL3", 0.80, "recur eval fails below this recall@3"),
    "min_mrr": Setting("RECUR_MIN_MRR", 0.65, "recur eval fails below this MRR"),
    "max_flagged": Setting(
        "RECUR_MAX_FLAGGED",
        None,
        "recur eval fails when a larger share of its answerable cases is answered 'no known pattern' "
        "with the pattern in the top 3; unset: not checked",
    ),
    "token": Setting("RECUR_TOKEN", None, "bearer token recur serve requires (see --token-scope)"),
    "host": Setting("RECUR_HOST", "127.0.0.1", "address recur serve listens on"),
    "port": Setting("RECUR_PORT", 8000, "port recur serve listens on"),
    "access_log": Setting("RECUR_ACCESS_LOG", False, "recur serve writes an access log line per request to stderr"),
    "log_format": Setting(
        "RECUR_LOG_FORMAT", "text", "recur serve's log lines on stderr: text | json (one object a line)"
    ),
    "max_body_kib": Setting(
        "RECUR_MAX_BODY_KIB",
        64,
        "recur serve's request body limit for the API, in KiB "
        f"(/api/suggest, /api/feedback and /mcp: at least {TEXT_MAX_BODY_KIB} KiB)",
    ),
    "threads": Setting("RECUR_THREADS", 1, "threads for recur serve's query encoder (0: one per CPU core)"),
    "token_scope": Setting("RECUR_TOKEN_SCOPE", "write", "what recur serve's token guards: write (feedback) | all"),
    "feedback_rate": Setting("RECUR_FEEDBACK_RATE", 60, "votes per minute per client recur serve takes; 0 = no limit"),
    "max_concurrent": Setting(
        "RECUR_MAX_CONCURRENT", 64, "searches recur serve handles at once, and as many other requests; past it, 503"
    ),
    "max_concurrent_per_client": Setting(
        "RECUR_MAX_CONCURRENT_PER_CLIENT",
        0,
        "searches of /api/suggest (and, apart, POST /mcp: at least 4) one client address has in progress at "
        "once in recur serve; past it, 429; 0 = a quarter of --max-concurrent (at least 1)",
    ),
    "webhook_share": Setting(
        "RECUR_WEBHOOK_SHARE",
        0.5,
        "share of recur serve's search slots and --max-concurrent webhook searches may take; responders go first",
    ),
    "webhook_max_wait": Setting(
        "RECUR_WEBHOOK_MAX_WAIT",
        3.0,
        "seconds a webhook call lets responders' searches go first (all its searches together); then each of "
        "its searches takes its turn in their line",
    ),
    "header_timeout": Setting("RECUR_HEADER_TIMEOUT", 10.0, "seconds a client has to send its request headers"),
    "body_timeout": Setting("RECUR_BODY_TIMEOUT", 30.0, "seconds a client has to send its request body"),
    "send_timeout": Setting(
        "RECUR_SEND_TIMEOUT", 60.0, "seconds a response may wait on a client that reads none of it"
    ),
    "shutdown_grace": Setting(
        "RECUR_SHUTDOWN_GRACE",
        5.0,
        "seconds recur serve lets requests in progress (MCP tool calls too) finish after SIGTERM; then 503 "
        "shutting_down; 0 = none",
    ),
    "min_free_mib": Setting(
        "RECUR_MIN_FREE_MIB",
        100,
        "recur serve warns when the feedback log's file system has less free space than this, in MiB; 0 = off",
    ),
    "root_path": Setting(
        "RECUR_ROOT_PATH", None, "path prefix a reverse proxy serves recur serve under, and strips (e.g. /recur)"
    ),
    "site_url": Setting(
        "RECUR_SITE_URL",
        None,
        "base URL of the built site: its 404 page's links (recur site), links in Slack replies, MCP answers, "
        "recur report's Markdown and recur suggest's 'read more'",
    ),
    "mcp_max_sessions": Setting(
        "RECUR_MCP_MAX_SESSIONS", 1000, "MCP sessions recur serve keeps open at once on /mcp (~40 KiB each)"
    ),
    "mcp_max_sessions_per_client": Setting(
        "RECUR_MCP_MAX_SESSIONS_PER_CLIENT",
        20,
        "MCP sessions one client address keeps open on /mcp; past it its least recently used idle one is closed",
    ),
    "mcp_idle_timeout": Setting("RECUR_MCP_IDLE_TIMEOUT", 1800.0, "seconds an idle MCP session on /mcp stays open"),
    "mcp_section_chars": Setting(
        "RECUR_MCP_SECTION_CHARS",
        1000,
        "characters of each incident section (the summary too) MCP's past_incidents gives; longer ones are cut, "
        "marked; 0 = no limit",
        least=0,
        least_said="0 (no limit) or a number of characters",
    ),
    "mcp_allowed_hosts": Setting(
        "RECUR_MCP_ALLOWED_HOSTS",
        None,
        "host names (space-separated) recur serve accepts as Host and Origin besides loopback",
    ),
    "slack_signing_secret": Setting(
        "RECUR_SLACK_SIGNING_SECRET", None, "Slack app's signing secret (or recur serve --slack-signing-secret-file)"
    ),
    # GitHub Actions' own variables, set by the runner in a workflow's steps (not Recur's: no RECUR_ prefix,
    # and never named as what a misspelt RECUR_ variable was meant to be)
    "github_workspace": Setting(
        "GITHUB_WORKSPACE", None, "GitHub Actions: the checkout; recur check --format github names files from it"
    ),
    "github_step_summary": Setting(
        "GITHUB_STEP_SUMMARY",
        None,
        "GitHub Actions: the step's job summary file; recur check --format github lists every problem there "
        "when there are more than GitHub annotates",
    ),
}


def env(name: str) -> str:
    """The environment variable behind a setting (for click's ``envvar=``)."""
    return SETTINGS[name].env


def default(name: str):
    return SETTINGS[name].default


def text_max_body(max_body: int) -> int:
    """The body limit, in bytes, of /api/suggest, /api/feedback and /mcp under an API limit (--max-body-kib) of
    ``max_body`` bytes: TEXT_MAX_BODY_KIB, or ``max_body`` when larger. One rule for the server (serve.app) and
    what MCP's tool schema says (serve.mcp_server), which computed it apart."""
    return max(max_body, TEXT_MAX_BODY_KIB * 1024)


def zone():
    """The time zone "today" and a timestamp's date are read in: RECUR_TZ's, else None (this machine's), which
    the default kept. A RecurError naming RECUR_TZ and its value when it names no zone."""
    name = given("tz")
    return _zone(name.strip()) if name else None


@functools.lru_cache(maxsize=8)
def _zone(name: str):
    """The zone RECUR_TZ's value ``name`` names, looked up once a process for each value: util.dates.local_date
    asks for every timestamp's date, and the look-up (the zone list, ZoneInfo's own cache) was 3.8 µs of its 5.5.
    Keyed by the value, which ``zone`` reads each time, so a test or a process that sets RECUR_TZ anew gets that
    zone; a bad value raises, which is never cached."""
    from recur.util.dates import zone_named

    return zone_named(name, env("tz"))


def today(given=None):
    """The day Recur counts from: ``given`` (a date or an ISO string), else RECUR_TODAY, else the clock's date
    in RECUR_TZ (``zone``).
    The one rule for every date a person counts from today: the dates a new record, a pattern's ``created``
    and a ``done:`` day are given; due, overdue and "after today" (check, the board, `recur report` without
    --as-of, `recur incident list`, the review line); the incidents the API, MCP and `recur suggest` list.
    Machine timestamps (an index's "built", tune's "date", the access log) stay the clock's."""
    from recur.util.dates import given_date, today_in

    return given_date(given if given is not None else get("today"), env("today"), missing=today_in(zone()))


def as_of(value: str | None = None):
    """The day a board is computed for (`recur site`'s, `recur report`'s): ``value`` (--as-of), else
    RECUR_AS_OF, else ``today()``. One rule for both: the report kept its own copy of the site's, and the
    variable was once read by the site alone (a CI job setting it for both got two different days)."""
    from recur.util.dates import given_date

    from_env = given("as_of")
    if not (value or from_env):
        return today()
    return given_date(value or from_env, "--as-of" if value else env("as_of"))


def where_flags(kb_dir=None, index_dir=None) -> str:
    """``--kb DIR `` (and ``--index DIR ``) for a command Recur prints for the user to copy, when this run read
    a knowledge base (an index) other than the default: without them the command read or wrote ./kb (found in
    review: `recur incident new --kb kb2` printed `recur incident link INC-2026-0218 …`, which found no such
    incident). Empty when the value is what the copied command would read without the flag: its variable
    (RECUR_KB, RECUR_INDEX) when set, else the default, so the usual output stays as it was. The default
    itself needs the flag while the variable points elsewhere (found in review: `RECUR_KB=kb2 recur incident
    list --kb kb` printed `recur incident link ID`, which then ran against kb2)."""
    import shlex

    flags = ""
    for flag, value, name in (("--kb", kb_dir, "kb"), ("--index", index_dir, "index")):
        if value is not None and Path(value) != Path(given(name) or default(name)):
            flags += f"{flag} {shlex.quote(str(value))} "
    return flags


def given(name: str) -> str | None:
    """The environment variable's value when set and not empty, else None (no default)."""
    raw = os.environ.get(SETTINGS[name].env)
    return raw if raw and raw.strip() else None


def raw(name: str) -> str | None:
    """The environment variable's value as set, blank too (None when unset): a secret set but empty, a
    template that rendered nothing, is an error for its reader, not "not given"."""
    return os.environ.get(SETTINGS[name].env)


def no_onnxruntime_telemetry() -> None:
    """Turn ONNX Runtime's 1DS telemetry off; called just before every ``import onnxruntime``. Recur
    sends nothing anywhere (docs/operating.md), and ORT 1.32 builds with telemetry on: `recur serve`
    looked up mobile.events.data.microsoft.com within 20 s of start (strace: 4 DNS queries), and under
    a HOME it may not write (the documented unit's ProtectHome) printed an ANSI-coloured "Failed to
    persist telemetry device ID" line into the JSON log. ORT reads this variable when it is imported,
    so it is set, not defaulted (an inherited "0" would turn it back on); measured, its Python
    ``disable_telemetry_events()`` stopped neither the lookups nor the line (it runs after start-up)."""
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"


def _dates_read_zone() -> None:
    """util.dates reads a timestamp's date in RECUR_TZ's zone (``zone``) from now on: util may not import config."""
    from recur.util.dates import read_zone_from

    read_zone_from(zone)


_dates_read_zone()

ON, OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def get(name: str):
    """The setting's value: its environment variable when set and not empty, else its default,
    converted to the default's type (bool, int, float) when it has one. A value that is not of that
    type is a RecurError naming the variable (a bool's "0" read as text was true; an int's "abc" a
    bare ValueError). Click reads most of these first; the library reads them too."""
    from recur.util.errors import RecurError

    s = SETTINGS[name]
    raw = os.environ.get(s.env)
    if raw is None or raw.strip() == "":
        return s.default
    if isinstance(s.default, bool):
        if raw.strip().lower() not in ON + OFF:
            if s.flag:  # a switch its help calls on/off: said so, with the option that overrides it
                raise RecurError(f"{s.env}={raw!r}: use on or off (or {s.flag})")
            raise RecurError(f"{s.env}={raw!r}: use one of {', '.join(ON)} or {', '.join(OFF)}")
        return raw.strip().lower() in ON
    if s.default is None or isinstance(s.default, str):
        return raw
    try:
        value = type(s.default)(raw)
    except ValueError:
        raise RecurError(
            f"{s.env}={raw!r}: not a {'whole number' if isinstance(s.default, int) else 'number'}"
        ) from None
    if s.least is not None and value < s.least:
        raise RecurError(f"{s.env}={value}: must be {s.least_said or f'at least {s.least}'}")
    return value


def state_elsewhere(kb_dir, name: str, path) -> Path | None:
    """The KB repository's own ``path`` (``.recur/...`` beside the KB folder, as `recur init` lays it out)
    when ``path`` is setting ``name``'s default, which is under the current folder (a public interface,
    kept), and the current folder is neither the KB nor above it: `recur suggest --kb ../team-kb/kb` run
    from another folder built a second index there, and `recur tune` read no feedback, neither saying
    where they looked (found in review). None otherwise: a path the user named is where they said; and a KB
    folder that does not exist has no repository to hold its state (`recur serve --kb ../team-kbb/kb`, a typo,
    made ../team-kbb/.recur/ for its votes, `--kb /nonexist` /.recur/: found in review). The filesystem's root
    is above every KB and no KB's repository (unless the KB is directly under it): desktop MCP clients start
    `recur mcp --kb /abs/kb` from ``/``, which built ``/.recur/index`` and said nothing of it (found in review)."""
    if Path(path) != Path(default(name)) or not Path(kb_dir).is_dir():
        return None
    kb, here = Path(kb_dir).resolve(), Path.cwd().resolve()
    if here == kb or here == kb.parent or (here in kb.parents and not _is_root(here)):
        return None
    return kb.parent / path


def _is_root(folder: Path) -> bool:
    return folder == Path(folder.anchor)


def at_root() -> bool:
    """Whether the current folder is the filesystem's root (``/``), where desktop MCP clients start servers."""
    return _is_root(Path.cwd().resolve())


def not_here_words(kb_dir) -> str:
    """Why a default state path (``.recur/index``, ``.recur/feedback.jsonl``) is not the KB's repository's, in the
    brackets that follow it: ``under the current folder; the KB ../team-kb/kb is not``, or, run from the
    filesystem's root (which holds every KB), ``under the current folder, /, not the KB's repository /srv/recur``."""
    here = Path.cwd().resolve()
    if _is_root(here):
        return f"under the current folder, {here}, not the KB's repository {Path(kb_dir).resolve().parent}"
    return f"under the current folder; the KB {kb_dir} is not"


def from_here(path: Path) -> str:
    """``path`` from the current folder, as a user types it (``../team-kb/.recur/index``); absolute on
    another Windows drive, and from the filesystem's root (``/srv/recur/.recur/index``, not ``srv/recur/…``)."""
    if _is_root(Path.cwd().resolve()):
        return str(Path(path).resolve())
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def unknown_variables() -> list[tuple[str, str | None]]:
    """Variables set that look like Recur's and are none of its settings, each with the setting it was
    most likely meant to be (None when none is close): ``(name, closest)``, sorted. A misspelt one was
    read by nothing, and the default went on in silence (a service unit asking for PyTorch by a misspelt
    encoder variable ran ONNX Runtime, and nothing said so)."""
    from recur.util.text import close_names

    known = {s.env: s.env.removeprefix("RECUR_") for s in SETTINGS.values() if s.env.startswith("RECUR_")}
    out = []
    for name in sorted(os.environ):
        if not name.upper().startswith("RECUR_") or name in known:
            continue
        # compared without the prefix every name shares, which made any two of them look alike; a name
        # in lower case (environment variables are case-sensitive) is its setting's, close_names first
        close = close_names(name.upper().removeprefix("RECUR_"), known.values(), n=1, cutoff=0.6)
        out.append((name, f"RECUR_{close[0]}" if close else None))
    return out
