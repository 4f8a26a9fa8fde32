"""The confirmation page and the confirmation e-mail say the same, in residents' words, about who reads a
suggestion: the district's coordinators, or the city's central coordination where a district has none."""

import pytest
from django.core import mail

from quartier.places.models import Neighbourhood

from .test_public_pages import FORM, post_data


def _page_and_mail(client, essen, place, lang="de"):
    neighbourhood = str(Neighbourhood.objects.get(city=essen, name=place).pk) if place else ""
    response = client.post(FORM.replace("/de/", f"/{lang}/"), post_data(essen, neighbourhood=neighbourhood))
    assert response.status_code == 200
    html = response.content.decode()
    (confirmation,) = [m for m in mail.outbox if m.to == ["person-demo@example.org"]]
    return html, confirmation.body


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Altendorf", "Ihr Vorschlag geht an die Integrationskoordinator*innen des Stadtbezirks"),
        ("Rüttenscheid", "Für den Stadtbezirk"),  # Stadtbezirk II: vacant in the reference data
        ("", "Ihr Vorschlag betrifft die ganze Stadt."),
    ],
)
def test_page_and_mail_name_the_same_readers(client, essen, coordinator_iii, fallback_team, place, expected):
    html, body = _page_and_mail(client, essen, place)
    sentence = next(line for line in body.splitlines() if line.startswith(expected))
    assert sentence in html.replace("&#x27;", "'")
    assert "Rückfallteam" not in html and "Rückfallteam" not in body
    assert fallback_team.email not in html and coordinator_iii.email not in html


def test_vacant_district_says_why_the_central_team_reads_it(client, essen, fallback_team):
    html, body = _page_and_mail(client, essen, "Rüttenscheid")
    for text in (html, body):
        assert "keine eigene Integrationskoordination" in text
        assert "zentrale Integrationskoordination der Stadt Essen" in text
