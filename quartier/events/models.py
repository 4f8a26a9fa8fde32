"""Programmes (series such as "Begegnungen im September") and events, with their review workflow."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.core.models import TimeStampedModel
from quartier.core.target_groups import EVENT_TARGET_GROUPS, target_group_choices


class Programme(TimeStampedModel):
    """A series of events, e.g. "Begegnungen im September 2021 – Stadtbezirk III"."""

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="programmes", verbose_name=_("Stadt")
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=220)
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"))
    description = models.TextField(_("Beschreibung"), blank=True, max_length=10_000)
    districts = models.ManyToManyField(
        "places.District", related_name="programmes", blank=True, verbose_name=_("Stadtbezirke")
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Programm")
        verbose_name_plural = _("Programme")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="programme_slug_per_city"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="programme_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Event(TimeStampedModel):
    """One event, or a recurring one (weekly or monthly, with exceptions).

    Title and description are kept in this one place so that per-language translation rows can be added later
    (decision 0007).
    """

    class Type(models.TextChoices):
        SPECIALIST = "specialist_event", _("Fachveranstaltung")
        FORUM = "forum", _("Forum")
        CONFERENCE = "integration_conference", _("Integrationskonferenz")
        OPEN_DAY = "open_day", _("Tag der offenen Tür")
        INFORMATION_EVENING = "information_evening", _("Informationsabend")
        MEETING = "meeting", _("Treffen/Begegnung")
        COURSE = "course", _("Kurs")
        FESTIVAL = "festival", _("Fest")
        OTHER = "other", _("Sonstiges")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "angelegt")
        SUBMITTED = "submitted", _("eingereicht")
        RETURNED = "returned", _("zurückgegeben")
        PUBLISHED = "published", _("veröffentlicht")
        REJECTED = "rejected", _("abgelehnt")
        CANCELLED = "cancelled", _("abgesagt")

    class Recurrence(models.TextChoices):
        NONE = "none", _("einmalig")
        WEEKLY = "weekly", _("wöchentlich")
        MONTHLY = "monthly", _("monatlich")

    class Registration(models.TextChoices):
        NONE = "none", _("ohne Anmeldung")
        REQUIRED = "required", _("Anmeldung erforderlich")
        LIMITED = "limited", _("begrenzte Plätze mit Warteliste")

    TargetGroup = target_group_choices("EventTargetGroup", EVENT_TARGET_GROUPS)

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="events", verbose_name=_("Stadt")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("Programm"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("veranstaltende Organisation"),
    )
    co_organisers = models.ManyToManyField(
        "organisations.Organisation",
        related_name="co_organised_events",
        blank=True,
        verbose_name=_("weitere Veranstaltende"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=220)
    description = models.TextField(_("Beschreibung"), max_length=10_000)
    type = models.CharField(_("Art"), max_length=30, choices=Type.choices)
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    recurrence = models.CharField(
        _("Wiederholung"), max_length=10, choices=Recurrence.choices, default=Recurrence.NONE
    )
    recurrence_until = models.DateField(_("Wiederholung bis"), null=True, blank=True)
    exceptions = models.JSONField(_("Ausnahmen (Daten ohne Termin)"), default=list, blank=True)
    online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("Link zur Online-Veranstaltung"), blank=True, max_length=500)
    venue_name = models.CharField(pgettext_lazy("venue", "Ort"), max_length=200, blank=True)
    venue_street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    venue_postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("Stadtteil"),
    )
    latitude = models.FloatField(_("Breite"), null=True, blank=True)
    longitude = models.FloatField(_("Länge"), null=True, blank=True)
    languages = models.JSONField(_("Sprachen"), default=list, blank=True)
    target_groups = models.JSONField(_("Zielgruppen"), default=list, blank=True)
    step_free = models.BooleanField(_("stufenlos erreichbar"), default=False)
    hearing_loop = models.BooleanField(_("Induktionsschleife"), default=False)
    sign_language = models.BooleanField(_("Gebärdensprache"), default=False)
    childcare = models.BooleanField(_("Kinderbetreuung"), default=False)
    is_free = models.BooleanField(_("kostenlos"), default=True)
    cost = models.CharField(_("Kosten"), max_length=200, blank=True)
    registration = models.CharField(
        pgettext_lazy("event registration", "Anmeldung"),
        max_length=10,
        choices=Registration.choices,
        default=Registration.NONE,
    )
    capacity = models.PositiveIntegerField(_("Plätze"), null=True, blank=True)
    waiting_list_size = models.PositiveIntegerField(
        _("Plätze auf der Warteliste"),
        null=True,
        blank=True,
        help_text=_("Leer: unbegrenzt; 0: keine Warteliste."),
    )
    registration_deadline = models.DateTimeField(
        _("Anmeldeschluss"),
        null=True,
        blank=True,
        help_text=_("Danach nimmt das Formular keine Anmeldungen mehr an. Leer: bis zum Beginn des Termins."),
    )
    image = models.ImageField(_("Bild"), upload_to="events/", blank=True, max_length=200)
    image_alt = models.CharField(_("Bildbeschreibung (Alternativtext)"), max_length=300, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_message = models.TextField(_("Nachricht der Prüfung"), blank=True, max_length=2000)
    cancel_reason = models.TextField(_("Grund der Absage"), blank=True, max_length=2000)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)
    # A proposed change of a published event: a row of its own that goes through review (draft → submitted →
    # published) while the published version stays public; publishing it copies it onto `revision_of` and
    # deletes it (services.event_transition).
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("Änderung von"),
    )

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["city", "status", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(registration="limited") | models.Q(capacity__gt=0),
                name="event_limited_has_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def district(self):
        return self.neighbourhood.district if self.neighbourhood_id else None

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("Das Ende muss nach dem Beginn liegen.")
        if self.registration == self.Registration.LIMITED and not self.capacity:
            errors["capacity"] = _("Bei begrenzten Plätzen geben Sie bitte die Zahl der Plätze an.")
        if self.recurrence != self.Recurrence.NONE and not self.recurrence_until:
            errors["recurrence_until"] = _("Bitte geben Sie an, bis wann die Veranstaltung sich wiederholt.")
        if self.recurrence_until and self.start and self.recurrence_until < self.start.date():
            errors["recurrence_until"] = _("Das Ende der Wiederholung liegt vor dem ersten Termin.")
        if not self.online and not self.neighbourhood_id and not self.venue_name:
            errors["venue_name"] = _("Bitte geben Sie einen Ort an oder wählen Sie „online“.")
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Bitte beschreiben Sie das Bild für Menschen, die es nicht sehen können.")
        if self.registration_deadline and self.registration == self.Registration.NONE:
            errors["registration_deadline"] = _(
                "Ein Anmeldeschluss ist nur bei Veranstaltungen mit Anmeldung möglich."
            )
        if (
            self.registration_deadline
            and self.start
            and self.recurrence == self.Recurrence.NONE
            and self.registration_deadline > self.start
        ):
            errors["registration_deadline"] = _("Der Anmeldeschluss muss vor dem Beginn liegen.")
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = _("Bitte geben Sie beide Koordinaten an oder keine.")
        if self.neighbourhood_id and self.neighbourhood.city_id != self.city_id:
            errors["neighbourhood"] = _("Der Stadtteil gehört zu einer anderen Stadt.")
        if self.organisation_id and self.organisation.city_id != self.city_id:
            errors["organisation"] = _("Die Organisation gehört zu einer anderen Stadt.")
        if not isinstance(self.exceptions, list) or not all(
            isinstance(d, str) and len(d) == 10 for d in self.exceptions
        ):
            errors["exceptions"] = _("Ausnahmen sind eine Liste von Daten (JJJJ-MM-TT).")
        if errors:
            raise ValidationError(errors)


class EventStep(models.Model):
    """One step of an event's workflow: who moved it from which state to which, when, and with what message."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="steps", verbose_name=_("Veranstaltung")
    )
    from_status = models.CharField(_("von Status"), max_length=10, choices=Event.Status.choices)
    to_status = models.CharField(_("zu Status"), max_length=10, choices=Event.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ausgeführt von"),
    )
    message = models.TextField(_("Nachricht"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Schritt")
        verbose_name_plural = _("Schritte")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.event}: {self.from_status} → {self.to_status}"


class EventOccurrence(models.Model):
    """One occurrence of a public (published or cancelled) event, kept so that lists filter, sort and page in SQL.

    Derived data: written only by `services.event_occurrences_sync` whenever an event enters, leaves or changes in the
    public set, and rebuilt for all events by `manage.py rebuild_occurrences`. `city` is copied from the event so
    that the common query (a city's occurrences in a window, by start) is one index range scan.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrence_rows")
    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "event_id"]
        indexes = [models.Index(fields=["city", "start", "event"], name="occurrence_city_start")]
        constraints = [models.UniqueConstraint(fields=["event", "start"], name="occurrence_once")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.start:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    """A registration for an event (or one occurrence of a recurring event), without an account.

    Purpose: let the organiser know who comes and manage limited places. Holds name and e-mail; deleted 30 days
    after the event (decision 0016) by the retention command. Only a hash of the cancel token is stored.
    `language` is the page language the person registered in; every e-mail to them is written in it.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("bestätigt")
        WAITING = "waiting", _("Warteliste")
        CANCELLED = "cancelled", pgettext_lazy("event registration", "abgemeldet")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("Veranstaltung")
    )
    occurrence_start = models.DateTimeField(pgettext_lazy("event date", "Termin"))
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail-Adresse"))
    people = models.PositiveSmallIntegerField(pgettext_lazy("number of people", "Personen"), default=1)
    language = models.CharField(
        _("Sprache"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, db_index=True)
    # Marked by the organiser on the day: None = not marked yet, True = came, False = did not come.
    attended = models.BooleanField(_("anwesend"), null=True, blank=True)
    cancel_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now=True)
    delete_after = models.DateTimeField(_("löschen ab"), db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("event registration", "Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["event", "occurrence_start", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people__gte=1, people__lte=20), name="registration_people"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.occurrence_start:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class RegistrationMessage(models.Model):
    """A message the organiser or a reviewer wrote to everyone registered for one date, sent through the outbox.

    Purpose: a record of what was sent to registrants, by whom and to how many (no addresses are kept here).
    Deleted with the registrations of the date, 30 days after it (`delete_after`, the retention command).
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registration_messages", verbose_name=_("Veranstaltung")
    )
    occurrence_start = models.DateTimeField(pgettext_lazy("event date", "Termin"))
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("von"),
    )
    subject = models.CharField(_("Betreff"), max_length=150)
    body = models.TextField(_("Nachricht"), max_length=5000)
    include_waiting = models.BooleanField(_("auch an die Warteliste"), default=False)
    recipients = models.PositiveIntegerField(_("Empfänger*innen"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    delete_after = models.DateTimeField(_("löschen ab"), db_index=True)

    class Meta:
        verbose_name = _("Nachricht an Angemeldete")
        verbose_name_plural = _("Nachrichten an Angemeldete")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "occurrence_start", "created_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} {self.occurrence_start:%Y-%m-%d %H:%M}: {self.subject}"
