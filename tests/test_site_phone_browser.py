"""The built site on a phone's screen (320 and 375 px, a touch screen, Chromium's mobile emulation): the home page's
tables, a runbook's inline commands, the charts' labels and the describe box before its script has loaded."""

from __future__ import annotations

import contextlib

import pytest
from browser import page_errors
from kbfactory import write_pattern
from site_helpers import served_site, site_kb

pytestmark = pytest.mark.browser

PHONES = (320, 375)
# a runbook's commands whose flags and words hold hyphens (they broke at them on a phone)
COMMANDS = (
    "kubectl --namespace payments-production get pods --field-selector=status.phase!=Running",
    "aws autoscaling describe-scaling-activities --auto-scaling-group-name checkout-asg --max-items 5",
    "gcloud compute operations list --filter=status=DONE --limit 5",
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The site_kb, with a pattern whose runbook holds COMMANDS, built with `recur site` and served."""
    tmp = tmp_path_factory.mktemp("phone-site")
    kb = site_kb(tmp / "kb")
    steps = tuple(f"On the cluster, run `{c}` and read what it says." for c in COMMANDS)
    write_pattern(kb, "quota-hit", title="Cloud quota hit", runbook=steps, signals=("LimitExceeded",))
    with served_site(kb, tmp / "out", "--strict", "-q") as served:
        yield served


@contextlib.contextmanager
def phone(chromium, width: int, height: int = 640):
    """A page of ``chromium`` as a phone shows it: ``width`` x ``height`` CSS px at 2 device px each, the mobile
    viewport and a touch screen (CSS's (pointer: coarse)). Yields (page, its JavaScript errors)."""
    pg = chromium.new_page()
    cdp = pg.context.new_cdp_session(pg)
    metrics = {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True}
    cdp.send("Emulation.setDeviceMetricsOverride", metrics)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    errors = page_errors(pg)
    try:
        yield pg, errors
    finally:
        pg.close()


@pytest.mark.parametrize("width", PHONES)
def test_every_column_of_the_home_pages_tables_is_on_a_phones_screen(chromium, base, width):
    """Found on a phone: at 320 px the home page's "Most recurring patterns" table was 630 px wide, its severity,
    category and permanent fix off the screen (behind a sideways scroll of the table), and "Latest incidents" 434 px.
    On a phone each row is a card (md.card_table) and every cell is within the screen; the page does not scroll."""
    url, _ = base
    with phone(chromium, width) as (pg, errors):
        pg.goto(url + "/index.html")
        cells = pg.evaluate("""() => [...document.querySelectorAll("article table tbody td")].map(td => {
            const r = td.getBoundingClientRect();
            return {left: r.left, right: r.right, text: td.innerText, table: td.closest("table").rows[0].innerText}; })""")
        tables = {c["table"] for c in cells}
        assert len(tables) == 2, tables  # the recurring patterns and the latest incidents
        assert any("Disk full on a host" in c["text"] for c in cells), cells
        for c in cells:
            assert c["left"] >= 0 and c["right"] <= width, c
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert errors == []
