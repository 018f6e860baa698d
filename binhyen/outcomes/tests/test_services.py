"""The registers' services: what a record may be, how a person is found again, and what
the audit log keeps. Assertions on field keys and data, never on translated text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from binhyen.core.models import AuditEntry
from binhyen.geo import queries as geo_queries
from binhyen.outcomes import services
from binhyen.outcomes.models import ManagedPerson, SupervisionPeriod, WeaponSurrender
from binhyen.outcomes.registers import LEDGERS
from binhyen.schemes import services as scheme_services

from .conftest import NAME, NEW, OLD, area_of, d, sibling_of

WEAPONS = LEDGERS["weapons"]


def _refused(call, *args, **kwargs) -> set[str]:
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    return set(exc.value.message_dict)


def test_a_record_is_audited_with_its_unit(record, merger):
    area = area_of(merger.merged_new)
    r = record("weapons", area, NEW, kind="explosives", quantity=Decimal("2.5"))
    entry = AuditEntry.objects.get(model="outcomes.weaponsurrender", object_id=str(r.pk))
    assert entry.action == "create" and entry.unit_id == area.pk
    assert Decimal(entry.after["quantity"]) == Decimal("2.5")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"date": geo_queries.today() + dt.timedelta(days=1)}, "date"),
        ({"kind": "hunting_gun", "quantity": Decimal("1.5")}, "quantity"),
        ({"quantity": Decimal("0")}, "quantity"),
        ({"kind": "rifle"}, "kind"),
        ({"unit": None}, "unit"),
    ],
)
def test_weapons_records_are_checked(merger, values, field):
    base = {"date": NEW, "unit": area_of(merger.merged_new), "kind": "explosives",
            "quantity": Decimal("1")}  # fmt: skip
    assert field in _refused(services.save_record, WEAPONS, **{**base, **values})
    assert not WeaponSurrender.objects.exists()


def test_a_record_sits_in_a_commune_or_area_in_force_on_its_date(record, merger):
    with pytest.raises(ValidationError) as exc:
        record("weapons", merger.province_new, NEW)
    assert set(exc.value.message_dict) == {"unit"}
    # the old commune closed on 30 Jun 2025: no record of it afterwards, fine before
    with pytest.raises(ValidationError) as exc:
        record("weapons", merger.merged_old, NEW)
    assert set(exc.value.message_dict) == {"unit"}
    assert record("weapons", merger.merged_old, OLD).unit == merger.merged_old


def test_counts_must_be_at_least_one_and_refs_unique(record, merger):
    area = area_of(merger.merged_new)
    with pytest.raises(ValidationError) as exc:
        record("registration-violations", area, cases=0)
    assert set(exc.value.message_dict) == {"cases"}
    record("pledges", area, ref="CK-1")
    with pytest.raises(ValidationError) as exc:
        record("pledges", area, ref="CK-1")
    assert set(exc.value.message_dict) == {"ref"}


def test_a_record_is_attributed_to_a_point_of_its_unit_existing_then(record, make_point, merger):
    area = area_of(merger.merged_new)
    point = make_point(area, established_on=d(2025, 7, 15))
    assert record("mediations", area, NEW, scheme=point).scheme == point
    # the commune of the point's area is fine too
    assert record("mediations", merger.merged_new, NEW, scheme=point).scheme == point
    with pytest.raises(ValidationError) as exc:
        record("mediations", area, d(2025, 7, 10), scheme=point)  # before the point
    assert set(exc.value.message_dict) == {"scheme"}
    elsewhere = area_of(sibling_of(merger.merged_new, merger.province_new))
    with pytest.raises(ValidationError) as exc:
        record("mediations", elsewhere, NEW, scheme=point)
    assert set(exc.value.message_dict) == {"scheme"}


def test_the_unit_is_the_points_when_only_a_point_is_given(make_point, merger):
    area = area_of(merger.merged_new)
    point = make_point(area, established_on=d(2025, 7, 15))
    r = services.save_record(LEDGERS["patrols"], date=NEW, scheme=point, patrols=3, people=12)
    assert r.unit == area


def test_a_correction_and_a_deletion_are_audited(record, merger):
    r = record("outreach-sessions", area_of(merger.merged_new), attendees=40)
    services.save_record(LEDGERS["outreach-sessions"], r, attendees=55)
    r.refresh_from_db()
    assert r.attendees == 55
    pk = r.pk
    services.delete_record(r)
    actions = AuditEntry.objects.filter(model="outcomes.outreachsession", object_id=str(pk))
    assert sorted(actions.values_list("action", flat=True)) == ["create", "delete", "update"]


# ---- managed persons -------------------------------------------------------------------


def test_the_same_name_and_year_is_the_same_person(intake, merger):
    area = area_of(merger.merged_new)
    first = intake(
        merger.merged_area, d(2023, 3, 1), exit_on=d(2024, 3, 1), exit_reason="completed"
    )
    again = intake(area, NEW, name=f"  {NAME.upper()} ")  # case and spaces do not matter
    other_year = intake(area, NEW, year=1991)
    assert first.person_id == again.person_id != other_year.person_id
    assert ManagedPerson.objects.count() == 2


def test_another_id_number_is_another_person_and_the_id_number_finds_a_person(intake, merger):
    area = area_of(merger.merged_new)
    a = intake(area, NEW, identity=services.Identity(NAME, 1990, "001090012345"))
    b = intake(area, NEW, identity=services.Identity(NAME, 1990, "001090099999"))
    assert a.person_id != b.person_id
    # the ID number finds the person whatever the name typed
    c = intake(
        area, NEW, kind="community_education",
        identity=services.Identity("Phạm T. Q. Hoa", 1990, "001090012345"),
    )  # fmt: skip
    assert c.person_id == a.person_id


def test_a_person_is_not_twice_under_the_same_supervision(intake, merger):
    area = area_of(merger.merged_new)
    intake(area, d(2025, 7, 10))
    with pytest.raises(ValidationError) as exc:
        intake(area, NEW)
    assert set(exc.value.message_dict) == {"intake_on"}
    assert intake(area, NEW, kind="community_education").kind == "community_education"
    assert SupervisionPeriod.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"exit_on": d(2025, 8, 2)}, "exit_reason"),
        ({"exit_reason": "completed"}, "exit_on"),
        ({"exit_on": d(2025, 7, 1), "exit_reason": "completed"}, "exit_on"),
        ({"kind": "prison"}, "kind"),
    ],
)
def test_intakes_are_checked(intake, merger, values, field):
    with pytest.raises(ValidationError) as exc:
        intake(area_of(merger.merged_new), NEW, **values)
    assert field in exc.value.message_dict
    assert not ManagedPerson.objects.exists()  # nobody recorded for a refused intake


def test_the_identity_is_required_for_someone_new(merger):
    with pytest.raises(ValidationError) as exc:
        services.take_in(
            identity=services.Identity("", None), kind="post_rehabilitation",
            intake_on=NEW, unit=area_of(merger.merged_new),
        )  # fmt: skip
    assert set(exc.value.message_dict) == {"full_name"}


def test_the_responsible_group_belongs_to_the_unit(intake, merger):
    area = area_of(merger.merged_new)
    group = scheme_services.create_group(residential_area=area, name="Tổ 1", established_on=OLD)
    assert intake(area, NEW, group=group).group == group
    elsewhere = area_of(sibling_of(merger.merged_new, merger.province_new))
    with pytest.raises(ValidationError) as exc:
        intake(elsewhere, NEW, group=group, year=1980)
    assert set(exc.value.message_dict) == {"group"}


def test_an_exit_and_the_exemplary_flag(intake, merger):
    period = intake(area_of(merger.merged_new), d(2025, 7, 10))
    services.end_period(period, d(2025, 9, 1), "completed", exemplary=True)
    period.refresh_from_db()
    assert (period.exit_on, period.exit_reason, period.exemplary) == (
        d(2025, 9, 1), "completed", True,
    )  # fmt: skip
    entry = AuditEntry.objects.filter(model="outcomes.supervisionperiod", action="update").get()
    assert entry.after["exemplary"] is True


def test_correcting_an_identity_finds_the_person_under_the_new_name(intake, merger):
    period = intake(area_of(merger.merged_new), NEW)
    person = period.person
    services.update_identity(person, full_name="Phạm Thị Hoa", id_number="001090011111")
    assert services.find_person(services.Identity("Phạm Thị Hoa", 1990)) == person
    assert services.find_person(services.Identity(NAME, 1990)) is None
    entry = AuditEntry.objects.filter(model="outcomes.managedperson").order_by("-id").first()
    assert entry.after == {"person": person.code, "fields": ["full_name", "id_number"]}


def test_deleting_the_last_intake_removes_the_person(intake, merger):
    area = area_of(merger.merged_new)
    first = intake(area, d(2025, 7, 10), exit_on=d(2025, 7, 20), exit_reason="moved")
    second = intake(area, NEW)
    services.delete_period(first)
    assert ManagedPerson.objects.filter(pk=second.person_id).exists()
    services.delete_period(second)
    assert not ManagedPerson.objects.exists()
