"""Benchmark: importing households (with their group memberships) through the app's
importer, against PostgreSQL COPY of the same rows.

    .venv/bin/python bench/import_groups.py                     # 2,000 groups × 25 households
    .venv/bin/python bench/import_groups.py --households 200    # the small run (test_bench_import)

It (re)creates the database of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/binhyen_bench), migrates it, loads the demo
geography, writes a groups file and households files (CSV) in a temporary directory,
imports the groups, then times in one run:
- (c) floor: `COPY` of the same rows, ids already resolved, into the real tables
  (schemes_household, schemes_grouphousehold with their indexes, constraints and foreign
  keys), in a transaction rolled back afterwards (then VACUUM);
- (a) import: `import_files` of the households file, as `binhyen import_schemes` runs it,
  in a fresh child process whose peak RSS (resource.getrusage) is the import's;
- (b) COPY: `COPY ... FROM STDIN (FORMAT csv)` of the same file into a plain table of the
  same columns (psycopg);
- memory: the import of a file 4 times larger (other refs, same groups) in another child,
  to show whether peak RSS grows with the file.
It prints rows per second of each, the ratios import ÷ COPY and import ÷ floor, and the
peak RSS at both sizes, then drops the database (unless --keep).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import drop_database, recreate_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/binhyen_bench"
PER_GROUP = 25
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Hữu", "Kim")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Lan", "Long", "Mai")
COPY_TABLE = """
CREATE TABLE bench_households_copy (
    ref varchar(40), residential_area_code varchar(20), head_name varchar(120),
    address varchar(255), people smallint, group_ref varchar(40), joined_on date,
    left_on date
)"""


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DEBUG"] = "false"  # no query log kept in memory
    os.environ["DJANGO_SETTINGS_MODULE"] = "binhyen.settings.base"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_child(households: int, directory: Path) -> None:
    """Child process: migrate, load the demo geography, write the files, import the
    groups; print (groups, seconds)."""
    from django.core.management import call_command

    from binhyen.core.audit import audit_context
    from binhyen.portal.demo import load_demo
    from binhyen.schemes.importers import import_files

    call_command("migrate", verbosity=0)
    with audit_context(source="bench"):
        load_demo()
    groups_path, _households_path = write_files(directory, households)
    write_households(directory / "households-4x.csv", 4 * households, households, "M", seed=2)
    started = time.perf_counter()
    groups = import_files([groups_path]).counts["groups"].created
    print(json.dumps([groups, time.perf_counter() - started]))


def areas() -> list[str]:
    from binhyen.geo.choices import Level
    from binhyen.geo.models import AdminUnit

    return list(
        AdminUnit.objects.filter(level=Level.RESIDENTIAL_AREA, valid_to=None)
        .order_by("code")
        .values_list("code", flat=True)
    )


def write_files(directory: Path, households: int, seed: int = 1) -> tuple[Path, Path]:
    """Groups spread over the demo's residential areas, 25 households each."""
    codes = areas()
    n_groups = max(1, households // PER_GROUP)
    groups_path, households_path = directory / "groups.csv", directory / "households.csv"
    with groups_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["ref", "residential_area_code", "name", "kind", "established_on"])
        for g in range(n_groups):
            out.writerow([f"T{g:06d}", codes[g % len(codes)], f"Tổ liên gia số {g + 1}",
                          "inter_household", "2022-01-01"])  # fmt: skip
    write_households(households_path, households, households, "H", seed)
    return groups_path, households_path


def write_households(path: Path, rows: int, base: int, prefix: str, seed: int) -> None:
    """`rows` households over the groups made for `base` households (one membership each)."""
    codes = areas()
    rng = random.Random(seed)
    n_groups = max(1, base // PER_GROUP)
    per_group = max(1, rows // n_groups)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["ref", "residential_area_code", "head_name", "address", "people",
                      "group_ref", "joined_on", "left_on"])  # fmt: skip
        for h in range(rows):
            g = min(h // per_group, n_groups - 1)
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            joined = dt.date(2022, 1, 15) + dt.timedelta(days=rng.randrange(900))
            out.writerow([f"{prefix}{h:07d}", codes[g % len(codes)], name, f"Số {h % 200 + 1}",
                          rng.randint(1, 9), f"T{g:06d}", joined.isoformat(), ""])  # fmt: skip


def import_child(path: Path) -> None:
    """Child process: import the households file; print (seconds, RSS before the import,
    peak RSS, rows), RSS in KiB. The parent is small (no Django), so the peak that
    resource.getrusage reports is this import's."""
    from binhyen.schemes.importers import import_files

    before = current_rss_kib()
    started = time.perf_counter()
    result = import_files([path])
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps([seconds, before, peak, result.counts["households"].created]))


def child(url: str, *args: str) -> list:
    """Run this script in a child mode; its last line of output (JSON)."""
    command = [sys.executable, __file__, "--database-url", url, *args]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def current_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def copy_rows(url: str, path: Path) -> tuple[float, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(COPY_TABLE)
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur:
            sql = "COPY bench_households_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
            with cur.copy(sql) as copy, path.open("rb") as fh:
                while chunk := fh.read(1 << 16):
                    copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM bench_households_copy").fetchone()[0]
    return seconds, rows


def floor_rows(url: str, path: Path) -> tuple[float, int]:
    """(c): COPY of the file's rows, ids resolved beforehand (not timed), into the real
    tables; rolled back, then VACUUM so that the import finds the tables as they were."""
    import psycopg

    sys.path.insert(0, str(ROOT))
    from binhyen.core.text import fold

    with psycopg.connect(url) as conn:
        sql = "SELECT code, id FROM geo_adminunit WHERE level = %s AND valid_to IS NULL"
        areas = dict(conn.execute(sql, ["residential_area"]).fetchall())
        groups = dict(conn.execute("SELECT ref, id FROM schemes_group").fetchall())
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM schemes_household").fetchone()[0]
        households, memberships = [], []
        with path.open(encoding="utf-8", newline="") as fh:
            for i, (ref, code, head, address, people, group, joined, left) in enumerate(
                itertools.islice(csv.reader(fh), 1, None)
            ):
                hid = first + i
                search = fold(f"{head} {address}")[:400]
                households.append((hid, ref, areas[code], head, address, int(people), search))
                memberships.append((groups[group], hid, joined, left or None))
        started = time.perf_counter()
        with conn.cursor() as cur:
            sql = (
                "COPY schemes_household (id, ref, residential_area_id, head_name, address, "
                "people, search_name) FROM STDIN"
            )
            with cur.copy(sql) as copy:
                for row in households:
                    copy.write_row(row)
            sql = (
                "COPY schemes_grouphousehold (group_id, household_id, joined_on, left_on) "
                "FROM STDIN"
            )
            with cur.copy(sql) as copy:
                for row in memberships:
                    copy.write_row(row)
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred foreign keys checked here
        seconds = time.perf_counter() - started
        conn.rollback()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE schemes_household, schemes_grouphousehold")
    return seconds, len(households)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=2_000 * PER_GROUP)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)  # child modes
    parser.add_argument("--import-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url
    if args.prepare or args.import_file:
        setup_django(url)
        if args.prepare:
            return prepare_child(args.households, args.prepare)
        return import_child(args.import_file)
    recreate_database(url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            groups, groups_seconds = child(
                url, "--prepare", tmp, "--households", str(args.households)
            )
            households_path = Path(tmp) / "households.csv"
            floor_seconds, floored = floor_rows(url, households_path)
            seconds, baseline, peak, rows = child(url, "--import-file", str(households_path))
            copy_seconds, copied = copy_rows(url, households_path)
            big = child(url, "--import-file", str(Path(tmp) / "households-4x.csv"))
        assert rows == copied == floored == args.households, (rows, copied, floored)
        assert big[3] == 4 * args.households, big
        print(f"groups: {groups} imported in {groups_seconds:.2f} s")
        print(f"households: {rows} rows ({rows // max(groups, 1)} per group)")
        for label, took, n in (
            ("(a) import_schemes   ", seconds, rows),
            ("(b) COPY, plain table", copy_seconds, copied),
            ("(c) COPY, real tables", floor_seconds, floored),
        ):
            print(f"  {label}   : {took:8.3f} s  {n / took:10,.0f} rows/s")
        print(f"  ratio (a) ÷ (b)         : {seconds / copy_seconds:.1f}×")
        print(f"  ratio (a) ÷ (c)         : {seconds / floor_seconds:.1f}×")
        print(
            f"  import peak RSS: {peak / 1024:.0f} MiB at {rows} rows, "
            f"{big[2] / 1024:.0f} MiB at {big[3]} rows "
            f"(the processes held {baseline / 1024:.0f} and {big[1] / 1024:.0f} MiB before)"
        )
        print(f"  import of {big[3]} rows: {big[0]:.3f} s  {big[3] / big[0]:,.0f} rows/s")
    finally:
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
