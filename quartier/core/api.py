"""Shared API helpers: the list envelope, pagination, conditional responses and error shapes."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

CACHE_SECONDS = 300


# A moment written with Python's isoformat (microseconds, the offset it carries) where an endpoint always wrote it
# so; ninja writes `datetime` fields with milliseconds and UTC as "Z".
IsoDateTime = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class ErrorOut(Schema):
    detail: str


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(100, ge=1, le=100)


def json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def schema_bytes(schema: type[Schema], payload: Any) -> bytes:
    """`payload` validated by an endpoint's declared response schema and serialised from it (compact UTF-8 JSON),
    so the answer is exactly what the OpenAPI document says. Endpoints give these bytes to json_response."""
    return json_bytes(schema.model_validate(payload).model_dump(mode="json", by_alias=True))


def media_type(status: int, content_type: str, schema: type[Schema]) -> dict:
    """`openapi_extra` for an answer through `schema` sent as another JSON media type than application/json
    (GeoJSON): the API's OpenAPI document then names only that media type for the status."""
    ref = {"$ref": f"#/components/schemas/{schema.__name__}"}
    return {"responses": {status: {"content": {content_type: {"schema": ref}}}}}


def json_response(
    request: HttpRequest,
    payload: Any,
    *,
    status: int = 200,
    content_type: str = "application/json",
    cache_seconds: int | None = CACHE_SECONDS,
) -> HttpResponse:
    """Serialise once, add a strong ETag and Cache-Control, and answer 304 when the client has it already."""
    body = payload if isinstance(payload, bytes) else json_bytes(payload)
    if status != 200 or cache_seconds is None:
        return HttpResponse(body, status=status, content_type=content_type)
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={cache_seconds}"
    response["Vary"] = "Accept-Encoding"
    return response


def schema_response(
    request: HttpRequest, schema: type[Schema], payload: Any, *, cache_seconds: int | None = CACHE_SECONDS
) -> HttpResponse:
    """An endpoint's answer through its declared response schema, with `json_response`'s ETag and caching."""
    return json_response(request, schema_bytes(schema, payload), cache_seconds=cache_seconds)


def paginate(request: HttpRequest, items, params: PageParams, *, count: int | None = None) -> dict:
    """The list envelope for one page of `items` (a list, or a queryset that is counted and sliced in SQL)."""
    count = len(items) if count is None else count
    start = (params.page - 1) * params.page_size
    page_items = items[start : start + params.page_size] if start < count else []
    next_url = None
    if start + params.page_size < count:
        query = request.GET.copy()
        query["page"] = str(params.page + 1)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"items": page_items, "count": count, "next": next_url}


def error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": detail}, ensure_ascii=False), status=status, content_type="application/json"
    )
