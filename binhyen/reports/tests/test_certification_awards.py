"""Certification and award indicators: counted from their records under the structure
of the date, broken down by subject type, window, form, authority and recipient kind."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from binhyen.awards.models import Authority, AwardForm, Nomination, Occasion
from binhyen.certification.models import Certification
from binhyen.reports.review import build_review


def figures(review) -> dict:
    return {f["indicator"]: f for s in review["sections"] for f in s["figures"]}


def rows(figure, by) -> dict:
    b = next(b for b in figure["breakdowns"] if b["by"] == by)
    return {r["key"]: r["value"] for r in b["rows"]}


def certification(unit, subject, year, certified_on=None):
    return Certification.objects.create(
        subject_type=subject,
        unit=unit,
        year=year,
        status="certified" if certified_on else "registered",
        registered_on=dt.date(year, 2, 1),
        decision_date=certified_on,
    )


def test_registrations_and_certifications(nghe_an):
    first, second = nghe_an.communes
    area = nghe_an.areas[0]
    certification(area, "residential_area", 2024, dt.date(2024, 11, 5))
    certification(first, "commune", 2024, dt.date(2024, 12, 1))
    certification(second, "commune", 2024)
    certification(area, "residential_area", 2025)
    with translation.override("en"):
        found = figures(build_review(nghe_an.province, dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    registered, certified = found["certification.registered"], found["certification.certified"]
    assert (registered["value"], certified["value"]) == (3, 2)
    assert rows(registered, "subject_type") == {"commune": 2, "residential_area": 1}
    assert rows(certified, "window") == {"2024": 2}
    by_unit = next(b for b in certified["breakdowns"] if b["by"] == "unit")
    assert {r["code"]: r["value"] for r in by_unit["rows"]} == {"40001": 2}


def test_awards_by_form_authority_and_recipient(nghe_an):
    occasion = Occasion.objects.create(
        name="Hội nghị tổng kết",
        kind="review_conference",
        held_on=dt.date(2024, 8, 19),
        unit=nghe_an.province,
        period_start=dt.date(2019, 1, 1),
        period_end=dt.date(2024, 6, 30),
    )
    merit = AwardForm.objects.get(code="bang-khen")
    chairman = Authority.objects.get(code="chu-tich-ubnd-tinh")
    for status, unit in (
        ("awarded", nghe_an.communes[0]),
        ("awarded", nghe_an.communes[1]),
        ("rejected", nghe_an.communes[1]),
    ):
        Nomination.objects.create(
            occasion=occasion,
            form=merit,
            authority=chairman,
            recipient_kind="collective",
            collective_kind="unit",
            recipient_unit=unit,
            unit=unit,
            period_start=occasion.period_start,
            period_end=occasion.period_end,
            status=status,
            decision_date=dt.date(2024, 8, 10),
        )
    with translation.override("en"):
        found = figures(build_review(nghe_an.province, dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    awarded = found["awards.awarded"]
    assert awarded["value"] == 2
    assert rows(awarded, "form") == {"bang-khen": 2}
    assert rows(awarded, "authority") == {"chu-tich-ubnd-tinh": 2}
    assert rows(awarded, "recipient_kind") == {"collective": 2}
