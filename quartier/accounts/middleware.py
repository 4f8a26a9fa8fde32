"""Staff sessions end after a period of inactivity, on top of the absolute session age; what was typed into a form
when the session had ended is kept and offered again after the next login (drafts.py)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.urls import Resolver404, resolve

from . import drafts, sessions

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
