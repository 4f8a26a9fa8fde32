"""The durable outbox: mail is stored first, delivered by `send_outbox`, retried when the server fails."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command
from django.utils import timezone

from quartier.core.mail import deliver_outbox
from quartier.core.models import OutboxMessage


@pytest.fixture
def outbox_settings(settings):
    settings.EMAIL_BACKEND = "quartier.core.mail.OutboxBackend"
    settings.EMAIL_DELIVERY = {"backend": "django.core.mail.backends.locmem.EmailBackend"}
    return settings


def test_mail_is_stored_then_delivered(db, outbox_settings):
    send_mail("Betreff", "Text", "von@example.org", ["an@example.org"])
    item = OutboxMessage.objects.get()
    assert item.state == OutboxMessage.State.PENDING and mail.outbox == []
    out = io.StringIO()
    call_command("send_outbox", stdout=out)
    assert "sent 1" in out.getvalue()
    item.refresh_from_db()
    assert item.state == OutboxMessage.State.SENT and item.sent_at
    assert mail.outbox[0].subject == "Betreff" and mail.outbox[0].to == ["an@example.org"]
    deliver_outbox()
    assert len(mail.outbox) == 1  # never twice


def test_failed_delivery_is_kept_and_retried_later(db, outbox_settings):
    send_mail("Betreff", "Text", "von@example.org", ["an@example.org"])
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError):
        assert deliver_outbox() == {"sent": 0, "failed": 1, "purged": 0}
    item = OutboxMessage.objects.get()
    assert (
        item.state == OutboxMessage.State.PENDING
        and item.attempts == 1
        and item.next_attempt_at > timezone.now()
    )
    assert item.last_error == "ConnectionRefusedError"
    assert deliver_outbox()["sent"] == 0  # not yet due
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert deliver_outbox()["sent"] == 1


def test_gives_up_after_the_maximum_attempts(db, outbox_settings):
    outbox_settings.OUTBOX_MAX_ATTEMPTS = 2
    send_mail("Betreff", "Text", "von@example.org", ["an@example.org"])
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError):
        deliver_outbox()
        OutboxMessage.objects.update(next_attempt_at=None)
        deliver_outbox()
    assert OutboxMessage.objects.get().state == OutboxMessage.State.FAILED


def test_sent_messages_are_purged_after_the_retention_period(db, outbox_settings):
    send_mail("Betreff", "Text", "von@example.org", ["an@example.org"])
    deliver_outbox()
    OutboxMessage.objects.update(sent_at=timezone.now() - timedelta(days=31))
    assert deliver_outbox(retention_days=30)["purged"] == 1
    assert not OutboxMessage.objects.exists()
