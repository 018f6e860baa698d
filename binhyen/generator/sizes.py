"""How much the generator writes. National figures are sized from the real ones (issue
7): about 100,000 residential areas, 2,500 scheme types, 125,000 scheme points, 500,000
self-management groups with 12 million households, 1 million tips over five years with
200,000 cases, 2 million outcome entries. A province is a fortieth of the country;
`factor` scales the records (not the geography) for the growth benchmark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

START = dt.date(2021, 1, 1)  # records spread over 2021 – mid-2026, across the merger
END = dt.date(2026, 6, 30)
BEFORE = dt.date(2020, 1, 1)  # the 2024 structure is in force from here
REFORM = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class Size:
    scale: str
    residential_areas: int = 100_000
    scheme_types: int = 2_500
    scheme_points: int = 125_000
    groups: int = 500_000
    households_per_group: int = 24
    organizations: int = 40_000
    tips: int = 1_000_000
    cases: int = 200_000
    outcomes: int = 2_000_000
    nominations_per_year: int = 8_000

    @property
    def households(self) -> int:
        return self.groups * self.households_per_group

    def scaled(self, factor: float) -> Size:
        """Records × factor on the same geography (residential areas and types stay)."""

        def f(n: int) -> int:
            return max(1, round(n * factor))

        return replace(
            self,
            scheme_points=f(self.scheme_points),
            groups=f(self.groups),
            organizations=f(self.organizations),
            tips=f(self.tips),
            cases=f(self.cases),
            outcomes=f(self.outcomes),
            nominations_per_year=f(self.nominations_per_year),
        )


NATIONAL = Size("national")
PROVINCE = replace(
    NATIONAL.scaled(1 / 40),
    scale="province",
    residential_areas=NATIONAL.residential_areas // 40,
    scheme_types=NATIONAL.scheme_types // 40,
)
SIZES = {"national": NATIONAL, "province": PROVINCE}
