"""From the request's words to objects, or a 422 located as ninja locates its own errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja.errors import ValidationError

from quartier.places import selectors as places
from quartier.places.models import District, Neighbourhood


def invalid(where: str, field: str, msg: str) -> ValidationError:
    return ValidationError([{"loc": [where, field], "msg": msg, "type": "value_error"}])


def service_errors(exc: DjangoValidationError, rename: dict[str, str] | None = None) -> ValidationError:
    """A service's ValidationError in ninja's shape: one entry per message, located in the body."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors = []
    for field, msgs in messages.items():
        loc = ["body"] if field == "__all__" else ["body", (rename or {}).get(field, field)]
        errors += [{"loc": loc, "msg": str(m), "type": "value_error"} for m in msgs]
    return ValidationError(errors)


def neighbourhood(city, key, where: str) -> Neighbourhood:
    found = places.neighbourhood_by_key(city, key)
    if found is None:
        raise invalid(where, "neighbourhood", "unknown neighbourhood")
    return found


def district(city, numeral: str, where: str) -> District:
    found = District.objects.defer("boundary").filter(city=city, number__iexact=numeral.strip()).first()
    if found is None:
        raise invalid(where, "district", "unknown district")
    return found
