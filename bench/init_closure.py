"""What reading recur's installed dependency closure costs `recur init` (recur.util.pins.installed_closure, which
writes a new KB repository's constraints.txt), this tree's code against another commit's, in the same run.

    python bench/init_closure.py [--ref main] [--rounds 9] [--top recur]

Loads tools/recur/util/pins.py as it is at ``--ref`` (git show) next to this tree's, checks both give the same
closure (versions and their order, missing) and the same constraints.txt byte for byte on this environment, then
times each ``--rounds`` times, the two interleaved and taking turns going first (importlib.metadata's caches and
the disk's are warm for both after a first round, which is not counted), and takes each one's median round, of
wall-clock time and of CPU time; then the first call in a new Python (as each `recur init` makes it), each code
in processes of its own. Found in review: the closure read each package's metadata twice (its version, then
its requirements), parsing each long description with it: 1.5-4 s of each init under load.

Prints a table and writes bench/out/init_closure.json. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.kb import init  # noqa: E402
from recur.util import pins  # noqa: E402


def pins_at(ref: str) -> types.ModuleType:
    """tools/recur/util/pins.py as it is at git ``ref``, as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{ref}:tools/recur/util/pins.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType(f"pins_at_{ref}")
    sys.modules[module.__name__] = module  # for its dataclass
    exec(compile(source, f"{ref}:tools/recur/util/pins.py", "exec"), module.__dict__)
    return module


def constraints_with(closure, version: str) -> str:
    """constraints.txt as init writes it, from ``closure`` (an installed_closure)."""
    real = pins.installed_closure
    pins.installed_closure = closure
    try:
        return init.constraints(version)
    finally:
        pins.installed_closure = real


def same_output(codes: dict, top: str) -> int:
    """The number of pins, after checking every code's closure and constraints.txt equal the first's."""
    results = {name: code.installed_closure(top) for name, code in codes.items()}
    texts = {name: constraints_with(code.installed_closure, "0.0.0") for name, code in codes.items()}
    (first, want), *rest = results.items()
    for name, got in rest:
        assert list(got.versions.items()) == list(want.versions.items()), f"{name}'s closure is not {first}'s"
        assert got.missing == want.missing, f"{name}'s missing {got.missing} is not {first}'s {want.missing}"
        assert texts[name] == texts[first], f"{name}'s constraints.txt is not {first}'s"
    return len(want.versions)


def measure(codes: dict, top: str, rounds: int) -> dict:
    times = {name: {"wall": [], "cpu": []} for name in codes}
    order = list(codes)
    for n in range(rounds + 1):
        for name in order if n % 2 else order[::-1]:
            wall, cpu = time.perf_counter(), time.process_time()
            codes[name].installed_closure(top)
            if n:  # round 0 warms importlib.metadata's caches and the disk's for both
                times[name]["wall"].append(time.perf_counter() - wall)
                times[name]["cpu"].append(time.process_time() - cpu)
    return {name: {kind: statistics.median(values) for kind, values in t.items()} for name, t in times.items()}


def first_calls(ref: str, top: str, rounds: int) -> dict:
    """Median seconds of the first call in a new Python (as `recur init` makes it: once, importlib.metadata's
    caches cold, packaging imported by it), each code in a process of its own, interleaved."""
    times: dict = {ref: [], "this tree": []}
    for n in range(rounds):
        for name in list(times) if n % 2 else list(times)[::-1]:
            argv = [sys.executable, __file__, "--first-call", name, "--ref", ref, "--top", top]
            times[name].append(float(subprocess.run(argv, capture_output=True, text=True, check=True).stdout))
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="the commit to compare with (default main)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--top", default="recur", help="whose closure (default recur)")
    parser.add_argument("--first-call", help=argparse.SUPPRESS)  # one first call, in the process first_calls starts
    args = parser.parse_args()
    if args.first_call:
        code = pins if args.first_call == "this tree" else pins_at(args.ref)
        wall = time.perf_counter()
        code.installed_closure(args.top)
        print(time.perf_counter() - wall)
        return
    codes = {args.ref: pins_at(args.ref), "this tree": pins}
    count = same_output(codes, args.top)
    median = measure(codes, args.top, args.rounds)
    base = median[args.ref]
    out = {"top": args.top, "pins": count, "rounds": args.rounds, "same_output": True, "median_s": {}, "ratio": {}}
    print(f"{args.top}'s closure: {count} pins, the same from both; median of {args.rounds} rounds")
    print(f"{'code':<12} {'wall s':>8} {'cpu s':>8} {'wall ratio':>11} {'cpu ratio':>10}")
    for name, m in median.items():
        ratio = {kind: m[kind] / base[kind] for kind in m}
        out["median_s"][name] = {kind: round(v, 4) for kind, v in m.items()}
        out["ratio"][name] = {kind: round(v, 3) for kind, v in ratio.items()}
        print(f"{name:<12} {m['wall']:>8.3f} {m['cpu']:>8.3f} {ratio['wall']:>10.2f}x {ratio['cpu']:>9.2f}x")
    first = first_calls(args.ref, args.top, args.rounds)
    out["first_call_s"] = {name: round(v, 4) for name, v in first.items()}
    out["first_call_ratio"] = round(first["this tree"] / first[args.ref], 3)
    print(f"first call in a new Python: {args.ref} {first[args.ref]:.3f} s, this tree {first['this tree']:.3f} s,")
    print(f"  {out['first_call_ratio']:.2f}x (wall-clock, median of {args.rounds} processes each)")
    dest = ROOT / "bench" / "out" / "init_closure.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
