"""The reference: the same records exported to Parquet and counted by DuckDB, a columnar
engine that scans them near the hardware's limit. Each figure is one query over the
Parquet files (joined with the Placement table exported alongside), grouped by the
sub-unit of the scope, with the same rules as Bình Yên's indicators (docs/indicators.md)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

EXPORTS = {  # name → SELECT run on the app's database (portable SQLite / PostgreSQL)
    "tips": "SELECT id, unit_id, {epoch} AS received, assessment FROM tips_tip",
    "cases": "SELECT id, unit_id, CAST(solved AS INTEGER) AS solved, closed_on FROM tips_case",
    "case_tips": "SELECT case_id, tip_id FROM tips_case_tips",
    "suspects": "SELECT id, case_id, arrested_on FROM tips_suspect",
    "schemes": "SELECT id, unit_id, established_on, dissolved_on FROM schemes_scheme",
    "scheme_events": "SELECT id, scheme_id, kind, date FROM schemes_schemeevent",
    "groups": "SELECT id, residential_area_id, established_on, dissolved_on FROM schemes_group",
    "memberships": "SELECT group_id, household_id, joined_on, left_on FROM schemes_grouphousehold",
    "placement": "SELECT structure_date, unit_id, province_id, commune_id, residential_area_id"
    " FROM geo_placement",
}
EPOCH = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM received_at) AS BIGINT)",
    "sqlite": "CAST(strftime('%s', received_at) AS INTEGER)",
}

PLACED = "JOIN placement p ON p.unit_id = {unit} AND p.structure_date = $sd"
FIGURES = {  # indicator code → (FROM … WHERE …, what is counted)
    "tips.received": (
        f"FROM tips t {PLACED.format(unit='t.unit_id')} WHERE t.received >= $a AND t.received < $b",
        "count(*)",
    ),
    "tips.actionable": (
        f"FROM tips t {PLACED.format(unit='t.unit_id')} WHERE t.received >= $a "
        "AND t.received < $b AND t.assessment = 'actionable'",
        "count(*)",
    ),
    "tips.led_to_solved_cases": (
        "FROM tips t JOIN case_tips ct ON ct.tip_id = t.id JOIN cases c ON c.id = ct.case_id "
        f"AND c.solved = 1 {PLACED.format(unit='t.unit_id')} "
        "WHERE t.received >= $a AND t.received < $b",
        "count(DISTINCT t.id)",
    ),
    "cases.solved": (
        f"FROM cases c {PLACED.format(unit='c.unit_id')} WHERE c.solved = 1 "
        "AND c.closed_on BETWEEN $start AND $end",
        "count(*)",
    ),
    "cases.suspects_arrested": (
        "FROM suspects s JOIN cases c ON c.id = s.case_id "
        f"{PLACED.format(unit='c.unit_id')} WHERE s.arrested_on BETWEEN $start AND $end",
        "count(*)",
    ),
    "schemes.active": (
        "FROM schemes s JOIN (SELECT scheme_id, arg_max(kind, date * 100000000 + id) AS kind "
        "FROM (SELECT scheme_id, kind, (date - DATE '1900-01-01') AS date, id "
        "FROM scheme_events WHERE date <= $end) GROUP BY scheme_id) e ON e.scheme_id = s.id "
        f"{PLACED.format(unit='s.unit_id')} WHERE s.established_on <= $end "
        "AND (s.dissolved_on IS NULL OR s.dissolved_on > $end) "
        "AND e.kind IN ('established', 'reactivated')",
        "count(*)",
    ),
    "structure.groups": (
        f"FROM groups g {PLACED.format(unit='g.residential_area_id')} "
        "WHERE g.established_on <= $end AND (g.dissolved_on IS NULL OR g.dissolved_on > $end)",
        "count(*)",
    ),
    "structure.households": (
        "FROM memberships m JOIN groups g ON g.id = m.group_id "
        f"{PLACED.format(unit='g.residential_area_id')} "
        "WHERE m.joined_on <= $end AND (m.left_on IS NULL OR m.left_on > $end)",
        "count(DISTINCT m.household_id)",
    ),
}
SUBLEVEL = {None: "province", "province": "commune", "commune": "residential_area"}


def export(folder: Path) -> dict[str, int]:
    """Write every table of EXPORTS to folder/NAME.parquet; returns rows per table."""
    import duckdb
    from django.db import connection

    folder.mkdir(parents=True, exist_ok=True)
    rows = {}
    con = duckdb.connect()
    for name, sql in EXPORTS.items():
        sql = sql.format(epoch=EPOCH[connection.vendor])
        path = folder / f"{name}.csv"
        with path.open("w", newline="") as out, connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)") as copy:
                    for block in copy:
                        out.write(bytes(block).decode())
            else:
                cursor.execute(sql)
                writer = csv.writer(out)
                writer.writerow([c[0] for c in cursor.description])
                while chunk := cursor.fetchmany(50_000):
                    writer.writerows(chunk)
        con.execute(
            f"COPY (SELECT * FROM read_csv('{path}', header = true)) "
            f"TO '{folder / name}.parquet' (FORMAT parquet)"
        )
        rows[name] = con.execute(f"SELECT count(*) FROM '{folder / name}.parquet'").fetchone()[0]
        path.unlink()
    con.close()
    return rows


class Reference:
    """DuckDB over the Parquet files of one export."""

    def __init__(self, folder: Path):
        import duckdb

        self.con = duckdb.connect()
        for name in EXPORTS:
            self.con.execute(f"CREATE VIEW {name} AS SELECT * FROM '{folder / name}.parquet'")

    def figures(
        self,
        level: str | None,
        unit_id: int | None,
        structure: dt.date,
        start: dt.date,
        end: dt.date,
    ) -> dict[str, tuple[int, dict]]:
        """Every figure of FIGURES for the scope: (total, {sub-unit id or None: n})."""
        from binhyen.tips.queries import _day_bounds

        first, last = _day_bounds(start, end)
        params = {
            "sd": structure,
            "start": start,
            "end": end,
            "a": int(first.timestamp()),
            "b": int(last.timestamp()),
        }
        by = SUBLEVEL[level]
        where = f" AND p.{level}_id = $unit" if level else ""
        if level:
            params["unit"] = unit_id
        out = {}
        for code, (body, measure) in FIGURES.items():
            sql = f"{measure} {body}{where}"
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            total = self.con.execute(f"SELECT {sql}", used).fetchone()[0]
            rows = self.con.execute(f"SELECT p.{by}_id, {sql} GROUP BY 1", used).fetchall()
            out[code] = (total, {k: n for k, n in rows if n})
        return out
