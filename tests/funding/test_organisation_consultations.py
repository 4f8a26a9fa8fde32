"""Issue point 8: the programmes the applicant ticked on the coordinator's page, the consultations of one's own
organisations for its members, the form prefilled from the account, and the planned period with an open end."""

from datetime import date

import pytest
from django.utils import translation

from quartier.accounts.models import Role
from quartier.funding.models import FundingConsultation, FundingProgramme
from quartier.funding.templatetags.funding_tags import project_period
from quartier.organisations.models import Organisation
from tests.conftest import make_user

from .test_public_pages import FORM, post_data
from .test_workspace_pages import make, url

H = {"HTTP_HOST": "127.0.0.1"}
OWN = "/de/arbeitsbereich/foerderberatung/meine-organisationen/"
LIST = "/de/arbeitsbereich/foerderberatung/"


@pytest.fixture
def verein(essen):
    return Organisation.objects.create(
        city=essen,
        name="Nachbarschaftsverein Demo e. V.",
        slug="nachbarschaftsverein-demo",
        kind="association",
    )


@pytest.fixture
def other_verein(essen):
    return Organisation.objects.create(
        city=essen, name="Anderer Demo-Verein", slug="anderer-demo", kind="association"
    )


@pytest.fixture
def member(essen, verein):
    user = make_user("mitglied-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    user.first_name, user.last_name = "Dana", "Demo"
    user.save()
    verein.members.create(user=user)
    return user


def test_coordinator_sees_the_programmes_the_applicant_ticked(client, essen, coordinator_iii):
    fonds = FundingProgramme.objects.create(
        city=essen, name="Demo-Quartiersfonds", provider="Stadt", target="x"
    )
    FundingProgramme.objects.create(city=essen, name="Nicht angekreuzt (Demo)", provider="Land", target="y")
    consultation = make(essen, programmes=[fonds])
    client.force_login(coordinator_iii)
    html = client.get(url(consultation), **H).content.decode()
    start = html.index("Von den Antragsteller*innen angekreuzte Förderprogramme")
    ticked = html[start : html.index("</dd>", start)]
    assert "Demo-Quartiersfonds" in ticked and "Nicht angekreuzt (Demo)" not in ticked
    html = client.get(url(make(essen, title="Ohne Programme")), **H).content.decode()
    start = html.index("Von den Antragsteller*innen angekreuzte Förderprogramme")
    assert "keine angekreuzt" in html[start : html.index("</dd>", start)]


def test_period_with_an_open_end_or_start():
    with translation.override("de"):
        open_end = project_period(date(2027, 3, 1), None)
        assert open_end.startswith("ab ") and "–" not in open_end and "2027" in open_end
        open_start = project_period(None, date(2027, 6, 30))
        assert open_start.startswith("bis ") and "–" not in open_start
        both = project_period(date(2027, 3, 1), date(2027, 6, 30))
        assert both.count("–") == 1 and not both.endswith("–")
        assert project_period(None, None) == ""


def test_detail_page_period_without_an_end(client, essen, coordinator_iii):
    consultation = make(essen, period_start=date(2027, 3, 1))
    client.force_login(coordinator_iii)
    html = client.get(url(consultation), **H).content.decode()
    start = html.index("Zeitraum")
    shown = html[start : html.index("</dd>", start)]
    assert "ab " in shown and "– –" not in shown and not shown.rstrip().endswith("–")


def test_logged_in_member_gets_a_prefilled_form(client, essen, member, verein):
    client.force_login(member)
    html = client.get(FORM, **H).content.decode()
    assert 'value="Dana Demo"' in html
    assert 'value="mitglied-demo@example.org"' in html
    assert 'value="Nachbarschaftsverein Demo e. V."' in html
    # Anonymous visitors get an empty form.
    client.logout()
    html = client.get(FORM, **H).content.decode()
    assert "mitglied-demo@example.org" not in html and 'value="Nachbarschaftsverein Demo e. V."' not in html


def test_member_of_several_organisations_gets_no_organisation_guessed(client, essen, member, other_verein):
    other_verein.members.create(user=member)
    client.force_login(member)
    html = client.get(FORM, **H).content.decode()
    assert 'value="Dana Demo"' in html
    assert 'value="Nachbarschaftsverein Demo e. V."' not in html and 'value="Anderer Demo-Verein"' not in html


def test_sent_by_a_member_belongs_to_the_organisation_and_shows_in_its_list(
    client, essen, member, verein, other_verein
):
    client.force_login(member)
    response = client.post(
        FORM, post_data(essen, organisation_name="  nachbarschaftsverein demo e. V. "), **H
    )
    assert response.status_code == 200
    mine = FundingConsultation.objects.get()
    assert mine.organisation == verein
    # A name of an organisation the sender does not belong to links nothing.
    response = client.post(
        FORM, post_data(essen, title="Fremde Idee", organisation_name="Anderer Demo-Verein"), **H
    )
    assert response.status_code == 200
    assert FundingConsultation.objects.get(title="Fremde Idee").organisation is None
    # Sent anonymously with the organisation's name: not linked either (anyone can type a name).
    client.logout()
    client.post(FORM, post_data(essen, title="Anonym gesendet"), **H)
    assert FundingConsultation.objects.get(title="Anonym gesendet").organisation is None
    # Another organisation's consultation (filed by a member of it) stays out of the list.
    make(essen, title="Idee des anderen Vereins", organisation=other_verein)

    client.force_login(member)
    response = client.get(LIST, **H)
    assert response.status_code == 302 and response["Location"].endswith(OWN)
    html = client.get(OWN, **H).content.decode()
    assert mine.title in html
    assert (
        "Fremde Idee" not in html and "Anonym gesendet" not in html and "Idee des anderen Vereins" not in html
    )
    assert "antrag-demo@example.org" not in html  # no contact data in the list
    assert "Demo-Quartiersfonds" not in html  # nothing ticked, nothing invented
    # The workspace menu leads there.
    assert OWN in client.get("/de/arbeitsbereich/", **H).content.decode()


def test_own_list_for_people_without_an_organisation_is_empty(client, essen, coordinator_iii, verein):
    make(essen, organisation=verein)
    client.force_login(coordinator_iii)
    response = client.get(OWN, **H)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sie sind kein Mitglied einer Organisation in dieser Stadt." in html
    assert "Sprachcafé für Frauen" not in html
    # Handlers keep their own list at the usual address.
    assert client.get(LIST, **H).status_code == 200


def test_own_list_bounded_queries_and_hostile_page(
    client, essen, member, verein, django_assert_max_num_queries
):
    for i in range(12):
        make(essen, title=f"Idee {i}", organisation=verein)
    client.force_login(member)
    with django_assert_max_num_queries(15):
        response = client.get(OWN, **H)
    assert response.status_code == 200 and "Idee 11" in response.content.decode()
    for page in ("0", "-1", "abc", "99999999999999999999", "<script>"):
        assert client.get(OWN, {"page": page}, **H).status_code == 200
    client.logout()
    response = client.get(OWN, **H)
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
