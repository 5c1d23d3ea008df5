"""docs/cli.md documents every command, every flag and every environment variable, README.md has a
line for every command, and every ``RECUR_*`` variable is a row of the one config table
(docs/architecture.md). The other docs (README.md, docs/*.md, CONTRIBUTING.md) name only commands,
flags and modules that exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from recur import config
from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# the reference: the full command table, "More flags" and "Environment variables" (README has a summary)
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
# documented once for every command, in the paragraph under the command table
SHARED = {"--kb", "--index", "--model", "--help"}


def _section(title: str, text: str = CLI_DOC) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _commands(group: click.Group, path: tuple = ()):
    for name in group.list_commands(None):
        cmd = group.get_command(None, name)
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path + (name,))


COMMANDS = list(_commands(cli))


def _mentions(text: str, word: str) -> bool:
    return re.search(re.escape(word) + r"(?![\w-])", text) is not None


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_flag_of_every_command_is_in_the_cli_doc(path, cmd):
    """Each long flag is on a line of docs/cli.md's Commands section (its table, "More flags") that
    names the command."""
    name = "recur " + " ".join(path)
    lines = "\n".join(line for line in _section("Commands").splitlines() if _mentions(line, name))
    assert lines, f"docs/cli.md's Commands section has no line for `{name}`"
    flags = [o for p in cmd.params if isinstance(p, click.Option) for o in p.opts + p.secondary_opts]
    missing = [f for f in flags if f.startswith("--") and f not in SHARED and not _mentions(lines, f)]
    assert not missing, f"`{name}`: {missing} not in docs/cli.md's Commands section"


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_a_line_in_the_readme(path, cmd):
    """README's short Commands table names every command (a group's subcommands as `a\\|b`), so the
    front door lists all of them and the reference in docs/cli.md is one link away."""
    rows = [line for line in _section("Commands", README).splitlines() if line.startswith("| `recur ")]
    named = {
        f"recur {head} {sub}".strip()
        for row in rows
        for head, subs in [re.match(r"\| `recur ([a-z-]+)((?: [a-z][a-z-]*(?:\\\|[a-z-]+)*)?)", row).groups()]
        for sub in (subs.strip().split("\\|") if subs else [""])
    }
    name = "recur " + " ".join(path)
    assert name in named or isinstance(cmd, click.Group) and any(n.startswith(name + " ") for n in named), (
        f"README's Commands table has no line for `{name}`"
    )
    assert "docs/cli.md" in _section("Commands", README)


def test_shared_flags_are_documented_once():
    commands = _section("Commands")
    for flag in SHARED - {"--help"}:
        assert re.search(rf"`{flag}` defaults to", commands) or f"`{flag}` to" in commands, flag


def test_every_setting_has_a_row_in_the_cli_doc():
    table = _section("Commands").split("### Environment variables", 1)[1]
    # every row that names a variable: Recur's, and the few of GitHub Actions' that config reads too
    rows = {line.split("|")[1].strip().strip("`") for line in table.splitlines() if line.startswith("| `")}
    assert rows == {s.env for s in config.SETTINGS.values()}


def test_options_take_their_variables_from_the_config_table():
    declared = {s.env for s in config.SETTINGS.values()}
    for path, cmd in COMMANDS:
        for p in cmd.params:
            envvars = [p.envvar] if isinstance(p.envvar, str) else list(p.envvar or [])
            assert set(envvars) <= declared, (path, p.name, envvars)


def test_recur_variables_are_declared_and_read_through_config():
    """Every RECUR_* name the code mentions is in config.SETTINGS, and only config.py reads one
    from os.environ."""
    declared = {s.env for s in config.SETTINGS.values()}
    package = ROOT / "tools" / "recur"
    for source in sorted(package.rglob("*.py")):
        text = source.read_text(encoding="utf-8")
        names = set(re.findall(r"\bRECUR_[A-Z0-9_]*[A-Z0-9]", text))
        assert names <= declared, (source.relative_to(ROOT), names - declared)
        if source.name == "config.py" and source.parent == package:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"environ|getenv", line):
                assert "RECUR_" not in line and "config.env(" not in line, f"{source.relative_to(ROOT)}:{n}: {line}"


DEFAULTS_PROBE = """
import click
from recur import config

for name, s in list(config.SETTINGS.items()):  # every number and text default changed
    if isinstance(s.default, bool) or s.default is None:
        continue
    new = 7777 if isinstance(s.default, int) else 0.25 if isinstance(s.default, float) else "x-" + s.default
    config.SETTINGS[name] = config.Setting(s.env, new, s.help)
from recur.cli.main import cli

def commands(group, path=()):
    for name in group.list_commands(None):
        cmd = group.get_command(None, name)
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from commands(cmd, path + (name,))

envs = {s.env: s.default for s in config.SETTINGS.values()}
for path, cmd in commands(cli):
    for p in cmd.params:
        default = envs.get(p.envvar) if isinstance(p, click.Option) and isinstance(p.envvar, str) else None
        if default is None or isinstance(default, bool):
            continue
        said = f"{default:.2f}" if isinstance(default, float) else str(default)
        if p.default != default and f"default: {said}" not in (p.help or ""):
            print("STALE:", " ".join(path), p.opts[0], repr(p.default), p.help)

import inspect
from recur.serve import server  # the uvicorn config's own defaults, for callers other than the CLI

for name in ("host", "port"):
    if inspect.signature(server.config).parameters[name].default != config.default(name):
        print("STALE: recur.serve.server.config", name)
"""


def test_flags_take_their_defaults_from_the_config_table():
    """A flag backed by a setting shows the table's default, as its value or in its help: `check
    --similar-threshold` and `--stale-days` wrote 0.90 and 365 into their help a second time, which
    a change to config.SETTINGS would have left behind. So does serve.server.config (it wrote
    127.0.0.1 and 8000 again)."""
    res = subprocess.run([sys.executable, "-c", DEFAULTS_PROBE], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "STALE" not in res.stdout, res.stdout


def test_every_variable_is_named_in_its_flags_help():
    """`recur CMD --help` names the variable behind each flag, as docs/cli.md's table does."""
    for path, cmd in COMMANDS:
        for p in cmd.params:
            if isinstance(p, click.Option) and isinstance(p.envvar, str):
                assert p.envvar in (p.help or ""), (" ".join(path), p.opts[0], p.envvar)


def test_the_suggestion_answer_keys_are_named_where_its_json_is_described():
    """`recur suggest --json`'s help and MCP's suggest_patterns row (docs/mcp-slack.md) name every key
    of the answer (Answer.to_json), in its order: both said {query, no_known_pattern, results} after
    query_note joined the answer."""
    from recur.retrieval.results import Answer

    keys = list(Answer("q", [], False).to_json())
    said = next(p for p in cli.get_command(None, "suggest").params if p.name == "as_json").help
    mcp = (ROOT / "docs" / "mcp-slack.md").read_text(encoding="utf-8")
    row = next(line for line in mcp.splitlines() if line.startswith("| `suggest_patterns("))
    for text in (said, row):
        named = re.search(r"\{([a-z_, ]+)\}", text).group(1)
        assert [k.strip() for k in named.split(",")] == keys, text


def test_tune_model_is_the_base_model_in_its_help():
    """`recur tune --model` names the model it fine-tunes (default: the bundled one), not the model
    the KB answers with, so its help must not promise the KB's tuned model as the default."""
    tune = cli.get_command(None, "tune")
    text = next(p for p in tune.params if p.name == "model").help
    assert "BASE" in text and "all-MiniLM-L6-v2" in text, text
    assert "tuned model if there is one" not in text, text


PACKAGE = ROOT / "tools" / "recur"
# the README and CONTRIBUTING.md `recur init` writes name commands too, read by a team with no docs/ of ours
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCS += [PACKAGE / "templates" / "init" / "README.md", PACKAGE / "templates" / "init" / "CONTRIBUTING.md"]


def _code_spans(text: str) -> list[str]:
    """The text of every `code` span and fenced block."""
    fenced = re.findall(r"```[a-z]*\n(.*?)```", text, re.S)
    rest = re.sub(r"```[a-z]*\n.*?```", "", text, flags=re.S)
    return fenced + re.findall(r"`([^`\n]+)`", rest)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_recur_command_and_flag_the_docs_name_exists(doc):
    """`recur CMD [SUB] ... --flag` in a code span or block: the command exists and takes the flag."""
    wrong = []
    for span in _code_spans(doc.read_text(encoding="utf-8")):
        for line in span.splitlines():
            line = re.sub(r"\s#.*", "", line)  # a shell comment is prose
            for m in re.finditer(r"(?:^|[\s(]|/bin/)recur ([a-z][a-z-]*)((?: [a-z][a-z-]*)?)([^|;&]*)", line):
                cmd = cli.get_command(None, m.group(1))
                if cmd is None:
                    wrong.append(f"no command `recur {m.group(1)}`: {line}")
                    continue
                if isinstance(cmd, click.Group) and m.group(2).strip():
                    cmd = cmd.get_command(None, m.group(2).strip())
                    if cmd is None:
                        wrong.append(f"no command `recur {m.group(1)}{m.group(2)}`: {line}")
                        continue
                opts = {o for p in cmd.params for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
                for flag in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", m.group(3)):
                    if flag not in opts | {"--help"}:
                        wrong.append(f"`{flag}` is not an option of `recur {m.group(1)}{m.group(2)}`: {line}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_module_path_the_docs_name_exists(doc):
    """`retrieval/search.py`, `tools/recur/tuning/data.py`, `bench/tune_cost.py`: a file of the
    package or the repository; `recur.x.y.NAME`: importable, with that attribute."""
    import importlib

    text = doc.read_text(encoding="utf-8")
    missing = []
    for path in set(re.findall(r"`([\w./-]+\.py)\b", text)):
        if not any((base / path).is_file() for base in (ROOT, PACKAGE, PACKAGE / "serve")):
            missing.append(path)
    # file names, not modules: the KB's recur.yml, the systemd unit recur.service (docs/operating.md)
    for dotted in set(re.findall(r"`(recur(?:\.\w+)+)", text)) - {"recur.yml", "recur.service"}:
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for attr in parts[cut:]:
                obj = getattr(obj, attr, None)
            if obj is None:
                missing.append(dotted)
            break
    assert not missing, f"{doc.name} names what does not exist: {sorted(missing)}"


def test_architecture_names_every_module():
    """Each module of a layer is a row of docs/architecture.md's "Where things live" (serve/'s row names
    its modules by file name, as "(guard.py)"; site/ was once a folder's row, which named few of its
    modules: found in review)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    unnamed = [
        rel
        for source in sorted(PACKAGE.glob("*/*.py"))
        if source.stem != "__init__"
        and f"`{(rel := f'{source.parent.name}/{source.name}')}`" not in text
        and not (source.parent.name == "serve" and f"({source.name})" in text)
    ]
    assert not unnamed, f"docs/architecture.md does not say what these hold: {unnamed}"


def test_every_option_has_help():
    """`recur CMD --help` says what each option does: a bare `--quiet` or `--format` says nothing."""
    bare = [
        f"recur {' '.join(path)} {p.opts[0]}"
        for path, cmd in COMMANDS
        for p in cmd.params
        if isinstance(p, click.Option) and not p.help
    ]
    assert not bare, bare


def _unfenced(text: str) -> str:
    """``text`` without its fenced blocks: a `## Runbook` or a link in one is an example."""
    kept, fence = [], None
    for line in text.splitlines():
        mark = re.match(r"\s*(`{3,}|~{3,})", line)
        if fence is None and mark:
            fence = mark.group(1)
        elif fence is not None and mark and mark.group(1).startswith(fence):
            fence = None
        elif fence is None:
            kept.append(line)
    return "\n".join(kept)


def _prose(text: str) -> str:
    """``text`` without its fenced blocks and `code` spans (``` `` ` `` ``` too: a span ends at a run of
    as many backticks as it opened with), where links are examples too."""
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", _unfenced(text), flags=re.S)


def _anchors(text: str) -> set[str]:
    """The ids mkdocs' toc gives the headings (its default slugify: accents and punctuation dropped,
    lowercase, runs of spaces and hyphens one '-'; a repeated heading gets ``_1``, ``_2``)."""
    import unicodedata

    seen: dict[str, int] = {}
    for title in re.findall(r"^#{1,6} +(.+?) *#*$", _unfenced(text), re.M):
        slug = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
        slug = re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", slug).strip().lower())
        seen[slug] = seen.get(slug, -1) + 1
        yield slug if not seen[slug] else f"{slug}_{seen[slug]}"


LINKED = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", LINKED, ids=lambda p: p.name)
def test_every_relative_link_and_anchor_resolves(doc):
    """README's reference sections moved to docs/ with their links rewritten by hand: a link to a
    file that is not there, or to a heading its page does not have (`#http-api` left in README), is
    a dead link on GitHub and in the docs. Code spans and fenced blocks are examples, not links."""
    text = doc.read_text(encoding="utf-8")
    prose = _prose(text)
    targets = re.findall(r"\]\(([^)\s]+)\)", prose) + re.findall(r"^\[[^\]]+\]:\s*(\S+)", prose, re.M)
    dead = []
    for target in targets:
        if re.match(r"[a-z][a-z+.-]*:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists():
            dead.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in set(_anchors(file.read_text(encoding="utf-8"))):
            dead.append(f"{target}: {file.name} has no heading #{anchor}")
    assert not dead, f"{doc.name}: " + "; ".join(dead)


@pytest.mark.parametrize("doc", [ROOT / "README.md", ROOT / "docs" / "team-kb.md"], ids=lambda p: p.name)
def test_the_wheel_the_docs_install_is_the_one_make_wheel_writes(doc):
    """Followed as written in a checkout, `pip install recur-0.1.0-py3-none-any.whl` found no file:
    `make wheel` writes it to dist/. Every wheel the docs name is this version's, and every `pip
    install` of it names dist/ (run in the checkout, as `make wheel` is)."""
    from recur import __version__

    wheel = f"recur-{__version__}-py3-none-any.whl"
    assert re.search(r"pip wheel .*-w dist \.", (ROOT / "Makefile").read_text(encoding="utf-8"))
    block = "\n".join(_code_spans(doc.read_text(encoding="utf-8")))
    named = re.findall(r"[\w./-]*recur-[\w.+]+-py3-none-any\.whl", block)
    installed = re.findall(r"pip install (\S+\.whl)", block)
    assert installed, f"{doc.name} installs no wheel"
    assert all(name.endswith("/" + wheel) for name in named), named
    assert set(installed) == {f"dist/{wheel}"}, installed


def test_the_readme_says_where_the_docs_are_for_a_wheel_user():
    """README was the wheel's long description, whose links to docs/ led nowhere on a package index page;
    the wheel's is docs/package.md (tests/test_packaging.py: no relative link), and README says what an installed
    Recur carries. The KB format reference is the one page the wheel carries (package data), which
    `recur kb-format` prints."""
    section = README.split("\n## Documentation\n", 1)[1]
    said = section.split("\n- [", 1)[0]
    assert "recur kb-format" in said and "recur COMMAND --help" in said and "wheel" in said, said
    assert "docs/package.md" in said, said
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'readme = "docs/package.md"' in pyproject and '"reference/*.md"' in pyproject
    package = (ROOT / "docs/package.md").read_text(encoding="utf-8")
    assert "recur kb-format" in package and "recur COMMAND --help" in package and "`docs/` folder" in package
    assert (PACKAGE / "reference" / "kb-format.md").read_text(encoding="utf-8") == (
        ROOT / "docs/kb-format.md"
    ).read_text(encoding="utf-8")


CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def _shell_commands(doc: Path) -> list[str]:
    """The commands of ``doc``'s code spans and blocks, one a line: comments dropped, a line ending in ``\\``
    joined to the next (as the shell reads it)."""
    commands = []
    for span in _code_spans(doc.read_text(encoding="utf-8")):
        lines = [re.sub(r"(^|\s)#.*", "", line).rstrip() for line in span.splitlines()]
        commands += re.sub(r"\\\n\s*", " ", "\n".join(lines)).splitlines()
    return commands


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_install_of_recur_or_torch_the_docs_show_takes_the_cpu_torch(doc):
    """Found in review: README and docs/package.md showed `pip install dist/recur-0.1.0-py3-none-any.whl`, and
    docs/team-kb.md named the CPU index only in prose after its block: copied as written on Linux, pip took torch's
    CUDA build from PyPI, 2.7 GB with its nvidia-* wheels. Every `pip install` of recur (its wheel, the name) or
    torch in a code span or block names PyTorch's CPU index, and the page says how to take a GPU build instead."""
    installs = [
        cmd
        for cmd in _shell_commands(doc)
        for args in [cmd.split("pip install", 1)[1:]]
        if args and re.search(r"(?:^|[\s/])(?:recur(?:[-=<>\[\s]|$)|torch\b)", args[0])
    ]
    without = [cmd for cmd in installs if CPU_INDEX not in cmd]
    assert not without, f"{doc.name}: installs torch from PyPI (its CUDA build on Linux): {without}"
    if installs:
        assert "GPU build" in _prose(doc.read_text(encoding="utf-8")), f"{doc.name}: says not how to take a GPU build"


def test_the_install_commands_checked_are_the_documented_ones():
    """The test above reads the commands as the docs show them: it finds the install of Recur's wheel on each of
    the three pages that have one (a command it no longer found would pass unchecked)."""
    pages = {
        doc.name
        for doc in DOCS
        for cmd in _shell_commands(doc)
        if re.search(r"pip install \S*recur-[\w.<>+-]+\.whl", cmd)
    }
    assert pages >= {"README.md", "team-kb.md", "package.md"}, pages


def test_every_command_has_a_row_in_the_exit_status_table():
    """docs/cli.md's Exit status table names every command (a group's subcommands on its row), so the codes a
    script tests (1 as a gate, 3 for an outcome that says no) are there for each (found in review: no such
    section)."""
    rows = [line for line in _section("Exit status").splitlines() if line.startswith("| `recur ")]
    named = {" ".join(path) for path, cmd in COMMANDS if not isinstance(cmd, click.Group)}
    for row in rows:
        first = row.split("|")[1]
        group = re.match(r" `recur ([a-z-]+)", first).group(1)
        for word in re.findall(r"`([a-z-]+(?: [a-z-]+)*)`", first):
            words = word.removeprefix("recur ")
            named.discard(words if word.startswith("recur ") else f"{group} {words}")
    assert not named, f"docs/cli.md's Exit status table has no row for: {sorted(named)}"


def test_the_docs_name_the_index_format_recur_writes():
    """The index format the docs quote in examples and the pattern object is the one `recur index` writes: they
    said 5 while an index of format 5 kept the KB's HTML comments after Recur stopped reading them."""
    from recur.retrieval.index import FORMAT

    quoted = {
        "cli.md": [r"this recur writes (\d+): updating it", r"this recur's format (\d+)\"\)"],
        "architecture.md": [r"the index's `docs\.json`, format (\d+)"],
        "operating.md": [
            r"this one writes format (\d+)\)",
            r"has format \d+; this recur writes (\d+)",
            r"this recur reads only format (\d+)",
            r"Build a format-(\d+) index",
        ],
    }
    stale = []  # every stale mention at once (found in review: after a bump, each run named only the first)
    for name, patterns in quoted.items():
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        for pattern in patterns:
            found = re.findall(pattern, text)
            if not found or set(found) != {str(FORMAT)}:
                stale.append(f"docs/{name}: {pattern!r} found {found or 'nothing'}")
    assert not stale, f"the docs should quote index format {FORMAT} (retrieval/index.py's FORMAT):\n" + "\n".join(stale)
