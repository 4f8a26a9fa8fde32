"""The coordinators' pages of funding advice: the list of consultations, one consultation with the comparison and
its workflow, and the funding programmes.

Every lookup of a consultation goes through `selectors.consultation_for`, so a consultation of another district is
a 404 (never a 403 that would confirm it exists).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from quartier.accounts.permissions import can_use_workspace
from quartier.core.permissions import requires
from quartier.offers.models import OfferCategory, TargetGroup

from .. import comparison, reasons, selectors, services, workflow
from ..forms.workspace import (
    AdviseForm,
    ApplyForm,
    ApproveForm,
    AssignForm,
    ConfirmForm,
    FilterForm,
    ProposeForm,
    RejectForm,
    RunningForm,
    WithdrawForm,
    slot_label,
)
from ..models import ConsultationSlot, FundingConsultation
from ..permissions import handles_consultations, sees_consultation_list

S = FundingConsultation.Status
PAGE_SIZE = 50
MAX_PK = 2**31 - 1


def _label(status: str) -> str:
    try:
        return str(S(status).label)
    except ValueError:
        return status


def _days_open(consultation: FundingConsultation, now) -> int:
    end = consultation.closed_at if consultation.status in workflow.ENDED and consultation.closed_at else now
    return max((end - consultation.created_at).days, 0)


# --- the list ---------------------------------------------------------------------------------------------------


@require_safe
@requires(sees_consultation_list)
@never_cache
def consultation_list(request):
    """The consultations in the user's scope, 50 a page, without contact data; next to it the coming deadlines.
    Members of an organisation who do not handle consultations are sent to their organisations' list."""
    if not handles_consultations(request.user, request.city):
        return redirect("workspace:funding_organisations")
    form = FilterForm(request.GET or None, user=request.user, city=request.city)
    status = 200
    scope = selectors.inbox(request.user, request.city)
    counts = dict(scope.order_by().values_list("status").annotate(n=Count("*")))
    open_count = sum(counts.get(s, 0) for s in workflow.OPEN)
    page = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        rows = selectors.inbox_page_rows(
            scope, status=data.get("status"), district=data.get("district"), q=data.get("q")
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        now = timezone.now()
        for consultation in page.object_list:
            consultation.days_open = _days_open(consultation, now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "funding/workspace/list.html",
        {
            "form": form,
            "page": page,
            "status_counts": [(value, label, counts.get(value, 0)) for value, label in S.choices],
            "open_count": open_count,
            "query": query.urlencode(),
            "deadlines": selectors.upcoming_deadlines(request.city),
        },
        status=status,
    )


@require_safe
@requires(can_use_workspace)
@never_cache
def organisation_consultations(request):
    """The consultations of the user's organisations, read-only: title, status, period and the programmes ticked.

    URL: `workspace:funding_organisations`. Every logged-in workspace user; the list holds only consultations of
    organisations they are a member of (sent by a logged-in member, see `views.public.funding_new`).
    """
    organisations = list(selectors.own_organisations(request.user, request.city))
    rows = selectors.organisation_consultations(request.user, request.city)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/workspace/organisation_list.html",
        {"organisations": organisations, "page": page},
    )


# --- one consultation -------------------------------------------------------------------------------------------

ACTIONS = ["propose", "confirm", "advise", "apply", "approve", "reject", "running", "withdraw", "assign"]
ACTION_STATUS = {
    "propose": S.SLOTS_PROPOSED,
    "confirm": S.APPOINTMENT_CONFIRMED,
    "advise": S.ADVISED,
    "apply": S.APPLIED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "running": S.RUNNING,
    "withdraw": S.WITHDRAWN,
}


def _form(action: str, consultation: FundingConsultation, user, data=None):
    city = consultation.city
    initial = {"version": consultation.version}
    kwargs = {"prefix": action}
    if data is None:
        kwargs["initial"] = initial
    if action == "propose":
        return ProposeForm(data, **kwargs)
    if action == "confirm":
        return ConfirmForm(data, consultation=consultation, **kwargs)
    if action == "advise":
        if data is None:
            kwargs["initial"] = {
                **initial,
                "advice_notes": consultation.advice_notes,
                "recommended_programmes": list(
                    consultation.recommended_programmes.values_list("pk", flat=True)
                ),
            }
        return AdviseForm(data, city=city, **kwargs)
    if action in ("apply", "approve", "reject"):
        if data is None:
            kwargs["initial"] = {**initial, "result_programme": consultation.result_programme_id}
        cls = {"apply": ApplyForm, "approve": ApproveForm, "reject": RejectForm}[action]
        return cls(data, city=city, **kwargs)
    if action == "running":
        return RunningForm(data, consultation=consultation, **kwargs)
    if action == "withdraw":
        return WithdrawForm(data, **kwargs)
    if data is None:
        kwargs["initial"] = {**initial, "assigned_to": consultation.assigned_to_id}
    return AssignForm(data, consultation=consultation, user=user, **kwargs)


def _shown(consultation: FundingConsultation, submitted: str | None) -> list[str]:
    """The forms the page shows: the workflow's next steps, assignment, and the one just sent (so that its errors
    or, after a conflict, the typed values stay visible even when the step no longer fits the stored state)."""
    nxt = set(workflow.next_statuses(consultation.status))
    shown = [a for a, to in ACTION_STATUS.items() if to in nxt]
    if "confirm" in shown and not consultation.slots.filter(is_withdrawn=False, is_chosen=False).exists():
        shown.remove("confirm")
    shown.append("assign")
    if submitted in ACTIONS and submitted not in shown:
        shown.insert(0, submitted)
    return shown


def _apply(action: str, form, consultation: FundingConsultation, user) -> str:
    """Run the service for one action with a valid form; returns the success message."""
    data = form.cleaned_data
    version = data["version"]
    if action == "propose":
        services.consultation_slots_propose(
            actor=user,
            consultation=consultation,
            slots=data["slots"],
            expected_version=version,
            message=data["message"],
        )
        return _("Die Terminvorschläge wurden gespeichert und an die anfragende Person geschickt.")
    if action == "confirm":
        services.consultation_slot_choose(
            consultation=consultation, slot_id=data["slot"], actor=user, expected_version=version
        )
        return _("Der Termin ist bestätigt.")
    if action == "advise":
        services.consultation_advise(
            actor=user,
            consultation=consultation,
            notes=data["advice_notes"],
            recommended=list(data["recommended_programmes"]),
            expected_version=version,
        )
        return _("Die Beratung wurde gespeichert.")
    if action == "apply":
        services.consultation_mark_applied(
            actor=user,
            consultation=consultation,
            programme=data["result_programme"],
            expected_version=version,
            message=data["message"],
        )
        return _("Der Antrag ist eingetragen.")
    if action in ("approve", "reject"):
        services.consultation_decide(
            actor=user,
            consultation=consultation,
            approved=action == "approve",
            programme=data["result_programme"],
            amount=data.get("result_amount"),
            expected_version=version,
            message=data["message"],
        )
        return (
            _("Die Bewilligung ist eingetragen.")
            if action == "approve"
            else _("Die Ablehnung ist eingetragen.")
        )
    if action == "running":
        services.consultation_project_start(
            actor=user,
            consultation=consultation,
            offers=list(data["offers"]),
            events=list(data["events"]),
            expected_version=version,
            message=data["message"],
        )
        return _("Das Projekt läuft.")
    if action == "withdraw":
        services.consultation_withdraw(
            consultation=consultation, actor=user, expected_version=version, message=data["message"]
        )
        return _("Die Anfrage wurde zurückgezogen.")
    services.consultation_assign(
        actor=user, consultation=consultation, user=form.assignee, expected_version=version
    )
    return _("Die Zuständigkeit wurde gespeichert.")


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field == "slots":
                field = "date_0"
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _gap_text(gap: dict) -> str:
    places = ", ".join(gap.get("neighbourhoods", []))
    if gap.get("kind") == "category":
        return _("Kein Angebot der Kategorie „%(name)s“ in: %(places)s") % {
            "name": gap["name"],
            "places": places,
        }
    return _("Kein Angebot für %(name)s in: %(places)s") % {"name": gap["name"], "places": places}


def _comparison(request, consultation: FundingConsultation, neighbourhoods) -> dict:
    result = comparison.compare(
        request.city,
        title=consultation.title,
        description=consultation.description,
        neighbourhoods=neighbourhoods,
        target_groups=consultation.target_groups,
        request=request,
    )
    categories = dict(OfferCategory.objects.filter(city=request.city).values_list("slug", "name"))
    return {
        "items": [
            {**item, "reason_texts": reasons.reason_texts(item["reasons"], categories)}
            for item in result["items"]
        ],
        "gaps": [_gap_text(g) for g in result["gaps"]],
    }


@require_http_methods(["GET", "HEAD", "POST"])
@requires(can_use_workspace, handles_consultations)
@never_cache
def consultation_detail(request, pk: int):
    """One consultation with the contact data (the view is audited), the comparison, the steps and the workflow."""
    consultation = selectors.consultation_for(request.user, request.city, pk) if pk <= MAX_PK else None
    if consultation is None:
        raise Http404(_("Diese Beratung gibt es nicht oder Sie haben keinen Zugriff."))
    status, conflict = 200, False
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {}
    if request.method == "POST":
        if action not in ACTIONS:
            messages.error(request, _("Unbekannte Aktion."))
            status, action = 400, None
        else:
            form = _form(action, consultation, request.user, request.POST)
            forms[action] = form
            if form.is_valid():
                try:
                    message = _apply(action, form, consultation, request.user)
                except services.Conflict:
                    # Show what is stored now, and keep what the person typed, against the new version.
                    consultation = selectors.consultation_for(request.user, request.city, pk)
                    if consultation is None:
                        raise Http404 from None
                    data = request.POST.copy()
                    data[f"{action}-version"] = str(consultation.version)
                    forms[action] = _form(action, consultation, request.user, data)
                    forms[action].is_valid()
                    conflict, status = True, 409
                except ValidationError as exc:
                    _add_errors(form, exc)
                    status = 400
                else:
                    messages.success(request, message)
                    return redirect("workspace:funding_detail", pk=pk)
            else:
                status = 400
    services.consultation_view_record(actor=request.user, consultation=consultation)
    shown = _shown(consultation, action if status != 200 else None)
    for name in shown:
        forms.setdefault(name, _form(name, consultation, request.user))
    neighbourhoods = list(consultation.neighbourhoods.select_related("district").defer("district__boundary"))
    steps = list(consultation.steps.select_related("actor"))
    for step in steps:
        step.from_label = _label(step.from_status) if step.from_status else ""
        step.to_label = _label(step.to_status)
    slots = list(ConsultationSlot.objects.filter(consultation=consultation))
    for slot in slots:
        slot.label = slot_label(slot)
    consultation.days_open = _days_open(consultation, timezone.now())
    return render(
        request,
        "funding/workspace/detail.html",
        {
            "consultation": consultation,
            "neighbourhoods": neighbourhoods,
            "target_groups": [str(dict(TargetGroup.choices).get(g, g)) for g in consultation.target_groups],
            "comparison": _comparison(request, consultation, neighbourhoods),
            "steps": steps,
            "slots": slots,
            "actions": [(name, forms[name]) for name in shown],
            "conflict": conflict,
        },
        status=status,
    )


# --- programmes -------------------------------------------------------------------------------------------------


@require_safe
@requires(can_use_workspace, handles_consultations)
@never_cache
def programme_list(request):
    """The funding programmes of the city with their coming deadlines (maintained in the admin)."""
    programmes = selectors.programmes_with_next_deadlines(request.city)
    user = request.user
    can_edit = user.is_staff and user.has_perm("funding.change_fundingprogramme")
    return render(
        request,
        "funding/workspace/programmes.html",
        {"programmes": programmes, "can_edit": can_edit},
    )
