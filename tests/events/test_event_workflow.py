"""The event workflow: organisers draft and submit, the district's reviewers publish, return or reject."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from quartier.accounts.models import Role
from quartier.core.models import AuditEntry
from quartier.events import services
from quartier.events.models import Event, EventStep
from quartier.places.models import Neighbourhood
from tests.conftest import make_user
from tests.events.conftest import draft

BERLIN = ZoneInfo("Europe/Berlin")
S = Event.Status


def test_submit_then_publish_by_the_districts_coordinator(essen, organiser, organisation, coordinator_iii):
    event = draft(organiser, organisation)
    event = services.event_transition(actor=organiser, event=event, to_status=S.SUBMITTED)
    assert mail.outbox[-1].bcc == [coordinator_iii.email]
    event = services.event_transition(actor=coordinator_iii, event=event, to_status=S.PUBLISHED)
    assert event.status == S.PUBLISHED and event.published_at
    assert mail.outbox[-1].bcc == [organiser.email]
    assert [(s.from_status, s.to_status) for s in EventStep.objects.filter(event=event)] == [
        ("draft", "submitted"),
        ("submitted", "published"),
    ]
    assert AuditEntry.objects.filter(target_id=str(event.pk), action="event.published").exists()


def test_organiser_cannot_publish(essen, organiser, organisation, coordinator_iii):
    event = services.event_transition(
        actor=organiser, event=draft(organiser, organisation), to_status=S.SUBMITTED
    )
    with pytest.raises(PermissionDenied):
        services.event_transition(actor=organiser, event=event, to_status=S.PUBLISHED)
    assert Event.objects.get(pk=event.pk).status == S.SUBMITTED


def test_coordinator_of_another_district_cannot_review(
    essen, organiser, organisation, coordinator_iii, coordinator_iv
):
    event = services.event_transition(
        actor=organiser, event=draft(organiser, organisation), to_status=S.SUBMITTED
    )
    for to_status in (S.PUBLISHED, S.RETURNED, S.REJECTED):
        with pytest.raises(PermissionDenied):
            services.event_transition(actor=coordinator_iv, event=event, to_status=to_status, message="nein")
    assert Event.objects.get(pk=event.pk).status == S.SUBMITTED


def test_online_events_are_reviewed_by_the_fallback_team(essen, organiser, organisation, coordinator_iii):
    team = make_user("zentrale-e@example.org", roles=[(Role.FALLBACK, None)], city=essen)
    event = draft(
        organiser,
        organisation,
        neighbourhood=None,
        online=True,
        online_url="https://example.org/raum",
        venue_name="",
    )
    event = services.event_transition(actor=organiser, event=event, to_status=S.SUBMITTED)
    assert mail.outbox[-1].bcc == [team.email]
    with pytest.raises(PermissionDenied):
        services.event_transition(actor=coordinator_iii, event=event, to_status=S.PUBLISHED)
    assert services.event_transition(actor=team, event=event, to_status=S.PUBLISHED).status == S.PUBLISHED


def test_vacant_district_goes_to_the_fallback_team(essen, organiser, organisation):
    team = make_user("zentrale-v@example.org", roles=[(Role.FALLBACK, None)], city=essen)
    event = draft(
        organiser, organisation, neighbourhood=Neighbourhood.objects.get(city=essen, name="Kettwig")
    )
    services.event_transition(actor=organiser, event=event, to_status=S.SUBMITTED)
    assert services.event_transition(actor=team, event=event, to_status=S.PUBLISHED).status == S.PUBLISHED


def test_return_with_a_message_then_edit_and_resubmit(essen, organiser, organisation, coordinator_iii):
    event = services.event_transition(
        actor=organiser, event=draft(organiser, organisation), to_status=S.SUBMITTED
    )
    with pytest.raises(ValidationError):
        services.event_transition(actor=coordinator_iii, event=event, to_status=S.RETURNED, message="  ")
    event = services.event_transition(
        actor=coordinator_iii, event=event, to_status=S.RETURNED, message="Bitte die Uhrzeit prüfen."
    )
    assert "Bitte die Uhrzeit prüfen." in mail.outbox[-1].body
    event = services.event_update(actor=organiser, event=event, title="Tag der offenen Tür, 16 Uhr (Demo)")
    assert (
        services.event_transition(actor=organiser, event=event, to_status=S.SUBMITTED).status == S.SUBMITTED
    )


def test_published_event_cancelled_stays_with_its_reason(essen, organiser, organisation, coordinator_iii):
    event = services.event_transition(
        actor=organiser, event=draft(organiser, organisation), to_status=S.SUBMITTED
    )
    event = services.event_transition(actor=coordinator_iii, event=event, to_status=S.PUBLISHED)
    with pytest.raises(ValidationError):
        services.event_update(actor=organiser, event=event, title="still geändert")
    with pytest.raises(ValidationError):
        services.event_transition(actor=organiser, event=event, to_status=S.CANCELLED)
    event = services.event_transition(
        actor=organiser, event=event, to_status=S.CANCELLED, message="Krankheit"
    )
    assert event.status == S.CANCELLED and event.cancel_reason == "Krankheit"
    assert set(mail.outbox[-1].bcc) == {organiser.email, coordinator_iii.email}


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(S.DRAFT, S.PUBLISHED), (S.REJECTED, S.SUBMITTED), (S.CANCELLED, S.PUBLISHED), (S.DRAFT, S.CANCELLED)],
)
def test_steps_the_workflow_does_not_have(
    essen, organiser, organisation, coordinator_iii, from_status, to_status
):
    event = draft(organiser, organisation)
    Event.objects.filter(pk=event.pk).update(status=from_status)
    event.refresh_from_db()
    with pytest.raises(ValidationError):
        services.event_transition(actor=coordinator_iii, event=event, to_status=to_status, message="x")
    assert Event.objects.get(pk=event.pk).status == from_status


def test_only_members_create_drafts(essen, organisation, coordinator_iii):
    with pytest.raises(PermissionDenied):
        draft(coordinator_iii, organisation)
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"type": "party"},
        {"end": datetime(2027, 9, 4, 14, 0, tzinfo=BERLIN)},
        {"registration": "limited", "capacity": None},
        {"recurrence": "weekly"},
        {"neighbourhood": None, "venue_name": ""},
        {"latitude": 51.4},
        {"exceptions": ["not-a-date-at-all"]},
    ],
)
def test_invalid_drafts_store_nothing(essen, organiser, organisation, overrides):
    with pytest.raises(ValidationError):
        draft(organiser, organisation, **overrides)
    assert not Event.objects.exists()


def test_cancelling_tells_the_registered_people(essen, organiser, organisation, coordinator_iii):
    from django.utils import timezone

    from quartier.events.models import Registration

    start = timezone.now() + timedelta(days=5)
    event = draft(
        organiser, organisation, start=start, end=start + timedelta(hours=2), registration="required"
    )
    event = services.event_transition(actor=organiser, event=event, to_status=S.SUBMITTED)
    event = services.event_transition(actor=coordinator_iii, event=event, to_status=S.PUBLISHED)
    for i, status in enumerate(
        [Registration.Status.CONFIRMED, Registration.Status.WAITING, Registration.Status.CANCELLED]
    ):
        Registration.objects.create(
            event=event,
            occurrence_start=start,
            name=f"Demo {i}",
            email=f"gast{i}@example.org",
            people=1,
            status=status,
            cancel_token_hash=f"{i:064d}",
            delete_after=start + timedelta(days=30),
        )
    mail.outbox.clear()
    services.event_transition(actor=organiser, event=event, to_status=S.CANCELLED, message="Unwetterwarnung")
    told = [m for m in mail.outbox if "gast0@example.org" in m.bcc]
    assert told and "Unwetterwarnung" in told[0].body
    assert "gast1@example.org" in told[0].bcc and "gast2@example.org" not in told[0].bcc


def test_cancelling_writes_to_each_registrant_in_their_language(
    essen, organiser, organisation, coordinator_iii
):
    from django.utils import timezone

    from quartier.events.models import Registration

    start = timezone.now() + timedelta(days=5)
    event = draft(
        organiser, organisation, start=start, end=start + timedelta(hours=2), registration="required"
    )
    event = services.event_transition(actor=organiser, event=event, to_status=S.SUBMITTED)
    event = services.event_transition(actor=coordinator_iii, event=event, to_status=S.PUBLISHED)
    for i, language in enumerate(["de", "en", "ar", "en"]):
        Registration.objects.create(
            event=event,
            occurrence_start=start,
            name=f"Demo {i}",
            email=f"gast{i}@example.org",
            people=1,
            status=Registration.Status.CONFIRMED,
            language=language,
            cancel_token_hash=f"{i:064d}",
            delete_after=start + timedelta(days=30),
        )
    mail.outbox.clear()
    services.event_transition(actor=organiser, event=event, to_status=S.CANCELLED, message="Unwetterwarnung")
    subjects = {tuple(m.bcc): m.subject for m in mail.outbox if any(a.startswith("gast") for a in m.bcc)}
    assert set(subjects) == {
        ("gast0@example.org",),
        ("gast1@example.org", "gast3@example.org"),
        ("gast2@example.org",),
    }
    assert "abgesagt" in subjects[("gast0@example.org",)]
    assert "cancelled" in subjects[("gast1@example.org", "gast3@example.org")]
    assert "ملغاة" in subjects[("gast2@example.org",)]
