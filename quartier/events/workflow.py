"""The event workflow, declared in one table: which step leads from which state to which, and who may take it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .models import Event
from .permissions import can_review, is_organiser  # noqa: F401 - re-exported for views

S = Event.Status
ORGANISER, REVIEWER, EITHER = "organiser", "reviewer", "organiser_or_reviewer"

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): ORGANISER,
    (S.RETURNED, S.SUBMITTED): ORGANISER,
    (S.SUBMITTED, S.PUBLISHED): REVIEWER,
    (S.SUBMITTED, S.RETURNED): REVIEWER,
    (S.SUBMITTED, S.REJECTED): REVIEWER,
    (S.PUBLISHED, S.CANCELLED): EITHER,
}
EDITABLE = {S.DRAFT, S.RETURNED}


def allowed(user, event: Event, to_status: str) -> bool:
    who = TRANSITIONS.get((event.status, to_status))
    if who is None:
        return False
    if who == ORGANISER:
        return is_organiser(user, event)
    if who == REVIEWER:
        return can_review(user, event)
    return is_organiser(user, event) or can_review(user, event)


def check(user, event: Event, to_status: str) -> None:
    """Raise ValidationError for a step the workflow does not have, PermissionDenied for the wrong person."""
    if (event.status, to_status) not in TRANSITIONS:
        raise ValidationError(
            _("Eine Veranstaltung im Status „%(from)s“ kann nicht „%(to)s“ werden.")
            % {"from": S(event.status).label, "to": S(to_status).label}
        )
    if not allowed(user, event, to_status):
        raise PermissionDenied
