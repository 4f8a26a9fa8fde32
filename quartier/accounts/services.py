"""Writes for staff accounts: invite, accept an invitation, change roles, deactivate and reactivate; and the
messages that go to the operator's staff (the accessibility feedback).

One transaction each, audited. City administrators act only on accounts of their own city and never grant
platform administration; the city's people changes are serialised by locking the city row, so that two
administrators cannot together remove the last city administrator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from quartier.core.audit import audit_record
from quartier.core.tokens import new_token
from quartier.places.models import City

from .models import DISTRICT_ROLES, STAFF_ROLES, Membership, Role, StaffInvitation, User, email_refusal
from .permissions import require_account_of_city, require_people_manager
from .selectors import operator_recipients, staff_invitation_for_token

INVITATION_DAYS = 7

# (role, district or None)
Grant = tuple[str, object]


def normalise_email(email: str) -> str:
    """E-mail addresses are compared and stored in lower case (login is case-insensitive too)."""
    return (email or "").strip().lower()


def username_for(email: str) -> str:
    """A unique username derived from the e-mail address (the model still requires one; nobody types it)."""
    base = normalise_email(email)[:150]
    candidate, n = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        suffix = f"-{n}"
        candidate, n = base[: 150 - len(suffix)] + suffix, n + 1
    return candidate


def _grant_labels(grants: Iterable[Grant]) -> list[str]:
    """Grants as sorted text for the audit log, e.g. ["city_admin", "coordinator:III"]."""
    return sorted(f"{role}:{district.number}" if district else str(role) for role, district in grants)


def _check_grants(city, grants: list[Grant]) -> list[Grant]:
    if not grants:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Rolle."))
    clean: set[tuple[str, int | None]] = set()
    result: list[Grant] = []
    for role, district in grants:
        if role not in STAFF_ROLES:
            raise ValidationError(_("Diese Rolle kann hier nicht vergeben werden."))
        if role in DISTRICT_ROLES and district is None:
            raise ValidationError(
                _("Die Rolle „%(role)s“ gilt für Stadtbezirke; bitte wählen Sie mindestens einen aus.")
                % {"role": Role(role).label}
            )
        if role not in DISTRICT_ROLES and district is not None:
            raise ValidationError(
                _("Die Rolle „%(role)s“ gilt für die ganze Stadt, ohne Stadtbezirk.")
                % {"role": Role(role).label}
            )
        if district is not None and district.city_id != city.pk:
            raise ValidationError(_("Der Stadtbezirk gehört zu einer anderen Stadt."))
        key = (str(role), district.pk if district else None)
        if key not in clean:
            clean.add(key)
            result.append((str(role), district))
    return result


def _lock_city(city) -> None:
    City.objects.select_for_update().filter(pk=city.pk).values_list("pk", flat=True).first()


def _other_active_city_admins(city, user) -> bool:
    return (
        Membership.objects.filter(city=city, role=Role.CITY_ADMIN, user__is_active=True)
        .exclude(user=user)
        .exists()
    )


def _send_invitation(*, actor, city, user, accept_url_for: Callable[[str], str]) -> StaffInvitation:
    StaffInvitation.objects.filter(
        user=user, accepted_at__isnull=True
    ).delete()  # an older link stops working
    token, digest = new_token()
    invitation = StaffInvitation.objects.create(
        user=user,
        city=city,
        token_hash=digest,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    body = render_to_string(
        "accounts/email/staff_invitation.txt",
        {
            "user": user,
            "city": city,
            "inviter": actor,
            "url": accept_url_for(token),
            "days": INVITATION_DAYS,
            "roles": sorted(
                {str(m.get_role_display()) for m in Membership.objects.filter(user=user, city=city)}
            ),
        },
    )
    EmailMessage(
        subject=_("Einladung in den Arbeitsbereich von Quartier (%(city)s)") % {"city": city.name},
        body=body,
        to=[user.email],
    ).send()
    return invitation


@transaction.atomic
def staff_invite(
    *,
    actor,
    city,
    email: str,
    first_name: str,
    last_name: str,
    grants: list[Grant],
    accept_url_for: Callable[[str], str],
) -> User:
    """Create an account without a password, give it its roles in `city` and send a one-time link by e-mail."""
    require_people_manager(actor, city)
    grants = _check_grants(city, list(grants))
    email = normalise_email(email)
    refusal = email_refusal(email)
    if refusal is not None:
        raise ValidationError({"email": refusal})
    _lock_city(city)
    user = User(
        email=email,
        username=username_for(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent invitation of the same address
        raise ValidationError({"email": _("Für diese E-Mail-Adresse gibt es bereits ein Konto.")}) from exc
    Membership.objects.bulk_create(
        [Membership(user=user, city=city, role=role, district=district) for role, district in grants]
    )
    invitation = _send_invitation(actor=actor, city=city, user=user, accept_url_for=accept_url_for)
    audit_record(
        actor=actor,
        action="account.invited",
        target=user,
        changes={
            "email": [None, email],
            "first_name": [None, user.first_name],
            "last_name": [None, user.last_name],
            "roles": [[], _grant_labels(grants)],
            "city": [None, city.pk],
            "invitation_expires_at": [None, invitation.expires_at.isoformat()],
        },
    )
    return user


@transaction.atomic
def staff_invitation_resend(*, actor, city, user, accept_url_for: Callable[[str], str]) -> StaffInvitation:
    """A new link for someone who has not accepted yet; the old link stops working."""
    require_people_manager(actor, city)
    require_account_of_city(actor, city, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("Das Konto ist deaktiviert; bitte reaktivieren Sie es zuerst."))
    if user.has_usable_password():
        raise ValidationError(_("Diese Person hat die Einladung bereits angenommen."))
    invitation = _send_invitation(actor=actor, city=city, user=user, accept_url_for=accept_url_for)
    audit_record(
        actor=actor,
        action="account.invitation_resent",
        target=user,
        changes={"invitation_expires_at": [None, invitation.expires_at.isoformat()]},
    )
    return invitation


@transaction.atomic
def staff_invitation_accept(*, token: str, password: str) -> User:
    """Set the invited person's password; the link then no longer works. The caller validates the password."""
    found = staff_invitation_for_token(token)
    if found is None:
        raise ValidationError(_("Diese Einladung ist ungültig oder abgelaufen."))
    invitation = StaffInvitation.objects.select_for_update().get(pk=found.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Diese Einladung wurde bereits angenommen."))
    user = User.objects.select_for_update().get(pk=invitation.user_id)
    user.set_password(password)
    user.save(update_fields=["password"])
    now = timezone.now()
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    StaffInvitation.objects.filter(user=user, accepted_at__isnull=True).delete()
    audit_record(
        actor=user,
        action="account.invitation_accepted",
        target=user,
        changes={"invitation": [None, invitation.pk], "city": [None, invitation.city_id]},
    )
    return user


@transaction.atomic
def staff_roles_update(*, actor, city, user, grants: list[Grant]) -> bool:
    """Replace the account's staff roles in `city` (organisation memberships stay). True if anything changed."""
    require_people_manager(actor, city)
    require_account_of_city(actor, city, user)
    grants = _check_grants(city, list(grants))
    _lock_city(city)
    current = list(
        Membership.objects.filter(user=user, city=city, role__in=STAFF_ROLES).select_related("district")
    )
    have = {(m.role, m.district_id): m for m in current}
    want = {(role, district.pk if district else None): (role, district) for role, district in grants}
    if have.keys() == want.keys():
        return False
    loses_admin = (Role.CITY_ADMIN, None) in have and (Role.CITY_ADMIN, None) not in want
    if loses_admin and user.is_active and not _other_active_city_admins(city, user):
        raise ValidationError(
            _("Die Stadt braucht mindestens eine*n Administrator*in; diese Rolle kann nicht entfernt werden.")
        )
    Membership.objects.filter(pk__in=[m.pk for key, m in have.items() if key not in want]).delete()
    Membership.objects.bulk_create(
        [
            Membership(user=user, city=city, role=role, district=district)
            for key, (role, district) in want.items()
            if key not in have
        ]
    )
    audit_record(
        actor=actor,
        action="account.roles_changed",
        target=user,
        changes={
            "roles": [_grant_labels((m.role, m.district) for m in current), _grant_labels(grants)],
            "city": [city.pk, city.pk],
        },
    )
    user.__dict__.pop("_roles_cache", None)
    return True


@transaction.atomic
def staff_deactivate(*, actor, city, user) -> User:
    """Deactivate an account: it can no longer log in, and every open session of it ends."""
    require_people_manager(actor, city)
    if user.pk == actor.pk:
        raise ValidationError(_("Sie können Ihr eigenes Konto nicht deaktivieren."))
    require_account_of_city(actor, city, user, whole_account=True)
    _lock_city(city)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        raise ValidationError(_("Das Konto ist bereits deaktiviert."))
    is_admin = Membership.objects.filter(user=locked, city=city, role=Role.CITY_ADMIN).exists()
    if is_admin and not _other_active_city_admins(city, locked):
        raise ValidationError(
            _("Die Stadt braucht mindestens eine*n aktive*n Administrator*in; dieses Konto bleibt aktiv.")
        )
    locked.is_active = False
    locked.session_generation += 1
    locked.save(update_fields=["is_active", "session_generation"])
    audit_record(
        actor=actor, action="account.deactivated", target=locked, changes={"is_active": [True, False]}
    )
    return locked


@transaction.atomic
def staff_reactivate(*, actor, city, user) -> User:
    """Let a deactivated account log in again (with its old password, or through a new invitation)."""
    require_people_manager(actor, city)
    require_account_of_city(actor, city, user, whole_account=True)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        raise ValidationError(_("Das Konto ist bereits aktiv."))
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action="account.reactivated", target=locked, changes={"is_active": [False, True]}
    )
    return locked


@transaction.atomic
def accessibility_feedback_send(*, city, message: str, page: str = "", email: str = "") -> bool:
    """Queue the report for the operator; returns False when nobody could receive it."""
    recipients = operator_recipients(city)
    if not recipients:
        return False
    with override(settings.LANGUAGE_CODE):
        body = "\n\n".join(
            filter(
                None,
                [
                    _("Neue Meldung einer Barriere über das Feedback-Formular:"),
                    message,
                    _("Seite: %(page)s") % {"page": page} if page else "",
                    _("Antwort erbeten an: %(email)s") % {"email": email}
                    if email
                    else _("Keine Antwortadresse angegeben."),
                ],
            )
        )
        EmailMessage(
            subject=_("Barrierefreiheit: neue Meldung"),
            body=body,
            to=recipients,
            reply_to=[email] if email else None,
        ).send()
    return True
