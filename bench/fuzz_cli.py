"""Seeded fuzz of the CLI's flag values: `recur incident new`, `recur new incident`, `recur incident review`,
`recur incident flag`, `recur report --as-of`, with odd values (empty, long, newlines, YAML-special text,
unicode, dates out of range). A written record must pass `recur check` and show (`recur show --json`) what was
given; a refusal must be no traceback and name the flag. Prints counts; asserts nothing on time.

    PYTHONPATH=tools python bench/fuzz_cli.py --kb kb --seed 1 --runs 300
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

ODD = [
    "", " ", "x" * 5000, "a\nb", "a\r\nb", "line\n---\n", "- x", ": ", "a: b", "#", "# c", "a #b", "!!", "!!python/object:os.system",
    "&a", "*a", "{}", "[]", "{a: 1}", "'", '"', "'\"", "\\", "null", "~", "yes", "no", "1e400", "0x1F", ".nan", "@team",
    "\u202e\u200b", "\ufeff", "é ü 中文 🚀", "\t", "%YAML 1.1", "|", ">", "? x", "<<: *a", "`x`", "a\x00b", "\x1b[31m",
    "\u2028", "\u0085", "-", "--", "--title", "ok",
]
DATES = ["", "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "10000-01-01", "1900-01-01", "2026-1-1",
         "26-01-01", "today", "2026-01-01T00:00", " 2026-01-01", "2026-01-01\n", "x", "2024-02-29", "2025-02-29"]


def pick(rng):
    return rng.choice(DATES) if rng.random() < 0.15 else rng.choice(ODD)


def run(cli, runner, args):
    r = runner.invoke(cli, args, catch_exceptions=True)
    return r.exit_code, r.output, r.exception


def incident_new(rng, kb):
    given = {"--title": pick(rng) if rng.random() < 0.7 else "Disk full", "--severity": rng.choice(["sev2", "sev1", "P1", "SEV-3", "4", pick(rng)])}
    new_cmd = rng.random() < 0.3
    given["--summary" if new_cmd else "--description"] = pick(rng) if rng.random() < 0.7 else "disk full on db1"
    for flag in ("--service", "--flag") + (() if new_cmd else ("--review-owner",)):  # free text: any odd value
        if rng.random() < 0.5:
            given[flag] = pick(rng)
    # typed values: rarely, so that most runs write a record
    for flag, values in (("--date", DATES), ("--review-due", DATES), ("--duration", ["0", "-1", "10**9", "99999999999999999999", "5"]),
                         ("--id", ["INC-9", "a.b_c-d", "..", ".x", "x" * 300, "CON", "inc-2026-0001"])):
        if rng.random() < 0.1 and not (new_cmd and flag == "--review-due"):
            given[flag] = rng.choice(values)
    args = (["new", "incident"] if new_cmd else ["incident", "new", "--no-suggest"]) + ["--kb", str(kb), "--no-input"]
    for k, v in given.items():
        args += [k, v]
    return args, given


def review(rng, kb, ident):
    given = {rng.choice(["--due", "--on", "--owner"]): pick(rng)}
    args = ["incident", "review", ident, "--kb", str(kb)] + (["--done"] if "--on" in given else [])
    for k, v in given.items():
        args += [k, v]
    return args, given


def expect_shown(shown, given):
    """What `show --json` says differs from what was given (a field each), or []."""
    bad = []
    title = given.get("--title")
    if title is not None and shown.get("title") != title.strip():
        bad.append(f"title {title!r} -> {shown.get('title')!r}")
    if "--service" in given and given["--service"].strip() and given["--service"].strip() not in shown.get("services", []):
        bad.append(f"service {given['--service']!r} -> {shown.get('services')!r}")
    if "--flag" in given and given["--flag"].strip():
        texts = [f.get("text") for f in shown.get("flags", [])]
        if given["--flag"].strip() not in texts:
            bad.append(f"flag {given['--flag']!r} -> {texts!r}")
    if "--review-owner" in given and given["--review-owner"].strip():
        owner = (shown.get("review") or {}).get("owner")
        if owner != given["--review-owner"].strip():
            bad.append(f"review-owner {given['--review-owner']!r} -> {owner!r}")
    return bad


def one(cli, runner, rng, base, work, counts, failures):
    kb = work / "kb"
    if kb.exists():
        shutil.rmtree(kb)
    shutil.copytree(base, kb)
    args, given = incident_new(rng, kb)
    code, out, exc = run(cli, runner, args)
    counts["runs"] += 1
    if exc is not None and not isinstance(exc, SystemExit) or "Traceback" in out:
        failures.append((args[:3], given, "traceback", repr(exc)[:300]))
        return
    if code != 0:
        counts["refused"] += 1
        if not any(k in out for k in given) and "title" not in out.lower() and "severity" not in out.lower():
            failures.append((args[:3], given, "refusal names no flag", out[-300:]))
        return
    counts["written"] += 1
    written = sorted(p for p in (kb / "incidents").rglob("*.md") if p.stat().st_mtime and p.name not in base_names(base))
    code, out, _ = run(cli, runner, ["check", "--kb", str(kb), "-q"])
    if code != 0:
        failures.append((args[:3], given, "check rejects the record", out[-600:]))
        return
    for path in written:
        ident = path.stem
        code, out, _ = run(cli, runner, ["show", "--kb", str(kb), "--json", ident])
        bad = expect_shown(json.loads(out), given) if code == 0 else [f"show exit {code}: {out[-300:]}"]
        if bad:
            failures.append((args[:3], given, "round trip", bad))
        rargs, rgiven = review(rng, kb, ident)
        code, out, exc = run(cli, runner, rargs)
        counts["runs"] += 1
        if "Traceback" in out or exc is not None and not isinstance(exc, SystemExit):
            failures.append((rargs[:3], rgiven, "traceback", repr(exc)[:300]))
        elif code != 0 and not any(k in out for k in rgiven):
            failures.append((rargs[:3], rgiven, "refusal names no flag", out[-300:]))
        elif code == 0:
            c2, out2, _ = run(cli, runner, ["check", "--kb", str(kb), "-q"])
            if c2 != 0:
                failures.append((rargs[:3], rgiven, "check rejects after review", out2[-600:]))


_NAMES: dict = {}


def base_names(base):
    if base not in _NAMES:
        _NAMES[base] = {p.name for p in (base / "incidents").rglob("*.md")}
    return _NAMES[base]


def report(cli, runner, rng, base, counts, failures):
    when = pick(rng)
    code, out, exc = run(cli, runner, ["report", "--kb", str(base), "--as-of", when])
    counts["runs"] += 1
    if "Traceback" in out or exc is not None and not isinstance(exc, SystemExit):
        failures.append((["report"], {"--as-of": when}, "traceback", repr(exc)[:300]))
    elif code not in (0, 1) and "--as-of" not in out:
        failures.append((["report"], {"--as-of": when}, "refusal names no flag", out[-300:]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=200)
    opts = parser.parse_args()
    os.environ.setdefault("RECUR_MODEL", "fake:64")
    from click.testing import CliRunner

    from recur.cli.main import cli

    rng, runner = random.Random(opts.seed), CliRunner()
    counts, failures = {"runs": 0, "written": 0, "refused": 0}, []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(opts.runs):
            one(cli, runner, rng, opts.kb.resolve(), Path(tmp), counts, failures)
            if rng.random() < 0.2:
                report(cli, runner, rng, opts.kb.resolve(), counts, failures)
    print(f"fuzz_cli seed {opts.seed}: {counts['runs']} runs, {counts['written']} written, "
          f"{counts['refused']} refused, {len(failures)} failures")
    for failure in failures[:40]:
        print(" ", repr(failure)[:700])
    return 0


if __name__ == "__main__":
    sys.exit(main())
