"""Issuing a review: the next number of the year for the issuer ("Số: 12/BC-CAT"), the
figures frozen as issued."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ..models import IssuedReport

ATTEMPTS = 5


def issue_report(review: dict, unit, issuer_code: str, user=None, on: dt.date | None = None):
    """Give `review` the next number of the year of `on` (default today in the
    server's time zone, Vietnam's) for `unit` and `issuer_code`, and store it as issued.
    Two officers racing for a number: the unique constraint refuses one, which retries."""
    on = on or timezone.localdate()
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                same = IssuedReport.objects.filter(unit=unit, issuer_code=issuer_code, year=on.year)
                last = same.aggregate(n=Max("number"))["n"]
                report = IssuedReport(
                    unit=unit,
                    kind=review["kind"],
                    issuer_code=issuer_code,
                    year=on.year,
                    number=(last or 0) + 1,
                    issued_on=on,
                    period_start=review["period"]["start"],
                    period_end=review["period"]["end"],
                    structure_on=review["structure"]["asked"],
                    review={},
                    issued_by=user,
                )
                report.review = {**review, "issue": issue_json(report)}
                report.save()
                return report
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def issue_json(report: IssuedReport) -> dict:
    return {
        "number": report.number,
        "year": report.year,
        "issuer_code": report.issuer_code,
        "issued_on": report.issued_on.isoformat(),
    }
