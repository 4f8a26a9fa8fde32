from collections import defaultdict

from django.db import migrations

from quartier.accounts import emails


def fill(apps, schema_editor):
    """Fill email_key and email_skeleton; stop with the accounts to fix when two of them look alike."""
    User = apps.get_model("accounts", "User")
    by_skeleton = defaultdict(list)
    for user in User.objects.only("pk", "email").iterator():
        user.email_key = emails.normalise(user.email)
        user.email_skeleton = emails.skeleton(user.email)
        by_skeleton[user.email_skeleton].append(user)
    clashes = [users for users in by_skeleton.values() if len(users) > 1]
    if clashes:
        listed = "; ".join(", ".join(f"{u.pk} <{u.email}>" for u in users) for users in clashes)
        raise RuntimeError(
            "These accounts have the same or look-alike e-mail addresses and cannot all keep them: "
            f"{listed}. Change or delete all but one of each group (docs/accounts-and-throttling.md), "
            "then migrate again."
        )
    users = [user for group in by_skeleton.values() for user in group]
    User.objects.bulk_update(users, ["email_key", "email_skeleton"], batch_size=500)


class Migration(migrations.Migration):
    """The address as an identity, step 2 of 3: keys for the existing accounts."""

    dependencies = [
        ("accounts", "0006_user_email_keys"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
