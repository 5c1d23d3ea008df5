"""Recur as an MCP server (the official ``mcp`` SDK's ``MCPServer``): tools and resources for AI
assistants, over the same engine and result objects as the CLI and the API.

``build_server(get_engine, allow_writes=False)`` makes the server; ``get_engine()`` returns the
loaded ``Engine`` or raises (``ApiError`` 503 / ``RecurError`` while loading or after a failed
load). ``recur mcp`` serves it over stdio (``run_stdio``: lone surrogate escapes arrive as U+FFFD
instead of being dropped unanswered, and a line that is not a JSON-RPC message gets the JSON-RPC
error for it; the requests read before stdin closes are answered before it ends, ``_InFlight``;
``holder_engine`` waits for ``EngineHolder``);
``recur serve`` mounts it at ``/mcp`` as streamable HTTP (``http_app``, served by mcp_http.py), as a route of the app,
so the app's middleware (body limit, token rules) applies to it as to ``/api``.

Every tool returns the API's JSON as structured content (with ``site_url``, each pattern and incident with
its page's ``url``) plus a text rendering of what a model needs to act on (``render_answer``). A bad argument
or an unknown id is a tool error (``is_error``) whose text is the API's message and whose structured
content is the API's error shape ``{"error": {"code", "message"}}``; the server never goes down. A
tool the server does not have is not a tool error but a JSON-RPC error, -32602, as the MCP specification
says of unknown tools.
"""

import logging
import re
import threading
from collections.abc import Callable
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError, UnexpectedToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError

from recur import config
from recur.kb.records import draft_mark
from recur.retrieval import patterns as pat
from recur.retrieval.results import check_both, confidence_text, flat, match_line, percent, why_text
from recur.serve.bodies import MAX_PASTE, MAX_TEXT, MAX_TOP, Count, PasteIn
from recur.serve.deps import load_pauses
from recur.serve.guard import (
    CLIENT_GONE,
    ApiError,
    ClientGone,
    disconnected,
    error_body,
    invalid_message,
    refused_content_coding,
    replaying,
    uncompressed,
)
from recur.util import utf8
from recur.util.errors import RecurError
from recur.util.text import TEXT_SPACING, close_names, control_character, has_text

INSTRUCTIONS = (
    "Recur knows this team's failure patterns (what was learned in postmortems). Call suggest_patterns with "
    "what the responder sees (a description, an alert, a log line) before guessing; when no_known_pattern is "
    "true, say so and suggest recording the incident. A result of low confidence is a pattern to compare, not "
    "an answer: check it fits before following its runbook. get_pattern gives a pattern's whole runbook."
)
WRITE_INSTRUCTIONS = (
    " The record_incident tool records an incident (ask the user first: it writes into the knowledge base)."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)


# A count is read as the API reads it (models.Count: a whole number, ``20.0`` included; ``true``, ``2.5``
# and ``"abc"`` refused with the API's words), not by the SDK's lax rules, where ``true`` is 1 and
# each wrong kind has a message of its own.
Text = Annotated[
    str,
    Field(
        description=f"What you see: a description, an alert, a log line; up to {MAX_TEXT:,} characters are searched, "
        f"and a longer text (at most {MAX_PASTE:,} characters; over HTTP the whole request within the server's body "
        f"limit, {config.default('max_body_kib')} KiB unless set) is condensed to them as `recur suggest` condenses "
        "it: a log by its error lines, a stack trace by its start, end and Caused by lines (query_note says so)."
    ),
]
Top = Annotated[
    Count,
    Field(
        description=f"How many patterns to return (1 to {MAX_TOP}).",
        json_schema_extra={"minimum": 1, "maximum": MAX_TOP},
    ),
]
Limit = Annotated[
    Count,
    Field(
        description=f"At most this many (1 to {pat.MAX_INCIDENTS}).",
        json_schema_extra={"minimum": 1, "maximum": pat.MAX_INCIDENTS},
    ),
]
PatternId = Annotated[
    str,
    Field(
        description="A pattern id, e.g. disk-full (see list_patterns), or its resource URI recur://patterns/disk-full."
    ),
]
IncidentsOf = Annotated[
    str | None,
    Field(description="Incidents linked to this pattern: its id or its resource URI (empty or left out: give text)."),
]
RESOURCE = pat.RESOURCE  # a pattern's resource URI: this, then its id
# seconds between two looks at the KB's files for answers from an index older than them (Staleness): a walk of
# the KB (~10 ms for 300 files) at most this often, as `recur serve` looks (runtime.STALE_INTERVAL)
STALE_EVERY = 5.0


IncidentsFor = Annotated[
    str | None,
    Field(description="Or: incidents of the patterns this description matches (empty or left out: give pattern_id)."),
]


def _only(what: str) -> object:
    return Annotated[
        str | None,
        Field(
            description=f"Only patterns {what} (exact, case-insensitive; empty or left out: any; a value no "
            "pattern has is answered with the values there are, in known_values)."
        ),
    ]


def _given(value: str | None) -> str | None:
    """A list filter as a tool call gives it, with "" (or only spaces) as left out. Model clients
    often fill an optional argument with "": list_patterns {"category": ""} was refused ("must not be
    empty"), as GET /api/patterns?category= is (there a script's unset variable; found in review)."""
    return value if value is None or value.strip() else None


Category, Service, Tag, Severity = (
    _only("of this category, e.g. capacity"),
    _only("that affect this service"),
    _only("with this tag"),
    _only("of this severity, e.g. sev1"),
)


def _result(structured: dict, text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)


def _failure(code: str, message: str) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=message)], structured_content=error_body(code, message), is_error=True
    )


def run_tool(work: Callable[[], tuple[dict, str]]) -> CallToolResult:
    """``work()`` -> (structured, text) as a tool result; expected failures as the API's error."""
    try:
        structured, text = work()
    except ApiError as exc:
        return _failure(exc.code, exc.message)
    except ClientGone as exc:  # not searched (nor written): nobody is left to read this (see _gone_check)
        said = str(exc) or "the client cancelled the call or closed its connection; not searched"
        return _failure("client_gone", said)
    except ValidationError as exc:
        return _failure("invalid_request", invalid_message(exc.errors()))
    except RecurError as exc:
        return _failure(getattr(exc, "code", "invalid_request"), str(exc))
    return _result(structured, text)


class _Server(MCPServer):
    """The SDK's server, with two changes: arguments that do not fit a tool's signature (``top: "abc"``,
    a missing ``text``) are the API's ``invalid_request`` tool error, named by field as in
    ``POST /api/suggest``, instead of the SDK's multi-line pydantic dump; and ``resources/list`` lists
    every indexed pattern as ``recur://patterns/{id}`` (a URI template alone lists none, so a client
    that offers the listed resources offered no pattern)."""

    def __init__(
        self, *args, get_engine: Callable, load_wait: float = 0, stale_every: float = 0, stale_files=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self._get_engine = get_engine
        self._load_wait = load_wait  # over HTTP: how long a request waits for an engine still loading
        self._stale = Staleness(get_engine, stale_every, stale_files)

    async def _loaded(self) -> None:
        """Over HTTP (``load_wait``), a request that needs the engine while it loads waits for it, polled
        here without holding a thread (the API's getter answers 503 ``not_ready`` at once). A tool call
        right after `recur serve` started was the tool error "still loading; retry in a few seconds", where
        `recur mcp` waits (holder_engine; found calling /mcp after a restart). Any other refusal, or the wait
        ended, and the request goes on to say it."""
        import anyio

        for pause in load_pauses(self._get_engine, self._load_wait):
            await anyio.sleep(pause)

    def tool(self, *args, description: str | None = None, **kwargs):
        """The SDK's decorator, the description the docstring as paragraphs (``described``)."""
        register = super().tool

        def decorate(fn):
            return register(*args, description=description or described(fn.__doc__ or ""), **kwargs)(fn)

        return decorate

    async def list_resources(self):
        import anyio.to_thread
        from mcp.shared.exceptions import MCPError
        from mcp.types import INTERNAL_ERROR, Resource

        await self._loaded()
        try:
            # in a worker thread: over stdio the getter waits for the load (holder_engine), and on the event loop
            # it held every other request, tools/list too, until the model had loaded (found at start-up)
            docs = (await anyio.to_thread.run_sync(self._get_engine)).docs
            changed = await anyio.to_thread.run_sync(self._stale.changed)  # a look at the KB, as the tools have
        except ApiError as exc:
            raise MCPError(INTERNAL_ERROR, exc.message) from None
        except RecurError as exc:
            raise MCPError(INTERNAL_ERROR, str(exc)) from None
        # the listing is the index's, as the tools' answers are: said in each description as in their text (the
        # SDK's Resource has no field for it, and a client shows the description), while the index is stale
        note = f"\n{stale_text(changed)}" if changed else ""
        return [*await super().list_resources()] + [
            Resource(
                uri=RESOURCE + pid,
                name=pid,
                title=doc.get("title"),
                description=_about(doc) + note,
                mime_type="text/markdown",
            )
            for pid, doc in sorted(docs.items())
        ]

    async def read_resource(self, uri, context=None):
        await self._loaded()
        return await super().read_resource(uri, context)

    async def call_tool(self, name, arguments, context=None):
        if self._tool_manager.get_tool(name) is None:
            raise self._unknown_tool(name)
        unknown = self._unknown_arguments(name, arguments)
        if unknown:
            return _failure("invalid_request", unknown)
        await self._loaded()
        wanted = CLIENT_GONE.set(_gone_check(context))  # copied into the tool's worker thread
        try:
            result = await super().call_tool(name, arguments, context)
            # record_incident's answer is its write's: the record it wrote is a change since the index, and its
            # own answer said "this answer comes from the old index, ... may be out of date"
            return result if name == "record_incident" else await self._stale.noted(result)
        except ToolError as exc:
            if isinstance(exc, UnexpectedToolError) or not isinstance(exc.__cause__, ValidationError):
                raise
            return _failure("invalid_request", invalid_message(exc.__cause__.errors()))
        finally:
            CLIENT_GONE.reset(wanted)

    async def get_prompt(self, name, arguments=None, context=None):
        """A prompt this server does not have (it has none): -32602 as for an unknown tool. The SDK raised a
        ValueError: JSON-RPC error code 0 and a traceback on stderr (found in review)."""
        from mcp.shared.exceptions import MCPError
        from mcp.types import INVALID_PARAMS

        if self._prompt_manager.get_prompt(name) is None:
            offered = sorted(p.name for p in self._prompt_manager.list_prompts())
            has = f"this server's prompts: {', '.join(offered)}" if offered else "this server has no prompts"
            raise MCPError(INVALID_PARAMS, f"Unknown prompt: {_shown(name)}; {has}")
        return await super().get_prompt(name, arguments, context)

    def _unknown_tool(self, name) -> Exception:
        """A call of a tool this server does not have: a JSON-RPC error, -32602 (invalid params), as the MCP
        specification says ("Protocol Errors: ... Unknown tools", its example ``-32602 "Unknown tool: ..."``).
        The SDK answered it as a tool result with ``isError`` (a failure of a tool that ran), so a client
        could not tell a misspelt or absent tool from one that ran and failed (found in review)."""
        from mcp.shared.exceptions import MCPError
        from mcp.types import INVALID_PARAMS

        offered = sorted(t.name for t in self._tool_manager.list_tools())
        hint = " (offered only by `recur mcp --allow-writes`)" if name == "record_incident" else ""
        return MCPError(
            INVALID_PARAMS, f"Unknown tool: {_shown(name)}{hint}; this server's tools: {', '.join(offered)}"
        )

    def _unknown_arguments(self, name: str, arguments) -> str | None:
        """The API's refusal of an argument a tool does not take, or None. The SDK drops it: a misspelt
        filter (list_patterns {"categry": "x"}) listed every pattern as the filtered answer, where
        GET /api/patterns?categry=x is a 422 naming it (found in review)."""
        tool = self._tool_manager.get_tool(name)
        if tool is None or not isinstance(arguments, dict):
            return None
        known = set((tool.parameters or {}).get("properties", {}))
        extra = sorted(str(k) for k in arguments if k not in known)
        if not extra:
            return None
        return f"unknown argument(s): {', '.join(extra)} ({name} takes {', '.join(sorted(known)) or 'none'})"


class Staleness:
    """Whether the KB's files changed since the served index was built (a pattern edited or moved away while
    the server runs), looked at most every ``every`` seconds, as `recur serve` looks (retrieval.index's
    ``kb_changes``, ``shown_files``): every answer from the old index then carries ``stale`` and a line of
    text naming the files. Nothing said it, and an assistant read an edited pattern's old runbook as current
    (found in an MCP integrator's review). ``files``: where another owner already looks (an EngineHolder's
    ``kb_changed``: `recur serve`'s, from the check /healthz reports, and `recur mcp`'s, the check it logs), the
    changed files it found, read instead of a look of this server's own: under either both walked and hashed the
    KB, each on its own clock. Without it (a server built over a bare engine) this server looks itself."""

    SHOWN = 20  # file names in the structured ``stale``; the text names 5 (shown_files)

    def __init__(self, get_engine: Callable, every: float, files: Callable[[], list[str]] | None = None):
        self._get_engine, self._every, self._files = get_engine, every, files
        self._looked: tuple = (None, float("-inf"), [])  # (the engine looked at, when, its changed files)

    def changed(self) -> list[str]:
        import time

        from recur.retrieval import index as index_mod

        engine = self._get_engine()  # first: a server still loading, or failed, says so (noted answers as it was)
        if self._files is not None:
            return list(self._files())
        was, when, changed = self._looked
        if engine is was and time.monotonic() - when < self._every:
            return changed
        try:
            # /healthz's rule (index.kb_changes): incident records count, as the index holds them (get_pattern's
            # incidents, suggest's "seen before"); no KB folder (an index-only deployment) is nothing to compare
            changed = index_mod.kb_changes(engine.manifest, engine.kb_dir) or []
        except OSError:  # the KB folder gone mid-walk: nothing to compare with
            changed = []
        self._looked = (engine, time.monotonic(), changed)
        return changed

    async def noted(self, result):
        """A successful tool result with ``stale`` and its line of text when the index is older than the KB."""
        import anyio.to_thread

        if not isinstance(result, CallToolResult) or result.is_error or not isinstance(result.structured_content, dict):
            return result
        try:
            changed = await anyio.to_thread.run_sync(self.changed)  # a walk of the KB: not on the event loop
        except (ApiError, RecurError):
            return result
        if not changed:
            return result
        said = stale_text(changed)
        result.structured_content["stale"] = {
            "files": changed[: self.SHOWN],
            "more": max(0, len(changed) - self.SHOWN),
            "message": said,
        }
        for block in result.content[:1]:
            if isinstance(block, TextContent):
                block.text = f"{said}\n{block.text}"
        return result


def stale_text(changed: list[str]) -> str:
    from recur.retrieval.index import shown_files

    return (
        f"Note: the knowledge base changed since its index was built ({shown_files(changed)}): this answer comes "
        "from the old index, so tell the user it may be out of date; it is current once the index is rebuilt "
        "(`recur index`), which the server picks up without a restart."
    )


LIST_ITEM = re.compile(r"(?:[-*•]|\d+[.)]) ")  # a line that starts an item of a list, kept on its own line


def described(doc: str) -> str:
    """A docstring as a tool's description: without its indentation (an assistant was shown every line break
    followed by eight spaces), and the lines the source wraps at ~100 columns joined, which clients show as
    they are, hard breaks mid-sentence (found in review); a blank line still parts paragraphs, and a list's
    item still starts a line."""
    import inspect

    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", inspect.cleandoc(doc)):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not LIST_ITEM.match(line.lstrip()):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(p for p in paragraphs if p)


def _shown(name) -> str:
    """A name the client sent, as an error message repeats it: at most 100 characters."""
    return str(name) if len(str(name)) <= 100 else str(name)[:99] + "…"


def _gone_check(context) -> Callable[[], bool]:
    """Whether nobody is left to take a tool call's answer, asked from the tool's worker thread once
    its search has a slot (``CLIENT_GONE``): the client cancelled the call (``notifications/cancelled``,
    which the SDK's client sends when it stops waiting; the SDK then cancels the call's task, but not
    the worker thread, which waits for its slot all the same), or, over HTTP, it closed the connection
    the answer was to go back on. A client that gave up left its search queued, and each was made in
    turn ahead of the searches of clients still waiting (found in review)."""
    import anyio
    import anyio.from_thread
    from starlette.requests import Request

    cancelled = anyio.get_cancelled_exc_class()
    try:
        request = context.request_context.request if context is not None else None
    except ValueError:  # a context outside a request: nothing to ask
        request = None

    def gone() -> bool:
        try:
            anyio.from_thread.check_cancelled()
        except cancelled:
            return True
        return isinstance(request, Request) and disconnected(request)

    return gone


PLURAL = {"category": "categories", "service": "services", "tag": "tags", "severity": "severities"}


def _no_such_value(name: str, value: str, values: list[str], shown: int = 40) -> str:
    """list_patterns {"category": "nosuchcat"} answered "0 pattern(s)", and nothing said which values
    there are (found in review): a model tried again blind. Said here, with the values it was probably
    meant to be first."""
    meant = close_names(value, values)
    listed = ", ".join(values[:shown]) + (f" … and {len(values) - shown} more" if len(values) > shown else "")
    hint = f" (did you mean {', '.join(meant)}?)" if meant else ""
    return f"no pattern has the {name} {value!r}{hint}; the {PLURAL[name]}: {listed or 'none'}"


def _about(doc: dict, limit: int = 200) -> str:
    """A listed pattern's description: category, severity and the start of its summary."""
    summary = " ".join(str(doc.get("summary") or "").split())
    if len(summary) > limit:
        summary = summary[: limit - 1].rsplit(" ", 1)[0] + "…"
    return f"{doc.get('category')} · {doc.get('severity')}: {summary}".rstrip(": ")


def build_server(
    get_engine: Callable,
    *,
    allow_writes: bool = False,
    site_url: str | None = None,
    load_wait: float = 0,
    stale_every: float = STALE_EVERY,
    severities: list[str] | None = None,
    stale_files: Callable[[], list[str]] | None = None,
) -> MCPServer:
    """The server and its tools. ``site_url``: the built site's base URL (`recur serve --site-url`,
    `recur mcp --site-url`): each pattern and incident in an answer has its page's ``url`` beside its
    ``path``, in the structured content and the text, as Slack links its titles. ``load_wait``: seconds a
    request waits for an engine that ``get_engine`` says is still loading (HTTP: it does not wait itself).
    ``stale_every``: at most how often the KB's files are compared with the index's (``Staleness``);
    ``stale_files``: the changed files another owner finds (`recur serve`'s and `recur mcp`'s EngineHolder
    check), read instead.
    ``severities``: the framework's level keys (loader.severity_keys), named in record_incident's schema."""
    from recur import __version__

    root = logging.getLogger()
    kept = root.handlers[:], root.level
    server = _Server(
        "recur",
        get_engine=get_engine,
        load_wait=load_wait,
        stale_every=stale_every,
        stale_files=stale_files,
        title="Recur: known failure patterns",
        version=__version__,
        instructions=INSTRUCTIONS + (WRITE_INSTRUCTIONS if allow_writes else ""),
        log_level="WARNING",
    )
    root.handlers[:], root.level = kept  # the SDK's logging.basicConfig must not make every library's logs loud
    _read_tools(server, get_engine, writes=allow_writes, site_url=site_url)
    _report_tools(server, get_engine, site_url)
    if allow_writes:
        _write_tools(server, get_engine, severities or [])
    _resources(server, get_engine)
    return server


def _read_tools(server: MCPServer, get_engine: Callable, *, writes: bool = False, site_url: str | None = None) -> None:
    where = IncidentPaths()  # get_pattern's incident files, read once (not the whole KB on every call)

    def paged(rows: list[dict]) -> list[dict]:
        return with_urls(rows, site_url)

    @server.tool(annotations=READ_ONLY)
    def suggest_patterns(text: Text, top: Top = 5) -> CallToolResult:
        """The known failure patterns for a description, an alert or a log line, in ranked order (each
        probability is estimated on its own: they need not decrease down the list): for each, why it
        matched, the first runbook steps, the evidence to preserve, a probability (the estimated chance that
        it is a right answer; null on a KB of fewer than 10 patterns) and a confidence from it (high, medium,
        low). no_known_pattern is true when nothing in the knowledge base describes the text (the results
        are then only the closest patterns, for comparison). The text gives evidence and first steps for the first
        3 results only, and none when no_known_pattern is true (the closest are listed by title and likelihood);
        the structured content has them all."""

        def work():
            q = PasteIn(text=text, top=top)  # the API's checks and messages, for a text up to MAX_PASTE
            answer = get_engine().answer(q.text, top=q.top, others=OTHER_ALERTS).to_json()
            answer["results"] = paged(answer["results"])
            if answer["likelier"] is not None:  # a result `top` left out: its page too, as the results have
                answer["likelier"] = paged([answer["likelier"]])[0]
            return answer, render_answer(answer, writes=writes)

        return run_tool(work)

    @server.tool(annotations=READ_ONLY)
    def get_pattern(id: PatternId) -> CallToolResult:  # noqa: A002 - the public argument name
        """One failure pattern in full: symptoms, signals, summary, runbook, evidence to preserve, root cause,
        detection, permanent fix and its status, linked incidents and look-alikes (patterns it is confused
        with, and what tells them apart)."""

        return run_tool(lambda: _get_pattern(get_engine(), pat.given_pattern_id(id), site_url, where))

    @server.tool(annotations=READ_ONLY)
    def list_patterns(
        category: Category = None, service: Service = None, tag: Tag = None, severity: Severity = None
    ) -> CallToolResult:
        """The knowledge base's failure patterns, briefly (id, title, category, severity, status, summary,
        path), optionally only those of a category, a service, a tag or a severity (e.g. sev1)."""

        def work():
            given = {"category": category, "service": service, "tag": tag, "severity": severity}
            return _list_patterns(get_engine().docs, {k: _given(v) for k, v in given.items()}, site_url)

        return run_tool(work)

    @server.tool(annotations=READ_ONLY)
    def past_incidents(pattern_id: IncidentsOf = None, text: IncidentsFor = None, limit: Limit = 20) -> CallToolResult:
        """Recorded incidents, newest first: those linked to a pattern (pattern_id), or those linked to the
        patterns a description matches with high or medium confidence (text). Give one of the two."""

        def work():
            return _past_incidents(get_engine, pat.given_pattern_id(pattern_id), text, limit, site_url)

        return run_tool(work)


class IncidentPaths:
    """The KB file of each incident id, from one reading of the KB, trusted while each file asked for has the size
    and time it had then (a stat of each, no walk): read whole on every get_pattern call, a KB of 1,000 patterns
    and 1,000 incidents took 706 ms a call instead of 0.8 ms (found in review). An id it does not know, or a file
    moved or changed since, and the KB is read again."""

    def __init__(self):
        self._lock = threading.Lock()  # tool calls run in worker threads
        self._read: tuple = (None, {})  # (the KB folder read, {incident id: (its file, [size, mtime_ns])})

    def paths(self, engine, ids: list[str]) -> dict[str, str]:
        """{id: the incident's KB-relative file} of those of ``ids`` the KB has; ``kb_unavailable`` as server_kb."""
        from pathlib import Path

        root = Path(engine.kb_dir)
        with self._lock:
            read, known = self._read
            if read != root or not all(self._same(root, known.get(i)) for i in ids):
                kb = server_kb(engine)
                signature = kb.signature or {}
                known = {i.id: (i.relpath, signature.get(i.relpath)) for i in kb.incidents.values()}
                self._read = (root, known)
            return {i: known[i][0] for i in ids if i in known}

    @staticmethod
    def _same(root, entry) -> bool:
        if entry is None or entry[1] is None:
            return False
        try:
            st = (root / entry[0]).stat()
        except OSError:
            return False
        return [st.st_size, st.st_mtime_ns] == list(entry[1])


def _get_pattern(engine, pattern_id: str, site_url: str | None, where: IncidentPaths) -> tuple[dict, str]:
    (doc,) = with_urls([pat.pattern_object(engine.docs, pattern_id, pat.retired(engine.manifest))], site_url)
    if site_url:  # its incidents and look-alikes linked too (the docs promise every pattern and incident a url)
        doc["incidents"] = _incident_pages(engine, doc, site_url, where)
        doc["look_alikes"] = [
            {**a, "url": pat.site_page(site_url, engine.docs[a["id"]]["path"])} if a.get("id") in engine.docs else a
            for a in doc.get("look_alikes") or []
        ]
    return doc, render_pattern(doc)


def _incident_pages(engine, doc: dict, site_url: str, where: IncidentPaths) -> list[dict]:
    """The pattern's incidents (the index's id, date and title) each with its file's ``path`` and page ``url``:
    the index records no path (an incident's file is named by its id, but its year folder need not be its date's),
    so ``where`` finds it. A KB the server cannot read (an index-only deployment: Engine.open answers from the index
    alone) leaves them as the index has them: get_pattern was ``kb_unavailable`` there, where it answers without a
    site URL."""
    try:
        paths = where.paths(engine, [i["id"] for i in doc["incidents"] if i.get("id")])
    except pat.LookupFailure as exc:
        if exc.code != "kb_unavailable":
            raise
        return doc["incidents"]
    return [
        {**i, "path": paths[i["id"]], "url": pat.site_page(site_url, paths[i["id"]])} if i.get("id") in paths else i
        for i in doc["incidents"]
    ]


def _list_patterns(docs: dict, given: dict, site_url: str | None) -> tuple[dict, str]:
    rows = with_urls(pat.pattern_list(docs, **given), site_url)
    # a draft marked as suggest_patterns marks it: listed plain, a draft read as a reviewed runbook (found in review)
    marks = {
        r["id"]: draft_mark(
            {"draft": r["status"] == "draft", "import_draft": (docs.get(r["id"]) or {}).get("import_draft")}
        )
        for r in rows
    }
    lines = [f"- {r['id']}: {r['title']}{marks[r['id']]} ({r['category']}, {r['severity']}){_page(r)}" for r in rows]
    out, head = {"patterns": rows}, f"{len(rows)} pattern(s)"
    unknown = {} if rows else pat.unmatched_filters(docs, **given)
    if unknown:  # a value no pattern has: the values there are (not an error: the list is empty)
        out["known_values"] = unknown
        head += "".join(f"; {_no_such_value(name, given[name], values)}" for name, values in unknown.items())
    return out, head + ("\n" + "\n".join(lines) if lines else "")


def server_kb(engine):
    """The KB the server reads incidents from, read now. A KB it cannot read (a --kb folder that is gone, a
    recur.yml of a newer format) is the server's configuration, not the call's: ``kb_unavailable``, as the
    API says a failed load with ``engine_failed``. It was ``invalid_request``, which a model reads as its own
    bad argument, and tried again with others (found in review)."""
    from recur.kb.loader import load_kb

    try:
        return load_kb(engine.kb_dir)
    except RecurError as exc:
        raise pat.LookupFailure(
            f"the server cannot read its knowledge base: {exc}. This is the server's configuration (recur mcp "
            "--kb), not this call's arguments: tell the user, who runs the server",
            "kb_unavailable",
        ) from None


def _past_incidents(get_engine: Callable, pattern_id, text, limit: int, site_url=None) -> tuple[dict, str]:
    if not 1 <= limit <= pat.MAX_INCIDENTS:
        raise pat.LookupFailure(f"limit: must be between 1 and {pat.MAX_INCIDENTS}")
    if pattern_id is not None and text is not None and (_given(pattern_id) or _given(text)):
        # a model client fills the one it leaves out with "" (as _given): the other is the one meant
        pattern_id, text = _given(pattern_id), _given(text)
    if pattern_id is not None and text is not None:
        raise pat.LookupFailure("give pattern_id or text (one of them)")
    engine = get_engine()
    answer = None
    if text is not None and pattern_id is None:
        q = PasteIn(text=text, top=5)
        answer = engine.answer(q.text, top=q.top)
    kb = server_kb(engine)
    out = pat.past_incidents(engine, kb, pattern_id=pattern_id, answer=answer, limit=limit)
    out["incidents"] = with_urls(out["incidents"], site_url)
    lines = [f"- {i['date']} {i['id']} ({i['severity']}): {i['title']}{_page(i)}" for i in out["incidents"]]
    head = f"{len(lines)} incident(s), newest first" if lines else "No recorded incidents"
    if answer is not None and answer.no_known_pattern:
        head = "No known pattern matches this text, so no linked incidents"
    elif answer is not None and not out["patterns"]:
        head = only_low(answer.results, kb)
    return out, head + ("\n" + "\n".join(lines) if lines else "")


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
        f"{head}; the closest, {closest['id']} ({_low_said(closest)}), has {found} incident(s): call "
        f"past_incidents with pattern_id {closest['id']} to list them (check the pattern fits first)"
    )


def _low_said(r: dict) -> str:
    return f"{r['confidence']}, {percent(r['probability'])}" if r.get("probability") is not None else r["confidence"]


ReportOwner = Annotated[
    str | None,
    Field(
        description="Only what this owner owns, by `recur report --owner`'s rule: their follow-ups and permanent "
        "fixes, and the recurring patterns and recurrences after a fix by their fix's owner; e.g. team-data "
        "(case and a leading @ aside; '(unowned)': what no one owns; empty or left out: everyone's)."
    ),
]
ReportLimit = Annotated[
    Count | None,
    Field(
        description=f"At most this many items in each list (1 to {pat.MAX_INCIDENTS}; left out: the text lists "
        "10 of each and the structured content all).",
        json_schema_extra={"minimum": 1, "maximum": pat.MAX_INCIDENTS},
    ),
]


def _report_tools(server: MCPServer, get_engine: Callable, site_url: str | None = None) -> None:
    @server.tool(annotations=READ_ONLY)
    def problem_report(
        as_of: Annotated[
            str | None, Field(description="Date of the board, YYYY-MM-DD (empty or left out: today).")
        ] = None,
        owner: ReportOwner = None,
        limit: ReportLimit = None,
    ) -> CallToolResult:
        """The problem-management board (what `recur report --format json` prints): reviews pending and
        overdue, open follow-ups and permanent fixes by owner, incidents with no known pattern, open flags,
        the most recurring patterns, recurrence after a fix, monthly trends. Its text is a summary: the counts,
        what is overdue with its owner and due date, what recurred in the last 30 days and what needs analysis,
        each list bounded ("N more")."""

        def work():
            from recur.problems.board import report_board
            from recur.serve.mcp_board import board_answer
            from recur.util.dates import given_date

            if limit is not None and not 1 <= limit <= pat.MAX_INCIDENTS:
                raise pat.LookupFailure(f"limit: must be between 1 and {pat.MAX_INCIDENTS}")
            # blank as left out, as _given: "" was today and " " was "not a date"
            # built for the owner: its recurring lists ranked among the owner's patterns, then cut (board_answer)
            kb = server_kb(get_engine())
            # left out: RECUR_TODAY when set, as `recur report` without --as-of (the clock's day was the board's)
            day = config.today() if _given(as_of) is None else given_date(as_of, "as_of")
            b = report_board(kb, day, owner=_given(owner))
            return board_answer(b, owner=_given(owner), limit=limit, paged=lambda rows: with_urls(rows, site_url))

        return run_tool(work)


def _write_tools(server: MCPServer, get_engine: Callable, severities: list[str]) -> None:
    from recur.ingest.pasted_log import LOG_LINES_KEPT
    from recur.kb.incident_record import TITLE_MOST, severity_help
    from recur.kb.parse import MAX_FILE_BYTES

    # the schema says the limits the writer applies: a 100,000-character title was written, and a model had to
    # guess the severity keys and how much text a record takes (found in review)
    titled = f"What happened, in a few words (at most {TITLE_MOST} characters; recur check asks for 120 or fewer)."
    described_as = (
        f"What you see; becomes the Summary. A pasted log of more than {LOG_LINES_KEPT} lines is cut down to its "
        "error lines (description_note says so); any other text is written whole, and the record may be at most "
        f"{MAX_FILE_BYTES:,} bytes (a longer one is refused and nothing is written)."
    )

    @server.tool(
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
        )
    )
    def record_incident(
        title: Annotated[str, Field(description=titled, json_schema_extra={"maxLength": TITLE_MOST})],
        severity: Annotated[str, Field(description=severity_help(severities))],
        description: Annotated[str, Field(description=described_as)],
        flags: Annotated[list[str], Field(description='"Dig into this later" markers.')] = [],  # noqa: B006 - the schema's default
        patterns: Annotated[list[str], Field(description="Known pattern ids to link now.")] = [],  # noqa: B006
        allow_duplicate: Annotated[
            bool,
            Field(
                description="Record it even when an incident with the same arguments was recorded today (a "
                "second, separate incident). Left false, such a call (a retry) is answered with that record "
                "(already_recorded: true) and nothing is written."
            ),
        ] = False,
    ) -> CallToolResult:
        """Record an incident in the knowledge base, dated today: exactly the record `recur incident new`
        writes (review level and due date from the severity framework). Returns what `recur incident new
        --json` prints: its id, path and review, the known patterns that match its title and description
        (suggestions, not linked) and no_known_pattern. A description of more than 200 lines read as a pasted
        log is recorded cut down as the CLI cuts it, its error lines as the Summary (description_note says so).
        A call the client cancelled or gave up on before the record was written writes nothing. A call with the
        arguments of an incident recorded today (a retry) answers with that record (already_recorded) unless
        allow_duplicate is true; one with its title and description but another severity, patterns or flags is
        recorded, and same_as names the other."""

        given = {"title": title, "severity": severity, "description": description, "flags": flags}
        # ids read as get_pattern and past_incidents read them: "Disk-Full" and a resource URI were "unknown"
        ids = [pat.given_pattern_id(p) for p in patterns]
        return run_tool(lambda: _record(get_engine, given, ids, allow_duplicate))


def _record(get_engine: Callable, given: dict, patterns: list, allow_duplicate: bool) -> tuple[dict, str]:
    """record_incident's work: (structured, text)."""
    from recur.ingest.importer import candidates_of
    from recur.ingest.pasted_log import recorded_description
    from recur.kb import incident_record as ir

    title, description = given["title"], given["description"]
    _intact(("description",), title=title, description=description, flags=given["flags"])
    if not has_text(description):  # required: the record's Summary, and what its suggestions are searched by
        # U+200B alone was recorded as the Summary, and searched: refused as blank is
        only = " (only invisible characters)" if description.strip() else ""  # control ones: _intact
        raise RecurError(f"description: is empty{only}; say what you see (it becomes the Summary); nothing written")
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
        checked = ir.checked_incident(kb, new, ir.Asked(patterns="patterns", listed_by="list_patterns"))
        same = None if allow_duplicate else ir.recorded_today(kb, checked)
        _still_wanted()
        if same is not None and ir.retried(checked, same):  # its first call's answer lost: that record, not a second
            suggest()
            return _already(kb, new, same, found[0], recorded)
        written = ir.write_incident(kb, checked, suggest=suggest)
    out, text = _recorded(kb, new, written, found[0], recorded)
    if said := ir.priority_note(kb, new.severity, "severity"):  # P1 recorded as sev1: said, as the CLI says it
        out["severity_note"] = said
        first, *rest = text.split("\n")
        text = "\n".join([first, f"Note: {said}.", *rest])
    if same is not None:  # the same title and description, other severity, links or flags: written, and said
        out["same_as"] = same.id
        text += (
            f"\nNote: {same.id} was recorded today with the same title and description (other severity, "
            "patterns or flags); if this was meant as that incident, the user can remove this record."
        )
    return out, text


_WRITES: dict[str, threading.Lock] = {}  # a KB folder (resolved) -> the lock its record_incident calls take
_WRITES_GUARD = threading.Lock()


def _writing(kb_dir) -> threading.Lock:
    """The one lock of the KB at ``kb_dir``, shared by every server in this process that writes into it."""
    from pathlib import Path

    with _WRITES_GUARD:
        return _WRITES.setdefault(str(Path(kb_dir).resolve()), threading.Lock())


def _still_wanted() -> None:
    """Nothing is written for a call its client cancelled or gave up on (``CLIENT_GONE``, _gone_check): the
    getter waits for the model's load (seconds, a minute on a first start), and the check at the search came
    after the write, so a client that timed out and retried left two records (found in review)."""
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
    makes them (title and description, top 3, the linked patterns left out; none is linked): ``suggested``,
    (the answer, its results as the candidates stored). ``written``: what record_incident returned, (id,
    path, review). ``recorded``: what pasted_log.recorded_description made of the description; what the CLI
    says on stderr of a long one (its ``said``) is the tool's ``description_note``, as in the CLI's --json
    (``Recorded.noted``), and its text's second line."""
    from recur.kb.incident_record import no_match_text, recorded_json

    answer, candidates = suggested
    iid, path, review = written
    out = recorded_json(kb, new, iid, path, review)
    linked, due = out["linked"], out["review"]["due"]
    out.update(suggestions=answer.results, no_known_pattern=answer.no_known_pattern, candidates=candidates)
    lines = [f"Recorded {iid} in {path} (review: {review.level}{f', due {due}' if due else ''})."]
    out.update(recorded.noted())  # only when something was said, as the CLI's --json has it
    if said := recorded.said:
        lines.append(f"{said[0].upper()}{said[1:]}")
    if answer.no_known_pattern:
        lines.append(no_match_text(linked, report="the problem report"))
    else:
        # MCP has no tool that links: the text named `recur incident link` as if the assistant could run it
        # (found in review). It says who can: the user, in the KB's checkout; and patterns=[...] at recording
        lines.append(
            f"{match_line(answer.results)}; none is linked. Only the user can link one now, in the knowledge "
            f"base's checkout: recur incident link {iid} PATTERN_ID (this server records incidents but does not "
            "change them; record_incident links the ids given in patterns)."
        )
        lines += [f"- {r['id']}: {r['title']} ({confidence_text(r)})" for r in answer.results]
    return out, "\n".join(lines)


def _intact(multiline=(), **fields) -> None:
    """Text to be written into the KB must have arrived whole and be text: U+FFFD is what the
    transport puts in place of bytes that are not UTF-8 and of lone surrogate escapes (see
    ``run_stdio``), and a record must not keep it silently. A control character is refused too:
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
            # the KB's one rule (recur.util.text); refused here, not cleaned: the caller is a program
            if found := control_character(text, TEXT_SPACING if name in multiline else ""):
                raise RecurError(
                    f"{where}: has the control character U+{ord(found[1]):04X} at character {found[0]}; "
                    "nothing written: send plain text"
                )


def _resources(server: MCPServer, get_engine: Callable) -> None:
    @server.resource(
        RESOURCE + "{id}",
        name="pattern",
        mime_type="text/markdown",
        description="A failure pattern's Markdown file as written in the knowledge base.",
    )
    def pattern_resource(id: str) -> str:  # noqa: A002
        try:
            engine = get_engine()
            # the id as get_pattern reads it: recur://patterns/Disk-Full was "not found" where get_pattern answered
            given = pat.given_pattern_id(id)
            return pat.pattern_markdown(engine.kb_dir, engine.docs, given, pat.retired(engine.manifest))
        except pat.PatternNotFound as exc:
            raise ResourceNotFoundError(str(exc)) from None
        except ApiError as exc:
            raise ResourceError(exc.message) from None
        except RecurError as exc:
            raise ResourceError(str(exc)) from None


def with_urls(rows: list[dict], site_url: str | None) -> list[dict]:
    """``rows`` (patterns, results, incidents: each with its KB ``path``), each with its page's ``url`` on the
    built site after it, when the server knows the site's URL; else as they are (the API's objects)."""
    if not site_url:
        return rows
    return [{**r, "url": pat.site_page(site_url, r["path"])} for r in rows]


def _page(row: dict) -> str:
    return f" {row['url']}" if row.get("url") else ""


# -- short text renderings (the structured content is the real answer) ---------------------------


# what a pasted alert list's note tells an assistant to do about the alerts not searched (query.Prepared.said):
# it cannot "POST the payload to /api/alertmanager", the API's and the terminal's advice (found in review)
OTHER_ALERTS = "to have one answered, call suggest_patterns with that alert alone (its JSON, or its name and summary)"
STEPS = 2  # runbook steps in the text of a result (Slack shows as many); the structured content has them all
# results whose text gives evidence and steps: top=50 made a text of ~50 runbooks, far more than a model needs to
# act on (a responder reads the first few; found in review); the rest are listed by name, likelihood and why
DETAILED = 3


def no_known_text(writes: bool = False) -> str:
    """What to do when nothing known matches. ``writes``: this server offers record_incident, so the
    assistant can record the incident itself (the text named only `recur incident new`, a command the
    assistant's user would have to run by hand; found in review)."""
    record = "with the record_incident tool" if writes else "(recur incident new)"
    return (
        f'No known pattern matches: record the incident {record} so it shows as "needs analysis", '
        "then draft a pattern (recur new pattern) or recur import the postmortem once it is written."
    )


def render_answer(answer: dict, *, writes: bool = False) -> str:
    """suggest_patterns' text, for a model that reads only the text content and for a person whose client
    shows it: what the results are (match_line: low results are not called matches), then each result with
    its probability, why it matched, its page, the evidence to preserve and its first steps, and the
    "check both" line when a result below the first is rated more likely right (results.check_both, as the
    terminal and the site's box say it). Evidence and steps for the first DETAILED results only, said; none when
    no_known_pattern (the closest by name and likelihood alone). The structured content is whole either way."""
    results = answer["results"]
    said = answer.get("query_note")  # a log searched by its error lines, a long paste condensed
    lines = [f"{said[0].upper()}{said[1:]}."] if said else []
    if answer["no_known_pattern"]:
        # nothing here describes the text: the closest by name and likelihood alone. Each with its evidence and
        # steps (five unrelated runbooks at <1%) was most of the answer, and a model followed them (found in review)
        lines.append(no_known_text(writes) + (" Closest patterns, for comparison only:" if results else ""))
        lines += [f"{r['rank']}. {r['id']}: {r['title']}{draft_mark(r)} ({confidence_text(r)})" for r in results]
        return "\n".join(lines)
    both = check_both(results, answer.get("likelier"))  # a likelier result `top` left out, named too
    lines.append(match_line(results, answer.get("likelier")) + (f"; {both}." if both else ":"))
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
        lines += [f"     {n}. {flat(s)}" for n, s in enumerate(r["runbook"][:STEPS], 1)]
    for a in r.get("look_alikes") or []:
        lines.append(f"   vs {a['id']}: {a.get('by') or 'close call; no distinguishing signal declared'}")
    return lines


SHOWN_LINES = 8  # symptoms, signals and incidents in get_pattern's text; the structured content has them all
DETECTION = 800  # characters of its detection section in the text


def _listed(items: list, line: Callable[[object], str], shown: int = SHOWN_LINES) -> list[str]:
    """At most ``shown`` items as list lines, then how many more the structured content has."""
    more = [f"- … and {len(items) - shown} more (in the structured content)"] if len(items) > shown else []
    return [f"- {line(x)}" for x in items[:shown]] + more


def render_pattern(doc: dict) -> str:
    """get_pattern's text: what its description promises (symptoms, signals, summary, evidence, runbook, root
    cause, detection, permanent fix, linked incidents, look-alikes), long lists bounded. Symptoms, signals,
    detection and the incidents were left out, so a model that reads the text alone had no way to check that the
    pattern fits (found in an MCP integrator's review)."""
    lines = [
        f"# {doc['title']} ({doc['id']})",
        f"{doc['category']} · {doc['severity']} · {doc['status']}" + (f" · {doc['url']}" if doc.get("url") else ""),
        "",
        doc.get("summary") or "",
    ]
    if doc.get("symptoms"):
        lines += ["", "Symptoms:"] + _listed(doc["symptoms"], lambda x: flat(str(x)))
    if doc.get("signals"):
        lines += ["", "Signals (log lines, alerts, metrics):"] + _listed(doc["signals"], lambda x: flat(str(x)))
    if doc.get("evidence"):
        lines += ["", "Evidence to preserve first:"] + [f"- {e}" for e in doc["evidence"]]
    lines += ["", "Runbook:"] + [f"{n}. {s}" for n, s in enumerate(doc.get("runbook") or [], 1)]
    if doc.get("root_cause"):
        lines += ["", "Root cause:", doc["root_cause"]]
    if doc.get("detection"):
        said = str(doc["detection"]).strip()
        lines += ["", "Detection:", said if len(said) <= DETECTION else said[: DETECTION - 1] + "…"]
    fix = doc.get("fix")
    if fix:
        lines += [
            "",
            f"Permanent fix: {fix['status']}"
            + (f", owner {fix['owner']}" if fix.get("owner") else "")
            + (f", due {fix['due']}" if fix.get("due") else ""),
        ]
    lines += _incident_lines(doc.get("incidents") or [])
    alikes = doc.get("look_alikes") or []
    if alikes:
        lines += ["", "Look-alikes:"] + [
            f"- {a['id']}" + (f": told apart by {a['by']}" if a.get("by") else "") + _page(a) for a in alikes
        ]
    return "\n".join(lines).strip()


def _incident_lines(incidents: list) -> list[str]:
    """The linked incidents, newest first, bounded."""
    if not incidents:
        return ["", "Linked incidents: none recorded"]
    newest = sorted(incidents, key=lambda i: (str(i.get("date")), str(i.get("id"))), reverse=True)
    line = lambda i: f"{i.get('date')} {i.get('id')}: {flat(i.get('title') or '')}{_page(i)}"  # noqa: E731
    return ["", f"Linked incidents ({len(incidents)}, newest first):"] + _listed(newest, line)


# -- the two transports -------------------------------------------------------------------------


def run_stdio(server: MCPServer) -> None:
    """The server on stdio: the SDK's transport, reading the lines of ``_StdinLines``. The SDK's
    reader drops a line it cannot read as a message without a word, so a lone surrogate escape
    (``"\\udcff"``, not valid Unicode), a line that is not JSON and JSON that is not a JSON-RPC message
    each left the client waiting for an answer that never came. Such text now reaches the tools as
    U+FFFD (as bytes that are not UTF-8 already did), and the other two are answered with the JSON-RPC
    error for them; the server serves on."""
    import anyio

    _sdk_warnings_said()
    anyio.run(_serve_stdio, server)


class _LevelSaid(logging.Formatter):
    """``warning: …`` (``error: …``), as recur mcp's own lines on stderr say it."""

    def format(self, record) -> str:
        return f"{record.levelname.lower()}: {super().format(record)}"


def _sdk_warnings_said() -> None:
    """The MCP SDK's warnings over stdio as the server's own: on stderr (stdout is the protocol), as
    ``warning: …`` ("dropped 'notifications/cancelled': malformed params" for a client's malformed
    notification was printed bare: sdk_log.sdk_warnings_to_stderr; `recur serve` gives them uvicorn's
    format instead: server.sdk_logs_as_the_servers)."""
    from recur.serve.sdk_log import sdk_warnings_to_stderr

    sdk_warnings_to_stderr(_LevelSaid())


async def _serve_stdio(server: MCPServer) -> None:
    from mcp.server.stdio import stdio_server

    lines = _StdinLines(_take_stdin())
    async with stdio_server(stdin=lines) as (read_stream, write_stream):
        lines.answer_on(write_stream)
        low = server._lowlevel_server  # what MCPServer.run("stdio") serves, on these streams
        await low.run(read_stream, _Watched(write_stream, lines.in_flight), low.create_initialization_options())


def _take_stdin() -> int:
    """The client's stdin on a descriptor of its own, with /dev/null as fd 0, as the SDK does with a
    stdin it opens itself: a tool (or a process it starts) cannot read the client's messages."""
    import os

    source = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return source


class _StdinLines:
    """The client's messages, one a line, as the SDK's stdio reader takes them (``async for line``).
    Each line goes through ``utf8.clean_json_line`` and is decoded as the SDK decodes stdin (bytes that
    are not UTF-8 become U+FFFD); a line the SDK would not read as a message is answered here instead,
    on the transport's own write stream (``answer_on``), and not passed on. A blank line is no message
    and is skipped (the SDK dropped it too)."""

    def __init__(self, fd: int):
        import os

        import anyio

        self._file = anyio.wrap_file(os.fdopen(fd, "rb"))
        self._write, self._ready = None, anyio.Event()
        self.in_flight = _InFlight()

    def answer_on(self, write_stream) -> None:
        self._write = write_stream
        self._ready.set()

    async def __aiter__(self):
        import sys

        from mcp.shared.message import SessionMessage

        n = 0
        async for raw in self._file:
            n += 1
            line = utf8.clean_json_line(raw).decode("utf-8", "replace")
            if not line.strip():
                continue
            refusal = not_a_message(line)
            if refusal is None:
                self.in_flight.read(line)
                yield line
                continue
            print(f"recur mcp: stdin line {n}: {refusal.error.message} (answered)", file=sys.stderr)
            await self._ready.wait()
            await self._write.send(SessionMessage(refusal))
        # stdin closed: the end of the messages, not of the answers. Ended here, the SDK cancelled the requests
        # still running, and `printf '<initialize>\n<tools/call>\n' | recur mcp` never answered the call (found in
        # review); the stream ends once they are answered (or the client cancelled them), within DRAIN_SECONDS
        await self.in_flight.settled(DRAIN_SECONDS)


# How long `recur mcp` still answers the requests it has read once stdin has closed: a call that came while
# the model was loading waits for it (holder_engine, LOAD_WAIT), then searches. A client that wants the server
# gone sooner sends SIGTERM, as the MCP specification has it for a server that does not exit.
LOAD_WAIT = 300.0
DRAIN_SECONDS = LOAD_WAIT + 60


class _InFlight:
    """The ids of the requests read from stdin and not yet answered, nor cancelled by the client
    (``notifications/cancelled``: the SDK answers no cancelled request)."""

    def __init__(self):
        self._open: set[str] = set()
        self._changed = None

    @staticmethod
    def _key(ident) -> str:
        return str(ident)

    def read(self, line: str) -> None:
        import json

        msg = json.loads(line)  # a JSON-RPC message: not_a_message said so
        if not isinstance(msg, dict) or not isinstance(msg.get("method"), str):
            return
        if "id" in msg:
            self._open.add(self._key(msg["id"]))
        elif msg["method"] == "notifications/cancelled" and isinstance(msg.get("params"), dict):
            self.done(msg["params"].get("requestId"))

    def done(self, ident) -> None:
        self._open.discard(self._key(ident))
        if self._changed is not None:
            self._changed.set()

    async def settled(self, limit: float) -> None:
        import anyio

        with anyio.move_on_after(limit):
            while self._open:
                self._changed = anyio.Event()
                await self._changed.wait()


class _Watched:
    """The transport's write stream, telling ``_InFlight`` of each answer sent (a result or an error)."""

    def __init__(self, inner, in_flight: _InFlight):
        self._inner, self._in_flight = inner, in_flight

    async def send(self, item) -> None:
        from mcp.types import JSONRPCError, JSONRPCResponse

        await self._inner.send(item)
        message = getattr(item, "message", None)
        if isinstance(message, JSONRPCResponse | JSONRPCError):
            self._in_flight.done(message.id)

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()


def not_a_message(line: str):
    """None for a line the SDK reads as a JSON-RPC message; else the ``JSONRPCError`` that answers it,
    as JSON-RPC 2.0 has it (section 5.1): -32700 for a line that is not JSON, -32600 for JSON that is not
    a message, with the request's id when it has one, else null."""
    import json

    from mcp.types import INVALID_REQUEST, PARSE_ERROR, ErrorData, JSONRPCError, jsonrpc_message_adapter

    try:
        jsonrpc_message_adapter.validate_json(line, by_name=False)  # exactly the SDK's reading
        return None
    except Exception:  # noqa: BLE001 - whatever the SDK's reader would drop is answered
        pass
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        error = ErrorData(code=PARSE_ERROR, message="Parse error: the line is not JSON (one JSON-RPC message a line)")
        return JSONRPCError(jsonrpc="2.0", id=None, error=error)
    ident = obj.get("id") if isinstance(obj, dict) and "method" in obj else None
    if isinstance(ident, bool) or not isinstance(ident, str | int):
        ident = None  # no request's id (a response's is the client's answer to one of ours: not echoed)
    if not isinstance(obj, dict):
        why = "a message is one JSON object" + (" (MCP has no JSON-RPC batches)" if isinstance(obj, list) else "")
    elif obj.get("jsonrpc") != "2.0":
        why = 'a message has "jsonrpc": "2.0"'
    else:
        why = "not a JSON-RPC request, notification or response (a request has an id, a method and object params)"
    error = ErrorData(code=INVALID_REQUEST, message=f"Invalid Request: {why}")
    return JSONRPCError(jsonrpc="2.0", id=ident, error=error)


def holder_engine(holder, wait: float = LOAD_WAIT) -> Callable:
    """A getter over ``EngineHolder`` for stdio: waits for the first load, then answers at once."""

    def get():
        if not holder.ready.wait(0 if holder.error else wait):
            if holder.error:
                raise pat.LookupFailure(f"the search engine failed to load: {holder.error}", "engine_failed")
            raise ApiError(503, "not_ready", holder.not_ready())
        return holder.engine

    return get


LOOPBACK = ("127.0.0.1", "localhost", "::1")
# How long a request to /mcp waits for the engine still loading (the real model: ~10 s after a start): within
# the 60 s MCP clients commonly give a request; a longer load (a first index build) is then said, as the API says it
HTTP_LOAD_WAIT = 45.0


def http_app(
    get_engine: Callable,
    *,
    host: str | None = None,
    path: str = "/mcp",
    max_sessions: int = config.default("mcp_max_sessions"),
    idle_seconds: float = config.default("mcp_idle_timeout"),
    allowed_hosts: tuple = (),
    site_url: str | None = None,
    max_sessions_per_client: int = config.default("mcp_max_sessions_per_client"),
    evict_idle_after: float | None = None,
    on_session_closed: Callable[[str], None] | None = None,
    stale_files: Callable[[], list[str]] | None = None,
):
    """(session manager, ASGI app): the MCP server at ``path`` (streamable HTTP, read-only tools; ``site_url``:
    build_server's); mcp_http.http_router serves the app and runs the manager, from the first request to /mcp.
    On a loopback ``host`` the SDK's DNS-rebinding protection (Host / Origin checks) is on. Past
    ``max_sessions`` open sessions a new one closes an idle session to make room (SessionCaps: the least
    recently used idle one of the client holding the most, if that holds more than the newcomer will, else
    the one idle longest if idle ``evict_idle_after`` or more); a session with a request in flight is never
    closed, and with none to close the new one gets the SDK's 503 until one closes or idles out
    (``idle_seconds``). The default cap is a tenth of the SDK's
    10,000: an idle session holds ~40 KiB (measured: 2,000 sessions, +77 MiB), and sessions open at
    ~150 a second, so the SDK's cap let one client pin ~400 MiB for the 30-minute idle timeout.
    ``max_sessions_per_client`` and ``evict_idle_after`` (seconds; None: the module's default): see
    mcp_sessions.SessionCaps, in front of the SDK's app, which says each session closed and tells
    ``on_session_closed`` its reason; the manager returned runs its sweep for idle ones (mcp_sessions.Managed).
    ``stale_files``: build_server's (`recur serve`: the changed files its own check found)."""
    from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
    from mcp.server.transport_security import TransportSecuritySettings

    from recur.serve.mcp_sessions import EVICT_IDLE_AFTER, Managed, SessionCaps

    server = build_server(
        get_engine, allow_writes=False, site_url=site_url, load_wait=HTTP_LOAD_WAIT, stale_files=stale_files
    )
    # on loopback, the SDK's own default took only "127.0.0.1:*" and the like: a Host with no port (a server on
    # port 80) was a 421 on /mcp alone, every other route serving it (security.HostCheck); _proxied takes both
    security = (
        _proxied(allowed_hosts)
        if host in LOOPBACK
        else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    )
    server.streamable_http_app(
        streamable_http_path=path,
        transport_security=security,
        host=host or "0.0.0.0",
        max_sessions=max_sessions,
        session_idle_timeout=idle_seconds,
    )
    manager = server.session_manager
    capped = SessionCaps(
        StreamableHTTPASGIApp(manager),
        per_client=max_sessions_per_client,
        max_sessions=max_sessions,
        idle_seconds=idle_seconds,
        evict_idle_after=EVICT_IDLE_AFTER if evict_idle_after is None else evict_idle_after,
        on_closed=on_session_closed,
    )
    return Managed(manager, capped), JsonRpcErrors(capped)


def _proxied(hosts: tuple):
    """The SDK's loopback checks (Host and Origin must be loopback: a web page cannot reach the
    server by rebinding a name it controls to 127.0.0.1) widened by the names a reverse proxy in front
    passes on, which the operator named (none: loopback alone): on any port or none, over http or https."""
    from mcp.server.transport_security import TransportSecuritySettings

    names = ["127.0.0.1", "localhost", "[::1]", *hosts]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[h for n in names for h in (n, f"{n}:*")],
        allowed_origins=[o for n in names for s in ("http", "https") for o in (f"{s}://{n}", f"{s}://{n}:*")],
    )


class JsonRpcErrors:
    """The SDK answers most bad requests to /mcp with a JSON-RPC error body, but a few (a wrong
    Content-Type, and on loopback a foreign Host or Origin) as bare text with no Content-Type.
    This gives those the same JSON-RPC shape, status and message unchanged, so a client (or an
    operator reading logs) parses one shape from /mcp. A POST body in a content coding (gzip), which
    the SDK does not decode, is a 415 in that shape, as the API's routes refuse it. A POST body with
    a lone surrogate escape (``"\\udcff"``), which the SDK's parser refuses as a parse error, reaches
    the tools as U+FFFD, as over stdio (``run_stdio``) and in the API (BodyGuard has already read the
    body, bounded). A POST body that is JSON but no JSON-RPC message (``[1]``, ``"disk full"``, ``null``, an
    object without ``"jsonrpc": "2.0"``) is answered as over stdio (``not_a_message``): the SDK's 400 said
    "Validation error: 4 validation errors for union[JSONRPCRequest, ...]" and pydantic's dump of each."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        sent = None  # the POST body as the SDK reads it
        if scope.get("method") == "POST":
            coding = refused_content_coding(scope)
            if coding is not None:  # the SDK would read the compressed bytes as JSON: a parse error
                return await _send_json_rpc_error(send, 415, f"Unsupported Media Type: {uncompressed(coding)}".encode())
            receive, sent = await _cleaned(receive)
        held: dict = {}

        async def relay(message):
            if message["type"] == "http.response.start" and message["status"] >= 400:
                message = _no_session_header(message)
                names = {k.lower() for k, _ in message.get("headers", [])}
                # a 400 in JSON is held too: it may be the SDK's refusal of a body that is no message
                if b"content-type" not in names or (message["status"] == 400 and sent):
                    held["start"], held["body"], held["typed"] = message, b"", b"content-type" in names
                    return
            if "start" in held and message["type"] == "http.response.body":
                held["body"] += message.get("body", b"")
                if not message.get("more_body"):
                    await _send_held(send, held, sent)
                return
            await send(message)

        await self.app(scope, receive, relay)


async def _send_held(send, held: dict, sent: bytes | None) -> None:
    """A refusal ``JsonRpcErrors`` held: bare text in the JSON-RPC shape; the SDK's refusal of a body that is
    JSON but no JSON-RPC message said as ``not_a_message`` says it (status unchanged); any other as it was."""
    import json

    from mcp.types import INVALID_PARAMS

    start, body = held["start"], held["body"]
    if not held["typed"]:
        return await _send_json_rpc_error(send, start["status"], body)
    try:
        error = json.loads(body).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    # the SDK's -32602 "Validation error: ..." for a body its message types refuse (mcp.server.streamable_http):
    # said with JSON-RPC's code for an invalid request, -32600, and in the words stdio says it with
    said = str(error.get("message", ""))
    refusal = (
        not_a_message(sent) if error.get("code") == INVALID_PARAMS and said.startswith("Validation error") else None
    )
    if refusal is None:
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    answer = refusal.model_dump_json(by_alias=True, exclude_unset=True).encode()  # as the SDK writes one
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]
    await send({"type": "http.response.start", "status": start["status"], "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def _no_session_header(start: dict) -> dict:
    """A refused request's answer without ``Mcp-Session-Id``: the SDK named a new session on every 405
    (``HEAD /mcp``, a load balancer's probe, a PUT) and opened none, so a client or an operator read a
    session that did not exist (found in review). A session is named by the initialize answer only."""
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"mcp-session-id"]
    return {**start, "headers": headers}


async def _cleaned(receive):
    """(``receive`` for a request whose body is handed on cleaned, the body or None). BodyGuard, around
    every route, has read the whole body (bounded in size and time) and gives it as one message; anything
    else is passed on as it came."""
    first = await receive()
    body = None
    if first["type"] == "http.request" and not first.get("more_body"):
        body = utf8.clean_json_line(first.get("body", b""))
        first = {**first, "body": body}
    return replaying(first, receive), body


async def _send_json_rpc_error(send, status: int, text: bytes) -> None:
    import json

    from mcp.types import INVALID_REQUEST

    message = text.decode("utf-8", "replace").strip() or HTTP_REASON.get(status, "request refused")
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": INVALID_REQUEST, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


HTTP_REASON = {400: "bad request", 403: "forbidden", 421: "misdirected request"}
