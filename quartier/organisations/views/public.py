"""The organisations' public pages: an organisation's own page, and the page behind an invitation link (join the
organisation, with a new account or the existing one).

An invitation to an address that already has an account is accepted only by that account, logged in: the page asks
the person to log in and brings them back. Someone logged in with another account is told so and accepts nothing.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from quartier.core import ratelimit
from quartier.core.tokens import secret_page, token_hash
from quartier.places.middleware import city_or_404

from .. import sections, selectors, services
from ..forms.public import AcceptInvitationForm

LOOKUPS_PER_HOUR = 30
CONFIRM_SALT = "organisations.invitation-accept"
CONFIRM_MAX_AGE = 24 * 3600


@require_safe
def organisation(request, slug: str):
    """An organisation's public page: what it is, its public contact, and the sections the rooms above add (its
    visible offers: sections.py).

    URL: `public:organisation`, `organisationen/<slug>/`.
    """
    city = city_or_404(request)
    org = selectors.public_organisation(city, slug)
    if org is None:
        raise Http404(_("Diese Organisation gibt es nicht."))
    parts = sections.page_sections()
    return render(
        request,
        "organisations/public/organisation.html",
        {
            "organisation": org,
            "breadcrumb": next((part.breadcrumb for part in parts if part.breadcrumb), None),
            "sections": [{"template": part.template, "context": part.context(city, org)} for part in parts],
        },
    )


def _confirm_value(request, token: str) -> str:
    """A value only this session's page carries: accepting while logged in cannot be triggered from elsewhere."""
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(
        f"{request.session.session_key}:{request.user.pk}:{token_hash(token)}"
    )


def _confirmed(request, token: str) -> bool:
    value = request.POST.get("confirm", "")
    if not value or len(value) > 500 or not request.session.session_key:
        return False
    try:
        signed = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(value, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return False
    return signed == f"{request.session.session_key}:{request.user.pk}:{token_hash(token)}"


# The page is sent with Referrer-Policy: no-referrer (decision 0015), so browsers post its form with
# "Origin: null", which Django's CSRF check refuses. The secret token in the URL authorises a new account; a
# logged-in acceptance also needs the session-bound value of the page (`_confirm_value`).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def invitation_accept(request, token: str):
    if ratelimit.hit("invitation", ratelimit.client_identity(request), window=3600) > LOOKUPS_PER_HOUR:
        return secret_page(render(request, "errors/429.html", status=429))
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        raise Http404(_("Diese Einladung ist ungültig oder abgelaufen."))
    user = request.user if request.user.is_authenticated else None
    refusal = None
    try:
        services.invitation_check(invitation=invitation, user=user)
    except services.InvitationRefused as exc:
        refusal = exc
    existing = selectors.invitation_account(invitation) is not None
    form = AcceptInvitationForm(request.POST if request.method == "POST" and not existing else None)
    status = 200
    if request.method == "POST":
        status = 400
        if refusal is not None:
            status = 403
        elif existing and not _confirmed(request, token):
            refusal = ValidationError(_("Bitte bestätigen Sie die Einladung auf dieser Seite."))
        elif existing or form.is_valid():
            data = form.cleaned_data if not existing else {}
            try:
                services.invitation_accept(
                    token=token,
                    user=user,
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                    password=data.get("password1", ""),
                )
            except ValidationError as exc:
                refusal = exc
            else:
                if existing:
                    messages.success(
                        request,
                        _("Sie gehören jetzt zu „%(name)s“.") % {"name": invitation.organisation.name},
                    )
                    return redirect("workspace:home")
                messages.success(
                    request, _("Willkommen! Bitte melden Sie sich jetzt mit Ihrer E-Mail-Adresse an.")
                )
                return redirect("accounts:login")
    login_url = None
    if getattr(refusal, "code", None) == "login_required":
        login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
    return secret_page(
        render(
            request,
            "organisations/public/invitation.html",
            {
                "invitation": invitation,
                "form": form,
                "existing": existing,
                "refusal": refusal,
                "login_url": login_url,
                "confirm": _confirm_value(request, token) if existing and user and refusal is None else "",
            },
            status=status,
        )
    )
