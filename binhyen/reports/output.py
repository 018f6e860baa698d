"""A review as a file: JSON (the stable format) or a document (documents package)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from . import documents

FORMATS = ("json", *documents.FORMATS)
CONTENT_TYPES = {"json": "application/json", **documents.CONTENT_TYPES}


def to_json(review: dict) -> bytes:
    return json.dumps(review, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder).encode()


def render(review: dict, fmt: str, letterhead=None) -> bytes:
    if fmt == "json":
        return to_json(review)
    return documents.render(review, fmt, letterhead)


def filename(review: dict, fmt: str) -> str:
    unit = (review.get("unit") or {}).get("code") or "VN"
    period = review["period"]
    return f"bao-cao-{unit}-{period['start']}-{period['end']}.{fmt}"
