"""Evidence and step files: an allow-list of types checked by extension and content, a
size limit (setting CERTIFICATION_MAX_FILE_MB, default 10), generic stored names (the
uploaded name is not kept) and photos re-encoded without their metadata (as tips do).

`check_file` is used by the forms (a clear message on the field) and by the services,
the write path, which refuse through `stored_file` with the message keyed by field."""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from binhyen.schemes.services.checks import fail
from binhyen.tips.services.files import PDF_MAGIC
from binhyen.tips.services.files import _photo as clean_photo

PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "webp"}
# docx and xlsx are zip packages holding this part
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ZIP_MAGIC = b"PK\x03\x04"
ALLOWED = ("pdf", "jpg", "jpeg", "png", "webp", "docx", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def max_mb() -> int:
    return int(getattr(settings, "CERTIFICATION_MAX_FILE_MB", 10))


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(extension(name), "application/octet-stream")


def extension(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def _refuse_type() -> ValidationError:
    return ValidationError(
        _("Only PDF, JPEG, PNG, WebP, Word (.docx) and Excel (.xlsx) files can be attached.")
    )


def _is_office(data: bytes, ext: str) -> bool:
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return OFFICE_PARTS[ext] in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def check_file(upload) -> ContentFile:
    """A stored-ready copy of an upload (generic name), or a ValidationError saying why
    it is refused: too large, or not one of the allowed types (by extension and by its
    first bytes; photos must decode and are re-encoded without metadata)."""
    limit = max_mb()
    size = getattr(upload, "size", None)
    if size is not None and size > limit * 1024 * 1024:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit})
    ext = extension(getattr(upload, "name", ""))
    if ext not in ALLOWED:
        raise _refuse_type()
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > limit * 1024 * 1024:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit})
    if ext == "pdf":
        if not data.startswith(PDF_MAGIC):
            raise _refuse_type()
        content = data
    elif ext in OFFICE_PARTS:
        if not _is_office(data, ext):
            raise _refuse_type()
        content = data
    else:
        try:
            content, _ctype, ext = clean_photo(data)
        except ValueError:
            raise _refuse_type() from None
    return ContentFile(content, name=f"{secrets.token_hex(16)}.{ext}")


def stored_file(field: str, upload) -> ContentFile | None:
    """The services' check: `check_file`, its refusal keyed by `field`."""
    if not upload:
        return None
    try:
        return check_file(upload)
    except ValidationError as error:
        fail(field, error.messages[0])
