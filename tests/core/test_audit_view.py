"""The audit log page ("Protokoll") for city administrators: their city only, filters, pages, CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.core.audit import audit_record, city_of
from quartier.core.models import AuditEntry
from quartier.organisations.models import Organisation
from quartier.places.models import City
from tests.conftest import make_user

H = {"HTTP_HOST": "127.0.0.1"}
URL = "/de/arbeitsbereich/protokoll/"
ORG = "organisations.organisation"
CSV = "/de/arbeitsbereich/protokoll/protokoll.csv"


@pytest.fixture
def city_admin(essen):
    user = make_user("stadt-admin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    user.first_name, user.last_name = "Ada", "Admin"
    user.save()
    return user


@pytest.fixture
def other_city(db):
    return City.objects.create(slug="musterstadt", name="Musterstadt")


@pytest.fixture
def entries(essen, other_city, coordinator_iii):
    AuditEntry.objects.all().delete()  # the reference data's load entries; each test states its own
    here = Organisation.objects.create(city=essen, name="Demo-Verein Essen", slug="ve", kind="association")
    there = Organisation.objects.create(city=other_city, name="Fremder Verein", slug="vf", kind="association")
    audit_record(actor=coordinator_iii, action="suggestion.viewed", target=here)
    audit_record(actor=coordinator_iii, action="registration.exported", target=here, changes={"rows": 3})
    audit_record(
        actor=coordinator_iii, action="organisation.updated", target=here, changes={"name": ["a", "b"]}
    )
    audit_record(actor=None, action="organisation.updated", target=there, changes={"name": ["x", "y"]})
    return here, there


def rows_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_audit_record_finds_the_city_of_its_target(essen, other_city, entries, coordinator_iii):
    here, there = entries
    assert city_of(here) == essen.pk and city_of(there) == other_city.pk
    assert city_of(essen) == essen.pk
    assert city_of(coordinator_iii) == essen.pk  # roles in one city only
    assert AuditEntry.objects.filter(target_type=ORG, target_id=str(here.pk), city=essen).count() == 3
    entry = audit_record(actor=None, action="x.changed", target=here, city=other_city)
    assert entry.city_id == other_city.pk  # an explicit city wins


def test_only_the_own_citys_entries_are_listed(client, essen, entries, city_admin):
    client.force_login(city_admin)
    page = client.get(URL, **H)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Demo-Verein Essen" in text and "Fremder Verein" not in text
    assert "3 Einträge" in text
    assert "suggestion.viewed" in text and "angesehen" in text


def test_other_roles_get_no_log(client, essen, entries, coordinator_iii):
    client.force_login(coordinator_iii)
    assert client.get(URL, **H).status_code == 403
    assert client.get(CSV, **H).status_code == 403


def test_an_administrator_of_another_city_sees_nothing_of_this_one(client, essen, other_city, entries):
    foreign = make_user("fremd-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=other_city)
    client.force_login(foreign)
    assert client.get(URL, **H).status_code == 403  # the request's city is Essen; they have no role here


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"kind": "viewed"}, ["suggestion.viewed"]),
        ({"kind": "exported"}, ["registration.exported"]),
        ({"kind": "changed"}, ["organisation.updated"]),
        ({"object_type": "organisations.organisation"}, None),
        ({"object_type": "suggestions.suggestion"}, []),
        ({"q": "demo-verein"}, None),
        ({"q": "fremder"}, []),
        ({"person": "uhl-demo"}, None),
        ({"person": "niemand"}, []),
    ],
)
def test_filters(client, essen, entries, city_admin, query, expected):
    client.force_login(city_admin)
    r = client.get(URL, query, **H)
    assert r.status_code == 200
    got = [row[2] for row in rows_of(client.get(CSV, query, **H))[1:]]
    if expected is None:
        expected = ["organisation.updated", "registration.exported", "suggestion.viewed"]
    assert got == expected


def test_period_filter_counts_whole_days(client, essen, entries, city_admin):
    old = AuditEntry.objects.get(action="suggestion.viewed")
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    client.force_login(city_admin)
    today = timezone.localdate().isoformat()
    recent = [r[2] for r in rows_of(client.get(CSV, {"since": today, "until": today}, **H))[1:]]
    assert "suggestion.viewed" not in recent and "registration.exported" in recent
    long_ago = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert [r[2] for r in rows_of(client.get(CSV, {"since": long_ago, "until": long_ago}, **H))[1:]] == [
        "suggestion.viewed"
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"since": "gestern"},
        {"since": "2026-13-45"},
        {"until": "9999-12-31"},
        {"since": "2026-05-02", "until": "2026-05-01"},
        {"kind": "everything"},
        {"object_type": "auth.permission"},
        {"q": "x" * 201},
        {"person": "y" * 5000},
        {"since": "\x00"},
    ],
)
def test_hostile_or_invalid_filters_are_a_clear_400(client, essen, entries, city_admin, query):
    client.force_login(city_admin)
    r = client.get(URL, query, **H)
    assert r.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben." in r.content.decode()
    exports = AuditEntry.objects.filter(action="audit.exported").count()
    assert client.get(CSV, query, **H).status_code == 400
    assert AuditEntry.objects.filter(action="audit.exported").count() == exports


@pytest.mark.parametrize("page", ["999", "-1", "abc", "1" * 500, "%00"])
def test_any_page_number_shows_a_page(client, essen, entries, city_admin, page):
    client.force_login(city_admin)
    assert client.get(URL, {"page": page}, **H).status_code == 200


def test_pages_of_fifty(client, essen, entries, city_admin, django_assert_max_num_queries):
    here, _there = entries
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action="event.updated",
            target_type="events.event",
            target_id=str(i),
            target_label=f"E{i}",
            city=essen,
        )
        for i in range(60)
    )
    client.force_login(city_admin)
    with django_assert_max_num_queries(20):
        first = client.get(URL, **H).content.decode()
    assert "Seite 1 von 2" in first and "nächste Seite" in first
    second = client.get(URL, {"page": 2, "kind": "changed"}, **H).content.decode()
    assert "Seite 2 von 2" in second and "kind=changed" in second


def test_export_is_formula_safe_and_itself_recorded(client, essen, city_admin):
    AuditEntry.objects.all().delete()
    org = Organisation.objects.create(city=essen, name='=HYPERLINK("http://x")', slug="f", kind="association")
    audit_record(actor=city_admin, action="organisation.updated", target=org)
    client.force_login(city_admin)
    r = client.get(CSV, {"kind": "changed"}, **H)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = rows_of(r)
    assert rows[0][0] == "Zeitpunkt"
    assert rows[1][6].startswith("'=")
    assert rows[1][1] == "Ada Admin (stadt-admin-demo@example.org)"
    exported = AuditEntry.objects.get(action="audit.exported")
    assert exported.city_id == essen.pk and exported.actor == city_admin
    assert exported.changes == {"filters": {"kind": "changed"}, "entries": 1}


def test_platform_admins_also_see_entries_without_a_city(client, essen, entries, platform_admin, city_admin):
    AuditEntry.objects.create(
        action="admin.changed", target_type="auth.group", target_id="1", target_label="Gruppe"
    )
    client.force_login(platform_admin)
    assert "Gruppe" in client.get(URL, **H).content.decode()
    client.force_login(city_admin)
    assert "Gruppe" not in client.get(URL, **H).content.decode()


def test_the_menu_links_the_log_for_administrators_only(client, essen, city_admin, coordinator_iii):
    client.force_login(city_admin)
    assert 'href="/de/arbeitsbereich/protokoll/"' in client.get("/de/arbeitsbereich/", **H).content.decode()
    client.force_login(coordinator_iii)
    assert (
        'href="/de/arbeitsbereich/protokoll/"' not in client.get("/de/arbeitsbereich/", **H).content.decode()
    )


def test_reading_an_account_in_personen_is_recorded(client, essen, city_admin, coordinator_iii):
    client.force_login(city_admin)
    assert client.get(f"/de/arbeitsbereich/personen/{coordinator_iii.pk}/", **H).status_code == 200
    entry = AuditEntry.objects.get(action="account.viewed")
    assert entry.target_id == str(coordinator_iii.pk) and entry.city_id == essen.pk


def test_the_migration_backfills_the_city_where_it_can(essen, entries, coordinator_iii):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("quartier.core.migrations.0004_auditentry_city")
    here, there = entries
    AuditEntry.objects.update(city=None)
    AuditEntry.objects.create(action="x", target_type="accounts.user", target_id=str(coordinator_iii.pk))
    AuditEntry.objects.create(action="x", target_type="events.event", target_id="not-a-number")
    AuditEntry.objects.create(action="x", target_type="gone.model", target_id="1")
    migration.backfill_city(apps, None)
    assert AuditEntry.objects.get(action="x", target_type="accounts.user").city_id == essen.pk
    assert AuditEntry.objects.filter(target_type=ORG, target_id=str(here.pk), city=essen).count() == 3
    assert AuditEntry.objects.get(target_type=ORG, target_id=str(there.pk)).city_id == there.city_id
    assert (
        AuditEntry.objects.filter(target_type__in=["events.event", "gone.model"], city__isnull=True).count()
        == 2
    )


def test_a_filter_that_matches_nothing_says_so(client, essen, entries, city_admin):
    client.force_login(city_admin)
    r = client.get(URL, {"q": "nichts-passt-hierzu"}, **H)
    assert r.status_code == 200
    page = r.content.decode()
    assert "Keine Einträge gefunden." in page and "als CSV herunterladen" not in page


def test_changed_fields_are_named_as_people_read_them(essen):
    from quartier.accounts.audit_log import changed_fields

    entry = AuditEntry(
        target_type="suggestions.suggestion", changes={"closed_at": [None, "x"], "unbekannt": [1, 2]}
    )
    assert changed_fields(entry) == "abgeschlossen am, unbekannt"
    assert changed_fields(AuditEntry(target_type="kein.modell", changes={"x": [1, 2]})) == "x"
