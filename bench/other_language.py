"""Questions in German and Japanese against the starter KB with a few patterns written in those languages: is a
question sharing one word with a pattern `high` (calibrate.UNREAD_CAP)? Are the right ones still `high`?

    python bench/other_language.py [--all]

bench/data/other-language-patterns.json holds five patterns written for this check (three German, two
Japanese), added to a temporary copy of kb/ and indexed with the bundled model; bench/data/other-language.jsonl
holds questions, each with the pattern a responder would accept first, or none (``expect: []``: the question
shares a word or two with a pattern and is about something else; any `high` is wrong), and a kind: "right"
(the pattern's own words, its title or a symptom reworded) or "one word". Prints, per kind, how many are first
right, `high` on a wrong first result (should be 0) and right at `high`; ``--all`` lists every question.
About a minute on a 2-core machine (the index).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from high_tally import print_tally  # noqa: E402  (bench/, the script's own folder)

from recur.kb.writer import Bullets, Numbered, Raw, pattern_markdown  # noqa: E402
from recur.retrieval.engine import Engine  # noqa: E402

PATTERNS = ROOT / "bench/data/other-language-patterns.json"
CASES = ROOT / "bench/data/other-language.jsonl"


def write_kb(to: Path) -> None:
    shutil.copytree(ROOT / "kb", to)
    for p in json.loads(PATTERNS.read_text()):
        front = [
            ("id", Raw(p["id"])), ("title", p["title"]), ("category", Raw(p["category"])), ("severity", Raw("sev2")),
            ("symptoms", p["symptoms"]), ("signals", p["signals"]),
        ]  # fmt: skip
        sections = [("Summary", p["summary"]), ("Runbook", Numbered(("`kubectl get pods -n prod`",))),
                    ("Evidence to preserve", Bullets(("`kubectl logs --previous`",))), ("Root cause", p["root_cause"])]  # fmt: skip
        (to / "patterns" / p["category"] / f"{p['id']}.md").write_text(pattern_markdown(front, sections))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="list every question's first result")
    args = ap.parse_args()
    cases = [json.loads(x) for x in CASES.read_text().splitlines() if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        write_kb(Path(tmp) / "kb")
        engine = Engine.open(Path(tmp) / "kb", Path(tmp) / "index", quiet=True)
        got = engine.answer_many([c["query"] for c in cases], top=3)
    print_tally(cases, got, args.all)


if __name__ == "__main__":
    main()
