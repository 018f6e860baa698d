"""The review as one standalone HTML page (styles and charts inside) and, from the same
page, as PDF through WeasyPrint (imported lazily: it needs Pango from apt)."""

from __future__ import annotations

import base64
import hashlib
import json

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .content import Document


class DocumentUnavailable(RuntimeError):
    """A format cannot be produced on this machine (a system library is missing)."""


PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2"


def chart_uri(review: dict, name: str) -> str:
    """A chart of the review as an SVG data URI ("" without data): pages and PDF.

    Drawing takes a third of a dashboard visit, so a chart is kept in the cache under
    the hash of what it is drawn from (its part of the review, the language): the same
    figures give the same picture, and a new figure gives a new key, never a stale one."""
    drawn = json.dumps([name, review.get(name), get_language()], sort_keys=True, default=str)
    key = "chart:" + hashlib.sha256(drawn.encode()).hexdigest()
    uri = cache.get(key)
    if uri is None:
        uri = _draw(review, name)
        cache.set(key, uri, CHART_SECONDS)
    return uri


CHART_SECONDS = 24 * 3600


def _draw(review: dict, name: str) -> str:
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
