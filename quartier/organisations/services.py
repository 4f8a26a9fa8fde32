"""Writes for organisations: create, update, invite, accept an invitation. One transaction each, audited."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from quartier.accounts.models import Membership, Role, User
from quartier.core.audit import audit_record, model_changes
from quartier.core.tokens import new_token, token_hash

from . import permissions
from .models import Invitation, Organisation, OrganisationMember

INVITATION_DAYS = 14


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
def invitation_send(*, actor, organisation: Organisation, email: str, accept_url_for) -> Invitation:
    """Invite a person by e-mail to act for the organisation. `accept_url_for(token)` builds the link."""
    if not permissions.can_manage(actor, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if organisation.members.filter(user__email__iexact=email).exists():
        raise ValidationError(_("Diese Person ist bereits Mitglied der Organisation."))
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    ).delete()
    token, digest = new_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
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
        },
    )
    EmailMessage(
        subject=_("Einladung: %(name)s in Quartier") % {"name": organisation.name}, body=body, to=[email]
    ).send()
    audit_record(
        actor=actor, action="organisation.invited", target=organisation, changes={"email": [None, email]}
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation for this token, or None (a wrong token is simply not found)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "organisation__city")
        .filter(token_hash=token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Accept an invitation: create the account (or use the existing one) and make it a member."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("Diese Einladung ist ungültig oder abgelaufen."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Diese Einladung wurde bereits angenommen."))
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User(
            email=invitation.email,
            username=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # a concurrent acceptance created it
            raise ValidationError(_("Diese Einladung wurde bereits angenommen.")) from exc
    organisation = invitation.organisation
    OrganisationMember.objects.get_or_create(organisation=organisation, user=user)
    Membership.objects.get_or_create(
        user=user, city=organisation.city, role=Role.ORGANISATION_MEMBER, district=None
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        action="organisation.invitation_accepted",
        target=organisation,
        changes={"member": [None, user.pk]},
    )
    return user
