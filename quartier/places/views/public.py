"""Public pages: the finder, the district list, a Stadtteil's contact card, the data sources, and the SVG map
the other rooms' pages draw (the home page, legal pages and district hub are quartier/site/views/public.py)."""

from __future__ import annotations

from collections import OrderedDict

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .. import finder, selectors
from ..forms.public import FinderForm
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
def data_sources(request):
    city = _city_or_404(request)
    gaps = selectors.reference_data_gaps(city)
    return render(
        request,
        "places/public/data_sources.html",
        {"gaps": gaps, "city_pairs": list(selectors.city_added_pairs(city))},
    )
