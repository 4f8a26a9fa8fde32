"""Cities, their districts (Stadtbezirke) and neighbourhoods (Stadtteile), offices and public contacts."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.core.models import TimeStampedModel


class City(TimeStampedModel):
    """A city: the tenant every other record belongs to."""

    slug = models.SlugField(_("Kurzname"), max_length=50, unique=True)
    name = models.CharField(_("Name"), max_length=120)
    domain = models.CharField(
        _("Domain"),
        max_length=253,
        blank=True,
        help_text=_("Hostname, unter dem die öffentlichen Seiten dieser Stadt erreichbar sind."),
    )
    is_default = models.BooleanField(_("Standardstadt"), default=False)
    boundary = models.JSONField(_("Stadtgrenze (GeoJSON-Geometrie)"), null=True, blank=True)
    attributions = models.JSONField(_("Quellenangaben"), default=list, blank=True)
    reference_notes = models.JSONField(_("Hinweise zu den Referenzdaten"), default=list, blank=True)
    fallback_team_name = models.CharField(
        _("Rückfallteam"),
        max_length=200,
        blank=True,
        help_text=_(
            "Erhält alle Anliegen für Stadtbezirke ohne Koordinator*in und alle Anliegen ohne Stadtbezirk."
        ),
    )
    fallback_team_email = models.EmailField(_("E-Mail des Rückfallteams"), blank=True)
    places_revision = models.PositiveIntegerField(
        _("Stand der Ortsdaten"),
        default=0,
        editable=False,
        help_text=_(
            "Steigt bei jeder Änderung der Ortsdaten dieser Stadt; Zwischenspeicher vergleichen ihn."
        ),
    )

    class Meta:
        verbose_name = _("Stadt")
        verbose_name_plural = _("Städte")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_city"
            )
        ]

    def __str__(self) -> str:
        return self.name


class District(TimeStampedModel):
    """A Stadtbezirk, identified by its roman numeral."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="districts", verbose_name=_("Stadt")
    )
    number = models.CharField(_("Nummer"), max_length=8, help_text=_("Römische Ziffer, z. B. III"))
    ordinal = models.PositiveSmallIntegerField(_("Reihenfolge"))
    name = models.CharField(_("Name"), max_length=120)
    boundary = models.JSONField(_("Grenze (GeoJSON-Geometrie)"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stadtbezirk")
        verbose_name_plural = _("Stadtbezirke")
        ordering = ["city", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["city", "number"], name="district_number_per_city")]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.number.lower()

    def get_absolute_url(self) -> str:
        return reverse("public:district", kwargs={"number": self.slug})


class Neighbourhood(TimeStampedModel):
    """A Stadtteil, assigned to exactly one district."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="neighbourhoods", verbose_name=_("Stadt")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="neighbourhoods", verbose_name=_("Stadtbezirk")
    )
    number = models.PositiveSmallIntegerField(_("amtliche Nummer"), null=True, blank=True)
    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname"), max_length=120)
    alternative_names = models.JSONField(_("andere Schreibweisen"), default=list, blank=True)
    boundary = models.JSONField(_("Grenze (GeoJSON-Geometrie)"), null=True, blank=True)
    label_lon = models.FloatField(_("Beschriftungspunkt Länge"), null=True, blank=True)
    label_lat = models.FloatField(_("Beschriftungspunkt Breite"), null=True, blank=True)
    area_km2 = models.FloatField(_("Fläche (km²)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("Einwohner*innen"), null=True, blank=True)
    population_date = models.CharField(_("Stichtag Einwohnerzahl"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Stadtteil")
        verbose_name_plural = _("Stadtteile")
        ordering = ["city", "number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="neighbourhood_slug_per_city"),
            models.UniqueConstraint(
                fields=["city", "number"],
                condition=models.Q(number__isnull=False),
                name="neighbourhood_number_per_city",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:neighbourhood", kwargs={"slug": self.slug})


class PlaceSource(models.TextChoices):
    """Where a postcode or a postcode ↔ Stadtteil pair comes from."""

    REFERENCE = "reference", _("Referenzdaten")
    CITY = "city", _("von der Stadt ergänzt")


class Postcode(models.Model):
    """A postcode of the city and the neighbourhoods it reaches into (many-to-many, no shares)."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="postcodes", verbose_name=_("Stadt")
    )
    code = models.CharField(_("Postleitzahl"), max_length=10)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood,
        related_name="postcodes",
        blank=True,
        through="PostcodeNeighbourhood",
        verbose_name=_("Stadtteile"),
    )
    source = models.CharField(
        _("Quelle"), max_length=12, choices=PlaceSource.choices, default=PlaceSource.REFERENCE
    )

    class Meta:
        verbose_name = _("Postleitzahl")
        verbose_name_plural = _("Postleitzahlen")
        ordering = ["city", "code"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="postcode_per_city")]

    def __str__(self) -> str:
        return self.code


class PostcodeNeighbourhood(models.Model):
    """One postcode ↔ Stadtteil pair: from the reference data (kept in step by `load_city`) or added by the city's
    administrators in the workspace (kept across `load_city` runs, shown as such on the data-sources page)."""

    postcode = models.ForeignKey(
        Postcode, on_delete=models.CASCADE, related_name="pairs", verbose_name=_("Postleitzahl")
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="postcode_pairs", verbose_name=_("Stadtteil")
    )
    source = models.CharField(
        _("Quelle"), max_length=12, choices=PlaceSource.choices, default=PlaceSource.REFERENCE
    )
    added_at = models.DateTimeField(_("ergänzt am"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ergänzt von"),
    )

    class Meta:
        db_table = "places_postcode_neighbourhoods"
        verbose_name = _("Zuordnung Postleitzahl – Stadtteil")
        verbose_name_plural = _("Zuordnungen Postleitzahl – Stadtteil")
        constraints = [
            models.UniqueConstraint(fields=["postcode", "neighbourhood"], name="postcode_pair_once")
        ]

    def __str__(self) -> str:
        return f"{self.postcode_id} – {self.neighbourhood_id}"


class DistrictOffice(TimeStampedModel):
    """A Bezirksstelle: the office where a district's contact works."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="offices", verbose_name=_("Stadt"))
    key = models.SlugField(_("Schlüssel"), max_length=80)
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10)
    locality = models.CharField(pgettext_lazy("town", "Ort"), max_length=120)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    opening_hours = models.TextField(_("Öffnungszeiten"), blank=True)
    districts = models.ManyToManyField(
        District, related_name="offices", blank=True, verbose_name=_("Stadtbezirke")
    )

    class Meta:
        verbose_name = _("Bezirksstelle")
        verbose_name_plural = _("Bezirksstellen")
        ordering = ["city", "key"]
        constraints = [models.UniqueConstraint(fields=["city", "key"], name="office_key_per_city")]

    def __str__(self) -> str:
        return self.name


class Contact(TimeStampedModel):
    """What the public sees as the responsible person for districts: a named person or a vacancy (N.N.)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("Stadt"))
    name = models.CharField(
        _("Name"), max_length=200, blank=True, help_text=_("Leer, wenn die Stelle unbesetzt ist.")
    )
    vacant = models.BooleanField(_("unbesetzt"), default=False)
    role = models.CharField(_("Aufgabe"), max_length=200, blank=True)
    office = models.ForeignKey(
        DistrictOffice, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("Bezirksstelle")
    )
    districts = models.ManyToManyField(District, related_name="contacts", verbose_name=_("Stadtbezirke"))
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon (direkt)"), max_length=40, blank=True)
    source_key = models.CharField(
        _("Schlüssel in den Referenzdaten"),
        max_length=120,
        blank=True,
        editable=False,
        help_text=_(
            "Von load_city gesetzt, damit erneutes Laden diesen Kontakt aktualisiert statt einen neuen anzulegen."
        ),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="public_contacts",
        blank=True,
        verbose_name=_("Mitarbeitende hinter diesem Kontakt"),
        help_text=_(
            "Personen, die die Anliegen dieses Kontakts erhalten; sie brauchen außerdem die Rolle Koordinator*in."
        ),
    )

    class Meta:
        verbose_name = _("Ansprechpartner*in")
        verbose_name_plural = _("Ansprechpartner*innen")
        ordering = ["city", "office__key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vacant=True) | ~models.Q(name=""), name="contact_named_or_vacant"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return "N.N." if self.vacant or not self.name else self.name

    @property
    def effective_phone(self) -> str:
        return self.phone or self.office.phone

    @property
    def effective_email(self) -> str:
        return self.email or self.office.email


class OperatorInformation(TimeStampedModel):
    """Facts only the operator can state, for Impressum, Datenschutz and Barrierefreiheit pages.

    Empty fields are shown as "vom Betreiber auszufüllen"; nothing here is ever filled by the software.
    """

    city = models.OneToOneField(
        City, on_delete=models.CASCADE, related_name="operator", verbose_name=_("Stadt")
    )
    operator_name = models.CharField(_("Betreiber"), max_length=200, blank=True)
    operator_address = models.TextField(_("Anschrift"), blank=True)
    represented_by = models.CharField(_("vertreten durch"), max_length=200, blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    contact_phone = models.CharField(_("Kontakt-Telefon"), max_length=40, blank=True)
    content_responsible = models.CharField(_("Inhaltlich verantwortlich"), max_length=300, blank=True)
    vat_id = models.CharField(_("Umsatzsteuer-ID"), max_length=40, blank=True)
    supervisory_authority = models.CharField(_("Aufsichtsbehörde"), max_length=300, blank=True)
    data_protection_officer = models.TextField(_("Datenschutzbeauftragte*r"), blank=True)
    data_protection_authority = models.TextField(_("Datenschutz-Aufsichtsbehörde"), blank=True)
    hosting_provider = models.CharField(_("Hosting-Dienstleister"), max_length=300, blank=True)
    accessibility_status = models.TextField(_("Stand der Vereinbarkeit (BITV 2.0)"), blank=True)
    accessibility_known_issues = models.TextField(_("Nicht barrierefreie Inhalte"), blank=True)
    accessibility_statement_date = models.DateField(_("Erstellt am"), null=True, blank=True)
    accessibility_feedback_email = models.EmailField(_("Feedback-E-Mail Barrierefreiheit"), blank=True)
    accessibility_feedback_phone = models.CharField(
        _("Feedback-Telefon Barrierefreiheit"), max_length=40, blank=True
    )
    enforcement_body = models.TextField(_("Schlichtungs- bzw. Durchsetzungsstelle"), blank=True)

    class Meta:
        verbose_name = _("Angaben des Betreibers")
        verbose_name_plural = _("Angaben des Betreibers")

    def __str__(self) -> str:
        return str(self.city)
