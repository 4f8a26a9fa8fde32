"""Login, logout and password reset in the site's look."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import throttling
from .forms import ExactPasswordResetForm, ThrottledLoginForm


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
