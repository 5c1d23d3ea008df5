"""Options shared by several commands, so every command spells them the same way."""

from __future__ import annotations

import click

kb_option = click.option(
    "--kb", "kb_dir", default="kb", envvar="RECUR_KB", show_default=True,
    type=click.Path(file_okay=False), help="Knowledge base folder (env RECUR_KB).",
)
index_option = click.option(
    "--index", "index_dir", default=".recur/index", envvar="RECUR_INDEX", show_default=True,
    type=click.Path(file_okay=False), help="Index folder (env RECUR_INDEX).",
)
model_option = click.option(
    "--model", "model", default=None, envvar="RECUR_MODEL",
    help="Sentence-transformers model: a local folder or 'default' (bundled all-MiniLM-L6-v2). "
         "Env RECUR_MODEL. Default: the KB's tuned model if there is one, else the bundled model.",
)
