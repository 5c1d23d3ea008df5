"""What an installed Recur says cites only what a team's repository has: `recur check`'s rename advice cited
docs/kb-format.md#renaming-a-pattern where a `recur init` repository has KB-FORMAT.md, a site build's warning
docs/site.md, the API's OpenAPI description docs/architecture.md, and KB-FORMAT.md linked ranking.md (found by a
team adopting Recur as an installed tool: none of those pages is in its repository or in the wheel)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "recur"
RECUR_DOCS = {p.name for p in (ROOT / "docs").glob("*.md")}
# a page named in a text: docs/x.md, x.md#anchor, or one of Recur's docs pages by its name
CITED = re.compile(r"(?<![\w/.-])(docs/)?([\w-]+\.md)(#[\w-]+)?")
CODE = re.compile(r"(`+).*?\1", re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def team_repo(tmp_path_factory):
    dest = tmp_path_factory.mktemp("team") / "team-kb"
    res = CliRunner().invoke(cli, ["init", str(dest)])
    assert res.exit_code == 0, res.output
    return dest


def _message_strings():
    """(file, line, text) of every string constant in tools/recur but docstrings: what Recur says or writes."""
    for path in sorted(TOOLS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                first = node.body[0] if node.body else None
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    docs.add(id(first.value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                yield path.relative_to(ROOT), node.lineno, node.value


def _citations(text: str):
    """The pages ``text`` cites: docs/x.md, x.md#anchor, or a page of Recur's docs/ by name. A string that is
    only a file name is a path the code opens (resources.kb_format_doc's "kb-format.md"), not a citation."""
    if CITED.fullmatch(text.strip()):
        return []
    return [
        (m.group(1) or "") + m.group(2)
        for m in CITED.finditer(text)
        if m.group(1) or m.group(3) or m.group(2) in RECUR_DOCS
    ]


def test_messages_cite_no_page_a_recur_init_repository_lacks(team_repo):
    missing = [
        f"{path}:{line}: {cited}"
        for path, line, text in _message_strings()
        for cited in _citations(text)
        if not (team_repo / cited).is_file()
    ]
    assert not missing, "cited, not in a recur init repository:\n" + "\n".join(missing)


def test_the_rename_advice_names_the_reference_the_team_has(team_repo):
    said = 'Renaming a pattern" in the KB format reference: KB-FORMAT.md, or recur kb-format'
    source = (TOOLS / "kb" / "check.py").read_text(encoding="utf-8")
    assert said in source.replace('\\"', '"')
    assert "### Renaming a pattern" in (team_repo / "KB-FORMAT.md").read_text(encoding="utf-8")


def test_the_copied_kb_format_links_only_what_the_repository_has(team_repo):
    text = (team_repo / "KB-FORMAT.md").read_text(encoding="utf-8")
    targets = [t for t in LINK.findall(CODE.sub("", text)) if not re.match(r"[a-z]+:|#", t)]
    dead = [t for t in targets if not (team_repo / t.partition("#")[0]).exists()]
    assert not dead, dead
    assert 'ranking, in Recur\'s docs/ranking.md, "How suggestions are ranked"' in text
    # the examples in code spans are as written
    assert "`[helm](../deploys/helm-release-stuck.md)`" in text
