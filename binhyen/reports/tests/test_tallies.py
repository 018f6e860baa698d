"""The tally (ADR 0012): kept by triggers whatever writes the records, equal to a count
from scratch, and giving the same figures as the records for whole months."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from binhyen.reports import records, tallies, tally_sql
from binhyen.reports.models import Tally
from binhyen.schemes.queries import Scope
from binhyen.tips import services as tip_services
from binhyen.tips.models import Case, Suspect, Tip
from binhyen.tips.services.cases import add_suspect, record_arrest, save_case

pytestmark = pytest.mark.django_db


def tip(unit, day, channel="phone", category="drugs", hour=9):
    return tip_services.record_tip(
        received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(hour))),
        unit=unit,
        informant=None,
        channel=channel,
        category=category,
        description="Tin báo kiểm thử",
    )


def case(unit, opened, solved_on=None, category="drugs"):
    return save_case(
        None,
        number=f"{Case.objects.count() + 1}/TEST",
        category=category,
        unit=unit,
        opened_on=opened,
        closed_on=solved_on,
        solved=solved_on is not None,
    )


def cells() -> dict:
    return {
        (t.source, t.unit_id, t.month, t.a, t.b): t.records
        for t in Tally.objects.exclude(records=0)
    }


def rebuilt() -> dict:
    with connection.cursor() as cursor:
        for statement in tally_sql.rebuild_statements(connection.vendor):
            cursor.execute(statement)
    return cells()


def writes(province):
    """Every kind of write the triggers must follow."""
    area, commune, other = province.areas[0], province.communes[0], province.communes[1]
    tips = [
        tip(area, dt.date(2024, 1, 31), hour=23),  # 23:00 local is still January
        tip(area, dt.date(2024, 2, 1), hour=6),  # 06:00 local is the day before in UTC
        tip(commune, dt.date(2024, 2, 10), channel="hotline", category="theft"),
        tip(other, dt.date(2024, 3, 5)),
    ]
    Tip.objects.filter(pk=tips[0].pk).update(status="actionable", assessment="actionable")
    Tip.objects.filter(pk=tips[2].pk).update(
        status="actionable", assessment="actionable", category="fraud"
    )
    Tip.objects.filter(pk=tips[1].pk).update(unit=other)
    Tip.objects.filter(pk=tips[3].pk).update(
        received_at=timezone.make_aware(dt.datetime(2024, 5, 2, 10))
    )
    tip(area, dt.date(2024, 4, 4)).delete()
    solved = case(commune, dt.date(2024, 1, 2), dt.date(2024, 2, 20))
    open_case = case(other, dt.date(2024, 1, 2))
    first = add_suspect(solved, full_name="Nguyễn Văn A", arrested_on=dt.date(2024, 1, 5))
    add_suspect(solved, full_name="Trần Văn B", arrested_on=dt.date(2024, 3, 1))
    later = add_suspect(open_case, full_name="Lê Văn C")
    record_arrest(later, dt.date(2024, 2, 2))
    save_case(solved, unit=other)  # the case moves, its arrests with it
    save_case(open_case, closed_on=dt.date(2024, 3, 3), solved=True)
    first.delete()
    return tips


def parts(counted) -> dict:
    return {str(p.key): (p.label, p.value) for p in counted.parts if p.value}


def test_triggers_keep_the_tally_equal_to_a_count_from_scratch(nghe_an):
    writes(nghe_an)
    kept = cells()
    assert sum(n for k, n in kept.items() if k[0] == "tips.received") == Tip.objects.count()
    assert sum(n for k, n in kept.items() if k[0] == "cases.suspects_arrested") == (
        Suspect.objects.filter(arrested_on__isnull=False).count()
    )
    assert kept == rebuilt()


def test_local_months_not_utc_months(nghe_an):
    tip(nghe_an.areas[0], dt.date(2024, 1, 31), hour=23)
    tip(nghe_an.areas[0], dt.date(2024, 2, 1), hour=6)
    months = sorted(c[2] for c in cells() if c[0] == "tips.received")
    assert months == [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]


@pytest.mark.parametrize(
    "code", ["tips.received", "tips.actionable", "cases.solved", "cases.suspects_arrested"]
)
@pytest.mark.parametrize(
    "period",
    [
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),  # whole months: the tally alone
        (dt.date(2024, 1, 15), dt.date(2024, 5, 1)),  # cut at both ends: records for those days
    ],
)
def test_the_tally_gives_the_records_figures(nghe_an, monkeypatch, code, period):
    writes(nghe_an)
    start, end = period
    breakdowns = [None, "unit", records.AREA_KIND, *tallies.CHOICES.get(code, {})]
    nghe_an.communes[1].ethnic_minority_area = True
    nghe_an.communes[1].save()
    seen = 0
    for unit in (None, nghe_an.province, nghe_an.communes[0]):
        scope = Scope(unit, end)
        for by in breakdowns:
            with translation.override("en"), CaptureQueriesContext(connection) as ctx:
                tallied = records.count(code, scope, start, end, by)
            assert any("reports_tally" in q["sql"] for q in ctx.captured_queries)
            with monkeypatch.context() as m, translation.override("en"):
                m.setattr(tallies, "whole_months", lambda s, e: None)
                counted = records.count(code, Scope(unit, end), start, end, by)
            assert tallied.value == counted.value, (unit, by)
            assert parts(tallied) == parts(counted), (unit, by)
            seen += len(parts(tallied))
    assert seen


def test_whole_months_and_cut_days():
    d = dt.date
    assert tallies.whole_months(d(2024, 1, 1), d(2024, 12, 31)) == (
        d(2024, 1, 1),
        d(2024, 12, 31),
        [],
    )
    assert tallies.whole_months(d(2024, 1, 15), d(2024, 5, 1)) == (
        d(2024, 2, 1),
        d(2024, 4, 30),
        [(d(2024, 1, 15), d(2024, 1, 31)), (d(2024, 5, 1), d(2024, 5, 1))],
    )
    assert tallies.whole_months(d(2024, 12, 2), d(2025, 1, 30)) is None
    assert tallies.whole_months(d(2024, 2, 3), d(2024, 2, 20)) is None


def test_monthly_trend_from_the_tally_and_the_cut_days(nghe_an):
    from binhyen.reports.review import _monthly_records

    writes(nghe_an)
    scope = Scope(nghe_an.province, dt.date(2024, 12, 31))
    whole = tallies.monthly(
        "tips.received", scope, dt.date(2024, 1, 1), dt.date(2024, 12, 31), _monthly_records
    )
    assert whole == {"2024-01": 1, "2024-02": 2, "2024-05": 1}
    cut = tallies.monthly(
        "tips.received", scope, dt.date(2024, 1, 31), dt.date(2024, 5, 1), _monthly_records
    )
    assert cut == {"2024-01": 1, "2024-02": 2}


def test_a_tip_saved_is_in_the_next_whole_month_review(nghe_an):
    scope = Scope(nghe_an.province, dt.date(2024, 12, 31))
    period = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    before = records.count("tips.received", scope, *period).value
    tip(nghe_an.communes[0], dt.date(2024, 7, 7))
    assert records.count("tips.received", Scope(nghe_an.province, period[1]), *period).value == (
        before + 1
    )


def test_rebuild_command_repairs_a_damaged_tally(nghe_an):
    from django.core.management import call_command

    writes(nghe_an)
    kept = cells()
    Tally.objects.update(records=99)
    call_command("rebuild_tallies", stdout=io.StringIO())
    assert cells() == kept


def test_triggers_come_back_after_a_migration_rebuilds_a_table(nghe_an):
    """SQLite drops a table's triggers when a migration rebuilds it; post_migrate puts
    them back (and on PostgreSQL no trigger names a column, so columns can change)."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    expected = tally_sql.installed(connection)
    assert len(expected) >= 4
    with connection.cursor() as cursor:
        for statement in tally_sql.drop_statements(connection.vendor):
            cursor.execute(statement)
    assert not tally_sql.installed(connection)
    post_migrate.send(
        apps.get_app_config("reports"),
        app_config=apps.get_app_config("reports"),
        verbosity=0,
        interactive=False,
        using=connection.alias,
        apps=apps,
        plan=[],
    )
    assert tally_sql.installed(connection) == expected
    tip(nghe_an.areas[0], dt.date(2024, 6, 6))
    assert Tally.objects.filter(source="tips.received").get().records == 1
