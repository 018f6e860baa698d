"""Uploads are judged by their content, within a size limit, and never served as a page:
tip attachments (officers: photos and PDF; residents: photos only), certification
files, spreadsheet imports. A refused upload says why and leaves nothing behind, in the
database or on the disk; a stored file is downloaded only as an attachment with a safe
type, nosniff and a sandbox policy."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from binhyen.certification.services import files as certification_files
from binhyen.core.audit import audit_context
from binhyen.geo import queries as geo_queries
from binhyen.tips import services as tips
from binhyen.tips.models import Tip, TipAttachment
from binhyen.tips.services import files as tip_files

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"
SAFE_TYPES = {"image/jpeg", "application/pdf"}


def png(extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 120, 40)).save(out, format="PNG")
    return out.getvalue() + extra


# name, content: none is a photo or a PDF by content, whatever its name or declared type
DISGUISED = [
    ("photo.jpg", HTML, "image/jpeg"),
    ("anh.png", SVG, "image/png"),
    ("drawing.svg", SVG, "image/svg+xml"),
    ("bien-ban.pdf", HTML, "application/pdf"),
    ("page.html", HTML, "text/html"),
    ("empty.jpg", b"", "image/jpeg"),
]


def upload(name: str, data: bytes, ctype: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=ctype)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def tip(triangle, media) -> Tip:
    with audit_context(actor=triangle.officer, source="test"):
        made = tips.record_tip(
            received_at=timezone.now() - dt.timedelta(days=1),
            channel="phone",
            category="drugs",
            unit=triangle.unit,
            description="Mua bán",
            by=triangle.officer,
        )
    return made


def attach(client, tip: Tip, *files):
    return client.post(reverse("tips:attach", args=[tip.pk]), {"attach-attachments": list(files)})


# ---- tip attachments ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "ctype"), DISGUISED)
def test_officers_attach_only_photos_and_pdf_by_content(
    client, triangle, tip, media, name, data, ctype
):  # noqa: E501
    client.force_login(triangle.officer)
    response = attach(client, tip, upload(name, data, ctype))
    assert response.status_code == 400
    assert response.context["attach_form"].errors["attachments"][0]
    assert not TipAttachment.objects.exists() and not stored_files(media)


def test_a_refused_file_leaves_none_of_its_batch_behind(client, triangle, tip, media):
    client.force_login(triangle.officer)
    response = attach(client, tip, upload("a.png", png()), upload("b.jpg", HTML))
    assert response.status_code == 400
    assert not TipAttachment.objects.exists() and not stored_files(media)


def test_an_oversized_attachment_is_refused_and_not_stored(
    client, triangle, tip, media, monkeypatch
):
    monkeypatch.setattr(tip_files, "MAX_BYTES", 1000)
    client.force_login(triangle.officer)
    response = attach(client, tip, upload("big.pdf", b"%PDF-1.7\n" + b"0" * 1000))
    assert response.status_code == 400
    assert response.context["attach_form"].errors["attachments"][0]
    assert not TipAttachment.objects.exists() and not stored_files(media)


def test_stored_files_are_rewritten_and_served_as_attachments(client, triangle, tip, media):
    """A photo with a page appended comes out as a fresh JPEG without it; a PDF that
    is a page after its first bytes is kept but served as a PDF download in a sandbox."""
    client.force_login(triangle.officer)
    polyglot_pdf = b"%PDF-1.7\n" + HTML
    response = attach(client, tip, upload("anh.png", png(SCRIPT)), upload("x.pdf", polyglot_pdf))
    assert response.status_code == 302
    for attachment in tip.attachments.order_by("pk"):
        assert attachment.content_type in SAFE_TYPES
        assert not attachment.file.name.endswith((".html", ".svg", ".png"))
        response = client.get(reverse("tips:attachment", args=[tip.pk, attachment.pk]))
        body = b"".join(response.streaming_content)
        assert response["Content-Type"] == attachment.content_type
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        if attachment.content_type == "image/jpeg":
            assert body[:2] == b"\xff\xd8" and SCRIPT not in body
    assert len(stored_files(media)) == 2


def test_residents_send_photos_only(client, triangle, media, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    area = geo_queries.children_on(triangle.unit, geo_queries.today()).first().unit
    form = {
        "category": "theft",
        "province": triangle.parent.code,
        "commune": triangle.unit.code,
        "residential_area": area.code,
        "description": "Trộm xe",
    }
    refused = [*DISGUISED, ("real.pdf", b"%PDF-1.7\n%%EOF", "application/pdf")]
    for name, data, ctype in refused:
        response = client.post(
            reverse("tips:public-new"), {**form, "photos": upload(name, data, ctype)}
        )
        assert response.status_code == 200 and "photos" in response.context["form"].errors, name
    assert not Tip.objects.exists() and not stored_files(media)
    response = client.post(
        reverse("tips:public-new"), {**form, "photos": upload("a.png", png(SCRIPT))}
    )
    assert response.status_code == 200 and "code" in response.context
    stored = TipAttachment.objects.get()
    assert stored.content_type == "image/jpeg" and SCRIPT not in stored.file.read()


# ---- certification files -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "ctype"), DISGUISED)
def test_certification_files_are_judged_by_content(name, data, ctype):
    with pytest.raises(ValidationError):
        certification_files.check_file(upload(name, data, ctype))


def test_certification_files_are_never_served_as_pages():
    for name in ("x.html", "x.htm", "x.svg", "x.xhtml", "x.js", "x", "x.PDF.html"):
        assert certification_files.content_type(name) == "application/octet-stream", name
    served = {certification_files.content_type(f"x.{ext}") for ext in certification_files.ALLOWED}
    assert not {t for t in served if "html" in t or "svg" in t or t.startswith("text/")}


# ---- spreadsheet imports -----------------------------------------------------------------


@pytest.fixture
def uploads(settings, tmp_path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path / "var" / "uploads"


def test_an_import_upload_is_read_by_content_and_forgotten(client, triangle, uploads):
    """A page named as a workbook is no workbook: refused or read as CSV text, shown as
    text (its name too), and deleted."""
    client.force_login(triangle.parent_officer)
    name = '"><img src=x onerror=alert(1)>.xlsx'
    response = client.post(reverse("tips:import"), {"file": upload(name, HTML)}, follow=True)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<img src=x" not in html and "<script>alert" not in html
    assert not stored_files(uploads)
    fake = upload("photo.xlsx", png())  # binary, not a workbook
    response = client.post(reverse("tips:import"), {"file": fake}, follow=True)
    assert response.status_code == 400 and "file" in response.context["form"].errors
    assert not stored_files(uploads)


def test_an_oversized_import_is_refused_while_it_arrives(client, triangle, uploads, monkeypatch):
    from binhyen.tips.views import imports

    monkeypatch.setattr(imports.pages, "max_upload_mb", 1)
    client.force_login(triangle.parent_officer)
    big = upload("big.csv", b"code,description\n" + b"x," * (1024 * 1024))
    response = client.post(reverse("tips:import"), {"file": big})
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not stored_files(uploads)
