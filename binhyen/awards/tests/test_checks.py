"""Checks added after the code review: four eyes (the proposer neither reviews nor
decides), the authority's level against the occasion's organising unit, the kinds of
recipient of each form, a duplicate ID number outside the user's jurisdiction, text
lengths on the API, and the name search without diacritics."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.awards import queries, services
from binhyen.awards.choices import AuthorityLevel, NominationStatus, authority_levels_for
from binhyen.awards.forms import ProposeForm
from binhyen.awards.models import Nomination, Person
from binhyen.geo.models import AdminUnit
from binhyen.schemes import services as scheme_services

from .conftest import DECIDED_ON, URLS, area_of, d

pytestmark = pytest.mark.django_db

DECISION = {"decision_number": "12/QĐ-UBND", "decision_date": DECIDED_ON, "signer": "Chủ tịch"}


def refused(field: str, call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert field in info.value.message_dict, info.value.message_dict
    return info.value


@pytest.fixture
def second_officer(triangle):
    """Another provincial officer of the same province (the awards officer)."""
    from binhyen.portal.demo import DEMO_PASSWORD

    user = create_user("t.parent2", DEMO_PASSWORD)
    grant_role(user, Role.PROVINCIAL_OFFICER, triangle.parent)
    return user


@pytest.fixture
def commune_occasion(triangle):
    return services.create_occasion(
        triangle.officer,
        name="Tổng kết xã",
        kind="other",
        held_on=d(2025, 12, 1),
        unit=triangle.unit,
        period_start=d(2025, 1, 1),
        period_end=d(2025, 11, 30),
    )


# ---- 1. four eyes ----------------------------------------------------------------------------


def test_the_proposer_neither_reviews_nor_decides(triangle, nominate, point, second_officer):
    n = nominate(user=triangle.parent_officer, scheme=point())
    assert n.proposed_by == triangle.parent_officer
    with translation.override("en"):
        error = refused("proposed_by", services.review, triangle.parent_officer, n)
    assert "another officer" in error.message_dict["proposed_by"][0]
    refused("proposed_by", services.review, triangle.parent_officer, n, approve=False, reason="x")
    assert Nomination.objects.get(pk=n.pk).status == NominationStatus.PROPOSED
    services.review(second_officer, n)
    refused("proposed_by", services.decide, triangle.parent_officer, n, awarded=True, **DECISION)
    refused("proposed_by", services.decide, triangle.parent_officer, n, awarded=False, reason="x")
    assert Nomination.objects.get(pk=n.pk).status == NominationStatus.REVIEWED
    services.decide(second_officer, n, awarded=True, **DECISION)  # the reviewer may decide
    assert Nomination.objects.get(pk=n.pk).status == NominationStatus.AWARDED


def test_the_proposer_page_offers_no_review(client, settings, triangle, nominate, point):
    settings.ROOT_URLCONF = URLS
    n = nominate(user=triangle.parent_officer, scheme=point())
    client.force_login(triangle.parent_officer)
    page = client.get(reverse("awards:nomination", args=[n.pk])).content.decode()
    assert 'id="review"' not in page and "data-own-proposal" in page
    response = client.post(reverse("awards:nomination-review", args=[n.pk]), {"approve": "1"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert Nomination.objects.get(pk=n.pk).status == NominationStatus.PROPOSED
    other = nominate(scheme=point(name="Điểm khác"))  # proposed by the commune officer
    page = client.get(reverse("awards:nomination", args=[other.pk])).content.decode()
    assert 'id="review"' in page and "data-own-proposal" not in page


def test_the_proposer_is_refused_by_the_api(settings, triangle, nominate, point):
    settings.ROOT_URLCONF = URLS
    n = nominate(user=triangle.parent_officer, scheme=point())
    api = APIClient()
    api.force_authenticate(triangle.parent_officer)
    response = api.post(f"/api/v1/award-nominations/{n.pk}/review/", {"approve": True})
    assert response.status_code == 400 and "proposed_by" in response.json()


# ---- 2a. the authority's level and the organising unit ---------------------------------------


def test_authority_level_fits_the_organising_unit(triangle, nominate, point, commune_occasion):
    p = point()
    own = {"occasion": commune_occasion, "form_code": "giay-khen"}
    with translation.override("en"):
        error = refused("authority", nominate, scheme=p, authority_code="giam-doc-cat", **own)
    assert "organised by" in error.message_dict["authority"][0]
    refused("authority", nominate, scheme=p, authority_code="cuc-truong-v05", **own)
    refused(
        "authority",
        nominate,
        scheme=p,
        occasion=commune_occasion,
        form_code="co-thi-dua",
        authority_code="chu-tich-ubnd-tinh",
    )
    assert nominate(scheme=p, authority_code="chu-tich-ubnd-xa", **own)
    # the province's occasion: its own authorities and those above, not the commune's
    refused(
        "authority", nominate, scheme=p, form_code="giay-khen", authority_code="chu-tich-ubnd-xa"
    )
    assert nominate(scheme=p, form_code="giay-khen", authority_code="giam-doc-cat")
    assert nominate(scheme=p, form_code="co-thi-dua", authority_code="bo-truong-bca")


def test_levels_by_organising_unit():
    assert authority_levels_for("commune") == {AuthorityLevel.COMMUNE}
    assert authority_levels_for("residential_area") == {AuthorityLevel.COMMUNE}
    assert authority_levels_for("province") == {
        AuthorityLevel.PROVINCE,
        AuthorityLevel.PROVINCIAL_POLICE,
        AuthorityLevel.MINISTRY,
        AuthorityLevel.MINISTRY_DEPARTMENT,
    }
    offered = ProposeForm(authority_levels=authority_levels_for("commune"))
    assert set(offered.fields["authority"].queryset.values_list("level", flat=True)) == {
        AuthorityLevel.COMMUNE
    }


# ---- 2b. the kinds of recipient of each form -------------------------------------------------


def test_emulation_flag_goes_to_collectives_only(triangle, nominate, point, person):
    flag = {"form_code": "co-thi-dua", "authority_code": "chu-tich-ubnd-tinh"}
    with translation.override("en"):
        error = refused("form", nominate, person=person(), **flag)
    assert "collectives only" in error.message_dict["form"][0]
    household = scheme_services.create_household(
        residential_area=area_of(triangle.unit), head_name="Lê Văn C"
    )
    refused("form", nominate, household=household, **flag)
    assert nominate(scheme=point(), **flag)
    # certificates go to anyone
    assert nominate(person=person(name="Cá nhân"))
    assert nominate(household=household, form_code="giay-khen", authority_code="giam-doc-cat")


def test_commemorative_medal_goes_to_individuals_only(triangle, nominate, point):
    household = scheme_services.create_household(
        residential_area=area_of(triangle.unit), head_name="Lê Văn D"
    )
    medal = {"form_code": "kniem-chuong-bvantq", "authority_code": "bo-truong-bca"}
    with translation.override("en"):
        error = refused("form", nominate, household=household, **medal)
    assert "individuals only" in error.message_dict["form"][0]


# ---- 3. a duplicate ID number outside the jurisdiction ---------------------------------------


def test_duplicate_outside_the_jurisdiction_reveals_nothing(client, settings, triangle, person):
    elsewhere = (  # another commune of the province: not the commune officer's
        AdminUnit.objects.filter(level="commune", valid_to__isnull=True, code__startswith="99")
        .exclude(pk=triangle.unit.pk)
        .first()
    )
    far = person(
        name="Người xã khác", id_number="001234567890", user=triangle.parent_officer, unit=elsewhere
    )
    assert far not in queries.people_for_user(triangle.officer)
    with translation.override("en"):
        error = refused("id_number", person, name="Người mới", id_number="001234567890")
    duplicate = error.error_dict["id_number"][0]
    assert duplicate.code == "duplicate_elsewhere" and not duplicate.params
    message = error.message_dict["id_number"][0]
    assert str(far.pk) not in message and "another unit" in message
    # the page shows the message, no link to that person
    settings.ROOT_URLCONF = URLS
    client.force_login(triangle.officer)
    response = client.post(
        reverse("awards:person-new"),
        {"full_name": "Người mới", "id_number": "001234567890", "unit": triangle.unit.code},
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'data-error-for="id_number"' in html
    assert "data-duplicate" not in html and "Người xã khác" not in html
    # within the jurisdiction the number (and the page's link) are given
    near = person(name="Người trong xã", id_number="009876543210")
    again = refused("id_number", person, name="Lần hai", id_number="009876543210")
    assert again.error_dict["id_number"][0].params == {"pk": near.pk}


# ---- 4. lengths on the API -------------------------------------------------------------------


def test_over_long_decision_fields_are_refused(settings, triangle, nominate, point):
    settings.ROOT_URLCONF = URLS
    n = nominate(scheme=point())
    services.review(triangle.parent_officer, n)
    api = APIClient()
    api.force_authenticate(triangle.parent_officer)
    url = f"/api/v1/award-nominations/{n.pk}/decide/"
    body = {"awarded": True, "decision_number": "1/QĐ", "decision_date": "2025-12-15",
            "signer": "Chủ tịch"}  # fmt: skip
    for field in ("decision_number", "signer"):
        response = api.post(url, {**body, field: "9" * 300}, format="json")
        assert response.status_code == 400 and field in response.json(), response.content
    long_name = api.post(
        "/api/v1/award-occasions/",
        {"name": "x" * 300, "kind": "other", "held_on": "2025-12-20",
         "unit": triangle.parent.code, "period_start": "2025-01-01",
         "period_end": "2025-11-30"},
        format="json",
    )  # fmt: skip
    assert long_name.status_code == 400 and "name" in long_name.json()
    # the service refuses them too (forms and imports)
    refused("decision_number", services.decide, triangle.parent_officer, n, awarded=True,
            **{**DECISION, "decision_number": "9" * 61})  # fmt: skip
    refused("signer", services.decide, triangle.parent_officer, n, awarded=True,
            **{**DECISION, "signer": "x" * 161})  # fmt: skip
    assert api.post(url, body, format="json").status_code == 200


# ---- 5. the name search ignores diacritics ---------------------------------------------------


def test_people_found_without_diacritics(triangle, person, nominate):
    who = person(name="Nguyễn Văn Đức")
    person(name="Trần Thị Bình")
    mine = queries.people_for_user(triangle.officer)
    assert list(queries.search_people(mine, "nguyen van duc")) == [who]
    assert list(queries.search_people(mine, "ĐỨC")) == [who]
    assert list(queries.search_people(mine, "Nguyễn")) == [who]
    assert Person.objects.get(pk=who.pk).search_name == "nguyen van duc"
    services.update_person(triangle.officer, who, full_name="Lê Văn Đức")
    assert list(queries.search_people(mine, "le van")) == [who]
    n = nominate(person=who)
    assert list(queries.search_nominations(Nomination.objects.all(), "le duc")) == [n]
