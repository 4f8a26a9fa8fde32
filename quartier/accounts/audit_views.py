"""The "Protokoll" page: a city's audit log for its administrators, with filters, pages and a CSV export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from quartier.core.audit import audit_record
from quartier.core.spreadsheet import csv_download

from . import audit_log
from .permissions import require_people_manager, require_workspace

MAX_PAGE_PARAM = 10


def _form(request):
    require_workspace(request.user, request.city)
    require_people_manager(request.user, request.city)
    return audit_log.AuditFilterForm(request.GET or None)


@require_safe
@login_required
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
@login_required
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
