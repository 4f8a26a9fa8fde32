"""Staff sessions end after a period of inactivity, on top of the absolute session age; what was typed into a form
when the session had ended is kept and offered again after the next login (drafts.py)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import drafts, sessions, twofactor

# How often (seconds) activity is written to the session: not on every request.
_TOUCH_EVERY = 60


def _is_status_check(request) -> bool:
    """session.js asking how much time is left: that is not activity of the person."""
    if request.method not in ("GET", "HEAD"):
        return False
    try:
        return resolve(request.path_info).url_name == "staff_session"
    except Resolver404:
        return False


class StaffSessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        expired_owner = None
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(sessions.LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
                expired_owner = drafts.owner_mark(user)
                logout(request)
                request.session["session_expired"] = True
            else:
                if (last_seen is None or now - last_seen > _TOUCH_EVERY) and not _is_status_check(request):
                    sessions.touch(request.session)
                # For the warning before the end (templates/accounts/session_timeout.html, session.js).
                request.staff_session_remaining = sessions.remaining(request.session, now)
        response = self.get_response(request)
        drafts.after_response(request, response, expired_owner)
        return response


# What an account that still owes its second factor may reach: the step itself, the setup of an app, logging out,
# and the session's time left.
_OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:two_factor",
    "accounts:two_factor_enrol",
    "accounts:logout",
    "staff_session",
}


class SecondFactorMiddleware:
    """Until the second factor is given, an account that needs one reaches nothing but the login step: pages
    lead to the step, the API answers 403, and so does everything else (the Django admin included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not twofactor.is_verified(user)
            and not self._is_open(request)
            and twofactor.required(user)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Bitte schließen Sie zuerst die Anmeldung mit Ihrem zweiten Faktor ab.")},
                    status=403,
                )
            return HttpResponseRedirect(self._step_url(request, user))
        return self.get_response(request)

    @staticmethod
    def _step_url(request, user) -> str:
        """The code, or the setup of an app for an account that has none yet; back to this page afterwards."""
        name = "accounts:two_factor" if twofactor.has_authenticator(user) else "accounts:two_factor_enrol"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return reverse(name) + (f"?{query}" if query else "")

    @staticmethod
    def _is_open(request) -> bool:
        if request.path_info.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return True
        try:
            return resolve(request.path_info).view_name in _OPEN_BEFORE_SECOND_FACTOR
        except Resolver404:
            return False
