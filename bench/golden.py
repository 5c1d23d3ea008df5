"""Golden outputs for a behaviour-preserving change (a refactor): run before and after, then diff.

    python bench/golden.py OUT_DIR [--shared ../shared/eval]

Writes, for the shipped KB and the fixture KB: ``suggest --json --queries`` over the cases,
``report --format json --as-of`` a fixed date, ``check`` (stdout and stderr) and the sorted list
of generated site pages. Compare two runs with ``diff -r BEFORE AFTER``; only what the commands
print is recorded, so timings on stderr do not enter.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-30"


def recur(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "recur", *args], cwd=cwd, capture_output=True, text=True)


def cases_jsonl(kb: Path, shared: Path | None, dest: Path) -> Path:
    if shared is not None:
        return shared / "dev.jsonl"
    cases = yaml.safe_load((kb / "eval" / "cases.yml").read_text())
    dest.write_text("".join(json.dumps({"query": c["query"], "expect": c["expect"]}) + "\n" for c in cases))
    return dest


def record(name: str, kb: Path, shared: Path | None, out: Path, work: Path) -> None:
    index = work / f"{name}-index"
    queries = cases_jsonl(kb, shared, work / f"{name}-cases.jsonl")
    runs = {
        "suggest.jsonl": recur(
            "suggest", "--kb", str(kb), "--index", str(index), "--json", "--top", "10", "--queries", str(queries)
        ),
        "report.json": recur("report", "--kb", str(kb), "--format", "json", "--as-of", AS_OF),
        "check.txt": recur("check", "--kb", str(kb), "--today", AS_OF),
    }
    site = work / f"{name}-site"
    runs["site.txt"] = recur("site", "--kb", str(kb), "--out", str(site), "--index", str(index), "--as-of", AS_OF)
    for fname, proc in runs.items():
        text = proc.stdout if fname != "check.txt" else proc.stdout + "--- stderr\n" + proc.stderr
        (out / f"{name}-{fname}").write_text(f"exit {proc.returncode}\n{text}")
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()) if site.is_dir() else []
    (out / f"{name}-site-pages.txt").write_text("\n".join(pages) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "eval")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        record("starter", ROOT / "kb", None, args.out, work)
        if (args.shared / "kb").is_dir():
            record("fixture", args.shared / "kb", args.shared, args.out, work)
    print(f"golden outputs in {args.out}")


if __name__ == "__main__":
    main()
