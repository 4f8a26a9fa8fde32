"""Forms of the public place pages: the finder and the accessibility feedback."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..finder import MAX_QUERY_LENGTH


class FinderForm(forms.Form):
    q = forms.CharField(
        label=_("Stadtteil oder Postleitzahl"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "kern-form-input__input"}
        ),
        error_messages={"max_length": _("Bitte geben Sie höchstens %(limit_value)d Zeichen ein.")},
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        has_point = data.get("lat") is not None or data.get("lon") is not None
        if has_point and (data.get("lat") is None or data.get("lon") is None):
            raise forms.ValidationError(
                _("Der Standort ist unvollständig. Bitte versuchen Sie es noch einmal.")
            )
        if not has_point and not (data.get("q") or "").strip() and not self.errors:
            self.add_error("q", _("Bitte geben Sie einen Stadtteil oder eine Postleitzahl ein."))
        return data


class AccessibilityFeedbackForm(forms.Form):
    """A report of a barrier. Stored only as the e-mail to the operator (outbox); nothing else is kept."""

    message = forms.CharField(
        label=_("Welche Barriere ist Ihnen aufgefallen?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "kern-form-input__input"}),
        help_text=_("Bitte nennen Sie, wenn möglich, die Seite und was nicht funktioniert hat."),
        error_messages={
            "required": _("Bitte beschreiben Sie die Barriere."),
            "max_length": _("Bitte fassen Sie sich kürzer (höchstens %(limit_value)d Zeichen)."),
        },
    )
    page = forms.CharField(
        label=_("Betroffene Seite (optional)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input"}),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse für eine Antwort (optional)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "kern-form-input__input", "autocomplete": "email"}),
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de.")
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine E-Mail-Adresse nur zur Beantwortung dieser Meldung verwendet wird."
        ),
        required=False,
    )
    website = forms.CharField(required=False, label=_("Dieses Feld bitte leer lassen"), max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("email") and not data.get("consent"):
            self.add_error(
                "consent", _("Wenn Sie eine E-Mail-Adresse angeben, brauchen wir Ihr Einverständnis.")
            )
        for name in ("message", "page"):
            if "\x00" in (data.get(name) or ""):
                self.add_error(name, _("Der Text enthält unzulässige Zeichen."))
        return data
