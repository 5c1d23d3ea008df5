"""Recur's theme overrides against the installed mkdocs-material they were forked from.

site_config/overrides/ shadows material's main.html (its blocks override base.html's) and three script partials,
whose inline scripts site_config/assets/recur-md-*.js copy as files. A material upgrade that changed one of those
left Recur's copy the old one's, with nothing said (found in review; the footer's fix is made to the installed file,
plugin.FooterFixed). site_config/upstream/mkdocs-material/ keeps the originals Recur's copies were made from, and
this test fails when the installed material's differ, naming the file and what to re-check: the diff between the
two is the review."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "site_config" / "upstream" / "mkdocs-material"
OVERRIDES = ROOT / "site_config" / "overrides"

# what of Recur's each shadowed template's original is the source of: what to port from a changed one
RECHECK = {
    "main.html": "site_config/overrides/main.html takes its place (extends base.html, as material's does)",
    "partials/javascripts/base.html": "site_config/assets/recur-md-base.js is its inline script as a file "
    "(data-scope in place of the templated scope)",
    "partials/javascripts/content.html": "site_config/assets/recur-md-content.js is its inline scripts as a file "
    "(data-tabs-link: the content.tabs.link one runs)",
    "partials/javascripts/palette.html": "site_config/assets/recur-md-palette.js is its inline script, verbatim",
}
BLOCK_TAG = re.compile(r"{%-?\s*(block\s+(\w+)|endblock(?:\s+\w+)?)\s*-?%}")
# what every release of material changes in the blocks main.html extends, none of it Recur's to port: its version in
# the generator <meta> (site_meta) and its bundle's content hash (scripts)
RELEASE = re.compile(r"(?<=mkdocs-material-)[0-9][0-9A-Za-z.+-]*|(?<=\.)[0-9a-f]{8}(?=\.min\.(?:js|css)\b)")


def _unreleased(block: str | None) -> str | None:
    return None if block is None else RELEASE.sub("*", block)


def blocks(source: str) -> dict:
    """{name: the block's text, its tags included} of a Jinja template's blocks, nested ones too."""
    found, open_ = {}, []
    for m in BLOCK_TAG.finditer(source):
        if m.group(2):
            open_.append((m.group(2), m.start()))
        elif open_:
            name, start = open_.pop()
            found[name] = source[start : m.end()]
    return found


def upstream_changes(installed: Path, recorded: Path = RECORDED, overrides: Path = OVERRIDES) -> list[str]:
    """What differs between the material templates in ``installed`` and the originals ``recorded``, for each
    template ``overrides`` shadows and each base.html block its main.html overrides: one message a change."""
    said = []
    shadowed = sorted(
        p.relative_to(overrides).as_posix()
        for p in overrides.rglob("*.html")
        if (installed / p.relative_to(overrides)).exists() or (recorded / p.relative_to(overrides)).exists()
    )
    for rel in shadowed:
        if not (installed / rel).is_file():
            said.append(f"{rel}: mkdocs-material has none any more: {RECHECK.get(rel, 'the theme overrides it')}")
            continue
        if not (recorded / rel).is_file() or rel not in RECHECK:
            said.append(
                f"{rel}: the theme overrides material's, and no original is recorded: copy the installed one "
                f"to site_config/upstream/mkdocs-material/{rel} and say in RECHECK what of Recur's copies it"
            )
        elif (installed / rel).read_text(encoding="utf-8") != (recorded / rel).read_text(encoding="utf-8"):
            said.append(
                f"{rel}: mkdocs-material's changed since the recorded original "
                f"(site_config/upstream/mkdocs-material/{rel}): {RECHECK[rel]}; port the change, then record the new one"
            )
        if rel.startswith("partials/") and not any(
            f'"{rel}"' in p.read_text(encoding="utf-8")
            for p in installed.rglob("*.html")
            if p.relative_to(installed).as_posix() != rel
        ):
            said.append(
                f"{rel}: no template of mkdocs-material includes it any more: the theme's copy is never "
                "rendered (an inline script may be back in the page, which the Content-Security-Policy blocks)"
            )
    ours = blocks((overrides / "main.html").read_text(encoding="utf-8"))
    theirs = blocks((installed / "base.html").read_text(encoding="utf-8"))
    was = blocks((recorded / "base.html").read_text(encoding="utf-8"))
    for name in sorted(ours):
        if name not in theirs:
            said.append(f"base.html: has no block {name} any more: main.html's is never rendered")
        elif _unreleased(theirs[name]) != _unreleased(was.get(name)):
            said.append(
                f"base.html: block {name} changed since the recorded original "
                f"(site_config/upstream/mkdocs-material/base.html), and main.html overrides it: re-check "
                "main.html's (what it copies of it, the text its replace() looks for), then record the new one"
            )
    return said


def _installed() -> Path:
    import material

    return Path(material.__file__).parent / "templates"


def test_the_installed_material_has_the_originals_the_themes_copies_were_made_from():
    """When it fails, mkdocs-material was upgraded (or another version installed): each line names a file and what
    of Recur's theme copies it. `diff site_config/upstream/mkdocs-material/<file> <material>/templates/<file>`."""
    assert upstream_changes(_installed()) == []


def test_a_change_upstream_is_named_by_its_file_and_what_to_recheck(tmp_path):
    """The guard itself, on a copy of the installed templates changed as an upgrade would change them: a script
    partial, blocks main.html overrides (one changed, one gone), a block it does not (the stylesheet's name: nothing
    to say), and a script partial no template includes any more."""
    installed = tmp_path / "templates"
    shutil.copytree(_installed(), installed)
    content = installed / "partials/javascripts/content.html"
    content.write_text(content.read_text(encoding="utf-8").replace("__tabbed_", "__tabbed2_"), encoding="utf-8")
    base = installed / "base.html"
    text = base.read_text(encoding="utf-8")
    text = text.replace("width=device-width,initial-scale=1", "width=device-width, initial-scale=1")
    text = re.sub(r"main\.\w+\.min\.css", "main.0123abcd.min.css", text)
    assert "main.0123abcd.min.css" in text  # the styles block changed: main.html does not override it
    # a release's version and bundle hash in blocks main.html extends (site_meta, scripts): nothing to port
    text = re.sub(
        r"mkdocs-material-[0-9.]+", "mkdocs-material-9.9.0", re.sub(r"bundle\.\w+\.min", "bundle.4567cdef.min", text)
    )
    assert "mkdocs-material-9.9.0" in text and "bundle.4567cdef.min.js" in text
    base.write_text(text.replace("{% block extrahead %}{% endblock %}", ""), encoding="utf-8")
    said = upstream_changes(installed)
    assert said == [
        "partials/javascripts/content.html: mkdocs-material's changed since the recorded original "
        "(site_config/upstream/mkdocs-material/partials/javascripts/content.html): site_config/assets/"
        "recur-md-content.js is its inline scripts as a file (data-tabs-link: the content.tabs.link one runs); port "
        "the change, then record the new one",
        "base.html: has no block extrahead any more: main.html's is never rendered",
        "base.html: block site_meta changed since the recorded original (site_config/upstream/mkdocs-material/"
        "base.html), and main.html overrides it: re-check main.html's (what it copies of it, the text its "
        "replace() looks for), then record the new one",
    ], said
    base.write_text(text.replace('{% include "partials/javascripts/base.html" %}', "<script>inline</script>"))
    (installed / "partials/javascripts/palette.html").unlink()
    said = upstream_changes(installed)
    assert (
        "partials/javascripts/palette.html: mkdocs-material has none any more: site_config/assets/recur-md-palette.js is its inline script, verbatim"
        in said
    ), said
    assert any(s.startswith("partials/javascripts/base.html: no template of mkdocs-material includes it") for s in said)
    assert not any(s.startswith("partials/javascripts/content.html: no template") for s in said), said
