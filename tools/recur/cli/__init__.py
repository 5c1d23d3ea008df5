"""The command line, the only package that imports click. Each command module keeps heavy
imports inside its functions, so ``recur --help`` and ``recur check`` never import torch."""

from recur.cli.main import cli, main  # noqa: F401
