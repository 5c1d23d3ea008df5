"""Caps on the MCP sessions /mcp keeps open: per client, and what happens when the whole table is full.

The SDK's session manager caps its table (--mcp-max-sessions) and, once it is full, refuses every new
session with a 503 until one closes or idles out (--mcp-idle-timeout, 30 min). /mcp needs no token under
the default --token-scope write, so one client with bare ``initialize`` POSTs filled the table (1,000
places: seconds of requests) and every assistant was refused for half an hour (found in an operator's
review). The SDK has no cap per client and no public way to list or close its sessions, so ``SessionCaps``,
an ASGI app in front of the SDK's, keeps its own table of the sessions it saw opened (the ``Mcp-Session-Id``
of an opening request's answer) by client address, and closes one the way a client does: a DELETE with its
id, through the SDK's app.

The client address is ``scope["client"]``, the one the access log and the feedback rate limit use: the
peer's, or the one a trusted reverse proxy's ``X-Forwarded-For`` names (uvicorn's proxy headers).

Each session that closes is said in one INFO line of ``recur.serve`` (applog: the server's log, in its format)
and counted by its reason (``on_closed``: /metrics' ``recur_mcp_sessions_closed_total{reason}``): ``idle``
(--mcp-idle-timeout passed with no request), ``cap`` (closed here to make room), ``client`` (its client's
DELETE) and ``shutdown`` (open when the server stopped). The SDK logs none of these where an operator sees
them (its INFO lines are below what the log shows of other libraries), and says nothing of why.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from recur.serve.access import header_value
from recur.serve.applog import LOGGER
from recur.serve.guard import client_address

SESSION_HEADER = b"mcp-session-id"
# What a client that has its cap of sessions all busy is answered: the SDK's own code for its table being full
# (an internal error, -32603), so a client handles both alike, with 429, as a limit per client is said
TOO_MANY = (
    "Too many open sessions from this client: {cap} (--mcp-max-sessions-per-client), each with a request in "
    "progress; end one (DELETE /mcp with its Mcp-Session-Id) or wait for one to finish"
)
# how often the table is looked through for sessions the SDK has closed for being idle, so that each is said
# (and counted) within a second or so of it, not only when the next session opens
SWEEP_SECONDS = 1.0


@dataclass
class _Session:
    client: str
    used: float  # anyio's clock: when its last request ended (the SDK's idle countdown starts there too)
    busy: int = 0  # its requests in flight, an open GET /mcp event stream included
    # when its last request began: the order a client used its sessions in, which "least recently used" goes
    # by. Two back-to-back requests may end in either order (the SDK's app returns a moment after its answer
    # is sent): ordered by ``used``, a fresh-clone CI run closed the session used last, not first
    begun: float = 0.0


class SessionCaps:
    """The SDK's /mcp app (``app``) with at most ``per_client`` sessions open per client address.

    A client at its cap that opens another has its least recently used idle session closed to make room,
    rather than being refused: an assistant that crashed and reconnects (or a restarted one, whose old
    sessions idle out only after --mcp-idle-timeout) would otherwise be locked out for that long by its own
    dead sessions, and a flood from one address only ever displaces its own. A session with a request in
    flight (an assistant's open event stream) is never closed; a client whose sessions are all busy is
    refused (429, ``TOO_MANY``). When the whole table (``max_sessions``) is full, an idle session is closed
    instead of refusing (``_room_in_a_full_table``); only with every session busy does the SDK's 503 stand.
    ``idle_seconds``: the SDK's idle timeout, after which it has closed a session."""

    def __init__(
        self,
        app,
        *,
        per_client: int,
        max_sessions: int,
        idle_seconds: float,
        on_closed: Callable[[str], None] | None = None,
    ):
        self.app = app
        self.per_client, self.max_sessions = per_client, max_sessions
        self.idle_seconds = idle_seconds
        self.sessions: dict[str, _Session] = {}
        self.opening: dict[str, int] = {}  # per client: requests opening a session not yet answered
        # told each closed session's reason (metrics.MCP_CLOSE_REASONS): /metrics' counter
        self.on_closed = on_closed

    async def __call__(self, scope, receive, send):
        sid = header_value(scope.get("headers", ()), SESSION_HEADER) if scope["type"] == "http" else None
        if sid is not None:
            return await self._in_session(sid, scope, receive, send)
        if scope["type"] != "http" or scope.get("method") != "POST" or not _opens_a_session(scope):
            return await self.app(scope, receive, send)
        await self._opening(client_address(scope), scope, receive, send)

    async def _opening(self, client: str, scope, receive, send) -> None:
        """A POST without a session id: the SDK opens a session for it (and drops it again unless it was an
        initialize that succeeded). Room is made, and the place taken, before anything is awaited, so that
        requests opening sessions at once cannot each see the same free place."""
        self._forget_expired()
        closing = self._room(client)
        if closing is False:
            return await _refuse(send, self.per_client)
        self.opening[client] = self.opening.get(client, 0) + 1
        opened: _Session | None = None

        async def watch(message):
            nonlocal opened
            if message["type"] == "http.response.start" and message["status"] < 400:
                sid = header_value(message.get("headers", ()), SESSION_HEADER)
                if sid is not None:
                    now = anyio.current_time()
                    opened = self.sessions[sid] = _Session(client, now, busy=1, begun=now)
                    self._opened(client)
            await send(message)

        try:
            if closing:
                await self._close(closing)
            await self.app(scope, receive, watch)
        finally:
            if opened is None:
                self._opened(client)
            else:
                opened.busy, opened.used = opened.busy - 1, anyio.current_time()

    def _room(self, client: str) -> str | bool | None:
        """The id of the session to close for ``client``'s new one (taken out of the table), None when there is
        room or the SDK's own refusal is to stand, False when ``client`` is to be refused."""
        mine = [(s.begun, sid) for sid, s in self.sessions.items() if s.client == client]
        if len(mine) + self.opening.get(client, 0) >= self.per_client:
            idle = [(used, sid) for used, sid in mine if not self.sessions[sid].busy]
            why = f"its client opened another past --mcp-max-sessions-per-client ({self.per_client})"
            return self._take(idle, why) if idle else False
        if len(self.sessions) + sum(self.opening.values()) >= self.max_sessions:
            return self._room_in_a_full_table(client, len(mine) + self.opening.get(client, 0))
        return None

    def _room_in_a_full_table(self, client: str, mine: int) -> str | None:
        """The idle session to close when the whole table is full: the least recently used of the client that
        holds the most, if it holds more than ``client`` will with its new one (``mine`` + 1); else ``client``'s
        own least recently used; else the least recently used of all; None when every session is busy. With
        --mcp-max-sessions at or below the cap per client, one client filled the table and every other was
        refused until its sessions idled out. And a client holding no more than the others could only close a
        session idle 5 minutes: a table filled by many addresses, one session each, refused every new client
        for those 5 minutes, however often it retried (in the notes of an earlier review). A session closed
        answers its next request 404, on which the protocol has its client open a new one: a place lost is won
        back, where a refusal was not. Each closed is said in the log and counted (``_take``)."""
        held = Counter(s.client for s in self.sessions.values())
        idle = [(sid, s) for sid, s in self.sessions.items() if not s.busy]
        most = [(-held[s.client], s.begun, sid) for sid, s in idle if held[s.client] > mine + 1]
        full = f"--mcp-max-sessions ({self.max_sessions}) reached, a session from {client} took its place"
        if most:
            return self._take(most, full + ": its client held the most")
        # no one holds more than this client will: it replaces its own, so one address's flood takes others'
        # places only until it holds as many as they do
        own = [(s.begun, sid) for sid, s in idle if s.client == client]
        if own:
            return self._take(own, full + ": its client's least recently used")
        oldest = [(s.begun, sid) for sid, s in idle]
        return self._take(oldest, full + ": the least recently used idle one") if oldest else None

    def _take(self, candidates: list, why: str) -> str:
        """The first of ``candidates`` (tuples ending in a session id, sorted on the rest), out of the table and
        said closed to make room (``why``); the caller closes it."""
        sid = min(candidates)[-1]
        self._closed(sid, "cap", why)
        return sid

    def _closed(self, sid: str, reason: str, why: str) -> None:
        """Session ``sid`` out of the table, said in the log and counted under ``reason``
        (metrics.MCP_CLOSE_REASONS). Its id is cut to 8 characters: whoever has the whole id can use the
        session, and the log is read more widely."""
        session = self.sessions.pop(sid)
        logging.getLogger(LOGGER).info("MCP session %s… of %s closed (%s: %s)", sid[:8], session.client, reason, why)
        if self.on_closed is not None:
            self.on_closed(reason)

    def _opened(self, client: str) -> None:
        left = self.opening.pop(client, 1) - 1
        if left:
            self.opening[client] = left

    def _forget_expired(self) -> None:
        """Sessions the SDK has closed for being idle past --mcp-idle-timeout (it counts from the end of the
        last request, as ``used`` does, a moment before it: never one it still has)."""
        expired = anyio.current_time() - self.idle_seconds
        for sid in [sid for sid, s in self.sessions.items() if not s.busy and s.used <= expired]:
            self._closed(sid, "idle", f"no request for {self.idle_seconds:g} s, --mcp-idle-timeout")

    async def sweep(self) -> None:
        """Forever: the sessions the SDK has closed for being idle, found every SWEEP_SECONDS."""
        while True:
            await anyio.sleep(SWEEP_SECONDS)
            self._forget_expired()

    def stopped(self) -> None:
        """The server stops: the sessions still open end with it."""
        for sid in list(self.sessions):
            self._closed(sid, "shutdown", "the server stopped")

    async def _in_session(self, sid: str, scope, receive, send) -> None:
        """A request in session ``sid``: the session is busy while it runs, and forgotten once the SDK has
        said it is gone (404) or ended it (a DELETE answered)."""
        session = self.sessions.get(sid)
        if session is None:
            return await self.app(scope, receive, send)
        session.busy, session.begun = session.busy + 1, anyio.current_time()
        status = None

        async def watch(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            session.busy, session.used = session.busy - 1, anyio.current_time()
            deleted = scope.get("method") == "DELETE" and status is not None and status < 400
            if (deleted or status == 404) and self.sessions.get(sid) is session:
                # a 404: the SDK had closed it before the sweep found it; only its idle timeout does so
                # (a crash aside, which the SDK logs as an error)
                why = "its client ended it, DELETE /mcp" if deleted else "found closed by the idle timeout"
                self._closed(sid, "client" if deleted else "idle", why)

    async def _close(self, sid: str) -> None:
        """End session ``sid`` as its client would, with a DELETE through the SDK's app: the SDK terminates it
        and forgets it before answering, so its place is free when this returns. The Host is loopback, which
        the SDK's DNS-rebinding check (on only when bound to loopback) always accepts."""
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "DELETE",
            "scheme": "http",
            "path": "/mcp",
            "raw_path": b"/mcp",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (SESSION_HEADER, sid.encode())],
            "client": None,
            "server": None,
        }
        sent = False

        async def receive():
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def ignore(message):
            pass

        await self.app(scope, receive, ignore)


class Managed:
    """The SDK's session manager (``manager``), run with ``caps``' sweep beside it (SessionCaps.sweep); when it
    stops (the server's stop), the sessions still open are said closed by it (SessionCaps.stopped)."""

    def __init__(self, manager, caps: SessionCaps):
        self.manager, self.caps = manager, caps

    @asynccontextmanager
    async def run(self):
        async with self.manager.run(), anyio.create_task_group() as group:
            group.start_soon(self.caps.sweep)
            try:
                yield
            finally:
                group.cancel_scope.cancel()
                self.caps.stopped()


def _opens_a_session(scope) -> bool:
    """Whether the SDK would open a session for this POST without one: it does on the protocol versions whose
    handshake is an initialize (or none said); a later version's requests it serves without sessions."""
    version = header_value(scope.get("headers", ()), b"mcp-protocol-version")
    return version is None or version in HANDSHAKE_PROTOCOL_VERSIONS


async def _refuse(send, cap: int) -> None:
    error = {"code": -32603, "message": TOO_MANY.format(cap=cap)}
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": error}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
