"""`recur coverage`: the command line over recur.ingest.coverage."""

from __future__ import annotations

import click

from recur.cli.options import kb_option
from recur.ingest.coverage import coverage, read_rules, render_text


@click.command("coverage")
@kb_option
@click.option("--rules", "rules", required=True, type=click.Path(exists=True),
              help="Prometheus alerting rule file or folder (*.yml, *.yaml; PrometheusRule objects too).")
@click.option("--json", "as_json", is_flag=True, help="Print the coverage report as JSON.")
@click.option("--strict", is_flag=True,
              help="Exit 1 when a pattern names an alert that does not exist (explicitly) or a runbook_url is broken.")
def coverage_cmd(kb_dir, rules, as_json, strict):
    """Detection coverage: patterns vs the alerting rules that should catch them.

    Reports patterns whose signals name alerts that do not exist, alerts that no pattern
    mentions, patterns with no detection at all, and runbook_url annotations that do not
    point at an existing pattern page.
    """
    import json
    import sys

    from recur.kb.loader import load_kb

    alerts, notes = read_rules(rules)
    for note in notes:
        click.echo(f"warning: {note}", err=True)
    c = coverage(load_kb(kb_dir), alerts)
    click.echo(json.dumps(c, ensure_ascii=False, indent=1) if as_json else render_text(c, kb_dir), nl=as_json)
    if strict and (c["counts"]["missing_alerts"] or c["counts"]["bad_runbook_urls"]):
        click.echo(f"FAILED --strict: {c['counts']['missing_alerts']} missing alert(s), "
                   f"{c['counts']['bad_runbook_urls']} broken runbook_url(s)", err=True)
        sys.exit(1)
