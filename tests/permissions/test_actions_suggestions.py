"""Access matrix for the POST actions of suggestions: every workflow step on the inbox page (status changes,
forwarding, the public answer, assignment, notes), the erasure of a person's contact data and the notification
settings, for every role, with the exact status; a refused POST changes nothing."""

import pytest

from quartier.accounts.models import User
from quartier.core.models import AuditEntry
from quartier.suggestions.models import Suggestion, SuggestionNote, SuggestionStep
from tests.suggestions.conftest import submit

from .roles import HANDLES_III, HANDLES_OTHERS, ROLES, expect_login, people  # noqa: F401  (fixture)

H = {"HTTP_HOST": "127.0.0.1"}
PERSON = "/de/arbeitsbereich/vorschlaege/auskunft-und-loeschung/"
NOTIFICATIONS = "/de/arbeitsbereich/benachrichtigungen/"


def detail(pk):
    return f"/de/arbeitsbereich/vorschlaege/{pk}/"


def page_actions(s, assignee):
    return {
        "progress": {"action": "progress", "progress-version": s.version, "progress-message": "Wir prüfen."},
        "forward": {
            "action": "forward",
            "forward-version": s.version,
            "forward-forwarded_to": "Grünflächenamt (Demo)",
            "forward-forwarded_email": "amt-demo@example.org",
            "forward-message": "",
        },
        "close": {
            "action": "close",
            "close-version": s.version,
            "close-outcome": "implemented",
            "close-public_answer": "Das Sprachcafé gibt es jetzt samstags.",
        },
        "assign": {"action": "assign", "assign-version": s.version, "assign-assigned_to": assignee.pk},
        "note": {"action": "note", "note-text": "Intern: Raum angefragt."},
    }


def state():
    """Everything a POST of these pages could change."""
    return (
        list(Suggestion.objects.order_by("pk").values()),
        SuggestionStep.objects.count(),
        SuggestionNote.objects.count(),
        list(User.objects.order_by("pk").values_list("pk", "work_mail")),
        AuditEntry.objects.count(),
    )


def act(client, people, role, url, data):  # noqa: F811
    if role != "anonymous":
        client.force_login(people[role])
    before = state()
    response = client.post(url, data, **H)
    return response, before != state()


@pytest.mark.parametrize("action", ["progress", "forward", "close", "assign", "note"])
@pytest.mark.parametrize("role", list(ROLES))
def test_inbox_page_actions(client, essen, people, role, action):  # noqa: F811
    suggestion, _token, _ = submit(essen)  # Altendorf, Stadtbezirk III
    data = page_actions(suggestion, people["coordinator_own_district"])[action]
    response, changed = act(client, people, role, detail(suggestion.pk), data)
    if role == "anonymous":
        expect_login(response)
    elif role in HANDLES_III:
        assert response.status_code == 302, response.content[:500]
        assert response["Location"] == detail(suggestion.pk)
    elif role in HANDLES_OTHERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert changed == (role in HANDLES_III)


@pytest.mark.parametrize("role", list(ROLES))
def test_erasing_a_persons_contact_data(client, essen, people, role):  # noqa: F811
    suggestion, _token, _ = submit(essen)
    data = {"action": "erase", "confirm": "yes", "email": "person-demo@example.org"}
    response, changed = act(client, people, role, PERSON, data)
    if role == "anonymous":
        expect_login(response)
    elif role in HANDLES_III | HANDLES_OTHERS:
        assert response.status_code == 302 and response["Location"] == PERSON
    else:
        assert response.status_code == 403
    # Handlers of other districts find nothing of Stadtbezirk III to erase.
    assert changed == (role in HANDLES_III)
    suggestion.refresh_from_db()
    assert (suggestion.email == "") == (role in HANDLES_III)


@pytest.mark.parametrize("role", list(ROLES))
def test_notification_settings_are_each_persons_own(client, essen, people, role):  # noqa: F811
    response, changed = act(client, people, role, NOTIFICATIONS, {"work_mail": User.WorkMail.DAILY})
    if role == "anonymous":
        expect_login(response)
        assert not changed
        return
    assert response.status_code == 302 and response["Location"] == NOTIFICATIONS
    assert set(User.objects.filter(work_mail=User.WorkMail.DAILY)) == {people[role]}
