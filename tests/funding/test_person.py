"""Access and erasure on request (DSGVO Art. 15 and 17) for funding consultations: only in the handler's scope,
the address never in a URL, the export complete and audited, the erasure keeping the idea."""

import json

import pytest

from quartier.core.models import AuditEntry
from quartier.funding.models import FundingConsultation

from .conftest import file_request

URL = "/de/arbeitsbereich/foerderberatung/auskunft-und-loeschung/"
H = {"HTTP_HOST": "127.0.0.1"}


@pytest.fixture
def two(essen):
    mine = file_request(
        essen, places=("Altendorf",), contact_email="person-demo@example.org", contact_name="P. Demo"
    )
    other = file_request(
        essen, places=("Kettwig",), contact_email="person-demo@example.org", title="Andere Idee"
    )
    return mine[0], other[0]


def test_find_and_export_only_in_scope(client, essen, coordinator_iii, two):
    mine, other = two
    client.force_login(coordinator_iii)
    page = client.post(URL, {"action": "find", "email": "PERSON-demo@example.org"}, **H).content.decode()
    assert f"/foerderberatung/{mine.pk}/" in page and f"/foerderberatung/{other.pk}/" not in page
    response = client.post(URL, {"action": "export", "email": "person-demo@example.org"}, **H)
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert [c["id"] for c in data["funding_consultations"]] == [mine.pk]
    exported = data["funding_consultations"][0]
    assert exported["contact_name"] == "P. Demo" and exported["steps"][0]["status"] == "requested"
    assert AuditEntry.objects.filter(action="funding.exported", target_id=str(mine.pk)).exists()


def test_erase_needs_confirmation_and_keeps_the_idea(client, essen, coordinator_iii, two):
    mine, other = two
    client.force_login(coordinator_iii)
    asked = client.post(URL, {"action": "erase", "email": "person-demo@example.org"}, **H)
    assert asked.status_code == 200 and "endgültig löschen" in asked.content.decode()
    assert FundingConsultation.objects.get(pk=mine.pk).contact_email == "person-demo@example.org"
    done = client.post(URL, {"action": "erase", "email": "person-demo@example.org", "confirm": "yes"}, **H)
    assert done.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.contact_email == "" and mine.contact_name == "" and mine.title == "Sprachcafé für Frauen"
    assert other.contact_email == "person-demo@example.org"  # not in III's scope


@pytest.mark.parametrize(
    "data",
    [
        {"action": "find", "email": "keine-adresse"},
        {"action": "drop", "email": "a@example.org"},
        {"action": "find", "email": "a\x00@example.org"},
        {"action": "find", "email": "x" * 300 + "@example.org"},
    ],
)
def test_bad_input_is_a_400(client, essen, coordinator_iii, two, data):
    client.force_login(coordinator_iii)
    assert client.post(URL, data, **H).status_code == 400
    assert FundingConsultation.objects.exclude(contact_email="").count() == 2


def test_who_may_use_it(client, essen, two):
    from quartier.accounts.models import Role
    from tests.conftest import make_user

    assert client.get(URL, **H).status_code == 302
    client.force_login(
        make_user("steuerung-demo@example.org", roles=[(Role.CENTRAL_STEERING, None)], city=essen)
    )
    assert client.get(URL, **H).status_code == 403
