"""The ``recur`` mkdocs plugin: Recur's site defaults, theme and page generation in one line.

A KB repository's ``mkdocs.yml`` needs only::

    site_name: Team KB
    theme: {name: material}
    plugins: [search, recur]

and ``mkdocs serve`` / ``mkdocs build --strict`` work there. The plugin fills in what the file
leaves out (Recur's theme overrides and assets, the Markdown extensions and navigation the
generated pages use, plain ``.html`` URLs, the search separator) and generates the pages from
the KB. Whatever the file does set wins: it extends the defaults, it does not replace them.
``recur site`` in a folder with no ``mkdocs.yml`` builds with exactly these defaults.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from jinja2 import BaseLoader
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from recur.kb.parse import MARKDOWN_EXTENSIONS
from recur.site import hook
from recur.site.context import GLOSSARY
from recur.site.generate import page_name
from recur.util import resources
from recur.util.errors import RecurError
from recur.util.files import file_version

log = logging.getLogger("mkdocs.plugins.recur")

EXTENSIONS = MARKDOWN_EXTENSIONS  # added to every build: the Markdown the KB is written in (kb.parse)
NAV = [
    {"Home": "index.md"},
    {"Describe what you see": "suggest.md"},
    {"Patterns": "patterns/index.md"},
    {"Incidents": "incidents/index.md"},
    {"Onboarding": "paths/index.md"},
    {"Problem board": "board/index.md"},
    {"Glossary": "glossary.md"},  # context.GLOSSARY: the site's words, for a new hire
]
ASSETS_CSS = ["assets/recur.css", "assets/recur-suggest.css"]
ASSETS_JS = ["assets/recur.js", "assets/recur-query.js", "assets/recur-suggest.js"]  # recur-query.js: the box uses it
# How the site search (mkdocs-material's lunr) cuts page text and what is typed into words. An
# identifier is one word, found as pasted: alert names (KubePodCrashLooping), error codes (ENOSPC,
# ERR_SSL_PROTOCOL_ERROR), versions and addresses (1.2.3, 10.0.0.7) and dotted names
# (payments.svc.cluster.local, max.poll.interval.ms). Cut into pieces, a pasted dotted name was a
# search for each piece, and titles holding "java" or "net" (a prefix of "network") outranked the
# pattern that lists java.net.BindException. A dot before a capital does start a word, so the class
# is found on its own (java.net + BindException); a dot before a space or at the end ends a sentence.
# The hyphen stays a separator: lunr's query parser cuts every typed word at '-' whatever this says
# (HikariPool-1 is looked up as HikariPool and 1*), so a page word kept whole across one never matched.
# Japanese and Chinese text has no spaces: its punctuation ends a word as material's own ja and zh
# separators have it (、。，．？！；： the ideographic space and brackets). Without them a page's
# "ディスク容量不足（東京リージョン）" was one word, and a search for 東京リージョン found nothing.
CJK_SEPARATORS = r"\u200b\u3000" + "、。，．？！；：（）「」『』【】"
SEARCH_SEPARATOR = r'(?:[\s\-,:;!=\[\]()"/|<>{}' + "'" + CJK_SEPARATORS + r"]\.*|\.(?![a-z0-9_])|^\.)+"
# Lean on purpose: every feature is rendered into each of thousands of pages.
FEATURES = ["content.code.copy", "search.highlight", "navigation.top"]
# Light or dark as the reader's system is set, with the header's toggle to switch: the site was light only
# (the toggle was taken out to keep pages lean) while recur.css already had its dark ("slate") colours, and a
# responder paged at night met a white page (found in a new hire's review). The toggle adds 1.5 kB to a page (measured on the starter KB).
PALETTE = [
    {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo",
     "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"}},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo",
     "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"}},
]  # fmt: skip


class RecurConfig(Config):
    kb = config_options.Optional(config_options.Type(str))  # default: RECUR_KB, else kb/ beside mkdocs.yml


class RecurPlugin(BasePlugin[RecurConfig]):
    def __init__(self):
        super().__init__()
        # what this build's events share: made afresh by on_config, unless recur site handed over its own
        # (pregenerated: it generated the tree before mkdocs ran, recur.site.build)
        self.build = hook.BuildState()

    @event_priority(100)  # before the search plugin, which copies its settings when it configures itself
    def on_config(self, config, **kwargs):
        if not self.build.pregenerated:  # nothing kept from an earlier build run with this plugin
            self.build = hook.BuildState(kb=self.config.kb)
        user = _user_keys(config)
        _asset_versions.cache_clear()  # once a build: `mkdocs serve` rebuilds after an asset is edited
        _theme_defaults(config, user)
        _page_defaults(config, user, self.build.file_search)
        config = hook.on_config(self.build, config)
        self.own_nav = not user.get("nav")
        if self.own_nav:  # the team's own pages (docs_dir) after Recur's, not only reachable by URL
            config.nav = [*site_nav(self.build.own_files), *own_nav_pages(self.build.own_files)]
        return config

    def on_files(self, files, config, **kwargs):
        # on_config named every own page before mkdocs sorted its files: those it does not build or
        # keeps out of the nav (its default templates/, exclude_docs, draft_docs, not_in_nav) would be
        # dead or unwanted nav links, so they leave the nav the plugin made (a team's nav: is its own)
        if getattr(self, "own_nav", False):
            shown = [rel for rel in own_nav_pages(self.build.own_files) if _in_nav(files.get_file_from_path(rel))]
            config.nav = [*site_nav(self.build.own_files), *shown]
        return files

    def on_env(self, env, config, files, **kwargs):
        env.loader = FooterFixed(env.loader)
        return env

    def on_serve(self, server, config, builder, **kwargs):
        return hook.on_serve(self.build, server, config)

    def on_page_markdown(self, markdown, page, config, files, **kwargs):
        return hook.on_page_markdown(self.build, markdown, page)

    def on_page_content(self, html, page, config, files, **kwargs):
        return hook.on_page_content(self.build, html, page)

    @event_priority(-100)  # after the search plugin's: it adds to the entries the search made of the page
    def on_page_context(self, context, page, config, nav, **kwargs):
        hook.on_page_context(page, config)
        return context

    def on_post_page(self, output, page, config, **kwargs):
        return hook.on_post_page(output, page)

    def on_post_build(self, config, **kwargs):
        return hook.on_post_build(self.build, config)


# mkdocs gives a page's title as HTML ("Tools &amp; access"), and material's footer escaped it again in the previous
# and next links' aria-label: a screen reader said "Next: Tools &amp;amp; access" (found in review, with
# navigation.footer on). Read as HTML there, as material's toc-item.html and Recur's main.html title it. Applied to
# the installed material's own footer as it is read, not to a copy of it kept in the theme overrides: a copy (of
# 9.8.2's) outlived any upgrade of mkdocs-material, which a team's `make constraints` may take (found in a re-read).
# Where material's footer no longer has this text, it is used as it is (tests/test_site_own_pages.py says so).
FOOTER = "partials/footer.html"
FOOTER_FIX = ("_page.title | e }}", "_page.title | striptags | e }}")


class FooterFixed(BaseLoader):
    """A Jinja loader: ``inner``'s templates, material's own ``partials/footer.html`` with FOOTER_FIX made (a
    team's custom_dir copy, its own, is left as it is)."""

    def __init__(self, inner):
        self.inner = inner

    def list_templates(self):
        return self.inner.list_templates()

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == FOOTER and filename and Path(filename).resolve() == material_footer():
            source = source.replace(*FOOTER_FIX)
        return source, filename, uptodate


@functools.cache
def material_footer() -> Path:
    import material

    return (Path(material.__file__).parent / "templates" / FOOTER).resolve()


def site_nav(own_files) -> list[dict]:
    """NAV, its "Glossary" the site's own glossary page where it has one (generate's "yielded", under any suffix
    mkdocs reads: glossary.markdown is the site's glossary as glossary.md is)."""
    own = next((rel for rel in sorted(own_files) if page_name(rel) == page_name(GLOSSARY)), None)
    return [{"Glossary": own} if own and entry == {"Glossary": GLOSSARY} else entry for entry in NAV]


def own_nav_pages(own_files) -> list[str]:
    """The site's own Markdown pages (copied from its docs_dir; any suffix mkdocs reads), as nav entries titled
    by the pages' own headings, in path order, but for one the site's NAV already lists."""
    in_nav = {rel for entry in site_nav(own_files) for rel in entry.values()}  # an own glossary: NAV's "Glossary"
    return sorted(rel for rel in own_files if page_name(rel) is not None and rel not in in_nav)


def _in_nav(file) -> bool:
    return file is not None and file.inclusion.is_in_nav()


def _user_keys(config) -> dict:
    """What the user's mkdocs.yml itself sets (not mkdocs' defaults)."""
    return raw_config(config.config_file_path) if config.config_file_path else {}


def raw_config(path, _seen=()) -> dict:
    """mkdocs.yml as written: a dict, with !ENV and !!python/name tags read as nothing, merged
    over the file its ``INHERIT:`` names (relative to it), as mkdocs merges them: what the
    inherited file sets is the team's own too."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(raw, dict):
        return {}
    parent = raw.pop("INHERIT", None)
    if isinstance(parent, str) and parent and path.resolve() not in _seen:
        raw = _merged(raw_config(path.parent / parent, (*_seen, path.resolve())), raw)
    return raw


def _merged(base: dict, over: dict) -> dict:
    """``over`` merged into ``base``, mappings key by key (mkdocs' INHERIT: other values replaced)."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _theme_defaults(config, user: dict) -> None:
    theme = config.theme
    user_theme = user.get("theme") if isinstance(user.get("theme"), dict) else {}
    overrides = str(resources.overrides_dir())
    if overrides not in theme.dirs:  # after the user's custom_dir, before mkdocs-material's own templates
        theme.dirs.insert(1 if user_theme.get("custom_dir") else 0, overrides)
    if "font" not in user_theme:
        theme["font"] = False  # no Google Fonts: nothing is fetched at build or view time
    if "features" not in user_theme:
        theme["features"] = list(FEATURES)
    if "palette" not in user_theme:  # the team's own palette, whatever it is, is never replaced
        theme["palette"] = [dict(p, toggle=dict(p["toggle"])) for p in PALETTE]


def _page_defaults(config, user: dict, file_search: bool | None) -> None:
    """Recur's page settings where mkdocs.yml sets none; ``file_search``: recur site's --[no-]file-search."""
    if config.use_directory_urls:
        if "use_directory_urls" in user:
            log.warning("recur: use_directory_urls is set to true; Recur's pages link to plain .html files, "
                        "so it is turned off")
        config.use_directory_urls = False  # pages open from any static host without index-file rewriting
    for ext in EXTENSIONS:
        if ext not in config.markdown_extensions:
            config.markdown_extensions.append(ext)
    if not config.nav:
        config.nav = list(NAV)
    config.extra_css = _with_assets(config.extra_css, ASSETS_CSS)
    config.extra_javascript = _with_assets(config.extra_javascript, ASSETS_JS)
    # for the theme overrides' own <script> tags (partials/javascripts/), which fall back to the bare name
    config.extra["recur_assets"] = {p: versioned(p) for p in _asset_versions()}
    # the theme's main.html: recur-file.js starts the header search from file:// (recur.site.file_search)
    try:
        config.extra["recur_file_search"] = hook.file_search(file_search) and hook.english_search(config)
    except RecurError as exc:  # RECUR_FILE_SEARCH=maybe under mkdocs build: its one-line error, no traceback
        raise PluginError(f"recur: {exc}") from None
    if "validation" not in user:
        config.validation.nav.omitted_files = logging.DEBUG  # patterns are reached through index pages
        config.validation.links.anchors = logging.WARNING
    for name, plugin in config.plugins.items():
        if name.endswith("search") and "separator" in plugin.config and not _search_separator_set(user):
            plugin.config["separator"] = SEARCH_SEPARATOR
        if name.endswith("search") and isinstance(plugin.config.get("fields"), dict):
            # a pattern's id and symptoms, weighed as its title (hook.SEARCH_FIELDS); mkdocs.yml's own win
            plugin.config["fields"] = {**hook.SEARCH_FIELDS, **plugin.config["fields"]}


def versioned(path: str) -> str:
    """``assets/recur.js`` -> ``assets/recur.js?v=<start of its SHA-256>`` for Recur's own assets
    (others as given). A site rebuilt with a new Recur must not run last build's script from a
    browser or proxy cache: static hosts send no Cache-Control, or a long max-age, for .js/.css, and
    the generated pages and the API would then disagree with the script that calls them."""
    version = _asset_versions().get(path)
    return f"{path}?v={version}" if version else path


@functools.cache
def _asset_versions() -> dict[str, str]:
    out = {}
    assets = resources.assets_dir()
    if assets.is_dir():
        for f in sorted(assets.iterdir()):
            if f.is_file():
                out[f"assets/{f.name}"] = file_version(f)
    return out


def _with_assets(entries, ours: list[str]) -> list:
    """The user's entries, then ours, versioned; a user entry naming one of ours (versioned or not)
    gives way to it, so no file is loaded twice."""
    kept = [e for e in entries if str(e).split("?", 1)[0] not in ours]
    return [*kept, *(versioned(p) for p in ours)]


def _search_separator_set(user: dict) -> bool:
    for item in user.get("plugins") or []:
        if isinstance(item, dict) and isinstance(item.get("search"), dict) and "separator" in item["search"]:
            return True
    return False
