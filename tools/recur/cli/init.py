"""`recur init`: start a knowledge-base repository for a team."""

from __future__ import annotations

import re
from pathlib import Path

import click

from recur.cli.options import OutFile, write_out, writes_then_says
from recur.util.files import current_branch, repository_root
from recur.util.text import cut_list, plural


@writes_then_says
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
@click.option(
    "--constraints-only",
    is_flag=True,
    help="Only write DIRECTORY/constraints.txt again (replacing it): the versions of the dependencies installed "
    "with this recur. The repository's `make constraints` runs it after recur's pin changed.",
)
@click.option(
    "--wheel",
    type=click.Path(dir_okay=False, exists=True),  # a folder, a missing file: a usage error, exit 2
    metavar="FILE",
    help="For a team without a package index: copy this recur wheel (this recur's version) into DIRECTORY/wheels/ "
    "and name it in requirements.txt in place of the recur==VERSION pin; commit it with the rest.",
)
def init(directory, starter, name, keep_existing, constraints_only, wheel):
    """Make DIRECTORY a new knowledge-base repository (DIRECTORY may be missing or empty).

    \b
    It gets kb/ (patterns, incidents, paths, severity.yml, eval/cases.yml, recur.yml), a mkdocs.yml
    using Recur's theme, a Makefile and README with its two commands (make test, make run),
    requirements.txt pinning this Recur version (with --wheel: naming the wheel's copy in wheels/),
    constraints.txt pinning its dependencies at the versions installed here, .python-version naming
    the Python they were installed on (the one the workflows set up), CI workflows (kb.yml checks
    each change, overdue.yml fails on a schedule when something is overdue), pre-commit hooks, a
    pull-request template, CONTRIBUTING.md, KB-FORMAT.md (the KB format reference) and .gitignore.
    Existing files are never overwritten: init lists them and writes nothing (with --keep-existing:
    writes the rest and lists the ones it left; a .python-version of your own naming another Python
    than constraints.txt was made on is kept, and said, with the two ways to settle it).
    """
    from recur.kb.init import constraints_recur, init_repository, write_constraints

    if constraints_only:
        if starter or name is not None or keep_existing or wheel is not None:
            raise click.UsageError("--constraints-only writes constraints.txt alone: it takes no other option")
        before = constraints_recur(directory)
        click.echo(f"Wrote {write_constraints(directory)}.")
        _upgraded_from(directory, before)
        return
    from recur.kb.init import recur_requirement, team_content

    kept: list[str] | None = [] if keep_existing else None
    there = keep_existing and _has_files(Path(directory))  # before init writes: a repository that was there
    written = init_repository(directory, starter=starter, name=name, keep=kept, wheel=wheel)
    named = recur_requirement(directory)  # read once: nothing writes requirements.txt after init_repository
    patterns = sum(1 for p in written if p.startswith("kb/patterns/") and p.endswith(".md"))
    # kb/ is the team's content (patterns, eval cases, severity.yml): kept, it is theirs, no file to merge into
    merge = [rel for rel in kept or [] if not team_content(rel)]
    content = [rel for rel in kept or [] if team_content(rel)]
    old_reference = _old_reference(Path(directory), merge)
    merge = [rel for rel in merge if not (old_reference and rel == "KB-FORMAT.md")]
    if not written and not merge and not old_reference and not _other_version(named):
        # init run again: it said "Created … (0 files)" and advised a merge
        click.echo(
            f"Nothing to write: {directory} has every file init makes, as init makes them"
            + (f" (and its KB's own content: {plural(len(content), 'file')} left as they are)." if content else ".")
        )
        return
    _say_written(directory, written, kept if there else None, patterns if starter else None)
    _other_branch(top := repository_root(directory), Path(directory), merge)  # before the .gitignore lines to paste
    _say_left(merge, old_reference, content)
    _zone_unset(Path(directory), merge)
    if wheel is not None:
        _kept_for_wheel(Path(directory), Path(wheel).name, written, merge, named)
    if ".gitignore" in merge:
        _ignores_missing(Path(directory))
    if top is not None and top != Path(directory).resolve():
        click.echo(
            f"Note: {directory} is inside the git repository at {top}. GitHub Actions and pre-commit read "
            f"their config only at a repository's root: move .github/workflows/ (kb.yml, overdue.yml) and "
            f".pre-commit-config.yaml there, running in {directory}/ (working-directory, a files: pattern)."
        )
    _next_steps(directory, starter, kept, wheel, named)


def _upgraded_from(directory, before: str | None) -> None:
    """`make constraints` after recur's pin changed, when constraints.txt was made with another recur
    (``before``): the upgrade changes none of the other files an earlier recur init wrote, and nothing the team
    ran said so (a 0.2.0 team KB upgraded: its Makefile, workflows and hooks stayed 0.2.0's, without a word)."""
    from recur import __version__

    if before is None or before == __version__:
        return
    click.echo(
        f"Note: constraints.txt was made with recur {before}; this is recur {__version__}. The other files an "
        "earlier recur init wrote (the Makefile, .github/workflows/, .pre-commit-config.yaml ...) are yours and "
        f"stay as they were: recur init {directory} --keep-existing adds the files this version makes that the "
        "repository lacks, and lists those to merge by hand; the Upgrade steps of Recur's "
        "changelog, in Recur's own repository, say what changed in them."
    )


def _kept_for_wheel(directory: Path, name: str, written: list[str], merge: list[str], named) -> None:
    """With --wheel ``name``: a kept requirements.txt (``named``: how it names recur) that does not name it, and a
    kept .gitignore that ignores it. The requirements.txt kept is as init makes it but for recur's line (a pin,
    another wheel: not in ``merge``) too: never rewritten."""
    if "requirements.txt" not in written and not _names_wheel(named, name):
        click.echo(f"  requirements.txt was kept: name ./wheels/{name} in it in place of {_recur_line(named)}.")
    if ".gitignore" in merge:  # `git add .` left the wheel out; CI then had no recur
        _wheel_ignored(directory, name)


def _say_written(directory: str, written: list[str], kept: list[str] | None, patterns: int | None) -> None:
    """The summary line: created, added to a repository that was there, or nothing added. ``kept``: the files
    kept when DIRECTORY had files before (--keep-existing), else None. ``patterns``: the starter patterns written
    (--starter), else None."""
    count = plural(len(written), "file") + (f", {patterns} starter patterns" if patterns is not None else "")
    if kept is not None and not written:  # every file there, some to merge: it said "Added what … (0 files)"
        click.echo(f"Nothing added: {directory} has every file init makes; what is not as init makes it is below.")
    elif kept is not None:  # a repository that was there: nothing "created" (with every other file as init
        # makes it, none kept to list, adding a --wheel said "Created a knowledge-base repository", found in re-read)
        click.echo(f"Added what {directory} did not have of a knowledge-base repository ({count}).")
    else:
        click.echo(f"Created a knowledge-base repository in {directory} ({count}).")


def _other_version(named: tuple[str, str] | None) -> str | None:
    """The recur version requirements.txt installs (``named``: how it names recur, kb.init.recur_requirement)
    when it is not this one (a pin's, a wheel file's), else None: run again on a 0.2.0 repository with every
    file there, init said "as init makes them" and no word of it."""
    from recur import __version__
    from recur.kb.init import required_version

    have = required_version(named)
    return have if have not in (None, __version__) else None


def _say_left(merge: list[str], old_reference: str | None, content: list[str]) -> None:
    """The kept files: to merge by hand, the out-of-date format reference, the KB's own."""
    if merge:
        click.echo(f"Left as they were ({len(merge)}): {', '.join(merge)}.")
        click.echo("  Merge Recur's lines into them by hand (to see its versions: recur init a-new-folder).")
    if old_reference:
        click.echo(old_reference)
    if content:
        click.echo(f"The KB's own files, left as they are ({len(content)}): {', '.join(cut_list(content, 5))}.")


# RECUR_TZ named on a line outside a comment (an env: key, a step's `echo RECUR_TZ=… >> "$GITHUB_ENV"`): one
# commented out ("# RECUR_TZ: Europe/Berlin", a team's note to do it) sets nothing, and was taken for set
_SETS_ZONE = re.compile(r"^[^#\n]*\bRECUR_TZ\b", re.M)


def _zone_unset(directory: Path, merge: list[str]) -> None:
    """The kept workflows (among ``merge``) that do not set RECUR_TZ (_SETS_ZONE), as init's do in their ``env:``:
    a team keeping an older init's read "today" and a timestamp's date in the runner's zone, and only "Merge
    Recur's lines" said so."""
    flows = [
        rel
        for rel in merge
        if rel.startswith(".github/workflows/") and not _SETS_ZONE.search(_text_of(directory / rel))
    ]
    if flows:
        click.echo(
            f'Note: RECUR_TZ is not set in {", ".join(flows)} (kept): "today" and the date of a time with its UTC '
            "offset are the runner's zone's there (UTC on GitHub's) and each laptop's own elsewhere. Add `RECUR_TZ: "
            "UTC`, or the team's zone, to the job's env:, as init's workflows have it, and set the same on laptops."
        )


def _text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not there, or a folder: nothing set in it
        return ""


def _old_reference(directory: Path, merge: list[str]) -> str | None:
    """What to say of a kept KB-FORMAT.md that is another Recur version's format reference (its note line names
    the version), or None. It is a copy `make constraints` rewrites, no file to merge Recur's lines into: run on
    a 0.2.0 repository, init listed it with the team's files and never said the format text had changed (found
    in an upgrade review). Not rewritten here: the team may have edited it, and no text of 0.2.0's is at hand."""
    from recur import __version__
    from recur.kb.init import FORMAT_DOC, reference_version

    have = reference_version(directory)
    if FORMAT_DOC not in merge or have is None or have == __version__:
        return None
    return (
        f"{FORMAT_DOC} (kept) is the KB format reference of Recur {have}, not of this recur ({__version__}): "
        f"out of date. `make constraints` after the new pin writes this version's into it (recur kb-format "
        f"--out {FORMAT_DOC} does alone)."
    )


def _python_disagrees(directory: Path, kept: list[str]) -> None:
    """A team's own .python-version, kept, naming another Python than constraints.txt was made on: init wrote
    the constraints' into the workflows (its pins are what installs) and told python3 to be it, with not a
    word that the kept file says otherwise, where the Makefile's check and CI then stop (found in review)."""
    from recur.kb.init import PYTHON_VERSION_FILE, constraints_python, kept_python

    have, want = kept_python(directory), constraints_python(directory)
    if PYTHON_VERSION_FILE not in kept or have is None or have == want:
        return
    ours = "Makefile" not in kept  # its install target checks $(PYTHON) against constraints.txt's Python
    remake = (
        f"PYTHON=python{have} make constraints"
        if ours
        else f"recur init --constraints-only {directory} with a recur installed on Python {have}"
    )
    stops = (
        f"pyenv's python3 is Python {have}, and make install says to name Python {want} (PYTHON=python{want})"
        if ours
        else f"pip may find no release of some pins for Python {have}"
    )
    click.echo(
        f"Note: {PYTHON_VERSION_FILE} says {have}; constraints.txt was made on {want}: set it to {want}, or run "
        f"{remake} (then set the workflows' python-version to {have}). The workflows set up Python {want}, the "
        f"one the pins install on; until the two agree, {stops}."
    )


def _other_branch(top: Path | None, directory: Path, merge: list[str]) -> None:
    """In a repository on another branch than the one kb.yml's pushes run on (a plain `git init` makes
    ``master``), the line to change: its pushes never ran the checks (found by a first-time pattern author).
    The branches are read from the kb.yml there: a team's own, kept (among ``merge``), that already named
    [master] was told to change that line to [master] (found in review)."""
    from fnmatch import fnmatchcase

    from recur.kb.init import flow_branches, workflow_branch

    branch, kept = current_branch(top) if top is not None else None, ".github/workflows/kb.yml" in merge
    wanted = flow_branches(directory / ".github" / "workflows" / "kb.yml")
    if wanted is None and not kept:  # init's own, unreadable now: the template's line
        wanted = [workflow_branch()]
    if branch is None or wanted is None or any(fnmatchcase(branch, w) for w in wanted):
        return
    named = ", ".join(wanted)
    runs = "runs on a push to" if kept else "runs on pull requests and on a push to"
    click.echo(
        f"Note: .github/workflows/kb.yml {runs} {named} (`branches: [{named}]`); this repository's branch is "
        f"{branch}: change that line to [{branch}] if {branch} is the branch the team pushes to, or its pushes "
        "never run the checks."
    )


def _wheel_ignored(directory: Path, name: str) -> None:
    from recur.util.files import gitignore_line

    line = gitignore_line(directory / ".gitignore", f"wheels/{name}")
    if line is not None:
        click.echo(
            f"  Your .gitignore ignores wheels/{name} (its line '{line}'): commit it with git add -f wheels/, "
            "or make install finds no recur in CI or a teammate's clone."
        )


def _ignores_missing(directory: Path) -> None:
    """The lines of the .gitignore init writes that the team's kept one lacks, to paste into it (init never
    edits a kept file). Found adopting Recur in a team's repository: only wheels/ was looked for, and its
    own .gitignore let `git add .` take .recur/ (the index, the browser model's export) and site/, ~80 MB
    of build output."""
    from recur.util.files import gitignore_line

    missing = [
        line for line in _recur_ignores() if gitignore_line(directory / ".gitignore", _ignored_example(line)) is None
    ]
    if missing:
        click.echo(
            f"  Your .gitignore (kept) does not ignore what Recur writes beside the KB ({', '.join(missing)}): "
            "`git add .` would commit build output. Add these lines to it:"
        )
        click.echo("\n".join(missing))  # not indented: git reads a leading space as part of the pattern


def _recur_ignores() -> list[str]:
    """The patterns of the .gitignore init writes (its template), in its order."""
    from recur.util.resources import templates_dir

    text = (templates_dir() / "init" / ".gitignore").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _ignored_example(pattern: str) -> str:
    """A file the .gitignore ``pattern`` is there to ignore: ``site/`` -> ``site/x``, ``.*.tmp`` -> ``.x.tmp``."""
    path = pattern.strip("/").replace("*", "x")
    return f"{path}/x" if pattern.endswith("/") else path


def _next_steps(directory: str, starter: bool, kept: list[str] | None, wheel: str | None, named) -> None:
    from recur.kb.init import has_patterns

    _python_disagrees(Path(directory), kept or [])
    click.echo("Next:")
    older = bool(kept and "Makefile" in kept and _recur_makefile(directory))
    if kept and "Makefile" in kept and not older:  # the team's own Makefile has none of Recur's targets
        _where_recur_comes_from(directory, wheel, "CI installs", named)
        _kept_makefile(directory)
        return
    _where_recur_comes_from(directory, wheel, "make install and CI install", named)
    click.echo("  " + _first_step(directory))
    if older:  # an earlier recur init's, kept: its targets run this recur (found upgrading a 0.2.0 team KB)
        click.echo("  # the Makefile kept is Recur's, not as this recur init writes it: its targets run this recur;")
        click.echo(
            "  # merge this version's changes into it (recur init a-new-folder writes its Makefile: diff the two)"
        )
    if starter or has_patterns(directory):  # run again in a KB with patterns: "your first" was no next step
        click.echo("  make test      # check, near-duplicates, eval, the site: as CI runs them on a change")
        from recur.kb.init import serve_url

        click.echo(f"  make run       # the site and the suggest API on {serve_url()}")
        if not starter:
            click.echo("  .venv/bin/recur new pattern    # the next failure pattern (asks for what it needs)")
    else:
        click.echo("  .venv/bin/recur new pattern    # your first failure pattern (asks for what it needs)")
        click.echo("  make test                      # then check it as CI will")


def _names_wheel(named: tuple[str, str] | None, name: str) -> bool:
    """Whether requirements.txt (``named``: how it names recur) names the wheel ``name`` in wheels/, as
    ``./wheels/NAME`` or ``wheels/NAME`` (pip reads both: the line without ``./`` was told to name the wheel it
    named)."""
    from recur.kb.init import WHEELS

    how, line = named or ("none", "")
    return how == "wheel" and line.removeprefix("./") == f"{WHEELS}/{name}"


def _has_files(directory: Path) -> bool:
    """Whether ``directory`` holds anything but a .git: a repository init adds to, not one it creates."""
    return directory.is_dir() and any(p.name != ".git" for p in directory.iterdir())


def _recur_line(named: tuple[str, str] | None) -> str:
    """The line of requirements.txt (``named``: how it names recur) that installs recur (a pin, another wheel's
    file), else "recur's pin": a kept line naming an older wheel was called recur's pin when --wheel named the
    new one (found in re-read)."""
    how, line = named or ("none", "")
    return line if how in ("pin", "wheel") else "recur's pin"


def _where_recur_comes_from(directory: str, wheel: str | None, installs: str, named) -> None:
    """Where pip finds recur, as the repository's requirements.txt says (``named``: kb.init.recur_requirement's
    reading of it; read, not assumed: run again in a repository whose requirements.txt names the wheel, init
    gave the advice for a pin; found in review)."""
    from recur import __version__

    how, line = named or ("pin", "")
    if wheel is not None:  # requirements.txt names the wheel: pip needs no index for recur
        click.echo(f"  commit wheels/{Path(wheel).name} with the rest: {installs} recur from it")
    elif how == "wheel" and (Path(directory) / line).is_file():
        click.echo(f"  requirements.txt names {line}: commit it with the rest; {installs} recur from it")
    elif how == "wheel":
        click.echo(
            f"  requirements.txt names {line}, which is not there: copy recur's wheel there "
            "(recur init --keep-existing --wheel FILE does) and commit it"
        )
    elif how == "none":
        click.echo(
            f"  requirements.txt (kept) does not name recur: add recur=={__version__} (from your package index; the "
        )
        click.echo("  `recur` on the public PyPI is another project) or a wheel's path (--wheel FILE copies one)")
    else:
        click.echo(
            "  first, tell pip where recur comes from: requirements.txt pins it, and the `recur` on the public PyPI"
        )
        click.echo("  is another project (set PIP_INDEX_URL to your index, or name the wheel file: see its comment)")
    other = {"pin": _other_pin, "wheel": _other_wheel}.get(how) if wheel is None else None
    old = other(directory, line) if other else None  # a pin's or a wheel's of another recur version
    if old:
        click.echo(old)
    if wheel is None and _pins_this_build(how, line) and _development_build(__version__):
        _dev_build_note(__version__)


def _other_pin(directory: str, line: str) -> str | None:
    """The step to take when requirements.txt pins another recur than this one (``recur==0.2.0``): the line to
    write in its place and the constraints to make again. Init does not change the pin: constraints.txt pins the
    old version's dependencies (make constraints writes them again), and the upgrade is a pull request of its
    own. Run on a 0.2.0 repository, init said nothing of it and the team's CI kept installing 0.2.0 (found in
    an upgrade review)."""
    from recur import __version__
    from recur.kb.init import pinned_version

    have = pinned_version(line)
    if have is None or have == __version__:
        return None
    new = re.sub(r"(={2,3}\s*)" + re.escape(have), lambda m: m.group(1) + __version__, line, count=1)
    # a development build's version is on no index unless the team published it (_dev_build_note, said short)
    dev = (
        f" ({__version__} is no release: pin it if your index has its wheel, else name the wheel: recur init "
        f"--keep-existing --wheel FILE {directory})"
        if _development_build(__version__)
        else ""
    )
    return (
        f"  requirements.txt pins {line}, not this recur ({__version__}): make install and CI install {have} until "
        f"that line says {new}{dev}.\n  Change it, then run {_remake(directory)}; commit requirements.txt, "
        "constraints.txt and KB-FORMAT.md together"
    )


def _other_wheel(directory: str, line: str) -> str | None:
    """The step to take when requirements.txt names another recur's wheel file (``./wheels/recur-0.2.0-py3-none-
    any.whl``), read from the file's name: the pin's note (``_other_pin``) was said of a pin alone, and a team
    without an index kept installing the old wheel without a word (found in review)."""
    from recur import __version__
    from recur.kb.init import wheel_version

    have = wheel_version(line)
    if have is None or have == __version__:
        return None
    return (
        f"  requirements.txt names {line}, recur {have}, not this recur ({__version__}): make install and CI "
        f"install {have} until that line names this recur's wheel. Build it (make wheel in Recur's checkout), then "
        f"recur init --keep-existing --wheel FILE {directory} copies it into wheels/: name its file in that line.\n"
        f"  Then run {_remake(directory)}; commit requirements.txt, constraints.txt, KB-FORMAT.md and the new wheel "
        "together (the old one can go)"
    )


def _recur_makefile(directory: str) -> bool:
    """Whether the repository's Makefile is one a ``recur init`` wrote (this version's or an earlier one's): it
    has the ``constraints`` target, which runs ``recur init --constraints-only`` (a team's own may have a
    ``constraints`` target of its own), and the targets the next steps name (``install``, ``test``, ``run``): a
    team's own Makefile with Recur's ``constraints`` target merged in, as init advises, has no others of them,
    and was called Recur's, its next steps ``make install`` and ``make test`` (found in re-read)."""
    makefile = Path(directory) / "Makefile"
    text = makefile.read_text(encoding="utf-8", errors="replace") if makefile.is_file() else ""
    targets = set(re.findall(r"(?m)^([A-Za-z][\w.-]*)[ \t]*:(?!=)", text))
    return {"constraints", "install", "test", "run"} <= targets and "init --constraints-only" in text


def _remake(directory: str) -> str:
    """The command that writes constraints.txt (and KB-FORMAT.md) for this recur: the Makefile's target when the
    repository has Recur's Makefile, else recur's own option. A ``constraints`` target is Recur's when it runs
    ``recur init --constraints-only``: a team's own (pip-compile of its own requirements) was named to run (found
    in re-read)."""
    makefile = Path(directory) / "Makefile"
    text = makefile.read_text(encoding="utf-8", errors="replace") if makefile.is_file() else ""
    ours = re.search(r"(?m)^constraints[ \t]*:(?!=)", text) and "init --constraints-only" in text
    return "make constraints" if ours else f"recur init --constraints-only {directory} with it installed"


def _pins_this_build(how: str, line: str) -> bool:
    """Whether requirements.txt pins this recur (as init writes it), or names none (the next steps say to add
    this version). A kept file's pin of another version (``recur==0.2.0``, --keep-existing) is on its index:
    the development build's note named ``recur==0.2.1.dev0`` for it all the same (found in a re-read)."""
    from recur import __version__
    from recur.kb.init import pinned_version

    if how == "none" or (how == "pin" and not line):
        return True
    return how == "pin" and pinned_version(line) == __version__


def _development_build(version: str) -> bool:
    """A version no release has: a development or pre-release (0.2.1.dev0, main between releases) or a
    local build (+label). Found in an upgrade review: main said the release's own version, and a pin of
    a development build names what no package index has unless the team published it."""
    from packaging.version import InvalidVersion, Version

    try:
        v = Version(version)
    except InvalidVersion:
        return True
    return v.is_prerelease or v.local is not None  # is_prerelease holds for a .dev release too


def _dev_build_note(version: str) -> None:
    click.echo(
        f"  note: this recur is a development build ({version}), not a release: no package index has recur=={version}"
    )
    click.echo(
        "  unless you publish its wheel there. Without one, build the wheel (make wheel in Recur's checkout), copy"
    )
    click.echo("  it into wheels/ and name it in requirements.txt in place of the pin (init --wheel FILE does both)")


def _kept_makefile(directory: str) -> None:
    """What to do with the team's own Makefile kept: install recur as Recur's Makefile would, then Recur's
    targets, and the ``make`` calls (with the variables they pass) of the workflows init wrote, all read from
    the files init writes. Found in review: the hint named install/check/site/report/test/run, where kb.yml
    also runs make similar and make eval and passes REPORT_FORMAT/REPORT_OUT to make report; and, adopting
    Recur, it said to run Recur's commands where nothing had installed them."""
    from recur.kb.init import constraints_python, make_targets, workflow_make_calls

    python, venv, torch = _makefile_default("PYTHON"), _makefile_default("VENV"), _makefile_default("TORCH_INDEX")
    pip = f"{venv}/bin/python -m pip install -r requirements.txt --extra-index-url {torch}"
    click.echo(f"  {_first_step(directory, f'{python} -m venv {venv} && {pip}')}")
    # the Makefile's check of it is in the Makefile not used here: said, or pip's "no matching distribution" is all
    want = constraints_python(directory)
    click.echo(f"  # {python} must be Python {want}, the one constraints.txt was made on (its first line);")
    click.echo(f"  # where it is not, run python{want} -m venv in its place")
    click.echo(f"  # installs recur in {venv}/ as the install target of Recur's Makefile does, torch's CPU build from")
    click.echo("  # that index; where it does not answer (a network that reaches only a PyPI mirror), pip stalls for")
    click.echo("  # minutes on it: leave out --extra-index-url and its URL")
    recur = f"{venv}/bin/recur"
    click.echo(f"  {recur} check --strict            # your Makefile was kept: run Recur's commands directly,")
    click.echo(f"  {recur} site --strict && {recur} serve  # or merge its targets: {', '.join(make_targets())}")
    said = [f"{name}: {', '.join(calls)}" for name, calls in workflow_make_calls().items() if calls]
    said[0] = said[0].replace(":", " calls those make targets:", 1)
    click.echo(f"  (.github/workflows/{'; '.join(said)}. Merge them, with the variables they pass, before the first "
               "pull request)")  # fmt: skip


def _makefile_default(name: str) -> str:
    """The default of the Makefile init writes for its variable ``name`` (its ``NAME ?= value`` line)."""
    from recur.util.resources import templates_dir

    text = (templates_dir() / "init" / "Makefile").read_text(encoding="utf-8")
    return re.search(rf"^{name}\s*\?=\s*(\S+)", text, re.M).group(1)


def _first_step(directory: str, install: str = "make install") -> str:
    """``cd DIR && git init -b main && make install``, without the ``cd`` into the folder recur already runs
    in and without ``git init`` in a repository git already tracks (``--keep-existing``'s usual case). ``-b
    main``: kb.yml runs on a push to main (GitHub Actions has no filter for "the default branch"), and a plain
    `git init` makes ``master``, whose pushes never ran it (found by a first-time pattern author)."""
    import shlex

    from recur.kb.init import workflow_branch

    steps = [] if Path(directory).resolve() == Path.cwd().resolve() else [f"cd {shlex.quote(directory)}"]
    if repository_root(directory) is None:
        steps.append(f"git init -b {workflow_branch()}")
    return " && ".join([*steps, install])


@click.command("kb-format")
@click.option(
    "--out",
    type=OutFile(),
    help="Write it to FILE (replacing it, atomically) instead of printing it, e.g. --out KB-FORMAT.md; - is stdout.",
)
def kb_format(out):
    """Print the KB format reference of this recur (Markdown): the files of a knowledge base and what
    each may hold.

    \b
    recur init writes it into a new repository as KB-FORMAT.md; after an upgrade,
    recur kb-format --out KB-FORMAT.md (which the repository's make constraints runs)
    writes the new version's.
    """
    from recur import __version__
    from recur.kb.init import format_reference

    text = format_reference(__version__)
    if out is None:
        click.echo(text, nl=False)
        return
    write_out(out, text)
