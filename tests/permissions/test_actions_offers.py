"""The offers' POST actions per role: creating an offer for the organisation of Stadtbezirk III, saving an offer of
it in Altendorf (III), confirming that offer. Each role gets the exact answer, and a refused POST changes nothing.

Allowed answers are redirects to the offer's editor; anonymous visitors are sent to the login (also a redirect,
which changes nothing either)."""

import pytest
from django.conf import settings

from quartier.offers.models import Offer
from quartier.organisations.models import Organisation
from quartier.places.models import District
from tests.offers.conftest import make_offer
from tests.offers.test_manage_pages import valid
from tests.permissions.test_access_matrix import ROLES, user_for

H = {"HTTP_HOST": "127.0.0.1"}
# The matrix's roles, with the organisation member belonging to the offer's organisation, plus a member of another.
ACTION_ROLES = [*ROLES, "other_organisation_member"]
MAINTAINERS = {
    "organisation_member",
    "coordinator_own_district",
    "fallback_team",
    "city_admin",
    "platform_admin",
}


def expected(refused: int) -> dict[str, int]:
    return {role: 302 if role in MAINTAINERS | {"anonymous"} else refused for role in ACTION_ROLES}


# action -> (path template, data, answer per role). A creator from another district or organisation may use the
# offers workspace but not publish for this organisation (403); an offer outside one's scope does not exist (404).
ACTIONS = {
    "offer_create": ("/de/arbeitsbereich/angebote/neu/{org}/", "create", expected(refused=403)),
    "offer_edit": ("/de/arbeitsbereich/angebote/{offer}/bearbeiten/", "edit", expected(refused=404)),
    "offer_confirm": ("/de/arbeitsbereich/angebote/{offer}/bestaetigen/", "confirm", expected(refused=404)),
}
# Who may not use the offers workspace at all: 403 for creating, whatever the organisation.
for role in ("competence_member", "central_steering"):
    ACTIONS["offer_create"][2][role] = 403


@pytest.fixture
def setup(essen):
    org = Organisation.objects.create(city=essen, name="Verein III", slug="verein-iii", kind="association")
    org.districts.set([District.objects.get(city=essen, number="III")])
    other = Organisation.objects.create(city=essen, name="Verein IV", slug="verein-iv", kind="association")
    other.districts.set([District.objects.get(city=essen, number="IV")])
    offer = make_offer(essen, org, "Sprachcafé Altendorf", places=("Altendorf",))
    Offer.objects.filter(pk=offer.pk).update(confirmed_at=offer.confirmed_at.replace(year=2025))
    return org, other, Offer.objects.get(pk=offer.pk)


def _user(role, essen, org, other):
    user = user_for("organisation_member" if role == "other_organisation_member" else role, essen)
    if role == "organisation_member":
        org.members.create(user=user)
    elif role == "other_organisation_member":
        other.members.create(user=user)
    return user


def _state():
    return list(Offer.objects.order_by("pk").values()), list(Offer.neighbourhoods.through.objects.values())


@pytest.mark.parametrize("role", ACTION_ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_offer_actions(client, essen, setup, action, role):
    org, other, offer = setup
    path, kind, answers = ACTIONS[action]
    user = _user(role, essen, org, other)
    if user:
        client.force_login(user)
    data = {}
    if kind == "create":
        data = valid(essen)
    elif kind == "edit":
        data = valid(essen, title="Sprachcafé Altendorf (neu)", version=str(offer.version))
    before = _state()
    r = client.post(path.format(org=org.pk, offer=offer.pk), data, **H)
    assert r.status_code == answers[role], f"{action} as {role}"
    if role == "anonymous":
        assert r["Location"].startswith(settings.LOGIN_URL) or "/konto/anmelden/" in r["Location"]
    allowed = r.status_code == 302 and role != "anonymous"
    if not allowed:
        assert _state() == before, f"a refused {action} as {role} changed data"
        return
    if kind == "create":
        created = Offer.objects.exclude(pk=offer.pk).get()
        assert created.organisation == org and r["Location"].endswith(f"/angebote/{created.pk}/bearbeiten/")
    else:
        offer.refresh_from_db()
        assert r["Location"].endswith(f"/angebote/{offer.pk}/bearbeiten/")
        if kind == "edit":
            assert offer.title == "Sprachcafé Altendorf (neu)"
        else:
            assert offer.confirmed_at.year > 2025
