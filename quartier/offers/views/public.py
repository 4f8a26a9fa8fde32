"""Public pages for offers: the list with search and filters, one page per offer, the one-click confirmation link
from the reminder mail, and the offers section of the organisation page (quartier/organisations/sections.py)."""

from __future__ import annotations

import re

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from quartier.core import ratelimit
from quartier.core.tokens import secret_page
from quartier.places.middleware import city_or_404
from quartier.places.models import Neighbourhood
from quartier.places.svgmap import render_map

from .. import selectors, services
from ..forms.public import OfferFilterForm
from ..models import Offer

PAGE_SIZE = 20
CONFIRM_LOOKUPS_PER_HOUR = 30
_PAGE = re.compile(r"^[1-9][0-9]{0,5}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def _places():
    return Prefetch(
        "neighbourhoods",
        queryset=Neighbourhood.objects.defer("boundary").select_related("district").order_by("name"),
    )


def _languages(city) -> list[str]:
    """The language codes of the visible offers (for the language filter)."""
    codes: set[str] = set()
    for languages in selectors.visible(city).values_list("languages", flat=True):
        codes.update(c for c in languages or () if isinstance(c, str) and c)
    return sorted(codes)


def _page_number(request) -> int:
    raw = request.GET.get("page")
    if raw is None or raw == "":
        return 1
    if not _PAGE.match(raw):
        raise Http404(_("Diese Seite der Ergebnisliste gibt es nicht."))
    return int(raw)


def _page_links(request, page) -> dict:
    """Query strings for the previous and next page, keeping the filters."""

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return "?" + query.urlencode()

    return {
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }


@require_safe
def offer_list(request):
    """The offers with a search box and filters (GET), 20 per page (?page=), and a map of the Stadtteile of the
    offers on the page. Invalid filters answer 400 with the errors, a page that does not exist 404.

    URL: `public:offers`, `angebote/`.
    """
    city = city_or_404(request)
    form = OfferFilterForm(request.GET or None, city=city, languages=_languages(city))
    filters = selectors.OfferFilters()
    status = 200
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            filters = selectors.OfferFilters(
                q=(d["q"] or "").strip() or None,
                neighbourhood=d["neighbourhood"].pk if d["neighbourhood"] else None,
                district=d["district"].pk if d["district"] else None,
                category=d["category"].pk if d["category"] else None,
                target_group=d["target_group"] or None,
                language=d["language"] or None,
                free=bool(d["free"]),
            )
        else:
            status = 400
    rows = selectors.public_search(city, filters).prefetch_related(_places())
    if status != 200:
        rows = rows.none()
    try:
        page = Paginator(rows, PAGE_SIZE).page(_page_number(request))
    except EmptyPage as exc:
        raise Http404(_("Diese Seite der Ergebnisliste gibt es nicht.")) from exc
    offers = list(page.object_list)
    place_ids = {n.pk for offer in offers for n in offer.neighbourhoods.all()}
    return render(
        request,
        "offers/public/list.html",
        {
            "form": form,
            "page": page,
            "offers": offers,
            "total": page.paginator.count,
            "page_links": _page_links(request, page),
            "map": render_map(
                city,
                selected_ids=place_ids,
                template="offers/public/map_svg.html",
                link_base=reverse("public:offers"),
            ),
        },
        status=status,
    )


@require_safe
def offer_detail(request, slug: str):
    """One visible offer with everything public about it, and its Stadtteile on the map.

    URL: `public:offer`, `angebote/<slug>/`. Drafts, ended and long unconfirmed offers are a 404.
    """
    city = city_or_404(request)
    offer = (
        selectors.visible(city)
        .select_related("category", "organisation")
        .prefetch_related(_places())
        .filter(slug=slug)
        .first()
    )
    if offer is None:
        raise Http404(_("Dieses Angebot gibt es nicht."))
    places = list(offer.neighbourhoods.all())
    return render(
        request,
        "offers/public/detail.html",
        {
            "offer": offer,
            "places": places,
            "map": render_map(
                city,
                selected_ids=[n.pk for n in places],
                district_ids={n.district_id for n in places},
            ),
        },
    )


def organisation_offers(city, organisation) -> dict:
    """The offers section of an organisation's public page: its visible offers."""
    offers = (
        selectors.visible(city)
        .filter(organisation=organisation)
        .select_related("category")
        .prefetch_related(_places())
        .order_by("title", "id")
    )
    return {"offers": offers}


# The page is sent with Referrer-Policy: no-referrer (a secret link), so browsers post its form with
# "Origin: null", which Django's CSRF check refuses (as on the invitation page). The secret token in the URL is
# what authorises the confirmation; it changes nothing but the confirmation date and works once.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def offer_confirm(request, token: str) -> HttpResponse:
    """The one-click link of the reminder mail: GET shows the offer and a button, POST confirms it.

    URL: `public:offer_confirm`, `angebote/bestaetigen/<token>/`. A wrong, used or expired token is a 404.
    """
    city = city_or_404(request)
    if (
        ratelimit.hit("offer-confirm", ratelimit.client_identity(request), window=3600)
        > CONFIRM_LOOKUPS_PER_HOUR
    ):
        return secret_page(render(request, "errors/429.html", status=429))
    offer = selectors.offer_by_confirm_token(token) if _TOKEN.match(token) else None
    if offer is None or offer.city_id != city.pk or offer.status != Offer.Status.PUBLISHED:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    if request.method == "POST":
        offer = services.offer_confirm(offer=offer, actor=None)
        return secret_page(render(request, "offers/public/confirm_done.html", {"offer": offer}))
    return secret_page(render(request, "offers/public/confirm.html", {"offer": offer}))
