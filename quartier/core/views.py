"""Health check, the favicon and error pages."""

import logging
from functools import cache as remember

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Database and cache status for the load balancer: 200 when both answer, 503 otherwise."""
    status = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        log.error("health check: database unavailable (%s)", type(exc).__name__)
        status["database"] = "error"
    try:
        cache.set("healthz", "1", timeout=10)
        if cache.get("healthz") != "1":
            raise RuntimeError("cache did not return the value")
    except Exception as exc:
        log.error("health check: cache unavailable (%s)", type(exc).__name__)
        status["cache"] = "error"
    ok = all(v == "ok" for v in status.values())
    return JsonResponse({"status": "ok" if ok else "error", **status}, status=200 if ok else 503)


@remember
def _favicon_bytes() -> bytes:
    return (settings.PACKAGE_DIR / "static" / "quartier" / "favicon.ico").read_bytes()


@require_safe
def favicon(request):
    """`/favicon.ico`, which browsers ask for on their own (pages also name `favicon.svg` in their head)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "You may not do this."}, status=403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
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
