"""Organisations (Vereine, Migrantenorganisationen, Träger, Ämter …), their members and invitations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quartier.core.models import TimeStampedModel


class Organisation(TimeStampedModel):
    """An association, institution or office that publishes events and offers in a city.

    The contact fields are the organisation's public contact (an office address or a function mailbox), shown on
    its public page; they are the organisation's own statements, kept while it is listed.
    """

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Verein")
        MIGRANT_ORGANISATION = "migrant_organisation", _("Migrantenorganisation")
        WELFARE_ASSOCIATION = "welfare_association", _("Wohlfahrtsverband")
        PUBLIC_AUTHORITY = "public_authority", _("Verwaltung/Amt")
        EDUCATION = "education", _("Bildungseinrichtung")
        RELIGIOUS_COMMUNITY = "religious_community", _("Religionsgemeinschaft")
        INITIATIVE = "initiative", _("Initiative")
        OTHER = "other", _("Sonstige")

    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="organisations", verbose_name=_("Stadt")
    )
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=220)
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("Beschreibung"), blank=True, max_length=5000)
    contact_name = models.CharField(_("Ansprechperson oder Stelle"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    website = models.URLField(_("Website"), blank=True, max_length=500)
    districts = models.ManyToManyField(
        "places.District",
        related_name="organisations",
        blank=True,
        verbose_name=_("aktiv in den Stadtbezirken"),
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["city", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="organisation_slug_per_city")]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    """What a member may do for the organisation: members publish, managers also decide who belongs to it."""

    MANAGER = "manager", _("Verwalter*in")
    MEMBER = "member", _("Mitglied")


class OrganisationMember(models.Model):
    """A user who acts for an organisation (manages its events and offers); managers also invite and remove
    members. `added_by` is who let the person in (the inviter of the accepted invitation, or the person who added
    them in the admin); a membership someone gave themselves counts for nothing (organisations/permissions.py)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="members", verbose_name=_("Organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
        verbose_name=_("Person"),
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aufgenommen von"),
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitglied einer Organisation")
        verbose_name_plural = _("Mitglieder von Organisationen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="organisation_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


class Invitation(models.Model):
    """An invitation by e-mail to act for an organisation.

    Purpose: let an organisation's managers (or the city administration) give the organisation's people access. Holds the e-mail address until the
    invitation is accepted or expires; expired and accepted invitations are deleted after 30 days. Only a hash of
    the secret token is stored.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("Organisation")
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    token_hash = models.CharField(_("Schlüssel (Prüfwert)"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("eingeladen von"),
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
