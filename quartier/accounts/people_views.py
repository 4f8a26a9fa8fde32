"""The "Personen" area: city administrators invite staff, change roles and districts, deactivate and reactivate
accounts; and the page behind an invitation link, where the invited person sets a password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quartier.core import ratelimit
from quartier.core.audit import audit_record
from quartier.core.tokens import secret_page

from . import selectors, services, twofactor
from .models import Role
from .people_forms import AcceptStaffInvitationForm, GrantsForm, InviteForm, PeopleFilterForm
from .permissions import is_platform_admin, require_people_manager, require_workspace

PAGE_SIZE = 50
LOOKUPS_PER_HOUR = 30


def _require_manager(request) -> None:
    require_workspace(request.user, request.city)
    require_people_manager(request.user, request.city)


def _accept_url_for(request):
    return lambda token: request.build_absolute_uri(
        reverse("accounts:staff_invitation", kwargs={"token": token})
    )


def _person_or_404(request, pk: int):
    person = selectors.person(request.user, request.city, pk)
    if person is None:
        raise Http404
    return person


def _annotate(person, now):
    """Status and labels for the templates."""
    if not person.is_active:
        person.status, person.status_label = "deactivated", _("deaktiviert")
    elif person.invitation_expires_at is not None:
        person.status = "invited"
        if person.invitation_expires_at <= now:
            person.status_label = _("eingeladen, Link abgelaufen")
        else:
            person.status_label = _("eingeladen, noch nicht angenommen")
    else:
        person.status, person.status_label = "active", _("aktiv")
    person.grants = [
        f"{m.get_role_display()} ({m.district.name})" if m.district_id else str(m.get_role_display())
        for m in person.city_memberships
    ]
    return person


@require_safe
@login_required
@never_cache
def people_list(request):
    _require_manager(request)
    form = PeopleFilterForm(request.GET or None, city=request.city)
    page, status = None, 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        rows = selectors.people(request.user, request.city, form.filters())
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        now = timezone.now()
        for person in page.object_list:
            _annotate(person, now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/workspace/people_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def person_invite(request):
    _require_manager(request)
    form = InviteForm(request.POST if request.method == "POST" else None, city=request.city)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                person = services.staff_invite(
                    actor=request.user,
                    city=request.city,
                    email=form.cleaned_data["email"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    grants=form.grants(),
                    accept_url_for=_accept_url_for(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Die Einladung an %(email)s ist verschickt. Der Link gilt %(days)d Tage.")
                    % {"email": person.email, "days": services.INVITATION_DAYS},
                )
                return redirect("workspace:person", pk=person.pk)
        status = 400
    return render(
        request,
        "accounts/workspace/person_invite.html",
        {"form": form, "invitation_days": services.INVITATION_DAYS},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def person_detail(request, pk: int):
    _require_manager(request)
    person = _annotate(_person_or_404(request, pk), timezone.now())
    if request.method == "GET":  # an account's data (e-mail address, roles, status) was read
        audit_record(actor=request.user, action="account.viewed", target=person, city=request.city)
    staff_memberships = [m for m in person.city_memberships if m.role != Role.ORGANISATION_MEMBER]
    form = GrantsForm(
        request.POST if request.method == "POST" else None,
        city=request.city,
        initial=GrantsForm.initial_for(staff_memberships),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.staff_roles_update(
                    actor=request.user, city=request.city, user=person, grants=form.grants()
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if changed:
                    messages.success(request, _("Die Rollen wurden gespeichert."))
                else:
                    messages.info(request, _("Es gab nichts zu ändern."))
                return redirect("workspace:person", pk=person.pk)
        status = 400
    return render(
        request,
        "accounts/workspace/person_detail.html",
        {
            "person": person,
            "form": form,
            "is_self": person.pk == request.user.pk,
            "organisation_member": any(m.role == Role.ORGANISATION_MEMBER for m in person.city_memberships),
            "can_change_account": is_platform_admin(request.user) or not person.is_superuser,
            "has_second_factor": twofactor.has_authenticator(person)
            or twofactor.recovery_codes_left(person) > 0,
        },
        status=status,
    )


def _account_action(request, pk: int, action, done: str):
    _require_manager(request)
    person = _person_or_404(request, pk)
    try:
        action(actor=request.user, city=request.city, user=person)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("workspace:person", pk=person.pk)


@require_POST
@login_required
@never_cache
def person_deactivate(request, pk: int):
    return _account_action(
        request,
        pk,
        services.staff_deactivate,
        _("Das Konto ist deaktiviert. Die Person ist abgemeldet und kann sich nicht mehr anmelden."),
    )


@require_POST
@login_required
@never_cache
def person_reactivate(request, pk: int):
    return _account_action(request, pk, services.staff_reactivate, _("Das Konto ist wieder aktiv."))


@require_POST
@login_required
@never_cache
def person_two_factor_reset(request, pk: int):
    return _account_action(
        request,
        pk,
        twofactor.second_factor_reset,
        _(
            "Die Anmeldung mit zweitem Faktor ist zurückgesetzt und die Person abgemeldet. Bei der nächsten "
            "Anmeldung richtet sie eine neue Authentifizierungs-App ein."
        ),
    )


@require_POST
@login_required
@never_cache
def person_resend(request, pk: int):
    accept_url_for = _accept_url_for(request)

    def resend(*, actor, city, user):
        services.staff_invitation_resend(actor=actor, city=city, user=user, accept_url_for=accept_url_for)

    return _account_action(
        request,
        pk,
        resend,
        _("Eine neue Einladung ist verschickt; der bisherige Link gilt nicht mehr."),
    )


# The page is sent with Referrer-Policy: no-referrer (DESIGN.md, secret links), so browsers post its form with
# "Origin: null", which Django's CSRF check refuses. The secret token in the URL is what authorises the request.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def staff_invitation_accept(request, token: str):
    """The invited person sets a password and is logged in; the link works once and expires."""
    if ratelimit.hit("staff-invitation", ratelimit.client_identity(request), window=3600) > LOOKUPS_PER_HOUR:
        return secret_page(render(request, "errors/429.html", status=429))
    invitation = services.staff_invitation_for_token(token)
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
