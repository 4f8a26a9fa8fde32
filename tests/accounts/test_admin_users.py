"""The Django admin's user forms: the add form asks for e-mail and password, derives the username, and answers a
duplicate e-mail address (in any case) with a form error instead of a 500; the change form checks the same."""

import pytest

from quartier.accounts.models import User
from quartier.core.models import AuditEntry
from tests.conftest import PASSWORD, make_user

H = {"HTTP_HOST": "127.0.0.1"}
ADD = "/verwaltung/accounts/user/add/"


@pytest.fixture
def admin_client(client, platform_admin):
    client.force_login(platform_admin)
    return client


def add(client, **overrides):
    data = {
        "email": "neue.person@example.org",
        "first_name": "Neue",
        "last_name": "Person",
        "usable_password": "true",
        "password1": "ein-langes-passwort-2026",
        "password2": "ein-langes-passwort-2026",
        "_save": "Sichern",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return client.post(ADD, data, **H)


def test_the_add_form_asks_for_email_and_password(admin_client):
    page = admin_client.get(ADD, **H).content.decode()
    assert 'name="email"' in page and 'name="password1"' in page
    assert 'name="username"' not in page


def test_added_user_can_log_in_with_email(admin_client, client):
    r = add(admin_client, email="  Neue.Person@Example.ORG ")
    assert r.status_code == 302
    user = User.objects.get(email="neue.person@example.org")
    assert user.username == "neue.person@example.org"
    assert AuditEntry.objects.filter(action="admin.created", target_id=str(user.pk)).exists()
    client.logout()
    r = client.post(
        "/de/konto/anmelden/",
        {"username": "neue.person@example.org", "password": "ein-langes-passwort-2026"},
        **H,
    )
    assert r.status_code == 302


def test_two_users_in_a_row_work(admin_client):
    assert add(admin_client).status_code == 302
    assert add(admin_client, email="zweite@example.org").status_code == 302
    assert User.objects.filter(email__in=["neue.person@example.org", "zweite@example.org"]).count() == 2


@pytest.mark.parametrize("email", ["neue.person@example.org", "NEUE.PERSON@example.org"])
def test_duplicate_email_is_a_form_error(admin_client, email):
    make_user("neue.person@example.org")
    r = add(admin_client, email=email)
    assert r.status_code == 200
    assert "Für diese E-Mail-Adresse gibt es bereits ein Konto." in r.content.decode()
    assert User.objects.filter(email__iexact="neue.person@example.org").count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": ""},
        {"email": "keine-adresse"},
        {"email": "x" * 300 + "@example.org"},
        {"password2": "anders"},
    ],
)
def test_bad_input_is_a_form_error(admin_client, overrides):
    r = add(admin_client, **overrides)
    assert r.status_code == 200 and "errornote" in r.content.decode()
    assert not User.objects.filter(first_name="Neue").exists()


def test_a_username_taken_by_someone_else_gets_a_suffix(admin_client):
    other = make_user("anders@example.org")
    User.objects.filter(pk=other.pk).update(username="neue.person@example.org")
    assert add(admin_client).status_code == 302
    assert User.objects.get(email="neue.person@example.org").username == "neue.person@example.org-2"


def test_the_change_form_refuses_a_duplicate_email(admin_client, coordinator_iii, coordinator_iv):
    url = f"/verwaltung/accounts/user/{coordinator_iv.pk}/change/"
    page = admin_client.get(url, **H)
    assert page.status_code == 200
    r = admin_client.post(
        url,
        {
            "username": coordinator_iv.username,
            "email": coordinator_iii.email.upper(),
            "work_mail": "immediate",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
        **H,
    )
    assert r.status_code == 200
    assert "Für diese E-Mail-Adresse gibt es bereits ein Konto." in r.content.decode()
    coordinator_iv.refresh_from_db()
    assert coordinator_iv.email == "iv-demo@example.org"
    assert coordinator_iv.check_password(PASSWORD)
