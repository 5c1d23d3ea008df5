"""Where the CPU of an Alertmanager webhook of long alerts goes: reading, condensing, the model, the rest.

    python bench/webhook_cost.py [--kb kb] [--index DIR] [--model default] [--alert-kb 36]

Posts two 100-alert groups to `recur serve`'s app (uvicorn, loopback) over --kb, as Alertmanager sends them
(compact JSON), and takes the process's CPU seconds for each call:

  long       each alert ~36 KB of labels and annotations (120 labels, a 260-line log in its description):
             a 3.6 MB body, each alert's text condensed to the 20,000 characters searched
  realistic  each alert ~400 bytes (bench/webhook_size.py's): the baseline

Then, in the same process, each stage of the long group's alerts alone: reading their text (alert_read),
condensing it (query.prepare), condensing it cut first to the 20,000 characters /api/suggest takes, encoding the
searched texts with the model (Searcher.encode_queries), and the whole search (Engine.answer). Found in review:
the long group took 60.8 s of CPU, thought to be its condensing; this says which stage it is.

Prints a table and writes bench/out/webhook_cost.json. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from serve_util import alert_payload, running  # noqa: E402
from webhook_size import realistic  # noqa: E402


def long_alert(i: int, kb: int) -> dict:
    """An alert of about ``kb`` KB: half of it labels (each ~135 characters), half a log in its description."""
    labels = {"alertname": f"HighErrorRate{i % 10}", "severity": "critical", "service": f"svc-{i}"}
    labels |= {f"label_{j}": f"value-{i}-{j}-" + "abcdefghij" * 12 for j in range(kb * 500 // 150)}
    line = "2026-12-05T10:00:{:02d}Z INFO worker-{} processed batch {} on svc-{} ok"
    log = "\n".join(line.format(k % 60, k % 17, k, i) for k in range(kb * 500 // 68))
    annotations = {"summary": f"error rate high on svc-{i}", "description": log}
    return {"labels": labels, "annotations": annotations, "fingerprint": f"{i:016x}"}


def cpu() -> float:
    return time.process_time()  # every thread of the process: uvicorn's, the route's, ONNX Runtime's


def served(base: str, body: bytes) -> dict:
    c, w = cpu(), time.perf_counter()
    r = httpx.post(f"{base}/api/alertmanager", content=body, headers={"content-type": "application/json"}, timeout=900)
    r.raise_for_status()
    return {"cpu_s": round(cpu() - c, 2), "wall_s": round(time.perf_counter() - w, 2), "answer_bytes": len(r.content)}


def stages(engine, payload: dict) -> dict:
    """CPU seconds of each stage of searching the payload's alerts, one after another."""
    from recur.retrieval.alerts import PastedAlert, alert_read
    from recur.retrieval.query import MAX_QUERY_CHARS, paste_cut, prepare

    alerts = [PastedAlert(labels=a["labels"], annotations=a["annotations"]) for a in payload["alerts"]]
    out, c = {}, cpu()
    texts = [alert_read(a)[0] for a in alerts]
    out["read"], c = cpu() - c, cpu()
    searched = [prepare(t).text for t in texts]
    out["condense"], c = cpu() - c, cpu()
    [prepare(paste_cut(t, MAX_QUERY_CHARS)[0]) for t in texts]
    out["condense, cut first to 20,000"], c = cpu() - c, cpu()
    engine.searcher.encode_queries(searched)
    out["model (encode_queries)"], c = cpu() - c, cpu()
    for t in texts:
        engine.answer(t, top=3)
    out["whole search (Engine.answer)"] = cpu() - c
    out = {k: round(v, 2) for k, v in out.items()}
    out["chars read"], out["chars searched"] = sum(map(len, texts)), sum(map(len, searched))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--index", type=Path, help="an index folder to use (default: one built in a temporary folder)")
    ap.add_argument("--model", default="default")
    ap.add_argument("--alert-kb", type=int, default=36, help="KB of labels and annotations per long alert")
    args = ap.parse_args()
    from recur.retrieval.engine import Engine
    from recur.serve import create_app

    tmp = Path(tempfile.mkdtemp(prefix="recur-webhook-cost-"))
    index = args.index or tmp / "index"
    engine = Engine.open(args.kb, index, model=args.model, quiet=True)
    engine.answer("disk full")  # the model loaded and warm, as a server's is after its first search
    groups = {"long": alert_payload(*[long_alert(i, args.alert_kb) for i in range(100)]), "realistic": realistic(100)}
    bodies = {k: json.dumps(v, separators=(",", ":")).encode() for k, v in groups.items()}
    app = create_app(lambda: engine, site_dir=None, feedback_path=tmp / "feedback.jsonl")
    with running(app) as base:
        rows = {k: {"request_bytes": len(b), **served(base, b)} for k, b in bodies.items()}
    for name, r in rows.items():
        print(f"{name:10} {r['request_bytes']:>10,} bytes: {r['cpu_s']:6.2f} s CPU, {r['wall_s']:6.2f} s wall")
    parts = stages(engine, groups["long"])
    for name, v in parts.items():
        print(f"  long, {name:32} {v:>12,}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "webhook_cost.json").write_text(json.dumps({"served": rows, "long_stages": parts}, indent=1) + "\n")


if __name__ == "__main__":
    main()
