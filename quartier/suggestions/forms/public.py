"""The public suggestion form: text, place, topic, optional contact, consent, a honeypot and a signed form key."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quartier.core import formkeys
from quartier.places.models import Neighbourhood

from ..models import Suggestion
from ..services import MAX_NAME, MAX_TEXT, MIN_TEXT

INPUT = {"class": "kern-form-input__input"}
WHOLE_CITY = ""
FORM_KEY_SALT = "quartier.suggestions.form-key"
FORM_KEY_MAX_AGE = 24 * 3600


def new_form_key() -> str:
    return formkeys.new(FORM_KEY_SALT)


def read_form_key(value: str) -> tuple[str, float] | None:
    return formkeys.read(FORM_KEY_SALT, value, max_age=FORM_KEY_MAX_AGE)


def place_choices(city) -> list:
    """The Stadtteile grouped by Stadtbezirk, after the explicit "whole city / don't know" option."""
    groups: dict[int, tuple] = {}
    places = (
        Neighbourhood.objects.filter(city=city)
        .select_related("district")
        .only("id", "name", "district__id", "district__name", "district__ordinal")
        .order_by("district__ordinal", "name")
    )
    for place in places:
        groups.setdefault(place.district_id, (place.district, []))[1].append((str(place.pk), place.name))
    choices: list = [(WHOLE_CITY, _("Ganze Stadt / weiß ich nicht"))]
    for district, options in groups.values():
        choices.append((district.name, options))
    return choices


class SuggestionForm(forms.Form):
    text = forms.CharField(
        label=_("Ihr Vorschlag"),
        help_text=_("In jeder Sprache und Schrift. Mindestens 10, höchstens 5000 Zeichen."),
        min_length=MIN_TEXT,
        max_length=MAX_TEXT,
        strip=True,
        widget=forms.Textarea(attrs={**INPUT, "rows": 8, "dir": "auto"}),
        error_messages={
            "required": _("Bitte schreiben Sie Ihren Vorschlag."),
            "min_length": _("Bitte schreiben Sie mindestens %(limit_value)d Zeichen."),
            "max_length": _(
                "Bitte kürzen Sie auf höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."
            ),
        },
    )
    neighbourhood = forms.ChoiceField(
        label=_("Für welchen Stadtteil?"),
        required=False,
        widget=forms.Select(),
        error_messages={"invalid_choice": _("Bitte wählen Sie einen Stadtteil aus der Liste.")},
    )
    topic = forms.ChoiceField(
        label=_("Thema"),
        choices=[("", _("Bitte wählen")), *Suggestion.Topic.choices],
        widget=forms.Select(),
        error_messages={
            "required": _("Bitte wählen Sie ein Thema."),
            "invalid_choice": _("Bitte wählen Sie eines der angebotenen Themen."),
        },
    )
    name = forms.CharField(
        label=_("Ihr Name (freiwillig)"),
        required=False,
        max_length=MAX_NAME,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "name", "dir": "auto"}),
        error_messages={"max_length": _("Der Name ist zu lang (höchstens %(limit_value)d Zeichen).")},
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse für eine Antwort (freiwillig)"),
        help_text=_(
            "Dann schicken wir Ihnen eine Bestätigung und eine Nachricht, wenn es ein Ergebnis gibt."
        ),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "email"}),
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de."),
            "max_length": _(
                "Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de."
            ),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass mein Vorschlag und meine freiwilligen Angaben wie beschrieben gespeichert werden."
        ),
        error_messages={"required": _("Ohne Ihr Einverständnis können wir den Vorschlag nicht speichern.")},
        # The privacy notice above the box (id in the template) describes what the consent covers.
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-notice"}),
    )
    website = forms.CharField(required=False, label=_("Dieses Feld bitte leer lassen"), max_length=200)
    # Signed: a one-time submission key and the time the form was served (new_form_key).
    form_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].choices = place_choices(city)
        self.city = city
        self.submission_key: str | None = None
        self.seconds_open: float = 0.0

    def clean_name(self):
        name = self.cleaned_data["name"]
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise forms.ValidationError(_("Der Name enthält unzulässige Zeichen."))
        return name

    def clean_neighbourhood(self):
        value = self.cleaned_data["neighbourhood"]
        if value == WHOLE_CITY:
            return None
        place = (
            Neighbourhood.objects.filter(city=self.city, pk=int(value))
            .select_related("district")
            .defer("boundary", "district__boundary")
            .first()
        )
        if place is None:
            raise forms.ValidationError(_("Bitte wählen Sie einen Stadtteil aus der Liste."))
        return place

    def clean(self):
        data = super().clean()
        read = read_form_key(self.data.get("form_key", ""))
        if read is None:
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu und "
                        "senden Sie Ihren Vorschlag noch einmal."
                    ),
                    code="form_key",
                ),
            )
        else:
            self.submission_key, self.seconds_open = read
        return data

    @property
    def filled_too_fast(self) -> bool:
        return self.seconds_open < settings.SUGGESTION_MIN_FILL_SECONDS

    @property
    def form_key_invalid(self) -> bool:
        return self.submission_key is None
