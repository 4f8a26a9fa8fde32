"""The public registration form: an occurrence, name, e-mail, number of people, consent and a honeypot."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.core.formatting import format_when

from .models import Event
from .occurrences import BERLIN, occurrences
from .registration_services import MAX_NAME, MAX_PEOPLE, group_too_large_message

INPUT = {"class": "kern-form-input__input"}
CHOICE_WINDOW_DAYS = 365
MAX_CHOICES = 60


def upcoming_occurrences(event: Event):
    """The occurrences one can still register for, soonest first (at most a year ahead)."""
    now = timezone.now()
    return occurrences(event, now, now + timedelta(days=CHOICE_WINDOW_DAYS))[:MAX_CHOICES]


def occurrence_key(start: datetime) -> str:
    """How an occurrence is named in links (?termin=) and forms: ISO 8601 in Europe/Berlin."""
    return start.astimezone(BERLIN).isoformat()


def parse_occurrence_key(value: str) -> datetime | None:
    """The aware datetime of an ?termin= value (naive means Berlin time), or None if it is not one."""
    if not value or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BERLIN)


class RegistrationForm(forms.Form):
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
