"""`recur init` writes constraints.txt from recur's installed dependency closure (recur.util.pins.installed_closure),
which parses the metadata of every package in it: 1.5-4 s of each init, most of a test of init's files. The closure
of one environment is the same for every init of a test session (nothing is installed into it while it runs), so
``closure_once()`` computes it once with the real function, from the real metadata, and hands each later call the
same answer (a copy). Keyed on the name asked and sys.path, so a test that puts other distributions on sys.path
(monkeypatch.syspath_prepend) reads them afresh. Subprocesses (`make constraints`, the pre-commit hooks) compute
their own, as a team's do.
"""

from __future__ import annotations

import contextlib
import copy
import sys

import pytest


@contextlib.contextmanager
def closure_once():
    from recur.util import pins

    real = pins.installed_closure
    known: dict = {}

    def once(top: str) -> pins.Pins:
        key = (top, tuple(sys.path))
        if key not in known:
            known[key] = real(top)
        return copy.deepcopy(known[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pins, "installed_closure", once)
        yield
