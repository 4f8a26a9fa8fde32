"""The places' POST actions per role: pairing a postcode with a Stadtteil and removing a pair the city added. Only
city administrators and platform administrators may; each role gets the exact answer, and a refused POST changes
nothing."""

import pytest

from quartier.accounts.models import Role
from quartier.places.models import Neighbourhood, PlaceSource, Postcode, PostcodeNeighbourhood
from quartier.places.services import postcode_pair_add
from tests.conftest import make_user
from tests.permissions.test_access_matrix import ROLES, user_for

H = {"HTTP_HOST": "127.0.0.1"}
EDITORS = {"city_admin", "platform_admin"}
ANSWERS = {role: 302 if role in EDITORS | {"anonymous"} else 403 for role in ROLES}
ACTIONS = ["postcode_pair_add", "postcode_pair_remove"]


@pytest.fixture
def city_pair(essen):
    """A pair the city added (45276 ↔ Steele); reference pairs cannot be removed."""
    admin = make_user("plz-fixture@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    steele = Neighbourhood.objects.get(city=essen, name="Steele")
    return postcode_pair_add(city=essen, code="45276", neighbourhood=steele, actor=admin)


def _state():
    return list(Postcode.objects.order_by("pk").values()), list(
        PostcodeNeighbourhood.objects.order_by("pk").values()
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_postcode_pair_actions(client, essen, city_pair, action, role):
    user = user_for(role, essen)
    if user:
        client.force_login(user)
    if action == "postcode_pair_add":
        kray = Neighbourhood.objects.get(city=essen, name="Kray")
        path, data = (
            "/de/arbeitsbereich/postleitzahlen/zuordnen/",
            {"code": "45276", "neighbourhood": kray.pk},
        )
    else:
        path, data = f"/de/arbeitsbereich/postleitzahlen/{city_pair.pk}/entfernen/", {}
    before = _state()
    r = client.post(path, data, **H)
    assert r.status_code == ANSWERS[role], f"{action} as {role}"
    if role not in EDITORS:
        if role == "anonymous":
            assert "/konto/anmelden/" in r["Location"]
        assert _state() == before, f"a refused {action} as {role} changed data"
        return
    assert r["Location"].endswith("/arbeitsbereich/postleitzahlen/")
    pairs = PostcodeNeighbourhood.objects.filter(
        postcode__city=essen, postcode__code="45276", source=PlaceSource.CITY
    )
    if action == "postcode_pair_add":
        assert sorted(pairs.values_list("neighbourhood__name", flat=True)) == ["Kray", "Steele"]
    else:
        assert not pairs.exists()
