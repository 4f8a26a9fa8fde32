"""The workspace pages of this app: the "Personen" area (city administrators invite staff, change roles and
districts, deactivate and reactivate accounts), the page "Anmeldung absichern" (second factor and recovery codes),
and the "Protokoll" page (a city's audit log for its administrators, with filters, pages and a CSV export)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quartier.core.audit import audit_record
from quartier.core.permissions import requires
from quartier.core.spreadsheet import csv_download

from .. import audit_log, selectors, services, throttling, twofactor
from ..forms.account import AppCodeForm
from ..forms.workspace import GrantsForm, InviteForm, PeopleFilterForm, PersonalDataRequestForm
from ..models import Role
from ..permissions import can_use_workspace, is_platform_admin, manages_people
from ..personal_data import kind_for, person_erase, person_export, person_requests
from .account import THROTTLE_KIND, code_failed, code_guard, codes_url, keep_codes_to_show, throttle_account

PAGE_SIZE = 50
MAX_PAGE_PARAM = 10  # of the audit log's page number


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
@requires(can_use_workspace, manages_people)
@never_cache
def people_list(request):
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
@requires(can_use_workspace, manages_people)
@never_cache
def person_invite(request):
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
@requires(can_use_workspace, manages_people)
@never_cache
def person_detail(request, pk: int):
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
@requires(can_use_workspace, manages_people)
@never_cache
def person_deactivate(request, pk: int):
    return _account_action(
        request,
        pk,
        services.staff_deactivate,
        _("Das Konto ist deaktiviert. Die Person ist abgemeldet und kann sich nicht mehr anmelden."),
    )


@require_POST
@requires(can_use_workspace, manages_people)
@never_cache
def person_reactivate(request, pk: int):
    return _account_action(request, pk, services.staff_reactivate, _("Das Konto ist wieder aktiv."))


@require_POST
@requires(can_use_workspace, manages_people)
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
@requires(can_use_workspace, manages_people)
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


@require_http_methods(["GET", "HEAD"])
@requires(can_use_workspace)
@never_cache
def security(request):
    """The page "Anmeldung absichern": status, new recovery codes, replace the app."""
    return _security_page(request, AppCodeForm())


def _security_page(request, form, status: int = 200):
    user = request.user
    return render(
        request,
        "accounts/twofactor/security.html",
        {
            "has_authenticator": twofactor.has_authenticator(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "role_requires": twofactor.role_requires(user),
            "exempt": twofactor.is_exempt(user),
            "form": form,
        },
        status=status,
    )


@require_POST
@requires(can_use_workspace)
@never_cache
def recovery_codes_renew(request):
    """New recovery codes for a current code from the app; the old codes stop working."""
    user = request.user
    request.keeps_no_input = True
    if not twofactor.has_authenticator(user):
        messages.error(request, _("Richten Sie zuerst eine Authentifizierungs-App ein."))
        return redirect("workspace:two_factor")
    form = AppCodeForm(request.POST)
    if code_guard(request, form) and form.is_valid():
        result = twofactor.verify(user, twofactor.Code("totp", form.cleaned_data["code"]))
        if result.ok:
            throttling.succeeded(THROTTLE_KIND, request=request, account=throttle_account(user))
            keep_codes_to_show(request, twofactor.recovery_codes_renew(user=user))
            return redirect(codes_url(reverse("workspace:two_factor")))
        code_failed(request, form, result)
    return _security_page(request, form, status=400)


def _form(request):
    return audit_log.AuditFilterForm(request.GET or None)


@require_safe
@requires(can_use_workspace, manages_people)
@never_cache
def audit_list(request):
    form = _form(request)
    page, status = None, 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        entries = audit_log.audit_entries(request.user, request.city, form.filters())
        number = request.GET.get("page", "")[:MAX_PAGE_PARAM]
        page = Paginator(entries, audit_log.PAGE_SIZE).get_page(number)
        for entry in page.object_list:
            entry.who = audit_log.actor_name(entry)
            entry.kind_label = dict(form.fields["kind"].choices).get(audit_log.kind_of(entry.action))
            entry.type_label = audit_log.object_type_label(entry.target_type)
            entry.fields = audit_log.changed_fields(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/workspace/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=status,
    )


@require_safe
@requires(can_use_workspace, manages_people)
@never_cache
def audit_export(request):
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "accounts/workspace/audit_list.html",
            {"form": form, "page": None, "query": ""},
            status=400,
        )
    filters = form.filters()
    entries = list(audit_log.audit_entries(request.user, request.city, filters)[: audit_log.EXPORT_LIMIT])
    # Reading the log is itself recorded: which filters, how many entries.
    audit_record(
        actor=request.user,
        action="audit.exported",
        target=request.city,
        changes={
            "filters": {k: str(v) for k, v in filters.__dict__.items() if v},
            "entries": len(entries),
        },
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return csv_download(audit_log.export_rows(entries), filename=f"protokoll-{request.city.slug}-{stamp}.csv")


PERSON_ACTIONS = {"find", "export", "erase"}


@require_http_methods(["GET", "HEAD", "POST"])
@requires(can_use_workspace)
@never_cache
def person_request(request, kind: str):
    """The one page for requests for access and erasure (DSGVO Art. 15 and 17) of one kind of request with personal
    data (accounts.personal_data; the URL pattern passes `kind`, the registry key): find one person's requests in
    your scope by e-mail address, export everything stored, or erase the contact data. The address is sent by POST
    only, so that it never lands in a URL or an access log."""
    kind = kind_for(kind)
    if not kind.handles(request.user, request.city):
        raise PermissionDenied
    action = request.POST.get("action", "find") if request.method == "POST" else None
    form = PersonalDataRequestForm(request.POST if action else None)
    status, found, confirm = 200, None, False
    if action and action not in PERSON_ACTIONS:
        messages.error(request, _("Unbekannte Aktion."))
        status = 400
    elif action and not form.is_valid():
        status = 400
    elif action:
        email = form.cleaned_data["email"]
        found = person_requests(kind=kind, user=request.user, city=request.city, email=email)
        if action == "export":
            rows = person_export(kind=kind, actor=request.user, requests=found)
            response = HttpResponse(
                json.dumps({"email": email, kind.export_key: rows}, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{kind.export_filename}"'
            return response
        if action == "erase" and request.POST.get("confirm") == "yes":
            erased = person_erase(kind=kind, actor=request.user, requests=found)
            messages.success(request, kind.erased_message(len(erased)))
            return redirect(kind.url_name)
        confirm = action == "erase"
        found = list(found)
    return render(
        request,
        kind.template,
        {"form": form, "found": found, "confirm": confirm, "url_name": kind.url_name},
        status=status,
    )
