"""Writes for places: currently the accessibility feedback (an e-mail through the outbox)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from quartier.accounts.models import Membership, Role, User


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
