"""`as_id`: digits that Python's `isdigit` accepts but `int` or the database refuse must not become a 500."""

import pytest

from quartier.core.text import as_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), (" 42 ", 42), ("007", 7), ("9223372036854775807", 2**63 - 1), (7, 7)],
)
def test_plain_numbers(text, expected):
    assert as_id(text) == expected


@pytest.mark.parametrize(
    "text", ["", None, "²", "٣", "१२", "7a", "-1", "1.5", "9223372036854775808", "9" * 40, "½", "7\x00"]
)
def test_everything_else_is_none(text):
    assert as_id(text) is None


def test_maximum():
    assert as_id("2147483648", maximum=2**31 - 1) is None
    assert as_id("2147483647", maximum=2**31 - 1) == 2**31 - 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cities/essen/events?neighbourhood=%C2%B2",
        "/api/v1/cities/essen/events?neighbourhood=99999999999999999999999",
        "/api/v1/cities/essen/events?programme=%C2%B2",
        "/api/v1/cities/essen/events?programme=99999999999999999999999",
        "/api/v1/cities/essen/offers?neighbourhood=%C2%B2",
        "/api/v1/cities/essen/offers?neighbourhood=99999999999999999999999",
    ],
)
def test_odd_digits_in_the_api_are_a_422_or_404_never_a_500(client, essen, path):
    assert client.get(path).status_code in {404, 422}


def test_odd_digits_in_the_inbox_search_are_no_error(client, essen, coordinator_iii):
    client.force_login(coordinator_iii)
    for q in ["²", "99999999999999999999999", "٣"]:
        response = client.get("/de/arbeitsbereich/vorschlaege/", {"q": q}, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200
