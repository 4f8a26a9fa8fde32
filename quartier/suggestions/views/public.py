"""Public pages for suggestions: the form, the answer after sending, the secret status page and the published list."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from quartier.core import ratelimit
from quartier.core.text import as_id
from quartier.core.tokens import secret_page
from quartier.places import finder
from quartier.places.forms.public import FinderForm
from quartier.places.middleware import city_or_404
from quartier.places.models import District, Neighbourhood
from quartier.places.svgmap import render_map

from .. import limits, selectors, services
from ..forms.public import WHOLE_CITY, SuggestionForm, new_form_key
from ..models import Suggestion
from ..readers import readers_sentence

STATUS_LOOKUPS_PER_HOUR = 30
PUBLISHED_PER_PAGE = 20
STATUS_URL_NAME = "public:suggestion_status"
_TOKEN = re.compile(r"^[0-9a-f]{64}$")


def _place_map(city, selected_id: int | None) -> dict:
    """The SVG map of the Stadtteile, each a link that preselects it in the form (cached like the home page's)."""
    return render_map(
        city,
        selected_ids=[selected_id] if selected_id else (),
        template="suggestions/public/map_svg.html",
        link_base=reverse("public:suggestion_new"),
    )


def _finder(request, city) -> dict:
    """The small "find your Stadtteil" form on the form page (?q=): proposals that preselect a Stadtteil."""
    if "q" not in request.GET:
        return {"form": FinderForm(), "places": None}
    form = FinderForm({"q": request.GET.get("q", "")})
    places = None
    if form.is_valid():
        try:
            places = finder.lookup_text(city.pk, form.cleaned_data["q"]).places
        except finder.InvalidQuery:
            form.add_error("q", _("Bitte geben Sie einen Stadtteil oder eine Postleitzahl ein."))
    return {"form": form, "places": places}


def _form_page(request, city, form: SuggestionForm, *, form_key: str, status: int = 200):
    selected = form["neighbourhood"].value()
    selected_id = as_id(selected) if isinstance(selected, str) else None
    context = {
        "form": form,
        "form_key": form_key,
        "finder": _finder(request, city),
        "map": _place_map(city, selected_id),
        "keep_days": settings.SUGGESTION_KEEP_CLOSED_DAYS,
        "keep_months": round(settings.SUGGESTION_KEEP_CLOSED_DAYS / 30.5),
    }
    return render(request, "suggestions/public/form.html", context, status=status)


def _too_many(request, city, form: SuggestionForm, posted_key: str):
    form.add_error(
        None,
        _(
            "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Vorschläge. Bitte versuchen Sie es später "
            "erneut. Ihr Text steht noch im Formular."
        ),
    )
    return _form_page(request, city, form, form_key=posted_key, status=429)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def suggestion_new(request):
    """The suggestion form (GET; ?stadtteil=<slug> preselects a Stadtteil, ?q= proposes Stadtteile) and sending
    it (POST), which answers with the number and the secret status link.

    URL: `public:suggestion_new`, `vorschlaege/neu/`.
    """
    city = city_or_404(request)
    if request.method != "POST":
        initial = {"neighbourhood": WHOLE_CITY}
        slug = request.GET.get("stadtteil", "")
        if slug and len(slug) <= 120:
            place_id = Neighbourhood.objects.filter(city=city, slug=slug).values_list("pk", flat=True).first()
            if place_id is not None:
                initial["neighbourhood"] = str(place_id)
        return _form_page(request, city, SuggestionForm(initial=initial, city=city), form_key=new_form_key())

    form = SuggestionForm(request.POST, city=city)
    posted_key = request.POST.get("form_key", "")
    # Only accepted suggestions count towards the limit (limits.py): attempts with errors cost nothing.
    identity = ratelimit.client_identity(request)
    if limits.refused(identity):
        form.is_valid()
        return _too_many(request, city, form, posted_key)
    if not form.is_valid():
        # A broken or expired key gets a fresh one, so that sending again works; a good one is kept, so that a
        # corrected form is still the same submission.
        key = new_form_key() if form.form_key_invalid else posted_key
        return _form_page(request, city, form, form_key=key, status=400)
    data = form.cleaned_data
    if data.get("website"):  # honeypot filled: pretend success, store and send nothing
        return secret_page(render(request, "suggestions/public/done.html", {"suggestion": None}))
    if form.filled_too_fast:
        form.add_error(
            None,
            _(
                "Bitte nehmen Sie sich einen Moment Zeit, bevor Sie das Formular absenden. Ihr Text steht noch im "
                "Formular; bitte senden Sie es noch einmal."
            ),
        )
        return _form_page(request, city, form, form_key=posted_key, status=400)
    with limits.place_for(identity) as place:
        if not place.granted:
            return _too_many(request, city, form, posted_key)
        try:
            suggestion, token, created = services.suggestion_submit(
                city=city,
                text=data["text"],
                topic=data["topic"],
                neighbourhood=data["neighbourhood"],
                consent=data["consent"],
                submission_key=form.submission_key,
                status_url_for=lambda t: request.build_absolute_uri(reverse(STATUS_URL_NAME, args=[t])),
                name=data["name"],
                email=data["email"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(None if field not in form.fields else field, messages)
            return _form_page(request, city, form, form_key=posted_key, status=400)
        if created:  # a repeat of the same submission (a double click) is not counted twice
            place.keep()
    context = {
        "suggestion": suggestion,
        "status_url": request.build_absolute_uri(reverse(STATUS_URL_NAME, args=[token])),
        "readers": readers_sentence(suggestion),
    }
    return secret_page(render(request, "suggestions/public/done.html", context))


@require_safe
@never_cache
def suggestion_status(request, token: str):
    """The writer's secret status page: the steps and, when closed, the outcome and the public answer.

    URL: `public:suggestion_status`, `vorschlaege/status/<token>/`. A wrong or expired token is a 404.
    """
    if (
        ratelimit.hit("suggestion-status", ratelimit.client_identity(request), window=3600)
        > STATUS_LOOKUPS_PER_HOUR
    ):
        return secret_page(render(request, "errors/429.html", status=429))
    suggestion = selectors.by_status_token(token) if _TOKEN.match(token) else None
    if suggestion is None:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    steps = [
        {"status": step.get_to_status_display(), "at": step.created_at} for step in suggestion.steps.all()
    ]
    return secret_page(
        render(request, "suggestions/public/status.html", {"suggestion": suggestion, "steps": steps})
    )


@require_safe
def suggestion_list(request):
    """Published suggestions with their answers, filtered by Stadtbezirk (?bezirk=<number>), 20 per page (?page=).

    URL: `public:suggestions`, `vorschlaege/`.
    """
    city = city_or_404(request)
    districts = list(District.objects.filter(city=city).only("id", "number", "name").order_by("ordinal"))
    wanted = request.GET.get("bezirk", "")
    district = next((d for d in districts if d.slug == wanted.lower()), None) if wanted else None
    page = Paginator(selectors.published(city, district=district), PUBLISHED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "suggestions/public/list.html",
        {"page": page, "districts": districts, "district": district, "outcomes": Suggestion.Outcome},
    )
