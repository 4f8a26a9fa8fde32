"""The roles of the POST access matrices (tests/permissions/test_actions_*.py): one user per role, and who
handles work of Stadtbezirk III, where the matrices' objects are."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from quartier.accounts.models import Role
from tests.conftest import make_user

# Every actor the matrices use, with their memberships in the test city ("no_role" has an account and no role;
# an organisation's members get their organisation in the matrix that needs it).
MEMBERSHIPS = {
    "no_role": [],
    "organisation_member": [(Role.ORGANISATION_MEMBER, None)],
    "organisation_manager": [(Role.ORGANISATION_MEMBER, None)],
    "coordinator_own_district": [(Role.COORDINATOR, "III")],
    "coordinator_other_district": [(Role.COORDINATOR, "IV")],
    "fallback_team": [(Role.FALLBACK, None)],
    "competence_member": [(Role.COMPETENCE_MEMBER, "III")],
    "central_steering": [(Role.CENTRAL_STEERING, None)],
    "city_admin": [(Role.CITY_ADMIN, None)],
    "platform_admin": [],
}
# The staff roles, in the order the matrices list them.
STAFF_ROLES = (
    "coordinator_own_district",
    "coordinator_other_district",
    "fallback_team",
    "competence_member",
    "central_steering",
    "city_admin",
    "platform_admin",
)
ROLES = {"anonymous": None, **{role: MEMBERSHIPS[role] for role in ("organisation_member", *STAFF_ROLES)}}
HANDLES_III = {"coordinator_own_district", "city_admin", "platform_admin"}
HANDLES_OTHERS = {"coordinator_other_district", "fallback_team"}  # Stadtbezirk III is not theirs: 404


def make_actor(role: str, city, *, tag: str = ""):
    """The user acting as `role` in `city` (None for "anonymous"); `tag` keeps one matrix's e-mails its own."""
    if role == "anonymous":
        return None
    return make_user(
        f"{role.replace('_', '-')}{'-' + tag if tag else ''}@example.org",
        roles=MEMBERSHIPS[role],
        city=city,
        superuser=role == "platform_admin",
    )


@pytest.fixture
def people(essen):
    """One user per role (so that Stadtbezirk III has its coordinator, and the fallback team is not asked)."""
    return {role: make_actor(role, essen, tag="demo") for role, spec in ROLES.items() if spec is not None}


def expect_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
