"""The anonymous public channel, pages and API: a tip without an account, contact details
encrypted, photos without metadata, code and passphrase shown once, the status and the
conversation behind them, generic refusals, rate limits in the cache, and no trace of the
client's address or browser in the tip, its records or the audit entries."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from binhyen.core import crypto
from binhyen.core.models import AuditEntry
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.tips import services
from binhyen.tips.choices import Author, Category, Status
from binhyen.tips.models import Informant, Tip, TipMessage
from binhyen.tips.views.public import SESSION_KEY

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
BROWSER = "Fingerprint-Browser/7.7 (test)"
NAME = "Nguyễn Thị Bí Mật"
PHONE = "0912 345 678"


@pytest.fixture(autouse=True)
def counters(settings):
    """Rate-limit counters in a cache of this test's own, empty at the start."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-channel-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def place(triangle):
    """The triangle's commune and one of its residential areas in force today."""
    today = geo_queries.today()
    area = geo_queries.children_on(triangle.unit, today).first().unit
    return triangle.unit, area


def form_data(place, **extra) -> dict:
    commune, area = place
    return {
        "category": Category.THEFT,
        "province": "99",
        "commune": commune.code,
        "residential_area": area.code,
        "description": "Hai người đi xe máy giật túi xách ở đầu ngõ.",
        "latitude": "",
        "longitude": "",
        "full_name": "",
        "phone": "",
        **extra,
    }


def exif_jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    img = Image.new("RGB", (32, 24), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # make
    exif[0x0110] = "EOS 5D"  # model
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    data = buf.getvalue()
    assert b"Exif" in data and b"Canon" in data  # the test photo does carry metadata
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def send(client, place, **extra):
    return client.post(
        reverse("tips:public-new"),
        form_data(place, **extra),
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=BROWSER,
    )


def submitted(client, place, **extra) -> tuple[Tip, str, str]:
    response = send(client, place, **extra)
    assert response.status_code == 200, response.context["form"].errors
    code, passphrase = response.context["code"], response.context["passphrase"]
    return Tip.objects.get(code=code), code, passphrase


def check(client, code: str, passphrase: str, address: str = ADDRESS):
    return client.post(
        reverse("tips:public-check"),
        {"code": code, "passphrase": passphrase},
        REMOTE_ADDR=address,
    )


def templates(response) -> set[str]:
    return {t.name for t in response.templates}


# ---- pages ---------------------------------------------------------------------------


def test_report_page_opens_without_an_account_and_without_the_officers_menu(client, place):
    response = client.get(reverse("tips:public-new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("schemes:list") not in html and reverse("core:audit-log") not in html
    assert reverse("set_language") in html  # the language switch stays
    assert "<script>" not in html and "onchange=" not in html  # no inline scripts
    assert 'value="99"' in html  # provinces in force today


def test_chained_selects_offer_units_in_force_today(client, place):
    commune, area = place
    response = client.get(reverse("tips:public-communes"), {"province": "99"})
    assert f'value="{commune.code}"' in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()  # the area select is emptied
    response = client.get(reverse("tips:public-areas"), {"commune": commune.code})
    assert f'value="{area.code}"' in response.content.decode()
    # a commune abolished by the 2025 merger (its code borne by no unit today) is not offered
    today_codes = {v.unit.code for v in geo_queries.versions_on(geo_queries.today())}
    gone = (
        AdminUnit.objects.filter(level="commune", valid_to__isnull=False)
        .exclude(code__in=today_codes)
        .first()
    )
    html = client.get(reverse("tips:public-communes"), {"province": "99"}).content.decode()
    assert gone is not None and f'value="{gone.code}"' not in html


def test_a_tip_without_an_account_is_public_and_anonymous(client, place):
    commune, area = place
    tip, code, passphrase = submitted(client, place)
    assert tip.is_public and tip.is_anonymous and tip.channel == "web_form"
    assert tip.unit == area and tip.handling_unit == commune
    assert not Informant.objects.filter(tip=tip).exists()
    assert tip.passphrase_hash and passphrase not in tip.passphrase_hash
    assert tip.status == Status.RECEIVED


def test_the_receipt_shows_code_and_passphrase_once_and_never_keeps_them(client, place):
    response = send(client, place)
    code, passphrase = response.context["code"], response.context["passphrase"]
    html = response.content.decode()
    assert "tips/public_receipt.html" in templates(response)
    for group in code.split("-") + passphrase.split("-"):
        assert f"<span>{group}</span>" in html
    assert "no-store" in response["Cache-Control"]
    assert response.status_code == 200 and not response.has_header("Location")
    # nothing in the session; no page shows the passphrase again
    stored = json.dumps(dict(client.session.items()), default=str)
    assert passphrase not in stored and code not in stored
    for url in (reverse("tips:public-new"), reverse("tips:public-check")):
        assert passphrase not in client.get(url).content.decode()


def test_contact_details_are_encrypted_in_the_database(client, place):
    tip, _code, _passphrase = submitted(client, place, full_name=NAME, phone=PHONE)
    assert not tip.is_anonymous
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_informant")
        rows = cursor.fetchall()
    assert len(rows) == 1
    raw = " ".join(str(value) for value in rows[0])
    for secret in (NAME, PHONE, "0912", "Bí Mật"):
        assert secret not in raw
    informant = Informant.objects.get(tip=tip)
    assert crypto.decrypt(informant.full_name) == NAME
    assert crypto.decrypt(informant.contact) == PHONE
    logged = " ".join(str(e.after) + e.summary for e in AuditEntry.objects.all())
    assert NAME not in logged and "0912" not in logged


def test_photos_are_stored_without_their_metadata(client, place):
    tip, _code, _passphrase = submitted(client, place, photos=[exif_jpeg()])
    attachment = tip.attachments.get()
    with attachment.file.open("rb") as f:
        data = f.read()
    assert b"Exif" not in data and b"Canon" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert not dict(img.getexif())
    assert attachment.content_type == "image/jpeg"


def test_more_than_five_photos_are_refused(client, place):
    response = send(client, place, photos=[exif_jpeg(f"p{i}.jpg") for i in range(6)])
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    assert not Tip.objects.exists()


def test_a_place_outside_the_province_is_refused(client, place):
    response = send(client, place, province="98")  # abolished in 2025: not offered
    assert set(response.context["form"].errors) & {"province", "commune"}
    assert not Tip.objects.exists()


def test_code_and_passphrase_open_the_status_and_the_officers_reply(client, place, triangle):
    tip, code, passphrase = submitted(client, place)
    services.officer_reply(tip, triangle.officer, "Cảm ơn, chúng tôi đang xác minh.")
    # typed loosely: lower case, spaces instead of dashes
    response = check(client, code.lower().replace("-", " "), passphrase.upper())
    assert response.status_code == 302 and response["Location"] == reverse("tips:public-check")
    assert code not in response["Location"] and passphrase not in response["Location"]
    assert client.session[SESSION_KEY] == tip.pk
    page = client.get(reverse("tips:public-check"))
    assert "tips/public_status.html" in templates(page)
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "Cảm ơn, chúng tôi đang xác minh." in html
    assert page.context["public_status"] == "received"
    # the officer is never named
    assert triangle.officer.username not in html
    if triangle.officer.get_full_name():
        assert triangle.officer.get_full_name() not in html
    assert [m.author for m in page.context["thread"]] == [Author.OFFICER]


def test_the_resident_writes_back_then_leaves(client, place):
    tip, code, passphrase = submitted(client, place)
    check(client, code, passphrase)
    response = client.post(
        reverse("tips:public-message"), {"body": "Xe máy màu đỏ."}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302
    message = TipMessage.objects.get(tip=tip)
    assert message.author == Author.RESIDENT and message.officer is None
    response = client.post(reverse("tips:public-leave"))
    assert response.status_code == 302 and SESSION_KEY not in client.session
    assert "tips/public_check.html" in templates(client.get(reverse("tips:public-check")))
    # without an opened tip, writing leads back to the form
    response = client.post(reverse("tips:public-message"), {"body": "x"})
    assert response.status_code == 302 and TipMessage.objects.count() == 1


def test_a_closed_tip_takes_no_more_messages(client, place, triangle):
    tip, code, passphrase = submitted(client, place)
    services.set_status(tip, Status.CLOSED, "Trùng tin", by=triangle.officer)
    check(client, code, passphrase)
    page = client.get(reverse("tips:public-check"))
    assert page.context["can_write"] is False and page.context["public_status"] == "closed"
    response = client.post(reverse("tips:public-message"), {"body": "Còn nữa"})
    assert response.status_code == 200 and "body" in response.context["form"].errors
    assert not TipMessage.objects.exists()


def test_the_assessment_is_not_shown_to_the_resident(client, place, triangle):
    tips = [submitted(client, place) for _ in range(2)]
    for (tip, _c, _p), outcome in zip(
        tips, (Status.ACTIONABLE, Status.NOT_ACTIONABLE), strict=True
    ):
        services.set_status(tip, Status.VERIFYING, "Xác minh", by=triangle.officer)
        services.set_status(tip, outcome, "Kết luận", by=triangle.officer)
    shown = []
    for tip, code, passphrase in tips:
        client.post(reverse("tips:public-leave"))
        check(client, code, passphrase)
        page = client.get(reverse("tips:public-check"))
        shown.append(page.context["public_status"])
        assert tip.status not in page.content.decode()
    assert shown == ["handled", "handled"]


def test_wrong_code_or_passphrase_get_the_same_generic_refusal(client, place):
    _tip, code, passphrase = submitted(client, place)
    wrong_pass = check(client, code, "aaaa-bbbb-cccc-dddd-eeee")
    unknown = check(client, "0000-0000-0000-0000-0000-0000-00", passphrase)
    for response in (wrong_pass, unknown):
        assert response.status_code == 200
        assert "tips/public_check.html" in templates(response)
        assert SESSION_KEY not in client.session
    assert (
        wrong_pass.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    )
    assert not wrong_pass.context["form"].has_error("code")
    assert not wrong_pass.context["form"].has_error("passphrase")


def test_the_passphrase_typed_is_not_echoed_back(client, place):
    _tip, code, _passphrase = submitted(client, place)
    response = check(client, code, "zzzz-yyyy-xxxx")
    html = response.content.decode()
    assert "zzzz-yyyy-xxxx" not in html and code in html
    assert response.context["form"].non_field_errors()


def test_without_javascript_a_button_reloads_the_place_choices(client, place):
    commune, area = place
    data = {**form_data(place), "refresh": "1", "commune": commune.code, "residential_area": ""}
    response = client.post(reverse("tips:public-new"), data)
    assert response.status_code == 200 and not Tip.objects.exists()
    form = response.context["form"]
    assert not form.is_bound and not form.errors
    assert area.code in {value for value, _label in form.fields["residential_area"].choices}


def test_the_sixth_wrong_try_from_an_address_is_refused(client, place):
    _tip, code, passphrase = submitted(client, place)
    for _ in range(5):
        assert check(client, code, "wrong-wrong").status_code == 200
    assert check(client, code, "wrong-wrong").status_code == 429
    # even the right passphrase waits now; another address may still try
    assert check(client, code, passphrase).status_code == 429
    assert check(client, code, passphrase, address="198.51.100.9").status_code == 302


def test_a_code_tried_from_many_addresses_is_locked(client, place):
    _tip, code, passphrase = submitted(client, place)
    for i in range(10):
        assert check(client, code, "wrong", address=f"198.51.100.{i}").status_code == 200
    assert check(client, code, passphrase, address="192.0.2.50").status_code == 429


def test_submissions_are_rate_limited(client, place, settings):
    settings.PUBLIC_TIP_SUBMIT_RATE = "2/h"
    for _ in range(2):
        assert send(client, place).status_code == 200
    response = send(client, place)
    assert response.status_code == 429 and Tip.objects.count() == 2


def test_no_address_or_browser_is_stored_with_the_tip(client, place, triangle):
    client.force_login(triangle.officer)  # even an officer sending a tip stays unknown
    first_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    tip, code, passphrase = submitted(
        client, place, full_name=NAME, phone=PHONE, photos=[exif_jpeg()]
    )
    client.logout()
    check(client, code, passphrase)
    client.post(
        reverse("tips:public-message"),
        {"body": "Thêm thông tin"},
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=BROWSER,
    )
    tables = [t for t in connection.introspection.table_names() if t.startswith("tips_")]
    assert "tips_tip" in tables and "tips_tipmessage" in tables
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert ADDRESS not in text and BROWSER not in text, table
    entries = list(AuditEntry.objects.filter(pk__gt=first_entry))
    assert {e.model for e in entries} >= {"tips.tip", "tips.tipmessage", "tips.tipattachment"}
    for entry in entries:
        assert entry.ip is None and entry.actor_id is None and entry.actor_label == ""
        assert entry.source == "public"
        text = json.dumps([entry.before, entry.after, entry.summary, entry.object_repr])
        assert ADDRESS not in text and BROWSER not in text
    assert tip.events.get().by is None


def test_secrets_in_the_address_are_ignored(client, place):
    _tip, code, passphrase = submitted(client, place)
    response = client.get(reverse("tips:public-check"), {"code": code, "passphrase": passphrase})
    assert response.status_code == 200
    assert "tips/public_check.html" in templates(response)
    assert SESSION_KEY not in client.session
    api = APIClient()
    response = api.get(
        reverse("api-open311-request-status"), {"service_request_id": code, "token": passphrase}
    )
    assert response.status_code == 405


# ---- API (Open311) ---------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient(enforce_csrf_checks=True, REMOTE_ADDR=ADDRESS)


def api_request(place, **extra) -> dict:
    commune, area = place
    return {
        "service_code": Category.DRUGS,
        "description": "Có người bán ma túy ở quán nước đầu làng.",
        "unit_code": area.code,
        **extra,
    }


def created(api, place, **extra) -> tuple[Tip, str, str]:
    response = api.post(reverse("api-open311-requests"), api_request(place, **extra), "json")
    assert response.status_code == 201, response.content
    [receipt] = response.json()
    assert set(receipt) == {"service_request_id", "token", "service_notice"}
    code, token = receipt["service_request_id"], receipt["token"]
    return Tip.objects.get(code=code), code, token


def test_api_lists_the_kinds_of_tips_as_open311_services(api, place):
    response = api.get(reverse("api-open311-services"))
    assert response.status_code == 200
    rows = response.json()
    assert {r["service_code"] for r in rows} == set(Category.values)
    assert all(r["metadata"] is False and r["type"] == "realtime" for r in rows)
    assert all(set(r) >= {"service_name", "description", "keywords", "group"} for r in rows)


def test_api_creates_an_anonymous_tip_without_session_or_csrf(api, place):
    commune, area = place
    tip, code, token = created(api, place, lat=21.0285114, long=105.8048175)
    assert tip.is_public and tip.is_anonymous and tip.unit == area
    assert tip.handling_unit == commune and tip.category == Category.DRUGS
    assert str(tip.latitude) == "21.028511" and str(tip.longitude) == "105.804818"
    assert not Informant.objects.filter(tip=tip).exists()
    assert token not in tip.passphrase_hash


def test_api_stores_contact_details_encrypted(api, place):
    tip, _code, _token = created(
        api, place, first_name="Thị Bí", last_name="Mật", phone=PHONE, email="bm@example.vn"
    )
    assert not tip.is_anonymous
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_informant")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "Bí" not in raw and "0912" not in raw and "bm@example.vn" not in raw
    informant = Informant.objects.get(tip=tip)
    assert crypto.decrypt(informant.full_name) == "Thị Bí Mật"
    assert "bm@example.vn" in crypto.decrypt(informant.contact)


def test_api_takes_photos_as_multipart_media(api, place):
    data = api_request(place, media=[exif_jpeg("a.jpg"), exif_jpeg("b.jpg")])
    response = api.post(reverse("api-open311-requests"), data, format="multipart")
    assert response.status_code == 201, response.content
    tip = Tip.objects.get(code=response.json()[0]["service_request_id"])
    assert tip.attachments.count() == 2
    for attachment in tip.attachments.all():
        with attachment.file.open("rb") as f:
            assert b"Exif" not in f.read()


def test_api_refusals_are_keyed_by_its_own_field_names(api, place):
    url = reverse("api-open311-requests")
    response = api.post(url, api_request(place, unit_code="00000"), "json")
    assert response.status_code == 400 and "unit_code" in response.json()
    response = api.post(url, api_request(place, lat=21.0), "json")
    assert response.status_code == 400 and "long" in response.json()
    response = api.post(url, api_request(place, service_code="noise"), "json")
    assert response.status_code == 400 and "service_code" in response.json()
    assert not Tip.objects.exists()


def test_api_status_and_messages(api, place, triangle):
    tip, code, token = created(api, place)
    key = {"service_request_id": code, "token": token}
    response = api.post(reverse("api-open311-request-status"), key, "json")
    assert response.status_code == 200
    body = response.json()
    assert body["service_request_id"] == code and body["status"] == "open"
    assert body["status_detail"] == "received" and body["service_code"] == Category.DRUGS
    assert body["messages"] == [] and body["requested_datetime"]
    assert "no-store" in response["Cache-Control"]

    services.officer_reply(tip, triangle.officer, "Đã nhận, đang xác minh.")
    response = api.post(
        reverse("api-open311-request-messages"), {**key, "body": "Quán ở số 12."}, "json"
    )
    assert response.status_code == 201
    thread = response.json()["messages"]
    assert [(m["from"], m["body"]) for m in thread] == [
        ("officer", "Đã nhận, đang xác minh."),
        ("resident", "Quán ở số 12."),
    ]
    assert all(set(m) == {"from", "body", "sent_at"} for m in thread)

    services.set_status(tip, Status.CLOSED, "Đã xử lý", by=triangle.officer)
    body = api.post(reverse("api-open311-request-status"), key, "json").json()
    assert body["status"] == "closed" and body["status_detail"] == "closed"
    response = api.post(reverse("api-open311-request-messages"), {**key, "body": "?"}, "json")
    assert response.status_code == 400 and "body" in response.json()


def test_api_wrong_token_is_not_found_and_rate_limited(api, place):
    _tip, code, token = created(api, place)
    url = reverse("api-open311-request-status")
    wrong = {"service_request_id": code, "token": "nope"}
    unknown = {"service_request_id": "0000-0000", "token": token}
    first, second = api.post(url, wrong, "json"), api.post(url, unknown, "json")
    assert first.status_code == second.status_code == 404
    assert first.json() == second.json()
    for _ in range(3):
        assert api.post(url, wrong, "json").status_code == 404
    assert api.post(url, wrong, "json").status_code == 429
    right = {"service_request_id": code, "token": token}
    assert api.post(url, right, "json").status_code == 429


def test_api_writes_carry_no_address_or_account(api, place, triangle):
    api.force_login(triangle.officer)  # a session is ignored by these endpoints
    first_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _tip, code, token = created(api, place, phone=PHONE)
    api.post(
        reverse("api-open311-request-messages"),
        {"service_request_id": code, "token": token, "body": "Thêm"},
        "json",
    )
    entries = list(AuditEntry.objects.filter(pk__gt=first_entry))
    assert entries
    for entry in entries:
        assert entry.ip is None and entry.actor_id is None and entry.source == "public"


def test_passphrase_hash_is_fast_and_old_argon2_hashes_still_open(place):
    from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

    from binhyen.tips.services import public

    receipt = public.submit_public_tip(category=Category.DRUGS, unit=place[1], description="x")
    tip = receipt.tip
    assert tip.passphrase_hash.startswith("pbkdf2_sha256$1000$")
    assert public.open_public_tip(receipt.code, receipt.passphrase) == tip
    assert public.open_public_tip(receipt.code, receipt.passphrase + "x") is None
    # a tip submitted before the change keeps its Argon2 hash and still opens
    typed = services.codes.normalize(receipt.passphrase).lower()
    Tip.objects.filter(pk=tip.pk).update(
        passphrase_hash=make_password(typed, hasher=Argon2PasswordHasher())
    )
    assert public.open_public_tip(receipt.code, receipt.passphrase) == tip
    assert public.open_public_tip(receipt.code, "wrong words here") is None
