"""Request-wide concerns: security headers, and form data that cannot be read (the city a request belongs to is
places/middleware.py)."""

import codecs
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import JsonResponse, UnreadablePostError
from django.utils.translation import gettext_lazy as _

from quartier.core.views import bad_request

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


# Django decodes form data with errors="replace": bytes that are not UTF-8 would become U+FFFD and be stored.
# Multipart fields are decoded inside Django's parser, so they are read with this codec, which refuses instead.
STRICT_UTF8 = "quartier_utf_8_strict"


def _strict_utf8_decode(data, errors="strict"):
    return codecs.utf_8_decode(data, "strict", True)


def _find_strict_utf8(name: str) -> codecs.CodecInfo | None:
    if name.replace("-", "_") != STRICT_UTF8:
        return None
    return codecs.CodecInfo(name=STRICT_UTF8, encode=codecs.utf_8_encode, decode=_strict_utf8_decode)


codecs.register(_find_strict_utf8)


class UnreadableInput(BadRequest):
    """A query string or form post that is not text in the declared encoding; `explanation` goes on the 400 page."""

    def __init__(self, part: str):
        super().__init__(f"invalid encoding in the {part}")
        self.part = part
        if part == "query":
            self.explanation = _(
                "Die Adresse enthält Zeichen, die wir nicht lesen können (sie ist nicht als UTF-8 kodiert). "
                "Bitte prüfen Sie die Adresse oder folgen Sie dem Link noch einmal."
            )
        else:
            self.explanation = _(
                "Ihre Eingaben enthalten Zeichen, die wir nicht lesen können (sie sind nicht als UTF-8 kodiert). "
                "Es wurde nichts gespeichert. Bitte geben Sie den Text erneut ein und senden Sie das Formular "
                "noch einmal."
            )


def _readable_form_data(raw: bytes, encoding: str) -> bool:
    """Whether Django would read `raw` (urlencoded) without replacing anything: the same steps, strictly."""
    try:
        text = raw.decode(encoding)
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        parse_qsl(text, keep_blank_values=True, encoding=encoding, errors="strict", max_num_fields=limit)
    except UnicodeDecodeError:
        return False
    except ValueError:  # more fields than allowed (counted before parsing): Django refuses that itself
        return True
    return True


def _is_utf8(encoding: str | None) -> bool:
    return codecs.lookup(encoding or settings.DEFAULT_CHARSET).name in {"utf-8", STRICT_UTF8}


def unreadable_part(request) -> str | None:
    """`query` or `body` when that part of the request is not valid text, else None.

    An urlencoded body is read once into `request.body` (which Django keeps and reads the form from; larger than
    DATA_UPLOAD_MAX_MEMORY_SIZE it is left to Django's own refusal). A multipart body is parsed once, as Django
    would, with the strict codec for its text fields; file contents are bytes and not decoded."""
    encoding = request.encoding or settings.DEFAULT_CHARSET
    try:
        query = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
    except UnicodeEncodeError:  # set by a test client as text, not by a WSGI server
        query = b""
    if query and not _readable_form_data(query, encoding):
        return "query"
    if request.method != "POST":
        return None
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            body = request.body
        except RequestDataTooBig:  # raised before reading; Django refuses it again where the form is read
            return None
        except UnreadablePostError:  # the client went away; the form reads as empty, as without this check
            return None
        return None if _readable_form_data(body, encoding) else "body"
    # Below /api/ a multipart body stays unparsed: the API reads raw bodies (JSON) and answers 422 itself, and a
    # body parsed here could no longer be read raw.
    if (
        request.content_type == "multipart/form-data"
        and _is_utf8(request.encoding)
        and not request.path.startswith("/api/")
    ):
        request.encoding = STRICT_UTF8  # before anything read request.POST; the parse result is kept
        try:
            request.POST  # noqa: B018 (parsing is the point)
        except UnicodeDecodeError:
            return "body"
        except UnreadablePostError:
            return None
    return None


class InvalidEncodingMiddleware:
    """Refuses a query string or form post that is not valid UTF-8 before anything reads it: a 400 page in the
    page's language, or the API's 422; Django would otherwise replace the broken bytes and store the result."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        part = unreadable_part(request)
        if part is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            error = {"loc": [part], "msg": "not valid UTF-8", "type": "unicode_invalid"}
            return JsonResponse({"detail": [error]}, status=422)
        return bad_request(request, UnreadableInput(part))
