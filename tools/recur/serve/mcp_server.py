"""Recur as an MCP server (the official ``mcp`` SDK's ``MCPServer``): tools and resources for AI
assistants, over the same engine and result objects as the CLI and the API.

``build_server(get_engine, allow_writes=False)`` makes the server and registers its tools and resources;
``get_engine()`` returns the loaded ``Engine`` or raises (``ApiError`` 503 / ``RecurError`` while loading or
after a failed load). ``recur mcp`` serves it over stdio (mcp_stdio.py: ``run_stdio``, ``holder_engine``);
``recur serve`` mounts it at ``/mcp`` as streamable HTTP (mcp_http.py: ``http_app``), as a route of the app,
so the app's middleware (body limit, token rules) applies to it as to ``/api``. The tools' text is rendered by
mcp_text.py, record_incident's write made by mcp_record.py, problem_report's board summed up by mcp_board.py.

Every tool returns the API's JSON as structured content (with ``site_url``, each pattern and incident with
its page's ``url``) plus a text rendering of what a model needs to act on (``mcp_text.answer_text``). A bad
argument or an unknown id is a tool error (``is_error``) whose text is the API's message and whose structured
content is the API's error shape ``{"error": {"code", "message"}}``; the server never goes down. A
tool the server does not have is not a tool error but a JSON-RPC error, -32602, as the MCP specification
says of unknown tools. Every answer from an index older than the KB's files says so (``Staleness``,
``from_index``); answers read from the KB's files as they are now do not.
"""

import logging
import re
import threading
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from pathlib import Path, PurePosixPath
from typing import Annotated
from urllib.parse import unquote

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError, UnexpectedToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError

from recur import config
from recur.kb.records import draft_mark
from recur.retrieval import patterns as pat
from recur.retrieval.results import nothing_searched
from recur.serve.bodies import MAX_PASTE, MAX_TEXT, MAX_TOP, Count, PasteIn
from recur.serve.deps import load_pauses
from recur.serve.guard import CLIENT_GONE, ApiError, ClientGone, disconnected, error_body, invalid_message
from recur.serve.mcp_text import (
    OTHER_ALERTS,
    answer_text,
    incident_text,
    linked_of,
    matched_said,
    no_such_value,
    only_low,
    page_suffix,
    pattern_changes,
    pattern_text,
    resource_about,
    stale_object,
    stale_text,
    summary_line,
    under_suffix,
)
from recur.serve.served_kb import (
    KB_UNAVAILABLE,
    KBIndexed,
    ServedKB,
    incident_links,
    incident_said,
    look_alikes_noted,
    no_pattern_listed,
    patterns_now,
)
from recur.util.errors import Caller, RecurError, calling
from recur.util.text import close_names, plural

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


# A count is read as the API reads it (bodies.Count: a whole number, ``20.0`` included; ``true``, ``2.5``
# and ``"abc"`` refused with the API's words), not by the SDK's lax rules, where ``true`` is 1 and
# each wrong kind has a message of its own.
Text = Annotated[
    str,
    Field(
        description=f"What you see: a description, an alert, a log line; up to {MAX_TEXT:,} characters are searched, "
        f"and a longer text (at most {MAX_PASTE:,} characters; over HTTP the whole request within the server's body "
        f"limit, {config.text_max_body(config.default('max_body_kib') * 1024) // 1024} KiB unless set larger) is condensed to them as `recur suggest` condenses "
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
# Every optional text argument is typed str, not str | None (left out: None, the default; null is read as left out,
# _Server._left_out): the SDK reads a string that is JSON as the value it holds for an argument not typed str alone
# (Claude Desktop sends lists as such text), so the text "null" was None, left out: list_patterns {"tag": "null"}
# listed every pattern as the filtered answer, where GET /api/patterns?tag=null answers none and the tags there are,
# and an owner, cursor or date that is an array's or object's text was "Input should be a valid string" (found in a
# re-read; past_incidents' text, a pasted JSON alert, first). record_incident's review_owner keeps the SDK's
# reading: the text "null" written as a person's name is the likelier mistake there.
IncidentsOf = Annotated[
    str,
    Field(description="Incidents linked to this pattern: its id or its resource URI (empty or left out: give text)."),
]
IncidentId = Annotated[
    str,
    Field(
        description="An incident's id, e.g. INC-2026-0209, as problem_report and past_incidents list them (any case)."
    ),
]
RESOURCE = pat.RESOURCE  # a pattern's resource URI: this, then its id


PAGE, MOST_LISTED = pat.LIST_PAGE, pat.LIST_MOST  # list_patterns' patterns per answer: left out, and at most
RESOURCES_PAGE = 200  # resources/list's patterns per page
ListLimit = Annotated[
    Count,
    Field(
        description=f"At most this many patterns in this answer (1 to {MOST_LISTED}; left out: {PAGE}).",
        json_schema_extra={"minimum": 1, "maximum": MOST_LISTED},
    ),
]
Cursor = Annotated[
    str,
    Field(
        description="Where to go on: the next_cursor of the answer before, for the patterns after its last one "
        "(empty or left out: from the first)."
    ),
]


IncidentsFor = Annotated[
    str,
    Field(description="Or: incidents of the patterns this description matches (empty or left out: give pattern_id)."),
]


def _only(what: str) -> object:
    return Annotated[
        str,
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


# What a tool's errors call the values its caller gave: its arguments (record_incident's ``patterns``), and the
# tool that lists the pattern ids. `recur mcp` runs inside a command, whose errors say flags to pass: a tool's
# caller was told "pass --kb DIR or set RECUR_KB" (found by a developer embedding Recur).
MCP_CALLER = Caller(names={"patterns": "patterns"}, lists_ids="list_patterns")


def run_tool(work: Callable[[], tuple[dict, str]]) -> CallToolResult:
    """``work()`` -> (structured, text) as a tool result, its errors said to a tool's caller (``MCP_CALLER``);
    expected failures as the API's error."""
    try:
        with calling(MCP_CALLER):
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
    that offers the listed resources offered no pattern), a page at a time (``_handle_list_resources``)."""

    def __init__(
        self,
        *args,
        get_engine: Callable,
        stale_files: Callable[[], list[str]],
        load_wait: float = 0,
        stopped: Callable[[], bool] = lambda: False,
        served_by: str = "recur mcp",
        kb_dir=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kb_dir = kb_dir  # the KB folder, known before the engine loads: KB_ONLY's tools wait for no load
        self._get_engine = get_engine
        self._served_by = served_by  # the command kb_unavailable names (_named)
        self._load_wait = load_wait  # over HTTP: how long a request waits for an engine still loading
        self._stopped = stopped  # over HTTP: whether the server's stop has begun, which ends that wait
        self._stale = Staleness(get_engine, stale_files)
        self.kbs: ServedKB | None = None  # the KB the tools read (build_server's), an incident's id told by it
        # the loaded engine, or the KB's patterns while it loads (served_kb.patterns_now, build_server's), never a wait:
        # what list_patterns, get_pattern, past_incidents by pattern_id and the resources read (None: the engine, waited for)
        self.patterns_now: Callable[[], object | None] = lambda: None

    async def _loaded(self) -> None:
        """Over HTTP (``load_wait``), a request that needs the engine while it loads waits for it, polled
        here without holding a thread (the API's getter answers 503 ``not_ready`` at once). A tool call
        right after `recur serve` started was the tool error "still loading; retry in a few seconds", where
        `recur mcp` waits (holder_engine; found calling /mcp after a restart). Any other refusal, or the wait
        ended, and the request goes on to say it. A stop ends the wait too (``stopped``): it held the call, and the
        stop, to the end of the grace period (--shutdown-grace), where the call was cut."""
        import anyio

        for pause in load_pauses(self._get_engine, self._load_wait, self._stopped):
            await anyio.sleep(pause)

    def tool(self, *args, description: str | None = None, **kwargs):
        """The SDK's decorator, the description the docstring as paragraphs (``described``), the input schema's
        optional arguments nullable (``nullable_optionals``)."""
        register = super().tool

        def decorate(fn):
            done = register(*args, description=description or described(fn.__doc__ or ""), **kwargs)(fn)
            tool = self._tool_manager.get_tool(kwargs.get("name") or (args[0] if args else None) or fn.__name__)
            if tool is not None:
                tool.parameters = nullable_optionals(tool.parameters)
            return done

        return decorate

    async def _handle_list_resources(self, ctx, params):
        """resources/list a page at a time (``RESOURCES_PAGE`` patterns, ``nextCursor`` the next page's, as the
        MCP specification pages lists): in one answer 2,000 patterns were 0.79 MB (a scale review). An unknown
        cursor is -32602, as the specification says of an invalid cursor."""
        from mcp.shared.exceptions import MCPError
        from mcp.types import INVALID_PARAMS, ListResourcesResult

        # "" as list_patterns reads it, the first page (a client that sends an empty cursor was refused, found in review)
        cursor = (params.cursor if params is not None else None) or None
        try:
            resources, next_cursor = await self.resource_page(cursor, RESOURCES_PAGE, field="nextCursor")
        except pat.LookupFailure as exc:
            raise MCPError(INVALID_PARAMS, str(exc)) from None
        return ListResourcesResult(resources=resources, next_cursor=next_cursor)

    async def list_resources(self):
        """Every resource at once (the SDK's method; resources/list answers a page, ``resource_page``)."""
        return (await self.resource_page(None, None))[0]

    async def resource_page(
        self, cursor: str | None, limit: int | None, field: str = "next_cursor"
    ) -> tuple[list, str | None]:
        """(the resources after ``cursor``, at most ``limit`` patterns (None: all), the next page's cursor or None):
        the server's own resources on the first page, then each indexed pattern by id; ``field``: the answer's
        field an unknown cursor's error names."""
        import anyio.to_thread
        from mcp.shared.exceptions import MCPError
        from mcp.types import INTERNAL_ERROR, Resource

        try:
            # the KB's patterns while the model loads, or after a failed load (``patterns_now``): it waited for the
            # load (seconds; over stdio up to 300 s) and listed nothing after a failed one, though it needs no model
            source = await self._patterns_source()
            # in a worker thread: over stdio the getter waits for the load (holder_engine), and on the event loop
            # it held every other request, tools/list too, until the model had loaded (found at start-up)
            docs = (await anyio.to_thread.run_sync(lambda: source or self._get_engine())).docs
            # a look at the KB, as the tools have; none for the KB's own patterns, which are as it is now
            changed = [] if isinstance(source, KBIndexed) else await anyio.to_thread.run_sync(self._stale.changed)
        except ApiError as exc:
            raise MCPError(INTERNAL_ERROR, exc.message) from None
        except RecurError as exc:
            raise MCPError(INTERNAL_ERROR, str(exc)) from None
        ids = sorted(docs)
        pids, start, next_cursor = pat.page_of(ids, ids, limit or len(ids) or 1, cursor, field)
        # the listing is the index's, as the tools' answers are: said in each description as in their text (the
        # SDK's Resource has no field for it, and a client shows the description), while the index is stale
        note = f"\n{stale_text(changed)}" if pattern_changes(changed) else ""  # new incident records list no pattern
        own = [*await super().list_resources()] if cursor is None else []
        return own + [
            Resource(
                uri=RESOURCE + pid,
                name=pid,
                title=docs[pid].get("title"),
                description=resource_about(docs[pid]) + note,
                mime_type="text/markdown",
            )
            for pid in pids
        ], next_cursor

    async def read_resource(self, uri, context=None):
        """Every ``recur://patterns/…`` URI is read here, as get_pattern reads its id: the SDK's template
        ``{id}`` matches no ``/``, and refuses ``..``, so a pattern's path form (``recur://patterns/capacity/disk-full``,
        which get_pattern answers) was the SDK's bare "Unknown resource" (found carrying an MCP review's left-outs).
        Only the id the URI names is looked up in the index, so no path in it is ever opened. It needs the index's
        ids and files, not the model: while the engine loads (and after a failed load) the KB's files give them
        (``patterns_now``), and it waited for the model (seconds; over stdio up to 300 s) only where no KB is read
        (an index-only deployment)."""
        if not str(uri).startswith(RESOURCE):  # another URI is the SDK's to refuse: no wait for the load either
            return await super().read_resource(uri, context)
        import anyio.to_thread
        from mcp.server.lowlevel.helper_types import ReadResourceContents

        source = await self._patterns_source()
        getter = self._get_engine if source is None else lambda: source
        text = await anyio.to_thread.run_sync(read_pattern, getter, unquote(str(uri)), self.kbs)
        return [ReadResourceContents(content=text, mime_type="text/markdown")]

    async def _patterns_source(self):
        """What ``patterns_now`` gives (the loaded engine, else the KB's patterns), asked in a worker thread (it may
        read the KB); None, where it has nothing (an index-only deployment), once the load has been waited for."""
        import anyio.to_thread

        source = await anyio.to_thread.run_sync(self.patterns_now)
        if source is None:
            await self._loaded()
        return source

    async def call_tool(self, name, arguments, context=None):
        if self._tool_manager.get_tool(name) is None:
            raise self._unknown_tool(name)
        unknown = self._unknown_arguments(name, arguments)
        if unknown:
            return _failure("invalid_request", unknown)
        arguments = self._left_out(name, arguments)
        if not await self._answers_now(name, arguments):  # the others need the engine: wait for its load
            await self._loaded()
        wanted = CLIENT_GONE.set(_gone_check(context))  # copied into the tool's worker thread
        try:
            result = _named(await super().call_tool(name, arguments, context), self._served_by)
            if not from_index(name, arguments) or await self._kb_read():
                return result  # the KB's patterns are as it is now (and its staleness getter waits for the load)
            return await self._stale.noted(result, name)
        except ToolError as exc:
            if isinstance(exc, UnexpectedToolError) or not isinstance(exc.__cause__, ValidationError):
                raise
            return _failure("invalid_request", invalid_message(exc.__cause__.errors()))
        finally:
            CLIENT_GONE.reset(wanted)

    async def _answers_now(self, name, arguments) -> bool:
        """Whether a call answers without the engine: the tools that read only the KB (``KB_ONLY``) given its folder,
        and those that read only the index's patterns (``KB_PATTERNS``, past_incidents by pattern_id) while the KB's
        patterns (or the loaded engine) are there to read (``patterns_now``; by text past_incidents needs the
        model)."""
        import anyio.to_thread

        if name in KB_ONLY and self.kb_dir is not None:
            return True
        if name not in KB_PATTERNS and (name != "past_incidents" or from_index(name, arguments)):
            return False
        return await anyio.to_thread.run_sync(self.patterns_now) is not None

    async def _kb_read(self) -> bool:
        """Whether the index's patterns are the KB's now (``KBIndexed``: the model not loaded), not the engine's."""
        import anyio.to_thread

        return isinstance(await anyio.to_thread.run_sync(self.patterns_now), KBIndexed)

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

    def _left_out(self, name: str, arguments):
        """``arguments`` without the optional ones given as null or blank text, which count as left out: a client
        whose tool schemas make every field nullable (OpenAI's strict mode) sends null for each it skips, and a
        model fills one with "". The list filters took both so; suggest_patterns top, past_incidents limit and
        record_incident's flags, patterns and allow_duplicate refused null ("Input should be a valid integer";
        found in review). A required argument is left as given: its own refusal names it. So is blank text for an
        argument that takes text: each tool reads that as left out itself, in words of its own (past_incidents
        given only a blank text says the text is empty)."""
        tool = self._tool_manager.get_tool(name)
        if tool is None or not isinstance(arguments, dict):
            return arguments
        schema = tool.parameters or {}
        required, props = set(schema.get("required", [])), schema.get("properties", {})

        def left_out(k, v) -> bool:
            blank = isinstance(v, str) and not v.strip() and not _takes_text(props.get(k) or {})
            return k not in required and (v is None or blank)

        return {k: v for k, v in arguments.items() if not left_out(k, v)}

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


def nullable_optionals(schema: dict) -> dict:
    """A tool's input schema with each optional argument saying it takes null, as pydantic writes an
    ``Optional[...]`` one: ``{"anyOf": [{"type": "integer"}, {"type": "null"}], "default": 5, ...}``, its type (and
    an array's items) in the first branch, the rest (title, description, default, a number's bounds, which JSON
    Schema applies to numbers alone) beside. Every tool takes null for an optional argument as left out
    (``_Server._left_out``), but suggest_patterns' top, the limits and record_incident's flags, patterns and
    allow_duplicate said a bare type: a client that checks its arguments against the schema (OpenAI's strict mode
    sends null for each one it skips) could not send what the server takes (left out of a review)."""
    required = set(schema.get("required") or [])
    props = schema.get("properties") or {}
    out = {}
    for name, prop in props.items():
        branches = prop.get("anyOf") or [prop]
        if name in required or any(b.get("type") == "null" for b in branches) or "type" not in prop:
            out[name] = prop
            continue
        typed = {k: v for k, v in prop.items() if k in ("type", "items")}
        out[name] = {"anyOf": [typed, {"type": "null"}], **{k: v for k, v in prop.items() if k not in typed}}
    return {**schema, "properties": out} if props else schema


def _takes_text(prop: dict) -> bool:
    """Whether a tool argument's JSON schema takes a string (``{"type": "string"}`` or one of its ``anyOf``)."""
    return prop.get("type") == "string" or any(p.get("type") == "string" for p in prop.get("anyOf") or [])


def from_index(name: str, arguments) -> bool:
    """Whether a tool's answer comes from the index, and so may be out of date when the KB changed since it was
    built: suggest_patterns, get_pattern, list_patterns, and past_incidents by text (the index matches its
    patterns). past_incidents by pattern_id and problem_report read the KB's files as they are now, and
    record_incident's answer is its write's: each carried the note "this answer comes from the old index, ... may
    be out of date" all the same, and get_pattern's two linked incidents read as no less current than
    past_incidents' three (found in review)."""
    if name == "past_incidents":
        given = arguments if isinstance(arguments, dict) else {}
        text, pid = given.get("text"), given.get("pattern_id")
        return isinstance(text, str) and bool(text.strip()) and not (isinstance(pid, str) and pid.strip())
    return name in INDEXED


INDEXED = {"suggest_patterns", "get_pattern", "list_patterns"}  # tools answered from the index alone
# tools answered from the KB's records alone, neither model nor index: they answer while the engine loads, and after a
# load that failed, as GET /api/report does, from the KB folder the server was started with (build_server's
# ``kb_dir``). problem_report waited for the load (~10 s after a start, minutes behind a first index build; over
# stdio up to 300 s) and said engine_failed for good after a failed one, where the API answered (found in review).
# past_incidents by pattern_id and a pattern's resource need the index's ids and files, which the KB's patterns give
# while it loads (served_kb.patterns_now, _Server._answers_now); by text past_incidents needs the model
KB_ONLY = {"problem_report", "get_incident"}
# tools that read the index's patterns, not the model: answered from the KB's patterns while the engine loads, and
# after a failed load (served_kb.KBIndexed), as resources/list is; they waited for the load (over stdio up to 300 s),
# and said engine_failed for good after a failed one
KB_PATTERNS = {"list_patterns", "get_pattern"}
# answers current when incident records alone changed: list_patterns lists patterns only, and past_incidents'
# incidents are the KB's as recorded now (its text is matched to patterns by the index, whose patterns are current)
CURRENT_INCIDENTS = {"list_patterns", "past_incidents"}
# get_pattern's incidents are the index's, past_incidents' the KB's now: said where the two may differ
LINKED_LAG = " Its linked incidents are the index's: past_incidents lists them as recorded now."


class Staleness:
    """Whether the KB's files changed since the served index was built (a pattern edited or moved away while
    the server runs): every answer from the old index then carries ``stale`` and a line of text naming the
    files. Nothing said it, and an assistant read an edited pattern's old runbook as current (found in an MCP
    integrator's review). ``files``: the changed files the engine's owner found, an EngineHolder's
    ``kb_changed`` (`recur serve`'s, from the check /healthz reports, and `recur mcp`'s, the check it logs; by
    retrieval.index's ``kb_changes``, incident records included, nothing to compare with no KB folder). This
    server made its own look once, walking and hashing the KB a second time on its own clock; both production
    callers read the holder's, so that look served only tests, and went (found in review)."""

    def __init__(self, get_engine: Callable, files: Callable[[], list[str]]):
        self._get_engine, self._files = get_engine, files

    def changed(self) -> list[str]:
        self._get_engine()  # first: a server still loading, or failed, says so (noted answers as it was)
        return list(self._files())

    async def noted(self, result, tool: str = ""):
        """A successful tool result with ``stale`` and its line of text when the index is older than the KB;
        ``tool``: the tool that answered (get_pattern's note says its incidents may lag)."""
        import anyio.to_thread

        if not isinstance(result, CallToolResult) or result.is_error or not isinstance(result.structured_content, dict):
            return result
        try:
            changed = await anyio.to_thread.run_sync(self.changed)  # a walk of the KB: not on the event loop
        except (ApiError, RecurError):
            return result
        if not changed or (not pattern_changes(changed) and tool in CURRENT_INCIDENTS):
            return result
        # the object the API's answers carry too (mcp_text.stale_object): one wording of it
        stale = stale_object(changed, LINKED_LAG if tool == "get_pattern" else "")
        result.structured_content["stale"] = stale
        for block in result.content[:1]:
            if isinstance(block, TextContent):
                block.text = f"{stale['message']}\n{block.text}"
        return result


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


_shown = pat.shown_given  # a name the client sent, as an error message repeats it


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


def build_server(
    get_engine: Callable,
    *,
    allow_writes: bool = False,
    site_url: str | None = None,
    stale_files: Callable[[], list[str]],
    load_wait: float = 0,
    stopped: Callable[[], bool] = lambda: False,
    severities: list[str] | None = None,
    served_by: str = "recur mcp",
    kb_files: Callable[[], dict | None] | None = None,
    kbs: ServedKB | None = None,
    kb_dir=None,
    engine_now: Callable | None = None,
) -> MCPServer:
    """The server and its tools. ``site_url``: the built site's base URL (`recur serve --site-url`,
    `recur mcp --site-url`): each pattern and incident in an answer has its page's ``url`` beside its
    ``path``, in the structured content and the text, as Slack links its titles. ``load_wait``: seconds a
    request waits for an engine that ``get_engine`` says is still loading (HTTP: it does not wait itself), until
    ``stopped()`` says the server's stop has begun.
    ``stale_files``: the KB files changed since the served index was built, as the engine's owner found them
    (an EngineHolder's ``kb_changed``, `recur serve`'s and `recur mcp`'s): each answer says them (``Staleness``).
    ``severities``: the framework's level keys (loader.severity_keys), named in record_incident's schema.
    ``served_by``: the command serving it (`recur mcp`; mcp_http's `recur serve`), named where a call fails for
    the server's configuration (kb_unavailable, ``_named``).
    ``kb_files``: the KB's signature at that owner's last look (its ``kb_files``): the KB past_incidents and
    problem_report read is kept until it changes (``ServedKB``); ``kbs``: that ServedKB, given when another reads
    it too (`recur serve`'s GET /api/report), else one of its own over ``kb_files``. ``kb_dir``: the KB folder
    (`recur mcp --kb`, `recur serve --kb`), known before the engine loads: problem_report and get_incident read it
    without waiting for the load (``KB_ONLY``); None: the loaded engine's. ``engine_now``: a getter of the engine
    that never waits (`recur serve`'s, which says not_ready at once; `recur mcp`'s holder_engine with no wait): what
    get_incident says of a pattern's id is the index's once it has loaded, as get_pattern answers (``indexed``)."""
    from recur import __version__

    root = logging.getLogger()
    kept = root.handlers[:], root.level
    server = _Server(
        "recur",
        get_engine=get_engine,
        load_wait=load_wait,
        stopped=stopped,
        stale_files=stale_files,
        title="Recur: known failure patterns",
        version=__version__,
        instructions=INSTRUCTIONS + (WRITE_INSTRUCTIONS if allow_writes else ""),
        log_level="WARNING",
        served_by=served_by,
        kb_dir=kb_dir,
    )
    root.handlers[:], root.level = kept  # the SDK's logging.basicConfig must not make every library's logs loud
    kbs = kbs if kbs is not None else ServedKB(kb_files)
    now = engine_now if engine_now is not None else (get_engine if kb_dir is None else None)
    _read_tools(server, get_engine, kbs, writes=allow_writes, site_url=site_url, kb_dir=kb_dir, engine_now=now)
    _report_tools(server, records(get_engine, kbs, kb_dir), kbs, site_url)
    if allow_writes:
        _write_tools(server, get_engine, kbs, severities or [])
    _resources(server, get_engine, kbs)
    server.patterns_now = patterns_now(now, kbs, kb_dir)
    return server


def records(get_engine: Callable, kbs: "ServedKB", kb_dir) -> Callable:
    """The getter of the KB ``KB_ONLY``'s tools read (``kbs``'s): at ``kb_dir`` with no engine, or the engine's
    folder when the server was given none (a server built over an engine alone), ``kb_unavailable`` as server_kb."""
    if kb_dir is None:
        return lambda: kbs.kb(get_engine())
    return lambda: kbs.at(kb_dir)


def indexed(engine_now: Callable | None) -> Callable[[], dict | None]:
    """The getter of the served index's patterns ({id: doc}) as they are now, asked of ``engine_now`` (a getter that
    never waits; with no engine given, a tool that waited for the load: ``build_server``): None while the engine
    loads, after a load that failed, or with no such getter."""

    def docs() -> dict | None:
        if engine_now is None:
            return None
        try:
            return engine_now().docs
        except (ApiError, RecurError):  # not_ready, engine_failed: the KB's patterns are told instead
            return None

    return docs


def _read_tools(  # long: one keyword argument a line
    server: MCPServer,
    get_engine: Callable,
    kbs: "ServedKB",
    *,
    writes: bool,
    site_url: str | None,
    kb_dir=None,
    engine_now: Callable | None = None,
) -> None:
    where = IncidentPaths(kbs)  # get_pattern's incident files, read once (not the whole KB on every call)

    def paged(rows: list[dict]) -> list[dict]:
        return with_urls(rows, site_url)

    @server.tool(annotations=READ_ONLY)
    def suggest_patterns(text: Text, top: Top = 5) -> CallToolResult:
        """The known failure patterns for a description, an alert or a log line, in ranked order (each
        probability is estimated on its own: they need not decrease down the list): for each, why it
        matched, the first runbook steps, the evidence to preserve, a probability (the estimated chance that
        it is a right answer; null on a KB of fewer than 30 patterns), a confidence from it (high, medium,
        low) and rule (the ranking rule that moved it up, such as code_first for an error code of its signal,
        its probability then the rule's where the rule raised it; null when none did). no_known_pattern is true when nothing in the knowledge base describes the text (the results
        are then only the closest patterns, for comparison), null when nothing was searched (a paste that is
        no alert nor incident, such as an AWS SNS subscription confirmation: query_note says so). The text gives evidence and first steps for the first
        3 results only, and none when no_known_pattern is true (the closest are listed by title and likelihood);
        the structured content has them all."""

        def work():
            q = PasteIn(text=text, top=top)  # the API's checks and messages, for a text up to MAX_PASTE
            answer = get_engine().answer(q.text, top=q.top, others=OTHER_ALERTS).to_json()
            answer["results"] = paged(answer["results"])
            if answer["likelier"] is not None:  # a result `top` left out: its page too, as the results have
                answer["likelier"] = paged([answer["likelier"]])[0]
            return answer, answer_text(answer, writes=writes, site_url=site_url)

        return run_tool(work)

    @server.tool(annotations=READ_ONLY)
    def get_pattern(id: PatternId) -> CallToolResult:  # noqa: A002 - the public argument name
        """One failure pattern in full: symptoms, signals, summary, runbook, evidence to preserve, root cause,
        detection, permanent fix and its status, linked incidents and look-alikes (patterns it is confused
        with, and what tells them apart)."""

        return run_tool(lambda: _get_pattern(lambda: server.patterns_now() or get_engine(), id, site_url, where))

    _list_tool(server, lambda: server.patterns_now() or get_engine(), site_url)  # tools/list lists them in this order

    @server.tool(annotations=READ_ONLY)
    def past_incidents(pattern_id: IncidentsOf = None, text: IncidentsFor = None, limit: Limit = 20) -> CallToolResult:
        """Recorded incidents, newest first: those linked to a pattern (pattern_id), or those linked to the
        patterns a description matches with high or medium confidence (text). Give one of the two. Each incident's
        summary and sections are cut at the server's limit (1,000 characters unless set; fewer when many incidents
        are listed: section_chars says it), marked, and named in its cut_sections; with too many for that, the
        older ones come with their summary alone (left_out_sections, incidents_without_sections), and past the
        answer's bound the oldest are left out whole (incidents_left_out); follow-ups and flags past the first 20
        of each are counted in left_out_items. sections_note says what was cut and what gives it whole."""

        def work():
            given = pat.given_pattern_id(pattern_id)
            return _past_incidents(get_engine, kbs, given, text, limit, site_url, server.patterns_now)

        return run_tool(work)

    # after past_incidents: tools/list lists them so
    _incident_tool(server, records(get_engine, kbs, kb_dir), indexed(engine_now), site_url)


def _incident_tool(server: MCPServer, read_kb: Callable, docs: Callable, site_url: str | None) -> None:
    @server.tool(annotations=READ_ONLY)
    def get_incident(id: IncidentId) -> CallToolResult:  # noqa: A002 - the public argument name
        """One recorded incident, the object `recur show INC-… --json` prints: title, date, severity, services,
        linked patterns, summary, review, duration, follow-ups, flags and its other sections (timeline, root
        cause, …), read from the knowledge base as it is now; its summary and sections cut at the server's limit as
        past_incidents cuts them (cut_sections names them). For an incident problem_report lists that links no
        pattern yet, which past_incidents cannot list."""

        return run_tool(lambda: _get_incident(read_kb, id, site_url, docs))


def _list_tool(server: MCPServer, get_engine: Callable, site_url: str | None) -> None:
    @server.tool(annotations=READ_ONLY)
    def list_patterns(
        category: Category = None,
        service: Service = None,
        tag: Tag = None,
        severity: Severity = None,
        limit: ListLimit = PAGE,
        cursor: Cursor = None,
    ) -> CallToolResult:
        """The knowledge base's failure patterns, briefly (id, title, category, severity, status, summary,
        path), sorted by id, optionally only those of a category, a service, a tag or a severity (e.g. sev1).
        At most `limit` per answer (50 left out): total counts them all, and next_cursor, given as cursor, lists
        the next ones (null: no more)."""

        def work():
            given = {"category": category, "service": service, "tag": tag, "severity": severity}
            page = (limit, _given(cursor))
            return _list_patterns(get_engine().docs, {k: _given(v) for k, v in given.items()}, site_url, page)

        return run_tool(work)


class IncidentPaths:
    """The KB file of each incident id, from one reading of the KB, trusted while each file asked for has the stamp
    it had then (util.stamp: a stat of each, no walk): read whole on every get_pattern call, a KB of 1,000 patterns
    and 1,000 incidents took 706 ms a call instead of 0.8 ms (found in review). An id it does not know, or a file
    moved or changed since, and the KB is read again: the one ``ServedKB`` keeps for past_incidents and
    problem_report (each read the KB whole after a record_incident, twice the load; found in review)."""

    def __init__(self, kbs: "ServedKB"):
        self.kbs = kbs
        self._lock = threading.Lock()  # tool calls run in worker threads
        self._read: tuple = (None, {})  # (the KB folder read, {incident id: (its file, its util.stamp)})

    def paths(self, engine, ids: list[str]) -> dict[str, str]:
        """{id: the incident's KB-relative file} of those of ``ids`` the KB has; ``kb_unavailable`` as server_kb."""
        from pathlib import Path

        root = Path(engine.kb_dir)
        with self._lock:
            read, known = self._read
            if read != root or not all(self._same(root, known.get(i)) for i in ids):
                kb = self.kbs.kb(engine)
                signature = kb.signature or {}
                known = {i.id: (i.relpath, signature.get(i.relpath)) for i in kb.incidents.values()}
                self._read = (root, known)
            return {i: known[i][0] for i in ids if i in known}

    @staticmethod
    def _same(root, entry) -> bool:
        from recur.util.stamp import file_stamp

        # the stamp the KB's signature took (util.stamp): a same-size edit whose mtime came back is a change
        return entry is not None and entry[1] is not None and file_stamp(root / entry[0]) == list(entry[1])


def _get_pattern(get_engine: Callable, given: str, site_url: str | None, where: IncidentPaths) -> tuple[dict, str]:
    """get_pattern's answer, from the loaded engine's index or, while the model loads (or after a failed load), the
    KB's patterns (``get_engine``: _Server.patterns_now's, a ``KBIndexed``), whose look-alikes say what they lack."""
    if isinstance(given, str) and not given.strip():  # as suggest_patterns' text: it was "no pattern ''"
        raise pat.LookupFailure("id: must not be empty: give a pattern id, e.g. disk-full (see list_patterns)")
    engine, pattern_id = get_engine(), pat.given_pattern_id(given)
    with incident_told(engine, where.kbs):
        found = pat.pattern_object(engine.docs, pattern_id, pat.retired(engine.manifest), kb_dir=engine.kb_dir)
    (doc,) = with_urls([found], site_url)
    if site_url:  # its incidents and look-alikes linked too (the docs promise every pattern and incident a url)
        doc["incidents"] = _incident_pages(engine, doc, site_url, where)
        doc["look_alikes"] = [
            {**a, "url": pat.site_page(site_url, engine.docs[a["id"]]["path"])} if a.get("id") in engine.docs else a
            for a in doc.get("look_alikes") or []
        ]
    titles = {
        a.get("id"): engine.docs[a["id"]].get("title")
        for a in doc.get("look_alikes") or []
        if a.get("id") in engine.docs
    }
    doc = look_alikes_noted(engine, doc)  # the KB's patterns: no look-alikes by meaning without the model
    text = pattern_text(doc, titles)
    return doc, f"{text}\n\nNote: {doc['look_alikes_note']}." if "look_alikes_note" in doc else text


class IncidentNotPattern(pat.LookupFailure):
    """An incident's id given for a pattern's, said as an assistant can act on it (incident_told)."""

    code = "pattern_not_found"


@contextmanager
def incident_told(engine, kbs: "ServedKB"):
    """A pattern id that is an incident record's (PatternNotFound's ``incident_id``) told as what an assistant can
    do: past_incidents by a pattern it links lists it, with its summary and sections. problem_report lists
    incidents by id (needs analysis, overdue reviews), and get_pattern of one said "no pattern with id
    'inc-2026-0209'", the id lowered, naming nothing to call (found in an MCP review). The record is found by its
    file (an id of its own, in any letter case), and one the loader left out for errors is said to be, as `recur
    show` says it: "recur show ID prints it" led to an error (found in a re-read)."""
    try:
        yield
    except pat.PatternNotFound as exc:
        if exc.incident_id is None:
            raise
        try:
            kb = kbs.kb(engine)
        except RecurError:  # a KB the server cannot read: the error as it was
            raise exc from None
        said = _incident_said(kb, exc.incident_id, exc.incident_file)
        if said is None:
            raise
        raise IncidentNotPattern(said) from None


def _incident_said(kb, iid: str, relpath: str) -> str | None:
    """What incident_told says of the record in file ``relpath`` (id ``iid``, its file's name); None when the KB
    read has neither the record nor an error of its file (the file came after the read)."""
    told = incident_links(kb, relpath)
    if told is None:
        return _record_errors(kb, iid, relpath, ", not a pattern,")
    none = no_pattern_listed(told)
    if none is None:
        how = f"past_incidents with pattern_id {told.listers[0]} lists it, with its summary and sections (it links {told.links})"
    else:
        how = f"{none}, so past_incidents does not list it"
    how += f"; get_incident {told.iid} gives it, as `recur show {told.iid}` prints it"
    return incident_said(told, relpath, how)


def _record_errors(kb, iid: str, relpath: str, what: str = "") -> str | None:
    """That the incident record in ``relpath`` has errors and is left out (None when the KB read names none), as
    `recur show` says it; ``what`` after its file (``, not a pattern,``)."""
    first = next((e for e in kb.errors if f"/{Path(str(e.path)).as_posix()}".endswith("/" + relpath)), None)
    if first is None:
        return None
    return (
        f"{iid!r} is an incident record ({relpath}){what} and has errors recur check reports (line {first.line}: "
        f"{first.field}: {first.message}); until they are fixed it is left out of past_incidents, get_incident, "
        "problem_report and the site"
    )


class IncidentNotFound(pat.LookupFailure):
    """get_incident's id no incident record has (or whose file has errors)."""

    code = "incident_not_found"


def _get_incident(read_kb: Callable, given, site_url: str | None, docs: Callable = lambda: None) -> tuple[dict, str]:
    """get_incident: the incident's object as `recur show ID --json` gives it (retrieval.patterns.incident_object),
    its summary and sections cut as past_incidents cuts them, and its text. An assistant had no way to read an
    incident problem_report lists that links no pattern (needs analysis): past_incidents lists incidents by
    pattern, and get_pattern of its id said what lists it, which was nothing (found in a re-read). ``read_kb``: the
    KB as it is now (``records``), no engine: it answers while the model loads; ``docs``: the served index's
    patterns once it has loaded (``indexed``), which a pattern's id is told by, as get_pattern reads it."""
    if not isinstance(given, str) or not given.strip():
        raise pat.LookupFailure(
            "id: must not be empty: give an incident's id, e.g. INC-2026-0209 (problem_report lists them)"
        )
    given = given.strip()
    kb = read_kb()
    folded = [i for i in kb.incidents.values() if i.id.casefold() == given.casefold()]
    incident = kb.incidents.get(given) or (folded[0] if len(folded) == 1 else None)
    if incident is None:
        raise IncidentNotFound(_no_incident(kb, given, docs()))
    got = pat.given_sections(
        with_urls([pat.incident_object(incident)], site_url),
        config.get("mcp_section_chars"),
        room=config.MCP_ANSWER_CHARS - NOTE_ROOM,
    )
    if not got["incidents"]:  # a title pages long, services by the hundred: past the answer's bound even so
        raise pat.LookupFailure(
            f"{incident.id}'s record is too large for one answer ({incident.relpath}): `recur show {incident.id}` "
            "prints it"
        )
    (doc,) = got["incidents"]
    note, cut_said = _cut_said(got["incidents"], got["chars"], got["left_out"], got["dropped"])
    if note:
        doc["sections_note"] = note
    titles = {pid: kb.patterns[pid].title for pid in doc["patterns"] if pid in kb.patterns}
    return doc, "\n".join([incident_text(doc, titles), *cut_said])


def _no_incident(kb, given: str, docs: dict | None = None) -> str:
    """Why get_incident has no incident of id ``given``: its file has errors, it is a pattern's id (``_a_pattern``),
    or no record has it (the close ids named, as get_pattern names a misspelt pattern's)."""
    from recur.kb.loader import incident_record_file

    relpath = incident_record_file(kb.root, given)
    if relpath is not None and (said := _record_errors(kb, PurePosixPath(relpath).stem, relpath)):
        return said
    if (said := _a_pattern(kb, pat.given_pattern_id(given), docs)) is not None:
        return said
    meant = close_names(given, list(kb.incidents))
    return f"no incident with id {given!r} in the knowledge base" + (
        f" (did you mean {', '.join(map(repr, meant))}?)" if meant else ": problem_report and past_incidents list them"
    )


def _a_pattern(kb, pid: str, docs: dict | None) -> str | None:
    """What get_incident says of ``pid`` when it is a pattern's id, as get_pattern answers it: by the served index's
    patterns once it has loaded (``docs``), the KB's while it loads (a retired one as retired), else None. The KB's
    alone said "get_pattern X gives it" of a pattern written since the index was built and of a retired one, which
    get_pattern answered "no pattern with id X in the index" and "retired", and "no incident" of a pattern deleted
    that get_pattern still gave (found in a re-read: the index and the KB disagree until `recur index`)."""
    p = kb.patterns.get(pid)
    active = p is not None and p.status != "retired"
    if (pid in docs) if docs is not None else active:
        return f"{pid!r} is a pattern, not an incident: get_pattern {pid} gives it, past_incidents its incidents"
    if p is not None and not active:
        return f"{pid!r} is a retired pattern, not an incident: get_pattern {pid} says what became of it"
    if p is not None:
        return (  # a file with errors is in neither (loader.load_kb leaves it out, as the index does)
            f"{pid!r} is a pattern, not an incident, added or changed since the served index was built: get_pattern "
            f"{pid} gives it once the index is rebuilt (`recur index`)"
        )
    return None


def _incident_pages(engine, doc: dict, site_url: str, where: IncidentPaths) -> list[dict]:
    """The pattern's incidents (the index's id, date and title) each with its file's ``path`` and page ``url``:
    the index records no path (an incident's file is named by its id, but its year folder need not be its date's),
    so ``where`` finds it. A KB the server cannot read (an index-only deployment: Engine.open answers from the index
    alone) leaves them as the index has them: get_pattern was ``kb_unavailable`` there, where it answers without a
    site URL."""
    try:
        paths = where.paths(engine, [i["id"] for i in doc["incidents"] if i.get("id")])
    except pat.LookupFailure as exc:
        if exc.code != KB_UNAVAILABLE:
            raise
        return doc["incidents"]
    return [
        {**i, "path": paths[i["id"]], "url": pat.site_page(site_url, paths[i["id"]])} if i.get("id") in paths else i
        for i in doc["incidents"]
    ]


def _list_patterns(docs: dict, given: dict, site_url: str | None, page: tuple[int, str | None]) -> tuple[dict, str]:
    """list_patterns' answer: ``page`` is (limit, cursor). Not paged, 2,000 patterns were 1.58 MB (a text of
    171,035 characters, over the ~25,000 tokens common MCP clients take from a tool; a scale review)."""
    limit, cursor = page
    given["severity"], severity_note = pat.pattern_severity(docs, given.get("severity"))
    listed = pat.pattern_list(docs, **given)
    shown, start, next_cursor = pat.list_page(listed, limit, cursor)
    rows = with_urls(shown, site_url)
    # a draft marked as suggest_patterns marks it: listed plain, a draft read as a reviewed runbook (found in review)
    marks = {
        r["id"]: draft_mark(
            {"draft": r["status"] == "draft", "import_draft": (docs.get(r["id"]) or {}).get("import_draft")}
        )
        for r in rows
    }
    lines = [
        f"- {r['id']}: {r['title']}{marks[r['id']]} ({r['category']}, {r['severity']}){page_suffix(r)}" for r in rows
    ]
    out = {"patterns": rows, "total": len(listed), "next_cursor": next_cursor}
    head = plural(len(listed), "pattern")
    if len(rows) < len(listed):  # a page: which, and how to go on
        head += f"; showing {len(rows)} of {len(listed)}" + (f" ({start + 1} to {start + len(rows)})" if rows else "")
        if next_cursor:
            head += f'; pass cursor="{next_cursor}" for more'
        else:
            head += "; the last of them" if rows else "; none after the cursor"
    if severity_note:
        out["severity_note"] = severity_note
        head += f"; {severity_note}"
    unknown = {} if listed else pat.unmatched_filters(docs, **given)
    if unknown:  # a value no pattern has: the values there are (not an error: the list is empty)
        out["known_values"] = unknown
        head += "".join(f"; {no_such_value(name, given[name], values)}" for name, values in unknown.items())
    return out, head + ("\n" + "\n".join(lines) if lines else "")


def _named(result, served_by: str):
    """A tool's ``kb_unavailable`` failure (server_kb's reason) said in full, naming ``served_by``, the command
    that runs the server, as the one whose --kb it is: the message named `recur serve` and `recur mcp` both, and
    the user had to work out which one the assistant talked to. The command was threaded through seven
    signatures to reach this sentence; the server knows it (found in review)."""
    error = (result.structured_content or {}).get("error") if isinstance(result, CallToolResult) else None
    if not isinstance(error, dict) or not result.is_error or error.get("code") != KB_UNAVAILABLE:
        return result
    return _failure(
        KB_UNAVAILABLE,
        f"the server cannot read its knowledge base: {error['message']}. This is the server's configuration (the "
        f"--kb of the `{served_by}` that runs it), not this call's arguments: tell the user, who runs it",
    )


def _past_incidents(  # long: one parameter a line
    get_engine: Callable,
    kbs,
    pattern_id,
    text,
    limit: int,
    site_url=None,
    patterns: Callable[[], object | None] = lambda: None,
) -> tuple[dict, str]:
    """past_incidents' answer. By pattern_id the id is checked against the index's patterns, the loaded engine's or,
    while it loads, the KB's (``patterns``: _Server.patterns_now), and the incidents are the KB's: no model, no
    wait; by text the engine's search matches it."""
    if not 1 <= limit <= pat.MAX_INCIDENTS:
        raise pat.LookupFailure(f"limit: must be between 1 and {pat.MAX_INCIDENTS}")
    if pattern_id is not None and text is not None and (_given(pattern_id) or _given(text)):
        # a model client fills the one it leaves out with "" (as _given): the other is the one meant
        pattern_id, text = _given(pattern_id), _given(text)
    if pattern_id is not None and text is not None:
        raise pat.LookupFailure("give pattern_id or text (one of them)")
    by_text = text is not None and pattern_id is None
    q = PasteIn(text=text, top=5) if by_text else None  # a blank text refused before any wait (no engine needed)
    engine = get_engine() if by_text else (patterns() or get_engine())
    answer = None
    if q is not None:
        answer = engine.answer(q.text, top=q.top)
    kb = kbs.kb(engine)
    with incident_told(engine, kbs):
        out = pat.past_incidents(engine, kb, pattern_id=pattern_id, answer=answer, limit=limit)
    if answer is not None and answer.no_known_pattern is None:  # what it is, for a client reading structured content
        out["query_note"] = answer.query_note
    # each section cut, and said to be, the whole answer bounded: for an assistant's context. The note and the
    # answer's other keys (a query as long as the text asked with) counted in its characters
    summaries = {i["id"]: i.get("summary") for i in out["incidents"]}  # whole: the text cuts them its own way
    rest = {**out, "incidents": [], "section_chars": 0, "incidents_without_sections": [], "incidents_left_out": []}
    room = config.MCP_ANSWER_CHARS - NOTE_ROOM - pat.json_chars(rest)
    given = pat.given_sections(with_urls(out["incidents"], site_url), config.get("mcp_section_chars"), room=room)
    out["incidents"], out["section_chars"] = given["incidents"], given["chars"]
    out["incidents_without_sections"], out["incidents_left_out"] = given["left_out"], given["dropped"]
    note, cut_said = _cut_said(out["incidents"], given["chars"], given["left_out"], given["dropped"])
    if note:
        out["sections_note"] = note
    matched = out.get("patterns")  # by text: which of the matched patterns each incident is listed for
    listed = out["incidents"]
    lines = [
        said
        for i in listed
        for said in (
            f"- {i['date']} {i['id']} ({i['severity']}): {i['title']}{linked_of(i, matched)}{under_suffix(i)}"
            f"{page_suffix(i)}",
            *summary_line(summaries.get(i["id"]), len(listed)),
        )
    ]
    head = f"{plural(len(listed), 'incident')}, newest first" if listed else "No recorded incidents"
    if answer is not None and answer.no_known_pattern is None:  # an SNS subscription confirmation: no verdict
        # found in a re-read: "No pattern matches with medium or high confidence" was said of a text not searched
        head = f"{nothing_searched(answer.query_note)[:-1]}; so no linked incidents are listed"
    elif answer is not None and answer.no_known_pattern:
        head = "No known pattern matches this text, so no linked incidents"
    elif answer is not None and not matched:
        head = only_low(answer.results, kb)
    elif matched:  # "No recorded incidents linked to …", "2 incidents, newest first, linked to …"
        head += ("," if lines else "") + matched_said(matched)
    lines += cut_said
    return out, head + ("\n" + "\n".join(lines) if lines else "")


# the most characters past_incidents' sections_note takes in the answer, its key and comma counted (numbers aside,
# its words are fixed: no ids), and section_chars' digits beyond the 0 the answer's other keys were measured with:
# its four parts at once take 402 (test_mcp), which 300 did not hold
NOTE_ROOM = 420


def _cut_said(
    incidents: list[dict], chars: int, left_out: list[str], dropped: list[str]
) -> tuple[str | None, list[str]]:
    """What past_incidents cut and left out, and what gives it whole: short for the structured content
    (``sections_note``, None when nothing was cut), and the text's lines. Claude Code gives the model the
    structured content and drops the text, so the advice to run `recur show` or ask for fewer was not seen there.
    One function for both, so what the two say of a cut stays the same."""
    over = f"Sections over {chars:,} character{'' if chars == 1 else 's'} are cut (cut_sections names them"
    short, said = [], []
    if any(i["cut_sections"] for i in incidents):
        short.append(f"{over})")
        said.append(
            f"{over}; fewer incidents, by limit, leave each longer): `recur show INC-…` prints an incident whole, "
            "as its file holds it"
        )
    cut = [i for i in incidents if i["left_out_items"]]
    if cut:
        items = f"past the first {config.MCP_LIST_ITEMS}"
        counts = ", ".join(f"{i['id']}: {_items_said(i['left_out_items'])}" for i in cut[:5])
        more = f" and {len(cut) - 5} more incidents" if len(cut) > 5 else ""
        short.append(f"follow-ups and flags {items} left out (left_out_items counts them)")
        said.append(
            f"Follow-ups and flags {items} of each incident are left out ({counts}{more}; left_out_items counts "
            "them): `recur show INC-…` lists them all"
        )
    if left_out:
        short.append(
            f"sections left out of the oldest {plural(len(left_out), 'incident')} listed (incidents_without_sections)"
        )
        said.append(
            f"{plural(len(left_out), 'incident')} ({_from_on(left_out)}) listed without sections, only the summary, "
            f"the answer's room ({config.MCP_ANSWER_SECTION_CHARS:,} characters of summaries and sections, "
            f"{config.MCP_ANSWER_CHARS:,} in all) given to the newer ones (left_out_sections names them; "
            "incidents_without_sections lists them): `recur show INC-…` prints one whole, a lower limit gives "
            "each its sections"
        )
    if dropped:
        short.append(f"the oldest {plural(len(dropped), 'incident')} left out whole (incidents_left_out)")
        said.append(
            f"{plural(len(dropped), 'older incident')} ({_from_on(dropped)}) left out whole: even without sections "
            f"the answer would pass {config.MCP_ANSWER_CHARS:,} characters (incidents_left_out lists them): "
            "`recur show INC-…` prints one, a lower limit gives each room"
        )
    if not short:
        return None, said
    advice = ": `recur show INC-…` prints an incident whole, a lower limit gives each more of its sections"
    return "; ".join(short) + advice, said


def _from_on(ids: list[str]) -> str:
    """ "INC-2026-0007", or "INC-2026-0007 and the 3 after it": the first of ``ids`` and how many follow."""
    return ids[0] if len(ids) == 1 else f"{ids[0]} and the {len(ids) - 1} after it"


def _items_said(counts: dict) -> str:
    """ "12 follow-ups, 3 flags": what an incident's ``left_out_items`` counts."""
    names = {"follow_ups": "follow-up", "flags": "flag"}
    return ", ".join(plural(n, names[key]) for key, n in counts.items())


ReportOwner = Annotated[
    str,
    Field(
        description="Only what this owner owns, by `recur report --owner`'s rule: their follow-ups and permanent "
        "fixes, and the recurring patterns and recurrences after a fix by their fix's owner; e.g. team-data "
        "(case and a leading @ aside, and a full name the KB holds and its handle ('Noor Ahmed', '@noor-ahmed') "
        "one; '(unowned)': what no one owns; empty or left out: everyone's)."
    ),
]
ReportLimit = Annotated[
    Count | None,
    Field(
        description=f"At most this many items in each list, in the text and the structured content (1 to "
        f"{pat.MAX_INCIDENTS}; left out: 10); the counts are whole, and `more` says how many each list lost.",
        json_schema_extra={"minimum": 1, "maximum": pat.MAX_INCIDENTS},
    ),
]
ReportSince = Annotated[
    str,
    Field(
        description="The day of the last review, YYYY-MM-DD, on or before the board's date, as `recur report --since`: "
        "what happened after it comes first, each incident with the pattern it counts for, how often that pattern "
        "struck before and its fix (structured content: `since`, its rows paged as the lists are; empty or left "
        "out: none)."
    ),
]
ReportCursor = Annotated[
    str,
    Field(
        description="Where to go on: the next_cursor of the answer before (with the same as_of, owner, since and "
        "limit), "
        "for the items of each list after those it listed (empty or left out: from the first)."
    ),
]


def _report_tools(server: MCPServer, read_kb: Callable, kbs: "ServedKB", site_url: str | None) -> None:
    @server.tool(annotations=READ_ONLY)
    def problem_report(
        as_of: Annotated[str, Field(description="Date of the board, YYYY-MM-DD (empty or left out: today).")] = None,
        owner: ReportOwner = None,
        limit: ReportLimit = None,
        cursor: ReportCursor = None,
        since: ReportSince = None,
    ) -> CallToolResult:
        """The problem-management board (what `recur report --format json` prints): reviews pending and
        overdue, open follow-ups and permanent fixes by owner, incidents with no known pattern, open flags,
        the most recurring patterns, recurrence after a fix, monthly trends; with `since` (the last review's day)
        what happened after it, first. Its text is a summary: the counts,
        what is overdue with its owner and due date, what recurred in the last 30 days and what needs analysis,
        each list bounded ("N more"). The structured content's lists are cut to the same limit (10 left out), its
        counts whole and `more` saying how many each list has after this page; next_cursor, given as cursor, lists
        the next items of each list (null: no more)."""

        def work():
            from recur.problems.board import TREND_MONTHS, kb_owners, report_board
            from recur.problems.query import check_since
            from recur.serve.mcp_board import board_answer, board_start
            from recur.util.dates import given_date

            if limit is not None and not 1 <= limit <= pat.MAX_INCIDENTS:
                raise pat.LookupFailure(f"limit: must be between 1 and {pat.MAX_INCIDENTS}")
            start = board_start(_given(cursor))  # refused before the board is built
            # blank as left out, as _given: "" was today and " " was "not a date"
            # built for the owner: its recurring lists ranked among the owner's patterns, then cut (board_answer)
            kb = read_kb()  # the KB folder's records, the engine still loading or not (``records``)
            # left out: RECUR_TODAY when set, as `recur report` without --as-of (the clock's day was the board's)
            day = config.today() if _given(as_of) is None else given_date(as_of, "as_of")
            # `recur report --since`'s meaning and refusals: not a date, or a day after the board's
            asked = _given(since)
            since_day = check_since(None if asked is None else given_date(asked, "since"), day, "since")
            # GET /api/report's board for the same parameters, kept for this KB read (served_kb.Boards): built once
            # for both, and for the next page; the clock's day in the key, as the route's
            key = (day, config.today(), _given(owner), (), since_day, TREND_MONTHS)
            b = kbs.boards.board(kb, key, lambda: report_board(kb, day, owner=_given(owner), since=since_day))
            known = kb_owners(kb) if _given(owner) is not None else ()
            return board_answer(
                b,
                owner=_given(owner),
                limit=limit,
                paged=lambda rows: with_urls(rows, site_url),
                known=known,
                start=start,
            )

        return run_tool(work)


ReviewOwner = Annotated[
    str | None,
    Field(
        description="Who holds the review (its review.owner, as `recur incident new --review-owner` writes it): "
        "the person or team the board names for an overdue review, e.g. alice or team-db (empty or left out: none)."
    ),
]


# what record_incident's description argument says of a text it refuses as no incident (mcp_record.record, as
# `recur incident new` refuses it): an assistant learned it only from the refusal (found in a review)
NO_INCIDENT_REFUSED = (
    "A text that is no incident (empty, or a pasted message that is no alert nor incident, such as an AWS SNS "
    "subscription or unsubscribe confirmation) is refused and nothing is written; to record an incident about such "
    "a message, say what happened in your own words (the message may follow them)."
)


def _write_tools(server: MCPServer, get_engine: Callable, kbs: "ServedKB", severities: list[str]) -> None:
    from recur.ingest.pasted_log import LOG_LINES_KEPT
    from recur.kb.incident_record import TITLE_MOST, severity_help
    from recur.kb.parse import MAX_FILE_BYTES

    # here, not at the top: mcp_record reads the KB through this module's server_kb
    from recur.serve.mcp_record import record

    # the schema says the limits the writer applies: a 100,000-character title was written, and a model had to
    # guess the severity keys and how much text a record takes (found in review)
    titled = f"What happened, in a few words (at most {TITLE_MOST} characters; recur check asks for 120 or fewer)."
    described_as = (
        f"What you see; becomes the Summary. A pasted log of more than {LOG_LINES_KEPT} lines is cut down to its "
        "error lines (description_note says so); any other text is written whole, and the record may be at most "
        f"{MAX_FILE_BYTES:,} bytes (a longer one is refused and nothing is written). {NO_INCIDENT_REFUSED}"
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
        review_owner: ReviewOwner = None,
    ) -> CallToolResult:
        """Record an incident in the knowledge base, dated today: exactly the record `recur incident new`
        writes (review level and due date from the severity framework, its owner review_owner when given).
        Returns what `recur incident new --json` prints: its id, path and review, the known patterns that
        match its title and description
        (suggestions, not linked) and no_known_pattern. A description of more than 200 lines read as a pasted
        log is recorded cut down as the CLI cuts it, its error lines as the Summary (description_note says so).
        A call the client cancelled or gave up on before the record was written writes nothing. A call with the
        arguments of an incident recorded today (a retry) answers with that record (already_recorded) unless
        allow_duplicate is true; one with its title and description but another severity, patterns, flags or
        review_owner is recorded, and same_as names the other. A description that is no incident (a pasted AWS SNS
        subscription or unsubscribe confirmation, which suggest_patterns answers "Nothing searched") is refused and
        nothing is written."""

        given = {"title": title, "severity": severity, "description": description, "flags": flags}
        given["review_owner"] = review_owner or ""  # blank: none, as `recur incident new --review-owner ""`
        # ids read as get_pattern and past_incidents read them: "Disk-Full" and a resource URI were "unknown"
        ids = [pat.given_pattern_id(p) for p in patterns]
        try:
            return run_tool(lambda: record(get_engine, given, ids, allow_duplicate))
        finally:  # past_incidents and problem_report read the record at once, not at the owner's next look
            kbs.forget()


def _resources(server: MCPServer, get_engine: Callable, kbs: "ServedKB") -> None:
    server.kbs = kbs  # _Server.read_resource's: an incident's id said as get_pattern says it (incident_told)

    @server.resource(
        RESOURCE + "{id}",
        name="pattern",
        mime_type="text/markdown",
        description="A failure pattern's Markdown file as written in the knowledge base.",
    )
    def pattern_resource(id: str) -> str:  # noqa: A002
        # resources/templates/list's template; a read of any recur://patterns/ URI is _Server.read_resource's
        return read_pattern(get_engine, RESOURCE + id, kbs)


def read_pattern(get_engine: Callable, uri: str, kbs: "ServedKB | None" = None) -> str:
    """The Markdown file of the pattern a ``recur://patterns/…`` URI names, read as get_pattern reads its id
    (given_pattern_id: the id, in any case, or a file path's last segment); no such pattern is the error
    get_pattern gives, naming the URI."""
    try:
        engine = get_engine()
        # the id as get_pattern reads it: recur://patterns/Disk-Full was "not found" where get_pattern answered
        given = pat.given_pattern_id(uri)
        if not given.strip():  # it was "no pattern with id '' in the index"; get_pattern's id "" is said so too
            raise ResourceNotFoundError(
                f"{uri} names no pattern: give a pattern id, e.g. {RESOURCE}disk-full (resources/list lists them)"
            )
        with incident_told(engine, kbs) if kbs is not None else nullcontext():
            return pat.pattern_markdown(engine.kb_dir, engine.docs, given, pat.retired(engine.manifest))
    except (pat.PatternNotFound, IncidentNotPattern) as exc:
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
