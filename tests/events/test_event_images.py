"""Event images: JPEG, PNG and WebP only, size-limited, re-encoded without metadata such as GPS."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quartier.events.models import Event
from tests.events.test_workspace_events import H, event_data


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "DemoCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 27.0, 0.0), 3: "E", 4: (7.0, 0.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def post(client, essen, organisation, **files_and_fields):
    return client.post(
        f"/de/arbeitsbereich/veranstaltungen/neu/{organisation.pk}/",
        event_data(essen, **files_and_fields),
        **H,
    )


def test_uploaded_jpeg_is_reencoded_without_gps(client, essen, organiser, organisation, media):
    raw = jpeg_with_gps()
    assert b"DemoCam" in raw
    client.force_login(organiser)
    upload = SimpleUploadedFile("foto.jpg", raw, content_type="image/jpeg")
    r = post(client, essen, organisation, image=upload, image_alt="Menschen an einem langen Tisch")
    assert r.status_code == 302
    event = Event.objects.get()
    stored = (media / event.image.name).read_bytes()
    assert event.image.name.endswith(".webp")
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "WEBP" and image.size == (640, 480)
        assert not image.getexif()
    assert b"DemoCam" not in stored and b"GPS" not in stored


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (
            "bild.gif",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "Erlaubt sind nur JPEG, PNG und WebP.",
        ),
        ("bild.jpg", b"<?php echo 'kein Bild'; ?>", ""),
        ("gross.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10), "zu groß"),
    ],
)
def test_other_files_are_refused(client, essen, organiser, organisation, media, name, content, fragment):
    client.force_login(organiser)
    r = post(client, essen, organisation, image=SimpleUploadedFile(name, content), image_alt="Alt")
    assert r.status_code == 400
    assert fragment in r.content.decode()
    assert not Event.objects.exists() and not any(media.rglob("*"))


def test_an_image_needs_a_description(client, essen, organiser, organisation, media):
    client.force_login(organiser)
    upload = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    r = post(client, essen, organisation, image=upload, image_alt="")
    assert r.status_code == 400 and "beschreiben Sie das Bild" in r.content.decode()
