"""Hostile text is shown as text everywhere: a record of every app whose free-text fields
carry script, an attribute break-out, template syntax and a spreadsheet formula is
rendered through every page that shows it (lists, details, search, edit forms, HTMX
fragments, the map feed, the review page and its HTML download, the dashboard, the audit
log, the public tip's status page), through the certificate's HTML and the DOCX
documents, and the payload comes out escaped or as plain text, never as markup.

The records are made through the services with ordinary values, then their text
fields are overwritten with the payloads (`poison`): what the pages get is what a form,
an import or the API could have stored."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from binhyen.accounts.models import User
from binhyen.core.audit import audit_context
from binhyen.core.text import fold
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit, UnitVersion

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{ 7*7 }}{% debug %}"
FORMULA = '=HYPERLINK("http://evil.example","x")'
PAYLOAD = FORMULA + SCRIPT + BREAKOUT + TEMPLATE
# what must never reach a page as markup, and what shows it was escaped there instead
RAW = ("<script>alert(", "<img src=x", "onerror=alert(1)>")
ESCAPED = ("&lt;script&gt;alert(1)", "&lt;img src=x onerror=alert(1)&gt;")


def hostile(max_length: int | None) -> str | None:
    """The longest payload a field of `max_length` holds (None: too short for markup)."""
    for text in (PAYLOAD, "=" + SCRIPT + BREAKOUT, "=" + BREAKOUT, "=" + SCRIPT):
        if max_length is None or len(text) <= max_length:
            return text
    return None


# the free text of every app: model → fields (codes, choices and secrets excluded)
FIELDS = {
    "geo.AdminUnit": ["name"],
    "geo.UnitVersion": ["name"],
    "accounts.User": ["full_name"],
    "schemes.Label": ["name", "name_en"],
    "schemes.SchemeType": ["name", "name_en", "description"],
    "schemes.Organization": ["name", "address", "tax_code", "notes"],
    "schemes.Scheme": [
        "name", "decision_number", "decision_signer", "leader_name", "leader_phone",
        "contacts", "notes",
    ],
    "schemes.SchemeEvent": ["reason", "decision"],
    "schemes.SteeringCommittee": ["name", "head_name", "decision"],
    "schemes.Group": ["name", "notes"],
    "schemes.Household": ["head_name", "address"],
    "schemes.GroupMember": ["full_name", "phone"],
    "schemes.SecurityTeam": ["name", "decision_number", "signer"],
    "schemes.SecurityTeamMember": ["full_name", "phone"],
    "tips.Tip": ["description"],
    "tips.TipEvent": ["reason"],
    "tips.TipMessage": ["body"],
    "tips.Case": ["number", "summary"],
    "tips.Suspect": ["full_name"],
    "tips.SeizedItem": ["description"],
    "outcomes.WeaponSurrender": ["notes"],
    "outcomes.OutreachSession": ["notes", "topic"],
    "outcomes.Mediation": ["notes"],
    "reports.ReportedFigure": ["source_document", "note"],
    "certification.Certification": ["decision_number", "decision_authority"],
    "certification.CertificationStep": ["document", "reason"],
    "certification.CriterionResult": ["evidence"],
    "awards.Occasion": ["name"],
    "awards.Person": ["full_name", "position"],
    "awards.Nomination": ["summary", "reason", "decision_number", "signer"],
    "awards.Achievement": ["description"],
}  # fmt: skip


def poison(rows: dict[str, object]) -> int:
    """Overwrite the fields of FIELDS with the payloads in every row (in the rows of
    `rows` for the models it names: a queryset); saved one by one (search names follow,
    the audit log records the change). The number of values written."""
    written = 0
    with audit_context(source="test"):
        for label, names in FIELDS.items():
            model = apps.get_model(label)
            for obj in rows.get(label, model.objects.all()):
                for name in names:
                    text = hostile(model._meta.get_field(name).max_length)
                    if text is not None:
                        setattr(obj, name, text)
                        written += 1
                if label == "geo.UnitVersion":  # kept by the import service, not by save
                    obj.search_name = fold(obj.name)[:200]
                obj.save()
    return written


# ---- checks ------------------------------------------------------------------------------


def raw_markup(text: str) -> list[str]:
    return [marker for marker in RAW if marker in text]


def assert_escaped(url: str, html: str, shown: bool = True) -> None:
    assert not raw_markup(html), (url, raw_markup(html))
    if shown:
        assert any(marker in html for marker in ESCAPED), f"{url}: the payload is not shown"


def get_page(client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html"), url
    return response.content.decode()


# ---- the records -------------------------------------------------------------------------

d = dt.date
TODAY = d(2026, 12, 1)  # the certification windows of the tests (certification.tests)


@dataclass
class World:
    triangle: object
    area: object
    point: object
    organization: object
    group: object
    team: object
    steering: object
    tip: object
    public_tip: object
    code: str
    passphrase: str
    case: object
    ledger: object
    period: object
    figure: object
    certification: object
    occasion: object
    nomination: object
    person: object


@pytest.fixture
def world(triangle, settings, tmp_path, monkeypatch) -> World:
    """One record of each kind in the triangle's commune, every text field poisoned."""
    from binhyen.awards import services as awards
    from binhyen.awards.models import Authority, AwardForm
    from binhyen.certification import services as certification
    from binhyen.certification.choices import Status as CertStatus
    from binhyen.certification.choices import SubjectType
    from binhyen.certification.tests.test_workflow import run_to
    from binhyen.outcomes import services as outcomes
    from binhyen.outcomes.registers import LEDGERS
    from binhyen.reports.models import ReportedFigure
    from binhyen.schemes import services as schemes
    from binhyen.schemes.models import SchemeType, SteeringCommittee
    from binhyen.tips import services as tips

    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(geo_queries, "today", lambda: TODAY)
    t = triangle
    area = geo_queries.children_on(t.unit, TODAY).first().unit
    with audit_context(actor=t.officer, source="test"):
        point = schemes.establish_scheme(
            scheme_type=SchemeType.objects.get(code="keng-an-ninh"),
            unit=area,
            host_kind=area.level,
            name="Điểm 1",
            established_on=d(2025, 7, 2),
            latitude=21.0,
            longitude=105.8,
        )
        schemes.record_event(point, "suspended", d(2025, 9, 1), reason="Tạm dừng")
        org = schemes.save_organization(
            None, kind="enterprise", name="Công ty A", commune=t.unit, established_on=d(2020, 1, 1)
        )
        group = schemes.create_group(
            residential_area=area, name="Tổ 1", established_on=d(2025, 7, 2)
        )
        household = schemes.create_household(residential_area=area, head_name="Chủ hộ")
        schemes.join_group(group, household, joined_on=d(2025, 7, 3))
        schemes.add_member(group, full_name="Thành viên", joined_on=d(2025, 7, 3))
        team = schemes.form_security_team(
            commune=t.unit,
            name="Tổ bảo vệ",
            decision_number="1/QĐ",
            decision_date=d(2025, 7, 2),
            formed_on=d(2025, 7, 2),
            areas=[area],
        )
        schemes.appoint_team_member(team, full_name="Tổ viên", appointed_on=d(2025, 7, 3))
        steering = schemes.create_body(
            SteeringCommittee, unit=t.unit, name="Ban chỉ đạo", established_on=d(2025, 7, 2)
        )
        tip = tips.record_tip(
            received_at=timezone.now() - dt.timedelta(days=2),
            channel="phone",
            category="drugs",
            unit=area,
            description="Mua bán",
            informant=tips.InformantData(full_name=PAYLOAD, contact=PAYLOAD),
            by=t.officer,
        )
        tips.assign_officer(tip, t.officer, by=t.officer, recorder=True)
        tips.set_status(tip, "verifying", reason="Xác minh", by=t.officer)
        receipt = tips.submit_public_tip(category="theft", unit=area, description="Trộm")
        tips.officer_reply(receipt.tip, t.officer, "Cảm ơn")
        tips.resident_message(receipt.tip, "Thêm")
        case = tips.save_case(
            None, number="1", unit=t.unit, category="drugs", opened_on=d(2025, 8, 1), tips=[tip]
        )
        tips.add_suspect(case, full_name="Đối tượng")
        tips.add_seized_item(case, description="Tang vật", quantity=1)
        ledger = outcomes.save_record(
            LEDGERS["weapons"], date=d(2025, 8, 1), unit=t.unit, kind="hunting_gun", quantity=1
        )
        outcomes.save_record(LEDGERS["outreach-sessions"], date=d(2025, 8, 1), unit=t.unit,
                             attendees=10, topic="Chủ đề")  # fmt: skip
        outcomes.save_record(LEDGERS["mediations"], date=d(2025, 8, 1), unit=t.unit,
                             kind="land", result="successful")  # fmt: skip
        period = outcomes.take_in(
            identity=outcomes.Identity(PAYLOAD, 1990),
            intake_on=d(2025, 8, 1),
            unit=t.unit,
            kind="post_rehabilitation",
        )
        figure = ReportedFigure.objects.create(
            indicator="tips.received",
            unit=t.parent,
            period_start=d(2021, 1, 1),
            period_end=d(2021, 12, 31),
            value=5,
            source_document="BC 1",
        )
        cert = certification.register(
            t.officer,
            subject_type=SubjectType.RESIDENTIAL_AREA,
            unit=area,
            year=2026,
            registered_on=d(2026, 2, 10),
            households_total=10,
            households_registered=10,
        )
        run_to(cert, t.officer, CertStatus.CERTIFIED)
        occasion = awards.create_occasion(
            t.parent_officer,
            name="Hội nghị",
            kind="review_conference",
            held_on=d(2025, 12, 20),
            unit=t.parent,
            period_start=d(2024, 12, 1),
            period_end=d(2025, 11, 30),
        )
        person = awards.create_person(
            t.officer, full_name="Người", unit=t.unit, service_since=2010, birth_year=1975
        )
        nomination = awards.propose(
            t.officer,
            occasion,
            form=AwardForm.objects.get(code="bang-khen"),
            authority=Authority.objects.get(code="chu-tich-ubnd-tinh"),
            recipient_kind="individual",
            person=person,
            achievements=["Thành tích"],
        )
        awards.review(t.parent_officer, nomination)
        awards.decide(
            t.parent_officer,
            nomination,
            awarded=True,
            decision_number="12/QĐ",
            decision_date=d(2025, 12, 15),
            signer="Chủ tịch",
        )
    places = [area.pk, t.unit.pk]
    assert poison({
        "geo.AdminUnit": AdminUnit.objects.filter(pk__in=places),
        "geo.UnitVersion": UnitVersion.objects.filter(unit__in=places),
        "accounts.User": User.objects.exclude(pk=t.admin.pk),  # the header names who reads
    }) > 60  # fmt: skip
    return World(
        t, area, point, org, group, team, steering, tip, receipt.tip, receipt.code,
        receipt.passphrase, case, ledger, period, figure, cert, occasion, nomination, person,
    )  # fmt: skip


# ---- the pages ---------------------------------------------------------------------------


class Quiet(str):
    """A page that shows none of the poisoned text (counts only): checked for markup."""


def officer_pages(w: World) -> list[str]:
    """Pages of the officers' side that show the poisoned records (as an administrator)."""
    u = reverse
    unit = w.triangle.unit
    review = urlencode({"unit": w.triangle.parent.code, "start": "01/01/2021", "end": "31/12/2025"})
    return [
        Quiet(u("portal:home")),
        Quiet(u("geo:tree")),
        u("geo:children", args=[w.triangle.parent.pk]),
        u("geo:unit", args=[w.area.code]),
        u("geo:search") + "?q=script",
        u("schemes:list"),
        u("schemes:list") + "?q=script",
        u("schemes:point", args=[w.point.pk]),
        u("schemes:edit", args=[w.point.pk]),
        u("schemes:types"),
        u("schemes:type", args=[w.point.scheme_type.code]),
        u("schemes:type-edit", args=[w.point.scheme_type.code]),
        u("schemes:labels"),
        u("schemes:organizations"),
        u("schemes:organization", args=[w.organization.pk]),
        u("schemes:organization-edit", args=[w.organization.pk]),
        u("schemes:groups"),
        u("schemes:group", args=[w.group.pk]),
        u("schemes:households"),
        u("schemes:bodies"),
        u("schemes:teams"),
        u("schemes:team", args=[w.team.pk]),
        u("schemes:figures"),
        u("schemes:new"),
        u("tips:list"),
        u("tips:list") + "?q=script",
        u("tips:queue"),
        u("tips:detail", args=[w.tip.pk]),
        u("tips:detail", args=[w.public_tip.pk]),
        u("tips:cases"),
        u("tips:case", args=[w.case.pk]),
        u("tips:case-edit", args=[w.case.pk]),
        Quiet(u("outcomes:index")),
        u("outcomes:list", args=["weapons"]),
        u("outcomes:list", args=["outreach-sessions"]),
        u("outcomes:list", args=["mediations"]),
        u("outcomes:edit", args=["weapons", w.ledger.pk]),
        u("outcomes:periods"),
        u("outcomes:person", args=[w.period.person.code]),
        u("certification:index"),
        u("certification:list"),
        u("certification:detail", args=[w.certification.pk]),
        u("awards:index"),
        u("awards:occasion", args=[w.occasion.pk]),
        u("awards:occasion-edit", args=[w.occasion.pk]),
        u("awards:conference", args=[w.occasion.pk]),
        u("awards:nomination", args=[w.nomination.pk]),
        u("awards:people"),
        u("awards:people") + "?q=script",
        u("awards:person", args=[w.person.pk]),
        u("awards:person-edit", args=[w.person.pk]),
        u("reported_figures:list"),
        u("reported_figures:edit", args=[w.figure.pk]),
        u("reports:review") + "?" + review,
        Quiet(u("reports:quality") + "?" + review),
        u("reports:download", args=["html"]) + "?" + review,
        u("core:audit-log"),
        u("core:audit-log") + f"?unit={unit.code}",
    ]


def test_every_officer_page_shows_the_payloads_as_text(client, world):
    client.force_login(world.triangle.admin)
    failures = {}
    for url in officer_pages(world):
        try:
            assert_escaped(url, get_page(client, url), shown=not isinstance(url, Quiet))
        except AssertionError as error:
            failures[url] = str(error)[:200]
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)


def test_fragments_feeds_reveals_and_the_public_status_show_the_payloads_as_text(client, world):
    w = world
    client.force_login(w.triangle.admin)
    for url in (  # the HTMX fragments of the filtered lists
        reverse("schemes:list") + "?q=script",
        reverse("tips:list"),
        reverse("tips:cases"),
        reverse("outcomes:list", args=["weapons"]),
        reverse("outcomes:periods"),
        reverse("reported_figures:list"),
    ):
        html = get_page(client, url, HTTP_HX_REQUEST="true")
        assert "<html" not in html, url  # a fragment indeed
        assert_escaped(url, html)

    # the map feed is JSON: the names come back exactly as typed, for the popups'
    # textContent (schemes/static/schemes/js/point_map.js builds no HTML from them)
    feed = client.get(reverse("schemes:map-data"))
    assert feed["Content-Type"].startswith("application/json")
    names = [f["properties"]["name"] for f in feed.json()["features"]]
    assert hostile(255) in names

    # a managed person's identity, revealed with a reason
    url = reverse("outcomes:person-reveal", args=[w.period.person.code])
    response = client.post(url, {"reason": SCRIPT})
    assert response.status_code == 200
    assert_escaped(url, response.content.decode())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()

    # the dashboard of an officer (their name, their commune's name)
    client.force_login(w.triangle.officer)
    assert_escaped("dashboard", get_page(client, reverse("portal:home")))

    # the informant's identity, revealed by the officer who recorded the tip
    url = reverse("tips:reveal", args=[w.tip.pk])
    response = client.post(url, {"reveal-reason": BREAKOUT})
    assert response.status_code == 200
    assert_escaped(url, response.content.decode())

    # the resident's status page, after the code and passphrase
    client.logout()
    response = client.post(
        reverse("tips:public-check"), {"code": w.code, "passphrase": w.passphrase}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_escaped("public status", html)
    assert html.count("&lt;script&gt;alert(1)") >= 2  # the description and the messages
    assert TEMPLATE in html  # template syntax in data is data, never evaluated


def test_input_echoed_back_is_escaped(client, world):
    """What a request carries and a page repeats: a form refused with its values, a
    widget named by the query, a search term, a path not found."""
    client.force_login(world.triangle.officer)
    page = client.post(
        reverse("tips:new"), {"description": PAYLOAD, "unit": BREAKOUT, "channel": SCRIPT}
    )
    assert page.status_code == 400
    assert_escaped("tips:new refused", page.content.decode())
    client.logout()  # the resident's form, refused (no such commune) with what was typed
    page = client.post(
        reverse("tips:public-new"),
        {"category": "theft", "province": "99", "commune": BREAKOUT, "description": PAYLOAD},
    )
    assert page.status_code == 200 and page.context["form"].errors
    assert_escaped("tips:public-new refused", page.content.decode())
    client.force_login(world.triangle.officer)
    url = reverse("schemes:area-options") + "?" + urlencode({"name": BREAKOUT, "multiple": "1"})
    assert_escaped(url, client.get(url).content.decode(), shown=False)
    for url in (
        reverse("schemes:list") + "?" + urlencode({"q": PAYLOAD}),
        reverse("tips:list") + "?" + urlencode({"q": PAYLOAD}),
        reverse("awards:people") + "?" + urlencode({"q": PAYLOAD}),
    ):
        html = client.get(url).content.decode()
        assert_escaped(url, html)
    missing = client.get("/schemes/" + SCRIPT + "/")
    assert missing.status_code == 404 and not raw_markup(missing.content.decode())


# ---- documents ---------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    cells = (c.text for t in document.tables for r in t.rows for c in r.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_documents_carry_the_payloads_as_text(client, world):
    """DOCX (python-docx writes text runs), the review's HTML download (with a signer
    typed on the page) and the certificate's HTML (WeasyPrint's input): text, not markup."""
    from binhyen.certification import certificates

    w = world
    client.force_login(w.triangle.parent_officer)
    docx = client.get(reverse("awards:conference", args=[w.occasion.pk]) + "?export=docx")
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert hostile(160) in text and hostile(255) in text  # the person, the occasion

    review = {"unit": w.triangle.parent.code, "start": "01/01/2021", "end": "31/12/2025"}
    signature = {"signer": hostile(120), "title": BREAKOUT, "recipients": PAYLOAD + "\nLưu"}
    query = urlencode({**review, **signature})
    html = client.get(reverse("reports:download", args=["html"]) + "?" + query)
    assert html.status_code == 200
    assert_escaped("review html", html.content.decode())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.content.decode()
    docx = client.get(reverse("reports:download", args=["docx"]) + "?" + query)
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert hostile(120) in text and PAYLOAD in text

    cert = w.certification
    cert.refresh_from_db()
    page = certificates.html(cert, "https://binhyen.example/certification/verify/?code=X")
    assert_escaped("certificate", page)
