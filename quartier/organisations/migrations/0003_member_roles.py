import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLE_CHOICES = [("manager", "Verwalter*in"), ("member", "Mitglied")]


def existing_members_manage(apps, schema_editor):
    """Everyone who was a member could invite before; they stay able to (managers). The inviter of each accepted
    invitation is recorded, so that a membership someone gave themselves is recognised as such."""
    OrganisationMember = apps.get_model("organisations", "OrganisationMember")
    Invitation = apps.get_model("organisations", "Invitation")
    OrganisationMember.objects.update(role="manager")
    accepted = Invitation.objects.filter(accepted_at__isnull=False, invited_by__isnull=False).order_by(
        "accepted_at"
    )
    for invitation in accepted.iterator():
        OrganisationMember.objects.filter(
            organisation_id=invitation.organisation_id,
            user__email__iexact=invitation.email,
            added_by__isnull=True,
        ).update(added_by_id=invitation.invited_by_id)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_german_admin_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="role",
            field=models.CharField(choices=ROLE_CHOICES, default="member", max_length=10, verbose_name="Rolle"),
        ),
        migrations.AddField(
            model_name="organisationmember",
            name="added_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="aufgenommen von",
            ),
        ),
        migrations.AddField(
            model_name="organisationmember",
            name="role",
            field=models.CharField(choices=ROLE_CHOICES, default="member", max_length=10, verbose_name="Rolle"),
        ),
        migrations.RunPython(existing_members_manage, migrations.RunPython.noop),
    ]
