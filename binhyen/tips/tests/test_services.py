"""The services of tips and cases: the workflow (allowed and refused transitions, reasons),
the database's own guard on assessments, referral, duplicates, who may reveal an
informant (and the access log), the public channel's codes and passphrases, and cases."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.core.models import AuditEntry
from binhyen.schemes.queries import Scope
from binhyen.tips import queries, services
from binhyen.tips.models import Tip, TipEvent
from binhyen.tips.services import codes

from .tipdata import INFORMANT_CONTACT, INFORMANT_NAME, area_of, make_tip, sibling_of

pytestmark = pytest.mark.django_db


def _keys(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


@pytest.fixture
def tip(triangle):
    return make_tip(area_of(triangle.unit))


def _walk(tip: Tip, *statuses: str) -> Tip:
    for status in statuses:
        services.set_status(tip, status, f"bước {status}")
    return tip


# ---- the workflow ----------------------------------------------------------------------------


def test_a_tip_starts_received_handled_by_the_commune_of_its_place(triangle, tip):
    assert tip.status == "received" and tip.assessment == ""
    assert tip.handling_unit == triangle.unit
    assert tip.is_anonymous
    assert list(tip.events.values_list("kind", "status")) == [("status", "received")]


def test_the_whole_way_keeps_the_assessment_and_writes_the_timeline(tip):
    _walk(tip, "verifying", "actionable", "closed")
    tip.refresh_from_db()
    assert (tip.status, tip.assessment) == ("closed", "actionable")
    assert tip.is_actionable
    events = list(tip.events.order_by("pk").values_list("status", "reason"))
    assert events[1:] == [
        ("verifying", "bước verifying"),
        ("actionable", "bước actionable"),
        ("closed", "bước closed"),
    ]
    assert tip.version == 4


def test_a_tip_judged_not_actionable_may_be_verified_again(tip):
    _walk(tip, "verifying", "not_actionable")
    assert tip.assessment == "not_actionable"
    _walk(tip, "verifying")
    tip.refresh_from_db()
    assert (tip.status, tip.assessment) == ("verifying", "")


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), "actionable"),
        ((), "not_actionable"),
        ((), "referred"),
        (("verifying",), "closed"),
        (("verifying",), "received"),
        (("verifying", "actionable"), "verifying"),
        (("verifying", "actionable"), "not_actionable"),
        (("closed",), "verifying"),
        (("closed",), "received"),
    ],
)
def test_refused_transitions_are_keyed_by_status(tip, path, target):
    _walk(tip, *path)
    before = Tip.objects.values("status", "assessment", "version").get(pk=tip.pk)
    with pytest.raises(ValidationError) as excinfo:
        services.set_status(tip, target, "lý do")
    assert _keys(excinfo) == {"status"}
    assert Tip.objects.values("status", "assessment", "version").get(pk=tip.pk) == before


def test_every_step_needs_a_reason(triangle, tip):
    with pytest.raises(ValidationError) as excinfo:
        services.set_status(tip, "verifying", "   ")
    assert _keys(excinfo) == {"reason"}
    with pytest.raises(ValidationError) as excinfo:
        services.refer(tip, sibling_of(triangle), "")
    assert _keys(excinfo) == {"reason"}
    other = make_tip(area_of(triangle.unit))
    with pytest.raises(ValidationError) as excinfo:
        services.link_duplicate(other, tip, " ")
    assert _keys(excinfo) == {"reason"}
    tip.refresh_from_db()
    assert tip.status == "received" and tip.duplicates.count() == 0


def test_a_stale_version_is_refused(tip):
    from binhyen.schemes.services import StaleEdit

    with pytest.raises(StaleEdit):
        services.set_status(tip, "verifying", "lý do", version=tip.version + 1)


# ---- the database keeps actionable tips a subset of tips -------------------------------------


@pytest.mark.parametrize(
    ("status", "assessment"),
    [
        ("actionable", ""),
        ("not_actionable", ""),
        ("actionable", "not_actionable"),
        ("received", "actionable"),
        ("verifying", "not_actionable"),
    ],
)
def test_the_database_refuses_status_and_assessment_that_disagree(tip, status, assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Tip.objects.filter(pk=tip.pk).update(status=status, assessment=assessment)


def test_actionable_tips_are_counted_among_tips(triangle):
    area = area_of(triangle.unit)
    tips = [make_tip(area, days_ago=n) for n in range(1, 5)]
    _walk(tips[0], "verifying", "actionable")
    _walk(tips[1], "verifying", "actionable", "closed")
    _walk(tips[2], "verifying", "not_actionable")
    today = timezone.localdate()
    scope = Scope(triangle.parent)
    received = queries.tips_received(scope, today - dt.timedelta(days=10), today)
    actionable = queries.tips_received(scope, today - dt.timedelta(days=10), today, actionable=True)
    assert (received.total, actionable.total) == (4, 2)
    by_cat = queries.tips_received(scope, today - dt.timedelta(days=10), today, "category", True)
    assert sum(r.count for r in by_cat.rows) == 2


# ---- referral and duplicates ---------------------------------------------------------------


def test_referral_waits_for_the_receiving_unit_which_then_handles_it(triangle, tip):
    sibling = sibling_of(triangle)
    sibling_officer = create_user("t.sibling", "x-pass-12345")
    grant_role(sibling_officer, Role.COMMUNE_OFFICER, sibling)
    services.assign_officer(tip, triangle.officer, by=triangle.officer, recorder=True)
    _walk(tip, "verifying", "actionable")
    services.refer(tip, sibling, "thuộc địa bàn xã bên")
    tip.refresh_from_db()
    assert (tip.status, tip.referred_to, tip.handling_unit) == ("referred", sibling, triangle.unit)
    assert queries.tips_for_user(sibling_officer).filter(pk=tip.pk).exists()
    assert queries.referrals_waiting(sibling_officer).filter(pk=tip.pk).exists()
    assert not queries.referrals_waiting(triangle.officer).filter(pk=tip.pk).exists()
    with pytest.raises(ValidationError) as excinfo:
        services.set_status(tip, "closed", "chưa nhận")
    assert _keys(excinfo) == {"status"}

    services.acknowledge_referral(tip, by=sibling_officer, note="đã nhận")
    tip.refresh_from_db()
    assert (tip.status, tip.assessment) == ("actionable", "actionable")
    assert (tip.handling_unit, tip.referred_to) == (sibling, None)
    assert tip.officers.count() == 0
    kinds = list(tip.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == ["referred", "acknowledged"]


def test_an_unassessed_referral_comes_back_under_verification(triangle, tip):
    services.refer(tip, sibling_of(triangle), "chuyển")
    services.acknowledge_referral(tip)
    tip.refresh_from_db()
    assert (tip.status, tip.assessment) == ("verifying", "")


def test_referral_refusals(triangle, tip):
    with pytest.raises(ValidationError) as excinfo:
        services.refer(tip, triangle.unit, "chính mình")
    assert _keys(excinfo) == {"to_unit"}
    with pytest.raises(ValidationError) as excinfo:
        services.refer(tip, area_of(triangle.unit), "một thôn")
    assert _keys(excinfo) == {"to_unit"}
    with pytest.raises(ValidationError) as excinfo:
        services.acknowledge_referral(tip)
    assert _keys(excinfo) == {"status"}
    _walk(tip, "verifying", "not_actionable")
    with pytest.raises(ValidationError) as excinfo:
        services.refer(tip, sibling_of(triangle), "không có giá trị")
    assert _keys(excinfo) == {"status"}


def test_duplicates_are_linked_with_a_reason_never_to_themselves(triangle, tip):
    again = make_tip(area_of(triangle.unit), days_ago=1)
    services.link_duplicate(again, tip, "cùng nội dung")
    again.refresh_from_db()
    assert again.duplicate_of == tip
    assert list(tip.duplicates.all()) == [again]
    assert again.events.filter(kind="duplicate", reason="cùng nội dung").exists()
    with pytest.raises(ValidationError) as excinfo:
        services.link_duplicate(tip, tip, "chính nó")
    assert _keys(excinfo) == {"duplicate_of"}
    with pytest.raises(ValidationError) as excinfo:
        services.link_duplicate(tip, again, "vòng")
    assert _keys(excinfo) == {"duplicate_of"}


# ---- revealing the informant ------------------------------------------------------------------


def test_only_assigned_officers_and_the_unit_chief_may_reveal(triangle):
    tip = make_tip(area_of(triangle.unit), informant=True)
    chief = create_user("t.chief", "x-pass-12345")
    grant_role(chief, Role.UNIT_CHIEF, triangle.unit)
    other_chief = create_user("t.chief2", "x-pass-12345")
    grant_role(other_chief, Role.UNIT_CHIEF, sibling_of(triangle))
    assert not services.can_reveal(triangle.officer, tip)
    assert not services.can_reveal(triangle.parent_officer, tip)
    assert not services.can_reveal(triangle.outsider, tip)
    assert not services.can_reveal(other_chief, tip)
    assert services.can_reveal(chief, tip)
    for user in (triangle.officer, triangle.parent_officer, triangle.outsider, other_chief):
        with pytest.raises(PermissionDenied):
            services.reveal_informant(user, tip, "cần liên hệ")
    assert not AuditEntry.objects.filter(action="access").exists()

    services.assign_officer(tip, triangle.officer, by=triangle.officer, recorder=True)
    assert services.can_reveal(triangle.officer, tip)


def test_a_reveal_needs_a_reason_and_is_logged(triangle):
    tip = make_tip(area_of(triangle.unit), informant=True)
    services.assign_officer(tip, triangle.officer, by=triangle.officer, recorder=True)
    with pytest.raises(ValidationError) as excinfo:
        services.reveal_informant(triangle.officer, tip, "  ")
    assert _keys(excinfo) == {"reason"}
    assert not AuditEntry.objects.filter(action="access").exists()

    from binhyen.core.audit import audit_context

    with audit_context(actor=triangle.officer, source="test"):
        identity = services.reveal_informant(triangle.officer, tip, "xác minh lại nội dung")
    assert (identity.full_name, identity.contact) == (INFORMANT_NAME, INFORMANT_CONTACT)
    entry = AuditEntry.objects.get(action="access")
    assert entry.model == "tips.informant"
    assert entry.summary == "xác minh lại nội dung"
    assert entry.actor == triangle.officer
    assert entry.unit_id == triangle.unit.pk
    assert INFORMANT_NAME not in (entry.object_repr + entry.summary)
    event = TipEvent.objects.get(tip=tip, kind="revealed")
    assert (event.by, event.reason) == (triangle.officer, "xác minh lại nội dung")


def test_an_anonymous_tip_has_nothing_to_reveal(triangle, tip):
    services.assign_officer(tip, triangle.officer, by=triangle.officer, recorder=True)
    with pytest.raises(ValidationError) as excinfo:
        services.reveal_informant(triangle.officer, tip, "xem")
    assert _keys(excinfo) == {"reason"}


def test_an_officer_of_another_unit_cannot_be_assigned(triangle, tip):
    with pytest.raises(ValidationError) as excinfo:
        services.assign_officer(tip, triangle.outsider, by=triangle.outsider, recorder=True)
    assert _keys(excinfo) == {"officer"}


# ---- the public channel ------------------------------------------------------------------------

CODE_RE = re.compile(
    rf"^[{codes.ALPHABET}]{{4}}(-[{codes.ALPHABET}]{{4}}){{5}}-[{codes.ALPHABET}]{{2}}$"
)


def _public(triangle, **values):
    values.setdefault("category", "theft")
    values.setdefault("description", "Mất trộm xe máy trước chợ.")
    return services.submit_public_tip(unit=area_of(triangle.unit), **values)


def test_public_codes_are_unique_and_carry_at_least_128_bits():
    made = {codes.new_code() for _ in range(500)}
    assert len(made) == 500
    for code in made:
        assert CODE_RE.match(code), code
        assert len(code.replace("-", "")) == 26
    # 26 characters of a 32-letter alphabet: 130 bits
    assert len(codes.ALPHABET) == 32 and 26 * 5 >= 128


def test_a_public_tip_keeps_only_a_hash_of_its_passphrase(triangle):
    receipt = _public(triangle)
    tip = Tip.objects.get(pk=receipt.tip.pk)
    assert CODE_RE.match(receipt.code) and tip.code == receipt.code
    assert tip.is_public and tip.is_anonymous and tip.channel == "web_form"
    assert tip.handling_unit == triangle.unit
    assert tip.passphrase_hash and tip.passphrase_hash != receipt.passphrase
    assert receipt.passphrase not in tip.passphrase_hash
    assert receipt.passphrase.replace("-", "") not in tip.passphrase_hash
    assert check_password(receipt.passphrase, tip.passphrase_hash)
    assert len(receipt.passphrase.replace("-", "")) == 20  # 100 bits


def test_opening_a_public_tip_takes_the_right_code_and_passphrase(triangle):
    receipt = _public(triangle)
    other = _public(triangle, description="Đánh bạc ở quán nước.", category="gambling")
    assert services.open_public_tip(receipt.code, receipt.passphrase) == receipt.tip
    typed = receipt.code.lower().replace("-", " ")
    assert services.open_public_tip(typed, receipt.passphrase.upper()) == receipt.tip
    assert services.open_public_tip(receipt.code, other.passphrase) is None
    assert services.open_public_tip(receipt.code, "") is None
    assert services.open_public_tip(other.code, receipt.passphrase) is None
    assert services.open_public_tip(codes.new_code(), receipt.passphrase) is None


def test_an_officers_tip_cannot_be_opened_from_the_public_side(triangle, tip):
    assert services.open_public_tip(tip.code, "anything-at-all") is None


def test_residents_and_officers_exchange_messages_on_public_tips_only(triangle, tip):
    receipt = _public(triangle)
    services.resident_message(receipt.tip, "Tôi còn ảnh khác.")
    services.officer_reply(receipt.tip, triangle.officer, "Cảm ơn, chúng tôi đang xác minh.")
    authors = list(receipt.tip.messages.order_by("pk").values_list("author", flat=True))
    assert authors == ["resident", "officer"]
    with pytest.raises(ValidationError) as excinfo:
        services.officer_reply(tip, triangle.officer, "không có người dân")
    assert _keys(excinfo) == {"body"}
    with pytest.raises(ValidationError) as excinfo:
        services.resident_message(receipt.tip, "   ")
    assert _keys(excinfo) == {"body"}


def test_a_public_tip_stores_a_contact_only_when_given(triangle):
    receipt = _public(triangle, contact=services.InformantData(contact=INFORMANT_CONTACT))
    assert not receipt.tip.is_anonymous
    assert receipt.tip.informant.contact != INFORMANT_CONTACT


# ---- cases --------------------------------------------------------------------------------------


def _case(triangle, **values):
    values.setdefault("number", "01/2025")
    values.setdefault("category", "drugs")
    values.setdefault("opened_on", timezone.localdate() - dt.timedelta(days=2))
    return services.save_case(None, unit=triangle.unit, **values)


def test_case_rules_are_keyed_by_field(triangle):
    with pytest.raises(ValidationError) as excinfo:
        _case(triangle, solved=True)
    assert _keys(excinfo) == {"closed_on"}
    today = timezone.localdate()
    with pytest.raises(ValidationError) as excinfo:
        _case(triangle, closed_on=today - dt.timedelta(days=5))
    assert _keys(excinfo) == {"closed_on"}
    with pytest.raises(ValidationError) as excinfo:
        _case(triangle, number=" ")
    assert _keys(excinfo) == {"number"}
    with pytest.raises(ValidationError) as excinfo:
        services.save_case(
            None, unit=area_of(triangle.unit), number="X", category="drugs", opened_on=today
        )
    assert _keys(excinfo) == {"unit"}
    case = _case(triangle)
    with pytest.raises(ValidationError) as excinfo:
        _case(triangle)
    assert _keys(excinfo) == {"number"}
    with pytest.raises(ValidationError) as excinfo:
        services.add_suspect(case, full_name="Lê Văn A", arrested_on=today - dt.timedelta(days=9))
    assert _keys(excinfo) == {"arrested_on"}
    with pytest.raises(ValidationError) as excinfo:
        services.add_seized_item(case, description="Heroin", quantity=Decimal("0"))
    assert _keys(excinfo) == {"quantity"}


def test_case_figures_count_solved_cases_arrests_and_the_tips_behind_them(triangle):
    area = area_of(triangle.unit)
    today = timezone.localdate()
    led, other = make_tip(area, days_ago=4), make_tip(area, days_ago=3)
    case = _case(triangle, tips=[led])
    services.add_suspect(case, full_name="Lê Văn A", arrested_on=today)
    services.add_suspect(case, full_name="Lê Văn B")
    services.add_seized_item(case, description="Heroin", quantity=Decimal("1.5"), measure="g")
    scope = Scope(triangle.parent)
    start = today - dt.timedelta(days=10)
    figures = queries.case_figures(scope, start, today)
    assert (figures.cases_solved, figures.suspects_arrested) == (0, 1)
    assert figures.tips_leading_to_solved_cases == 0
    services.save_case(case, closed_on=today, solved=True)
    figures = queries.case_figures(scope, start, today)
    assert (figures.cases_solved, figures.tips_leading_to_solved_cases) == (1, 1)
    assert other.cases.count() == 0


# ---- the demo -------------------------------------------------------------------------------


def test_the_demo_builds_tips_and_cases_through_the_services(demo):
    from binhyen.tips.demo import load_tips
    from binhyen.tips.models import Case, Informant

    made = load_tips(count=60)
    assert made["tips"] == Tip.objects.count() >= 60
    assert made["cases"] == Case.objects.count()
    assert Tip.objects.filter(status="closed").exists()
    assert Informant.objects.exists()
    assert not Tip.objects.filter(status="actionable").exclude(assessment="actionable").exists()
    now = timezone.now()
    for tip in Tip.objects.prefetch_related("events"):
        times = [e.at for e in tip.events.all()]
        assert times and min(times) >= tip.received_at - dt.timedelta(seconds=1)
        assert max(times) <= now and tip.received_at.year >= 2021
    assert load_tips(count=60)["created"] == 0


def test_an_administrator_is_not_a_chief_who_may_reveal(triangle, tip):
    assert not services.can_reveal(triangle.admin, tip)
    chief = create_user("t.chief", "x")
    grant_role(chief, Role.UNIT_CHIEF, triangle.unit)
    assert services.can_reveal(chief, tip)


def test_reveal_follows_the_present_role_and_only_an_explicit_chief(triangle, tip):
    from binhyen.accounts.models import RoleAssignment
    from binhyen.accounts.services import revoke_role

    services.assign_officer(tip, triangle.officer, by=triangle.officer, recorder=True)
    assert services.can_reveal(triangle.officer, tip)
    officer = type(triangle.officer).objects.get(pk=triangle.officer.pk)  # a fresh cache
    revoke_role(RoleAssignment.objects.get(user=officer, role=Role.COMMUNE_OFFICER))
    grant_role(officer, Role.VIEWER, triangle.unit)
    assert not services.can_reveal(officer, tip)  # assigned once, no longer an officer
    # an administrator who is chief of another unit is no chief of this one
    other = sibling_of(triangle)
    grant_role(triangle.admin, Role.UNIT_CHIEF, other)
    assert not services.can_reveal(triangle.admin, tip)
    with pytest.raises(PermissionDenied):  # nor may a plain officer assign anyone
        services.assign_officer(tip, triangle.parent_officer, by=triangle.parent_officer)


def test_attachments_keep_no_uploaded_name_and_only_photo_formats(triangle, tip):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def upload(fmt, name):
        buf = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(buf, fmt)
        return SimpleUploadedFile(name, buf.getvalue())

    made = services.attach(tip, [upload("JPEG", "PXL_20250301_214512_NguyenThiLan.jpg")])
    assert "Nguyen" not in made[0].name and "PXL" not in made[0].name
    with pytest.raises(ValidationError) as info:
        services.attach(tip, [upload("BMP", "x.bmp")])
    assert "attachments" in _keys(info)
