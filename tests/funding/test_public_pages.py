"""The public pages of funding advice: the request form with the comparison ("Ähnliches anzeigen" stores nothing),
sending with its spam defences and input checks, and the requester's secret status page (choose a time,
withdraw)."""

import re
import secrets
from datetime import datetime, time, timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from quartier.events.models import Event
from quartier.events.occurrences import BERLIN
from quartier.events.services import event_occurrences_sync
from quartier.funding import services
from quartier.funding.forms.public import FORM_KEY_SALT, new_form_key
from quartier.funding.models import ConsultationSlot, FundingConsultation
from quartier.places.models import Neighbourhood
from tests.offers.conftest import make_offer

from .conftest import file_request

FORM = "/de/foerderberatung/"
TITLE = "Sprachcafé für Frauen"
DESCRIPTION = "Ein wöchentliches Sprachcafé mit Tee für Frauen, die gemeinsam die Sprache üben möchten."
STATUS_LINK = re.compile(r"http://testserver/(?:de|en|ar)/foerderberatung/status/([0-9a-f]{64})/")
S = FundingConsultation.Status


def place_id(city, name):
    return str(Neighbourhood.objects.get(city=city, name=name).pk)


def post_data(essen, **overrides):
    data = {
        "title": TITLE,
        "description": DESCRIPTION,
        "neighbourhoods": [place_id(essen, "Altendorf")],
        "target_groups": ["women"],
        "period_start": "2027-03-01",
        "period_end": "2027-12-31",
        "budget": "4500",
        "organisation_name": "Nachbarschaftsverein Demo e. V.",
        "contact_name": "Demo Person",
        "contact_email": "antrag-demo@example.org",
        "contact_phone": "",
        "consent": "on",
        "website": "",
        "form_key": new_form_key(),
        "action": "send",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def status_link(response) -> str:
    match = STATUS_LINK.search(response.content.decode())
    assert match, response.content.decode()[:3000]
    return match.group(0)


@pytest.fixture
def organisation(essen):
    from quartier.organisations.models import Organisation

    return Organisation.objects.create(
        city=essen, name="Demo-Verein Altendorf", slug="demo-verein-altendorf", kind="association"
    )


@pytest.fixture
def language_cafe(essen, organisation):
    return make_offer(
        essen,
        organisation,
        "Frauen-Sprachcafé Altendorf",
        "Frauen treffen sich bei Tee und üben die deutsche Sprache im Gespräch.",
        category_slug="language-cafe",
        places=("Altendorf",),
        target_groups=["women"],
    )


@pytest.fixture
def tea_event(essen, organisation):
    first = datetime.combine(timezone.localdate() + timedelta(days=7), time(17, 0), tzinfo=BERLIN)
    event = Event.objects.create(
        city=essen,
        organisation=organisation,
        title="Teestunde mit Sprachübungen",
        slug="teestunde-sprachuebungen",
        type=Event.Type.MEETING,
        description="Wöchentlich gemeinsam bei Tee die Sprache üben: ein offenes Treffen.",
        target_groups=["women"],
        start=first,
        end=first + timedelta(hours=2),
        venue_name="Stadtteilzentrum",
        neighbourhood=Neighbourhood.objects.get(city=essen, name="Altendorf"),
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    event_occurrences_sync(event=event)
    return event


# --- the form -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "dir_"), [("de", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_form_is_shown_in_each_language(client, essen, programme, lang, dir_):
    response = client.get(f"/{lang}/foerderberatung/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{dir_}">' in html
    assert re.search(r'<textarea[^>]*dir="auto"', html)
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert re.search(r'name="form_key" value="[^"]{40,}"', html)
    assert f"/{lang}/datenschutz/" in html
    assert html.count('name="neighbourhoods"') == Neighbourhood.objects.filter(city=essen).count()
    assert html.count('name="target_groups"') == 11
    assert 'name="action" value="compare"' in html and 'name="action" value="send"' in html
    # Enter in a text field sends (implicit submission takes the form's first submit button), not "compare".
    first_submit = re.search(r'<button type="submit"[^>]*>', html[html.index('id="funding-form"') :]).group(0)
    assert 'value="send"' in first_submit, "Enter in a field must send the request, not compare"
    assert programme.name in html and programme.provider in html
    assert f'href="/{lang}/foerderberatung/"' in html  # the navigation links to the page


def test_form_groups_stadtteile_by_district_and_shows_the_next_deadline(client, essen, programme):
    html = client.get(FORM).content.decode()
    altendorf = Neighbourhood.objects.select_related("district").get(city=essen, name="Altendorf")
    group = re.search(
        rf"<legend class=\"kern-label\">{re.escape(altendorf.district.name)}</legend>(.*?)</fieldset>",
        html,
        re.S,
    )
    assert group and f'value="{altendorf.pk}"' in group.group(1)
    deadline = programme.deadlines.get().date
    assert "nächste Frist" in html and str(deadline.year) in html
    assert "Ähnliches anzeigen" in html and "Anfrage senden" in html
    assert "Integrationskoordinator*innen" in html
    assert "6 Monate nach dem Ende der Beratung" in html


# --- the comparison -------------------------------------------------------------------------------------------


def test_compare_shows_similar_offers_with_reasons_and_gaps_and_stores_nothing(
    client, essen, language_cafe, tea_event
):
    mail.outbox.clear()
    data = post_data(
        essen,
        action="compare",
        neighbourhoods=[place_id(essen, "Altendorf"), place_id(essen, "Frohnhausen")],
        consent=None,
        contact_email="not-an-email",
    )
    response = client.post(FORM, data)
    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    assert FundingConsultation.objects.count() == 0 and mail.outbox == []
    section = html[html.index('id="aehnliches"') :]
    assert f'href="/de/angebote/{language_cafe.slug}/"' in section
    assert f'href="/de/veranstaltungen/{tea_event.pk}-{tea_event.slug}/"' in section
    assert "Angebot" in section and "Veranstaltung" in section
    offer_item = re.search(
        r"<li class=\"funding-similar__item\">(?:(?!</li>\s*</ul>).)*Frauen-Sprachcafé.*?</ul>", section, re.S
    )
    assert offer_item, section[:3000]
    reasons = offer_item.group(0)
    words = re.search(r"<li>gemeinsame Wörter: ([^<]+)</li>", reasons).group(1).split(", ")
    # Ties among the shared words are ordered arbitrarily by the ranking; these are shared and shown as written.
    assert 2 <= len(words) <= 4 and set(words) <= {"Sprachcafé", "Frauen", "Tee", "Sprache", "üben"}, words
    assert "gleiche Zielgruppe: Frauen" in reasons
    assert "gleiche Kategorie: Sprachcafé" in reasons
    assert "In Frohnhausen gibt es noch kein Angebot der Kategorie Sprachcafé." in section
    assert "In Altendorf gibt es noch kein Angebot der Kategorie" not in section
    # Only the idea's errors count when comparing; everything typed is kept.
    assert "gültige E-Mail-Adresse" not in html and 'value="not-an-email"' in html
    assert f'value="{TITLE}"' in html and DESCRIPTION in html
    assert re.search(rf'value="{place_id(essen, "Frohnhausen")}"[^>]*checked', html)
    assert re.search(r'value="women"[^>]*checked', html)
    assert 'value="4500"' in html


def test_compare_ranks_the_most_similar_first(client, essen, organisation, language_cafe):
    make_offer(
        essen,
        organisation,
        "Computerhilfe",
        "Hilfe am Computer und am Handy.",
        category_slug="digital",
        places=("Altendorf",),
    )
    make_offer(
        essen,
        organisation,
        "Nachbarschaftstreff",
        "Gemeinsam Tee trinken und Nachbar*innen kennenlernen.",
        places=("Altendorf",),
    )
    html = client.post(FORM, post_data(essen, action="compare")).content.decode()
    section = html[html.index('id="aehnliches"') :]
    titles = re.findall(r'<a class="kern-link" href="/de/angebote/[^"]+/">([^<]+)</a>', section)
    assert titles[0] == "Frauen-Sprachcafé Altendorf", titles
    assert "Nachbarschaftstreff" in titles
    assert "Computerhilfe" not in titles  # nothing in common: not listed


def test_compare_without_stadtteil_is_400_with_the_error(client, essen, language_cafe):
    response = client.post(FORM, post_data(essen, action="compare", neighbourhoods=[], description="kurz"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte wählen Sie mindestens einen Stadtteil." in html
    assert "mindestens 20 Zeichen" in html
    assert 'id="aehnliches"' not in html
    assert FundingConsultation.objects.count() == 0


def test_failed_send_shows_the_comparison_when_the_idea_is_valid(client, essen, language_cafe):
    response = client.post(FORM, post_data(essen, consent=None))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ohne Ihr Einverständnis" in html
    assert 'id="aehnliches"' in html and "Frauen-Sprachcafé" in html
    assert FundingConsultation.objects.count() == 0
    response = client.post(FORM, post_data(essen, consent=None, title="x"))
    assert response.status_code == 400 and 'id="aehnliches"' not in response.content.decode()


# --- sending --------------------------------------------------------------------------------------------------


def test_sending_stores_one_consultation_routed_to_the_district_and_mails_the_link(
    client, essen, programme, coordinator_iii
):
    mail.outbox.clear()
    data = post_data(
        essen,
        neighbourhoods=[place_id(essen, "Altendorf"), place_id(essen, "Frohnhausen")],
        programmes=[str(programme.pk)],
        budget="4.500,50",
    )
    response = client.post("/en/foerderberatung/", data)
    assert response.status_code == 200, response.content.decode()[:3000]
    consultation = FundingConsultation.objects.get()
    assert consultation.district.number == "III"
    assert {n.name for n in consultation.neighbourhoods.all()} == {"Altendorf", "Frohnhausen"}
    assert list(consultation.programmes.all()) == [programme]
    assert consultation.target_groups == ["women"]
    assert str(consultation.budget) == "4500.50"
    assert consultation.period_end.isoformat() == "2027-12-31"
    assert consultation.language == "en" and consultation.consent_at is not None
    assert consultation.status == S.REQUESTED
    assert response["Referrer-Policy"] == "no-referrer" and "noindex" in response["X-Robots-Tag"]
    link = status_link(response)
    assert "/en/foerderberatung/status/" in link
    html = response.content.decode()
    assert str(consultation.pk) in html and coordinator_iii.email not in html
    to_requester = [m for m in mail.outbox if m.to == ["antrag-demo@example.org"]]
    assert len(to_requester) == 1 and link in to_requester[0].body
    assert client.get(link).status_code == 200


def test_phone_only_is_enough(client, essen):
    response = client.post(FORM, post_data(essen, contact_email="", contact_phone="0201 123456"))
    assert response.status_code == 200
    assert FundingConsultation.objects.get().contact_phone == "0201 123456"


def test_double_submit_with_the_same_form_key_stores_one(client, essen):
    data = post_data(essen)
    first = client.post(FORM, data)
    second = client.post(FORM, data)
    assert first.status_code == second.status_code == 200
    assert FundingConsultation.objects.count() == 1
    assert status_link(first) == status_link(second)


def test_compare_then_send_keeps_the_form_key(client, essen, language_cafe):
    data = post_data(essen, action="compare")
    html = client.post(FORM, data).content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', html).group(1)
    assert key == data["form_key"]
    assert client.post(FORM, {**data, "action": "send"}).status_code == 200
    assert FundingConsultation.objects.count() == 1


# --- spam -----------------------------------------------------------------------------------------------------


def test_honeypot_pretends_success_and_stores_nothing(client, essen):
    mail.outbox.clear()
    response = client.post(FORM, post_data(essen, website="http://spam.example"))
    assert response.status_code == 200
    assert FundingConsultation.objects.count() == 0 and mail.outbox == []
    assert not STATUS_LINK.search(response.content.decode())


def test_too_fast_is_refused(client, essen, settings):
    settings.SUGGESTION_MIN_FILL_SECONDS = 60
    response = client.post(FORM, post_data(essen))
    assert response.status_code == 400
    assert "einen Moment Zeit" in response.content.decode()
    assert FundingConsultation.objects.count() == 0


def test_rate_limit_per_address(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(FORM, post_data(essen)).status_code == 200
    response = client.post(FORM, post_data(essen))
    assert response.status_code == 429
    assert "später erneut" in response.content.decode()
    assert FundingConsultation.objects.count() == 2


@pytest.mark.parametrize(
    "form_key",
    ["", "garbage", signing.TimestampSigner(salt="other").sign_object({"key": "0" * 32, "t": 0})],
    ids=["missing", "garbage", "other salt"],
)
def test_missing_or_forged_form_key_is_refused_with_a_fresh_one(client, essen, form_key):
    response = client.post(FORM, post_data(essen, form_key=form_key))
    html = response.content.decode()
    assert response.status_code == 400
    assert "abgelaufen oder unvollständig" in html
    fresh = re.search(r'name="form_key" value="([^"]+)"', html).group(1)
    assert signing.TimestampSigner(salt=FORM_KEY_SALT).unsign_object(fresh)
    assert FundingConsultation.objects.count() == 0


# --- bad and hostile input ------------------------------------------------------------------------------------


def _bad_inputs(essen):
    many = [str(pk) for pk in Neighbourhood.objects.filter(city=essen).values_list("pk", flat=True)[:11]]
    return {
        "missing consent": ({"consent": None}, "Ohne Ihr Einverständnis"),
        "no contact": ({"contact_email": "", "contact_phone": ""}, "E-Mail-Adresse oder Telefonnummer"),
        "bad email": ({"contact_email": "nicht-gueltig@"}, "gültige E-Mail-Adresse"),
        "end before start": ({"period_start": "2027-06-01", "period_end": "2027-01-01"}, "vor dem Beginn"),
        "bad date": ({"period_start": "2027-13-45"}, "Datum"),
        "budget abc": ({"budget": "abc"}, "Betrag in Euro"),
        "budget negative": ({"budget": "-5"}, "Betrag in Euro"),
        "budget huge": ({"budget": "1" + "0" * 12}, "Betrag in Euro"),
        "budget infinity": ({"budget": "Infinity"}, "Betrag in Euro"),
        "unknown Stadtteil": ({"neighbourhoods": ["999999"]}, "Stadtteile aus der Liste"),
        "Stadtteil not a number": ({"neighbourhoods": ["abc"]}, "Stadtteile aus der Liste"),
        "11 Stadtteile": ({"neighbourhoods": many}, "höchstens 10 Stadtteile"),
        "no Stadtteil": ({"neighbourhoods": []}, "mindestens einen Stadtteil"),
        "unknown programme": ({"programmes": ["999999"]}, "Förderprogramme aus der Liste"),
        "programme not a number": ({"programmes": ["x'; DROP TABLE"]}, "Förderprogramme aus der Liste"),
        "unknown target group": ({"target_groups": ["aliens"]}, "Zielgruppen aus der Liste"),
        "NUL in title": ({"title": "Sprach\x00café"}, None),
        "NUL in description": ({"description": DESCRIPTION + "\x00"}, None),
        "NUL in name": ({"contact_name": "Demo\x00Person"}, None),
        "control character in phone": (
            {"contact_phone": "0201\x07123", "contact_email": ""},
            "Telefonnummer",
        ),
        "oversized title": ({"title": "x" * 201}, "höchstens 200 Zeichen"),
        "oversized description": ({"description": "x" * 10_001}, "höchstens 10000 Zeichen"),
        "oversized name": ({"contact_name": "x" * 201}, "höchstens 200 Zeichen"),
        "short title": ({"title": "ab"}, "mindestens 3 Zeichen"),
        "short description": ({"description": "zu kurz"}, "mindestens 20 Zeichen"),
    }


BAD_CASES = [
    "missing consent",
    "no contact",
    "bad email",
    "end before start",
    "bad date",
    "budget abc",
    "budget negative",
    "budget huge",
    "budget infinity",
    "unknown Stadtteil",
    "Stadtteil not a number",
    "11 Stadtteile",
    "no Stadtteil",
    "unknown programme",
    "programme not a number",
    "unknown target group",
    "NUL in title",
    "NUL in description",
    "NUL in name",
    "control character in phone",
    "oversized title",
    "oversized description",
    "oversized name",
    "short title",
    "short description",
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_400_with_the_error_and_stores_nothing(client, essen, case):
    mail.outbox.clear()
    overrides, message = _bad_inputs(essen)[case]
    response = client.post(FORM, post_data(essen, **overrides))
    html = response.content.decode()
    assert response.status_code == 400, html[:2000]
    assert 'id="form-errors"' in html and 'role="alert"' in html
    if message:
        assert message in html
    assert FundingConsultation.objects.count() == 0 and mail.outbox == []


def test_script_in_text_is_shown_escaped(client, essen, language_cafe):
    hostile = "<script>alert(1)</script>"
    response = client.post(
        FORM,
        post_data(
            essen, title=hostile, description=hostile + " " + DESCRIPTION, consent=None, action="compare"
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert FundingConsultation.objects.count() == 0


def test_get_with_a_query_string_and_wrong_methods(client, essen):
    assert client.get(FORM, {"x": "\x00" * 10}).status_code == 200
    assert client.put(FORM).status_code == 405


def test_post_needs_the_csrf_token(essen):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FORM, post_data(essen)).status_code == 403
    assert FundingConsultation.objects.count() == 0


# --- the status page ------------------------------------------------------------------------------------------


def _propose(consultation, *days):
    start = timezone.now().replace(microsecond=0, second=0) + timedelta(days=days[0] if days else 3)
    slots = [
        (start + timedelta(days=d), start + timedelta(days=d, hours=1), "Bezirksstelle Demo") for d in (0, 1)
    ]
    return services.consultation_slots_propose(
        actor=None, consultation=consultation, slots=slots, expected_version=consultation.version
    )


def status_path(token, lang="de"):
    return f"/{lang}/foerderberatung/status/{token}/"


def test_status_page_shows_title_status_and_steps_with_secret_headers(client, essen):
    consultation, token = file_request(essen, title="Nähtreff <b>Altendorf</b>")
    response = client.get(status_path(token))
    html = response.content.decode()
    assert response.status_code == 200
    # Referrers only to this site: "no-referrer" would make browsers send "Origin: null" with the page's forms,
    # which the CSRF check refuses (tests/browser/test_funding_public.py posts them).
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html
    assert "Nähtreff &lt;b&gt;Altendorf&lt;/b&gt;" in html
    assert f"Nr. {consultation.pk}" in html
    assert "angefragt" in html
    steps = re.search(r'<ol class="kern-list funding-steps">(.*?)</ol>', html, re.S).group(1)
    assert steps.count("<li>") == 1 and str(timezone.localdate().year) in steps
    assert 'name="slot"' not in html and "Termin bestätigen" not in html
    assert "Anfrage zurückziehen" in html and 'name="confirm"' in html
    assert "antrag-demo@example.org" not in html  # the contact data is not on the page


def test_choosing_a_proposed_time(client, essen):
    consultation, token = file_request(essen)
    consultation = _propose(consultation)
    slots = list(consultation.slots.filter(is_withdrawn=False))
    html = client.get(status_path(token)).content.decode()
    assert html.count('type="radio" name="slot"') == 2
    assert "Termin bestätigen" in html and "Bezirksstelle Demo" in html
    assert "Termine vorgeschlagen" in html
    response = client.post(status_path(token), {"action": "choose", "slot": str(slots[1].pk)})
    assert response.status_code == 303 and response["Location"] == status_path(token)
    assert "no-store" in response["Cache-Control"]
    consultation.refresh_from_db()
    assert consultation.status == S.APPOINTMENT_CONFIRMED
    assert ConsultationSlot.objects.get(is_chosen=True) == slots[1]
    html = client.get(status_path(token)).content.decode()
    assert 'name="slot"' not in html
    chosen = re.search(r'<p class="kern-body funding-chosen">(.*?)</p>', html, re.S).group(1)
    assert timezone.localtime(slots[1].starts_at).strftime("%H:%M") in chosen
    assert "Termin bestätigt" in html and "Ihr Termin ist bestätigt" in html
    steps = re.search(r'<ol class="kern-list funding-steps">(.*?)</ol>', html, re.S).group(1)
    assert steps.count("<li>") == 3


def test_choosing_a_withdrawn_or_foreign_slot_is_400(client, essen):
    consultation, token = file_request(essen)
    consultation = _propose(consultation)
    old = consultation.slots.first()
    consultation = _propose(consultation, 5)  # the first proposals are withdrawn
    other, _token = file_request(essen, places=("Frohnhausen",))
    foreign = _propose(other).slots.first()
    for value in (str(old.pk), str(foreign.pk), "abc", "", "1" * 30):
        response = client.post(status_path(token), {"action": "choose", "slot": value})
        assert response.status_code == 400, value
        assert 'role="alert"' in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == S.SLOTS_PROPOSED
    assert not ConsultationSlot.objects.filter(is_chosen=True).exists()


def test_choosing_when_no_time_is_proposed_is_400(client, essen):
    consultation, token = file_request(essen)
    response = client.post(status_path(token), {"action": "choose", "slot": "1"})
    assert response.status_code == 400
    consultation.refresh_from_db()
    assert consultation.status == S.REQUESTED


def test_withdrawing_needs_the_confirmation(client, essen):
    consultation, token = file_request(essen)
    consultation = _propose(consultation)
    response = client.post(status_path(token), {"action": "withdraw"})
    assert response.status_code == 400
    assert "Bitte bestätigen Sie" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == S.SLOTS_PROPOSED
    response = client.post(status_path(token), {"action": "withdraw", "confirm": "on"})
    assert response.status_code == 303
    consultation.refresh_from_db()
    assert consultation.status == S.WITHDRAWN
    assert not consultation.slots.filter(is_withdrawn=False).exists()
    html = client.get(status_path(token)).content.decode()
    assert "zurückgezogen" in html
    assert 'name="confirm"' not in html and 'name="slot"' not in html
    assert client.post(status_path(token), {"action": "withdraw", "confirm": "on"}).status_code == 400


def test_unknown_action_is_400(client, essen):
    _consultation, token = file_request(essen)
    assert client.post(status_path(token), {"action": "delete"}).status_code == 400


@pytest.mark.parametrize(
    "token",
    ["0" * 64, secrets.token_hex(32), "abc", "x" * 200, "%00", "A" * 64],
    # Fixed ids: a random token in the id would differ between pytest-xdist's workers' collections.
    ids=["zeros", "random", "short", "long", "nul", "upper-hex"],
)
def test_wrong_token_is_404(client, essen, token):
    file_request(essen)
    assert client.get(status_path(token)).status_code == 404
    assert client.post(status_path(token), {"action": "withdraw", "confirm": "on"}).status_code == 404


def test_expired_link_is_404(client, essen):
    consultation, token = file_request(essen)
    FundingConsultation.objects.filter(pk=consultation.pk).update(
        status_link_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(status_path(token)).status_code == 404


def test_status_lookups_are_rate_limited(client, essen):
    _consultation, token = file_request(essen)
    for _ in range(30):
        assert client.get(status_path(token)).status_code == 200
    response = client.get(status_path(token))
    assert response.status_code == 429
    assert "no-store" in response["Cache-Control"]


def test_status_post_needs_the_csrf_token(essen):
    consultation, token = file_request(essen)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(status_path(token), {"action": "withdraw", "confirm": "on"}).status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == S.REQUESTED


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_status_page_in_other_languages(client, essen, lang):
    _consultation, token = file_request(essen)
    response = client.get(status_path(token, lang))
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.content.decode()


def test_status_forms_pass_the_csrf_check_with_the_origin_the_browser_sends(essen):
    consultation, token = file_request(essen)
    strict = Client(enforce_csrf_checks=True)
    html = strict.get(status_path(token)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = {"csrfmiddlewaretoken": csrf, "action": "withdraw", "confirm": "on"}
    # What a browser sends under "Referrer-Policy: no-referrer": refused.
    assert strict.post(status_path(token), data, HTTP_ORIGIN="null").status_code == 403
    response = strict.post(status_path(token), data, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    consultation.refresh_from_db()
    assert consultation.status == S.WITHDRAWN
