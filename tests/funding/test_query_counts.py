"""Query-count guards: the lists of funding advice (the consultations page, the organisation's consultations, the
programmes page and the programmes in the API) cost the same number of queries for a few rows as for many."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.accounts.models import Role
from quartier.funding.models import FundingConsultation
from quartier.organisations.models import Organisation
from quartier.places.models import District
from tests.conftest import make_user

from .test_workspace_pages import make, make_programme

PLACES = [("Altendorf",), ("Frohnhausen", "Holsterhausen"), ("Altendorf", "Rüttenscheid")]


@pytest.fixture
def verein(essen):
    return Organisation.objects.create(
        city=essen,
        name="Nachbarschaftsverein Demo e. V.",
        slug="nachbarschaftsverein-demo",
        kind="association",
    )


@pytest.fixture
def member(essen, verein):
    user = make_user("mitglied-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    verein.members.create(user=user)
    return user


def add(city, n: int, *, organisation, assignee, start: int) -> None:
    """`n` consultations of the organisation in one or two Stadtteile, each with a programme ticked, every other
    one assigned; and `n` programmes, every other one with a coming deadline."""
    for i in range(start, start + n):
        programme = make_programme(city, name=f"Programm {i}", days=30 + i if i % 2 else None)
        consultation = make(city, title=f"Projekt {i}", places=PLACES[i % len(PLACES)])
        consultation.programmes.add(programme)
        FundingConsultation.objects.filter(pk=consultation.pk).update(
            organisation=organisation, assigned_to=assignee if i % 2 else None
        )


def queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/de/arbeitsbereich/foerderberatung/", "admin"),
        ("/de/arbeitsbereich/foerderberatung/?status=open", "admin"),
        ("/de/arbeitsbereich/foerderberatung/?district={iii}", "admin"),
        ("/de/arbeitsbereich/foerderberatung/meine-organisationen/", "member"),
        ("/de/arbeitsbereich/foerderprogramme/", "admin"),
        ("/api/v1/cities/essen/funding/programmes", None),
    ],
)
def test_a_list_costs_the_same_queries_for_few_and_many_rows(client, essen, verein, member, url, who):
    url = url.format(iii=District.objects.get(city=essen, number="III").pk)
    admin = make_user("stadt-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    if who:
        client.force_login({"admin": admin, "member": member}[who])
    add(essen, 2, organisation=verein, assignee=admin, start=0)
    client.get(url)  # the process caches (hosts, cities) warm
    few = queries(client, url)
    add(essen, 12, organisation=verein, assignee=admin, start=2)
    assert queries(client, url) == few
