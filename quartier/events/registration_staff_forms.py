"""Forms of the organiser's registrations page: attendance of one person, a message to everyone registered."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .registration_staff import MAX_BODY, MAX_SUBJECT

INPUT = {"class": "kern-form-input__input"}
ATTENDANCE = {"yes": True, "no": False, "open": None}


class AttendanceForm(forms.Form):
    registration = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    attended = forms.ChoiceField(
        label=_("Anwesenheit"),
        choices=[
            ("yes", pgettext_lazy("attendance", "da")),
            ("no", pgettext_lazy("attendance", "nicht da")),
            ("open", pgettext_lazy("attendance", "offen")),
        ],
        error_messages={"invalid_choice": _("Bitte wählen Sie „da“, „nicht da“ oder „offen“.")},
    )

    def value(self) -> bool | None:
        return ATTENDANCE[self.cleaned_data["attended"]]


class RegistrationMessageForm(forms.Form):
    subject = forms.CharField(
        label=_("Betreff"),
        max_length=MAX_SUBJECT,
        widget=forms.TextInput(attrs=INPUT),
        error_messages={
            "required": _("Bitte geben Sie einen Betreff an."),
            "max_length": _("Der Betreff ist zu lang (höchstens 150 Zeichen)."),
        },
    )
    body = forms.CharField(
        label=_("Nachricht"),
        max_length=MAX_BODY,
        help_text=_(
            "Jede angemeldete Person bekommt eine eigene E-Mail; die Adressen sehen die anderen nicht. "
            "Antworten gehen an die E-Mail-Adresse Ihrer Organisation."
        ),
        widget=forms.Textarea(attrs={**INPUT, "rows": 6}),
        error_messages={
            "required": _("Bitte schreiben Sie eine Nachricht."),
            "max_length": _("Die Nachricht ist zu lang (höchstens 5000 Zeichen)."),
        },
    )
    include_waiting = forms.BooleanField(label=_("auch an die Personen auf der Warteliste"), required=False)
