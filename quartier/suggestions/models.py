"""Suggestions from residents ("Vorschläge und Anregungen"), their steps, and the coordinators' notes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quartier.core.models import TimeStampedModel
from quartier.core.personal import PersonalRequest


class Suggestion(TimeStampedModel, PersonalRequest):
    """A resident's suggestion for a Stadtteil (or the whole city), and what became of it.

    Purpose: take up residents' ideas and tell them the outcome. Personal data: `name` and `email`, both optional
    and given with consent (`consent_at`), only to answer the writer. They are removed by
    `manage.py purge_suggestion_personal_data` (decision 0016): 6 months after the suggestion is
    closed, or 24 months after the last activity if it never closes (QUARTIER_SUGGESTION_* settings). The
    suggestion itself stays, anonymised. No IP address is stored; only a hash of the status-link token is kept.
    The consent, version, status-link, submission and retention fields come from `core.personal.PersonalRequest`.
    """

    class Topic(models.TextChoices):
        HOUSING = "housing", _("Wohnen")
        EDUCATION = "education", _("Bildung")
        WORK = "work", _("Arbeit")
        LANGUAGE = "language", _("Sprache")
        NEIGHBOURHOOD = "neighbourhood", _("Nachbarschaft")
        CHILDREN_YOUTH = "children_youth", _("Kinder und Jugend")
        HEALTH = "health", _("Gesundheit")
        LEISURE_SPORT = "leisure_sport", _("Freizeit und Sport")
        SAFETY = "safety", _("Sicherheit")
        OTHER = "other", _("Sonstiges")

    class Status(models.TextChoices):
        RECEIVED = "received", _("eingegangen")
        IN_PROGRESS = "in_progress", _("in Bearbeitung")
        FORWARDED = "forwarded", _("weitergeleitet")
        CLOSED = "closed", _("abgeschlossen")

    class Outcome(models.TextChoices):
        IMPLEMENTED = "implemented", _("umgesetzt")
        NOT_FEASIBLE = "not_feasible", _("nicht umsetzbar")
        COMMITTEE = "committee", _("an Gremium übergeben")

    class Channel(models.TextChoices):
        FORM = "form", _("Formular")
        API = "api", _("Schnittstelle")

    PERSONAL_FIELDS = ("name", "email")
    EMAIL_FIELD = "email"
    ENDED_STATUSES = frozenset({Status.CLOSED})
    STATUS_TOKEN_PURPOSE = "suggestion-status"

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("Stadt")
    )
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("Stadtteil"),
    )
    # Copied from the Stadtteil when the suggestion arrives: routing and district scope read it directly.
    district = models.ForeignKey(
        "places.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("Stadtbezirk"),
    )
    text = models.TextField(_("Vorschlag"), max_length=5000)
    topic = models.CharField(_("Thema"), max_length=20, choices=Topic.choices)
    language = models.CharField(_("Sprache der Seite"), max_length=10, default="de")
    channel = models.CharField(
        _("Eingang über"), max_length=10, choices=Channel.choices, default=Channel.FORM
    )
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    outcome = models.CharField(_("Ergebnis"), max_length=12, choices=Outcome.choices, blank=True)
    public_answer = models.TextField(_("öffentliche Antwort"), blank=True, max_length=5000)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_suggestions",
        verbose_name=_("zuständig"),
    )
    is_published = models.BooleanField(_("auf der Bezirksseite veröffentlicht"), default=False)
    published_text = models.TextField(_("veröffentlichter Text (ohne persönliche Angaben)"), blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["city", "district", "status", "created_at"], name="suggestion_inbox"),
            # The inbox, newest first, for one district (coordinators) and for the whole city (fallback team,
            # administrators); the filter columns are included so that counts are index-only scans on PostgreSQL.
            models.Index(
                fields=["city", "district", "-created_at", "-id"],
                include=["status", "topic", "assigned_to", "neighbourhood"],
                name="suggestion_inbox_recent",
            ),
            models.Index(
                fields=["city", "-created_at", "-id"],
                include=["district", "status", "topic", "assigned_to", "neighbourhood"],
                name="suggestion_city_recent",
            ),
            models.Index(fields=["city", "is_published", "published_at"], name="suggestion_published"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["city", "submission_key"], name="suggestion_submitted_once"),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(outcome=""),
                name="suggestion_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return _("Vorschlag %(number)s") % {"number": self.pk}


class SuggestionStep(models.Model):
    """One step of a suggestion's workflow, shown (without the actor) on the writer's status page."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="steps", verbose_name=_("Vorschlag")
    )
    from_status = models.CharField(
        _("von Status"), max_length=12, choices=Suggestion.Status.choices, blank=True
    )
    to_status = models.CharField(_("zu Status"), max_length=12, choices=Suggestion.Status.choices)
    outcome = models.CharField(_("Ergebnis"), max_length=12, choices=Suggestion.Outcome.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ausgeführt von"),
    )
    # Forwarding: to whom (an office or organisation) and what was sent; internal, never on the status page.
    forwarded_to = models.CharField(_("weitergeleitet an"), max_length=200, blank=True)
    forwarded_email = models.EmailField(_("E-Mail des Empfängers"), blank=True)
    message = models.TextField(_("Nachricht"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Schritt")
        verbose_name_plural = _("Schritte")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.from_status} → {self.to_status}"


class SuggestionNote(models.Model):
    """An internal note of the staff on a suggestion; never shown to the writer or the public."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="notes", verbose_name=_("Vorschlag")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("verfasst von"),
    )
    text = models.TextField(_("Notiz"), max_length=5000)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Notiz")
        verbose_name_plural = _("Notizen")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.created_at:%Y-%m-%d %H:%M}"
