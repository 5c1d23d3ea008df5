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
    "",
    " ",
    "x" * 5000,
    "a\nb",
    "a\r\nb",
    "line\n---\n",
    "- x",
    ": ",
    "a: b",
    "#",
    "# c",
    "a #b",
    "!!",
    "!!python/object:os.system",
    "&a",
    "*a",
    "{}",
    "[]",
    "{a: 1}",
    "'",
    '"',
    "'\"",
    "\\",
    "null",
    "~",
    "yes",
    "no",
    "1e400",
    "0x1F",
    ".nan",
    "@team",
    "\u202e\u200b",
    "\ufeff",
    "é ü 中文 🚀",
    "\t",
    "%YAML 1.1",
    "|",
    ">",
    "? x",
    "<<: *a",
    "`x`",
    "a\x00b",
    "\x1b[31m",
    "\u2028",
    "\u0085",
    "-",
    "--",
    "--title",
    "ok",
]
DATES = [
    "",
    "2026-02-30",
    "2026-13-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1900-01-01",
    "2026-1-1",
    "26-01-01",
    "today",
    "2026-01-01T00:00",
    " 2026-01-01",
    "2026-01-01\n",
    "x",
    "2024-02-29",
    "2025-02-29",
]


def pick(rng):
    return rng.choice(DATES) if rng.random() < 0.15 else rng.choice(ODD)


def run(cli, args):
    """Exit code, stdout and stderr together, and the exception that was no exit, of `recur ARGS` in this
    process (a subprocess each: about 1 s; click lives in recur.cli alone, so no CliRunner here)."""
    import contextlib
    import io

    out, code, exc = io.StringIO(), 0, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            cli.main(args, prog_name="recur", standalone_mode=True)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        except Exception as error:  # noqa: BLE001 - a traceback is what this looks for
            code, exc = 1, error
    return code, out.getvalue(), exc


def incident_new(rng, kb):
    given = {
        "--title": pick(rng) if rng.random() < 0.7 else "Disk full",
        "--severity": rng.choice(["sev2", "sev1", "P1", "SEV-3", "4", pick(rng)]),
    }
    new_cmd = rng.random() < 0.3
    given["--summary" if new_cmd else "--description"] = pick(rng) if rng.random() < 0.7 else "disk full on db1"
    for flag in ("--service", "--flag") + (() if new_cmd else ("--review-owner",)):  # free text: any odd value
        if rng.random() < 0.5:
            given[flag] = pick(rng)
    # typed values: rarely, so that most runs write a record
    for flag, values in (
        ("--date", DATES),
        ("--review-due", DATES),
        ("--duration", ["0", "-1", "10**9", "99999999999999999999", "5"]),
        ("--id", ["INC-9", "a.b_c-d", "..", ".x", "x" * 300, "CON", "inc-2026-0001"]),
    ):
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
    """What `show --json` says differs from what was given (a field each), or []. A one-line field is written as
    util.text.one_line has it (spacing folded; another control character is refused, util.text.control_refused),
    and one of only invisible characters not at all (kb.incident_record.one_lines): what was given is compared as
    that."""
    from recur.util.text import has_text, one_line

    def as_written(value):
        text = one_line(value)
        return text if has_text(text) else None

    bad = []
    title = given.get("--title")
    if title is not None and shown.get("title") != as_written(title):
        bad.append(f"title {title!r} -> {shown.get('title')!r}")
    listed = {"--service": shown.get("services", []), "--flag": [f.get("text") for f in shown.get("flags", [])]}
    for flag, values in listed.items():
        want = as_written(given.get(flag, ""))
        if want is not None and want not in values:
            bad.append(f"{flag} {given[flag]!r} -> {values!r}")
    if "--review-owner" in given:
        owner = (shown.get("review") or {}).get("owner")
        if owner != as_written(given["--review-owner"]):
            bad.append(f"review-owner {given['--review-owner']!r} -> {owner!r}")
    return bad


def one(cli, rng, base, work, counts, failures):
    kb = work / "kb"
    if kb.exists():
        shutil.rmtree(kb)
    shutil.copytree(base, kb)
    args, given = incident_new(rng, kb)
    code, out, exc = run(cli, args)
    counts["runs"] += 1
    if exc is not None or "Traceback" in out:
        failures.append((args[:3], given, "traceback", repr(exc)[:300]))
        return
    if code != 0:
        counts["refused"] += 1
        if not any(k in out for k in given) and "title" not in out.lower() and "severity" not in out.lower():
            failures.append((args[:3], given, "refusal names no flag", out[-300:]))
        return
    counts["written"] += 1
    written = sorted(
        p for p in (kb / "incidents").rglob("*.md") if p.stat().st_mtime and p.name not in base_names(base)
    )
    code, out, _ = run(cli, ["check", "--kb", str(kb), "-q"])
    if code != 0:
        failures.append((args[:3], given, "check rejects the record", out[-600:]))
        return
    for path in written:
        ident = path.stem
        code, out, _ = run(cli, ["show", "--kb", str(kb), "--json", ident])
        bad = expect_shown(json.loads(out), given) if code == 0 else [f"show exit {code}: {out[-300:]}"]
        if bad:
            failures.append((args[:3], given, "round trip", bad))
        rargs, rgiven = review(rng, kb, ident)
        code, out, exc = run(cli, rargs)
        counts["runs"] += 1
        if "Traceback" in out or exc is not None:
            failures.append((rargs[:3], rgiven, "traceback", repr(exc)[:300]))
        elif code != 0 and not any(k in out for k in rgiven):
            failures.append((rargs[:3], rgiven, "refusal names no flag", out[-300:]))
        elif code == 0:
            c2, out2, _ = run(cli, ["check", "--kb", str(kb), "-q"])
            if c2 != 0:
                failures.append((rargs[:3], rgiven, "check rejects after review", out2[-600:]))


_NAMES: dict = {}


def base_names(base):
    if base not in _NAMES:
        _NAMES[base] = {p.name for p in (base / "incidents").rglob("*.md")}
    return _NAMES[base]


def report(cli, rng, base, counts, failures):
    when = pick(rng)
    code, out, exc = run(cli, ["report", "--kb", str(base), "--as-of", when])
    counts["runs"] += 1
    if "Traceback" in out or exc is not None:
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
    from recur.cli.main import cli

    rng = random.Random(opts.seed)
    counts, failures = {"runs": 0, "written": 0, "refused": 0}, []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(opts.runs):
            one(cli, rng, opts.kb.resolve(), Path(tmp), counts, failures)
            if rng.random() < 0.2:
                report(cli, rng, opts.kb.resolve(), counts, failures)
    print(
        f"fuzz_cli seed {opts.seed}: {counts['runs']} runs, {counts['written']} written, "
        f"{counts['refused']} refused, {len(failures)} failures"
    )
    for failure in failures[:40]:
        print(" ", repr(failure)[:700])
    return 0


if __name__ == "__main__":
    sys.exit(main())
