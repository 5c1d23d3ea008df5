"""POST /api/alertmanager: the Alertmanager webhook, suggestions for each alert of a group."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from recur.retrieval.alerts import alert_read
from recur.serve.answers import WebhookAnswer, ok
from recur.serve.bodies import (
    MAX_TOP,
    WEBHOOK_BRIEF_TOP,
    WEBHOOK_VERSIONS,
    AlertmanagerIn,
    alert_entry,
    alert_link,
    answered,
    not_searched,
    pattern_bodies,
)
from recur.serve.deps import JSONResponse, errors, get_engine, get_metrics, get_slot, index_stale, only_query
from recur.serve.guard import ApiError
from recur.serve.security import require_read

router = APIRouter(tags=["suggest"], dependencies=[Depends(require_read)])


@router.post(
    "/api/alertmanager",
    operation_id="alertmanager",
    responses={
        200: ok(WebhookAnswer, "Suggestions for each alert of the group"),
        **errors(400, 401, 408, 413, 415, 422, 503),
    },
    dependencies=[Depends(only_query("top", "brief"))],
)
def alertmanager(
    body: AlertmanagerIn,
    request: Request,
    # the range is published here and checked in the route, for the message that names the limit
    top: int = Query(3, json_schema_extra={"minimum": 1, "maximum": MAX_TOP}),
    brief: bool = False,
    engine=Depends(get_engine),
    slot=Depends(get_slot),
    metrics=Depends(get_metrics),
):
    """Alertmanager (payload version 4) or Grafana (version 1) webhook: suggestions for each firing alert;
    resolved alerts are reported as resolved, with no suggestions; ``skipped``: alerts past the first 100,
    not answered; ``truncated_by_alertmanager``: alerts Alertmanager left out (``truncatedAlerts``); a
    heartbeat (Watchdog, InfoInhibitor, severity none) beside another firing alert: reported, not searched.

    The query is the alertname, then the summary and description annotations, then the labels that say what is
    affected, on one line; an annotation of several lines (a log in a description) on its own lines after it. Point
    a webhook receiver at this URL. An alert whose ``runbook_url`` is a pattern's page (as `recur coverage` reads
    it) gets that pattern first, rated high, its first ``why`` the link.

    ``brief=true`` (for a relay that posts a line per alert): each alert gets at most 5 results
    (``top`` above 5 is answered with 5), brief: the first runbook steps and evidence; each
    suggested pattern's whole body is in ``patterns``, once per answer.
    """
    if not 1 <= top <= MAX_TOP:
        raise ApiError(422, "invalid_request", f"top: must be between 1 and {MAX_TOP}")
    top = min(top, WEBHOOK_BRIEF_TOP) if brief else top
    alerts = answered(body.alerts)
    site_url = getattr(request.app.state, "site_url", None)
    read = [alert_read(a) for a in alerts]  # (text, what a cut to MAX_PASTE_CHARS left out)
    keys = [(text, alert_link(a, engine.docs, site_url)) for a, (text, _) in zip(alerts, read)]
    skip = not_searched(alerts)  # resolved, or a heartbeat beside a real alert: no search, no verdict
    searched = (k for k, x in zip(keys, skip) if not x)  # one with nothing to search too: no verdict, as the API's
    by_query = {}
    for key in dict.fromkeys(searched):  # each query once
        # the webhooks' share of the model, after any responder waiting until one deadline for the
        # whole call (get_slot), not a new wait for each alert's search (SearchGate)
        with slot(webhook=True):
            by_query[key] = engine.answer(key[0], top=top, link=key[1])
        metrics.observe_answer(by_query[key])
    out = [alert_entry(a, k[0], by_query.get(k), brief, x, r[1]) for a, k, x, r in zip(alerts, keys, skip, read)]
    firing = [e["no_known_pattern"] for e, x in zip(out, skip) if not x]
    answer = {
        "status": body.status,
        "groupKey": body.groupKey,
        "source": WEBHOOK_VERSIONS[body.version],
        # the group's verdict, as every suggestion answer has one: no firing alert matches a
        # known pattern (each alert has its own below, one with no verdict matching none; none firing: false)
        "no_known_pattern": bool(firing) and False not in firing,
        "alerts": out,
        "skipped": len(body.alerts) - len(alerts),
        # alerts Alertmanager dropped before sending (the receiver's max_alerts): neither answered nor in
        # `skipped`; `alerts: []` with 250 of them said "skipped: 0", as if the group were whole
        "truncated_by_alertmanager": body.truncatedAlerts or 0,
        "top": top,  # results per alert at most: ?top (with ?brief, at most WEBHOOK_BRIEF_TOP)
        "stale": index_stale(request),  # the KB changed since the index was built
    }
    if brief:  # last, as docs/api.md has it: after every key of the whole answer
        answer["patterns"] = pattern_bodies(by_query.values())
    return JSONResponse(answer)
