"""Offers (Angebote): the regular activities and services of organisations in the Stadtteile, with the categories
staff maintain. Search: search.py (one interface, FTS5 on SQLite and `german` text search on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.core.models import TimeStampedModel
from quartier.core.target_groups import OFFER_TARGET_GROUPS, target_group_choices

# Who an offer (or a project idea) is for. English slugs in the API, German labels on pages.
TargetGroup = target_group_choices("OfferTargetGroup", OFFER_TARGET_GROUPS)


class OfferCategory(TimeStampedModel):
    """A kind of offer (Sprachcafé, Deutschkurs, Beratung …), per city, maintained by staff in the admin."""

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="offer_categories", verbose_name=_("Stadt")
    )
    slug = models.SlugField(
        _("Kurzname"), max_length=60, help_text=_("englisch, für die API, z. B. language-cafe")
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    description = models.CharField(_("Erläuterung"), max_length=300, blank=True)
    ordinal = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Angebotskategorie")
        verbose_name_plural = _("Angebotskategorien")
        ordering = ["city", "ordinal", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="offer_category_slug_per_city")]

    def __str__(self) -> str:
        return self.name


class Offer(TimeStampedModel):
    """A regular activity or service of an organisation.

    Contact fields: the offer's public contact (a function mailbox or the organisation's office), stated by the
    organisation for people who want to take part; kept while the offer is listed and removed with it.
    """

    class Schedule(models.TextChoices):
        WEEKLY = "weekly", _("wöchentlich zu festen Zeiten")
        APPOINTMENT = "appointment", _("nach Vereinbarung")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")
        ARCHIVED = "archived", _("beendet")

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="offers", verbose_name=_("Stadt")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("Organisation"),
    )
    category = models.ForeignKey(
        OfferCategory, on_delete=models.PROTECT, related_name="offers", verbose_name=_("Kategorie")
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=220)
    description = models.TextField(_("Beschreibung"), max_length=5000)
    target_groups = models.JSONField(_("Zielgruppen"), default=list, blank=True)
    languages = models.JSONField(_("Sprachen"), default=list, blank=True)
    schedule = models.CharField(_("Zeiten"), max_length=12, choices=Schedule.choices, default=Schedule.WEEKLY)
    # [{"weekday": 0-6 (Monday 0), "start": "16:00", "end": "18:00"}]
    weekly_times = models.JSONField(_("wöchentliche Zeiten"), default=list, blank=True)
    schedule_note = models.CharField(_("Hinweis zu den Zeiten"), max_length=300, blank=True)
    citywide = models.BooleanField(_("für die ganze Stadt"), default=False)
    neighbourhoods = models.ManyToManyField(
        "places.Neighbourhood", related_name="offers", blank=True, verbose_name=_("Stadtteile")
    )
    venue_name = models.CharField(pgettext_lazy("venue", "Ort"), max_length=200, blank=True)
    venue_street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    venue_postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    latitude = models.FloatField(_("Breite"), null=True, blank=True)
    longitude = models.FloatField(_("Länge"), null=True, blank=True)
    is_free = models.BooleanField(_("kostenlos"), default=True)
    cost = models.CharField(_("Kosten"), max_length=200, blank=True)
    contact_name = models.CharField(_("Ansprechperson oder Stelle"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    step_free = models.BooleanField(_("stufenlos erreichbar"), default=False)
    hearing_loop = models.BooleanField(_("Induktionsschleife"), default=False)
    sign_language = models.BooleanField(_("Gebärdensprache"), default=False)
    childcare = models.BooleanField(_("Kinderbetreuung"), default=False)
    accessibility_note = models.CharField(_("Hinweise zur Barrierefreiheit"), max_length=300, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    confirmed_at = models.DateTimeField(_("zuletzt bestätigt"), default=timezone.now)
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet"), null=True, blank=True)
    confirm_token_hash = models.CharField(
        _("Bestätigungslink (Prüfwert)"), max_length=64, blank=True, editable=False, db_index=True
    )
    # Folded and stemmed title, description, category and organisation (search.document), read by both engines.
    search_document = models.TextField(_("Suchtext"), editable=False, blank=True, default="")
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="offer_slug_per_city")]
        indexes = [
            models.Index(fields=["city", "status", "confirmed_at"], name="offer_visible"),
            models.Index(fields=["city", "category", "status"], name="offer_category"),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def stale_after() -> timedelta:
        return timedelta(days=settings.OFFER_CONFIRM_DAYS)

    @staticmethod
    def hidden_after() -> timedelta:
        return timedelta(days=settings.OFFER_CONFIRM_DAYS + settings.OFFER_HIDE_AFTER_DAYS)


class SearchTerm(models.Model):
    """The words (lexemes) of all offers, for correcting typos with pg_trgm on PostgreSQL (search.py). SQLite
    reads its FTS5 vocabulary instead, so this table stays empty there."""

    term = models.CharField(max_length=60, unique=True)

    class Meta:
        verbose_name = _("Suchwort")
        verbose_name_plural = _("Suchwörter")

    def __str__(self) -> str:
        return self.term
