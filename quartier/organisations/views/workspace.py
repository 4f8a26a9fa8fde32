"""Workspace pages for organisations: list, create, edit; members and their changes, invitations."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from quartier.accounts.permissions import can_use_workspace
from quartier.core.permissions import requires

from .. import permissions, selectors, services
from ..forms.workspace import InvitationForm, MemberActionForm, OrganisationForm
from ..models import MemberRole


def _accept_url(request):
    return lambda token: request.build_absolute_uri(reverse("public:invitation", kwargs={"token": token}))


@require_safe
@requires(can_use_workspace)
@never_cache
def organisation_list(request):
    return render(
        request,
        "organisations/workspace/list.html",
        {
            "organisations": selectors.organisations_for(request.user, request.city),
            "can_create": permissions.can_create_any(request.user, request.city),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires(can_use_workspace, permissions.can_create_any)
@never_cache
def organisation_create(request):
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


MEMBER_ACTIONS = {"member_role", "member_remove", "invitation_withdraw"}


def _member_action(request, organisation, form: MemberActionForm) -> str:
    """Run one of the member buttons; returns the success message. Raises ValidationError for a bad request."""
    action = request.POST.get("action")
    if not form.is_valid():
        raise ValidationError(_("Diese Änderung ist nicht möglich. Bitte laden Sie die Seite neu."))
    data = form.cleaned_data
    if action == "invitation_withdraw" and data["invitation"]:
        services.invitation_withdraw(
            actor=request.user, organisation=organisation, invitation_id=data["invitation"]
        )
        return _("Die Einladung ist zurückgezogen; ihr Link gilt nicht mehr.")
    if action == "member_remove" and data["member"]:
        services.member_remove(actor=request.user, organisation=organisation, member_id=data["member"])
        return _("Die Person gehört nicht mehr zur Organisation.")
    if action == "member_role" and data["member"] and data["role"]:
        services.member_role_change(
            actor=request.user, organisation=organisation, member_id=data["member"], role=data["role"]
        )
        return _("Die Rolle wurde geändert.")
    raise ValidationError(_("Diese Änderung ist nicht möglich. Bitte laden Sie die Seite neu."))


@require_http_methods(["GET", "HEAD", "POST"])
@requires(can_use_workspace)
@never_cache
def organisation_detail(request, pk: int):
    organisation = selectors.organisation_for(request.user, request.city, pk)
    if organisation is None:
        raise Http404(_("Diese Organisation gibt es nicht oder Sie haben keinen Zugriff."))
    action = request.POST.get("action") if request.method == "POST" else None
    form = OrganisationForm(
        request.POST if action == "save" else None,
        instance=organisation,
        city=request.city,
        initial={"districts": organisation.districts.all()},
    )
    invite = InvitationForm(request.POST if action == "invite" else None)
    member_form = MemberActionForm(request.POST if action not in {None, "save", "invite"} else None)
    change_members = permissions.can_change_members(request.user, organisation)
    status = 200
    if request.method == "POST":
        if action in {"invite", *MEMBER_ACTIONS} and not change_members:
            raise PermissionDenied
        try:
            if action == "save" and form.is_valid():
                data = dict(form.cleaned_data)
                districts = list(data.pop("districts"))
                services.organisation_update(
                    actor=request.user, organisation=organisation, districts=districts, **data
                )
                messages.success(request, _("Die Änderungen wurden gespeichert."))
                return redirect("workspace:organisation", pk=pk)
            if action == "invite" and invite.is_valid():
                services.invitation_send(
                    actor=request.user,
                    organisation=organisation,
                    email=invite.cleaned_data["email"],
                    role=invite.cleaned_data["role"],
                    accept_url_for=_accept_url(request),
                )
                messages.success(request, _("Die Einladung wurde verschickt."))
                return redirect("workspace:organisation", pk=pk)
            if action in MEMBER_ACTIONS:
                messages.success(request, _member_action(request, organisation, member_form))
                return redirect("workspace:organisation", pk=pk)
            if action not in {"save", "invite"}:
                raise ValidationError(_("Unbekannte Aktion."))
        except ValidationError as exc:
            target = invite if action == "invite" else member_form if action != "save" else form
            target.is_valid()  # add_error needs a cleaned form
            target.add_error(None, exc)
        status = 400
    return render(
        request,
        "organisations/workspace/detail.html",
        {
            "organisation": organisation,
            "form": form,
            "invite": invite,
            "member_form": member_form,
            "can_change_members": change_members,
            "members": selectors.members(organisation),
            "invitations": selectors.open_invitations(organisation) if change_members else [],
            "changes": selectors.membership_changes(organisation),
            "roles": MemberRole,
            "now": timezone.now(),
        },
        status=status,
    )
