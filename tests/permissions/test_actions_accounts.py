"""The access matrix of the accounts' POST actions: every role × every action, the exact answer, and a refused POST
changes nothing (an allowed one does change something, so the comparison can fail).

The actions act on staff accounts of Essen made by the `world` fixture: a coordinator of Stadtbezirk V with an
authenticator app (roles, deactivation, second-factor reset), an invited coordinator who has not accepted yet
(resend, the invitation link), a deactivated coordinator (reactivation). Renewing recovery codes acts on the
requesting account itself, which has an app and sends its current code.
"""

from dataclasses import dataclass

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from quartier.accounts import services, twofactor
from quartier.accounts.models import Membership, Role, StaffInvitation, User
from quartier.organisations.models import Organisation, OrganisationMember
from quartier.places.models import District
from tests.accounts.test_two_factor import code_for
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
PEOPLE_MANAGERS = {"city_admin", "platform_admin"}
WORKSPACE = set(ROLES) - {"anonymous", "no_role"}


def only(allowed: set[str]) -> tuple[dict[str, int], set[str]]:
    """(expected status per role, the roles for which the action is done): the allowed roles are sent on (302),
    visitors to the login page (302), everyone else gets 403."""
    return {role: 302 if role in allowed or role == "anonymous" else 403 for role in ROLES}, set(allowed)


def everyone(status: int, *, done: bool) -> tuple[dict[str, int], set[str]]:
    return dict.fromkeys(ROLES, status), set(ROLES) if done else set()


@dataclass
class World:
    target: User  # an active coordinator of V with an authenticator app
    invited: User  # invited, not yet accepted
    invitation_token: str
    deactivated: User


def user_for(role: str, essen) -> User | None:
    user = make_actor(role, essen, tag="aktion")
    if role in {"organisation_member", "organisation_manager"}:
        org = Organisation.objects.create(
            city=essen, name="Aktionsverein", slug="aktionsverein", kind="association"
        )
        org.districts.set([District.objects.get(city=essen, number="III")])
        role_in_org = "manager" if role == "organisation_manager" else "member"
        OrganisationMember.objects.create(organisation=org, user=user, role=role_in_org)
    return user


@pytest.fixture
def world(essen) -> World:
    setup_admin = make_user("einrichtung-aktion@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    target = make_user("ziel-aktion@example.org", roles=[(Role.COORDINATOR, "V")], city=essen)
    TOTPDevice.objects.create(user=target, name="authenticator", confirmed=True)
    twofactor._new_recovery_codes(target)
    tokens = []
    invited = services.staff_invite(
        actor=setup_admin,
        city=essen,
        email="eingeladen-aktion@example.org",
        first_name="Ina",
        last_name="Eingeladen",
        grants=[(Role.COORDINATOR.value, District.objects.get(city=essen, number="VI"))],
        accept_url_for=lambda token: tokens.append(token) or token,
    )
    deactivated = make_user("deaktiviert-aktion@example.org", roles=[(Role.COORDINATOR, "VI")], city=essen)
    services.staff_deactivate(actor=setup_admin, city=essen, user=deactivated)
    return World(target=target, invited=invited, invitation_token=tokens[0], deactivated=deactivated)


def state() -> tuple:
    """Everything the actions could change (not last_login, which logging in for the test sets)."""
    return (
        sorted(User.objects.values_list("pk", "email", "password", "is_active", "session_generation")),
        sorted(Membership.objects.values_list("user_id", "city_id", "role", "district_id")),
        sorted(StaffInvitation.objects.values_list("user_id", "token_hash", "accepted_at")),
        sorted(TOTPDevice.objects.values_list("user_id", "key", "confirmed")),
        sorted(StaticToken.objects.values_list("device__user_id", "token")),
    )


def _district(essen, numeral: str) -> int:
    return District.objects.get(city=essen, number=numeral).pk


# action -> (path, form data, expected status per role); paths and data are filled from the world.
ACTIONS = {
    "invite a person": (
        "/de/arbeitsbereich/personen/einladen/",
        lambda w, essen, user: {
            "email": "neu-aktion@example.org",
            "first_name": "Nora",
            "last_name": "Neu",
            "coordinator_districts": [_district(essen, "III")],
        },
        only(PEOPLE_MANAGERS),
    ),
    "change a person's roles": (
        "/de/arbeitsbereich/personen/{target}/",
        lambda w, essen, user: {"coordinator_districts": [_district(essen, "V"), _district(essen, "III")]},
        only(PEOPLE_MANAGERS),
    ),
    "resend an invitation": (
        "/de/arbeitsbereich/personen/{invited}/einladung-erneut-senden/",
        None,
        only(PEOPLE_MANAGERS),
    ),
    "deactivate a person": (
        "/de/arbeitsbereich/personen/{target}/deaktivieren/",
        None,
        only(PEOPLE_MANAGERS),
    ),
    "reactivate a person": (
        "/de/arbeitsbereich/personen/{deactivated}/reaktivieren/",
        None,
        only(PEOPLE_MANAGERS),
    ),
    "reset a person's second factor": (
        "/de/arbeitsbereich/personen/{target}/zweiten-faktor-zuruecksetzen/",
        None,
        only(PEOPLE_MANAGERS),
    ),
    # One's own recovery codes, with the current code of one's own app: every workspace role.
    "renew one's recovery codes": (
        "/de/arbeitsbereich/anmeldung-absichern/wiederherstellungscodes/",
        lambda w, essen, user: {
            # the code of the next time step: the current one was used for the login step
            "code": code_for(TOTPDevice.objects.get(user=user), steps_ahead=1) if user else "123456"
        },
        only(WORKSPACE),
    ),
    # The secret link is what authorises: whoever has it sets the invited person's password (and is then logged
    # in as that person).
    "accept a staff invitation": (
        "/de/konto/einladung/{token}/",
        lambda w, essen, user: {"new_password1": PASSWORD + "-neu", "new_password2": PASSWORD + "-neu"},
        everyone(302, done=True),
    ),
    "accept a staff invitation with a wrong link": (
        "/de/konto/einladung/falsches-token-0123456789/",
        lambda w, essen, user: {"new_password1": PASSWORD + "-neu", "new_password2": PASSWORD + "-neu"},
        everyone(404, done=False),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_account_actions(client, essen, world, action, role):
    path, data, (expected, done_by) = ACTIONS[action]
    user = user_for(role, essen)
    if user is not None:
        client.force_login(user)
        if action == "renew one's recovery codes":  # an app, and the login step done with its code
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            assert (
                client.post("/de/konto/zweiter-faktor/", {"code": code_for(device)}, **H).status_code == 302
            )
    path = path.format(
        target=world.target.pk,
        invited=world.invited.pk,
        deactivated=world.deactivated.pk,
        token=world.invitation_token,
    )
    form = data(world, essen, user) if data else {}
    before = state()
    response = client.post(path, form, **H)
    assert response.status_code == expected[role], f"{action} as {role}"
    if role in done_by:
        assert state() != before, f"{action} as {role} did nothing"
    else:
        assert state() == before, f"{action} as {role} changed something"
        if role == "anonymous" and expected[role] == 302:
            assert "/konto/anmelden/" in response["Location"]


def test_every_post_action_of_the_workspace_people_pages_is_in_the_matrix():
    """A new POST-only URL of accounts' workspace must be added to ACTIONS."""
    from quartier.accounts.urls import workspace

    post_only = {p.pattern.describe() for p in workspace.urlpatterns if "POST" in _methods(p.callback)}
    listed = {
        path.split("/arbeitsbereich/")[1]
        for path, _data, _expected in ACTIONS.values()
        if "/arbeitsbereich/" in path
    }
    named = {_pattern_to_path(p) for p in post_only}
    assert named <= {_generic(path) for path in listed}, named - {_generic(path) for path in listed}


def _methods(view) -> set[str]:
    """The methods a view allows, as require_http_methods / require_POST declare them (closure variable)."""
    for cell in getattr(view, "__closure__", None) or ():
        value = cell.cell_contents
        if isinstance(value, (list, tuple)) and value and all(isinstance(m, str) for m in value):
            return set(value)
    return set()


def _pattern_to_path(described: str) -> str:
    return described.split("'")[1].replace("<int:pk>", "{}")


def _generic(path: str) -> str:
    return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))
