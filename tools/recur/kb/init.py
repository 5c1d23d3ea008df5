"""``recur init``: a new knowledge-base repository, the way ``mkdocs new`` starts a docs project.

The repository holds the team's content (``kb/``, extra site pages) and its own CI, pre-commit
hooks, Makefile and pinned Recur version; Recur itself stays an installed tool, so upgrading it
is a one-line change to ``requirements.txt``, never a merge of our starter content into theirs.
Nothing is overwritten: init lists every file that is in the way and writes nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import uuid
from pathlib import Path

from recur import config
from recur.kb.loader import DEFAULT_SEVERITY, FORMAT_FILE, KB_FORMAT
from recur.util.errors import RecurError
from recur.util.files import write_atomic
from recur.util.resources import kb_format_doc, starter_dir, templates_dir
from recur.util.text import cut_list, plural, yaml_string

EMPTY_CASES = """\
# Retrieval cases: how a responder would describe a failure, and the pattern(s) that answer it.
# `recur eval` measures search on them in CI: a case is a hit when any one of its `expect` ids
# ranks in the top k (recall@k), not all of them. Add one with every new pattern, in a
# responder's words (not copied from the pattern's symptoms).
#
# - query: "checkout returns 502 after the 14:00 deploy, pods restarting"
#   expect: [bad-deploy-crashloop]
"""
KEEP = "Kept so git records the folder; recur ignores hidden files.\n"
CONSTRAINTS = "constraints.txt"
REQUIREMENTS = "requirements.txt"
WHEELS = "wheels"  # where `recur init --wheel` copies the wheel, for a team without a package index
FORMAT_DOC = "KB-FORMAT.md"  # the KB format reference, at the repository's root (format_reference)
PYTHON_VERSION_FILE = ".python-version"  # the Python constraints.txt was made on (pyenv, setup-python read it too)


def python_version() -> str:
    """The Python major.minor init runs on: the one whose packages constraints.txt pins. numpy 2.4 pinned
    on 3.11 has no release for 3.10, and a team on 3.10 got pip's "no matching distribution", which blamed
    the package index (found in review): the workflows, .python-version, the Makefile's check and the
    README name it."""
    import sys

    return f"{sys.version_info.major}.{sys.version_info.minor}"


# constraints.txt's first line, as ``constraints`` writes it: "… where `recur init` ran (Python 3.11.9, Linux x86_64)."
_MADE_ON = re.compile(r"where `recur init` ran \(Python (\d+)\.(\d+)")


def constraints_python(dest) -> str:
    """The Python major.minor ``dest``/constraints.txt was made on, as its first line says; the one init runs on
    when there is none or it does not say (a team's own). The pins install on it: a kept .python-version naming
    another one had the workflows and the README say init's, and nothing said the two differ (found in review)."""
    try:
        with open(Path(dest) / CONSTRAINTS, encoding="utf-8", errors="replace") as f:
            made = _MADE_ON.search(f.readline())
    except OSError:
        made = None
    return f"{made.group(1)}.{made.group(2)}" if made else python_version()


# the same line's recur: "… installed with recur 0.2.0 where `recur init` ran …"
_MADE_WITH = re.compile(r"installed with recur (\S+) where `recur init` ran")


def constraints_recur(dest) -> str | None:
    """The recur version ``dest``/constraints.txt says it was made with (its first line), or None: no such file,
    or a team's own (pip-compile) that does not say."""
    try:
        with open(Path(dest) / CONSTRAINTS, encoding="utf-8", errors="replace") as f:
            made = _MADE_WITH.search(f.readline())
    except OSError:
        return None
    return made.group(1) if made else None


def kept_python(dest) -> str | None:
    """The major.minor ``dest``/.python-version names ("3.12.1" → "3.12"), or None (no file, no version in it)."""
    try:
        words = (Path(dest) / PYTHON_VERSION_FILE).read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return None
    return ".".join(words[0].split(".")[:2]) if words and re.fullmatch(r"\d+\.\d+(\.\S*)?", words[0]) else None


def serve_url() -> str:
    """Where `make run` (recur serve with its defaults) serves: the README and init's next steps name it."""
    return f"http://{config.default('host')}:{config.default('port')}/"


# a `make` call of a workflow init writes: "run: make report REPORT_FORMAT=markdown REPORT_OUT=…" or a line of a
# run block (a comment's "# make report fails …" is none)
_MAKE_CALL = re.compile(r"(?:-\s*)?(?:run:\s*)?make\s+([a-z][\w-]*)(.*)")


def make_targets() -> list[str]:
    """The targets of the Makefile init writes (its .PHONY line), in its order."""
    text = (templates_dir() / "init" / "Makefile").read_text(encoding="utf-8")
    return next(line.split()[1:] for line in text.splitlines() if line.startswith(".PHONY:"))


def workflow_make_calls() -> dict[str, list[str]]:
    """{file name: its ``make`` calls, in order, each once, as "TARGET VAR=… …" with the variables it
    passes} of the workflows init writes (.github/workflows/): what a team that keeps its own Makefile must
    merge, read from them so that what init says of them cannot drift from what they run."""
    calls: dict[str, list[str]] = {}
    for path in sorted((templates_dir() / "init" / ".github" / "workflows").glob("*.yml")):
        said = calls.setdefault(path.name, [])
        for line in path.read_text(encoding="utf-8").splitlines():
            m = _MAKE_CALL.fullmatch(line.strip())
            if m:
                call = " ".join([m.group(1), *(f"{v}=…" for v in re.findall(r"\b([A-Z][A-Z0-9_]*)=", m.group(2)))])
                said += [] if call in said else [call]
    return calls


def workflow_branch() -> str:
    """The branch whose pushes kb.yml runs on (its ``on: push: branches:``), read from the template: GitHub
    Actions has no filter for "the repository's default branch", so the workflow names one, and what init
    says of it (``git init -b BRANCH``) cannot drift from it."""
    import yaml

    flow = yaml.safe_load((templates_dir() / "init" / ".github" / "workflows" / "kb.yml").read_text(encoding="utf-8"))
    return flow.get("on", flow.get(True))["push"]["branches"][0]  # YAML 1.1 reads a bare `on` key as true


def flow_branches(path: Path) -> list[str] | None:
    """The branches whose pushes the workflow at ``path`` runs on (its ``on: push: branches:``, as written:
    a name or a glob), or None when it does not say (no such file, YAML that does not read, a push to any
    branch, or no push at all): a team's own kb.yml kept by `recur init --keep-existing` names its own."""
    import yaml

    try:
        flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    on = flow.get("on", flow.get(True)) if isinstance(flow, dict) else None  # YAML 1.1 reads a bare `on` as true
    push = on.get("push") if isinstance(on, dict) else None
    branches = push.get("branches") if isinstance(push, dict) else None
    branches = [branches] if isinstance(branches, str) else branches
    if not isinstance(branches, list) or not branches:
        return None
    return [str(b) for b in branches]


def plan(name: str, starter: bool, version: str, python: str | None = None) -> dict[str, bytes]:
    """{path relative to the new repository: content} for everything init writes. ``name`` is
    one line (``site_name``): mkdocs.yml gets it as a quoted YAML string, the comments as it is.
    ``python``: the major.minor the workflows, README and .python-version name (constraints.txt's; default
    the one init runs on)."""
    python = python or python_version()
    files: dict[str, bytes] = {}
    root = templates_dir() / "init"
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            text = path.read_text(encoding="utf-8").replace("@@NAME_YAML@@", yaml_string(name))
            text = text.replace("@@NAME@@", name).replace("@@VERSION@@", version).replace("@@SERVE_URL@@", serve_url())
            text = text.replace("@@PYTHON@@", python)
            files[path.relative_to(root).as_posix()] = text.encode("utf-8")
    files[CONSTRAINTS] = constraints(version).encode("utf-8")
    files[PYTHON_VERSION_FILE] = f"{python}\n".encode()
    files[FORMAT_DOC] = format_reference(version).encode("utf-8")
    files[f"kb/{FORMAT_FILE}"] = (
        "# The KB format version this knowledge base is written to. recur check reads it and names a KB\n"
        f"# newer than the installed recur. The format is described in {FORMAT_DOC}, at the repository's root\n"
        "# (`recur kb-format` prints the installed recur's).\n"
        f"format: {KB_FORMAT}\n"
        "# Your team's own top-level front-matter keys (a `last_reviewed:` on each pattern), which recur check\n"
        "# then keeps without a warning, once this line is uncommented:\n"
        "# own_keys: [last_reviewed]\n"
    ).encode()
    files["kb/severity.yml"] = _severity_yaml().encode()
    files["kb/eval/cases.yml"] = EMPTY_CASES.encode()
    for folder in ("patterns", "incidents", "paths"):
        files[f"kb/{folder}/.gitkeep"] = KEEP.encode()
    if starter:
        files.update(_starter_files())
    return files


def format_reference(version: str) -> str:
    """The KB format reference as this recur ships it (docs/kb-format.md, package data), with a line
    under its title saying whose it is: the copy `recur init` writes (KB-FORMAT.md) and what `recur
    kb-format` prints. A team that installs the wheel has no checkout of Recur's docs/ to read it in
    (kb/recur.yml pointed there; found in review)."""
    src = kb_format_doc()
    try:
        text = src.read_text(encoding="utf-8")
    except OSError:
        raise RecurError(f"the KB format reference is missing from this install ({src}); reinstall recur") from None
    title, _, rest = text.partition("\n")
    note = (
        f"> The KB format reference of Recur {version}, from its installed package. `recur kb-format` prints the "
        f"installed Recur's; in a KB repository, `make constraints` writes it to {FORMAT_DOC} again after an upgrade."
    )
    return f"{title}\n\n{note}\n{_plain_doc_links(rest)}"


# A Markdown code span or fence (left as written: its links are examples), or a link to another page of Recur's
# docs/ ("[ranking](ranking.md#typos)"), which the copy has not: KB-FORMAT.md linked ranking.md (found adopting)
_CODE_OR_DOC_LINK = re.compile(r"(`+).*?\1|\[([^\]\n]+)\]\(([\w-]+\.md)(?:#([\w-]+))?\)", re.S)


def _plain_doc_links(text: str) -> str:
    """``text`` with its links to Recur's other docs pages as plain text naming the page in Recur's source tree,
    ``ranking, in Recur's docs/ranking.md, "How suggestions are ranked"``: the reference's own anchors (#...) and
    the examples in code stay."""

    def plain(m: re.Match) -> str:
        if m.group(1):
            return m.group(0)
        section = f', "{m.group(4).replace("-", " ").capitalize()}"' if m.group(4) else ""
        return f"{m.group(2)}, in Recur's docs/{m.group(3)}{section}"

    return _CODE_OR_DOC_LINK.sub(plain, text)


def constraints(version: str) -> str:
    """constraints.txt: the versions of recur's dependencies (its closure, not the whole
    environment) installed with the recur running init; requirements.txt applies it with ``-c``."""
    import platform

    from recur.util.pins import installed_closure

    pins = installed_closure("recur")
    where = f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    lines = [
        f"# The versions of recur's dependencies installed with recur {version} where `recur init` ran ({where}).",
        "# requirements.txt applies them (-c), so `make install` and CI install these, not whatever was released",
        "# since. A constraint installs nothing: on another platform the packages it does not need are skipped.",
        "# After changing recur's pin in requirements.txt, `make constraints` writes this file again.",
    ]
    if "recur" in pins.missing:  # run from a source tree: which dependencies it has is not known
        lines.append("# recur ran from a source tree, not an installed package: nothing is pinned.")
    elif pins.missing:  # required here, but not installed where init ran: nothing known to pin
        lines.append(f"# Not installed where init ran, so not pinned: {', '.join(pins.missing)}")
    lines += [f"{name}=={pins.versions[name]}" for name in sorted(pins.versions)]
    return "\n".join(lines) + "\n"


def write_constraints(dest) -> Path:
    """Write ``dest``/constraints.txt again (``recur init --constraints-only``, which `make constraints`
    runs after recur's pin changed): the one file init replaces, in a repository it made before."""
    from recur import __version__

    dest = Path(dest)
    if not dest.is_dir():
        raise RecurError(f"{dest}: is not a folder (--constraints-only writes constraints.txt into a KB repository)")
    write_atomic(dest / CONSTRAINTS, constraints(__version__), overwrite=True)
    return dest / CONSTRAINTS


def with_wheel(requirements: bytes, wheel: Path, version: str) -> dict[str, bytes]:
    """``recur init --wheel``: the wheel's copy in wheels/ and requirements.txt naming it (relative to
    the repository's root, where `make install` and CI run pip, which reads such a path from its
    working folder) in place of the ``recur==VERSION`` pin; every other line as it was. Only this
    recur's own wheel will do: constraints.txt pins the dependencies it was installed with."""
    data = _wheel_bytes(wheel, version)
    pin = re.compile(rf"^recur=={re.escape(version)}$", re.M)
    text, found = pin.subn(f"./{WHEELS}/{wheel.name}", requirements.decode("utf-8"))
    if found != 1:  # the template changed: better to stop than to install from the index unasked
        raise RecurError(f"{REQUIREMENTS}: this recur's template has no recur=={version} line to replace")
    return {REQUIREMENTS: text.encode("utf-8"), f"{WHEELS}/{wheel.name}": data}


def _wheel_bytes(wheel: Path, version: str) -> bytes:
    """The content of ``wheel`` once its file name (the wheel file-name spec: name, version, tags)
    says it is this version of recur, and it is a zip archive, as every wheel is."""
    import io
    import zipfile

    from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
    from packaging.version import Version

    where = f"--wheel {wheel}"
    if not wheel.is_file():
        raise RecurError(f"{where}: {'a folder, not a wheel file' if wheel.is_dir() else 'no such file'}")
    # a requirements line ends at whitespace and a comment at "#": a name pip would misread is no wheel's
    if not re.fullmatch(r"[\w.+!-]+\.whl", wheel.name, re.ASCII):
        raise RecurError(f"{where}: not a wheel's file name (NAME-VERSION-PYTHON-ABI-PLATFORM.whl)")
    try:
        dist, have, _, _ = parse_wheel_filename(wheel.name)
    except InvalidWheelFilename as exc:
        raise RecurError(f"{where}: not a wheel's file name ({exc})") from None
    if dist != canonicalize_name("recur"):
        raise RecurError(f"{where}: a wheel of {dist}, not of recur")
    if have != Version(version):
        raise RecurError(
            f"{where}: recur {have}, but this recur is {version} (init pins the dependencies installed with it): "
            f"run init with recur {have}, or pass the wheel of {version}"
        )
    try:
        data = wheel.read_bytes()
    except OSError as exc:
        raise RecurError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RecurError(f"{where}: not a zip archive, as a wheel is (a download cut short?)")
    return data


def _severity_yaml() -> str:
    lines = ["# The severity framework: review level and how soon a review is due, per severity.", "levels:"]
    for key, level in DEFAULT_SEVERITY.items():
        parts = [f"name: {level['name']}", f"review: {level['review']}"]
        if level.get("review_within_days"):
            parts.append(f"review_within_days: {level['review_within_days']}")
        lines.append(f"  {key}: {{{', '.join(parts)}}}")
    return "\n".join(lines) + "\n"


def _starter_files() -> dict[str, bytes]:
    """The shipped starter catalog: patterns, onboarding paths, eval cases and the severity
    framework; not the example incidents, nor the patterns' `fix:` tracking (both describe a
    fictional company's history: its due dates would fail a new team's `report --fail-on
    overdue`, the scheduled CI run, on day one)."""
    src = starter_dir()
    out = {}
    for sub, pattern in (("patterns", "**/*.md"), ("paths", "*.yml"), ("eval", "*.yml"), (".", "severity.yml")):
        for path in sorted((src / sub).glob(pattern)):
            if path.is_file():
                data = path.read_bytes()
                out[f"kb/{path.relative_to(src).as_posix()}"] = _without_fix(data) if sub == "patterns" else data
    if not any(k.startswith("kb/patterns/") and k.endswith(".md") for k in out):
        raise RecurError(f"the starter catalog is missing from this install ({src}); reinstall recur")
    return out


def _without_fix(data: bytes) -> bytes:
    """A pattern file without the `fix:` mapping of its front matter, byte for byte otherwise
    (the Markdown's `## Permanent fix` section, the knowledge, stays)."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return data
    out, skipping = [lines[0]], False
    for i, line in enumerate(lines[1:], 1):
        if line.rstrip() == "---":  # the end of the front matter: the rest as it is
            return "".join(out + lines[i:]).encode("utf-8")
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = line.startswith("fix:")
        if not skipping:
            out.append(line)
    return data


def init_repository(dest, *, starter: bool = False, name: str | None, keep=None, wheel=None) -> list[str]:
    """Write a new KB repository into ``dest`` (missing or without any of init's files); returns
    the paths written, relative to ``dest``. ``keep``: a list; with it, files that already exist
    (a team repository's README.md, .gitignore ...) are left as they are and appended to it
    instead of stopping init. A file where init needs a folder always stops it. ``wheel``: a recur
    wheel file, copied into wheels/ and named by requirements.txt in place of the pin."""
    from recur import __version__

    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise RecurError(f"{dest}: exists and is not a folder")
    # a kept constraints.txt's Python, not init's: its pins are what installs (constraints_python)
    python = constraints_python(dest) if keep is not None else None
    files = plan(_site_name(name, dest), starter, __version__, python)
    if wheel is not None:
        files.update(with_wheel(files[REQUIREMENTS], Path(wheel), __version__))
    conflicts = sorted({c for rel in files if (c := _in_the_way(dest, rel))})
    if keep is not None:
        kept = [c for c in conflicts if c in files and (dest / c).is_file()]
        # a file as init writes it (init run again) is left too, but is no team file to merge by hand
        keep += [c for c in kept if not _as_init_makes(c, _read_bytes(dest / c), files[c])]
        conflicts = [c for c in conflicts if c not in kept]
        files = {rel: data for rel, data in files.items() if rel not in kept}
    if starter and keep is not None and "kb/severity.yml" in keep:
        _starter_fits(dest / "kb/severity.yml", files)
    if starter and keep is not None:
        _starter_ids_free(dest / "kb", files, keep)
    if conflicts:
        shown = "\n  ".join(cut_list(conflicts))
        hint = "" if keep is not None else "\n(--keep-existing writes the others and leaves these as they are)"
        raise RecurError(
            f"{dest}: {plural(len(conflicts), 'file')} already exist{'s' if len(conflicts) == 1 else ''}; nothing was written:\n  {shown}{hint}"
        )
    if not dest.exists():
        _write_new(dest, files)
    else:
        for rel, data in files.items():
            write_atomic(dest / rel, data if rel.startswith(f"{WHEELS}/") else data.decode("utf-8"))
    return list(files)


def team_content(rel: str) -> bool:
    """Whether ``rel`` (a path init writes, relative to the repository) is the team's KB content: kb/ and
    all in it (patterns, incidents, eval cases, severity.yml ...). Kept by ``--keep-existing`` it is the
    team's own, never a file to merge Recur's lines into: run again in a repository init made (the upgrade
    path), its eval cases were listed "to merge by hand" (found in review)."""
    return rel.startswith("kb/")


def recur_requirement(dest) -> tuple[str, str] | None:
    """How ``dest``/requirements.txt names recur: ``("wheel", "./wheels/recur-….whl")`` (a wheel file's path,
    on a line of its own), ``("pin", "recur==0.2.1")``, ``("none", "")`` when it names neither (a team's
    own file), or None when there is no requirements.txt to read."""
    try:
        text = (Path(dest) / REQUIREMENTS).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for raw in text.splitlines():
        how = _names_recur(raw.strip())
        if how is not None:
            return (how, raw.split(" #", 1)[0].strip())
    return ("none", "")


def pinned_version(line: str) -> str | None:
    """The version a requirements line pins recur to exactly (``recur==0.2.0`` → "0.2.0"), else None (a range,
    no version, not a requirement)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        spec = list(Requirement(line).specifier)
    except InvalidRequirement:
        return None
    return spec[0].version if len(spec) == 1 and spec[0].operator in ("==", "===") else None


def wheel_version(line: str) -> str | None:
    """The version a requirements line naming a recur wheel file says in the file's name
    (``./wheels/recur-0.2.0-py3-none-any.whl`` → "0.2.0"), else None (no wheel's name, another project's)."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    try:
        name, version, _, _ = parse_wheel_filename(line.replace("\\", "/").rsplit("/", 1)[-1])
    except InvalidWheelFilename:
        return None
    return str(version) if name == "recur" else None


def required_version(named: tuple[str, str] | None) -> str | None:
    """The one recur version a requirements.txt that names recur as ``named`` (``recur_requirement``'s answer)
    installs: its exact pin's (``recur==0.2.0``) or its wheel file's (``./wheels/recur-0.2.0-py3-none-any.whl``),
    else None (a range, no recur, no file)."""
    how, line = named or ("none", "")
    if how == "pin":
        return pinned_version(line)
    return wheel_version(line) if how == "wheel" else None


# the note format_reference writes under the title: "> The KB format reference of Recur 0.2.0, from …"
_REFERENCE_OF = re.compile(r"^> The KB format reference of Recur (\S+?),", re.M)


def reference_version(dest) -> str | None:
    """The Recur version whose format reference ``dest``/KB-FORMAT.md is, as its note line says; None when there
    is no such file or it does not say (a team's own)."""
    try:
        with open(Path(dest) / FORMAT_DOC, encoding="utf-8", errors="replace") as f:
            made = _REFERENCE_OF.search(f.read(4096))
    except OSError:
        return None
    return made.group(1) if made else None


def has_patterns(dest) -> bool:
    """Whether the KB in ``dest`` has a pattern file of its own (what init's next steps say depends on it)."""
    folder = Path(dest) / "kb" / "patterns"
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*.md"))


def _as_init_makes(rel: str, have: bytes | None, want: bytes) -> bool:
    """Whether the kept file ``rel`` is as init writes it: byte for byte, or, for requirements.txt, but for
    where recur comes from (``recur init --wheel`` writes the wheel's path in place of the pin). Run again
    without --wheel, init listed the requirements.txt it had written with it to merge by hand (found in
    review)."""
    if have == want:
        return True
    if rel != REQUIREMENTS or have is None:
        return False

    def lines(data: bytes) -> list[str]:
        text = data.decode("utf-8", errors="replace")
        return ["recur" if _names_recur(line.strip()) else line.rstrip() for line in text.splitlines()]

    return lines(have) == lines(want)


def _names_recur(line: str) -> str | None:
    """ "wheel" or "pin" when the requirements line ``line`` names recur (a recur wheel's path, a recur
    requirement), else None."""
    line = line.split(" #", 1)[0].strip()
    if not line or line.startswith(("#", "-")):
        return None
    if re.search(r"(^|/)recur-[^/\s]*\.whl$", line):
        return "wheel"
    return "pin" if re.match(r"recur\s*(\[[^]]*\])?\s*([=<>!~;@]|$)", line, re.I) else None


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _starter_fits(kept: Path, files: dict[str, bytes]) -> None:
    """The starter catalog's records name severities (sev1..sev4): with the team's own severity.yml
    kept, every one must be a level of it, or every starter pattern fails `recur check` (init said
    it had succeeded)."""
    import yaml

    from recur.kb.parse import ParseError, check_nesting, check_size

    try:
        text = kept.read_text(encoding="utf-8")
        check_nesting(text)  # PyYAML's reader, by recursion: "[" 1,000 deep was a traceback
        check_size(text)  # and its cost per value: 1 MiB of "x," took it 10 s
        levels = (yaml.safe_load(text) or {}).get("levels") or {}
        have = {str(k) for k in levels} if isinstance(levels, dict) else set()
    except ParseError as exc:
        raise RecurError(f"{kept}:{exc.line}: {exc.message}; nothing was written") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
        have = set()
    used = {
        m.group(1)
        for rel, data in files.items()
        if rel.startswith(("kb/patterns/", "kb/incidents/"))
        for m in re.finditer(r"(?m)^severity:\s*([\w-]+)", data.decode("utf-8"))
    }
    if used - have:
        raise RecurError(
            f"{kept}: the starter patterns use severities {', '.join(sorted(used - have))}, which this kept "
            f"framework does not have ({', '.join(sorted(have)) or 'no levels read'}); nothing was written. "
            "Add those levels, or run init without --starter"
        )


def _starter_ids_free(kb: Path, files: dict[str, bytes], kept: list) -> None:
    """No starter pattern or incident may take an id the kept KB has in another file: a team's own
    patterns/storage/disk-full.md beside the starter's patterns/capacity/disk-full.md made both
    "duplicate pattern id" errors, left out of the site and search, and init said it had succeeded
    (found in review)."""
    ours = {rel.rsplit("/", 1)[-1] for rel in {*files, *kept} if rel.startswith(("kb/patterns/", "kb/incidents/"))}
    clashes = sorted(
        str(p.relative_to(kb.parent))
        for folder in ("patterns", "incidents")
        if (kb / folder).is_dir()
        for p in (kb / folder).rglob("*.md")
        if p.name in ours and f"kb/{p.relative_to(kb).as_posix()}" not in {*files, *kept}  # not the same file
    )
    if clashes:
        raise RecurError(
            f"{kb}: {len(clashes)} of the team's files {'has' if len(clashes) == 1 else 'have'} the id of a starter pattern or incident in another "
            f"folder ({', '.join(cut_list(clashes))}); nothing was written. Rename {'it' if len(clashes) == 1 else 'them'}, or run init without --starter"
        )


def _in_the_way(dest: Path, rel: str) -> str | None:
    """What in ``dest`` keeps init from writing ``rel``: the file itself, or a file (anything but
    a folder) where one of its folders goes; relative to ``dest``. None: the way is clear."""
    parts = rel.split("/")
    for n in range(1, len(parts) + 1):
        path = dest.joinpath(*parts[:n])
        if n == len(parts):
            return rel if path.exists() or path.is_symlink() else None
        if not path.is_dir() and (path.exists() or path.is_symlink()):  # a file, a broken link
            return "/".join(parts[:n])
        if not path.exists():
            return None
    return None


# characters a one-line title cannot hold: controls (newline, tab, NUL, C1), line and paragraph
# separators (line breaks to YAML), lone surrogates and unassigned code points
_NOT_IN_A_NAME = {"Cc", "Cs", "Cn", "Zl", "Zp"}


def _site_name(name: str | None, dest: Path) -> str:
    """The site and README title: ``--name``, else the folder's name; one line of text."""
    given = name is not None
    name = name if given else dest.resolve().name or "Knowledge base"
    where = "--name" if given else f"{dest}: the folder's name (the default title; pass --name)"
    bad = next((ch for ch in name if unicodedata.category(ch) in _NOT_IN_A_NAME), None)
    if bad is not None:
        raise RecurError(
            f"{where}: must be one line of text without control characters; {name!r} has {bad!r} "
            f"at position {name.index(bad) + 1}"
        )
    if not name.strip():
        raise RecurError(f"{where}: must not be empty")
    return name.strip()


def _write_new(dest: Path, files: dict[str, bytes]) -> None:
    """A folder that did not exist appears whole or not at all: built beside it, then renamed.
    The staging folder is made by mkdir, so it gets the mode any new folder gets (umask)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = dest.parent / f".{dest.name}.init-{uuid.uuid4().hex[:12]}"
    work.mkdir()
    try:
        for rel, data in files.items():
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.rename(work, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
