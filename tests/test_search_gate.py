"""SearchGate: the inference slots shared by interactive and webhook searches."""

import threading
import time

from recur.serve.deps import SearchGate


class _HoldBack:
    """A real re-entrant lock (as the gate's own) that, once armed, lets ``hold`` (a thread) take it
    only after ``first`` has let go of it: the order of two waiters' wake-ups, which the scheduler
    otherwise picks."""

    def __init__(self):
        self._lock = threading.RLock()
        self.hold = self.first = None
        self.turn = threading.Event()

    def _wait_turn(self):
        if self.hold is not None and threading.get_ident() == self.hold:
            self.turn.wait(60)

    def _passed(self):
        if self.first is not None and threading.get_ident() == self.first:
            self.turn.set()

    def acquire(self, blocking=True, timeout=-1):
        self._wait_turn()
        return self._lock.acquire(blocking, timeout)

    def release(self):
        self._lock.release()
        self._passed()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    # what threading.Condition uses of a lock while a thread waits on it
    def _is_owned(self):
        return self._lock._is_owned()

    def _release_save(self):
        state = self._lock._release_save()
        self._passed()
        return state

    def _acquire_restore(self, state):
        self._wait_turn()
        self._lock._acquire_restore(state)


def test_a_webhook_waiter_takes_a_slot_left_free_when_the_interactive_waiter_has_taken_its_own():
    """Found in review: both slots held by interactive searches, one interactive and one webhook
    search waiting, both slots released at once. The webhook woke first, saw an interactive search
    waiting and slept; the interactive one took a slot and nothing woke the webhook again, which
    slept beside the free slot until some other search let go."""
    lock = _HoldBack()
    gate = SearchGate(2, 1.0)
    gate._cond = threading.Condition(lock)  # the gate's own Condition, over a lock that orders wake-ups
    gate.acquire(), gate.acquire()  # two interactive searches running
    got = {name: threading.Event() for name in ("interactive", "webhook")}

    def search(name, webhook):
        gate.acquire(webhook=webhook)
        got[name].set()

    threads = {
        "interactive": threading.Thread(target=search, args=("interactive", False), daemon=True),
        "webhook": threading.Thread(target=search, args=("webhook", True), daemon=True),
    }
    for name, t in threads.items():
        t.start()
        while not (gate.waiting if name == "interactive" else len(gate._cond._waiters) == 2):
            threading.Event().wait(0.001)  # until it waits
    lock.hold, lock.first = threads["interactive"].ident, threads["webhook"].ident  # the webhook looks first
    with gate._cond:  # both running searches finish together
        gate.release(), gate.release()
    assert got["interactive"].wait(60)
    assert got["webhook"].wait(60), "the webhook search sleeps beside a free slot"
    assert gate.waiting == 0
    gate.release(), gate.release(webhook=True)


def _interactive_stream(gate, log, stop):
    """A steady stream of interactive searches on a one-slot gate: each, holding the slot, starts the
    next and lets go only once that one waits for it, so an interactive search waits at every
    release (the stream a webhook search used to wait out for ever). Stops once ``stop`` is set."""

    def search():
        gate.acquire()
        log.append(("interactive", time.monotonic()))
        if not stop.is_set():
            threading.Thread(target=search, daemon=True).start()
            while not gate.waiting and not stop.is_set():  # until the next one waits for the slot
                stop.wait(0.001)
            stop.wait(0.005)  # a search takes a while: a few of them fit in a thread's start-up
        gate.release()

    threading.Thread(target=search, daemon=True).start()


def test_a_webhook_search_gets_a_slot_under_a_steady_interactive_stream_once_it_has_waited_the_limit():
    """Found in review: a webhook search took a slot only while no interactive search waited, so under
    a steady stream of them it never ran (its HTTP request hung until Alertmanager gave up and sent the
    group again). Before the limit the interactive searches still go first; past it the webhook search
    takes its turn in their line: after those already waiting, before those that come later."""
    limit = 1.0  # room for three interactive searches on a loaded machine (0.3 s: each starts a thread)
    gate = SearchGate(1, 1.0, webhook_max_wait=limit)
    log, stop, got = [], threading.Event(), threading.Event()
    _interactive_stream(gate, log, stop)
    while not log:
        stop.wait(0.001)

    began = []

    def webhook():
        began.append(time.monotonic())
        with gate.webhook():
            log.append(("webhook", time.monotonic()))
            got.set()

    threading.Thread(target=webhook, daemon=True).start()
    try:
        assert got.wait(limit + 60), "the webhook search never got a slot"
    finally:
        stop.set()
    went, began = [t for name, t in log if name == "webhook"][0], began[0]
    assert went - began >= limit  # it let the responders' searches go first until the limit
    before = [t for name, t in log if name == "interactive" and began < t < went]
    assert len(before) >= 3, "the interactive stream did not run while the webhook search waited"
    late = [t for t in before if t > began + limit]
    assert len(late) <= 2, "past the limit it still let every later interactive search go first"


def overdue_in_line(gate: SearchGate) -> bool:
    """Whether an overdue webhook search waits in ``gate``'s line (read under its lock: a search that
    joins the line and takes a slot at once is never seen there)."""
    with gate._cond:
        return any(turn.webhook for turn in gate._line)


def test_an_overdue_webhook_search_still_keeps_to_the_webhooks_share():
    """Past the limit, a webhook search goes before later interactive searches only within the
    webhooks' share of the slots; when that share is full it lets the interactive ones go."""
    gate = SearchGate(2, 0.5, webhook_max_wait=0.05)  # one of the two slots for webhooks
    gate.acquire(webhook=True)  # a webhook search running
    got = {name: threading.Event() for name in ("interactive", "webhook")}

    def search(name, webhook):
        gate.acquire(webhook=webhook)
        got[name].set()

    threading.Thread(target=search, args=("webhook", True), daemon=True).start()
    deadline = time.monotonic() + 60  # only guards a hang
    while not overdue_in_line(gate):  # past its limit and waiting in line: where it could have taken the slot
        assert not got["webhook"].is_set(), "the second webhook search took a slot past the webhooks' share"
        assert time.monotonic() < deadline, "the second webhook search never got in line"
        time.sleep(0.01)
    assert not got["webhook"].is_set(), "the second webhook search took a slot past the webhooks' share"
    threading.Thread(target=search, args=("interactive", False), daemon=True).start()
    assert got["interactive"].wait(60), "the interactive search waited behind an overdue webhook one"
    assert not got["webhook"].is_set()
    gate.release(webhook=True)  # the running webhook search ends: the overdue one takes its share
    assert got["webhook"].wait(60)
    gate.release(), gate.release(webhook=True)


def test_the_searches_of_one_webhook_call_share_one_deadline():
    """Found in review: each search of a webhook call began a new wait of the limit, so a call with
    10 alerts to search waited 10 times it under a steady interactive stream (5.5 s at 0.5 s). With
    the call's one deadline, the first search waits it out and every later one goes straight into
    the line, behind at most the one interactive search waiting there."""
    limit, searches = 0.3, 8
    gate = SearchGate(1, 1.0, webhook_max_wait=limit)
    log, stop = [], threading.Event()
    _interactive_stream(gate, log, stop)
    while not log:
        stop.wait(0.001)
    began = time.monotonic()
    deadline = gate.webhook_deadline()
    try:
        for _ in range(searches):
            with gate.webhook(deadline):
                log.append(("webhook", time.monotonic()))
    finally:
        stop.set()
    took = time.monotonic() - began
    assert took >= limit  # the responders' searches went first until the deadline
    between = _interactive_between_webhooks(log)
    assert len(between) == searches - 1 and max(between) <= 2, f"a wait of the limit each: {between}"


def _interactive_between_webhooks(log) -> list[int]:
    """How many interactive searches took the slot between each webhook search and the next (``log``
    in the order the one slot was taken). Waiting out the limit lets every one arriving meanwhile go
    first (dozens); a search past its call's deadline goes into the line, behind at most the one or
    two already there. Counted, not timed: a loaded machine slows both alike (a bound on the seconds
    taken flaked under load)."""
    names = [name for name, _ in log]
    at = [n for n, name in enumerate(names) if name == "webhook"]
    return [b - a - 1 for a, b in zip(at, at[1:])]


def test_a_webhook_call_with_many_alerts_waits_the_limit_once_not_once_per_alert(tmp_path):
    """The route's side: POST /api/alertmanager searches each distinct alert in turn, and its
    searches share the call's deadline (get_slot makes one per request). Under a steady stream of
    interactive searches on the one slot, a group of 8 alerts at --webhook-max-wait 0.4 was answered
    in 8 x 0.4 s and more; now in about 0.4 s."""
    from kbfactory import small_kb
    from serve_util import alert_payload, fake_app, running

    limit, alerts = 0.4, 8
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, inference_threads=1, webhook_max_wait=limit)
    body = alert_payload(*({"labels": {"alertname": f"DiskFull{n}"}} for n in range(alerts)))
    with running(app) as base:
        import httpx

        gate, log, stop = app.state.settings.gate, [], threading.Event()
        _log_webhook_searches(gate, log)
        _interactive_stream(gate, log, stop)  # what /api/suggest, MCP and Slack searches do to the gate
        while not log:
            stop.wait(0.001)
        try:
            began = time.monotonic()
            r = httpx.post(base + "/api/alertmanager", json=body, timeout=60)
            took = time.monotonic() - began
        finally:
            stop.set()
    assert r.status_code == 200 and len(r.json()["alerts"]) == alerts, r.text
    assert took >= limit  # the responders' searches went first, for the limit
    between = _interactive_between_webhooks(log)
    assert len(between) == alerts - 1 and max(between) <= 2, f"a wait of the limit for each alert: {between}"


def _log_webhook_searches(gate, log) -> None:
    """Each webhook search the route makes on ``gate`` is logged once it holds its slot (the real gate's
    acquire, watched: the route's searches run in the app)."""
    acquire = gate.acquire

    def watched(webhook=False, deadline=None):
        acquire(webhook, deadline)
        if webhook:
            log.append(("webhook", time.monotonic()))

    gate.acquire = watched
