"""Demo reported figures: the 2016–2020 review totals of the two demo provinces before
their 2025 merger, as a province would load them before entering records. One of them
has parts that do not add up (150 groups, 100 rural and 40 urban), so the demo shows a
broken rule; one is "over 600", so the demo shows a qualifier kept."""

from __future__ import annotations

import datetime as dt

from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit

from .services.figures import save_figure

START, END = dt.date(2016, 1, 1), dt.date(2020, 12, 31)
DOCUMENT = "Báo cáo tổng kết phong trào giai đoạn 2016–2020 (mô phỏng)"

FIGURES = {
    # old province code: [(indicator, value, qualifier, breakdown)]
    "98": [
        ("tips.received", 1850, "about", ""),
        ("tips.actionable", 600, "at_least", ""),
        ("cases.solved", 412, "exact", ""),
        ("cases.suspects_arrested", 530, "exact", ""),
        ("structure.groups", 150, "exact", ""),
        ("structure.groups", 100, "exact", "area=rural"),
        ("structure.groups", 40, "exact", "area=urban"),
    ],
    "99": [
        ("tips.received", 2300, "exact", ""),
        ("tips.actionable", 870, "exact", ""),
        ("cases.solved", 505, "exact", ""),
        ("cases.suspects_arrested", 618, "exact", ""),
        ("structure.steering_committees", 18, "exact", ""),
    ],
}


def load_reported() -> int:
    """Idempotent: figures are upserted on their natural key."""
    n = 0
    for code, rows in FIGURES.items():
        unit = AdminUnit.objects.get(
            level=Level.PROVINCE, code=code, valid_from__lte=END, valid_to__gte=END
        )
        for indicator, value, qualifier, breakdown in rows:
            save_figure(
                None,
                indicator=indicator,
                unit=unit,
                period_start=START,
                period_end=END,
                value=value,
                qualifier=qualifier,
                breakdown=breakdown,
                source_document=f"{DOCUMENT}, {unit.name}",
            )
            n += 1
    return n
