"""The coordinators' inbox: the list, one suggestion with its workflow, privacy requests, mail settings.

Every lookup of a suggestion goes through `selectors.suggestion_for`, so a suggestion of another district is a 404
(never a 403 that would confirm it exists).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from quartier.accounts.permissions import can_use_workspace
from quartier.core import listcache
from quartier.core.audit import audit_record
from quartier.core.permissions import requires

from .. import selectors, services, workflow
from ..forms.workspace import (
    AssignForm,
    CloseForm,
    ForwardForm,
    InboxFilterForm,
    NoteForm,
    NotificationForm,
    ProgressForm,
    PublishForm,
)
from ..models import Suggestion
from ..permissions import handles_suggestions

S = Suggestion.Status
PAGE_SIZE = 50


def _annotate(suggestion: Suggestion, now, overdue_before) -> Suggestion:
    end = suggestion.closed_at if suggestion.status == S.CLOSED and suggestion.closed_at else now
    suggestion.days_open = max((end - suggestion.created_at).days, 0)
    suggestion.is_overdue = suggestion.status in workflow.OPEN and suggestion.created_at < overdue_before
    return suggestion


@require_safe
@requires(can_use_workspace, handles_suggestions)
@never_cache
def suggestion_list(request):
    """The inbox: filters, counts per status, and one page of 50 suggestions (no names, no e-mail addresses).

    The page's content is cached per person, query and day (listcache, retired by signals.py whenever a
    suggestion, a membership or a person changes), so the inbox stays quick with 100,000 suggestions.
    """
    parts = (
        "list",
        request.user.pk,
        translation.get_language(),
        timezone.localdate().isoformat(),  # "days open" and "overdue" move with the date
        sorted(request.GET.lists()),
    )
    content = listcache.cached_page(
        selectors.inbox_cache_scope(request.city.pk), parts, lambda: _list_content(request)
    )
    return render(
        request,
        "suggestions/workspace/list.html",
        {"content": mark_safe(content.content.decode())},  # noqa: S308 - our own rendered template
        status=content.status_code,
    )


def _list_content(request) -> HttpResponse:
    form = InboxFilterForm(request.GET or None, user=request.user, city=request.city)
    status = 200
    if form.is_bound and form.is_valid():
        filters = form.filters()
    elif form.is_bound:
        filters, status = None, 400
    else:
        filters = selectors.InboxFilters()
    scope = selectors.inbox(request.user, request.city)
    counts = dict(scope.order_by().values_list("status").annotate(n=Count("*")))
    status_counts = [(value, label, counts.get(value, 0)) for value, label in S.choices]
    open_count = sum(counts.get(s, 0) for s in workflow.OPEN)
    page = None
    if filters is not None:
        rows = selectors.inbox(request.user, request.city, filters).defer(
            "name", "email", "public_answer", "published_text"
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        now, before = timezone.now(), selectors.overdue_before()
        for suggestion in page.object_list:
            _annotate(suggestion, now, before)
    query = request.GET.copy()
    query.pop("page", None)
    html = render_to_string(
        "suggestions/workspace/list_content.html",
        {
            "form": form,
            "page": page,
            "status_counts": status_counts,
            "open_count": open_count,
            "query": query.urlencode(),
            "overdue_days": settings.SUGGESTION_OVERDUE_DAYS,
        },
        request=request,
    )
    return HttpResponse(html, status=status)


ACTIONS = {
    # action: (form class, what it does)
    "progress": ProgressForm,
    "reopen": ProgressForm,
    "forward": ForwardForm,
    "close": CloseForm,
    "assign": AssignForm,
    "publish": PublishForm,
    "unpublish": ProgressForm,
    "note": NoteForm,
}


def _forms(suggestion: Suggestion, user, data=None, action: str | None = None) -> dict:
    """The page's forms, unbound and prefilled from the stored state; the one for `action` bound to `data`."""
    initial = {"version": suggestion.version}
    forms = {
        "progress": ProgressForm(initial=initial, prefix="progress"),
        "reopen": ProgressForm(initial=initial, prefix="reopen"),
        "forward": ForwardForm(initial=initial, prefix="forward"),
        "close": CloseForm(initial={**initial, "public_answer": suggestion.public_answer}, prefix="close"),
        "assign": AssignForm(
            initial={**initial, "assigned_to": suggestion.assigned_to_id},
            prefix="assign",
            suggestion=suggestion,
            user=user,
        ),
        "publish": PublishForm(
            initial={**initial, "published_text": suggestion.published_text or suggestion.text},
            prefix="publish",
        ),
        "unpublish": ProgressForm(initial=initial, prefix="unpublish"),
        "note": NoteForm(prefix="note"),
    }
    if action is not None:
        cls = ACTIONS[action]
        extra = {"suggestion": suggestion, "user": user} if cls is AssignForm else {}
        forms[action] = cls(data, prefix=action, **extra)
    return forms


def _apply(action: str, form, suggestion: Suggestion, user) -> str:
    """Run the service for one action with a valid form; returns the success message."""
    data = form.cleaned_data
    version = data.get("version")
    if action in ("progress", "reopen"):
        services.suggestion_transition(
            actor=user,
            suggestion=suggestion,
            to_status=S.IN_PROGRESS,
            expected_version=version,
            message=data["message"],
        )
        return (
            _("Der Vorschlag ist wieder in Bearbeitung.")
            if action == "reopen"
            else _("Der Vorschlag ist jetzt in Bearbeitung.")
        )
    if action == "forward":
        services.suggestion_transition(
            actor=user,
            suggestion=suggestion,
            to_status=S.FORWARDED,
            expected_version=version,
            forwarded_to=data["forwarded_to"],
            forwarded_email=data["forwarded_email"],
            message=data["message"],
        )
        return _("Der Vorschlag wurde weitergeleitet.")
    if action == "close":
        services.suggestion_transition(
            actor=user,
            suggestion=suggestion,
            to_status=S.CLOSED,
            expected_version=version,
            outcome=data["outcome"],
            public_answer=data["public_answer"],
        )
        return _("Der Vorschlag wurde abgeschlossen.")
    if action == "assign":
        services.suggestion_assign(
            actor=user, suggestion=suggestion, assignee=form.assignee, expected_version=version
        )
        return _("Die Zuständigkeit wurde gespeichert.")
    if action in ("publish", "unpublish"):
        services.suggestion_publish(
            actor=user,
            suggestion=suggestion,
            publish=action == "publish",
            published_text=data.get("published_text", ""),
            expected_version=version,
        )
        if action == "publish":
            return _("Der Vorschlag ist jetzt auf der Seite des Stadtbezirks veröffentlicht.")
        return _("Der Vorschlag ist nicht mehr veröffentlicht.")
    services.suggestion_add_note(actor=user, suggestion=suggestion, text=data["text"])
    return _("Die Notiz wurde gespeichert.")


def _shown(suggestion: Suggestion, submitted: str | None) -> set[str]:
    """The action forms the page shows: the workflow's next steps, and the one just sent (so that its errors or,
    after a conflict, the typed text stay visible even when the step no longer fits the stored state)."""
    nxt = workflow.next_statuses(suggestion.status)
    shown = {"assign", "note"}
    if S.IN_PROGRESS in nxt:
        shown.add("reopen" if suggestion.status == S.CLOSED else "progress")
    if S.FORWARDED in nxt:
        shown.add("forward")
    if S.CLOSED in nxt:
        shown.add("close")
    if suggestion.status == S.CLOSED:
        shown.add("unpublish" if suggestion.is_published else "publish")
    if submitted in ACTIONS:
        shown.add(submitted)
    return shown


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_http_methods(["GET", "HEAD", "POST"])
@requires(can_use_workspace, handles_suggestions)
@never_cache
def suggestion_detail(request, pk: int):
    """One suggestion with the writer's contact data, its steps and notes, and the workflow as forms."""
    suggestion = selectors.suggestion_for(request.user, request.city, pk)
    if suggestion is None:
        raise Http404(_("Diesen Vorschlag gibt es nicht oder Sie haben keinen Zugriff."))
    status = 200
    conflict = False
    forms = _forms(suggestion, request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        if action not in ACTIONS:
            messages.error(request, _("Unbekannte Aktion."))
            status = 400
        else:
            forms = _forms(suggestion, request.user, request.POST, action)
            form = forms[action]
            if form.is_valid():
                try:
                    message = _apply(action, form, suggestion, request.user)
                except services.Conflict:
                    # Show what is stored now, and keep what the person typed, against the new version.
                    suggestion = selectors.suggestion_for(request.user, request.city, pk)
                    if suggestion is None:
                        raise Http404 from None
                    data = request.POST.copy()
                    data[f"{action}-version"] = str(suggestion.version)
                    forms = _forms(suggestion, request.user, data, action)
                    conflict, status = True, 409
                except ValidationError as exc:
                    _add_errors(form, exc)
                    status = 400
                else:
                    messages.success(request, message)
                    return redirect("workspace:suggestion", pk=pk)
            else:
                status = 400
    services.suggestion_view_record(actor=request.user, suggestion=suggestion)
    now, before = timezone.now(), selectors.overdue_before()
    _annotate(suggestion, now, before)
    return render(
        request,
        "suggestions/workspace/detail.html",
        {
            "suggestion": suggestion,
            "forms": forms,
            "shown": _shown(suggestion, action if status != 200 else None),
            "steps": suggestion.steps.select_related("actor"),
            "notes": suggestion.notes.select_related("author"),
            "conflict": conflict,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires(can_use_workspace)
@never_cache
def notification_settings(request):
    """The current user's choice how they hear about new work: one e-mail each, or a daily digest."""
    user = request.user
    before = user.work_mail
    form = NotificationForm(request.POST or None, instance=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()
            if before != user.work_mail:
                audit_record(
                    actor=user,
                    action="user.work_mail_changed",
                    target=user,
                    changes={"work_mail": [before, user.work_mail]},
                )
            messages.success(request, _("Ihre Einstellung wurde gespeichert."))
            return redirect("workspace:notifications")
        status = 400
    return render(request, "suggestions/workspace/notifications.html", {"form": form}, status=status)
