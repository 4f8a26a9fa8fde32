"""The public forms: the filters of the event list and the registration form of an event."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.core.formatting import format_when
from quartier.places.models import District, Neighbourhood

from ..models import Event
from ..occurrences import occurrence_key, parse_occurrence_key, upcoming_occurrences
from ..registration_services import MAX_NAME, MAX_PEOPLE, group_too_large_message
from . import INPUT, LANGUAGE_CHOICES


class EventFilterForm(forms.Form):
    """The public filters of the event list (GET); every field is optional."""

    q = forms.CharField(
        label=_("Suchbegriff"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT)
    )
    district = forms.ModelChoiceField(
        label=_("Stadtbezirk"),
        required=False,
        queryset=District.objects.none(),
        empty_label=_("alle Stadtbezirke"),
        widget=forms.Select(),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Stadtteil"),
        required=False,
        queryset=Neighbourhood.objects.none(),
        empty_label=_("alle Stadtteile"),
        widget=forms.Select(),
    )
    start = forms.DateField(
        label=_("von"), required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    end = forms.DateField(
        label=_("bis"), required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    type = forms.ChoiceField(
        label=_("Art"),
        required=False,
        choices=[("", _("alle Arten")), *Event.Type.choices],
        widget=forms.Select(),
    )
    language = forms.ChoiceField(
        label=_("Sprache"), required=False, choices=LANGUAGE_CHOICES, widget=forms.Select()
    )
    target_group = forms.ChoiceField(
        label=_("Zielgruppe"),
        required=False,
        choices=[("", _("alle Zielgruppen")), *Event.TargetGroup.choices],
        widget=forms.Select(),
    )
    free = forms.BooleanField(label=_("nur kostenlose"), required=False)
    step_free = forms.BooleanField(label=_("nur stufenlos erreichbare"), required=False)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = (
            District.objects.filter(city=city).defer("boundary").order_by("ordinal")
        )
        self.fields["neighbourhood"].queryset = (
            Neighbourhood.objects.filter(city=city).defer("boundary").order_by("name")
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Das Ende liegt vor dem Beginn."))
        return data


class RegistrationCreateForm(forms.Form):
    """The public registration form: an occurrence, name, e-mail, number of people, consent and a honeypot."""

    termin = forms.ChoiceField(
        label=pgettext_lazy("event date", "Termin"),
        widget=forms.Select(),
        error_messages={
            "required": _("Bitte wählen Sie einen Termin."),
            "invalid_choice": _("Bitte wählen Sie einen der angebotenen Termine."),
        },
    )
    name = forms.CharField(
        label=_("Ihr Name"),
        max_length=MAX_NAME,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "name"}),
        error_messages={
            "required": _("Bitte geben Sie Ihren Namen an."),
            "max_length": _("Der Name ist zu lang (höchstens 200 Zeichen)."),
        },
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        help_text=_("An diese Adresse schicken wir die Bestätigung mit einem Link zum Abmelden."),
        max_length=254,
        widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "email"}),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de."),
            "max_length": _(
                "Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de."
            ),
        },
    )
    people = forms.IntegerField(
        label=_("Anzahl der Personen"),
        help_text=_("Sie selbst mitgezählt, höchstens 20."),
        min_value=1,
        max_value=MAX_PEOPLE,
        initial=1,
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
        error_messages={
            "required": _("Bitte geben Sie an, mit wie vielen Personen Sie kommen."),
            "invalid": _("Bitte geben Sie eine Zahl von 1 bis 20 an."),
            "min_value": _("Bitte geben Sie eine Zahl von 1 bis 20 an."),
            "max_value": _("Bitte geben Sie eine Zahl von 1 bis 20 an."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine Angaben zur Organisation der Veranstaltung gespeichert und "
            "30 Tage nach der Veranstaltung gelöscht werden."
        ),
        error_messages={"required": _("Ohne Ihr Einverständnis können wir die Anmeldung nicht speichern.")},
    )
    website = forms.CharField(required=False, label=_("Dieses Feld bitte leer lassen"), max_length=200)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["termin"].choices = [
            (occurrence_key(o.start), format_when(o.start, "WEEKDAY_DATETIME_FORMAT"))
            for o in upcoming_occurrences(event)
        ]

    def clean_name(self):
        name = self.cleaned_data["name"]
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise forms.ValidationError(_("Der Name enthält unzulässige Zeichen."))
        return name

    def clean_people(self):
        people = self.cleaned_data["people"]
        if self.event.registration == Event.Registration.LIMITED and people > (self.event.capacity or 0):
            raise forms.ValidationError(group_too_large_message(self.event.capacity or 0, people))
        return people

    def clean_termin(self):
        parsed = parse_occurrence_key(self.cleaned_data["termin"])
        if parsed is None:
            raise forms.ValidationError(_("Bitte wählen Sie einen der angebotenen Termine."))
        return parsed
