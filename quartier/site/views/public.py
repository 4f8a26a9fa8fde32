"""The site's public pages: the home page, the legal pages with the accessibility feedback form, and the district
hub (a district's and a Stadtteil's page, where places meet events, offers and suggestions)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from quartier.accounts.services import accessibility_feedback_send
from quartier.core import ratelimit
from quartier.events.selectors import coming_occurrences, current_programmes
from quartier.offers.selectors import OfferFilters, public_search
from quartier.places import selectors as places_selectors
from quartier.places.forms.public import AccessibilityFeedbackForm, FinderForm
from quartier.places.middleware import city_or_404
from quartier.places.models import Neighbourhood
from quartier.places.svgmap import render_map
from quartier.suggestions.selectors import published as published_suggestions


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
    city = city_or_404(request)
    return render(
        request,
        "site/public/home.html",
        {"form": FinderForm(), "map": render_map(city), "programmes": _programmes(city)},
    )


@require_safe
def district_detail(request, number: str):
    city = city_or_404(request)
    district = places_selectors.district_detail(city, number)
    if district is None:
        raise Http404(_("Diesen Stadtbezirk gibt es nicht."))
    return render(
        request,
        "site/public/district_detail.html",
        {
            "district": district,
            "map": render_map(city, district_ids=[district.pk]),
            "published_suggestions": list(published_suggestions(city, district=district)[:5]),
            "programmes": _programmes(city, district),
            **_coming(city, district=district),
        },
    )


@require_safe
def neighbourhood_detail(request, slug: str):
    city = city_or_404(request)
    neighbourhood = places_selectors.neighbourhood_detail(city, slug)
    if neighbourhood is None:
        raise Http404(_("Diesen Stadtteil gibt es nicht."))
    return render(
        request,
        "site/public/neighbourhood_detail.html",
        {
            "neighbourhood": neighbourhood,
            "contacts": neighbourhood.district.contacts.all(),
            "map": render_map(
                city, selected_ids=[neighbourhood.pk], district_ids=[neighbourhood.district_id]
            ),
            **_coming(city, neighbourhood=neighbourhood),
        },
    )


@require_safe
def imprint(request):
    city = city_or_404(request)
    return render(request, "site/public/imprint.html", {"operator": getattr(city, "operator", None)})


@require_safe
def privacy(request):
    city = city_or_404(request)
    return render(request, "site/public/privacy.html", {"operator": getattr(city, "operator", None)})


@require_safe
def accessibility(request):
    city = city_or_404(request)
    return render(request, "site/public/accessibility.html", {"operator": getattr(city, "operator", None)})


@require_http_methods(["GET", "HEAD", "POST"])
def accessibility_feedback(request):
    """The feedback channel of the accessibility statement."""
    city = city_or_404(request)
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
    return render(request, "site/public/accessibility_feedback.html", {"form": form}, status=status)
