from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import emails
from .permissions import DELEGATED_PERMISSIONS


class EmailBackend(ModelBackend):
    """Log in with the e-mail address: the account registered under exactly its normal form (emails.normalise).

    Never a case-insensitive database match (PostgreSQL's UPPER() makes "ı" an "I"), never a look-alike; input
    that needs a compatibility mapping (fullwidth letters and the like) logs into nothing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email")
        if username is None or password is None or len(username) > 254 or len(password) > 4096:
            return None
        if "\x00" in username or not emails.is_plain(username):
            # As for an unknown address: spend the time of a password check, so timing tells nothing.
            get_user_model()().set_password(password)
            return None
        return super().authenticate(request, username=username.strip(), password=password)

    def has_perm(self, user_obj, perm, obj=None):
        """The permissions lower layers ask about a city (`obj`) are answered from the roles (DELEGATED_PERMISSIONS);
        everything else as Django's ModelBackend does."""
        predicate = DELEGATED_PERMISSIONS.get(perm)
        if predicate is not None:
            return predicate(user_obj, obj)
        return super().has_perm(user_obj, perm, obj)
