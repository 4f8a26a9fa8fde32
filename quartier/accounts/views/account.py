"""The account pages under /konto/: login, logout, password reset in the site's look; the page behind a staff
invitation link, where the invited person sets a password; and the second login step, setting up an authenticator
app and the recovery codes.

The password step is the ordinary login (LoginView); until the code is accepted, SecondFactorMiddleware
(middleware.py) leads an account that needs a second factor here and lets it reach nothing else.
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from quartier.core import ratelimit
from quartier.core.tokens import secret_page

from .. import selectors, services, throttling, twofactor
from ..forms.account import (
    AcceptStaffInvitationForm,
    AppCodeForm,
    ExactPasswordResetForm,
    SecondFactorForm,
    ThrottledLoginForm,
)

LOOKUPS_PER_HOUR = 30
THROTTLE_KIND = "second-factor"
CODES_SESSION_KEY = "_recovery_codes_to_show"
CODES_SHOW_SECONDS = 15 * 60


def throttle_account(user) -> str:
    return f"user:{user.pk}"


def next_page(request, default: str | None = None) -> str:
    """The page to return to after this step (only on this site), else the workspace start page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and len(target) <= 2000
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default or reverse("workspace:home")


def code_guard(request, form) -> bool:
    """False (with the message in the form) while the account or this client is locked out."""
    try:
        throttling.guard(THROTTLE_KIND, request=request, account=throttle_account(request.user))
    except throttling.Throttled as exc:
        minutes = max(1, int(exc.minutes))
        form.add_error(
            None,
            ngettext(
                "Zu viele falsche Codes. Bitte warten Sie %(minutes)d Minute und versuchen Sie es dann erneut.",
                "Zu viele falsche Codes. Bitte warten Sie %(minutes)d Minuten und versuchen Sie es dann erneut.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return False
    return True


def code_failed(request, form, result: twofactor.Verification | None = None) -> None:
    throttling.failed(THROTTLE_KIND, request=request, account=throttle_account(request.user))
    if result is not None and result.device_throttled:
        # django-otp makes a device wait after each wrong code (1, 2, 4 … seconds): say so, not "too many".
        form.add_error(
            "code",
            _(
                "Nach einem falschen Code ist eine neue Eingabe erst nach einer kurzen Pause möglich. "
                "Bitte warten Sie ein paar Sekunden und geben Sie dann den aktuellen Code ein."
            ),
        )
    else:
        form.add_error("code", _("Der Code ist nicht richtig oder wurde schon verwendet."))


def _complete_login(request, device) -> None:
    throttling.succeeded(THROTTLE_KIND, request=request, account=throttle_account(request.user))
    request.session.cycle_key()  # a new session id for the fully logged-in session
    django_otp.login(request, device)


def keep_codes_to_show(request, codes: list[str]) -> None:
    request.session[CODES_SESSION_KEY] = {"codes": codes, "at": int(timezone.now().timestamp())}


def _codes_to_show(request) -> list[str]:
    kept = request.session.get(CODES_SESSION_KEY)
    if not isinstance(kept, dict) or not isinstance(kept.get("codes"), list):
        return []
    if int(timezone.now().timestamp()) - int(kept.get("at", 0)) > CODES_SHOW_SECONDS:
        request.session.pop(CODES_SESSION_KEY, None)
        return []
    return [str(c) for c in kept["codes"]]


def codes_url(next_url: str) -> str:
    return reverse("accounts:two_factor_codes") + "?" + urlencode({"next": next_url})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def second_factor(request):
    """The second login step: a code from the app or a recovery code."""
    request.keeps_no_input = True
    user = request.user
    if twofactor.is_verified(user) or not twofactor.required(user):
        return redirect(next_page(request))
    if not twofactor.has_authenticator(user):
        return redirect(reverse("accounts:two_factor_enrol") + "?" + urlencode({"next": next_page(request)}))
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if code_guard(request, form) and form.is_valid():
            code = form.cleaned_data["code"]
            result = twofactor.verify(user, code)
            if result.ok:
                _complete_login(request, result.device)
                if code.kind == "recovery":
                    left = twofactor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        ngettext(
                            "Sie haben einen Wiederherstellungscode verwendet; er gilt nun nicht mehr. Es bleibt "
                            "noch %(count)d Code. Erstellen Sie unter „Anmeldung absichern“ neue Codes.",
                            "Sie haben einen Wiederherstellungscode verwendet; er gilt nun nicht mehr. Es bleiben "
                            "noch %(count)d Codes. Erstellen Sie unter „Anmeldung absichern“ neue Codes.",
                            left,
                        )
                        % {"count": left},
                    )
                return redirect(next_page(request))
            code_failed(request, form, result)
        status = 400
    return render(
        request,
        "accounts/twofactor/verify.html",
        {"form": form, "next": next_page(request)},
        status=status,
    )


def _qr_data_uri(device) -> str:
    return segno.make(twofactor.otpauth_url(device), error="m").svg_data_uri(
        scale=5, dark="#000", light="#fff"
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code from the app. Also
    replaces the app of an account that is fully logged in."""
    request.keeps_no_input = True
    user = request.user
    replacing = twofactor.has_authenticator(user)
    if replacing and not twofactor.is_verified(user):
        # Someone who knows only the password must not set up an app of their own.
        return redirect(reverse("accounts:two_factor") + "?" + urlencode({"next": next_page(request)}))
    device = twofactor.pending_authenticator(user)
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if code_guard(request, form) and form.is_valid():
            enrolment = twofactor.enrol_confirm(user=user, code=form.cleaned_data["code"])
            if enrolment is not None:
                _complete_login(request, enrolment.device)
                if enrolment.recovery_codes:
                    keep_codes_to_show(request, enrolment.recovery_codes)
                    return redirect(codes_url(next_page(request)))
                messages.success(
                    request, _("Ihre neue Authentifizierungs-App ist eingerichtet; die alte gilt nicht mehr.")
                )
                return redirect(next_page(request, reverse("workspace:two_factor")))
            code_failed(request, form)
        status = 400
    return render(
        request,
        "accounts/twofactor/enrol.html",
        {
            "form": form,
            "next": next_page(request),
            "replacing": replacing,
            "qr_code": _qr_data_uri(device),
            "secret": twofactor.secret_for_display(device),
            "fully_logged_in": twofactor.is_verified(user) or not twofactor.required(user),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def recovery_codes(request):
    """The new recovery codes, shown once; "Weiter" forgets them."""
    codes = _codes_to_show(request)
    if request.method == "POST":
        request.session.pop(CODES_SESSION_KEY, None)
        return redirect(next_page(request))
    if not codes:
        return redirect(next_page(request, reverse("workspace:two_factor")))
    return render(
        request,
        "accounts/twofactor/recovery_codes.html",
        {"codes": codes, "next": next_page(request)},
    )


@require_http_methods(["GET", "HEAD"])
@login_required
@never_cache
def recovery_codes_txt(request):
    """The same codes as a text file, while they are shown."""
    codes = _codes_to_show(request)
    if not codes:
        raise Http404
    lines = [
        _("Wiederherstellungscodes für %(account)s") % {"account": request.user.email},
        _("Jeder Code gilt ein Mal. Bewahren Sie die Codes sicher auf, getrennt von Ihrem Gerät."),
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\r\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wiederherstellungscodes.txt"'
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        if request.session.pop("session_expired", False):
            messages.info(
                request,
                _("Sie wurden nach längerer Inaktivität abgemeldet. Bitte melden Sie sich erneut an."),
            )
        return super().get(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Logs out (POST only) and returns to the home page with a confirmation."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("Sie sind abgemeldet."))
        return response


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Sends a reset link, at most QUARTIER_PASSWORD_RESET_LIMIT times per account and window (four times as
    many per client). Over the limit the answer is the same as always, so it tells nobody whether the address has
    an account; only no mail is sent."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = ExactPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            throttling.guard("password-reset", request=self.request, account=form.cleaned_data["email"])
        except throttling.Throttled:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# The page is sent with Referrer-Policy: no-referrer (decision 0015), so browsers post its form with
# "Origin: null", which Django's CSRF check refuses. The secret token in the URL is what authorises the request.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def staff_invitation_accept(request, token: str):
    """The invited person sets a password and is logged in; the link works once and expires."""
    if ratelimit.hit("staff-invitation", ratelimit.client_identity(request), window=3600) > LOOKUPS_PER_HOUR:
        return secret_page(render(request, "errors/429.html", status=429))
    invitation = selectors.staff_invitation_for_token(token)
    if invitation is None:
        raise Http404(_("Diese Einladung ist ungültig oder abgelaufen."))
    form = AcceptStaffInvitationForm(invitation.user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.staff_invitation_accept(
                    token=token, password=form.cleaned_data["new_password1"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
                messages.success(request, _("Willkommen! Ihr Passwort ist gespeichert, Sie sind angemeldet."))
                return redirect("workspace:home")
        status = 400
    return secret_page(
        render(
            request,
            "accounts/staff_invitation.html",
            {"invitation": invitation, "form": form},
            status=status,
        )
    )
