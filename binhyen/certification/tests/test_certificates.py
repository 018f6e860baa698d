"""The certificate PDF, the public check of a code, and the officers' download.

The certification rows are made with the ORM (the workflow has its own tests): a
residential area of the triangle's commune certified for 2025."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import translation

from binhyen.certification import certificates
from binhyen.certification.choices import Status, SubjectType
from binhyen.certification.models import Certification
from binhyen.certification.services.codes import new_certificate_code
from binhyen.core.audit import audit_context
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit


# Used only while binhyen/urls.py does not route the app yet (the lead wires it).
def _fallback_urls():
    from binhyen.urls import urlpatterns as base

    return [*base, path("certification/", include("binhyen.certification.urls"))]


urlpatterns = _fallback_urls()
DECISION = "125/QĐ-UBND"
AUTHORITY = "Ủy ban nhân dân xã (kiểm thử)"


@pytest.fixture(autouse=True)
def routed(settings):
    """The app's URLs: the project's if wired, else this module's."""
    try:
        reverse("certification:verify")
        reverse("certification:certificate", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def area_of(commune: AdminUnit) -> AdminUnit:
    version = (
        geo_queries.children_on(commune, geo_queries.today())
        .filter(unit__level="residential_area")
        .first()
    )
    return version.unit


def make(unit: AdminUnit, status=Status.CERTIFIED, year=2025, **extra) -> Certification:
    values = dict(
        subject_type=unit.level,
        unit=unit,
        year=year,
        status=status,
        registered_on=dt.date(year, 2, 1),
        households_total=137 if unit.level == SubjectType.RESIDENTIAL_AREA else None,
        households_registered=137 if unit.level == SubjectType.RESIDENTIAL_AREA else None,
    )
    if status in (Status.CERTIFIED, Status.NOT_CERTIFIED):
        values |= dict(
            decision_number=DECISION,
            decision_date=dt.date(year, 11, 5),
            decision_authority=AUTHORITY,
        )
    if status == Status.CERTIFIED:
        values |= dict(
            certificate_code=new_certificate_code(), certificate_issued_on=dt.date(year, 11, 5)
        )
    values |= extra
    with audit_context(source="test"):
        return Certification.objects.create(**values)


@pytest.fixture
def certified(triangle):
    return make(area_of(triangle.unit))


def verify(client, code: str):
    return client.get(reverse("certification:verify"), {"code": code})


# ---- the PDF ------------------------------------------------------------------------------


def _pdf(cert) -> bytes:
    try:
        return certificates.pdf(cert, "https://binhyen.test/certification/verify/?code=X")
    except certificates.DocumentUnavailable as exc:
        pytest.skip(str(exc))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return found


def test_certificate_pdf_has_liberation_serif_and_the_code(certified):
    with translation.override("en"):
        data = _pdf(certified)
    assert data.startswith(b"%PDF")
    fonts = subprocess.run(
        [_tool("pdffonts"), "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Liberation-Serif" in fonts or "LiberationSerif" in fonts
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert certified.certificate_code in text
    assert DECISION in text
    assert certified.unit.name in text  # the residential area
    assert "2025" in text
    assert "CERTIFICATE" in text


def test_certificate_pdf_is_one_landscape_a4_page(certified):
    data = _pdf(certified)
    info = subprocess.run(
        [_tool("pdfinfo"), "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.M)
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


def test_certificate_prints_the_address_under_todays_structure(certified, triangle):
    facts = certificates.certificate_of(certified)
    assert facts.subject == certified.unit.name
    assert facts.commune == triangle.unit
    assert facts.province == triangle.parent
    assert facts.address == [triangle.unit.name, triangle.parent.name]


def test_certificate_html_names_the_verification_page_and_qr(certified):
    url = "https://binhyen.test/certification/verify/?code=" + certified.certificate_code
    with translation.override("en"):
        page = certificates.html(certified, url)
    assert url in page.replace("&amp;", "&")
    if "segno" in sys.modules or _has_segno():
        assert "data:image/svg+xml" in page
    assert "Liberation Serif" in page


def _has_segno() -> bool:
    try:
        import segno  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("status", [Status.APPRAISED, Status.NOT_CERTIFIED, Status.APPEALED])
def test_only_certified_certifications_have_a_certificate(triangle, status):
    cert = make(area_of(triangle.unit), status=status)
    assert not certificates.has_certificate(cert)
    with pytest.raises(certificates.NoCertificate):
        certificates.pdf(cert, "https://binhyen.test/")


def test_a_certified_row_without_code_has_no_certificate(triangle):
    cert = make(area_of(triangle.unit), certificate_code="")
    with pytest.raises(certificates.NoCertificate):
        certificates.certificate_of(cert)


# ---- the public check ---------------------------------------------------------------------


def test_anonymous_check_of_a_genuine_code(client, certified, triangle):
    with translation.override("en"):
        response = verify(client, certified.certificate_code)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-result="genuine"' in body
    assert certified.unit.name in body
    assert triangle.unit.name in body  # its commune
    assert DECISION in body and AUTHORITY in body
    assert "05/11/2025" in body
    assert "2025" in body
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_check_tolerates_case_spaces_and_confusable_letters(client, certified):
    typed = certified.certificate_code.lower().replace("-", " ").replace("0", "o")
    response = verify(client, typed)
    assert 'data-result="genuine"' in response.content.decode()


def test_unknown_code_says_no_certificate_bears_it(client, certified):
    other = new_certificate_code()
    response = verify(client, other)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-result="unknown"' in body
    assert 'data-result="genuine"' not in body
    assert certified.unit.name not in body
    assert DECISION not in body


@pytest.mark.parametrize("status", [Status.NOT_CERTIFIED, Status.APPEALED, Status.APPRAISED])
def test_a_code_on_a_certification_not_certified_is_not_genuine(client, triangle, status):
    cert = make(area_of(triangle.unit), status=status, certificate_code=new_certificate_code())
    response = verify(client, cert.certificate_code)
    body = response.content.decode()
    assert 'data-result="unknown"' in body
    assert cert.unit.name not in body


def test_genuine_and_unknown_answers_have_the_same_shape(client, certified):
    genuine = verify(client, certified.certificate_code)
    unknown = verify(client, new_certificate_code())
    assert genuine.status_code == unknown.status_code == 200
    assert genuine.templates[0].name == unknown.templates[0].name == "certification/verify.html"
    assert genuine.headers["Cache-Control"] == unknown.headers["Cache-Control"]


def test_the_check_reveals_nothing_else(client, certified, triangle, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    neighbour = make(triangle.unit, year=2025)  # the commune's own, certified too
    response = verify(client, certified.certificate_code)
    body = response.content.decode()
    assert "137" not in body  # households
    assert "01/02/2025" not in body  # the registration date
    assert neighbour.certificate_code not in body
    assert f"/{certified.pk}/" not in body  # no internal id, no link to officers' pages
    for word in ("criteria", "Criteria", "steps", "households"):
        assert word not in body


def test_the_form_without_code_shows_no_answer(client):
    response = client.get(reverse("certification:verify"))
    assert response.status_code == 200
    assert "data-result" not in response.content.decode()


def test_empty_or_junk_code_is_a_form_error(client):
    response = client.get(reverse("certification:verify"), {"code": "--- !"})
    assert response.status_code == 200
    assert "data-result" not in response.content.decode()
    assert response.context["form"].errors


def test_checks_are_rate_limited_per_address(client, certified, settings):
    settings.CERTIFICATE_CHECK_RATE = "3/h"
    for _ in range(3):
        assert verify(client, new_certificate_code()).status_code == 200
    refused = verify(client, certified.certificate_code)
    assert refused.status_code == 429
    assert "data-result" not in refused.content.decode()


def test_the_check_page_needs_no_sign_in_for_restricted_users_either(client, certified, triangle):
    client.force_login(triangle.outsider)  # a restricted user: the page is PUBLIC
    response = verify(client, certified.certificate_code)
    assert response.status_code == 200
    assert 'data-result="genuine"' in response.content.decode()


# ---- the officers' download ---------------------------------------------------------------


def pdf_url(cert) -> str:
    return reverse("certification:certificate", args=[cert.pk])


def test_officers_of_the_unit_and_above_download_the_certificate(client, certified, triangle):
    for user in (triangle.officer, triangle.parent_officer, triangle.admin):
        client.force_login(user)
        response = client.get(pdf_url(certified))
        if response.status_code == 503:
            pytest.skip("WeasyPrint cannot run here")
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert certified.certificate_code in response["Content-Disposition"]


def test_outsiders_and_anonymous_visitors_do_not(client, certified, triangle):
    client.force_login(triangle.outsider)
    assert client.get(pdf_url(certified)).status_code == 404
    client.logout()
    response = client.get(pdf_url(certified))
    assert response.status_code == 302 and "login" in response["Location"]


def test_no_download_for_a_certification_not_certified(client, triangle):
    cert = make(area_of(triangle.unit), status=Status.NOT_CERTIFIED)
    client.force_login(triangle.officer)
    assert client.get(pdf_url(cert)).status_code == 404
