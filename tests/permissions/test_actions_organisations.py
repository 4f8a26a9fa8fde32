"""The access matrix of the organisations' POST actions: every role × every action, the exact answer, and a refused
POST changes nothing (an allowed one does change something, so the comparison can fail).

The actions act on an organisation active in Stadtbezirk III made by the `world` fixture, with a member, an open
invitation, and an invitation for a new account (its secret link). The matrix's organisation member and manager
belong to that organisation; "coordinator_own_district" coordinates III, "coordinator_other_district" IV.
"""

from dataclasses import dataclass

import pytest

from quartier.accounts.models import Role, User
from quartier.organisations import services
from quartier.organisations.models import Invitation, Organisation, OrganisationMember
from quartier.places.models import District
from tests.conftest import PASSWORD, make_user
from tests.permissions.roles import make_actor

H = {"HTTP_HOST": "127.0.0.1"}
ROLES = [
    "anonymous",
    "no_role",
    "organisation_member",
    "organisation_manager",
    "coordinator_other_district",
    "coordinator_own_district",
    "city_admin",
    "platform_admin",
]
# Who changes the members: the organisation's managers, the city administration, platform administrators.
MEMBER_CHANGERS = {"organisation_manager", "city_admin", "platform_admin"}


def expect(done_by: set[str], **others: int) -> tuple[dict[str, int], set[str]]:
    """(expected status per role, the roles for which the action is done): done is a redirect (302), visitors are
    sent to the login page (302), a logged-in account without a workspace role gets 403; `others` sets the rest
    (by default 403)."""
    expected = {role: 302 if role in done_by else others.get(role, 403) for role in ROLES}
    expected["anonymous"] = 302
    return expected, done_by


@dataclass
class World:
    organisation: Organisation
    member: OrganisationMember  # someone else's membership, to change or remove
    invitation: Invitation  # open, to withdraw
    new_account_token: str  # the secret link of an invitation for an address without an account


@pytest.fixture
def world(essen) -> World:
    setup_admin = make_user("einrichtung-org-aktion@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    org = Organisation.objects.create(
        city=essen, name="Aktionsverein III", slug="aktionsverein-iii", kind="association"
    )
    org.districts.set([District.objects.get(city=essen, number="III")])
    other = make_user("mitglied-org-aktion@example.org", city=essen)
    member = OrganisationMember.objects.create(
        organisation=org, user=other, role="member", added_by=setup_admin
    )
    tokens = []

    def url_for(token):
        tokens.append(token)
        return token

    invitation = services.invitation_send(
        actor=setup_admin, organisation=org, email="offen-org-aktion@example.org", accept_url_for=url_for
    )
    services.invitation_send(
        actor=setup_admin, organisation=org, email="neu-konto-org-aktion@example.org", accept_url_for=url_for
    )
    return World(organisation=org, member=member, invitation=invitation, new_account_token=tokens[1])


def user_for(role: str, essen, world: World) -> User | None:
    user = make_actor(role, essen, tag="org-aktion")
    if role in {"organisation_member", "organisation_manager"}:
        OrganisationMember.objects.create(
            organisation=world.organisation,
            user=user,
            role="manager" if role == "organisation_manager" else "member",
            added_by=world.invitation.invited_by,
        )
    return user


def state() -> tuple:
    """Everything the actions could change."""
    return (
        sorted(
            Organisation.objects.values_list(
                "pk", "name", "slug", "kind", "description", "contact_name", "email", "phone", "website"
            )
        ),
        sorted(Organisation.districts.through.objects.values_list("organisation_id", "district_id")),
        sorted(OrganisationMember.objects.values_list("organisation_id", "user_id", "role")),
        sorted(
            Invitation.objects.values_list("organisation_id", "email", "role", "token_hash", "accepted_at")
        ),
        sorted(User.objects.values_list("pk", "email", "password", "is_active")),
    )


def _iii(essen) -> int:
    return District.objects.get(city=essen, number="III").pk


DETAIL = "/de/arbeitsbereich/organisationen/{org}/"
# action -> (path, form data, (expected status per role, the roles for which it is done)).
ACTIONS = {
    # Coordinators create organisations only in their own districts (another district: the form says so, 400).
    "create an organisation": (
        "/de/arbeitsbereich/organisationen/neu/",
        lambda w, essen: {"name": "Neuer Verein", "kind": "association", "districts": [_iii(essen)]},
        expect({"coordinator_own_district", "city_admin", "platform_admin"}, coordinator_other_district=400),
    ),
    # The organisation's data: those who manage it and those who act for it; others do not see it (404).
    "edit the organisation": (
        DETAIL,
        lambda w, essen: {
            "action": "save",
            "name": "Aktionsverein III (geändert)",
            "kind": "association",
            "districts": [_iii(essen)],
        },
        expect(
            {
                "organisation_member",
                "organisation_manager",
                "coordinator_own_district",
                "city_admin",
                "platform_admin",
            },
            coordinator_other_district=404,
        ),
    ),
    "invite a member": (
        DETAIL,
        lambda w, essen: {"action": "invite", "email": "neu-org-aktion@example.org", "role": "member"},
        expect(MEMBER_CHANGERS, coordinator_other_district=404),
    ),
    "remove a member": (
        DETAIL,
        lambda w, essen: {"action": "member_remove", "member": w.member.pk},
        expect(MEMBER_CHANGERS, coordinator_other_district=404),
    ),
    "change a member's role": (
        DETAIL,
        lambda w, essen: {"action": "member_role", "member": w.member.pk, "role": "manager"},
        expect(MEMBER_CHANGERS, coordinator_other_district=404),
    ),
    "withdraw an invitation": (
        DETAIL,
        lambda w, essen: {"action": "invitation_withdraw", "invitation": w.invitation.pk},
        expect(MEMBER_CHANGERS, coordinator_other_district=404),
    ),
    # An invitation for a new account is accepted without being logged in (the account is made); anyone logged in
    # is refused (403).
    "accept an invitation": (
        "/de/einladung/{token}/",
        lambda w, essen: {
            "first_name": "Nina",
            "last_name": "Neu",
            "password1": PASSWORD + "-neu",
            "password2": PASSWORD + "-neu",
        },
        ({**dict.fromkeys(ROLES, 403), "anonymous": 302}, {"anonymous"}),
    ),
    "accept an invitation with a wrong link": (
        "/de/einladung/falsches-token-0123456789/",
        lambda w, essen: {"first_name": "Nina", "last_name": "Neu"},
        (dict.fromkeys(ROLES, 404), set()),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_organisation_actions(client, essen, world, action, role):
    path, data, (expected, done_by) = ACTIONS[action]
    user = user_for(role, essen, world)
    if user is not None:
        client.force_login(user)
    path = path.format(org=world.organisation.pk, token=world.new_account_token)
    before = state()
    response = client.post(path, data(world, essen), **H)
    assert response.status_code == expected[role], f"{action} as {role}"
    if role in done_by:
        assert state() != before, f"{action} as {role} did nothing"
    else:
        assert state() == before, f"{action} as {role} changed something"
        if role == "anonymous" and expected[role] == 302:
            assert "/konto/anmelden/" in response["Location"]
