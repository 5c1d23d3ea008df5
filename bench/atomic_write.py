"""What the removal of killed writers' temp files costs an atomic write (recur.util.files.write_atomic).

    python bench/atomic_write.py [--writes 100] [--rounds 11] [--sizes 10,5000] [--dir DIR]

In a folder of N records (about 1 KB each, as a year's incidents/), rewrites one record ``--writes`` times in
each of three ways, in the same run, round after round (the rounds interleaved, so that a disk's slow spell falls
on all three), and takes each one's median round, of wall-clock time and of CPU time:

  baseline     no look for temp files at all: what the others are a ratio of
  every-write  the folder read at every write (TEMP_SCAN_S 0): what each write did before the cache, and what the
               first write of a process in a folder still does
  cached       as a write does now: the folder read at most once a TEMP_SCAN_S in a process, the names it found
               looked at between two readings

Found in review: in a folder of 5,000 files a write was 1.39x slower with the look than without it. Prints a table
and writes bench/out/atomic_write.json. Figures, not assertions. Writes fsync, so --dir on the disk the KB is on.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.util import files  # noqa: E402

RECORD = "---\nid: INC-2026-{n:04d}\ntitle: Disk full on a host\ndate: 2026-11-01\n---\n" + "A line of notes.\n" * 60


def folder_of(root: Path, size: int) -> Path:
    folder = root / f"incidents-{size}"
    folder.mkdir()
    for n in range(size):
        (folder / f"INC-2026-{n:04d}.md").write_text(RECORD.format(n=n))
    return folder


def one_round(target: Path, mode: str, writes: int) -> tuple[float, float]:
    """Seconds per write of ``writes`` rewrites of ``target`` in ``mode``: wall-clock (the fsync a disk's, noisy on
    a shared one) and this process's CPU (user and system: the folder's listing is system time)."""
    real = files._remove_stale_temps_seen
    files._SEEN.clear()  # a process's first write here: read in each mode but the baseline, then cached or not
    files.TEMP_SCAN_S = 0.0 if mode == "every-write" else 60.0
    if mode == "baseline":
        files._remove_stale_temps_seen = lambda path, now, own: None
    try:
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(writes):
            files.write_atomic(target, RECORD.format(n=i), overwrite=True)
        return (time.perf_counter() - start) / writes, (time.process_time() - cpu) / writes
    finally:
        files._remove_stale_temps_seen = real


def measure(folder: Path, writes: int, rounds: int) -> dict:
    target = folder / "INC-2026-0000.md"
    modes = ("baseline", "every-write", "cached")
    wall, cpu = {m: [] for m in modes}, {m: [] for m in modes}
    for _ in range(rounds):
        for mode in modes:
            w, c = one_round(target, mode, writes)
            wall[mode].append(w)
            cpu[mode].append(c)
    out = {}
    for kind, times in (("wall", wall), ("cpu", cpu)):
        median = {m: statistics.median(t) for m, t in times.items()}
        out[f"{kind}_ms_per_write"] = {m: round(v * 1000, 4) for m, v in median.items()}
        out[f"{kind}_ratio_to_baseline"] = {m: round(v / median["baseline"], 3) for m, v in median.items()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writes", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--sizes", default="10,5000", help="files in the folder, comma-separated")
    ap.add_argument("--dir", type=Path, default=None, help="where the folders are made (default: the temp folder)")
    args = ap.parse_args()
    out = {"writes": args.writes, "rounds": args.rounds, "folders": {}}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            out["folders"][size] = measure(folder_of(Path(tmp), size), args.writes, args.rounds)
    print(f"{'files':>6} {'':>4}  {'baseline ms':>11}  {'every-write':>18}  {'cached':>18}")
    for size, r in out["folders"].items():
        for kind in ("wall", "cpu"):
            ms, ratio = r[f"{kind}_ms_per_write"], r[f"{kind}_ratio_to_baseline"]
            cells = [f"{ms[m]:.3f} ms {ratio[m]:.2f}x" for m in ("every-write", "cached")]
            print(f"{size:>6} {kind:>4}  {ms['baseline']:>11.3f}  {cells[0]:>18}  {cells[1]:>18}")
    dest = ROOT / "bench" / "out" / "atomic_write.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
