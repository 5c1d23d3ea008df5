"""The project's rule "functions a reader can hold" (docs/architecture.md): at most MAX_FUNCTION_LINES lines a
function in tools/recur, or a `# long:` comment at its `def` saying why. tests/test_lint.py checks it, and `make
lint` runs this file, so the rule fails where a contributor looks first (found in review: a 65-line function
passed `make lint` and failed only in the test suite).

    python tests/function_length.py [FOLDER]    # exit 1 and one line a function over the limit
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MAX_FUNCTION_LINES = 60  # docs/architecture.md: "functions a reader can hold"


def _comments_above(lines: list[str], lineno: int) -> list[str]:
    """The comment lines directly above line ``lineno`` (1-based), up to the first other line."""
    block = []
    n = lineno - 2
    while n >= 0 and lines[n].lstrip().startswith("#"):
        block.append(lines[n])
        n -= 1
    return block


def _excused(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A `# long:` comment saying why: right above the decorators (or the `def`), between the
    decorators and the `def`, or on the `def` line itself."""
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    near = _comments_above(lines, first) + _comments_above(lines, node.lineno) + [lines[node.lineno - 1]]
    return any("# long:" in line for line in near)


def long_functions(root: Path, base: Path = ROOT) -> list[str]:
    """Every function under ``root`` over MAX_FUNCTION_LINES lines, from its `def` line (decorators
    not counted) to its last line, with no `# long:` comment."""
    found = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source, str(path))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES and not _excused(lines, node):
                found.append(f"{path.relative_to(base)}:{node.lineno}: {node.name} is {length} lines")
    return found


if __name__ == "__main__":
    found = long_functions(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tools" / "recur")
    for line in found:
        print(f"{line}: split it, or say why not with a `# long:` comment at its def", file=sys.stderr)
    sys.exit(1 if found else 0)
