"""The static site: ``generate`` turns a loaded KB into a Markdown tree (+ data files) and
``build_site`` runs mkdocs over it into a folder, swapped into place atomically.

mkdocs is imported only inside ``build_site``; generating pages needs only PyYAML.
"""

from recur.site.generate import generate, pages  # noqa: F401
