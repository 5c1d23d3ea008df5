"""How `recur import`'s postmortem parser scales with hostile input, against ordinary text.

    python bench/import_parse.py [--size 40000] [--factor 4]

A postmortem file may be up to 1 MiB. For each kind of input, the parser is timed at --size
characters and at --factor times that, in the same run; the ratio of the two times is ~factor for
linear work and ~factor² for quadratic. The baseline is ordinary postmortem prose repeated. Before
the rewrite of the comment, placeholder and link patterns, 80 KB of unclosed "<!--" took 86 s and
of "[" 35 s (quadratic: from each one, a regex scanned to the end of the file).

Prints a table and writes bench/out/import_parse.json. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.ingest.postmortem import parse  # noqa: E402

PROSE = (
    "The checkout service returned errors for 40 minutes after a deploy. Engineers rolled back and "
    "the error rate recovered. Root cause: a connection pool sized for the old traffic.\n"
)
KINDS = {
    "baseline: prose": lambda n: PROSE * (n // len(PROSE) + 1),
    'unclosed "<!--"': lambda n: "<!--" * (n // 4),
    'unclosed "["': lambda n: "[" * n,
    'unclosed "[insert "': lambda n: "[insert " * (n // 8),
    'unclosed "{{"': lambda n: "{{" * (n // 2),
    'unclosed "<insert "': lambda n: "<insert " * (n // 8),
    "setext headings": lambda n: "a\n=\n" * (n // 4),
    "distinct sub-headings": lambda n: "".join(f"### x{i}\n" for i in range(n // 8)),
    "table rows": lambda n: "".join(f"| Impact{i} | v |\n" for i in range(n // 16)),
    "key/value table": lambda n: (
        "| Field | Value |\n|---|---|\n"
        + "".join(f"| Row{i} | v |\n" for i in range(n // 32))
        + "| Summary | s |\n"
        + "".join(f"| More{i} | v |\n" for i in range(n // 32))
    ),
    # list items opening with a time field's label and no colon ("- Detected 14:05 — paged"), as fields and as
    # a timeline's entries, and one with a run of spaces after its label
    "time label bullets": lambda n: _time_bullets(n // 2) + "## Timeline\n" + _time_bullets(n // 2),
    "action items": lambda n: "".join(f"- [ ] fix {i} @a due 2026-01-01\n" for i in range(n // 32)),
    # in their own section, where follow-ups are parsed and merged (each compared with all before: 7,000
    # took minutes)
    "action items section": lambda n: (
        "## Action items\n" + "".join(f"- [ ] restore shard {i:05d} (owner: @ops)\n" for i in range(n // 40))
    ),
    # one action item with a run of separators, or of " ." pairs, that does not end its title: the pattern
    # taking such a run off a title's end was tried at each of its characters (8,000 ";": 1.6 s); a run
    # of spaces in a "— blocked: …" marker, its words read lazily up to each space (80,000: 286 s)
    "item ';' run": lambda n: _long_item("- x", ";", " Status: Waiting", n),
    "item ' .' run": lambda n: _long_item("- x", " .", " now", n),
    "item blocked: spaces": lambda n: _long_item("- x — blocked: a", " ", "b", n),
    # a review field's label with no colon ("Review date - 2026-12-09", "Review date 2026-12-09") and a table
    # column headed by it, as the review's due day; one line with a run of spaces after the label
    "review date lines": lambda n: "".join(
        f"- Review date{' ' * 30}x\nReview due -{' ' * 30}2026-12-{i % 28 + 1:02d}\n" for i in range(n // 80 + 1)
    ),
    "review date: spaces": lambda n: f"Review date -{' ' * (n - 40)}x\n",
    "review date columns": lambda n: "| Incident | Review date |\n|---|---|\n" + "| x | 2026-12-09 |\n" * (n // 20),
    # Jira's Resolved column with the time of day ("17/Nov/26 3:45 PM"), and one cell with a run of spaces
    "resolved cells, timed": lambda n: (
        "## Action items\n| Summary | Status | Resolved |\n|---|---|---|\n"
        + "".join(f"| fix {i} | Done | 17/Nov/26 3:{i % 60:02d} PM |\n" for i in range(n // 40))
    ),
    "resolved cell: spaces": lambda n: _long_item(
        "| Summary | Resolved |\n|---|---|\n| x | 17/Nov/26", " ", "3:45 PM |", n
    ),
}


def _long_item(start: str, unit: str, end: str, n: int) -> str:
    return f"## Action items\n{start}" + unit * ((n - 60) // len(unit)) + end + "\n"


def _time_bullets(n: int) -> str:
    rows = (
        f"- Detected {i % 24:02d}:05 — paged\n- Resolved at{' ' * 40}x\n- Escalated {i % 24:02d}:20 UTC\n- Paged{' ' * 40}x\n"
        for i in range(n // 120 + 1)
    )
    return "".join(rows)


def timed(text: str) -> float:
    t0 = time.perf_counter()
    parse(text)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=40000)
    ap.add_argument("--factor", type=int, default=4)
    args = ap.parse_args()
    parse("warm up")
    rows = []
    print(f"{'input':24} {'t(size)':>9} {'t(size×' + str(args.factor) + ')':>11} {'ratio':>6}")
    for name, make in KINDS.items():
        small = "## Impact\n" + make(args.size)[: args.size]
        large = "## Impact\n" + make(args.size * args.factor)[: args.size * args.factor]
        a, b = timed(small), timed(large)
        rows.append({"input": name, "seconds": a, "seconds_large": b, "ratio": b / max(a, 1e-6)})
        print(f"{name:24} {a:9.3f} {b:11.3f} {b / max(a, 1e-6):6.1f}")
    out = ROOT / "bench" / "out" / "import_parse.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"size": args.size, "factor": args.factor, "rows": rows}, indent=2) + "\n")
    print(f"(linear work: ratio ~{args.factor}; quadratic: ~{args.factor**2}) -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
