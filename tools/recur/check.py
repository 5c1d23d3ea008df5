"""``recur check``: everything wrong with a KB, collected before failing once.

Per-file schema problems come from the loader; this module adds the checks that need the
whole KB (duplicate ids, references between files). Authoring advice (lint.py) is added as
warnings. Nothing here imports the embedding stack: check must stay fast.
"""

from __future__ import annotations

from recur.errors import Problem
from recur.kb import load_kb
from recur.records import KB


def cross_checks(kb: KB) -> list[Problem]:
    problems: list[Problem] = []
    for pid, files in kb.pattern_files.items():
        if len(files) > 1:
            for f in files:
                others = ", ".join(x for x in files if x != f)
                problems.append(Problem(f, _id_line(kb, pid, f), "id", f"duplicate pattern id {pid!r} (also in {others})"))
    for iid, files in kb.incident_files.items():
        if len(files) > 1:
            for f in files:
                others = ", ".join(x for x in files if x != f)
                problems.append(Problem(f, 2, "id", f"duplicate incident id {iid!r} (also in {others})"))

    def missing(pid: str) -> bool:
        return not kb.pattern_known(pid)

    for p in kb.patterns.values():
        shown = kb.pattern_files[p.id][0]
        for i, rid in enumerate(p.related):
            if rid == p.id:
                problems.append(Problem(shown, p.line("related", i), f"related[{i}]", "a pattern cannot be related to itself"))
            elif missing(rid):
                problems.append(Problem(shown, p.line("related", i), f"related[{i}]", f"no pattern has id {rid!r}"))
        for i, d in enumerate(p.distinguish):
            if missing(d["from"]):
                problems.append(Problem(shown, p.line("distinguish", i, "from"), f"distinguish[{i}].from",
                                        f"no pattern has id {d['from']!r}"))
    for inc in kb.incidents.values():
        shown = kb.incident_files[inc.id][0]
        for i, pid in enumerate(inc.patterns):
            if missing(pid):
                problems.append(Problem(shown, inc.line("patterns", i), f"patterns[{i}]", f"no pattern has id {pid!r}"))
    for path in kb.paths.values():
        shown = _shown(kb, path.relpath)
        for i, step in enumerate(path.steps):
            if missing(step.pattern):
                problems.append(Problem(shown, path.line("steps", i, "pattern"), f"steps[{i}].pattern",
                                        f"no pattern has id {step.pattern!r}"))
    problems += expect_problems(kb.cases, _shown(kb, "eval/cases.yml"), kb.pattern_known)
    problems += triage_problems(kb)
    return problems


def triage_problems(kb: KB) -> list[Problem]:
    """Incidents recorded by ``recur import`` with placeholders (``triage:``): one warning per field."""
    from recur.schema import TRIAGE_FIELDS

    out = []
    for inc in kb.incidents.values():
        shown = kb.incident_files[inc.id][0]
        for i, name in enumerate(inc.triage):
            if name not in TRIAGE_FIELDS:
                out.append(Problem(shown, inc.line("triage", i), f"triage[{i}]",
                                   f"unknown field {name!r} (one of {', '.join(TRIAGE_FIELDS)})", "warning"))
                continue
            value = getattr(inc, name)
            out.append(Problem(shown, inc.line(name), name,
                               f"needs triage: {value} is a placeholder (the postmortem did not say); "
                               f"set the real {name} and remove {name!r} from triage", "warning"))
    return out


def expect_problems(cases, shown: str, known) -> list[Problem]:
    """Cases expecting a pattern id that no file has: a miss that no ranking could fix.
    ``known(pid)`` says whether a pattern has that id."""
    return [Problem(shown, case.line, f"[{n}].expect", f"no pattern has id {pid!r}")
            for n, case in enumerate(cases) for pid in case.expect if not known(pid)]


def _shown(kb: KB, relpath: str) -> str:
    from recur.kb import display_path

    return display_path(kb.root, kb.root / relpath)


def _id_line(kb: KB, pid: str, shown: str) -> int:
    p = kb.patterns.get(pid)
    return p.line("id") if p and kb.pattern_files[pid][0] == shown else 2


def run_checks(kb: KB, lint: bool = True, **lint_options) -> list[Problem]:
    """All problems in the KB, sorted by file and line."""
    problems = list(kb.problems) + cross_checks(kb)
    if lint:
        try:
            from recur import lint as lint_mod
        except ImportError:  # authoring checks not installed in this build
            lint_mod = None
        if lint_mod is not None:
            problems += lint_mod.authoring_warnings(kb, **lint_options)
    unique = {(p.path, p.line, p.field, p.message, p.level): p for p in problems}
    return sorted(unique.values(), key=Problem.sort_key)


def check_path(root, **options) -> tuple[KB, list[Problem]]:
    kb = load_kb(root)
    return kb, run_checks(kb, **options)
