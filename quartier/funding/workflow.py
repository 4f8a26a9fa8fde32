"""The consultation workflow in one table (decision 0012): which step leads from which state to which, and who takes
it ("staff": whoever handles the consultation; "requester": the person with the status link).

angefragt → Termine vorgeschlagen → Termin bestätigt → beraten → Antrag gestellt → bewilligt / abgelehnt →
Projekt läuft. Coordinators may also advise without an appointment (by phone), propose new times, and record
an application straight after advice; the requester may withdraw until a decision.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import FundingConsultation

S = FundingConsultation.Status
STAFF, REQUESTER = "staff", "requester"

TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (S.REQUESTED, S.SLOTS_PROPOSED): {STAFF},
    (S.REQUESTED, S.ADVISED): {STAFF},
    (S.SLOTS_PROPOSED, S.SLOTS_PROPOSED): {STAFF},  # other times
    (S.SLOTS_PROPOSED, S.APPOINTMENT_CONFIRMED): {STAFF, REQUESTER},
    (S.APPOINTMENT_CONFIRMED, S.SLOTS_PROPOSED): {STAFF},  # rescheduled
    (S.APPOINTMENT_CONFIRMED, S.ADVISED): {STAFF},
    (S.ADVISED, S.ADVISED): {STAFF},  # a further conversation
    (S.ADVISED, S.APPLIED): {STAFF, REQUESTER},
    (S.APPLIED, S.APPROVED): {STAFF},
    (S.APPLIED, S.REJECTED): {STAFF},
    (S.APPROVED, S.RUNNING): {STAFF},
    (S.REJECTED, S.ADVISED): {STAFF},  # advice on another programme
    **{
        (s, S.WITHDRAWN): {STAFF, REQUESTER}
        for s in (S.REQUESTED, S.SLOTS_PROPOSED, S.APPOINTMENT_CONFIRMED, S.ADVISED, S.APPLIED)
    },
}
OPEN = {S.REQUESTED, S.SLOTS_PROPOSED, S.APPOINTMENT_CONFIRMED, S.ADVISED, S.APPLIED, S.APPROVED}
ENDED = {S.REJECTED, S.WITHDRAWN, S.RUNNING}


def next_statuses(status: str, who: str = STAFF) -> list[str]:
    return [to for (frm, to), by in sorted(TRANSITIONS.items()) if frm == status and who in by]


def check(consultation: FundingConsultation, to_status: str, who: str) -> None:
    if who not in TRANSITIONS.get((consultation.status, to_status), set()):
        raise ValidationError(
            _("Eine Beratung im Status „%(from)s“ kann nicht „%(to)s“ werden.")
            % {"from": S(consultation.status).label, "to": S(to_status).label}
        )
