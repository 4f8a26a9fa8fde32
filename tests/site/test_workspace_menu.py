"""The workspace navigation (site/menu.py, composed from every room's menu.py): which links each role sees, in
which order, and how a link with a count of open work is drawn."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from quartier.accounts.models import Role
from quartier.organisations.models import Organisation, OrganisationMember
from quartier.site.menu import all_entries, entries_for
from tests.conftest import PASSWORD, make_user

EVERYONE = ["workspace:home", "workspace:organisations", "workspace:events"]
ADMINISTRATION = [
    *EVERYONE,
    "workspace:suggestions",
    "workspace:funding",
    "workspace:offer_coverage",
    "workspace:offers",
    "workspace:people",
    "workspace:audit",
    "workspace:postcode_pairs",
    "workspace:two_factor",
]
EXPECTED = {
    "coordinator": [
        *EVERYONE,
        "workspace:suggestions",
        "workspace:funding",
        "workspace:offer_coverage",
        "workspace:offers",
        "workspace:two_factor",
    ],
    "city_admin": ADMINISTRATION,
    "platform_admin": ADMINISTRATION,
    "organisation_member": [
        *EVERYONE,
        "workspace:funding_organisations",
        "workspace:offers",
        "workspace:two_factor",
    ],
    "competence_member": [*EVERYONE, "workspace:two_factor"],
    "central_steering": [*EVERYONE, "workspace:offer_coverage", "workspace:two_factor"],
}


def _user(role, essen):
    if role == "platform_admin":
        return make_user("platform-menu@example.org", superuser=True)
    if role == "organisation_member":
        user = make_user("member-menu@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
        organisation = Organisation.objects.create(
            city=essen, name="Menü-Verein", slug="menue-verein", kind="association"
        )
        OrganisationMember.objects.create(organisation=organisation, user=user)
        return user
    district = "III" if role in {"coordinator", "competence_member"} else None
    return make_user(f"{role.replace('_', '-')}-menu@example.org", roles=[(Role(role), district)], city=essen)


def _nav_links(client, user) -> list[str]:
    assert client.login(username=user.email, password=PASSWORD)
    html = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").content.decode()
    nav = html.split('href="/de/foerderberatung/"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<li><a class="kern-link" href="([^"]+)">', nav)


def test_entries_are_composed_from_every_room_in_menu_order():
    orders = [entry.order for entry in all_entries()]
    assert orders == sorted(orders)
    assert {entry.url_name for entry in all_entries()} == {*ADMINISTRATION, "workspace:funding_organisations"}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_links_in_order(role, essen, client):
    user = _user(role, essen)
    assert [entry.url_name for entry in entries_for(user, essen)] == EXPECTED[role]
    links = _nav_links(client, user)
    assert len(links) == len(EXPECTED[role])
    assert links[0] == "/de/arbeitsbereich/" and links[-1] == "/de/arbeitsbereich/anmeldung-absichern/"


def test_signed_out_sees_no_links(essen):
    assert entries_for(AnonymousUser(), essen) == []


def test_a_handler_sees_the_open_work_counted(essen, client):
    user = _user("city_admin", essen)
    assert client.login(username=user.email, password=PASSWORD)
    html = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").content.decode()
    assert (
        '<li><a class="kern-link" href="/de/arbeitsbereich/vorschlaege/">Vorschläge '
        '<span class="suggestion-count">(0 offen)</span></a></li>'
    ) in html
    assert (
        '<li><a class="kern-link" href="/de/arbeitsbereich/foerderberatung/">Förderberatung '
        '<span class="funding-count">(0 offen)</span></a></li>'
    ) in html
