"""Suggestions: submission rules, routing (including vacant districts), district scope, the workflow with
optimistic locking, publishing, and the privacy rules (retention, access and erasure requests, view audit)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quartier.accounts.models import Role, User
from quartier.core.models import AuditEntry
from quartier.suggestions import selectors, services
from quartier.suggestions.models import Suggestion
from tests.conftest import make_user

from .conftest import submit

S = Suggestion.Status


def test_submission_routes_to_the_districts_coordinators_and_confirms(
    essen, coordinator_iii, fallback_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        suggestion, token, created = submit(essen)
    assert created and suggestion.district.number == "III" and suggestion.status == S.RECEIVED
    to_writer = [m for m in mail.outbox if m.to == ["person-demo@example.org"]]
    to_staff = [m for m in mail.outbox if m.bcc]
    assert len(to_writer) == 1 and f"https://example.org/status/{token}/" in to_writer[0].body
    assert to_staff[0].bcc == [coordinator_iii.email]
    assert suggestion.text not in to_staff[0].body  # no content (and no personal data) in staff mail
    assert "Demo Person" not in to_staff[0].body


def test_vacant_district_and_no_district_go_to_the_fallback_team_never_nowhere(
    essen, coordinator_iii, fallback_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vacant, _, _ = submit(essen, place="Rüttenscheid")  # Stadtbezirk II: vacant in the reference data
        citywide, _, _ = submit(essen, place=None)
    assert vacant.district.number == "II" and citywide.district is None
    fallback_mails = [m for m in mail.outbox if m.bcc == [fallback_team.email]]
    assert len(fallback_mails) >= 2
    assert selectors.suggestion_for(fallback_team, essen, vacant.pk) is not None
    assert selectors.suggestion_for(fallback_team, essen, citywide.pk) is not None
    assert selectors.suggestion_for(coordinator_iii, essen, vacant.pk) is None


def test_without_fallback_team_city_admins_then_platform_admins_receive(
    essen, platform_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(essen, place=None)
    assert [m.bcc for m in mail.outbox if m.bcc] == [[platform_admin.email]]
    admin = make_user("stadtadmin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(essen, place=None)
    assert [m.bcc for m in mail.outbox if m.bcc] == [[admin.email]]


def test_daily_digest_instead_of_one_mail_each(essen, coordinator_iii, django_capture_on_commit_callbacks):
    User.objects.filter(pk=coordinator_iii.pk).update(work_mail=User.WorkMail.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        first, _, _ = submit(essen)
        submit(essen, place="Frohnhausen")
    assert not [m for m in mail.outbox if m.bcc]
    assert services.suggestion_digests_send(now=timezone.now() + timedelta(minutes=1)) == 1
    (digest,) = [m for m in mail.outbox if m.to == [coordinator_iii.email]]
    assert f"Nr. {first.pk}" in digest.body and "Frohnhausen" in digest.body
    assert (
        services.suggestion_digests_send(now=timezone.now() + timedelta(minutes=2)) == 0
    )  # nothing new since


def test_the_same_submission_key_makes_one_suggestion(essen):
    first, token, created = submit(essen, submission_key="k" * 32)
    again, token_again, created_again = submit(
        essen, submission_key="k" * 32, text="Etwas anderes, zehn Zeichen"
    )
    assert created and not created_again and first.pk == again.pk and token == token_again
    assert Suggestion.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "kurz"}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": None}, "text"),
        ({"topic": "party"}, "topic"),
        ({"topic": None}, "topic"),
        ({"email": "keine-adresse"}, "email"),
        ({"email": "a@b.c\nBcc: x@y.z"}, "email"),
        ({"name": "n" * 201}, "name"),
        ({"consent": False}, "consent"),
        ({"consent": "true"}, "consent"),
        ({"submission_key": ""}, "__all__"),
        ({"submission_key": "k" * 65}, "__all__"),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_stored(essen, overrides, field):
    with pytest.raises(ValidationError) as error:
        submit(essen, **overrides)
    assert field in error.value.message_dict
    assert not Suggestion.objects.exists()


def test_text_in_any_language_and_hostile_text_is_kept_as_written(essen):
    text = "اقتراح: مقهى لغة في الحي <script>alert(1)</script> ' OR 1=1 -- \x00"
    suggestion, _, _ = submit(essen, text=text, name="  Ümit   Öz ")
    suggestion.refresh_from_db()
    assert suggestion.text == text.replace("\x00", "").strip() and suggestion.name == "Ümit Öz"


def test_neighbourhood_of_another_city_is_refused(essen):
    from quartier.places.models import City, District, Neighbourhood

    other = City.objects.create(slug="andere-demo", name="Andere Stadt (Demo)", domain="andere.invalid")
    district = District.objects.create(city=other, number="I", ordinal=1, name="Bezirk I")
    place = Neighbourhood.objects.create(city=other, district=district, name="Irgendwo", slug="irgendwo")
    with pytest.raises(ValidationError):
        submit(essen, place=None, neighbourhood=place)


def test_district_scope_in_inbox_detail_search_and_person_lookup(essen, coordinator_iii, coordinator_iv):
    own, _, _ = submit(essen, place="Altendorf", email="gleich-demo@example.org")
    other, _, _ = submit(
        essen, place="Frintrop", email="gleich-demo@example.org", text="Mehr Bänke im Park bitte!"
    )
    assert list(selectors.inbox(coordinator_iii, essen)) == [own]
    assert selectors.suggestion_for(coordinator_iii, essen, other.pk) is None
    assert not selectors.inbox(coordinator_iii, essen, selectors.InboxFilters(q="Bänke")).exists()
    assert not selectors.inbox(coordinator_iii, essen, selectors.InboxFilters(q=str(other.pk))).exists()
    assert list(selectors.by_person(coordinator_iii, essen, "GLEICH-demo@example.org")) == [own]
    assert list(selectors.by_person(coordinator_iv, essen, "gleich-demo@example.org")) == [other]
    nobody = make_user("verein-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    assert not selectors.inbox(nobody, essen).exists()
    steering = make_user("steuerung-demo@example.org", roles=[(Role.CENTRAL_STEERING, None)], city=essen)
    assert not selectors.inbox(steering, essen).exists()  # aggregated figures only, never personal data


def test_inbox_filters(essen, coordinator_iii):
    a, _, _ = submit(essen, topic="housing")
    b, _, _ = submit(essen, place="Frohnhausen", topic="safety")
    Suggestion.objects.filter(pk=b.pk).update(created_at=timezone.now() - timedelta(days=30))
    services.suggestion_assign(
        actor=coordinator_iii, suggestion=a, assignee=coordinator_iii, expected_version=1
    )

    def ids(**kwargs):
        return [s.pk for s in selectors.inbox(coordinator_iii, essen, selectors.InboxFilters(**kwargs))]

    assert ids(topic="safety") == [b.pk]
    assert ids(neighbourhood=b.neighbourhood_id) == [b.pk]
    assert ids(older_than_days=20) == [b.pk] and ids(overdue=True) == [b.pk]
    assert ids(assigned="me") == [a.pk] and ids(assigned="nobody") == [b.pk]
    assert ids(status="open") == [a.pk, b.pk] and ids(status="closed") == []
    assert ids(q="sprachcafé samstag") == [a.pk, b.pk]


def test_workflow_with_forwarding_closing_and_reopening(
    essen, coordinator_iii, django_capture_on_commit_callbacks
):
    s, _, _ = submit(essen)
    with pytest.raises(ValidationError):  # forwarding needs a recipient
        services.suggestion_transition(
            actor=coordinator_iii, suggestion=s, to_status=S.FORWARDED, expected_version=1
        )
    with django_capture_on_commit_callbacks(execute=True):
        s = services.suggestion_transition(
            actor=coordinator_iii,
            suggestion=s,
            to_status=S.FORWARDED,
            expected_version=1,
            forwarded_to="Amt für Stadtteilarbeit (Demo)",
            forwarded_email="amt-demo@example.org",
            message="Bitte prüfen.",
        )
    (forward,) = [m for m in mail.outbox if m.to == ["amt-demo@example.org"]]
    assert s.text in forward.body and "Demo Person" not in forward.body and "person-demo@" not in forward.body
    with pytest.raises(ValidationError) as error:  # closing needs an outcome and a public answer
        services.suggestion_transition(
            actor=coordinator_iii, suggestion=s, to_status=S.CLOSED, expected_version=2
        )
    assert {"outcome", "public_answer"} <= set(error.value.message_dict)
    with django_capture_on_commit_callbacks(execute=True):
        s = services.suggestion_transition(
            actor=coordinator_iii,
            suggestion=s,
            to_status=S.CLOSED,
            expected_version=2,
            outcome="implemented",
            public_answer="Das Sprachcafé startet im März.",
        )
    assert s.status == S.CLOSED and s.closed_at and s.version == 3
    assert any(
        "Das Sprachcafé startet im März." in m.body
        for m in mail.outbox
        if m.to == ["person-demo@example.org"]
    )
    assert [st.to_status for st in s.steps.all()] == [S.RECEIVED, S.FORWARDED, S.CLOSED]
    s = services.suggestion_transition(
        actor=coordinator_iii, suggestion=s, to_status=S.IN_PROGRESS, expected_version=3
    )
    assert s.outcome == "" and s.closed_at is None
    with pytest.raises(ValidationError):  # a step the workflow does not have
        services.suggestion_transition(
            actor=coordinator_iii, suggestion=s, to_status=S.RECEIVED, expected_version=4
        )
    assert AuditEntry.objects.filter(target_id=str(s.pk), action__startswith="suggestion.").count() >= 4


def test_a_change_against_an_older_version_is_a_conflict_not_an_overwrite(essen, coordinator_iii):
    s, _, _ = submit(essen)
    services.suggestion_transition(
        actor=coordinator_iii, suggestion=s, to_status=S.IN_PROGRESS, expected_version=1
    )
    with pytest.raises(services.Conflict) as conflict:
        services.suggestion_transition(
            actor=coordinator_iii,
            suggestion=s,
            to_status=S.CLOSED,
            expected_version=1,
            outcome="not_feasible",
            public_answer="Leider nicht.",
        )
    assert conflict.value.current.status == S.IN_PROGRESS and conflict.value.current.version == 2
    with pytest.raises(services.Conflict):
        services.suggestion_assign(actor=coordinator_iii, suggestion=s, assignee=None, expected_version=1)
    s.refresh_from_db()
    assert s.status == S.IN_PROGRESS and s.public_answer == ""


def test_other_districts_coordinator_cannot_act(essen, coordinator_iii, coordinator_iv):
    s, _, _ = submit(essen)
    with pytest.raises(PermissionDenied):
        services.suggestion_transition(
            actor=coordinator_iv, suggestion=s, to_status=S.IN_PROGRESS, expected_version=1
        )
    with pytest.raises(PermissionDenied):
        services.suggestion_add_note(actor=coordinator_iv, suggestion=s, text="Hallo")
    with pytest.raises(ValidationError):  # only people who handle the district can be assigned
        services.suggestion_assign(
            actor=coordinator_iii, suggestion=s, assignee=coordinator_iv, expected_version=1
        )


def test_notes_from_two_people_are_both_kept(essen, coordinator_iii):
    colleague = make_user("kollegin-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    s, _, _ = submit(essen)
    services.suggestion_add_note(actor=coordinator_iii, suggestion=s, text="Mit dem Stadtteilbüro sprechen.")
    services.suggestion_add_note(actor=colleague, suggestion=s, text="Raum im Zentrum frei ab März.")
    assert [n.text for n in s.notes.all()] == [
        "Mit dem Stadtteilbüro sprechen.",
        "Raum im Zentrum frei ab März.",
    ]
    with pytest.raises(ValidationError):
        services.suggestion_add_note(actor=colleague, suggestion=s, text="  ")


def test_publishing_needs_a_closed_suggestion_and_a_text_without_personal_data(essen, coordinator_iii):
    s, _, _ = submit(essen)
    with pytest.raises(ValidationError):
        services.suggestion_publish(
            actor=coordinator_iii,
            suggestion=s,
            publish=True,
            published_text="Ein Sprachcafé",
            expected_version=1,
        )
    s = services.suggestion_transition(
        actor=coordinator_iii,
        suggestion=s,
        to_status=S.CLOSED,
        expected_version=1,
        outcome="implemented",
        public_answer="Startet im März.",
    )
    s = services.suggestion_publish(
        actor=coordinator_iii,
        suggestion=s,
        publish=True,
        published_text="Ein Sprachcafé am Samstag.",
        expected_version=2,
    )
    assert list(selectors.published(essen)) == [s]
    assert list(selectors.published(essen, district=s.district)) == [s]
    s = services.suggestion_transition(
        actor=coordinator_iii, suggestion=s, to_status=S.IN_PROGRESS, expected_version=3
    )
    assert not selectors.published(essen).exists()  # reopened: off the district page


def test_status_link_finds_the_suggestion_until_it_expires(essen):
    s, token, _ = submit(essen)
    assert selectors.by_status_token(token) == s
    assert selectors.by_status_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert selectors.by_status_token("x" * 500) is None
    Suggestion.objects.filter(pk=s.pk).update(status_link_expires_at=timezone.now() - timedelta(seconds=1))
    assert selectors.by_status_token(token) is None


def test_retention_removes_contact_data_but_keeps_the_suggestion(essen, coordinator_iii, settings):
    settings.SUGGESTION_KEEP_CLOSED_DAYS = 183
    settings.SUGGESTION_KEEP_INACTIVE_DAYS = 730
    closed_long_ago, _, _ = submit(essen)
    closed_recently, _, _ = submit(essen)
    forgotten, _, _ = submit(essen)
    active, _, _ = submit(essen)
    anonymous, _, _ = submit(essen, name="", email="")
    for s in (closed_long_ago, closed_recently):
        services.suggestion_transition(
            actor=coordinator_iii,
            suggestion=s,
            to_status=S.CLOSED,
            expected_version=1,
            outcome="committee",
            public_answer="An die Bezirksvertretung übergeben.",
        )
    now = timezone.now()
    Suggestion.objects.filter(pk=closed_long_ago.pk).update(closed_at=now - timedelta(days=184))
    Suggestion.objects.filter(pk=forgotten.pk).update(last_activity_at=now - timedelta(days=731))
    assert services.suggestions_personal_data_purge(now=now) == 2
    for s in (closed_long_ago, forgotten):
        s.refresh_from_db()
        assert s.name == "" and s.email == "" and s.personal_data_removed_at and s.text
    for s in (closed_recently, active):
        s.refresh_from_db()
        assert s.email == "person-demo@example.org"
    assert services.suggestions_personal_data_purge(now=now) == 0
    assert AuditEntry.objects.filter(action="suggestion.personal_data_erased", actor=None).count() == 2
    assert anonymous.pk


def test_access_request_export_and_erasure_are_scoped_and_audited(essen, coordinator_iii, coordinator_iv):
    own, _, _ = submit(essen)
    submit(essen, place="Frintrop")
    rows = services.suggestion_person_export(
        actor=coordinator_iii,
        suggestions=selectors.by_person(coordinator_iii, essen, "person-demo@example.org"),
    )
    assert [r["id"] for r in rows] == [own.pk] and rows[0]["email"] == "person-demo@example.org"
    assert AuditEntry.objects.filter(action="suggestion.exported", target_id=str(own.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.suggestion_personal_data_erase(actor=coordinator_iv, suggestion=own, reason="request")
    services.suggestion_personal_data_erase(actor=coordinator_iii, suggestion=own, reason="request")
    own.refresh_from_db()
    assert not own.has_personal_data and own.version == 2


def test_viewing_personal_data_is_audited(essen, coordinator_iii):
    with_contact, _, _ = submit(essen)
    without, _, _ = submit(essen, name="", email="")
    services.suggestion_view_record(actor=coordinator_iii, suggestion=with_contact)
    services.suggestion_view_record(actor=coordinator_iii, suggestion=without)
    viewed = AuditEntry.objects.filter(action="suggestion.viewed")
    assert [e.target_id for e in viewed] == [str(with_contact.pk)] and viewed[0].actor == coordinator_iii
