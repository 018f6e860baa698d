"""The set-based households import on PostgreSQL (services/imports/staging.py, ADR 0011)
against the row-by-row path: the same files give the same errors (row, column, message)
and the same records; nothing is written on error or when it fails half-way."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import translation

from binhyen.schemes.importers import ImportRejected, import_files
from binhyen.schemes.models import GroupHousehold, Household
from binhyen.schemes.services.imports import staging

from .test_imports import snapshot, write_csv

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

GROUPS = [
    ["G-1", "9920201", "Tổ liên gia số 1", "inter_household", "15/03/2022", "", ""],
    ["G-2", "9920201", "Tổ liên gia số 2", "inter_household", "15/03/2022", "", ""],
    ["G-PC", "9920201", "Tổ liên gia PCCC", "fire_safety", "01/06/2023", "", ""],
    ["G-D", "9920201", "Tổ đã giải thể", "inter_household", "01/01/2020", "01/01/2023", ""],
    ["G-O", "9920202", "Tổ thôn khác", "inter_household", "01/01/2020", "", ""],
]
BEFORE = [  # recorded before the files below
    ["H-OLD", "9920201", "Trần Văn Cũ", "Số 1", "2", "G-1", "15/03/2022", ""],
    ["H-OLD2", "9920201", "Vũ Thị Hai", "Số 2", "3", "G-2", "15/03/2022", ""],
]
GOOD = [
    ["H-1", "9920201", "Lê Văn Hùng", "Số 3", "5", "G-1", "15/03/2022", ""],
    ["H-3", "9920201", " Đỗ Thị  Hoa ", "Số 11", "3", "G-1", "2022-03-15", "01/01/2024"],
    ["H-3", "9920201", "Đỗ Thị  Hoa", "Số 11", "3", "G-2", "1.1.2024", ""],
    ["H-1", "9920201", "Lê Văn Hùng", "Số 3", "5", "G-PC", "01/06/2023", ""],
    ["H-OLD", "9920201", "Trần Văn Mới", "Số 1", "2", "G-1", "15/03/2022", "01/06/2024"],
    ["H-OLD", "9920201", "Trần Văn Mới", "Số 1", "2", "G-2", "01/06/2024", ""],
    ["H-N", "9920201", "Phạm Thị Ngọc", "", "", "", "", ""],
    ["H-D", "9920201", "Hồ Văn Dũng", "", "1", "G-D", "01/01/2021", ""],
    ["", "", "", "", "", "", "", ""],
    ["{old2}", "9920201", "Vũ Thị Hai", "Số 2", "3", "G-2", "15/03/2022", ""],
]
BAD = [
    ["H-1", "9920201", "", "Số 3", "5", "G-1", "15/03/2022", ""],  # head required
    ["H-1", "9920201", "Lê Văn Hùng", "Số 3", "5", "G-2", "15/03/2022", ""],  # silent: H-1 refused
    ["a b", "99 20", "Lê", "", "nhiều", "G-1", "31/02/2024", " 2024-13-01 "],  # four cells
    ["H-2", "9920201", "x" * 121, "", "40000", "", "", ""],
    ["H-4", "9999999", "Ngô Văn Bốn", "", "", "", "", ""],  # no such area
    ["#999999999", "9920201", "Ngô Văn Năm", "", "", "", "", ""],  # no such record
    ["H-6", "9920201", "Bùi Thị Sáu", "", "", "G-9", "01/01/2024", ""],  # no such group
    ["H-6", "9920201", "Bùi Thị Sáu khác", "", "", "G-1", "01/01/2024", ""],  # particulars
    ["H-7", "9920201", "Hà Văn Bảy", "", "", "G-O", "01/01/2024", ""],  # other area
    ["H-8", "9920201", "Hà Văn Tám", "", "", "G-1", "01/01/2020", ""],  # before the group
    ["H-9", "9920201", "Hà Văn Chín", "", "", "G-D", "01/02/2023", ""],  # dissolved
    ["H-10", "9920201", "Hà Văn Mười", "", "", "G-1", "01/01/2024", "01/01/2023"],  # left
    ["H-11", "9920201", "Hà Văn Mười Một", "", "", "G-1", "", ""],  # joined required
    ["H-12", "9920201", "Hà Văn Mười Hai", "", "", "", "01/01/2024", ""],  # give the group
    ["H-13", "9920201", "Hà Thị Mười Ba", "", "", "G-1", "01/01/2023", ""],
    ["H-13", "9920201", "Hà Thị Mười Ba", "", "", "G-2", "01/06/2023", ""],  # overlap (file)
    ["H-OLD", "9920201", "Trần Văn Cũ", "Số 1", "2", "G-2", "01/01/2025", ""],  # recorded
    ["H-OLD2", "9920202", "Vũ Thị Hai", "Số 2", "3", "", "", ""],  # cannot move
    ["H-14", "9920201", "Hà Văn Mười Bốn", "", "", "G-1", "01/01/2023", ""],
    ["H-14", "9920201", "Hà Văn Mười Bốn", "", "x", "G-1", "01/01/2024", ""],  # reading error
]


@pytest.fixture
def recorded(demo, tmp_path):
    import_files([write_csv(tmp_path / "groups.csv", "groups", GROUPS)])
    with _python_path():
        import_files([write_csv(tmp_path / "before.csv", "households", BEFORE)])
    return Household.objects.get(ref="H-OLD2").pk


class _python_path:
    """The row-by-row path, whatever the database."""

    def __enter__(self):
        self.saved = staging.applies
        staging.applies = lambda run, table: False

    def __exit__(self, *exc):
        staging.applies = self.saved


def records() -> list:
    households = Household.objects.order_by("ref", "head_name").values_list(
        "ref", "residential_area__code", "head_name", "address", "people", "search_name"
    )
    memberships = GroupHousehold.objects.order_by(
        "household__ref", "household__head_name", "joined_on", "group__ref"
    ).values_list("household__ref", "household__head_name", "group__ref", "joined_on", "left_on")
    return [list(households), list(memberships)]


def outcome(path, staged: bool) -> tuple:
    """What importing the file does, then undone: (counts or errors, records after)."""
    used = []
    real = staging.import_households

    def spy(run, table):
        used.append("stopped")  # at the error cap, TooMany leaves it so
        used[-1] = real(run, table)
        return used[-1]

    with transaction.atomic(), translation.override("en"):
        staging.import_households = spy
        try:
            if staged:
                result = import_files([path])
            else:
                with _python_path():
                    result = import_files([path])
            counts = result.counts["households"]
            answer = ("imported", counts.created, counts.updated, counts.unchanged)
        except ImportRejected as exc:
            answer = ("rejected", [(e.line, e.column, e.message) for e in exc.errors])
        finally:
            staging.import_households = real
        after = records()
        transaction.set_rollback(True)
    assert used in ([[True], ["stopped"]] if staged else [[]]), used
    return answer, after


def test_good_file_gives_the_same_records_and_counts(recorded, tmp_path):
    rows = [[c.replace("{old2}", f"#{recorded}") for c in row] for row in GOOD]
    path = write_csv(tmp_path / "good.csv", "households", rows)
    staged, python = outcome(path, True), outcome(path, False)
    assert staged[0][0] == "imported"
    assert staged == python
    assert staged[0][1:] == (7, 1, 1)  # H-OLD updated, the #id row unchanged


def test_bad_file_gives_the_same_errors_and_writes_nothing(recorded, tmp_path):
    before = snapshot()
    path = write_csv(tmp_path / "bad.csv", "households", BAD)
    staged, python = outcome(path, True), outcome(path, False)
    assert staged[0][0] == "rejected"
    assert staged[0] == python[0]
    assert len(staged[0][1]) == 22
    assert staged[1] == python[1]
    assert snapshot() == before


def test_error_cap_stops_at_the_same_errors(recorded, tmp_path):
    rows = [[f"H-{i}", "9999999", "Ngô Văn", "", "", "", "", ""] for i in range(260)]
    path = write_csv(tmp_path / "many.csv", "households", rows)
    staged, python = outcome(path, True), outcome(path, False)
    assert staged[0] == python[0]
    assert len(staged[0][1]) == 200


def test_failure_half_way_leaves_nothing(recorded, tmp_path, monkeypatch):
    before, recorded_rows = snapshot(), records()
    rows = [row for row in GOOD if row[0] not in ("", "{old2}")]
    path = write_csv(tmp_path / "good.csv", "households", rows)
    monkeypatch.setattr(staging, "WRITE_SQL", (*staging.WRITE_SQL[:3], "SELECT 1 / 0"))
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert caught.value.errors[-1].line == 0  # the database's refusal
    assert snapshot() == before
    assert records() == recorded_rows


def test_a_file_copy_cannot_read_goes_the_row_by_row_way(recorded, tmp_path):
    path = tmp_path / "blank-line.csv"
    write_csv(path, "households", GOOD[:1])
    path.write_text(path.read_text(encoding="utf-8") + "\nH-2,9920201,Lê Thị,,,,,\n", "utf-8")
    used = []
    real = staging.import_households
    staging.import_households = lambda run, table: used.append(real(run, table)) or used[-1]
    try:
        result = import_files([path])
    finally:
        staging.import_households = real
    assert used == [False]
    assert result.counts["households"].created == 2
