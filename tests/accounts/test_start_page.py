"""The workspace start page says what waits for each role, with counts and links, in the person's scope; it is
never empty, and its number of queries does not grow with the amount of work."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.events import services as event_services
from quartier.funding.models import FundingConsultation
from quartier.offers.models import Offer
from quartier.organisations.models import Organisation
from quartier.places.models import District
from quartier.suggestions.models import Suggestion
from tests.conftest import make_user
from tests.events.conftest import draft
from tests.funding.conftest import file_request
from tests.offers.conftest import make_offer
from tests.suggestions.conftest import submit

H = {"HTTP_HOST": "127.0.0.1"}
HOME = "/de/arbeitsbereich/"


@pytest.fixture
def organisation(essen):
    org = Organisation.objects.create(
        city=essen, name="Demo-Kulturverein Altendorf", slug="demo-kulturverein", kind="association"
    )
    org.districts.set([District.objects.get(city=essen, number="III")])
    return org


@pytest.fixture
def organiser(essen, organisation):
    user = make_user("organiser-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    organisation.members.create(user=user)
    return user


@pytest.fixture
def work(essen, organisation, organiser, coordinator_iii):
    """In Altendorf (III): events in each organiser state, suggestions and consultations (some overdue), offers."""
    draft(organiser, organisation, title="Entwurf (Demo)")
    for title in ("Eingereicht 1 (Demo)", "Eingereicht 2 (Demo)", "Zurück (Demo)"):
        event = draft(organiser, organisation, title=title)
        event_services.event_transition(actor=organiser, event=event, to_status="submitted")
    returned = organisation.events.get(title="Zurück (Demo)")
    event_services.event_transition(
        actor=coordinator_iii, event=returned, to_status="returned", message="Bitte den Ort ergänzen."
    )
    suggestions = [submit(essen)[0] for _ in range(3)]
    Suggestion.objects.filter(pk=suggestions[0].pk).update(created_at=timezone.now() - timedelta(days=40))
    consultations = [file_request(essen)[0] for _ in range(2)]
    FundingConsultation.objects.filter(pk=consultations[0].pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    make_offer(essen, organisation, "Demo-Sprachcafé")
    stale = make_offer(essen, organisation, "Demo-Nähcafé")
    Offer.objects.filter(pk=stale.pk).update(
        confirmed_at=timezone.now() - Offer.stale_after() - timedelta(days=1)
    )


def counts(page: str, key: str) -> list[tuple[int, str]]:
    """(count, link) of each item of one section of the start page."""
    section = re.search(rf'id="ws-{key}".*?</section>', page, re.S)
    assert section, f"section {key} missing"
    return [
        (int(n), href.replace("&amp;", "&"))
        for href, n in re.findall(
            r'<a class="kern-link" href="([^"]+)"><strong>(\d+)</strong>', section.group(0)
        )
    ]


def home(client, user) -> str:
    client.force_login(user)
    r = client.get(HOME, **H)
    assert r.status_code == 200
    return r.content.decode()


def test_coordinator_sees_reviews_suggestions_and_consultations_of_their_district(
    client, work, coordinator_iii
):
    page = home(client, coordinator_iii)
    assert counts(page, "events_review") == [(2, "/de/arbeitsbereich/veranstaltungen/")]
    assert counts(page, "suggestions") == [
        (3, "/de/arbeitsbereich/vorschlaege/?status=open"),
        (1, "/de/arbeitsbereich/vorschlaege/?status=open&overdue=on"),
    ]
    assert counts(page, "funding") == [
        (2, "/de/arbeitsbereich/foerderberatung/?status=open"),
        (1, "/de/arbeitsbereich/foerderberatung/?status=requested"),
    ]
    assert "Zurzeit wartet nichts auf Sie." not in page


def test_the_links_lead_to_lists_with_the_same_numbers(client, work, coordinator_iii):
    page = home(client, coordinator_iii)
    (_, overdue_link) = counts(page, "suggestions")[1]
    inbox = client.get(overdue_link, **H)
    assert inbox.status_code == 200 and "1 Vorschlag" in inbox.content.decode()
    (_, requested_link) = counts(page, "funding")[1]
    assert client.get(requested_link, **H).status_code == 200


def test_a_coordinator_of_another_district_sees_none_of_it(client, work, coordinator_iv):
    page = home(client, coordinator_iv)
    assert counts(page, "events_review")[0][0] == 0
    assert [n for n, _ in counts(page, "suggestions")] == [0, 0]
    assert [n for n, _ in counts(page, "funding")] == [0, 0]
    assert "Zurzeit wartet nichts auf Sie." in page


def test_city_admin_sees_everything_and_people(client, work, essen):
    admin = make_user("stadt-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    page = home(client, admin)
    assert counts(page, "events_review")[0][0] == 2
    assert [n for n, _ in counts(page, "suggestions")] == [3, 1]
    assert counts(page, "people") == [
        (0, "/de/arbeitsbereich/personen/?status=invited"),
        (0, "/de/arbeitsbereich/personen/?status=invited"),
    ]
    assert 'href="/de/arbeitsbereich/personen/einladen/"' in page


def test_organisation_member_sees_their_events_by_state_and_their_offers(client, work, organiser):
    page = home(client, organiser)
    assert [n for n, _ in counts(page, "organisation_events")] == [1, 1, 2]
    assert [n for n, _ in counts(page, "offers")] == [2, 0, 1]
    assert 'id="ws-events_review"' not in page and 'id="ws-suggestions"' not in page
    assert "Demo-Kulturverein Altendorf" in page


def test_competence_member_and_central_steering_get_a_meaningful_page(client, work, essen):
    member = make_user("kt@example.org", roles=[(Role.COMPETENCE_MEMBER, "III")], city=essen)
    page = home(client, member)
    assert 'id="ws-district-iii"' in page and 'id="ws-competence"' in page
    assert "2 öffentliche Angebote in Stadtbezirk III" in page
    steering = make_user("steuerung@example.org", roles=[(Role.CENTRAL_STEERING, None)], city=essen)
    page = home(client, steering)
    assert 'href="/de/arbeitsbereich/angebote/abdeckung/"' in page
    assert page.count('id="ws-district-') == 9


def test_pending_invitations_are_counted_for_administrators(client, essen):
    from django.core import mail

    from quartier.accounts import services
    from quartier.accounts.models import StaffInvitation

    admin = make_user("stadt-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    for n in range(3):
        services.staff_invite(
            actor=admin,
            city=essen,
            email=f"neu-{n}@example.org",
            first_name="Neu",
            last_name=str(n),
            grants=[(Role.FALLBACK, None)],
            accept_url_for=lambda t: f"https://example.org/{t}/",
        )
    StaffInvitation.objects.filter(user__email="neu-0@example.org").update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    assert len(mail.outbox) == 3
    assert [n for n, _ in counts(home(client, admin), "people")] == [2, 1]


@pytest.mark.parametrize(
    "spec",
    [
        [(Role.COORDINATOR, "III")],
        [(Role.FALLBACK, None)],
        [(Role.CITY_ADMIN, None)],
        [(Role.CENTRAL_STEERING, None)],
        [(Role.COMPETENCE_MEMBER, "III")],
        "organiser",
        "platform_admin",
    ],
)
def test_query_count_is_bounded(client, work, essen, organiser, spec, django_assert_max_num_queries):
    if spec == "organiser":
        user = organiser
    elif spec == "platform_admin":
        user = make_user("root-x@example.org", superuser=True)
    else:
        user = make_user("person-x@example.org", roles=spec, city=essen)
    for n in range(10):  # more work must not mean more queries
        submit(essen)
    client.force_login(user)
    with django_assert_max_num_queries(26):
        assert client.get(HOME, **H).status_code == 200
