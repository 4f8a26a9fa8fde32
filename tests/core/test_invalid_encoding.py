"""Form posts and query strings that are not valid UTF-8 are refused with a clear 400 page in the page's language
(the API: 422) and nothing is stored, instead of the broken bytes being replaced and the result saved. Valid
text, including a replacement character the person typed, and the bytes of uploaded files pass."""

import io
import json
import re

import pytest
from django.test.client import BOUNDARY, encode_multipart
from django.utils.http import urlencode
from PIL import Image

from quartier.events.models import Event
from quartier.suggestions.models import Suggestion
from tests.conftest import PASSWORD
from tests.events.conftest import organisation, organiser  # noqa: F401 (fixtures)
from tests.events.test_workspace_events import H, event_data
from tests.suggestions.test_public_pages import FORM, post_data

FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = f"multipart/form-data;boundary={BOUNDARY}"  # the body is already encoded
MESSAGE = "Ihre Eingaben enthalten Zeichen, die wir nicht lesen können"
QUERY_MESSAGE = "Die Adresse enthält Zeichen, die wir nicht lesen können"
MARKER = "XXMARKERXX"
LOGIN = "/de/konto/anmelden/"
API_SUBMIT = "/api/v1/cities/essen/suggestions"

# Percent-encoded byte sequences a browser never produces from text: a stray byte, an overlong encoding, a
# UTF-16 surrogate, a sequence cut short, a code point beyond U+10FFFF.
BROKEN = ["%FF", "%C0%AE", "%ED%A0%80", "%E2%82", "%F4%90%80%80", "Stra%DFe"]


def urlencoded(data: dict, broken: bytes | str) -> bytes:
    """The form as a browser sends it, with `broken` (raw bytes, or percent escapes) where MARKER stood."""
    body = urlencode(data, doseq=True).encode()
    return body.replace(MARKER.encode(), broken.encode() if isinstance(broken, str) else broken)


def multipart(data: dict, broken: bytes) -> bytes:
    return encode_multipart(BOUNDARY, data).replace(MARKER.encode(), broken)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (255, 255, 255)).save(out, format="JPEG")
    assert b"\xff" in out.getvalue()  # a JPEG is full of bytes that are not UTF-8
    return out.getvalue()


def assert_refused(response, message=MESSAGE, lang="de"):
    page = response.content.decode()
    assert response.status_code == 400, page[:2000]
    assert message in page
    assert re.search(rf'<html lang="{lang}"', page)
    assert "\ufffd" not in page


# --- the suggestion form ------------------------------------------------------------------------------------


@pytest.mark.parametrize("broken", BROKEN)
def test_suggestion_with_broken_escapes_is_refused_and_not_stored(client, essen, broken):
    body = urlencoded(post_data(essen, text=f"Ein Sprachcafé wäre schön {MARKER} am Samstag."), broken)
    response = client.post(FORM, body, content_type=FORM_URLENCODED)
    assert_refused(response)
    assert not Suggestion.objects.exists()


def test_suggestion_with_raw_latin1_bytes_is_refused(client, essen):
    body = urlencoded(post_data(essen, text=f"Ein Sprachcaf{MARKER} wäre schön am Samstag."), b"\xe9")
    assert_refused(client.post(FORM, body, content_type=FORM_URLENCODED))
    assert not Suggestion.objects.exists()


def test_a_broken_field_name_is_refused_too(client, essen):
    data = {**post_data(essen), f"name{MARKER}": "x"}
    assert_refused(client.post(FORM, urlencoded(data, "%FE"), content_type=FORM_URLENCODED))
    assert not Suggestion.objects.exists()


def test_suggestion_sent_as_multipart_with_broken_text_is_refused(client, essen):
    body = multipart(post_data(essen, name=f"Demo {MARKER} Person"), b"\xc3\x28")
    assert_refused(client.post(FORM, body, content_type=MULTIPART))
    assert not Suggestion.objects.exists()


def test_valid_text_passes_exactly_even_a_typed_replacement_character(client, essen):
    text = "Ein Sprachcafé – مقهى لغوي – wäre schön; das Zeichen \ufffd habe ich selbst getippt. 😀"
    response = client.post(FORM, urlencoded(post_data(essen, text=text), ""), content_type=FORM_URLENCODED)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Suggestion.objects.get().text == text


def test_valid_multipart_text_passes(client, essen):
    text = "Ein Sprachcafé – مقهى لغوي – wäre schön am Samstag."
    response = client.post(FORM, post_data(essen, text=text))  # the test client sends multipart
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Suggestion.objects.get().text == text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_page_is_in_the_page_language(client, essen, lang):
    body = urlencoded(post_data(essen, text=f"Ein Sprachcafé {MARKER} wäre schön am Samstag."), "%FF")
    response = client.post(f"/{lang}/vorschlaege/neu/", body, content_type=FORM_URLENCODED)
    assert response.status_code == 400
    assert re.search(
        rf'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"', response.content.decode()
    )
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("query", ["stadtteil=%FF", "q=Stra%DFe", "%C0%AE=1", "x=%ED%A0%80"])
def test_a_broken_query_string_is_refused(client, essen, query):
    assert_refused(client.get(f"{FORM}?{query}"), QUERY_MESSAGE)


def test_a_valid_query_string_passes(client, essen):
    assert client.get(f"{FORM}?stadtteil=altendorf&x=%C3%A4%F0%9F%98%80").status_code == 200


# --- oversized and hostile bodies: Django's own refusals stay 400, never 500 ----------------------------------


def test_an_oversized_form_is_refused_without_reading_it(client, essen, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = urlencoded(post_data(essen, text="x" * 20_000 + MARKER), "%FF")
    response = client.post(FORM, body, content_type=FORM_URLENCODED)
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_an_oversized_multipart_form_is_refused(client, essen, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = multipart(post_data(essen, text="x" * 20_000 + MARKER), b"\xff")
    assert client.post(FORM, body, content_type=MULTIPART).status_code == 400
    assert not Suggestion.objects.exists()


def test_too_many_fields_are_refused(client, essen, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    body = urlencoded(post_data(essen), "") + b"&a=%FF" * 200
    assert client.post(FORM, body, content_type=FORM_URLENCODED).status_code == 400
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=", b"--\r\n\xff\xfe"),
        ("multipart/form-data", b"\xff\xfe"),
        (
            "multipart/form-data; boundary=abc",
            b'--abc\r\nContent-Disposition: form-data; name="\xff"\r\n\r\nx\r\n--abc--',
        ),
        ("application/x-www-form-urlencoded; charset=nonsense", b"text=%FF"),
    ],
)
def test_hostile_bodies_are_4xx_never_500(client, essen, content_type, body):
    response = client.generic("POST", FORM, body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert not Suggestion.objects.exists()


# --- the event form (multipart with an image) ---------------------------------------------------------------


@pytest.fixture
def author(client, organiser, organisation, settings, tmp_path):  # noqa: F811
    """An organiser, logged in, with their organisation's new-event address; uploads go to `tmp_path`."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    return f"/de/arbeitsbereich/veranstaltungen/neu/{organisation.pk}/", tmp_path


def test_event_form_with_broken_title_is_refused(client, essen, author):
    url, media = author
    data = event_data(essen, title=f"Spielenachmittag {MARKER} (Demo)")
    assert_refused(client.post(url, multipart(data, b"\xe4"), content_type=MULTIPART, **H))
    assert not Event.objects.exists() and not any(media.rglob("*"))


def test_event_form_with_an_image_passes_because_files_are_bytes(client, essen, author):
    url, _media = author
    image = io.BytesIO(jpeg())
    image.name = "foto.jpg"
    data = event_data(
        essen, title="Spielenachmittag für alle (Demo)", image=image, image_alt="Ein weißes Bild"
    )
    response = client.post(url, data, **H)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.title == "Spielenachmittag für alle (Demo)" and event.image


def test_a_file_part_with_a_broken_file_name_is_dropped_never_stored_garbled(client, essen, author):
    """Django's parser skips a part whose headers are not UTF-8 (a malformed part): the event is saved without
    the image, and no file with a garbled name exists."""
    url, media = author
    image = io.BytesIO(jpeg())
    image.name = f"foto{MARKER}.jpg"
    body = multipart(event_data(essen, image=image, image_alt="Ein weißes Bild"), b"\xff")
    response = client.post(url, body, content_type=MULTIPART, **H)
    assert response.status_code == 302
    assert not Event.objects.get().image and not any(media.rglob("*"))


# --- login --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["username", "password"])
def test_login_with_broken_bytes_is_refused(client, coordinator_iii, field):
    data = {"username": coordinator_iii.email, "password": PASSWORD}
    data[field] = data[field] + MARKER
    response = client.post(LOGIN, urlencoded(data, "%FF"), content_type=FORM_URLENCODED, **H)
    assert_refused(response)
    assert "_auth_user_id" not in client.session
    # the correct login still works afterwards
    ok = client.post(LOGIN, {"username": coordinator_iii.email, "password": PASSWORD}, **H)
    assert ok.status_code == 302


# --- the API keeps answering 422 ----------------------------------------------------------------------------


def test_api_json_with_broken_bytes_is_422_as_before(client, essen):
    raw = json.dumps({"text": f"Ein Sprachcafé {MARKER} wäre schön", "neighbourhood": 7, "consent": True})
    response = client.post(
        API_SUBMIT, raw.encode().replace(MARKER.encode(), b"\xff"), content_type="application/json"
    )
    assert response.status_code == 422 and isinstance(response.json()["detail"], list)
    assert not Suggestion.objects.exists()


def test_api_query_string_with_broken_bytes_is_422(client, essen):
    response = client.get("/api/v1/cities/essen/events?q=%FF")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["query"], "msg": "not valid UTF-8", "type": "unicode_invalid"}
    ]


def test_api_form_body_with_broken_bytes_is_422_and_stores_nothing(client, essen):
    body = urlencoded({"text": f"Ein Sprachcafé {MARKER} wäre schön", "consent": "true"}, "%FF")
    response = client.post(API_SUBMIT, body, content_type=FORM_URLENCODED)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert not Suggestion.objects.exists()


def test_api_multipart_bodies_are_left_to_the_api(client, essen):
    """The API reads raw bodies; a multipart body (broken or not) is not parsed on the way and answers 422."""
    for broken in (b"ok", b"\xff"):
        body = multipart({"text": f"Ein Sprachcafé {MARKER} wäre schön"}, broken)
        response = client.post(API_SUBMIT, body, content_type=MULTIPART)
        assert response.status_code == 422, response.content
    assert not Suggestion.objects.exists()
