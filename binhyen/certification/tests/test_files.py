"""Step and evidence files: an allow-list of types checked by extension and content, a
size limit (CERTIFICATION_MAX_FILE_MB), generic stored names, photos re-encoded, checked
by the forms and by the services; downloaded only through scoped views, as attachments
with nosniff and a sandbox policy, never through a media URL."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from PIL import Image

from .. import services
from ..choices import Status, StepKind
from ..forms import StepForm
from ..services.files import check_file
from . import test_workflow
from .test_workflow import refused, register_area, run_to

pytestmark = pytest.mark.urls("binhyen.certification.tests.test_pages")

clock = test_workflow.clock
world = test_workflow.world

d = dt.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(out, format=fmt)
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


ACCEPTED = [
    ("bien-ban.pdf", b"%PDF-1.7\n...", "pdf"),
    ("anh.png", photo("PNG"), "jpg"),
    ("anh.JPG", photo("JPEG"), "jpg"),
    ("anh.webp", photo("WEBP"), "jpg"),
    ("to-trinh.docx", docx(), "docx"),
    ("danh-sach.xlsx", xlsx(), "xlsx"),
]
REFUSED = [
    ("trang.html", b"<script>alert(1)</script>"),
    ("chay.exe", b"MZ\x90\x00"),
    ("gia.pdf", b"<html>not a pdf</html>"),
    ("gia.jpg", b"%PDF-1.7 a pdf named as a photo"),
    ("gia.docx", b"PK\x03\x04 not really a zip"),
    ("bang.docx", xlsx()),  # a workbook named as a document
    ("khong-duoi", b"%PDF-1.7"),
]


@pytest.mark.parametrize(("name", "data", "ext"), ACCEPTED)
def test_allowed_types_get_a_generic_name(name, data, ext):
    stored = check_file(upload(name, data))
    stem, _dot, suffix = stored.name.rpartition(".")
    assert suffix == ext and len(stem) == 32 and name.split(".")[0] not in stored.name


@pytest.mark.parametrize(("name", "data"), REFUSED)
def test_other_types_refused(name, data):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        check_file(upload(name, data))


def test_photos_lose_their_metadata():
    img = Image.new("RGB", (8, 8))
    exif = Image.Exif()
    exif[0x010F] = "Secret phone maker"
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    assert b"Secret phone maker" in out.getvalue()
    stored = check_file(upload("anh.jpg", out.getvalue()))
    assert b"Secret phone maker" not in stored.read()


def test_services_refuse_type_and_size(world, settings):
    cert = run_to(register_area(world, world.areas[0]), world.officer, Status.SELF_ASSESSED)
    with translation.override("en"), refused("attachment") as info:
        services.record_step(
            world.officer,
            cert,
            kind=StepKind.DOSSIER,
            date=d(2026, 5, 1),
            attachment=upload("x.html", b"<html></html>"),
        )
    assert "PDF" in info.value.message_dict["attachment"][0]
    settings.CERTIFICATION_MAX_FILE_MB = 1
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024)
    with translation.override("en"), refused("attachment") as info:
        services.record_step(
            world.officer,
            cert,
            kind=StepKind.DOSSIER,
            date=d(2026, 5, 1),
            attachment=upload("lon.pdf", big),
        )
    assert "1 MB" in info.value.message_dict["attachment"][0]
    cert.refresh_from_db()
    assert cert.status == Status.SELF_ASSESSED and not cert.steps.filter(kind="dossier").exists()
    settings.CERTIFICATION_MAX_FILE_MB = 2
    step = services.record_step(
        world.officer,
        cert,
        kind=StepKind.DOSSIER,
        date=d(2026, 5, 1),
        attachment=upload("lon.pdf", big),
    )
    assert step.attachment.size == len(big)


def test_forms_refuse_type_and_size(settings):
    data = {"kind": StepKind.DOSSIER, "date": "01/05/2026"}
    form = StepForm(data, {"attachment": upload("x.svg", b"<svg/>")}, kinds=[StepKind.DOSSIER])
    assert not form.is_valid() and "attachment" in form.errors
    settings.CERTIFICATION_MAX_FILE_MB = 1
    big = upload("lon.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024))
    form = StepForm(data, {"attachment": big}, kinds=[StepKind.DOSSIER])
    with translation.override("en"):
        assert not form.is_valid()
        assert "1 MB" in form.errors["attachment"][0]
    form = StepForm(data, {"attachment": upload("a.pdf", b"%PDF-1.7")}, kinds=[StepKind.DOSSIER])
    assert form.is_valid(), form.errors


def test_downloads_are_scoped_and_never_rendered(client, world):
    cert = register_area(world, world.areas[0])
    on = d(2026, 4, 1)
    results = test_workflow.all_met(cert, on)
    code = next(iter(results))
    results[code] = (True, "Ảnh", upload("anh.png", photo("PNG")))
    services.self_assess(world.officer, cert, date=on, results=results)
    step = services.record_step(
        world.officer,
        cert,
        kind=StepKind.DOSSIER,
        date=d(2026, 5, 1),
        attachment=upload("bien-ban.pdf", b"%PDF-1.7 minutes"),
    )
    result = cert.results.get(criterion__code=code)
    step_url = reverse("certification:step-file", args=[cert.pk, step.pk])
    result_url = reverse("certification:result-file", args=[cert.pk, result.pk])

    client.force_login(world.officer)
    html = client.get(reverse("certification:detail", args=[cert.pk])).content.decode()
    assert f'href="{step_url}"' in html and f'href="{result_url}"' in html
    assert "/media/" not in html and step.attachment.name not in html
    for url, ctype, body_start in (
        (step_url, "application/pdf", b"%PDF-1.7 minutes"),
        (result_url, "image/jpeg", b"\xff\xd8"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["Content-Type"] == ctype
        assert b"".join(response.streaming_content).startswith(body_start)
    # a step without a file, a file of another certification: not found
    registered = cert.steps.get(kind=StepKind.REGISTERED)
    url = reverse("certification:step-file", args=[cert.pk, registered.pk])
    assert client.get(url).status_code == 404
    other = register_area(world, world.areas[1])
    url = reverse("certification:step-file", args=[other.pk, step.pk])
    assert client.get(url).status_code == 404

    client.force_login(world.outsider)  # outside the jurisdiction
    assert client.get(step_url).status_code == 404
    assert client.get(result_url).status_code == 404
    client.logout()
    assert client.get(step_url).status_code == 302  # to sign in
