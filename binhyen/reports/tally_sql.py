"""The triggers that keep `reports_tally` (ADR 0012), written once for SQLite and
PostgreSQL from one declaration: for each table, the cells a row counts in. An insert
adds one to its cells, a delete takes one away, an update does both (old row, new row)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings


@dataclass(frozen=True)
class Cell:
    source: str
    unit: str  # SQL over the row R
    month: str  # ("ts", column) or ("date", column)
    kind: str
    a: str = "''"
    b: str = "''"
    when: str = "1 = 1"


CASE_UNIT = "(SELECT c.unit_id FROM tips_case c WHERE c.id = R.case_id)"
CELLS = {
    "tips_tip": [
        Cell("tips.received", "R.unit_id", "received_at", "ts", "R.channel", "R.category"),
        Cell("tips.actionable", "R.unit_id", "received_at", "ts", "R.channel", "R.category",
             "R.assessment = 'actionable'"),
    ],
    "tips_case": [
        Cell("cases.solved", "R.unit_id", "closed_on", "date", "R.category", "''",
             "R.solved AND R.closed_on IS NOT NULL"),
    ],
    "tips_suspect": [
        Cell("cases.suspects_arrested", CASE_UNIT, "arrested_on", "date", "''", "''",
             "R.arrested_on IS NOT NULL"),
    ],
}  # fmt: skip
WATCHED = {  # the columns whose change moves a row's cells
    "tips_tip": ("unit_id", "received_at", "channel", "category", "assessment"),
    "tips_case": ("unit_id", "closed_on", "category", "solved"),
    "tips_suspect": ("case_id", "arrested_on"),
}


def _offset_hours() -> int:
    """The local offset (Vietnam keeps no summer time, so one offset is right)."""
    offset = dt.datetime(2025, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).utcoffset()
    return int(offset.total_seconds() // 3600)


def month_sql(vendor: str, kind: str, column: str, row: str = "R") -> str:
    if vendor == "postgresql":
        if kind == "ts":
            return f"date_trunc('month', {row}.{column} AT TIME ZONE '{settings.TIME_ZONE}')::date"
        return f"date_trunc('month', {row}.{column})::date"
    if kind == "ts":
        return f"date({row}.{column}, '{_offset_hours():+d} hours', 'start of month')"
    return f"date({row}.{column}, 'start of month')"


def _sub(cell: Cell, vendor: str, row: str) -> str:
    def r(sql):
        return sql.replace("R.", f"{row}.")

    return (
        f"UPDATE reports_tally SET records = records - 1 WHERE ({r(cell.when)}) "
        f"AND source = '{cell.source}' AND unit_id = {r(cell.unit)} "
        f"AND month = {month_sql(vendor, cell.kind, cell.month, row)} "
        f"AND a = {r(cell.a)} AND b = {r(cell.b)};"
    )


def _add(cell: Cell, vendor: str, row: str) -> str:
    def r(sql):
        return sql.replace("R.", f"{row}.")

    return (
        "INSERT INTO reports_tally (source, unit_id, month, a, b, records) "
        f"SELECT '{cell.source}', {r(cell.unit)}, "
        f"{month_sql(vendor, cell.kind, cell.month, row)}, {r(cell.a)}, {r(cell.b)}, 1 "
        f"WHERE {r(cell.when)} "
        "ON CONFLICT (source, unit_id, month, a, b) "
        "DO UPDATE SET records = reports_tally.records + 1;"
    )


def _changed(table: str, vendor: str) -> str:
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in WATCHED[table])


LOCKS = {  # PostgreSQL: rows whose values a trigger reads, locked against a concurrent move
    "tips_suspect": "PERFORM 1 FROM tips_case WHERE id = R.case_id FOR SHARE;",
}


def create_statements(vendor: str) -> list[str]:
    """Drop and create every trigger (idempotent: run again after each migrate, since
    SQLite drops a table's triggers when a migration rebuilds the table)."""
    out = drop_statements(vendor)
    for table, cells in CELLS.items():
        adds_new = " ".join(_add(c, vendor, "NEW") for c in cells)
        subs_old = " ".join(_sub(c, vendor, "OLD") for c in cells)
        name = f"reports_tally_{table}"
        if vendor == "postgresql":
            lock = LOCKS.get(table, "")
            # the change test is inside the function, not a WHEN clause: a WHEN clause
            # would stop later migrations from altering the columns it names
            out.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'UPDATE' AND NOT ({_changed(table, vendor)}) THEN RETURN NULL; "
                "END IF; "
                f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {lock.replace('R.', 'OLD.')} "
                f"{subs_old} END IF; "
                f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {lock.replace('R.', 'NEW.')} "
                f"{adds_new} END IF; "
                "RETURN NULL; END $$;"
            )
            out.append(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}();"
            )
        else:
            out.append(f"CREATE TRIGGER {name}_i AFTER INSERT ON {table} BEGIN {adds_new} END;")
            out.append(f"CREATE TRIGGER {name}_d AFTER DELETE ON {table} BEGIN {subs_old} END;")
            out.append(
                f"CREATE TRIGGER {name}_u AFTER UPDATE ON {table} "
                f"WHEN {_changed(table, vendor)} BEGIN {subs_old} {adds_new} END;"
            )
    out.extend(_case_moves(vendor))
    return out


def install(connection) -> None:
    """(Re)create the triggers when the tally and the tables it follows exist."""
    tables = set(connection.introspection.table_names())
    if "reports_tally" not in tables or not set(CELLS) <= tables:
        return
    with connection.cursor() as cursor:
        for statement in create_statements(connection.vendor):
            cursor.execute(statement)


def installed(connection) -> set[str]:
    """The names of the tally's triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'reports_tally%%' "
                "AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'reports_tally%%'"
            )
        return {row[0] for row in cursor.fetchall()}


def _case_moves(vendor: str) -> list[str]:
    """A case moved to another unit takes its arrested suspects' cells with it."""
    month = month_sql(vendor, "date", "arrested_on", "s")
    moved = (
        f"SELECT {month} AS m, count(*) AS k FROM tips_suspect s "
        "WHERE s.case_id = NEW.id AND s.arrested_on IS NOT NULL GROUP BY 1"
    )
    body = (
        f"UPDATE reports_tally SET records = records - g.k FROM ({moved}) AS g "
        "WHERE source = 'cases.suspects_arrested' AND unit_id = OLD.unit_id "
        "AND month = g.m AND a = '' AND b = ''; "
        "INSERT INTO reports_tally (source, unit_id, month, a, b, records) "
        f"SELECT 'cases.suspects_arrested', NEW.unit_id, g.m, '', '', g.k FROM ({moved}) AS g "
        "WHERE 1 = 1 ON CONFLICT (source, unit_id, month, a, b) "
        "DO UPDATE SET records = reports_tally.records + excluded.records;"
    )
    name = "reports_tally_case_moves"
    if vendor == "postgresql":
        return [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF OLD.unit_id IS DISTINCT FROM NEW.unit_id THEN {body} END IF; "
            "RETURN NULL; END $$;",
            f"CREATE TRIGGER {name} AFTER UPDATE ON tips_case FOR EACH ROW "
            f"EXECUTE FUNCTION {name}();",
        ]
    return [
        f"CREATE TRIGGER {name} AFTER UPDATE ON tips_case "
        f"WHEN OLD.unit_id IS NOT NEW.unit_id BEGIN {body} END;"
    ]


def drop_statements(vendor: str) -> list[str]:
    names = [f"reports_tally_{t}" for t in CELLS] + ["reports_tally_case_moves"]
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {n}() CASCADE;" for n in names]
    suffixes = {"reports_tally_case_moves": [""]}
    return [
        f"DROP TRIGGER IF EXISTS {n}{s};"
        for n in names
        for s in suffixes.get(n, ["_i", "_d", "_u"])
    ]


def rebuild_statements(vendor: str) -> list[str]:
    """Every cell counted again from the records (repair; tests compare with triggers)."""
    out = ["DELETE FROM reports_tally;"]
    if vendor == "postgresql":  # no record written between the delete and the counts
        out.insert(0, f"LOCK TABLE {', '.join(CELLS)} IN SHARE MODE;")
    for table, cells in CELLS.items():
        for cell in cells:
            month = month_sql(vendor, cell.kind, cell.month)
            out.append(
                "INSERT INTO reports_tally (source, unit_id, month, a, b, records) "
                f"SELECT '{cell.source}', {cell.unit}, {month}, {cell.a}, {cell.b}, count(*) "
                f"FROM {table} R WHERE {cell.when} GROUP BY 2, 3, 4, 5;"
            )
    return out
