from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quartier.core import ratelimit


class ThrottledLoginForm(AuthenticationForm):
    """Login that locks an account and a client out for a while after too many failed attempts."""

    username = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "class": "kern-form-input__input"}
        ),
    )
    password = forms.CharField(
        label=_("Passwort"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "kern-form-input__input"}
        ),
    )
    error_messages = {
        "invalid_login": _("E-Mail-Adresse oder Passwort sind nicht richtig."),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").lower()
        client = ratelimit.client_identity(self.request) if self.request else ""
        limit, window = settings.LOGIN_MAX_FAILURES, settings.LOGIN_LOCKOUT_SECONDS
        if username and (
            ratelimit.count("login-user", username) >= limit
            or ratelimit.count("login-client", client) >= limit * 4
        ):
            minutes = max(1, window // 60)
            message = ngettext(
                "Zu viele Fehlversuche. Bitte warten Sie %(minutes)d Minute und versuchen Sie es dann erneut.",
                "Zu viele Fehlversuche. Bitte warten Sie %(minutes)d Minuten und versuchen Sie es dann erneut.",
                minutes,
            )
            raise forms.ValidationError(message, code="locked", params={"minutes": minutes})
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                ratelimit.hit("login-user", username, window=window)
            ratelimit.hit("login-client", client, window=window)
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        ratelimit.reset("login-user", (self.cleaned_data.get("username") or "").lower())
