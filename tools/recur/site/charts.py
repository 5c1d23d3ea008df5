"""SVG charts drawn at build time in plain Python: no JavaScript library, no CDN, no network.

Colours come from short CSS classes scoped under ``.recur-chart`` (``c0`` .. ``c7``, ``cx`` for
"other"; ``ax`` axis, ``tk`` tick, ``tw`` a timeline's tick label for a wide screen only, ``lg`` legend,
``dt`` dot) in site_config/assets/recur.css;
the markup is kept short because a timeline is drawn on every pattern page.
"""

from __future__ import annotations

import datetime as dt

from recur.site.md import esc

PALETTE = 8


def _svg(width: int, height: int, body: list, label: str, image: str | None = None, *, scaled: bool = True) -> str:
    """The chart's <svg>; inline in HTML: no xmlns needed; the <title> is the accessible name. ``image``: the chart
    is one image of that name (role="img", its aria-label), its drawing hidden from a screen reader (Chromium still
    exposed the text and tooltips under a role="img"): its bars, ticks and legend are not read one by one; the
    mouse's tooltips on them stay. It has no <title>: that said ``label`` again beside the aria-label (review).
    ``scaled`` False: no viewBox, its height as drawn (a timeline's: its places across are fractions, see there)."""
    if scaled:
        size = f'viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
    else:  # .recur-chart's height: auto would take the width's ratio (27 px high at 320, its labels cut)
        size = f'width="{width}" height="{height}" style="height: {height}px"'
    if image:
        return (f'<svg class="recur-chart" role="img" aria-label="{esc(image)}" {size}>'
                f'<g aria-hidden="true">{"".join(body)}</g></svg>')
    return f'<svg class="recur-chart" {size}><title>{esc(label)}</title>{"".join(body)}</svg>'


# A year label's width, four digits of at most 0.6em, and the least room between two, in ems. The timeline's labels are
# laid out at build time for the narrowest card they are drawn in: a 320 px phone's, 247 px wide, where they are 12 px
# (recur.css); a label that does not fit there beside the one before is for a wider screen only (class "tw", hidden
# up to 35em, where a desktop's card is narrower than ``width`` too). Found in a re-read: a 12-year history's labels
# overlapped one another at 320 and 375 px (19 px apart, 27 px wide), and one at an end of the strip was cut off.
LABEL_EM, GAP_EM = 2.4, 0.25
PHONE_CARD, PHONE_LABEL = 247, 12


def _anchor(place: float) -> str:
    """A label's text-anchor at ``place`` (a fraction of the strip): centred on its tick, but where centred it would
    be cut off at an end of the phone's card, it starts (or ends) at its tick."""
    half = LABEL_EM * PHONE_LABEL / 2
    return "start" if place * PHONE_CARD < half else "end" if (1 - place) * PHONE_CARD < half else "middle"


def _spaced(places: list, among, width: int, size: int) -> list:
    """The indices of ``among`` whose labels, ``size`` px at ``places`` of a strip ``width`` px wide, clear the label
    kept after them: the latest year is kept, then each one that clears the last kept (the recent years matter most)."""
    wide, kept, left = LABEL_EM * size, [], float("inf")
    for i in reversed(among):
        right = places[i] * width + {"start": wide, "middle": wide / 2, "end": 0}[_anchor(places[i])]
        if right + GAP_EM * size <= left:
            kept.append(i)
            left = right - wide
    return kept[::-1]


def timeline(events: list, start: dt.date, end: dt.date, *, width: int = 360, height: int = 40,
             label: str = "incidents over time") -> str:
    """A strip with one dot per event between ``start`` and ``end``.

    ``events`` are (date, title, href-or-None); dots link to the incident when href is given.

    Its places across are fractions of its width (x="42.5%") and it has no viewBox: a narrower box (a phone's
    card, 247 px at 320) spreads the same places over fewer pixels, while its labels and dots keep their CSS size.
    Drawn scaled to the box, its year labels were 6.9 px high and its dots 6.9 px wide at 320 px (found on a phone);
    recur.css sets the labels' size on a phone. ``width`` is the strip's width where the box has room for it.
    Each 1 January has a tick; its year's label is left out where it would overlap the one before (_spaced).
    """
    span = max((end - start).days, 1)
    # the axis 18 above the bottom, the labels' baseline 4: a 12 px label's line (a phone's) fits under its tick
    pad, base = 8, height - 18

    def place(days: int) -> float:  # a day's place, as a fraction of the strip's width (with ``pad`` at each end)
        return (pad + min(max(days, 0), span) / span * (width - 2 * pad)) / width

    def across(days: int) -> str:
        return f"{place(days) * 100:.2f}%"

    body = [f'<line class="ax" x1="{across(0)}" y1="{base}" x2="{across(span)}" y2="{base}"/>']
    years = [(year, (dt.date(year, 1, 1) - start).days) for year in range(start.year + 1, end.year + 1)]
    places = [place(days) for _, days in years]
    drawn = _spaced(places, range(len(years)), width, 10)  # a desktop's 10 px labels with room for them
    narrow = set(_spaced(places, drawn, PHONE_CARD, PHONE_LABEL))
    for i, (year, days) in enumerate(years):  # a tick on each 1 January in the span
        x = across(days)
        body.append(f'<line class="ax" x1="{x}" y1="{base - 6}" x2="{x}" y2="{base + 2}"/>')
        if i in drawn:
            kind = "tk" if i in narrow else "tk tw"
            body.append(f'<text class="{kind}" x="{x}" y="{height - 4}" text-anchor="{_anchor(places[i])}">{year}</text>')
    for d, title, link in events:
        dot = (f'<circle class="dt" cx="{across((d - start).days)}" cy="{base - 8}" r="5">'
               f'<title>{esc(d.isoformat())}: {esc(title)}</title></circle>')
        body.append(f'<a href="{link}">{dot}</a>' if link else dot)
    return _svg(width, height, body, label, scaled=False)  # its height as drawn


def stack_layers(series: dict, months: int, *, top: int = 6) -> list:
    """The stacks ``stacked_bars`` draws, bottom up: (name, counts, colour class) of the ``top`` largest
    series, then "other" summing the rest when they count anything. The trends page's table of each chart
    reads these too, so its numbers are the bars' own."""
    names = list(series)[:top]
    rest = [sum(series[k][n] for k in list(series)[top:]) for n in range(months)]
    layers = [(name, series[name], f"c{i % PALETTE}") for i, name in enumerate(names)]
    if any(rest):
        layers.append(("other", rest, "cx"))
    return layers


def stacked_bars(months: list, series: dict, *, top: int = 6, width: int = 640, height: int = 220,
                 label: str = "incidents per month", partial: str | None = None, numbers: str | None = None) -> str:
    """Stacked monthly bars for the ``top`` largest series, the rest summed as "other", with a legend.

    ``partial`` labels the last month when it is not over yet ("Dec 1–3"): its slot gets a dashed
    outline marked "so far" and that label under it, as an empty bar there read "no incidents".
    ``numbers``: the name of the table below the chart that has its numbers (the trends page's).

    The chart is one image to a screen reader, named for what it shows and where its numbers are: its ~90 bars,
    ticks and legend words were read one by one, "2026-03 capacity: 2", "0", "26-04", ... (found in review)."""
    layers = stack_layers(series, len(months), top=top)
    totals = [sum(layer[1][n] for layer in layers) for n in range(len(months))]
    peak = max(totals or [0]) or 1
    left, right, top_pad, bottom = 28, 8, 8, 40
    plot_h = height - top_pad - bottom
    slot = (width - left - right) / max(len(months), 1)
    bar = max(slot * 0.7, 1)
    body = [f'<line class="ax" x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}"/>',
            f'<text class="tk" x="{left - 4}" y="{top_pad + 8}" text-anchor="end">{peak}</text>',
            f'<text class="tk" x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>']
    for n, month in enumerate(months):
        x = left + n * slot + (slot - bar) / 2
        y = top_pad + plot_h
        for name, counts, cls in layers:
            if not counts[n]:
                continue
            h = counts[n] / peak * plot_h
            y -= h
            body.append(f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}">'
                        f'<title>{esc(month)} {esc(name)}: {counts[n]}</title></rect>')
        if partial and n == len(months) - 1:
            body.append(_so_far(x, bar, top_pad, plot_h, f"{month} so far ({partial})"))
            body.append(f'<text class="tk" x="{x + bar / 2:.1f}" y="{top_pad + plot_h + 12}" '
                        f'text-anchor="middle">{esc(partial)}</text>')
        elif len(months) <= 12 or n % 2 == 0:
            body.append(f'<text class="tk" x="{x + bar / 2:.1f}" y="{top_pad + plot_h + 12}" '
                        f'text-anchor="middle">{esc(month[2:])}</text>')
    lx, ly = left, height - 12
    for name, _, cls in layers:
        text = name if len(name) <= 18 else name[:17] + "…"
        body.append(f'<rect class="{cls}" x="{lx}" y="{ly - 8}" width="10" height="10"/>'
                    f'<text class="lg" x="{lx + 14}" y="{ly + 1}">{esc(text)}</text>')
        lx += 24 + 6.5 * len(text)
        if lx > width - 80:
            lx, ly = left, ly + 14
    if ly > height - 12:  # legend wrapped: grow the canvas
        height = ly + 6
    span = f", {months[0]} to {months[-1]}" + (f" ({partial} so far)" if partial else "") if months else ""
    image = f"Chart: {label}{span}, stacked bars" + (f"; its numbers are in the table “{numbers}” below" if numbers else "")
    return _svg(width, height, body, label, image=image)


def _so_far(x: float, bar: float, top_pad: int, plot_h: int, title: str) -> str:
    """The month still running: a dashed box the height of the plot, "so far" at its top."""
    return (f'<rect class="pt" x="{x:.1f}" y="{top_pad}" width="{bar:.1f}" height="{plot_h}"><title>{esc(title)}</title>'
            f'</rect><text class="tk" x="{x + bar / 2:.1f}" y="{top_pad + 10}" text-anchor="middle">so far</text>')


def hbars(items: list, *, width: int = 640, label: str = "top recurring patterns") -> str:
    """Horizontal bars: ``items`` are (name, count, href-or-None), largest first."""
    row, left = 22, 250
    height = max(len(items), 1) * row + 6
    peak = max([c for _, c, _ in items] or [0]) or 1
    body = []
    for n, (name, count, link) in enumerate(items):
        y = 4 + n * row
        w = count / peak * (width - left - 40)
        text = name if len(name) <= 38 else name[:37] + "…"
        label_el = f'<text class="lg" x="{left - 6}" y="{y + 13}" text-anchor="end">{esc(text)}</text>'
        body.append(f'<a href="{link}">{label_el}</a>' if link else label_el)
        body.append(f'<rect class="c{n % PALETTE}" x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}">'
                    f'<title>{esc(name)}: {count}</title></rect>'
                    f'<text class="tk" x="{left + w + 4:.1f}" y="{y + 13}">{count}</text>')
    return _svg(width, height, body, label)
