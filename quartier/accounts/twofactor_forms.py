"""Forms of the second login step, the enrolment and the page "Anmeldung absichern"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import twofactor


def _code_widget(**attrs):
    return forms.TextInput(
        attrs={
            "class": "kern-form-input__input",
            "autocomplete": "one-time-code",
            "autocapitalize": "off",
            "spellcheck": "false",
            "maxlength": twofactor.MAX_CODE_LENGTH,
            **attrs,
        }
    )


class SecondFactorForm(forms.Form):
    """The code from the app or a recovery code, at the second login step."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_(
            "Die 6 Ziffern aus Ihrer Authentifizierungs-App. Ohne Ihr Gerät: einer Ihrer Wiederherstellungscodes."
        ),
        strip=False,
        max_length=twofactor.MAX_CODE_LENGTH,
        widget=_code_widget(autofocus=True),
    )

    def clean_code(self) -> twofactor.Code:
        return twofactor.parse_code(self.cleaned_data["code"])


class AppCodeForm(forms.Form):
    """Only a six-digit code from the app: to confirm a new app, or to renew the recovery codes."""

    code = forms.CharField(
        label=_("Code aus der App"),
        help_text=_("Die 6 Ziffern, die Ihre Authentifizierungs-App gerade anzeigt."),
        strip=False,
        max_length=twofactor.MAX_CODE_LENGTH,
        widget=_code_widget(inputmode="numeric"),
    )

    def clean_code(self) -> str:
        return twofactor.parse_totp(self.cleaned_data["code"])
