"""Request-wide concerns: the city a request belongs to, and security headers."""

from django.conf import settings

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy that allows nothing from other hosts, and a strict permissions policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        # django-ninja's docs page ships inline scripts; it is not a page of ours.
        if not path.startswith("/api/v1/docs") and not path.startswith(f"/{settings.ADMIN_PATH}"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        return response


class CityMiddleware:
    """Attach the city this request is for, found by host name, falling back to the default city."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from quartier.places.selectors import city_for_host

        # The API names its city in the path, and the health check must not depend on city data.
        if not request.path.startswith(("/api/", "/healthz", "/static/", "/favicon.ico")):
            request.city = city_for_host(request.get_host().split(":")[0].lower())
        return self.get_response(request)
