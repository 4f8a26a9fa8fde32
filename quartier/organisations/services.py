"""Writes for organisations: create, update, invite, accept and withdraw invitations, change and remove members.
One transaction each, audited."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.accounts import emails
from quartier.accounts.models import Membership, Role, User
from quartier.core.audit import audit_record, model_changes
from quartier.core.tokens import new_token

from . import permissions, selectors
from .models import Invitation, MemberRole, Organisation, OrganisationMember

INVITATION_DAYS = 14
CONFUSABLE = gettext_lazy(
    "Diese E-Mail-Adresse sieht der eines anderen Kontos zum Verwechseln ähnlich. Bitte prüfen Sie die Adresse."
)


def _unique_slug(city, name: str, exclude_pk=None) -> str:
    base = slugify(name.replace("ß", "ss"))[:200] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(city=city, slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(*, actor, city, name: str, kind: str, districts=(), **fields) -> Organisation:
    """Create an organisation; coordinators may do so only for their own districts."""
    district_ids = [d.pk for d in districts]
    if not permissions.can_create_in(actor, city, district_ids):
        raise PermissionDenied
    organisation = Organisation(
        city=city, name=name.strip(), kind=kind, slug=_unique_slug(city, name), **fields
    )
    organisation.full_clean()
    organisation.save()
    organisation.districts.set(districts)
    audit_record(
        actor=actor,
        action="organisation.created",
        target=organisation,
        changes={**model_changes(None, organisation), "districts": [None, sorted(district_ids)]},
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, districts=None, **fields) -> Organisation:
    """Change an organisation's data; members and the staff who may manage it."""
    if not (permissions.can_manage(actor, organisation) or permissions.is_member(actor, organisation)):
        raise PermissionDenied
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = Organisation.objects.get(pk=locked.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    if "name" in fields:
        locked.slug = _unique_slug(locked.city, locked.name, exclude_pk=locked.pk)
    locked.full_clean()
    locked.save()
    changes = model_changes(before, locked)
    if districts is not None:
        wanted = sorted(d.pk for d in districts)
        current = sorted(locked.districts.values_list("pk", flat=True))
        if wanted != current:
            if not permissions.can_manage(actor, locked) or not permissions.can_create_in(
                actor, locked.city, wanted
            ):
                raise PermissionDenied
            locked.districts.set(districts)
            changes["districts"] = [current, wanted]
    if changes:
        audit_record(actor=actor, action="organisation.updated", target=locked, changes=changes)
    return locked


@transaction.atomic
def invitation_send(
    *, actor, organisation: Organisation, email: str, accept_url_for, role: str = MemberRole.MEMBER
) -> Invitation:
    """Invite a person by e-mail to act for the organisation, as a member or a manager.

    Only the organisation's managers, the city administration and platform administrators invite
    (permissions.can_change_members). Nobody invites their own address. While the organisation has no manager, the
    person invited becomes its manager. `accept_url_for(token)` builds the link."""
    if not permissions.can_change_members(actor, organisation):
        raise PermissionDenied
    if role not in MemberRole.values:
        raise ValidationError(_("Bitte wählen Sie eine Rolle aus der Liste."))
    email = emails.normalise(email)
    if emails.skeleton(email) == emails.skeleton(actor.email or ""):  # also a look-alike of one's own address
        raise ValidationError(_("Sie können sich nicht selbst einladen."))
    owner = emails.confusable_owner(email)
    if owner is not None and owner.email_key != email:
        raise ValidationError(CONFUSABLE)
    if owner is not None and organisation.members.filter(user=owner).exists():
        raise ValidationError(_("Diese Person ist bereits Mitglied der Organisation."))
    if not organisation.members.filter(role=MemberRole.MANAGER).exists():
        role = MemberRole.MANAGER
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    ).delete()
    token, digest = new_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=digest,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    body = render_to_string(
        "organisations/email/invitation.txt",
        {
            "organisation": organisation,
            "url": accept_url_for(token),
            "days": INVITATION_DAYS,
            "manager": role == MemberRole.MANAGER,
        },
    )
    EmailMessage(
        subject=_("Einladung: %(name)s in Quartier") % {"name": organisation.name}, body=body, to=[email]
    ).send()
    audit_record(
        actor=actor,
        action="organisation.invited",
        target=organisation,
        changes={"email": [None, email], "role": [None, role]},
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, actor, organisation: Organisation, invitation_id: int) -> None:
    """Withdraw an open invitation: its link stops working."""
    if not permissions.can_change_members(actor, organisation):
        raise PermissionDenied
    invitation = (
        Invitation.objects.select_for_update()
        .filter(organisation=organisation, pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise ValidationError(_("Diese Einladung gibt es nicht mehr."))
    email = invitation.email
    invitation.delete()
    audit_record(
        actor=actor,
        action="organisation.invitation_withdrawn",
        target=organisation,
        changes={"email": [email, None]},
    )


class InvitationRefused(ValidationError):
    """The invitation is valid, but not for the account at hand; `code` says why (for the page's wording)."""


def invitation_check(*, invitation: Invitation, user) -> None:
    """Raise InvitationRefused if `user` (the logged-in account or None) may not accept the invitation.

    An invitation to an existing account is accepted only by that account, logged in; an invitation for a new
    account only without being logged in as someone else; nobody accepts an invitation they sent themselves."""
    logged_in = user is not None and user.is_authenticated
    account = selectors.invitation_account(invitation)
    owner = emails.confusable_owner(invitation.email)
    if account is None and owner is not None:
        raise InvitationRefused(CONFUSABLE, code="confusable")
    if account is not None:
        if not logged_in:
            raise InvitationRefused(
                _("Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich an."),
                code="login_required",
            )
        if user.pk != account.pk:
            raise InvitationRefused(
                _(
                    "Sie sind mit einem anderen Konto angemeldet. Diese Einladung kann nur das Konto annehmen, "
                    "an dessen E-Mail-Adresse sie ging. Bitte melden Sie sich ab und mit diesem Konto an."
                ),
                code="other_account",
            )
    elif logged_in:
        raise InvitationRefused(
            _(
                "Sie sind mit einem anderen Konto angemeldet. Diese Einladung gilt für eine andere "
                "E-Mail-Adresse. Bitte melden Sie sich ab, um ein neues Konto anzulegen."
            ),
            code="other_account",
        )
    if logged_in and invitation.invited_by_id == user.pk:
        raise InvitationRefused(
            _("Eine Einladung, die Sie selbst verschickt haben, können Sie nicht annehmen."), code="own"
        )


@transaction.atomic
def invitation_accept(
    *, token: str, user=None, first_name: str = "", last_name: str = "", password: str = ""
) -> User:
    """Accept an invitation. An existing account accepts it logged in (`user`); a new account is created with the
    name and password given. The person becomes a member (or manager) added by the inviter."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("Diese Einladung ist ungültig oder abgelaufen."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Diese Einladung wurde bereits angenommen."))
    invitation_check(invitation=invitation, user=user)
    account = selectors.invitation_account(invitation)
    if account is None:
        if not password:
            raise ValidationError(_("Bitte legen Sie ein Passwort fest."))
        account = User(
            email=invitation.email,
            username=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        account.set_password(password)
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError as exc:  # a concurrent acceptance created it
            raise ValidationError(_("Diese Einladung wurde bereits angenommen.")) from exc
    organisation = invitation.organisation
    member, created = OrganisationMember.objects.get_or_create(
        organisation=organisation,
        user=account,
        defaults={"role": invitation.role, "added_by": invitation.invited_by},
    )
    Membership.objects.get_or_create(
        user=account, city=organisation.city, role=Role.ORGANISATION_MEMBER, district=None
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=account,
        action="organisation.invitation_accepted",
        target=organisation,
        changes={
            "member": [None, account.pk],
            "role": [None, member.role],
            "invited_by": [None, invitation.invited_by_id],
        },
    )
    return account


def _lock_member(organisation: Organisation, member_id: int) -> OrganisationMember:
    member = (
        OrganisationMember.objects.select_for_update()
        .select_related("user")
        .filter(organisation=organisation, pk=member_id)
        .first()
    )
    if member is None:
        raise ValidationError(_("Diese Person ist nicht (mehr) Mitglied der Organisation."))
    return member


def _is_last_manager(member: OrganisationMember) -> bool:
    if member.role != MemberRole.MANAGER:
        return False
    # Lock every manager row, so that two managers removing each other at once cannot both succeed.
    managers = list(
        OrganisationMember.objects.select_for_update()
        .filter(organisation_id=member.organisation_id, role=MemberRole.MANAGER)
        .values_list("pk", flat=True)
    )
    return managers == [member.pk]


@transaction.atomic
def member_role_change(*, actor, organisation: Organisation, member_id: int, role: str) -> OrganisationMember:
    """Make a member a manager or a manager a member (never the last manager)."""
    if not permissions.can_change_members(actor, organisation):
        raise PermissionDenied
    if role not in MemberRole.values:
        raise ValidationError(_("Bitte wählen Sie eine Rolle aus der Liste."))
    member = _lock_member(organisation, member_id)
    if member.role == role:
        return member
    if _is_last_manager(member):
        raise ValidationError(
            _("Die Organisation braucht mindestens eine Person, die die Mitglieder verwaltet.")
        )
    before = member.role
    member.role = role
    member.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="organisation.member_role_changed",
        target=organisation,
        changes={"member": [member.user_id, member.user_id], "role": [before, role]},
    )
    return member


@transaction.atomic
def member_remove(*, actor, organisation: Organisation, member_id: int) -> None:
    """Remove a person from the organisation (never its last manager)."""
    if not permissions.can_change_members(actor, organisation):
        raise PermissionDenied
    member = _lock_member(organisation, member_id)
    if _is_last_manager(member):
        raise ValidationError(
            _("Die Organisation braucht mindestens eine Person, die die Mitglieder verwaltet.")
        )
    user_id, role = member.user_id, member.role
    member.delete()
    # The workspace role "organisation member" goes with the person's last organisation in the city.
    if not OrganisationMember.objects.filter(user_id=user_id, organisation__city=organisation.city).exists():
        Membership.objects.filter(
            user_id=user_id, city=organisation.city, role=Role.ORGANISATION_MEMBER
        ).delete()
    audit_record(
        actor=actor,
        action="organisation.member_removed",
        target=organisation,
        changes={"member": [user_id, None], "role": [role, None]},
    )
