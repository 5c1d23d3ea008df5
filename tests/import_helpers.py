"""`recur import` of a postmortem written into a test's KB folder, the fake encoder, no draft pattern."""

from __future__ import annotations

import json
import textwrap

from click.testing import CliRunner
from kbfactory import fake_model_flags

from recur.cli.main import cli
from recur.kb.loader import load_kb


def import_file(kb_dir, path, text, *extra, raw: bytes | None = None):
    """Write ``text`` (dedented; or ``raw`` bytes) to ``path`` and import it into ``kb_dir`` (index beside
    it); ``extra``: more arguments. The CliRunner result."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(textwrap.dedent(text))
    args = ["import", *fake_model_flags(kb_dir, kb_dir.parent / "idx")]
    return CliRunner().invoke(cli, [*args, str(path), "--no-draft", *extra])


def imported_record(kb_dir, tmp_path, text, name="pm.md"):
    """``import_file`` with --json, which must succeed: (its JSON, the incident it recorded as the KB loads it)."""
    r = import_file(kb_dir, tmp_path / name, text, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    return out, load_kb(kb_dir).incidents[out["incident"]]
