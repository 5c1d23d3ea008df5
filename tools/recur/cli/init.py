"""`recur init`: start a knowledge-base repository for a team."""

from __future__ import annotations

import click


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--starter",
    is_flag=True,
    help="Copy Recur's starter catalog (patterns, onboarding paths, eval cases; not the example incidents).",
)
@click.option("--name", help="Site and README title (default: the folder's name).")
@click.option(
    "--keep-existing",
    is_flag=True,
    help="In a repository that already has some of these files (README.md, .gitignore, Makefile ...): "
    "write the others and leave those as they are (listed, to merge by hand).",
)
def init(directory, starter, name, keep_existing):
    """Make DIRECTORY a new knowledge-base repository (DIRECTORY may be missing or empty).

    \b
    It gets kb/ (patterns, incidents, paths, severity.yml, eval/cases.yml, recur.yml), a
    mkdocs.yml using Recur's theme, a Makefile and README with its two commands (make test,
    make run), requirements.txt pinning this Recur version, a CI workflow, pre-commit hooks,
    a pull-request template, CONTRIBUTING.md and .gitignore. Existing files are never
    overwritten: init lists them and writes nothing (with --keep-existing: writes the
    rest and lists the ones it left).
    """
    from recur.kb.init import init_repository

    kept: list[str] | None = [] if keep_existing else None
    written = init_repository(directory, starter=starter, name=name, keep=kept)
    patterns = sum(1 for p in written if p.startswith("kb/patterns/") and p.endswith(".md"))
    click.echo(
        f"Created a knowledge-base repository in {directory} ({len(written)} files"
        + (f", {patterns} starter patterns" if starter else "")
        + ")."
    )
    if kept:
        click.echo(f"Left as they were ({len(kept)}): {', '.join(kept)}.")
        click.echo("  Merge Recur's lines into them by hand (to see its versions: recur init a-new-folder).")
    click.echo("Next:")
    click.echo("  " + _first_step(directory))
    if starter:
        click.echo("  make test      # check, near-duplicates, eval, the site, nothing overdue: as CI runs them")
        click.echo("  make run       # the site and the suggest API on http://127.0.0.1:8000/")
    else:
        click.echo("  .venv/bin/recur new pattern    # your first failure pattern (asks for what it needs)")
        click.echo("  make test                      # then check it as CI will")


def _first_step(directory: str) -> str:
    """``cd DIR && git init && make install``, without the ``cd`` into the folder recur already runs
    in and without ``git init`` in a repository git already tracks (``--keep-existing``'s usual case)."""
    import shlex
    from pathlib import Path

    steps = [] if Path(directory).resolve() == Path.cwd().resolve() else [f"cd {shlex.quote(directory)}"]
    if not (Path(directory) / ".git").exists():
        steps.append("git init")
    return " && ".join([*steps, "make install"])
