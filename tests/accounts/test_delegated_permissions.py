"""Places, one layer below accounts, knows no roles: it asks `user.has_perm("places.edit_postcode_pairs", city)`,
and accounts' login backend answers from the roles (accounts/permissions.py, DELEGATED_PERMISSIONS)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from quartier.accounts.models import Role
from quartier.places.models import City
from quartier.places.permissions import EDIT_POSTCODE_PAIRS, can_edit_postcode_pairs
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "district", "allowed"),
    [
        (Role.CITY_ADMIN, None, True),
        (Role.FALLBACK, None, False),
        (Role.CENTRAL_STEERING, None, False),
        (Role.ORGANISATION_MEMBER, None, False),
        (Role.COORDINATOR, "III", False),
        (Role.COMPETENCE_MEMBER, "III", False),
    ],
)
def test_city_administrators_of_this_city_only(essen, role, district, allowed):
    other = City.objects.create(slug="bochum", name="Bochum", domain="bochum.example.org")
    user = make_user("rolle-demo@example.org", roles=[(role, district)], city=essen)
    assert can_edit_postcode_pairs(user, essen) is allowed
    assert user.has_perm(EDIT_POSTCODE_PAIRS, essen) is allowed
    assert can_edit_postcode_pairs(user, other) is False


def test_anonymous_visitors_are_refused(essen):
    assert can_edit_postcode_pairs(AnonymousUser(), essen) is False


def test_platform_administrators_may_everywhere(essen, platform_admin):
    assert can_edit_postcode_pairs(platform_admin, essen) is True


def test_other_permissions_are_still_djangos(essen):
    """The backend answers only the delegated names; everything else stays with Django's ModelBackend."""
    user = make_user("stadt-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    assert user.has_perm("places.change_postcode") is False
