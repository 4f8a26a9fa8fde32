"""The offers' pages in the workspace: the coverage matrix (Stadtteil × category) as a page and as CSV.

For coordinators (default: their districts; they may switch to all, since offers are public data), the fallback
team, central steering, city administrators and platform administrators. Everyone else: 403.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from quartier.accounts.permissions import require_workspace
from quartier.core.spreadsheet import csv_download

from ..coverage import Coverage, coverage
from ..permissions import sees_coverage
from ..workspace_forms import CoverageFilterForm


def _require_coverage(request) -> None:
    require_workspace(request.user, request.city)
    if not sees_coverage(request.user, request.city):
        raise PermissionDenied


def _form(request) -> CoverageFilterForm:
    return CoverageFilterForm(request.GET or None, user=request.user, city=request.city)


def _coverage(form: CoverageFilterForm, city) -> Coverage:
    return coverage(
        city,
        target_group=form.value("target_group") or None,
        language=form.value("language") or None,
        district_ids=form.district_ids(),
    )


@require_safe
@login_required
@never_cache
def offer_coverage(request):
    """The matrix with its filters and, per category, the Stadtteile without an offer."""
    _require_coverage(request)
    form = _form(request)
    valid = not form.is_bound or form.is_valid()
    context = {"form": form, "matrix": None}
    if valid:
        context.update(
            matrix=_coverage(form, request.city),
            per_1000=bool(form.value("per_1000")),
            csv_query=request.GET.urlencode(),
        )
    return render(request, "offers/workspace/coverage.html", context, status=200 if valid else 400)


def _number(value: float | None) -> str:
    return "" if value is None else formats.number_format(round(value, 2), 2, use_l10n=True)


@require_safe
@login_required
@never_cache
def offer_coverage_csv(request):
    """The matrix as CSV for Excel (UTF-8 with BOM, semicolons, German decimal commas); same filters as the page.

    Missing population figures stay empty cells (never estimated)."""
    _require_coverage(request)
    form = _form(request)
    if form.is_bound and not form.is_valid():
        lines = [f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]
        return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")
    matrix = _coverage(form, request.city)
    header = [_("Stadtbezirk"), _("Stadtteil"), _("Einwohner*innen")]
    for category in matrix.categories:
        header += [category.name, _("%(category)s je 1.000 Einwohner*innen") % {"category": category.name}]
    header += [_("Summe"), _("Summe je 1.000 Einwohner*innen")]
    rows = [header]
    for row in matrix.rows:
        line = [row.district.name, row.neighbourhood.name, row.population]
        for n, rate in row.cells:
            line += [n, _number(rate)]
        rows.append([*line, row.total, _number(row.total_rate)])
    line = ["", _("ganze Stadt"), ""]
    for n in matrix.citywide:
        line += [n, ""]
    rows.append([*line, matrix.citywide_total, ""])
    line = ["", _("Summe der Stadtteile"), matrix.population]
    for n, rate in zip(matrix.column_totals, matrix.column_rates, strict=True):
        line += [n, _number(rate)]
    rows.append([*line, matrix.total, _number(matrix.total_rate)])
    return csv_download(rows, filename="abdeckung-angebote.csv")
