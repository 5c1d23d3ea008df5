"""``recur site``: build the KB into a static mkdocs-material site."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click

from recur import config
from recur.cli.options import TODAY_DATE, http_url, index_option, kb_option, setting


@click.command("site")
@kb_option
@index_option
@click.option(
    "--out",
    "out_dir",
    **setting("site"),
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where the built site goes (replaced atomically; env RECUR_SITE).",
)
@click.option(
    "--config",
    "config_file",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="mkdocs config. Default: ./mkdocs.yml (or ./mkdocs.yaml), else Recur's packaged defaults.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    type=TODAY_DATE,
    metavar="YYYY-MM-DD",
    help="Date the problem board is computed for (env RECUR_AS_OF). Default: today.",
)
@click.option(
    "--edit-url",
    "edit_url",
    **setting("edit_url"),
    metavar="URL",
    callback=http_url,
    help="Base URL (http:// or https://) for 'edit this page' links; the record's KB path is appended (env RECUR_EDIT_URL; "
    "default: mkdocs.yml extra.recur.edit_url; unset: the page names the file).",
)
@click.option(
    "--site-url",
    "site_url",
    **setting("site_url"),
    metavar="URL",
    callback=http_url,
    help="The URL the site is published at (mkdocs' site_url; env RECUR_SITE_URL; default: mkdocs.yml's). "
    "The 404 page, shown at any depth, links from its path: without it, from the host's root, which "
    "a site under a sub-path (https://host/recur/) on a static host is not.",
)
@click.option(
    "--model-dir",
    "model_dir",
    default=None,
    type=click.Path(file_okay=False, exists=True),
    help="Tuned model folder whose report.json the Retrieval model page shows "
    "(default: the KB's active tuned model, else its newest rejected candidate).",
)
@click.option(
    "--browser-search/--no-browser-search",
    "browser_search",
    default=None,
    help="Write the in-browser search bundle (the KB's model as int8 ONNX, the index, the runtime: "
    "about 30 MB, loaded only when the box is used), so the box suggests patterns on a static "
    "host. Default: on (env RECUR_BROWSER_SEARCH=off leaves it out).",
)
@click.option(
    "--file-search/--no-file-search",
    "file_search",
    default=None,
    help="Make the header search work when the site is opened from disk (file://, a file share): writes the "
    "search index again as a script and a shim that starts mkdocs-material's search worker from it (nothing "
    "is downloaded). The site grows by the index's size, about 7% (measured: 1.07x for the starter KB, 1.08x at 1,000 patterns and 1,000 incidents, without the browser bundle). Default: off (env RECUR_FILE_SEARCH=on); "
    "without it, opened from disk, the header search and the describe box say they need the site served "
    "over http(s).",
)
@click.option("--strict", is_flag=True, help="Fail on any mkdocs warning (as mkdocs build --strict).")
@click.option(
    "--check",
    is_flag=True,
    help="Build nothing: say whether the site in --out was built from the KB in --kb as it is now, by this recur "
    "(exit 0), or is behind it, built by another recur, or not there (exit 1, with the command that rebuilds it). "
    "For a site a plain web host serves, where nothing else says it is stale (recur serve's /healthz site_stale).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No summary line, nor what is done to the index first (errors and warnings still print).",
)
def site(
    kb_dir,
    index_dir,
    out_dir,
    config_file,
    as_of,
    edit_url,
    site_url,
    model_dir,
    browser_search,
    file_search,
    strict,
    check,
    quiet,
):
    """Build the knowledge base into a static site (mkdocs-material) in --out.

    \b
    Pattern pages with header card, runbook and evidence; incident pages; indexes by category,
    service, tag and severity; onboarding paths with a progress checklist; the problem board and
    trends; the retrieval model and what `recur tune` changed. Pattern pages list look-alikes
    when --index holds a fresh index. With browser search (the default) the index is brought up
    to date first and the "describe what you see" box ranks patterns in the reader's browser.
    Serve the folder from any web host, or with `recur serve --site DIR` (the box then uses the API).
    """
    if check:
        _check_site(kb_dir, index_dir, out_dir, quiet)
        return
    from recur.site import bundle
    from recur.site.build import build_site

    with _no_empty_folder_left(bundle.CACHE):
        built = build_site(
            kb_dir,
            out_dir,
            config_file=config_file,
            as_of=config.as_of(as_of),
            edit_url=edit_url,
            site_url=site_url,
            strict=strict,
            index_dir=index_dir,
            model_dir=model_dir,
            browser_search=browser_search,
            file_search=file_search,
            quiet=quiet,
            progress=None,  # the index's build: a bar on a terminal
        )
    _say_built(built, out_dir, quiet)
    if not quiet:
        click.echo(_view_it(kb_dir, index_dir, out_dir, file_search), err=True)


def _check_site(kb_dir, index_dir, out_dir, quiet: bool) -> None:
    """`recur site --check`: one line on how the built site in ``out_dir`` stands against the KB now (its marker's
    digest of the KB files' contents, kb.site_record), and exit 1 unless it is current. --quiet: the exit status
    alone, when current."""
    from recur import __version__
    from recur.kb.loader import display_path
    from recur.kb.site_record import SITE_MARKER, rebuild_site_command, site_against_kb

    state = site_against_kb(out_dir, kb_dir)
    site, kb, record = display_path(Path(out_dir)), display_path(Path(kb_dir)), state.record
    rebuild = rebuild_site_command(out_dir, kb_dir, index_dir)
    if record is None:
        click.echo(f"{site}: no site recur built (no {SITE_MARKER} in it): build it with {rebuild}")
        raise SystemExit(1)
    built = f"built {record.built or 'at an unknown time'}"
    if state.current:
        if not quiet:
            click.echo(f"{site}: up to date: {built} by recur {__version__} from the files {kb} holds now.")
        return
    if not state.this_recur:
        by = f"recur {record.recur_version}" if record.recur_version else "an older recur (version unknown)"
        files = " and from other KB files than " + kb + " holds now" if state.same_files is False else ""
        said = (
            f"{built} by {by} (this is recur {__version__}){files}: its pages and its search box are the old "
            "recur's until it is rebuilt"
        )
    else:
        said = (
            f"behind the knowledge base: {built} from other files than {kb} holds now; its pages and its "
            "describe box's data are the KB's as it was then until it is rebuilt"
        )
    click.echo(f"{site}: {said}: {rebuild}")
    raise SystemExit(1)


@contextlib.contextmanager
def _no_empty_folder_left(folder: Path):
    """The browser model's cache (.recur/browser-model/) is made before its export, whose work folder Ctrl-C
    (or kill, or a failed export) removes: the cache was left there empty (found in review). Made by this
    run and empty at its end: removed; rmdir removes nothing else (another build's export in it stays)."""
    made_here = not os.path.lexists(folder)
    try:
        yield
    finally:
        if made_here:
            with contextlib.suppress(OSError):  # not empty, gone, or not ours to remove: left as it is
                folder.rmdir()


def _say_built(built, out_dir, quiet: bool) -> None:
    """What the build warned of, what it left out and, unless --quiet, what it built."""
    for message in built.warnings:
        click.echo(f"warning: {message}", err=True)
    if not quiet:
        for message in built.notes:
            click.echo(f"note: {message}", err=True)
    if built.browser_skipped:
        click.echo(f"note: browser search left out: {built.browser_skipped}", err=True)
    if not quiet:
        click.echo(
            f"Built {out_dir}/: {built.pages} pages from {built.patterns} patterns, "
            f"{built.incidents} incidents, {built.paths} paths "
            f"({built.bytes / 1e6:.1f} MB, {built.seconds:.1f}s: {_indexing(built)}{built.seconds_generate:.1f}s generating, "
            f"{built.seconds_mkdocs:.1f}s mkdocs).",
            err=True,
        )
        if not built.site_url:
            click.echo(
                "note: no site URL (--site-url, env RECUR_SITE_URL, or site_url in mkdocs.yml): the 404 page links "
                "from the host's root, so a static host serving the site under a sub-path (e.g. "
                "https://docs.example.com/team-kb/) shows it unstyled with dead links; `recur serve` (--root-path) "
                "corrects it by itself.",
                err=True,
            )
        if built.browser:
            click.echo(
                f"Browser search: {built.browser.total / 1e6:.1f} MB in {out_dir}/assets/recur-browser/ "
                f"({built.browser.seconds:.1f}s).",
                err=True,
            )


def _view_it(kb_dir, index_dir, out_dir, file_search) -> str:
    """How to look at what was built: the build said where it was written, not how to open it, and opened from
    disk its search boxes do not work (found in a new-hire review). The serve command carries the run's --kb
    and --index when they are not the defaults, as every command Recur prints for copying does."""
    import shlex

    flags = config.where_flags(kb_dir, index_dir)
    on_disk = (
        "the header search works, and the describe box lists pattern pages by words alone"
        if (config.get("file_search") if file_search is None else file_search)
        else "its search boxes do not work (recur site --file-search makes the header search work there)"
    )
    where = f"{flags}--site {shlex.quote(str(out_dir))}"
    return f"View it: recur serve {where}, then open {_serve_url()}. Opened from disk, {on_disk}."


def _serve_url() -> str:
    """Where `recur serve` run now serves: RECUR_HOST and RECUR_PORT as it reads them (the line named the
    defaults whatever they were: found in a re-read); an address of every interface is opened on this host's."""
    host = str(config.get("host"))
    host = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    return f"http://{f'[{host}]' if ':' in host and not host.startswith('[') else host}:{config.get('port')}/"


def _indexing(built) -> str:
    """The summary's share of building or updating the index first (browser search), when it was: a cold
    index of 1,000 patterns took 70 of 105 s, and the summary said "69.8s generating"."""
    return f"{built.seconds_index:.1f}s building the index, " if built.seconds_index else ""
