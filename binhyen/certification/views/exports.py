"""Files of the certification for officers: the certificate PDF of a certified subject,
the XLSX lists (registrations and decisions) of a unit and year, and the spreadsheet
import pages of a year's registrations (core.spreadsheets.pages: upload → check →
confirm; uploads wait under VAR_DIR/uploads/certification). Everything is read through
queries.certifications_for_user (the user's jurisdiction)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.spreadsheets.pages import ImportPages, Link, empty_workbook

from .. import certificates, exports, queries
from ..importers import COLUMNS, REGISTRATIONS, import_files
from ..permissions import can_write_anywhere
from .public import verify_url

INDEX = "certification:index"
PDF_TYPE = "application/pdf"


@scoping(JURISDICTION)
@login_required
@require_GET
def certificate_pdf(request, pk: int):
    """The certificate of a certified subject the user may see (404 otherwise)."""
    cert = queries.get_certification_for_user(request.user, pk)
    if not certificates.has_certificate(cert):
        raise Http404(_("This certification has no certificate."))
    try:
        data = certificates.pdf(cert, verify_url(request, cert.certificate_code))
    except certificates.DocumentUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=PDF_TYPE)
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{certificates.filename(cert)}"'
    return response


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


@scoping(JURISDICTION)
@login_required
@require_GET
def lists_xlsx(request):
    """?unit=CODE&year=YYYY: the registrations and decisions of the certifications the
    user may see under that unit, for that year, as one workbook."""
    code = (request.GET.get("unit") or "").strip()
    year = _year((request.GET.get("year") or "").strip())
    if not code or year is None:
        return HttpResponseBadRequest(
            _("Give the unit code (unit=) and the year (year=, 2000 to 2100)."),
            content_type="text/plain; charset=utf-8",
        )
    unit = exports.unit_for_code(code)
    if unit is None:
        raise Http404(_("No unit has the code %(code)s today.") % {"code": code})
    return exports.xlsx_response(queries.certifications_for_user(request.user), unit, year)


def blank_workbook() -> HttpResponse:
    return empty_workbook(COLUMNS, "binhyen-registrations.xlsx")


pages = ImportPages(
    namespace="certification",
    import_files=import_files,
    labels={REGISTRATIONS: gettext_lazy("Registrations")},
    columns=COLUMNS,
    may_import=can_write_anywhere,
    blank_workbook=blank_workbook,
    too_large=gettext_lazy(
        "The file is larger than %(mb)d MB: import it with the import_registrations command."
    ),
    crumb=Link(INDEX, gettext_lazy("Certification")),
    after=[Link(INDEX, gettext_lazy("Certification"))],
    intro=gettext_lazy(
        "Upload the year's registrations “Safe for security and order”: an Excel workbook "
        "(.xlsx) or a CSV file (UTF-8), one row per residential area, commune, agency, "
        "enterprise or school. The file is first checked without writing anything; you then "
        "see the errors, or what the import would register, and confirm."
    ),
    notes=[
        gettext_lazy(
            "At most %(mb)s MB. Every row must be in your jurisdiction. Nothing is imported "
            "unless every row is correct. A residential area or commune is given by its unit "
            "code, an organisation by its reference or tax code. A subject already registered "
            "for the year with the same values is left unchanged, so importing the same file "
            "again changes nothing."
        )
    ],
    columns_title=gettext_lazy("Columns"),
    columns_hint=gettext_lazy(
        "Headers in English or Vietnamese (Loại đối tượng, Mã đơn vị, Mã tham chiếu tổ chức, "
        "Mã số thuế, Năm, Ngày đăng ký, Số hộ, Số hộ đăng ký). Dates as dd/mm/yyyy or "
        "yyyy-mm-dd. Format code columns as Text so that leading zeros stay. Subject types "
        "by code or label (Khu dân cư, Xã, Cơ quan, Doanh nghiệp, Nhà trường)."
    ),
    kind_field="kind",
    upload_dir="uploads/certification",
)
