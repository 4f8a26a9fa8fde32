from django.db import migrations, models


class Migration(migrations.Migration):
    """The address as an identity, step 1 of 3: the columns, empty (0007 fills them, 0008 makes them unique)."""

    dependencies = [
        ("accounts", "0005_german_admin_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_key",
            field=models.CharField(
                editable=False, max_length=1024, null=True, verbose_name="E-Mail-Adresse (normalisiert)"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="email_skeleton",
            field=models.CharField(
                editable=False, max_length=1024, null=True, verbose_name="E-Mail-Adresse (Verwechslungsform)"
            ),
        ),
    ]
