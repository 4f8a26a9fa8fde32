"""Event images: only JPEG, PNG and WebP, limited in size, re-encoded so that metadata such as GPS is gone.

Every upload is treated as hostile: the size is checked before a decoder runs, the dimensions are read from the
header before any pixel is decoded (decompression bombs), files that carry a web page, script, PDF or archive
besides the picture (polyglots) are refused, and what is stored is always a fresh WebP drawn from the decoded
pixels, so nothing of the uploaded file (trailing data, comments, EXIF) reaches the server's media folder.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pixels per side: no photo is longer, and a 40-megapixel strip one pixel high is not a picture.
MAX_DIMENSION = 20_000
MAX_SIDE = 2000
ALLOWED = {"JPEG", "PNG", "WEBP"}

# Pillow's own guard: a warning above this many pixels, an error above twice as many (also in Django's check).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# A truncated file is an error, never a half-grey picture.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# Content that browsers, interpreters or unzip would find in a file besides the picture. The markers are long
# enough that compressed image data practically never contains one by chance (at most about one 5 MB file in
# 10,000 for the shortest); XMP metadata (`<?xpacket`, `<x:xmpmeta`) is none of them.
ACTIVE_CONTENT = (
    b"<script",
    b"<html",
    b"<body",
    b"<iframe",
    b"<!doctype",
    b"<?php",
    b"javascript:",
    b"%pdf-",
)
# unzip finds an archive by its end record within the last 64 KiB (+ 22 bytes) of a file.
ZIP_END_RECORD = b"PK\x05\x06"
ZIP_SEARCH = 65_536 + 22


def _unreadable() -> ValidationError:
    return ValidationError(_("Diese Datei ist kein lesbares Bild."), code="invalid_image")


def _too_many_pixels() -> ValidationError:
    return ValidationError(_("Das Bild hat zu viele Pixel."), code="image_pixels")


def carries_other_content(data: bytes) -> bool:
    """Whether the file holds a web page, script, PDF or archive besides (or instead of) the picture."""
    lowered = data.lower()
    return any(marker in lowered for marker in ACTIVE_CONTENT) or ZIP_END_RECORD in data[-ZIP_SEARCH:]


def reencode(upload) -> ContentFile:
    """Check an uploaded image and return a clean WebP copy (EXIF, GPS and other metadata are not copied)."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Das Bild ist zu groß (höchstens 5 MB)."), code="image_bytes")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)  # the declared size is the client's word; never read more than allowed
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Das Bild ist zu groß (höchstens 5 MB)."), code="image_bytes")
    # A library may have switched Pillow to accepting truncated files (WeasyPrint does when imported): not here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        # Above MAX_PIXELS Pillow only warns; here that is a refusal like the error above twice as many.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format, probe.size
                probe.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise _unreadable() from exc
        if kind not in ALLOWED:
            raise ValidationError(_("Erlaubt sind nur JPEG, PNG und WebP."), code="image_format")
        if carries_other_content(data):
            raise ValidationError(
                _(
                    "Die Datei enthält außer dem Bild noch andere Inhalte (zum Beispiel eine Webseite, ein "
                    "Skript oder ein Archiv). Bitte speichern Sie das Bild neu, etwa mit einem "
                    "Bildbearbeitungsprogramm, und laden Sie es dann hoch."
                ),
                code="image_polyglot",
            )
        if width < 1 or height < 1 or width * height > MAX_PIXELS:
            raise _too_many_pixels()
        if max(width, height) > MAX_DIMENSION:
            raise ValidationError(
                _("Das Bild ist zu groß (höchstens %(pixels)s Pixel je Seite)."),
                code="image_dimensions",
                params={"pixels": MAX_DIMENSION},
            )
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale, less memory
                # Keep the orientation the camera recorded, then drop EXIF.
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                # No exif=, no icc_profile=: nothing of the uploaded file is carried over.
                image.save(out, format="WEBP", quality=82, method=4)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except MemoryError as exc:
            raise _too_many_pixels() from exc
        except Exception as exc:  # Pillow's decoders fail in many ways on broken or hostile data
            raise ValidationError(
                _("Das Bild ist beschädigt oder unvollständig. Bitte laden Sie es noch einmal hoch."),
                code="image_broken",
            ) from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")
