"""Login, throttling, logout, password reset by e-mail, session expiry for staff."""

import re
import time

import pytest
from django.core import mail

from tests.conftest import PASSWORD

LOGIN = "/de/konto/anmelden/"


def login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password}, HTTP_HOST="127.0.0.1")


def test_login_with_email_in_any_case_leads_to_the_workspace(client, coordinator_iii):
    r = login(client, "UHL-DEMO@example.org", PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/de/arbeitsbereich/"
    page = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1")
    assert page.status_code == 200
    assert "Stadtbezirk III" in page.content.decode()


def test_wrong_password_is_a_clear_error(client, coordinator_iii):
    r = login(client, coordinator_iii.email, "wrong")
    assert r.status_code == 200
    assert "E-Mail-Adresse oder Passwort sind nicht richtig." in r.content.decode()


def test_login_is_locked_after_repeated_failures_even_with_the_right_password(
    client, coordinator_iii, settings
):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        login(client, coordinator_iii.email, "wrong")
    r = login(client, coordinator_iii.email, PASSWORD)
    assert r.status_code == 200
    assert "Zu viele Fehlversuche" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(client, coordinator_iii, coordinator_iv, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        login(client, coordinator_iii.email, "wrong")
    assert login(client, coordinator_iv.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"username": "", "password": ""},
        {"username": "x" * 10_000, "password": "y"},
        {"username": "a@b.de", "password": "p" * 100_000},
        {"username": "' OR 1=1 --", "password": "x"},
        {"username": "<script>@x.de", "password": "x"},
    ],
)
def test_login_with_bad_input_never_fails_hard(client, essen, payload):
    r = client.post(LOGIN, payload, HTTP_HOST="127.0.0.1")
    assert r.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client, coordinator_iii):
    client.force_login(coordinator_iii)
    assert client.get("/de/konto/abmelden/", HTTP_HOST="127.0.0.1").status_code == 405
    r = client.post("/de/konto/abmelden/", HTTP_HOST="127.0.0.1", follow=True)
    assert r.redirect_chain == [("/de/", 302)]
    assert "Sie sind abgemeldet." in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, coordinator_iii):
    r = client.post("/de/konto/passwort-vergessen/", {"email": coordinator_iii.email}, HTTP_HOST="127.0.0.1")
    assert r.status_code == 302
    (message,) = mail.outbox
    assert message.to == [coordinator_iii.email]
    link = re.search(r"http://127\.0\.0\.1(/de/konto/passwort-neu/\S+/)", message.body).group(1)
    form = client.get(link, HTTP_HOST="127.0.0.1", follow=True)
    assert form.status_code == 200
    new = "ein-ganz-neues-passwort-2026"
    r = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, HTTP_HOST="127.0.0.1"
    )
    assert r.status_code == 302
    assert login(client, coordinator_iii.email, new).status_code == 302


def test_password_reset_for_unknown_address_reveals_nothing(client, essen):
    r = client.post("/de/konto/passwort-vergessen/", {"email": "niemand@example.org"}, HTTP_HOST="127.0.0.1")
    assert r.status_code == 302
    assert mail.outbox == []


def test_staff_session_ends_after_inactivity(client, coordinator_iii, settings):
    client.force_login(coordinator_iii)
    assert client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").status_code == 200
    session = client.session
    session["_last_seen"] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()
    r = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1")
    assert r.status_code == 302 and r["Location"].startswith("/de/konto/anmelden/")
    follow = client.get(r["Location"], HTTP_HOST="127.0.0.1")
    assert "nach längerer Inaktivität abgemeldet" in follow.content.decode()


def test_session_cookie_expires_with_the_browser_and_has_a_maximum_age(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True
