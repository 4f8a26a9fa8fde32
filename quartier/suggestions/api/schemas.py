"""The schemas of the suggestions API: what it takes and what it answers, named after the suggestion so that no
name collides with another room's in the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator

from quartier.core.api import IsoDateTime, PageParams
from quartier.places.api import DistrictRef, NeighbourhoodRef

from .. import services
from ..models import Suggestion

SuggestionTopic = Enum("SuggestionTopic", {v: v for v in Suggestion.Topic.values}, type=str)
SuggestionStatus = Enum("SuggestionStatus", {v: v for v in Suggestion.Status.values}, type=str)
SuggestionOutcome = Enum("SuggestionOutcome", {v: v for v in Suggestion.Outcome.values}, type=str)
SuggestionInboxStatus = Enum(
    "SuggestionInboxStatus", {v: v for v in ["open", *Suggestion.Status.values]}, type=str
)


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
    topic: SuggestionTopic
    name: StrictStr | None = Field(None, max_length=services.MAX_NAME, description="optional")
    email: StrictStr | None = Field(None, max_length=254, description="optional, for the answer")
    consent: StrictBool = Field(description="must be true: consent to processing the suggestion")

    _nul = field_validator("text", "neighbourhood", "name", "email")(_no_nul)


class SuggestionSubmittedOut(Schema):
    id: int
    status: SuggestionStatus
    status_url: str = Field(description="the secret link to the status page; keep it, it is shown once")


class SuggestionStepOut(Schema):
    status: SuggestionStatus
    at: IsoDateTime


class SuggestionStatusOut(Schema):
    id: int
    status: SuggestionStatus
    topic: SuggestionTopic
    neighbourhood: NeighbourhoodRef | None
    district: DistrictRef | None
    created_at: IsoDateTime
    steps: list[SuggestionStepOut]
    outcome: SuggestionOutcome | None
    public_answer: str | None


class SuggestionPublishedOut(Schema):
    id: int
    text: str = Field(description="the published text, written without personal data")
    topic: SuggestionTopic
    neighbourhood: NeighbourhoodRef | None
    district: DistrictRef | None
    outcome: SuggestionOutcome | None
    public_answer: str | None
    closed_at: IsoDateTime | None
    published_at: IsoDateTime | None


class SuggestionPublishedList(Schema):
    items: list[SuggestionPublishedOut]
    count: int
    next: str | None


class SuggestionPublishedQuery(PageParams):
    district: str | None = Field(None, max_length=8, description="roman numeral, e.g. III")
    neighbourhood: str | None = Field(None, max_length=120, description="official number or name")

    _nul = field_validator("district", "neighbourhood")(_no_nul)


class PersonRef(Schema):
    id: int
    name: str


class SuggestionStaffItemOut(Schema):
    id: int
    version: int = Field(description="send it back with every change (optimistic locking)")
    status: SuggestionStatus
    next_statuses: list[SuggestionStatus]
    topic: SuggestionTopic
    text: str
    neighbourhood: NeighbourhoodRef | None
    district: DistrictRef | None
    language: str
    channel: Literal["form", "api"]
    has_contact: bool = Field(description="name or e-mail given; shown only in the single item")
    assigned_to: PersonRef | None
    outcome: SuggestionOutcome | None
    public_answer: str
    is_published: bool
    published_text: str
    published_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    last_activity_at: datetime
    overdue: bool


class SuggestionStaffList(Schema):
    items: list[SuggestionStaffItemOut]
    count: int
    next: str | None


class SuggestionStaffStepOut(Schema):
    from_status: SuggestionStatus | None
    to_status: SuggestionStatus
    outcome: SuggestionOutcome | None
    actor: PersonRef | None
    forwarded_to: str
    forwarded_email: str
    message: str
    at: datetime


class SuggestionNoteOut(Schema):
    id: int
    author: PersonRef | None
    text: str
    at: datetime


class SuggestionStaffDetailOut(SuggestionStaffItemOut):
    name: str
    email: str
    consent_at: datetime
    personal_data_removed_at: datetime | None
    steps: list[SuggestionStaffStepOut]
    notes: list[SuggestionNoteOut]


class SuggestionInboxQuery(PageParams):
    status: SuggestionInboxStatus | None = None
    district: str | None = Field(None, max_length=8, description="roman numeral, e.g. III")
    neighbourhood: str | None = Field(None, max_length=120, description="official number or name")
    topic: SuggestionTopic | None = None
    older_than_days: int | None = Field(None, ge=1, le=3650)
    overdue: bool = False
    assigned: str | None = Field(
        None, pattern=r"^(me|nobody|[0-9]{1,9})$", description="me, nobody or a user id"
    )
    q: str | None = Field(None, max_length=200)

    _nul = field_validator("district", "neighbourhood", "q")(_no_nul)


VERSION = Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]


class SuggestionTransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    to_status: SuggestionStatus
    version: VERSION
    outcome: SuggestionOutcome | None = Field(None, description="needed for closed")
    public_answer: StrictStr | None = Field(
        None, max_length=services.MAX_TEXT, description="needed for closed"
    )
    forwarded_to: StrictStr | None = Field(None, max_length=200, description="needed for forwarded")
    forwarded_email: StrictStr | None = Field(None, max_length=254, description="needed for forwarded")
    message: StrictStr | None = Field(None, max_length=services.MAX_TEXT)

    _nul = field_validator("public_answer", "forwarded_to", "forwarded_email", "message")(_no_nul)


class SuggestionAssignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user_id: Annotated[StrictInt, Field(ge=1, le=2_147_483_647)] | None = Field(description="null: nobody")
    version: VERSION


class SuggestionNoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr = Field(min_length=1, max_length=services.MAX_TEXT)

    _nul = field_validator("text")(_no_nul)


class SuggestionPublishIn(Schema):
    model_config = ConfigDict(extra="forbid")
    publish: StrictBool
    published_text: StrictStr | None = Field(
        None, max_length=services.MAX_TEXT, description="needed to publish: the text without personal data"
    )
    version: VERSION

    _nul = field_validator("published_text")(_no_nul)


class SuggestionConflictOut(Schema):
    detail: str
    current_version: int


def neighbourhood_ref(n) -> dict | None:
    return {"number": n.number, "name": n.name} if n is not None else None


def district_ref(d) -> dict | None:
    return {"number": d.number, "name": d.name} if d is not None else None


def person_ref(user) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None
