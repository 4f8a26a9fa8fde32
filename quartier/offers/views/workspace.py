"""The offers' workspace pages: where organisations maintain their offers and the coordinators of a district
correct them, and the coverage matrix (Stadtteil × category) as a page and as CSV.

Who maintains what (permissions.py, selectors.editable_by): members of an organisation its offers; coordinators the
offers in their districts and may create offers for organisations active there; the fallback team, city
administrators and platform administrators everything. Everyone else: 403 (list, create), 404 (an offer).

The coverage matrix is for coordinators (default: their districts; they may switch to all, since offers are public
data), the fallback team, central steering, city administrators and platform administrators. Everyone else: 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quartier.core.permissions import requires
from quartier.core.spreadsheet import csv_download
from quartier.core.text import as_id
from quartier.places.svgmap import render_map

from .. import permissions, selectors, services
from ..coverage import Coverage, coverage
from ..forms.workspace import OfferCoverageFilterForm, OfferManageForm
from ..models import Offer

LIST_LIMIT = 500


@require_safe
@requires(permissions.manages_offers)
@never_cache
def offer_list(request):
    now = timezone.now()
    offers = list(
        selectors.editable_by(request.user, request.city)
        .prefetch_related("neighbourhoods")
        .order_by("confirmed_at", "title", "id")[:LIST_LIMIT]
    )
    for offer in offers:
        offer.is_hidden = offer.confirmed_at < now - Offer.hidden_after()
        offer.is_stale = not offer.is_hidden and offer.confirmed_at < now - Offer.stale_after()
    organisations = list(selectors.publishable_organisations(request.user, request.city))
    return render(
        request,
        "offers/manage/list.html",
        {"offers": offers, "organisations": organisations, "limit": LIST_LIMIT},
    )


@require_safe
@requires(permissions.manages_offers)
@never_cache
def offer_new(request):
    """The list's "Neues Angebot" select (GET ?organisation=<id>) forwards to the form of that organisation."""
    organisation_id = as_id(request.GET.get("organisation", ""), maximum=2**31 - 1)
    if organisation_id is None:
        messages.error(request, _("Bitte wählen Sie eine Organisation."))
        return redirect("workspace:offers")
    return redirect("workspace:offer_create", organisation_id=organisation_id)


def _place_map(request, organisation, selected_ids):
    return render_map(
        request.city,
        selected_ids=selected_ids,
        template="offers/manage/map_svg.html",
        link_base=reverse("workspace:offer_create", kwargs={"organisation_id": organisation.pk}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires(permissions.manages_offers)
@never_cache
def offer_create(request, organisation_id: int):
    organisation = selectors.organisation_in(request.city, organisation_id)
    if organisation is None:
        raise Http404(_("Diese Organisation gibt es nicht."))
    if not permissions.can_publish_for(request.user, organisation):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = OfferManageForm(request.POST, city=request.city)
        if form.is_valid():
            try:
                offer = services.offer_create(
                    actor=request.user, city=request.city, data=form.offer_data(organisation)
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Das Angebot wurde gespeichert."))
                return redirect("workspace:offer_edit", pk=offer.pk)
        status = 400
    else:
        initial = {}
        raw = request.GET.get("neighbourhood", "")
        if raw.isdigit() and len(raw) <= 12:
            initial["neighbourhoods"] = [raw]
        form = OfferManageForm(initial=initial, city=request.city)
    selected = form["neighbourhoods"].value() or []
    selected_ids = {int(v) for v in selected if isinstance(v, str) and v.isdigit() and len(v) <= 12}
    context = {
        "form": form,
        "organisation": organisation,
        "offer": None,
        "map": _place_map(request, organisation, selected_ids),
    }
    return render(request, "offers/manage/form.html", context, status=status)


def _editable_offer(request, pk: int) -> Offer:
    offer = selectors.editable_by(request.user, request.city).filter(pk=pk).first()
    if offer is None or not permissions.can_edit(request.user, offer):
        raise Http404(_("Dieses Angebot gibt es nicht oder Sie haben keinen Zugriff."))
    return offer


@require_http_methods(["GET", "HEAD", "POST"])
@requires()  # the offer comes from selectors.editable_by: 404 outside the user's scope
@never_cache
def offer_edit(request, pk: int):
    offer = _editable_offer(request, pk)
    status = 200
    if request.method == "POST":
        form = OfferManageForm(request.POST, city=request.city, offer=offer)
        if form.is_valid():
            try:
                offer = services.offer_update(
                    actor=request.user,
                    offer=offer,
                    data=form.offer_data(offer.organisation),
                    expected_version=form.cleaned_data["version"],
                )
            except services.Conflict as exc:
                status = 409
                form.add_error(
                    None,
                    _(
                        "Jemand anderes hat das Angebot inzwischen geändert. Ihre Eingaben stehen noch im "
                        "Formular; bitte prüfen Sie die aktuelle Fassung (Seite neu laden) oder speichern Sie "
                        "erneut, um sie zu überschreiben."
                    ),
                )
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form.data = data  # typed values kept, the next save is against the current version
                offer = exc.current
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
                status = 400
            else:
                messages.success(request, _("Die Änderungen wurden gespeichert."))
                return redirect("workspace:offer_edit", pk=offer.pk)
        else:
            status = 400
    else:
        form = OfferManageForm(city=request.city, offer=offer)
    now = timezone.now()
    context = {
        "form": form,
        "organisation": offer.organisation,
        "offer": offer,
        "is_hidden": offer.confirmed_at < now - Offer.hidden_after(),
        "is_stale": offer.confirmed_at < now - Offer.stale_after(),
    }
    return render(request, "offers/manage/form.html", context, status=status)


@require_POST
@requires()  # the offer comes from selectors.editable_by: 404 outside the user's scope
@never_cache
def offer_confirm(request, pk: int):
    offer = _editable_offer(request, pk)
    services.offer_confirm(offer=offer, actor=request.user)
    messages.success(request, _("Das Angebot gilt ab heute als bestätigt."))
    return redirect("workspace:offer_edit", pk=offer.pk)


def _form(request) -> OfferCoverageFilterForm:
    return OfferCoverageFilterForm(request.GET or None, user=request.user, city=request.city)


def _coverage(form: OfferCoverageFilterForm, city) -> Coverage:
    return coverage(
        city,
        target_group=form.value("target_group") or None,
        language=form.value("language") or None,
        district_ids=form.district_ids(),
    )


@require_safe
@requires(permissions.sees_coverage)
@never_cache
def offer_coverage(request):
    """The matrix with its filters and, per category, the Stadtteile without an offer."""
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
@requires(permissions.sees_coverage)
@never_cache
def offer_coverage_csv(request):
    """The matrix as CSV for Excel (UTF-8 with BOM, semicolons, German decimal commas); same filters as the page.

    Missing population figures stay empty cells (never estimated)."""
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
