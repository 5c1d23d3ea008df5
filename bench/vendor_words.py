"""Short questions that name a vendor or a tool, against the starter KB: does one shared ordinary word carry `high`?

    python bench/vendor_words.py [--kb kb] [--index .recur/index] [--all]

bench/data/vendor-words.jsonl holds short questions written for this check (issue 13: "github down" was
leaked-credentials at `high`, 0.85, on the one word "github"), each with the pattern(s) a responder would
accept first, or none (``expect: []``: no one pattern is right, any `high` is wrong), and a kind: "vendor"
(a name with a state word: down, slow, failing), "name" (a tool's name alone) or "symptom" (a real short
symptom, a vendor word in some: these keep their `high`). Prints, per kind, how many are first right, how
many are `high` on a wrong first result (should be 0) and how many are right at `high`; ``--all`` lists
every question's first result. The KB is indexed into ``--index`` first when that is out of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.retrieval.engine import Engine  # noqa: E402

CASES = ROOT / "bench/data/vendor-words.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--index", type=Path, default=ROOT / ".recur/index")
    ap.add_argument("--all", action="store_true", help="list every question's first result")
    args = ap.parse_args()
    cases = [json.loads(x) for x in CASES.read_text().splitlines() if x.strip()]
    engine = Engine.open(args.kb, args.index, quiet=True)
    got = engine.answer_many([c["query"] for c in cases], top=3)
    tally: dict = {}
    for case, answer in zip(cases, got):
        first = answer.results[0] if answer.results else None
        right = first is not None and first["id"] in case["expect"]
        high = first is not None and first["confidence"] == "high"
        t = tally.setdefault(case["kind"], {"n": 0, "right": 0, "wrong_high": 0, "right_high": 0})
        t["n"] += 1
        t["right"] += right
        t["wrong_high"] += high and not right
        t["right_high"] += high and right
        if args.all or (high and not right):
            what = "none" if first is None else f"{first['id']} {first['confidence']} {first['probability']}"
            mark = "WRONG HIGH " if high and not right else ""
            print(
                f"  {mark}{case['kind']:<8} {case['query']!r} -> {what}{' no_known' if answer.no_known_pattern else ''}"
            )
    for kind, t in tally.items():
        print(
            f"{kind:<8} n={t['n']:<3} first right {t['right']}  wrong high {t['wrong_high']}  right high {t['right_high']}"
        )
    print(f"all      wrong high {sum(t['wrong_high'] for t in tally.values())}")


if __name__ == "__main__":
    main()
