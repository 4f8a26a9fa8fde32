"""The "Personen" pages: administrators invite, edit roles, deactivate and reactivate; the invitation link sets a
password once and logs in; bad, hostile and oversized input gets clear errors; other roles and cities get nothing."""

import re

import pytest
from django.core import mail

from quartier.accounts.models import Membership, Role, StaffInvitation, User
from quartier.core.models import AuditEntry
from quartier.places.models import City, District
from tests.conftest import PASSWORD, make_user

H = {"HTTP_HOST": "127.0.0.1"}
PEOPLE = "/de/arbeitsbereich/personen/"
INVITE = PEOPLE + "einladen/"
NEW_PASSWORD = "ein-langes-passwort-2026"


@pytest.fixture
def city_admin(essen):
    return make_user("stadt-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)


@pytest.fixture
def admin_client(client, city_admin):
    client.force_login(city_admin)
    return client


def district_pk(city, numeral):
    return District.objects.get(city=city, number=numeral).pk


def invite_data(essen, **overrides):
    data = {
        "email": "neu@example.org",
        "first_name": "Nora",
        "last_name": "Neumann",
        "coordinator_districts": [district_pk(essen, "III")],
    }
    data.update(overrides)
    return data


def accept_path(message) -> str:
    return re.search(r"https?://[^/]+(/de/konto/einladung/[^/\s]+/)", message.body).group(1)


def test_invite_then_accept_logs_the_person_in_on_the_start_page(admin_client, client, essen):
    r = admin_client.post(INVITE, invite_data(essen), **H)
    user = User.objects.get(email="neu@example.org")
    assert r.status_code == 302 and r["Location"] == f"{PEOPLE}{user.pk}/"
    page = admin_client.get(r["Location"], **H).content.decode()
    assert "Die Einladung an neu@example.org ist verschickt" in page
    assert "eingeladen, noch nicht angenommen" in page
    (message,) = mail.outbox
    path = accept_path(message)

    client.logout()
    page = client.get(path, **H)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer" and "noindex" in page["X-Robots-Tag"]
    assert "neu@example.org" in page.content.decode()
    r = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, **H)
    assert r.status_code == 302 and r["Location"] == "/de/arbeitsbereich/"
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get("/de/arbeitsbereich/", **H).content.decode()
    assert "Willkommen, Nora Neumann" in home and 'id="ws-district-iii"' in home

    # The link works once.
    client.logout()
    assert client.get(path, **H).status_code == 404
    assert client.post(path, {"new_password1": "x" * 20, "new_password2": "x" * 20}, **H).status_code == 404
    # And the password logs in.
    r = client.post("/de/konto/anmelden/", {"username": "NEU@example.org", "password": NEW_PASSWORD}, **H)
    assert r.status_code == 302


@pytest.mark.parametrize(
    "passwords, message",
    [
        (("kurz", "kurz"), "zu kurz"),
        (("12345678901234", "12345678901234"), "komplett numerisch"),
        ((NEW_PASSWORD, NEW_PASSWORD + "x"), "nicht identisch"),
        (("neu@example.org1", "neu@example.org1"), "zu ähnlich"),
        (("p" * 5000, "p" * 5000), "höchstens 4096"),
        (("", ""), "zwingend erforderlich"),
    ],
)
def test_weak_or_mismatched_passwords_are_form_errors(admin_client, client, essen, passwords, message):
    admin_client.post(INVITE, invite_data(essen), **H)
    path = accept_path(mail.outbox[0])
    client.logout()
    r = client.post(path, {"new_password1": passwords[0], "new_password2": passwords[1]}, **H)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(email="neu@example.org").has_usable_password()


def test_the_invitation_page_is_rate_limited(client, essen, settings):
    for _ in range(30):
        client.get("/de/konto/einladung/falsches-token-0123456789/", **H)
    assert client.get("/de/konto/einladung/falsches-token-0123456789/", **H).status_code == 429


def test_an_existing_email_is_a_form_error_not_a_500(admin_client, essen, coordinator_iii):
    r = admin_client.post(INVITE, invite_data(essen, email=coordinator_iii.email.upper()), **H)
    assert r.status_code == 400
    assert "Für diese E-Mail-Adresse gibt es bereits ein Konto." in r.content.decode()
    assert not mail.outbox


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"email": ""}, "zwingend erforderlich"),
        ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"email": "a" * 300 + "@example.org"}, "höchstens 254"),
        ({"first_name": "x" * 151}, "höchstens 150"),
        ({"last_name": "\x00"}, "Nullzeichen"),
        ({"coordinator_districts": []}, "mindestens eine Rolle"),
        ({"coordinator_districts": ["abc"]}, "kein gültiger Wert"),
        ({"coordinator_districts": ["999999999999999999999"]}, "kein gültiger Wert"),
        ({"coordinator_districts": [str(n) for n in range(1, 200)]}, "Zu viele Stadtbezirke"),
        ({"citywide_roles": ["superuser"]}, "keine gültige"),
        ({"citywide_roles": ["organisation_member"]}, "keine gültige"),
        ({"citywide_roles": ["coordinator"]}, "keine gültige"),
    ],
)
def test_bad_and_hostile_invitations_are_form_errors(admin_client, essen, overrides, message):
    r = admin_client.post(INVITE, invite_data(essen, **overrides), **H)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not User.objects.filter(first_name="Nora").exists()


def test_a_district_of_another_city_is_not_a_choice(admin_client, essen):
    other = City.objects.create(slug="musterstadt", name="Musterstadt")
    foreign = District.objects.create(city=other, number="I", name="Musterbezirk I", ordinal=1)
    r = admin_client.post(INVITE, invite_data(essen, coordinator_districts=[foreign.pk]), **H)
    assert r.status_code == 400 and not User.objects.filter(email="neu@example.org").exists()


def test_hostile_fields_never_grant_platform_rights(admin_client, essen):
    r = admin_client.post(
        INVITE,
        invite_data(essen, is_superuser="on", is_staff="on", citywide_roles=["city_admin"]),
        **H,
    )
    assert r.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert not user.is_superuser and not user.is_staff


def test_markup_in_names_is_escaped(admin_client, essen):
    admin_client.post(INVITE, invite_data(essen, first_name="<script>alert(1)</script>"), **H)
    page = admin_client.get(PEOPLE, **H).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_list_shows_roles_status_and_filters(admin_client, essen, coordinator_iii, coordinator_iv):
    admin_client.post(INVITE, invite_data(essen), **H)
    coordinator_iv.is_active = False
    coordinator_iv.save()
    page = admin_client.get(PEOPLE, **H).content.decode()
    for email in ("neu@example.org", coordinator_iii.email, coordinator_iv.email, "stadt-admin@example.org"):
        assert email in page
    assert "Koordinator*in (Stadtbezirk III)" in page
    invited = admin_client.get(PEOPLE + "?status=invited", **H).content.decode()
    assert "neu@example.org" in invited and coordinator_iii.email not in invited
    deactivated = admin_client.get(PEOPLE + "?status=deactivated", **H).content.decode()
    assert coordinator_iv.email in deactivated and coordinator_iii.email not in deactivated
    by_district = admin_client.get(PEOPLE + f"?district={district_pk(essen, 'IV')}", **H).content.decode()
    assert coordinator_iv.email in by_district and coordinator_iii.email not in by_district
    by_role = admin_client.get(PEOPLE + "?role=city_admin", **H).content.decode()
    assert "stadt-admin@example.org" in by_role and coordinator_iii.email not in by_role
    search = admin_client.get(PEOPLE + "?q=UHL", **H).content.decode()
    assert coordinator_iii.email in search and coordinator_iv.email not in search


@pytest.mark.parametrize(
    "query",
    ["status=nix", "role=superuser", "district=abc", "district=99999999999999999999", "q=" + "x" * 201],
)
def test_bad_filters_are_400(admin_client, essen, query):
    assert admin_client.get(f"{PEOPLE}?{query}", **H).status_code == 400


def test_list_query_count_is_bounded(admin_client, essen, django_assert_max_num_queries):
    for n in range(30):
        make_user(
            f"person-{n}@example.org", roles=[(Role.COORDINATOR, "III"), (Role.FALLBACK, None)], city=essen
        )
    # 15: one of them asks whether the account has an authenticator app (SecondFactorMiddleware), on every page.
    with django_assert_max_num_queries(15):
        r = admin_client.get(PEOPLE, **H)
    assert r.status_code == 200 and "person-29@example.org" in r.content.decode()


def test_accounts_of_other_cities_are_not_listed_nor_reachable(admin_client, essen):
    other = City.objects.create(slug="musterstadt", name="Musterstadt")
    stranger = make_user("fremd@example.org", roles=[(Role.FALLBACK, None)], city=other)
    superuser_only = make_user("root-ohne-rolle@example.org", superuser=True)
    page = admin_client.get(PEOPLE, **H).content.decode()
    assert "fremd@example.org" not in page and "root-ohne-rolle" not in page
    for target in (stranger, superuser_only):
        assert admin_client.get(f"{PEOPLE}{target.pk}/", **H).status_code == 404
        for action in ("deaktivieren", "reaktivieren", "einladung-erneut-senden"):
            assert admin_client.post(f"{PEOPLE}{target.pk}/{action}/", **H).status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active


@pytest.mark.parametrize("pk", ["0", "2147483648", "99999999999999999999"])
def test_huge_or_missing_ids_are_404(admin_client, essen, pk):
    assert admin_client.get(f"{PEOPLE}{pk}/", **H).status_code == 404


def test_edit_roles_and_districts(admin_client, essen, coordinator_iii):
    url = f"{PEOPLE}{coordinator_iii.pk}/"
    page = admin_client.get(url, **H).content.decode()
    assert 'class="kern-form-check__checkbox"' in page and "checked" in page
    r = admin_client.post(
        url,
        {
            "coordinator_districts": [district_pk(essen, "III"), district_pk(essen, "V")],
            "competence_districts": [district_pk(essen, "V")],
            "citywide_roles": ["central_steering"],
        },
        **H,
    )
    assert r.status_code == 302
    assert sorted(
        Membership.objects.filter(user=coordinator_iii).values_list("role", "district__number")
    ) == [
        ("central_steering", None),
        ("competence_member", "V"),
        ("coordinator", "III"),
        ("coordinator", "V"),
    ]
    assert AuditEntry.objects.filter(
        action="account.roles_changed", target_id=str(coordinator_iii.pk)
    ).exists()


def test_removing_every_role_is_a_form_error(admin_client, essen, coordinator_iii):
    r = admin_client.post(f"{PEOPLE}{coordinator_iii.pk}/", {}, **H)
    assert r.status_code == 400 and "mindestens eine Rolle" in r.content.decode()
    assert Membership.objects.filter(user=coordinator_iii).count() == 1


def test_the_last_city_admin_is_kept_with_a_message(admin_client, essen, city_admin):
    r = admin_client.post(f"{PEOPLE}{city_admin.pk}/", {"citywide_roles": ["fallback"]}, **H)
    assert r.status_code == 400 and "mindestens eine*n Administrator*in" in r.content.decode()
    r = admin_client.post(f"{PEOPLE}{city_admin.pk}/deaktivieren/", **H, follow=True)
    assert "Sie können Ihr eigenes Konto nicht deaktivieren." in r.content.decode()
    city_admin.refresh_from_db()
    assert city_admin.is_active


def test_deactivation_ends_sessions_and_blocks_login_until_reactivated(
    admin_client, client, essen, coordinator_iii
):
    from django.test import Client

    theirs = Client()
    theirs.force_login(coordinator_iii)
    assert theirs.get("/de/arbeitsbereich/", **H).status_code == 200

    r = admin_client.post(f"{PEOPLE}{coordinator_iii.pk}/deaktivieren/", **H, follow=True)
    assert "Das Konto ist deaktiviert." in r.content.decode()
    assert theirs.get("/de/arbeitsbereich/", **H).status_code == 302  # back to the login
    login = Client().post(
        "/de/konto/anmelden/", {"username": coordinator_iii.email, "password": PASSWORD}, **H
    )
    assert login.status_code == 200 and "nicht richtig" in login.content.decode()

    admin_client.post(f"{PEOPLE}{coordinator_iii.pk}/reaktivieren/", **H)
    assert theirs.get("/de/arbeitsbereich/", **H).status_code == 302  # the old session stays ended
    again = Client()
    r = again.post("/de/konto/anmelden/", {"username": coordinator_iii.email, "password": PASSWORD}, **H)
    assert r.status_code == 302
    actions = list(
        AuditEntry.objects.filter(target_type="accounts.user", target_id=str(coordinator_iii.pk))
        .exclude(action="account.viewed")  # opening the account's page is recorded too
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["account.deactivated", "account.reactivated"]


def test_resend_sends_a_new_link_and_the_old_one_stops_working(admin_client, client, essen):
    admin_client.post(INVITE, invite_data(essen), **H)
    user = User.objects.get(email="neu@example.org")
    old = accept_path(mail.outbox[0])
    r = admin_client.post(f"{PEOPLE}{user.pk}/einladung-erneut-senden/", **H, follow=True)
    assert "Eine neue Einladung ist verschickt" in r.content.decode()
    new = accept_path(mail.outbox[1])
    client.logout()
    assert client.get(old, **H).status_code == 404
    assert client.get(new, **H).status_code == 200
    assert StaffInvitation.objects.filter(user=user).count() == 1


def test_post_actions_need_post(admin_client, essen, coordinator_iii):
    for action in ("deaktivieren", "reaktivieren", "einladung-erneut-senden"):
        assert admin_client.get(f"{PEOPLE}{coordinator_iii.pk}/{action}/", **H).status_code == 405


@pytest.mark.parametrize(
    "roles", [[(Role.COORDINATOR, "III")], [(Role.FALLBACK, None)], [(Role.CENTRAL_STEERING, None)]]
)
def test_other_roles_get_403_everywhere(client, essen, coordinator_iv, roles):
    client.force_login(make_user("jemand@example.org", roles=roles, city=essen))
    assert client.get(PEOPLE, **H).status_code == 403
    assert client.get(INVITE, **H).status_code == 403
    assert client.post(INVITE, invite_data(essen), **H).status_code == 403
    assert client.get(f"{PEOPLE}{coordinator_iv.pk}/", **H).status_code == 403
    assert client.post(f"{PEOPLE}{coordinator_iv.pk}/deaktivieren/", **H).status_code == 403
    coordinator_iv.refresh_from_db()
    assert coordinator_iv.is_active and not User.objects.filter(email="neu@example.org").exists()


def test_an_admin_of_another_city_gets_403(client, essen, coordinator_iii):
    other = City.objects.create(slug="musterstadt", name="Musterstadt")
    client.force_login(make_user("fremd-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=other))
    assert client.get(PEOPLE, **H).status_code == 403
    assert client.post(f"{PEOPLE}{coordinator_iii.pk}/deaktivieren/", **H).status_code == 403


def test_navigation_shows_personen_only_to_administrators(admin_client, client, essen, coordinator_iii):
    assert f'href="{PEOPLE}"' in admin_client.get("/de/arbeitsbereich/", **H).content.decode()
    client.force_login(coordinator_iii)
    assert f'href="{PEOPLE}"' not in client.get("/de/arbeitsbereich/", **H).content.decode()
