"""Postcode ↔ Stadtteil pairs get a model of their own (the existing table, kept as it is) with a source, so that
pairs added by the city survive `load_city` and are shown as such; postcodes get a source too."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PostcodeNeighbourhood",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "postcode",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pairs",
                                to="places.postcode",
                            ),
                        ),
                        (
                            "neighbourhood",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="postcode_pairs",
                                to="places.neighbourhood",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Zuordnung Postleitzahl – Stadtteil",
                        "verbose_name_plural": "Zuordnungen Postleitzahl – Stadtteil",
                        "db_table": "places_postcode_neighbourhoods",
                        # The table already has this uniqueness (made for the automatic many-to-many table).
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("postcode", "neighbourhood"), name="postcode_pair_once"
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="postcode",
                    name="neighbourhoods",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="postcodes",
                        through="places.PostcodeNeighbourhood",
                        to="places.neighbourhood",
                        verbose_name="Stadtteile",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="postcodeneighbourhood",
            name="source",
            field=models.CharField(
                choices=[("reference", "Referenzdaten"), ("city", "von der Stadt ergänzt")],
                default="reference",
                max_length=12,
                verbose_name="Quelle",
            ),
        ),
        migrations.AddField(
            model_name="postcodeneighbourhood",
            name="added_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ergänzt am"),
        ),
        migrations.AddField(
            model_name="postcodeneighbourhood",
            name="added_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ergänzt von",
            ),
        ),
        migrations.AddField(
            model_name="postcode",
            name="source",
            field=models.CharField(
                choices=[("reference", "Referenzdaten"), ("city", "von der Stadt ergänzt")],
                default="reference",
                max_length=12,
                verbose_name="Quelle",
            ),
        ),
    ]
