"""Incident records written and amended by tools: new records, "dig into this later" flags,
pattern links. Front matter is edited as text (one line inserted), so an author's layout and
comments survive; every edit is re-parsed before the file is atomically replaced.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import NamedTuple

from recur.kb.placeholders import RECORD_TITLE
from recur.kb.record_edit import add_to_flow_list
from recur.kb.records import Review, owner_key
from recur.kb.schema import REVIEW_LEVELS, given_id
from recur.kb.writer import dumps, flow_list, plain, q, section_text
from recur.util.dates import iso_day, require_in_range
from recur.util.errors import AlreadyExists, RecurError, given_as
from recur.util.files import editing, write_atomic
from recur.util.text import caseless, cut_words, has_text, one_line, quoted, require_no_controls, without_controls

ID_RE = re.compile(r"^INC-(\d{4})-(\d+)$")


def next_id(kb, year: int) -> str:
    """INC-<year>-<NNNN>: one more than the highest number used that year (files with errors count)."""
    used = [0]
    names = set(kb.incident_files) | set(kb.incidents)
    ydir = Path(kb.root) / "incidents" / str(year)
    if ydir.is_dir():
        names |= {p.stem for p in ydir.glob("*.md")}
    for name in names:
        # a record named in lower case (inc-2026-0002.md, by hand) holds its number: INC-2026-0002.md beside it is
        # one file on Windows and macOS, a case twin `recur check --strict` fails on (found in a re-read)
        m = ID_RE.match(name.upper())
        if m and int(m.group(1)) == year:
            used.append(int(m.group(2)))
    return f"INC-{year}-{max(used) + 1:04d}"


def taken_id(kb, iid: str) -> str | None:
    """The id of a record of ``kb`` (one with errors too) that is ``iid`` in any letter case, or None: `--id
    inc-2026-0001` beside INC-2026-0001.md wrote a second file, which Windows and macOS take for the same one (a case
    twin `recur check --strict` fails on) and `recur show` for the same incident (found in a re-read)."""
    return next((k for k in kb.incident_files if k.casefold() == iid.casefold()), None)


def write_new_record(kb, year: int, iid: str, text, numbered: bool) -> tuple[str, Path]:
    """Write ``text(iid)`` as a new record; returns (id, path). A ``numbered`` id (the next free one,
    not asked for) that another writer took meanwhile (a second ``recur incident new``, an MCP call,
    each with its own view of the KB) is replaced by the next free one; a given id never is."""
    from recur.kb.loader import require_inside

    require_inside(kb.root, Path(kb.root) / "incidents" / str(year) / f"{iid}.md")
    for _ in range(_RETRIES):
        path = Path(kb.root) / "incidents" / str(year) / f"{iid}.md"
        try:
            return iid, write_atomic(path, within_limit(path, text(iid)))
        except AlreadyExists:
            if not numbered:
                raise
            iid = next_id(kb, year)  # it reads the year's folder again, where the taken one now is
    raise RecurError(f"{kb.root}/incidents/{year}: no free incident number after {_RETRIES} tries; try again")


_RETRIES = 100  # each try means another record was written in the meantime


def within_limit(path: Path, text: str) -> str:
    """``text``, unless it is larger than a KB file may be: `recur import` of a postmortem with
    thousands of action items (each one in the front matter too) wrote a record `recur check` then
    refused and left out of the KB, so a second import could not see it and wrote it again."""
    from recur.kb.parse import MAX_FILE_BYTES

    size = len(text.encode("utf-8", "surrogatepass"))  # a lone surrogate: write_atomic names it
    if size > MAX_FILE_BYTES:
        raise RecurError(
            f"{path}: not written: the record would be {size:,} bytes, over the {MAX_FILE_BYTES:,} a KB file "
            "may hold (recur check's limit); shorten what goes into it (pasted logs, a very long list of "
            "action items) and try again"
        )
    return text


def incident_text(
    *,
    iid: str,
    title: str,
    date: dt.date,
    severity: str,
    services=(),
    patterns=(),
    duration_minutes: int | None = None,
    review=None,
    follow_ups=(),
    flags=(),
    sections: dict | None = None,
    extra: dict | None = None,
) -> str:
    """The Markdown of an incident record following the KB format."""
    lines = [
        "---",
        f"id: {iid}",
        f"title: {q(title)}",
        f"date: {date.isoformat()}",
        f"severity: {severity}",
        f"patterns: {flow_list(patterns)}",
    ]
    if services:
        lines.append(f"services: {flow_list(services)}")
    if duration_minutes is not None:
        lines.append(f"duration_minutes: {int(duration_minutes)}")
    if review is not None:
        parts = [f"level: {review.level}", f"status: {review.status}"]
        if review.due:
            parts.append(f"due: {review.due.isoformat()}")
        if review.done and review.status == "done":
            parts.append(f"done: {review.done.isoformat()}")
        if getattr(review, "owner", None):  # Recur's extension: who holds it
            parts.append(f"owner: {q(review.owner)}")
        lines.append("review: {" + ", ".join(parts) + "}")
    if follow_ups:
        lines.append("follow_ups:")
        lines += [f"  - {follow_up_yaml(f)}" for f in follow_ups]
    if flags:
        lines.append("flags:")
        lines += [f"  - {q(f)}" for f in flags]
    for key, value in (extra or {}).items():  # a str as a quoted scalar; lists and mappings as JSON flow (valid YAML)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{key}:")
            lines += [f"  - {dumps(v, default=str)}" for v in value]
        else:
            text = q(value) if isinstance(value, str) else dumps(value, default=str)
            lines.append(f"{key}: {text}")
    lines.append("---")
    for heading, text in (sections or {}).items():
        lines += ["", f"## {heading}", section_text(text)]
    return "\n".join(lines) + "\n"


def follow_up_yaml(f: dict) -> str:
    parts = [f"title: {q(f['title'])}", f"status: {f.get('status') or 'open'}"]
    for key in ("owner", "ticket"):
        if f.get(key):
            parts.append(f"{key}: {q(f[key])}")
    if f.get("due"):
        parts.append(f"due: {f['due'].isoformat() if hasattr(f['due'], 'isoformat') else f['due']}")
    if f.get("done") and f.get("status") == "done":  # the day it was done, when the source says it (recur import)
        parts.append(f"done: {f['done'].isoformat() if hasattr(f['done'], 'isoformat') else f['done']}")
    if f.get("resolution"):  # closed undone (recur import of a cancelled item): Recur's extension key
        parts.append(f"resolution: {f['resolution']}")
    return "{" + ", ".join(parts) + "}"


def find_incident(kb, iid: str) -> Path:
    """The one file of incident ``iid`` (a record with errors too, and one filed in the wrong folder,
    which `recur check` names). The id is checked and compared with file names as text: put into a
    glob, "INC-2026-022?" picked a record by wildcard and "../patterns/capacity/disk-full" left
    incidents/, and `recur incident flag` wrote a flag into that pattern file (found in review)."""
    from recur.kb.loader import hidden

    require_id(iid, "INCIDENT_ID", existing=True)  # a record written by hand may have a longer id
    files = kb.incident_files.get(iid) or []
    root = Path(kb.root)
    folder = root / "incidents"
    hits = sorted(
        p
        for p in (folder.rglob("*.md") if folder.is_dir() else ())
        if p.stem == iid and not hidden(p.relative_to(folder).parts)
    )
    if not hits and files:
        hits = [Path(files[0])]
    if not hits:
        raise RecurError(f"no incident {quoted(iid)} in {root / 'incidents'}{_not_found_hint(kb, iid)}")
    if len(hits) > 1:
        raise RecurError(f"incident {quoted(iid)} is in more than one file: {', '.join(map(str, hits))}")
    return hits[0]


def _not_found_hint(kb, iid: str) -> str:
    """Why an id found no record, when it can be told: a pattern's id given for the incident's (the two
    sit side by side on the board), or the id in other case (file names are matched exactly)."""
    if iid in kb.patterns:
        return f": {iid} is a pattern; give the incident's id (e.g. INC-2026-0142: recur report lists them)"
    same = sorted(k for k in set(kb.incident_files) | set(kb.incidents) if k.casefold() == iid.casefold())
    if same:
        return f" (ids are file names, matched as written: did you mean {same[0]}?)"
    return " (ids are file names, e.g. INC-2026-0142)"


def split_front(text: str, path: Path) -> tuple[list[str], str]:
    """(front-matter lines, the rest from the closing line on), closed as `recur check` reads it
    (``---`` or YAML's ``...``)."""
    from recur.kb.parse import front_matter_end

    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise RecurError(f"{path}:1: front matter: the file must start with a --- line")
    end = front_matter_end(lines)
    if end is None:
        raise RecurError(f"{path}:1: front matter: no closing --- line")
    return lines[1:end], "\n".join(lines[end:])


def add_list_item(front: list[str], key: str, item: str, path: Path) -> list[str]:
    """Append ``item`` (a YAML flow value) to the top-level list ``key`` of front-matter lines."""
    esc = re.escape(key)  # "flags": and 'flags': are the key too: else a second one went at the end
    pat = re.compile(rf"^({esc}|\"{esc}\"|'{esc}')\s*:\s*(.*?)\s*(#.*)?$")
    for k, line in enumerate(front):
        m = pat.match(line)
        if not m:
            continue
        written, rest = m.group(1), m.group(2)  # the key as written (quoted or not) stays so
        comment = f"  {m.group(3)}" if m.group(3) else ""  # an author's comment stays
        if not (rest.startswith("[") and rest.endswith("]")):  # a [...] list over lines: the line rule
            flowed = add_to_flow_list("\n".join(front), key, item)  # below refused it, or broke it
            if flowed is not None:
                return flowed.split("\n")
        if rest in ("", "[]", "null", "~"):
            if rest == "[]":
                return front[:k] + [f"{written}: [{item}]{comment}"] + front[k + 1 :]
            end, indent = k, "  "
            for j in range(k + 1, len(front)):
                ln = front[j]
                if not ln.strip():
                    continue
                if ln[0] in " \t" or ln.startswith("- "):
                    if end == k and ln.lstrip().startswith("-"):
                        indent = ln[: len(ln) - len(ln.lstrip())]
                    end = j
                else:
                    break
            if end == k:
                return front[:k] + [f"{written}:{comment}", f"{indent}- {item}"] + front[k + 1 :]
            return front[: end + 1] + [f"{indent}- {item}"] + front[end + 1 :]
        if rest.startswith("[") and rest.endswith("]"):
            inner = rest[1:-1].strip()
            return front[:k] + [f"{written}: [{inner + ', ' if inner else ''}{item}]{comment}"] + front[k + 1 :]
        raise RecurError(f"{path}:{k + 2}: {key}: written in a layout this tool does not edit; add it by hand")
    return front + [f"{key}:", f"  - {item}"]


def read_record(path: Path) -> tuple[str, Callable[[str], str]]:
    """The record's text, decoded as `recur check` decodes it (LF line ends, no byte-order mark nor Ctrl-Z), and
    the function that puts its own back on the text to write: an author on Windows whose editor
    writes CRLF (and a BOM) sees the one added line in the diff, not every line changed. Each line
    keeps its own ending (a CRLF front matter over an LF body was all rewritten as CRLF: found in
    review); see ``_endings_kept``. A file `recur check` would report (not UTF-8, binary, too large)
    is the same one-line problem here, and nothing is written."""
    from recur.kb.loader import display_path
    from recur.kb.parse import MAX_FILE_BYTES, ParseError, read_text, without_eof_mark

    with path.open("rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    try:
        text = read_text(raw)
    except ParseError as exc:
        raise RecurError(f"{display_path(path)}:{exc.line}: file: {exc.message}; nothing written") from None
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    body = without_eof_mark(raw)
    mark = raw[len(body) :].decode("ascii")  # a DOS end-of-file mark read_text left out: kept at the end
    ends = _LINE_END.findall(body.decode("utf-8-sig"))  # read_text decoded it: it is valid
    if all(e == "\n" for e in ends):
        return text, lambda out: bom + out + mark
    return text, lambda out: bom + _endings_kept(text.split("\n"), ends, out) + mark


_LINE_END = re.compile(r"\r\n|\r|\n")  # the line ends read_text makes "\n", in its order


def _endings_kept(before: list[str], ends: list[str], out: str) -> str:
    """``out`` (LF line ends) with each line's ending as the file had it: a line kept, or changed in
    place, keeps its own (``before[i]`` ended with ``ends[i]``); a line the edit adds takes the ending
    of the line it follows (the first line, the file's most common one)."""
    from collections import Counter
    from difflib import SequenceMatcher

    after = out.split("\n")
    common = Counter(ends).most_common(1)[0][0]
    mine: list[str | None] = [None] * (len(after) - 1)  # the ending after each line of ``after`` but the last
    head = next((k for k, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    tail = 0  # the edit is a few lines: only the part between the same head and tail is compared
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    pairs = [(k, k) for k in range(head)] + [(len(before) - 1 - k, len(after) - 1 - k) for k in range(tail)]
    middle = SequenceMatcher(None, before[head : len(before) - tail], after[head : len(after) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in middle.get_opcodes():
        if tag in ("equal", "replace"):  # a replaced line is paired with the one it was, in order
            pairs += [(head + i, head + j) for i, j in zip(range(i1, i2), range(j1, j2))]
    for i, j in pairs:
        if i < len(ends) and j < len(mine):
            mine[j] = ends[i]
    for j, end in enumerate(mine):
        mine[j] = end or (mine[j - 1] if j else common)
    return "".join(line + end for line, end in zip(after, mine)) + after[-1]


def _amend(path: Path, key: str, item_yaml: str, check) -> bool:
    """Add the item to the record's list ``key``; False (nothing written) when an item there is it
    already (``check``), as read under the lock: a second `recur incident flag` with the same text
    stored it twice, and both counted as open flags."""
    from recur.kb.loader import display_path

    with editing(path.parent, display_path(path)):  # read to replace under one lock: no edit lost
        return _amend_locked(path, key, item_yaml, check)


def read_front(path: Path) -> tuple[list[str], str, object, Callable[[str], str]]:
    """(front-matter lines, the rest from the closing line on, the front matter read as `recur check`
    reads it, the function that puts the file's own line ends back: ``read_record``) of a record to
    edit. A record whose front matter does not parse is its own error first, at its own line, as
    `recur check` says it, and nothing is written."""
    from recur.kb.loader import display_path
    from recur.kb.parse import ParseError, load_yaml

    text, as_written = read_record(path)
    front, rest = split_front(text, path)
    try:
        doc = load_yaml("\n".join(front), offset=1)
    except ParseError as exc:
        field = exc.field or "front matter"
        raise RecurError(f"{display_path(path)}:{exc.line}: {field}: {exc.message}; nothing written") from None
    return front, rest, doc, as_written


def _amend_locked(path: Path, key: str, item_yaml: str, check) -> bool:
    from recur.kb.loader import display_path

    front, rest, have_doc, as_written = read_front(path)
    first = next((k for k, line in enumerate(front) if line.strip() and not line.lstrip().startswith("#")), None)
    if first is not None and front[first].lstrip()[:1] in "{[":  # valid YAML, but not a line per key
        raise RecurError(
            f"{display_path(path)}:{first + 2}: front matter: written as one {{...}} mapping, a layout this tool "
            f"does not edit (nothing written); add to {key} by hand, or write a line per key as `recur new` does"
        )
    have = have_doc.data
    items = have.get(key) if isinstance(have, dict) else None
    if isinstance(items, list) and any(check(v) for v in items):
        return False
    new_front = add_list_item(front, key, item_yaml, path)
    _added_safely(path, key, new_front, have_doc, check)
    write_atomic(path, as_written("\n".join(["---"] + new_front) + "\n" + rest), overwrite=True)
    return True


def _added_safely(path: Path, key: str, new_front: list[str], before, check) -> None:
    """Raise unless ``new_front`` reads as the record ``before`` with one item (``check``) after the
    items of ``key``: a "follow_ups": key (quoted) got a second follow_ups: at the end, which read
    back as the new item alone, and the record had a duplicate key (left out of the board)."""
    from recur.kb.parse import ParseError, load_yaml

    try:  # read as `recur check` reads it (dates stay text: "2026-02-30" is its own error, not a crash)
        doc = load_yaml("\n".join(new_front), offset=1)
    except ParseError as exc:
        raise RecurError(
            f"{path}: front matter: could not add to {key} safely ({exc.message}); nothing written"
        ) from None
    data, items = doc.data or {}, before.data.get(key) if isinstance(before.data, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get(key), list) or not check(data[key][-1]):
        raise RecurError(f"{path}: {key}: could not add the item safely; nothing written")
    if data[key][:-1] != (items if isinstance(items, list) else []) or len(doc.duplicates) > len(before.duplicates):
        raise RecurError(
            f"{path}: {key}: could not add the item safely in this layout; nothing written: add it by hand"
        )


def _only_invisible(text: str) -> str:
    """What an empty text's error adds when something was given all the same: nothing of it shows."""
    return " (only invisible characters or emoji)" if text else ""


def add_flag(kb, iid: str, text: str) -> tuple[Path, bool]:
    """(the record, whether the flag was added: False when it has that flag already)."""
    text = one_line(text)
    if not has_text(text):  # U+200B alone was written as a flag with nothing to read
        raise RecurError(f"flag: the text is empty{_only_invisible(text)}; say what to dig into later")
    path = find_incident(kb, iid)
    added = _amend(path, "flags", q(text), lambda v: v == text or (isinstance(v, dict) and v.get("text") == text))
    return path, added


def add_follow_up(kb, iid: str, title: str, owner=None, due: dt.date | None = None, ticket=None) -> tuple[Path, bool]:
    """(the record, whether the follow-up was added: False when one with that title is there already)."""
    title = one_line(title)
    if not has_text(title):  # U+200B alone was written as a follow-up the board listed with no title
        raise RecurError(f"follow-up: the title is empty{_only_invisible(title)}; say what is to be done")
    owner, ticket = (one_line(v or "") for v in (owner, ticket))
    item = {  # an owner or ticket of invisible characters alone is none, as an empty one is
        "title": title,
        "owner": owner if has_text(owner) else None,
        "due": due,
        "ticket": ticket if has_text(ticket) else None,
    }
    path = find_incident(kb, iid)
    # "cache the zone" after "Cache the zone" is the same follow-up: the board counted two open
    same = lambda v: isinstance(v, dict) and caseless(one_line(str(v.get("title") or ""))) == caseless(title)  # noqa: E731
    return path, _amend(path, "follow_ups", follow_up_yaml(item), same)


def link_patterns(kb, iid: str, pattern_ids) -> tuple[Path, list]:
    """Add pattern ids to an incident's ``patterns`` (skipping ones already there)."""
    from recur.kb.loader import require_patterns

    pattern_ids = require_patterns(kb, pattern_ids, "patterns")  # as the patterns have them: "Disk-Full" too
    path = find_incident(kb, iid)
    have = kb.incidents[iid].patterns if iid in kb.incidents else []
    added = []
    for pid in pattern_ids:
        if pid in have or pid in added:
            continue
        if _amend(path, "patterns", plain(pid), lambda v, pid=pid: v == pid):  # (linked meanwhile: not twice)
            added.append(pid)
    return path, added


def unlink_patterns(kb, iid: str, pattern_ids) -> tuple[Path, list]:
    """Take pattern ids out of an incident's ``patterns`` (`recur incident link --remove`): (the record, the
    ids taken out, in the order given). A wrong link could only be taken out by editing YAML. An id the
    record does not link is an error naming those it links; nothing is written then."""
    from recur.kb.loader import display_path

    path = find_incident(kb, iid)
    with editing(path.parent, display_path(path)):  # read to replace under one lock: no edit lost
        front, rest, doc, as_written = read_front(path)
        have = doc.data if isinstance(doc.data, dict) else {}
        linked = have.get("patterns")
        linked = [str(x) for x in linked] if isinstance(linked, list) else []
        gone = list(dict.fromkeys(map(given_id, pattern_ids)))  # "Disk-Full" is disk-full, as link reads it
        if missing := [pid for pid in gone if pid not in linked]:
            links = f"it links {', '.join(linked)}" if linked else "it links no pattern"
            raise RecurError(f"{display_path(path)}: patterns: {iid} does not link {', '.join(missing)} ({links}); "
                             "nothing written")  # fmt: skip
        kept = [pid for pid in linked if pid not in gone]
        text = without_items("\n".join(front), kept, gone, display_path(path))
        _unlinked_safely(text, have, kept, display_path(path))
        write_atomic(path, as_written("\n".join(["---", text]) + "\n" + rest), overwrite=True)
    return path, gone


def without_items(front: str, kept: list, gone: list, shown: str, key: str = "patterns") -> str:
    """``front`` with the ``key`` items of ``gone`` taken out (a record's ``patterns``, or the ``triage`` a flag
    filled, pm_merge): a flow list ``[a, b]`` written again with the items kept as they were written; a block
    list loses the lines of those items (each on a line of its own), and becomes ``[]`` when none is kept
    (``patterns:`` alone would read as no list)."""
    import yaml

    from recur.kb.parse import compose

    root = compose(front)
    pair = next((kv for kv in getattr(root, "value", []) if getattr(kv[0], "value", None) == key), None)
    node = pair[1] if pair else None
    if not isinstance(node, yaml.SequenceNode) or not all(isinstance(x, yaml.ScalarNode) for x in node.value):
        raise RecurError(f"{shown}: {key}: written in a layout this tool does not edit; change it by hand")
    items = node.value
    if node.flow_style:
        shown_items = [front[x.start_mark.index : x.end_mark.index] for x in items if x.value not in gone]
        return front[: node.start_mark.index] + "[" + ", ".join(shown_items) + "]" + front[node.end_mark.index :]
    if not kept:  # after the key's colon, up to the end of the last item's line
        colon = front.index(":", pair[0].end_mark.index)
        end = front.find("\n", items[-1].end_mark.index)
        return front[: colon + 1] + " []" + (front[end:] if end >= 0 else "")
    lines = front.split("\n")
    drop = {x.start_mark.line for x in items if x.value in gone}
    if any(not re.fullmatch(r"\s*-\s*", lines[n][: _item_at(items, n).start_mark.column]) for n in drop):
        raise RecurError(f"{shown}: {key}: written in a layout this tool does not edit; change it by hand")
    return "\n".join(line for n, line in enumerate(lines) if n not in drop)


def _item_at(items: list, line: int):
    """The item of a block list that starts on ``line``."""
    return next(x for x in items if x.start_mark.line == line)


def _unlinked_safely(text: str, before: dict, kept: list, shown: str) -> None:
    """Raise unless ``text`` reads as the record ``before`` with ``patterns`` now ``kept``, every other key
    as it was: nothing is written otherwise."""
    from recur.kb.parse import ParseError, load_yaml

    try:
        data = load_yaml(text, offset=1).data
    except ParseError as exc:
        raise RecurError(f"{shown}: patterns: could not unlink safely ({exc.message}); nothing written") from None
    same = isinstance(data, dict) and all(data.get(k) == v for k, v in before.items() if k != "patterns")
    if not same or [str(x) for x in data.get("patterns") or []] != kept or set(data) != set(before):
        raise RecurError(
            f"{shown}: patterns: could not unlink safely in this layout; nothing written: change it by hand"
        )


CANDIDATE_KEYS = ("id", "rank", "confidence", "score", "title", "why")  # a `candidates:` item (docs/kb-format.md)


def stored_candidates(cands: list, linked, import_drafts=frozenset()) -> list[dict]:
    """The ``candidates:`` a new record is written with, by `recur import`, `recur incident new` and MCP's
    record_incident alike: the ranked suggestions (``importer.candidates_of``), while the record still
    needs analysis (``board.needs_analysis``): it links no pattern, or only drafts an import wrote
    (``import_drafts``); none once it links a pattern a person has analysed (a link made afterwards,
    `recur incident link`, leaves them). A live incident showed "-" under "needs analysis" where an
    imported one showed its candidates (found in review)."""
    if any(pid not in import_drafts for pid in linked):
        return []
    return [{k: c[k] for k in CANDIDATE_KEYS} for c in cands]


def candidates_text(kb, iid: str) -> list[str]:
    """Lines showing the ranked candidates ``recur import`` stored on an incident (with their why)."""
    find_incident(kb, iid)
    inc = kb.incidents.get(iid)
    cands = inc.candidates if inc is not None else []
    if not cands:
        return []
    linked = ", ".join(pid + _draft_mark_of(kb, pid) for pid in inc.patterns)
    out = [f"Candidates stored for {iid} ({'linked: ' + linked if inc.patterns else 'not linked'}):"]
    for c in cands:
        conf = f"{c.get('confidence') or '?'}" + (f", {c['score']}" if c.get("score") else "")
        out.append(
            f"  {c.get('rank') or '-'}. {c['id']}  {c.get('title') or ''}{_draft_mark_of(kb, c['id'])}  ({conf})"
        )
        if c.get("why"):
            out.append(f"     why: {c['why']}")
    return out


def _draft_mark_of(kb, pid: str) -> str:
    """The mark `recur suggest` gives pattern ``pid`` as it is now (records.draft_mark): a candidate stored as
    a draft may have been promoted since (found in review: the stored list marked no import's draft)."""
    from recur.kb.records import draft_mark

    p = kb.patterns.get(pid)
    return "" if p is None else draft_mark({"import_draft": p.import_draft, "draft": p.status == "draft"})


class RecordedIncident(NamedTuple):
    """What ``record_incident`` (and ``write_incident``) wrote: the record's ``id`` (``INC-2026-0142``), the
    ``path`` of its file and its ``review`` (level, status, due, done, owner: from the severity framework unless
    given). A named tuple, so ``iid, path, review = record_incident(kb, new)`` unpacks it as the bare tuple it
    was (a bot embedding Recur read ``written[1]`` and had to know which was the path; found in review)."""

    id: str
    path: Path
    review: Review


@dataclass(frozen=True)
class NewIncident:
    """What ``recur incident new`` (and any other surface that records one) is given. Frozen: what is
    checked and written is a new value (``checked_incident``), never this one changed under its caller."""

    title: str
    severity: str
    date: dt.date
    description: str = ""
    services: tuple = ()
    log: str = ""  # a pasted log's lines around those searched, under ## Log (ingest/pasted_log.py cuts a long one)
    flags: tuple = ()
    patterns: tuple = ()
    iid: str | None = None
    duration_minutes: int | None = None
    review_level: str | None = None
    review_due: dt.date | None = None
    review_owner: str | None = None  # who holds the review (Recur's review.owner)


def suggestion_query(title: str, description: str | None) -> str:
    """The text ``recur incident new`` (and MCP's record_incident) searches for a new record: its
    title, then what was seen."""
    said = (description or "").strip()
    return f"{' '.join(title.split())}. {said if has_text(said) else ''}".strip()


def incident_command(
    text: str, pattern: str | None = None, flags: str = "", title: str | None = None, piped: bool = False
) -> str:
    """The ``recur incident new`` command that records ``text`` (severity is asked on a terminal), titled
    ``title`` (by default its first line that is not blank), described by it whole; ``pattern``: linked with
    ``--pattern``. Slack's reply gives it when nothing known matches (serve/slack.incident_line) and the
    terminal's `recur suggest` whatever the answer: recorded incidents are what the board counts. ``flags``: config.where_flags of the run, its --kb and --index when not the defaults.
    ``piped``: ``text`` came on stdin (`recur suggest -`): the command reads it the same way, ``… | recur
    incident new … -d -``, with ``-s SEVERITY`` (stdin is the pipe: it cannot ask). Found in review: the 300
    characters of a pasted log, ending in "…", were the description, and the record's Summary a cut text
    searched to other candidates than `recur suggest` had shown."""
    first = next((line for line in text.splitlines() if line.strip()), text)
    named = shlex.quote(cut_words(first, 80) if title is None else title)
    link = f" --pattern {shlex.quote(pattern)}" if pattern else ""
    if piped:
        return f"… | recur incident new {flags}-t {named} -s SEVERITY -d -{link}"
    if "\n" in text.strip():
        # its lines kept, on the command's one line: flattened to one line, a pasted log's record held a run-on
        # text (found in review); a quoted line break would make the command span lines, as a copy breaks it
        return f"recur incident new {flags}-t {named} -d {ansi_c_quote(text.strip().replace(chr(13) + chr(10), chr(10)))}{link}"
    said = " ".join(text.split())
    return f"recur incident new {flags}-t {named} -d {shlex.quote(said)}{link}"


_ANSI_C = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def ansi_c_quote(text: str) -> str:
    """``text`` as one shell word in ANSI-C quoting, ``$'line one\\nline two'`` (bash, zsh, ksh, POSIX.1-2024 sh),
    which reads back to it: its line breaks, tabs, backslashes and quotes escaped, another control character
    as ``\\xHH``."""
    out = (_ANSI_C.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 32 or ord(ch) == 127 else ch) for ch in text)
    return "$'" + "".join(out) + "'"


def recorded_with_title(kb_dir, title: str) -> tuple[str, str] | None:
    """(id, KB-relative path) of the incident recorded with ``title`` (case, Unicode forms and runs of spaces
    aside, as titles are typed), the newest of several; None when no record has it. `recur suggest` given a past
    incident's exact title proposed recording it again (found in a new-hire review: a duplicate, the board
    counting it twice). On suggest's path, so the KB is not loaded (3.4 s at 1,000 patterns + 1,000 incidents):
    a file is parsed only when every word of the title is in it, and a file that does not parse is no match."""
    from recur.kb.loader import hidden, in_year_folder
    from recur.kb.parse import ParseError, read_text_file, split_front_matter

    want = " ".join(caseless(title).split())
    if not want:
        return None
    root = Path(kb_dir)
    found = []
    # word tokens, not the title's words: a file holds a title as YAML escapes it (`\\"MOVED\\"`, `can''t`), so
    # a quoted word of the title is never in it whole (found in a re-read: a duplicate record proposed)
    words = re.findall(r"\w+", want)
    for path in sorted((root / "incidents").rglob("*.md")):
        # the files the loader reads as incidents only: no "Recorded already" for one `recur show` cannot find
        parts = path.relative_to(root / "incidents").parts
        if hidden(parts) or not in_year_folder(parts):
            continue
        try:
            text = read_text_file(path)  # as the loader reads it: a record saved with a BOM was never found
        except (OSError, ParseError):
            continue
        folded = caseless(text)
        if any(word not in folded for word in words):
            continue
        try:
            meta = split_front_matter(text).meta.data
        except ParseError:
            continue
        if isinstance(meta, dict) and " ".join(caseless(str(meta.get("title", ""))).split()) == want:
            found.append((str(meta.get("date", "")), str(meta.get("id", path.stem)), path.relative_to(root).as_posix()))
    return max(found)[1:] if found else None


def no_match_text(linked, report: str = "recur report") -> str:
    """What a new record's answer says when no known pattern matches (``recur incident new`` and MCP's
    record_incident): with a linked pattern it is not "needs analysis"; without one it is, and the
    next step is a pattern. ``report``: how the caller names the problem report."""
    if linked:
        return f"No other known pattern matches (linked: {', '.join(linked)})."
    return (
        f'No known pattern matches: it will show as "needs analysis" in {report}. Once the cause is understood, '
        "draft a pattern (recur new pattern) or recur import the postmortem."
    )


def require_id(iid: str, flag: str | None = None, *, existing: bool = False) -> str:
    """``iid`` when it is a valid incident id (it becomes a file name: no '/', no leading '.'); else a RecurError
    naming ``flag``, by default what its caller gave it as (``given_as``): ``recur incident new``'s --id on the
    command line, else NewIncident's ``iid``: ``record_incident(NewIncident(iid="a/b"))`` was told "--id: …", a
    flag a library caller never passed (found re-reading Recur as a library). A new record's id is at most schema.MAX_NAME
    characters; ``existing``: the id of a record that may be there already, of any length."""
    from recur.kb.schema import INCIDENT_ID

    if not INCIDENT_ID.fullmatch(iid):
        flag = flag or given_as("iid")
        raise RecurError(f"{flag}: {quoted(iid)} is not a valid incident id (letters, digits, . _ -)")
    if not existing:
        from recur.kb.schema import name_fits

        name_fits(iid, flag or given_as("iid"))
    return iid


def framework_severity(kb, given: str, field: str = "severity") -> str:
    """The framework's key for ``given``: "SEV2" or " Sev2" from a chat or an MCP client is sev2, as
    list_patterns reads it; a key that differs from two only by case stays an error, named as
    ``field`` (`recur import` says --severity)."""
    if given in kb.require_severity():
        return given
    same = [k for k in kb.severity if k.lower() == str(given).strip().lower()]
    if len(same) == 1:
        return same[0]
    if numbered := _numbered_level(kb, given):
        return numbered
    if broken := kb.broken_severity(given):
        raise RecurError(f"{field}: {broken}")
    from recur.kb.schema import meant_severity

    hint = meant_severity(given, kb.severity)
    raise RecurError(
        f"{field}: unknown {given!r}{hint}; the framework has {', '.join(kb.severity)}{_by_priority(kb, given)}"
    )


# a severity level by its number ("Sev-2", "severity 2", "2") and a priority ("P1", "priority 1"), read as the
# level of its number: one pattern each, for reading a level, saying how a priority is read and noting it
_LEVEL = re.compile(r"(?:sev(?:erity)?)?[\s\-_:]{0,2}(\d+)")
_PRIORITY = re.compile(r"p(?:riority)?[\s\-_:]{0,2}(\d+)")


def level_number(key: str) -> str:
    """A level's number: its key's digits ("sev2", "p2", "SEV-2" are 2), "" for a key with none ("major")."""
    return re.sub(r"\D", "", key)


def numbered_levels(levels, number: str) -> list[str]:
    """The framework's keys (``levels``: its keys, or key -> level) numbered ``number``, in its order: the one rule
    for a level by its number, here (``framework_severity``) and in `recur import` (``postmortem.severity_key``)."""
    return [k for k in levels if level_number(k) == number]


def _numbered(levels) -> list[tuple[str, str]]:
    """The framework's levels that have a number, as (key, its digits) in the framework's order ("sev2": "2"):
    one list for reading a priority by its number, and for saying how one is read."""
    return [(k, digits) for k in levels if (digits := level_number(k))]


def is_priority(given) -> bool:
    """``given`` is a priority ("P1", "priority 1"), which framework_severity reads as the level of its number."""
    return _PRIORITY.fullmatch(str(given).strip().lower()) is not None


def _by_priority(kb, given) -> str:
    """How a priority is read, after a priority no level has ("P0" where levels start at sev1): the
    framework's keys alone did not say that P1 is read at all."""
    numbered = _numbered(kb.severity)
    if not numbered or not is_priority(given):
        return ""
    key, number = numbered[0]
    return f" (a priority is read as the level of its number: P{number} is {key})"


def _numbered_level(kb, given) -> str | None:
    """The framework's one level numbered as ``given`` says ("Sev-2", "SEV 2", "severity 2", "2"), as
    docs/problems.md promises for --severity and a postmortem's field alike: `Sev-2` was refused with
    "did you mean sev2?" by `recur incident new -s` and `recur import --severity`. A priority ("P1",
    "priority 1") is the level of its number too, as `recur import` reads a "Priority: P1" field: `incident new
    -s P1` was refused, "unknown 'P1'" (found in review)."""
    return numbered_level(kb.severity, given)


def numbered_level(levels, given) -> str | None:
    """The one key of ``levels`` numbered as ``given`` says, a level ("Sev-2", "SEV 2", "severity 2", "2") or a
    priority ("P1", "priority 1"); None when none or several are: the reading of record_incident's severity
    (``_numbered_level``, the framework's levels) and of the pattern list's filter (retrieval.patterns, the
    levels the patterns have), one rule (list_patterns read P1 alone, /api/patterns neither; found in review)."""
    typed = str(given).strip().lower()
    m = _LEVEL.fullmatch(typed) or _PRIORITY.fullmatch(typed)
    numbered = numbered_levels(levels, m.group(1)) if m else []
    return numbered[0] if len(numbered) == 1 else None


def review_json(review) -> dict:
    """A record's review as `recur incident new --json`, `recur import --json`, the API and MCP give it
    (``done``: the day it was held, when recorded)."""
    return {
        "level": review.level,
        "status": review.status,
        "due": iso_day(review.due),
        "done": iso_day(review.done),
        "owner": review.owner,
    }


def follow_up_json(f) -> dict:
    """A record's follow-up as `recur show --json` and MCP's past_incidents give it, its keys the record's
    (``resolution``: ``wont-do`` on one closed undone, else null)."""
    return {
        "title": f.title,
        "status": f.status,
        "owner": f.owner,
        "due": iso_day(f.due),
        "done": iso_day(f.done),
        "ticket": f.ticket,
        "resolution": f.resolution,
    }


def flag_json(f) -> dict:
    """A record's flag ("dig into this later") as `recur show --json` and MCP's past_incidents give it."""
    return {"text": f.text, "status": f.status, "note": f.note, "done": iso_day(f.done)}


def recorded_json(kb, new: NewIncident, iid: str, path, review) -> dict:
    """What `recur incident new --json` and MCP's record_incident answer for a written record, before
    suggestions: one definition, as the MCP tool promises the CLI's object (found in review: two
    copies). ``suggestions``, ``candidates`` and ``no_known_pattern`` are filled in by whoever makes
    suggestions (cli/incident.py, serve/mcp_record.py; ``candidates`` by ``importer.candidates_of``);
    ``no_known_pattern`` stays null when none are asked for (--no-suggest, --top 0). Patterns linked
    afterwards go in with ``add_linked``.

    After its own keys come the same facts under the keys `recur import --json` gives them
    (``incident``, ``incident_path``, ``patterns``, ...), and import's object has these keys too: a
    script reads a new record the same way from either (docs/incident-json.md)."""
    linked = list(dict.fromkeys(new.patterns))
    return {
        "id": iid,
        "path": str(path),
        "review": review_json(review),
        "suggestions": [],
        "no_known_pattern": None,
        "linked": linked,
        "incident": iid,
        "incident_path": str(path),
        "patterns": list(linked),
        "date": new.date.isoformat(),
        "severity": framework_severity(kb, new.severity),  # as recorded: "SEV2" given is sev2
        "candidates": [],
        "triage": [],  # every field was given: no placeholder
        "follow_ups": 0,
        "title": one_line(new.title),  # as record_incident writes it; `recur import --json` has it too
    }


def add_linked(out: dict, added) -> None:
    """Patterns linked to a new record after its object was made (``recorded_json``), under both keys."""
    out["linked"] += [pid for pid in added if pid not in out["linked"]]
    out["patterns"] = list(out["linked"])


def record_incident(
    kb, new: NewIncident, *, suggest: Callable[[], tuple[list, list]] | None = None
) -> RecordedIncident:
    """Check ``new`` against ``kb`` (``checked_incident``) and write its record (``write_incident``); returns
    its id, path and review (``RecordedIncident``). A field it refuses is named as its caller gave it
    (``util.errors.given_as``: ``patterns`` to a library's caller, --pattern on the command line); it took a
    ``patterns_field`` for that, a second way beside the one every other message used (found in review).
    ``suggest``: as ``write_incident`` takes it."""
    given_values(new)
    checked = checked_incident(kb, new)
    return write_incident(kb, checked, suggest=suggest)


@dataclass(frozen=True)
class CheckedIncident(NewIncident):
    """A new incident as its record is written (``checked_incident`` makes it): title, description, log,
    services and flags cleaned, the severity the framework's key, dates in range, pattern ids known, ``iid``
    valid and free. ``numbered``: ``iid`` is the next free number, not one asked for, so it moves on when
    another writer takes it first (``write_new_record``). A record already written is compared with this
    (``recorded_today``, ``retried``): with the fields as written, not a copy of the cleaning that may drift."""

    numbered: bool = False


@dataclass(frozen=True)
class Asked:
    """How a surface that records an incident reads what it was given: `recur incident new`, MCP's
    record_incident and a library's call by this one, each naming the list of patterns as it calls it
    (``util.errors.given_as``); `recur new incident` by its flags (scaffold.BY_FLAGS). The checks and the
    cleaning are ``checked_incident``'s, the same for each."""

    date: str = "date"

    def title(self, given: str) -> str:
        """The title as written (one line), refused when nothing of it is text."""
        # a pasted terminal line's colour codes are not its text: the record, the board and the site show
        # it; one-line fields lose every control character (`recur report` would print it to a terminal)
        title = one_line(given)
        if not has_text(title):  # U+200B alone was a record titled with nothing to read
            raise RecurError("title: is empty" + _only_invisible(title))
        if title == RECORD_TITLE:  # `recur suggest`'s command run as printed: a record titled with nothing said
            raise RecurError(
                f"title: {RECORD_TITLE} is the placeholder of the command recur suggest printed: replace it with "
                "what happened, in a few words; nothing written"
            )
        return title

    def severity(self, kb, given: str) -> str:
        return framework_severity(kb, given)

    def known(self, kb, ids) -> tuple:
        """The pattern ids to link, each one a pattern of ``kb``, as its file names it ("Disk-Full": disk-full)."""
        from recur.kb.loader import require_patterns

        return tuple(require_patterns(kb, ids, given_as("patterns")))

    def free(self, kb, iid: str) -> None:
        if (taken := taken_id(kb, iid)) is not None:
            said = iid if taken == iid else f"{iid} (as {taken}, in other letter case)"
            raise RecurError(f"incident {said} already exists: {kb.incident_files[taken][0]}")

    def called(self, field: str) -> str:
        """What a refusal calls the field ``field`` of ``NewIncident``: as its caller gave it (``given_as``)."""
        return given_as(field)


RECORDED = Asked()  # `recur incident new`'s reading, MCP's record_incident's and a library's


def checked_incident(kb, given: NewIncident, asked: Asked = RECORDED) -> CheckedIncident:
    """``given`` cleaned as its record is written and checked against ``kb``: the one step before a new record
    is written, by `recur incident new`, MCP's record_incident and `recur new incident` (each names the
    fields its own way: ``asked``). Nothing is written here; the first field that is wrong (unknown
    severity or pattern, a date out of range, a bad or taken id, a title too long) is a RecurError, and a
    field of the wrong type (``given_types``) a TypeError."""
    given_types(given)
    plain_given(given, asked)
    title = asked.title(given.title)
    require_title_length(title)
    description = without_controls(given.description or "").strip()
    for what, day in ((asked.date, given.date), ("review due", given.review_due)):
        if day is not None:
            require_in_range(day, what)
    severity = asked.severity(kb, given.severity)
    # a pattern or service given twice, once: `recur new incident --pattern a --pattern a` wrote [a, a], which
    # `recur check` then warned of, where `recur incident new` wrote it once
    patterns = tuple(dict.fromkeys(asked.known(kb, given.patterns)))
    iid = require_id(given.iid or next_id(kb, given.date.year))
    asked.free(kb, iid)
    return CheckedIncident(
        **{f.name: getattr(given, f.name) for f in fields(NewIncident)}
        | {
            "title": title,
            "severity": severity,
            "description": description if has_text(description) else "",
            "log": without_controls(given.log or "").strip(),
            # an empty --service "$SVC" (an unset variable in a script) wrote services: [""], a record
            # check rejects and the report leaves out: dropped, as empty flags are
            "services": tuple(dict.fromkeys(one_lines(given.services))),
            # U+200B alone: no flag, as an empty one; a flag given twice once, as a pattern or service: `recur
            # incident new --flag x --flag x` wrote it twice, two open flags of one question
            "flags": tuple(dict.fromkeys(one_lines(given.flags))),
            "patterns": patterns,
            "iid": iid,
            "numbered": not given.iid,
            # one line; blank or invisible alone is none, as an empty flag is
            "review_owner": next(iter(one_lines([given.review_owner or ""])), None),
        }
    )


def plain_given(given: NewIncident, asked: Asked = RECORDED) -> None:
    """Each text of ``given`` as ``util.text.control_refused`` takes it, else a RecurError naming the field as
    ``asked`` calls it (``flags[1]``): a control character but a tab and line breaks is refused on every surface
    that records (MCP's record_incident, a library's call, the CLI's flags, which click refuses first), where
    the CLI took it out without a word and MCP refused it (found by fuzzing). Text read whole from stdin (`-d -`)
    is cleaned, and said, before it comes here."""
    for name in ("title", "description", "log", "review_owner", "services", "flags"):
        value = getattr(given, name)
        for n, text in enumerate(value or ()) if name in ("services", "flags") else [(None, value)]:
            if isinstance(text, str):
                require_no_controls(text, asked.called(name) + ("" if n is None else f"[{n}]"))


def given_types(given: NewIncident) -> None:
    """A ``NewIncident`` built with a field of the wrong type, refused as Python refuses a wrong call (TypeError)
    before a record is checked: ``patterns="disk-full"`` was read as the ids "d", "i", "s" … ("--pattern: unknown
    pattern id(s) d, i, s, k, -, f, u, l, l") and ``date="2026-01-01"`` failed deep inside with a comparison of
    a date and a str. Found using Recur as a library; the CLI and MCP always built it right."""
    for name in ("services", "flags", "patterns"):
        _given_texts(name, getattr(given, name))
    for name in ("date", "review_due"):
        value = getattr(given, name)
        # a datetime is a date too, but failed as the str did, comparing itself with the dates Recur accepts
        day = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        if not day and (name == "date" or value is not None):
            raise TypeError(f"NewIncident.{name}: a datetime.date, not {type(value).__name__} ({value!r})")


def _given_texts(name: str, value) -> None:
    """``NewIncident.<name>``, a list of texts, or a TypeError naming the field: one string, and an item of no text
    (``patterns=[1]`` failed inside with "'int' object has no attribute 'strip'", ``services=[None]`` with
    "argument of type 'NoneType' is not iterable"; found re-reading Recur as a library). None is no services or
    flags, as it was; no patterns failed inside."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"NewIncident.{name}: a list or tuple of strings, not one string ({value!r}: [{value!r}])")
    if value is None and name != "patterns":
        return
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise TypeError(f"NewIncident.{name}: a list or tuple of strings, not {type(value).__name__} ({value!r})")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise TypeError(f"NewIncident.{name}[{i}]: a string, not {type(item).__name__} ({item!r})")


def given_values(given: NewIncident) -> None:
    """The review level and duration a record may have, refused as `recur check` refuses them: a library's
    ``review_level="huge"`` or ``duration_minutes=-5`` wrote a record `recur check` then called an error (the
    CLI's --review-level and --duration take no such value; found re-reading Recur as a library). Here, not in
    ``checked_incident``: what `recur import` reads of a postmortem is not refused here, as before (it imports a
    document whole rather than refuse it for one field)."""
    if given.review_level is not None and given.review_level not in REVIEW_LEVELS:
        raise RecurError(f"review_level: must be one of {', '.join(REVIEW_LEVELS)}, not {given.review_level!r}")
    minutes = given.duration_minutes
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0):
        raise RecurError(f"duration_minutes: must be a whole number of 0 or more, not {minutes!r}")


def one_lines(items) -> tuple:
    """The items given, each one line of text (``one_line``), empty ones and ones of only invisible characters
    (``has_text``) left out: a new record's services and flags, and `recur new pattern`'s lists."""
    return tuple(t for t in map(one_line, items or ()) if has_text(t))


def write_incident(
    kb, new: CheckedIncident, *, suggest: Callable[[], tuple[list, list]] | None = None
) -> RecordedIncident:
    """Write the record of ``new`` atomically, its review level and due date from the severity framework
    unless given; returns its id, path and review (``RecordedIncident``). ``suggest()``, called once the record
    is written, gives (pattern ids to link too, the ranked suggestions as ``importer.candidates_of`` gives them): the record
    is then rewritten with them (``_with_suggestions``). Written first because the suggestions load a model
    and maybe build an index (seconds, more on a first run): a terminal closed or a process killed meanwhile
    must not lose the incident being recorded mid-incident. Whatever becomes of ``suggest``, the record
    stays written."""
    from recur.kb.loader import review_defaults

    given = {k: v for k, v in (("level", new.review_level), ("due", new.review_due), ("owner", new.review_owner)) if v}
    review = review_defaults(kb, new.severity, new.date, given)
    _readable(_new_text(new, new.iid, review))
    iid, path = write_new_record(kb, new.date.year, new.iid, lambda i: _new_text(new, i, review), new.numbered)
    if suggest is not None:
        _with_suggestions(kb, new, (iid, path, review), suggest)
    return RecordedIncident(iid, path, review)


def recorded_today(kb, new: CheckedIncident, said: Callable[[str], str]):
    """The incident recorded on ``new``'s date with its title (case aside) and Summary as ``new``'s record
    has them, or None: a client whose call timed out after the write retries it (MCP's record_incident),
    and each call wrote a record. Of several such, the one ``new`` repeats field for field (``retried``),
    else the first: the first alone was taken, so after a second record of the same title and description
    (other patterns) a retry of that second call, or `recur incident new` with the same, wrote a third and a
    fourth, each ``same_as`` the first (found in review). ``said``: a Summary as compared, without its wrapping
    (pasted_log.as_said: the callers', the search's reading, which kb/ may not import): compared as written, a log
    recorded bare by the CLI and in a ```text fence by MCP was two incidents (found in review). Required: its
    default, ``str.strip``, served only tests, which then compared as no caller does."""
    title, summary = caseless(new.title), said(new.description or new.title)  # the Summary _new_text writes
    same = [
        inc
        for inc in kb.incidents.values()
        if inc.date == new.date and caseless(one_line(inc.title)) == title and said(inc.summary or "") == summary
    ]
    return next((inc for inc in same if retried(new, inc)), same[0] if same else None)


def retried(new: CheckedIncident, inc) -> bool:
    """Whether ``new`` is what ``inc`` (``recorded_today``'s) recorded, field for field: a retried call."""
    # the record's flags are Flag objects (text, status, note): compared by text, a retried call with flags was
    # never a retry (a string is no Flag) and each retry wrote another record (found in review)
    recorded = [getattr(f, "text", f) for f in inc.flags]
    # a review owner given (MCP's review_owner) is a field too: a call with another owner was answered with
    # the first record, the owner given dropped unsaid; compared as the board reads owners ("@bob" is bob: a
    # retry written otherwise was a second record with same_as; found in review)
    owner = getattr(inc.review, "owner", None)
    same = new.severity == inc.severity and set(new.patterns) == set(inc.patterns) and list(new.flags) == recorded
    return same and owner_key(new.review_owner or "") == owner_key(owner or "")


# The most characters a title recorded by `recur incident new`, `recur new incident` or MCP's record_incident may
# have (`recur import` cuts a longer one at a word, importer.within_title_limit). A title is
# read in lists (the board, `recur report`, the site's incident pages); `recur check` warns past 120, as for a
# pattern's (lint.TITLE_LONGEST). A 100,000-character title was written, and passed check (found in review).
TITLE_MOST = 200


def require_title_length(title: str) -> None:
    if len(title) > TITLE_MOST:
        raise RecurError(
            f"title: is {len(title):,} characters; a recorded title may have {TITLE_MOST} at most (keep it to 120 "
            "or fewer, as recur check asks): say what happened in a few words and put the rest in the "
            "description; nothing written"
        )


def retired_notes(kb, pattern_ids) -> dict[str, str]:
    """{id: note} of the retired patterns among ``pattern_ids`` an incident links: one thought gone that strikes
    again deserves a look, and while it is retired it is left out of suggestions and its open fix out of the
    board. When it names what replaced it (superseded_by), the incident may well be that one's: the note names it
    (an old id linked from memory or an old postmortem). `recur incident new` and `link` say each on stderr, MCP's
    record_incident in its answer (it said nothing of it: found in an MCP review)."""
    notes = {}
    for pid in pattern_ids:
        p = kb.patterns.get(pid)
        if p is not None and p.status == "retired":
            found = kb.successors(pid)
            # "link that instead" named one pattern when a split named two ("... and y (link that instead")
            which = "that" if len(found) == 1 else "one of those"
            by = f" and superseded by {' and '.join(found)}: link {which} instead if it fits" if found else ""
            notes[pid] = (
                f"{pid} is retired ({p.relpath}){by}; if it struck again, it can recur: set status: active "
                "(retired patterns are left out of suggestions and the board's fixes)"
            )
    return notes


def priority_note(kb, severity: str, asked_as: str = "-s") -> str | None:
    """What to say of a priority given as the severity ("P1", recorded as the framework's level numbered 1, as
    `recur import` reads a "Priority: P1" field), since a team's priority is not always its severity; None for
    anything else. The CLI says it on stderr (options.say_priority), MCP's record_incident in its answer."""
    given, key = severity.strip(), framework_severity(kb, severity)  # recorded already: a key of the framework
    if is_priority(given) and given.lower() != key.lower():
        return f"{asked_as} {given} recorded as {key}, the level of its number (as recur import reads a Priority field)"
    return None


def severity_help(levels: list[str]) -> str:
    """How a severity is given, for a program's caller that cannot be asked (MCP's record_incident schema): the
    framework's levels, and how a level's number and a priority are read (framework_severity)."""
    if not levels:
        return "Severity key of the framework (severity.yml), e.g. sev2."
    said = f"One of the framework's levels: {', '.join(levels)} (severity.yml)."
    numbered = _numbered(levels)
    if not numbered:
        return said
    (first, n1), (last, n2) = numbered[0], numbered[-1]
    span = f"P{n1}" if first == last else f"P{n1}..P{n2}"
    keys = first if first == last else f"{first}..{last}"
    return (
        f"{said} A priority {span} is read as {keys} (the level of its number; the answer says so), "
        f"and a level's number alone or in another case (Sev-{n1}, {first.upper()}, {n1}) as that level."
    )


def _with_suggestions(kb, new: CheckedIncident, written: tuple, suggest: Callable[[], tuple[list, list]]) -> None:
    """The record just written (``written``: id, path, review) rewritten with ``suggest()``'s links and its
    ``candidates:`` (``stored_candidates``), atomically, under the record's lock; without the candidates if
    they alone would make it too large for the KB to read. A record edited meanwhile (a `recur incident
    flag` from another shell) is not rewritten: the links are added to it as `recur incident link` adds
    them, and the candidates are left out rather than an edit lost."""
    from recur.kb.loader import display_path
    from recur.kb.parse import MAX_FILE_BYTES

    iid, path, review = written
    links, cands = suggest()
    linked = replace(new, patterns=(*new.patterns, *(p for p in links if p in kb.patterns)))
    stored = stored_candidates(cands, linked.patterns, kb.import_drafts())
    if linked == new and not stored:
        return
    full = _new_text(linked, iid, review, stored)
    if len(full.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        full = _new_text(linked, iid, review)
    with editing(path.parent, display_path(path)):
        if read_record(path)[0] == _new_text(new, iid, review):
            write_atomic(path, full, overwrite=True)
            return
    if linked != new:
        link_patterns(kb, iid, [p for p in linked.patterns if p not in new.patterns])


def _new_text(new: CheckedIncident, iid: str, review, candidates=()) -> str:
    """The record ``write_incident`` writes for ``new`` (cleaned already: ``checked_incident``)."""
    return record_text(
        new,
        iid,
        review=review,
        # the Summary is the title, as with none
        sections={"Summary": new.description or new.title, **({"Log": new.log} if new.log else {})},
        extra={"candidates": list(candidates)} if candidates else None,
    )


def record_text(new: NewIncident, iid: str, **more) -> str:
    """``incident_text`` of a checked record's fields (``checked_incident``: services and patterns once each),
    with what each writer adds (``more``: review, follow_ups, sections, extra): `recur incident new` and MCP,
    `recur new incident` (scaffold) and `recur import` alike."""
    return incident_text(
        iid=iid,
        title=new.title,
        date=new.date,
        severity=new.severity,
        services=list(new.services),
        patterns=list(new.patterns),
        duration_minutes=new.duration_minutes,
        flags=list(new.flags),
        **more,
    )


def _readable(record: str) -> None:
    """Refuse a record the KB's own reader would refuse (``parse.read_text``): it would be written
    and reported as recorded, then be missing from every report and search and fail `recur check`.
    The description can come from stdin (``-d -``) or an MCP client, so its size is not bounded on
    the way in; a NUL in it is refused above, naming its line. Flags, like the title, are written
    quoted in the front matter (a NUL as "\\u0000"), as `recur incident flag` writes them: not refused."""
    from recur.kb.parse import MAX_FILE_BYTES

    size = len(record.encode("utf-8", "surrogatepass"))  # text that is not UTF-8: write_atomic says so
    if size > MAX_FILE_BYTES:
        raise RecurError(
            f"the record would be {size:,} bytes; Recur reads KB files up to {MAX_FILE_BYTES:,}: "
            "shorten the description; nothing written"
        )


# what a done day says of each, in `recur check`'s words (kb.lint._done_date_why) and a refusal's
DONE_VERB = {"review": "was held", "follow-up": "was done", "fix": "was done", "flag": "was done"}


def done_before_why(what: str, done: dt.date, happened: dt.date | None) -> str | None:
    """Why ``done``, the day a ``what`` (review, follow-up) was closed, is before its incident's date
    ``happened`` (a typo of the year, most often, which a board as of a past date reads as done then), or None.
    `recur check` warns of such a record in these words (kb.lint._done_date_why), and ``require_done_from``
    refuses to write one."""
    if happened is None or done >= happened:
        return None
    return f"the {what} {DONE_VERB[what]} {done.isoformat()}, before the incident's date {happened.isoformat()}"


def require_done_from(on: dt.date | None, happened: dt.date | None, what: str, flag: str) -> None:
    """Refuse ``on``, given to ``flag`` as the day a ``what`` was closed, when it is before the incident's date
    ``happened`` (``done_before_why``): the one check of `recur incident review|follow-up --done --on` (through
    kb.incident_marks) and `recur import --review-done`. Written, such a record failed `recur check --strict`
    (found in review: a review held 2026-01-02 for an incident of 2026-11-25); the marks checked it in the CLI
    alone, and the import only warned."""
    # said of the day given, not as check says it of a record: "the follow-up was done 2026-11-01" was said of
    # what was refused, nothing done (found in review)
    if on is not None and happened is not None and done_before_why(what, on, happened):
        raise RecurError(
            f"{flag} {on.isoformat()} is before the incident's date {happened.isoformat()}: give a day on or after it"
        )
