"""Health check, the favicon and error pages."""

import logging
import sys
import threading
import time
from datetime import UTC, timedelta
from functools import cache as remember

from django.conf import settings
from django.core.cache import cache, caches
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from quartier.core.cache import FailOpenRedisCache
from quartier.core.context_processors import site

log = logging.getLogger(__name__)


def _cache_answers() -> bool:
    backend = caches["default"]
    if isinstance(backend, FailOpenRedisCache):
        return backend.answers()  # no error ever; during an outage the breaker answers without waiting
    try:
        cache.set("healthz", "1", timeout=10)
        return cache.get("healthz") == "1"
    except Exception as exc:
        log.error("health check: cache unavailable (%s)", type(exc).__name__)
        return False


@never_cache
@require_safe
def healthz(request):
    """Database and cache status for the load balancer: 200 "ok" when both answer; 200 "degraded" when only the
    cache fails (the site works without it, docs/failure-modes.md); 503 "unavailable" when the database fails."""
    status = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        log.error("health check: database unavailable (%s)", type(exc).__name__)
        status["database"] = "error"
    if not _cache_answers():
        status["cache"] = "error"
    if status["database"] != "ok":
        return JsonResponse({"status": "unavailable", **status}, status=503)
    return JsonResponse({"status": "ok" if status["cache"] == "ok" else "degraded", **status})


@remember
def _favicon_bytes() -> bytes:
    return (settings.PACKAGE_DIR / "static" / "quartier" / "favicon.ico").read_bytes()


@require_safe
def favicon(request):
    """`/favicon.ico`, which browsers ask for on their own (pages also name `favicon.svg` in their head)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# RFC 9116 recommends an Expires less than a year ahead; the file is written at request time, so it never expires
# while the installation runs.
SECURITY_TXT_VALID_FOR = timedelta(days=180)


@require_safe
def security_txt(request):
    """`/.well-known/security.txt` (RFC 9116): whom to tell about a vulnerability of this installation.

    From settings (QUARTIER_SECURITY_CONTACT, QUARTIER_SECURITY_POLICY_URL); 404 without a contact, which the
    RFC requires. Plain text, no city needed.
    """
    if not settings.SECURITY_CONTACTS:
        return HttpResponse(
            "No security contact is configured for this installation.\n",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    expires = (timezone.now() + SECURITY_TXT_VALID_FOR).astimezone(UTC).replace(microsecond=0)
    lines = [f"Contact: {contact}" for contact in settings.SECURITY_CONTACTS]
    lines += [
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: de, en",
        f"Canonical: {request.build_absolute_uri(request.path)}",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    # An exception may say what exactly was wrong (core/middleware.py UnreadableInput); the page says it then.
    context = {"explanation": getattr(exception, "explanation", "")}
    return render(request, "errors/400.html", context, status=400)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "You may not do this."}, status=403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Django calls this inside its `except`: the exception at hand tells a database outage from a bug, also when
    # it was raised in a middleware (the session, the city lookup), where no process_exception would see it.
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exc)
    if _wants_json(request):
        return JsonResponse({"detail": "Internal error. It has been logged."}, status=500)
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:  # the page itself may depend on what just failed (e.g. the database)
        return HttpResponse(
            "<!DOCTYPE html><html lang=de><title>Fehler</title><h1>Hier ist etwas schiefgegangen.</h1>",
            status=500,
        )


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)


# The database cannot be reached, or the connection broke (Django wraps the driver's errors in these two).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# One log entry (with the traceback) per minute and process during an outage, not one per request.
_OUTAGE_LOG_EVERY = 60.0
_outage_log = {"last": 0.0, "suppressed": 0}
_outage_log_lock = threading.Lock()


def _log_database_outage(exc: BaseException | None) -> None:
    now = time.monotonic()
    with _outage_log_lock:
        if _outage_log["last"] and now - _outage_log["last"] < _OUTAGE_LOG_EVERY:
            _outage_log["suppressed"] += 1
            return
        suppressed, _outage_log["suppressed"], _outage_log["last"] = _outage_log["suppressed"], 0, now
    log.error(
        "database unavailable (%s), answering 503; %d such answers since the last entry were not logged",
        type(exc).__name__,
        suppressed,
        exc_info=exc,
    )


def database_unavailable(request, exc: BaseException | None = None):
    """503 while the database cannot be reached: JSON for the API, else a page in the request's language that
    needs neither the database nor the session. Services are atomic, so nothing of the request was stored."""
    _log_database_outage(exc)
    if _wants_json(request):
        response = JsonResponse(
            {"detail": "The service is temporarily unavailable (database). Please try again later."},
            status=503,
        )
    else:
        # Rendered without the request's context processors: they would read the user, the session and the
        # messages from the database. No city either (that is a database read too).
        context = {**site(request), "city": None, "request": request, "sent_a_form": request.method == "POST"}
        try:
            response = HttpResponse(render_to_string("errors/503.html", context), status=503)
        except Exception:
            log.exception("the 503 page could not be rendered")
            response = HttpResponse(
                "<!DOCTYPE html><html lang=de><title>Vorübergehend nicht erreichbar</title>"
                "<h1>Die Seite ist vorübergehend nicht erreichbar.</h1>",
                status=503,
            )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # a proxy must not keep serving the outage after it ended
    response._has_been_logged = True  # Django's own log line would repeat the traceback for every request
    return response
