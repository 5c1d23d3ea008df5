"""Recur: a searchable knowledge base of failure patterns."""

__version__ = "0.1.0"
