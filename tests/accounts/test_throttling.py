"""One throttle (accounts/throttling.py) for the site login, the Django admin's login, the second factor and the
password reset: counted per account (the skeleton of the typed address, so look-alike spellings count and lock
together) and per client; the admin has no login of its own; password reset mails stop at the limit while the
page answers as always."""

import pytest
from django.core import mail

from quartier.accounts import throttling
from quartier.accounts.models import User
from tests.conftest import PASSWORD, make_user

H = {"HTTP_HOST": "127.0.0.1"}
LOGIN = "/de/konto/anmelden/"
ADMIN_LOGIN = "/verwaltung/login/"
RESET = "/de/konto/passwort-vergessen/"
REAL = "ilka@essen-mitte.de"
LOCKED = "Zu viele Fehlversuche"
LOOK_ALIKES = {
    "dotless ı in the domain": "ilka@essen-mıtte.de",
    "dotless ı in the local part": "ılka@essen-mitte.de",
    "Cyrillic і": "ilka@essen-m\u0456tte.de",
    "fullwidth ｅ": "ilka@\uff45ssen-mitte.de",
    "fullwidth ｉ in the local part": "\uff49lka@essen-mitte.de",
    "right-to-left override": "ilka@essen-mit\u202ete.de",
}


@pytest.fixture
def ilka(essen):
    return make_user(REAL, superuser=True)


def login(client, email, password=PASSWORD, *, address="127.0.0.1", **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra}, REMOTE_ADDR=address, **H)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- site login ------------------------------------------------------------------------------------------------


def test_wrong_passwords_lock_and_the_right_one_is_refused_while_locked(client, ilka, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert "nicht richtig" in login(client, REAL, "falsch").content.decode()
    r = login(client, REAL)
    assert r.status_code == 200 and LOCKED in r.content.decode()
    assert "Minuten" in r.content.decode()
    assert not logged_in(client)


def test_a_successful_login_clears_the_accounts_failures(client, ilka, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        login(client, REAL, "falsch")
    assert login(client, REAL).status_code == 302
    client.logout()
    for _ in range(2):
        login(client, REAL, "falsch")
    assert login(client, REAL).status_code == 302


@pytest.mark.parametrize("variant", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_address_does_not_log_in_even_with_the_right_password(client, ilka, variant):
    r = login(client, variant)
    assert r.status_code == 200
    assert not logged_in(client)
    assert throttling.count("login", account=REAL) == 1  # counted against the real account


def test_look_alike_failures_lock_the_real_account(client, ilka, settings):
    settings.LOGIN_MAX_FAILURES = len(LOOK_ALIKES)
    for variant in LOOK_ALIKES.values():
        login(client, variant, "falsch")
    r = login(client, REAL)
    assert LOCKED in r.content.decode()
    assert not logged_in(client)
    # ... and a locked account stays locked under every spelling
    for variant in LOOK_ALIKES.values():
        assert LOCKED in login(client, variant).content.decode()


def test_the_lock_is_per_account(client, ilka, coordinator_iv, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        login(client, REAL, "falsch")
    assert login(client, coordinator_iv.email).status_code == 302


def test_one_client_is_locked_after_failures_on_many_accounts(client, essen, settings):
    settings.LOGIN_MAX_FAILURES = 2  # per client: four times as many
    for n in range(8):
        login(client, f"opfer-{n}@example.org", "falsch", address="203.0.113.9")
    user = make_user("unberuehrt@example.org")
    r = login(client, user.email, address="203.0.113.9")
    assert LOCKED in r.content.decode() and not logged_in(client)
    assert login(client, user.email, address="198.51.100.7").status_code == 302


def test_a_client_lock_does_not_count_against_the_accounts_it_tried(client, ilka, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for n in range(8):
        login(client, f"opfer-{n}@example.org", "falsch", address="203.0.113.9")
    login(client, REAL, address="203.0.113.9")  # refused by the client lock: no guess was checked
    assert throttling.count("login", account=REAL) == 0
    assert login(client, REAL, address="198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    "username",
    [
        "x" * 100_000,
        "a\x00b@example.org",
        "ilka@essen-mitte.de\x00",
        "\u202eilka@essen-mitte.de",
        "ilka@-ungültig-.de",
        "ilka@" + "a" * 64 + ".de",
        "ilka@xn--zz.de",
        "\ufdfa" * 200 + "@example.org",
    ],
)
def test_hostile_login_input_is_an_error_and_counts(client, ilka, username, settings):
    r = login(client, username)
    assert r.status_code == 200
    assert not logged_in(client)


def test_login_with_a_list_of_usernames_is_an_error(client, ilka):
    r = client.post(LOGIN, {"username": [REAL, "x@example.org"], "password": PASSWORD}, **H)
    assert r.status_code == 200 and not logged_in(client)


# --- the Django admin's login ------------------------------------------------------------------------------------


def test_the_admin_login_never_logs_in_by_itself(client, ilka):
    for password in ["falsch"] * 30 + [PASSWORD]:
        r = client.post(ADMIN_LOGIN, {"username": REAL, "password": password}, **H)
        assert r.status_code == 302 and r["Location"].startswith(LOGIN)
    assert not logged_in(client)


def test_the_admin_login_leads_to_the_throttled_site_login_and_back(client, ilka, settings):
    settings.LOGIN_MAX_FAILURES = 5
    r = client.get("/verwaltung/", **H, follow=True)
    path, _status = r.redirect_chain[-1]
    assert path.startswith(LOGIN) and "next=" in path
    for _ in range(30):
        client.post(path, {"username": REAL, "password": "falsch"}, **H)
    r = client.post(path, {"username": REAL, "password": PASSWORD}, **H)
    assert LOCKED in r.content.decode() and not logged_in(client)
    assert throttling.count("login", account=REAL) == 5  # refused attempts do not extend the lock

    settings.LOGIN_MAX_FAILURES = 50  # as if the lock had ended
    r = client.post(path, {"username": REAL, "password": PASSWORD}, **H)
    assert r.status_code == 302 and r["Location"] == "/verwaltung/"
    assert client.get("/verwaltung/", **H).status_code == 200


# --- the throttle's interface ---------------------------------------------------------------------------------


class FakeRequest:
    def __init__(self, address="192.0.2.1"):
        self.META = {"REMOTE_ADDR": address}


def test_guard_reserves_so_parallel_guesses_cannot_pass_the_limit(db, settings):
    """Attempts still being checked count already: the sixth parallel guess is refused before any failed."""
    settings.LOGIN_MAX_FAILURES = 5
    for n in range(5):
        throttling.guard("login", request=FakeRequest(f"192.0.2.{n}"), account=REAL)
    with pytest.raises(throttling.Throttled) as refused:
        throttling.guard("login", request=FakeRequest("192.0.2.99"), account=REAL)
    assert refused.value.minutes == settings.LOGIN_LOCKOUT_SECONDS // 60


def test_failed_after_guard_counts_once_and_succeeded_gives_the_client_back(db, settings):
    request = FakeRequest()
    throttling.guard("login", request=request, account=REAL)
    throttling.failed("login", request=request, account=REAL)
    assert throttling.count("login", account=REAL) == 1
    request = FakeRequest()
    throttling.guard("login", request=request, account="ILKA@essen-mitte.de")
    throttling.succeeded("login", request=request, account=REAL)
    assert throttling.count("login", account=REAL) == 0
    from quartier.core import ratelimit

    assert ratelimit.count("throttle:login:client", "192.0.2.1") == 1  # the failure, not the success


def test_failed_without_guard_still_counts(db):
    throttling.failed("second-factor", request=FakeRequest(), account="user:7")
    throttling.failed("second-factor", request=None, account="user:7")
    assert throttling.count("second-factor", account="user:7") == 2
    assert throttling.count("login", account="user:7") == 0  # kinds are counted apart


def test_second_factor_uses_the_login_limits(db, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        throttling.failed("second-factor", request=FakeRequest(), account="user:7")
    with pytest.raises(throttling.Throttled):
        throttling.guard("second-factor", request=FakeRequest("192.0.2.50"), account="user:7")


def test_an_unknown_kind_is_a_programming_error(db):
    with pytest.raises(ValueError):
        throttling.guard("logn", request=FakeRequest(), account=REAL)


# --- password reset ---------------------------------------------------------------------------------------------


def reset(client, email, *, address="127.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address, **H)


def test_26_reset_requests_send_at_most_the_limit(client, ilka, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for _ in range(26):
        r = reset(client, REAL)
        assert r.status_code == 302 and r["Location"] == "/de/konto/passwort-vergessen/gesendet/"
    assert len(mail.outbox) == 3
    assert all(message.to == [REAL] for message in mail.outbox)


def test_reset_requests_from_many_clients_for_one_account_stop_at_the_limit(client, ilka, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for n in range(26):
        reset(client, REAL, address=f"198.51.100.{n}")
    assert len(mail.outbox) == 3


def test_look_alike_reset_requests_count_for_the_account_and_mail_nobody_else(client, ilka, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for variant in ["ilka@essen-mıtte.de", "ilka@essen-m\u0456tte.de", "ilka@\uff45ssen-mitte.de"]:
        assert reset(client, variant).status_code == 302
    assert mail.outbox == []  # no mail to a look-alike address, and not to the account either
    reset(client, REAL)
    assert mail.outbox == []  # the account's allowance is used up


def test_one_client_asking_for_many_addresses_stops_at_four_times_the_limit(client, essen, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    people = [make_user(f"person-{n}@example.org") for n in range(12)]
    for person in people:
        assert reset(client, person.email, address="203.0.113.9").status_code == 302
    assert len(mail.outbox) == 8
    reset(client, people[-1].email, address="198.51.100.1")
    assert len(mail.outbox) == 9


def test_over_the_limit_the_answer_is_the_same_for_known_and_unknown_addresses(client, ilka, settings):
    settings.PASSWORD_RESET_LIMIT = 1
    reset(client, REAL)
    known = reset(client, REAL)
    unknown = reset(client, "niemand@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "email",
    [
        "x" * 100_000 + "@example.org",
        "a\x00b@example.org",
        "\u202eilka@essen-mitte.de",
        "ilka@-ungültig-.de",
        "ilka@xn--zz.de",
        "",
    ],
)
def test_hostile_reset_input_never_fails_hard_and_mails_nobody(client, ilka, email):
    r = reset(client, email)
    assert r.status_code in (200, 302)
    assert mail.outbox == []


def test_reset_mails_only_active_accounts_with_a_password(client, essen):
    inactive = make_user("weg@example.org")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    invited = make_user("eingeladen@example.org")
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    reset(client, inactive.email)
    reset(client, invited.email)
    assert mail.outbox == []
