"""Workspace pages for events: organisers draft, edit and submit; reviewers publish, return or reject."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from quartier.accounts.permissions import require_workspace
from quartier.organisations.selectors import organisations_acted_for

from .. import selectors, services, workflow
from ..forms import EventForm, StepForm
from ..models import Event
from ..permissions import can_manage_registrations

S = Event.Status
# Coordinators organise their organisations' events only in their own districts (events/permissions.py).
OUTSIDE_DISTRICTS = gettext_lazy(
    "Als Koordinator*in bearbeiten Sie Veranstaltungen einer Organisation nur an Orten in Ihren Stadtbezirken."
)
ACTIONS = {
    "submit": S.SUBMITTED,
    "publish": S.PUBLISHED,
    "return": S.RETURNED,
    "reject": S.REJECTED,
    "cancel": S.CANCELLED,
}


@require_safe
@login_required
@never_cache
def event_list(request):
    require_workspace(request.user, request.city)
    events = list(selectors.by_next_date(selectors.workspace_events(request.user, request.city))[:200])
    to_review = [
        e for e in events if e.status == S.SUBMITTED and workflow.allowed(request.user, e, S.PUBLISHED)
    ]
    organisations = organisations_acted_for(request.user, request.city)
    return render(
        request,
        "events/workspace/list.html",
        {"events": events, "to_review": to_review, "organisations": organisations},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def event_create(request, organisation_id: int):
    require_workspace(request.user, request.city)
    organisation = organisations_acted_for(request.user, request.city).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    form = EventForm(
        request.POST if request.method == "POST" else None, request.FILES or None, city=request.city
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                event = services.event_create_draft(
                    actor=request.user, organisation=organisation, **form.service_fields()
                )
            except PermissionDenied:
                form.add_error(None, OUTSIDE_DISTRICTS)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Der Entwurf wurde gespeichert."))
                return redirect("workspace:event", pk=event.pk)
        status = 400
    return render(
        request, "events/workspace/form.html", {"form": form, "organisation": organisation}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def event_detail(request, pk: int):
    """One event: the editor while it is a draft, the workflow buttons, and every step so far."""
    require_workspace(request.user, request.city)
    event = selectors.workspace_events(request.user, request.city).filter(pk=pk).first()
    if event is None:
        raise Http404(_("Diese Veranstaltung gibt es nicht oder Sie haben keinen Zugriff."))
    is_organiser = workflow.is_organiser(request.user, event)
    revision = services.open_revision(event) if event.status == S.PUBLISHED else None
    # A published event is edited too (workflow.PUBLISH_AT_ONCE / NEEDS_REVIEW), unless a change is under way.
    edits_published = event.status == S.PUBLISHED and not event.revision_of_id and revision is None
    editable = is_organiser and (event.status in workflow.EDITABLE or edits_published)
    saving = request.POST.get("action") == "save"
    form = EventForm(
        request.POST if saving else None, request.FILES if saving else None, instance=event, city=request.city
    )
    step_form = StepForm(request.POST if request.POST.get("action") in ACTIONS else None)
    status = 200
    if request.method == "POST" and request.POST.get("action") not in {*ACTIONS, "save"}:
        step_form = StepForm({})
        step_form.is_valid()
        step_form.add_error(None, _("Unbekannte Aktion."))
        status = 400
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and editable and edits_published and form.is_valid():
                _event, submitted = services.event_edit_published(
                    actor=request.user, event=event, **form.service_fields()
                )
                if submitted is not None:
                    messages.success(
                        request,
                        _(
                            "Ihre Änderungen an Zeit, Ort, Beschreibung oder anderen geprüften Angaben sind zur "
                            "Prüfung eingereicht. Bis sie freigegeben sind, bleibt die bisherige Fassung öffentlich."
                        ),
                    )
                    return redirect("workspace:event", pk=submitted.pk)
                messages.success(request, _("Die Änderungen sind gespeichert und sofort öffentlich."))
                return redirect("workspace:event", pk=pk)
            if action == "save" and editable and form.is_valid():
                try:
                    services.event_update(actor=request.user, event=event, **form.service_fields())
                except PermissionDenied:
                    raise ValidationError(OUTSIDE_DISTRICTS) from None
                messages.success(request, _("Die Änderungen wurden gespeichert."))
                return redirect("workspace:event", pk=pk)
            if action in ACTIONS and step_form.is_valid():
                result = services.event_transition(
                    actor=request.user,
                    event=event,
                    to_status=ACTIONS[action],
                    message=step_form.cleaned_data["message"],
                )
                messages.success(
                    request, _("Die Veranstaltung ist jetzt: %(status)s.") % {"status": ACTIONS[action].label}
                )
                # Publishing a revision merges it into the published event and deletes it.
                return redirect("workspace:event", pk=result.pk)
            if action == "save" and not editable:
                raise PermissionDenied
        except ValidationError as exc:
            (form if action == "save" else step_form).add_error(None, exc)
        status = 400
    allowed = [name for name, to in ACTIONS.items() if workflow.allowed(request.user, event, to)]
    return render(
        request,
        "events/workspace/detail.html",
        {
            "event": event,
            "form": form,
            "step_form": step_form,
            "editable": editable,
            "actions": allowed,
            "steps": event.steps.select_related("actor"),
            "edits_published": edits_published and is_organiser,
            "revision": revision,
            "differences": services.revision_differences(event) if event.revision_of_id else [],
            "at_once_fields": [Event._meta.get_field(n).verbose_name for n in workflow.PUBLISH_AT_ONCE],
            "manages_registrations": event.registration != Event.Registration.NONE
            and not event.revision_of_id
            and can_manage_registrations(request.user, event),
        },
        status=status,
    )
