"""Public pages for registrations: the registration form of an event and the secret cancel link."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from quartier.core import ratelimit
from quartier.core.tokens import secret_page

from . import registration_services as services
from . import selectors
from .models import Event
from .registration_forms import RegistrationForm, occurrence_key, parse_occurrence_key, upcoming_occurrences

REGISTRATIONS_PER_HOUR = 20
LOOKUPS_PER_HOUR = 30
CANCEL_URL_NAME = "public:registration_cancel"


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
    deadline_over = services.deadline_passed(event)
    is_open = (
        event.status == Event.Status.PUBLISHED and not deadline_over and bool(upcoming_occurrences(event))
    )
    closed_message = services.deadline_message(event) if deadline_over else ""
    status = 200
    if request.method == "POST":
        form = RegistrationForm(request.POST, event=event)
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
                registration, _token = services.registration_create(
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
                    context["position"] = services.waiting_position(registration)
                return render(request, "events/registration/done.html", context)
        else:
            status = 400
    else:
        chosen = parse_occurrence_key(request.GET.get("termin", ""))
        form = RegistrationForm(initial={"termin": occurrence_key(chosen) if chosen else None}, event=event)
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
    registration = services.registration_for_token(token)
    if registration is None:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    if request.method == "POST" and registration.status != registration.Status.CANCELLED:
        try:
            registration = services.registration_cancel(token=token)
        except ValidationError as exc:
            raise Http404(_("Dieser Link ist ungültig oder abgelaufen.")) from exc
        template = "events/registration/cancelled.html"
    elif registration.status == registration.Status.CANCELLED:
        template = "events/registration/cancelled.html"
    else:
        template = "events/registration/cancel.html"
    context = {"registration": registration, "event": registration.event}
    if registration.status == registration.Status.WAITING:
        context["position"] = services.waiting_position(registration)
    return secret_page(render(request, template, context))
