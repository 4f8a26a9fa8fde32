"""The city a request belongs to, found by host name."""

from django.http import Http404
from django.utils.translation import gettext as _

from quartier.places.selectors import city_for_host


def city_or_404(request):
    """The city CityMiddleware found for this request; a page of every room needs one (none: 404)."""
    city = getattr(request, "city", None)
    if city is None:
        raise Http404(_("Für diese Adresse ist keine Stadt eingerichtet."))
    return city


class CityMiddleware:
    """Attach the city this request is for, found by host name, falling back to the default city."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API names its city in the path; the health check and security.txt must not depend on city data.
        if not request.path.startswith(("/api/", "/healthz", "/static/", "/favicon.ico")) and (
            request.path != "/.well-known/security.txt"
        ):
            request.city = city_for_host(request.get_host().split(":")[0].lower())
        return self.get_response(request)
