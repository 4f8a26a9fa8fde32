"""The versioned API: /api/v1/, one router per app, OpenAPI at /api/v1/openapi.json."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError

from quartier.events.api import router as events_router
from quartier.places.api import router as places_router

api = NinjaAPI(
    title="Quartier API",
    version="1",
    description="Public data of district-based integration work: districts, neighbourhoods, contacts, lookup.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(request, {"detail": exc.errors}, status=422)


api.add_router("/", places_router)
api.add_router("/", events_router)
