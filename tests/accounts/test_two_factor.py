"""Two-factor authentication: enrolment on the first login, the second login step with app codes and recovery
codes, replayed and wrong codes, the throttle, the middleware that blocks the workspace, the API and the admin
until the code was given, who must use it, the page "Anmeldung absichern", and the reset by a city
administrator; hostile input gets a clear error and never a 500."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from quartier.accounts import twofactor
from quartier.accounts.models import Role, User
from quartier.core.models import AuditEntry
from quartier.places.models import City
from tests.conftest import PASSWORD, make_user

H = {"HTTP_HOST": "127.0.0.1"}
LOGIN = "/de/konto/anmelden/"
STEP = "/de/konto/zweiter-faktor/"
ENROL = "/de/konto/zweiter-faktor/einrichten/"
CODES = "/de/konto/zweiter-faktor/wiederherstellungscodes/"
CODES_TXT = "/de/konto/zweiter-faktor/wiederherstellungscodes.txt"
SECURITY = "/de/arbeitsbereich/anmeldung-absichern/"
RENEW = SECURITY + "wiederherstellungscodes/"
HOME = "/de/arbeitsbereich/"
ADMIN = "/verwaltung/"
STAFF_ROLES = frozenset(
    {"coordinator", "fallback", "competence_member", "central_steering", "city_admin", "superuser"}
)

required = pytest.mark.usefixtures("two_factor_on")


@pytest.fixture
def two_factor_on(settings):
    """Staff roles must use a second factor (as in production; under tests the default requires nobody)."""
    settings.TWO_FACTOR_ROLES = STAFF_ROLES


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or a later time step)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step):06d}"


def code_from_secret(secret: str) -> str:
    """What an app computes from the key shown as text on the enrolment page."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def login(client, user):
    return client.post(LOGIN, {"username": user.email, "password": PASSWORD}, **H)


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """An account with a confirmed app and ten recovery codes (as after the enrolment)."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    codes = twofactor._new_recovery_codes(user)
    return device, codes


def clear_device_throttle(device) -> None:
    """django-otp delays the next try after a wrong code by seconds; tests do not wait for that."""
    type(device).objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)


def actions(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="accounts.user", target_id=str(user.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def coordinator(essen):
    return make_user("zwei-faktor@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)


@pytest.fixture
def city_admin(essen):
    return make_user("stadt-admin-2fa@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)


# --- enrolment on the first login ----------------------------------------------------------------------------


@required
def test_first_login_leads_to_enrolment_then_recovery_codes_then_the_page(client, coordinator):
    r = login(client, coordinator)
    assert r.status_code == 302
    r = client.get(r["Location"], **H)
    assert r.status_code == 302 and r["Location"].startswith(ENROL)
    page = client.get(r["Location"], **H)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html
    secret = re.search(r'class="two-factor-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert secret.replace(" ", "") == twofactor.secret_for_display(device).replace(" ", "")
    # Until the app is confirmed, nothing else is reachable.
    assert client.get(HOME, **H)["Location"].startswith(ENROL)

    r = client.post(ENROL, {"code": code_from_secret(secret), "next": HOME}, **H)
    assert r.status_code == 302 and r["Location"].startswith(CODES)
    codes_page = client.get(r["Location"], **H).content.decode()
    shown = re.findall(r"<code[^>]*>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page)
    assert len(shown) == 10
    assert not set("ilo") & set("".join(shown)), "recovery codes avoid letters that pass for others"
    assert sorted(c.replace("-", "") for c in shown) == sorted(
        StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)
    )
    txt = client.get(CODES_TXT, **H)
    assert txt["Content-Disposition"].startswith("attachment") and all(
        c in txt.content.decode() for c in shown
    )
    r = client.post(CODES, {"next": HOME}, **H)
    assert r.status_code == 302 and r["Location"] == HOME
    # Shown once: afterwards neither the page nor the file has them.
    assert client.get(CODES_TXT, **H).status_code == 404
    assert client.get(CODES, **H).status_code == 302
    assert client.get(HOME, **H).status_code == 200
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert "account.second_factor_enrolled" in actions(coordinator)
    entry = AuditEntry.objects.get(action="account.second_factor_enrolled")
    assert device.key not in str(entry.changes) and shown[0].replace("-", "") not in str(entry.changes)


@required
def test_a_wrong_code_at_enrolment_confirms_nothing(client, coordinator):
    login(client, coordinator)
    client.get(ENROL, **H)
    r = client.post(ENROL, {"code": "000000"}, **H)
    assert r.status_code == 400
    assert "Der Code ist nicht richtig oder wurde schon verwendet." in r.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert client.get(HOME, **H).status_code == 302


@required
def test_the_enrolment_page_shows_the_same_key_until_it_is_confirmed(client, coordinator):
    login(client, coordinator)
    first = client.get(ENROL, **H).content.decode()
    second = client.get(ENROL, **H).content.decode()
    pattern = r'class="two-factor-secret"[^>]*>([A-Z2-7 ]+)<'
    assert re.search(pattern, first).group(1) == re.search(pattern, second).group(1)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


@required
def test_someone_with_only_the_password_cannot_set_up_an_app_of_their_own(client, coordinator):
    enrolled(coordinator)
    login(client, coordinator)
    r = client.get(ENROL, **H)
    assert r.status_code == 302 and r["Location"].startswith(STEP)
    r = client.post(ENROL, {"code": "123456"}, **H)
    assert r.status_code == 302 and r["Location"].startswith(STEP)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


# --- the second login step -----------------------------------------------------------------------------------


@required
def test_login_with_the_code_reaches_the_page_asked_for(client, coordinator):
    device, _codes = enrolled(coordinator)
    r = client.post(
        LOGIN + "?next=/de/arbeitsbereich/personen/",
        {"username": coordinator.email, "password": PASSWORD, "next": "/de/arbeitsbereich/vorschlaege/"},
        **H,
    )
    r = client.get(r["Location"], **H)
    assert r.status_code == 302 and r["Location"].startswith(STEP)
    step = client.get(r["Location"], **H)
    assert step.status_code == 200 and 'autocomplete="one-time-code"' in step.content.decode()
    r = client.post(STEP, {"code": code_for(device), "next": "/de/arbeitsbereich/vorschlaege/"}, **H)
    assert r.status_code == 302 and r["Location"] == "/de/arbeitsbereich/vorschlaege/"
    assert client.get(HOME, **H).status_code == 200
    assert actions(coordinator)[-1] == "account.second_factor_verified"


@required
def test_a_wrong_code_is_a_clear_error_and_nothing_opens(client, coordinator):
    enrolled(coordinator)
    login(client, coordinator)
    r = client.post(STEP, {"code": "000000"}, **H)
    assert r.status_code == 400
    html = r.content.decode()
    assert "Der Code ist nicht richtig oder wurde schon verwendet." in html
    assert "<title>Fehler:" in html
    assert client.get(HOME, **H).status_code == 302


@required
def test_a_code_works_only_once(client, coordinator):
    device, _codes = enrolled(coordinator)
    code = code_for(device)
    login(client, coordinator)
    assert client.post(STEP, {"code": code}, **H).status_code == 302
    client.post("/de/konto/abmelden/", **H)
    login(client, coordinator)
    r = client.post(STEP, {"code": code}, **H)
    assert r.status_code == 400
    assert "wurde schon verwendet" in r.content.decode()
    assert client.get(HOME, **H).status_code == 302


@required
def test_a_recovery_code_works_once_and_says_how_many_are_left(client, coordinator):
    _device, codes = enrolled(coordinator)
    login(client, coordinator)
    r = client.post(STEP, {"code": codes[0].upper()}, **H)
    assert r.status_code == 302
    page = client.get(r["Location"], **H).content.decode()
    assert "Es bleiben noch 9 Codes" in page
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9
    assert "account.recovery_code_used" in actions(coordinator)
    client.post("/de/konto/abmelden/", **H)
    login(client, coordinator)
    clear_device_throttle(StaticDevice.objects.get(user=coordinator))
    assert client.post(STEP, {"code": codes[0]}, **H).status_code == 400
    clear_device_throttle(StaticDevice.objects.get(user=coordinator))
    # With spaces instead of the dash, too.
    assert client.post(STEP, {"code": codes[1].replace("-", " ")}, **H).status_code == 302


@required
def test_too_many_wrong_codes_lock_the_step_even_for_the_right_code(client, coordinator, settings):
    settings.LOGIN_MAX_FAILURES = 3
    device, _codes = enrolled(coordinator)
    login(client, coordinator)
    for _ in range(3):
        clear_device_throttle(device)
        assert client.post(STEP, {"code": "000000"}, **H).status_code == 400
    clear_device_throttle(device)
    r = client.post(STEP, {"code": code_for(device)}, **H)
    assert r.status_code == 400
    assert "Zu viele falsche Codes" in r.content.decode()
    assert client.get(HOME, **H).status_code == 302
    # The lock belongs to the account: a new login from another client is locked as well.
    other = type(client)()
    login(other, coordinator)
    clear_device_throttle(device)
    assert "Zu viele falsche Codes" in other.post(STEP, {"code": code_for(device)}, **H).content.decode()


@required
def test_django_otp_delays_a_second_try_right_after_a_wrong_code(client, coordinator):
    device, _codes = enrolled(coordinator)
    login(client, coordinator)
    client.post(STEP, {"code": "000000"}, **H)
    r = client.post(STEP, {"code": code_for(device)}, **H)
    assert r.status_code == 400
    assert "erst nach einer kurzen Pause" in r.content.decode()


@required
@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "12345",
        "1234567",
        "12a456",
        "x" * 10_000,
        "१२३४५६",  # Devanagari digits
        "<script>alert(1)</script>",
        "123456\x00",
        "' OR 1=1 --",
        "\u202e654321",
    ],
)
def test_hostile_or_malformed_codes_are_clear_errors(client, coordinator, value):
    device, _codes = enrolled(coordinator)
    login(client, coordinator)
    r = client.post(STEP, {"code": value}, **H)
    assert r.status_code == 400
    assert "Bitte" in r.content.decode() or "Zeichen" in r.content.decode()
    assert client.get(HOME, **H).status_code == 302


@required
def test_a_list_of_codes_or_no_field_at_all_is_an_error(client, coordinator):
    enrolled(coordinator)
    login(client, coordinator)
    assert client.post(STEP, {}, **H).status_code == 400
    assert client.post(STEP, {"code": ["1", "2"]}, **H).status_code == 400


@required
@pytest.mark.parametrize("typed", ["{0} {1}", "{0}-{1}", "{0}\u00a0{1}"])
def test_codes_with_spaces_or_dashes_work(client, coordinator, typed):
    device, _codes = enrolled(coordinator)
    code = code_for(device)
    login(client, coordinator)
    assert client.post(STEP, {"code": typed.format(code[:3], code[3:])}, **H).status_code == 302


@required
@pytest.mark.parametrize("digits", ["٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９"])
def test_digits_typed_on_arabic_keyboards_or_full_width_are_read_as_digits(client, coordinator, digits):
    device, _codes = enrolled(coordinator)
    code = code_for(device)
    login(client, coordinator)
    typed = "".join(digits[int(c)] for c in code)
    assert client.post(STEP, {"code": typed}, **H).status_code == 302


# --- the middleware and the admin ----------------------------------------------------------------------------


@required
def test_before_the_code_the_workspace_api_and_admin_stay_closed(client, essen):
    admin = make_user("root-2fa@example.org", superuser=True)
    device, _codes = enrolled(admin)
    login(client, admin)
    for path in (HOME, "/de/arbeitsbereich/personen/", "/de/", SECURITY):
        r = client.get(path, **H)
        assert r.status_code == 302 and r["Location"].startswith(STEP), path
    r = client.get(ADMIN, **H)
    assert r.status_code == 302 and r["Location"].startswith(STEP)
    r = client.get(ADMIN + "accounts/user/", **H)
    assert r.status_code == 302 and r["Location"].startswith(STEP)
    r = client.get("/api/v1/cities/essen/inbox/suggestions", **H)
    assert r.status_code == 403
    assert client.post(HOME, {"x": "1"}, **H).status_code == 302
    # Logging out and the session's time left stay reachable.
    assert client.get("/de/arbeitsbereich/sitzung/", **H).status_code == 200
    client.post(STEP, {"code": code_for(device)}, **H)
    assert client.get(ADMIN, **H).status_code == 200
    assert client.get("/api/v1/cities/essen/inbox/suggestions", **H).status_code == 200


@required
def test_the_admin_requires_a_verified_session_even_without_the_middleware(rf, essen):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    root = make_user("root-site@example.org", superuser=True)
    enrolled(root)
    request = rf.get(ADMIN)
    request.user, request.session = root, SessionStore()
    root.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    root.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_the_admin_login_page_is_the_site_login(client, db):
    r = client.get(ADMIN + "login/?next=/verwaltung/places/city/", **H)
    assert r.status_code == 302
    assert r["Location"].startswith(LOGIN) and "next=/verwaltung/places/city/" in r["Location"]
    r = client.post(ADMIN + "login/", {"username": "a@b.de", "password": "x"}, **H)
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)


def test_a_logged_in_non_administrator_is_refused_by_the_admin_without_a_loop(client, coordinator):
    client.force_login(coordinator)
    r = client.get(ADMIN, **H)
    assert r.status_code == 302 and r["Location"] == ADMIN + "login/?next=/verwaltung/"
    assert client.get(r["Location"], **H).status_code == 403


@required
def test_a_session_started_by_force_login_is_also_held_at_the_step(client, coordinator):
    """Every way into a session (invitation link, password reset, force_login) meets the step."""
    enrolled(coordinator)
    client.force_login(coordinator)
    assert client.get(HOME, **H)["Location"].startswith(STEP)


# --- who must ------------------------------------------------------------------------------------------------


@required
@pytest.mark.parametrize(
    "roles, superuser, must",
    [
        ([(Role.COORDINATOR, "III")], False, True),
        ([(Role.FALLBACK, None)], False, True),
        ([(Role.COMPETENCE_MEMBER, "III")], False, True),
        ([(Role.CENTRAL_STEERING, None)], False, True),
        ([(Role.CITY_ADMIN, None)], False, True),
        ([], True, True),
        ([(Role.ORGANISATION_MEMBER, None)], False, False),
    ],
)
def test_which_roles_must_use_a_second_factor(essen, roles, superuser, must):
    user = make_user("rolle@example.org", roles=roles, city=essen, superuser=superuser)
    assert twofactor.required(user) is must


def test_the_setting_names_the_roles(coordinator, city_admin, settings):
    settings.TWO_FACTOR_ROLES = frozenset({"city_admin"})
    assert not twofactor.required(coordinator)
    assert twofactor.required(city_admin)


def test_under_tests_nobody_must_by_default(coordinator, settings):
    assert frozenset() == settings.TWO_FACTOR_ROLES
    assert not twofactor.required(coordinator)


def test_the_role_names_of_the_setting_are_the_roles_of_the_model(settings):
    assert {r.value for r in Role} | {"superuser"} == settings.TWO_FACTOR_ROLE_NAMES


@required
def test_an_organisation_member_without_an_app_logs_in_with_the_password(client, essen):
    member = make_user("verein-2fa@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    login(client, member)
    assert client.get(HOME, **H).status_code == 200


@required
def test_an_organisation_member_with_an_app_is_asked_for_the_code(client, essen):
    member = make_user("verein-2fa@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    enrolled(member)
    login(client, member)
    assert client.get(HOME, **H)["Location"].startswith(STEP)


@required
def test_demo_accounts_are_exempt_only_while_the_installation_is_a_demo(client, coordinator, settings):
    User.objects.filter(pk=coordinator.pk).update(is_demo=True)
    settings.DEMO = True
    login(client, coordinator)
    assert client.get(HOME, **H).status_code == 200
    client.post("/de/konto/abmelden/", **H)
    settings.DEMO = False
    login(client, coordinator)
    assert client.get(HOME, **H)["Location"].startswith(ENROL)


@required
def test_a_demo_account_that_enrolled_voluntarily_is_asked_for_the_code(client, coordinator, settings):
    User.objects.filter(pk=coordinator.pk).update(is_demo=True)
    settings.DEMO = True
    enrolled(coordinator)
    login(client, coordinator)
    assert client.get(HOME, **H)["Location"].startswith(STEP)


def test_voluntary_enrolment_from_the_page(client, essen):
    member = make_user("verein-2fa@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    login(client, member)
    page = client.get(SECURITY, **H).content.decode()
    assert "nicht eingerichtet" in page and "nein, freiwillig" in page
    client.get(ENROL, **H)
    device = TOTPDevice.objects.get(user=member)
    r = client.post(ENROL, {"code": code_for(device), "next": SECURITY}, **H)
    assert r["Location"].startswith(CODES)
    assert twofactor.required(member)


# --- "Anmeldung absichern" -----------------------------------------------------------------------------------


def verified_client(client, user, device):
    login(client, user)
    r = client.post(STEP, {"code": code_for(device)}, **H)
    assert r.status_code == 302
    return client


@required
def test_the_page_shows_the_status(client, coordinator):
    device, _codes = enrolled(coordinator)
    verified_client(client, coordinator, device)
    page = client.get(SECURITY, **H).content.decode()
    assert "eingerichtet" in page and "10 Codes übrig" in page and "ja, für Ihre Rolle vorgeschrieben" in page


@required
def test_new_recovery_codes_need_a_current_code_and_replace_the_old_ones(client, coordinator):
    device, old = enrolled(coordinator)
    verified_client(client, coordinator, device)
    clear_device_throttle(device)
    r = client.post(RENEW, {"code": "000000"}, **H)
    assert r.status_code == 400 and "nicht richtig" in r.content.decode()
    assert StaticToken.objects.filter(device__user=coordinator, token=old[0].replace("-", "")).exists()
    clear_device_throttle(device)
    r = client.post(RENEW, {"code": code_for(device, steps_ahead=1)}, **H)
    assert r.status_code == 302 and r["Location"].startswith(CODES)
    shown = re.findall(
        r"<code[^>]*>([a-z2-7]{4}-[a-z2-7]{4})</code>", client.get(r["Location"], **H).content.decode()
    )
    assert len(shown) == 10 and not set(shown) & set(old)
    assert not StaticToken.objects.filter(device__user=coordinator, token=old[0].replace("-", "")).exists()
    assert "account.recovery_codes_renewed" in actions(coordinator)


@required
@pytest.mark.parametrize("value", ["", "abcd-efgh", "x" * 5000, "١٢٣"])
def test_new_recovery_codes_refuse_anything_but_an_app_code(client, coordinator, value):
    device, _old = enrolled(coordinator)
    verified_client(client, coordinator, device)
    r = client.post(RENEW, {"code": value}, **H)
    assert r.status_code == 400
    assert StaticToken.objects.filter(device__user=coordinator).count() == 10


@required
def test_replacing_the_app_keeps_the_old_one_until_the_new_one_is_confirmed(client, coordinator):
    old, codes = enrolled(coordinator)
    verified_client(client, coordinator, old)
    page = client.get(ENROL + "?next=" + SECURITY, **H)
    assert page.status_code == 200 and "Neue Authentifizierungs-App einrichten" in page.content.decode()
    new = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert client.post(ENROL, {"code": "000000"}, **H).status_code == 400
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    clear_device_throttle(new)
    r = client.post(ENROL, {"code": code_for(new), "next": SECURITY}, **H)
    assert r.status_code == 302 and r["Location"] == SECURITY
    assert list(TOTPDevice.objects.filter(user=coordinator).values_list("pk", flat=True)) == [new.pk]
    assert StaticToken.objects.filter(device__user=coordinator).count() == 10  # codes kept
    assert "account.second_factor_replaced" in actions(coordinator)


def test_the_page_needs_a_login(client, db):
    r = client.get(SECURITY, **H)
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)
    assert client.get(STEP, **H).status_code == 302
    assert client.get(ENROL, **H).status_code == 302
    assert client.get(CODES_TXT, **H).status_code == 302


# --- reset by a city administrator ---------------------------------------------------------------------------


def reset_path(user):
    return f"/de/arbeitsbereich/personen/{user.pk}/zweiten-faktor-zuruecksetzen/"


def test_a_city_administrator_resets_the_second_factor(client, coordinator, city_admin):
    device, _codes = enrolled(coordinator)
    other = type(client)()
    other.force_login(coordinator)
    client.force_login(city_admin)
    detail = client.get(f"/de/arbeitsbereich/personen/{coordinator.pk}/", **H).content.decode()
    assert "Zweiten Faktor zurücksetzen" in detail
    r = client.post(reset_path(coordinator), **H)
    assert r.status_code == 302
    assert "ist zurückgesetzt" in client.get(r["Location"], **H).content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    # The person's open sessions ended.
    assert other.get(HOME, **H)["Location"].startswith(LOGIN)
    entry = AuditEntry.objects.get(action="account.second_factor_reset")
    assert entry.actor_id == city_admin.pk and entry.target_id == str(coordinator.pk)
    assert device.key not in str(entry.changes)


@required
def test_after_a_reset_the_next_login_leads_to_a_new_enrolment(client, coordinator, city_admin):
    enrolled(coordinator)
    twofactor.second_factor_reset(actor=city_admin, city=City.objects.get(slug="essen"), user=coordinator)
    login(client, coordinator)
    assert client.get(HOME, **H)["Location"].startswith(ENROL)


def test_an_administrator_cannot_reset_their_own_second_factor_here(client, city_admin):
    device, _codes = enrolled(city_admin)
    verified_client(client, city_admin, device)
    page = client.get(f"/de/arbeitsbereich/personen/{city_admin.pk}/", **H).content.decode()
    assert "Zweiten Faktor zurücksetzen" not in page
    r = client.post(reset_path(city_admin), **H)
    assert r.status_code == 302
    assert (
        "Ihre eigene Anmeldung setzen Sie hier nicht zurück"
        in client.get(r["Location"], **H).content.decode()
    )
    assert TOTPDevice.objects.filter(user=city_admin).exists()


def test_a_reset_in_another_city_is_not_found(client, essen, city_admin):
    other_city = City.objects.create(slug="bochum", name="Bochum")
    person = make_user("bochum@example.org", roles=[(Role.FALLBACK, None)], city=other_city)
    enrolled(person)
    client.force_login(city_admin)
    assert client.post(reset_path(person), **H).status_code == 404
    assert TOTPDevice.objects.filter(user=person).exists()


@pytest.mark.parametrize("role", [(Role.COORDINATOR, "III"), (Role.ORGANISATION_MEMBER, None)])
def test_only_administrators_may_reset(client, essen, coordinator, role):
    enrolled(coordinator)
    someone = make_user("jemand@example.org", roles=[role], city=essen)
    client.force_login(someone)
    assert client.post(reset_path(coordinator), **H).status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_a_city_administrator_cannot_reset_a_platform_administrator(client, essen, city_admin):
    root = make_user("root-reset@example.org", superuser=True, roles=[(Role.FALLBACK, None)], city=essen)
    enrolled(root)
    client.force_login(city_admin)
    assert client.post(reset_path(root), **H).status_code == 403
    assert TOTPDevice.objects.filter(user=root).exists()


def test_a_reset_without_a_second_factor_says_so(client, coordinator, city_admin):
    client.force_login(city_admin)
    r = client.post(reset_path(coordinator), **H)
    assert (
        "keine Anmeldung mit zweitem Faktor eingerichtet" in client.get(r["Location"], **H).content.decode()
    )
    assert not AuditEntry.objects.filter(action="account.second_factor_reset").exists()


def test_reset_of_an_unknown_or_hostile_id(client, city_admin):
    client.force_login(city_admin)
    assert (
        client.post("/de/arbeitsbereich/personen/999999/zweiten-faktor-zuruecksetzen/", **H).status_code
        == 404
    )
    assert client.get(reset_path(city_admin), **H).status_code == 405


def test_codes_are_unambiguous_and_spent_after_use(coordinator):
    device, codes = enrolled(coordinator)
    assert len(set(codes)) == 10
    code = twofactor.parse_code(codes[3])
    assert twofactor.verify(coordinator, code).ok
    clear_device_throttle(StaticDevice.objects.get(user=coordinator))
    assert not twofactor.verify(coordinator, code).ok
    assert twofactor.recovery_codes_left(coordinator) == 9


def test_printed_demo_logins_work_with_the_password_alone_while_the_installation_is_a_demo(
    client, essen, settings
):
    import io

    from django.core.management import call_command

    from quartier.accounts.demo import DEMO_PASSWORD

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    logins = re.findall(r"^  (\S+@demo\.quartier\.example) ", out.getvalue(), re.M)
    assert logins
    settings.TWO_FACTOR_ROLES = STAFF_ROLES  # the production default
    settings.DEMO = True
    for email in logins:
        r = client.post(LOGIN, {"username": email, "password": DEMO_PASSWORD}, **H)
        assert r.status_code == 302, email
        assert client.get(HOME, **H).status_code == 200, email
        client.post("/de/konto/abmelden/", **H)
    settings.DEMO = False
    staff = [e for e in logins if not e.startswith("verein@")]
    for email in staff:
        client.post(LOGIN, {"username": email, "password": DEMO_PASSWORD}, **H)
        assert client.get(HOME, **H)["Location"].startswith(ENROL), email
        client.post("/de/konto/abmelden/", **H)


@required
@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example", "x" * 3000],
)
def test_the_step_never_leads_off_the_site(client, coordinator, target):
    device, _codes = enrolled(coordinator)
    login(client, coordinator)
    r = client.post(STEP, {"code": code_for(device), "next": target}, **H)
    assert r.status_code == 302 and r["Location"] == HOME
