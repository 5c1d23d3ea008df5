"""The knowledge base: typed records, parsing, the schema, loading, checks and lint, and the
one writer of pattern, incident and path text. Imports only ``recur.util`` and ``recur.config``.

``from recur.kb import load_kb, Pattern`` is the usual way in."""

from recur.kb.loader import load_kb  # noqa: F401
from recur.kb.records import KB, EvalCase, Fix, Flag, FollowUp, Incident, OnboardingPath, Pattern, Review, SeverityLevel  # noqa: F401
