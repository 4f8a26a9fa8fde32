"""Funding consultation services: routing (a vacant district goes to the fallback team), the whole workflow with
a step row (date and person) each, the transitions nobody may take, scope, optimistic locking, validation that
stores nothing, mails, and the retention rule."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quartier.core.models import AuditEntry
from quartier.funding import selectors, services, workflow
from quartier.funding.models import FundingConsultation
from tests.offers.conftest import make_offer

from .conftest import file_request

S = FundingConsultation.Status


@pytest.fixture
def organisation(essen):
    from quartier.organisations.models import Organisation

    return Organisation.objects.create(
        city=essen, name="Frauenverein Demo e. V.", slug="frauenverein-demo", kind="association"
    )


def soon(days=3, hours=10):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    return start.replace(hour=hours), start.replace(hour=hours + 1)


def test_routing_to_the_district_and_the_fallback_team(essen, coordinator_iii, fallback_team):
    in_iii, _ = file_request(essen, places=("Altendorf",))
    from quartier.places.models import Neighbourhood

    ruettenscheid, altendorf = (
        Neighbourhood.objects.get(city=essen, name=n) for n in ("Rüttenscheid", "Altendorf")
    )
    in_ii, _ = file_request(essen, neighbourhoods=[ruettenscheid, altendorf])  # the first decides: II, vacant
    assert in_iii.district.number == "III" and in_ii.district.number == "II"
    assert set(selectors.inbox(coordinator_iii, essen)) == {in_iii, in_ii}  # in_ii touches III too
    assert set(selectors.inbox(fallback_team, essen)) == {in_ii}
    staff_mails = [m for m in mail.outbox if m.bcc]
    assert [m.bcc for m in staff_mails] == [[coordinator_iii.email], [fallback_team.email]]
    requester = [m for m in mail.outbox if m.to == ["antrag-demo@example.org"]]
    assert len(requester) == 2 and "https://example.org/status/" in requester[0].body


def test_the_whole_way_with_a_step_each(essen, coordinator_iii, programme, organisation):
    consultation, _ = file_request(essen)
    start, end = soon()
    c = services.consultation_slots_propose(
        actor=coordinator_iii,
        consultation=consultation,
        slots=[(start, end, "Bezirksstelle III")],
        expected_version=1,
    )
    slot = c.slots.get()
    c = services.consultation_slot_choose(consultation=c, slot_id=slot.pk)  # by the requester's link
    c = services.consultation_advise(
        actor=coordinator_iii,
        consultation=c,
        notes="Quartiersfonds passt.",
        recommended=[programme],
        expected_version=3,
    )
    c = services.consultation_mark_applied(
        actor=coordinator_iii, consultation=c, programme=programme, expected_version=4
    )
    c = services.consultation_decide(
        actor=coordinator_iii,
        consultation=c,
        approved=True,
        programme=None,
        amount="4500,00",
        expected_version=5,
    )
    offer = make_offer(essen, organisation, "Sprachcafé für Frauen")
    c = services.consultation_project_start(
        actor=coordinator_iii, consultation=c, offers=[offer], events=[], expected_version=6
    )
    assert c.status == S.RUNNING and str(c.result_amount) == "4500.00" and c.result_programme == programme
    assert list(c.offers.all()) == [offer] and c.closed_at is not None
    steps = list(c.steps.values_list("to_status", "actor_id"))
    assert steps == [
        (S.REQUESTED, None),
        (S.SLOTS_PROPOSED, coordinator_iii.pk),
        (S.APPOINTMENT_CONFIRMED, None),
        (S.ADVISED, coordinator_iii.pk),
        (S.APPLIED, coordinator_iii.pk),
        (S.APPROVED, coordinator_iii.pk),
        (S.RUNNING, coordinator_iii.pk),
    ]
    assert all(s.created_at for s in c.steps.all())
    assert AuditEntry.objects.filter(
        target_type="funding.fundingconsultation", action="funding.approved"
    ).exists()


def test_transitions_nobody_may_take(essen, coordinator_iii, programme):
    consultation, _ = file_request(essen)
    with pytest.raises(ValidationError):
        services.consultation_decide(
            actor=coordinator_iii,
            consultation=consultation,
            approved=True,
            programme=programme,
            amount=1,
            expected_version=1,
        )
    with pytest.raises(ValidationError):  # the requester cannot advise themselves
        services.consultation_slot_choose(consultation=consultation, slot_id=1)
    assert workflow.next_statuses(S.REQUESTED, workflow.REQUESTER) == [S.WITHDRAWN]
    withdrawn = services.consultation_withdraw(consultation=consultation)
    assert withdrawn.status == S.WITHDRAWN and withdrawn.closed_at
    with pytest.raises(ValidationError):
        services.consultation_withdraw(consultation=withdrawn)


def test_scope_and_stale_versions(essen, coordinator_iii, coordinator_iv):
    consultation, _ = file_request(essen)
    start, end = soon()
    with pytest.raises(PermissionDenied):
        services.consultation_slots_propose(
            actor=coordinator_iv, consultation=consultation, slots=[(start, end, "")], expected_version=1
        )
    services.consultation_slots_propose(
        actor=coordinator_iii, consultation=consultation, slots=[(start, end, "")], expected_version=1
    )
    with pytest.raises(services.Conflict) as conflict:
        services.consultation_slots_propose(
            actor=coordinator_iii, consultation=consultation, slots=[(start, end, "")], expected_version=1
        )
    assert conflict.value.current.version == 2
    assert consultation.slots.count() == 1


@pytest.mark.parametrize(
    ("slots", "field"),
    [
        ([], "slots"),
        ([soon()] * 7, "slots"),
        ([(soon()[1], soon()[0])], "slots"),
        ([(timezone.now() - timedelta(days=1), timezone.now() - timedelta(hours=23))], "slots"),
        ([(soon()[0], soon()[0] + timedelta(hours=9))], "slots"),
    ],
)
def test_bad_slots_change_nothing(essen, coordinator_iii, slots, field):
    consultation, _ = file_request(essen)
    with pytest.raises(ValidationError) as error:
        services.consultation_slots_propose(
            actor=coordinator_iii,
            consultation=consultation,
            slots=[(s, e, "") for s, e in slots],
            expected_version=1,
        )
    assert field in error.value.message_dict
    consultation.refresh_from_db()
    assert (
        consultation.status == S.REQUESTED and consultation.version == 1 and not consultation.slots.exists()
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "x"}, "title"),
        ({"description": "zu kurz"}, "description"),
        ({"neighbourhoods": []}, "neighbourhoods"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"contact_email": "", "contact_phone": ""}, "contact_email"),
        ({"contact_email": "keine-adresse"}, "contact_email"),
        ({"budget": "viel"}, "budget"),
        ({"budget": "-5"}, "budget"),
        ({"budget": "1e30"}, "budget"),
        ({"budget": "NaN"}, "budget"),
        ({"consent": False}, "consent"),
        ({"description": "x" * 10_001}, "description"),
    ],
)
def test_invalid_requests_store_nothing(essen, changes, field):
    with pytest.raises(ValidationError) as error:
        file_request(essen, **changes)
    assert field in error.value.message_dict
    assert not FundingConsultation.objects.exists() and not mail.outbox


def test_end_before_start(essen):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        file_request(essen, period_start=today, period_end=today - timedelta(days=1))
    assert "period_end" in error.value.message_dict


def test_the_same_submission_key_files_once(essen):
    from quartier.funding.models import FundingConsultation as F
    from quartier.places.models import Neighbourhood

    request = services.Request(
        title="Elterncafé",
        description="Ein Elterncafé an der Grundschule mit Kaffee und Austausch.",
        neighbourhoods=list(Neighbourhood.objects.filter(city=essen, name="Altendorf")),
        contact_phone="0201 000000",
        consent=True,
    )
    first = services.consultation_submit(city=essen, request=request, submission_key="k", status_url_for=str)
    again = services.consultation_submit(city=essen, request=request, submission_key="k", status_url_for=str)
    assert first[0] == again[0] and first[1] == again[1] and again[2] is False and F.objects.count() == 1


def test_retention_removes_contact_data_and_keeps_the_idea(essen):
    ended, _ = file_request(essen)
    services.consultation_withdraw(consultation=ended)
    FundingConsultation.objects.filter(pk=ended.pk).update(closed_at=timezone.now() - timedelta(days=200))
    idle, _ = file_request(essen, title="Nähcafé")
    FundingConsultation.objects.filter(pk=idle.pk).update(
        last_activity_at=timezone.now() - timedelta(days=800)
    )
    fresh, _ = file_request(essen, title="Jugendtreff")
    assert services.consultations_personal_data_purge() == 2
    ended.refresh_from_db()
    fresh.refresh_from_db()
    assert (
        ended.contact_email == ""
        and ended.personal_data_removed_at
        and ended.title == "Sprachcafé für Frauen"
    )
    assert fresh.contact_email == "antrag-demo@example.org"
    assert services.consultations_personal_data_purge() == 0


def test_a_time_that_has_passed_cannot_be_chosen(essen, coordinator_iii):
    from quartier.funding.models import ConsultationSlot

    consultation, _ = file_request(essen)
    start, end = soon()
    c = services.consultation_slots_propose(
        actor=coordinator_iii, consultation=consultation, slots=[(start, end, "")], expected_version=1
    )
    slot = c.slots.get()
    ConsultationSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.consultation_slot_choose(consultation=c, slot_id=slot.pk)
    c.refresh_from_db()
    assert c.status == S.SLOTS_PROPOSED


def test_an_inactive_programme_cannot_be_chosen(essen, programme):
    programme.is_active = False
    programme.save()
    with pytest.raises(ValidationError) as error:
        file_request(essen, programmes=[programme])
    assert "programmes" in error.value.message_dict


def test_reasons_quote_words_as_written(essen):
    from quartier.funding import similarity

    candidate = similarity.Candidate(
        kind="offer", id=1, title="Sprachcafé für Mütter", text="Tee und Gespräche."
    )
    match = similarity.rank(similarity.Idea("Mütter-Sprachcafé", "Mit Tee."), [candidate])[0]
    words = next(r["words"] for r in match.reasons if r["kind"] == "shared_words")
    assert "Sprachcafé" in words and "Mütter" in words
