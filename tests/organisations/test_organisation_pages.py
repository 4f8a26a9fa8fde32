"""Organisation pages in the workspace, and accepting an invitation by its secret link."""

import re

import pytest
from django.core import mail

from quartier.accounts.models import Role
from quartier.organisations.models import Organisation
from quartier.places.models import District
from tests.conftest import make_user

H = {"HTTP_HOST": "127.0.0.1"}
NEW = "/de/arbeitsbereich/organisationen/neu/"


def form_data(essen, **overrides):
    data = {
        "name": "Demo-Elterncafé Altendorf",
        "kind": "initiative",
        "description": "Fiktiv (Demo).",
        "contact_name": "",
        "email": "",
        "phone": "",
        "website": "",
        "districts": [District.objects.get(city=essen, number="III").pk],
    }
    data.update(overrides)
    return data


def test_coordinator_creates_an_organisation(client, essen, coordinator_iii):
    client.force_login(coordinator_iii)
    r = client.post(NEW, form_data(essen), **H)
    assert r.status_code == 302
    org = Organisation.objects.get()
    assert r["Location"] == f"/de/arbeitsbereich/organisationen/{org.pk}/"
    assert [d.number for d in org.districts.all()] == ["III"]
    listing = client.get("/de/arbeitsbereich/organisationen/", **H).content.decode()
    assert "Demo-Elterncafé Altendorf" in listing


def test_coordinator_cannot_create_for_another_district(client, essen, coordinator_iii):
    client.force_login(coordinator_iii)
    r = client.post(NEW, form_data(essen, districts=[District.objects.get(city=essen, number="IV").pk]), **H)
    assert r.status_code == 400
    assert "nur in Ihren Stadtbezirken" in r.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"name": "x" * 201},
        {"kind": "evil"},
        {"website": "javascript:alert(1)"},
        {"email": "no-address"},
        {"districts": ["999999"]},
        {"districts": ["abc"]},
        {"description": "x" * 5001},
    ],
)
def test_invalid_input_is_a_clear_400_and_stores_nothing(client, essen, coordinator_iii, overrides):
    client.force_login(coordinator_iii)
    r = client.post(NEW, form_data(essen, **overrides), **H)
    assert r.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben." in r.content.decode()
    assert not Organisation.objects.exists()


def test_hostile_text_is_stored_as_text_and_escaped(client, essen, coordinator_iii):
    client.force_login(coordinator_iii)
    client.post(NEW, form_data(essen, name="<script>alert(1)</script> e. V."), **H)
    org = Organisation.objects.get()
    page = client.get(f"/de/arbeitsbereich/organisationen/{org.pk}/", **H).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_invite_from_the_page_and_accept_by_link(client, essen, coordinator_iii):
    client.force_login(coordinator_iii)
    client.post(NEW, form_data(essen), **H)
    org = Organisation.objects.get()
    url = f"/de/arbeitsbereich/organisationen/{org.pk}/"
    # Coordinators manage the organisation's data, but who belongs to it is for the city administration.
    r = client.post(url, {"action": "invite", "email": "vorstand@example.org", "role": "member"}, **H)
    assert r.status_code == 403 and mail.outbox == []
    client.force_login(make_user("admin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen))
    r = client.post(url, {"action": "invite", "email": "vorstand@example.org", "role": "member"}, **H)
    assert r.status_code == 302
    link = re.search(r"http://127\.0\.0\.1(/de/einladung/[\w-]+/)", mail.outbox[0].body).group(1)
    client.logout()
    page = client.get(link, **H)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer" and "noindex" in page["X-Robots-Tag"]
    assert "vorstand@example.org" in page.content.decode()
    bad = client.post(
        link, {"first_name": "Erika", "last_name": "Demo", "password1": "kurz", "password2": "kurz"}, **H
    )
    assert bad.status_code == 400
    mismatch = client.post(
        link,
        {
            "first_name": "E",
            "last_name": "D",
            "password1": "ein-langes-passwort-1",
            "password2": "ein-anderes-passwort-2",
        },
        **H,
    )
    assert "stimmen nicht überein" in mismatch.content.decode()
    ok = client.post(
        link,
        {
            "first_name": "Erika",
            "last_name": "Demo",
            "password1": "ein-langes-passwort-1",
            "password2": "ein-langes-passwort-1",
        },
        **H,
    )
    assert ok.status_code == 302 and ok["Location"] == "/de/konto/anmelden/"
    assert client.get(link, **H).status_code == 404  # used up
    assert client.login(username="vorstand@example.org", password="ein-langes-passwort-1")
    home = client.get("/de/arbeitsbereich/", **H).content.decode()
    assert "Ihre Organisationen" in home and "Demo-Elterncafé Altendorf" in home


def test_coordinator_of_another_district_cannot_open_or_change(
    client, essen, coordinator_iii, coordinator_iv
):
    client.force_login(coordinator_iii)
    client.post(NEW, form_data(essen), **H)
    org = Organisation.objects.get()
    client.force_login(coordinator_iv)
    url = f"/de/arbeitsbereich/organisationen/{org.pk}/"
    assert client.get(url, **H).status_code == 404
    assert client.post(url, {"action": "invite", "email": "x@example.org"}, **H).status_code == 404
    assert mail.outbox == []


def test_invitation_lookups_are_rate_limited(client, essen):
    statuses = [client.get(f"/de/einladung/rate-{i}-0123456789abcdef/", **H).status_code for i in range(32)]
    assert statuses[:30] == [404] * 30 and statuses[-1] == 429


def test_invitation_form_works_when_the_browser_sends_origin_null(essen, coordinator_iii):
    """The page has Referrer-Policy: no-referrer, so browsers post its form with Origin: null."""
    from django.test import Client

    from quartier.organisations import services

    org = Organisation.objects.create(city=essen, name="Demo-Verein", slug="demo-verein", kind="association")
    org.districts.set([District.objects.get(city=essen, number="III")])
    services.invitation_send(
        actor=make_user("admin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen),
        organisation=org,
        email="neu@example.org",
        accept_url_for=lambda t: f"http://127.0.0.1/de/einladung/{t}/",
    )
    link = re.search(r"http://127\.0\.0\.1(/de/einladung/[\w-]+/)", mail.outbox[0].body).group(1)
    browser = Client(enforce_csrf_checks=True)
    r = browser.post(
        link,
        {
            "first_name": "N",
            "last_name": "E",
            "password1": "ein-langes-passwort-1",
            "password2": "ein-langes-passwort-1",
        },
        HTTP_ORIGIN="null",
        **H,
    )
    assert r.status_code == 302
