"""/metrics of a real `recur serve` process: what a Prometheus user expects of any exporter."""

from __future__ import annotations

import platform
import shutil
import subprocess
import time

import httpx
from prometheus_client.parser import text_string_to_metric_families
from serve_util import metric, wait_healthy
from test_serve_cli import serve_process

import recur


def samples(text: str) -> dict:
    """{sample name: [(labels, value), ...]} of a /metrics text, as Prometheus parses it."""
    out: dict = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def test_metrics_have_the_process_python_and_build_series(kb_dir, tmp_path):
    """Found in an SRE's review: no process_* series (memory, CPU, open files, start time), no python_*,
    and no metric said which recur was running; a 404's few milliseconds were mixed into the real
    answers' latency, and a 34.6 s Alertmanager answer fell past the last finite bucket (30 s)."""
    started = time.time()
    with serve_process(kb_dir, tmp_path) as (base, _):
        wait_healthy(base)
        assert httpx.post(base + "/api/suggest", json={"text": "ENOSPC", "top": 1}).status_code == 200
        assert httpx.get(base + "/api/patterns/nope").status_code == 404
        assert httpx.get(base + "/api/patterns/disk-full").status_code == 200
        text = httpx.get(base + "/metrics").text
    got = samples(text)
    # the server process's own figures (prometheus-client's ProcessCollector), not this test's
    assert metric(text, "process_resident_memory_bytes") > 10 * 2**20  # Python, FastAPI and numpy alone are more
    assert metric(text, "process_virtual_memory_bytes") >= metric(text, "process_resident_memory_bytes")
    assert metric(text, "process_cpu_seconds_total") > 0
    assert 0 < metric(text, "process_open_fds") <= metric(text, "process_max_fds")
    assert started - 1 <= metric(text, "process_start_time_seconds") <= time.time()  # started by this test
    ((labels, value),) = got["python_info"]
    assert value == 1 and labels["version"] == platform.python_version()
    assert {labels["generation"] for labels, _ in got["python_gc_collections_total"]} == {"0", "1", "2"}
    # the running version, the *_info convention; the index's own info series is still there
    assert got["recur_build_info"] == [({"version": recur.__version__, "python": platform.python_version()}, 1.0)]
    assert [value for _, value in got["recur_index_info"]] == [1.0]
    # the latency histogram by status class: the 404 is a 4xx, never a 2xx, and sum by (route) still adds up
    count = "recur_http_request_duration_seconds_count"
    assert metric(text, count, route="/api/patterns/{pattern_id}", status="4xx") == 1
    assert metric(text, count, route="/api/patterns/{pattern_id}", status="2xx") == 1
    assert metric(text, count, route="/api/patterns/{pattern_id}") == 2
    assert metric(text, count, route="/api/suggest", status="2xx") == 1
    assert metric(text, count, route="/api/suggest", status="4xx") == 0
    buckets = {labels["le"] for labels, _ in got["recur_http_request_duration_seconds_bucket"]}
    assert {"30.0", "60.0", "120.0", "+Inf"} <= buckets
    if shutil.which("promtool"):  # Prometheus' own lint of the exposition (names, types, help)
        checked = subprocess.run(
            ["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=60
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
