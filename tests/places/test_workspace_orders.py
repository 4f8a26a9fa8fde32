"""Lists in the workspace are in the order of work: events by their next date (then the past ones, latest
first), suggestions and funding requests newest first, offers by the oldest confirmation first (those about to
be hidden need attention first), organisations by name."""

from datetime import timedelta

from django.utils import timezone

from quartier.events.models import Event
from quartier.events.services import event_occurrences_sync
from quartier.organisations.models import Organisation
from quartier.places.models import Neighbourhood
from tests.conftest import make_user
from tests.funding.conftest import file_request
from tests.suggestions.conftest import submit

H = {"HTTP_HOST": "127.0.0.1"}


def _positions(page: str, titles: list[str]) -> list[int]:
    positions = [page.find(t) for t in titles]
    assert all(p >= 0 for p in positions), dict(zip(titles, positions, strict=True))
    return positions


def _event(essen, organisation, title, *, days, status="published", **extra):
    start = timezone.now() + timedelta(days=days)
    event = Event.objects.create(
        city=essen,
        organisation=organisation,
        title=title,
        slug=title.lower().replace(" ", "-"),
        description="Demo",
        type="festival",
        start=start,
        end=start + timedelta(hours=2),
        venue_name="Treffpunkt",
        neighbourhood=Neighbourhood.objects.get(city=essen, name="Altendorf"),
        status=status,
        **extra,
    )
    event_occurrences_sync(event=event)
    return event


def test_workspace_events_by_next_date_then_past_latest_first(client, essen, platform_admin):
    org = Organisation.objects.create(city=essen, name="Demo-Verein", slug="demo-verein", kind="association")
    _event(essen, org, "Fest in zwanzig Tagen", days=20)
    _event(essen, org, "Entwurf in fünf Tagen", days=5, status="draft")
    _event(essen, org, "Vorbei vor zehn Tagen", days=-10)
    _event(essen, org, "Fest in zwei Tagen", days=2)
    _event(essen, org, "Vorbei vor drei Tagen", days=-3, status="draft")
    # A weekly event that began a month ago comes by its next date, not by its first one.
    _event(
        essen,
        org,
        "Wöchentlicher Treff",
        days=-29,
        recurrence="weekly",
        recurrence_until=timezone.localdate() + timedelta(days=60),
    )
    client.force_login(platform_admin)
    page = client.get("/de/arbeitsbereich/veranstaltungen/", **H).content.decode()
    order = [
        "Fest in zwei Tagen",
        "Entwurf in fünf Tagen",
        "Fest in zwanzig Tagen",
        "Vorbei vor drei Tagen",
        "Vorbei vor zehn Tagen",
    ]
    positions = _positions(page, order)
    assert positions == sorted(positions)
    weekly = page.find("Wöchentlicher Treff")
    assert positions[0] < weekly < positions[3]  # within the next week, before the past ones


def test_suggestions_newest_first(client, essen, platform_admin):
    for text in (
        "Erster Vorschlag: ein Sprachcafé.",
        "Zweiter Vorschlag: ein Spielplatz.",
        "Dritter Vorschlag: ein Treff.",
    ):
        submit(essen, text=text)
    client.force_login(platform_admin)
    page = client.get("/de/arbeitsbereich/vorschlaege/", **H).content.decode()
    positions = _positions(page, ["Dritter Vorschlag", "Zweiter Vorschlag", "Erster Vorschlag"])
    assert positions == sorted(positions)


def test_funding_requests_newest_first(client, essen, platform_admin):
    for title in ("Erstes Projekt", "Zweites Projekt", "Drittes Projekt"):
        file_request(essen, title=title)
    client.force_login(platform_admin)
    page = client.get("/de/arbeitsbereich/foerderberatung/", **H).content.decode()
    positions = _positions(page, ["Drittes Projekt", "Zweites Projekt", "Erstes Projekt"])
    assert positions == sorted(positions)


def test_organisations_by_name(client, essen):
    for name in ("Zebra-Verein (Demo)", "Alpha-Verein (Demo)", "Mitte-Verein (Demo)"):
        Organisation.objects.create(
            city=essen, name=name, slug=name.split("-")[0].lower(), kind="association"
        )
    admin = make_user("orgs-admin-demo@example.org", superuser=True)
    client.force_login(admin)
    page = client.get("/de/arbeitsbereich/organisationen/", **H).content.decode()
    positions = _positions(page, ["Alpha-Verein", "Mitte-Verein", "Zebra-Verein"])
    assert positions == sorted(positions)
