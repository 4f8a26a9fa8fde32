"""The public page behind an invitation link: set a password and join the organisation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from quartier.core import ratelimit
from quartier.core.tokens import secret_page

from .. import services
from ..forms import AcceptInvitationForm

LOOKUPS_PER_HOUR = 30


# The page is sent with Referrer-Policy: no-referrer (DESIGN.md, secret links), so browsers post its form with
# "Origin: null", which Django's CSRF check refuses. The secret token in the URL is what authorises the request.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def invitation_accept(request, token: str):
    if ratelimit.hit("invitation", ratelimit.client_identity(request), window=3600) > LOOKUPS_PER_HOUR:
        return secret_page(render(request, "errors/429.html", status=429))
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise Http404(_("Diese Einladung ist ungültig oder abgelaufen."))
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.invitation_accept(
                    token=token,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Willkommen! Bitte melden Sie sich jetzt mit Ihrer E-Mail-Adresse an.")
                )
                return redirect("accounts:login")
        status = 400
    return secret_page(
        render(
            request,
            "organisations/public/invitation.html",
            {"invitation": invitation, "form": form},
            status=status,
        )
    )
