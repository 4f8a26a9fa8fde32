"""The access matrix: every URL and API operation × every role × own and other district.

A new URL or API operation without an entry here fails `test_every_url_has_an_entry`. Each later issue adds its
URLs with the answer each role must get.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.static import serve

from quartier.accounts.models import Role
from quartier.events.occurrences import date_key
from quartier.site.api import api
from tests.conftest import make_user
from tests.permissions.roles import ROLES as ROLES_BY_NAME
from tests.permissions.roles import make_actor

ROLES = list(ROLES_BY_NAME)
STAFF = [r for r in ROLES if r not in {"anonymous", "organisation_member"}]
LOGGED_IN = [r for r in ROLES if r != "anonymous"]
# Who works on suggestions (in their scope): coordinators, the fallback team, administrators.
HANDLERS = [
    "coordinator_own_district",
    "coordinator_other_district",
    "fallback_team",
    "city_admin",
    "platform_admin",
]


def everyone(status):
    return dict.fromkeys(ROLES, status)


def only(allowed, *, status=200, anonymous=302, others=403):
    expected = {r: (status if r in allowed else others) for r in ROLES}
    expected["anonymous"] = anonymous if "anonymous" not in allowed else status
    return expected


COVERAGE = only(
    [
        "coordinator_own_district",
        "coordinator_other_district",
        "fallback_team",
        "central_steering",
        "city_admin",
        "platform_admin",
    ]
)

PEOPLE_MANAGERS = ["city_admin", "platform_admin"]

# "Own district" means Stadtbezirk III for the district-bound roles; the example paths point into III.
PAGES = {
    "public:home": ("GET", "/de/", everyone(200)),
    "public:find": ("GET", "/de/finden/?q=Frohnhausen", everyone(200)),
    "public:districts": ("GET", "/de/bezirke/", everyone(200)),
    "public:district": ("GET", "/de/bezirke/iii/", everyone(200)),
    "public:neighbourhood": ("GET", "/de/stadtteile/frohnhausen/", everyone(200)),
    "public:neighbourhood_vcard": ("GET", "/de/stadtteile/frohnhausen/kontakt.vcf", everyone(200)),
    "public:imprint": ("GET", "/de/impressum/", everyone(200)),
    "public:privacy": ("GET", "/de/datenschutz/", everyone(200)),
    "public:accessibility": ("GET", "/de/barrierefreiheit/", everyone(200)),
    "public:accessibility_feedback": ("GET", "/de/barrierefreiheit/feedback/", everyone(200)),
    "public:data_sources": ("GET", "/de/datenquellen/", everyone(200)),
    "accounts:login": ("GET", "/de/konto/anmelden/", {**everyone(302), "anonymous": 200}),
    "accounts:logout": ("GET", "/de/konto/abmelden/", everyone(405)),
    "accounts:password_reset": ("GET", "/de/konto/passwort-vergessen/", everyone(200)),
    "accounts:password_reset_done": ("GET", "/de/konto/passwort-vergessen/gesendet/", everyone(200)),
    "accounts:password_reset_confirm": ("GET", "/de/konto/passwort-neu/MQ/falsch-123/", everyone(200)),
    "accounts:password_reset_complete": ("GET", "/de/konto/passwort-neu/fertig/", everyone(200)),
    "workspace:home": ("GET", "/de/arbeitsbereich/", only(LOGGED_IN)),
    "workspace:organisations": ("GET", "/de/arbeitsbereich/organisationen/", only(LOGGED_IN)),
    "workspace:organisation_create": (
        "GET",
        "/de/arbeitsbereich/organisationen/neu/",
        only(
            [
                "coordinator_own_district",
                "coordinator_other_district",
                "fallback_team",
                "city_admin",
                "platform_admin",
            ]
        ),
    ),
    # An organisation active in Stadtbezirk III; members of another organisation and other districts get 404.
    "workspace:organisation": (
        "GET",
        "/de/arbeitsbereich/organisationen/{org}/",
        only(["coordinator_own_district", "fallback_team", "city_admin", "platform_admin"], others=404),
    ),
    "public:invitation": ("GET", "/de/einladung/falsches-token-0123456789/", everyone(404)),
    "public:events": ("GET", "/de/veranstaltungen/", everyone(200)),
    "public:event_map": ("GET", "/de/veranstaltungen/karte/", everyone(200)),
    "workspace:events": ("GET", "/de/arbeitsbereich/veranstaltungen/", only(LOGGED_IN)),
    # The editor for the organisation of the "organisation_member" role; nobody else is a member.
    "workspace:event_create": (
        "GET",
        "/de/arbeitsbereich/veranstaltungen/neu/{org_other}/",
        only(["organisation_member"], others=404),
    ),
    # An online event (no district): reviewed by the fallback team, not by district coordinators.
    "workspace:event": (
        "GET",
        "/de/arbeitsbereich/veranstaltungen/{event_id}/",
        only(["fallback_team", "city_admin", "platform_admin"], others=404),
    ),
    # The registrations of that event (limited places): for its organisers and reviewers only; POST actions
    # without a body are 400 for them (nothing changes), 404 for everyone else.
    "workspace:event_registrations": (
        "GET",
        "/de/arbeitsbereich/veranstaltungen/{event_id}/anmeldungen/",
        only(["fallback_team", "city_admin", "platform_admin"], others=404),
    ),
    "workspace:event_registrations_date": (
        "GET",
        "/de/arbeitsbereich/veranstaltungen/{event_id}/anmeldungen/{termin}/",
        only(["fallback_team", "city_admin", "platform_admin"], others=404),
    ),
    "workspace:event_registrations_csv": (
        "GET",
        "/de/arbeitsbereich/veranstaltungen/{event_id}/anmeldungen/{termin}/anmeldungen.csv",
        only(["fallback_team", "city_admin", "platform_admin"], others=404),
    ),
    "workspace:event_attendance": (
        "POST",
        "/de/arbeitsbereich/veranstaltungen/{event_id}/anmeldungen/{termin}/anwesenheit/",
        only(["fallback_team", "city_admin", "platform_admin"], status=400, others=404),
    ),
    "workspace:event_registrations_message": (
        "POST",
        "/de/arbeitsbereich/veranstaltungen/{event_id}/anmeldungen/{termin}/nachricht/",
        only(["fallback_team", "city_admin", "platform_admin"], status=400, others=404),
    ),
    "public:event": ("GET", "/de/veranstaltungen/{event}/", everyone(200)),
    "public:event_ics": ("GET", "/de/veranstaltungen/{event}/kalender.ics", everyone(200)),
    "public:programme": ("GET", "/de/programme/demo-programm/", everyone(200)),
    "public:event_register": ("GET", "/de/veranstaltungen/{event_id}/anmelden/", everyone(200)),
    "public:registration_cancel": ("GET", "/de/anmeldung/falsches-token-0123456789/", everyone(404)),
    "public:programme_pdf": ("GET", "/de/programme/demo-programm/programm.pdf", everyone(200)),
    # The inbox: roles that handle no suggestions get 403; a suggestion from Altendorf (III, which has its own
    # coordinator) is 404 for everyone outside its scope, so its existence is not confirmed.
    "workspace:suggestions": ("GET", "/de/arbeitsbereich/vorschlaege/", only(HANDLERS, others=403)),
    "workspace:suggestion": (
        "GET",
        "/de/arbeitsbereich/vorschlaege/{suggestion}/",
        {
            **only(HANDLERS, others=403),
            "coordinator_other_district": 404,
            "fallback_team": 404,
        },
    ),
    "workspace:suggestion_person": (
        "GET",
        "/de/arbeitsbereich/vorschlaege/auskunft-und-loeschung/",
        only(HANDLERS, others=403),
    ),
    "workspace:notifications": ("GET", "/de/arbeitsbereich/benachrichtigungen/", only(LOGGED_IN)),
    "public:suggestions": ("GET", "/de/vorschlaege/", everyone(200)),
    "public:suggestion_new": ("GET", "/de/vorschlaege/neu/", everyone(200)),
    "public:suggestion_status": ("GET", "/de/vorschlaege/status/" + "0" * 64 + "/", everyone(404)),
    # Offers and organisations are public; the coverage matrix is for coordinators and city-wide staff.
    "public:offers": ("GET", "/de/angebote/", everyone(200)),
    "public:offer": ("GET", "/de/angebote/{offer_slug}/", everyone(200)),
    "public:organisation": ("GET", "/de/organisationen/demo-verein-iii/", everyone(200)),
    "public:offer_confirm": ("GET", "/de/angebote/bestaetigen/falsches-token-0123456789/", everyone(404)),
    "workspace:offer_coverage": ("GET", "/de/arbeitsbereich/angebote/abdeckung/", COVERAGE),
    "workspace:offer_coverage_csv": ("GET", "/de/arbeitsbereich/angebote/abdeckung.csv", COVERAGE),
    # Maintaining offers: members of an organisation (the matrix's member belongs to the other organisation),
    # coordinators for organisations and offers of their districts, city-wide staff for all.
    "workspace:offers": (
        "GET",
        "/de/arbeitsbereich/angebote/",
        only(["organisation_member", *HANDLERS]),
    ),
    "workspace:offer_new": (
        "GET",
        "/de/arbeitsbereich/angebote/neu/?organisation={org}",
        only(["organisation_member", *HANDLERS], status=302),
    ),
    "workspace:offer_create": (
        "GET",
        "/de/arbeitsbereich/angebote/neu/{org}/",
        only(["coordinator_own_district", "fallback_team", "city_admin", "platform_admin"]),
    ),
    "workspace:offer_edit": (
        "GET",
        "/de/arbeitsbereich/angebote/{offer_id}/bearbeiten/",
        only(["coordinator_own_district", "fallback_team", "city_admin", "platform_admin"], others=404),
    ),
    "workspace:offer_confirm": ("GET", "/de/arbeitsbereich/angebote/{offer_id}/bestaetigen/", everyone(405)),
    # Funding advice: the request form is public; a wrong status token is 404.
    "public:funding_new": ("GET", "/de/foerderberatung/", everyone(200)),
    "public:funding_status": ("GET", "/de/foerderberatung/status/" + "0" * 64 + "/", everyone(404)),
    # A consultation from Altendorf (III, which has its own coordinator): 404 for everyone outside its scope.
    # Members of an organisation who do not handle consultations are sent on to their organisations' list.
    "workspace:funding": (
        "GET",
        "/de/arbeitsbereich/foerderberatung/",
        {**only(HANDLERS, others=403), "organisation_member": 302},
    ),
    # The consultations of one's own organisations (an empty list for those without any).
    "workspace:funding_organisations": (
        "GET",
        "/de/arbeitsbereich/foerderberatung/meine-organisationen/",
        only(LOGGED_IN),
    ),
    "workspace:funding_detail": (
        "GET",
        "/de/arbeitsbereich/foerderberatung/{consultation}/",
        {**only(HANDLERS, others=403), "coordinator_other_district": 404, "fallback_team": 404},
    ),
    "workspace:funding_person": (
        "GET",
        "/de/arbeitsbereich/foerderberatung/auskunft-und-loeschung/",
        only(HANDLERS, others=403),
    ),
    "workspace:funding_programmes": (
        "GET",
        "/de/arbeitsbereich/foerderprogramme/",
        only(HANDLERS, others=403),
    ),
    # Postcode ↔ Stadtteil pairs: city and platform administrators only. An empty POST is a form error (400); a
    # pair that does not exist (or belongs to another city) is 404 for them, 403 for everyone else.
    "workspace:postcode_pairs": (
        "GET",
        "/de/arbeitsbereich/postleitzahlen/",
        only(["city_admin", "platform_admin"]),
    ),
    "workspace:postcode_pair_add": (
        "POST",
        "/de/arbeitsbereich/postleitzahlen/zuordnen/",
        only(["city_admin", "platform_admin"], status=400),
    ),
    "workspace:postcode_pair_remove": (
        "POST",
        "/de/arbeitsbereich/postleitzahlen/999999/entfernen/",
        only(["city_admin", "platform_admin"], status=404),
    ),
    # Staff accounts ("Personen"): city and platform administrators only; the account is the coordinator of III
    # made by suggestion_iii. The POST actions redirect back to the account (with a message) for administrators.
    "workspace:people": ("GET", "/de/arbeitsbereich/personen/", only(PEOPLE_MANAGERS)),
    "workspace:person_invite": ("GET", "/de/arbeitsbereich/personen/einladen/", only(PEOPLE_MANAGERS)),
    # The city's audit log ("Protokoll") and its CSV export: city and platform administrators only.
    "workspace:audit": ("GET", "/de/arbeitsbereich/protokoll/", only(PEOPLE_MANAGERS)),
    "workspace:audit_export": ("GET", "/de/arbeitsbereich/protokoll/protokoll.csv", only(PEOPLE_MANAGERS)),
    "workspace:person": ("GET", "/de/arbeitsbereich/personen/{person}/", only(PEOPLE_MANAGERS)),
    "workspace:person_resend": (
        "POST",
        "/de/arbeitsbereich/personen/{person}/einladung-erneut-senden/",
        only(PEOPLE_MANAGERS, status=302),
    ),
    "workspace:person_deactivate": (
        "POST",
        "/de/arbeitsbereich/personen/{person}/deaktivieren/",
        only(PEOPLE_MANAGERS, status=302),
    ),
    "workspace:person_reactivate": (
        "POST",
        "/de/arbeitsbereich/personen/{person}/reaktivieren/",
        only(PEOPLE_MANAGERS, status=302),
    ),
    "accounts:staff_invitation": ("GET", "/de/konto/einladung/falsches-token-0123456789/", everyone(404)),
    # Two-factor authentication: the login step and the setup need a session (they lead on to the workspace when
    # nothing is owed, as here: under tests no role must use it); the recovery codes exist only right after they
    # were made (else back to the page, and no file). The page "Anmeldung absichern" is for every workspace role;
    # renewing codes needs an app (without one: back to the page). Resetting is for administrators (the account
    # of suggestion_iii has no second factor: back to the account with a message).
    "accounts:two_factor": ("GET", "/de/konto/zweiter-faktor/", {**everyone(302)}),
    "accounts:two_factor_enrol": (
        "GET",
        "/de/konto/zweiter-faktor/einrichten/",
        {**everyone(200), "anonymous": 302},
    ),
    "accounts:two_factor_codes": ("GET", "/de/konto/zweiter-faktor/wiederherstellungscodes/", everyone(302)),
    "accounts:two_factor_codes_txt": (
        "GET",
        "/de/konto/zweiter-faktor/wiederherstellungscodes.txt",
        {**everyone(404), "anonymous": 302},
    ),
    "workspace:two_factor": ("GET", "/de/arbeitsbereich/anmeldung-absichern/", only(LOGGED_IN)),
    "workspace:two_factor_codes_renew": (
        "POST",
        "/de/arbeitsbereich/anmeldung-absichern/wiederherstellungscodes/",
        only(LOGGED_IN, status=302),
    ),
    "workspace:person_two_factor_reset": (
        "POST",
        "/de/arbeitsbereich/personen/{person}/zweiten-faktor-zuruecksetzen/",
        only(PEOPLE_MANAGERS, status=302),
    ),
    "healthz": ("GET", "/healthz", everyone(200)),
    "favicon": ("GET", "/favicon.ico", everyone(200)),
    # RFC 9116; served only when QUARTIER_SECURITY_CONTACT is set (tests/core/test_security_txt.py), not here.
    "security_txt": ("GET", "/.well-known/security.txt", everyone(404)),
    # The time left of one's own session (session.js); POST extends it. Without a session: 401.
    "staff_session": ("GET", "/de/arbeitsbereich/sitzung/", {**everyone(200), "anonymous": 401}),
    "admin:index": ("GET", "/verwaltung/", {**everyone(302), "platform_admin": 200}),
}

API = {
    ("GET", "/api/v1/cities"): ("/api/v1/cities", everyone(200)),
    ("GET", "/api/v1/cities/{city_slug}/districts"): ("/api/v1/cities/essen/districts", everyone(200)),
    ("GET", "/api/v1/cities/{city_slug}/neighbourhoods"): (
        "/api/v1/cities/essen/neighbourhoods",
        everyone(200),
    ),
    ("GET", "/api/v1/cities/{city_slug}/neighbourhoods.geojson"): (
        "/api/v1/cities/essen/neighbourhoods.geojson",
        everyone(200),
    ),
    ("GET", "/api/v1/cities/{city_slug}/lookup"): ("/api/v1/cities/essen/lookup?q=Kray", everyone(200)),
    ("GET", "/api/v1/cities/{city_slug}/events"): ("/api/v1/cities/essen/events", everyone(200)),
    ("GET", "/api/v1/cities/{city_slug}/events.ics"): ("/api/v1/cities/essen/events.ics", everyone(200)),
    ("GET", "/api/v1/cities/{city_slug}/events/{event_id}"): (
        "/api/v1/cities/essen/events/{event_id}",
        everyone(200),
    ),
    ("GET", "/api/v1/cities/{city_slug}/programmes"): ("/api/v1/cities/essen/programmes", everyone(200)),
    ("GET", "/api/v1/cities/{city_slug}/offers"): ("/api/v1/cities/essen/offers", everyone(200)),
    ("GET", "/api/v1/cities/{city_slug}/offers/{offer_id}"): (
        "/api/v1/cities/essen/offers/{offer_id}",
        everyone(200),
    ),
    ("GET", "/api/v1/cities/{city_slug}/offer-categories"): (
        "/api/v1/cities/essen/offer-categories",
        everyone(200),
    ),
    ("GET", "/api/v1/cities/{city_slug}/organisations"): (
        "/api/v1/cities/essen/organisations",
        everyone(200),
    ),
    ("GET", "/api/v1/cities/{city_slug}/organisations/{organisation_id}"): (
        "/api/v1/cities/essen/organisations/{organisation_id}",
        everyone(200),
    ),
    # Funding: the writes need a body (422 for everyone without one); a wrong status token is 404.
    ("POST", "/api/v1/cities/{city_slug}/funding/similar"): (
        "/api/v1/cities/essen/funding/similar",
        everyone(422),
    ),
    ("POST", "/api/v1/cities/{city_slug}/funding/consultations"): (
        "/api/v1/cities/essen/funding/consultations",
        everyone(422),
    ),
    ("GET", "/api/v1/cities/{city_slug}/funding/consultations/status/{token}"): (
        "/api/v1/cities/essen/funding/consultations/status/falsches-token",
        everyone(404),
    ),
    ("POST", "/api/v1/cities/{city_slug}/funding/consultations/status/{token}/appointment"): (
        "/api/v1/cities/essen/funding/consultations/status/falsches-token/appointment",
        everyone(422),
    ),
    ("GET", "/api/v1/cities/{city_slug}/funding/programmes"): (
        "/api/v1/cities/essen/funding/programmes",
        everyone(200),
    ),
    # Suggestions: submitting needs a body (an empty one is 422 for everyone); a wrong status token is 404.
    ("POST", "/api/v1/cities/{city_slug}/suggestions"): ("/api/v1/cities/essen/suggestions", everyone(422)),
    ("GET", "/api/v1/cities/{city_slug}/suggestions"): ("/api/v1/cities/essen/suggestions", everyone(200)),
    ("GET", "/api/v1/cities/{city_slug}/suggestions/status/{token}"): (
        "/api/v1/cities/essen/suggestions/status/falsches-token",
        everyone(404),
    ),
    # The inbox: a session is needed (401); the list is scoped (empty for roles that handle nothing).
    ("GET", "/api/v1/cities/{city_slug}/inbox/suggestions"): (
        "/api/v1/cities/essen/inbox/suggestions",
        {**everyone(200), "anonymous": 401},
    ),
    # A suggestion from Altendorf (III, which has its own coordinator): everyone outside its scope gets 404.
    ("GET", "/api/v1/cities/{city_slug}/inbox/suggestions/{suggestion_id}"): (
        "/api/v1/cities/essen/inbox/suggestions/{suggestion_id}",
        {
            **everyone(404),
            "anonymous": 401,
            "coordinator_own_district": 200,
            "city_admin": 200,
            "platform_admin": 200,
        },
    ),
    # Changes without a body: 422 for every logged-in role (the body is checked first; scope is tested with
    # bodies in tests/suggestions/test_api.py).
    **{
        ("POST", f"/api/v1/cities/{{city_slug}}/inbox/suggestions/{{suggestion_id}}/{action}"): (
            f"/api/v1/cities/essen/inbox/suggestions/{{suggestion_id}}/{action}",
            {**everyone(422), "anonymous": 401},
        )
        for action in ("transition", "assign", "notes", "publish")
    },
}


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            namespace = f"{prefix}{p.namespace}:" if p.namespace else prefix
            if p.namespace == "admin":
                yield "admin:index"
                continue
            if p.namespace == "api-v1":
                continue
            yield from _names(p.url_patterns, namespace)
        elif isinstance(p, URLPattern):
            if p.callback is serve:
                # Uploaded files served by Django itself only with debug on (`make dev`), whether the URLconf was
                # first imported with debug on depends on test collection; production serves them by nginx.
                continue
            yield f"{prefix}{p.name}" if p.name else f"{prefix}<unnamed {p.pattern}>"


def test_every_url_has_an_entry():
    names = set(_names(get_resolver().url_patterns))
    assert names - set(PAGES) == set(), "add these URLs to the access matrix"
    assert set(PAGES) - names == set(), "these matrix entries name URLs that no longer exist"


def test_every_api_operation_has_an_entry():
    schema = api.get_openapi_schema()
    operations = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    assert operations == set(API)


def user_for(role, essen):
    return make_actor(role, essen)


@pytest.fixture
def organisation_iii(essen):
    from quartier.organisations.models import Organisation
    from quartier.places.models import District

    org = Organisation.objects.create(
        city=essen, name="Demo-Verein III", slug="demo-verein-iii", kind="association"
    )
    org.districts.set([District.objects.get(city=essen, number="III")])
    other = Organisation.objects.create(
        city=essen, name="Demo-Verein IV", slug="demo-verein-iv", kind="association"
    )
    return org, other


@pytest.fixture
def public_event(essen, organisation_iii):
    from datetime import timedelta

    from django.utils import timezone

    from quartier.events.models import Event, Programme

    today = timezone.now().date()
    Programme.objects.create(
        city=essen, title="Demo-Programm", slug="demo-programm", starts_on=today, ends_on=today
    )
    start = timezone.now() + timedelta(days=3)
    return Event.objects.create(
        city=essen,
        organisation=organisation_iii[0],
        title="Demo-Fest",
        slug="demo-fest",
        description="Demo",
        type="festival",
        start=start,
        end=start + timedelta(hours=2),
        online=True,
        status="published",
        registration="limited",
        capacity=10,
    )


@pytest.fixture
def suggestion_iii(essen):
    """A suggestion from Altendorf (Stadtbezirk III), whose district has an active coordinator."""
    from tests.suggestions.conftest import submit

    make_user("koordination-iii-matrix@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    return submit(essen, place="Altendorf")[0]


@pytest.fixture
def consultation_iii(essen, suggestion_iii):
    """A request for funding advice from Altendorf (III, with the coordinator made by suggestion_iii)."""
    from tests.funding.conftest import file_request

    return file_request(essen, places=("Altendorf",))[0]


@pytest.fixture
def offer_iii(essen, organisation_iii):
    """A public offer in Altendorf (Stadtbezirk III) of the organisation of III."""
    from tests.offers.conftest import make_offer

    return make_offer(essen, organisation_iii[0], "Demo-Sprachcafé", places=("Altendorf",))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages(
    client, essen, organisation_iii, public_event, suggestion_iii, offer_iii, consultation_iii, name, role
):
    method, path, expected = PAGES[name]
    path = path.format(
        consultation=consultation_iii.pk,
        offer_id=offer_iii.pk,
        offer_slug=offer_iii.slug,
        suggestion=suggestion_iii.pk,
        org=organisation_iii[0].pk,
        org_other=organisation_iii[1].pk,
        event=f"{public_event.pk}-{public_event.slug}",
        event_id=public_event.pk,
        termin=date_key(public_event.start),
        person=_matrix_person_pk(),
    )
    user = user_for(role, essen)
    if role == "organisation_member":
        organisation_iii[1].members.create(user=user)
    if user:
        client.force_login(user)
    r = client.generic(method, path, HTTP_HOST="127.0.0.1")
    assert r.status_code == expected[role], f"{method} {path} as {role}"


def _matrix_person_pk() -> int:
    """The staff account the "Personen" entries act on: the coordinator of III made by suggestion_iii."""
    from quartier.accounts.models import User

    return User.objects.get(email="koordination-iii-matrix@example.org").pk


# Pages that answer GET and POST: the POST (empty, so a form error for those allowed) per role.
PAGE_POSTS = {
    "workspace:person_invite": ("/de/arbeitsbereich/personen/einladen/", only(PEOPLE_MANAGERS, status=400)),
    "workspace:person": ("/de/arbeitsbereich/personen/{person}/", only(PEOPLE_MANAGERS, status=400)),
    "accounts:staff_invitation": ("/de/konto/einladung/falsches-token-0123456789/", everyone(404)),
}


def test_page_posts_name_existing_pages():
    assert set(PAGE_POSTS) <= set(PAGES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGE_POSTS))
def test_page_posts(client, essen, suggestion_iii, name, role):
    path, expected = PAGE_POSTS[name]
    path = path.format(person=_matrix_person_pk())
    user = user_for(role, essen)
    if user:
        client.force_login(user)
    r = client.post(path, {}, HTTP_HOST="127.0.0.1")
    assert r.status_code == expected[role], f"POST {path} as {role}"


# Who belongs to an organisation (the organisation of III): only the city administration and platform
# administrators here (nobody in the matrix manages it); coordinators of III and the fallback team may open the page
# but not change its members (403); everyone else does not see it (404). Inviting one's own address is refused
# even to those allowed (400): the step that began the escalation through invitations.
ORGANISATION_MEMBERSHIP_POSTS = {
    "invite someone": (
        {"action": "invite", "email": "neu-matrix@example.org", "role": "member"},
        {
            **only(["city_admin", "platform_admin"], status=302, others=404),
            "coordinator_own_district": 403,
            "fallback_team": 403,
        },
    ),
    "invite oneself": (
        {"action": "invite", "email": "{own}", "role": "manager"},
        {
            **only(["city_admin", "platform_admin"], status=400, others=404),
            "coordinator_own_district": 403,
            "fallback_team": 403,
        },
    ),
    # "mіtglied-matrix@…" with a Cyrillic і: a look-alike of a member's address is another person's account in
    # disguise, refused even to those allowed.
    "invite a look-alike of a member": (
        {"action": "invite", "email": "m\u0456tglied-matrix@example.org", "role": "manager"},
        {
            **only(["city_admin", "platform_admin"], status=400, others=404),
            "coordinator_own_district": 403,
            "fallback_team": 403,
        },
    ),
    "remove a member": (
        {"action": "member_remove", "member": "{member}"},
        {
            **only(["city_admin", "platform_admin"], status=302, others=404),
            "coordinator_own_district": 403,
            "fallback_team": 403,
        },
    ),
    "make oneself manager": (
        {"action": "member_role", "member": "{member}", "role": "manager"},
        {
            **only(["city_admin", "platform_admin"], status=302, others=404),
            "coordinator_own_district": 403,
            "fallback_team": 403,
        },
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(ORGANISATION_MEMBERSHIP_POSTS))
def test_organisation_membership_posts(client, essen, organisation_iii, case, role):
    from quartier.organisations.models import OrganisationMember

    data, expected = ORGANISATION_MEMBERSHIP_POSTS[case]
    org = organisation_iii[0]
    second = make_user("zweite-matrix@example.org", city=essen)
    OrganisationMember.objects.create(organisation=org, user=second, role="manager")
    extra = make_user("mitglied-matrix@example.org", city=essen)
    member = OrganisationMember.objects.create(organisation=org, user=extra)
    user = user_for(role, essen)
    if user:
        client.force_login(user)
    own = user.email if user else "anonym@example.org"
    form = {k: v.format(own=own, member=member.pk) for k, v in data.items()}
    before = sorted(OrganisationMember.objects.values_list("user_id", "role"))
    r = client.post(f"/de/arbeitsbereich/organisationen/{org.pk}/", form, HTTP_HOST="127.0.0.1")
    assert r.status_code == expected[role], f"{case} as {role}"
    if expected[role] != 302:
        assert sorted(OrganisationMember.objects.values_list("user_id", "role")) == before
    assert not OrganisationMember.objects.filter(user=user).exists() if user else True


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(API))
def test_api(client, essen, public_event, suggestion_iii, offer_iii, operation, role):
    path, expected = API[operation]
    path = path.format(
        event_id=public_event.pk,
        suggestion_id=suggestion_iii.pk,
        offer_id=offer_iii.pk,
        organisation_id=offer_iii.organisation_id,
    )
    user = user_for(role, essen)
    if user:
        client.force_login(user)
    r = client.generic(operation[0], path, HTTP_HOST="127.0.0.1")
    assert r.status_code == expected[role], f"{operation} as {role}"


def test_workspace_shows_only_own_districts(client, essen):
    client.force_login(user_for("coordinator_own_district", essen))
    page = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").content.decode()
    assert 'id="ws-district-iii"' in page
    assert 'id="ws-district-iv"' not in page and 'id="ws-district-ii"' not in page
    client.force_login(user_for("coordinator_other_district", essen))
    page = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").content.decode()
    assert 'id="ws-district-iv"' in page and 'id="ws-district-iii"' not in page


@pytest.mark.parametrize("role", ["fallback_team", "central_steering", "city_admin", "platform_admin"])
def test_citywide_roles_see_all_districts(client, essen, role):
    client.force_login(user_for(role, essen))
    page = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").content.decode()
    assert page.count('id="ws-district-') == 9


def test_membership_in_another_city_grants_nothing_here(client, essen):
    from quartier.places.models import City

    other = City.objects.create(slug="musterstadt", name="Musterstadt")
    user = make_user("fremd@example.org", roles=[(Role.CITY_ADMIN, None)], city=other)
    client.force_login(user)
    assert client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").status_code == 403


# Look-alike spellings of every role's own address, with the right password: none logs in, on the site or through
# the admin's login (which leads to the same throttled form), and they count against the real account.
LOOK_ALIKES = {
    "dotless i": lambda email: email.replace("i", "\u0131", 1),
    "Cyrillic a": lambda email: email.replace("a", "\u0430", 1),
    "fullwidth": lambda email: "".join(
        chr(ord(c) + 0xFEE0) if c.isalnum() and c.isascii() else c for c in email
    ),
}


@pytest.mark.parametrize("role", LOGGED_IN)
@pytest.mark.parametrize("spelling", sorted(LOOK_ALIKES))
def test_look_alike_address_logs_into_nothing(client, essen, role, spelling):
    from quartier.accounts import throttling
    from tests.conftest import PASSWORD

    user = user_for(role, essen)
    user.email = f"ilka-{user.email}"  # every address has an i, an a and a letter with a fullwidth form
    user.save()
    typed = LOOK_ALIKES[spelling](user.email)
    assert typed != user.email
    r = client.post("/de/konto/anmelden/", {"username": typed, "password": PASSWORD}, HTTP_HOST="127.0.0.1")
    assert r.status_code == 200, f"{spelling} as {role}"
    assert "_auth_user_id" not in client.session
    assert throttling.count("login", account=user.email) == 1  # counted for the real account
    assert client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").status_code == 302
    admin_login = client.get("/verwaltung/login/", HTTP_HOST="127.0.0.1")
    assert admin_login.status_code == 302 and "/konto/anmelden/" in admin_login["Location"]
