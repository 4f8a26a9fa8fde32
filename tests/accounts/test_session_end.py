"""Sessions that end without losing work: the warning's data and the endpoint that extends a session, and what was
typed into a form when the session had ended is kept and shown again after logging in as the same person."""

import re
import time

import pytest
from django.test import Client

from quartier.accounts import drafts, sessions
from tests.conftest import PASSWORD, make_user

from ..suggestions.conftest import submit

HOST = {"HTTP_HOST": "127.0.0.1"}
LOGIN = "/de/konto/anmelden/"
STATUS = "/de/arbeitsbereich/sitzung/"
NOTE_TEXT = "Bitte Frau Demo am Montag anrufen – <b>wichtig</b> & dringend.\nZweite Zeile."
RESTORED = "Ihre Eingaben wurden wiederhergestellt – bitte prüfen und erneut senden."


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True, **HOST)


def csrf_token(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the page has a form with a CSRF token"
    return match.group(1)


def expire(client, settings) -> None:
    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()


def log_in(client, email, password=PASSWORD, next_url=""):
    page = client.get(LOGIN + (f"?next={next_url}" if next_url else ""))
    return client.post(
        LOGIN,
        {"username": email, "password": password, "next": next_url, "csrfmiddlewaretoken": csrf_token(page)},
    )


@pytest.fixture
def suggestion(essen):
    return submit(essen, notify=False)[0]  # Altendorf, Stadtbezirk III


# --- the warning before the end ------------------------------------------------------------------------------


def test_logged_in_pages_carry_the_warning_with_the_time_left(client, coordinator_iii, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 1800
    client.force_login(coordinator_iii)
    html = client.get("/de/arbeitsbereich/", **HOST).content.decode()
    assert 'id="session-timeout"' in html and 'role="alertdialog"' in html
    remaining = int(re.search(r'data-remaining="(\d+)"', html).group(1))
    assert 1800 - 61 <= remaining <= 1800
    assert "Sitzung verlängern" in html and "quartier/session.js" in html
    assert f'action="{STATUS}"' in html  # the button is a real form: it works without JavaScript too
    assert "<dialog" in html and " open" not in re.search(r"<dialog[^>]*>", html).group(0)


def test_anonymous_pages_have_no_warning(client, essen):
    html = client.get("/de/", **HOST).content.decode()
    assert "session-timeout" not in html and "session.js" not in html


def test_status_check_does_not_count_as_activity(client, coordinator_iii, settings):
    client.force_login(coordinator_iii)
    client.get("/de/arbeitsbereich/", **HOST)
    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - 600
    session.save()
    answer = client.get(STATUS, HTTP_ACCEPT="application/json", **HOST)
    assert answer.status_code == 200 and answer["Cache-Control"].startswith("max-age=0")
    data = answer.json()
    assert data["authenticated"] is True
    assert (
        settings.STAFF_SESSION_IDLE_SECONDS - 602
        <= data["remaining"]
        <= settings.STAFF_SESSION_IDLE_SECONDS - 599
    )
    assert client.session[sessions.LAST_SEEN] <= int(time.time()) - 599  # unchanged


def test_extending_needs_csrf_and_resets_the_idle_time(coordinator_iii, settings):
    client = csrf_client()
    client.force_login(coordinator_iii)
    page = client.get("/de/arbeitsbereich/")
    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - 1700
    session.save()
    assert client.post(STATUS, HTTP_ACCEPT="application/json").status_code == 403  # no token
    answer = client.post(STATUS, {"csrfmiddlewaretoken": csrf_token(page)}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert answer.json()["remaining"] == settings.STAFF_SESSION_IDLE_SECONDS
    assert client.session[sessions.LAST_SEEN] >= int(time.time()) - 1


def test_extending_without_javascript_returns_to_the_page(client, coordinator_iii):
    client.force_login(coordinator_iii)
    back = client.post(STATUS, {"next": "/de/arbeitsbereich/vorschlaege/?q=x"}, **HOST)
    assert back.status_code == 303 and back["Location"] == "/de/arbeitsbereich/vorschlaege/?q=x"
    elsewhere = client.post(STATUS, {"next": "https://evil.example/"}, **HOST)
    assert elsewhere["Location"] == "/de/arbeitsbereich/"


def test_an_ended_session_answers_401_and_a_plain_form_goes_to_the_login(client, coordinator_iii, settings):
    client.force_login(coordinator_iii)
    client.get("/de/arbeitsbereich/", **HOST)
    expire(client, settings)
    answer = client.get(STATUS, HTTP_ACCEPT="application/json", **HOST)
    assert answer.status_code == 401 and answer.json() == {"authenticated": False, "remaining": 0}
    plain = client.post(STATUS, {"next": "/de/arbeitsbereich/"}, **HOST)
    assert plain.status_code == 302 and plain["Location"].startswith(LOGIN)
    assert drafts.SESSION_KEY not in client.session  # nothing typed there to keep


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client, coordinator_iii, method):
    client.force_login(coordinator_iii)
    assert getattr(client, method)(STATUS, **HOST).status_code == 405


# --- typed text survives the end of the session --------------------------------------------------------------


def _note_post(token, text=NOTE_TEXT, **extra):
    return {"csrfmiddlewaretoken": token, "note-text": text, "action": "note", **extra}


def test_form_sent_after_the_idle_end_is_shown_again_after_login(coordinator_iii, suggestion, settings):
    client = csrf_client()
    detail = f"/de/arbeitsbereich/vorschlaege/{suggestion.pk}/"
    assert log_in(client, coordinator_iii.email).status_code == 302
    token = csrf_token(client.get(detail))
    expire(client, settings)

    sent = client.post(detail, _note_post(token, password="geheim-123", next="/x/"))
    assert sent.status_code == 302
    assert sent["Location"].startswith(LOGIN) and "next=" in sent["Location"]
    assert "_auth_user_id" not in client.session
    kept = client.session[drafts.SESSION_KEY]
    assert kept["path"] == detail
    names = {name for name, _value in kept["fields"]}
    assert names == {"note-text", "action"}  # no CSRF token, no password, no next

    login_page = client.get(sent["Location"]).content.decode()
    assert "nach längerer Inaktivität abgemeldet" in login_page
    assert "Ihre Eingaben sind nicht verloren" in login_page

    assert log_in(client, coordinator_iii.email, next_url=detail)["Location"] == detail
    page = client.get(detail)
    html = page.content.decode()
    assert RESTORED in html
    assert page["Cache-Control"] == "no-store"
    note_form = re.search(r'<form[^>]*aria-labelledby="h-note".*?</form>', html, re.S).group(0)
    assert (
        "Bitte Frau Demo am Montag anrufen – &lt;b&gt;wichtig&lt;/b&gt; &amp; dringend.\nZweite Zeile."
        in note_form
    )
    assert html.index(RESTORED) < html.index('aria-labelledby="h-note"')  # the notice stands above that form
    assert "<b>wichtig</b>" not in html
    # never sent on its own: no note was stored, and the offer is made once
    assert suggestion.notes.count() == 0
    assert drafts.SESSION_KEY not in client.session
    assert RESTORED not in client.get(detail).content.decode()


def test_kept_input_is_never_shown_to_someone_else(coordinator_iii, essen, suggestion, settings):
    other = make_user("zweite-demo@example.org", roles=[("coordinator", None)], city=essen)
    client = csrf_client()
    detail = f"/de/arbeitsbereich/vorschlaege/{suggestion.pk}/"
    log_in(client, coordinator_iii.email)
    token = csrf_token(client.get(detail))
    expire(client, settings)
    client.post(detail, _note_post(token))
    assert drafts.SESSION_KEY in client.session

    log_in(client, other.email, next_url=detail)
    html = client.get(detail).content.decode()
    assert "Bitte Frau Demo" not in html and RESTORED not in html
    assert drafts.SESSION_KEY not in client.session  # dropped, not kept for later


def test_a_post_without_session_meets_the_login_and_is_kept_by_the_owner_cookie(coordinator_iii, suggestion):
    """The session is gone entirely (absolute age, a server that forgot it): the owner cookie says whose it is."""
    client = csrf_client()
    detail = f"/de/arbeitsbereich/vorschlaege/{suggestion.pk}/"
    log_in(client, coordinator_iii.email)
    page = client.get(detail)
    assert client.cookies[drafts.OWNER_COOKIE].value == drafts.owner_mark(coordinator_iii)
    assert client.cookies[drafts.OWNER_COOKIE]["httponly"]
    client.session.flush()
    client.cookies.pop("sessionid")
    sent = client.post(detail, _note_post(csrf_token(page)))
    assert sent.status_code == 302 and sent["Location"].startswith(LOGIN)
    log_in(client, coordinator_iii.email, next_url=detail)
    assert "Bitte Frau Demo" in client.get(detail).content.decode()


def test_without_an_owner_nothing_is_kept(essen, suggestion):
    client = csrf_client()
    page = client.get(LOGIN)
    sent = client.post(f"/de/arbeitsbereich/vorschlaege/{suggestion.pk}/", _note_post(csrf_token(page)))
    assert sent.status_code == 302
    assert drafts.SESSION_KEY not in client.session


def test_a_forged_post_is_not_kept(coordinator_iii, suggestion, settings):
    client = csrf_client()
    detail = f"/de/arbeitsbereich/vorschlaege/{suggestion.pk}/"
    log_in(client, coordinator_iii.email)
    client.get(detail)
    expire(client, settings)
    assert client.post(detail, _note_post("forged" * 10)).status_code == 403
    assert drafts.SESSION_KEY not in client.session


def test_oversized_input_is_not_kept(coordinator_iii, suggestion, settings):
    client = csrf_client()
    detail = f"/de/arbeitsbereich/vorschlaege/{suggestion.pk}/"
    log_in(client, coordinator_iii.email)
    token = csrf_token(client.get(detail))
    expire(client, settings)
    sent = client.post(detail, _note_post(token, text="x" * (drafts.MAX_BYTES + 1)))
    assert sent.status_code == 302 and sent["Location"].startswith(LOGIN)
    assert drafts.SESSION_KEY not in client.session


def test_kept_input_expires(coordinator_iii, suggestion, settings, monkeypatch):
    client = csrf_client()
    detail = f"/de/arbeitsbereich/vorschlaege/{suggestion.pk}/"
    log_in(client, coordinator_iii.email)
    token = csrf_token(client.get(detail))
    expire(client, settings)
    client.post(detail, _note_post(token))
    later = time.time() + drafts.KEEP_SECONDS + 10
    monkeypatch.setattr(time, "time", lambda: later)
    log_in(client, coordinator_iii.email, next_url=detail)
    assert "Bitte Frau Demo" not in client.get(detail).content.decode()


# --- filling a page's form -----------------------------------------------------------------------------------

PAGE = """<main><form method="post" action="/de/abmelden/"><button>Abmelden</button></form>
<form method="post" novalidate><input type="hidden" name="csrfmiddlewaretoken" value="neu">
<input type="hidden" name="version" value="7"><input type="text" name="title" value="alt" maxlength="80">
<input type="email" name="email"><input type="password" name="password" value="">
<textarea name="body" rows="3">
alt</textarea>
<select name="topic"><option value="a" selected>A</option><option value="b">B</option></select>
<select name="tags" multiple><option value="x">X</option><option value="y">Y</option><option value="z">Z</option></select>
<input type="checkbox" name="public" checked><input type="checkbox" name="urgent" value="yes">
<input type="radio" name="kind" value="1" checked><input type="radio" name="kind" value="2">
<button type="submit" name="action" value="save">Speichern</button></form>
<form method="post"><input type="text" name="title"><button name="action" value="other">X</button></form></main>"""


def test_fill_puts_every_kind_of_control_back_into_the_form_that_was_sent():
    fields = [
        ["version", "6"],
        ["title", 'Neu "zitiert" <x>'],
        ["email", "person-demo@example.org"],
        ["password", "never"],
        ["body", "Zeile 1\nZeile 2 </textarea><script>"],
        ["topic", "b"],
        ["tags", "x"],
        ["tags", "z"],
        ["urgent", "yes"],
        ["kind", "2"],
        ["action", "save"],
    ]
    out = drafts.fill(PAGE, "/de/seite/", fields, "<p>HINWEIS</p>")
    assert out.count("HINWEIS") == 1 and out.index("HINWEIS") < out.index('name="version"')
    sent_form = out[out.index("HINWEIS") : out.index('value="save"')]
    assert 'name="version" value="6"' in sent_form
    assert 'name="csrfmiddlewaretoken" value="neu"' in sent_form  # the fresh token stays
    assert 'value="Neu &quot;zitiert&quot; &lt;x&gt;"' in sent_form and 'value="alt"' not in sent_form
    assert 'name="email" value="person-demo@example.org"' in sent_form
    assert "never" not in out
    assert "Zeile 1\nZeile 2 &lt;/textarea&gt;&lt;script&gt;</textarea>" in sent_form
    assert '<option value="a">A</option><option value="b" selected>B</option>' in sent_form
    assert (
        '<option value="x" selected>X</option><option value="y">Y</option><option value="z" selected>' in out
    )
    assert '<input type="checkbox" name="public">' in sent_form  # it was not sent: unchecked
    assert '<input type="checkbox" name="urgent" value="yes" checked>' in sent_form
    assert '<input type="radio" name="kind" value="1">' in sent_form
    assert '<input type="radio" name="kind" value="2" checked>' in sent_form
    last_form = out[out.rindex("<form") :]
    assert 'name="title">' in last_form  # the other form on the page is left alone


def test_fill_finds_nothing_when_no_form_posts_to_the_page():
    assert drafts.fill(PAGE, "/de/seite/", [["unbekannt", "x"]], "HINWEIS") is None
    page = '<form method="get"><input name="q"></form><form method="post" action="/anders/"><input name="q"></form>'
    assert drafts.fill(page, "/de/seite/", [["q", "x"]], "HINWEIS") is None
    assert drafts.fill(page, "/anders/", [["q", "x"]], "HINWEIS") is not None


@pytest.mark.parametrize("fields", [[], [["a"]], [[1, 2]], "kaputt", [["title", None]]])
def test_fill_ignores_malformed_kept_fields(fields):
    out = drafts.fill(PAGE, "/de/seite/", fields if isinstance(fields, list) else [], "HINWEIS")
    assert out is None
