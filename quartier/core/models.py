"""Base models shared by every app: timestamps, the audit log and the mail outbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Who did what to which record, and when; the values before and after for changes.

    Purpose: accountability of staff actions. Holds the acting user's id and the changed field values; entries
    are kept as long as the records they describe (deleting a user keeps the entry with the actor unset).
    """

    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ausgeführt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("Kennung"), max_length=254, blank=True)
    action = models.CharField(_("Aktion"), max_length=80)
    target_type = models.CharField(_("Objektart"), max_length=80)
    target_id = models.CharField(_("Objekt-ID"), max_length=64)
    target_label = models.CharField(_("Objekt"), max_length=255, blank=True)
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True)
    # The city whose data the entry is about (core.audit.city_of), so that each city's administrators read their
    # own log; empty when the target belongs to no city or several.
    city = models.ForeignKey(
        "places.City",
        verbose_name=_("Stadt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Änderungsprotokoll")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["city", "-created_at"], name="audit_city_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"


class OutboxMessage(models.Model):
    """An e-mail waiting to be delivered, or delivered.

    Purpose: no notification is lost when the mail server fails. Holds recipient addresses and the text;
    delivered messages are deleted after QUARTIER_OUTBOX_RETENTION_DAYS by `send_outbox`.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENT = "sent", _("versendet")
        FAILED = "failed", _("endgültig fehlgeschlagen")

    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    state = models.CharField(
        _("Zustand"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    subject = models.CharField(_("Betreff"), max_length=998)
    from_email = models.CharField(_("Absender"), max_length=254)
    to = models.JSONField(_("An"), default=list)
    cc = models.JSONField(_("Kopie an"), default=list, blank=True)
    bcc = models.JSONField(_("Blindkopie an"), default=list, blank=True)
    reply_to = models.JSONField(_("Antwort an"), default=list, blank=True)
    body = models.TextField(_("Text"))
    html_body = models.TextField(_("HTML-Text"), blank=True)
    headers = models.JSONField(_("Kopfzeilen"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    sent_at = models.DateTimeField(_("versendet am"), null=True, blank=True)
    last_error = models.CharField(_("letzter Fehler"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("E-Mail im Postausgang")
        verbose_name_plural = _("Postausgang")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.subject


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key` header (decision 0004).

    A repeat with the same key and body gets this answer again; the same key with another body gets 409. Kept
    24 hours (`manage.py purge_idempotency_keys`). Holds no personal data beyond what the answer holds (ids and
    links).
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
