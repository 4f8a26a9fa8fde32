"""Public pages: the event list with filters and the map, one page per event and per programme, the .ics download,
the registration form of an event and the secret cancel link of a registration."""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from quartier.core import listcache, ratelimit
from quartier.core.tokens import secret_page
from quartier.places.middleware import city_or_404
from quartier.places.svgmap import render_map

from .. import registration_services as registrations
from .. import selectors
from ..forms.public import EventFilterForm, RegistrationCreateForm
from ..ical import calendar_for
from ..models import Event
from ..occurrences import BERLIN, occurrence_key, occurrences, parse_occurrence_key, upcoming_occurrences

PAGE_SIZE = 50
REGISTRATIONS_PER_HOUR = 20
LOOKUPS_PER_HOUR = 30
CANCEL_URL_NAME = "public:registration_cancel"


@require_safe
def event_list(request):
    city = city_or_404(request)
    # Only the anonymous, cookie-free page is shared: with a session or messages the page is personal.
    if request.COOKIES:
        return _event_list(request, city)
    parts = (request.get_full_path(), request.get_host(), get_language(), str(timezone.localdate()))
    return listcache.cached_page(selectors.list_scope(city.pk), parts, lambda: _event_list(request, city))


def _event_list(request, city) -> HttpResponse:
    form = EventFilterForm(request.GET or None, city=city)
    filters = selectors.EventFilters()
    status = 200
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            filters = selectors.EventFilters(
                start=selectors.as_start(d["start"]),
                end=selectors.as_start(d["end"] + timedelta(days=1)) if d["end"] else None,
                districts=[d["district"].pk] if d["district"] else [],
                neighbourhoods=[d["neighbourhood"].pk] if d["neighbourhood"] else [],
                types=[d["type"]] if d["type"] else [],
                language=d["language"] or None,
                target_group=d["target_group"] or None,
                free=True if d["free"] else None,
                step_free=bool(d["step_free"]) or None,
                q=(d["q"] or "").strip() or None,
            )
        else:
            status = 400
    rows = selectors.for_cards(selectors.occurrence_rows(city=city, filters=filters))
    if status != 200:
        rows = rows.none()
    # get_page turns a missing, malformed or too large page number into the first or last page.
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    feed_query = f"?{_api_query(form)}" if form.is_bound and form.is_valid() else ""
    return render(
        request,
        "events/public/list.html",
        {
            "form": form,
            "page": page,
            "occurrences": selectors.as_occurrences(page.object_list),
            "total": page.paginator.count,
            "page_links": _page_links(request, page),
            "programmes": selectors.current_programmes(city),
            "feed_url": request.build_absolute_uri(
                reverse("api-v1:event_feed", kwargs={"city_slug": city.slug})
            )
            + feed_query,
        },
        status=status,
    )


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


def _api_query(form) -> str:
    from django.http import QueryDict

    d, q = form.cleaned_data, QueryDict(mutable=True)
    for key, value in {
        "district": d["district"].number if d.get("district") else "",
        "neighbourhood": d["neighbourhood"].number if d.get("neighbourhood") else "",
        "from": d["start"].isoformat() if d.get("start") else "",
        "to": (d["end"] + timedelta(days=1)).isoformat() if d.get("end") else "",
        "type": d.get("type") or "",
        "language": d.get("language") or "",
        "target_group": d.get("target_group") or "",
        "free": "true" if d.get("free") else "",
        "step_free": "true" if d.get("step_free") else "",
        "q": d.get("q") or "",
    }.items():
        if value:
            q[key] = value
    return q.urlencode()


def _json_ld(request, event: Event) -> str:
    place = (
        {"@type": "VirtualLocation", "url": event.online_url or request.build_absolute_uri()}
        if event.online
        else {
            "@type": "Place",
            "name": event.venue_name or (event.neighbourhood.name if event.neighbourhood else ""),
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.venue_street,
                "postalCode": event.venue_postal_code,
                "addressLocality": event.city.name,
                "addressCountry": "DE",
            },
        }
    )
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description,
        "startDate": event.start.astimezone(BERLIN).isoformat(),
        "endDate": event.end.astimezone(BERLIN).isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == Event.Status.CANCELLED
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode"
        if event.online
        else "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
        "organizer": {"@type": "Organization", "name": event.organisation.name},
        "isAccessibleForFree": event.is_free,
        "inLanguage": event.languages,
        "url": request.build_absolute_uri(),
    }
    # </script> inside a JSON string must not end the script element.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


@require_safe
def event_detail(request, pk: int, slug: str):
    city = city_or_404(request)
    event = selectors.public_event(city, pk)
    if event is None:
        raise Http404(_("Diese Veranstaltung gibt es nicht."))
    if slug != event.slug:
        return redirect("public:event", pk=event.pk, slug=event.slug, permanent=True)
    start, end = selectors.EventFilters().window()
    upcoming = occurrences(event, start, end)[:20]
    places = {}
    if event.registration == Event.Registration.LIMITED and event.status == Event.Status.PUBLISHED:
        future = [o.start for o in upcoming if o.start > timezone.now()]
        places = registrations.availability(event, future)
    return render(
        request,
        "events/public/detail.html",
        {
            "event": event,
            "json_ld": _json_ld(request, event),
            "upcoming": upcoming,
            "dates": [(o, places.get(o.start)) for o in upcoming],
            "deadline_passed": registrations.deadline_passed(event),
        },
    )


@require_safe
def event_ics(request, pk: int, slug: str):
    city = city_or_404(request)
    event = selectors.public_event(city, pk)
    if event is None:
        raise Http404
    body = calendar_for(
        [event],
        name=event.title,
        host=request.get_host().split(":")[0],
        url_for=lambda e: request.build_absolute_uri(
            reverse("public:event", kwargs={"pk": e.pk, "slug": e.slug})
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_safe
def programme_detail(request, slug: str):
    city = city_or_404(request)
    programme = selectors.public_programme(city, slug)
    if programme is None:
        raise Http404(_("Dieses Programm gibt es nicht."))
    filters = selectors.EventFilters(
        start=selectors.as_start(programme.starts_on),
        end=selectors.as_start(programme.ends_on + timedelta(days=1)),
        programme=programme,
    )
    return render(
        request,
        "events/public/programme.html",
        {
            "programme": programme,
            "occurrences": selectors.public_occurrences(city=city, filters=filters),
        },
    )


@require_safe
def programme_pdf(request, slug: str):
    """The printed programme (tagged PDF/UA), made from the same data as the page; kept until the data changes.
    While a render takes longer than a moment, a page says that the file is being prepared."""
    from ..pdf import programme_pdf_cached  # WeasyPrint loads only when a programme PDF is asked for

    city = city_or_404(request)
    programme = selectors.public_programme(city, slug)
    if programme is None:
        raise Http404(_("Dieses Programm gibt es nicht."))
    body = programme_pdf_cached(programme, base_url_for_links=request.build_absolute_uri("/"))
    if body is None:
        response = render(request, "events/public/programme_pdf_pending.html", {"programme": programme})
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{programme.slug}.pdf"'
    response["Cache-Control"] = "public, max-age=600"
    return response


@require_safe
def event_map(request):
    """The map view: Stadtteile with coming events highlighted (the areas lead to the Stadtteil pages); the list
    beside the map gives the counts and leads to the filtered event list, so nothing depends on the picture."""
    city = city_or_404(request)
    found = selectors.event_map(city=city)
    return render(
        request,
        "events/public/map.html",
        {
            "map": render_map(city, marked_ids=[n.pk for n, _count in found.rows]),
            "rows": found.rows,
            "online": found.online,
            "total": found.total,
        },
    )


def _event_or_404(request, event_id: int) -> Event:
    city = getattr(request, "city", None)
    event = selectors.public_event(city, event_id) if city is not None else None
    if event is None or event.registration == Event.Registration.NONE:
        raise Http404(_("Für diese Veranstaltung ist keine Anmeldung möglich."))
    return event


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def event_register(request, event_id: int):
    """Register for an occurrence: GET shows the form (?termin=ISO datetime preselects one), POST registers.

    Intended URL: `public:event_register`, `veranstaltungen/<int:event_id>/anmelden/`.
    """
    event = _event_or_404(request, event_id)
    deadline_over = registrations.deadline_passed(event)
    is_open = (
        event.status == Event.Status.PUBLISHED and not deadline_over and bool(upcoming_occurrences(event))
    )
    closed_message = registrations.deadline_message(event) if deadline_over else ""
    status = 200
    if request.method == "POST":
        form = RegistrationCreateForm(request.POST, event=event)
        if (
            ratelimit.hit("registration", ratelimit.client_identity(request), window=3600)
            > REGISTRATIONS_PER_HOUR
        ):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Sie haben in kurzer Zeit sehr viele Anmeldungen gesendet. Bitte versuchen Sie es später erneut."
                ),
            )
            status = 429
        elif not is_open:
            form.is_valid()
            form.add_error(
                None, closed_message or _("Für diese Veranstaltung ist keine Anmeldung mehr möglich.")
            )
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            if data.get("website"):  # honeypot filled: pretend success, store and send nothing
                return render(
                    request, "events/registration/done.html", {"event": event, "registration": None}
                )
            try:
                registration, _token = registrations.registration_create(
                    event=event,
                    occurrence_start=data["termin"],
                    name=data["name"],
                    email=data["email"],
                    people=data["people"],
                    language=request.LANGUAGE_CODE,
                    cancel_url_for=lambda token: request.build_absolute_uri(
                        reverse(CANCEL_URL_NAME, args=[token])
                    ),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                context = {"event": event, "registration": registration}
                if registration.status == registration.Status.WAITING:
                    context["position"] = registrations.waiting_position(registration)
                return render(request, "events/registration/done.html", context)
        else:
            status = 400
    else:
        chosen = parse_occurrence_key(request.GET.get("termin", ""))
        form = RegistrationCreateForm(
            initial={"termin": occurrence_key(chosen) if chosen else None}, event=event
        )
    return render(
        request,
        "events/registration/form.html",
        {"event": event, "form": form, "is_open": is_open, "closed_message": closed_message},
        status=status,
    )


# Exempt from CSRF: under `Referrer-Policy: no-referrer` browsers send `Origin: null` with the form's POST, which
# Django's CSRF check rejects; the unguessable token in the URL already proves that the request comes from
# someone who holds the link, which is what a CSRF token would prove.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def registration_cancel(request, token: str):
    """The secret cancel link from the confirmation e-mail: GET asks for confirmation, POST cancels.

    Intended URL: `public:registration_cancel`, `anmeldung/<str:token>/`. A wrong token, or one whose occurrence
    has begun, is a 404.
    """
    if ratelimit.hit("registration-link", ratelimit.client_identity(request), window=3600) > LOOKUPS_PER_HOUR:
        return secret_page(render(request, "errors/429.html", status=429))
    registration = registrations.registration_for_token(token)
    if registration is None:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    if request.method == "POST" and registration.status != registration.Status.CANCELLED:
        try:
            registration = registrations.registration_cancel(token=token)
        except ValidationError as exc:
            raise Http404(_("Dieser Link ist ungültig oder abgelaufen.")) from exc
        template = "events/registration/cancelled.html"
    elif registration.status == registration.Status.CANCELLED:
        template = "events/registration/cancelled.html"
    else:
        template = "events/registration/cancel.html"
    context = {"registration": registration, "event": registration.event}
    if registration.status == registration.Status.WAITING:
        context["position"] = registrations.waiting_position(registration)
    return secret_page(render(request, template, context))
