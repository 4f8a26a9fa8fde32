"""Query-count guards: the lists of suggestions (the public page of published answers, the inbox page, the published
list and the inbox in the API) cost the same number of queries for a few rows as for many, so an N+1 fails here."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.suggestions.models import Suggestion
from tests.conftest import make_user

from .conftest import submit

PLACES = ["Altendorf", "Frohnhausen", "Holsterhausen", None]  # two districts (III, II) and the whole city


def add(city, n: int, *, assignee) -> None:
    """`n` suggestions in several places, every other one assigned, closed and published with an answer."""
    for i in range(n):
        suggestion, _token, _created = submit(city, place=PLACES[i % len(PLACES)])
        if i % 2:
            Suggestion.objects.filter(pk=suggestion.pk).update(
                assigned_to=assignee,
                status=Suggestion.Status.CLOSED,
                outcome=Suggestion.Outcome.IMPLEMENTED,
                public_answer=f"Antwort {i}",
                closed_at=timezone.now(),
                is_published=True,
                published_text=f"Veröffentlicht {i}",
                published_at=timezone.now(),
            )


def queries(client, url: str) -> int:
    """The queries of one answer, with no cached page or list (the page caches are part of what is measured)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.fixture
def admin(essen):
    return make_user("stadt-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [
        ("/de/vorschlaege/", False),
        ("/de/vorschlaege/?bezirk=iii", False),
        ("/de/arbeitsbereich/vorschlaege/", True),
        ("/de/arbeitsbereich/vorschlaege/?status=closed", True),
        ("/api/v1/cities/essen/suggestions", False),
        ("/api/v1/cities/essen/suggestions?district=III", False),
        ("/api/v1/cities/essen/inbox/suggestions", True),
        ("/api/v1/cities/essen/inbox/suggestions?assigned=me", True),
    ],
)
def test_a_list_costs_the_same_queries_for_few_and_many_rows(client, essen, admin, url, signed_in):
    if signed_in:
        client.force_login(admin)
    add(essen, 2, assignee=admin)
    client.get(url)  # the process caches (hosts, cities) warm
    few = queries(client, url)
    add(essen, 14, assignee=make_user("zweite-demo@example.org", roles=[(Role.FALLBACK, None)], city=essen))
    assert queries(client, url) == few
