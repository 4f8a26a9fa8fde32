"""The funding API: compare an idea with what exists (stores nothing), file a request for advice, follow it by
its secret link and pick an appointment, and the programmes with their deadlines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from ninja import Router, Schema
from ninja import Status as Answer
from ninja.errors import ValidationError
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator

from quartier.core import idempotency, ratelimit
from quartier.core.api import ErrorOut, IsoDateTime, error, schema_response
from quartier.core.tokens import secret_page
from quartier.offers.models import TargetGroup
from quartier.places import selectors as places

from . import comparison, selectors, services, workflow
from .models import FundingConsultation

router = Router(tags=["funding"])
routers = [router]  # composed into /api/v1/ by quartier/site/api.py
# Schema names start with Funding: they must not collide with other rooms' in the OpenAPI document.
FundingConsultationStatus = Enum(
    "FundingConsultationStatus", {v: v for v in FundingConsultation.Status.values}, type=str
)

STATUS_LOOKUPS_PER_HOUR = 30
PlaceKey = (
    Annotated[StrictInt, Field(ge=0, le=32767)] | Annotated[StrictStr, Field(min_length=1, max_length=120)]
)


def _clean(value):
    """Refuse NUL characters and lone surrogates, which PostgreSQL cannot store."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
    if isinstance(value, list):
        for item in value:
            _clean(item)
    return value


class FundingIdeaIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: StrictStr = Field(min_length=1, max_length=services.MAX_TITLE)
    description: StrictStr = Field(min_length=1, max_length=services.MAX_TEXT)
    neighbourhoods: list[PlaceKey] = Field(
        min_length=1, max_length=services.MAX_PLACES, description="numbers or names"
    )
    target_groups: list[TargetGroup] = Field(default_factory=list, max_length=len(TargetGroup.values))

    _nul = field_validator("title", "description", "neighbourhoods")(_clean)


class FundingSimilarReasonOut(BaseModel):  # not Schema: its object getter drops extra fields
    """One reason, with what was shared (words, topics, target_groups, category or languages)."""

    model_config = ConfigDict(extra="allow")
    kind: str = Field(description="shared_words, same_topic, same_target_group, same_category, same_language")


class FundingGapOut(BaseModel):
    """A category or target group (with its name and the Stadtteile) that no listed offer serves."""

    model_config = ConfigDict(extra="allow")
    kind: str = Field(description="category or target_group")


class FundingSimilarItemOut(Schema):
    kind: str = Field(description="offer or event")
    id: int
    title: str
    url: str
    score: float
    reasons: list[FundingSimilarReasonOut]


class FundingSimilarOut(Schema):
    items: list[FundingSimilarItemOut]
    gaps: list[FundingGapOut] = Field(
        description="categories or target groups no listed offer serves in a Stadtteil"
    )


class FundingConsultationIn(FundingIdeaIn):
    period_start: date | None = None
    period_end: date | None = None
    budget: (
        Annotated[Decimal, Field(ge=0, le=services.MAX_AMOUNT, max_digits=10, decimal_places=2)] | None
    ) = None
    programmes: list[Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=20
    )
    organisation_name: StrictStr | None = Field(None, max_length=200)
    contact_name: StrictStr | None = Field(None, max_length=200)
    contact_email: StrictStr | None = Field(None, max_length=254)
    contact_phone: StrictStr | None = Field(None, max_length=40)
    consent: StrictBool

    _nul2 = field_validator("organisation_name", "contact_name", "contact_email", "contact_phone")(_clean)


class FundingConsultationSubmittedOut(Schema):
    id: int
    status: FundingConsultationStatus
    status_url: str = Field(description="the secret link to the status page; keep it")


class FundingConsultationStepOut(Schema):
    status: FundingConsultationStatus
    at: IsoDateTime


class FundingSlotOut(Schema):
    id: int
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    place: str
    chosen: bool


class FundingConsultationStatusOut(Schema):
    id: int
    title: str
    status: FundingConsultationStatus
    steps: list[FundingConsultationStepOut]
    slots: list[FundingSlotOut] = Field(
        description="the times to choose from (while times are proposed) or the chosen one"
    )
    next_steps: list[str] = Field(
        description="what the requester can do now (appointment_confirmed, withdrawn, applied)"
    )


class FundingSlotChoiceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    slot_id: Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]


class FundingProgrammeOut(Schema):
    id: int
    name: str
    provider: str
    target: str
    max_amount: str | None
    link: str
    deadlines: list[date]


class FundingProgrammeList(Schema):
    items: list[FundingProgrammeOut]
    count: int
    next: str | None


def _invalid(field: str, msg: str) -> ValidationError:
    return ValidationError([{"loc": ["body", field], "msg": msg, "type": "value_error"}])


def _places(city, keys) -> list:
    found = []
    for key in keys:
        n = places.neighbourhood_by_key(city, key)
        if n is None:
            raise _invalid("neighbourhoods", f"unknown neighbourhood: {str(key)[:120]}")
        if n not in found:
            found.append(n)
    return found


def _service_errors(exc: DjangoValidationError) -> ValidationError:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return ValidationError(
        [
            {"loc": ["body"] if name == "__all__" else ["body", name], "msg": str(m), "type": "value_error"}
            for name, msgs in messages.items()
            for m in msgs
        ]
    )


def _limited(request, scope: str, limit: int) -> bool:
    return ratelimit.hit(scope, ratelimit.client_identity(request), window=3600) > limit


def status_path(token: str) -> str:
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return reverse("public:funding_status", kwargs={"token": token})
    except NoReverseMatch:  # pragma: no cover - the public pages define it
        return f"/de/foerderberatung/status/{token}/"


@router.post(
    "/cities/{city_slug}/funding/similar",
    response={200: FundingSimilarOut, 404: ErrorOut, 422: dict, 429: ErrorOut},
    summary="What already exists like a project idea: offers and upcoming events in its Stadtteile, and gaps",
    description="Ranked best first, each with its reasons (shared words, same topic, target group, category, "
    "language). Stores nothing.",
)
def similar(request: HttpRequest, city_slug: str, payload: FundingIdeaIn):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    if _limited(request, "funding-similar", settings.FUNDING_SIMILAR_RATE_LIMIT):
        return error(request, 429, "Too many comparisons from this address; please try again later.")
    body = comparison.compare(
        city,
        title=payload.title,
        description=payload.description,
        neighbourhoods=_places(city, payload.neighbourhoods),
        target_groups=[t.value for t in payload.target_groups],
        request=request,
    )
    return schema_response(request, FundingSimilarOut, body, cache_seconds=None)


@router.post(
    "/cities/{city_slug}/funding/consultations",
    response={
        200: FundingConsultationSubmittedOut,
        201: FundingConsultationSubmittedOut,
        404: ErrorOut,
        409: ErrorOut,
        422: dict,
        429: ErrorOut,
    },
    summary="Ask for funding advice on a project idea",
    description="No account needed; an e-mail address or a telephone number is. The request goes to the "
    "coordinators of the first Stadtteil's district (or the city's fallback team). Answers 201 with the secret "
    "`status_url`. `Idempotency-Key` as for suggestions (a repeat answers 200, another body 409).",
)
def consultation_submit(
    request: HttpRequest,
    city_slug: str,
    payload: FundingConsultationIn,
    idempotency_key: str | None = idempotency.HEADER,
):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    once = idempotency.Submission(
        scope=f"funding:{city.pk}", key=idempotency_key, body=payload.model_dump(mode="json")
    )
    try:
        earlier = once.earlier()
        if earlier is not None:
            return Answer(*earlier)
        if _limited(request, "funding-request", settings.SUGGESTION_RATE_LIMIT):
            return error(request, 429, "Too many requests from this address; please try again later.")
        programmes = list(selectors.programmes_by_id(city, payload.programmes))
        if len(programmes) != len(set(payload.programmes)):
            raise _invalid("programmes", "unknown programme")
        data = services.Request(
            title=payload.title,
            description=payload.description,
            neighbourhoods=_places(city, payload.neighbourhoods),
            target_groups=[t.value for t in payload.target_groups],
            period_start=payload.period_start,
            period_end=payload.period_end,
            budget=payload.budget,
            programmes=programmes,
            organisation_name=payload.organisation_name or "",
            contact_name=payload.contact_name or "",
            contact_email=payload.contact_email or "",
            contact_phone=payload.contact_phone or "",
            consent=payload.consent,
        )

        def action() -> tuple[int, dict]:
            try:
                consultation, token, _created = services.consultation_submit(
                    city=city,
                    request=data,
                    submission_key=once.submission_key,
                    status_url_for=lambda t: request.build_absolute_uri(status_path(t)),
                    language=translation.get_language_from_request(request),
                    channel=FundingConsultation.Channel.API,
                )
            except DjangoValidationError as exc:
                raise _service_errors(exc) from exc
            return 201, {
                "id": consultation.pk,
                "status": consultation.status,
                "status_url": request.build_absolute_uri(status_path(token)),
            }

        return Answer(*once.run(action))
    except idempotency.KeyReused:
        return error(request, 409, idempotency.KEY_REUSED)


def _status_body(consultation: FundingConsultation) -> dict:
    slots = consultation.slots.filter(is_withdrawn=False)
    if consultation.status != FundingConsultation.Status.SLOTS_PROPOSED:
        slots = slots.filter(is_chosen=True)
    return {
        "id": consultation.pk,
        "title": consultation.title,
        "status": consultation.status,
        "steps": [
            {"status": s.to_status, "at": timezone.localtime(s.created_at)} for s in consultation.steps.all()
        ],
        "slots": [
            {
                "id": s.pk,
                "starts_at": timezone.localtime(s.starts_at),
                "ends_at": timezone.localtime(s.ends_at),
                "place": s.place,
                "chosen": s.is_chosen,
            }
            for s in slots
        ],
        "next_steps": workflow.next_statuses(consultation.status, workflow.REQUESTER),
    }


def _by_token(request, city_slug: str, token: str):
    if _limited(request, "funding-status", STATUS_LOOKUPS_PER_HOUR):
        return None, error(request, 429, "Too many lookups from this address; please try again later.")
    found = selectors.by_status_token(token)
    if found is None or found.city.slug != city_slug:
        return None, error(request, 404, "No consultation with this link, or the link has expired.")
    return found, None


@router.get(
    "/cities/{city_slug}/funding/consultations/status/{token}",
    response={200: FundingConsultationStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="The status of one request, by the secret token of its status link",
)
def consultation_status(request: HttpRequest, city_slug: str, token: str):
    found, refused = _by_token(request, city_slug, token)
    response = refused or schema_response(
        request, FundingConsultationStatusOut, _status_body(found), cache_seconds=None
    )
    response["Cache-Control"] = "no-store"
    return secret_page(response)


@router.post(
    "/cities/{city_slug}/funding/consultations/status/{token}/appointment",
    response={200: FundingConsultationStatusOut, 404: ErrorOut, 422: dict, 429: ErrorOut},
    summary="Pick one of the proposed times (by the secret token)",
)
def consultation_choose(request: HttpRequest, city_slug: str, token: str, payload: FundingSlotChoiceIn):
    found, refused = _by_token(request, city_slug, token)
    if refused is None:
        try:
            found = services.consultation_slot_choose(consultation=found, slot_id=payload.slot_id)
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        refused = schema_response(
            request, FundingConsultationStatusOut, _status_body(found), cache_seconds=None
        )
    refused["Cache-Control"] = "no-store"
    return secret_page(refused)


@router.get(
    "/cities/{city_slug}/funding/programmes",
    response={200: FundingProgrammeList, 404: ErrorOut},
    summary="Funding programmes with their coming deadlines",
)
def programme_list(request: HttpRequest, city_slug: str):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    today = timezone.localdate()
    items = [
        {
            "id": p.pk,
            "name": p.name,
            "provider": p.provider,
            "target": p.target,
            "max_amount": str(p.max_amount) if p.max_amount is not None else None,
            "link": p.link,
            "deadlines": [d.date for d in p.deadlines.all() if d.date >= today],
        }
        for p in selectors.programmes(city).prefetch_related("deadlines")
    ]
    page = {"items": items, "count": len(items), "next": None}
    return schema_response(request, FundingProgrammeList, page, cache_seconds=300)
