"""Reading a pasted log's worst line against an ordinary one of the same length, in the same run.

    python bench/log_read.py [--chars 2000,5000,10000,19900] [--repeat 5]

A logfmt record followed by a long run of key characters ([\\w.@-]) with no "=" after it is the worst
case query.LOGFMT_FIELD met: unanchored, findall tried a key at each of the run's characters, each try to
its end, quadratic (1.5-2.5 s at 20,000 characters before the fix, the GIL held: the whole server stood
still). The baseline is a plain ERROR line of the same length in the same log. Each is timed in
query.prepare (Python) and, when Node is installed, in site_config/assets/recur-query.js's prepare (the browser's
port, which had the same pattern), the best of --repeat runs.

Prints a table and writes bench/out/log_read.json. Figures, not assertions (timings vary with the
machine; the tests assert what is read, tests/test_query_logs.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.retrieval.query import prepare  # noqa: E402

QUERY_JS = ROOT / "site_config" / "assets" / "recur-query.js"
ORDINARY = [f"ts=2026-12-01T10:02:0{i} level=info msg=ok" for i in range(7)]


def texts(chars: int) -> dict[str, str]:
    """The worst case and its baseline, as whole logs of 8 lines whose last line is ``chars`` long."""
    worst = "ts=1 level=error " + "a" * (chars - len("ts=1 level=error "))
    plain = "2026-12-01T10:02:09Z ERROR " + "a" * (chars - len("2026-12-01T10:02:09Z ERROR "))
    return {"logfmt + key run": "\n".join([*ORDINARY, worst]), "plain line (baseline)": "\n".join([*ORDINARY, plain])}


def time_python(text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        prepare(text)
        best = min(best, time.perf_counter() - t)
    return best


def time_node(node: str, texts: list[str], repeat: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(QUERY_JS, Path(tmp) / "recur-query.mjs")
        (Path(tmp) / "texts.json").write_text(json.dumps(texts))
        (Path(tmp) / "run.mjs").write_text(
            'import "./recur-query.mjs";\nimport fs from "node:fs";\n'
            'const out = JSON.parse(fs.readFileSync("texts.json")).map((t) => { let best = Infinity; '
            f"for (let i = 0; i < {repeat}; i++) {{ const s = performance.now(); globalThis.RecurQuery.prepare(t); "
            "best = Math.min(best, performance.now() - s); } return best / 1000; });\n"
            "process.stdout.write(JSON.stringify(out));\n"
        )
        run = subprocess.run([node, "run.mjs"], cwd=tmp, capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chars", default="2000,5000,10000,19900")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    node = shutil.which("node")
    rows = []
    for chars in (int(c) for c in args.chars.split(",")):
        cases = texts(chars)
        js = time_node(node, list(cases.values()), args.repeat) if node else [None] * len(cases)
        for (name, text), js_s in zip(cases.items(), js):
            rows.append({"chars": chars, "case": name, "python_s": time_python(text, args.repeat), "node_s": js_s})
    print(f"{'chars':>6}  {'case':<22} {'python ms':>10} {'node ms':>10}")
    for r in rows:
        js = f"{r['node_s'] * 1000:10.2f}" if r["node_s"] is not None else f"{'-':>10}"
        print(f"{r['chars']:>6}  {r['case']:<22} {r['python_s'] * 1000:10.2f} {js}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "log_read.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
