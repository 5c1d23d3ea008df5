"""Every badge of the site's CSS is readable: its text colour on its background is at least 4.5:1, WCAG
2's AA level for normal text (badges are small and bold: AA's large-text allowance does not apply).
Found in review: white on #e67e22 (sev2) was 2.85:1 and white on #2e9e6b (done, active) 3.38:1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ASSETS = Path(__file__).resolve().parents[1] / "site_config" / "assets"
CSS = ("recur.css", "recur-suggest.css")
# the classes a modifier inherits its text colour from when it sets only a background
BASES = {"r-": ".rb", "recur-badge--": ".recur-badge"}
AA = 4.5


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2's contrast ratio of two colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _colour(value: str | None) -> str | None:
    """A declaration's colour as #hex: written so, or a var()'s fallback; None for anything else."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})\s*", value) or re.fullmatch(
        r"\s*var\(\s*--[\w-]+\s*,\s*(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})\s*\)\s*", value
    )
    return m.group(1).lower() if m else None


def _rules(text: str) -> list:
    """(selectors, {property: value}) of each plain rule (comments dropped; no nesting in these files)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out = []
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        decls = dict((k.strip().lower(), v.strip()) for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d))
        out.append(([s.strip() for s in sel.split(",")], decls))
    return out


def badge_pairs() -> list:
    """(selector, text colour, background) of every badge rule that sets a background colour."""
    rules = [r for name in CSS for r in _rules((ASSETS / name).read_text(encoding="utf-8"))]
    by_selector = {s: d for sels, d in rules for s in sels}
    pairs = []
    for sels, decls in rules:
        for sel in sels:
            if not re.fullmatch(r"\.(rb|r-[\w-]+|recur-badge(--[\w-]+)?)", sel):
                continue
            bg = _colour(decls.get("background") or decls.get("background-color"))
            fg = _colour(decls.get("color"))
            base = next((b for prefix, b in BASES.items() if sel.startswith("." + prefix)), None)
            if fg is None and base:
                fg = _colour(by_selector.get(base, {}).get("color"))
            if bg and fg:
                pairs.append((sel, fg, bg))
    return pairs


def test_the_formula_gives_wcags_own_numbers():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#e67e22", "#fff") == pytest.approx(2.85, abs=0.01)  # the review's sev2


def test_every_badge_colour_pair_meets_wcag_aa():
    pairs = badge_pairs()
    seen = {sel for sel, _, _ in pairs}
    for sel in (".r-sev1", ".r-sev2", ".r-sev3", ".r-overdue", ".r-fix-done", ".r-st-active", ".r-flag-done",
                ".r-recurred", ".recur-badge--high", ".recur-badge--medium", ".recur-badge--low"):  # fmt: skip
        assert sel in seen, f"{sel}: no colour pair found in {CSS}"
    low = [f"{sel}: {fg} on {bg} is {contrast(fg, bg):.2f}:1" for sel, fg, bg in pairs if contrast(fg, bg) < AA]
    assert low == [], low
