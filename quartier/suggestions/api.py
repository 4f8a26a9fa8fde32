"""API for suggestions: the public submission, the writer's status by secret token, the published answers, and
the coordinators' inbox (browser session with CSRF).

Decisions (see also DESIGN.md, API conventions):
- The submission body refuses unknown fields (422): a misspelt "neighborhood" would otherwise silently file a
  suggestion for the whole city. Strings are strict (no numbers as text), `consent` must be the JSON literal
  `true`, and no string may contain NUL characters. Errors of the schema are located as ninja does
  (["body", "payload", field]); errors found after it (unknown neighbourhood, the service's rules) as
  ["body", field]. The field name is always the last element of `loc`.
- Staff endpoints answer 401 without a session, 403 for signed-in people who cannot use the workspace at all,
  and otherwise apply the district scope of `selectors.inbox`: an empty list for workspace users who handle no
  suggestions, 404 for a suggestion they do not handle (whether or not it exists).
- Staff lists and step answers carry no name or e-mail; only `GET .../inbox/suggestions/{id}` shows them and
  writes the audit entry for it (`services.record_view`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import Enum
from typing import Annotated, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from ninja import Header, Query, Router, Schema
from ninja import Status as Answer
from ninja.errors import ValidationError
from ninja.security import django_auth
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator

from quartier.accounts.models import User
from quartier.accounts.permissions import can_use_workspace
from quartier.core import idempotency, listcache, ratelimit
from quartier.core.api import ErrorOut, PageParams, error, json_bytes, json_response, paginate
from quartier.core.tokens import secret_page
from quartier.places import selectors as places
from quartier.places.api import DistrictRef, NeighbourhoodRef  # one schema each across the API
from quartier.places.models import District, Neighbourhood

from . import limits, selectors, services, workflow
from .models import Suggestion

router = Router(tags=["suggestions"])
inbox_router = Router(tags=["suggestions (staff)"], auth=django_auth)
routers = [router, inbox_router]  # composed into /api/v1/ by quartier/site/api.py

STATUS_LOOKUPS_PER_HOUR = 30
STATUS_URL_NAME = "public:suggestion_status"
STATUS_PATH_FALLBACK = "/de/vorschlaege/status/{token}/"
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e][\x20-\x7e]{0,199}$"
IDEMPOTENCY_HEADER = Header(
    None,
    alias="Idempotency-Key",
    pattern=IDEMPOTENCY_KEY_PATTERN,
    description="1 to 200 printable ASCII characters",
)

Topic = Enum("Topic", {v: v for v in Suggestion.Topic.values}, type=str)
Status = Enum("Status", {v: v for v in Suggestion.Status.values}, type=str)
Outcome = Enum("Outcome", {v: v for v in Suggestion.Outcome.values}, type=str)
InboxStatus = Enum("InboxStatus", {v: v for v in ["open", *Suggestion.Status.values]}, type=str)


def _no_nul(value):
    """Refuse NUL characters and lone surrogates (JSON allows "\\ud800"): PostgreSQL cannot store either."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
    return value


# --- schemas -------------------------------------------------------------------------------------------------


class SuggestionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: StrictStr = Field(
        min_length=1, max_length=services.MAX_TEXT, description="the suggestion, 10 to 5000 characters"
    )
    neighbourhood: (
        Annotated[StrictInt, Field(ge=0, le=32767)]
        | Annotated[StrictStr, Field(min_length=1, max_length=120)]
        | None
    ) = Field(
        None,
        description="the Stadtteil: its official number, or its name (any case); null or absent: the whole city",
    )
    topic: Topic
    name: StrictStr | None = Field(None, max_length=services.MAX_NAME, description="optional")
    email: StrictStr | None = Field(None, max_length=254, description="optional, for the answer")
    consent: StrictBool = Field(description="must be true: consent to processing the suggestion")

    _nul = field_validator("text", "neighbourhood", "name", "email")(_no_nul)


class SubmittedOut(Schema):
    id: int
    status: Status
    status_url: str = Field(description="the secret link to the status page; keep it, it is shown once")


class StepOut(Schema):
    status: Status
    at: datetime


class StatusOut(Schema):
    id: int
    status: Status
    topic: Topic
    neighbourhood: NeighbourhoodRef | None
    district: DistrictRef | None
    created_at: datetime
    steps: list[StepOut]
    outcome: Outcome | None
    public_answer: str | None


class PublishedOut(Schema):
    id: int
    text: str = Field(description="the published text, written without personal data")
    topic: Topic
    neighbourhood: NeighbourhoodRef | None
    district: DistrictRef | None
    outcome: Outcome | None
    public_answer: str | None
    closed_at: datetime | None
    published_at: datetime | None


class PublishedList(Schema):
    items: list[PublishedOut]
    count: int
    next: str | None


class PublishedQuery(PageParams):
    district: str | None = Field(None, max_length=8, description="roman numeral, e.g. III")
    neighbourhood: str | None = Field(None, max_length=120, description="official number or name")

    _nul = field_validator("district", "neighbourhood")(_no_nul)


class PersonRef(Schema):
    id: int
    name: str


class StaffItemOut(Schema):
    id: int
    version: int = Field(description="send it back with every change (optimistic locking)")
    status: Status
    next_statuses: list[Status]
    topic: Topic
    text: str
    neighbourhood: NeighbourhoodRef | None
    district: DistrictRef | None
    language: str
    channel: Literal["form", "api"]
    has_contact: bool = Field(description="name or e-mail given; shown only in the single item")
    assigned_to: PersonRef | None
    outcome: Outcome | None
    public_answer: str
    is_published: bool
    published_text: str
    published_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    last_activity_at: datetime
    overdue: bool


class StaffList(Schema):
    items: list[StaffItemOut]
    count: int
    next: str | None


class StaffStepOut(Schema):
    from_status: Status | None
    to_status: Status
    outcome: Outcome | None
    actor: PersonRef | None
    forwarded_to: str
    forwarded_email: str
    message: str
    at: datetime


class NoteOut(Schema):
    id: int
    author: PersonRef | None
    text: str
    at: datetime


class StaffDetailOut(StaffItemOut):
    name: str
    email: str
    consent_at: datetime
    personal_data_removed_at: datetime | None
    steps: list[StaffStepOut]
    notes: list[NoteOut]


class InboxQuery(PageParams):
    status: InboxStatus | None = None
    district: str | None = Field(None, max_length=8, description="roman numeral, e.g. III")
    neighbourhood: str | None = Field(None, max_length=120, description="official number or name")
    topic: Topic | None = None
    older_than_days: int | None = Field(None, ge=1, le=3650)
    overdue: bool = False
    assigned: str | None = Field(
        None, pattern=r"^(me|nobody|[0-9]{1,9})$", description="me, nobody or a user id"
    )
    q: str | None = Field(None, max_length=200)

    _nul = field_validator("district", "neighbourhood", "q")(_no_nul)


VERSION = Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    to_status: Status
    version: VERSION
    outcome: Outcome | None = Field(None, description="needed for closed")
    public_answer: StrictStr | None = Field(
        None, max_length=services.MAX_TEXT, description="needed for closed"
    )
    forwarded_to: StrictStr | None = Field(None, max_length=200, description="needed for forwarded")
    forwarded_email: StrictStr | None = Field(None, max_length=254, description="needed for forwarded")
    message: StrictStr | None = Field(None, max_length=services.MAX_TEXT)

    _nul = field_validator("public_answer", "forwarded_to", "forwarded_email", "message")(_no_nul)


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user_id: Annotated[StrictInt, Field(ge=1, le=2_147_483_647)] | None = Field(description="null: nobody")
    version: VERSION


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr = Field(min_length=1, max_length=services.MAX_TEXT)

    _nul = field_validator("text")(_no_nul)


class PublishIn(Schema):
    model_config = ConfigDict(extra="forbid")
    publish: StrictBool
    published_text: StrictStr | None = Field(
        None, max_length=services.MAX_TEXT, description="needed to publish: the text without personal data"
    )
    version: VERSION

    _nul = field_validator("published_text")(_no_nul)


class ConflictOut(Schema):
    detail: str
    current_version: int


# --- helpers -------------------------------------------------------------------------------------------------


def _invalid(where: str, field: str, msg: str) -> ValidationError:
    return ValidationError([{"loc": [where, field], "msg": msg, "type": "value_error"}])


def _service_errors(exc: DjangoValidationError, rename: dict[str, str] | None = None) -> ValidationError:
    """A service's ValidationError in ninja's shape: one entry per message, located in the body."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors = []
    for field, msgs in messages.items():
        loc = ["body"] if field == "__all__" else ["body", (rename or {}).get(field, field)]
        errors += [{"loc": loc, "msg": str(m), "type": "value_error"} for m in msgs]
    return ValidationError(errors)


def _neighbourhood(city, key, where: str) -> Neighbourhood:
    found = places.neighbourhood_by_key(city, key)
    if found is None:
        raise _invalid(where, "neighbourhood", "unknown neighbourhood")
    return found


def _district(city, numeral: str, where: str) -> District:
    found = District.objects.defer("boundary").filter(city=city, number__iexact=numeral.strip()).first()
    if found is None:
        raise _invalid(where, "district", "unknown district")
    return found


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


def _ref_n(n) -> dict | None:
    return {"number": n.number, "name": n.name} if n is not None else None


def _ref_d(d) -> dict | None:
    return {"number": d.number, "name": d.name} if d is not None else None


def _person(user) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def _staff_item(s: Suggestion) -> dict:
    return {
        "id": s.pk,
        "version": s.version,
        "status": s.status,
        "next_statuses": workflow.next_statuses(s.status),
        "topic": s.topic,
        "text": s.text,
        "neighbourhood": _ref_n(s.neighbourhood),
        "district": _ref_d(s.district),
        "language": s.language,
        "channel": s.channel,
        "has_contact": s.has_personal_data,
        "assigned_to": _person(s.assigned_to),
        "outcome": s.outcome or None,
        "public_answer": s.public_answer,
        "is_published": s.is_published,
        "published_text": s.published_text,
        "published_at": s.published_at,
        "created_at": s.created_at,
        "closed_at": s.closed_at,
        "last_activity_at": s.last_activity_at,
        "overdue": s.status in workflow.OPEN and s.created_at < selectors.overdue_before(),
    }


_ROW_FIELDS = (
    "id",
    "version",
    "status",
    "topic",
    "text",
    "neighbourhood__number",
    "neighbourhood__name",
    "district__number",
    "district__name",
    "language",
    "channel",
    "name",
    "email",
    "assigned_to_id",
    "outcome",
    "public_answer",
    "is_published",
    "published_text",
    "published_at",
    "created_at",
    "closed_at",
    "last_activity_at",
)


_ENCODER = DjangoJSONEncoder()


def _iso(value: datetime | None) -> str | None:
    """A datetime as ninja writes it everywhere else (milliseconds, UTC as "Z")."""
    return _ENCODER.default(value) if value is not None else None


def _staff_rows(rows: list[dict]) -> list[dict]:
    """`_staff_item` for rows of `.values(*_ROW_FIELDS)`, serialisable as they are."""
    people = {
        u.pk: {"id": u.pk, "name": str(u)}
        for u in User.objects.filter(pk__in={r["assigned_to_id"] for r in rows if r["assigned_to_id"]})
    }
    before = selectors.overdue_before()
    return [
        {
            "id": r["id"],
            "version": r["version"],
            "status": r["status"],
            "next_statuses": workflow.next_statuses(r["status"]),
            "topic": r["topic"],
            "text": r["text"],
            "neighbourhood": {"number": r["neighbourhood__number"], "name": r["neighbourhood__name"]}
            if r["neighbourhood__name"] is not None
            else None,
            "district": {"number": r["district__number"], "name": r["district__name"]}
            if r["district__name"] is not None
            else None,
            "language": r["language"],
            "channel": r["channel"],
            "has_contact": bool(r["name"] or r["email"]),
            "assigned_to": people.get(r["assigned_to_id"]),
            "outcome": r["outcome"] or None,
            "public_answer": r["public_answer"],
            "is_published": r["is_published"],
            "published_text": r["published_text"],
            "published_at": _iso(r["published_at"]),
            "created_at": _iso(r["created_at"]),
            "closed_at": _iso(r["closed_at"]),
            "last_activity_at": _iso(r["last_activity_at"]),
            "overdue": r["status"] in workflow.OPEN and r["created_at"] < before,
        }
        for r in rows
    ]


def _staff_detail(s: Suggestion) -> dict:
    return {
        **_staff_item(s),
        "name": s.name,
        "email": s.email,
        "consent_at": s.consent_at,
        "personal_data_removed_at": s.personal_data_removed_at,
        "steps": [
            {
                "from_status": st.from_status or None,
                "to_status": st.to_status,
                "outcome": st.outcome or None,
                "actor": _person(st.actor),
                "forwarded_to": st.forwarded_to,
                "forwarded_email": st.forwarded_email,
                "message": st.message,
                "at": st.created_at,
            }
            for st in s.steps.select_related("actor")
        ],
        "notes": [
            {"id": n.pk, "author": _person(n.author), "text": n.text, "at": n.created_at}
            for n in s.notes.select_related("author")
        ],
    }


def _rate_limited(request: HttpRequest, scope: str, limit: int, window: int) -> bool:
    return ratelimit.hit(scope, ratelimit.client_identity(request), window=window) > limit


# --- public --------------------------------------------------------------------------------------------------


@router.post(
    "/cities/{city}/suggestions",
    response={200: SubmittedOut, 201: SubmittedOut, 404: ErrorOut, 409: ErrorOut, 422: dict, 429: ErrorOut},
    summary="Send a suggestion for a Stadtteil (or the whole city)",
    description="No account needed. Answers 201 with the secret `status_url` (shown once). With an "
    "`Idempotency-Key` header (1 to 200 printable ASCII characters) a repeat of the same key and body answers "
    "the first answer with 200, the same key with another body 409; keys are kept 24 hours. Unknown body fields "
    "are refused (422). Rate limited per address (429): accepted suggestions count, refused ones do not.",
)
def suggestion_submit(
    request: HttpRequest,
    city: str,
    payload: SuggestionIn,
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    c = places.city_by_slug(city)
    if c is None:
        return error(request, 404, "This city is not served here.")
    neighbourhood = (
        _neighbourhood(c, payload.neighbourhood, "body") if payload.neighbourhood is not None else None
    )
    scope = f"suggestions:{c.pk}"
    digest = idempotency.body_hash(payload.model_dump(mode="json"))
    # A retry of a submission that went through answers the first answer and is not counted again.
    found = idempotency.lookup(scope, idempotency_key) if idempotency_key else None
    if found is not None:
        try:
            return Answer(*idempotency.replay(found, digest)[:2])
        except idempotency.KeyReused:
            return error(request, 409, "This Idempotency-Key was used with another body.")
    # Only accepted suggestions count towards the limit (limits.py): a body the service refuses costs nothing.
    identity = ratelimit.client_identity(request)
    if limits.refused(identity):
        return _too_many_suggestions(request)
    with limits.place_for(identity) as place:
        if not place.granted:
            return _too_many_suggestions(request)
        language = translation.get_language_from_request(request) or settings.LANGUAGE_CODE
        if idempotency_key:
            submission_key = hashlib.sha256((idempotency_key + digest).encode()).hexdigest()[:64]
        else:
            submission_key = secrets.token_hex(16)

        def action() -> tuple[int, dict]:
            try:
                suggestion, token, created = services.suggestion_submit(
                    city=c,
                    text=payload.text,
                    topic=payload.topic.value,
                    neighbourhood=neighbourhood,
                    consent=payload.consent,
                    submission_key=submission_key,
                    status_url_for=lambda t: status_url(request, t),
                    name=payload.name or "",
                    email=payload.email or "",
                    language=language,
                    channel=Suggestion.Channel.API,
                )
            except DjangoValidationError as exc:
                raise _service_errors(exc) from exc
            if created:  # a repeat of an earlier submission keeps its place free
                place.keep()
            return 201, {
                "id": suggestion.pk,
                "status": suggestion.status,
                "status_url": status_url(request, token),
            }

        if not idempotency_key:
            return Answer(*action())
        try:
            status, answer, _replayed = idempotency.run_once(
                scope=scope, key=idempotency_key, digest=digest, action=action, looked_up=True
            )
        except idempotency.KeyReused:
            return error(request, 409, "This Idempotency-Key was used with another body.")
        return Answer(status, answer)


def _too_many_suggestions(request: HttpRequest):
    return error(request, 429, "Too many suggestions from this address; please try again later.")


@router.get(
    "/cities/{city}/suggestions/status/{token}",
    response={200: StatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="The status of one suggestion, by the secret token of its status link",
    description="For the writer: no names, addresses or staff. 404 for a wrong or expired token. Rate limited "
    f"({STATUS_LOOKUPS_PER_HOUR} per hour and address). Sent with Referrer-Policy: no-referrer and "
    "Cache-Control: no-store.",
)
def suggestion_status(request: HttpRequest, city: str, token: str):
    if _rate_limited(request, "suggestion-status", STATUS_LOOKUPS_PER_HOUR, 3600):
        response = error(request, 429, "Too many lookups from this address; please try again later.")
    else:
        s = selectors.by_status_token(token)
        if s is None or s.city.slug != city:
            response = error(request, 404, "No suggestion with this link, or the link has expired.")
        else:
            body = {
                "id": s.pk,
                "status": s.status,
                "topic": s.topic,
                "neighbourhood": _ref_n(s.neighbourhood),
                "district": _ref_d(s.district),
                "created_at": s.created_at.isoformat(),
                "steps": [{"status": st.to_status, "at": st.created_at.isoformat()} for st in s.steps.all()],
                "outcome": s.outcome or None,
                "public_answer": s.public_answer or None,
            }
            response = json_response(request, body, cache_seconds=None)
    response["Cache-Control"] = "no-store"
    return secret_page(response)


@router.get(
    "/cities/{city}/suggestions",
    response={200: PublishedList, 404: ErrorOut, 422: dict},
    summary="Published suggestions with their answers (“Sie haben vorgeschlagen – das ist daraus geworden”)",
    description="Newest published first; filter by district (roman numeral) or neighbourhood (number or name).",
)
def suggestion_published(request: HttpRequest, city: str, params: Query[PublishedQuery]):
    c = places.city_by_slug(city)
    if c is None:
        return error(request, 404, "This city is not served here.")
    district = _district(c, params.district, "query") if params.district else None
    qs = selectors.published(c, district=district)
    if params.neighbourhood:
        qs = qs.filter(neighbourhood=_neighbourhood(c, params.neighbourhood, "query"))
    page = paginate(request, qs, params, count=qs.count())
    page["items"] = [
        {
            "id": s.pk,
            "text": s.published_text,
            "topic": s.topic,
            "neighbourhood": _ref_n(s.neighbourhood),
            "district": _ref_d(s.district),
            "outcome": s.outcome or None,
            "public_answer": s.public_answer or None,
            "closed_at": s.closed_at.isoformat() if s.closed_at else None,
            "published_at": s.published_at.isoformat() if s.published_at else None,
        }
        for s in page["items"]
    ]
    return json_response(request, page, cache_seconds=60)


# --- staff (browser session with CSRF) ---------------------------------------------------------------------


def _staff_city(request: HttpRequest, city: str):
    """The city, or an error answer: 404 for an unknown city, 403 for people without the workspace."""
    c = places.city_by_slug(city)
    if c is None:
        return None, error(request, 404, "This city is not served here.")
    if not can_use_workspace(request.user, c):
        return None, error(request, 403, "You have no access to the workspace of this city.")
    return c, None


def _handled(request: HttpRequest, city: str, suggestion_id: int):
    c, refused = _staff_city(request, city)
    if refused is not None:
        return None, refused
    s = selectors.suggestion_for(request.user, c, suggestion_id) if 0 < suggestion_id < 2**31 else None
    if s is None:
        return None, error(request, 404, "No such suggestion in your districts.")
    return s, None


def _change(request: HttpRequest, s: Suggestion, write, rename: dict[str, str] | None = None):
    try:
        updated = write()
    except services.Conflict as exc:
        return Answer(
            409,
            {
                "detail": "Someone else changed this suggestion in the meantime; reload and try again.",
                "current_version": exc.current.version,
            },
        )
    except PermissionDenied:
        return error(request, 404, "No such suggestion in your districts.")
    except DjangoValidationError as exc:
        raise _service_errors(exc, rename) from exc
    fresh = selectors.suggestion_for(request.user, updated.city, updated.pk) if updated is not None else None
    if fresh is None:  # out of the caller's scope now (cannot happen with today's rules)
        return error(request, 404, "No such suggestion in your districts.")
    return Answer(200, _staff_item(fresh))


STAFF_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
CHANGE_RESPONSES = {200: StaffItemOut, **STAFF_ERRORS, 409: ConflictOut, 422: dict}


@inbox_router.get(
    "/cities/{city}/inbox/suggestions",
    response={200: StaffList, **STAFF_ERRORS, 422: dict},
    summary="The inbox: the suggestions of the districts whose work you receive",
    description="Coordinators see their districts; the fallback team what has no district and the districts "
    "without a coordinator; city and platform administrators everything. Workspace users who handle no "
    "suggestions get an empty list. Items carry no name or e-mail.",
)
def inbox_list(request: HttpRequest, response: HttpResponse, city: str, params: Query[InboxQuery]):
    c, refused = _staff_city(request, city)
    if refused is not None:
        return refused
    filters = selectors.InboxFilters(
        status=params.status.value if params.status else None,
        district=_district(c, params.district, "query").pk if params.district else None,
        neighbourhood=_neighbourhood(c, params.neighbourhood, "query").pk if params.neighbourhood else None,
        topic=params.topic.value if params.topic else None,
        older_than_days=params.older_than_days,
        overdue=params.overdue,
        assigned=params.assigned,
        q=(params.q or "").strip() or None,
    )

    def build() -> bytes:
        qs = selectors.inbox(request.user, c, filters)
        page = paginate(request, qs.values(*_ROW_FIELDS), params, count=qs.count())
        page["items"] = _staff_rows(list(page["items"]))
        # Serialised here rather than validated item by item against StaffList (the documented shape): that
        # took most of the time of a page of 100 (bench/RESULTS.md). tests/suggestions/test_api.py compares both.
        return json_bytes(page)

    # Cached per person and query like the inbox page (retired by signals.py on every change).
    parts = ("api", request.user.pk, request.get_host(), sorted(request.GET.lists()), timezone.localdate())
    body = listcache.cached_bytes(selectors.inbox_cache_scope(c.pk), parts, build)
    answer = json_response(request, body, cache_seconds=None)
    answer["Cache-Control"] = "private, no-store"
    return answer


@inbox_router.get(
    "/cities/{city}/inbox/suggestions/{suggestion_id}",
    response={200: StaffDetailOut, **STAFF_ERRORS},
    summary="One suggestion with contact data, steps and internal notes",
    description="Showing the contact data is recorded in the audit log. 404 for suggestions you do not handle.",
)
def inbox_detail(request: HttpRequest, response: HttpResponse, city: str, suggestion_id: int):
    s, refused = _handled(request, city, suggestion_id)
    if refused is not None:
        return refused
    services.record_view(request.user, s)
    response["Cache-Control"] = "private, no-store"
    return Answer(200, _staff_detail(s))


@inbox_router.post(
    "/cities/{city}/inbox/suggestions/{suggestion_id}/transition",
    response=CHANGE_RESPONSES,
    summary="Take a workflow step (in_progress, forwarded, closed, or reopen)",
    description="Closing needs `outcome` and `public_answer`; forwarding `forwarded_to` and `forwarded_email` "
    "(the recipient gets the suggestion without the writer's contact data). 409 with `current_version` when "
    "`version` is stale.",
)
def inbox_transition(request: HttpRequest, city: str, suggestion_id: int, payload: TransitionIn):
    s, refused = _handled(request, city, suggestion_id)
    if refused is not None:
        return refused
    return _change(
        request,
        s,
        lambda: services.suggestion_transition(
            actor=request.user,
            suggestion=s,
            to_status=payload.to_status.value,
            expected_version=payload.version,
            outcome=payload.outcome.value if payload.outcome else "",
            public_answer=payload.public_answer,
            forwarded_to=payload.forwarded_to or "",
            forwarded_email=payload.forwarded_email or "",
            message=payload.message or "",
        ),
    )


@inbox_router.post(
    "/cities/{city}/inbox/suggestions/{suggestion_id}/assign",
    response=CHANGE_RESPONSES,
    summary="Assign the suggestion to a person who handles it, or to nobody",
)
def inbox_assign(request: HttpRequest, city: str, suggestion_id: int, payload: AssignIn):
    s, refused = _handled(request, city, suggestion_id)
    if refused is not None:
        return refused
    assignee = None
    if payload.user_id is not None:
        assignee = User.objects.filter(pk=payload.user_id, is_active=True).first()
        if assignee is None:
            raise _invalid("body", "user_id", "unknown user")
    return _change(
        request,
        s,
        lambda: services.suggestion_assign(
            actor=request.user, suggestion=s, assignee=assignee, expected_version=payload.version
        ),
        rename={"assigned_to": "user_id"},
    )


@inbox_router.post(
    "/cities/{city}/inbox/suggestions/{suggestion_id}/notes",
    response={200: StaffItemOut, **STAFF_ERRORS, 422: dict},
    summary="Add an internal note (never shown to the writer or the public)",
    description="Notes are only added, never edited; no version needed.",
)
def inbox_note(request: HttpRequest, city: str, suggestion_id: int, payload: NoteIn):
    s, refused = _handled(request, city, suggestion_id)
    if refused is not None:
        return refused

    def write():
        services.suggestion_add_note(actor=request.user, suggestion=s, text=payload.text)
        return s

    return _change(request, s, write)


@inbox_router.post(
    "/cities/{city}/inbox/suggestions/{suggestion_id}/publish",
    response=CHANGE_RESPONSES,
    summary="Publish a closed suggestion with its answer on the district page, or take it off",
    description="Publishing needs `published_text`: the suggestion rewritten without personal data.",
)
def inbox_publish(request: HttpRequest, city: str, suggestion_id: int, payload: PublishIn):
    s, refused = _handled(request, city, suggestion_id)
    if refused is not None:
        return refused
    return _change(
        request,
        s,
        lambda: services.suggestion_publish(
            actor=request.user,
            suggestion=s,
            publish=payload.publish,
            published_text=payload.published_text or "",
            expected_version=payload.version,
        ),
    )
