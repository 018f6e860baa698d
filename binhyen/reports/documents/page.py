"""The review as one standalone HTML page (styles and charts inside) and, from the same
page, as PDF through WeasyPrint (imported lazily: it needs Pango from apt)."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .content import Document


class DocumentUnavailable(RuntimeError):
    """A format cannot be produced on this machine (a system library is missing)."""


PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2"


def chart_uri(review: dict, name: str) -> str:
    """A chart of the review as an SVG data URI ("" without data): pages and PDF."""
    from . import charts  # matplotlib loads on the first chart, not at start-up

    fig = charts.CHARTS[name](review)
    if fig is None:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(charts.svg(fig)).decode("ascii")


def html(review: dict, doc: Document) -> str:
    for part in doc.parts:
        for block in part.blocks:
            if block.kind == "chart":
                block.uri = chart_uri(review, block.name)
    return render_to_string("reports/document/review.html", {"doc": doc})


def weasyprint_module():
    try:
        import weasyprint
    except (OSError, ImportError) as error:
        raise DocumentUnavailable(
            _(
                "PDF documents need the Pango text library and the Liberation fonts. "
                "Install them with: apt-get install %(packages)s (%(error)s)"
            )
            % {"packages": PDF_PACKAGES, "error": error}
        ) from error
    return weasyprint


def pdf(review: dict, doc: Document) -> bytes:
    weasyprint = weasyprint_module()
    page = html(review, doc)
    return weasyprint.HTML(string=page).write_pdf()
