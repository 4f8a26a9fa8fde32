"""Writes for places: the accessibility feedback (an e-mail through the outbox) and the postcode ↔ Stadtteil pairs
that city administrators add."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from quartier.accounts.models import Membership, Role, User
from quartier.core.audit import audit_record, model_changes

from .models import PlaceSource, Postcode, PostcodeNeighbourhood
from .permissions import can_edit_postcode_pairs


def operator_recipients(city) -> list[str]:
    """Where messages for the operator go: the stated address, else city administrators, else platform admins."""
    operator = getattr(city, "operator", None)
    for address in (
        getattr(operator, "accessibility_feedback_email", ""),
        getattr(operator, "contact_email", ""),
    ):
        if address:
            return [address]
    admins = list(
        Membership.objects.filter(city=city, role=Role.CITY_ADMIN, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    return admins or list(
        User.objects.filter(is_superuser=True, is_active=True).values_list("email", flat=True)
    )


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


@transaction.atomic
def postcode_pair_add(*, city, code: str, neighbourhood, actor) -> PostcodeNeighbourhood:
    """Pair a postcode with a Stadtteil for the city; a postcode the city does not know yet is created as
    city-supplied. Raises PermissionDenied without the right and ValidationError for a pair that exists."""
    if not can_edit_postcode_pairs(actor, city) or neighbourhood.city_id != city.pk:
        raise PermissionDenied
    postcode = Postcode.objects.select_for_update().filter(city=city, code=code).first()
    if postcode is None:
        postcode = Postcode.objects.create(city=city, code=code, source=PlaceSource.CITY)
        audit_record(
            actor=actor, action="postcode.added", target=postcode, changes=model_changes(None, postcode)
        )
    if postcode.pairs.filter(neighbourhood=neighbourhood).exists():
        raise ValidationError(
            _("%(code)s ist %(name)s bereits zugeordnet.") % {"code": code, "name": neighbourhood.name}
        )
    pair = PostcodeNeighbourhood.objects.create(
        postcode=postcode,
        neighbourhood=neighbourhood,
        source=PlaceSource.CITY,
        added_at=timezone.now(),
        added_by=actor,
    )
    audit_record(
        actor=actor,
        action="postcode_pair.added",
        target=pair,
        changes={"postcode": [None, code], "neighbourhood": [None, neighbourhood.name]},
    )
    return pair


@transaction.atomic
def postcode_pair_remove(*, pair: PostcodeNeighbourhood, actor) -> None:
    """Remove a pair the city added (reference pairs change only with the reference data); a city-supplied
    postcode left without pairs goes with it."""
    postcode = pair.postcode
    if not can_edit_postcode_pairs(actor, postcode.city) or pair.source != PlaceSource.CITY:
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="postcode_pair.removed",
        target=pair,
        changes={"postcode": [postcode.code, None], "neighbourhood": [pair.neighbourhood.name, None]},
    )
    pair.delete()
    if postcode.source == PlaceSource.CITY and not postcode.pairs.exists():
        audit_record(actor=actor, action="postcode.removed", target=postcode)
        postcode.delete()
