"""Every import of the project fed malformed files: a clear error by row and column (the
error objects the importer returns, never a traceback), and nothing written.

`IMPORTERS` is the one table of the imports: each `import_*` command (the registry's
commands, import_units, import_boundaries; `test_every_import_is_in_the_table`
keeps it complete), with a valid row of its layout and the columns a malformed file is
refused on. `KINDS` are the malformed files, each built from valid rows. Every (importer,
kind) pair runs, unless `NOT_APPLICABLE` says why it cannot apply. What each pair must
give:

- `Row(line, column)`: the import is refused with exactly that row and column;
- `File()`: refused as a whole file (unreadable): the file is named, with a message;
- `Text(value)`: formulas in CSV cells are taken as text, stored as written, never
  evaluated (a CSV file has no formulas); in a workbook a formula cell is refused;
- `Argument()`: the date is an argument of the command, which refuses it;
- `Listed(code)`: a boundary whose code matches no unit on the date is listed, not
  imported (docs/boundaries.md).

Before and after every refused import, the rows of the tables the importer writes and
the audit log are compared whole, and every other table of the project is counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils.html import escape
from openpyxl import Workbook

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.certification import importers as certification
from binhyen.certification.views import exports as certification_pages
from binhyen.core.audit import audit_context
from binhyen.core.models import AuditEntry
from binhyen.core.spreadsheets import reading
from binhyen.core.spreadsheets.pages import ImportPages
from binhyen.core.spreadsheets.tables import ImportRejected
from binhyen.geo import boundaries
from binhyen.geo import importers as geo_importers
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.geo.services import imports as geo_imports
from binhyen.outcomes import importers as outcomes
from binhyen.outcomes.views import imports as outcome_pages
from binhyen.reports import importers as reports
from binhyen.reports.views import figures as figure_pages
from binhyen.schemes import importers as schemes
from binhyen.schemes.models import Group, Household, Organization
from binhyen.schemes.services.imports import staging
from binhyen.schemes.services.structure import create_group
from binhyen.schemes.views import imports as scheme_pages
from binhyen.tips import importers as tips
from binhyen.tips.models import Case
from binhyen.tips.views import imports as tip_pages

pytestmark = pytest.mark.django_db

AFTER = dt.date(2025, 8, 1)  # a day after the 1 Jul 2025 merger of the demo province
DAY = AFTER.strftime("%d/%m/%Y")
HUGE = "x" * 100_000
FORMULA = "=1+1"
HYPERLINK = '=HYPERLINK("http://evil.example/x","click")'
BAD_DATES = {"date_13_45": "2025-13-45", "date_31_02": "31/02/2025", "date_text": "hôm qua"}
MAX_MESSAGE = 1000  # an error message never repeats a huge cell whole


# ---- places of the demo province --------------------------------------------------------


@dataclass
class Places:
    communes: list[AdminUnit]  # in force today, in code order
    area: AdminUnit  # a residential area of communes[0], in force today
    old_code: str  # a commune code in force only before the merger
    group: str  # ref of a group of `area`

    @property
    def commune(self) -> AdminUnit:
        return self.communes[0]


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker) -> Places:
    """The demo province, loaded once for the module in a transaction rolled back at its
    end (each test runs in a savepoint of it, rolled back after the test)."""
    from binhyen.portal.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        with audit_context(source="test"):
            load_demo()
            current = AdminUnit.objects.filter(valid_to__isnull=True)
            communes = current.filter(level=Level.COMMUNE, code__startswith="99").order_by("code")
            communes = list(communes)
            area = current.filter(level=Level.RESIDENTIAL_AREA, code__startswith=communes[0].code)
            area = area.order_by("code").first()
            gone = (
                AdminUnit.objects.filter(level=Level.COMMUNE, valid_to=dt.date(2025, 6, 30))
                .exclude(code__in=current.values("code"))
                .order_by("code")
                .first()
            )
            group = create_group(residential_area=area, name="Tổ liên gia 1", established_on=AFTER)
            Group.objects.filter(pk=group.pk).update(ref="G-1")
        yield Places(communes, area, gone.code, "G-1")
        transaction.set_rollback(True)


# ---- the importers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Err:
    file: str
    line: int  # 0: the whole file
    column: str
    message: str


def _errors(exc) -> list[Err]:
    """The errors of a spreadsheet import (core.spreadsheets, geo.importers)."""
    return [Err(e.file, e.line, e.column, e.message) for e in exc.errors]


@dataclass(frozen=True)
class Importer:
    name: str
    command: str  # the management command
    app: str  # the app whose tables it writes
    kind: str | None  # the kind given, as the command's --kind or the page's select
    header: tuple[str, ...]
    row: Callable[[Places, int], dict[str, str]]  # the i-th valid row (distinct keys)
    text: str  # a free-text column (encodings, formulas, huge cells go there)
    key: str  # the column a duplicate row is refused on
    required: str  # a required column
    unit: str  # the unit code column
    date: str | None  # a date column; None: the date is the command's argument
    run: Callable[[list[Path], str | None, dt.date], object]  # raises a rejection
    rejection: tuple[type[Exception], ...] = (ImportRejected,)
    errors: Callable[[Exception], list[Err]] = _errors
    vietnamese: str = "Thôn Hòa Bình"  # a valid `text` in Vietnamese (cp1258, latin-1)
    stored: Callable[[str], bool] | None = None  # finds a text stored (None: refused)
    pages: ImportPages | None = None  # its upload pages
    geojson: bool = False  # reads GeoJSON, not CSV or XLSX

    def __str__(self) -> str:
        return self.name

    def written(self) -> list:
        return [*apps.get_app_config(self.app).get_models(), AuditEntry]


def _shared(module) -> Callable:
    def run(paths: list[Path], kind: str | None, on: dt.date):
        return module.import_files(paths, kind)

    return run


def _units(paths: list[Path], kind: str | None, on: dt.date):
    rows = geo_importers.read_units(paths[0])
    return geo_imports.import_structure(rows, on, files=(paths[0].name, ""))


def _boundaries(paths: list[Path], kind: str | None, on: dt.date):
    collection = boundaries.read_geojson(paths[0])
    return boundaries.import_boundaries(collection, on, source=paths[0].name)


def _boundary_errors(exc: boundaries.BoundariesRejected) -> list[Err]:
    """A feature's errors as a row's: feature i (0-based) is row i + 1."""

    def line(e) -> int:
        return 0 if e.index is None else e.index + 1

    return [Err("", line(e), e.field, e.message) for e in exc.errors]


def _names(model, field_name: str) -> Callable[[str], bool]:
    return lambda text: model.objects.filter(**{field_name: text}).exists()


def _host(p: Places, i: int) -> dict:
    return {"ref": f"TC-{i}", "kind": "agency", "name": f"Co quan {i}",
            "commune_code": p.commune.code, "established_on": DAY}  # fmt: skip


def _household(p: Places, i: int) -> dict:
    return {"ref": f"H-{i}", "residential_area_code": p.area.code, "head_name": f"Ho {i}",
            "people": "3", "group_ref": p.group, "joined_on": DAY}  # fmt: skip


def _case(p: Places, i: int) -> dict:
    return {"number": f"VV-{i}", "unit_code": p.commune.code, "category": "drugs",
            "opened_on": DAY, "summary": f"Tom tat {i}"}  # fmt: skip


def _weapons(p: Places, i: int) -> dict:
    return {"ref": f"VK-{i}", "date": DAY, "unit_code": p.commune.code, "kind": "hunting_gun",
            "quantity": "2", "notes": f"Ghi chu {i}"}  # fmt: skip


def _registration(p: Places, i: int) -> dict:
    return {"subject_type": "commune", "unit_code": p.communes[i].code, "year": "2026",
            "registered_on": "15/01/2026"}  # fmt: skip


def _figure(p: Places, i: int) -> dict:
    return {"indicator": "structure.groups", "unit_code": p.communes[i].code,
            "period_start": "01/07/2025", "period_end": "31/12/2025", "value": "5",
            "source_document": "Bao cao 1", "note": f"Ghi chu {i}"}  # fmt: skip


def _area(p: Places, i: int) -> dict:
    return {"code": f"{p.commune.code}9{i}", "name": f"Thon Moi {i}", "type": "Thôn",
            "commune_code": p.commune.code}  # fmt: skip


def _feature(p: Places, i: int) -> dict:
    return {"code": p.communes[i].code, "name": f"Xa {i}"}


IMPORTERS = [
    Importer(
        "schemes", "import_schemes", "schemes", "hosts", tuple(schemes.column_names("hosts")),
        _host, text="name", key="ref", required="commune_code", unit="commune_code",
        date="established_on", run=_shared(schemes), stored=_names(Organization, "name"),
        pages=scheme_pages.pages,
    ),
    Importer(
        "schemes-households", "import_schemes", "schemes", "households",
        tuple(schemes.column_names("households")), _household, text="head_name",
        key="group_ref", required="head_name", unit="residential_area_code", date="joined_on",
        run=_shared(schemes), stored=_names(Household, "head_name"),
    ),
    Importer(
        "tips", "import_tips", "tips", "cases", tuple(tips.column_names("cases")), _case,
        text="summary", key="number", required="opened_on", unit="unit_code",
        date="opened_on", run=_shared(tips), stored=_names(Case, "summary"), pages=tip_pages.pages,
    ),
    Importer(
        "outcomes", "import_outcomes", "outcomes", "weapons",
        tuple(outcomes.column_names("weapons")), _weapons, text="notes", key="ref",
        required="quantity", unit="unit_code", date="date", run=_shared(outcomes),
        stored=_names(apps.get_model("outcomes.WeaponSurrender"), "notes"),
        pages=outcome_pages.pages,
    ),
    Importer(
        "certification", "import_registrations", "certification", "registrations",
        tuple(certification.column_names("registrations")), _registration,
        text="subject_type", vietnamese="Xã", key="unit_code", required="registered_on",
        unit="unit_code", date="registered_on", run=_shared(certification),
        pages=certification_pages.pages,
    ),
    Importer(
        "reported-figures", "import_figures", "reports", "figures",
        tuple(reports.column_names("figures")), _figure, text="note", key="indicator",
        required="source_document", unit="unit_code", date="period_end", run=_shared(reports),
        stored=_names(apps.get_model("reports.ReportedFigure"), "note"),
        pages=figure_pages.pages,
    ),
    Importer(
        "units", "import_units", "geo", None, tuple(geo_importers.AREA_COLUMNS), _area,
        text="name", key="code", required="name", unit="commune_code", date=None, run=_units,
        rejection=(geo_importers.FileRejected, geo_imports.ImportRejected),
        errors=_errors, stored=_names(apps.get_model("geo.UnitVersion"), "name"),
    ),
    Importer(
        "boundaries", "import_boundaries", "geo", None, ("code", "name"), _feature,
        text="code", key="code", required="code", unit="code", date=None, run=_boundaries,
        rejection=(boundaries.BoundariesRejected,), errors=_boundary_errors, geojson=True,
    ),
]  # fmt: skip


# ---- what a pair must give -----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    line: int
    column: str


@dataclass(frozen=True)
class File:
    pass


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Argument:
    value: str


@dataclass(frozen=True)
class Listed:
    code: str


@dataclass
class Sample:
    """A malformed file and what the importer must make of it."""

    files: list[Path]
    expect: object


# ---- files ---------------------------------------------------------------------------------


def encode(text: str, encoding: str) -> bytes:
    """`text` as a program saving in `encoding` writes it: Windows-1258 keeps some
    Vietnamese letters whole and writes the others as a letter and a combining mark."""
    if encoding != "cp1258":
        return text.encode(encoding)
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            while marks and _encodable(unicodedata.normalize("NFC", base + marks[0])):
                base = unicodedata.normalize("NFC", base + marks.pop(0))
            out += (base + "".join(marks)).encode("cp1258")
    return out


def _encodable(text: str) -> bool:
    try:
        text.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


def csv_bytes(header, rows: list[dict], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return encode(out.getvalue(), encoding)


def xlsx_bytes(sheet: str, header, rows: list[dict]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append([row.get(name) or None for name in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def square(i: int) -> dict:
    x, y = 105 + i * 0.01, 21.0
    ring = [[x, y], [x + 0.005, y], [x + 0.005, y + 0.005], [x, y + 0.005], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def geojson_bytes(header, rows: list[dict], encoding: str = "utf-8") -> bytes:
    features = [
        {"type": "Feature", "properties": {k: row[k] for k in header if k in row},
         "geometry": square(i)}
        for i, row in enumerate(rows)
    ]  # fmt: skip
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return encode(text, encoding)


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def table_bytes(imp: Importer, rows: list[dict], encoding: str = "utf-8") -> tuple[str, bytes]:
    if imp.geojson:
        return "file.geojson", geojson_bytes(imp.header, rows, encoding)
    return "file.csv", csv_bytes(imp.header, rows, encoding)


def workbook(imp: Importer, rows: list[dict]) -> bytes:
    return xlsx_bytes(imp.kind or "units", imp.header, rows)


def line(imp: Importer, n: int) -> int:
    """The line of the n-th row (1-based) of a file: after the header, or feature n."""
    return n if imp.geojson else n + 1


def valid(imp: Importer, p: Places, n: int = 1, **changes) -> list[dict]:
    rows = [imp.row(p, i) for i in range(n)]
    rows[-1].update(changes)
    return rows


# ---- the malformed kinds -------------------------------------------------------------------


def _encoded(encoding: str):
    def build(imp, p, tmp):
        rows = valid(imp, p, **{imp.text: imp.vietnamese})
        name, data = table_bytes(imp, rows, encoding)
        expect = File() if imp.geojson else Row(line(imp, 1), imp.text)
        return Sample([write(tmp, name, data)], expect)

    return build


def _utf16(imp, p, tmp):
    name, data = table_bytes(imp, valid(imp, p), "utf-16")
    return Sample([write(tmp, name, data)], File())


def _bad_byte(imp, p, tmp):
    rows = valid(imp, p, 2, **{imp.text: "@@BAD@@"})
    name, data = table_bytes(imp, rows)
    data = data.replace(b"@@BAD@@", b"Th\xffn")
    return Sample([write(tmp, name, data)], File() if imp.geojson else Row(line(imp, 2), imp.text))


def _truncated(imp, p, tmp):
    data = workbook(imp, valid(imp, p))
    return Sample([write(tmp, "truncated.xlsx", data[: len(data) // 2])], File())


def _text_as_xlsx(imp, p, tmp):
    data = b"A note, not a workbook.\nSecond line.\n"
    return Sample([write(tmp, "note.xlsx", data)], File())


def _empty(imp, p, tmp):
    return Sample([write(tmp, "empty.xlsx", b"")], File())


def _zip_not_xlsx(imp, p, tmp):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return Sample([write(tmp, "letter.xlsx", out.getvalue())], File())


def _corrupt_sheet(imp, p, tmp):
    source = zipfile.ZipFile(io.BytesIO(workbook(imp, valid(imp, p, 2))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data[: int(len(data) * 0.8)]  # cut in the middle of the rows
            archive.writestr(item, data)
    return Sample([write(tmp, "corrupt.xlsx", out.getvalue())], File())


def _formula_csv(value: str):
    def build(imp, p, tmp):
        name, data = table_bytes(imp, valid(imp, p, **{imp.text: value}))
        expect = Text(value) if imp.stored else Row(line(imp, 1), imp.text)
        return Sample([write(tmp, name, data)], expect)

    return build


def _formula_xlsx(value: str):
    def build(imp, p, tmp):
        data = workbook(imp, valid(imp, p, **{imp.text: value}))
        return Sample([write(tmp, "formula.xlsx", data)], Row(line(imp, 1), imp.text))

    return build


def _huge_csv(imp, p, tmp):
    name, data = table_bytes(imp, valid(imp, p, **{imp.text: HUGE}))
    return Sample([write(tmp, name, data)], Row(line(imp, 1), imp.text))


def _huge_field(imp, p, tmp):  # beyond what Python's csv reads in one field
    name, data = table_bytes(imp, valid(imp, p, **{imp.text: "x" * 200_000}))
    return Sample([write(tmp, name, data)], Row(line(imp, 1), imp.text))


def _huge_code(imp, p, tmp):
    name, data = table_bytes(imp, valid(imp, p, **{imp.unit: "9" * 100_000}))
    return Sample([write(tmp, name, data)], Row(line(imp, 1), imp.unit))


def _huge_xlsx(imp, p, tmp):
    data = workbook(imp, valid(imp, p, **{imp.text: HUGE}))
    return Sample([write(tmp, "huge.xlsx", data)], Row(line(imp, 1), imp.text))


def _missing_column(imp, p, tmp):
    header = tuple(c for c in imp.header if c != imp.required)
    rows = valid(imp, p)
    if imp.geojson:
        data = geojson_bytes(header, rows)
        return Sample([write(tmp, "file.geojson", data)], Row(1, "code"))
    data = csv_bytes(header, rows)
    return Sample([write(tmp, "file.csv", data)], Row(1, imp.required))


def _duplicate(imp, p, tmp):
    rows = valid(imp, p) * 2
    name, data = table_bytes(imp, rows)
    return Sample([write(tmp, name, data)], Row(line(imp, 2), imp.key))


def _bad_date(text: str):
    def build(imp, p, tmp):
        rows = valid(imp, p, **({imp.date: text} if imp.date else {}))
        name, data = table_bytes(imp, rows)
        expect = Row(line(imp, 1), imp.date) if imp.date else Argument(text)
        return Sample([write(tmp, name, data)], expect)

    return build


def _code(kind: str):
    def build(imp, p, tmp):
        code = p.old_code if kind == "merged" else "00000"
        if imp.unit == "residential_area_code":
            code = p.old_code if kind == "merged" else "0000000"
        name, data = table_bytes(imp, valid(imp, p, **{imp.unit: code}))
        expect = Listed(code) if imp.geojson else Row(line(imp, 1), imp.unit)
        return Sample([write(tmp, name, data)], expect)

    return build


KINDS: dict[str, Callable] = {
    # wrong encoding
    "cp1258": _encoded("cp1258"),
    "latin1": _encoded("latin-1"),
    "utf16": _utf16,
    "bad_byte": _bad_byte,
    # broken workbooks
    "truncated_xlsx": _truncated,
    "text_as_xlsx": _text_as_xlsx,
    "empty_file": _empty,
    "zip_not_xlsx": _zip_not_xlsx,
    "corrupt_sheet": _corrupt_sheet,
    # formulas
    "formula_csv": _formula_csv(FORMULA),
    "hyperlink_csv": _formula_csv(HYPERLINK),
    "formula_xlsx": _formula_xlsx(FORMULA),
    "hyperlink_xlsx": _formula_xlsx(HYPERLINK),
    # huge cells
    "huge_csv": _huge_csv,
    "huge_code": _huge_code,
    "huge_field": _huge_field,
    "huge_xlsx": _huge_xlsx,
    # columns and rows
    "missing_column": _missing_column,
    "duplicate_row": _duplicate,
    # dates in the wrong format
    **{kind: _bad_date(text) for kind, text in BAD_DATES.items()},
    # unit codes that do not exist on the row's date
    "code_merged": _code("merged"),
    "code_unknown": _code("unknown"),
}

NO_CELLS = "GeoJSON has no cells (a workbook given instead is refused whole: *_xlsx)"
NOT_APPLICABLE = {
    ("boundaries", "utf16"): "JSON in UTF-16 is read correctly (json detects it)",
    **{("boundaries", kind): NO_CELLS for kind in ("formula_csv", "hyperlink_csv",
                                                 "formula_xlsx", "hyperlink_xlsx", "huge_xlsx")},
}  # fmt: skip
MATRIX = [
    pytest.param(imp, kind, id=f"{imp.name}-{kind}")
    for imp in IMPORTERS
    for kind in KINDS
    if (imp.name, kind) not in NOT_APPLICABLE
]


# ---- running a pair ------------------------------------------------------------------------


def project_models() -> list:
    return [m for m in apps.get_models() if m.__module__.startswith("binhyen.")]


def snapshot(imp: Importer) -> dict:
    """The rows of what the importer writes (and the audit log), and how many rows every
    other table of the project has."""
    written = imp.written()
    state = {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in written}
    for model in project_models():
        state.setdefault(model._meta.label, model.objects.count())
    return state


def spy_on_staging(monkeypatch) -> list[bool]:
    """Whether each households table went the set-based way (schemes staging.py)."""
    used: list[bool] = []
    real = staging.import_households

    def spy(run_, table) -> bool:
        used.append(real(run_, table))
        return used[-1]

    monkeypatch.setattr(staging, "import_households", spy)
    return used


@dataclass
class Outcome:
    result: object | None = None
    errors: list[Err] = field(default_factory=list)


def run(imp: Importer, sample: Sample) -> Outcome:
    try:
        return Outcome(imp.run(sample.files, imp.kind, AFTER))
    except imp.rejection as exc:
        return Outcome(errors=imp.errors(exc))


def run_argument(imp: Importer, sample: Sample) -> None:
    option = "--valid-from" if imp.command == "import_units" else "--on"
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(imp.command, str(sample.files[0]), f"{option}={sample.expect.value}",
                     stdout=out, stderr=out)  # fmt: skip


def check_errors(imp: Importer, sample: Sample, outcome: Outcome) -> None:
    assert outcome.result is None, f"accepted: {str(outcome.result)[:300]}"
    assert outcome.errors, "refused without an error"
    for e in outcome.errors:
        assert e.message.strip(), e
        assert len(e.message) < MAX_MESSAGE, f"message of {len(e.message)} characters"
        if not imp.geojson:
            assert e.file == sample.files[0].name, e
    if isinstance(sample.expect, Row):
        where = {(e.line, e.column) for e in outcome.errors}
        assert where == {(sample.expect.line, sample.expect.column)}, str(outcome.errors)[:500]


# the kinds whose households CSV reaches the import: on PostgreSQL its set-based path
STAGED = {"formula_csv", "hyperlink_csv", "huge_csv", "huge_code", "huge_field", "duplicate_row",
          *BAD_DATES, "code_merged", "code_unknown"}  # fmt: skip


@pytest.mark.parametrize("imp, kind", MATRIX)
def test_malformed_file(imp: Importer, kind: str, places, tmp_path, monkeypatch):
    sample = KINDS[kind](imp, places, tmp_path)
    staged = spy_on_staging(monkeypatch)
    before = snapshot(imp)
    if isinstance(sample.expect, Argument):
        run_argument(imp, sample)
        assert snapshot(imp) == before
        return
    outcome = run(imp, sample)
    if imp.name == "schemes-households" and kind in STAGED:
        assert staged == ([True] if connection.vendor == "postgresql" else [])
    if isinstance(sample.expect, Text):  # taken as text, stored as written
        assert not outcome.errors, outcome.errors
        assert imp.stored(sample.expect.value)
        return
    if isinstance(sample.expect, Listed):
        assert not outcome.errors, outcome.errors
        assert outcome.result.unmatched == [sample.expect.code]
    else:
        check_errors(imp, sample, outcome)
    assert snapshot(imp) == before


@pytest.mark.parametrize("imp", IMPORTERS, ids=str)
def test_the_valid_rows_import(imp: Importer, places, tmp_path):
    """The rows the malformed files are made of are valid: each kind's refusal is its
    malformation's, and the snapshot sees what the import writes."""
    name, data = table_bytes(imp, valid(imp, places, 2))
    before = snapshot(imp)
    outcome = run(imp, Sample([write(tmp_path, name, data)], None))
    assert not outcome.errors, outcome.errors
    assert snapshot(imp) != before


def test_every_import_is_in_the_table():
    """The table is the registry's: every import_* command, and every namespace with
    upload pages (an `ImportPages`: its import-template URL), is in it."""
    commands = {name for name in get_commands() if name.startswith("import_")}
    assert commands == {imp.command for imp in IMPORTERS}
    with_pages = set()
    for namespace in get_resolver().namespace_dict:
        try:
            reverse(f"{namespace}:import-template")
        except NoReverseMatch:
            continue
        with_pages.add(namespace)
    assert with_pages == {imp.pages.namespace for imp in IMPORTERS if imp.pages}
    assert not {k for _name, k in NOT_APPLICABLE} - set(KINDS)


# ---- the reader, beyond the matrix ---------------------------------------------------------


def test_a_byte_far_in_a_csv_file_is_found_on_its_line_and_column(tmp_path):
    """The text is decoded in blocks: the error names the line of the bad byte, not
    where the block that holds it begins."""
    rows = [{"ref": f"H-{i}", "residential_area_code": "9910101", "head_name": f"Ho {i}"}
            for i in range(3000)]  # fmt: skip
    data = csv_bytes(schemes.column_names("households"), rows)
    data = data.replace(b"Ho 2500,", b"H\xf4 2500,")  # "Hô" in Windows-1258
    path = write(tmp_path, "far.csv", data)
    with reading.opened(schemes.LAYOUT, [(path, path.name)]) as found:
        errors = [(r.line, r.errors) for r in found.tables[0].rows if r.errors]
    message = errors[0][1][0][1]
    assert errors == [(2502, [("head_name", message)])] and message


def test_text_that_only_starts_like_a_formula_is_text_in_a_workbook(places, tmp_path):
    """What the exports write (core.spreadsheets.safe: a text cell "=SUM(A1)") imports
    back as that text; only a formula cell is refused."""
    imp = next(i for i in IMPORTERS if i.name == "outcomes")
    book = Workbook()
    ws = book.active
    ws.title = imp.kind
    ws.append(list(imp.header))
    row = imp.row(places, 0) | {"notes": "=SUM(A1)"}
    ws.append([row.get(name) for name in imp.header])
    ws.cell(row=2, column=imp.header.index("notes") + 1).data_type = "s"
    book.save(tmp_path / "export.xlsx")
    outcome = run(imp, Sample([tmp_path / "export.xlsx"], None))
    assert not outcome.errors, outcome.errors
    assert imp.stored("=SUM(A1)")


# ---- the upload pages ----------------------------------------------------------------------

PAGES = [imp for imp in IMPORTERS if imp.pages]


@pytest.fixture
def officer(places):
    """A provincial officer of the demo province: every place of the rows is theirs."""
    province = AdminUnit.objects.get(level=Level.PROVINCE, code="99", valid_to__isnull=True)
    user = create_user("m.officer", "binhyen-demo-pass")
    grant_role(user, Role.PROVINCIAL_OFFICER, province)
    return user


@pytest.fixture
def uploads(settings, tmp_path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path / "var"


def _upload(client, imp: Importer, content, name: str):
    pages = imp.pages
    upload = io.BytesIO(content)
    upload.name = name
    data = {pages.kind_field: imp.kind, "file": upload}  # as the form orders them
    return client.post(reverse(pages.url_upload), data, follow=True)


def _left(uploads: Path) -> list[Path]:
    return [p for p in uploads.rglob("*") if p.is_file()]


@pytest.mark.parametrize("imp", PAGES, ids=str)
def test_the_page_refuses_a_file_over_the_limit_and_keeps_the_kind(
    imp, client, officer, uploads, monkeypatch
):
    monkeypatch.setattr(imp.pages, "max_upload_mb", 1)
    client.force_login(officer)
    before = snapshot(imp)
    response = _upload(client, imp, b"x" * (1024 * 1024 + 1), "big.csv")
    assert response.status_code == 400
    form = response.context["form"]
    assert [str(e) for e in form.non_field_errors()] == [imp.pages.too_large_message()]
    assert list(form.fields) == [imp.pages.kind_field, "file"]  # sent before the file
    assert form[imp.pages.kind_field].value() == imp.kind  # kept
    assert f'<option value="{imp.kind}" selected>' in response.content.decode()
    assert snapshot(imp) == before and not _left(uploads)


@pytest.mark.parametrize("kind", ["truncated_xlsx", "corrupt_sheet", "cp1258", "huge_csv"])
@pytest.mark.parametrize("imp", PAGES, ids=str)
def test_the_page_shows_a_broken_file_by_row_and_column(
    imp, kind, client, officer, places, uploads, tmp_path
):
    sample = KINDS[kind](imp, places, tmp_path)
    client.force_login(officer)
    before = snapshot(imp)
    response = _upload(client, imp, sample.files[0].read_bytes(), sample.files[0].name)
    assert response.status_code == 400
    page = response.content.decode()
    if "rejected" in response.context:  # checked as a job: the errors' table
        errors = [
            Err(e.file, e.line, e.column, e.message) for e in response.context["rejected"].errors
        ]
        check_errors(imp, sample, Outcome(errors=errors))
        assert all(escape(e.message) in page for e in errors)
    else:  # refused as it arrived: the form says why and keeps the kind
        assert isinstance(sample.expect, File)
        form = response.context["form"]
        assert form.errors["file"] and form[imp.pages.kind_field].value() == imp.kind
    assert snapshot(imp) == before and not _left(uploads)
