"""The city's audit log for city administrators ("Protokoll"): who viewed, exported or changed which records.

Reads only: the filter form, the scoped selector and the rows of the CSV export. City administrators read their
city's entries; platform administrators also the entries that belong to no city. Entries of other cities are never
read (AuditEntry.city, filled by core.audit.city_of).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.core.models import AuditEntry

from .permissions import is_platform_admin, manages_people

INPUT = {"class": "kern-form-input__input"}
SELECT = {"class": "kern-form-input__select"}
PAGE_SIZE = 50
EXPORT_LIMIT = 10_000  # rows in one CSV; narrow the filters for more

# What happened, by the end of the action's name ("suggestion.viewed", "registration.list_viewed").
KINDS = {
    "viewed": (_("angesehen"), ("viewed",)),
    "exported": (_("exportiert"), ("exported",)),
    "created": (_("angelegt oder eingegangen"), ("created", "received", "requested", "invited", "added")),
    "removed": (_("gelöscht, entfernt oder Daten gelöscht"), ("deleted", "removed", "erased", "withdrawn")),
}
CHANGED_LABEL = pgettext_lazy("audit action kind", "geändert")  # every action of none of the kinds above
KIND_LABELS = {**{kind: label for kind, (label, _e) in KINDS.items()}, "changed": CHANGED_LABEL}

# Object types by the target's model label; the labels are what the page shows.
OBJECT_TYPES = {
    "suggestions.suggestion": _("Vorschlag"),
    "funding.fundingconsultation": _("Förderberatung"),
    "events.event": _("Veranstaltung"),
    "events.registration": pgettext_lazy("event registration", "Anmeldung"),
    "accounts.user": pgettext_lazy("audit object", "Konto"),
    "organisations.organisation": _("Organisation"),
    "offers.offer": _("Angebot"),
    "places.city": _("Stadt"),
}
OTHER = "other"


def object_type_label(target_type: str) -> str:
    return str(OBJECT_TYPES.get(target_type, target_type))


def kind_of(action: str) -> str:
    """The kind of an action (viewed, exported, created, removed; changed for everything else)."""
    verb = action.rsplit(".", 1)[-1]
    for kind, (_label, endings) in KINDS.items():
        if verb.endswith(endings):
            return kind
    return "changed"


class AuditFilterForm(forms.Form):
    """Filters of the log, sent as GET; invalid or unknown values are errors (400), never ignored silently."""

    since = forms.DateField(
        label=_("von (Datum)"), required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    until = forms.DateField(
        label=_("bis (Datum)"), required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    person = forms.CharField(
        label=_("Person (Name oder E-Mail-Adresse)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
    )
    kind = forms.ChoiceField(
        label=_("Art der Aktion"),
        required=False,
        choices=[
            ("", pgettext_lazy("filter", "alle")),
            *KIND_LABELS.items(),
        ],
        widget=forms.Select(attrs=SELECT),
    )
    object_type = forms.ChoiceField(
        label=_("Objektart"),
        required=False,
        choices=[("", pgettext_lazy("filter", "alle")), *OBJECT_TYPES.items(), (OTHER, _("andere"))],
        widget=forms.Select(attrs=SELECT),
    )
    q = forms.CharField(
        label=_("Suche im Objekt"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Das Ende des Zeitraums liegt vor seinem Anfang."))
        for name in ("since", "until"):
            value = data.get(name)
            if value and not (dt.date(2000, 1, 1) <= value <= dt.date(2999, 12, 31)):
                self.add_error(name, _("Bitte geben Sie ein Datum zwischen 2000 und 2999 an."))
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data if self.is_bound else {}
        return AuditFilters(
            since=data.get("since"),
            until=data.get("until"),
            person=(data.get("person") or "").strip(),
            kind=data.get("kind") or "",
            object_type=data.get("object_type") or "",
            q=(data.get("q") or "").strip(),
        )


@dataclass(frozen=True)
class AuditFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    person: str = ""
    kind: str = ""
    object_type: str = ""
    q: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _kind_q(kind: str) -> Q:
    def ending(endings) -> Q:
        q = Q()
        for end in endings:
            q |= Q(action__endswith=end)
        return q

    if kind in KINDS:
        return ending(KINDS[kind][1])
    every = Q()
    for _label, endings in KINDS.values():
        every |= ending(endings)
    return ~every


def audit_entries(user, city, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The city's audit entries this user may read, narrowed by the filters, newest first."""
    if not manages_people(user, city):
        return AuditEntry.objects.none()
    scope = Q(city=city)
    if is_platform_admin(user):
        scope |= Q(city__isnull=True)
    qs = AuditEntry.objects.filter(scope).select_related("actor").order_by("-created_at", "-id")
    if filters.since:
        qs = qs.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(created_at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    if filters.person:
        words = filters.person.split()[:5]
        for word in words:
            qs = qs.filter(
                Q(actor_label__icontains=word)
                | Q(actor__first_name__icontains=word)
                | Q(actor__last_name__icontains=word)
            )
    if filters.kind:
        qs = qs.filter(_kind_q(filters.kind))
    if filters.object_type == OTHER:
        qs = qs.exclude(target_type__in=list(OBJECT_TYPES))
    elif filters.object_type:
        qs = qs.filter(target_type=filters.object_type)
    if filters.q:
        qs = qs.filter(target_label__icontains=filters.q)
    return qs


def actor_name(entry: AuditEntry) -> str:
    if entry.actor_id and entry.actor is not None:
        name = entry.actor.get_full_name().strip()
        return f"{name} ({entry.actor_label})" if name and entry.actor_label else name or entry.actor_label
    return entry.actor_label or str(_("unbekannt"))


def field_label(target_type: str, name: str) -> str:
    """A field's name as people read it (the model's verbose name), or the stored name when there is none."""
    try:
        return str(apps.get_model(target_type)._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name


def changed_fields(entry: AuditEntry) -> str:
    """The names of what changed or what the action concerned; the values stay in the Django admin."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    return ", ".join(sorted(field_label(entry.target_type, str(k)) for k in changes)[:20])


def export_rows(entries):
    """Header and rows of the CSV export."""
    yield [
        str(_("Zeitpunkt")),
        str(_("Person")),
        str(_("Aktion")),
        str(_("Art der Aktion")),
        str(_("Objektart")),
        str(_("Objekt-ID")),
        str(_("Objekt")),
        str(_("Angaben")),
    ]
    kinds = {k: str(label) for k, label in KIND_LABELS.items()}
    for entry in entries:
        yield [
            timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
            actor_name(entry),
            entry.action,
            kinds[kind_of(entry.action)],
            object_type_label(entry.target_type),
            entry.target_id,
            entry.target_label,
            changed_fields(entry),
        ]
