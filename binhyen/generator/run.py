"""The whole data set, in order, with progress, in one transaction per family."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from binhyen.core import audit

from . import activity, geography, registry, yearly
from .sizes import Size


@dataclass
class Generated:
    description: str
    seconds: float
    counts: dict[str, int]


def generate(
    size: Size, seed: int, units: Path | None = None, lineage: Path | None = None, progress=None
) -> Generated:
    """Build the data set into the current (migrated, empty of records) database."""
    rng = random.Random(seed)
    started = time.monotonic()
    _fast_sqlite()
    report = progress or (lambda *_args: None)
    with audit.audit_context(source="generate"):
        with transaction.atomic():
            described = geography.load_structure(rng, units, lineage)
        report("structure", 1, 1)
        with transaction.atomic():
            country = geography.build_areas(rng, size, report)
        reg = registry.Registry()
        steps = (
            lambda: registry.organizations(rng, size, country, reg, report),
            lambda: registry.scheme_points(
                rng, size, country, reg, registry.scheme_types(rng, size, country), report
            ),
            lambda: registry.bodies(rng, country),
            lambda: registry.structure(rng, size, country, reg, report),
            lambda: activity.tips_and_cases(rng, size, country, reg, report),
            lambda: activity.outcomes(rng, size, country, reg, report),
            lambda: yearly.certification(rng, country, reg, report),
            lambda: yearly.awards(rng, size, country, reg, report),
        )
        for step in steps:
            with transaction.atomic():
                _check_keys_as_written()
                step()
        counts = record_counts()
        from binhyen.geo.models import AdminUnit

        audit.record_bulk(
            AdminUnit, f"Generated a {size.scale} data set (seed {seed})", seed=seed, **counts
        )
    return Generated(described, time.monotonic() - started, counts)


def _check_keys_as_written() -> None:
    """PostgreSQL checks Django's deferred foreign keys at commit, holding one pending
    check per row in memory until then (24 million for the households): check each row
    as it is copied instead."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _fast_sqlite() -> None:
    """A generated data set is thrown away and made again after a machine crash, so on
    SQLite the generator does not wait for the disk after each transaction."""
    from django.db import connection

    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")


def record_counts() -> dict[str, int]:
    from binhyen.certification.models import Certification
    from binhyen.geo.models import AdminUnit
    from binhyen.outcomes.registers import LEDGERS
    from binhyen.schemes.models import Group, GroupHousehold, Scheme, SchemeType
    from binhyen.tips.models import Case, Tip

    counts = {
        "residential_areas": AdminUnit.objects.filter(level="residential_area").count(),
        "scheme_types": SchemeType.objects.count(),
        "scheme_points": Scheme.objects.count(),
        "groups": Group.objects.count(),
        "households": GroupHousehold.objects.count(),
        "tips": Tip.objects.count(),
        "cases": Case.objects.count(),
        "certifications": Certification.objects.count(),
    }
    counts["outcome_entries"] = sum(r.model.objects.count() for r in LEDGERS.values())
    return counts
