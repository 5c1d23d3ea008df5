"""The webhook's payload with alerts as Alertmanager's /api/v2/alerts returns them (a reviewer's am_v2b.json,
2026-12): their status is an object ({"state": "suppressed", ...}), and the payload was refused "alerts.0.status:
Input should be a valid string". Our own alerts, in that API's shape."""

import pytest
from pydantic import ValidationError

from recur.serve.bodies import AlertmanagerIn, answered


def _payload(*states):
    alert = {"labels": {"alertname": "HostDiskFull", "instance": "db-3"}, "annotations": {"summary": "/var 97% full"}}
    return {"version": "4", "status": "firing", "alerts": [{**alert, "status": s} for s in states]}


def test_an_api_alerts_status_object_is_firing_whatever_its_state():
    sent = _payload(
        {"state": "suppressed", "silencedBy": ["8e1f"], "inhibitedBy": []},
        {"state": "active", "silencedBy": [], "inhibitedBy": []},
        {"state": "unprocessed"},
        "resolved",
    )
    alerts = AlertmanagerIn.model_validate(sent).alerts
    assert [a.status for a in alerts] == ["firing", "firing", "firing", "resolved"]
    assert len(answered(alerts)) == 4


def test_a_status_object_of_no_state_the_api_gives_is_refused_saying_what_it_takes():
    with pytest.raises(ValidationError) as err:
        AlertmanagerIn.model_validate(_payload({"state": "gone"}))
    assert "a status object's state is one of active, suppressed, unprocessed" in str(err.value)
    assert err.value.errors()[0]["loc"] == ("alerts", 0, "status")
