"""Logs a responder pastes mid-incident, written for the tests (recur.retrieval.query reads a log by its
error lines): each is mostly ordinary lines with one or two that say what failed, and the pattern of the
starter KB (kb/) they belong to. Our own text; services, hosts and ids are made up."""

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
