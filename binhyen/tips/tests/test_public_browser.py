"""A resident, on a phone-sized headless Chromium, sends an anonymous tip, writes down the
code and passphrase, comes back with them and reads the officer's reply.

Database: the browser talks to pytest-django's `live_server` (another thread), so the
test needs `transactional_db`, whose teardown flushes every table. The audit log refuses
DELETE through a trigger (core migration 0002): a flush by DELETE (SQLite) would abort.
The fixture `audit_log_emptied_after` therefore empties the audit table itself, once the
test is over, with the trigger lifted for that one statement and restored at once (from
the migration's own SQL), inside one transaction; the flush then finds nothing to
delete there. It is set up after `transactional_db` (which the autouse live-server
helper requests first), so it is torn down before the flush. On PostgreSQL the flush is
a TRUNCATE, which row triggers do not see, and the same fixture works unchanged.
`serialized_rollback` is not used: it would not avoid the flush, and the data of the
migrations (the starting catalogue) is not needed here; transactional tests run last.

Needs Playwright (the Python package; its bundled driver) and Debian's Chromium at
/usr/bin/chromium (no browser download). Without them the test is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections
from django.urls import reverse

from binhyen.geo import queries as geo_queries
from binhyen.tips import services
from binhyen.tips.choices import Author, Category
from binhyen.tips.models import Tip, TipMessage

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: `uv pip install playwright` (see pyproject dev extras)",
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
REPLY = "Cảm ơn bạn. Công an xã đang xác minh, bạn có nhớ biển số xe không?"


@pytest.fixture(autouse=True)
def fresh_counters():
    """Rate-limit counters start empty (they live in the process's cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone(monkeypatch):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI") == "true":  # CI installs it: a skip there would hide a gap
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an asyncio loop in this thread; the test's own ORM calls
    # between browser steps are plain blocking calls, so Django's async guard is lifted
    # for this test only (the server thread is unaffected).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        try:
            page = browser.new_context(viewport=PHONE).new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            # the database connections opened here belong to Playwright's context (Django
            # keeps them per context): close them, or PostgreSQL could not drop the test
            # database at the end (closing is a no-op on SQLite's in-memory database)
            connections.close_all()
            browser.close()


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"horizontal scroll: {width}px"


def _groups(page, selector: str) -> str:
    return "-".join(page.locator(f"{selector} span").all_inner_texts())


def test_resident_sends_a_tip_and_reads_the_reply_on_a_phone(
    live_server, audit_log_emptied_after, triangle, phone
):
    commune = triangle.unit
    area = geo_queries.children_on(commune, geo_queries.today()).first().unit
    page = phone

    # the form, chained selects loaded by HTMX
    page.goto(live_server.url + reverse("tips:public-new"))
    _fits_the_screen(page)
    page.select_option("#id_category", Category.GAMBLING)
    page.fill("#id_description", "Có đánh bạc ở nhà kho cuối thôn, tối nào cũng đông người.")
    page.select_option("#id_province", "99")
    page.wait_for_selector(f'#id_commune option[value="{commune.code}"]', state="attached")
    page.select_option("#id_commune", commune.code)
    page.wait_for_selector(f'#id_residential_area option[value="{area.code}"]', state="attached")
    page.select_option("#id_residential_area", area.code)
    page.click("#tip-form button[type=submit].primary")

    # the receipt, read as the resident would write it down
    page.wait_for_selector("#receipt-code")
    _fits_the_screen(page)
    code, passphrase = _groups(page, "#receipt-code"), _groups(page, "#receipt-passphrase")
    tip = Tip.objects.get(code=code)
    assert tip.is_public and tip.is_anonymous and tip.unit == area

    # the police answer from their side
    services.officer_reply(tip, triangle.officer, REPLY)

    # later, the resident comes back with the code and passphrase
    page.goto(live_server.url + reverse("tips:public-check"))
    page.fill("#id_code", code.replace("-", " "))
    page.fill("#id_passphrase", passphrase)
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#tip-status")
    _fits_the_screen(page)
    assert page.get_attribute("#tip-status", "data-status") == "received"
    assert REPLY in page.locator(".from-officer").inner_text()
    assert triangle.officer.username not in page.content()

    # and answers
    page.fill("#id_body", "Biển số 99A-123.45, xe màu đen.")
    page.click("#message-form button[type=submit]")
    page.wait_for_selector(".from-resident")
    assert list(TipMessage.objects.filter(tip=tip).values_list("author", flat=True)) == [
        Author.OFFICER,
        Author.RESIDENT,
    ]
