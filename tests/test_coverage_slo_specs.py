"""`recur coverage --rules` pointed at the sources rule files are made from (a reviewer's realistic rules folder,
2026-12): a Sloth SLO spec was "a Helm template" (its queries' "{{.window}}"), a Pyrra ServiceLevelObjective and a
ThanosRuler were "no alerting rules" alone. Our own files, in the shapes those tools take."""

from recur.ingest.coverage import read_rules

SLOTH_SPEC = """\
# the checkout service's SLOs
version: "prometheus/v1"
service: "checkout"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
    alerting:
      name: CheckoutHighErrorRate
"""

SLOTH_CRD = """\
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: {name: checkout}
spec:
  service: checkout
  slos:
    - name: requests-availability
      objective: 99.9
"""

PYRRA = """\
apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata: {name: checkout-errors}
spec:
  target: "99.9"
  window: 4w
"""

THANOS = """\
apiVersion: monitoring.coreos.com/v1
kind: ThanosRuler
metadata: {name: thanos-ruler}
spec:
  ruleSelector: {matchLabels: {role: alert-rules}}
"""

GENERATED = """\
groups:
  - name: sloth-slo-alerts-checkout
    rules:
      - alert: CheckoutHighErrorRate
        expr: slo:sli_error:ratio_rate5m{sloth_service="checkout"} > 0.0144
"""


def _notes(tmp_path, name, text):
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "rules" / name).write_text(text)
    return read_rules(tmp_path / "rules" / name)


def test_a_sloth_spec_is_said_to_be_one_not_a_helm_template(tmp_path):
    for name, text, line in (("slos.yaml", SLOTH_SPEC, 2), ("slos-crd.yaml", SLOTH_CRD, 2)):
        alerts, notes = _notes(tmp_path, name, text)
        f = tmp_path / "rules" / name
        assert (alerts, notes) == (
            [],
            [f"{f}:{line}: skipped: a Sloth SLO spec: point --rules at `sloth generate`'s output"],
        )
    alerts, notes = _notes(tmp_path, "generated.yaml", GENERATED)  # what it generates is read
    assert ([a.name for a in alerts], notes) == (["CheckoutHighErrorRate"], [])
    # a Helm template is still one
    alerts, notes = _notes(tmp_path, "chart.yaml", SLOTH_SPEC.replace('version: "prometheus/v1"\n', ""))
    assert "skipped: a Helm template" in notes[0]


def test_a_pyrra_slo_and_a_thanos_ruler_say_where_their_rules_are(tmp_path):
    for name, text, said in (
        ("slo.yaml", PYRRA, "a Pyrra ServiceLevelObjective, whose alerts Pyrra writes to a PrometheusRule"),
        ("ruler.yaml", THANOS, "a ThanosRuler, which loads the PrometheusRules its ruleSelector picks"),
    ):
        alerts, notes = _notes(tmp_path, name, text)
        f = tmp_path / "rules" / name
        assert alerts == []
        assert notes == [
            f"{f}: no alerting rules (groups[].rules[].alert, Grafana rules[].title, or Datadog monitors) found: "
            f"{said}: point --rules at {'that' if 'Pyrra' in said else 'those'} (kubectl get prometheusrules -o yaml)"
        ]
