"""Workspace pages where organisations maintain their offers and the coordinators of a district correct them.

Who sees what (permissions.py, selectors.editable_by): members of an organisation its offers; coordinators the
offers in their districts and may create offers for organisations active there; the fallback team, city
administrators and platform administrators everything. Everyone else: 403 (list, create), 404 (an offer).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for
from quartier.core.text import as_id
from quartier.organisations.models import Organisation
from quartier.places.views.public import _map

from .. import permissions, selectors, services
from ..manage_forms import OfferManageForm
from ..models import Offer
from ..permissions import manages_offers

LIST_LIMIT = 500


def publishable_organisations(user, city) -> QuerySet[Organisation]:
    """The organisations `user` may create offers for (permissions.can_publish_for, as one query)."""
    qs = Organisation.objects.filter(city=city).order_by("name")
    if not user or not user.is_authenticated:
        return qs.none()
    if permissions.is_citywide_staff(user, city):
        return qs
    scope = Q(members__user=user)
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    if own:
        scope |= Q(districts__in=own)
    return qs.filter(scope).distinct()


def _require_manager(request) -> None:
    if not manages_offers(request.user, request.city):
        raise PermissionDenied


@require_safe
@login_required
@never_cache
def offer_list(request):
    _require_manager(request)
    now = timezone.now()
    offers = list(
        selectors.editable_by(request.user, request.city)
        .prefetch_related("neighbourhoods")
        .order_by("confirmed_at", "title", "id")[:LIST_LIMIT]
    )
    for offer in offers:
        offer.is_hidden = offer.confirmed_at < now - Offer.hidden_after()
        offer.is_stale = not offer.is_hidden and offer.confirmed_at < now - Offer.stale_after()
    organisations = list(publishable_organisations(request.user, request.city))
    return render(
        request,
        "offers/manage/list.html",
        {"offers": offers, "organisations": organisations, "limit": LIST_LIMIT},
    )


@require_safe
@login_required
@never_cache
def offer_new(request):
    """The list's "Neues Angebot" select (GET ?organisation=<id>) forwards to the form of that organisation."""
    _require_manager(request)
    organisation_id = as_id(request.GET.get("organisation", ""), maximum=2**31 - 1)
    if organisation_id is None:
        messages.error(request, _("Bitte wählen Sie eine Organisation."))
        return redirect("workspace:offers")
    return redirect("workspace:offer_create", organisation_id=organisation_id)


def _place_map(request, organisation, selected_ids):
    return _map(
        request.city,
        selected_ids=selected_ids,
        template="offers/manage/map_svg.html",
        link_base=reverse("workspace:offer_create", kwargs={"organisation_id": organisation.pk}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def offer_create(request, organisation_id: int):
    organisation = Organisation.objects.filter(city=request.city, pk=organisation_id).first()
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
@login_required
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
@login_required
@never_cache
def offer_confirm(request, pk: int):
    offer = _editable_offer(request, pk)
    services.offer_confirm(offer=offer, actor=request.user)
    messages.success(request, _("Das Angebot gilt ab heute als bestätigt."))
    return redirect("workspace:offer_edit", pk=offer.pk)
