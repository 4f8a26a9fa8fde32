"""What someone typed into a form is not lost when their session ended before they sent it.

A form sent after the session ended (the idle limit, or a session that is gone) meets the login redirect. The
sent fields (never passwords, the CSRF token or files) are then kept in the new, anonymous session, size-limited
and for a limited time, together with a mark of the person they belong to. After logging in again as the *same*
person, the page of the form shows them filled in, with a notice to check and send again; it is never sent on
its own, and anyone else who logs in on that browser never sees them (the kept input is dropped).

The person is known from the ended session, or else from a small cookie (`quartier_owner`: a keyed hash of the
account, not the account itself) that logged-in pages set. Filling works on the page's HTML, so every form of the
workspace takes part without changes to its view, and it works without JavaScript.
"""

from __future__ import annotations

import html
import json
import re
import time

from django.conf import settings
from django.contrib import messages
from django.urls import Resolver404, resolve
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import format_html
from django.utils.translation import gettext as _

SESSION_KEY = "_kept_input"
OWNER_COOKIE = "quartier_owner"
MAX_BYTES = 64 * 1024
KEEP_SECONDS = 2 * 60 * 60
_NEVER_KEPT = re.compile(r"password|passwort|csrfmiddlewaretoken|^next$", re.I)
_NOT_FILLED_TYPES = {"password", "file", "submit", "button", "image", "reset"}


def owner_mark(user) -> str:
    """A keyed hash that names the account without revealing it."""
    return salted_hmac("quartier.accounts.drafts.owner", str(user.pk), algorithm="sha256").hexdigest()


# --- keeping -------------------------------------------------------------------------------------------------


def _is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303) or not response.has_header("Location"):
        return False
    path = response["Location"].split("?", 1)[0]
    if "://" in path:
        return False
    try:
        return resolve(path).view_name == "accounts:login"
    except Resolver404:
        return False


def keep(request, owner: str) -> bool:
    """Keep the fields of this POST for `owner`; False when there is nothing to keep or it is too large."""
    fields = [
        [name, value]
        for name in request.POST
        if not _NEVER_KEPT.search(name)
        for value in request.POST.getlist(name)
    ]
    if not fields:
        return False
    kept = {"path": request.path, "owner": owner, "at": int(time.time()), "fields": fields}
    if len(json.dumps(kept).encode()) > MAX_BYTES:
        request.session.pop(SESSION_KEY, None)
        return False
    request.session[SESSION_KEY] = kept
    return True


def after_response(request, response, expired_owner: str | None) -> None:
    """Keep sent fields on the way to the login page; offer kept ones again on the form's page."""
    if (
        request.method == "POST"
        and not request.path.startswith("/api/")
        and not getattr(request, "keeps_no_input", False)
        and not request.user.is_authenticated
        and _is_login_redirect(response)
    ):
        owner = expired_owner or request.COOKIES.get(OWNER_COOKIE, "")
        if owner and keep(request, owner):
            messages.info(
                request,
                _(
                    "Ihre Eingaben sind nicht verloren: Nach der Anmeldung zeigen wir Ihnen das Formular mit "
                    "Ihren Eingaben wieder an."
                ),
            )
            # The message middleware has already stored its messages for this response.
            messages.get_messages(request).update(response)
        return
    if request.user.is_authenticated:
        mark = owner_mark(request.user)
        if request.method == "GET" and SESSION_KEY in request.session:
            offer(request, response, mark)
        if not constant_time_compare(request.COOKIES.get(OWNER_COOKIE, ""), mark):
            response.set_cookie(
                OWNER_COOKIE,
                mark,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )


# --- offering again ------------------------------------------------------------------------------------------


def offer(request, response, mark: str) -> None:
    """Fill the kept fields into the form of this page, if it is the page they were sent from."""
    kept = request.session.get(SESSION_KEY)
    valid = (
        isinstance(kept, dict)
        and isinstance(kept.get("fields"), list)
        and isinstance(kept.get("owner"), str)
        and isinstance(kept.get("at"), int)
    )
    if not valid or not constant_time_compare(kept["owner"], mark) or time.time() - kept["at"] > KEEP_SECONDS:
        del request.session[SESSION_KEY]  # someone else's, or too old: never shown
        return
    if kept.get("path") != request.path:
        return
    if (
        response.status_code != 200
        or response.streaming
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return
    charset = response.charset or "utf-8"
    filled = fill(response.content.decode(charset), request.path, kept["fields"], _notice())
    del request.session[SESSION_KEY]
    if filled is None:
        return
    response.content = filled.encode(charset)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    response["Cache-Control"] = "no-store"


def _notice() -> str:
    return format_html(
        '<div class="kern-alert kern-alert--info kept-input-notice" role="status"><div class="kern-alert__body">'
        '<p class="kern-body">{}</p></div></div>',
        _("Ihre Eingaben wurden wiederhergestellt – bitte prüfen und erneut senden."),
    )


# The markup is our own templates' (Django's widgets, attribute values in double quotes); this is a small,
# careful rewrite of form controls, not a general HTML parser.
_FORM = re.compile(r"<form\b[^>]*>.*?</form\s*>", re.S | re.I)
_ATTRS = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_TEXTAREA = re.compile(r"(<textarea\b[^>]*>)(.*?)(</textarea\s*>)", re.S | re.I)
_SELECT = re.compile(r"(<select\b[^>]*>)(.*?)(</select\s*>)", re.S | re.I)
_OPTION = re.compile(r"<option\b[^>]*>", re.I)
_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_BUTTON = re.compile(r"<button\b[^>]*>", re.I)
_CONTROL = re.compile(r"<(?:input|textarea|select)\b[^>]*>", re.I)


def _attrs(tag: str) -> dict[str, str]:
    inner = re.sub(r"^<\w+|/?>$", "", tag)
    found = {}
    for match in _ATTRS.finditer(inner):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        found.setdefault(match.group(1).lower(), html.unescape(value))
    return found


def _without(tag: str, name: str) -> str:
    return re.sub(rf"""\s+{name}(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?(?=[\s/>])""", "", tag, flags=re.I)


def _with(tag: str, attribute: str) -> str:
    if tag.endswith("/>"):
        return f"{tag[:-2].rstrip()} {attribute} />"
    return f"{tag[:-1]} {attribute}>"


def _posts_to(start_tag: str, path: str) -> bool:
    attrs = _attrs(start_tag)
    if attrs.get("method", "get").lower() != "post":
        return False
    action = attrs.get("action", "").split("#", 1)[0].split("?", 1)[0]
    return action in ("", path)


def _score(form_html: str, values: dict[str, list[str]]) -> int:
    names = {_attrs(tag).get("name") for tag in _CONTROL.findall(form_html)}
    score = len(names & set(values))
    for tag in _BUTTON.findall(form_html) + _INPUT.findall(form_html):
        attrs = _attrs(tag)
        kind = attrs.get("type", "submit" if tag.lower().startswith("<button") else "text").lower()
        name = attrs.get("name")
        if kind == "submit" and name in values and attrs.get("value", "") in values[name]:
            score += 1000  # the very button that sent the form
    return score


def fill(page: str, path: str, fields: list, notice: str) -> str | None:
    """The page with the kept fields filled into the form they came from, and the notice above it."""
    values: dict[str, list[str]] = {}
    for item in fields:
        if isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
            values.setdefault(item[0], []).append(item[1])
    candidates = [
        (_score(m.group(0), values), m)
        for m in _FORM.finditer(page)
        if _posts_to(m.group(0)[: m.group(0).index(">") + 1], path)
    ]
    candidates = [c for c in candidates if c[0] > 0]
    if not candidates:
        return None
    _score_, match = max(candidates, key=lambda c: c[0])  # the first of the best
    filled = notice + _fill_form(match.group(0), values)
    return page[: match.start()] + filled + page[match.end() :]


def _fill_form(form_html: str, values: dict[str, list[str]]) -> str:
    queues = {name: list(vals) for name, vals in values.items()}

    def next_value(name: str) -> str | None:
        queue = queues.get(name)
        return queue.pop(0) if queue else None

    def textarea(m: re.Match) -> str:
        name = _attrs(m.group(1)).get("name")
        value = next_value(name) if name and not _NEVER_KEPT.search(name) else None
        if value is None:
            return m.group(0)
        # A newline right after <textarea> is dropped by the parser; keep a leading one of the value.
        return f"{m.group(1)}\n{html.escape(value, quote=False)}{m.group(3)}"

    def select(m: re.Match) -> str:
        name = _attrs(m.group(1)).get("name")
        if not name or name not in values:
            return m.group(0)
        chosen = set(values[name])

        def option(o: re.Match) -> str:
            tag = _without(o.group(0), "selected")
            return _with(tag, "selected") if _attrs(tag).get("value") in chosen else tag

        return m.group(1) + _OPTION.sub(option, m.group(2)) + m.group(3)

    def control(m: re.Match) -> str:
        tag = m.group(0)
        attrs = _attrs(tag)
        name, kind = attrs.get("name"), attrs.get("type", "text").lower()
        if not name or _NEVER_KEPT.search(name) or kind in _NOT_FILLED_TYPES:
            return tag
        if kind in ("checkbox", "radio"):
            tag = _without(tag, "checked")
            return _with(tag, "checked") if attrs.get("value", "on") in values.get(name, []) else tag
        value = next_value(name)
        if value is None:
            return tag
        return _with(_without(tag, "value"), f'value="{html.escape(value, quote=True)}"')

    form_html = _TEXTAREA.sub(textarea, form_html)
    form_html = _SELECT.sub(select, form_html)
    return _INPUT.sub(control, form_html)
