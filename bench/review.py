"""Benchmark: five-year reviews (2021–2025, under the 2025 structure) of the whole
country, of its largest province and of one commune, on the real national units (or the
demo provinces when ../shared/data/vn-admin is absent), with scheme points and tips
spread over 2021–2026 across the 2025 merger.

    .venv/bin/python bench/review.py                             # SQLite, 12,500 points, 100k tips
    .venv/bin/python bench/review.py --points 2000 --tips 10000  # a small run
    .venv/bin/python bench/review.py --database-url postgres://postgres@127.0.0.1:5432/binhyen_bench

Records are written with bulk_create (the generator of issue 7 will replace this). It
prints, for each review, its time, its number of queries and the records under it, and
the ratio of the national review's time to the commune's: the number of queries is the
same whatever the size (the engine groups by sub-unit), the time grows with the records
scanned (ADR 0008).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "vn-admin"
START, END = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
REFORM = dt.date(2025, 7, 1)


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DEBUG"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "binhyen.settings.base"
    sys.path.insert(0, str(ROOT))
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        from import_groups import recreate_database

        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_units() -> str:
    from io import StringIO

    from django.core.management import call_command

    if not (SHARED / "units-2024.csv").exists():
        from binhyen.portal.demo import load_demo

        load_demo()
        return "demo provinces (../shared/data/vn-admin absent)"
    out = StringIO()
    call_command(
        "import_units", str(SHARED / "units-2024.csv"), "--valid-from=2020-01-01", stdout=out
    )
    call_command(
        "import_units",
        str(SHARED / "units-2025.csv"),
        "--valid-from=2025-07-01",
        f"--lineage={SHARED / 'lineage-2025.csv'}",
        stdout=out,
    )
    return "national units 2024 and 2025 with the lineage"


def load_records(points: int, tips: int, seed: int = 1) -> None:
    from django.utils import timezone

    from binhyen.geo.models import AdminUnit
    from binhyen.schemes.models import Scheme, SchemeEvent, SchemeType
    from binhyen.tips.models import Tip

    rng = random.Random(seed)
    old = list(AdminUnit.objects.filter(level="commune", valid_to__isnull=False))
    new = list(AdminUnit.objects.filter(level="commune", valid_to__isnull=True))
    old = old or new
    types = list(SchemeType.objects.all())
    span = (dt.date(2026, 6, 30) - START).days

    def day():
        return START + dt.timedelta(days=rng.randrange(span))

    def commune(on):
        return rng.choice(new if on >= REFORM else old)

    schemes = []
    for i in range(points):
        on = day()
        schemes.append(
            Scheme(
                ref=f"B{i}",
                name=f"Mô hình {i}",
                host_kind="commune",
                scheme_type=rng.choice(types),
                unit=commune(on),
                established_on=on,
                status="active",
                search_name=f"mo hinh {i}",
            )
        )
    Scheme.objects.bulk_create(schemes, batch_size=5000)
    SchemeEvent.objects.bulk_create(
        [SchemeEvent(scheme=s, kind="established", date=s.established_on) for s in schemes],
        batch_size=5000,
    )
    tz = timezone.get_current_timezone()
    rows = []
    for i in range(tips):
        on = day()
        actionable = rng.random() < 0.4
        rows.append(
            Tip(
                code=f"BENCH{i:012d}",
                unit=commune(on),
                handling_unit=commune(on),
                received_at=dt.datetime.combine(on, dt.time(9), tzinfo=tz),
                channel="phone",
                category="drugs",
                description="benchmark",
                status="actionable" if actionable else "received",
                assessment="actionable" if actionable else "",
            )
        )
        if len(rows) == 5000:
            Tip.objects.bulk_create(rows)
            rows = []
    Tip.objects.bulk_create(rows)


def timed(unit, label: str) -> tuple[float, int, int]:
    from django.db import connection, reset_queries

    from binhyen.reports.review import build_review

    connection.force_debug_cursor = True
    reset_queries()
    started = time.perf_counter()
    review = build_review(unit, START, END, structure_on=REFORM)
    elapsed = time.perf_counter() - started
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    figures = {f["indicator"]: f for s in review["sections"] for f in s["figures"]}
    tips = figures["tips.received"]["value"]
    print(f"{label:<40} {elapsed:8.2f} s  {queries:4d} queries  {tips:>9,} tips in the period")
    return elapsed, queries, tips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/binhyen_bench_review.sqlite3")
    parser.add_argument("--points", type=int, default=12_500)
    parser.add_argument("--tips", type=int, default=100_000)
    args = parser.parse_args()
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    setup(args.database_url)
    started = time.perf_counter()
    what = load_units()
    load_records(args.points, args.tips)
    print(
        f"{engine}; {what}; {args.points:,} points and {args.tips:,} tips "
        f"loaded in {time.perf_counter() - started:.0f} s"
    )
    from django.db.models import Count

    from binhyen.geo import queries as geo_queries
    from binhyen.tips.models import Tip

    province = (
        Tip.objects.filter(unit__placements__structure_date=geo_queries.structure_date(REFORM))
        .values("unit__placements__province")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["unit__placements__province"]
    )
    from binhyen.geo.models import AdminUnit

    province = AdminUnit.objects.get(pk=province)
    commune = geo_queries.children_on(province, REFORM).first().unit
    national = timed(None, "whole country, by province")
    timed(province, f"province {province.code}, by commune")
    local = timed(commune, f"commune {commune.code}, by residential area")
    print(
        f"national / commune time: {national[0] / local[0]:.1f}×; "
        f"queries {national[1]} vs {local[1]}"
    )


if __name__ == "__main__":
    main()
