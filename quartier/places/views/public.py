"""Public pages: the finder, districts, Stadtteile, vCards and the legal pages."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from quartier.core import ratelimit
from quartier.events.selectors import coming_occurrences, current_programmes
from quartier.offers.selectors import OfferFilters, public_search
from quartier.suggestions.selectors import published as published_suggestions

from .. import finder, selectors
from ..forms.public import AccessibilityFeedbackForm, FinderForm
from ..models import Neighbourhood
from ..services import accessibility_feedback_send
from ..svgmap import map_geometry
from ..vcard import vcard_for_contacts


def _city_or_404(request):
    city = getattr(request, "city", None)
    if city is None:
        raise Http404(_("Für diese Adresse ist keine Stadt eingerichtet."))
    return city


_MAP_CACHE: OrderedDict[tuple, str] = OrderedDict()
_MAP_CACHE_SIZE = 512


def _map(
    city,
    *,
    selected_ids=(),
    district_ids=(),
    marked_ids=None,
    template="places/includes/map_svg.html",
    link_base="",
):
    """The SVG map with the answer's Stadtteile (aria-current) and their districts highlighted.

    With `marked_ids` (a collection, e.g. the Stadtteile with events) the colours no longer show the districts:
    marked areas are dark, the others light, and the legend says so. The rendered SVG (about 50 links with
    translated names) is kept per process for each language, place-data revision, highlight and template:
    rendering it was most of the home page's time (bench/RESULTS.md). Other pages draw it with their own
    `template`, whose links may start with `link_base`."""
    data = map_geometry(city.pk)
    selected_ids, district_ids = frozenset(selected_ids), frozenset(district_ids)
    marked = None if marked_ids is None else frozenset(marked_ids)
    key = (city.pk, get_language(), data["revision"], selected_ids, district_ids, marked, template, link_base)
    svg = _MAP_CACHE.get(key)
    if svg is None:
        areas = [
            {
                **a,
                "selected": a["id"] in selected_ids,
                "in_district": a["district_id"] in district_ids,
                "marked": marked is not None and a["id"] in marked,
            }
            for a in data["areas"]
        ]
        svg = render_to_string(
            template,
            {
                "map": {"viewbox": data["viewbox"], "areas": areas, "marking": marked is not None},
                "link_base": link_base,
            },
        )
        _MAP_CACHE[key] = svg
        while len(_MAP_CACHE) > _MAP_CACHE_SIZE:
            _MAP_CACHE.popitem(last=False)
    districts = {}
    for a in data["areas"]:
        districts.setdefault(a["district_ordinal"], (a["district_number"], a.get("district_name", "")))
    return {
        "svg": mark_safe(svg),  # noqa: S308 - rendered by our own template with autoescaping
        "marking": marked is not None,
        "has_selection": bool(selected_ids),
        "has_district": bool(district_ids),
        "districts": [
            {"ordinal": o, "number": number, "name": name} for o, (number, name) in sorted(districts.items())
        ],
    }


def _coming(city, *, district=None, neighbourhood=None) -> dict:
    """The next events and some offers of a district or Stadtteil, with links to the filtered lists (bounded:
    one query for the events, two for the offers with their Stadtteile)."""
    if neighbourhood is not None:
        offer_filters, query = (
            OfferFilters(neighbourhood=neighbourhood.pk),
            f"neighbourhood={neighbourhood.pk}",
        )
    else:
        offer_filters, query = OfferFilters(district=district.pk), f"district={district.pk}"
    offers = public_search(city, offer_filters).prefetch_related(
        Prefetch("neighbourhoods", queryset=Neighbourhood.objects.defer("boundary").order_by("name"))
    )
    return {
        "coming_events": coming_occurrences(
            city=city, district=district, neighbourhood=neighbourhood, limit=5
        ),
        "offers": list(offers[:5]),
        "events_url": f"{reverse('public:events')}?{query}",
        "offers_url": f"{reverse('public:offers')}?{query}",
        "place_name": (neighbourhood or district).name,
    }


def _programmes(city, district=None):
    return current_programmes(city, district=district)


@require_safe
def home(request):
    city = _city_or_404(request)
    return render(
        request,
        "places/public/home.html",
        {"form": FinderForm(), "map": _map(city), "programmes": _programmes(city)},
    )


@require_safe
def find(request):
    """The finder's answer page for ?q=TEXT or ?lat=..&lon=.. (works without JavaScript)."""
    city = _city_or_404(request)
    form = FinderForm(request.GET or None)
    context = {"form": form, "result": None, "query": ""}
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("lat") is not None:
                result = finder.lookup_point(city.pk, data["lat"], data["lon"])
                context["query"] = f"{data['lat']:.5f}, {data['lon']:.5f}"
            else:
                result = finder.lookup_text(city.pk, data["q"])
                context["query"] = data["q"]
        except finder.InvalidQuery:
            form.add_error(
                None,
                _(
                    "Diese Eingabe können wir nicht verarbeiten. Bitte geben Sie einen Stadtteil oder eine Postleitzahl ein."
                ),
            )
            status = 400
        else:
            context["result"] = result
            context["answers"] = selectors.neighbourhoods_by_ids(city, [p.id for p in result.places])
            status = 200 if result.found else 404
    elif form.is_bound:
        status = 400
    places = context["result"].places if context["result"] else ()
    context["map"] = _map(
        city, selected_ids=[p.id for p in places], district_ids=[p.district_id for p in places]
    )
    return render(request, "places/public/find.html", context, status=status)


@require_safe
def district_list(request):
    city = _city_or_404(request)
    return render(
        request,
        "places/public/district_list.html",
        {"districts": selectors.districts_with_places(city), "map": _map(city)},
    )


@require_safe
def district_detail(request, number: str):
    city = _city_or_404(request)
    district = selectors.district_detail(city, number)
    if district is None:
        raise Http404(_("Diesen Stadtbezirk gibt es nicht."))
    return render(
        request,
        "places/public/district_detail.html",
        {
            "district": district,
            "map": _map(city, district_ids=[district.pk]),
            "published_suggestions": list(published_suggestions(city, district=district)[:5]),
            "programmes": _programmes(city, district),
            **_coming(city, district=district),
        },
    )


@require_safe
def neighbourhood_detail(request, slug: str):
    city = _city_or_404(request)
    neighbourhood = selectors.neighbourhood_detail(city, slug)
    if neighbourhood is None:
        raise Http404(_("Diesen Stadtteil gibt es nicht."))
    return render(
        request,
        "places/public/neighbourhood_detail.html",
        {
            "neighbourhood": neighbourhood,
            "contacts": neighbourhood.district.contacts.all(),
            "map": _map(city, selected_ids=[neighbourhood.pk], district_ids=[neighbourhood.district_id]),
            **_coming(city, neighbourhood=neighbourhood),
        },
    )


@require_safe
@cache_control(max_age=3600, public=True)
def neighbourhood_vcard(request, slug: str):
    city = _city_or_404(request)
    neighbourhood = selectors.neighbourhood_detail(city, slug)
    if neighbourhood is None:
        raise Http404(_("Diesen Stadtteil gibt es nicht."))
    body = vcard_for_contacts(list(neighbourhood.district.contacts.all()), city=city)
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kontakt-{neighbourhood.slug}.vcf"'
    return response


@require_safe
def imprint(request):
    city = _city_or_404(request)
    return render(request, "places/public/imprint.html", {"operator": getattr(city, "operator", None)})


@require_safe
def privacy(request):
    city = _city_or_404(request)
    return render(request, "places/public/privacy.html", {"operator": getattr(city, "operator", None)})


@require_safe
def accessibility(request):
    city = _city_or_404(request)
    return render(request, "places/public/accessibility.html", {"operator": getattr(city, "operator", None)})


@require_safe
def data_sources(request):
    city = _city_or_404(request)
    gaps = selectors.reference_data_gaps(city)
    return render(
        request,
        "places/public/data_sources.html",
        {"gaps": gaps, "city_pairs": list(selectors.city_added_pairs(city))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def accessibility_feedback(request):
    """The feedback channel of the accessibility statement."""
    city = _city_or_404(request)
    form = AccessibilityFeedbackForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if ratelimit.hit("a11y-feedback", ratelimit.client_identity(request), window=3600) > 10:
            form.add_error(
                None,
                _(
                    "Sie haben in kurzer Zeit sehr viele Meldungen gesendet. Bitte versuchen Sie es später erneut."
                ),
            )
            status = 429
        elif form.is_valid():
            if not form.cleaned_data.get("website"):  # honeypot filled: pretend success, send nothing
                accessibility_feedback_send(
                    city=city, **{k: form.cleaned_data[k] for k in ("message", "page", "email")}
                )
            messages.success(request, _("Vielen Dank. Ihre Meldung wurde weitergegeben."))
            return redirect("public:accessibility")
        else:
            status = 400
    return render(request, "places/public/accessibility_feedback.html", {"form": form}, status=status)
