"""Recur: a searchable knowledge base of failure patterns."""

# The one place the version is written: pyproject.toml reads it (dynamic = ["version"]) for the wheel's
# metadata, so `recur --version`, `pip show recur` and the pin `recur init` writes cannot disagree.
__version__ = "0.2.1.dev0"
