"""Forms of the account pages under /konto/: login, password reset, the staff invitation link and the second
login step (its code forms also serve the workspace page "Anmeldung absichern")."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import emails, throttling, twofactor

INPUT = {"class": "kern-form-input__input"}


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
        # The typed address as it was sent (the e-mail field may have refused it): the throttle counts the
        # account it looks like, so a look-alike spelling neither logs in nor escapes the lock.
        typed = self.data.get("username", "") if self.is_bound else ""
        typed = typed if isinstance(typed, str) and len(typed) <= emails.MAX_INPUT else ""
        try:
            throttling.guard("login", request=self.request, account=typed)
        except throttling.Throttled as locked:
            message = ngettext(
                "Zu viele Fehlversuche. Bitte warten Sie %(minutes)d Minute und versuchen Sie es dann erneut.",
                "Zu viele Fehlversuche. Bitte warten Sie %(minutes)d Minuten und versuchen Sie es dann erneut.",
                locked.minutes,
            )
            raise forms.ValidationError(message, code="locked", params={"minutes": locked.minutes}) from None
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttling.failed("login", request=self.request, account=typed)
            raise
        if self.user_cache is None:  # the e-mail field refused the input: no check ran, still a failed try
            throttling.failed("login", request=self.request, account=typed)
        return cleaned

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        throttling.succeeded("login", request=self.request, account=user.email)


class ExactPasswordResetForm(PasswordResetForm):
    """Password reset for the account registered under exactly this address (never a look-alike's account)."""

    def get_users(self, email):
        user = emails.account_for(email) if emails.is_plain(email) else None
        if user is not None and user.is_active and user.has_usable_password():
            yield user


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


def _password_field(label):
    return forms.CharField(
        label=label,
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={**INPUT, "autocomplete": "new-password"}),
    )


class AcceptStaffInvitationForm(SetPasswordForm):
    """The invited person's new password, checked by Django's password validators (also against their name)."""

    new_password1 = _password_field(_("Passwort"))
    new_password2 = _password_field(_("Passwort wiederholen"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].help_text = _(
            "Mindestens 12 Zeichen; nicht nur Ziffern, kein gängiges Passwort und nicht Ihrem Namen oder Ihrer "
            "E-Mail-Adresse ähnlich."
        )
