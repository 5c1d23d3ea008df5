"""MCP's past_incidents and problem_report: the KB read on every call (what the server did) against the KB kept
until its files change (mcp_server.ServedKB), same run, same server code.

    python bench/mcp_kb.py [--patterns 1000] [--incidents 1000] [--calls 5] [--kb DIR]

Over the official SDK's in-memory client, the server in this process on a fake:64 index (the encoder does not
enter these two tools' reads). "Read every call": the server given a KB signature that never matches the one kept,
so each call reads the KB whole, as each did before; "kept": the signature of a real EngineHolder's look, as
`recur mcp` and `recur serve` give it. Prints the median milliseconds a call of each and the ratio. ``--kb``: that
KB (e.g. the shipped kb/) instead of a synthetic one (bench/synth_kb.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from serve_util import holding  # noqa: E402
from synth_kb import generate  # noqa: E402

from recur.retrieval.engine import Engine  # noqa: E402
from recur.serve.mcp_server import build_server  # noqa: E402


async def timed(server, calls: list, runs: int) -> list[float]:
    """Median ms of each (tool, arguments), ``runs`` calls each after one untimed."""
    from mcp import Client

    out = []
    async with Client(server, read_timeout_seconds=600) as client:
        for name, args in calls:
            await client.call_tool(name, args)
            took = []
            for _ in range(runs):
                t = time.perf_counter()
                r = await client.call_tool(name, args)
                took.append((time.perf_counter() - t) * 1000)
                assert not r.is_error, r.content[0].text
            out.append(statistics.median(took))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--calls", type=int, default=5)
    ap.add_argument("--kb", type=Path, help="this KB instead of a synthetic one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb = args.kb or generate(Path(tmp) / "kb", args.patterns, incidents=args.incidents)
        engine = Engine.open(kb, Path(tmp) / "index", model="fake:64", quiet=True)
        pid = sorted(engine.docs)[0]
        holder = holding(engine)
        calls = [("past_incidents", {"pattern_id": pid}), ("problem_report", {})]
        try:
            shown = {"stale_files": lambda: holder.kb_changed}
            every = build_server(lambda: engine, **shown, kb_files=lambda: {"never the same": object()})
            kept = build_server(lambda: engine, **shown, kb_files=lambda: holder.kb_files)
            before = asyncio.run(timed(every, calls, args.calls))
            after = asyncio.run(timed(kept, calls, args.calls))
        finally:
            holder.stop()
        what = str(args.kb) if args.kb else f"{args.patterns} patterns + {args.incidents} incidents"
        print(f"{what}, median of {args.calls} calls each:")
        for (name, _), b, a in zip(calls, before, after, strict=True):
            print(f"  {name:15} read every call {b:8.1f} ms   kept {a:7.1f} ms   ratio {a / b:.3f}")


if __name__ == "__main__":
    main()
