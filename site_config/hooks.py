"""mkdocs hook for Recur: generate the pages from the KB before mkdocs reads them.

Thin on purpose: the logic lives in recur.site.hook (importable and tested). Set RECUR_KB to build
another knowledge base, RECUR_AS_OF (YYYY-MM-DD) for a reproducible problem board, RECUR_EDIT_URL
for "edit this page" links, RECUR_SITE_SRC for where the pages are generated (default .recur/site-src).
"""

from recur.site.hook import on_config, on_page_content, on_page_markdown, on_post_build, on_post_page, on_serve  # noqa: F401
