"""Staff sessions end after a period of inactivity, on top of the absolute session age."""

import time

from django.conf import settings
from django.contrib.auth import logout

_KEY = "_last_seen"


class StaffSessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
                request.session["session_expired"] = True
            elif last_seen is None or now - last_seen > 60:
                request.session[_KEY] = now
        return self.get_response(request)
