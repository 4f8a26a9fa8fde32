"""Workspace pages for organisations: list, create, edit, invite people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from quartier.accounts.permissions import require_workspace

from .. import permissions, selectors, services
from ..forms import InvitationForm, OrganisationForm


def _accept_url(request):
    return lambda token: request.build_absolute_uri(reverse("public:invitation", kwargs={"token": token}))


@require_safe
@login_required
@never_cache
def organisation_list(request):
    require_workspace(request.user, request.city)
    return render(
        request,
        "organisations/workspace/list.html",
        {
            "organisations": selectors.organisations_for(request.user, request.city),
            "can_create": permissions.can_create_any(request.user, request.city),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def organisation_create(request):
    require_workspace(request.user, request.city)
    if not permissions.can_create_any(request.user, request.city):
        raise PermissionDenied
    form = OrganisationForm(request.POST if request.method == "POST" else None, city=request.city)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            districts = list(data.pop("districts"))
            try:
                organisation = services.organisation_create(
                    actor=request.user, city=request.city, districts=districts, **data
                )
            except PermissionDenied:
                form.add_error(
                    "districts", _("Sie können Organisationen nur in Ihren Stadtbezirken anlegen.")
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Die Organisation wurde angelegt."))
                return redirect("workspace:organisation", pk=organisation.pk)
        status = 400
    return render(request, "organisations/workspace/form.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def organisation_detail(request, pk: int):
    require_workspace(request.user, request.city)
    organisation = selectors.organisation_for(request.user, request.city, pk)
    if organisation is None:
        raise Http404(_("Diese Organisation gibt es nicht oder Sie haben keinen Zugriff."))
    form = OrganisationForm(
        request.POST if request.POST.get("action") == "save" else None,
        instance=organisation,
        city=request.city,
        initial={"districts": organisation.districts.all()},
    )
    invite = InvitationForm(request.POST if request.POST.get("action") == "invite" else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "save" and form.is_valid():
                data = dict(form.cleaned_data)
                districts = list(data.pop("districts"))
                services.organisation_update(
                    actor=request.user, organisation=organisation, districts=districts, **data
                )
                messages.success(request, _("Die Änderungen wurden gespeichert."))
                return redirect("workspace:organisation", pk=pk)
            if request.POST.get("action") == "invite" and invite.is_valid():
                services.invitation_send(
                    actor=request.user,
                    organisation=organisation,
                    email=invite.cleaned_data["email"],
                    accept_url_for=_accept_url(request),
                )
                messages.success(request, _("Die Einladung wurde verschickt."))
                return redirect("workspace:organisation", pk=pk)
        except ValidationError as exc:
            (invite if request.POST.get("action") == "invite" else form).add_error(None, exc)
        status = 400
    return render(
        request,
        "organisations/workspace/detail.html",
        {
            "organisation": organisation,
            "form": form,
            "invite": invite,
            "can_manage": permissions.can_manage(request.user, organisation),
        },
        status=status,
    )
