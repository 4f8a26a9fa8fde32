"""The event workflow, declared in one table: which step leads from which state to which, and who may take it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .models import Event
from .permissions import can_review, is_organiser

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
# A published event is edited by its organisers too (services.event_edit_published). Changes that correct or add
# practical details are published at once; changes to what, when and where the event is go to review as a
# revision (a second row that takes the steps above) while the published version stays public, and become
# public only when a reviewer publishes the revision.
PUBLISH_AT_ONCE = (
    "languages",
    "target_groups",
    "step_free",
    "hearing_loop",
    "sign_language",
    "childcare",
    "image_alt",
    "capacity",
    "waiting_list_size",
    "registration_deadline",
)
TIME_FIELDS = ("start", "end", "recurrence", "recurrence_until", "exceptions")
PLACE_FIELDS = ("online", "online_url", "venue_name", "venue_street", "venue_postal_code", "neighbourhood")
NEEDS_REVIEW = (
    "title",
    "description",
    "type",
    "programme",
    *TIME_FIELDS,
    *PLACE_FIELDS,
    "is_free",
    "cost",
    "registration",
    "image",
)
OPEN_REVISION = {S.DRAFT, S.SUBMITTED, S.RETURNED}


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
