"""A realistic, fictional demo province, built through the same services as real data.

Two fictional provinces (codes 98 and 99, which no official unit uses) with districts,
communes and residential areas from 2020; on 1 Jul 2025 districts are abolished,
province 98 merges into 99 and communes merge in groups (one is split), as in the real
reform. Deterministic (fixed seed) and idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from binhyen.accounts.choices import Role
from binhyen.accounts.models import User
from binhyen.accounts.services import create_user, grant_role
from binhyen.geo.choices import Level, NewRuralStatus
from binhyen.geo.models import AdminUnit
from binhyen.geo.services import (
    LineageRow,
    UnitRow,
    import_structure,
    set_new_rural_status,
    update_unit_attributes,
)

BEFORE = dt.date(2020, 1, 1)
REFORM = dt.date(2025, 7, 1)
DEMO_PASSWORD = "binhyen-demo"
SEED = 2025

_SYLLABLES = (
    "An", "Bình", "Hòa", "Lạc", "Minh", "Phú", "Tân", "Thạnh", "Hưng", "Phước", "Long",
    "Sơn", "Thủy", "Vân", "Đức", "Nghĩa", "Trung", "Hiệp", "Thái", "Thịnh", "Khánh", "Lộc",
    "Hải", "Quang", "Mỹ", "Xuân", "Đông", "Tây", "Nam", "Bắc", "Cát", "Ngọc", "Lam", "Hà",
    "Yên",
)  # fmt: skip


@dataclass
class DemoUser:
    username: str
    full_name: str
    role: str
    unit: tuple[str, str] | None  # (level, code) under the 2025 structure


DEMO_USERS = [
    DemoUser("admin", "Quản trị hệ thống (demo)", Role.SYSTEM_ADMIN, None),
    DemoUser("pv05", "Cán bộ Phòng PV05 (demo)", Role.PROVINCIAL_OFFICER, (Level.PROVINCE, "99")),
    DemoUser("congan.xa", "Cán bộ Công an xã (demo)", Role.COMMUNE_OFFICER, (Level.COMMUNE, "")),
    DemoUser("truong.ca", "Trưởng Công an xã (demo)", Role.UNIT_CHIEF, (Level.COMMUNE, "")),
    DemoUser(
        "totruong", "Tổ trưởng tổ tự quản (demo)", Role.GROUP_LEADER, (Level.RESIDENTIAL_AREA, "")
    ),
    DemoUser("lanhdao", "Lãnh đạo tỉnh (demo)", Role.VIEWER, (Level.PROVINCE, "99")),
    DemoUser("kiemtra", "Thanh tra, kiểm tra (demo)", Role.AUDITOR, (Level.PROVINCE, "99")),
]


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def new(self) -> str:
        while True:
            name = " ".join(self.rng.sample(_SYLLABLES, 2))
            if name not in self.used:
                self.used.add(name)
                return name


def build_structures(seed: int = SEED):
    """Rows of the 2020 and 2025 structures, and the 2025 commune lineage."""
    rng = random.Random(seed)
    names = _Names(rng)
    old: list[UnitRow] = []
    line = 0

    def row(code, name, type_word, level, parent=""):
        nonlocal line
        line += 1
        return UnitRow(line, code, f"{type_word} {name}", type_word, level, parent)

    provinces = [("98", "Ngọc Sơn (mô phỏng)"), ("99", "An Lạc (mô phỏng)")]
    communes_by_province: dict[str, list[UnitRow]] = {}
    villages_of: dict[str, list[UnitRow]] = {}
    for pcode, pname in provinces:
        old.append(row(pcode, pname, "Tỉnh", Level.PROVINCE))
        communes_by_province[pcode] = []
        for d in range(1, 4 if pcode == "99" else 3):
            dcode = f"{pcode}{d}"
            dtype = "Thành phố" if d == 1 else "Huyện"
            old.append(row(dcode, names.new(), dtype, Level.DISTRICT, pcode))
            for c in range(1, rng.randint(5, 7)):
                ccode = f"{dcode}{c:02d}"
                ctype = "Phường" if d == 1 else ("Thị trấn" if c == 1 else "Xã")
                commune = row(ccode, names.new(), ctype, Level.COMMUNE, dcode)
                old.append(commune)
                communes_by_province[pcode].append(commune)
                villages_of[ccode] = []
                for v in range(1, rng.randint(4, 8)):
                    vtype = (
                        "Tổ dân phố" if ctype == "Phường" else rng.choice(["Thôn", "Xóm", "Bản"])
                    )
                    village = row(
                        f"{ccode}{v:02d}",
                        f"{v}" if vtype == "Tổ dân phố" else names.new(),
                        vtype,
                        Level.RESIDENTIAL_AREA,
                        ccode,
                    )
                    old.append(village)
                    villages_of[ccode].append(village)

    # 2025: one province, no districts, communes merged in groups of 2 to 4 (code reused)
    line = 0
    new: list[UnitRow] = [row("99", "An Lạc (mô phỏng)", "Tỉnh", Level.PROVINCE)]
    lineage: list[LineageRow] = []
    olds = communes_by_province["99"] + communes_by_province["98"]
    groups: list[list[UnitRow]] = []
    i = 0
    while i < len(olds):
        size = min(rng.randint(2, 4), len(olds) - i)
        groups.append(olds[i : i + size])
        i += size
    split = groups[1][-1]  # one old commune divided between two new communes
    groups[2].append(split)
    new_commune_of_village: dict[str, str] = {}
    for group in groups:
        first = group[0]
        ctype = "Phường" if first.type_word == "Phường" else "Xã"
        new_code = first.code
        new.append(row(new_code, names.new(), ctype, Level.COMMUNE, "99"))
        for member in group:
            lineage.append(LineageRow(len(lineage) + 2, member.code, new_code))
            for k, village in enumerate(villages_of[member.code]):
                if member is split and (k % 2 == 1) != (group is groups[2]):
                    continue  # the split commune's villages go half to each successor
                new_commune_of_village[village.code] = new_code
    for villages in villages_of.values():
        for village in villages:
            new.append(
                UnitRow(
                    0,
                    village.code,
                    village.name,
                    village.type_word,
                    Level.RESIDENTIAL_AREA,
                    new_commune_of_village[village.code],
                )
            )
    return old, new, lineage


@transaction.atomic
def load_demo(seed: int = SEED) -> dict[str, object]:
    old, new, lineage = build_structures(seed)
    first = import_structure(old, BEFORE, files=("demo-2020", ""), decision="Dữ liệu mô phỏng")
    second = import_structure(
        new, REFORM, lineage, files=("demo-2025", "demo-lineage"), decision="Dữ liệu mô phỏng"
    )
    rng = random.Random(seed + 1)
    communes = list(
        AdminUnit.objects.filter(level=Level.COMMUNE, code__startswith="9").order_by(
            "code", "valid_from"
        )
    )
    for commune in communes:
        if rng.random() < 0.25:
            update_unit_attributes(commune, ethnic_minority_area=True)
        if rng.random() < 0.15:
            update_unit_attributes(commune, border_area=True, religious_area=rng.random() < 0.5)
        for year in range(2021, 2025 if commune.valid_to else 2027):
            if commune.in_force_on(dt.date(year, 12, 31)) and rng.random() < 0.3:
                status = rng.choice(list(NewRuralStatus.values))
                set_new_rural_status(commune, year, status)
    users = ensure_demo_users()
    return {"structures": (first, second), "users": users}


def _demo_unit(level: str, code: str) -> AdminUnit:
    qs = AdminUnit.objects.filter(level=level, valid_to__isnull=True)
    if code:
        return qs.get(code=code)
    return qs.filter(code__startswith="99").order_by("code").first()


def ensure_demo_users() -> list[User]:
    users = []
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = create_user(spec.username, DEMO_PASSWORD, full_name=spec.full_name)
        unit = _demo_unit(*spec.unit) if spec.unit else None
        grant_role(user, spec.role, unit)
        users.append(user)
    return users
