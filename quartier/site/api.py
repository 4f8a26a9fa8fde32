"""The versioned API: /api/v1/, composed of every room's routers (quartier/site/rooms.py), OpenAPI at
/api/v1/openapi.json."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from quartier.site.rooms import contributions

# The answer to any invalid parameter or body (decision 0004): ninja's shape, `detail` a list.
VALIDATION_ERROR = {
    "description": "Unprocessable Content: a parameter or the body is invalid",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["detail"],
                "properties": {
                    "detail": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["loc", "msg", "type"],
                            "properties": {
                                "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                                "msg": {"type": "string"},
                                "type": {"type": "string"},
                            },
                        },
                    }
                },
            }
        }
    },
}


def _can_be_invalid(operation: dict) -> bool:
    """A body, a query or header parameter, or a path parameter that is not free text can be sent invalid."""
    if "requestBody" in operation:
        return True
    return any(
        p.get("in") != "path" or p.get("schema", {}).get("type") != "string"
        for p in operation.get("parameters", [])
    )


def _own_media_type(answer: dict) -> None:
    """An answer documented with a media type of its own (core.api.media_type, e.g. GeoJSON) is sent only so:
    ninja's application/json next to it, merged in from the declared response schema, is dropped."""
    content = answer.get("content", {})
    if len(content) > 1:
        content.pop("application/json", None)


class QuartierAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Every operation that can be sent an invalid parameter documents its 422 (the API fuzz test found
        page_size=abc answered 422 where only 200 was documented)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if _can_be_invalid(operation):
                    operation["responses"].setdefault(422, VALIDATION_ERROR)
                for answer in operation["responses"].values():
                    _own_media_type(answer)
        return schema


api = QuartierAPI(
    title="Quartier API",
    version="1",
    description="Public data of district-based integration work: districts, neighbourhoods, contacts, lookup, "
    "events, offers and organisations, residents' suggestions, funding advice; and the coordinators' suggestion inbox (browser session with CSRF).",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """ninja's own errors as before, except a body that is not JSON: that is an invalid body, 422 (decision 0004)."""
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        errors = [{"loc": ["body"], "msg": "the body is not valid JSON", "type": "json_invalid"}]
        return api.create_response(request, {"detail": errors}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig):
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


for router in contributions("api", "routers"):
    api.add_router("/", router)
