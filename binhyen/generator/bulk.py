"""The bulk path: rows written straight into a model's table, with ids assigned here so
that later rows can point at them without reading anything back.

PostgreSQL takes the rows through COPY, SQLite through executemany in one transaction
per batch; both convert each value with the field's own `get_db_prep_save`, so custom
fields (JSON, encrypted) are stored exactly as the ORM would store them. No signals and
no per-object audit: the caller writes one bulk audit entry per table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 20_000
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)
_NATIVE_PG = (models.DateField, models.DateTimeField)  # psycopg's COPY adapts them


def _sqlite_date(value):
    return None if value is None else value.isoformat()


def _sqlite_datetime(value):
    """As Django stores it on SQLite: UTC, without the offset."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


class Writer:
    """Collects rows of one model (by field name) and writes them in batches."""

    def __init__(self, model: type[models.Model], fields: Iterable[str], after=()):
        """`after`: the writers of rows these rows point at, flushed first (foreign keys
        are checked as rows are written)."""
        self.model = model
        self.after = tuple(after)
        meta = model._meta
        named = [meta.get_field(name) for name in fields]
        # columns not given take their model default, as the ORM would write them
        self.defaults = [
            f for f in meta.concrete_fields if f not in named and not f.primary_key and not f.null
        ]
        self.default_values = tuple(f.get_default() for f in self.defaults)
        self.fields = [meta.pk, *named, *self.defaults]
        self.table = meta.db_table
        self.columns = [f.column for f in self.fields]
        self.convert = [self._converter(f) for f in self.fields]
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.rows: list[tuple] = []
        self.written = 0

    def _converter(self, field):
        """None when the driver takes the Python value as it is; else a function."""
        postgres = connection.vendor == "postgresql"
        if isinstance(field, _PLAIN) or (postgres and isinstance(field, _NATIVE_PG)):
            return None
        if isinstance(field, models.DateTimeField):
            return _sqlite_datetime
        if isinstance(field, models.DateField):
            return _sqlite_date

        def convert(value, field=field):
            return None if value is None else field.get_db_prep_save(value, connection)

        return convert

    def add(self, *values) -> int:
        """Queue one row (values in the order of `fields`); returns its id."""
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *self.default_values))
        if len(self.rows) >= BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        for parent in self.after:
            parent.flush()
        rows = self.rows
        if any(self.convert):
            rows = [
                tuple(v if c is None else c(v) for v, c in zip(row, self.convert, strict=True))
                for row in rows
            ]
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                sql = f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) "
                    f"VALUES ({marks})",
                    rows,
                )
        self.written += len(self.rows)
        self.rows = []

    def close(self) -> int:
        """Write what is left and move the table's id sequence past the ids used."""
        self.flush()
        reset_sequences(self.model)
        return self.written


def reset_sequences(*model_list) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
