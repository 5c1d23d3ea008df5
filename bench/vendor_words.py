"""Short questions that name a vendor or a tool, against the starter KB: does one shared ordinary word carry `high`?

    python bench/vendor_words.py [--kb kb] [--index .recur/index] [--cases FILE] [--all]
    python bench/vendor_words.py --cases bench/data/short-questions.jsonl   # statuses, codes, alert names, phrases
    python bench/vendor_words.py --cases bench/data/bare-words.jsonl        # one word alone: vendors, names, signals

bench/data/vendor-words.jsonl holds short questions written for this check (issue 13: "github down" was
leaked-credentials at `high`, 0.85, on the one word "github"), each with the pattern(s) a responder would
accept first, or none (``expect: []``: no one pattern is right, any `high` is wrong), and a kind: "vendor"
(a name with a state word: down, slow, failing), "name" (a tool's name alone) or "symptom" (a real short
symptom, a vendor word in some: these keep their `high`). Prints, per kind, how many are first right, how
many are `high` on a wrong first result (should be 0) and how many are right at `high`; ``--all`` lists
every question's first result. The KB is indexed into ``--index`` first when that is out of date.

``--cases bench/data/short-questions.jsonl``: short questions written for a second check (a bare "503" ranked
integer-id-overflow first, with no evidence shown; docs/calibration.md "Short questions"), kinds status, code,
alert and phrase. Where no one pattern is right, a case lists the patterns on its topic (``topic``: a first result
a responder would not find out of place, e.g. the patterns listing that status); when any case has one, also
printed: how many first results are on topic (``expect`` or ``topic``), how many answers are "no known pattern",
and how many accepted patterns are `high` anywhere in the top 3.

``--cases bench/data/bare-words.jsonl``: 42 bare one-word questions written for a third check (`recur suggest redis`
was cache-stampede `high`, 0.964, on its tag; docs/calibration.md "A bare word is no name either"), kinds service (a
vendor or tool alone: no one pattern is right), name (a word of a pattern's title or id), signal and everyday.
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

CASES = ROOT / "bench/data/vendor-words.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--index", type=Path, default=ROOT / ".recur/index")
    ap.add_argument("--cases", type=Path, default=CASES, help="a JSONL file of cases (query, expect, kind, topic)")
    ap.add_argument("--all", action="store_true", help="list every question's first result")
    args = ap.parse_args()
    cases = [json.loads(x) for x in args.cases.read_text().splitlines() if x.strip()]
    engine = Engine.open(args.kb, args.index, quiet=True)
    got = engine.answer_many([c["query"] for c in cases], top=3)
    print_tally(cases, got, args.all)
    if any("topic" in c for c in cases):
        print_on_topic(cases, got)


def print_on_topic(cases: list[dict], answers: list) -> None:
    """First results on topic (``expect`` or ``topic``), "no known pattern" answers, accepted patterns `high`."""
    on_topic = sum(
        bool(a.results) and a.results[0]["id"] in {*c["expect"], *c.get("topic", ())} for c, a in zip(cases, answers)
    )
    flagged = sum(a.no_known_pattern for a in answers)
    high = sum(r["id"] in c["expect"] and r["confidence"] == "high" for c, a in zip(cases, answers) for r in a.results)
    n = len(cases)
    print(f"first on topic {on_topic}/{n}  no_known_pattern {flagged}/{n}  accepted high in the top 3 {high}")


if __name__ == "__main__":
    main()
