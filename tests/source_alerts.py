"""Alerts of other alerting systems than Alertmanager and Grafana as a responder pastes them (recur.retrieval.
alert_sources reads them), each in the shape its public docs give: an AWS CloudWatch alarm through SNS (the
alarm's JSON a string in the envelope's Message) and bare, Datadog's default webhook payload ($EVENT_TITLE,
$EVENT_MSG) and a custom one, a PagerDuty v3 webhook, an Opsgenie alert webhook, an Azure Monitor metric alert in
the common alert schema, a Google Cloud Monitoring incident (webhook schema 1.2). Our own text; accounts,
hosts and ids are made up. Each with the pattern of the starter KB (kb/) it belongs to."""

from __future__ import annotations

import json

FREE_STORAGE = {
    "AlarmName": "orders-db FreeStorageSpace low",
    "AlarmDescription": "Free storage on the orders RDS instance is below 10 GiB",
    "AWSAccountId": "123456789012",
    "NewStateValue": "ALARM",
    "NewStateReason": "Threshold Crossed: 1 out of the last 1 datapoints [8.2E9 (04/12/26 22:31:00)] was less than "
    "the threshold (1.073741824E10) (minimum 1 datapoint for OK -> ALARM transition).",
    "StateChangeTime": "2026-12-04T22:32:10.331+0000",
    "Region": "EU (Ireland)",
    "AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-db FreeStorageSpace low",
    "OldStateValue": "OK",
    "AlarmActions": ["arn:aws:sns:eu-west-1:123456789012:oncall"],
    "Trigger": {
        "MetricName": "FreeStorageSpace",
        "Namespace": "AWS/RDS",
        "Statistic": "MINIMUM",
        "Unit": None,
        "Dimensions": [{"value": "orders-db-prod", "name": "DBInstanceIdentifier"}],
        "Period": 300,
        "EvaluationPeriods": 1,
        "ComparisonOperator": "LessThanThreshold",
        "Threshold": 10737418240.0,
    },
}


def sns(alarm: dict) -> dict:
    """The alarm as an SNS subscription (an HTTPS endpoint, an email's JSON) gets it."""
    return {
        "Type": "Notification",
        "MessageId": "7a1c2f7e-5d0b-5c8e-9d6f-3b6c9a1e2f40",
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:oncall",
        "Subject": f'ALARM: "{alarm["AlarmName"]}" in EU (Ireland)',
        "Message": json.dumps(alarm),
        "Timestamp": "2026-12-04T22:32:10.380Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOx",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem",
        "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:x",
    }


def eventbridge(alarm: dict) -> dict:
    """The alarm as EventBridge's "CloudWatch Alarm State Change" event carries it."""
    trigger = alarm["Trigger"]
    metric = {
        "namespace": trigger["Namespace"],
        "name": trigger["MetricName"],
        "dimensions": {"DBInstanceIdentifier": "x"},
    }
    return {
        "version": "0",
        "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": "123456789012",
        "region": "eu-west-1",
        "resources": [alarm["AlarmArn"]],
        "detail": {
            "alarmName": alarm["AlarmName"],
            "configuration": {
                "description": alarm["AlarmDescription"],
                "metrics": [{"id": "m1", "metricStat": {"metric": metric, "period": 300, "stat": "Minimum"}}],
            },
            "previousState": {
                "value": "OK",
                "reason": "Threshold Crossed: no breach",
                "timestamp": "2026-12-04T21:00Z",
            },
            "state": {
                "value": alarm["NewStateValue"],
                "reason": alarm["NewStateReason"],
                "timestamp": "2026-12-04T22Z",
            },
        },
    }


def described(alarm: dict) -> dict:
    """The alarm as `aws cloudwatch describe-alarms` lists it, after one that is OK."""
    trigger = alarm["Trigger"]
    listed = {
        "AlarmName": alarm["AlarmName"],
        "AlarmArn": alarm["AlarmArn"],
        "AlarmDescription": alarm["AlarmDescription"],
        "StateValue": alarm["NewStateValue"],
        "StateReason": alarm["NewStateReason"],
        "MetricName": trigger["MetricName"],
        "Namespace": trigger["Namespace"],
        "Statistic": "Minimum",
        "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": "orders-db-prod"}],
    }
    quiet = {**listed, "AlarmName": "orders-db CPU high", "StateValue": "OK", "MetricName": "CPUUtilization"}
    return {"MetricAlarms": [quiet, listed], "CompositeAlarms": []}


DATADOG = {  # the default payload
    "body": "%%%\n@webhook-recur @slack-oncall\n\nDisk usage on /var/lib/postgresql is above 95% on db-7.\n\n"
    "system.disk.in_use was above 0.95 during the last 5m.\n\n- - -\n\n[[Monitor Status](https://app.datadoghq.com/monitors/81234567?group=host%3Adb-7)] · "
    "[[Edit Monitor](https://app.datadoghq.com/monitors/81234567/edit)]\n%%%",
    "last_updated": "1733351412000",
    "event_type": "query_alert_monitor",
    "title": "[Triggered on {host:db-7,device:/dev/nvme1n1}] Disk space low on database hosts",
    "date": "1733351412000",
    "org": {"id": "321987", "name": "Example Corp"},
    "id": "7854321098765432109",
}
DATADOG_CUSTOM = {  # a payload of the integration's other variables
    "alert_title": "Open file descriptors near the limit",
    "text_only_msg": "Process nginx on web-3 has used 98% of its open file limit (see https://wiki.example/fd)",
    "alert_transition": "Triggered",
    "alert_id": "1111",
    "alert_metric": "process.open_file_descriptors",
    "tags": "env:prod,host:web-3,service:edge-proxy,team:traffic",
}
PAGERDUTY = {
    "event": {
        "id": "01DEN7Z8ZP5A6RCBAUY9QQMHK6",
        "event_type": "incident.triggered",
        "resource_type": "incident",
        "occurred_at": "2026-12-04T22:31:05.000Z",
        "agent": {"id": "PX7F8S2", "summary": "Payments API", "type": "service_reference"},
        "data": {
            "id": "Q2N3DLX3QPW0ZB",
            "type": "incident",
            "html_url": "https://example.pagerduty.com/incidents/Q2N3DLX3QPW0ZB",
            "number": 4821,
            "status": "triggered",
            "title": "TLS handshake failures calling api.partner.example: certificate has expired",
            "service": {"id": "PX7F8S2", "summary": "Payments API", "type": "service_reference"},
            "urgency": "high",
        },
    }
}
OPSGENIE = {
    "action": "Create",
    "alert": {
        "alertId": "3b9d6c2e-1f4a-4c7b-9d3e-5a6b7c8d9e0f-1733351400000",
        "message": "Kafka consumer group order-fulfilment lagging",
        "tags": ["kafka", "orders"],
        "tinyId": "412",
        "entity": "order-fulfilment",
        "createdAt": 1733351400000,
        "description": "Consumer lag for group order-fulfilment on topic orders has grown above 250000 messages "
        "for 15 minutes; messages are processed hours late.",
        "details": {"cluster": "kafka-prod-1", "topic": "orders"},
        "priority": "P2",
    },
    "source": {"name": "", "type": "API"},
    "integrationName": "Recur webhook",
    "integrationType": "Webhook",
}

AZURE = {  # the common alert schema, a metric alert
    "schemaId": "azureMonitorCommonAlertSchema",
    "data": {
        "essentials": {
            "alertId": "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.AlertsManagement/alerts/"
            "9c1e0f6a-7b2d-4e3f-8a9b-0c1d2e3f4a5b",
            "alertRule": "billing-db storage nearly exhausted",
            "severity": "Sev1",
            "signalType": "Metric",
            "monitorCondition": "Fired",
            "monitoringService": "Platform",
            "alertTargetIDs": [
                "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/billing/providers/"
                "microsoft.dbforpostgresql/flexibleservers/billing-db"
            ],
            "configurationItems": ["billing-db"],
            "originAlertId": "11111111_billing_microsoft.insights_metricAlerts_billing-db-storage_-42",
            "firedDateTime": "2026-12-04T22:31:05.1234567Z",
            "description": "Used storage of the billing PostgreSQL server is over 95%; inserts fail once the disk is full",
            "essentialsVersion": "1.0",
            "alertContextVersion": "1.0",
        },
        "alertContext": {
            "properties": None,
            "conditionType": "SingleResourceMultipleMetricCriteria",
            "condition": {
                "windowSize": "PT5M",
                "allOf": [
                    {
                        "metricName": "storage_percent",
                        "metricNamespace": "Microsoft.DBforPostgreSQL/flexibleServers",
                        "operator": "GreaterThan",
                        "threshold": "95",
                        "timeAggregation": "Average",
                        "dimensions": [],
                        "metricValue": 97.4,
                        "webTestName": None,
                    }
                ],
                "windowStartTime": "2026-12-04T22:25:00.000Z",
                "windowEndTime": "2026-12-04T22:30:00.000Z",
            },
        },
        "customProperties": None,
    },
}
GOOGLE = {  # a Cloud Monitoring incident, webhook schema 1.2
    "incident": {
        "incident_id": "0.mx7q2kz81abc",
        "scoping_project_id": "storefront-prod",
        "scoping_project_number": 210987654321,
        "url": "https://console.cloud.google.com/monitoring/alerting/incidents/0.mx7q2kz81abc?project=storefront-prod",
        "started_at": 1733351465,
        "ended_at": 0,
        "state": "open",
        "summary": "Time until the SSL certificate of www.storefront.example expires is 2 days, below the threshold.",
        "observed_value": "2",
        "resource": {"type": "uptime_url", "labels": {"host": "www.storefront.example"}},
        "resource_type_display_name": "Uptime Check URL",
        "resource_display_name": "www.storefront.example",
        "metric": {
            "type": "monitoring.googleapis.com/uptime_check/time_until_ssl_cert_expires",
            "displayName": "Time until SSL certificate expires",
            "labels": {"check_id": "storefront-https"},
        },
        "metadata": {"system_labels": {}, "user_labels": {}},
        "policy_name": "Storefront certificate about to expire",
        "policy_user_labels": {"team": "web"},
        "documentation": {
            "content": "The certificate of the storefront expires soon. [Runbook](https://wiki.example/certs)",
            "mime_type": "text/markdown",
            "subject": "Storefront certificate",
            "links": [],
        },
        "condition": {
            "name": "projects/storefront-prod/alertPolicies/4242/conditions/2424",
            "displayName": "SSL certificate expiring soon",
        },
        "condition_name": "SSL certificate expiring soon",
        "threshold_value": "7",
    },
    "version": "1.2",
}

# (name, payload, the query searched, the note, the starter KB's pattern)
CASES = [
    (
        "cloudwatch-sns",
        sns(FREE_STORAGE),
        "orders-db FreeStorageSpace low. Free storage on the orders RDS instance is below 10 GiB. metric AWS/RDS "
        "FreeStorageSpace. Threshold Crossed: 1 out of the last 1 datapoints was less than the threshold",
        "a pasted AWS CloudWatch alarm: searched alarm 'orders-db FreeStorageSpace low' by its name, description, "
        "metric and state reason",
        "disk-full",
    ),
    (
        "datadog",
        DATADOG,
        "Disk space low on database hosts\nDisk usage on /var/lib/postgresql is above 95% on db-7.\n"
        "system.disk.in_use was above 0.95 during the last 5m.",
        "a pasted Datadog alert: searched alert 'Disk space low on database hosts' by its title, message, metric "
        "and tags",
        "disk-full",
    ),
    (
        "datadog-custom",
        DATADOG_CUSTOM,
        "Open file descriptors near the limit. Process nginx on web-3 has used 98% of its open file limit (see ). "
        "process.open_file_descriptors. service edge-proxy",
        "a pasted Datadog alert: searched alert 'Open file descriptors near the limit' by its title, message, "
        "metric and tags",
        "file-descriptor-exhaustion",
    ),
    (
        "pagerduty",
        PAGERDUTY,
        "TLS handshake failures calling api.partner.example: certificate has expired. service Payments API",
        "a pasted PagerDuty incident: searched incident 'TLS handshake failures calling api.partner.example: "
        "certificate has expired' by its title and service",
        "tls-certificate-expired",
    ),
    (
        "opsgenie",
        OPSGENIE,
        "Kafka consumer group order-fulfilment lagging. Consumer lag for group order-fulfilment on topic orders has "
        "grown above 250000 messages for 15 minutes; messages are processed hours late. kafka, orders. topic "
        "orders",
        "a pasted Opsgenie alert: searched alert 'Kafka consumer group order-fulfilment lagging' by its message, "
        "description, tags and details",
        "queue-consumer-lag",
    ),
    (
        "azure",
        AZURE,
        "billing-db storage nearly exhausted. Used storage of the billing PostgreSQL server is over 95%; inserts fail "
        "once the disk is full. metric storage_percent",
        "a pasted Azure Monitor alert: searched alert rule 'billing-db storage nearly exhausted' by its rule, "
        "description and metric",
        "disk-full",
    ),
    (
        "google",
        GOOGLE,
        "Storefront certificate about to expire. SSL certificate expiring soon. Time until the SSL certificate of "
        "www.storefront.example expires is 2 days, below the threshold. The certificate of the storefront expires "
        "soon. Runbook. metric Time until SSL certificate expires",
        "a pasted Google Cloud Monitoring incident: searched policy 'Storefront certificate about to expire' by its "
        "policy, condition, summary, documentation and metric",
        "tls-certificate-expired",
    ),
]
