"""recur.util.pins.installed_closure: the dependency closure `recur init` pins in constraints.txt, read from real
installed metadata (this environment's, and dist-info / egg-info folders written here). It reads each
distribution's metadata once, its headers only (not the long description below them): these pin that what it reads
is what importlib.metadata reads (test_init.py pins the closure's rules and constraints.txt)."""

from __future__ import annotations

from importlib import metadata

from packaging.requirements import Requirement

from recur.util.pins import _installed, _read, installed_closure, normalized


def test_every_installed_distribution_reads_as_importlib_metadata_reads_it():
    """The headers read up to the blank line that ends them give each distribution installed here the version
    and the requirements importlib.metadata's whole-file read gives (about 200 real METADATA files)."""
    checked = 0
    for dist in metadata.distributions():
        version, requires = _read(dist)
        assert version == dist.version, dist.metadata["Name"]
        assert requires == [Requirement(line) for line in dist.requires or ()], dist.metadata["Name"]
        checked += 1
    assert checked >= 50, checked


def _dist_info(root, name, version, *requires, body="", newline="\n"):
    info = root / f"{normalized(name).replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    head = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}"] + [f"Requires-Dist: {r}" for r in requires]
    text = "\n".join(head) + "\n" + (f"\n{body}" if body else "")
    (info / "METADATA").write_bytes(text.replace("\n", newline).encode())


def test_one_distribution_asked_for_under_several_spellings_and_extras_gives_all_their_requirements(
    tmp_path, monkeypatch
):
    """Read once, a distribution still gives each extra asked of it, whichever spelling asked; a folded header
    is read whole; a long description's lines that look like headers are not headers; a METADATA with CRLF line
    ends and an .egg-info (PKG-INFO, requires.txt) read as importlib.metadata reads them."""
    body = "# Alpha\n\nRequires-Dist: not-a-dependency\nVersion: 9.9\n\nMore text.\n"
    _dist_info(tmp_path, "top-pkg", "1.0", "Alpha_Pkg[x]", "alpha.pkg[Y]", "alpha-pkg", "crlf-pkg", "legacy-pkg[more]")
    info = tmp_path / "alpha_pkg-2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: Alpha.Pkg\nVersion: 2.0\nLicense: a license\n        of two lines\n"
        "Requires-Dist: xdep; extra == 'x'\nRequires-Dist: ydep; extra == 'y'\nRequires-Dist: zdep; extra == 'z'\n"
        f"\n{body}"
    )
    for name in ("xdep", "ydep", "zdep", "crlf-dep", "egg-dep", "egg-more"):
        _dist_info(tmp_path, name, "1.1", body=body)
    _dist_info(tmp_path, "crlf-pkg", "3.0+local", "crlf-dep", body=body, newline="\r\n")
    egg = tmp_path / "legacy_pkg-4.0-py3.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text(f"Metadata-Version: 1.1\nName: legacy-pkg\nVersion: 4.0\n\n{body}")
    (egg / "requires.txt").write_text("egg-dep>=1\n\n[more]\negg-more\n\n[other]\nnot-installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    pins = installed_closure("top-pkg")
    assert pins.versions == {
        "alpha-pkg": "2.0",
        "xdep": "1.1",
        "ydep": "1.1",
        "crlf-pkg": "3.0",
        "crlf-dep": "1.1",
        "legacy-pkg": "4.0",
        "egg-dep": "1.1",
        "egg-more": "1.1",
    }
    assert pins.missing == []
    assert _installed("alpha_pkg") == ("2.0", [Requirement(f"{d}dep; extra == '{d}'") for d in "xyz"])


def test_folded_values_read_as_importlib_metadata_dedents_them(tmp_path, monkeypatch):
    """A value folded over lines (a Version on the line after its name, a whitespace-only line after it) reads
    as importlib.metadata's Message repairs it, its later lines' indent taken off: read up to the blank line
    alone, it kept the indent (' 2.0' on its line, '2.0' and a line of spaces)."""
    for name, head in [("folded-pkg", "Version:\n 2.0\n"), ("spaced-pkg", "Version: 2.0\n   \nLicense: MIT\n")]:
        info = tmp_path / f"{name.replace('-', '_')}-2.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\n{head}Requires-Dist: xdep\n\nText.\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("folded-pkg", "spaced-pkg"):
        dist = metadata.distribution(name)
        assert _read(dist) == (dist.version, [Requirement("xdep")]), name
