"""The rules of awards, through the services: each refusal with the field it is keyed by."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from binhyen.awards import queries, services
from binhyen.awards.choices import CollectiveKind, NominationStatus, RecipientKind
from binhyen.awards.models import Achievement, Nomination, Person
from binhyen.core import crypto
from binhyen.core.models import AuditEntry
from binhyen.schemes import services as scheme_services
from binhyen.tips.services.cases import save_case

from .conftest import DECIDED_ON, area_of, authority, d, form

pytestmark = pytest.mark.django_db


def refused(field: str, call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert field in info.value.message_dict, info.value.message_dict
    return info.value


# ---- catalogue -------------------------------------------------------------------------------


def test_catalogue_is_edited_by_admins_and_provincial_officers(triangle):
    made = services.create_authority(
        triangle.parent_officer,
        code="chu-tich-ubnd-huyen",
        name="Chủ tịch UBND huyện",
        level="commune",
    )
    award = services.create_form(
        triangle.admin,
        code="giay-khen-xa",
        name="Giấy khen xã",
        kind="commendation",
        authorities=[made],
    )
    assert list(award.authorities.all()) == [made]
    services.update_form(triangle.admin, award, min_service_years=3)
    award.refresh_from_db()
    assert award.min_service_years == 3
    assert list(award.authorities.all()) == [made]  # unchanged when not given
    with pytest.raises(PermissionDenied):
        services.create_form(triangle.officer, code="x", name="X", kind="other", authorities=[made])
    refused(
        "code",
        services.create_form,
        triangle.admin,
        code="bang-khen",
        name="B",
        kind="other",
        authorities=[made],
    )
    refused(
        "authorities",
        services.create_form,
        triangle.admin,
        code="new",
        name="N",
        kind="other",
        authorities=[],
    )
    refused(
        "kind",
        services.create_form,
        triangle.admin,
        code="new",
        name="N",
        kind="?",
        authorities=[made],
    )
    refused("level", services.update_authority, triangle.admin, made, level="galaxy")
    assert AuditEntry.objects.filter(model="awards.awardform", object_id=str(award.pk)).exists()


# ---- occasions -----------------------------------------------------------------------------


def test_occasion_unit_must_be_in_jurisdiction(triangle, occasion):
    values = dict(
        name="X",
        kind="movement_day",
        held_on=d(2025, 8, 19),
        period_start=d(2024, 8, 19),
        period_end=d(2025, 8, 18),
    )
    refused("unit", services.create_occasion, triangle.officer, unit=triangle.parent, **values)
    refused("unit", services.create_occasion, triangle.outsider, unit=triangle.unit, **values)
    own = services.create_occasion(triangle.officer, unit=triangle.unit, **values)
    assert own.unit == triangle.unit
    refused("period_end", services.update_occasion, triangle.officer, own, period_end=d(2024, 1, 1))
    refused("unit", services.update_occasion, triangle.officer, occasion, name="Y")


def test_occasions_visible_in_and_above_jurisdiction(triangle, occasion):
    assert occasion in queries.occasions_for_user(triangle.officer)  # the province's round
    assert occasion in queries.occasions_for_user(triangle.parent_officer)
    assert occasion not in queries.occasions_for_user(triangle.outsider)


# ---- people ----------------------------------------------------------------------------------


def test_person_id_number_encrypted_and_found_by_blind_index(triangle, person):
    who = person(id_number="0012 3456 7890")
    stored = Person.objects.get(pk=who.pk)
    assert "001234567890" not in stored.id_number
    assert crypto.decrypt(stored.id_number) == "001234567890"
    assert stored.id_key == services.id_key("001234567890")
    found = queries.search_people(queries.people_for_user(triangle.officer), "001234567890")
    assert list(found) == [who]
    assert (
        list(queries.search_people(queries.people_for_user(triangle.outsider), "001234567890"))
        == []
    )
    by_name = queries.search_people(queries.people_for_user(triangle.officer), "văn an")
    assert list(by_name) == [who]


def test_same_id_number_is_the_same_person(triangle, person):
    first = person(id_number="001234567890")
    error = refused("id_number", person, name="Someone Else", id_number=" 001234567890 ")
    duplicate = error.error_dict["id_number"][0]
    assert duplicate.code == "duplicate" and duplicate.params == {"pk": first.pk}
    other = person(name="Trần Thị Bình", id_number="009876543210")
    refused("id_number", services.update_person, triangle.officer, other, id_number="001234567890")
    refused("id_number", person, name="Short", id_number="12345")
    services.update_person(triangle.officer, other, position="Tổ trưởng")
    other.refresh_from_db()
    assert crypto.decrypt(other.id_number) == "009876543210"  # kept when not given


def test_person_unit_in_jurisdiction(triangle, person):
    refused("unit", person, user=triangle.outsider)
    refused("service_since", person, service_since=1980, birth_year=1975)


# ---- nominations ----------------------------------------------------------------------------


def test_proposal_of_a_scheme_point(triangle, occasion, nominate, point):
    p = point()
    n = nominate(scheme=p, achievements=[p, "Không để xảy ra tội phạm"])
    assert n.status == NominationStatus.PROPOSED
    assert n.unit == p.unit and n.proposed_by == triangle.officer
    rows = list(n.achievements.order_by("pk"))
    assert rows[0].record == p and rows[1].record is None
    assert n in queries.nominations_for_user(triangle.parent_officer)
    assert n not in queries.nominations_for_user(triangle.outsider)


def test_authority_must_award_the_form(nominate, point):
    refused("authority", nominate, scheme=point(), authority_code="giam-doc-cat")


def test_recipient_consistent_with_kind(triangle, nominate, point, person):
    p = point()
    refused("scheme", nominate, recipient_kind="collective", collective_kind="scheme")
    refused("collective_kind", nominate, recipient_kind="collective", scheme=p)
    refused("scheme", nominate, scheme=p, person=person())  # an individual named with a point
    refused("person", nominate, recipient_kind=RecipientKind.INDIVIDUAL)
    refused("household", nominate, recipient_kind=RecipientKind.HOUSEHOLD)
    refused("collective_kind", nominate, person=person(name="B"), collective_kind="scheme")
    refused("recipient_kind", nominate, recipient_kind="alien", scheme=p)


def test_unit_derived_from_each_recipient(triangle, nominate, person):
    area = area_of(triangle.unit)
    group = scheme_services.create_group(
        residential_area=area, name="Tổ 1", established_on=d(2025, 7, 1)
    )
    household = scheme_services.create_household(residential_area=area, head_name="Lê Văn C")
    org = scheme_services.save_organization(
        None, kind="enterprise", name="Công ty A", commune=triangle.unit
    )
    assert nominate(group=group, form_code="giay-khen", authority_code="giam-doc-cat").unit == area
    assert (
        nominate(household=household, form_code="giay-khen", authority_code="giam-doc-cat").unit
        == area
    )
    assert nominate(organization=org).unit == triangle.unit
    assert nominate(recipient_unit=area).unit == area
    who = person(unit=area)
    assert nominate(person=who).unit == area


def test_recipient_outside_jurisdiction(triangle, nominate, point, occasion):
    p = point()
    refused("scheme", nominate, user=triangle.outsider, scheme=p)
    with pytest.raises(ValidationError):
        nominate(user=triangle.officer, recipient_unit=triangle.parent)


def test_one_achievement_not_rewarded_twice_by_the_same_form(triangle, nominate, point, award):
    p = point()
    case = save_case(
        None, number="15/VA", category="drugs", unit=triangle.unit, opened_on=d(2025, 3, 1)
    )
    first = nominate(scheme=p, achievements=[case])
    other = point(name="Điểm khác")
    error = refused("achievements", nominate, scheme=other, achievements=[case])
    assert str(first.pk) in error.message_dict["achievements"][0]
    # another form may reward it
    nominate(scheme=other, achievements=[case], form_code="co-thi-dua")
    # a rejected nomination frees it
    services.review(triangle.parent_officer, first, approve=False, reason="Chưa tiêu biểu")
    assert nominate(scheme=other, achievements=[case]).achievements.get().record == case


def test_same_recipient_same_form_same_occasion(triangle, nominate, point):
    p = point()
    nominate(scheme=p)
    refused("form", nominate, scheme=p, authority_code="bo-truong-bca")
    nominate(scheme=p, form_code="co-thi-dua")  # another form is fine


def test_commemorative_medal_once_in_a_life_and_individuals_only(
    triangle, nominate, point, person, award
):
    medal = {"form_code": "kniem-chuong-bvantq", "authority_code": "bo-truong-bca"}
    refused("form", nominate, scheme=point(), **medal)
    who = person(id_number="001234567890", service_since=2010)
    first = nominate(person=who, **medal)
    refused("person", nominate, person=who, **medal)  # pending counts
    award(first)
    other = services.create_occasion(
        triangle.parent_officer,
        name="19/8/2026",
        kind="movement_day",
        held_on=d(2026, 8, 19),
        unit=triangle.parent,
        period_start=d(2025, 8, 19),
        period_end=d(2026, 8, 18),
    )
    refused("person", nominate, person=who, occasion=other, **medal)  # awarded counts
    same_id = Person.objects.get(pk=who.pk)  # the same ID number is the same person
    assert services.find_by_id_number("0012 3456 7890") == same_id


def test_medal_years_of_service(triangle, nominate, person):
    medal = {"form_code": "kniem-chuong-bvantq", "authority_code": "bo-truong-bca"}
    refused("person", nominate, person=person(name="Mới", service_since=2023), **medal)
    refused("person", nominate, person=person(name="Chưa rõ", service_since=None), **medal)
    assert nominate(person=person(name="Lâu năm", service_since=2020), **medal)  # 2025 - 2020 = 5


def test_medal_years_checked_at_the_decision_date(triangle, nominate, person, award):
    medal = {"form_code": "kniem-chuong-bvantq", "authority_code": "bo-truong-bca"}
    who = person(service_since=2020)
    n = nominate(person=who, **medal)
    services.review(triangle.parent_officer, n)
    refused(
        "person",
        services.decide,
        triangle.parent_officer,
        n,
        awarded=True,
        decision_number="1/QĐ",
        decision_date=d(2024, 12, 31),
        signer="Bộ trưởng",
    )


def test_people_under_prosecution_refused_at_proposal_and_decision(triangle, nominate, person):
    accused = person(name="Bị can", under_prosecution=True)
    refused("person", nominate, person=accused)
    who = person(name="Sau này bị khởi tố")
    n = nominate(person=who)
    services.review(triangle.parent_officer, n)
    services.update_person(triangle.officer, who, under_prosecution=True)
    refused(
        "person",
        services.decide,
        triangle.parent_officer,
        n,
        awarded=True,
        decision_number="1/QĐ",
        decision_date=DECIDED_ON,
        signer="Chủ tịch",
    )
    assert Nomination.objects.get(pk=n.pk).status == NominationStatus.REVIEWED


def test_decision_needs_number_date_signer_or_reason(triangle, nominate, point):
    n = nominate(scheme=point())
    services.review(triangle.parent_officer, n)
    ok = {"decision_number": "12/QĐ", "decision_date": DECIDED_ON, "signer": "Chủ tịch"}
    for missing in ok:
        refused(
            missing,
            services.decide,
            triangle.parent_officer,
            n,
            awarded=True,
            **{**ok, missing: None if missing == "decision_date" else ""},
        )
    refused(
        "decision_date",
        services.decide,
        triangle.parent_officer,
        n,
        awarded=True,
        **{**ok, "decision_date": dt.date(2999, 1, 1)},
    )
    refused("reason", services.decide, triangle.parent_officer, n, awarded=False)
    services.decide(triangle.parent_officer, n, awarded=True, **ok)
    n.refresh_from_db()
    assert (n.status, n.decision_number, n.signer) == ("awarded", "12/QĐ", "Chủ tịch")


def test_status_moves_follow_next(triangle, nominate, point):
    n = nominate(scheme=point())
    ok = {"decision_number": "12/QĐ", "decision_date": DECIDED_ON, "signer": "Chủ tịch"}
    refused("status", services.decide, triangle.parent_officer, n, awarded=True, **ok)
    refused("reason", services.review, triangle.parent_officer, n, approve=False)
    services.review(triangle.parent_officer, n)
    refused("status", services.review, triangle.parent_officer, n)
    services.decide(triangle.parent_officer, n, awarded=False, reason="Không đủ điều kiện")
    refused("status", services.decide, triangle.parent_officer, n, awarded=True, **ok)
    assert Nomination.objects.get(pk=n.pk).reason == "Không đủ điều kiện"


def test_review_and_decision_by_the_organising_unit(triangle, nominate, point):
    n = nominate(scheme=point())
    with pytest.raises(PermissionDenied):
        services.review(triangle.officer, n)  # a commune officer proposes, the province decides
    with pytest.raises(PermissionDenied):
        services.review(triangle.outsider, n)


def test_nothing_is_kept_of_a_refused_proposal(nominate, point):
    p = point()
    before = (Nomination.objects.count(), Achievement.objects.count())
    refused("authority", nominate, scheme=p, authority_code="giam-doc-cat", achievements=[p, "x"])
    assert (Nomination.objects.count(), Achievement.objects.count()) == before


def test_achievement_needed(nominate, point):
    refused("achievements", nominate, scheme=point(), achievements=[])
    assert nominate(scheme=point(name="B"), achievements=[], summary="Tổng hợp thành tích")


def test_recipient_must_be_under_the_organising_unit(triangle, nominate, point):
    own = services.create_occasion(
        triangle.officer,
        name="Xã",
        kind="other",
        held_on=d(2025, 12, 1),
        unit=triangle.unit,
        period_start=d(2025, 1, 1),
        period_end=d(2025, 11, 30),
    )
    nominate(scheme=point(), occasion=own, form_code="giay-khen", authority_code="chu-tich-ubnd-xa")
    error = refused(
        "recipient_unit",
        nominate,
        user=triangle.parent_officer,
        occasion=own,
        recipient_unit=triangle.parent,
        collective_kind=CollectiveKind.UNIT,
    )
    assert error


def test_form_and_authority_helpers(triangle):
    assert authority("chu-tich-ubnd-tinh") in form("bang-khen").authorities.all()
