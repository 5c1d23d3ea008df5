"""`recur coverage`: the command line over recur.ingest.coverage."""

from __future__ import annotations

import click

from recur.cli.options import http_url, index_option, kb_option, model_option
from recur.ingest.coverage import coverage, propose_alerts, read_rules, render_text, rule_files
from recur.util.errors import RecurError
from recur.util.text import plural


@click.command("coverage")
@kb_option
@index_option
@model_option
@click.option(
    "--rules",
    "rules",
    required=True,
    type=click.Path(exists=True),
    help="Alerting rules: a file or folder (*.yml, *.yaml, *.rules, and *.json holding rule groups): Prometheus "
    "rule files, PrometheusRule objects, kind: List, Grafana-provisioned alert rules (or its API's list), Prometheus's /api/v1/rules answer, a Datadog monitors export (JSON).",
)
@click.option(
    "--site-url",
    "site_url",
    metavar="URL",
    callback=http_url,
    help="Where our pattern pages are published (http:// or https://): only runbook_urls under it are "
    "checked; others are listed as external.",
)
@click.option(
    "--no-propose", is_flag=True, help="Do not load the model to propose likely alerts for undetected patterns."
)
@click.option("--json", "as_json", is_flag=True, help="Print the coverage report as JSON.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when a pattern names an alert that does not exist (explicitly) or a runbook_url is broken, "
    "or when no alerting rule could be read at all.",
)
def coverage_cmd(kb_dir, index_dir, model, rules, site_url, no_propose, as_json, strict):
    """Detection coverage: patterns vs the alerting rules that should catch them.

    Reports patterns whose signals name alerts that do not exist (alert names compare
    case-insensitively, with "did you mean"), alerts that no pattern mentions (by file and
    rule group), patterns with no detection (with the alerts likely to detect them, by
    meaning), and runbook_url annotations under --site-url that do not point at a pattern page.
    Files that cannot be read are skipped with a warning.
    """
    import json
    import sys

    from recur.kb.loader import load_kb

    kb = load_kb(kb_dir)  # first: run from the wrong folder, the missing KB is the one message, not a walk of --rules
    alerts, notes = read_rules(rules)
    for note in notes:
        click.echo(f"warning: {note}", err=True)
    if not alerts:  # an empty folder, the wrong folder, nothing that parses: say so, and never pass --strict
        files = rule_files(rules)
        found = f"{plural(len(files), 'file')} found, none with an alerting rule that could be read" if files else ""
        said = f"no alerting rules could be read from {rules} ({found or 'no *.yml, *.yaml, *.rules or *.json file in it'})"
        if strict:
            raise RecurError(f"--rules: {said}; --strict needs at least one")
        click.echo(f"warning: {said}", err=True)
    c = coverage(kb, alerts, site_url=site_url)
    if not no_propose and c.undetected and alerts:
        from recur.retrieval.engine import Engine

        engine = Engine.open(kb_dir, index_dir, model, quiet=True, progress=None)
        c = coverage(
            kb,
            alerts,
            site_url=site_url,
            proposals=propose_alerts(engine, alerts, [u["pattern"] for u in c.undetected]),
        )
    click.echo(json.dumps(c.to_json(), ensure_ascii=False, indent=1) if as_json else render_text(c, kb_dir), nl=as_json)
    if strict and (c.missing_alerts or c.bad_runbook_urls):
        click.echo(
            f"FAILED --strict: {plural(len(c.missing_alerts), 'missing alert')}, "
            f"{plural(len(c.bad_runbook_urls), 'broken runbook_url')}",
            err=True,
        )
        sys.exit(1)
