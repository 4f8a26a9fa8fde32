# Staff invitations (one-time links) and the session generation that ends sessions on deactivation.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_work_digest_sent_at_user_work_mail'),
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='session_generation',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.CreateModel(
            name='StaffInvitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField(verbose_name='gültig bis')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='angenommen am')),
                ('city', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_invitations', to='places.city', verbose_name='Stadt')),
                ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='eingeladen von')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_invitations', to=settings.AUTH_USER_MODEL, verbose_name='Person')),
            ],
            options={
                'verbose_name': 'Einladung ins Team',
                'verbose_name_plural': 'Einladungen ins Team',
                'ordering': ['-created_at'],
            },
        ),
    ]
