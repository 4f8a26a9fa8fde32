"""Forms of the funding-advice pages in the workspace: the list filters and one form per workflow step.

Field names follow the keys of the ValidationErrors services.py raises (advice_notes, result_programme, ...), so
that its errors land next to the field they concern.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartier.accounts.models import Membership, Role, User
from quartier.core.formatting import format_when
from quartier.core.requestforms import InboxFilterForm, VersionedForm
from quartier.events.models import Event
from quartier.formats import TYPED_DATE_FORMATS
from quartier.offers.models import Offer
from quartier.places.models import District

from .. import selectors
from ..models import FundingConsultation
from ..services import MAX_AMOUNT, MAX_SLOTS, MAX_TEXT

INPUT = {"class": "kern-form-input__input"}
TEXTAREA = {"class": "kern-form-input__input", "rows": 5}

TIME_FORMATS = ["%H:%M", "%H.%M"]


def scope_districts(user, city):
    """The Stadtbezirke of the consultations `user` handles in `city` (all of them for administrators)."""
    districts = District.objects.filter(city=city).defer("boundary").order_by("ordinal")
    if selectors.scope(user, city) is None:
        return districts
    seen = selectors.inbox(user, city).values("districts")
    return districts.filter(Q(pk__in=seen) | Q(pk__in=selectors.inbox(user, city).values("district_id")))


class FilterForm(InboxFilterForm):
    """The filters of the consultation list."""

    statuses = FundingConsultation.Status.choices

    def __init__(self, *args, user, city, **kwargs):
        super().__init__(*args, districts=scope_districts(user, city), **kwargs)


def _text(label, *, required=False, rows=3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        strip=True,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": rows}),
    )


def _programme(label, city, *, required=False):
    return forms.ModelChoiceField(
        label=label,
        queryset=selectors.programmes(city),
        required=required,
        empty_label=_("– bitte wählen –") if required else _("– keines –"),
        widget=forms.Select(),
        error_messages={"invalid_choice": _("Bitte wählen Sie ein Förderprogramm aus der Liste.")},
    )


class ProposeForm(VersionedForm):
    """Up to six appointments, one row each: date, start, end, place."""

    message = _text(_("Nachricht an die anfragende Person (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(MAX_SLOTS):
            n = i + 1
            self.fields[f"date_{i}"] = forms.DateField(
                label=_("Datum (Termin %(n)s)") % {"n": n},
                required=False,
                input_formats=TYPED_DATE_FORMATS,
                widget=forms.TextInput(attrs={**INPUT, "inputmode": "numeric", "autocomplete": "off"}),
                error_messages={"invalid": _("Bitte geben Sie das Datum als TT.MM.JJJJ an.")},
            )
            for name, label in (("start", _("Beginn (Termin %(n)s)")), ("end", _("Ende (Termin %(n)s)"))):
                self.fields[f"{name}_{i}"] = forms.TimeField(
                    label=label % {"n": n},
                    required=False,
                    input_formats=TIME_FORMATS,
                    widget=forms.TextInput(attrs={**INPUT, "inputmode": "numeric", "autocomplete": "off"}),
                    error_messages={"invalid": _("Bitte geben Sie die Uhrzeit als SS:MM an.")},
                )
            self.fields[f"place_{i}"] = forms.CharField(
                label=_("Ort oder Hinweis (Termin %(n)s)") % {"n": n},
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs=INPUT),
            )

    @property
    def rows(self):
        return [
            (i + 1, self[f"date_{i}"], self[f"start_{i}"], self[f"end_{i}"], self[f"place_{i}"])
            for i in range(MAX_SLOTS)
        ]

    def clean(self):
        data = super().clean()
        slots = []
        for i in range(MAX_SLOTS):
            names = [f"date_{i}", f"start_{i}", f"end_{i}"]
            if any(self.has_error(n) for n in names):
                continue
            values = [data.get(n) for n in names]
            place = (data.get(f"place_{i}") or "").replace("\x00", "").strip()
            if not any(values) and not place:
                continue
            for name, value in zip(names, values, strict=True):
                if value is None:
                    self.add_error(name, _("Bitte geben Sie Datum, Beginn und Ende an."))
            if all(values):
                day, start, end = values
                slots.append(
                    (
                        timezone.make_aware(datetime.combine(day, start)),
                        timezone.make_aware(datetime.combine(day, end)),
                        place,
                    )
                )
        if not slots and not self.errors:
            self.add_error("date_0", _("Bitte schlagen Sie mindestens einen Termin vor."))
        data["slots"] = slots
        return data


class ConfirmForm(VersionedForm):
    """Confirm one of the proposed times on behalf of the requester (by phone, by mail)."""

    slot = forms.TypedChoiceField(
        label=_("Gewählter Termin"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Dieser Termin steht nicht mehr zur Wahl.")},
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        slots = consultation.slots.filter(is_withdrawn=False, is_chosen=False)
        self.fields["slot"].choices = [(s.pk, slot_label(s)) for s in slots]


def slot_label(slot) -> str:
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    text = f"{format_when(start, 'SHORT_DATETIME_FORMAT')}–{format_when(end, 'TIME_FORMAT')}"
    return f"{text} ({slot.place})" if slot.place else text


class AdviseForm(VersionedForm):
    advice_notes = _text(_("Notizen der Beratung"), required=True, rows=6)
    recommended_programmes = forms.ModelMultipleChoiceField(
        label=_("Empfohlene Förderprogramme"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Bitte wählen Sie Förderprogramme aus der Liste.")},
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended_programmes"].queryset = selectors.programmes(city)
        self.fields["recommended_programmes"].error_messages["invalid_pk_value"] = _(
            "Bitte wählen Sie Förderprogramme aus der Liste."
        )


class ApplyForm(VersionedForm):
    message = _text(_("Nachricht (intern, optional)"), rows=2)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_programme"] = _programme(_("Förderprogramm des Antrags"), city)
        self.order_fields(["version", "result_programme", "message"])


class RejectForm(ApplyForm):
    pass


class ApproveForm(ApplyForm):
    result_amount = forms.DecimalField(
        label=_("Bewilligter Betrag (€)"),
        min_value=0,
        max_value=MAX_AMOUNT,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "decimal"}),
        error_messages={
            "required": _("Bitte geben Sie den bewilligten Betrag an."),
            "invalid": _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500."),
            "min_value": _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500."),
            "max_value": _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500."),
            "max_digits": _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500."),
            "max_decimal_places": _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500."),
            "max_whole_digits": _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500."),
        },
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, city=city, **kwargs)
        self.order_fields(["version", "result_programme", "result_amount", "message"])


def produced_offers(consultation):
    """Offers the project may have produced: those of the consultation's organisation or its Stadtteile."""
    places = consultation.neighbourhoods.all()
    condition = Q(neighbourhoods__in=places)
    if consultation.organisation_id:
        condition |= Q(organisation_id=consultation.organisation_id)
    ids = Offer.objects.filter(city_id=consultation.city_id).filter(condition).values("pk")
    return Offer.objects.filter(pk__in=ids).order_by("title", "pk")


def produced_events(consultation):
    places = consultation.neighbourhoods.all()
    condition = Q(neighbourhood__in=places)
    if consultation.organisation_id:
        condition |= Q(organisation_id=consultation.organisation_id)
    ids = Event.objects.filter(city_id=consultation.city_id).filter(condition).values("pk")
    return Event.objects.filter(pk__in=ids).order_by("title", "pk")


class RunningForm(VersionedForm):
    offers = forms.ModelMultipleChoiceField(
        label=_("Entstandene Angebote"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    events = forms.ModelMultipleChoiceField(
        label=_("Entstandene Veranstaltungen"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    message = _text(_("Nachricht (intern, optional)"), rows=2)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offers"].queryset = produced_offers(consultation)
        self.fields["events"].queryset = produced_events(consultation)
        for name in ("offers", "events"):
            self.fields[name].error_messages.update(
                invalid_choice=_("Bitte wählen Sie aus der Liste."),
                invalid_pk_value=_("Bitte wählen Sie aus der Liste."),
            )


class WithdrawForm(VersionedForm):
    message = _text(_("Grund (optional)"), rows=2)


def handlers_of(consultation) -> list[User]:
    """People who may handle this consultation: its districts' coordinators, the fallback team (where it is in
    their scope) and the city administrators."""
    ids = Membership.objects.filter(
        city_id=consultation.city_id,
        user__is_active=True,
        role__in=[Role.COORDINATOR, Role.FALLBACK, Role.CITY_ADMIN],
    ).values_list("user_id", flat=True)
    people = User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "email")
    return [
        u for u in people if selectors.consultation_for(u, consultation.city, consultation.pk) is not None
    ]


class AssignForm(VersionedForm):
    assigned_to = forms.TypedChoiceField(
        label=_("Zuständige Person"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(),
    )

    def __init__(self, *args, consultation, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = {u.pk: u for u in handlers_of(consultation)}
        if consultation.assigned_to_id and consultation.assigned_to:
            people.setdefault(consultation.assigned_to_id, consultation.assigned_to)
        if user.pk not in people and selectors.consultation_for(user, consultation.city, consultation.pk):
            people[user.pk] = user
        self.people = people
        self.fields["assigned_to"].choices = [("", _("niemand")), *((pk, str(u)) for pk, u in people.items())]

    @property
    def assignee(self):
        pk = self.cleaned_data["assigned_to"]
        return None if pk is None else self.people[pk]
