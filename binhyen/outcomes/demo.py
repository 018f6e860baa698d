"""The demo province's outcome registers, built through the same services as real data.

Every register is filled for the communes of the fictional provinces 98 and 99 from 2021
to the 2025 merger (records of the old communes), then for the merged communes of 99
until today: records sit in a residential area or at the commune, some attributed to a
scheme point of their unit active on their date; managed persons are taken in, exit,
and some are taken in again after the merger (one person, several intakes). Deterministic
(fixed seed); does nothing if any register already has records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes.demo import FAMILY, GIVEN, MIDDLE
from binhyen.schemes.models import Group, Scheme

from . import services
from .choices import (
    Country,
    ExitReason,
    MediationKind,
    MediationResult,
    Nationality,
    Sex,
    SupervisionKind,
    WeaponKind,
)
from .registers import LEDGERS, MODELS

START = dt.date(2021, 1, 1)
REFORM = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
TOPICS = (
    "Phòng, chống ma túy trong thanh thiếu niên",
    "Phòng, chống lừa đảo qua mạng",
    "Luật Cư trú và đăng ký tạm trú",
    "An toàn giao thông, không uống rượu bia khi lái xe",
    "Giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ",
    "Phòng cháy, chữa cháy trong khu dân cư",
)
PLEDGES = (
    "Không vi phạm pháp luật về ma túy",
    "Không tàng trữ, sử dụng pháo nổ",
    "Giữ gìn an ninh trật tự khu dân cư",
    "Không sử dụng vũ khí, vật liệu nổ trái phép",
)
WEAPON_RANGES = {
    WeaponKind.MILITARY_GUN: (1, 2),
    WeaponKind.HUNTING_GUN: (1, 3),
    WeaponKind.HOMEMADE_GUN: (1, 4),
    WeaponKind.PRIMITIVE_WEAPON: (1, 12),
    WeaponKind.DETONATORS: (1, 40),
    WeaponKind.AMMUNITION: (5, 250),
    WeaponKind.SUPPORT_TOOLS: (1, 10),
}


class _Demo:
    def __init__(self, seed: int, today: dt.date):
        self.rng = random.Random(seed + 7)
        self.today = today
        self.points: dict[int, list[Scheme]] = defaultdict(list)
        for point in Scheme.objects.select_related("unit"):
            self.points[point.unit_id].append(point)
        self.groups: dict[int, list[Group]] = defaultdict(list)
        for group in Group.objects.all():
            self.groups[group.residential_area_id].append(group)
        self.count = 0
        self.people: list[services.Identity] = []

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def person(self) -> services.Identity:
        r = self.rng
        name = f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"
        number = "0" + "".join(r.choice("0123456789") for _i in range(11))
        return services.Identity(name, r.randint(1965, 2006), number if r.random() < 0.7 else "")

    def point_of(self, unit: AdminUnit, on: dt.date, chance: float = 0.4) -> Scheme | None:
        if self.rng.random() >= chance:
            return None
        fitting = [
            p
            for p in self.points.get(unit.pk, ())
            if p.established_on <= on and (p.dissolved_on is None or p.dissolved_on > on)
        ]
        return self.rng.choice(fitting) if fitting else None

    def place(self, commune: AdminUnit, areas: list[AdminUnit]) -> AdminUnit:
        return self.rng.choice(areas) if areas and self.rng.random() < 0.75 else commune

    def record(self, slug: str, commune, areas, on: dt.date, **values) -> None:
        unit = self.place(commune, areas)
        services.save_record(
            LEDGERS[slug], date=on, unit=unit, scheme=self.point_of(unit, on), **values
        )
        self.count += 1

    def times(self, low: int, high: int, years: float) -> int:
        return round(self.rng.randint(low, high) * years)

    # ---- the ledgers of one commune over an interval --------------------------------
    def ledgers(self, commune: AdminUnit, areas: list[AdminUnit], start: dt.date, end: dt.date):
        r = self.rng
        years = max((end - start).days, 1) / 365
        for _i in range(self.times(1, 4, years)):
            kind = r.choice([*WEAPON_RANGES, WeaponKind.EXPLOSIVES])
            if kind == WeaponKind.EXPLOSIVES:
                quantity = Decimal(r.randint(2, 60)) / 10
            else:
                quantity = Decimal(r.randint(*WEAPON_RANGES[kind]))
            self.record(
                "weapons", commune, areas, self.day(start, end), kind=kind, quantity=quantity
            )
        for _i in range(self.times(0, 3, years)):
            sex = Sex.FEMALE if r.random() < 0.45 else Sex.MALE
            origin = r.choice([Country.CN, Country.CN, Country.LA, Country.KH, Country.OTHER])
            self.record(
                "returned-emigrants", commune, areas, self.day(start, end), sex=sex,
                returned_from=origin,
            )  # fmt: skip
        for _i in range(self.times(2, 5, years)):
            self.record(
                "registration-violations",
                commune,
                areas,
                self.day(start, end),
                cases=r.randint(1, 8),
            )
        if commune.border_area or r.random() < 0.3:
            for _i in range(self.times(0, 2, years)):
                nationality = r.choice([Nationality.CN, Nationality.LA, Nationality.KH])
                self.record(
                    "illegal-entries", commune, areas, self.day(start, end),
                    nationality=nationality, people=r.randint(1, 6),
                )  # fmt: skip
        for _i in range(self.times(2, 6, years)):
            result = r.choices(list(MediationResult), weights=[16, 3, 1])[0]
            self.record(
                "mediations", commune, areas, self.day(start, end),
                kind=r.choice(list(MediationKind)), result=result,
            )  # fmt: skip
        for _i in range(self.times(2, 6, years)):
            self.record(
                "outreach-sessions", commune, areas, self.day(start, end),
                topic=r.choice(TOPICS), attendees=r.randint(30, 300),
            )  # fmt: skip
        for _i in range(self.times(1, 2, years)):
            self.record(
                "pledges", commune, areas, self.day(start, end),
                subject=r.choice(PLEDGES), households=r.randint(40, 600),
            )  # fmt: skip
        for _i in range(self.times(3, 4, years)):
            self.record(
                "patrols", commune, areas, self.day(start, end),
                patrols=r.randint(8, 40), people=r.randint(30, 200),
            )  # fmt: skip

    # ---- managed persons ---------------------------------------------------------------
    def intake(self, commune, areas, start: dt.date, end: dt.date, identity=None):
        """One intake in the interval, exited (or not yet) by `end`."""
        r = self.rng
        if (end - start).days < 30:
            return
        identity = identity or self.person()
        unit = self.place(commune, areas)
        on = self.day(start, end - dt.timedelta(days=20))
        group = None
        if unit.level == Level.RESIDENTIAL_AREA and r.random() < 0.5:
            fitting = [
                g
                for g in self.groups.get(unit.pk, ())
                if g.established_on <= on and (g.dissolved_on is None or g.dissolved_on > on)
            ]
            group = r.choice(fitting) if fitting else None
        kind = r.choice(list(SupervisionKind))
        exit_on = on + dt.timedelta(days=r.randint(180, 720))
        values = {}
        if exit_on <= end:
            reason = r.choices(
                [
                    ExitReason.COMPLETED,
                    ExitReason.MOVED,
                    ExitReason.RELAPSED,
                    ExitReason.REOFFENDED,
                ],
                weights=[14, 2, 2, 1],
            )[0]
            values = {"exit_on": exit_on, "exit_reason": reason}
        period = services.take_in(
            identity=identity,
            kind=kind,
            intake_on=on,
            unit=unit,
            group=group,
            scheme=None if group else self.point_of(unit, on, 0.3),
        )
        if values or r.random() < 0.12:
            services.update_period(period, exemplary=r.random() < 0.12, **values)
        self.people.append(identity)
        self.count += 1

    def managed(self, commune, areas, start: dt.date, end: dt.date) -> None:
        for _i in range(self.rng.randint(2, 5)):
            self.intake(commune, areas, start, end)


def _areas_of(commune: AdminUnit, on: dt.date) -> list[AdminUnit]:
    return [v.unit for v in geo_queries.children_on(commune, on)]


@transaction.atomic
def load_outcomes(seed: int = 2025, today: dt.date | None = None) -> dict[str, int]:
    """Fill every register for the demo provinces (portal.demo.load_demo first; the
    schemes demo, if loaded, gives the points records are attributed to)."""
    if any(model.objects.exists() for model in MODELS.values()):
        return {"records": 0}
    today = today or geo_queries.today()
    demo = _Demo(seed, today)
    old_communes = AdminUnit.objects.filter(
        level=Level.COMMUNE, code__startswith="9", valid_to=LAST_OLD_DAY
    ).order_by("code")
    for commune in old_communes:
        areas = _areas_of(commune, START)
        end = min(LAST_OLD_DAY, today)
        demo.ledgers(commune, areas, START, end)
        demo.managed(commune, areas, START, end)
    if today >= REFORM:
        new_communes = AdminUnit.objects.filter(
            level=Level.COMMUNE, code__startswith="9", valid_to__isnull=True
        ).order_by("code")
        earlier = list(demo.people)
        for commune in new_communes:
            areas = _areas_of(commune, REFORM)
            demo.ledgers(commune, areas, REFORM, today)
            demo.managed(commune, areas, REFORM, today)
            # people of the old communes taken in again after the merger
            for identity in demo.rng.sample(earlier, min(2, len(earlier))):
                try:
                    demo.intake(commune, areas, REFORM, today, identity)
                except ValidationError:  # still under that supervision: no second intake
                    continue
    return {"records": demo.count}
