"""The size of MCP's past_incidents answer, each section whole against each cut at RECUR_MCP_SECTION_CHARS.

    python bench/mcp_incident_size.py [--incidents 20] [--kb DIR] [--limits 0,1000] [--incident-limits 20]

Over the official SDK's in-memory client, the server in this process on a fake:64 index (the encoder does not
enter a past_incidents read by pattern). The KB: the test's small KB (tests/kbfactory.small_kb) with ``--incidents``
long postmortem records linked to disk-full, each as an imported postmortem runs (a pasted log in its Summary, a
50-row timeline, a root cause of several paragraphs, lessons, an action-items table: some 13,000 characters), and
one record near `recur check`'s 1 MiB limit (a whole day's log pasted in its Timeline); or ``--kb`` (e.g. the shipped
kb/) and its pattern with the most incidents. Each limit in ``--limits`` (0: no cut, as before the cap) in the
same run, each at every past_incidents ``limit`` of ``--incident-limits`` (20, the tool's default; 100 its most,
with ``--incidents 100``). Prints the bytes of the structured content (compact JSON, UTF-8, as the SDK sends it) and of the text,
about a token per four bytes. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from kbfactory import small_kb  # noqa: E402

from recur.kb.loader import load_kb  # noqa: E402
from recur.retrieval.engine import Engine  # noqa: E402
from recur.serve.mcp_server import build_server  # noqa: E402

WORDS = (
    "the ingest nodes buffered chunks while elasticsearch rejected bulk writes and the disk filled with small "
    "files until ext4 ran out of inodes although df showed free bytes so the on-call engineer restarted pods "
    "which made it worse because each restart wrote a new state file"
).split()


def prose(n: int, seed: int) -> str:
    """About ``n`` characters of sentences (deterministic; no real postmortem's words)."""
    out, i = [], seed
    while sum(len(w) + 1 for w in out) < n:
        out.append(WORDS[i % len(WORDS)])
        i = i * 7 + 3
        if len(out) % 14 == 0:
            out[-1] += "."
    return " ".join(out).capitalize() + "."


def record(n: int, huge: bool = False) -> str:
    log = "\n".join(f"[2026/01/{n % 28 + 1:02d} 13:{m:02d}:03] [error] [storage] chunk write failed" for m in range(30))
    rows = 16_000 if huge else 50  # some 900 KB: under the 1 MiB a record may be
    timeline = "\n".join(f"| 13:{m % 60:02d} | {prose(40, n + m)} |" for m in range(rows))
    actions = "\n".join(f"| {prose(60, n + k)} | team-platform | PRB-{k} |" for k in range(12))
    return f"""---
id: INC-2026-{1000 + n}
title: Ingest stalled, long postmortem {n}
date: 2026-01-{n % 28 + 1:02d}
severity: sev2
patterns: [disk-full]
---

## Summary
{prose(200, n)} The log said:

```
{log}
```

## Impact
{prose(600, n + 1)}

## Root cause
{prose(900, n + 2)}

{prose(900, n + 3)}

{prose(700, n + 4)}

## Trigger
{prose(300, n + 5)}

## Detection
{prose(400, n + 6)}

## Timeline
| Time | Event |
| --- | --- |
{timeline}

## Mitigations
{chr(10).join(f"- {prose(90, n + k)}" for k in range(8))}

## Lessons learned
{chr(10).join(f"- {prose(120, n + k)}" for k in range(12))}

## Action items
| Action item | Owner | Ticket |
| --- | --- | --- |
{actions}

## People
- Incident commander: Tom Becker
- Scribe: Aylin Demir
"""


async def answer(server, pid: str, limit: int) -> tuple[dict, str]:
    from mcp import Client

    async with Client(server, read_timeout_seconds=600) as client:
        r = await client.call_tool("past_incidents", {"pattern_id": pid, "limit": limit})
        assert not r.is_error, r.content[0].text
        return r.structured_content, r.content[0].text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=20)
    ap.add_argument("--kb", type=Path, help="this KB instead of the synthetic one")
    ap.add_argument("--limits", default="0,1000", help="RECUR_MCP_SECTION_CHARS values, comma-separated")
    ap.add_argument("--incident-limits", default="20", help="past_incidents limit values, comma-separated")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb = args.kb or small_kb(Path(tmp) / "kb")
        if not args.kb:
            for n in range(args.incidents):
                (kb / f"incidents/2026/INC-2026-{1000 + n}.md").write_text(record(n, huge=n == 0))
        engine = Engine.open(kb, Path(tmp) / "index", model="fake:64", quiet=True)
        known = load_kb(kb)
        pid = max(sorted(engine.docs), key=lambda p: len(known.incidents_for(p)))
        server = build_server(lambda: engine, stale_files=list)
        print(f"{kb if args.kb else 'small KB + ' + str(args.incidents) + ' long postmortems'}, pattern {pid}:")
        for limit in (int(x) for x in args.limits.split(",")):
            os.environ["RECUR_MCP_SECTION_CHARS"] = str(limit)
            for listed in (int(x) for x in args.incident_limits.split(",")):
                report(*asyncio.run(answer(server, pid, listed)), limit, listed)


def report(structured: dict, text: str, limit: int, listed: int) -> None:
    size = len(json.dumps(structured, ensure_ascii=False, separators=(",", ":")).encode())
    big = max(len(json.dumps(i, ensure_ascii=False).encode()) for i in structured["incidents"])
    cut = sum(len(i.get("cut_sections") or {}) for i in structured["incidents"])
    shown = sum(len(i["summary"]) + sum(map(len, i["sections"].values())) for i in structured["incidents"])
    print(
        f"  RECUR_MCP_SECTION_CHARS {limit or 'none':>5} (cut at {structured['section_chars'] or '-':>4}), limit "
        f"{listed:>3}: {len(structured['incidents'])} incidents, structured {size:>9,} B (largest incident "
        f"{big:>9,} B), text {len(text.encode()):>6,} B, ~{(size + len(text.encode())) // 4:,} tokens; summaries "
        f"and sections {shown:,} characters, {cut} cut"
    )


if __name__ == "__main__":
    main()
