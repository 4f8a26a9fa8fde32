"""The public suggestions API: the submission, the writer's status by secret token, and the published answers."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from ninja import Query, Router
from ninja import Status as Answer

from quartier.core import idempotency, ratelimit
from quartier.core.api import ErrorOut, error, paginate, schema_response
from quartier.core.tokens import secret_page
from quartier.places import selectors as places

from .. import limits, selectors, services
from ..models import Suggestion
from . import inputs
from .schemas import (
    SuggestionIn,
    SuggestionPublishedList,
    SuggestionPublishedQuery,
    SuggestionStatusOut,
    SuggestionSubmittedOut,
    district_ref,
    neighbourhood_ref,
)

router = Router(tags=["suggestions"])

STATUS_LOOKUPS_PER_HOUR = 30
STATUS_URL_NAME = "public:suggestion_status"
STATUS_PATH_FALLBACK = "/de/vorschlaege/status/{token}/"


def status_url_path(token: str) -> str:
    """The path of the public status page, under the German prefix: by its URL name, or, should that page not be
    there, the path it is planned under."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return reverse(STATUS_URL_NAME, kwargs={"token": token})
        except NoReverseMatch:
            return STATUS_PATH_FALLBACK.format(token=token)


def status_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(status_url_path(token))


def _rate_limited(request: HttpRequest, scope: str, limit: int, window: int) -> bool:
    return ratelimit.hit(scope, ratelimit.client_identity(request), window=window) > limit


@router.post(
    "/cities/{city_slug}/suggestions",
    response={
        200: SuggestionSubmittedOut,
        201: SuggestionSubmittedOut,
        404: ErrorOut,
        409: ErrorOut,
        422: dict,
        429: ErrorOut,
    },
    summary="Send a suggestion for a Stadtteil (or the whole city)",
    description="No account needed. Answers 201 with the secret `status_url` (shown once). With an "
    "`Idempotency-Key` header (1 to 200 printable ASCII characters) a repeat of the same key and body answers "
    "the first answer with 200, the same key with another body 409; keys are kept 24 hours. Unknown body fields "
    "are refused (422). Rate limited per address (429): accepted suggestions count, refused ones do not.",
)
def suggestion_submit(
    request: HttpRequest,
    city_slug: str,
    payload: SuggestionIn,
    idempotency_key: str | None = idempotency.HEADER,
):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    neighbourhood = (
        inputs.neighbourhood(city, payload.neighbourhood, "body")
        if payload.neighbourhood is not None
        else None
    )
    once = idempotency.Submission(
        scope=f"suggestions:{city.pk}", key=idempotency_key, body=payload.model_dump(mode="json")
    )
    try:
        # A retry of a submission that went through answers the first answer and is not counted again.
        earlier = once.earlier()
        if earlier is not None:
            return Answer(*earlier)
        # Only accepted suggestions count towards the limit (limits.py): a body the service refuses costs nothing.
        identity = ratelimit.client_identity(request)
        if limits.refused(identity):
            return _too_many_suggestions(request)
        with limits.place_for(identity) as place:
            if not place.granted:
                return _too_many_suggestions(request)
            language = translation.get_language_from_request(request) or settings.LANGUAGE_CODE

            def action() -> tuple[int, dict]:
                try:
                    suggestion, token, created = services.suggestion_submit(
                        city=city,
                        text=payload.text,
                        topic=payload.topic.value,
                        neighbourhood=neighbourhood,
                        consent=payload.consent,
                        submission_key=once.submission_key,
                        status_url_for=lambda t: status_url(request, t),
                        name=payload.name or "",
                        email=payload.email or "",
                        language=language,
                        channel=Suggestion.Channel.API,
                    )
                except DjangoValidationError as exc:
                    raise inputs.service_errors(exc) from exc
                if created:  # a repeat of an earlier submission keeps its place free
                    place.keep()
                return 201, {
                    "id": suggestion.pk,
                    "status": suggestion.status,
                    "status_url": status_url(request, token),
                }

            return Answer(*once.run(action))
    except idempotency.KeyReused:
        return error(request, 409, idempotency.KEY_REUSED)


def _too_many_suggestions(request: HttpRequest):
    return error(request, 429, "Too many suggestions from this address; please try again later.")


@router.get(
    "/cities/{city_slug}/suggestions/status/{token}",
    response={200: SuggestionStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="The status of one suggestion, by the secret token of its status link",
    description="For the writer: no names, addresses or staff. 404 for a wrong or expired token. Rate limited "
    f"({STATUS_LOOKUPS_PER_HOUR} per hour and address). Sent with Referrer-Policy: no-referrer and "
    "Cache-Control: no-store.",
)
def suggestion_status(request: HttpRequest, city_slug: str, token: str):
    if _rate_limited(request, "suggestion-status", STATUS_LOOKUPS_PER_HOUR, 3600):
        response = error(request, 429, "Too many lookups from this address; please try again later.")
    else:
        s = selectors.by_status_token(token)
        if s is None or s.city.slug != city_slug:
            response = error(request, 404, "No suggestion with this link, or the link has expired.")
        else:
            body = {
                "id": s.pk,
                "status": s.status,
                "topic": s.topic,
                "neighbourhood": neighbourhood_ref(s.neighbourhood),
                "district": district_ref(s.district),
                "created_at": s.created_at,
                "steps": [{"status": st.to_status, "at": st.created_at} for st in s.steps.all()],
                "outcome": s.outcome or None,
                "public_answer": s.public_answer or None,
            }
            response = schema_response(request, SuggestionStatusOut, body, cache_seconds=None)
    response["Cache-Control"] = "no-store"
    return secret_page(response)


@router.get(
    "/cities/{city_slug}/suggestions",
    response={200: SuggestionPublishedList, 404: ErrorOut, 422: dict},
    summary="Published suggestions with their answers (“Sie haben vorgeschlagen – das ist daraus geworden”)",
    description="Newest published first; filter by district (roman numeral) or neighbourhood (number or name).",
)
def suggestion_published(request: HttpRequest, city_slug: str, params: Query[SuggestionPublishedQuery]):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    district = inputs.district(city, params.district, "query") if params.district else None
    neighbourhood = (
        inputs.neighbourhood(city, params.neighbourhood, "query") if params.neighbourhood else None
    )
    qs = selectors.published(city, district=district, neighbourhood=neighbourhood)
    page = paginate(request, qs, params, count=qs.count())
    page["items"] = [
        {
            "id": s.pk,
            "text": s.published_text,
            "topic": s.topic,
            "neighbourhood": neighbourhood_ref(s.neighbourhood),
            "district": district_ref(s.district),
            "outcome": s.outcome or None,
            "public_answer": s.public_answer or None,
            "closed_at": s.closed_at,
            "published_at": s.published_at,
        }
        for s in page["items"]
    ]
    return schema_response(request, SuggestionPublishedList, page, cache_seconds=60)
