"""The suggestion workflow in one table (decision 0012): which step leads from which state to which.

Every step is taken by whoever handles the suggestion (permissions.can_handle); closing needs an outcome and a
public answer, forwarding a recipient. A closed suggestion can be reopened.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Suggestion

S = Suggestion.Status

TRANSITIONS: set[tuple[str, str]] = {
    (S.RECEIVED, S.IN_PROGRESS),
    (S.RECEIVED, S.FORWARDED),
    (S.RECEIVED, S.CLOSED),
    (S.IN_PROGRESS, S.FORWARDED),
    (S.IN_PROGRESS, S.CLOSED),
    (S.FORWARDED, S.IN_PROGRESS),
    (S.FORWARDED, S.FORWARDED),  # forwarded once more, to someone else
    (S.FORWARDED, S.CLOSED),
    (S.CLOSED, S.IN_PROGRESS),  # reopened
}
OPEN = {S.RECEIVED, S.IN_PROGRESS, S.FORWARDED}


def next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in sorted(TRANSITIONS) if frm == status]


def check(suggestion: Suggestion, to_status: str) -> None:
    if (suggestion.status, to_status) not in TRANSITIONS:
        raise ValidationError(
            _("Ein Vorschlag im Status „%(from)s“ kann nicht „%(to)s“ werden.")
            % {"from": S(suggestion.status).label, "to": S(to_status).label}
        )
