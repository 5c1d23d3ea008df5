"""The command line, the only package that imports click. Each command module keeps heavy
imports inside its functions, so ``recur --help`` and ``recur check`` never import torch."""

from recur.cli import starting  # noqa: F401  first: `recur serve`'s SIGHUP noted before click's import
from recur.cli.main import cli, main  # noqa: F401
