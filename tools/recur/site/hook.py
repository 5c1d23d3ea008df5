"""The mkdocs side: the events the ``recur`` plugin (site/plugin.py) hands on, kept apart so they are testable.

``mkdocs build`` / ``mkdocs serve`` from the repo root: ``on_config`` generates the pages for the KB
(``RECUR_KB``, else ``kb/`` next to mkdocs.yml) into ``.recur/site-src`` and points ``docs_dir`` at
it; ``on_serve`` watches the KB (and site_config/) instead of the generated tree, so editing a
pattern rebuilds the site. ``recur site`` generates the tree itself and says so (``BuildState.pregenerated``).
What one build's events share is a ``BuildState`` the plugin holds (mkdocs makes a plugin per build) and makes
afresh in on_config; ``recur site`` (recur.site.build) hands the plugin its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from recur import config as settings  # `config` is mkdocs' config object in this module
from recur.site.pattern_pages import SEARCH_BOOST
from recur.util.errors import RecurError
from recur.util.text import plural

log = logging.getLogger("mkdocs.plugins.recur")

@dataclass(frozen=True)
class GeneratedTree:
    """What ``prepare`` generated: the tree's files (``written`` of them changed), the site's own pages
    (``own_pages``, mkdocs.yml's docs_dir) and those of their files copied into the tree (``own``), the KB's
    record counts and the KB files the pages were made from (for the site's marker). Named apart from
    retrieval.query's and ingest.pm_markup's ``Prepared``; what was shadowed or a readme is logged by
    ``prepare``, not kept (no reader)."""

    files: int
    written: int
    own_pages: Path | None
    own: frozenset[str]
    patterns: int
    incidents: int
    paths: int
    kb_files: dict | None  # recur.kb.loader.files_signature as the KB was read
    kb_content: str | None  # recur.kb.loader.content_digest of those files
    site_content: str | None = None  # content_digest of loader.site_files_signature: the paths and images too
    notes: tuple[str, ...] = ()  # an own page in place of a generated one (generate's "yielded"), said, not warned


@dataclass
class BuildState:
    """What one site build's mkdocs events share, made afresh for each build: a module-level dict kept the
    last build's (``mkdocs serve`` rebuilds in one process), so a build whose mkdocs.yml names no ``kb:``
    looked for the KB the previous build's option named."""

    pregenerated: bool = False  # recur site generated the tree before mkdocs ran, and writes the marker itself
    kb: str | None = None  # the plugin's kb: option (relative to mkdocs.yml); RECUR_KB wins (``kb_dir``)
    file_search: bool | None = None  # recur site --[no-]file-search (None: the file_search setting)
    made: GeneratedTree | None = None  # this build's ``prepare``

    @property
    def own_files(self) -> frozenset[str]:
        """The site's own files copied into the generated tree (paths in the tree)."""
        return self.made.own if self.made else frozenset()

    @property
    def own_pages(self) -> Path | None:
        """The site's own pages (the docs_dir mkdocs.yml names, before on_config points it at the tree)."""
        return self.made.own_pages if self.made else None


def config_dir(config) -> Path:
    return Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()


def kb_dir(config, kb: str | None = None) -> Path:
    """RECUR_KB, else ``kb`` (the ``recur`` plugin's ``kb:`` option, relative to mkdocs.yml), else kb/ beside it."""
    env = settings.given("kb")
    if env:
        return Path(env).resolve()
    return (config_dir(config) / (kb or "kb")).resolve()


def file_search(wanted: bool | None = None) -> bool:
    """Whether this build makes the header search work from file:// (``recur.site.file_search``):
    ``wanted`` (recur site's --[no-]file-search), else the file_search setting (RECUR_FILE_SEARCH, off)."""
    return bool(settings.get("file_search") if wanted is None else wanted)


def english_search(config, warn: bool = True) -> bool:
    """Whether the site search is English only (material's default, the theme's language): the one search
    recur.site.file_search can start from file://. Said when it is not (``warn``), so --file-search is not
    lost unsaid."""
    langs = [str(config.theme.get("language") or "en")]
    for name, plugin in config.plugins.items():
        if name.endswith("search") and plugin.config.get("lang"):
            langs = [str(lang) for lang in plugin.config["lang"]]
    if set(langs) == {"en"} or not warn:
        return set(langs) == {"en"}
    log.warning(f"recur: file search left out: the site search's languages are {langs}; from file:// only "
                f"English works, so opened from disk the header search says it needs http(s)")
    return False


def edit_base(config=None, explicit: str | None = None) -> str | None:
    """The "edit this page" base URL: explicit (--edit-url), env RECUR_EDIT_URL, else mkdocs.yml
    extra.recur.edit_url; each checked by ``require_http_url``, an error naming where it came from."""
    from recur.util.text import require_http_url

    value = None
    if explicit:
        value = require_http_url(explicit, "--edit-url")
    elif env := settings.given("edit_url"):
        value = require_http_url(env, settings.env("edit_url"))
    elif config is not None:
        value = _configured_edit_url(config)
    if value and not value.endswith("/"):
        value += "/"
    return value or None


def _configured_edit_url(config) -> str | None:
    """mkdocs.yml's extra.recur.edit_url; a value of another shape is an error naming the field."""
    where = f"{config.config_file_path or 'mkdocs.yml'}: extra.recur"
    ours = (config.extra or {}).get("recur")
    if ours is None:
        return None
    if not isinstance(ours, dict):
        raise RecurError(f"{where}: must be a mapping (edit_url: URL), not {type(ours).__name__} {ours!r}")
    value = ours.get("edit_url")
    if value is not None and not isinstance(value, str):
        raise RecurError(f"{where}.edit_url: must be a URL (text), not {type(value).__name__} {value!r}")
    from recur.util.text import require_http_url

    # checked as --edit-url is: "javascript:…" or no scheme made every edit link
    return require_http_url(value, f"{where}.edit_url") if value else None


def index_dir(config) -> Path:
    """RECUR_INDEX, else the index setting's default (.recur/index) beside mkdocs.yml."""
    env = settings.given("index")
    return Path(env).resolve() if env else config_dir(config) / settings.default("index")


def lookalikes_for(kb, index_path):
    """Look-alike patterns ({id: [{id, title, similarity, co_incidents, by}]}) from recur.retrieval.lookalikes and the
    search index, when both exist and the index is fresh for this KB; else None (the section is skipped).

    Never loads the model: the index's stored vectors are enough.
    """
    from recur.retrieval.index import is_fresh, load, rebuild_command
    from recur.retrieval.lookalikes import look_alikes

    if index_path is None or not Path(index_path).is_dir():
        return None
    try:
        if not is_fresh(index_path, kb.root):
            run = rebuild_command(index_path, kb_dir=kb.root)
            log.info(f"recur: look-alikes skipped: the index {index_path} is not up to date (run: {run})")
            return None
        return look_alikes(load(index_path), top=3)
    except Exception as exc:  # an optional section must not break the site, but must not vanish unsaid:
        # at info (not shown by `recur site`) a damaged index removed it from every page in silence
        log.warning(f"recur: look-alikes left out of the pattern pages: {type(exc).__name__}: {exc}")
        return None


def _names(paths: list, most: int = 5) -> str:
    return ", ".join(paths[:most]) + (f" and {len(paths) - most} more" if len(paths) > most else "")


def problems_warning(kb, kb_path, cross: list) -> str | None:
    """The one warning for a KB with errors (``cross``: ``kb.check.cross_checks``), or None. As recur check
    fails on every error, so does recur site --strict (the warning). It said "files with errors are
    left out of the site" of them all, and a path naming a missing pattern, an error across files,
    was built as an ordinary page: it names the files left out (``left_out_problems``, what recur
    report and recur index leave out too) apart from the errors in files the site still shows."""
    from recur.kb.check import left_out_problems

    left = left_out_problems(kb)
    out = {p.path for p in left}
    others = [p for p in kb.errors + [c for c in cross if c.is_error] if p.path not in out]
    if not left and not others:
        return None
    parts = []
    if left:
        parts.append(f"{plural(len(left), 'file')} with errors left out of the site: {_names([p.path for p in left])}")
    if others:
        files = sorted({p.path for p in others})
        # what a missing id does to the pages, said only of a missing id (not of a cycle of superseded_by)
        missing = any(p.message.startswith("no pattern has id") for p in others)
        kept = "a file kept as it is" if len(files) == 1 else "files kept as they are"  # named in the brackets
        parts.append(f"{plural(len(others), 'other error')}, in {kept} ({_names(files)})" + (
            ": a pattern id no file has is shown as text, not a link, and a path's step naming it is marked missing"
            if missing else ""))
    first = sorted(left + others, key=lambda p: p.sort_key())[0]
    return f"recur: KB errors in {kb_path} (run: recur check --kb {kb_path}): {'; '.join(parts)}. First: {first}"


def own_scripts(config) -> frozenset:
    """The scripts mkdocs.yml's extra_javascript names, as paths in its docs_dir (the site's own pages):
    the only scripts that folder may hold (``recur.site.generate._refused_own_files``). A URL is no file there."""
    import posixpath

    names = (str(getattr(s, "path", s)) for s in (config.extra_javascript or ()))
    return frozenset(posixpath.normpath(n) for n in names if n and "://" not in n and not n.startswith("/"))


def own_base(config) -> Path:
    """The folder of mkdocs.yml as mkdocs joined docs_dir to it (not resolved: a symlink between the two
    is what ``recur.site.generate._own_folder_checked`` looks for)."""
    import os

    return Path(os.path.abspath(os.path.dirname(config.config_file_path or "mkdocs.yml")))


def prepare(kb_path, src_dir, *, as_of: dt.date, edit_url: str | None = None, index_path=None,
            model_dir=None, extra_dir=None, extra_scripts=frozenset(), extra_base=None,
            file_search: bool = False) -> GeneratedTree:
    """Load the KB, compute the board and write the Markdown tree into ``src_dir``; returns what it made.

    ``model_dir``: the tuned model folder whose report the Retrieval model page shows (default: the
    KB's active tuned model, else its newest rejected candidate). ``extra_dir``: the site's own
    pages (mkdocs.yml's docs_dir), copied in beside the generated ones; ``extra_scripts``: ``own_scripts``;
    ``extra_base``: the folder of that mkdocs.yml, which the own pages must be inside. ``file_search``: the
    build makes the header search work from file:// (what the home page says of a site opened from disk)."""
    from recur.kb.check import cross_checks
    from recur.kb.loader import content_digest, display_path, load_kb, site_files_signature
    from recur.problems.board import report_board
    from recur.site.generate import generate
    from recur.site.model_page import find_model

    # before the KB is read: a file changed while it is makes the record older than the pages, never newer
    site_content = content_digest(Path(kb_path), site_files_signature(Path(kb_path)))
    kb = load_kb(kb_path)
    warning = problems_warning(kb, kb_path, cross_checks(kb))
    if warning:
        log.warning(warning)
    # with left_out and unread, as recur report gives it: the board page says what it could not count, each
    # file by its path in the KB (a published page and board.json name no path of the build machine)
    b = report_board(kb, as_of)
    stats = generate(kb, src_dir, as_of=as_of, board=b, lookalikes=lookalikes_for(kb, index_path),
                     edit_base=edit_url, model=find_model(kb_path, model_dir), extra_dir=extra_dir,
                     extra_scripts=extra_scripts, extra_base=extra_base, file_search=file_search)
    for rel in stats["shadowed"]:
        log.warning(f"recur: {Path(extra_dir) / rel}: the site generates a page of its own there, so this file is "
                    f"left out; rename it (and link it from your nav or another page)")
    for rel, kept in stats["twins"].items():  # mkdocs' own warning named no rule; the site linked the one it dropped
        log.warning(f"recur: {Path(extra_dir) / rel}: the same page as {Path(extra_dir) / kept} "
                    f"({PurePosixPath(kept).with_suffix('.html')}), which the site keeps, so this file is left out; "
                    f"remove or rename one of the two")
    # not a warning (which fails --strict): the team's page is kept and nothing is broken
    notes = tuple(f"{display_path(Path(extra_dir) / rel)}: your own page is the site's {Path(rel).stem} (in the navigation, "
                  "linked from the home page, the onboarding paths and the describe box), in place of the one Recur "
                  "generates (what the site's words mean: confidence, no known pattern, needs analysis ...); to have "
                  "both, rename yours (and link it from your nav or another page)" for rel in stats["yielded"])
    for note in notes:
        log.info(f"recur: {note}")
    for rel in stats["readmes"]:  # not a warning: a folder's readme is for the repository, not the site
        log.info(f"recur: {Path(extra_dir) / rel}: the folder's readme, left out of the site (it has an index page)")
    # own_pages: for messages naming an own page (recur site does not run on_config); kb_files, kb_content: the
    # KB files the pages were made from (taken before they were read), for the site's marker
    return GeneratedTree(files=stats["files"], written=stats["written"],
                         own_pages=Path(extra_dir) if extra_dir else None, own=frozenset(stats["own"]),
                         patterns=len(kb.patterns), incidents=len(kb.incidents), paths=len(kb.paths),
                         kb_files=kb.signature, kb_content=kb.content, site_content=site_content, notes=notes)


def src_dir(config, kb: Path) -> Path:
    """Where mkdocs build/serve generate the pages: RECUR_SITE_SRC, else .recur/site-src (one per KB)."""
    env = settings.get("site_src")
    if env:
        return Path(env).resolve()
    base = config_dir(config) / settings.STATE_DIR
    if kb == config_dir(config) / "kb":
        return base / "site-src"
    import hashlib

    return base / f"site-src-{hashlib.sha1(str(kb).encode()).hexdigest()[:10]}"


def on_config(build: BuildState, config):
    """Generate the tree for mkdocs build / serve into ``build`` (not for recur site, which did)."""
    if build.pregenerated:
        return config
    kb = kb_dir(config, build.kb)
    src = src_dir(config, kb)
    try:
        build.made = prepare(kb, src, as_of=settings.as_of(), edit_url=edit_base(config), index_path=index_dir(config),
                        extra_dir=config.docs_dir, extra_scripts=own_scripts(config), extra_base=own_base(config),
                        file_search=bool(config.extra.get("recur_file_search")))  # the plugin set it just before
    except RecurError as exc:  # mkdocs' one-line "Error: ..." and exit 1, as for its own config errors
        from mkdocs.exceptions import PluginError

        raise PluginError(f"recur: {exc}") from None
    log.info(f"recur: generated {build.made.files} files from {kb} ({build.made.written} changed) into {src}")
    config.docs_dir = str(src)
    return config


def on_serve(build: BuildState, server, config):
    # the generated tree changes on every KB edit; watching it too would rebuild twice
    with contextlib.suppress(Exception):  # not watched (yet): nothing to undo
        server.unwatch(config.docs_dir)
    server.watch(str(kb_dir(config, build.kb)))
    # the site's own pages (copied into the generated tree) and, in Recur's own checkout, site_config/;
    # a KB repository from `recur init` has no site_config/, and watching a missing folder kills mkdocs serve
    for folder in (build.own_pages, config_dir(config) / "site_config"):
        if folder and Path(folder).is_dir():
            server.watch(str(folder))
    return server


_RAW = re.compile(r"^<!-- recur:html -->\n(.*?)\n<!-- /recur:html -->$", re.S | re.M)
_SLOT = re.compile(r"<!--recur-slot:(\d+)-->")


def on_page_markdown(build: BuildState, markdown, page):
    # a generated page's edit link points at its KB file (front matter from the generator), never at the
    # generated page; the site's own pages (from its docs_dir) keep the link mkdocs made from repo_url
    if page.file.src_uri not in build.own_files:
        page.edit_url = page.meta.get("recur_edit_url")
    else:
        page.meta = _inert_meta(page.meta, build.own_pages, page.file.src_uri)
    # pre-rendered HTML blocks (md.raw) skip Markdown, mkdocs' HTML scan and the search plugin:
    # a one-token placeholder goes through instead and on_post_page puts the block back. Only in a generated
    # page: an own page's "<!-- recur:html -->" lines skipped the sanitiser too, and its <img onerror> was
    # published as written (found in a security review)
    blocks: list = []
    page.recur_blocks = blocks
    if page.file.src_uri in build.own_files:
        return markdown

    def lift(match):
        blocks.append(match.group(1))
        return f"<!--recur-slot:{len(blocks) - 1}-->"

    return _RAW.sub(lift, markdown)


def _inert_meta(meta: dict, own_pages: Path | None, rel: str) -> dict:
    """An own page's front matter, its text escaped as a generated page's title is (md.front_matter): the theme
    writes ``title``, ``subtitle``, ``description``, ``author`` and ``status`` into every page's HTML as they are
    (mkdocs-material's templates, no autoescape), so ``title: "<img src=x onerror=...>"`` ran script in the
    navigation of every page of a site on a static host, and ``description: '"><script>...'`` broke out of its
    ``<meta>`` (found in a security review). ``title`` is HTML text to the theme (it escapes it itself in an
    attribute): ``<``, ``>`` and ``&``; any other value also its quotes. A ``location`` (the theme's redirect
    template's target) of a scheme other than http(s) is left out, with a warning: ``javascript:`` ran there; the
    page is then an ordinary page. A ``location`` kept is written as ``_redirect_target`` makes it."""
    import html

    def escaped(value, quote: bool = True):
        if isinstance(value, str):
            return html.escape(value, quote=quote)
        if isinstance(value, list):
            return [escaped(v) for v in value]
        if isinstance(value, dict):
            return {k: escaped(v) for k, v in value.items()}
        return value

    out = {k: escaped(v, quote=k != "title") for k, v in meta.items()}
    location = meta.get("location")
    if isinstance(location, str) and (target := _redirect_target(location)) is not None:
        out["location"] = target
    elif isinstance(location, str):
        out.pop("location")
        if out.get("template") == "redirect.html":  # with no location it reloads itself without end
            out.pop("template")
        where = own_pages / rel if own_pages else Path(rel)
        log.warning(f"recur: {where}: location {location[:80]!r} left out: the site redirects only to a page of its "
                    "own or an http(s) address")
    return out


# what a browser's URL parser takes out of a URL before it reads the scheme (the WHATWG URL standard): leading
# and trailing C0 controls and spaces, and every tab and newline: "java\tscript:" and "\x01javascript:" passed a
# check of the text as written, and the redirect template ran them (found in the re-read of the fix)
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _redirect_target(location: str) -> str | None:
    """``location`` (an own page's front matter, the theme's redirect template's target) as that template may write
    it, or None when it leads elsewhere than an http(s) address or a page of the site (or is empty): its scheme
    read as a browser reads it. The template writes it into a ``<script>`` string and a ``<meta>`` refresh: HTML-escaped, an
    address with a query (``?space=OPS&page=Runbook``) redirected to ``&amp;page=``, so it is percent-encoded
    instead, as a browser would (a quote, ``<``, ``\\``, a space or a letter outside ASCII), ``&`` kept."""
    from urllib.parse import quote

    url = _URL_IGNORED.sub("", location).strip(_URL_EDGES)
    scheme = _SCHEME.match(url)
    if not url or (scheme and scheme.group(1).lower() not in ("http", "https")):
        return None  # an empty one reloaded the page itself without end
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~")


def on_page_content(build: BuildState, html, page):
    # pattern and incident pages carry KB Markdown: what Markdown made of it is rebuilt from an
    # allow-list (recur.site.inert), so no KB text runs script on a static host with no CSP. The site's
    # own pages (its docs_dir) too: they arrive in pull requests as KB files do, and an own page's
    # <script src="x.js"> with x.js beside it ran even under recur serve's CSP (script-src 'self')
    own = page.file.src_uri in build.own_files
    if own or page.meta.get("recur_kind") in ("pattern", "incident") or (
        page.file.src_uri.startswith(("patterns/", "incidents/"))  # if its front matter was lost
    ):
        from recur.site.inert import inert_html

        _renamed_toc(page.toc)
        clean = inert_html(html, own=own)
        if own:
            _say_removed(build.own_pages, page.file.src_uri, html, clean)
        return clean
    return html


def _say_removed(own_pages: Path | None, rel: str, before: str, after: str) -> None:
    """A warning naming an own page that lost elements to the sanitiser: raw HTML, or what an extension
    the maintainers turned on writes (pymdownx.emoji's SVG icons), vanished from the page without a word."""
    from recur.site.inert import removed_elements

    removed = removed_elements(before, after)
    if removed:
        where = own_pages / rel if own_pages else Path(rel)
        tags = ", ".join(f"<{tag}>" + (f" ({n})" if n > 1 else "") for tag, n in sorted(removed.items()))
        log.warning(f"recur: {where}: the site removed {tags} from this page: it publishes no script, SVG, "
                    "form or other HTML outside its allow-list (the HTML Markdown writes), raw or written by an extension "
                    "(for icons, pymdownx.emoji's to_png or Markdown images)")


def _renamed_toc(items) -> None:
    """The page's TOC (the theme's sidebar, the search plugin's sections) leads to the ids inert_html
    renames (recur.kb.anchors.site_id): a reserved heading's entry led to an id the page no longer had."""
    from recur.kb.anchors import site_id

    for item in items or ():
        item.id = site_id(item.id)
        _renamed_toc(getattr(item, "children", ()))


def on_page_context(page, config) -> None:
    """Add a pattern page's header card words (front matter ``recur_card``: pattern_pages.card_words) to its
    own entry in the site search, and its id and symptoms (``recur_id``, ``recur_symptoms``) as fields of that
    entry (SEARCH_FIELDS). The card is a pre-rendered block lifted past Markdown and the search plugin
    (on_page_markdown, for build speed) and put back by on_post_page, after mkdocs-material's search collected
    the page in its on_page_context: "sev1", a service name or a tag found no pattern. Run after that search
    event (the plugin's priority), on the entries it just made: the card stays unparsed, and the page holds
    no hidden copy of its words. An incident page is made one entry (_one_entry)."""
    if page.meta.get("recur_kind") in ONE_ENTRY_KINDS:
        _one_entry(page, config)
    if page.meta.get("recur_kind") == "pattern":
        _fold_box_entry(page, config)
    words = page.meta.get("recur_card")
    if not isinstance(words, str) or not words.strip() or (page.meta.get("search") or {}).get("exclude"):
        return
    index = _search_index(config)
    if index is None:
        return
    import html

    entry = _own_entry(index, page)
    text = html.escape(words.strip(), quote=False)  # as the search plugin escapes the text it collects
    entry["text"] = f"{text} {entry.get('text') or ''}".strip()
    fields = {"recur_id": page.meta.get("recur_id"), "recur_symptoms": page.meta.get("recur_symptoms")}
    for name, value in fields.items():
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        values = [html.escape(str(v), quote=False) for v in values if isinstance(v, str | int | float) and str(v)]
        if values:  # the search's tokenizer reads markup in a field: escaped, as the text is
            entry[name] = values


def _own_entry(index, page) -> dict:
    """The page's own entry in the search index (its title and what precedes its first section), or a new one
    made as the search plugin makes them when it has none (its first section excluded)."""
    for entry in reversed(index.entries):  # this page's entries are the last ones added
        if entry.get("location") == page.url:
            return entry
        if not str(entry.get("location", "")).startswith(page.url + "#"):
            break
    entry = {"location": page.url, "title": str(page.meta.get("title", page.title)), "text": ""}
    if "boost" in (page.meta.get("search") or {}):
        entry["boost"] = page.meta["search"]["boost"]
    index.entries.append(entry)
    return entry


# Pages the site search holds as one entry, their title and summary: an incident's every section was its own
# entry, 13,573 of them at 2,000 patterns (4.5 of search_index.json's 11.6 MB), which the header search
# rebuilds its index from on every page it opens (3.7 s of CPU a page there)
ONE_ENTRY_KINDS = {"incident"}
INCIDENT_BOOST = 0.5  # the one entry's weight in the site search (mkdocs-material's boost; a pattern page's is 3)


# Fields of the site search (mkdocs-material's lunr) beside its own (title 1000x, text 1x, tags 1e6x). A new
# hire searching "disk full" or "disk-full" (the id the CLI prints) found the disk-full pattern 5th, under pages
# whose titles held one of the words ("Disk failure leaves RAID degraded", "Connection tracking table full"): a
# title word counts 1000x a word of the text, where the symptoms were, and the id was not searched at all. A
# pattern page's own entry now holds its id and its symptoms, weighed as its title: on the starter KB, a
# pattern's id typed finds it first 60 of 60 times (54 before), one of its symptoms 294 of 302 (66 before). An
# incident's own entry holds its title once more: at the incident's weight (INCIDENT_BOOST, a sixth of a
# pattern's), its title's words lost to a pattern's symptoms holding some of them (an incident's title typed
# found it first 3 of 45 times with the symptoms alone; 39 before; 44 with this, its title then weighing as a
# pattern's). The box (recur-suggest.js) reads title and text only: its ranking is unchanged. Set by the
# plugin unless mkdocs.yml's `search: fields:` names them.
TITLE_WEIGHT = 1000.0  # mkdocs-material's own for a title
SEARCH_FIELDS = {
    "recur_id": {"boost": TITLE_WEIGHT},
    "recur_symptoms": {"boost": TITLE_WEIGHT},
    "recur_title": {"boost": TITLE_WEIGHT * (SEARCH_BOOST / INCIDENT_BOOST - 1)},  # with the title: a pattern's
}


def _one_entry(page, config) -> None:
    """The page's entries in the search index (the search plugin's, just made) as one: its title, and as text
    the text of its own top and of its Summary section. Its timeline, follow-ups and other sections are not
    searched: the page is found by its title and summary words."""
    index = _search_index(config)
    if index is None or (page.meta.get("search") or {}).get("exclude"):
        return
    n = len(index.entries)
    while n and str(index.entries[n - 1].get("location", "")).startswith(page.url + "#"):
        n -= 1  # this page's section entries are the last ones added, after its own
    if not n or index.entries[n - 1].get("location") != page.url:
        return  # no entry of the page's own (its top excluded): its sections are left as the plugin made them
    top, sections = index.entries[n - 1], index.entries[n:]
    summary = next((e.get("text") or "" for e in sections if e.get("title") == "Summary"), "")
    top["text"] = f"{top.get('text') or ''} {summary}".strip()
    # one entry now holds what two matched apart (its top's date "2026-04-12" answers the "1*" of "HikariPool-1",
    # its summary the "hikaripool"), so it outscored the pattern listing the signal (pattern_pages.SEARCH_BOOST):
    # half weight puts the pattern first again; a word of its title (weighted 1000x) still finds the incident
    top["boost"] = INCIDENT_BOOST
    top["recur_title"] = [top.get("title") or ""]  # its title weighed as a pattern's title is (SEARCH_FIELDS)
    del index.entries[n:]


# The anchor of a pattern page's "Evidence to preserve" box (pattern_pages.EVIDENCE_HEADING): a heading, so the
# search plugin made the box an entry of its own, titled by the heading, on every pattern page. Its title's words
# (weighed 1000x) answered "restore" with 60 boxes above operator-deleted-data, and added one entry a pattern
# (+17% of the index at 1,000 patterns). Its title and text go back into the entry before it (the box's words
# counted as text, as when its title was a paragraph).
BOX_ANCHOR = "evidence-to-preserve"


def _fold_box_entry(page, config) -> None:
    """The search entry of a pattern page's evidence box folded into the entry before it (BOX_ANCHOR)."""
    index = _search_index(config)
    if index is None:
        return
    n = len(index.entries)
    while n and str(index.entries[n - 1].get("location", "")).startswith(page.url + "#"):
        n -= 1  # this page's section entries are the last ones added, after its own
        if index.entries[n].get("location") == f"{page.url}#{BOX_ANCHOR}":
            break
    else:
        return  # no box on this page
    before = index.entries[n - 1] if n else None
    if before is None or str(before.get("location", "")).split("#")[0] != page.url:
        return  # the box is the page's first entry: nothing of the page's to fold it into
    box = index.entries.pop(n)
    words = " ".join(w for w in (box.get("title"), box.get("text")) if w)
    before["text"] = f"{before.get('text') or ''} {words}".strip()


def _search_index(config):
    """mkdocs-material's search index being built (its plugin's ``search_index``, a list of ``entries``), or
    None: no search plugin (its page is then excluded, search: exclude) or one of another shape."""
    for name, plugin in config.plugins.items():
        index = getattr(plugin, "search_index", None)
        if name.endswith("search") and isinstance(getattr(index, "entries", None), list):
            search = getattr(plugin, "config", None)
            return index if search is None or search.get("enabled", True) else None
    return None


_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.S | re.I)
_WS = re.compile(r"[ \t\r]*\n\s*")


def compact_html(html: str) -> str:
    """Collapse whitespace runs that contain a newline into one newline, outside pre/textarea/script/style.

    Rendering is unchanged (outside those elements a newline is whitespace like any other), and the
    theme's indentation is about a quarter of every page: at thousands of pages that is most of the
    size budget.
    """
    parts = _KEEP.split(html)
    out = []
    for n, part in enumerate(parts):
        kind = n % 3
        if kind == 0:
            out.append(_WS.sub("\n", part))
        elif kind == 1:
            out.append(part)
    return "".join(out)


def on_post_page(output, page):
    blocks = getattr(page, "recur_blocks", None)
    if blocks:
        output = _SLOT.sub(lambda m: blocks[int(m.group(1))], output)
    return compact_html(output)


def on_post_build(build: BuildState, config):
    """With file search on, write its scripts (``recur.site.file_search``). Mark site_dir as a site Recur
    built (what `recur site` writes too), so `recur site --out` replaces a site/ that `mkdocs build` made
    instead of refusing it as someone else's folder."""
    from recur.kb.site_record import SITE_MARKER, site_marker

    if (config.extra or {}).get("recur_file_search"):
        from recur.site.file_search import write_file_search

        write_file_search(Path(config.site_dir))
    if not build.pregenerated:
        made_by, made = "mkdocs with the recur plugin", build.made
        kb_files, kb_content, site = (made.kb_files, made.kb_content, made.site_content) if made else (None,) * 3
        marker = site_marker(made_by, kb_files, kb_content, config.site_url or None, site)
        (Path(config.site_dir) / SITE_MARKER).write_text(marker)
