from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in with the e-mail address, case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email")
        if username is None or password is None or len(username) > 254 or len(password) > 4096:
            return None
        return super().authenticate(request, username=username.strip(), password=password, **kwargs)
