"""Start-up checks the long-running commands (`recur serve`, `recur mcp`) share: each made before the
server answers anything, so a mistake is one ``Error:`` line and exit 1, not a failure in the
background load after the start-up line (which a service manager, or an editor, took for a server up)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from recur import config
from recur.util.errors import RecurError


def check_engine_inputs(kb_dir, index_dir, model) -> None:
    """What the engine's background load would find wrong, found now: no KB and no index, an index alone whose
    manifest cannot be read, a KB folder with no patterns/, a KB format
    this Recur does not read, a model it cannot load (--model/RECUR_MODEL; a real model's RECUR_ENCODER,
    RECUR_PRECISION), another KB's index it would rebuild, and what the load would refuse before building or
    updating the index (an index a newer recur wrote, an index it would build or convert in a folder it cannot
    write: engine.check_open), and a RECUR_TODAY that is no date."""
    from recur.kb.loader import require_format, require_kb_root
    from recur.retrieval.embed import check_model
    from recur.retrieval.engine import check_open
    from recur.retrieval.index import refuse_damaged_manifest, refuse_other_kbs_index
    from recur.retrieval.models import active_model

    # every answer lists the incidents dated up to today (config.today): a bad RECUR_TODAY failed each search
    config.today()
    if not Path(kb_dir).is_dir() and not (Path(index_dir) / "manifest.json").is_file():
        raise RecurError(nothing_to_serve(kb_dir, index_dir))
    # each failed the background load after the start-up line, the port already open (an operator's review)
    if Path(kb_dir).is_dir():
        require_kb_root(kb_dir)  # a folder with no patterns/: --kb naming the KB repository's root
    else:
        refuse_damaged_manifest(index_dir)  # the index alone, with nothing to rebuild it from
    require_format(kb_dir)
    check_model(active_model(kb_dir, model))
    refuse_other_kbs_index(index_dir, kb_dir)  # before the load would rebuild it for this KB
    check_open(kb_dir, index_dir, model)


def check_mcp_settings() -> None:
    """RECUR_MCP_SECTION_CHARS, which MCP's past_incidents reads on each call, checked at start: exit 2, as a bad
    value of a variable an option stands for is. A negative or non-numeric one started the server
    and failed every past_incidents call, said only to the assistant (found in review). Its least value is the
    config table's (``Setting.least``), which config.get checks."""
    from recur.cli.options import BadSetting

    try:
        config.get("mcp_section_chars")
    except RecurError as exc:
        raise BadSetting(str(exc)) from None


def nothing_to_serve(kb_dir, index_dir) -> str:
    """No KB folder and no index, said with the folders looked at. A relative --kb or --index (or the defaults,
    kb and .recur/index) is read from the working directory, which a desktop client or editor that starts the
    server makes its own, often /: "kb: no knowledge base folder (and no index at .recur/index)" named neither
    the folders looked at nor why (found in review)."""
    import os

    kb, index = Path(kb_dir), Path(index_dir)
    said = f"{kb_dir}: no knowledge base folder at {kb.absolute()}, and no index at {index.absolute()}"
    if kb.is_absolute() and index.is_absolute():
        return said
    return (
        f"{said} (relative paths are read from the working directory, {os.getcwd()}); pass absolute --kb and "
        "--index paths (a desktop client or editor starts the server from a working directory of its own, often /)"
    )


def open_engine(kb_dir, index_dir, model):
    """The engine a long-running command (`recur serve`, `recur mcp`) loads in the background: an index it
    builds or updates itself runs on ONNX Runtime whatever its size (``lean``; engine.ensure_index), since the
    process keeps whatever it loaded for its life. /healthz and the MCP tools are told how a build goes."""
    from recur.retrieval.engine import Engine
    from recur.serve.runtime import say_loading
    from recur.tuning.data import retune_advice

    return Engine.open(kb_dir, index_dir, model, advise=retune_advice, on_build=say_loading, lean=True)


def repository_index(kb_dir, index_dir) -> str:
    """The index a server (`recur mcp`, `recur serve`) uses: ``--index`` as given, or, left at its default
    (``.recur/index``, under the current folder) while the current folder is not the KB's repository, the
    repository's own (beside the KB folder, where `recur init` lays it out and `recur index` run there builds it),
    said on stderr, when it has one or its folder can be written. Desktop clients start `recur mcp --kb
    /srv/recur/kb` from ``/``, and systemd starts `recur serve` there unless told otherwise: it built
    ``/.recur/index`` (found in an MCP review). An index the current folder already holds for this KB is kept:
    the rule built a second one beside the KB and left the one built here unused (found in review). Run from the
    repository (the documented way) the two are one folder; a read-only checkout keeps the current folder's."""
    from recur.retrieval.index import built_for_other_kb, read_manifest

    beside = config.state_elsewhere(kb_dir, "index", index_dir)
    if beside is None:
        return index_dir
    here = read_manifest(Path(index_dir))
    if here is not None and not built_for_other_kb(here, kb_dir):
        return index_dir
    if not (read_manifest(beside) is not None or _can_make(beside)):
        return index_dir
    print(f"note: the index is the KB repository's, {beside} (--index left at its default).", file=sys.stderr)
    return str(beside)


def _can_make(folder: Path) -> bool:
    """Whether ``folder`` exists or could be made and written: its nearest existing folder is writable."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
