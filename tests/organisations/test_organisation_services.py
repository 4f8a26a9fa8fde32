"""Organisations: who may create and manage them, invitations by e-mail, accepting them."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quartier.accounts.models import Membership, Role, User
from quartier.core.models import AuditEntry
from quartier.organisations import selectors, services
from quartier.organisations.models import Invitation, Organisation
from quartier.places.models import District
from tests.conftest import make_user


def district(essen, numeral):
    return District.objects.get(city=essen, number=numeral)


def url_for(token):
    return f"http://127.0.0.1/de/einladung/{token}/"


@pytest.fixture
def city_admin(essen):
    return make_user("admin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)


@pytest.fixture
def verein(essen, coordinator_iii):
    return services.organisation_create(
        actor=coordinator_iii,
        city=essen,
        name="Demo-Verein Begegnung Frohnhausen e. V.",
        kind="association",
        districts=[district(essen, "III")],
        description="Fiktiver Verein (Demo).",
        is_demo=True,
    )


def test_coordinator_creates_in_own_district_and_it_is_audited(essen, coordinator_iii, verein):
    assert verein.slug == "demo-verein-begegnung-frohnhausen-e-v"
    entry = AuditEntry.objects.get(action="organisation.created", target_id=str(verein.pk))
    assert entry.actor == coordinator_iii and entry.changes["districts"] == [
        None,
        [district(essen, "III").pk],
    ]


def test_coordinator_cannot_create_in_another_district(essen, coordinator_iii):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=coordinator_iii, city=essen, name="X", kind="other", districts=[district(essen, "IV")]
        )
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=coordinator_iii, city=essen, name="X", kind="other", districts=[])
    assert not Organisation.objects.exists()


def test_citywide_staff_create_anywhere(essen):
    team = make_user("zentrale-o@example.org", roles=[(Role.FALLBACK, None)], city=essen)
    org = services.organisation_create(
        actor=team, city=essen, name="Stadtweit", kind="initiative", districts=[]
    )
    assert org.pk


def test_same_name_gets_a_distinct_slug(essen, coordinator_iii, verein):
    other = services.organisation_create(
        actor=coordinator_iii,
        city=essen,
        name=verein.name,
        kind="association",
        districts=[district(essen, "III")],
    )
    assert other.slug == verein.slug + "-2"


def test_invalid_data_stores_nothing(essen, coordinator_iii):
    for fields in [
        {"name": "", "kind": "association"},
        {"name": "A", "kind": "nonsense"},
        {"name": "x" * 300, "kind": "association"},
        {"name": "A", "kind": "other", "website": "javascript:alert(1)"},
        {"name": "A", "kind": "other", "email": "kein-mail"},
    ]:
        with pytest.raises(ValidationError):
            services.organisation_create(
                actor=coordinator_iii, city=essen, districts=[district(essen, "III")], **fields
            )
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.filter(action="organisation.created").exists()


def test_update_by_coordinator_of_another_district_is_refused(essen, coordinator_iv, verein):
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=coordinator_iv, organisation=verein, description="übernommen")
    verein.refresh_from_db()
    assert verein.description == "Fiktiver Verein (Demo)."


def test_invitation_by_email_and_acceptance(essen, city_admin, verein):
    services.invitation_send(
        actor=city_admin, organisation=verein, email="Vorstand@Example.org", accept_url_for=url_for
    )
    (message,) = mail.outbox
    assert message.to == ["vorstand@example.org"]
    assert verein.name in message.body
    token = re.search(r"/de/einladung/([\w-]+)/", message.body).group(1)
    assert len(token) >= 22  # at least 128 bits
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash  # only the hash is stored
    user = services.invitation_accept(
        token=token, first_name="Erika", last_name="Demo", password="ein-langes-passwort-1"
    )
    assert user.check_password("ein-langes-passwort-1")
    assert verein.members.filter(user=user).exists()
    assert Membership.objects.filter(user=user, city=essen, role=Role.ORGANISATION_MEMBER).exists()
    with pytest.raises(ValidationError):
        services.invitation_accept(
            token=token, first_name="E", last_name="D", password="noch-ein-passwort-22"
        )


def test_invitation_to_an_existing_account_adds_the_membership(essen, city_admin, verein, coordinator_iv):
    services.invitation_send(
        actor=city_admin, organisation=verein, email=coordinator_iv.email, accept_url_for=url_for
    )
    token = re.search(r"/de/einladung/([\w-]+)/", mail.outbox[0].body).group(1)
    # Only the account itself, logged in, accepts; a password typed by someone else does nothing.
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, first_name="", last_name="", password="egal-egal-egal-1")
    user = services.invitation_accept(token=token, user=coordinator_iv)
    assert user == coordinator_iv
    assert User.objects.filter(email__iexact=coordinator_iv.email).count() == 1


def test_expired_or_wrong_tokens_are_not_found(essen, city_admin, verein):
    services.invitation_send(
        actor=city_admin, organisation=verein, email="a@example.org", accept_url_for=url_for
    )
    token = re.search(r"/de/einladung/([\w-]+)/", mail.outbox[0].body).group(1)
    assert selectors.invitation_for_token(token) is not None
    for wrong in ["", "x", token[:-1], "x" * 1000, "' OR 1=1 --"]:
        assert selectors.invitation_for_token(wrong) is None
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert selectors.invitation_for_token(token) is None


def test_only_managers_invite(essen, coordinator_iv, verein):
    with pytest.raises(PermissionDenied):
        services.invitation_send(
            actor=coordinator_iv, organisation=verein, email="a@example.org", accept_url_for=url_for
        )
    assert mail.outbox == [] and not Invitation.objects.exists()
