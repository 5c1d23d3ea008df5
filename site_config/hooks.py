"""mkdocs hook for Recur: generate the pages from the KB before mkdocs reads them.

Thin on purpose: the logic lives in recur.site.hook (importable and tested). Set RECUR_KB to build
another knowledge base, RECUR_AS_OF (YYYY-MM-DD) for a reproducible problem board, RECUR_EDIT_URL
for "edit this page" links, RECUR_SITE_SRC for where the pages are generated (default .recur/site-src).
"""

from recur.site import hook

# what this build's events share, as the recur plugin holds it; made afresh by on_config, so a rebuild by
# mkdocs serve (which may keep this module loaded) starts from nothing the previous build left
_build = hook.BuildState()


def on_config(config, **kwargs):
    global _build
    _build = hook.BuildState()
    return hook.on_config(_build, config)


def on_serve(server, config, builder, **kwargs):
    return hook.on_serve(_build, server, config)


def on_page_markdown(markdown, page, config, files, **kwargs):
    return hook.on_page_markdown(_build, markdown, page)


def on_page_content(html, page, config, files, **kwargs):
    return hook.on_page_content(_build, html, page)


def on_post_page(output, page, config, **kwargs):
    return hook.on_post_page(output, page)


def on_post_build(config, **kwargs):
    return hook.on_post_build(_build, config)
