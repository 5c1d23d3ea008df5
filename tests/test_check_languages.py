"""`recur check` on a KB written partly in German and Japanese (found in review): its checks read English and
ASCII, and told such a KB's authors wrong things, or failed `--strict` (the CI gate) with no way out. Through the
real CLI on a small KB in tmp_path."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from click.testing import CliRunner
from kbfactory import small_kb, write_pattern

from recur.cli.main import cli


def _check(kb: Path, *args: str):
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--today", "2026-12-05", *args])
    assert "Traceback" not in r.output, r.output
    return r


def test_a_runbook_in_another_language_is_not_judged_by_english_verbs(tmp_path):
    kb = small_kb(tmp_path / "kb")
    write_pattern(
        kb,
        "zahlungsdienst-zeitueberschreitung",
        "dependencies",
        symptoms=("Zahlungen schlagen nach 30 Sekunden fehl",),
        signals=("context deadline exceeded while calling payments",),
        runbook=("Status-Seite des Anbieters prüfen.", "Circuit Breaker aktivieren.", "Replikations-Slots prüfen."),
    )
    write_pattern(
        kb,
        "setsuzoku-taimuauto",
        "dependencies",
        symptoms=("接続がタイムアウトする",),
        signals=("upstream request timeout on envoy",),
        runbook=("Envoyのログを確認する。", "アップストリームのヘルスチェックを確認する。"),
    )
    r = _check(kb, "--strict")
    assert "nothing actionable" not in r.output and r.exit_code == 0, r.output
    # an English step as vague as ever is still told so, beside them
    write_pattern(kb, "vague-one", symptoms=("it is slow",), signals=("VagueAlert",), runbook=("Check the logs.",))
    r = _check(kb, "--strict")
    assert r.exit_code == 1 and r.output.count("nothing actionable") == 1, r.output
    assert "vague-one.md" in r.output


def test_a_folder_name_decomposed_is_the_category_composed(tmp_path):
    """A folder named on macOS (or unpacked from its zip) holds "ö" decomposed (NFD), the editor wrote the category
    composed (NFC): "'störungen' must equal the folder name 'störungen'" was an error no one could see."""
    kb = small_kb(tmp_path / "kb")
    folder = unicodedata.normalize("NFD", "störungen")
    write_pattern(kb, "inode-erschoepft", folder, symptoms=("keine Inodes mehr frei",), signals=("InodesFree",))
    path = kb / "patterns" / folder / "inode-erschoepft.md"
    path.write_text(path.read_text().replace(f"category: {folder}", "category: störungen"))
    assert "category: störungen\n" in path.read_text()
    r = _check(kb)
    assert "must equal the folder name" not in r.output and r.exit_code == 0, r.output
    # a category that is another name is still an error
    path.write_text(path.read_text().replace("category: störungen", "category: stoerungen"))
    r = _check(kb)
    assert "'stoerungen' must equal the folder name" in r.output and r.exit_code == 1, r.output


def test_an_id_with_accented_letters_is_given_its_ascii_id(tmp_path, monkeypatch):
    """'dns-auflösung-fehlgeschlagen' was told "not ASCII: type it again", the advice for a look-alike, with no
    id that would do: ids are ASCII, and the id offered is `recur new`'s own (and German's spelling of it)."""
    monkeypatch.chdir(tmp_path)
    kb = small_kb(Path("kb"))
    rid = "dns-auflösung-fehlgeschlagen"
    write_pattern(kb, rid, "network", symptoms=("Namen werden nicht aufgelöst",), signals=("SERVFAIL",))
    r = _check(kb)
    assert (
        f"id: must be a kebab-case id (lowercase words joined by '-'), not {rid!r}; ids are ASCII: write id: "
        f"dns-aufloesung-fehlgeschlagen (or dns-auflosung-fehlgeschlagen) and rename the file to "
        "kb/patterns/network/dns-aufloesung-fehlgeschlagen.md"
    ) in r.output, r.output
    assert "type it again" not in r.output
    # a related id written so is given them too
    path = kb / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("related: [db-pool-exhausted]", "related: [straße-gesperrt]"))
    assert (
        "related[0]: must be a kebab-case id (lowercase words joined by '-'), not 'straße-gesperrt'; ids are "
        "ASCII: write 'strasse-gesperrt'" in _check(kb).output
    )


def test_an_id_with_a_look_alike_is_still_told_to_type_it_again(tmp_path):
    kb = small_kb(tmp_path / "kb")
    rid = "dns-f\u0430ilure"  # a Cyrillic а
    write_pattern(kb, rid, "network", symptoms=("names do not resolve",), signals=("SERVFAIL",))
    r = _check(kb)
    assert "U+0430 CYRILLIC SMALL LETTER A at position 6, not ASCII: type it again" in r.output, r.output
    assert "ids are ASCII" not in r.output


def test_a_category_in_another_language_close_to_one_is_a_notice_and_a_slip_still_fails_strict(tmp_path):
    """A German team's `netzwerk` beside `network` was a warning --strict failed on, with no way out: the format
    allows any category (its folder's name) and nothing could declare it meant. One slip of a key from a category
    (`capacty`, `netwrok`) is still the warning; further off, a notice."""
    kb = small_kb(tmp_path / "kb")
    write_pattern(kb, "dns-zeitueberschreitung", "network", symptoms=("DNS antwortet nicht",), signals=("SERVFAIL x",))
    write_pattern(kb, "paketverlust", "netzwerk", symptoms=("Pakete gehen verloren",), signals=("PacketLoss",))
    r = _check(kb, "--strict")
    assert r.exit_code == 0, r.output
    assert "category: notice: 'netzwerk' (1 pattern) is close to the category 'network' (2)" in r.output, r.output
    write_pattern(kb, "paket-slip", "netwrok", symptoms=("packets dropped by the router",), signals=("RouterDrops",))
    r = _check(kb, "--strict")
    assert r.exit_code == 1, r.output
    assert "category: warning: 'netwrok' (1 pattern) is close to the category 'network' (2)" in r.output, r.output
