import contextlib

import django.db.models.deletion
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import migrations, models

# How a record reaches its city (the same order as core.audit.city_of); the first path that exists is used.
CITY_PATHS = (
    "city",
    "event__city",
    "organisation__city",
    "suggestion__city",
    "consultation__city",
    "offer__city",
    "neighbourhood__city",
    "district__city",
)
BATCH = 500


def _path_for(model):
    for path in CITY_PATHS:
        current = model
        try:
            for part in path.split("__"):
                field = current._meta.get_field(part)
                current = field.related_model
        except FieldDoesNotExist:
            continue
        if current is not None and current._meta.label_lower == "places.city":
            return path
    return None


def _cities_by_pk(apps, label, ids):
    """{target_id: city_id} for the records of one type that still exist and belong to one city."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return {}
    keys = []
    for value in ids:
        with contextlib.suppress(ValidationError):  # an id the model cannot read belongs to no record
            keys.append(model._meta.pk.to_python(value))
    if label == "places.city":
        return {str(pk): pk for pk in model.objects.filter(pk__in=keys).values_list("pk", flat=True)}
    if label == "accounts.user":
        Membership = apps.get_model("accounts", "Membership")
        cities = {}
        for user_id, city_id in Membership.objects.filter(user_id__in=keys).values_list("user_id", "city_id"):
            cities.setdefault(str(user_id), set()).add(city_id)
        return {pk: next(iter(c)) for pk, c in cities.items() if len(c) == 1}
    path = _path_for(model)
    if path is None:
        return {}
    rows = model.objects.filter(pk__in=keys).values_list("pk", path)
    return {str(pk): city_id for pk, city_id in rows if city_id is not None}


def backfill_city(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    # order_by(): the model's ordering would otherwise take part in DISTINCT.
    labels = (
        AuditEntry.objects.filter(city__isnull=True)
        .order_by()
        .values_list("target_type", flat=True)
        .distinct()
    )
    for label in list(labels):
        ids = list(
            AuditEntry.objects.filter(city__isnull=True, target_type=label)
            .order_by()
            .values_list("target_id", flat=True)
            .distinct()
        )
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            by_city = {}
            for target_id, city_id in _cities_by_pk(apps, label, chunk).items():
                by_city.setdefault(city_id, []).append(target_id)
            for city_id, target_ids in by_city.items():
                AuditEntry.objects.filter(
                    city__isnull=True, target_type=label, target_id__in=target_ids
                ).update(city_id=city_id)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_german_admin_labels"),
        ("places", "0003_german_admin_labels"),
        # The backfill reads the records the entries are about, so their tables must exist in their final shape.
        ("accounts", "0005_german_admin_labels"),
        ("events", "0007_german_admin_labels"),
        ("funding", "0002_german_admin_labels"),
        ("offers", "0004_german_admin_labels"),
        ("organisations", "0003_member_roles"),
        ("suggestions", "0003_german_admin_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="city",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="places.city",
                verbose_name="Stadt",
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["city", "-created_at"], name="audit_city_time"),
        ),
        migrations.RunPython(backfill_city, migrations.RunPython.noop),
    ]
