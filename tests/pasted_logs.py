"""Logs a responder pastes mid-incident, written for the tests (recur.retrieval.query reads a log by its
error lines): each is mostly ordinary lines with one or two that say what failed, and the pattern of the
starter KB (kb/) they belong to. Our own text; services, hosts and ids are made up. REVIEWED: a reviewer's
pastes, their own text, that the reading once got wrong."""

from __future__ import annotations

import json

# a Python thumbnail worker logging JSON (python-json-logger style): 40 records, one error
_THUMBS = [
    ("info", "thumbnailer.worker", "worker started", {"pid": 2211, "queue": "renditions", "concurrency": 8}),
    ("info", "thumbnailer.queue", "connected to broker", {"broker": "amqp://mq-2.internal:5672", "prefetch": 16}),
    ("debug", "thumbnailer.queue", "consumer registered", {"tag": "ctag-7c1e", "queue": "renditions"}),
    ("info", "thumbnailer.worker", "job received", {"job": "j-4411", "asset": "a-90f1", "sizes": [320, 640]}),
    ("info", "thumbnailer.fetch", "original downloaded", {"job": "j-4411", "bytes": 2481133, "ms": 212}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4411", "size": 320, "ms": 41}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4411", "size": 640, "ms": 77}),
    ("info", "thumbnailer.worker", "job done", {"job": "j-4411", "ms": 402}),
    ("info", "thumbnailer.worker", "job received", {"job": "j-4412", "asset": "a-90f7", "sizes": [320, 640, 1280]}),
    ("info", "thumbnailer.fetch", "original downloaded", {"job": "j-4412", "bytes": 7731002, "ms": 530}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4412", "size": 320, "ms": 52}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4412", "size": 640, "ms": 93}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4412", "size": 1280, "ms": 188}),
    ("info", "thumbnailer.worker", "job done", {"job": "j-4412", "ms": 901}),
    ("debug", "thumbnailer.cache", "cache hit", {"key": "thumb:a-77c2:640", "ttl": 86211}),
    ("info", "thumbnailer.worker", "job received", {"job": "j-4413", "asset": "a-91a0", "sizes": [640]}),
    ("info", "thumbnailer.fetch", "original downloaded", {"job": "j-4413", "bytes": 1190443, "ms": 160}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4413", "size": 640, "ms": 66}),
    ("info", "thumbnailer.worker", "job done", {"job": "j-4413", "ms": 251}),
    ("info", "thumbnailer.http", "GET /healthz 200", {"ms": 1, "remote": "10.2.14.1"}),
    ("info", "thumbnailer.worker", "job received", {"job": "j-4414", "asset": "a-91a3", "sizes": [320, 1280]}),
    ("warning", "thumbnailer.fetch", "slow origin, retrying", {"job": "j-4414", "attempt": 2, "ms": 3004}),
    ("info", "thumbnailer.fetch", "original downloaded", {"job": "j-4414", "bytes": 15220981, "ms": 3880}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4414", "size": 320, "ms": 61}),
    (
        "error",
        "thumbnailer.store",
        "could not save rendition",
        {
            "job": "j-4414",
            "size": 1280,
            "error": "OSError: [Errno 28] No space left on device: '/var/cache/thumbs/91/a3/a-91a3_1280.webp'",
        },
    ),
    ("info", "thumbnailer.worker", "job requeued", {"job": "j-4414", "delay_s": 30}),
    ("info", "thumbnailer.worker", "job received", {"job": "j-4415", "asset": "a-91b8", "sizes": [320]}),
    ("info", "thumbnailer.fetch", "original downloaded", {"job": "j-4415", "bytes": 840012, "ms": 133}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4415", "size": 320, "ms": 38}),
    ("info", "thumbnailer.worker", "job done", {"job": "j-4415", "ms": 190}),
    ("info", "thumbnailer.http", "GET /healthz 200", {"ms": 1, "remote": "10.2.14.1"}),
    ("debug", "thumbnailer.queue", "heartbeat", {"broker": "mq-2", "unacked": 3}),
    ("info", "thumbnailer.worker", "job received", {"job": "j-4416", "asset": "a-91c2", "sizes": [640]}),
    ("info", "thumbnailer.fetch", "original downloaded", {"job": "j-4416", "bytes": 2210078, "ms": 241}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4416", "size": 640, "ms": 70}),
    ("info", "thumbnailer.worker", "job done", {"job": "j-4416", "ms": 330}),
    ("info", "thumbnailer.metrics", "flushed", {"series": 48, "ms": 12}),
    ("info", "thumbnailer.worker", "job received", {"job": "j-4417", "asset": "a-91c9", "sizes": [320, 640]}),
    ("info", "thumbnailer.fetch", "original downloaded", {"job": "j-4417", "bytes": 3308761, "ms": 301}),
    ("info", "thumbnailer.render", "rendition written", {"job": "j-4417", "size": 320, "ms": 44}),
]


def json_log() -> str:
    """40 JSON records of a thumbnail worker; one at level error: No space left on device."""
    out = []
    for i, (level, logger, msg, extra) in enumerate(_THUMBS):
        ts = f"2026-12-01T10:{2 + i // 12:02d}:{(i * 5) % 60:02d}.{(i * 137) % 1000:03d}Z"
        out.append(json.dumps({"ts": ts, "level": level, "logger": logger, "msg": msg, **extra}))
    return "\n".join(out) + "\n"


_REPORTS = """\
INFO  [main] report-worker 4.8.1 starting (jvm 21.0.5, 4 cpus, heap 2048m)
INFO  [main] config loaded from /etc/report-worker/application.yml profile=prod
INFO  [main] datasource reporting: jdbc:postgresql://pg-reporting.internal:5432/reports pool=10
INFO  [main] scheduler started: 6 jobs registered
INFO  [scheduler-1] job nightly-invoices started run=88412 tenants=312
DEBUG [scheduler-1] tenant t-0091: 1204 invoices to render
INFO  [render-2] rendered invoices-t-0091-2026-11.pdf pages=1204 in 14.2s
INFO  [render-3] rendered invoices-t-0094-2026-11.pdf pages=88 in 1.1s
INFO  [render-1] rendered invoices-t-0102-2026-11.pdf pages=431 in 5.6s
INFO  [http-nio-8080-exec-4] GET /actuator/health 200 3ms
INFO  [render-2] rendered invoices-t-0107-2026-11.pdf pages=12 in 0.3s
INFO  [render-3] rendered invoices-t-0113-2026-11.pdf pages=2210 in 27.9s
INFO  [scheduler-1] progress run=88412 done=41/312
INFO  [render-1] rendered invoices-t-0118-2026-11.pdf pages=64 in 0.9s
WARN  [render-2] tenant t-0121 has no billing address; using the legal address
INFO  [render-2] rendered invoices-t-0121-2026-11.pdf pages=7 in 0.2s
INFO  [render-3] rendered invoices-t-0125-2026-11.pdf pages=958 in 12.0s
INFO  [http-nio-8080-exec-1] GET /actuator/health 200 2ms
INFO  [render-1] rendered invoices-t-0130-2026-11.pdf pages=301 in 3.8s
INFO  [scheduler-2] job exchange-rates started run=88413
INFO  [scheduler-2] job exchange-rates finished run=88413 rates=164 in 0.8s
INFO  [render-2] rendered invoices-t-0133-2026-11.pdf pages=45 in 0.6s
INFO  [export-1] writing /data/exports/invoices-2026-11.csv rows=118220
ERROR [export-1] export run=88412 failed writing /data/exports/invoices-2026-11.csv: No space left on device
INFO  [render-3] rendered invoices-t-0138-2026-11.pdf pages=19 in 0.3s
INFO  [scheduler-1] progress run=88412 done=82/312
INFO  [render-1] rendered invoices-t-0141-2026-11.pdf pages=772 in 9.9s
INFO  [http-nio-8080-exec-7] GET /actuator/health 200 2ms
INFO  [render-2] rendered invoices-t-0147-2026-11.pdf pages=3 in 0.1s
INFO  [render-3] rendered invoices-t-0150-2026-11.pdf pages=1640 in 20.4s
DEBUG [scheduler-1] tenant t-0152: 8 invoices to render
INFO  [render-1] rendered invoices-t-0152-2026-11.pdf pages=8 in 0.2s
INFO  [render-2] rendered invoices-t-0158-2026-11.pdf pages=512 in 6.7s
INFO  [scheduler-3] job stale-sessions started run=88414
INFO  [scheduler-3] job stale-sessions finished run=88414 removed=0
INFO  [render-3] rendered invoices-t-0161-2026-11.pdf pages=97 in 1.3s
INFO  [http-nio-8080-exec-2] GET /actuator/health 200 2ms
INFO  [render-1] rendered invoices-t-0166-2026-11.pdf pages=240 in 3.1s
INFO  [scheduler-1] progress run=88412 done=123/312
INFO  [render-2] rendered invoices-t-0170-2026-11.pdf pages=33 in 0.5s
"""


def plain_log() -> str:
    """40 plain records of an invoicing worker (ISO time, level, thread); one ERROR: No space left on device."""
    lines = _REPORTS.splitlines()
    return "".join(f"2026-12-01T10:{2 + i // 20:02d}:{(i * 3) % 60:02d}Z {line}\n" for i, line in enumerate(lines))


def docker_log() -> str:
    """plain_log as `docker logs` of Docker's json-file driver gives it: each line a JSON record (its text in
    "log", with its line break), and a record of "\n" alone for each blank line the app wrote (found in
    review: such a record crashed the log reading, and /api/suggest answered 500)."""
    records = []
    for i, line in enumerate(plain_log().splitlines()):
        stamp = f"2026-12-01T10:{2 + i // 20:02d}:{(i * 3) % 60:02d}.{i:06d}Z"
        records.append(json.dumps({"log": line + "\n", "stream": "stdout", "time": stamp}))
        if i % 10 == 9:
            records.append(json.dumps({"log": "\n", "stream": "stdout", "time": stamp}))
    return "\n".join(records) + "\n"


_JOURNAL = """\
Dec 01 03:12:01 edge-2 CRON[88121]: (root) CMD (/usr/local/bin/rotate-edge-logs --quiet)
Dec 01 03:12:01 edge-2 systemd[1]: Started session 9412 of user root.
Dec 01 03:12:04 edge-2 systemd[1]: session-9412.scope: Deactivated successfully.
Dec 01 03:12:30 edge-2 sshd[88140]: Accepted publickey for deploy from 10.4.0.12 port 51822 ssh2: ED25519 SHA256:q3V
Dec 01 03:12:30 edge-2 sshd[88140]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)
Dec 01 03:12:31 edge-2 systemd-logind[611]: New session 9413 of user deploy.
Dec 01 03:12:44 edge-2 sudo[88177]:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl reload nginx
Dec 01 03:12:44 edge-2 systemd[1]: Reloading nginx.service - A high performance web server and a reverse proxy server...
Dec 01 03:12:44 edge-2 nginx[88181]: 2026/12/01 03:12:44 [notice] 88181#88181: signal process started
Dec 01 03:12:44 edge-2 systemd[1]: Reloaded nginx.service - A high performance web server and a reverse proxy server.
Dec 01 03:13:02 edge-2 nginx[1204]: 2026/12/01 03:13:02 [notice] 1204#1204: signal 1 (SIGHUP) received, reconfiguring
Dec 01 03:13:02 edge-2 nginx[1204]: 2026/12/01 03:13:02 [notice] 1204#1204: using the "epoll" event method
Dec 01 03:13:02 edge-2 nginx[1204]: 2026/12/01 03:13:02 [notice] 1204#1204: start worker processes
Dec 01 03:13:02 edge-2 nginx[1204]: 2026/12/01 03:13:02 [notice] 1204#1204: start worker process 88190
Dec 01 03:13:02 edge-2 nginx[1204]: 2026/12/01 03:13:02 [notice] 1204#1204: start worker process 88191
Dec 01 03:13:03 edge-2 systemd-timesyncd[540]: Network configuration changed, trying to establish connection.
Dec 01 03:13:03 edge-2 systemd-timesyncd[540]: Contacted time server 10.4.0.2:123 (ntp1.internal).
Dec 01 03:13:40 edge-2 kernel: [8812331.410022] TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.
Dec 01 03:14:07 edge-2 nginx[88190]: 2026/12/01 03:14:07 [crit] 88190#88190: accept4() failed (24: Too many open files)
Dec 01 03:14:07 edge-2 nginx[88190]: 2026/12/01 03:14:07 [crit] 88190#88190: accept4() failed (24: Too many open files)
Dec 01 03:14:08 edge-2 nginx[88191]: 2026/12/01 03:14:08 [crit] 88191#88191: accept4() failed (24: Too many open files)
Dec 01 03:14:10 edge-2 node_exporter[902]: ts=2026-12-01T03:14:10.118Z caller=collector.go:169 level=info msg="collector succeeded" name=filefd duration_seconds=0.0004
Dec 01 03:14:15 edge-2 systemd[1]: Starting logrotate.service - Rotate log files...
Dec 01 03:14:15 edge-2 systemd[1]: logrotate.service: Deactivated successfully.
Dec 01 03:14:15 edge-2 systemd[1]: Finished logrotate.service - Rotate log files.
Dec 01 03:14:21 edge-2 sshd[88140]: Received disconnect from 10.4.0.12 port 51822:11: disconnected by user
Dec 01 03:14:21 edge-2 sshd[88140]: pam_unix(sshd:session): session closed for user deploy
Dec 01 03:14:21 edge-2 systemd-logind[611]: Session 9413 logged out. Waiting for processes to exit.
Dec 01 03:14:21 edge-2 systemd-logind[611]: Removed session 9413.
Dec 01 03:15:01 edge-2 CRON[88240]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)
"""


def journal_log() -> str:
    """`journalctl` on an edge proxy host: cron, sshd, systemd and nginx's notices; three [crit] lines say
    accept4() failed (24: Too many open files)."""
    return _JOURNAL


_NODE = """\
Dec 01 10:14:01 node-7 kubelet[2174]: I1201 10:14:01.002113    2174 kubelet.go:2453] "SyncLoop UPDATE" source="api" pods=["shop/recommender-6d8f9c7b5-x2x7q"]
Dec 01 10:14:01 node-7 kubelet[2174]: I1201 10:14:01.118420    2174 kubelet_pods.go:1082] "Clean up pod workers for terminated pods"
Dec 01 10:14:01 node-7 kubelet[2174]: I1201 10:14:01.503390    2174 operation_generator.go:721] "MountVolume.SetUp succeeded for volume \\"model-cache\\"" pod="shop/recommender-6d8f9c7b5-x2x7q"
Dec 01 10:14:02 node-7 kubelet[2174]: I1201 10:14:02.004120    2174 prober.go:107] "Probe failed" probeType="Readiness" pod="shop/cart-7b9d4c6f8-kq2lp" containerName="cart" probeResult="failure" output="Get \\"http://10.8.3.21:8080/ready\\": context deadline exceeded"
Dec 01 10:14:02 node-7 kernel: java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=985
Dec 01 10:14:02 node-7 kernel: CPU: 3 PID: 48133 Comm: java Not tainted 6.1.0-27-cloud-amd64 #1 Debian 6.1.115-1
Dec 01 10:14:02 node-7 kernel: memory: usage 2097152kB, limit 2097152kB, failcnt 4471
Dec 01 10:14:02 node-7 kernel: Memory cgroup out of memory: Killed process 48121 (java) total-vm:6020124kB, anon-rss:2087004kB, file-rss:20112kB, shmem-rss:0kB, UID:1000 pgtables:4512kB oom_score_adj:985
Dec 01 10:14:02 node-7 kernel: oom_reaper: reaped process 48121 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
Dec 01 10:14:02 node-7 containerd[1020]: time="2026-12-01T10:14:02.911220114Z" level=info msg="TaskOOM event container_id:\\"3be1c0a94e21\\""
Dec 01 10:14:03 node-7 containerd[1020]: time="2026-12-01T10:14:03.104871302Z" level=info msg="shim disconnected" id=3be1c0a94e21 namespace=k8s.io
Dec 01 10:14:03 node-7 kubelet[2174]: I1201 10:14:03.220194    2174 kubelet.go:2485] "SyncLoop (PLEG): event for pod" pod="shop/recommender-6d8f9c7b5-x2x7q" event={"Type":"ContainerDied","Data":"3be1c0"}
Dec 01 10:14:03 node-7 kubelet[2174]: I1201 10:14:03.401212    2174 kuberuntime_manager.go:1051] "Container exited" pod="shop/recommender-6d8f9c7b5-x2x7q" containerName="recommender" exitCode=137 reason="OOMKilled" restartCount=7
Dec 01 10:14:04 node-7 kubelet[2174]: I1201 10:14:04.004771    2174 prober.go:107] "Probe failed" probeType="Readiness" pod="shop/cart-7b9d4c6f8-kq2lp" containerName="cart" probeResult="failure" output="Get \\"http://10.8.3.21:8080/ready\\": context deadline exceeded"
Dec 01 10:14:05 node-7 kubelet[2174]: I1201 10:14:05.117402    2174 kubelet_getters.go:218] "Pod status updated" pod="kube-system/kube-proxy-4hd8c" status="Running"
Dec 01 10:14:06 node-7 kubelet[2174]: I1201 10:14:06.080112    2174 kubelet.go:2453] "SyncLoop UPDATE" source="api" pods=["shop/cart-7b9d4c6f8-kq2lp"]
Dec 01 10:14:07 node-7 kubelet[2174]: E1201 10:14:07.311902    2174 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"recommender\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=recommender pod=recommender-6d8f9c7b5-x2x7q_shop(9a41)\\"" pod="shop/recommender-6d8f9c7b5-x2x7q"
Dec 01 10:14:08 node-7 kubelet[2174]: I1201 10:14:08.002001    2174 kubelet.go:2453] "SyncLoop UPDATE" source="api" pods=["shop/recommender-6d8f9c7b5-x2x7q"]
Dec 01 10:14:09 node-7 kubelet[2174]: I1201 10:14:09.441090    2174 image_gc_manager.go:391] "Disk usage on image filesystem is below the high threshold" usage=61 highThreshold=85
Dec 01 10:14:10 node-7 kubelet[2174]: I1201 10:14:10.004202    2174 prober.go:107] "Probe succeeded" probeType="Readiness" pod="shop/cart-7b9d4c6f8-kq2lp" containerName="cart"
Dec 01 10:14:11 node-7 kubelet[2174]: I1201 10:14:11.512012    2174 eviction_manager.go:366] "Eviction manager: no resources are starved"
Dec 01 10:14:12 node-7 kubelet[2174]: I1201 10:14:12.801477    2174 kubelet_node_status.go:497] "Fast updating node status as it just became ready"
"""


def node_oom_log() -> str:
    """A Kubernetes node's journal around one pod (kubelet in klog form, containerd in logfmt, the kernel):
    the kernel's OOM killer killed the recommender's java, the kubelet logs exit code 137 reason OOMKilled
    (an I line) and the pod's CrashLoopBackOff (the one E line)."""
    return _NODE


_BILLING = [
    ("info", "server listening", ' "addr":":8080","version":"2.14.0"'),
    ("info", "connected to postgres", ' "host":"pg-billing.internal","pool":20'),
    ("info", "request", ' "method":"GET","path":"/v1/invoices/inv_8812","status":200,"ms":14'),
    ("info", "request", ' "method":"GET","path":"/v1/invoices/inv_8813","status":200,"ms":11'),
    ("info", "request", ' "method":"POST","path":"/v1/invoices/inv_8813/pay","status":202,"ms":48'),
    ("debug", "cache miss", ' "key":"customer:c_1049"'),
    ("info", "request", ' "method":"GET","path":"/v1/customers/c_1049","status":200,"ms":22'),
    ("info", "request", ' "method":"GET","path":"/v1/invoices/inv_8820","status":200,"ms":9'),
    ("warn", "slow query", ' "ms":812,"query":"select_invoice_lines"'),
    ("info", "request", ' "method":"GET","path":"/v1/invoices/inv_8821","status":200,"ms":13'),
    ("info", "request", ' "method":"GET","path":"/v1/invoices/inv_8822/pdf","status":200,"ms":131'),
    ("info", "request", ' "method":"GET","path":"/v1/invoices/inv_8790/pdf","status":200,"ms":119'),
    ("info", "request", ' "method":"GET","path":"/healthz","status":200,"ms":0'),
    ("info", "request", ' "method":"GET","path":"/v1/invoices/inv_8823/pdf","status":200,"ms":140'),
]

_PANIC = """\
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x38 pc=0x9c1f2d]

goroutine 8812 [running]:
github.com/acme/billing/internal/pdf.(*Renderer).Render(0x0, {0xc000a12000, 0x1c})
\t/src/internal/pdf/render.go:88 +0x4d
github.com/acme/billing/internal/api.(*Handler).InvoicePDF(0xc0001f4000, {0xb3e2a0, 0xc0004d01c0}, 0xc000622000)
\t/src/internal/api/invoices.go:141 +0x1d3
net/http.HandlerFunc.ServeHTTP(0xc000511ad8?, {0xb3e2a0?, 0xc0004d01c0?}, 0x0?)
\t/usr/local/go/src/net/http/server.go:2220 +0x29
github.com/acme/billing/internal/api.(*Server).withRequestID.func1({0xb3e2a0, 0xc0004d01c0}, 0xc000622000)
\t/src/internal/api/middleware.go:37 +0x1a6
net/http.serverHandler.ServeHTTP({0xc00028a0f0?}, {0xb3e2a0?, 0xc0004d01c0?}, 0x6?)
\t/usr/local/go/src/net/http/server.go:3210 +0x8e
net/http.(*conn).serve(0xc0003be1b0, {0xb3f0e8, 0xc0002a6930})
\t/usr/local/go/src/net/http/server.go:2092 +0x5d0
created by net/http.(*Server).Serve in goroutine 1
\t/usr/local/go/src/net/http/server.go:3360 +0x485
"""


def go_panic_log() -> str:
    """`kubectl logs --previous` of a Go billing API right after a deploy: JSON request lines, then the panic
    that killed it (nil pointer dereference) and its goroutine dump."""
    records = [
        f'{{"level":"{level}","ts":"2026-12-01T11:40:{i * 3:02d}.{(i * 211) % 1000:03d}Z","caller":"api/log.go:52",'
        f'"msg":"{msg}",{extra.strip()}}}'
        for i, (level, msg, extra) in enumerate(_BILLING)
    ]
    return "\n".join(records) + "\n" + _PANIC


# each log, and the starter KB's pattern it belongs to
LOGS = {
    "json": (json_log, "disk-full"),
    "plain": (plain_log, "disk-full"),
    "journal": (journal_log, "file-descriptor-exhaustion"),
    "node": (node_oom_log, "memory-leak-oom-kill"),
    "go-panic": (go_panic_log, "bad-deploy-crashloop"),
}


# Pastes of a review of the log reading (the reviewer's own text; hosts, services and ids made up): each is a
# shape the reading once threw the telling line of away, or read prose as a log. Theirs, not ours: kept
# verbatim, as they were measured.
_PSYCOPG = """\
[2026-12-03 02:00:01,004] INFO billing.jobs.settle: starting settlement run run_id=r-20261203
[2026-12-03 02:00:01,220] INFO billing.jobs.settle: 4 workers, 1812 batches queued
[2026-12-03 02:00:03,118] INFO billing.jobs.settle: batch b-0001 settled (212 rows)
[2026-12-03 02:00:03,511] INFO billing.jobs.settle: batch b-0002 settled (198 rows)
[2026-12-03 02:00:04,002] INFO billing.jobs.settle: batch b-0003 settled (240 rows)
[2026-12-03 02:00:04,777] ERROR billing.jobs.settle: batch b-0004 failed, will retry
Traceback (most recent call last):
  File "/app/billing/jobs/settle.py", line 131, in settle_batch
    cur.execute(UPDATE_LEDGER, (batch_id, account_id))
psycopg2.errors.DeadlockDetected: deadlock detected
DETAIL:  Process 48121 waits for ShareLock on transaction 99182331; blocked by process 48133.
Process 48133 waits for ShareLock on transaction 99182329; blocked by process 48121.
HINT:  See server log for query details.
[2026-12-03 02:00:05,001] INFO billing.jobs.settle: batch b-0005 settled (201 rows)
[2026-12-03 02:00:05,430] INFO billing.jobs.settle: batch b-0006 settled (187 rows)
[2026-12-03 02:00:06,118] INFO billing.jobs.settle: batch b-0004 settled on retry 1 (212 rows)
[2026-12-03 02:00:06,900] INFO billing.jobs.settle: batch b-0007 settled (230 rows)
"""

_READ_TIMEOUT = """\
2026-12-03 11:20:00,010 INFO payments.worker: charging invoice inv-77120 amount=49.00 EUR
2026-12-03 11:20:00,412 INFO payments.worker: charged invoice inv-77120 in 401ms
2026-12-03 11:20:01,003 INFO payments.worker: charging invoice inv-77121 amount=12.50 EUR
2026-12-03 11:20:01,390 INFO payments.worker: charged invoice inv-77121 in 386ms
2026-12-03 11:20:02,001 INFO payments.worker: charging invoice inv-77122 amount=99.00 EUR
2026-12-03 11:20:12,015 ERROR payments.worker: charge failed for invoice inv-77122
Traceback (most recent call last):
  File "/app/payments/psp.py", line 58, in charge
    resp = self.session.post(f"{self.base}/v1/charges", data=payload, timeout=10)
  File "/usr/local/lib/python3.11/site-packages/requests/adapters.py", line 713, in send
    raise ReadTimeout(e, request=request)
requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.stripe.com', port=443): Read timed out. (read timeout=10)
2026-12-03 11:20:12,020 INFO payments.worker: charging invoice inv-77123 amount=5.00 EUR
2026-12-03 11:20:22,031 ERROR payments.worker: charge failed for invoice inv-77123
Traceback (most recent call last):
  File "/app/payments/psp.py", line 58, in charge
    resp = self.session.post(f"{self.base}/v1/charges", data=payload, timeout=10)
requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.stripe.com', port=443): Read timed out. (read timeout=10)
2026-12-03 11:20:22,040 INFO payments.worker: charging invoice inv-77124 amount=20.00 EUR
2026-12-03 11:20:22,501 INFO payments.worker: charged invoice inv-77124 in 460ms
2026-12-03 11:20:23,010 INFO payments.worker: charging invoice inv-77125 amount=15.00 EUR
2026-12-03 11:20:23,380 INFO payments.worker: charged invoice inv-77125 in 370ms
"""

_PINO = """\
{"level":30,"time":1764756120011,"pid":1,"hostname":"gateway-6d9f7-abcde","req":{"id":"r-1","method":"GET","url":"/v1/products"},"res":{"statusCode":200},"responseTime":14,"msg":"request completed"}
{"level":30,"time":1764756120150,"pid":1,"hostname":"gateway-6d9f7-abcde","req":{"id":"r-2","method":"GET","url":"/v1/products/71"},"res":{"statusCode":200},"responseTime":9,"msg":"request completed"}
{"level":30,"time":1764756120402,"pid":1,"hostname":"gateway-6d9f7-abcde","req":{"id":"r-3","method":"POST","url":"/v1/cart"},"res":{"statusCode":201},"responseTime":31,"msg":"request completed"}
{"level":40,"time":1764756121003,"pid":1,"hostname":"gateway-6d9f7-abcde","msg":"upstream keep-alive socket count high","sockets":4011}
{"level":50,"time":1764756121877,"pid":1,"hostname":"gateway-6d9f7-abcde","reqId":"r-4","err":{"type":"Error","message":"connect EMFILE 10.0.12.7:443 - Local (undefined:undefined)","stack":"Error: connect EMFILE 10.0.12.7:443 - Local (undefined:undefined)\\n    at internalConnect (node:net:1087:16)\\n    at defaultTriggerAsyncIdScope (node:internal/async_hooks:464:18)","errno":-24,"code":"EMFILE","syscall":"connect"},"msg":"upstream request failed"}
{"level":30,"time":1764756122011,"pid":1,"hostname":"gateway-6d9f7-abcde","req":{"id":"r-4","method":"GET","url":"/v1/inventory"},"res":{"statusCode":502},"responseTime":2,"msg":"request completed"}
{"level":30,"time":1764756122150,"pid":1,"hostname":"gateway-6d9f7-abcde","req":{"id":"r-5","method":"GET","url":"/v1/products"},"res":{"statusCode":200},"responseTime":12,"msg":"request completed"}
{"level":30,"time":1764756122402,"pid":1,"hostname":"gateway-6d9f7-abcde","req":{"id":"r-6","method":"GET","url":"/v1/products/12"},"res":{"statusCode":200},"responseTime":8,"msg":"request completed"}
{"level":30,"time":1764756122602,"pid":1,"hostname":"gateway-6d9f7-abcde","req":{"id":"r-7","method":"GET","url":"/v1/products/19"},"res":{"statusCode":200},"responseTime":10,"msg":"request completed"}
{"level":30,"time":1764756122802,"pid":1,"hostname":"gateway-6d9f7-abcde","req":{"id":"r-8","method":"GET","url":"/v1/products/20"},"res":{"statusCode":200},"responseTime":11,"msg":"request completed"}
"""

_PG_DEADLOCK = """\
2026-12-03 02:00:04.101 UTC [48121] billing@ledger LOG:  duration: 212.410 ms  statement: BEGIN
2026-12-03 02:00:04.330 UTC [48133] billing@ledger LOG:  duration: 98.120 ms  statement: BEGIN
2026-12-03 02:00:04.770 UTC [48121] billing@ledger ERROR:  deadlock detected
2026-12-03 02:00:04.770 UTC [48121] billing@ledger DETAIL:  Process 48121 waits for ShareLock on transaction 99182331; blocked by process 48133.
\tProcess 48133 waits for ShareLock on transaction 99182329; blocked by process 48121.
\tProcess 48121: UPDATE ledger_entries SET settled = true WHERE account_id = $1
\tProcess 48133: UPDATE ledger_entries SET settled = true WHERE account_id = $1
2026-12-03 02:00:04.770 UTC [48121] billing@ledger HINT:  See server log for query details.
2026-12-03 02:00:04.770 UTC [48121] billing@ledger CONTEXT:  while updating tuple (1882,14) in relation "ledger_entries"
2026-12-03 02:00:04.770 UTC [48121] billing@ledger STATEMENT:  UPDATE ledger_entries SET settled = true WHERE account_id = $1
2026-12-03 02:00:05.002 UTC [48133] billing@ledger LOG:  duration: 1004.220 ms  statement: UPDATE ledger_entries SET settled = true WHERE account_id = $1
2026-12-03 02:00:05.120 UTC [48140] billing@ledger LOG:  duration: 12.010 ms  statement: COMMIT
2026-12-03 02:00:05.330 UTC [48141] billing@ledger LOG:  duration: 10.882 ms  statement: COMMIT
"""

_PG_WAL = """\
2026-12-03 03:12:00.004 UTC [1] LOG:  checkpoint starting: wal
2026-12-03 03:12:09.771 UTC [1] LOG:  checkpoint complete: wrote 40211 buffers (24.5%); 0 WAL file(s) added, 0 removed, 33 recycled; write=9.5 s, sync=0.1 s, total=9.7 s
2026-12-03 03:12:31.220 UTC [2211] LOG:  archive command failed with exit code 1
2026-12-03 03:12:31.220 UTC [2211] DETAIL:  The failed archive command was: aws s3 cp pg_wal/0000000100000A2F000000B1 s3://pg-archive/prod/
2026-12-03 03:12:31.221 UTC [2211] WARNING:  archiving write-ahead log file "0000000100000A2F000000B1" failed too many times, will try again later
2026-12-03 03:13:02.118 UTC [51882] app@orders PANIC:  could not write to file "pg_wal/xlogtemp.51882": No space left on device
2026-12-03 03:13:02.230 UTC [1] LOG:  server process (PID 51882) was terminated by signal 6: Aborted
2026-12-03 03:13:02.230 UTC [1] LOG:  terminating any other active server processes
2026-12-03 03:13:02.241 UTC [1] LOG:  all server processes terminated; reinitializing
2026-12-03 03:13:02.301 UTC [51990] LOG:  database system was interrupted; last known up at 2026-12-03 03:12:09 UTC
2026-12-03 03:13:02.990 UTC [51990] FATAL:  could not write to file "pg_wal/xlogtemp.51990": No space left on device
2026-12-03 03:13:03.002 UTC [1] LOG:  startup process (PID 51990) exited with exit code 1
2026-12-03 03:13:03.002 UTC [1] LOG:  aborting startup due to startup process failure
2026-12-03 03:13:03.010 UTC [1] LOG:  database system is shut down
"""

_MYSQL = """\
2026-12-03T11:00:00.120331Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.39'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.
2026-12-03T11:01:00.100001Z 0 [Note] [MY-010051] [Server] Event Scheduler: scheduler thread started with id 1
2026-12-03T11:02:00.100002Z 0 [Note] [MY-010051] [Server] Event Scheduler: scheduler thread started with id 2
2026-12-03T11:03:00.100003Z 0 [Note] [MY-010051] [Server] Event Scheduler: scheduler thread started with id 3
2026-12-03T11:04:00.100004Z 0 [Note] [MY-010051] [Server] Event Scheduler: scheduler thread started with id 4
2026-12-03T11:05:00.100005Z 0 [Note] [MY-010051] [Server] Event Scheduler: scheduler thread started with id 5
2026-12-03T11:06:00.100006Z 0 [Note] [MY-010051] [Server] Event Scheduler: scheduler thread started with id 6
2026-12-03T11:02:10.552101Z 412 [Warning] [MY-010055] [Server] IP address '10.4.2.31' could not be resolved: Name or service not known
2026-12-03T11:04:41.001920Z 0 [Note] [MY-012468] [InnoDB] Transactions deadlock detected, dumping detailed information. (lock0lock.cc:6482)
2026-12-03T11:04:41.001966Z 0 [Note] [MY-012469] [InnoDB] *** (1) TRANSACTION:
TRANSACTION 88122101, ACTIVE 0 sec starting index read
mysql tables in use 1, locked 1
LOCK WAIT 3 lock struct(s), heap size 1128, 2 row lock(s)
MySQL thread id 512, OS thread handle 140211, query id 991201 10.4.2.17 app updating
UPDATE inventory SET reserved = reserved + 1 WHERE sku = 'A-1182'
2026-12-03T11:04:41.002011Z 0 [Note] [MY-012469] [InnoDB] *** (2) TRANSACTION:
TRANSACTION 88122099, ACTIVE 0 sec starting index read
UPDATE inventory SET reserved = reserved + 1 WHERE sku = 'B-0071'
2026-12-03T11:04:41.002101Z 0 [Note] [MY-012469] [InnoDB] *** WE ROLL BACK TRANSACTION (1)
2026-12-03T11:05:12.331010Z 512 [Warning] [MY-013360] [Server] Plugin mysql_native_password reported: ''mysql_native_password' is deprecated and will be removed in a future release.'
2026-12-03T11:05:13.101201Z 0 [Note] [MY-010914] [Server] Aborted connection 511 to db: 'shop' user: 'app' host: '10.4.2.17' (Got an error reading communication packets).
2026-12-03T11:05:14.221011Z 0 [Note] [MY-010914] [Server] Aborted connection 515 to db: 'shop' user: 'app' host: '10.4.2.19' (Got an error reading communication packets).
2026-12-03T11:06:11.221011Z 0 [Note] [MY-010914] [Server] Aborted connection 521 to db: 'shop' user: 'app' host: '10.4.2.21' (Got an error reading communication packets).
2026-12-03T11:06:12.221011Z 0 [Note] [MY-010914] [Server] Aborted connection 522 to db: 'shop' user: 'app' host: '10.4.2.22' (Got an error reading communication packets).
2026-12-03T11:06:13.221011Z 0 [Note] [MY-010914] [Server] Aborted connection 523 to db: 'shop' user: 'app' host: '10.4.2.23' (Got an error reading communication packets).
2026-12-03T11:06:14.221011Z 0 [Note] [MY-010914] [Server] Aborted connection 524 to db: 'shop' user: 'app' host: '10.4.2.24' (Got an error reading communication packets).
"""

_CONNTRACK = """\
Dec 03 11:50:00 ip-10-2-9-41 systemd[1]: Started Session 812 of User core.
Dec 03 11:50:02 ip-10-2-9-41 kubelet[1882]: I1203 11:50:02.118201    1882 kubelet.go:2431] "SyncLoop (PLEG): event for pod" pod="shop/gateway-6d9f7-abcde"
Dec 03 11:50:04 ip-10-2-9-41 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
Dec 03 11:50:04 ip-10-2-9-41 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
Dec 03 11:50:05 ip-10-2-9-41 kernel: net_ratelimit: 1812 callbacks suppressed
Dec 03 11:50:05 ip-10-2-9-41 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
Dec 03 11:50:06 ip-10-2-9-41 kubelet[1882]: E1203 11:50:06.441902    1882 prober.go:104] "Probe errored" err="Get \\"http://10.244.7.31:8080/healthz\\": context deadline exceeded" probeType="Readiness" pod="shop/gateway-6d9f7-abcde"
Dec 03 11:50:07 ip-10-2-9-41 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
Dec 03 11:50:09 ip-10-2-9-41 kubelet[1882]: I1203 11:50:09.002211    1882 kubelet.go:2431] "SyncLoop (probe)" probe="readiness" status="" pod="shop/gateway-6d9f7-abcde"
Dec 03 11:50:10 ip-10-2-9-41 kernel: net_ratelimit: 2410 callbacks suppressed
Dec 03 11:50:10 ip-10-2-9-41 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
Dec 03 11:50:12 ip-10-2-9-41 containerd[1001]: time="2026-12-03T11:50:12.118Z" level=info msg="ImageCreate event name:\\"sha256:9f1e\\""
Dec 03 11:50:14 ip-10-2-9-41 kubelet[1882]: E1203 11:50:14.661020    1882 prober.go:104] "Probe errored" err="Get \\"http://10.244.7.31:8080/healthz\\": context deadline exceeded" probeType="Readiness" pod="shop/gateway-6d9f7-abcde"
Dec 03 11:50:15 ip-10-2-9-41 systemd[1]: Started Session 813 of User core.
"""

_DMESG = """\
[ 8812.104311] ata3.00: exception Emask 0x0 SAct 0x800000 SErr 0x0 action 0x0
[ 8812.104322] ata3.00: irq_stat 0x40000008
[ 8812.104330] ata3.00: failed command: READ FPDMA QUEUED
[ 8812.104345] ata3.00: cmd 60/08:b8:00:c4:5c/00:00:07:00:00/40 tag 23 ncq dma 4096 in
                        res 41/40:00:00:c4:5c/00:00:07:00:00/40 Emask 0x409 (media error) <F>
[ 8812.104360] ata3.00: status: { DRDY ERR }
[ 8812.104366] ata3.00: error: { UNC }
[ 8812.106001] ata3.00: configured for UDMA/133
[ 8812.106040] sd 2:0:0:0: [sdb] tag#23 FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_OK cmd_age=3s
[ 8812.106055] sd 2:0:0:0: [sdb] tag#23 Sense Key : Medium Error [current]
[ 8812.106066] blk_update_request: I/O error, dev sdb, sector 123585536 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0
[ 8812.106101] ata3: EH complete
[ 8813.551201] md/raid1:md0: sdb1: rescheduling sector 123583488
[ 8815.001822] md/raid1:md0: Disk failure on sdb1, disabling device.
               md/raid1:md0: Operation continuing on 1 devices.
[ 8815.020011] md: recovery of RAID array md0 interrupted
[ 8815.330112] RAID1 conf printout:
[ 8815.330118]  --- wd:1 rd:2
[ 8815.330124]  disk 0, wo:0, o:1, dev:sda1
"""

_DOTNET = """\
info: Microsoft.Hosting.Lifetime[14]
      Now listening on: http://[::]:8080
info: Microsoft.Hosting.Lifetime[0]
      Application started. Press Ctrl+C to shut down.
info: Microsoft.AspNetCore.Hosting.Diagnostics[1]
      Request starting HTTP/1.1 POST http://orders/api/orders - application/json 812
warn: Microsoft.EntityFrameworkCore.Model.Validation[30000]
      No store type was specified for the decimal property 'Total' on entity type 'Order'.
fail: Microsoft.EntityFrameworkCore.Database.Command[20102]
      Failed executing DbCommand (5,012ms) [Parameters=[@p0='?' (DbType = Int32)], CommandType='Text', CommandTimeout='30']
      UPDATE [Inventory] SET [Reserved] = [Reserved] + 1 WHERE [Sku] = @p0;
fail: Microsoft.EntityFrameworkCore.Update[10000]
      An exception occurred in the database while saving changes for context type 'Orders.Data.OrdersContext'.
      Microsoft.EntityFrameworkCore.DbUpdateException: An error occurred while saving the entity changes. See the inner exception for details.
       ---> Microsoft.Data.SqlClient.SqlException (0x80131904): Transaction (Process ID 57) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.
info: Microsoft.AspNetCore.Hosting.Diagnostics[2]
      Request finished HTTP/1.1 POST http://orders/api/orders - 500 null application/problem+json 5120.4412ms
info: Microsoft.AspNetCore.Hosting.Diagnostics[1]
      Request starting HTTP/1.1 GET http://orders/api/orders/812 - - -
info: Microsoft.AspNetCore.Hosting.Diagnostics[2]
      Request finished HTTP/1.1 GET http://orders/api/orders/812 - 200 412 application/json 11.2ms
"""

_SERILOG = """\
{"@t":"2026-12-03T13:10:00.1010000Z","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","RequestMethod":"GET","RequestPath":"/api/orders/81","StatusCode":200,"Elapsed":11.2}
{"@t":"2026-12-03T13:10:00.3010000Z","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","RequestMethod":"GET","RequestPath":"/api/orders/82","StatusCode":200,"Elapsed":9.8}
{"@t":"2026-12-03T13:10:00.5010000Z","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","RequestMethod":"GET","RequestPath":"/api/orders/83","StatusCode":200,"Elapsed":10.4}
{"@t":"2026-12-03T13:10:01.0010000Z","@mt":"Failed executing DbCommand ({elapsed}ms) {commandText}","@l":"Error","@x":"Microsoft.Data.SqlClient.SqlException (0x80131904): Transaction (Process ID 57) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.\\n   at Microsoft.Data.SqlClient.SqlConnection.OnError(SqlException exception, Boolean breakConnection)\\n   at Orders.Data.InventoryRepository.ReserveAsync(String sku)","elapsed":"5012","commandText":"UPDATE [Inventory] SET [Reserved] = [Reserved] + 1 WHERE [Sku] = @p0"}
{"@t":"2026-12-03T13:10:01.0110000Z","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","@l":"Error","RequestMethod":"POST","RequestPath":"/api/orders","StatusCode":500,"Elapsed":5120.4}
{"@t":"2026-12-03T13:10:01.3010000Z","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","RequestMethod":"GET","RequestPath":"/api/orders/84","StatusCode":200,"Elapsed":10.1}
{"@t":"2026-12-03T13:10:01.5010000Z","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","RequestMethod":"GET","RequestPath":"/api/orders/85","StatusCode":200,"Elapsed":12.0}
{"@t":"2026-12-03T13:10:01.7010000Z","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","RequestMethod":"GET","RequestPath":"/api/orders/86","StatusCode":200,"Elapsed":9.9}
{"@t":"2026-12-03T13:10:01.9010000Z","@mt":"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms","RequestMethod":"GET","RequestPath":"/api/orders/87","StatusCode":200,"Elapsed":10.7}
"""

_TIMELINE = """\
Timeline (UTC) so far:
10:02:10 deploy of checkout v5.2 started by CI
10:04:30 first pages for checkout p99 latency
10:05:12 DB dashboards show connections at max_connections (500/500) on postgres-main
10:06:00 checkout pods report HikariPool timeouts waiting for a connection
10:07:45 rollback of checkout v5.2 failed: helm says another operation is in progress
10:09:20 we scaled checkout from 12 to 30 replicas to absorb load
10:11:02 payments also failing, it shares postgres-main
10:14:40 killed idle-in-transaction sessions, errors dropping
"""

_CHAT = """\
[10:02:41] alice: checkout p99 is through the roof, pages firing
[10:03:05] bob: DB dashboard shows postgres-main at 500/500 connections
[10:03:30] alice: checkout pods are all waiting on HikariPool, 30s timeouts
[10:04:12] carol: we scaled checkout from 12 to 30 replicas at 09:55 for the sale
[10:04:40] bob: that's 30 x 20 pool = 600 > max_connections
[10:05:02] alice: rollback of the replica bump failed, argo sync errored on a hook
[10:05:40] carol: scaling down by hand now
[10:07:15] bob: connections dropping, 380/500
"""


def dns_storm() -> str:
    """A storm: 24 of 31 JSON records at error, each "query failed" with "lookup accounts-db.internal on
    10.0.0.2:53: no such host", each with its own trace id; every fifth a 503 request at info."""
    out = []
    for i in range(31):
        ts, trace = f"2026-12-03T12:50:{10 + i:02d}Z", f"4bf92f3577b34da6a3ce929d0e0e47{10 + i:02d}"
        if i % 5 == 0:
            record = {"level": "info", "ts": ts, "logger": "api", "msg": "request", "method": "GET"}
            record.update(path="/v1/accounts", status=503, duration_ms=5002, trace_id=trace)
        else:
            record = {"level": "error", "ts": ts, "logger": "accounts.repo", "msg": "query failed"}
            record.update(error="dial tcp: lookup accounts-db.internal on 10.0.0.2:53: no such host", trace_id=trace)
            record.update(span_id=f"00f067aa0ba902b{i % 10}", caller="repo/accounts.go:88")
        out.append(json.dumps(record, separators=(",", ":")))
    return "\n".join(out) + "\n"


# `kubectl describe pod` of a pod whose container was OOM-killed: its last state says OOMKilled and exit code 137,
# and its events say "Back-off restarting failed container", which any crash-looping container says
_DESCRIBE_OOM = """\
Name:             payments-api-7c9f8d6b5-x2kqp
Namespace:        prod
Priority:         0
Service Account:  payments-api
Node:             ip-10-0-3-17.ec2.internal/10.0.3.17
Start Time:       Thu, 03 Dec 2026 09:41:12 +0000
Labels:           app=payments-api
                  pod-template-hash=7c9f8d6b5
Status:           Running
IP:               10.0.3.201
Controlled By:  ReplicaSet/payments-api-7c9f8d6b5
Containers:
  payments-api:
    Container ID:   containerd://4f1c2b9e0d
    Image:          registry.example.com/payments-api:2.14.1
    Port:           8080/TCP
    State:          Running
      Started:      Thu, 03 Dec 2026 10:12:44 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Thu, 03 Dec 2026 10:02:03 +0000
      Finished:     Thu, 03 Dec 2026 10:12:41 +0000
    Ready:          True
    Restart Count:  7
    Limits:
      cpu:     1
      memory:  512Mi
    Requests:
      cpu:        500m
      memory:     512Mi
    Liveness:     http-get http://:8080/healthz delay=10s timeout=1s period=10s #success=1 #failure=3
    Environment:
      JAVA_OPTS:  -Xmx768m
Conditions:
  Type              Status
  Initialized       True
  Ready             True
  ContainersReady   True
  PodScheduled      True
Events:
  Type     Reason     Age                  From     Message
  ----     ------     ----                 ----     -------
  Normal   Pulled     12m (x8 over 3h)     kubelet  Container image "registry.example.com/payments-api:2.14.1" already present on machine
  Normal   Created    12m (x8 over 3h)     kubelet  Created container payments-api
  Normal   Started    12m (x8 over 3h)     kubelet  Started container payments-api
  Warning  BackOff    14m (x21 over 3h)    kubelet  Back-off restarting failed container
"""


# `SHOW ENGINE INNODB STATUS\G` in the mysql client, its LATEST DETECTED DEADLOCK section: what a responder pastes
# when MySQL says "Deadlock found when trying to get lock"
_INNODB_STATUS = """\
mysql> SHOW ENGINE INNODB STATUS\\G
*************************** 1. row ***************************
  Type: InnoDB
  Name:
Status:
=====================================
2026-12-03 10:02:04 0x7f8a2c0d1700 INNODB MONITOR OUTPUT
=====================================
Per second averages calculated from the last 21 seconds
------------------------
LATEST DETECTED DEADLOCK
------------------------
2026-12-03 10:02:04 0x7f8a2c0d1700
*** (1) TRANSACTION:
TRANSACTION 421907, ACTIVE 0 sec starting index read
mysql tables in use 1, locked 1
LOCK WAIT 3 lock struct(s), heap size 1136, 2 row lock(s)
MySQL thread id 14, OS thread handle 140213, query id 99812 10.0.3.17 app updating
UPDATE inventory SET qty = qty - 1 WHERE sku = 'A-1001'
*** (1) WAITING FOR THIS LOCK TO BE GRANTED:
RECORD LOCKS space id 58 page no 4 n bits 72 index PRIMARY of table `orders`.`inventory` trx id 421907 lock_mode X locks rec but not gap waiting
*** (2) TRANSACTION:
TRANSACTION 421908, ACTIVE 0 sec starting index read
mysql tables in use 1, locked 1
3 lock struct(s), heap size 1136, 2 row lock(s)
MySQL thread id 15, OS thread handle 140214, query id 99813 10.0.3.18 app updating
UPDATE inventory SET qty = qty - 1 WHERE sku = 'B-2002'
*** (2) HOLDS THE LOCK(S):
RECORD LOCKS space id 58 page no 4 n bits 72 index PRIMARY of table `orders`.`inventory` trx id 421908 lock_mode X locks rec but not gap
*** WE ROLL BACK TRANSACTION (2)
------------
TRANSACTIONS
------------
Trx id counter 421950
Purge done for trx's n:o < 421940 undo n:o < 0 state: running but idle
History list length 12
"""


# nginx's error.log while its upstream is too slow to answer: what it writes for each 504
_NGINX_TIMEOUT = """\
2026/12/03 10:02:03 [error] 31#31: *48211 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.1.5, server: api.example.com, request: "POST /v1/orders HTTP/1.1", upstream: "http://10.0.3.17:8080/v1/orders", host: "api.example.com"
2026/12/03 10:02:04 [error] 31#31: *48215 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.1.9, server: api.example.com, request: "GET /v1/orders/991 HTTP/1.1", upstream: "http://10.0.3.17:8080/v1/orders/991", host: "api.example.com"
2026/12/03 10:02:05 [warn] 31#31: *48220 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream
"""


def nginx_access_fd(requests: int = 24) -> str:
    """An nginx container's output (`kubectl logs` of an ingress controller): ``requests`` access-log lines in the
    combined format, all 200s and 304s, and among them, halfway, the one line of its error log that says what failed:
    nginx out of file descriptors. Access lines start with the client's address, not a timestamp."""
    agents = ["Mozilla/5.0 (X11; Linux x86_64)", "catalog-sync/2.4", "Go-http-client/1.1"]
    out = []
    for i in range(requests):
        client, path = f"172.16.{i % 7}.{20 + i * 3 % 200}", f"/api/catalog/items/{4100 + i * 37}"
        status, size = (304, 0) if i % 4 == 3 else (200, 1800 + i * 61)
        out.append(
            f'{client} - - [14/Nov/2026:17:21:{i % 60:02d} +0100] "GET {path} HTTP/2.0" {status} {size} '
            f'"https://shop.example.org/" "{agents[i % 3]}" {300 + i} 0.0{i % 9 + 1}'
        )
        if i == requests // 2:
            out.append(f"2026/11/14 17:21:{i % 60:02d} [crit] 27#27: *90412 accept4() failed (24: Too many open files)")
    return "\n".join(out) + "\n"


def smoke_test_output(lines: int = 400) -> str:
    """A CI job's smoke test, pasted whole (about 60,000 characters): the shell's trace of each request and the
    status it got, no log records, and in its middle what the job printed of nginx's error log, one lower-case
    ``[alert]`` line among them (over MAX_QUERY_CHARS: its middle is condensed)."""
    out = []
    for i in range(lines):
        out.append(
            f"+ curl -sS -o /dev/null -w '%{{http_code}} %{{time_total}}' https://staging.example.org/api/items/{i}"
        )
        out.append(f"200 0.0{i % 9 + 1}{i % 7} (item {i} of {lines}, attempt 1, cache {'hit' if i % 3 else 'miss'})")
        if i == lines // 2:
            out.append("2026/11/14 17:21:30 [alert] 27#27: *90412 socket() failed (24: Too many open files)")
    return "\n".join(out) + "\n"


def haproxy_syslog(requests: int = 40) -> str:
    """haproxy logging to syslog: ``requests`` HTTP log lines (client:port, time, frontend, backend/server, timers,
    status ...), all 200s, and among them the line that says one server failed its health checks; the requests
    after it go to the others. Over syslog no line has a level."""
    out = []
    for i in range(requests):
        server = f"app-{i % 3 + 1}" if i < requests // 2 else f"app-{i % 2 + 1}"
        out.append(
            f"Nov 14 17:22:{i % 60:02d} edge-2 haproxy[1408]: 198.51.100.{i % 250}:{40000 + i * 7} "
            f"[14/Nov/2026:17:22:{i % 60:02d}.{i * 37 % 1000:03d}] www~ be_shop/{server} 0/0/1/{9 + i % 5}/{11 + i % 5} "
            f'200 {700 + i * 13} - - ---- {30 + i % 4}/{30 + i % 4}/1/0/0 0/0 "GET /api/cart/{i} HTTP/1.1"'
        )
        if i == requests // 2:
            out.append(
                f"Nov 14 17:22:{i % 60:02d} edge-2 haproxy[1408]: Server be_shop/app-3 is DOWN, reason: Layer4 "
                'connection problem, info: "Connection refused", check duration: 0ms. 2 active and 0 backup servers '
                "left. 0 sessions active, 0 requeued, 0 remaining in queue."
            )
    return "\n".join(out) + "\n"


# haproxy on stderr (a container's output): its levels in brackets, its pid before " : "
HAPROXY_STDERR = """\
[NOTICE]   (1) : haproxy version is 2.8.5-aaba8d0
[NOTICE]   (1) : path to executable is /usr/local/sbin/haproxy
[WARNING]  (1) : config : missing timeouts for frontend 'stats'.
[NOTICE]   (1) : New worker (8) forked
[NOTICE]   (1) : Loading success.
[WARNING]  (8) : Server be_shop/app-1 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 3ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
[WARNING]  (8) : Server be_shop/app-2 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 2ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
[WARNING]  (8) : Server be_shop/app-3 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 2ms. 0 active and 0 backup servers left. 3 sessions active, 0 requeued, 0 remaining in queue.
[ALERT]    (8) : backend 'be_shop' has no server available!
[NOTICE]   (8) : haproxy stats: 0 sessions active
"""


# each reviewed paste, the starter KB's pattern it belongs to, and what it exposed
REVIEWED = {
    "py-deadlock": (_PSYCOPG, "database-deadlock"),  # a traceback's exception, psycopg2.errors.DeadlockDetected
    "py-read-timeout": (_READ_TIMEOUT, "third-party-api-outage"),  # requests.exceptions.ReadTimeout
    "pino-err-object": (_PINO, "file-descriptor-exhaustion"),  # pino's err.message
    "pg-deadlock": (_PG_DEADLOCK, "database-deadlock"),  # PostgreSQL's DETAIL, HINT, CONTEXT, STATEMENT
    "pg-wal-panic": (_PG_WAL, "disk-full"),  # "UTC [2211] DETAIL:" was kept as said
    "mysql-deadlock": (_MYSQL, "database-deadlock"),  # MySQL's [Note] and [System]
    "journal-conntrack": (_CONNTRACK, "conntrack-table-full"),  # the kernel's line has no level
    "dmesg-raid": (_DMESG, "disk-failure-raid-degraded"),  # "{ DRDY ERR }" read as level ERR
    "json-dns-storm": (dns_storm(), "dns-resolution-failure"),  # mostly errors, JSON: was searched whole
    "dotnet-console": (_DOTNET, "database-deadlock"),  # fail:, the message on the indented lines below
    "serilog-clef": (_SERILOG, "database-deadlock"),  # @mt, with no @m
    "timeline": (_TIMELINE, "db-connection-pool-exhausted"),  # prose: "10:05:12 DB dashboards show ..."
    "chat": (_CHAT, "db-connection-pool-exhausted"),  # prose: "[10:02:41] alice: ..."
    "describe-oom": (_DESCRIBE_OOM, "memory-leak-oom-kill"),  # the last state's OOMKilled under the BackOff event
    "innodb-status": (_INNODB_STATUS, "database-deadlock"),  # InnoDB's own words for a deadlock
    "nginx-timeout": (_NGINX_TIMEOUT, "timeout-cascade-no-circuit-breaker"),  # nginx's words for a 504
    # its access lines were no records: searched whole, "no known pattern"
    "nginx-access-fd": (nginx_access_fd(), "file-descriptor-exhaustion"),
}
