"""`recur mcp`: the MCP server on stdio, for AI assistants (Claude Desktop, IDEs, agents)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from recur.cli.options import http_url, index_option, kb_option, model_option, setting
from recur.cli.startup import check_engine_inputs, check_mcp_settings, repository_index
from recur.util.signals import end_by


@click.command()
@kb_option
@index_option
@model_option
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Offer the record_incident tool (writes an incident record into the KB, as `recur incident new`).",
)
@click.option(
    "--site-url",
    **setting("site_url"),
    metavar="URL",
    callback=http_url,
    help="Base URL (http:// or https://) of the built site: each pattern and incident in an answer gets its "
    "page's url (env RECUR_SITE_URL), as `recur serve --site-url` gives them on /mcp and in Slack. "
    "Default: the URL the site in --site was built for.",
)
@click.option(
    "--site",
    "site_dir",
    **setting("site"),
    show_default=True,
    type=click.Path(file_okay=False),
    help="The built site (from `recur site`; env RECUR_SITE): without --site-url, answers link its pages "
    "at the URL it was built for (mkdocs.yml's site_url or `recur site --site-url`), as `recur serve` does. "
    "Left at its default: the site/ folder beside the KB (its repository's, as `recur init` lays it out), "
    "else ./site.",
)
def mcp(kb_dir, index_dir, model, allow_writes, site_url, site_dir):
    """Serve Recur to an AI assistant over MCP (stdio).

    \b
    Tools: suggest_patterns, get_pattern, list_patterns, past_incidents, problem_report
    (and record_incident with --allow-writes); resources: recur://patterns/{id} (Markdown).
    The model and index load once, in the background, as in `recur serve`; a rebuilt index
    is picked up without a restart. stdout carries the protocol; messages go to stderr.
    """
    from recur.cli.main import refuse_closed_stdout

    # the protocol's channel: the MCP SDK's traceback (no stdout.buffer) said it, inside a group
    refuse_closed_stdout()
    # as recur serve: before serving, not from the engine's background load, where a bad model was a tool error at
    # the first question (an editor shows no stderr); before the MCP SDK's import (0.4 s), as `recur serve` checks
    check_mcp_settings()
    index_dir = repository_index(kb_dir, index_dir)
    check_engine_inputs(kb_dir, index_dir, model)
    from recur.cli.startup import open_engine
    from recur.kb.loader import severity_keys
    from recur.serve.mcp_server import build_server
    from recur.serve.mcp_stdio import holder_engine, run_stdio
    from recur.serve.runtime import EngineHolder, IndexChange

    holder = EngineHolder(
        lambda: open_engine(kb_dir, index_dir, model),
        retry_when=IndexChange(index_dir),  # as serve: any file of it, not the manifest only
        prepare=_preload,  # as serve's: every module a tool can need, imported before the model loads
    )
    site_url, pages = _pages(kb_dir, site_url, site_dir)
    stderr, stopped, stopping = _whole_lines(), [], threading.Event()  # stopping: set by run_stdio on a signal
    try:  # from here: severity_keys or build_server raising left stderr wrapped and the engine's thread running
        holder.start()
        # record_incident's schema names them (the KB's severity.yml, read at start)
        severities = severity_keys(kb_dir) if allow_writes else None
        # the answers say the staleness the holder's own check found (the look it logs), not a second walk of the KB
        # made by the MCP side on a clock of its own, as under `recur serve`
        server = build_server(
            holder_engine(holder, stopping=stopping),
            allow_writes=allow_writes,
            site_url=site_url,
            severities=severities,
            stale_files=lambda: holder.kb_changed,
            kb_files=lambda: holder.kb_files,  # the KB past_incidents reads kept until that look sees it change
            served_by="recur mcp",
            kb_dir=kb_dir,  # problem_report and get_incident read it while the model loads, and after a failed load
            engine_now=holder_engine(holder, wait=0),  # get_incident tells a pattern's id by the index once loaded
        )
        writes = "record_incident enabled" if allow_writes else "read-only"
        click.echo(f"Recur MCP server on stdio ({writes}{pages}). Loading the model and index...", err=True)
        stopped = _stop_by_sigterm()  # until the event loop receives the signals itself (mcp_stdio._stop_on_signal)
        _acted_on(run_stdio(server, stopping), stopped)
    except KeyboardInterrupt:  # Ctrl-C: main() says "Interrupted." and exits 130
        if not stopped:
            raise
    finally:
        holder.stop()
        sys.stderr = stderr
    if stopped:
        _end_by(signal.SIGTERM)


def _preload():
    """serve/preload.py's, as `recur serve`'s: an assistant's stdio server runs as long as its editor, days, and an
    upgrade under it was read into it (problem_report and record_incident failed with an ImportError)."""
    from recur.serve.preload import preload

    preload("recur mcp")


def _pages(kb_dir, site_url, site_dir):
    """The URL answers link pages at, and how the start line says it."""
    if site_url is not None:
        return site_url, f", pages at {site_url}"
    # found: a team that set mkdocs.yml's site_url got links on /mcp, none on stdio
    from recur.kb.site_record import built_site_url

    site_url = built_site_url(repository_site(kb_dir, site_dir))
    return site_url, (f", pages at {site_url} (the built site's)" if site_url else "")


def _whole_lines():
    """stderr as whole lines (util/lines.py) while the server runs: the engine's thread, the SDK's warnings and
    the main thread write at once, and ``print``'s newline, written apart, let another line in ("Ready: 3 patterns,
    model ….warning: dropped …", seen in CI). The stream it replaces is returned, to be put back."""
    from recur.util.lines import WholeLines

    stderr, sys.stderr = sys.stderr, WholeLines(sys.stderr)
    return stderr


def _stop_by_sigterm() -> list:
    """SIGTERM stops the server as Ctrl-C does (main()'s handler), and the list returned is then not empty: the
    process ends by the signal (exit status 143 in a shell), as `recur serve` does and as a client or service
    manager that sent it expects, not with Ctrl-C's 130 (found in an operator's review)."""
    stopped: list = []

    def on_term(signum, frame):
        stopped.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    return stopped


def _acted_on(signum: int | None, stopped: list) -> None:
    """The signal that stopped the server (run_stdio returns it once its event loop has ended), acted on as the
    handlers did: SIGTERM noted in ``stopped`` (the process then ends by it), Ctrl-C raised as KeyboardInterrupt
    (main() says "Interrupted." and exits 130)."""
    if signum == signal.SIGTERM:
        stopped.append(signum)
    elif signum is not None:
        raise KeyboardInterrupt


def _end_by(signum: int) -> None:
    """End the process by ``signum``, its default action, once what it prints is flushed."""
    sys.stdout.flush()
    sys.stderr.flush()
    end_by(signum)  # 128+signum itself as PID 1 (a container without init), where the kernel drops the signal


def repository_site(kb_dir, site_dir) -> Path:
    """The built site ``--site`` names: as given, or, left at its default (``site``, relative to the current
    folder), the KB repository's ``site/`` (beside the KB folder, where `recur init` lays out mkdocs.yml and
    `recur site` builds) when that holds a built site. Desktop clients start `recur mcp` from ``/``, so the
    documented config (``--kb /srv/recur/kb``) looked for ``/site`` and its answers never linked a page (found in
    an MCP integrator's review). A default with no built site beside the KB is the current folder's, as before."""
    from recur import config
    from recur.kb.site_record import read_site_record

    given = Path(site_dir)
    if given != Path(config.default("site")) or given.is_absolute():
        return given
    beside = Path(kb_dir).resolve().parent / given
    return beside if (beside / "index.html").is_file() or read_site_record(beside) is not None else given
