"""A review as a file: JSON (the stable format) or a document (documents package)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

FORMATS = ("json", "html", "xlsx", "docx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def to_json(review: dict) -> bytes:
    return json.dumps(review, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder).encode()


def render(review: dict, fmt: str, letterhead=None) -> bytes:
    if fmt == "json":
        return to_json(review)
    from .documents import render as render_document

    return render_document(review, fmt, letterhead)


def filename(review: dict, fmt: str) -> str:
    unit = (review.get("unit") or {}).get("code") or "VN"
    period = review["period"]
    return f"bao-cao-{unit}-{period['start']}-{period['end']}.{fmt}"
