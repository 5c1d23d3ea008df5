"""One owner's part of the problem board: the one rule `recur report --owner` and MCP's problem_report
``owner`` narrow it by.

Each surface had its own: MCP's matched no item for ``(unowned)``, kept retired patterns in the recurring lists,
emptied the recurrences after a fix (which the report lists by their fix's owner) and left the counts the whole
KB's, so one owner asked of both got two answers (found in review). Both call ``for_owner`` now.
"""

from __future__ import annotations

from recur.problems.board import UNOWNED, Board, owned_by, owner_key, owner_of
from recur.util.errors import RecurError

# the board's lists of no one's items (an incident and its flags have no owner), as the reports' headings name them
NOT_OWNED_NAMES = {"unknown": "needs analysis", "triage": "triage", "flags": "flags"}
NOT_OWNED = tuple(NOT_OWNED_NAMES)
# the lists of items someone owns (an ``owner`` key), kept by the owner's name; a review's is Recur's
# ``review.owner`` (none recorded: ``(unowned)``'s): --owner left every review out, overdue ones too
OWNED = ("reviews", "follow_ups", "follow_ups_no_due", "fixes", "fixes_no_due")


def for_owner(b: Board, name: str) -> Board:
    """The board ``b`` narrowed to what ``name`` owns, one owner however spelt (``owned_by``, as By owner merges
    them; ``(unowned)``: the items of no one): reviews, follow-ups, fixes, the recurring patterns by their fix's owner and
    the recurrences after a fix by their fix's owner. The lists of no one's items are emptied, the counts
    recounted from what is left (the incidents of 30 and 90 days stay the KB's), and ``filtered`` says so,
    {owner, spellings (the owner's names as the items write them), left_out}: a JSON reader must not take the
    lists for the whole board. A name that is blank once spelling is set aside (``" @ "``) is a RecurError.

    ``b`` must be built for ``name`` (``board(..., owner=name)``, ``board.report_board``'s ``owner``; any
    spelling of it): its recurring lists are then that owner's patterns ranked among themselves and cut, and are
    kept as they are; they cannot be narrowed here, a pattern ranked 11th being cut already. A board built for
    another owner, or for all (``recurring_owner``), is a ValueError, a caller's mistake: its recurring rows
    were kept whoever owned them (found in review: alice's on bob's board, which then owned something)."""
    if not owner_key(name):
        raise RecurError("give an owner's name (or '(unowned)')")
    built = b.get("recurring_owner")
    if built is None or owner_key(built) != owner_key(name):
        built_for = f"ranked for {built!r}" if built is not None else "ranked for all"
        raise ValueError(f"for_owner({name!r}): the board's recurring lists were {built_for}: build it with owner=")
    mine = owned_by(name, b.get("owner_aliases"))  # "@noor-ahmed" and "Noor Ahmed" one owner, either given
    out = {**b, **{k: [] for k in NOT_OWNED}}
    for k in OWNED:
        out[k] = [x for x in b[k] if mine(x["owner"]) or (k == "reviews" and _from_pattern(x, mine))]
    out["by_owner"] = {o: v for o, v in b["by_owner"].items() if mine(None if o == UNOWNED else o)}
    out["recurrence_after_fix"] = [r for r in b["recurrence_after_fix"] if mine(r["fix_owner"])]
    if "recurrence_after_fix_by_pattern" in b:  # one fix one owner: its pattern's row is theirs whole
        out["recurrence_after_fix_by_pattern"] = [
            r for r in b["recurrence_after_fix_by_pattern"] if mine(r["fix_owner"])
        ]
    out["counts"] = _recount(b["counts"], out)
    spellings = {x["owner"] for k in ("reviews", "follow_ups", "fixes") for x in out[k] if x["owner"]}
    from_pattern = [r for r in out["reviews"] if _from_pattern(r, mine)]
    spellings |= {r["default_owner"] for r in from_pattern}
    out["filtered"] = {
        "owner": name,
        "spellings": sorted(spellings),
        "left_out": list(NOT_OWNED),
        "reviews_from_pattern": len(from_pattern),
    }
    return out


def _from_pattern(review: dict, mine) -> bool:
    """Whether ``review`` records no owner of its own and the pattern its incident counts for names ``mine``'s owner
    (``default_owner``, shown "team-db (from the pattern)"): that owner's to answer for, so listed for them too.
    `--owner team-db` left it out (counted as ``(unowned)``'s) while the whole board named team-db to chase it, and a
    per-team `--fail-on overdue` gate passed on it (found in review). ``by_owner`` still counts it as the record has
    it, ``(unowned)``'s, until someone is given it; ``filtered.reviews_from_pattern`` counts those listed so."""
    own = str(review.get("owner") or "").strip()
    return not own and bool(review.get("default_owner")) and mine(review["default_owner"])


def board_owners(b: Board) -> list[str]:
    """The owners of the whole board ``b`` a name that owns nothing is told of (``nothing_owned``): By owner's, and
    the pattern's owner of each review that records none (``_from_pattern``), whom `--owner` lists it for while By
    owner counts it as ``(unowned)``'s, before ``(unowned)``. "'team-dbb' owns nothing on this board (did you mean
    team-db?); its owners: alice, (unowned)" left out team-db, whose `--owner` lists a review (found in a re-read)."""
    aliases = b.get("owner_aliases") or {}
    owners = [o for o in b["by_owner"] if o != UNOWNED]
    seen = {owner_of(o, aliases) for o in owners}
    for r in b["reviews"]:
        d = r.get("default_owner")
        if d and not str(r.get("owner") or "").strip() and owner_of(d, aliases) not in seen:
            seen.add(owner_of(d, aliases))
            owners.append(d)
    return owners + [UNOWNED] * (UNOWNED in b["by_owner"])


def owns_nothing(b: Board) -> bool:
    """A board narrowed by ``for_owner`` lists nothing: a misspelt name, most likely (its callers say so, with
    the board's owners)."""
    return not any(b[k] for k in (*OWNED, "recurrence_after_fix")) and not any(b["recurring"].values())


def filtered_sentence(f: dict) -> str:
    """What a board narrowed to one owner shows and leaves out (its ``filtered``), in one sentence for `recur
    report --owner` and MCP's problem_report alike: MCP's was written apart and said "follow-ups, permanent fixes,
    …", leaving out the reviews it listed (found in review)."""
    nobody = owner_key(f["owner"]) == owner_key(UNOWNED)  # `--owner '(unowned)'`: the items of no one
    names = "" if nobody else f" ({', '.join(f['spellings']) or 'nothing on this board'})"
    left_out = ", ".join(NOT_OWNED_NAMES.get(k, k) for k in f["left_out"])
    # a review with no review.owner is listed for its pattern's owner (``_from_pattern``), and for no one
    whose = "their review.owner" if nobody else "their review.owner, else their pattern's owner"
    return (
        f"Only what {'no one' if nobody else f['owner']} owns{names}: reviews ({whose}), follow-ups and "
        f"permanent fixes, recurring patterns and recurrences by their fix's owner; {left_out} have no owner and "
        "are left out; the incident counts and the trends are the whole KB's."
    )


OWNERS_SHOWN = 20  # owners named when a name owns nothing; then how many more


def meant_owners(name: str, owners, aliases: dict | None = None) -> list[str]:
    """The owners of ``owners`` that ``name`` was probably meant to be ("team-platfrom": team-platform), as
    ``close_ids`` reads a misspelt id, by ``owner_of`` ("@Bob" is bob; a handle of ``aliases``, the board's
    ``owner_aliases``, its full name's), each as first written; never ``name``'s own person: `--owner @noor-ahmed`
    said "did you mean Noor Ahmed?", the owner asked for (found in review)."""
    from recur.util.text import close_ids

    aliases = aliases or {}
    keys: dict = {}
    for o in owners:
        if o != UNOWNED:
            keys.setdefault(owner_of(o, aliases), o)
    asked = owner_of(name, aliases)
    return [keys[k] for k in close_ids(asked, keys, cutoff=0.8) if k != asked]


def nothing_owned(name: str, owners, known=(), aliases: dict | None = None) -> str:
    """What `recur report --owner` and MCP's problem_report say of a board narrowed to ``name`` that lists nothing
    (``owns_nothing``), ``owners`` the whole board's (its ``by_owner``): a misspelt name, most likely, so the
    owners there are, the first ``OWNERS_SHOWN``. Each surface said it its own way, MCP with every owner however
    many, and of ``(unowned)`` both said "'(unowned)' owns nothing on this board; its owners: ..." when every item
    has an owner (found in review). ``aliases``: the board's ``owner_aliases`` (``meant_owners``)."""
    if owner_key(name) == owner_key(UNOWNED):
        return "nothing is unowned on this board: every item listed by owner has one"
    owners = list(owners)
    more = f" and {len(owners) - OWNERS_SHOWN} more" if len(owners) > OWNERS_SHOWN else ""
    # ``known``: the KB's owners too (``kb_owners``), with nothing open today
    meant = meant_owners(name, [*owners, *sorted(known)], aliases)
    hint = f" (did you mean {', '.join(meant)}?)" if meant else ""
    shown = ", ".join(owners[:OWNERS_SHOWN]) + more or "none"
    return f"{name!r} owns nothing on this board{hint}; its owners: {shown}"


def _recount(c: dict, b: Board) -> dict:
    """The counts of a narrowed board, of what it lists; the incidents of the last 30 and 90 days stay the KB's."""
    return {
        **c,
        "reviews_pending": len(b["reviews"]),
        "reviews_overdue": sum(r["overdue"] for r in b["reviews"]),
        "unknown": 0,
        "triage": 0,
        "flags_open": 0,
        "follow_ups_open": len(b["follow_ups"]),
        "follow_ups_overdue": sum(f["overdue"] for f in b["follow_ups"]),
        "follow_ups_no_due": len(b["follow_ups_no_due"]),
        "fixes_open": len(b["fixes"]),
        "fixes_overdue": sum(f["overdue"] for f in b["fixes"]),
        "fixes_no_due": len(b["fixes_no_due"]),
        "recurrence_after_fix": len(b["recurrence_after_fix"]),
        "recurrence_after_fix_patterns": len({r["pattern"] for r in b["recurrence_after_fix"]}),
    }
