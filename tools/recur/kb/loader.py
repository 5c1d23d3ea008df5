"""Loading a knowledge base: files → the typed records of ``records.py``, with problems.

``load_kb`` never raises on bad content. It returns a KB holding every file that could be
read plus the list of problems found on the way (per-file schema problems here; the
cross-file checks live in ``check.py``). Files with errors are left out of the KB so that
search keeps working while an author fixes a typo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import os
import re
import stat
import unicodedata
from pathlib import Path

from recur.kb import schema
from recur.kb.parse import (
    FENCE_LINE,
    MAX_FILE_BYTES,
    MarkdownDoc,
    ParseError,
    YamlDoc,
    evidence_parts,
    front_matter_end,
    heading_inside,
    list_parts,
    load_yaml,
    lookalike_fence,
    no_comment,
    outside_fences,
    read_text,
    sections_of,
    split_front_matter,
    swallowed_heading,
    too_large,
    without_comments,
    yaml_slips,
)
from recur.kb.records import (
    KB,
    EvalCase,
    Fix,
    Flag,
    FollowUp,
    Incident,
    OnboardingPath,
    PathStep,
    Pattern,
    Review,
    SeverityLevel,
)
from recur.util.dates import LATEST, iso_date, shift
from recur.util.errors import CALLER, Problem, RecurError, on_command_line
from recur.util.stamp import stat_stamp
from recur.util.text import edit_distance, quoted, syntax_lookalike

KB_FORMAT = 1  # the KB format version this recur reads and writes (docs/kb-format.md)
FORMAT_FILE = "recur.yml"
# (the version that introduced a change, what an older KB must change: file and edit). Empty while
# every version-1 extension is optional; a format 2 that renames or requires something adds a row.
MIGRATIONS: list[tuple[int, str]] = []

DEFAULT_SEVERITY = {
    "sev1": {"name": "Critical", "review": "full", "review_within_days": 5},
    "sev2": {"name": "Major", "review": "full", "review_within_days": 10},
    "sev3": {"name": "Minor", "review": "light", "review_within_days": 20},
    "sev4": {"name": "Low", "review": "none"},
}


# images a pattern or an incident may show (![graph](graph.png)), kept beside it. Not SVG: an SVG is a
# document that can carry scripts, and opened at its own address on the site it would run them
ATTACHMENT_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def display_path(path: Path) -> str:
    """Path as shown in messages: relative to the working directory when possible."""
    try:
        return os.path.relpath(path, Path.cwd()) if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()


def in_kb(shown: str, root) -> str:
    """A path as ``display_path`` shows it (from the working folder) as a path in the KB at ``root``, as
    a record's relpath (``incidents/2026/INC-2026-0110.md``): for what is read away from this folder
    (the site, JSON); a file outside the KB by its name. Undone as ``display_path`` made it, without
    resolving links: a symlinked folder in the KB stays in it."""
    try:
        inside = os.path.relpath(os.path.abspath(shown), os.path.abspath(root))
    except ValueError:  # another drive
        return Path(shown).name
    return Path(shown).name if inside == os.pardir or inside.startswith(os.pardir + os.sep) else Path(inside).as_posix()


def require_patterns(kb: KB, ids, field: str) -> list[str]:
    """The ids as the patterns have them (``schema.given_id``: "Disk-Full" is disk-full), for the caller to
    record; else one error naming every id that no pattern file has, each with the ids it was probably meant to
    be, the list named ``field`` (what its caller calls it: ``util.errors.given_as``). A program's caller, not a
    person in the KB's checkout (MCP's record_incident: ``Caller.lists_ids``): the folder is named absolute, not
    relative to a working directory the caller does not share ("ids are the file names under
    ../rh-kbw/patterns/", found in review), and what lists them named."""
    from recur.util.text import close_ids

    listed_by = CALLER.get().lists_ids

    ids = [schema.given_id(pid) for pid in ids]
    unknown = [pid for pid in ids if not kb.pattern_known(pid)]
    if not unknown:
        return ids

    def name(pid):
        close = close_ids(pid, kb.pattern_files, cutoff=0.6)
        return f"{pid} (did you mean {', '.join(close)}?)" if close else pid

    folder = kb.root / "patterns"
    where = str(folder.resolve()) if listed_by else display_path(folder)
    also = f"; {listed_by} lists them" if listed_by else ""
    raise RecurError(
        f"{field}: unknown pattern id(s) {', '.join(map(name, unknown))}; ids are the file names under {where}/{also}"
    )


def onboarding_path_file(root, pid: str) -> str | None:
    """``paths/<pid>.yml`` (or .yaml) when the KB at ``root`` has an onboarding path of that id, else None: a
    path id given where a pattern id is wanted (`recur show first-week-on-call`, a step naming a path) is told
    so, not "no pattern with id" (found in a new-hire review)."""
    if not isinstance(pid, str) or not pid or "/" in pid or "\\" in pid or pid.startswith("."):
        return None
    for ext in (".yml", ".yaml"):
        try:
            if (Path(root) / "paths" / f"{pid}{ext}").is_file():
                return f"paths/{pid}{ext}"
        except (OSError, ValueError):  # a name no file system takes
            return None
    return None


# an incident id as `recur incident new` numbers them, in any letter case (the pattern ids' rule lowers it)
NUMBERED_INCIDENT = re.compile(r"INC-\d{4}-\d+", re.IGNORECASE)


def incident_record_file(root, iid: str) -> str | None:
    """``incidents/<year>/<ID>.md`` (its path in the KB at ``root``) when an incident record's file is named ``iid``
    in any letter case, else None: an incident's id given where a pattern id is wanted (MCP's get_pattern
    asked for an incident problem_report listed) is told so, not "no pattern with id 'inc-2026-0209'" (found in an
    MCP review). A numbered id is looked for in the year folder it names first, then any id in any folder: an id of
    its own (`recur incident new --id PAY-482`, which the pattern ids' rule gives as pay-482) was "no pattern" (found
    in a re-read). A record's file is named by its id (the loader's rule): the file's name is the id recorded."""
    if not isinstance(iid, str) or not schema.INCIDENT_ID.match(iid) or iid.upper() == "README":
        return None
    folder, name = Path(root) / "incidents", unicodedata.normalize("NFC", iid).casefold()
    try:
        if NUMBERED_INCIDENT.fullmatch(iid) and (folder / iid[4:8] / f"{iid.upper()}.md").is_file():
            return f"incidents/{iid[4:8]}/{iid.upper()}.md"
        found = sorted(
            p for p in folder.rglob("*.md") if unicodedata.normalize("NFC", p.stem).casefold() == name and p.is_file()
        )
    except OSError:
        return None
    found = [p.relative_to(Path(root)).as_posix() for p in found if not hidden(p.relative_to(folder).parts)]
    return found[0] if found else None


def require_kb_root(root: str | os.PathLike, flag: str = "--kb") -> Path:
    """``root`` if it is a KB folder (one with ``patterns/``), else a RecurError that says where one is.
    ``flag`` is the option that named it: its hints say that flag (`recur eval --baseline DIR` is told
    "did you mean --baseline DIR/kb?", not --kb, which names the other KB), and any other than --kb leads
    the message. Only a command's run (``on_command_line``) is told a flag to pass; a library's caller, the
    folder alone."""
    root = Path(root)
    said = f"{flag} {root}" if flag != "--kb" else str(root)
    if not root.is_dir():
        where = _where_is_the_kb(root, flag)
        if flag != "--kb":
            raise RecurError(f"{said}: knowledge base folder not found{where}")
        raise RecurError(f"knowledge base folder not found: {root}{where}")
    if not (root / "patterns").is_dir():  # the one folder the spec does not call optional (it may be empty)
        inner = _kb_within(root)
        if root.name == "patterns":
            hint = _did_you_mean(flag, root.parent)
        elif inner is not None:  # a KB repository's root, whose KB is its kb/
            hint = _did_you_mean(flag, inner)
        else:
            hint = _pass_flag(flag)
        raise RecurError(f"{said}: not a knowledge base: it has no patterns/ folder{hint}")
    return root


def _pass_flag(flag: str) -> str:
    """The hint when no KB is near: RECUR_KB stands for --kb alone, and a library caller is told no flag."""
    return " (pass --kb DIR or set RECUR_KB)" if flag == "--kb" and on_command_line() else ""


def _did_you_mean(flag: str, root) -> str:
    """The KB folder that was probably meant: as the flag to pass on the command line, as the folder in a library."""
    return f"; did you mean {flag} {root}?" if on_command_line() else f"; did you mean {root}?"


def _kb_within(root: Path) -> Path | None:
    """The KB folder just inside ``root`` (a KB repository's root given as --kb): its kb/ when that
    has patterns/, else the one folder of it that has; None when there is none or more than one."""
    try:
        found = sorted(d for d in root.iterdir() if not d.name.startswith(".") and (d / "patterns").is_dir())
    except OSError:
        return None
    if root / "kb" in found:
        return root / "kb"
    return found[0] if len(found) == 1 else None


def _where_is_the_kb(root: Path, flag: str = "--kb") -> str:
    """The hint for a KB folder that is not there: a newcomer who ran recur inside the KB repository's
    kb/ (or deeper) gets the --kb that works from there, instead of only "pass --kb DIR"."""
    if not root.is_absolute():
        here = Path.cwd()
        for folder in (here, *here.parents):
            for found in (folder / root, folder):
                # a folder of the name asked for, or one that says it is a KB (any patterns/ is too weak a sign)
                marked = found != folder or any((found / f).is_file() for f in (FORMAT_FILE, "severity.yml"))
                if marked and (found / "patterns").is_dir():
                    shown = os.path.relpath(found)
                    if not on_command_line():  # a library's caller passes a folder: no flag, no recur run
                        return f"; there is one at {shown}"
                    return f"; there is one at {shown}: pass {flag} {shown}, or run recur from {os.path.relpath(found.parent)}"
    return _pass_flag(flag)


def files_signature(root: Path) -> dict:
    """The stamp (util.stamp: size, mtime, ctime, inode) of every file a search index is built from: the
    patterns and incidents, and severity.yml and recur.yml, which decide which of them load. A stat walk, no
    reading. Hidden files are no KB records (another writer's temporary file, an editor's swap file), and a file
    gone between the walk and its stat (that temporary file, renamed into place) is left out: a writer running
    beside `recur new` made it a FileNotFoundError."""
    sig = {}
    paths = [root / name for name in ("severity.yml", FORMAT_FILE)]
    for sub in ("patterns", "incidents"):
        if (root / sub).is_dir():
            paths += [  # an image beside a pattern is not searched: changing it leaves the index current
                p
                for p in (root / sub).rglob("*")
                if not any(x.startswith(".") for x in p.relative_to(root).parts)
                and p.suffix.lower() not in ATTACHMENT_SUFFIXES
            ]
    for path in sorted(paths):
        try:
            st = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            sig[path.relative_to(root).as_posix()] = stat_stamp(st)
    return sig


def site_files_signature(root: Path) -> dict:
    """``files_signature`` and the other KB files a built site is made from: the onboarding paths (paths/, each
    a page) and the images beside patterns and incidents (copied where their pages link them). A site built
    from them records their ``content_digest`` (``site_content``), for `recur site --check`: the index's files
    alone left a changed onboarding path or image "up to date" (found in a re-read)."""
    sig = files_signature(root)
    for sub in ("patterns", "incidents", "paths"):
        folder = root / sub
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            rel = path.relative_to(root)
            if (sub == "paths" or path.suffix.lower() in ATTACHMENT_SUFFIXES) and not any(
                x.startswith(".") for x in rel.parts
            ):
                try:
                    st = path.stat()
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    sig[rel.as_posix()] = stat_stamp(st)
    return sig


def signed_contents(root: Path, signature: dict) -> dict:
    """{name: bytes} of the files ``signature`` lists, each read once, up to the loader's size limit
    (past it a file is refused whatever it holds); one gone since the walk, or unreadable, is left out."""
    out = {}
    for name in sorted(signature):
        try:
            with open(root / name, "rb") as f:
                out[name] = f.read(MAX_FILE_BYTES + 1)
        except OSError:
            continue
    return out


def content_digest(root: Path, signature: dict, contents: dict | None = None) -> str:
    """A digest of the names and contents of the files ``signature`` lists (``files_signature``):
    equal for two checkouts of one commit, whose modification times differ. An index's manifest
    and a built site record it, and `recur serve` compares the two (/healthz ``site_stale``): by
    size and time, a site built in CI and an index built on the server never agreed (found in
    review). ``contents``: those files as read already (``signed_contents``; load_kb loads the KB from
    them, so each file is opened once); else they are read here. A file gone since the walk counts
    as empty."""
    contents = signed_contents(root, signature) if contents is None else contents
    digest = hashlib.sha256()
    for name in sorted(signature):
        data = contents.get(name, b"")
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()[:16]


def file_digest(data: bytes) -> str:
    """The digest of one KB file's bytes as ``signed_contents`` reads them: an index's manifest records one for
    each file (``kb_file_digests``), so a KB compared with it by content (a copied checkout: every file has a
    new modification time) is stale in the files whose contents changed, not in every file."""
    return hashlib.sha256(data).hexdigest()[:16]


def file_digests(signature: dict, contents: dict) -> dict:
    """{name: ``file_digest``} of the files ``signature`` lists, from ``contents`` as read already
    (``signed_contents``: no file is read again for it); a file gone since the walk counts as empty, as
    ``content_digest`` counts it."""
    return {name: file_digest(contents.get(name, b"")) for name in sorted(signature)}


def same_contents(root: Path, name: str, was: list | None, now: list | None, digest: str | None, read=None) -> bool:
    """Whether the KB file ``name``, stamped ``was`` (util.stamp) when its bytes had ``digest`` (``file_digest``)
    and ``now`` now, holds those bytes still: the same stamp, or the same size and, read now, the same digest. A
    stamp moves with no change to the bytes (a chmod moves the ctime, a checkout the inode, ``touch`` the mtime), so
    a stamp that differs is read to know; gone or added: False. ``read(root, name, now)``: the digest now, for a
    caller that keeps them (an index's ``same_files``, which a server asks every few seconds); else read here."""
    if was == now:
        return True
    if was is None or now is None or digest is None or was[:1] != now[:1]:
        return False  # added, removed, or a size differs: the contents do
    if read is not None:
        return read(Path(root), name, now) == digest
    return file_digest(signed_contents(Path(root), {name: now}).get(name, b"")) == digest


def load_kb(
    root: str | os.PathLike, *, any_format: bool = False, keep_texts: bool = False, replaced: dict | None = None
) -> KB:
    """The KB at ``root``. A KB whose recur.yml this recur cannot read (a newer format version, a
    version that is none, a change an older format needs) is a RecurError naming the file and line,
    before anything else is read: an index, a site or a record made from it would be made by rules
    it is not written to. ``any_format`` (`recur check`): it is one of the KB's problems instead.
    ``keep_texts`` (`recur check`): the text of each file read is kept in ``kb.texts``, for lint to read
    instead of opening the file a second time. ``replaced`` ({KB-relative name: bytes}): those files read as
    these bytes, not as on disk (`recur fix` checks an edit as `recur check` would, before writing it)."""
    root = require_kb_root(root)
    pdir = root / "patterns"
    # taken before anything is read: a file edited while the KB is read (and an index built from it)
    # then differs from the signature that index records, which makes it stale instead of wrong
    signature = files_signature(root)
    # read once, for the digest and the records alike: a file was opened for each (twice a load), and
    # the two reads could differ while the file was being written
    contents = signed_contents(root, signature)
    if replaced:
        contents = {**contents, **replaced}
    kb = KB(root=root, signature=signature, content=content_digest(root, signature, contents))
    kb.file_digests = file_digests(signature, contents)
    kb.read_ahead = contents
    kb.texts = {} if keep_texts else None
    _load_format(kb)
    if not any_format:
        _refuse_format(kb.problems)
    _load_severity(kb)
    for path in _files(pdir, kb):
        _load_pattern(kb, path)
    for path in _files(root / "incidents", kb):
        _load_incident(kb, path)
    for path in _files(root / "paths", kb):
        _load_path(kb, path)
    cases = root / "eval" / "cases.yml"
    if cases.is_file():
        load_cases(kb, cases)
    _unread_cases(kb, cases)
    _unread_files(kb)
    kb.read_ahead = {}  # what no record took (another file under patterns/): not kept with the KB
    return kb


def _unread_cases(kb: KB, cases: Path) -> None:
    """An error for eval/cases.yml written another way (eval/cases.yaml, eval/Cases.yml), or, with no
    eval/cases.yml, a slip of its name (eval/case.yml): never read, so `recur eval`, `recur check`'s
    case checks and the gate of `recur tune` went without those cases, without a word. Other YAML in
    eval/ is left alone: a team keeps more cases there for `recur eval --cases FILE` (cases2.yml,
    smoke.yml; found in review: the slip rule made eval/cases2.yml an error beside eval/cases.yml)."""
    for path in sorted(cases.parent.iterdir()) if cases.parent.is_dir() else ():
        if path.name == cases.name or path.name.startswith(".") or path.suffix.lower() not in _YAML_SUFFIXES:
            continue
        meant = path.stem.casefold() == "cases" or (not cases.is_file() and _meant(path.stem, ("cases",)))
        if meant and path.is_file():
            _unread(kb, path, "recur reads one file in eval/", "eval/cases.yml")


# what a KB holds at its root (docs/kb-format.md; `recur init` writes these). A README is the folder's
# readme for whoever browses the repository (the site takes its own pages from docs/, not from kb/)
KB_FOLDERS = ("patterns", "incidents", "paths", "eval")
KB_ROOT_FILES = ("severity.yml", FORMAT_FILE)
_RECORD_SUFFIXES = (".md", ".markdown", ".yml", ".yaml")
_YAML_SUFFIXES = (".yml", ".yaml")
# Folders of a repository whose KB is its root (require_kb_root allows that) that are not the KB's,
# never looked into: the site's own pages, theme overrides and build (mkdocs' docs_dir, custom_dir and
# site_dir, as `recur init` and `recur site` name them), a team's templates for new records, and what
# tools install or build (thousands of others' README and CHANGELOG files in node_modules/). Hidden
# folders (.git, .github, .venv) are left alone as every hidden file is. Found in review: `check
# --strict` failed on a KB at a repository root for its docs/index.md and node_modules/.
REPOSITORY_FOLDERS = frozenset(
    ("docs", "site", "overrides", "templates", "node_modules", "vendor", "venv", "build", "dist", "__pycache__")
)
# a repository's own documents, by the names GitHub and most projects give them (any name written in
# capitals, ROADMAP.md or RELEASING.md, is taken as one too); a CHANGELOG.md beside the KB's folders
# warned, and failed `check --strict` on KBs that had passed it (found in review)
REPOSITORY_DOCS = frozenset(
    "readme changelog changes history news contributing contributors authors maintainers codeowners "
    "code_of_conduct security support governance license licence copying notice".split()
)
# how far into a folder that is not the KB's the files are named: a misspelt folder's records are
# this deep (pattern/<category>/<id>.md, incident/<year>/<id>.md); deeper is some other tree
_UNREAD_DEPTH = 2


def _unread_files(kb: KB) -> None:
    """A problem for each record the loader never reads: a Markdown or YAML file in a folder of the
    KB root that is none of KB_FOLDERS ("pattern/", "incident/", "evals/"), or a Markdown file at the
    root that is no repository document ("notes.md"), or a YAML file there meant for the KB
    ("severity.yaml", a path's steps). Such a record was left out of everything without a word
    (found by a team writing its first KB). Where it was clearly meant for a place Recur reads (a
    slip of a folder's name, a record whose front matter names its category or date) it is an error
    naming that place, as a record in the wrong place under patterns/ is; else a warning (a folder
    the team keeps on purpose says so by moving it out of the KB). The repository's own files and
    folders (REPOSITORY_FOLDERS, REPOSITORY_DOCS, templates, other tools' YAML) are left alone."""
    for entry in sorted(kb.root.iterdir()):
        name = entry.name
        if name.startswith(".") or name in KB_FOLDERS + KB_ROOT_FILES or entry.is_symlink():
            continue
        if not entry.is_dir():
            _unread_root_file(kb, entry)
        elif name.casefold() not in REPOSITORY_FOLDERS:
            _unread_folder(kb, entry)


def _unread_root_file(kb: KB, path: Path) -> None:
    """A file at the KB root: named when meant for the KB, or when Markdown that is no repository
    document (mkdocs.yml, docker-compose.yml and other tools' YAML are left alone)."""
    if not _unread_record(path) or _repository_file(path):
        return
    meant = _meant_root(kb, path)
    if meant or path.suffix.lower() not in _YAML_SUFFIXES:
        _unread(kb, path, "a file at the root of the knowledge base is no record", meant)


def _unread_folder(kb: KB, folder: Path) -> None:
    """The records in a folder of the KB root that is none of the KB's: all of a slip of a KB folder's
    name ("pattern/": its records' place named), else its Markdown but repository documents."""
    meant = _meant(folder.name, KB_FOLDERS)
    for path in _files_within(folder, _UNREAD_DEPTH):
        if not _unread_record(path):
            continue
        yaml_file = path.suffix.lower() in _YAML_SUFFIXES
        if meant == "eval":  # the one file read there
            where = "eval/cases.yml" if yaml_file else None
        elif meant:
            where = "/".join((meant, *path.relative_to(folder).parts))
        elif yaml_file or _repository_file(path):
            continue
        else:
            where = None
        _unread(kb, path, f"{folder.name}/ is no folder of the knowledge base", where)


def _files_within(folder: Path, depth: int):
    """The files in ``folder`` and in its folders down to ``depth`` levels in all (no further: a
    vendored tree is not walked), hidden ones and links to folders aside."""
    for here, dirs, files in os.walk(folder):
        level = len(Path(here).relative_to(folder).parts) + 1
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if level < depth else []
        yield from (Path(here) / f for f in sorted(files) if not f.startswith("."))


def _unread_record(path: Path) -> bool:
    return path.suffix.lower() in _RECORD_SUFFIXES and path.stem.upper() != "README" and path.is_file()


def _repository_file(path: Path) -> bool:
    """A repository's document (REPOSITORY_DOCS, a name in capitals) or a template for new records
    (pattern-template.md, template.md): no record put in the wrong place."""
    stem = path.stem
    folded = stem.casefold()
    if folded in REPOSITORY_DOCS or (stem.isupper() and not any(c.isdigit() for c in stem)):
        return True
    return folded == "template" or folded.endswith(("-template", "_template"))


def _unread(kb: KB, path: Path, why: str, meant: str | None) -> None:
    where = "recur reads patterns/<category>/<id>.md, incidents/<year>/<id>.md, paths/<id>.yml, eval/cases.yml"
    what = f"not read: {why}{f'; did you mean {meant}?' if meant else ''} ({where}, severity.yml and recur.yml)"
    kb.problems.append(Problem(display_path(path), 1, "file", what, "error" if meant else "warning"))
    if meant and meant.startswith("patterns/") and path.suffix == ".md":  # its error is enough: no
        _note_misplaced(kb, path, display_path(path))  # "no pattern has id" cascade


def _meant(name: str, known) -> str | None:
    """The one of ``known`` that ``name`` is a slip for ("pattern", "Incidents", "evals"), or None."""
    folded = name.casefold()
    return next((k for k in known if folded == k or edit_distance(folded, k, 2) <= 2 and folded[:1] == k[:1]), None)


def _meant_root(kb: KB, path: Path) -> str | None:
    """Where a file at the KB root probably belongs: a slip for severity.yml or recur.yml, eval/cases.yml,
    paths/ for an onboarding path (its ``steps``), or, for a record, the place its front matter's
    ``category`` or ``date`` names."""
    if path.suffix.lower() in _YAML_SUFFIXES:
        return _meant(path.stem + ".yml", KB_ROOT_FILES) or _meant_yaml(kb, path)
    try:
        meta = split_front_matter(_peek(kb, path) or "").meta.data
    except ParseError:  # not text, or no front matter
        return None
    meta = meta if isinstance(meta, dict) else {}
    if isinstance(meta.get("category"), str) and schema.KEBAB.fullmatch(meta["category"]):
        return f"patterns/{meta['category']}/{path.name}"
    if isinstance(meta.get("date"), (dt.date, str)) and str(meta["date"])[:4].isdigit():
        return f"incidents/{str(meta['date'])[:4]}/{path.name}"
    return None


def _meant_yaml(kb: KB, path: Path) -> str | None:
    """eval/cases.yml or paths/<name>.yml for a YAML file at the KB root written as one (a ``cases``
    list; a ``title`` and ``steps``), else None: mkdocs.yml, docker-compose.yml and other tools' files."""
    if path.stem == "cases":
        return "eval/cases.yml"
    try:
        data = load_yaml(_peek(kb, path) or "").data
    except ParseError:
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("cases"), list):
        return "eval/cases.yml"
    return f"paths/{path.stem}.yml" if "title" in data and isinstance(data.get("steps"), list) else None


def hidden(parts) -> bool:
    """Whether a file (its path's parts below a KB folder) is hidden (.gitkeep, an editor's swap file): no KB record."""
    return any(x.startswith(".") for x in parts)


def in_year_folder(parts) -> bool:
    """Whether an incident file (its path's parts below incidents/) is where incidents live: <year>/<id>, the year
    in ASCII digits (str.isdigit() passes '²', which int() refuses)."""
    return len(parts) == 2 and parts[0].isascii() and parts[0].isdigit()


def _files(folder: Path, kb: KB) -> list:
    """The files under ``folder`` (none when it is missing), sorted; hidden ones (.gitkeep, an
    editor's swap file) are not KB records. A broken symbolic link is kept, so that reading it
    reports the file instead of the record silently going missing, and so is a link to something
    that is not a regular file (a device, such as /dev/zero). A symlinked folder is not
    walked into; one that leads out of the KB is a problem of its own, not records gone missing
    without a word."""
    if not folder.is_dir():
        return []
    found = [p for p in sorted(folder.rglob("*")) if not hidden(p.relative_to(folder).parts)]
    for linked in (p for p in found if p.is_symlink() and p.is_dir()):
        if _escapes(kb.root, linked):
            what = "is a symlink to a folder outside the knowledge base; its files are not read (copy them into the KB)"
            kb.problems.append(Problem(display_path(linked), 1, "file", what))
    # a link to a device (/dev/zero) is no regular file either: kept, so that reading it says so
    return [p for p in found if p.is_file() or (p.is_symlink() and not p.is_dir())]


def _load_format(kb: KB) -> None:
    """``recur.yml``'s ``format``: the KB format version the KB is written to (1 when absent)."""
    path = kb.root / FORMAT_FILE
    if not path.is_file():
        return
    doc = _yaml_file(kb, path, "format")
    if doc is None:
        return
    shown, data = display_path(path), doc.data if isinstance(doc.data, dict) else {}
    if doc.data is not None and not isinstance(doc.data, dict):
        kb.problems.append(Problem(shown, 1, "file", "must be a mapping such as 'format: 1'"))
    for key in sorted(set(data) - {"format", "own_keys"}, key=str):  # a misspelt `format` must not pass as "format 1"
        what = "unknown key (recur.yml holds `format` and `own_keys`)"
        kb.problems.append(Problem(shown, doc.line(key), str(key), what, "warning"))
    if "own_keys" in data:
        kb.own_keys = _own_keys(kb, shown, doc, data["own_keys"])
    version = data.get("format", KB_FORMAT)
    line = doc.line("format") if "format" in data else 1
    for problem in format_problems(version):
        kb.problems.append(Problem(shown, line, "format", problem))


def _own_keys(kb: KB, shown: str, doc, value) -> frozenset:
    """recur.yml's ``own_keys``: a list of the team's own top-level keys (``[last_reviewed]``), which no record's
    file is warned of; or a mapping of record types to such lists (``{incidents: [owner], paths: [team]}``), each
    list's keys declared for those records alone (``kb.own_keys_of``): the list form could not declare an
    incident's own ``owner:``, a key of patterns, and declared a key for every type (found ageing a KB). A value
    that is neither, a key of the format, or a record type the format has not is an error at its line (not one
    that refuses the KB, as ``format``'s does: nothing is read otherwise), and nothing is declared by it."""
    if not isinstance(value, dict):
        return _key_list(kb, shown, doc, value, ("own_keys",))
    for kind, keys in value.items():
        if kind in schema.RECORD_KINDS:
            kb.own_keys_of[kind] = _key_list(kb, shown, doc, keys, ("own_keys", kind), kind)
        else:
            meant = difflib.get_close_matches(str(kind), list(schema.RECORD_KINDS), 1)
            what = (
                f"{schema.show_value(kind)} is no record type{f' (did you mean {meant[0]}?)' if meant else ''}: "
                "own_keys is a list of key names for every record, or a mapping of patterns, incidents and paths to "
                "such lists"
            )
            kb.problems.append(Problem(shown, doc.line("own_keys", kind), "own_keys", what))
    return frozenset()


def _key_list(kb: KB, shown: str, doc, value, at: tuple, kind: str | None = None) -> frozenset:
    """One list of own_keys' key names, at ``at`` in recur.yml (("own_keys",), or ("own_keys", kind) of its mapping
    form), for the records of ``kind`` (None: every record): its names but those of the format, each bad one said."""
    field_name = ".".join(at)
    if not isinstance(value, list):  # said as YAML has it: "not None", "not {'a': 1}" was Python's
        what = f"must be a list of key names such as [last_reviewed], not {schema.show_value(value)}"
        kb.problems.append(Problem(shown, doc.line(*at), field_name, what))
        return frozenset()
    for n, key in enumerate(value):  # the first item that is no name, at its line
        if not isinstance(key, str) or not key.strip():
            what = repr(key) if isinstance(key, str) else schema.kind_of(key)
            what = f"must be a list of key names such as [last_reviewed]; an item is {what}, not a key name"
            kb.problems.append(Problem(shown, doc.line(*at, n), field_name, what))
            return frozenset()
    # stripped as a front-matter key is: " owner_team" (`- " owner_team"`) was kept with its space and matched none
    names = [k.strip() for k in value]
    theirs = sorted({k for k in names if not schema.declarable(k, kind)})
    of = "the KB format" if kind is None else f"the KB format's {kind}"
    for key in theirs:  # declared, a format key would be read as the format's and never be the team's
        what = f"{key!r} is a key of {of}, not one of your own: take it out of {field_name}"
        line = doc.line(*at, names.index(key))
        if (doc_of := schema.lately_read(key, kind)) is not None:  # declared before Recur read it: CI kept passing
            what = f"{key!r} is a key Recur reads now ({doc_of}): take it out of {field_name}, or rename your key"
            kb.problems.append(Problem(shown, line, field_name, what, "warning", strict=False))
            continue
        kb.problems.append(Problem(shown, line, field_name, what))
    return frozenset(k for k in names if k not in theirs)


def _validator(kb: KB, shown: str, doc, shape: dict, **kw) -> schema.Validator:
    """A record file's validator, with the team's own keys recur.yml declares (``own_keys``: those for every record
    and those for ``shape``'s type) and that file's place, which the warning of an undeclared one names."""
    kind = schema.record_kind(shape)
    own = kb.own_keys | kb.own_keys_of.get(kind, frozenset())
    where = display_path(kb.root / FORMAT_FILE)
    mapped = bool(kb.own_keys_of)
    return schema.Validator(shown, doc, own=own, own_file=where, own_kind=kind, own_mapped=mapped, **kw)


def require_format(root: str | os.PathLike) -> None:
    """A RecurError when this recur cannot read the KB at ``root`` for its recur.yml (as ``load_kb``
    says it), from that file alone: what `recur serve` checks before it starts (its engine loads in
    the background, where the error came after "Recur on http://..."). Nothing when the KB is not there."""
    root = Path(root)
    if (root / FORMAT_FILE).is_file():
        kb = KB(root=root)
        _load_format(kb)
        _refuse_format(kb.problems)


def format_errors(problems: list) -> list:
    """The errors of recur.yml among ``problems``: what makes every command but `recur check` refuse the KB."""
    # own_keys' errors refuse nothing: a record's key is warned of as before
    return [
        p for p in problems if p.is_error and Path(p.path).name == FORMAT_FILE and p.field.split(".")[0] != "own_keys"
    ]


def _refuse_format(problems: list) -> None:
    errors = format_errors(problems)
    if errors:
        raise RecurError(
            "\n".join(map(str, errors))
            + "\nnothing was read or written: recur reads only a KB written to the format it knows "
            "(recur check lists every problem)"
        )


def format_problems(version) -> list[str]:
    """What keeps this recur from reading a KB written to format ``version``: a newer KB needs a
    newer recur; an older one needs the changes listed in MIGRATIONS (file and change)."""
    from recur import __version__

    if isinstance(version, bool) or not isinstance(version, int):
        # said as check says a value elsewhere ("nothing", "true/false", '1.5'), not Python's None and True
        shown = repr(version) if isinstance(version, (str, float)) else schema.kind_of(version)
        return [f"must be a whole number (the KB format version, {KB_FORMAT} for this recur), not {shown}"]
    if version > KB_FORMAT:
        return [
            f"this KB is written to format version {version}; recur {__version__} reads up to version "
            f"{KB_FORMAT}: upgrade recur (pin a newer version in requirements.txt)"
        ]
    if version < 1:
        return [f"there is no KB format version {version}; this recur reads versions 1 to {KB_FORMAT}"]
    return [f"format {version} -> {KB_FORMAT}: {change}" for since, change in MIGRATIONS if version < since]


def _read(kb: KB, path: Path):
    """Read and decode a file, reporting problems; returns text or None.

    KB files arrive in pull requests: a symlink out of the KB (to a secret, to /dev/zero) is
    not followed, and a huge file is refused from its size, before anything is read."""
    try:
        escapes = _escapes(kb.root, path)
        if escapes:
            kb.problems.append(Problem(display_path(path), 1, "file", escapes))
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES or not path.is_file():
            what = too_large(size) if path.is_file() else "file is not a regular file"
            kb.problems.append(Problem(display_path(path), 1, "file", what))
            return None
        ahead = kb.read_ahead.pop(rel(kb.root, path), None)  # read for the digest (load_kb): not opened again
        if ahead is None:
            with path.open("rb") as fh:
                ahead = fh.read(MAX_FILE_BYTES + 1)  # bounded even if the file grew since stat
        text = read_text(ahead)
        if kb.texts is not None:
            kb.texts[display_path(path)] = text
        return text
    except ParseError as exc:
        kb.problems.append(Problem(display_path(path), exc.line, "file", exc.message))
    except OSError as exc:
        kb.problems.append(Problem(display_path(path), 1, "file", f"cannot be read: {exc.strerror}"))
    return None


def readable(root: Path, path: Path) -> bool:
    """Whether the loader reads ``path`` of the KB at ``root``: a regular file within the size limit
    that does not lead out of the KB. What reads a KB file again (lint) asks this first."""
    try:
        return not _escapes(root, path) and path.is_file() and path.stat().st_size <= MAX_FILE_BYTES
    except OSError:
        return False


def read_again(root, path: Path) -> str:
    """The text of ``path``, a file of the KB at ``root`` named by an index built earlier (MCP's
    resources/read): read only as the loader would read it now, for the file may have changed since (a
    pull made it a symlink to a secret, and the index kept the old doc: found in a security review).
    Raises ``RecurError`` saying why not, without the path: the caller names the record (its message may
    go to whoever reached the server's port)."""
    root, path = Path(root), Path(path)
    if not os.path.abspath(path).startswith(os.path.abspath(root) + os.sep):  # "..", an absolute path
        raise RecurError("its file is not in the knowledge base; not read")
    if not (path.exists() or path.is_symlink()):
        raise RecurError("its file is gone (moved or deleted since the index was built)")
    try:
        why = _escapes(root, path)
        if not why and not path.is_file():
            why = "is not a regular file"
        if not why and path.stat().st_size > MAX_FILE_BYTES:
            why = too_large(path.stat().st_size).removeprefix("file ")
        if why:
            raise RecurError(f"its file {why}")
        with path.open("rb") as fh:
            return read_text(fh.read(MAX_FILE_BYTES + 1))  # bounded even if the file grew since stat
    except ParseError as exc:
        raise RecurError(f"its file {exc.message.removeprefix('file ')}") from None
    except OSError as exc:
        raise RecurError(f"its file cannot be read: {exc.strerror or type(exc).__name__}") from None


def require_inside(root, path: Path) -> None:
    """Before a new file is written into the KB: its folder must not lead outside the KB (a symlinked
    folder), where the file would land elsewhere and the loader would not read it back."""
    probe = Path(path).parent
    while not probe.exists() and probe != probe.parent:  # the nearest folder that is there
        probe = probe.parent
    try:
        probe.resolve().relative_to(Path(root).resolve())
    except ValueError:
        raise RecurError(
            f"{display_path(Path(path))}: not written: {display_path(probe)} leads outside the knowledge base "
            "(a symbolic link), where recur would not read it back; write inside the KB"
        ) from None


def _escapes(root: Path, path: Path) -> str:
    """Why a file found inside the KB is not read: its real location is outside it (a symlink, or a
    file under a symlinked folder), or it is a symlink that never reaches a file. "" to read it.
    Files named from outside (``recur eval --cases FILE``) are the caller's."""
    if not os.path.abspath(path).startswith(os.path.abspath(root) + os.sep):
        return ""
    try:
        path.resolve(strict=True).relative_to(root.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a loop, on Pythons before 3.13 (OSError after)
        if path.exists():  # resolve(strict=True) failed on the way, not on a link: read it and report that
            return ""
        return "cannot be read: it is a symlink that leads to no file (broken, or a loop)"
    except ValueError:
        return "is a symlink pointing outside the knowledge base; not read (copy the file into the KB instead)"
    return ""


def _parsed(kb: KB, path: Path, parse, field: str, text: str | None = None):
    """Read a file of the KB (or take its ``text``, read already) and ``parse`` it; None (and a problem
    recorded) when it cannot be."""
    text = _read(kb, path) if text is None else text
    if text is None:
        return None
    try:
        return parse(text)
    except ParseError as exc:
        kb.problems.append(Problem(display_path(path), exc.line, exc.field or field, exc.message))
        return None


def _yaml_file(kb: KB, path: Path, field: str):
    return _parsed(kb, path, load_yaml, field)


def _severity_levels_problem(data) -> str | None:
    """What is wrong with severity.yml's ``levels:`` as a whole, said apart (a missing key, an empty
    mapping and a list were one "must be a mapping" message; found in review)."""
    shape = "a mapping of severity keys to levels, e.g. sev1: {name: Critical, review: full, review_within_days: 5}"
    if data is None or isinstance(data, dict) and "levels" not in data:
        return f"is required: {shape}"
    if not isinstance(data, dict):
        return f"the file must be a mapping holding levels: {shape}; it is {schema.kind_of(data)}"
    levels = data["levels"]
    if isinstance(levels, dict) and not levels:
        return f"must not be empty: {shape}"
    if not isinstance(levels, dict):
        return f"must be {shape}; not {schema.kind_of(levels)}"
    return None


def severity_keys(root) -> list[str]:
    """The severity framework's level keys of the KB at ``root`` (severity.yml, else the default), without
    reading the rest of the KB: what a server says in a tool's schema at start (MCP's record_incident)."""
    return list(severity_names(root))  # its keys, in the framework's order


def severity_names(root) -> dict[str, str]:
    """Each severity level's name by its key (``sev2``: ``Major``) in the KB at ``root``, as a build names them,
    without reading the rest of the KB: what an index built before Recur stored ``severity_name`` is given."""
    kb = KB(root=Path(root))
    _load_severity(kb)
    return {key: level.name for key, level in kb.severity.items()}


def _load_severity(kb: KB) -> None:
    path = kb.root / "severity.yml"
    levels = DEFAULT_SEVERITY
    if path.is_file():
        doc = _yaml_file(kb, path, "severity")
        levels = {}
        if doc is not None:
            v = schema.Validator(display_path(path), doc)
            if problem := _severity_levels_problem(doc.data):
                v.error(("levels",), "levels", problem)
            else:
                kb.severity_declared = [str(k) for k in doc.data["levels"]]
                for key, value in doc.data["levels"].items():
                    before = len(v.problems)
                    cleaned = v.mapping(value, schema.SEVERITY_LEVEL, ("levels", key), f"levels.{key}")
                    if any(p.is_error for p in v.problems[before:]):
                        continue
                    if cleaned["review"] != "none" and "review_within_days" not in cleaned:
                        v.error(
                            ("levels", key),
                            f"levels.{key}.review_within_days",
                            f"is required when review is {cleaned['review']}",
                        )
                        continue
                    levels[str(key)] = cleaned
            kb.problems.extend(v.problems)
    for key, value in levels.items():
        kb.severity[key] = SeverityLevel(key, value["name"], value["review"], value.get("review_within_days"))


def same_name(written: str, name: str) -> bool:
    """Whether a name written in a file (a category, an id) is a file's or folder's name, compared in Unicode's
    composed form (NFC): macOS and some zip and git tools store "ö" of a folder's name decomposed (o and a combining
    diaeresis, NFD) where an editor writes it composed, and "category: 'störungen' must equal the folder name
    'störungen'" was an error no one could see (found in review)."""
    return written == name or unicodedata.normalize("NFC", written) == unicodedata.normalize("NFC", name)


def _category_not_folder(kb: KB, path: Path, category: str, folder: str) -> str:
    """The error of a category that is not its file's folder, with both ways out, as the id's says them
    (it said neither: found adopting Recur). A category that cannot be a folder's name is to be written anew."""
    what = f"{category!r} must equal the folder name {folder!r}: write category: {folder}"
    if not schema.KEBAB.match(category):
        return what
    return f"{what}, or move the file to {display_path(kb.root / 'patterns' / category / path.name)}"


def _check_severity(kb: KB, v: schema.Validator, value) -> None:
    # what severity.yml declares (a level with errors of its own is still a key), else the default framework
    known = kb.severity_declared or list(kb.severity)
    if value is not None and known and value not in known:
        shown = ", ".join(kb.severity or known)
        hint = schema.meant_severity(value, known, kb.severity)
        v.error(("severity",), "severity", f"unknown severity {value!r}{hint}; the framework has {shown}")


def _front_matter(kb: KB, path: Path, text: str):
    return _parsed(kb, path, split_front_matter, "front matter", text)


_ID_LINE = re.compile(r"""^id:[ \t]*(["']?)([a-z0-9][a-z0-9-]*)\1[ \t]*(?:#.*)?$""")
_CATEGORY_LINE = re.compile(r"""^category:[ \t]*(["']?)([a-z0-9][a-z0-9-]*)\1[ \t]*(?:#.*)?$""")


def _written_id(text: str | None, line_re: re.Pattern = _ID_LINE) -> str | None:
    """The id a record's front matter writes on its ``id:`` line, read from the text alone (its YAML
    may not parse, or not be closed): what the records naming it name it by. None when there is no such line.
    ``line_re``: another key's line of the same form (``_CATEGORY_LINE``), read the same way."""
    lines = (text or "").split("\n")
    if lines[0].strip() != "---":
        return None
    end = front_matter_end(lines) or len(lines)  # not closed: its first id: line all the same
    return next((m.group(2) for line in lines[1:end] if (m := line_re.match(line))), None)


def _peek(kb: KB, path: Path) -> str | None:
    """The text of a file the loader does not load as a record, without a problem of its own: as load_kb
    read it (under patterns/), else read here when the loader would read it (a regular file within
    the size limit, inside the KB), once: kept with what load_kb read, for the next look (where a file
    at the root belongs, then its id). None when it is not text."""
    name = rel(kb.root, path)
    raw = kb.read_ahead.get(name)
    try:
        if raw is None and readable(kb.root, path):
            with path.open("rb") as fh:
                raw = kb.read_ahead[name] = fh.read(MAX_FILE_BYTES + 1)
        return None if raw is None else read_text(raw)
    except (OSError, ParseError):
        return None


def _written_value(kb: KB, path: Path, key: str):
    """The value of ``key`` in the front matter of a file refused for its place, read quietly (its own
    problems are not this file's place's): None when the file or its front matter does not read."""
    data = _front_data(_peek(kb, path))
    return data.get(key) if isinstance(data, dict) else None


def _front_data(text: str | None):
    """The front matter ``text`` holds, read quietly: None when there is no text or its front matter does
    not read (its problems are said where the file is read as a record)."""
    try:
        return split_front_matter(text).meta.data if text is not None else None
    except ParseError:
        return None


def _move_to(kb: KB, path: Path, folder: str, sub: str | None, name: str | None = None) -> str:
    """Where a record in the wrong place goes, after "patterns live in ...": ": move it to
    kb/patterns/capacity/x.md", the folder its front matter gives (its category, its date's year); the
    message named only the form, and the author worked the place out (found adopting Recur for a
    team: a pattern written straight into patterns/, an incident into incidents/). "" with no folder.
    ``name``: the file name it goes by there, when not its own (a pattern's is the id it writes)."""
    if sub is None:
        return ""
    home = kb.root / folder / sub / (name or path.name)
    if home.exists():
        return f": {display_path(home)} is there already; merge the two"
    return f": move it to {display_path(home)}"


def _note_misplaced(kb: KB, path: Path, shown: str, text: str | None = None) -> None:
    """A pattern file with an error of its own that leaves its id unread (in the wrong place, named .MD,
    front matter that does not parse): its id is known, by its file name and by the ``id:`` it writes
    when that differs, so a record naming it by either gets no "no pattern has id ...; did you mean"
    (a retired pattern's successor said so, pointing at a slip instead of at the file to fix), and
    a successor's warning names the file. ``text``: the file's, when read already; else ``_peek``."""
    kb.misplaced.setdefault(path.stem, []).append(shown)
    written = _written_id(_peek(kb, path) if text is None else text)
    if written and written != path.stem:
        kb.misplaced.setdefault(written, []).append(shown)


def _duplicate_keys(v: schema.Validator, doc) -> None:
    for keypath, line in doc.duplicates:
        v.problems.append(Problem(v.relpath, line, _field(keypath), "key appears twice; the last one wins"))


def _field(keypath) -> str:
    """A key's place as every other message names it, ``steps[1].why`` (it was ``steps.1.why`` here alone)."""
    out = ""
    for k in keypath:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def _sections(v: schema.Validator, md) -> tuple[dict, dict]:
    out: dict = {}
    lines: dict = {}
    for sec in md.sections:
        text = without_comments(sec.text)  # hidden on GitHub, so on the site, in suggest and the API
        if sec.title in out:
            v.problems.append(Problem(v.relpath, sec.line, f"## {sec.title}", "section appears twice", "warning"))
            out[sec.title] += "\n\n" + text
            continue
        out[sec.title] = text
        lines[sec.title] = sec.line
    return out, lines


def _attachment(kb: KB, path: Path, shown: str) -> None:
    """An image beside a record: listed for the site to copy, or a warning saying why it is not.
    A symlink is not followed (a pull request's "graph.png" could lead to a secret, and the site
    would publish it)."""
    why = None
    if path.is_symlink():
        why = "is a symlink; the site does not copy it (put the image itself in the KB)"
    elif not path.is_file():
        why = "is not a regular file; the site does not copy it"
    elif (size := path.stat().st_size) > MAX_ATTACHMENT_BYTES:
        why = f"is {size / 1024 / 1024:.1f} MB, over the {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB the site copies; make it smaller"
    if why:
        kb.problems.append(Problem(shown, 1, "file", f"image {why}", "warning"))
        return
    kb.attachments.append(rel(kb.root, path))


def _open_record(kb: KB, path: Path, shape: dict, files: dict, home: Path | None = None):
    """A Markdown record (pattern or incident) with its front matter checked against ``shape``:
    (validator, parsed file, meta, raw front matter), or None if it is not a .md file or its
    front matter does not parse (both reported). Files the id under ``files`` (duplicate ids are
    found from it) and checks that the id equals the file name. ``home``: the folder a misplaced
    record goes to, where its id's error names the file renamed."""
    shown = display_path(path)
    if path.suffix != ".md":
        if path.suffix.lower() == ".md":  # "disk-full.MD": a record all the same, but not read as one
            kb.problems.append(Problem(shown, 1, "file", f"name it {path.stem}.md: only .md files are read"))
            if files is kb.pattern_files:
                _note_misplaced(kb, path, shown)
        elif path.suffix.lower() in ATTACHMENT_SUFFIXES:
            _attachment(kb, path, shown)
        elif not path.name.startswith("."):
            what = "an SVG can carry scripts: use a PNG" if path.suffix.lower() == ".svg" else "ignored"
            kb.problems.append(Problem(shown, 1, "file", f"not a .md file; {what}", "warning"))
        return None
    text = _read(kb, path)
    md = _front_matter(kb, path, text) if text is not None else None
    if md is None:  # its own error is reported; by the format its id is its file name, and a record
        files.setdefault(path.stem, []).append(shown)  # naming that id is not an error of its own too
        if files is kb.pattern_files and text is not None:
            _note_misplaced(kb, path, shown, text)  # and by the id its id: line writes, when another
        if text is not None:
            _yaml_slips(kb, shown, text)
            _body_alone(kb, path, shown, text, shape)
        return None
    other = _other_kind(kb, path, md.meta.data, shape)
    if other:  # an incident in patterns/ was a dozen errors, none saying it is an incident
        kb.problems.append(Problem(shown, 1, "file", other))
        return None
    v = _validator(kb, shown, md.meta, shape, id_file=lambda rid: _shown(_id_file(kb, path, rid)))
    _duplicate_keys(v, md.meta)
    meta = v.mapping(md.meta.data, shape)
    raw = md.meta.data if isinstance(md.meta.data, dict) else {}
    if "id" in meta:
        files.setdefault(meta["id"], []).append(shown)
        kb.id_lines[shown] = md.meta.line("id")
        if not same_name(meta["id"], path.stem):
            v.error(
                ("id",),
                "id",
                _id_not_file_name(meta["id"], path, shape is schema.PATTERN, _id_file(kb, path, meta["id"]), home),
            )
            if files is kb.pattern_files:  # a record naming the file's id is not an error of its own too
                kb.misplaced.setdefault(path.stem, []).append(shown)
    return v, md, meta, raw


def _id_not_file_name(rid: str, path: Path, pattern: bool, taken: Path | None = None, home: Path | None = None) -> str:
    """The error of an id that is not its file's name: write the file's name, or rename the file. A pattern
    file whose name is no kebab-case id (``Kafka_Lag.md``) has one way only: "write id: Kafka_Lag" offered
    the id its id: line had just been refused for (found adopting Recur). So has a file whose id is another
    file's name (``taken``): a copy made as a template (cp dns-timeouts.md coredns-conntrack-drops.md) was
    told "or rename the file .../dns-timeouts.md", which `mv` would have done over the original, and the id
    both files then had was said again as a duplicate at each (found in review): this error is that one.
    ``taken`` is looked at first: a copy whose name is no id ("dns-timeouts copy.md", as a file manager names
    it) was told only to rename it onto the original (found in review); it needs an id and a name of its own.
    ``home``: the category folder of a pattern outside one, where the renamed file goes: its rename named
    patterns/<id>.md beside a move to patterns/<category>/<name>.md, neither the file's place (review)."""
    valid = schema.KEBAB if pattern else schema.INCIDENT_ID
    if taken is not None:
        twin = f"duplicates the id of {display_path(taken)}, the file named for it"
        if not valid.match(path.stem):
            kind = "kebab-case id" if pattern else "incident id"
            return (
                f"{quoted(rid)} must equal the file name {quoted(path.stem)}, which is no {kind}: it {twin} (a copy keeps "
                "the id it was copied from): give this copy its own id and a file name to match"
            )
        return (
            f"{quoted(rid)} must equal the file name {quoted(path.stem)}: write id: {path.stem} (as it is, it {twin}: a copy "
            "keeps the id it was copied from)"
        )
    if pattern and not valid.match(path.stem):
        advice = schema.rename_advice(display_path(path), rid)
        return f"{quoted(rid)} must equal the file name {quoted(path.stem)}, which is no kebab-case id: {advice}"
    rename = display_path((home or path.parent) / f"{rid}.md")
    return f"{quoted(rid)} must equal the file name {quoted(path.stem)}: write id: {path.stem}, or rename the file {rename}"


def _shown(path: Path | None) -> str | None:
    return None if path is None else display_path(path)


def _id_file(kb: KB, path: Path, rid) -> Path | None:
    """Another record file of ``path``'s kind (pattern, incident) named for the id ``rid``, anywhere in its
    folder (an id is unique across category and year folders), or None."""
    if not isinstance(rid, str) or not re.fullmatch(r"[\w.-]+", rid, re.ASCII):  # a glob's own characters
        return None
    folder = next((kb.root / f for f in ("patterns", "incidents") if (kb.root / f) in path.parents), None)
    found = sorted(p for p in folder.rglob(f"{rid}.md") if p != path and p.is_file()) if folder else []
    return found[0] if found else None


# a key as a line of front matter writes it, at any indent (for front matter that does not parse, where
# an indent may be the very slip): "category:", "\tdate: 2026-05-01", "'status': draft". Its value is
# taken whole and its trailing blanks cut in Python: a lazy "(.*?)[ \t]*$" tried the blanks' end at each
# character, 27 s on one line of 80,000 blanks, in any load_kb of a record whose YAML failed (found in review)
_KEY_WRITTEN = re.compile(r"""^[ \t]*(["']?)([A-Za-z_][\w-]*)\1[ \t]*:(?:[ \t]+(.*))?$""")


def _body_alone(kb: KB, path: Path, shown: str, text: str, shape: dict) -> None:
    """The body's checks of a record whose front matter does not parse: its sections are there all the same,
    and their problems are said in the same run (the YAML error hid them: a new pattern author fixed a tab
    and met "## Summary" and "## Runbook" errors on the next run; found in review). Not for a file whose
    body cannot be told from its front matter (not opened or not closed by '---', or "closed" by a '---'
    rule below its sections: they were said missing though written), nor for one whose keys say it is the
    other kind of record (its move is the error to come, not this kind's sections)."""
    lines = text.split("\n")
    end = front_matter_end(lines) if lines[0].strip() == "---" else None
    if end is None or heading_inside(lines, end) is not None or swallowed_heading(lines, end) is not None:
        # its closing '---' is missing, the front matter error says:
        return  # the body's sections are in what was read as front matter, and not missing
    front = [
        (m.group(2), m.group(3) if m.group(3) is None else m.group(3).rstrip(" \t"), line[:1] in " \t")
        for line in lines[1:end]
        if (m := _KEY_WRITTEN.match(line))
    ]
    if _other_kind(kb, path, {key: None for key, _, _ in front}, shape):
        return
    body = lines[end + 1 :]
    md = MarkdownDoc(YamlDoc({}), "\n".join(body), end + 2, sections_of(body, end + 2))
    v = _validator(kb, shown, md.meta, shape)
    if shape is schema.PATTERN:
        _pattern_body(v, shown, md, _written_status(front))
    else:
        _incident_body(v, shown, md)
    kb.problems.extend(v.problems)


def _yaml_slips(kb: KB, shown: str, text: str) -> None:
    """The mistakes read off the lines of front matter that does not parse (parse.yaml_slips: a tab, an
    unquoted ': ', a key twice), but at the line the parse's error is at: said in the same run as that
    error, not one a run as each is fixed. Not for front matter not opened or closed by '---' (its lines are
    not known to be YAML)."""
    lines = text.split("\n")
    end = front_matter_end(lines) if lines[0].strip() == "---" else None
    if end is None or heading_inside(lines, end) is not None:
        return
    said = {p.line for p in kb.problems if p.path == shown}
    for n, key, what in yaml_slips("\n".join(lines[1:end])):
        if n + 2 not in said:
            kb.problems.append(Problem(shown, n + 2, key, what))


def _written_status(front: list) -> str | None:
    """The status a pattern's front matter that does not parse writes, from its (key, value, indented)
    lines: "active" (the default) when none is written, None when it cannot be told for sure what it
    is once the YAML is fixed (a value that is not plainly a status, two of them, an indented status
    line that is not a fix's), so that a draft gets no "## Root cause" error only because its YAML failed."""
    said = set()
    for key, value, indented in front:
        if key != "status":
            continue
        value = no_comment(value or "")
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if indented and value in schema.FIX_STATUS:  # fix: / status: open
            continue
        said.add(value if not indented else None)
    if not said:
        return "active"
    status = said.pop()
    return status if not said and status in schema.PATTERN_STATUS else None


def _other_kind(kb: KB, path: Path, data, shape: dict) -> str | None:
    """Why a record is in the wrong folder, when it is plainly the other kind: an incident (a date, and
    neither category nor symptoms) under patterns/, or a pattern (category and symptoms, and no date)
    under incidents/; with where it goes. None otherwise."""
    keys = set(data) if isinstance(data, dict) else set()
    if shape is schema.PATTERN and "date" in keys and not keys & {"category", "symptoms"}:
        day = iso_date(data["date"])
        where = f"incidents/{day.year if day else '<year>'}/{path.name}"
        return f"an incident record (it has a date, and no category or symptoms) in patterns/: move it to {where}"
    if shape is schema.INCIDENT and {"category", "symptoms"} <= keys and "date" not in keys:
        category = data["category"] if isinstance(data["category"], str) else "<category>"
        where = f"patterns/{category}/{path.name}"
        return f"a pattern (it has a category and symptoms, and no date) in incidents/: move it to {where}"
    return None


def _misplaced_pattern(kb: KB, path: Path, shown: str, text: str | None) -> Path | None:
    """The error of a pattern file not in a category folder (``patterns/x.md``, ``patterns/a/b/x.md``),
    with where it goes: the folder of its category, as its front matter gives it, or as its ``category:``
    line writes it when that front matter does not parse (its YAML error is said too, and the author
    was told the form alone), named for the id it writes (an id is its file name: "move it to
    patterns/capacity/foo.md" of a file writing id: disk-full-x was a move its id's error then refused).
    Returns that folder, or None; none either for an incident saved there: _open_record says where that goes."""
    data = _front_data(text)
    if _other_kind(kb, path, data, schema.PATTERN):
        return None
    if isinstance(data, dict):
        category, rid = data.get("category"), data.get("id")
    else:  # its lines as written
        category, rid = _written_id(text, _CATEGORY_LINE), _written_id(text)
    home = category if isinstance(category, str) and schema.KEBAB.match(category) else None
    name = f"{rid}.md" if isinstance(rid, str) and schema.KEBAB.match(rid) else None
    move = _move_to(kb, path, "patterns", home, name)
    kb.problems.append(Problem(shown, 1, "file", "patterns live in patterns/<category>/<id>.md" + move))
    return kb.root / "patterns" / home if home else None


def _load_pattern(kb: KB, path: Path) -> None:
    """A pattern file, checked and kept. One not in a category folder is an error, and left out, but its
    content is checked all the same, as one in its category's folder (its YAML, its fields, its sections,
    its links): the folder's error hid every other, each said a run after the file was moved (found by a
    first-time pattern author). Its id is not filed with the others': a copy there is no duplicate."""
    relpath = rel(kb.root, path)
    shown = display_path(path)
    parts = path.relative_to(kb.root / "patterns").parts
    misplaced = path.suffix == ".md" and len(parts) != 2
    home = None
    if misplaced:  # read once for both (_read then takes the bytes read here, not opening it again)
        text = _peek(kb, path)
        home = _misplaced_pattern(kb, path, shown, text)
        _note_misplaced(kb, path, shown, text)  # its id is known: no "no pattern has id" cascade
        kb.misplaced_files.append(shown)  # lint reads its body as a pattern's (links, fences)
    opened = _open_record(kb, path, schema.PATTERN, {} if misplaced else kb.pattern_files, home)
    if opened is None:
        return
    v, md, meta, raw = opened
    folder = None if misplaced else parts[0]
    if "id" not in meta and not misplaced:
        kb.pattern_files.setdefault(path.stem, []).append(shown)
    if folder and "category" in meta and not same_name(meta["category"], folder):
        v.error(("category",), "category", _category_not_folder(kb, path, meta["category"], folder))
    _check_severity(kb, v, meta.get("severity"))
    status = meta.get("status", "active")
    sections, sec_lines, runbook, evidence = _pattern_body(v, shown, md, status)
    kb.problems.extend(v.problems)
    lines = dict(md.meta.lines)
    lines.update({(f"## {k}",): n for k, n in sec_lines.items()})
    if not v.ok or misplaced:
        _keep_refs(kb, v, raw, (("related", None), ("distinguish", "from"), ("superseded_by", None)))
        if isinstance(md.meta.data, dict):  # else no key was read: its checks wait for a front matter of keys
            unread = frozenset(re.split(r"[.\[]", p.field)[0] for p in v.problems if p.is_error)
            read = {**meta, "id": meta.get("id") or path.stem, "category": meta.get("category") or folder or ""}
            pattern = _pattern(read, raw, relpath, status, (sections, runbook, evidence), lines)
            kb.unloaded_patterns.append(dataclasses.replace(pattern, unread=unread))
        return
    _keep(kb.patterns, kb.shadowed_patterns, _pattern(meta, raw, relpath, status, (sections, runbook, evidence), lines))


def _pattern(meta: dict, raw: dict, relpath: str, status: str, body: tuple, lines: dict) -> Pattern:
    """A pattern record of its front matter as read (``meta``: the values that are valid; a pattern with
    errors lacks some, read as empty) and its ``body``: (sections, runbook steps, evidence items)."""
    sections, runbook, evidence = body
    return Pattern(
        id=meta["id"],
        title=meta.get("title", ""),
        category=meta["category"],
        severity=meta.get("severity", ""),
        symptoms=meta.get("symptoms", []),
        relpath=relpath,
        signals=meta.get("signals", []),
        tags=meta.get("tags", []),
        services=meta.get("services", []),
        status=status,
        owner=meta.get("owner"),
        fix=_fix(meta.get("fix")),
        related=meta.get("related", []),
        distinguish=[{"from": d["from"], "by": d["by"]} for d in meta.get("distinguish", [])],
        created=meta.get("created"),
        imported=meta.get("imported"),
        superseded_by=meta.get("superseded_by", []),
        retired_on=meta.get("retired"),
        sections=sections,
        runbook=runbook,
        evidence=evidence,
        extra={k: raw[k] for k in raw if k not in schema.PATTERN},
        lines=lines,
    )


def _pattern_body(v: schema.Validator, shown: str, md, status: str | None) -> tuple[dict, dict, list, list]:
    """A pattern's sections checked: (sections, their lines, runbook steps, evidence items). ``status``
    None: not known (front matter that does not parse), and a root cause is not required."""
    sections, sec_lines = _sections(v, md)
    _required_sections(v, shown, md, sections, sec_lines, status)
    _unread_sections(v, shown, sections, sec_lines)
    runbook, evidence = _lists(v, shown, sections, sec_lines)
    return sections, sec_lines, runbook, evidence


def _fix(f: dict | None) -> Fix | None:
    """A pattern's ``fix:`` as read (a mapping, its status open when not given), or None without one."""
    if f is None:
        return None
    return Fix(f.get("status", "open"), f.get("owner"), f.get("due"), f.get("done"), f.get("tickets", []))


def _keep_refs(kb: KB, v: schema.Validator, raw: dict, fields) -> None:
    """The pattern ids a record left out for its own errors names in ``fields`` ((key, sub-key or
    None) pairs), into ``kb.unloaded_refs``, but for a field that has a problem of its own already."""
    flagged = {p.field for p in v.problems}
    for key, sub in fields:
        items = raw.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            pid = (item.get(sub) if isinstance(item, dict) else None) if sub else item
            name = f"{key}[{i}].{sub}" if sub else f"{key}[{i}]"
            # a number (404) is an id as the schema reads it (schema.Validator.scalar): str() of it
            if pid is None or isinstance(pid, (bool, list, dict)) or not str(pid).strip():
                continue
            if name in flagged or f"{key}[{i}]" in flagged:
                continue
            line = v.doc.line(*((key, i, sub) if sub else (key, i)))
            kb.unloaded_refs.append((v.relpath, name, line, str(pid).strip()))


def _looks_like(name: str, sections: dict, required: bool = False) -> str | None:
    """The heading among ``sections`` that is section ``name`` written another way, or None: another
    case or spacing ("## Root Cause"), a slip of a letter or two ("## Runbok", "## Detecton"), words
    joined or split ("## Rootcause", "## Run book"), or the first word of a longer name alone
    ("## Evidence"). A slip keeps the first letter and the number of words: "Detection gap",
    "Detector" and "Preferences" are headings of their own (difflib's ratio took them for sections;
    found in review). A heading that is itself a section name is never taken for another one
    ("## Detection" is not "## Description"). ``required``: the name followed by words of the
    author's ("## Runbook steps") is it too; only for a section that is missing anyway, where the
    pattern fails to load and the error is better at that heading than at the end of the file (for an
    optional one it would be a false alarm: "## Detection gap" is its own heading)."""
    other = [h for h in sections if h not in schema.PATTERN_SECTIONS and len(h) <= 200]
    key = {" ".join(h.split()).casefold(): h for h in other}
    want = name.casefold()
    if want in key:
        return key[want]
    rules = [lambda written: _same_name(written, want)]
    if len(want.split()) > 1:  # "## Evidence" for "Evidence to preserve", "## Root" for "Root cause"
        rules.append(lambda written: len(written.split()) == 1 and _same_name(written, want.split()[0]))
    if required:
        rules.append(lambda written: _starts_with_name(written, want))
    for rule in rules:
        for written, heading in key.items():
            if rule(written):
                return heading
    return None


def _same_name(written: str, want: str) -> bool:
    """Whether heading ``written`` is the name ``want`` (both casefolded, spaces collapsed): the same
    first letter and number of words but for a slip per five letters, or the same letters with the
    spaces or hyphens between words left out or added ("Run book", "Root-cause", "Rootcause")."""
    if written[:1] != want[:1]:
        return False
    most = max(1, len(want) // 5)  # a slip per five letters: "Root cuase" (2), not "Detector" (2 of 9)
    if len(written.split()) == len(want.split()) and edit_distance(written, want, most) <= most:
        return True
    # the letters alone, without slips: "Detection 2" or "Re-run book" are not taken this way
    return re.sub(r"[\s_-]+", "", written) == re.sub(r"\s+", "", want)


def _starts_with_name(written: str, want: str) -> bool:
    """Whether heading ``written`` is the name ``want`` (as ``_same_name`` reads it) with more words
    after it ("runbook steps", "run book steps", "root cause analysis")."""
    words = written.split()
    return any(_same_name(" ".join(words[:n]), want) for n in range(1, len(words)))


def _unread_sections(v: schema.Validator, shown: str, sections: dict, sec_lines: dict) -> None:
    """A warning at a heading that looks like an optional section but is not one ("## Detecton",
    "## Permanent Fix"): Recur reads sections by name, so its text would be left out of the pattern's
    fields without a word (the required ones are errors, in ``_required_sections``)."""
    optional = [n for n in schema.PATTERN_SECTIONS if n not in ("Summary", "Runbook", "Root cause")]
    for name in optional:
        near = None if name in sections else _looks_like(name, sections)
        if near is not None:
            v.problems.append(
                Problem(
                    shown,
                    sec_lines[near],
                    f"## {' '.join(near.split())}",
                    f"not a section Recur reads, so its text is not used as '## {name}': write it as '## {name}'",
                    "warning",
                )
            )


def _other_level(md, name: str) -> tuple[int, str] | None:
    """(line, the heading as written) of the first heading outside code that names section ``name``
    at another level than ## ("# Runbook", "### Root cause"), or None. Only ## headings are sections, so it was
    "required section is missing" at the end of the file, with nothing pointing at the heading."""
    heading = re.compile(rf"^(?:(?:#|#{{3,6}})[ \t]+|#{{1,6}}){re.escape(name)}[ \t]*#*[ \t]*$", re.IGNORECASE)
    # a setext heading, the name underlined with --- or === (found in review: "missing" with no hint)
    title, underline = (
        re.compile(rf"^ {{0,3}}{re.escape(name)}[ \t]*$", re.IGNORECASE),
        re.compile(r"^ {0,3}(-+|=+)[ \t]*$"),
    )
    lines = md.body.split("\n")
    for n, line in outside_fences(lines):
        if heading.match(line):
            return md.body_line + n, " ".join(line.split())
        if title.match(line) and n + 1 < len(lines) and underline.match(lines[n + 1]):
            return md.body_line + n, f"{line.strip()} underlined with {lines[n + 1].strip()[0] * 3}"
    return None


def _required_sections(
    v: schema.Validator, shown: str, md, sections: dict, sec_lines: dict, status: str | None
) -> None:
    required = ["Summary", "Runbook"] + ([] if status in ("draft", None) else ["Root cause"])
    for name in required:
        if name not in sections:
            line, what = _section_missing(md, name, sections, sec_lines)
            v.problems.append(Problem(shown, line, f"## {name}", _draft_may_omit(name, what, status)))
        elif not sections[name].strip():
            v.problems.append(Problem(shown, sec_lines[name], f"## {name}", "section is empty"))


def _draft_may_omit(name: str, what: str, status: str) -> str:
    """``what`` (a required section's "missing" message), with the way out for an active pattern's root
    cause: a draft may leave it out (``_required_sections``). It was "required section is missing" alone,
    and an author whose cause is not known yet had nothing to write (found by a pattern author)."""
    if name != "Root cause" or status != "active" or what != "required section is missing":
        return what
    return (
        f"{what}: write what made it fail under '## {name}'; while the cause is not known, make the pattern "
        "status: draft, which may leave it out"
    )


def _section_missing(md, name: str, sections: dict, sec_lines: dict) -> tuple[int, str]:
    """(line, message) for required section ``name`` that the file does not have as ``## name``: at the
    heading that is it written another way, when there is one; else at the end of the file."""
    # "## Root Cause": the section is there, written another way; said at its line (it was "missing",
    # at the end of the file; found in review)
    near = _looks_like(name, sections, required=True)
    if near is not None:
        return sec_lines[near], f"required section is missing: write '## {' '.join(near.split())}' as '## {name}'"
    level = _other_level(md, name)
    if level is not None:  # "### Runbook": the section is there as a heading of another level
        line, written = level
        if written.startswith("#") and written.lstrip("#")[:1] != " ":  # "##Summary": Markdown reads it as text
            return (
                line,
                f"required section is missing: '{written}' has no space after its #, so it is no heading; write it as '## {name}'",
            )
        return line, f"required section is missing: '{written}' is a heading of another level; write it as '## {name}'"
    other = _other_name(name, sections)
    if other is not None:  # "## Mitigation": the runbook under a name of the team's own
        heading = " ".join(other.split())
        what = f"required section is missing: if '## {heading}' is the {name.lower()}, write it as '## {name}'"
        return sec_lines[other], what
    end_line = md.body_line + md.body.rstrip("\n").count("\n")  # the last line of the file, not past it
    return end_line if md.sections else md.body_line, "required section is missing"


# what teams call a section under another name: the first unknown heading of these, else (the runbook) the
# first unknown one holding a list, is pointed at when the section is missing (found by a new pattern
# author: "## Mitigation" was "## Runbook: required section is missing" at the file's last line)
SECTION_SYNONYMS = {
    "Runbook": ("mitigation", "remediation", "steps", "fix", "response", "resolution", "procedure", "playbook"),
    "Summary": ("overview", "description"),
    "Root cause": ("cause", "causes"),
}
_LIST_ITEM = re.compile(r"^ {0,3}(\d+[.)]|[-*+])[ \t]+\S")


def _other_name(name: str, sections: dict) -> str | None:
    """The unknown ``##`` heading among ``sections`` that most likely is section ``name`` under another
    name: a synonym of it ("## Mitigation", "## Steps" for the runbook), else, for the runbook, the first
    that holds a numbered or bulleted list; None when there is none."""
    other = [h for h in sections if h not in schema.PATTERN_SECTIONS]
    words = SECTION_SYNONYMS.get(name, ())
    for heading in other:
        if " ".join(heading.split()).casefold().rstrip(":") in words:
            return heading
    if name != "Runbook":
        return None
    for heading in other:
        if any(_LIST_ITEM.match(line) for _, line in outside_fences(sections[heading].split("\n"))):
            return heading
    return None


_BARE_NUMBER = re.compile(r"^ ?(\d+)[.)]$")  # "2. " with a space is an empty step: lint says so


def _bare_numbers(text: str) -> list[tuple[int, str]]:
    """(line offset, what is wrong) for each step number alone on its line, outside code: its text on the
    next line ("1." then "Run df -h", which Markdown does not read as a step), or none at all. Markdown
    joins such a line to the step above ("... on the host. 2."), and the steps after it are numbered one
    short, without a word (found by a KB author)."""
    out = []
    lines = text.split("\n")
    for n, line in outside_fences(lines):
        if not _BARE_NUMBER.match(line):
            continue
        after = next((x.strip() for x in lines[n + 1 :] if x.strip()), "")
        number = line.strip()
        if after and not _NUMBERED_STEP.match(after) and not FENCE_LINE.match(after):
            what = f"step {number!r} has its text on the next line ({after[:30]!r}): write it on one line, '{number} {after[:30]}'"
        else:
            what = f"step {number!r} is empty: write what to do after its number, or remove it"
        out.append((n, what))
    return out


def _lookalike_lines(text: str, item: str = "a step") -> list[tuple[int, str]]:
    """(line offset, what is wrong) for each line of a list section, outside code, that starts an item
    with a no-break space or an en dash ("1.\u00a0Run", copied from a document): Recur read it as a step,
    and the site's Markdown as text run into the step above (found by a KB author). A fence line is no
    item, opening or closing its block (the closing one was read as one: "'```' has U+00A0 ... not a
    step" of a block whose opening line, written the same, was not named). A fence line indented by a
    look-alike space is text to the site, and to recur, but no item either: lint's fence_troubles names
    it, as the fence the author meant."""
    out = []
    for n, line in outside_fences(text.split("\n")):
        what = None if lookalike_fence(line) else syntax_lookalike(line, colon=False)
        if what:
            out.append((n, f"{line.strip()[:30]!r} has {what} (the site reads the line as text, not {item})"))
    return out


_NUMBERED_STEP = re.compile(r"^\d+[.)](\s|$)")


# a step written as prose numbers it: "Step 1: run df -h", "Step 2 - delete old logs"; its mark is needed
# ("Step 2 of the deploy failed" is prose)
_STEP_WORD = re.compile(r"^\s*step\s*([0-9]{1,4})\s*[:.)\-–—]\s+(\S.*)$", re.IGNORECASE)


def _step_words(text: str) -> list[tuple[int, str]]:
    """(offset, what) of the first "Step 1: …" line, outside code, of a runbook with no numbered step: Markdown
    reads it as text, and the error said "must be a numbered list" at the heading, naming neither the line nor
    its form (found writing a KB as an author)."""
    for n, line in outside_fences(text.split("\n")):
        m = _STEP_WORD.match(line)
        if m:
            return [(n, f"{line.strip()[:40]!r} is text, no step: write it as '{m.group(1)}. {m.group(2)[:30]}'")]
    return []


def _runbook_prose(v: schema.Validator, shown: str, text: str, line: int, parts) -> None:
    """Text before the first step or after the last is on the pattern's page only: the terminal, the API,
    MCP and Slack show the numbered steps (found in review: "Before you start, open the dashboard." was
    lost without a word). A warning at its line, so the author makes it a step or moves it."""
    if not parts.items:
        return
    for where, prose in (("before the first step", parts.intro), ("after the last step", parts.outro)):
        first = next((x.strip() for x in prose.split("\n") if x.strip()), "")
        if not first or _BARE_NUMBER.match(first):  # a step number alone: said by _bare_numbers
            continue
        at = line + 1 + next(i for i, x in enumerate(text.split("\n")) if x.strip() == first)
        what = (
            f"text {where} ({first[:40]!r}) is shown on the site only; `recur suggest`, the API and chat "
            "show the numbered steps: make it a step, or move it to another section"
        )
        v.problems.append(Problem(shown, at, "## Runbook", what, "warning"))


def _lists(v: schema.Validator, shown: str, sections: dict, sec_lines: dict) -> tuple[list, list]:
    """The runbook's numbered steps and the evidence items, with a problem when the shape is wrong."""
    runbook, evidence = [], []
    if sections.get("Runbook", "").strip():
        parts = list_parts(sections["Runbook"], numbered=True)
        runbook, stray = parts.items, parts.stray
        bare = _bare_numbers(sections["Runbook"]) + _lookalike_lines(sections["Runbook"])
        _runbook_prose(v, shown, sections["Runbook"], sec_lines["Runbook"], parts)
        for off, what in bare:  # with no step at all, the first is the error below
            if runbook:
                v.problems.append(Problem(shown, sec_lines["Runbook"] + 1 + off, "## Runbook", what, "warning"))
        if not runbook:
            bare = bare or _step_words(sections["Runbook"])
            v.problems.append(
                Problem(
                    shown,
                    sec_lines["Runbook"] + (1 + bare[0][0] if bare else 0),
                    "## Runbook",
                    "must be a numbered list (1. first step, 2. next step, ...)" + (f": {bare[0][1]}" if bare else ""),
                )
            )
        elif stray:
            off, text = stray[0]
            v.problems.append(
                Problem(
                    shown,
                    sec_lines["Runbook"] + 1 + off,
                    "## Runbook",
                    f"must be a numbered list; found a bullet item {text[:40]!r}",
                )
            )
    if sections.get("Evidence to preserve", "").strip():
        evidence = evidence_parts(sections["Evidence to preserve"]).items
        for off, what in _lookalike_lines(sections["Evidence to preserve"], "an item") if evidence else ():
            line = sec_lines["Evidence to preserve"] + 1 + off
            v.problems.append(Problem(shown, line, "## Evidence to preserve", what, "warning"))
        if not evidence:
            v.problems.append(
                Problem(
                    shown,
                    sec_lines["Evidence to preserve"],
                    "## Evidence to preserve",
                    "must be a list (- one item per line)" + _lookalike_item(sections["Evidence to preserve"]),
                    "warning",
                )
            )
    return runbook, evidence


def _lookalike_item(text: str) -> str:
    """Why a section's list is none: its first line that starts an item with an en dash or a no-break space
    (``– the dump``, copied from a document), said with the character; else ""."""
    for line in text.split("\n"):
        what = syntax_lookalike(line, colon=False)
        if what:
            return f"; {line.strip()[:30]!r} has {what}"
    return ""


def review_defaults(kb: KB, severity: str, date: dt.date, given: dict) -> Review:
    """Review level, status and due date: what the file says, else the severity framework (a default
    due date stops at 2999-12-31, the last date Recur accepts)."""
    level_def = kb.severity.get(severity)
    level = given.get("level") or (level_def.review if level_def else "full")
    due = given.get("due")
    if due is None and level != "none" and level_def and level_def.review_within_days is not None:
        due = min(shift(date, level_def.review_within_days), LATEST)  # never past the dates check accepts
    status = given.get("status") or ("done" if level == "none" else "pending")
    return Review(level, status, due, given.get("done"), given.get("owner"))


def _load_incident(kb: KB, path: Path) -> None:
    shown = display_path(path)
    parts = path.relative_to(kb.root / "incidents").parts
    if path.suffix == ".md" and not in_year_folder(parts):
        day = iso_date(_written_value(kb, path, "date"))
        move = _move_to(kb, path, "incidents", f"{day.year:04d}" if day else None)
        kb.problems.append(Problem(shown, 1, "file", "incidents live in incidents/<year>/<id>.md" + move))
        return
    opened = _open_record(kb, path, schema.INCIDENT, kb.incident_files)
    if opened is None:
        return
    v, md, meta, raw = opened
    _check_severity(kb, v, meta.get("severity"))
    # a timestamp's year as written counts too: 2027-01-01T01:00:00+10:00 is 2026 on a UTC clock
    # (util.dates.local_date), and under incidents/2027/ either way
    if "date" in meta and int(parts[0]) not in (meta["date"].year, _written_year(raw.get("date"))):
        v.warn(("date",), "date", f"incident of {meta['date'].year} filed under incidents/{parts[0]}/")
    sections = _incident_body(v, shown, md)
    kb.problems.extend(v.problems)
    if not v.ok:
        _keep_refs(kb, v, raw, (("patterns", None),))
        return
    review = review_defaults(kb, meta["severity"], meta["date"], meta.get("review", {}))
    lines = dict(md.meta.lines)
    _keep(
        kb.incidents,
        kb.shadowed_incidents,
        Incident(
            id=meta["id"],
            title=meta["title"],
            date=meta["date"],
            severity=meta["severity"],
            relpath=rel(kb.root, path),
            patterns=meta.get("patterns", []),
            services=meta.get("services", []),
            duration_minutes=meta.get("duration_minutes"),
            review=review,
            follow_ups=[
                FollowUp(
                    f["title"],
                    f.get("status", "open"),
                    f.get("owner"),
                    f.get("due"),
                    f.get("ticket"),
                    f.get("done"),
                    f.get("resolution"),
                )
                for f in meta.get("follow_ups", [])
            ],
            flags=_flags(meta),
            triage=meta.get("triage", []),
            imported=meta.get("imported"),
            candidates=[{k: v for k, v in c.items() if k != "_line"} for c in meta.get("candidates", [])],
            sections=sections,
            extra={k: raw[k] for k in raw if k not in schema.INCIDENT},
            lines=lines,
        ),
    )


def _flags(meta: dict) -> list[Flag]:
    """The incident's flags, each a mapping once validated (a plain-text one is its ``text``)."""
    return [Flag(f["text"], f.get("status", "open"), f.get("note"), f.get("done")) for f in meta.get("flags", [])]


def _incident_body(v: schema.Validator, shown: str, md) -> dict:
    """An incident record's sections, checked: its summary is required."""
    sections, sec_lines = _sections(v, md)
    if "Summary" not in sections:  # at "## Sumary" when there is one, as in a pattern
        line, what = _section_missing(md, "Summary", sections, sec_lines)
        v.problems.append(Problem(shown, md.body_line if what.endswith("missing") else line, "## Summary", what))
    elif not sections["Summary"].strip():
        v.problems.append(Problem(shown, sec_lines["Summary"], "## Summary", "section is empty"))
    return sections


def _written_year(value) -> int | None:
    """The year a date is written with ("2027-01-01T01:00:00+10:00": 2027), or None."""
    text = str(value).strip() if isinstance(value, str) else ""
    return int(text[:4]) if text[:4].isascii() and text[:4].isdigit() else None


def _keep(table: dict, shadowed: list, record) -> None:
    """The first record read with its id goes into the KB; a later one with the same id (its file has
    the duplicate-id error) into ``shadowed``, where `recur check` still checks it."""
    if record.id in table:
        shadowed.append(record)
    else:
        table[record.id] = record


def _path_file(kb: KB, path: Path, pid: str) -> str | None:
    """Another onboarding path file than ``path`` named for the id ``pid``, as shown, or None."""
    other = onboarding_path_file(kb.root, pid)
    return None if other is None or kb.root / other == path else display_path(kb.root / other)


def _load_path(kb: KB, path: Path) -> None:
    shown = display_path(path)
    if path.suffix not in (".yml", ".yaml"):
        if not path.name.startswith(".") and not _record_in_paths(kb, path):
            kb.problems.append(Problem(shown, 1, "file", "not a .yml file; ignored", "warning"))
        return
    if len(path.relative_to(kb.root / "paths").parts) != 1:
        home = kb.root / "paths" / path.name  # where it goes: the message named no place
        move = (
            f": {display_path(home)} has its id already; merge the two"
            if home.exists()
            else f": move it to {display_path(home)}"
        )
        kb.problems.append(Problem(shown, 1, "file", f"onboarding paths live in paths/<id>.yml{move}"))
        return
    twin = path.with_suffix(".yml")
    if path.suffix == ".yaml" and twin.exists():  # both were read, and the last one replaced the other unsaid
        what = f"the same path id {path.stem!r} as {display_path(twin)} (a path's id is its file name): this one is not read; merge the two and delete it"
        kb.problems.append(Problem(shown, 1, "file", what))
        return
    doc = _yaml_file(kb, path, "file")  # "path:" read as a key the file has; it is the file that does not parse
    if doc is None:
        return
    v = _validator(kb, shown, doc, schema.PATH, part="the path file", id_file=lambda rid: _path_file(kb, path, rid))
    _duplicate_keys(v, doc)
    meta = v.mapping(doc.data, schema.PATH)
    if not schema.KEBAB.match(path.stem):
        meant = schema.id_from_title(path.stem, longest=None)  # the name to rename it to: the error named none
        fix = f": rename it {display_path(path.with_name(meant + '.yml'))}" if meant else ""
        if meant and (taken := _path_file(kb, path, meant)):  # not over another path
            fix = f": rename it to a kebab-case id of its own (not {meant}, the name of {taken})"
        v.error(
            (),
            "file",
            f"path file name {quoted(path.stem)} must be a kebab-case id (lowercase words joined by '-'){fix}",
        )
    elif meta.get("id", path.stem) != path.stem:  # it was "unknown key (kept, not used)": the site used the file name
        rename = display_path(path.with_name(f"{meta['id']}.yml"))
        what = f"{meta['id']!r} must equal the file name {path.stem!r} (a path's id is its file name): write id: {path.stem}, or rename the file {rename}"
        v.error(("id",), "id", what)
    kb.problems.extend(v.problems)
    if not v.ok:
        _keep_refs(kb, v, doc.data if isinstance(doc.data, dict) else {}, (("steps", "pattern"),))
        kb.unloaded_paths.append(
            OnboardingPath(
                path.stem, meta.get("title", ""), rel(kb.root, path), lines=dict(doc.lines), order=meta.get("order")
            )
        )
        return
    kb.paths[path.stem] = OnboardingPath(
        id=path.stem,
        title=meta["title"],
        relpath=rel(kb.root, path),
        audience=meta.get("audience"),
        steps=[PathStep(s["pattern"], s.get("why"), s["_line"]) for s in meta["steps"]],
        lines=dict(doc.lines),
        order=meta.get("order"),
    )


def _record_in_paths(kb: KB, path: Path) -> bool:
    """An error for a pattern or an incident record written in paths/ (a Markdown file whose front matter
    has a category, or a date), naming what it is and the place it belongs; True when it was one. It was
    "not a .yml file; ignored", which said neither (a symlink out of the KB or to a device is not read)."""
    if path.suffix.lower() not in (".md", ".markdown"):
        return False
    meant = _meant_root(kb, path)
    if meant is None:
        return False
    kind = "a pattern (it has a category)" if meant.startswith("patterns/") else "an incident record (it has a date)"
    _unread(kb, path, f"it is {kind}, and paths/ holds onboarding paths (paths/<id>.yml)", meant)
    return True


def load_cases(kb: KB, path: Path) -> None:
    """Add one eval-cases YAML file's cases to ``kb.cases``; problems go to ``kb.problems``."""
    doc = _yaml_file(kb, path, "cases")
    if doc is None:
        return
    v = schema.Validator(display_path(path), doc, controls=True)  # a query is what a responder pasted
    if doc.data is None or doc.data == []:
        # a notice, as `recur eval` says it and passes: a new KB (recur init) has none yet, and none of
        # its patterns either (then nothing is said). It was silent, and search was never measured
        if kb.pattern_files:
            what = (
                "no retrieval cases (the file is empty or holds only comments): `recur eval` has nothing to "
                "measure search with; add one per pattern, in a responder's words: - {query: ..., expect: [<pattern id>]}"
            )
            kb.problems.append(Problem(v.relpath, 1, "cases", what, "notice"))
        return
    if not isinstance(doc.data, list):
        v.error((), "cases", "must be a list of {query, expect} entries")
    else:
        for i, item in enumerate(doc.data):
            before = len(v.problems)
            case = v.mapping(item, schema.CASE, (i,), f"[{i}]")
            if not any(p.is_error for p in v.problems[before:]):
                lines = tuple(doc.line(i, "expect", k) for k in range(len(case["expect"])))
                kb.cases.append(EvalCase(case["query"], case["expect"], doc.line(i), expect_lines=lines, index=i))
    kb.problems.extend(v.problems)


def read_cases(path, kb_root=".") -> tuple[list, list]:
    """Retrieval cases from one cases file (KB/eval/cases.yml or another): (cases, problems).
    Reads only that file, so ``recur eval`` does not load the whole KB to get its cases."""
    kb = KB(root=Path(kb_root))
    if Path(path).is_file():
        load_cases(kb, Path(path))
    return kb.cases, kb.problems
