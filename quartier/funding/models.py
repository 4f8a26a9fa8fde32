"""Funding advice (Förderberatung): programmes with their deadlines, and consultations on project ideas with
their proposed appointments and steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quartier.core.formatting import format_when
from quartier.core.models import TimeStampedModel
from quartier.core.personal import PersonalRequest


class FundingProgramme(TimeStampedModel):
    """A funding programme coordinators advise on, maintained by staff (admin)."""

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="funding_programmes", verbose_name=_("Stadt")
    )
    name = models.CharField(_("Name"), max_length=200)
    provider = models.CharField(_("Fördergeber"), max_length=200)
    target = models.TextField(_("Was gefördert wird"), max_length=2000)
    max_amount = models.DecimalField(
        _("Höchstbetrag (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    link = models.URLField(_("Link"), max_length=500, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeDeadline(models.Model):
    programme = models.ForeignKey(
        FundingProgramme, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("Förderprogramm")
    )
    date = models.DateField(_("Frist"))
    note = models.CharField(_("Hinweis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Antragsfrist")
        verbose_name_plural = _("Antragsfristen")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.programme}: {format_when(self.date, 'SHORT_DATE_FORMAT')}"


class FundingConsultation(TimeStampedModel, PersonalRequest):
    """A request for funding advice on a project idea, and its way to a running project.

    Purpose: advise the requester and keep the landscape of offers in view. Personal data: `contact_name`,
    `contact_email`, `contact_phone`, given with consent (`consent_at`) to arrange and hold the consultation.
    They are removed by `manage.py purge_funding_personal_data` like those of suggestions (decision 0016): 6 months
    after the consultation ends (rejected, withdrawn, or the project running), or 24 months after the last
    activity. The idea itself stays, anonymised. Only a hash of the status-link token is kept. The consent,
    version, status-link, submission and retention fields come from `core.personal.PersonalRequest`.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("angefragt")
        SLOTS_PROPOSED = "slots_proposed", _("Termine vorgeschlagen")
        APPOINTMENT_CONFIRMED = "appointment_confirmed", _("Termin bestätigt")
        ADVISED = "advised", _("beraten")
        APPLIED = "applied", _("Antrag gestellt")
        APPROVED = "approved", _("bewilligt")
        REJECTED = "rejected", _("abgelehnt")
        RUNNING = "running", _("Projekt läuft")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    class Channel(models.TextChoices):
        FORM = "form", _("Formular")
        API = "api", _("Schnittstelle")

    PERSONAL_FIELDS = ("contact_name", "contact_email", "contact_phone")
    EMAIL_FIELD = "contact_email"
    ENDED_STATUSES = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.RUNNING})
    STATUS_TOKEN_PURPOSE = "funding-status"

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="funding_consultations", verbose_name=_("Stadt")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding_consultations",
        verbose_name=_("Organisation"),
    )
    organisation_name = models.CharField(_("Organisation (Angabe)"), max_length=200, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    title = models.CharField(_("Titel der Projektidee"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=10_000)
    target_groups = models.JSONField(_("Zielgruppen"), default=list, blank=True)
    neighbourhoods = models.ManyToManyField(
        "places.Neighbourhood", related_name="funding_consultations", verbose_name=_("Stadtteile")
    )
    # The district of the first Stadtteil: routing and scope read it (the other Stadtteile' districts too).
    district = models.ForeignKey(
        "places.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_consultations",
        verbose_name=_("Stadtbezirk"),
    )
    districts = models.ManyToManyField(
        "places.District", related_name="+", blank=True, verbose_name=_("alle Stadtbezirke der Stadtteile")
    )
    period_start = models.DateField(_("geplanter Beginn"), null=True, blank=True)
    period_end = models.DateField(_("geplantes Ende"), null=True, blank=True)
    budget = models.DecimalField(
        _("geschätztes Budget (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    programmes = models.ManyToManyField(
        FundingProgramme,
        related_name="interested_consultations",
        blank=True,
        verbose_name=_("Förderprogramme von Interesse"),
    )
    language = models.CharField(_("Sprache der Seite"), max_length=10, default="de")
    channel = models.CharField(
        _("Eingang über"), max_length=10, choices=Channel.choices, default=Channel.FORM
    )
    status = models.CharField(
        _("Status"), max_length=24, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_consultations",
        verbose_name=_("zuständig"),
    )
    advice_notes = models.TextField(_("Notizen der Beratung"), blank=True, max_length=10_000)
    recommended_programmes = models.ManyToManyField(
        FundingProgramme,
        related_name="recommended_in",
        blank=True,
        verbose_name=_("empfohlene Förderprogramme"),
    )
    result_programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("Förderprogramm des Antrags"),
    )
    result_amount = models.DecimalField(
        _("bewilligter Betrag (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    offers = models.ManyToManyField(
        "offers.Offer",
        related_name="funding_consultations",
        blank=True,
        verbose_name=_("entstandene Angebote"),
    )
    events = models.ManyToManyField(
        "events.Event",
        related_name="funding_consultations",
        blank=True,
        verbose_name=_("entstandene Veranstaltungen"),
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Förderberatung")
        verbose_name_plural = _("Förderberatungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "submission_key"], name="consultation_submitted_once"),
        ]
        indexes = [
            models.Index(fields=["city", "district", "status", "created_at"], name="consultation_inbox")
        ]

    def __str__(self) -> str:
        return self.title


class ConsultationSlot(models.Model):
    """A time a coordinator offers for the consultation; the requester picks one by the status link."""

    consultation = models.ForeignKey(
        FundingConsultation, on_delete=models.CASCADE, related_name="slots", verbose_name=_("Förderberatung")
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Ort oder Hinweis"), max_length=200, blank=True)
    is_chosen = models.BooleanField(_("gewählt"), default=False)
    is_withdrawn = models.BooleanField(_("zurückgenommen"), default=False)

    class Meta:
        verbose_name = _("Terminvorschlag")
        verbose_name_plural = _("Terminvorschläge")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return format_when(self.starts_at, "SHORT_DATETIME_FORMAT")


class ConsultationStep(models.Model):
    """Every step of a consultation, with date and person (None: the requester or the system)."""

    consultation = models.ForeignKey(
        FundingConsultation, on_delete=models.CASCADE, related_name="steps", verbose_name=_("Förderberatung")
    )
    from_status = models.CharField(_("von Status"), max_length=24, blank=True)
    to_status = models.CharField(_("zu Status"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ausgeführt von"),
    )
    message = models.TextField(_("Nachricht"), blank=True, max_length=10_000)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Schritt")
        verbose_name_plural = _("Schritte")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"
