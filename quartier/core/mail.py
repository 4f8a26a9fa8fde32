"""The durable outbox: Django's mail API writes rows; `send_outbox` delivers them with retries."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)


class OutboxBackend(BaseEmailBackend):
    """Stores each message in the outbox table instead of talking to a mail server."""

    def send_messages(self, email_messages) -> int:
        stored = 0
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []) or []:
                if mimetype == "text/html":
                    html = content
            OutboxMessage.objects.create(
                subject=str(message.subject)[:998],
                from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                reply_to=list(message.reply_to),
                body=message.body,
                html_body=html,
                headers=dict(message.extra_headers),
            )
            stored += 1
        return stored


def _delivery_connection():
    options = dict(settings.EMAIL_DELIVERY)
    backend = options.pop("backend")
    return get_connection(backend, fail_silently=False, **options)


def deliver_outbox(*, limit: int = 200, retention_days: int = 30) -> dict[str, int]:
    """Send pending messages; failures are retried later with growing delay. Returns counts."""
    now = timezone.now()
    sent = failed = 0
    with transaction.atomic():
        batch = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxMessage.State.PENDING)
            .exclude(next_attempt_at__gt=now)
            .order_by("created_at")[:limit]
        )
        if batch:
            connection = _delivery_connection()
            for item in batch:
                message = EmailMultiAlternatives(
                    subject=item.subject,
                    body=item.body,
                    from_email=item.from_email,
                    to=item.to,
                    cc=item.cc,
                    bcc=item.bcc,
                    reply_to=item.reply_to,
                    headers=item.headers,
                    connection=connection,
                )
                if item.html_body:
                    message.attach_alternative(item.html_body, "text/html")
                item.attempts += 1
                try:
                    message.send()
                except Exception as exc:  # any transport error: keep the message and retry later
                    failed += 1
                    item.last_error = f"{type(exc).__name__}"[:500]
                    if item.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                        item.state = OutboxMessage.State.FAILED
                        log.error(
                            "outbox message %s failed for good after %s attempts", item.pk, item.attempts
                        )
                    else:
                        item.next_attempt_at = now + timedelta(minutes=2**item.attempts)
                        log.warning("outbox message %s failed (%s), retry later", item.pk, item.last_error)
                else:
                    sent += 1
                    item.state = OutboxMessage.State.SENT
                    item.sent_at = now
                    item.last_error = ""
                item.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at", "last_error"])
    purged, _ = OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENT, sent_at__lt=now - timedelta(days=retention_days)
    ).delete()
    return {"sent": sent, "failed": failed, "purged": purged}
