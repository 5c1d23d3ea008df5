"""`recur report`: the command line over recur.problems (the board and its renderings)."""

from __future__ import annotations

import json
import sys

import click

from recur import config
from recur.cli.options import (
    DATE,
    JSON_ALIAS,
    MONTHS,
    TODAY_DATE,
    WINDOW_DAYS,
    OutFile,
    http_url,
    json_alias,
    kb_option,
    setting,
    write_out,
)
from recur.cli.render import for_terminal
from recur.problems.board import TREND_MONTHS, TREND_MONTHS_MOST, not_counted, report_board, uncounted_problems
from recur.problems.report import (
    FAIL_ON,
    RECURRENCE_DAYS,
    failures,
    left_out_line,
    recent_recurrences,
    recurrence_clears,
    render_markdown,
    render_text,
)
from recur.util.text import plural


def _since_day(since, day):
    """``--since`` read (checked by DATE already), None when not given; a day after the report's ``day`` is
    click's usage error, exit 2 (``problems.query.since_after``: the reason GET /api/report and MCP's problem_report
    give too)."""
    from recur.problems.query import since_after
    from recur.util.dates import given_date

    since_day = given_date(since, "--since") if since else None
    refused = since_day and since_after(since_day, day)
    if refused:
        raise click.BadParameter(refused, param_hint="'--since'")
    return since_day


@click.command()
@kb_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a review document or wiki page, json for scripts.",
)
@click.option("--json", "as_json", **JSON_ALIAS)
@click.option(
    "--as-of",
    "as_of",
    type=TODAY_DATE,
    metavar="DATE",
    help="Review as of this date (YYYY-MM-DD; env RECUR_AS_OF, as recur site takes it; default today).",
)
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    type=click.Choice(FAIL_ON),
    help="Exit 1 when there is anything of this kind (repeatable): overdue reviews/follow-ups/fixes, "
    "recurrence after a fix, incidents with no known pattern. For a CI or cron gate.",
)
@click.option(
    "--recurrence-days",
    "recurrence_days",
    type=click.IntRange(min=0),
    default=RECURRENCE_DAYS,
    show_default=True,
    metavar="N",
    help="--fail-on recurrence counts a recurrence after a fix whose incident is in the last N days "
    "(0: any date); the report lists them all.",
)
@click.option(
    "--window",
    "windows",
    multiple=True,
    type=WINDOW_DAYS,
    metavar="DAYS",
    help="Add a recurring list over the last DAYS days to the 30 and 90 (repeatable; --window 365 for a "
    'year-end review); in JSON as recurring["365"]. Without it the report is as before.',
)
@click.option(
    "--since",
    "since",
    type=DATE,
    metavar="DATE",
    help="Add what happened after DATE (the last review) first: each incident with its pattern, how often that "
    "pattern struck before, and its fix; in JSON as 'since'.",
)
@click.option(
    "--months",
    "months",
    type=MONTHS,
    default=TREND_MONTHS,
    show_default=True,
    metavar="N",
    help=f"The monthly trend over the last N months, the report's month the last (1 to {TREND_MONTHS_MOST}; "
    "--months 24 for two years); in JSON as trends.months.",
)
@click.option("--out", "out", type=OutFile(), help="Write the report to a file (atomically; - is stdout).")
@click.option(
    "--owner",
    "owner",
    metavar="NAME",
    help="Only what NAME owns: reviews by their review owner (or, with none, their pattern's owner), follow-ups "
    "and permanent fixes, recurring patterns "
    "and recurrences by their fix's owner ('Bob', 'bob' and '@bob' are one, and a full name the KB holds and its "
    "handle ('Noor Ahmed', '@noor-ahmed'), as By owner counts them; "
    "'(unowned)': those of no one). Needs analysis, triage and flags have no owner and are left out. The JSON "
    "too, its 'filtered' key saying so; --fail-on gates what is shown.",
)
@click.option(
    "--limit",
    "limit",
    type=click.IntRange(min=1),
    metavar="N",
    help="At most N rows per list in text and markdown, each saying how many more it has (JSON lists them all).",
)
@click.option(
    "--site-url",
    "site_url",
    **setting("site_url"),
    metavar="URL",
    callback=http_url,
    help="Where the site (recur site) is published: in --format markdown each incident and pattern id links to "
    "its page there (env RECUR_SITE_URL; default: site_url in ./mkdocs.yml, as recur site takes it).",
)
def report(
    kb_dir, fmt, as_json, as_of, fail_on, windows, out, recurrence_days, owner, limit, site_url, since, months
):  # long: one option each, then the renderings
    """The weekly problem-management review.

    Reviews pending and overdue under the severity framework, open follow-ups and permanent
    fixes by owner and age, incidents with no known pattern, open "dig into this later" flags,
    the most recurring patterns (30/90 days), recurrence after a fix, and monthly trends by
    category and service.

    \b
    recur report --as-of 2026-06-01 --format markdown > review.md
    recur report --fail-on overdue     # exit 1 if anything is overdue
    recur report --owner bob --limit 10 --format markdown --site-url https://kb.example.com/
    """
    from recur.kb.loader import load_kb

    fmt = json_alias(fmt, as_json)
    day = config.as_of(as_of)
    since_day = _since_day(since, day)
    kb = load_kb(kb_dir)
    uncounted = uncounted_problems(kb)  # found once, named two ways below
    # JSON and Markdown, read away from here: each file by its path in the KB
    # its recurring lists the owner's, ranked before the cut; 30 and 90 days, then each --window asked for (a
    # year-end review's 365), in the order given, each once (the board adds them)
    b = report_board(kb, day, uncounted, owner=owner, windows=windows, since=since_day, months=months)
    if owner is not None:  # the board report_json gives (GET /api/report's answer), the whole one kept to warn
        b = _owned(b, owner, kb, fail_on)
    shown = for_terminal(b)  # text for people: no control character from the KB acts on their terminal
    # the warnings, the gate and the text, on a terminal: each file as `recur check` names it, from here
    here = {**shown, **for_terminal(not_counted(kb, here=True, uncounted=uncounted))}
    bad = here["left_out"]  # a file with errors, or a second file with one id: its incidents are not counted
    if bad:
        click.echo(
            f"warning: {plural(len(bad), 'file')} with errors left out of the report (run: recur check):", err=True
        )
        for x in bad:
            click.echo(f"  {left_out_line(x)}", err=True)
    if here["unread"]:  # counted, but a key that looks misspelt (follow-ups:) holds items it did not read
        click.echo(f"warning: {_misspelt(len(here['unread']))}, not read (run: recur check):", err=True)
        for x in here["unread"]:
            click.echo(f"  {left_out_line(x)}", err=True)
    if fmt == "json":
        text = json.dumps(b, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "markdown":
        text = render_markdown(shown, limit, page_urls(kb, site_url or _mkdocs_site_url()), config.where_flags(kb_dir))
    else:
        text = render_text(here, style=click.style, limit=limit, flags=config.where_flags(kb_dir))
    if out:
        write_out(out, click.unstyle(text))
    else:
        click.echo(text, nl=False)
    _gate(here, fail_on, recurrence_days, config.where_flags(kb_dir))


def _gate(b: dict, fail_on: tuple, recurrence_days: int, flags: str = "") -> None:
    """Exit 1, listing why, when ``--fail-on`` finds anything; a file left out of the report fails it too."""
    problems = failures(b, fail_on, recurrence_days)
    if problems:
        for line in problems[:20]:
            click.echo(f"  {line}", err=True)
        # "45 item(s) (+25 more)" read as 70: the total, and how many of them are listed
        more = f" (the first 20 listed above, {len(problems) - 20} more not)" if len(problems) > 20 else ""
        why = (
            (
                f"; {plural(len(b['left_out']), 'file')} with errors left out of the report, which the gate cannot "
                "vouch for (fix them: recur check)"
            )
            if b.get("left_out")
            else ""
        )
        if b.get("unread"):
            why += f"; {_misspelt(len(b['unread']))}, not read, which the gate cannot vouch for"
        if "recurrence" in fail_on and recent_recurrences(b, recurrence_days):
            why += recurrence_clears(recurrence_days, flags)
        click.echo(f"FAILED --fail-on {','.join(fail_on)}: {plural(len(problems), 'item')}{more}{why}", err=True)
        sys.exit(1)


def _misspelt(n: int) -> str:
    """ "1 key that looks misspelt", "2 keys that look misspelt": the count, its noun and verb as read."""
    return f"{plural(n, 'key')} that {'looks' if n == 1 else 'look'} misspelt"


def _owned(b: dict, name: str, kb, fail_on: tuple) -> dict:
    """``problems.query.narrowed`` (the rule MCP's problem_report ``owner`` and GET /api/report's share; a blank
    name, " @ ", a usage error, exit 2, as click says of a bad option), warning on stderr when NAME owns nothing on
    the board (a misspelt name gave an empty report), with the owners it has and the one meant. With ``--fail-on``,
    a name the KB never names as an owner (``kb_owners``) is a usage error (exit 2): `--owner team-platfrom
    --fail-on overdue` passed on nothing, a scheduled per-team gate green for ever (found in a problem manager's
    review); an owner the KB knows with nothing open passes, as before."""
    from recur.problems.board import UNOWNED, kb_owners, owner_key, owner_of
    from recur.problems.owner import board_owners, nothing_owned, owns_nothing
    from recur.problems.query import OwnerRefused, narrowed

    try:
        mine = narrowed(b, name)
    except OwnerRefused as exc:
        raise click.BadParameter(str(exc), param_hint="'--owner'") from None
    if owns_nothing(mine):
        known, aliases = kb_owners(kb), b.get("owner_aliases") or {}
        said = nothing_owned(name, board_owners(b), known, aliases)
        # the board's rule of one owner (``owner_of``): a handle of a full name the KB holds ("@noor-ahmed" of
        # "Noor Ahmed") is that owner, written or not
        named = {owner_of(k, aliases) for k in known}
        unknown = owner_key(name) != owner_key(UNOWNED) and owner_of(name, aliases) not in named
        if fail_on and unknown:
            raise click.BadParameter(
                f"{said}; no record of the KB names this owner, so --fail-on would pass on nothing",
                param_hint="'--owner'",
            )
        click.echo(f"warning: {said}", err=True)
    return mine


def page_urls(kb, site_url: str | None) -> dict:
    """{"incident"|"pattern": {id: its page's URL on the site at ``site_url``}}: the pages the site's board
    links (each record's KB path, ``.md`` served as ``.html``); empty without a site URL."""
    if not site_url:
        return {}
    from recur.retrieval.patterns import site_page

    return {
        "incident": {i: site_page(site_url, r.relpath) for i, r in kb.incidents.items()},
        "pattern": {p: site_page(site_url, r.relpath) for p, r in kb.patterns.items()},
    }


def _mkdocs_site_url() -> str | None:
    """site_url in ./mkdocs.yml (or ./mkdocs.yaml), where `recur site` reads it by default; one that is no
    http(s) URL is said and not used (the report is still written, its ids unlinked)."""
    from recur.site.build import find_config

    cfg = find_config()
    if cfg is None:
        return None
    from recur.site.plugin import raw_config
    from recur.util.errors import RecurError
    from recur.util.text import require_http_url

    value = raw_config(cfg).get("site_url")
    if not value:
        return None
    try:
        return require_http_url(str(value), f"{cfg.name}: site_url")
    except RecurError as exc:
        click.echo(f"warning: {exc}; the report's ids are not linked", err=True)
        return None
