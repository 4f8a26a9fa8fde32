"""Forms of the offers' workspace pages: the offer editor (every field of services.OfferData, plus the hidden
version) and the filters of the coverage matrix (GET)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for
from quartier.core.languages import language_choices, language_name
from quartier.events.forms import LANGUAGE_CHOICES
from quartier.places.models import District, Neighbourhood

from ..models import Offer, OfferCategory, TargetGroup
from ..services import OfferData

INPUT = {"class": "kern-form-input__input"}
TEXTAREA = {"class": "kern-form-input__input", "rows": 6}
SLOTS = 4

LANGUAGES = language_choices()

WEEKDAY_CHOICES = [
    ("", _("– kein Termin –")),
    ("0", _("montags")),
    ("1", _("dienstags")),
    ("2", _("mittwochs")),
    ("3", _("donnerstags")),
    ("4", _("freitags")),
    ("5", _("samstags")),
    ("6", _("sonntags")),
]

# Field names of the service's errors that the form shows elsewhere.
ERROR_FIELDS = {"weekly_times": "weekday_0", "organisation": None}


class OfferManageForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Titel"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(
        label=_("Beschreibung"), max_length=5000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    category = forms.ModelChoiceField(
        label=_("Kategorie"),
        queryset=OfferCategory.objects.none(),
        empty_label=_("– bitte wählen –"),
        widget=forms.Select(),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Zielgruppen"),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Sprachen"), required=False, choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    schedule = forms.ChoiceField(
        label=_("Wann findet das Angebot statt?"),
        choices=Offer.Schedule.choices,
        initial=Offer.Schedule.WEEKLY,
        widget=forms.RadioSelect,
    )
    schedule_note = forms.CharField(
        label=_("Hinweis zu den Zeiten"),
        required=False,
        max_length=300,
        help_text=_("z. B. „nicht in den Schulferien“"),
        widget=forms.TextInput(attrs=INPUT),
    )
    citywide = forms.BooleanField(label=_("für die ganze Stadt"), required=False)
    neighbourhoods = forms.MultipleChoiceField(
        label=_("Stadtteile"), required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    venue_name = forms.CharField(
        label=pgettext_lazy("venue", "Ort"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
    )
    venue_street = forms.CharField(
        label=_("Straße und Hausnummer"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT)
    )
    venue_postal_code = forms.CharField(
        label=_("Postleitzahl"), required=False, max_length=10, widget=forms.TextInput(attrs=INPUT)
    )
    latitude = forms.FloatField(
        label=_("Breite (optional)"),
        required=False,
        help_text=_("z. B. 51.4556"),
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Länge (optional)"),
        required=False,
        help_text=_("z. B. 7.0116"),
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "decimal"}),
    )
    is_free = forms.BooleanField(label=_("kostenlos"), required=False)
    cost = forms.CharField(
        label=_("Kosten"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT)
    )
    contact_name = forms.CharField(
        label=_("Ansprechperson oder Stelle"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
    )
    contact_email = forms.EmailField(
        label=_("E-Mail"), required=False, widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "off"})
    )
    contact_phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={**INPUT, "type": "tel"}),
    )
    step_free = forms.BooleanField(label=_("stufenlos erreichbar"), required=False)
    hearing_loop = forms.BooleanField(label=_("Induktionsschleife"), required=False)
    sign_language = forms.BooleanField(label=_("Gebärdensprache"), required=False)
    childcare = forms.BooleanField(label=_("Kinderbetreuung"), required=False)
    accessibility_note = forms.CharField(
        label=_("Hinweise zur Barrierefreiheit"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=INPUT),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Offer.Status.choices,
        initial=Offer.Status.PUBLISHED,
        widget=forms.Select(),
    )

    def __init__(self, *args, city, offer: Offer | None = None, **kwargs):
        if offer is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(offer)
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["version"].required = offer is not None
        categories = OfferCategory.objects.filter(city=city, is_active=True)
        if offer is not None:  # an offer keeps its category even when staff retired it
            categories = OfferCategory.objects.filter(city=city).filter(
                pk__in=[*categories.values_list("pk", flat=True), offer.category_id]
            )
        self.fields["category"].queryset = categories
        if offer is not None:
            known = {code for code, _label in LANGUAGES}
            extra = [(c, language_name(c)) for c in offer.languages if isinstance(c, str) and c not in known]
            self.fields["languages"].choices = [*LANGUAGES, *extra]
        self.places = list(
            Neighbourhood.objects.filter(city=city)
            .select_related("district")
            .defer("boundary", "district__boundary")
            .order_by("district__ordinal", "name")
        )
        # Grouped by Stadtbezirk: the widget draws one fieldset per group (templates/django/forms/widgets).
        groups: dict = {}
        for n in self.places:
            groups.setdefault(n.district, []).append((str(n.pk), n.name))
        self.fields["neighbourhoods"].choices = [
            (_("Stadtbezirk %(number)s: %(name)s") % {"number": d.number, "name": d.name}, options)
            for d, options in groups.items()
        ]
        for i in range(SLOTS):
            self.fields[f"weekday_{i}"] = forms.ChoiceField(
                label=_("Wochentag"),
                required=False,
                choices=WEEKDAY_CHOICES,
                widget=forms.Select(),
            )
            self.fields[f"start_{i}"] = forms.TimeField(
                label=_("Beginn"),
                required=False,
                input_formats=["%H:%M"],
                widget=forms.TimeInput(attrs={**INPUT, "type": "time"}, format="%H:%M"),
            )
            self.fields[f"end_{i}"] = forms.TimeField(
                label=_("Ende"),
                required=False,
                input_formats=["%H:%M"],
                widget=forms.TimeInput(attrs={**INPUT, "type": "time"}, format="%H:%M"),
            )

    def slot_rows(self):
        return [
            {
                "number": i + 1,
                "weekday": self[f"weekday_{i}"],
                "start": self[f"start_{i}"],
                "end": self[f"end_{i}"],
            }
            for i in range(SLOTS)
        ]

    def clean(self):
        data = super().clean()
        slots = []
        for i in range(SLOTS):
            weekday, start, end = data.get(f"weekday_{i}"), data.get(f"start_{i}"), data.get(f"end_{i}")
            if f"weekday_{i}" in self.errors or f"start_{i}" in self.errors or f"end_{i}" in self.errors:
                continue
            if not weekday and not start and not end:
                continue
            if not weekday:
                self.add_error(f"weekday_{i}", _("Bitte wählen Sie einen Wochentag."))
            elif not start or not end:
                self.add_error(
                    f"start_{i}" if not start else f"end_{i}", _("Bitte geben Sie Beginn und Ende an.")
                )
            elif end <= start:
                self.add_error(f"end_{i}", _("Das Ende liegt vor dem Beginn."))
            else:
                slots.append(
                    {"weekday": int(weekday), "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
                )
        data["weekly_times"] = slots if data.get("schedule") == Offer.Schedule.WEEKLY else []
        if data.get("schedule") == Offer.Schedule.WEEKLY and not slots and not self.errors:
            self.add_error("weekday_0", _("Bitte geben Sie mindestens eine wöchentliche Zeit an."))
        return data

    def offer_data(self, organisation) -> OfferData:
        d = self.cleaned_data
        chosen = {int(pk) for pk in d["neighbourhoods"]}
        return OfferData(
            title=d["title"],
            description=d["description"],
            category=d["category"],
            organisation=organisation,
            neighbourhoods=[n for n in self.places if n.pk in chosen],
            citywide=d["citywide"],
            target_groups=d["target_groups"],
            languages=d["languages"],
            schedule=d["schedule"],
            weekly_times=d["weekly_times"],
            schedule_note=d["schedule_note"],
            venue_name=d["venue_name"],
            venue_street=d["venue_street"],
            venue_postal_code=d["venue_postal_code"],
            latitude=d["latitude"],
            longitude=d["longitude"],
            is_free=d["is_free"],
            cost=d["cost"],
            contact_name=d["contact_name"],
            contact_email=d["contact_email"],
            contact_phone=d["contact_phone"],
            step_free=d["step_free"],
            hearing_loop=d["hearing_loop"],
            sign_language=d["sign_language"],
            childcare=d["childcare"],
            accessibility_note=d["accessibility_note"],
            status=d["status"],
        )

    def add_service_errors(self, exc) -> None:
        """Show the service's ValidationError (a dict by field) at the matching fields."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.message_dict.items():
            target = ERROR_FIELDS.get(name, name)
            self.add_error(target if target in self.fields else None, errors)


def initial_for(offer: Offer) -> dict:
    initial = {
        name: getattr(offer, name)
        for name in (
            "title",
            "description",
            "target_groups",
            "languages",
            "schedule",
            "schedule_note",
            "citywide",
            "venue_name",
            "venue_street",
            "venue_postal_code",
            "latitude",
            "longitude",
            "is_free",
            "cost",
            "contact_name",
            "contact_email",
            "contact_phone",
            "step_free",
            "hearing_loop",
            "sign_language",
            "childcare",
            "accessibility_note",
            "status",
            "version",
        )
    }
    initial["category"] = offer.category_id
    initial["neighbourhoods"] = [str(pk) for pk in offer.neighbourhoods.values_list("pk", flat=True)]
    for i, slot in enumerate(s for s in offer.weekly_times[:SLOTS] if isinstance(s, dict)):
        initial[f"weekday_{i}"] = str(slot.get("weekday", ""))
        initial[f"start_{i}"] = slot.get("start", "")
        initial[f"end_{i}"] = slot.get("end", "")
    return initial


MINE = "mine"
ALL = "all"


class OfferCoverageFilterForm(forms.Form):
    """Zielgruppe, Sprache, Stadtbezirk and the per-1,000 toggle; unknown values are errors (400).

    Coordinators see their own districts by default ("mine") and may switch to all districts or any single one:
    offers are public data."""

    target_group = forms.ChoiceField(
        label=_("Zielgruppe"),
        required=False,
        choices=[("", _("alle Zielgruppen")), *TargetGroup.choices],
        widget=forms.Select(),
    )
    language = forms.ChoiceField(
        label=_("Sprache"), required=False, choices=LANGUAGE_CHOICES, widget=forms.Select()
    )
    district = forms.ChoiceField(label=_("Stadtbezirk"), required=False, widget=forms.Select())
    per_1000 = forms.BooleanField(label=_("je 1.000 Einwohner*innen"), required=False)

    def __init__(self, *args, user, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city
        self.own_district_ids = district_ids_for(user, city, roles={Role.COORDINATOR})
        self.districts = list(District.objects.filter(city=city).defer("boundary").order_by("ordinal"))
        choices = []
        if self.own_district_ids:
            choices.append((MINE, _("meine Stadtbezirke")))
        choices.append((ALL, _("alle Stadtbezirke")))
        choices += [(str(d.pk), d.name) for d in self.districts]
        self.fields["district"].choices = choices
        self.default_district = MINE if self.own_district_ids else ALL
        self.fields["district"].initial = self.default_district

    def clean_district(self) -> str:
        return self.cleaned_data.get("district") or self.default_district

    def district_ids(self) -> set[int] | None:
        """The districts to show (None: all), from the cleaned form or the default of an unbound one."""
        value = self.cleaned_data.get("district") if self.is_bound else self.default_district
        value = value or self.default_district
        if value == ALL:
            return None
        if value == MINE:
            return set(self.own_district_ids)
        return {int(value)}

    def selected_districts(self) -> list[District]:
        ids = self.district_ids()
        return [d for d in self.districts if ids is None or d.pk in ids]

    def value(self, name: str):
        if self.is_bound:
            return self.cleaned_data.get(name)
        return self.fields[name].initial
