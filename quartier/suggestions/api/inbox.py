"""The coordinators' suggestion inbox in the API (browser session with CSRF).

Staff endpoints answer 401 without a session, 403 for signed-in people who cannot use the workspace at all, and
otherwise apply the district scope of `selectors.inbox`: an empty list for workspace users who handle no
suggestions, 404 for a suggestion they do not handle (whether or not it exists). Lists and step answers carry no
name or e-mail; only `GET .../inbox/suggestions/{id}` shows them and writes the audit entry for it
(`services.suggestion_view_record`).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja import Status as Answer
from ninja.security import django_auth

from quartier.accounts.models import User
from quartier.accounts.permissions import can_use_workspace
from quartier.core import listcache
from quartier.core.api import ErrorOut, error, json_bytes, json_response, paginate
from quartier.places import selectors as places

from .. import selectors, services, workflow
from ..models import Suggestion
from . import inputs
from .schemas import (
    SuggestionAssignIn,
    SuggestionConflictOut,
    SuggestionInboxQuery,
    SuggestionNoteIn,
    SuggestionPublishIn,
    SuggestionStaffDetailOut,
    SuggestionStaffItemOut,
    SuggestionStaffList,
    SuggestionTransitionIn,
    district_ref,
    neighbourhood_ref,
    person_ref,
)

inbox_router = Router(tags=["suggestions (staff)"], auth=django_auth)


def _staff_item(s: Suggestion) -> dict:
    return {
        "id": s.pk,
        "version": s.version,
        "status": s.status,
        "next_statuses": workflow.next_statuses(s.status),
        "topic": s.topic,
        "text": s.text,
        "neighbourhood": neighbourhood_ref(s.neighbourhood),
        "district": district_ref(s.district),
        "language": s.language,
        "channel": s.channel,
        "has_contact": s.has_personal_data,
        "assigned_to": person_ref(s.assigned_to),
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
                "actor": person_ref(st.actor),
                "forwarded_to": st.forwarded_to,
                "forwarded_email": st.forwarded_email,
                "message": st.message,
                "at": st.created_at,
            }
            for st in s.steps.select_related("actor")
        ],
        "notes": [
            {"id": n.pk, "author": person_ref(n.author), "text": n.text, "at": n.created_at}
            for n in s.notes.select_related("author")
        ],
    }


# --- staff (browser session with CSRF) ---------------------------------------------------------------------


def _staff_city(request: HttpRequest, city_slug: str):
    """The city, or an error answer: 404 for an unknown city, 403 for people without the workspace."""
    city = places.city_by_slug(city_slug)
    if city is None:
        return None, error(request, 404, "This city is not served here.")
    if not can_use_workspace(request.user, city):
        return None, error(request, 403, "You have no access to the workspace of this city.")
    return city, None


def _handled(request: HttpRequest, city_slug: str, suggestion_id: int):
    city, refused = _staff_city(request, city_slug)
    if refused is not None:
        return None, refused
    s = selectors.suggestion_for(request.user, city, suggestion_id) if 0 < suggestion_id < 2**31 else None
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
        raise inputs.service_errors(exc, rename) from exc
    fresh = selectors.suggestion_for(request.user, updated.city, updated.pk) if updated is not None else None
    if fresh is None:  # out of the caller's scope now (cannot happen with today's rules)
        return error(request, 404, "No such suggestion in your districts.")
    return Answer(200, _staff_item(fresh))


STAFF_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
CHANGE_RESPONSES = {200: SuggestionStaffItemOut, **STAFF_ERRORS, 409: SuggestionConflictOut, 422: dict}


@inbox_router.get(
    "/cities/{city_slug}/inbox/suggestions",
    response={200: SuggestionStaffList, **STAFF_ERRORS, 422: dict},
    summary="The inbox: the suggestions of the districts whose work you receive",
    description="Coordinators see their districts; the fallback team what has no district and the districts "
    "without a coordinator; city and platform administrators everything. Workspace users who handle no "
    "suggestions get an empty list. Items carry no name or e-mail.",
)
def inbox_list(
    request: HttpRequest, response: HttpResponse, city_slug: str, params: Query[SuggestionInboxQuery]
):
    city, refused = _staff_city(request, city_slug)
    if refused is not None:
        return refused
    filters = selectors.InboxFilters(
        status=params.status.value if params.status else None,
        district=inputs.district(city, params.district, "query").pk if params.district else None,
        neighbourhood=inputs.neighbourhood(city, params.neighbourhood, "query").pk
        if params.neighbourhood
        else None,
        topic=params.topic.value if params.topic else None,
        older_than_days=params.older_than_days,
        overdue=params.overdue,
        assigned=params.assigned,
        q=(params.q or "").strip() or None,
    )

    def build() -> bytes:
        qs = selectors.inbox(request.user, city, filters)
        page = paginate(request, qs.values(*_ROW_FIELDS), params, count=qs.count())
        page["items"] = _staff_rows(list(page["items"]))
        # Serialised here rather than validated item by item against SuggestionStaffList (the documented shape): that
        # took most of the time of a page of 100 (bench/RESULTS.md). tests/suggestions/test_api.py compares both.
        return json_bytes(page)

    # Cached per person and query like the inbox page (retired by signals.py on every change).
    parts = ("api", request.user.pk, request.get_host(), sorted(request.GET.lists()), timezone.localdate())
    body = listcache.cached_bytes(selectors.inbox_cache_scope(city.pk), parts, build)
    answer = json_response(request, body, cache_seconds=None)
    answer["Cache-Control"] = "private, no-store"
    return answer


@inbox_router.get(
    "/cities/{city_slug}/inbox/suggestions/{suggestion_id}",
    response={200: SuggestionStaffDetailOut, **STAFF_ERRORS},
    summary="One suggestion with contact data, steps and internal notes",
    description="Showing the contact data is recorded in the audit log. 404 for suggestions you do not handle.",
)
def inbox_detail(request: HttpRequest, response: HttpResponse, city_slug: str, suggestion_id: int):
    s, refused = _handled(request, city_slug, suggestion_id)
    if refused is not None:
        return refused
    services.suggestion_view_record(actor=request.user, suggestion=s)
    response["Cache-Control"] = "private, no-store"
    return Answer(200, _staff_detail(s))


@inbox_router.post(
    "/cities/{city_slug}/inbox/suggestions/{suggestion_id}/transition",
    response=CHANGE_RESPONSES,
    summary="Take a workflow step (in_progress, forwarded, closed, or reopen)",
    description="Closing needs `outcome` and `public_answer`; forwarding `forwarded_to` and `forwarded_email` "
    "(the recipient gets the suggestion without the writer's contact data). 409 with `current_version` when "
    "`version` is stale.",
)
def inbox_transition(
    request: HttpRequest, city_slug: str, suggestion_id: int, payload: SuggestionTransitionIn
):
    s, refused = _handled(request, city_slug, suggestion_id)
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
    "/cities/{city_slug}/inbox/suggestions/{suggestion_id}/assign",
    response=CHANGE_RESPONSES,
    summary="Assign the suggestion to a person who handles it, or to nobody",
)
def inbox_assign(request: HttpRequest, city_slug: str, suggestion_id: int, payload: SuggestionAssignIn):
    s, refused = _handled(request, city_slug, suggestion_id)
    if refused is not None:
        return refused
    assignee = None
    if payload.user_id is not None:
        assignee = User.objects.filter(pk=payload.user_id, is_active=True).first()
        if assignee is None:
            raise inputs.invalid("body", "user_id", "unknown user")
    return _change(
        request,
        s,
        lambda: services.suggestion_assign(
            actor=request.user, suggestion=s, assignee=assignee, expected_version=payload.version
        ),
        rename={"assigned_to": "user_id"},
    )


@inbox_router.post(
    "/cities/{city_slug}/inbox/suggestions/{suggestion_id}/notes",
    response={200: SuggestionStaffItemOut, **STAFF_ERRORS, 422: dict},
    summary="Add an internal note (never shown to the writer or the public)",
    description="Notes are only added, never edited; no version needed.",
)
def inbox_note(request: HttpRequest, city_slug: str, suggestion_id: int, payload: SuggestionNoteIn):
    s, refused = _handled(request, city_slug, suggestion_id)
    if refused is not None:
        return refused

    def write():
        services.suggestion_add_note(actor=request.user, suggestion=s, text=payload.text)
        return s

    return _change(request, s, write)


@inbox_router.post(
    "/cities/{city_slug}/inbox/suggestions/{suggestion_id}/publish",
    response=CHANGE_RESPONSES,
    summary="Publish a closed suggestion with its answer on the district page, or take it off",
    description="Publishing needs `published_text`: the suggestion rewritten without personal data.",
)
def inbox_publish(request: HttpRequest, city_slug: str, suggestion_id: int, payload: SuggestionPublishIn):
    s, refused = _handled(request, city_slug, suggestion_id)
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
