"""The access matrix of the events' POST actions: every action × every role, with the exact answer, and a refused
POST changes nothing in the database.

The event belongs to an organisation of Stadtbezirk III and takes place in Altendorf (III); Stadtbezirk III has a
coordinator, so the fallback team does not work on it. "organiser" is a member of that organisation, "other_member"
of another one; "no_role" is logged in without any role in the city.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.core.models import AuditEntry, OutboxMessage
from quartier.core.tokens import new_token
from quartier.events import services
from quartier.events.models import Event, EventOccurrence, EventStep, Registration, RegistrationMessage
from quartier.events.occurrences import date_key, occurrence_key
from quartier.organisations.models import Organisation
from quartier.places.models import District
from tests.conftest import make_user
from tests.events.conftest import draft
from tests.events.test_workspace_events import event_data
from tests.permissions.roles import STAFF_ROLES, make_actor

H = {"HTTP_HOST": "127.0.0.1"}
S = Event.Status
ROLES = ["anonymous", "no_role", "organiser", "other_member", *STAFF_ROLES]
# Everyone with a workspace role; "no_role" is refused the workspace (403), the anonymous visitor is sent to log in.
WORKSPACE = [r for r in ROLES if r not in {"anonymous", "no_role"}]
# Who reviews an event of Stadtbezirk III: its coordinators, the city and the platform administrators.
REVIEWERS = ["coordinator_own_district", "city_admin", "platform_admin"]
# Who sees the event in the workspace: its organisers and its reviewers (the fallback team works on districts
# without a coordinator only, so for this event it is like any other staff member).
SEES = ["organiser", *REVIEWERS]


def answers(ok: dict[str, int], *, seen_but_refused: int = 403, unseen: int = 404) -> dict[str, int]:
    """The answer per role: `ok` for the roles named there, 302 (login) for the anonymous visitor, 403 for a user
    without a workspace role; of the others, those who see the event get `seen_but_refused`, the rest `unseen`."""
    expected = {}
    for role in ROLES:
        if role in ok:
            expected[role] = ok[role]
        elif role == "anonymous":
            expected[role] = 302
        elif role == "no_role":
            expected[role] = 403
        elif role in SEES:
            expected[role] = seen_but_refused
        else:
            expected[role] = unseen
    return expected


@pytest.fixture
def world(essen):
    organisation = Organisation.objects.create(
        city=essen, name="Demo-Verein Aktionen", slug="demo-verein-aktionen", kind="association", is_demo=True
    )
    organisation.districts.set([District.objects.get(city=essen, number="III")])
    other = Organisation.objects.create(
        city=essen, name="Anderer Demo-Verein", slug="anderer-demo-verein", kind="association", is_demo=True
    )
    organiser = make_user(
        "organiser-actions@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen
    )
    organisation.members.create(user=organiser)
    reviewer = make_user("reviewer-actions@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    return {
        "essen": essen,
        "organisation": organisation,
        "other": other,
        "organiser": organiser,
        "reviewer": reviewer,
    }


def user_for(role: str, world):
    essen = world["essen"]
    if role == "organiser":
        return world["organiser"]
    if role == "other_member":
        user = make_user(
            "other-member-actions@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen
        )
        world["other"].members.create(user=user)
        return user
    return make_actor(role, essen, tag="actions")


def _draft(world, **fields) -> Event:
    return draft(world["organiser"], world["organisation"], **fields)


def _submitted(world, **fields) -> Event:
    return services.event_transition(
        actor=world["organiser"], event=_draft(world, **fields), to_status=S.SUBMITTED
    )


def _published(world, **fields) -> Event:
    return services.event_transition(
        actor=world["reviewer"], event=_submitted(world, **fields), to_status=S.PUBLISHED
    )


def _registrable(world, start) -> tuple[Event, Registration, str]:
    """A published event with limited places at `start`, and one confirmed registration (with its token)."""
    event = _published(
        world, registration="limited", capacity=10, start=start, end=start + timedelta(hours=2)
    )
    token, token_hash = new_token()
    registration = Registration.objects.create(
        event=event,
        occurrence_start=start,
        name="Demo Person",
        email="person-actions-demo@example.org",
        people=1,
        status=Registration.Status.CONFIRMED,
        language="de",
        cancel_token_hash=token_hash,
        delete_after=start + timedelta(days=31),
    )
    return event, registration, token


def _later():
    return (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)


def _editor(world, **overrides):
    return event_data(world["essen"], **overrides)


def _workspace(event, rest=""):
    return f"/de/arbeitsbereich/veranstaltungen/{event.pk}/{rest}"


def create(world):
    return f"/de/arbeitsbereich/veranstaltungen/neu/{world['organisation'].pk}/", _editor(world)


def edit_draft(world):
    return _workspace(_draft(world)), _editor(world, action="save", title="Neuer Titel (Demo)")


def submit(world):
    return _workspace(_draft(world)), {"action": "submit", "message": ""}


def publish(world):
    return _workspace(_submitted(world)), {"action": "publish", "message": ""}


def return_(world):
    return _workspace(_submitted(world)), {"action": "return", "message": "Bitte den Ort ergänzen."}


def reject(world):
    return _workspace(_submitted(world)), {"action": "reject", "message": "Passt nicht."}


def cancel_event(world):
    return _workspace(_published(world)), {"action": "cancel", "message": "Raum fehlt."}


def edit_published(world):
    # A change of the title alone is published at once (workflow.PUBLISH_AT_ONCE).
    event = _published(world)
    start = event.start.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%dT%H:%M")
    end = event.end.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%dT%H:%M")
    data = _editor(
        world,
        action="save",
        title="Geänderter Titel (Demo)",
        description=event.description,
        type=event.type,
        start=start,
        end=end,
        venue_name=event.venue_name,
        neighbourhood=event.neighbourhood_id,
        languages=event.languages,
        target_groups=event.target_groups,
    )
    return _workspace(event), data


def register(world):
    event = _published(
        world, registration="limited", capacity=10, start=_later(), end=_later() + timedelta(hours=2)
    )
    data = {
        "termin": occurrence_key(event.start),
        "name": "Neue Person",
        "email": "neu-actions-demo@example.org",
    }
    return f"/de/veranstaltungen/{event.pk}/anmelden/", {**data, "people": "1", "consent": "on"}


def cancel_registration(world):
    _event, _registration, token = _registrable(world, _later())
    return f"/de/anmeldung/{token}/", {}


def cancel_registration_wrong_token(world):
    _registrable(world, _later())
    return "/de/anmeldung/falsches-token-0123456789abcdef/", {}


def attendance(world):
    start = (timezone.now() - timedelta(minutes=30)).replace(second=0, microsecond=0)
    event, registration, _token = _registrable(world, start)
    url = _workspace(event, f"anmeldungen/{date_key(start)}/anwesenheit/")
    return url, {"registration": registration.pk, "attended": "yes"}


def message(world):
    start = _later()
    event, _registration, _token = _registrable(world, start)
    url = _workspace(event, f"anmeldungen/{date_key(start)}/nachricht/")
    return url, {"subject": "Raumänderung", "body": "Wir treffen uns im Nebenraum."}


def csv_export(world):
    start = _later()
    event, _registration, _token = _registrable(world, start)
    return _workspace(event, f"anmeldungen/{date_key(start)}/anmeldungen.csv"), {}


ACTIONS = {
    # Only members of the organisation create its events; the organisation is nobody else's to choose (404).
    "create": (create, answers({"organiser": 302}, seen_but_refused=404)),
    "edit a draft": (edit_draft, answers({"organiser": 302})),
    "submit": (submit, answers({"organiser": 302})),
    "publish": (publish, answers(dict.fromkeys(REVIEWERS, 302))),
    "return": (return_, answers(dict.fromkeys(REVIEWERS, 302))),
    "reject": (reject, answers(dict.fromkeys(REVIEWERS, 302))),
    # Organisers and reviewers both may cancel a published event.
    "cancel the event": (cancel_event, answers(dict.fromkeys(["organiser", *REVIEWERS], 302))),
    "edit a published event": (edit_published, answers({"organiser": 302})),
    # Public: anyone may register, logged in or not; the page answers itself (no redirect).
    "register": (register, dict.fromkeys(ROLES, 200)),
    # The secret link is the permission: whoever holds it cancels, a wrong one is 404 for everyone.
    "cancel a registration": (cancel_registration, dict.fromkeys(ROLES, 200)),
    "cancel a registration, wrong link": (cancel_registration_wrong_token, dict.fromkeys(ROLES, 404)),
    # Registrations are personal data: their organisers and reviewers only; everyone else 404 (not even confirmed).
    "mark attendance": (
        attendance,
        answers(dict.fromkeys(["organiser", *REVIEWERS], 302), seen_but_refused=404),
    ),
    "message those registered": (
        message,
        answers(dict.fromkeys(["organiser", *REVIEWERS], 302), seen_but_refused=404),
    ),
    # The export is a download (GET): a POST is 405 for everyone, before any login.
    "csv export": (csv_export, dict.fromkeys(ROLES, 405)),
}


def snapshot() -> tuple:
    """Everything an events action writes: events, their steps and occurrences, registrations and messages, the
    outbox, the audit log and the mail sent."""
    return (
        sorted(
            Event.objects.values_list(
                "pk", "status", "title", "updated_at", "revision_of_id", "cancel_reason"
            )
        ),
        sorted(EventStep.objects.values_list("pk", "event_id", "to_status")),
        sorted(EventOccurrence.objects.values_list("event_id", "start")),
        sorted(Registration.objects.values_list("pk", "status", "attended", "people")),
        RegistrationMessage.objects.count(),
        OutboxMessage.objects.count(),
        AuditEntry.objects.count(),
        len(mail.outbox),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_events_post_actions(client, world, action, role):
    prepare, expected = ACTIONS[action]
    url, data = prepare(world)
    user = user_for(role, world)
    if user is not None:
        client.force_login(user)
    mail.outbox.clear()
    before = snapshot()
    response = client.post(url, data, **H)
    assert response.status_code == expected[role], f"POST {action} as {role}"
    refused = expected[role] >= 400 or (role == "anonymous" and expected[role] == 302)
    if refused:
        assert snapshot() == before, f"the refused POST {action} as {role} changed something"
    else:
        assert snapshot() != before, f"the POST {action} as {role} changed nothing"
