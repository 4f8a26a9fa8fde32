"""The coordinators' funding-advice pages: access and district scope, the list with filters and deadlines, the
comparison panel, the whole workflow through the forms with step rows, validation (400), optimistic locking (409),
the view audit, hostile input, the navigation link and the admin."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.core.models import AuditEntry
from quartier.funding import services
from quartier.funding.models import ConsultationStep, FundingConsultation, FundingProgramme, ProgrammeDeadline
from quartier.organisations.models import Organisation
from quartier.places.models import Neighbourhood
from tests.conftest import make_user
from tests.offers.conftest import make_offer

H = {"HTTP_HOST": "127.0.0.1"}
S = FundingConsultation.Status
LIST = "/de/arbeitsbereich/foerderberatung/"
PROGRAMMES = "/de/arbeitsbereich/foerderprogramme/"
_keys = iter(range(1, 10_000))


def url(consultation):
    return f"/de/arbeitsbereich/foerderberatung/{consultation.pk}/"


def make(city, title="Sprachcafé für Frauen", places=("Altendorf",), **extra):
    fields = {
        "title": title,
        "description": "Ein wöchentliches Sprachcafé mit Tee für Frauen, die Deutsch üben möchten.",
        "neighbourhoods": list(Neighbourhood.objects.filter(city=city, name__in=places)),
        "contact_email": "x-demo@example.org",
        "contact_name": "Demo Antragstellerin",
        "consent": True,
        **extra,
    }
    consultation, _token, _created = services.consultation_submit(
        city=city,
        request=services.Request(**fields),
        submission_key=f"k{next(_keys)}",
        status_url_for=lambda t: "",
    )
    return consultation


def make_programme(city, name="Demo-Quartiersfonds", days=30, **extra):
    programme = FundingProgramme.objects.create(
        city=city, name=name, provider="Stadt Essen (Demo)", target="Kleine Projekte", **extra
    )
    if days is not None:
        ProgrammeDeadline.objects.create(
            programme=programme, date=timezone.localdate() + timedelta(days=days)
        )
    return programme


def day(n=7):
    return (timezone.localdate() + timedelta(days=n)).strftime("%d.%m.%Y")


def refreshed(consultation):
    consultation.refresh_from_db()
    return consultation


@pytest.fixture
def in_iii(essen):
    return make(essen)


@pytest.fixture
def in_ii(essen):
    return make(essen, title="Nähwerkstatt in Rüttenscheid", places=("Rüttenscheid",))


@pytest.fixture
def organisation(essen):
    return Organisation.objects.create(
        city=essen,
        name="Nachbarschaftsverein Demo e. V.",
        slug="nachbarschaftsverein-demo",
        kind="association",
    )


# --- access -----------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, essen, in_iii):
    for path in (LIST, url(in_iii), PROGRAMMES):
        response = client.get(path, **H)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    response = client.post(url(in_iii), {"action": "withdraw", "withdraw-version": 1}, **H)
    assert response.status_code == 302 and refreshed(in_iii).status == S.REQUESTED


@pytest.mark.parametrize(
    "role,district",
    [(Role.ORGANISATION_MEMBER, None), (Role.COMPETENCE_MEMBER, "III"), (Role.CENTRAL_STEERING, None)],
)
def test_people_who_do_not_handle_consultations_get_403(client, essen, in_iii, role, district):
    client.force_login(make_user("someone-demo@example.org", roles=[(role, district)], city=essen))
    assert client.get(LIST, **H).status_code == 403
    assert client.get(url(in_iii), **H).status_code == 403
    assert client.get(PROGRAMMES, **H).status_code == 403
    response = client.post(url(in_iii), {"action": "withdraw", "withdraw-version": 1}, **H)
    assert response.status_code == 403 and refreshed(in_iii).status == S.REQUESTED
    assert "/arbeitsbereich/foerderberatung/" not in client.get("/de/arbeitsbereich/", **H).content.decode()


def test_coordinator_sees_own_district_and_the_nav_count(client, essen, coordinator_iii, in_iii, in_ii):
    client.force_login(coordinator_iii)
    page = client.get(LIST, **H).content.decode()
    assert f"Nr. {in_iii.pk}" in page and f"Nr. {in_ii.pk}" not in page
    assert "Förderberatung" in page and "(1 offen)" in page
    assert client.get(url(in_iii), **H).status_code == 200


def test_coordinator_of_another_district_gets_404_everywhere(
    client, essen, coordinator_iii, in_ii, fallback_team
):
    client.force_login(coordinator_iii)
    assert client.get(url(in_ii), **H).status_code == 404
    for data in (
        {"action": "withdraw", "withdraw-version": 1},
        {"action": "advise", "advise-version": 1, "advise-advice_notes": "Notiz"},
        {"action": "assign", "assign-version": 1, "assign-assigned_to": coordinator_iii.pk},
        {"action": "propose", "propose-version": 1, "propose-date_0": day(), "propose-start_0": "10:00"},
    ):
        assert client.post(url(in_ii), data, **H).status_code == 404
    assert refreshed(in_ii).version == 1 and in_ii.status == S.REQUESTED and in_ii.assigned_to is None
    response = client.get(LIST, {"q": str(in_ii.pk)}, **H)
    assert response.status_code == 200 and f"Nr. {in_ii.pk}" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="funding.viewed").exists()


def test_fallback_team_handles_the_vacant_district_only(
    client, essen, coordinator_iii, fallback_team, in_iii, in_ii
):
    client.force_login(fallback_team)
    page = client.get(LIST, **H).content.decode()
    assert f"Nr. {in_ii.pk}" in page and f"Nr. {in_iii.pk}" not in page
    assert client.get(url(in_ii), **H).status_code == 200
    assert client.get(url(in_iii), **H).status_code == 404


def test_city_admin_and_platform_admin_see_all(client, essen, platform_admin, in_iii, in_ii):
    city_admin = make_user("stadt-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    for user in (city_admin, platform_admin):
        client.force_login(user)
        page = client.get(LIST, **H).content.decode()
        assert f"Nr. {in_ii.pk}" in page and f"Nr. {in_iii.pk}" in page
        assert client.get(url(in_ii), **H).status_code == 200


# --- the list ---------------------------------------------------------------------------------------------------


def test_list_has_no_contact_data_and_filters(client, essen, coordinator_iii, in_iii):
    other = make(essen, title="Hausaufgabenhilfe am Nachmittag", places=("Frohnhausen",))
    services.consultation_withdraw(consultation=other, actor=coordinator_iii, expected_version=1)
    client.force_login(coordinator_iii)
    page = client.get(LIST, **H).content.decode()
    assert "x-demo@example.org" not in page and "Demo Antragstellerin" not in page
    assert "Sprachcafé für Frauen" in page and "Altendorf" in page
    page = client.get(LIST, {"status": "open"}, **H).content.decode()
    assert f"Nr. {in_iii.pk}" in page and f"Nr. {other.pk}" not in page
    page = client.get(LIST, {"status": "withdrawn"}, **H).content.decode()
    assert f"Nr. {in_iii.pk}" not in page and f"Nr. {other.pk}" in page
    page = client.get(LIST, {"q": "hausaufgaben"}, **H).content.decode()
    assert f"Nr. {in_iii.pk}" not in page and f"Nr. {other.pk}" in page
    page = client.get(LIST, {"q": str(in_iii.pk)}, **H).content.decode()
    assert f"Nr. {in_iii.pk}" in page and f"Nr. {other.pk}" not in page
    district = in_iii.district
    assert client.get(LIST, {"district": district.pk}, **H).status_code == 200
    for bad in ({"status": "nonsense"}, {"district": "abc"}, {"district": "999999"}, {"q": "x" * 201}):
        response = client.get(LIST, bad, **H)
        assert response.status_code == 400, bad
        assert "Bitte korrigieren Sie die Filter." in response.content.decode()


def test_list_pages_by_50(client, essen, coordinator_iii):
    for i in range(51):
        make(essen, title=f"Idee Nummer {i}")
    client.force_login(coordinator_iii)
    page = client.get(LIST, **H).content.decode()
    assert page.split("<tbody")[1].count("<tr") == 50
    assert "Seite 1 von 2" in page
    assert "Seite 2 von 2" in client.get(LIST, {"page": "2"}, **H).content.decode()
    assert client.get(LIST, {"page": "abc"}, **H).status_code == 200


def test_upcoming_deadlines_on_the_list_and_the_programmes_page(
    client, essen, coordinator_iii, platform_admin
):
    soon = make_programme(essen, "Demo-Quartiersfonds", days=30, link="https://example.org/fonds")
    make_programme(essen, "Demo-Fernfonds", days=200)
    make_programme(essen, "Demo-Altfonds", days=-5)
    client.force_login(coordinator_iii)
    page = client.get(LIST, **H).content.decode()
    assert (
        "Anstehende Fristen" in page and "Demo-Quartiersfonds" in page and "https://example.org/fonds" in page
    )
    assert "Demo-Fernfonds" not in page and "Demo-Altfonds" not in page
    page = client.get(PROGRAMMES, **H).content.decode()
    assert all(name in page for name in ("Demo-Quartiersfonds", "Demo-Fernfonds", "Demo-Altfonds"))
    assert soon.deadlines.get().date.strftime("%-d. %-m. %Y") in page
    assert "/funding/fundingprogramme/" not in page  # no admin access
    client.force_login(platform_admin)
    assert "/funding/fundingprogramme/" in client.get(PROGRAMMES, **H).content.decode()


# --- the detail page --------------------------------------------------------------------------------------------


def test_detail_shows_contact_data_and_audits_the_view(client, essen, coordinator_iii, in_iii):
    client.force_login(coordinator_iii)
    page = client.get(url(in_iii), **H).content.decode()
    assert "x-demo@example.org" in page and "Demo Antragstellerin" in page
    entry = AuditEntry.objects.filter(action="funding.viewed").get()
    assert entry.actor == coordinator_iii
    assert (entry.target_type, entry.target_id) == ("funding.fundingconsultation", str(in_iii.pk))
    assert 'name="propose-version" value="1"' in page and "Termine vorschlagen" in page


def test_comparison_panel_shows_a_similar_offer_with_reasons_and_gaps(
    client, essen, coordinator_iii, organisation
):
    make_offer(
        essen,
        organisation,
        "Sprachcafé für Frauen im Stadtteilzentrum",
        "Wöchentliches Sprachcafé mit Tee: Frauen üben Deutsch im Gespräch.",
        target_groups=["women"],
    )
    consultation = make(essen, target_groups=["women"])
    client.force_login(coordinator_iii)
    page = client.get(url(consultation), **H).content.decode()
    panel = page.split('id="comparison-heading"')[1].split("</section>")[0]
    assert "Sprachcafé für Frauen im Stadtteilzentrum" in panel
    assert "gemeinsame Wörter" in panel or "gleiches Thema" in panel
    assert "gleiche Zielgruppe: Frauen" in panel
    assert "Lücken" in panel


def test_the_whole_workflow_through_the_pages(client, essen, coordinator_iii, organisation, in_iii):
    programme = make_programme(essen)
    offer = make_offer(essen, organisation, "Sprachcafé Altendorf")
    in_iii.organisation = organisation
    in_iii.save(update_fields=["organisation"])
    client.force_login(coordinator_iii)
    response = client.post(
        url(in_iii),
        {
            "action": "propose",
            "propose-version": 1,
            "propose-date_0": day(7),
            "propose-start_0": "10:00",
            "propose-end_0": "11:00",
            "propose-place_0": "Stadtteilbüro",
            "propose-date_1": day(8),
            "propose-start_1": "14:00",
            "propose-end_1": "15:30",
            "propose-message": "Bitte wählen Sie einen Termin.",
        },
        **H,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert refreshed(in_iii).status == S.SLOTS_PROPOSED and in_iii.slots.count() == 2
    slot = in_iii.slots.get(place="Stadtteilbüro")
    assert timezone.localtime(slot.starts_at).strftime("%H:%M") == "10:00"
    page = client.get(url(in_iii), **H).content.decode()
    assert "Termin bestätigen" in page and "Stadtteilbüro" in page
    steps = [
        ("confirm", {"confirm-slot": slot.pk}, S.APPOINTMENT_CONFIRMED),
        (
            "advise",
            {"advise-advice_notes": "Quartiersfonds passt.", "advise-recommended_programmes": [programme.pk]},
            S.ADVISED,
        ),
        ("apply", {"apply-result_programme": programme.pk}, S.APPLIED),
        (
            "approve",
            {"approve-result_programme": programme.pk, "approve-result_amount": "4500,50"},
            S.APPROVED,
        ),
        ("running", {"running-offers": [offer.pk], "running-message": "Läuft seit Montag."}, S.RUNNING),
    ]
    for action, data, expected in steps:
        version = refreshed(in_iii).version
        response = client.post(url(in_iii), {"action": action, f"{action}-version": version, **data}, **H)
        assert response.status_code == 302, (action, response.content.decode()[:3000])
        assert refreshed(in_iii).status == expected
    assert in_iii.result_amount == Decimal("4500.50") and in_iii.result_programme == programme
    assert list(in_iii.recommended_programmes.all()) == [programme] and list(in_iii.offers.all()) == [offer]
    assert in_iii.slots.get(pk=slot.pk).is_chosen
    rows = list(ConsultationStep.objects.filter(consultation=in_iii))
    assert [r.to_status for r in rows] == [
        S.REQUESTED,
        S.SLOTS_PROPOSED,
        S.APPOINTMENT_CONFIRMED,
        S.ADVISED,
        S.APPLIED,
        S.APPROVED,
        S.RUNNING,
    ]
    assert all(r.actor == coordinator_iii for r in rows[1:])
    page = client.get(url(in_iii), **H).content.decode()
    history = page.split("funding-steps")[1].split("</ol>")[0]
    today = timezone.localtime().strftime("%-d. %-m. %Y")
    assert history.count(today) == 7 and history.count(str(coordinator_iii)) == 6
    assert "Termin bestätigt" in history and "Projekt läuft" in history and "Läuft seit Montag." in history
    assert "Sprachcafé Altendorf" in page
    assert 'value="propose"' not in page and 'value="withdraw"' not in page  # nothing follows but assignment
    assert 'value="assign"' in page


def test_reject_and_withdraw(client, essen, coordinator_iii, in_iii):
    programme = make_programme(essen)
    client.force_login(coordinator_iii)
    client.post(
        url(in_iii), {"action": "advise", "advise-version": 1, "advise-advice_notes": "Telefonisch."}, **H
    )
    client.post(
        url(in_iii), {"action": "apply", "apply-version": 2, "apply-result_programme": programme.pk}, **H
    )
    response = client.post(
        url(in_iii), {"action": "reject", "reject-version": 3, "reject-message": "Zu spät"}, **H
    )
    assert response.status_code == 302 and refreshed(in_iii).status == S.REJECTED
    assert in_iii.result_programme == programme and in_iii.result_amount is None
    other = make(essen, title="Nachbarschaftsgarten")
    response = client.post(url(other), {"action": "withdraw", "withdraw-version": 1}, **H)
    assert response.status_code == 302 and refreshed(other).status == S.WITHDRAWN and other.closed_at


def test_assign_to_a_handler_only(client, essen, coordinator_iii, fallback_team, in_iii):
    colleague = make_user("kollegin-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    client.force_login(coordinator_iii)
    response = client.post(
        url(in_iii), {"action": "assign", "assign-version": 1, "assign-assigned_to": colleague.pk}, **H
    )
    assert response.status_code == 302 and refreshed(in_iii).assigned_to == colleague
    response = client.post(
        url(in_iii), {"action": "assign", "assign-version": 2, "assign-assigned_to": fallback_team.pk}, **H
    )
    assert response.status_code == 400 and refreshed(in_iii).assigned_to == colleague
    assert str(colleague) in client.get(LIST, **H).content.decode()


# --- validation, conflicts, hostile input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,message",
    [
        ({"action": "propose", "propose-version": 1}, "mindestens einen Termin"),
        (
            {"action": "propose", "propose-version": 1, "propose-date_0": day(), "propose-start_0": "10:00"},
            "Datum, Beginn und Ende",
        ),
        (
            {
                "action": "propose",
                "propose-version": 1,
                "propose-date_0": day(-2),
                "propose-start_0": "10:00",
                "propose-end_0": "11:00",
            },
            "in der Vergangenheit",
        ),
        (
            {
                "action": "propose",
                "propose-version": 1,
                "propose-date_0": day(),
                "propose-start_0": "12:00",
                "propose-end_0": "11:00",
            },
            "endet vor dem Beginn",
        ),
        (
            {
                "action": "propose",
                "propose-version": 1,
                "propose-date_0": "31.02.2030",
                "propose-start_0": "25:00",
                "propose-end_0": "x",
            },
            "TT.MM.JJJJ",
        ),
        ({"action": "propose", "propose-version": 1, "propose-date_0": "99999999999999999999"}, "TT.MM.JJJJ"),
        ({"action": "advise", "advise-version": 1, "advise-advice_notes": "   "}, "Notizen der Beratung"),
        (
            {
                "action": "advise",
                "advise-version": 1,
                "advise-advice_notes": "x",
                "advise-recommended_programmes": "abc",
            },
            "aus der Liste",
        ),
        ({"action": "advise", "advise-advice_notes": "Ohne Version"}, "laden Sie die Seite neu"),
        (
            {"action": "advise", "advise-version": "abc", "advise-advice_notes": "x"},
            "laden Sie die Seite neu",
        ),
        (
            {"action": "advise", "advise-version": "9" * 30, "advise-advice_notes": "x"},
            "laden Sie die Seite neu",
        ),
        (
            {"action": "advise", "advise-version": 1, "advise-advice_notes": "x" * 10_001},
            "Notizen der Beratung",
        ),
        ({"action": "hack"}, "Unbekannte Aktion"),
        ({"action": "approve", "approve-version": 1, "approve-result_amount": "100"}, "kann nicht"),
        ({"action": "assign", "assign-version": 1, "assign-assigned_to": "abc"}, "Zuständige Person"),
        ({"action": "assign", "assign-version": 1, "assign-assigned_to": "999999"}, "Zuständige Person"),
    ],
)
def test_bad_input_is_400_and_stores_nothing(client, essen, coordinator_iii, in_iii, data, message):
    client.force_login(coordinator_iii)
    response = client.post(url(in_iii), data, **H)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert refreshed(in_iii).version == 1 and in_iii.status == S.REQUESTED and not in_iii.slots.exists()
    assert ConsultationStep.objects.filter(consultation=in_iii).count() == 1


@pytest.mark.parametrize(
    "amount,programme,message",
    [
        ("", True, "bewilligten Betrag"),
        ("abc", True, "Betrag in Euro"),
        ("1e999", True, "Betrag in Euro"),
        ("99999999999999999999", True, "Betrag in Euro"),
        ("-5", True, "Betrag in Euro"),
        ("NaN", True, "Betrag in Euro"),
        ("100", False, "Bitte geben Sie das Förderprogramm an"),
    ],
)
def test_approval_needs_programme_and_a_sane_amount(
    client, essen, coordinator_iii, in_iii, amount, programme, message
):
    chosen = make_programme(essen)
    services.consultation_advise(
        actor=coordinator_iii, consultation=in_iii, notes="Beraten.", recommended=[], expected_version=1
    )
    services.consultation_mark_applied(
        actor=coordinator_iii, consultation=in_iii, programme=None, expected_version=2
    )
    client.force_login(coordinator_iii)
    data = {"action": "approve", "approve-version": 3, "approve-result_amount": amount}
    if programme:
        data["approve-result_programme"] = chosen.pk
    response = client.post(url(in_iii), data, **H)
    assert response.status_code == 400 and message in response.content.decode()
    assert refreshed(in_iii).status == S.APPLIED and in_iii.result_amount is None


def test_project_offers_are_limited_to_the_organisation_or_its_places(
    client, essen, coordinator_iii, organisation, in_iii
):
    far = make_offer(essen, organisation, "Ferne Radtour", places=("Kettwig",))
    other_org = Organisation.objects.create(
        city=essen, name="Anderer Demo e. V.", slug="anderer-demo", kind="association"
    )
    near = make_offer(essen, other_org, "Nahes Sprachcafé", places=("Altendorf",))
    elsewhere = make_offer(essen, other_org, "Fernes Angebot", places=("Kettwig",))
    in_iii.organisation = organisation
    in_iii.save(update_fields=["organisation"])
    programme = make_programme(essen)
    services.consultation_advise(
        actor=coordinator_iii, consultation=in_iii, notes="Beraten.", recommended=[], expected_version=1
    )
    services.consultation_mark_applied(
        actor=coordinator_iii, consultation=in_iii, programme=programme, expected_version=2
    )
    services.consultation_decide(
        actor=coordinator_iii,
        consultation=in_iii,
        approved=True,
        programme=None,
        amount="10",
        expected_version=3,
    )
    client.force_login(coordinator_iii)
    page = client.get(url(in_iii), **H).content.decode()
    form = page.split('id="form-running"')[1].split("</form>")[0]
    assert "Ferne Radtour" in form and "Nahes Sprachcafé" in form and "Fernes Angebot" not in form
    response = client.post(
        url(in_iii), {"action": "running", "running-version": 4, "running-offers": [elsewhere.pk]}, **H
    )
    assert response.status_code == 400 and refreshed(in_iii).status == S.APPROVED
    response = client.post(
        url(in_iii), {"action": "running", "running-version": 4, "running-offers": [far.pk, near.pk]}, **H
    )
    assert response.status_code == 302 and set(refreshed(in_iii).offers.all()) == {far, near}


def test_stale_version_is_409_and_keeps_what_was_typed(client, essen, coordinator_iii, in_iii):
    colleague = make_user("kollegin-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    services.consultation_assign(
        actor=colleague, consultation=in_iii, user=colleague, expected_version=1
    )  # now version 2
    client.force_login(coordinator_iii)
    response = client.post(
        url(in_iii),
        {"action": "advise", "advise-version": 1, "advise-advice_notes": "Meine getippte Notiz <b>fett</b>"},
        **H,
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Jemand anderes hat diese Beratung inzwischen geändert" in page
    assert "Meine getippte Notiz &lt;b&gt;fett&lt;/b&gt;" in page
    assert 'name="advise-version" value="2"' in page
    assert (
        refreshed(in_iii).status == S.REQUESTED
        and in_iii.advice_notes == ""
        and in_iii.assigned_to == colleague
    )
    # Sent again against the current version, it goes through.
    response = client.post(
        url(in_iii), {"action": "advise", "advise-version": 2, "advise-advice_notes": "Meine Notiz"}, **H
    )
    assert response.status_code == 302 and refreshed(in_iii).advice_notes == "Meine Notiz"


def test_stale_version_on_confirm_is_409(client, essen, coordinator_iii, in_iii):
    start = timezone.now() + timedelta(days=3)
    services.consultation_slots_propose(
        actor=coordinator_iii,
        consultation=in_iii,
        slots=[(start, start + timedelta(hours=1), "Büro")],
        expected_version=1,
    )
    slot = in_iii.slots.get()
    client.force_login(coordinator_iii)
    response = client.post(
        url(in_iii), {"action": "confirm", "confirm-version": 1, "confirm-slot": slot.pk}, **H
    )
    assert response.status_code == 409 and refreshed(in_iii).status == S.SLOTS_PROPOSED
    assert 'name="confirm-version" value="2"' in response.content.decode()
    response = client.post(
        url(in_iii), {"action": "confirm", "confirm-version": 2, "confirm-slot": "abc"}, **H
    )
    assert response.status_code == 400 and refreshed(in_iii).status == S.SLOTS_PROPOSED


def test_hostile_input_is_escaped_and_never_500(client, essen, coordinator_iii):
    evil = make(
        essen, title="<script>alert(1)</script> Idee", description="<img src=x onerror=alert(1)> " * 5
    )
    client.force_login(coordinator_iii)
    for page in (client.get(LIST, **H), client.get(url(evil), **H)):
        text = page.content.decode()
        assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<img src=x" not in text
    assert client.get(LIST, {"q": "a\x00b"}, **H).status_code in (200, 400)
    assert client.get(LIST, {"district": "1" * 40}, **H).status_code == 400
    assert client.get("/de/arbeitsbereich/foerderberatung/abc/", **H).status_code == 404
    assert client.get("/de/arbeitsbereich/foerderberatung/99999999999999999999/", **H).status_code == 404
    assert (
        client.post(
            "/de/arbeitsbereich/foerderberatung/99999999999999999999/", {"action": "withdraw"}, **H
        ).status_code
        == 404
    )
    response = client.post(
        url(evil),
        {"action": "withdraw", "withdraw-version": 1, "withdraw-message": "Grund\x00 <script>x</script>"},
        **H,
    )
    # A NUL character is refused (400): nothing is withdrawn and no step is stored with it.
    assert response.status_code == 400 and refreshed(evil).status == S.REQUESTED
    assert "<script>x</script>" not in response.content.decode()
    steps = ConsultationStep.objects.filter(consultation=evil)
    assert [(step.to_status, step.message) for step in steps] == [(S.REQUESTED, "")]


def test_post_needs_csrf(essen, coordinator_iii, in_iii):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator_iii)
    response = client.post(url(in_iii), {"action": "withdraw", "withdraw-version": 1}, **H)
    assert response.status_code == 403 and refreshed(in_iii).status == S.REQUESTED


# --- admin ------------------------------------------------------------------------------------------------------


def test_admin_lists_programmes_and_audits_consultation_views(
    client, essen, platform_admin, in_iii, settings
):
    make_programme(essen)
    client.force_login(platform_admin)
    base = "/" + settings.ADMIN_PATH
    assert client.get(f"{base}funding/fundingprogramme/", **H).status_code == 200
    response = client.get(f"{base}funding/fundingconsultation/{in_iii.pk}/change/", **H)
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="funding.viewed", actor=platform_admin)
    assert (entry.target_type, entry.target_id) == ("funding.fundingconsultation", str(in_iii.pk))
