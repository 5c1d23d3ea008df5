"""SearchGate: the inference slots shared by interactive and webhook searches."""

import threading

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
            self.turn.wait(10)

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
    assert got["interactive"].wait(10)
    assert got["webhook"].wait(10), "the webhook search sleeps beside a free slot"
    assert gate.waiting == 0
    gate.release(), gate.release(webhook=True)
