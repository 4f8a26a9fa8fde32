"""E-mail addresses as identities: one normal form (User.email_key) to find an account by, one confusable skeleton
(User.email_skeleton, unique) shared by look-alike spellings; every path that creates an account or changes its
address refuses a look-alike of an existing one with a clear error; hostile input never fails hard."""

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from quartier.accounts import emails, services
from quartier.accounts.models import Role, User, email_refusal
from quartier.organisations import services as organisation_services
from quartier.organisations.models import Organisation
from tests.conftest import PASSWORD, make_user

H = {"HTTP_HOST": "127.0.0.1"}
REAL = "ilka@essen-mitte.de"
# The same address written with look-alike characters: dotless ı (PostgreSQL's UPPER() makes it an I),
# Cyrillic і, fullwidth ｅ, a right-to-left override and a zero-width joiner inside the domain.
LOOK_ALIKES = [
    "ilka@essen-mıtte.de",
    "ilka@essen-m\u0456tte.de",
    "ilka@\uff45ssen-mitte.de",
    "ilka@essen-mit\u202ete.de",
    "ilka@essen-mit\u200dte.de",
    "ILKA@ESSEN-MITTE.DE",
]
# Those of them that are other addresses (another domain): never this account's.
OTHER_ADDRESSES = [LOOK_ALIKES[0], LOOK_ALIKES[1], LOOK_ALIKES[3], LOOK_ALIKES[4]]
CONFUSABLE_MESSAGE = "zum Verwechseln ähnlich"
TAKEN_MESSAGE = "Für diese E-Mail-Adresse gibt es bereits ein Konto."


# --- normalise and skeleton ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, key",
    [
        ("  Ilka@Essen-Mitte.DE ", "ilka@essen-mitte.de"),
        ("\uff49lka@essen-mitte.de", "ilka@essen-mitte.de"),  # NFKC: fullwidth ｉ is i
        ("STRASSE@example.org", "strasse@example.org"),
        ("post@Bücher.de", "post@xn--bcher-kva.de"),  # IDNA: the domain in its ASCII form
        ("post@xn--bcher-kva.de", "post@xn--bcher-kva.de"),
        ("ilka@essen-mıtte.de", "ilka@xn--essen-mtte-3ub.de"),  # dotless ı is another domain, not i
    ],
)
def test_normalise(typed, key):
    assert emails.normalise(typed) == key


def test_look_alikes_share_the_skeleton_but_not_the_key():
    real = emails.skeleton(REAL)
    for variant in LOOK_ALIKES:
        assert emails.skeleton(variant) == real, variant
    for variant in OTHER_ADDRESSES:
        assert emails.normalise(variant) != emails.normalise(REAL), variant
    # Fullwidth letters and case are the same address (NFKC, casefold); login refuses the fullwidth spelling
    # all the same (emails.is_plain, tests/accounts/test_throttling.py).
    assert emails.normalise("ilka@\uff45ssen-mitte.de") == emails.normalise("ILKA@ESSEN-MITTE.DE") == REAL
    assert emails.skeleton("ilka@essen-nord.de") != real
    assert emails.skeleton("ilse@essen-mitte.de") != real


def test_the_skeleton_follows_unicode_confusables_data():
    """A few mappings of Unicode's confusables.txt (UTS #39), so a truncated or wrong data file shows."""
    assert emails.skeleton("\u0430nna@example.org") == emails.skeleton("anna@example.org")  # Cyrillic а
    assert emails.skeleton("x@\u03bfrg.de") == emails.skeleton("x@org.de")  # Greek ο
    assert emails.skeleton("bill1@example.org") == emails.skeleton("billl@example.org")  # 1 and l
    assert len(emails._prototypes()) > 6000


def test_is_plain_refuses_compatibility_characters():
    assert emails.is_plain(REAL) and emails.is_plain("post@bücher.de")
    assert not emails.is_plain("ilka@\uff45ssen-mitte.de")
    assert not emails.is_plain("\ufb01lka@example.org")  # the ligature ﬁ


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "@",
        "kein-at-zeichen",
        "a\x00b@example.org",
        "x" * 100_000 + "@example.org",
        "x@" + "ı" * 5000 + ".de",
        "x@-ungültig-.de",  # IDNA refuses a label that starts with a hyphen
        "x@" + "a" * 64 + ".de",  # a label longer than 63
        "x@xn--zz.de",  # a broken punycode label
        "\u202eilka@example.org",
        "\ufdfa" * 300 + "@example.org",  # one character that NFKC makes eighteen
    ],
)
def test_hostile_addresses_never_fail_hard(hostile, db):
    key, skeleton = emails.normalise(hostile), emails.skeleton(hostile)
    assert isinstance(key, str) and isinstance(skeleton, str)
    assert emails.account_for(hostile) is None
    assert emails.confusable_owner(hostile) is None


# --- the stored keys ------------------------------------------------------------------------------------------


def test_accounts_store_their_keys_and_are_found_only_by_the_exact_address(essen):
    user = make_user("Ilka@Essen-Mitte.de")
    assert user.email_key == "ilka@essen-mitte.de"
    assert user.email_skeleton == emails.skeleton(REAL)
    assert User.objects.get_by_natural_key(" ILKA@essen-mitte.de") == user
    assert emails.account_for(REAL) == user
    for variant in OTHER_ADDRESSES:
        with pytest.raises(User.DoesNotExist):
            User.objects.get_by_natural_key(variant)
        assert emails.account_for(variant) is None
        assert emails.confusable_owner(variant) == user
    assert emails.confusable_owner(REAL, exclude_pk=user.pk) is None


def test_changing_the_address_with_update_fields_keeps_the_keys_in_step(essen):
    user = make_user(REAL)
    user.email = "ilka.neu@essen-mitte.de"
    user.save(update_fields=["email"])
    user.refresh_from_db()
    assert user.email_key == "ilka.neu@essen-mitte.de"
    assert emails.account_for("ilka.neu@essen-mitte.de") == user
    assert emails.account_for(REAL) is None


@pytest.mark.parametrize("variant", LOOK_ALIKES)
def test_the_model_refuses_a_look_alike_on_every_save(essen, variant):
    make_user(REAL)
    with pytest.raises(ValidationError) as refused:
        User.objects.create_user(username="zweite", email=variant, password=PASSWORD)
    assert "email" in refused.value.message_dict
    assert User.objects.count() == 1


def test_the_unique_skeleton_catches_what_slips_past_the_check(essen):
    """A concurrent registration that passed the check before the first one was saved: the database refuses."""
    make_user(REAL)
    twin = User(username="zwilling", email="ilka@essen-mıtte.de")
    twin.email_key = emails.normalise(twin.email)
    twin.email_skeleton = emails.skeleton(twin.email)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([twin])  # bulk_create skips save(): only the constraint is left


def test_email_refusal_tells_the_same_address_from_a_look_alike(essen):
    user = make_user(REAL)
    assert email_refusal(REAL).code == "duplicate_email"
    assert email_refusal("ilka@essen-mıtte.de").code == "confusable_email"
    assert email_refusal(REAL, exclude_pk=user.pk) is None
    assert email_refusal("x@" + "\ufdfa" * 100 + ".de").code == "email_too_long"


def test_the_data_migration_fills_the_keys_of_existing_accounts(essen):
    user = make_user(REAL)
    User.objects.filter(pk=user.pk).update(email_key="alt", email_skeleton="alt")
    migration = importlib.import_module("quartier.accounts.migrations.0007_fill_user_email_keys")
    migration.fill(apps, None)
    user.refresh_from_db()
    assert (user.email_key, user.email_skeleton) == (emails.normalise(REAL), emails.skeleton(REAL))


# --- every path that creates or renames an account -----------------------------------------------------------


@pytest.fixture
def platform_client(client, platform_admin):
    client.force_login(platform_admin)
    return client


def admin_add(client, email):
    return client.post(
        "/verwaltung/accounts/user/add/",
        {
            "email": email,
            "first_name": "Zweite",
            "last_name": "Person",
            "usable_password": "true",
            "password1": "ein-langes-passwort-2026",
            "password2": "ein-langes-passwort-2026",
            "_save": "Sichern",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
        **H,
    )


@pytest.mark.parametrize(
    "variant", ["ilka@essen-mıtte.de", "ilka@essen-m\u0456tte.de", "ilka@essen-mit\u200dte.de"]
)
def test_the_admin_add_form_refuses_a_look_alike(platform_client, variant):
    make_user(REAL)
    r = admin_add(platform_client, variant)
    assert r.status_code == 200
    assert CONFUSABLE_MESSAGE in r.content.decode()
    assert not User.objects.filter(first_name="Zweite").exists()


def test_the_admin_add_form_still_adds_a_distinct_address(platform_client):
    make_user(REAL)
    assert admin_add(platform_client, "ilka@essen-nord.de").status_code == 302
    assert emails.account_for("ilka@essen-nord.de").first_name == "Zweite"


def test_the_admin_change_form_refuses_renaming_to_a_look_alike(platform_client, coordinator_iv):
    make_user(REAL)
    url = f"/verwaltung/accounts/user/{coordinator_iv.pk}/change/"
    r = platform_client.post(
        url,
        {
            "username": coordinator_iv.username,
            "email": "ilka@essen-mıtte.de",
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
    assert CONFUSABLE_MESSAGE in r.content.decode()
    coordinator_iv.refresh_from_db()
    assert coordinator_iv.email == "iv-demo@example.org"


@pytest.fixture
def city_admin(essen):
    return make_user("stadt-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)


def test_the_people_invitation_refuses_a_look_alike(client, essen, city_admin):
    from quartier.places.models import District

    make_user(REAL)
    client.force_login(city_admin)
    r = client.post(
        "/de/arbeitsbereich/personen/einladen/",
        {
            "email": "ilka@essen-mıtte.de",
            "first_name": "Nora",
            "last_name": "Neumann",
            "coordinator_districts": [District.objects.get(city=essen, number="III").pk],
        },
        **H,
    )
    assert r.status_code == 400
    assert CONFUSABLE_MESSAGE in r.content.decode()
    assert not User.objects.filter(first_name="Nora").exists()
    assert not mail.outbox


def test_the_staff_invitation_service_refuses_a_look_alike(essen, city_admin):
    make_user(REAL)
    with pytest.raises(ValidationError) as refused:
        services.staff_invite(
            actor=city_admin,
            city=essen,
            email="ilka@essen-m\u0456tte.de",
            first_name="Nora",
            last_name="Neumann",
            grants=[(Role.FALLBACK, None)],
            accept_url_for=lambda token: f"http://127.0.0.1/{token}/",
        )
    assert CONFUSABLE_MESSAGE in " ".join(refused.value.messages)
    assert not mail.outbox


def test_organisation_invitations_refuse_a_look_alike_when_sent_and_when_accepted(essen, city_admin):
    organisation = Organisation.objects.create(
        city=essen, name="Demo-Verein", slug="demo-v", kind="association"
    )

    def send(email):
        return organisation_services.invitation_send(
            actor=city_admin,
            organisation=organisation,
            email=email,
            accept_url_for=lambda token: f"http://127.0.0.1/de/einladung/{token}/",
        )

    send("ilka@essen-mıtte.de")  # no account looks like it yet
    token = re.search(r"/de/einladung/([\w-]+)/", mail.outbox[-1].body).group(1)
    make_user(REAL)  # meanwhile the real address gets an account
    with pytest.raises(ValidationError) as refused:
        send("ilka@essen-m\u0456tte.de")
    assert CONFUSABLE_MESSAGE in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        organisation_services.invitation_accept(
            token=token, first_name="Ilka", last_name="Zwilling", password="ein-langes-passwort-1"
        )
    assert CONFUSABLE_MESSAGE in " ".join(refused.value.messages)
    assert User.objects.filter(email_skeleton=emails.skeleton(REAL)).count() == 1


def test_createsuperuser_refuses_a_look_alike_with_a_message(essen, monkeypatch):
    make_user(REAL)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "ein-langes-passwort-2026")
    with pytest.raises(CommandError, match=CONFUSABLE_MESSAGE):
        call_command(
            "createsuperuser",
            interactive=False,
            email="ilka@essen-mıtte.de",
            username="zwilling",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    call_command(
        "createsuperuser",
        interactive=False,
        email="root-neu@example.org",
        username="root-neu",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert User.objects.get_by_natural_key("root-neu@example.org").is_superuser
