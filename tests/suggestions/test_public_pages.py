"""The resident-facing suggestion pages: the form with its spam defences, the answer page, the secret status page
and the published list (also on the district page)."""

import re
import time

import pytest
from django.core import mail, signing
from django.utils import timezone

from quartier.places.models import Neighbourhood
from quartier.suggestions import services
from quartier.suggestions.forms.public import FORM_KEY_SALT, new_form_key
from quartier.suggestions.models import Suggestion

from .conftest import submit

FORM = "/de/vorschlaege/neu/"
LIST = "/de/vorschlaege/"
TEXT = "Ein Sprachcafé im Stadtteilzentrum am Samstag wäre schön."
STATUS_LINK = re.compile(r"http://testserver/de/vorschlaege/status/([0-9a-f]{64})/")


def form_key_of(response) -> str:
    match = re.search(r'name="form_key" value="([^"]+)"', response.content.decode())
    assert match, "the form has its signed key"
    return match.group(1)


def post_data(essen, **overrides):
    data = {
        "text": TEXT,
        "neighbourhood": str(Neighbourhood.objects.get(city=essen, name="Altendorf").pk),
        "topic": "language",
        "name": "Demo Person",
        "email": "person-demo@example.org",
        "consent": "on",
        "website": "",
        "form_key": new_form_key(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def status_link(response) -> str:
    match = STATUS_LINK.search(response.content.decode())
    assert match, response.content.decode()[:3000]
    return match.group(0)


# --- the form -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "dir_"), [("de", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_form_is_shown_in_each_language(client, essen, lang, dir_):
    response = client.get(f"/{lang}/vorschlaege/neu/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{dir_}">' in html
    assert re.search(r'<textarea[^>]*dir="auto"', html)
    assert "<optgroup" in html and 'value="" selected' in html  # whole city is the default choice
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert f"/{lang}/datenschutz/" in html
    assert len(form_key_of(response)) > 40


def test_stadtteil_parameter_preselects_and_unknown_slug_is_ignored(client, essen):
    altendorf = Neighbourhood.objects.get(city=essen, name="Altendorf")
    html = client.get(FORM, {"stadtteil": altendorf.slug}).content.decode()
    assert f'<option value="{altendorf.pk}" selected>' in html
    assert 'aria-current="location"' in html  # the map marks it
    response = client.get(FORM, {"stadtteil": "<script>alert(1)</script>" * 20})
    assert response.status_code == 200
    assert 'value="" selected' in response.content.decode()


def test_map_links_preselect_in_the_form(client, essen):
    html = client.get(FORM).content.decode()
    assert (
        f'href="/de/vorschlaege/neu/?stadtteil={Neighbourhood.objects.get(city=essen, name="Altendorf").slug}'
        in html
    )


def test_finder_proposes_stadtteile_as_links(client, essen):
    altendorf = Neighbourhood.objects.get(city=essen, name="Altendorf")
    html = client.get(FORM, {"q": "Altend"}).content.decode()
    assert f'href="/de/vorschlaege/neu/?stadtteil={altendorf.slug}#suggestion-form"' in html
    postcode = altendorf.postcodes.first().code
    html = client.get(FORM, {"q": postcode}).content.decode()
    assert f"?stadtteil={altendorf.slug}#" in html


@pytest.mark.parametrize("query", ["", "x" * 500, "\x00", "<script>alert(1)</script>"])
def test_finder_with_bad_input_does_not_fail(client, essen, query):
    response = client.get(FORM, {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


# --- sending --------------------------------------------------------------------------------------------------


def test_sending_stores_one_suggestion_and_mails_a_confirmation(
    client, essen, coordinator_iii, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/vorschlaege/neu/", post_data(essen))
    assert response.status_code == 200
    suggestion = Suggestion.objects.get()
    assert suggestion.neighbourhood.name == "Altendorf"
    assert suggestion.district.number == "III"
    assert suggestion.language == "en"
    assert suggestion.topic == "language"
    assert suggestion.consent_at is not None
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    html = response.content.decode()
    link = re.search(r"http://testserver/en/vorschlaege/status/[0-9a-f]{64}/", html).group(0)
    assert str(suggestion.pk) in html
    assert "Koordinator" in html or "coordinator" in html.lower()
    assert coordinator_iii.email not in html
    to_writer = [m for m in mail.outbox if m.to == ["person-demo@example.org"]]
    assert len(to_writer) == 1 and link in to_writer[0].body


def test_whole_city_goes_to_the_fallback_team(client, essen, fallback_team):
    response = client.post(FORM, post_data(essen, neighbourhood="", name="", email=""))
    assert response.status_code == 200
    suggestion = Suggestion.objects.get()
    assert suggestion.neighbourhood is None and suggestion.district is None
    html = response.content.decode()
    assert "zentrale Integrationskoordination der Stadt Essen" in html
    assert "Rückfallteam" not in html
    assert fallback_team.email not in html
    assert "Bestätigung" not in html  # no address given, no confirmation mail mentioned


def test_double_submit_makes_one_suggestion_with_the_same_link(client, essen):
    data = post_data(essen)
    first = client.post(FORM, data)
    second = client.post(FORM, data)
    assert first.status_code == second.status_code == 200
    assert Suggestion.objects.count() == 1
    assert status_link(first) == status_link(second)


def test_honeypot_pretends_success_and_stores_nothing(client, essen):
    mail.outbox.clear()
    response = client.post(FORM, post_data(essen, website="http://spam.example"))
    assert response.status_code == 200
    assert "Vielen Dank" in response.content.decode()
    assert not STATUS_LINK.search(response.content.decode())
    assert Suggestion.objects.count() == 0
    assert mail.outbox == []


def test_too_fast_is_refused_and_keeps_the_text(client, essen, settings):
    settings.SUGGESTION_MIN_FILL_SECONDS = 5
    data = post_data(essen)
    response = client.post(FORM, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte nehmen Sie sich einen Moment Zeit" in html
    assert "Ein Sprachcafé im Stadtteilzentrum" in html
    assert form_key_of(response) == data["form_key"]  # the same submission once enough time has passed
    assert Suggestion.objects.count() == 0


def test_old_enough_form_is_accepted(client, essen, settings, monkeypatch):
    settings.SUGGESTION_MIN_FILL_SECONDS = 5
    data = post_data(essen)
    later = time.time() + 6
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.post(FORM, data).status_code == 200
    assert Suggestion.objects.count() == 1


@pytest.mark.parametrize(
    "form_key",
    [
        None,
        "",
        "nonsense",
        "x" * 10_000,
        signing.TimestampSigner(salt="another-salt").sign_object({"key": "a" * 32, "t": time.time()}),
        signing.TimestampSigner(salt=FORM_KEY_SALT).sign_object({"key": "not hex", "t": time.time()}),
        signing.TimestampSigner(salt=FORM_KEY_SALT).sign_object(["a" * 32]),
    ],
    # Fixed ids: the signed keys carry the time of collection, which differs between pytest-xdist's workers.
    ids=["none", "empty", "nonsense", "long", "other-salt", "not-hex", "not-a-dict"],
)
def test_missing_or_tampered_form_key_is_a_clear_400(client, essen, form_key):
    data = post_data(essen)
    data.pop("form_key")
    if form_key is not None:
        data["form_key"] = form_key
    response = client.post(FORM, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte laden Sie die Seite neu" in html
    assert "Ein Sprachcafé im Stadtteilzentrum" in html
    assert form_key_of(response) != form_key  # a fresh key to send again
    assert Suggestion.objects.count() == 0


def test_altered_form_key_signature_is_refused(client, essen):
    key = new_form_key()
    response = client.post(FORM, post_data(essen, form_key=key[:-2] + ("AA" if key[-2:] != "AA" else "BB")))
    assert response.status_code == 400
    assert Suggestion.objects.count() == 0


def test_expired_form_key_is_refused(client, essen, monkeypatch):
    key = new_form_key()
    later = time.time() + 2 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(FORM, post_data(essen, form_key=key))
    assert response.status_code == 400
    assert "Bitte laden Sie die Seite neu" in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_rate_limit_refuses_the_third_suggestion(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    assert client.post(FORM, post_data(essen)).status_code == 200
    assert client.post(FORM, post_data(essen)).status_code == 200
    response = client.post(FORM, post_data(essen, text="Der dritte Vorschlag in kurzer Zeit."))
    assert response.status_code == 429
    html = response.content.decode()
    assert "sehr viele Vorschläge" in html
    assert "Der dritte Vorschlag in kurzer Zeit." in html
    assert Suggestion.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "Bitte schreiben Sie Ihren Vorschlag."),
        ("text", "   kurz   ", "mindestens 10 Zeichen"),
        ("text", "x" * 5001, "höchstens 5000 Zeichen"),
        ("text", "Ein Vorschlag\x00 mit Nullzeichen", "Null"),
        ("topic", "", "Bitte wählen Sie ein Thema."),
        ("topic", "weapons", "eines der angebotenen Themen"),
        ("topic", "<script>alert(1)</script>", "eines der angebotenen Themen"),
        ("neighbourhood", "999999", "Stadtteil aus der Liste"),
        ("neighbourhood", "abc", "Stadtteil aus der Liste"),
        ("neighbourhood", "1; DROP TABLE x", "Stadtteil aus der Liste"),
        ("consent", None, "Ohne Ihr Einverständnis"),
        ("email", "person@example.org\nBcc: victim@example.org", "gültige E-Mail-Adresse"),
        ("email", "person@example.org\r\nSubject: hi", "gültige E-Mail-Adresse"),
        ("email", "kein-at-zeichen", "gültige E-Mail-Adresse"),
        ("email", "a" * 250 + "@example.org", "gültige E-Mail-Adresse"),
        ("name", "x" * 201, "Der Name ist zu lang"),
        ("name", "Demo\nBcc: victim@example.org", "unzulässige Zeichen"),
        ("name", "Demo\x00Person", "Null"),
    ],
)
def test_invalid_and_hostile_input_is_a_400_with_the_error(client, essen, field, value, message):
    mail.outbox.clear()
    response = client.post(FORM, post_data(essen, **{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert "<script>alert(1)</script>" not in html
    assert Suggestion.objects.count() == 0
    assert mail.outbox == []


def test_a_neighbourhood_of_another_city_is_refused(client, essen):
    from quartier.places.models import City, District

    other = City.objects.create(slug="demo-stadt", name="Demo-Stadt", domain="demo-stadt.example")
    district = District.objects.create(city=other, number="I", ordinal=1, name="Mitte")
    place = Neighbourhood.objects.create(city=other, district=district, name="Zentrum", slug="zentrum")
    response = client.post(FORM, post_data(essen, neighbourhood=str(place.pk)))
    assert response.status_code == 400
    assert Suggestion.objects.count() == 0


def test_text_in_any_script_is_stored_as_written(client, essen):
    text = "نقترح مقهى لغة في مركز الحي يوم السبت. Und ein Deutschkurs."
    response = client.post("/ar/vorschlaege/neu/", post_data(essen, text=text))
    assert response.status_code == 200
    suggestion = Suggestion.objects.get()
    assert suggestion.text == text and suggestion.language == "ar"


def test_get_and_head_only_besides_post(client, essen):
    assert client.put(FORM).status_code == 405
    assert client.head(FORM).status_code == 200


# --- the status page ------------------------------------------------------------------------------------------


def _closed(essen, coordinator_iii):
    suggestion, token, _ = submit(essen)
    services.suggestion_transition(
        actor=coordinator_iii,
        suggestion=suggestion,
        to_status="forwarded",
        expected_version=suggestion.version,
        forwarded_to="Amt für Geheimes",
        forwarded_email="amt-demo@example.org",
        message="Interne Nachricht an das Amt",
        notify=False,
    )
    suggestion.refresh_from_db()
    services.suggestion_transition(
        actor=coordinator_iii,
        suggestion=suggestion,
        to_status="closed",
        expected_version=suggestion.version,
        outcome="implemented",
        public_answer="Das Sprachcafé beginnt im Mai.",
        notify=False,
    )
    suggestion.refresh_from_db()
    return suggestion, token


def test_status_page_shows_status_steps_and_answer_without_internals(client, essen, coordinator_iii):
    suggestion, token = _closed(essen, coordinator_iii)
    services.suggestion_add_note(actor=coordinator_iii, suggestion=suggestion, text="Interne Notiz zum Fall")
    response = client.get(f"/de/vorschlaege/status/{token}/")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    for expected in (
        "abgeschlossen",
        "eingegangen",
        "weitergeleitet",
        "umgesetzt",
        "Das Sprachcafé beginnt im Mai.",
        "Altendorf",
        "Sprache",
        str(suggestion.pk),
        'dir="auto"',
    ):
        assert expected in html, expected
    assert html.count("<li><time") == 3
    for hidden in (
        "Amt für Geheimes",
        "amt-demo@example.org",
        "Interne Nachricht",
        "Interne Notiz",
        coordinator_iii.email,
        "Demo Person",
        "person-demo@example.org",
    ):
        assert hidden not in html, hidden


def test_status_page_of_an_open_suggestion(client, essen):
    suggestion, token, _ = submit(essen, place=None)
    html = client.get(f"/en/vorschlaege/status/{token}/").content.decode()
    assert "Ganze Stadt" in html or "whole city" in html.lower() or "Whole city" in html
    assert str(suggestion.pk) in html


@pytest.mark.parametrize("token", ["0" * 64, "A" * 64, "zz", "x" * 300, "%00" * 3])
def test_wrong_token_is_404(client, essen, token):
    submit(essen)
    response = client.get(f"/de/vorschlaege/status/{token}/")
    assert response.status_code == 404


def test_expired_token_is_404(client, essen):
    suggestion, token, _ = submit(essen)
    Suggestion.objects.filter(pk=suggestion.pk).update(status_link_expires_at=timezone.now())
    assert client.get(f"/de/vorschlaege/status/{token}/").status_code == 404


def test_status_lookups_are_rate_limited(client, essen):
    _suggestion, token = submit(essen)[:2]
    for _ in range(30):
        assert client.get(f"/de/vorschlaege/status/{'0' * 64}/").status_code == 404
    response = client.get(f"/de/vorschlaege/status/{token}/")
    assert response.status_code == 429
    assert response["Referrer-Policy"] == "no-referrer"


def test_status_page_is_get_only(client, essen):
    _suggestion, token = submit(essen)[:2]
    assert client.post(f"/de/vorschlaege/status/{token}/").status_code == 405


# --- the published list and the district page -----------------------------------------------------------------


def _publish(suggestion, actor, text="Ein Sprachcafé am Samstag (veröffentlicht)."):
    return services.suggestion_publish(
        actor=actor,
        suggestion=suggestion,
        publish=True,
        published_text=text,
        expected_version=suggestion.version,
    )


def test_published_list_shows_only_published_without_personal_data(client, essen, coordinator_iii):
    published, _ = _closed(essen, coordinator_iii)
    _publish(published, coordinator_iii)
    submit(essen, text="Dieser Vorschlag ist noch offen und nicht veröffentlicht.")
    closed_unpublished, _ = _closed(essen, coordinator_iii)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ein Sprachcafé am Samstag (veröffentlicht)." in html
    assert "Das Sprachcafé beginnt im Mai." in html
    assert "umgesetzt" in html and "Altendorf" in html
    assert "noch offen und nicht veröffentlicht" not in html
    assert TEXT not in html  # the original text stays internal; only the published text shows
    assert "Demo Person" not in html and "person-demo@example.org" not in html
    assert 'href="/de/vorschlaege/neu/"' in html
    assert html.count('class="published-suggestion"') == 1


def test_published_list_filters_by_district_and_pages(
    client, essen, coordinator_iii, coordinator_iv, django_assert_max_num_queries
):
    for _ in range(21):
        suggestion, _ = _closed(essen, coordinator_iii)
        _publish(suggestion, coordinator_iii)
    with django_assert_max_num_queries(8):
        first = client.get(LIST, {"bezirk": "iii"})
    assert first.content.decode().count('class="published-suggestion"') == 20
    assert 'rel="next"' in first.content.decode()
    second = client.get(LIST, {"bezirk": "iii", "page": "2"})
    assert second.content.decode().count('class="published-suggestion"') == 1
    other = client.get(LIST, {"bezirk": "iv"})
    assert other.content.decode().count('class="published-suggestion"') == 0
    for hostile in ({"bezirk": "<script>"}, {"page": "-1"}, {"page": "x" * 500}, {"bezirk": "\x00"}):
        assert client.get(LIST, hostile).status_code == 200


def test_district_page_shows_the_latest_five_and_links_to_the_list(client, essen, coordinator_iii):
    for n in range(6):
        suggestion, _ = _closed(essen, coordinator_iii)
        _publish(suggestion, coordinator_iii, text=f"Veröffentlichter Vorschlag Nummer {n}.")
    html = client.get("/de/bezirke/iii/").content.decode()
    assert html.count('class="published-suggestion"') == 5
    assert "Nummer 5." in html and "Nummer 0." not in html
    assert 'href="/de/vorschlaege/?bezirk=iii"' in html
    assert 'href="/de/vorschlaege/neu/"' in html
    assert "Noch keine veröffentlichten Vorschläge" in client.get("/de/bezirke/iv/").content.decode()


def test_neighbourhood_page_links_to_the_form_with_the_stadtteil(client, essen):
    altendorf = Neighbourhood.objects.get(city=essen, name="Altendorf")
    html = client.get(f"/de/stadtteile/{altendorf.slug}/").content.decode()
    assert f'href="/de/vorschlaege/neu/?stadtteil={altendorf.slug}"' in html
