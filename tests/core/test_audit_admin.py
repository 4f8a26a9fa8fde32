"""Every change by staff in the admin keeps who changed what and when."""

from quartier.core.models import AuditEntry
from quartier.places.models import DistrictOffice

H = {"HTTP_HOST": "127.0.0.1"}


def test_admin_change_is_audited_with_old_and_new_values(client, essen, platform_admin):
    client.force_login(platform_admin)
    office = DistrictOffice.objects.get(city=essen, key="bezirk-i")
    url = f"/verwaltung/places/districtoffice/{office.pk}/change/"
    form = client.get(url, **H)
    assert form.status_code == 200
    data = {
        "city": essen.pk,
        "key": office.key,
        "name": office.name,
        "street": office.street,
        "postal_code": office.postal_code,
        "locality": office.locality,
        "phone": "0201-000000",
        "email": "bezirk-i@example.org",
        "opening_hours": "",
        "districts": [d.pk for d in office.districts.all()],
    }
    r = client.post(url, data, **H)
    assert r.status_code == 302, r.content.decode()[:2000]
    entry = AuditEntry.objects.filter(target_type="places.districtoffice", target_id=str(office.pk)).latest(
        "created_at"
    )
    assert entry.actor == platform_admin and entry.action == "admin.changed"
    assert entry.changes == {"phone": ["", "0201-000000"], "email": ["", "bezirk-i@example.org"]}
    assert entry.created_at is not None


def test_admin_delete_is_audited(client, essen, platform_admin):
    from quartier.places.models import Postcode

    client.force_login(platform_admin)
    postcode = Postcode.objects.get(city=essen, code="45276")
    r = client.post(f"/verwaltung/places/postcode/{postcode.pk}/delete/", {"post": "yes"}, **H)
    assert r.status_code == 302
    assert not Postcode.objects.filter(pk=postcode.pk).exists()
    entry = AuditEntry.objects.get(action="admin.deleted", target_id=str(postcode.pk))
    assert entry.actor == platform_admin and entry.changes["code"] == [None, "45276"]


def test_password_hashes_never_reach_the_audit_log(client, essen, platform_admin, coordinator_iii):
    client.force_login(platform_admin)
    url = f"/verwaltung/accounts/user/{coordinator_iii.pk}/password/"
    r = client.post(
        url,
        {
            "password1": "ein-neues-passwort-2026",
            "password2": "ein-neues-passwort-2026",
            "usable_password": "true",
        },
        **H,
    )
    assert r.status_code == 302
    for entry in AuditEntry.objects.all():
        assert "password" not in entry.changes


def test_contact_staff_must_be_coordinators_of_its_districts(
    client, essen, platform_admin, coordinator_iii, coordinator_iv
):
    from quartier.places.models import Contact

    client.force_login(platform_admin)
    contact = Contact.objects.get(city=essen, source_key="bezirk-iii:III")
    url = f"/verwaltung/places/contact/{contact.pk}/change/"
    data = {
        "city": essen.pk,
        "name": contact.name,
        "role": contact.role,
        "office": contact.office_id,
        "email": "",
        "phone": "",
        "districts": [d.pk for d in contact.districts.all()],
    }
    r = client.post(url, {**data, "staff": [coordinator_iv.pk]}, **H)
    assert r.status_code == 200
    assert "als Koordinator*in eingetragen" in r.content.decode()
    assert not contact.staff.exists()
    r = client.post(url, {**data, "staff": [coordinator_iii.pk]}, **H)
    assert r.status_code == 302
    assert list(contact.staff.all()) == [coordinator_iii]
    entry = AuditEntry.objects.filter(action="admin.relations_changed", target_id=str(contact.pk)).latest(
        "created_at"
    )
    assert entry.changes["staff"] == [[], [str(coordinator_iii.pk)]]
