"""The coordinators' inbox pages: access and district scope, filters, the workflow forms with optimistic locking,
hostile input, and the privacy pages (view audit, export, erasure) and the mail setting."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from quartier.accounts.models import Role, User
from quartier.core.models import AuditEntry
from quartier.places.models import Neighbourhood
from quartier.suggestions.models import Suggestion, SuggestionNote
from tests.conftest import make_user

from .conftest import submit

H = {"HTTP_HOST": "127.0.0.1"}
S = Suggestion.Status
LIST = "/de/arbeitsbereich/vorschlaege/"
PERSON = "/de/arbeitsbereich/vorschlaege/auskunft-und-loeschung/"
NOTIFICATIONS = "/de/arbeitsbereich/benachrichtigungen/"


def url(suggestion):
    return f"/de/arbeitsbereich/vorschlaege/{suggestion.pk}/"


def age(suggestion, days):
    Suggestion.objects.filter(pk=suggestion.pk).update(created_at=timezone.now() - timedelta(days=days))
    suggestion.refresh_from_db()
    return suggestion


@pytest.fixture
def in_iii(essen):
    return submit(essen, place="Altendorf")[0]


@pytest.fixture
def in_iv(essen):
    return submit(essen, place="Kettwig", email="other-demo@example.org")[0]


# --- access -----------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, essen, in_iii):
    for path in (LIST, url(in_iii), PERSON, NOTIFICATIONS):
        response = client.get(path, **H)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


@pytest.mark.parametrize(
    "role,district",
    [(Role.ORGANISATION_MEMBER, None), (Role.COMPETENCE_MEMBER, "III"), (Role.CENTRAL_STEERING, None)],
)
def test_people_who_do_not_handle_suggestions_get_403(client, essen, in_iii, role, district):
    client.force_login(make_user("someone-demo@example.org", roles=[(role, district)], city=essen))
    assert client.get(LIST, **H).status_code == 403
    assert client.get(url(in_iii), **H).status_code == 403
    assert client.post(url(in_iii), {"action": "note", "note-text": "x"}, **H).status_code == 403
    assert client.get(PERSON, **H).status_code == 403
    assert not SuggestionNote.objects.exists()
    assert client.get(NOTIFICATIONS, **H).status_code == 200  # everyone in the workspace has mail settings


def test_coordinator_of_another_district_gets_404_everywhere(
    client, essen, coordinator_iii, coordinator_iv, in_iii
):
    client.force_login(coordinator_iv)
    assert client.get(url(in_iii), **H).status_code == 404
    for data in (
        {"action": "progress", "progress-version": 1},
        {
            "action": "close",
            "close-version": 1,
            "close-outcome": "implemented",
            "close-public_answer": "Erledigt.",
        },
        {
            "action": "forward",
            "forward-version": 1,
            "forward-forwarded_to": "A",
            "forward-forwarded_email": "a@example.org",
        },
        {"action": "assign", "assign-version": 1, "assign-assigned_to": coordinator_iv.pk},
        {"action": "note", "note-text": "Hallo"},
        {"action": "publish", "publish-version": 1, "publish-published_text": "Ein langer Text."},
    ):
        assert client.post(url(in_iii), data, **H).status_code == 404
    in_iii.refresh_from_db()
    assert in_iii.version == 1 and in_iii.status == S.RECEIVED and not SuggestionNote.objects.exists()
    response = client.get(LIST, {"q": str(in_iii.pk)}, **H)
    assert response.status_code == 200 and f"Nr. {in_iii.pk}" not in response.content.decode()
    response = client.post(PERSON, {"action": "export", "email": "person-demo@example.org"}, **H)
    assert json.loads(response.content)["suggestions"] == []
    client.post(PERSON, {"action": "erase", "confirm": "yes", "email": "person-demo@example.org"}, **H)
    in_iii.refresh_from_db()
    assert in_iii.email == "person-demo@example.org"


def test_fallback_team_sees_vacant_districts_and_citywide_but_not_covered_ones(
    client, essen, coordinator_iii, fallback_team, in_iii
):
    vacant = submit(essen, place="Rüttenscheid")[0]  # Stadtbezirk II: no coordinator
    citywide = submit(essen, place=None)[0]
    client.force_login(fallback_team)
    page = client.get(LIST, **H).content.decode()
    assert f"Nr. {vacant.pk}" in page and f"Nr. {citywide.pk}" in page and f"Nr. {in_iii.pk}" not in page
    assert client.get(url(vacant), **H).status_code == 200
    assert client.get(url(citywide), **H).status_code == 200
    assert client.get(url(in_iii), **H).status_code == 404


def test_list_shows_no_personal_data_and_caps_the_text(client, essen, coordinator_iii):
    long = submit(essen, text="Wort " * 100, name="Erika Demo-Mustermann")[0]
    client.force_login(coordinator_iii)
    page = client.get(LIST, **H).content.decode()
    assert f"Nr. {long.pk}" in page
    assert "Erika Demo-Mustermann" not in page and "person-demo@example.org" not in page
    assert ("Wort " * 30) not in page


# --- list ---------------------------------------------------------------------------------------------------------


def test_cached_inbox_shows_every_change_at_once(
    client, essen, coordinator_iii, settings, django_capture_on_commit_callbacks
):
    """With the page cache on (as in production), a new suggestion, a step, an assignment, a new colleague and a
    lost district all show on the next request; another person or another query never gets this one's page."""
    settings.LIST_CACHE_SECONDS = 60
    client.force_login(coordinator_iii)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(essen, place="Altendorf")[0]
    page = client.get(LIST, **H).content.decode()
    assert f"Nr. {first.pk}" in page and "(1 offen)" in page
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(essen, place="Frohnhausen")[0]
    page = client.get(LIST, **H).content.decode()
    assert f"Nr. {second.pk}" in page and "in Bearbeitung: 0" in page and "(2 offen)" in page
    response = client.post(url(first), {"action": "progress", "progress-version": 1}, **H)
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        colleague = make_user("neu-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    page = client.get(LIST, **H).content.decode()
    assert "in Bearbeitung: 1" in page and "neu-demo@example.org" in page
    assert f"Nr. {first.pk}" not in client.get(f"{LIST}?status=received", **H).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=colleague.pk).update(is_active=False)
        colleague.refresh_from_db()
        colleague.save()
    assert "neu-demo@example.org" not in client.get(LIST, **H).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_iii.memberships.update(district=essen.districts.get(number="IV"))
        for membership in coordinator_iii.memberships.all():
            membership.save()
    page = client.get(LIST, **H).content.decode()
    assert f"Nr. {first.pk}" not in page and f"Nr. {second.pk}" not in page
    other = make_user("andere-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    client.force_login(other)
    assert f"Nr. {first.pk}" in client.get(LIST, **H).content.decode()


def test_list_filters(client, essen, coordinator_iii, in_iii):
    other_place = submit(
        essen, place="Frohnhausen", topic="housing", text="Mehr Bänke am Ehrenzeller Platz bitte."
    )[0]
    old = age(submit(essen, place="Holsterhausen", topic="health")[0], 20)
    closed = submit(essen, place="Altendorf")[0]
    Suggestion.objects.filter(pk=closed.pk).update(
        status=S.CLOSED, outcome="implemented", closed_at=timezone.now()
    )
    Suggestion.objects.filter(pk=other_place.pk).update(assigned_to=coordinator_iii)
    client.force_login(coordinator_iii)

    def numbers(**params):
        response = client.get(LIST, params, **H)
        assert response.status_code == 200, response.content.decode()[:2000]
        return {s.pk for s in response.context["page"].object_list}

    frohnhausen = Neighbourhood.objects.get(city=essen, name="Frohnhausen")
    assert numbers() == {in_iii.pk, other_place.pk, old.pk, closed.pk}
    assert numbers(status="open") == {in_iii.pk, other_place.pk, old.pk}
    assert numbers(status="closed") == {closed.pk}
    assert numbers(district=in_iii.district_id) == {in_iii.pk, other_place.pk, old.pk, closed.pk}
    assert numbers(neighbourhood=frohnhausen.pk) == {other_place.pk}
    assert numbers(topic="health") == {old.pk}
    assert numbers(age="14") == {old.pk}
    assert numbers(overdue="on") == {old.pk}
    assert numbers(assigned="me") == {other_place.pk}
    assert numbers(assigned=str(coordinator_iii.pk)) == {other_place.pk}
    assert numbers(assigned="nobody") == {in_iii.pk, old.pk, closed.pk}
    assert numbers(q="Bänke") == {other_place.pk}
    assert numbers(q=str(old.pk)) == {old.pk}


def test_overdue_marker_and_days_open(client, essen, coordinator_iii, settings):
    settings.SUGGESTION_OVERDUE_DAYS = 14
    fresh = age(submit(essen)[0], 3)
    late = age(submit(essen)[0], 15)
    done = age(submit(essen)[0], 40)
    Suggestion.objects.filter(pk=done.pk).update(
        status=S.CLOSED, outcome="implemented", closed_at=done.created_at + timedelta(days=5)
    )
    client.force_login(coordinator_iii)
    response = client.get(LIST, **H)
    rows = {s.pk: s for s in response.context["page"].object_list}
    assert rows[fresh.pk].days_open == 3 and not rows[fresh.pk].is_overdue
    assert rows[late.pk].days_open == 15 and rows[late.pk].is_overdue
    assert rows[done.pk].days_open == 5 and not rows[done.pk].is_overdue
    assert response.content.decode().count("überfällig</span>") == 1
    assert response.context["open_count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"status": "gone"},
        {"district": "abc"},
        {"district": "99999"},
        {"neighbourhood": "1; DROP TABLE"},
        {"topic": "<script>"},
        {"age": "8"},
        {"assigned": "somebody"},
        {"q": "x" * 201},
        {"q": "a\x00b"},
    ],
)
def test_invalid_filters_are_a_400_with_errors(client, essen, coordinator_iii, in_iii, params):
    client.force_login(coordinator_iii)
    response = client.get(LIST, params, **H)
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben." in response.content.decode()


def test_filter_by_another_districts_values_is_refused(client, essen, coordinator_iii, coordinator_iv):
    client.force_login(coordinator_iii)
    kettwig = Neighbourhood.objects.get(city=essen, name="Kettwig")
    assert client.get(LIST, {"district": kettwig.district_id}, **H).status_code == 400
    assert client.get(LIST, {"neighbourhood": kettwig.pk}, **H).status_code == 400
    assert client.get(LIST, {"assigned": coordinator_iv.pk}, **H).status_code == 400


def test_pagination_50_per_page_without_n_plus_one(
    client, essen, coordinator_iii, django_assert_max_num_queries
):
    for _ in range(55):
        submit(essen)
    client.force_login(coordinator_iii)
    with django_assert_max_num_queries(20):
        first = client.get(LIST, **H)
    assert len(first.context["page"].object_list) == 50
    second = client.get(LIST, {"page": "2", "status": "open"}, **H)
    assert len(second.context["page"].object_list) == 5
    assert client.get(LIST, {"page": "abc"}, **H).status_code == 200  # get_page falls back to page 1


# --- detail and workflow --------------------------------------------------------------------------------------------


def test_detail_shows_contact_and_records_the_view(client, essen, coordinator_iii, in_iii):
    client.force_login(coordinator_iii)
    page = client.get(url(in_iii), **H).content.decode()
    assert "Demo Person" in page and "person-demo@example.org" in page
    assert AuditEntry.objects.filter(action="suggestion.viewed", target_id=str(in_iii.pk)).count() == 1
    client.get(url(in_iii), **H)
    assert AuditEntry.objects.filter(action="suggestion.viewed", target_id=str(in_iii.pk)).count() == 2
    anonymous = submit(essen, name="", email="")[0]
    client.get(url(anonymous), **H)
    assert not AuditEntry.objects.filter(action="suggestion.viewed", target_id=str(anonymous.pk)).exists()


def test_progress_forward_close_reopen(
    client, essen, coordinator_iii, in_iii, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_iii)
    response = client.post(url(in_iii), {"action": "progress", "progress-version": 1}, **H)
    assert response.status_code == 302 and response["Location"].endswith(url(in_iii))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(in_iii),
            {
                "action": "forward",
                "forward-version": 2,
                "forward-forwarded_to": "Grünflächenamt (Demo)",
                "forward-forwarded_email": "gruen-demo@example.org",
                "forward-message": "Bitte prüfen.",
            },
            **H,
        )
    assert response.status_code == 302
    forwarded = [m for m in mail.outbox if m.to == ["gruen-demo@example.org"]]
    assert len(forwarded) == 1 and "person-demo@example.org" not in forwarded[0].body
    assert "Demo Person" not in forwarded[0].body
    response = client.post(
        url(in_iii),
        {
            "action": "close",
            "close-version": 3,
            "close-outcome": "committee",
            "close-public_answer": "Ist im Gremium.",
        },
        **H,
    )
    assert response.status_code == 302
    in_iii.refresh_from_db()
    assert (
        in_iii.status == S.CLOSED
        and in_iii.outcome == "committee"
        and in_iii.public_answer == "Ist im Gremium."
    )
    page = client.get(url(in_iii), **H).content.decode()
    assert "Grünflächenamt (Demo)" in page and 'value="reopen"' in page and 'value="close"' not in page
    response = client.post(url(in_iii), {"action": "reopen", "reopen-version": 4}, **H)
    assert response.status_code == 302
    in_iii.refresh_from_db()
    assert in_iii.status == S.IN_PROGRESS and in_iii.outcome == "" and in_iii.steps.count() == 5


@pytest.mark.parametrize(
    "data,field",
    [
        ({"close-outcome": "", "close-public_answer": "Antwort"}, "outcome"),
        ({"close-outcome": "maybe", "close-public_answer": "Antwort"}, "outcome"),
        ({"close-outcome": "implemented", "close-public_answer": "   "}, "public_answer"),
        ({"close-outcome": "implemented", "close-public_answer": "x" * 5001}, "public_answer"),
        ({"close-outcome": "implemented", "close-public_answer": "a\x00b"}, "public_answer"),
    ],
)
def test_closing_needs_an_outcome_and_an_answer(client, essen, coordinator_iii, in_iii, data, field):
    client.force_login(coordinator_iii)
    response = client.post(url(in_iii), {"action": "close", "close-version": 1, **data}, **H)
    assert response.status_code == 400
    assert response.context["forms"]["close"].errors.get(field)
    in_iii.refresh_from_db()
    assert in_iii.status == S.RECEIVED and in_iii.version == 1 and in_iii.public_answer == ""


def test_forwarding_needs_a_recipient(client, essen, coordinator_iii, in_iii):
    client.force_login(coordinator_iii)
    response = client.post(
        url(in_iii),
        {
            "action": "forward",
            "forward-version": 1,
            "forward-forwarded_to": "",
            "forward-forwarded_email": "nope",
        },
        **H,
    )
    assert response.status_code == 400
    errors = response.context["forms"]["forward"].errors
    assert "forwarded_to" in errors and "forwarded_email" in errors
    assert not mail.outbox or all(m.to != ["nope"] for m in mail.outbox)


def test_a_stale_form_answers_409_and_keeps_what_was_typed(client, essen, coordinator_iii, in_iii):
    colleague = make_user("kollegin-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    other = client.__class__()
    other.force_login(colleague)
    client.force_login(coordinator_iii)
    first = other.post(
        url(in_iii),
        {
            "action": "close",
            "close-version": 1,
            "close-outcome": "implemented",
            "close-public_answer": "Erste Antwort.",
        },
        **H,
    )
    assert first.status_code == 302
    response = client.post(
        url(in_iii),
        {
            "action": "close",
            "close-version": 1,
            "close-outcome": "not_feasible",
            "close-public_answer": "Meine lange, sorgfältige Antwort.",
        },
        **H,
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Jemand anderes hat diesen Vorschlag inzwischen geändert" in page
    assert "Meine lange, sorgfältige Antwort." in page  # nothing typed is lost
    assert response.context["forms"]["close"]["version"].value() == "2"
    assert response.context["suggestion"].public_answer == "Erste Antwort."
    in_iii.refresh_from_db()
    assert (
        in_iii.public_answer == "Erste Antwort." and in_iii.outcome == "implemented" and in_iii.version == 2
    )


def test_assign_to_a_handler_and_back_to_nobody(client, essen, coordinator_iii, coordinator_iv, in_iii):
    colleague = make_user("kollegin-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    client.force_login(coordinator_iii)
    page = client.get(url(in_iii), **H).content.decode()
    assert colleague.email in page and coordinator_iv.email not in page
    response = client.post(
        url(in_iii), {"action": "assign", "assign-version": 1, "assign-assigned_to": colleague.pk}, **H
    )
    assert response.status_code == 302
    in_iii.refresh_from_db()
    assert in_iii.assigned_to == colleague
    response = client.post(
        url(in_iii), {"action": "assign", "assign-version": 2, "assign-assigned_to": ""}, **H
    )
    assert response.status_code == 302
    in_iii.refresh_from_db()
    assert in_iii.assigned_to is None and in_iii.version == 3


def test_notes_from_two_people_are_kept_in_order(client, essen, coordinator_iii, in_iii):
    colleague = make_user("kollegin-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    client.force_login(coordinator_iii)
    assert client.post(url(in_iii), {"action": "note", "note-text": "Erste Notiz"}, **H).status_code == 302
    client.force_login(colleague)
    assert client.post(url(in_iii), {"action": "note", "note-text": "Zweite Notiz"}, **H).status_code == 302
    page = client.get(url(in_iii), **H).content.decode()
    assert page.index("Erste Notiz") < page.index("Zweite Notiz")
    assert [n.author for n in in_iii.notes.all()] == [coordinator_iii, colleague]


def test_publish_needs_a_closed_suggestion_and_can_be_undone(client, essen, coordinator_iii, in_iii):
    client.force_login(coordinator_iii)
    page = client.get(url(in_iii), **H).content.decode()
    assert 'value="publish"' not in page
    text = "Ein Sprachcafé im Stadtteilzentrum wäre schön."
    response = client.post(
        url(in_iii), {"action": "publish", "publish-version": 1, "publish-published_text": text}, **H
    )
    assert response.status_code == 400
    in_iii.refresh_from_db()
    assert not in_iii.is_published
    client.post(
        url(in_iii),
        {
            "action": "close",
            "close-version": 1,
            "close-outcome": "implemented",
            "close-public_answer": "Gibt es jetzt.",
        },
        **H,
    )
    page = client.get(url(in_iii), **H).content.decode()
    assert "Bitte entfernen Sie vor dem Veröffentlichen Namen" in page and in_iii.text in page
    response = client.post(
        url(in_iii), {"action": "publish", "publish-version": 2, "publish-published_text": text}, **H
    )
    assert response.status_code == 302
    in_iii.refresh_from_db()
    assert in_iii.is_published and in_iii.published_text == text
    assert client.post(url(in_iii), {"action": "unpublish", "unpublish-version": 3}, **H).status_code == 302
    in_iii.refresh_from_db()
    assert not in_iii.is_published


@pytest.mark.parametrize(
    "data",
    [
        {"action": "explode"},
        {"action": ""},
        {"action": "progress", "progress-version": "eins"},
        {"action": "progress", "progress-version": "0"},
        {"action": "progress", "progress-version": "99999999999999"},
        {"action": "progress"},
        {"action": "progress", "progress-version": "1", "progress-message": "x" * 5001},
        {"action": "progress", "progress-version": "1", "progress-message": "<script>alert(1)</script>\x00"},
        {
            "action": "forward",
            "forward-version": "1",
            "forward-forwarded_to": "x" * 201,
            "forward-forwarded_email": "a@example.org",
        },
        {
            "action": "forward",
            "forward-version": "1",
            "forward-forwarded_to": "A",
            "forward-forwarded_email": "<script>@x",
        },
        {
            "action": "close",
            "close-version": "1",
            "close-outcome": "<script>",
            "close-public_answer": "ok ok ok",
        },
        {"action": "assign", "assign-version": "1", "assign-assigned_to": "abc"},
        {"action": "publish", "publish-version": "1", "publish-published_text": "x" * 5001},
        {"action": "note", "note-text": ""},
        {"action": "note", "note-text": "x" * 5001},
        {"action": "note", "note-text": "Notiz\x00"},
    ],
)
def test_hostile_input_is_a_400_and_changes_nothing(client, essen, coordinator_iii, in_iii, data):
    client.force_login(coordinator_iii)
    response = client.post(url(in_iii), data, **H)
    assert response.status_code == 400
    in_iii.refresh_from_db()
    assert in_iii.version == 1 and in_iii.status == S.RECEIVED and in_iii.assigned_to is None
    assert in_iii.steps.count() == 1 and not in_iii.notes.exists()


def test_assigning_another_districts_coordinator_is_refused(
    client, essen, coordinator_iii, coordinator_iv, in_iii
):
    client.force_login(coordinator_iii)
    data = {"action": "assign", "assign-version": 1, "assign-assigned_to": coordinator_iv.pk}
    assert client.post(url(in_iii), data, **H).status_code == 400
    in_iii.refresh_from_db()
    assert in_iii.assigned_to is None and in_iii.version == 1


def test_unknown_status_transition_is_a_400(client, essen, coordinator_iii, in_iii):
    """Reopening needs a closed suggestion; the workflow table refuses the step, nothing changes."""
    client.force_login(coordinator_iii)
    assert client.post(url(in_iii), {"action": "progress", "progress-version": 1}, **H).status_code == 302
    response = client.post(url(in_iii), {"action": "reopen", "reopen-version": 2}, **H)
    assert response.status_code == 400
    in_iii.refresh_from_db()
    assert in_iii.version == 2


def test_script_in_the_text_is_escaped(client, essen, coordinator_iii):
    hostile = submit(essen, text="<script>alert('x')</script> und mehr Text", name="<b>Name</b>")[0]
    client.force_login(coordinator_iii)
    for path in (LIST, url(hostile)):
        page = client.get(path, **H).content.decode()
        assert "<script>alert" not in page and "<b>Name</b>" not in page


# --- privacy requests ---------------------------------------------------------------------------------------------


def test_find_and_export_a_persons_suggestions(client, essen, coordinator_iii, in_iii, in_iv):
    second = submit(essen, place="Frohnhausen", email="PERSON-demo@example.org")[0]
    client.force_login(coordinator_iii)
    assert client.get(PERSON, **H).status_code == 200
    found = client.post(PERSON, {"action": "find", "email": "person-demo@example.org"}, **H)
    assert found.status_code == 200 and {s.pk for s in found.context["found"]} == {in_iii.pk, second.pk}
    response = client.post(PERSON, {"action": "export", "email": "person-demo@example.org"}, **H)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    payload = json.loads(response.content)
    assert {row["id"] for row in payload["suggestions"]} == {in_iii.pk, second.pk}
    assert payload["suggestions"][0]["steps"][0]["status"] == "received"
    assert AuditEntry.objects.filter(action="suggestion.exported").count() == 2
    assert (
        client.get(PERSON, {"action": "export", "email": "person-demo@example.org"}, **H).status_code == 200
    )
    assert AuditEntry.objects.filter(action="suggestion.exported").count() == 2  # GET never exports


def test_export_never_contains_other_districts(client, essen, coordinator_iii, coordinator_iv, in_iii):
    submit(essen, place="Kettwig")  # same address, Stadtbezirk IX
    client.force_login(coordinator_iii)
    payload = json.loads(
        client.post(PERSON, {"action": "export", "email": "person-demo@example.org"}, **H).content
    )
    assert [row["id"] for row in payload["suggestions"]] == [in_iii.pk]


def test_erase_asks_first_then_removes_the_contact_data(client, essen, coordinator_iii, in_iii):
    client.force_login(coordinator_iii)
    confirm = client.post(PERSON, {"action": "erase", "email": "person-demo@example.org"}, **H)
    assert confirm.status_code == 200 and confirm.context["confirm"]
    in_iii.refresh_from_db()
    assert in_iii.email == "person-demo@example.org"
    done = client.post(PERSON, {"action": "erase", "confirm": "yes", "email": "person-demo@example.org"}, **H)
    assert done.status_code == 302
    in_iii.refresh_from_db()
    assert in_iii.email == "" and in_iii.name == "" and in_iii.personal_data_removed_at is not None
    assert in_iii.text  # the suggestion stays
    entry = AuditEntry.objects.get(action="suggestion.personal_data_erased")
    assert entry.changes == {"reason": "request"}


@pytest.mark.parametrize(
    "data",
    [
        {"action": "find", "email": "not-an-address"},
        {"action": "export", "email": ""},
        {"action": "erase", "email": "<script>@x", "confirm": "yes"},
        {"action": "find", "email": "a" * 250 + "@example.org"},
        {"action": "find", "email": "a\x00@example.org"},
        {"action": "steal", "email": "person-demo@example.org"},
    ],
)
def test_privacy_page_rejects_bad_input(client, essen, coordinator_iii, in_iii, data):
    client.force_login(coordinator_iii)
    response = client.post(PERSON, data, **H)
    assert response.status_code == 400
    in_iii.refresh_from_db()
    assert in_iii.email == "person-demo@example.org"


def test_privacy_page_needs_csrf(essen, coordinator_iii, in_iii):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(coordinator_iii)
    response = strict.post(
        PERSON, {"action": "erase", "confirm": "yes", "email": "person-demo@example.org"}, **H
    )
    assert response.status_code == 403
    in_iii.refresh_from_db()
    assert in_iii.email == "person-demo@example.org"


# --- notifications and navigation ---------------------------------------------------------------------------------


def test_notification_setting_changes_only_the_current_user_and_is_audited(client, essen, coordinator_iii):
    colleague = make_user("kollegin-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    client.force_login(coordinator_iii)
    assert client.get(NOTIFICATIONS, **H).status_code == 200
    response = client.post(
        NOTIFICATIONS, {"work_mail": "daily", "id": colleague.pk, "email": "x@example.org"}, **H
    )
    assert response.status_code == 302
    coordinator_iii.refresh_from_db()
    colleague.refresh_from_db()
    assert (
        coordinator_iii.work_mail == User.WorkMail.DAILY and coordinator_iii.email == "uhl-demo@example.org"
    )
    assert colleague.work_mail == User.WorkMail.IMMEDIATE
    entry = AuditEntry.objects.get(action="user.work_mail_changed")
    assert entry.changes == {"work_mail": ["immediate", "daily"]}


@pytest.mark.parametrize("value", ["", "weekly", "<script>", "x" * 5001, "daily\x00"])
def test_notification_setting_rejects_bad_values(client, essen, coordinator_iii, value):
    client.force_login(coordinator_iii)
    assert client.post(NOTIFICATIONS, {"work_mail": value}, **H).status_code == 400
    coordinator_iii.refresh_from_db()
    assert coordinator_iii.work_mail == User.WorkMail.IMMEDIATE


def test_navigation_shows_the_open_count_to_handlers_only(client, essen, coordinator_iii, in_iii):
    client.force_login(coordinator_iii)
    page = client.get("/de/arbeitsbereich/", **H).content.decode()
    assert LIST in page and "(1 offen)" in page
    client.force_login(
        make_user("org-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    )
    assert LIST not in client.get("/de/arbeitsbereich/", **H).content.decode()


def test_an_absurd_number_in_the_path_is_a_404(client, essen, coordinator_iii):
    client.force_login(coordinator_iii)
    assert client.get("/de/arbeitsbereich/vorschlaege/99999999999999999999999/", **H).status_code == 404
    assert client.get("/de/arbeitsbereich/vorschlaege/0/", **H).status_code == 404
