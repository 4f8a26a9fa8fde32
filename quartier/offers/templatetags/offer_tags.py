"""Filters for the offer pages: when an offer takes place, and the names of its languages and target groups."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.core.languages import language_name as _language_name

from ..models import Offer, TargetGroup

register = template.Library()

# Monday first, as stored in Offer.weekly_times.
WEEKDAYS = [
    gettext_lazy("montags"),
    gettext_lazy("dienstags"),
    gettext_lazy("mittwochs"),
    gettext_lazy("donnerstags"),
    gettext_lazy("freitags"),
    gettext_lazy("samstags"),
    gettext_lazy("sonntags"),
]


def _slot_key(slot) -> tuple:
    return (slot.get("weekday", 0), str(slot.get("start", "")))


@register.filter
def weekly_times(offer: Offer) -> list[str]:
    """Each weekly time as "mittwochs 16:00–18:00 Uhr", by weekday; ["nach Vereinbarung"] for appointments."""
    if offer.schedule == Offer.Schedule.APPOINTMENT:
        return [_("nach Vereinbarung")]
    lines = []
    for slot in sorted((s for s in offer.weekly_times if isinstance(s, dict)), key=_slot_key):
        weekday = slot.get("weekday")
        if not isinstance(weekday, int) or not 0 <= weekday < len(WEEKDAYS):
            continue
        lines.append(
            _("%(weekday)s %(start)s–%(end)s Uhr")
            % {"weekday": WEEKDAYS[weekday], "start": slot.get("start", ""), "end": slot.get("end", "")}
        )
    return lines or [_("nach Vereinbarung")]


@register.filter
def language_name(code: str) -> str:
    return _language_name(code)


@register.filter
def target_group_name(value: str) -> str:
    return str(dict(TargetGroup.choices).get(value, value))
