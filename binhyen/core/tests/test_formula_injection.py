"""Spreadsheets the app hands out never carry a formula from users' text: every export
(lists of every app, the certification lists, the award list, the review workbook, the
empty import templates) is written through core.spreadsheets.safe, and a text starting
with = + - @ (or a tab or carriage return) comes back as a text cell with Excel's quote
prefix. Numbers stay numbers, negative ones too."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from binhyen.core.spreadsheets import safe

from .test_hostile_content import FORMULA, docx_text, hostile, world  # noqa: F401 (fixture)

STARTS = ["=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']


def cells_of(data: bytes):
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def formula_cells(data: bytes) -> list[str]:
    """Cells a spreadsheet program would run: formulas, and text starting like one
    without the quote prefix."""
    found = []
    for cell in cells_of(data):
        if cell.data_type == "f":
            found.append(f"{cell.coordinate}: formula {cell.value!r}")
        elif (
            isinstance(cell.value, str)
            and cell.value.startswith(safe.FORMULA_START)
            and (cell.data_type != "s" or not cell.quotePrefix)
        ):
            found.append(f"{cell.coordinate}: unprefixed {cell.value!r}")
    return found


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- the helper ----------------------------------------------------------------------------


@pytest.mark.parametrize("write_only", [True, False])
def test_text_is_text_and_numbers_stay_numbers(write_only):
    values = [*STARTS, "-5", -5, Decimal("-2.5"), -0.5, True, dt.date(2025, 1, 31), "a\x01b\x0bc"]
    book = Workbook(write_only=write_only)
    if write_only:
        ws = book.create_sheet("s")
        ws.append(safe.row(ws, values))
    else:
        ws = book.active
        for column, value in enumerate(values, 1):
            safe.put(ws, 1, column, value)
    data = saved(book)
    assert not formula_cells(data)
    read = [c.value for c in cells_of(data)]
    assert read[: len(STARTS)] == STARTS  # the text as typed, not evaluated
    assert read[len(STARTS)] == "-5"  # text that looks like a number stays text
    assert read[len(STARTS) + 1 : len(STARTS) + 5] == [-5, -2.5, -0.5, True]
    assert read[-2].date() == dt.date(2025, 1, 31)
    assert read[-1] == "abc"  # control characters XML cannot hold are dropped


def test_the_last_check_turns_formulas_written_directly_into_text():
    book = Workbook()
    book.active["A1"] = "=1+1"  # openpyxl makes this a formula
    book.active["A2"] = "-1"
    book.active["A3"] = -1
    assert book.active["A1"].data_type == "f"
    safe.no_formulas(book)
    data = saved(book)
    assert not formula_cells(data)
    assert [c.value for c in cells_of(data)] == ["=1+1", "-1", -1]


# ---- every export ---------------------------------------------------------------------------


def exports(w) -> dict[str, str]:
    u = reverse
    review = f"unit={w.triangle.parent.code}&start=01/01/2021&end=31/12/2025"
    xlsx = "?export=xlsx"
    return {
        "points": u("schemes:list") + xlsx,
        "types": u("schemes:types") + xlsx,
        "hosts": u("schemes:organizations") + xlsx,
        "groups": u("schemes:groups") + xlsx,
        "tips": u("tips:list") + xlsx,
        "cases": u("tips:cases") + xlsx,
        "weapons": u("outcomes:list", args=["weapons"]) + xlsx,
        "outreach": u("outcomes:list", args=["outreach-sessions"]) + xlsx,
        "managed": u("outcomes:periods") + xlsx,
        "figures": u("reported_figures:list") + xlsx,
        "certifications": u("certification:lists-xlsx") + f"?unit={w.triangle.unit.code}&year=2026",
        "awards": u("awards:conference", args=[w.occasion.pk]) + xlsx,
        "review": u("reports:download", args=["xlsx"]) + "?" + review,
    }


CODES_ONLY = {"managed"}  # codes, dates and choices: no free text to carry a payload
TEMPLATES = ["schemes", "tips", "outcomes", "certification", "reported_figures"]


def test_no_export_carries_a_formula(client, world):  # noqa: F811 (the fixture)
    client.force_login(world.triangle.admin)
    payloads = {hostile(n) for n in (None, 60, 40, 30)}
    for name, url in exports(world).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert response["Content-Disposition"].startswith("attachment"), name
        data = body(response)
        assert not formula_cells(data), name
        if name in CODES_ONLY:
            continue
        texts = {c.value for c in cells_of(data) if isinstance(c.value, str)}
        assert any(t.startswith(FORMULA[:10]) for t in texts), f"{name}: no payload exported"
        assert texts & payloads or any(FORMULA in t for t in texts), name
    for namespace in TEMPLATES:
        response = client.get(reverse(f"{namespace}:import-template"))
        assert response.status_code == 200, namespace
        assert not formula_cells(body(response)), namespace


def test_control_characters_do_not_break_the_files(client, triangle):
    """Text pasted with control characters (a vertical tab from Word, a stray \\x01)
    is stored as typed; the XLSX and DOCX files drop what XML cannot hold instead of
    failing."""
    from django.utils import timezone

    from binhyen.awards import services as awards
    from binhyen.core.audit import audit_context
    from binhyen.tips import services as tips

    dirty = "=Bến\x0bxe\x01 <b>"
    with audit_context(actor=triangle.officer, source="test"):
        tips.record_tip(
            received_at=timezone.now() - dt.timedelta(days=1),
            channel="phone",
            category="drugs",
            unit=triangle.unit,
            description=dirty,
        )
        occasion = awards.create_occasion(
            triangle.parent_officer,
            name="Hội nghị",
            kind="review_conference",
            held_on=dt.date(2025, 12, 20),
            unit=triangle.parent,
            period_start=dt.date(2024, 12, 1),
            period_end=dt.date(2025, 11, 30),
        )
    type(occasion).objects.filter(pk=occasion.pk).update(name=dirty)  # as an import could
    client.force_login(triangle.parent_officer)
    review = f"unit={triangle.parent.code}&start=01/01/2021&end=31/12/2025&signer=A%01B%0BC"
    conference = reverse("awards:conference", args=[occasion.pk])
    for url, kind in (
        (reverse("tips:list") + "?export=xlsx", "xlsx"),
        (conference + "?export=xlsx", "xlsx"),
        (conference + "?export=docx", "docx"),
        (reverse("reports:download", args=["docx"]) + "?" + review, ""),
        (reverse("reports:download", args=["xlsx"]) + "?" + review, ""),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        data = body(response)
        if kind == "xlsx":
            assert "=Bếnxe <b>" in [c.value for c in cells_of(data)], url
            assert not formula_cells(data), url
        elif kind == "docx":
            assert "=Bếnxe <b>" in docx_text(data), url
