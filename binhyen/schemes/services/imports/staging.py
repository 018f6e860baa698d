"""Households from a CSV file on PostgreSQL, set-based (ADR 0011).

The file body goes by COPY into a temporary table of text columns (the header was read
and mapped by core.spreadsheets.reading); the cells are read and every household rule of
StructureRows is checked in SQL over the whole table, giving the same errors (row,
column, message) as the row-by-row path; with no error the rows are written with
INSERT … SELECT, in the run's transaction. Python only formats the errors and folds,
household by household, the rows that need an order (a household on several rows, or
with memberships recorded before): the one-inter-household-group-at-a-time rule. Memory
does not grow with the file. A file COPY refuses (ragged rows, blank lines, not UTF-8,
a "\\." line) goes the row-by-row path, which reports it as before.
"""

from __future__ import annotations

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from binhyen.geo.choices import Level
from binhyen.schemes.choices import GroupKind

from . import staging_cells as cells
from .base import Row, Table, day, overlaps

FLUSH = 10_000
HOUSEHOLD_TYPES = {  # column → SQL type of its value
    "ref": "text", "residential_area_code": "text", "head_name": "text", "address": "text",
    "people": "int", "group_ref": "text", "joined_on": "date", "left_on": "date",
}  # fmt: skip
ROW_ERRORS = {  # status → the column its error is on
    "bad_ref": "ref", "no_unit": "residential_area_code", "move": "residential_area_code",
    "particulars": "ref", "give_group": "group_ref", "bad_group": "group_ref",
    "other_area": "group_ref", "joined_required": "joined_on", "before_group": "joined_on",
    "dissolved": "joined_on", "left_before": "left_on", "overlap": "group_ref",
}  # fmt: skip


class NotStaged(Exception):
    """The file body cannot go through COPY as the row-by-row reader would read it."""


def applies(run, table: Table) -> bool:
    """The one switch: a households CSV file, on PostgreSQL, imported by the system."""
    src = table.source
    return (
        table.kind == "households"
        and src is not None
        and src.header_line == 1
        and connection.vendor == "postgresql"
        and run.user is None
        and not run.errors
        and set(table.columns) <= set(HOUSEHOLD_TYPES)
        and all(c.type in cells.TYPES for c in src.columns.values())
    )


def import_households(run, table: Table) -> bool:
    """Import the table set-based; False (nothing done) when COPY refuses the file."""
    try:
        with transaction.atomic():
            stage(table)
    except (NotStaged, DatabaseError, psycopg.Error):
        return False
    _Staged(run, table).execute()
    return True


def stage(table: Table) -> None:
    src = table.source
    names = ", ".join(f"c{i}" for i in range(src.width))
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS import_hh_raw")
        texts = ", ".join(f"c{i} text" for i in range(src.width))
        cur.execute(f"CREATE TEMP TABLE import_hh_raw ({texts}, seq bigserial) ON COMMIT DROP")
        sql = f"COPY import_hh_raw ({names}) FROM STDIN WITH (FORMAT csv, HEADER true)"
        with cur.copy(sql) as copy, open(src.path, "rb") as fh:
            tail = b""
            while chunk := fh.read(1 << 16):
                if b"\\." in tail + chunk:  # COPY's end-of-data marker: a cell for csv
                    raise NotStaged
                copy.write(chunk)
                tail = chunk[-1:]


def parse_sql(table: Table) -> str:
    """import_hh: one row per non-blank record, its values and its cell errors."""
    src = table.source
    by_name = {c.name: (i, c) for i, c in src.columns.items()}
    clean = [f"{cells.clean(f'c{i}')} AS t_{c.name}" for i, c in src.columns.items()]
    raws = [f"c{i} AS r_{c.name}" for i, c in src.columns.items()]
    blank = " AND ".join(cells.blank(f"c{i}") for i in range(src.width))
    level1 = (
        f"SELECT seq + {src.header_line} AS line, {', '.join(clean + raws)} "
        f"FROM import_hh_raw WHERE NOT ({blank}) OFFSET 0"
    )
    dates = [c.name for c in src.columns.values() if c.type == "date"]
    parsed = [f"{cells.ymd(f't_{n}')} AS a_{n}" for n in dates]
    level2 = f"SELECT s1.*{''.join(', ' + p for p in parsed)} FROM ({level1}) s1 OFFSET 0"
    errors = []
    for c in src.columns.values():
        p = f"a_{c.name}" if c.type == "date" else f"t_{c.name}"
        errors.append(f"{cells.error_code(c, f't_{c.name}', p)} AS e_{c.name}")
    level3 = f"SELECT s2.*, {', '.join(errors)} FROM ({level2}) s2 OFFSET 0"
    out, any_error = ["line"], []
    for name, sql_type in HOUSEHOLD_TYPES.items():
        if name not in by_name:
            out += [f"NULL::{sql_type} AS {name}", f"NULL::text AS e_{name}", f"NULL AS x_{name}"]
            continue
        c = by_name[name][1]
        p = f"a_{name}" if c.type == "date" else f"t_{name}"
        shown = f"r_{name}" if c.type == "date" else f"t_{name}"  # as parse_cell shows it
        out += [
            f"{cells.value(c, f't_{name}', p, f'e_{name}')} AS {name}",
            f"e_{name}",
            f"CASE WHEN e_{name} IS NOT NULL THEN {shown} END AS x_{name}",
        ]
        any_error.append(f"e_{name} IS NOT NULL")
    out.append(f"({' OR '.join(any_error) or 'false'}) AS read_err")
    return f"SELECT {', '.join(out)} FROM ({level3}) s3"


DEFINE_SQL = """
CREATE TEMP TABLE import_hh_def ON COMMIT DROP AS
WITH d AS (
  SELECT DISTINCT ON (ref) ref, line, read_err, residential_area_code AS code, head_name,
    address, people, coalesce(joined_on, %(today)s::date) AS on_date
  FROM import_hh WHERE ref IS NOT NULL ORDER BY ref, line
), x AS (
  SELECT d.*, h.id AS hid, h.residential_area_id AS old_area, h.head_name AS old_head,
    h.address AS old_address, h.people AS old_people, ou.code AS old_code
  FROM d
  LEFT JOIN schemes_household h1 ON h1.ref = d.ref AND d.ref !~ '^#'
  LEFT JOIN schemes_household h ON h.id = coalesce(
    h1.id, CASE WHEN d.ref ~ '^#' THEN substr(d.ref, 2)::bigint END)
  LEFT JOIN geo_adminunit ou ON ou.id = h.residential_area_id
), resolved AS (
  SELECT x.ref, min(u.id) AS unit_id
  FROM x JOIN geo_adminunit u ON u.code = x.code AND u.level = %(level)s
  JOIN geo_unitversion v ON v.unit_id = u.id AND v.valid_from <= x.on_date
    AND (v.valid_to IS NULL OR v.valid_to >= x.on_date)
  WHERE NOT x.read_err AND (x.hid IS NULL OR x.old_code <> x.code)
  GROUP BY x.ref
), a AS (
  SELECT x.*, CASE WHEN x.hid IS NOT NULL AND x.old_code = x.code THEN x.old_area
    ELSE r.unit_id END AS area
  FROM x LEFT JOIN resolved r ON r.ref = x.ref
)
SELECT ref, line, hid, area, code, on_date,
  CASE WHEN read_err THEN 'read'
    WHEN ref ~ '^#' AND hid IS NULL THEN 'bad_ref'
    WHEN area IS NULL THEN 'no_unit'
    WHEN hid IS NOT NULL AND area <> old_area THEN 'move' END AS err,
  CASE WHEN hid IS NULL THEN 'created'
    WHEN head_name <> old_head
      OR (%(has_address)s AND coalesce(address, '') <> old_address)
      OR (%(has_people)s AND people IS DISTINCT FROM old_people) THEN 'updated'
    ELSE 'unchanged' END AS state,
  head_name AS p_head,
  CASE WHEN hid IS NULL OR %(has_address)s THEN coalesce(address, '') ELSE old_address END
    AS p_address,
  CASE WHEN hid IS NULL OR %(has_people)s THEN people ELSE old_people END AS p_people
FROM a
"""

ROWS_SQL = """
CREATE TEMP TABLE import_hh_rows ON COMMIT DROP AS
SELECT r.line, r.ref, d.hid, d.line = r.line AS defining, d.state, r.group_ref,
  r.joined_on, g.id AS gid, g.kind AS gkind, g.name AS gname, g.established_on AS g_est,
  g.dissolved_on AS g_end, coalesce(r.left_on, g.dissolved_on) AS eleft,
  CASE
    WHEN r.read_err THEN 'read'
    WHEN d.err IS NOT NULL THEN CASE WHEN d.line = r.line THEN d.err ELSE 'skip' END
    WHEN d.line <> r.line AND (r.head_name <> d.p_head
      OR (%(has_address)s AND coalesce(r.address, '') <> d.p_address)
      OR (%(has_people)s AND r.people IS DISTINCT FROM d.p_people)) THEN 'particulars'
    WHEN r.group_ref IS NULL THEN
      CASE WHEN r.joined_on IS NOT NULL OR r.left_on IS NOT NULL THEN 'give_group'
      ELSE 'none' END
    WHEN g.id IS NULL THEN 'bad_group'
    WHEN g.residential_area_id <> d.area THEN 'other_area'
    WHEN r.joined_on IS NULL THEN 'joined_required'
    WHEN r.joined_on < g.established_on THEN 'before_group'
    WHEN g.dissolved_on IS NOT NULL AND r.joined_on >= g.dissolved_on THEN 'dissolved'
    WHEN r.left_on < r.joined_on THEN 'left_before'
    ELSE 'member'
  END AS status
FROM import_hh r
LEFT JOIN import_hh_def d ON d.ref = r.ref
LEFT JOIN schemes_group g1 ON g1.ref = r.group_ref AND r.group_ref !~ '^#'
LEFT JOIN schemes_group g ON g.id = coalesce(
  g1.id, CASE WHEN r.group_ref ~ '^#' THEN substr(r.group_ref, 2)::bigint END)
"""

FOLD_SQL = """
WITH k AS (
  SELECT r.ref, r.hid FROM import_hh_rows r WHERE r.status = 'member' GROUP BY r.ref, r.hid
  HAVING count(*) > 1 OR (r.hid IS NOT NULL AND EXISTS (
    SELECT 1 FROM schemes_grouphousehold m WHERE m.household_id = r.hid))
)
SELECT k.ref, 0 AS src, NULL::bigint AS line, m.group_id, g.kind, g.name, m.joined_on,
  m.left_on, m.id
FROM k JOIN schemes_grouphousehold m ON m.household_id = k.hid
JOIN schemes_group g ON g.id = m.group_id
UNION ALL
SELECT r.ref, 1, r.line, r.gid, r.gkind, r.gname, r.joined_on, r.eleft, NULL
FROM import_hh_rows r JOIN k ON k.ref = r.ref WHERE r.status = 'member'
ORDER BY 1, 2, 3, 4, 7, 9
"""

ERRORS_SQL = """
SELECT line, ord, col, code, a, b, n FROM (
  {cells}
  SELECT r.line, 0 AS ord, NULL AS col, r.status AS code,
    CASE r.status WHEN 'bad_ref' THEN r.ref WHEN 'particulars' THEN r.ref
      WHEN 'no_unit' THEN d.code
      WHEN 'bad_group' THEN r.group_ref END AS a,
    CASE r.status WHEN 'no_unit' THEN d.on_date WHEN 'before_group' THEN r.g_est
      WHEN 'dissolved' THEN r.g_end WHEN 'left_before' THEN r.joined_on END AS b,
    d.line AS n
  FROM import_hh_rows r JOIN import_hh_def d ON d.ref = r.ref
  WHERE r.status NOT IN ('read', 'skip', 'none', 'member')
  UNION ALL
  SELECT line, 0, NULL, 'overlap', gname, gstart, NULL FROM import_hh_fold
  WHERE outcome = 'overlap'
) e ORDER BY line, ord LIMIT %(limit)s
"""

WRITE_SQL = (
    """
INSERT INTO schemes_household (ref, residential_area_id, head_name, address, people,
  search_name)
SELECT ref, area, p_head, p_address, p_people, left({fold}, 400)
FROM import_hh_def WHERE err IS NULL AND state = 'created' ORDER BY line
""",
    """
UPDATE schemes_household h SET head_name = d.p_head, address = d.p_address,
  people = d.p_people, search_name = left({fold}, 400)
FROM import_hh_def d WHERE h.id = d.hid AND d.err IS NULL AND d.state = 'updated'
""",
    """
INSERT INTO schemes_grouphousehold (group_id, household_id, joined_on, left_on)
SELECT r.gid, coalesce(r.hid, h.id), r.joined_on, r.eleft
FROM import_hh_rows r
LEFT JOIN import_hh_fold f ON f.line = r.line
LEFT JOIN schemes_household h ON r.hid IS NULL AND h.ref = r.ref
WHERE r.status = 'member' AND (f.line IS NULL OR f.outcome = 'created')
ORDER BY r.line
""",
    """
UPDATE schemes_grouphousehold m SET left_on = f.left_on
FROM import_hh_fold f WHERE f.outcome = 'updated' AND m.id = f.pk
""",
)

COUNTS_SQL = """
SELECT CASE WHEN (defining AND state = 'created') OR j = 'created' THEN 'created'
    WHEN (defining AND state = 'updated') OR j = 'updated' THEN 'updated'
    ELSE 'unchanged' END, count(*)
FROM (
  SELECT r.defining, r.state, CASE WHEN r.status = 'none' THEN ''
    ELSE coalesce(f.outcome, 'created') END AS j
  FROM import_hh_rows r LEFT JOIN import_hh_fold f ON f.line = r.line
  WHERE r.status IN ('none', 'member')
) x GROUP BY 1
"""


class _Staged:
    def __init__(self, run, table: Table):
        self.run, self.table = run, table
        self.params = {
            "today": run.today,
            "level": Level.RESIDENTIAL_AREA.value,
            "has_address": "address" in table.columns,
            "has_people": "people" in table.columns,
        }

    def execute(self) -> None:
        with connection.cursor() as cur:
            for name in ("import_hh", "import_hh_def", "import_hh_rows", "import_hh_fold"):
                cur.execute(f"DROP TABLE IF EXISTS {name}")
            cur.execute(f"CREATE TEMP TABLE import_hh ON COMMIT DROP AS {parse_sql(self.table)}")
            cur.execute("ANALYZE import_hh")
            cur.execute(DEFINE_SQL, self.params)
            cur.execute(ROWS_SQL, self.params)
            cur.execute("ANALYZE import_hh_rows")
            cur.execute(
                "CREATE TEMP TABLE import_hh_fold (line bigint PRIMARY KEY, outcome text, "
                "pk bigint, gname text, gstart date, left_on date) ON COMMIT DROP"
            )
        self.fold()
        with connection.cursor() as cur:
            self.report(cur)
            if self.run.progress:
                cur.execute("SELECT count(*) FROM import_hh")
                self.run.progress(self.table.kind, cur.fetchone()[0], True)
            if not self.run.writing:
                return
            folded = cells.fold("p_head || ' ' || p_address")
            for sql in WRITE_SQL:
                cur.execute(sql.replace("{fold}", folded))
            cur.execute(COUNTS_SQL)
            counts = self.run.counts["households"]
            for state, n in cur.fetchall():
                setattr(counts, state, getattr(counts, state) + n)

    # ---- the one-group-at-a-time rule, household by household ---------------------------
    def fold(self) -> None:
        """The rows of households on several rows or with memberships recorded before,
        each checked against the memberships before it as household_membership does."""
        out: list[tuple] = []
        key, memberships = None, []
        with connection.chunked_cursor() as cur:
            cur.execute(FOLD_SQL)
            while batch := cur.fetchmany(2000):
                for ref, src, line, gid, kind, name, start, end, pk in batch:
                    if ref != key:
                        key, memberships = ref, []
                    if src == 0:
                        memberships.append((gid, kind, name, start, end, pk))
                    else:
                        out.append(fold_row(memberships, line, gid, kind, name, start, end))
                if len(out) >= FLUSH:
                    self.flush(out)
        self.flush(out)

    @staticmethod
    def flush(out: list[tuple]) -> None:
        if out:
            with connection.cursor() as cur:
                sql = "COPY import_hh_fold (line, outcome, pk, gname, gstart, left_on) FROM STDIN"
                with cur.copy(sql) as copy:
                    for row in out:
                        copy.write_row(row)
            out.clear()

    # ---- errors -------------------------------------------------------------------------
    def report(self, cur) -> None:
        src = self.table.source
        selects = [
            f"SELECT line, {i + 1} AS ord, '{c.name}' AS col, e_{c.name} AS code, x_{c.name} AS a, "
            "NULL::date AS b, NULL::bigint AS n "
            f"FROM import_hh WHERE e_{c.name} IS NOT NULL UNION ALL"
            for i, c in src.columns.items()
        ]
        limit = self.run.max_errors - len(self.run.errors)
        cur.execute(ERRORS_SQL.replace("{cells}", "\n".join(selects)), {"limit": limit})
        columns = {c.name: c for c in src.columns.values()}
        for line, _ord, column, code, a, b, n in cur.fetchall():
            if column is not None:
                message = cells.message(code, columns[column], a)
            else:
                column, message = ROW_ERRORS[code], row_message(code, a, b, n)
            self.run.error(Row(line, {}), column, message)


def fold_row(memberships: list, line, gid, kind, name, joined, left) -> tuple:
    """(line, outcome, membership id, group, date, left): StructureRows.household_membership
    from the household's memberships so far (recorded ones carry their id)."""
    same = None
    for m in memberships:
        other, other_kind, other_name, start, end, pk = m
        is_group = other == gid
        if is_group and start == joined and pk is not None and same is None:
            same = m
            continue
        if not is_group and (kind, other_kind) != (GroupKind.INTER_HOUSEHOLD,) * 2:
            continue
        if overlaps(joined, left, start, end):
            return line, "overlap", None, other_name, start, None
    if same is not None:
        memberships.remove(same)
    memberships.append((gid, kind, name, joined, left, None))
    if same is None:
        return line, "created", None, None, None, None
    if same[4] == left:
        return line, "unchanged", same[5], None, None, None
    return line, "updated", same[5], None, None, left


def row_message(code: str, a, b, n) -> str:
    """The messages of StructureRows and RunBase for a row's refusal."""
    if code in ("bad_ref", "bad_group"):
        return _("No record has the reference %(ref)s.") % {"ref": a}
    if code == "no_unit":
        return _("No %(level)s has the code %(code)s on %(date)s.") % {
            "level": Level(Level.RESIDENTIAL_AREA).label.lower(),
            "code": a,
            "date": day(b),
        }
    if code == "move":
        return _("A household cannot move to another residential area.")
    if code == "particulars":
        return _("%(ref)s is on line %(line)d with other particulars.") % {"ref": a, "line": n}
    if code == "give_group":
        return _("Give the group the household joined.")
    if code == "other_area":
        return _("The household lives in another residential area.")
    if code == "joined_required":
        return _("This field is required.")
    if code == "before_group":
        what = _("the group's establishment")
        return _("The date cannot be before %(what)s (%(date)s).") % {"what": what, "date": day(b)}
    if code == "dissolved":
        return _("The group was dissolved on %(date)s.") % {"date": day(b)}
    if code == "left_before":
        what = _("the date joined")
        return _("The date cannot be before %(what)s (%(date)s).") % {"what": what, "date": day(b)}
    return _("The household is already in group %(group)s from %(date)s.") % {
        "group": a,
        "date": day(b),
    }
