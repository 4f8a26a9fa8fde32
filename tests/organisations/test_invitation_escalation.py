"""A coordinator cannot widen their own scope through an organisation's invitations and memberships.

The attack this guards against: a coordinator invites their own address into an organisation active in their
district, accepts without logging in (typing any password on the invitation page), and then creates and cancels
that organisation's events in other districts. Each step fails on its own; and a coordinator who legitimately
belongs to an organisation still organises its events only in their own districts.
"""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from quartier.accounts.models import Membership, Role
from quartier.core.models import AuditEntry
from quartier.events import services as event_services
from quartier.events.models import Event
from quartier.events.permissions import can_manage_registrations, is_organiser
from quartier.organisations import permissions, services
from quartier.organisations.models import Invitation, MemberRole, Organisation, OrganisationMember
from quartier.places.models import District, Neighbourhood
from tests.conftest import PASSWORD, make_user
from tests.events.conftest import draft

H = {"HTTP_HOST": "127.0.0.1"}
S = Event.Status


def url_for(token):
    return f"http://127.0.0.1/de/einladung/{token}/"


def link_of(message) -> str:
    return re.search(r"http://127\.0\.0\.1(/de/einladung/[\w-]+/)", message.body).group(1)


def token_of(message) -> str:
    return re.search(r"/de/einladung/([\w-]+)/", message.body).group(1)


@pytest.fixture
def city_admin(essen):
    return make_user("stadt-admin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)


@pytest.fixture
def verein(essen):
    org = Organisation.objects.create(
        city=essen, name="Demo-Verein Begegnung", slug="demo-b", kind="association"
    )
    org.districts.set([District.objects.get(city=essen, number="III")])
    return org


@pytest.fixture
def manager(essen, verein, city_admin):
    """The organisation's first person, invited by the city administration (so a manager)."""
    services.invitation_send(
        actor=city_admin, organisation=verein, email="vorstand-demo@example.org", accept_url_for=url_for
    )
    user = services.invitation_accept(
        token=token_of(mail.outbox[-1]),
        first_name="Vera",
        last_name="Vorstand",
        password="ein-langes-passwort-1",
    )
    mail.outbox.clear()
    return user


def neighbourhood(essen, numeral):
    return Neighbourhood.objects.filter(city=essen, district__number=numeral).order_by("pk").first()


# --- step 1: inviting ---------------------------------------------------------------------------------------


def test_a_coordinator_cannot_invite_into_an_organisation_of_their_district(
    client, essen, verein, coordinator_iii
):
    assert permissions.can_manage(coordinator_iii, verein)  # they may edit its data ...
    with pytest.raises(PermissionDenied):  # ... but not decide who belongs to it
        services.invitation_send(
            actor=coordinator_iii, organisation=verein, email=coordinator_iii.email, accept_url_for=url_for
        )
    client.force_login(coordinator_iii)
    page = f"/de/arbeitsbereich/organisationen/{verein.pk}/"
    r = client.post(page, {"action": "invite", "email": coordinator_iii.email, "role": "manager"}, **H)
    assert r.status_code == 403
    assert "Person einladen" not in client.get(page, **H).content.decode()
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_nobody_invites_their_own_address(essen, verein, city_admin, manager):
    for actor in (city_admin, manager):
        for address in (actor.email, f"  {actor.email.upper()} "):
            with pytest.raises(ValidationError, match="nicht selbst einladen"):
                services.invitation_send(
                    actor=actor, organisation=verein, email=address, accept_url_for=url_for
                )
    assert mail.outbox == [] and not Invitation.objects.filter(accepted_at__isnull=True).exists()


def test_a_plain_member_cannot_invite_but_a_manager_can_as_member_or_manager(essen, verein, manager):
    services.invitation_send(
        actor=manager, organisation=verein, email="mitglied-demo@example.org", accept_url_for=url_for
    )
    member = services.invitation_accept(
        token=token_of(mail.outbox[-1]), first_name="M", last_name="D", password="ein-langes-passwort-2"
    )
    assert OrganisationMember.objects.get(user=member).role == MemberRole.MEMBER
    assert OrganisationMember.objects.get(user=member).added_by == manager
    with pytest.raises(PermissionDenied):
        services.invitation_send(
            actor=member, organisation=verein, email="x-demo@example.org", accept_url_for=url_for
        )
    services.invitation_send(
        actor=manager,
        organisation=verein,
        email="zweite-demo@example.org",
        role=MemberRole.MANAGER,
        accept_url_for=url_for,
    )
    assert Invitation.objects.get(email="zweite-demo@example.org").role == MemberRole.MANAGER
    assert "Mitglieder der Organisation zu verwalten" in mail.outbox[-1].body


def test_the_first_person_invited_by_staff_becomes_manager(essen, verein, city_admin):
    services.invitation_send(
        actor=city_admin, organisation=verein, email="erste-demo@example.org", accept_url_for=url_for
    )
    assert Invitation.objects.get().role == MemberRole.MANAGER


# --- step 2: accepting --------------------------------------------------------------------------------------


def test_an_existing_account_is_not_joined_by_typing_a_password(
    client, essen, verein, city_admin, coordinator_iii
):
    """The old hole: the invitation page created the membership for an existing account without a login."""
    services.invitation_send(
        actor=city_admin, organisation=verein, email=coordinator_iii.email, accept_url_for=url_for
    )
    link = link_of(mail.outbox[-1])
    data = {
        "first_name": "X",
        "last_name": "Y",
        "password1": "irgendein-passwort-9",
        "password2": "irgendein-passwort-9",
    }
    page = client.get(link, **H)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bitte melden Sie sich an" in text and "/de/konto/anmelden/?next=" in text
    assert 'name="password1"' not in text
    r = client.post(link, data, **H)
    assert r.status_code == 403
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token_of(mail.outbox[-1]), password="irgendein-passwort-9")
    assert not OrganisationMember.objects.filter(user=coordinator_iii).exists()
    coordinator_iii.refresh_from_db()
    assert coordinator_iii.check_password(PASSWORD)  # nothing about the account changed


def test_the_existing_account_accepts_logged_in_after_coming_back_from_the_login(
    client, essen, verein, city_admin, coordinator_iii
):
    services.invitation_send(
        actor=city_admin, organisation=verein, email=coordinator_iii.email, accept_url_for=url_for
    )
    link = link_of(mail.outbox[-1])
    login_link = re.search(
        r'href="(/de/konto/anmelden/\?next=[^"]+)"', client.get(link, **H).content.decode()
    )
    r = client.post(
        login_link.group(1).replace("&amp;", "&"),
        {"username": coordinator_iii.email, "password": PASSWORD},
        **H,
    )
    assert r.status_code == 302 and r["Location"] == link
    page = client.get(link, **H).content.decode()
    confirm = re.search(r'name="confirm" value="([^"]+)"', page).group(1)
    # Without the page's confirmation value (a request made from elsewhere in the logged-in browser) nothing
    # happens; with a tampered one neither.
    assert client.post(link, {}, **H).status_code == 400
    assert client.post(link, {"confirm": confirm[:-2] + "xx"}, **H).status_code == 400
    assert not OrganisationMember.objects.filter(user=coordinator_iii).exists()
    r = client.post(link, {"confirm": confirm}, **H)
    assert r.status_code == 302 and r["Location"] == "/de/arbeitsbereich/"
    member = OrganisationMember.objects.get(user=coordinator_iii, organisation=verein)
    assert member.added_by == city_admin
    assert client.get(link, **H).status_code == 404  # used up: a replay finds nothing


def test_a_different_logged_in_account_is_refused_with_a_clear_message(
    client, essen, verein, city_admin, coordinator_iii, coordinator_iv
):
    services.invitation_send(
        actor=city_admin, organisation=verein, email=coordinator_iii.email, accept_url_for=url_for
    )
    link = link_of(mail.outbox[-1])
    client.force_login(coordinator_iv)
    page = client.get(link, **H)
    assert "mit einem anderen Konto angemeldet" in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()
    r = client.post(link, {"confirm": "x"}, **H)
    assert r.status_code == 403 and "mit einem anderen Konto angemeldet" in r.content.decode()
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token_of(mail.outbox[-1]), user=coordinator_iv)
    assert not OrganisationMember.objects.exists()


def test_a_new_account_is_not_created_while_logged_in_as_someone_else(
    client, essen, verein, city_admin, coordinator_iv
):
    services.invitation_send(
        actor=city_admin, organisation=verein, email="neu-demo@example.org", accept_url_for=url_for
    )
    link = link_of(mail.outbox[-1])
    client.force_login(coordinator_iv)
    data = {
        "first_name": "N",
        "last_name": "D",
        "password1": "ein-langes-passwort-1",
        "password2": "ein-langes-passwort-1",
    }
    assert client.post(link, data, **H).status_code == 403
    assert not OrganisationMember.objects.exists()
    client.logout()
    assert client.post(link, data, **H).status_code == 302
    assert OrganisationMember.objects.get().user.email == "neu-demo@example.org"


def test_nobody_accepts_an_invitation_they_sent(essen, verein, coordinator_iii):
    """Even an invitation to the inviter's own address that reached the table (an older version allowed it)."""
    Invitation.objects.create(
        organisation=verein,
        email=coordinator_iii.email,
        token_hash="0" * 64,
        invited_by=coordinator_iii,
        expires_at=timezone.now() + timedelta(days=1),
    )
    invitation = Invitation.objects.get()
    with pytest.raises(services.InvitationRefused, match="selbst verschickt"):
        services.invitation_check(invitation=invitation, user=coordinator_iii)


def test_expired_withdrawn_and_replayed_links_do_nothing(client, essen, verein, city_admin):
    data = {
        "first_name": "N",
        "last_name": "D",
        "password1": "ein-langes-passwort-1",
        "password2": "ein-langes-passwort-1",
    }
    services.invitation_send(
        actor=city_admin, organisation=verein, email="a-demo@example.org", accept_url_for=url_for
    )
    expired = link_of(mail.outbox[-1])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(expired, **H).status_code == 404
    assert client.post(expired, data, **H).status_code == 404
    services.invitation_send(
        actor=city_admin, organisation=verein, email="b-demo@example.org", accept_url_for=url_for
    )
    withdrawn = link_of(mail.outbox[-1])
    services.invitation_withdraw(
        actor=city_admin,
        organisation=verein,
        invitation_id=Invitation.objects.get(email="b-demo@example.org").pk,
    )
    assert client.post(withdrawn, data, **H).status_code == 404
    services.invitation_send(
        actor=city_admin, organisation=verein, email="c-demo@example.org", accept_url_for=url_for
    )
    used = link_of(mail.outbox[-1])
    assert client.post(used, data, **H).status_code == 302
    assert (
        client.post(
            used, {**data, "password1": "ganz-anders-99x", "password2": "ganz-anders-99x"}, **H
        ).status_code
        == 404
    )
    assert OrganisationMember.objects.count() == 1


@pytest.mark.parametrize(
    "token", ["x", "' OR 1=1 --", "a" * 5000, "%00", "..%2f..%2f", "<script>alert(1)</script>"]
)
def test_hostile_tokens_are_404(client, essen, token):
    assert Client().get(f"/de/einladung/{token}/", **H).status_code in (404,)


# --- step 3: acting on events --------------------------------------------------------------------------------


def test_a_self_given_membership_counts_for_nothing(essen, verein, coordinator_iii):
    """A membership that someone gave themselves (the attack's result in an older version) gives no rights."""
    OrganisationMember.objects.create(
        organisation=verein, user=coordinator_iii, role=MemberRole.MANAGER, added_by=coordinator_iii
    )
    assert not permissions.is_member(coordinator_iii, verein)
    assert not permissions.can_change_members(coordinator_iii, verein)
    with pytest.raises(PermissionDenied):
        draft(coordinator_iii, verein, neighbourhood=neighbourhood(essen, "III"))
    with pytest.raises(PermissionDenied):
        services.invitation_send(
            actor=coordinator_iii, organisation=verein, email="x-demo@example.org", accept_url_for=url_for
        )


def test_a_coordinator_who_belongs_to_an_organisation_organises_only_in_their_districts(
    client, essen, verein, city_admin, coordinator_iii
):
    services.invitation_send(
        actor=city_admin, organisation=verein, email=coordinator_iii.email, accept_url_for=url_for
    )
    services.invitation_accept(token=token_of(mail.outbox[-1]), user=coordinator_iii)
    # In their own district they organise as any member does.
    own = draft(coordinator_iii, verein, neighbourhood=neighbourhood(essen, "III"))
    assert is_organiser(coordinator_iii, own)
    # Elsewhere: no new events, no moving one there, no acting on the organisation's events.
    with pytest.raises(PermissionDenied):
        draft(coordinator_iii, verein, neighbourhood=neighbourhood(essen, "IV"))
    with pytest.raises(PermissionDenied):
        draft(coordinator_iii, verein, neighbourhood=None, online=True, venue_name="")
    with pytest.raises(PermissionDenied):
        event_services.event_update(
            actor=coordinator_iii, event=own, neighbourhood=neighbourhood(essen, "IV")
        )
    assert Event.objects.get(pk=own.pk).neighbourhood == neighbourhood(essen, "III")
    organiser = make_user(
        "organiser-iv-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen
    )
    OrganisationMember.objects.create(organisation=verein, user=organiser, added_by=city_admin)
    elsewhere = draft(organiser, verein, neighbourhood=neighbourhood(essen, "IV"), registration="required")
    elsewhere = event_services.event_transition(actor=organiser, event=elsewhere, to_status=S.SUBMITTED)
    elsewhere = event_services.event_transition(actor=city_admin, event=elsewhere, to_status=S.PUBLISHED)
    assert not is_organiser(coordinator_iii, elsewhere)
    assert not can_manage_registrations(coordinator_iii, elsewhere)
    with pytest.raises(PermissionDenied):
        event_services.event_transition(
            actor=coordinator_iii, event=elsewhere, to_status=S.CANCELLED, message="weg"
        )
    with pytest.raises(PermissionDenied):
        event_services.event_update(actor=coordinator_iii, event=elsewhere, title="übernommen")
    assert Event.objects.get(pk=elsewhere.pk).status == S.PUBLISHED
    # The pages say so and change nothing.
    client.force_login(coordinator_iii)
    assert client.get(f"/de/arbeitsbereich/veranstaltungen/{elsewhere.pk}/anmeldungen/", **H).status_code in (
        403,
        404,
    )
    r = client.post(
        f"/de/arbeitsbereich/veranstaltungen/{elsewhere.pk}/", {"action": "cancel", "message": "weg"}, **H
    )
    assert r.status_code in (403, 404)
    assert Event.objects.get(pk=elsewhere.pk).status == S.PUBLISHED


def test_the_whole_attack_fails(client, essen, verein, coordinator_iii):
    """Invite oneself, accept without logging in, create and cancel events in another district."""
    client.force_login(coordinator_iii)
    org_page = f"/de/arbeitsbereich/organisationen/{verein.pk}/"
    assert (
        client.post(
            org_page, {"action": "invite", "email": coordinator_iii.email, "role": "manager"}, **H
        ).status_code
        == 403
    )
    assert mail.outbox == []
    create = f"/de/arbeitsbereich/veranstaltungen/neu/{verein.pk}/"
    assert client.get(create, **H).status_code == 404
    assert not OrganisationMember.objects.exists() and not Event.objects.exists()
    assert not Membership.objects.filter(user=coordinator_iii, role=Role.ORGANISATION_MEMBER).exists()


# --- managing members ------------------------------------------------------------------------------------------


def test_managers_change_roles_and_remove_members_but_never_the_last_manager(
    essen, verein, manager, city_admin
):
    only = OrganisationMember.objects.get(user=manager)
    with pytest.raises(ValidationError, match="mindestens eine Person"):
        services.member_remove(actor=manager, organisation=verein, member_id=only.pk)
    with pytest.raises(ValidationError, match="mindestens eine Person"):
        services.member_role_change(
            actor=manager, organisation=verein, member_id=only.pk, role=MemberRole.MEMBER
        )
    services.invitation_send(
        actor=manager, organisation=verein, email="m2-demo@example.org", accept_url_for=url_for
    )
    second = services.invitation_accept(
        token=token_of(mail.outbox[-1]), first_name="Z", last_name="W", password="ein-langes-passwort-3"
    )
    other = OrganisationMember.objects.get(user=second)
    services.member_role_change(
        actor=manager, organisation=verein, member_id=other.pk, role=MemberRole.MANAGER
    )
    services.member_role_change(actor=manager, organisation=verein, member_id=only.pk, role=MemberRole.MEMBER)
    assert not permissions.can_change_members(manager, verein)
    with pytest.raises(PermissionDenied):
        services.member_remove(actor=manager, organisation=verein, member_id=other.pk)
    services.member_remove(actor=second, organisation=verein, member_id=only.pk)
    assert not OrganisationMember.objects.filter(user=manager).exists()
    # The workspace role goes with the last organisation.
    assert not Membership.objects.filter(user=manager, role=Role.ORGANISATION_MEMBER).exists()
    actions = list(
        AuditEntry.objects.filter(target_id=str(verein.pk), action__startswith="organisation.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "organisation.invited",
        "organisation.invitation_accepted",
        "organisation.invited",
        "organisation.invitation_accepted",
        "organisation.member_role_changed",
        "organisation.member_role_changed",
        "organisation.member_removed",
    ]
    assert set(AuditEntry.objects.filter(target_id=str(verein.pk)).values_list("city_id", flat=True)) == {
        essen.pk
    }


def test_the_organisation_page_lists_members_and_the_recent_changes(
    client, essen, verein, manager, city_admin
):
    services.invitation_send(
        actor=manager, organisation=verein, email="offen-demo@example.org", accept_url_for=url_for
    )
    client.force_login(manager)
    page = client.get(f"/de/arbeitsbereich/organisationen/{verein.pk}/", **H).content.decode()
    assert "Mitglieder und Änderungen" in page
    assert "Vera Vorstand" in page and "Verwalter*in" in page
    assert "offen-demo@example.org eingeladen als Mitglied" in page
    assert "hat die Einladung angenommen" in page
    assert "durch Vera Vorstand (vorstand-demo@example.org)" in page
    assert "zurückziehen" in page


def test_withdrawing_from_the_page(client, essen, verein, manager):
    services.invitation_send(
        actor=manager, organisation=verein, email="offen-demo@example.org", accept_url_for=url_for
    )
    invitation = Invitation.objects.get(email="offen-demo@example.org")
    client.force_login(manager)
    url = f"/de/arbeitsbereich/organisationen/{verein.pk}/"
    r = client.post(url, {"action": "invitation_withdraw", "invitation": invitation.pk}, **H)
    assert r.status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert AuditEntry.objects.filter(action="organisation.invitation_withdrawn").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "invite", "email": "<script>alert(1)</script>", "role": "member"},
        {"action": "invite", "email": "a" * 250 + "@example.org", "role": "member"},
        {"action": "invite", "email": "ok-demo@example.org", "role": "owner"},
        {"action": "invite", "email": "ok-demo@example.org"},
        {"action": "member_remove", "member": "abc"},
        {"action": "member_remove", "member": "-1"},
        {"action": "member_remove", "member": "9" * 40},
        {"action": "member_remove"},
        {"action": "member_role", "member": "1", "role": "owner"},
        {"action": "invitation_withdraw", "invitation": "1 OR 1=1"},
        {"action": "invitation_withdraw", "invitation": "999999"},
        {"action": "unbekannt"},
    ],
)
def test_hostile_member_requests_are_a_clear_400(client, essen, verein, manager, data):
    client.force_login(manager)
    before = (OrganisationMember.objects.count(), Invitation.objects.count())
    r = client.post(f"/de/arbeitsbereich/organisationen/{verein.pk}/", data, **H)
    assert r.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben." in r.content.decode() or "nicht möglich" in r.content.decode()
    assert (OrganisationMember.objects.count(), Invitation.objects.count()) == before
    assert mail.outbox == []


def test_a_member_of_another_organisation_cannot_be_removed_through_this_one(
    client, essen, verein, manager, city_admin
):
    other = Organisation.objects.create(city=essen, name="Anderer Verein", slug="anderer", kind="association")
    stranger = make_user("fremd-demo@example.org", city=essen)
    foreign = OrganisationMember.objects.create(organisation=other, user=stranger, added_by=city_admin)
    client.force_login(manager)
    r = client.post(
        f"/de/arbeitsbereich/organisationen/{verein.pk}/",
        {"action": "member_remove", "member": foreign.pk},
        **H,
    )
    assert r.status_code == 400
    assert OrganisationMember.objects.filter(pk=foreign.pk).exists()


# --- the migration -------------------------------------------------------------------------------------------


def test_the_migration_makes_members_managers_and_records_who_let_them_in(
    essen, verein, coordinator_iii, city_admin
):
    migration = importlib.import_module("quartier.organisations.migrations.0003_member_roles")
    legit = make_user("alt-demo@example.org", city=essen)
    OrganisationMember.objects.create(organisation=verein, user=legit, role=MemberRole.MEMBER)
    OrganisationMember.objects.create(organisation=verein, user=coordinator_iii, role=MemberRole.MEMBER)
    for email, inviter in ((legit.email, city_admin), (coordinator_iii.email, coordinator_iii)):
        Invitation.objects.create(
            organisation=verein,
            email=email.upper(),
            token_hash=email.ljust(64, "0")[:64],
            invited_by=inviter,
            expires_at=timezone.now(),
            accepted_at=timezone.now(),
        )
    migration.existing_members_manage(apps, None)
    assert set(OrganisationMember.objects.values_list("role", flat=True)) == {MemberRole.MANAGER}
    assert OrganisationMember.objects.get(user=legit).added_by == city_admin
    assert OrganisationMember.objects.get(user=coordinator_iii).added_by == coordinator_iii
    assert permissions.is_member(legit, verein) and not permissions.is_member(coordinator_iii, verein)


# --- look-alike addresses (accounts/emails.py) -----------------------------------------------------------------


def test_invitation_addresses_are_normalised(essen, verein, city_admin):
    services.invitation_send(
        actor=city_admin, organisation=verein, email="  Neu.Demo@EXAMPLE.org ", accept_url_for=url_for
    )
    assert Invitation.objects.get().email == "neu.demo@example.org"
    assert mail.outbox[-1].to == ["neu.demo@example.org"]


def test_look_alikes_of_existing_accounts_are_refused(essen, verein, city_admin, coordinator_iii):
    lookalike = coordinator_iii.email.replace("o", "\u043e")  # Cyrillic o
    with pytest.raises(ValidationError, match="zum Verwechseln ähnlich"):
        services.invitation_send(
            actor=city_admin, organisation=verein, email=lookalike, accept_url_for=url_for
        )
    own_lookalike = city_admin.email.replace("a", "\u0430", 1)  # Cyrillic a
    with pytest.raises(ValidationError, match="nicht selbst einladen"):
        services.invitation_send(
            actor=city_admin, organisation=verein, email=own_lookalike, accept_url_for=url_for
        )
    assert mail.outbox == [] and not Invitation.objects.exists()
    # An invitation to a look-alike that reached the table is not accepted by anyone.
    Invitation.objects.create(
        organisation=verein,
        email=lookalike,
        token_hash="1" * 64,
        invited_by=city_admin,
        expires_at=timezone.now() + timedelta(days=1),
    )
    for user in (None, coordinator_iii):
        with pytest.raises(services.InvitationRefused, match="zum Verwechseln ähnlich"):
            services.invitation_check(invitation=Invitation.objects.get(), user=user)
