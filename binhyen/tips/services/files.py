"""Attachments: checked by content, size-limited, photos re-encoded without metadata."""

from __future__ import annotations

import io
import secrets

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from binhyen.schemes.services.checks import fail

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_PIXELS = 40_000_000  # refuse decompression bombs
PDF_MAGIC = b"%PDF-"
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")


def _photo(data: bytes) -> tuple[bytes, str, str]:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as img:
            if img.width * img.height > MAX_PIXELS:
                raise ValueError("too many pixels")
            img.load()
            upright = ImageOps.exif_transpose(img)
            if upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            # a fresh image from the pixels only: no EXIF (location, device), no XMP, no ICC
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            clean.save(out, format="JPEG", quality=88)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValueError from exc
    return out.getvalue(), "image/jpeg", "jpg"


def clean_upload(upload, allow_pdf: bool) -> tuple[ContentFile, str, str]:
    """A stored-ready file from an upload: (file, name shown, content type). Photos lose
    their metadata; a PDF is kept as is (officers' documents); anything else is refused."""
    if upload.size > MAX_BYTES:
        fail("attachments", _("A file is larger than 10 MB."))
    data = upload.read()
    if allow_pdf and data.startswith(PDF_MAGIC):
        ctype, ext, content = "application/pdf", "pdf", data
    else:
        try:
            content, ctype, ext = _photo(data)
        except ValueError:
            message = _("Only photos (JPEG, PNG, WebP)%(pdf)s can be attached.") % {
                "pdf": _(" or PDF documents") if allow_pdf else ""
            }
            fail("attachments", message)
    stored = ContentFile(content, name=f"{secrets.token_hex(16)}.{ext}")
    # the uploaded name is not kept: a phone names photos by device and time taken
    shown = f"{'document' if ext == 'pdf' else 'photo'}-{secrets.token_hex(3)}.{ext}"
    return stored, shown, ctype
