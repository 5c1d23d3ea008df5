"""The ``recur`` command line: a thin layer over the library.

Commands live in their own modules and are imported only when run (LazyGroup), so
``recur --help`` and ``recur check`` never pay for torch, transformers or faiss.
One exception type (RecurError) becomes one clean ``Error: ...`` line here, at the edge.
"""

from __future__ import annotations

import importlib
import sys

import click

from recur import __version__
from recur.errors import RecurError

# command name -> "module:attribute"; each module keeps heavy imports inside its functions
COMMANDS = {
    "check": "recur.cli_core:check",
    "index": "recur.cli_core:index",
    "suggest": "recur.cli_core:suggest",
    "eval": "recur.cli_core:eval_cmd",
    "site": "recur.site.cli_site:site",
    "new": "recur.new_cli:new",
    "tune": "recur.tune:tune",
    "serve": "recur.serve.cli:serve",
    "feedback": "recur.feedback:feedback",
    "report": "recur.report:report",
    "incident": "recur.incident_cli:incident",
    "coverage": "recur.coverage:coverage_cmd",
    "import": "recur.importer:import_cmd",
    "lookalikes": "recur.lookalikes:lookalikes_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx, name):
        if name in COMMANDS:
            module, attr = COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RecurError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `recur suggest ... | head`
            sys.stderr.close()
            sys.exit(0)
        except OSError as exc:  # a folder we may not write, a full disk: a message, not a traceback
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="recur")
def cli():
    """Recur: a searchable knowledge base of failure patterns.

    \b
    Authors:     recur check, recur new, recur eval
    Responders:  recur suggest "what you see", recur serve
    Everyone:    recur site, recur report
    """


def main():
    cli(prog_name="recur")
