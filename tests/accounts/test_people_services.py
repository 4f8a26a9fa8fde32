"""Staff onboarding services: invite, accept once before expiry, change roles, deactivate and reactivate; scope
(own city only, no platform-admin rights) and the audit log."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quartier.accounts import selectors, services
from quartier.accounts.models import Membership, Role, StaffInvitation, User
from quartier.core.models import AuditEntry
from quartier.places.models import City, District
from tests.conftest import make_user

URL = "https://example.org/de/konto/einladung/{}/"


def url_for(token):
    return URL.format(token)


def district(city, numeral):
    return District.objects.get(city=city, number=numeral)


@pytest.fixture
def city_admin(essen):
    return make_user("stadt-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)


@pytest.fixture
def other_city():
    city = City.objects.create(slug="musterstadt", name="Musterstadt")
    District.objects.create(city=city, number="I", name="Musterbezirk I", ordinal=1)
    return city


def invite(admin, city, email="neu@example.org", grants=None, **extra):
    return services.staff_invite(
        actor=admin,
        city=city,
        email=email,
        first_name=extra.get("first_name", "Nora"),
        last_name=extra.get("last_name", "Neumann"),
        grants=grants if grants is not None else [(Role.COORDINATOR, district(city, "III"))],
        accept_url_for=url_for,
    )


def token_from_mail(message) -> str:
    return re.search(r"/konto/einladung/([^/\s]+)/", message.body).group(1)


def test_invite_creates_an_account_without_password_with_roles_and_sends_a_one_time_link(essen, city_admin):
    user = invite(
        city_admin,
        essen,
        email="  Neu@Example.ORG ",
        grants=[(Role.COORDINATOR, district(essen, "III")), (Role.COORDINATOR, district(essen, "IV"))],
    )
    assert user.email == "neu@example.org" and user.is_active and not user.has_usable_password()
    assert sorted(Membership.objects.filter(user=user).values_list("role", "district__number")) == [
        ("coordinator", "III"),
        ("coordinator", "IV"),
    ]
    (message,) = mail.outbox
    assert message.to == ["neu@example.org"]
    token = token_from_mail(message)
    invitation = StaffInvitation.objects.get(user=user)
    assert invitation.token_hash != token and len(token) >= 40  # only the hash is stored
    assert invitation.expires_at - timezone.now() > timedelta(days=services.INVITATION_DAYS - 1)
    entry = AuditEntry.objects.get(action="account.invited", target_id=str(user.pk))
    assert entry.actor == city_admin
    assert entry.changes["roles"] == [[], ["coordinator:III", "coordinator:IV"]]


def test_the_invited_person_cannot_log_in_before_accepting(client, essen, city_admin):
    invite(city_admin, essen)
    r = client.post(
        "/de/konto/anmelden/", {"username": "neu@example.org", "password": ""}, HTTP_HOST="127.0.0.1"
    )
    assert "_auth_user_id" not in client.session and r.status_code == 200


@pytest.mark.parametrize("existing", ["neu@example.org", "NEU@example.org"])
def test_an_existing_email_is_a_validation_error_in_any_case(essen, city_admin, existing):
    make_user(existing)
    with pytest.raises(ValidationError) as exc:
        invite(city_admin, essen, email="Neu@Example.org")
    assert "email" in exc.value.message_dict
    assert not mail.outbox


@pytest.mark.parametrize(
    "grants, message",
    [
        ([], "mindestens eine Rolle"),
        ([(Role.COORDINATOR, None)], "gilt für Stadtbezirke"),
        ([(Role.COMPETENCE_MEMBER, None)], "gilt für Stadtbezirke"),
        ([(Role.FALLBACK, "III")], "ganze Stadt"),
        ([(Role.CITY_ADMIN, "III")], "ganze Stadt"),
        ([(Role.ORGANISATION_MEMBER, None)], "nicht vergeben"),
        ([("superuser", None)], "nicht vergeben"),
    ],
)
def test_grants_are_checked(essen, city_admin, grants, message):
    grants = [(role, district(essen, d) if d else None) for role, d in grants]
    with pytest.raises(ValidationError) as exc:
        invite(city_admin, essen, grants=grants)
    assert message in " ".join(exc.value.messages)
    assert not User.objects.filter(email="neu@example.org").exists()


def test_a_district_of_another_city_is_refused(essen, city_admin, other_city):
    with pytest.raises(ValidationError, match="anderen Stadt"):
        invite(city_admin, essen, grants=[(Role.COORDINATOR, district(other_city, "I"))])


@pytest.mark.parametrize(
    "role_spec",
    [
        [(Role.COORDINATOR, "III")],
        [(Role.FALLBACK, None)],
        [(Role.CENTRAL_STEERING, None)],
        [(Role.ORGANISATION_MEMBER, None)],
    ],
)
def test_only_administrators_invite(essen, role_spec):
    actor = make_user("jemand@example.org", roles=role_spec, city=essen)
    with pytest.raises(PermissionDenied):
        invite(actor, essen)


def test_an_administrator_of_another_city_cannot_invite_here(essen, other_city):
    actor = make_user("fremd@example.org", roles=[(Role.CITY_ADMIN, None)], city=other_city)
    with pytest.raises(PermissionDenied):
        invite(actor, essen)


def test_accepting_sets_the_password_once(essen, city_admin):
    user = invite(city_admin, essen)
    token = token_from_mail(mail.outbox[0])
    assert selectors.staff_invitation_for_token(token).user == user
    services.staff_invitation_accept(token=token, password="ein-langes-passwort-2026")
    user.refresh_from_db()
    assert user.check_password("ein-langes-passwort-2026")
    assert selectors.staff_invitation_for_token(token) is None
    with pytest.raises(ValidationError, match="ungültig oder abgelaufen"):
        services.staff_invitation_accept(token=token, password="ein-anderes-passwort-2026")
    user.refresh_from_db()
    assert user.check_password("ein-langes-passwort-2026")
    entry = AuditEntry.objects.get(action="account.invitation_accepted")
    assert entry.actor == user and entry.target_id == str(user.pk)


def test_an_expired_link_does_not_work(essen, city_admin):
    invite(city_admin, essen)
    token = token_from_mail(mail.outbox[0])
    StaffInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert selectors.staff_invitation_for_token(token) is None
    with pytest.raises(ValidationError):
        services.staff_invitation_accept(token=token, password="ein-langes-passwort-2026")


@pytest.mark.parametrize("token", ["", "x", "a" * 101, "a" * 10_000, "' OR 1=1 --", "../../etc"])
def test_wrong_tokens_find_nothing(essen, city_admin, token):
    invite(city_admin, essen)
    assert selectors.staff_invitation_for_token(token) is None


def test_resend_replaces_the_old_link(essen, city_admin):
    user = invite(city_admin, essen)
    old = token_from_mail(mail.outbox[0])
    services.staff_invitation_resend(actor=city_admin, city=essen, user=user, accept_url_for=url_for)
    new = token_from_mail(mail.outbox[1])
    assert old != new
    assert selectors.staff_invitation_for_token(old) is None
    assert selectors.staff_invitation_for_token(new).user == user
    assert AuditEntry.objects.filter(action="account.invitation_resent", target_id=str(user.pk)).count() == 1


def test_resend_is_refused_after_acceptance(essen, city_admin):
    user = invite(city_admin, essen)
    services.staff_invitation_accept(
        token=token_from_mail(mail.outbox[0]), password="ein-langes-passwort-2026"
    )
    with pytest.raises(ValidationError, match="bereits angenommen"):
        services.staff_invitation_resend(actor=city_admin, city=essen, user=user, accept_url_for=url_for)


def test_a_deactivated_invited_account_cannot_accept(essen, city_admin):
    user = invite(city_admin, essen)
    token = token_from_mail(mail.outbox[0])
    services.staff_deactivate(actor=city_admin, city=essen, user=user)
    assert selectors.staff_invitation_for_token(token) is None


def test_roles_update_replaces_staff_roles_and_keeps_organisation_membership(essen, city_admin):
    user = make_user(
        "person@example.org",
        roles=[(Role.COORDINATOR, "III"), (Role.ORGANISATION_MEMBER, None)],
        city=essen,
    )
    changed = services.staff_roles_update(
        actor=city_admin,
        city=essen,
        user=user,
        grants=[(Role.COMPETENCE_MEMBER, district(essen, "V")), (Role.FALLBACK, None)],
    )
    assert changed
    assert sorted(Membership.objects.filter(user=user).values_list("role", "district__number")) == [
        ("competence_member", "V"),
        ("fallback", None),
        ("organisation_member", None),
    ]
    entry = AuditEntry.objects.get(action="account.roles_changed")
    assert entry.changes["roles"] == [["coordinator:III"], ["competence_member:V", "fallback"]]
    assert not services.staff_roles_update(
        actor=city_admin,
        city=essen,
        user=user,
        grants=[(Role.FALLBACK, None), (Role.COMPETENCE_MEMBER, district(essen, "V"))],
    )
    assert AuditEntry.objects.filter(action="account.roles_changed").count() == 1


def test_the_last_city_admin_keeps_the_role(essen, city_admin):
    with pytest.raises(ValidationError, match="mindestens eine"):
        services.staff_roles_update(
            actor=city_admin, city=essen, user=city_admin, grants=[(Role.FALLBACK, None)]
        )
    second = make_user("zweite-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    services.staff_roles_update(actor=city_admin, city=essen, user=second, grants=[(Role.FALLBACK, None)])
    assert not Membership.objects.filter(user=second, role=Role.CITY_ADMIN).exists()


def test_the_last_active_city_admin_cannot_be_deactivated(essen, city_admin, platform_admin):
    with pytest.raises(ValidationError, match="mindestens eine"):
        services.staff_deactivate(actor=platform_admin, city=essen, user=city_admin)
    city_admin.refresh_from_db()
    assert city_admin.is_active


def test_an_admin_cannot_deactivate_themselves(essen, city_admin):
    make_user("zweite-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    with pytest.raises(ValidationError, match="eigenes Konto"):
        services.staff_deactivate(actor=city_admin, city=essen, user=city_admin)


def test_deactivate_and_reactivate_are_audited(essen, city_admin, coordinator_iii):
    services.staff_deactivate(actor=city_admin, city=essen, user=coordinator_iii)
    coordinator_iii.refresh_from_db()
    assert not coordinator_iii.is_active and coordinator_iii.session_generation == 1
    with pytest.raises(ValidationError, match="bereits deaktiviert"):
        services.staff_deactivate(actor=city_admin, city=essen, user=coordinator_iii)
    services.staff_reactivate(actor=city_admin, city=essen, user=coordinator_iii)
    coordinator_iii.refresh_from_db()
    assert coordinator_iii.is_active
    actions = list(
        AuditEntry.objects.filter(target_type="accounts.user", target_id=str(coordinator_iii.pk))
        .order_by("pk")
        .values_list("action", "changes")
    )
    assert actions == [
        ("account.deactivated", {"is_active": [True, False]}),
        ("account.reactivated", {"is_active": [False, True]}),
    ]


def test_city_admins_do_not_act_on_accounts_of_other_cities(essen, city_admin, other_city):
    stranger = make_user("fremd@example.org", roles=[(Role.FALLBACK, None)], city=other_city)
    for action in (services.staff_deactivate, services.staff_reactivate):
        with pytest.raises(PermissionDenied):
            action(actor=city_admin, city=essen, user=stranger)
    with pytest.raises(PermissionDenied):
        services.staff_roles_update(
            actor=city_admin, city=essen, user=stranger, grants=[(Role.FALLBACK, None)]
        )
    with pytest.raises(PermissionDenied):
        services.staff_roles_update(
            actor=city_admin, city=other_city, user=stranger, grants=[(Role.FALLBACK, None)]
        )


def test_city_admins_do_not_touch_platform_admins(essen, city_admin):
    root = make_user("root@example.org", superuser=True, roles=[(Role.FALLBACK, None)], city=essen)
    with pytest.raises(PermissionDenied):
        services.staff_deactivate(actor=city_admin, city=essen, user=root)
    with pytest.raises(PermissionDenied):
        services.staff_roles_update(actor=city_admin, city=essen, user=root, grants=[(Role.CITY_ADMIN, None)])


def test_an_account_with_roles_in_two_cities_is_deactivated_only_by_platform_admins(
    essen, city_admin, other_city, platform_admin
):
    both = make_user("beide@example.org", roles=[(Role.FALLBACK, None)], city=essen)
    Membership.objects.create(user=both, city=other_city, role=Role.FALLBACK)
    with pytest.raises(ValidationError, match="anderen Stadt"):
        services.staff_deactivate(actor=city_admin, city=essen, user=both)
    services.staff_deactivate(actor=platform_admin, city=essen, user=both)
    both.refresh_from_db()
    assert not both.is_active


def test_no_service_makes_a_superuser(essen, city_admin):
    user = invite(city_admin, essen, grants=[(Role.CITY_ADMIN, None)])
    services.staff_invitation_accept(
        token=token_from_mail(mail.outbox[0]), password="ein-langes-passwort-2026"
    )
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff


def test_username_is_derived_and_unique(essen):
    make_user("a@example.org")
    User.objects.filter(email="a@example.org").update(username="b@example.org")
    make_user("c@example.org")
    User.objects.filter(email="c@example.org").update(username="x" * 150)
    assert services.username_for("B@Example.org") == "b@example.org-2"
    long = "x" * 150 + "@example.org"
    assert services.username_for(long) == "x" * 148 + "-2"
