"""Hostile event images through the real workspace form: corrupt, truncated, oversized, decompression bombs and
polyglots get a clear form error (400, never 500) and nothing is stored; an accepted image is stored as a fresh
WebP drawn from its pixels, without trailing data, comments, EXIF or colour profile of the upload."""

import io
import os
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from quartier.events import pdf
from quartier.events.models import Event
from tests.events.test_workspace_events import H, event_data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def author(client, organiser):
    client.force_login(organiser)
    return client


def create(client, essen, organisation, content: bytes, name: str = "bild.jpg"):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post(
        f"/de/arbeitsbereich/veranstaltungen/neu/{organisation.pk}/",
        event_data(essen, image=upload, image_alt="Ein Bild vom Treffen"),
        **H,
    )


def image_error_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data().get("image", [])]


def assert_refused(response, media, code: str, fragment: str):
    assert response.status_code == 400, response.content.decode()[:2000]
    assert image_error_codes(response) == [code]
    assert fragment in response.content.decode()
    assert not Event.objects.exists()
    assert not any(media.rglob("*"))


# --- files made with Pillow -------------------------------------------------------------------------------------


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue()


def photo(size=(640, 480), kind="JPEG", **options) -> bytes:
    """A picture with detail in it (noise), so that its compressed data is long and not trivial."""
    return encoded(Image.effect_noise(size, 60).convert("RGB"), kind, **options)


def png_with_header_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (a decompression bomb needs no more)."""
    data = bytearray(encoded(Image.new("1", (1, 1)), "PNG"))
    ihdr = 8 + 8  # signature, chunk length and type
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<p>Hallo</p>")
    return out.getvalue()


# --- corrupt and truncated ----------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_a_truncated_jpeg_is_a_form_error_not_500(author, essen, organisation, media, keep):
    content = photo()
    response = create(author, essen, organisation, content[: int(len(content) * keep)])
    assert_refused(response, media, "image_broken", "Das Bild ist beschädigt oder unvollständig.")


def test_a_truncated_jpeg_is_refused_after_weasyprint_was_imported(
    author, essen, organisation, media, monkeypatch
):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES when it is imported (the printed programme does); an upload
    is still checked strictly, whichever module a process imported first."""
    assert pdf.HTML  # the printed programme's module, which imports WeasyPrint, is loaded
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    response = create(author, essen, organisation, photo()[: len(photo()) // 2])
    assert_refused(response, media, "image_broken", "Das Bild ist beschädigt oder unvollständig.")


def test_a_jpeg_without_its_last_byte_is_refused(author, essen, organisation, media):
    response = create(author, essen, organisation, photo()[:-1])
    assert_refused(response, media, "image_broken", "beschädigt oder unvollständig")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kurz.jpg", photo()[:200]),  # not even the header is complete
        ("kurz.png", photo(kind="PNG")[:-20]),  # the last chunks are missing
        ("leer.jpg", b""),
        ("zufall.jpg", bytes(range(256)) * 64),
        ("kaputt.png", photo(kind="PNG").replace(b"IDAT", b"IDAX", 1)),
    ],
)
def test_corrupt_files_are_a_form_error(author, essen, organisation, media, name, content):
    response = create(author, essen, organisation, content, name)
    assert response.status_code == 400
    assert image_error_codes(response) in (["invalid_image"], ["image_broken"], ["invalid"], ["empty"])
    assert not Event.objects.exists() and not any(media.rglob("*"))


def test_a_png_with_a_wrong_checksum_is_refused(author, essen, organisation, media):
    content = bytearray(photo(kind="PNG"))
    content[-20] ^= 0xFF  # inside the last data chunk
    response = create(author, essen, organisation, bytes(content), "bild.png")
    assert response.status_code == 400 and image_error_codes(response) in (
        ["invalid_image"],
        ["image_broken"],
    )
    assert not Event.objects.exists() and not any(media.rglob("*"))


# --- oversized: bytes, pixels, sides ------------------------------------------------------------------------


def test_more_than_5_mb_of_real_image_data_is_refused(author, essen, organisation, media):
    noise = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))  # incompressible
    content = encoded(noise, "PNG", compress_level=1)
    assert len(content) > 5 * 1024 * 1024
    response = create(author, essen, organisation, content, "gross.png")
    assert_refused(response, media, None, "zu groß (höchstens 5 MB)")  # refused before any decoder runs


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Django's own check only warns
def test_too_many_pixels_are_refused_before_decoding(author, essen, organisation, media):
    content = encoded(Image.new("1", (8000, 6000)), "PNG")  # 48 megapixels in a few kilobytes
    assert len(content) < 100_000
    response = create(author, essen, organisation, content, "riesig.png")
    assert_refused(response, media, "image_pixels", "Das Bild hat zu viele Pixel.")


def test_a_strip_longer_than_any_photo_is_refused(author, essen, organisation, media):
    content = encoded(Image.new("1", (30_000, 20)), "PNG")
    response = create(author, essen, organisation, content, "streifen.png")
    assert_refused(response, media, "image_dimensions", "höchstens 20000 Pixel je Seite")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("width", "height"), [(9000, 9000), (100_000, 100_000), (2**31 - 1, 2**31 - 1)])
def test_decompression_bombs_are_refused(author, essen, organisation, media, width, height):
    content = png_with_header_size(width, height)
    assert len(content) < 100
    response = create(author, essen, organisation, content, "bombe.png")
    assert response.status_code == 400
    # Pillow refuses the largest ones already in Django's own image check; ours names the pixels.
    assert image_error_codes(response) in (["invalid_image"], ["image_pixels"])
    assert not Event.objects.exists() and not any(media.rglob("*"))


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_bomb_just_above_the_limit_names_the_pixels(author, essen, organisation, media):
    response = create(author, essen, organisation, png_with_header_size(8000, 6000), "bombe.png")
    assert_refused(response, media, "image_pixels", "Das Bild hat zu viele Pixel.")


# --- polyglots and other kinds of files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        b"<script>alert(document.cookie)</script>",
        b"<!DOCTYPE html><html><body>Hallo</body></html>",
        b"<?php system($_GET['c']); ?>",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        zip_archive(),
    ],
)
def test_a_jpeg_with_something_appended_is_refused(author, essen, organisation, media, payload):
    response = create(author, essen, organisation, photo() + payload)
    assert_refused(response, media, "image_polyglot", "Die Datei enthält außer dem Bild noch andere Inhalte")


def test_script_in_a_jpeg_comment_is_refused(author, essen, organisation, media):
    response = create(author, essen, organisation, photo(comment=b"<script>alert(1)</script>"))
    assert_refused(response, media, "image_polyglot", "andere Inhalte")


def test_script_in_a_png_text_chunk_is_refused(author, essen, organisation, media):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<html><script>alert(1)</script></html>")
    response = create(author, essen, organisation, photo(kind="PNG", pnginfo=info), "bild.png")
    assert_refused(response, media, "image_polyglot", "andere Inhalte")


def test_a_gif_with_html_appended_is_refused_as_gif(author, essen, organisation, media):
    content = encoded(Image.new("P", (10, 10)), "GIF") + b"<html><script>alert(1)</script></html>"
    response = create(author, essen, organisation, content, "bild.gif")
    assert_refused(response, media, "image_format", "Erlaubt sind nur JPEG, PNG und WebP.")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bild.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("bild.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
        ("bild.jpg", b"<!DOCTYPE html><html><body>Hallo</body></html>"),
        ("bild.png", zip_archive()),
    ],
)
def test_other_files_with_an_image_name_are_refused(author, essen, organisation, media, name, content):
    response = create(author, essen, organisation, content, name)
    assert_refused(response, media, "invalid_image", "Bitte ein gültiges Bild hochladen.")


# --- what is stored -----------------------------------------------------------------------------------------


def stored_image(media) -> bytes:
    event = Event.objects.get()
    assert event.image.name.endswith(".webp")
    return (media / event.image.name).read_bytes()


def assert_plain_webp(data: bytes, size):
    # RIFF header: the file is exactly one WebP, with nothing after it.
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert struct.unpack("<I", data[4:8])[0] + 8 == len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP" and image.size == size
        assert not image.getexif()
        assert "icc_profile" not in image.info and "xmp" not in image.info


def test_an_accepted_photo_is_a_fresh_webp_without_metadata(author, essen, organisation, media):
    exif = Image.Exif()
    exif[0x010F] = "DemoCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 27.0, 0.0), 3: "E", 4: (7.0, 0.0, 0.0)}  # GPSInfo
    icc = b"\x00" * 128 + b"demo-icc-profile"
    content = photo(exif=exif, icc_profile=icc, comment=b"Kommentar-Demo")
    response = create(author, essen, organisation, content)
    assert response.status_code == 302
    data = stored_image(media)
    assert_plain_webp(data, (640, 480))
    for leftover in (b"DemoCam", b"demo-icc-profile", b"Kommentar-Demo", b"GPS"):
        assert leftover not in data


def test_data_after_the_picture_that_is_no_active_content_is_dropped(author, essen, organisation, media):
    """Phones append a short video to "motion photos"; the stored copy holds the picture only."""
    trailer = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
    response = create(author, essen, organisation, photo() + trailer)
    assert response.status_code == 302
    data = stored_image(media)
    assert_plain_webp(data, (640, 480))
    assert b"ftypmp42" not in data


def test_orientation_is_kept_and_large_pictures_are_scaled(author, essen, organisation, media):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise
    response = create(author, essen, organisation, photo((3000, 1500), exif=exif))
    assert response.status_code == 302
    assert_plain_webp(stored_image(media), (1000, 2000))


def test_a_transparent_png_stays_transparent(author, essen, organisation, media):
    content = encoded(Image.new("RGBA", (64, 32), (255, 0, 0, 0)), "PNG")
    response = create(author, essen, organisation, content, "bild.png")
    assert response.status_code == 302
    with Image.open(io.BytesIO(stored_image(media))) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


# --- the other way in: editing an event -------------------------------------------------------------------------


def test_editing_an_event_with_a_truncated_image_is_a_form_error(
    author, essen, organisation, media, organiser
):
    from tests.events.conftest import draft

    event = draft(organiser, organisation)
    data = event_data(
        essen,
        action="save",
        image=SimpleUploadedFile("bild.jpg", photo()[:-100], content_type="image/jpeg"),
        image_alt="Ein Bild vom Treffen",
    )
    response = author.post(f"/de/arbeitsbereich/veranstaltungen/{event.pk}/", data, **H)
    assert response.status_code == 400
    assert image_error_codes(response) == ["image_broken"]
    event.refresh_from_db()
    assert not event.image and not any(media.rglob("*"))
