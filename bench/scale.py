"""Benchmarks at national scale (issue 7), in one run, against DuckDB over a Parquet
export of the same records:

1. reviews: the five-year review (2021–2025, under the 2025 structure) of the whole
   country by province, of one province by commune and of one commune by residential
   area, by Bình Yên (the whole review, and the reference figures alone) and by DuckDB;
   the figures must be equal;
2. freshness: one tip submitted through the public channel, then the national review
   of the five years to today: the tip is counted, with no rebuild;
3. growth (--growth 1,2,4): the national review on data sets with the records × 1, 2, 4;
6. memory: peak resident memory of the national review (in a child process).

    .venv/bin/python bench/scale.py --scale province                  # SQLite, a few minutes
    .venv/bin/python bench/scale.py --scale national --database-url postgres://postgres@127.0.0.1:5432/binhyen_bench
    .venv/bin/python bench/scale.py --scale province --growth 1,2,4
    .venv/bin/python bench/scale.py --scale province --small          # CI: a tiny data set

It exits non-zero when a figure differs from DuckDB's or the fresh tip is not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import SHARED, best_of, django_on, engine, peak_rss_mib, rss_mib  # noqa: E402

START, END = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
REFORM = dt.date(2025, 7, 1)


def generate(args, factor: float = 1.0) -> str:
    from django.core.management import call_command

    options = {
        "scale": args.scale,
        "seed": args.seed,
        "factor": factor * args.factor,
        "skip_checks": True,
        "stdout": sys.stderr,
    }
    if (SHARED / "units-2024.csv").exists() and not args.synthetic:
        options |= {"units": SHARED / "units-2024.csv", "lineage": SHARED / "lineage-2025.csv"}
    call_command("generate", **options)
    return "official units" if "units" in options else "synthetic country"


def scopes():
    """The whole country, the province holding most tips, its commune holding most."""
    from django.db.models import Count

    from binhyen.geo import queries as geo_queries
    from binhyen.geo.models import AdminUnit, Placement
    from binhyen.tips.models import Tip

    sd = geo_queries.structure_date(REFORM)
    placed = Tip.objects.filter(unit__placements__structure_date=sd)
    province = (
        placed.values("unit__placements__province").annotate(n=Count("pk")).order_by("-n")[0]
    )["unit__placements__province"]
    commune = (
        Tip.objects.filter(
            unit__placements__structure_date=sd, unit__placements__province=province
        )  # one filter(): the same Placement row
        .values("unit__placements__commune")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]
    )["unit__placements__commune"]
    assert Placement.objects.filter(structure_date=sd, unit_id=commune).exists()
    return [
        ("whole country, by province", None, None),
        ("a province, by commune", "province", AdminUnit.objects.get(pk=province)),
        ("a commune, by residential area", "commune", AdminUnit.objects.get(pk=commune)),
    ]


def app_figures(unit) -> dict[str, tuple[int, dict]]:
    from reference import FIGURES

    from binhyen.reports import records
    from binhyen.schemes.queries import Scope

    scope = Scope(unit, REFORM)
    out = {}
    for code in FIGURES:
        counted = records.count(code, scope, START, END, by="unit")
        out[code] = (counted.value, {p.key: p.value for p in counted.parts if p.value})
    return out


def full_review(unit, end=END):
    from binhyen.reports.review import build_review

    return build_review(
        unit, START if end == END else end.replace(year=end.year - 5), end, structure_on=REFORM
    )


def differences(app: dict, ref: dict) -> list[str]:
    """Figures that differ; records of the scope's unit itself and unplaced ones are
    compared together (DuckDB sees both as no sub-unit)."""
    wrong = []
    for code, (total, parts) in ref.items():
        app_total, app_parts = app[code]
        merged = {}
        for key, n in app_parts.items():
            key = key if isinstance(key, int) else None
            merged[key] = merged.get(key, 0) + n
        if app_total != total or merged != parts:
            wrong.append(
                f"{code}: app {app_total} {len(merged)} parts, DuckDB {total} {len(parts)} parts"
            )
    return wrong


def reviews(reference, repeat: int) -> bool:
    from binhyen.geo import queries as geo_queries

    sd = geo_queries.structure_date(REFORM)
    print(
        f"\n{'review':<34} {'app, review':>12} {'app, figures':>13} {'DuckDB':>8} "
        f"{'figures ÷ DuckDB':>17} {'review ÷ DuckDB':>16}  figures"
    )
    equal = True
    for label, level, unit in scopes():
        review_s, _ = best_of(repeat, lambda unit=unit: full_review(unit))
        app_s, app = best_of(repeat, lambda unit=unit: app_figures(unit))
        duck_s, ref = best_of(
            repeat,
            lambda level=level, unit=unit: reference.figures(
                level, unit.pk if unit else None, sd, START, END
            ),
        )
        wrong = differences(app, ref)
        equal &= not wrong
        print(
            f"{label:<34} {review_s:>10.3f} s {app_s:>11.3f} s {duck_s:>6.3f} s "
            f"{app_s / duck_s:>16.1f}× {review_s / duck_s:>15.1f}×  "
            f"{'equal' if not wrong else 'DIFFER'}"
        )
        for line in wrong:
            print("    " + line)
    return equal


def freshness(repeat: int) -> bool:
    """Submit one public tip today, then the national five-year review to today."""
    from django.utils import timezone

    from binhyen.geo.models import AdminUnit
    from binhyen.tips.models import Tip
    from binhyen.tips.services.public import submit_public_tip

    today = timezone.localdate()

    def received():
        review = full_review(None, today)
        return next(
            f["value"]
            for s in review["sections"]
            for f in s["figures"]
            if f["indicator"] == "tips.received"
        )

    before_s, before = best_of(repeat, received)
    unit = (
        AdminUnit.objects.in_force(today)
        .filter(level="commune", pk__in=Tip.objects.values("unit_id"))
        .order_by("pk")
        .first()
    )
    submit_public_tip(category="drugs", unit=unit, description="Tin báo đo độ tươi (benchmark)")
    after_s, after = best_of(1, received)
    fresh = after == before + 1
    print(
        f"\nfreshness: tips received {before:,} → {after:,} after one public tip "
        f"({'counted' if fresh else 'NOT COUNTED'}); review {before_s:.3f} s before, "
        f"{after_s:.3f} s after (no rebuild)"
    )
    return fresh


def memory(url: str) -> None:
    """Peak RSS of the national review, in a child process that does nothing else."""
    out = subprocess.run(
        [sys.executable, __file__, "--database-url", url, "--child-review"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(
        f"\nmemory: national review peak RSS {figures['peak']:.0f} MiB "
        f"({figures['before']:.0f} MiB before it, +{figures['peak'] - figures['before']:.0f})"
    )


def child_review(url: str) -> None:
    django_on(url, fresh=False)
    from binhyen.reports.review import build_review  # noqa: F401  (imports before measuring)

    before = rss_mib()
    full_review(None)
    print(json.dumps({"before": before, "peak": peak_rss_mib()}))


def growth(args, factors: list[float]) -> None:
    """The national review on data sets with the records × each factor (same geography)."""
    rows = []
    base = args.database_url
    for factor in factors:
        url = (
            base.replace("sqlite:////tmp/", f"sqlite:////tmp/g{factor:g}_")
            if base.startswith("sqlite")
            else f"{base}_g{factor:g}"
        )
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--database-url",
                url,
                "--scale",
                args.scale,
                "--seed",
                str(args.seed),
                "--factor",
                str(args.factor * factor),
                "--child-growth",
            ]
            + (["--synthetic"] if args.synthetic else []),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rows.append((factor, json.loads(out.strip().splitlines()[-1])))
    print(f"\ngrowth of the national review ({engine(base)}):")
    print(
        f"{'records':>8} {'tips':>10} {'review':>9} {'figures':>9} {'DuckDB':>8} "
        f"{'review ×':>9} {'figures ×':>10} {'DuckDB ×':>9}"
    )
    first = rows[0][1]
    for factor, r in rows:
        print(
            f"{factor:>7g}× {r['tips']:>10,} {r['review']:>7.2f} s {r['figures']:>7.2f} s "
            f"{r['duck']:>6.3f} s {r['review'] / first['review']:>8.2f}× "
            f"{r['figures'] / first['figures']:>9.2f}× {r['duck'] / first['duck']:>8.2f}×"
        )


def child_growth(args) -> None:
    from reference import Reference, export

    django_on(args.database_url, fresh=True)
    generate(args)
    from binhyen.geo import queries as geo_queries
    from binhyen.tips.models import Tip

    with tempfile.TemporaryDirectory() as folder:
        export(Path(folder))
        reference = Reference(Path(folder))
        sd = geo_queries.structure_date(REFORM)
        duck, _ = best_of(args.repeat, lambda: reference.figures(None, None, sd, START, END))
    review, _ = best_of(args.repeat, lambda: full_review(None))
    figures, _ = best_of(args.repeat, lambda: app_figures(None))
    print(
        json.dumps(
            {"tips": Tip.objects.count(), "review": review, "figures": figures, "duck": duck}
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["province", "national"], default="province")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="sqlite:////tmp/binhyen_bench_scale.sqlite3")
    parser.add_argument("--synthetic", action="store_true", help="ignore the official units")
    parser.add_argument("--reuse", action="store_true", help="use the data set already there")
    parser.add_argument("--factor", type=float, default=1.0, help="records × factor")
    parser.add_argument("--small", action="store_true", help="records × 0.02 (CI)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--growth", help="factors, e.g. 1,2,4: the growth benchmark only")
    parser.add_argument("--child-review", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-growth", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.factor, args.repeat = args.factor * 0.02, 1
    if args.child_review:
        child_review(args.database_url)
        return 0
    if args.child_growth:
        child_growth(args)
        return 0
    if args.growth:
        growth(args, [float(f) for f in args.growth.split(",")])
        return 0
    from reference import Reference, export

    django_on(args.database_url, fresh=not args.reuse)
    if not args.reuse:
        best_of(1, lambda: generate(args))
    from binhyen.generator.run import record_counts

    counts = record_counts()
    print(
        f"{engine(args.database_url)}; {args.scale} size × {args.factor:g}: "
        + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in counts.items())
    )
    with tempfile.TemporaryDirectory() as folder:
        export_s, rows = best_of(1, lambda: export(Path(folder)))
        print(f"Parquet export of {sum(rows.values()):,} rows in {export_s:.1f} s")
        equal = reviews(Reference(Path(folder)), args.repeat)
    memory(args.database_url)
    fresh = freshness(args.repeat)
    return 0 if equal and fresh else 1


if __name__ == "__main__":
    sys.exit(main())
