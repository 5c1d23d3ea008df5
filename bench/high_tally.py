"""Shared by bench/other_language.py and bench/vendor_words.py: per kind of question, how many are first right,
how many are `high` on a wrong first result (should be 0) and how many are right at `high`."""

from __future__ import annotations


def print_tally(cases: list[dict], answers: list, show_all: bool) -> None:
    """Print each kind's counts; every question's first result with ``show_all``, else only a wrong `high`."""
    tally: dict = {}
    for case, answer in zip(cases, answers):
        first = answer.results[0] if answer.results else None
        right = first is not None and first["id"] in case["expect"]
        high = first is not None and first["confidence"] == "high"
        t = tally.setdefault(case["kind"], {"n": 0, "right": 0, "wrong_high": 0, "right_high": 0})
        t["n"] += 1
        t["right"] += right
        t["wrong_high"] += high and not right
        t["right_high"] += high and right
        if show_all or (high and not right):
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
