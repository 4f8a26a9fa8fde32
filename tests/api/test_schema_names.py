"""Schema names are unique across the whole API: ninja names an OpenAPI component after its class, so two classes
of one name would document only one of them. Checked for the schemas and enumerations of offers and places."""

import enum
import inspect
import typing

from pydantic import BaseModel

from quartier.site.api import api


def _classes(annotation, seen: set) -> None:
    """Every pydantic model and enumeration `annotation` uses, nested ones included."""
    if inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
        seen.add(annotation)
        return
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        if annotation.__name__ not in {"NinjaResponseSchema", "QueryParams", "PathParams", "BodyParams"}:
            seen.add(annotation)
        for field in annotation.model_fields.values():
            _classes(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        _classes(argument, seen)


def _api_classes() -> set:
    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _classes(model, seen)
    return seen


def test_offers_and_places_schema_names_are_unique_in_the_api():
    classes = _api_classes()
    ours = [
        c for c in classes if c.__module__.startswith(("quartier.offers", "quartier.places", "quartier.core"))
    ]
    assert len(ours) > 20  # the walk found the offers' and places' schemas
    clashes = {
        c.__name__: sorted(f"{o.__module__}.{o.__qualname__}" for o in classes if o.__name__ == c.__name__)
        for c in ours
        if sum(o.__name__ == c.__name__ for o in classes) > 1
    }
    assert clashes == {}


def test_every_named_schema_is_a_component():
    components = set(api.get_openapi_schema()["components"]["schemas"])
    assert {"OfferList", "OfferDetail", "OfferTargetGroup", "LookupOut", "NeighbourhoodList"} <= components
