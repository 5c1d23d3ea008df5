"""``build_site``: KB -> Markdown tree -> mkdocs -> a static site, swapped into place atomically.

The new site is built in a temp folder next to ``out`` and renamed over it only when the build
succeeded, so a failed build leaves the previous site untouched and a reader never sees half a site.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from recur import config
from recur.kb.site_record import SITE_MARKER, site_marker
from recur.util.errors import RecurError
from recur.util.files import FULL, remove_work, repository_root, swap_folder, work_folder, work_folder_path, writing
from recur.util.text import yaml_string

if TYPE_CHECKING:  # recur.site.bundle (numpy) is imported only when the bundle is written
    from recur.site.bundle import Bundle

# What `recur site` builds with where there is no mkdocs.yml: the `recur` plugin supplies the rest.
DEFAULT_CONFIG = """site_name: {name}
theme:
  name: material
plugins:
  - search
  - recur
"""


@dataclass(frozen=True)
class SiteBuild:
    """What ``build_site`` built, for `recur site`'s summary: the site's pages and bytes, the KB records
    they came from, the seconds it took in all and per step, mkdocs' warnings, and the browser search
    bundle (``recur.site.bundle.Bundle``) or why it was left out when it was wanted."""

    pages: int
    bytes: int
    patterns: int
    incidents: int
    paths: int
    seconds: float
    seconds_generate: float
    seconds_mkdocs: float
    warnings: tuple[str, ...]
    seconds_index: float = 0.0  # building or updating the index first (browser search), not in seconds_generate
    browser: Bundle | None = None
    browser_skipped: str | None = None
    site_url: str | None = None  # the one built with (mkdocs' site_url), None without one
    notes: tuple[str, ...] = ()  # what the generation said that is no warning (an own page the site took for one of its own)


@dataclass(frozen=True)
class BrowserPlan:
    """The browser search bundle as planned before the build (``_browser_plan``): ``index_dir`` the fresh index
    it is written from (None: not written), ``skipped`` why it cannot be (None: not wanted, or it will be),
    ``seconds`` how long building or updating the index took (0.0 when it was fresh)."""

    index_dir: Path | None = None
    skipped: str | None = None
    seconds: float = 0.0


def find_config(explicit=None) -> Path | None:
    """mkdocs.yml: explicit (must exist), else ./mkdocs.yml or ./mkdocs.yaml (as mkdocs looks), else
    None (Recur's packaged defaults)."""
    if explicit:
        if not Path(explicit).is_file():
            raise RecurError(f"{explicit}: mkdocs config not found")
        return Path(explicit).resolve()
    return next((Path(name).resolve() for name in ("mkdocs.yml", "mkdocs.yaml") if Path(name).is_file()), None)


def _own_pages(cfg_path: Path) -> Path | None:
    """The site's own pages: the docs_dir its mkdocs.yml names (relative to it), when it exists."""
    from recur.site.plugin import raw_config

    folder = cfg_path.parent / str(raw_config(cfg_path).get("docs_dir") or "docs")
    return folder if folder.is_dir() else None


def _config_file(config_file, kb_dir, work: Path) -> tuple[Path, Path | None]:
    """(mkdocs.yml to build with, the site's own pages); a default config when there is none."""
    cfg_path = find_config(config_file)
    if cfg_path is not None:
        return cfg_path, _own_pages(cfg_path)
    default = work / "mkdocs.yml"
    name = default_site_name(kb_dir)
    default.write_text(DEFAULT_CONFIG.format(name=yaml_string(name)), encoding="utf-8")
    return default, None


def default_site_name(kb_dir) -> str:
    """The site's name without a mkdocs.yml: the repository's folder name, as `recur init` names a site.
    That is the KB's own folder, or the folder holding it when the KB is its ``kb/`` (the usual layout).
    It was always the folder above the KB: a KB at a repository's root (or at /tmp/team-kb) was named
    after the folder above the repository ("src", "tmp")."""
    kb = Path(kb_dir).resolve()
    folder = kb.parent if kb.name.casefold() == "kb" and repository_root(kb) != kb else kb
    return folder.name or "Knowledge base"


def _require_plugin(cfg, cfg_path: Path):
    """The ``recur`` plugin of this build (recur.site.plugin.RecurPlugin). Recur's theme, assets and page settings
    come from it. A mkdocs.yml without it (a team's own, kept by ``recur init --keep-existing``) built, without a
    word, a site with no suggest box script, no styles and directory URLs."""
    if "recur" not in cfg.plugins:
        raise RecurError(f"{cfg_path}: plugins: has no `recur`; add it (plugins: [search, recur]): Recur's "
                         f"theme, assets and page settings come from it, and `mkdocs serve` needs it for the KB")
    return cfg.plugins["recur"]


def _out_folder(out) -> Path:
    """The folder the site goes to (a link to the web root: the folder it names, beside which the site is built
    and swapped), its previous site put back if a killed swap left it aside, and checked as Recur's to replace."""
    out = Path(out)
    if out.is_symlink():
        out = out.resolve()
    _put_back(out)
    _check_out(out)
    return out


def _put_back(out: Path) -> None:
    """The previous site back in place where a build was killed between the two renames of a swap where the
    file system cannot exchange two names in one step (``swap_folder``): ``out`` missing, the site at
    ``out.old``. Put back only when it is a site Recur built (its marker): a team's own ``site.old`` stays."""
    old = out.with_name(out.name + ".old")
    if not out.exists() and not out.is_symlink() and (old / SITE_MARKER).is_file():
        with writing(out, "the site"):
            old.rename(out)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise RecurError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).exists():
        raise RecurError(f"{out}: not empty and not a site built by recur; refusing to replace it "
                         f"(choose another --out or remove it)")


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def build_site(kb_dir, out, *, config_file=None, as_of: dt.date | None = None, edit_url: str | None = None,
               site_url: str | None = None, strict: bool = False, index_dir=None, model_dir=None,
               browser_search: bool | None = None, model: str | None = None,
               file_search: bool | None = None, quiet: bool = False, progress: bool | None = False) -> SiteBuild:
    """Build the site for ``kb_dir`` into ``out``; returns what was built (``SiteBuild``).

    ``site_url`` (default: mkdocs.yml's) is mkdocs' site_url: the 404 page, served at whatever URL was
    missing, links from its path, as no relative link works at every depth (from "/" without one).

    ``browser_search`` (default: setting browser_search, on) writes the in-browser search bundle (recur.site.bundle);
    it needs the index, brought up to date first (``quiet``: unsaid; ``progress``: its bar, None: on a terminal).
    ``file_search`` (default: setting file_search, off) makes the header search work opened from disk (file_search)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from recur.site import hook

    t0 = time.perf_counter()
    out = _out_folder(out)
    # the setting (on/off; another value is an error naming it) read before anything is written
    file_search = config.get("file_search") if file_search is None else file_search
    browser = _browser_plan(kb_dir, index_dir, model, browser_search, quiet, progress)
    work = work_folder_path(out).resolve()  # named before it is made: a Ctrl-C just after its making removes it too
    capture, mk_log = _Capture(), logging.getLogger("mkdocs")
    try:
        with writing(out, "the site"):
            work_folder(out)
        mk_log.addHandler(capture)
        src, dst = work / "src", work / "site"
        with writing(out, "the site", only=FULL):  # a full disk named as out, not a copied asset
            src.mkdir()
            cfg_path, own_pages = _config_file(config_file, kb_dir, work)
            try:
                cfg = load_config(config_file=str(cfg_path), docs_dir=str(src), site_dir=str(dst), strict=strict,
                                  site_url=site_url)  # None: mkdocs.yml's
            except MkDocsException as exc:
                raise RecurError(f"{cfg_path}: {exc}" + "".join(f"\n  {m}" for m in capture.messages[:10])) from None
            # the plugin's state for this build (file_search: read by its on_config): the tree is generated here
            build = _require_plugin(cfg, cfg_path).build = hook.BuildState(pregenerated=True, file_search=file_search)
            made = build.made = hook.prepare(  # file_search: what the home page says (mkdocs' on_config warns of it)
                kb_dir, src, as_of=as_of or config.as_of(), edit_url=hook.edit_base(cfg, edit_url), model_dir=model_dir,
                index_path=browser.index_dir or index_dir, extra_dir=own_pages, extra_scripts=hook.own_scripts(cfg),
                extra_base=cfg_path.parent, file_search=hook.file_search(file_search) and hook.english_search(cfg, False))
            generated = time.perf_counter() - t0 - browser.seconds
            if strict and capture.messages:  # as mkdocs --strict: KB files left out of the site fail the build
                raise RecurError("site not built (--strict): " + "\n  ".join(capture.messages[:10]))
            _mkdocs_build(cfg, capture.messages)
        built = time.perf_counter() - t0 - browser.seconds
        bundle, skipped = _browser_bundle(dst, kb_dir, browser, model)
        warnings = tuple(capture.messages)
        pages, size = _swap_in(dst, out, made, cfg.site_url or None)
        return SiteBuild(pages=pages, bytes=size, patterns=made.patterns, incidents=made.incidents,
                         paths=made.paths, seconds=time.perf_counter() - t0, seconds_generate=generated,
                         seconds_mkdocs=built - generated, warnings=warnings, browser=bundle, browser_skipped=skipped,
                         site_url=cfg.site_url or None, seconds_index=browser.seconds, notes=made.notes)
    finally:
        remove_work(work)  # first: a second Ctrl-C or SIGTERM is raised after it, not in its middle
        mk_log.removeHandler(capture)


def _mkdocs_build(cfg, messages: list) -> None:
    """mkdocs over the pre-generated tree (the plugin's state says so: its hook does not generate it again)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    try:
        build(cfg)
    except MkDocsException as exc:
        raise RecurError(f"site build failed: {exc}" + "".join(f"\n  {m}" for m in messages[:10])) from None


def _swap_in(dst: Path, out: Path, made, url: str | None) -> tuple[int, int]:
    """Mark the built site as Recur's (with the KB files it was built from: ``kb.site_record``), count
    it (HTML pages, bytes), and swap it in for ``out`` (``swap_folder``: in one step on Linux, so a web
    server or `recur serve` never finds the folder missing)."""
    with writing(out, "the site", only=FULL):
        marker = site_marker("recur site", made.kb_files, made.kb_content, url, made.site_content)
        (dst / SITE_MARKER).write_text(marker)
    files = [p for p in dst.rglob("*") if p.is_file()]
    counted = sum(1 for p in files if p.suffix == ".html"), sum(p.stat().st_size for p in files)
    swap_folder(dst, out)
    return counted


def _browser_plan(kb_dir, index_dir, model, wanted, quiet: bool = False, progress: bool | None = False) -> BrowserPlan:
    """The fresh index when the bundle will be written (and how long building or updating it took, when it
    was), why not when it cannot be, neither when it is not wanted (``BrowserPlan``). The index is brought up
    to date first, so look-alikes use it too; what that does is said (logged) first, with a bar as ``progress``
    asks (`recur site`: on a terminal; a cold index of 1,000 patterns takes minutes)."""
    if wanted is None:  # the setting: on/off, 1/0, true/false, yes/no; another value is an error naming it
        wanted = config.get("browser_search")
    if not wanted:
        return BrowserPlan()
    from recur.retrieval.engine import ensure_index_saying
    from recur.site import bundle

    reason = bundle.runtime_missing()
    if reason:
        return BrowserPlan(skipped=reason)
    index_dir = Path(index_dir or config.get("index"))
    t0 = time.perf_counter()
    try:
        stats = ensure_index_saying(kb_dir, index_dir, model, quiet=quiet, progress=progress)
    except RecurError as exc:
        return BrowserPlan(skipped=str(exc))
    return BrowserPlan(index_dir=index_dir, seconds=0.0 if stats is None else time.perf_counter() - t0)


def _browser_bundle(site_dir: Path, kb_dir, browser: BrowserPlan, model) -> tuple:
    """(the bundle written, None) as planned; (None, why not) when it could not be; (None, None) unwanted."""
    if not browser.index_dir:
        return None, browser.skipped
    from recur.site import bundle

    try:
        return bundle.write_bundle(site_dir, kb_dir, browser.index_dir, model=model), None
    except RecurError as exc:
        return None, str(exc)
