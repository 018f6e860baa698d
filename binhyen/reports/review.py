"""The review: every figure of a unit and period, combined with reported figures,
compared with the previous period, broken down, checked, with trends, replication, map
points and sources; as a dict in the stable JSON format of docs/review-format.md. The
page, the API, the command and every document are written from it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries as sq
from binhyen.schemes.models import Scheme
from binhyen.tips import queries as tq

from . import formatting as fmt
from . import tallies, validation
from .choices import Qualifier, ReviewKind
from .combine import Combined, ReportedBook, combine
from .indicators import CATALOGUE, SECTIONS, STOCK, in_section
from .models import IssuedReport

FORMAT = "binhyen.review/1"
HEADLINE = (
    "schemes.active",
    "structure.groups",
    "structure.households",
    "tips.received",
    "tips.actionable",
    "cases.solved",
)
EVER = dt.date(1900, 1, 1)
MAP_POINTS = 2000
TRENDS = ("tips.received", "tips.actionable", "schemes.established", "cases.solved")


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before: as many whole months when the period
    is whole months (2021–2025 → 2016–2020), else as many days."""
    prev_end = start - dt.timedelta(days=1)
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        index = start.year * 12 + start.month - 1 - months
        return dt.date(index // 12, index % 12 + 1, 1), prev_end
    return prev_end - (end - start), prev_end


def _value(c: Combined) -> dict:
    return {
        "value": fmt.plain(c.value),
        "qualifier": c.qualifier,
        "display": fmt.with_qualifier(c.value, c.qualifier),
    }


def _unit_json(unit: AdminUnit | None) -> dict | None:
    if unit is None:
        return None
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "level_label": str(Level(unit.level).label),
    }


class ReviewBuilder:
    """`previous`: the period to compare with (default: the same length just before);
    `codes`: only these indicators (the dashboard's lighter review)."""

    def __init__(self, unit, start, end, structure_on=None, user=None, previous=None, codes=None):
        if start > end:
            raise ValueError("start after end")
        self.unit, self.start, self.end = unit, start, end
        self.scope = sq.Scope(unit, structure_on, user)
        self.book = ReportedBook(self.scope)
        self.prev = previous or previous_period(start, end)
        self.codes = set(codes) if codes else None
        self.verdicts = {}

    def figure(self, code: str) -> dict:
        indicator = CATALOGUE[code]
        dims = tuple(d.code for d in indicator.dimensions if d.recorded)
        now, verdicts = combine(code, self.scope, self.start, self.end, self.book, dims)
        self.verdicts[code] = verdicts
        before, _v = combine(code, self.scope, *self.prev, self.book)
        return {
            "indicator": code,
            "label": str(indicator.label),
            "kind": indicator.kind,
            "on": self.end.isoformat() if indicator.kind == STOCK else None,
            "measure": indicator.measure,
            **_value(now),
            "records": fmt.plain(now.records),
            "reported": [f.pk for f in now.used],
            "previous": _value(before),
            "breakdowns": [
                {
                    "by": dim,
                    "label": str(indicator.dimension(dim).label),
                    "partition": indicator.dimension(dim).partition,
                    "rows": [self._row(p, now.qualifier) for p in parts],
                }
                for dim, parts in now.parts.items()
            ],
        }

    @staticmethod
    def _row(part, qualifier) -> dict:
        q = qualifier if part.key == "reported" else Qualifier.EXACT
        return {
            "key": part.key if part.key is None or isinstance(part.key, str) else str(part.key),
            "code": part.code,
            "label": str(part.label),
            "value": fmt.plain(part.value),
            "qualifier": q,
            "display": fmt.with_qualifier(part.value, q),
            "unit": part.code or None,
        }

    def sections(self) -> tuple[list[dict], dict[str, dict]]:
        sections, figures = [], {}
        for section in SECTIONS:
            wanted = [i for i in in_section(section.code) if not self.codes or i.code in self.codes]
            if not wanted:
                continue
            found = [self.figure(i.code) for i in wanted]
            figures.update({f["indicator"]: f for f in found})
            sections.append({"code": section.code, "title": str(section.title), "figures": found})
        return sections, figures

    def rules(self, figures: dict[str, dict]) -> list[dict]:
        code = self.unit.code if self.unit else ""
        broken = validation.reported_partitions(self.book.overlapping(self.start, self.end))
        for figure in figures.values():
            broken += validation.computed_partitions(figure, code)
        broken += validation.subsets(figures, code)
        if "schemes.active" in figures:
            ever, _v = combine("schemes.established", self.scope, EVER, self.end, self.book)
            broken += validation.established(figures["schemes.active"], ever.value, code)
        for verdicts in self.verdicts.values():
            for v in verdicts:
                if v.used:
                    broken += validation.agreement(v.figure, v.covered)
        return [b.as_dict() for b in broken]

    def sources(self) -> list[dict]:
        found = []
        near = {f.pk for f in self.book.overlapping(self.start, self.end)}
        for verdicts in self.verdicts.values():
            for v in verdicts:
                if v.used or v.figure.pk in near:  # not figures of other periods
                    found.append(_source(v.figure, v.used, v.reason))
        used_ids = {s["id"] for s in found}
        for f in self.book.parts():  # parts of breakdowns: shown, checked, not summed
            if f.pk not in used_ids and f.pk in near and f.indicator in CATALOGUE:
                found.append(_source(f, False, _("a part of a breakdown, checked not summed")))
        found.sort(key=lambda s: (s["indicator"], s["period"]["end"], s["id"]))
        return found

    def trends(self) -> dict:
        months = _months(self.start, self.end)
        series = []
        for code in TRENDS:
            counts = _monthly(code, self.scope, self.start, self.end)
            series.append(
                {
                    "indicator": code,
                    "label": str(CATALOGUE[code].label),
                    "values": [counts.get(m, 0) for m in months],
                }
            )
        return {"months": months, "series": series}

    def replication(self, active: dict | None) -> dict:
        points = self.scope.apply(Scheme.objects.all(), "unit")
        years = list(range(self.start.year, self.end.year + 1))
        yearly = [
            sq.active_on(points, min(dt.date(y, 12, 31), self.end)).values("pk").count()
            for y in years
        ]
        breakdowns = active["breakdowns"] if active else []
        by_type = next((b for b in breakdowns if b["by"] == "type"), None)
        rows = by_type["rows"] if by_type else []
        types = [
            {"code": r["key"], "label": r["label"], "points": r["value"]}
            for r in sorted(rows, key=lambda r: -r["value"])
            if r["key"] not in (None, "reported")
        ]
        return {"years": years, "active": yearly, "types": types}

    def map_points(self) -> dict:
        qs = sq.active_on(self.scope.apply(Scheme.objects.all(), "unit"), self.end).filter(
            latitude__isnull=False, longitude__isnull=False
        )
        rows = list(
            qs.order_by("pk").values_list(
                "latitude", "longitude", "name", "scheme_type__name", "unit__code"
            )[: MAP_POINTS + 1]
        )
        points = [
            {"lat": float(lat), "lng": float(lng), "name": n, "type": t, "unit": u}
            for lat, lng, n, t, u in rows[:MAP_POINTS]
        ]
        return {"points": points, "points_truncated": len(rows) > MAP_POINTS}

    def province(self) -> dict | None:
        if self.unit is None:
            return None
        if self.unit.level == Level.PROVINCE:
            return {"code": self.unit.code, "name": self.unit.name}
        answer = geo_queries.place(self.unit, self.scope.structure, Level.PROVINCE)
        target = answer.target
        return {"code": target.code, "name": target.name} if target else None

    def build(self, kind: str = ReviewKind.REVIEW, issue: IssuedReport | None = None) -> dict:
        sections, figures = self.sections()
        sublevel = self.scope.sublevel()
        return {
            "format": FORMAT,
            "language": fmt.locale(),
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
            "kind": kind,
            "title": _title(kind),
            "unit": _unit_json(self.unit),
            "province": self.province(),
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "previous_period": {"start": self.prev[0].isoformat(), "end": self.prev[1].isoformat()},
            "structure": {
                "asked": self.scope.structure.isoformat(),
                "date": self.scope.structure_date.isoformat()
                if self.scope.structure_date
                else None,
            },
            "sublevel": sublevel,
            "sublevel_label": str(Level(sublevel).label) if sublevel else "",
            "issue": _issue_json(issue),
            "headline": list(HEADLINE),
            "sections": sections,
            "trends": self.trends(),
            "replication": self.replication(figures.get("schemes.active")),
            "map": self.map_points(),
            "rules": self.rules(figures),
            "sources": self.sources(),
        }


def build_review(
    unit: AdminUnit | None,
    start: dt.date,
    end: dt.date,
    structure_on: dt.date | None = None,
    user=None,
    kind: str = ReviewKind.REVIEW,
    previous: tuple[dt.date, dt.date] | None = None,
    codes=None,
) -> dict:
    """The review of `unit` (None: the whole country) over [start, end] under the
    structure of `structure_on` (default today), within what `user` may see."""
    return ReviewBuilder(unit, start, end, structure_on, user, previous, codes).build(kind)


def _title(kind: str) -> str:
    if kind == ReviewKind.INTERIM:
        return _("Interim review of the movement All people protect national security")
    if kind == ReviewKind.FINAL:
        return _("Final review of the movement All people protect national security")
    return _("Results of the movement All people protect national security")


def _issue_json(issue: IssuedReport | None) -> dict | None:
    if issue is None:
        return None
    return {
        "number": issue.number,
        "year": issue.year,
        "issuer_code": issue.issuer_code,
        "issued_on": issue.issued_on.isoformat(),
    }


def _source(f, used: bool, reason: str) -> dict:
    indicator = CATALOGUE.get(f.indicator)
    return {
        "id": f.pk,
        "indicator": f.indicator,
        "indicator_label": str(indicator.label) if indicator else f.indicator,
        "unit": {"code": f.unit.code, "name": f.unit.name},
        "period": {"start": f.period_start.isoformat(), "end": f.period_end.isoformat()},
        "value": fmt.plain(f.value),
        "qualifier": f.qualifier,
        "display": fmt.with_qualifier(f.value, f.qualifier),
        "breakdown": f.breakdown,
        "source_document": f.source_document,
        "used": used,
        "reason": str(reason),
    }


def _months(start: dt.date, end: dt.date) -> list[str]:
    months, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _monthly(code: str, scope, start, end) -> dict[str, int]:
    """Records only (reported figures have no months); whole months from the tally."""
    return tallies.monthly(code, scope, start, end, _monthly_records)


def _monthly_records(code: str, scope, start, end) -> dict[str, int]:
    if code.startswith("tips."):
        qs = tq.tips_received_records(scope, start, end, actionable=code == "tips.actionable")
        field_name = "received_at"
    elif code == "cases.solved":
        qs, _f = tq.case_figure_records("solved", scope, start, end)
        field_name = "closed_on"
    else:
        qs = sq.between(scope.apply(Scheme.objects.all(), "unit"), "established_on", start, end)
        field_name = "established_on"
    grouped = (
        qs.order_by()
        .annotate(month=TruncMonth(field_name))
        .values("month")
        .annotate(n=Count("pk", distinct=True))
        .values_list("month", "n")
    )
    return {f"{m.year:04d}-{m.month:02d}": n for m, n in grouped if m is not None}
