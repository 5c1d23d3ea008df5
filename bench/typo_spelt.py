"""Correctly spelt questions and the typo reading (search.TYPO): which get a reading, and what it changes.

    python bench/typo_spelt.py [--kb kb] [--cases bench/data/spelt.jsonl] [--model M]

bench/data/spelt.jsonl: questions written for this, every word spelt right (technical words the KB does not
use: ldap, grpc, systemd, semver; Spanish and Portuguese questions), each with the patterns a right answer
is (``expect``; none: "no known pattern" is right). Each is answered as every surface answers (the reading a
fallback: Engine._rank_read) and with its typos always read (as before the fallback), and the table says,
for each way, the words read, the first result, its confidence and whether the verdict is right. Found in
review: read always, "compress" was read as "compares" and "datos" as "dates".
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))


def _right(answer, expect: list) -> bool:
    """Right: an expected pattern first and not "no known pattern", or, expecting none, "no known pattern"."""
    if not expect:
        return answer["no_known_pattern"]
    return not answer["no_known_pattern"] and bool(answer["results"]) and answer["results"][0]["id"] in expect


def _always_read(engine, text: str) -> dict:
    """The answer with the typos read whatever the text as typed finds (the reading before the fallback)."""
    from recur.retrieval.engine import no_known_pattern
    from recur.retrieval.search import reading_typos

    with reading_typos():
        results = engine._rank_as([text], 5, "hybrid", None)[0]
    read = engine.searcher.corrections(text)
    return {"results": results, "no_known_pattern": no_known_pattern(results), "corrected": read}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", default=str(ROOT / "kb"))
    ap.add_argument("--cases", default=str(ROOT / "bench/data/spelt.jsonl"))
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval.engine import Engine
    from recur.retrieval.index import build
    from recur.retrieval.models import active_model

    cases = [json.loads(line) for line in Path(args.cases).read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        model = active_model(args.kb, args.model)
        build(load_kb(args.kb), Path(tmp) / "index", embed.load_encoder(model), progress=False)
        engine = Engine(args.kb, Path(tmp) / "index", model)
        rows, counts = [], {"read_now": 0, "read_always": 0, "right_now": 0, "right_always": 0}
        for c in cases:
            now = engine.answer(c["query"], top=5).to_json()
            always = _always_read(engine, c["query"])
            counts["read_now"] += bool(now["corrected"])
            counts["read_always"] += bool(always["corrected"])
            counts["right_now"] += _right(now, c["expect"])
            counts["right_always"] += _right(always, c["expect"])
            rows.append((c["query"], now, always, c["expect"]))
    for q, now, always, expect in rows:
        for label, a in (("now", now), ("always read", always)):
            top = a["results"][0] if a["results"] else {"id": "-", "confidence": "-"}
            read = ", ".join(f"{w[0]}->{w[1]}" if isinstance(w, tuple) else f"{w['word']}->{w['read_as']}"
                             for w in a["corrected"])  # fmt: skip
            verdict = "no known pattern" if a["no_known_pattern"] else "match"
            ok = "right" if _right(a, expect) else "WRONG"
            print(f"{q[:44]:44} {label:11} {top['id'][:30]:30} {top['confidence']:6} {verdict:16} {ok:5} {read}")
    n = len(cases)
    print(
        f"{n} correctly spelt questions: a reading on {counts['read_now']} (always read: {counts['read_always']}); "
        f"answer right {counts['right_now']}/{n} (always read: {counts['right_always']}/{n})"
    )


if __name__ == "__main__":
    main()
