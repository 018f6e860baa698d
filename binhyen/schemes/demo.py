"""The demo province's registry, built through the same services as real data.

Points, organisations, groups with households and members, committees, boards and
security teams of the fictional province 99 and of the communes merged into it, from
2020 to today, across the 2025 merger: old communes' committees and teams end on 30 Jun
2025 and new ones start, points keep their residential area (whose identity continues),
a few points are suspended, reactivated or dissolved, graded every year. Deterministic
(fixed seed); does nothing if the registry already has points.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit

from . import services
from .choices import (
    EventKind,
    Grade,
    GroupKind,
    HostKind,
    MemberRole,
    RecognitionKind,
    ReligiousKind,
    SchoolLevel,
    SizeClass,
)
from .models import Scheme, SchemeType, SelfManagementBoard, SteeringCommittee

REFORM = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Hữu", "Kim")
GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Lan", "Linh", "Long",
    "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến",
)  # fmt: skip
GRADES = [Grade.GOOD] * 5 + [Grade.FAIR] * 3 + [Grade.AVERAGE, Grade.WEAK]


class _Demo:
    def __init__(self, seed: int, today: dt.date, households: tuple[int, int]):
        self.rng = random.Random(seed)
        self.today = today
        self.households = households
        self.types = {t.code: t for t in SchemeType.objects.all()}
        self.points = 0

    def person(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def phone(self) -> str:
        return "09" + "".join(self.rng.choice("0123456789") for _ in range(8))

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def position(self) -> tuple[Decimal, Decimal]:
        lat = Decimal("21.0") + Decimal(self.rng.randint(0, 40000)) / 100000
        lon = Decimal("105.5") + Decimal(self.rng.randint(0, 50000)) / 100000
        return lat, lon

    # ---- records ---------------------------------------------------------------------

    def point(self, code: str, name: str, established: dt.date, **host) -> Scheme:
        scheme_type = self.types[code]
        extra = {}
        if code in ("camera-an-ninh", "keng-an-ninh"):
            extra["latitude"], extra["longitude"] = self.position()
        decision_date = established - dt.timedelta(days=self.rng.randint(0, 20))
        scheme = services.establish_scheme(
            scheme_type=scheme_type,
            name=name,
            established_on=established,
            decision_number=f"{self.rng.randint(10, 250)}/QĐ-UBND",
            decision_date=decision_date,
            decision_signer="Chủ tịch UBND xã",
            leader_name=self.person(),
            leader_phone=self.phone(),
            **host,
            **extra,
        )
        self.points += 1
        self.life(scheme)
        self.grade(scheme)
        return scheme

    def life(self, scheme: Scheme) -> None:
        roll = self.rng.random()
        start = scheme.established_on + dt.timedelta(days=200)
        if start >= self.today:
            return
        if roll < 0.08:
            paused = self.day(start, self.today)
            services.record_event(
                scheme, EventKind.SUSPENDED, paused, "Tổ trưởng chuyển công tác, chưa kiện toàn"
            )
            back = paused + dt.timedelta(days=self.rng.randint(60, 300))
            if back < self.today and self.rng.random() < 0.7:
                services.record_event(scheme, EventKind.REACTIVATED, back, "Đã kiện toàn tổ")
        elif roll < 0.13:
            services.record_event(
                scheme,
                EventKind.DISSOLVED,
                self.day(start, self.today),
                "Hoạt động không hiệu quả, nhập vào mô hình khác",
            )

    def grade(self, scheme: Scheme) -> None:
        parts = list(scheme.scheme_type.components.all())
        last_year = (scheme.dissolved_on or self.today).year
        for year in range(max(scheme.established_on.year, 2021), min(last_year, 2025) + 1):
            if parts:
                components = {p.code: self.rng.choice(GRADES) for p in parts}
                services.grade_scheme(scheme, year, components=components)
            else:
                services.grade_scheme(scheme, year, self.rng.choice(GRADES))
            if self.rng.random() < 0.06:
                services.recognize_scheme(
                    scheme,
                    year,
                    RecognitionKind.EXEMPLAR,
                    f"{self.rng.randint(100, 900)}/QĐ-CAT",
                    dt.date(year, 12, 15),
                    "Giám đốc Công an tỉnh",
                )
        if self.rng.random() < 0.03 and scheme.established_on.year <= 2023:
            services.recognize_scheme(
                scheme,
                2023,
                RecognitionKind.MINISTRY_COMMENDATION,
                f"{self.rng.randint(1000, 9000)}/QĐ-BCA",
                dt.date(2023, 8, 19),
                "Bộ trưởng Bộ Công an",
            )

    def organizations(self, commune: AdminUnit, areas: list[AdminUnit]):
        area = self.rng.choice(areas) if areas else None
        short = commune.name.split(" ", 1)[-1]
        clan = f"Dòng họ {self.rng.choice(FAMILY)} {area.name if area else short}"
        specs = [
            (HostKind.SCHOOL, f"Trường THCS {short}",
             {"school_level": SchoolLevel.LOWER_SECONDARY}),
            (HostKind.ENTERPRISE, f"Công ty TNHH {self.rng.choice(GIVEN)} {short}",
             {"size_class": self.rng.choice([SizeClass.MEDIUM, SizeClass.LARGE])}),
            (HostKind.AGENCY, f"UBND {commune.name}", {}),
            (HostKind.CLAN, clan, {}),
            (HostKind.MASS_ORGANISATION, f"Hội Cựu chiến binh {commune.name}", {}),
        ]  # fmt: skip
        if self.rng.random() < 0.4:
            specs.append(
                (HostKind.RELIGIOUS, f"Giáo xứ {short}", {"religious_kind": ReligiousKind.PARISH})
            )
        made = []
        for kind, name, extra in specs:
            made.append(
                services.save_organization(
                    None,
                    kind=kind,
                    name=name,
                    commune=commune,
                    residential_area=area if kind in (HostKind.CLAN, HostKind.RELIGIOUS) else None,
                    established_on=dt.date(2005, 1, 1),
                    **extra,
                )
            )
        return made

    def groups(self, scheme: Scheme, area: AdminUnit) -> None:
        for n in range(1, self.rng.randint(2, 4) + 1):
            group = services.create_group(
                residential_area=area,
                name=f"Tổ liên gia số {n} – {area.name}",
                established_on=scheme.established_on,
                kind=GroupKind.INTER_HOUSEHOLD,
                scheme=scheme,
            )
            households = []
            for _k in range(self.rng.randint(*self.households)):
                household = services.create_household(
                    residential_area=area,
                    head_name=self.person(),
                    address=f"Số {self.rng.randint(1, 300)}, {area.name}",
                    people=self.rng.randint(1, 7),
                )
                joined = self.day(group.established_on, self.today - dt.timedelta(days=30))
                services.join_group(group, household, joined)
                households.append((household, joined))
            for role, (household, joined) in zip(
                [MemberRole.LEADER, MemberRole.DEPUTY, MemberRole.MEMBER], households, strict=False
            ):
                services.add_member(
                    group,
                    full_name=household.head_name,
                    role=role,
                    phone=self.phone(),
                    household=household,
                    joined_on=joined,
                )

    def team(self, commune: AdminUnit, areas: list[AdminUnit], formed: dt.date, end=None):
        team = services.form_security_team(
            commune=commune,
            name=f"Tổ bảo vệ ANTT {commune.name}",
            decision_number=f"{self.rng.randint(10, 99)}/QĐ-UBND",
            decision_date=formed - dt.timedelta(days=5),
            signer="Chủ tịch UBND xã",
            formed_on=formed,
            areas=areas[:4],
        )
        for i in range(self.rng.randint(3, 5)):
            role = MemberRole.LEADER if i == 0 else MemberRole.MEMBER
            services.appoint_team_member(
                team, full_name=self.person(), role=role, phone=self.phone(), appointed_on=formed
            )
        if end is not None:
            services.dissolve_security_team(team, end)


def _areas_of(commune: AdminUnit, on: dt.date) -> list[AdminUnit]:
    return list(
        AdminUnit.objects.filter(
            level=Level.RESIDENTIAL_AREA,
            versions__parent=commune,
            versions__valid_from__lte=on,
        )
        .distinct()
        .order_by("code")
    )


@transaction.atomic
def load_registry(
    seed: int = 2025, today: dt.date | None = None, households: tuple[int, int] = (8, 14)
) -> dict[str, int]:
    """Build the demo registry on the demo geography (portal.demo.load_demo first)."""
    if Scheme.objects.exists():
        return {"points": Scheme.objects.count(), "created": 0}
    today = today or dt.date.today()
    demo = _Demo(seed, today, households)
    old_communes = AdminUnit.objects.filter(
        level=Level.COMMUNE, code__startswith="9", valid_to=LAST_OLD_DAY
    ).order_by("code")
    new_communes = AdminUnit.objects.filter(
        level=Level.COMMUNE, code__startswith="9", valid_to__isnull=True
    ).order_by("code")
    for commune in old_communes:
        areas = _areas_of(commune, dt.date(2020, 1, 1))
        committee = services.create_body(
            SteeringCommittee,
            unit=commune,
            name=f"Ban chỉ đạo phong trào {commune.name}",
            established_on=dt.date(2020, 3, 1),
            head_name=demo.person(),
        )
        services.dissolve_body(committee, REFORM)
        demo.team(commune, areas, dt.date(2024, 7, 1), end=REFORM)
        if demo.rng.random() < 0.5:
            demo.point(
                "keng-an-ninh",
                f"Tiếng kẻng bình yên {commune.name}",
                demo.day(dt.date(2020, 6, 1), dt.date(2024, 12, 31)),
                host_kind=HostKind.COMMUNE,
                unit=commune,
            )
        for area in areas:
            services.create_body(
                SelfManagementBoard,
                unit=area,
                name=f"Ban tự quản {area.name}",
                established_on=dt.date(2020, 3, 1),
                head_name=demo.person(),
            )
            if demo.rng.random() < 0.65:
                founded = demo.day(dt.date(2020, 3, 1), dt.date(2024, 6, 30))
                point = demo.point(
                    "to-lien-gia-tu-quan",
                    f"Tổ liên gia tự quản {area.name}",
                    founded,
                    host_kind=HostKind.RESIDENTIAL_AREA,
                    unit=area,
                )
                if point.status != "dissolved":
                    demo.groups(point, area)
            for code in ("camera-an-ninh", "khong-toi-pham", "lien-gia-pccc", "to-hoa-giai"):
                if demo.rng.random() < 0.3:
                    demo.point(
                        code,
                        f"{demo.types[code].name} {area.name}",
                        demo.day(dt.date(2020, 1, 1), demo.today - dt.timedelta(days=10)),
                        host_kind=HostKind.RESIDENTIAL_AREA,
                        unit=area,
                    )
            if commune.border_area and demo.rng.random() < 0.6:
                demo.point(
                    "khong-ma-tuy",
                    f"Thôn không ma túy {area.name}",
                    demo.day(dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
                    host_kind=HostKind.RESIDENTIAL_AREA,
                    unit=area,
                )
    for commune in new_communes:
        areas = _areas_of(commune, REFORM)
        services.create_body(
            SteeringCommittee,
            unit=commune,
            name=f"Ban chỉ đạo phong trào {commune.name}",
            established_on=dt.date(2025, 7, 15),
            head_name=demo.person(),
        )
        demo.team(commune, areas, dt.date(2025, 8, 1))
        for org in demo.organizations(commune, areas):
            code = {
                HostKind.SCHOOL: "4-an-toan",
                HostKind.ENTERPRISE: "4-an-toan",
                HostKind.AGENCY: "4-an-toan",
                HostKind.CLAN: "dong-ho-tu-quan",
                HostKind.MASS_ORGANISATION: "cuu-chien-binh",
                HostKind.RELIGIOUS: "giao-xu-binh-yen",
            }[org.kind]
            demo.point(
                code,
                f"{demo.types[code].name} – {org.name}",
                demo.day(REFORM, demo.today - dt.timedelta(days=10)),
                host_kind=org.kind,
                organization=org,
            )
    return {"points": demo.points, "created": demo.points}
