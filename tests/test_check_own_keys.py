"""recur.yml's ``own_keys``: a team declares its own front-matter keys (``last_reviewed:``), and `recur check` no
longer warns of them. Found ageing a KB two years: each pattern with the team's ``last_reviewed:`` warned once a
file on every run, 20 warnings with no way to say the key was meant."""

from __future__ import annotations

from click.testing import CliRunner
from kbfactory import write

from recur.cli.main import cli
from recur.kb.loader import load_kb

WARNED = "last_reviewed: warning: unknown key in front matter"


def check(kb_dir):
    return CliRunner().invoke(cli, ["check", "--kb", str(kb_dir)])


def own_key(kb_dir):
    """The team's own key on a pattern and on an incident."""
    for rel in ("patterns/capacity/disk-full.md", "incidents/2026/INC-2026-0001.md"):
        path = kb_dir / rel
        path.write_text(path.read_text().replace("---\n", "---\nlast_reviewed: 2025-03-01\n", 1))
    return kb_dir


def test_declared_own_keys_are_not_warned_of(kb_dir):
    res = check(own_key(kb_dir))
    assert res.output.count(WARNED) == 2, res.output
    write(kb_dir, "recur.yml", "format: 1\nown_keys: [last_reviewed, team_slack]\n")
    res = check(kb_dir)
    assert res.exit_code == 0 and "last_reviewed" not in res.output and "recur.yml" not in res.output, res.output
    assert load_kb(kb_dir).own_keys == frozenset({"last_reviewed", "team_slack"})


def test_a_bad_own_keys_value_is_an_error_naming_file_line_and_field(kb_dir):
    own_key(kb_dir)
    write(kb_dir, "recur.yml", "# the team's settings\nformat: 1\nown_keys: last_reviewed\n")
    res = check(kb_dir)
    assert res.exit_code == 1, res.output
    assert (
        "recur.yml:3: own_keys: must be a list of key names such as [last_reviewed], not 'last_reviewed'" in res.output
    )
    assert res.output.count(WARNED) == 2, res.output  # nothing declared: warned as before
    # a key of the format is refused (it would be read as the format's), the others declared all the same
    write(kb_dir, "recur.yml", "format: 1\nown_keys:\n  - last_reviewed\n  - title\n")
    res = check(kb_dir)
    assert res.exit_code == 1 and WARNED not in res.output, res.output
    assert (
        "recur.yml:4: own_keys: 'title' is a key of the KB format, not one of your own: take it out of own_keys"
        in res.output
    )
    # not an error that refuses the KB, as a format version's is: the other commands read it
    assert CliRunner().invoke(cli, ["incident", "list", "--kb", str(kb_dir)]).exit_code == 0


def test_the_warning_of_an_undeclared_key_says_how_to_declare_it(kb_dir, monkeypatch):
    """The warning came on every run and nothing said such a key could be declared (found re-reading own_keys):
    a top-level key says where to list it; a nested one, which own_keys cannot take, does not."""
    own_key(kb_dir)
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("related:", "fix:\n  status: open\n  jira: OPS-1\nrelated:", 1))
    monkeypatch.chdir(kb_dir.parent)
    res = CliRunner().invoke(cli, ["check", "--kb", kb_dir.name])
    hint = f"; to stop this warning, list it in {kb_dir.name}/recur.yml's own_keys)"
    top = [ln for ln in res.output.splitlines() if WARNED in ln]
    assert len(top) == 2 and all(ln.endswith(hint) for ln in top), res.output
    nested = [ln for ln in res.output.splitlines() if "fix.jira:" in ln]
    assert nested and "own_keys" not in nested[0], res.output


def test_a_bad_own_keys_value_is_said_in_yaml_s_words_at_the_bad_item(kb_dir):
    """It said `not None` and `not {'a': 1}`, Python's words, and a whole list for one bad item (found re-reading
    own_keys): now as the KB's other messages say a value, and the bad item at its own line."""
    for written, said in (
        ("own_keys:\n", "recur.yml:2: own_keys: must be a list of key names such as [last_reviewed], not nothing"),
        (
            "own_keys: {a: 1}\n",
            # a mapping is the per-record-type form: its keys are record types (test_own_keys_per_record_type)
            "recur.yml:2: own_keys: 'a' is no record type: own_keys is a list of key names for every record, or a "
            "mapping of patterns, incidents and paths to such lists",
        ),
        (
            "own_keys:\n  - last_reviewed\n  - 2025\n",
            "recur.yml:4: own_keys: must be a list of key names such as [last_reviewed]; an item is a number, not a key name",
        ),
        (
            "own_keys: [' ']\n",
            "recur.yml:2: own_keys: must be a list of key names such as [last_reviewed]; an item is ' ', not a key name",
        ),
    ):
        write(kb_dir, "recur.yml", "format: 1\n" + written)
        res = check(kb_dir)
        assert res.exit_code == 1 and said in res.output and "None" not in res.output, res.output


def test_an_own_key_written_with_spaces_around_it_is_declared_stripped(kb_dir):
    """`- " last_reviewed"` passed the check of a name but was declared with its space, matched no record's key,
    and the warning it was written to end kept coming (found in a last read)."""
    own_key(kb_dir)
    write(kb_dir, "recur.yml", 'format: 1\nown_keys: [" last_reviewed ", "\\tteam_slack"]\n')
    res = check(kb_dir)
    assert res.exit_code == 0 and WARNED not in res.output, res.output
    assert load_kb(kb_dir).own_keys == frozenset({"last_reviewed", "team_slack"})
    # a format key with spaces around it is still the format's, refused at its line
    write(kb_dir, "recur.yml", 'format: 1\nown_keys:\n  - last_reviewed\n  - " title"\n')
    res = check(kb_dir)
    assert res.exit_code == 1 and WARNED not in res.output, res.output
    assert "recur.yml:4: own_keys: 'title' is a key of the KB format" in res.output, res.output


def test_own_keys_per_record_type(kb_dir):
    """Found ageing a KB: the team's incidents carry their own `owner:` (the incident's owning team) and
    `customer_tier:`. The list form declares a key for every record type and refuses any key of the format's records:
    `owner`, a pattern's key, could not be declared for incidents ("'owner' is a key of the KB format"), and a
    mapping by record type was an error ("not a mapping"). The mapping form declares each list for that type alone."""
    for rel, key in (("incidents/2026/INC-2026-0001.md", "owner: team-db"), ("paths/first-week.yml", "team: sre")):
        path = kb_dir / rel
        text = path.read_text()
        path.write_text(text.replace("---\n", f"---\n{key}\ncustomer_tier: gold\n", 1) if rel.endswith(".md")
                        else f"{key}\n{text}")  # fmt: skip
    incident = kb_dir / "incidents/2026/INC-2026-0001.md"
    assert "owner: team-db" in incident.read_text()
    write(kb_dir, "recur.yml", "format: 1\nown_keys:\n  incidents: [owner, customer_tier]\n  paths: [team]\n")
    res = check(kb_dir)
    assert res.exit_code == 0, res.output
    assert "owner:" not in res.output and "customer_tier" not in res.output and "team:" not in res.output, res.output
    kb = load_kb(kb_dir)
    assert kb.own_keys == frozenset()
    assert kb.own_keys_of == {"incidents": frozenset({"owner", "customer_tier"}), "paths": frozenset({"team"})}
    # declared for incidents alone: the same key on a pattern is still warned of, told where to declare it
    disk = kb_dir / "patterns/capacity/disk-full.md"
    disk.write_text(disk.read_text().replace("---\n", "---\ncustomer_tier: gold\n", 1))
    res = check(kb_dir)
    said = [ln for ln in res.output.splitlines() if "customer_tier" in ln]
    assert len(said) == 1 and "disk-full.md:2: customer_tier: warning: unknown key" in said[0], res.output
    assert said[0].endswith("recur.yml's own_keys under patterns)"), said
    # a key of that type's format is refused at its line, the others declared; a type the format has not is named
    write(kb_dir, "recur.yml", "format: 1\nown_keys:\n  incidents: [customer_tier, severity]\n  pattern: [x]\n")
    res = check(kb_dir)
    assert res.exit_code == 1, res.output
    assert (
        "recur.yml:3: own_keys.incidents: 'severity' is a key of the KB format's incidents, not one of your own: "
        "take it out of own_keys.incidents" in res.output
    ), res.output
    assert "recur.yml:4: own_keys: 'pattern' is no record type (did you mean patterns?)" in res.output, res.output
    # not an error that refuses the KB: the other commands read it, as with the list form
    assert CliRunner().invoke(cli, ["incident", "list", "--kb", str(kb_dir)]).exit_code == 0
    # the list form is as before: `owner`, a pattern's key, is refused for every record
    write(kb_dir, "recur.yml", "format: 1\nown_keys: [owner]\n")
    res = check(kb_dir)
    assert "recur.yml:2: own_keys: 'owner' is a key of the KB format, not one of your own" in res.output, res.output
