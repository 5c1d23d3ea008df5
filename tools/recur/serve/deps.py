"""What the routers share: the JSON response, the documented error shape, the settings, and the
FastAPI dependencies that hand a route its engine and its inference slot.

Everything a route needs lives on ``app.state`` (set once by ``create_app``), so routers are
plain module-level ``APIRouter``s with no closures: ``engine = Depends(get_engine)``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse as _JSONResponse

from recur import config
from recur.serve.guard import ApiError, ClientGone, disconnected
from recur.util.errors import RecurError

# A storm group of ~1,000 alerts with their labels and annotations is 1-2 MB; refused whole, none of
# them got an answer (only the first 100 are answered: the rest cost parsing, not search).
ALERTMANAGER_MAX_BODY = 4 * 1024 * 1024


def _plain(obj):
    """numpy scalars/arrays that slip into a result object become plain JSON, never a 500."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


class JSONResponse(_JSONResponse):
    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_plain).encode(
            "utf-8"
        )


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}


# The statuses whose answers may carry Retry-After: 429 too_many_requests; 503 not_ready, overloaded and
# shutting_down (not engine_failed nor feedback_unavailable, which a wait does not mend)
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before asking again (429; 503 not_ready, overloaded, shutting_down).",
        "schema": {"type": "string"},
    }
}


def errors(*statuses: int) -> dict:
    """OpenAPI ``responses`` for a route: every listed status has the one JSON error shape."""
    return {
        s: {
            "description": "One JSON error shape on every route",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
            **({"headers": dict(RETRY_AFTER)} if s in (429, 503) else {}),
        }
        for s in statuses
    }


def share_of(total: int, share: float) -> int:
    """``share`` of ``total`` places, rounded down, at least one and at most ``total``."""
    return max(1, min(total, int(total * share)))


class _Turn:
    """A place in the gate's line: an interactive search's, or an overdue webhook search's."""

    __slots__ = ("webhook",)

    def __init__(self, webhook: bool):
        self.webhook = webhook


class SearchGate:
    """The inference slots: at most ``slots`` searches at once (``with gate:``, as a semaphore). A
    webhook search (Alertmanager, Grafana: ``with gate.webhook():``) takes at most ``webhook_slots``
    of them, and none while an interactive search (/api/suggest, MCP, Slack, the site's box) waits
    for one. Found in a user review: three 150-alert groups posted at once made one /api/suggest take
    16 s, queued behind ~300 webhook searches that each took the one gate again as soon as it let go.
    Now a responder waits at most for the searches already running, and webhooks keep the rest.

    But only for ``webhook_max_wait`` seconds: under a steady stream of interactive searches a
    webhook search never ran, and its HTTP request hung until the sender timed out and sent it again
    (found in review). A webhook search that has waited that long joins the interactive ones' line,
    behind those already in it and before those that come later (still within ``webhook_slots``), so
    it waits at most the limit and the searches ahead of it then.

    The limit is the webhook call's, not each search's: a call answers each distinct alert with a
    search of its own, and each began a new wait, so a group of 10 alerts waited 10 times the limit
    (found in review: 5.5 s at a 0.5 s limit). The call takes one ``deadline`` (``webhook_deadline``)
    for all its searches; once it has passed, each goes straight into the line."""

    def __init__(
        self,
        slots: int,
        webhook_share: float = config.default("webhook_share"),
        webhook_max_wait: float = config.default("webhook_max_wait"),
    ):
        self.slots = max(1, slots)
        self.webhook_slots = share_of(self.slots, webhook_share)
        self.webhook_max_wait = max(0.0, webhook_max_wait)
        self._cond = threading.Condition()
        self._busy = self._webhooks = 0  # slots taken, by webhooks
        self._line: list[_Turn] = []  # interactive searches and overdue webhook ones waiting, in order

    @property
    def waiting(self) -> int:
        """Interactive searches waiting for a slot now."""
        return sum(not turn.webhook for turn in self._line)

    def webhook_deadline(self) -> float:
        """When a webhook call that starts now stops letting interactive searches go first
        (``time.monotonic()``): one for all of the call's searches."""
        return time.monotonic() + self.webhook_max_wait

    def acquire(self, webhook: bool = False, deadline: float | None = None) -> None:
        """``deadline``: a webhook search's ``webhook_deadline`` (its call's); None: one from now."""
        with self._cond:
            if not webhook:
                self._wait_in_line(_Turn(webhook=False))
            elif not self._wait_aside(self.webhook_deadline() if deadline is None else deadline):
                self._wait_in_line(_Turn(webhook=True))
            if webhook:
                self._webhooks += 1
            self._busy += 1

    def _wait_aside(self, deadline: float) -> bool:
        """A webhook search waits for a slot in its share while nobody is in line, until ``deadline``
        (monotonic: a clock step neither starves nor hurries it). False: it passed without one."""
        while self._line or self._busy >= self.slots or self._webhooks >= self.webhook_slots:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._cond.wait(left)
        return True

    def _wait_in_line(self, turn: _Turn) -> None:
        """Waits until a slot is free and ``turn`` is the first in line that may take it: an overdue
        webhook search whose share is full lets those behind it go, and keeps its place."""
        self._line.append(turn)
        try:
            self._cond.wait_for(lambda: self._busy < self.slots and self._first_that_may_go() is turn)
        finally:
            self._line.remove(turn)
            # the next in line, or a webhook search waiting for an empty line beside a free slot: each
            # may go now, and nothing else would wake it (found in review)
            self._cond.notify_all()

    def _first_that_may_go(self) -> _Turn | None:
        for turn in self._line:
            if not turn.webhook or self._webhooks < self.webhook_slots:
                return turn
        return None

    def release(self, webhook: bool = False) -> None:
        with self._cond:
            if self._busy == 0 or (webhook and self._webhooks == 0):
                raise ValueError("SearchGate released more often than acquired")
            self._busy -= 1
            if webhook:
                self._webhooks -= 1
            self._cond.notify_all()  # the first in line that may go, or a webhook search once none waits

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    @contextmanager
    def webhook(self, deadline: float | None = None):
        """A webhook search's slot; ``deadline``: its call's ``webhook_deadline`` (None: one from now)."""
        self.acquire(webhook=True, deadline=deadline)
        try:
            yield self
        finally:
            self.release(webhook=True)


class FeedbackHealth:
    """Whether votes are being written: the last write that failed (why, and when) and how many failed
    since start-up, for /healthz and /metrics. A full disk or a feedback file made read-only after
    start-up answered each vote 503 feedback_unavailable, and /healthz stayed as green as before: only
    the 503s' count in /metrics said it (found in an operator's review)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.error: str | None = None  # why the last vote was not written; None once one is again
        self.failed_at: str | None = None  # when the last vote that was not written came (UTC), kept after
        self.failures = 0  # votes not written since start-up

    def failed(self, why: str) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")  # as the index's "built"
        with self._lock:
            self.error, self.failed_at = why, now
            self.failures += 1

    def written(self) -> None:
        self.error = None


@dataclass
class Settings:
    """What ``create_app`` was told; read by routes through ``get_settings``."""

    feedback_path: Path | None  # None: votes off (recur serve --no-feedback): /api/feedback answers 404 feedback_off
    site: Path | None = None
    token: str | None = None  # None: the server is open (the start-up line says so)
    token_scope: str = "write"  # "write": feedback only; "all": every API route and /metrics
    gate: SearchGate = field(default_factory=lambda: SearchGate(1))
    feedback_health: FeedbackHealth = field(default_factory=FeedbackHealth)
    feedback_min_free_mib: int = 0  # less free space than this where votes are written is said (0: not looked at)

    def feedback_space_low(self) -> str | None:
        """Why the feedback log's disk is nearly full, asked now (ingest.feedback.space_low); None when it is not."""
        from recur.ingest.feedback import space_low

        if self.feedback_path is None:  # votes off: no disk to watch
            return None
        return space_low(self.feedback_path, self.feedback_min_free_mib)

    @property
    def site_built(self) -> bool:
        """Whether the site folder holds a built site now (it may be built, or swapped, after start-up)."""
        return bool(self.site and (self.site / "index.html").is_file())


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_holder(request: Request):
    return request.app.state.holder


def index_stale(request: Request) -> dict | None:
    """The answer's ``stale``: the object /mcp's answers carry (mcp_text.stale_object) when the KB's files changed
    since the served index was built, from the server's one look at them (the holder's ``kb_changed``, which
    /healthz's ``stale`` reports; no walk on the request path), else None. Its ``message`` is said to a person
    (mcp_text.stale_said), as Slack's reply and the site's box show it, not MCP's words to an assistant."""
    from recur.serve.mcp_text import stale_object, stale_said

    holder = getattr(request.app.state, "holder", None)  # an app of the Slack routes alone has none: nothing said
    return stale_object(list(getattr(holder, "kb_changed", None) or []), said=stale_said)


def get_metrics(request: Request):
    return request.app.state.metrics


def get_engine(request: Request):
    """The loaded engine, or the 503 that says why there is none yet."""
    return engine_now(request.app.state.holder)


def get_patterns(request: Request):
    """What the read-only pattern routes read (GET /api/patterns and /api/patterns/{id}): the loaded engine, or while
    it loads and after a load that failed the --kb folder's patterns (served_kb.patterns_now, as /mcp's list_patterns
    and get_pattern read them: the files the load brings the index up to; no model needed); an app with no KB folder
    (an index-only deployment, or one built over an engine alone): get_engine's 503, as before."""
    now = getattr(request.app.state, "patterns_now", None)
    source = now() if now is not None else None
    return source if source is not None else get_engine(request)


def engine_now(holder):
    """``holder``'s loaded engine, or the 503 that says why there is none yet (never a wait)."""
    eng = holder.engine
    if eng is None:
        if holder.error:
            raise ApiError(503, "engine_failed", holder.error)
        raise ApiError(503, "not_ready", holder.not_ready(), {"Retry-After": "2"})
    return eng


LOAD_POLL = 0.2  # seconds between two looks at an engine still loading


def engine_loading(get_engine) -> bool:
    """Whether ``get_engine()`` says the engine is still loading (503 ``not_ready``) now. Loaded, a failed
    load (``engine_failed``, a ``RecurError``) or any other refusal: False, for the caller's own call to
    say it."""
    try:
        get_engine()
    except ApiError as exc:
        return exc.code == "not_ready"
    except RecurError:
        return False
    return False


def load_pauses(get_engine, wait: float, stopped: Callable[[], bool] = lambda: False):
    """The pauses (seconds) of a wait of at most ``wait`` seconds for an engine still loading
    (``engine_loading``), each for the caller to sleep its own way: Slack's answer in its worker thread
    (``time.sleep``), MCP over HTTP on the event loop (``anyio.sleep``, holding no thread). Ends once the
    engine has loaded, its load failed, the wait is over, or ``stopped()`` (the server's stop has begun); the
    caller's ``get_engine()`` then says which. A request that came while the model loaded (after every restart)
    was told to retry in a few seconds. A stop during the load left the wait, and the stop with it, going for the
    whole grace period, where the request was then cut."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not stopped() and engine_loading(get_engine):
        yield LOAD_POLL


def get_slot(request: Request):
    """The route's way to take an inference slot: ``with slot(): engine.answer(...)``; a webhook's
    searches ``with slot(webhook=True)``, the smaller share that yields to responders (SearchGate). A
    client that left while its search waited for the slot is not searched for: found in an operator's
    review, 60 clients that gave up after 0.3 s left 60 searches queued, the next real request waited
    ~4 s behind them, and each was logged as a 200 with its full size. Called from the route's worker
    thread (routes are plain ``def``), so the check hops to the event loop, where the connection is.

    One ``slot`` per request (FastAPI makes a dependency once per request), so a webhook call's
    searches share one deadline, taken at its first: ``--webhook-max-wait`` bounds the call's wait
    for the responders' searches, not each of its searches' (SearchGate)."""
    gate = request.app.state.settings.gate
    deadline: float | None = None

    @contextmanager
    def slot(webhook: bool = False):
        nonlocal deadline
        if webhook and deadline is None:
            deadline = gate.webhook_deadline()
        with gate.webhook(deadline) if webhook else gate:
            if disconnected(request):
                raise ClientGone
            yield

    return slot


def only_query(
    *allowed: str, named: str | None = None, none: str = "the request is the JSON body", repeatable: tuple = ()
):
    """A route's dependency refusing query parameters it does not read, and any given twice, with the
    API's 422: POST /api/suggest?top=1 answered 5 results (top goes in the body), a webhook relay's
    ?breif=true got answers 10-20x bigger, and ?category=a&category=b used b alone, all without a
    word (found in review). ``named``: what the message calls the parameters it takes ("filters"); ``none``: where
    the request is said instead, for a route that takes none; ``repeatable``: those of ``allowed`` a list is given in,
    one value each (GET /api/report's ``window``, as `recur report --window` repeats)."""

    def check(request: Request) -> None:
        names = [k for k, _ in request.query_params.multi_items()]
        unknown = sorted(set(names) - set(allowed))
        if unknown:
            takes = f"{named}: {', '.join(allowed)}" if named else f"it takes {', '.join(allowed)}"
            takes = takes if allowed else f"it takes none: {none}"
            raise ApiError(422, "invalid_request", f"unknown query parameter(s): {', '.join(unknown)} ({takes})")
        twice = sorted({k for k in names if names.count(k) > 1 and k not in repeatable})
        if twice:
            raise ApiError(422, "invalid_request", f"query parameter(s) given more than once: {', '.join(twice)}")

    return check
