"""Forms of the organisations' public pages: accepting an invitation with a new account."""

from django import forms
from django.utils.translation import gettext_lazy as _

INPUT = {"class": "kern-form-input__input"}


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("Vorname"), max_length=150, widget=forms.TextInput(attrs=INPUT))
    last_name = forms.CharField(label=_("Nachname"), max_length=150, widget=forms.TextInput(attrs=INPUT))
    password1 = forms.CharField(
        label=_("Passwort"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={**INPUT, "autocomplete": "new-password"}),
        help_text=_("Mindestens 12 Zeichen."),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={**INPUT, "autocomplete": "new-password"}),
    )

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        elif data.get("password1"):
            try:
                validate_password(data["password1"])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
