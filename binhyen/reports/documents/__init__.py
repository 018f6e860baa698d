"""Review documents written from the review JSON alone (docs/review-format.md): a
standalone HTML page, PDF (WeasyPrint, from the same page), DOCX (python-docx) and XLSX
(openpyxl). The HTML, PDF and DOCX follow Decree 30/2020/NĐ-CP.

    data: bytes = render(review, "docx", Letterhead.for_review(review))
"""

from __future__ import annotations

import dataclasses

from django.utils import translation

from binhyen.core.spreadsheets.safe import xml_text

from .letterhead import AUTHORITY_MODES, Letterhead
from .page import PDF_PACKAGES, DocumentUnavailable

FORMATS = ("html", "xlsx", "docx", "pdf")

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

EXTENSIONS = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx"}

__all__ = [
    "AUTHORITY_MODES",
    "CONTENT_TYPES",
    "EXTENSIONS",
    "FORMATS",
    "PDF_PACKAGES",
    "DocumentUnavailable",
    "Letterhead",
    "render",
]


def render(review: dict, fmt: str, letterhead: Letterhead | None = None) -> bytes:
    """The review as a document in `fmt` (one of FORMATS), in the review's language.

    Raises ValueError for an unknown format and DocumentUnavailable when the machine
    lacks what the format needs (PDF without Pango)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r}; expected one of {FORMATS}")
    review = _printable(review)
    if letterhead is not None:
        letterhead = dataclasses.replace(
            letterhead,
            **{
                f.name: _printable(getattr(letterhead, f.name))
                for f in dataclasses.fields(letterhead)
            },
        )
    with translation.override(review.get("language") or "vi"):
        head = letterhead.with_defaults(review) if letterhead else Letterhead.for_review(review)
        if fmt == "xlsx":
            from .workbook import workbook

            return workbook(review, head)
        from . import content, page

        doc = content.build(review, head)
        if fmt == "html":
            return page.html(review, doc).encode("utf-8")
        if fmt == "pdf":
            return page.pdf(review, doc)
        from .word import docx_bytes

        return docx_bytes(review, doc)


def _printable(value):
    """`value` with every string stripped of the control characters XML cannot hold: a
    name or a signer typed with one (pasted from another program) would otherwise fail
    the DOCX and XLSX documents."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    return value
