"""Public pages: the finder, the district list, a Stadtteil's contact card and the data sources (the home page,
legal pages and district hub are quartier/site/views/public.py; the SVG map is places/svgmap.py)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .. import finder, selectors
from ..forms.public import FinderForm
from ..middleware import city_or_404
from ..svgmap import render_map
from ..vcard import vcard_for_contacts


@require_safe
def find(request):
    """The finder's answer page for ?q=TEXT or ?lat=..&lon=.. (works without JavaScript)."""
    city = city_or_404(request)
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
    context["map"] = render_map(
        city, selected_ids=[p.id for p in places], district_ids=[p.district_id for p in places]
    )
    return render(request, "places/public/find.html", context, status=status)


@require_safe
def district_list(request):
    city = city_or_404(request)
    return render(
        request,
        "places/public/district_list.html",
        {"districts": selectors.districts_with_places(city), "map": render_map(city)},
    )


@require_safe
@cache_control(max_age=3600, public=True)
def neighbourhood_vcard(request, slug: str):
    city = city_or_404(request)
    neighbourhood = selectors.neighbourhood_detail(city, slug)
    if neighbourhood is None:
        raise Http404(_("Diesen Stadtteil gibt es nicht."))
    body = vcard_for_contacts(list(neighbourhood.district.contacts.all()), city=city)
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kontakt-{neighbourhood.slug}.vcf"'
    return response


@require_safe
def data_sources(request):
    city = city_or_404(request)
    gaps = selectors.reference_data_gaps(city)
    return render(
        request,
        "places/public/data_sources.html",
        {"gaps": gaps, "city_pairs": list(selectors.city_added_pairs(city))},
    )
