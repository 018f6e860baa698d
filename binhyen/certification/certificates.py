"""The certificate of a certified subject as a PDF (WeasyPrint, from the HTML template
certification/certificate.html): A4 landscape, the heading of an administrative document
(Decree 30/2020/NĐ-CP: the issuing authority, the national heading), the title, the
subject with its address under today's structure, the decision, the place and date line,
the signature block, and the verification code with the address of the public check
page (and its QR code when the `segno` package is installed).

Only a certification that is certified and bears a code has a certificate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.reports import formatting
from binhyen.reports.documents.page import DocumentUnavailable, weasyprint_module

from .choices import Status, SubjectType
from .models import Certification

__all__ = [
    "Certificate",
    "DocumentUnavailable",
    "NoCertificate",
    "certificate_of",
    "filename",
    "has_certificate",
    "html",
    "pdf",
    "qr_svg_uri",
]


class NoCertificate(ValueError):
    """The certification has no certificate (not certified, or no code)."""


def has_certificate(cert: Certification) -> bool:
    return cert.status == Status.CERTIFIED and bool(cert.certificate_code)


def _version_name(unit: AdminUnit | None, on: dt.date | None = None) -> str:
    """A unit's name without its type word ("Xã Tân Lập" → "Tân Lập"): the place of the
    date line."""
    if unit is None:
        return ""
    versions = unit.versions.order_by("-valid_from")
    version = (geo_queries.version_on(unit, on) if on else None) or versions.first()
    if version is None:
        return unit.name
    name, word = version.name, version.type_word
    if word and name.lower().startswith(word.lower() + " "):
        return name[len(word) :].strip()
    return name


def placed(unit: AdminUnit, level: str, on: dt.date) -> AdminUnit | None:
    """The unit of `level` that `unit` rolls up to under today's structure; when the
    placement cannot tell (split, not yet placed), its ancestor on the day `on`."""
    answer = geo_queries.place(unit, geo_queries.today(), level)
    if answer.target is not None:
        return answer.target
    if unit.level == level:
        return unit
    for version in geo_queries.ancestors(unit, on):
        if version.unit.level == level:
            return version.unit
    return None


@dataclass
class Certificate:
    """What the certificate prints (and what the public check page may reveal)."""

    code: str
    year: int
    subject_type: str
    subject_type_label: str
    subject: str
    address: list[str]
    commune: AdminUnit | None
    province: AdminUnit | None
    decision_number: str
    decision_date: dt.date | None
    decision_authority: str
    issued_on: dt.date | None


def certificate_of(cert: Certification) -> Certificate:
    """The facts printed on the certificate; NoCertificate when it has none."""
    if not has_certificate(cert):
        raise NoCertificate(cert.pk)
    on = cert.decision_date or cert.registered_on
    org = cert.organization
    address: list[str] = []
    if org is not None:
        subject = org.name
        if org.address:
            address.append(org.address)
        if org.residential_area_id:
            address.append(org.residential_area.name)
        base = org.commune
    else:
        subject = cert.unit.name
        base = cert.unit
    commune = placed(base, Level.COMMUNE, on) if base.level != Level.PROVINCE else None
    province = placed(base, Level.PROVINCE, on)
    if commune is not None and (org is not None or commune.pk != cert.unit_id):
        address.append(commune.name)
    if province is not None:
        address.append(province.name)
    return Certificate(
        code=cert.certificate_code,
        year=cert.year,
        subject_type=cert.subject_type,
        subject_type_label=str(SubjectType(cert.subject_type).label),
        subject=subject,
        address=address,
        commune=commune,
        province=province,
        decision_number=cert.decision_number,
        decision_date=cert.decision_date,
        decision_authority=cert.decision_authority,
        issued_on=cert.certificate_issued_on or cert.decision_date,
    )


def qr_svg_uri(text: str) -> str:
    """The QR code of `text` as an SVG data URI; "" when segno is not installed."""
    try:
        import segno
    except ImportError:
        return ""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=0, dark="#000")


def _upper(text: str) -> str:
    return text.upper()


def context(cert: Certification, verify_url: str) -> dict:
    facts = certificate_of(cert)
    day = facts.issued_on
    place = _version_name(facts.commune) or _version_name(facts.province)
    return {
        "language": (get_language() or "vi")[:2],
        "c": facts,
        "authority": _upper(facts.decision_authority),
        "nation": pgettext("letterhead", "Socialist Republic of Vietnam").upper(),
        "motto": pgettext("letterhead", "Independence - Freedom - Happiness"),
        "title": _upper(pgettext("certificate", "Certificate")),
        "standard": pgettext(
            "certificate", "Meets the standard “Safe for security and order” in %(year)s"
        )
        % {"year": facts.year},
        "decision": (
            pgettext(
                "certificate", "Under decision no. %(number)s of %(date)s of the %(authority)s"
            )
            % {
                "number": facts.decision_number,
                "date": formatting.short_date(facts.decision_date),
                "authority": facts.decision_authority,
            }
            if facts.decision_date
            else ""
        ),
        "date_line": formatting.place_and_date(place, day) if day and place else "",
        "verify_url": verify_url,
        "qr": qr_svg_uri(verify_url),
        "code_label": _("Verification code"),
    }


def html(cert: Certification, verify_url: str) -> str:
    return render_to_string("certification/certificate.html", context(cert, verify_url))


def pdf(cert: Certification, verify_url: str) -> bytes:
    """The certificate as PDF bytes. NoCertificate when the certification has none;
    DocumentUnavailable when WeasyPrint cannot run on this machine."""
    page = html(cert, verify_url)  # NoCertificate before WeasyPrint is even imported
    weasyprint = weasyprint_module()
    return weasyprint.HTML(string=page).write_pdf()


def filename(cert: Certification) -> str:
    return f"giay-chung-nhan-{cert.year}-{cert.certificate_code}.pdf"
