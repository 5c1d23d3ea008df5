"""Short questions against the starter KB: HTTP statuses, error codes, alert names, 2-3 word phrases.

    python bench/short_questions.py [--kb kb] [--index .recur/index] [--all]

bench/data/short-questions.jsonl holds short questions written for this check (a bare "503" ranked
integer-id-overflow first, with no evidence shown), each with the pattern(s) a responder would accept first
(``expect``; ``[]``: no one pattern is right, any `high` is wrong) and, where none is, the patterns on the
question's topic (``topic``: a first result a responder would not find out of place, e.g. the patterns listing
that status). Prints bench/high_tally.py's counts per kind (status, code, alert, phrase), how many first results
are on topic (``expect`` or ``topic``), and ``--all`` every question's first result.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from high_tally import print_tally  # noqa: E402  (bench/, the script's own folder)

from recur.retrieval.engine import Engine  # noqa: E402

CASES = ROOT / "bench/data/short-questions.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--index", type=Path, default=ROOT / ".recur/index")
    ap.add_argument("--all", action="store_true", help="list every question's first result")
    args = ap.parse_args()
    cases = [json.loads(x) for x in CASES.read_text().splitlines() if x.strip()]
    engine = Engine.open(args.kb, args.index, quiet=True)
    got = engine.answer_many([c["query"] for c in cases], top=3)
    print_tally(cases, got, args.all)
    on_topic = sum(
        bool(a.results) and a.results[0]["id"] in set(c["expect"]) | set(c.get("topic", ())) for c, a in zip(cases, got)
    )
    flagged = sum(a.no_known_pattern for a in got)
    print(f"first on topic {on_topic}/{len(cases)}  no_known_pattern {flagged}/{len(cases)}")


if __name__ == "__main__":
    main()
