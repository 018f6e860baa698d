"""A small province of our own for the engine tests: Nghệ An (code 40, as in the public
worked example) with two communes and a residential area each, from 2020."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from binhyen.core.audit import audit_context
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.geo.services.imports import UnitRow, import_structure
from binhyen.reports.models import ReportedFigure

FROM = dt.date(2010, 1, 1)


@dataclass
class Province:
    province: AdminUnit
    communes: list[AdminUnit]
    areas: list[AdminUnit]


@pytest.fixture
def nghe_an(db) -> Province:
    rows = [
        UnitRow(1, "40", "Tỉnh Nghệ An", "Tỉnh", Level.PROVINCE),
        UnitRow(2, "40001", "Xã Hưng Đông", "Xã", Level.COMMUNE, "40"),
        UnitRow(3, "40002", "Phường Vinh Tân", "Phường", Level.COMMUNE, "40"),
        UnitRow(4, "4000101", "Xóm 1", "Xóm", Level.RESIDENTIAL_AREA, "40001"),
        UnitRow(5, "4000201", "Khối 1", "Khối", Level.RESIDENTIAL_AREA, "40002"),
    ]
    with audit_context(source="test"):
        import_structure(rows, FROM, files=("test", ""))

    def unit(code):
        return AdminUnit.objects.get(code=code)

    return Province(unit("40"), [unit("40001"), unit("40002")], [unit("4000101"), unit("4000201")])


def reported(indicator, unit, start, end, value, qualifier="exact", breakdown="", doc="BC 1"):
    return ReportedFigure.objects.create(
        indicator=indicator,
        unit=unit,
        period_start=start,
        period_end=end,
        value=value,
        qualifier=qualifier,
        breakdown=breakdown,
        source_document=doc,
    )
