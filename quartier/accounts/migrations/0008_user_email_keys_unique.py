from django.db import migrations, models


class Migration(migrations.Migration):
    """The address as an identity, step 3 of 3: one account per address and per look-alike form."""

    dependencies = [
        ("accounts", "0007_fill_user_email_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email_key",
            field=models.CharField(
                editable=False, max_length=1024, unique=True, verbose_name="E-Mail-Adresse (normalisiert)"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="email_skeleton",
            field=models.CharField(
                editable=False, max_length=1024, unique=True, verbose_name="E-Mail-Adresse (Verwechslungsform)"
            ),
        ),
    ]
