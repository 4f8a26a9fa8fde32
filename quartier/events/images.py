"""Event images: only JPEG, PNG and WebP, limited in size, re-encoded so that metadata such as GPS is gone."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
ALLOWED = {"JPEG", "PNG", "WEBP"}


def reencode(upload) -> ContentFile:
    """Check an uploaded image and return a clean WebP copy (EXIF, GPS and other metadata are not copied)."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Das Bild ist zu groß (höchstens 5 MB)."))
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Diese Datei ist kein lesbares Bild.")) from exc
    if kind not in ALLOWED:
        raise ValidationError(_("Erlaubt sind nur JPEG, PNG und WebP."))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("Das Bild hat zu viele Pixel."))
            image = ImageOps.exif_transpose(image)  # keep the orientation the camera recorded, then drop EXIF
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(
                out, format="WEBP", quality=82, method=4
            )  # no exif=, no icc_profile=: nothing is carried over
    except Image.DecompressionBombError as exc:
        raise ValidationError(_("Das Bild hat zu viele Pixel.")) from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")
