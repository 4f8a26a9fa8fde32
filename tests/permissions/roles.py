"""The roles of the POST access matrices (tests/permissions/test_actions_*.py): one user per role, and who
handles work of Stadtbezirk III, where the matrices' objects are."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from quartier.accounts.models import Role
from tests.conftest import make_user

ROLES = {
    "anonymous": None,
    "organisation_member": [(Role.ORGANISATION_MEMBER, None)],
    "coordinator_own_district": [(Role.COORDINATOR, "III")],
    "coordinator_other_district": [(Role.COORDINATOR, "IV")],
    "fallback_team": [(Role.FALLBACK, None)],
    "competence_member": [(Role.COMPETENCE_MEMBER, "III")],
    "central_steering": [(Role.CENTRAL_STEERING, None)],
    "city_admin": [(Role.CITY_ADMIN, None)],
    "platform_admin": [],
}
HANDLES_III = {"coordinator_own_district", "city_admin", "platform_admin"}
HANDLES_OTHERS = {"coordinator_other_district", "fallback_team"}  # Stadtbezirk III is not theirs: 404


@pytest.fixture
def people(essen):
    """One user per role (so that Stadtbezirk III has its coordinator, and the fallback team is not asked)."""
    return {
        role: make_user(
            f"{role.replace('_', '-')}-demo@example.org",
            roles=spec,
            city=essen,
            superuser=role == "platform_admin",
        )
        for role, spec in ROLES.items()
        if spec is not None
    }


def expect_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
