"""The idle time of a logged-in session: how much is left, and the endpoint that reports or extends it.

Pages for logged-in users carry the time left (`request.staff_session_remaining`, set by the middleware) for
`static/quartier/session.js`, which warns two minutes before the end with a button that extends the session
(WCAG 2.2.1, timing adjustable).
"""

import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

LAST_SEEN = "_last_seen"
# How long before the end the warning appears (shortened for very short idle limits, see session.js).
WARN_BEFORE_SECONDS = 120


def remaining(session, now: int | None = None) -> int:
    """Seconds until this session ends for inactivity (the idle limit when it has no activity recorded yet)."""
    now = int(time.time()) if now is None else now
    last_seen = session.get(LAST_SEEN)
    if last_seen is None:
        return settings.STAFF_SESSION_IDLE_SECONDS
    return max(0, settings.STAFF_SESSION_IDLE_SECONDS - (now - int(last_seen)))


def touch(session) -> None:
    """Count this moment as activity (also renews the stored session's expiry)."""
    session[LAST_SEEN] = int(time.time())


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def staff_session(request):
    """GET: the seconds left (a check that does not count as activity); POST: extend the session.

    For session.js the answer is JSON (`Accept: application/json`); the form in the warning also works without
    JavaScript and then returns to the page it was sent from. URL: `staff_session`, `arbeitsbereich/sitzung/`.
    """
    request.keeps_no_input = True  # nothing typed here to keep across a login (drafts.py)
    if not request.user.is_authenticated:
        if request.method == "POST" and not _wants_json(request):
            return redirect_to_login(_next_page(request))
        return JsonResponse({"authenticated": False, "remaining": 0}, status=401)
    if request.method == "POST":
        touch(request.session)
        if not _wants_json(request):
            return HttpResponseRedirect(_next_page(request), status=303)
    return JsonResponse(
        {
            "authenticated": True,
            "remaining": remaining(request.session),
            "idle_seconds": settings.STAFF_SESSION_IDLE_SECONDS,
        }
    )


def _next_page(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workspace:home")
