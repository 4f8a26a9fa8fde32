"""The client address behind proxies: X-Forwarded-For counts only as far as trusted proxies wrote it, so a client
cannot escape a per-address limit or lock out somebody else's address by sending its own header."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings

from quartier.core import ratelimit
from quartier.core.clientaddr import client_address, limit_identity, parse_address
from quartier.suggestions.models import Suggestion
from tests.conftest import PASSWORD
from tests.suggestions.test_public_pages import FORM, post_data

NGINX = {"TRUSTED_PROXIES": ["127.0.0.1/32", "::1"], "TRUSTED_PROXY_COUNT": 0}
BALANCED = {"TRUSTED_PROXIES": ["127.0.0.1/32", "10.0.0.0/8"], "TRUSTED_PROXY_COUNT": 0}
NOTHING = {"TRUSTED_PROXIES": [], "TRUSTED_PROXY_COUNT": 0}


def address(remote: str | None, forwarded: str | None = None) -> str:
    meta = {}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    return client_address(request)


# --- no setting: the connection's address only -------------------------------------------------------------


@override_settings(**NOTHING)
def test_without_a_setting_the_header_is_ignored():
    assert address("198.51.100.7", "203.0.113.1") == "198.51.100.7"
    assert address("127.0.0.1", "203.0.113.1, 198.51.100.9") == "127.0.0.1"


@override_settings(**NOTHING)
def test_without_any_address_the_answer_is_empty_not_an_error():
    assert address(None, "203.0.113.1") == ""
    assert address("", "203.0.113.1") == ""


# --- nginx on the same host, appending $proxy_add_x_forwarded_for -------------------------------------------


@override_settings(**NGINX)
def test_nginx_the_address_nginx_saw_counts():
    assert address("127.0.0.1", "198.51.100.7") == "198.51.100.7"


@override_settings(**NGINX)
def test_nginx_spoofed_first_hops_are_ignored():
    # The client sent "X-Forwarded-For: 203.0.113.1, 192.0.2.66"; nginx appended the address it saw.
    assert address("127.0.0.1", "203.0.113.1, 192.0.2.66, 198.51.100.7") == "198.51.100.7"
    assert address("127.0.0.1", "127.0.0.1, 198.51.100.7") == "198.51.100.7"


@override_settings(**NGINX)
def test_nginx_a_client_claiming_to_be_the_proxy_does_not_get_further():
    # A client on the internet sends "X-Forwarded-For: 203.0.113.1, 127.0.0.1": the hop nginx wrote is the real
    # address, which is not trusted, so the walk ends there.
    assert address("127.0.0.1", "203.0.113.1, 127.0.0.1, 198.51.100.7") == "198.51.100.7"


@override_settings(**NGINX)
def test_nginx_without_a_header_is_the_proxy_itself():
    assert address("127.0.0.1") == "127.0.0.1"
    assert address("127.0.0.1", "") == "127.0.0.1"


@override_settings(**NGINX)
def test_an_untrusted_connection_ignores_the_header_entirely():
    # gunicorn reachable directly: whatever the client writes is not read.
    assert address("198.51.100.7", "203.0.113.1") == "198.51.100.7"
    assert address("198.51.100.7", "127.0.0.1") == "198.51.100.7"
    assert address("198.51.100.7", "garbage") == "198.51.100.7"


@override_settings(**NGINX)
def test_ipv6_clients_and_proxies_are_normalised():
    assert address("::1", "2001:DB8:0:0:0:0:0:1") == "2001:db8::1"
    assert address("::1", "::ffff:198.51.100.7") == "198.51.100.7"
    assert address("0:0:0:0:0:0:0:1", "198.51.100.7") == "198.51.100.7"
    assert address("::ffff:127.0.0.1", "198.51.100.7") == "198.51.100.7"


# --- a load balancer in front of nginx: two trusted hops ----------------------------------------------------


@override_settings(**BALANCED)
def test_load_balancer_and_nginx_the_address_the_balancer_saw_counts():
    # client -> balancer 10.0.0.5 (appends the client) -> nginx (appends 10.0.0.5) -> gunicorn on 127.0.0.1
    assert address("127.0.0.1", "198.51.100.7, 10.0.0.5") == "198.51.100.7"


@override_settings(**BALANCED)
def test_load_balancer_spoofed_hops_left_of_the_balancer_are_ignored():
    assert address("127.0.0.1", "203.0.113.1, 10.9.9.9, 198.51.100.7, 10.0.0.5") == "198.51.100.7"


@override_settings(**BALANCED)
def test_a_request_that_bypassed_the_balancer_counts_as_what_nginx_saw():
    assert address("127.0.0.1", "10.0.0.5, 198.51.100.7") == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=[], TRUSTED_PROXY_COUNT=2)
def test_count_takes_the_hop_that_many_places_from_the_right():
    assert address("10.1.2.3", "203.0.113.1, 198.51.100.7, 10.0.0.5") == "198.51.100.7"
    # never beyond the list: with fewer hops the left-most one, which a proxy wrote
    assert address("10.1.2.3", "198.51.100.7") == "198.51.100.7"
    assert address("10.1.2.3") == "10.1.2.3"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"], TRUSTED_PROXY_COUNT=2)
def test_count_with_a_list_reads_the_header_only_from_a_trusted_connection():
    assert address("127.0.0.1", "203.0.113.1, 198.51.100.7, 10.0.0.5") == "198.51.100.7"
    assert address("198.51.100.50", "203.0.113.1, 198.51.100.7, 10.0.0.5") == "198.51.100.50"


@override_settings(TRUSTED_PROXIES=["unix"], TRUSTED_PROXY_COUNT=0)
def test_a_proxy_on_a_unix_socket_can_be_trusted():
    assert address("", "203.0.113.1, 198.51.100.7") == "198.51.100.7"
    assert address("192.0.2.1", "198.51.100.7") == "192.0.2.1"


# --- garbage ------------------------------------------------------------------------------------------------


@override_settings(**NGINX)
@pytest.mark.parametrize(
    "hop",
    [
        "not-an-address",
        "example.org",
        "198.51.100.7:4711",
        "[2001:db8::1]",
        "[2001:db8::1]:443",
        "fe80::1%eth0",
        "unknown",
        "_hidden",
        "1.2.3",
        "256.1.1.1",
        "1" * 5000,
        "\x00198.51.100.7",
        "198.51.100.7\u2028",
        "٣.٣.٣.٣",
        "",
    ],
)
def test_a_malformed_hop_falls_back_to_the_last_trustworthy_address(hop):
    assert address("127.0.0.1", hop) == "127.0.0.1"
    # a malformed hop further left than the one nginx wrote is never reached
    assert address("127.0.0.1", f"{hop}, 198.51.100.7") == "198.51.100.7"


@override_settings(**BALANCED)
def test_a_malformed_hop_behind_a_trusted_one_keeps_the_trusted_one():
    assert address("127.0.0.1", "203.0.113.1, 198.51.100.7:80, 10.0.0.5") == "10.0.0.5"


@override_settings(**NGINX)
def test_an_oversized_header_is_not_split_whole():
    header = ", ".join(["10.0.0.1"] * 100_000) + ", 198.51.100.7"
    assert address("127.0.0.1", header) == "198.51.100.7"
    assert address("127.0.0.1", ",,,,,") == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["0.0.0.0/0", "::/0"], TRUSTED_PROXY_COUNT=0)
def test_even_when_everything_is_trusted_the_walk_ends_at_the_hop_limit():
    header = ", ".join(["198.51.100.1"] * 500)
    assert address("127.0.0.1", header) == "198.51.100.1"


def test_parse_address_refuses_what_no_proxy_writes():
    assert str(parse_address(" 198.51.100.7 ")) == "198.51.100.7"
    assert parse_address("fe80::1%25eth0") is None
    assert parse_address("::ffff:192.0.2.1").version == 4
    assert parse_address("1.2.3.4/32") is None


# --- IPv6 rate-limit identity -------------------------------------------------------------------------------


def test_ipv6_addresses_are_limited_per_64():
    assert limit_identity("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert limit_identity("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert limit_identity("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert limit_identity("198.51.100.7") == "198.51.100.7"
    assert limit_identity("") == ""


@override_settings(**NGINX)
def test_the_rate_limit_identity_uses_the_trusted_address():
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.1, 2001:db8:1:2::99", REMOTE_ADDR="::1"
    )
    assert ratelimit.client_identity(request) == "2001:db8:1:2::/64"


# --- settings -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["not-a-network", "10.0.0.0/33", "127.0.0.1:80"])
def test_a_wrong_trusted_proxy_setting_stops_the_start(monkeypatch, value):
    import importlib

    import quartier.settings as site_settings

    monkeypatch.setenv("QUARTIER_TRUSTED_PROXIES", value)
    with pytest.raises(ImproperlyConfigured, match="QUARTIER_TRUSTED_PROXIES"):
        importlib.reload(site_settings)
    monkeypatch.delenv("QUARTIER_TRUSTED_PROXIES")
    importlib.reload(site_settings)


def test_behind_a_proxy_the_default_trusts_the_same_host_only(monkeypatch):
    import importlib

    import quartier.settings as site_settings

    monkeypatch.setenv("QUARTIER_BEHIND_PROXY", "true")
    monkeypatch.delenv("QUARTIER_TRUSTED_PROXIES", raising=False)
    try:
        assert importlib.reload(site_settings).TRUSTED_PROXIES == ["127.0.0.1", "::1"]
        monkeypatch.setenv("QUARTIER_BEHIND_PROXY", "false")
        assert importlib.reload(site_settings).TRUSTED_PROXIES == []
    finally:
        monkeypatch.delenv("QUARTIER_BEHIND_PROXY")
        importlib.reload(site_settings)


# --- the limits themselves ----------------------------------------------------------------------------------


@override_settings(**NGINX)
def test_varying_the_first_hop_does_not_escape_the_suggestion_limit(essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    statuses = []
    for n in range(5):
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7")
        statuses.append(client.post(FORM, post_data(essen, text=f"Vorschlag Nummer {n} für den Stadtteil.")))
    assert [r.status_code for r in statuses] == [200, 200, 429, 429, 429]
    assert Suggestion.objects.count() == 2
    # somebody else behind the same proxy is not affected
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8")
    assert other.post(FORM, post_data(essen)).status_code == 200


@override_settings(**NGINX)
def test_rotating_ipv6_addresses_in_one_64_does_not_escape_the_suggestion_limit(essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    codes = [
        Client(REMOTE_ADDR="::1", HTTP_X_FORWARDED_FOR=f"2001:db8:5:6::{n:x}")
        .post(FORM, post_data(essen, text=f"Vorschlag Nummer {n} für den Stadtteil."))
        .status_code
        for n in range(1, 5)
    ]
    assert codes == [200, 200, 429, 429]


LOGIN = "/de/konto/anmelden/"


def login_from(client_ip: str, spoofed: str, email: str, password: str):
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_ip}")
    response = client.post(LOGIN, {"username": email, "password": password}, HTTP_HOST="127.0.0.1")
    return response, client


@override_settings(**NGINX)
def test_varying_the_first_hop_does_not_escape_the_login_lockout(coordinator_iii, settings):
    settings.LOGIN_MAX_FAILURES = 2  # a client is locked out after 4 * 2 failures across accounts
    for n in range(8):
        login_from("198.51.100.7", f"203.0.113.{n}", f"nobody{n}-demo@example.org", "wrong")
    response, client = login_from("198.51.100.7", "203.0.113.200", coordinator_iii.email, PASSWORD)
    assert "Zu viele Fehlversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(**NGINX)
def test_naming_somebody_elses_address_does_not_lock_them_out(coordinator_iii, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for n in range(8):
        login_from("198.51.100.7", "192.0.2.10", f"nobody{n}-demo@example.org", "wrong")
    # the victim at 192.0.2.10 logs in through the same proxy
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10")
    response = client.post(
        LOGIN, {"username": coordinator_iii.email, "password": PASSWORD}, HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 302
