"""Access matrix for the POST actions of funding advice: the workflow steps on a consultation's page (proposing
times, advice, withdrawal, assignment) and the erasure of a person's contact data, for every role, with the exact
status; a refused POST changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.core.models import AuditEntry
from quartier.funding.models import ConsultationSlot, ConsultationStep, FundingConsultation
from tests.funding.test_workspace_pages import make

from .roles import HANDLES_III, HANDLES_OTHERS, ROLES, expect_login, people  # noqa: F401  (fixture)

H = {"HTTP_HOST": "127.0.0.1"}
PERSON = "/de/arbeitsbereich/foerderberatung/auskunft-und-loeschung/"


def detail(pk):
    return f"/de/arbeitsbereich/foerderberatung/{pk}/"


def page_actions(c, assignee):
    day = (timezone.localdate() + timedelta(days=7)).strftime("%d.%m.%Y")
    return {
        "propose": {
            "action": "propose",
            "propose-version": c.version,
            "propose-date_0": day,
            "propose-start_0": "10:00",
            "propose-end_0": "11:00",
            "propose-place_0": "Stadtteilbüro",
        },
        "advise": {
            "action": "advise",
            "advise-version": c.version,
            "advise-advice_notes": "Telefonisch beraten.",
        },
        "withdraw": {"action": "withdraw", "withdraw-version": c.version},
        "assign": {"action": "assign", "assign-version": c.version, "assign-assigned_to": assignee.pk},
    }


def state():
    """Everything a POST of these pages could change."""
    return (
        list(FundingConsultation.objects.order_by("pk").values()),
        list(FundingConsultation.recommended_programmes.through.objects.values_list("pk", flat=True)),
        ConsultationStep.objects.count(),
        list(ConsultationSlot.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def act(client, people, role, url, data):  # noqa: F811  (the people fixture)
    if role != "anonymous":
        client.force_login(people[role])
    before = state()
    response = client.post(url, data, **H)
    return response, before != state()


@pytest.mark.parametrize("action", ["propose", "advise", "withdraw", "assign"])
@pytest.mark.parametrize("role", list(ROLES))
def test_consultation_page_actions(client, essen, people, role, action):  # noqa: F811
    consultation = make(essen)  # Altendorf, Stadtbezirk III
    data = page_actions(consultation, people["coordinator_own_district"])[action]
    response, changed = act(client, people, role, detail(consultation.pk), data)
    if role == "anonymous":
        expect_login(response)
    elif role in HANDLES_III:
        assert response.status_code == 302, response.content[:500]
        assert response["Location"] == detail(consultation.pk)
    elif role in HANDLES_OTHERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert changed == (role in HANDLES_III)


@pytest.mark.parametrize("role", list(ROLES))
def test_erasing_a_persons_contact_data(client, essen, people, role):  # noqa: F811
    consultation = make(essen)
    data = {"action": "erase", "confirm": "yes", "email": "x-demo@example.org"}
    response, changed = act(client, people, role, PERSON, data)
    if role == "anonymous":
        expect_login(response)
    elif role in HANDLES_III | HANDLES_OTHERS:
        assert response.status_code == 302 and response["Location"] == PERSON
    else:
        assert response.status_code == 403
    # Handlers of other districts find nothing of Stadtbezirk III to erase.
    assert changed == (role in HANDLES_III)
    consultation.refresh_from_db()
    assert (consultation.contact_email == "") == (role in HANDLES_III)
