"""Query-count guards on the offers' list pages and list endpoints: measured with few offers, then again with many
(more offers, organisations, Stadtteile, categories and members), and the count must not change, so an N+1 fails."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.accounts.models import Role
from quartier.organisations.models import Organisation
from tests.conftest import make_user

from .conftest import make_offer

H = {"HTTP_HOST": "127.0.0.1"}
API = "/api/v1/cities/essen"
PLACES = ("Altendorf", "Frohnhausen", "Holsterhausen", "Rüttenscheid", "Steele", "Kray")
CATEGORIES = ("meeting-cafe", "language-cafe", "counselling", "german-course")


def _more_offers(essen, organisation, n: int, tag: str) -> None:
    """`n` further offers, each in two Stadtteile, in rotating categories, half of them of a new organisation."""
    others = []
    for i in range(n):
        owner = organisation
        if i % 2:
            owner = Organisation.objects.create(
                city=essen, name=f"Verein {tag} {i}", slug=f"verein-{tag}-{i}", kind="association"
            )
            others.append(owner)
        make_offer(
            essen,
            owner,
            f"Sprachcafé {tag} {i}",
            category_slug=CATEGORIES[i % len(CATEGORIES)],
            places=(PLACES[i % len(PLACES)], PLACES[(i + 1) % len(PLACES)]),
            target_groups=["women", "families"],
            languages=["de", "ar"],
        )
    return others


def _queries(client, url: str) -> int:
    client.get(url, **H)  # warms the per-process caches (city, places revision, map)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **H)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _same_count_with_more_offers(
    client, essen, organisation, url, django_assert_num_queries, *, members_of=None
):
    _more_offers(essen, organisation, 2, "wenige")
    few = _queries(client, url)
    others = _more_offers(essen, organisation, 16, "viele")
    if members_of is not None:
        for other in others:
            other.members.create(user=members_of)
    client.get(url, **H)
    with django_assert_num_queries(few):
        response = client.get(url, **H)
    assert response.status_code == 200
    return response


PUBLIC_URLS = [
    "/de/angebote/",
    "/de/angebote/?q=Sprachcaf%C3%A9",
    "/de/angebote/?target_group=women&free=on",
    f"{API}/offers",
    f"{API}/offers?q=Sprachcaf%C3%A9",
    f"{API}/offers?district=III",
    f"{API}/offers?neighbourhood=Altendorf&language=ar",
    f"{API}/offer-categories",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_lists_keep_their_query_count(client, essen, organisation, url, django_assert_num_queries):
    response = _same_count_with_more_offers(client, essen, organisation, url, django_assert_num_queries)
    if "/api/" in url and "categories" not in url:
        assert response.json()["count"] >= 5  # the many offers are listed, not only the few


@pytest.mark.parametrize(
    "roles",
    [
        [(Role.ORGANISATION_MEMBER, None)],
        [(Role.COORDINATOR, "III")],
        [(Role.CITY_ADMIN, None)],
    ],
    ids=["member", "coordinator", "city_admin"],
)
def test_workspace_offer_list_keeps_its_query_count(
    client, essen, organisation, roles, django_assert_num_queries
):
    user = make_user("angebote-zaehlen@example.org", roles=roles, city=essen)
    organisation.members.create(user=user)
    organisation.districts.set(essen.districts.filter(number="III"))
    client.force_login(user)
    response = _same_count_with_more_offers(
        client,
        essen,
        organisation,
        "/de/arbeitsbereich/angebote/",
        django_assert_num_queries,
        members_of=user,
    )
    assert response.content.decode().count("Sprachcafé viele") >= 8


@pytest.mark.parametrize(
    "url",
    [
        "/de/arbeitsbereich/angebote/abdeckung/",
        "/de/arbeitsbereich/angebote/abdeckung/?district=all&per_1000=on&target_group=women",
        "/de/arbeitsbereich/angebote/abdeckung.csv?district=all",
    ],
)
def test_coverage_page_and_csv_keep_their_query_count(
    client, essen, organisation, url, django_assert_num_queries
):
    client.force_login(
        make_user("abdeckung-zaehlen@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    )
    _same_count_with_more_offers(client, essen, organisation, url, django_assert_num_queries)
